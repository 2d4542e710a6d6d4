/* test-move.c — the C-MOVE SCU against a small C-MOVE SCP written here on
 * the engine: sub-operation counts as they arrive, the final status and
 * its Failed SOP Instance UID List, refusals, C-CANCEL, and the
 * association usable after each */
#include "config.h"

#include <string.h>

#include "dcm-parser.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-move.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "test-wait.h"

#define MODEL DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE
#define STATUS_PENDING 0xFF00
#define STATUS_CANCEL 0xFE00
#define STATUS_WARNING 0xB000
#define STATUS_DESTINATION_UNKNOWN 0xA801
#define KNOWN_DESTINATION "STORESCP"

/* How the SCP answers a C-MOVE-RQ: n_pending sub-operations, one pending
 * response after each (the last n_failed of them failing), then
 * final_status with the failed UIDs "1.2.3.<n>" in its data set; with
 * wait_for_cancel it stops after the first pending response until the
 * C-CANCEL-RQ arrives, then answers Cancel. A destination other than
 * KNOWN_DESTINATION is refused with A801 at once. With
 * final_without_remaining the last sub-operation has no pending response and
 * the final one no Number of Remaining Sub-operations (PS3.4 C.4.2.1.6). */
typedef struct {
  GMainContext     *context;
  DimseServer      *server;
  DimseAssociation *assoc;
  guint             n_pending;
  guint             n_failed;
  guint16           final_status;
  gboolean          wait_for_cancel;
  gboolean          final_without_remaining;
  /* what the SCP saw */
  DcmDataSet       *identifier;
  char             *move_destination;
  guint             n_requests;
  gboolean          cancel_received;
  /* the request being answered */
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
set_counts (DimseMessage *rsp, guint remaining, guint completed, guint failed, guint warning)
{
  dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, (guint16) remaining);
  dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, (guint16) completed);
  dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, (guint16) failed);
  dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, (guint16) warning);
}

static void
scp_send (Fixture *f, DimseMessage *rsp)
{
  dimse_association_send_message_async (f->scp_assoc, f->scp_pc_id, rsp, NULL, on_scp_sent,
                                        NULL);
}

static guint
n_failed_after (Fixture *f, guint done)
{
  guint first_failing = f->n_pending - f->n_failed;

  return done > first_failing ? done - first_failing : 0;
}

static void
scp_send_pending (Fixture *f, guint done)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (f->scp_rq, STATUS_PENDING);
  guint failed = n_failed_after (f, done);

  set_counts (rsp, f->n_pending - done, done - failed, failed, 0);
  scp_send (f, rsp);
}

static void
scp_send_final (Fixture *f, guint16 status, guint done)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (f->scp_rq, status);
  guint failed = n_failed_after (f, done);

  if (status == STATUS_DESTINATION_UNKNOWN)
    {
      scp_send (f, rsp);
      return;
    }
  set_counts (rsp, f->n_pending - done, done - failed, failed, 0);
  if (f->final_without_remaining)
    dimse_message_remove (rsp, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS);
  if (failed > 0)
    {
      g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
      g_autoptr(GString) uids = g_string_new (NULL);

      for (guint i = done - failed + 1; i <= done; i++)
        g_string_append_printf (uids, "%s1.2.3.%u", uids->len > 0 ? "\\" : "", i);
      g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_FAILED_SOP_INSTANCE_UID_LIST,
                                              DCM_VR_NONE, uids->str, NULL));
      dimse_message_set_data_set (rsp, ds);
    }
  scp_send (f, rsp);
}

static void
on_scp_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Fixture *f = user_data;

  f->cancel_received = TRUE;
  scp_send_final (f, STATUS_CANCEL, 1);
}

static void
scp_take_request (Fixture *f, DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg)
{
  const DcmTransferSyntax *ts = NULL;
  GBytes *encoded;

  f->n_requests++;
  encoded = dimse_message_get_encoded_data_set (msg, &ts);
  g_assert_nonnull (encoded);
  g_clear_pointer (&f->identifier, dcm_data_set_unref);
  f->identifier = dcm_data_set_read_bytes (encoded, ts, NULL, NULL);
  g_assert_nonnull (f->identifier);
  g_clear_pointer (&f->move_destination, g_free);
  f->move_destination = dimse_message_dup_string (msg, DCM_TAG_MOVE_DESTINATION);
  g_clear_pointer (&f->scp_rq, dimse_message_unref);
  f->scp_rq = dimse_message_ref (msg);
  f->scp_assoc = assoc;
  f->scp_pc_id = pc_id;
}

