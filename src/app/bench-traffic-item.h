/* bench-traffic-item.h — one recorded event as the UI thread sees it: the
 * recorder's event (whose texts never change) and its own reference to the
 * raw PDU, which the recorder may drop on the worker at any time */
#pragma once

#include <gio/gio.h>

#include "dimse-recorder.h"
#include "dimse-web-exchange.h"

G_BEGIN_DECLS

#define BENCH_TYPE_TRAFFIC_ITEM (bench_traffic_item_get_type ())
G_DECLARE_FINAL_TYPE (BenchTrafficItem, bench_traffic_item, BENCH, TRAFFIC_ITEM, GObject)

/* On the recorder's (worker) context, as the event is appended. */
BenchTrafficItem      *bench_traffic_item_new (DimseTrafficEvent *event);
/* One DICOMweb request and its response (no recorder event behind it):
 * the URL with any user information in it left out, the values of the
 * headers that carry credentials hidden (as the engine already has them).
 * timestamp is when the response was whole. Any thread: the exchange is
 * immutable. */
BenchTrafficItem      *bench_traffic_item_new_web (guint association_id, gint64 timestamp,
                                                   DimseWebExchange *exchange);

/* NULL for a DICOMweb request. */
DimseTrafficEvent     *bench_traffic_item_get_event (BenchTrafficItem *self);
/* A DICOMweb request: its method, URL, HTTP status, response size and time. */
gboolean               bench_traffic_item_get_web (BenchTrafficItem *self, const char **method,
                                                   const char **url, guint *status,
                                                   guint64 *response_bytes,
                                                   gint64 *duration_us);
/* A DICOMweb request in full (NULL for a recorder's event), and its URL as
 * shown (without user information). */
DimseWebExchange      *bench_traffic_item_get_web_exchange (BenchTrafficItem *self);
const char            *bench_traffic_item_get_web_url (BenchTrafficItem *self);
guint                  bench_traffic_item_get_association_id (BenchTrafficItem *self);
DimseTrafficDirection  bench_traffic_item_get_direction (BenchTrafficItem *self);
DimseTrafficKind       bench_traffic_item_get_kind (BenchTrafficItem *self);
gint64                 bench_traffic_item_get_timestamp (BenchTrafficItem *self);
const char            *bench_traffic_item_get_summary (BenchTrafficItem *self);
const char            *bench_traffic_item_get_details (BenchTrafficItem *self);
/* NULL once the mirror's byte budget dropped them (as the recorder does). */
GBytes                *bench_traffic_item_get_raw_bytes (BenchTrafficItem *self);
/* Returns how many bytes it held. */
gsize                  bench_traffic_item_drop_raw_bytes (BenchTrafficItem *self);
/* A P-DATA-TF PDU: the messages say what it carried. */
gboolean               bench_traffic_item_is_pdata (BenchTrafficItem *self);

G_END_DECLS
