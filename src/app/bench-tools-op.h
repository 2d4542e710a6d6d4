/* bench-tools-op.h — what the Tools page's operations share: a row of a
 * result table, and relaying a cancellation from the UI thread to the
 * engine's worker, where the engine's objects live */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-peer.h"

G_BEGIN_DECLS

/* One row of a tool's table: up to four columns of text, and whether the
 * row reports a success (the probe's "accepted only" filter). Properties
 * "column0" … "column3" (strings) and "ok" (boolean), read-only. */
#define BENCH_TYPE_TOOLS_ROW (bench_tools_row_get_type ())
G_DECLARE_FINAL_TYPE (BenchToolsRow, bench_tools_row, BENCH, TOOLS_ROW, GObject)

BenchToolsRow *bench_tools_row_new (gboolean ok, const char *column0, const char *column1,
                                    const char *column2, const char *column3);
const char    *bench_tools_row_get_column (BenchToolsRow *row, guint column);
gboolean       bench_tools_row_get_ok (BenchToolsRow *row);

/* When ui_cancellable (may be NULL) is cancelled on the UI thread,
 * worker_cancellable is cancelled on the engine's worker. */
void bench_tools_relay_cancel (BenchEngine *engine, GCancellable *ui_cancellable,
                               GCancellable *worker_cancellable);

/* The node's timeout (0: the engine's defaults) as DimseTimeouts. */
void bench_tools_peer_timeouts (const BenchPeer *peer, DimseTimeouts *timeouts);

G_END_DECLS
