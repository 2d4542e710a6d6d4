/* test-association.c — our requestor against our acceptor over loopback,
 * and raw peers that break the protocol */
#include <string.h>

#include "dcm-parser.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dcm-writer.h"
#include "dimse-association.h"
#include "dimse-error.h"
#include "dimse-server.h"
#include "test-util.h"

#define WAIT_LIMIT_MS 20000
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
} Fixture;

/* ---- waiting on the test's own main context ---- */

static gboolean
on_wait_limit (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until (Fixture *f, const gboolean *flag, const char *what)
{
  gboolean expired = FALSE;
  GSource *limit = g_timeout_source_new (WAIT_LIMIT_MS);

  g_source_set_callback (limit, on_wait_limit, &expired, NULL);
  g_source_attach (limit, f->context);
  while (!*flag && !expired)
    g_main_context_iteration (f->context, TRUE);
  g_source_destroy (limit);
  g_source_unref (limit);
  if (!*flag)
    g_error ("Timed out waiting for %s", what);
}

typedef struct {
  GAsyncResult *result;
  gboolean      done;
} Waiter;

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

static GAsyncResult *
wait_result (Fixture *f, Waiter *w, const char *what)
{
  wait_until (f, &w->done, what);
  return w->result;
}

static void
drain (Fixture *f)
{
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (f->context, FALSE);
}

/* ---- the acceptor: a Verification and Storage SCP ---- */

static GFile *
store_sink (DimseAssociation *assoc, guint8 pc_id, DimseMessage *command, gpointer user_data)
{
  Fixture *f = user_data;
  g_autofree char *path = NULL;

  if (dimse_message_get_command_field (command) != DIMSE_C_STORE_RQ)
    return NULL;
  path = g_strdup_printf ("%s/incoming-%u.part", f->tmpdir, f->n_stored);
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

      g_assert_nonnull (data_set_file);
      g_assert_true (g_file_load_contents (data_set_file, NULL, &contents, &length, NULL, NULL));
      g_clear_pointer (&f->stored, g_bytes_unref);
      f->stored = g_bytes_new_take (g_steal_pointer (&contents), length);
      f->n_stored++;
    }
  rsp = dimse_message_new_response (msg, 0x0000);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_response_sent, f);
}

static void
on_server_pdu (DimseAssociation *assoc, GBytes *pdu, gpointer user_data)
{
  Fixture *f = user_data;
  const guint8 *data = g_bytes_get_data (pdu, NULL);

  if (data[0] == DIMSE_PDU_P_DATA_TF)
    f->max_pdata_seen = MAX (f->max_pdata_seen, (guint32) g_bytes_get_size (pdu) - 6);
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
      drain (f);
      g_clear_object (&f->server);
    }
  drain (f);
  g_clear_pointer (&f->stored, g_bytes_unref);
  g_free (f->server_close_description);
  g_free (f->failure);
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
  Waiter w = { 0 };
  DimseAssociation *assoc;

  dimse_association_request_async (params, host, dimse_server_get_port (f->server), NULL,
                                   NULL, NULL, on_done, &w);
  assoc = dimse_association_request_finish (wait_result (f, &w, "the -AC"), error);
  g_object_unref (w.result);
  return assoc;
}

static DimseMessage *
invoke (Fixture *f, DimseAssociation *assoc, guint8 pc_id, DimseMessage *rq)
{
  g_autoptr(GError) error = NULL;
  Waiter sent = { 0 }, received = { 0 };
  guint16 id = 0;
  DimseMessage *rsp;

  g_assert_true (dimse_message_get_us (rq, DCM_TAG_MESSAGE_ID, &id));
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, on_done, &sent);
  g_assert_true (dimse_association_send_message_finish (assoc, wait_result (f, &sent, "send"),
                                                        &error));
  g_assert_no_error (error);
  dimse_association_receive_response_async (assoc, id, NULL, on_done, &received);
  rsp = dimse_association_receive_response_finish (assoc, wait_result (f, &received, "rsp"),
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
  Waiter w = { 0 };

  dimse_association_release_async (assoc, NULL, on_done, &w);
  g_assert_true (dimse_association_release_finish (assoc, wait_result (f, &w, "release"),
                                                   &error));
  g_assert_no_error (error);
  g_object_unref (w.result);
  wait_until (f, &f->server_closed, "the acceptor to see the release");
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
make_store_data_set (const DcmTransferSyntax *ts, const char *instance_uid)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc (STORE_SIZE);
  GBytes *bytes;

  for (gsize i = 0; i < STORE_SIZE; i++)
    pixels[i] = (guint8) (i * 7 + (i >> 12));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI,
                                          DCM_UID_CT_IMAGE_STORAGE, &error));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                          instance_uid, &error));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels, STORE_SIZE,
                                       &error));
  bytes = dcm_data_set_write_bytes (ds, ts, DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, STORE_SIZE);
  return bytes;
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
  wait_until (f, &local.done, "the local close");
  wait_until (f, &f->server_closed, "the acceptor to see the abort");
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
  wait_until (f, &remote.done, "the requestor to see the abort");
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
  Waiter sent1 = { 0 }, sent2 = { 0 }, got = { 0 };
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
  dimse_association_send_message_async (assoc, 1, rq1, NULL, on_done, &sent1);
  dimse_association_send_message_async (assoc, 1, rq2, NULL, on_done, &sent2);
  g_assert_false (dimse_association_send_message_finish (assoc, wait_result (f, &sent2, "2"),
                                                         &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT);
  g_clear_error (&error);
  g_assert_true (dimse_association_send_message_finish (assoc, wait_result (f, &sent1, "1"),
                                                        &error));
  dimse_association_receive_response_async (assoc, id1, NULL, on_done, &got);
  rsp = dimse_association_receive_response_finish (assoc, wait_result (f, &got, "rsp"), NULL,
                                                    &error);
  g_assert_no_error (error);
  g_assert_nonnull (rsp);
  g_object_unref (sent1.result);
  g_object_unref (sent2.result);
  g_object_unref (got.result);
  release (f, assoc);
}

