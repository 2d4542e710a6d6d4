/* test-value.c — DA/TM/DT/PN parsing and formatting, IS/DS text, checks */
#include "dcm-value.h"
#include "dcm-error.h"

#include <math.h>
#include <string.h>

static void
test_date_parse (void)
{
  DcmDate d;
  g_autoptr (GError) error = NULL;

  g_assert_true (dcm_value_parse_date ("20240229", &d, NULL));
  g_assert_cmpint (d.year, ==, 2024);
  g_assert_cmpint (d.month, ==, 2);
  g_assert_cmpint (d.day, ==, 29);
  g_assert_true (dcm_value_parse_date ("19991231 ", &d, NULL));
  g_assert_cmpint (d.day, ==, 31);
  /* ACR-NEMA form, accepted for old files */
  g_assert_true (dcm_value_parse_date ("1993.08.17", &d, NULL));
  g_assert_cmpint (d.year, ==, 1993);
  g_assert_cmpint (d.month, ==, 8);
  g_assert_cmpint (d.day, ==, 17);

  g_assert_false (dcm_value_parse_date ("20230229", &d, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "20230229"));
  g_assert_false (dcm_value_parse_date ("2023131", &d, NULL));
  g_assert_false (dcm_value_parse_date ("20231301", &d, NULL));
  g_assert_false (dcm_value_parse_date ("2023-01-01", &d, NULL));
  g_assert_false (dcm_value_parse_date ("abcdefgh", &d, NULL));
  g_assert_false (dcm_value_parse_date ("", &d, NULL));
}

static void
test_date_format (void)
{
  DcmDate d = { 2001, 2, 3 };
  g_autofree char *text = dcm_value_format_date (&d);

  g_assert_cmpstr (text, ==, "20010203");
}

static void
test_time_parse (void)
{
  DcmTime t;

  g_assert_true (dcm_value_parse_time ("07", &t, NULL));
  g_assert_cmpint (t.hour, ==, 7);
  g_assert_cmpint (t.minute, ==, -1);
  g_assert_cmpint (t.second, ==, -1);
  g_assert_cmpint (t.microsecond, ==, -1);

  g_assert_true (dcm_value_parse_time ("0730", &t, NULL));
  g_assert_cmpint (t.minute, ==, 30);
  g_assert_cmpint (t.second, ==, -1);

  g_assert_true (dcm_value_parse_time ("235960", &t, NULL));
  g_assert_cmpint (t.second, ==, 60);

  g_assert_true (dcm_value_parse_time ("101112.5 ", &t, NULL));
  g_assert_cmpint (t.microsecond, ==, 500000);
  g_assert_true (dcm_value_parse_time ("101112.123456", &t, NULL));
  g_assert_cmpint (t.microsecond, ==, 123456);
  /* ACR-NEMA form */
  g_assert_true (dcm_value_parse_time ("10:11:12", &t, NULL));
  g_assert_cmpint (t.minute, ==, 11);
  g_assert_cmpint (t.second, ==, 12);

  g_assert_false (dcm_value_parse_time ("101112.1234567", &t, NULL));
  g_assert_false (dcm_value_parse_time ("2400", &t, NULL));
  g_assert_false (dcm_value_parse_time ("1260", &t, NULL));
  g_assert_false (dcm_value_parse_time ("101", &t, NULL));
  g_assert_false (dcm_value_parse_time ("101112.", &t, NULL));
  g_assert_false (dcm_value_parse_time ("", &t, NULL));
}

static void
test_time_format (void)
{
  DcmTime hm = { 9, 5, -1, -1 };
  DcmTime full = { 23, 59, 58, 1200 };
  g_autofree char *a = dcm_value_format_time (&hm);
  g_autofree char *b = dcm_value_format_time (&full);

  g_assert_cmpstr (a, ==, "0905");
  g_assert_cmpstr (b, ==, "235958.001200");
}

static void
test_datetime (void)
{
  DcmDateTime dt;
  g_autofree char *text = NULL;
  g_autofree char *year = NULL;

  g_assert_true (dcm_value_parse_datetime ("20200315101112.25-0530", &dt, NULL));
  g_assert_cmpint (dt.date.year, ==, 2020);
  g_assert_cmpint (dt.date.month, ==, 3);
  g_assert_cmpint (dt.date.day, ==, 15);
  g_assert_cmpint (dt.time.hour, ==, 10);
  g_assert_cmpint (dt.time.second, ==, 12);
  g_assert_cmpint (dt.time.microsecond, ==, 250000);
  g_assert_true (dt.has_offset);
  g_assert_cmpint (dt.offset_minutes, ==, -330);
  text = dcm_value_format_datetime (&dt);
  g_assert_cmpstr (text, ==, "20200315101112.250000-0530");

  g_assert_true (dcm_value_parse_datetime ("2020", &dt, NULL));
  g_assert_cmpint (dt.date.month, ==, 0);
  g_assert_cmpint (dt.time.hour, ==, -1);
  g_assert_false (dt.has_offset);
  year = dcm_value_format_datetime (&dt);
  g_assert_cmpstr (year, ==, "2020");

  g_assert_true (dcm_value_parse_datetime ("202003+0100", &dt, NULL));
  g_assert_cmpint (dt.date.month, ==, 3);
  g_assert_cmpint (dt.date.day, ==, 0);
  g_assert_cmpint (dt.offset_minutes, ==, 60);

  g_assert_false (dcm_value_parse_datetime ("20201", &dt, NULL));
  g_assert_false (dcm_value_parse_datetime ("2020031510+1500", &dt, NULL));
  g_assert_false (dcm_value_parse_datetime ("2020031510&0100", &dt, NULL));
  g_assert_false (dcm_value_parse_datetime ("20201301", &dt, NULL));
}

