/* bench-traffic-model.c — the recorder's mirror on the UI thread
 *
 * On the worker (the "feed"): each items-changed of the recorder adds to a
 * pending batch — events removed from the front, events appended — and a
 * timeout posts the batch to the UI thread. There the mirror applies the
 * batches in order, in slices of EVENTS_PER_SLICE events from an idle, so a
 * frame can be painted between slices: one splice and one notification per
 * association and slice.
 *
 * DICOMweb requests reach the same batches from the web client's
 * "exchange" signal (bench-peer.c), outside the recorder's event count. */
#include "config.h"

#include <string.h>

#include "bench-engine.h"
#include "bench-traffic-model.h"

#define FLUSH_INTERVAL_MS 100
/* Events applied per turn of the UI's main loop, so that a frame can be
 * painted between two slices of a large batch. */
#define EVENTS_PER_SLICE 2000
/* DICOMweb operations have no recorder behind them: the mirror keeps the
 * newest ones, their ids above any the recorder gives. */
#define MAX_WEB_OPERATIONS 500
#define FIRST_WEB_OPERATION_ID 0x80000000u
/* C-MOVE-RQs being answered at once, at most (the oldest are forgotten). */
#define MAX_OPEN_MOVES 64

typedef struct {
  guint id;
  char *name;
  char *address;
  gboolean request_failed;
  gint64 timestamp;
} Annotation;

/* A C-MOVE-RQ whose association is still open: a C-STORE-RQ naming its
 * calling AE title and Message ID as Move Originator is a sub-operation
 * of it (PS3.7 §9.3.1.1). */
typedef struct {
  guint association_id;
  char *calling_ae_title;
  guint16 message_id;
} OpenMove;

typedef struct {
  BenchTrafficModel *model;
  guint n_removed;            /* from the front of what the UI holds */
  GPtrArray *added;           /* BenchTrafficItem */
  GArray *annotations;        /* Annotation */
  GPtrArray *web_added;       /* BenchTrafficItem of DICOMweb requests */
  guint64 max_raw_bytes;
  /* UI thread: how far it has been applied */
  gboolean removed_applied;
  guint n_applied;
} Batch;

/* Worker-side state. */
typedef struct {
  BenchTrafficModel *model;   /* not a reference: the engine keeps it past the worker */
  DimseRecorder *recorder;
  guint n_ui;                 /* events the UI holds once every posted batch is applied */
  Batch *pending;
  GSource *flush_source;
} Feed;

struct _BenchTrafficModel
{
  GObject parent_instance;

  Feed *feed;                 /* worker only */

  GListStore *associations;   /* newest first */
  GHashTable *by_id;          /* id → BenchTrafficAssociation (borrowed from the store) */
  GQueue events;              /* BenchTrafficItem, oldest first, owned */
  GQueue with_raw;            /* the items still holding raw bytes, oldest first */
  GQueue batches;             /* received, not yet wholly applied, oldest first */
  guint apply_source;
  guint64 raw_bytes_held;
  guint64 max_raw_bytes;
  GQueue web_operations;      /* BenchTrafficAssociation of DICOMweb, oldest first (borrowed) */
  GArray *open_moves;         /* OpenMove, oldest first */
  guint next_web_id;          /* any thread, atomically */
};

G_DEFINE_FINAL_TYPE (BenchTrafficModel, bench_traffic_model, G_TYPE_OBJECT)

enum {
  SIGNAL_BATCH_APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
annotation_clear (gpointer data)
{
  Annotation *annotation = data;

  g_free (annotation->name);
  g_free (annotation->address);
}

static void
open_move_clear (gpointer data)
{
  g_free (((OpenMove *) data)->calling_ae_title);
}

static Batch *
batch_new (BenchTrafficModel *model)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->model = g_object_ref (model);
  batch->added = g_ptr_array_new_with_free_func (g_object_unref);
  batch->annotations = g_array_new (FALSE, TRUE, sizeof (Annotation));
  g_array_set_clear_func (batch->annotations, annotation_clear);
  batch->web_added = g_ptr_array_new_with_free_func (g_object_unref);
  return batch;
}

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_clear_object (&batch->model);
  g_clear_pointer (&batch->added, g_ptr_array_unref);
  g_clear_pointer (&batch->annotations, g_array_unref);
  g_clear_pointer (&batch->web_added, g_ptr_array_unref);
  g_free (batch);
}

