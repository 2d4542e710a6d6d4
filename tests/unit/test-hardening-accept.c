/* test-hardening-accept.c — who gets an association, each limit crossed on
 * purpose: a peer refused by the server's peer function and a calling AE
 * title bound to another address (A-ASSOCIATE-RJ, PS3.8 Table 9-21), the
 * requestor's cap on the A-ASSOCIATE-AC, and ARTIM as one deadline over
 * the TLS handshake and the A-ASSOCIATE-RQ (PS3.8 §9.1.5, PS3.15 Annex B) */
#include <string.h>

#include "dcm-uids.h"
#include "dimse-archive.h"
#include "dimse-error.h"
#include "dimse-pdu.h"
#include "test-peer.h"
#include "test-resources.h"
#include "test-store-server.h"
#include "test-util.h"
#include "test-wait.h"

typedef TestStoreServer Fixture;

/* PS3.8 §9.3.4: an A-ASSOCIATE-RJ is 10 bytes; result, source and reason
 * are its last three. */
#define RJ_LENGTH 10

static GBytes *
rq_bytes (const char *calling_ae_title, const char *called_ae_title)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new (calling_ae_title,
                                                                           called_ae_title);
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  bytes = dimse_pdu_encode (rq, &error);
  g_assert_no_error (error);
  return bytes;
}

/* A raw peer sends the -RQ of calling_ae_title; the answer must be an -RJ
 * rejected permanent by the service user, calling AE title not recognized. */
static void
assert_raw_rejected (guint16 port, const char *calling_ae_title, const char *called_ae_title)
{
  g_autoptr(GBytes) rq = rq_bytes (calling_ae_title, called_ae_title);
  /* PS3.8 Table 9-10: after the -RJ the requestor closes (Sta13). */
  const TestPeerStep steps[] = { { TEST_PEER_SEND, rq, 0 }, { TEST_PEER_READ, NULL, 0 },
                                 { TEST_PEER_CLOSE, NULL, 0 } };
  g_autoptr(TestPeer) peer = test_peer_start (port, steps, G_N_ELEMENTS (steps));
  GByteArray *received = test_peer_finish (peer);

  g_assert_cmpuint (received->len, ==, RJ_LENGTH);
  g_assert_cmpuint (received->data[0], ==, DIMSE_PDU_ASSOCIATE_RJ);
  g_assert_cmpuint (received->data[7], ==, DIMSE_RJ_RESULT_PERMANENT);
  g_assert_cmpuint (received->data[8], ==, DIMSE_RJ_SOURCE_SERVICE_USER);
  g_assert_cmpuint (received->data[9], ==, DIMSE_RJ_REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
}

static DimseAssociation *
request_as (guint16 port, const char *calling_ae_title, const char *called_ae_title,
            guint32 max_associate_ac_length, GError **error)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new (calling_ae_title,
                                                                           called_ae_title);
  TestWaiter w = { 0 };
  DimseAssociation *assoc;

  params->max_associate_ac_length = max_associate_ac_length;
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", port, NULL, NULL, NULL,
                                   test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the association"), error);
  test_waiter_clear (&w);
  return assoc;
}

static void
assert_rejected_not_recognized (const GError *error)
{
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  g_assert_nonnull (strstr (error->message,
                            dimse_rj_result_to_string (DIMSE_RJ_RESULT_PERMANENT)));
  g_assert_nonnull (strstr (error->message,
                            dimse_rj_source_to_string (DIMSE_RJ_SOURCE_SERVICE_USER)));
  g_assert_nonnull (strstr (error->message,
                            dimse_rj_reason_to_string (
                              DIMSE_RJ_SOURCE_SERVICE_USER,
                              DIMSE_RJ_REASON_CALLING_AE_TITLE_NOT_RECOGNIZED)));
}

/* ---- the server's peer function ---- */

static gboolean
refuse_evil (const char *calling_ae_title, GInetSocketAddress *remote, gpointer user_data)
{
  guint *n_asked = user_data;

  (*n_asked)++;
  g_assert_nonnull (remote);
  return g_strcmp0 (calling_ae_title, "EVIL") != 0;
}

