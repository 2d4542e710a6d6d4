/* test-archive-index.c — the embedded archive's index: scanning, C-FIND
 * at every level of both models, C-MOVE/C-GET selection */
#include <string.h>
#include <glib/gstdio.h>

#include "dimse-archive-index.h"
#include "dimse-error.h"
#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "test-util.h"

#define UID_ROOT "1.2.826.0.1.3680043.2.1125.9."

typedef struct {
  const char *file;
  const char *patient_id;
  const char *patient_name;
  const char *study;
  const char *study_date;
  const char *study_time;
  const char *series;
  const char *modality;
  const char *series_number;
  const char *sop;
  const char *instance_number;
  const char *comments;  /* Image Comments, or NULL */
} Spec;

/* Two patients, three studies, four series, seven instances. */
static const Spec specs[] = {
  { "a/1.dcm", "P1", "Doe^John", "1", "20200101", "101010", "1.1", "CT", "2", "1.1.1", "3" },
  { "a/2.dcm", "P1", "Doe^John", "1", "20200101", "101010", "1.1", "CT", "2", "1.1.2", "1" },
  { "a/3.dcm", "P1", "Doe^John", "1", "20200101", "101010", "1.2", "SR", "1", "1.2.1", "1" },
  { "a/b/4.dcm", "P1", "Doe^John", "2", "20210505", "080000", "2.1", "MR", "1", "2.1.1", "1" },
  { "c/5.dcm", "P2", "Roe^Jane", "3", "20190303", "120000", "3.1", "MR", "1", "3.1.1", "2" },
  { "c/6.dcm", "P2", "Roe^Jane", "3", "20190303", "120000", "3.1", "MR", "1", "3.1.2", "1" },
  { "c/7.dcm", "P2", "Roe^Jane", "3", "20190303", "120000", "3.1", "MR", "1", "3.1.3", "10" },
};

static char *
uid (const char *suffix)
{
  return g_strconcat (UID_ROOT, suffix, NULL);
}

static void
set (DcmDataSet *ds, guint32 tag, const char *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, &error));
  g_assert_no_error (error);
}

static void
set_uid (DcmDataSet *ds, guint32 tag, const char *suffix)
{
  g_autofree char *value = uid (suffix);

  set (ds, tag, value);
}

static void
write_spec (const char *dir, const Spec *s, const char *charset, const char *name)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (DcmFile) file = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, s->file, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  guint8 pixels[4096] = { 0 };

  if (charset != NULL)
    set (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, charset);
  set (ds, DCM_TAG_SOP_CLASS_UID, s->modality[0] == 'S' ? DCM_UID_BASIC_TEXT_SR_STORAGE
                                                       : DCM_UID_CT_IMAGE_STORAGE);
  set_uid (ds, DCM_TAG_SOP_INSTANCE_UID, s->sop);
  set (ds, DCM_TAG_STUDY_DATE, s->study_date);
  set (ds, DCM_TAG_STUDY_TIME, s->study_time);
  set (ds, DCM_TAG_MODALITY, s->modality);
  set (ds, DCM_TAG_PATIENT_NAME, name != NULL ? name : s->patient_name);
  set (ds, DCM_TAG_PATIENT_ID, s->patient_id);
  set_uid (ds, DCM_TAG_STUDY_INSTANCE_UID, s->study);
  set_uid (ds, DCM_TAG_SERIES_INSTANCE_UID, s->series);
  set (ds, DCM_TAG_SERIES_NUMBER, s->series_number);
  set (ds, DCM_TAG_INSTANCE_NUMBER, s->instance_number);
  set (ds, DCM_TAG_ROWS, "64");
  if (s->comments != NULL)
    set (ds, DCM_TAG_IMAGE_COMMENTS, s->comments);
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OW, pixels,
                                       sizeof pixels, &error));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  bytes = dcm_file_write_bytes (file, DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  /* No fsync: these are throwaway files (and NONE does not truncate). */
  g_unlink (path);
  g_assert_true (g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL),
                                           (gssize) g_bytes_get_size (bytes),
                                           G_FILE_SET_CONTENTS_NONE, 0644, &error));
}

typedef struct {
  TestUtilTmpdir     dir;
  DimseArchiveIndex *index;
  guint              n_changed;
} Fixture;

