/* test-association.c — our requestor against our acceptor over loopback;
 * peers that break the protocol are in test-association-faults.c */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dcm-parser.h"
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
  guint         n_stored;
  GBytes       *stored;           /* content of the last file the acceptor stored */
  guint32       max_pdata_seen;   /* longest P-DATA-TF PDU the acceptor received */
  gboolean      server_closed;
  guint         server_close_reason;
  char         *server_close_description;
  char         *failure;          /* last "association-failed" */
  DimseAssociation *server_assoc; /* the last one started */
  gboolean      silent;           /* the acceptor answers no request */
  char         *sink_folder;      /* where data sets go, when not tmpdir */
  char         *sink_error;       /* the last dimse_association_get_sink_error */
  gboolean      abort_on_data;    /* the acceptor aborts while writing a data set */
  gboolean      tiny_mounted;     /* sink_folder is a tmpfs of ours */
} Fixture;

/* ---- the acceptor: a Verification and Storage SCP ---- */

static GFile *
store_sink (DimseAssociation *assoc, guint8 pc_id, DimseMessage *command, gpointer user_data)
{
  Fixture *f = user_data;
  g_autofree char *path = NULL;

  if (dimse_message_get_command_field (command) != DIMSE_C_STORE_RQ)
    return NULL;
  path = g_strdup_printf ("%s/incoming-%u.part",
                          f->sink_folder != NULL ? f->sink_folder : f->tmpdir, f->n_stored);
  return g_file_new_for_path (path);
}

static void
on_response_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("response not sent: %s", error->message);
}

/* Three pending responses, each with an identifier, then success. */
static void
answer_find (DimseAssociation *assoc, guint8 pc_id, DimseMessage *rq)
{
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(DimseMessage) rsp = dimse_message_new_response (rq, i < 3 ? 0xFF00 : 0x0000);

      if (i < 3)
        {
          g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
          g_autofree char *name = g_strdup_printf ("PATIENT^%u", i);

          dcm_data_set_set_string (identifier, DCM_TAG_PATIENT_NAME, DCM_VR_PN, name, NULL);
          dimse_message_set_data_set (rsp, identifier);
        }
      dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_response_sent, NULL);
    }
}

static void
on_request_received (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                     GFile *data_set_file, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(DimseMessage) rsp = NULL;

  if (f->silent)
    return;
  if (dimse_message_get_command_field (msg) == DIMSE_C_FIND_RQ)
    {
      answer_find (assoc, pc_id, msg);
      return;
    }
  if (dimse_message_get_command_field (msg) == DIMSE_C_STORE_RQ)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (data_set_file == NULL)
        {
          const GError *sink_error = dimse_association_get_sink_error (assoc);

          g_assert_nonnull (sink_error);
          g_free (f->sink_error);
          f->sink_error = g_strdup (sink_error->message);
          rsp = dimse_message_new_response (msg, 0xA700);
          dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_response_sent, f);
          return;
        }
      g_assert_true (g_file_load_contents (data_set_file, NULL, &contents, &length, NULL, NULL));
      g_clear_pointer (&f->stored, g_bytes_unref);
      f->stored = g_bytes_new_take (g_steal_pointer (&contents), length);
      f->n_stored++;
    }
  rsp = dimse_message_new_response (msg, 0x0000);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_response_sent, f);
}

static gboolean
abort_server (gpointer user_data)
{
  dimse_association_abort (user_data, DIMSE_ABORT_SOURCE_SERVICE_USER,
                           DIMSE_ABORT_REASON_NOT_SPECIFIED);
  return G_SOURCE_REMOVE;
}

static void
on_server_pdu (DimseAssociation *assoc, GBytes *pdu, gpointer user_data)
{
  Fixture *f = user_data;
  const guint8 *data = g_bytes_get_data (pdu, NULL);

  if (data[0] != DIMSE_PDU_P_DATA_TF)
    return;
  f->max_pdata_seen = MAX (f->max_pdata_seen, (guint32) g_bytes_get_size (pdu) - 6);
  /* A data set fragment (PS3.8 §E.2: control bit 0 clear) goes to the sink
   * in this same dispatch; the abort, of higher priority than the write's
   * completion, then comes while the write is under way. */
  if (f->abort_on_data && (data[11] & DIMSE_PDV_COMMAND) == 0)
    {
      f->abort_on_data = FALSE;
      g_autoptr(GSource) idle = g_idle_source_new ();

      g_source_set_priority (idle, G_PRIORITY_HIGH);
      g_source_set_callback (idle, abort_server, g_object_ref (assoc), g_object_unref);
      g_source_attach (idle, g_main_context_get_thread_default ());
    }
}

