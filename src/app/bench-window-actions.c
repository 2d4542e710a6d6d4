/* bench-window-actions.c — the window's actions: nodes (new, edit,
 * duplicate, delete, test, import, export), pages and search */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-node-editor.h"
#include "bench-node-test.h"
#include "bench-traffic-page.h"
#include "bench-window-private.h"

static BenchNode *
selected (BenchWindow *self)
{
  return bench_window_get_selected_node (self);
}

/* ---- new, edit, duplicate ---- */

static void
on_new_saved (BenchNodeEditor *editor, BenchNode *node, BenchWindow *self)
{
  bench_node_store_add (self->store, node);
  bench_window_select_node (self, node);
}

static void
new_node_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  GtkWidget *editor = bench_node_editor_new (GTK_WINDOW (self), NULL);

  g_signal_connect_object (editor, "saved", G_CALLBACK (on_new_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
on_edit_saved (BenchNodeEditor *editor, BenchNode *node, BenchWindow *self)
{
  bench_window_set_node_status (self, node, BENCH_NODE_STATUS_UNKNOWN);
}

static void
edit_node_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  BenchNode *node = selected (self);
  GtkWidget *editor;

  if (node == NULL || bench_node_get_is_demo (node))
    return;
  editor = bench_node_editor_new (GTK_WINDOW (self), node);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_edit_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
duplicate_node_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  BenchNode *node = selected (self);
  g_autoptr(BenchNode) copy = NULL;
  g_autofree char *name = NULL;

  if (node == NULL || bench_node_get_is_demo (node))
    return;
  copy = bench_node_copy (node);
  /* Translators: the name of a duplicated node */
  name = g_strdup_printf (_("%s (copy)"), bench_node_get_name (node));
  g_object_set (copy, "name", name, NULL);
  bench_node_store_insert_after (self->store, copy, node);
  bench_window_select_node (self, copy);
}

/* ---- delete, with undo ---- */

typedef struct {
  BenchWindow *window;
  BenchNode *node;
  BenchNode *after;
} Undo;

static void
undo_free (gpointer data, GClosure *closure)
{
  Undo *undo = data;

  g_clear_object (&undo->node);
  g_clear_object (&undo->after);
  g_free (undo);
}

static void
on_undo_delete (AdwToast *toast, Undo *undo)
{
  bench_node_store_insert_after (undo->window->store, undo->node, undo->after);
  bench_window_select_node (undo->window, undo->node);
}

static void
delete_node_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  BenchNode *node = selected (self);
  Undo *undo;
  AdwToast *toast;
  guint position;
  g_autofree char *title = NULL;

  if (node == NULL || bench_node_get_is_demo (node))
    return;
  undo = g_new0 (Undo, 1);
  undo->window = self;
  undo->node = g_object_ref (node);
  for (position = 0; position < g_list_model_get_n_items (G_LIST_MODEL (self->store)); position++)
    {
      g_autoptr(BenchNode) item = g_list_model_get_item (G_LIST_MODEL (self->store), position);

      if (item == node)
        break;
      g_set_object (&undo->after, item);
    }
  bench_node_store_remove (self->store, node);
  /* The neighbour takes the selection, not the top of the list. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
      g_autoptr(BenchNode) next = g_list_model_get_item (G_LIST_MODEL (self->store),
                                                         MIN (position, n - 1));

      bench_window_select_node (self, next);
    }
  title = g_strdup_printf (_("“%s” deleted"), bench_node_get_name (undo->node));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_delete), undo, undo_free,
                         0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- test ---- */

typedef struct {
  BenchWindow *window;
  BenchNode *node;
} TestWatch;

static void
test_watch_free (gpointer data, GClosure *closure)
{
  TestWatch *watch = data;

  g_object_unref (watch->node);
  g_free (watch);
}

static void
on_test_finished (BenchNodeTest *test, gboolean success, TestWatch *watch)
{
  bench_window_set_node_status (watch->window, watch->node,
                                success ? BENCH_NODE_STATUS_OK : BENCH_NODE_STATUS_FAILED);
}

static void
test_node_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  BenchNode *node = selected (self);
  GtkWidget *test;
  TestWatch *watch;

  if (node == NULL)
    return;
  test = bench_node_test_new (GTK_WINDOW (self), self->engine, node);
  watch = g_new0 (TestWatch, 1);
  watch->window = self;
  watch->node = g_object_ref (node);
  bench_window_set_node_status (self, node, BENCH_NODE_STATUS_TESTING);
  g_signal_connect_data (test, "finished", G_CALLBACK (on_test_finished), watch,
                         test_watch_free, 0);
  gtk_window_present (GTK_WINDOW (test));
}

