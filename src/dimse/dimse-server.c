/* dimse-server.c — GSocketService accepting associations */
#include "dimse-server.h"

#include "dimse-error.h"

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
  guint                n_pending;
  GPtrArray           *associations;  /* DimseAssociation*, established */
};

enum {
  SIGNAL_ASSOCIATION_STARTED,
  SIGNAL_ASSOCIATION_FAILED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DimseServer, dimse_server, G_TYPE_OBJECT)

static void
tls_settings_free (DimseTlsSettings *tls)
{
  if (tls == NULL)
    return;
  g_free (tls->certificate_file);
  g_free (tls->key_file);
  g_free (tls->ca_file);
  g_free (tls);
}

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
  g_clear_pointer (&self->tls, tls_settings_free);
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
}

static void
on_association_closed (DimseAssociation *assoc, guint reason, const char *description,
                       gpointer user_data)
{
  DimseServer *self = user_data;

  g_signal_handlers_disconnect_by_func (assoc, on_association_closed, self);
  g_ptr_array_remove (self->associations, assoc);
}

static void
on_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseServer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) assoc = dimse_association_accept_finish (result, &error);

  self->n_pending--;
  if (assoc == NULL)
    {
      g_debug ("%s", error->message);
      g_signal_emit (self, signals[SIGNAL_ASSOCIATION_FAILED], 0, error->message);
      return;
    }
  if (self->recorder != NULL)
    dimse_association_set_recorder (assoc, self->recorder);
  g_ptr_array_add (self->associations, g_object_ref (assoc));
  g_signal_connect (assoc, "closed", G_CALLBACK (on_association_closed), self);
  g_signal_emit (self, signals[SIGNAL_ASSOCIATION_STARTED], 0, assoc);
}

static void
accept_association (DimseServer *self, DimseTransport *transport)
{
  gboolean refuse = self->max_associations != 0
                    && self->n_pending + self->associations->len >= self->max_associations;

  self->n_pending++;
  dimse_association_accept_async (transport, self->policy, &self->timeouts, refuse,
                                  self->cancellable, on_accepted, g_object_ref (self));
}

/* A TLS handshake under way: bounded by ARTIM, as the wait for the
 * A-ASSOCIATE-RQ that follows it is, so that no connection is held forever. */
typedef struct {
  DimseServer  *self;
  GCancellable *cancellable;
  gulong        stop_handler;
  GSource      *timeout;
  gboolean      timed_out;
} Handshake;

static void
handshake_free (Handshake *hs)
{
  g_cancellable_disconnect (hs->self->cancellable, hs->stop_handler);
  if (hs->timeout != NULL)
    {
      g_source_destroy (hs->timeout);
      g_source_unref (hs->timeout);
    }
  g_object_unref (hs->cancellable);
  g_object_unref (hs->self);
  g_free (hs);
}

static void
cancel_handshake (GCancellable *server_cancellable, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static gboolean
on_handshake_timeout (gpointer user_data)
{
  Handshake *hs = user_data;

  hs->timed_out = TRUE;
  g_cancellable_cancel (hs->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_tls_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Handshake *hs = user_data;
  g_autoptr(DimseServer) self = g_object_ref (hs->self);
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseTransport) transport = dimse_transport_accept_tls_finish (result, &error);
  gboolean timed_out = hs->timed_out;

  handshake_free (hs);
  self->n_pending--;
  if (transport == NULL && timed_out)
    {
      g_autofree char *why = g_strdup_printf ("A client did not complete the TLS handshake "
                                              "within the ARTIM timeout of %u ms.",
                                              self->timeouts.artim_timeout_ms);

      g_signal_emit (self, signals[SIGNAL_ASSOCIATION_FAILED], 0, why);
      return;
    }
  if (transport == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_ASSOCIATION_FAILED], 0, error->message);
      return;
    }
  accept_association (self, transport);
}

static void
start_handshake (DimseServer *self, GSocketConnection *connection)
{
  Handshake *hs = g_new0 (Handshake, 1);

  hs->self = g_object_ref (self);
  hs->cancellable = g_cancellable_new ();
  hs->stop_handler = g_cancellable_connect (self->cancellable, G_CALLBACK (cancel_handshake),
                                            hs->cancellable, NULL);
  hs->timeout = g_timeout_source_new (self->timeouts.artim_timeout_ms);
  g_source_set_callback (hs->timeout, on_handshake_timeout, hs, NULL);
  g_source_attach (hs->timeout, g_main_context_get_thread_default ());
  self->n_pending++;
  dimse_transport_accept_tls_async (G_IO_STREAM (connection), self->tls, hs->cancellable,
                                    on_tls_accepted, hs);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source_object,
             gpointer user_data)
{
  DimseServer *self = user_data;
  g_autoptr(DimseTransport) transport = NULL;

  if (self->tls != NULL)
    {
      start_handshake (self, connection);
      return TRUE;
    }
  transport = dimse_transport_new (G_IO_STREAM (connection));
  accept_association (self, transport);
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
dimse_server_set_tls (DimseServer *self, const DimseTlsSettings *tls)
{
  g_return_if_fail (DIMSE_IS_SERVER (self));

  g_clear_pointer (&self->tls, tls_settings_free);
  if (tls == NULL)
    return;
  self->tls = g_new0 (DimseTlsSettings, 1);
  self->tls->certificate_file = g_strdup (tls->certificate_file);
  self->tls->key_file = g_strdup (tls->key_file);
  self->tls->ca_file = g_strdup (tls->ca_file);
  self->tls->verify_peer = tls->verify_peer;
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
