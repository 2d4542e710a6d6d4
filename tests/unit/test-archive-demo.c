/* test-archive-demo.c — the generated demo archive */
#include <string.h>
#include <glib/gstdio.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dimse-archive-demo.h"
#include "test-util.h"

/* Every regular file under root, as paths relative to it, sorted. */
static void
collect_files (const char *root, const char *relative, GPtrArray *out)
{
  g_autofree char *dir_path = g_build_filename (root, relative, NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative[0] != '\0' ? g_build_filename (relative, name, NULL)
                                                  : g_strdup (name);
      g_autofree char *full = g_build_filename (root, child, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        collect_files (root, child, out);
      else
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_files (const char *root)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  collect_files (root, "", files);
  g_ptr_array_sort (files, compare_paths);
  return files;
}

static guint
generate (const char *folder, guint n_patients, guint seed, gboolean small)
{
  DimseArchiveDemoOptions options = { n_patients, seed, small };
  g_autoptr (GError) error = NULL;
  guint n = dimse_archive_demo_generate (folder, &options, NULL, &error);

  g_assert_no_error (error);
  return n;
}

static DcmFile *
read_file (const char *root, const char *relative)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr (GError) error = NULL;
  DcmFile *file = dcm_file_read_path (path, NULL, DCM_FILE_READ_DEFAULT, &error);

  g_assert_no_error (error);
  return file;
}

static gboolean
bytes_contain (GBytes *bytes, const void *needle, gsize needle_len)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (data + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static void
test_deterministic (void)
{
  g_auto (TestUtilTmpdir) a = test_util_make_tmpdir ("demo-a");
  g_auto (TestUtilTmpdir) b = test_util_make_tmpdir ("demo-b");
  guint na = generate (a, 12, 0, TRUE);
  guint nb = generate (b, 12, 0, TRUE);
  g_autoptr (GPtrArray) files_a = list_files (a);
  g_autoptr (GPtrArray) files_b = list_files (b);

  g_assert_cmpuint (na, >, 0);
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpuint (files_a->len, ==, na);
  g_assert_cmpuint (files_b->len, ==, nb);
  for (guint i = 0; i < files_a->len; i++)
    {
      g_autofree char *path_a = g_build_filename (a, files_a->pdata[i], NULL);
      g_autofree char *path_b = g_build_filename (b, files_b->pdata[i], NULL);
      g_autofree char *data_a = NULL, *data_b = NULL;
      gsize len_a, len_b;

      g_assert_cmpstr (files_a->pdata[i], ==, files_b->pdata[i]);
      g_assert_true (g_file_get_contents (path_a, &data_a, &len_a, NULL));
      g_assert_true (g_file_get_contents (path_b, &data_b, &len_b, NULL));
      g_assert_cmpmem (data_a, len_a, data_b, len_b);
    }
}

static void
test_seed (void)
{
  g_auto (TestUtilTmpdir) a = test_util_make_tmpdir ("demo-a");
  g_auto (TestUtilTmpdir) b = test_util_make_tmpdir ("demo-b");
  g_autoptr (GPtrArray) files_a = NULL;
  g_autoptr (GPtrArray) files_b = NULL;

  generate (a, 2, 1, TRUE);
  generate (b, 2, 2, TRUE);
  files_a = list_files (a);
  files_b = list_files (b);
  for (guint i = 0; i < files_a->len; i++)
    for (guint j = 0; j < files_b->len; j++)
      g_assert_cmpstr (strrchr (files_a->pdata[i], '/'), !=, strrchr (files_b->pdata[j], '/'));
}

/* What one pass over the default archive found. */
typedef struct {
  GHashTable *patient_ids;
  GHashTable *modalities;    /* modality → SOP Class UID */
  GHashTable *charsets;      /* Specific Character Set value → count */
  GHashTable *names;         /* decoded Patient's Name → its raw bytes */
  GHashTable *instance_uids;
} Survey;

static void
survey_clear (Survey *s)
{
  g_hash_table_unref (s->patient_ids);
  g_hash_table_unref (s->modalities);
  g_hash_table_unref (s->charsets);
  g_hash_table_unref (s->names);
  g_hash_table_unref (s->instance_uids);
}

static void
assert_uid (DcmDataSet *ds, guint32 tag)
{
  g_autofree char *uid = dcm_data_set_dup_string (ds, tag);

  g_assert_nonnull (uid);
  g_assert_true (dcm_uid_is_valid (uid));
}

static void
assert_clean (DcmDataSet *ds, const char *path)
{
  g_autoptr (GPtrArray) issues = dcm_data_set_validate (ds);

  for (guint i = 0; i < issues->len; i++)
    {
      DcmValidationIssue *issue = issues->pdata[i];

      g_test_message ("%s: %s: %s", path, issue->path, issue->message);
    }
  g_assert_cmpuint (issues->len, ==, 0);
}

static void
survey_file (Survey *s, const char *root, const char *relative)
{
  g_autoptr (DcmFile) file = read_file (root, relative);
  DcmDataSet *ds = dcm_file_get_data_set (file);
  DcmDataSet *meta = dcm_file_get_meta (file);
  g_autofree char *sop_instance = dcm_data_set_dup_string (ds, DCM_TAG_SOP_INSTANCE_UID);
  g_autofree char *file_name = g_strconcat (sop_instance, ".dcm", NULL);
  g_autofree char *charset = dcm_data_set_get_value_string (ds, DCM_TAG_SPECIFIC_CHARACTER_SET,
                                                            NULL);
  g_autofree char *name = dcm_data_set_dup_string (ds, DCM_TAG_PATIENT_NAME);
  const DcmElement *raw_name = dcm_data_set_lookup (ds, DCM_TAG_PATIENT_NAME);

  assert_clean (ds, relative);
  assert_uid (ds, DCM_TAG_SOP_INSTANCE_UID);
  assert_uid (ds, DCM_TAG_STUDY_INSTANCE_UID);
  assert_uid (ds, DCM_TAG_SERIES_INSTANCE_UID);
  assert_uid (meta, DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID);
  g_assert_true (g_str_has_suffix (relative, file_name));
  g_assert_true (g_str_has_prefix (sop_instance, "2.25."));
  g_assert_true (g_hash_table_add (s->instance_uids, g_steal_pointer (&sop_instance)));
  g_assert_cmpstr (dcm_file_get_transfer_syntax_uid (file), ==, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_hash_table_add (s->patient_ids, dcm_data_set_dup_string (ds, DCM_TAG_PATIENT_ID));
  g_hash_table_replace (s->modalities, dcm_data_set_dup_string (ds, DCM_TAG_MODALITY),
                        dcm_data_set_dup_string (ds, DCM_TAG_SOP_CLASS_UID));
  g_assert_nonnull (charset);
  g_hash_table_replace (s->charsets, g_strdup (charset),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (s->charsets,
                                                                                 charset)) + 1));
  g_assert_nonnull (name);
  g_assert_nonnull (raw_name);
  g_assert_cmpint (raw_name->kind, ==, DCM_VALUE_BYTES);
  g_hash_table_replace (s->names, g_steal_pointer (&name), g_bytes_ref (raw_name->value.bytes));
}

static void
assert_name (Survey *s, const char *utf8, const void *raw, gsize raw_len)
{
  GBytes *bytes = g_hash_table_lookup (s->names, utf8);

  g_assert_nonnull (bytes);
  g_assert_true (bytes_contain (bytes, raw, raw_len));
}

static void
test_contents (void)
{
  g_auto (TestUtilTmpdir) root = test_util_make_tmpdir ("demo");
  guint n = generate (root, 0, 0, TRUE);
  g_autoptr (GPtrArray) files = list_files (root);
  Survey s = {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };
  /* "Müller" in ISO 8859-1; "山田" as JIS X 0208 after ESC $ B (PS3.5 H.3.1) */
  static const guint8 muller[] = { 'M', 0xfc, 'l', 'l', 'e', 'r' };
  static const guint8 orsted[] = { 0xd8, 'r', 's', 't', 'e', 'd', '^', 0xc5, 's', 'e' };
  static const guint8 yamada[] = { 0x1b, '$', 'B', 0x3b, 0x33, 0x45, 0x44 };

  g_assert_cmpuint (n, ==, files->len);
  g_assert_cmpuint (n, >=, 36 * 2);
  for (guint i = 0; i < files->len; i++)
    survey_file (&s, root, files->pdata[i]);

  g_assert_cmpuint (g_hash_table_size (s.patient_ids), ==, 36);
  g_assert_cmpuint (g_hash_table_size (s.names), ==, 36);
  g_assert_cmpuint (g_hash_table_size (s.modalities), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (s.modalities, "CT"), ==, DCM_UID_CT_IMAGE_STORAGE);
  g_assert_cmpstr (g_hash_table_lookup (s.modalities, "MR"), ==, DCM_UID_MR_IMAGE_STORAGE);
  g_assert_cmpstr (g_hash_table_lookup (s.modalities, "CR"), ==,
                   DCM_UID_COMPUTED_RADIOGRAPHY_IMAGE_STORAGE);
  g_assert_cmpstr (g_hash_table_lookup (s.modalities, "US"), ==, DCM_UID_ULTRASOUND_IMAGE_STORAGE);
  g_assert_cmpuint (g_hash_table_size (s.charsets), ==, 3);
  g_assert_true (g_hash_table_contains (s.charsets, "ISO_IR 100"));
  g_assert_true (g_hash_table_contains (s.charsets, "ISO_IR 192"));
  g_assert_true (g_hash_table_contains (s.charsets, "\\ISO 2022 IR 87"));
  assert_name (&s, "Müller^Jürgen", muller, sizeof muller);
  assert_name (&s, "Ørsted^Åse", orsted, sizeof orsted);
  assert_name (&s, "Papadopoulos^Giorgos=Παπαδόπουλος^Γιώργος", "Παπαδόπουλος",
               strlen ("Παπαδόπουλος"));
  assert_name (&s, "Wang^XiaoDong=王^小東", "王", strlen ("王"));
  assert_name (&s, "Yamada^Tarou=山田^太郎=やまだ^たろう", yamada, sizeof yamada);
  survey_clear (&s);
}

static void
assert_image (DcmDataSet *ds, const char *modality, guint64 size, guint64 bytes_per_sample)
{
  g_autofree char *m = dcm_data_set_dup_string (ds, DCM_TAG_MODALITY);
  const DcmElement *pixels = dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA);
  guint64 rows = 0, columns = 0, bits = 0;

  if (g_strcmp0 (m, modality) != 0)
    return;
  g_assert_true (dcm_data_set_get_uint64 (ds, DCM_TAG_ROWS, 0, &rows, NULL));
  g_assert_true (dcm_data_set_get_uint64 (ds, DCM_TAG_COLUMNS, 0, &columns, NULL));
  g_assert_true (dcm_data_set_get_uint64 (ds, DCM_TAG_BITS_ALLOCATED, 0, &bits, NULL));
  g_assert_cmpuint (rows, ==, size);
  g_assert_cmpuint (columns, ==, size);
  g_assert_cmpuint (bits, ==, bytes_per_sample * 8);
  g_assert_nonnull (pixels);
  g_assert_cmpuint (pixels->kind, ==, DCM_VALUE_BYTES);
  g_assert_cmpuint (g_bytes_get_size (pixels->value.bytes), ==, size * size * bytes_per_sample);
}

