/* dimse-ul-fsm.c — PS3.8 §9.2: the upper layer state machine as tables */
#include "dimse-ul-fsm.h"
#include "dimse-error.h"

/* PS3.8 Tables 9-1 to 9-5. */
static const char * const state_names[DIMSE_UL_N_STATES] = {
  "Sta1", "Sta2", "Sta3", "Sta4", "Sta5", "Sta6", "Sta7",
  "Sta8", "Sta9", "Sta10", "Sta11", "Sta12", "Sta13",
};

static const char * const state_descriptions[DIMSE_UL_N_STATES] = {
  "Idle",
  "Transport connection open (Awaiting A-ASSOCIATE-RQ PDU)",
  "Awaiting local A-ASSOCIATE response primitive (from local user)",
  "Awaiting transport connection opening to complete (from local transport service)",
  "Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU",
  "Association established and ready for data transfer",
  "Awaiting A-RELEASE-RP PDU",
  "Awaiting local A-RELEASE response primitive (from local user)",
  "Release collision requestor side; awaiting A-RELEASE response (from local user)",
  "Release collision acceptor side; awaiting A-RELEASE-RP PDU",
  "Release collision requestor side; awaiting A-RELEASE-RP PDU",
  "Release collision acceptor side; awaiting A-RELEASE response primitive (from local user)",
  "Awaiting Transport Connection Close Indication (Association no longer exists)",
};

/* The event column of PS3.8 Table 9-10. */
static const char * const event_names[DIMSE_UL_N_EVENTS] = {
  "Evt1", "Evt2", "Evt3", "Evt4", "Evt5", "Evt6", "Evt7", "Evt8", "Evt9", "Evt10",
  "Evt11", "Evt12", "Evt13", "Evt14", "Evt15", "Evt16", "Evt17", "Evt18", "Evt19",
};

static const char * const event_descriptions[DIMSE_UL_N_EVENTS] = {
  "A-ASSOCIATE Request (local user)",
  "Transport Conn. Confirmation (local transport service)",
  "A-ASSOCIATE-AC PDU (received on transport connection)",
  "A-ASSOCIATE-RJ PDU (received on transport connection)",
  "Transport Connection Indication (local transport service)",
  "A-ASSOCIATE-RQ PDU (received on transport connection)",
  "A-ASSOCIATE response primitive (accept)",
  "A-ASSOCIATE response primitive (reject)",
  "P-DATA request primitive",
  "P-DATA-TF PDU",
  "A-RELEASE Request primitive",
  "A-RELEASE-RQ PDU (received on open transport connection)",
  "A-RELEASE-RP PDU (received on transport connection)",
  "A-RELEASE response primitive",
  "A-ABORT Request primitive",
  "A-ABORT PDU (received on open transport connection)",
  "Transport connection closed indication (local transport service)",
  "ARTIM timer expired (Association reject/release timer)",
  "Unrecognized or invalid PDU received",
};

enum {
  FX_CONNECT        = 1 << 0,
  FX_ACCEPT         = 1 << 1,
  FX_CLOSE          = 1 << 2,
  FX_START_ARTIM    = 1 << 3,
  FX_STOP_ARTIM     = 1 << 4,
  FX_IGNORE_PDU     = 1 << 5,
  FX_FROM_PRIMITIVE = 1 << 6,
};

/* PS3.8 Tables 9-6 to 9-9: an action's fixed effects and next state.
 * alt_next_state is the other outcome of AE-6 (A-ASSOCIATE-RQ not
 * acceptable) and AR-8 (association-acceptor); 0 for every other action.
 * The effects that vary with the event (AE-6's reject path, AA-3's
 * indication, AA-7/AA-8's reason) are refined in step_refine. */
typedef struct {
  const char       *name;
  const char       *description;
  DimseUlState      next_state;
  DimseUlState      alt_next_state;
  guint             effects;
  DimsePduType      send_pdu;
  DimseUlIndication indication;
} ActionInfo;

