/* dimse-recorder.h — the traffic recorder: every PDU and DIMSE message of
 * every association as an event in a GListModel, exported as JSON lines or
 * as a pcapng capture that Wireshark's DICOM dissector reads */
#pragma once

#include <gio/gio.h>
#include "dimse-message.h"
#include "dimse-tls-info.h"

G_BEGIN_DECLS

typedef enum {
  DIMSE_TRAFFIC_DIRECTION_NONE,      /* a note about the association, not traffic */
  DIMSE_TRAFFIC_DIRECTION_SENT,
  DIMSE_TRAFFIC_DIRECTION_RECEIVED,
} DimseTrafficDirection;

typedef enum {
  DIMSE_TRAFFIC_KIND_PDU,
  DIMSE_TRAFFIC_KIND_MESSAGE,
  DIMSE_TRAFFIC_KIND_NOTE,           /* association begun or ended */
} DimseTrafficKind;

#define DIMSE_RECORDER_DEFAULT_MAX_RAW_BYTES ((guint64) 64 * 1024 * 1024)
#define DIMSE_RECORDER_DEFAULT_MAX_EVENTS    100000

GType dimse_traffic_direction_get_type (void) G_GNUC_CONST;
GType dimse_traffic_kind_get_type (void) G_GNUC_CONST;
#define DIMSE_TYPE_TRAFFIC_DIRECTION (dimse_traffic_direction_get_type ())
#define DIMSE_TYPE_TRAFFIC_KIND (dimse_traffic_kind_get_type ())

/* "sent", "received", "none"; "pdu", "message", "note". */
const char *dimse_traffic_direction_to_string (DimseTrafficDirection direction);
const char *dimse_traffic_kind_to_string (DimseTrafficKind kind);

/* ---- one event: read-only properties ----
 * timestamp (gint64, µs since the Unix epoch), association-id, direction,
 * kind, pdu-type (0 unless a PDU), length (bytes on the wire; for a message,
 * its command set and the data set when held encoded), summary, details, raw-bytes (notified when
 * the byte budget drops them), malformed, and for messages command-field,
 * message-id (Message ID Being Responded To in a response), has-status,
 * status, presentation-context-id. */
#define DIMSE_TYPE_TRAFFIC_EVENT (dimse_traffic_event_get_type ())
G_DECLARE_FINAL_TYPE (DimseTrafficEvent, dimse_traffic_event, DIMSE, TRAFFIC_EVENT, GObject)

gint64                 dimse_traffic_event_get_timestamp (DimseTrafficEvent *event);
guint                  dimse_traffic_event_get_association_id (DimseTrafficEvent *event);
DimseTrafficDirection  dimse_traffic_event_get_direction (DimseTrafficEvent *event);
DimseTrafficKind       dimse_traffic_event_get_kind (DimseTrafficEvent *event);
guint8                 dimse_traffic_event_get_pdu_type (DimseTrafficEvent *event);
guint64                dimse_traffic_event_get_length (DimseTrafficEvent *event);
/* "A-ASSOCIATE-RQ DIMSEBENCH → STORESCP, 3 contexts" */
const char            *dimse_traffic_event_get_summary (DimseTrafficEvent *event);
/* Multi-line: the decoded fields with their names. */
const char            *dimse_traffic_event_get_details (DimseTrafficEvent *event);
/* The whole PDU as it went over the wire; NULL for messages and notes, and
 * once the recorder's byte budget has dropped it. */
GBytes                *dimse_traffic_event_get_raw_bytes (DimseTrafficEvent *event);
/* A message's data set as it was sent or received, encoded in *out_ts (a
 * data set built in memory: Explicit VR Little Endian); NULL for PDUs,
 * notes, messages without one, and once the recorder's byte budget has
 * dropped it (it counts against that budget with the raw bytes). Safe from
 * any thread; the caller owns the reference. */
