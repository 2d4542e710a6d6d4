/* test-ul-fsm.c — the upper layer state machine of PS3.8 §9.2 */
#include "dimse-ul-fsm.h"
#include "dimse-error.h"
#include "test-util.h"

#include <stdio.h>
#include <string.h>

/* PS3.8 Table 9-10, written out cell by cell as "state event action next".
 * AE-6 and AR-8 list both outcomes: accepted / requestor first. Every cell
 * not listed here is empty in the standard. */
static const char * const expected_cells[] = {
  "Sta1 Evt1 AE-1 Sta4",
  "Sta4 Evt2 AE-2 Sta5",
  "Sta2 Evt3 AA-1 Sta13", "Sta3 Evt3 AA-8 Sta13", "Sta5 Evt3 AE-3 Sta6",
  "Sta6 Evt3 AA-8 Sta13", "Sta7 Evt3 AA-8 Sta13", "Sta8 Evt3 AA-8 Sta13",
  "Sta9 Evt3 AA-8 Sta13", "Sta10 Evt3 AA-8 Sta13", "Sta11 Evt3 AA-8 Sta13",
  "Sta12 Evt3 AA-8 Sta13", "Sta13 Evt3 AA-6 Sta13",
  "Sta2 Evt4 AA-1 Sta13", "Sta3 Evt4 AA-8 Sta13", "Sta5 Evt4 AE-4 Sta1",
  "Sta6 Evt4 AA-8 Sta13", "Sta7 Evt4 AA-8 Sta13", "Sta8 Evt4 AA-8 Sta13",
  "Sta9 Evt4 AA-8 Sta13", "Sta10 Evt4 AA-8 Sta13", "Sta11 Evt4 AA-8 Sta13",
  "Sta12 Evt4 AA-8 Sta13", "Sta13 Evt4 AA-6 Sta13",
  "Sta1 Evt5 AE-5 Sta2",
  "Sta2 Evt6 AE-6 Sta3|Sta13", "Sta3 Evt6 AA-8 Sta13", "Sta5 Evt6 AA-8 Sta13",
  "Sta6 Evt6 AA-8 Sta13", "Sta7 Evt6 AA-8 Sta13", "Sta8 Evt6 AA-8 Sta13",
  "Sta9 Evt6 AA-8 Sta13", "Sta10 Evt6 AA-8 Sta13", "Sta11 Evt6 AA-8 Sta13",
  "Sta12 Evt6 AA-8 Sta13", "Sta13 Evt6 AA-7 Sta13",
  "Sta3 Evt7 AE-7 Sta6",
  "Sta3 Evt8 AE-8 Sta13",
  "Sta6 Evt9 DT-1 Sta6", "Sta8 Evt9 AR-7 Sta8",
  "Sta2 Evt10 AA-1 Sta13", "Sta3 Evt10 AA-8 Sta13", "Sta5 Evt10 AA-8 Sta13",
  "Sta6 Evt10 DT-2 Sta6", "Sta7 Evt10 AR-6 Sta7", "Sta8 Evt10 AA-8 Sta13",
  "Sta9 Evt10 AA-8 Sta13", "Sta10 Evt10 AA-8 Sta13", "Sta11 Evt10 AA-8 Sta13",
  "Sta12 Evt10 AA-8 Sta13", "Sta13 Evt10 AA-6 Sta13",
  "Sta6 Evt11 AR-1 Sta7",
  "Sta2 Evt12 AA-1 Sta13", "Sta3 Evt12 AA-8 Sta13", "Sta5 Evt12 AA-8 Sta13",
  "Sta6 Evt12 AR-2 Sta8", "Sta7 Evt12 AR-8 Sta9|Sta10", "Sta8 Evt12 AA-8 Sta13",
  "Sta9 Evt12 AA-8 Sta13", "Sta10 Evt12 AA-8 Sta13", "Sta11 Evt12 AA-8 Sta13",
  "Sta12 Evt12 AA-8 Sta13", "Sta13 Evt12 AA-6 Sta13",
  "Sta2 Evt13 AA-1 Sta13", "Sta3 Evt13 AA-8 Sta13", "Sta5 Evt13 AA-8 Sta13",
  "Sta6 Evt13 AA-8 Sta13", "Sta7 Evt13 AR-3 Sta1", "Sta8 Evt13 AA-8 Sta13",
  "Sta9 Evt13 AA-8 Sta13", "Sta10 Evt13 AR-10 Sta12", "Sta11 Evt13 AR-3 Sta1",
  "Sta12 Evt13 AA-8 Sta13", "Sta13 Evt13 AA-6 Sta13",
  "Sta8 Evt14 AR-4 Sta13", "Sta9 Evt14 AR-9 Sta11", "Sta12 Evt14 AR-4 Sta13",
  "Sta3 Evt15 AA-1 Sta13", "Sta4 Evt15 AA-2 Sta1", "Sta5 Evt15 AA-1 Sta13",
  "Sta6 Evt15 AA-1 Sta13", "Sta7 Evt15 AA-1 Sta13", "Sta8 Evt15 AA-1 Sta13",
  "Sta9 Evt15 AA-1 Sta13", "Sta10 Evt15 AA-1 Sta13", "Sta11 Evt15 AA-1 Sta13",
  "Sta12 Evt15 AA-1 Sta13",
  "Sta2 Evt16 AA-2 Sta1", "Sta3 Evt16 AA-3 Sta1", "Sta5 Evt16 AA-3 Sta1",
  "Sta6 Evt16 AA-3 Sta1", "Sta7 Evt16 AA-3 Sta1", "Sta8 Evt16 AA-3 Sta1",
  "Sta9 Evt16 AA-3 Sta1", "Sta10 Evt16 AA-3 Sta1", "Sta11 Evt16 AA-3 Sta1",
  "Sta12 Evt16 AA-3 Sta1", "Sta13 Evt16 AA-2 Sta1",
  "Sta2 Evt17 AA-5 Sta1", "Sta3 Evt17 AA-4 Sta1", "Sta4 Evt17 AA-4 Sta1",
  "Sta5 Evt17 AA-4 Sta1", "Sta6 Evt17 AA-4 Sta1", "Sta7 Evt17 AA-4 Sta1",
  "Sta8 Evt17 AA-4 Sta1", "Sta9 Evt17 AA-4 Sta1", "Sta10 Evt17 AA-4 Sta1",
  "Sta11 Evt17 AA-4 Sta1", "Sta12 Evt17 AA-4 Sta1", "Sta13 Evt17 AR-5 Sta1",
  "Sta2 Evt18 AA-2 Sta1", "Sta13 Evt18 AA-2 Sta1",
  "Sta2 Evt19 AA-1 Sta13", "Sta3 Evt19 AA-8 Sta13", "Sta5 Evt19 AA-8 Sta13",
  "Sta6 Evt19 AA-8 Sta13", "Sta7 Evt19 AA-8 Sta13", "Sta8 Evt19 AA-8 Sta13",
  "Sta9 Evt19 AA-8 Sta13", "Sta10 Evt19 AA-8 Sta13", "Sta11 Evt19 AA-8 Sta13",
  "Sta12 Evt19 AA-8 Sta13", "Sta13 Evt19 AA-7 Sta13",
};

