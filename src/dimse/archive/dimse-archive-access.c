/* dimse-archive-access.c — who may ask what of the archive: a calling AE
 * title bound to the IP address it must come from, and the services it may
 * use (PS3.15 leaves access control to the application; the statuses are
 * PS3.7 Annex C's). */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "dimse-archive-private.h"


struct _DimseArchivePeer {
  char                 *ae_title;
  GInetAddress         *address;   /* NULL: from anywhere */
  DimseArchiveServices  services;
};

void
dimse_archive_peer_free (DimseArchivePeer *peer)
{
  g_free (peer->ae_title);
  g_clear_object (&peer->address);
  g_free (peer);
}

DimseArchivePeer *
dimse_archive_peer_new (const char *ae_title, const char *address, DimseArchiveServices services,
                        GError **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  DimseArchivePeer *peer;

  if (address != NULL && (inet = g_inet_address_new_from_string (address)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s”, the address %s is bound to, is not an IP address.", address, ae_title);
      return NULL;
    }
  peer = g_new0 (DimseArchivePeer, 1);
  peer->ae_title = g_strdup (ae_title);
  peer->address = g_steal_pointer (&inet);
  peer->services = services;
  return peer;
}

static const struct {
  const char           *name;
  DimseArchiveServices  service;
} service_names[] = {
  { "echo", DIMSE_ARCHIVE_SERVICE_ECHO },
  { "store", DIMSE_ARCHIVE_SERVICE_STORE },
  { "find", DIMSE_ARCHIVE_SERVICE_FIND },
  { "move", DIMSE_ARCHIVE_SERVICE_MOVE },
  { "get", DIMSE_ARCHIVE_SERVICE_GET },
  { "all", DIMSE_ARCHIVE_SERVICE_ALL },
};

gboolean
dimse_archive_services_parse (const char *text, DimseArchiveServices *out, GError **error)
{
  g_auto(GStrv) names = g_strsplit (text, ",", -1);
  DimseArchiveServices services = 0;

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

static GInetAddress *
remote_address (DimseAssociation *assoc)
{
  DimseTransport *transport = dimse_association_get_transport (assoc);
  GInetSocketAddress *remote = transport != NULL ? dimse_transport_get_remote_address (transport)
                                                 : NULL;

  return remote != NULL ? g_inet_socket_address_get_address (remote) : NULL;
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

/* The services the association's calling AE may use: all, for a calling AE
 * title without a peer entry (the negotiation let it in), none for one
 * bound to another address than the one it came from. */
DimseArchiveServices
dimse_archive_peer_services (GPtrArray *peers, DimseAssociation *assoc, char **out_why)
{
  const char *calling = dimse_archive_calling_ae_title (assoc);
  GInetAddress *seen = remote_address (assoc);
  gboolean listed = FALSE;
  DimseArchiveServices services = 0;

  for (guint i = 0; i < peers->len; i++)
    {
      const DimseArchivePeer *peer = peers->pdata[i];

      if (g_strcmp0 (peer->ae_title, calling) != 0)
        continue;
      listed = TRUE;
      if (peer->address == NULL || (seen != NULL && same_address (peer->address, seen)))
        services |= peer->services;
    }
  if (!listed)
    return DIMSE_ARCHIVE_SERVICE_ALL;
  if (services == 0 && out_why != NULL)
    {
      g_autofree char *from = seen != NULL ? g_inet_address_to_string (seen) : g_strdup ("?");

      *out_why = g_strdup_printf ("The calling AE title %s may not associate from %s.", calling,
                                  from);
    }
  return services;
}

DimseArchiveServices
dimse_archive_service_of_command (DimseCommandField field)
{
  switch (field)
    {
    case DIMSE_C_ECHO_RQ:
      return DIMSE_ARCHIVE_SERVICE_ECHO;
    case DIMSE_C_STORE_RQ:
      return DIMSE_ARCHIVE_SERVICE_STORE;
    case DIMSE_C_FIND_RQ:
      return DIMSE_ARCHIVE_SERVICE_FIND;
    case DIMSE_C_MOVE_RQ:
      return DIMSE_ARCHIVE_SERVICE_MOVE;
    case DIMSE_C_GET_RQ:
      return DIMSE_ARCHIVE_SERVICE_GET;
    default:
      return 0;
    }
}