static void
on_server_closed (DimseAssociation *assoc, guint reason, const char *description,
                  gpointer user_data)
{
  Fixture *f = user_data;

  f->server_closed = TRUE;
  f->server_close_reason = reason;
  g_free (f->server_close_description);
  f->server_close_description = g_strdup (description);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Fixture *f = user_data;

  f->server_assoc = assoc;
  f->server_closed = FALSE;
  dimse_association_set_data_set_sink (assoc, store_sink, f, NULL);
  g_signal_connect (assoc, "request-received", G_CALLBACK (on_request_received), f);
  g_signal_connect (assoc, "pdu-received", G_CALLBACK (on_server_pdu), f);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_server_closed), f);
}

static void
on_association_failed (DimseServer *server, const char *why, gpointer user_data)
{
  Fixture *f = user_data;

  g_free (f->failure);
  f->failure = g_strdup (why);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->tmpdir = test_util_make_tmpdir ("test-association");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->server != NULL)
    {
      dimse_server_stop (f->server);
      test_drain ();
      g_clear_object (&f->server);
    }
  test_drain ();
  g_clear_pointer (&f->stored, g_bytes_unref);
  g_free (f->server_close_description);
  g_free (f->failure);
  g_free (f->sink_error);
  if (f->tiny_mounted)
    {
      const char *argv[] = { "umount", f->sink_folder, NULL };

      test_util_run (argv, NULL, NULL, NULL, NULL);
    }
  g_free (f->sink_folder);
  test_util_rmtree (f->tmpdir);
  g_free (f->tmpdir);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* Returns FALSE when address cannot be listened on (no IPv6). */
static gboolean
start_server (Fixture *f, const char *address, guint32 max_pdu_length,
              const DimseTimeouts *timeouts)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("ACCEPTOR");
  g_autoptr(GError) error = NULL;

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_CT_IMAGE_STORAGE, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy,
                                       DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
                                       DIMSE_ROLE_SCP);
  dimse_acceptor_policy_set_max_pdu_length (policy, max_pdu_length);
  f->server = dimse_server_new (policy, timeouts);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_association_started), f);
  g_signal_connect (f->server, "association-failed", G_CALLBACK (on_association_failed), f);
  if (!dimse_server_listen (f->server, address, 0, &error))
    {
      g_test_message ("cannot listen on %s: %s", address, error->message);
      return FALSE;
    }
  g_assert_cmpuint (dimse_server_get_port (f->server), !=, 0);
  return TRUE;
}

static DimseAssociationParams *
make_params (const char *called, guint32 max_pdu_length)
{
  DimseAssociationParams *params = dimse_association_params_new ("REQUESTOR", called);

  params->max_pdu_length = max_pdu_length;
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params,
                                        DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
                                        NULL, DIMSE_ROLE_DEFAULT);
  /* Not in the acceptor's policy: must come back rejected. */
  dimse_association_params_add_context (params, DCM_UID_MR_IMAGE_STORAGE, NULL,
                                        DIMSE_ROLE_DEFAULT);
  return params;
}

static DimseAssociation *
request (Fixture *f, const char *host, const char *called, guint32 max_pdu_length,
         GError **error)
{
  g_autoptr(DimseAssociationParams) params = make_params (called, max_pdu_length);
  TestWaiter w = { 0 };
  DimseAssociation *assoc;

  dimse_association_request_async (params, host, dimse_server_get_port (f->server), NULL,
                                   NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), error);
  g_object_unref (w.result);
  return assoc;
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

static void
release (Fixture *f, DimseAssociation *assoc)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_release_async (assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_release_finish (assoc, test_waiter_wait (&w, "release"),
                                                   &error));
  g_assert_no_error (error);
  g_object_unref (w.result);
  test_wait_until (&f->server_closed, "the acceptor to see the release");
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_RELEASED);
}

/* ---- tests ---- */

