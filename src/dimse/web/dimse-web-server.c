/* dimse-web-server.c — the DICOMweb server: listening, routing
 * (PS3.18 §10.4, §10.5, §10.6.1) and QIDO-RS over the archive index */
#include "config.h"

#include "dimse-web-server-private.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dcm-json.h"
#include "dcm-tags.h"
#include "dimse-web-error.h"
#include "dimse-web-part-writer.h"

struct _DimseWebServer {
  GObject            parent_instance;
  DimseArchiveIndex *index;
  char              *folder;
  char              *root;         /* "/dicom-web", no trailing slash */
  char              *cors_origin;  /* NULL: CORS off */
  char              *address;      /* listened on */
  SoupServer        *server;
  guint16            port;
};

G_DEFINE_FINAL_TYPE (DimseWebServer, dimse_web_server, G_TYPE_OBJECT)

enum {
  SIGNAL_REQUEST,
  SIGNAL_INSTANCE_STORED,
  N_SIGNALS
};

static guint server_signals[N_SIGNALS];

static void
dimse_web_server_dispose (GObject *object)
{
  DimseWebServer *self = DIMSE_WEB_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->index);
  G_OBJECT_CLASS (dimse_web_server_parent_class)->dispose (object);
}

static void
dimse_web_server_finalize (GObject *object)
{
  DimseWebServer *self = DIMSE_WEB_SERVER (object);

  g_free (self->folder);
  g_free (self->root);
  g_free (self->cors_origin);
  g_free (self->address);
  G_OBJECT_CLASS (dimse_web_server_parent_class)->finalize (object);
}

static void
dimse_web_server_class_init (DimseWebServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dimse_web_server_dispose;
  object_class->finalize = dimse_web_server_finalize;
  server_signals[SIGNAL_REQUEST] =
    g_signal_new ("request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT);
  server_signals[SIGNAL_INSTANCE_STORED] =
    g_signal_new ("instance-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dimse_web_server_init (DimseWebServer *self)
{
}

/* ---- shared with the other files ---- */

DimseArchiveIndex *
dimse_web_server_get_index (DimseWebServer *server)
{
  return server->index;
}

const char *
dimse_web_server_get_folder (DimseWebServer *server)
{
  return server->folder;
}

void
dimse_web_server_emit_instance_stored (DimseWebServer *server, const char *path)
{
  g_signal_emit (server, server_signals[SIGNAL_INSTANCE_STORED], 0, path);
}

char *
dimse_web_server_get_base_url (DimseWebServer *server)
{
  g_return_val_if_fail (DIMSE_IS_WEB_SERVER (server), NULL);
  gboolean ipv6 = server->address != NULL && strchr (server->address, ':') != NULL;

  return g_strdup_printf ("http://%s%s%s:%u%s", ipv6 ? "[" : "",
                          server->address != NULL ? server->address : "127.0.0.1",
                          ipv6 ? "]" : "", server->port, server->root);
}

char *
dimse_web_server_resource_url (DimseWebServer *server, const char *study_uid,
                               const char *series_uid, const char *instance_uid)
{
  g_autofree char *base = dimse_web_server_get_base_url (server);
  GString *url = g_string_new (base);

  g_string_append_printf (url, "/studies/%s", study_uid);
  if (series_uid != NULL)
    g_string_append_printf (url, "/series/%s", series_uid);
  if (series_uid != NULL && instance_uid != NULL)
    g_string_append_printf (url, "/instances/%s", instance_uid);
  return g_string_free (url, FALSE);
}

void
dimse_web_server_reply_error (DimseWebServer *server, SoupServerMessage *msg, guint status,
                              const char *message)
{
  (void) server;
  soup_server_message_set_status (msg, status, NULL);
  if (message != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "Message");
      json_builder_add_string_value (builder, message);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, FALSE);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text,
                                        strlen (text));
    }
}