static void
test_peer_func (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) evil = NULL;
  g_autoptr(DimseAssociation) good = NULL;
  g_autoptr(GError) error = NULL;
  guint n_asked = 0;

  test_store_server_start (f);
  dimse_server_set_peer_func (f->server, refuse_evil, &n_asked, NULL);
  evil = request_as (dimse_server_get_port (f->server), "EVIL", "ACCEPTOR", 0, &error);
  g_assert_null (evil);
  assert_rejected_not_recognized (error);
  g_clear_error (&error);
  assert_raw_rejected (dimse_server_get_port (f->server), "EVIL", "ACCEPTOR");
  g_assert_cmpuint (n_asked, ==, 2);
  test_drain ();
  g_assert_cmpuint (f->n_started, ==, 0);

  good = request_as (dimse_server_get_port (f->server), "GOOD", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (good);
  g_assert_cmpuint (n_asked, ==, 3);
  test_store_server_echo (good);
  test_store_server_release (good);
}

/* ---- the archive's binding of an AE title to an address ---- */

static DimseServer *
archive_serving (const char *folder, const char *bound_to, DimseArchive **out_archive)
{
  g_autoptr(DimseArchive) archive = dimse_archive_new (folder, "ARCHIVE");
  g_autoptr(GError) error = NULL;
  DimseServer *server;

  g_assert_true (dimse_archive_add_peer (archive, "BOUND", bound_to, DIMSE_ARCHIVE_SERVICE_ALL,
                                         &error));
  g_assert_no_error (error);
  server = dimse_archive_serve (archive, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  *out_archive = g_steal_pointer (&archive);
  return server;
}

static void
test_archive_bound_elsewhere (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseArchive) archive = NULL;
  g_autoptr(DimseServer) server = archive_serving (f->folder, "127.0.0.2", &archive);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;

  assoc = request_as (dimse_server_get_port (server), "BOUND", "ARCHIVE", 0, &error);
  g_assert_null (assoc);
  assert_rejected_not_recognized (error);
  assert_raw_rejected (dimse_server_get_port (server), "BOUND", "ARCHIVE");
  dimse_server_stop (server);
}

static void
test_archive_bound_here (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseArchive) archive = NULL;
  g_autoptr(DimseServer) server = archive_serving (f->folder, "127.0.0.1", &archive);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;

  assoc = request_as (dimse_server_get_port (server), "BOUND", "ARCHIVE", 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (assoc);
  test_store_server_echo (assoc);
  test_store_server_release (assoc);
  dimse_server_stop (server);
}

static void
on_archive_association (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  dimse_archive_attach (DIMSE_ARCHIVE (user_data), assoc);
}

static gboolean
not_established (gpointer user_data)
{
  return !dimse_association_is_established (user_data);
}

/* A server made without dimse_archive_serve has no peer function: the
 * archive aborts the association as soon as it is attached. */
static void
test_archive_attach_bound_elsewhere (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseArchive) archive = dimse_archive_new (f->folder, "ARCHIVE");
  g_autoptr(DimseServer) server = NULL;
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_archive_add_peer (archive, "BOUND", "127.0.0.2",
                                         DIMSE_ARCHIVE_SERVICE_ALL, &error));
  server = dimse_server_new (dimse_archive_new_policy (archive), NULL);
  g_signal_connect_object (server, "association-started", G_CALLBACK (on_archive_association),
                           archive, 0);
  g_assert_true (dimse_server_listen (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  assoc = request_as (dimse_server_get_port (server), "BOUND", "ARCHIVE", 0, &error);
  g_assert_no_error (error);
  test_wait_for (not_established, assoc, "the archive to abort BOUND's association");
  dimse_server_stop (server);
}

/* ---- the requestor's cap on the A-ASSOCIATE-AC ---- */

static gboolean
acceptor_done (gpointer user_data)
{
  Fixture *f = user_data;

  return f->n_closed > 0 || f->n_failed > 0;
}

/* The -AC of two contexts is over 100 bytes: we abort instead of reading
 * it, and the acceptor sees the abort. */
static void
test_associate_ac_cap (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) capped = NULL;
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;

  test_store_server_start (f);
  capped = request_as (dimse_server_get_port (f->server), "REQUESTOR", "ACCEPTOR", 100, &error);
  g_assert_null (capped);
  g_test_message ("requestor: %s", error->message);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_ABORTED);
  g_assert_nonnull (strstr (error->message, "A-ASSOCIATE-AC"));
  g_assert_nonnull (strstr (error->message, "100"));
  test_wait_for (acceptor_done, f, "the acceptor to see the abort");
  if (f->n_closed > 0)
    g_assert_cmpint (f->close_reason, ==, DIMSE_CLOSE_ABORTED);
  else
    g_assert_nonnull (strstr (f->failure, "bort"));
  g_clear_error (&error);

  assoc = request_as (dimse_server_get_port (f->server), "REQUESTOR", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  test_store_server_echo (assoc);
  test_store_server_release (assoc);
}

/* ---- ARTIM over the TLS handshake and the A-ASSOCIATE-RQ ---- */

