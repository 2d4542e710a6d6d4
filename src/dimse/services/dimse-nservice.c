/* dimse-nservice.c — the DIMSE-N services as service user (PS3.7 §10.1,
 * the fields of Tables 10.3-1 to 10.3-12) */
#include "config.h"

#include "dimse-nservice.h"

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-request-loop.h"

typedef struct {
  DimseCommandField command;
  guint16           message_id;
} NRequestData;

const char *
dimse_n_service_name (DimseCommandField command)
{
  switch (dimse_command_field_request (command))
    {
    case DIMSE_N_EVENT_REPORT_RQ: return "N-EVENT-REPORT";
    case DIMSE_N_GET_RQ: return "N-GET";
    case DIMSE_N_SET_RQ: return "N-SET";
    case DIMSE_N_ACTION_RQ: return "N-ACTION";
    case DIMSE_N_CREATE_RQ: return "N-CREATE";
    case DIMSE_N_DELETE_RQ: return "N-DELETE";
    default: return NULL;
    }
}

void
dimse_n_result_free (DimseNResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->response, dimse_message_unref);
  g_clear_pointer (&result->data_set, dcm_data_set_unref);
  g_free (result->affected_sop_class_uid);
  g_free (result->affected_sop_instance_uid);
  g_free (result->error_comment);
  g_clear_pointer (&result->attribute_identifiers, g_array_unref);
  g_clear_pointer (&result->offending_elements, g_array_unref);
  g_free (result->description);
  g_free (result);
}

DimseStatusClass
dimse_n_result_get_status_class (const DimseNResult *result)
{
  return dimse_status_class (result->status);
}

static GArray *
read_tags (DimseMessage *msg, guint32 tag)
{
  DcmDataSet *command = dimse_message_get_command (msg);
  GArray *tags = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint vm = dcm_data_set_get_vm (command, tag);

  for (guint i = 0; i < vm; i++)
    {
      guint64 value;

      if (dcm_data_set_get_uint64 (command, tag, i, &value, NULL))
        {
          guint32 t = (guint32) value;

          g_array_append_val (tags, t);
        }
    }
  return tags;
}

static gboolean
is_print_sop_class (const char *uid)
{
  static const char *const print_classes[] = {
    DCM_UID_BASIC_FILM_SESSION, DCM_UID_BASIC_FILM_BOX, DCM_UID_BASIC_GRAYSCALE_IMAGE_BOX,
    DCM_UID_PRINTER,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (print_classes); i++)
    if (g_strcmp0 (uid, print_classes[i]) == 0)
      return TRUE;
  return FALSE;
}

guint8
dimse_n_request_find_context (DimseAssociation *assoc, const DimseNRequest *request)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  /* PS3.7 §10.1.1: the N-EVENT-REPORT is invoked by the SCP of the SOP
   * class, on an association of either direction (PS3.4 §J.3.3). */
  DimseRole role = request->command == DIMSE_N_EVENT_REPORT_RQ ? DIMSE_ROLE_DEFAULT
                                                                : DIMSE_ROLE_SCU;
  guint8 pc_id;

  if (negotiation == NULL)
    return 0;
  if (request->abstract_syntax != NULL)
    return dimse_negotiation_result_find_context (negotiation, request->abstract_syntax, NULL,
                                                  role);
  pc_id = dimse_negotiation_result_find_context (negotiation, request->sop_class_uid, NULL,
                                                 role);
  if (pc_id == 0 && is_print_sop_class (request->sop_class_uid))
    pc_id = dimse_negotiation_result_find_context (
      negotiation, DCM_UID_BASIC_GRAYSCALE_PRINT_MANAGEMENT_META, NULL, role);
  return pc_id;
}

