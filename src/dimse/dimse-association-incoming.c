/* dimse-association-incoming.c — the messages the peer sends, checked
 * before anyone sees them: command sets against the tables of PS3.7 §9.3
 * and §10.3, the window of operations we perform (PS3.7 §D.3.3.3), and
 * C-CANCEL-RQ matched to the request it names (PS3.7 §9.3.2.3) */
#include "dimse-association-private.h"

#include "dcm-tags.h"
#include "dimse-error.h"
#include "dimse-status.h"

/* PS3.4 Annex B, C: "Error: Cannot Understand" / "Failed: Unable to Process". */
#define STATUS_CANNOT_UNDERSTAND 0xC000
/* PS3.7 Annex C: the general failures C-ECHO and the N- services list. */
#define STATUS_MISTYPED_ARGUMENT 0x0212
#define STATUS_DUPLICATE_INVOCATION 0x0210
#define STATUS_UNRECOGNIZED_OPERATION 0x0211
/* Error Comment (0000,0902) is LO. */
#define ERROR_COMMENT_LENGTH 64

static void
on_failure_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("A failure response was not sent: %s", error->message);
}

static guint16
failure_status (DimseCommandField field)
{
  switch (field)
    {
    case DIMSE_C_STORE_RQ:
    case DIMSE_C_FIND_RQ:
    case DIMSE_C_GET_RQ:
    case DIMSE_C_MOVE_RQ:
      return STATUS_CANNOT_UNDERSTAND;
    default:
      return STATUS_MISTYPED_ARGUMENT;
    }
}

static void
answer_failure (DimseAssociation *self, guint8 pc_id, DimseMessage *rq, guint16 status,
                const char *why)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (rq, status);
  g_autofree char *comment = g_utf8_substring (why, 0, MIN (g_utf8_strlen (why, -1),
                                                            ERROR_COMMENT_LENGTH));

  g_info ("Answered a %s from %s with status 0x%04X: %s", dimse_message_get_name (rq),
          self->peer_name, status, why);
  /* A comment the LO VR refuses is only left out: the status says enough. */
  dimse_message_set_string (rsp, DCM_TAG_ERROR_COMMENT, g_strstrip (comment), NULL);
  dimse_association_send_message_async (self, pc_id, rsp, NULL, on_failure_sent, NULL);
}

static gboolean
abort_for (DimseAssociation *self, DimseAbortReason reason, const char *why)
{
  dimse_association_fail (self, reason, why);
  return FALSE;
}

/* The answerable requests are those with a Message ID and a known
 * request Command Field other than C-CANCEL-RQ, which has no response. */
static gboolean
is_answerable (DimseMessage *msg)
{
  DimseCommandField field = dimse_message_get_command_field (msg);

  return dimse_command_field_is_known (field) && !dimse_command_field_is_response (field)
         && field != DIMSE_C_CANCEL_RQ
         && dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, NULL);
}

static gboolean
reject_invalid (DimseAssociation *self, guint8 pc_id, DimseMessage *msg, const GError *error)
{
  if (!is_answerable (msg))
    return abort_for (self, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE, error->message);
  answer_failure (self, pc_id, msg, failure_status (dimse_message_get_command_field (msg)),
                  error->message);
  return FALSE;
}

static void
cancel_request (DimseAssociation *self, DimseMessage *msg)
{
  guint16 id = 0;
  GCancellable *cancellable;

  dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, &id);
  cancellable = g_hash_table_lookup (self->incoming, GUINT_TO_POINTER (id));
  if (cancellable == NULL)
    {
      g_debug ("%s cancelled Message ID %u, which is not being performed; ignored.",
               self->peer_name, id);
      return;
    }
  g_cancellable_cancel (cancellable);
}

gboolean
dimse_association_admit_request (DimseAssociation *self, guint8 pc_id, DimseMessage *msg)
{
  g_autoptr(GError) error = NULL;
  guint max = self->result->max_operations_performed;
  guint16 id = 0;

  if (!dimse_message_validate (msg, &error))
    return reject_invalid (self, pc_id, msg, error);
  if (dimse_message_get_command_field (msg) == DIMSE_C_CANCEL_RQ)
    {
      cancel_request (self, msg);
      return FALSE;
    }
  dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, &id);
  if (g_hash_table_contains (self->incoming, GUINT_TO_POINTER (id)))
    {
      g_autofree char *why = g_strdup_printf ("Message ID %u is still being performed", id);

      answer_failure (self, pc_id, msg, STATUS_DUPLICATE_INVOCATION, why);
      return FALSE;
    }
  if (max != 0 && g_hash_table_size (self->incoming) >= max)
    {
      dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED,
                                          "Aborted the association with %s, which sent a %s "
                                          "beyond the negotiated window of %u operations "
                                          "performed at once (PS3.7 §D.3.3.3).",
                                          self->peer_name, dimse_message_get_name (msg), max);
      return abort_for (self, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER, "window exceeded");
    }
  g_hash_table_insert (self->incoming, GUINT_TO_POINTER (id), g_cancellable_new ());
  /* Nobody would ever answer it, and it would hold a place in the window. */
  if (!g_signal_has_handler_pending (self, dimse_association_signals[SIGNAL_REQUEST_RECEIVED],
                                     0, TRUE))
    {
      answer_failure (self, pc_id, msg, STATUS_UNRECOGNIZED_OPERATION,
                      "No service performs it on this association.");
      return FALSE;
    }
  return TRUE;
}

void
dimse_association_check_response (DimseAssociation *self, Received *received)
{
  g_autoptr(GError) error = NULL;

  if (dimse_message_validate (received->msg, &error))
    return;
  g_info ("%s sent an invalid response: %s", self->peer_name, error->message);
  received->error = g_steal_pointer (&error);
}

void
dimse_association_response_sent (DimseAssociation *self, DimseMessage *msg)
{
  guint16 id = 0, status = 0;

  if (!dimse_command_field_is_response (dimse_message_get_command_field (msg))
      || !dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, &id))
    return;
  /* PS3.7 Annex C: only a pending status (FF00, FF01) leaves it performing. */
  if (dimse_message_get_us (msg, DCM_TAG_STATUS, &status)
      && dimse_status_class (status) == DIMSE_STATUS_PENDING)
    return;
  g_hash_table_remove (self->incoming, GUINT_TO_POINTER (id));
}

GCancellable *
dimse_association_get_request_cancellable (DimseAssociation *self, guint16 message_id)
{
  GCancellable *cancellable;

  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), NULL);

  cancellable = g_hash_table_lookup (self->incoming, GUINT_TO_POINTER (message_id));
  return cancellable != NULL ? g_object_ref (cancellable) : NULL;
}

void
dimse_association_send_cancel_async (DimseAssociation *self, guint16 message_id,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr(DimseMessage) rq = NULL;
  Operation *op;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));

  op = g_hash_table_lookup (self->operations, GUINT_TO_POINTER (message_id));
  if (op == NULL || op->done)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, dimse_association_send_cancel_async);
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                               "No request with Message ID %u is outstanding on the "
                               "association with %s; there is nothing to cancel.",
                               message_id, self->peer_name);
      return;
    }
  rq = dimse_message_new_c_cancel_rq (message_id);
  dimse_association_send_message_async (self, op->presentation_context_id, rq, cancellable,
                                        callback, user_data);
}

gboolean
dimse_association_send_cancel_finish (DimseAssociation *self, GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
