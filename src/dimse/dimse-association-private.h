/* dimse-association-private.h — what the dimse-association*.c files share */
#pragma once

#include "dimse-association.h"

G_BEGIN_DECLS

/* Where the reassembly of the incoming message stands (PS3.8 Annex E). */
typedef enum {
  RX_EXPECT_COMMAND,
  RX_IN_COMMAND,
  RX_EXPECT_DATA,
  RX_IN_DATA,
} RxPhase;

/* A request we sent that has not had its final response yet. */
typedef struct {
  DimseAssociation *assoc;       /* not a reference: the table holds the operation */
  guint16           message_id;
  guint8            presentation_context_id;  /* a C-CANCEL-RQ goes on the same */
  gboolean          done;        /* final response received */
  GQueue            responses;   /* Received* */
  GTask            *waiter;
  GSource          *timeout;
  GCancellable     *cancellable; /* the waiter's */
  gulong            cancel_handler;
} Operation;

typedef struct {
  DimseMessage *msg;
  GFile        *data_set_file;
  GError       *error;          /* the response broke its PS3.7 table */
} Received;

struct _DimseAssociation
{
  GObject                 parent_instance;
  GMainContext           *context;
  DimseTimeouts           timeouts;
  DimseUlFsm              fsm;
  DimseTransport         *transport;
  GCancellable           *cancellable;  /* our own, for the transport */
  char                   *peer_name;

  /* negotiation */
  DimsePdu               *rq;             /* the A-ASSOCIATE-RQ sent or received */
  GBytes                 *raw_rq;
  GBytes                 *raw_reply;      /* the -AC or -RJ */
  DimseNegotiationResult *result;
  const DimseAcceptorPolicy *policy;
  gboolean                refuse_local_limit;
  GTask                  *establish_task; /* request or accept */
  GSource                *establish_timeout;

  /* timers */
  GSource                *artim;
  GSource                *idle;
  gint64                  last_activity;

  /* ending */
  GTask                  *release_task;
  gboolean                closed;
  gboolean                close_reason_set;
  DimseCloseReason        close_reason;
  char                   *close_description;

  /* receiving */
  gboolean                reading;
  gboolean                in_read_loop;   /* handling PDUs already buffered */
  gboolean                read_again;     /* the PDU handled asked for the next */
  guint32                 max_associate_length;  /* of an -RQ or -AC; 0 = default */
  gint64                  rq_deadline;    /* acceptor: monotonic time; 0: ARTIM */
  gboolean                hold_reading;
  DimsePdu               *rx_pdu;         /* P-DATA-TF being processed */
  guint                   rx_index;       /* next PDV in it */
  RxPhase                 rx_phase;
  guint8                  rx_pc_id;
  GByteArray             *rx_command;
  DimseMessage           *rx_msg;
  GByteArray             *rx_data;        /* data set kept in memory */
  GFile                  *rx_file;        /* or streamed to this file */
  GOutputStream          *rx_out;
  GOutputStream          *rx_stream;      /* or written to the stream sink's stream */
  gboolean                rx_writing;     /* a write or close of rx_out is under way */
  GBytes                 *rx_write_buffer; /* what the write reads: kept past a close */
  gboolean                rx_discarding;  /* the sink failed: the rest of the data set is dropped */
  GError                 *rx_sink_error;  /* why */
  const GError           *delivered_sink_error;  /* while "request-received" runs */
  guint64                 rx_data_size;
  guint64                 max_data_set_in_memory;
  DimseDataSetSinkFunc    sink;
  DimseDataSetStreamSinkFunc stream_sink;  /* instead of sink; shares its data */
  gpointer                sink_data;
  GDestroyNotify          sink_destroy;

  /* sending */
  guint16                 last_message_id;
  gboolean                tx_streaming;   /* a data set is going out from a stream */
  GQueue                  tx_deferred;    /* DeferredSend*: messages that wait for it */
  GHashTable             *operations;     /* message ID → Operation* */