/* ---- import, export ---- */

static GtkFileChooserNative *
file_chooser (BenchWindow *self, const char *title, GtkFileChooserAction mode)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), mode, NULL, NULL);
  gtk_file_filter_set_name (filter, _("Node lists (JSON)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (mode == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "dicom-nodes.json");
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  return chooser;
}

static GFile *
chosen_file (GtkNativeDialog *dialog)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  return gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
on_import_chosen (GtkNativeDialog *dialog, int response, BenchWindow *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? chosen_file (dialog) : NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  g_object_unref (dialog);
  if (file == NULL)
    return;
  n = bench_node_store_import (self->store, file, &error);
  if (error != NULL)
    bench_window_show_error (self, error->message);
  else
    {
      g_autofree char *message = g_strdup_printf (ngettext ("%u node imported",
                                                            "%u nodes imported", n), n);
      bench_window_show_toast (self, message);
    }
}

static void
import_nodes_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  GtkFileChooserNative *chooser = file_chooser (self, _("Import Nodes"),
                                                GTK_FILE_CHOOSER_ACTION_OPEN);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_import_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_export_chosen (GtkNativeDialog *dialog, int response, BenchWindow *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? chosen_file (dialog) : NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (dialog);
  if (file == NULL)
    return;
  if (!bench_node_store_export (self->store, file, &error))
    bench_window_show_error (self, error->message);
  else
    bench_window_show_toast (self, _("Nodes exported"));
}

static void
export_nodes_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  GtkFileChooserNative *chooser = file_chooser (self, _("Export Nodes"),
                                                GTK_FILE_CHOOSER_ACTION_SAVE);

  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- pages ---- */

static void
show_page_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* Ctrl+F searches what the user is looking at: the Query and Traffic pages
 * have a search field; on the others it does nothing rather than leave
 * the page, so the action is disabled there. */
static gboolean
page_has_search (BenchWindow *self, GtkWidget *page)
{
  return page != NULL && (page == self->query_page || BENCH_IS_TRAFFIC_PAGE (page));
}

static void
search_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchWindow *self = user_data;
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);

  if (!page_has_search (self, page))
    return;
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  if (BENCH_IS_TRAFFIC_PAGE (page))
    bench_traffic_page_focus_search (BENCH_TRAFFIC_PAGE (page));
  /* The first focusable widget of the query page is its search field. */
  else if (!gtk_widget_grab_focus (page))
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

static const GActionEntry window_actions[] = {
  { .name = "new-node", .activate = new_node_activated },
  { .name = "edit-node", .activate = edit_node_activated },
  { .name = "duplicate-node", .activate = duplicate_node_activated },
  { .name = "delete-node", .activate = delete_node_activated },
  { .name = "test-node", .activate = test_node_activated },
  { .name = "import-nodes", .activate = import_nodes_activated },
  { .name = "export-nodes", .activate = export_nodes_activated },
  { .name = "show-page", .activate = show_page_activated, .parameter_type = "s" },
  { .name = "search", .activate = search_activated },
};

static void
set_enabled (BenchWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
bench_window_update_actions (BenchWindow *self)
{
  BenchNode *node = selected (self);
  gboolean editable = node != NULL && !bench_node_get_is_demo (node);

  set_enabled (self, "edit-node", editable);
  set_enabled (self, "duplicate-node", editable);
  set_enabled (self, "delete-node", editable);
  /* An association and a C-ECHO, or a QIDO-RS search for a DICOMweb node. */
  set_enabled (self, "test-node", node != NULL);
}

static void
update_search_action (BenchWindow *self)
{
  set_enabled (self, "search",
               page_has_search (self, adw_view_stack_get_visible_child (self->view_stack)));
}

void
bench_window_install_actions (BenchWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions,
                                   G_N_ELEMENTS (window_actions), self);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (update_search_action), self, G_CONNECT_SWAPPED);
  update_search_action (self);
}