static void
test_person_name (void)
{
  g_autoptr (DcmPersonName) pn = dcm_person_name_parse ("Yamada^Tarou=山田^太郎=やまだ^たろう");
  g_autoptr (DcmPersonName) full = dcm_person_name_parse ("Adams^John^Robert^Rev.^B.A. M.Div.");
  g_autoptr (DcmPersonName) sparse = dcm_person_name_parse ("^Cher^^^");
  g_autoptr (DcmPersonName) ideo = dcm_person_name_parse ("=山田^太郎");
  g_autofree char *text = dcm_person_name_format (pn);
  g_autofree char *display = dcm_person_name_display (full);
  g_autofree char *sparse_text = dcm_person_name_format (sparse);
  g_autofree char *ideo_display = dcm_person_name_display (ideo);

  g_assert_cmpstr (pn->components[DCM_PN_ALPHABETIC][DCM_PN_FAMILY], ==, "Yamada");
  g_assert_cmpstr (pn->components[DCM_PN_IDEOGRAPHIC][DCM_PN_GIVEN], ==, "太郎");
  g_assert_cmpstr (pn->components[DCM_PN_PHONETIC][DCM_PN_FAMILY], ==, "やまだ");
  g_assert_null (pn->components[DCM_PN_ALPHABETIC][DCM_PN_MIDDLE]);
  g_assert_cmpstr (text, ==, "Yamada^Tarou=山田^太郎=やまだ^たろう");

  g_assert_cmpstr (full->components[0][DCM_PN_SUFFIX], ==, "B.A. M.Div.");
  g_assert_cmpstr (display, ==, "Rev. John Robert Adams, B.A. M.Div.");

  g_assert_null (sparse->components[0][DCM_PN_FAMILY]);
  g_assert_cmpstr (sparse->components[0][DCM_PN_GIVEN], ==, "Cher");
  g_assert_cmpstr (sparse_text, ==, "^Cher");

  g_assert_cmpstr (ideo_display, ==, "太郎 山田");
}

static void
test_split (void)
{
  g_auto (GStrv) three = dcm_value_split ("A\\\\C", 4);
  g_auto (GStrv) none = dcm_value_split ("", 0);
  g_auto (GStrv) prefix = dcm_value_split ("AB\\CD", 2);

  g_assert_cmpuint (g_strv_length (three), ==, 3);
  g_assert_cmpstr (three[0], ==, "A");
  g_assert_cmpstr (three[1], ==, "");
  g_assert_cmpstr (three[2], ==, "C");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_strv_length (prefix), ==, 1);
  g_assert_cmpstr (prefix[0], ==, "AB");
}

static void
test_trim (void)
{
  g_autofree char *a = dcm_value_trim ("  AB C  ", 8, FALSE);
  g_autofree char *b = dcm_value_trim ("  text  ", 8, TRUE);
  g_autofree char *c = dcm_value_trim ("1.2.3\0", 6, FALSE);
  g_autofree char *d = dcm_value_trim ("    ", 4, FALSE);

  g_assert_cmpstr (a, ==, "AB C");
  g_assert_cmpstr (b, ==, "  text");
  g_assert_cmpstr (c, ==, "1.2.3");
  g_assert_cmpstr (d, ==, "");
}

static void
test_is_ds (void)
{
  gint64 i;
  double d;

  g_assert_true (dcm_value_parse_is ("12 ", &i));
  g_assert_cmpint (i, ==, 12);
  g_assert_true (dcm_value_parse_is (" -3", &i));
  g_assert_cmpint (i, ==, -3);
  g_assert_true (dcm_value_parse_is ("+7", &i));
  g_assert_cmpint (i, ==, 7);
  g_assert_false (dcm_value_parse_is ("abc", &i));
  g_assert_false (dcm_value_parse_is ("1 2", &i));
  g_assert_false (dcm_value_parse_is ("1.0", &i));
  g_assert_false (dcm_value_parse_is ("", &i));
  g_assert_false (dcm_value_parse_is ("-", &i));

  g_assert_true (dcm_value_parse_ds ("1.5e3", &d));
  g_assert_cmpfloat (d, ==, 1500.0);
  g_assert_true (dcm_value_parse_ds (" -0.25 ", &d));
  g_assert_cmpfloat (d, ==, -0.25);
  g_assert_true (dcm_value_parse_ds (".5", &d));
  g_assert_cmpfloat (d, ==, 0.5);
  g_assert_true (dcm_value_parse_ds ("3.", &d));
  g_assert_cmpfloat (d, ==, 3.0);
  g_assert_false (dcm_value_parse_ds ("abc", &d));
  g_assert_false (dcm_value_parse_ds ("nan", &d));
  g_assert_false (dcm_value_parse_ds ("inf", &d));
  g_assert_false (dcm_value_parse_ds ("0x10", &d));
  g_assert_false (dcm_value_parse_ds ("1e", &d));
  g_assert_false (dcm_value_parse_ds (".", &d));
}

