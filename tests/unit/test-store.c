/* test-store.c — the Storage SCP and SCU (src/dimse/services/dimse-store.c,
 * dimse-store-scu.c): file names from UIDs, the duplicates policy, stale
 * temporary files, and a data set large enough to be streamed */
#include "config.h"

#include <string.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "dcm-file.h"
#include "dcm-uid.h"
#include "dimse-store.h"
#include "test-store-server.h"
#include "test-wait.h"

/* The instance test-store-server.c writes as f->file. */
#define STORED_NAME "1.2.826.0.1.3680043.9.7777.1.dcm"
/* Over the SCU's threshold for sending from a stream (16 MiB). */
#define LARGE_PIXELS (17 * 1024 * 1024 + 3)

static void
test_safe_file_name (void)
{
  static const struct {
    const char *uid;
    gboolean    safe;
  } cases[] = {
    { "1.2.840.10008.5.1.4.1.1.2", TRUE },
    { "1.2.03.4", TRUE },           /* not a valid UID, but a harmless name */
    { "0", TRUE },
    { "../../x", FALSE },
    { "1.2/3", FALSE },
    { "..", FALSE },
    { ".", FALSE },
    { ".1.2", FALSE },
    { "1.2.", FALSE },
    { "1..2", FALSE },
    { "", FALSE },
    { "1.2.3 ", FALSE },
    { "1.2\\3", FALSE },
    { "1234567890.1234567890.1234567890.1234567890.1234567890.123456789", TRUE },   /* 64 */
    { "1234567890.1234567890.1234567890.1234567890.1234567890.1234567890", FALSE }, /* 65 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("UID “%s”", cases[i].uid);
      g_assert_cmpint (dimse_store_uid_is_safe_file_name (cases[i].uid), ==, cases[i].safe);
    }
  g_assert_false (dimse_store_uid_is_safe_file_name (NULL));
}

static guint64
stored_inode (TestStoreServer *f)
{
  g_autofree char *path = g_build_filename (f->folder, STORED_NAME, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  /* never executable (issue #9) */
  g_assert_cmpint (st.st_mode & 0111, ==, 0);
  return (guint64) st.st_ino;
}

/* Stores f->file twice on one association; TRUE when the second copy
 * replaced the first. */
static gboolean
store_twice (TestStoreServer *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) assoc = NULL;
  guint64 first;

  test_store_server_start (f);
  assoc = test_store_server_request (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmphex (test_store_server_store (f, assoc), ==, DIMSE_STORE_STATUS_SUCCESS);
  first = stored_inode (f);
  g_assert_cmphex (test_store_server_store (f, assoc), ==, DIMSE_STORE_STATUS_SUCCESS);
  test_store_server_release (assoc);
  /* one file, no temporary left */
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
  return stored_inode (f) != first;
}

static void
test_duplicate_replace (TestStoreServer *f, gconstpointer data)
{
  g_assert_true (store_twice (f));
  g_assert_cmpint (dimse_store_scp_get_duplicate_policy (f->scp), ==,
                   DIMSE_STORE_DUPLICATE_REPLACE);
}

static void
on_kept (DimseStoreScp *scp, DimseAssociation *assoc, DimseMessage *request, guint status,
         const char *path, const char *comment, gpointer user_data)
{
  guint *n_kept = user_data;

  if (status == DIMSE_STORE_STATUS_SUCCESS && comment != NULL)
    {
      g_assert_nonnull (strstr (comment, "earlier copy is kept"));
      g_assert_true (g_str_has_suffix (path, STORED_NAME));
      (*n_kept)++;
    }
}

static void
test_duplicate_keep_first (TestStoreServer *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) assoc = NULL;
  guint64 first;
  guint n_kept = 0;

  test_store_server_start (f);
  dimse_store_scp_set_duplicate_policy (f->scp, DIMSE_STORE_DUPLICATE_KEEP_FIRST);
  g_signal_connect (f->scp, "instance-stored", G_CALLBACK (on_kept), &n_kept);
  assoc = test_store_server_request (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmphex (test_store_server_store (f, assoc), ==, DIMSE_STORE_STATUS_SUCCESS);
  first = stored_inode (f);
  g_assert_cmpuint (n_kept, ==, 0);
  g_assert_cmphex (test_store_server_store (f, assoc), ==, DIMSE_STORE_STATUS_SUCCESS);
  test_store_server_release (assoc);
  g_assert_cmpuint (n_kept, ==, 1);
  g_assert_cmpuint (stored_inode (f), ==, first);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
}

/* Files finished by the writer thread, several instances in a row on two
 * associations: each answered Success, its file in place, none pending. */
static void
test_background_sync (TestStoreServer *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) a = NULL;
  g_autoptr(DimseAssociation) b = NULL;

  test_store_server_start (f);
  dimse_store_scp_set_background_sync (f->scp, TRUE);
  a = test_store_server_request (f, NULL, &error);
  g_assert_no_error (error);
  b = test_store_server_request (f, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmphex (test_store_server_store (f, a), ==, DIMSE_STORE_STATUS_SUCCESS);
      g_assert_cmphex (test_store_server_store (f, b), ==, DIMSE_STORE_STATUS_SUCCESS);
    }
  test_store_server_release (a);
  test_store_server_release (b);
  g_assert_cmpuint (f->n_stored, ==, 6);
  g_assert_cmpuint (dimse_store_scp_get_n_pending (f->scp), ==, 0);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
  stored_inode (f);
}

