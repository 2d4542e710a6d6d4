/* bench-tools-page.h — the Tools page: the conformance probe, the C-MOVE
 * destination doctor and the message composer, one beside the other in a
 * stack with a sidebar */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_TOOLS_PAGE (bench_tools_page_get_type ())
G_DECLARE_FINAL_TYPE (BenchToolsPage, bench_tools_page, BENCH, TOOLS_PAGE, GtkBox)

/* nodes: the node store (BenchNode), for each tool's node chooser. */
GtkWidget *bench_tools_page_new (BenchEngine *engine, GListModel *nodes);

/* A drop-down of the nodes by name, for the tools. */
GtkWidget *bench_tools_node_chooser_new (GListModel *nodes, const char *widget_name);
/* The node chosen, or NULL. */
BenchNode *bench_tools_node_chooser_get_node (GtkWidget *chooser);
/* Makes drop_down show its chosen item ellipsized, so a long name does not
 * widen the page; the list it pops up shows the names whole. */
void       bench_tools_drop_down_ellipsize (GtkDropDown *drop_down);
/* A label for a heading or a value. */
GtkWidget *bench_tools_label_new (const char *text, const char *css_class);
/* A row of controls that wraps onto more lines when the page is narrow;
 * bench_tools_flow_append () adds a control (or a box of controls kept
 * together). */
GtkWidget *bench_tools_flow_new (void);
void       bench_tools_flow_append (GtkWidget *flow, GtkWidget *child);
/* Writes bytes to a file the user picks in a save dialog, off the UI thread;
 * the outcome is reported in a toast of the window. */
void       bench_tools_save_bytes (GtkWidget *parent, const char *title,
                                   const char *suggested_name, GBytes *bytes);

G_END_DECLS