static void
test_format_numbers (void)
{
  const double samples[] = { 0.1, 1.0 / 3.0, -123456.789, 1e-300, 6.02214076e23, 42.0, 0.0 };
  g_autofree char *tenth = dcm_value_format_double (0.1, FALSE);
  g_autofree char *single = dcm_value_format_double ((float) 0.1, TRUE);
  g_autofree char *ds_third = dcm_value_format_ds (1.0 / 3.0);

  g_assert_cmpstr (tenth, ==, "0.1");
  g_assert_cmpstr (single, ==, "0.1");
  g_assert_cmpuint (strlen (ds_third), ==, 16);
  g_assert_null (dcm_value_format_ds (INFINITY));
  g_assert_null (dcm_value_format_ds (NAN));

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *ds = dcm_value_format_ds (samples[i]);
      g_autofree char *full = dcm_value_format_double (samples[i], FALSE);
      double back;

      g_assert_cmpuint (strlen (ds), <=, 16);
      g_assert_true (dcm_value_parse_ds (ds, &back));
      g_assert_cmpfloat (fabs (back - samples[i]), <=, fabs (samples[i]) * 1e-12);
      g_assert_cmpfloat (g_ascii_strtod (full, NULL), ==, samples[i]);
    }
}

typedef struct {
  DcmVR       vr;
  const char *text;
  gboolean    valid;
} CheckCase;

static void
test_check (void)
{
  static const CheckCase cases[] = {
    { DCM_VR_AE, "STORESCP", TRUE }, { DCM_VR_AE, "A\\B", FALSE }, { DCM_VR_AE, "A\tB", FALSE },
    { DCM_VR_AS, "045Y", TRUE }, { DCM_VR_AS, "45Y", FALSE }, { DCM_VR_AS, "045X", FALSE },
    { DCM_VR_CS, "ORIGINAL", TRUE }, { DCM_VR_CS, " MR_1 ", TRUE }, { DCM_VR_CS, "mr", FALSE },
    { DCM_VR_CS, "A-B", FALSE },
    { DCM_VR_DA, "20240101", TRUE }, { DCM_VR_DA, "1993.08.17", FALSE },
    { DCM_VR_DA, "20241301", FALSE },
    { DCM_VR_TM, "1010", TRUE }, { DCM_VR_TM, "10:10", FALSE }, { DCM_VR_TM, "1", FALSE },
    { DCM_VR_DT, "20240101120000+0100", TRUE }, { DCM_VR_DT, "2024011", FALSE },
    { DCM_VR_IS, " 42 ", TRUE }, { DCM_VR_IS, "4.2", FALSE }, { DCM_VR_IS, "2147483648", FALSE },
    { DCM_VR_DS, "1.5e-3", TRUE }, { DCM_VR_DS, "1,5", FALSE },
    { DCM_VR_UI, "1.2.840.10008.1.2", TRUE }, { DCM_VR_UI, "1.2.0.3", TRUE },
    { DCM_VR_UI, "1..2", FALSE }, { DCM_VR_UI, "1.2.", FALSE }, { DCM_VR_UI, "1.02", FALSE },
    { DCM_VR_UI, "1.2a", FALSE },
    { DCM_VR_LO, "Any text", TRUE }, { DCM_VR_LO, "bad\nline", FALSE },
    { DCM_VR_LT, "  two\r\nlines", TRUE }, { DCM_VR_LT, "bell\a", FALSE },
    { DCM_VR_UR, "http://x/ ", TRUE }, { DCM_VR_UR, " http://x/", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *problem = dcm_value_check (cases[i].vr, cases[i].text, strlen (cases[i].text));
      if (cases[i].valid)
        g_assert_null (problem);
      else
        {
          g_assert_nonnull (problem);
          g_assert_nonnull (strstr (problem, dcm_vr_name (cases[i].vr)));
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/value/date/parse", test_date_parse);
  g_test_add_func ("/value/date/format", test_date_format);
  g_test_add_func ("/value/time/parse", test_time_parse);
  g_test_add_func ("/value/time/format", test_time_format);
  g_test_add_func ("/value/datetime/round-trip", test_datetime);
  g_test_add_func ("/value/person-name/parse-format-display", test_person_name);
  g_test_add_func ("/value/split", test_split);
  g_test_add_func ("/value/trim", test_trim);
  g_test_add_func ("/value/is-ds/parse", test_is_ds);
  g_test_add_func ("/value/numbers/format", test_format_numbers);
  g_test_add_func ("/value/check/repertoire", test_check);
  return g_test_run ();
}
