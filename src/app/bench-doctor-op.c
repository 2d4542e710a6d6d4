/* bench-doctor-op.c — the C-MOVE destination doctor on the engine's worker */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-doctor-op.h"
#include "bench-peer.h"
#include "bench-tools-op.h"
#include "dimse-move-doctor.h"

typedef struct {
  GTask *task;                   /* on the UI context */
  GCancellable *cancellable;     /* the worker's own */
  BenchEngine *engine;
  BenchPeer *peer;
  char *destination;
  guint16 local_port;
  guint wait_seconds;
  gboolean scp_suspended;
  DimseMoveDoctor *doctor;
  BenchDoctorStep step;
  GObject *step_object;
} DoctorOp;

typedef struct {
  BenchDoctorStep step;
  GObject *step_object;
  char *text;
} Step;

/* The legs of a move in the order they happen (PS3.4 §C.4.2.1): each
 * diagnosis names the first that failed. */
typedef struct {
  const char *leg;
  DimseMoveDoctorDiagnosis failure[2];
} Leg;

static const Leg legs[] = {
  { N_("Association with the peer for Query/Retrieve"), { DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE } },
  { N_("An instance to move found with C-FIND"), { DIMSE_MOVE_DOCTOR_NOTHING_TO_MOVE } },
  { N_("C-MOVE accepted for the destination"), { DIMSE_MOVE_DOCTOR_DESTINATION_UNKNOWN } },
  { N_("Association back from the peer in time"), { DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK } },
  { N_("From the expected address, to the destination AE title"),
    { DIMSE_MOVE_DOCTOR_UNEXPECTED_ADDRESS, DIMSE_MOVE_DOCTOR_WRONG_CALLED_AE_TITLE } },
  { N_("A storage presentation context accepted"), { DIMSE_MOVE_DOCTOR_STORAGE_REJECTED } },
  { N_("The instance stored with C-STORE"), { DIMSE_MOVE_DOCTOR_STORE_FAILED } },
  { N_("The C-MOVE completed"), { DIMSE_MOVE_DOCTOR_MOVE_FAILED } },
};

void
bench_doctor_result_free (BenchDoctorResult *result)
{
  g_free (result->diagnosis);
  g_free (result->explanation);
  g_clear_object (&result->legs);
  g_free (result->return_rq);
  g_free (result);
}

static void
doctor_op_free (DoctorOp *op)
{
  if (op->scp_suspended)
    bench_engine_suspend_storage_scp (op->engine, FALSE);
  g_clear_object (&op->task);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->engine);
  g_clear_pointer (&op->peer, bench_peer_free);
  g_free (op->destination);
  g_clear_object (&op->doctor);
  g_clear_object (&op->step_object);
  g_free (op);
}

static void
step_free (gpointer data)
{
  Step *step = data;

  g_object_unref (step->step_object);
  g_free (step->text);
  g_free (step);
}

static gboolean
step_on_ui (gpointer data)
{
  Step *step = data;

  step->step (step->text, step->step_object);
  return G_SOURCE_REMOVE;
}

static void
on_step (DimseMoveDoctor *doctor, const char *what, DoctorOp *op)
{
  Step *step;

  if (op->step == NULL)
    return;
  step = g_new0 (Step, 1);
  step->step = op->step;
  step->step_object = g_object_ref (op->step_object);
  step->text = g_strdup (what);
  bench_engine_invoke_ui (step_on_ui, step, step_free);
}

static gboolean
leg_failed (const Leg *leg, DimseMoveDoctorDiagnosis diagnosis)
{
  return leg->failure[0] == diagnosis || (leg->failure[1] != 0 && leg->failure[1] == diagnosis);
}

static GListStore *
collect_legs (DimseMoveDoctor *doctor)
{
  GListStore *store = g_list_store_new (BENCH_TYPE_TOOLS_ROW);
  DimseMoveDoctorDiagnosis diagnosis = dimse_move_doctor_get_diagnosis (doctor);
  gboolean reached = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (legs); i++)
    {
      g_autoptr(BenchToolsRow) row = NULL;
      gboolean failed = leg_failed (&legs[i], diagnosis);
      const char *what = !reached ? _("Not reached") : failed ? _("Failed") : _("Passed");

      row = bench_tools_row_new (reached && !failed, _(legs[i].leg), what,
                                 reached ? (failed ? "✗" : "✓") : "–", NULL);
      g_list_store_append (store, row);
      if (failed)
        reached = FALSE;
    }
  return store;
}

