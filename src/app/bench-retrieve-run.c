/* bench-retrieve-run.c — the worker side of a retrieve: the association,
 * one C-MOVE or C-GET per identifier in turn (PS3.4 C.4.2, C.4.3), and for
 * a retry the C-FINDs that tell what is missing (PS3.4 C.4.1); for a
 * DICOMweb node one WADO-RS retrieve instead (PS3.18 §10.4) */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bench-engine-private.h"
#include "bench-retrieve-job-private.h"
#include "dimse-find.h"
#include "dimse-get.h"
#include "dimse-move.h"
#include "dimse-status.h"

/* Shared by both threads (atomic reference counted): `counts` and
 * `update_scheduled` under `lock`; `job` is touched on the UI thread only;
 * the rest belongs to the worker. */
typedef struct {
  BenchRetrieveJob *job;
  BenchPeer        *peer;
  DcmDataSet       *identifier;
  GCancellable     *cancellable;
  gboolean          missing_only;

  GMutex            lock;
  guint             counts[BENCH_RETRIEVE_N_COUNTS];
  gboolean          update_scheduled;

  DimseAssociation *assoc;
  GObject          *operation;        /* DimseMoveJob, DimseGetJob or DimseWebRetrieveJob */
  DimseWebClient   *web_client;
  GQueue            requests;         /* DcmDataSet: what is still to retrieve */
  guint             base[BENCH_RETRIEVE_N_COUNTS];  /* the requests done before */
  GQueue            series_to_list;   /* char *: series to list for a retry */
  GPtrArray        *found;            /* char *: UIDs a C-FIND returned */
  guint16           status;
  GError           *error;
  GStrv             failed_uids;
} RetrieveRun;

static void run_next_request (RetrieveRun *run);
static void list_next_series (RetrieveRun *run);

static void
retrieve_run_clear (gpointer data)
{
  RetrieveRun *run = data;

  g_clear_object (&run->job);
  bench_peer_free (run->peer);
  dcm_data_set_unref (run->identifier);
  g_clear_object (&run->cancellable);
  g_mutex_clear (&run->lock);
  g_clear_object (&run->assoc);
  g_clear_object (&run->operation);
  g_clear_object (&run->web_client);
  g_queue_clear_full (&run->requests, (GDestroyNotify) dcm_data_set_unref);
  g_queue_clear_full (&run->series_to_list, g_free);
  g_clear_pointer (&run->found, g_ptr_array_unref);
  g_clear_error (&run->error);
  g_strfreev (run->failed_uids);
}

static RetrieveRun *
run_ref (RetrieveRun *run)
{
  return g_atomic_rc_box_acquire (run);
}

static void
run_unref (gpointer run)
{
  g_atomic_rc_box_release_full (run, retrieve_run_clear);
}

/* ---- to the UI thread ---- */

static gboolean
update_on_ui (gpointer data)
{
  RetrieveRun *run = data;
  guint counts[BENCH_RETRIEVE_N_COUNTS];

  g_mutex_lock (&run->lock);
  memcpy (counts, run->counts, sizeof counts);
  run->update_scheduled = FALSE;
  g_mutex_unlock (&run->lock);
  if (run->job != NULL)
    _bench_retrieve_job_update (run->job, counts);
  return G_SOURCE_REMOVE;
}

static gboolean
finish_on_ui (gpointer data)
{
  RetrieveRun *run = data;

  update_on_ui (run);
  _bench_retrieve_job_finish (run->job, run->status, run->error,
                              g_steal_pointer (&run->failed_uids));
  g_clear_object (&run->job);
  return G_SOURCE_REMOVE;
}

static void
post_counts (RetrieveRun *run, guint remaining, guint completed, guint failed, guint warning)
{
  gboolean schedule;

  g_mutex_lock (&run->lock);
  run->counts[BENCH_RETRIEVE_REMAINING] = remaining;
  run->counts[BENCH_RETRIEVE_COMPLETED] = run->base[BENCH_RETRIEVE_COMPLETED] + completed;
  run->counts[BENCH_RETRIEVE_FAILED] = run->base[BENCH_RETRIEVE_FAILED] + failed;
  run->counts[BENCH_RETRIEVE_WARNING] = run->base[BENCH_RETRIEVE_WARNING] + warning;
  schedule = !run->update_scheduled;
  run->update_scheduled = TRUE;
  g_mutex_unlock (&run->lock);
  if (schedule)
    bench_engine_invoke_ui (update_on_ui, run_ref (run), run_unref);
}

/* The end, wherever it came: engine objects are dropped here, on the
 * worker; the association is released in the background. */
static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  (void) user_data;
  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("Releasing the retrieve association failed: %s", error->message);
  g_object_unref (source);
}

