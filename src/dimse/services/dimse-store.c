/* dimse-store.c — the Storage SCP (PS3.4 Annex B): received data sets
 * become Part 10 files (PS3.10 §7) without passing through memory */
#include "config.h"

#include "dimse-store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dcm-error.h"
#include "dcm-file.h"
#include "dcm-uid.h"
#include "dimse-error.h"

/* PS3.5 Table 6.2-1: Error Comment is LO, at most 64 characters. */
#define STORE_MAX_COMMENT 64
/* PS3.5 §9.1: a UID is at most 64 characters. */
#define STORE_MAX_UID 64
#define STORE_TEMPORARY_PREFIX ".dimse-store-"
/* Prefixes of temporary files of earlier versions, swept as well. */
#define STORE_OLD_TEMPORARY_PREFIX ".dimse-data-set-"
/* Every association times out long before a file it writes goes this
 * long untouched: such a file was left by a process that died. */
#define STORE_STALE_SECONDS (10 * 60)
/* Finishing files (sync, rename, sync of the folder) is done at once
 * while it costs no more than this on average (a tmpfs, a disk with a
 * fast cache); when it costs more it goes to the writer thread, so that
 * the main context (other associations) does not wait for the disk. The
 * average moves by 1/STORE_COST_WEIGHT of each new cost, so that a single
 * delay (the process preempted) does not count. */
#define STORE_INLINE_MAX_USEC 2000
#define STORE_COST_WEIGHT 8

struct _DimseStoreScp {
  GObject       parent_instance;
  char         *folder;
  GMainContext *context;    /* where responses are sent */
  DimseStoreDuplicatePolicy duplicate_policy;
  guint         n_pending;
  /* the data set arriving on each association (not a reference: its
   * "closed" removes it) → its StoreJob */
  GHashTable   *arriving;
  int           folder_fd;  /* for its syncs; -1 until the first file */
  gboolean      background; /* files always finished by the writer thread */
  guint64       max_instance_size;  /* data set bytes; 0: no limit */
  gint          sync_cost;  /* µs, the moving average (atomic: the writer sets it) */
  guint         n_in_writer; /* jobs given to the writer, not yet answered */
  /* StoreJob* for the writer thread, or writer_stop */
  GAsyncQueue  *queue;
  GThread      *writer;
};

G_DEFINE_FINAL_TYPE (DimseStoreScp, dimse_store_scp, G_TYPE_OBJECT)

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

enum {
  SIGNAL_INSTANCE_STORED,
  N_SIGNALS
};

static guint store_scp_signals[N_SIGNALS];
static char writer_stop;

/* One C-STORE-RQ on its way to a file. */
typedef struct {
  DimseStoreScp    *scp;      /* a reference while the writer has it */
  DimseAssociation *assoc;
  DimseMessage     *request;
  guint8            pc_id;
  char             *sop_class_uid;
  char             *sop_instance_uid;
  char             *transfer_syntax_uid;
  char             *temporary_path;  /* deleted with the job unless renamed */
  GOutputStream    *stream;          /* on it; owns the descriptor */
  DimseStoreDuplicatePolicy duplicate_policy;
  char             *path;            /* the file written */
  gboolean          kept_earlier;    /* DIMSE_STORE_DUPLICATE_KEEP_FIRST found one */
  gboolean          in_writer;       /* finished by the writer thread */
  GError           *error;           /* the writer's */
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  if (job->stream != NULL)
    g_output_stream_close (job->stream, NULL, NULL);
  g_clear_object (&job->stream);
  if (job->temporary_path != NULL)
    g_unlink (job->temporary_path);
  g_clear_object (&job->assoc);
  g_clear_pointer (&job->request, dimse_message_unref);
  g_free (job->sop_class_uid);
  g_free (job->sop_instance_uid);
  g_free (job->transfer_syntax_uid);
  g_free (job->temporary_path);
  g_free (job->path);
  g_clear_error (&job->error);
  g_clear_object (&job->scp);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreJob, store_job_free)

