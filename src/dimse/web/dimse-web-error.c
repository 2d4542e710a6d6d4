/* dimse-web-error.c — HTTP statuses in words */
#include "config.h"

#include "dimse-web-error.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

G_DEFINE_QUARK (dimse-web-error-quark, dimse_web_error)

DimseWebError
dimse_web_error_code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_NO_CONTENT:
      return DIMSE_WEB_ERROR_NO_CONTENT;
    case SOUP_STATUS_BAD_REQUEST:
      return DIMSE_WEB_ERROR_BAD_REQUEST;
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_PROXY_UNAUTHORIZED:
      return DIMSE_WEB_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return DIMSE_WEB_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return DIMSE_WEB_ERROR_NOT_FOUND;
    case SOUP_STATUS_NOT_ACCEPTABLE:
    case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
      return DIMSE_WEB_ERROR_NOT_ACCEPTABLE;
    case SOUP_STATUS_CONFLICT:
      return DIMSE_WEB_ERROR_CONFLICT;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return DIMSE_WEB_ERROR_PAYLOAD_TOO_LARGE;
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return DIMSE_WEB_ERROR_UNAVAILABLE;
    default:
      return DIMSE_WEB_ERROR_HTTP;
    }
}

/* What the status means to the person who asked (PS3.18 §8.7.3). */
static const char *
status_meaning (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_NO_CONTENT:
      return _("the server found nothing to send");
    case SOUP_STATUS_BAD_REQUEST:
      return _("the server did not understand the request");
    case SOUP_STATUS_UNAUTHORIZED:
      return _("the server wants credentials, or did not accept the ones given");
    case SOUP_STATUS_PROXY_UNAUTHORIZED:
      return _("a proxy on the way wants credentials");
    case SOUP_STATUS_FORBIDDEN:
      return _("the server knows who we are and does not allow this");
    case SOUP_STATUS_NOT_FOUND:
      return _("the server has no such resource: check the base URL and the UIDs");
    case SOUP_STATUS_NOT_ACCEPTABLE:
      return _("the server cannot send the media type asked for");
    case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
      return _("the server does not take the media type sent");
    case SOUP_STATUS_CONFLICT:
      return _("the server stored none of the instances");
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return _("the request is larger than the server takes: send fewer or smaller files at "
               "a time");
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return _("the server is busy or down for maintenance");
    default:
      if (SOUP_STATUS_IS_REDIRECTION (status))
        return _("the server sends us elsewhere");
      if (SOUP_STATUS_IS_SERVER_ERROR (status))
        return _("the server failed");
      return _("the request failed");
    }
}

void
dimse_web_set_status_error (GError **error, const char *what, guint status,
                            const char *reason_phrase, const char *server_message,
                            const char *retry_after)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *phrase = reason_phrase != NULL && *reason_phrase != '\0'
                       ? reason_phrase : soup_status_get_phrase (status);

  g_string_printf (text, _("%s answered HTTP %u %s: %s."), what, status,
                   phrase != NULL ? phrase : "", status_meaning (status));
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && retry_after != NULL && *retry_after != '\0')
    {
      guint64 seconds = 0;

      if (g_ascii_string_to_unsigned (retry_after, 10, 0, G_MAXUINT32, &seconds, NULL))
        g_string_append_printf (text, _(" It asks to retry after %llu seconds."),
                                (unsigned long long) seconds);
      else
        g_string_append_printf (text, _(" It asks to retry after %s."), retry_after);
    }
  if (server_message != NULL && *server_message != '\0')
    g_string_append_printf (text, _(" The server says: “%s”."), server_message);
  g_set_error_literal (error, DIMSE_WEB_ERROR, dimse_web_error_code_for_status (status),
                       text->str);
}

static gboolean
is_transport_error (const GError *error)
{
  if (error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR)
    return TRUE;
  if (error->domain != G_IO_ERROR)
    return FALSE;
  switch (error->code)
    {
    case G_IO_ERROR_CONNECTION_REFUSED:
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_TIMED_OUT:
    case G_IO_ERROR_CONNECTION_CLOSED:
    case G_IO_ERROR_NOT_CONNECTED:
    case G_IO_ERROR_PROXY_FAILED:
      return TRUE;
    default:
      return FALSE;
    }
}

void
dimse_web_error_wrap_transport (GError **error, const char *url)
{
  GError *inner;

  if (error == NULL || *error == NULL || !is_transport_error (*error))
    return;
  inner = *error;
  *error = g_error_new (DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_CONNECTION,
                        _("Cannot reach the DICOMweb server at %s: %s."), url, inner->message);
  g_error_free (inner);
}