static void
echo_over (Fixture *f, const char *address)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  const DimseNegotiationResult *result;
  guint8 pc_id;
  guint16 status = 0xFFFF, id = 0;

  if (!start_server (f, address, 0, NULL))
    {
      g_test_skip ("cannot listen on this address");
      return;
    }
  assoc = request (f, address, "ACCEPTOR", 16384, &error);
  g_assert_no_error (error);
  g_assert_true (dimse_association_is_established (assoc));
  result = dimse_association_get_negotiation (assoc);
  pc_id = dimse_negotiation_result_find_context (result, DCM_UID_VERIFICATION, NULL,
                                                 DIMSE_ROLE_DEFAULT);
  g_assert_cmpuint (pc_id, ==, 1);
  g_assert_cmpuint (dimse_negotiation_result_get_context (result, 7)->result, ==,
                    DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED);
  g_assert_cmpuint (dimse_negotiation_result_find_context (result, DCM_UID_MR_IMAGE_STORAGE,
                                                           NULL, DIMSE_ROLE_DEFAULT), ==, 0);

  rq = dimse_message_new_c_echo_rq (dimse_association_next_message_id (assoc),
                                    DCM_UID_VERIFICATION, &error);
  g_assert_no_error (error);
  rsp = invoke (f, assoc, pc_id, rq);
  g_assert_cmpuint (dimse_message_get_command_field (rsp), ==, DIMSE_C_ECHO_RSP);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, &id));
  g_assert_cmpuint (id, ==, 1);
  release (f, assoc);
  g_assert_false (dimse_association_is_established (assoc));
}

static void
test_echo_ipv4 (Fixture *f, gconstpointer data)
{
  echo_over (f, "127.0.0.1");
}

static void
test_echo_ipv6 (Fixture *f, gconstpointer data)
{
  echo_over (f, "::1");
}

static GBytes *
make_sized_data_set (const DcmTransferSyntax *ts, const char *instance_uid, gsize size)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc (size);
  GBytes *bytes;

  for (gsize i = 0; i < size; i++)
    pixels[i] = (guint8) (i * 7 + (i >> 12));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI,
                                          DCM_UID_CT_IMAGE_STORAGE, &error));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                          instance_uid, &error));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels, size,
                                       &error));
  bytes = dcm_data_set_write_bytes (ds, ts, DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, size);
  return bytes;
}

static GBytes *
make_store_data_set (const DcmTransferSyntax *ts, const char *instance_uid)
{
  return make_sized_data_set (ts, instance_uid, STORE_SIZE);
}

static void
store_with_max_pdu (Fixture *f, guint32 max_pdu_length)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GBytes) data_set = NULL;
  g_autoptr(GError) error = NULL;
  const DimseNegotiationResult *result;
  const DimseNegotiatedContext *ctx;
  const DcmTransferSyntax *ts;
  const char *instance_uid = "1.2.826.0.1.3680043.2.1143.42";
  guint16 status = 0xFFFF;
  guint8 pc_id;

  g_assert_true (start_server (f, "127.0.0.1", max_pdu_length, NULL));
  assoc = request (f, "127.0.0.1", "ACCEPTOR", max_pdu_length, &error);
  g_assert_no_error (error);
  result = dimse_association_get_negotiation (assoc);
  g_assert_cmpuint (result->peer_max_pdu_length, ==, max_pdu_length);
  pc_id = dimse_negotiation_result_find_context (result, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                                 DIMSE_ROLE_DEFAULT);
  g_assert_cmpuint (pc_id, !=, 0);
  ctx = dimse_negotiation_result_get_context (result, pc_id);
  ts = dcm_transfer_syntax_lookup (ctx->transfer_syntax);
  g_assert_nonnull (ts);
  data_set = make_store_data_set (ts, instance_uid);

  rq = dimse_message_new_c_store_rq (dimse_association_next_message_id (assoc),
                                     DCM_UID_CT_IMAGE_STORAGE, instance_uid,
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, &error);
  g_assert_no_error (error);
  dimse_message_set_encoded_data_set (rq, data_set, ts);
  rsp = invoke (f, assoc, pc_id, rq);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpuint (f->n_stored, ==, 1);
  g_assert_nonnull (f->stored);
  g_assert_true (g_bytes_equal (f->stored, data_set));
  if (max_pdu_length != 0)
    g_assert_cmpuint (f->max_pdata_seen, ==, max_pdu_length);
  else
    g_assert_cmpuint (f->max_pdata_seen, >, 64 * 1024);
  release (f, assoc);
}

static void
test_store_4k (Fixture *f, gconstpointer data)
{
  store_with_max_pdu (f, 4096);
}

static void
test_store_16k (Fixture *f, gconstpointer data)
{
  store_with_max_pdu (f, 16384);
}

static void
test_store_unlimited (Fixture *f, gconstpointer data)
{
  store_with_max_pdu (f, 0);
}

typedef struct {
  gboolean done;
  guint    reason;
  char    *description;
} Closed;

