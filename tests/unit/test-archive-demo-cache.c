/* test-archive-demo-cache.c — the demo archive kept between starts: its
 * stamp skips the generation when it matches and the files are there, and
 * anything else regenerates */
#include <string.h>
#include <glib/gstdio.h>

#include "dimse-archive-demo.h"
#include "test-util.h"

#define STAMP_NAME ".dimsebench-demo.stamp"

typedef struct {
  char                    *folder;
  DimseArchiveDemoOptions  options;
  char                    *first_file;   /* relative to folder */
  GBytes                  *first_bytes;  /* as generated */
} Fixture;

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The first .dcm under folder, three folders down (the generator's
 * PatientID/StudyUID/SeriesUID/ layout), in name order. */
static char *
first_generated_file (const char *folder, const char *relative, guint depth)
{
  g_autofree char *dir_path = g_build_filename (folder, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = relative[0] != '\0'
                                 ? g_build_filename (relative, names->pdata[i], NULL)
                                 : g_strdup (names->pdata[i]);
      char *found;

      if (depth == 3)
        {
          if (g_str_has_suffix (child, ".dcm"))
            return g_steal_pointer (&child);
          continue;
        }
      found = first_generated_file (folder, child, depth + 1);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GBytes *
read_bytes (const char *folder, const char *relative)
{
  g_autofree char *path = g_build_filename (folder, relative, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

static void
write_bytes (const char *folder, const char *relative, const void *data, gsize length)
{
  g_autofree char *path = g_build_filename (folder, relative, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
}

static guint
ensure (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (dimse_archive_demo_ensure (f->folder, &f->options, &n, NULL, &error));
  g_assert_no_error (error);
  return n;
}

/* Overwrites the first file with as many zero bytes: the same size, so
 * only a generation would bring its contents back. */
static void
blank_first_file (Fixture *f)
{
  g_autofree guint8 *zeros = g_malloc0 (g_bytes_get_size (f->first_bytes));

  write_bytes (f->folder, f->first_file, zeros, g_bytes_get_size (f->first_bytes));
}

static gboolean
first_file_is_generated (Fixture *f)
{
  g_autoptr(GBytes) now = read_bytes (f->folder, f->first_file);

  return g_bytes_equal (now, f->first_bytes);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  guint n;

  (void) data;
  f->folder = test_util_make_tmpdir ("test-demo-cache");
  f->options = (DimseArchiveDemoOptions) { 3, 77, TRUE };
  g_assert_false (dimse_archive_demo_is_current (f->folder, &f->options));
  n = ensure (f);
  g_assert_cmpuint (n, >, 0);
  g_assert_true (dimse_archive_demo_is_current (f->folder, &f->options));
  f->first_file = first_generated_file (f->folder, "", 0);
  g_assert_nonnull (f->first_file);
  f->first_bytes = read_bytes (f->folder, f->first_file);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  test_util_rmtree (f->folder);
  g_free (f->folder);
  g_free (f->first_file);
  g_bytes_unref (f->first_bytes);
}

/* The same count as a plain generation, and the stamp written. */
static void
test_first_generates (Fixture *f, gconstpointer data)
{
  g_autofree char *stamp = g_build_filename (f->folder, STAMP_NAME, NULL);
  g_autofree char *other = test_util_make_tmpdir ("test-demo-cache");
  g_autoptr(GError) error = NULL;
  guint n;

  (void) data;
  g_assert_true (g_file_test (stamp, G_FILE_TEST_IS_REGULAR));
  n = dimse_archive_demo_generate (other, &f->options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ensure (f), ==, n);
  test_util_rmtree (other);
}

static void
test_match_skips (Fixture *f, gconstpointer data)
{
  g_autofree char *stored = g_build_filename (f->folder, "1.2.3.dcm", NULL);
  guint n = ensure (f);

  (void) data;
  blank_first_file (f);
  /* a file the archive stored since is not the demo's business */
  g_assert_true (g_file_set_contents (stored, "x", 1, NULL));
  g_assert_cmpuint (ensure (f), ==, n);
  g_assert_false (first_file_is_generated (f));
}

static void
test_missing_file_regenerates (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->folder, f->first_file, NULL);
  guint n = ensure (f);

  (void) data;
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (dimse_archive_demo_is_current (f->folder, &f->options));
  g_assert_cmpuint (ensure (f), ==, n);
  g_assert_true (first_file_is_generated (f));
}

static void
test_other_size_regenerates (Fixture *f, gconstpointer data)
{
  (void) data;
  blank_first_file (f);
  write_bytes (f->folder, f->first_file, "short", 5);
  ensure (f);
  g_assert_true (first_file_is_generated (f));
}

static void
test_other_options_regenerate (Fixture *f, gconstpointer data)
{
  DimseArchiveDemoOptions same = f->options;

  (void) data;
  blank_first_file (f);
  f->options.seed = 78;
  g_assert_false (dimse_archive_demo_is_current (f->folder, &f->options));
  ensure (f);
  g_assert_true (dimse_archive_demo_is_current (f->folder, &f->options));
  g_assert_false (dimse_archive_demo_is_current (f->folder, &same));
  /* another seed writes other files: the blanked one stays as it was */
  g_assert_false (first_file_is_generated (f));
  f->options = same;
  f->options.small = FALSE;
  f->options.n_patients = 1;
  g_assert_false (dimse_archive_demo_is_current (f->folder, &f->options));
}

static void
test_bad_stamp_regenerates (Fixture *f, gconstpointer data)
{
  static const char *const stamps[] = {
    "",
    "[Demo Archive]\nGenerator=an older one\n",
    "not a key file",
  };

  (void) data;
  for (gsize i = 0; i < G_N_ELEMENTS (stamps); i++)
    {
      blank_first_file (f);
      write_bytes (f->folder, STAMP_NAME, stamps[i], strlen (stamps[i]));
      g_assert_false (dimse_archive_demo_is_current (f->folder, &f->options));
      ensure (f);
      g_assert_true (first_file_is_generated (f));
      g_assert_true (dimse_archive_demo_is_current (f->folder, &f->options));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/archive-demo-cache/first/generates", test_first_generates);
  ADD ("/archive-demo-cache/match/skips", test_match_skips);
  ADD ("/archive-demo-cache/missing-file/regenerates", test_missing_file_regenerates);
  ADD ("/archive-demo-cache/other-size/regenerates", test_other_size_regenerates);
  ADD ("/archive-demo-cache/other-options/regenerate", test_other_options_regenerate);
  ADD ("/archive-demo-cache/bad-stamp/regenerates", test_bad_stamp_regenerates);
#undef ADD
  return g_test_run ();
}
