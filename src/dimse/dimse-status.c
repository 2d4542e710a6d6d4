/* dimse-status.c — the status registry of PS3.7 Annex C and PS3.4 */
#include "dimse-status.h"

G_DEFINE_QUARK (dimse-status-error-quark, dimse_status_error)

#define SUCCESS DIMSE_STATUS_SUCCESS
#define PENDING DIMSE_STATUS_PENDING
#define CANCEL  DIMSE_STATUS_CANCEL
#define WARNING DIMSE_STATUS_WARNING
#define FAILURE DIMSE_STATUS_FAILURE
#define ANY     DIMSE_COMMAND_NONE

#define F_NONE     DIMSE_STATUS_FIELD_NONE
#define F_CLASS    DIMSE_STATUS_FIELD_AFFECTED_SOP_CLASS_UID
#define F_INSTANCE DIMSE_STATUS_FIELD_AFFECTED_SOP_INSTANCE_UID
#define F_OFFEND   DIMSE_STATUS_FIELD_OFFENDING_ELEMENT
#define F_COMMENT  DIMSE_STATUS_FIELD_ERROR_COMMENT
#define F_ERROR_ID DIMSE_STATUS_FIELD_ERROR_ID
#define F_EVENT    DIMSE_STATUS_FIELD_EVENT_TYPE_ID
#define F_ACTION   DIMSE_STATUS_FIELD_ACTION_TYPE_ID
#define F_ATTRS    DIMSE_STATUS_FIELD_ATTRIBUTE_IDENTIFIER_LIST
#define F_SUBOPS   DIMSE_STATUS_FIELD_SUB_OPERATIONS
#define F_FAILED   DIMSE_STATUS_FIELD_FAILED_SOP_INSTANCE_UID_LIST