static void
on_closed (DimseAssociation *assoc, guint reason, const char *description, gpointer user_data)
{
  Closed *c = user_data;

  c->done = TRUE;
  c->reason = reason;
  c->description = g_strdup (description);
}

static void
test_abort (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseAssociation) assoc2 = NULL;
  g_autoptr(GError) error = NULL;
  Closed local = { 0 }, remote = { 0 };

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));

  /* The requestor aborts: both sides see a service-user abort. */
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_closed), &local);
  dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                           DIMSE_ABORT_REASON_NOT_SPECIFIED);
  test_wait_until (&local.done, "the local close");
  test_wait_until (&f->server_closed, "the acceptor to see the abort");
  g_assert_cmpuint (local.reason, ==, DIMSE_CLOSE_ABORTED);
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_ABORTED);
  g_assert_nonnull (strstr (f->server_close_description, "aborted the association"));
  g_assert_nonnull (strstr (f->server_close_description,
                            dimse_abort_source_to_string (DIMSE_ABORT_SOURCE_SERVICE_USER)));

  /* The acceptor aborts as service provider: the requestor hears it. */
  assoc2 = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  g_signal_connect (assoc2, "closed", G_CALLBACK (on_closed), &remote);
  dimse_association_abort (f->server_assoc, DIMSE_ABORT_SOURCE_SERVICE_PROVIDER,
                           DIMSE_ABORT_REASON_UNEXPECTED_PDU);
  test_wait_until (&remote.done, "the requestor to see the abort");
  g_test_message ("requestor saw: %s", remote.description);
  g_assert_cmpuint (remote.reason, ==, DIMSE_CLOSE_ABORTED);
  g_assert_nonnull (strstr (remote.description,
                            dimse_abort_reason_to_string (DIMSE_ABORT_REASON_UNEXPECTED_PDU)));
  g_free (local.description);
  g_free (remote.description);
}

static void
test_reject_called_ae (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  const char *words = dimse_rj_reason_to_string (DIMSE_RJ_SOURCE_SERVICE_USER,
                                                 DIMSE_RJ_REASON_CALLED_AE_TITLE_NOT_RECOGNIZED);

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  assoc = request (f, "127.0.0.1", "NOBODY", 0, &error);
  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
  g_assert_nonnull (strstr (error->message,
                            dimse_rj_result_to_string (DIMSE_RJ_RESULT_PERMANENT)));
}

static void
test_reject_local_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) first = NULL;
  g_autoptr(DimseAssociation) second = NULL;
  g_autoptr(GError) error = NULL;
  const char *words = dimse_rj_reason_to_string (DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION,
                                                 DIMSE_RJ_REASON_LOCAL_LIMIT_EXCEEDED);

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  dimse_server_set_max_associations (f->server, 1);
  first = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  second = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_null (second);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  g_assert_nonnull (strstr (error->message, words));
  g_assert_nonnull (strstr (error->message,
                            dimse_rj_result_to_string (DIMSE_RJ_RESULT_TRANSIENT)));
  release (f, first);
}

static void
test_window (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq1 = NULL;
  g_autoptr(DimseMessage) rq2 = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  TestWaiter sent1 = { 0 }, sent2 = { 0 }, got = { 0 };
  guint16 id1, id2;

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dimse_association_get_negotiation (assoc)->max_operations_invoked, ==, 1);
  id1 = dimse_association_next_message_id (assoc);
  id2 = dimse_association_next_message_id (assoc);
  g_assert_cmpuint (id1, !=, id2);
  rq1 = dimse_message_new_c_echo_rq (id1, DCM_UID_VERIFICATION, NULL);
  rq2 = dimse_message_new_c_echo_rq (id2, DCM_UID_VERIFICATION, NULL);
  dimse_association_send_message_async (assoc, 1, rq1, NULL, test_waiter_done, &sent1);
  dimse_association_send_message_async (assoc, 1, rq2, NULL, test_waiter_done, &sent2);
  g_assert_false (dimse_association_send_message_finish (assoc, test_waiter_wait (&sent2, "2"),
                                                         &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT);
  g_clear_error (&error);
  g_assert_true (dimse_association_send_message_finish (assoc, test_waiter_wait (&sent1, "1"),
                                                        &error));
  dimse_association_receive_response_async (assoc, id1, NULL, test_waiter_done, &got);
  rsp = dimse_association_receive_response_finish (assoc, test_waiter_wait (&got, "rsp"), NULL,
                                                    &error);
  g_assert_no_error (error);
  g_assert_nonnull (rsp);
  g_object_unref (sent1.result);
  g_object_unref (sent2.result);
  g_object_unref (got.result);
  release (f, assoc);
}

