/* dimse-store.c — the Storage SCP (PS3.4 Annex B): received data sets
 * become Part 10 files (PS3.10 §7) without passing through memory */
#include "config.h"

#include "dimse-store-private.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dcm-uid.h"
#include "dimse-error.h"

/* PS3.5 Table 6.2-1: Error Comment is LO, at most 64 characters. */
#define STORE_MAX_COMMENT 64
/* PS3.5 §9.1: a UID is at most 64 characters. */
#define STORE_MAX_UID 64
/* Finishing files (sync, rename, sync of the folder) is done at once
 * while it costs no more than this on average (a tmpfs, a disk with a
 * fast cache); when it costs more it goes to the writer thread, so that
 * the main context (other associations) does not wait for the disk. */
#define STORE_INLINE_MAX_USEC 2000

G_DEFINE_FINAL_TYPE (DimseStoreScp, dimse_store_scp, G_TYPE_OBJECT)

enum {
  SIGNAL_INSTANCE_STORED,
  N_SIGNALS
};

static guint store_scp_signals[N_SIGNALS];
static char writer_stop;

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

DimseStoreScp *
dimse_store_scp_new (const char *folder)
{
  DimseStoreScp *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (DIMSE_TYPE_STORE_SCP, NULL);
  self->folder = g_strdup (folder);
  self->max_instance_size = DIMSE_STORE_DEFAULT_MAX_INSTANCE_SIZE;
  dimse_store_sweep_stale (folder);
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

/* ---- the writer thread: finishing files away from the main context ---- */

static gboolean deliver_batch (gpointer user_data);

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
      dimse_store_finish_batch (self, batch);
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
  dimse_store_finish_batch (self, batch);
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
  g_autofree char *why = NULL;

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
  if (!dimse_store_open_temporary (self, job, error))
    return NULL;
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
