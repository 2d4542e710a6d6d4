/* dimse-negotiation-users.c — the acceptor's list of users for User
 * Identity Negotiation (PS3.7 §D.3.3.7): usernames and passcodes read from
 * a file, checked without leaking through timing how much of a passcode
 * was right. Passcodes are never put into an error message. */

#include "dimse-negotiation.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define PASSCODE_DIGEST_LENGTH 32  /* SHA-256 */

typedef struct {
  gboolean has_passcode;  /* FALSE: the username alone identifies (type 1) */
  guint8   digest[PASSCODE_DIGEST_LENGTH];
} UserEntry;

struct _DimseUserList {
  GHashTable *users;  /* char* username → UserEntry* */
};

DimseUserList *
dimse_user_list_new (void)
{
  DimseUserList *list = g_new0 (DimseUserList, 1);

  list->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return list;
}

void
dimse_user_list_free (DimseUserList *list)
{
  if (list == NULL)
    return;
  g_hash_table_unref (list->users);
  g_free (list);
}

guint
dimse_user_list_get_n_users (const DimseUserList *list)
{
  g_return_val_if_fail (list != NULL, 0);
  return g_hash_table_size (list->users);
}

/* Comparing fixed-length digests keeps both the length of the passcode and
 * the position of the first wrong byte out of the time taken. */
static void
digest_passcode (const void *passcode, gsize length, guint8 digest[PASSCODE_DIGEST_LENGTH])
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_length = PASSCODE_DIGEST_LENGTH;

  g_checksum_update (checksum, passcode, length);
  g_checksum_get_digest (checksum, digest, &digest_length);
}

static gboolean
digests_equal (const guint8 *a, const guint8 *b)
{
  volatile guint8 difference = 0;

  for (guint i = 0; i < PASSCODE_DIGEST_LENGTH; i++)
    difference |= a[i] ^ b[i];
  return difference == 0;
}

void
dimse_user_list_add (DimseUserList *list, const char *username, const char *passcode)
{
  UserEntry *entry = g_new0 (UserEntry, 1);

  g_return_if_fail (list != NULL && username != NULL);
  entry->has_passcode = passcode != NULL;
  if (passcode != NULL)
    digest_passcode (passcode, strlen (passcode), entry->digest);
  g_hash_table_replace (list->users, g_strdup (username), entry);
}

static gboolean
bad_list (GError **error, const char *origin, guint line, const char *why)
{
  if (line > 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "The user list %s is not valid at line %u: %s.", origin, line, why);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "The user list %s is not valid: %s.", origin, why);
  return FALSE;
}

static gboolean
add_checked (DimseUserList *list, const char *username, const char *passcode,
             const char *origin, guint line, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (username));

  /* PS3.7 §D.3.3.7.1: the username is UTF-8 text in a 16-bit length. */
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL) || strlen (trimmed) > G_MAXUINT16)
    return bad_list (error, origin, line, "a username must be UTF-8 text, not empty, "
                                          "of at most 65535 bytes");
  if (passcode != NULL && strlen (passcode) > G_MAXUINT16)
    return bad_list (error, origin, line, "a passcode is at most 65535 bytes");
  if (g_hash_table_contains (list->users, trimmed))
    return bad_list (error, origin, line, "the username is listed twice");
  dimse_user_list_add (list, trimmed, passcode);
  return TRUE;
}

/* "username:passcode" per line; a line without a colon lets the username
 * in alone (user identity type 1); blank lines and lines starting with #
 * are skipped. The passcode is everything after the first colon. */
