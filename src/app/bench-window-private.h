/* bench-window-private.h — what the window's files share
 * (bench-window.c: layout and state; bench-window-actions.c: actions) */
#pragma once

#include "bench-node-row.h"
#include "bench-node-store.h"
#include "bench-window.h"

G_BEGIN_DECLS

struct _BenchWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkStack *sidebar_stack;
  GtkListBox *node_list;
  AdwStatusPage *empty_page;
  GtkWidget *content;
  GtkWidget *back_button;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *view_stack;
  GtkWidget *scp_status;
  GtkImage *scp_icon;
  GtkLabel *scp_label;
  GtkWidget *scp_button;

  BenchApplication *app;       /* not a reference */
  GSettings *settings;
  BenchEngine *engine;
  BenchNodeStore *store;
  GListStore *jobs;            /* BenchRetrieveJob */
  GtkWidget *query_page;
  GtkWidget *jobs_page;
  GtkWidget *local_page;
  /* node id → BenchNodeStatus of its last test, for rows made later */
  GHashTable *node_status;
};

void bench_window_install_actions (BenchWindow *window);
/* Enables the node actions for the selection. */
void bench_window_update_actions (BenchWindow *window);
/* Records a node's test outcome and shows it on its row. */
void bench_window_set_node_status (BenchWindow *window, BenchNode *node,
                                   BenchNodeStatus status);

G_END_DECLS
