/* bench-nservice-op.c — MPPS and Storage Commitment on the engine's worker */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-nservice-op.h"
#include "bench-peer.h"
#include "bench-tools-op.h"
#include "dcm-error.h"
#include "dcm-file.h"
#include "dcm-parser.h"
#include "dcm-uid.h"
#include "dimse-commitment.h"
#include "dimse-mpps.h"

typedef struct {
  GTask *task;                   /* on the UI context */
  GCancellable *cancellable;     /* the worker's own */
  BenchPeer *peer;
  DimseAssociationParams *params;
  DimseAssociation *assoc;
  /* MPPS */
  BenchMppsStep step;
  char *sop_instance_uid;
  /* Storage Commitment */
  GStrv paths;
  guint wait_seconds;
  GPtrArray *items;              /* DimseCommitmentItem* */
  char *transaction_uid;
  DimseCommitmentListener *listener;
} NOp;

void
bench_n_outcome_free (BenchNOutcome *outcome)
{
  g_free (outcome->description);
  g_free (outcome->sop_instance_uid);
  g_clear_pointer (&outcome->committed, g_ptr_array_unref);
  g_clear_pointer (&outcome->failed, g_ptr_array_unref);
  g_free (outcome);
}

static void
on_released (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), res, &error))
    g_debug ("The release failed: %s", error->message);
}

static void
n_op_free (NOp *op)
{
  if (op->assoc != NULL && dimse_association_is_established (op->assoc))
    dimse_association_release_async (op->assoc, NULL, on_released, NULL);
  g_clear_object (&op->task);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->peer, bench_peer_free);
  g_clear_pointer (&op->params, dimse_association_params_free);
  g_clear_object (&op->assoc);
  g_free (op->sop_instance_uid);
  g_strfreev (op->paths);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_free (op->transaction_uid);
  g_clear_object (&op->listener);
  g_free (op);
}

static void
fail (NOp *op, GError *error)
{
  g_task_return_error (op->task, error);
  n_op_free (op);
}

static void
succeed (NOp *op, BenchNOutcome *outcome)
{
  g_task_return_pointer (op->task, outcome, (GDestroyNotify) bench_n_outcome_free);
  n_op_free (op);
}

static BenchNOutcome *
outcome_from (const DimseNResult *result, const char *sop_instance_uid)
{
  BenchNOutcome *outcome = g_new0 (BenchNOutcome, 1);
  DimseStatusClass status_class = dimse_n_result_get_status_class (result);

  outcome->success = status_class == DIMSE_STATUS_SUCCESS
                     || status_class == DIMSE_STATUS_WARNING;
  outcome->description = g_strdup (result->description);
  outcome->sop_instance_uid = g_strdup (result->affected_sop_instance_uid != NULL
                                        ? result->affected_sop_instance_uid : sop_instance_uid);
  return outcome;
}

static NOp *
n_op_new (BenchEngine *engine, BenchNode *node, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data, gpointer source_tag)
{
  NOp *op = g_new0 (NOp, 1);

  op->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, source_tag);
  g_task_set_check_cancellable (op->task, FALSE);
  op->cancellable = g_cancellable_new ();
  op->peer = bench_peer_new (engine, node);
  op->params = bench_peer_build_params (op->peer);
  bench_tools_relay_cancel (engine, cancellable, op->cancellable);
  return op;
}

/* ---- MPPS ---- */

static void
on_mpps_answered (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NOp *op = user_data;
  GError *error = NULL;
  g_autoptr(DimseNResult) result = dimse_n_request_finish (DIMSE_ASSOCIATION (source), res,
                                                           &error);

  if (result == NULL)
    fail (op, error);
  else
    succeed (op, outcome_from (result, op->sop_instance_uid));
}

