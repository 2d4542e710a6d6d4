/* test-query-format.c — src/app/bench-query-format.c: names and dates as a
 * person reads them, date presets, and the C-FIND identifiers the query
 * form makes (PS3.4 C.2.2.2, C.6.1) */
#include "config.h"

#include "bench-query-format.h"
#include "dcm-tags.h"

static void
test_person_name (void)
{
  static const struct {
    const char *pn;
    const char *shown;
  } cases[] = {
    { "Doe^John", "Doe, John" },
    { "Doe^John^Q^Dr.^Jr.", "Doe, Dr. John Q, Jr." },
    { "Doe", "Doe" },
    { "^John", "John" },
    { "Yamada^Tarou=山田^太郎=やまだ^たろう", "Yamada, Tarou (山田 太郎)" },
    { "=山田^太郎", "山田 太郎" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = bench_format_person_name (cases[i].pn);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

static void
test_date (void)
{
  static const struct {
    const char *da;
    const char *shown;
  } cases[] = {
    { "20240305", "2024-03-05" },
    { "20240301-20240305", "2024-03-01 – 2024-03-05" },
    { "-20240305", " – 2024-03-05" },
    { "20240301-", "2024-03-01 – " },
    { "not a date", "not a date" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = bench_format_date (cases[i].da);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

static void
test_time (void)
{
  g_autofree char *full = bench_format_time ("143005.123");
  g_autofree char *minutes = bench_format_time ("1430");

  g_assert_cmpstr (full, ==, "14:30:05");
  g_assert_cmpstr (minutes, ==, "14:30");
}

static void
test_date_presets (void)
{
  GDate *today = g_date_new_dmy (1, G_DATE_MARCH, 2024);
  GDate *from = g_date_new_dmy (20, G_DATE_FEBRUARY, 2024);
  GDate *unset = g_date_new ();
  g_autofree char *day = bench_date_range_for_preset (BENCH_DATE_TODAY, today, NULL, NULL);
  g_autofree char *yesterday = bench_date_range_for_preset (BENCH_DATE_YESTERDAY, today, NULL,
                                                            NULL);
  g_autofree char *week = bench_date_range_for_preset (BENCH_DATE_LAST_7_DAYS, today, NULL, NULL);
  g_autofree char *open_end = bench_date_range_for_preset (BENCH_DATE_CUSTOM, today, from, unset);
  g_autofree char *any = bench_date_range_for_preset (BENCH_DATE_ANY, today, NULL, NULL);

  g_assert_cmpstr (day, ==, "20240301");
  /* 2024 is a leap year. */
  g_assert_cmpstr (yesterday, ==, "20240229");
  g_assert_cmpstr (week, ==, "20240224-20240301");
  g_assert_cmpstr (open_end, ==, "20240220-");
  g_assert_null (any);
  g_date_free (today);
  g_date_free (from);
  g_date_free (unset);
}

static char *
value (DcmDataSet *ds, guint32 tag)
{
  return dcm_data_set_get_value_string (ds, tag, NULL);
}

static void
test_form_identifier (void)
{
  BenchQueryForm form = {
    .patient_name = " doe ",
    .patient_id = "12345",
    .birth_date = "1970-01-02",
    .study_date = "20240224-20240301",
    .modality = "CT",
    .study_description = "chest*",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = bench_query_form_build_identifier (&form, &error);
  g_autofree char *level = NULL, *name = NULL, *id = NULL, *birth = NULL, *date = NULL;
  g_autofree char *modality = NULL, *description = NULL;

  g_assert_no_error (error);
  level = value (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  name = value (ds, DCM_TAG_PATIENT_NAME);
  id = value (ds, DCM_TAG_PATIENT_ID);
  birth = value (ds, DCM_TAG_PATIENT_BIRTH_DATE);
  date = value (ds, DCM_TAG_STUDY_DATE);
  modality = value (ds, DCM_TAG_MODALITIES_IN_STUDY);
  description = value (ds, DCM_TAG_STUDY_DESCRIPTION);
  g_assert_cmpstr (level, ==, "STUDY");
  /* Typed without a wildcard: the names that begin so. */
  g_assert_cmpstr (name, ==, "doe*");
  /* An ID matches exactly. */
  g_assert_cmpstr (id, ==, "12345");
  g_assert_cmpstr (birth, ==, "19700102");
  g_assert_cmpstr (date, ==, "20240224-20240301");
  g_assert_cmpstr (modality, ==, "CT");
  g_assert_cmpstr (description, ==, "chest*");
  /* Empty return keys for what the columns show. */
  g_assert_true (dcm_data_set_contains (ds, DCM_TAG_ACCESSION_NUMBER));
  g_assert_true (dcm_data_set_contains (ds, DCM_TAG_STUDY_INSTANCE_UID));
  g_assert_true (dcm_data_set_contains (ds, DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES));
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_ACCESSION_NUMBER), ==, 0);
  g_assert_false (dcm_data_set_contains (ds, DCM_TAG_SPECIFIC_CHARACTER_SET));
}

static void
test_form_charset (void)
{
  BenchQueryForm form = { .patient_name = "Müller", .charset = "ISO_IR 100" };
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = bench_query_form_build_identifier (&form, &error);
  g_autofree char *charset = NULL;
  g_autofree char *name = NULL;
  const DcmElement *el;

  g_assert_no_error (error);
  charset = value (ds, DCM_TAG_SPECIFIC_CHARACTER_SET);
  name = value (ds, DCM_TAG_PATIENT_NAME);
  g_assert_cmpstr (charset, ==, "ISO_IR 100");
  g_assert_cmpstr (name, ==, "Müller*");
  /* Encoded in Latin-1 on the wire: ü is one byte. */
  el = dcm_data_set_lookup (ds, DCM_TAG_PATIENT_NAME);
  g_assert_cmpuint (g_bytes_get_size (el->value.bytes), ==, 8);
}

static void
test_lower_levels (void)
{
  g_autoptr(DcmDataSet) series = bench_query_build_series_identifier ("P1", "1.2.3", NULL);
  g_autoptr(DcmDataSet) images = bench_query_build_instance_identifier (NULL, "1.2.3", "1.2.3.4",
                                                                         NULL);
  g_autofree char *series_level = value (series, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  g_autofree char *series_study = value (series, DCM_TAG_STUDY_INSTANCE_UID);
  g_autofree char *series_patient = value (series, DCM_TAG_PATIENT_ID);
  g_autofree char *image_level = value (images, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  g_autofree char *image_series = value (images, DCM_TAG_SERIES_INSTANCE_UID);

  g_assert_cmpstr (series_level, ==, "SERIES");
  g_assert_cmpstr (series_study, ==, "1.2.3");
  g_assert_cmpstr (series_patient, ==, "P1");
  g_assert_true (dcm_data_set_contains (series, DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES));
  g_assert_cmpstr (image_level, ==, "IMAGE");
  g_assert_cmpstr (image_series, ==, "1.2.3.4");
  g_assert_false (dcm_data_set_contains (images, DCM_TAG_PATIENT_ID));
  g_assert_true (dcm_data_set_contains (images, DCM_TAG_SOP_INSTANCE_UID));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/query-format/person-name/family-first", test_person_name);
  g_test_add_func ("/query-format/date/iso", test_date);
  g_test_add_func ("/query-format/time", test_time);
  g_test_add_func ("/query-format/date-presets", test_date_presets);
  g_test_add_func ("/query-format/identifier/study-level", test_form_identifier);
  g_test_add_func ("/query-format/identifier/charset", test_form_charset);
  g_test_add_func ("/query-format/identifier/series-and-image", test_lower_levels);
  return g_test_run ();
}
