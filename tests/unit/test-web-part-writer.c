/* test-web-part-writer.c — multipart parts into Part 10 files, atomically
 * (src/dimse/web/dimse-web-part-writer.c) */
#include <string.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dimse-web-error.h"
#include "dimse-web-part-writer.h"
#include "test-util.h"

static GBytes *
make_part10 (const char *data_set_uid, const char *meta_uid)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_NONE,
                                          DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                          meta_uid, NULL));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  /* The meta group is made from the data set; the data set may then say
   * otherwise. */
  g_assert_true (dcm_data_set_set_string (dcm_file_get_data_set (file), DCM_TAG_SOP_INSTANCE_UID,
                                          DCM_VR_UI, data_set_uid, NULL));
  return dcm_file_write_bytes (file, DCM_WRITE_DEFAULT, &error);
}

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Written in two pieces; only the whole part gets its name. */
static void
test_whole_part (void)
{
  g_auto (TestUtilTmpdir) dir = test_util_make_tmpdir ("web-part");
  g_autoptr(DimseWebPartWriter) writer = dimse_web_part_writer_new (dir);
  g_autoptr(GBytes) bytes = make_part10 ("1.2.3.9", "1.2.3.9");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sop_class_uid = NULL;
  g_autofree char *sop_instance_uid = NULL;
  g_autofree char *expected = g_build_filename (dir, "1.2.3.9.dcm", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0, size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  g_assert_true (dimse_web_part_writer_begin (writer, "application/dicom; transfer-syntax=*",
                                              &error));
  g_assert_true (dimse_web_part_writer_write (writer, data, 100, &error));
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
  g_assert_true (dimse_web_part_writer_write (writer, data + 100, size - 100, &error));
  path = dimse_web_part_writer_end (writer, &sop_class_uid, &sop_instance_uid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (sop_class_uid, ==, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE);
  g_assert_cmpstr (sop_instance_uid, ==, "1.2.3.9");
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, data, size);
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_assert_cmpuint (dimse_web_part_writer_get_n_written (writer), ==, 1);
}

/* A part abandoned, or the writer freed in the middle of one: no file. */
static void
test_abort (void)
{
  g_auto (TestUtilTmpdir) dir = test_util_make_tmpdir ("web-part");
  DimseWebPartWriter *writer = dimse_web_part_writer_new (dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_web_part_writer_begin (writer, NULL, &error));
  g_assert_true (dimse_web_part_writer_write (writer, (const guint8 *) "half", 4, &error));
  g_assert_cmpuint (count_files (dir), ==, 1);
  dimse_web_part_writer_abort (writer);
  g_assert_cmpuint (count_files (dir), ==, 0);
  g_assert_true (dimse_web_part_writer_begin (writer, NULL, &error));
  g_assert_true (dimse_web_part_writer_write (writer, (const guint8 *) "half", 4, &error));
  dimse_web_part_writer_free (writer);
  g_assert_cmpuint (count_files (dir), ==, 0);
}

static void
expect_refused (const char *content_type, GBytes *bytes, const char *words)
{
  g_auto (TestUtilTmpdir) dir = test_util_make_tmpdir ("web-part");
  g_autoptr(DimseWebPartWriter) writer = dimse_web_part_writer_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!dimse_web_part_writer_begin (writer, content_type, &error))
    {
      g_assert_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID);
    }
  else
    {
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (bytes, &size);

      g_assert_true (dimse_web_part_writer_write (writer, data, size, &error));
      path = dimse_web_part_writer_end (writer, NULL, NULL, &error);
      g_assert_null (path);
    }
  g_assert_nonnull (error);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  g_assert_cmpuint (count_files (dir), ==, 0);
}

static void
test_refused (void)
{
  g_autoptr(GBytes) unsafe = make_part10 ("1.2.3/../x", "1.2.3/../x");
  g_autoptr(GBytes) mismatch = make_part10 ("1.2.3.4", "1.2.3.5");
  g_autoptr(GBytes) text = g_bytes_new_static ("just text", 9);

  expect_refused ("application/octet-stream", text, "not application/dicom");
  expect_refused ("application/dicom", text, "is not a DICOM file");
  expect_refused ("application/dicom", unsafe, "fit for a file name");
  expect_refused ("application/dicom", mismatch, "in its File Meta Information");
}

/* What a process that died left behind goes; a part being written now,
 * and the archive's files, stay. */
static void
test_sweep (void)
{
  g_auto (TestUtilTmpdir) dir = test_util_make_tmpdir ("web-part");
  g_autofree char *old = g_build_filename (dir, ".dimse-web-old123", NULL);
  g_autofree char *fresh = g_build_filename (dir, ".dimse-web-new456", NULL);
  g_autofree char *kept = g_build_filename (dir, "1.2.3.dcm", NULL);
  struct utimbuf hour_ago = { time (NULL) - 3600, time (NULL) - 3600 };

  g_assert_true (g_file_set_contents (old, "x", -1, NULL));
  g_assert_true (g_file_set_contents (fresh, "x", -1, NULL));
  g_assert_true (g_file_set_contents (kept, "x", -1, NULL));
  g_assert_cmpint (g_utime (old, &hour_ago), ==, 0);
  g_assert_cmpint (g_utime (kept, &hour_ago), ==, 0);
  g_assert_cmpuint (dimse_web_part_writer_sweep (dir), ==, 1);
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/web/part-writer/whole-part", test_whole_part);
  g_test_add_func ("/web/part-writer/abort", test_abort);
  g_test_add_func ("/web/part-writer/refused", test_refused);
  g_test_add_func ("/web/part-writer/sweep", test_sweep);
  return g_test_run ();
}
