/* bench-probe-op.c — the conformance probe on the engine's worker */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-peer.h"
#include "bench-probe-op.h"
#include "bench-tools-op.h"
#include "dcm-uid.h"
#include "dimse-probe.h"

typedef struct {
  GTask *task;                   /* on the UI context */
  GCancellable *cancellable;     /* the worker's own */
  BenchEngine *engine;
  BenchPeer *peer;
  DimseProbe *probe;
  BenchProbeProgress progress;
  GObject *progress_object;
} ProbeOp;

typedef struct {
  BenchProbeProgress progress;
  GObject *progress_object;
  guint done;
  guint total;
} Progress;

void
bench_probe_result_free (BenchProbeResult *result)
{
  g_clear_object (&result->rows);
  g_clear_pointer (&result->extended, g_ptr_array_unref);
  g_free (result->user_identity);
  g_free (result->peer);
  g_free (result->error);
  g_clear_pointer (&result->json, g_bytes_unref);
  g_clear_pointer (&result->csv, g_bytes_unref);
  g_free (result);
}

static void
probe_op_free (ProbeOp *op)
{
  g_clear_object (&op->task);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->engine);
  g_clear_pointer (&op->peer, bench_peer_free);
  g_clear_object (&op->probe);
  g_clear_object (&op->progress_object);
  g_free (op);
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_object_unref (progress->progress_object);
  g_free (progress);
}

static gboolean
progress_on_ui (gpointer data)
{
  Progress *progress = data;

  progress->progress (progress->done, progress->total, progress->progress_object);
  return G_SOURCE_REMOVE;
}

static void
on_progress (DimseProbe *probe, guint done, guint total, ProbeOp *op)
{
  Progress *progress;

  if (op->progress == NULL)
    return;
  progress = g_new0 (Progress, 1);
  progress->progress = op->progress;
  progress->progress_object = g_object_ref (op->progress_object);
  progress->done = done;
  progress->total = total;
  bench_engine_invoke_ui (progress_on_ui, progress, progress_free);
}

static GBytes *
export (DimseProbe *probe, gboolean json)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  gboolean ok = json ? dimse_probe_export_json (probe, out, NULL, &error)
                     : dimse_probe_export_csv (probe, out, NULL, &error);

  if (!ok || !g_output_stream_close (out, NULL, &error))
    {
      g_warning ("The probe’s %s export failed: %s", json ? "JSON" : "CSV", error->message);
      return NULL;
    }
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static BenchToolsRow *
entry_row (const DimseProbeEntry *entry)
{
  g_autofree char *result = dimse_probe_entry_describe_result (entry);
  g_autofree char *roles = NULL;
  gboolean accepted = entry->answered
                      && entry->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE;

  if (accepted && entry->proposed_roles != DIMSE_ROLE_DEFAULT)
    roles = g_strdup_printf (_("we: %s, peer: %s"),
                             dimse_probe_role_to_string (entry->requestor_roles),
                             dimse_probe_role_to_string (entry->acceptor_roles));
  else if (accepted)
    roles = g_strdup (_("default (we SCU, peer SCP)"));
  return bench_tools_row_new (accepted, dcm_uid_name (entry->sop_class_uid),
                              dcm_uid_name (entry->transfer_syntax_uid), result,
                              roles != NULL ? roles : "");
}

static BenchProbeResult *
collect (DimseProbe *probe)
{
  BenchProbeResult *result = g_new0 (BenchProbeResult, 1);
  GPtrArray *entries = dimse_probe_get_entries (probe);
  GPtrArray *extended = dimse_probe_get_extended_negotiations (probe);
  const char *description = NULL;
  const char *version = dimse_probe_get_peer_implementation_version_name (probe);

  result->rows = g_list_store_new (BENCH_TYPE_TOOLS_ROW);
  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr(BenchToolsRow) row = entry_row (entries->pdata[i]);

      g_list_store_append (result->rows, row);
    }
  result->extended = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < extended->len; i++)
    {
      const DimseProbeExtendedNegotiation *en = extended->pdata[i];
      g_autofree char *words = dimse_probe_extended_negotiation_describe (en);

      g_ptr_array_add (result->extended,
                       g_strdup_printf ("%s: %s", dcm_uid_name (en->sop_class_uid), words));
    }
  dimse_probe_get_user_identity (probe, &description);
  result->user_identity = g_strdup (description != NULL ? description : _("Not probed"));
  if (dimse_probe_get_peer_implementation_class_uid (probe) != NULL)
    result->peer = g_strdup_printf (_("Implementation %s%s%s, maximum PDU %u bytes"),
                                    dimse_probe_get_peer_implementation_class_uid (probe),
                                    version != NULL ? " " : "", version != NULL ? version : "",
                                    dimse_probe_get_peer_max_pdu_length (probe));
  result->n_associations = dimse_probe_get_n_associations (probe);
  result->json = export (probe, TRUE);
  result->csv = export (probe, FALSE);
  return result;
}

static void
on_probed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ProbeOp *op = user_data;
  g_autoptr(GError) error = NULL;
  BenchProbeResult *result;

  if (!dimse_probe_run_finish (op->probe, res, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (op->task, g_steal_pointer (&error));
      probe_op_free (op);
      return;
    }
  result = collect (op->probe);
  if (error != NULL)
    result->error = g_strdup (error->message);
  g_task_return_pointer (op->task, result, (GDestroyNotify) bench_probe_result_free);
  probe_op_free (op);
}

static gboolean
start_on_worker (gpointer data)
{
  ProbeOp *op = data;
  const BenchPeer *peer = op->peer;
  DimseTimeouts timeouts;

  op->probe = dimse_probe_new (peer->calling_ae_title, peer->called_ae_title, peer->host,
                               peer->port);
  bench_tools_peer_timeouts (peer, &timeouts);
  dimse_probe_set_timeouts (op->probe, &timeouts);
  dimse_probe_set_max_pdu_length (op->probe, peer->max_pdu);
  dimse_probe_set_tls (op->probe, peer->tls);
  dimse_probe_set_recorder (op->probe, bench_engine_get_recorder (op->engine));
  g_signal_connect (op->probe, "progress", G_CALLBACK (on_progress), op);
  dimse_probe_run_async (op->probe, op->cancellable, on_probed, op);
  return G_SOURCE_REMOVE;
}

void
bench_probe_op_run_async (BenchEngine *engine, BenchNode *node, BenchProbeProgress progress,
                          GObject *progress_object, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  ProbeOp *op = g_new0 (ProbeOp, 1);

  op->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, bench_probe_op_run_async);
  g_task_set_check_cancellable (op->task, FALSE);
  op->cancellable = g_cancellable_new ();
  op->engine = g_object_ref (engine);
  op->peer = bench_peer_new (engine, node);
  op->progress = progress;
  op->progress_object = progress_object != NULL ? g_object_ref (progress_object) : NULL;
  bench_tools_relay_cancel (engine, cancellable, op->cancellable);
  bench_engine_invoke (engine, start_on_worker, op, NULL);
}

BenchProbeResult *
bench_probe_op_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