static const DimseStatusEntry registry[] = {
  /* PS3.7 Annex C: the general meanings, C.1 to C.5 */
  { 0x0000, 0x0000, ANY, SUCCESS, "Success", F_NONE },
  { 0xFF00, 0xFF00, ANY, PENDING, "Pending", F_NONE },
  { 0xFF01, 0xFF01, ANY, PENDING, "Pending: Optional Keys Not Supported", F_NONE },
  { 0xFE00, 0xFE00, ANY, CANCEL, "Cancel", F_NONE },
  { 0x0001, 0x0001, ANY, WARNING, "Warning: Requested Optional Attributes Are Not Supported", F_NONE },
  { 0x0107, 0x0107, ANY, WARNING, "Warning: Attribute List Error", F_CLASS | F_INSTANCE | F_ATTRS },
  { 0x0116, 0x0116, ANY, WARNING, "Warning: Attribute Value Out of Range", F_NONE },
  { 0xB000, 0xBFFF, ANY, WARNING, "Warning", F_OFFEND | F_COMMENT },
  { 0x0105, 0x0105, ANY, FAILURE, "No Such Attribute", F_ATTRS },
  { 0x0106, 0x0106, ANY, FAILURE, "Invalid Attribute Value", F_NONE },
  { 0x0110, 0x0110, ANY, FAILURE, "Processing Failure", F_CLASS | F_INSTANCE | F_COMMENT | F_ERROR_ID },
  { 0x0111, 0x0111, ANY, FAILURE, "Duplicate SOP Instance", F_INSTANCE },
  { 0x0112, 0x0112, ANY, FAILURE, "No Such SOP Instance", F_INSTANCE },
  { 0x0113, 0x0113, ANY, FAILURE, "No Such Event Type", F_CLASS | F_EVENT },
  { 0x0114, 0x0114, ANY, FAILURE, "No Such Argument", F_CLASS | F_EVENT | F_ACTION },
  { 0x0115, 0x0115, ANY, FAILURE, "Invalid Argument Value", F_CLASS | F_INSTANCE | F_EVENT | F_ACTION },
  { 0x0117, 0x0117, ANY, FAILURE, "Invalid Object Instance", F_INSTANCE },
  { 0x0118, 0x0118, ANY, FAILURE, "No Such SOP Class", F_CLASS },
  { 0x0119, 0x0119, ANY, FAILURE, "Class-Instance Conflict", F_CLASS | F_INSTANCE },
  { 0x0120, 0x0120, ANY, FAILURE, "Missing Attribute", F_NONE },
  { 0x0121, 0x0121, ANY, FAILURE, "Missing Attribute Value", F_ATTRS },
  { 0x0122, 0x0122, ANY, FAILURE, "Refused: SOP Class Not Supported", F_CLASS },
  { 0x0123, 0x0123, ANY, FAILURE, "No Such Action Type", F_CLASS | F_ACTION },
  { 0x0124, 0x0124, ANY, FAILURE, "Refused: Not Authorized", F_COMMENT },
  { 0x0210, 0x0210, ANY, FAILURE, "Duplicate Invocation", F_NONE },
  { 0x0211, 0x0211, ANY, FAILURE, "Unrecognized Operation", F_NONE },
  { 0x0212, 0x0212, ANY, FAILURE, "Mistyped Argument", F_NONE },
  { 0x0213, 0x0213, ANY, FAILURE, "Resource Limitation", F_NONE },
  { 0x0100, 0x01FF, ANY, FAILURE, "Failure", F_NONE },
  { 0x0200, 0x02FF, ANY, FAILURE, "Failure", F_NONE },
  { 0xA700, 0xA7FF, ANY, FAILURE, "Refused: Out of Resources", F_COMMENT },
  { 0xA900, 0xA9FF, ANY, FAILURE, "Error: Data Set Does Not Match SOP Class", F_OFFEND | F_COMMENT },
  { 0xA000, 0xAFFF, ANY, FAILURE, "Failure", F_OFFEND | F_COMMENT },
  { 0xC000, 0xCFFF, ANY, FAILURE, "Error: Cannot Understand", F_OFFEND | F_COMMENT },

  /* PS3.4 Table B.2-1: C-STORE */
  { 0xA700, 0xA7FF, DIMSE_C_STORE_RQ, FAILURE, "Refused: Out of Resources", F_COMMENT },
  { 0xA900, 0xA9FF, DIMSE_C_STORE_RQ, FAILURE, "Error: Data Set Does Not Match SOP Class", F_OFFEND | F_COMMENT },
  { 0xC000, 0xCFFF, DIMSE_C_STORE_RQ, FAILURE, "Error: Cannot Understand", F_OFFEND | F_COMMENT },
  { 0xB000, 0xB000, DIMSE_C_STORE_RQ, WARNING, "Warning: Coercion of Data Elements", F_OFFEND | F_COMMENT },
  { 0xB007, 0xB007, DIMSE_C_STORE_RQ, WARNING, "Warning: Data Set Does Not Match SOP Class", F_OFFEND | F_COMMENT },
  { 0xB006, 0xB006, DIMSE_C_STORE_RQ, WARNING, "Warning: Elements Discarded", F_OFFEND | F_COMMENT },

  /* PS3.4 Table C.4-1: C-FIND */
  { 0xA700, 0xA7FF, DIMSE_C_FIND_RQ, FAILURE, "Refused: Out of Resources", F_COMMENT },
  { 0xA900, 0xA9FF, DIMSE_C_FIND_RQ, FAILURE, "Error: Data Set Does Not Match SOP Class", F_OFFEND | F_COMMENT },
  { 0xC000, 0xCFFF, DIMSE_C_FIND_RQ, FAILURE, "Failed: Unable to Process", F_OFFEND | F_COMMENT },
  { 0xFE00, 0xFE00, DIMSE_C_FIND_RQ, CANCEL, "Cancel: Matching Terminated Due to Cancel Request", F_NONE },
  { 0x0000, 0x0000, DIMSE_C_FIND_RQ, SUCCESS, "Success: Matching Is Complete", F_NONE },
  { 0xFF00, 0xFF00, DIMSE_C_FIND_RQ, PENDING, "Pending: Matches Are Continuing", F_NONE },
  { 0xFF01, 0xFF01, DIMSE_C_FIND_RQ, PENDING,
    "Pending: Matches Are Continuing – One or More Optional Keys Were Not Supported", F_NONE },

  /* PS3.4 Table C.4-2: C-MOVE */
  { 0xA701, 0xA701, DIMSE_C_MOVE_RQ, FAILURE,
    "Refused: Out of Resources – Unable to calculate number of matches", F_COMMENT },
  { 0xA702, 0xA702, DIMSE_C_MOVE_RQ, FAILURE,
    "Refused: Out of Resources – Unable to perform sub-operations", F_SUBOPS | F_COMMENT | F_FAILED },
  { 0xA801, 0xA801, DIMSE_C_MOVE_RQ, FAILURE, "Refused: Move Destination unknown", F_COMMENT },
  { 0xA900, 0xA9FF, DIMSE_C_MOVE_RQ, FAILURE, "Error: Data Set Does Not Match SOP Class", F_OFFEND | F_COMMENT },
  { 0xC000, 0xCFFF, DIMSE_C_MOVE_RQ, FAILURE, "Failed: Unable to Process", F_OFFEND | F_COMMENT },
  { 0xFE00, 0xFE00, DIMSE_C_MOVE_RQ, CANCEL,
    "Cancel: Sub-operations terminated due to Cancel Indication", F_SUBOPS | F_FAILED },
  { 0xB000, 0xB000, DIMSE_C_MOVE_RQ, WARNING,
    "Warning: Sub-operations Complete – One or more Failures", F_SUBOPS | F_FAILED },
  { 0x0000, 0x0000, DIMSE_C_MOVE_RQ, SUCCESS, "Success: Sub-operations Complete – No Failures", F_SUBOPS },
  { 0xFF00, 0xFF00, DIMSE_C_MOVE_RQ, PENDING, "Pending: Sub-operations are continuing", F_SUBOPS },

  /* PS3.4 Table C.4-3: C-GET */
  { 0xA701, 0xA701, DIMSE_C_GET_RQ, FAILURE,
    "Refused: Out of Resources – Unable to calculate number of matches", F_COMMENT },
  { 0xA702, 0xA702, DIMSE_C_GET_RQ, FAILURE,
    "Refused: Out of Resources – Unable to perform sub-operations", F_SUBOPS | F_COMMENT | F_FAILED },
  { 0xA900, 0xA9FF, DIMSE_C_GET_RQ, FAILURE, "Error: Data Set Does Not Match SOP Class", F_OFFEND | F_COMMENT },
  { 0xC000, 0xCFFF, DIMSE_C_GET_RQ, FAILURE, "Failed: Unable to Process", F_OFFEND | F_COMMENT },
  { 0xFE00, 0xFE00, DIMSE_C_GET_RQ, CANCEL,
    "Cancel: Sub-operations terminated due to Cancel Indication", F_SUBOPS | F_FAILED },
  { 0xB000, 0xB000, DIMSE_C_GET_RQ, WARNING,
    "Warning: Sub-operations Complete – One or more Failures or Warnings", F_SUBOPS | F_FAILED },
  { 0x0000, 0x0000, DIMSE_C_GET_RQ, SUCCESS,
    "Success: Sub-operations Complete – No Failures or Warnings", F_SUBOPS },
  { 0xFF00, 0xFF00, DIMSE_C_GET_RQ, PENDING, "Pending: Sub-operations are continuing", F_SUBOPS },
};

