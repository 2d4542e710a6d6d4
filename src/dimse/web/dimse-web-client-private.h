/* dimse-web-client-private.h — what the client's files share */
#pragma once

#include <libsoup/soup.h>

#include "dimse-web-client.h"

G_BEGIN_DECLS

/* A request to url with the client's authentication and Accept: accept
 * (may be NULL). */
SoupMessage *dimse_web_client_new_message (DimseWebClient *client, const char *method,
                                           const char *url, const char *accept);
SoupSession *dimse_web_client_get_session (DimseWebClient *client);
/* Emits "exchange" and "exchange-details" for msg, sent at start_us
 * (g_get_monotonic_time); the request body's size is what libsoup wrote of
 * it, counted since dimse_web_client_new_message made msg. */
void         dimse_web_client_record (DimseWebClient *client, SoupMessage *msg,
                                      guint64 response_bytes, gint64 start_us);
/* {base}/studies/{study}[/series/{series}[/instances/{instance}]][suffix],
 * the UIDs escaped. */
char        *dimse_web_client_build_resource_url (DimseWebClient *client, const char *study_uid,
                                                  const char *series_uid,
                                                  const char *instance_uid, const char *suffix);
/* FALSE with the error in words unless msg's status is one of the
 * successes wanted (a 2xx, and 204 only when allow_no_content); body (may
 * be NULL) gives the server's message. */
gboolean     dimse_web_check_status (SoupMessage *msg, const char *what, GBytes *body,
                                     gboolean allow_no_content, GError **error);
/* The data sets of a DICOM JSON array (an object alone is taken as an
 * array of one); errors DIMSE_WEB_ERROR_RESPONSE_INVALID naming what. */
GPtrArray   *dimse_web_parse_json_array (GBytes *body, const char *what, GError **error);

/* GET url with Accept application/dicom+json: the data sets of the array
 * answered (204: none); *out_warning (may be NULL) is the Warning header. */
void         dimse_web_client_get_json_async (DimseWebClient *client, const char *url,
                                              const char *what, GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
GPtrArray   *dimse_web_client_get_json_finish (DimseWebClient *client, GAsyncResult *result,
                                               char **out_warning, GError **error);

/* The exchange of msg (dimse-web-exchange.c), its credentials hidden. */
DimseWebExchange *dimse_web_exchange_new (SoupMessage *msg, guint64 request_bytes,
                                          guint64 response_bytes, gint64 duration_us);

G_END_DECLS