static const ActionInfo actions[DIMSE_UL_N_ACTIONS] = {
  { "AE-1", "Issue TRANSPORT CONNECT request primitive to local transport service",
    DIMSE_STA4_AWAITING_TRANSPORT_OPEN, 0, FX_CONNECT, 0, DIMSE_UL_IND_NONE },
  { "AE-2", "Send A-ASSOCIATE-RQ-PDU",
    DIMSE_STA5_AWAITING_A_ASSOCIATE_AC_OR_RJ, 0, FX_FROM_PRIMITIVE,
    DIMSE_PDU_ASSOCIATE_RQ, DIMSE_UL_IND_NONE },
  { "AE-3", "Issue A-ASSOCIATE confirmation (accept) primitive",
    DIMSE_STA6_ASSOCIATION_ESTABLISHED, 0, 0, 0, DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_ACCEPT },
  { "AE-4", "Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection",
    DIMSE_STA1_IDLE, 0, FX_CLOSE, 0, DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_REJECT },
  { "AE-5", "Issue Transport connection response primitive; start ARTIM timer",
    DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ, 0, FX_ACCEPT | FX_START_ARTIM, 0,
    DIMSE_UL_IND_NONE },
  { "AE-6", "Stop ARTIM timer and if A-ASSOCIATE-RQ acceptable by service-provider: "
    "issue A-ASSOCIATE indication primitive; otherwise: issue A-ASSOCIATE-RJ-PDU and "
    "start ARTIM timer",
    DIMSE_STA3_AWAITING_LOCAL_A_ASSOCIATE_RESPONSE, DIMSE_STA13_AWAITING_TRANSPORT_CLOSE,
    FX_STOP_ARTIM, 0, DIMSE_UL_IND_A_ASSOCIATE },
  { "AE-7", "Send A-ASSOCIATE-AC PDU",
    DIMSE_STA6_ASSOCIATION_ESTABLISHED, 0, FX_FROM_PRIMITIVE, DIMSE_PDU_ASSOCIATE_AC,
    DIMSE_UL_IND_NONE },
  { "AE-8", "Send A-ASSOCIATE-RJ PDU and start ARTIM timer",
    DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, 0, FX_FROM_PRIMITIVE | FX_START_ARTIM,
    DIMSE_PDU_ASSOCIATE_RJ, DIMSE_UL_IND_NONE },
  { "DT-1", "Send P-DATA-TF PDU",
    DIMSE_STA6_ASSOCIATION_ESTABLISHED, 0, FX_FROM_PRIMITIVE, DIMSE_PDU_P_DATA_TF,
    DIMSE_UL_IND_NONE },
  { "DT-2", "Send P-DATA indication primitive",
    DIMSE_STA6_ASSOCIATION_ESTABLISHED, 0, 0, 0, DIMSE_UL_IND_P_DATA },
  { "AR-1", "Send A-RELEASE-RQ PDU",
    DIMSE_STA7_AWAITING_A_RELEASE_RP, 0, FX_FROM_PRIMITIVE, DIMSE_PDU_RELEASE_RQ,
    DIMSE_UL_IND_NONE },
  { "AR-2", "Issue A-RELEASE indication primitive",
    DIMSE_STA8_AWAITING_LOCAL_A_RELEASE_RESPONSE, 0, 0, 0, DIMSE_UL_IND_A_RELEASE },
  { "AR-3", "Issue A-RELEASE confirmation primitive, and close transport connection",
    DIMSE_STA1_IDLE, 0, FX_CLOSE, 0, DIMSE_UL_IND_A_RELEASE_CONFIRM },
  { "AR-4", "Issue A-RELEASE-RP PDU and start ARTIM timer",
    DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, 0, FX_FROM_PRIMITIVE | FX_START_ARTIM,
    DIMSE_PDU_RELEASE_RP, DIMSE_UL_IND_NONE },
  { "AR-5", "Stop ARTIM timer",
    DIMSE_STA1_IDLE, 0, FX_STOP_ARTIM, 0, DIMSE_UL_IND_NONE },
  { "AR-6", "Issue P-DATA indication",
    DIMSE_STA7_AWAITING_A_RELEASE_RP, 0, 0, 0, DIMSE_UL_IND_P_DATA },
  { "AR-7", "Issue P-DATA-TF PDU",
    DIMSE_STA8_AWAITING_LOCAL_A_RELEASE_RESPONSE, 0, FX_FROM_PRIMITIVE,
    DIMSE_PDU_P_DATA_TF, DIMSE_UL_IND_NONE },
  { "AR-8", "Issue A-RELEASE indication (release collision): if association-requestor, "
    "next state is Sta9, if not next state is Sta10",
    DIMSE_STA9_RELEASE_COLLISION_REQUESTOR_AWAITING_LOCAL_RESPONSE,
    DIMSE_STA10_RELEASE_COLLISION_ACCEPTOR_AWAITING_A_RELEASE_RP, 0, 0,
    DIMSE_UL_IND_A_RELEASE },
  { "AR-9", "Send A-RELEASE-RP PDU",
    DIMSE_STA11_RELEASE_COLLISION_REQUESTOR_AWAITING_A_RELEASE_RP, 0, FX_FROM_PRIMITIVE,
    DIMSE_PDU_RELEASE_RP, DIMSE_UL_IND_NONE },
  { "AR-10", "Issue A-RELEASE confirmation primitive",
    DIMSE_STA12_RELEASE_COLLISION_ACCEPTOR_AWAITING_LOCAL_RESPONSE, 0, 0, 0,
    DIMSE_UL_IND_A_RELEASE_CONFIRM },
  { "AA-1", "Send A-ABORT PDU (service-user source) and start (or restart if already "
    "started) ARTIM timer",
    DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, 0, FX_START_ARTIM, DIMSE_PDU_ABORT,
    DIMSE_UL_IND_NONE },
  { "AA-2", "Stop ARTIM timer if running. Close transport connection",
    DIMSE_STA1_IDLE, 0, FX_STOP_ARTIM | FX_CLOSE, 0, DIMSE_UL_IND_NONE },
  { "AA-3", "If (service-user initiated abort): issue A-ABORT indication and close "
    "transport connection; otherwise (service-provider initiated abort): issue "
    "A-P-ABORT indication and close transport connection",
    DIMSE_STA1_IDLE, 0, FX_CLOSE, 0, DIMSE_UL_IND_A_P_ABORT },
  { "AA-4", "Issue A-P-ABORT indication primitive",
    DIMSE_STA1_IDLE, 0, 0, 0, DIMSE_UL_IND_A_P_ABORT },
  { "AA-5", "Stop ARTIM timer",
    DIMSE_STA1_IDLE, 0, FX_STOP_ARTIM, 0, DIMSE_UL_IND_NONE },
  { "AA-6", "Ignore PDU",
    DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, 0, FX_IGNORE_PDU, 0, DIMSE_UL_IND_NONE },
  { "AA-7", "Send A-ABORT PDU",
    DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, 0, 0, DIMSE_PDU_ABORT, DIMSE_UL_IND_NONE },
  { "AA-8", "Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, "
    "and start ARTIM timer",
    DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, 0, FX_START_ARTIM, DIMSE_PDU_ABORT,
    DIMSE_UL_IND_A_P_ABORT },
};