static void
on_changed (DimseArchiveIndex *index, Fixture *f)
{
  f->n_changed++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *junk = NULL;
  guint n_skipped = 99;

  f->dir = test_util_make_tmpdir ("archive-index");
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    write_spec (f->dir, &specs[i], NULL, NULL);
  junk = g_build_filename (f->dir, "c", "notes.txt", NULL);
  g_assert_true (g_file_set_contents (junk, "not DICOM", -1, NULL));
  g_clear_pointer (&junk, g_free);
  junk = g_build_filename (f->dir, ".hidden.dcm", NULL);
  g_assert_true (g_file_set_contents (junk, "hidden", -1, NULL));
  f->index = dimse_archive_index_new (f->dir);
  g_signal_connect (f->index, "changed", G_CALLBACK (on_changed), f);
  g_assert_true (dimse_archive_index_scan (f->index, &n_skipped, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_skipped, ==, 1);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->index);
  test_util_tmpdir_free (f->dir);
}

/* An identifier: level, then (tag, value) pairs ending with 0; a NULL
 * value makes a zero-length key. */
static DcmDataSet *
identifier (const char *level, ...)
{
  DcmDataSet *ds = dcm_data_set_new ();
  va_list args;
  guint32 tag;

  if (level != NULL)
    set (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, level);
  va_start (args, level);
  while ((tag = va_arg (args, guint32)) != 0)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        set (ds, tag, value);
      else
        dcm_data_set_insert (ds, tag, DCM_VR_NONE);
    }
  va_end (args);
  return ds;
}