  /* performing: message ID → GCancellable* of each request the peer sent
   * that has not had its final response yet */
  GHashTable             *incoming;
};

enum {
  SIGNAL_REQUEST_RECEIVED,
  SIGNAL_CLOSED,
  SIGNAL_MESSAGE_SENT,
  SIGNAL_MESSAGE_RECEIVED,
  SIGNAL_PDU_SENT,
  SIGNAL_PDU_RECEIVED,
  N_SIGNALS,
};

extern guint dimse_association_signals[N_SIGNALS];

/* dimse-association.c */
void     dimse_association_clear_source (GSource **source);
GSource *dimse_association_add_timeout (DimseAssociation *self, guint ms, GSourceFunc func);
/* Feeds one event to the state machine and performs the step, in the
 * order PS3.8 §9.2 gives; primitive (not taken) is the local user's PDU. */
gboolean dimse_association_drive (DimseAssociation *self, DimseUlEvent event,
                                  const DimseUlContext *ctx, const DimsePdu *primitive,
                                  DimseUlStep *out_step);
void     dimse_association_answer_release (DimseAssociation *self);
void     dimse_association_schedule_idle (DimseAssociation *self, guint ms);
G_GNUC_PRINTF (3, 4)
void     dimse_association_set_close_reason (DimseAssociation *self, DimseCloseReason reason,
                                             const char *format, ...);
DimseAssociation *dimse_association_new_internal (const DimseTimeouts *timeouts);
/* The error that pending and later operations fail with once closed. */
GError  *dimse_association_close_error (DimseAssociation *self);
/* Ends the association once (closed, pending tasks failed, "closed"
 * emitted): when the state machine is back in Sta1, or when a requestor's
 * connect failed or was cancelled. */
void     dimse_association_finish_closed (DimseAssociation *self);
void     dimse_association_fail (DimseAssociation *self, DimseAbortReason reason,
                                 const char *why);
void     dimse_association_send_pdu (DimseAssociation *self, DimsePdu *pdu);
void     dimse_association_send_buffers (DimseAssociation *self, GPtrArray *buffers,
                                         GTask *task);
void     dimse_association_touch (DimseAssociation *self);
void     dimse_association_resume_reading (DimseAssociation *self);

/* dimse-association-setup.c */
void     dimse_association_on_associate_rq (DimseAssociation *self, DimsePdu *pdu);
void     dimse_association_on_associate_ac (DimseAssociation *self, DimsePdu *pdu);
void     dimse_association_on_associate_rj (DimseAssociation *self, DimsePdu *pdu);
/* Fails the pending request or accept with G_IO_ERROR_CANCELLED and aborts. */
gboolean dimse_association_cancel_establishing (DimseAssociation *self);

/* dimse-association-data.c */
void     dimse_association_rx_reset (DimseAssociation *self);
/* Handles the PDVs of self->rx_pdu from self->rx_index on; resumes
 * reading once they are all consumed. */
void     dimse_association_process_pdvs (DimseAssociation *self);
/* Fails every outstanding operation's waiter with error. */
void     dimse_association_fail_operations (DimseAssociation *self, const GError *error);
void     dimse_operation_free (Operation *op);

/* dimse-association-incoming.c */
/* Validates a request the peer sent and registers it as performed; FALSE
 * when it must not reach the handler (a C-CANCEL-RQ, which cancels its
 * request, or a request answered or aborted here). */
gboolean dimse_association_admit_request (DimseAssociation *self, guint8 pc_id,
                                          DimseMessage *msg);
/* Validates a response; sets received->error when it is invalid. */
void     dimse_association_check_response (DimseAssociation *self, Received *received);
/* Ends the performed request msg answers when its status is final. */
void     dimse_association_response_sent (DimseAssociation *self, DimseMessage *msg);

G_END_DECLS