static void
finish (RetrieveRun *run)
{
  g_clear_object (&run->operation);
  g_clear_object (&run->web_client);
  if (run->assoc != NULL && dimse_association_is_established (run->assoc))
    dimse_association_release_async (run->assoc, NULL, on_released, g_object_ref (run->assoc));
  g_clear_object (&run->assoc);
  bench_engine_invoke_ui (finish_on_ui, run_ref (run), run_unref);
  run_unref (run);
}

/* ---- C-MOVE and C-GET, one request after the other ---- */

static void
on_move_progress (DimseMoveJob *job, gpointer user_data)
{
  post_counts (user_data, dimse_move_job_get_n_remaining (job),
               dimse_move_job_get_n_completed (job), dimse_move_job_get_n_failed (job),
               dimse_move_job_get_n_warning (job));
}

static void
on_get_progress (DimseGetJob *job, gpointer user_data)
{
  post_counts (user_data, dimse_get_job_get_n_remaining (job),
               dimse_get_job_get_n_completed (job), dimse_get_job_get_n_failed (job),
               dimse_get_job_get_n_warning (job));
}

static void
add_failed_uids (RetrieveRun *run, const char *const *uids)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (uids == NULL || uids[0] == NULL)
    return;
  builder = g_strv_builder_new ();
  if (run->failed_uids != NULL)
    g_strv_builder_addv (builder, (const char **) run->failed_uids);
  g_strv_builder_addv (builder, (const char **) uids);
  g_strfreev (run->failed_uids);
  run->failed_uids = g_strv_builder_end (builder);
}

static void
on_retrieved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveRun *run = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  gboolean ok;

  g_signal_handlers_disconnect_by_data (run->operation, run);
  /* The final response's counts, which may come with no "progress". */
  if (DIMSE_IS_MOVE_JOB (run->operation))
    {
      DimseMoveJob *job = DIMSE_MOVE_JOB (run->operation);

      ok = dimse_move_finish (assoc, result, &run->status, &run->error);
      on_move_progress (job, run);
      add_failed_uids (run, dimse_move_job_get_failed_sop_instance_uids (job));
    }
  else
    {
      DimseGetJob *job = DIMSE_GET_JOB (run->operation);

      ok = dimse_get_finish (assoc, result, &run->status, &run->error);
      on_get_progress (job, run);
      add_failed_uids (run, dimse_get_job_get_failed_sop_instance_uids (job));
    }
  g_mutex_lock (&run->lock);
  memcpy (run->base, run->counts, sizeof run->base);
  g_mutex_unlock (&run->lock);
  if (!ok || dimse_status_class (run->status) == DIMSE_STATUS_CANCEL || g_queue_is_empty (&run->requests))
    {
      finish (run);
      return;
    }
  run_next_request (run);
}

static void
run_next_request (RetrieveRun *run)
{
  g_autoptr(DcmDataSet) identifier = g_queue_pop_head (&run->requests);

  g_clear_object (&run->operation);
  if (run->peer->retrieve_method == BENCH_RETRIEVE_GET)
    {
      run->operation = G_OBJECT (dimse_get_job_new ());
      g_signal_connect (run->operation, "progress", G_CALLBACK (on_get_progress), run);
      dimse_get_async (run->assoc, bench_peer_model_uid (run->peer, "GET"), identifier,
                       run->peer->storage_folder, DIMSE_GET_JOB (run->operation),
                       run->cancellable, on_retrieved, run);
      return;
    }
  run->operation = G_OBJECT (dimse_move_job_new ());
  g_signal_connect (run->operation, "progress", G_CALLBACK (on_move_progress), run);
  dimse_move_async (run->assoc, bench_peer_model_uid (run->peer, "MOVE"), identifier,
                    run->peer->move_destination, DIMSE_MOVE_JOB (run->operation),
                    run->cancellable, on_retrieved, run);
}

/* ---- a retry: what the node has that the folder lacks ---- */

static gboolean
moves_to_us (RetrieveRun *run)
{
  return run->peer->retrieve_method == BENCH_RETRIEVE_GET
         || g_strcmp0 (run->peer->move_destination, run->peer->calling_ae_title) == 0;
}

static gboolean
is_in_folder (RetrieveRun *run, const char *sop_instance_uid)
{
  g_autofree char *name = g_strconcat (sop_instance_uid, ".dcm", NULL);
  g_autofree char *path = g_build_filename (run->peer->storage_folder, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static DcmDataSet *
new_identifier (RetrieveRun *run, const char *level, const char *series_uid)
{
  DcmDataSet *ds = dcm_data_set_new ();
  g_autofree char *patient_id = dcm_data_set_dup_string (run->identifier, DCM_TAG_PATIENT_ID);
  g_autofree char *study_uid = dcm_data_set_dup_string (run->identifier,
                                                        DCM_TAG_STUDY_INSTANCE_UID);

  dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, level, NULL);
  if (patient_id != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, patient_id, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, study_uid, NULL);
  if (series_uid != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE, series_uid, NULL);
  return ds;
}

static void
on_find_result (DimseFindJob *job, DcmDataSet *match, gpointer user_data)
{
  RetrieveRun *run = user_data;
  guint32 tag = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (job), "tag"));
  char *uid = dcm_data_set_dup_string (match, tag);

  if (uid != NULL)
    g_ptr_array_add (run->found, uid);
}

