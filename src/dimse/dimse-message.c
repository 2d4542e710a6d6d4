/* dimse-message.c — DIMSE messages: command sets of PS3.7 Annex E, encoded
 * and decoded, and checked against the tables of §9.3 and §10.3 */
#include "dimse-message.h"

#include "dcm-error.h"
#include "dcm-parser.h"
#include "dcm-writer.h"
#include "dimse-error.h"
#include "dimse-status.h"

struct _DimseMessage {
  gatomicrefcount          ref_count;
  DcmDataSet              *command;
  DcmDataSet              *data_set;
  GBytes                  *encoded;
  const DcmTransferSyntax *encoded_ts;
  char                    *name;  /* for a command field that is no command */
};

G_DEFINE_BOXED_TYPE (DimseMessage, dimse_message, dimse_message_ref, dimse_message_unref)

/* (0000,0000) UL tag + length + value, PS3.5 §7.1.3 in implicit VR */
#define GROUP_LENGTH_ELEMENT_SIZE 12

DimseMessage *
dimse_message_new_for_command (DcmDataSet *command)
{
  DimseMessage *msg;

  g_return_val_if_fail (command != NULL, NULL);
  msg = g_new0 (DimseMessage, 1);
  g_atomic_ref_count_init (&msg->ref_count);
  msg->command = dcm_data_set_ref (command);
  return msg;
}

DimseMessage *
dimse_message_new (DimseCommandField command_field)
{
  static const guint8 zero[4] = { 0 };
  g_autoptr(DcmDataSet) command = dcm_data_set_new ();
  DimseMessage *msg = dimse_message_new_for_command (command);

  dcm_data_set_set_raw (command, DCM_TAG_COMMAND_GROUP_LENGTH, DCM_VR_UL, zero, sizeof zero, NULL);
  dimse_message_set_us (msg, DCM_TAG_COMMAND_FIELD, command_field);
  dimse_message_set_us (msg, DCM_TAG_COMMAND_DATA_SET_TYPE, DIMSE_DATA_SET_ABSENT);
  return msg;
}

DimseMessage *
dimse_message_ref (DimseMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  g_atomic_ref_count_inc (&msg->ref_count);
  return msg;
}

void
dimse_message_unref (DimseMessage *msg)
{
  g_return_if_fail (msg != NULL);
  if (!g_atomic_ref_count_dec (&msg->ref_count))
    return;
  dcm_data_set_unref (msg->command);
  g_clear_pointer (&msg->data_set, dcm_data_set_unref);
  g_clear_pointer (&msg->encoded, g_bytes_unref);
  g_free (msg->name);
  g_free (msg);
}

/* ---- command set fields ---- */

DcmDataSet *
dimse_message_get_command (DimseMessage *msg)
{
  return msg->command;
}

gboolean
dimse_message_get_us (DimseMessage *msg, guint32 tag, guint16 *out_value)
{
  const DcmElement *el = dcm_data_set_lookup (msg->command, tag);
  gint64 v;

  if (el == NULL || el->kind != DCM_VALUE_BYTES || g_bytes_get_size (el->value.bytes) != 2)
    return FALSE;
  if (!dcm_data_set_get_int64 (msg->command, tag, 0, &v, NULL) || v < 0 || v > G_MAXUINT16)
    return FALSE;
  if (out_value != NULL)
    *out_value = (guint16) v;
  return TRUE;
}

DimseCommandField
dimse_message_get_command_field (DimseMessage *msg)
{
  guint16 v;

  if (!dimse_message_get_us (msg, DCM_TAG_COMMAND_FIELD, &v))
    return DIMSE_COMMAND_NONE;
  return (DimseCommandField) v;
}

const char *
dimse_message_get_name (DimseMessage *msg)
{
  guint16 v;
  const char *name;

  if (!dimse_message_get_us (msg, DCM_TAG_COMMAND_FIELD, &v))
    return "DIMSE message without a Command Field";
  name = dimse_command_field_name ((DimseCommandField) v);
  if (name != NULL)
    return name;
  g_free (msg->name);
  msg->name = g_strdup_printf ("DIMSE message 0x%04X", v);
  return msg->name;
}

char *
dimse_message_dup_string (DimseMessage *msg, guint32 tag)
{
  return dcm_data_set_dup_string (msg->command, tag);
}

