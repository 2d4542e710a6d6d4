/* dimse-transport.c — PDU framing over a GIOStream, TLS set-up */
#include "dimse-transport-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "dimse-error.h"

/* Reads go through a buffer so that one system call brings small PDUs
 * whole, several at a time; a body missing this much or more is read in
 * chunks of READ_CHUNK_SIZE straight into the PDU buffer. */
#define READ_BUFFER_SIZE (64 * 1024)
#define READ_CHUNK_SIZE (1024 * 1024)
#define MAX_SYNC_READS 16

G_DEFINE_FINAL_TYPE (DimseTransport, dimse_transport, G_TYPE_OBJECT)

static void
dimse_transport_dispose (GObject *object)
{
  DimseTransport *self = DIMSE_TRANSPORT (object);

  dimse_transport_close (self);
  if (self->read_watch != NULL)
    {
      g_source_destroy (self->read_watch);
      g_clear_pointer (&self->read_watch, g_source_unref);
    }
  g_clear_object (&self->in);
  g_clear_object (&self->out);
  g_clear_object (&self->stream);
  G_OBJECT_CLASS (dimse_transport_parent_class)->dispose (object);
}

static void
dimse_transport_finalize (GObject *object)
{
  DimseTransport *self = DIMSE_TRANSPORT (object);

  g_clear_object (&self->cancellable);
  g_free (self->read_buffer);
  g_free (self->peer_name);
  G_OBJECT_CLASS (dimse_transport_parent_class)->finalize (object);
}

static void
dimse_transport_class_init (DimseTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dimse_transport_dispose;
  object_class->finalize = dimse_transport_finalize;
}

static void
dimse_transport_init (DimseTransport *self)
{
  self->cancellable = g_cancellable_new ();
  self->read_buffer = g_malloc (READ_BUFFER_SIZE);
  g_queue_init (&self->write_queue);
}

static GSocketConnection *
base_connection (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_SOCKET_CONNECTION (stream))
    return G_SOCKET_CONNECTION (stream);
  if (G_IS_TLS_CONNECTION (stream))
    {
      g_object_get (stream, "base-io-stream", &base, NULL);
      if (G_IS_SOCKET_CONNECTION (base))
        return G_SOCKET_CONNECTION (base);
    }
  return NULL;
}

static char *
describe_peer (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *host = NULL;
  GInetAddress *inet;
  guint16 port;

  if (connection != NULL)
    address = g_socket_connection_get_remote_address (connection, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("unknown peer");
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  host = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

DimseTransport *
dimse_transport_new (GIOStream *stream)
{
  DimseTransport *self;
  GSocketConnection *connection;

  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);

  self = g_object_new (DIMSE_TYPE_TRANSPORT, NULL);
  self->stream = g_object_ref (stream);
  /* The socket's own stream, not a GBufferedInputStream: that one cannot
   * be polled, so GIO would run every read on a worker thread. */
  self->in = g_object_ref (g_io_stream_get_input_stream (stream));
  self->out = g_object_ref (g_io_stream_get_output_stream (stream));
  self->in_pollable = G_IS_POLLABLE_INPUT_STREAM (self->in)
                      && g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->in));
  self->pollable = G_IS_POLLABLE_OUTPUT_STREAM (self->out)
                   && g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (self->out));
  connection = base_connection (stream);
  if (connection != NULL)
    {
      GSocket *socket = g_socket_connection_get_socket (connection);

      /* A PDU is written whole; Nagle's algorithm would only delay the
       * small ones (PS3.8 leaves the socket options to the implementation). */
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      g_socket_set_timeout (socket, 0);
    }
  self->peer_name = describe_peer (connection);
  return self;
}

gboolean
dimse_transport_is_closed (DimseTransport *self)
{
  g_return_val_if_fail (DIMSE_IS_TRANSPORT (self), TRUE);
  return self->closed;
}

GIOStream *
dimse_transport_get_stream (DimseTransport *self)
{
  g_return_val_if_fail (DIMSE_IS_TRANSPORT (self), NULL);

  /* GSocketClient hands a TLS connection over inside a GSocketConnection. */
  if (G_IS_TCP_WRAPPER_CONNECTION (self->stream))
    return g_tcp_wrapper_connection_get_base_io_stream (G_TCP_WRAPPER_CONNECTION (self->stream));
  return self->stream;
}