static void
check_sizes (gboolean small)
{
  g_auto (TestUtilTmpdir) root = test_util_make_tmpdir ("demo");
  guint n = generate (root, 4, 0, small);
  g_autoptr (GPtrArray) files = list_files (root);

  g_assert_cmpuint (n, ==, files->len);
  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr (DcmFile) file = read_file (root, files->pdata[i]);
      DcmDataSet *ds = dcm_file_get_data_set (file);

      assert_image (ds, "CT", small ? 8 : 256, 2);
      assert_image (ds, "MR", small ? 8 : 128, 2);
      assert_image (ds, "CR", small ? 8 : 256, 2);
      assert_image (ds, "US", small ? 8 : 128, 1);
    }
}

static void
test_small (void)
{
  check_sizes (TRUE);
}

static void
test_full_size (void)
{
  check_sizes (FALSE);
}

/* The default archive is what a new user sees first: all of it at full
 * size, and within the ~60 MB the application budgets for it. */
static void
test_default_size (void)
{
  g_auto (TestUtilTmpdir) root = test_util_make_tmpdir ("demo");
  guint n = generate (root, 0, 0, FALSE);
  g_autoptr (GPtrArray) files = list_files (root);
  guint64 total = 0;

  g_assert_cmpuint (n, ==, files->len);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_build_filename (root, files->pdata[i], NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      total += st.st_size;
    }
  g_assert_cmpuint (total, >, 10 * 1000 * 1000);
  g_assert_cmpuint (total, <, 60 * 1000 * 1000);
}