static GPtrArray *
find (Fixture *f, DimseQrModel model, DcmDataSet *id, guint max)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *results = dimse_archive_index_find (f->index, model, id, max, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

static void
assert_string (GPtrArray *results, guint i, guint32 tag, const char *expected)
{
  g_autofree char *value = NULL;

  g_assert_cmpuint (i, <, results->len);
  g_assert_true (dcm_data_set_contains (g_ptr_array_index (results, i), tag));
  value = dcm_data_set_get_value_string (g_ptr_array_index (results, i), tag, NULL);
  g_assert_cmpstr (value != NULL && value[0] != '\0' ? value : NULL, ==, expected);
}

static void
test_scan_counts (Fixture *f, gconstpointer data)
{
  g_autoptr (DimseArchiveInstance) instance = NULL;
  g_autofree char *sop = uid ("3.1.2");
  g_autofree char *path = g_build_filename (f->dir, "c", "6.dcm", NULL);

  g_assert_cmpuint (dimse_archive_index_get_n_patients (f->index), ==, 2);
  g_assert_cmpuint (dimse_archive_index_get_n_studies (f->index), ==, 3);
  g_assert_cmpuint (dimse_archive_index_get_n_series (f->index), ==, 4);
  g_assert_cmpuint (dimse_archive_index_get_n_instances (f->index), ==, 7);
  g_assert_cmpuint (f->n_changed, ==, 1);
  instance = dimse_archive_index_lookup (f->index, sop);
  g_assert_nonnull (instance);
  g_assert_cmpstr (instance->path, ==, path);
  g_assert_cmpstr (instance->patient_id, ==, "P2");
  g_assert_cmpstr (instance->transfer_syntax_uid, ==, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_assert_cmpuint (instance->size, >, 4096);
  g_assert_null (dimse_archive_index_lookup (f->index, "1.2.3"));
}

static void
test_find_patient_level (Fixture *f, gconstpointer data)
{
  g_autoptr (DcmDataSet) id = identifier ("PATIENT", DCM_TAG_PATIENT_NAME, NULL,
                                          DCM_TAG_PATIENT_ID, NULL,
                                          DCM_TAG_NUMBER_OF_PATIENT_RELATED_STUDIES, NULL,
                                          DCM_TAG_NUMBER_OF_PATIENT_RELATED_INSTANCES, NULL, 0);
  g_autoptr (GPtrArray) results = find (f, DIMSE_QR_MODEL_PATIENT_ROOT, id, 0);
  g_autoptr (DcmDataSet) by_name = identifier ("PATIENT", DCM_TAG_PATIENT_NAME, "roe*",
                                               DCM_TAG_PATIENT_ID, NULL, 0);
  g_autoptr (GPtrArray) named = find (f, DIMSE_QR_MODEL_PATIENT_ROOT, by_name, 0);

  g_assert_cmpuint (results->len, ==, 2);
  assert_string (results, 0, DCM_TAG_PATIENT_ID, "P1");
  assert_string (results, 0, DCM_TAG_PATIENT_NAME, "Doe^John");
  assert_string (results, 0, DCM_TAG_NUMBER_OF_PATIENT_RELATED_STUDIES, "2");
  assert_string (results, 0, DCM_TAG_NUMBER_OF_PATIENT_RELATED_INSTANCES, "4");
  assert_string (results, 1, DCM_TAG_PATIENT_ID, "P2");
  assert_string (results, 1, DCM_TAG_QUERY_RETRIEVE_LEVEL, "PATIENT");
  g_assert_false (dcm_data_set_contains (g_ptr_array_index (results, 0),
                                         DCM_TAG_SPECIFIC_CHARACTER_SET));
  /* Only the identifier's keys, and the level. */
  g_assert_cmpuint (dcm_data_set_n_elements (g_ptr_array_index (results, 0)), ==, 5);
  g_assert_cmpuint (named->len, ==, 1);
  assert_string (named, 0, DCM_TAG_PATIENT_ID, "P2");
}

static void
test_find_study_level (Fixture *f, gconstpointer data)
{
  g_autoptr (DcmDataSet) id = identifier ("STUDY", DCM_TAG_STUDY_DATE, "20200101-",
                                          DCM_TAG_STUDY_INSTANCE_UID, NULL,
                                          DCM_TAG_PATIENT_NAME, NULL,
                                          DCM_TAG_MODALITIES_IN_STUDY, NULL,
                                          DCM_TAG_SOP_CLASSES_IN_STUDY, NULL,
                                          DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES, NULL,
                                          DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES, NULL,
                                          DCM_TAG_RETRIEVE_AE_TITLE, NULL,
                                          DCM_TAG_INSTANCE_AVAILABILITY, NULL, 0);
  g_autoptr (GPtrArray) results = find (f, DIMSE_QR_MODEL_STUDY_ROOT, id, 0);
  g_autoptr (DcmDataSet) by_modality = identifier ("STUDY", DCM_TAG_PATIENT_ID, "P1",
                                                   DCM_TAG_MODALITIES_IN_STUDY, "MR\\US",
                                                   DCM_TAG_STUDY_INSTANCE_UID, NULL, 0);
  g_autoptr (GPtrArray) mr = find (f, DIMSE_QR_MODEL_PATIENT_ROOT, by_modality, 0);
  g_autofree char *study1 = uid ("1");
  g_autofree char *study2 = uid ("2");
  g_autofree char *classes = g_strconcat (DCM_UID_CT_IMAGE_STORAGE, "\\",
                                          DCM_UID_BASIC_TEXT_SR_STORAGE, NULL);

  /* Study date order: 20200101 before 20210505; 20190303 is out of range. */
  g_assert_cmpuint (results->len, ==, 2);
  assert_string (results, 0, DCM_TAG_STUDY_INSTANCE_UID, study1);
  assert_string (results, 0, DCM_TAG_STUDY_DATE, "20200101");
  assert_string (results, 0, DCM_TAG_PATIENT_NAME, "Doe^John");
  assert_string (results, 0, DCM_TAG_MODALITIES_IN_STUDY, "CT\\SR");
  assert_string (results, 0, DCM_TAG_SOP_CLASSES_IN_STUDY, classes);
  assert_string (results, 0, DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES, "2");
  assert_string (results, 0, DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES, "3");
  assert_string (results, 0, DCM_TAG_RETRIEVE_AE_TITLE, NULL);
  assert_string (results, 0, DCM_TAG_INSTANCE_AVAILABILITY, "ONLINE");
  assert_string (results, 1, DCM_TAG_STUDY_INSTANCE_UID, study2);
  g_assert_cmpuint (mr->len, ==, 1);
  assert_string (mr, 0, DCM_TAG_STUDY_INSTANCE_UID, study2);
}

static void
test_find_series_level (Fixture *f, gconstpointer data)
{
  g_autofree char *study = uid ("1");
  g_autoptr (DcmDataSet) id = identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID, study,
                                          DCM_TAG_SERIES_INSTANCE_UID, NULL,
                                          DCM_TAG_MODALITY, NULL, DCM_TAG_SERIES_NUMBER, NULL,
                                          DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES, NULL, 0);
  g_autoptr (GPtrArray) results = find (f, DIMSE_QR_MODEL_STUDY_ROOT, id, 0);
  g_autoptr (DcmDataSet) patient_root = identifier ("SERIES", DCM_TAG_PATIENT_ID, "P1",
                                                    DCM_TAG_STUDY_INSTANCE_UID, study,
                                                    DCM_TAG_MODALITY, "CT", 0);
  g_autoptr (GPtrArray) ct = find (f, DIMSE_QR_MODEL_PATIENT_ROOT, patient_root, 0);
  g_autoptr (DcmDataSet) wrong_patient = identifier ("SERIES", DCM_TAG_PATIENT_ID, "P2",
                                                     DCM_TAG_STUDY_INSTANCE_UID, study, 0);
  g_autoptr (GPtrArray) none = find (f, DIMSE_QR_MODEL_PATIENT_ROOT, wrong_patient, 0);

  /* Series number order: 1 (SR) before 2 (CT). */
  g_assert_cmpuint (results->len, ==, 2);
  assert_string (results, 0, DCM_TAG_MODALITY, "SR");
  assert_string (results, 0, DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES, "1");
  assert_string (results, 1, DCM_TAG_MODALITY, "CT");
  assert_string (results, 1, DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES, "2");
  g_assert_cmpuint (ct->len, ==, 1);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_find_image_level (Fixture *f, gconstpointer data)
{
  g_autofree char *study = uid ("3");
  g_autofree char *series = uid ("3.1");
  g_autofree char *first = uid ("3.1.2");
  g_autoptr (DcmDataSet) id = identifier ("IMAGE", DCM_TAG_STUDY_INSTANCE_UID, study,
                                          DCM_TAG_SERIES_INSTANCE_UID, series,
                                          DCM_TAG_SOP_INSTANCE_UID, NULL,
                                          DCM_TAG_INSTANCE_NUMBER, NULL,
                                          DCM_TAG_ROWS, NULL, DCM_TAG_COLUMNS, NULL,
                                          DCM_TAG_PATIENT_ID, NULL, 0);
  g_autoptr (GPtrArray) results = find (f, DIMSE_QR_MODEL_STUDY_ROOT, id, 0);
  g_autoptr (DcmDataSet) by_number = identifier ("IMAGE", DCM_TAG_PATIENT_ID, "P2",
                                                 DCM_TAG_STUDY_INSTANCE_UID, study,
                                                 DCM_TAG_SERIES_INSTANCE_UID, series,
                                                 DCM_TAG_INSTANCE_NUMBER, "10", 0);
  g_autoptr (GPtrArray) tenth = find (f, DIMSE_QR_MODEL_PATIENT_ROOT, by_number, 0);

  /* Instance number order 1, 2, 10 (numeric, not textual). */
  g_assert_cmpuint (results->len, ==, 3);
  assert_string (results, 0, DCM_TAG_SOP_INSTANCE_UID, first);
  assert_string (results, 0, DCM_TAG_INSTANCE_NUMBER, "1");
  assert_string (results, 1, DCM_TAG_INSTANCE_NUMBER, "2");
  assert_string (results, 2, DCM_TAG_INSTANCE_NUMBER, "10");
  /* Any short element is a return key; absent ones come back empty. */
  assert_string (results, 0, DCM_TAG_ROWS, "64");
  assert_string (results, 0, DCM_TAG_COLUMNS, NULL);
  assert_string (results, 0, DCM_TAG_PATIENT_ID, "P2");
  assert_string (results, 0, DCM_TAG_QUERY_RETRIEVE_LEVEL, "IMAGE");
  g_assert_cmpuint (tenth->len, ==, 1);
  assert_string (tenth, 0, DCM_TAG_INSTANCE_NUMBER, "10");
}

typedef struct {
  const char  *name;
  DimseQrModel model;
  const char  *level;
  guint32      tag;
  const char  *value;
  const char  *message_part;
} BadQuery;

static const BadQuery bad_queries[] = {
  { "no-level", DIMSE_QR_MODEL_STUDY_ROOT, NULL, DCM_TAG_PATIENT_ID, NULL, "Query/Retrieve Level" },
  { "unknown-level", DIMSE_QR_MODEL_STUDY_ROOT, "FOO", DCM_TAG_PATIENT_ID, NULL, "“FOO”" },
  { "patient-in-study-root", DIMSE_QR_MODEL_STUDY_ROOT, "PATIENT", DCM_TAG_PATIENT_ID, NULL,
    "Study Root" },
  { "series-without-study", DIMSE_QR_MODEL_STUDY_ROOT, "SERIES", DCM_TAG_MODALITY, "CT",
    "Study Instance UID" },
  { "study-without-patient", DIMSE_QR_MODEL_PATIENT_ROOT, "STUDY", DCM_TAG_STUDY_DATE, NULL,
    "Patient ID" },
  { "series-study-wildcard", DIMSE_QR_MODEL_STUDY_ROOT, "SERIES", DCM_TAG_STUDY_INSTANCE_UID,
    "1.2\\1.3", "single value" },
  { "bad-range", DIMSE_QR_MODEL_STUDY_ROOT, "STUDY", DCM_TAG_STUDY_DATE, "2020-01-01",
    "Study Date" },
};

static void
test_find_invalid (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_queries); i++)
    {
      const BadQuery *b = &bad_queries[i];
      g_autoptr (DcmDataSet) id = identifier (b->level, b->tag, b->value, 0);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) results = dimse_archive_index_find (f->index, b->model, id, 0, NULL,
                                                                &error);

      g_test_message ("%s: %s", b->name, error != NULL ? error->message : "(no error)");
      g_assert_null (results);
      g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID);
      g_assert_nonnull (strstr (error->message, b->message_part));
    }
}

