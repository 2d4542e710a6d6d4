/* bench-probe-view.h — the conformance probe in the Tools page: a node,
 * the probe run on the worker with progress and cancel, its answers as a
 * table with an "accepted only" filter, exported as JSON or CSV */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_PROBE_VIEW (bench_probe_view_get_type ())
G_DECLARE_FINAL_TYPE (BenchProbeView, bench_probe_view, BENCH, PROBE_VIEW, GtkBox)

GtkWidget  *bench_probe_view_new (BenchEngine *engine, GListModel *nodes);
/* The rows the table shows (BenchToolsRow), the filter applied. */
GListModel *bench_probe_view_get_rows (BenchProbeView *view);
/* Whether a probe is running. */
gboolean    bench_probe_view_get_running (BenchProbeView *view);

G_END_DECLS