void
dimse_message_set_us (DimseMessage *msg, guint32 tag, guint16 value)
{
  /* Every guint16 is a US value: this cannot fail. */
  if (!dcm_data_set_set_int64 (msg->command, tag, DCM_VR_US, value, NULL))
    g_return_if_reached ();
}

gboolean
dimse_message_set_string (DimseMessage *msg, guint32 tag, const char *value, GError **error)
{
  return dcm_data_set_set_string (msg->command, tag, DCM_VR_NONE, value, error);
}

void
dimse_message_set_tags (DimseMessage *msg, guint32 tag, const guint32 *tags, guint n_tags)
{
  g_autofree gint64 *values = g_new (gint64, MAX (n_tags, 1));

  for (guint i = 0; i < n_tags; i++)
    values[i] = tags[i];
  /* Every guint32 is an AT value: this cannot fail. */
  if (!dcm_data_set_set_int64s (msg->command, tag, DCM_VR_AT, values, n_tags, NULL))
    g_return_if_reached ();
}

void
dimse_message_remove (DimseMessage *msg, guint32 tag)
{
  dcm_data_set_remove (msg->command, tag);
}

gboolean
dimse_message_has_data_set (DimseMessage *msg)
{
  guint16 type;

  return dimse_message_get_us (msg, DCM_TAG_COMMAND_DATA_SET_TYPE, &type)
         && type != DIMSE_DATA_SET_ABSENT;
}

/* ---- data set ---- */

static void
clear_data_set (DimseMessage *msg)
{
  g_clear_pointer (&msg->data_set, dcm_data_set_unref);
  g_clear_pointer (&msg->encoded, g_bytes_unref);
  msg->encoded_ts = NULL;
}

static void
mark_data_set (DimseMessage *msg, gboolean present)
{
  dimse_message_set_us (msg, DCM_TAG_COMMAND_DATA_SET_TYPE,
                        present ? DIMSE_DATA_SET_PRESENT : DIMSE_DATA_SET_ABSENT);
}

void
dimse_message_set_data_set (DimseMessage *msg, DcmDataSet *data_set)
{
  if (data_set != NULL)
    dcm_data_set_ref (data_set);
  clear_data_set (msg);
  msg->data_set = data_set;
  mark_data_set (msg, data_set != NULL);
}

DcmDataSet *
dimse_message_get_data_set (DimseMessage *msg)
{
  return msg->data_set;
}

void
dimse_message_set_encoded_data_set (DimseMessage *msg, GBytes *bytes, const DcmTransferSyntax *ts)
{
  g_return_if_fail (bytes == NULL || ts != NULL);
  if (bytes != NULL)
    g_bytes_ref (bytes);
  clear_data_set (msg);
  msg->encoded = bytes;
  msg->encoded_ts = bytes != NULL ? ts : NULL;
  mark_data_set (msg, bytes != NULL);
}

GBytes *
dimse_message_get_encoded_data_set (DimseMessage *msg, const DcmTransferSyntax **out_ts)
{
  if (out_ts != NULL)
    *out_ts = msg->encoded_ts;
  return msg->encoded;
}

GBytes *
dimse_message_encode_data_set (DimseMessage *msg, const DcmTransferSyntax *ts, GError **error)
{
  if (msg->data_set != NULL)
    return dcm_data_set_write_bytes (msg->data_set, ts, DCM_WRITE_DEFAULT, error);
  if (msg->encoded != NULL && g_strcmp0 (msg->encoded_ts->uid, ts->uid) == 0)
    return g_bytes_ref (msg->encoded);
  if (msg->encoded != NULL)
    g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                 "The data set of the %s is encoded in %s, not in %s.",
                 dimse_message_get_name (msg), msg->encoded_ts->uid, ts->uid);
  else
    g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                 "The %s holds no data set to encode.", dimse_message_get_name (msg));
  return NULL;
}

/* ---- builders ---- */

static DimseMessage *
request_new (DimseCommandField field, guint16 message_id, guint32 class_tag,
             const char *sop_class_uid, guint32 instance_tag, const char *sop_instance_uid,
             GError **error)
{
  g_autoptr(DimseMessage) msg = dimse_message_new (field);

  dimse_message_set_us (msg, DCM_TAG_MESSAGE_ID, message_id);
  if (!dimse_message_set_string (msg, class_tag, sop_class_uid, error))
    return NULL;
  if (sop_instance_uid != NULL
      && !dimse_message_set_string (msg, instance_tag, sop_instance_uid, error))
    return NULL;
  return g_steal_pointer (&msg);
}

