/* dimse-association.h — one DICOM association over a transport, driven by
 * the upper layer state machine of PS3.8 §9.2, carrying DIMSE messages
 * (PS3.7 §6, PS3.8 Annex E) */
#pragma once

#include <gio/gio.h>

#include "dimse-message.h"
#include "dimse-negotiation.h"
#include "dimse-recorder.h"
#include "dimse-transport.h"
#include "dimse-ul-fsm.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_ASSOCIATION (dimse_association_get_type ())
G_DECLARE_FINAL_TYPE (DimseAssociation, dimse_association, DIMSE, ASSOCIATION, GObject)

/* In milliseconds; none may be infinite (0 takes the default). */
typedef struct {
  guint connect_timeout_ms;  /* TCP connect (and TLS handshake): 30 s */
  guint artim_timeout_ms;    /* PS3.8 §9.1.5 ARTIM, and the wait for an -AC: 30 s */
  guint dimse_timeout_ms;    /* waiting for a response to a request: 60 s */
  guint idle_timeout_ms;     /* no PDU either way while established: 10 min */
} DimseTimeouts;

void dimse_timeouts_init (DimseTimeouts *timeouts);

/* Why an association ended, as the "closed" signal says. */
typedef enum {
  DIMSE_CLOSE_RELEASED,         /* A-RELEASE completed */
  DIMSE_CLOSE_REJECTED,         /* A-ASSOCIATE-RJ sent or received */
  DIMSE_CLOSE_ABORTED,          /* A-ABORT sent or received, or A-P-ABORT */
  DIMSE_CLOSE_CONNECTION_LOST,  /* transport closed without either */
  DIMSE_CLOSE_TIMEOUT,          /* ARTIM or idle timer expired */
} DimseCloseReason;

const char *dimse_close_reason_to_string (DimseCloseReason reason);

/* Decides, once the command of a message with a data set has arrived,
 * whether its data set is streamed to a file as its fragments come in
 * (return the file to create or replace, a new reference) or kept in
 * memory (return NULL). A service sets this for C-STORE-RQ. A file whose
 * data set never arrives whole (the association ends first) is closed and
 * deleted by the association, once any write to it under way is done. */
typedef GFile *(*DimseDataSetSinkFunc) (DimseAssociation *assoc, guint8 presentation_context_id,
                                        DimseMessage *command, gpointer user_data);
/* The same decision, for a sink that opens the stream itself (a file it
 * has already written a prefix to, say): return the stream (a new
 * reference) for the association to write each fragment of the data set
 * to, in order and synchronously (a local file's writes go to the page
 * cache), without closing it; return NULL with error set to refuse the
 * data set (the rest of it is read and dropped and the request delivered
 * with the error as its sink error), or NULL without error to keep it in
 * memory. The request is then emitted without a data set file: the sink
 * knows its stream. A data set that never arrives whole is only dropped
 * (the sink learns it from "closed"). */
typedef GOutputStream *(*DimseDataSetStreamSinkFunc) (DimseAssociation *assoc,
                                                      guint8 presentation_context_id,
                                                      DimseMessage *command,
                                                      gpointer user_data, GError **error);

#define DIMSE_ASSOCIATION_DEFAULT_MAX_DATA_SET_IN_MEMORY ((guint64) 256 * 1024 * 1024)
/* PS3.7 §6.3.1 sets no limit; no real command set comes near this. */
#define DIMSE_ASSOCIATION_MAX_COMMAND_LENGTH (64 * 1024)

/* ---- requestor ----
 * Connects to host:port, sends the A-ASSOCIATE-RQ built from params and
 * waits for the answer. timeouts and tls may be NULL (defaults; no TLS).
 * Errors: DIMSE_ERROR_ASSOCIATION_REJECTED with the -RJ's fields in words,
 * _ASSOCIATION_ABORTED with the A-ABORT's source and reason, _CONNECTION
 * naming host:port and the system's reason, _TIMEOUT, _PDU_INVALID when the
 * -AC breaks the negotiation (we abort). */