/* ---- raw peers, run in a thread with blocking sockets ---- */

typedef struct {
  guint16      port;
  GBytes      *send;        /* written once connected, may be NULL */
  GBytes      *send_after;  /* written after the first PDU is read, may be NULL */
  GByteArray  *received;    /* everything read until EOF */
  gboolean     done;
  GMainContext *wake;
} RawPeer;

static guint32
load_u32_be (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
read_pdu_blocking (GInputStream *in, GByteArray *into)
{
  guint8 header[6];
  gsize n = 0;
  guint32 length;
  g_autofree guint8 *body = NULL;

  if (!g_input_stream_read_all (in, header, sizeof header, &n, NULL, NULL) || n < 6)
    return;
  g_byte_array_append (into, header, 6);
  length = load_u32_be (header + 2);
  body = g_malloc (length);
  if (g_input_stream_read_all (in, body, length, &n, NULL, NULL))
    g_byte_array_append (into, body, n);
}

static gpointer
raw_peer_run (gpointer user_data)
{
  RawPeer *peer = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  GInputStream *in;
  guint8 buf[4096];
  gssize n;

  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", peer->port, NULL, NULL);
  if (conn != NULL)
    {
      in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
      if (peer->send != NULL)
        g_output_stream_write_bytes (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                     peer->send, NULL, NULL);
      if (peer->send_after != NULL)
        {
          read_pdu_blocking (in, peer->received);
          g_output_stream_write_bytes (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                       peer->send_after, NULL, NULL);
        }
      while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
        g_byte_array_append (peer->received, buf, n);
    }
  g_atomic_int_set (&peer->done, TRUE);
  g_main_context_wakeup (peer->wake);
  return NULL;
}

static void
run_raw_peer (Fixture *f, RawPeer *peer)
{
  GThread *thread;

  peer->port = dimse_server_get_port (f->server);
  peer->received = g_byte_array_new ();
  peer->wake = f->context;
  thread = g_thread_new ("raw-peer", raw_peer_run, peer);
  while (!g_atomic_int_get (&peer->done))
    g_main_context_iteration (f->context, TRUE);
  g_thread_join (thread);
}

static void
raw_peer_clear (RawPeer *peer)
{
  g_clear_pointer (&peer->send, g_bytes_unref);
  g_clear_pointer (&peer->send_after, g_bytes_unref);
  g_clear_pointer (&peer->received, g_byte_array_unref);
}

static void
test_artim (Fixture *f, gconstpointer data)
{
  DimseTimeouts timeouts;
  RawPeer peer = { 0 };

  dimse_timeouts_init (&timeouts);
  timeouts.artim_timeout_ms = 200;
  g_assert_true (start_server (f, "127.0.0.1", 0, &timeouts));
  run_raw_peer (f, &peer);
  /* The acceptor closed the connection without sending anything. */
  g_assert_cmpuint (peer.received->len, ==, 0);
  drain (f);
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "ARTIM"));
  raw_peer_clear (&peer);
}

static void
assert_abort (GByteArray *received, guint offset, guint8 source, guint8 reason)
{
  g_assert_cmpuint (received->len, ==, offset + 10);
  g_assert_cmpuint (received->data[offset], ==, DIMSE_PDU_ABORT);
  g_assert_cmpuint (received->data[offset + 8], ==, source);
  g_assert_cmpuint (received->data[offset + 9], ==, reason);
}