DimseMessage *
dimse_message_new_c_echo_rq (guint16 message_id, const char *sop_class_uid, GError **error)
{
  return request_new (DIMSE_C_ECHO_RQ, message_id, DCM_TAG_AFFECTED_SOP_CLASS_UID,
                      sop_class_uid, 0, NULL, error);
}

DimseMessage *
dimse_message_new_c_store_rq (guint16 message_id, const char *sop_class_uid,
                              const char *sop_instance_uid, DimsePriority priority,
                              const char *move_originator_aet,
                              guint16 move_originator_message_id, GError **error)
{
  g_autoptr(DimseMessage) msg = NULL;

  g_return_val_if_fail (sop_instance_uid != NULL, NULL);
  msg = request_new (DIMSE_C_STORE_RQ, message_id, DCM_TAG_AFFECTED_SOP_CLASS_UID,
                     sop_class_uid, DCM_TAG_AFFECTED_SOP_INSTANCE_UID, sop_instance_uid, error);
  if (msg == NULL)
    return NULL;
  dimse_message_set_us (msg, DCM_TAG_PRIORITY, priority);
  mark_data_set (msg, TRUE);
  if (move_originator_aet != NULL)
    {
      if (!dimse_message_set_string (msg, DCM_TAG_MOVE_ORIGINATOR_APPLICATION_ENTITY_TITLE,
                                     move_originator_aet, error))
        return NULL;
      dimse_message_set_us (msg, DCM_TAG_MOVE_ORIGINATOR_MESSAGE_ID, move_originator_message_id);
    }
  return g_steal_pointer (&msg);
}

/* C-FIND, C-GET and C-MOVE requests: an identifier always follows. */
static DimseMessage *
query_new (DimseCommandField field, guint16 message_id, const char *sop_class_uid,
           DimsePriority priority, GError **error)
{
  DimseMessage *msg = request_new (field, message_id, DCM_TAG_AFFECTED_SOP_CLASS_UID,
                                   sop_class_uid, 0, NULL, error);

  if (msg == NULL)
    return NULL;
  dimse_message_set_us (msg, DCM_TAG_PRIORITY, priority);
  mark_data_set (msg, TRUE);
  return msg;
}

DimseMessage *
dimse_message_new_c_find_rq (guint16 message_id, const char *sop_class_uid,
                             DimsePriority priority, GError **error)
{
  return query_new (DIMSE_C_FIND_RQ, message_id, sop_class_uid, priority, error);
}

DimseMessage *
dimse_message_new_c_get_rq (guint16 message_id, const char *sop_class_uid,
                            DimsePriority priority, GError **error)
{
  return query_new (DIMSE_C_GET_RQ, message_id, sop_class_uid, priority, error);
}

DimseMessage *
dimse_message_new_c_move_rq (guint16 message_id, const char *sop_class_uid,
                             DimsePriority priority, const char *move_destination,
                             GError **error)
{
  g_autoptr(DimseMessage) msg = query_new (DIMSE_C_MOVE_RQ, message_id, sop_class_uid,
                                           priority, error);

  if (msg == NULL
      || !dimse_message_set_string (msg, DCM_TAG_MOVE_DESTINATION, move_destination, error))
    return NULL;
  return g_steal_pointer (&msg);
}

DimseMessage *
dimse_message_new_c_cancel_rq (guint16 message_id_being_responded_to)
{
  DimseMessage *msg = dimse_message_new (DIMSE_C_CANCEL_RQ);

  dimse_message_set_us (msg, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, message_id_being_responded_to);
  return msg;
}

DimseMessage *
dimse_message_new_n_event_report_rq (guint16 message_id, const char *sop_class_uid,
                                     const char *sop_instance_uid, guint16 event_type_id,
                                     GError **error)
{
  DimseMessage *msg;

  g_return_val_if_fail (sop_instance_uid != NULL, NULL);
  msg = request_new (DIMSE_N_EVENT_REPORT_RQ, message_id, DCM_TAG_AFFECTED_SOP_CLASS_UID,
                     sop_class_uid, DCM_TAG_AFFECTED_SOP_INSTANCE_UID, sop_instance_uid, error);
  if (msg != NULL)
    dimse_message_set_us (msg, DCM_TAG_EVENT_TYPE_ID, event_type_id);
  return msg;
}