DimseStatusClass
dimse_status_class (guint16 status)
{
  switch (status)
    {
    case 0x0000:
      return DIMSE_STATUS_SUCCESS;
    case 0x0001:
    case 0x0107:
    case 0x0116:
      return DIMSE_STATUS_WARNING;
    case 0xFE00:
      return DIMSE_STATUS_CANCEL;
    case 0xFF00:
    case 0xFF01:
      return DIMSE_STATUS_PENDING;
    default:
      break;
    }
  if ((status & 0xF000) == 0xB000)
    return DIMSE_STATUS_WARNING;
  return DIMSE_STATUS_FAILURE;
}

const char *
dimse_status_class_name (DimseStatusClass status_class)
{
  switch (status_class)
    {
    case DIMSE_STATUS_SUCCESS:
      return "Success";
    case DIMSE_STATUS_PENDING:
      return "Pending";
    case DIMSE_STATUS_CANCEL:
      return "Cancel";
    case DIMSE_STATUS_WARNING:
      return "Warning";
    case DIMSE_STATUS_FAILURE:
    default:
      return "Failure";
    }
}

/* A row for the service beats a general one; then the narrower range. */
static gboolean
better_entry (const DimseStatusEntry *a, const DimseStatusEntry *b)
{
  if (b == NULL)
    return TRUE;
  if ((a->service != ANY) != (b->service != ANY))
    return a->service != ANY;
  return (a->last - a->first) < (b->last - b->first);
}

const DimseStatusEntry *
dimse_status_lookup (guint16 status, DimseCommandField service)
{
  DimseCommandField request = dimse_command_field_request (service);
  const DimseStatusEntry *best = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    {
      const DimseStatusEntry *e = &registry[i];

      if (status < e->first || status > e->last)
        continue;
      if (e->service != ANY && e->service != request)
        continue;
      if (better_entry (e, best))
        best = e;
    }
  return best;
}

const char *
dimse_status_meaning (guint16 status, DimseCommandField service)
{
  const DimseStatusEntry *e = dimse_status_lookup (status, service);

  return e != NULL ? e->meaning : dimse_status_class_name (dimse_status_class (status));
}

/* ---- description ---- */

