/* dimse-web-client.c — the DICOMweb client: session, authentication,
 * statuses and DICOM JSON answers (PS3.18 §8, Annex F) */
#include "config.h"

#include "dimse-web-client-private.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dcm-json.h"

#define WEB_CLIENT_DEFAULT_TIMEOUT_S 60
/* Of an error body, what is quoted in the error. */
#define WEB_CLIENT_MAX_SERVER_MESSAGE 300

struct _DimseWebClient {
  GObject      parent_instance;
  char        *base_url;        /* without the trailing slash */
  SoupSession *session;
  char        *authorization;   /* the Authorization header, or NULL */
};

G_DEFINE_FINAL_TYPE (DimseWebClient, dimse_web_client, G_TYPE_OBJECT)

enum {
  SIGNAL_EXCHANGE,
  SIGNAL_EXCHANGE_DETAILS,
  N_SIGNALS
};

static guint client_signals[N_SIGNALS];

static void
dimse_web_client_finalize (GObject *object)
{
  DimseWebClient *self = DIMSE_WEB_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->authorization, g_free);
  G_OBJECT_CLASS (dimse_web_client_parent_class)->finalize (object);
}

static void
dimse_web_client_class_init (DimseWebClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_web_client_finalize;
  client_signals[SIGNAL_EXCHANGE] =
    g_signal_new ("exchange", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT,
                  G_TYPE_UINT64, G_TYPE_INT64);
  client_signals[SIGNAL_EXCHANGE_DETAILS] =
    g_signal_new ("exchange-details", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1,
                  DIMSE_TYPE_WEB_EXCHANGE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
dimse_web_client_init (DimseWebClient *self)
{
  self->session = soup_session_new_with_options ("timeout", WEB_CLIENT_DEFAULT_TIMEOUT_S,
                                                 "idle-timeout", WEB_CLIENT_DEFAULT_TIMEOUT_S,
                                                 "user-agent", "dimsebench/" PACKAGE_VERSION,
                                                 NULL);
}

DimseWebClient *
dimse_web_client_new (const char *base_url, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local = NULL;
  DimseWebClient *self;
  const char *scheme;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);
  uri = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, &local);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a URL: %s."), base_url, local->message);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The DICOMweb URL “%s” must start with http:// or https://."), base_url);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The DICOMweb URL “%s” must name a host and have no query (?…) or "
                     "fragment (#…)."), base_url);
      return NULL;
    }
  self = g_object_new (DIMSE_TYPE_WEB_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
  return self;
}

const char *
dimse_web_client_get_base_url (DimseWebClient *client)
{
  g_return_val_if_fail (DIMSE_IS_WEB_CLIENT (client), NULL);
  return client->base_url;
}

void
dimse_web_client_set_basic_auth (DimseWebClient *client, const char *user, const char *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (DIMSE_IS_WEB_CLIENT (client));
  g_clear_pointer (&client->authorization, g_free);
  if (user == NULL)
    return;
  pair = g_strconcat (user, ":", password != NULL ? password : "", NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  client->authorization = g_strconcat ("Basic ", encoded, NULL);
  /* The password is not kept longer than needed. */
  memset (pair, 0, strlen (pair));
}

void
dimse_web_client_set_bearer_token (DimseWebClient *client, const char *token)
{
  g_return_if_fail (DIMSE_IS_WEB_CLIENT (client));
  g_clear_pointer (&client->authorization, g_free);
  if (token != NULL)
    client->authorization = g_strconcat ("Bearer ", token, NULL);
}

gboolean
dimse_web_client_set_ca_file (DimseWebClient *client, const char *path, GError **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_val_if_fail (DIMSE_IS_WEB_CLIENT (client), FALSE);
  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    {
      g_prefix_error (error, _("Cannot read the CA certificates in “%s”: "), path);
      return FALSE;
    }
  soup_session_set_tls_database (client->session, database);
  return TRUE;
}

void
dimse_web_client_set_timeout (DimseWebClient *client, guint seconds)
{
  g_return_if_fail (DIMSE_IS_WEB_CLIENT (client));
  soup_session_set_timeout (client->session, seconds);
  soup_session_set_idle_timeout (client->session, seconds);
}

/* ---- shared by the services ---- */

#define REQUEST_BYTES_KEY "dimse-web-request-bytes"

/* Counted as libsoup writes it, so that a body streamed from a file or
 * cut short counts what went over the connection. */
static void
on_wrote_body_data (SoupMessage *msg, guint chunk_size, gpointer user_data)
{
  guint64 *written = user_data;

  (void) msg;
  *written += chunk_size;
}

/* A redirect or a retry with credentials sends the body again: the
 * exchange recorded is the last one. */
static void
on_restarted (SoupMessage *msg, gpointer user_data)
{
  guint64 *written = user_data;

  (void) msg;
  *written = 0;
}

SoupSession *
dimse_web_client_get_session (DimseWebClient *client)
{
  return client->session;
}

SoupMessage *
dimse_web_client_new_message (DimseWebClient *client, const char *method, const char *url,
                              const char *accept)
{
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;
  guint64 *written;

  g_return_val_if_fail (msg != NULL, NULL);
  headers = soup_message_get_request_headers (msg);
  if (client->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", client->authorization);
  if (accept != NULL)
    soup_message_headers_replace (headers, "Accept", accept);
  written = g_new0 (guint64, 1);
  g_object_set_data_full (G_OBJECT (msg), REQUEST_BYTES_KEY, written, g_free);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), written);
  g_signal_connect (msg, "restarted", G_CALLBACK (on_restarted), written);
  return msg;
}

