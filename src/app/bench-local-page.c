/* bench-local-page.c — what the local Storage SCP received: the storage
 * folder read once in a thread, then each instance the engine reports,
 * grouped by patient, study and series; open the folder, send on */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-local-entry.h"
#include "bench-local-page.h"
#include "bench-send-op.h"

#define BATCH_INTERVAL_MS 100

/* Between the reading thread and the page (atomic reference counted):
 * `pending` under `lock`; `page` is touched on the UI thread only. */
typedef struct {
  GMutex          lock;
  GPtrArray      *pending;          /* BenchLocalRecord */
  gboolean        flush_scheduled;
  BenchLocalPage *page;             /* weak: cleared by the page's dispose */
} Reader;

typedef struct {
  Reader *reader;                   /* a reference: outlives the page if need be */
  char *path;                       /* a file, or the folder to read whole */
  char *calling_ae_title;
  gboolean is_folder;
} ReadRequest;

struct _BenchLocalPage {
  GtkWidget        parent_instance;

  BenchEngine     *engine;
  GListModel      *nodes;
  Reader          *reader;
  GThreadPool     *pool;            /* one thread: reads files in order */
  GListStore      *patients;
  GHashTable      *entries;         /* patient key, study UID, series UID → entry */
  GtkTreeListModel *tree;
  GtkMultiSelection *selection;
  GCancellable    *send_cancellable;

  GtkLabel        *folder_label;
  GtkMenuButton   *send_button;
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  GtkColumnView   *column_view;
  GtkLabel        *summary_label;
  GtkWidget       *send_box;
  GtkLabel        *send_label;
  GtkProgressBar  *send_progress;
};

G_DEFINE_FINAL_TYPE (BenchLocalPage, bench_local_page, GTK_TYPE_WIDGET)

/* ---- reading, in the pool's thread ---- */

static void
reader_clear (gpointer data)
{
  Reader *reader = data;

  g_mutex_clear (&reader->lock);
  g_ptr_array_unref (reader->pending);
}

static void flush_records (Reader *reader);

static gboolean
on_flush (gpointer data)
{
  flush_records (data);
  return G_SOURCE_REMOVE;
}

static void
reader_unref (gpointer reader)
{
  g_atomic_rc_box_release_full (reader, reader_clear);
}

static void
post_record (Reader *reader, BenchLocalRecord *record)
{
  gboolean schedule;

  g_mutex_lock (&reader->lock);
  g_ptr_array_add (reader->pending, record);
  schedule = !reader->flush_scheduled;
  reader->flush_scheduled = TRUE;
  g_mutex_unlock (&reader->lock);
  if (schedule)
    {
      g_autoptr(GSource) source = g_timeout_source_new (BATCH_INTERVAL_MS);

      g_source_set_callback (source, on_flush, g_atomic_rc_box_acquire (reader), reader_unref);
      g_source_attach (source, g_main_context_default ());
    }
}

static void
read_one (Reader *reader, const char *path, const char *calling_ae_title)
{
  g_autoptr(GError) error = NULL;
  BenchLocalRecord *record = bench_local_record_read (path, calling_ae_title, &error);

  if (record == NULL)
    {
      g_debug ("Not listed: %s: %s", path, error->message);
      return;
    }
  post_record (reader, record);
}

static void
read_folder (Reader *reader, const char *folder, guint depth)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      /* The Storage SCP's temporary files start with a dot. */
      if (name[0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (depth < 4)
            read_folder (reader, path, depth + 1);
        }
      else
        read_one (reader, path, NULL);
    }
}

static void
read_request_free (ReadRequest *request)
{
  reader_unref (request->reader);
  g_free (request->path);
  g_free (request->calling_ae_title);
  g_free (request);
}

static void
pool_read (gpointer data, gpointer user_data)
{
  ReadRequest *request = data;

  (void) user_data;
  if (request->is_folder)
    read_folder (request->reader, request->path, 0);
  else
    read_one (request->reader, request->path, request->calling_ae_title);
  read_request_free (request);
}

