/* dimse-archive-demo-cache.c — the demo archive kept between starts: a
 * stamp in its folder says which generator and options wrote which files,
 * so that a start finding them all in place skips the generation */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dcm-uid.h"
#include "dimse-archive-demo.h"

/* Hidden, so that the archive's index does not read it. */
#define DEMO_STAMP_NAME  ".dimsebench-demo.stamp"
#define DEMO_STAMP_GROUP "Demo Archive"
/* Raise it whenever dimse-archive-demo.c writes other bytes for the same
 * options: a stamp of another revision is stale. */
#define DEMO_GENERATOR_REVISION 1

typedef struct {
  char     *generator;
  guint     seed;
  guint     n_patients;
  gboolean  small;
} DemoStampKey;

static void
stamp_key_init (DemoStampKey *key, const DimseArchiveDemoOptions *options)
{
  /* The implementation version is in every file (Software Versions). */
  key->generator = g_strdup_printf ("%s demo generator %d", DCM_IMPLEMENTATION_VERSION_NAME,
                                    DEMO_GENERATOR_REVISION);
  key->seed = options != NULL ? options->seed : 0;
  key->n_patients = options != NULL ? options->n_patients : 0;
  key->small = options != NULL && options->small;
}

static void
stamp_key_clear (DemoStampKey *key)
{
  g_clear_pointer (&key->generator, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DemoStampKey, stamp_key_clear)

static char *
stamp_path (const char *folder)
{
  return g_build_filename (folder, DEMO_STAMP_NAME, NULL);
}

static gboolean
file_size (const char *path, guint64 *out_size)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  *out_size = (guint64) st.st_size;
  return TRUE;
}

/* The stamp's files, each still there with the size it had when written. */
static gboolean
stamp_files_present (GKeyFile *stamp, const char *folder)
{
  g_auto(GStrv) files = NULL;
  gsize n_files = 0;
  guint64 total = 0;
  guint64 want_total;
  GError *error = NULL;

  files = g_key_file_get_string_list (stamp, DEMO_STAMP_GROUP, "Files", &n_files, NULL);
  want_total = g_key_file_get_uint64 (stamp, DEMO_STAMP_GROUP, "Bytes", &error);
  if (files == NULL || error != NULL || n_files == 0 || n_files > G_MAXUINT)
    {
      g_clear_error (&error);
      return FALSE;
    }
  for (gsize i = 0; i < n_files; i++)
    {
      g_autofree char *path = NULL;
      guint64 size;

      if (g_path_is_absolute (files[i]) || strstr (files[i], "..") != NULL)
        return FALSE;
      path = g_build_filename (folder, files[i], NULL);
      if (!file_size (path, &size))
        return FALSE;
      total += size;
    }
  return total == want_total;
}

