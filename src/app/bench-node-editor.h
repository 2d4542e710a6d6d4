/* bench-node-editor.h — the dialog that adds or edits a node */
#pragma once

#include <adwaita.h>

#include "bench-node.h"

G_BEGIN_DECLS

#define BENCH_TYPE_NODE_EDITOR (bench_node_editor_get_type ())
G_DECLARE_FINAL_TYPE (BenchNodeEditor, bench_node_editor, BENCH, NODE_EDITOR, AdwWindow)

/* Edits node, or a new node when node is NULL. Nothing changes until the
 * user saves: then node takes the values (or the new node is made) and
 * "saved" (BenchNode *node) is emitted before the dialog closes. */
GtkWidget *bench_node_editor_new (GtkWindow *parent, BenchNode *node);

/* PS3.5 §6.2: an AE title is 1 to 16 characters of the default
 * repertoire without backslash or control characters, not all spaces. */
gboolean   bench_ae_title_is_valid (const char *ae_title);

G_END_DECLS
