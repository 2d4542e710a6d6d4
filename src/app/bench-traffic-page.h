/* bench-traffic-page.h — the Traffic page: every association the
 * application makes or accepts, live, with its timeline and the details
 * and bytes of each PDU and DIMSE message (issue #8) */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_TRAFFIC_PAGE (bench_traffic_page_get_type ())
G_DECLARE_FINAL_TYPE (BenchTrafficPage, bench_traffic_page, BENCH, TRAFFIC_PAGE, GtkWidget)

GtkWidget *bench_traffic_page_new (BenchEngine *engine);
/* Focuses the search field (Ctrl+F when the page is visible). */
void       bench_traffic_page_focus_search (BenchTrafficPage *page);

G_END_DECLS