/* N-GET, N-SET, N-ACTION and N-DELETE address an instance by its
 * Requested SOP Class and Instance UIDs. */
static DimseMessage *
requested_new (DimseCommandField field, guint16 message_id, const char *sop_class_uid,
               const char *sop_instance_uid, GError **error)
{
  g_return_val_if_fail (sop_instance_uid != NULL, NULL);
  return request_new (field, message_id, DCM_TAG_REQUESTED_SOP_CLASS_UID, sop_class_uid,
                      DCM_TAG_REQUESTED_SOP_INSTANCE_UID, sop_instance_uid, error);
}

DimseMessage *
dimse_message_new_n_get_rq (guint16 message_id, const char *sop_class_uid,
                            const char *sop_instance_uid, const guint32 *attribute_tags,
                            guint n_attributes, GError **error)
{
  DimseMessage *msg = requested_new (DIMSE_N_GET_RQ, message_id, sop_class_uid,
                                     sop_instance_uid, error);

  if (msg != NULL && n_attributes > 0)
    dimse_message_set_tags (msg, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST, attribute_tags, n_attributes);
  return msg;
}

DimseMessage *
dimse_message_new_n_set_rq (guint16 message_id, const char *sop_class_uid,
                            const char *sop_instance_uid, GError **error)
{
  DimseMessage *msg = requested_new (DIMSE_N_SET_RQ, message_id, sop_class_uid,
                                     sop_instance_uid, error);

  if (msg != NULL)
    mark_data_set (msg, TRUE);
  return msg;
}

DimseMessage *
dimse_message_new_n_action_rq (guint16 message_id, const char *sop_class_uid,
                               const char *sop_instance_uid, guint16 action_type_id,
                               GError **error)
{
  DimseMessage *msg = requested_new (DIMSE_N_ACTION_RQ, message_id, sop_class_uid,
                                     sop_instance_uid, error);

  if (msg != NULL)
    dimse_message_set_us (msg, DCM_TAG_ACTION_TYPE_ID, action_type_id);
  return msg;
}

DimseMessage *
dimse_message_new_n_create_rq (guint16 message_id, const char *sop_class_uid,
                               const char *sop_instance_uid, GError **error)
{
  return request_new (DIMSE_N_CREATE_RQ, message_id, DCM_TAG_AFFECTED_SOP_CLASS_UID,
                      sop_class_uid, DCM_TAG_AFFECTED_SOP_INSTANCE_UID, sop_instance_uid, error);
}

DimseMessage *
dimse_message_new_n_delete_rq (guint16 message_id, const char *sop_class_uid,
                               const char *sop_instance_uid, GError **error)
{
  return requested_new (DIMSE_N_DELETE_RQ, message_id, sop_class_uid, sop_instance_uid, error);
}

/* Copies the first of from_tags the request holds into the response as to_tag. */
static void
copy_field (DimseMessage *rsp, guint32 to_tag, DimseMessage *rq, guint32 from_a, guint32 from_b)
{
  const DcmElement *src = dcm_data_set_lookup (rq->command, from_a);
  DcmElement *dst;

  if (src == NULL && from_b != 0)
    src = dcm_data_set_lookup (rq->command, from_b);
  if (src == NULL || src->kind != DCM_VALUE_BYTES)
    return;
  dst = dcm_data_set_insert (rsp->command, to_tag, src->vr);
  dcm_element_take_bytes (dst, g_bytes_ref (src->value.bytes));
}

