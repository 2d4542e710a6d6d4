/* dimse-web-error.h — the DICOMweb client's and server's error domain:
 * HTTP statuses said in words (PS3.18 §8.7.3 and the statuses of each
 * service's response) and responses that break PS3.18 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DIMSE_WEB_ERROR (dimse_web_error_quark ())

typedef enum {
  DIMSE_WEB_ERROR_CONNECTION,         /* the server could not be reached (refused, unreachable,
                                         name unknown, TLS handshake failed, timed out) */
  DIMSE_WEB_ERROR_NO_CONTENT,         /* 204 where content was needed */
  DIMSE_WEB_ERROR_BAD_REQUEST,        /* 400 */
  DIMSE_WEB_ERROR_UNAUTHORIZED,       /* 401 */
  DIMSE_WEB_ERROR_FORBIDDEN,          /* 403 */
  DIMSE_WEB_ERROR_NOT_FOUND,          /* 404 */
  DIMSE_WEB_ERROR_NOT_ACCEPTABLE,     /* 406, 415: a media type the other side does not take */
  DIMSE_WEB_ERROR_CONFLICT,           /* 409: a STOW-RS that stored nothing */
  DIMSE_WEB_ERROR_PAYLOAD_TOO_LARGE,  /* 413 */
  DIMSE_WEB_ERROR_UNAVAILABLE,        /* 503 */
  DIMSE_WEB_ERROR_HTTP,               /* any other status that is not a success */
  DIMSE_WEB_ERROR_RESPONSE_INVALID,   /* a body that is not what PS3.18 says it is */
  DIMSE_WEB_ERROR_STORAGE,            /* a received instance could not be stored */
} DimseWebError;

GQuark dimse_web_error_quark (void);

/* The error code for an HTTP status that is not a success. */
DimseWebError dimse_web_error_code_for_status (guint status);

/* Sets a DIMSE_WEB_ERROR for a response with HTTP status `status`: a
 * sentence naming what was asked (`what`, e.g. "The QIDO-RS search of
 * http://…/studies"), the status and its meaning; `server_message` (may
 * be NULL: the body's first line of text, at most a few hundred
 * characters) is quoted, and `retry_after` (may be NULL) is said for 503
 * (RFC 7231 §7.1.3). */
void dimse_web_set_status_error (GError **error, const char *what, guint status,
                                 const char *reason_phrase, const char *server_message,
                                 const char *retry_after);

/* Rewrites an error from GIO, GTLS or libsoup that means the server was
 * never reached as DIMSE_WEB_ERROR_CONNECTION, the message naming url;
 * other errors (cancellation among them) are left as they are. */
void dimse_web_error_wrap_transport (GError **error, const char *url);

G_END_DECLS
