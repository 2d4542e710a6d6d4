/* test-commitment.c — Storage Commitment Push Model (PS3.4 Annex J)
 * between the project's SCU and SCP over loopback: the result on the
 * N-ACTION's association and on a new one the SCP opens with the SCP role
 * proposed, the success and failure lists, and every failure status of
 * the N-ACTION and of the N-EVENT-REPORT */
#include "config.h"

#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-commitment.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-nservice-archive.h"
#include "dimse-server.h"
#include "test-util.h"
#include "test-wait.h"

#define CT DCM_UID_CT_IMAGE_STORAGE
#define MR DCM_UID_MR_IMAGE_STORAGE
#define HELD_1 "1.2.826.0.1.3680043.10.1247.66.1"
#define HELD_2 "1.2.826.0.1.3680043.10.1247.66.2"
#define UNKNOWN "1.2.826.0.1.3680043.10.1247.66.9"

typedef struct {
  GMainContext            *context;
  DimseServer             *scp_server;
  DimseNProvider          *provider;
  DimseCommitmentScp      *scp;
  DimseServer             *scu_server;     /* where results on new associations come */
  DimseCommitmentListener *listener;
  DimseAssociation        *assoc;
  DimseRole                back_requestor_roles;  /* on the association opened back */
  guint                    n_reports_sent;
  gboolean                 report_sent;
  guint                    report_status;
} Fixture;

/* HELD_1 and HELD_2 are CT images here. */
static guint16
lookup (const char *sop_class_uid, const char *sop_instance_uid, gpointer user_data)
{
  if (strcmp (sop_instance_uid, HELD_1) != 0 && strcmp (sop_instance_uid, HELD_2) != 0)
    return 0x0112;
  return strcmp (sop_class_uid, CT) == 0 ? 0 : 0x0119;
}

static void
on_scp_association (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  dimse_n_provider_attach (((Fixture *) user_data)->provider, assoc);
  dimse_echo_scp_attach (assoc);
}

static void
on_scu_association (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Fixture *f = user_data;
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);

  for (guint i = 0; i < negotiation->contexts->len; i++)
    {
      const DimseNegotiatedContext *nc = negotiation->contexts->pdata[i];

      if (strcmp (nc->abstract_syntax, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL) == 0)
        f->back_requestor_roles = nc->requestor_roles;
    }
  dimse_commitment_listener_attach (f->listener, assoc);
}

static void
on_report_sent (DimseCommitmentScp *scp, const char *transaction_uid, guint event_type_id,
                guint status, const char *error, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_null (error);
  f->n_reports_sent++;
  f->report_sent = TRUE;
  f->report_status = status;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("COMMITSCP");
  DimseAcceptorPolicy *scu_policy = dimse_acceptor_policy_new ("COMMITSCU");
  g_autoptr(GError) error = NULL;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->provider = dimse_n_provider_new ();
  f->scp = dimse_commitment_scp_new (lookup, NULL, NULL);
  dimse_commitment_scp_register (f->scp, f->provider);
  g_signal_connect (f->scp, "report-sent", G_CALLBACK (on_report_sent), f);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                       DIMSE_ROLE_SCP);
  f->scp_server = dimse_server_new (policy, NULL);
  g_signal_connect (f->scp_server, "association-started", G_CALLBACK (on_scp_association), f);
  g_assert_true (dimse_server_listen (f->scp_server, "127.0.0.1", 0, &error));
  f->listener = dimse_commitment_listener_new ();
  dimse_commitment_listener_add_to_policy (scu_policy);
  f->scu_server = dimse_server_new (scu_policy, NULL);
  g_signal_connect (f->scu_server, "association-started", G_CALLBACK (on_scu_association), f);
  g_assert_true (dimse_server_listen (f->scu_server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  dimse_commitment_scp_add_node (f->scp, "COMMITSCU", "127.0.0.1",
                                 dimse_server_get_port (f->scu_server));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->assoc != NULL && dimse_association_is_established (f->assoc))
    dimse_association_abort (f->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_clear_object (&f->assoc);
  dimse_server_stop (f->scp_server);
  dimse_server_stop (f->scu_server);
  test_drain ();
  g_clear_object (&f->scp_server);
  g_clear_object (&f->scu_server);
  g_clear_object (&f->scp);
  g_clear_object (&f->provider);
  g_clear_object (&f->listener);
  test_drain ();
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
associate (Fixture *f)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("COMMITSCU",
                                                                           "COMMITSCP");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL, NULL,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->scp_server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  dimse_commitment_listener_attach (f->listener, f->assoc);
}

static GPtrArray *
items_of (const char *const *pairs)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_commitment_item_free);

  for (; pairs[0] != NULL; pairs += 2)
    g_ptr_array_add (items, dimse_commitment_item_new (pairs[0], pairs[1], 0));
  return items;
}