GPtrArray *
dimse_web_server_select (DimseWebServer *server, SoupServerMessage *msg, const char *study_uid,
                         const char *series_uid, const char *instance_uid)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  const char *level = instance_uid != NULL ? "IMAGE" : series_uid != NULL ? "SERIES" : "STUDY";
  gboolean ok;

  ok = dcm_data_set_set_string (identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, level,
                                &error)
       && dcm_data_set_set_string (identifier, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI, study_uid,
                                   &error)
       && (series_uid == NULL
           || dcm_data_set_set_string (identifier, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_UI,
                                       series_uid, &error))
       && (instance_uid == NULL
           || dcm_data_set_set_string (identifier, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                       instance_uid, &error));
  if (ok)
    instances = dimse_archive_index_select (server->index, DIMSE_QR_MODEL_STUDY_ROOT,
                                            identifier, &error);
  if (instances == NULL)
    {
      dimse_web_server_reply_error (server, msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return NULL;
    }
  if (instances->len == 0)
    {
      dimse_web_server_reply_error (server, msg, SOUP_STATUS_NOT_FOUND,
                                    _("The archive holds no such study, series or instance."));
      return NULL;
    }
  return g_steal_pointer (&instances);
}

/* ---- QIDO-RS: query parameters → identifier (PS3.18 §8.3.4) ---- */

typedef struct {
  DcmDataSet *identifier;
  guint       limit;
  guint       offset;
  gboolean    fuzzy;
} Search;

static gboolean
parse_attribute_id (const char *id, guint32 *tag)
{
  guint64 value = 0;

  if (strlen (id) == 8 && g_ascii_string_to_unsigned (id, 16, 0, G_MAXUINT32, &value, NULL))
    {
      *tag = (guint32) value;
      return TRUE;
    }
  return dcm_dict_parse_tag (id, tag);
}

/* {attributeID}={value}, a sequence's as Sequence.Keyword (one item). */
static gboolean
set_key (DcmDataSet *ds, const char *path, const char *value, GError **error)
{
  const char *dot = strchr (path, '.');
  g_autofree char *first = g_strndup (path, dot != NULL ? (gsize) (dot - path) : strlen (path));
  guint32 tag = 0;

  if (!parse_attribute_id (first, &tag))
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_BAD_REQUEST,
                   _("“%s” is neither a DICOM keyword nor a tag of 8 hex digits."), first);
      return FALSE;
    }
  if (dot != NULL)
    {
      DcmElement *el = (DcmElement *) dcm_data_set_lookup (ds, tag);

      if (el == NULL || el->kind != DCM_VALUE_ITEMS || el->value.items->len == 0)
        {
          el = dcm_data_set_insert (ds, tag, DCM_VR_SQ);
          dcm_data_set_append_item (ds, el, dcm_data_set_new ());
        }
      return set_key (el->value.items->pdata[0], dot + 1, value, error);
    }
  if (value == NULL || *value == '\0')
    {
      if (!dcm_data_set_contains (ds, tag))
        dcm_data_set_insert (ds, tag, DCM_VR_NONE);
      return TRUE;
    }
  if (dcm_dict_lookup (tag) != NULL && dcm_dict_lookup (tag)->vr[0] == DCM_VR_UI)
    {
      g_autofree char *list = g_strdelimit (g_strdup (value), ",", '\\');

      return dcm_data_set_set_string (ds, tag, DCM_VR_NONE, list, error);
    }
  return dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, error);
}

static gboolean
parse_count (const char *name, const char *value, guint *out, GError **error)
{
  guint64 n = 0;

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &n, NULL))
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_BAD_REQUEST,
                   _("The %s parameter must be a number, not “%s”."), name, value);
      return FALSE;
    }
  *out = (guint) n;
  return TRUE;
}

static gboolean
parse_param (Search *search, const char *name, const char *value, GError **error)
{
  if (strcmp (name, "limit") == 0)
    return parse_count (name, value, &search->limit, error);
  if (strcmp (name, "offset") == 0)
    return parse_count (name, value, &search->offset, error);
  if (strcmp (name, "fuzzymatching") == 0)
    {
      search->fuzzy = g_ascii_strcasecmp (value, "true") == 0;
      return TRUE;
    }
  if (strcmp (name, "includefield") == 0)
    {
      g_auto(GStrv) ids = g_strsplit (value, ",", -1);

      for (guint i = 0; ids[i] != NULL; i++)
        if (*ids[i] != '\0' && strcmp (ids[i], "all") != 0
            && !set_key (search->identifier, ids[i], NULL, error))
          return FALSE;
      return TRUE;
    }
  /* Media type and character set negotiation by parameter (PS3.18 §8.3). */
  if (strcmp (name, "accept") == 0 || strcmp (name, "charset") == 0)
    return TRUE;
  return set_key (search->identifier, name, value, error);
}

