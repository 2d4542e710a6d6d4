/* dimse-transport-connect.c — opening a transport: TCP connect as requestor,
 * TLS (PS3.15 Annex B.1) on either side */
#include "dimse-transport.h"

#include <string.h>

#include "dimse-error.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 30000

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

/* A TLS server asks its application about every client certificate, even
 * one its database has verified: accept exactly those. */
static gboolean
on_accept_verified_certificate (GTlsConnection *conn, GTlsCertificate *peer_cert,
                                GTlsCertificateFlags errors, gpointer user_data)
{
  return errors == 0;
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
  if (tls->verify_peer)
    g_signal_connect (conn, "accept-certificate", G_CALLBACK (on_accept_verified_certificate),
                      NULL);
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
