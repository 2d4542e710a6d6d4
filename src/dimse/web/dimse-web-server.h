/* dimse-web-server.h — a DICOMweb origin server (PS3.18) on libsoup 3
 * over the embedded archive's index and folder: QIDO-RS searches
 * (§10.6), WADO-RS retrieves of instances and metadata streamed from the
 * files (§10.4), STOW-RS stores into the folder (§10.5) */
#pragma once

#include <gio/gio.h>

#include "dimse-archive-index.h"

G_BEGIN_DECLS

#define DIMSE_WEB_SERVER_DEFAULT_ROOT "/dicom-web"

#define DIMSE_TYPE_WEB_SERVER (dimse_web_server_get_type ())
G_DECLARE_FINAL_TYPE (DimseWebServer, dimse_web_server, DIMSE, WEB_SERVER, GObject)

/* A server answering under root (NULL: "/dicom-web") from index, storing
 * what STOW-RS sends into folder (the index's folder when NULL) as <SOP
 * Instance UID>.dcm, each file added to the index. Not yet listening. */
DimseWebServer *dimse_web_server_new (DimseArchiveIndex *index, const char *folder,
                                      const char *root);
/* Cross-origin requests: with an origin ("*" or "https://viewer.example"),
 * responses carry Access-Control-Allow-Origin for it and preflight
 * OPTIONS requests are answered; NULL (the default) sends none. */
void            dimse_web_server_set_cors_origin (DimseWebServer *server, const char *origin);
/* Listens on address (NULL: 127.0.0.1, loopback only) and port (0: one
 * the system picks, see _get_port). */
gboolean        dimse_web_server_listen (DimseWebServer *server, const char *address,
                                         guint16 port, GError **error);
guint16         dimse_web_server_get_port (DimseWebServer *server);
/* The base URL clients use, e.g. "http://127.0.0.1:8080/dicom-web". */
char           *dimse_web_server_get_base_url (DimseWebServer *server);
void            dimse_web_server_stop (DimseWebServer *server);

/* Signals (on the main context the server was created on):
 * "request" (const char *method, const char *path, guint status): each
 *   request once answered (a streamed one when its headers are written)
 * "instance-stored" (const char *path): each instance STOW-RS stored */

G_END_DECLS
