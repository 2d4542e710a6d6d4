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
  DimseFindOptions agreed_options;
};

G_DEFINE_FINAL_TYPE (DimseFindJob, dimse_find_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_RESULTS,
  PROP_STATUS,
  PROP_CANCEL_SENT,
  PROP_AGREED_OPTIONS,
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
    case PROP_AGREED_OPTIONS:
      g_value_set_uint (value, job->agreed_options);
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
  properties[PROP_AGREED_OPTIONS] =
    g_param_spec_uint ("agreed-options", NULL, NULL, 0, DIMSE_FIND_OPTION_ALL, 0,
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

DimseFindOptions
dimse_find_job_get_agreed_options (DimseFindJob *job)
{
  g_return_val_if_fail (DIMSE_IS_FIND_JOB (job), DIMSE_FIND_OPTION_NONE);
  return job->agreed_options;
}

/* ---- extended negotiation (PS3.4 §C.5.1) ---- */

#define FIND_OPTION_BYTES 4

GBytes *
dimse_find_options_encode (DimseFindOptions options)
{
  guint8 field[FIND_OPTION_BYTES] = { 0 };
  gsize length = 0;

  for (gsize i = 0; i < FIND_OPTION_BYTES; i++)
    if (options & (1u << i))
      {
        field[i] = 1;
        length = i + 1;
      }
  return length > 0 ? g_bytes_new (field, length) : NULL;
}

DimseFindOptions
dimse_find_options_decode (GBytes *field)
{
  const guint8 *data;
  gsize length = 0;
  DimseFindOptions options = DIMSE_FIND_OPTION_NONE;

  if (field == NULL)
    return options;
  data = g_bytes_get_data (field, &length);
  for (gsize i = 0; i < MIN (length, FIND_OPTION_BYTES); i++)
    if (data[i] == 1)
      options |= 1u << i;
  return options;
}

GBytes *
dimse_find_options_answer (GBytes *proposed, DimseFindOptions supported)
{
  DimseFindOptions agreed = dimse_find_options_decode (proposed) & supported;
  gsize length = proposed != NULL ? g_bytes_get_size (proposed) : 0;
  guint8 *field;

  if (length == 0)
    return NULL;
  /* PS3.4 Table C.5-2: one byte per option; as long as the proposal, the
   * answer says yes or no to every option proposed. */
  field = g_malloc0 (length);
  for (gsize i = 0; i < MIN (length, FIND_OPTION_BYTES); i++)
    field[i] = (agreed & (1u << i)) != 0;
  return g_bytes_new_take (field, length);
}

char *
dimse_find_options_to_string (DimseFindOptions options)
{
  static const char *const names[FIND_OPTION_BYTES] = {
    "relational queries", "combined date-time matching", "fuzzy person name matching",
    "timezone query adjustment",
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; i < FIND_OPTION_BYTES; i++)
    if (options & (1u << i))
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", names[i]);
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : g_strdup ("none");
}

DimseFindOptions
dimse_find_get_agreed_options (DimseAssociation *assoc, const char *information_model)
{
  const DimseNegotiationResult *result;

  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (assoc), DIMSE_FIND_OPTION_NONE);
  result = dimse_association_get_negotiation (assoc);
  if (result == NULL || information_model == NULL)
    return DIMSE_FIND_OPTION_NONE;
  return dimse_find_options_decode (
    dimse_negotiation_result_get_extended_negotiation (result, information_model));
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
  if (job != NULL)
    {
      job->agreed_options = dimse_find_get_agreed_options (assoc, information_model);
      g_object_notify_by_pspec (G_OBJECT (job), properties[PROP_AGREED_OPTIONS]);
    }
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
