/* dimse-command.c — the command dictionary of PS3.7 Annex E and the message
 * field tables of PS3.7 §9.3 and §10.3 */
#include "dimse-command.h"
#include "dimse-status.h"

typedef struct {
  DimseCommandField field;
  const char       *name;
} CommandName;

static const CommandName command_names[] = {
  { DIMSE_C_STORE_RQ,         "C-STORE-RQ" },
  { DIMSE_C_STORE_RSP,        "C-STORE-RSP" },
  { DIMSE_C_GET_RQ,           "C-GET-RQ" },
  { DIMSE_C_GET_RSP,          "C-GET-RSP" },
  { DIMSE_C_FIND_RQ,          "C-FIND-RQ" },
  { DIMSE_C_FIND_RSP,         "C-FIND-RSP" },
  { DIMSE_C_MOVE_RQ,          "C-MOVE-RQ" },
  { DIMSE_C_MOVE_RSP,         "C-MOVE-RSP" },
  { DIMSE_C_ECHO_RQ,          "C-ECHO-RQ" },
  { DIMSE_C_ECHO_RSP,         "C-ECHO-RSP" },
  { DIMSE_N_EVENT_REPORT_RQ,  "N-EVENT-REPORT-RQ" },
  { DIMSE_N_EVENT_REPORT_RSP, "N-EVENT-REPORT-RSP" },
  { DIMSE_N_GET_RQ,           "N-GET-RQ" },
  { DIMSE_N_GET_RSP,          "N-GET-RSP" },
  { DIMSE_N_SET_RQ,           "N-SET-RQ" },
  { DIMSE_N_SET_RSP,          "N-SET-RSP" },
  { DIMSE_N_ACTION_RQ,        "N-ACTION-RQ" },
  { DIMSE_N_ACTION_RSP,       "N-ACTION-RSP" },
  { DIMSE_N_CREATE_RQ,        "N-CREATE-RQ" },
  { DIMSE_N_CREATE_RSP,       "N-CREATE-RSP" },
  { DIMSE_N_DELETE_RQ,        "N-DELETE-RQ" },
  { DIMSE_N_DELETE_RSP,       "N-DELETE-RSP" },
  { DIMSE_C_CANCEL_RQ,        "C-CANCEL-RQ" },
};