/* PS3.8 Table 9-10, one row per event and one column per state, so that it
 * reads cell by cell against the standard. Empty cells are NA. Sta5/Evt6
 * is AA-8 as the standard has it (DCMTK answers it with AE-4), and Evt18
 * is only defined in Sta2 and Sta13, the states where ARTIM runs. */
#define X(a) DIMSE_##a
#define NA DIMSE_UL_NO_ACTION
static const DimseUlAction transitions[DIMSE_UL_N_EVENTS][DIMSE_UL_N_STATES] = {
  /*           Sta1     Sta2     Sta3     Sta4     Sta5     Sta6     Sta7     Sta8     Sta9     Sta10     Sta11    Sta12    Sta13 */
  /* Evt1  */ { X(AE_1), NA,      NA,      NA,      NA,      NA,      NA,      NA,      NA,      NA,       NA,      NA,      NA      },
  /* Evt2  */ { NA,      NA,      NA,      X(AE_2), NA,      NA,      NA,      NA,      NA,      NA,       NA,      NA,      NA      },
  /* Evt3  */ { NA,      X(AA_1), X(AA_8), NA,      X(AE_3), X(AA_8), X(AA_8), X(AA_8), X(AA_8), X(AA_8),  X(AA_8), X(AA_8), X(AA_6) },
  /* Evt4  */ { NA,      X(AA_1), X(AA_8), NA,      X(AE_4), X(AA_8), X(AA_8), X(AA_8), X(AA_8), X(AA_8),  X(AA_8), X(AA_8), X(AA_6) },
  /* Evt5  */ { X(AE_5), NA,      NA,      NA,      NA,      NA,      NA,      NA,      NA,      NA,       NA,      NA,      NA      },
  /* Evt6  */ { NA,      X(AE_6), X(AA_8), NA,      X(AA_8), X(AA_8), X(AA_8), X(AA_8), X(AA_8), X(AA_8),  X(AA_8), X(AA_8), X(AA_7) },
  /* Evt7  */ { NA,      NA,      X(AE_7), NA,      NA,      NA,      NA,      NA,      NA,      NA,       NA,      NA,      NA      },
  /* Evt8  */ { NA,      NA,      X(AE_8), NA,      NA,      NA,      NA,      NA,      NA,      NA,       NA,      NA,      NA      },
  /* Evt9  */ { NA,      NA,      NA,      NA,      NA,      X(DT_1), NA,      X(AR_7), NA,      NA,       NA,      NA,      NA      },
  /* Evt10 */ { NA,      X(AA_1), X(AA_8), NA,      X(AA_8), X(DT_2), X(AR_6), X(AA_8), X(AA_8), X(AA_8),  X(AA_8), X(AA_8), X(AA_6) },
  /* Evt11 */ { NA,      NA,      NA,      NA,      NA,      X(AR_1), NA,      NA,      NA,      NA,       NA,      NA,      NA      },
  /* Evt12 */ { NA,      X(AA_1), X(AA_8), NA,      X(AA_8), X(AR_2), X(AR_8), X(AA_8), X(AA_8), X(AA_8),  X(AA_8), X(AA_8), X(AA_6) },
  /* Evt13 */ { NA,      X(AA_1), X(AA_8), NA,      X(AA_8), X(AA_8), X(AR_3), X(AA_8), X(AA_8), X(AR_10), X(AR_3), X(AA_8), X(AA_6) },
  /* Evt14 */ { NA,      NA,      NA,      NA,      NA,      NA,      NA,      X(AR_4), X(AR_9), NA,       NA,      X(AR_4), NA      },
  /* Evt15 */ { NA,      NA,      X(AA_1), X(AA_2), X(AA_1), X(AA_1), X(AA_1), X(AA_1), X(AA_1), X(AA_1),  X(AA_1), X(AA_1), NA      },
  /* Evt16 */ { NA,      X(AA_2), X(AA_3), NA,      X(AA_3), X(AA_3), X(AA_3), X(AA_3), X(AA_3), X(AA_3),  X(AA_3), X(AA_3), X(AA_2) },
  /* Evt17 */ { NA,      X(AA_5), X(AA_4), X(AA_4), X(AA_4), X(AA_4), X(AA_4), X(AA_4), X(AA_4), X(AA_4),  X(AA_4), X(AA_4), X(AR_5) },
  /* Evt18 */ { NA,      X(AA_2), NA,      NA,      NA,      NA,      NA,      NA,      NA,      NA,       NA,      NA,      X(AA_2) },
  /* Evt19 */ { NA,      X(AA_1), X(AA_8), NA,      X(AA_8), X(AA_8), X(AA_8), X(AA_8), X(AA_8), X(AA_8),  X(AA_8), X(AA_8), X(AA_7) },
};
#undef NA
#undef X

