/* dimse-web-stow.c — STOW-RS (PS3.18 §10.5): Part 10 files sent in
 * multipart/related requests, the response's Referenced and Failed SOP
 * Sequences read back per instance */
#include "config.h"

#include "dimse-web-client-private.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dcm-file.h"
#include "dcm-json.h"
#include "dcm-tags.h"
#include "dimse-status.h"
#include "dimse-web-multipart.h"

#define STOW_DEFAULT_BATCH_BYTES (16 * 1024 * 1024)
/* PS3.7 Annex C: the "cannot understand" failure, for a file of ours that
 * was not sent. */
#define STOW_STATUS_NOT_SENT 0xC000

void
dimse_web_store_result_free (DimseWebStoreResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_free (result);
}

static void
outcome_free (DimseWebStoreOutcome *outcome)
{
  g_free (outcome->path);
  g_free (outcome->sop_class_uid);
  g_free (outcome->sop_instance_uid);
  g_free (outcome->message);
  g_free (outcome);
}

typedef struct {
  GPtrArray           *files;        /* char* paths */
  guint                next;         /* the next file to put in a batch */
  char                *url;
  char                *boundary;
  guint64              max_batch_bytes;
  GByteArray          *body;
  GHashTable          *batch;        /* SOP Instance UID → path, of the batch in flight */
  SoupMessage         *msg;
  gint64               start_us;
  DimseWebStoreResult *result;
} Store;

static void
store_free (Store *store)
{
  g_clear_pointer (&store->files, g_ptr_array_unref);
  g_free (store->url);
  g_free (store->boundary);
  g_clear_pointer (&store->body, g_byte_array_unref);
  g_clear_pointer (&store->batch, g_hash_table_unref);
  g_clear_object (&store->msg);
  g_clear_pointer (&store->result, dimse_web_store_result_free);
  g_free (store);
}

static void
add_problem (Store *store, const char *path, const char *sop_class_uid,
             const char *sop_instance_uid, guint16 status, const char *message)
{
  DimseWebStoreOutcome *outcome = g_new0 (DimseWebStoreOutcome, 1);

  outcome->path = g_strdup (path);
  outcome->sop_class_uid = g_strdup (sop_class_uid);
  outcome->sop_instance_uid = g_strdup (sop_instance_uid);
  outcome->status = status;
  outcome->message = g_strdup (message);
  g_ptr_array_add (store->result->problems, outcome);
}

/* ---- the files ---- */

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
collect (GPtrArray *files, const char *path, gboolean top, GError **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* Links below the paths given are not followed. */
  if (!top && g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_strdup (path));
      else if (top)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("“%s” is neither a file nor a folder."), path);
          return FALSE;
        }
      return TRUE;
    }
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

    while ((name = g_dir_read_name (dir)) != NULL)
      if (name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    /* Sorted, so that the batches are the same from run to run. */
    g_ptr_array_sort (names, compare_names);
    for (guint i = 0; i < names->len; i++)
      {
        g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);

        if (!collect (files, child, FALSE, error))
          return FALSE;
      }
  }
  return TRUE;
}

/* Appends the file as one part, or records why it cannot go. */
static void
add_file (Store *store, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DcmFile) file = NULL;
  g_autofree char *sop_instance_uid = NULL;
  DcmReadOptions opts;

  if (mapped != NULL)
    {
      bytes = g_mapped_file_get_bytes (mapped);
      dcm_read_options_init (&opts);
      opts.stop_at_tag = DCM_TAG_SOP_INSTANCE_UID + 1;
      file = dcm_file_read_bytes (bytes, &opts, DCM_FILE_READ_DEFAULT, &error);
    }
  if (file == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not sent: %s"), error->message);

      store->result->n_failed++;
      add_problem (store, path, NULL, NULL, STOW_STATUS_NOT_SENT, message);
      return;
    }
  sop_instance_uid = dcm_data_set_dup_string (dcm_file_get_data_set (file),
                                              DCM_TAG_SOP_INSTANCE_UID);
  g_hash_table_replace (store->batch, g_strdup (sop_instance_uid != NULL ? sop_instance_uid : path),
                        g_strdup (path));
  {
    g_autofree char *head = g_strdup_printf ("\r\n--%s\r\nContent-Type: application/dicom\r\n\r\n",
                                             store->boundary);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data (bytes, &len);

    /* The first delimiter needs no CRLF before it (RFC 2046 §5.1.1). */
    g_byte_array_append (store->body, (const guint8 *) head + (store->body->len == 0 ? 2 : 0),
                         (guint) strlen (head) - (store->body->len == 0 ? 2 : 0));
    g_byte_array_append (store->body, data, (guint) len);
  }
}

/* ---- the response ---- */

static void
read_sequence (Store *store, DcmDataSet *response, guint32 sequence, guint32 reason_tag,
               gboolean failed)
{
  guint n = dcm_data_set_get_n_items (response, sequence);

  for (guint i = 0; i < n; i++)
    {
      DcmDataSet *item = dcm_data_set_get_item (response, sequence, i);
      g_autofree char *sop_class_uid = dcm_data_set_dup_string (item,
                                                                DCM_TAG_REFERENCED_SOP_CLASS_UID);
      g_autofree char *sop_instance_uid =
        dcm_data_set_dup_string (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID);
      const char *path = sop_instance_uid != NULL
                         ? g_hash_table_lookup (store->batch, sop_instance_uid) : NULL;
      gint64 reason = failed ? 0x0110 : 0;
      g_autofree char *message = NULL;

      if (!dcm_data_set_get_int64 (item, reason_tag, 0, &reason, NULL) && !failed)
        continue;
      reason &= 0xffff;
      message = g_strdup_printf ("%s (0x%04X)",
                                 dimse_status_meaning ((guint16) reason, DIMSE_C_STORE_RQ),
                                 (guint) reason);
      add_problem (store, path, sop_class_uid, sop_instance_uid, (guint16) reason, message);
      if (failed)
        store->result->n_failed++;
      else
        store->result->n_warnings++;
    }
}

