/* bench-traffic-item.c — one recorded event on the UI thread */
#include "config.h"

#include "bench-traffic-item.h"
#include "dimse-pdu.h"

struct _BenchTrafficItem
{
  GObject parent_instance;

  DimseTrafficEvent *event;
  GBytes *raw;
};

G_DEFINE_FINAL_TYPE (BenchTrafficItem, bench_traffic_item, G_TYPE_OBJECT)

static void
bench_traffic_item_finalize (GObject *object)
{
  BenchTrafficItem *self = BENCH_TRAFFIC_ITEM (object);

  g_clear_object (&self->event);
  g_clear_pointer (&self->raw, g_bytes_unref);
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

DimseTrafficEvent *
bench_traffic_item_get_event (BenchTrafficItem *self)
{
  return self->event;
}

guint
bench_traffic_item_get_association_id (BenchTrafficItem *self)
{
  return dimse_traffic_event_get_association_id (self->event);
}

DimseTrafficDirection
bench_traffic_item_get_direction (BenchTrafficItem *self)
{
  return dimse_traffic_event_get_direction (self->event);
}

DimseTrafficKind
bench_traffic_item_get_kind (BenchTrafficItem *self)
{
  return dimse_traffic_event_get_kind (self->event);
}

gint64
bench_traffic_item_get_timestamp (BenchTrafficItem *self)
{
  return dimse_traffic_event_get_timestamp (self->event);
}

const char *
bench_traffic_item_get_summary (BenchTrafficItem *self)
{
  return dimse_traffic_event_get_summary (self->event);
}

const char *
bench_traffic_item_get_details (BenchTrafficItem *self)
{
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
  return dimse_traffic_event_get_kind (self->event) == DIMSE_TRAFFIC_KIND_PDU
         && dimse_traffic_event_get_pdu_type (self->event) == DIMSE_PDU_P_DATA_TF;
}
