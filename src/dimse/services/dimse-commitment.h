/* dimse-commitment.h — the Storage Commitment Push Model SOP Class
 * (PS3.4 Annex J): the SCU's N-ACTION request and the N-EVENT-REPORT it
 * waits for, on the same association or on one the SCP opens back; the
 * SCP that answers from the instances it really holds */
#pragma once

#include <gio/gio.h>

#include "dimse-archive-index.h"
#include "dimse-association.h"
#include "dimse-nservice.h"
#include "dimse-nservice-provider.h"

G_BEGIN_DECLS

/* PS3.4 §J.3.2.1: Action Type ID of "Request Storage Commitment". */
#define DIMSE_COMMITMENT_ACTION_REQUEST 1
/* PS3.4 §J.3.3.1: Event Type IDs of the result. */
#define DIMSE_COMMITMENT_EVENT_SUCCESS 1
#define DIMSE_COMMITMENT_EVENT_FAILURES_EXIST 2

/* One referenced instance; failure_reason (0008,1197) is 0 for a
 * committed one, else a code of PS3.4 Table J.3-2 (0110H, 0112H, 0119H,
 * 0122H, 0131H, 0213H). */
typedef struct {
  char    *sop_class_uid;
  char    *sop_instance_uid;
  guint16  failure_reason;
} DimseCommitmentItem;

DimseCommitmentItem *dimse_commitment_item_new (const char *sop_class_uid,
                                                const char *sop_instance_uid,
                                                guint16 failure_reason);
void                 dimse_commitment_item_free (DimseCommitmentItem *item);
/* "No Such Object Instance" … for a Failure Reason of Table J.3-2. */
const char          *dimse_commitment_failure_reason_name (guint16 failure_reason);

/* A Storage Commitment Result (PS3.4 Table J.3-2). */
typedef struct {
  char      *transaction_uid;
  guint16    event_type_id;
  GPtrArray *committed;       /* DimseCommitmentItem*: Referenced SOP Sequence */
  GPtrArray *failed;          /* DimseCommitmentItem*: Failed SOP Sequence */
  char      *peer_ae_title;   /* who sent it */
  gboolean   on_new_association;  /* on one the SCP requested, not ours */
} DimseCommitmentResult;

void dimse_commitment_result_free (DimseCommitmentResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseCommitmentResult, dimse_commitment_result_free)

/* ---- SCU ---- */
/* The Action Information of PS3.4 Table J.3-1 for items (DimseCommitmentItem*). */
DcmDataSet *dimse_commitment_build_action_information (const char *transaction_uid,
                                                       GPtrArray *items, GError **error);
/* Reads an Event Information (PS3.4 Table J.3-2). Errors: DIMSE_ERROR_MESSAGE_INVALID
 * naming what is missing. */
DimseCommitmentResult *dimse_commitment_result_from_data_set (DcmDataSet *event_information,
                                                              guint16 event_type_id,
                                                              GError **error);
/* Sends the N-ACTION-RQ (Action Type 1 on the well-known instance,
 * PS3.4 §J.3.2.1.2); finish with dimse_n_request_finish. */
void        dimse_commitment_request_async (DimseAssociation *assoc,
                                            const char *transaction_uid, GPtrArray *items,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);

#define DIMSE_TYPE_COMMITMENT_LISTENER (dimse_commitment_listener_get_type ())
G_DECLARE_FINAL_TYPE (DimseCommitmentListener, dimse_commitment_listener, DIMSE,
                      COMMITMENT_LISTENER, GObject)

/* Takes the N-EVENT-REPORTs of storage commitment on every association it
 * is attached to, answering each (0000H; 0113H for an Event Type ID that
 * is not 1 or 2; 0115H for Event Information without Transaction UID or
 * with a broken sequence), and keeps the results by Transaction UID. */