static void
append_part (GString *out, const char *text)
{
  g_string_append (out, out->len == 0 ? " — " : "; ");
  g_string_append (out, text);
}

static void
append_tags (GString *out, DcmDataSet *command, guint32 tag, const char *name)
{
  g_auto(GStrv) tags = dcm_data_set_get_strings (command, tag, NULL);
  g_autofree char *joined = NULL;
  g_autofree char *part = NULL;

  if (tags == NULL || tags[0] == NULL)
    return;
  joined = g_strjoinv (", ", tags);
  part = g_strdup_printf ("%s %s", name, joined);
  append_part (out, part);
}

static void
append_string (GString *out, DcmDataSet *command, guint32 tag, const char *name)
{
  g_autofree char *value = dcm_data_set_get_value_string (command, tag, NULL);
  g_autofree char *part = NULL;

  if (value == NULL || value[0] == '\0')
    return;
  part = g_strdup_printf ("%s: %s", name, value);
  append_part (out, part);
}

static void
append_us (GString *out, DcmDataSet *command, guint32 tag, const char *name, gboolean hex)
{
  gint64 v;
  g_autofree char *part = NULL;

  if (!dcm_data_set_get_int64 (command, tag, 0, &v, NULL))
    return;
  if (hex)
    part = g_strdup_printf ("%s: 0x%04X", name, (guint) v);
  else
    part = g_strdup_printf ("%s: %u", name, (guint) v);
  append_part (out, part);
}

static void
append_sub_operations (GString *out, DcmDataSet *command)
{
  static const struct { guint32 tag; const char *word; } counts[] = {
    { DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, "remaining" },
    { DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, "completed" },
    { DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, "failed" },
    { DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, "warning" },
  };
  GString *part = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gint64 v;

      if (dcm_data_set_get_int64 (command, counts[i].tag, 0, &v, NULL))
        g_string_append_printf (part, "%s%u %s", part->len == 0 ? "Sub-operations: " : ", ",
                                (guint) v, counts[i].word);
    }
  if (part->len > 0)
    append_part (out, part->str);
  g_string_free (part, TRUE);
}

static void
append_related (GString *out, DimseStatusFields related, DcmDataSet *command)
{
  if (related & F_OFFEND)
    append_tags (out, command, DCM_TAG_OFFENDING_ELEMENT, "Offending Element");
  append_string (out, command, DCM_TAG_ERROR_COMMENT, "Error Comment");
  append_us (out, command, DCM_TAG_ERROR_ID, "Error ID", TRUE);
  if (related & F_ATTRS)
    append_tags (out, command, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST, "Attribute Identifier List");
  if (related & F_CLASS)
    append_string (out, command, DCM_TAG_AFFECTED_SOP_CLASS_UID, "Affected SOP Class UID");
  if (related & F_INSTANCE)
    append_string (out, command, DCM_TAG_AFFECTED_SOP_INSTANCE_UID, "Affected SOP Instance UID");
  if (related & F_EVENT)
    append_us (out, command, DCM_TAG_EVENT_TYPE_ID, "Event Type ID", FALSE);
  if (related & F_ACTION)
    append_us (out, command, DCM_TAG_ACTION_TYPE_ID, "Action Type ID", FALSE);
  if (related & F_SUBOPS)
    append_sub_operations (out, command);
}

char *
dimse_status_describe (guint16 status, DimseCommandField service, DcmDataSet *command)
{
  const DimseStatusEntry *e = dimse_status_lookup (status, service);
  g_autoptr(GString) details = g_string_new (NULL);

  if (command != NULL)
    append_related (details, e != NULL ? e->related : F_OFFEND | F_COMMENT, command);
  return g_strdup_printf ("0x%04X %s%s", status, dimse_status_meaning (status, service),
                          details->str);
}

void
dimse_status_set_error (GError **error, guint16 status, DimseCommandField service,
                        DcmDataSet *command)
{
  g_autofree char *text = dimse_status_describe (status, service, command);
  const char *name = dimse_command_field_name (dimse_command_field_response (
    dimse_command_field_request (service)));

  if (name != NULL)
    g_set_error (error, DIMSE_STATUS_ERROR, status, "The %s carries status %s.", name, text);
  else
    g_set_error (error, DIMSE_STATUS_ERROR, status, "The peer answered with status %s.", text);
}

guint
dimse_status_n_entries (void)
{
  return G_N_ELEMENTS (registry);
}

const DimseStatusEntry *
dimse_status_nth_entry (guint i)
{
  g_return_val_if_fail (i < G_N_ELEMENTS (registry), NULL);
  return &registry[i];
}