static void
test_find_pending (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DcmDataSet) query = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  TestWaiter sent = { 0 };
  guint16 id;
  guint8 pc_id;

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  pc_id = dimse_negotiation_result_find_context (
    dimse_association_get_negotiation (assoc),
    DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND, NULL, DIMSE_ROLE_DEFAULT);
  g_assert_cmpuint (pc_id, !=, 0);
  id = dimse_association_next_message_id (assoc);
  rq = dimse_message_new_c_find_rq (id, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
                                    DIMSE_PRIORITY_MEDIUM, &error);
  g_assert_no_error (error);
  dcm_data_set_set_string (query, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "", NULL);
  dimse_message_set_data_set (rq, query);
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, test_waiter_done, &sent);
  g_assert_true (dimse_association_send_message_finish (assoc, test_waiter_wait (&sent, "send"),
                                                        &error));
  g_object_unref (sent.result);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(DimseMessage) rsp = NULL;
      g_autoptr(DcmDataSet) identifier = NULL;
      g_autofree char *name = NULL;
      g_autofree char *expected = g_strdup_printf ("PATIENT^%u", i);
      TestWaiter got = { 0 };
      guint16 status = 0xFFFF;

      dimse_association_receive_response_async (assoc, id, NULL, test_waiter_done, &got);
      rsp = dimse_association_receive_response_finish (assoc, test_waiter_wait (&got, "rsp"),
                                                        NULL, &error);
      g_object_unref (got.result);
      g_assert_no_error (error);
      g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
      g_assert_cmpuint (status, ==, i < 3 ? 0xFF00 : 0x0000);
      if (i == 3)
        {
          g_assert_false (dimse_message_has_data_set (rsp));
          continue;
        }
      identifier = dcm_data_set_read_bytes (dimse_message_get_encoded_data_set (rsp, NULL),
                                            dcm_transfer_syntax_lookup (
                                              dimse_negotiation_result_get_context (
                                                dimse_association_get_negotiation (assoc),
                                                pc_id)->transfer_syntax),
                                            NULL, &error);
      g_assert_no_error (error);
      name = dcm_data_set_dup_string (identifier, DCM_TAG_PATIENT_NAME);
      g_assert_cmpstr (name, ==, expected);
    }
  /* The final response ended the operation. */
  {
    TestWaiter none = { 0 };

    dimse_association_receive_response_async (assoc, id, NULL, test_waiter_done, &none);
    g_assert_null (dimse_association_receive_response_finish (assoc,
                                                              test_waiter_wait (&none, "none"),
                                                              NULL, &error));
    g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT);
    g_object_unref (none.result);
  }
  release (f, assoc);
}

static void
test_dimse_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociationParams) params = make_params ("ACCEPTOR", 0);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(GError) error = NULL;
  DimseTimeouts timeouts;
  TestWaiter w = { 0 }, sent = { 0 }, got = { 0 };
  guint16 id;

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  f->silent = TRUE;
  dimse_timeouts_init (&timeouts);
  timeouts.dimse_timeout_ms = 200;
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   &timeouts, NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  g_object_unref (w.result);
  id = dimse_association_next_message_id (assoc);
  rq = dimse_message_new_c_echo_rq (id, DCM_UID_VERIFICATION, NULL);
  dimse_association_send_message_async (assoc, 1, rq, NULL, test_waiter_done, &sent);
  g_assert_true (dimse_association_send_message_finish (assoc, test_waiter_wait (&sent, "send"),
                                                        &error));
  g_object_unref (sent.result);
  dimse_association_receive_response_async (assoc, id, NULL, test_waiter_done, &got);
  g_assert_null (dimse_association_receive_response_finish (assoc,
                                                            test_waiter_wait (&got, "timeout"),
                                                            NULL, &error));
  g_object_unref (got.result);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "DIMSE timeout"));
  release (f, assoc);
}

static void
test_idle_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociationParams) params = make_params ("ACCEPTOR", 0);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  DimseTimeouts timeouts;
  Closed closed = { 0 };
  TestWaiter w = { 0 };

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  dimse_timeouts_init (&timeouts);
  timeouts.idle_timeout_ms = 150;
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   &timeouts, NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  g_object_unref (w.result);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_closed), &closed);
  test_wait_until (&closed.done, "the idle timeout");
  g_assert_cmpuint (closed.reason, ==, DIMSE_CLOSE_TIMEOUT);
  g_assert_nonnull (strstr (closed.description, "idle"));
  test_wait_until (&f->server_closed, "the acceptor to see the abort");
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_ABORTED);
  g_free (closed.description);
}

