/* bench-node-store.c — the configured nodes and their JSON file */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "bench-node-store.h"

#define FORMAT_VERSION 1

struct _BenchNodeStore
{
  GObject parent_instance;

  GFile *file;
  GListStore *nodes;           /* the demo node first when there is one */
  BenchNode *demo_node;
  guint save_source;
  gboolean saving;       /* a save runs in a thread */
  gboolean save_again;   /* and the list changed since it began */
  guint64 generation;    /* of the last list serialized */
  GMutex write_lock;     /* held while writing; guards written */
  guint64 written;       /* generation of the list on disk */
};

static void bench_node_store_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchNodeStore, bench_node_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      bench_node_store_list_model_init))

enum {
  SIGNAL_SAVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
get_item_type (GListModel *model)
{
  return BENCH_TYPE_NODE;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (BENCH_NODE_STORE (model)->nodes));
}

static gpointer
get_item (GListModel *model, guint position)
{
  return g_list_model_get_item (G_LIST_MODEL (BENCH_NODE_STORE (model)->nodes), position);
}

static void
bench_node_store_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- JSON ---- */

char *
bench_node_store_serialize (GListModel *nodes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = g_list_model_get_n_items (nodes);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BenchNode) node = g_list_model_get_item (nodes, i);

      if (!bench_node_get_is_demo (node))
        json_builder_add_value (builder, bench_node_to_json (node));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

GPtrArray *
bench_node_store_parse (const char *text, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *root;
  JsonArray *array = NULL;

  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    array = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *member = json_object_get_member (object, "nodes");

      if (json_object_get_int_member_with_default (object, "version", 1) > FORMAT_VERSION)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("The node list was written by a newer version of Dimsebench."));
          return NULL;
        }
      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        array = json_node_get_array (member);
    }
  if (array == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The file holds no list of nodes."));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      BenchNode *node = bench_node_new_from_json (json_array_get_element (array, i), error);

      if (node == NULL)
        return NULL;
      g_ptr_array_add (nodes, node);
    }
  return g_steal_pointer (&nodes);
}

/* ---- saving ----
 * g_file_set_contents_full writes a temporary file, syncs it and renames
 * it over the old one: a crash leaves the old list or the new one. It runs
 * in a thread; one save at a time, so an older list never lands last. */