void              dimse_association_request_async (const DimseAssociationParams *params,
                                                   const char *host, guint16 port,
                                                   const DimseTimeouts *timeouts,
                                                   const DimseTlsSettings *tls,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
/* The same, recording the association's traffic in recorder (may be NULL)
 * from its first PDU on: the A-ASSOCIATE-RQ as sent, then the -AC, -RJ or
 * A-ABORT as received, so that a refused request is recorded as well.
 * Returns the recorder's association id (0 without recorder); finish with
 * dimse_association_request_finish. */
guint             dimse_association_request_full_async (const DimseAssociationParams *params,
                                                        const char *host, guint16 port,
                                                        const DimseTimeouts *timeouts,
                                                        const DimseTlsSettings *tls,
                                                        DimseRecorder *recorder,
                                                        GCancellable *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer user_data);
DimseAssociation *dimse_association_request_finish (GAsyncResult *result, GError **error);

/* ---- acceptor (DimseServer uses this) ----
 * Waits (ARTIM) for the A-ASSOCIATE-RQ on transport and answers it by
 * policy (which must outlive the call). With refuse_local_limit every -RQ
 * is answered with A-ASSOCIATE-RJ (transient, service provider
 * presentation, local limit exceeded). Finishes with the association once
 * the -AC is sent; DIMSE_ERROR_ASSOCIATION_REJECTED when we rejected it. */
void              dimse_association_accept_async (DimseTransport *transport,
                                                  const DimseAcceptorPolicy *policy,
                                                  const DimseTimeouts *timeouts,
                                                  gboolean refuse_local_limit,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
/* Asked once the A-ASSOCIATE-RQ has arrived, before it is answered: TRUE
 * to answer it with A-ASSOCIATE-RJ (transient, service provider
 * presentation, local limit exceeded). */
typedef gboolean (*DimseAcceptLimitFunc) (gpointer user_data);
/* As dimse_association_accept_async, the local limit decided by limit_func
 * (may be NULL: never refused) when the -RQ arrives rather than at the call,
 * so that connections that never send one do not count against it. */
void              dimse_association_accept_full_async (DimseTransport *transport,
                                                       const DimseAcceptorPolicy *policy,
                                                       const DimseTimeouts *timeouts,
                                                       DimseAcceptLimitFunc limit_func,
                                                       gpointer limit_data,
                                                       GCancellable *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer user_data);
/* Asked once the A-ASSOCIATE-RQ has arrived, after the local limit and
 * before the policy: the calling AE title it names and the address it came
 * from (NULL when unknown). FALSE to answer it with A-ASSOCIATE-RJ
 * (rejected permanent, service user, calling AE title not recognized), for
 * instance for an AE title bound to another address. */
typedef gboolean (*DimseAcceptPeerFunc) (const char *calling_ae_title,
                                         GInetSocketAddress *remote,
                                         gpointer user_data);
/* What else an acceptor may be told; zero-initialised, the defaults. */
typedef struct {
  DimseAcceptLimitFunc limit_func;   /* as for dimse_association_accept_full_async */
  gpointer             limit_data;
  DimseAcceptPeerFunc  peer_func;    /* may be NULL: any peer the policy lets in */
  gpointer             peer_data;
  /* g_get_monotonic_time () by which the A-ASSOCIATE-RQ must have arrived,
   * so that ARTIM bounds the TLS handshake and the -RQ together; 0: ARTIM
   * from the call. */
  gint64               rq_deadline;
  /* The largest A-ASSOCIATE-RQ (PDU length) read; a longer one is
   * answered with A-ABORT before its body is read (PS3.8 sets no maximum:
   * this bounds what a peer can make us hold). 0 =
   * DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH. */
  guint32              max_associate_rq_length;
} DimseAcceptOptions;

void              dimse_association_accept_with_options_async (DimseTransport *transport,
                                                               const DimseAcceptorPolicy *policy,
                                                               const DimseTimeouts *timeouts,
                                                               const DimseAcceptOptions *options,
                                                               GCancellable *cancellable,
                                                               GAsyncReadyCallback callback,
                                                               gpointer user_data);
DimseAssociation *dimse_association_accept_finish (GAsyncResult *result, GError **error);

/* ---- state ---- */
gboolean                      dimse_association_is_requestor (DimseAssociation *assoc);
gboolean                      dimse_association_is_established (DimseAssociation *assoc);
DimseUlState                  dimse_association_get_state (DimseAssociation *assoc);
/* What was agreed; NULL until the association is established. */
const DimseNegotiationResult *dimse_association_get_negotiation (DimseAssociation *assoc);
DimseTransport               *dimse_association_get_transport (DimseAssociation *assoc);
const char                   *dimse_association_get_peer_name (DimseAssociation *assoc);
/* The raw A-ASSOCIATE-RQ and its -AC or -RJ as they went over the wire
 * (NULL while not yet sent or received), for a recorder that connects to
 * "pdu-sent"/"pdu-received" only once the association is established. */
void                          dimse_association_get_associate_exchange (DimseAssociation *assoc,
                                                                        GBytes **rq,
                                                                        GBytes **reply);

/* ---- messages ----
 * Incoming requests are emitted as "request-received" (guint8 presentation
 * context ID, DimseMessage *, GFile *data set file or NULL): the handler
 * answers with dimse_association_send_message_async. Incoming responses go
 * to a queue per outstanding request, read with
 * dimse_association_receive_response_async; a response to no outstanding
 * request is dropped (logged at debug level).
 *
 * Every incoming command set is first checked with dimse_message_validate
 * (the tables of PS3.7 §9.3, §10.3):
 * - an invalid request is not emitted; it is answered here with a failure
 *   whose Error Comment (0000,0902) says what was wrong: 0xC000 (the
 *   "Cannot Understand"/"Unable to Process" range PS3.4 gives C-STORE,
 *   C-FIND, C-GET and C-MOVE) or 0x0212 Mistyped Argument (PS3.7 Annex C,
 *   the failure C-ECHO and the N- services list for a bad parameter). One
 *   that cannot be answered (no Message ID, no known Command Field, an
 *   invalid C-CANCEL-RQ) aborts the association (service provider,
 *   invalid PDU parameter value);
 * - a request arriving while no handler is connected to "request-received"
 *   is answered with 0x0211 Unrecognized Operation (PS3.7 Annex C);
 * - a request reusing the Message ID of one still being performed is
 *   answered with 0x0210 Duplicate Invocation (PS3.7 Annex C);
 * - a request beyond the negotiated window of operations we perform
 *   (PS3.7 §D.3.3.3, which forbids the peer to exceed it) aborts the
 *   association (service provider, unexpected PDU parameter): queueing
 *   would hide the peer's fault and hold its other messages hostage;
 * - an invalid response ends the wait for it with
 *   DIMSE_ERROR_MESSAGE_INVALID naming the field (logged); one without a
 *   Message ID Being Responded To cannot be routed and is dropped.
 *
 * A C-CANCEL-RQ is not emitted: it cancels the GCancellable of the request
 * it names (dimse_association_get_request_cancellable), and one naming no
 * request being performed is ignored (logged at debug level): PS3.7
 * §9.3.2.3 gives the C-CANCEL no response, and the operation it would
 * cancel has ended. */
void      dimse_association_set_data_set_sink (DimseAssociation *assoc,
                                               DimseDataSetSinkFunc func, gpointer user_data,
                                               GDestroyNotify destroy);
/* Sets a stream sink instead of a file sink (the one replaces the other). */
void      dimse_association_set_data_set_stream_sink (DimseAssociation *assoc,
                                                      DimseDataSetStreamSinkFunc func,
                                                      gpointer user_data,
                                                      GDestroyNotify destroy);
/* While "request-received" runs: why the request's data set could not be
 * streamed to the file the sink chose (the file could not be created, or a
 * write or its close failed, e.g. a full disk), or NULL. Such a failure
 * does not end the association: the rest of that data set is read and
 * dropped, the partial file deleted, and the request emitted with no data
 * set file, for its handler to refuse (PS3.4 §B.2.3, Out of Resources). A
 * response whose data set met the same fate fails its wait with it. */
const GError *dimse_association_get_sink_error (DimseAssociation *assoc);
/* Over this size a data set kept in memory aborts the association. */
void      dimse_association_set_max_data_set_in_memory (DimseAssociation *assoc,
                                                        guint64 max_bytes);

/* Message IDs 1 to 65535 in turn, skipping those of outstanding requests. */
guint16   dimse_association_next_message_id (DimseAssociation *assoc);

/* Sends msg on the accepted presentation context: the command in Implicit
 * VR Little Endian, the data set (parsed, or bytes already in the context's
 * transfer syntax) fragmented into P-DATA-TF PDUs within the peer's maximum
 * PDU length, written with vectored writes and no copy of the data set.
 * A request (other than C-CANCEL-RQ) becomes outstanding until a response
 * with a status other than pending arrives; when the negotiated
 * asynchronous operations window is full the call fails with
 * DIMSE_ERROR_LIMIT rather than waiting (the caller decides whether to wait
 * for a response first). Other errors: DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
 * DIMSE_ERROR_MESSAGE_INVALID (no data set in that syntax),
 * DIMSE_ERROR_PDU_UNEXPECTED when not established, _CONNECTION. */
void      dimse_association_send_message_async (DimseAssociation *assoc,
                                                guint8 presentation_context_id,
                                                DimseMessage *msg, GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
gboolean  dimse_association_send_message_finish (DimseAssociation *assoc, GAsyncResult *result,
                                                 GError **error);
/* The same for a message whose data set, already encoded in the context's
 * transfer syntax, is read from data_set (length bytes, a local file's
 * stream: read synchronously) as it goes out, a few fragments at a time,
 * so that a data set of any size is sent in bounded memory. msg must say
 * that a data set follows (Command Data Set Type) and hold none. Other
 * messages sent meanwhile go out after it (PS3.8 Annex E: no interleaving).
 * A data set that cannot be read to its end aborts the association.
 * Finish with dimse_association_send_message_finish. */
void      dimse_association_send_message_streaming_async (DimseAssociation *assoc,
                                                          guint8 presentation_context_id,
                                                          DimseMessage *msg,
                                                          GInputStream *data_set,
                                                          guint64 length,
                                                          GCancellable *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer user_data);

/* The next response to the outstanding request message_id, in order of
 * arrival (a C-FIND gives many pending ones, then the final one). Fails
 * with DIMSE_ERROR_TIMEOUT after the DIMSE timeout (the request stays
 * outstanding: wait again or abort), DIMSE_ERROR_LIMIT for a message ID
 * that is not outstanding, _ASSOCIATION_ABORTED/_RELEASED/_CONNECTION when
 * the association ends first. *data_set_file (may be NULL) is the file the
 * sink chose for the response's data set, or NULL. */
void          dimse_association_receive_response_async (DimseAssociation *assoc,
                                                        guint16 message_id,
                                                        GCancellable *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer user_data);
DimseMessage *dimse_association_receive_response_finish (DimseAssociation *assoc,
                                                         GAsyncResult *result,
                                                         GFile **data_set_file,
                                                         GError **error);

/* The cancellable of the request message_id the peer sent, which the
 * association cancels when a C-CANCEL-RQ for it arrives (PS3.7 §9.3.2.3):
 * a C-FIND, C-GET or C-MOVE handler passes it to its work and
 * answers with the Cancel status (FE00) once it stops. A new reference;
 * NULL once the final response to it has been sent, or for an unknown ID. */
GCancellable *dimse_association_get_request_cancellable (DimseAssociation *assoc,
                                                         guint16 message_id);

/* Sends a C-CANCEL-RQ for our outstanding request message_id, on the
 * presentation context the request went on; its responses still arrive
 * (the last with status Cancel, FE00, or a final one sent before the
 * cancel arrived). DIMSE_ERROR_LIMIT when message_id is not outstanding;
 * otherwise the errors of dimse_association_send_message_async. */
void      dimse_association_send_cancel_async (DimseAssociation *assoc, guint16 message_id,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
gboolean  dimse_association_send_cancel_finish (DimseAssociation *assoc, GAsyncResult *result,
                                                GError **error);

/* ---- ending ----
 * A-RELEASE-RQ, then the -RP (a release collision is resolved by the
 * state machine, PS3.8 §9.2.2); finishes once the transport is closed. */
void      dimse_association_release_async (DimseAssociation *assoc, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean  dimse_association_release_finish (DimseAssociation *assoc, GAsyncResult *result,
                                            GError **error);
/* Sends A-ABORT with source and reason (PS3.8 Table 9-26) and closes. */
void      dimse_association_abort (DimseAssociation *assoc, DimseAbortSource source,
                                   DimseAbortReason reason);

/* Records the association's traffic in recorder from now on, beginning
 * with the A-ASSOCIATE exchange already done: call it in the callback that
 * receives the association (reading waits for _finish, so no later PDU is
 * missed). Returns the recorder's association id. */
guint     dimse_association_set_recorder (DimseAssociation *assoc, DimseRecorder *recorder);

/* Signals:
 * "request-received" (guint8 pc_id, DimseMessage *msg, GFile *data_set_file)
 * "closed" (DimseCloseReason reason, const char *description): once, when
 *   the transport is closed, or when a requestor's connection could not be
 *   made (DIMSE_CLOSE_CONNECTION_LOST) or was cancelled while being made
 *   (DIMSE_CLOSE_ABORTED); description in words ("Aborted by the peer:
 *   Service User, Not Specified").
 * "message-sent", "message-received" (guint8 pc_id, DimseMessage *msg):
 *   every DIMSE message, requests and responses, as it is queued for
 *   writing or once it has arrived whole (for the traffic recorder).
 * "pdu-sent", "pdu-received" (GBytes *raw_pdu): every PDU, header
 *   included, for the traffic recorder; a P-DATA-TF is only assembled into
 *   one buffer when a handler is connected. The A-ASSOCIATE exchange
 *   happens before the caller holds the association: see
 *   dimse_association_get_associate_exchange. */

G_END_DECLS