/* Both sides' traffic lands in one recorder, the A-ASSOCIATE exchange
 * included though it happened before the associations were handed out. */
static void
test_recorder (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseRecorder) recorder = dimse_recorder_new ();
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  guint n_pdus[2][8] = { { 0 } };
  guint n_messages = 0, n_notes = 0, n;

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  dimse_server_set_recorder (f->server, recorder);
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dimse_association_set_recorder (assoc, recorder), !=, 0);
  rq = dimse_message_new_c_echo_rq (dimse_association_next_message_id (assoc),
                                    DCM_UID_VERIFICATION, NULL);
  rsp = invoke (f, assoc, 1, rq);
  release (f, assoc);
  test_drain ();
  n = g_list_model_get_n_items (G_LIST_MODEL (recorder));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (recorder), i);
      DimseTrafficDirection direction = dimse_traffic_event_get_direction (event);

      switch (dimse_traffic_event_get_kind (event))
        {
        case DIMSE_TRAFFIC_KIND_PDU:
          g_assert_false (dimse_traffic_event_get_malformed (event));
          g_assert_cmpuint (dimse_traffic_event_get_pdu_type (event), <, 8);
          n_pdus[direction == DIMSE_TRAFFIC_DIRECTION_SENT]
                [dimse_traffic_event_get_pdu_type (event)]++;
          break;
        case DIMSE_TRAFFIC_KIND_MESSAGE:
          n_messages++;
          break;
        case DIMSE_TRAFFIC_KIND_NOTE:
          n_notes++;
          break;
        }
    }
  /* Each PDU once as sent and once as received: -RQ, -AC, two P-DATA-TF
   * (the C-ECHO-RQ and -RSP), A-RELEASE-RQ and -RP. */
  for (guint type = DIMSE_PDU_ASSOCIATE_RQ; type <= DIMSE_PDU_RELEASE_RP; type++)
    {
      guint expected = type == DIMSE_PDU_ASSOCIATE_RJ ? 0 : type == DIMSE_PDU_P_DATA_TF ? 2 : 1;

      g_assert_cmpuint (n_pdus[TRUE][type], ==, expected);
      g_assert_cmpuint (n_pdus[FALSE][type], ==, expected);
    }
  g_assert_cmpuint (n_messages, ==, 4);
  g_assert_cmpuint (n_notes, ==, 4);
}

static void
test_release_collision (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  TestWaiter mine = { 0 }, theirs = { 0 };

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  /* Both release before either A-RELEASE-RQ arrives (PS3.8 §9.2.2). */
  dimse_association_release_async (assoc, NULL, test_waiter_done, &mine);
  dimse_association_release_async (f->server_assoc, NULL, test_waiter_done, &theirs);
  g_assert_true (dimse_association_release_finish (assoc, test_waiter_wait (&mine, "mine"),
                                                   &error));
  g_assert_no_error (error);
  g_assert_true (dimse_association_release_finish (f->server_assoc,
                                                   test_waiter_wait (&theirs, "theirs"), &error));
  g_assert_no_error (error);
  g_object_unref (mine.result);
  g_object_unref (theirs.result);
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_RELEASED);
}

/* ---- a recorder given to the requestor ---- */

/* The PDU types recorded for association id, in order, as "→1 ←2". */
static char *
recorded_pdus (DimseRecorder *recorder, guint id)
{
  GString *out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (recorder));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (recorder), i);

      if (dimse_traffic_event_get_association_id (event) != id
          || dimse_traffic_event_get_kind (event) != DIMSE_TRAFFIC_KIND_PDU)
        continue;
      g_string_append_printf (out, "%s%s%u", out->len > 0 ? " " : "",
                              dimse_traffic_event_get_direction (event)
                                == DIMSE_TRAFFIC_DIRECTION_SENT ? "→" : "←",
                              dimse_traffic_event_get_pdu_type (event));
    }
  return g_string_free (out, FALSE);
}

