/* bench-node-row.h — a node in the sidebar: name, AE@host:port, the
 * outcome of its last test, and a context menu */
#pragma once

#include <adwaita.h>

#include "bench-node.h"

G_BEGIN_DECLS

typedef enum {
  BENCH_NODE_STATUS_UNKNOWN,
  BENCH_NODE_STATUS_TESTING,
  BENCH_NODE_STATUS_OK,
  BENCH_NODE_STATUS_FAILED,
} BenchNodeStatus;

#define BENCH_TYPE_NODE_ROW (bench_node_row_get_type ())
G_DECLARE_FINAL_TYPE (BenchNodeRow, bench_node_row, BENCH, NODE_ROW, GtkListBoxRow)

GtkWidget      *bench_node_row_new (BenchNode *node);
BenchNode      *bench_node_row_get_node (BenchNodeRow *row);
void            bench_node_row_set_status (BenchNodeRow *row, BenchNodeStatus status);
BenchNodeStatus bench_node_row_get_status (BenchNodeRow *row);
/* "AE@host:port" (a new string). */
char           *bench_node_describe_address (BenchNode *node);

G_END_DECLS
