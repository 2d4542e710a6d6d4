/* dimse-echo.c — C-ECHO SCU and SCP (PS3.4 Annex A, PS3.7 §9.1.5) */
#include "config.h"

#include "dimse-echo.h"

#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"

static void
on_echo_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  GError *error = NULL;
  guint16 status = 0;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), result, NULL,
                                                   &error);
  if (rsp == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!dimse_message_get_us (rsp, DCM_TAG_STATUS, &status))
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                               "The C-ECHO-RSP from %s has no Status (0000,0900).",
                               dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)));
      return;
    }
  g_task_return_int (task, status);
}

static void
on_echo_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  GError *error = NULL;

  if (!dimse_association_send_message_finish (assoc, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_association_receive_response_async (assoc,
                                            GPOINTER_TO_UINT (g_task_get_task_data (task)),
                                            g_task_get_cancellable (task), on_echo_response,
                                            g_object_ref (task));
}

void
dimse_echo_async (DimseAssociation *assoc, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  const DimseNegotiationResult *negotiation;
  GError *error = NULL;
  guint16 message_id;
  guint8 pc_id = 0;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));

  task = g_task_new (assoc, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_echo_async);
  negotiation = dimse_association_get_negotiation (assoc);
  if (negotiation != NULL)
    pc_id = dimse_negotiation_result_find_context (negotiation, DCM_UID_VERIFICATION, NULL,
                                                   DIMSE_ROLE_SCU);
  if (pc_id == 0)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                               "%s accepted no presentation context for Verification, "
                               "so no C-ECHO can be sent.",
                               dimse_association_get_peer_name (assoc));
      return;
    }
  message_id = dimse_association_next_message_id (assoc);
  rq = dimse_message_new_c_echo_rq (message_id, DCM_UID_VERIFICATION, &error);
  if (rq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, GUINT_TO_POINTER (message_id), NULL);
  dimse_association_send_message_async (assoc, pc_id, rq, cancellable, on_echo_sent,
                                        g_object_ref (task));
}

gboolean
dimse_echo_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
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

/* ---- SCP ---- */

static void
on_echo_response_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("The C-ECHO-RSP to %s was not sent: %s",
             dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)), error->message);
}

static void
on_echo_request (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                 GFile *data_set_file, gpointer user_data)
{
  g_autoptr(DimseMessage) rsp = NULL;

  if (dimse_message_get_command_field (msg) != DIMSE_C_ECHO_RQ)
    return;
  if (data_set_file != NULL)
    g_file_delete (data_set_file, NULL, NULL);
  rsp = dimse_message_new_response (msg, 0x0000);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_echo_response_sent, NULL);
}

gulong
dimse_echo_scp_attach (DimseAssociation *assoc)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (assoc), 0);

  return g_signal_connect (assoc, "request-received", G_CALLBACK (on_echo_request), NULL);
}