static DimseAssociation *
request_recorded (Fixture *f, const char *called, DimseRecorder *recorder, guint *out_id,
                  GError **error)
{
  g_autoptr(DimseAssociationParams) params = make_params (called, 0);
  TestWaiter w = { 0 };
  DimseAssociation *assoc;

  *out_id = dimse_association_request_full_async (params, "127.0.0.1",
                                                  dimse_server_get_port (f->server), NULL, NULL,
                                                  recorder, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the answer"), error);
  g_object_unref (w.result);
  return assoc;
}

/* The -RQ and -AC are recorded as PDUs, before the caller holds the
 * association, and the rest of its traffic after them. */
static void
test_recorder_request_accepted (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseRecorder) recorder = dimse_recorder_new ();
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdus = NULL;
  guint id = 0;

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  assoc = request_recorded (f, "ACCEPTOR", recorder, &id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (id, !=, 0);
  pdus = recorded_pdus (recorder, id);
  g_assert_cmpstr (pdus, ==, "→1 ←2");
  {
    g_autoptr(DimseTrafficEvent) begun = g_list_model_get_item (G_LIST_MODEL (recorder), 0);

    g_assert_cmpuint (dimse_traffic_event_get_kind (begun), ==, DIMSE_TRAFFIC_KIND_NOTE);
    g_assert_nonnull (strstr (dimse_traffic_event_get_summary (begun), "requestor"));
  }
  release (f, assoc);
  g_free (pdus);
  pdus = recorded_pdus (recorder, id);
  g_assert_cmpstr (pdus, ==, "→1 ←2 →5 ←6");
}

/* A refused request leaves no association, but its -RQ and -RJ are there. */
static void
test_recorder_request_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseRecorder) recorder = dimse_recorder_new ();
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdus = NULL;
  guint id = 0;

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  assoc = request_recorded (f, "SOMEONE-ELSE", recorder, &id, &error);
  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  test_drain ();
  pdus = recorded_pdus (recorder, id);
  g_assert_cmpstr (pdus, ==, "→1 ←3");
}

/* ---- a sink that fails: the association goes on ---- */

static guint16
store_sized (Fixture *f, DimseAssociation *assoc, gsize size, GBytes **out_data_set)
{
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);
  guint8 pc_id = dimse_negotiation_result_find_context (result, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                                        DIMSE_ROLE_DEFAULT);
  const DimseNegotiatedContext *ctx = dimse_negotiation_result_get_context (result, pc_id);
  const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (ctx->transfer_syntax);
  const char *instance_uid = "1.2.826.0.1.3680043.2.1143.43";
  g_autoptr(GBytes) data_set = make_sized_data_set (ts, instance_uid, size);
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  guint16 status = 0xFFFF;

  rq = dimse_message_new_c_store_rq (dimse_association_next_message_id (assoc),
                                     DCM_UID_CT_IMAGE_STORAGE, instance_uid,
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, &error);
  g_assert_no_error (error);
  dimse_message_set_encoded_data_set (rq, data_set, ts);
  rsp = invoke (f, assoc, pc_id, rq);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  if (out_data_set != NULL)
    *out_data_set = g_steal_pointer (&data_set);
  return status;
}

static void
assert_folder_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

/* The sink's file cannot be created: the request is delivered without a
 * data set, the handler refuses it, and the next one is stored. */
static void
test_sink_unopenable (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GBytes) sent = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (start_server (f, "127.0.0.1", 16384, NULL));
  f->sink_folder = g_build_filename (f->tmpdir, "missing", NULL);
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 16384, &error);
  g_assert_no_error (error);
  g_assert_cmphex (store_sized (f, assoc, 256 * 1024, NULL), ==, 0xA700);
  g_assert_nonnull (f->sink_error);
  g_assert_nonnull (strstr (f->sink_error, "missing"));
  g_assert_true (dimse_association_is_established (assoc));
  g_assert_false (f->server_closed);

  g_clear_pointer (&f->sink_folder, g_free);
  g_assert_cmphex (store_sized (f, assoc, 4096, &sent), ==, 0x0000);
  g_assert_true (g_bytes_equal (f->stored, sent));
  release (f, assoc);
}

/* A 1 MiB tmpfs fills up mid data set: the partial file goes, so the
 * small instance after it fits. */
static void
test_sink_disk_full (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GBytes) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (f->tmpdir, "tiny", NULL);
  const char *argv[] = { "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder, NULL };
  int status = -1;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  if (geteuid () != 0 || !test_util_run (argv, NULL, NULL, &status, NULL) || status != 0)
    {
      g_test_skip ("Mounting a tmpfs needs root.");
      return;
    }
  f->tiny_mounted = TRUE;
  f->sink_folder = g_steal_pointer (&folder);
  g_assert_true (start_server (f, "127.0.0.1", 16384, NULL));
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 16384, &error);
  g_assert_no_error (error);
  g_assert_cmphex (store_sized (f, assoc, STORE_SIZE, NULL), ==, 0xA700);
  g_assert_nonnull (f->sink_error);
  g_assert_nonnull (strstr (f->sink_error, g_strerror (ENOSPC)));
  assert_folder_empty (f->sink_folder);
  g_assert_true (dimse_association_is_established (assoc));

  g_assert_cmphex (store_sized (f, assoc, 64 * 1024, &sent), ==, 0x0000);
  g_assert_true (g_bytes_equal (f->stored, sent));
  release (f, assoc);
}