static gboolean
parse_query (Search *search, const char *query, GError **error)
{
  g_auto(GStrv) params = NULL;

  if (query == NULL)
    return TRUE;
  params = g_strsplit (query, "&", -1);
  for (guint i = 0; params[i] != NULL; i++)
    {
      char *eq = strchr (params[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (params[i][0] == '\0')
        continue;
      if (eq != NULL)
        *eq = '\0';
      g_strdelimit (params[i], "+", ' ');
      if (eq != NULL)
        g_strdelimit (eq + 1, "+", ' ');
      name = g_uri_unescape_string (params[i], NULL);
      value = g_uri_unescape_string (eq != NULL ? eq + 1 : "", NULL);
      if (name == NULL || value == NULL || !g_utf8_validate (value, -1, NULL))
        {
          g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_BAD_REQUEST,
                       _("The query parameter “%s” is not escaped UTF-8."), params[i]);
          return FALSE;
        }
      if (!parse_param (search, name, value, error))
        return FALSE;
    }
  return TRUE;
}

/* PS3.18 Table 10.6.3-3 to -5: the attributes every match carries. */
static void
add_level_keys (DcmDataSet *identifier, DimseQrLevel level)
{
  static const guint32 study[] = {
    DCM_TAG_STUDY_DATE, DCM_TAG_STUDY_TIME, DCM_TAG_ACCESSION_NUMBER,
    DCM_TAG_MODALITIES_IN_STUDY, DCM_TAG_REFERRING_PHYSICIAN_NAME, DCM_TAG_PATIENT_NAME,
    DCM_TAG_PATIENT_ID, DCM_TAG_PATIENT_BIRTH_DATE, DCM_TAG_PATIENT_SEX,
    DCM_TAG_STUDY_INSTANCE_UID, DCM_TAG_STUDY_ID, DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES,
    DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES,
  };
  static const guint32 series[] = {
    DCM_TAG_STUDY_INSTANCE_UID, DCM_TAG_MODALITY, DCM_TAG_SERIES_DESCRIPTION,
    DCM_TAG_SERIES_NUMBER, DCM_TAG_SERIES_INSTANCE_UID,
    DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES,
  };
  static const guint32 instance[] = {
    DCM_TAG_STUDY_INSTANCE_UID, DCM_TAG_SERIES_INSTANCE_UID, DCM_TAG_SOP_CLASS_UID,
    DCM_TAG_SOP_INSTANCE_UID, DCM_TAG_INSTANCE_NUMBER, DCM_TAG_ROWS, DCM_TAG_COLUMNS,
    DCM_TAG_BITS_ALLOCATED, DCM_TAG_NUMBER_OF_FRAMES,
  };
  const guint32 *tags = level == DIMSE_QR_LEVEL_STUDY ? study
                        : level == DIMSE_QR_LEVEL_SERIES ? series : instance;
  gsize n = level == DIMSE_QR_LEVEL_STUDY ? G_N_ELEMENTS (study)
            : level == DIMSE_QR_LEVEL_SERIES ? G_N_ELEMENTS (series) : G_N_ELEMENTS (instance);

  for (gsize i = 0; i < n; i++)
    if (!dcm_data_set_contains (identifier, tags[i]))
      dcm_data_set_insert (identifier, tags[i], DCM_VR_NONE);
}

/* PS3.18 §10.6.3.3.2: a search of all series (or all instances) returns
 * the attributes of the levels above too. */
static void
add_default_keys (DcmDataSet *identifier, DimseQrLevel level, const char *study_uid,
                  const char *series_uid)
{
  add_level_keys (identifier, level);
  if (level == DIMSE_QR_LEVEL_IMAGE && series_uid == NULL)
    add_level_keys (identifier, DIMSE_QR_LEVEL_SERIES);
  if (level != DIMSE_QR_LEVEL_STUDY && study_uid == NULL)
    add_level_keys (identifier, DIMSE_QR_LEVEL_STUDY);
}

/* ---- QIDO-RS: the search, relational where the path names no study or
 * series (PS3.18 §10.6.1), as hierarchical C-FINDs on the index ---- */

static GPtrArray *find_at (DimseWebServer *self, DcmDataSet *identifier, DimseQrLevel level,
                           GError **error);

static DcmDataSet *
narrowed (DcmDataSet *identifier, DimseQrLevel level, DcmDataSet *match)
{
  DcmDataSet *copy = dcm_data_set_copy (identifier);
  g_autofree char *study = dcm_data_set_dup_string (match, DCM_TAG_STUDY_INSTANCE_UID);
  g_autofree char *series = dcm_data_set_dup_string (match, DCM_TAG_SERIES_INSTANCE_UID);

  dcm_data_set_set_string (copy, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                           dimse_qr_level_to_string (level), NULL);
  if (study != NULL)
    dcm_data_set_set_string (copy, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI, study, NULL);
  if (series != NULL && level == DIMSE_QR_LEVEL_IMAGE)
    dcm_data_set_set_string (copy, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_UI, series, NULL);
  return copy;
}

static gboolean
has_single (DcmDataSet *identifier, guint32 tag)
{
  g_autofree char *value = dcm_data_set_dup_string (identifier, tag);

  return value != NULL && *value != '\0' && strpbrk (value, "\\*?") == NULL;
}

static GPtrArray *
find_at (DimseWebServer *self, DcmDataSet *identifier, DimseQrLevel level, GError **error)
{
  DimseQrLevel above = level == DIMSE_QR_LEVEL_IMAGE ? DIMSE_QR_LEVEL_SERIES
                                                     : DIMSE_QR_LEVEL_STUDY;
  g_autoptr(DcmDataSet) query = dcm_data_set_copy (identifier);
  g_autoptr(GPtrArray) parents = NULL;
  GPtrArray *matches;

  dcm_data_set_set_string (query, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                           dimse_qr_level_to_string (level), NULL);
  if (level == DIMSE_QR_LEVEL_STUDY
      || (has_single (identifier, DCM_TAG_STUDY_INSTANCE_UID)
          && (level == DIMSE_QR_LEVEL_SERIES
              || has_single (identifier, DCM_TAG_SERIES_INSTANCE_UID))))
    return dimse_archive_index_find (self->index, DIMSE_QR_MODEL_STUDY_ROOT, query, 0, NULL,
                                     error);
  if (!dcm_data_set_contains (query, DCM_TAG_STUDY_INSTANCE_UID))
    dcm_data_set_insert (query, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE);
  if (level == DIMSE_QR_LEVEL_IMAGE && !dcm_data_set_contains (query, DCM_TAG_SERIES_INSTANCE_UID))
    dcm_data_set_insert (query, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE);
  parents = find_at (self, query, above, error);
  if (parents == NULL)
    return NULL;
  matches = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  for (guint i = 0; i < parents->len; i++)
    {
      g_autoptr(DcmDataSet) one = narrowed (query, level, parents->pdata[i]);
      g_autoptr(GPtrArray) found = dimse_archive_index_find (self->index,
                                                             DIMSE_QR_MODEL_STUDY_ROOT, one, 0,
                                                             NULL, error);

      if (found == NULL)
        {
          g_ptr_array_unref (matches);
          return NULL;
        }
      for (guint j = 0; j < found->len; j++)
        g_ptr_array_add (matches, dcm_data_set_ref (found->pdata[j]));
    }
  return matches;
}

static void
reply_matches (DimseWebServer *self, SoupServerMessage *msg, GPtrArray *matches, Search *search)
{
  g_autoptr(GString) body = g_string_new ("[");
  guint end = search->limit > 0 ? MIN (matches->len, search->offset + search->limit)
                                : matches->len;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  for (guint i = search->offset; i < end; i++)
    {
      DcmDataSet *match = matches->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      dcm_data_set_remove (match, DCM_TAG_QUERY_RETRIEVE_LEVEL);
      text = dcm_json_to_string (match, FALSE, NULL, &error);
      if (text == NULL)
        {
          dimse_web_server_reply_error (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                        error->message);
          return;
        }
      g_string_append_printf (body, "%s%s", i == search->offset ? "" : ",", text);
    }
  g_string_append_c (body, ']');
  if (end < matches->len)
    {
      g_autofree char *warning = g_strdup_printf ("299 dimsebench: \"There are %u additional "
                                                  "results that can be requested.\"",
                                                  matches->len - end);

      soup_message_headers_append (headers, "Warning", warning);
    }
  /* PS3.18 §8.3.4: no fuzzy matching here, and said so. */
  if (search->fuzzy)
    soup_message_headers_append (headers, "Warning",
                                 "299 dimsebench: \"The fuzzymatching parameter is not "
                                 "supported. Only literal matching has been performed.\"");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/dicom+json", SOUP_MEMORY_COPY, body->str,
                                    body->len);
}

