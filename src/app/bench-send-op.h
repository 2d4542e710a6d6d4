/* bench-send-op.h — received files sent on to a node by C-STORE
 * (PS3.4 Annex B), on the engine's worker, with progress on the UI thread */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-local-entry.h"
#include "bench-node.h"

G_BEGIN_DECLS

#define BENCH_TYPE_SEND_OP (bench_send_op_get_type ())
G_DECLARE_FINAL_TYPE (BenchSendOp, bench_send_op, BENCH, SEND_OP, GObject)

/* records: BenchLocalRecord (their paths, SOP classes and transfer
 * syntaxes are copied). One association proposes a context per SOP class
 * with the files' transfer syntax and the two uncompressed little endian
 * ones. Signal "progress" (guint n_sent, guint n_failed, guint n_total)
 * on the UI thread after each response. */
BenchSendOp *bench_send_op_new (BenchEngine *engine, BenchNode *node, GPtrArray *records);
void         bench_send_op_run_async (BenchSendOp *op, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
/* TRUE once every file had its response (*out_failed of them were not
 * stored, with the first failure's words in *out_first_failure, may be
 * NULL); FALSE with the association's error. */
const char  *bench_send_op_get_node_name (BenchSendOp *op);
guint        bench_send_op_get_n_files (BenchSendOp *op);
gboolean     bench_send_op_run_finish (BenchSendOp *op, GAsyncResult *result, guint *out_failed,
                                       char **out_first_failure, GError **error);

G_END_DECLS
