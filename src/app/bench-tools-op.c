/* bench-tools-op.c — a row of a tool's table, and cancelling on the worker */
#include "config.h"

#include "bench-tools-op.h"

#define N_COLUMNS 4

struct _BenchToolsRow
{
  GObject parent_instance;

  gboolean ok;
  char *columns[N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (BenchToolsRow, bench_tools_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OK,
  PROP_COLUMN0,
  PROP_COLUMN1,
  PROP_COLUMN2,
  PROP_COLUMN3,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bench_tools_row_finalize (GObject *object)
{
  BenchToolsRow *self = BENCH_TOOLS_ROW (object);

  for (guint i = 0; i < N_COLUMNS; i++)
    g_free (self->columns[i]);
  G_OBJECT_CLASS (bench_tools_row_parent_class)->finalize (object);
}

static void
bench_tools_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BenchToolsRow *self = BENCH_TOOLS_ROW (object);

  if (prop_id == PROP_OK)
    g_value_set_boolean (value, self->ok);
  else if (prop_id >= PROP_COLUMN0 && prop_id <= PROP_COLUMN3)
    g_value_set_string (value, self->columns[prop_id - PROP_COLUMN0]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bench_tools_row_class_init (BenchToolsRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bench_tools_row_finalize;
  object_class->get_property = bench_tools_row_get_property;
  properties[PROP_OK] = g_param_spec_boolean ("ok", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN0] = g_param_spec_string ("column0", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN1] = g_param_spec_string ("column1", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN2] = g_param_spec_string ("column2", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN3] = g_param_spec_string ("column3", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bench_tools_row_init (BenchToolsRow *self)
{
}

BenchToolsRow *
bench_tools_row_new (gboolean ok, const char *column0, const char *column1,
                     const char *column2, const char *column3)
{
  BenchToolsRow *row = g_object_new (BENCH_TYPE_TOOLS_ROW, NULL);

  row->ok = ok;
  row->columns[0] = g_strdup (column0);
  row->columns[1] = g_strdup (column1);
  row->columns[2] = g_strdup (column2);
  row->columns[3] = g_strdup (column3);
  return row;
}

const char *
bench_tools_row_get_column (BenchToolsRow *row, guint column)
{
  g_return_val_if_fail (BENCH_IS_TOOLS_ROW (row), NULL);
  g_return_val_if_fail (column < N_COLUMNS, NULL);
  return row->columns[column];
}

gboolean
bench_tools_row_get_ok (BenchToolsRow *row)
{
  g_return_val_if_fail (BENCH_IS_TOOLS_ROW (row), FALSE);
  return row->ok;
}

/* ---- cancelling on the worker ---- */

typedef struct {
  BenchEngine *engine;
  GCancellable *worker_cancellable;
} CancelRelay;

static void
cancel_relay_free (gpointer data)
{
  CancelRelay *relay = data;

  g_object_unref (relay->engine);
  g_object_unref (relay->worker_cancellable);
  g_free (relay);
}

static gboolean
cancel_on_worker (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  CancelRelay *relay = data;

  bench_engine_invoke (relay->engine, cancel_on_worker,
                       g_object_ref (relay->worker_cancellable), g_object_unref);
}

void
bench_tools_relay_cancel (BenchEngine *engine, GCancellable *ui_cancellable,
                          GCancellable *worker_cancellable)
{
  CancelRelay *relay;

  if (ui_cancellable == NULL)
    return;
  relay = g_new0 (CancelRelay, 1);
  relay->engine = g_object_ref (engine);
  relay->worker_cancellable = g_object_ref (worker_cancellable);
  g_cancellable_connect (ui_cancellable, G_CALLBACK (on_cancelled), relay, cancel_relay_free);
}

void
bench_tools_peer_timeouts (const BenchPeer *peer, DimseTimeouts *timeouts)
{
  dimse_timeouts_init (timeouts);
  if (peer->timeout_s == 0)
    return;
  timeouts->connect_timeout_ms = peer->timeout_s * 1000;
  timeouts->artim_timeout_ms = peer->timeout_s * 1000;
  timeouts->dimse_timeout_ms = peer->timeout_s * 1000;
}