/* PS3.7 Table E.1-1 (in use) and Table E.2-1 (retired), in tag order. */
static const DimseCommandElement command_elements[] = {
  { DCM_TAG_COMMAND_GROUP_LENGTH, "Command Group Length", "CommandGroupLength", DCM_VR_UL, "1", FALSE },
  { DCM_TAG_COMMAND_LENGTH_TO_END, "Command Length to End", "CommandLengthToEnd", DCM_VR_UL, "1", TRUE },
  { DCM_TAG_AFFECTED_SOP_CLASS_UID, "Affected SOP Class UID", "AffectedSOPClassUID", DCM_VR_UI, "1", FALSE },
  { DCM_TAG_REQUESTED_SOP_CLASS_UID, "Requested SOP Class UID", "RequestedSOPClassUID", DCM_VR_UI, "1", FALSE },
  { DCM_TAG_COMMAND_RECOGNITION_CODE, "Command Recognition Code", "CommandRecognitionCode", DCM_VR_SH, "1", TRUE },
  { DCM_TAG_COMMAND_FIELD, "Command Field", "CommandField", DCM_VR_US, "1", FALSE },
  { DCM_TAG_MESSAGE_ID, "Message ID", "MessageID", DCM_VR_US, "1", FALSE },
  { DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, "Message ID Being Responded To", "MessageIDBeingRespondedTo", DCM_VR_US, "1", FALSE },
  { DCM_TAG_INITIATOR, "Initiator", "Initiator", DCM_VR_AE, "1", TRUE },
  { DCM_TAG_RECEIVER, "Receiver", "Receiver", DCM_VR_AE, "1", TRUE },
  { DCM_TAG_FIND_LOCATION, "Find Location", "FindLocation", DCM_VR_AE, "1", TRUE },
  { DCM_TAG_MOVE_DESTINATION, "Move Destination", "MoveDestination", DCM_VR_AE, "1", FALSE },
  { DCM_TAG_PRIORITY, "Priority", "Priority", DCM_VR_US, "1", FALSE },
  { DCM_TAG_COMMAND_DATA_SET_TYPE, "Command Data Set Type", "CommandDataSetType", DCM_VR_US, "1", FALSE },
  { DCM_TAG_NUMBER_OF_MATCHES, "Number of Matches", "NumberOfMatches", DCM_VR_US, "1", TRUE },
  { DCM_TAG_RESPONSE_SEQUENCE_NUMBER, "Response Sequence Number", "ResponseSequenceNumber", DCM_VR_US, "1", TRUE },
  { DCM_TAG_STATUS, "Status", "Status", DCM_VR_US, "1", FALSE },
  { DCM_TAG_OFFENDING_ELEMENT, "Offending Element", "OffendingElement", DCM_VR_AT, "1-n", FALSE },
  { DCM_TAG_ERROR_COMMENT, "Error Comment", "ErrorComment", DCM_VR_LO, "1", FALSE },
  { DCM_TAG_ERROR_ID, "Error ID", "ErrorID", DCM_VR_US, "1", FALSE },
  { DCM_TAG_AFFECTED_SOP_INSTANCE_UID, "Affected SOP Instance UID", "AffectedSOPInstanceUID", DCM_VR_UI, "1", FALSE },
  { DCM_TAG_REQUESTED_SOP_INSTANCE_UID, "Requested SOP Instance UID", "RequestedSOPInstanceUID", DCM_VR_UI, "1", FALSE },
  { DCM_TAG_EVENT_TYPE_ID, "Event Type ID", "EventTypeID", DCM_VR_US, "1", FALSE },
  { DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST, "Attribute Identifier List", "AttributeIdentifierList", DCM_VR_AT, "1-n", FALSE },
  { DCM_TAG_ACTION_TYPE_ID, "Action Type ID", "ActionTypeID", DCM_VR_US, "1", FALSE },
  { DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, "Number of Remaining Sub-operations", "NumberOfRemainingSuboperations", DCM_VR_US, "1", FALSE },
  { DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, "Number of Completed Sub-operations", "NumberOfCompletedSuboperations", DCM_VR_US, "1", FALSE },
  { DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, "Number of Failed Sub-operations", "NumberOfFailedSuboperations", DCM_VR_US, "1", FALSE },
  { DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, "Number of Warning Sub-operations", "NumberOfWarningSuboperations", DCM_VR_US, "1", FALSE },
  { DCM_TAG_MOVE_ORIGINATOR_APPLICATION_ENTITY_TITLE, "Move Originator Application Entity Title", "MoveOriginatorApplicationEntityTitle", DCM_VR_AE, "1", FALSE },
  { DCM_TAG_MOVE_ORIGINATOR_MESSAGE_ID, "Move Originator Message ID", "MoveOriginatorMessageID", DCM_VR_US, "1", FALSE },
  { DCM_TAG_DIALOG_RECEIVER, "Dialog Receiver", "DialogReceiver", DCM_VR_LT, "1", TRUE },
  { DCM_TAG_TERMINAL_TYPE, "Terminal Type", "TerminalType", DCM_VR_LT, "1", TRUE },
  { DCM_TAG_MESSAGE_SET_ID, "Message Set ID", "MessageSetID", DCM_VR_SH, "1", TRUE },
  { DCM_TAG_END_MESSAGE_ID, "End Message ID", "EndMessageID", DCM_VR_SH, "1", TRUE },
  { DCM_TAG_DISPLAY_FORMAT, "Display Format", "DisplayFormat", DCM_VR_LT, "1", TRUE },
  { DCM_TAG_PAGE_POSITION_ID, "Page Position ID", "PagePositionID", DCM_VR_LT, "1", TRUE },
  { DCM_TAG_TEXT_FORMAT_ID, "Text Format ID", "TextFormatID", DCM_VR_CS, "1", TRUE },
  { DCM_TAG_NORMAL_REVERSE, "Normal/Reverse", "NormalReverse", DCM_VR_CS, "1", TRUE },
  { DCM_TAG_ADD_GRAY_SCALE, "Add Gray Scale", "AddGrayScale", DCM_VR_CS, "1", TRUE },
  { DCM_TAG_BORDERS, "Borders", "Borders", DCM_VR_CS, "1", TRUE },
  { DCM_TAG_COPIES, "Copies", "Copies", DCM_VR_IS, "1", TRUE },
  { DCM_TAG_COMMAND_MAGNIFICATION_TYPE, "Command Magnification Type", "CommandMagnificationType", DCM_VR_CS, "1", TRUE },
  { DCM_TAG_ERASE, "Erase", "Erase", DCM_VR_CS, "1", TRUE },
  { DCM_TAG_PRINT, "Print", "Print", DCM_VR_CS, "1", TRUE },
  { DCM_TAG_OVERLAYS, "Overlays", "Overlays", DCM_VR_US, "1-n", TRUE },
};