static gboolean
state_valid (DimseUlState state)
{
  return state >= DIMSE_STA1_IDLE && state <= DIMSE_STA13_AWAITING_TRANSPORT_CLOSE;
}

static gboolean
event_valid (DimseUlEvent event)
{
  return event >= DIMSE_EVT1_A_ASSOCIATE_RQ_REQUEST
         && event <= DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU;
}

static const ActionInfo *
action_info (DimseUlAction action)
{
  if (action < DIMSE_AE_1 || action > DIMSE_AA_8)
    return NULL;
  return &actions[action - DIMSE_AE_1];
}

const char *
dimse_ul_state_name (DimseUlState state)
{
  return state_valid (state) ? state_names[state - 1] : "Sta?";
}

const char *
dimse_ul_state_describe (DimseUlState state)
{
  return state_valid (state) ? state_descriptions[state - 1] : "Unknown state";
}

const char *
dimse_ul_event_name (DimseUlEvent event)
{
  return event_valid (event) ? event_names[event - 1] : "Evt?";
}

const char *
dimse_ul_event_describe (DimseUlEvent event)
{
  return event_valid (event) ? event_descriptions[event - 1] : "Unknown event";
}

const char *
dimse_ul_action_name (DimseUlAction action)
{
  const ActionInfo *info = action_info (action);

  return info != NULL ? info->name : "--";
}

