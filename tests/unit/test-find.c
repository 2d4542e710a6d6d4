/* test-find.c — the C-FIND SCU against a small C-FIND SCP written here on
 * the engine: matches in order, C-CANCEL after max_results or on cancel,
 * failures, and the association usable after each */
#include "config.h"

#include <string.h>

#include "dcm-parser.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-find.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "test-wait.h"

#define MODEL DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define STATUS_PENDING 0xFF00
#define STATUS_CANCEL 0xFE00

/* How the SCP answers a C-FIND-RQ: n_pending matches (PatientID "P1" …),
 * then final_status; with wait_for_cancel it stops after n_pending until
 * the C-CANCEL-RQ arrives, then sends one more match (one that was on its
 * way) and Cancel. */
typedef struct {
  GMainContext     *context;
  DimseServer      *server;
  DimseAssociation *assoc;
  guint             n_pending;
  guint16           final_status;
  gboolean          wait_for_cancel;
  /* what the SCP saw */
  DcmDataSet       *identifier;
  guint             n_requests;
  gboolean          cancel_received;
  /* the cancel of the request being answered */
  DimseAssociation *scp_assoc;
  DimseMessage     *scp_rq;
  guint8            scp_pc_id;
  GCancellable     *scp_cancellable;
  gulong            scp_cancel_handler;
} Fixture;

/* ---- the SCP ---- */

static void
on_scp_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error);
  g_assert_no_error (error);
}

static void
scp_send (Fixture *f, guint16 status, guint match)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (f->scp_rq, status);

  if (match != 0)
    {
      g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
      g_autofree char *id = g_strdup_printf ("P%u", match);

      g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, id, NULL));
      g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                              "STUDY", NULL));
      dimse_message_set_data_set (rsp, ds);
    }
  else if (status == 0xA700)
    g_assert_true (dimse_message_set_string (rsp, DCM_TAG_ERROR_COMMENT, "Index is full",
                                             NULL));
  dimse_association_send_message_async (f->scp_assoc, f->scp_pc_id, rsp, NULL, on_scp_sent,
                                        NULL);
}

static void
on_scp_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Fixture *f = user_data;

  f->cancel_received = TRUE;
  scp_send (f, STATUS_PENDING, f->n_pending + 1);
  scp_send (f, STATUS_CANCEL, 0);
}

static void
on_scp_request (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg, GFile *file,
                gpointer user_data)
{
  Fixture *f = user_data;
  const DcmTransferSyntax *ts = NULL;
  GBytes *encoded;
  guint16 id = 0;

  if (dimse_message_get_command_field (msg) != DIMSE_C_FIND_RQ)
    return;
  f->n_requests++;
  encoded = dimse_message_get_encoded_data_set (msg, &ts);
  g_assert_nonnull (encoded);
  g_clear_pointer (&f->identifier, dcm_data_set_unref);
  f->identifier = dcm_data_set_read_bytes (encoded, ts, NULL, NULL);
  g_assert_nonnull (f->identifier);
  g_clear_pointer (&f->scp_rq, dimse_message_unref);
  f->scp_rq = dimse_message_ref (msg);
  f->scp_assoc = assoc;
  f->scp_pc_id = pc_id;
  for (guint i = 1; i <= f->n_pending; i++)
    scp_send (f, STATUS_PENDING, i);
  if (!f->wait_for_cancel)
    {
      scp_send (f, f->final_status, 0);
      return;
    }
  g_assert_true (dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, &id));
  g_clear_object (&f->scp_cancellable);
  f->scp_cancellable = dimse_association_get_request_cancellable (assoc, id);
  g_assert_nonnull (f->scp_cancellable);
  f->scp_cancel_handler = g_cancellable_connect (f->scp_cancellable,
                                                 G_CALLBACK (on_scp_cancelled), f, NULL);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  g_signal_connect (assoc, "request-received", G_CALLBACK (on_scp_request), user_data);
  dimse_echo_scp_attach (assoc);
}