DimseCommitmentListener *dimse_commitment_listener_new (void);
gulong   dimse_commitment_listener_attach (DimseCommitmentListener *listener,
                                           DimseAssociation *assoc);
/* For a server that takes reports on new associations: accepts the Storage
 * Commitment Push Model SOP class with the SCU role for us (PS3.4 §J.3.3.1.3:
 * the SCP proposes itself as SCP) and the default roles too. */
void     dimse_commitment_listener_add_to_policy (DimseAcceptorPolicy *policy);
/* Waits until the result for transaction_uid has come (at once when it has),
 * at most timeout_ms (0: no limit). Errors: DIMSE_ERROR_TIMEOUT, G_IO_ERROR_CANCELLED. */
void     dimse_commitment_listener_wait_async (DimseCommitmentListener *listener,
                                               const char *transaction_uid, guint timeout_ms,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
DimseCommitmentResult *dimse_commitment_listener_wait_finish (DimseCommitmentListener *listener,
                                                              GAsyncResult *result,
                                                              GError **error);
/* Signal "result" (gpointer DimseCommitmentResult *, owned by the listener). */

/* ---- SCP ---- */
/* 0 when the SOP instance is held, else the Failure Reason. */
typedef guint16 (*DimseCommitmentLookupFunc) (const char *sop_class_uid,
                                              const char *sop_instance_uid,
                                              gpointer user_data);

/* Where the N-EVENT-REPORT goes (PS3.4 §J.3.3.1.2). */
typedef enum {
  DIMSE_COMMITMENT_REPORT_AUTO,  /* the N-ACTION's association while it is open, else new */
  DIMSE_COMMITMENT_REPORT_SAME_ASSOCIATION,
  DIMSE_COMMITMENT_REPORT_NEW_ASSOCIATION,
} DimseCommitmentReportMode;

#define DIMSE_TYPE_COMMITMENT_SCP (dimse_commitment_scp_get_type ())
G_DECLARE_FINAL_TYPE (DimseCommitmentScp, dimse_commitment_scp, DIMSE, COMMITMENT_SCP, GObject)

DimseCommitmentScp *dimse_commitment_scp_new (DimseCommitmentLookupFunc lookup,
                                              gpointer user_data, GDestroyNotify destroy);
/* Looks instances up in index (held: same SOP class; 0119H when the class
 * differs, 0112H when unknown). */
DimseCommitmentScp *dimse_commitment_scp_new_for_index (DimseArchiveIndex *index);
/* Manages the Storage Commitment Push Model SOP class and its well-known
 * instance (PS3.4 §J.3.5) in provider: N-ACTION (Action Type 1) answered
 * with 0000H once the request is read (0123H another Action Type ID, 0115H
 * Action Information without Transaction UID or references, 0114H an
 * attribute Table J.3-1 does not define, 0110H a Transaction UID still in
 * progress), then the result sent as N-EVENT-REPORT. */
void     dimse_commitment_scp_register (DimseCommitmentScp *scp, DimseNProvider *provider);
void     dimse_commitment_scp_set_report_mode (DimseCommitmentScp *scp,
                                               DimseCommitmentReportMode mode);
/* How long after the N-ACTION-RSP the report goes. */
void     dimse_commitment_scp_set_report_delay (DimseCommitmentScp *scp, guint delay_ms);
/* Where an SCU is reached on a new association (replaces one with the
 * same AE title); ae_title is our calling AE title then (NULL: the AE title
 * the N-ACTION was sent to). */
void     dimse_commitment_scp_add_node (DimseCommitmentScp *scp, const char *ae_title,
                                        const char *host, guint16 port);
void     dimse_commitment_scp_set_ae_title (DimseCommitmentScp *scp, const char *ae_title);
/* Signal "report-sent" (const char *transaction_uid, guint event_type_id,
 * guint status, const char *error): once per transaction; status the
 * N-EVENT-REPORT-RSP's, error NULL unless the report could not be sent. */

G_END_DECLS
