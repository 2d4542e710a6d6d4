/* dimse-access.h — who may associate and what they may ask: calling AE
 * titles, each optionally bound to the IP address it must come from and
 * limited to services. PS3.15 leaves access control to the application;
 * a refused request is answered with PS3.7 Annex C's 0124. */
#pragma once

#include <gio/gio.h>

#include "dimse-message.h"
#include "dimse-server.h"

G_BEGIN_DECLS

/* PS3.7 Annex C: Refused: Not Authorized */
#define DIMSE_ACCESS_STATUS_NOT_AUTHORIZED 0x0124

/* The services a calling AE may use, by the DIMSE-C requests they take. */
typedef enum {
  DIMSE_ACCESS_SERVICE_ECHO  = 1 << 0,
  DIMSE_ACCESS_SERVICE_STORE = 1 << 1,
  DIMSE_ACCESS_SERVICE_FIND  = 1 << 2,
  DIMSE_ACCESS_SERVICE_MOVE  = 1 << 3,
  DIMSE_ACCESS_SERVICE_GET   = 1 << 4,
  DIMSE_ACCESS_SERVICE_ALL   = 0x1f,
} DimseAccessServices;

/* "find,move": names echo, store, find, move, get, all, without regard to
 * case. Fails (G_IO_ERROR_INVALID_ARGUMENT) naming the unknown word. */
gboolean            dimse_access_services_parse (const char *text, DimseAccessServices *out,
                                                 GError **error);
/* The service a request belongs to; 0 for others (C-CANCEL, N-…). */
DimseAccessServices dimse_access_service_of_command (DimseCommandField field);

/* Reference counted; used on one thread. */
typedef struct _DimseAccessList DimseAccessList;

DimseAccessList *dimse_access_list_new (void);
DimseAccessList *dimse_access_list_ref (DimseAccessList *list);
void             dimse_access_list_unref (DimseAccessList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseAccessList, dimse_access_list_unref)

/* calling_ae_title may use services; with address (an IP address, not
 * NULL) only from there. Several entries for one AE title add up. Fails
 * (G_IO_ERROR_INVALID_ARGUMENT) for an address that is not an IP address. */
gboolean dimse_access_list_add (DimseAccessList *list, const char *calling_ae_title,
                                const char *address, DimseAccessServices services,
                                GError **error);
/* One entry as a command line writes it: AET, AET@ADDRESS, AET:SERVICES or
 * AET@ADDRESS:SERVICES, brackets around an IPv6 address (AET@[::1]:echo);
 * without services (or with all), the services provided. Fails
 * (G_IO_ERROR_INVALID_ARGUMENT) saying what is wrong, also for a service
 * named that is not among those provided. */
gboolean dimse_access_list_add_entry (DimseAccessList *list, const char *entry,
                                      DimseAccessServices provided, GError **error);
gboolean dimse_access_list_is_empty (DimseAccessList *list);
/* Adds every AE title listed to the calling AE titles policy accepts. */
void     dimse_access_list_add_to_policy (DimseAccessList *list, DimseAcceptorPolicy *policy);

/* What calling_ae_title coming from remote (NULL: unknown) may use: all
 * for an AE title not listed (the policy decides whether it associates),
 * none for one listed only for other addresses; then *out_why (may be
 * NULL) says so in a sentence naming the AE title and the address. */
DimseAccessServices dimse_access_list_lookup (DimseAccessList *list,
                                              const char *calling_ae_title,
                                              GInetAddress *remote, char **out_why);
/* The same for the calling AE of an association and the address it is
 * connected from. */
DimseAccessServices dimse_access_list_lookup_association (DimseAccessList *list,
                                                          DimseAssociation *assoc,
                                                          char **out_why);

/* Has server answer the A-ASSOCIATE-RQ of a calling AE title that may use
 * nothing from where it comes from with A-ASSOCIATE-RJ (see
 * dimse_server_set_peer_func), saying why with g_message. The server keeps
 * a reference to list, so entries added later count too. */
void dimse_access_list_install (DimseAccessList *list, DimseServer *server);

/* Answers request on pc_id with 0124 (Not Authorized) and an Error Comment
 * naming the request and the calling AE title. */
void dimse_access_refuse_request (DimseAssociation *assoc, guint8 pc_id,
                                  DimseMessage *request);

G_END_DECLS
