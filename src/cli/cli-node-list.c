/* cli-node-list.c — PEER as the name of a node of the application's node
 * list (the JSON file the application writes, read here and never written) */
#include "config.h"

#include "cli-common.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "cli-private.h"
#include "cli-web.h"

/* The application's nodes.json: an object with "version" and "nodes", or
 * (older files) the array alone; each node an object whose members are
 * named as the node's properties ("name", "ae-title", "host", "port",
 * "tls", "tls-cert", "tls-key", "tls-ca", "timeout", "max-pdu" …). */
#define NODE_LIST_FOLDER "dimsebench"
#define NODE_LIST_FILE "nodes.json"
/* PS3.8 §9.3.2: an AE title is 1 to 16 characters. */
#define NODE_MAX_AE_TITLE 16
/* "kind" as the application writes it (BenchNodeKind); absent in files
 * written before DICOMweb nodes, whose nodes are all DIMSE nodes. */
#define NODE_KIND_DIMSE 0
#define NODE_KIND_WEB 1
#define NODE_KIND_ANY -1

char *
cli_node_list_path (void)
{
  return g_build_filename (g_get_user_config_dir (), NODE_LIST_FOLDER, NODE_LIST_FILE, NULL);
}

static JsonArray *
node_array (JsonNode *root)
{
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    return json_node_get_array (root);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (root), "nodes");

      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        return json_node_get_array (member);
    }
  return NULL;
}

static const char *
string_member (JsonObject *node, const char *name)
{
  JsonNode *member = json_object_get_member (node, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
      || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

/* An empty string in the file means "none"; GTlsFileDatabase takes
 * absolute paths only. */
static char *
dup_file_member (JsonObject *node, const char *name)
{
  const char *value = string_member (node, name);

  return value != NULL && *value != '\0' ? g_canonicalize_filename (value, NULL) : NULL;
}

static gint64
int_member (JsonObject *node, const char *name, gint64 fallback)
{
  JsonNode *member = json_object_get_member (node, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
      || json_node_get_value_type (member) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (member);
}

static gboolean
bad_node (GError **error, const char *path, const char *name, const char *why)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The node “%s” of %s cannot be used: %s."), name, path, why);
  return FALSE;
}

static gboolean
fill_peer (JsonObject *node, const char *path, const char *name, CliPeer *peer,
           GError **error)
{
  const char *ae_title = string_member (node, "ae-title");
  const char *host = string_member (node, "host");
  gint64 port = int_member (node, "port", 0);
  gint64 timeout_s = int_member (node, "timeout", 0);
  gint64 max_pdu = int_member (node, "max-pdu", -1);

  if (ae_title == NULL || *ae_title == '\0' || strlen (ae_title) > NODE_MAX_AE_TITLE)
    return bad_node (error, path, name, _("its AE title must have 1 to 16 characters"));
  if (host == NULL || *host == '\0')
    return bad_node (error, path, name, _("it has no host"));
  if (port < 1 || port > G_MAXUINT16)
    return bad_node (error, path, name, _("its port must be a number from 1 to 65535"));
  memset (peer, 0, sizeof *peer);
  peer->ae_title = g_strdup (ae_title);
  peer->host = g_strdup (host);
  peer->port = (guint16) port;
  peer->node_name = g_strdup (name);
  peer->tls = json_object_get_boolean_member_with_default (node, "tls", FALSE);
  peer->tls_certificate_file = dup_file_member (node, "tls-cert");
  peer->tls_key_file = dup_file_member (node, "tls-key");
  peer->tls_ca_file = dup_file_member (node, "tls-ca");
  peer->timeout_s = (gint) CLAMP (timeout_s, 0, G_MAXINT / 1000);
  peer->max_pdu = CLAMP (max_pdu, -1, G_MAXUINT32);
  return TRUE;
}

/* The names of the nodes of kind (NODE_KIND_ANY: all), quoted, with commas. */
static char *
list_names (JsonArray *nodes, gint64 kind)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonNode *element = json_array_get_element (nodes, i);
      JsonObject *node = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *name = node != NULL ? string_member (node, "name") : NULL;

      if (name == NULL || *name == '\0'
          || (kind != NODE_KIND_ANY && int_member (node, "kind", NODE_KIND_DIMSE) != kind))
        continue;
      g_string_append_printf (names, "%s“%s”", names->len > 0 ? ", " : "", name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The node of nodes called name, without regard to case (the first such),
 * and *out_name its name as written; NULL when none is. */
static JsonObject *
find_named (JsonArray *nodes, const char *name, const char **out_name)
{
  g_autofree char *wanted = g_utf8_validate (name, -1, NULL) ? g_utf8_casefold (name, -1)
                                                              : g_strdup (name);

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonNode *element = json_array_get_element (nodes, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element)
                                                            : NULL;
      const char *node_name = object != NULL ? string_member (object, "name") : NULL;
      g_autofree char *folded = node_name != NULL ? g_utf8_casefold (node_name, -1) : NULL;

      if (folded != NULL && strcmp (folded, wanted) == 0)
        {
          *out_name = node_name;
          return object;
        }
    }
  return NULL;
}

gboolean
cli_node_list_lookup (const char *path, const char *name, CliPeer *peer, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *names = NULL;
  const char *node_name = NULL;
  JsonArray *nodes;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The peer “%s” is neither AET@host:port nor the name of a node: the "
                     "node list %s cannot be read (%s)."), name, path, local_error->message);
      return FALSE;
    }
  nodes = node_array (json_parser_get_root (parser));
  if (nodes == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The peer “%s” is neither AET@host:port nor the name of a node: %s "
                     "holds no list of nodes."), name, path);
      return FALSE;
    }
  object = find_named (nodes, name, &node_name);
  if (object != NULL)
    {
      if (int_member (object, "kind", NODE_KIND_DIMSE) == NODE_KIND_WEB)
        return bad_node (error, path, node_name,
                         _("it is a DICOMweb node, for dimse qido, wado and stow"));
      return fill_peer (object, path, node_name, peer, error);
    }
  names = list_names (nodes, NODE_KIND_ANY);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The peer “%s” is neither AET@host:port nor the name of a node in %s, "
                 "whose nodes are: %s."), name, path, *names != '\0' ? names : _("none"));
  return FALSE;
}