DimseMessage *
dimse_message_new_response (DimseMessage *request, guint16 status)
{
  DimseCommandField rq_field = dimse_message_get_command_field (request);
  DimseCommandField rsp_field = dimse_command_field_response (rq_field);
  DimseMessage *rsp;

  g_return_val_if_fail (!dimse_command_field_is_response (rq_field), NULL);
  g_return_val_if_fail (dimse_command_field_is_known (rsp_field), NULL);

  rsp = dimse_message_new (rsp_field);
  copy_field (rsp, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, request, DCM_TAG_MESSAGE_ID, 0);
  dimse_message_set_us (rsp, DCM_TAG_STATUS, status);
  /* The response's own table says which of the request's fields it echoes. */
  for (guint i = 0; i < dimse_field_rules_n (); i++)
    {
      const DimseFieldRule *rule = dimse_field_rules_nth (i);

      if (rule->command != rsp_field)
        continue;
      if (rule->tag == DCM_TAG_AFFECTED_SOP_CLASS_UID)
        copy_field (rsp, rule->tag, request, rule->tag, DCM_TAG_REQUESTED_SOP_CLASS_UID);
      else if (rule->tag == DCM_TAG_AFFECTED_SOP_INSTANCE_UID)
        copy_field (rsp, rule->tag, request, rule->tag, DCM_TAG_REQUESTED_SOP_INSTANCE_UID);
      else if (rule->tag == DCM_TAG_EVENT_TYPE_ID || rule->tag == DCM_TAG_ACTION_TYPE_ID)
        copy_field (rsp, rule->tag, request, rule->tag, 0);
    }
  return rsp;
}

/* ---- encoding and decoding ---- */

GBytes *
dimse_message_encode_command (DimseMessage *msg, GError **error)
{
  if (!dcm_data_set_contains (msg->command, DCM_TAG_COMMAND_GROUP_LENGTH))
    {
      static const guint8 zero[4] = { 0 };
      dcm_data_set_set_raw (msg->command, DCM_TAG_COMMAND_GROUP_LENGTH, DCM_VR_UL,
                            zero, sizeof zero, NULL);
    }
  /* PS3.7 §6.3.1: the command set is always Implicit VR Little Endian;
   * the writer recomputes group lengths present. */
  return dcm_data_set_write_bytes (msg->command, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT, error);
}

static gboolean
check_group (DcmDataSet *command, GError **error)
{
  for (guint i = 0; i < dcm_data_set_n_elements (command); i++)
    {
      const DcmElement *el = dcm_data_set_nth (command, i);
      guint32 tag = el->tag;
      guint value_size = dcm_vr_value_size (el->vr);

      if (DCM_TAG_GROUP (tag) != 0x0000)
        {
          g_autofree char *name = dcm_describe_tag (tag);
          g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                       "The command set holds %s, outside group 0000.", name);
          return FALSE;
        }
      /* PS3.5 §6.2: a binary value is a whole number of values; a US of one
       * byte would read as absent here and be padded into another value when
       * sent on. */
      if (value_size > 1 && el->kind == DCM_VALUE_BYTES
          && g_bytes_get_size (el->value.bytes) % value_size != 0)
        {
          g_autofree char *name = dcm_describe_tag (tag);
          g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                       "%s of the command set is %" G_GSIZE_FORMAT " bytes long, not a "
                       "multiple of its %s value size, %u.", name,
                       g_bytes_get_size (el->value.bytes), dcm_vr_name (el->vr),
                       value_size);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_group_length (DcmDataSet *command, gsize size, GError **error)
{
  guint64 declared;

  if (!dcm_data_set_contains (command, DCM_TAG_COMMAND_GROUP_LENGTH))
    return TRUE;
  if (!dcm_data_set_get_uint64 (command, DCM_TAG_COMMAND_GROUP_LENGTH, 0, &declared, NULL))
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "Command Group Length (0000,0000) does not hold one UL value.");
      return FALSE;
    }
  if (size < GROUP_LENGTH_ELEMENT_SIZE || declared != size - GROUP_LENGTH_ELEMENT_SIZE)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "Command Group Length (0000,0000) gives %" G_GUINT64_FORMAT " bytes, "
                   "but %" G_GSIZE_FORMAT " follow it.", declared,
                   size >= GROUP_LENGTH_ELEMENT_SIZE ? size - GROUP_LENGTH_ELEMENT_SIZE : 0);
      return FALSE;
    }
  return TRUE;
}

DimseMessage *
dimse_message_decode_command (GBytes *bytes, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(DcmDataSet) command = dcm_data_set_read_bytes (bytes, &dcm_ts_implicit_le,
                                                            NULL, &local);

  if (command == NULL)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "The command set does not read as Implicit VR Little Endian: %s",
                   local->message);
      return NULL;
    }
  if (!check_group (command, error)
      || !check_group_length (command, g_bytes_get_size (bytes), error))
    return NULL;
  return dimse_message_new_for_command (command);
}

/* ---- validation ---- */

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID, message);
  return FALSE;
}