/* PS3.8 Tables 9-6 to 9-9, as the effects each action must produce with an
 * acceptable A-ASSOCIATE-RQ and no received A-ABORT fields. Flags are in
 * the order "connect accept stop start close ignore". */
typedef struct {
  const char       *action;
  DimsePduType      pdu;
  gboolean          from_primitive;
  DimseUlIndication indication;
  const char       *flags;
} ExpectedEffects;

static const ExpectedEffects expected_effects[] = {
  { "AE-1", 0, FALSE, DIMSE_UL_IND_NONE, "connect" },
  { "AE-2", DIMSE_PDU_ASSOCIATE_RQ, TRUE, DIMSE_UL_IND_NONE, "" },
  { "AE-3", 0, FALSE, DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_ACCEPT, "" },
  { "AE-4", 0, FALSE, DIMSE_UL_IND_A_ASSOCIATE_CONFIRM_REJECT, "close" },
  { "AE-5", 0, FALSE, DIMSE_UL_IND_NONE, "accept start" },
  { "AE-6", 0, FALSE, DIMSE_UL_IND_A_ASSOCIATE, "stop" },
  { "AE-7", DIMSE_PDU_ASSOCIATE_AC, TRUE, DIMSE_UL_IND_NONE, "" },
  { "AE-8", DIMSE_PDU_ASSOCIATE_RJ, TRUE, DIMSE_UL_IND_NONE, "start" },
  { "DT-1", DIMSE_PDU_P_DATA_TF, TRUE, DIMSE_UL_IND_NONE, "" },
  { "DT-2", 0, FALSE, DIMSE_UL_IND_P_DATA, "" },
  { "AR-1", DIMSE_PDU_RELEASE_RQ, TRUE, DIMSE_UL_IND_NONE, "" },
  { "AR-2", 0, FALSE, DIMSE_UL_IND_A_RELEASE, "" },
  { "AR-3", 0, FALSE, DIMSE_UL_IND_A_RELEASE_CONFIRM, "close" },
  { "AR-4", DIMSE_PDU_RELEASE_RP, TRUE, DIMSE_UL_IND_NONE, "start" },
  { "AR-5", 0, FALSE, DIMSE_UL_IND_NONE, "stop" },
  { "AR-6", 0, FALSE, DIMSE_UL_IND_P_DATA, "" },
  { "AR-7", DIMSE_PDU_P_DATA_TF, TRUE, DIMSE_UL_IND_NONE, "" },
  { "AR-8", 0, FALSE, DIMSE_UL_IND_A_RELEASE, "" },
  { "AR-9", DIMSE_PDU_RELEASE_RP, TRUE, DIMSE_UL_IND_NONE, "" },
  { "AR-10", 0, FALSE, DIMSE_UL_IND_A_RELEASE_CONFIRM, "" },
  { "AA-1", DIMSE_PDU_ABORT, FALSE, DIMSE_UL_IND_NONE, "start" },
  { "AA-2", 0, FALSE, DIMSE_UL_IND_NONE, "stop close" },
  { "AA-3", 0, FALSE, DIMSE_UL_IND_A_P_ABORT, "close" },
  { "AA-4", 0, FALSE, DIMSE_UL_IND_A_P_ABORT, "" },
  { "AA-5", 0, FALSE, DIMSE_UL_IND_NONE, "stop" },
  { "AA-6", 0, FALSE, DIMSE_UL_IND_NONE, "ignore" },
  { "AA-7", DIMSE_PDU_ABORT, FALSE, DIMSE_UL_IND_NONE, "" },
  { "AA-8", DIMSE_PDU_ABORT, FALSE, DIMSE_UL_IND_A_P_ABORT, "start" },
};