/* ---- on the UI thread ---- */

static BenchTrafficAssociation *
ensure_association (BenchTrafficModel *self, guint id)
{
  BenchTrafficAssociation *assoc = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (id));
  g_autoptr(BenchTrafficAssociation) created = NULL;

  if (assoc != NULL)
    return assoc;
  created = bench_traffic_association_new (id);
  g_hash_table_insert (self->by_id, GUINT_TO_POINTER (id), created);
  g_list_store_insert (self->associations, 0, created);
  return created;
}

static void
remove_association (BenchTrafficModel *self, BenchTrafficAssociation *assoc)
{
  guint position;

  g_hash_table_remove (self->by_id, GUINT_TO_POINTER (bench_traffic_association_get_id (assoc)));
  if (g_list_store_find (self->associations, assoc, &position))
    g_list_store_remove (self->associations, position);
}

static void
remove_oldest (BenchTrafficModel *self, guint n)
{
  g_autoptr(GHashTable) removed = g_hash_table_new (NULL, NULL);   /* assoc → count */
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n && !g_queue_is_empty (&self->events); i++)
    {
      g_autoptr(BenchTrafficItem) item = g_queue_pop_head (&self->events);
      gpointer assoc = g_hash_table_lookup (self->by_id,
                                            GUINT_TO_POINTER (bench_traffic_item_get_association_id (item)));

      if (g_queue_peek_head (&self->with_raw) == item)
        {
          g_queue_pop_head (&self->with_raw);
          self->raw_bytes_held -= bench_traffic_item_drop_raw_bytes (item);
        }
      if (assoc != NULL)
        g_hash_table_insert (removed, assoc,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (removed, assoc)) + 1));
    }
  g_hash_table_iter_init (&iter, removed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BenchTrafficAssociation *assoc = key;

      bench_traffic_association_remove_oldest (assoc, GPOINTER_TO_UINT (value));
      if (g_list_model_get_n_items (bench_traffic_association_get_items (assoc)) == 0)
        remove_association (self, assoc);
    }
}

/* As the recorder does: over the budget, the oldest events lose their bytes. */
static void
enforce_raw_budget (BenchTrafficModel *self)
{
  while (self->raw_bytes_held > self->max_raw_bytes && !g_queue_is_empty (&self->with_raw))
    self->raw_bytes_held -= bench_traffic_item_drop_raw_bytes (g_queue_pop_head (&self->with_raw));
}

/* ---- C-MOVE sub-operations: the recorder's link (dimse-recorder-links.c)
 * followed as the events arrive, so that a C-MOVE's row counts them ---- */

static void
forget_moves_of (BenchTrafficModel *self, guint association_id)
{
  for (guint i = self->open_moves->len; i-- > 0;)
    if (g_array_index (self->open_moves, OpenMove, i).association_id == association_id)
      g_array_remove_index (self->open_moves, i);
}

static void
open_move (BenchTrafficModel *self, guint association_id, DimseTrafficEvent *event)
{
  BenchTrafficAssociation *assoc = g_hash_table_lookup (self->by_id,
                                                        GUINT_TO_POINTER (association_id));
  OpenMove move = { association_id, NULL, dimse_traffic_event_get_message_id (event) };

  if (assoc == NULL)
    return;
  /* a Message ID used again on the same association takes over */
  for (guint i = self->open_moves->len; i-- > 0;)
    {
      OpenMove *open = &g_array_index (self->open_moves, OpenMove, i);

      if (open->association_id == association_id && open->message_id == move.message_id)
        g_array_remove_index (self->open_moves, i);
    }
  if (self->open_moves->len >= MAX_OPEN_MOVES)
    g_array_remove_index (self->open_moves, 0);
  move.calling_ae_title = g_strdup (bench_traffic_association_get_calling_ae_title (assoc));
  g_array_append_val (self->open_moves, move);
}

