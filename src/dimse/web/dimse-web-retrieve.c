/* dimse-web-retrieve.c — WADO-RS retrieve of instances (PS3.18
 * §10.4): multipart/related; type="application/dicom" parsed as it
 * arrives, each part written to the folder as it ends */
#include "config.h"

#include "dimse-web-client-private.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dcm-tags.h"
#include "dimse-web-multipart.h"
#include "dimse-web-part-writer.h"

#define RETRIEVE_READ_SIZE (64 * 1024)
/* Of an error response, what is read for its message. */
#define RETRIEVE_MAX_ERROR_BODY 4096

/* ---- the job ---- */

struct _DimseWebRetrieveJob {
  GObject parent_instance;
  guint   n_received;
  guint   n_expected;
  guint64 bytes_received;
};

G_DEFINE_FINAL_TYPE (DimseWebRetrieveJob, dimse_web_retrieve_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_RECEIVED,
  PROP_N_EXPECTED,
  PROP_BYTES_RECEIVED,
  N_PROPS
};

static GParamSpec *job_properties[N_PROPS];

enum {
  SIGNAL_INSTANCE_STORED,
  N_SIGNALS
};

static guint job_signals[N_SIGNALS];

static void
dimse_web_retrieve_job_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  DimseWebRetrieveJob *self = DIMSE_WEB_RETRIEVE_JOB (object);

  switch (prop_id)
    {
    case PROP_N_RECEIVED:
      g_value_set_uint (value, self->n_received);
      break;
    case PROP_N_EXPECTED:
      g_value_set_uint (value, self->n_expected);
      break;
    case PROP_BYTES_RECEIVED:
      g_value_set_uint64 (value, self->bytes_received);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dimse_web_retrieve_job_class_init (DimseWebRetrieveJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = dimse_web_retrieve_job_get_property;
  job_properties[PROP_N_RECEIVED] =
    g_param_spec_uint ("n-received", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  job_properties[PROP_N_EXPECTED] =
    g_param_spec_uint ("n-expected", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  job_properties[PROP_BYTES_RECEIVED] =
    g_param_spec_uint64 ("bytes-received", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, job_properties);
  job_signals[SIGNAL_INSTANCE_STORED] =
    g_signal_new ("instance-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
dimse_web_retrieve_job_init (DimseWebRetrieveJob *self)
{
}

DimseWebRetrieveJob *
dimse_web_retrieve_job_new (void)
{
  return g_object_new (DIMSE_TYPE_WEB_RETRIEVE_JOB, NULL);
}

guint
dimse_web_retrieve_job_get_n_received (DimseWebRetrieveJob *job)
{
  return job->n_received;
}

guint
dimse_web_retrieve_job_get_n_expected (DimseWebRetrieveJob *job)
{
  return job->n_expected;
}

guint64
dimse_web_retrieve_job_get_bytes_received (DimseWebRetrieveJob *job)
{
  return job->bytes_received;
}

/* ---- the retrieve ---- */

typedef struct {
  char                *study_uid;
  char                *series_uid;
  char                *instance_uid;
  char                *url;
  char                *what;
  DimseWebRetrieveJob *job;
  DimseWebPartWriter  *writer;
  DimseWebMultipart   *parser;
  SoupMessage         *msg;
  GInputStream        *stream;
  GByteArray          *error_body;   /* of a response that is not a success */
  gint64               start_us;
  guint64              bytes;
} Retrieve;

static void
retrieve_free (Retrieve *retrieve)
{
  g_free (retrieve->study_uid);
  g_free (retrieve->series_uid);
  g_free (retrieve->instance_uid);
  g_free (retrieve->url);
  g_free (retrieve->what);
  g_clear_object (&retrieve->job);
  g_clear_pointer (&retrieve->parser, dimse_web_multipart_free);
  /* A part not ended leaves no file behind. */
  g_clear_pointer (&retrieve->writer, dimse_web_part_writer_free);
  g_clear_object (&retrieve->msg);
  g_clear_object (&retrieve->stream);
  g_clear_pointer (&retrieve->error_body, g_byte_array_unref);
  g_free (retrieve);
}

static gboolean
on_part_begin (const char *content_type, const char *content_location, gpointer user_data,
               GError **error)
{
  Retrieve *retrieve = user_data;

  (void) content_location;
  return dimse_web_part_writer_begin (retrieve->writer, content_type, error);
}

static gboolean
on_part_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Retrieve *retrieve = user_data;

  return dimse_web_part_writer_write (retrieve->writer, data, len, error);
}

static gboolean
on_part_end (gpointer user_data, GError **error)
{
  Retrieve *retrieve = user_data;
  g_autofree char *sop_instance_uid = NULL;
  g_autofree char *path = dimse_web_part_writer_end (retrieve->writer, NULL, &sop_instance_uid,
                                                     error);

  if (path == NULL)
    return FALSE;
  if (retrieve->job != NULL)
    {
      retrieve->job->n_received++;
      g_object_notify_by_pspec (G_OBJECT (retrieve->job), job_properties[PROP_N_RECEIVED]);
      g_signal_emit (retrieve->job, job_signals[SIGNAL_INSTANCE_STORED], 0, path,
                     sop_instance_uid);
    }
  return TRUE;
}

static const DimseWebMultipartCallbacks retrieve_callbacks = {
  on_part_begin, on_part_data, on_part_end,
};

static void read_next (GTask *task);

static void
fail (GTask *task, GError *error)
{
  Retrieve *retrieve = g_task_get_task_data (task);

  dimse_web_part_writer_abort (retrieve->writer);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
finish_error_body (GTask *task)
{
  Retrieve *retrieve = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&retrieve->error_body));
  GError *error = NULL;

  dimse_web_client_record (g_task_get_source_object (task), retrieve->msg, retrieve->bytes,
                           retrieve->start_us);
  dimse_web_check_status (retrieve->msg, retrieve->what, body, FALSE, &error);
  fail (task, error);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Retrieve *retrieve = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  gsize len = 0;
  const guint8 *data;

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("%s was cut off after %llu bytes: "),
                        retrieve->what, (unsigned long long) retrieve->bytes);
      fail (task, error);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  retrieve->bytes += len;
  if (retrieve->error_body != NULL)
    {
      if (len > 0 && retrieve->error_body->len < RETRIEVE_MAX_ERROR_BODY)
        g_byte_array_append (retrieve->error_body, data,
                             (guint) MIN (len, RETRIEVE_MAX_ERROR_BODY));
      if (len == 0 || retrieve->error_body->len >= RETRIEVE_MAX_ERROR_BODY)
        finish_error_body (task);
      else
        read_next (task);
      return;
    }
  if (retrieve->job != NULL && len > 0)
    {
      retrieve->job->bytes_received = retrieve->bytes;
      g_object_notify_by_pspec (G_OBJECT (retrieve->job), job_properties[PROP_BYTES_RECEIVED]);
    }
  if (len > 0 && !dimse_web_multipart_feed (retrieve->parser, data, len, &error))
    {
      g_prefix_error (&error, _("%s: "), retrieve->what);
      fail (task, error);
      return;
    }
  if (len > 0)
    {
      read_next (task);
      return;
    }
  dimse_web_client_record (g_task_get_source_object (task), retrieve->msg, retrieve->bytes,
                           retrieve->start_us);
  if (!dimse_web_multipart_finish (retrieve->parser, &error))
    {
      g_prefix_error (&error, _("%s: "), retrieve->what);
      fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
read_next (GTask *task)
{
  Retrieve *retrieve = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (retrieve->stream, RETRIEVE_READ_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, task);
}

/* The boundary of a multipart/related response, or an error in words. */
static gboolean
check_content_type (Retrieve *retrieve, char **boundary, GError **error)
{
  g_autoptr(GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (
                       soup_message_get_response_headers (retrieve->msg), &params);
  const char *part_type = params != NULL ? g_hash_table_lookup (params, "type") : NULL;

  if (type == NULL || g_ascii_strcasecmp (type, "multipart/related") != 0)
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                   _("%s answered with “%s”, not multipart/related."), retrieve->what,
                   type != NULL ? type : _("no Content-Type"));
      return FALSE;
    }
  if (part_type != NULL && g_ascii_strcasecmp (part_type, "application/dicom") != 0)
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                   _("%s answered with parts of type “%s”, not application/dicom."),
                   retrieve->what, part_type);
      return FALSE;
    }
  *boundary = params != NULL ? g_strdup (g_hash_table_lookup (params, "boundary")) : NULL;
  return TRUE;
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Retrieve *retrieve = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *boundary = NULL;

  retrieve->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (retrieve->stream == NULL)
    {
      dimse_web_error_wrap_transport (&error, retrieve->url);
      fail (task, error);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (retrieve->msg))
      || soup_message_get_status (retrieve->msg) == SOUP_STATUS_NO_CONTENT)
    {
      /* Read a little of the body for the server's message. */
      retrieve->error_body = g_byte_array_new ();
      read_next (task);
      return;
    }
  if (!check_content_type (retrieve, &boundary, &error))
    {
      fail (task, error);
      return;
    }
  retrieve->parser = dimse_web_multipart_new (boundary, &retrieve_callbacks, retrieve);
  read_next (task);
}

