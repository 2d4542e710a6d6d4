/* dimse-archive-index.c — the embedded archive's index: the object that
 * scans its folder into a tree (dimse-archive-index-tree.c), keeps it
 * behind a reader-writer lock and answers queries on it
 * (dimse-archive-index-query.c) */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "dimse-archive-index-private.h"
#include "dcm-uids.h"

struct _DimseArchiveIndex
{
  GObject    parent_instance;
  char      *folder;
  GRWLock    lock;
  Tree      *tree;
  GMutex     scan_mutex;  /* one scan at a time */
  GPtrArray *pending;     /* PendingOp*: changes made while a scan runs,
                             replayed on its tree (under lock) */
};

G_DEFINE_FINAL_TYPE (DimseArchiveIndex, dimse_archive_index, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const level_names[] = { "PATIENT", "STUDY", "SERIES", "IMAGE" };

const char *
dimse_qr_level_to_string (DimseQrLevel level)
{
  g_return_val_if_fail (level <= DIMSE_QR_LEVEL_IMAGE, NULL);
  return level_names[level];
}

gboolean
dimse_qr_level_parse (const char *text, DimseQrLevel *out_level)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (level_names); i++)
    if (g_str_equal (text, level_names[i]))
      {
        if (out_level != NULL)
          *out_level = (DimseQrLevel) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
dimse_qr_model_from_sop_class (const char *uid, DimseQrModel *out_model)
{
  DimseQrModel model;

  if (uid == NULL)
    return FALSE;
  if (g_str_equal (uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND)
      || g_str_equal (uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE)
      || g_str_equal (uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET))
    model = DIMSE_QR_MODEL_PATIENT_ROOT;
  else if (g_str_equal (uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND)
           || g_str_equal (uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE)
           || g_str_equal (uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET))
    model = DIMSE_QR_MODEL_STUDY_ROOT;
  else
    return FALSE;
  if (out_model != NULL)
    *out_model = model;
  return TRUE;
}

typedef struct {
  FileEntry  entry;        /* an add_file, or */
  char      *removed_uid;  /* a remove */
} PendingOp;

static void
pending_op_free (PendingOp *op)
{
  dimse_archive_file_entry_clear (&op->entry);
  g_free (op->removed_uid);
  g_free (op);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FileEntry, dimse_archive_file_entry_clear)

/* ---- the object ---- */

static void
dimse_archive_index_finalize (GObject *object)
{
  DimseArchiveIndex *self = DIMSE_ARCHIVE_INDEX (object);

  g_free (self->folder);
  dimse_archive_tree_free (self->tree);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_rw_lock_clear (&self->lock);
  g_mutex_clear (&self->scan_mutex);
  G_OBJECT_CLASS (dimse_archive_index_parent_class)->finalize (object);
}

static void
dimse_archive_index_class_init (DimseArchiveIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_archive_index_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
dimse_archive_index_init (DimseArchiveIndex *self)
{
  g_rw_lock_init (&self->lock);
  g_mutex_init (&self->scan_mutex);
  self->tree = dimse_archive_tree_new ();
}

DimseArchiveIndex *
dimse_archive_index_new (const char *folder)
{
  DimseArchiveIndex *self = g_object_new (DIMSE_TYPE_ARCHIVE_INDEX, NULL);

  g_return_val_if_fail (folder != NULL, self);
  self->folder = g_canonicalize_filename (folder, NULL);
  return self;
}

const char *
dimse_archive_index_get_folder (DimseArchiveIndex *index)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  return index->folder;
}

/* Hidden files, and the temporary files of writers that rename when done
 * (ours are ".dimse-XXXXXX.tmp" and the Storage SCP's "….part"). */
static gboolean
is_skipped_name (const char *name)
{
  return name[0] == '.' || g_str_has_suffix (name, "~") || g_str_has_suffix (name, ".tmp")
         || g_str_has_suffix (name, ".part");
}

static gboolean
scan_folder (Tree *tree, GFile *folder, guint *n_skipped, GCancellable *cancellable,
             GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (children == NULL)
    return FALSE;
  while (g_file_enumerator_iterate (children, &info, &child, cancellable, error))
    {
      g_autofree char *path = NULL;
      g_auto (FileEntry) entry = { 0 };
      g_autoptr (GError) local = NULL;

      if (info == NULL)
        return TRUE;
      if (is_skipped_name (g_file_info_get_name (info)))
        continue;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!scan_folder (tree, child, n_skipped, cancellable, error))
            return FALSE;
          continue;
        }
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        continue;
      path = g_file_get_path (child);
      if (!dimse_archive_file_entry_read (&entry, path, (guint64) g_file_info_get_size (info), &local))
        {
          g_debug ("Not indexed: %s", local->message);
          (*n_skipped)++;
          continue;
        }
      dimse_archive_tree_insert (tree, &entry);
    }
  return FALSE;
}

/* Under the writer lock: the changes made while the scan ran, then the
 * scan's tree in place of the old one. */
static Tree *
swap_in (DimseArchiveIndex *index, Tree *tree)
{
  Tree *old = index->tree;

  for (guint i = 0; i < index->pending->len; i++)
    {
      PendingOp *op = g_ptr_array_index (index->pending, i);
      Instance *instance;

      if (op->removed_uid == NULL)
        dimse_archive_tree_insert (tree, &op->entry);
      else if ((instance = g_hash_table_lookup (tree->instances, op->removed_uid)) != NULL)
        dimse_archive_tree_remove (tree, instance);
    }
  index->tree = tree;
  return old;
}

