/* dimse-commitment.c — Storage Commitment Push Model (PS3.4 Annex J):
 * the data sets of Tables J.3-1 and J.3-2, the SCU's request and the
 * listener that takes the result */
#include "config.h"

#include "dimse-commitment.h"

#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dcm-uids.h"
#include "dimse-error.h"

/* PS3.7 Annex C */
#define STATUS_NO_SUCH_EVENT_TYPE      0x0113
#define STATUS_INVALID_ARGUMENT_VALUE  0x0115

DimseCommitmentItem *
dimse_commitment_item_new (const char *sop_class_uid, const char *sop_instance_uid,
                           guint16 failure_reason)
{
  DimseCommitmentItem *item = g_new0 (DimseCommitmentItem, 1);

  item->sop_class_uid = g_strdup (sop_class_uid);
  item->sop_instance_uid = g_strdup (sop_instance_uid);
  item->failure_reason = failure_reason;
  return item;
}

void
dimse_commitment_item_free (DimseCommitmentItem *item)
{
  if (item == NULL)
    return;
  g_free (item->sop_class_uid);
  g_free (item->sop_instance_uid);
  g_free (item);
}

const char *
dimse_commitment_failure_reason_name (guint16 failure_reason)
{
  /* PS3.4 §J.3.3.1.1, the Failure Reason (0008,1197) values */
  switch (failure_reason)
    {
    case 0x0110: return "Processing Failure";
    case 0x0112: return "No Such Object Instance";
    case 0x0213: return "Resource Limitation";
    case 0x0122: return "Referenced SOP Class Not Supported";
    case 0x0119: return "Class / Instance Conflict";
    case 0x0131: return "Duplicate Transaction UID";
    default: return "Unknown Failure Reason";
    }
}

void
dimse_commitment_result_free (DimseCommitmentResult *result)
{
  if (result == NULL)
    return;
  g_free (result->transaction_uid);
  g_clear_pointer (&result->committed, g_ptr_array_unref);
  g_clear_pointer (&result->failed, g_ptr_array_unref);
  g_free (result->peer_ae_title);
  g_free (result);
}

static DcmDataSet *
make_reference (const DimseCommitmentItem *item, gboolean with_reason, GError **error)
{
  g_autoptr(DcmDataSet) ref = dcm_data_set_new ();

  if (!dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_CLASS_UID, DCM_VR_NONE,
                                item->sop_class_uid, error)
      || !dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, DCM_VR_NONE,
                                   item->sop_instance_uid, error))
    return NULL;
  if (with_reason
      && !dcm_data_set_set_int64 (ref, DCM_TAG_FAILURE_REASON, DCM_VR_NONE,
                                  item->failure_reason, error))
    return NULL;
  return g_steal_pointer (&ref);
}

/* Appends a sequence of items, which may be empty (Type 1 sequences are
 * never written empty by the callers). */
static gboolean
add_sequence (DcmDataSet *ds, guint32 tag, GPtrArray *items, gboolean with_reason,
              GError **error)
{
  DcmElement *sequence = dcm_data_set_insert (ds, tag, DCM_VR_SQ);

  for (guint i = 0; i < items->len; i++)
    {
      DcmDataSet *ref = make_reference (items->pdata[i], with_reason, error);

      if (ref == NULL)
        return FALSE;
      dcm_data_set_append_item (ds, sequence, ref);
    }
  return TRUE;
}

DcmDataSet *
dimse_commitment_build_action_information (const char *transaction_uid, GPtrArray *items,
                                           GError **error)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  if (!dcm_data_set_set_string (ds, DCM_TAG_TRANSACTION_UID, DCM_VR_NONE, transaction_uid,
                                error)
      || !add_sequence (ds, DCM_TAG_REFERENCED_SOP_SEQUENCE, items, FALSE, error))
    return NULL;
  return g_steal_pointer (&ds);
}

static gboolean
read_sequence (DcmDataSet *ds, guint32 tag, GPtrArray *out, gboolean with_reason,
               GError **error)
{
  guint n = dcm_data_set_get_n_items (ds, tag);

  for (guint i = 0; i < n; i++)
    {
      DcmDataSet *item = dcm_data_set_get_item (ds, tag, i);
      g_autofree char *sop_class_uid = dcm_data_set_dup_string (item,
                                                                DCM_TAG_REFERENCED_SOP_CLASS_UID);
      g_autofree char *sop_instance_uid =
        dcm_data_set_dup_string (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID);
      gint64 reason = 0;

      if (sop_class_uid == NULL || sop_instance_uid == NULL)
        {
          g_autofree char *name = dcm_describe_tag (tag);

          g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                       "Item %u of %s lacks its Referenced SOP Class or Instance UID.", i + 1,
                       name);
          return FALSE;
        }
      if (with_reason)
        dcm_data_set_get_int64 (item, DCM_TAG_FAILURE_REASON, 0, &reason, NULL);
      g_ptr_array_add (out, dimse_commitment_item_new (sop_class_uid, sop_instance_uid,
                                                       (guint16) reason));
    }
  return TRUE;
}