static void
queue_read (BenchLocalPage *self, const char *path, const char *calling_ae_title,
            gboolean is_folder)
{
  ReadRequest *request = g_new0 (ReadRequest, 1);

  request->reader = g_atomic_rc_box_acquire (self->reader);
  request->path = g_strdup (path);
  request->calling_ae_title = g_strdup (calling_ae_title);
  request->is_folder = is_folder;
  g_thread_pool_push (self->pool, request, NULL);
}

/* ---- the tree, on the UI thread ---- */

static BenchLocalEntry *
find_or_add (BenchLocalPage *self, GListStore *store, BenchLocalLevel level, const char *key,
             const char *title)
{
  BenchLocalEntry *entry = g_hash_table_lookup (self->entries, key);

  if (entry != NULL)
    return entry;
  entry = bench_local_entry_new (level, title);
  g_hash_table_insert (self->entries, g_strdup (key), entry);
  g_list_store_append (store, entry);
  return entry;
}

static void
update_summary (BenchLocalPage *self)
{
  guint n_patients = g_list_model_get_n_items (G_LIST_MODEL (self->patients));
  guint n_instances = 0;
  guint64 size = 0;
  g_autofree char *size_text = NULL;
  g_autofree char *patients = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n_patients; i++)
    {
      g_autoptr(BenchLocalEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->patients), i);

      n_instances += bench_local_entry_get_n_instances (entry);
      size += bench_local_entry_get_size (entry);
    }
  size_text = g_format_size (size);
  patients = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u patient", "%u patients",
                                          n_patients), n_patients);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u instance · %s",
                                       "%s · %u instances · %s", n_instances),
                          patients, n_instances, size_text);
  gtk_label_set_text (self->summary_label, text);
  gtk_stack_set_visible_child_name (self->stack, n_patients > 0 ? "list" : "empty");
}

static void
add_record (BenchLocalPage *self, const BenchLocalRecord *record)
{
  BenchLocalEntry *patient = find_or_add (self, self->patients, BENCH_LOCAL_PATIENT,
                                          record->patient_key, record->patient_title);
  BenchLocalEntry *study = find_or_add (self, bench_local_entry_get_children (patient),
                                        BENCH_LOCAL_STUDY, record->study_uid,
                                        record->study_title);
  BenchLocalEntry *series = find_or_add (self, bench_local_entry_get_children (study),
                                         BENCH_LOCAL_SERIES, record->series_uid,
                                         record->series_title);

  bench_local_entry_add (series, record);
  bench_local_entry_add (study, record);
  bench_local_entry_add (patient, record);
}

static void
flush_records (Reader *reader)
{
  g_autoptr(GPtrArray) batch = NULL;

  g_mutex_lock (&reader->lock);
  batch = g_steal_pointer (&reader->pending);
  reader->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_local_record_free);
  reader->flush_scheduled = FALSE;
  g_mutex_unlock (&reader->lock);
  if (reader->page == NULL)
    return;
  for (guint i = 0; i < batch->len; i++)
    add_record (reader->page, batch->pdata[i]);
  update_summary (reader->page);
}

static void
rescan (BenchLocalPage *self)
{
  const char *folder = bench_engine_get_storage_folder (self->engine);
  g_autofree char *description = NULL;

  g_hash_table_remove_all (self->entries);
  g_list_store_remove_all (self->patients);
  gtk_label_set_text (self->folder_label, folder != NULL ? folder : "");
  description = g_strdup_printf (_("Instances that nodes send to %s on port %u — by C-MOVE to "
                                   "it or C-STORE — appear here. Drop DICOM files on this page "
                                   "to send them to a node."),
                                 bench_engine_get_local_ae_title (self->engine),
                                 bench_engine_get_local_port (self->engine));
  adw_status_page_set_description (self->empty_page, description);
  update_summary (self);
  if (folder != NULL)
    queue_read (self, folder, NULL, TRUE);
}

