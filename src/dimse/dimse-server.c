/* dimse-server.c — GSocketService accepting associations */
#include "dimse-server.h"

#include "dimse-error.h"

#define LISTEN_BACKLOG 128

struct _DimseServer
{
  GObject              parent_instance;
  GSocketService      *service;
  DimseAcceptorPolicy *policy;
  DimseTimeouts        timeouts;
  DimseTlsSettings    *tls;
  DimseRecorder       *recorder;
  GCancellable        *cancellable;
  guint16              port;
  guint                max_associations;
  guint                max_waiting;
  guint32              max_associate_rq_length;  /* 0: the default */
  DimseAcceptPeerFunc  peer_func;
  gpointer             peer_data;
  GDestroyNotify       peer_destroy;
  GQueue               waiting;        /* Connection*, oldest first: no -RQ yet */
  guint                n_negotiating;  /* -RQ admitted, association not handed over */
  GPtrArray           *associations;   /* DimseAssociation*, established */
};

enum {
  SIGNAL_ASSOCIATION_STARTED,
  SIGNAL_ASSOCIATION_FAILED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DimseServer, dimse_server, G_TYPE_OBJECT)

static void on_association_closed (DimseAssociation *assoc, guint reason,
                                   const char *description, gpointer user_data);

static void
dimse_server_dispose (GObject *object)
{
  DimseServer *self = DIMSE_SERVER (object);

  dimse_server_stop (self);
  while (self->associations->len > 0)
    {
      g_autoptr(DimseAssociation) assoc = g_ptr_array_steal_index (self->associations, 0);

      g_signal_handlers_disconnect_by_func (assoc, on_association_closed, self);
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
    }
  g_clear_object (&self->service);
  G_OBJECT_CLASS (dimse_server_parent_class)->dispose (object);
}

static void
dimse_server_finalize (GObject *object)
{
  DimseServer *self = DIMSE_SERVER (object);

  g_clear_pointer (&self->policy, dimse_acceptor_policy_free);
  g_clear_pointer (&self->tls, dimse_tls_settings_free);
  if (self->peer_destroy != NULL)
    self->peer_destroy (self->peer_data);
  g_clear_object (&self->recorder);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->associations);
  G_OBJECT_CLASS (dimse_server_parent_class)->finalize (object);
}