DimseCommitmentResult *
dimse_commitment_result_from_data_set (DcmDataSet *event_information, guint16 event_type_id,
                                       GError **error)
{
  g_autoptr(DimseCommitmentResult) result = g_new0 (DimseCommitmentResult, 1);

  result->event_type_id = event_type_id;
  result->committed = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_commitment_item_free);
  result->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_commitment_item_free);
  if (event_information != NULL)
    result->transaction_uid = dcm_data_set_dup_string (event_information,
                                                       DCM_TAG_TRANSACTION_UID);
  if (result->transaction_uid == NULL)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "The storage commitment result has no Transaction UID (0008,1195).");
      return NULL;
    }
  if (!read_sequence (event_information, DCM_TAG_REFERENCED_SOP_SEQUENCE, result->committed,
                      FALSE, error)
      || !read_sequence (event_information, DCM_TAG_FAILED_SOP_SEQUENCE, result->failed, TRUE,
                         error))
    return NULL;
  return g_steal_pointer (&result);
}

void
dimse_commitment_request_async (DimseAssociation *assoc, const char *transaction_uid,
                                GPtrArray *items, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(DcmDataSet) info = NULL;
  GError *error = NULL;

  info = dimse_commitment_build_action_information (transaction_uid, items, &error);
  if (info == NULL)
    {
      g_autoptr(GTask) task = g_task_new (assoc, cancellable, callback, user_data);

      g_task_set_source_tag (task, dimse_n_request_async);
      g_task_return_error (task, error);
      return;
    }
  dimse_n_action_async (assoc, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                        DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
                        DIMSE_COMMITMENT_ACTION_REQUEST, info, cancellable, callback,
                        user_data);
}

/* ---- the listener ---- */

struct _DimseCommitmentListener {
  GObject         parent_instance;
  DimseNProvider *provider;
  GHashTable     *results;  /* Transaction UID → DimseCommitmentResult */
  GPtrArray      *waits;    /* GTask* */
};

G_DEFINE_FINAL_TYPE (DimseCommitmentListener, dimse_commitment_listener, G_TYPE_OBJECT)

enum { SIGNAL_RESULT, N_LISTENER_SIGNALS };
static guint listener_signals[N_LISTENER_SIGNALS];

typedef struct {
  char    *transaction_uid;
  GSource *timeout;
  gulong   cancel_handler;
} Wait;

static void
wait_free (Wait *wait)
{
  if (wait->timeout != NULL)
    {
      g_source_destroy (wait->timeout);
      g_source_unref (wait->timeout);
    }
  g_free (wait->transaction_uid);
  g_free (wait);
}

static void
wait_end (DimseCommitmentListener *self, GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  if (wait->cancel_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), wait->cancel_handler);
  wait->cancel_handler = 0;
  if (wait->timeout != NULL)
    {
      g_source_destroy (wait->timeout);
      g_clear_pointer (&wait->timeout, g_source_unref);
    }
  g_ptr_array_remove (self->waits, task);
}

static DimseCommitmentResult *
result_copy (const DimseCommitmentResult *r)
{
  DimseCommitmentResult *copy = g_new0 (DimseCommitmentResult, 1);

  copy->transaction_uid = g_strdup (r->transaction_uid);
  copy->event_type_id = r->event_type_id;
  copy->committed = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_commitment_item_free);
  copy->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_commitment_item_free);
  for (guint i = 0; i < r->committed->len; i++)
    {
      DimseCommitmentItem *item = r->committed->pdata[i];

      g_ptr_array_add (copy->committed, dimse_commitment_item_new (item->sop_class_uid,
                                                                   item->sop_instance_uid, 0));
    }
  for (guint i = 0; i < r->failed->len; i++)
    {
      DimseCommitmentItem *item = r->failed->pdata[i];

      g_ptr_array_add (copy->failed, dimse_commitment_item_new (item->sop_class_uid,
                                                                item->sop_instance_uid,
                                                                item->failure_reason));
    }
  copy->peer_ae_title = g_strdup (r->peer_ae_title);
  copy->on_new_association = r->on_new_association;
  return copy;
}

static void
complete_waits (DimseCommitmentListener *self, const DimseCommitmentResult *result)
{
  for (guint i = self->waits->len; i > 0; i--)
    {
      g_autoptr(GTask) task = g_object_ref (self->waits->pdata[i - 1]);
      Wait *wait = g_task_get_task_data (task);

      if (g_strcmp0 (wait->transaction_uid, result->transaction_uid) != 0)
        continue;
      wait_end (self, task);
      g_task_return_pointer (task, result_copy (result),
                             (GDestroyNotify) dimse_commitment_result_free);
    }
}

