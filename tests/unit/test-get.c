/* test-get.c — the C-GET SCU against a small C-GET SCP written here on the
 * engine: C-STORE sub-operations on the same association, counts and
 * progress, C-CANCEL, failures, and the association usable afterwards */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-get.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "test-wait.h"

#define MODEL DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET
#define STATUS_PENDING 0xFF00
#define STATUS_CANCEL 0xFE00

/* How the SCP answers a C-GET-RQ: n_instances C-STORE sub-operations, each
 * followed by a pending C-GET-RSP, then final_status; with wait_for_cancel
 * it stops after the first until the C-CANCEL-RQ arrives, then answers
 * Cancel. With final_without_remaining the final response has no Number
 * of Remaining Sub-operations, as PS3.4 C.4.3.1.6 has it for Success and
 * Warning. */
typedef struct {
  GMainContext     *context;
  DimseServer      *server;
  DimseAssociation *assoc;
  char             *out_dir;
  guint             n_instances;
  guint16           final_status;
  gboolean          wait_for_cancel;
  gboolean          final_without_remaining;
  /* the request being answered */
  DimseAssociation *scp_assoc;
  DimseMessage     *scp_rq;
  guint8            scp_pc_id;
  guint             n_sent;
  guint             n_completed;
  GCancellable     *scp_cancellable;
  gulong            scp_cancel_handler;
  gboolean          cancel_received;
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
scp_send_rsp (Fixture *f, guint16 status)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (f->scp_rq, status);

  if (status == STATUS_PENDING || !f->final_without_remaining)
    dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS,
                          f->n_instances - f->n_sent);
  dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, f->n_completed);
  dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, 0);
  dimse_message_set_us (rsp, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, 0);
  dimse_association_send_message_async (f->scp_assoc, f->scp_pc_id, rsp, NULL, on_scp_sent,
                                        NULL);
}

static void scp_send_store (Fixture *f);

static void
on_store_rsp (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  guint16 status = 0xFFFF;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), result, NULL,
                                                   &error);
  g_assert_no_error (error);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, 0x0000);
  f->n_completed++;
  if (f->cancel_received)
    return;
  if (f->n_sent < f->n_instances)
    scp_send_rsp (f, STATUS_PENDING);
  if (f->n_sent < f->n_instances && !f->wait_for_cancel)
    scp_send_store (f);
  else if (f->n_sent == f->n_instances)
    scp_send_rsp (f, f->final_status);
}

static void
scp_send_store (Fixture *f)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (f->scp_assoc);
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autofree char *uid = g_strdup_printf ("1.2.826.0.1.3680043.10.9999.%u", ++f->n_sent);
  guint16 message_id = dimse_association_next_message_id (f->scp_assoc);
  guint8 pc_id;

  pc_id = dimse_negotiation_result_find_context (negotiation, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                                 DIMSE_ROLE_SCU);
  g_assert_cmpuint (pc_id, !=, 0);
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_NONE,
                                          DCM_UID_CT_IMAGE_STORAGE, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE, uid, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, "GET1", NULL));
  rq = dimse_message_new_c_store_rq (message_id, DCM_UID_CT_IMAGE_STORAGE, uid,
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, NULL);
  g_assert_nonnull (rq);
  dimse_message_set_data_set (rq, ds);
  dimse_association_send_message_async (f->scp_assoc, pc_id, rq, NULL, on_scp_sent, NULL);
  dimse_association_receive_response_async (f->scp_assoc, message_id, NULL, on_store_rsp, f);
}

static void
on_scp_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Fixture *f = user_data;

  /* The store's response may not have been read yet: it was sent. */
  f->cancel_received = TRUE;
  f->n_completed = f->n_sent;
  scp_send_rsp (f, STATUS_CANCEL);
}

static void
on_scp_request (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg, GFile *file,
                gpointer user_data)
{
  Fixture *f = user_data;
  guint16 id = 0;

  if (dimse_message_get_command_field (msg) != DIMSE_C_GET_RQ)
    return;
  g_clear_pointer (&f->scp_rq, dimse_message_unref);
  f->scp_rq = dimse_message_ref (msg);
  f->scp_assoc = assoc;
  f->scp_pc_id = pc_id;
  f->n_sent = 0;
  f->n_completed = 0;
  if (f->wait_for_cancel)
    {
      g_assert_true (dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, &id));
      g_clear_object (&f->scp_cancellable);
      f->scp_cancellable = dimse_association_get_request_cancellable (assoc, id);
      g_assert_nonnull (f->scp_cancellable);
      f->scp_cancel_handler = g_cancellable_connect (f->scp_cancellable,
                                                     G_CALLBACK (on_scp_cancelled), f, NULL);
    }
  if (f->n_instances == 0)
    scp_send_rsp (f, f->final_status);
  else
    scp_send_store (f);
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
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("GETSCP");
  g_autoptr(GError) error = NULL;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, MODEL, DIMSE_ROLE_SCP);
  /* PS3.4 C.4.3: the C-GET SCP invokes C-STORE on the requestor. */
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_CT_IMAGE_STORAGE, DIMSE_ROLE_SCU);
  f->server = dimse_server_new (policy, NULL);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_association_started), f);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->out_dir = g_dir_make_tmp ("test-get-XXXXXX", &error);
  g_assert_no_error (error);
  f->final_status = 0x0000;
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
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
  test_drain ();
  remove_dir (f->out_dir);
  g_free (f->out_dir);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