static void
on_scp_request (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg, GFile *file,
                gpointer user_data)
{
  Fixture *f = user_data;
  guint16 id = 0;

  if (dimse_message_get_command_field (msg) != DIMSE_C_MOVE_RQ)
    return;
  scp_take_request (f, assoc, pc_id, msg);
  if (g_strcmp0 (f->move_destination, KNOWN_DESTINATION) != 0)
    {
      scp_send_final (f, STATUS_DESTINATION_UNKNOWN, 0);
      return;
    }
  if (f->wait_for_cancel)
    {
      scp_send_pending (f, 1);
      g_assert_true (dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, &id));
      g_clear_object (&f->scp_cancellable);
      f->scp_cancellable = dimse_association_get_request_cancellable (assoc, id);
      g_assert_nonnull (f->scp_cancellable);
      f->scp_cancel_handler = g_cancellable_connect (f->scp_cancellable,
                                                     G_CALLBACK (on_scp_cancelled), f, NULL);
      return;
    }
  for (guint done = 1; done <= f->n_pending - (f->final_without_remaining ? 1 : 0); done++)
    scp_send_pending (f, done);
  scp_send_final (f, f->final_status, f->n_pending);
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
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("MOVESCP");
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
  g_clear_pointer (&f->move_destination, g_free);
  test_drain ();
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
fixture_associate (Fixture *f, gboolean with_move)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("MOVESCU",
                                                                           "MOVESCP");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  if (with_move)
    dimse_association_params_add_context (params, MODEL, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

/* ---- the SCU's side ---- */

/* Each "progress" as "remaining/completed/failed/warning", space apart. */
typedef struct {
  GString      *progress;
  guint         n_count_notifies;
  GCancellable *cancel_on_progress;
} Progress;

static void
on_progress (DimseMoveJob *job, gpointer user_data)
{
  Progress *p = user_data;

  g_string_append_printf (p->progress, "%s%u/%u/%u/%u", p->progress->len > 0 ? " " : "",
                          dimse_move_job_get_n_remaining (job),
                          dimse_move_job_get_n_completed (job),
                          dimse_move_job_get_n_failed (job),
                          dimse_move_job_get_n_warning (job));
  if (p->cancel_on_progress != NULL)
    g_cancellable_cancel (p->cancel_on_progress);
}

static void
on_count_notify (GObject *job, GParamSpec *pspec, gpointer user_data)
{
  Progress *p = user_data;

  p->n_count_notifies++;
}

static DcmDataSet *
make_identifier (void)
{
  DcmDataSet *ds = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                          "STUDY", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE,
                                          "1.2.826.0.1.3680043.2.1125.1", NULL));
  return ds;
}

/* Runs one C-MOVE to destination; returns what finish said. */
static gboolean
run_move (Fixture *f, const char *destination, GCancellable *cancellable, DimseMoveJob *job,
          Progress *p, guint16 *status, GError **error)
{
  g_autoptr(DcmDataSet) identifier = make_identifier ();
  TestWaiter w = { 0 };
  gboolean ok;

  p->progress = g_string_new (NULL);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), p);
  g_signal_connect (job, "notify::n-completed", G_CALLBACK (on_count_notify), p);
  dimse_move_async (f->assoc, MODEL, identifier, destination, job, cancellable,
                    test_waiter_done, &w);
  ok = dimse_move_finish (f->assoc, test_waiter_wait (&w, "the C-MOVE"), status, error);
  test_waiter_clear (&w);
  return ok;
}

static void
assert_progress (Progress *p, const char *expected)
{
  g_assert_cmpstr (p->progress->str, ==, expected);
  g_string_free (p->progress, TRUE);
}