static GInetSocketAddress *
inet_address_or_null (GSocketAddress *address)
{
  if (G_IS_INET_SOCKET_ADDRESS (address))
    return G_INET_SOCKET_ADDRESS (address);
  g_clear_object (&address);
  return NULL;
}

GInetSocketAddress *
dimse_transport_get_local_address (DimseTransport *self)
{
  GSocketConnection *connection;

  g_return_val_if_fail (DIMSE_IS_TRANSPORT (self), NULL);

  connection = base_connection (self->stream);
  if (connection == NULL)
    return NULL;
  return inet_address_or_null (g_socket_connection_get_local_address (connection, NULL));
}

GInetSocketAddress *
dimse_transport_get_remote_address (DimseTransport *self)
{
  GSocketConnection *connection;

  g_return_val_if_fail (DIMSE_IS_TRANSPORT (self), NULL);

  connection = base_connection (self->stream);
  if (connection == NULL)
    return NULL;
  return inet_address_or_null (g_socket_connection_get_remote_address (connection, NULL));
}

const char *
dimse_transport_get_peer_name (DimseTransport *self)
{
  g_return_val_if_fail (DIMSE_IS_TRANSPORT (self), NULL);
  return self->peer_name;
}

void
dimse_transport_close (DimseTransport *self)
{
  g_return_if_fail (DIMSE_IS_TRANSPORT (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  if (self->write_timer != NULL)
    {
      g_source_destroy (self->write_timer);
      g_clear_pointer (&self->write_timer, g_source_unref);
    }
  g_cancellable_cancel (self->cancellable);
  if (self->stream != NULL)
    g_io_stream_close (self->stream, NULL, NULL);
}

/* ---- cancellation: a caller's cancellable closes the transport, since a
 * PDU half read or half written leaves the stream unusable ---- */

static void
on_caller_cancelled (GCancellable *cancellable, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
dimse_transport_cancel_link_free (CancelLink *link)
{
  if (link->caller != NULL)
    {
      g_cancellable_disconnect (link->caller, link->handler);
      g_object_unref (link->caller);
    }
  g_free (link);
}

CancelLink *
dimse_transport_cancel_link_new (DimseTransport *self, GCancellable *caller)
{
  CancelLink *link = g_new0 (CancelLink, 1);

  if (caller != NULL)
    {
      link->caller = g_object_ref (caller);
      link->handler = g_cancellable_connect (caller, G_CALLBACK (on_caller_cancelled),
                                             g_object_ref (self->cancellable), g_object_unref);
    }
  return link;
}

/* Every operation the write timer cut short fails with its reason. */
void
dimse_transport_return_io_error (GTask *task, DimseTransport *self, GError *error,
                                 const char *what)
{
  if (self->write_timed_out)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT,
                               "%s has read nothing of what we are sending for %u ms.",
                               self->peer_name, self->write_timeout_ms);
      g_error_free (error);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                           "%s %s failed: %s", what, self->peer_name, error->message);
  g_error_free (error);
}

/* ---- reading one PDU ---- */

typedef struct {
  DimsePduLimits   limits;
  guint8           header[DIMSE_PDU_HEADER_LENGTH];
  GByteArray      *pdu;
  gsize            total;
  gsize            filled;
  gboolean         reading_direct;  /* into pdu rather than the buffer */
  DimseAbortReason abort_reason;
  CancelLink      *link;
} ReadState;

static void
read_state_free (ReadState *state)
{
  g_clear_pointer (&state->pdu, g_byte_array_unref);
  dimse_transport_cancel_link_free (state->link);
  g_free (state);
}

static void read_step (GTask *task);

static gsize
buffered (DimseTransport *self)
{
  return self->read_end - self->read_start;
}

/* n bytes read (or error) into where read_into was told. Takes task. */
static void
read_done (GTask *task_in, gssize n, GError *error)
{
  g_autoptr(GTask) task = task_in;
  DimseTransport *self = g_task_get_source_object (task);
  ReadState *state = g_task_get_task_data (task);

  if (n < 0)
    {
      dimse_transport_return_io_error (task, self, error, "Reading a PDU from");
      return;
    }
  if (n == 0 && state->pdu == NULL)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                               buffered (self) == 0
                                 ? "%s closed the connection."
                                 : "%s closed the connection within a PDU header.",
                               self->peer_name);
      return;
    }
  if (n == 0)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                               "%s closed the connection after %" G_GSIZE_FORMAT " of the %"
                               G_GSIZE_FORMAT " bytes of a %s PDU.", self->peer_name,
                               state->filled, state->total,
                               dimse_pdu_type_to_string (state->header[0]));
      return;
    }
  if (state->reading_direct)
    state->filled += (gsize) n;
  else
    self->read_end += (gsize) n;
  read_step (g_steal_pointer (&task));
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  read_done (user_data, n, error);
}

