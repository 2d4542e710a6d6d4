/* bench-send-op.c — C-STORE of received files to a node, on the worker */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-peer.h"
#include "bench-send-op.h"
#include "dcm-uids.h"
#include "dimse-status.h"
#include "dimse-store.h"

/* PS3.8 §9.3.2.2: at most 128 presentation contexts. */
#define MAX_CONTEXTS 128

typedef struct {
  char *path;
  char *sop_class_uid;
  char *transfer_syntax_uid;
} SendFile;

/* Shared by both threads (atomic reference counted): the worker owns all
 * but `task` and `op`, which the UI thread does. */
typedef struct {
  BenchPeer        *peer;
  GArray           *files;        /* SendFile */
  GCancellable     *cancellable;
  DimseAssociation *assoc;
  guint             next;
  guint             n_sent;
  guint             n_failed;
  char             *first_failure;
  GError           *error;
  GTask            *task;
  BenchSendOp      *op;
} SendRun;

struct _BenchSendOp {
  GObject      parent_instance;
  BenchEngine *engine;
  BenchPeer   *peer;
  GArray      *files;
};

G_DEFINE_FINAL_TYPE (BenchSendOp, bench_send_op, G_TYPE_OBJECT)

enum { SIGNAL_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
send_file_clear (gpointer data)
{
  SendFile *file = data;

  g_free (file->path);
  g_free (file->sop_class_uid);
  g_free (file->transfer_syntax_uid);
}

static GArray *
files_copy (GArray *files)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (SendFile), files->len);

  g_array_set_clear_func (copy, send_file_clear);
  for (guint i = 0; i < files->len; i++)
    {
      SendFile *file = &g_array_index (files, SendFile, i);
      SendFile dup = { g_strdup (file->path), g_strdup (file->sop_class_uid),
                       g_strdup (file->transfer_syntax_uid) };

      g_array_append_val (copy, dup);
    }
  return copy;
}

static void
bench_send_op_finalize (GObject *object)
{
  BenchSendOp *self = BENCH_SEND_OP (object);

  g_clear_object (&self->engine);
  g_clear_pointer (&self->peer, bench_peer_free);
  g_clear_pointer (&self->files, g_array_unref);
  G_OBJECT_CLASS (bench_send_op_parent_class)->finalize (object);
}

static void
bench_send_op_class_init (BenchSendOpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_send_op_finalize;
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
bench_send_op_init (BenchSendOp *self)
{
  (void) self;
}

BenchSendOp *
bench_send_op_new (BenchEngine *engine, BenchNode *node, GPtrArray *records)
{
  BenchSendOp *self = g_object_new (BENCH_TYPE_SEND_OP, NULL);

  self->engine = g_object_ref (engine);
  self->peer = bench_peer_new (engine, node);
  self->files = g_array_sized_new (FALSE, FALSE, sizeof (SendFile), records->len);
  g_array_set_clear_func (self->files, send_file_clear);
  for (guint i = 0; i < records->len; i++)
    {
      const BenchLocalRecord *record = records->pdata[i];
      SendFile file = { g_strdup (record->path), g_strdup (record->sop_class_uid),
                        g_strdup (record->transfer_syntax_uid) };

      g_array_append_val (self->files, file);
    }
  return self;
}

const char *
bench_send_op_get_node_name (BenchSendOp *op)
{
  return op->peer->name;
}

guint
bench_send_op_get_n_files (BenchSendOp *op)
{
  return op->files->len;
}

/* ---- the run ---- */

static void
send_run_clear (gpointer data)
{
  SendRun *run = data;

  bench_peer_free (run->peer);
  g_array_unref (run->files);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->assoc);
  g_free (run->first_failure);
  g_clear_error (&run->error);
  g_clear_object (&run->task);
  g_clear_object (&run->op);
}

static SendRun *
run_ref (SendRun *run)
{
  return g_atomic_rc_box_acquire (run);
}

static void
run_unref (gpointer run)
{
  g_atomic_rc_box_release_full (run, send_run_clear);
}

typedef struct {
  SendRun *run;
  guint    n_sent;
  guint    n_failed;
} Progress;

static gboolean
progress_on_ui (gpointer data)
{
  Progress *progress = data;

  if (progress->run->op != NULL)
    g_signal_emit (progress->run->op, signals[SIGNAL_PROGRESS], 0, progress->n_sent,
                   progress->n_failed, progress->run->files->len);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  run_unref (progress->run);
  g_free (progress);
}

static gboolean
complete_on_ui (gpointer data)
{
  SendRun *run = data;

  if (run->error != NULL)
    g_task_return_error (run->task, g_steal_pointer (&run->error));
  else
    g_task_return_boolean (run->task, TRUE);
  g_clear_object (&run->task);
  g_clear_object (&run->op);
  return G_SOURCE_REMOVE;
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) user_data;
  dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, NULL);
  g_object_unref (source);
}