static void
on_run (GObject *source, GAsyncResult *res, gpointer user_data)
{
  DoctorOp *op = user_data;
  DimseMoveDoctor *doctor = DIMSE_MOVE_DOCTOR (source);
  GError *error = NULL;
  BenchDoctorResult *result;
  DimseMoveDoctorDiagnosis diagnosis;

  if (!dimse_move_doctor_run_finish (doctor, res, &error))
    {
      g_task_return_error (op->task, error);
      doctor_op_free (op);
      return;
    }
  diagnosis = dimse_move_doctor_get_diagnosis (doctor);
  result = g_new0 (BenchDoctorResult, 1);
  result->success = diagnosis == DIMSE_MOVE_DOCTOR_SUCCESS;
  result->diagnosis = g_strdup (dimse_move_doctor_diagnosis_to_string (diagnosis));
  result->explanation = g_strdup (dimse_move_doctor_get_explanation (doctor));
  result->legs = collect_legs (doctor);
  result->return_rq = g_strdup (dimse_move_doctor_get_return_rq_description (doctor));
  g_task_return_pointer (op->task, result, (GDestroyNotify) bench_doctor_result_free);
  doctor_op_free (op);
}

static gboolean
start_on_worker (gpointer data)
{
  DoctorOp *op = data;
  const BenchPeer *peer = op->peer;
  DimseTimeouts timeouts;

  if (op->scp_suspended)
    bench_engine_suspend_storage_scp (op->engine, TRUE);
  op->doctor = dimse_move_doctor_new (peer->calling_ae_title, peer->called_ae_title, peer->host,
                                      peer->port, op->destination, op->local_port);
  bench_tools_peer_timeouts (peer, &timeouts);
  dimse_move_doctor_set_timeouts (op->doctor, &timeouts);
  dimse_move_doctor_set_max_pdu_length (op->doctor, peer->max_pdu);
  dimse_move_doctor_set_tls (op->doctor, peer->tls);
  /* A node reached over TLS calls back over TLS too (PS3.15 Annex B.1);
   * our Storage SCP needs the node's certificate of ours for it. */
  if (peer->tls != NULL && peer->tls->certificate_file != NULL)
    dimse_move_doctor_set_listener_tls (op->doctor, peer->tls);
  dimse_move_doctor_set_wait_seconds (op->doctor, op->wait_seconds);
  dimse_move_doctor_set_recorder (op->doctor, bench_engine_get_recorder (op->engine));
  g_signal_connect (op->doctor, "step", G_CALLBACK (on_step), op);
  dimse_move_doctor_run_async (op->doctor, op->cancellable, on_run, op);
  return G_SOURCE_REMOVE;
}

void
bench_doctor_op_run_async (BenchEngine *engine, BenchNode *node,
                           const char *destination_ae_title, guint16 local_port,
                           guint wait_seconds, BenchDoctorStep step, GObject *step_object,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  DoctorOp *op = g_new0 (DoctorOp, 1);

  op->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, bench_doctor_op_run_async);
  g_task_set_check_cancellable (op->task, FALSE);
  op->cancellable = g_cancellable_new ();
  op->engine = g_object_ref (engine);
  op->peer = bench_peer_new (engine, node);
  op->destination = g_strdup (destination_ae_title);
  op->local_port = local_port;
  op->wait_seconds = wait_seconds;
  op->scp_suspended = local_port == bench_engine_get_local_port (engine);
  op->step = step;
  op->step_object = step_object != NULL ? g_object_ref (step_object) : NULL;
  bench_tools_relay_cancel (engine, cancellable, op->cancellable);
  bench_engine_invoke (engine, start_on_worker, op, NULL);
}

BenchDoctorResult *
bench_doctor_op_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
