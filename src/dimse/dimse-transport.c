/* dimse-transport.c — PDU framing over a GIOStream, TLS set-up */
#include "dimse-transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "dimse-error.h"

/* Reads go through a buffer so that one system call brings small PDUs
 * whole, several at a time; a body missing this much or more is read in
 * chunks of READ_CHUNK_SIZE straight into the PDU buffer. */
#define READ_BUFFER_SIZE (64 * 1024)
#define READ_CHUNK_SIZE (1024 * 1024)
/* Below any system's IOV_MAX, so one writev never needs splitting by GIO. */
#define MAX_VECTORS_PER_WRITE 512
#define DEFAULT_CONNECT_TIMEOUT_MS 30000

struct _DimseTransport
{
  GObject        parent_instance;
  GIOStream     *stream;
  GInputStream  *in;
  GOutputStream *out;
  GCancellable  *cancellable;  /* cancelled on close: fails every pending operation */
  char          *peer_name;
  GQueue         write_queue;  /* GTask*, the head one being written when writing */
  guint8        *read_buffer;  /* READ_BUFFER_SIZE bytes read ahead of the PDU being read */
  gsize          read_start;   /* the unconsumed bytes: [read_start, read_end) */
  gsize          read_end;
  gboolean       writing;
  gboolean       closed;
};

G_DEFINE_FINAL_TYPE (DimseTransport, dimse_transport, G_TYPE_OBJECT)

static void
dimse_transport_dispose (GObject *object)
{
  DimseTransport *self = DIMSE_TRANSPORT (object);

  dimse_transport_close (self);
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

typedef struct {
  GCancellable *caller;
  gulong        handler;
} CancelLink;

static void
cancel_link_free (CancelLink *link)
{
  if (link->caller != NULL)
    {
      g_cancellable_disconnect (link->caller, link->handler);
      g_object_unref (link->caller);
    }
  g_free (link);
}

static CancelLink *
cancel_link_new (DimseTransport *self, GCancellable *caller)
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

static void
return_io_error (GTask *task, DimseTransport *self, GError *error, const char *what)
{
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
  cancel_link_free (state->link);
  g_free (state);
}

static void read_step (GTask *task);

static gsize
buffered (DimseTransport *self)
{
  return self->read_end - self->read_start;
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  DimseTransport *self = g_task_get_source_object (task);
  ReadState *state = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    {
      return_io_error (task, self, error, "Reading a PDU from");
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
  g_input_stream_read_async (self->in, self->read_buffer + self->read_end,
                             READ_BUFFER_SIZE - self->read_end, G_PRIORITY_DEFAULT,
                             self->cancellable, on_read, task);
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
  g_input_stream_read_async (self->in, state->pdu->data + state->filled, n, G_PRIORITY_DEFAULT,
                             self->cancellable, on_read, task);
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
  state->link = cancel_link_new (self, cancellable);
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

/* ---- writing ---- */

typedef struct {
  GPtrArray     *buffers;
  guint          next;
  GOutputVector  vectors[MAX_VECTORS_PER_WRITE];
  CancelLink    *link;
} WriteState;

static void
write_state_free (WriteState *state)
{
  g_ptr_array_unref (state->buffers);
  cancel_link_free (state->link);
  g_free (state);
}

static void write_next_batch (GTask *task);
static void write_next_task (DimseTransport *self);

static void
finish_write (DimseTransport *self, GTask *task, GError *error)
{
  g_queue_remove (&self->write_queue, task);
  self->writing = FALSE;
  if (error != NULL)
    return_io_error (task, self, error, "Writing to");
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  write_next_task (self);
}

static void
on_batch_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  DimseTransport *self = g_task_get_source_object (task);
  WriteState *state = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_writev_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    finish_write (self, task, error);
  else if (state->next < state->buffers->len)
    write_next_batch (task);
  else
    finish_write (self, task, NULL);
}

static void
write_next_batch (GTask *task)
{
  DimseTransport *self = g_task_get_source_object (task);
  WriteState *state = g_task_get_task_data (task);
  guint n = 0;

  while (n < MAX_VECTORS_PER_WRITE && state->next < state->buffers->len)
    {
      GBytes *bytes = g_ptr_array_index (state->buffers, state->next++);
      gsize size = 0;

      state->vectors[n].buffer = g_bytes_get_data (bytes, &size);
      state->vectors[n].size = size;
      n++;
    }
  g_output_stream_writev_all_async (self->out, state->vectors, n, G_PRIORITY_DEFAULT,
                                    self->cancellable, on_batch_written, task);
}

static void
write_next_task (DimseTransport *self)
{
  GTask *task;

  if (self->writing || g_queue_is_empty (&self->write_queue))
    return;
  task = g_queue_peek_head (&self->write_queue);
  if (self->closed)
    {
      finish_write (self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                             "the connection is closed"));
      return;
    }
  self->writing = TRUE;
  write_next_batch (task);
}

void
dimse_transport_write_async (DimseTransport *self, GPtrArray *buffers,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  WriteState *state;

  g_return_if_fail (DIMSE_IS_TRANSPORT (self));
  g_return_if_fail (buffers != NULL && buffers->len > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_transport_write_async);
  state = g_new0 (WriteState, 1);
  state->buffers = g_ptr_array_ref (buffers);
  state->link = cancel_link_new (self, cancellable);
  g_task_set_task_data (task, state, (GDestroyNotify) write_state_free);
  g_queue_push_tail (&self->write_queue, task);
  write_next_task (self);
}

gboolean
dimse_transport_write_finish (DimseTransport *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- connecting, TLS ---- */

static gboolean
load_tls (const DimseTlsSettings *tls, GTlsCertificate **certificate,
          GTlsDatabase **database, GError **error)
{
  if (tls->certificate_file != NULL)
    {
      /* Without a key file, the key is in the certificate's PEM file. */
      const char *key_file = tls->key_file != NULL ? tls->key_file : tls->certificate_file;

      *certificate = g_tls_certificate_new_from_files (tls->certificate_file, key_file, error);
      if (*certificate == NULL)
        return FALSE;
    }
  if (tls->ca_file != NULL)
    {
      *database = g_tls_file_database_new (tls->ca_file, error);
      if (*database == NULL)
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  char            *host;
  guint16          port;
  guint            timeout_ms;
  GTlsCertificate *certificate;
  GTlsDatabase    *database;
  gboolean         verify_peer;
} ConnectState;

static void
connect_state_free (ConnectState *state)
{
  g_free (state->host);
  g_clear_object (&state->certificate);
  g_clear_object (&state->database);
  g_free (state);
}

static gboolean
on_accept_certificate (GTlsConnection *conn, GTlsCertificate *peer_cert,
                       GTlsCertificateFlags errors, gpointer user_data)
{
  return TRUE;
}

static void
setup_tls_connection (GTlsConnection *conn, GTlsCertificate *certificate,
                      GTlsDatabase *database, gboolean verify_peer)
{
  if (certificate != NULL)
    g_tls_connection_set_certificate (conn, certificate);
  if (database != NULL)
    g_tls_connection_set_database (conn, database);
  if (!verify_peer)
    g_signal_connect (conn, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
}

static void
on_client_event (GSocketClient *client, GSocketClientEvent event,
                 GSocketConnectable *connectable, GIOStream *connection, gpointer user_data)
{
  ConnectState *state = user_data;

  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CONNECTION (connection))
    setup_tls_connection (G_TLS_CONNECTION (connection), state->certificate,
                          state->database, state->verify_peer);
}

/* "host:port", an IPv6 address in brackets as in a URL (RFC 3986 §3.2.2). */
static char *
format_endpoint (const char *host, guint16 port)
{
  return strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                    : g_strdup_printf ("%s:%u", host, port);
}

/* GIO says "Could not connect to HOST: REASON"; the system's reason is the
 * last clause, and the address is ours to say once. */
static const char *
connect_reason (const char *message)
{
  const char *colon = g_strrstr (message, ": ");

  return colon != NULL && colon[2] != '\0' ? colon + 2 : message;
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection != NULL)
    {
      g_task_return_pointer (task, dimse_transport_new (G_IO_STREAM (connection)),
                             g_object_unref);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    {
      g_autofree char *endpoint = format_endpoint (state->host, state->port);
      g_autofree char *reason = g_strdup (connect_reason (error->message));
      gsize n = strlen (reason);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT,
                                   "Connecting to %s timed out after %u ms.", endpoint,
                                   state->timeout_ms);
          return;
        }
      if (n > 0 && reason[n - 1] == '.')
        reason[n - 1] = '\0';
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                               "Could not connect to %s: %s.", endpoint, reason);
    }
}

