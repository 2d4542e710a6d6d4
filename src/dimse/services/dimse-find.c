/* dimse-find.c — C-FIND SCU (PS3.4 C.4.1, K.4.1; PS3.7 §9.1.2, §9.3.2) */
#include "config.h"

#include "dimse-find.h"

#include "dimse-request-loop.h"

/* ---- the job: progress for whoever watches ---- */

#define FIND_STATUS_NONE 0xFFFF

struct _DimseFindJob {
  GObject  parent_instance;
  guint    n_results;
  guint    status;
  gboolean cancel_sent;
};

G_DEFINE_FINAL_TYPE (DimseFindJob, dimse_find_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_RESULTS,
  PROP_STATUS,
  PROP_CANCEL_SENT,
  N_PROPS
};

enum {
  SIGNAL_RESULT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
dimse_find_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DimseFindJob *job = DIMSE_FIND_JOB (object);

  switch (prop_id)
    {
    case PROP_N_RESULTS:
      g_value_set_uint (value, job->n_results);
      break;
    case PROP_STATUS:
      g_value_set_uint (value, job->status);
      break;
    case PROP_CANCEL_SENT:
      g_value_set_boolean (value, job->cancel_sent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dimse_find_job_class_init (DimseFindJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = dimse_find_job_get_property;
  properties[PROP_N_RESULTS] =
    g_param_spec_uint ("n-results", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL, 0, FIND_STATUS_NONE, FIND_STATUS_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CANCEL_SENT] =
    g_param_spec_boolean ("cancel-sent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIGNAL_RESULT] =
    g_signal_new ("result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, DCM_TYPE_DATA_SET);
}

static void
dimse_find_job_init (DimseFindJob *job)
{
  job->status = FIND_STATUS_NONE;
}

DimseFindJob *
dimse_find_job_new (void)
{
  return g_object_new (DIMSE_TYPE_FIND_JOB, NULL);
}

guint
dimse_find_job_get_n_results (DimseFindJob *job)
{
  g_return_val_if_fail (DIMSE_IS_FIND_JOB (job), 0);
  return job->n_results;
}

guint
dimse_find_job_get_status (DimseFindJob *job)
{
  g_return_val_if_fail (DIMSE_IS_FIND_JOB (job), FIND_STATUS_NONE);
  return job->status;
}

gboolean
dimse_find_job_get_cancel_sent (DimseFindJob *job)
{
  g_return_val_if_fail (DIMSE_IS_FIND_JOB (job), FALSE);
  return job->cancel_sent;
}

/* ---- the operation ---- */

typedef struct {
  DimseFindJob *job;             /* may be NULL */
  guint         max_results;
  guint         n_results;
} FindState;

static void
find_state_free (FindState *state)
{
  g_clear_object (&state->job);
  g_free (state);
}

static void
find_on_cancel (GTask *task)
{
  FindState *state = dimse_request_loop_get_data (task);

  if (state->job == NULL)
    return;
  state->job->cancel_sent = TRUE;
  g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_CANCEL_SENT]);
}

static void
find_on_pending (GTask *task, DimseMessage *rsp)
{
  FindState *state = dimse_request_loop_get_data (task);
  g_autoptr(DcmDataSet) identifier = NULL;
  g_autoptr(GError) error = NULL;

  /* PS3.7 §9.3.2.3: matches that were on their way when we cancelled. */
  if (dimse_request_loop_get_cancel_sent (task))
    return;
  identifier = dimse_request_loop_parse_data_set (rsp, &error);
  if (identifier == NULL)
    {
      if (error != NULL)
        {
          g_prefix_error (&error, "The identifier of a C-FIND-RSP from %s does not parse: ",
                          dimse_association_get_peer_name (
                            DIMSE_ASSOCIATION (g_task_get_source_object (task))));
          dimse_request_loop_fail_later (task, g_steal_pointer (&error));
        }
      return;
    }
  state->n_results++;
  if (state->job != NULL)
    {
      state->job->n_results = state->n_results;
      g_signal_emit (state->job, signals[SIGNAL_RESULT], 0, identifier);
      g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_N_RESULTS]);
    }
  if (state->max_results != 0 && state->n_results >= state->max_results)
    dimse_request_loop_send_cancel (task);
}

static void
find_on_final (GTask *task, DimseMessage *rsp, guint16 status)
{
  FindState *state = dimse_request_loop_get_data (task);

  (void) rsp;
  if (state->job == NULL)
    return;
  state->job->status = status;
  g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_STATUS]);
}

static const DimseRequestLoopOps find_ops = {
  .name = "C-FIND",
  .command = DIMSE_C_FIND_RQ,
  .on_cancel = find_on_cancel,
  .on_pending = find_on_pending,
  .on_final = find_on_final,
};

void
dimse_find_async (DimseAssociation *assoc, const char *information_model,
                  DcmDataSet *identifier, guint max_results, DimseFindJob *job,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  FindState *state;
  GError *error = NULL;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (information_model != NULL);
  g_return_if_fail (identifier != NULL);
  g_return_if_fail (job == NULL || DIMSE_IS_FIND_JOB (job));

  task = dimse_request_loop_task_new (assoc, &find_ops, dimse_find_async, cancellable,
                                      callback, user_data);
  if (!dimse_request_loop_prepare (task, information_model))
    return;
  state = g_new0 (FindState, 1);
  state->job = job != NULL ? g_object_ref (job) : NULL;
  state->max_results = max_results;
  dimse_request_loop_set_data (task, state, (GDestroyNotify) find_state_free);
  rq = dimse_message_new_c_find_rq (dimse_request_loop_get_message_id (task), information_model,
                                    DIMSE_PRIORITY_MEDIUM, &error);
  if (rq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_message_set_data_set (rq, identifier);
  dimse_request_loop_send (task, rq);
}

gboolean
dimse_find_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
                   GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, assoc), FALSE);

  return dimse_request_loop_finish (G_TASK (result), out_status, error);
}
