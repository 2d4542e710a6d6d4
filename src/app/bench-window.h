/* bench-window.h — the main window: the node sidebar and the Query, Jobs
 * and Local pages, with the local Storage SCP's state beneath */
#pragma once

#include <adwaita.h>

#include "bench-application.h"
#include "bench-node.h"

G_BEGIN_DECLS

#define BENCH_TYPE_WINDOW (bench_window_get_type ())
G_DECLARE_FINAL_TYPE (BenchWindow, bench_window, BENCH, WINDOW, AdwApplicationWindow)

BenchWindow *bench_window_new (BenchApplication *app);
/* The node selected in the sidebar, or NULL. */
BenchNode   *bench_window_get_selected_node (BenchWindow *window);
void         bench_window_select_node (BenchWindow *window, BenchNode *node);
/* A toast; for errors that need no decision. */
void         bench_window_show_error (BenchWindow *window, const char *message);
void         bench_window_show_toast (BenchWindow *window, const char *message);

G_END_DECLS