/* Credits every open C-MOVE-RQ the C-STORE-RQ names: both sides of a move
 * when the application was both (its request and the archive's), on the
 * side the C-STORE-RQ went (it may be recorded sent and received too). */
static void
link_store (BenchTrafficModel *self, BenchTrafficItem *item, GHashTable **credits)
{
  DimseTrafficEvent *event = bench_traffic_item_get_event (item);
  GHashTable *side = credits[bench_traffic_item_get_direction (item)
                             == DIMSE_TRAFFIC_DIRECTION_RECEIVED ? 1 : 0];
  const char *originator = NULL;
  guint16 originator_id = 0;

  if (!dimse_traffic_event_get_move_originator (event, &originator, &originator_id))
    return;
  for (guint i = 0; i < self->open_moves->len; i++)
    {
      OpenMove *open = &g_array_index (self->open_moves, OpenMove, i);
      gpointer key = GUINT_TO_POINTER (open->association_id);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (side, key));

      if (open->message_id == originator_id && g_strcmp0 (open->calling_ae_title, originator) == 0)
        g_hash_table_insert (side, key, GUINT_TO_POINTER (n + 1));
    }
}

/* After the items are in their associations (whose AE titles are known
 * then), in the order they were recorded. */
static void
link_sub_operations (BenchTrafficModel *self, GPtrArray *added, guint first, guint n)
{
  /* id → count of the C-STORE-RQs sent, received */
  g_autoptr(GHashTable) sent = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) received = g_hash_table_new (NULL, NULL);
  GHashTable *credits[2] = { sent, received };

  for (guint i = first; i < first + n; i++)
    {
      BenchTrafficItem *item = added->pdata[i];
      DimseTrafficEvent *event = bench_traffic_item_get_event (item);
      guint id = bench_traffic_item_get_association_id (item);
      const char *summary = bench_traffic_item_get_summary (item);

      if (event == NULL || dimse_traffic_event_get_malformed (event))
        continue;
      if (bench_traffic_item_get_kind (item) == DIMSE_TRAFFIC_KIND_NOTE
          && (summary == NULL || strstr (summary, " connected: ") == NULL))
        forget_moves_of (self, id);
      else if (bench_traffic_item_get_kind (item) != DIMSE_TRAFFIC_KIND_MESSAGE)
        continue;
      else if (dimse_traffic_event_get_command_field (event) == DIMSE_C_MOVE_RQ)
        open_move (self, id, event);
      else if (dimse_traffic_event_get_command_field (event) == DIMSE_C_STORE_RQ)
        link_store (self, item, credits);
    }
  for (guint side = 0; side < 2; side++)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, credits[side]);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          BenchTrafficAssociation *assoc = g_hash_table_lookup (self->by_id, key);

          if (assoc != NULL)
            bench_traffic_association_add_linked_sub_operations (
              assoc, side == 1 ? DIMSE_TRAFFIC_DIRECTION_RECEIVED : DIMSE_TRAFFIC_DIRECTION_SENT,
              GPOINTER_TO_UINT (value));
        }
    }
}

/* Groups the batch's items by association, keeping their order. */
static void
append_items (BenchTrafficModel *self, GPtrArray *added, guint first, guint n)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (NULL, NULL, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = first; i < first + n; i++)
    {
      BenchTrafficItem *item = added->pdata[i];
      guint id = bench_traffic_item_get_association_id (item);
      GPtrArray *group = g_hash_table_lookup (groups, GUINT_TO_POINTER (id));
      GBytes *raw = bench_traffic_item_get_raw_bytes (item);

      g_queue_push_tail (&self->events, g_object_ref (item));
      if (raw != NULL)
        {
          g_queue_push_tail (&self->with_raw, item);
          self->raw_bytes_held += g_bytes_get_size (raw);
        }
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (groups, GUINT_TO_POINTER (id), group);
          g_ptr_array_add (order, GUINT_TO_POINTER (id));
        }
      g_ptr_array_add (group, item);
    }
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *group = g_hash_table_lookup (groups, order->pdata[i]);
      BenchTrafficAssociation *assoc = ensure_association (self, GPOINTER_TO_UINT (order->pdata[i]));

      bench_traffic_association_add_items (assoc, (BenchTrafficItem **) group->pdata, group->len);
    }
  link_sub_operations (self, added, first, n);
}

