/* dimse-move.c — C-MOVE SCU (PS3.4 C.4.2; PS3.7 §9.1.4, §9.3.4) */
#include "config.h"

#include "dimse-move.h"

#include "dcm-parser.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"

/* ---- the job: progress for whoever watches ---- */

#define MOVE_STATUS_NONE 0xFFFF

struct _DimseMoveJob {
  GObject   parent_instance;
  guint     n_remaining;
  guint     n_completed;
  guint     n_failed;
  guint     n_warning;
  guint     status;
  GStrv     failed_sop_instance_uids;
  gboolean  cancel_sent;
};

G_DEFINE_FINAL_TYPE (DimseMoveJob, dimse_move_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_REMAINING,
  PROP_N_COMPLETED,
  PROP_N_FAILED,
  PROP_N_WARNING,
  PROP_STATUS,
  PROP_FAILED_SOP_INSTANCE_UIDS,
  PROP_CANCEL_SENT,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
dimse_move_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DimseMoveJob *job = DIMSE_MOVE_JOB (object);

  switch (prop_id)
    {
    case PROP_N_REMAINING:
      g_value_set_uint (value, job->n_remaining);
      break;
    case PROP_N_COMPLETED:
      g_value_set_uint (value, job->n_completed);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, job->n_failed);
      break;
    case PROP_N_WARNING:
      g_value_set_uint (value, job->n_warning);
      break;
    case PROP_STATUS:
      g_value_set_uint (value, job->status);
      break;
    case PROP_FAILED_SOP_INSTANCE_UIDS:
      g_value_set_boxed (value, job->failed_sop_instance_uids);
      break;
    case PROP_CANCEL_SENT:
      g_value_set_boolean (value, job->cancel_sent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dimse_move_job_finalize (GObject *object)
{
  DimseMoveJob *job = DIMSE_MOVE_JOB (object);

  g_strfreev (job->failed_sop_instance_uids);
  G_OBJECT_CLASS (dimse_move_job_parent_class)->finalize (object);
}

static GParamSpec *
count_pspec (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT16, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
dimse_move_job_class_init (DimseMoveJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = dimse_move_job_get_property;
  object_class->finalize = dimse_move_job_finalize;
  properties[PROP_N_REMAINING] = count_pspec ("n-remaining");
  properties[PROP_N_COMPLETED] = count_pspec ("n-completed");
  properties[PROP_N_FAILED] = count_pspec ("n-failed");
  properties[PROP_N_WARNING] = count_pspec ("n-warning");
  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL, 0, MOVE_STATUS_NONE, MOVE_STATUS_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILED_SOP_INSTANCE_UIDS] =
    g_param_spec_boxed ("failed-sop-instance-uids", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CANCEL_SENT] =
    g_param_spec_boolean ("cancel-sent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
dimse_move_job_init (DimseMoveJob *job)
{
  job->status = MOVE_STATUS_NONE;
  job->failed_sop_instance_uids = g_new0 (char *, 1);
}

DimseMoveJob *
dimse_move_job_new (void)
{
  return g_object_new (DIMSE_TYPE_MOVE_JOB, NULL);
}

guint
dimse_move_job_get_n_remaining (DimseMoveJob *job)
{
  g_return_val_if_fail (DIMSE_IS_MOVE_JOB (job), 0);
  return job->n_remaining;
}

guint
dimse_move_job_get_n_completed (DimseMoveJob *job)
{
  g_return_val_if_fail (DIMSE_IS_MOVE_JOB (job), 0);
  return job->n_completed;
}

guint
dimse_move_job_get_n_failed (DimseMoveJob *job)
{
  g_return_val_if_fail (DIMSE_IS_MOVE_JOB (job), 0);
  return job->n_failed;
}

guint
dimse_move_job_get_n_warning (DimseMoveJob *job)
{
  g_return_val_if_fail (DIMSE_IS_MOVE_JOB (job), 0);
  return job->n_warning;
}

guint
dimse_move_job_get_status (DimseMoveJob *job)
{
  g_return_val_if_fail (DIMSE_IS_MOVE_JOB (job), MOVE_STATUS_NONE);
  return job->status;
}

const char *const *
dimse_move_job_get_failed_sop_instance_uids (DimseMoveJob *job)
{
  g_return_val_if_fail (DIMSE_IS_MOVE_JOB (job), NULL);
  return (const char *const *) job->failed_sop_instance_uids;
}

gboolean
dimse_move_job_get_cancel_sent (DimseMoveJob *job)
{
  g_return_val_if_fail (DIMSE_IS_MOVE_JOB (job), FALSE);
  return job->cancel_sent;
}

/* PS3.7 §9.1.4.1.8: counts are conditional in the final response, so only
 * those present are taken. */
static void
job_take_counts (DimseMoveJob *job, DimseMessage *rsp)
{
  static const struct {
    guint32 tag;
    guint   prop;
  } counts[] = {
    { DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, PROP_N_REMAINING },
    { DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, PROP_N_COMPLETED },
    { DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, PROP_N_FAILED },
    { DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, PROP_N_WARNING },
  };
  guint *fields[] = { &job->n_remaining, &job->n_completed, &job->n_failed, &job->n_warning };

  g_object_freeze_notify (G_OBJECT (job));
  for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      guint16 value;

      if (!dimse_message_get_us (rsp, counts[i].tag, &value) || *fields[i] == value)
        continue;
      *fields[i] = value;
      g_object_notify_by_pspec (G_OBJECT (job), properties[counts[i].prop]);
    }
  g_object_thaw_notify (G_OBJECT (job));
}

/* ---- the operation ---- */

typedef struct {
  DimseMoveJob *job;             /* may be NULL */
  GSource      *cancel_source;   /* watches the caller's cancellable */
  guint16       message_id;
  gboolean      cancel_sent;
} MoveState;

/* The cancel source holds a reference to the task: break it on return. */
static void
move_stop_watching (MoveState *state)
{
  if (state->cancel_source == NULL)
    return;
  g_source_destroy (state->cancel_source);
  g_clear_pointer (&state->cancel_source, g_source_unref);
}

static void
move_state_free (MoveState *state)
{
  move_stop_watching (state);
  g_clear_object (&state->job);
  g_free (state);
}

static void
on_cancel_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* DIMSE_ERROR_LIMIT: the final response came first, nothing to cancel;
   * a broken association ends the wait for responses anyway. */
  if (!dimse_association_send_cancel_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("The C-CANCEL-RQ to %s was not sent: %s",
             dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)), error->message);
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = G_TASK (user_data);
  MoveState *state = g_task_get_task_data (task);

  (void) cancellable;
  if (state->cancel_sent)
    return G_SOURCE_REMOVE;
  state->cancel_sent = TRUE;
  move_stop_watching (state);
  if (state->job != NULL)
    {
      state->job->cancel_sent = TRUE;
      g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_CANCEL_SENT]);
    }
  dimse_association_send_cancel_async (DIMSE_ASSOCIATION (g_task_get_source_object (task)),
                                       state->message_id, NULL, on_cancel_sent,
                                       g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static void
move_watch_cancellable (GTask *task)
{
  MoveState *state = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;
  state->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (state->cancel_source, G_SOURCE_FUNC (on_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (state->cancel_source, g_task_get_context (task));
}

static DcmDataSet *
move_parse_data_set (DimseMessage *rsp, GError **error)
{
  const DcmTransferSyntax *ts = NULL;
  GBytes *encoded;

  if (dimse_message_get_data_set (rsp) != NULL)
    return dcm_data_set_ref (dimse_message_get_data_set (rsp));
  encoded = dimse_message_get_encoded_data_set (rsp, &ts);
  if (encoded == NULL)
    return NULL;
  return dcm_data_set_read_bytes (encoded, ts, NULL, error);
}

/* PS3.4 C.4.2.1.3.1: the final response lists the instances whose
 * sub-operations failed; a list that does not read is only logged, the
 * status still says what happened. */
static void
job_take_failed_uids (DimseMoveJob *job, DimseAssociation *assoc, DimseMessage *rsp)
{
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(GError) error = NULL;
  GStrv uids;

  ds = move_parse_data_set (rsp, &error);
  if (ds == NULL || dcm_data_set_lookup (ds, DCM_TAG_FAILED_SOP_INSTANCE_UID_LIST) == NULL)
    {
      if (error != NULL)
        g_debug ("The data set of the final C-MOVE-RSP from %s does not parse: %s",
                 dimse_association_get_peer_name (assoc), error->message);
      return;
    }
  uids = dcm_data_set_get_strings (ds, DCM_TAG_FAILED_SOP_INSTANCE_UID_LIST, &error);
  if (uids == NULL)
    {
      g_debug ("The Failed SOP Instance UID List (0008,0058) from %s does not read: %s",
               dimse_association_get_peer_name (assoc), error != NULL ? error->message : "?");
      return;
    }
  g_strfreev (job->failed_sop_instance_uids);
  job->failed_sop_instance_uids = uids;
  g_object_notify_by_pspec (G_OBJECT (job), properties[PROP_FAILED_SOP_INSTANCE_UIDS]);
}

static void
move_handle_final (GTask *task, DimseMessage *rsp, guint16 status)
{
  MoveState *state = g_task_get_task_data (task);
  GError *error = NULL;

  move_stop_watching (state);
  if (state->job != NULL)
    {
      g_object_freeze_notify (G_OBJECT (state->job));
      job_take_counts (state->job, rsp);
      job_take_failed_uids (state->job, DIMSE_ASSOCIATION (g_task_get_source_object (task)),
                            rsp);
      state->job->status = status;
      g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_STATUS]);
      g_object_thaw_notify (G_OBJECT (state->job));
    }
  if (dimse_status_class (status) == DIMSE_STATUS_FAILURE)
    {
      dimse_status_set_error (&error, status, DIMSE_C_MOVE_RQ, dimse_message_get_command (rsp));
      g_task_return_error (task, error);
    }
  else
    g_task_return_int (task, status);
}

static void move_receive_next (GTask *task);

static void
on_move_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  MoveState *state = g_task_get_task_data (task);
  GError *error = NULL;
  guint16 status = 0;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), result, NULL,
                                                   &error);
  if (rsp == NULL)
    {
      move_stop_watching (state);
      g_task_return_error (task, error);
      return;
    }
  if (!dimse_message_get_us (rsp, DCM_TAG_STATUS, &status))
    {
      move_stop_watching (state);
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                               "The C-MOVE-RSP from %s has no Status (0000,0900).",
                               dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)));
      return;
    }
  if (dimse_status_class (status) != DIMSE_STATUS_PENDING)
    {
      move_handle_final (task, rsp, status);
      return;
    }
  if (state->job != NULL)
    {
      job_take_counts (state->job, rsp);
      g_signal_emit (state->job, signals[SIGNAL_PROGRESS], 0);
    }
  move_receive_next (task);
}