static DimseMessage *
build_request (const DimseNRequest *request, guint16 message_id, GError **error)
{
  switch (request->command)
    {
    case DIMSE_N_EVENT_REPORT_RQ:
      return dimse_message_new_n_event_report_rq (message_id, request->sop_class_uid,
                                                  request->sop_instance_uid, request->type_id,
                                                  error);
    case DIMSE_N_GET_RQ:
      return dimse_message_new_n_get_rq (message_id, request->sop_class_uid,
                                         request->sop_instance_uid, request->attribute_tags,
                                         request->n_attribute_tags, error);
    case DIMSE_N_SET_RQ:
      return dimse_message_new_n_set_rq (message_id, request->sop_class_uid,
                                         request->sop_instance_uid, error);
    case DIMSE_N_ACTION_RQ:
      return dimse_message_new_n_action_rq (message_id, request->sop_class_uid,
                                            request->sop_instance_uid, request->type_id, error);
    case DIMSE_N_CREATE_RQ:
      return dimse_message_new_n_create_rq (message_id, request->sop_class_uid,
                                            request->sop_instance_uid, error);
    case DIMSE_N_DELETE_RQ:
      return dimse_message_new_n_delete_rq (message_id, request->sop_class_uid,
                                            request->sop_instance_uid, error);
    default:
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "Command Field 0x%04X is no DIMSE-N request.", request->command);
      return NULL;
    }
}

static DimseNResult *
result_from_response (DimseAssociation *assoc, DimseCommandField request_command,
                      DimseMessage *rsp, GError **error)
{
  g_autoptr(DimseNResult) result = g_new0 (DimseNResult, 1);
  DcmDataSet *command = dimse_message_get_command (rsp);
  GError *parse_error = NULL;

  if (!dimse_message_get_us (rsp, DCM_TAG_STATUS, &result->status))
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "The %s-RSP from %s has no Status (0000,0900).",
                   dimse_n_service_name (request_command),
                   dimse_association_get_peer_name (assoc));
      return NULL;
    }
  result->command = dimse_message_get_command_field (rsp);
  /* PS3.7 §10.3: each request has its one response */
  if (result->command != dimse_command_field_response (request_command))
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "%s answered an %s-RQ with a %s.", dimse_association_get_peer_name (assoc),
                   dimse_n_service_name (request_command), dimse_message_get_name (rsp));
      return NULL;
    }
  result->response = dimse_message_ref (rsp);
  result->data_set = dimse_request_loop_parse_data_set (rsp, &parse_error);
  if (parse_error != NULL)
    {
      g_propagate_prefixed_error (error, parse_error,
                                  "The data set of the %s-RSP from %s does not parse: ",
                                  dimse_n_service_name (request_command),
                                  dimse_association_get_peer_name (assoc));
      return NULL;
    }
  result->affected_sop_class_uid = dimse_message_dup_string (rsp, DCM_TAG_AFFECTED_SOP_CLASS_UID);
  result->affected_sop_instance_uid = dimse_message_dup_string (rsp,
                                                                DCM_TAG_AFFECTED_SOP_INSTANCE_UID);
  result->error_comment = dimse_message_dup_string (rsp, DCM_TAG_ERROR_COMMENT);
  result->has_error_id = dimse_message_get_us (rsp, DCM_TAG_ERROR_ID, &result->error_id);
  result->attribute_identifiers = read_tags (rsp, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST);
  result->offending_elements = read_tags (rsp, DCM_TAG_OFFENDING_ELEMENT);
  result->description = dimse_status_describe (result->status, request_command, command);
  return g_steal_pointer (&result);
}

static void
on_response (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NRequestData *data = g_task_get_task_data (task);
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GFile) file = NULL;
  DimseNResult *result;
  GError *error = NULL;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), res, &file,
                                                   &error);
  if (file != NULL)
    g_file_delete (file, NULL, NULL);
  if (rsp == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  result = result_from_response (DIMSE_ASSOCIATION (source), data->command, rsp, &error);
  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) dimse_n_result_free);
}

static void
on_request_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NRequestData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), res, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_association_receive_response_async (DIMSE_ASSOCIATION (source), data->message_id,
                                            g_task_get_cancellable (task), on_response,
                                            g_object_ref (task));
}

