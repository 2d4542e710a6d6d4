/* dimse-get.c — C-GET SCU (PS3.4 C.4.3; PS3.7 §9.1.3, §9.3.3) */
#include "config.h"

#include "dimse-get.h"

#include <string.h>

#include "dcm-parser.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"
#include "dimse-store.h"

/* ---- the contexts ---- */

static const char *const default_storage_sop_classes[] = {
  DCM_UID_CT_IMAGE_STORAGE,
  DCM_UID_ENHANCED_CT_IMAGE_STORAGE,
  DCM_UID_MR_IMAGE_STORAGE,
  DCM_UID_ENHANCED_MR_IMAGE_STORAGE,
  DCM_UID_COMPUTED_RADIOGRAPHY_IMAGE_STORAGE,
  DCM_UID_DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION,
  DCM_UID_DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PROCESSING,
  DCM_UID_DIGITAL_MAMMOGRAPHY_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION,
  DCM_UID_ULTRASOUND_IMAGE_STORAGE,
  DCM_UID_ULTRASOUND_MULTI_FRAME_IMAGE_STORAGE,
  DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE,
  DCM_UID_MULTI_FRAME_GRAYSCALE_BYTE_SECONDARY_CAPTURE_IMAGE_STORAGE,
  DCM_UID_MULTI_FRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE_IMAGE_STORAGE,
  DCM_UID_MULTI_FRAME_TRUE_COLOR_SECONDARY_CAPTURE_IMAGE_STORAGE,
  DCM_UID_X_RAY_ANGIOGRAPHIC_IMAGE_STORAGE,
  DCM_UID_NUCLEAR_MEDICINE_IMAGE_STORAGE,
  DCM_UID_POSITRON_EMISSION_TOMOGRAPHY_IMAGE_STORAGE,
  DCM_UID_RT_IMAGE_STORAGE,
  DCM_UID_RT_DOSE_STORAGE,
  DCM_UID_RT_STRUCTURE_SET_STORAGE,
  DCM_UID_RT_PLAN_STORAGE,
  DCM_UID_BASIC_TEXT_SR_STORAGE,
  DCM_UID_ENHANCED_SR_STORAGE,
  DCM_UID_COMPREHENSIVE_SR_STORAGE,
  DCM_UID_KEY_OBJECT_SELECTION_DOCUMENT_STORAGE,
  DCM_UID_GRAYSCALE_SOFTCOPY_PRESENTATION_STATE_STORAGE,
  DCM_UID_ENCAPSULATED_PDF_STORAGE,
  DCM_UID_VL_PHOTOGRAPHIC_IMAGE_STORAGE,
  NULL
};

