/* bench-query-page.h — the query form, the study/series/instance tree of
 * the results, and retrieve on the selected rows */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"
#include "bench-node.h"

G_BEGIN_DECLS

#define BENCH_TYPE_QUERY_PAGE (bench_query_page_get_type ())
G_DECLARE_FINAL_TYPE (BenchQueryPage, bench_query_page, BENCH, QUERY_PAGE, GtkWidget)

/* jobs: the window's list of BenchRetrieveJob, where retrieves started
 * here are appended. Actions in the "query." group: "run", "cancel",
 * "retrieve" (Ctrl+R), "copy", "export-csv", "export-json". */
GtkWidget *bench_query_page_new (BenchEngine *engine, GListStore *jobs);
/* The node queried (NULL: none); a change clears the results. */
void       bench_query_page_set_node (BenchQueryPage *page, BenchNode *node);
BenchNode *bench_query_page_get_node (BenchQueryPage *page);

G_END_DECLS
