/* dimse-archive-worklist.c — the archive's Modality Worklist (PS3.4
 * Annex K): its items, from a folder, in memory or the demo's, and the
 * matching of a C-FIND identifier against each (§K.4.1.3) */
#include "config.h"

#include "dimse-archive-worklist.h"

#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dimse-error.h"

typedef enum {
  WORKLIST_ITEMS,
  WORKLIST_FOLDER,
  WORKLIST_DEMO,
} WorklistSource;

struct _DimseArchiveWorklist
{
  GObject                 parent_instance;
  WorklistSource          source;
  char                   *folder;
  DimseArchiveDemoOptions demo_options;
  GMutex                  lock;
  /* DcmDataSet*; replaced whole by a refresh, never changed, so that a
   * query holding a reference reads it without the lock */
  GPtrArray              *items;
  /* what the items were made from: the folder's names, sizes and times,
   * or the demo's date; NULL before the first refresh */
  char                   *signature;
};

G_DEFINE_FINAL_TYPE (DimseArchiveWorklist, dimse_archive_worklist, G_TYPE_OBJECT)

static void
dimse_archive_worklist_finalize (GObject *object)
{
  DimseArchiveWorklist *self = DIMSE_ARCHIVE_WORKLIST (object);

  g_free (self->folder);
  g_free (self->signature);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (dimse_archive_worklist_parent_class)->finalize (object);
}

static void
dimse_archive_worklist_class_init (DimseArchiveWorklistClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_archive_worklist_finalize;
}

static void
dimse_archive_worklist_init (DimseArchiveWorklist *self)
{
  g_mutex_init (&self->lock);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
}

DimseArchiveWorklist *
dimse_archive_worklist_new_for_folder (const char *folder)
{
  DimseArchiveWorklist *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (DIMSE_TYPE_ARCHIVE_WORKLIST, NULL);
  self->source = WORKLIST_FOLDER;
  self->folder = g_canonicalize_filename (folder, NULL);
  return self;
}

DimseArchiveWorklist *
dimse_archive_worklist_new_for_items (GPtrArray *items)
{
  DimseArchiveWorklist *self;

  g_return_val_if_fail (items != NULL, NULL);

  self = g_object_new (DIMSE_TYPE_ARCHIVE_WORKLIST, NULL);
  self->source = WORKLIST_ITEMS;
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (self->items, dcm_data_set_ref (items->pdata[i]));
  return self;
}

DimseArchiveWorklist *
dimse_archive_worklist_new_demo (const DimseArchiveDemoOptions *options)
{
  DimseArchiveWorklist *self = g_object_new (DIMSE_TYPE_ARCHIVE_WORKLIST, NULL);

  self->source = WORKLIST_DEMO;
  if (options != NULL)
    self->demo_options = *options;
  return self;
}

const char *
dimse_archive_worklist_get_folder (DimseArchiveWorklist *worklist)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE_WORKLIST (worklist), NULL);
  return worklist->folder;
}

guint
dimse_archive_worklist_get_n_items (DimseArchiveWorklist *worklist)
{
  guint n;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_WORKLIST (worklist), 0);
  g_mutex_lock (&worklist->lock);
  n = worklist->items->len;
  g_mutex_unlock (&worklist->lock);
  return n;
}

/* ---- reading the folder ---- */

static gboolean
is_item_file (GFileInfo *info)
{
  const char *name = g_file_info_get_name (info);

  return g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && name[0] != '.'
         && (g_str_has_suffix (name, ".wl") || g_str_has_suffix (name, ".dcm"));
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (g_file_info_get_name (*(GFileInfo *const *) a),
                 g_file_info_get_name (*(GFileInfo *const *) b));
}