fixture_associate (Fixture *f)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("GETSCU", "GETSCP");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_get_add_contexts (params, MODEL, NULL);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

/* ---- the SCU's side ---- */

typedef struct {
  guint         n_progress;
  GPtrArray    *paths;
  GCancellable *cancel_on_first;
} Seen;

static void
on_progress (DimseGetJob *job, gpointer user_data)
{
  ((Seen *) user_data)->n_progress++;
}

static void
on_instance (DimseGetJob *job, const char *sop_instance_uid, const char *path,
             gpointer user_data)
{
  Seen *seen = user_data;
  g_autofree char *expected = g_strconcat (sop_instance_uid, ".dcm", NULL);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_cmpstr (base, ==, expected);
  g_ptr_array_add (seen->paths, g_strdup (path));
  if (seen->cancel_on_first != NULL)
    g_cancellable_cancel (seen->cancel_on_first);
}

static DcmDataSet *
make_identifier (void)
{
  DcmDataSet *ds = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                          "STUDY", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE,
                                          "1.2.826.0.1.3680043.10.9999", NULL));
  return ds;
}

static gboolean
run_get (Fixture *f, DimseGetJob *job, GCancellable *cancellable, guint16 *status,
         GError **error)
{
  g_autoptr(DcmDataSet) identifier = make_identifier ();
  TestWaiter w = { 0 };
  gboolean ok;

  dimse_get_async (f->assoc, MODEL, identifier, f->out_dir, job, cancellable, test_waiter_done,
                   &w);
  ok = dimse_get_finish (f->assoc, test_waiter_wait (&w, "the C-GET"), status, error);
  test_waiter_clear (&w);
  return ok;
}

static void
assert_echo_works (Fixture *f)
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
assert_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) file = dcm_file_read_path (path, NULL, DCM_FILE_READ_DEFAULT, &error);
  g_autofree char *patient_id = NULL;

  g_assert_no_error (error);
  patient_id = dcm_data_set_dup_string (dcm_file_get_data_set (file), DCM_TAG_PATIENT_ID);
  g_assert_cmpstr (patient_id, ==, "GET1");
}

static void
test_get_sub_operations (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseGetJob) job = dimse_get_job_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  Seen seen = { 0, paths, NULL };
  guint16 status = 0xFFFF;

  f->n_instances = 3;
  fixture_associate (f);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), &seen);
  g_signal_connect (job, "instance-received", G_CALLBACK (on_instance), &seen);
  g_assert_true (run_get (f, job, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpuint (paths->len, ==, 3);
  for (guint i = 0; i < paths->len; i++)
    assert_file (g_ptr_array_index (paths, i));
  /* 2 pending responses (after the 1st and 2nd store) and the final one */
  g_assert_cmpuint (seen.n_progress, ==, 3);
  g_assert_cmpuint (dimse_get_job_get_n_completed (job), ==, 3);
  g_assert_cmpuint (dimse_get_job_get_n_remaining (job), ==, 0);
  g_assert_cmpuint (dimse_get_job_get_n_failed (job), ==, 0);
  g_assert_cmpuint (dimse_get_job_get_n_received (job), ==, 3);
  g_assert_cmpuint (dimse_get_job_get_status (job), ==, 0x0000);
  assert_echo_works (f);
}

/* The last pending response said 1 remaining; the final Success, without
 * the count, means none remain. */
static void
test_get_final_without_remaining (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseGetJob) job = dimse_get_job_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  Seen seen = { 0, paths, NULL };
  guint16 status = 0xFFFF;

  f->n_instances = 3;
  f->final_without_remaining = TRUE;
  fixture_associate (f);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), &seen);
  g_signal_connect (job, "instance-received", G_CALLBACK (on_instance), &seen);
  g_assert_true (run_get (f, job, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpuint (seen.n_progress, ==, 3);
  g_assert_cmpuint (dimse_get_job_get_n_completed (job), ==, 3);
  g_assert_cmpuint (dimse_get_job_get_n_remaining (job), ==, 0);
  g_assert_cmpuint (dimse_get_job_get_status (job), ==, 0x0000);
}

static void
test_get_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseGetJob) job = dimse_get_job_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  Seen seen = { 0, paths, cancellable };
  guint16 status = 0xFFFF;

  f->n_instances = 3;
  f->wait_for_cancel = TRUE;
  fixture_associate (f);
  g_signal_connect (job, "instance-received", G_CALLBACK (on_instance), &seen);
  g_assert_true (run_get (f, job, cancellable, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, STATUS_CANCEL);
  g_assert_true (f->cancel_received);
  g_assert_cmpuint (paths->len, ==, 1);
  g_assert_cmpuint (dimse_get_job_get_n_completed (job), ==, 1);
  g_assert_cmpuint (dimse_get_job_get_n_remaining (job), ==, 2);
  g_assert_cmpuint (dimse_get_job_get_status (job), ==, STATUS_CANCEL);
  assert_echo_works (f);
}

