/* test-association-interop.c — our engine against DCMTK 3.6.7: echoscu
 * against our DimseServer, our requestor against storescp. Each test
 * skips when the program is missing; peers run on free loopback ports and
 * are killed at tear-down. */
#include <string.h>

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dcm-writer.h"
#include "dimse-association.h"
#include "dimse-error.h"
#include "dimse-server.h"
#include "test-util.h"
#include "test-wait.h"

#define STORE_SIZE (3 * 1024 * 1024)

typedef struct {
  GMainContext *context;
  DimseServer  *server;
  char         *tmpdir;
  GSubprocess  *peer;
  gboolean      server_closed;
  guint         server_close_reason;
  guint         n_echoes;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->tmpdir = test_util_make_tmpdir ("test-association-interop");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->peer != NULL)
    {
      g_subprocess_force_exit (f->peer);
      g_subprocess_wait (f->peer, NULL, NULL);
      g_clear_object (&f->peer);
    }
  if (f->server != NULL)
    dimse_server_stop (f->server);
  test_drain ();
  g_clear_object (&f->server);
  test_util_rmtree (f->tmpdir);
  g_free (f->tmpdir);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static DimseMessage *
invoke (Fixture *f, DimseAssociation *assoc, guint8 pc_id, DimseMessage *rq)
{
  g_autoptr(GError) error = NULL;
  TestWaiter sent = { 0 }, received = { 0 };
  guint16 id = 0;
  DimseMessage *rsp;

  g_assert_true (dimse_message_get_us (rq, DCM_TAG_MESSAGE_ID, &id));
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, test_waiter_done, &sent);
  g_assert_true (dimse_association_send_message_finish (assoc, test_waiter_wait (&sent, "send"),
                                                        &error));
  g_assert_no_error (error);
  dimse_association_receive_response_async (assoc, id, NULL, test_waiter_done, &received);
  rsp = dimse_association_receive_response_finish (assoc, test_waiter_wait (&received, "rsp"),
                                                   NULL, &error);
  g_assert_no_error (error);
  g_object_unref (sent.result);
  g_object_unref (received.result);
  return rsp;
}

/* A C-ECHO on presentation context 1; its response. */
static DimseMessage *
echo (Fixture *f, DimseAssociation *assoc)
{
  g_autoptr(DimseMessage) rq = NULL;

  rq = dimse_message_new_c_echo_rq (dimse_association_next_message_id (assoc),
                                    DCM_UID_VERIFICATION, NULL);
  return invoke (f, assoc, 1, rq);
}

static void
release (DimseAssociation *assoc)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_release_async (assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_release_finish (assoc, test_waiter_wait (&w, "release"),
                                                   &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

/* ---- our server, a Verification SCP written here ---- */

static void
on_echo_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, NULL);
}

static void
on_request_received (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                     GFile *data_set_file, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(DimseMessage) rsp = NULL;

  g_assert_cmpuint (dimse_message_get_command_field (msg), ==, DIMSE_C_ECHO_RQ);
  f->n_echoes++;
  rsp = dimse_message_new_response (msg, 0x0000);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_echo_answered, NULL);
}

static void
on_server_closed (DimseAssociation *assoc, guint reason, const char *description,
                  gpointer user_data)
{
  Fixture *f = user_data;

  f->server_closed = TRUE;
  f->server_close_reason = reason;
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  g_signal_connect (assoc, "request-received", G_CALLBACK (on_request_received), user_data);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_server_closed), user_data);
}

static void
start_server (Fixture *f)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("ACCEPTOR");
  g_autoptr(GError) error = NULL;

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  f->server = dimse_server_new (policy, NULL);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_association_started), f);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
}

static void
on_peer_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static GSubprocess *
spawn (const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "TCP_NODELAY", "1", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static void
test_interop_echoscu (Fixture *f, gconstpointer data)
{
  g_autofree char *echoscu = test_util_require_program ("echoscu");
  g_autofree char *port = NULL;
  gboolean exited = FALSE;

  if (echoscu == NULL)
    return;
  start_server (f);
  port = g_strdup_printf ("%u", dimse_server_get_port (f->server));
  {
    const char *argv[] = { echoscu, "-aet", "ECHOSCU", "-aec", "ACCEPTOR", "-to", "10",
                           "127.0.0.1", port, NULL };

    f->peer = spawn (argv);
  }
  g_subprocess_wait_async (f->peer, NULL, on_peer_exited, &exited);
  test_wait_until (&exited, "echoscu");
  g_assert_true (g_subprocess_get_if_exited (f->peer));
  g_assert_cmpint (g_subprocess_get_exit_status (f->peer), ==, 0);
  test_wait_until (&f->server_closed, "the release by echoscu");
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_RELEASED);
  g_assert_cmpuint (f->n_echoes, ==, 1);
  g_clear_object (&f->peer);
}

