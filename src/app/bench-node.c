/* bench-node.c — a remote AE the user configured (or the demo archive) */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-node.h"

#define DEFAULT_PORT 104
#define DEFAULT_TIMEOUT_S 30
/* PS3.8 §D.1: 0 would mean no maximum; we propose the engine's default. */
#define DEFAULT_MAX_PDU (128 * 1024)

struct _BenchNode
{
  GObject parent_instance;

  char *id;
  char *name;
  char *ae_title;
  char *host;
  guint port;
  gboolean tls;
  char *tls_cert;
  char *tls_key;
  char *tls_ca;
  guint query_model;
  guint retrieve_method;
  char *move_destination;
  char *charset;
  guint timeout;
  guint max_pdu;
  gboolean is_demo;
  guint kind;
  char *url;
  guint auth;
  char *username;
  char *secret;
};

G_DEFINE_FINAL_TYPE (BenchNode, bench_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_AE_TITLE,
  PROP_HOST,
  PROP_PORT,
  PROP_TLS,
  PROP_TLS_CERT,
  PROP_TLS_KEY,
  PROP_TLS_CA,
  PROP_QUERY_MODEL,
  PROP_RETRIEVE_METHOD,
  PROP_MOVE_DESTINATION,
  PROP_CHARSET,
  PROP_TIMEOUT,
  PROP_MAX_PDU,
  PROP_IS_DEMO,
  PROP_KIND,
  PROP_URL,
  PROP_AUTH,
  PROP_USERNAME,
  PROP_SECRET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The string properties, by property id, for get/set and JSON. */
static char **
string_field (BenchNode *self, guint prop_id)
{
  switch (prop_id)
    {
    case PROP_ID: return &self->id;
    case PROP_NAME: return &self->name;
    case PROP_AE_TITLE: return &self->ae_title;
    case PROP_HOST: return &self->host;
    case PROP_TLS_CERT: return &self->tls_cert;
    case PROP_TLS_KEY: return &self->tls_key;
    case PROP_TLS_CA: return &self->tls_ca;
    case PROP_MOVE_DESTINATION: return &self->move_destination;
    case PROP_CHARSET: return &self->charset;
    case PROP_URL: return &self->url;
    case PROP_USERNAME: return &self->username;
    case PROP_SECRET: return &self->secret;
    default: return NULL;
    }
}

static guint *
uint_field (BenchNode *self, guint prop_id)
{
  switch (prop_id)
    {
    case PROP_PORT: return &self->port;
    case PROP_QUERY_MODEL: return &self->query_model;
    case PROP_RETRIEVE_METHOD: return &self->retrieve_method;
    case PROP_TIMEOUT: return &self->timeout;
    case PROP_MAX_PDU: return &self->max_pdu;
    case PROP_KIND: return &self->kind;
    case PROP_AUTH: return &self->auth;
    default: return NULL;
    }
}

static gboolean *
boolean_field (BenchNode *self, guint prop_id)
{
  switch (prop_id)
    {
    case PROP_TLS: return &self->tls;
    case PROP_IS_DEMO: return &self->is_demo;
    default: return NULL;
    }
}

static void
bench_node_finalize (GObject *object)
{
  BenchNode *self = BENCH_NODE (object);

  for (guint i = 1; i < N_PROPS; i++)
    {
      char **field = string_field (self, i);
      if (field != NULL)
        g_clear_pointer (field, g_free);
    }
  G_OBJECT_CLASS (bench_node_parent_class)->finalize (object);
}

static void
bench_node_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BenchNode *self = BENCH_NODE (object);
  char **s = string_field (self, prop_id);
  guint *u = uint_field (self, prop_id);
  gboolean *b = boolean_field (self, prop_id);

  if (s != NULL)
    g_value_set_string (value, *s != NULL ? *s : "");
  else if (u != NULL)
    g_value_set_uint (value, *u);
  else if (b != NULL)
    g_value_set_boolean (value, *b);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bench_node_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BenchNode *self = BENCH_NODE (object);
  char **s = string_field (self, prop_id);
  guint *u = uint_field (self, prop_id);
  gboolean *b = boolean_field (self, prop_id);

  if (s != NULL)
    {
      const char *v = g_value_get_string (value);
      if (v == NULL)
        v = "";
      if (g_strcmp0 (*s, v) == 0)
        return;
      g_free (*s);
      *s = g_strdup (v);
    }
  else if (u != NULL)
    {
      if (*u == g_value_get_uint (value))
        return;
      *u = g_value_get_uint (value);
    }
  else if (b != NULL)
    {
      if (*b == g_value_get_boolean (value))
        return;
      *b = g_value_get_boolean (value);
    }
  else
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_object_notify_by_pspec (object, pspec);
}