static gboolean
read_response (Store *store, GBytes *body, guint n_sent, GError **error)
{
  guint status = soup_message_get_status (store->msg);
  g_autoptr(GPtrArray) data_sets = NULL;
  DcmDataSet *response;
  guint n_failed_before = store->result->n_failed;
  guint n_failed;

  if (g_bytes_get_size (body) > 0)
    data_sets = dimse_web_parse_json_array (body, _("The STOW-RS request"), error);
  if (g_bytes_get_size (body) > 0 && data_sets == NULL)
    return FALSE;
  response = data_sets != NULL && data_sets->len > 0 ? data_sets->pdata[0] : NULL;
  if (response != NULL)
    {
      read_sequence (store, response, DCM_TAG_FAILED_SOP_SEQUENCE, DCM_TAG_FAILURE_REASON,
                     TRUE);
      read_sequence (store, response, DCM_TAG_REFERENCED_SOP_SEQUENCE, DCM_TAG_WARNING_REASON,
                     FALSE);
    }
  n_failed = store->result->n_failed - n_failed_before;
  /* PS3.18 §10.5.3: 409 when none was stored, whatever the body lists. */
  if (status == SOUP_STATUS_CONFLICT && n_failed < n_sent)
    {
      g_autofree char *message = g_strdup_printf (_("The server answered HTTP 409 Conflict: it "
                                                    "stored none of the %u instances of the "
                                                    "request."), n_sent);

      add_problem (store, NULL, NULL, NULL, 0xA700, message);
      store->result->n_failed += n_sent - n_failed;
      n_failed = n_sent;
    }
  store->result->n_stored += n_sent - MIN (n_failed, n_sent);
  return TRUE;
}

static void send_batch (GTask *task);

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Store *store = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  guint status;
  guint n_sent = g_hash_table_size (store->batch);

  if (body == NULL)
    {
      dimse_web_error_wrap_transport (&error, store->url);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  dimse_web_client_record (g_task_get_source_object (task), store->msg,
                           g_bytes_get_size (body), store->start_us);
  status = soup_message_get_status (store->msg);
  if (status != SOUP_STATUS_CONFLICT)
    {
      g_autofree char *what = g_strdup_printf (_("The STOW-RS request to %s"), store->url);

      if (!dimse_web_check_status (store->msg, what, body, FALSE, &error))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
    }
  if (!read_response (store, body, n_sent, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_object (&store->msg);
  send_batch (task);
}

static void
send_batch (GTask *task)
{
  DimseWebClient *self = g_task_get_source_object (task);
  Store *store = g_task_get_task_data (task);
  g_autofree char *content_type = NULL;
  g_autofree char *tail = NULL;
  g_autoptr(GBytes) body = NULL;

  g_byte_array_set_size (store->body, 0);
  g_hash_table_remove_all (store->batch);
  while (store->next < store->files->len && store->body->len < store->max_batch_bytes)
    add_file (store, store->files->pdata[store->next++]);
  if (g_hash_table_size (store->batch) == 0)
    {
      if (store->next < store->files->len)
        {
          send_batch (task);
          return;
        }
      g_task_return_pointer (task, g_steal_pointer (&store->result),
                             (GDestroyNotify) dimse_web_store_result_free);
      g_object_unref (task);
      return;
    }
  tail = g_strdup_printf ("\r\n--%s--\r\n", store->boundary);
  g_byte_array_append (store->body, (const guint8 *) tail, (guint) strlen (tail));
  content_type = g_strdup_printf ("multipart/related; type=\"application/dicom\"; "
                                  "boundary=%s", store->boundary);
  body = g_byte_array_free_to_bytes (g_steal_pointer (&store->body));
  store->body = g_byte_array_new ();
  store->msg = dimse_web_client_new_message (self, SOUP_METHOD_POST, store->url,
                                             "application/dicom+json");
  soup_message_set_request_body_from_bytes (store->msg, content_type, body);
  store->result->n_requests++;
  store->start_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (dimse_web_client_get_session (self), store->msg,
                                    G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    on_stored, task);
}

void
dimse_web_client_store_async (DimseWebClient *client, const char *const *paths,
                              const char *study_uid, guint64 max_batch_bytes,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  Store *store = g_new0 (Store, 1);
  GError *error = NULL;

  g_task_set_task_data (task, store, (GDestroyNotify) store_free);
  store->files = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    if (!collect (store->files, paths[i], TRUE, &error))
      {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
      }
  store->url = study_uid != NULL
               ? dimse_web_client_build_resource_url (client, study_uid, NULL, NULL, NULL)
               : g_strconcat (dimse_web_client_get_base_url (client), "/studies", NULL);
  store->boundary = dimse_web_multipart_new_boundary ();
  store->max_batch_bytes = max_batch_bytes > 0 ? max_batch_bytes : STOW_DEFAULT_BATCH_BYTES;
  store->body = g_byte_array_new ();
  store->batch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  store->result = g_new0 (DimseWebStoreResult, 1);
  store->result->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) outcome_free);
  store->result->n_files = store->files->len;
  send_batch (task);
}

DimseWebStoreResult *
dimse_web_client_store_finish (DimseWebClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
