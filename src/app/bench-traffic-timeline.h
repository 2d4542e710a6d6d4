/* bench-traffic-timeline.h — one association's events in order, drawn as
 * a sequence of the two sides: arrows to the right for what we sent, to
 * the left for what we received, notes across */
#pragma once

#include <adwaita.h>

#include "bench-traffic-association.h"

G_BEGIN_DECLS

#define BENCH_TYPE_TRAFFIC_TIMELINE (bench_traffic_timeline_get_type ())
G_DECLARE_FINAL_TYPE (BenchTrafficTimeline, bench_traffic_timeline, BENCH, TRAFFIC_TIMELINE,
                      GtkWidget)

GtkWidget        *bench_traffic_timeline_new (void);
void              bench_traffic_timeline_set_association (BenchTrafficTimeline *self,
                                                          BenchTrafficAssociation *assoc);
/* Whether P-DATA-TF PDUs are listed beside the messages they carry. */
void              bench_traffic_timeline_set_show_pdata (BenchTrafficTimeline *self,
                                                         gboolean show_pdata);
/* The events shown (BenchTrafficItem) and the one selected (NULL: none;
 * property "selected-item"). */
GListModel       *bench_traffic_timeline_get_shown (BenchTrafficTimeline *self);
BenchTrafficItem *bench_traffic_timeline_get_selected_item (BenchTrafficTimeline *self);
void              bench_traffic_timeline_select (BenchTrafficTimeline *self, guint position);

G_END_DECLS
