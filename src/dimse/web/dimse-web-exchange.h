/* dimse-web-exchange.h — one DICOMweb request and its response as a
 * traffic view shows them: the request and status lines, the sizes of
 * the bodies and both header lists. Never credentials: the values of
 * Authorization, Proxy-Authorization, Cookie and Set-Cookie are replaced
 * by DIMSE_WEB_HIDDEN_VALUE, and a password in the URL is left out. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DIMSE_WEB_HIDDEN_VALUE "(hidden)"

typedef struct {
  char *name;
  char *value;
} DimseWebHeader;

/* Immutable once made and shared by reference, so safe to read from any
 * thread. */
typedef struct {
  char    *method;
  char    *url;                    /* without a password */
  char    *http_version;           /* "HTTP/1.1" */
  guint    status;                 /* 0: no response */
  char    *reason_phrase;          /* as the server gave it; NULL without a response */
  guint64  request_bytes;          /* of the request body, as written to the connection */
  guint64  response_bytes;         /* of the response body, as read */
  gint64   duration_us;
  char    *request_content_type;   /* may be NULL */
  char    *response_content_type;  /* may be NULL */
  GArray  *request_headers;        /* DimseWebHeader, in the order sent */
  GArray  *response_headers;       /* DimseWebHeader, in the order received */
} DimseWebExchange;

#define DIMSE_TYPE_WEB_EXCHANGE (dimse_web_exchange_get_type ())
GType             dimse_web_exchange_get_type (void) G_GNUC_CONST;

DimseWebExchange *dimse_web_exchange_ref (DimseWebExchange *exchange);
void              dimse_web_exchange_unref (DimseWebExchange *exchange);

/* Whether a header's value is a credential that is never shown. */
gboolean          dimse_web_header_is_secret (const char *name);
/* The value of the first header named name (case-insensitive) among
 * headers (DimseWebHeader), or NULL. */
const char       *dimse_web_headers_lookup (GArray *headers, const char *name);
/* RFC 9112 §3: "GET /dicom-web/studies?limit=10 HTTP/1.1". */
char             *dimse_web_exchange_format_request_line (const DimseWebExchange *exchange);
/* RFC 9112 §4: "HTTP/1.1 200 OK"; NULL without a response. */
char             *dimse_web_exchange_format_status_line (const DimseWebExchange *exchange);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseWebExchange, dimse_web_exchange_unref)

G_END_DECLS