static void
find_uids (RetrieveRun *run, DcmDataSet *identifier, guint32 tag, GAsyncReadyCallback callback)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();

  dcm_data_set_insert (identifier, tag, DCM_VR_NONE);
  g_clear_pointer (&run->found, g_ptr_array_unref);
  run->found = g_ptr_array_new_with_free_func (g_free);
  g_object_set_data (G_OBJECT (job), "tag", GUINT_TO_POINTER (tag));
  g_signal_connect (job, "result", G_CALLBACK (on_find_result), run);
  dimse_find_async (run->assoc, bench_peer_model_uid (run->peer, "FIND"), identifier, 0, job,
                    run->cancellable, callback, run);
}

static void
on_instances_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveRun *run = user_data;
  g_autofree char *series_uid = g_queue_pop_head (&run->series_to_list);
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  if (!dimse_find_finish (DIMSE_ASSOCIATION (source), result, NULL, &run->error))
    {
      finish (run);
      return;
    }
  for (guint i = 0; i < run->found->len; i++)
    if (!is_in_folder (run, run->found->pdata[i]))
      g_ptr_array_add (missing, run->found->pdata[i]);
  if (missing->len > 0)
    {
      DcmDataSet *identifier = new_identifier (run, "IMAGE", series_uid);

      g_ptr_array_add (missing, NULL);
      /* PS3.4 C.4.2.2.1: list of UID matching on the SOP Instance UID. */
      dcm_data_set_set_strings (identifier, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE,
                                (const char *const *) missing->pdata, NULL);
      g_queue_push_tail (&run->requests, identifier);
    }
  list_next_series (run);
}

static void
list_next_series (RetrieveRun *run)
{
  const char *series_uid = g_queue_peek_head (&run->series_to_list);
  g_autoptr(DcmDataSet) identifier = NULL;

  if (series_uid == NULL)
    {
      if (g_queue_is_empty (&run->requests))
        {
          run->status = 0x0000;
          finish (run);
          return;
        }
      run_next_request (run);
      return;
    }
  identifier = new_identifier (run, "IMAGE", series_uid);
  find_uids (run, identifier, DCM_TAG_SOP_INSTANCE_UID, on_instances_listed);
}

static void
on_series_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveRun *run = user_data;

  if (!dimse_find_finish (DIMSE_ASSOCIATION (source), result, NULL, &run->error))
    {
      finish (run);
      return;
    }
  for (guint i = 0; i < run->found->len; i++)
    g_queue_push_tail (&run->series_to_list, g_strdup (run->found->pdata[i]));
  list_next_series (run);
}

static void
start_listing (RetrieveRun *run)
{
  g_autofree char *level = dcm_data_set_dup_string (run->identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  g_autoptr(DcmDataSet) identifier = NULL;

  if (g_strcmp0 (level, "STUDY") == 0)
    {
      identifier = new_identifier (run, "SERIES", NULL);
      find_uids (run, identifier, DCM_TAG_SERIES_INSTANCE_UID, on_series_listed);
      return;
    }
  g_queue_push_tail (&run->series_to_list,
                     dcm_data_set_dup_string (run->identifier, DCM_TAG_SERIES_INSTANCE_UID));
  list_next_series (run);
}

/* ---- a DICOMweb node: one WADO-RS retrieve (PS3.18 §10.4) into the
 * storage folder; a retry fetches it all again (files are replaced
 * whole, never left partial) ---- */

static void
on_web_progress (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  DimseWebRetrieveJob *job = DIMSE_WEB_RETRIEVE_JOB (object);
  guint received = dimse_web_retrieve_job_get_n_received (job);
  guint expected = dimse_web_retrieve_job_get_n_expected (job);

  (void) pspec;
  post_counts (user_data, expected > received ? expected - received : 0, received, 0, 0);
}

static void
on_web_instance_stored (DimseWebRetrieveJob *job, const char *path, const char *sop_instance_uid,
                        gpointer user_data)
{
  RetrieveRun *run = user_data;

  (void) job;
  (void) sop_instance_uid;
  _bench_engine_post_instance (run->peer->engine, path, run->peer->name);
}

static void
on_web_retrieved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveRun *run = user_data;

  g_signal_handlers_disconnect_by_data (run->operation, run);
  if (dimse_web_client_retrieve_finish (DIMSE_WEB_CLIENT (source), result, &run->error))
    run->status = 0x0000;
  on_web_progress (run->operation, NULL, run);
  finish (run);
}