/* ---- fixture ---- */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("FINDSCP");
  g_autoptr(GError) error = NULL;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, MODEL, DIMSE_ROLE_SCP);
  f->server = dimse_server_new (policy, NULL);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_association_started), f);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->final_status = 0x0000;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->assoc != NULL && dimse_association_is_established (f->assoc))
    dimse_association_abort (f->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_clear_object (&f->assoc);
  dimse_server_stop (f->server);
  test_drain ();
  g_clear_object (&f->server);
  if (f->scp_cancellable != NULL)
    g_cancellable_disconnect (f->scp_cancellable, f->scp_cancel_handler);
  g_clear_object (&f->scp_cancellable);
  g_clear_pointer (&f->scp_rq, dimse_message_unref);
  g_clear_pointer (&f->identifier, dcm_data_set_unref);
  test_drain ();
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
fixture_associate (Fixture *f, gboolean with_find)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("FINDSCU",
                                                                           "FINDSCP");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  if (with_find)
    dimse_association_params_add_context (params, MODEL, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

/* ---- the SCU's side ---- */

typedef struct {
  GPtrArray    *patient_ids;
  GCancellable *cancel_after_first;
} Results;

static void
on_result (DimseFindJob *job, DcmDataSet *identifier, gpointer user_data)
{
  Results *r = user_data;

  g_ptr_array_add (r->patient_ids, dcm_data_set_dup_string (identifier, DCM_TAG_PATIENT_ID));
  if (r->cancel_after_first != NULL)
    g_cancellable_cancel (r->cancel_after_first);
}

static DcmDataSet *
make_identifier (void)
{
  DcmDataSet *ds = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                          "STUDY", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, "DOE*", NULL));
  dcm_data_set_insert (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE);
  return ds;
}

/* Runs one C-FIND; returns what finish said and fills r and *status. */
static gboolean
run_find (Fixture *f, guint max_results, GCancellable *cancellable, DimseFindJob *job,
          Results *r, guint16 *status, GError **error)
{
  g_autoptr(DcmDataSet) identifier = make_identifier ();
  TestWaiter w = { 0 };
  gboolean ok;

  r->patient_ids = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (job, "result", G_CALLBACK (on_result), r);
  dimse_find_async (f->assoc, MODEL, identifier, max_results, job, cancellable,
                    test_waiter_done, &w);
  ok = dimse_find_finish (f->assoc, test_waiter_wait (&w, "the C-FIND"), status, error);
  test_waiter_clear (&w);
  return ok;
}

static void
assert_patient_ids (Results *r, const char *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < r->patient_ids->len; i++)
    g_string_append_printf (got, "%s%s", i > 0 ? " " : "",
                            (const char *) g_ptr_array_index (r->patient_ids, i));
  g_assert_cmpstr (got->str, ==, expected);
  g_ptr_array_unref (r->patient_ids);
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

/* ---- tests ---- */