#define LATE_HANDSHAKE_MS 2000
#define LATE_RQ_MS 4500

typedef struct {
  guint16       port;
  GBytes       *rq;
  GMainContext *context;
  gboolean      connected;
  gboolean      handshake_done;
  gssize        n_read;      /* of the answer to the -RQ: 0 at EOF, -1 on error */
  guint8        answer[RJ_LENGTH];
  gboolean      done;
} LateClient;

static gboolean
accept_any_certificate (GTlsConnection *conn, GTlsCertificate *cert,
                        GTlsCertificateFlags errors, gpointer user_data)
{
  return TRUE;
}

static void
sleep_until (gint64 start, guint ms)
{
  gint64 left = start + (gint64) ms * 1000 - g_get_monotonic_time ();

  if (left > 0)
    g_usleep ((gulong) left);
}

static gboolean
late_client_done (gpointer user_data)
{
  LateClient *c = user_data;

  c->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* Blocking, on its own thread: connect, wait, handshake, wait, send the
 * -RQ, read what comes back. */
static gpointer
late_client_run (gpointer user_data)
{
  LateClient *c = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  gint64 start;

  c->n_read = -1;
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", c->port, NULL, NULL);
  start = g_get_monotonic_time ();
  c->connected = connection != NULL;
  if (connection != NULL)
    {
      g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
      sleep_until (start, LATE_HANDSHAKE_MS);
      tls = g_tls_client_connection_new (G_IO_STREAM (connection), NULL, NULL);
    }
  if (tls != NULL)
    {
      g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
      c->handshake_done = g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL);
    }
  if (c->handshake_done)
    {
      GOutputStream *out = g_io_stream_get_output_stream (tls);

      sleep_until (start, LATE_RQ_MS);
      /* The write may fail already: the connection is gone. */
      g_output_stream_write_all (out, g_bytes_get_data (c->rq, NULL), g_bytes_get_size (c->rq),
                                 NULL, NULL, NULL);
      c->n_read = g_input_stream_read (g_io_stream_get_input_stream (tls), c->answer,
                                       sizeof c->answer, NULL, NULL);
    }
  g_main_context_invoke (c->context, late_client_done, c);
  return NULL;
}

/* The handshake ends within ARTIM (3 s), the -RQ comes 2.5 s after it:
 * were ARTIM restarted after the handshake, it would be answered with an
 * -AC; as one deadline from the connection, it closed the connection at
 * 3 s and nothing answers. */
static void
test_artim_tls_and_rq (Fixture *f, gconstpointer data)
{
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GBytes) rq = rq_bytes ("REQUESTOR", "ACCEPTOR");
  DimseTlsSettings tls = { 0 };
  LateClient client = { 0 };
  GThread *thread;

  if (!test_util_require_tls ())
    return;
  dir = test_util_make_tmpdir ("test-hardening-accept");
  cert = g_build_filename (dir, "server.pem", NULL);
  key = g_build_filename (dir, "server.key", NULL);
  test_util_make_certificate (cert, key);
  tls.certificate_file = cert;
  tls.key_file = key;
  f->timeouts.artim_timeout_ms = 3000;
  test_store_server_start (f);
  dimse_server_set_tls (f->server, &tls);

  client.port = dimse_server_get_port (f->server);
  client.rq = rq;
  client.context = g_main_context_get_thread_default ();
  thread = g_thread_new ("late-client", late_client_run, &client);
  test_wait_until (&client.done, "the late client");
  g_thread_join (thread);

  g_assert_true (client.connected);
  g_assert_true (client.handshake_done);
  g_test_message ("read %" G_GSSIZE_FORMAT " bytes after the -RQ; acceptor: %s",
                  client.n_read, f->failure);
  g_assert_cmpint (client.n_read, <=, 0);
  g_assert_cmpuint (f->n_started, ==, 0);
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "ARTIM"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, test_store_server_set_up, func, test_store_server_tear_down)
  ADD ("/hardening-accept/peer-func/refused-and-accepted", test_peer_func);
  ADD ("/hardening-accept/archive/bound-elsewhere-rejected", test_archive_bound_elsewhere);
  ADD ("/hardening-accept/archive/bound-here-accepted", test_archive_bound_here);
  ADD ("/hardening-accept/archive/attach-aborts-bound-elsewhere",
       test_archive_attach_bound_elsewhere);
  ADD ("/hardening-accept/associate-ac/over-cap", test_associate_ac_cap);
  ADD ("/hardening-accept/artim/tls-handshake-and-rq", test_artim_tls_and_rq);
#undef ADD
  return g_test_run ();
}