/* DICOMweb requests are not among the recorder's events: each goes to its
 * operation, the oldest operations leaving over MAX_WEB_OPERATIONS. */
static void
append_web_items (BenchTrafficModel *self, GPtrArray *web_added)
{
  for (guint i = 0; i < web_added->len; i++)
    {
      BenchTrafficItem *item = web_added->pdata[i];
      guint id = bench_traffic_item_get_association_id (item);
      gboolean known = g_hash_table_contains (self->by_id, GUINT_TO_POINTER (id));
      BenchTrafficAssociation *assoc = ensure_association (self, id);

      if (!known)
        g_queue_push_tail (&self->web_operations, assoc);
      bench_traffic_association_add_items (assoc, &item, 1);
    }
  while (self->web_operations.length > MAX_WEB_OPERATIONS)
    remove_association (self, g_queue_pop_head (&self->web_operations));
}

static void
apply_annotations (BenchTrafficModel *self, GArray *annotations)
{
  for (guint i = 0; i < annotations->len; i++)
    {
      Annotation *annotation = &g_array_index (annotations, Annotation, i);
      BenchTrafficAssociation *assoc = g_hash_table_lookup (self->by_id,
                                                            GUINT_TO_POINTER (annotation->id));

      if (assoc == NULL)
        continue;
      if (annotation->request_failed)
        bench_traffic_association_set_unconnected (assoc, annotation->timestamp);
      else
        bench_traffic_association_set_peer (assoc, annotation->name, annotation->address);
    }
}

/* Applies up to EVENTS_PER_SLICE events of the batches received, in order. */
static gboolean
apply_slice (gpointer data)
{
  BenchTrafficModel *self = data;
  guint budget = EVENTS_PER_SLICE;
  Batch *batch;

  while (budget > 0 && (batch = g_queue_peek_head (&self->batches)) != NULL)
    {
      guint n = MIN (budget, batch->added->len - batch->n_applied);

      if (!batch->removed_applied)
        {
          self->max_raw_bytes = batch->max_raw_bytes;
          remove_oldest (self, batch->n_removed);
          batch->removed_applied = TRUE;
        }
      append_items (self, batch->added, batch->n_applied, n);
      batch->n_applied += n;
      budget -= n;
      if (batch->n_applied < batch->added->len)
        break;
      append_web_items (self, batch->web_added);
      apply_annotations (self, batch->annotations);
      batch_free (g_queue_pop_head (&self->batches));
    }
  enforce_raw_budget (self);
  g_signal_emit (self, signals[SIGNAL_BATCH_APPLIED], 0);
  if (!g_queue_is_empty (&self->batches))
    return G_SOURCE_CONTINUE;
  self->apply_source = 0;
  return G_SOURCE_REMOVE;
}

/* A batch from the worker: taken over (the posted one is left empty, and
 * freed with the model's reference it holds). */
static gboolean
receive_batch (gpointer data)
{
  Batch *posted = data;
  BenchTrafficModel *self = posted->model;
  Batch *batch = g_memdup2 (posted, sizeof *posted);

  /* The model owns its queue: no reference back. */
  batch->model = NULL;
  posted->added = NULL;
  posted->annotations = NULL;
  posted->web_added = NULL;
  g_queue_push_tail (&self->batches, batch);
  if (self->apply_source == 0)
    self->apply_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, apply_slice, self, NULL);
  return G_SOURCE_REMOVE;
}