static void
assert_failed_uids (DimseMoveJob *job, const char *expected)
{
  g_auto(GStrv) from_property = NULL;
  g_autofree char *joined = NULL;

  joined = g_strjoinv (" ", (char **) dimse_move_job_get_failed_sop_instance_uids (job));
  g_assert_cmpstr (joined, ==, expected);
  g_object_get (job, "failed-sop-instance-uids", &from_property, NULL);
  g_assert_nonnull (from_property);
  g_clear_pointer (&joined, g_free);
  joined = g_strjoinv (" ", from_property);
  g_assert_cmpstr (joined, ==, expected);
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
test_success (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *level = NULL;
  Progress p = { 0 };
  guint16 status = 0xFFFF;
  guint completed = 0, job_status = 0;

  f->n_pending = 3;
  fixture_associate (f, TRUE);
  g_assert_cmpuint (dimse_move_job_get_status (job), ==, 0xFFFF);
  g_assert_true (run_move (f, KNOWN_DESTINATION, NULL, job, &p, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  assert_progress (&p, "2/1/0/0 1/2/0/0 0/3/0/0");
  g_assert_cmpuint (p.n_count_notifies, ==, 3);
  g_object_get (job, "n-completed", &completed, "status", &job_status, NULL);
  g_assert_cmpuint (completed, ==, 3);
  g_assert_cmpuint (job_status, ==, 0x0000);
  g_assert_cmpuint (dimse_move_job_get_n_remaining (job), ==, 0);
  assert_failed_uids (job, "");
  g_assert_false (dimse_move_job_get_cancel_sent (job));
  /* the request went as given */
  g_assert_cmpstr (f->move_destination, ==, KNOWN_DESTINATION);
  level = dcm_data_set_dup_string (f->identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  g_assert_cmpstr (level, ==, "STUDY");
  assert_usable (f);
}

static void
test_warning_failed_uids (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };
  guint16 status = 0xFFFF;

  f->n_pending = 4;
  f->n_failed = 2;
  f->final_status = STATUS_WARNING;
  fixture_associate (f, TRUE);
  g_assert_true (run_move (f, KNOWN_DESTINATION, NULL, job, &p, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, STATUS_WARNING);
  assert_progress (&p, "3/1/0/0 2/2/0/0 1/2/1/0 0/2/2/0");
  g_assert_cmpuint (dimse_move_job_get_status (job), ==, STATUS_WARNING);
  g_assert_cmpuint (dimse_move_job_get_n_failed (job), ==, 2);
  g_assert_cmpuint (dimse_move_job_get_n_completed (job), ==, 2);
  assert_failed_uids (job, "1.2.3.3 1.2.3.4");
  assert_usable (f);
}

/* The last pending response said 1 remaining; the final Warning, without
 * the count, means none remain. */
static void
test_final_without_remaining (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };
  guint16 status = 0xFFFF;

  f->n_pending = 3;
  f->n_failed = 1;
  f->final_status = STATUS_WARNING;
  f->final_without_remaining = TRUE;
  fixture_associate (f, TRUE);
  g_assert_true (run_move (f, KNOWN_DESTINATION, NULL, job, &p, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, STATUS_WARNING);
  assert_progress (&p, "2/1/0/0 1/2/0/0");
  g_assert_cmpuint (dimse_move_job_get_n_remaining (job), ==, 0);
  g_assert_cmpuint (dimse_move_job_get_n_completed (job), ==, 2);
  g_assert_cmpuint (dimse_move_job_get_n_failed (job), ==, 1);
  assert_usable (f);
}

static void
test_destination_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };

  f->n_pending = 2;
  fixture_associate (f, TRUE);
  g_assert_false (run_move (f, "NOWHERE", NULL, job, &p, NULL, &error));
  g_assert_error (error, DIMSE_STATUS_ERROR, STATUS_DESTINATION_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "Move Destination unknown"));
  g_assert_cmpstr (f->move_destination, ==, "NOWHERE");
  assert_progress (&p, "");
  g_assert_cmpuint (dimse_move_job_get_status (job), ==, STATUS_DESTINATION_UNKNOWN);
  assert_failed_uids (job, "");
  assert_usable (f);
}

static void
test_cancellable_cancels (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };
  guint16 status = 0xFFFF;

  f->n_pending = 3;
  f->wait_for_cancel = TRUE;
  p.cancel_on_progress = cancellable;
  fixture_associate (f, TRUE);
  g_assert_true (run_move (f, KNOWN_DESTINATION, cancellable, job, &p, &status, &error));
  g_assert_no_error (error);
  g_assert_true (f->cancel_received);
  g_assert_cmpuint (status, ==, STATUS_CANCEL);
  assert_progress (&p, "2/1/0/0");
  g_assert_true (dimse_move_job_get_cancel_sent (job));
  g_assert_cmpuint (dimse_move_job_get_status (job), ==, STATUS_CANCEL);
  g_assert_cmpuint (dimse_move_job_get_n_remaining (job), ==, 2);
  assert_usable (f);
  /* and a second C-MOVE on it goes to its end */
  f->wait_for_cancel = FALSE;
  {
    g_autoptr(DimseMoveJob) again = dimse_move_job_new ();
    Progress p2 = { 0 };

    g_assert_true (run_move (f, KNOWN_DESTINATION, NULL, again, &p2, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 0x0000);
    assert_progress (&p2, "2/1/0/0 1/2/0/0 0/3/0/0");
    g_assert_cmpuint (f->n_requests, ==, 2);
  }
}

static void
test_cancelled_before (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };

  fixture_associate (f, TRUE);
  g_cancellable_cancel (cancellable);
  g_assert_false (run_move (f, KNOWN_DESTINATION, cancellable, job, &p, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_progress (&p, "");
  g_assert_cmpuint (f->n_requests, ==, 0);
  assert_usable (f);
}

static void
test_no_context (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };

  fixture_associate (f, FALSE);
  g_assert_false (run_move (f, KNOWN_DESTINATION, NULL, job, &p, NULL, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT);
  g_assert_nonnull (strstr (error->message, "Study Root"));
  g_assert_cmpuint (f->n_requests, ==, 0);
  assert_progress (&p, "");
  assert_usable (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/move/status/success", test_success);
  ADD ("/move/status/warning/failed-uids", test_warning_failed_uids);
  ADD ("/move/status/warning/final-without-remaining", test_final_without_remaining);
  ADD ("/move/status/destination-unknown", test_destination_unknown);
  ADD ("/move/cancellable/cancel", test_cancellable_cancels);
  ADD ("/move/cancellable/before", test_cancelled_before);
  ADD ("/move/no-context", test_no_context);
#undef ADD
  return g_test_run ();
}
