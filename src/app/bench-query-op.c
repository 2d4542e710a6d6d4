/* bench-query-op.c — a C-FIND on the engine's worker, its matches batched
 * to the UI thread */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-peer.h"
#include "bench-query-op.h"
#include "dimse-find.h"

#define BATCH_INTERVAL_MS 50

/* Shared by both threads (atomic reference counted): the fields above
 * `lock` are set before the worker starts and not changed; `pending` is
 * under `lock`; the rest belongs to the worker, except `task` and `op`,
 * which only the UI thread touches. */
typedef struct {
  BenchPeer        *peer;
  DcmDataSet       *identifier;
  BenchQueryLevel   level;
  BenchQueryItem   *parent;
  GCancellable     *cancellable;

  GMutex            lock;
  GPtrArray        *pending;          /* BenchQueryItem */
  gboolean          flush_scheduled;

  DimseAssociation *assoc;
  DimseFindJob     *job;
  DimseWebClient   *web_client;
  guint16           status;
  GError           *error;

  GTask            *task;
  BenchQueryOp     *op;
} QueryRun;

struct _BenchQueryOp {
  GObject         parent_instance;

  BenchEngine    *engine;
  BenchPeer      *peer;
  DcmDataSet     *identifier;
  BenchQueryLevel level;
  BenchQueryItem *parent;
  guint           n_results;
};

G_DEFINE_FINAL_TYPE (BenchQueryOp, bench_query_op, G_TYPE_OBJECT)

enum {
  SIGNAL_RESULTS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
bench_query_op_finalize (GObject *object)
{
  BenchQueryOp *self = BENCH_QUERY_OP (object);

  g_clear_object (&self->engine);
  g_clear_pointer (&self->peer, bench_peer_free);
  g_clear_pointer (&self->identifier, dcm_data_set_unref);
  g_clear_object (&self->parent);
  G_OBJECT_CLASS (bench_query_op_parent_class)->finalize (object);
}

static void
bench_query_op_class_init (BenchQueryOpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_query_op_finalize;
  signals[SIGNAL_RESULTS] =
    g_signal_new ("results", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
bench_query_op_init (BenchQueryOp *self)
{
  (void) self;
}

BenchQueryOp *
bench_query_op_new (BenchEngine *engine, BenchNode *node, DcmDataSet *identifier,
                    BenchQueryLevel level, BenchQueryItem *parent)
{
  BenchQueryOp *self = g_object_new (BENCH_TYPE_QUERY_OP, NULL);

  self->engine = g_object_ref (engine);
  self->peer = bench_peer_new (engine, node);
  self->identifier = dcm_data_set_ref (identifier);
  self->level = level;
  self->parent = parent != NULL ? g_object_ref (parent) : NULL;
  return self;
}

guint
bench_query_op_get_n_results (BenchQueryOp *op)
{
  return op->n_results;
}

const char *
bench_query_op_get_node_name (BenchQueryOp *op)
{
  return op->peer->name;
}

/* ---- the run, shared by both threads ---- */

static void
query_run_clear (gpointer data)
{
  QueryRun *run = data;

  bench_peer_free (run->peer);
  dcm_data_set_unref (run->identifier);
  g_clear_object (&run->parent);
  g_clear_object (&run->cancellable);
  g_mutex_clear (&run->lock);
  g_ptr_array_unref (run->pending);
  g_clear_object (&run->assoc);
  g_clear_object (&run->job);
  g_clear_object (&run->web_client);
  g_clear_error (&run->error);
  g_clear_object (&run->task);
  g_clear_object (&run->op);
}

static QueryRun *
query_run_ref (QueryRun *run)
{
  return g_atomic_rc_box_acquire (run);
}

static void
query_run_unref (gpointer run)
{
  g_atomic_rc_box_release_full (run, query_run_clear);
}

/* UI thread: hands the pending matches to the op's listeners. */
static void
flush_pending (QueryRun *run)
{
  g_autoptr(GPtrArray) batch = NULL;

  g_mutex_lock (&run->lock);
  run->flush_scheduled = FALSE;
  if (run->pending->len > 0)
    {
      batch = g_steal_pointer (&run->pending);
      run->pending = g_ptr_array_new_with_free_func (g_object_unref);
    }
  g_mutex_unlock (&run->lock);
  if (batch == NULL || run->op == NULL)
    return;
  run->op->n_results += batch->len;
  g_signal_emit (run->op, signals[SIGNAL_RESULTS], 0, batch);
}

static gboolean
on_flush_timeout (gpointer data)
{
  flush_pending (data);
  return G_SOURCE_REMOVE;
}

/* Worker: a match arrived. */
static void
on_result (DimseFindJob *job, DcmDataSet *identifier, gpointer user_data)
{
  QueryRun *run = user_data;
  BenchQueryItem *item = bench_query_item_new (run->level, identifier, run->parent);
  gboolean schedule;

  (void) job;
  g_mutex_lock (&run->lock);
  g_ptr_array_add (run->pending, item);
  schedule = !run->flush_scheduled;
  run->flush_scheduled = TRUE;
  g_mutex_unlock (&run->lock);
  if (schedule)
    {
      g_autoptr(GSource) source = g_timeout_source_new (BATCH_INTERVAL_MS);

      g_source_set_callback (source, on_flush_timeout, query_run_ref (run), query_run_unref);
      g_source_set_name (source, "[dimsebench] query results");
      g_source_attach (source, g_main_context_default ());
    }
}

/* UI thread: the last batch, then the result. */
static gboolean
complete_on_ui (gpointer data)
{
  QueryRun *run = data;

  flush_pending (run);
  if (run->error != NULL)
    g_task_return_error (run->task, g_steal_pointer (&run->error));
  else
    g_task_return_int (run->task, run->status);
  g_clear_object (&run->task);
  g_clear_object (&run->op);
  return G_SOURCE_REMOVE;
}

static void
complete (QueryRun *run)
{
  bench_engine_invoke_ui (complete_on_ui, query_run_ref (run), query_run_unref);
}

/* Worker: engine objects end on the worker, not wherever the last
 * reference to the run goes. */
static void
drop_engine_objects (QueryRun *run)
{
  g_clear_object (&run->job);
  g_clear_object (&run->assoc);
  g_clear_object (&run->web_client);
  query_run_unref (run);
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("Releasing the query association failed: %s", error->message);
  drop_engine_objects (user_data);
}

static void
on_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QueryRun *run = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);

  if (!dimse_find_finish (assoc, result, &run->status, &run->error))
    run->status = 0xFFFF;
  g_signal_handlers_disconnect_by_data (run->job, run);
  complete (run);
  if (dimse_association_is_established (assoc))
    dimse_association_release_async (assoc, NULL, on_released, run);
  else
    drop_engine_objects (run);
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QueryRun *run = user_data;

  (void) source;
  run->assoc = dimse_association_request_finish (result, &run->error);
  if (run->assoc == NULL)
    {
      complete (run);
      query_run_unref (run);
      return;
    }
  run->job = dimse_find_job_new ();
  g_signal_connect (run->job, "result", G_CALLBACK (on_result), run);
  dimse_find_async (run->assoc, bench_peer_model_uid (run->peer, "FIND"), run->identifier, 0,
                    run->job, run->cancellable, on_found, run);
}

/* ---- a DICOMweb node: one QIDO-RS search (PS3.18 §10.6), every page ---- */

static DimseQrLevel
qr_level (BenchQueryLevel level)
{
  switch (level)
    {
    case BENCH_QUERY_LEVEL_SERIES: return DIMSE_QR_LEVEL_SERIES;
    case BENCH_QUERY_LEVEL_INSTANCE: return DIMSE_QR_LEVEL_IMAGE;
    case BENCH_QUERY_LEVEL_STUDY:
    default: return DIMSE_QR_LEVEL_STUDY;
    }
}

static void
on_searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QueryRun *run = user_data;
  g_autoptr(GPtrArray) matches = NULL;