static void
send_retrieve (GTask *task)
{
  DimseWebClient *self = g_task_get_source_object (task);
  Retrieve *retrieve = g_task_get_task_data (task);

  /* PS3.18 §8.7.3.5.2: "*" asks for the transfer syntax the instances are
   * stored in, so that they come back as they were sent. */
  retrieve->msg = dimse_web_client_new_message (self, SOUP_METHOD_GET, retrieve->url,
                                                "multipart/related; type=\"application/dicom\"; "
                                                "transfer-syntax=*");
  retrieve->start_us = g_get_monotonic_time ();
  soup_session_send_async (dimse_web_client_get_session (self), retrieve->msg,
                           G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_sent, task);
}

/* ---- the count first (PS3.18 §10.6.3.3.1 and .2) ---- */

static void
on_counted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Retrieve *retrieve = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = dimse_web_client_search_finish (DIMSE_WEB_CLIENT (source),
                                                                 result, &error);
  guint32 tag = retrieve->series_uid != NULL ? DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES
                                             : DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES;
  gint64 n = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (matches != NULL && matches->len == 1
      && dcm_data_set_get_int64 (matches->pdata[0], tag, 0, &n, NULL) && n > 0
      && n <= G_MAXUINT)
    {
      retrieve->job->n_expected = (guint) n;
      g_object_notify_by_pspec (G_OBJECT (retrieve->job), job_properties[PROP_N_EXPECTED]);
    }
  send_retrieve (task);
}