typedef struct {
  int  state;
  int  event;
  char action[8];
  int  next_state;
  int  alt_next_state;  /* 0 when the action has one outcome */
} Cell;

static gboolean
parse_cell (const char *text, Cell *cell)
{
  char next[16];
  int n;

  memset (cell, 0, sizeof *cell);
  n = sscanf (text, "Sta%d Evt%d %7s %15s", &cell->state, &cell->event, cell->action, next);
  if (n != 4)
    return FALSE;
  n = sscanf (next, "Sta%d|Sta%d", &cell->next_state, &cell->alt_next_state);
  return n >= 1;
}

static const Cell *
find_cell (const Cell *cells, guint n_cells, int event, int state)
{
  for (guint i = 0; i < n_cells; i++)
    if (cells[i].event == event && cells[i].state == state)
      return &cells[i];
  return NULL;
}

static const ExpectedEffects *
find_effects (const char *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected_effects); i++)
    if (g_str_equal (expected_effects[i].action, action))
      return &expected_effects[i];
  return NULL;
}

static char *
step_flags (const DimseUlStep *step)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_null_terminated (6, NULL, TRUE);

  if (step->connect_transport)
    g_ptr_array_add (words, (gpointer) "connect");
  if (step->accept_transport)
    g_ptr_array_add (words, (gpointer) "accept");
  if (step->stop_artim)
    g_ptr_array_add (words, (gpointer) "stop");
  if (step->start_artim)
    g_ptr_array_add (words, (gpointer) "start");
  if (step->close_transport)
    g_ptr_array_add (words, (gpointer) "close");
  if (step->ignore_pdu)
    g_ptr_array_add (words, (gpointer) "ignore");
  return g_strjoinv (" ", (char **) words->pdata);
}