/* The item files of the folder, sorted by name, and their signature. */
static GPtrArray *
list_folder (DimseArchiveWorklist *self, char **out_signature, GCancellable *cancellable,
             GError **error)
{
  g_autoptr(GFile) dir = g_file_new_for_path (self->folder);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) signature = g_string_new (NULL);
  g_autoptr(GError) local = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC ","
                                        G_FILE_ATTRIBUTE_UNIX_INODE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, &local);
  while (children != NULL
         && (info = g_file_enumerator_next_file (children, cancellable, &local)) != NULL)
    {
      if (is_item_file (info))
        g_ptr_array_add (files, info);
      else
        g_object_unref (info);
    }
  if (local != NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, G_IO_ERROR, local->domain == G_IO_ERROR ? local->code
                                                                    : G_IO_ERROR_FAILED,
                     "The worklist folder “%s” cannot be read: %s", self->folder,
                     local->message);
      return NULL;
    }
  g_ptr_array_sort (files, compare_names);
  /* The inode too: a file replaced by a rename within the resolution of
   * the file system's clock still shows. */
  for (guint i = 0; i < files->len; i++)
    {
      GFileInfo *file = files->pdata[i];

      g_string_append_printf (signature, "%s/%" G_GOFFSET_FORMAT "/%" G_GUINT64_FORMAT "/%u/%"
                              G_GUINT64_FORMAT "\n", g_file_info_get_name (file),
                              g_file_info_get_size (file),
                              g_file_info_get_attribute_uint64 (file,
                                                                G_FILE_ATTRIBUTE_TIME_MODIFIED),
                              g_file_info_get_attribute_uint32 (file,
                                                                G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC),
                              g_file_info_get_attribute_uint64 (file,
                                                                G_FILE_ATTRIBUTE_UNIX_INODE));
    }
  *out_signature = g_string_free (g_steal_pointer (&signature), FALSE);
  return g_steal_pointer (&files);
}

/* A Part 10 file, or a bare data set beginning with group 0008 as DCMTK's
 * dump2dcm writes one without its meta header. */
static DcmDataSet *
read_item (const char *path, GError **error)
{
  g_autoptr(DcmFile) file = dcm_file_read_path (path, NULL, DCM_FILE_READ_LENIENT, error);

  return file != NULL ? dcm_data_set_ref (dcm_file_get_data_set (file)) : NULL;
}

static GPtrArray *
read_folder (DimseArchiveWorklist *self, GPtrArray *files, guint *out_n_skipped,
             GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);

  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_file_info_get_name (files->pdata[i]);
      g_autofree char *path = g_build_filename (self->folder, name, NULL);
      g_autoptr(GError) local = NULL;
      DcmDataSet *item;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      item = read_item (path, &local);
      if (item == NULL)
        {
          g_debug ("The worklist file “%s” is left out: %s", path, local->message);
          (*out_n_skipped)++;
          continue;
        }
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

/* ---- refreshing ---- */

/* The new items when the source has changed since signature, else NULL
 * (with no error). */
static GPtrArray *
load_changed (DimseArchiveWorklist *self, char **signature, guint *out_n_skipped,
              GCancellable *cancellable, GError **error)
{
  g_autofree char *now = NULL;
  g_autoptr(GPtrArray) files = NULL;

  if (self->source == WORKLIST_DEMO)
    {
      g_autoptr(GDateTime) local_now = g_date_time_new_now_local ();
      GDate today;

      now = g_date_time_format (local_now, "%Y%m%d");
      if (g_strcmp0 (now, *signature) == 0)
        return NULL;
      g_date_clear (&today, 1);
      g_date_set_dmy (&today, g_date_time_get_day_of_month (local_now),
                      g_date_time_get_month (local_now), g_date_time_get_year (local_now));
      g_free (*signature);
      *signature = g_steal_pointer (&now);
      return dimse_archive_demo_worklist (&self->demo_options, &today);
    }
  files = list_folder (self, &now, cancellable, error);
  if (files == NULL || g_strcmp0 (now, *signature) == 0)
    return NULL;
  {
    GPtrArray *items = read_folder (self, files, out_n_skipped, cancellable, error);

    if (items != NULL)
      {
        g_free (*signature);
        *signature = g_steal_pointer (&now);
      }
    return items;
  }
}