static void
start_web (RetrieveRun *run)
{
  g_autofree char *level = dcm_data_set_dup_string (run->identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  g_autofree char *study_uid = dcm_data_set_dup_string (run->identifier,
                                                        DCM_TAG_STUDY_INSTANCE_UID);
  g_autofree char *series_uid = NULL;
  g_autofree char *instance_uid = NULL;

  run->web_client = bench_peer_new_web_client (run->peer, &run->error);
  if (run->web_client == NULL)
    {
      finish (run);
      return;
    }
  if (g_strcmp0 (level, "STUDY") != 0)
    series_uid = dcm_data_set_dup_string (run->identifier, DCM_TAG_SERIES_INSTANCE_UID);
  if (g_strcmp0 (level, "IMAGE") == 0)
    instance_uid = dcm_data_set_dup_string (run->identifier, DCM_TAG_SOP_INSTANCE_UID);
  g_mkdir_with_parents (run->peer->storage_folder, 0755);
  run->operation = G_OBJECT (dimse_web_retrieve_job_new ());
  g_signal_connect (run->operation, "notify::n-received", G_CALLBACK (on_web_progress), run);
  g_signal_connect (run->operation, "notify::n-expected", G_CALLBACK (on_web_progress), run);
  g_signal_connect (run->operation, "instance-stored", G_CALLBACK (on_web_instance_stored), run);
  dimse_web_client_retrieve_async (run->web_client, study_uid, series_uid, instance_uid,
                                   run->peer->storage_folder,
                                   DIMSE_WEB_RETRIEVE_JOB (run->operation), run->cancellable,
                                   on_web_retrieved, run);
}

/* ---- the start ---- */

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveRun *run = user_data;
  g_autofree char *level = dcm_data_set_dup_string (run->identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL);

  (void) source;
  run->assoc = dimse_association_request_finish (result, &run->error);
  if (run->assoc == NULL)
    {
      finish (run);
      return;
    }
  if (run->missing_only && moves_to_us (run) && g_strcmp0 (level, "IMAGE") != 0)
    {
      start_listing (run);
      return;
    }
  g_queue_push_tail (&run->requests, dcm_data_set_ref (run->identifier));
  run_next_request (run);
}

static gboolean
start_on_worker (gpointer data)
{
  RetrieveRun *run = data;
  g_autoptr(DimseAssociationParams) params = NULL;

  if (run->peer->kind == BENCH_NODE_KIND_WEB)
    {
      start_web (run_ref (run));
      return G_SOURCE_REMOVE;
    }
  params = bench_peer_build_params (run->peer);
  if (run->peer->retrieve_method == BENCH_RETRIEVE_GET)
    {
      g_mkdir_with_parents (run->peer->storage_folder, 0755);
      dimse_get_add_contexts (params, bench_peer_model_uid (run->peer, "GET"), NULL);
    }
  else
    dimse_association_params_add_context (params, bench_peer_model_uid (run->peer, "MOVE"),
                                          NULL, DIMSE_ROLE_DEFAULT);
  if (run->missing_only)
    dimse_association_params_add_context (params, bench_peer_model_uid (run->peer, "FIND"),
                                          NULL, DIMSE_ROLE_DEFAULT);
  bench_peer_request_async (run->peer, params, run->cancellable, on_associated, run_ref (run));
  return G_SOURCE_REMOVE;
}

static void
start (BenchEngine *engine, BenchRetrieveJob *job, const BenchPeer *peer, DcmDataSet *identifier,
       GCancellable *cancellable, gboolean missing_only)
{
  RetrieveRun *run = g_atomic_rc_box_new0 (RetrieveRun);

  run->job = g_object_ref (job);
  run->peer = bench_peer_copy (peer);
  run->identifier = dcm_data_set_copy (identifier);
  run->cancellable = g_object_ref (cancellable);
  run->missing_only = missing_only;
  run->status = 0xFFFF;
  g_mutex_init (&run->lock);
  g_queue_init (&run->requests);
  g_queue_init (&run->series_to_list);
  bench_engine_invoke (engine, start_on_worker, run, run_unref);
}

void
_bench_retrieve_run_start (BenchEngine *engine, BenchRetrieveJob *job, const BenchPeer *peer,
                           DcmDataSet *identifier, GCancellable *cancellable)
{
  start (engine, job, peer, identifier, cancellable, FALSE);
}

void
_bench_retrieve_run_missing (BenchEngine *engine, BenchRetrieveJob *job, const BenchPeer *peer,
                             DcmDataSet *identifier, GCancellable *cancellable)
{
  start (engine, job, peer, identifier, cancellable, TRUE);
}
