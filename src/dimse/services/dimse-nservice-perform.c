/* dimse-nservice-perform.c — the DIMSE-N provider performing requests:
 * PS3.7 §10.1.1 to §10.1.6 with the statuses of Annex C */
#include "config.h"

#include <string.h>

#include "dimse-nservice-private.h"

#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-request-loop.h"
#include "dimse-status.h"

/* PS3.7 Annex C */
#define STATUS_SUCCESS                 0x0000
#define STATUS_NO_SUCH_ATTRIBUTE       0x0105
#define STATUS_INVALID_ATTRIBUTE_VALUE 0x0106
#define STATUS_ATTRIBUTE_LIST_ERROR    0x0107
#define STATUS_PROCESSING_FAILURE      0x0110
#define STATUS_DUPLICATE_SOP_INSTANCE  0x0111
#define STATUS_NO_SUCH_SOP_INSTANCE    0x0112
#define STATUS_INVALID_OBJECT_INSTANCE 0x0117
#define STATUS_NO_SUCH_SOP_CLASS       0x0118
#define STATUS_CLASS_INSTANCE_CONFLICT 0x0119
#define STATUS_NO_SUCH_ACTION_TYPE     0x0123
#define STATUS_NOT_AUTHORIZED          0x0124
#define STATUS_UNRECOGNIZED_OPERATION  0x0211
#define STATUS_MISTYPED_ARGUMENT       0x0212
#define STATUS_RESOURCE_LIMITATION     0x0213
/* Error Comment (0000,0902) is LO. */
#define ERROR_COMMENT_LENGTH 64

static void
reply_clear (DimseNReply *reply)
{
  g_clear_pointer (&reply->error_comment, g_free);
  g_clear_pointer (&reply->attribute_identifiers, g_array_unref);
  g_clear_pointer (&reply->data_set, dcm_data_set_unref);
}

static gboolean
reply_failed (const DimseNReply *reply)
{
  return dimse_status_class (reply->status) == DIMSE_STATUS_FAILURE;
}

static DimseNOperations
operation_of (DimseCommandField command)
{
  switch (command)
    {
    case DIMSE_N_EVENT_REPORT_RQ: return DIMSE_N_OP_EVENT_REPORT;
    case DIMSE_N_GET_RQ: return DIMSE_N_OP_GET;
    case DIMSE_N_SET_RQ: return DIMSE_N_OP_SET;
    case DIMSE_N_ACTION_RQ: return DIMSE_N_OP_ACTION;
    case DIMSE_N_CREATE_RQ: return DIMSE_N_OP_CREATE;
    case DIMSE_N_DELETE_RQ: return DIMSE_N_OP_DELETE;
    default: return 0;
    }
}

/* The calling AE title of the peer (the called one when we requested). */
static const char *
peer_ae_title (DimseAssociation *assoc)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);

  if (negotiation == NULL)
    return NULL;
  return negotiation->local_is_requestor ? negotiation->called_ae_title
                                         : negotiation->calling_ae_title;
}

static gboolean
is_authorized (DimseNProvider *self, DimseAssociation *assoc)
{
  g_autofree char *ae_title = NULL;

  if (self->authorized == NULL)
    return TRUE;
  ae_title = g_strstrip (g_strdup (peer_ae_title (assoc) != NULL ? peer_ae_title (assoc) : ""));
  return g_hash_table_contains (self->authorized, ae_title);
}

/* PS3.7 §10.1: the values of the data sets follow their VRs. 0106H
 * Invalid Attribute Value names each attribute that does not. */
static gboolean
check_values (DcmDataSet *data_set, DimseNReply *reply)
{
  g_autoptr(GPtrArray) issues = NULL;

  if (data_set == NULL)
    return TRUE;
  issues = dcm_data_set_validate (data_set);
  if (issues->len == 0)
    return TRUE;
  for (guint i = 0; i < issues->len; i++)
    dimse_n_reply_add_attribute (reply, ((DcmValidationIssue *) issues->pdata[i])->tag);
  dimse_n_reply_set_status (reply, STATUS_INVALID_ATTRIBUTE_VALUE, "%s",
                            ((DcmValidationIssue *) issues->pdata[0])->message);
  return FALSE;
}