/* ---- on the worker ---- */

static gboolean
flush (gpointer data)
{
  Feed *feed = data;
  Batch *batch = g_steal_pointer (&feed->pending);

  g_clear_pointer (&feed->flush_source, g_source_unref);
  if (batch != NULL)
    {
      batch->max_raw_bytes = dimse_recorder_get_max_raw_bytes (feed->recorder);
      feed->n_ui = feed->n_ui - batch->n_removed + batch->added->len;
      bench_engine_invoke_ui (receive_batch, batch, batch_free);
    }
  return G_SOURCE_REMOVE;
}

static Batch *
pending_batch (Feed *feed)
{
  if (feed->pending == NULL)
    feed->pending = batch_new (feed->model);
  if (feed->flush_source == NULL)
    {
      feed->flush_source = g_timeout_source_new (FLUSH_INTERVAL_MS);
      g_source_set_callback (feed->flush_source, flush, feed, NULL);
      g_source_set_static_name (feed->flush_source, "[dimsebench] traffic batch");
      g_source_attach (feed->flush_source, g_main_context_get_thread_default ());
    }
  return feed->pending;
}

/* n events left the front of the recorder: first those the UI holds, then
 * those still waiting in the batch. */
static void
feed_remove_front (Feed *feed, guint n)
{
  Batch *batch = pending_batch (feed);
  guint from_ui = MIN (n, feed->n_ui - batch->n_removed);

  batch->n_removed += from_ui;
  n -= from_ui;
  g_ptr_array_remove_range (batch->added, 0, MIN (n, batch->added->len));
}

static void
feed_append (Feed *feed, guint position, guint n)
{
  Batch *batch = pending_batch (feed);

  for (guint i = position; i < position + n; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (feed->recorder), i);

      g_ptr_array_add (batch->added, bench_traffic_item_new (event));
    }
}

static void
on_recorder_changed (GListModel *recorder, guint position, guint removed, guint added,
                     gpointer user_data)
{
  Feed *feed = user_data;
  guint n_items = g_list_model_get_n_items (recorder);

  /* The recorder only drops its oldest events and appends; anything else
   * is mirrored as everything removed and added again. */
  if (position == 0 && added == 0)
    feed_remove_front (feed, removed);
  else if (removed == 0 && position + added == n_items)
    feed_append (feed, position, added);
  else
    {
      Batch *batch = pending_batch (feed);

      feed_remove_front (feed, feed->n_ui - batch->n_removed + batch->added->len);
      feed_append (feed, 0, n_items);
    }
}

void
bench_traffic_model_attach (BenchTrafficModel *self, DimseRecorder *recorder)
{
  Feed *feed;
  guint n;

  g_return_if_fail (self->feed == NULL);
  feed = g_new0 (Feed, 1);
  feed->model = self;
  feed->recorder = g_object_ref (recorder);
  self->feed = feed;
  g_signal_connect (recorder, "items-changed", G_CALLBACK (on_recorder_changed), feed);
  n = g_list_model_get_n_items (G_LIST_MODEL (recorder));
  if (n > 0)
    feed_append (feed, 0, n);
}

void
bench_traffic_model_detach (BenchTrafficModel *self)
{
  Feed *feed = g_steal_pointer (&self->feed);

  if (feed == NULL)
    return;
  g_signal_handlers_disconnect_by_data (feed->recorder, feed);
  if (feed->flush_source != NULL)
    g_source_destroy (feed->flush_source);
  g_clear_pointer (&feed->flush_source, g_source_unref);
  g_clear_pointer (&feed->pending, batch_free);
  g_object_unref (feed->recorder);
  g_free (feed);
}

void
bench_traffic_model_annotate (BenchTrafficModel *self, guint association_id, const char *name,
                              const char *host, guint16 port)
{
  Annotation annotation = { association_id, g_strdup (name), NULL, FALSE, 0 };

  if (self->feed == NULL)
    {
      annotation_clear (&annotation);
      return;
    }
  if (host != NULL)
    annotation.address = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                                    : g_strdup_printf ("%s:%u", host, port);
  g_array_append_val (pending_batch (self->feed)->annotations, annotation);
}

