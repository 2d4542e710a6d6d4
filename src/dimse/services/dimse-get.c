/* dimse-get.c — C-GET SCU (PS3.4 C.4.3; PS3.7 §9.1.3, §9.3.3) */
#include "config.h"

#include "dimse-get.h"

#include <string.h>

#include "dcm-uid.h"
#include "dimse-request-loop.h"
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
} GetState;

static void
get_state_free (GetState *state)
{
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
get_update_counts (GetState *state, DimseMessage *rsp)
{
  DimseGetJob *job = state->job;

  if (job == NULL)
    return;
  dimse_request_loop_take_counts (G_OBJECT (job), rsp,
                                  (guint *const[]) { &job->n_remaining, &job->n_completed,
                                                     &job->n_failed, &job->n_warning },
                                  &properties[PROP_N_REMAINING]);
  g_signal_emit (job, signals[SIGNAL_PROGRESS], 0);
}

/* PS3.4 C.4.3.1.3.1: a final response may list the instances that failed. */
static GStrv
get_failed_uids (DimseMessage *rsp)
{
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(GError) error = NULL;

  ds = dimse_request_loop_parse_data_set (rsp, &error);
  if (ds == NULL)
    {
      if (error != NULL)
        g_debug ("The data set of a C-GET-RSP does not parse: %s", error->message);
      return NULL;
    }
  return dcm_data_set_get_strings (ds, DCM_TAG_FAILED_SOP_INSTANCE_UID_LIST, NULL);
}

static void
get_on_pending (GTask *task, DimseMessage *rsp)
{
  get_update_counts (dimse_request_loop_get_data (task), rsp);
}

/* PS3.4 C.4.3.1.6: a final Success or Warning response carries no Number of
 * Remaining Sub-operations; nothing remains once it arrived. */
static void
get_clear_remaining (DimseGetJob *job, DimseMessage *rsp, guint16 status)
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

static void
get_on_final (GTask *task, DimseMessage *rsp, guint16 status)
{
  GetState *state = dimse_request_loop_get_data (task);

  if (state->job != NULL)
    get_clear_remaining (state->job, rsp, status);
  get_update_counts (state, rsp);
  if (state->job == NULL)
    return;
  g_strfreev (state->job->failed_sop_instance_uids);
  state->job->failed_sop_instance_uids = get_failed_uids (rsp);
  state->job->status = status;
  g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_FAILED_SOP_INSTANCE_UIDS]);
  g_object_notify_by_pspec (G_OBJECT (state->job), properties[PROP_STATUS]);
}

static const DimseRequestLoopOps get_ops = {
  .name = "C-GET",
  .command = DIMSE_C_GET_RQ,
  .on_cancel = NULL,
  .on_pending = get_on_pending,
  .on_final = get_on_final,
};

static GetState *
get_state_new (DimseAssociation *assoc, const char *out_dir, DimseGetJob *job)
{
  GetState *state = g_new0 (GetState, 1);

  state->job = job != NULL ? g_object_ref (job) : NULL;
  state->scp = dimse_store_scp_new (out_dir);
  state->stored_handler = g_signal_connect (state->scp, "instance-stored",
                                            G_CALLBACK (on_instance_stored), state);
  dimse_store_scp_attach (state->scp, assoc);
  return state;
}

void
dimse_get_async (DimseAssociation *assoc, const char *information_model,
                 DcmDataSet *identifier, const char *out_dir, DimseGetJob *job,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  GError *error = NULL;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (information_model != NULL);
  g_return_if_fail (identifier != NULL);
  g_return_if_fail (out_dir != NULL);
  g_return_if_fail (job == NULL || DIMSE_IS_GET_JOB (job));

  task = dimse_request_loop_task_new (assoc, &get_ops, dimse_get_async, cancellable,
                                      callback, user_data);
  if (!dimse_request_loop_prepare (task, information_model))
    return;
  dimse_request_loop_set_data (task, get_state_new (assoc, out_dir, job),
                               (GDestroyNotify) get_state_free);
  rq = dimse_message_new_c_get_rq (dimse_request_loop_get_message_id (task), information_model,
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
dimse_get_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
                  GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, assoc), FALSE);

  return dimse_request_loop_finish (G_TASK (result), out_status, error);
}
