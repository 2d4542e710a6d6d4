/* dimse-access.c — who may associate and what they may ask: a calling AE
 * title bound to the IP address it must come from, and the services it
 * may use (PS3.15 leaves access control to the application; the status of
 * a refusal is PS3.7 Annex C's). */
#include "config.h"

#include <string.h>

#include "dimse-access.h"

#include "dcm-tags.h"

/* PS3.5 §6.2: LO, the VR of Error Comment (0000,0902) */
#define ACCESS_MAX_COMMENT 64

typedef struct {
  char                *ae_title;
  GInetAddress        *address;   /* NULL: from anywhere */
  DimseAccessServices  services;
} AccessEntry;

struct _DimseAccessList {
  GPtrArray *entries;   /* AccessEntry* */
};

static const struct {
  const char          *name;
  DimseAccessServices  service;
} service_names[] = {
  { "echo", DIMSE_ACCESS_SERVICE_ECHO },
  { "store", DIMSE_ACCESS_SERVICE_STORE },
  { "find", DIMSE_ACCESS_SERVICE_FIND },
  { "move", DIMSE_ACCESS_SERVICE_MOVE },
  { "get", DIMSE_ACCESS_SERVICE_GET },
  { "all", DIMSE_ACCESS_SERVICE_ALL },
};

gboolean
dimse_access_services_parse (const char *text, DimseAccessServices *out, GError **error)
{
  g_auto(GStrv) names = g_strsplit (text, ",", -1);
  DimseAccessServices services = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      gboolean known = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (service_names) && !known; k++)
        if (g_ascii_strcasecmp (name, service_names[k].name) == 0)
          {
            services |= service_names[k].service;
            known = TRUE;
          }
      if (!known)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not a service: name echo, store, find, move, get or all.",
                       name);
          return FALSE;
        }
    }
  if (services == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” names no service: name echo, store, find, move, get or all.", text);
      return FALSE;
    }
  *out = services;
  return TRUE;
}

DimseAccessServices
dimse_access_service_of_command (DimseCommandField field)
{
  switch (field)
    {
    case DIMSE_C_ECHO_RQ:
      return DIMSE_ACCESS_SERVICE_ECHO;
    case DIMSE_C_STORE_RQ:
      return DIMSE_ACCESS_SERVICE_STORE;
    case DIMSE_C_FIND_RQ:
      return DIMSE_ACCESS_SERVICE_FIND;
    case DIMSE_C_MOVE_RQ:
      return DIMSE_ACCESS_SERVICE_MOVE;
    case DIMSE_C_GET_RQ:
      return DIMSE_ACCESS_SERVICE_GET;
    default:
      return 0;
    }
}

/* ---- the list ---- */

static void
access_entry_free (AccessEntry *entry)
{
  g_free (entry->ae_title);
  g_clear_object (&entry->address);
  g_free (entry);
}

DimseAccessList *
dimse_access_list_new (void)
{
  DimseAccessList *list = g_rc_box_new0 (DimseAccessList);

  list->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) access_entry_free);
  return list;
}

DimseAccessList *
dimse_access_list_ref (DimseAccessList *list)
{
  g_return_val_if_fail (list != NULL, NULL);
  return g_rc_box_acquire (list);
}

static void
access_list_clear (gpointer data)
{
  DimseAccessList *list = data;

  g_ptr_array_unref (list->entries);
}

void
dimse_access_list_unref (DimseAccessList *list)
{
  g_return_if_fail (list != NULL);
  g_rc_box_release_full (list, access_list_clear);
}

gboolean
dimse_access_list_add (DimseAccessList *list, const char *calling_ae_title, const char *address,
                       DimseAccessServices services, GError **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  AccessEntry *entry;

  g_return_val_if_fail (list != NULL, FALSE);
  g_return_val_if_fail (calling_ae_title != NULL, FALSE);

  if (address != NULL && (inet = g_inet_address_new_from_string (address)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s”, the address %s is bound to, is not an IP address.", address,
                   calling_ae_title);
      return FALSE;
    }
  entry = g_new0 (AccessEntry, 1);
  entry->ae_title = g_strdup (calling_ae_title);
  entry->address = g_steal_pointer (&inet);
  entry->services = services;
  g_ptr_array_add (list->entries, entry);
  return TRUE;
}