static void
qido (DimseWebServer *self, SoupServerMessage *msg, DimseQrLevel level, const char *study_uid,
      const char *series_uid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  Search search = { dcm_data_set_new (), 0, 0, FALSE };
  gboolean ok = parse_query (&search, g_uri_get_query (soup_server_message_get_uri (msg)),
                             &error);

  if (ok && study_uid != NULL)
    ok = dcm_data_set_set_string (search.identifier, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI,
                                  study_uid, &error);
  if (ok && series_uid != NULL)
    ok = dcm_data_set_set_string (search.identifier, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_UI,
                                  series_uid, &error);
  if (ok)
    {
      add_default_keys (search.identifier, level, study_uid, series_uid);
      matches = find_at (self, search.identifier, level, &error);
    }
  if (matches == NULL)
    dimse_web_server_reply_error (self, msg, SOUP_STATUS_BAD_REQUEST, error->message);
  else if (search.offset >= matches->len)
    /* PS3.18 §8.3.4.4.1: no results is 204. */
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  else
    reply_matches (self, msg, matches, &search);
  dcm_data_set_unref (search.identifier);
}

/* ---- routing ---- */

typedef struct {
  const char *study;
  const char *series;
  const char *instance;
  DimseQrLevel search_level;   /* when a search */
  gboolean    search;
  gboolean    metadata;
} Route;

