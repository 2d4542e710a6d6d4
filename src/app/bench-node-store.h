/* bench-node-store.h — the nodes the user configured, as a GListModel of
 * BenchNode, kept in g_get_user_config_dir()/dimsebench/nodes.json and
 * saved (atomically) whenever a node changes; the demo archive's node
 * first while it exists (never saved) */
#pragma once

#include <gio/gio.h>

#include "bench-node.h"

G_BEGIN_DECLS

#define BENCH_TYPE_NODE_STORE (bench_node_store_get_type ())
G_DECLARE_FINAL_TYPE (BenchNodeStore, bench_node_store, BENCH, NODE_STORE, GObject)

/* file NULL: the user's nodes.json. Empty until loaded. */
BenchNodeStore *bench_node_store_new (GFile *file);
GFile          *bench_node_store_get_file (BenchNodeStore *store);
/* Reads the file; a missing file is an empty list, not an error. */
gboolean        bench_node_store_load (BenchNodeStore *store, GError **error);
/* How many nodes the user configured (the demo node aside). */
guint           bench_node_store_get_n_configured (BenchNodeStore *store);

void            bench_node_store_add (BenchNodeStore *store, BenchNode *node);
/* Inserts node right after after (NULL: at the end). */
void            bench_node_store_insert_after (BenchNodeStore *store, BenchNode *node,
                                               BenchNode *after);
void            bench_node_store_remove (BenchNodeStore *store, BenchNode *node);
BenchNode      *bench_node_store_find (BenchNodeStore *store, const char *id);
/* The demo archive's node (NULL removes it): first in the list, not saved. */
void            bench_node_store_set_demo_node (BenchNodeStore *store, BenchNode *node);

/* Appends the nodes of a file written by _export (or a JSON array of
 * nodes); a node whose id is taken gets a new one. Returns how many. */
guint           bench_node_store_import (BenchNodeStore *store, GFile *file, GError **error);
gboolean        bench_node_store_export (BenchNodeStore *store, GFile *file, GError **error);

/* The JSON document for a list of nodes, and back (for tests and the
 * two functions above). */
char           *bench_node_store_serialize (GListModel *nodes);
GPtrArray      *bench_node_store_parse (const char *text, gssize length, GError **error);

/* Saves now if a save is pending (at shutdown); otherwise saves happen
 * on their own, asynchronously. Signal "save-failed" (const char *message). */
void            bench_node_store_flush (BenchNodeStore *store);

G_END_DECLS