static GParamSpec *
string_pspec (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, "",
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                              | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
uint_pspec (const char *name, guint max, guint def)
{
  return g_param_spec_uint (name, NULL, NULL, 0, max, def,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                            | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_pspec (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                               | G_PARAM_STATIC_STRINGS);
}

static void
bench_node_class_init (BenchNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bench_node_finalize;
  object_class->get_property = bench_node_get_property;
  object_class->set_property = bench_node_set_property;

  properties[PROP_ID] = string_pspec ("id");
  properties[PROP_NAME] = string_pspec ("name");
  properties[PROP_AE_TITLE] = string_pspec ("ae-title");
  properties[PROP_HOST] = string_pspec ("host");
  properties[PROP_PORT] = uint_pspec ("port", 65535, DEFAULT_PORT);
  properties[PROP_TLS] = boolean_pspec ("tls");
  properties[PROP_TLS_CERT] = string_pspec ("tls-cert");
  properties[PROP_TLS_KEY] = string_pspec ("tls-key");
  properties[PROP_TLS_CA] = string_pspec ("tls-ca");
  properties[PROP_QUERY_MODEL] = uint_pspec ("query-model", BENCH_QUERY_MODEL_PATIENT_ROOT,
                                             BENCH_QUERY_MODEL_STUDY_ROOT);
  properties[PROP_RETRIEVE_METHOD] = uint_pspec ("retrieve-method", BENCH_RETRIEVE_GET,
                                                 BENCH_RETRIEVE_MOVE);
  properties[PROP_MOVE_DESTINATION] = string_pspec ("move-destination");
  properties[PROP_CHARSET] = string_pspec ("charset");
  properties[PROP_TIMEOUT] = uint_pspec ("timeout", 3600, DEFAULT_TIMEOUT_S);
  properties[PROP_MAX_PDU] = uint_pspec ("max-pdu", G_MAXUINT32, DEFAULT_MAX_PDU);
  properties[PROP_IS_DEMO] = boolean_pspec ("is-demo");
  properties[PROP_KIND] = uint_pspec ("kind", BENCH_NODE_KIND_WEB, BENCH_NODE_KIND_DIMSE);
  properties[PROP_URL] = string_pspec ("url");
  properties[PROP_AUTH] = uint_pspec ("auth", BENCH_WEB_AUTH_BEARER, BENCH_WEB_AUTH_NONE);
  properties[PROP_USERNAME] = string_pspec ("username");
  properties[PROP_SECRET] = string_pspec ("secret");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bench_node_init (BenchNode *self)
{
  self->id = g_uuid_string_random ();
  self->name = g_strdup ("");
  self->ae_title = g_strdup ("ANY-SCP");
  self->host = g_strdup ("localhost");
  self->port = DEFAULT_PORT;
  self->tls_cert = g_strdup ("");
  self->tls_key = g_strdup ("");
  self->tls_ca = g_strdup ("");
  self->move_destination = g_strdup ("");
  self->charset = g_strdup ("");
  self->url = g_strdup ("");
  self->username = g_strdup ("");
  self->secret = g_strdup ("");
  self->timeout = DEFAULT_TIMEOUT_S;
  self->max_pdu = DEFAULT_MAX_PDU;
}

BenchNode *
bench_node_new (void)
{
  return g_object_new (BENCH_TYPE_NODE, NULL);
}

BenchNode *
bench_node_copy (BenchNode *node)
{
  BenchNode *copy = bench_node_new ();

  g_return_val_if_fail (BENCH_IS_NODE (node), NULL);
  for (guint i = 1; i < N_PROPS; i++)
    {
      GValue value = G_VALUE_INIT;

      if (i == PROP_ID)
        continue;
      g_value_init (&value, properties[i]->value_type);
      g_object_get_property (G_OBJECT (node), properties[i]->name, &value);
      g_object_set_property (G_OBJECT (copy), properties[i]->name, &value);
      g_value_unset (&value);
    }
  return copy;
}

const char *bench_node_get_id (BenchNode *node) { return node->id; }
const char *bench_node_get_name (BenchNode *node) { return node->name; }
const char *bench_node_get_ae_title (BenchNode *node) { return node->ae_title; }
const char *bench_node_get_host (BenchNode *node) { return node->host; }
guint bench_node_get_port (BenchNode *node) { return node->port; }
gboolean bench_node_get_tls (BenchNode *node) { return node->tls; }
const char *bench_node_get_tls_cert (BenchNode *node) { return node->tls_cert; }
const char *bench_node_get_tls_key (BenchNode *node) { return node->tls_key; }
const char *bench_node_get_tls_ca (BenchNode *node) { return node->tls_ca; }
BenchQueryModel bench_node_get_query_model (BenchNode *node) { return node->query_model; }
BenchRetrieveMethod bench_node_get_retrieve_method (BenchNode *node) { return node->retrieve_method; }
const char *bench_node_get_move_destination (BenchNode *node) { return node->move_destination; }
const char *bench_node_get_charset (BenchNode *node) { return node->charset; }
guint bench_node_get_timeout (BenchNode *node) { return node->timeout; }
guint bench_node_get_max_pdu (BenchNode *node) { return node->max_pdu; }
gboolean bench_node_get_is_demo (BenchNode *node) { return node->is_demo; }
BenchNodeKind bench_node_get_kind (BenchNode *node) { return node->kind; }
const char *bench_node_get_url (BenchNode *node) { return node->url; }
BenchWebAuth bench_node_get_auth (BenchNode *node) { return node->auth; }
const char *bench_node_get_username (BenchNode *node) { return node->username; }
const char *bench_node_get_secret (BenchNode *node) { return node->secret; }

/* What the node file never holds: the demo flag (the demo archive is
 * made at each start) and the password or token (the keyring's). */
static gboolean
is_stored (guint prop_id)
{
  return prop_id != PROP_IS_DEMO && prop_id != PROP_SECRET;
}

/* JSON: one object per node, members named as the properties, those of
 * is_stored. A file written before DICOMweb nodes lacks "kind", "url",
 * "auth" and "username": its nodes read as DIMSE nodes; a DICOMweb node
 * keeps the DIMSE members at their defaults, so readers of the file that
 * know only those (dimse's node lookup) still parse it. */
JsonNode *
bench_node_to_json (BenchNode *node)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (BENCH_IS_NODE (node), NULL);
  json_builder_begin_object (builder);
  for (guint i = 1; i < N_PROPS; i++)
    {
      char **s = string_field (node, i);
      guint *u = uint_field (node, i);
      gboolean *b = boolean_field (node, i);

      if (!is_stored (i))
        continue;
      json_builder_set_member_name (builder, properties[i]->name);
      if (s != NULL)
        json_builder_add_string_value (builder, *s);
      else if (u != NULL)
        json_builder_add_int_value (builder, *u);
      else
        json_builder_add_boolean_value (builder, *b);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
read_member (BenchNode *node, JsonObject *object, guint prop_id, GError **error)
{
  GParamSpec *pspec = properties[prop_id];
  JsonNode *member = json_object_get_member (object, pspec->name);
  GType want;

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return TRUE;
  want = JSON_NODE_HOLDS_VALUE (member) ? json_node_get_value_type (member) : G_TYPE_INVALID;
  if (string_field (node, prop_id) != NULL && want == G_TYPE_STRING)
    g_object_set (node, pspec->name, json_node_get_string (member), NULL);
  else if (uint_field (node, prop_id) != NULL && want == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (member);
      GParamSpecUInt *range = G_PARAM_SPEC_UINT (pspec);

      if (v < range->minimum || v > range->maximum)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The node’s “%s” is outside %u to %u."),
                       pspec->name, range->minimum, range->maximum);
          return FALSE;
        }
      g_object_set (node, pspec->name, (guint) v, NULL);
    }
  else if (boolean_field (node, prop_id) != NULL && want == G_TYPE_BOOLEAN)
    g_object_set (node, pspec->name, json_node_get_boolean (member), NULL);
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The node’s “%s” has the wrong type."), pspec->name);
      return FALSE;
    }
  return TRUE;
}

BenchNode *
bench_node_new_from_json (JsonNode *json, GError **error)
{
  g_autoptr(BenchNode) node = bench_node_new ();
  JsonObject *object;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A node is not a JSON object."));
      return NULL;
    }
  object = json_node_get_object (json);
  for (guint i = 1; i < N_PROPS; i++)
    {
      if (!is_stored (i))
        continue;
      if (!read_member (node, object, i, error))
        return NULL;
    }
  if (node->id[0] == '\0')
    {
      g_free (node->id);
      node->id = g_uuid_string_random ();
    }
  if (node->kind == BENCH_NODE_KIND_WEB)
    {
      if (node->url[0] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The DICOMweb node “%s” lacks a URL."), node->name);
          return NULL;
        }
    }
  else if (node->ae_title[0] == '\0' || node->host[0] == '\0' || node->port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The node “%s” lacks an AE title, a host or a port."), node->name);
      return NULL;
    }
  return g_steal_pointer (&node);
}