/* ---- the operations ---- */

static void
perform_get (DimseNProvider *self, ClassEntry *entry, DimseNInvocation *inv,
             DimseNReply *reply)
{
  DcmDataSet *command = dimse_message_get_command (inv->request);
  guint n_tags = dcm_data_set_get_vm (command, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST);
  g_autoptr(DcmDataSet) out = NULL;
  const DcmElement *charset;

  if (entry->handler.get != NULL)
    entry->handler.get (inv, reply, entry->user_data);
  if (reply_failed (reply))
    return;
  /* PS3.7 §10.1.2.1.3: an empty Attribute Identifier List asks for all. */
  if (n_tags == 0)
    {
      dimse_n_reply_take_data_set (reply, dcm_data_set_copy (inv->instance));
      return;
    }
  out = dcm_data_set_new ();
  charset = dcm_data_set_lookup (inv->instance, DCM_TAG_SPECIFIC_CHARACTER_SET);
  if (charset != NULL)
    dimse_n_copy_element (out, charset);
  for (guint i = 0; i < n_tags; i++)
    {
      const DcmElement *element;
      guint64 tag = 0;

      dcm_data_set_get_uint64 (command, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST, i, &tag, NULL);
      element = dcm_data_set_lookup (inv->instance, (guint32) tag);
      if (element != NULL)
        {
          dimse_n_copy_element (out, element);
          continue;
        }
      /* PS3.7 §10.1.2.1.6: attributes it does not know are listed, and
       * the others returned, under the warning Attribute List Error. */
      dimse_n_reply_add_attribute (reply, (guint32) tag);
      dimse_n_reply_set_status (reply, STATUS_ATTRIBUTE_LIST_ERROR, NULL);
    }
  dimse_n_reply_take_data_set (reply, g_steal_pointer (&out));
}

static void
perform_set (DimseNProvider *self, ClassEntry *entry, DimseNInvocation *inv,
             DimseNReply *reply)
{
  guint n = dcm_data_set_n_elements (inv->data_set);

  if (entry->settable != NULL)
    for (guint i = 0; i < n; i++)
      {
        guint32 tag = dcm_data_set_nth (inv->data_set, i)->tag;
        gboolean allowed = tag == DCM_TAG_SPECIFIC_CHARACTER_SET;

        for (guint j = 0; j < entry->settable->len && !allowed; j++)
          allowed = g_array_index (entry->settable, guint32, j) == tag;
        if (!allowed)
          dimse_n_reply_add_attribute (reply, tag);
      }
  if (reply->attribute_identifiers != NULL)
    {
      g_autofree char *name = dcm_describe_tag (g_array_index (reply->attribute_identifiers,
                                                               guint32, 0));

      dimse_n_reply_set_status (reply, STATUS_NO_SUCH_ATTRIBUTE, "%s may not be set", name);
      return;
    }
  if (!check_values (inv->data_set, reply))
    return;
  if (entry->handler.set != NULL)
    entry->handler.set (inv, reply, entry->user_data);
  if (reply_failed (reply))
    return;
  for (guint i = 0; i < n; i++)
    dimse_n_copy_element (inv->instance, dcm_data_set_nth (inv->data_set, i));
  dimse_n_provider_emit_changed (self, inv->sop_class_uid, inv->sop_instance_uid,
                                 DIMSE_N_SET_RQ);
}