typedef struct {
  const char *path;
  gboolean    gone;
} FileWatch;

/* Whether a descriptor of this process still refers to path (Linux shows
 * an unlinked file as "path (deleted)"). */
static gboolean
file_is_open (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *fd_path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (fd_path, NULL);

      if (target != NULL && g_str_has_prefix (target, path))
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_gone (gpointer user_data)
{
  FileWatch *watch = user_data;

  watch->gone = !g_file_test (watch->path, G_FILE_TEST_EXISTS) && !file_is_open (watch->path);
  return watch->gone ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* The acceptor aborts while a fragment is being written to the sink: once
 * the write is done the engine itself closes the stream and deletes the
 * partial file, with no service attached and the association still held. */
static void
test_sink_abort_while_writing (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(GBytes) data_set = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->tmpdir, "incoming-0.part", NULL);
  const char *instance_uid = "1.2.826.0.1.3680043.2.1143.44";
  FileWatch watch = { path, FALSE };
  TestWaiter sent = { 0 };
  g_autoptr(GSource) poll = NULL;
  g_autoptr(DimseAssociation) server = NULL;
  const DcmTransferSyntax *ts;
  guint8 pc_id;

  g_assert_true (start_server (f, "127.0.0.1", 16384, NULL));
  f->abort_on_data = TRUE;
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 16384, &error);
  g_assert_no_error (error);
  /* Held, so that its disposal cannot be what cleans up. */
  server = g_object_ref (f->server_assoc);
  pc_id = dimse_negotiation_result_find_context (dimse_association_get_negotiation (assoc),
                                                 DCM_UID_CT_IMAGE_STORAGE, NULL,
                                                 DIMSE_ROLE_DEFAULT);
  ts = dcm_transfer_syntax_lookup (
    dimse_negotiation_result_get_context (dimse_association_get_negotiation (assoc),
                                          pc_id)->transfer_syntax);
  data_set = make_store_data_set (ts, instance_uid);
  rq = dimse_message_new_c_store_rq (dimse_association_next_message_id (assoc),
                                     DCM_UID_CT_IMAGE_STORAGE, instance_uid,
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, &error);
  g_assert_no_error (error);
  dimse_message_set_encoded_data_set (rq, data_set, ts);
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, test_waiter_done, &sent);
  test_waiter_wait (&sent, "the C-STORE-RQ to go");
  test_waiter_clear (&sent);
  test_wait_until (&f->server_closed, "the acceptor to abort");
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_ABORTED);
  poll = g_timeout_source_new (5);
  g_source_set_callback (poll, check_gone, &watch, NULL);
  g_source_attach (poll, g_main_context_get_thread_default ());
  test_wait_until (&watch.gone, "the partial data set file to be deleted");
  g_assert_cmpuint (f->n_stored, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/association/echo/ipv4", test_echo_ipv4);
  ADD ("/association/echo/ipv6", test_echo_ipv6);
  ADD ("/association/store/max-pdu-4k", test_store_4k);
  ADD ("/association/store/max-pdu-16k", test_store_16k);
  ADD ("/association/store/max-pdu-unlimited", test_store_unlimited);
  ADD ("/association/abort/both-sides", test_abort);
  ADD ("/association/reject/called-ae-title", test_reject_called_ae);
  ADD ("/association/reject/local-limit", test_reject_local_limit);
  ADD ("/association/window/one-outstanding", test_window);
  ADD ("/association/find/pending-responses", test_find_pending);
  ADD ("/association/timeout/dimse", test_dimse_timeout);
  ADD ("/association/release/collision", test_release_collision);
  ADD ("/association/timeout/idle", test_idle_timeout);
  ADD ("/association/recorder/both-sides", test_recorder);
  ADD ("/association/recorder/request-accepted", test_recorder_request_accepted);
  ADD ("/association/recorder/request-rejected", test_recorder_request_rejected);
  ADD ("/association/sink/unopenable", test_sink_unopenable);
  ADD ("/association/sink/disk-full", test_sink_disk_full);
  ADD ("/association/sink/abort-while-writing", test_sink_abort_while_writing);
#undef ADD

  return g_test_run ();
}