/* "echo, store" */
static char *
services_names (DimseAccessServices services)
{
  GString *names = g_string_new (NULL);

  for (guint k = 0; k < G_N_ELEMENTS (service_names); k++)
    if (service_names[k].service != DIMSE_ACCESS_SERVICE_ALL
        && (services & service_names[k].service) != 0)
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", service_names[k].name);
  return g_string_free (names, FALSE);
}

/* The address part of "AET@ADDRESS": "[::1]" without its brackets. */
static char *
entry_address (const char *rest)
{
  const char *close;

  if (*rest != '[')
    return g_strdup (rest);
  close = strchr (rest, ']');
  if (close == NULL || close[1] != '\0')
    return NULL;
  return g_strndup (rest + 1, (gsize) (close - rest - 1));
}

gboolean
dimse_access_list_add_entry (DimseAccessList *list, const char *entry,
                             DimseAccessServices provided, GError **error)
{
  g_autofree char *text = g_strstrip (g_strdup (entry));
  g_autofree char *address = NULL;
  DimseAccessServices services = DIMSE_ACCESS_SERVICE_ALL;
  char *close = strchr (text, ']');
  char *colon = strrchr (text, ':');
  char *at;

  g_return_val_if_fail (list != NULL, FALSE);

  /* The colons of an IPv6 address are within its brackets. */
  if (colon != NULL && (close == NULL || colon > close))
    {
      *colon = '\0';
      if (!dimse_access_services_parse (colon + 1, &services, error))
        return FALSE;
      if (services != DIMSE_ACCESS_SERVICE_ALL && (services & ~provided) != 0)
        {
          g_autofree char *names = services_names (provided);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” names a service not provided here: name %s.", colon + 1, names);
          return FALSE;
        }
    }
  at = strchr (text, '@');
  if (at != NULL)
    {
      *at = '\0';
      address = entry_address (at + 1);
    }
  if (*text == '\0' || (at != NULL && (address == NULL || *address == '\0')))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not AET, AET@ADDRESS, AET:SERVICES or AET@ADDRESS:SERVICES.",
                   entry);
      return FALSE;
    }
  return dimse_access_list_add (list, text, address, services & provided, error);
}

gboolean
dimse_access_list_is_empty (DimseAccessList *list)
{
  g_return_val_if_fail (list != NULL, TRUE);
  return list->entries->len == 0;
}

void
dimse_access_list_add_to_policy (DimseAccessList *list, DimseAcceptorPolicy *policy)
{
  g_return_if_fail (list != NULL && policy != NULL);
  for (guint i = 0; i < list->entries->len; i++)
    {
      const AccessEntry *entry = list->entries->pdata[i];

      dimse_acceptor_policy_add_calling_ae_title (policy, entry->ae_title);
    }
}

/* An IPv4 peer may show as ::ffff:a.b.c.d on a dual-stack socket. */
static gboolean
same_address (GInetAddress *bound, GInetAddress *seen)
{
  g_autofree char *text = NULL;
  g_autoptr(GInetAddress) mapped = NULL;

  if (g_inet_address_equal (bound, seen))
    return TRUE;
  if (g_inet_address_get_family (seen) != G_SOCKET_FAMILY_IPV6
      || g_inet_address_get_family (bound) != G_SOCKET_FAMILY_IPV4)
    return FALSE;
  text = g_inet_address_to_string (seen);
  if (!g_str_has_prefix (text, "::ffff:"))
    return FALSE;
  mapped = g_inet_address_new_from_string (text + strlen ("::ffff:"));
  return mapped != NULL && g_inet_address_equal (bound, mapped);
}

