/* test-status.c — the status registry of PS3.7 Annex C */
#include <string.h>

#include "dcm-data-set.h"
#include "dimse-status.h"

typedef struct {
  guint16           status;
  DimseCommandField service;
  DimseStatusClass  status_class;
  const char       *meaning;
} Expected;

/* Written from PS3.7 Annex C and PS3.4 Tables B.2-1, C.4-1, C.4-2, C.4-3,
 * independently of the registry, so that a row that drifts shows. */
static const Expected expected[] = {
  { 0x0000, DIMSE_COMMAND_NONE, DIMSE_STATUS_SUCCESS, "Success" },
  { 0xFF00, DIMSE_COMMAND_NONE, DIMSE_STATUS_PENDING, "Pending" },
  { 0xFF01, DIMSE_COMMAND_NONE, DIMSE_STATUS_PENDING, "Pending: Optional Keys Not Supported" },
  { 0xFE00, DIMSE_COMMAND_NONE, DIMSE_STATUS_CANCEL, "Cancel" },
  { 0x0001, DIMSE_COMMAND_NONE, DIMSE_STATUS_WARNING, "Warning: Requested Optional Attributes Are Not Supported" },
  { 0x0107, DIMSE_N_SET_RSP, DIMSE_STATUS_WARNING, "Warning: Attribute List Error" },
  { 0x0116, DIMSE_N_CREATE_RSP, DIMSE_STATUS_WARNING, "Warning: Attribute Value Out of Range" },
  { 0x0105, DIMSE_N_GET_RSP, DIMSE_STATUS_FAILURE, "No Such Attribute" },
  { 0x0106, DIMSE_N_SET_RSP, DIMSE_STATUS_FAILURE, "Invalid Attribute Value" },
  { 0x0110, DIMSE_N_ACTION_RSP, DIMSE_STATUS_FAILURE, "Processing Failure" },
  { 0x0111, DIMSE_N_CREATE_RSP, DIMSE_STATUS_FAILURE, "Duplicate SOP Instance" },
  { 0x0112, DIMSE_N_DELETE_RSP, DIMSE_STATUS_FAILURE, "No Such SOP Instance" },
  { 0x0113, DIMSE_N_EVENT_REPORT_RSP, DIMSE_STATUS_FAILURE, "No Such Event Type" },
  { 0x0114, DIMSE_N_ACTION_RSP, DIMSE_STATUS_FAILURE, "No Such Argument" },
  { 0x0115, DIMSE_N_ACTION_RSP, DIMSE_STATUS_FAILURE, "Invalid Argument Value" },
  { 0x0117, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Invalid Object Instance" },
  { 0x0118, DIMSE_N_GET_RSP, DIMSE_STATUS_FAILURE, "No Such SOP Class" },
  { 0x0119, DIMSE_N_SET_RSP, DIMSE_STATUS_FAILURE, "Class-Instance Conflict" },
  { 0x0120, DIMSE_N_CREATE_RSP, DIMSE_STATUS_FAILURE, "Missing Attribute" },
  { 0x0121, DIMSE_N_CREATE_RSP, DIMSE_STATUS_FAILURE, "Missing Attribute Value" },
  { 0x0122, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Refused: SOP Class Not Supported" },
  { 0x0123, DIMSE_N_ACTION_RSP, DIMSE_STATUS_FAILURE, "No Such Action Type" },
  { 0x0124, DIMSE_C_FIND_RSP, DIMSE_STATUS_FAILURE, "Refused: Not Authorized" },
  { 0x0210, DIMSE_N_GET_RSP, DIMSE_STATUS_FAILURE, "Duplicate Invocation" },
  { 0x0211, DIMSE_N_GET_RSP, DIMSE_STATUS_FAILURE, "Unrecognized Operation" },
  { 0x0212, DIMSE_N_GET_RSP, DIMSE_STATUS_FAILURE, "Mistyped Argument" },
  { 0x0213, DIMSE_N_GET_RSP, DIMSE_STATUS_FAILURE, "Resource Limitation" },
  /* C-STORE */
  { 0xA700, DIMSE_C_STORE_RQ, DIMSE_STATUS_FAILURE, "Refused: Out of Resources" },
  { 0xA7FF, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Refused: Out of Resources" },
  { 0xA900, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Error: Data Set Does Not Match SOP Class" },
  { 0xA9AB, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Error: Data Set Does Not Match SOP Class" },
  { 0xC000, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Error: Cannot Understand" },
  { 0xCFFF, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Error: Cannot Understand" },
  { 0xB000, DIMSE_C_STORE_RSP, DIMSE_STATUS_WARNING, "Warning: Coercion of Data Elements" },
  { 0xB006, DIMSE_C_STORE_RSP, DIMSE_STATUS_WARNING, "Warning: Elements Discarded" },
  { 0xB007, DIMSE_C_STORE_RSP, DIMSE_STATUS_WARNING, "Warning: Data Set Does Not Match SOP Class" },
  /* C-FIND */
  { 0xA700, DIMSE_C_FIND_RSP, DIMSE_STATUS_FAILURE, "Refused: Out of Resources" },
  { 0xA900, DIMSE_C_FIND_RSP, DIMSE_STATUS_FAILURE, "Error: Data Set Does Not Match SOP Class" },
  { 0xC001, DIMSE_C_FIND_RSP, DIMSE_STATUS_FAILURE, "Failed: Unable to Process" },
  { 0xFE00, DIMSE_C_FIND_RSP, DIMSE_STATUS_CANCEL, "Cancel: Matching Terminated Due to Cancel Request" },
  { 0xFF00, DIMSE_C_FIND_RSP, DIMSE_STATUS_PENDING, "Pending: Matches Are Continuing" },
  /* C-MOVE */
  { 0xA701, DIMSE_C_MOVE_RSP, DIMSE_STATUS_FAILURE, "Refused: Out of Resources – Unable to calculate number of matches" },
  { 0xA702, DIMSE_C_MOVE_RSP, DIMSE_STATUS_FAILURE, "Refused: Out of Resources – Unable to perform sub-operations" },
  { 0xA801, DIMSE_C_MOVE_RSP, DIMSE_STATUS_FAILURE, "Refused: Move Destination unknown" },
  { 0xB000, DIMSE_C_MOVE_RSP, DIMSE_STATUS_WARNING, "Warning: Sub-operations Complete – One or more Failures" },
  { 0x0000, DIMSE_C_MOVE_RSP, DIMSE_STATUS_SUCCESS, "Success: Sub-operations Complete – No Failures" },
  { 0xFE00, DIMSE_C_MOVE_RSP, DIMSE_STATUS_CANCEL, "Cancel: Sub-operations terminated due to Cancel Indication" },
  /* C-GET */
  { 0xA702, DIMSE_C_GET_RQ, DIMSE_STATUS_FAILURE, "Refused: Out of Resources – Unable to perform sub-operations" },
  { 0xB000, DIMSE_C_GET_RSP, DIMSE_STATUS_WARNING, "Warning: Sub-operations Complete – One or more Failures or Warnings" },
  /* A C-MOVE code means nothing special to C-STORE: the general range answers. */
  { 0xA801, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Failure" },
  { 0xA701, DIMSE_C_STORE_RSP, DIMSE_STATUS_FAILURE, "Refused: Out of Resources" },
  /* General ranges for a service that gives them no meaning of its own. */
  { 0xA750, DIMSE_N_SET_RSP, DIMSE_STATUS_FAILURE, "Refused: Out of Resources" },
  { 0xC123, DIMSE_COMMAND_NONE, DIMSE_STATUS_FAILURE, "Error: Cannot Understand" },
  { 0xB123, DIMSE_C_ECHO_RSP, DIMSE_STATUS_WARNING, "Warning" },
  { 0xAB00, DIMSE_COMMAND_NONE, DIMSE_STATUS_FAILURE, "Failure" },
  { 0x0108, DIMSE_COMMAND_NONE, DIMSE_STATUS_FAILURE, "Failure" },
  { 0x02FF, DIMSE_COMMAND_NONE, DIMSE_STATUS_FAILURE, "Failure" },
};

static void
test_expected_meanings (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const Expected *e = &expected[i];

      g_test_message ("status 0x%04X for 0x%04X", e->status, e->service);
      g_assert_cmpint (dimse_status_class (e->status), ==, e->status_class);
      g_assert_cmpstr (dimse_status_meaning (e->status, e->service), ==, e->meaning);
    }
}

/* Every row is what a lookup of its codes finds, and its class is the one
 * the Annex C convention gives its codes. */
static void
test_registry_rows (void)
{
  g_assert_cmpuint (dimse_status_n_entries (), >, 60);
  for (guint i = 0; i < dimse_status_n_entries (); i++)
    {
      const DimseStatusEntry *row = dimse_status_nth_entry (i);

      g_test_message ("row %u: 0x%04X-0x%04X %s", i, row->first, row->last, row->meaning);
      g_assert_cmpuint (row->first, <=, row->last);
      g_assert_nonnull (row->meaning);
      g_assert_cmpint (dimse_status_class (row->first), ==, row->status_class);
      g_assert_cmpint (dimse_status_class (row->last), ==, row->status_class);
      g_assert_true (dimse_status_lookup (row->first, row->service) == row);
      if (row->service != DIMSE_COMMAND_NONE)
        {
          DimseCommandField rsp = dimse_command_field_response (row->service);
          g_assert_true (dimse_status_lookup (row->first, rsp) == row);
          g_assert_cmpstr (dimse_status_meaning (row->first, rsp), ==, row->meaning);
        }
    }
}

static void
test_class_convention (void)
{
  g_assert_cmpint (dimse_status_class (0x0000), ==, DIMSE_STATUS_SUCCESS);
  g_assert_cmpint (dimse_status_class (0x0001), ==, DIMSE_STATUS_WARNING);
  g_assert_cmpint (dimse_status_class (0xB000), ==, DIMSE_STATUS_WARNING);
  g_assert_cmpint (dimse_status_class (0xBFFF), ==, DIMSE_STATUS_WARNING);
  g_assert_cmpint (dimse_status_class (0x0107), ==, DIMSE_STATUS_WARNING);
  g_assert_cmpint (dimse_status_class (0x0116), ==, DIMSE_STATUS_WARNING);
  g_assert_cmpint (dimse_status_class (0x0106), ==, DIMSE_STATUS_FAILURE);
  g_assert_cmpint (dimse_status_class (0x0117), ==, DIMSE_STATUS_FAILURE);
  g_assert_cmpint (dimse_status_class (0x01FF), ==, DIMSE_STATUS_FAILURE);
  g_assert_cmpint (dimse_status_class (0x0200), ==, DIMSE_STATUS_FAILURE);
  g_assert_cmpint (dimse_status_class (0xA000), ==, DIMSE_STATUS_FAILURE);
  g_assert_cmpint (dimse_status_class (0xAFFF), ==, DIMSE_STATUS_FAILURE);
  g_assert_cmpint (dimse_status_class (0xC000), ==, DIMSE_STATUS_FAILURE);
  g_assert_cmpint (dimse_status_class (0xFE00), ==, DIMSE_STATUS_CANCEL);
  g_assert_cmpint (dimse_status_class (0xFF00), ==, DIMSE_STATUS_PENDING);
  g_assert_cmpint (dimse_status_class (0xFF01), ==, DIMSE_STATUS_PENDING);
}

/* Codes outside the convention are no success, warning or pending. */
static void
test_unknown_codes (void)
{
  static const guint16 outside[] = { 0x0002, 0x00FF, 0x0300, 0x1000, 0x9FFF, 0xD000, 0xFE01, 0xFF02, 0xFFFF };

  for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
    {
      g_assert_cmpint (dimse_status_class (outside[i]), ==, DIMSE_STATUS_FAILURE);
      g_assert_null (dimse_status_lookup (outside[i], DIMSE_C_STORE_RSP));
      g_assert_cmpstr (dimse_status_meaning (outside[i], DIMSE_C_STORE_RSP), ==, "Failure");
    }
  g_assert_cmpstr (dimse_status_class_name (DIMSE_STATUS_PENDING), ==, "Pending");
}

static void
set_us (DcmDataSet *cmd, guint32 tag, gint64 value)
{
  g_assert_true (dcm_data_set_set_int64 (cmd, tag, DCM_VR_US, value, NULL));
}

static void
set_text (DcmDataSet *cmd, guint32 tag, DcmVR vr, const char *value)
{
  g_assert_true (dcm_data_set_set_string (cmd, tag, vr, value, NULL));
}

static void
assert_describes (guint16 status, DimseCommandField service, DcmDataSet *cmd,
                  const char *expected)
{
  g_autofree char *text = dimse_status_describe (status, service, cmd);

  g_assert_cmpstr (text, ==, expected);
}

static DcmDataSet *
command_with (guint16 status)
{
  DcmDataSet *ds = dcm_data_set_new ();

  set_us (ds, DCM_TAG_STATUS, status);
  return ds;
}

static void
test_describe_offending (void)
{
  g_autoptr(DcmDataSet) cmd = command_with (0xA900);

  set_text (cmd, DCM_TAG_OFFENDING_ELEMENT, DCM_VR_AT, "(0010,0010)\\(0010,0020)");
  set_text (cmd, DCM_TAG_ERROR_COMMENT, DCM_VR_LO, "Patient ID missing");
  assert_describes (0xA900, DIMSE_C_STORE_RSP, cmd,
                    "0xA900 Error: Data Set Does Not Match SOP Class — "
                    "Offending Element (0010,0010), (0010,0020); "
                    "Error Comment: Patient ID missing");
}

static void
test_describe_sub_operations (void)
{
  g_autoptr(DcmDataSet) cmd = command_with (0xFF00);

  set_us (cmd, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, 3);
  set_us (cmd, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, 2);
  set_us (cmd, DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, 1);
  set_us (cmd, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, 0);
  assert_describes (0xFF00, DIMSE_C_MOVE_RSP, cmd,
                    "0xFF00 Pending: Sub-operations are continuing — "
                    "Sub-operations: 3 remaining, 2 completed, 1 failed, 0 warning");
}

static void
test_describe_attribute_list (void)
{
  g_autoptr(DcmDataSet) cmd = command_with (0x0107);

  set_text (cmd, DCM_TAG_AFFECTED_SOP_CLASS_UID, DCM_VR_UI, "1.2.840.10008.3.1.2.3.3");
  set_text (cmd, DCM_TAG_ATTRIBUTE_IDENTIFIER_LIST, DCM_VR_AT, "(0040,0254)");
  /* Unrelated to 0107: not shown. */
  set_text (cmd, DCM_TAG_OFFENDING_ELEMENT, DCM_VR_AT, "(0010,0010)");
  assert_describes (0x0107, DIMSE_N_SET_RSP, cmd,
                    "0x0107 Warning: Attribute List Error — "
                    "Attribute Identifier List (0040,0254); "
                    "Affected SOP Class UID: 1.2.840.10008.3.1.2.3.3");
}

static void
test_describe_error_id (void)
{
  g_autoptr(DcmDataSet) cmd = command_with (0x0110);

  set_text (cmd, DCM_TAG_ERROR_COMMENT, DCM_VR_LO,
            "Performed Procedure Step Object may no longer be updated");
  set_us (cmd, DCM_TAG_ERROR_ID, 0xA710);
  assert_describes (0x0110, DIMSE_N_SET_RSP, cmd,
                    "0x0110 Processing Failure — Error Comment: Performed Procedure "
                    "Step Object may no longer be updated; Error ID: 0xA710");
  assert_describes (0xC005, DIMSE_C_FIND_RSP, NULL, "0xC005 Failed: Unable to Process");
}

static void
test_set_error (void)
{
  g_autoptr(DcmDataSet) cmd = command_with (0xA801);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) plain = NULL;

  set_text (cmd, DCM_TAG_ERROR_COMMENT, DCM_VR_LO, "no such AE");
  dimse_status_set_error (&error, 0xA801, DIMSE_C_MOVE_RQ, cmd);
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA801);
  g_assert_cmpstr (error->message, ==, "The C-MOVE-RSP carries status 0xA801 Refused: Move "
                   "Destination unknown — Error Comment: no such AE.");
  dimse_status_set_error (&plain, 0x0122, DIMSE_COMMAND_NONE, NULL);
  g_assert_error (plain, DIMSE_STATUS_ERROR, 0x0122);
  g_assert_cmpstr (plain->message, ==, "The peer answered with status 0x0122 Refused: SOP "
                   "Class Not Supported.");
  dimse_status_set_error (NULL, 0x0110, DIMSE_C_STORE_RSP, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/status/registry/expected-meanings", test_expected_meanings);
  g_test_add_func ("/status/registry/rows", test_registry_rows);
  g_test_add_func ("/status/class/convention", test_class_convention);
  g_test_add_func ("/status/class/unknown-codes", test_unknown_codes);
  g_test_add_func ("/status/describe/offending-element", test_describe_offending);
  g_test_add_func ("/status/describe/sub-operations", test_describe_sub_operations);
  g_test_add_func ("/status/describe/attribute-identifier-list", test_describe_attribute_list);
  g_test_add_func ("/status/describe/error-id", test_describe_error_id);
  g_test_add_func ("/status/error/domain-and-code", test_set_error);
  return g_test_run ();
}