static void
finish (SendRun *run)
{
  if (run->assoc != NULL && dimse_association_is_established (run->assoc))
    dimse_association_release_async (run->assoc, NULL, on_released, g_object_ref (run->assoc));
  g_clear_object (&run->assoc);
  bench_engine_invoke_ui (complete_on_ui, run_ref (run), run_unref);
  run_unref (run);
}

static void send_next (SendRun *run);

static void
note_failure (SendRun *run, const char *text)
{
  run->n_failed++;
  if (run->first_failure == NULL)
    run->first_failure = g_strdup (text);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendRun *run = user_data;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;
  Progress *progress;

  if (!dimse_store_send_file_finish (DIMSE_ASSOCIATION (source), result, &status, NULL, &error))
    {
      if (!dimse_association_is_established (run->assoc)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          run->error = g_steal_pointer (&error);
          finish (run);
          return;
        }
      note_failure (run, error->message);
    }
  else if (dimse_status_class (status) == DIMSE_STATUS_FAILURE)
    note_failure (run, dimse_status_meaning (status, DIMSE_C_STORE_RSP));
  else
    run->n_sent++;
  progress = g_new0 (Progress, 1);
  progress->run = run_ref (run);
  progress->n_sent = run->n_sent;
  progress->n_failed = run->n_failed;
  bench_engine_invoke_ui (progress_on_ui, progress, progress_free);
  send_next (run);
}

static void
send_next (SendRun *run)
{
  SendFile *file;

  if (run->next >= run->files->len)
    {
      finish (run);
      return;
    }
  file = &g_array_index (run->files, SendFile, run->next++);
  dimse_store_send_file_async (run->assoc, file->path, run->cancellable, on_sent, run);
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendRun *run = user_data;

  (void) source;
  run->assoc = dimse_association_request_finish (result, &run->error);
  if (run->assoc == NULL)
    {
      finish (run);
      return;
    }
  send_next (run);
}

static gboolean
is_uncompressed_le (const char *transfer_syntax_uid)
{
  return g_strcmp0 (transfer_syntax_uid, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN) == 0
         || g_strcmp0 (transfer_syntax_uid, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN) == 0;
}

/* A context per SOP class and transfer syntax of the files: that syntax
 * first, then the uncompressed ones the engine can re-encode to. */
static void
add_contexts (SendRun *run, DimseAssociationParams *params)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < run->files->len && g_hash_table_size (seen) < MAX_CONTEXTS; i++)
    {
      SendFile *file = &g_array_index (run->files, SendFile, i);
      char *key = g_strconcat (file->sop_class_uid, " ", file->transfer_syntax_uid, NULL);
      const char *uncompressed[] = { DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
                                     DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, NULL };
      const char *with_file_syntax[] = { file->transfer_syntax_uid,
                                         DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
                                         DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, NULL };

      if (!g_hash_table_add (seen, key))
        continue;
      dimse_association_params_add_context (params, file->sop_class_uid,
                                            is_uncompressed_le (file->transfer_syntax_uid)
                                            ? uncompressed : with_file_syntax,
                                            DIMSE_ROLE_DEFAULT);
    }
}

static gboolean
start_on_worker (gpointer data)
{
  SendRun *run = data;
  g_autoptr(DimseAssociationParams) params = bench_peer_build_params (run->peer);

  add_contexts (run, params);
  bench_peer_request_async (run->peer, params, run->cancellable, on_associated, run_ref (run));
  return G_SOURCE_REMOVE;
}

void
bench_send_op_run_async (BenchSendOp *op, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  SendRun *run = g_atomic_rc_box_new0 (SendRun);

  run->peer = bench_peer_copy (op->peer);
  run->files = files_copy (op->files);
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->op = g_object_ref (op);
  run->task = g_task_new (op, cancellable, callback, user_data);
  g_task_set_source_tag (run->task, bench_send_op_run_async);
  g_task_set_task_data (run->task, run_ref (run), run_unref);
  bench_engine_invoke (op->engine, start_on_worker, run, run_unref);
}

gboolean
bench_send_op_run_finish (BenchSendOp *op, GAsyncResult *result, guint *out_failed,
                          char **out_first_failure, GError **error)
{
  SendRun *run;

  g_return_val_if_fail (g_task_is_valid (result, op), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  run = g_task_get_task_data (G_TASK (result));
  if (out_failed != NULL)
    *out_failed = run->n_failed;
  if (out_first_failure != NULL)
    *out_first_failure = g_strdup (run->first_failure);
  return TRUE;
}