static gboolean
on_retry (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A 3 MB C-STORE within storescp's maximum PDU; it writes the file. */
static void
store_to_storescp (Fixture *f, DimseAssociation *assoc)
{
  const char *instance_uid = "1.2.826.0.1.3680043.2.1143.43";
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GBytes) data_set = NULL;
  g_autofree char *path = NULL;
  const DcmTransferSyntax *ts;
  guint16 status = 0xFFFF;
  guint8 pc_id;

  pc_id = dimse_negotiation_result_find_context (result, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                                 DIMSE_ROLE_DEFAULT);
  g_assert_cmpuint (pc_id, !=, 0);
  g_assert_cmpuint (result->peer_max_pdu_length, !=, 0);
  ts = dcm_transfer_syntax_lookup (dimse_negotiation_result_get_context (result,
                                                                         pc_id)->transfer_syntax);
  data_set = test_util_make_ct_data_set (ts, instance_uid, STORE_SIZE);
  rq = dimse_message_new_c_store_rq (dimse_association_next_message_id (assoc),
                                     DCM_UID_CT_IMAGE_STORAGE, instance_uid,
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, NULL);
  dimse_message_set_encoded_data_set (rq, data_set, ts);
  rsp = invoke (f, assoc, pc_id, rq);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, 0x0000);
  path = g_strdup_printf ("%s/CT.%s", f->tmpdir, instance_uid);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_interop_storescp (Fixture *f, gconstpointer data)
{
  g_autofree char *storescp = test_util_require_program ("storescp");
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("REQUESTOR",
                                                                         "STORESCP");
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  guint16 status = 0xFFFF;
  guint16 port_number;

  if (storescp == NULL)
    return;
  params->max_pdu_length = 16384;
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                        DIMSE_ROLE_DEFAULT);
  port_number = test_util_free_port ();
  port = g_strdup_printf ("%u", port_number);
  {
    const char *argv[] = { storescp, "-aet", "STORESCP", "-od", f->tmpdir, port, NULL };

    f->peer = spawn (argv);
  }
  /* storescp needs a moment to listen: retry the connection for up to 5 s. */
  for (guint attempt = 0; attempt < 50 && assoc == NULL; attempt++)
    {
      TestWaiter w = { 0 };
      gboolean later = FALSE;

      g_clear_error (&error);
      dimse_association_request_async (params, "127.0.0.1", port_number, NULL, NULL, NULL,
                                       test_waiter_done, &w);
      assoc = dimse_association_request_finish (test_waiter_wait (&w, "storescp"), &error);
      g_object_unref (w.result);
      if (assoc != NULL || !g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION))
        break;
      {
        g_autoptr(GSource) pause = g_timeout_source_new (100);

        g_source_set_callback (pause, on_retry, &later, NULL);
        g_source_attach (pause, f->context);
        test_wait_until (&later, "a retry");
      }
    }
  g_assert_no_error (error);
  rsp = echo (f, assoc);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, 0x0000);
  store_to_storescp (f, assoc);
  release (assoc);
}

/* TLS both ways (glib-networking), with a self-signed certificate that
 * openssl makes for the test. */
static void
test_tls_echo (Fixture *f, gconstpointer data)
{
  g_autofree char *cert = g_build_filename (f->tmpdir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (f->tmpdir, "key.pem", NULL);
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("REQUESTOR",
                                                                         "ACCEPTOR");
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  DimseTlsSettings server_tls = { cert, key, NULL, FALSE };
  DimseTlsSettings client_tls = { NULL, NULL, NULL, FALSE };
  TestWaiter w = { 0 };

  if (!test_util_require_tls ())
    return;
  test_util_make_certificate (cert, key);
  start_server (f);
  dimse_server_set_tls (f->server, &server_tls);
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server), NULL,
                                   &client_tls, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC over TLS"), &error);
  g_assert_no_error (error);
  g_object_unref (w.result);
  g_assert_true (G_IS_TLS_CONNECTION (dimse_transport_get_stream (
    dimse_association_get_transport (assoc))));
  rsp = echo (f, assoc);
  g_assert_cmpuint (dimse_message_get_command_field (rsp), ==, DIMSE_C_ECHO_RSP);
  g_assert_cmpuint (f->n_echoes, ==, 1);
  release (assoc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/association-interop/echoscu-to-server", Fixture, NULL, fixture_set_up,
              test_interop_echoscu, fixture_tear_down);
  g_test_add ("/association-interop/echo-and-store-to-storescp", Fixture, NULL, fixture_set_up,
              test_interop_storescp, fixture_tear_down);
  g_test_add ("/association-interop/tls/echo", Fixture, NULL, fixture_set_up,
              test_tls_echo, fixture_tear_down);
  return g_test_run ();
}