/* ---- DICOMweb nodes, for dimse qido, wado and stow ---- */

static gboolean
fill_web_node (JsonObject *node, const char *path, const char *name, CliWebNode *web,
               GError **error)
{
  const char *url = string_member (node, "url");
  const char *username = string_member (node, "username");
  gint64 auth = int_member (node, "auth", CLI_WEB_AUTH_NONE);

  if (url == NULL || *url == '\0')
    return bad_node (error, path, name, _("it has no URL"));
  if (auth < CLI_WEB_AUTH_NONE || auth > CLI_WEB_AUTH_BEARER)
    return bad_node (error, path, name, _("its “auth” is not 0 (none), 1 (basic) or 2 (bearer)"));
  memset (web, 0, sizeof *web);
  web->name = g_strdup (name);
  web->url = g_strdup (url);
  web->auth = (CliWebAuth) auth;
  web->username = username != NULL && *username != '\0' ? g_strdup (username) : NULL;
  web->tls_ca = dup_file_member (node, "tls-ca");
  return TRUE;
}

gboolean
cli_node_list_lookup_web (const char *path, const char *name, CliWebNode *node, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *names = NULL;
  const char *node_name = NULL;
  JsonArray *nodes;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is neither a URL nor the name of a DICOMweb node: the node list "
                     "%s cannot be read (%s)."), name, path, local_error->message);
      return FALSE;
    }
  nodes = node_array (json_parser_get_root (parser));
  if (nodes == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is neither a URL nor the name of a DICOMweb node: %s holds no "
                     "list of nodes."), name, path);
      return FALSE;
    }
  object = find_named (nodes, name, &node_name);
  if (object != NULL)
    {
      if (int_member (object, "kind", NODE_KIND_DIMSE) != NODE_KIND_WEB)
        return bad_node (error, path, node_name,
                         _("it is a DIMSE node, not a DICOMweb one (give it to dimse echo, "
                           "find, move, get or store)"));
      return fill_web_node (object, path, node_name, node, error);
    }
  names = list_names (nodes, NODE_KIND_WEB);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is neither a URL nor the name of a DICOMweb node in %s, whose "
                 "DICOMweb nodes are: %s."), name, path, *names != '\0' ? names : _("none"));
  return FALSE;
}

void
cli_web_node_clear (CliWebNode *node)
{
  g_clear_pointer (&node->name, g_free);
  g_clear_pointer (&node->url, g_free);
  g_clear_pointer (&node->username, g_free);
  g_clear_pointer (&node->tls_ca, g_free);
}