void
bench_traffic_model_request_failed (BenchTrafficModel *self, guint association_id)
{
  Annotation annotation = { association_id, NULL, NULL, TRUE, g_get_real_time () };

  if (self->feed != NULL)
    g_array_append_val (pending_batch (self->feed)->annotations, annotation);
}

guint
bench_traffic_model_new_web_operation (BenchTrafficModel *self)
{
  return FIRST_WEB_OPERATION_ID + (guint) g_atomic_int_add (&self->next_web_id, 1);
}

void
bench_traffic_model_record_web (BenchTrafficModel *self, guint operation_id,
                                const char *name, const char *base_url,
                                DimseWebExchange *exchange)
{
  Annotation annotation = { operation_id, g_strdup (name), NULL, FALSE, 0 };
  Batch *batch;

  if (self->feed == NULL)
    {
      annotation_clear (&annotation);
      return;
    }
  batch = pending_batch (self->feed);
  g_ptr_array_add (batch->web_added,
                   bench_traffic_item_new_web (operation_id, g_get_real_time (), exchange));
  if (base_url != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);

      annotation.address = uri != NULL
                           ? g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO)
                           : g_strdup (base_url);
    }
  g_array_append_val (batch->annotations, annotation);
}

void
bench_traffic_model_clear_web (BenchTrafficModel *self)
{
  BenchTrafficAssociation *assoc;

  while ((assoc = g_queue_pop_head (&self->web_operations)) != NULL)
    remove_association (self, assoc);
  g_signal_emit (self, signals[SIGNAL_BATCH_APPLIED], 0);
}

/* ---- the object (UI thread) ---- */

GListModel *
bench_traffic_model_get_associations (BenchTrafficModel *self)
{
  return G_LIST_MODEL (self->associations);
}

BenchTrafficAssociation *
bench_traffic_model_find (BenchTrafficModel *self, guint association_id)
{
  return g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (association_id));
}

guint
bench_traffic_model_get_n_events (BenchTrafficModel *self)
{
  return self->events.length;
}

guint64
bench_traffic_model_get_raw_bytes_held (BenchTrafficModel *self)
{
  return self->raw_bytes_held;
}

static void
bench_traffic_model_finalize (GObject *object)
{
  BenchTrafficModel *self = BENCH_TRAFFIC_MODEL (object);

  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_queue_clear_full (&self->batches, batch_free);
  g_queue_clear (&self->with_raw);
  g_queue_clear (&self->web_operations);
  g_queue_clear_full (&self->events, g_object_unref);
  g_hash_table_unref (self->by_id);
  g_array_unref (self->open_moves);
  g_clear_object (&self->associations);
  G_OBJECT_CLASS (bench_traffic_model_parent_class)->finalize (object);
}

static void
bench_traffic_model_class_init (BenchTrafficModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_traffic_model_finalize;
  signals[SIGNAL_BATCH_APPLIED] =
    g_signal_new ("batch-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
bench_traffic_model_init (BenchTrafficModel *self)
{
  self->associations = g_list_store_new (BENCH_TYPE_TRAFFIC_ASSOCIATION);
  self->by_id = g_hash_table_new (NULL, NULL);
  self->max_raw_bytes = DIMSE_RECORDER_DEFAULT_MAX_RAW_BYTES;
  g_queue_init (&self->events);
  g_queue_init (&self->with_raw);
  g_queue_init (&self->batches);
  g_queue_init (&self->web_operations);
  self->open_moves = g_array_new (FALSE, FALSE, sizeof (OpenMove));
  g_array_set_clear_func (self->open_moves, open_move_clear);
}

BenchTrafficModel *
bench_traffic_model_new (void)
{
  return g_object_new (BENCH_TYPE_TRAFFIC_MODEL, NULL);
}