/* Shorthands so that each row below reads like a row of the standard. */
#define M DIMSE_USAGE_M
#define U DIMSE_USAGE_U
#define C DIMSE_USAGE_C
#define NONE DIMSE_USAGE_NONE
#define GROUP_LENGTH DCM_TAG_COMMAND_GROUP_LENGTH
#define AFFECTED_CLASS DCM_TAG_AFFECTED_SOP_CLASS_UID
#define REQUESTED_CLASS DCM_TAG_REQUESTED_SOP_CLASS_UID
#define FIELD DCM_TAG_COMMAND_FIELD
#define MSG_ID DCM_TAG_MESSAGE_ID
#define RESPONDED_TO DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO
#define DATA_SET_TYPE DCM_TAG_COMMAND_DATA_SET_TYPE
#define AFFECTED_INSTANCE DCM_TAG_AFFECTED_SOP_INSTANCE_UID
#define REQUESTED_INSTANCE DCM_TAG_REQUESTED_SOP_INSTANCE_UID

static const DimseMessageRule message_rules[] = {
  { DIMSE_C_STORE_RQ,         "PS3.7 Table 9.3-1",  M },
  { DIMSE_C_STORE_RSP,        "PS3.7 Table 9.3-2",  NONE },
  { DIMSE_C_FIND_RQ,          "PS3.7 Table 9.3-3",  M },
  { DIMSE_C_FIND_RSP,         "PS3.7 Table 9.3-4",  C },
  { DIMSE_C_CANCEL_RQ,        "PS3.7 Table 9.3-5",  NONE },
  { DIMSE_C_GET_RQ,           "PS3.7 Table 9.3-6",  M },
  { DIMSE_C_GET_RSP,          "PS3.7 Table 9.3-7",  U },
  { DIMSE_C_MOVE_RQ,          "PS3.7 Table 9.3-9",  M },
  { DIMSE_C_MOVE_RSP,         "PS3.7 Table 9.3-10", U },
  { DIMSE_C_ECHO_RQ,          "PS3.7 Table 9.3-12", NONE },
  { DIMSE_C_ECHO_RSP,         "PS3.7 Table 9.3-13", NONE },
  { DIMSE_N_EVENT_REPORT_RQ,  "PS3.7 Table 10.3-1", U },
  { DIMSE_N_EVENT_REPORT_RSP, "PS3.7 Table 10.3-2", U },
  { DIMSE_N_GET_RQ,           "PS3.7 Table 10.3-3", NONE },
  { DIMSE_N_GET_RSP,          "PS3.7 Table 10.3-4", C },
  { DIMSE_N_SET_RQ,           "PS3.7 Table 10.3-5", M },
  { DIMSE_N_SET_RSP,          "PS3.7 Table 10.3-6", U },
  { DIMSE_N_ACTION_RQ,        "PS3.7 Table 10.3-7", U },
  { DIMSE_N_ACTION_RSP,       "PS3.7 Table 10.3-8", U },
  { DIMSE_N_CREATE_RQ,        "PS3.7 Table 10.3-9", U },
  { DIMSE_N_CREATE_RSP,       "PS3.7 Table 10.3-10", U },
  { DIMSE_N_DELETE_RQ,        "PS3.7 Table 10.3-11", NONE },
  { DIMSE_N_DELETE_RSP,       "PS3.7 Table 10.3-12", NONE },
};

