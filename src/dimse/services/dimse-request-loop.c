/* dimse-request-loop.c — the request, C-CANCEL and response loop shared by
 * the C-FIND, C-MOVE and C-GET SCUs (PS3.7 §9.3.2–9.3.4) */
#include "config.h"

#include "dimse-request-loop.h"

#include "dcm-parser.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"

typedef struct {
  const DimseRequestLoopOps *ops;
  gpointer                   data;
  GDestroyNotify             data_free;
  GSource                   *cancel_source;   /* watches the caller's cancellable */
  GError                    *deferred_error;  /* returned once the final response is in */
  guint16                    message_id;
  guint8                     pc_id;
  gboolean                   cancel_sent;
} RequestLoop;

/* The cancel source holds a reference to the task: break it on return. */
static void
loop_stop_watching (RequestLoop *loop)
{
  if (loop->cancel_source == NULL)
    return;
  g_source_destroy (loop->cancel_source);
  g_clear_pointer (&loop->cancel_source, g_source_unref);
}

static void
loop_free (RequestLoop *loop)
{
  loop_stop_watching (loop);
  if (loop->data_free != NULL)
    g_clear_pointer (&loop->data, loop->data_free);
  g_clear_error (&loop->deferred_error);
  g_free (loop);
}

GTask *
dimse_request_loop_task_new (DimseAssociation *assoc, const DimseRequestLoopOps *ops,
                             gpointer source_tag, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (assoc, cancellable, callback, user_data);
  RequestLoop *loop = g_new0 (RequestLoop, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  loop->ops = ops;
  g_task_set_task_data (task, loop, (GDestroyNotify) loop_free);
  return task;
}

gboolean
dimse_request_loop_prepare (GTask *task, const char *information_model)
{
  RequestLoop *loop = g_task_get_task_data (task);
  DimseAssociation *assoc = DIMSE_ASSOCIATION (g_task_get_source_object (task));
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);

  if (g_task_return_error_if_cancelled (task))
    return FALSE;
  if (negotiation != NULL)
    loop->pc_id = dimse_negotiation_result_find_context (negotiation, information_model, NULL,
                                                         DIMSE_ROLE_SCU);
  if (loop->pc_id == 0)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                               "%s accepted no presentation context for %s, so no %s can be "
                               "sent.", dimse_association_get_peer_name (assoc),
                               dcm_uid_name (information_model), loop->ops->name);
      return FALSE;
    }
  loop->message_id = dimse_association_next_message_id (assoc);
  return TRUE;
}

void
dimse_request_loop_set_data (GTask *task, gpointer data, GDestroyNotify data_free)
{
  RequestLoop *loop = g_task_get_task_data (task);

  loop->data = data;
  loop->data_free = data_free;
}

gpointer
dimse_request_loop_get_data (GTask *task)
{
  return ((RequestLoop *) g_task_get_task_data (task))->data;
}

guint16
dimse_request_loop_get_message_id (GTask *task)
{
  return ((RequestLoop *) g_task_get_task_data (task))->message_id;
}

gboolean
dimse_request_loop_get_cancel_sent (GTask *task)
{
  return ((RequestLoop *) g_task_get_task_data (task))->cancel_sent;
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

void
dimse_request_loop_send_cancel (GTask *task)
{
  RequestLoop *loop = g_task_get_task_data (task);

  if (loop->cancel_sent)
    return;
  loop->cancel_sent = TRUE;
  loop_stop_watching (loop);
  if (loop->ops->on_cancel != NULL)
    loop->ops->on_cancel (task);
  dimse_association_send_cancel_async (DIMSE_ASSOCIATION (g_task_get_source_object (task)),
                                       loop->message_id, NULL, on_cancel_sent,
                                       g_object_ref (task));
}

void
dimse_request_loop_fail_later (GTask *task, GError *error)
{
  RequestLoop *loop = g_task_get_task_data (task);

  if (loop->deferred_error == NULL)
    loop->deferred_error = error;
  else
    g_error_free (error);
  dimse_request_loop_send_cancel (task);
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  (void) cancellable;
  dimse_request_loop_send_cancel (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

static void
loop_watch_cancellable (GTask *task)
{
  RequestLoop *loop = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;
  loop->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (loop->cancel_source, G_SOURCE_FUNC (on_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (loop->cancel_source, g_task_get_context (task));
}

static void
loop_handle_final (GTask *task, DimseMessage *rsp, guint16 status)
{
  RequestLoop *loop = g_task_get_task_data (task);
  GError *error = NULL;

  loop_stop_watching (loop);
  loop->ops->on_final (task, rsp, status);
  if (loop->deferred_error != NULL)
    g_task_return_error (task, g_steal_pointer (&loop->deferred_error));
  else if (dimse_status_class (status) == DIMSE_STATUS_FAILURE)
    {
      dimse_status_set_error (&error, status, loop->ops->command,
                              dimse_message_get_command (rsp));
      g_task_return_error (task, error);
    }
  else
    g_task_return_int (task, status);
}

static void loop_receive_next (GTask *task);

static void
on_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  RequestLoop *loop = g_task_get_task_data (task);
  GError *error = NULL;
  guint16 status = 0;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), result, NULL,
                                                   &error);
  if (rsp == NULL)
    {
      loop_stop_watching (loop);
      g_task_return_error (task, error);
      return;
    }
  if (!dimse_message_get_us (rsp, DCM_TAG_STATUS, &status))
    {
      loop_stop_watching (loop);
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                               "The %s-RSP from %s has no Status (0000,0900).", loop->ops->name,
                               dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)));
      return;
    }
  if (dimse_status_class (status) != DIMSE_STATUS_PENDING)
    {
      loop_handle_final (task, rsp, status);
      return;
    }
  loop->ops->on_pending (task, rsp);
  loop_receive_next (task);
}

static void
loop_receive_next (GTask *task)
{
  RequestLoop *loop = g_task_get_task_data (task);

  /* Not the caller's cancellable: a cancel becomes a C-CANCEL-RQ, and the
   * responses are read on to the final one. */
  dimse_association_receive_response_async (
    DIMSE_ASSOCIATION (g_task_get_source_object (task)), loop->message_id, NULL,
    on_response, g_object_ref (task));
}

static void
on_request_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  loop_watch_cancellable (task);
  loop_receive_next (task);
}

void
dimse_request_loop_send (GTask *task, DimseMessage *rq)
{
  RequestLoop *loop = g_task_get_task_data (task);

  dimse_association_send_message_async (DIMSE_ASSOCIATION (g_task_get_source_object (task)),
                                        loop->pc_id, rq, NULL, on_request_sent,
                                        g_object_ref (task));
}

gboolean
dimse_request_loop_finish (GTask *task, guint16 *out_status, GError **error)
{
  gssize status = g_task_propagate_int (task, error);

  if (status < 0)
    return FALSE;
  if (out_status != NULL)
    *out_status = (guint16) status;
  return TRUE;
}

DcmDataSet *
dimse_request_loop_parse_data_set (DimseMessage *rsp, GError **error)
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

void
dimse_request_loop_take_counts (GObject *job, DimseMessage *rsp, guint *const fields[4],
                                GParamSpec *const pspecs[4])
{
  static const guint32 tags[4] = {
    DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS,
    DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS,
    DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS,
    DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS,
  };

  g_object_freeze_notify (job);
  for (gsize i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      guint16 value;

      if (!dimse_message_get_us (rsp, tags[i], &value) || *fields[i] == value)
        continue;
      *fields[i] = value;
      g_object_notify_by_pspec (job, pspecs[i]);
    }
  g_object_thaw_notify (job);
}