static void
test_find_max_and_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (DcmDataSet) id = identifier ("STUDY", DCM_TAG_STUDY_INSTANCE_UID, NULL, 0);
  g_autoptr (GPtrArray) one = find (f, DIMSE_QR_MODEL_STUDY_ROOT, id, 1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autofree char *first = uid ("1");

  g_assert_cmpuint (one->len, ==, 1);
  assert_string (one, 0, DCM_TAG_STUDY_INSTANCE_UID, first);
  g_cancellable_cancel (cancellable);
  none = dimse_archive_index_find (f->index, DIMSE_QR_MODEL_STUDY_ROOT, id, 0, cancellable,
                                   &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_add_replace_remove (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "a", "3.dcm", NULL);
  g_autofree char *moved_sop = uid ("1.2.1");
  g_autofree char *sop = uid ("3.1.1");
  Spec moved = specs[2];

  /* The SR instance re-sent in the CT series: its old series goes. */
  moved.series = "1.1";
  moved.modality = "CT";
  moved.series_number = "2";
  write_spec (f->dir, &moved, NULL, NULL);
  g_assert_true (dimse_archive_index_add_file (f->index, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dimse_archive_index_get_n_instances (f->index), ==, 7);
  g_assert_cmpuint (dimse_archive_index_get_n_series (f->index), ==, 3);
  g_assert_cmpuint (f->n_changed, ==, 2);

  g_assert_true (dimse_archive_index_remove (f->index, moved_sop));
  g_assert_false (dimse_archive_index_remove (f->index, moved_sop));
  g_assert_cmpuint (dimse_archive_index_get_n_instances (f->index), ==, 6);
  /* Removing P2's three instances drops its series, study and patient. */
  for (guint i = 4; i < 7; i++)
    {
      g_autofree char *u = uid (specs[i].sop);
      g_assert_true (dimse_archive_index_remove (f->index, u));
    }
  g_assert_cmpuint (dimse_archive_index_get_n_patients (f->index), ==, 1);
  g_assert_cmpuint (dimse_archive_index_get_n_studies (f->index), ==, 2);
  g_assert_null (dimse_archive_index_lookup (f->index, sop));
  g_assert_cmpuint (f->n_changed, ==, 6);

  g_assert_false (dimse_archive_index_add_file (f->index, "/nonexistent/x.dcm", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
assert_selected (GPtrArray *instances, guint n, const char *first_sop)
{
  g_autofree char *expected = uid (first_sop);

  g_assert_nonnull (instances);
  g_assert_cmpuint (instances->len, ==, n);
  g_assert_cmpstr (((DimseArchiveInstance *) g_ptr_array_index (instances, 0))->sop_instance_uid,
                   ==, expected);
}

static void
test_select (Fixture *f, gconstpointer data)
{
  g_autofree char *s1 = uid ("1"), *s3 = uid ("3"), *series = uid ("3.1");
  g_autofree char *both = g_strconcat (s1, "\\", s3, NULL);
  g_autofree char *two_sops = g_strconcat (UID_ROOT "3.1.3\\", UID_ROOT "3.1.1", NULL);
  g_autoptr (DcmDataSet) studies = identifier ("STUDY", DCM_TAG_STUDY_INSTANCE_UID, both, 0);
  g_autoptr (DcmDataSet) patient = identifier ("PATIENT", DCM_TAG_PATIENT_ID, "P1", 0);
  g_autoptr (DcmDataSet) images = identifier ("IMAGE", DCM_TAG_STUDY_INSTANCE_UID, s3,
                                              DCM_TAG_SERIES_INSTANCE_UID, series,
                                              DCM_TAG_SOP_INSTANCE_UID, two_sops, 0);
  g_autoptr (DcmDataSet) missing = identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID, s1, 0);
  g_autoptr (DcmDataSet) wild = identifier ("PATIENT", DCM_TAG_PATIENT_ID, "P*", 0);
  g_autoptr (GPtrArray) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL;
  g_autoptr (GError) error = NULL;

  a = dimse_archive_index_select (f->index, DIMSE_QR_MODEL_STUDY_ROOT, studies, &error);
  g_assert_no_error (error);
  /* P1's study 1 (series 1.2 numbered 1 first), then P2's study 3. */
  assert_selected (a, 6, "1.2.1");
  b = dimse_archive_index_select (f->index, DIMSE_QR_MODEL_PATIENT_ROOT, patient, &error);
  g_assert_no_error (error);
  assert_selected (b, 4, "1.2.1");
  c = dimse_archive_index_select (f->index, DIMSE_QR_MODEL_STUDY_ROOT, images, &error);
  g_assert_no_error (error);
  assert_selected (c, 2, "3.1.1");
  d = dimse_archive_index_select (f->index, DIMSE_QR_MODEL_STUDY_ROOT, missing, &error);
  g_assert_null (d);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID);
  g_clear_error (&error);
  e = dimse_archive_index_select (f->index, DIMSE_QR_MODEL_PATIENT_ROOT, wild, &error);
  g_assert_null (e);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID);
}

static void
test_charset_response (Fixture *f, gconstpointer data)
{
  /* PS3.5 Annex H: Yamada^Tarou=山田^太郎=やまだ^たろう in ISO 2022 IR 87. */
  static const char yamada_utf8[] = "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e";
  Spec japanese = { "j/1.dcm", "J1", NULL, "9", "20220202", "090000", "9.1", "CT", "1", "9.1.1",
                    "1" };
  g_autofree char *path = g_build_filename (f->dir, japanese.file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DcmDataSet) id = identifier ("PATIENT", DCM_TAG_SPECIFIC_CHARACTER_SET, "ISO_IR 192",
                                          DCM_TAG_PATIENT_NAME,
                                          "\xe5\xb1\xb1\xe7\x94\xb0*", 0);
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *name = NULL;
  g_autofree char *charset = NULL;

  write_spec (f->dir, &japanese, "\\ISO 2022 IR 87", yamada_utf8);
  g_assert_true (dimse_archive_index_add_file (f->index, path, &error));
  g_assert_no_error (error);
  results = find (f, DIMSE_QR_MODEL_PATIENT_ROOT, id, 0);
  g_assert_cmpuint (results->len, ==, 1);
  /* Values come back in the record's character set. */
  charset = dcm_data_set_get_value_string (g_ptr_array_index (results, 0),
                                           DCM_TAG_SPECIFIC_CHARACTER_SET, NULL);
  g_assert_cmpstr (charset, ==, "\\ISO 2022 IR 87");
  name = dcm_data_set_dup_string (g_ptr_array_index (results, 0), DCM_TAG_PATIENT_NAME);
  g_assert_cmpstr (name, ==, yamada_utf8);
}

/* Instances of a series share what they have in common with its first:
 * what the first has and a later one lacks, and the reverse, stay apart. */
static void
test_instance_attrs_shared (Fixture *f, gconstpointer data)
{
  static const Spec series[] = {
    { "s/1.dcm", "P5", "Poe^Ed", "5", "20230101", "000000", "5.1", "CT", "1", "5.1.1", "1", "one" },
    { "s/2.dcm", "P5", "Poe^Ed", "5", "20230101", "000000", "5.1", "CT", "1", "5.1.2", "2", NULL },
    { "s/3.dcm", "P5", "Poe^Ed", "5", "20230101", "000000", "5.1", "CT", "1", "5.1.3", "3", "three" },
  };
  g_autofree char *study = uid ("5"), *series_uid = uid ("5.1");
  g_autoptr (DcmDataSet) id = identifier ("IMAGE", DCM_TAG_STUDY_INSTANCE_UID, study,
                                          DCM_TAG_SERIES_INSTANCE_UID, series_uid,
                                          DCM_TAG_IMAGE_COMMENTS, NULL, DCM_TAG_ROWS, NULL, 0);
  g_autoptr (DcmDataSet) matching = identifier ("IMAGE", DCM_TAG_STUDY_INSTANCE_UID, study,
                                                DCM_TAG_SERIES_INSTANCE_UID, series_uid,
                                                DCM_TAG_IMAGE_COMMENTS, "t*", 0);
  g_autoptr (GPtrArray) results = NULL, three = NULL;

  /* Added one by one, so that the first is known. */
  for (guint i = 0; i < G_N_ELEMENTS (series); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, series[i].file, NULL);
      g_autoptr (GError) error = NULL;

      write_spec (f->dir, &series[i], NULL, NULL);
      g_assert_true (dimse_archive_index_add_file (f->index, path, &error));
      g_assert_no_error (error);
    }
  results = find (f, DIMSE_QR_MODEL_STUDY_ROOT, id, 0);
  g_assert_cmpuint (results->len, ==, 3);
  assert_string (results, 0, DCM_TAG_IMAGE_COMMENTS, "one");
  assert_string (results, 1, DCM_TAG_IMAGE_COMMENTS, NULL);
  assert_string (results, 2, DCM_TAG_IMAGE_COMMENTS, "three");
  assert_string (results, 1, DCM_TAG_ROWS, "64");
  three = find (f, DIMSE_QR_MODEL_STUDY_ROOT, matching, 0);
  g_assert_cmpuint (three->len, ==, 1);
  assert_string (three, 0, DCM_TAG_IMAGE_COMMENTS, "three");
}

/* ---- threads ---- */

static gpointer
find_loop (gpointer data)
{
  Fixture *f = data;
  guint total = 0;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (DcmDataSet) id = identifier ("STUDY", DCM_TAG_STUDY_INSTANCE_UID, NULL,
                                              DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES, NULL, 0);
      g_autoptr (GPtrArray) results = dimse_archive_index_find (f->index,
                                                                DIMSE_QR_MODEL_STUDY_ROOT, id, 0,
                                                                NULL, NULL);
      g_assert_nonnull (results);
      g_assert_cmpuint (results->len, ==, 3);
      total += results->len;
    }
  return GUINT_TO_POINTER (total);
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  GThread *thread = g_thread_new ("find", find_loop, f);
  g_autofree char *path = g_build_filename (f->dir, specs[0].file, NULL);

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *sop = uid (specs[1].sop);

      g_assert_true (dimse_archive_index_add_file (f->index, path, &error));
      g_assert_no_error (error);
      if (i % 10 == 0)
        {
          g_autofree char *p2 = g_build_filename (f->dir, specs[1].file, NULL);
          g_assert_true (dimse_archive_index_remove (f->index, sop));
          g_assert_true (dimse_archive_index_add_file (f->index, p2, &error));
        }
    }
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (thread)), ==, 600);
  g_assert_cmpuint (dimse_archive_index_get_n_instances (f->index), ==, 7);
}

