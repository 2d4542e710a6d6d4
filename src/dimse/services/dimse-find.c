/* dimse-find.c — C-FIND SCU (PS3.4 C.4.1, K.4.1; PS3.7 §9.1.2, §9.3.2) */
#include "config.h"

#include "dimse-find.h"

#include "dcm-parser.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"

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
  GSource      *cancel_source;   /* watches the caller's cancellable */
  GError       *deferred_error;  /* returned once the final response is in */
  guint16       message_id;
  guint         max_results;
  guint         n_results;
  gboolean      cancel_sent;
} FindState;

/* The cancel source holds a reference to the task: break it on return. */
static void
find_stop_watching (FindState *state)
{
  if (state->cancel_source == NULL)
    return;
  g_source_destroy (state->cancel_source);
  g_clear_pointer (&state->cancel_source, g_source_unref);
}

static void
find_state_free (FindState *state)
{
  find_stop_watching (state);
  g_clear_object (&state->job);
  g_clear_error (&state->deferred_error);
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

static void
find_send_cancel (GTask *task)
{
  FindState *state = g_task_get_task_data (task);

  if (state->cancel_sent)
    return;
  state->cancel_sent = TRUE;
  find_stop_watching (state);
  if (state->job != NULL)
    {
      state->job->cancel_sent = TRUE;
      g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_CANCEL_SENT]);
    }
  dimse_association_send_cancel_async (DIMSE_ASSOCIATION (g_task_get_source_object (task)),
                                       state->message_id, NULL, on_cancel_sent,
                                       g_object_ref (task));
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  find_send_cancel (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

static void
find_watch_cancellable (GTask *task)
{
  FindState *state = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;
  state->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (state->cancel_source, G_SOURCE_FUNC (on_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (state->cancel_source, g_task_get_context (task));
}

static DcmDataSet *
find_parse_identifier (DimseMessage *rsp, GError **error)
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

static void
find_handle_pending (GTask *task, DimseMessage *rsp)
{
  FindState *state = g_task_get_task_data (task);
  g_autoptr(DcmDataSet) identifier = NULL;
  g_autoptr(GError) error = NULL;

  /* PS3.7 §9.3.2.3: matches that were on their way when we cancelled. */
  if (state->cancel_sent)
    return;
  identifier = find_parse_identifier (rsp, &error);
  if (identifier == NULL)
    {
      if (error != NULL)
        {
          g_prefix_error (&error, "The identifier of a C-FIND-RSP from %s does not parse: ",
                          dimse_association_get_peer_name (
                            DIMSE_ASSOCIATION (g_task_get_source_object (task))));
          state->deferred_error = g_steal_pointer (&error);
          find_send_cancel (task);
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
    find_send_cancel (task);
}

static void
find_handle_final (GTask *task, DimseMessage *rsp, guint16 status)
{
  FindState *state = g_task_get_task_data (task);
  GError *error = NULL;

  find_stop_watching (state);
  if (state->job != NULL)
    {
      state->job->status = status;
      g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_STATUS]);
    }
  if (state->deferred_error != NULL)
    g_task_return_error (task, g_steal_pointer (&state->deferred_error));
  else if (dimse_status_class (status) == DIMSE_STATUS_FAILURE)
    {
      dimse_status_set_error (&error, status, DIMSE_C_FIND_RQ, dimse_message_get_command (rsp));
      g_task_return_error (task, error);
    }
  else
    g_task_return_int (task, status);
}

static void find_receive_next (GTask *task);

static void
on_find_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  GError *error = NULL;
  guint16 status = 0;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), result, NULL,
                                                   &error);
  if (rsp == NULL)
    {
      find_stop_watching (g_task_get_task_data (task));
      g_task_return_error (task, error);
      return;
    }
  if (!dimse_message_get_us (rsp, DCM_TAG_STATUS, &status))
    {
      find_stop_watching (g_task_get_task_data (task));
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                               "The C-FIND-RSP from %s has no Status (0000,0900).",
                               dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)));
      return;
    }
  if (dimse_status_class (status) != DIMSE_STATUS_PENDING)
    {
      find_handle_final (task, rsp, status);
      return;
    }
  find_handle_pending (task, rsp);
  find_receive_next (task);
}

static void
find_receive_next (GTask *task)
{
  FindState *state = g_task_get_task_data (task);

  /* Not the caller's cancellable: a cancel becomes a C-CANCEL-RQ, and the
   * responses are read on to the final one. */
  dimse_association_receive_response_async (
    DIMSE_ASSOCIATION (g_task_get_source_object (task)), state->message_id, NULL,
    on_find_response, g_object_ref (task));
}

static void
on_find_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  find_watch_cancellable (task);
  find_receive_next (task);
}

static guint8
find_context (DimseAssociation *assoc, const char *information_model, GError **error)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  guint8 pc_id = 0;

  if (negotiation != NULL)
    pc_id = dimse_negotiation_result_find_context (negotiation, information_model, NULL,
                                                   DIMSE_ROLE_SCU);
  if (pc_id == 0)
    g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                 "%s accepted no presentation context for %s, so no C-FIND can be sent.",
                 dimse_association_get_peer_name (assoc), dcm_uid_name (information_model));
  return pc_id;
}

void
dimse_find_async (DimseAssociation *assoc, const char *information_model,
                  DcmDataSet *identifier, guint max_results, DimseFindJob *job,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  FindState *state;
  GError *error = NULL;
  guint8 pc_id;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (information_model != NULL);
  g_return_if_fail (identifier != NULL);
  g_return_if_fail (job == NULL || DIMSE_IS_FIND_JOB (job));

  task = g_task_new (assoc, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_find_async);
  /* A cancel ends with the peer's final status, not G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);
  if (g_task_return_error_if_cancelled (task))
    return;
  pc_id = find_context (assoc, information_model, &error);
  if (pc_id == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  state = g_new0 (FindState, 1);
  state->job = job != NULL ? g_object_ref (job) : NULL;
  state->max_results = max_results;
  state->message_id = dimse_association_next_message_id (assoc);
  g_task_set_task_data (task, state, (GDestroyNotify) find_state_free);
  rq = dimse_message_new_c_find_rq (state->message_id, information_model,
                                    DIMSE_PRIORITY_MEDIUM, &error);
  if (rq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_message_set_data_set (rq, identifier);
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, on_find_sent,
                                        g_object_ref (task));
}

gboolean
dimse_find_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
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