static DimseNResult *
run_action (Fixture *f, const DimseNRequest *request)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  DimseNResult *result;

  dimse_n_request_async (f->assoc, request, NULL, test_waiter_done, &w);
  result = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the response"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  return result;
}

static DimseCommitmentResult *
request_and_wait (Fixture *f, const char *transaction_uid, const char *const *pairs)
{
  g_autoptr(GPtrArray) items = items_of (pairs);
  g_autoptr(DimseNResult) action = NULL;
  g_autoptr(GError) error = NULL;
  DimseCommitmentResult *result;
  TestWaiter w = { 0 };

  dimse_commitment_request_async (f->assoc, transaction_uid, items, NULL, test_waiter_done, &w);
  action = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N-ACTION"), &error);
  g_assert_no_error (error);
  g_assert_cmphex (action->status, ==, 0x0000);
  test_waiter_clear (&w);
  dimse_commitment_listener_wait_async (f->listener, transaction_uid, 20000, NULL,
                                        test_waiter_done, &w);
  result = dimse_commitment_listener_wait_finish (f->listener,
                                                  test_waiter_wait (&w, "the result"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  test_wait_until (&f->report_sent, "the N-EVENT-REPORT-RSP");
  g_assert_cmphex (f->report_status, ==, 0x0000);
  return result;
}

static void
assert_usable (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  dimse_echo_async (f->assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_echo_finish (f->assoc, test_waiter_wait (&w, "the C-ECHO"), &status,
                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  test_waiter_clear (&w);
}

static void
test_same_association_all_committed (Fixture *f, gconstpointer data)
{
  static const char *const pairs[] = { CT, HELD_1, CT, HELD_2, NULL };
  g_autoptr(DimseCommitmentResult) result = NULL;

  dimse_commitment_scp_set_report_mode (f->scp, DIMSE_COMMITMENT_REPORT_SAME_ASSOCIATION);
  associate (f);
  result = request_and_wait (f, "1.2.3.100", pairs);
  g_assert_cmpstr (result->transaction_uid, ==, "1.2.3.100");
  g_assert_cmpuint (result->event_type_id, ==, DIMSE_COMMITMENT_EVENT_SUCCESS);
  g_assert_cmpuint (result->committed->len, ==, 2);
  g_assert_cmpuint (result->failed->len, ==, 0);
  g_assert_false (result->on_new_association);
  g_assert_cmpstr (((DimseCommitmentItem *) result->committed->pdata[1])->sop_instance_uid, ==,
                   HELD_2);
  assert_usable (f);
}

static void
test_new_association_failures (Fixture *f, gconstpointer data)
{
  static const char *const pairs[] = { CT, HELD_1, CT, UNKNOWN, MR, HELD_2, NULL };
  g_autoptr(DimseCommitmentResult) result = NULL;
  DimseCommitmentItem *item;

  dimse_commitment_scp_set_report_mode (f->scp, DIMSE_COMMITMENT_REPORT_NEW_ASSOCIATION);
  associate (f);
  result = request_and_wait (f, "1.2.3.101", pairs);
  g_assert_true (result->on_new_association);
  g_assert_cmpstr (result->peer_ae_title, ==, "COMMITSCP");
  /* PS3.4 §J.3.3.1.3: the SCP proposed itself as SCP only (SCU role 0) */
  g_assert_cmpuint (f->back_requestor_roles, ==, DIMSE_ROLE_SCP);
  g_assert_cmpuint (result->event_type_id, ==, DIMSE_COMMITMENT_EVENT_FAILURES_EXIST);
  g_assert_cmpuint (result->committed->len, ==, 1);
  g_assert_cmpuint (result->failed->len, ==, 2);
  item = result->failed->pdata[0];
  g_assert_cmpstr (item->sop_instance_uid, ==, UNKNOWN);
  g_assert_cmphex (item->failure_reason, ==, 0x0112);
  item = result->failed->pdata[1];
  g_assert_cmpstr (item->sop_class_uid, ==, MR);
  g_assert_cmphex (item->failure_reason, ==, 0x0119);
  g_assert_cmpstr (dimse_commitment_failure_reason_name (0x0119), ==,
                   "Class / Instance Conflict");
}

static void
test_released_before_result (Fixture *f, gconstpointer data)
{
  static const char *const pairs[] = { CT, HELD_1, NULL };
  g_autoptr(GPtrArray) items = items_of (pairs);
  g_autoptr(DimseNResult) action = NULL;
  g_autoptr(DimseCommitmentResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  /* The default: the N-ACTION's association while open, else a new one. */
  dimse_commitment_scp_set_report_delay (f->scp, 200);
  associate (f);
  dimse_commitment_request_async (f->assoc, "1.2.3.102", items, NULL, test_waiter_done, &w);
  action = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N-ACTION"), &error);
  g_assert_cmphex (action->status, ==, 0x0000);
  test_waiter_clear (&w);
  dimse_association_release_async (f->assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_release_finish (f->assoc, test_waiter_wait (&w, "release"),
                                                   &error));
  test_waiter_clear (&w);
  dimse_commitment_listener_wait_async (f->listener, "1.2.3.102", 20000, NULL,
                                        test_waiter_done, &w);
  result = dimse_commitment_listener_wait_finish (f->listener,
                                                  test_waiter_wait (&w, "the result"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  g_assert_true (result->on_new_association);
  g_assert_cmpuint (result->committed->len, ==, 1);
}

/* ---- the embedded archive's provider: what its index holds ---- */

static void
write_ct_file (const char *path, const char *sop_instance_uid)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_NONE, CT, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE,
                                          sop_instance_uid, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, "P1", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE,
                                          "1.2.3.7", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE,
                                          "1.2.3.7.1", NULL));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
}

static void
test_archive_index (Fixture *f, gconstpointer data)
{
  static const char *const pairs[] = { CT, HELD_1, CT, HELD_2, NULL };
  g_auto (TestUtilTmpdir) dir = test_util_make_tmpdir ("commitment");
  g_autofree char *path = g_build_filename (dir, "held.dcm", NULL);
  g_autoptr(DimseArchiveIndex) index = dimse_archive_index_new (dir);
  g_autoptr(DimseCommitmentScp) scp = NULL;
  g_autoptr(DimseCommitmentResult) result = NULL;
  g_autoptr(GError) error = NULL;

  write_ct_file (path, HELD_1);
  g_assert_true (dimse_archive_index_add_file (index, path, &error));
  g_assert_no_error (error);
  /* the archive's provider in place of the fixture's */
  g_clear_object (&f->provider);
  f->provider = dimse_n_archive_provider_new (index, &scp);
  g_assert_true (dimse_n_provider_has_sop_class (f->provider,
                                                 DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP));
  dimse_commitment_scp_set_report_mode (scp, DIMSE_COMMITMENT_REPORT_SAME_ASSOCIATION);
  g_signal_connect (scp, "report-sent", G_CALLBACK (on_report_sent), f);
  associate (f);
  result = request_and_wait (f, "1.2.3.400", pairs);
  g_assert_cmpuint (result->committed->len, ==, 1);
  g_assert_cmpstr (((DimseCommitmentItem *) result->committed->pdata[0])->sop_instance_uid, ==,
                   HELD_1);
  g_assert_cmpuint (result->failed->len, ==, 1);
  g_assert_cmphex (((DimseCommitmentItem *) result->failed->pdata[0])->failure_reason, ==,
                   0x0112);
}

/* ---- the N-ACTION's failures (PS3.4 §J.3.2.1.3, PS3.7 Annex C) ---- */

typedef struct {
  const char *path;
  guint16     action_type_id;
  const char *instance;
  const char *transaction_uid;    /* NULL: none */
  gboolean    with_references;
  guint32     extra_tag;          /* an attribute Table J.3-1 does not define */
  guint16     expected_status;
} ActionCase;

static const ActionCase action_cases[] = {
  { "/commitment/action/no-such-action-type", 2, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
    "1.2.3.200", TRUE, 0, 0x0123 },
  { "/commitment/action/no-transaction-uid", 1, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
    NULL, TRUE, 0, 0x0115 },
  { "/commitment/action/no-references", 1, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
    "1.2.3.201", FALSE, 0, 0x0115 },
  { "/commitment/action/no-such-argument", 1, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
    "1.2.3.202", TRUE, DCM_TAG_PATIENT_ID, 0x0114 },
  { "/commitment/action/no-such-instance", 1, "1.2.3.4", "1.2.3.203", TRUE, 0, 0x0112 },
};

static void
test_action_case (Fixture *f, gconstpointer data)
{
  const ActionCase *c = data;
  g_autoptr(DcmDataSet) info = dcm_data_set_new ();
  g_autoptr(DimseNResult) result = NULL;
  DimseNRequest request = {
    .command = DIMSE_N_ACTION_RQ, .sop_class_uid = DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
    .sop_instance_uid = c->instance, .type_id = c->action_type_id, .data_set = info,
  };

  if (c->transaction_uid != NULL)
    g_assert_true (dcm_data_set_set_string (info, DCM_TAG_TRANSACTION_UID, DCM_VR_NONE,
                                            c->transaction_uid, NULL));
  if (c->with_references)
    {
      g_autoptr(DcmDataSet) ref = dcm_data_set_new ();
      DcmElement *seq;

      g_assert_true (dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_CLASS_UID,
                                              DCM_VR_NONE, CT, NULL));
      g_assert_true (dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_INSTANCE_UID,
                                              DCM_VR_NONE, HELD_1, NULL));
      seq = dcm_data_set_insert (info, DCM_TAG_REFERENCED_SOP_SEQUENCE, DCM_VR_SQ);
      dcm_data_set_append_item (info, seq, g_steal_pointer (&ref));
    }
  if (c->extra_tag != 0)
    g_assert_true (dcm_data_set_set_string (info, c->extra_tag, DCM_VR_NONE, "X", NULL));
  associate (f);
  result = run_action (f, &request);
  g_assert_cmphex (result->status, ==, c->expected_status);
  g_assert_nonnull (result->error_comment);
  if (c->expected_status == 0x0123)
    g_assert_nonnull (strstr (result->description, "Action Type ID: 2"));
  test_drain ();
  g_assert_cmpuint (f->n_reports_sent, ==, 0);
  assert_usable (f);
}

static void
test_transaction_in_progress (Fixture *f, gconstpointer data)
{
  static const char *const pairs[] = { CT, HELD_1, NULL };
  g_autoptr(GPtrArray) items = items_of (pairs);
  TestWaiter w = { 0 };

  dimse_commitment_scp_set_report_delay (f->scp, 60000);
  associate (f);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(DimseNResult) result = NULL;

      dimse_commitment_request_async (f->assoc, "1.2.3.300", items, NULL, test_waiter_done,
                                      &w);
      result = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N-ACTION"), NULL);
      test_waiter_clear (&w);
      g_assert_cmphex (result->status, ==, i == 0 ? 0x0000 : 0x0110);
    }
}

/* ---- the listener's answers to broken results ---- */

static void
test_listener_rejects (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("COMMITSCP",
                                                                           "COMMITSCU");
  g_autoptr(DcmDataSet) info = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) back = NULL;
  TestWaiter w = { 0 };
  const guint16 event_types[] = { 9, 1 };
  const guint16 expected[] = { 0x0113, 0x0115 };

  dimse_association_params_add_context (params, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL, NULL,
                                        DIMSE_ROLE_SCP);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->scu_server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  back = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  for (gsize i = 0; i < G_N_ELEMENTS (event_types); i++)
    {
      g_autoptr(DimseNResult) result = NULL;

      /* no Transaction UID in the Event Information */
      dimse_n_event_report_async (back, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                  DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
                                  event_types[i], info, NULL, test_waiter_done, &w);
      result = dimse_n_request_finish (back, test_waiter_wait (&w, "the report"), &error);
      g_assert_no_error (error);
      test_waiter_clear (&w);
      g_assert_cmphex (result->status, ==, expected[i]);
    }
  dimse_association_release_async (back, NULL, test_waiter_done, &w);
  dimse_association_release_finish (back, test_waiter_wait (&w, "release"), NULL);
  test_waiter_clear (&w);
}