typedef struct {
  Fixture *f;
  gint     stop;
} ScanLoop;

static gpointer
scan_loop (gpointer data)
{
  ScanLoop *loop = data;

  while (!g_atomic_int_get (&loop->stop))
    g_assert_true (dimse_archive_index_scan (loop->f->index, NULL, NULL, NULL));
  return NULL;
}

/* Whatever the interleaving, files deleted and then removed from the
 * index stay out, even when the scan running meanwhile had read them. */
static void
test_scan_while_removing (Fixture *f, gconstpointer data)
{
  ScanLoop loop = { f, FALSE };
  GThread *thread;

  /* Fillers, so that a scan lasts long enough to be overtaken. */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *file = g_strdup_printf ("filler/%u.dcm", i);
      g_autofree char *sop = g_strdup_printf ("8.1.%u", i);
      Spec s = { file, "P8", "Filler", "8", "20000101", "000000", "8.1", "OT", "1", sop, "1" };

      write_spec (f->dir, &s, NULL, NULL);
    }
  thread = g_thread_new ("scan", scan_loop, &loop);
  g_usleep (30000);
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, specs[i].file, NULL);
      g_autofree char *sop = uid (specs[i].sop);

      g_assert_cmpint (g_unlink (path), ==, 0);
      dimse_archive_index_remove (f->index, sop);
    }
  g_atomic_int_set (&loop.stop, TRUE);
  g_thread_join (thread);
  g_assert_cmpuint (dimse_archive_index_get_n_instances (f->index), ==, 400);
  g_assert_cmpuint (dimse_archive_index_get_n_patients (f->index), ==, 1);
}

