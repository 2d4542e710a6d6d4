/* dimse-web-server-private.h — what the server's files share */
#pragma once

#include <libsoup/soup.h>

#include "dimse-web-error.h"
#include "dimse-web-server.h"

G_BEGIN_DECLS

DimseArchiveIndex *dimse_web_server_get_index (DimseWebServer *server);
const char        *dimse_web_server_get_folder (DimseWebServer *server);
/* The URL of a resource, for RetrieveURL: {base}/studies/{uid}… */
char              *dimse_web_server_resource_url (DimseWebServer *server, const char *study_uid,
                                                  const char *series_uid,
                                                  const char *instance_uid);
/* Answers with status and, when message is not NULL, a JSON body
 * {"Message": message} saying why. */
void               dimse_web_server_reply_error (DimseWebServer *server, SoupServerMessage *msg,
                                                 guint status, const char *message);
void               dimse_web_server_emit_instance_stored (DimseWebServer *server,
                                                          const char *path);
/* The instances an identifier names (STUDY, SERIES or IMAGE level with the
 * UIDs), or NULL with a 404 answered. */
GPtrArray         *dimse_web_server_select (DimseWebServer *server, SoupServerMessage *msg,
                                            const char *study_uid, const char *series_uid,
                                            const char *instance_uid);

/* WADO-RS (dimse-web-server-wado.c) */
void dimse_web_server_wado (DimseWebServer *server, SoupServerMessage *msg,
                            const char *study_uid, const char *series_uid,
                            const char *instance_uid);
void dimse_web_server_metadata (DimseWebServer *server, SoupServerMessage *msg,
                                const char *study_uid, const char *series_uid,
                                const char *instance_uid);

/* STOW-RS (dimse-web-server-stow.c): the early handler sets the request
 * body to stream into the folder; the handler answers when it is read. */
void dimse_web_server_stow_begin (DimseWebServer *server, SoupServerMessage *msg);
void dimse_web_server_stow_finish (DimseWebServer *server, SoupServerMessage *msg,
                                   const char *study_uid);

G_END_DECLS