static void
echo_once (Fixture *f)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;

  assoc = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  rq = dimse_message_new_c_echo_rq (dimse_association_next_message_id (assoc),
                                    DCM_UID_VERIFICATION, NULL);
  rsp = invoke (f, assoc, 1, rq);
  g_assert_cmpuint (dimse_message_get_command_field (rsp), ==, DIMSE_C_ECHO_RSP);
  release (f, assoc);
}

static void
test_malformed_unknown_pdu (Fixture *f, gconstpointer data)
{
  static const guint8 unknown[] = { 0x09, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0 };
  RawPeer peer = { 0 };

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  peer.send = g_bytes_new_static (unknown, sizeof unknown);
  run_raw_peer (f, &peer);
  /* PS3.8 Table 9-10: Evt19 in Sta2 is AA-1, an A-ABORT of source service
   * user; only once associated (AA-8) does the provider give a reason. */
  assert_abort (peer.received, 0, DIMSE_ABORT_SOURCE_SERVICE_USER,
                DIMSE_ABORT_REASON_NOT_SPECIFIED);
  drain (f);
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "invalid PDU"));
  raw_peer_clear (&peer);
  echo_once (f);
}

/* A raw requestor associates, then sends pdata: the acceptor must answer
 * with an A-ABORT (service provider, reason) and go on serving others. */
static void
abort_after_pdata (Fixture *f, const guint8 *pdata, gsize size, guint8 reason)
{
  g_autoptr(DimseAssociationParams) params = make_params ("ACCEPTOR", 0);
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(GError) error = NULL;
  RawPeer peer = { 0 };

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  peer.send = dimse_pdu_encode (rq, &error);
  g_assert_no_error (error);
  peer.send_after = g_bytes_new_static (pdata, size);
  run_raw_peer (f, &peer);
  g_assert_cmpuint (peer.received->len, >, 6);
  g_assert_cmpuint (peer.received->data[0], ==, DIMSE_PDU_ASSOCIATE_AC);
  assert_abort (peer.received, load_u32_be (peer.received->data + 2) + 6,
                DIMSE_ABORT_SOURCE_SERVICE_PROVIDER, reason);
  raw_peer_clear (&peer);
  wait_until (f, &f->server_closed, "the acceptor to close");
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_ABORTED);
  echo_once (f);
}

static void
test_malformed_context_zero (Fixture *f, gconstpointer data)
{
  /* P-DATA-TF with one PDV on presentation context 0 (PS3.8 §9.3.5). */
  static const guint8 pdata[] = { 0x04, 0x00, 0x00, 0x00, 0x00, 0x08,
                                  0x00, 0x00, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00 };

  abort_after_pdata (f, pdata, sizeof pdata, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
}

static void
test_malformed_data_before_command (Fixture *f, gconstpointer data)
{
  /* A data set fragment on the accepted context 1 where a command must
   * come first (PS3.8 Annex E). */
  static const guint8 pdata[] = { 0x04, 0x00, 0x00, 0x00, 0x00, 0x08,
                                  0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x00, 0x00 };

  abort_after_pdata (f, pdata, sizeof pdata, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER);
}

static void
test_find_pending (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DcmDataSet) query = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  Waiter sent = { 0 };
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
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, on_done, &sent);
  g_assert_true (dimse_association_send_message_finish (assoc, wait_result (f, &sent, "send"),
                                                        &error));
  g_object_unref (sent.result);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(DimseMessage) rsp = NULL;
      g_autoptr(DcmDataSet) identifier = NULL;
      g_autofree char *name = NULL;
      g_autofree char *expected = g_strdup_printf ("PATIENT^%u", i);
      Waiter got = { 0 };
      guint16 status = 0xFFFF;

      dimse_association_receive_response_async (assoc, id, NULL, on_done, &got);
      rsp = dimse_association_receive_response_finish (assoc, wait_result (f, &got, "rsp"),
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
    Waiter none = { 0 };

    dimse_association_receive_response_async (assoc, id, NULL, on_done, &none);
    g_assert_null (dimse_association_receive_response_finish (assoc,
                                                              wait_result (f, &none, "none"),
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
  Waiter w = { 0 }, sent = { 0 }, got = { 0 };
  guint16 id;

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  f->silent = TRUE;
  dimse_timeouts_init (&timeouts);
  timeouts.dimse_timeout_ms = 200;
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   &timeouts, NULL, NULL, on_done, &w);
  assoc = dimse_association_request_finish (wait_result (f, &w, "the -AC"), &error);
  g_assert_no_error (error);
  g_object_unref (w.result);
  id = dimse_association_next_message_id (assoc);
  rq = dimse_message_new_c_echo_rq (id, DCM_UID_VERIFICATION, NULL);
  dimse_association_send_message_async (assoc, 1, rq, NULL, on_done, &sent);
  g_assert_true (dimse_association_send_message_finish (assoc, wait_result (f, &sent, "send"),
                                                        &error));
  g_object_unref (sent.result);
  dimse_association_receive_response_async (assoc, id, NULL, on_done, &got);
  g_assert_null (dimse_association_receive_response_finish (assoc,
                                                            wait_result (f, &got, "timeout"),
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
  Waiter w = { 0 };

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  dimse_timeouts_init (&timeouts);
  timeouts.idle_timeout_ms = 150;
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   &timeouts, NULL, NULL, on_done, &w);
  assoc = dimse_association_request_finish (wait_result (f, &w, "the -AC"), &error);
  g_assert_no_error (error);
  g_object_unref (w.result);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_closed), &closed);
  wait_until (f, &closed.done, "the idle timeout");
  g_assert_cmpuint (closed.reason, ==, DIMSE_CLOSE_TIMEOUT);
  g_assert_nonnull (strstr (closed.description, "idle"));
  wait_until (f, &f->server_closed, "the acceptor to see the abort");
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
  drain (f);
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

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* A listener that accepts the connection (in the kernel) and never answers. */
static DimseAssociation *
request_silent_peer (Fixture *f, const DimseTimeouts *timeouts, GCancellable *cancellable,
                     GError **error)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(DimseAssociationParams) params = make_params ("ACCEPTOR", 0);
  DimseAssociation *assoc;
  Waiter w = { 0 };
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_assert_cmpuint (port, !=, 0);
  dimse_association_request_async (params, "127.0.0.1", port, timeouts, NULL, cancellable,
                                   on_done, &w);
  assoc = dimse_association_request_finish (wait_result (f, &w, "the request to end"), error);
  g_object_unref (w.result);
  return assoc;
}