static void
on_instance_received (BenchEngine *engine, const char *path, const char *calling_ae_title,
                      gpointer user_data)
{
  (void) engine;
  queue_read (user_data, path, calling_ae_title, FALSE);
}

/* ---- the columns ---- */

typedef struct {
  const char *title;
  const char *property;
  int         width;
} LocalColumn;

static const LocalColumn local_columns[] = {
  { N_("Patient, Study, Series"), "title", 360 },
  { N_("Instances"), "instances", 90 },
  { N_("Size"), "size", 90 },
  { N_("Last Received"), "received", 150 },
  { N_("From"), "from", 140 },
};

static GListModel *
create_children (gpointer item, gpointer user_data)
{
  GListStore *children = bench_local_entry_get_children (item);

  (void) user_data;
  return children != NULL ? g_object_ref (G_LIST_MODEL (children)) : NULL;
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  (void) factory;
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == 0)
    {
      GtkWidget *expander = gtk_tree_expander_new ();

      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
      gtk_list_item_set_child (list_item, expander);
    }
  else
    {
      gtk_widget_add_css_class (label, "numeric");
      gtk_list_item_set_child (list_item, label);
    }
  g_object_set_data (G_OBJECT (list_item), "label", label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(GObject) entry = gtk_tree_list_row_get_item (row);
  GtkWidget *label = g_object_get_data (G_OBJECT (list_item), "label");
  GBinding *binding;

  (void) factory;
  if (column == 0)
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)), row);
  binding = g_object_bind_property (entry, local_columns[column].property, label, "label",
                                    G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (list_item), "binding", binding);
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GBinding *binding = g_object_get_data (G_OBJECT (list_item), "binding");

  (void) factory;
  if (binding != NULL)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (list_item), "binding", NULL);
  if (GPOINTER_TO_UINT (user_data) == 0)
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)),
                                    NULL);
}

static void
setup_columns (BenchLocalPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (local_columns); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(local_columns[i].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, local_columns[i].width);
      gtk_column_view_column_set_expand (column, i == 0);
      gtk_column_view_append_column (self->column_view, column);
    }
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->patients)), FALSE,
                                        FALSE, create_children, NULL, NULL);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->tree)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
}

/* ---- open the folder, send on ---- */

static void
on_launched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BenchLocalPage) self = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open the folder: %s"),
                                               error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
    }
}

static void
open_folder (BenchLocalPage *self)
{
  const char *folder = bench_engine_get_storage_folder (self->engine);
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  g_autoptr(GAppLaunchContext) context =
    G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (display));

  if (folder == NULL)
    return;
  file = g_file_new_for_path (folder);
  uri = g_file_get_uri (file);
  g_app_info_launch_default_for_uri_async (uri, context, NULL, on_launched, g_object_ref (self));
}

static GPtrArray *
selected_records (BenchLocalPage *self)
{
  g_autoptr(GtkBitset) selected =
    gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *records = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
      g_autoptr(BenchLocalEntry) entry = gtk_tree_list_row_get_item (row);

      bench_local_entry_collect (entry, all);
    }
  /* A study and one of its series both selected: each file once. */
  for (guint i = 0; i < all->len; i++)
    {
      BenchLocalRecord *record = all->pdata[i];

      if (g_hash_table_add (seen, record->path))
        g_ptr_array_add (records, record);
    }
  return records;
}