const char *
dimse_ul_action_describe (DimseUlAction action)
{
  const ActionInfo *info = action_info (action);

  return info != NULL ? info->description : "No action: not possible in this state";
}

const char *
dimse_ul_indication_name (DimseUlIndication indication)
{
  switch (indication)
    {
    case DIMSE_UL_IND_NONE: return "none";
    case DIMSE_UL_IND_A_ASSOCIATE: return "A-ASSOCIATE indication";
    case DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_ACCEPT: return "A-ASSOCIATE confirmation (accept)";
    case DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_REJECT: return "A-ASSOCIATE confirmation (reject)";
    case DIMSE_UL_IND_P_DATA: return "P-DATA indication";
    case DIMSE_UL_IND_A_RELEASE: return "A-RELEASE indication";
    case DIMSE_UL_IND_A_RELEASE_CONFIRM: return "A-RELEASE confirmation";
    case DIMSE_UL_IND_A_ABORT: return "A-ABORT indication";
    case DIMSE_UL_IND_A_P_ABORT: return "A-P-ABORT indication";
    default: return "unknown indication";
    }
}

DimseUlAction
dimse_ul_transition (DimseUlEvent event, DimseUlState state)
{
  if (!event_valid (event) || !state_valid (state))
    return DIMSE_UL_NO_ACTION;
  return transitions[event - 1][state - 1];
}

DimseUlState
dimse_ul_action_next_state (DimseUlAction action, gboolean is_requestor,
                            gboolean associate_rq_acceptable)
{
  const ActionInfo *info = action_info (action);

  if (info == NULL)
    return 0;
  if (action == DIMSE_AE_6 && !associate_rq_acceptable)
    return info->alt_next_state;
  if (action == DIMSE_AR_8 && !is_requestor)
    return info->alt_next_state;
  return info->next_state;
}

void
dimse_ul_fsm_init (DimseUlFsm *fsm)
{
  g_return_if_fail (fsm != NULL);

  fsm->state = DIMSE_STA1_IDLE;
  fsm->artim_running = FALSE;
  fsm->is_requestor = FALSE;
}

/* PS3.8 §9.3.8: a PDU that arrives where Table 9-10 does not expect it is
 * an "unexpected-PDU"; for Evt19 the decoder says what was wrong. */
static guint8
provider_abort_reason (DimseUlEvent event, const DimseUlContext *ctx)
{
  if (event != DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU)
    return DIMSE_ABORT_REASON_UNEXPECTED_PDU;
  return ctx != NULL ? ctx->invalid_pdu_reason : DIMSE_ABORT_REASON_UNRECOGNIZED_PDU;
}

static void
step_refine_ae_6 (DimseUlStep *out, const DimseUlContext *ctx)
{
  if (ctx == NULL || ctx->associate_rq_acceptable)
    return;
  out->indication = DIMSE_UL_IND_NONE;
  out->send_pdu = DIMSE_PDU_ASSOCIATE_RJ;
  out->reject_result = ctx->reject_result;
  out->reject_source = ctx->reject_source;
  out->reject_reason = ctx->reject_reason;
  out->start_artim = TRUE;
}