static StoreJob *
store_job_new (DimseAssociation *assoc, guint8 pc_id, DimseMessage *request)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  const DimseNegotiatedContext *ctx = NULL;
  StoreJob *job = g_new0 (StoreJob, 1);

  job->assoc = g_object_ref (assoc);
  job->request = dimse_message_ref (request);
  job->pc_id = pc_id;
  job->sop_class_uid = dimse_message_dup_string (request, DCM_TAG_AFFECTED_SOP_CLASS_UID);
  job->sop_instance_uid = dimse_message_dup_string (request,
                                                    DCM_TAG_AFFECTED_SOP_INSTANCE_UID);
  if (negotiation != NULL)
    ctx = dimse_negotiation_result_get_context (negotiation, pc_id);
  if (ctx != NULL)
    job->transfer_syntax_uid = g_strdup (ctx->transfer_syntax);
  return job;
}

gboolean
dimse_store_uid_is_safe_file_name (const char *uid)
{
  gsize len;

  if (uid == NULL)
    return FALSE;
  len = strlen (uid);
  if (len == 0 || len > STORE_MAX_UID || uid[0] == '.' || uid[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (uid[i] == '.' ? uid[i + 1] == '.' : !g_ascii_isdigit (uid[i]))
        return FALSE;
    }
  return TRUE;
}

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

/* ---- the SCP ---- */

static void
dimse_store_scp_finalize (GObject *object)
{
  DimseStoreScp *self = DIMSE_STORE_SCP (object);

  /* Every job holds a reference: the writer is idle. */
  if (self->writer != NULL)
    {
      g_async_queue_push (self->queue, &writer_stop);
      g_thread_join (self->writer);
    }
  g_async_queue_unref (self->queue);
  g_hash_table_unref (self->arriving);
  if (self->folder_fd >= 0)
    close (self->folder_fd);
  g_main_context_unref (self->context);
  g_free (self->folder);
  G_OBJECT_CLASS (dimse_store_scp_parent_class)->finalize (object);
}

static void
dimse_store_scp_class_init (DimseStoreScpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dimse_store_scp_finalize;

  store_scp_signals[SIGNAL_INSTANCE_STORED] =
    g_signal_new ("instance-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 5, DIMSE_TYPE_ASSOCIATION, DIMSE_TYPE_MESSAGE,
                  G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
}

static void
dimse_store_scp_init (DimseStoreScp *self)
{
  self->arriving = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) store_job_free);
  self->queue = g_async_queue_new ();
  self->context = g_main_context_ref_thread_default ();
  self->folder_fd = -1;
}

/* Deletes the temporary files a process that died left in folder. */
static void
sweep_stale (const char *folder)
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

DimseStoreScp *
dimse_store_scp_new (const char *folder)
{
  DimseStoreScp *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (DIMSE_TYPE_STORE_SCP, NULL);
  self->folder = g_strdup (folder);
  self->max_instance_size = DIMSE_STORE_DEFAULT_MAX_INSTANCE_SIZE;
  sweep_stale (folder);
  return self;
}

const char *
dimse_store_scp_get_folder (DimseStoreScp *scp)
{
  g_return_val_if_fail (DIMSE_IS_STORE_SCP (scp), NULL);
  return scp->folder;
}

void
dimse_store_scp_set_duplicate_policy (DimseStoreScp *scp, DimseStoreDuplicatePolicy policy)
{
  g_return_if_fail (DIMSE_IS_STORE_SCP (scp));
  g_return_if_fail (policy == DIMSE_STORE_DUPLICATE_REPLACE
                    || policy == DIMSE_STORE_DUPLICATE_KEEP_FIRST);
  scp->duplicate_policy = policy;
}

DimseStoreDuplicatePolicy
dimse_store_scp_get_duplicate_policy (DimseStoreScp *scp)
{
  g_return_val_if_fail (DIMSE_IS_STORE_SCP (scp), DIMSE_STORE_DUPLICATE_REPLACE);
  return scp->duplicate_policy;
}

void
dimse_store_scp_set_background_sync (DimseStoreScp *scp, gboolean background)
{
  g_return_if_fail (DIMSE_IS_STORE_SCP (scp));
  scp->background = background;
}