static void
test_request_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) later = g_timeout_source_new (100);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;

  g_source_set_callback (later, cancel_now, cancellable, NULL);
  g_source_attach (later, f->context);
  assoc = request_silent_peer (f, NULL, cancellable, &error);
  g_assert_null (assoc);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_request_no_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  DimseTimeouts timeouts;

  dimse_timeouts_init (&timeouts);
  timeouts.artim_timeout_ms = 150;
  assoc = request_silent_peer (f, &timeouts, NULL, &error);
  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "A-ASSOCIATE-RQ"));
}

static void
test_connection_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseAssociationParams) params = make_params ("ACCEPTOR", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  guint16 port;
  Waiter w = { 0 };

  /* A port that was free a moment ago: nothing listens on it. */
  {
    g_autoptr(GSocketListener) listener = g_socket_listener_new ();

    port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
    g_socket_listener_close (listener);
  }
  dimse_association_request_async (params, "127.0.0.1", port, NULL, NULL, NULL, on_done, &w);
  assoc = dimse_association_request_finish (wait_result (f, &w, "the refusal"), &error);
  g_object_unref (w.result);
  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION);
  where = g_strdup_printf ("127.0.0.1:%u", port);
  g_assert_nonnull (strstr (error->message, where));
}

static void
test_release_collision (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  Waiter mine = { 0 }, theirs = { 0 };

  g_assert_true (start_server (f, "127.0.0.1", 0, NULL));
  assoc = request (f, "127.0.0.1", "ACCEPTOR", 0, &error);
  g_assert_no_error (error);
  /* Both release before either A-RELEASE-RQ arrives (PS3.8 §9.2.2). */
  dimse_association_release_async (assoc, NULL, on_done, &mine);
  dimse_association_release_async (f->server_assoc, NULL, on_done, &theirs);
  g_assert_true (dimse_association_release_finish (assoc, wait_result (f, &mine, "mine"),
                                                   &error));
  g_assert_no_error (error);
  g_assert_true (dimse_association_release_finish (f->server_assoc,
                                                   wait_result (f, &theirs, "theirs"), &error));
  g_assert_no_error (error);
  g_object_unref (mine.result);
  g_object_unref (theirs.result);
  g_assert_cmpuint (f->server_close_reason, ==, DIMSE_CLOSE_RELEASED);
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
  ADD ("/association/artim/no-associate-rq", test_artim);
  ADD ("/association/malformed/unknown-pdu-type", test_malformed_unknown_pdu);
  ADD ("/association/malformed/presentation-context-zero", test_malformed_context_zero);
  ADD ("/association/malformed/data-before-command", test_malformed_data_before_command);
  ADD ("/association/find/pending-responses", test_find_pending);
  ADD ("/association/timeout/dimse", test_dimse_timeout);
  ADD ("/association/release/collision", test_release_collision);
  ADD ("/association/timeout/idle", test_idle_timeout);
  ADD ("/association/recorder/both-sides", test_recorder);
  ADD ("/association/request/cancelled", test_request_cancelled);
  ADD ("/association/request/no-answer", test_request_no_answer);
  ADD ("/association/request/connection-refused", test_connection_refused);
#undef ADD

  return g_test_run ();
}
