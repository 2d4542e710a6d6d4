/* standalone-main.c — runs a fuzz target once on each file of its corpus,
 * so that builds without libFuzzer (gcc) still exercise the targets.
 *
 *   fuzz-smoke-TARGET FILE-OR-FOLDER…
 */
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
run_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autofree guint8 *copy = NULL;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  /* An exact-size copy, so that ASan sees any read past the input. */
  copy = g_memdup2 (data, len);
  LLVMFuzzerTestOneInput (copy, len);
  return 0;
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static int
run_path (const char *path, guint *count)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;
  int failures = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      (*count)++;
      return run_file (path);
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return 1;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    failures += run_path (g_ptr_array_index (names, i), count);
  return failures;
}

int
main (int argc, char **argv)
{
  guint count = 0;
  int failures = 0;

  for (int i = 1; i < argc; i++)
    failures += run_path (argv[i], &count);
  printf ("ran %u inputs\n", count);
  if (count == 0)
    return 1;
  return failures > 0;
}
