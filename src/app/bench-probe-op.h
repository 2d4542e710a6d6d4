/* bench-probe-op.h — the conformance probe (DimseProbe, PS3.7 Annex D) of
 * a node, run on the engine's worker, its answers copied for the UI */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"

G_BEGIN_DECLS

typedef struct {
  GListStore *rows;             /* BenchToolsRow: SOP class, transfer syntax,
                                   result in words, roles; ok when accepted */
  GPtrArray  *extended;         /* char*: "SOP class: answer in words" */
  char       *user_identity;    /* the outcome in words */
  char       *peer;             /* implementation class UID and version, max PDU */
  guint       n_associations;
  char       *error;            /* why the probe stopped early, or NULL */
  GBytes     *json;             /* the exports, made on the worker */
  GBytes     *csv;
} BenchProbeResult;

void bench_probe_result_free (BenchProbeResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchProbeResult, bench_probe_result_free)

/* Called on the UI thread after each association of the probe. */
typedef void (*BenchProbeProgress) (guint done, guint total, gpointer user_data);

/* Probes node with the local AE title as calling AE; progress (may be
 * NULL) keeps a reference to progress_object while the probe runs and is
 * called with it. The callback runs on the UI thread; the result holds what
 * was answered even when the probe stopped early (result->error says why). */
void              bench_probe_op_run_async (BenchEngine *engine, BenchNode *node,
                                            BenchProbeProgress progress,
                                            GObject *progress_object,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
/* NULL only when cancelled (G_IO_ERROR_CANCELLED). */
BenchProbeResult *bench_probe_op_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