static void read_into (GTask *task, guint8 *buffer, gsize size);

/* The read watch stays attached from one read to the next, rather than a
 * source made, attached and destroyed for each (and the context woken up
 * each time); it goes once it fires with no read waiting. */
static gboolean
on_readable (GObject *stream, gpointer user_data)
{
  DimseTransport *self = user_data;
  GTask *task = g_steal_pointer (&self->read_waiting);

  if (task == NULL)
    {
      g_clear_pointer (&self->read_watch, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  self->sync_reads = 0;
  read_into (task, self->wait_buffer, self->wait_size);
  return G_SOURCE_CONTINUE;
}

/* Reads what the connection has now, or waits for it to have something.
 * A run of reads that each succeed at once is cut by a wait (the watch is
 * ready at once then), so that the stack stays shallow. */
static void
read_into (GTask *task, guint8 *buffer, gsize size)
{
  DimseTransport *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n = -1;

  if (!self->in_pollable)
    {
      g_input_stream_read_async (self->in, buffer, size, G_PRIORITY_DEFAULT, self->cancellable,
                                 on_read, task);
      return;
    }
  if (self->sync_reads++ < MAX_SYNC_READS)
    {
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->in), buffer,
                                                    size, self->cancellable, &error);
      if (n >= 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          read_done (task, n, error);
          return;
        }
      g_clear_error (&error);
    }
  self->read_waiting = task;
  self->wait_buffer = buffer;
  self->wait_size = size;
  if (self->read_watch == NULL)
    {
      self->read_watch = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->in),
                                                                self->cancellable);
      g_source_set_callback (self->read_watch, (GSourceFunc) (void (*) (void)) on_readable, self,
                             NULL);
      g_source_attach (self->read_watch, g_main_context_get_thread_default ());
    }
}

/* Reads whatever the connection has into the buffer, behind what is in it. */
static void
fill_buffer (GTask *task)
{
  DimseTransport *self = g_task_get_source_object (task);
  ReadState *state = g_task_get_task_data (task);

  if (self->read_start > 0)
    {
      memmove (self->read_buffer, self->read_buffer + self->read_start, buffered (self));
      self->read_end -= self->read_start;
      self->read_start = 0;
    }
  state->reading_direct = FALSE;
  read_into (task, self->read_buffer + self->read_end, READ_BUFFER_SIZE - self->read_end);
}

/* The header, once buffered: checked against the limits before any of
 * the body is read. FALSE when the task was returned. */
static gboolean
take_header (GTask *task)
{
  DimseTransport *self = g_task_get_source_object (task);
  ReadState *state = g_task_get_task_data (task);
  GError *error = NULL;
  guint8 type;
  guint32 length;

  memcpy (state->header, self->read_buffer + self->read_start, DIMSE_PDU_HEADER_LENGTH);
  self->read_start += DIMSE_PDU_HEADER_LENGTH;
  dimse_pdu_peek_header (state->header, &type, &length);
  if (!dimse_pdu_check_header (type, length, &state->limits, &state->abort_reason, &error))
    {
      g_task_return_error (task, error);
      return FALSE;
    }
  state->total = (gsize) DIMSE_PDU_HEADER_LENGTH + length;
  state->filled = DIMSE_PDU_HEADER_LENGTH;
  /* Grows only by what has arrived, never by the declared length. */
  state->pdu = g_byte_array_sized_new (MIN (state->total, READ_BUFFER_SIZE));
  g_byte_array_append (state->pdu, state->header, DIMSE_PDU_HEADER_LENGTH);
  return TRUE;
}