static void
on_mpps_associated (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NOp *op = user_data;
  GError *error = NULL;
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  gboolean filled;

  op->assoc = dimse_association_request_finish (res, &error);
  if (op->assoc == NULL)
    {
      fail (op, error);
      return;
    }
  if (op->step == BENCH_MPPS_CREATE)
    filled = dimse_mpps_fill_in_progress (ds, op->peer->calling_ae_title, &error);
  else
    filled = dimse_mpps_fill_final (ds, op->step == BENCH_MPPS_COMPLETE ? DIMSE_MPPS_COMPLETED
                                                                        : DIMSE_MPPS_DISCONTINUED,
                                    op->peer->calling_ae_title, &error);
  if (!filled)
    {
      fail (op, error);
      return;
    }
  if (op->step == BENCH_MPPS_CREATE)
    dimse_mpps_create_async (op->assoc, op->sop_instance_uid, ds, op->cancellable,
                             on_mpps_answered, op);
  else
    dimse_mpps_set_async (op->assoc, op->sop_instance_uid, ds, op->cancellable,
                          on_mpps_answered, op);
}

static gboolean
start_mpps (gpointer data)
{
  NOp *op = data;

  dimse_association_params_add_context (op->params, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
                                        NULL, DIMSE_ROLE_DEFAULT);
  bench_peer_request_async (op->peer, op->params, op->cancellable, on_mpps_associated, op);
  return G_SOURCE_REMOVE;
}

void
bench_mpps_op_run_async (BenchEngine *engine, BenchNode *node, BenchMppsStep step,
                         const char *sop_instance_uid, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  NOp *op = n_op_new (engine, node, cancellable, callback, user_data, bench_mpps_op_run_async);

  op->step = step;
  /* PS3.4 §F.7.2.1.1: the SCU may name the new instance itself. */
  op->sop_instance_uid = sop_instance_uid != NULL ? g_strdup (sop_instance_uid)
                                                  : dcm_uid_generate ();
  bench_engine_invoke (engine, start_mpps, op, NULL);
}

BenchNOutcome *
bench_mpps_op_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Storage Commitment ---- */

static void
item_free (gpointer data)
{
  dimse_commitment_item_free (data);
}

/* In a thread: the SOP Class and Instance UIDs of each file's meta
 * information (PS3.10 §7.1), without reading its data set. */
static void
read_items (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *const *paths = task_data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (item_free);
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  opts.stop_at_tag = 0x00080000;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      GError *error = NULL;
      g_autoptr(DcmFile) file = dcm_file_read_path (paths[i], &opts, DCM_FILE_READ_DEFAULT,
                                                     &error);
      g_autofree char *sop_class = NULL;
      g_autofree char *sop_instance = NULL;

      if (file == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      sop_class = dcm_data_set_dup_string (dcm_file_get_meta (file),
                                           DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID);
      sop_instance = dcm_data_set_dup_string (dcm_file_get_meta (file),
                                              DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID);
      if (sop_class == NULL || sop_instance == NULL)
        {
          g_task_return_new_error (task, DCM_ERROR, DCM_ERROR_INVALID,
                                   _("%s names no SOP Class or Instance UID in its meta "
                                     "information."), paths[i]);
          return;
        }
      g_ptr_array_add (items, dimse_commitment_item_new (sop_class, sop_instance, 0));
    }
  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_report (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NOp *op = user_data;
  GError *error = NULL;
  g_autoptr(DimseCommitmentResult) result =
    dimse_commitment_listener_wait_finish (DIMSE_COMMITMENT_LISTENER (source), res, &error);
  BenchNOutcome *outcome;

  if (result == NULL)
    {
      fail (op, error);
      return;
    }
  outcome = g_new0 (BenchNOutcome, 1);
  outcome->committed = g_ptr_array_new_with_free_func (g_free);
  outcome->failed = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < result->committed->len; i++)
    {
      const DimseCommitmentItem *item = result->committed->pdata[i];

      g_ptr_array_add (outcome->committed, g_strdup_printf ("%s — %s",
                                                            dcm_uid_name (item->sop_class_uid),
                                                            item->sop_instance_uid));
    }
  for (guint i = 0; i < result->failed->len; i++)
    {
      const DimseCommitmentItem *item = result->failed->pdata[i];

      g_ptr_array_add (outcome->failed, g_strdup_printf (
        "%s: %s (%04XH)", item->sop_instance_uid,
        dimse_commitment_failure_reason_name (item->failure_reason), item->failure_reason));
    }
  outcome->success = result->failed->len == 0;
  outcome->description = g_strdup_printf (_("Report from %s: %u committed, %u failed"),
                                          result->peer_ae_title, result->committed->len,
                                          result->failed->len);
  succeed (op, outcome);
}