static void
ensure_parent (GFile *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;

  /* The save that follows reports what matters if this fails. */
  if (!g_file_make_directory_with_parents (parent, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_debug ("%s", error->message);
}

typedef struct {
  char *text;
  guint64 generation;
} Snapshot;

static void
snapshot_free (gpointer data)
{
  Snapshot *snapshot = data;

  g_free (snapshot->text);
  g_free (snapshot);
}

static Snapshot *
snapshot_new (BenchNodeStore *store)
{
  Snapshot *snapshot = g_new0 (Snapshot, 1);

  snapshot->text = bench_node_store_serialize (G_LIST_MODEL (store->nodes));
  snapshot->generation = ++store->generation;
  return snapshot;
}

/* Any thread. A list older than the one on disk is not written. */
static gboolean
write_snapshot (BenchNodeStore *store, const Snapshot *snapshot, GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->write_lock);
  g_autofree char *path = g_file_get_path (store->file);

  if (snapshot->generation <= store->written)
    return TRUE;
  ensure_parent (store->file);
  if (!g_file_set_contents_full (path, snapshot->text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 error))
    return FALSE;
  store->written = snapshot->generation;
  return TRUE;
}

static void
save_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (!write_snapshot (BENCH_NODE_STORE (source), task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void schedule_save (BenchNodeStore *store);

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BenchNodeStore *store = BENCH_NODE_STORE (source);
  g_autoptr(GError) error = NULL;

  store->saving = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *path = g_file_get_parse_name (store->file);
      g_autofree char *message = g_strdup_printf (_("The nodes could not be saved to %s: %s"),
                                                  path, error->message);

      g_warning ("%s", message);
      g_signal_emit (store, signals[SIGNAL_SAVE_FAILED], 0, message);
    }
  if (store->save_again)
    {
      store->save_again = FALSE;
      schedule_save (store);
    }
}

static gboolean
save_now (gpointer data)
{
  BenchNodeStore *store = data;
  g_autoptr(GTask) task = NULL;

  store->save_source = 0;
  if (store->saving)
    {
      store->save_again = TRUE;
      return G_SOURCE_REMOVE;
    }
  store->saving = TRUE;
  task = g_task_new (store, NULL, on_saved, NULL);
  g_task_set_source_tag (task, save_now);
  g_task_set_task_data (task, snapshot_new (store), snapshot_free);
  g_task_run_in_thread (task, save_in_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (BenchNodeStore *store)
{
  if (store->save_source == 0)
    store->save_source = g_timeout_add (300, save_now, store);
}

void
bench_node_store_flush (BenchNodeStore *store)
{
  g_autoptr(GError) error = NULL;
  Snapshot *snapshot;

  /* A save running in a thread may not have written yet: write a newer
   * list now, which that save will not overwrite. */
  if (store->save_source == 0 && !store->save_again && !store->saving)
    return;
  g_clear_handle_id (&store->save_source, g_source_remove);
  store->save_again = FALSE;
  snapshot = snapshot_new (store);
  if (!write_snapshot (store, snapshot, &error))
    g_warning ("The nodes could not be saved: %s", error->message);
  snapshot_free (snapshot);
}

static void
on_node_notify (BenchNode *node, GParamSpec *pspec, BenchNodeStore *store)
{
  schedule_save (store);
}

static void
watch (BenchNodeStore *store, BenchNode *node)
{
  g_signal_connect_object (node, "notify", G_CALLBACK (on_node_notify), store, 0);
}

/* ---- the list ---- */

static gboolean
find_position (BenchNodeStore *store, BenchNode *node, guint *position)
{
  return g_list_store_find (store->nodes, node, position);
}

guint
bench_node_store_get_n_configured (BenchNodeStore *store)
{
  return g_list_model_get_n_items (G_LIST_MODEL (store->nodes))
         - (store->demo_node != NULL ? 1 : 0);
}

void
bench_node_store_insert_after (BenchNodeStore *store, BenchNode *node, BenchNode *after)
{
  guint position;

  g_return_if_fail (BENCH_IS_NODE_STORE (store));
  if (after == NULL || !find_position (store, after, &position))
    position = g_list_model_get_n_items (G_LIST_MODEL (store->nodes)) - 1;
  g_list_store_insert (store->nodes, position + 1, node);
  watch (store, node);
  schedule_save (store);
}

void
bench_node_store_add (BenchNodeStore *store, BenchNode *node)
{
  g_return_if_fail (BENCH_IS_NODE_STORE (store));
  g_list_store_append (store->nodes, node);
  watch (store, node);
  schedule_save (store);
}

void
bench_node_store_remove (BenchNodeStore *store, BenchNode *node)
{
  guint position;

  g_return_if_fail (BENCH_IS_NODE_STORE (store));
  if (!find_position (store, node, &position))
    return;
  g_signal_handlers_disconnect_by_func (node, on_node_notify, store);
  if (node == store->demo_node)
    g_clear_object (&store->demo_node);
  g_list_store_remove (store->nodes, position);
  schedule_save (store);
}

BenchNode *
bench_node_store_find (BenchNodeStore *store, const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store->nodes));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BenchNode) node = g_list_model_get_item (G_LIST_MODEL (store->nodes), i);

      if (g_strcmp0 (bench_node_get_id (node), id) == 0)
        return node;
    }
  return NULL;
}