static void
dimse_server_class_init (DimseServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dimse_server_dispose;
  object_class->finalize = dimse_server_finalize;

  signals[SIGNAL_ASSOCIATION_STARTED] =
    g_signal_new ("association-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, DIMSE_TYPE_ASSOCIATION);
  signals[SIGNAL_ASSOCIATION_FAILED] =
    g_signal_new ("association-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dimse_server_init (DimseServer *self)
{
  self->cancellable = g_cancellable_new ();
  self->associations = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_associations = DIMSE_SERVER_DEFAULT_MAX_ASSOCIATIONS;
  self->max_waiting = DIMSE_SERVER_DEFAULT_MAX_WAITING_CONNECTIONS;
  g_queue_init (&self->waiting);
}

static void
on_association_closed (DimseAssociation *assoc, guint reason, const char *description,
                       gpointer user_data)
{
  DimseServer *self = user_data;

  g_signal_handlers_disconnect_by_func (assoc, on_association_closed, self);
  g_ptr_array_remove (self->associations, assoc);
}

/* ---- connections not yet associated ---- */

/* A connection accepted that has not become an association yet: in its
 * TLS handshake, or waiting for its A-ASSOCIATE-RQ (in self->waiting),
 * then negotiating (admitted, counted in n_negotiating). */
typedef struct {
  DimseServer  *self;
  GCancellable *cancellable;
  gulong        stop_handler;
  GSource      *handshake_timeout;
  GList        *waiting_link;
  char         *peer_name;
  gboolean      admitted;
  gboolean      timed_out;
  gboolean      evicted;
  gint64        accepted_at;   /* g_get_monotonic_time () */
} Connection;

static void
stop_waiting (Connection *conn)
{
  if (conn->waiting_link == NULL)
    return;
  g_queue_delete_link (&conn->self->waiting, conn->waiting_link);
  conn->waiting_link = NULL;
}

static void
clear_handshake_timeout (Connection *conn)
{
  if (conn->handshake_timeout == NULL)
    return;
  g_source_destroy (conn->handshake_timeout);
  g_clear_pointer (&conn->handshake_timeout, g_source_unref);
}

static void
connection_free (Connection *conn)
{
  stop_waiting (conn);
  if (conn->admitted)
    conn->self->n_negotiating--;
  clear_handshake_timeout (conn);
  g_cancellable_disconnect (conn->self->cancellable, conn->stop_handler);
  g_object_unref (conn->cancellable);
  g_object_unref (conn->self);
  g_free (conn->peer_name);
  g_free (conn);
}

static void
cancel_connection (GCancellable *server_cancellable, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static Connection *
connection_new (DimseServer *self)
{
  Connection *conn = g_new0 (Connection, 1);

  conn->accepted_at = g_get_monotonic_time ();
  conn->self = g_object_ref (self);
  conn->cancellable = g_cancellable_new ();
  conn->stop_handler = g_cancellable_connect (self->cancellable, G_CALLBACK (cancel_connection),
                                              conn->cancellable, NULL);
  g_queue_push_tail (&self->waiting, conn);
  conn->waiting_link = self->waiting.tail;
  return conn;
}

/* The connection that has waited longest for its -RQ goes, so that a
 * requestor that does send one is always heard however many connections
 * lie idle (PS3.8 §9.1.5 lets the acceptor close before ARTIM). */
static void
make_room (DimseServer *self)
{
  while (self->max_waiting != 0 && self->waiting.length >= self->max_waiting)
    {
      Connection *oldest = g_queue_peek_head (&self->waiting);

      stop_waiting (oldest);
      oldest->evicted = TRUE;
      g_cancellable_cancel (oldest->cancellable);
    }
}

static char *
connection_failure (Connection *conn, const GError *error)
{
  if (conn->evicted)
    return g_strdup_printf ("Closed the connection from %s, which had sent no "
                            "A-ASSOCIATE-RQ, to make room: %u connections were waiting "
                            "for one.", conn->peer_name, conn->self->max_waiting);
  if (conn->timed_out)
    return g_strdup_printf ("%s did not complete the TLS handshake within the ARTIM timeout "
                            "of %u ms.", conn->peer_name, conn->self->timeouts.artim_timeout_ms);
  return g_strdup (error->message);
}

/* Asked when the -RQ arrives: PS3.8 Table 9-21 source 3, reason 2. */
static gboolean
at_limit (gpointer user_data)
{
  Connection *conn = user_data;
  DimseServer *self = conn->self;

  stop_waiting (conn);
  if (self->max_associations != 0
      && self->n_negotiating + self->associations->len >= self->max_associations)
    return TRUE;
  conn->admitted = TRUE;
  self->n_negotiating++;
  return FALSE;
}

static void
on_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connection *conn = user_data;
  g_autoptr(DimseServer) self = g_object_ref (conn->self);
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) assoc = dimse_association_accept_finish (result, &error);
  g_autofree char *why = assoc == NULL ? connection_failure (conn, error) : NULL;

  connection_free (conn);
  if (assoc == NULL)
    {
      g_debug ("%s", why);
      g_signal_emit (self, signals[SIGNAL_ASSOCIATION_FAILED], 0, why);
      return;
    }
  if (self->recorder != NULL)
    dimse_association_set_recorder (assoc, self->recorder);
  g_ptr_array_add (self->associations, g_object_ref (assoc));
  g_signal_connect (assoc, "closed", G_CALLBACK (on_association_closed), self);
  g_signal_emit (self, signals[SIGNAL_ASSOCIATION_STARTED], 0, assoc);
}

static void
accept_association (Connection *conn, DimseTransport *transport)
{
  DimseServer *self = conn->self;
  DimseAcceptOptions options = {
    .limit_func = at_limit,
    .limit_data = conn,
    .peer_func = self->peer_func,
    .peer_data = self->peer_data,
    .max_associate_rq_length = self->max_associate_rq_length,
    .rq_deadline = conn->accepted_at + (gint64) self->timeouts.artim_timeout_ms * 1000,
  };

  dimse_association_accept_with_options_async (transport, self->policy, &self->timeouts,
                                               &options, conn->cancellable, on_accepted, conn);
}

/* A TLS handshake under way: bounded by ARTIM, as the wait for the
 * A-ASSOCIATE-RQ that follows it is, so that no connection is held forever. */
static gboolean
on_handshake_timeout (gpointer user_data)
{
  Connection *conn = user_data;

  g_clear_pointer (&conn->handshake_timeout, g_source_unref);
  conn->timed_out = TRUE;
  g_cancellable_cancel (conn->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_tls_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseTransport) transport = dimse_transport_accept_tls_finish (result, &error);
  g_autofree char *why = NULL;
  g_autoptr(DimseServer) self = NULL;

  clear_handshake_timeout (conn);
  if (transport != NULL)
    {
      accept_association (conn, transport);
      return;
    }
  why = connection_failure (conn, error);
  self = g_object_ref (conn->self);
  connection_free (conn);
  g_signal_emit (self, signals[SIGNAL_ASSOCIATION_FAILED], 0, why);
}

static void
start_handshake (Connection *conn, GSocketConnection *connection)
{
  DimseServer *self = conn->self;

  conn->handshake_timeout = g_timeout_source_new (self->timeouts.artim_timeout_ms);
  g_source_set_callback (conn->handshake_timeout, on_handshake_timeout, conn, NULL);
  g_source_attach (conn->handshake_timeout, g_main_context_get_thread_default ());
  dimse_transport_accept_tls_async (G_IO_STREAM (connection), self->tls, conn->cancellable,
                                    on_tls_accepted, conn);
}

/* "127.0.0.1:104" or "[::1]:11112", as the transport names its peer. */
static char *
describe_remote (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) address = g_socket_connection_get_remote_address (connection, NULL);
  g_autofree char *host = NULL;
  GInetAddress *inet;
  guint16 port;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("unknown peer");
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  host = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source_object,
             gpointer user_data)
{
  DimseServer *self = user_data;
  g_autoptr(DimseTransport) transport = NULL;
  Connection *conn;

  make_room (self);
  conn = connection_new (self);
  if (self->tls != NULL)
    {
      conn->peer_name = describe_remote (connection);
      start_handshake (conn, connection);
      return TRUE;
    }
  transport = dimse_transport_new (G_IO_STREAM (connection));
  conn->peer_name = g_strdup (dimse_transport_get_peer_name (transport));
  accept_association (conn, transport);
  return TRUE;
}

DimseServer *
dimse_server_new (DimseAcceptorPolicy *policy, const DimseTimeouts *timeouts)
{
  DimseServer *self;

  g_return_val_if_fail (policy != NULL, NULL);

  self = g_object_new (DIMSE_TYPE_SERVER, NULL);
  self->policy = policy;
  dimse_timeouts_init (&self->timeouts);
  if (timeouts != NULL)
    self->timeouts = *timeouts;
  if (self->timeouts.artim_timeout_ms == 0)
    {
      DimseTimeouts defaults;

      dimse_timeouts_init (&defaults);
      self->timeouts.artim_timeout_ms = defaults.artim_timeout_ms;
    }
  self->service = g_socket_service_new ();
  /* Room for a burst of requestors while the main context is busy. */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), LISTEN_BACKLOG);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  return self;
}