static void
test_listener_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_commitment_listener_wait_async (f->listener, "1.2.3.404", 50, NULL, test_waiter_done,
                                        &w);
  g_assert_null (dimse_commitment_listener_wait_finish (f->listener,
                                                       test_waiter_wait (&w, "the timeout"),
                                                       &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT);
  test_waiter_clear (&w);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/commitment/same-association/all-committed", Fixture, NULL, fixture_set_up,
              test_same_association_all_committed, fixture_tear_down);
  g_test_add ("/commitment/new-association/failures", Fixture, NULL, fixture_set_up,
              test_new_association_failures, fixture_tear_down);
  g_test_add ("/commitment/archive-index", Fixture, NULL, fixture_set_up, test_archive_index,
              fixture_tear_down);
  g_test_add ("/commitment/auto/released-before-result", Fixture, NULL, fixture_set_up,
              test_released_before_result, fixture_tear_down);
  for (gsize i = 0; i < G_N_ELEMENTS (action_cases); i++)
    g_test_add (action_cases[i].path, Fixture, &action_cases[i], fixture_set_up,
                test_action_case, fixture_tear_down);
  g_test_add ("/commitment/action/transaction-in-progress", Fixture, NULL, fixture_set_up,
              test_transaction_in_progress, fixture_tear_down);
  g_test_add ("/commitment/listener/rejects", Fixture, NULL, fixture_set_up,
              test_listener_rejects, fixture_tear_down);
  g_test_add ("/commitment/listener/timeout", Fixture, NULL, fixture_set_up,
              test_listener_timeout, fixture_tear_down);
  return g_test_run ();
}
