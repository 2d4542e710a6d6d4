/* dimse-ul-fsm.h — the DICOM Upper Layer state machine of PS3.8 §9.2 as data:
 * states (Tables 9-1 to 9-5), actions (Tables 9-6 to 9-9) and the state
 * transition table (Table 9-10). Pure: it performs no I/O but says, per
 * event, which PDU to send, which primitive to issue to the local user, what
 * to do with the ARTIM timer and the transport, and the next state. */
#pragma once

#include <glib.h>

#include "dimse-pdu.h"

G_BEGIN_DECLS

typedef enum {
  DIMSE_STA1_IDLE = 1,
  DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ,
  DIMSE_STA3_AWAITING_LOCAL_A_ASSOCIATE_RESPONSE,
  DIMSE_STA4_AWAITING_TRANSPORT_OPEN,
  DIMSE_STA5_AWAITING_A_ASSOCIATE_AC_OR_RJ,
  DIMSE_STA6_ASSOCIATION_ESTABLISHED,
  DIMSE_STA7_AWAITING_A_RELEASE_RP,
  DIMSE_STA8_AWAITING_LOCAL_A_RELEASE_RESPONSE,
  DIMSE_STA9_RELEASE_COLLISION_REQUESTOR_AWAITING_LOCAL_RESPONSE,
  DIMSE_STA10_RELEASE_COLLISION_ACCEPTOR_AWAITING_A_RELEASE_RP,
  DIMSE_STA11_RELEASE_COLLISION_REQUESTOR_AWAITING_A_RELEASE_RP,
  DIMSE_STA12_RELEASE_COLLISION_ACCEPTOR_AWAITING_LOCAL_RESPONSE,
  DIMSE_STA13_AWAITING_TRANSPORT_CLOSE,
} DimseUlState;

#define DIMSE_UL_N_STATES 13

typedef enum {
  DIMSE_EVT1_A_ASSOCIATE_RQ_REQUEST = 1,
  DIMSE_EVT2_TRANSPORT_CONNECT_CONFIRM,
  DIMSE_EVT3_A_ASSOCIATE_AC_RECEIVED,
  DIMSE_EVT4_A_ASSOCIATE_RJ_RECEIVED,
  DIMSE_EVT5_TRANSPORT_CONNECT_INDICATION,
  DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED,
  DIMSE_EVT7_A_ASSOCIATE_RESPONSE_ACCEPT,
  DIMSE_EVT8_A_ASSOCIATE_RESPONSE_REJECT,
  DIMSE_EVT9_P_DATA_REQUEST,
  DIMSE_EVT10_P_DATA_TF_RECEIVED,
  DIMSE_EVT11_A_RELEASE_REQUEST,
  DIMSE_EVT12_A_RELEASE_RQ_RECEIVED,
  DIMSE_EVT13_A_RELEASE_RP_RECEIVED,
  DIMSE_EVT14_A_RELEASE_RESPONSE,
  DIMSE_EVT15_A_ABORT_REQUEST,
  DIMSE_EVT16_A_ABORT_RECEIVED,
  DIMSE_EVT17_TRANSPORT_CLOSED,
  DIMSE_EVT18_ARTIM_EXPIRED,
  DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU,
} DimseUlEvent;

#define DIMSE_UL_N_EVENTS 19

typedef enum {
  DIMSE_UL_NO_ACTION = 0,  /* a cell PS3.8 Table 9-10 leaves empty */
  DIMSE_AE_1,
  DIMSE_AE_2,
  DIMSE_AE_3,
  DIMSE_AE_4,
  DIMSE_AE_5,
  DIMSE_AE_6,
  DIMSE_AE_7,
  DIMSE_AE_8,
  DIMSE_DT_1,
  DIMSE_DT_2,
  DIMSE_AR_1,
  DIMSE_AR_2,
  DIMSE_AR_3,
  DIMSE_AR_4,
  DIMSE_AR_5,
  DIMSE_AR_6,
  DIMSE_AR_7,
  DIMSE_AR_8,
  DIMSE_AR_9,
  DIMSE_AR_10,
  DIMSE_AA_1,
  DIMSE_AA_2,
  DIMSE_AA_3,
  DIMSE_AA_4,
  DIMSE_AA_5,
  DIMSE_AA_6,
  DIMSE_AA_7,
  DIMSE_AA_8,
} DimseUlAction;

#define DIMSE_UL_N_ACTIONS 28

/* The primitive an action issues to the local user (PS3.8 §7). */
typedef enum {
  DIMSE_UL_IND_NONE = 0,
  DIMSE_UL_IND_A_ASSOCIATE,                 /* A-ASSOCIATE indication (AE-6) */
  DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_ACCEPT,  /* AE-3 */
  DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_REJECT,  /* AE-4 */
  DIMSE_UL_IND_P_DATA,                      /* DT-2, AR-6 */
  DIMSE_UL_IND_A_RELEASE,                   /* A-RELEASE indication (AR-2, AR-8) */
  DIMSE_UL_IND_A_RELEASE_CONFIRM,           /* AR-3, AR-10 */
  DIMSE_UL_IND_A_ABORT,                     /* AA-3, the peer's user aborted */
  DIMSE_UL_IND_A_P_ABORT,                   /* AA-3, AA-4, AA-8 */
} DimseUlIndication;

