/* dimse-store-scp-files.c — the Storage SCP's files: the temporary file
 * a data set is appended to, and finishing it as a Part 10 file (PS3.10
 * §7): sync, rename, sync of the folder */
#include "config.h"

#include "dimse-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dcm-error.h"
#include "dcm-file.h"

#define STORE_TEMPORARY_PREFIX ".dimse-store-"
/* Prefixes of temporary files of earlier versions, swept as well. */
#define STORE_OLD_TEMPORARY_PREFIX ".dimse-data-set-"
/* Every association times out long before a file it writes goes this
 * long untouched: such a file was left by a process that died. */
#define STORE_STALE_SECONDS (10 * 60)
/* The cost of finishing files is a moving average that moves by
 * 1/STORE_COST_WEIGHT of each new cost, so that a single delay (the
 * process preempted) does not count. */
#define STORE_COST_WEIGHT 8

/* The temporary file as the stream the association writes to: plain
 * write(2) calls, and the descriptor at hand for fsync(2). */
#define DIMSE_TYPE_STORE_FILE_STREAM (dimse_store_file_stream_get_type ())
G_DECLARE_FINAL_TYPE (DimseStoreFileStream, dimse_store_file_stream, DIMSE, STORE_FILE_STREAM,
                      GOutputStream)

struct _DimseStoreFileStream {
  GOutputStream parent_instance;
  int           fd;
  char         *path;
  guint64       max_size;   /* 0: no limit */
  guint64       n_counted;  /* written since the limit was set */
};

G_DEFINE_FINAL_TYPE (DimseStoreFileStream, dimse_store_file_stream, G_TYPE_OUTPUT_STREAM)

static gboolean
fail_errno (GError **error, int saved_errno, const char *what, const char *path)
{
  g_set_error (error, DCM_ERROR, DCM_ERROR_IO, "Cannot %s “%s”: %s.", what, path,
               g_strerror (saved_errno));
  return FALSE;
}

/* ---- the temporary file's stream ---- */

static gssize
dimse_store_file_stream_write (GOutputStream *stream, const void *buffer, gsize count,
                               GCancellable *cancellable, GError **error)
{
  DimseStoreFileStream *self = DIMSE_STORE_FILE_STREAM (stream);
  gssize n;

  (void) cancellable;
  /* Failing the write drops the rest of the data set; the request is
   * answered Out of Resources, as for a full disk (PS3.4 §B.2.3). */
  if (self->max_size > 0 && count > self->max_size - self->n_counted)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_IO,
                   "Cannot write “%s”: over the size limit of %" G_GUINT64_FORMAT " bytes.",
                   self->path, self->max_size);
      return -1;
    }
  do
    n = write (self->fd, buffer, count);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    fail_errno (error, errno, "write", self->path);
  else
    self->n_counted += (guint64) n;
  return n;
}

static gboolean
dimse_store_file_stream_close (GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  DimseStoreFileStream *self = DIMSE_STORE_FILE_STREAM (stream);
  int fd = self->fd;

  (void) cancellable;
  self->fd = -1;
  if (fd >= 0 && close (fd) != 0)
    return fail_errno (error, errno, "write", self->path);
  return TRUE;
}

static void
dimse_store_file_stream_finalize (GObject *object)
{
  DimseStoreFileStream *self = DIMSE_STORE_FILE_STREAM (object);

  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  G_OBJECT_CLASS (dimse_store_file_stream_parent_class)->finalize (object);
}

static void
dimse_store_file_stream_class_init (DimseStoreFileStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = dimse_store_file_stream_finalize;
  stream_class->write_fn = dimse_store_file_stream_write;
  stream_class->close_fn = dimse_store_file_stream_close;
}

static void
dimse_store_file_stream_init (DimseStoreFileStream *self)
{
  self->fd = -1;
}

static GOutputStream *
dimse_store_file_stream_new (int fd, const char *path)
{
  DimseStoreFileStream *self = g_object_new (DIMSE_TYPE_STORE_FILE_STREAM, NULL);

  self->fd = fd;
  self->path = g_strdup (path);
  return G_OUTPUT_STREAM (self);
}

/* ---- the temporary file ---- */

void
dimse_store_sweep_stale (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, STORE_TEMPORARY_PREFIX)
          && !g_str_has_prefix (name, STORE_OLD_TEMPORARY_PREFIX))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode)
          && now - (gint64) st.st_mtime >= STORE_STALE_SECONDS)
        {
          g_debug ("Deleting the stale temporary file “%s”.", path);
          g_unlink (path);
        }
    }
}

