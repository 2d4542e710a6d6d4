/* bench-node-test.h — the dialog that tests a node (C-ECHO) and shows the
 * round trip, the peer's implementation and the contexts it accepted, or
 * why the association failed */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"
#include "bench-node.h"

G_BEGIN_DECLS

#define BENCH_TYPE_NODE_TEST (bench_node_test_get_type ())
G_DECLARE_FINAL_TYPE (BenchNodeTest, bench_node_test, BENCH, NODE_TEST, AdwWindow)

/* Starts the test at once. Signal "finished" (gboolean success) after each
 * run; closing the dialog cancels a run under way. */
GtkWidget  *bench_node_test_new (GtkWindow *parent, BenchEngine *engine, BenchNode *node);
/* "running", "done" or "failed". */
const char *bench_node_test_get_state (BenchNodeTest *test);
/* The outcome as plain text (what "Copy" copies); NULL while running. */
const char *bench_node_test_get_report (BenchNodeTest *test);

G_END_DECLS