void
dimse_n_request_async (DimseAssociation *assoc, const DimseNRequest *request,
                       GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  NRequestData *data;
  GError *error = NULL;
  guint8 pc_id;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (request != NULL && request->sop_class_uid != NULL);

  task = g_task_new (assoc, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_n_request_async);
  pc_id = dimse_n_request_find_context (assoc, request);
  if (pc_id == 0)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                               "%s accepted no presentation context for %s, so no %s can be "
                               "sent.", dimse_association_get_peer_name (assoc),
                               dcm_uid_name (request->abstract_syntax != NULL
                                             ? request->abstract_syntax
                                             : request->sop_class_uid),
                               dimse_n_service_name (request->command) != NULL
                               ? dimse_n_service_name (request->command) : "request");
      return;
    }
  data = g_new0 (NRequestData, 1);
  data->command = request->command;
  data->message_id = dimse_association_next_message_id (assoc);
  g_task_set_task_data (task, data, g_free);
  rq = build_request (request, data->message_id, &error);
  if (rq == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (request->data_set != NULL)
    dimse_message_set_data_set (rq, request->data_set);
  dimse_association_send_message_async (assoc, pc_id, rq, cancellable, on_request_sent,
                                        g_object_ref (task));
}

DimseNResult *
dimse_n_request_finish (DimseAssociation *assoc, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, assoc), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
dimse_n_get_async (DimseAssociation *assoc, const char *sop_class_uid,
                   const char *sop_instance_uid, const guint32 *attribute_tags,
                   guint n_attribute_tags, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  DimseNRequest request = {
    .command = DIMSE_N_GET_RQ, .sop_class_uid = sop_class_uid,
    .sop_instance_uid = sop_instance_uid, .attribute_tags = attribute_tags,
    .n_attribute_tags = n_attribute_tags,
  };

  dimse_n_request_async (assoc, &request, cancellable, callback, user_data);
}

void
dimse_n_set_async (DimseAssociation *assoc, const char *sop_class_uid,
                   const char *sop_instance_uid, DcmDataSet *modification_list,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  DimseNRequest request = {
    .command = DIMSE_N_SET_RQ, .sop_class_uid = sop_class_uid,
    .sop_instance_uid = sop_instance_uid, .data_set = modification_list,
  };

  dimse_n_request_async (assoc, &request, cancellable, callback, user_data);
}

void
dimse_n_action_async (DimseAssociation *assoc, const char *sop_class_uid,
                      const char *sop_instance_uid, guint16 action_type_id,
                      DcmDataSet *action_information, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  DimseNRequest request = {
    .command = DIMSE_N_ACTION_RQ, .sop_class_uid = sop_class_uid,
    .sop_instance_uid = sop_instance_uid, .type_id = action_type_id,
    .data_set = action_information,
  };

  dimse_n_request_async (assoc, &request, cancellable, callback, user_data);
}

void
dimse_n_create_async (DimseAssociation *assoc, const char *sop_class_uid,
                      const char *sop_instance_uid, DcmDataSet *attribute_list,
                      GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  DimseNRequest request = {
    .command = DIMSE_N_CREATE_RQ, .sop_class_uid = sop_class_uid,
    .sop_instance_uid = sop_instance_uid, .data_set = attribute_list,
  };

  dimse_n_request_async (assoc, &request, cancellable, callback, user_data);
}

void
dimse_n_delete_async (DimseAssociation *assoc, const char *sop_class_uid,
                      const char *sop_instance_uid, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  DimseNRequest request = {
    .command = DIMSE_N_DELETE_RQ, .sop_class_uid = sop_class_uid,
    .sop_instance_uid = sop_instance_uid,
  };

  dimse_n_request_async (assoc, &request, cancellable, callback, user_data);
}

void
dimse_n_event_report_async (DimseAssociation *assoc, const char *sop_class_uid,
                            const char *sop_instance_uid, guint16 event_type_id,
                            DcmDataSet *event_information, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  DimseNRequest request = {
    .command = DIMSE_N_EVENT_REPORT_RQ, .sop_class_uid = sop_class_uid,
    .sop_instance_uid = sop_instance_uid, .type_id = event_type_id,
    .data_set = event_information,
  };

  dimse_n_request_async (assoc, &request, cancellable, callback, user_data);
}
