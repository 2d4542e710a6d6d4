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

#define STORE_COPY_CHUNK (1024 * 1024)
/* PS3.5 Table 6.2-1: Error Comment is LO, at most 64 characters. */
#define STORE_MAX_COMMENT 64

struct _DimseStoreScp {
  GObject     parent_instance;
  char       *folder;
  guint       n_pending;
  /* paths the sink gave out, not yet delivered → their association
   * (not a reference: its "closed" removes them) */
  GHashTable *arriving;
};

G_DEFINE_FINAL_TYPE (DimseStoreScp, dimse_store_scp, G_TYPE_OBJECT)

enum {
  SIGNAL_INSTANCE_STORED,
  N_SIGNALS
};

static guint store_scp_signals[N_SIGNALS];

/* One C-STORE-RQ on its way to a file. */
typedef struct {
  DimseAssociation *assoc;
  DimseMessage     *request;
  guint8            pc_id;
  char             *data_set_path;
  char             *sop_class_uid;
  char             *sop_instance_uid;
  char             *transfer_syntax_uid;
  char             *path;     /* the file written */
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  if (job->data_set_path != NULL)
    g_unlink (job->data_set_path);
  g_clear_object (&job->assoc);
  g_clear_pointer (&job->request, dimse_message_unref);
  g_free (job->data_set_path);
  g_free (job->sop_class_uid);
  g_free (job->sop_instance_uid);
  g_free (job->transfer_syntax_uid);
  g_free (job->path);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreJob, store_job_free)