/* Splits the path under the root into a resource; FALSE when it names none. */
static gboolean
route (char **parts, guint n, Route *r)
{
  memset (r, 0, sizeof *r);
  if (n > 0 && strcmp (parts[n - 1], "metadata") == 0)
    {
      r->metadata = TRUE;
      n--;
    }
  if (n == 1 && !r->metadata)
    {
      r->search = TRUE;
      r->search_level = strcmp (parts[0], "studies") == 0 ? DIMSE_QR_LEVEL_STUDY
                        : strcmp (parts[0], "series") == 0 ? DIMSE_QR_LEVEL_SERIES
                        : DIMSE_QR_LEVEL_IMAGE;
      return strcmp (parts[0], "studies") == 0 || strcmp (parts[0], "series") == 0
             || strcmp (parts[0], "instances") == 0;
    }
  if (n < 2 || strcmp (parts[0], "studies") != 0)
    return FALSE;
  r->study = parts[1];
  if (n == 2)
    return TRUE;
  if (n == 3 && !r->metadata && (strcmp (parts[2], "series") == 0
                                 || strcmp (parts[2], "instances") == 0))
    {
      r->search = TRUE;
      r->search_level = parts[2][0] == 's' ? DIMSE_QR_LEVEL_SERIES : DIMSE_QR_LEVEL_IMAGE;
      return TRUE;
    }
  if (n < 4 || strcmp (parts[2], "series") != 0)
    return FALSE;
  r->series = parts[3];
  if (n == 4)
    return TRUE;
  if (n == 5 && !r->metadata && strcmp (parts[4], "instances") == 0)
    {
      r->search = TRUE;
      r->search_level = DIMSE_QR_LEVEL_IMAGE;
      return TRUE;
    }
  if (n != 6 || strcmp (parts[4], "instances") != 0)
    return FALSE;
  r->instance = parts[5];
  return TRUE;
}

static void
on_request_finished (SoupServerMessage *msg, gpointer user_data)
{
  DimseWebServer *self = user_data;

  g_signal_emit (self, server_signals[SIGNAL_REQUEST], 0, soup_server_message_get_method (msg),
                 g_uri_get_path (soup_server_message_get_uri (msg)),
                 soup_server_message_get_status (msg));
}

static void
dispatch (DimseWebServer *self, SoupServerMessage *msg, const char *method, const Route *r)
{
  if (method == SOUP_METHOD_POST && r->study == NULL && r->search
      && r->search_level == DIMSE_QR_LEVEL_STUDY)
    dimse_web_server_stow_finish (self, msg, NULL);
  else if (method == SOUP_METHOD_POST && r->study != NULL && r->series == NULL && !r->search
           && !r->metadata)
    dimse_web_server_stow_finish (self, msg, r->study);
  else if (method == SOUP_METHOD_POST)
    dimse_web_server_reply_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                  _("STOW-RS takes POST to …/studies or …/studies/{uid} only."));
  else if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    dimse_web_server_reply_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
  else if (r->search)
    qido (self, msg, r->search_level, r->study, r->series);
  else if (r->metadata)
    dimse_web_server_metadata (self, msg, r->study, r->series, r->instance);
  else
    dimse_web_server_wado (self, msg, r->study, r->series, r->instance);
}