static void
count_instances (GTask *task)
{
  DimseWebClient *self = g_task_get_source_object (task);
  Retrieve *retrieve = g_task_get_task_data (task);
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  DimseQrLevel level = retrieve->series_uid != NULL ? DIMSE_QR_LEVEL_SERIES
                                                    : DIMSE_QR_LEVEL_STUDY;

  dcm_data_set_set_string (identifier, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI,
                           retrieve->study_uid, NULL);
  if (retrieve->series_uid != NULL)
    dcm_data_set_set_string (identifier, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_UI,
                             retrieve->series_uid, NULL);
  dcm_data_set_insert (identifier, retrieve->series_uid != NULL
                                   ? DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES
                                   : DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES, DCM_VR_NONE);
  dimse_web_client_search_async (self, level, identifier, NULL, g_task_get_cancellable (task),
                                 on_counted, task);
}

void
dimse_web_client_retrieve_async (DimseWebClient *client, const char *study_uid,
                                 const char *series_uid, const char *instance_uid,
                                 const char *folder, DimseWebRetrieveJob *job,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task;
  Retrieve *retrieve;

  g_return_if_fail (DIMSE_IS_WEB_CLIENT (client));
  g_return_if_fail (study_uid != NULL && folder != NULL);
  g_return_if_fail (instance_uid == NULL || series_uid != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  retrieve = g_new0 (Retrieve, 1);
  retrieve->study_uid = g_strdup (study_uid);
  retrieve->series_uid = g_strdup (series_uid);
  retrieve->instance_uid = g_strdup (instance_uid);
  retrieve->url = dimse_web_client_build_resource_url (client, study_uid, series_uid,
                                                       instance_uid, NULL);
  retrieve->what = g_strdup_printf (_("The WADO-RS retrieve %s"), retrieve->url);
  retrieve->job = job != NULL ? g_object_ref (job) : dimse_web_retrieve_job_new ();
  retrieve->writer = dimse_web_part_writer_new (folder);
  g_task_set_task_data (task, retrieve, (GDestroyNotify) retrieve_free);
  if (instance_uid != NULL)
    {
      retrieve->job->n_expected = 1;
      g_object_notify_by_pspec (G_OBJECT (retrieve->job), job_properties[PROP_N_EXPECTED]);
      send_retrieve (task);
    }
  else
    count_instances (task);
}

gboolean
dimse_web_client_retrieve_finish (DimseWebClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