static gboolean
listen_on_address (DimseServer *self, const char *address, guint16 port, GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) wanted = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  if (inet == NULL)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                   "“%s” is not an IPv4 or IPv6 address to listen on.", address);
      return FALSE;
    }
  wanted = g_inet_socket_address_new (inet, port);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), wanted,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &bound, error))
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return TRUE;
}

gboolean
dimse_server_listen (DimseServer *self, const char *address, guint16 port, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (DIMSE_IS_SERVER (self), FALSE);

  if (port == 0)
    port = self->port;
  if (address != NULL)
    ok = listen_on_address (self, address, port, &local_error);
  else if (port == 0)
    ok = (port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (self->service), NULL,
                                                      &local_error)) != 0;
  else
    ok = g_socket_listener_add_inet_port (G_SOCKET_LISTENER (self->service), port, NULL,
                                          &local_error);
  if (!ok)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION,
                   "Could not listen on %s port %u: %s",
                   address != NULL ? address : "every address", port, local_error->message);
      return FALSE;
    }
  if (address == NULL)
    self->port = port;
  g_socket_service_start (self->service);
  return TRUE;
}

guint16
dimse_server_get_port (DimseServer *self)
{
  g_return_val_if_fail (DIMSE_IS_SERVER (self), 0);
  return self->port;
}

void
dimse_server_stop (DimseServer *self)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));

  if (self->service == NULL)
    return;
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_cancellable_cancel (self->cancellable);
}

void
dimse_server_set_max_associations (DimseServer *self, guint max_associations)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));
  self->max_associations = max_associations;
}

void
dimse_server_set_max_waiting_connections (DimseServer *self, guint max_waiting)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));
  self->max_waiting = max_waiting;
}

void
dimse_server_set_max_associate_rq_length (DimseServer *self, guint32 max_length)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));
  self->max_associate_rq_length = max_length;
}

guint
dimse_server_get_n_waiting_connections (DimseServer *self)
{
  g_return_val_if_fail (DIMSE_IS_SERVER (self), 0);
  return self->waiting.length;
}

void
dimse_server_set_tls (DimseServer *self, const DimseTlsSettings *tls)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));

  g_clear_pointer (&self->tls, dimse_tls_settings_free);
  self->tls = dimse_tls_settings_copy (tls);
}

void
dimse_server_set_recorder (DimseServer *self, DimseRecorder *recorder)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));
  g_set_object (&self->recorder, recorder);
}

DimseAcceptorPolicy *
dimse_server_get_policy (DimseServer *self)
{
  g_return_val_if_fail (DIMSE_IS_SERVER (self), NULL);
  return self->policy;
}

guint
dimse_server_get_n_associations (DimseServer *self)
{
  g_return_val_if_fail (DIMSE_IS_SERVER (self), 0);
  return self->associations->len;
}

void
dimse_server_set_peer_func (DimseServer *self, DimseAcceptPeerFunc func, gpointer user_data,
                            GDestroyNotify destroy)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));

  if (self->peer_destroy != NULL)
    self->peer_destroy (self->peer_data);
  self->peer_func = func;
  self->peer_data = user_data;
  self->peer_destroy = destroy;
}