/* What the association engine knows about the event that the table cannot:
 * whether the service provider accepts an A-ASSOCIATE-RQ (AE-6), the
 * fields of a received A-ABORT (AA-3), why a PDU was invalid (Evt19).
 * NULL means an acceptable A-ASSOCIATE-RQ, a provider-initiated abort with
 * no reason, and an unrecognized PDU. */
typedef struct {
  gboolean associate_rq_acceptable;
  /* The A-ASSOCIATE-RJ fields when it is not (PS3.8 Table 9-21). */
  guint8   reject_result;
  guint8   reject_source;
  guint8   reject_reason;
  /* Source and reason of the received A-ABORT PDU (Evt16). */
  guint8   received_abort_source;
  guint8   received_abort_reason;
  /* A-ABORT reason for an Evt19, e.g. as dimse_pdu_decode_full gives it. */
  guint8   invalid_pdu_reason;
} DimseUlContext;

/* The full effect of one action, in the order the engine performs it:
 * connect or accept the transport, stop ARTIM, send the PDU, issue the
 * indication, start ARTIM, close the transport, move to next_state. */
typedef struct {
  DimseUlState      state;           /* before the event */
  DimseUlEvent      event;
  DimseUlAction     action;
  DimseUlState      next_state;

  gboolean          connect_transport;  /* AE-1: TRANSPORT CONNECT request */
  gboolean          accept_transport;   /* AE-5: transport connection response */
  gboolean          close_transport;
  gboolean          start_artim;        /* (re)start */
  gboolean          stop_artim;         /* if running */
  gboolean          ignore_pdu;         /* AA-6: drop the received PDU */

  /* 0 when nothing is sent. When pdu_from_primitive the PDU is built from
   * the local user's request or response primitive (for AE-2 the pending
   * A-ASSOCIATE request; AE-7, AE-8, DT-1, AR-1, AR-4, AR-7, AR-9 the one
   * that is the event); otherwise the fields below give it. */
  DimsePduType      send_pdu;
  gboolean          pdu_from_primitive;
  guint8            abort_source;       /* send_pdu == DIMSE_PDU_ABORT */
  guint8            abort_reason;
  guint8            reject_result;      /* send_pdu == DIMSE_PDU_ASSOCIATE_RJ, AE-6 */
  guint8            reject_source;
  guint8            reject_reason;

  DimseUlIndication indication;
  /* A-ABORT indication: abort source; A-P-ABORT: provider reason. */
  guint8            indication_abort_source;
  guint8            indication_provider_reason;
} DimseUlStep;

typedef struct {
  DimseUlState state;
  gboolean     artim_running;
  /* Set by AE-1 (requestor) and AE-5 (acceptor); decides AR-8. */
  gboolean     is_requestor;
} DimseUlFsm;

/* "Sta6", "Evt10", "DT-2" and the one-line definitions of PS3.8 §9.2.
 * Out-of-range values give "Sta?"-style names and never NULL. */
const char *dimse_ul_state_name (DimseUlState state);
const char *dimse_ul_state_describe (DimseUlState state);
const char *dimse_ul_event_name (DimseUlEvent event);
const char *dimse_ul_event_describe (DimseUlEvent event);
const char *dimse_ul_action_name (DimseUlAction action);
const char *dimse_ul_action_describe (DimseUlAction action);
const char *dimse_ul_indication_name (DimseUlIndication indication);

/* The cell of Table 9-10; DIMSE_UL_NO_ACTION for an empty one. */
DimseUlAction dimse_ul_transition (DimseUlEvent event, DimseUlState state);
/* The state an action leads to: AE-6 to Sta3 or, when the A-ASSOCIATE-RQ is
 * not acceptable, Sta13; AR-8 to Sta9 for the association-requestor and
 * Sta10 for the acceptor; every other action to its one fixed state. */
DimseUlState  dimse_ul_action_next_state (DimseUlAction action, gboolean is_requestor,
                                          gboolean associate_rq_acceptable);

void     dimse_ul_fsm_init (DimseUlFsm *fsm);
/* Looks up (event, current state), fills *out and moves fsm to the next
 * state. An empty cell of Table 9-10 leaves fsm unchanged, sets out->action
 * to DIMSE_UL_NO_ACTION and fails with DIMSE_ERROR_PDU_UNEXPECTED: every
 * empty cell is either a local primitive the user may not issue in that
 * state or an event that cannot happen there (no transport connection in
 * Sta1 and Sta4, ARTIM not running outside Sta2 and Sta13), so the engine
 * has a bug or a stale event, and there is no peer to abort. */
gboolean dimse_ul_fsm_handle (DimseUlFsm *fsm, DimseUlEvent event, const DimseUlContext *ctx,
                              DimseUlStep *out, GError **error);

G_END_DECLS