static void
test_results_in_order (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sent_name = NULL;
  Results r = { 0 };
  guint16 status = 0xFFFF;

  f->n_pending = 5;
  fixture_associate (f, TRUE);
  g_assert_true (run_find (f, 0, NULL, job, &r, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  assert_patient_ids (&r, "P1 P2 P3 P4 P5");
  g_assert_cmpuint (dimse_find_job_get_n_results (job), ==, 5);
  g_assert_cmpuint (dimse_find_job_get_status (job), ==, 0x0000);
  g_assert_false (dimse_find_job_get_cancel_sent (job));
  /* the identifier went as given */
  sent_name = dcm_data_set_dup_string (f->identifier, DCM_TAG_PATIENT_NAME);
  g_assert_cmpstr (sent_name, ==, "DOE*");
  g_assert_true (dcm_data_set_contains (f->identifier, DCM_TAG_PATIENT_ID));
  g_assert_false (f->cancel_received);
  assert_usable (f);
}

static void
test_max_results_cancels (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GError) error = NULL;
  Results r = { 0 };
  guint16 status = 0xFFFF;

  f->n_pending = 2;
  f->wait_for_cancel = TRUE;
  fixture_associate (f, TRUE);
  g_assert_true (run_find (f, 2, NULL, job, &r, &status, &error));
  g_assert_no_error (error);
  g_assert_true (f->cancel_received);
  g_assert_cmpuint (status, ==, STATUS_CANCEL);
  /* P3 was on its way when the C-CANCEL-RQ went: read, not emitted */
  assert_patient_ids (&r, "P1 P2");
  g_assert_true (dimse_find_job_get_cancel_sent (job));
  g_assert_cmpuint (dimse_find_job_get_status (job), ==, STATUS_CANCEL);
  assert_usable (f);
  /* and a second C-FIND on it goes to its end */
  f->wait_for_cancel = FALSE;
  {
    g_autoptr(DimseFindJob) again = dimse_find_job_new ();
    Results r2 = { 0 };

    g_assert_true (run_find (f, 0, NULL, again, &r2, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 0x0000);
    assert_patient_ids (&r2, "P1 P2");
    g_assert_cmpuint (f->n_requests, ==, 2);
  }
}

static void
test_max_results_not_reached (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GError) error = NULL;
  Results r = { 0 };
  guint16 status = 0xFFFF;

  f->n_pending = 3;
  fixture_associate (f, TRUE);
  g_assert_true (run_find (f, 4, NULL, job, &r, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  assert_patient_ids (&r, "P1 P2 P3");
  g_assert_false (dimse_find_job_get_cancel_sent (job));
  g_assert_false (f->cancel_received);
}

static void
test_cancellable_cancels (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Results r = { 0 };
  guint16 status = 0xFFFF;

  f->n_pending = 1;
  f->wait_for_cancel = TRUE;
  r.cancel_after_first = cancellable;
  fixture_associate (f, TRUE);
  g_assert_true (run_find (f, 0, cancellable, job, &r, &status, &error));
  g_assert_no_error (error);
  g_assert_true (f->cancel_received);
  g_assert_cmpuint (status, ==, STATUS_CANCEL);
  assert_patient_ids (&r, "P1");
  g_assert_true (dimse_find_job_get_cancel_sent (job));
  assert_usable (f);
}

static void
test_cancelled_before (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Results r = { 0 };

  fixture_associate (f, TRUE);
  g_cancellable_cancel (cancellable);
  g_assert_false (run_find (f, 0, cancellable, job, &r, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_patient_ids (&r, "");
  g_assert_cmpuint (f->n_requests, ==, 0);
  assert_usable (f);
}

static void
test_failure_status (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GError) error = NULL;
  Results r = { 0 };

  f->n_pending = 1;
  f->final_status = 0xA700;
  fixture_associate (f, TRUE);
  g_assert_false (run_find (f, 0, NULL, job, &r, NULL, &error));
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA700);
  g_assert_nonnull (strstr (error->message, "0xA700"));
  g_assert_nonnull (strstr (error->message, "Index is full"));
  assert_patient_ids (&r, "P1");
  g_assert_cmpuint (dimse_find_job_get_status (job), ==, 0xA700);
  assert_usable (f);
}

static void
test_no_context (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GError) error = NULL;
  Results r = { 0 };

  fixture_associate (f, FALSE);
  g_assert_false (run_find (f, 0, NULL, job, &r, NULL, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT);
  g_assert_nonnull (strstr (error->message, "Study Root"));
  assert_patient_ids (&r, "");
  g_assert_cmpuint (f->n_requests, ==, 0);
  assert_usable (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/find/results/in-order", test_results_in_order);
  ADD ("/find/max-results/cancel", test_max_results_cancels);
  ADD ("/find/max-results/not-reached", test_max_results_not_reached);
  ADD ("/find/cancellable/cancel", test_cancellable_cancels);
  ADD ("/find/cancellable/before", test_cancelled_before);
  ADD ("/find/status/failure", test_failure_status);
  ADD ("/find/no-context", test_no_context);
#undef ADD
  return g_test_run ();
}