void
dimse_store_scp_set_max_instance_size (DimseStoreScp *scp, guint64 max_bytes)
{
  g_return_if_fail (DIMSE_IS_STORE_SCP (scp));
  scp->max_instance_size = max_bytes;
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

static gboolean deliver_batch (gpointer user_data);

static void
note_cost (DimseStoreScp *self, gint64 start)
{
  gint64 cost = MIN (g_get_monotonic_time () - start, (gint64) G_MAXINT / 2);
  gint average = g_atomic_int_get (&self->sync_cost);

  g_atomic_int_set (&self->sync_cost, average + (gint) ((cost - average) / STORE_COST_WEIGHT));
}

/* Finishes the files of batch; all of them share one sync of the folder. */
static void
finish_batch (DimseStoreScp *self, GPtrArray *batch)
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

static gpointer
writer_main (gpointer user_data)
{
  DimseStoreScp *self = user_data;
  gboolean stop = FALSE;

  while (!stop)
    {
      GPtrArray *batch = g_ptr_array_new ();
      gpointer item = g_async_queue_pop (self->queue);

      /* All the files that are ready go together. */
      while (item != NULL)
        {
          if (item == &writer_stop)
            {
              stop = TRUE;
              break;
            }
          g_ptr_array_add (batch, item);
          item = g_async_queue_try_pop (self->queue);
        }
      finish_batch (self, batch);
      if (batch->len == 0)
        g_ptr_array_unref (batch);
      else
        g_main_context_invoke (self->context, deliver_batch, batch);
    }
  return NULL;
}

static void
queue_job (DimseStoreScp *self, StoreJob *job)
{
  GPtrArray *batch;

  job->scp = g_object_ref (self);
  job->duplicate_policy = self->duplicate_policy;
  self->n_pending++;
  if (self->folder_fd < 0)
    self->folder_fd = g_open (self->folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  /* While the writer has files, the next ones follow them: an instance
   * stored twice is finished in the order it arrived. */
  if (self->background || self->n_in_writer > 0
      || g_atomic_int_get (&self->sync_cost) > STORE_INLINE_MAX_USEC)
    {
      job->in_writer = TRUE;
      self->n_in_writer++;
      if (self->writer == NULL)
        self->writer = g_thread_new ("dimse-store", writer_main, self);
      g_async_queue_push (self->queue, job);
      return;
    }
  batch = g_ptr_array_new ();
  g_ptr_array_add (batch, job);
  finish_batch (self, batch);
  deliver_batch (batch);
}

/* ---- the response ---- */

/* An Error Comment within LO: at most 64 characters of ASCII, no
 * backslash (PS3.5 §6.2). */
static char *
error_comment (const char *text)
{
  GString *out = g_string_sized_new (STORE_MAX_COMMENT);

  for (const char *p = text; *p != '\0' && out->len < STORE_MAX_COMMENT; p++)
    {
      guchar c = (guchar) *p;

      g_string_append_c (out, (c < 0x20 || c >= 0x7f || c == '\\') ? '?' : (char) c);
    }
  return g_string_free (out, FALSE);
}

static void
on_response_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  (void) user_data;
  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("The C-STORE-RSP to %s was not sent: %s",
             dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)), error->message);
}

/* The system's reason ends a sentence about a file ("Cannot write “…”:
 * No space left on device."); it is what fits in an Error Comment. */
static char *
io_failure_comment (const char *message)
{
  const char *reason = g_strrstr (message, ": ");
  g_autofree char *text = g_strdup (reason != NULL ? reason + 2 : message);
  gsize n = strlen (text);

  if (n > 0 && text[n - 1] == '.')
    text[n - 1] = '\0';
  return g_strdup_printf ("Data set not stored: %s", text);
}

/* why goes to "instance-stored"; the Error Comment says short_why, or why. */
static void
respond (DimseStoreScp *self, StoreJob *job, guint16 status, const char *why,
         const char *short_why)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (job->request, status);
  g_autofree char *comment = why != NULL ? error_comment (short_why != NULL ? short_why : why)
                                         : NULL;

  if (comment != NULL)
    dimse_message_set_string (rsp, DCM_TAG_ERROR_COMMENT, comment, NULL);
  dimse_association_send_message_async (job->assoc, job->pc_id, rsp, NULL, on_response_sent,
                                        NULL);
  g_signal_emit (self, store_scp_signals[SIGNAL_INSTANCE_STORED], 0, job->assoc, job->request,
                 (guint) status, job->path, why);
}