static void
test_cancelled (void)
{
  g_auto (TestUtilTmpdir) root = test_util_make_tmpdir ("demo");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) files = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (dimse_archive_demo_generate (root, NULL, cancellable, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  files = list_files (root);
  g_assert_cmpuint (files->len, ==, 0);
}

/* A folder that cannot be made: a G_IO_ERROR, as the header promises. */
static void
test_folder_is_a_file (void)
{
  g_auto (TestUtilTmpdir) root = test_util_make_tmpdir ("demo");
  g_autofree char *path = g_build_filename (root, "not-a-folder", NULL);
  DimseArchiveDemoOptions options = { 1, 0, TRUE };
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "x", 1, NULL));
  g_assert_cmpuint (dimse_archive_demo_generate (path, &options, NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, path));
}

/* A folder in the place of a file: writing fails, as a G_IO_ERROR. */
static void
test_file_is_a_folder (void)
{
  g_auto (TestUtilTmpdir) a = test_util_make_tmpdir ("demo-a");
  g_auto (TestUtilTmpdir) b = test_util_make_tmpdir ("demo-b");
  DimseArchiveDemoOptions options = { 1, 0, TRUE };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autofree char *blocker = NULL;

  generate (a, 1, 0, TRUE);
  files = list_files (a);
  blocker = g_build_filename (b, files->pdata[0], NULL);
  g_assert_cmpint (g_mkdir_with_parents (blocker, 0755), ==, 0);
  g_assert_cmpuint (dimse_archive_demo_generate (b, &options, NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
}

static void
test_default_folder (void)
{
  g_autofree char *folder = dimse_archive_demo_default_folder ();
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "dimsebench",
                                                "demo-archive", NULL);

  g_assert_cmpstr (folder, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/archive-demo/deterministic", test_deterministic);
  g_test_add_func ("/archive-demo/seed-changes-uids", test_seed);
  g_test_add_func ("/archive-demo/contents", test_contents);
  g_test_add_func ("/archive-demo/small", test_small);
  g_test_add_func ("/archive-demo/full-size", test_full_size);
  g_test_add_func ("/archive-demo/default-size", test_default_size);
  g_test_add_func ("/archive-demo/cancelled", test_cancelled);
  g_test_add_func ("/archive-demo/folder-is-a-file", test_folder_is_a_file);
  g_test_add_func ("/archive-demo/file-is-a-folder", test_file_is_a_folder);
  g_test_add_func ("/archive-demo/default-folder", test_default_folder);
  return g_test_run ();
}