/* ---- a larger archive: a timing printout, not an assertion ---- */

static void
test_many_studies (void)
{
  g_auto (TestUtilTmpdir) dir = test_util_make_tmpdir ("archive-index-many");
  g_autoptr (DimseArchiveIndex) index = dimse_archive_index_new (dir);
  g_autoptr (DcmDataSet) id = identifier ("STUDY", DCM_TAG_PATIENT_NAME, "*^j*",
                                          DCM_TAG_STUDY_DATE, "20000101-",
                                          DCM_TAG_STUDY_INSTANCE_UID, NULL,
                                          DCM_TAG_MODALITIES_IN_STUDY, NULL,
                                          DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES, NULL, 0);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start;
  const guint n = 2000;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_strdup_printf ("%u/%u.dcm", i % 50, i);
      g_autofree char *patient = g_strdup_printf ("P%u", i % 500);
      g_autofree char *study = g_strdup_printf ("100.%u", i);
      g_autofree char *series = g_strdup_printf ("100.%u.1", i);
      g_autofree char *sop = g_strdup_printf ("100.%u.1.1", i);
      g_autofree char *date = g_strdup_printf ("20%02u0101", i % 25);
      Spec s = { file, patient, "Doe^John", study, date, "101010", series, "CT", "1", sop, "1" };

      write_spec (dir, &s, NULL, NULL);
    }
  start = g_get_monotonic_time ();
  g_assert_true (dimse_archive_index_scan (index, NULL, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("scan of %u files: %.1f ms", n, (g_get_monotonic_time () - start) / 1000.0);
  start = g_get_monotonic_time ();
  results = dimse_archive_index_find (index, DIMSE_QR_MODEL_STUDY_ROOT, id, 0, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("C-FIND over %u studies: %.1f ms", n, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (results->len, ==, n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/archive-index/" path, Fixture, NULL, fixture_set_up, fn, \
                                  fixture_tear_down)
  ADD ("scan/counts", test_scan_counts);
  ADD ("find/patient-root/patient", test_find_patient_level);
  ADD ("find/study-level/both-models", test_find_study_level);
  ADD ("find/series-level/both-models", test_find_series_level);
  ADD ("find/image-level/any-return-key", test_find_image_level);
  ADD ("find/invalid-identifiers", test_find_invalid);
  ADD ("find/max-results-and-cancel", test_find_max_and_cancel);
  ADD ("find/charset/record-set-kept", test_charset_response);
  ADD ("find/image-level/shared-attributes", test_instance_attrs_shared);
  ADD ("add-file/replace-and-remove", test_add_replace_remove);
  ADD ("select/levels", test_select);
  ADD ("threads/find-while-adding", test_threads);
  ADD ("threads/scan-while-removing", test_scan_while_removing);
#undef ADD
  g_test_add_func ("/archive-index/find/2000-studies", test_many_studies);
  return g_test_run ();
}