/* The command fields of each table above, row by row. The C-CANCEL tables
 * 9.3-5, 9.3-8 and 9.3-11 are identical and share the one command field. */
static const DimseFieldRule field_rules[] = {
  /* Table 9.3-1 C-STORE-RQ */
  { DIMSE_C_STORE_RQ, GROUP_LENGTH, M },
  { DIMSE_C_STORE_RQ, AFFECTED_CLASS, M },
  { DIMSE_C_STORE_RQ, FIELD, M },
  { DIMSE_C_STORE_RQ, MSG_ID, M },
  { DIMSE_C_STORE_RQ, DCM_TAG_PRIORITY, M },
  { DIMSE_C_STORE_RQ, DATA_SET_TYPE, M },
  { DIMSE_C_STORE_RQ, AFFECTED_INSTANCE, M },
  { DIMSE_C_STORE_RQ, DCM_TAG_MOVE_ORIGINATOR_APPLICATION_ENTITY_TITLE, U },
  { DIMSE_C_STORE_RQ, DCM_TAG_MOVE_ORIGINATOR_MESSAGE_ID, U },
  /* Table 9.3-2 C-STORE-RSP */
  { DIMSE_C_STORE_RSP, GROUP_LENGTH, M },
  { DIMSE_C_STORE_RSP, AFFECTED_CLASS, U },
  { DIMSE_C_STORE_RSP, FIELD, M },
  { DIMSE_C_STORE_RSP, RESPONDED_TO, M },
  { DIMSE_C_STORE_RSP, DATA_SET_TYPE, M },
  { DIMSE_C_STORE_RSP, DCM_TAG_STATUS, M },
  { DIMSE_C_STORE_RSP, AFFECTED_INSTANCE, U },
  /* Table 9.3-3 C-FIND-RQ */
  { DIMSE_C_FIND_RQ, GROUP_LENGTH, M },
  { DIMSE_C_FIND_RQ, AFFECTED_CLASS, M },
  { DIMSE_C_FIND_RQ, FIELD, M },
  { DIMSE_C_FIND_RQ, MSG_ID, M },
  { DIMSE_C_FIND_RQ, DCM_TAG_PRIORITY, M },
  { DIMSE_C_FIND_RQ, DATA_SET_TYPE, M },
  /* Table 9.3-4 C-FIND-RSP */
  { DIMSE_C_FIND_RSP, GROUP_LENGTH, M },
  { DIMSE_C_FIND_RSP, AFFECTED_CLASS, U },
  { DIMSE_C_FIND_RSP, FIELD, M },
  { DIMSE_C_FIND_RSP, RESPONDED_TO, M },
  { DIMSE_C_FIND_RSP, DATA_SET_TYPE, M },
  { DIMSE_C_FIND_RSP, DCM_TAG_STATUS, M },
  /* Tables 9.3-5, 9.3-8, 9.3-11 C-CANCEL-FIND-RQ, C-CANCEL-GET-RQ, C-CANCEL-MOVE-RQ */
  { DIMSE_C_CANCEL_RQ, GROUP_LENGTH, M },
  { DIMSE_C_CANCEL_RQ, FIELD, M },
  { DIMSE_C_CANCEL_RQ, RESPONDED_TO, M },
  { DIMSE_C_CANCEL_RQ, DATA_SET_TYPE, M },
  /* Table 9.3-6 C-GET-RQ */
  { DIMSE_C_GET_RQ, GROUP_LENGTH, M },
  { DIMSE_C_GET_RQ, AFFECTED_CLASS, M },
  { DIMSE_C_GET_RQ, FIELD, M },
  { DIMSE_C_GET_RQ, MSG_ID, M },
  { DIMSE_C_GET_RQ, DCM_TAG_PRIORITY, M },
  { DIMSE_C_GET_RQ, DATA_SET_TYPE, M },
  /* Table 9.3-7 C-GET-RSP */
  { DIMSE_C_GET_RSP, GROUP_LENGTH, M },
  { DIMSE_C_GET_RSP, AFFECTED_CLASS, U },
  { DIMSE_C_GET_RSP, FIELD, M },
  { DIMSE_C_GET_RSP, RESPONDED_TO, M },
  { DIMSE_C_GET_RSP, DATA_SET_TYPE, M },
  { DIMSE_C_GET_RSP, DCM_TAG_STATUS, M },
  { DIMSE_C_GET_RSP, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, C },
  { DIMSE_C_GET_RSP, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, C },
  { DIMSE_C_GET_RSP, DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, C },
  { DIMSE_C_GET_RSP, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, C },
  /* Table 9.3-9 C-MOVE-RQ */
  { DIMSE_C_MOVE_RQ, GROUP_LENGTH, M },
  { DIMSE_C_MOVE_RQ, AFFECTED_CLASS, M },
  { DIMSE_C_MOVE_RQ, FIELD, M },
  { DIMSE_C_MOVE_RQ, MSG_ID, M },
  { DIMSE_C_MOVE_RQ, DCM_TAG_PRIORITY, M },
  { DIMSE_C_MOVE_RQ, DATA_SET_TYPE, M },
  { DIMSE_C_MOVE_RQ, DCM_TAG_MOVE_DESTINATION, M },
  /* Table 9.3-10 C-MOVE-RSP */
  { DIMSE_C_MOVE_RSP, GROUP_LENGTH, M },
  { DIMSE_C_MOVE_RSP, AFFECTED_CLASS, U },
  { DIMSE_C_MOVE_RSP, FIELD, M },
  { DIMSE_C_MOVE_RSP, RESPONDED_TO, M },
  { DIMSE_C_MOVE_RSP, DATA_SET_TYPE, M },
  { DIMSE_C_MOVE_RSP, DCM_TAG_STATUS, M },
  { DIMSE_C_MOVE_RSP, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, C },
  { DIMSE_C_MOVE_RSP, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, C },
  { DIMSE_C_MOVE_RSP, DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, C },
  { DIMSE_C_MOVE_RSP, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, C },
  /* Table 9.3-12 C-ECHO-RQ */
  { DIMSE_C_ECHO_RQ, GROUP_LENGTH, M },
  { DIMSE_C_ECHO_RQ, AFFECTED_CLASS, M },
  { DIMSE_C_ECHO_RQ, FIELD, M },
  { DIMSE_C_ECHO_RQ, MSG_ID, M },
  { DIMSE_C_ECHO_RQ, DATA_SET_TYPE, M },
  /* Table 9.3-13 C-ECHO-RSP */
  { DIMSE_C_ECHO_RSP, GROUP_LENGTH, M },
  { DIMSE_C_ECHO_RSP, AFFECTED_CLASS, U },
  { DIMSE_C_ECHO_RSP, FIELD, M },
  { DIMSE_C_ECHO_RSP, RESPONDED_TO, M },
  { DIMSE_C_ECHO_RSP, DATA_SET_TYPE, M },
  { DIMSE_C_ECHO_RSP, DCM_TAG_STATUS, M },
  /* Table 10.3-1 N-EVENT-REPORT-RQ */
  { DIMSE_N_EVENT_REPORT_RQ, GROUP_LENGTH, M },
  { DIMSE_N_EVENT_REPORT_RQ, AFFECTED_CLASS, M },
  { DIMSE_N_EVENT_REPORT_RQ, FIELD, M },
  { DIMSE_N_EVENT_REPORT_RQ, MSG_ID, M },
  { DIMSE_N_EVENT_REPORT_RQ, DATA_SET_TYPE, M },
  { DIMSE_N_EVENT_REPORT_RQ, AFFECTED_INSTANCE, M },
  { DIMSE_N_EVENT_REPORT_RQ, DCM_TAG_EVENT_TYPE_ID, M },
  /* Table 10.3-2 N-EVENT-REPORT-RSP */
  { DIMSE_N_EVENT_REPORT_RSP, GROUP_LENGTH, M },
  { DIMSE_N_EVENT_REPORT_RSP, AFFECTED_CLASS, U },
  { DIMSE_N_EVENT_REPORT_RSP, FIELD, M },
  { DIMSE_N_EVENT_REPORT_RSP, RESPONDED_TO, M },
  { DIMSE_N_EVENT_REPORT_RSP, DATA_SET_TYPE, M },
  { DIMSE_N_EVENT_REPORT_RSP, DCM_TAG_STATUS, M },
  { DIMSE_N_EVENT_REPORT_RSP, AFFECTED_INSTANCE, U },
  { DIMSE_N_EVENT_REPORT_RSP, DCM_TAG_EVENT_TYPE_ID, C },
  /* Table 10.3-3 N-GET-RQ */
  { DIMSE_N_GET_RQ, GROUP_LENGTH, M },
  { DIMSE_N_GET_RQ, REQUESTED_CLASS, M },
  { DIMSE_N_GET_RQ, FIELD, M },
  { DIMSE_N_GET_RQ, MSG_ID, M },
  { DIMSE_N_GET_RQ, DATA_SET_TYPE, M },
  { DIMSE_N_GET_RQ, REQUESTED_INSTANCE, M },
  { DIMSE_N_GET_RQ, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST, U },
  /* Table 10.3-4 N-GET-RSP */
  { DIMSE_N_GET_RSP, GROUP_LENGTH, M },
  { DIMSE_N_GET_RSP, AFFECTED_CLASS, U },
  { DIMSE_N_GET_RSP, FIELD, M },
  { DIMSE_N_GET_RSP, RESPONDED_TO, M },
  { DIMSE_N_GET_RSP, DATA_SET_TYPE, M },
  { DIMSE_N_GET_RSP, DCM_TAG_STATUS, M },
  { DIMSE_N_GET_RSP, AFFECTED_INSTANCE, U },
  /* Table 10.3-5 N-SET-RQ */
  { DIMSE_N_SET_RQ, GROUP_LENGTH, M },
  { DIMSE_N_SET_RQ, REQUESTED_CLASS, M },
  { DIMSE_N_SET_RQ, FIELD, M },
  { DIMSE_N_SET_RQ, MSG_ID, M },
  { DIMSE_N_SET_RQ, DATA_SET_TYPE, M },
  { DIMSE_N_SET_RQ, REQUESTED_INSTANCE, M },
  /* Table 10.3-6 N-SET-RSP */
  { DIMSE_N_SET_RSP, GROUP_LENGTH, M },
  { DIMSE_N_SET_RSP, AFFECTED_CLASS, U },
  { DIMSE_N_SET_RSP, FIELD, M },
  { DIMSE_N_SET_RSP, RESPONDED_TO, M },
  { DIMSE_N_SET_RSP, DATA_SET_TYPE, M },
  { DIMSE_N_SET_RSP, DCM_TAG_STATUS, M },
  { DIMSE_N_SET_RSP, AFFECTED_INSTANCE, U },
  /* Table 10.3-7 N-ACTION-RQ */
  { DIMSE_N_ACTION_RQ, GROUP_LENGTH, M },
  { DIMSE_N_ACTION_RQ, REQUESTED_CLASS, M },
  { DIMSE_N_ACTION_RQ, FIELD, M },
  { DIMSE_N_ACTION_RQ, MSG_ID, M },
  { DIMSE_N_ACTION_RQ, DATA_SET_TYPE, M },
  { DIMSE_N_ACTION_RQ, REQUESTED_INSTANCE, M },
  { DIMSE_N_ACTION_RQ, DCM_TAG_ACTION_TYPE_ID, M },
  /* Table 10.3-8 N-ACTION-RSP */
  { DIMSE_N_ACTION_RSP, GROUP_LENGTH, M },
  { DIMSE_N_ACTION_RSP, AFFECTED_CLASS, U },
  { DIMSE_N_ACTION_RSP, FIELD, M },
  { DIMSE_N_ACTION_RSP, RESPONDED_TO, M },
  { DIMSE_N_ACTION_RSP, DATA_SET_TYPE, M },
  { DIMSE_N_ACTION_RSP, DCM_TAG_STATUS, M },
  { DIMSE_N_ACTION_RSP, AFFECTED_INSTANCE, U },
  { DIMSE_N_ACTION_RSP, DCM_TAG_ACTION_TYPE_ID, C },
  /* Table 10.3-9 N-CREATE-RQ */
  { DIMSE_N_CREATE_RQ, GROUP_LENGTH, M },
  { DIMSE_N_CREATE_RQ, AFFECTED_CLASS, M },
  { DIMSE_N_CREATE_RQ, FIELD, M },
  { DIMSE_N_CREATE_RQ, MSG_ID, M },
  { DIMSE_N_CREATE_RQ, DATA_SET_TYPE, M },
  { DIMSE_N_CREATE_RQ, AFFECTED_INSTANCE, U },
  /* Table 10.3-10 N-CREATE-RSP */
  { DIMSE_N_CREATE_RSP, GROUP_LENGTH, M },
  { DIMSE_N_CREATE_RSP, AFFECTED_CLASS, U },
  { DIMSE_N_CREATE_RSP, FIELD, M },
  { DIMSE_N_CREATE_RSP, RESPONDED_TO, M },
  { DIMSE_N_CREATE_RSP, DATA_SET_TYPE, M },
  { DIMSE_N_CREATE_RSP, DCM_TAG_STATUS, M },
  { DIMSE_N_CREATE_RSP, AFFECTED_INSTANCE, C },
  /* Table 10.3-11 N-DELETE-RQ */
  { DIMSE_N_DELETE_RQ, GROUP_LENGTH, M },
  { DIMSE_N_DELETE_RQ, REQUESTED_CLASS, M },
  { DIMSE_N_DELETE_RQ, FIELD, M },
  { DIMSE_N_DELETE_RQ, MSG_ID, M },
  { DIMSE_N_DELETE_RQ, DATA_SET_TYPE, M },
  { DIMSE_N_DELETE_RQ, REQUESTED_INSTANCE, M },
  /* Table 10.3-12 N-DELETE-RSP */
  { DIMSE_N_DELETE_RSP, GROUP_LENGTH, M },
  { DIMSE_N_DELETE_RSP, AFFECTED_CLASS, U },
  { DIMSE_N_DELETE_RSP, FIELD, M },
  { DIMSE_N_DELETE_RSP, RESPONDED_TO, M },
  { DIMSE_N_DELETE_RSP, DATA_SET_TYPE, M },
  { DIMSE_N_DELETE_RSP, DCM_TAG_STATUS, M },
  { DIMSE_N_DELETE_RSP, AFFECTED_INSTANCE, U },
};