gboolean
dimse_archive_index_scan (DimseArchiveIndex *index, guint *out_n_skipped,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GMutexLocker) scanning = NULL;
  Tree *tree;
  guint n_skipped = 0;
  gboolean ok;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), FALSE);
  scanning = g_mutex_locker_new (&index->scan_mutex);
  folder = g_file_new_for_path (index->folder);
  g_rw_lock_writer_lock (&index->lock);
  index->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_op_free);
  g_rw_lock_writer_unlock (&index->lock);
  /* Built aside and swapped in, so that queries go on meanwhile. */
  tree = dimse_archive_tree_new ();
  ok = scan_folder (tree, folder, &n_skipped, cancellable, error);
  g_rw_lock_writer_lock (&index->lock);
  if (ok)
    tree = swap_in (index, tree);
  g_clear_pointer (&index->pending, g_ptr_array_unref);
  g_rw_lock_writer_unlock (&index->lock);
  dimse_archive_tree_free (tree);
  if (!ok)
    return FALSE;
  if (out_n_skipped != NULL)
    *out_n_skipped = n_skipped;
  g_signal_emit (index, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
dimse_archive_index_add_file (DimseArchiveIndex *index, const char *path, GError **error)
{
  g_auto (FileEntry) entry = { 0 };
  g_autofree char *absolute = NULL;
  GStatBuf st;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), FALSE);
  absolute = g_canonicalize_filename (path, NULL);
  if (g_stat (absolute, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot index “%s”: %s", absolute, g_strerror (saved));
      return FALSE;
    }
  if (!dimse_archive_file_entry_read (&entry, absolute, (guint64) st.st_size, error))
    return FALSE;
  g_rw_lock_writer_lock (&index->lock);
  dimse_archive_tree_insert (index->tree, &entry);
  if (index->pending != NULL)
    {
      PendingOp *op = g_new0 (PendingOp, 1);

      op->entry = entry;
      memset (&entry, 0, sizeof entry);
      g_ptr_array_add (index->pending, op);
    }
  g_rw_lock_writer_unlock (&index->lock);
  g_signal_emit (index, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
dimse_archive_index_remove (DimseArchiveIndex *index, const char *sop_instance_uid)
{
  Instance *instance;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), FALSE);
  g_rw_lock_writer_lock (&index->lock);
  instance = g_hash_table_lookup (index->tree->instances, sop_instance_uid);
  if (instance != NULL)
    dimse_archive_tree_remove (index->tree, instance);
  if (index->pending != NULL)
    {
      PendingOp *op = g_new0 (PendingOp, 1);

      op->removed_uid = g_strdup (sop_instance_uid);
      g_ptr_array_add (index->pending, op);
    }
  g_rw_lock_writer_unlock (&index->lock);
  if (instance != NULL)
    g_signal_emit (index, signals[SIGNAL_CHANGED], 0);
  return instance != NULL;
}

static guint
table_size (DimseArchiveIndex *index, gsize offset)
{
  guint n;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), 0);
  g_rw_lock_reader_lock (&index->lock);
  n = g_hash_table_size (G_STRUCT_MEMBER (GHashTable *, index->tree, offset));
  g_rw_lock_reader_unlock (&index->lock);
  return n;
}

guint
dimse_archive_index_get_n_patients (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, patients));
}

guint
dimse_archive_index_get_n_studies (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, studies));
}

guint
dimse_archive_index_get_n_series (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, series));
}

guint
dimse_archive_index_get_n_instances (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, instances));
}

DimseArchiveInstance *
dimse_archive_index_lookup (DimseArchiveIndex *index, const char *sop_instance_uid)
{
  Instance *instance;
  DimseArchiveInstance *copy = NULL;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  if (sop_instance_uid == NULL)
    return NULL;
  g_rw_lock_reader_lock (&index->lock);
  instance = g_hash_table_lookup (index->tree->instances, sop_instance_uid);
  if (instance != NULL)
    copy = dimse_archive_instance_copy (&instance->info);
  g_rw_lock_reader_unlock (&index->lock);
  return copy;
}

GPtrArray *
dimse_archive_index_find (DimseArchiveIndex *index, DimseQrModel model,
                          DcmDataSet *identifier, guint max_results,
                          GCancellable *cancellable, GError **error)
{
  return dimse_archive_index_find_full (index, model, identifier, DIMSE_QR_FIND_HIERARCHICAL,
                                        max_results, cancellable, error);
}

GPtrArray *
dimse_archive_index_find_full (DimseArchiveIndex *index, DimseQrModel model,
                               DcmDataSet *identifier, DimseQrFindFlags flags,
                               guint max_results, GCancellable *cancellable, GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  g_return_val_if_fail (identifier != NULL, NULL);
  g_rw_lock_reader_lock (&index->lock);
  results = dimse_archive_tree_find (index->tree, model, identifier, flags, max_results,
                                     cancellable, error);
  g_rw_lock_reader_unlock (&index->lock);
  return results;
}

GPtrArray *
dimse_archive_index_select (DimseArchiveIndex *index, DimseQrModel model,
                            DcmDataSet *identifier, GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  g_return_val_if_fail (identifier != NULL, NULL);
  g_rw_lock_reader_lock (&index->lock);
  results = dimse_archive_tree_select (index->tree, model, identifier, error);
  g_rw_lock_reader_unlock (&index->lock);
  return results;
}