DimseAccessServices
dimse_access_list_lookup (DimseAccessList *list, const char *calling_ae_title,
                          GInetAddress *remote, char **out_why)
{
  gboolean listed = FALSE;
  DimseAccessServices services = 0;

  g_return_val_if_fail (list != NULL, 0);

  for (guint i = 0; i < list->entries->len; i++)
    {
      const AccessEntry *entry = list->entries->pdata[i];

      if (g_strcmp0 (entry->ae_title, calling_ae_title) != 0)
        continue;
      listed = TRUE;
      if (entry->address == NULL || (remote != NULL && same_address (entry->address, remote)))
        services |= entry->services;
    }
  if (!listed)
    return DIMSE_ACCESS_SERVICE_ALL;
  if (services == 0 && out_why != NULL)
    {
      g_autofree char *from = remote != NULL ? g_inet_address_to_string (remote)
                                             : g_strdup ("an unknown address");

      *out_why = g_strdup_printf ("The calling AE title %s may not associate from %s.",
                                  calling_ae_title, from);
    }
  return services;
}

static const char *
calling_ae_title_of (DimseAssociation *assoc)
{
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);

  return result != NULL && result->calling_ae_title != NULL ? result->calling_ae_title : "?";
}

DimseAccessServices
dimse_access_list_lookup_association (DimseAccessList *list, DimseAssociation *assoc,
                                      char **out_why)
{
  DimseTransport *transport = dimse_association_get_transport (assoc);
  g_autoptr(GInetSocketAddress) remote = transport != NULL
                                          ? dimse_transport_get_remote_address (transport)
                                          : NULL;

  return dimse_access_list_lookup (list, calling_ae_title_of (assoc),
                                   remote != NULL ? g_inet_socket_address_get_address (remote)
                                                  : NULL,
                                   out_why);
}

static gboolean
accept_peer (const char *calling_ae_title, GInetSocketAddress *remote, gpointer user_data)
{
  g_autofree char *why = NULL;

  if (dimse_access_list_lookup (user_data, calling_ae_title,
                                remote != NULL ? g_inet_socket_address_get_address (remote)
                                               : NULL, &why) != 0)
    return TRUE;
  g_message ("%s", why);
  return FALSE;
}

void
dimse_access_list_install (DimseAccessList *list, DimseServer *server)
{
  g_return_if_fail (list != NULL);
  g_return_if_fail (DIMSE_IS_SERVER (server));
  dimse_server_set_peer_func (server, accept_peer, dimse_access_list_ref (list),
                              (GDestroyNotify) dimse_access_list_unref);
}

/* ---- refusing a request ---- */

/* PS3.5 §6.2: at most 64 characters of the default repertoire, no
 * backslash. */
static char *
error_comment (const char *text)
{
  GString *out = g_string_sized_new (ACCESS_MAX_COMMENT);

  for (const char *p = text; *p != '\0' && out->len < ACCESS_MAX_COMMENT; p++)
    {
      guchar c = (guchar) *p;

      g_string_append_c (out, (c < 0x20 || c >= 0x7f || c == '\\') ? '?' : (char) c);
    }
  return g_string_free (out, FALSE);
}

static void
on_refusal_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) user_data;
  dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, NULL);
}

void
dimse_access_refuse_request (DimseAssociation *assoc, guint8 pc_id, DimseMessage *request)
{
  g_autoptr(DimseMessage) rsp = NULL;
  g_autofree char *text = NULL;
  g_autofree char *comment = NULL;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));

  text = g_strdup_printf ("%s is not allowed for %s.", dimse_message_get_name (request),
                          calling_ae_title_of (assoc));
  comment = error_comment (text);
  rsp = dimse_message_new_response (request, DIMSE_ACCESS_STATUS_NOT_AUTHORIZED);
  dimse_message_set_string (rsp, DCM_TAG_ERROR_COMMENT, comment, NULL);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_refusal_sent, NULL);
}