void
dimse_web_client_record (DimseWebClient *client, SoupMessage *msg, guint64 response_bytes,
                         gint64 start_us)
{
  g_autofree char *url = g_uri_to_string (soup_message_get_uri (msg));
  const guint64 *written = g_object_get_data (G_OBJECT (msg), REQUEST_BYTES_KEY);
  gint64 duration_us = g_get_monotonic_time () - start_us;
  g_autoptr(DimseWebExchange) exchange = dimse_web_exchange_new (msg,
                                                                 written != NULL ? *written : 0,
                                                                 response_bytes, duration_us);

  g_signal_emit (client, client_signals[SIGNAL_EXCHANGE], 0, soup_message_get_method (msg),
                 url, soup_message_get_status (msg), response_bytes, duration_us);
  g_signal_emit (client, client_signals[SIGNAL_EXCHANGE_DETAILS], 0, exchange);
}

char *
dimse_web_client_build_resource_url (DimseWebClient *client, const char *study_uid,
                                     const char *series_uid, const char *instance_uid,
                                     const char *suffix)
{
  GString *url = g_string_new (client->base_url);
  const char *const names[] = { "studies", "series", "instances" };
  const char *const uids[] = { study_uid, series_uid, instance_uid };

  for (guint i = 0; i < G_N_ELEMENTS (uids) && uids[i] != NULL; i++)
    {
      g_autofree char *escaped = g_uri_escape_string (uids[i], NULL, FALSE);

      g_string_append_printf (url, "/%s/%s", names[i], escaped);
    }
  if (suffix != NULL)
    g_string_append (url, suffix);
  return g_string_free (url, FALSE);
}

/* What the server said in an error body: Orthanc and others answer JSON
 * with a "Message"; otherwise its first line of text. */
static char *
server_message (GBytes *body)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *text = NULL;
  char *nl;

  if (data == NULL || len == 0)
    return NULL;
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, data, (gssize) MIN (len, 65536), NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));
      const char *const keys[] = { "Message", "message", "error", "Details" };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          JsonNode *member = json_object_get_member (object, keys[i]);
          const char *value = member != NULL && JSON_NODE_HOLDS_VALUE (member)
                              && json_node_get_value_type (member) == G_TYPE_STRING
                              ? json_node_get_string (member) : NULL;

          if (value != NULL && *value != '\0')
            return g_utf8_make_valid (value, (gssize) MIN (strlen (value),
                                                           WEB_CLIENT_MAX_SERVER_MESSAGE));
        }
    }
  text = g_utf8_make_valid (data, (gssize) MIN (len, WEB_CLIENT_MAX_SERVER_MESSAGE));
  g_strstrip (text);
  nl = strpbrk (text, "\r\n");
  if (nl != NULL)
    *nl = '\0';
  /* An HTML page says nothing a person can use here. */
  if (text[0] == '<')
    return NULL;
  return g_steal_pointer (&text);
}

