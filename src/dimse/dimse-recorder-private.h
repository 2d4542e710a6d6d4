/* dimse-recorder-private.h — what the recorder's files share */
#pragma once

#include "dimse-recorder.h"

G_BEGIN_DECLS

DimseTrafficEvent *dimse_traffic_event_new (gint64 timestamp, guint association_id,
                                            DimseTrafficDirection direction,
                                            DimseTrafficKind kind);
/* Takes summary and details. */
void    dimse_traffic_event_take_text (DimseTrafficEvent *event, char *summary, char *details);
void    dimse_traffic_event_set_pdu (DimseTrafficEvent *event, guint8 pdu_type, guint64 length,
                                     GBytes *raw_bytes, gboolean malformed);
void    dimse_traffic_event_set_message (DimseTrafficEvent *event, DimseCommandField field,
                                         guint16 message_id, gboolean has_status,
                                         guint16 status, guint8 presentation_context_id,
                                         guint64 length);
/* PS3.7 §9.3.1.1: a C-STORE-RQ of a C-MOVE sub-operation carries both. */
void    dimse_traffic_event_set_move_originator (DimseTrafficEvent *event, const char *ae_title,
                                                 guint16 message_id);
void    dimse_traffic_event_set_timestamp (DimseTrafficEvent *event, gint64 timestamp);
/* A note that closes its association. */
void     dimse_traffic_event_mark_end (DimseTrafficEvent *event);
gboolean dimse_traffic_event_is_end (DimseTrafficEvent *event);
/* A message's data set as encoded in ts; counts against the byte budget. */
void    dimse_traffic_event_set_data_set (DimseTrafficEvent *event, GBytes *data_set,
                                          const DcmTransferSyntax *ts);
/* What carried the event's association; tls NULL for plain TCP. */
void    dimse_traffic_event_set_transport (DimseTrafficEvent *event, DimseTlsInfo *tls);
/* The raw bytes and the data set together. */
gsize   dimse_traffic_event_get_held_bytes (DimseTrafficEvent *event);
/* Drops the raw bytes (notifying raw-bytes) and the data set; returns how
 * many bytes both held. */
gsize   dimse_traffic_event_drop_raw_bytes (DimseTrafficEvent *event);

/* What the recorder knows of an association. The addresses and flags are
 * fixed at its start; abstract_syntaxes (presentation context id → UID of
 * the last A-ASSOCIATE-RQ) changes under the recorder's lock. */
typedef struct {
  guint               id;
  GInetSocketAddress *local;
  GInetSocketAddress *peer;
  char               *calling_ae_title;
  char               *called_ae_title;
  gboolean            is_requestor;
  GHashTable         *abstract_syntaxes;
  gboolean            transport_known;
  DimseTlsInfo       *tls;             /* NULL: plain TCP, or not known */
} DimseRecorderAssociation;

/* Building events (dimse-recorder-describe.c). assoc is locked by the caller
 * and may be NULL for an association the recorder does not know. */
DimseTrafficEvent *dimse_recorder_describe_pdu (DimseRecorderAssociation *assoc,
                                                guint association_id,
                                                DimseTrafficDirection direction,
                                                GBytes *raw_pdu);
DimseTrafficEvent *dimse_recorder_describe_message (guint association_id,
                                                    DimseTrafficDirection direction,
                                                    guint8 presentation_context_id,
                                                    DimseMessage *msg);

/* The addresses of an association in TCP terms: the requestor is the
 * client. Missing ones become loopback, the server on port 104; an unknown
 * association gets both, as requestor, and FALSE. */
gboolean dimse_recorder_get_endpoints (DimseRecorder *rec, guint association_id,
                                       GInetSocketAddress **client,
                                       GInetSocketAddress **server,
                                       gboolean *is_requestor);
guint              dimse_recorder_n_events (DimseRecorder *rec);
/* The AE titles an association was begun with (new strings); FALSE for
 * an association the recorder does not know. */
gboolean           dimse_recorder_dup_ae_titles (DimseRecorder *rec, guint association_id,
                                                 char **calling_ae_title,
                                                 char **called_ae_title);
/* The recording functions with the time the traffic happened (µs since
 * the Unix epoch) rather than now, for traffic read back from a capture. */
guint              dimse_recorder_begin_association_at (DimseRecorder *rec,
                                                        GInetSocketAddress *local,
                                                        GInetSocketAddress *peer,
                                                        const char *calling_ae_title,
                                                        const char *called_ae_title,
                                                        gboolean is_requestor,
                                                        gint64 timestamp);
void               dimse_recorder_record_pdu_at (DimseRecorder *rec, guint association_id,
                                                 DimseTrafficDirection direction,
                                                 GBytes *raw_pdu, gint64 timestamp);
void               dimse_recorder_record_message_at (DimseRecorder *rec, guint association_id,
                                                     DimseTrafficDirection direction,
                                                     guint8 presentation_context_id,
                                                     DimseMessage *msg, gint64 timestamp);
void               dimse_recorder_end_association_at (DimseRecorder *rec, guint association_id,
                                                      const char *reason, gint64 timestamp);
DimseTrafficEvent *dimse_recorder_peek_event (DimseRecorder *rec, guint position);

G_END_DECLS
