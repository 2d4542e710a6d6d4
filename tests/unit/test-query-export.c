/* test-query-export.c — src/app/bench-query-item.c and
 * bench-query-export.c: a C-FIND match as a result row, and the rows as
 * CSV (RFC 4180) and DICOM JSON (PS3.18 Annex F) */
#include "config.h"

#include <json-glib/json-glib.h>

#include "bench-query-export.h"
#include "bench-query-item.h"
#include "dcm-json.h"
#include "dcm-tags.h"

static DcmDataSet *
study_match (const char *name, const char *description, const char *uid)
{
  DcmDataSet *ds = dcm_data_set_new ();

  dcm_data_set_set_string (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_NONE, "ISO_IR 192", NULL);
  dcm_data_set_set_string (ds, DCM_TAG_STUDY_DATE, DCM_VR_NONE, "20240305", NULL);
  dcm_data_set_set_string (ds, DCM_TAG_ACCESSION_NUMBER, DCM_VR_NONE, "A1", NULL);
  dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, "STUDY", NULL);
  dcm_data_set_set_string (ds, DCM_TAG_MODALITIES_IN_STUDY, DCM_VR_NONE, "CT\\SR", NULL);
  dcm_data_set_set_string (ds, DCM_TAG_STUDY_DESCRIPTION, DCM_VR_NONE, description, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, name, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, "P1", NULL);
  dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, uid, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES, DCM_VR_NONE, "2", NULL);
  dcm_data_set_set_string (ds, DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES, DCM_VR_NONE, "40",
                           NULL);
  return ds;
}

static void
test_study_row (void)
{
  g_autoptr(DcmDataSet) match = study_match ("Müller^Jürgen", "CT, \"chest\"", "1.2.3");
  g_autoptr(BenchQueryItem) item = bench_query_item_new (BENCH_QUERY_LEVEL_STUDY, match, NULL);
  g_autoptr(DcmDataSet) retrieve = bench_query_item_build_retrieve_identifier (item, TRUE);
  g_autofree char *level = dcm_data_set_dup_string (retrieve, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  g_autofree char *patient = dcm_data_set_dup_string (retrieve, DCM_TAG_PATIENT_ID);

  g_assert_cmpstr (bench_query_item_get_text (item, BENCH_QUERY_COLUMN_NAME), ==,
                   "Müller, Jürgen");
  g_assert_cmpstr (bench_query_item_get_text (item, BENCH_QUERY_COLUMN_DATE), ==, "2024-03-05");
  g_assert_cmpstr (bench_query_item_get_text (item, BENCH_QUERY_COLUMN_MODALITY), ==, "CT, SR");
  g_assert_cmpstr (bench_query_item_get_text (item, BENCH_QUERY_COLUMN_COUNT), ==,
                   "2 series · 40 instances");
  g_assert_cmpstr (bench_query_item_get_study_uid (item), ==, "1.2.3");
  /* The retrieve names the study by its unique keys only. */
  g_assert_cmpstr (level, ==, "STUDY");
  g_assert_cmpstr (patient, ==, "P1");
  g_assert_false (dcm_data_set_contains (retrieve, DCM_TAG_PATIENT_NAME));
}

static void
test_series_below_study (void)
{
  g_autoptr(DcmDataSet) match = study_match ("Doe^John", "Head", "1.2.3");
  g_autoptr(BenchQueryItem) study = bench_query_item_new (BENCH_QUERY_LEVEL_STUDY, match, NULL);
  g_autoptr(DcmDataSet) series_match = dcm_data_set_new ();
  g_autoptr(BenchQueryItem) series = NULL;
  g_autoptr(DcmDataSet) retrieve = NULL;
  g_autofree char *study_uid = NULL;
  g_autofree char *series_uid = NULL;
  g_autofree char *title = NULL;

  dcm_data_set_set_string (series_match, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE, "1.2.3.9", NULL);
  dcm_data_set_set_string (series_match, DCM_TAG_SERIES_NUMBER, DCM_VR_NONE, "3", NULL);
  dcm_data_set_set_string (series_match, DCM_TAG_SERIES_DESCRIPTION, DCM_VR_NONE, "Axial", NULL);
  series = bench_query_item_new (BENCH_QUERY_LEVEL_SERIES, series_match, study);
  retrieve = bench_query_item_build_retrieve_identifier (series, FALSE);
  study_uid = dcm_data_set_dup_string (retrieve, DCM_TAG_STUDY_INSTANCE_UID);
  series_uid = dcm_data_set_dup_string (retrieve, DCM_TAG_SERIES_INSTANCE_UID);
  title = bench_query_item_describe (series);
  g_assert_cmpstr (bench_query_item_get_text (series, BENCH_QUERY_COLUMN_NAME), ==, "Series 3");
  /* The study's UID comes from the parent: a series match may leave it out. */
  g_assert_cmpstr (study_uid, ==, "1.2.3");
  g_assert_cmpstr (series_uid, ==, "1.2.3.9");
  g_assert_false (dcm_data_set_contains (retrieve, DCM_TAG_PATIENT_ID));
  g_assert_cmpstr (title, ==, "Doe, John — Head, Axial");
  g_assert_true (bench_query_item_get_parent (series) == study);
}

static void
test_compare (void)
{
  g_autoptr(DcmDataSet) a_match = study_match ("Adams^Ann", "B", "1.1");
  g_autoptr(DcmDataSet) b_match = study_match ("Baker^Bob", "A", "1.2");
  g_autoptr(BenchQueryItem) a = bench_query_item_new (BENCH_QUERY_LEVEL_STUDY, a_match, NULL);
  g_autoptr(BenchQueryItem) b = bench_query_item_new (BENCH_QUERY_LEVEL_STUDY, b_match, NULL);

  g_assert_cmpint (bench_query_item_compare (a, b, BENCH_QUERY_COLUMN_NAME), <, 0);
  g_assert_cmpint (bench_query_item_compare (a, b, BENCH_QUERY_COLUMN_DESCRIPTION), >, 0);
  g_assert_cmpint (bench_query_item_compare (a, b, BENCH_QUERY_COLUMN_COUNT), ==, 0);
}

static GPtrArray *
two_items (void)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DcmDataSet) first = study_match ("Doe^John", "CT, \"chest\"", "1.2.3");
  g_autoptr(DcmDataSet) second = study_match ("Roe^Jane", "MR\nbrain", "1.2.4");

  g_ptr_array_add (items, bench_query_item_new (BENCH_QUERY_LEVEL_STUDY, first, NULL));
  g_ptr_array_add (items, bench_query_item_new (BENCH_QUERY_LEVEL_STUDY, second, NULL));
  return items;
}