/* Preamble, "DICM" and the File Meta Information (PS3.10 §7.1). */
static GByteArray *
build_header (const StoreJob *job, GError **error)
{
  g_autoptr(DcmDataSet) ids = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GByteArray) header = g_byte_array_sized_new (512);
  static const guint8 preamble[128] = { 0 };

  if (!dcm_data_set_set_string (ids, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI, job->sop_class_uid, error)
      || !dcm_data_set_set_string (ids, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                   job->sop_instance_uid, error))
    return NULL;
  file = dcm_file_new (ids, job->transfer_syntax_uid, error);
  if (file == NULL)
    return NULL;
  g_byte_array_append (header, preamble, sizeof preamble);
  g_byte_array_append (header, (const guint8 *) "DICM", 4);
  if (!dcm_data_set_write_to_byte_array (dcm_file_get_meta (file), header, &dcm_ts_explicit_le,
                                         DCM_WRITE_DEFAULT, error))
    return NULL;
  return g_steal_pointer (&header);
}

gboolean
dimse_store_open_temporary (DimseStoreScp *self, StoreJob *job, GError **error)
{
  g_autoptr(GByteArray) header = NULL;
  int fd;

  header = build_header (job, error);
  if (header == NULL)
    return FALSE;
  job->temporary_path = g_build_filename (self->folder, STORE_TEMPORARY_PREFIX "XXXXXX.part",
                                          NULL);
  fd = g_mkstemp_full (job->temporary_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      fail_errno (error, errno, "create a file in", self->folder);
      g_clear_pointer (&job->temporary_path, g_free);
      return FALSE;
    }
  job->stream = dimse_store_file_stream_new (fd, job->temporary_path);
  if (!g_output_stream_write_all (job->stream, header->data, header->len, NULL, NULL, error))
    return FALSE;
  DIMSE_STORE_FILE_STREAM (job->stream)->max_size = self->max_instance_size;
  DIMSE_STORE_FILE_STREAM (job->stream)->n_counted = 0;
  return TRUE;
}

/* ---- finishing files: sync, rename, sync the folder (at once, or in
 * the writer thread) ---- */

static gboolean
sync_folder (DimseStoreScp *self, GError **error)
{
  /* EINVAL: a file system that cannot sync folders has nothing to sync. */
  if (self->folder_fd < 0 || (fsync (self->folder_fd) != 0 && errno != EINVAL))
    return fail_errno (error, self->folder_fd < 0 ? EBADF : errno, "sync the folder",
                       self->folder);
  return TRUE;
}

/* Moves the temporary file to its name; TRUE when the folder changed. */
static gboolean
put_in_place (StoreJob *job, const char *final_path, GError **error)
{
  if (job->duplicate_policy == DIMSE_STORE_DUPLICATE_REPLACE)
    {
      if (g_rename (job->temporary_path, final_path) != 0)
        return fail_errno (error, errno, "rename a file to", final_path);
      return TRUE;
    }
  /* link() fails when the name exists: of two associations storing the
   * same instance at once, one wins, whole. */
  if (link (job->temporary_path, final_path) != 0)
    {
      if (errno != EEXIST)
        return fail_errno (error, errno, "link a file to", final_path);
      job->kept_earlier = TRUE;
    }
  g_unlink (job->temporary_path);
  return !job->kept_earlier;
}

static gboolean
finish_file (StoreJob *job, const char *folder)
{
  int fd = DIMSE_STORE_FILE_STREAM (job->stream)->fd;
  g_autofree char *file_name = NULL;
  g_autofree char *final_path = NULL;
  gboolean changed;

  if (fsync (fd) != 0)
    return fail_errno (&job->error, errno, "sync", job->temporary_path);
  if (!g_output_stream_close (job->stream, NULL, &job->error))
    return FALSE;
  g_clear_object (&job->stream);
  file_name = g_strconcat (job->sop_instance_uid, ".dcm", NULL);
  final_path = g_build_filename (folder, file_name, NULL);
  if (!put_in_place (job, final_path, &job->error) && job->error != NULL)
    return FALSE;
  changed = !job->kept_earlier;
  g_clear_pointer (&job->temporary_path, g_free);
  job->path = g_steal_pointer (&final_path);
  return changed;
}

static void
note_cost (DimseStoreScp *self, gint64 start)
{
  gint64 cost = MIN (g_get_monotonic_time () - start, (gint64) G_MAXINT / 2);
  gint average = g_atomic_int_get (&self->sync_cost);

  g_atomic_int_set (&self->sync_cost, average + (gint) ((cost - average) / STORE_COST_WEIGHT));
}

void
dimse_store_finish_batch (DimseStoreScp *self, GPtrArray *batch)
{
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < batch->len; i++)
    changed |= finish_file (batch->pdata[i], self->folder);
  if (!changed || sync_folder (self, &error))
    {
      note_cost (self, start);
      return;
    }
  note_cost (self, start);
  for (guint i = 0; i < batch->len; i++)
    {
      StoreJob *job = batch->pdata[i];

      if (job->error == NULL && !job->kept_earlier)
        job->error = g_error_copy (error);
    }
}