static void
test_sweep_stale (TestStoreServer *f, gconstpointer data)
{
  g_autofree char *stale = g_build_filename (f->folder, ".dimse-store-Stale1.part", NULL);
  g_autofree char *fresh = g_build_filename (f->folder, ".dimse-store-Fresh1.part", NULL);
  g_autofree char *other = g_build_filename (f->folder, "notes.txt", NULL);
  struct utimbuf old = { 1000000000, 1000000000 };

  g_assert_true (g_file_set_contents (stale, "partial", -1, NULL));
  g_assert_true (g_file_set_contents (fresh, "partial", -1, NULL));
  g_assert_true (g_file_set_contents (other, "mine", -1, NULL));
  g_assert_cmpint (g_utime (stale, &old), ==, 0);
  g_assert_cmpint (g_utime (other, &old), ==, 0);
  test_store_server_start (f);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
}

static void
write_large_instance (const char *path)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc (LARGE_PIXELS);

  for (gsize i = 0; i < LARGE_PIXELS; i++)
    pixels[i] = (guint8) (i * 131 + (i >> 16));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI,
                                          DCM_UID_CT_IMAGE_STORAGE, &error));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                          "1.2.826.0.1.3680043.9.7777.1", &error));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels, LARGE_PIXELS,
                                       &error));
  file = dcm_file_new (ds, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
}

/* The SCU sends it from the file in chunks; the SCP writes it as it comes:
 * the stored file is the sent one, byte for byte (both Part 10 headers are
 * ours, from the same UIDs). */
static void
test_large_streamed (TestStoreServer *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autofree char *stored = g_build_filename (f->folder, STORED_NAME, NULL);
  g_autofree char *sent_bytes = NULL, *stored_bytes = NULL;
  gsize sent_length = 0, stored_length = 0;

  write_large_instance (f->file);
  test_store_server_start (f);
  assoc = test_store_server_request (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmphex (test_store_server_store (f, assoc), ==, DIMSE_STORE_STATUS_SUCCESS);
  /* the association goes on after a streamed data set */
  test_store_server_echo (assoc);
  test_store_server_release (assoc);
  g_assert_true (g_file_get_contents (f->file, &sent_bytes, &sent_length, NULL));
  g_assert_true (g_file_get_contents (stored, &stored_bytes, &stored_length, NULL));
  g_assert_cmpuint (sent_length, >, LARGE_PIXELS);
  g_assert_cmpuint (stored_length, ==, sent_length);
  g_assert_true (memcmp (sent_bytes, stored_bytes, sent_length) == 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/uid/safe-file-name", test_safe_file_name);
  g_test_add ("/store/scp/duplicates/replace", TestStoreServer, NULL,
              test_store_server_set_up, test_duplicate_replace, test_store_server_tear_down);
  g_test_add ("/store/scp/duplicates/keep-first", TestStoreServer, NULL,
              test_store_server_set_up, test_duplicate_keep_first, test_store_server_tear_down);
  g_test_add ("/store/scp/background-sync", TestStoreServer, NULL,
              test_store_server_set_up, test_background_sync, test_store_server_tear_down);
  g_test_add ("/store/scp/sweep-stale", TestStoreServer, NULL,
              test_store_server_set_up, test_sweep_stale, test_store_server_tear_down);
  g_test_add ("/store/scu/large-streamed", TestStoreServer, NULL,
              test_store_server_set_up, test_large_streamed, test_store_server_tear_down);
  return g_test_run ();
}
