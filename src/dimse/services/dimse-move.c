/* dimse-move.c — C-MOVE SCU (PS3.4 C.4.2; PS3.7 §9.1.4, §9.3.4) */
#include "config.h"

#include "dimse-move.h"

#include "dimse-request-loop.h"
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
  guint *const fields[] = { &job->n_remaining, &job->n_completed, &job->n_failed,
                            &job->n_warning };

  dimse_request_loop_take_counts (G_OBJECT (job), rsp, fields, &properties[PROP_N_REMAINING]);
}

/* PS3.4 C.4.2.1.6: a final Success or Warning response carries no Number of
 * Remaining Sub-operations; nothing remains once it arrived. */
static void
job_clear_remaining (DimseMoveJob *job, DimseMessage *rsp, guint16 status)
{
  DimseStatusClass status_class = dimse_status_class (status);
  guint16 value;

  if (status_class != DIMSE_STATUS_SUCCESS && status_class != DIMSE_STATUS_WARNING)
    return;
  if (dimse_message_get_us (rsp, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, &value)
      || job->n_remaining == 0)
    return;
  job->n_remaining = 0;
  g_object_notify_by_pspec (G_OBJECT (job), properties[PROP_N_REMAINING]);
}

/* ---- the operation ---- */

/* PS3.4 C.4.2.1.3.1: the final response lists the instances whose
 * sub-operations failed; a list that does not read is only logged, the
 * status still says what happened. */
static void
job_take_failed_uids (DimseMoveJob *job, DimseAssociation *assoc, DimseMessage *rsp)
{
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(GError) error = NULL;
  GStrv uids;

  ds = dimse_request_loop_parse_data_set (rsp, &error);
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
move_on_cancel (GTask *task)
{
  DimseMoveJob *job = dimse_request_loop_get_data (task);

  if (job == NULL)
    return;
  job->cancel_sent = TRUE;
  g_object_notify_by_pspec (G_OBJECT (job), properties[PROP_CANCEL_SENT]);
}

static void
move_on_pending (GTask *task, DimseMessage *rsp)
{
  DimseMoveJob *job = dimse_request_loop_get_data (task);

  if (job == NULL)
    return;
  job_take_counts (job, rsp);
  g_signal_emit (job, signals[SIGNAL_PROGRESS], 0);
}

static void
move_on_final (GTask *task, DimseMessage *rsp, guint16 status)
{
  DimseMoveJob *job = dimse_request_loop_get_data (task);

  if (job == NULL)
    return;
  g_object_freeze_notify (G_OBJECT (job));
  job_clear_remaining (job, rsp, status);
  job_take_counts (job, rsp);
  job_take_failed_uids (job, DIMSE_ASSOCIATION (g_task_get_source_object (task)), rsp);
  job->status = status;
  g_object_notify_by_pspec (G_OBJECT (job), properties[PROP_STATUS]);
  g_object_thaw_notify (G_OBJECT (job));
}

static const DimseRequestLoopOps move_ops = {
  .name = "C-MOVE",
  .command = DIMSE_C_MOVE_RQ,
  .on_cancel = move_on_cancel,
  .on_pending = move_on_pending,
  .on_final = move_on_final,
};

void
dimse_move_async (DimseAssociation *assoc, const char *information_model,
                  DcmDataSet *identifier, const char *move_destination, DimseMoveJob *job,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  GError *error = NULL;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (information_model != NULL);
  g_return_if_fail (identifier != NULL);
  g_return_if_fail (move_destination != NULL);
  g_return_if_fail (job == NULL || DIMSE_IS_MOVE_JOB (job));

  task = dimse_request_loop_task_new (assoc, &move_ops, dimse_move_async, cancellable,
                                      callback, user_data);
  if (!dimse_request_loop_prepare (task, information_model))
    return;
  if (job != NULL)
    dimse_request_loop_set_data (task, g_object_ref (job), g_object_unref);
  rq = dimse_message_new_c_move_rq (dimse_request_loop_get_message_id (task), information_model,
                                    DIMSE_PRIORITY_MEDIUM, move_destination, &error);
  if (rq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_message_set_data_set (rq, identifier);
  dimse_request_loop_send (task, rq);
}

gboolean
dimse_move_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
                   GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, assoc), FALSE);

  return dimse_request_loop_finish (G_TASK (result), out_status, error);
}