gboolean
dimse_archive_worklist_refresh (DimseArchiveWorklist *worklist, guint *out_n_skipped,
                                GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local = NULL;
  GPtrArray *items;
  guint n_skipped = 0;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_WORKLIST (worklist), FALSE);

  if (out_n_skipped != NULL)
    *out_n_skipped = 0;
  if (worklist->source == WORKLIST_ITEMS)
    return TRUE;
  /* Held while reading: a second query waits for the first one's reading
   * instead of reading the same files again. */
  g_mutex_lock (&worklist->lock);
  items = load_changed (worklist, &worklist->signature, &n_skipped, cancellable, &local);
  if (items != NULL)
    {
      g_ptr_array_unref (worklist->items);
      worklist->items = items;
      if (n_skipped > 0)
        g_debug ("%u files of the worklist folder “%s” are left out: they did not read as "
                 "DICOM data sets.", n_skipped, worklist->folder);
    }
  g_mutex_unlock (&worklist->lock);
  if (out_n_skipped != NULL)
    *out_n_skipped = n_skipped;
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* ---- C-FIND ---- */

/* The identifier's keys: every element but group lengths, Specific
 * Character Set (that of the values) and a Query/Retrieve Level. */
static GPtrArray *
parse_keys (DcmDataSet *identifier, DimseMatchFlags flags, GError **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_match_key_free);

  for (guint i = 0; i < dcm_data_set_n_elements (identifier); i++)
    {
      const DcmElement *el = dcm_data_set_nth (identifier, i);
      DimseMatchKey *key;

      if ((el->tag & 0xffff) == 0 || el->tag == DCM_TAG_SPECIFIC_CHARACTER_SET
          || el->tag == DCM_TAG_QUERY_RETRIEVE_LEVEL)
        continue;
      if ((key = dimse_match_key_new_full (identifier, el, flags, error)) == NULL)
        return NULL;
      g_ptr_array_add (keys, key);
    }
  return g_steal_pointer (&keys);
}

static gboolean
item_matches (GPtrArray *keys, DcmDataSet *item)
{
  for (guint i = 0; i < keys->len; i++)
    {
      const DimseMatchKey *key = keys->pdata[i];

      if (!dimse_match_key_is_universal (key) && !dimse_match_key_matches (key, item))
        return FALSE;
    }
  return TRUE;
}

/* The keys with the item's values; its character set when one of them
 * needs it (PS3.4 §C.4.1.1.3.1 by way of §K.4.1.1.3). */
static DcmDataSet *
build_response (GPtrArray *keys, DcmDataSet *item)
{
  DcmDataSet *response = dcm_data_set_new ();
  const DcmElement *charset = dcm_data_set_lookup (item, DCM_TAG_SPECIFIC_CHARACTER_SET);

  for (guint i = 0; charset != NULL && i < keys->len; i++)
    if (dimse_match_key_needs_charset (keys->pdata[i], item))
      {
        dimse_match_copy_element (response, charset);
        break;
      }
  for (guint i = 0; i < keys->len; i++)
    dimse_match_key_copy_value (keys->pdata[i], item, response, FALSE);
  return response;
}

GPtrArray *
dimse_archive_worklist_find (DimseArchiveWorklist *worklist, DcmDataSet *identifier,
                             guint max_results, GCancellable *cancellable, GError **error)
{
  return dimse_archive_worklist_find_full (worklist, identifier, DIMSE_MATCH_DEFAULT,
                                           max_results, cancellable, error);
}

GPtrArray *
dimse_archive_worklist_find_full (DimseArchiveWorklist *worklist, DcmDataSet *identifier,
                                  DimseMatchFlags flags, guint max_results,
                                  GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) responses = NULL;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_WORKLIST (worklist), NULL);
  g_return_val_if_fail (identifier != NULL, NULL);

  /* The identifier first: a malformed one is the peer's error whatever
   * the folder holds. */
  if ((keys = parse_keys (identifier, flags, error)) == NULL
      || !dimse_archive_worklist_refresh (worklist, NULL, cancellable, error))
    return NULL;
  g_mutex_lock (&worklist->lock);
  items = g_ptr_array_ref (worklist->items);
  g_mutex_unlock (&worklist->lock);
  responses = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  for (guint i = 0; i < items->len; i++)
    {
      if (i % 64 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (max_results > 0 && responses->len == max_results)
        break;
      if (item_matches (keys, items->pdata[i]))
        g_ptr_array_add (responses, build_response (keys, items->pdata[i]));
    }
  return g_steal_pointer (&responses);
}