static gboolean
stamp_matches (const char *folder, const DimseArchiveDemoOptions *options,
               guint *out_n_instances)
{
  g_autoptr(GKeyFile) stamp = g_key_file_new ();
  g_autofree char *path = stamp_path (folder);
  g_autofree char *generator = NULL;
  g_auto(DemoStampKey) key = { 0 };
  GError *error = NULL;
  guint seed = 0, n_patients = 0, n_instances = 0;
  gboolean small = FALSE;

  if (!g_key_file_load_from_file (stamp, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  stamp_key_init (&key, options);
  generator = g_key_file_get_string (stamp, DEMO_STAMP_GROUP, "Generator", NULL);
  seed = (guint) g_key_file_get_uint64 (stamp, DEMO_STAMP_GROUP, "Seed", &error);
  if (error == NULL)
    n_patients = (guint) g_key_file_get_uint64 (stamp, DEMO_STAMP_GROUP, "Patients", &error);
  if (error == NULL)
    small = g_key_file_get_boolean (stamp, DEMO_STAMP_GROUP, "Small", &error);
  if (error == NULL)
    n_instances = (guint) g_key_file_get_uint64 (stamp, DEMO_STAMP_GROUP, "Instances", &error);
  if (error != NULL)
    {
      g_error_free (error);
      return FALSE;
    }
  if (g_strcmp0 (generator, key.generator) != 0 || seed != key.seed
      || n_patients != key.n_patients || small != key.small
      || !stamp_files_present (stamp, folder))
    return FALSE;
  *out_n_instances = n_instances;
  return TRUE;
}

gboolean
dimse_archive_demo_is_current (const char *folder, const DimseArchiveDemoOptions *options)
{
  guint n_instances;

  g_return_val_if_fail (folder != NULL, FALSE);
  return stamp_matches (folder, options, &n_instances);
}

/* ---- after a generation: the files written, and the stamp ---- */

/* The generator writes under PatientID/StudyUID/SeriesUID/; the archive's
 * own stores go to the top of the folder and are not the demo's. Files an
 * earlier generation with other options left there are listed too: they
 * are served alike. */
static gboolean
list_generated (const char *folder, const char *relative, guint depth, GPtrArray *files,
                guint64 *total, GError **error)
{
  g_autofree char *dir_path = g_build_filename (folder, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative[0] != '\0' ? g_build_filename (relative, name, NULL)
                                                   : g_strdup (name);
      g_autofree char *child_path = g_build_filename (folder, child, NULL);
      guint64 size;

      if (name[0] == '.')
        continue;
      if (depth < 3 && g_file_test (child_path, G_FILE_TEST_IS_DIR))
        {
          if (!list_generated (folder, child, depth + 1, files, total, error))
            return FALSE;
        }
      else if (depth == 3 && g_str_has_suffix (name, ".dcm") && file_size (child_path, &size))
        {
          *total += size;
          g_ptr_array_add (files, g_steal_pointer (&child));
        }
    }
  return TRUE;
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
write_stamp (const char *folder, const DimseArchiveDemoOptions *options, guint n_instances,
             GError **error)
{
  g_autoptr(GKeyFile) stamp = g_key_file_new ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = stamp_path (folder);
  g_autofree char *data = NULL;
  g_auto(DemoStampKey) key = { 0 };
  guint64 total = 0;
  gsize length;

  if (!list_generated (folder, "", 0, files, &total, error))
    return FALSE;
  if (files->len < n_instances)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The demo archive in “%s” holds %u generated files where %u were written; "
                   "is another program removing them?", folder, files->len, n_instances);
      return FALSE;
    }
  g_ptr_array_sort (files, compare_paths);
  stamp_key_init (&key, options);
  g_key_file_set_string (stamp, DEMO_STAMP_GROUP, "Generator", key.generator);
  g_key_file_set_uint64 (stamp, DEMO_STAMP_GROUP, "Seed", key.seed);
  g_key_file_set_uint64 (stamp, DEMO_STAMP_GROUP, "Patients", key.n_patients);
  g_key_file_set_boolean (stamp, DEMO_STAMP_GROUP, "Small", key.small);
  g_key_file_set_uint64 (stamp, DEMO_STAMP_GROUP, "Instances", n_instances);
  g_key_file_set_uint64 (stamp, DEMO_STAMP_GROUP, "Bytes", total);
  g_key_file_set_string_list (stamp, DEMO_STAMP_GROUP, "Files",
                              (const char *const *) files->pdata, files->len);
  data = g_key_file_to_data (stamp, &length, NULL);
  /* A temporary file renamed into place: a stamp is whole or absent. */
  return g_file_set_contents (path, data, (gssize) length, error);
}

gboolean
dimse_archive_demo_ensure (const char *folder, const DimseArchiveDemoOptions *options,
                           guint *out_n_instances, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = NULL;
  GError *local = NULL;
  guint n_instances;

  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (stamp_matches (folder, options, &n_instances))
    {
      if (out_n_instances != NULL)
        *out_n_instances = n_instances;
      return TRUE;
    }
  /* Gone before the first file is replaced: an interrupted generation
   * leaves no stamp that would vouch for it. */
  path = stamp_path (folder);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not remove the demo archive's stamp “%s”: %s.", path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  n_instances = dimse_archive_demo_generate (folder, options, cancellable, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!write_stamp (folder, options, n_instances, error))
    return FALSE;
  if (out_n_instances != NULL)
    *out_n_instances = n_instances;
  return TRUE;
}