static void
perform_create (DimseNProvider *self, ClassEntry *entry, DimseNInvocation *inv,
                DimseNReply *reply)
{
  GError *error = NULL;

  if (!dcm_uid_is_valid (inv->sop_instance_uid))
    {
      dimse_n_reply_set_status (reply, STATUS_INVALID_OBJECT_INSTANCE,
                                "%s is no valid UID", inv->sop_instance_uid);
      return;
    }
  if (g_hash_table_contains (self->instances, inv->sop_instance_uid))
    {
      dimse_n_reply_set_status (reply, STATUS_DUPLICATE_SOP_INSTANCE,
                                "%s exists already", inv->sop_instance_uid);
      return;
    }
  if (entry->max_instances != 0
      && dimse_n_provider_get_n_instances (self, inv->sop_class_uid) >= entry->max_instances)
    {
      dimse_n_reply_set_status (reply, STATUS_RESOURCE_LIMITATION,
                                "At most %u instances of this class", entry->max_instances);
      return;
    }
  if (!check_values (inv->data_set, reply))
    return;
  if (entry->handler.create != NULL)
    entry->handler.create (inv, reply, entry->user_data);
  if (reply_failed (reply))
    return;
  if (!dimse_n_provider_add_instance (self, inv->sop_class_uid, inv->sop_instance_uid,
                                      inv->data_set, &error))
    {
      dimse_n_reply_set_status (reply, STATUS_PROCESSING_FAILURE, "%s", error->message);
      g_error_free (error);
      return;
    }
  /* PS3.7 §10.1.5.1.6: the Attribute List as the instance now holds it. */
  if (reply->data_set == NULL)
    dimse_n_reply_take_data_set (reply, dcm_data_set_copy (inv->data_set));
  dimse_n_provider_emit_changed (self, inv->sop_class_uid, inv->sop_instance_uid,
                                 DIMSE_N_CREATE_RQ);
}

static void
perform_delete (DimseNProvider *self, ClassEntry *entry, DimseNInvocation *inv,
                DimseNReply *reply)
{
  g_autofree char *sop_class_uid = g_strdup (inv->sop_class_uid);
  g_autofree char *sop_instance_uid = g_strdup (inv->sop_instance_uid);

  if (entry->handler.delete != NULL)
    entry->handler.delete (inv, reply, entry->user_data);
  if (reply_failed (reply))
    return;
  inv->instance = NULL;
  g_hash_table_remove (self->instances, sop_instance_uid);
  dimse_n_provider_emit_changed (self, sop_class_uid, sop_instance_uid, DIMSE_N_DELETE_RQ);
}

static void
perform_action (DimseNProvider *self, ClassEntry *entry, DimseNInvocation *inv,
                DimseNReply *reply)
{
  if (entry->handler.action == NULL)
    {
      dimse_n_reply_set_status (reply, STATUS_NO_SUCH_ACTION_TYPE,
                                "No action types are defined here");
      return;
    }
  entry->handler.action (inv, reply, entry->user_data);
  if (!reply_failed (reply))
    dimse_n_provider_emit_changed (self, inv->sop_class_uid, inv->sop_instance_uid,
                                   DIMSE_N_ACTION_RQ);
}

static void
perform_event_report (DimseNProvider *self, ClassEntry *entry, DimseNInvocation *inv,
                      DimseNReply *reply)
{
  if (entry->handler.event_report != NULL)
    {
      entry->handler.event_report (inv, reply, entry->user_data);
      return;
    }
  dimse_n_provider_emit_event_report (self, inv->assoc, inv->sop_class_uid,
                                      inv->sop_instance_uid, inv->type_id, inv->data_set);
}

/* ---- dispatch ---- */

/* Looks up the class and, where the operation acts on one, the instance;
 * FALSE with the failure in reply when it cannot go on. */