/* Success, the earlier copy kept: why goes to "instance-stored" only. */
static void
respond_kept (DimseStoreScp *self, StoreJob *job, const char *why)
{
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (job->request,
                                                            DIMSE_STORE_STATUS_SUCCESS);

  dimse_association_send_message_async (job->assoc, job->pc_id, rsp, NULL, on_response_sent,
                                        NULL);
  g_signal_emit (self, store_scp_signals[SIGNAL_INSTANCE_STORED], 0, job->assoc, job->request,
                 (guint) DIMSE_STORE_STATUS_SUCCESS, job->path, why);
}

static gboolean
deliver_batch (gpointer user_data)
{
  g_autoptr(GPtrArray) batch = user_data;
  g_autoptr(DimseStoreScp) self = g_object_ref (((StoreJob *) batch->pdata[0])->scp);

  for (guint i = 0; i < batch->len; i++)
    {
      g_autoptr(StoreJob) job = batch->pdata[i];

      self->n_pending--;
      if (job->in_writer)
        self->n_in_writer--;
      if (job->error != NULL)
        {
          g_autofree char *comment = io_failure_comment (job->error->message);

          respond (self, job, DIMSE_STORE_STATUS_OUT_OF_RESOURCES, job->error->message,
                   comment);
        }
      else if (job->kept_earlier)
        {
          g_autofree char *why = g_strdup_printf ("SOP Instance %s was already stored; the "
                                                  "earlier copy is kept.",
                                                  job->sop_instance_uid);

          respond_kept (self, job, why);
        }
      else
        respond (self, job, DIMSE_STORE_STATUS_SUCCESS, NULL, NULL);
    }
  return G_SOURCE_REMOVE;
}

/* ---- receiving ---- */

/* The checks PS3.4 §B.2.3 leaves to the SCP before anything is written;
 * NULL when the request may be stored. */
static char *
check_command (const StoreJob *job)
{
  if (job->sop_class_uid == NULL || job->sop_instance_uid == NULL)
    return g_strdup ("The C-STORE-RQ has no Affected SOP Class or Instance UID.");
  /* PS3.5 §9.1; and the file is named after it: never a path of any
   * other shape, whatever the UID check above lets through. */
  if (!dcm_uid_is_valid (job->sop_instance_uid)
      || !dimse_store_uid_is_safe_file_name (job->sop_instance_uid))
    return g_strdup_printf ("Affected SOP Instance UID %s is not a valid UID.",
                            job->sop_instance_uid);
  if (!dimse_store_uid_is_safe_file_name (job->sop_class_uid))
    return g_strdup_printf ("Affected SOP Class UID %s is not a valid UID.",
                            job->sop_class_uid);
  if (job->transfer_syntax_uid == NULL
      || dcm_transfer_syntax_lookup (job->transfer_syntax_uid) == NULL)
    return g_strdup ("The presentation context has no known transfer syntax.");
  return NULL;
}

static char *
check_request (const StoreJob *job, const GError *sink_error, guint16 *out_status)
{
  char *why = check_command (job);

  *out_status = DIMSE_STORE_STATUS_CANNOT_UNDERSTAND;
  if (why != NULL)
    return why;
  *out_status = DIMSE_STORE_STATUS_OUT_OF_RESOURCES;
  if (sink_error != NULL)
    return io_failure_comment (sink_error->message);
  if (job->stream == NULL)
    return g_strdup ("No temporary file could be made in the storage folder.");
  return NULL;
}