void
dimse_transport_connect_async (const char *host, guint16 port, guint timeout_ms,
                               const DimseTlsSettings *tls, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GError) error = NULL;
  ConnectState *state;

  g_return_if_fail (host != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_transport_connect_async);
  state = g_new0 (ConnectState, 1);
  state->host = g_strdup (host);
  state->port = port;
  state->timeout_ms = timeout_ms != 0 ? timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
  g_task_set_task_data (task, state, (GDestroyNotify) connect_state_free);
  client = g_socket_client_new ();
  /* DICOM goes straight to the peer: no environment proxy, no libproxy. */
  g_socket_client_set_enable_proxy (client, FALSE);
  /* GSocketClient counts in seconds; the socket's own timeout is cleared
   * once connected (dimse_transport_new), the engine's timers take over. */
  g_socket_client_set_timeout (client, (state->timeout_ms + 999) / 1000);
  if (tls != NULL)
    {
      if (!load_tls (tls, &state->certificate, &state->database, &error))
        {
          g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                                   "Could not load the TLS settings for %s:%u: %s",
                                   host, port, error->message);
          return;
        }
      state->verify_peer = tls->verify_peer;
      g_socket_client_set_tls (client, TRUE);
      g_signal_connect (client, "event", G_CALLBACK (on_client_event), state);
    }
  /* An IP literal needs no resolver. */
  if (g_hostname_is_ip_address (host))
    address = G_SOCKET_CONNECTABLE (g_inet_socket_address_new_from_string (host, port));
  else
    address = g_network_address_new (host, port);
  g_socket_client_connect_async (client, address, cancellable, on_connected,
                                 g_steal_pointer (&task));
}

DimseTransport *
dimse_transport_connect_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_server_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                               "The TLS handshake failed: %s", error->message);
      return;
    }
  g_task_return_pointer (task, dimse_transport_new (G_IO_STREAM (source)), g_object_unref);
}

void
dimse_transport_accept_tls_async (GIOStream *stream, const DimseTlsSettings *tls,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GIOStream) conn = NULL;
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, dimse_transport_accept_tls_async);
  if (!load_tls (tls, &certificate, &database, &error)
      || (conn = g_tls_server_connection_new (stream, certificate, &error)) == NULL)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                               "Could not set up TLS: %s", error->message);
      return;
    }
  setup_tls_connection (G_TLS_CONNECTION (conn), NULL, database, tls->verify_peer);
  g_object_set (conn, "authentication-mode",
                tls->verify_peer ? G_TLS_AUTHENTICATION_REQUIRED : G_TLS_AUTHENTICATION_NONE,
                NULL);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (conn), G_PRIORITY_DEFAULT, cancellable,
                                    on_server_handshake, g_steal_pointer (&task));
}

DimseTransport *
dimse_transport_accept_tls_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