gboolean
dimse_web_check_status (SoupMessage *msg, const char *what, GBytes *body,
                        gboolean allow_no_content, GError **error)
{
  guint status = soup_message_get_status (msg);
  g_autofree char *message = NULL;

  if (SOUP_STATUS_IS_SUCCESSFUL (status)
      && (status != SOUP_STATUS_NO_CONTENT || allow_no_content))
    return TRUE;
  message = server_message (body);
  dimse_web_set_status_error (error, what, status, soup_message_get_reason_phrase (msg),
                              message,
                              soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                            "Retry-After"));
  return FALSE;
}

GPtrArray *
dimse_web_parse_json_array (GBytes *body, const char *what, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) data_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root;
  JsonArray *array;

  if (len == 0)
    return g_steal_pointer (&data_sets);
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                   _("%s answered with a body that is not JSON: %s."), what, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      DcmDataSet *ds = dcm_json_to_data_set (root, error);

      if (ds == NULL)
        return NULL;
      g_ptr_array_add (data_sets, ds);
      return g_steal_pointer (&data_sets);
    }
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                   _("%s answered with JSON that is not an array of DICOM JSON objects."), what);
      return NULL;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      DcmDataSet *ds = dcm_json_to_data_set (json_array_get_element (array, i), &local);

      if (ds == NULL)
        {
          g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                       _("%s answered with a data set (number %u) that is not DICOM JSON: %s"),
                       what, i + 1, local->message);
          return NULL;
        }
      g_ptr_array_add (data_sets, ds);
    }
  return g_steal_pointer (&data_sets);
}

/* ---- GET of DICOM JSON ---- */

typedef struct {
  SoupMessage *msg;
  char        *what;
  gint64       start_us;
} GetJson;

static void
get_json_free (GetJson *get)
{
  g_clear_object (&get->msg);
  g_free (get->what);
  g_free (get);
}

static void
on_json_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GetJson *get = g_task_get_task_data (task);
  DimseWebClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  GPtrArray *data_sets;

  if (body == NULL)
    {
      g_autofree char *url = g_uri_to_string (soup_message_get_uri (get->msg));

      dimse_web_error_wrap_transport (&error, url);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  dimse_web_client_record (self, get->msg, g_bytes_get_size (body), get->start_us);
  if (!dimse_web_check_status (get->msg, get->what, body, TRUE, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (soup_message_get_status (get->msg) == SOUP_STATUS_NO_CONTENT)
    data_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  else
    data_sets = dimse_web_parse_json_array (body, get->what, &error);
  if (data_sets == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, data_sets, (GDestroyNotify) g_ptr_array_unref);
}

void
dimse_web_client_get_json_async (DimseWebClient *client, const char *url, const char *what,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  GetJson *get = g_new0 (GetJson, 1);

  get->msg = dimse_web_client_new_message (client, SOUP_METHOD_GET, url,
                                           "application/dicom+json");
  get->what = g_strdup (what);
  get->start_us = g_get_monotonic_time ();
  g_task_set_task_data (task, get, (GDestroyNotify) get_json_free);
  soup_session_send_and_read_async (client->session, get->msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_json_read, task);
}

GPtrArray *
dimse_web_client_get_json_finish (DimseWebClient *client, GAsyncResult *result,
                                  char **out_warning, GError **error)
{
  GetJson *get = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  if (out_warning != NULL)
    *out_warning = g_strdup (soup_message_headers_get_one (
                               soup_message_get_response_headers (get->msg), "Warning"));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- metadata (PS3.18 §10.4) ---- */

static void
on_metadata (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *data_sets = dimse_web_client_get_json_finish (DIMSE_WEB_CLIENT (source), result,
                                                           NULL, &error);

  if (data_sets == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, data_sets, (GDestroyNotify) g_ptr_array_unref);
}

void
dimse_web_client_metadata_async (DimseWebClient *client, const char *study_uid,
                                 const char *series_uid, const char *instance_uid,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;

  g_return_if_fail (study_uid != NULL);
  url = dimse_web_client_build_resource_url (client, study_uid, series_uid, instance_uid,
                                             "/metadata");
  what = g_strdup_printf (_("The WADO-RS metadata request %s"), url);
  dimse_web_client_get_json_async (client, url, what, cancellable, on_metadata, task);
}

GPtrArray *
dimse_web_client_metadata_finish (DimseWebClient *client, GAsyncResult *result,
                                  GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