static void
dimse_store_scp_finalize (GObject *object)
{
  DimseStoreScp *self = DIMSE_STORE_SCP (object);

  g_free (self->folder);
  g_hash_table_unref (self->arriving);
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
  self->arriving = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

DimseStoreScp *
dimse_store_scp_new (const char *folder)
{
  DimseStoreScp *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (DIMSE_TYPE_STORE_SCP, NULL);
  self->folder = g_strdup (folder);
  return self;
}

const char *
dimse_store_scp_get_folder (DimseStoreScp *scp)
{
  g_return_val_if_fail (DIMSE_IS_STORE_SCP (scp), NULL);
  return scp->folder;
}

/* ---- the Part 10 file (runs in a worker thread) ---- */

static gboolean
fail_errno (GError **error, int saved_errno, const char *what, const char *path)
{
  g_set_error (error, DCM_ERROR, DCM_ERROR_IO, "Cannot %s “%s”: %s.", what, path,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize length, const char *path, GError **error)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return fail_errno (error, errno, "write", path);
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* Preamble, "DICM" and the File Meta Information (PS3.10 §7.1). */
static GByteArray *
build_header (const StoreJob *job, GError **error)
{
  g_autoptr(DcmDataSet) ids = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GByteArray) header = g_byte_array_new ();
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

static gboolean
copy_data_set (int out_fd, const char *out_path, const char *in_path, GError **error)
{
  g_autofree guint8 *buffer = g_malloc (STORE_COPY_CHUNK);
  int in_fd = g_open (in_path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok = TRUE;

  if (in_fd < 0)
    return fail_errno (error, errno, "open", in_path);
  while (ok)
    {
      ssize_t n = read (in_fd, buffer, STORE_COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        ok = fail_errno (error, errno, "read", in_path);
      else if (n == 0)
        break;
      else
        ok = write_all (out_fd, buffer, (gsize) n, out_path, error);
    }
  close (in_fd);
  return ok;
}

static void
sync_folder (const char *folder)
{
  int fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  fsync (fd);
  close (fd);
}

static gboolean
write_part10 (StoreJob *job, const char *folder, GError **error)
{
  g_autoptr(GByteArray) header = build_header (job, error);
  g_autofree char *tmp_path = NULL;
  g_autofree char *file_name = NULL;
  int fd;

  if (header == NULL)
    return FALSE;
  tmp_path = g_build_filename (folder, ".dimse-store-XXXXXX.tmp", NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail_errno (error, errno, "create a file in", folder);
  if (!write_all (fd, header->data, header->len, tmp_path, error)
      || !copy_data_set (fd, tmp_path, job->data_set_path, error)
      || (fsync (fd) != 0 && !fail_errno (error, errno, "sync", tmp_path)))
    {
      close (fd);
      g_unlink (tmp_path);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      fail_errno (error, errno, "write", tmp_path);
      g_unlink (tmp_path);
      return FALSE;
    }
  file_name = g_strconcat (job->sop_instance_uid, ".dcm", NULL);
  job->path = g_build_filename (folder, file_name, NULL);
  if (g_rename (tmp_path, job->path) != 0)
    {
      fail_errno (error, errno, "rename a file to", job->path);
      g_unlink (tmp_path);
      g_clear_pointer (&job->path, g_free);
      return FALSE;
    }
  sync_folder (folder);
  return TRUE;
}

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DimseStoreScp *self = source;
  GError *error = NULL;

  (void) cancellable;
  if (!write_part10 (task_data, self->folder, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
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

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DimseStoreScp *self = DIMSE_STORE_SCP (source);
  StoreJob *job = user_data;
  g_autoptr(GError) error = NULL;

  self->n_pending--;
  /* Now rather than when the task is freed, which may happen on the worker
   * thread after a program that waited for n_pending has exited. */
  g_unlink (job->data_set_path);
  g_clear_pointer (&job->data_set_path, g_free);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *comment = io_failure_comment (error->message);

      respond (self, job, DIMSE_STORE_STATUS_OUT_OF_RESOURCES, error->message, comment);
    }
  else
    respond (self, job, DIMSE_STORE_STATUS_SUCCESS, NULL, NULL);
}

/* The checks PS3.4 §B.2.3 leaves to the SCP before anything is written;
 * NULL when the request may be stored. */
static char *
check_request (StoreJob *job, const GError *sink_error, guint16 *out_status)
{
  *out_status = DIMSE_STORE_STATUS_CANNOT_UNDERSTAND;
  if (job->sop_class_uid == NULL || job->sop_instance_uid == NULL)
    return g_strdup ("The C-STORE-RQ has no Affected SOP Class or Instance UID.");
  if (!dcm_uid_is_valid (job->sop_instance_uid))
    return g_strdup_printf ("Affected SOP Instance UID %s is not a valid UID.",
                            job->sop_instance_uid);
  if (job->transfer_syntax_uid == NULL
      || dcm_transfer_syntax_lookup (job->transfer_syntax_uid) == NULL)
    return g_strdup ("The presentation context has no known transfer syntax.");
  if (sink_error != NULL)
    {
      *out_status = DIMSE_STORE_STATUS_OUT_OF_RESOURCES;
      return io_failure_comment (sink_error->message);
    }
  if (job->data_set_path == NULL)
    {
      *out_status = DIMSE_STORE_STATUS_OUT_OF_RESOURCES;
      return g_strdup ("No temporary file could be made in the storage folder.");
    }
  return NULL;
}

/* Deletes the files of data sets that were still arriving on assoc (all
 * associations for NULL). The association deletes an unfinished one
 * itself, but only once a write to it under way is done: a program that
 * exits right after aborting cannot wait for that. */
static void
discard_arriving (DimseStoreScp *self, DimseAssociation *assoc)
{
  GHashTableIter iter;
  gpointer path, owner;

  g_hash_table_iter_init (&iter, self->arriving);
  while (g_hash_table_iter_next (&iter, &path, &owner))
    if (assoc == NULL || owner == assoc)
      {
        g_unlink (path);
        g_hash_table_iter_remove (&iter);
      }
}

static void
on_request_received (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                     GFile *data_set_file, gpointer user_data)
{
  DimseStoreScp *self = user_data;
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  const DimseNegotiatedContext *ctx = NULL;
  g_autoptr(StoreJob) job = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *why = NULL;
  const GError *sink_error;
  guint16 status;

  if (dimse_message_get_command_field (msg) != DIMSE_C_STORE_RQ)
    return;
  job = g_new0 (StoreJob, 1);
  job->assoc = g_object_ref (assoc);
  job->request = dimse_message_ref (msg);
  job->pc_id = pc_id;
  job->data_set_path = data_set_file != NULL ? g_file_get_path (data_set_file) : NULL;
  if (job->data_set_path != NULL)
    g_hash_table_remove (self->arriving, job->data_set_path);
  /* Data sets arrive one after the other: any other file the sink gave
   * this association was one the association discarded (PS3.8 Annex E). */
  discard_arriving (self, assoc);
  job->sop_class_uid = dimse_message_dup_string (msg, DCM_TAG_AFFECTED_SOP_CLASS_UID);
  job->sop_instance_uid = dimse_message_dup_string (msg, DCM_TAG_AFFECTED_SOP_INSTANCE_UID);
  if (negotiation != NULL)
    ctx = dimse_negotiation_result_get_context (negotiation, pc_id);
  if (ctx != NULL)
    job->transfer_syntax_uid = g_strdup (ctx->transfer_syntax);
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
  task = g_task_new (self, NULL, on_written, job);
  g_task_set_source_tag (task, on_request_received);
  g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify) store_job_free);
  self->n_pending++;
  g_task_run_in_thread (task, write_thread);
}

/* The sink: a fresh temporary file name in the folder for each
 * C-STORE-RQ. Creating it proves the folder writable (or the request is
 * answered with Out of Resources); it is removed again so that the
 * association creates it anew rather than writing a replacement beside it. */
static GFile *
data_set_sink (DimseAssociation *assoc, guint8 pc_id, DimseMessage *command, gpointer user_data)
{
  DimseStoreScp *self = user_data;
  g_autofree char *path = NULL;
  int fd;

  (void) pc_id;
  if (dimse_message_get_command_field (command) != DIMSE_C_STORE_RQ)
    return NULL;
  path = g_build_filename (self->folder, ".dimse-data-set-XXXXXX.part", NULL);
  fd = g_mkstemp_full (path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_debug ("Cannot create a file in “%s” for a data set from %s: %s.", self->folder,
               dimse_association_get_peer_name (assoc), g_strerror (errno));
      return NULL;
    }
  close (fd);
  g_unlink (path);
  g_hash_table_insert (self->arriving, g_strdup (path), assoc);
  return g_file_new_for_path (path);
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

  dimse_association_set_data_set_sink (assoc, data_set_sink, g_object_ref (scp),
                                       g_object_unref);
  g_signal_connect_object (assoc, "request-received", G_CALLBACK (on_request_received), scp,
                           0);
  g_signal_connect_object (assoc, "closed", G_CALLBACK (on_association_closed), scp, 0);
}