static void
on_send_progress (BenchSendOp *op, guint n_sent, guint n_failed, guint n_total, gpointer user_data)
{
  BenchLocalPage *self = user_data;
  g_autofree char *text = g_strdup_printf (_("Sent %u of %u"), n_sent + n_failed, n_total);

  (void) op;
  gtk_label_set_text (self->send_label, text);
  gtk_progress_bar_set_fraction (self->send_progress,
                                 n_total > 0 ? (double) (n_sent + n_failed) / n_total : 0);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BenchLocalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_failure = NULL;
  g_autofree char *text = NULL;
  guint n_failed = 0;
  BenchSendOp *op = BENCH_SEND_OP (source);
  guint n_files = bench_send_op_get_n_files (op);

  gtk_widget_set_visible (self->send_box, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), TRUE);
  if (!bench_send_op_run_finish (op, result, &n_failed, &first_failure,
                                 &error))
    text = g_strdup_printf (_("Sending failed: %s"), error->message);
  else if (n_failed > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance was not stored: %s",
                                         "%u instances were not stored: %s", n_failed),
                            n_failed, first_failure);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance sent to %s",
                                         "%u instances sent to %s", n_files),
                            n_files, bench_send_op_get_node_name (op));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
send_records (BenchLocalPage *self, BenchNode *node, GPtrArray *records)
{
  g_autoptr(BenchSendOp) op = bench_send_op_new (self->engine, node, records);

  g_signal_connect_object (op, "progress", G_CALLBACK (on_send_progress), self, 0);
  on_send_progress (op, 0, 0, records->len, self);
  gtk_widget_set_visible (self->send_box, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), FALSE);
  g_clear_object (&self->send_cancellable);
  self->send_cancellable = g_cancellable_new ();
  bench_send_op_run_async (op, self->send_cancellable, on_sent, g_object_ref (self));
}

static void
send_to (BenchLocalPage *self, const char *node_id)
{
  g_autoptr(GPtrArray) records = selected_records (self);
  BenchNode *node = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (self->nodes) && node == NULL; i++)
    {
      g_autoptr(BenchNode) candidate = g_list_model_get_item (self->nodes, i);

      if (g_strcmp0 (bench_node_get_id (candidate), node_id) == 0)
        node = candidate;
    }
  if (node == NULL || records->len == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Select what to send first")));
      return;
    }
  send_records (self, node, records);
}

/* ---- files dropped from the file manager, sent to a node ---- */

static void
collect_dropped (const char *path, GPtrArray *records, guint depth)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = depth < 4 ? g_dir_open (path, 0, NULL) : NULL;
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (name[0] != '.')
            collect_dropped (child, records, depth + 1);
        }
      return;
    }
  {
    BenchLocalRecord *record = bench_local_record_read (path, NULL, NULL);

    if (record != NULL)
      g_ptr_array_add (records, record);
  }
}

/* In a thread of GIO's pool: which of the dropped files are DICOM. */
static void
read_dropped (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  char **paths = task_data;
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_local_record_free);

  (void) source;
  (void) cancellable;
  for (guint i = 0; paths[i] != NULL; i++)
    collect_dropped (paths[i], records, 0);
  g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_dropped_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BenchLocalPage *self = BENCH_LOCAL_PAGE (source);
  g_autoptr(BenchNode) node = user_data;
  g_autoptr(GPtrArray) records = g_task_propagate_pointer (G_TASK (result), NULL);

  if (records == NULL || records->len == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("None of the dropped files is DICOM")));
      return;
    }
  send_records (self, node, records);
}

static void
on_drop_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  BenchLocalPage *self = user_data;
  GtkDropDown *nodes = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  BenchNode *node = gtk_drop_down_get_selected_item (nodes);
  char **paths = g_object_get_data (G_OBJECT (dialog), "paths");
  g_autoptr(GTask) task = NULL;

  if (g_strcmp0 (response, "send") != 0 || node == NULL)
    return;
  task = g_task_new (self, NULL, on_dropped_read, g_object_ref (node));
  g_task_set_task_data (task, g_strdupv (paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, read_dropped);
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  BenchLocalPage *self = user_data;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GtkWidget *dialog;
  GtkWidget *nodes;
  guint n = 0;
  g_auto(GStrv) paths = NULL;

  (void) target;
  (void) x;
  (void) y;
  for (GSList *l = gdk_file_list_get_files (g_value_get_boxed (value)); l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path != NULL)
        {
          g_strv_builder_add (builder, path);
          n++;
        }
    }
  if (n == 0 || g_list_model_get_n_items (self->nodes) == 0)
    return FALSE;
  paths = g_strv_builder_end (builder);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL,
                                   NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog),
                                     g_dngettext (GETTEXT_PACKAGE, "Send %u Dropped Item?",
                                                  "Send %u Dropped Items?", n), n);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("The DICOM files among them are sent by C-STORE to this node:"));
  nodes = gtk_drop_down_new (g_object_ref (self->nodes),
                             gtk_property_expression_new (BENCH_TYPE_NODE, NULL, "name"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), nodes);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "send", _("_Send"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "send");
  g_object_set_data_full (G_OBJECT (dialog), "paths", g_steal_pointer (&paths),
                          (GDestroyNotify) g_strfreev);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_drop_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