void
bench_node_store_set_demo_node (BenchNodeStore *store, BenchNode *node)
{
  guint position;

  if (store->demo_node == node)
    return;
  if (store->demo_node != NULL && find_position (store, store->demo_node, &position))
    g_list_store_remove (store->nodes, position);
  g_set_object (&store->demo_node, node);
  if (node != NULL)
    g_list_store_insert (store->nodes, 0, node);
}

/* ---- files ---- */

static GPtrArray *
read_nodes (GFile *file, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_load_contents (file, NULL, &text, &length, NULL, error))
    return NULL;
  return bench_node_store_parse (text, (gssize) length, error);
}

static void
prefix_error (GError **error, GFile *file)
{
  g_autofree char *path = g_file_get_parse_name (file);

  g_prefix_error (error, _("%s: "), path);
}

gboolean
bench_node_store_load (BenchNodeStore *store, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) nodes = read_nodes (store->file, &local_error);

  if (nodes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      prefix_error (error, store->file);
      return FALSE;
    }
  for (guint i = 0; i < nodes->len; i++)
    watch (store, nodes->pdata[i]);
  g_list_store_splice (store->nodes, g_list_model_get_n_items (G_LIST_MODEL (store->nodes)), 0,
                       nodes->pdata, nodes->len);
  return TRUE;
}

guint
bench_node_store_import (BenchNodeStore *store, GFile *file, GError **error)
{
  g_autoptr(GPtrArray) nodes = read_nodes (file, error);

  if (nodes == NULL)
    {
      prefix_error (error, file);
      return 0;
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      g_autoptr(BenchNode) node = g_object_ref (nodes->pdata[i]);

      if (bench_node_store_find (store, bench_node_get_id (node)) != NULL)
        {
          g_autoptr(BenchNode) copy = bench_node_copy (node);
          g_set_object (&node, copy);
        }
      bench_node_store_add (store, node);
    }
  return nodes->len;
}

gboolean
bench_node_store_export (BenchNodeStore *store, GFile *file, GError **error)
{
  g_autofree char *text = bench_node_store_serialize (G_LIST_MODEL (store->nodes));

  if (!g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error))
    {
      prefix_error (error, file);
      return FALSE;
    }
  return TRUE;
}

GFile *
bench_node_store_get_file (BenchNodeStore *store)
{
  return store->file;
}

/* ---- GObject ---- */

static void
on_items_changed (GListModel *list, guint position, guint removed, guint added,
                  BenchNodeStore *store)
{
  g_list_model_items_changed (G_LIST_MODEL (store), position, removed, added);
}

static void
bench_node_store_dispose (GObject *object)
{
  BenchNodeStore *self = BENCH_NODE_STORE (object);

  bench_node_store_flush (self);
  g_clear_object (&self->nodes);
  g_clear_object (&self->demo_node);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (bench_node_store_parent_class)->dispose (object);
}

static void
bench_node_store_finalize (GObject *object)
{
  g_mutex_clear (&BENCH_NODE_STORE (object)->write_lock);
  G_OBJECT_CLASS (bench_node_store_parent_class)->finalize (object);
}

static void
bench_node_store_class_init (BenchNodeStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_node_store_dispose;
  G_OBJECT_CLASS (klass)->finalize = bench_node_store_finalize;
  signals[SIGNAL_SAVE_FAILED] =
    g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
bench_node_store_init (BenchNodeStore *self)
{
  self->nodes = g_list_store_new (BENCH_TYPE_NODE);
  g_mutex_init (&self->write_lock);
  g_signal_connect (self->nodes, "items-changed", G_CALLBACK (on_items_changed), self);
}

BenchNodeStore *
bench_node_store_new (GFile *file)
{
  BenchNodeStore *store = g_object_new (BENCH_TYPE_NODE_STORE, NULL);

  if (file != NULL)
    store->file = g_object_ref (file);
  else
    store->file = g_file_new_build_filename (g_get_user_config_dir (), "dimsebench",
                                             "nodes.json", NULL);
  return store;
}
