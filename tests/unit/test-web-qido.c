/* test-web-qido.c — QIDO-RS URLs from C-FIND identifiers
 * (src/dimse/web/dimse-web-qido.c, PS3.18 §10.6.1) */
#include <string.h>

#include "dcm-tags.h"
#include "dimse-web-client.h"

#define BASE "http://127.0.0.1:8042/dicom-web"

static DcmDataSet *
identifier (const char *const *pairs)
{
  DcmDataSet *ds = dcm_data_set_new ();

  for (guint i = 0; pairs[i] != NULL; i += 2)
    {
      guint32 tag = 0;

      g_assert_true (dcm_dict_parse_tag (pairs[i], &tag));
      if (pairs[i + 1] == NULL || *pairs[i + 1] == '\0')
        dcm_data_set_insert (ds, tag, DCM_VR_NONE);
      else
        g_assert_true (dcm_data_set_set_string (ds, tag, DCM_VR_NONE, pairs[i + 1], NULL));
    }
  return ds;
}

static void
expect_url (DimseQrLevel level, const char *const *pairs, const DimseWebSearchOptions *opts,
            guint offset, const char *expected)
{
  g_autoptr(DcmDataSet) ds = identifier (pairs);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = dimse_web_search_build_url (BASE "/", level, ds, opts, offset, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, expected);
}

static void
test_study (void)
{
  const char *const pairs[] = {
    "QueryRetrieveLevel", "STUDY", "PatientName", "DOE^J*", "StudyDate", "20200101-20201231",
    "StudyDescription", "", "ModalitiesInStudy", "CT", "PatientID", "a b&c", NULL, NULL
  };

  /* Keys in tag order; the level left out; '^', ' ' and '&' escaped,
   * '*' kept as the wildcard it is. */
  expect_url (DIMSE_QR_LEVEL_STUDY, pairs, NULL, 0,
              BASE "/studies?StudyDate=20200101-20201231&ModalitiesInStudy=CT"
              "&includefield=StudyDescription&PatientName=DOE%5EJ*&PatientID=a%20b%26c");
}

static void
test_series_in_study (void)
{
  const char *const pairs[] = {
    "Modality", "MR", "StudyInstanceUID", "1.2.3", "SeriesInstanceUID", "", NULL, NULL
  };

  expect_url (DIMSE_QR_LEVEL_SERIES, pairs, NULL, 0,
              BASE "/studies/1.2.3/series?Modality=MR&includefield=SeriesInstanceUID");
}

static void
test_instances (void)
{
  const char *const in_series[] = {
    "StudyInstanceUID", "1.2.3", "SeriesInstanceUID", "1.2.3.4", "InstanceNumber", "2",
    NULL, NULL
  };
  const char *const list[] = {
    "SOPInstanceUID", "1.2.3.4.5\\1.2.3.4.6", NULL, NULL
  };
  const char *const wildcard_study[] = {
    "StudyInstanceUID", "1.2.*", "SeriesInstanceUID", "1.2.3.4", NULL, NULL
  };

  expect_url (DIMSE_QR_LEVEL_IMAGE, in_series, NULL, 0,
              BASE "/studies/1.2.3/series/1.2.3.4/instances?InstanceNumber=2");
  /* §8.3.4.1: a list of UIDs, comma-separated. */
  expect_url (DIMSE_QR_LEVEL_IMAGE, list, NULL, 0,
              BASE "/instances?SOPInstanceUID=1.2.3.4.5,1.2.3.4.6");
  /* Only a single UID goes into the path. */
  expect_url (DIMSE_QR_LEVEL_IMAGE, wildcard_study, NULL, 0,
              BASE "/instances?StudyInstanceUID=1.2.*&SeriesInstanceUID=1.2.3.4");
}

static void
test_paging_and_fuzzy (void)
{
  const char *const none[] = { NULL, NULL };
  const char *const name[] = { "PatientName", "Smith", NULL, NULL };
  DimseWebSearchOptions opts = { .limit = 50, .fuzzy = TRUE };

  expect_url (DIMSE_QR_LEVEL_STUDY, none, NULL, 0, BASE "/studies");
  expect_url (DIMSE_QR_LEVEL_STUDY, name, &opts, 100,
              BASE "/studies?PatientName=Smith&fuzzymatching=true&limit=50&offset=100");
}

static void
test_sequence_and_private (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  DcmElement *seq = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_STUDY_SEQUENCE, DCM_VR_SQ);
  DcmDataSet *item = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, DCM_VR_NONE,
                                          "1.2.9", NULL));
  dcm_data_set_append_item (ds, seq, item);
  dcm_data_set_insert (ds, 0x00091001, DCM_VR_LO);
  url = dimse_web_search_build_url (BASE, DIMSE_QR_LEVEL_STUDY, ds, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, BASE "/studies?ReferencedStudySequence.ReferencedSOPInstanceUID=1.2.9"
                            "&includefield=00091001");
}

static void
test_patient_level (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = dimse_web_search_build_url (BASE, DIMSE_QR_LEVEL_PATIENT, ds, NULL, 0,
                                                     &error);

  g_assert_null (url);
  g_assert_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "no patient level"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/web/qido/url/study", test_study);
  g_test_add_func ("/web/qido/url/series-in-study", test_series_in_study);
  g_test_add_func ("/web/qido/url/instances", test_instances);
  g_test_add_func ("/web/qido/url/paging-and-fuzzy", test_paging_and_fuzzy);
  g_test_add_func ("/web/qido/url/sequence-and-private", test_sequence_and_private);
  g_test_add_func ("/web/qido/url/patient-level", test_patient_level);
  return g_test_run ();
}