static void
on_request_received (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                     GFile *data_set_file, gpointer user_data)
{
  DimseStoreScp *self = user_data;
  g_autoptr(StoreJob) job = NULL;
  g_autofree char *why = NULL;
  const GError *sink_error;
  gpointer found = NULL;
  guint16 status;

  if (dimse_message_get_command_field (msg) != DIMSE_C_STORE_RQ)
    return;
  if (data_set_file != NULL)
    g_file_delete (data_set_file, NULL, NULL);
  /* Data sets arrive one after the other (PS3.8 Annex E): the job the
   * sink made for this association is this request's. */
  if (g_hash_table_steal_extended (self->arriving, assoc, NULL, &found))
    job = found;
  else
    job = store_job_new (assoc, pc_id, msg);
  sink_error = dimse_association_get_sink_error (assoc);
  why = check_request (job, sink_error, &status);
  if (why != NULL && sink_error != NULL && status == DIMSE_STORE_STATUS_OUT_OF_RESOURCES)
    {
      /* The engine's sentence names the file; the comment has room for the reason. */
      respond (self, job, status, sink_error->message, why);
      return;
    }
  if (why != NULL)
    {
      respond (self, job, status, why, NULL);
      return;
    }
  queue_job (self, g_steal_pointer (&job));
}

/* The sink: for each C-STORE-RQ whose command is fit to store, a
 * temporary file in the folder that already holds the preamble and the
 * File Meta Information; the association appends the data set to it. */
static GOutputStream *
data_set_sink (DimseAssociation *assoc, guint8 pc_id, DimseMessage *command,
               gpointer user_data, GError **error)
{
  DimseStoreScp *self = user_data;
  StoreJob *job;
  g_autoptr(GByteArray) header = NULL;
  g_autofree char *why = NULL;
  int fd;

  if (dimse_message_get_command_field (command) != DIMSE_C_STORE_RQ)
    return NULL;
  job = store_job_new (assoc, pc_id, command);
  g_hash_table_replace (self->arriving, assoc, job);
  why = check_command (job);
  if (why != NULL)
    {
      /* Answered by on_request_received; the data set is not wanted. */
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID, "%s", why);
      return NULL;
    }
  header = build_header (job, error);
  if (header == NULL)
    return NULL;
  job->temporary_path = g_build_filename (self->folder, STORE_TEMPORARY_PREFIX "XXXXXX.part",
                                          NULL);
  fd = g_mkstemp_full (job->temporary_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      fail_errno (error, errno, "create a file in", self->folder);
      g_clear_pointer (&job->temporary_path, g_free);
      return NULL;
    }
  job->stream = dimse_store_file_stream_new (fd, job->temporary_path);
  if (!g_output_stream_write_all (job->stream, header->data, header->len, NULL, NULL, error))
    return NULL;
  DIMSE_STORE_FILE_STREAM (job->stream)->max_size = self->max_instance_size;
  DIMSE_STORE_FILE_STREAM (job->stream)->n_counted = 0;
  return g_object_ref (job->stream);
}

/* Deletes the files of data sets that were still arriving on assoc (all
 * associations for NULL). */
static void
discard_arriving (DimseStoreScp *self, DimseAssociation *assoc)
{
  if (assoc == NULL)
    g_hash_table_remove_all (self->arriving);
  else
    g_hash_table_remove (self->arriving, assoc);
}

static void
on_association_closed (DimseAssociation *assoc, guint reason, const char *description,
                       gpointer user_data)
{
  (void) reason;
  (void) description;
  discard_arriving (user_data, assoc);
}

void
dimse_store_scp_discard_incomplete (DimseStoreScp *scp)
{
  g_return_if_fail (DIMSE_IS_STORE_SCP (scp));
  discard_arriving (scp, NULL);
}

guint
dimse_store_scp_get_n_pending (DimseStoreScp *scp)
{
  g_return_val_if_fail (DIMSE_IS_STORE_SCP (scp), 0);
  return scp->n_pending;
}

void
dimse_store_scp_attach (DimseStoreScp *scp, DimseAssociation *assoc)
{
  g_return_if_fail (DIMSE_IS_STORE_SCP (scp));
  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));

  dimse_association_set_data_set_stream_sink (assoc, data_set_sink, g_object_ref (scp),
                                              g_object_unref);
  g_signal_connect_object (assoc, "request-received", G_CALLBACK (on_request_received), scp,
                           0);
  g_signal_connect_object (assoc, "closed", G_CALLBACK (on_association_closed), scp, 0);
}
