/* test-recorder-data-set.c — the recorder keeps a message's data set as it
 * was sent or received, counts it against the byte budget with the raw
 * PDUs, and drops it, oldest first, when over */
#include "dimse-recorder.h"
#include "dimse-message.h"
#include "dcm-parser.h"
#include "dcm-tags.h"
#include "dcm-writer.h"

#define STUDY_ROOT_FIND "1.2.840.10008.5.1.4.1.2.2.1"
#define CT_STORAGE "1.2.840.10008.5.1.4.1.1.2"

static DimseTrafficEvent *
last_event (DimseRecorder *rec)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (rec));
  DimseTrafficEvent *event = g_list_model_get_item (G_LIST_MODEL (rec), n - 1);

  g_object_unref (event);     /* the recorder holds it */
  return event;
}

static DcmDataSet *
identifier (const char *patient_name)
{
  DcmDataSet *ds = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, patient_name,
                                          NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                          "STUDY", NULL));
  return ds;
}

/* A data set built in memory is kept in Explicit VR Little Endian and reads
 * back the same; a message without one keeps none. */
static void
test_parsed_kept (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(DimseMessage) rq = dimse_message_new_c_find_rq (7, STUDY_ROOT_FIND,
                                                            DIMSE_PRIORITY_MEDIUM, NULL);
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (rq, 0x0000);
  g_autoptr(DcmDataSet) ds = identifier ("Smith^John");
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(DcmDataSet) back = NULL;
  g_autofree char *name = NULL;
  const DcmTransferSyntax *ts = NULL;

  dimse_message_set_data_set (rq, ds);
  dimse_recorder_record_message (rec, 1, DIMSE_TRAFFIC_DIRECTION_SENT, 1, rq);
  kept = dimse_traffic_event_dup_data_set (last_event (rec), &ts);
  g_assert_nonnull (kept);
  g_assert_true (ts == &dcm_ts_explicit_le);
  g_assert_cmpuint (dimse_recorder_get_raw_bytes_held (rec), ==, g_bytes_get_size (kept));
  back = dcm_data_set_read_bytes (kept, ts, NULL, NULL);
  g_assert_nonnull (back);
  name = dcm_data_set_dup_string (back, DCM_TAG_PATIENT_NAME);
  g_assert_cmpstr (name, ==, "Smith^John");

  dimse_recorder_record_message (rec, 1, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 1, rsp);
  g_assert_null (dimse_traffic_event_dup_data_set (last_event (rec), NULL));
}

/* Encoded bytes are kept as they are, in their own syntax. */
static void
test_encoded_kept (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(DimseMessage) rq = dimse_message_new_c_store_rq (3, CT_STORAGE, "1.2.3.4",
                                                             DIMSE_PRIORITY_MEDIUM, NULL, 0, NULL);
  g_autoptr(DcmDataSet) ds = identifier ("Doe^Jane");
  g_autoptr(GBytes) encoded = dcm_data_set_write_bytes (ds, &dcm_ts_implicit_le,
                                                        DCM_WRITE_DEFAULT, NULL);
  g_autoptr(GBytes) kept = NULL;
  const DcmTransferSyntax *ts = NULL;

  dimse_message_set_encoded_data_set (rq, encoded, &dcm_ts_implicit_le);
  dimse_recorder_record_message (rec, 1, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 1, rq);
  kept = dimse_traffic_event_dup_data_set (last_event (rec), &ts);
  g_assert_true (ts == &dcm_ts_implicit_le);
  g_assert_true (g_bytes_equal (kept, encoded));
}

/* Over the budget the oldest data sets go, the newest stays; the held
 * count follows. */
static void
test_budget_drops_oldest (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(DimseTrafficEvent) oldest = NULL;
  guint64 size;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(DimseMessage) rq = dimse_message_new_c_find_rq (i + 1, STUDY_ROOT_FIND,
                                                                DIMSE_PRIORITY_MEDIUM, NULL);
      g_autoptr(DcmDataSet) ds = identifier ("Smith^John");

      dimse_message_set_data_set (rq, ds);
      dimse_recorder_record_message (rec, 1, DIMSE_TRAFFIC_DIRECTION_SENT, 1, rq);
    }
  size = dimse_recorder_get_raw_bytes_held (rec) / 2;
  g_assert_cmpuint (size, >, 0);
  dimse_recorder_set_max_raw_bytes (rec, size);
  g_assert_cmpuint (dimse_recorder_get_raw_bytes_held (rec), ==, size);
  oldest = g_list_model_get_item (G_LIST_MODEL (rec), 0);
  first = dimse_traffic_event_dup_data_set (oldest, NULL);
  second = dimse_traffic_event_dup_data_set (last_event (rec), NULL);
  g_assert_null (first);
  g_assert_nonnull (second);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recorder/data-set/parsed-kept", test_parsed_kept);
  g_test_add_func ("/recorder/data-set/encoded-kept", test_encoded_kept);
  g_test_add_func ("/recorder/data-set/budget-drops-oldest", test_budget_drops_oldest);
  return g_test_run ();
}
