/* bench-traffic-item.c — one recorded event on the UI thread */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-traffic-item.h"
#include "dimse-pdu.h"

struct _BenchTrafficItem
{
  GObject parent_instance;

  DimseTrafficEvent *event;
  GBytes *raw;
  /* a DICOMweb request, when event is NULL */
  guint association_id;
  gint64 timestamp;
  DimseWebExchange *exchange;
  char *url;
  char *summary;
  char *details;
};

G_DEFINE_FINAL_TYPE (BenchTrafficItem, bench_traffic_item, G_TYPE_OBJECT)

static void
bench_traffic_item_finalize (GObject *object)
{
  BenchTrafficItem *self = BENCH_TRAFFIC_ITEM (object);

  g_clear_object (&self->event);
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_clear_pointer (&self->exchange, dimse_web_exchange_unref);
  g_free (self->url);
  g_free (self->summary);
  g_free (self->details);
  G_OBJECT_CLASS (bench_traffic_item_parent_class)->finalize (object);
}

static void
bench_traffic_item_class_init (BenchTrafficItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_traffic_item_finalize;
}

static void
bench_traffic_item_init (BenchTrafficItem *self)
{
}

BenchTrafficItem *
bench_traffic_item_new (DimseTrafficEvent *event)
{
  BenchTrafficItem *self = g_object_new (BENCH_TYPE_TRAFFIC_ITEM, NULL);
  GBytes *raw = dimse_traffic_event_get_raw_bytes (event);

  self->event = g_object_ref (event);
  self->raw = raw != NULL ? g_bytes_ref (raw) : NULL;
  return self;
}

/* A password in the URL's user information is not for the screen. */
static char *
shown_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL)
    return g_strdup (url);
  return g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_AUTH_PARAMS);
}

static void
append_headers (GString *s, const char *prefix, GArray *headers)
{
  for (guint i = 0; i < headers->len; i++)
    {
      const DimseWebHeader *header = &g_array_index (headers, DimseWebHeader, i);

      /* The engine hides credentials; the words for it are ours. */
      g_string_append_printf (s, "%s%s: %s\n", prefix, header->name,
                              dimse_web_header_is_secret (header->name) ? _("(hidden)")
                                                                        : header->value);
    }
}

/* RFC 9112 §3 and §4: the request line, its headers, the status line and
 * the response's headers, as they went over the wire but for the bodies. */
static char *
web_details (BenchTrafficItem *self)
{
  DimseWebExchange *exchange = self->exchange;
  g_autofree char *request_line = dimse_web_exchange_format_request_line (exchange);
  g_autofree char *status_line = dimse_web_exchange_format_status_line (exchange);
  g_autofree char *sent = g_format_size_full (exchange->request_bytes,
                                              G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *received = g_format_size_full (exchange->response_bytes,
                                                  G_FORMAT_SIZE_LONG_FORMAT);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s\n", request_line);
  append_headers (s, "", exchange->request_headers);
  g_string_append_printf (s, _("Request body: %s\n"), sent);
  if (status_line != NULL)
    {
      g_string_append_printf (s, "\n%s\n", status_line);
      append_headers (s, "", exchange->response_headers);
    }
  else
    g_string_append (s, _("\nNo response\n"));
  g_string_append_printf (s, _("Response body: %s\n"), received);
  g_string_append_printf (s, _("Time: %.1f ms\n"), exchange->duration_us / 1000.0);
  return g_string_free (s, FALSE);
}

BenchTrafficItem *
bench_traffic_item_new_web (guint association_id, gint64 timestamp, DimseWebExchange *exchange)
{
  BenchTrafficItem *self = g_object_new (BENCH_TYPE_TRAFFIC_ITEM, NULL);

  self->association_id = association_id;
  self->timestamp = timestamp;
  self->exchange = dimse_web_exchange_ref (exchange);
  self->url = shown_url (exchange->url);
  self->summary = exchange->status != 0
                  ? g_strdup_printf ("%s %s → %u %s", exchange->method, self->url,
                                     exchange->status, exchange->reason_phrase)
                  : g_strdup_printf (_("%s %s → no response"), exchange->method, self->url);
  self->details = web_details (self);
  return self;
}

DimseTrafficEvent *
bench_traffic_item_get_event (BenchTrafficItem *self)
{
  return self->event;
}

gboolean
bench_traffic_item_get_web (BenchTrafficItem *self, const char **method, const char **url,
                            guint *status, guint64 *response_bytes, gint64 *duration_us)
{
  if (self->event != NULL)
    return FALSE;
  if (method != NULL)
    *method = self->exchange->method;
  if (url != NULL)
    *url = self->url;
  if (status != NULL)
    *status = self->exchange->status;
  if (response_bytes != NULL)
    *response_bytes = self->exchange->response_bytes;
  if (duration_us != NULL)
    *duration_us = self->exchange->duration_us;
  return TRUE;
}

DimseWebExchange *
bench_traffic_item_get_web_exchange (BenchTrafficItem *self)
{
  return self->exchange;
}

const char *
bench_traffic_item_get_web_url (BenchTrafficItem *self)
{
  return self->url;
}

guint
bench_traffic_item_get_association_id (BenchTrafficItem *self)
{
  if (self->event == NULL)
    return self->association_id;
  return dimse_traffic_event_get_association_id (self->event);
}

DimseTrafficDirection
bench_traffic_item_get_direction (BenchTrafficItem *self)
{
  /* A DICOMweb request is recorded when its response has come. */
  if (self->event == NULL)
    return DIMSE_TRAFFIC_DIRECTION_RECEIVED;
  return dimse_traffic_event_get_direction (self->event);
}

DimseTrafficKind
bench_traffic_item_get_kind (BenchTrafficItem *self)
{
  if (self->event == NULL)
    return DIMSE_TRAFFIC_KIND_MESSAGE;
  return dimse_traffic_event_get_kind (self->event);
}

gint64
bench_traffic_item_get_timestamp (BenchTrafficItem *self)
{
  if (self->event == NULL)
    return self->timestamp;
  return dimse_traffic_event_get_timestamp (self->event);
}

const char *
bench_traffic_item_get_summary (BenchTrafficItem *self)
{
  if (self->event == NULL)
    return self->summary;
  return dimse_traffic_event_get_summary (self->event);
}

const char *
bench_traffic_item_get_details (BenchTrafficItem *self)
{
  if (self->event == NULL)
    return self->details;
  return dimse_traffic_event_get_details (self->event);
}

GBytes *
bench_traffic_item_get_raw_bytes (BenchTrafficItem *self)
{
  return self->raw;
}

gsize
bench_traffic_item_drop_raw_bytes (BenchTrafficItem *self)
{
  gsize n = self->raw != NULL ? g_bytes_get_size (self->raw) : 0;

  g_clear_pointer (&self->raw, g_bytes_unref);
  return n;
}

gboolean
bench_traffic_item_is_pdata (BenchTrafficItem *self)
{
  return self->event != NULL
         && dimse_traffic_event_get_kind (self->event) == DIMSE_TRAFFIC_KIND_PDU
         && dimse_traffic_event_get_pdu_type (self->event) == DIMSE_PDU_P_DATA_TF;
}