#undef M
#undef U
#undef C
#undef NONE

/* ---- command field values ---- */

const char *
dimse_command_field_name (DimseCommandField field)
{
  for (guint i = 0; i < G_N_ELEMENTS (command_names); i++)
    if (command_names[i].field == field)
      return command_names[i].name;
  return NULL;
}

gboolean
dimse_command_field_is_known (DimseCommandField field)
{
  return dimse_command_field_name (field) != NULL;
}

gboolean
dimse_command_field_is_response (DimseCommandField field)
{
  return (field & DIMSE_COMMAND_RESPONSE_BIT) != 0;
}

DimseCommandField
dimse_command_field_request (DimseCommandField field)
{
  return (DimseCommandField) (field & ~DIMSE_COMMAND_RESPONSE_BIT);
}

DimseCommandField
dimse_command_field_response (DimseCommandField field)
{
  if (field == DIMSE_C_CANCEL_RQ || field == DIMSE_COMMAND_NONE)
    return DIMSE_COMMAND_NONE;
  return (DimseCommandField) (field | DIMSE_COMMAND_RESPONSE_BIT);
}

const char *
dimse_priority_name (guint16 priority)
{
  switch (priority)
    {
    case DIMSE_PRIORITY_MEDIUM:
      return "MEDIUM";
    case DIMSE_PRIORITY_HIGH:
      return "HIGH";
    case DIMSE_PRIORITY_LOW:
      return "LOW";
    default:
      return NULL;
    }
}

