/* bench-traffic-detail.h — one recorded event in full: what it is, its
 * decoded fields as the recorder describes them (negotiation per context,
 * command fields by name, status in words) and its raw PDU in hex */
#pragma once

#include <adwaita.h>

#include "bench-traffic-item.h"

G_BEGIN_DECLS

#define BENCH_TYPE_TRAFFIC_DETAIL (bench_traffic_detail_get_type ())
G_DECLARE_FINAL_TYPE (BenchTrafficDetail, bench_traffic_detail, BENCH, TRAFFIC_DETAIL, GtkWidget)

GtkWidget *bench_traffic_detail_new (void);
/* NULL shows a hint to select an event. */
void       bench_traffic_detail_set_item (BenchTrafficDetail *self, BenchTrafficItem *item);
BenchTrafficItem *bench_traffic_detail_get_item (BenchTrafficDetail *self);

G_END_DECLS