static char **
split_path (DimseWebServer *self, SoupServerMessage *msg, guint *n)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  gsize root_len = strlen (self->root);
  g_auto(GStrv) raw = NULL;
  GPtrArray *parts = g_ptr_array_new ();

  if (strncmp (path, self->root, root_len) != 0 || (path[root_len] != '/' && path[root_len] != '\0'))
    {
      *n = 0;
      g_ptr_array_add (parts, NULL);
      return (char **) g_ptr_array_free (parts, FALSE);
    }
  raw = g_strsplit (path + root_len, "/", -1);
  for (guint i = 0; raw[i] != NULL; i++)
    if (raw[i][0] != '\0')
      g_ptr_array_add (parts, g_uri_unescape_string (raw[i], NULL));
  *n = parts->len;
  g_ptr_array_add (parts, NULL);
  return (char **) g_ptr_array_free (parts, FALSE);
}

static void
add_cors (DimseWebServer *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (self->cors_origin == NULL)
    return;
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", self->cors_origin);
  soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  soup_message_headers_replace (headers, "Access-Control-Allow-Headers",
                                "Accept, Content-Type, Authorization");
}

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  DimseWebServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = NULL;
  guint n = 0;
  Route r;

  (void) server;
  (void) path;
  (void) query;
  g_signal_connect_object (msg, "finished", G_CALLBACK (on_request_finished), self, 0);
  add_cors (self, msg);
  if (method == SOUP_METHOD_OPTIONS && self->cors_origin != NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }
  parts = split_path (self, msg, &n);
  if (parts[0] == NULL || !route (parts, n, &r))
    {
      dimse_web_server_reply_error (self, msg, SOUP_STATUS_NOT_FOUND,
                                    _("No such DICOMweb resource."));
      return;
    }
  dispatch (self, msg, method, &r);
}

static void
on_early_request (SoupServer *server, SoupServerMessage *msg, const char *path,
                  GHashTable *query, gpointer user_data)
{
  (void) server;
  (void) path;
  (void) query;
  if (soup_server_message_get_method (msg) == SOUP_METHOD_POST)
    dimse_web_server_stow_begin (user_data, msg);
}

/* ---- public ---- */

DimseWebServer *
dimse_web_server_new (DimseArchiveIndex *index, const char *folder, const char *root)
{
  DimseWebServer *self;
  gsize len;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  self = g_object_new (DIMSE_TYPE_WEB_SERVER, NULL);
  self->index = g_object_ref (index);
  self->folder = g_strdup (folder != NULL ? folder : dimse_archive_index_get_folder (index));
  self->root = g_strdup (root != NULL ? root : DIMSE_WEB_SERVER_DEFAULT_ROOT);
  dimse_web_part_writer_sweep (self->folder);
  len = strlen (self->root);
  while (len > 0 && self->root[len - 1] == '/')
    self->root[--len] = '\0';
  self->server = soup_server_new ("server-header", "dimsebench/" PACKAGE_VERSION, NULL);
  soup_server_add_early_handler (self->server, self->root[0] != '\0' ? self->root : NULL,
                                 on_early_request, self, NULL);
  soup_server_add_handler (self->server, self->root[0] != '\0' ? self->root : NULL, on_request,
                           self, NULL);
  return self;
}

void
dimse_web_server_set_cors_origin (DimseWebServer *server, const char *origin)
{
  g_return_if_fail (DIMSE_IS_WEB_SERVER (server));
  g_free (server->cors_origin);
  server->cors_origin = g_strdup (origin);
}

gboolean
dimse_web_server_listen (DimseWebServer *server, const char *address, guint16 port,
                         GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address != NULL ? address
                                                                                 : "127.0.0.1");
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *uris;

  g_return_val_if_fail (DIMSE_IS_WEB_SERVER (server), FALSE);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address to listen on."), address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (server->server, socket_address, 0, error))
    {
      g_prefix_error (error, _("Cannot listen for DICOMweb on %s port %u: "),
                      address != NULL ? address : "127.0.0.1", port);
      return FALSE;
    }
  g_free (server->address);
  server->address = g_inet_address_to_string (inet);
  uris = soup_server_get_uris (server->server);
  server->port = uris != NULL ? (guint16) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

guint16
dimse_web_server_get_port (DimseWebServer *server)
{
  g_return_val_if_fail (DIMSE_IS_WEB_SERVER (server), 0);
  return server->port;
}

void
dimse_web_server_stop (DimseWebServer *server)
{
  g_return_if_fail (DIMSE_IS_WEB_SERVER (server));
  soup_server_disconnect (server->server);
}
