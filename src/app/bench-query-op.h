/* bench-query-op.h — one C-FIND against a node, run on the engine's worker
 * (association, query, release) with its matches handed to the UI thread
 * in batches (PS3.4 Annex C.4.1); for a DICOMweb node a QIDO-RS search
 * of the same keys instead (PS3.18 §10.6), every page followed */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"
#include "bench-query-item.h"
#include "dcm-data-set.h"

G_BEGIN_DECLS

#define BENCH_TYPE_QUERY_OP (bench_query_op_get_type ())
G_DECLARE_FINAL_TYPE (BenchQueryOp, bench_query_op, BENCH, QUERY_OP, GObject)

/* A query of identifier (a reference is kept and never changed; it
 * carries the Query/Retrieve Level) to node with the engine's local AE
 * title as calling AE. Each match becomes a BenchQueryItem of level with
 * parent (may be NULL), made on the worker. Created and used on the UI
 * thread. */
BenchQueryOp *bench_query_op_new (BenchEngine *engine, BenchNode *node, DcmDataSet *identifier,
                                  BenchQueryLevel level, BenchQueryItem *parent);

/* Starts the query on the worker. Signal "results" (GPtrArray *of
 * BenchQueryItem) is emitted on the UI thread for each batch of matches,
 * in the order they arrived, at most every 50 ms; the callback runs on the
 * UI thread after the last batch. Cancelling cancellable sends a
 * C-CANCEL-RQ (PS3.7 §9.3.2.3); the matches already delivered stay. */
void          bench_query_op_run_async (BenchQueryOp *op, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
/* TRUE for a final status of class success, warning or cancel (FE00),
 * given in *out_status (may be NULL; 0000 for a QIDO-RS search);
 * otherwise the error: DIMSE_STATUS_ERROR with the Annex C meaning,
 * DIMSE_ERROR for the association, DIMSE_WEB_ERROR for an HTTP failure,
 * G_IO_ERROR_CANCELLED when cancelled before the C-FIND or during a
 * QIDO-RS search. */
gboolean      bench_query_op_run_finish (BenchQueryOp *op, GAsyncResult *result,
                                         guint16 *out_status, GError **error);

/* Matches delivered so far. */
guint         bench_query_op_get_n_results (BenchQueryOp *op);
/* The node's name, for messages. */
const char   *bench_query_op_get_node_name (BenchQueryOp *op);

G_END_DECLS