static gboolean
resolve (DimseNProvider *self, DimseNInvocation *inv, ClassEntry **out_entry,
         DimseNReply *reply)
{
  DimseNOperations op = operation_of (inv->command);
  ClassEntry *entry = g_hash_table_lookup (self->classes, inv->sop_class_uid);
  Instance *instance;

  if (entry == NULL)
    {
      dimse_n_reply_set_status (reply, STATUS_NO_SUCH_SOP_CLASS, "%s is not managed here",
                                dcm_uid_name (inv->sop_class_uid));
      return FALSE;
    }
  if ((entry->ops & op) == 0)
    {
      dimse_n_reply_set_status (reply, STATUS_UNRECOGNIZED_OPERATION,
                                "This SOP class offers no %s",
                                dimse_message_get_name (inv->request));
      return FALSE;
    }
  if (op != DIMSE_N_OP_GET && op != DIMSE_N_OP_EVENT_REPORT
      && !is_authorized (self, inv->assoc))
    {
      dimse_n_reply_set_status (reply, STATUS_NOT_AUTHORIZED, "%s may not change %s",
                                peer_ae_title (inv->assoc), dcm_uid_name (inv->sop_class_uid));
      return FALSE;
    }
  *out_entry = entry;
  if (op == DIMSE_N_OP_CREATE || op == DIMSE_N_OP_EVENT_REPORT)
    return TRUE;
  instance = g_hash_table_lookup (self->instances, inv->sop_instance_uid);
  if (instance == NULL)
    {
      dimse_n_reply_set_status (reply, STATUS_NO_SUCH_SOP_INSTANCE, "No instance %s",
                                inv->sop_instance_uid);
      return FALSE;
    }
  if (g_strcmp0 (instance->sop_class_uid, inv->sop_class_uid) != 0)
    {
      dimse_n_reply_set_status (reply, STATUS_CLASS_INSTANCE_CONFLICT,
                                "The instance is a %s", dcm_uid_name (instance->sop_class_uid));
      return FALSE;
    }
  inv->instance = instance->attributes;
  return TRUE;
}

static void
on_response_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("An N- response to %s was not sent: %s",
             dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)), error->message);
}

static void
send_reply (DimseNInvocation *inv, DimseNReply *reply)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (inv->request, reply->status);

  if (inv->command == DIMSE_N_CREATE_RQ && inv->sop_instance_uid != NULL
      && !reply_failed (reply))
    dimse_message_set_string (rsp, DCM_TAG_AFFECTED_SOP_INSTANCE_UID, inv->sop_instance_uid,
                              NULL);
  if (reply->error_comment != NULL)
    {
      /* The command set has no Specific Character Set: LO in the default
       * repertoire, no backslash (PS3.5 §6.2). */
      g_autofree char *comment = g_str_to_ascii (reply->error_comment, "C");

      g_strdelimit (comment, "\\\r\n\t", ' ');
      if (strlen (comment) > ERROR_COMMENT_LENGTH)
        comment[ERROR_COMMENT_LENGTH] = '\0';
      /* A comment the LO VR still refuses is only left out: the status says enough. */
      dimse_message_set_string (rsp, DCM_TAG_ERROR_COMMENT, g_strstrip (comment), NULL);
    }
  if (reply->has_error_id)
    dimse_message_set_us (rsp, DCM_TAG_ERROR_ID, reply->error_id);
  if (reply->attribute_identifiers != NULL)
    dimse_message_set_tags (rsp, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST,
                            (const guint32 *) (gpointer) reply->attribute_identifiers->data,
                            reply->attribute_identifiers->len);
  if (reply->data_set != NULL && !reply_failed (reply))
    dimse_message_set_data_set (rsp, reply->data_set);
  g_info ("Answered a %s from %s for %s with status 0x%04X%s%s",
          dimse_message_get_name (inv->request), dimse_association_get_peer_name (inv->assoc),
          inv->sop_instance_uid != NULL ? inv->sop_instance_uid : "(none)", reply->status,
          reply->error_comment != NULL ? ": " : "",
          reply->error_comment != NULL ? reply->error_comment : "");
  dimse_association_send_message_async (inv->assoc, inv->presentation_context_id, rsp, NULL,
                                        on_response_sent, NULL);
}