static void
on_event_report (const DimseNInvocation *inv, DimseNReply *reply, gpointer user_data)
{
  DimseCommitmentListener *self = user_data;
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (inv->assoc);
  g_autoptr(GError) error = NULL;
  DimseCommitmentResult *result;

  if (inv->type_id != DIMSE_COMMITMENT_EVENT_SUCCESS
      && inv->type_id != DIMSE_COMMITMENT_EVENT_FAILURES_EXIST)
    {
      dimse_n_reply_set_status (reply, STATUS_NO_SUCH_EVENT_TYPE,
                                "Event Type ID %u is not 1 or 2", inv->type_id);
      return;
    }
  result = dimse_commitment_result_from_data_set (inv->data_set, inv->type_id, &error);
  if (result == NULL)
    {
      dimse_n_reply_set_status (reply, STATUS_INVALID_ARGUMENT_VALUE, "%s", error->message);
      return;
    }
  if (negotiation != NULL)
    {
      result->on_new_association = !negotiation->local_is_requestor;
      result->peer_ae_title = g_strdup (negotiation->local_is_requestor
                                        ? negotiation->called_ae_title
                                        : negotiation->calling_ae_title);
    }
  g_hash_table_replace (self->results, g_strdup (result->transaction_uid), result);
  g_signal_emit (self, listener_signals[SIGNAL_RESULT], 0, result);
  complete_waits (self, result);
}

static void
dimse_commitment_listener_finalize (GObject *object)
{
  DimseCommitmentListener *self = DIMSE_COMMITMENT_LISTENER (object);

  g_clear_object (&self->provider);
  g_clear_pointer (&self->results, g_hash_table_unref);
  g_clear_pointer (&self->waits, g_ptr_array_unref);
  G_OBJECT_CLASS (dimse_commitment_listener_parent_class)->finalize (object);
}

static void
dimse_commitment_listener_class_init (DimseCommitmentListenerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_commitment_listener_finalize;

  listener_signals[SIGNAL_RESULT] =
    g_signal_new ("result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
dimse_commitment_listener_init (DimseCommitmentListener *self)
{
  static const DimseNClassHandler handler = { .event_report = on_event_report };

  self->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) dimse_commitment_result_free);
  self->waits = g_ptr_array_new_with_free_func (g_object_unref);
  self->provider = dimse_n_provider_new ();
  dimse_n_provider_add_sop_class (self->provider, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                  DIMSE_N_OP_EVENT_REPORT, &handler, self, NULL);
}

DimseCommitmentListener *
dimse_commitment_listener_new (void)
{
  return g_object_new (DIMSE_TYPE_COMMITMENT_LISTENER, NULL);
}

gulong
dimse_commitment_listener_attach (DimseCommitmentListener *listener, DimseAssociation *assoc)
{
  g_return_val_if_fail (DIMSE_IS_COMMITMENT_LISTENER (listener), 0);

  return dimse_n_provider_attach (listener->provider, assoc);
}

void
dimse_commitment_listener_add_to_policy (DimseAcceptorPolicy *policy)
{
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                       DIMSE_ROLE_BOTH);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  GTask *task = user_data;
  DimseCommitmentListener *self = g_task_get_source_object (task);
  Wait *wait = g_task_get_task_data (task);
  g_autoptr(GTask) keep = g_object_ref (task);

  g_clear_pointer (&wait->timeout, g_source_unref);
  wait_end (self, task);
  g_task_return_new_error (keep, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT,
                           "No storage commitment result for transaction %s came within the "
                           "timeout.", wait->transaction_uid);
  return G_SOURCE_REMOVE;
}

static void
on_wait_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  DimseCommitmentListener *self = g_task_get_source_object (task);
  g_autoptr(GTask) keep = g_object_ref (task);
  Wait *wait = g_task_get_task_data (task);

  /* Disconnecting from inside the handler would deadlock. */
  wait->cancel_handler = 0;
  wait_end (self, task);
  g_task_return_error_if_cancelled (keep);
}

void
dimse_commitment_listener_wait_async (DimseCommitmentListener *listener,
                                      const char *transaction_uid, guint timeout_ms,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  DimseCommitmentResult *known;
  Wait *wait;

  g_return_if_fail (DIMSE_IS_COMMITMENT_LISTENER (listener));
  g_return_if_fail (transaction_uid != NULL);

  task = g_task_new (listener, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_commitment_listener_wait_async);
  known = g_hash_table_lookup (listener->results, transaction_uid);
  if (known != NULL)
    {
      g_task_return_pointer (task, result_copy (known),
                             (GDestroyNotify) dimse_commitment_result_free);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  wait = g_new0 (Wait, 1);
  wait->transaction_uid = g_strdup (transaction_uid);
  g_task_set_task_data (task, wait, (GDestroyNotify) wait_free);
  g_ptr_array_add (listener->waits, g_object_ref (task));
  if (timeout_ms > 0)
    {
      wait->timeout = g_timeout_source_new (timeout_ms);
      g_source_set_callback (wait->timeout, on_wait_timeout, task, NULL);
      g_source_attach (wait->timeout, g_task_get_context (task));
    }
  if (cancellable != NULL)
    wait->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_wait_cancelled),
                                                  task, NULL);
}

DimseCommitmentResult *
dimse_commitment_listener_wait_finish (DimseCommitmentListener *listener, GAsyncResult *result,
                                       GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, listener), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