rebuild_send_menu (BenchLocalPage *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; i < g_list_model_get_n_items (self->nodes); i++)
    {
      g_autoptr(BenchNode) node = g_list_model_get_item (self->nodes, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (bench_node_get_name (node), NULL);

      g_menu_item_set_action_and_target (item, "local.send-to", "s", bench_node_get_id (node));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->send_button, G_MENU_MODEL (menu));
}

static void
activate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchLocalPage *self = BENCH_LOCAL_PAGE (widget);

  if (g_str_equal (action_name, "local.open-folder"))
    open_folder (self);
  else if (g_str_equal (action_name, "local.rescan"))
    rescan (self);
  else if (g_str_equal (action_name, "local.send-to"))
    send_to (self, g_variant_get_string (parameter, NULL));
}

/* ---- the widget ---- */

static void
bench_local_page_dispose (GObject *object)
{
  BenchLocalPage *self = BENCH_LOCAL_PAGE (object);
  GtkWidget *child;

  if (self->send_cancellable != NULL)
    g_cancellable_cancel (self->send_cancellable);
  g_clear_object (&self->send_cancellable);
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, FALSE);
  if (self->reader != NULL)
    {
      self->reader->page = NULL;
      g_clear_pointer (&self->reader, reader_unref);
    }
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  if (self->nodes != NULL)
    g_signal_handlers_disconnect_by_data (self->nodes, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_LOCAL_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->patients);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->nodes);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (bench_local_page_parent_class)->dispose (object);
}

static void
bench_local_page_class_init (BenchLocalPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_local_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-local-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, folder_label);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, send_box);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, send_label);
  gtk_widget_class_bind_template_child (widget_class, BenchLocalPage, send_progress);
  gtk_widget_class_install_action (widget_class, "local.open-folder", NULL, activate_action);
  gtk_widget_class_install_action (widget_class, "local.rescan", NULL, activate_action);
  gtk_widget_class_install_action (widget_class, "local.send-to", "s", activate_action);
}

static void
bench_local_page_init (BenchLocalPage *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->patients = g_list_store_new (BENCH_TYPE_LOCAL_ENTRY);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->reader = g_atomic_rc_box_new0 (Reader);
  g_mutex_init (&self->reader->lock);
  self->reader->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_local_record_free);
  self->reader->page = self;
  setup_columns (self);
  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

GtkWidget *
bench_local_page_new (BenchEngine *engine, GListModel *nodes)
{
  BenchLocalPage *self = g_object_new (BENCH_TYPE_LOCAL_PAGE, NULL);

  self->engine = g_object_ref (engine);
  self->nodes = g_object_ref (nodes);
  self->pool = g_thread_pool_new_full (pool_read, NULL, (GDestroyNotify) read_request_free, 1,
                                       FALSE, NULL);
  g_signal_connect (engine, "instance-received", G_CALLBACK (on_instance_received), self);
  g_signal_connect_swapped (engine, "notify::storage-folder", G_CALLBACK (rescan), self);
  g_signal_connect_swapped (nodes, "items-changed", G_CALLBACK (rebuild_send_menu), self);
  rebuild_send_menu (self);
  rescan (self);
  return GTK_WIDGET (self);
}