/* One step of reading a PDU: from the buffer what it holds, then from the
 * connection — into the buffer when little is missing (it may bring the
 * next PDUs too), straight into the PDU when much is. */
static void
read_step (GTask *task)
{
  DimseTransport *self = g_task_get_source_object (task);
  ReadState *state = g_task_get_task_data (task);
  gsize n, missing;

  if (state->pdu == NULL)
    {
      if (buffered (self) < DIMSE_PDU_HEADER_LENGTH)
        {
          fill_buffer (task);
          return;
        }
      if (!take_header (task))
        {
          g_object_unref (task);
          return;
        }
    }
  if (state->reading_direct)
    g_byte_array_set_size (state->pdu, state->filled);
  n = MIN (buffered (self), state->total - state->filled);
  g_byte_array_append (state->pdu, self->read_buffer + self->read_start, n);
  self->read_start += n;
  state->filled += n;
  missing = state->total - state->filled;
  if (missing == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&state->pdu)),
                             (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }
  if (missing < READ_BUFFER_SIZE)
    {
      fill_buffer (task);
      return;
    }
  n = MIN (missing, READ_CHUNK_SIZE);
  g_byte_array_set_size (state->pdu, state->filled + n);
  state->reading_direct = TRUE;
  read_into (task, state->pdu->data + state->filled, n);
}

void
dimse_transport_read_pdu_async (DimseTransport *self, const DimsePduLimits *limits,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadState *state;

  g_return_if_fail (DIMSE_IS_TRANSPORT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_transport_read_pdu_async);
  state = g_new0 (ReadState, 1);
  if (limits != NULL)
    state->limits = *limits;
  else
    dimse_pdu_limits_init (&state->limits);
  state->abort_reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;
  state->link = dimse_transport_cancel_link_new (self, cancellable);
  g_task_set_task_data (task, state, (GDestroyNotify) read_state_free);
  if (self->closed)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                               "The connection to %s is closed.", self->peer_name);
      return;
    }
  read_step (g_steal_pointer (&task));
}

GBytes *
dimse_transport_read_pdu_finish (DimseTransport *self, GAsyncResult *result,
                                 DimseAbortReason *abort_reason, GError **error)
{
  ReadState *state;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  state = g_task_get_task_data (G_TASK (result));
  if (abort_reason != NULL)
    *abort_reason = state->abort_reason;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A whole PDU already in the read buffer, taken without a system call or
 * a pass of the main loop. */
GBytes *
dimse_transport_take_buffered_pdu (DimseTransport *self, const DimsePduLimits *limits,
                                   DimseAbortReason *abort_reason, GError **error)
{
  DimsePduLimits defaults;
  const guint8 *header;
  guint8 type;
  guint32 length;
  gsize total;
  GBytes *pdu;

  g_return_val_if_fail (DIMSE_IS_TRANSPORT (self), NULL);

  if (self->closed || buffered (self) < DIMSE_PDU_HEADER_LENGTH)
    return NULL;
  if (limits == NULL)
    {
      dimse_pdu_limits_init (&defaults);
      limits = &defaults;
    }
  header = self->read_buffer + self->read_start;
  dimse_pdu_peek_header (header, &type, &length);
  if (!dimse_pdu_check_header (type, length, limits, abort_reason, error))
    return NULL;
  total = (gsize) DIMSE_PDU_HEADER_LENGTH + length;
  if (buffered (self) < total)
    return NULL;
  pdu = g_bytes_new (header, total);
  self->read_start += total;
  return pdu;
}

DimseTlsSettings *
dimse_tls_settings_copy (const DimseTlsSettings *tls)
{
  DimseTlsSettings *copy;

  if (tls == NULL)
    return NULL;
  copy = g_new0 (DimseTlsSettings, 1);
  copy->certificate_file = g_strdup (tls->certificate_file);
  copy->key_file = g_strdup (tls->key_file);
  copy->ca_file = g_strdup (tls->ca_file);
  copy->verify_peer = tls->verify_peer;
  return copy;
}

void
dimse_tls_settings_free (DimseTlsSettings *tls)
{
  if (tls == NULL)
    return;
  g_free (tls->certificate_file);
  g_free (tls->key_file);
  g_free (tls->ca_file);
  g_free (tls);
}
