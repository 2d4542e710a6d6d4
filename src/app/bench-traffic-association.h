/* bench-traffic-association.h — one association as the Traffic page lists
 * it: who talked to whom, how it ended, what went each way, and its
 * events in order (UI thread) */
#pragma once

#include <gio/gio.h>

#include "bench-traffic-item.h"
#include "dimse-status.h"

G_BEGIN_DECLS

typedef enum {
  BENCH_TRAFFIC_STATE_REQUESTED,    /* A-ASSOCIATE-RQ sent or received, no answer yet */
  BENCH_TRAFFIC_STATE_ESTABLISHED,
  BENCH_TRAFFIC_STATE_RELEASED,
  BENCH_TRAFFIC_STATE_REJECTED,
  BENCH_TRAFFIC_STATE_ABORTED,
  BENCH_TRAFFIC_STATE_FAILED,       /* closed without release, abort or rejection */
} BenchTrafficState;

#define BENCH_TYPE_TRAFFIC_ASSOCIATION (bench_traffic_association_get_type ())
G_DECLARE_FINAL_TYPE (BenchTrafficAssociation, bench_traffic_association, BENCH,
                      TRAFFIC_ASSOCIATION, GObject)

BenchTrafficAssociation *bench_traffic_association_new (guint id);

/* Items of this association, oldest first (they may be recorded after
 * items already added, never before). Notifies "revision" once. */
void        bench_traffic_association_add_items (BenchTrafficAssociation *self,
                                                 BenchTrafficItem **items, guint n_items);
/* The n oldest items are gone from the recorder. */
void        bench_traffic_association_remove_oldest (BenchTrafficAssociation *self, guint n);
/* What the application knows of an association it requested. */
void        bench_traffic_association_set_peer (BenchTrafficAssociation *self,
                                                const char *name, const char *address);
/* n more C-STORE-RQs, sent or received on other associations, name one
 * of its C-MOVE-RQs as their Move Originator (PS3.7 §9.3.1.1). */
void        bench_traffic_association_add_linked_sub_operations (BenchTrafficAssociation *self,
                                                                 DimseTrafficDirection direction,
                                                                 guint n);
/* Its request failed at timestamp: when nothing went over the wire, the
 * connection was never made (the recorder has no end for it). */
void        bench_traffic_association_set_unconnected (BenchTrafficAssociation *self,
                                                       gint64 timestamp);

guint              bench_traffic_association_get_id (BenchTrafficAssociation *self);
/* The events (BenchTrafficItem), oldest first. */
GListModel        *bench_traffic_association_get_items (BenchTrafficAssociation *self);
/* A DICOMweb operation (a search with its pages, a retrieve …): its items
 * are HTTP requests, its peer address the service's base URL, its result
 * the last response's status, its messages requests sent and responses
 * received. */
gboolean           bench_traffic_association_get_is_web (BenchTrafficAssociation *self);
gboolean           bench_traffic_association_get_outgoing (BenchTrafficAssociation *self);
const char        *bench_traffic_association_get_calling_ae_title (BenchTrafficAssociation *self);
const char        *bench_traffic_association_get_called_ae_title (BenchTrafficAssociation *self);
/* The other side's AE title: called when outgoing, calling when incoming. */
const char        *bench_traffic_association_get_peer_ae_title (BenchTrafficAssociation *self);
/* The node's name, when the application requested it; else NULL. */
const char        *bench_traffic_association_get_peer_name (BenchTrafficAssociation *self);
const char        *bench_traffic_association_get_peer_address (BenchTrafficAssociation *self);
const char        *bench_traffic_association_get_local_address (BenchTrafficAssociation *self);
BenchTrafficState  bench_traffic_association_get_state (BenchTrafficAssociation *self);
/* "Released", "Rejected: Rejected (Permanent), Service User, Called AE
 * Title Not Recognized", "Aborted: …", "Established" … */
const char        *bench_traffic_association_get_result (BenchTrafficAssociation *self);
gint64             bench_traffic_association_get_started (BenchTrafficAssociation *self);
/* 0 while open. */
gint64             bench_traffic_association_get_ended (BenchTrafficAssociation *self);
/* Up to the end, or to the latest event while open (µs). */
gint64             bench_traffic_association_get_duration (BenchTrafficAssociation *self);
guint              bench_traffic_association_get_n_messages (BenchTrafficAssociation *self,
                                                             DimseTrafficDirection direction);
guint64            bench_traffic_association_get_n_bytes (BenchTrafficAssociation *self,
                                                          DimseTrafficDirection direction);
/* The requests seen, in order of first appearance: "C-FIND-RQ ×3, C-MOVE-RQ". */
const char        *bench_traffic_association_get_services (BenchTrafficAssociation *self);
/* Whether it carried a request of that command field ("C-ECHO-RQ" …). */
gboolean           bench_traffic_association_has_service (BenchTrafficAssociation *self,
                                                          DimseCommandField request);
/* Who the other side is, as the Traffic page's node filter names it: the
 * node's name when the application requested it, else the peer's AE
 * title (a DICOMweb operation's base URL); "" when unknown. */
const char        *bench_traffic_association_get_node (BenchTrafficAssociation *self);
/* The C-STORE sub-operations linked to its C-MOVE-RQs (each once, when
 * both their sides were recorded). */
guint              bench_traffic_association_get_n_linked_sub_operations
                                        (BenchTrafficAssociation *self);
/* The worst DIMSE status class of its responses; has_status FALSE when
 * none carried a status. Pending counts as success. */
gboolean           bench_traffic_association_get_worst_status (BenchTrafficAssociation *self,
                                                               DimseStatusClass *status_class);
/* Whether text (case-folded, already) occurs in its AE titles, addresses,
 * node name, result or services, or a DICOMweb request's URL. */
gboolean           bench_traffic_association_matches (BenchTrafficAssociation *self,
                                                      const char *folded_text);

/* Property "revision" (guint): bumped whenever anything above changed. */

G_END_DECLS
