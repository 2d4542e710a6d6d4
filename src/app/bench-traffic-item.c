/* bench-traffic-item.c — one recorded event on the UI thread */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

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
  char *method;
  char *url;
  guint status;
  guint64 response_bytes;
  gint64 duration_us;
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
  g_free (self->method);
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

static char *
web_details (BenchTrafficItem *self)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *size = g_format_size_full (self->response_bytes, G_FORMAT_SIZE_LONG_FORMAT);
  GString *s = g_string_new (NULL);
  const char *path = uri != NULL ? g_uri_get_path (uri) : self->url;
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;

  /* RFC 9112 §3 and §4: the request line and the status line. */
  g_string_append_printf (s, "%s %s%s%s HTTP/1.1\n", self->method, *path != '\0' ? path : "/",
                          query != NULL ? "?" : "", query != NULL ? query : "");
  if (uri != NULL)
    g_string_append_printf (s, "Host: %s\n", g_uri_get_host (uri));
  g_string_append (s, _("Authorization: not shown\n"));
  if (self->status != 0)
    g_string_append_printf (s, "\nHTTP/1.1 %u %s\n", self->status,
                            soup_status_get_phrase (self->status));
  else
    g_string_append (s, _("\nNo response\n"));
  g_string_append_printf (s, _("Response body: %s\n"), size);
  g_string_append_printf (s, _("Time: %.1f ms\n"), self->duration_us / 1000.0);
  return g_string_free (s, FALSE);
}

BenchTrafficItem *
bench_traffic_item_new_web (guint association_id, gint64 timestamp, const char *method,
                            const char *url, guint status, guint64 response_bytes,
                            gint64 duration_us)
{
  BenchTrafficItem *self = g_object_new (BENCH_TYPE_TRAFFIC_ITEM, NULL);

  self->association_id = association_id;
  self->timestamp = timestamp;
  self->method = g_strdup (method);
  self->url = shown_url (url);
  self->status = status;
  self->response_bytes = response_bytes;
  self->duration_us = duration_us;
  self->summary = status != 0
                  ? g_strdup_printf ("%s %s → %u %s", method, self->url, status,
                                     soup_status_get_phrase (status))
                  : g_strdup_printf (_("%s %s → no response"), method, self->url);
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
    *method = self->method;
  if (url != NULL)
    *url = self->url;
  if (status != NULL)
    *status = self->status;
  if (response_bytes != NULL)
    *response_bytes = self->response_bytes;
  if (duration_us != NULL)
    *duration_us = self->duration_us;
  return TRUE;
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