static void
test_csv (void)
{
  g_autoptr(GPtrArray) items = two_items ();
  const BenchQueryColumn columns[] = { BENCH_QUERY_COLUMN_NAME, BENCH_QUERY_COLUMN_DESCRIPTION };
  const char *const titles[] = { "Patient", "Description" };
  g_autofree char *csv = bench_query_export_csv (items, columns, 2, titles);

  g_assert_cmpstr (csv, ==,
                   "Level,Patient,Description,StudyInstanceUID,SeriesInstanceUID,SOPInstanceUID\r\n"
                   "STUDY,\"Doe, John\",\"CT, \"\"chest\"\"\",1.2.3,,\r\n"
                   "STUDY,\"Roe, Jane\",\"MR\nbrain\",1.2.4,,\r\n");
}

static void
test_json (void)
{
  g_autoptr(GPtrArray) items = two_items ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = bench_query_export_json (items, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(DcmDataSet) back = NULL;
  g_autofree char *name = NULL;
  JsonArray *array;

  g_assert_no_error (error);
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  back = dcm_json_to_data_set (json_array_get_element (array, 1), &error);
  g_assert_no_error (error);
  name = dcm_data_set_dup_string (back, DCM_TAG_PATIENT_NAME);
  /* The match as received, PN and all, not the row's display text. */
  g_assert_cmpstr (name, ==, "Roe^Jane");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/query-item/study-row", test_study_row);
  g_test_add_func ("/query-item/series-below-study", test_series_below_study);
  g_test_add_func ("/query-item/compare", test_compare);
  g_test_add_func ("/query-export/csv/rfc4180-quoting", test_csv);
  g_test_add_func ("/query-export/json/matches-as-received", test_json);
  return g_test_run ();
}