static void
test_get_failure (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseGetJob) job = dimse_get_job_new ();
  g_autoptr(GError) error = NULL;

  f->n_instances = 0;
  f->final_status = 0xA701;
  fixture_associate (f);
  g_assert_false (run_get (f, job, NULL, NULL, &error));
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA701);
  g_assert_cmpuint (dimse_get_job_get_status (job), ==, 0xA701);
  assert_echo_works (f);
}

static void
test_get_no_context (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("GETSCU", "GETSCP");
  g_autoptr(DcmDataSet) identifier = make_identifier ();
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  dimse_get_async (f->assoc, MODEL, identifier, f->out_dir, NULL, NULL, test_waiter_done, &w);
  g_assert_false (dimse_get_finish (f->assoc, test_waiter_wait (&w, "the C-GET"), NULL,
                                    &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT);
  test_waiter_clear (&w);
}

static void
test_get_add_contexts (void)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  const char *const extra[] = { DCM_UID_CT_IMAGE_STORAGE, "1.2.826.0.1.3680043.10.9999.1",
                                NULL };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_added;

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  n_added = dimse_get_add_contexts (params, MODEL, extra);
  g_assert_cmpuint (n_added, >=, 12);
  g_assert_cmpuint (params->contexts->len, ==, n_added + 2);
  for (guint i = 0; i < params->contexts->len; i++)
    {
      DimseProposedContext *ctx = g_ptr_array_index (params->contexts, i);

      g_assert_false (g_hash_table_contains (seen, ctx->abstract_syntax));
      g_hash_table_add (seen, ctx->abstract_syntax);
      if (i >= 2)
        g_assert_cmpint (ctx->roles, ==, DIMSE_ROLE_SCP);
    }
  g_assert_cmpstr (((DimseProposedContext *) params->contexts->pdata[1])->abstract_syntax, ==,
                   MODEL);
  g_assert_true (g_hash_table_contains (seen, "1.2.826.0.1.3680043.10.9999.1"));
  g_assert_true (g_hash_table_contains (seen, DCM_UID_MR_IMAGE_STORAGE));
  g_assert_true (g_hash_table_contains (seen, DCM_UID_ENCAPSULATED_PDF_STORAGE));
}

static void
test_get_add_contexts_limit (void)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("A", "B");

  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *uid = g_strdup_printf ("1.2.826.0.1.3680043.10.9998.%u", i);

      dimse_association_params_add_context (params, uid, NULL, DIMSE_ROLE_DEFAULT);
    }
  g_assert_cmpuint (dimse_get_add_contexts (params, MODEL, NULL), ==, 7);
  g_assert_cmpuint (params->contexts->len, ==, DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/get/contexts/storage-with-scp-role", test_get_add_contexts);
  g_test_add_func ("/get/contexts/within-128", test_get_add_contexts_limit);
  g_test_add ("/get/sub-operations/stored-in-folder", Fixture, NULL, fixture_set_up,
              test_get_sub_operations, fixture_tear_down);
  g_test_add ("/get/sub-operations/final-without-remaining", Fixture, NULL, fixture_set_up,
              test_get_final_without_remaining, fixture_tear_down);
  g_test_add ("/get/cancel/ends-with-fe00", Fixture, NULL, fixture_set_up, test_get_cancel,
              fixture_tear_down);
  g_test_add ("/get/failure/status-error", Fixture, NULL, fixture_set_up, test_get_failure,
              fixture_tear_down);
  g_test_add ("/get/no-context", Fixture, NULL, fixture_set_up, test_get_no_context,
              fixture_tear_down);
  return g_test_run ();
}