static gboolean
lacks (DimseMessage *msg, guint32 tag, GError **error)
{
  g_autofree char *field = dimse_command_describe_tag (tag);

  return invalid (error, "%s lacks %s.", dimse_message_get_name (msg), field);
}

/* Present with a value; a US field must hold exactly one. */
static gboolean
check_field (DimseMessage *msg, guint32 tag, GError **error)
{
  const DcmElement *el = dcm_data_set_lookup (msg->command, tag);
  const DimseCommandElement *entry = dimse_command_element_lookup (tag);

  if (el == NULL || el->kind == DCM_VALUE_EMPTY)
    return lacks (msg, tag, error);
  if (entry != NULL && entry->vr == DCM_VR_US && !dimse_message_get_us (msg, tag, NULL))
    {
      g_autofree char *field = dimse_command_describe_tag (tag);
      return invalid (error, "%s of the %s does not hold one US value.", field,
                      dimse_message_get_name (msg));
    }
  return TRUE;
}

static gboolean
check_data_set_type (DimseMessage *msg, const DimseMessageRule *rule, GError **error)
{
  guint16 type = 0;
  gboolean has = dimse_message_has_data_set (msg);

  dimse_message_get_us (msg, DCM_TAG_COMMAND_DATA_SET_TYPE, &type);
  if (rule->data_set == DIMSE_USAGE_NONE && has)
    return invalid (error, "%s has Command Data Set Type (0000,0800) 0x%04X, but %s lets no "
                    "data set follow it.", dimse_message_get_name (msg), type, rule->table);
  if (rule->data_set == DIMSE_USAGE_M && !has)
    return invalid (error, "%s has Command Data Set Type (0000,0800) 0x0101, but %s requires "
                    "a data set to follow it.", dimse_message_get_name (msg), rule->table);
  return TRUE;
}

static gboolean
check_priority (DimseMessage *msg, GError **error)
{
  guint16 priority;

  if (!dimse_message_get_us (msg, DCM_TAG_PRIORITY, &priority)
      || dimse_priority_name (priority) != NULL)
    return TRUE;
  return invalid (error, "Priority (0000,0700) of the %s is 0x%04X, which is none of LOW, "
                  "MEDIUM and HIGH.", dimse_message_get_name (msg), priority);
}

/* The C rows a message decides alone (PS3.7 §9.1.2.1.5, PS3.4 §C.4.2.1.6-9). */
static gboolean
check_conditions (DimseMessage *msg, DimseCommandField field, GError **error)
{
  static const guint32 sub_operations[] = {
    DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS,
    DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS,
  };
  guint16 status;

  if (!dimse_message_get_us (msg, DCM_TAG_STATUS, &status)
      || dimse_status_class (status) != DIMSE_STATUS_PENDING)
    return TRUE;
  if (field == DIMSE_C_FIND_RSP && !dimse_message_has_data_set (msg))
    return invalid (error, "C-FIND-RSP with pending status 0x%04X lacks its identifier: "
                    "Command Data Set Type (0000,0800) is 0x0101.", status);
  if (field != DIMSE_C_GET_RSP && field != DIMSE_C_MOVE_RSP)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (sub_operations); i++)
    if (!dimse_message_get_us (msg, sub_operations[i], NULL))
      {
        g_autofree char *name = dimse_command_describe_tag (sub_operations[i]);
        return invalid (error, "%s with pending status 0x%04X lacks %s.",
                        dimse_message_get_name (msg), status, name);
      }
  return TRUE;
}

gboolean
dimse_message_validate (DimseMessage *msg, GError **error)
{
  DimseCommandField field;
  const DimseMessageRule *rule;
  guint16 value;

  if (!dimse_message_get_us (msg, DCM_TAG_COMMAND_FIELD, &value))
    return invalid (error, "The command set lacks Command Field (0000,0100).");
  field = (DimseCommandField) value;
  rule = dimse_message_rule_lookup (field);
  if (rule == NULL)
    return invalid (error, "Command Field (0000,0100) holds 0x%04X, which is no DIMSE command.",
                    value);
  for (guint i = 0; i < dimse_field_rules_n (); i++)
    {
      const DimseFieldRule *row = dimse_field_rules_nth (i);

      if (row->command == field && row->usage == DIMSE_USAGE_M
          && !check_field (msg, row->tag, error))
        return FALSE;
    }
  return check_data_set_type (msg, rule, error)
         && check_priority (msg, error)
         && check_conditions (msg, field, error);
}