static void
move_receive_next (GTask *task)
{
  MoveState *state = g_task_get_task_data (task);

  /* Not the caller's cancellable: a cancel becomes a C-CANCEL-RQ, and the
   * responses are read on to the final one. */
  dimse_association_receive_response_async (
    DIMSE_ASSOCIATION (g_task_get_source_object (task)), state->message_id, NULL,
    on_move_response, g_object_ref (task));
}

static void
on_move_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  move_watch_cancellable (task);
  move_receive_next (task);
}

static guint8
move_context (DimseAssociation *assoc, const char *information_model, GError **error)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  guint8 pc_id = 0;

  if (negotiation != NULL)
    pc_id = dimse_negotiation_result_find_context (negotiation, information_model, NULL,
                                                   DIMSE_ROLE_SCU);
  if (pc_id == 0)
    g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                 "%s accepted no presentation context for %s, so no C-MOVE can be sent.",
                 dimse_association_get_peer_name (assoc), dcm_uid_name (information_model));
  return pc_id;
}

void
dimse_move_async (DimseAssociation *assoc, const char *information_model,
                  DcmDataSet *identifier, const char *move_destination, DimseMoveJob *job,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  MoveState *state;
  GError *error = NULL;
  guint8 pc_id;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (information_model != NULL);
  g_return_if_fail (identifier != NULL);
  g_return_if_fail (move_destination != NULL);
  g_return_if_fail (job == NULL || DIMSE_IS_MOVE_JOB (job));

  task = g_task_new (assoc, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_move_async);
  /* A cancel ends with the peer's final status, not G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);
  if (g_task_return_error_if_cancelled (task))
    return;
  pc_id = move_context (assoc, information_model, &error);
  if (pc_id == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  state = g_new0 (MoveState, 1);
  state->job = job != NULL ? g_object_ref (job) : NULL;
  state->message_id = dimse_association_next_message_id (assoc);
  g_task_set_task_data (task, state, (GDestroyNotify) move_state_free);
  rq = dimse_message_new_c_move_rq (state->message_id, information_model,
                                    DIMSE_PRIORITY_MEDIUM, move_destination, &error);
  if (rq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_message_set_data_set (rq, identifier);
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, on_move_sent,
                                        g_object_ref (task));
}

gboolean
dimse_move_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
                   GError **error)
{
  gssize status;

  g_return_val_if_fail (g_task_is_valid (result, assoc), FALSE);

  status = g_task_propagate_int (G_TASK (result), error);
  if (status < 0)
    return FALSE;
  if (out_status != NULL)
    *out_status = (guint16) status;
  return TRUE;
}