  matches = dimse_web_client_search_finish (DIMSE_WEB_CLIENT (source), result, &run->error);
  if (matches != NULL)
    {
      for (guint i = 0; i < matches->len; i++)
        on_result (NULL, matches->pdata[i], run);
      run->status = 0x0000;
    }
  complete (run);
  drop_engine_objects (run);
}

static void
start_search (QueryRun *run)
{
  DimseWebSearchOptions opts = { 0, FALSE };

  run->web_client = bench_peer_new_web_client (run->peer, &run->error);
  if (run->web_client == NULL)
    {
      complete (run);
      return;
    }
  dimse_web_client_search_async (run->web_client, qr_level (run->level), run->identifier,
                                 &opts, run->cancellable, on_searched, query_run_ref (run));
}

static gboolean
start_on_worker (gpointer data)
{
  QueryRun *run = data;
  g_autoptr(DimseAssociationParams) params = NULL;

  if (run->peer->kind == BENCH_NODE_KIND_WEB)
    {
      start_search (run);
      return G_SOURCE_REMOVE;
    }
  params = bench_peer_build_params (run->peer);

  dimse_association_params_add_context (params, bench_peer_model_uid (run->peer, "FIND"), NULL,
                                        DIMSE_ROLE_DEFAULT);
  bench_peer_request_async (run->peer, params, run->cancellable, on_associated,
                            query_run_ref (run));
  return G_SOURCE_REMOVE;
}

void
bench_query_op_run_async (BenchQueryOp *op, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  QueryRun *run = g_atomic_rc_box_new0 (QueryRun);

  run->peer = bench_peer_copy (op->peer);
  run->identifier = dcm_data_set_ref (op->identifier);
  run->level = op->level;
  run->parent = op->parent != NULL ? g_object_ref (op->parent) : NULL;
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_mutex_init (&run->lock);
  run->pending = g_ptr_array_new_with_free_func (g_object_unref);
  run->status = 0xFFFF;
  run->op = g_object_ref (op);
  run->task = g_task_new (op, cancellable, callback, user_data);
  g_task_set_source_tag (run->task, bench_query_op_run_async);
  /* A cancelled query still ends with its Cancel status (FE00). */
  g_task_set_check_cancellable (run->task, FALSE);
  bench_engine_invoke (op->engine, start_on_worker, run, query_run_unref);
}

gboolean
bench_query_op_run_finish (BenchQueryOp *op, GAsyncResult *result, guint16 *out_status,
                           GError **error)
{
  gssize status;

  g_return_val_if_fail (g_task_is_valid (result, op), FALSE);
  status = g_task_propagate_int (G_TASK (result), error);
  if (status < 0)
    return FALSE;
  if (out_status != NULL)
    *out_status = (guint16) status;
  return TRUE;
}
