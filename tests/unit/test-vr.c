#include "dcm-vr.h"

#include <string.h>

static gboolean
name_in (DcmVR vr, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (dcm_vr_name (vr), names[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
test_name_round_trip (void)
{
  for (guint i = DCM_VR_NONE + 1; i < DCM_VR_N_VRS; i++)
    {
      DcmVR vr = (DcmVR) i;
      const char *name = dcm_vr_name (vr);

      g_assert_cmpuint (strlen (name), ==, 2);
      g_assert_true (g_ascii_isupper (name[0]) && g_ascii_isupper (name[1]));
      g_assert_cmpint (dcm_vr_from_name (name), ==, vr);
      g_assert_cmpint (dcm_vr_from_code ((guint8) name[0], (guint8) name[1]), ==, vr);
      if (i > DCM_VR_NONE + 1)
        g_assert_cmpstr (dcm_vr_name ((DcmVR) (i - 1)), <, name);
    }
  g_assert_cmpstr (dcm_vr_name (DCM_VR_PN), ==, "PN");
  g_assert_cmpstr (dcm_vr_name (DCM_VR_UV), ==, "UV");
}

static void
test_unknown (void)
{
  g_assert_cmpstr (dcm_vr_name (DCM_VR_NONE), ==, "??");
  g_assert_cmpstr (dcm_vr_name (DCM_VR_N_VRS), ==, "??");
  g_assert_cmpstr (dcm_vr_name ((DcmVR) 1000), ==, "??");
  g_assert_cmpint (dcm_vr_from_name ("??"), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_name ("pn"), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_name ("PNX"), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_name ("P"), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_name (""), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_name (NULL), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_code ('Z', 'Z'), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_code (0, 0), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_from_code (0xff, 0xff), ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_vr_kind (DCM_VR_NONE), ==, DCM_VR_KIND_NONE);
}

static void
test_long_length (void)
{
  static const char *const long_vrs[] = {
    "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV", NULL,
  };

  for (guint i = DCM_VR_NONE + 1; i < DCM_VR_N_VRS; i++)
    {
      DcmVR vr = (DcmVR) i;

      if (name_in (vr, long_vrs))
        g_assert_true (dcm_vr_has_long_length (vr));
      else
        g_assert_false (dcm_vr_has_long_length (vr));
    }
}

static void
test_uses_charset (void)
{
  static const char *const charset_vrs[] = { "SH", "LO", "UC", "ST", "LT", "UT", "PN", NULL };

  for (guint i = DCM_VR_NONE + 1; i < DCM_VR_N_VRS; i++)
    {
      DcmVR vr = (DcmVR) i;

      if (name_in (vr, charset_vrs))
        g_assert_true (dcm_vr_uses_charset (vr));
      else
        g_assert_false (dcm_vr_uses_charset (vr));
    }
}

static void
test_kind (void)
{
  static const char *const strings[] = {
    "AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM",
    "UC", "UI", "UR", "UT", NULL,
  };
  static const char *const numbers[] = { "FD", "FL", "SL", "SS", "SV", "UL", "US", "UV", NULL };
  static const char *const bulk[] = { "OB", "OD", "OF", "OL", "OV", "OW", "UN", NULL };

  for (guint i = DCM_VR_NONE + 1; i < DCM_VR_N_VRS; i++)
    {
      DcmVR vr = (DcmVR) i;
      DcmVRKind expected;

      if (name_in (vr, strings))
        expected = DCM_VR_KIND_STRING;
      else if (name_in (vr, numbers))
        expected = DCM_VR_KIND_NUMBER;
      else if (name_in (vr, bulk))
        expected = DCM_VR_KIND_BULK;
      else if (vr == DCM_VR_AT)
        expected = DCM_VR_KIND_TAG;
      else
        {
          g_assert_cmpint (vr, ==, DCM_VR_SQ);
          expected = DCM_VR_KIND_SEQUENCE;
        }
      g_assert_cmpint (dcm_vr_kind (vr), ==, expected);
    }
}

static void
test_value_size (void)
{
  static const struct { const char *name; guint size; } sizes[] = {
    { "US", 2 }, { "SS", 2 }, { "OW", 2 },
    { "UL", 4 }, { "SL", 4 }, { "FL", 4 }, { "OF", 4 }, { "OL", 4 }, { "AT", 4 },
    { "FD", 8 }, { "OD", 8 }, { "SV", 8 }, { "UV", 8 }, { "OV", 8 },
    { "OB", 1 }, { "UN", 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_assert_cmpuint (dcm_vr_value_size (dcm_vr_from_name (sizes[i].name)), ==, sizes[i].size);
  for (guint i = DCM_VR_NONE + 1; i < DCM_VR_N_VRS; i++)
    if (dcm_vr_kind ((DcmVR) i) == DCM_VR_KIND_STRING)
      g_assert_cmpuint (dcm_vr_value_size ((DcmVR) i), ==, 1);
}

static void
test_padding (void)
{
  for (guint i = DCM_VR_NONE + 1; i < DCM_VR_N_VRS; i++)
    {
      DcmVR vr = (DcmVR) i;
      /* PS3.5 §6.2: UI pads with NUL, other character strings with a space,
       * binary values with NUL. */
      guint8 expected = dcm_vr_kind (vr) == DCM_VR_KIND_STRING && vr != DCM_VR_UI ? ' ' : 0;

      g_assert_cmpuint (dcm_vr_padding (vr), ==, expected);
    }
  g_assert_cmpuint (dcm_vr_padding (DCM_VR_UI), ==, 0);
  g_assert_cmpuint (dcm_vr_padding (DCM_VR_PN), ==, ' ');
  g_assert_cmpuint (dcm_vr_padding (DCM_VR_OB), ==, 0);
}

static void
test_max_length (void)
{
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_AE), ==, 16);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_CS), ==, 16);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_DA), ==, 8);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_LO), ==, 64);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_SH), ==, 16);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_UI), ==, 64);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_LT), ==, 10240);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_ST), ==, 1024);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_UT), ==, 0);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_UC), ==, 0);
  g_assert_cmpuint (dcm_vr_max_length (DCM_VR_OB), ==, 0);
}

static void
test_multi_valued (void)
{
  static const char *const single[] = { "LT", "ST", "UT", "UR", NULL };

  for (guint i = DCM_VR_NONE + 1; i < DCM_VR_N_VRS; i++)
    {
      DcmVR vr = (DcmVR) i;
      gboolean expected = dcm_vr_kind (vr) == DCM_VR_KIND_STRING && !name_in (vr, single);

      g_assert_cmpint (dcm_vr_is_multi_valued_string (vr), ==, expected);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vr/name/round-trip", test_name_round_trip);
  g_test_add_func ("/vr/name/unknown", test_unknown);
  g_test_add_func ("/vr/long-length", test_long_length);
  g_test_add_func ("/vr/uses-charset", test_uses_charset);
  g_test_add_func ("/vr/kind", test_kind);
  g_test_add_func ("/vr/value-size", test_value_size);
  g_test_add_func ("/vr/padding", test_padding);
  g_test_add_func ("/vr/max-length", test_max_length);
  g_test_add_func ("/vr/multi-valued-string", test_multi_valued);
  return g_test_run ();
}