GBytes                *dimse_traffic_event_dup_data_set (DimseTrafficEvent *event,
                                                          const DcmTransferSyntax **out_ts);
/* What carried the association, for its A-ASSOCIATE-RQ, -AC and -RJ
 * recorded once that was known: TRUE with *tls NULL for plain TCP, with
 * the TLS facts (owned by the event) for TLS. FALSE for other events and
 * for traffic whose transport the recorder was not told. */
gboolean               dimse_traffic_event_get_transport (DimseTrafficEvent *event,
                                                          DimseTlsInfo **tls);
/* A PDU that did not decode; the summary gives the reason. */
gboolean               dimse_traffic_event_get_malformed (DimseTrafficEvent *event);
DimseCommandField      dimse_traffic_event_get_command_field (DimseTrafficEvent *event);
guint16                dimse_traffic_event_get_message_id (DimseTrafficEvent *event);
gboolean               dimse_traffic_event_get_has_status (DimseTrafficEvent *event);
guint16                dimse_traffic_event_get_status (DimseTrafficEvent *event);
guint8                 dimse_traffic_event_get_presentation_context_id (DimseTrafficEvent *event);
/* For a C-STORE-RQ made as a C-MOVE sub-operation (PS3.7 §9.3.1.1): its
 * Move Originator Application Entity Title (0000,1030) and Message ID
 * (0000,1031). FALSE for any other event. */
gboolean               dimse_traffic_event_get_move_originator (DimseTrafficEvent *event,
                                                                const char **ae_title,
                                                                guint16 *message_id);

/* ---- the recorder ----
 * A GListModel of DimseTrafficEvent, oldest first. The model changes, and
 * emits items-changed, only on the GMainContext that was thread-default
 * when the recorder was created. The recording functions may be called
 * from any thread: they decode and describe in the calling thread and hand
 * the event to that context with g_main_context_invoke_full(), so from
 * another thread the event appears once that context runs. The exports
 * and the setters must be called on the recorder's context. */
#define DIMSE_TYPE_RECORDER (dimse_recorder_get_type ())
G_DECLARE_FINAL_TYPE (DimseRecorder, dimse_recorder, DIMSE, RECORDER, GObject)

DimseRecorder *dimse_recorder_new (void);

/* Also the read-write properties max-raw-bytes and max-events.
 * The raw bytes of all events together stay within max_raw_bytes: over it,
 * the oldest events lose their raw bytes (their summaries stay). */
void           dimse_recorder_set_max_raw_bytes (DimseRecorder *rec, guint64 max_raw_bytes);
guint64        dimse_recorder_get_max_raw_bytes (DimseRecorder *rec);
guint64        dimse_recorder_get_raw_bytes_held (DimseRecorder *rec);
/* Over max_events (at least 1) the oldest events are removed. */
void           dimse_recorder_set_max_events (DimseRecorder *rec, guint max_events);
guint          dimse_recorder_get_max_events (DimseRecorder *rec);
void           dimse_recorder_clear (DimseRecorder *rec);

/* Starts an association and records a note. local and peer may be NULL
 * when unknown (the pcapng export then uses loopback, the acceptor on port
 * 104). Returns the association id, never 0. */
guint          dimse_recorder_begin_association (DimseRecorder *rec,
                                                 GInetSocketAddress *local,
                                                 GInetSocketAddress *peer,
                                                 const char *calling_ae_title,
                                                 const char *called_ae_title,
                                                 gboolean is_requestor);
/* The addresses of association_id once its connection exists (a requestor
 * is recorded before it connects): those still unknown are set, and a note
 * "Association N connected" with them is recorded. */
void           dimse_recorder_set_addresses (DimseRecorder *rec, guint association_id,
                                             GInetSocketAddress *local,
                                             GInetSocketAddress *peer);
/* What carries association_id: tls NULL for plain TCP (referenced, not
 * copied). The A-ASSOCIATE PDUs recorded after it carry it in their
 * details and as dimse_traffic_event_get_transport(). */
