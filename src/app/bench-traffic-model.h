/* bench-traffic-model.h — the UI thread's mirror of the engine's traffic
 * recorder: the recorder changes on the worker; its events reach the
 * mirror in batches (at most ten a second), grouped into associations,
 * and the mirror drops what the recorder drops (oldest events over its
 * event count, raw bytes over its byte budget) */
#pragma once

#include <gio/gio.h>

#include "bench-traffic-association.h"
#include "dimse-recorder.h"

G_BEGIN_DECLS

#define BENCH_TYPE_TRAFFIC_MODEL (bench_traffic_model_get_type ())
G_DECLARE_FINAL_TYPE (BenchTrafficModel, bench_traffic_model, BENCH, TRAFFIC_MODEL, GObject)

/* UI thread. */
BenchTrafficModel *bench_traffic_model_new (void);
/* BenchTrafficAssociation, the newest first. */
GListModel        *bench_traffic_model_get_associations (BenchTrafficModel *self);
BenchTrafficAssociation *bench_traffic_model_find (BenchTrafficModel *self, guint association_id);
guint              bench_traffic_model_get_n_events (BenchTrafficModel *self);
guint64            bench_traffic_model_get_raw_bytes_held (BenchTrafficModel *self);
/* Signal "batch-applied" (no arguments): after each batch. */

/* On the recorder's (worker) context: starts and stops following it. */
void               bench_traffic_model_attach (BenchTrafficModel *self, DimseRecorder *recorder);
void               bench_traffic_model_detach (BenchTrafficModel *self);
/* On the worker: the node (name may be NULL) and address an association
 * the application requested goes to; reaches the mirror with the next batch. */
void               bench_traffic_model_annotate (BenchTrafficModel *self, guint association_id,
                                                 const char *name, const char *host,
                                                 guint16 port);
/* On the worker: the request of association_id failed; when no PDU went
 * over the wire, there was no connection. */
void               bench_traffic_model_request_failed (BenchTrafficModel *self,
                                                       guint association_id);

/* DICOMweb (PS3.18) beside the recorder's associations: each operation
 * (a QIDO-RS search with its pages, a WADO-RS retrieve …) is one
 * association-like row whose items are its HTTP requests. Any thread: an
 * id for a new operation. */
guint              bench_traffic_model_new_web_operation (BenchTrafficModel *self);
/* On the worker: one request of operation_id to the node name (may be
 * NULL) at base_url, as the web client's "exchange-details" gave it;
 * reaches the mirror with the next batch. */
void               bench_traffic_model_record_web (BenchTrafficModel *self, guint operation_id,
                                                   const char *name, const char *base_url,
                                                   DimseWebExchange *exchange);
/* UI thread: forgets the DICOMweb operations (the recorder's clear does
 * not reach them). */
void               bench_traffic_model_clear_web (BenchTrafficModel *self);

G_END_DECLS