static void
on_commitment_answered (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NOp *op = user_data;
  GError *error = NULL;
  g_autoptr(DimseNResult) result = dimse_n_request_finish (DIMSE_ASSOCIATION (source), res,
                                                           &error);

  if (result == NULL)
    {
      fail (op, error);
      return;
    }
  if (dimse_n_result_get_status_class (result) == DIMSE_STATUS_FAILURE)
    {
      succeed (op, outcome_from (result, NULL));
      return;
    }
  dimse_commitment_listener_wait_async (op->listener, op->transaction_uid,
                                        op->wait_seconds * 1000, op->cancellable, on_report, op);
}

static void
on_commitment_associated (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NOp *op = user_data;
  GError *error = NULL;

  op->assoc = dimse_association_request_finish (res, &error);
  if (op->assoc == NULL)
    {
      fail (op, error);
      return;
    }
  op->listener = dimse_commitment_listener_new ();
  dimse_commitment_listener_attach (op->listener, op->assoc);
  op->transaction_uid = dcm_uid_generate ();
  dimse_commitment_request_async (op->assoc, op->transaction_uid, op->items, op->cancellable,
                                  on_commitment_answered, op);
}

static void
on_items_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NOp *op = user_data;
  GError *error = NULL;

  op->items = g_task_propagate_pointer (G_TASK (res), &error);
  if (op->items == NULL)
    {
      fail (op, error);
      return;
    }
  dimse_association_params_add_context (op->params, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL, NULL,
                                        DIMSE_ROLE_DEFAULT);
  bench_peer_request_async (op->peer, op->params, op->cancellable, on_commitment_associated, op);
}

static gboolean
start_commitment (gpointer data)
{
  NOp *op = data;
  g_autoptr(GTask) task = g_task_new (NULL, op->cancellable, on_items_read, op);

  g_task_set_task_data (task, g_strdupv (op->paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, read_items);
  return G_SOURCE_REMOVE;
}

void
bench_commitment_op_run_async (BenchEngine *engine, BenchNode *node, const char *const *paths,
                               guint wait_seconds, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  NOp *op = n_op_new (engine, node, cancellable, callback, user_data,
                      bench_commitment_op_run_async);

  op->paths = g_strdupv ((char **) paths);
  op->wait_seconds = wait_seconds;
  bench_engine_invoke (engine, start_commitment, op, NULL);
}

BenchNOutcome *
bench_commitment_op_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the files of a folder ---- */

static void
list_into (GFile *folder, GPtrArray *paths, GCancellable *cancellable)
{
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (
    folder, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
    G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, NULL);
  GFileInfo *info;
  GFile *child;

  while (children != NULL
         && g_file_enumerator_iterate (children, &info, &child, cancellable, NULL)
         && info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        list_into (child, paths, cancellable);
      else if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR
               && g_file_info_get_name (info)[0] != '.')
        g_ptr_array_add (paths, g_file_get_path (child));
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
list_files (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autoptr(GFile) folder = g_file_new_for_path (task_data);
  GPtrArray *paths = g_ptr_array_new ();

  list_into (folder, paths, cancellable);
  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);
  g_task_return_pointer (task, g_ptr_array_free (paths, FALSE), (GDestroyNotify) g_strfreev);
}

void
bench_list_files_async (const char *folder, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, g_strdup (folder), g_free);
  g_task_run_in_thread (task, list_files);
}