static gboolean
parse_lines (DimseUserList *list, const char *text, const char *origin, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      char *colon;

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      if (*line == '\0' || *line == '#')
        continue;
      colon = strchr (line, ':');
      if (colon != NULL)
        *colon = '\0';
      if (!add_checked (list, line, colon != NULL ? colon + 1 : NULL, origin, i + 1, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_json_entry (DimseUserList *list, JsonNode *node, const char *origin, GError **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *username = object != NULL ? json_object_get_member (object, "username") : NULL;
  JsonNode *passcode = object != NULL ? json_object_get_member (object, "passcode") : NULL;

  if (username == NULL || json_node_get_value_type (username) != G_TYPE_STRING)
    return bad_list (error, origin, 0, "each user is an object with a \"username\" string");
  if (passcode != NULL && json_node_get_value_type (passcode) != G_TYPE_STRING)
    return bad_list (error, origin, 0, "a \"passcode\" is a string");
  return add_checked (list, json_node_get_string (username),
                      passcode != NULL ? json_node_get_string (passcode) : NULL, origin, 0, error);
}

/* [{"username": "alice", "passcode": "…"}, …], or the same array as the
 * member "users" of an object. */
static gboolean
parse_json (DimseUserList *list, const char *text, const char *origin, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *users = NULL;

  /* The parser's message may quote the text around the fault: a passcode. */
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return bad_list (error, origin, 0, "it is not JSON that parses");
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    users = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root)
           && json_object_has_member (json_node_get_object (root), "users")
           && JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root),
                                                             "users")))
    users = json_object_get_array_member (json_node_get_object (root), "users");
  if (users == NULL)
    return bad_list (error, origin, 0, "JSON must be an array of users or an object with "
                                       "a \"users\" array");
  for (guint i = 0; i < json_array_get_length (users); i++)
    if (!parse_json_entry (list, json_array_get_element (users, i), origin, error))
      return FALSE;
  return TRUE;
}

DimseUserList *
dimse_user_list_new_from_data (const char *text, gsize length, const char *origin,
                               GError **error)
{
  g_autoptr (DimseUserList) list = dimse_user_list_new ();
  g_autofree char *copy = g_strndup (text, length);
  const char *p = copy;

  if (strlen (copy) != length)
    {
      bad_list (error, origin, 0, "it holds a NUL byte");
      return NULL;
    }
  if (!g_utf8_validate (copy, -1, NULL))
    {
      bad_list (error, origin, 0, "it is not UTF-8 text");
      return NULL;
    }
  while (g_ascii_isspace (*p))
    p++;
  if (*p == '[' || *p == '{' ? !parse_json (list, copy, origin, error)
                             : !parse_lines (list, copy, origin, error))
    return NULL;
  if (dimse_user_list_get_n_users (list) == 0)
    {
      bad_list (error, origin, 0, "it names no user");
      return NULL;
    }
  return g_steal_pointer (&list);
}

DimseUserList *
dimse_user_list_new_from_file (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *origin = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  origin = g_strdup_printf ("“%s”", path);
  return dimse_user_list_new_from_data (text, length, origin, error);
}

/* PS3.7 §D.3.3.7.1: type 1 is the username alone, type 2 adds a passcode.
 * Kerberos tickets, SAML assertions and JWTs cannot be checked against a
 * list, so they are refused when a list is in force. */
gboolean
dimse_user_list_verify (const DimseUserList *list, const DimseUserIdentity *identity)
{
  g_autofree char *username = NULL;
  const UserEntry *entry;
  guint8 digest[PASSCODE_DIGEST_LENGTH];
  const void *passcode;
  gsize username_length = 0, passcode_length = 0;
  const char *name_data;

  g_return_val_if_fail (list != NULL, FALSE);
  if (identity == NULL
      || (identity->user_identity_type != DIMSE_USER_IDENTITY_USERNAME
          && identity->user_identity_type != DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE))
    return FALSE;
  /* The digest is taken whoever the user is, so that the time taken does
   * not tell a listed username from another. */
  passcode = g_bytes_get_data (identity->secondary_field, &passcode_length);
  digest_passcode (passcode != NULL ? passcode : "", passcode_length, digest);
  name_data = g_bytes_get_data (identity->primary_field, &username_length);
  username = g_strndup (name_data != NULL ? name_data : "", username_length);
  if (strlen (username) != username_length)
    return FALSE;
  entry = g_hash_table_lookup (list->users, username);
  if (entry == NULL)
    return FALSE;
  if (identity->user_identity_type == DIMSE_USER_IDENTITY_USERNAME)
    return !entry->has_passcode;
  return entry->has_passcode && digests_equal (digest, entry->digest);
}

static gboolean
verify_with_list (const DimseUserIdentity *identity, GBytes **server_response,
                  gpointer user_data)
{
  (void) server_response;
  return dimse_user_list_verify (user_data, identity);
}

void
dimse_acceptor_policy_set_user_list (DimseAcceptorPolicy *policy, DimseUserList *list)
{
  g_return_if_fail (policy != NULL);
  if (list == NULL)
    dimse_acceptor_policy_set_user_identity_func (policy, NULL, NULL, NULL);
  else
    dimse_acceptor_policy_set_user_identity_func (policy, verify_with_list, list,
                                                  (GDestroyNotify) dimse_user_list_free);
}