static gboolean
params_has_sop_class (DimseAssociationParams *params, const char *sop_class_uid)
{
  for (guint i = 0; i < params->contexts->len; i++)
    {
      DimseProposedContext *ctx = g_ptr_array_index (params->contexts, i);

      if (strcmp (ctx->abstract_syntax, sop_class_uid) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
add_storage_contexts (DimseAssociationParams *params, const char *const *sop_classes)
{
  guint n_added = 0;

  for (const char *const *uid = sop_classes; uid != NULL && *uid != NULL; uid++)
    {
      if (params->contexts->len >= DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS)
        break;
      if (params_has_sop_class (params, *uid))
        continue;
      dimse_association_params_add_context (params, *uid, NULL, DIMSE_ROLE_SCP);
      n_added++;
    }
  return n_added;
}

guint
dimse_get_add_contexts (DimseAssociationParams *params, const char *information_model,
                        const char *const *extra_storage_sop_classes)
{
  guint n_added;

  g_return_val_if_fail (params != NULL, 0);
  g_return_val_if_fail (information_model != NULL, 0);

  if (!params_has_sop_class (params, information_model)
      && params->contexts->len < DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS)
    dimse_association_params_add_context (params, information_model, NULL, DIMSE_ROLE_DEFAULT);
  /* The caller's first: they asked for them by name. */
  n_added = add_storage_contexts (params, extra_storage_sop_classes);
  return n_added + add_storage_contexts (params, default_storage_sop_classes);
}

/* ---- the job ---- */

#define GET_STATUS_NONE 0xFFFF

struct _DimseGetJob {
  GObject  parent_instance;
  guint    n_remaining;
  guint    n_completed;
  guint    n_failed;
  guint    n_warning;
  guint    n_received;
  guint    status;
  GStrv    failed_sop_instance_uids;
};

G_DEFINE_FINAL_TYPE (DimseGetJob, dimse_get_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_REMAINING,
  PROP_N_COMPLETED,
  PROP_N_FAILED,
  PROP_N_WARNING,
  PROP_N_RECEIVED,
  PROP_STATUS,
  PROP_FAILED_SOP_INSTANCE_UIDS,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_INSTANCE_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
dimse_get_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DimseGetJob *job = DIMSE_GET_JOB (object);

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
    case PROP_N_RECEIVED:
      g_value_set_uint (value, job->n_received);
      break;
    case PROP_STATUS:
      g_value_set_uint (value, job->status);
      break;
    case PROP_FAILED_SOP_INSTANCE_UIDS:
      g_value_set_boxed (value, job->failed_sop_instance_uids);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dimse_get_job_finalize (GObject *object)
{
  g_strfreev (DIMSE_GET_JOB (object)->failed_sop_instance_uids);
  G_OBJECT_CLASS (dimse_get_job_parent_class)->finalize (object);
}

static GParamSpec *
count_pspec (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT16, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
dimse_get_job_class_init (DimseGetJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = dimse_get_job_get_property;
  object_class->finalize = dimse_get_job_finalize;
  properties[PROP_N_REMAINING] = count_pspec ("n-remaining");
  properties[PROP_N_COMPLETED] = count_pspec ("n-completed");
  properties[PROP_N_FAILED] = count_pspec ("n-failed");
  properties[PROP_N_WARNING] = count_pspec ("n-warning");
  properties[PROP_N_RECEIVED] =
    g_param_spec_uint ("n-received", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL, 0, GET_STATUS_NONE, GET_STATUS_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILED_SOP_INSTANCE_UIDS] =
    g_param_spec_boxed ("failed-sop-instance-uids", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_INSTANCE_RECEIVED] =
    g_signal_new ("instance-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
dimse_get_job_init (DimseGetJob *job)
{
  job->status = GET_STATUS_NONE;
}

DimseGetJob *
dimse_get_job_new (void)
{
  return g_object_new (DIMSE_TYPE_GET_JOB, NULL);
}

guint
dimse_get_job_get_n_remaining (DimseGetJob *job)
{
  g_return_val_if_fail (DIMSE_IS_GET_JOB (job), 0);
  return job->n_remaining;
}

guint
dimse_get_job_get_n_completed (DimseGetJob *job)
{
  g_return_val_if_fail (DIMSE_IS_GET_JOB (job), 0);
  return job->n_completed;
}

guint
dimse_get_job_get_n_failed (DimseGetJob *job)
{
  g_return_val_if_fail (DIMSE_IS_GET_JOB (job), 0);
  return job->n_failed;
}

guint
dimse_get_job_get_n_warning (DimseGetJob *job)
{
  g_return_val_if_fail (DIMSE_IS_GET_JOB (job), 0);
  return job->n_warning;
}

guint
dimse_get_job_get_n_received (DimseGetJob *job)
{
  g_return_val_if_fail (DIMSE_IS_GET_JOB (job), 0);
  return job->n_received;
}

guint
dimse_get_job_get_status (DimseGetJob *job)
{
  g_return_val_if_fail (DIMSE_IS_GET_JOB (job), GET_STATUS_NONE);
  return job->status;
}

const char *const *
dimse_get_job_get_failed_sop_instance_uids (DimseGetJob *job)
{
  g_return_val_if_fail (DIMSE_IS_GET_JOB (job), NULL);
  return (const char *const *) job->failed_sop_instance_uids;
}

/* ---- the operation ---- */

typedef struct {
  DimseGetJob   *job;             /* may be NULL */
  DimseStoreScp *scp;
  gulong         stored_handler;
  GSource       *cancel_source;   /* watches the caller's cancellable */
  guint16        message_id;
  gboolean       cancel_sent;
} GetState;

static void
get_stop_watching (GetState *state)
{
  if (state->cancel_source == NULL)
    return;
  g_source_destroy (state->cancel_source);
  g_clear_pointer (&state->cancel_source, g_source_unref);
}

static void
get_state_free (GetState *state)
{
  get_stop_watching (state);
  g_clear_signal_handler (&state->stored_handler, state->scp);
  g_clear_object (&state->scp);
  g_clear_object (&state->job);
  g_free (state);
}

static void
on_instance_stored (DimseStoreScp *scp, DimseAssociation *assoc, DimseMessage *request,
                    guint status, const char *path, const char *comment, gpointer user_data)
{
  GetState *state = user_data;
  g_autofree char *sop_instance_uid = NULL;

  (void) scp;
  (void) assoc;
  (void) comment;
  if (path == NULL || state->job == NULL || status != DIMSE_STORE_STATUS_SUCCESS)
    return;
  sop_instance_uid = dimse_message_dup_string (request, DCM_TAG_AFFECTED_SOP_INSTANCE_UID);
  state->job->n_received++;
  g_signal_emit (state->job, signals[SIGNAL_INSTANCE_RECEIVED], 0, sop_instance_uid, path);
  g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_N_RECEIVED]);
}

static void
on_cancel_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* DIMSE_ERROR_LIMIT: the final response came first, nothing to cancel. */
  if (!dimse_association_send_cancel_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("The C-CANCEL-RQ to %s was not sent: %s",
             dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)), error->message);
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  GetState *state = g_task_get_task_data (task);

  (void) cancellable;
  if (!state->cancel_sent)
    {
      state->cancel_sent = TRUE;
      dimse_association_send_cancel_async (DIMSE_ASSOCIATION (g_task_get_source_object (task)),
                                           state->message_id, NULL, on_cancel_sent,
                                           g_object_ref (task));
    }
  g_clear_pointer (&state->cancel_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
get_watch_cancellable (GTask *task)
{
  GetState *state = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;
  state->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (state->cancel_source, G_SOURCE_FUNC (on_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (state->cancel_source, g_task_get_context (task));
}

static void
update_count (DimseGetJob *job, DimseMessage *rsp, guint32 tag, guint *field, guint prop)
{
  guint16 value;

  if (!dimse_message_get_us (rsp, tag, &value) || *field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (job), properties[prop]);
}

static void
get_update_counts (GetState *state, DimseMessage *rsp)
{
  DimseGetJob *job = state->job;

  if (job == NULL)
    return;
  g_object_freeze_notify (G_OBJECT (job));
  update_count (job, rsp, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, &job->n_remaining,
                PROP_N_REMAINING);
  update_count (job, rsp, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, &job->n_completed,
                PROP_N_COMPLETED);
  update_count (job, rsp, DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, &job->n_failed,
                PROP_N_FAILED);
  update_count (job, rsp, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, &job->n_warning,
                PROP_N_WARNING);
  g_object_thaw_notify (G_OBJECT (job));
  g_signal_emit (job, signals[SIGNAL_PROGRESS], 0);
}

/* PS3.4 C.4.3.1.3.1: a final response may list the instances that failed. */
static GStrv
get_failed_uids (DimseMessage *rsp)
{
  const DcmTransferSyntax *ts = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *encoded;

  if (dimse_message_get_data_set (rsp) != NULL)
    ds = dcm_data_set_ref (dimse_message_get_data_set (rsp));
  else if ((encoded = dimse_message_get_encoded_data_set (rsp, &ts)) != NULL)
    ds = dcm_data_set_read_bytes (encoded, ts, NULL, &error);
  if (ds == NULL)
    {
      if (error != NULL)
        g_debug ("The data set of a C-GET-RSP does not parse: %s", error->message);
      return NULL;
    }
  return dcm_data_set_get_strings (ds, DCM_TAG_FAILED_SOP_INSTANCE_UID_LIST, NULL);
}

static void
get_handle_final (GTask *task, DimseMessage *rsp, guint16 status)
{
  GetState *state = g_task_get_task_data (task);
  GError *error = NULL;

  get_stop_watching (state);
  get_update_counts (state, rsp);
  if (state->job != NULL)
    {
      g_strfreev (state->job->failed_sop_instance_uids);
      state->job->failed_sop_instance_uids = get_failed_uids (rsp);
      state->job->status = status;
      g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_FAILED_SOP_INSTANCE_UIDS]);
      g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_STATUS]);
    }
  if (dimse_status_class (status) == DIMSE_STATUS_FAILURE)
    {
      dimse_status_set_error (&error, status, DIMSE_C_GET_RQ, dimse_message_get_command (rsp));
      g_task_return_error (task, error);
    }
  else
    g_task_return_int (task, status);
}

static void get_receive_next (GTask *task);

static void
on_get_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  GError *error = NULL;
  guint16 status = 0;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), result, NULL,
                                                   &error);
  if (rsp == NULL)
    {
      get_stop_watching (g_task_get_task_data (task));
      g_task_return_error (task, error);
      return;
    }
  if (!dimse_message_get_us (rsp, DCM_TAG_STATUS, &status))
    {
      get_stop_watching (g_task_get_task_data (task));
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                               "The C-GET-RSP from %s has no Status (0000,0900).",
                               dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)));
      return;
    }
  if (dimse_status_class (status) != DIMSE_STATUS_PENDING)
    {
      get_handle_final (task, rsp, status);
      return;
    }
  get_update_counts (g_task_get_task_data (task), rsp);
  get_receive_next (task);
}