static DimseUlStep
handle_at (DimseUlState state, gboolean is_requestor, DimseUlEvent event,
           const DimseUlContext *ctx)
{
  DimseUlFsm fsm;
  DimseUlStep step;
  g_autoptr(GError) error = NULL;

  dimse_ul_fsm_init (&fsm);
  fsm.state = state;
  fsm.is_requestor = is_requestor;
  g_assert_true (dimse_ul_fsm_handle (&fsm, event, ctx, &step, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fsm.state, ==, step.next_state);
  g_assert_cmpint (step.state, ==, state);
  g_assert_cmpint (step.event, ==, event);
  return step;
}

static void
check_effects (const DimseUlStep *step, const char *action)
{
  const ExpectedEffects *fx = find_effects (action);
  g_autofree char *flags = step_flags (step);

  g_assert_nonnull (fx);
  g_assert_cmpint (step->send_pdu, ==, fx->pdu);
  g_assert_cmpint (step->pdu_from_primitive, ==, fx->from_primitive);
  g_assert_cmpint (step->indication, ==, fx->indication);
  g_assert_cmpstr (flags, ==, fx->flags);
}

static void
check_defined_cell (const Cell *cell, gboolean *seen)
{
  DimseUlStep step;
  DimseUlContext reject = { .associate_rq_acceptable = FALSE };

  step = handle_at (cell->state, TRUE, cell->event, NULL);
  g_assert_cmpstr (dimse_ul_action_name (step.action), ==, cell->action);
  g_assert_cmpint (step.next_state, ==, cell->next_state);
  check_effects (&step, cell->action);
  seen[step.action] = TRUE;

  if (cell->alt_next_state != 0)
    step = handle_at (cell->state, FALSE, cell->event, &reject);
  else
    step = handle_at (cell->state, FALSE, cell->event, NULL);
  g_assert_cmpint (step.next_state, ==,
                   cell->alt_next_state != 0 ? cell->alt_next_state : cell->next_state);
}

static void
check_empty_cell (int state, int event)
{
  DimseUlFsm fsm;
  DimseUlStep step;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (dimse_ul_transition (event, state), ==, DIMSE_UL_NO_ACTION);
  dimse_ul_fsm_init (&fsm);
  fsm.state = state;
  fsm.artim_running = TRUE;
  g_assert_false (dimse_ul_fsm_handle (&fsm, event, NULL, &step, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED);
  g_assert_nonnull (strstr (error->message, dimse_ul_state_name (state)));
  g_assert_nonnull (strstr (error->message, dimse_ul_event_name (event)));
  g_assert_cmpint (fsm.state, ==, state);
  g_assert_true (fsm.artim_running);
  g_assert_cmpint (step.action, ==, DIMSE_UL_NO_ACTION);
  g_assert_cmpint (step.next_state, ==, state);
  g_assert_cmpint (step.send_pdu, ==, 0);
  g_assert_cmpint (step.indication, ==, DIMSE_UL_IND_NONE);
}

static void
test_every_cell (void)
{
  Cell cells[G_N_ELEMENTS (expected_cells)];
  gboolean seen[DIMSE_UL_N_ACTIONS + 1] = { FALSE };
  guint n_defined = 0, n_empty = 0;

  for (guint i = 0; i < G_N_ELEMENTS (expected_cells); i++)
    g_assert_true (parse_cell (expected_cells[i], &cells[i]));

  for (int event = 1; event <= DIMSE_UL_N_EVENTS; event++)
    for (int state = 1; state <= DIMSE_UL_N_STATES; state++)
      {
        const Cell *cell = find_cell (cells, G_N_ELEMENTS (cells), event, state);

        if (cell != NULL)
          {
            check_defined_cell (cell, seen);
            n_defined++;
          }
        else
          {
            check_empty_cell (state, event);
            n_empty++;
          }
      }

  g_assert_cmpuint (n_defined, ==, G_N_ELEMENTS (expected_cells));
  g_assert_cmpuint (n_defined + n_empty, ==, 19 * 13);
  for (int a = DIMSE_AE_1; a <= DIMSE_AA_8; a++)
    g_assert_true (seen[a]);
}

static void
test_names (void)
{
  const struct { const char *prefix; int count; } groups[] = {
    { "AE", 8 }, { "DT", 2 }, { "AR", 10 }, { "AA", 8 },
  };
  int action = DIMSE_AE_1;

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    for (int i = 1; i <= groups[g].count; i++, action++)
      {
        g_autofree char *name = g_strdup_printf ("%s-%d", groups[g].prefix, i);
        g_assert_cmpstr (dimse_ul_action_name (action), ==, name);
        g_assert_cmpuint (strlen (dimse_ul_action_describe (action)), >, 5);
      }
  g_assert_cmpint (action, ==, DIMSE_UL_N_ACTIONS + 1);

  g_assert_cmpstr (dimse_ul_state_name (DIMSE_STA6_ASSOCIATION_ESTABLISHED), ==, "Sta6");
  g_assert_cmpstr (dimse_ul_state_name (DIMSE_STA13_AWAITING_TRANSPORT_CLOSE), ==, "Sta13");
  g_assert_cmpstr (dimse_ul_state_describe (DIMSE_STA1_IDLE), ==, "Idle");
  g_assert_cmpstr (dimse_ul_state_describe (DIMSE_STA7_AWAITING_A_RELEASE_RP), ==,
                   "Awaiting A-RELEASE-RP PDU");
  g_assert_cmpstr (dimse_ul_event_name (DIMSE_EVT10_P_DATA_TF_RECEIVED), ==, "Evt10");
  g_assert_cmpstr (dimse_ul_event_name (DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU), ==, "Evt19");
  g_assert_cmpstr (dimse_ul_event_describe (DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU), ==,
                   "Unrecognized or invalid PDU received");
  g_assert_cmpstr (dimse_ul_action_describe (DIMSE_AA_6), ==, "Ignore PDU");
  g_assert_cmpstr (dimse_ul_indication_name (DIMSE_UL_IND_A_P_ABORT), ==,
                   "A-P-ABORT indication");

  g_assert_cmpstr (dimse_ul_state_name (0), ==, "Sta?");
  g_assert_cmpstr (dimse_ul_state_name (14), ==, "Sta?");
  g_assert_cmpstr (dimse_ul_event_name (20), ==, "Evt?");
  g_assert_cmpstr (dimse_ul_action_name (DIMSE_UL_NO_ACTION), ==, "--");
  g_assert_cmpint (dimse_ul_transition (0, DIMSE_STA1_IDLE), ==, DIMSE_UL_NO_ACTION);
  g_assert_cmpint (dimse_ul_transition (DIMSE_EVT1_A_ASSOCIATE_RQ_REQUEST, 0), ==,
                   DIMSE_UL_NO_ACTION);
}

static void
test_next_state_resolution (void)
{
  g_assert_cmpint (dimse_ul_action_next_state (DIMSE_AE_6, TRUE, TRUE), ==,
                   DIMSE_STA3_AWAITING_LOCAL_A_ASSOCIATE_RESPONSE);
  g_assert_cmpint (dimse_ul_action_next_state (DIMSE_AE_6, FALSE, FALSE), ==,
                   DIMSE_STA13_AWAITING_TRANSPORT_CLOSE);
  g_assert_cmpint (dimse_ul_action_next_state (DIMSE_AR_8, TRUE, TRUE), ==,
                   DIMSE_STA9_RELEASE_COLLISION_REQUESTOR_AWAITING_LOCAL_RESPONSE);
  g_assert_cmpint (dimse_ul_action_next_state (DIMSE_AR_8, FALSE, TRUE), ==,
                   DIMSE_STA10_RELEASE_COLLISION_ACCEPTOR_AWAITING_A_RELEASE_RP);
  /* The flags do not move actions whose next state is fixed. */
  g_assert_cmpint (dimse_ul_action_next_state (DIMSE_AA_8, FALSE, FALSE), ==,
                   DIMSE_STA13_AWAITING_TRANSPORT_CLOSE);
  g_assert_cmpint (dimse_ul_action_next_state (DIMSE_AR_3, FALSE, FALSE), ==,
                   DIMSE_STA1_IDLE);
  g_assert_cmpint (dimse_ul_action_next_state (DIMSE_UL_NO_ACTION, TRUE, TRUE), ==, 0);
}

/* Runs events through one machine, checking each action and next state. */
typedef struct {
  DimseUlEvent   event;
  const char    *action;
  DimseUlState   next_state;
  gboolean       artim_running;
} Hop;

static void
run_hops (DimseUlFsm *fsm, const Hop *hops, guint n_hops, const DimseUlContext *ctx,
          DimseUlStep *last)
{
  for (guint i = 0; i < n_hops; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (dimse_ul_fsm_handle (fsm, hops[i].event, ctx, last, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (dimse_ul_action_name (last->action), ==, hops[i].action);
      g_assert_cmpint (fsm->state, ==, hops[i].next_state);
      g_assert_cmpint (fsm->artim_running, ==, hops[i].artim_running);
    }
}

/* A transport connection accepted, then its A-ASSOCIATE-RQ: Sta3. */
static const Hop acceptor_opening[] = {
    { DIMSE_EVT5_TRANSPORT_CONNECT_INDICATION, "AE-5",
      DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ, TRUE },
    { DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED, "AE-6",
      DIMSE_STA3_AWAITING_LOCAL_A_ASSOCIATE_RESPONSE, FALSE },
};

static void
test_release_collision_requestor (void)
{
  const Hop hops[] = {
    { DIMSE_EVT1_A_ASSOCIATE_RQ_REQUEST, "AE-1", DIMSE_STA4_AWAITING_TRANSPORT_OPEN, FALSE },
    { DIMSE_EVT2_TRANSPORT_CONNECT_CONFIRM, "AE-2", DIMSE_STA5_AWAITING_A_ASSOCIATE_AC_OR_RJ, FALSE },
    { DIMSE_EVT3_A_ASSOCIATE_AC_RECEIVED, "AE-3", DIMSE_STA6_ASSOCIATION_ESTABLISHED, FALSE },
    { DIMSE_EVT9_P_DATA_REQUEST, "DT-1", DIMSE_STA6_ASSOCIATION_ESTABLISHED, FALSE },
    { DIMSE_EVT11_A_RELEASE_REQUEST, "AR-1", DIMSE_STA7_AWAITING_A_RELEASE_RP, FALSE },
    { DIMSE_EVT10_P_DATA_TF_RECEIVED, "AR-6", DIMSE_STA7_AWAITING_A_RELEASE_RP, FALSE },
    { DIMSE_EVT12_A_RELEASE_RQ_RECEIVED, "AR-8",
      DIMSE_STA9_RELEASE_COLLISION_REQUESTOR_AWAITING_LOCAL_RESPONSE, FALSE },
    { DIMSE_EVT14_A_RELEASE_RESPONSE, "AR-9",
      DIMSE_STA11_RELEASE_COLLISION_REQUESTOR_AWAITING_A_RELEASE_RP, FALSE },
    { DIMSE_EVT13_A_RELEASE_RP_RECEIVED, "AR-3", DIMSE_STA1_IDLE, FALSE },
  };
  DimseUlFsm fsm;
  DimseUlStep last;

  dimse_ul_fsm_init (&fsm);
  run_hops (&fsm, hops, G_N_ELEMENTS (hops), NULL, &last);
  g_assert_true (fsm.is_requestor);
  g_assert_true (last.close_transport);
  g_assert_cmpint (last.indication, ==, DIMSE_UL_IND_A_RELEASE_CONFIRM);
}

static void
test_release_collision_acceptor (void)
{
  const Hop hops[] = {
    { DIMSE_EVT7_A_ASSOCIATE_RESPONSE_ACCEPT, "AE-7", DIMSE_STA6_ASSOCIATION_ESTABLISHED, FALSE },
    { DIMSE_EVT10_P_DATA_TF_RECEIVED, "DT-2", DIMSE_STA6_ASSOCIATION_ESTABLISHED, FALSE },
    { DIMSE_EVT11_A_RELEASE_REQUEST, "AR-1", DIMSE_STA7_AWAITING_A_RELEASE_RP, FALSE },
    { DIMSE_EVT12_A_RELEASE_RQ_RECEIVED, "AR-8",
      DIMSE_STA10_RELEASE_COLLISION_ACCEPTOR_AWAITING_A_RELEASE_RP, FALSE },
    { DIMSE_EVT13_A_RELEASE_RP_RECEIVED, "AR-10",
      DIMSE_STA12_RELEASE_COLLISION_ACCEPTOR_AWAITING_LOCAL_RESPONSE, FALSE },
    { DIMSE_EVT14_A_RELEASE_RESPONSE, "AR-4", DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, TRUE },
    { DIMSE_EVT17_TRANSPORT_CLOSED, "AR-5", DIMSE_STA1_IDLE, FALSE },
  };
  const DimseUlContext ctx = { .associate_rq_acceptable = TRUE };
  DimseUlFsm fsm;
  DimseUlStep last;

  dimse_ul_fsm_init (&fsm);
  fsm.is_requestor = TRUE;  /* AE-5 must make it the acceptor */
  run_hops (&fsm, acceptor_opening, G_N_ELEMENTS (acceptor_opening), &ctx, &last);
  run_hops (&fsm, hops, G_N_ELEMENTS (hops), &ctx, &last);
  g_assert_false (fsm.is_requestor);
  g_assert_true (last.stop_artim);
  g_assert_false (last.close_transport);
}

static void
test_release_normal (void)
{
  const Hop requestor[] = {
    { DIMSE_EVT11_A_RELEASE_REQUEST, "AR-1", DIMSE_STA7_AWAITING_A_RELEASE_RP, FALSE },
    { DIMSE_EVT13_A_RELEASE_RP_RECEIVED, "AR-3", DIMSE_STA1_IDLE, FALSE },
  };
  const Hop acceptor[] = {
    { DIMSE_EVT12_A_RELEASE_RQ_RECEIVED, "AR-2", DIMSE_STA8_AWAITING_LOCAL_A_RELEASE_RESPONSE, FALSE },
    { DIMSE_EVT9_P_DATA_REQUEST, "AR-7", DIMSE_STA8_AWAITING_LOCAL_A_RELEASE_RESPONSE, FALSE },
    { DIMSE_EVT14_A_RELEASE_RESPONSE, "AR-4", DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, TRUE },
    { DIMSE_EVT17_TRANSPORT_CLOSED, "AR-5", DIMSE_STA1_IDLE, FALSE },
  };
  DimseUlFsm fsm;
  DimseUlStep last;

  dimse_ul_fsm_init (&fsm);
  fsm.state = DIMSE_STA6_ASSOCIATION_ESTABLISHED;
  run_hops (&fsm, requestor, G_N_ELEMENTS (requestor), NULL, &last);
  g_assert_cmpint (last.send_pdu, ==, 0);

  fsm.state = DIMSE_STA6_ASSOCIATION_ESTABLISHED;
  run_hops (&fsm, acceptor, G_N_ELEMENTS (acceptor), NULL, &last);
}

static void
test_artim_expiry_sta2 (void)
{
  const Hop hops[] = {
    { DIMSE_EVT5_TRANSPORT_CONNECT_INDICATION, "AE-5",
      DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ, TRUE },
    { DIMSE_EVT18_ARTIM_EXPIRED, "AA-2", DIMSE_STA1_IDLE, FALSE },
  };
  DimseUlFsm fsm;
  DimseUlStep last;

  dimse_ul_fsm_init (&fsm);
  run_hops (&fsm, hops, G_N_ELEMENTS (hops), NULL, &last);
  g_assert_true (last.close_transport);
  g_assert_true (last.stop_artim);
  g_assert_cmpint (last.send_pdu, ==, 0);
  g_assert_cmpint (last.indication, ==, DIMSE_UL_IND_NONE);
}

static void
test_artim_expiry_sta13 (void)
{
  const Hop hops[] = {
    { DIMSE_EVT8_A_ASSOCIATE_RESPONSE_REJECT, "AE-8", DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, TRUE },
    { DIMSE_EVT10_P_DATA_TF_RECEIVED, "AA-6", DIMSE_STA13_AWAITING_TRANSPORT_CLOSE, TRUE },
    { DIMSE_EVT18_ARTIM_EXPIRED, "AA-2", DIMSE_STA1_IDLE, FALSE },
  };
  DimseUlFsm fsm;
  DimseUlStep last;

  dimse_ul_fsm_init (&fsm);
  run_hops (&fsm, acceptor_opening, G_N_ELEMENTS (acceptor_opening), NULL, &last);
  run_hops (&fsm, hops, G_N_ELEMENTS (hops), NULL, &last);
  g_assert_true (last.close_transport);
}

static void
test_ae_6_provider_reject (void)
{
  const DimseUlContext ctx = {
    .associate_rq_acceptable = FALSE,
    .reject_result = DIMSE_RJ_RESULT_PERMANENT,
    .reject_source = DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE,
    .reject_reason = DIMSE_RJ_REASON_PROTOCOL_VERSION_NOT_SUPPORTED,
  };
  DimseUlStep step = handle_at (DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ, FALSE,
                                DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED, &ctx);

  g_assert_cmpint (step.action, ==, DIMSE_AE_6);
  g_assert_cmpint (step.next_state, ==, DIMSE_STA13_AWAITING_TRANSPORT_CLOSE);
  g_assert_cmpint (step.send_pdu, ==, DIMSE_PDU_ASSOCIATE_RJ);
  g_assert_false (step.pdu_from_primitive);
  g_assert_cmpint (step.reject_result, ==, 1);
  g_assert_cmpint (step.reject_source, ==, 2);
  g_assert_cmpint (step.reject_reason, ==, 2);
  g_assert_cmpint (step.indication, ==, DIMSE_UL_IND_NONE);
  g_assert_true (step.stop_artim);
  g_assert_true (step.start_artim);
}

static void
test_aa_1_user_abort (void)
{
  DimseUlFsm fsm;
  DimseUlStep step;
  g_autoptr(GError) error = NULL;

  dimse_ul_fsm_init (&fsm);
  fsm.state = DIMSE_STA6_ASSOCIATION_ESTABLISHED;
  g_assert_true (dimse_ul_fsm_handle (&fsm, DIMSE_EVT15_A_ABORT_REQUEST, NULL, &step, &error));
  g_assert_cmpint (step.action, ==, DIMSE_AA_1);
  g_assert_cmpint (step.send_pdu, ==, DIMSE_PDU_ABORT);
  g_assert_cmpint (step.abort_source, ==, DIMSE_ABORT_SOURCE_SERVICE_USER);
  g_assert_cmpint (step.abort_reason, ==, DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_assert_cmpint (step.indication, ==, DIMSE_UL_IND_NONE);
  g_assert_true (fsm.artim_running);
  g_assert_cmpint (fsm.state, ==, DIMSE_STA13_AWAITING_TRANSPORT_CLOSE);

  /* Then the peer closes: AR-5 stops ARTIM. */
  g_assert_true (dimse_ul_fsm_handle (&fsm, DIMSE_EVT17_TRANSPORT_CLOSED, NULL, &step, &error));
  g_assert_cmpint (step.action, ==, DIMSE_AR_5);
  g_assert_false (fsm.artim_running);
  g_assert_cmpint (fsm.state, ==, DIMSE_STA1_IDLE);
}

static void
test_aa_3_abort_received (void)
{
  const DimseUlContext by_user = {
    .received_abort_source = DIMSE_ABORT_SOURCE_SERVICE_USER,
  };
  const DimseUlContext by_provider = {
    .received_abort_source = DIMSE_ABORT_SOURCE_SERVICE_PROVIDER,
    .received_abort_reason = DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
  };
  DimseUlStep step;

  step = handle_at (DIMSE_STA6_ASSOCIATION_ESTABLISHED, TRUE, DIMSE_EVT16_A_ABORT_RECEIVED,
                    &by_user);
  g_assert_cmpint (step.action, ==, DIMSE_AA_3);
  g_assert_cmpint (step.indication, ==, DIMSE_UL_IND_A_ABORT);
  g_assert_cmpint (step.indication_abort_source, ==, DIMSE_ABORT_SOURCE_SERVICE_USER);
  g_assert_true (step.close_transport);
  g_assert_cmpint (step.next_state, ==, DIMSE_STA1_IDLE);

  step = handle_at (DIMSE_STA7_AWAITING_A_RELEASE_RP, TRUE, DIMSE_EVT16_A_ABORT_RECEIVED,
                    &by_provider);
  g_assert_cmpint (step.indication, ==, DIMSE_UL_IND_A_P_ABORT);
  g_assert_cmpint (step.indication_provider_reason, ==, 6);
  g_assert_cmpint (step.send_pdu, ==, 0);
}

static void
test_aa_4_transport_closed (void)
{
  DimseUlStep step = handle_at (DIMSE_STA4_AWAITING_TRANSPORT_OPEN, TRUE,
                                DIMSE_EVT17_TRANSPORT_CLOSED, NULL);

  g_assert_cmpint (step.action, ==, DIMSE_AA_4);
  g_assert_cmpint (step.indication, ==, DIMSE_UL_IND_A_P_ABORT);
  g_assert_cmpint (step.indication_provider_reason, ==, DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_assert_false (step.close_transport);
}

static void
test_aa_8_unexpected_pdu (void)
{
  DimseUlStep step = handle_at (DIMSE_STA5_AWAITING_A_ASSOCIATE_AC_OR_RJ, TRUE,
                                DIMSE_EVT10_P_DATA_TF_RECEIVED, NULL);

  g_assert_cmpint (step.action, ==, DIMSE_AA_8);
  g_assert_cmpint (step.send_pdu, ==, DIMSE_PDU_ABORT);
  g_assert_cmpint (step.abort_source, ==, 2);
  g_assert_cmpint (step.abort_reason, ==, 2);
  g_assert_true (step.start_artim);
  g_assert_false (step.close_transport);
  g_assert_cmpint (step.indication, ==, DIMSE_UL_IND_A_P_ABORT);
  g_assert_cmpint (step.indication_provider_reason, ==, 2);
  g_assert_cmpint (step.next_state, ==, DIMSE_STA13_AWAITING_TRANSPORT_CLOSE);
}

static void
test_aa_8_invalid_pdu (void)
{
  const DimseUlContext ctx = {
    .invalid_pdu_reason = DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
  };
  DimseUlStep step;

  for (int state = DIMSE_STA3_AWAITING_LOCAL_A_ASSOCIATE_RESPONSE;
       state <= DIMSE_STA12_RELEASE_COLLISION_ACCEPTOR_AWAITING_LOCAL_RESPONSE; state++)
    {
      if (state == DIMSE_STA4_AWAITING_TRANSPORT_OPEN)
        continue;
      step = handle_at (state, TRUE, DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU, &ctx);
      g_assert_cmpint (step.action, ==, DIMSE_AA_8);
      g_assert_cmpint (step.abort_source, ==, DIMSE_ABORT_SOURCE_SERVICE_PROVIDER);
      g_assert_cmpint (step.abort_reason, ==, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
      g_assert_cmpint (step.indication_provider_reason, ==,
                       DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
    }

  step = handle_at (DIMSE_STA6_ASSOCIATION_ESTABLISHED, TRUE,
                    DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU, NULL);
  g_assert_cmpint (step.abort_reason, ==, DIMSE_ABORT_REASON_UNRECOGNIZED_PDU);
}

static void
test_aa_7_in_sta13 (void)
{
  const DimseUlContext ctx = { .invalid_pdu_reason = DIMSE_ABORT_REASON_UNRECOGNIZED_PDU };
  DimseUlFsm fsm;
  DimseUlStep step;
  g_autoptr(GError) error = NULL;

  dimse_ul_fsm_init (&fsm);
  fsm.state = DIMSE_STA13_AWAITING_TRANSPORT_CLOSE;
  fsm.artim_running = TRUE;
  g_assert_true (dimse_ul_fsm_handle (&fsm, DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED, NULL,
                                      &step, &error));
  g_assert_cmpint (step.action, ==, DIMSE_AA_7);
  g_assert_cmpint (step.abort_source, ==, DIMSE_ABORT_SOURCE_SERVICE_PROVIDER);
  g_assert_cmpint (step.abort_reason, ==, DIMSE_ABORT_REASON_UNEXPECTED_PDU);
  g_assert_false (step.start_artim);
  g_assert_true (fsm.artim_running);

  g_assert_true (dimse_ul_fsm_handle (&fsm, DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU, &ctx,
                                      &step, &error));
  g_assert_cmpint (step.action, ==, DIMSE_AA_7);
  g_assert_cmpint (step.abort_reason, ==, DIMSE_ABORT_REASON_UNRECOGNIZED_PDU);
  g_assert_cmpint (fsm.state, ==, DIMSE_STA13_AWAITING_TRANSPORT_CLOSE);
}

static void
test_aa_1_in_sta2 (void)
{
  DimseUlFsm fsm;
  DimseUlStep step;
  g_autoptr(GError) error = NULL;

  dimse_ul_fsm_init (&fsm);
  g_assert_true (dimse_ul_fsm_handle (&fsm, DIMSE_EVT5_TRANSPORT_CONNECT_INDICATION, NULL,
                                      &step, &error));
  g_assert_true (dimse_ul_fsm_handle (&fsm, DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU, NULL,
                                      &step, &error));
  g_assert_no_error (error);
  /* PS3.8 Table 9-10: before an association exists the abort is AA-1,
   * which restarts the ARTIM timer AE-5 started. */
  g_assert_cmpint (step.action, ==, DIMSE_AA_1);
  g_assert_true (step.start_artim);
  g_assert_true (fsm.artim_running);
  g_assert_cmpint (fsm.state, ==, DIMSE_STA13_AWAITING_TRANSPORT_CLOSE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ul-fsm/table/every-cell", test_every_cell);
  g_test_add_func ("/ul-fsm/names", test_names);
  g_test_add_func ("/ul-fsm/next-state/resolution", test_next_state_resolution);
  g_test_add_func ("/ul-fsm/release/normal", test_release_normal);
  g_test_add_func ("/ul-fsm/release/collision/requestor", test_release_collision_requestor);
  g_test_add_func ("/ul-fsm/release/collision/acceptor", test_release_collision_acceptor);
  g_test_add_func ("/ul-fsm/artim/expiry/sta2", test_artim_expiry_sta2);
  g_test_add_func ("/ul-fsm/artim/expiry/sta13", test_artim_expiry_sta13);
  g_test_add_func ("/ul-fsm/ae-6/provider-reject", test_ae_6_provider_reject);
  g_test_add_func ("/ul-fsm/aa-1/user-abort", test_aa_1_user_abort);
  g_test_add_func ("/ul-fsm/aa-1/invalid-pdu-in-sta2", test_aa_1_in_sta2);
  g_test_add_func ("/ul-fsm/aa-3/abort-received", test_aa_3_abort_received);
  g_test_add_func ("/ul-fsm/aa-4/transport-closed", test_aa_4_transport_closed);
  g_test_add_func ("/ul-fsm/aa-7/sta13", test_aa_7_in_sta13);
  g_test_add_func ("/ul-fsm/aa-8/unexpected-pdu", test_aa_8_unexpected_pdu);
  g_test_add_func ("/ul-fsm/aa-8/invalid-pdu", test_aa_8_invalid_pdu);

  return g_test_run ();
}