/* ---- the dictionary ---- */

const DimseCommandElement *
dimse_command_element_lookup (guint32 tag)
{
  for (guint i = 0; i < G_N_ELEMENTS (command_elements); i++)
    if (command_elements[i].tag == tag)
      return &command_elements[i];
  return NULL;
}

guint
dimse_command_n_elements (void)
{
  return G_N_ELEMENTS (command_elements);
}

const DimseCommandElement *
dimse_command_nth_element (guint i)
{
  g_return_val_if_fail (i < G_N_ELEMENTS (command_elements), NULL);
  return &command_elements[i];
}

char *
dimse_command_describe_tag (guint32 tag)
{
  const DimseCommandElement *entry = dimse_command_element_lookup (tag);

  if (entry != NULL)
    return g_strdup_printf ("%s (%04X,%04X)", entry->name,
                            DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag));
  return dcm_describe_tag (tag);
}

/* Values whose numbers mean something get their meaning beside them. */
static char *
describe_us_value (guint32 tag, guint16 v)
{
  const char *name = NULL;

  switch (tag)
    {
    case DCM_TAG_COMMAND_FIELD:
      name = dimse_command_field_name ((DimseCommandField) v);
      break;
    case DCM_TAG_PRIORITY:
      name = dimse_priority_name (v);
      break;
    case DCM_TAG_COMMAND_DATA_SET_TYPE:
      name = v == DIMSE_DATA_SET_ABSENT ? "no data set" : "a data set follows";
      break;
    case DCM_TAG_STATUS:
      name = dimse_status_meaning (v, DIMSE_COMMAND_NONE);
      break;
    case DCM_TAG_ERROR_ID:
      return g_strdup_printf ("0x%04X", v);
    default:
      return g_strdup_printf ("%u", v);
    }
  return g_strdup_printf ("0x%04X %s", v, name != NULL ? name : "(unknown)");
}