static void
get_receive_next (GTask *task)
{
  GetState *state = g_task_get_task_data (task);

  /* Not the caller's cancellable: a cancel becomes a C-CANCEL-RQ. */
  dimse_association_receive_response_async (
    DIMSE_ASSOCIATION (g_task_get_source_object (task)), state->message_id, NULL,
    on_get_response, g_object_ref (task));
}

static void
on_get_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  get_watch_cancellable (task);
  get_receive_next (task);
}

static guint8
get_context (DimseAssociation *assoc, const char *information_model, GError **error)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  guint8 pc_id = 0;

  if (negotiation != NULL)
    pc_id = dimse_negotiation_result_find_context (negotiation, information_model, NULL,
                                                   DIMSE_ROLE_SCU);
  if (pc_id == 0)
    g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                 "%s accepted no presentation context for %s, so no C-GET can be sent.",
                 dimse_association_get_peer_name (assoc), dcm_uid_name (information_model));
  return pc_id;
}

static GetState *
get_state_new (DimseAssociation *assoc, const char *out_dir, DimseGetJob *job)
{
  GetState *state = g_new0 (GetState, 1);

  state->job = job != NULL ? g_object_ref (job) : NULL;
  state->scp = dimse_store_scp_new (out_dir);
  state->stored_handler = g_signal_connect (state->scp, "instance-stored",
                                            G_CALLBACK (on_instance_stored), state);
  dimse_store_scp_attach (state->scp, assoc);
  state->message_id = dimse_association_next_message_id (assoc);
  return state;
}

void
dimse_get_async (DimseAssociation *assoc, const char *information_model,
                 DcmDataSet *identifier, const char *out_dir, DimseGetJob *job,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  GetState *state;
  GError *error = NULL;
  guint8 pc_id;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (information_model != NULL);
  g_return_if_fail (identifier != NULL);
  g_return_if_fail (out_dir != NULL);
  g_return_if_fail (job == NULL || DIMSE_IS_GET_JOB (job));

  task = g_task_new (assoc, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_get_async);
  /* A cancel ends with the peer's final status, not G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);
  if (g_task_return_error_if_cancelled (task))
    return;
  pc_id = get_context (assoc, information_model, &error);
  if (pc_id == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  state = get_state_new (assoc, out_dir, job);
  g_task_set_task_data (task, state, (GDestroyNotify) get_state_free);
  rq = dimse_message_new_c_get_rq (state->message_id, information_model, DIMSE_PRIORITY_MEDIUM,
                                   &error);
  if (rq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_message_set_data_set (rq, identifier);
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, on_get_sent,
                                        g_object_ref (task));
}

gboolean
dimse_get_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
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