void           dimse_recorder_set_transport (DimseRecorder *rec, guint association_id,
                                             DimseTlsInfo *tls);
/* TRUE once the transport of association_id is known, with *tls a new
 * reference to its TLS facts or NULL for plain TCP; FALSE (and *tls NULL)
 * for an association the recorder does not know or was not told of. Safe
 * from any thread. */
gboolean       dimse_recorder_dup_transport (DimseRecorder *rec, guint association_id,
                                             DimseTlsInfo **tls);
/* raw_pdu is the whole PDU, header included. A PDU that does not decode is
 * recorded as malformed, with the decoder's error as its summary. */
void           dimse_recorder_record_pdu (DimseRecorder *rec, guint association_id,
                                          DimseTrafficDirection direction, GBytes *raw_pdu);
/* Describes msg at the time of the call (the caller may change it later). */
void           dimse_recorder_record_message (DimseRecorder *rec, guint association_id,
                                              DimseTrafficDirection direction,
                                              guint8 presentation_context_id, DimseMessage *msg);
/* Records a note ("released", "aborted: …") and closes the TCP stream of
 * the pcapng export. */
void           dimse_recorder_end_association (DimseRecorder *rec, guint association_id,
                                               const char *reason);

/* One JSON object per line for each event of association_id (0: all):
 * time (ISO 8601), timestamp_us, association, direction, kind, pdu_type,
 * pdu_type_name, length, summary, details, malformed, raw (base64, when
 * kept) or raw_dropped, and for messages command_field, command, message_id,
 * status, status_meaning, presentation_context_id; for the A-ASSOCIATE
 * PDUs of an association whose transport is known, transport ("tcp" or
 * "tls") and for TLS tls: protocol_version, cipher_suite, verification and
 * peer_certificate (null, or subject, issuer, not_valid_before,
 * not_valid_after, sha256_fingerprint). */
gboolean       dimse_recorder_export_jsonl (DimseRecorder *rec, GOutputStream *out,
                                            guint association_id, GCancellable *cancellable,
                                            GError **error);
/* A pcapng capture (raw IPv4/IPv6 link) with one synthetic TCP connection
 * per association on its real addresses and ports: handshake, every PDU
 * whose raw bytes are kept as segments from the side that sent it, FIN
 * once the association ended. PDUs whose bytes were dropped are left out
 * (the stream stays contiguous) and a packet comment says so. */
gboolean       dimse_recorder_export_pcapng (DimseRecorder *rec, GOutputStream *out,
                                             guint association_id, GCancellable *cancellable,
                                             GError **error);

/* ---- C-MOVE and its C-STORE sub-operations (dimse-recorder-links.c) ----
 * A C-STORE-RQ received for a C-MOVE names the C-MOVE-RQ it serves by the
 * Move Originator AE Title and Message ID (PS3.7 §9.3.1.1): the C-MOVE-RQ
 * with that Message ID on an association whose calling AE title is the
 * Move Originator's (sent by us, or received when we are the one moving),
 * the latest one recorded before the C-STORE-RQ. */
typedef struct {
  guint association_id;   /* the association of the C-MOVE-RQ */
  guint position;         /* the C-MOVE-RQ event's position in the recorder */
} DimseRecorderLink;

/* The C-MOVE-RQ that the C-STORE-RQ event at position is a sub-operation
 * of. FALSE when that event is no C-STORE-RQ with a Move Originator, or
 * the recorder holds no such C-MOVE-RQ (any more). */
gboolean       dimse_recorder_find_move_for_store (DimseRecorder *rec, guint position,
                                                   DimseRecorderLink *out_link);
/* The C-STORE-RQ events (DimseRecorderLink: their association and
 * position) linked to the C-MOVE-RQ event at position, in order; empty
 * when there are none or that event is no C-MOVE-RQ. */
GArray        *dimse_recorder_find_stores_for_move (DimseRecorder *rec, guint position);

G_END_DECLS