static char *
describe_value (DcmDataSet *command, const DcmElement *el)
{
  gint64 v;

  if (el->kind == DCM_VALUE_EMPTY)
    return g_strdup ("(empty)");
  if (el->vr == DCM_VR_US && dcm_data_set_get_vm (command, el->tag) == 1
      && dcm_data_set_get_int64 (command, el->tag, 0, &v, NULL))
    return describe_us_value (el->tag, (guint16) v);
  if (el->kind == DCM_VALUE_BYTES)
    {
      g_autoptr(GError) error = NULL;
      char *text = dcm_data_set_get_value_string (command, el->tag, &error);

      if (text != NULL)
        return text;
      return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes that do not read as %s)",
                              g_bytes_get_size (el->value.bytes), dcm_vr_name (el->vr));
    }
  return g_strdup ("(not a plain value)");
}

char *
dimse_command_describe (DcmDataSet *command)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < dcm_data_set_n_elements (command); i++)
    {
      const DcmElement *el = dcm_data_set_nth (command, i);
      const DimseCommandElement *entry = dimse_command_element_lookup (el->tag);
      g_autofree char *tag = dimse_command_describe_tag (el->tag);
      g_autofree char *value = describe_value (command, el);

      g_string_append_printf (out, "%s: %s%s\n", tag, value,
                              entry != NULL && entry->retired ? " (retired)" : "");
    }
  return g_string_free (out, FALSE);
}

/* ---- the message tables ---- */

guint
dimse_field_rules_n (void)
{
  return G_N_ELEMENTS (field_rules);
}

const DimseFieldRule *
dimse_field_rules_nth (guint i)
{
  g_return_val_if_fail (i < G_N_ELEMENTS (field_rules), NULL);
  return &field_rules[i];
}

const DimseMessageRule *
dimse_message_rule_lookup (DimseCommandField command)
{
  for (guint i = 0; i < G_N_ELEMENTS (message_rules); i++)
    if (message_rules[i].command == command)
      return &message_rules[i];
  return NULL;
}
