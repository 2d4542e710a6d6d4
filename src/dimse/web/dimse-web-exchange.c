/* dimse-web-exchange.c — a DICOMweb request and its response, for the
 * traffic views of the application and the command line */
#include "config.h"

#include "dimse-web-client-private.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (DimseWebExchange, dimse_web_exchange, dimse_web_exchange_ref,
                     dimse_web_exchange_unref)

static void
header_clear (DimseWebHeader *header)
{
  g_free (header->name);
  g_free (header->value);
}

static void
exchange_clear (DimseWebExchange *exchange)
{
  g_free (exchange->method);
  g_free (exchange->url);
  g_free (exchange->http_version);
  g_free (exchange->reason_phrase);
  g_free (exchange->request_content_type);
  g_free (exchange->response_content_type);
  g_clear_pointer (&exchange->request_headers, g_array_unref);
  g_clear_pointer (&exchange->response_headers, g_array_unref);
}

DimseWebExchange *
dimse_web_exchange_ref (DimseWebExchange *exchange)
{
  return g_atomic_rc_box_acquire (exchange);
}

void
dimse_web_exchange_unref (DimseWebExchange *exchange)
{
  g_atomic_rc_box_release_full (exchange, (GDestroyNotify) exchange_clear);
}

gboolean
dimse_web_header_is_secret (const char *name)
{
  /* RFC 9110 §11.6.2 and §11.7.2, RFC 6265 §4. */
  static const char *const secret[] = {
    "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
  };

  for (guint i = 0; i < G_N_ELEMENTS (secret); i++)
    if (g_ascii_strcasecmp (name, secret[i]) == 0)
      return TRUE;
  return FALSE;
}

const char *
dimse_web_headers_lookup (GArray *headers, const char *name)
{
  for (guint i = 0; headers != NULL && i < headers->len; i++)
    {
      const DimseWebHeader *header = &g_array_index (headers, DimseWebHeader, i);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        return header->value;
    }
  return NULL;
}

static void
add_header (const char *name, const char *value, gpointer user_data)
{
  GArray *headers = user_data;
  DimseWebHeader header = {
    g_strdup (name),
    g_strdup (dimse_web_header_is_secret (name) ? DIMSE_WEB_HIDDEN_VALUE : value),
  };

  g_array_append_val (headers, header);
}

static GArray *
copy_headers (SoupMessageHeaders *headers)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (DimseWebHeader));

  g_array_set_clear_func (copy, (GDestroyNotify) header_clear);
  soup_message_headers_foreach (headers, add_header, copy);
  return copy;
}

static const char *
version_name (SoupHTTPVersion version)
{
  switch (version)
    {
    case SOUP_HTTP_1_0: return "HTTP/1.0";
    case SOUP_HTTP_2_0: return "HTTP/2";
    case SOUP_HTTP_1_1:
    default: return "HTTP/1.1";
    }
}

DimseWebExchange *
dimse_web_exchange_new (SoupMessage *msg, guint64 request_bytes, guint64 response_bytes,
                        gint64 duration_us)
{
  DimseWebExchange *exchange = g_atomic_rc_box_new0 (DimseWebExchange);
  SoupMessageHeaders *request = soup_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_message_get_response_headers (msg);
  const char *reason = soup_message_get_reason_phrase (msg);

  exchange->method = g_strdup (soup_message_get_method (msg));
  exchange->url = g_uri_to_string_partial (soup_message_get_uri (msg),
                                           G_URI_HIDE_PASSWORD | G_URI_HIDE_AUTH_PARAMS);
  exchange->http_version = g_strdup (version_name (soup_message_get_http_version (msg)));
  exchange->status = soup_message_get_status (msg);
  if (exchange->status != 0)
    exchange->reason_phrase = g_strdup (reason != NULL && *reason != '\0'
                                        ? reason : soup_status_get_phrase (exchange->status));
  exchange->request_bytes = request_bytes;
  exchange->response_bytes = response_bytes;
  exchange->duration_us = duration_us;
  exchange->request_content_type = g_strdup (soup_message_headers_get_one (request,
                                                                           "Content-Type"));
  exchange->response_content_type = g_strdup (soup_message_headers_get_one (response,
                                                                            "Content-Type"));
  exchange->request_headers = copy_headers (request);
  exchange->response_headers = copy_headers (response);
  return exchange;
}

char *
dimse_web_exchange_format_request_line (const DimseWebExchange *exchange)
{
  g_autoptr(GUri) uri = g_uri_parse (exchange->url, G_URI_FLAGS_ENCODED, NULL);
  const char *path = uri != NULL ? g_uri_get_path (uri) : exchange->url;
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;

  return g_strdup_printf ("%s %s%s%s %s", exchange->method, *path != '\0' ? path : "/",
                          query != NULL ? "?" : "", query != NULL ? query : "",
                          exchange->http_version);
}

char *
dimse_web_exchange_format_status_line (const DimseWebExchange *exchange)
{
  if (exchange->status == 0)
    return NULL;
  return g_strdup_printf ("%s %u %s", exchange->http_version, exchange->status,
                          exchange->reason_phrase != NULL ? exchange->reason_phrase : "");
}