static void
step_refine_aa_3 (DimseUlStep *out, const DimseUlContext *ctx)
{
  guint8 source = ctx != NULL ? ctx->received_abort_source : DIMSE_ABORT_SOURCE_SERVICE_PROVIDER;

  if (source == DIMSE_ABORT_SOURCE_SERVICE_USER)
    {
      out->indication = DIMSE_UL_IND_A_ABORT;
      out->indication_abort_source = source;
      return;
    }
  out->indication = DIMSE_UL_IND_A_P_ABORT;
  out->indication_provider_reason = ctx != NULL ? ctx->received_abort_reason
                                                : DIMSE_ABORT_REASON_NOT_SPECIFIED;
}

/* The parts of an action PS3.8 makes depend on the event or the PDU. */
static void
step_refine (DimseUlStep *out, DimseUlEvent event, const DimseUlContext *ctx)
{
  switch (out->action)
    {
    case DIMSE_AE_6:
      step_refine_ae_6 (out, ctx);
      break;
    case DIMSE_AA_1:
      out->abort_source = DIMSE_ABORT_SOURCE_SERVICE_USER;
      /* PS3.8 §9.3.8: the reason is not significant for a service-user abort. */
      out->abort_reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;
      break;
    case DIMSE_AA_3:
      step_refine_aa_3 (out, ctx);
      break;
    case DIMSE_AA_4:
      out->indication_provider_reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;
      break;
    case DIMSE_AA_7:
    case DIMSE_AA_8:
      out->abort_source = DIMSE_ABORT_SOURCE_SERVICE_PROVIDER;
      out->abort_reason = provider_abort_reason (event, ctx);
      out->indication_provider_reason = out->abort_reason;
      break;
    default:
      break;
    }
}

static void
step_fill (DimseUlStep *out, const ActionInfo *info)
{
  out->connect_transport = (info->effects & FX_CONNECT) != 0;
  out->accept_transport = (info->effects & FX_ACCEPT) != 0;
  out->close_transport = (info->effects & FX_CLOSE) != 0;
  out->start_artim = (info->effects & FX_START_ARTIM) != 0;
  out->stop_artim = (info->effects & FX_STOP_ARTIM) != 0;
  out->ignore_pdu = (info->effects & FX_IGNORE_PDU) != 0;
  out->pdu_from_primitive = (info->effects & FX_FROM_PRIMITIVE) != 0;
  out->send_pdu = info->send_pdu;
  out->indication = info->indication;
}

static void
fsm_apply (DimseUlFsm *fsm, const DimseUlStep *step)
{
  if (step->action == DIMSE_AE_1)
    fsm->is_requestor = TRUE;
  else if (step->action == DIMSE_AE_5)
    fsm->is_requestor = FALSE;
  if (step->stop_artim)
    fsm->artim_running = FALSE;
  if (step->start_artim)
    fsm->artim_running = TRUE;
  fsm->state = step->next_state;
}

gboolean
dimse_ul_fsm_handle (DimseUlFsm *fsm, DimseUlEvent event, const DimseUlContext *ctx,
                     DimseUlStep *out, GError **error)
{
  const ActionInfo *info;
  gboolean acceptable;

  g_return_val_if_fail (fsm != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out = (DimseUlStep) { .state = fsm->state, .event = event, .next_state = fsm->state };
  out->action = dimse_ul_transition (event, fsm->state);
  info = action_info (out->action);
  if (info == NULL)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED,
                   "The upper layer event %s (%s) is not possible in state %s (%s) "
                   "(PS3.8 Table 9-10).",
                   dimse_ul_event_name (event), dimse_ul_event_describe (event),
                   dimse_ul_state_name (fsm->state), dimse_ul_state_describe (fsm->state));
      return FALSE;
    }

  step_fill (out, info);
  step_refine (out, event, ctx);
  acceptable = ctx == NULL || ctx->associate_rq_acceptable;
  out->next_state = dimse_ul_action_next_state (out->action, fsm->is_requestor, acceptable);
  fsm_apply (fsm, out);
  return TRUE;
}