static void
perform (DimseNProvider *self, DimseNInvocation *inv, DimseNReply *reply)
{
  ClassEntry *entry = NULL;

  if (!resolve (self, inv, &entry, reply))
    return;
  switch (inv->command)
    {
    case DIMSE_N_GET_RQ:
      perform_get (self, entry, inv, reply);
      break;
    case DIMSE_N_SET_RQ:
      if (inv->data_set == NULL)
        dimse_n_reply_set_status (reply, STATUS_MISTYPED_ARGUMENT, "No Modification List");
      else
        perform_set (self, entry, inv, reply);
      break;
    case DIMSE_N_CREATE_RQ:
      perform_create (self, entry, inv, reply);
      break;
    case DIMSE_N_DELETE_RQ:
      perform_delete (self, entry, inv, reply);
      break;
    case DIMSE_N_ACTION_RQ:
      perform_action (self, entry, inv, reply);
      break;
    case DIMSE_N_EVENT_REPORT_RQ:
      perform_event_report (self, entry, inv, reply);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_request (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg, GFile *data_set_file,
            gpointer user_data)
{
  DimseNProvider *self = user_data;
  DimseCommandField command = dimse_message_get_command_field (msg);
  g_autofree char *sop_class_uid = NULL;
  g_autofree char *sop_instance_uid = NULL;
  g_autoptr(DcmDataSet) data_set = NULL;
  g_autoptr(GError) error = NULL;
  DimseNReply reply = { 0 };
  DimseNInvocation inv = { 0 };
  gboolean affected;

  if (operation_of (command) == 0)
    return;
  /* PS3.7 Tables 10.3-1, 10.3-9: N-EVENT-REPORT and N-CREATE name the
   * Affected SOP class and instance, the others the Requested ones. */
  affected = command == DIMSE_N_EVENT_REPORT_RQ || command == DIMSE_N_CREATE_RQ;
  sop_class_uid = dimse_message_dup_string (msg, affected ? DCM_TAG_AFFECTED_SOP_CLASS_UID
                                                          : DCM_TAG_REQUESTED_SOP_CLASS_UID);
  sop_instance_uid = dimse_message_dup_string (msg, affected
                                                    ? DCM_TAG_AFFECTED_SOP_INSTANCE_UID
                                                    : DCM_TAG_REQUESTED_SOP_INSTANCE_UID);
  /* PS3.7 §10.1.5.1.4: without one, the SCP assigns the new instance's UID. */
  if (command == DIMSE_N_CREATE_RQ && sop_instance_uid == NULL)
    sop_instance_uid = dcm_uid_generate ();
  inv.provider = self;
  inv.assoc = assoc;
  inv.presentation_context_id = pc_id;
  inv.request = msg;
  inv.command = command;
  inv.sop_class_uid = sop_class_uid;
  inv.sop_instance_uid = sop_instance_uid;
  dimse_message_get_us (msg, command == DIMSE_N_ACTION_RQ ? DCM_TAG_ACTION_TYPE_ID
                                                          : DCM_TAG_EVENT_TYPE_ID, &inv.type_id);
  if (data_set_file != NULL)
    {
      g_file_delete (data_set_file, NULL, NULL);
      dimse_n_reply_set_status (&reply, STATUS_PROCESSING_FAILURE,
                                "The data set could not be kept in memory");
    }
  else
    {
      data_set = dimse_request_loop_parse_data_set (msg, &error);
      if (error != NULL)
        dimse_n_reply_set_status (&reply, STATUS_MISTYPED_ARGUMENT,
                                  "The data set does not parse: %s", error->message);
    }
  if (command == DIMSE_N_CREATE_RQ && data_set == NULL)
    data_set = dcm_data_set_new ();
  inv.data_set = data_set;
  if (!reply_failed (&reply))
    perform (self, &inv, &reply);
  send_reply (&inv, &reply);
  reply_clear (&reply);
}

gulong
dimse_n_provider_attach (DimseNProvider *provider, DimseAssociation *assoc)
{
  g_return_val_if_fail (DIMSE_IS_N_PROVIDER (provider), 0);
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (assoc), 0);

  return g_signal_connect_object (assoc, "request-received", G_CALLBACK (on_request),
                                  provider, 0);
}
