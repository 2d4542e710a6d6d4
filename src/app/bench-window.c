/* bench-window.c — the main window: layout, pages, node selection and the
 * local Storage SCP's state (actions in bench-window-actions.c) */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-jobs-page.h"
#include "bench-local-page.h"
#include "bench-query-page.h"
#include "bench-retrieve-job.h"
#include "bench-tools-page.h"
#include "bench-traffic-page.h"
#include "bench-window-private.h"

G_DEFINE_FINAL_TYPE (BenchWindow, bench_window, ADW_TYPE_APPLICATION_WINDOW)

BenchNode *
bench_window_get_selected_node (BenchWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->node_list);

  return row != NULL ? bench_node_row_get_node (BENCH_NODE_ROW (row)) : NULL;
}

static BenchNodeRow *
find_row (BenchWindow *self, BenchNode *node)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->node_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (BENCH_IS_NODE_ROW (child) && bench_node_row_get_node (BENCH_NODE_ROW (child)) == node)
      return BENCH_NODE_ROW (child);
  return NULL;
}

void
bench_window_select_node (BenchWindow *self, BenchNode *node)
{
  BenchNodeRow *row = node != NULL ? find_row (self, node) : NULL;

  if (row != NULL)
    gtk_list_box_select_row (self->node_list, GTK_LIST_BOX_ROW (row));
}

void
bench_window_set_node_status (BenchWindow *self, BenchNode *node, BenchNodeStatus status)
{
  BenchNodeRow *row = find_row (self, node);

  g_hash_table_insert (self->node_status, g_strdup (bench_node_get_id (node)),
                       GUINT_TO_POINTER (status));
  if (row != NULL)
    bench_node_row_set_status (row, status);
}

void
bench_window_show_toast (BenchWindow *self, const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
bench_window_show_error (BenchWindow *self, const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- the sidebar ---- */

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  BenchWindow *self = user_data;
  GtkWidget *row = bench_node_row_new (item);
  gpointer status = g_hash_table_lookup (self->node_status, bench_node_get_id (item));

  bench_node_row_set_status (BENCH_NODE_ROW (row), GPOINTER_TO_UINT (status));
  return row;
}

static void
update_title (BenchWindow *self)
{
  BenchNode *node = bench_window_get_selected_node (self);
  g_autofree char *address = node != NULL ? bench_node_describe_address (node) : NULL;

  adw_view_switcher_title_set_subtitle (self->switcher_title, address != NULL ? address : "");
  adw_view_switcher_title_set_title (self->switcher_title,
                                     node != NULL ? bench_node_get_name (node) : _("Dimsebench"));
}

static void
on_row_selected (GtkListBox *list, GtkListBoxRow *row, BenchWindow *self)
{
  BenchNode *node = bench_window_get_selected_node (self);

  bench_query_page_set_node (BENCH_QUERY_PAGE (self->query_page), node);
  if (node != NULL && !bench_node_get_is_demo (node))
    g_settings_set_string (self->settings, "selected-node", bench_node_get_id (node));
  update_title (self);
  bench_window_update_actions (self);
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, BenchWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
update_sidebar (BenchWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *demo_state = NULL;

  g_object_get (self->engine, "demo-state", &demo_state, NULL);
  gtk_stack_set_visible_child_name (self->sidebar_stack, n > 0 ? "list" : "empty");
  adw_status_page_set_description (self->empty_page,
                                   demo_state != NULL && demo_state[0] != '\0'
                                   ? demo_state
                                   : _("Add the DICOM nodes you query and retrieve from."));
}

/* Keeps a node selected: the remembered one, else the first. */
static void
on_nodes_changed (GListModel *model, guint position, guint removed, guint added,
                  BenchWindow *self)
{
  update_sidebar (self);
  if (gtk_list_box_get_selected_row (self->node_list) == NULL
      && g_list_model_get_n_items (model) > 0)
    {
      g_autofree char *id = g_settings_get_string (self->settings, "selected-node");
      BenchNode *node = bench_node_store_find (self->store, id);
      g_autoptr(BenchNode) first = g_list_model_get_item (model, 0);

      bench_window_select_node (self, node != NULL ? node : first);
    }
}

/* ---- the Storage SCP's state ---- */

static void
on_scp_state (BenchEngine *engine, GParamSpec *pspec, BenchWindow *self)
{
  g_autofree char *state = NULL;
  gboolean listening = FALSE;

  g_object_get (engine, "storage-scp-state", &state, "storage-scp-listening", &listening, NULL);
  gtk_label_set_label (self->scp_label, state);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->scp_label), state);
  gtk_image_set_from_icon_name (self->scp_icon, listening ? "network-server-symbolic"
                                                          : "dialog-warning-symbolic");
  gtk_widget_set_visible (self->scp_button, !listening);
  if (listening)
    gtk_widget_remove_css_class (self->scp_status, "error");
  else
    gtk_widget_add_css_class (self->scp_status, "error");
}

/* ---- window state ---- */

static void
restore_state (BenchWindow *self)
{
  g_autofree char *page = g_settings_get_string (self->settings, "selected-page");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, page);
}

static gboolean
bench_window_close_request (GtkWindow *window)
{
  BenchWindow *self = BENCH_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_string (self->settings, "selected-page",
                         adw_view_stack_get_visible_child_name (self->view_stack));
  g_settings_apply (self->settings);
  return GTK_WINDOW_CLASS (bench_window_parent_class)->close_request (window);
}

static void
add_pages (BenchWindow *self)
{
  AdwViewStackPage *page;

  self->query_page = bench_query_page_new (self->engine, self->jobs);
  page = adw_view_stack_add_titled (self->view_stack, self->query_page, "query", _("Query"));
  adw_view_stack_page_set_icon_name (page, "system-search-symbolic");

  self->jobs_page = bench_jobs_page_new (self->jobs);
  page = adw_view_stack_add_titled (self->view_stack, self->jobs_page, "jobs", _("Jobs"));
  adw_view_stack_page_set_icon_name (page, "folder-download-symbolic");

  self->local_page = bench_local_page_new (self->engine, G_LIST_MODEL (self->store));
  page = adw_view_stack_add_titled (self->view_stack, self->local_page, "local", _("Local"));
  adw_view_stack_page_set_icon_name (page, "drive-harddisk-symbolic");

  page = adw_view_stack_add_titled (self->view_stack, bench_traffic_page_new (self->engine),
                                    "traffic", _("Traffic"));
  adw_view_stack_page_set_icon_name (page, "network-transmit-receive-symbolic");

  page = adw_view_stack_add_titled (self->view_stack,
                                    bench_tools_page_new (self->engine,
                                                          G_LIST_MODEL (self->store)),
                                    "tools", _("Tools"));
  adw_view_stack_page_set_icon_name (page, "applications-engineering-symbolic");
}

static void
on_back_clicked (GtkButton *button, BenchWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_save_failed (BenchNodeStore *store, const char *message, BenchWindow *self)
{
  bench_window_show_error (self, message);
}

static void
setup (BenchWindow *self)
{
  self->settings = g_object_ref (bench_application_get_settings (self->app));
  self->engine = g_object_ref (bench_application_get_engine (self->app));
  self->store = g_object_ref (bench_application_get_node_store (self->app));
  bench_window_install_actions (self);
  add_pages (self);
  restore_state (self);

  gtk_list_box_bind_model (self->node_list, G_LIST_MODEL (self->store), create_row, self, NULL);
  g_signal_connect (self->node_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect (self->node_list, "row-activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (on_nodes_changed), self, 0);
  g_signal_connect_object (self->store, "save-failed", G_CALLBACK (on_save_failed), self, 0);
  g_signal_connect_object (self->engine, "notify::storage-scp-state", G_CALLBACK (on_scp_state),
                           self, 0);
  g_signal_connect_object (self->engine, "notify::storage-scp-listening",
                           G_CALLBACK (on_scp_state), self, 0);
  g_signal_connect_object (self->engine, "notify::demo-state", G_CALLBACK (update_sidebar),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect (self->back_button, "clicked", G_CALLBACK (on_back_clicked), self);
  on_scp_state (self->engine, NULL, self);
  on_nodes_changed (G_LIST_MODEL (self->store), 0, 0, 0, self);
  bench_window_update_actions (self);
}

static void
bench_window_dispose (GObject *object)
{
  BenchWindow *self = BENCH_WINDOW (object);

  if (self->node_list != NULL)
    gtk_list_box_bind_model (self->node_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_object (&self->jobs);
  g_clear_pointer (&self->node_status, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_WINDOW);
  G_OBJECT_CLASS (bench_window_parent_class)->dispose (object);
}

static void
bench_window_class_init (BenchWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = bench_window_close_request;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, node_list);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, content);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, scp_status);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, scp_icon);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, scp_label);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, scp_button);
}

static void
bench_window_init (BenchWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->jobs = g_list_store_new (BENCH_TYPE_RETRIEVE_JOB);
  self->node_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

BenchWindow *
bench_window_new (BenchApplication *app)
{
  BenchWindow *self = g_object_new (BENCH_TYPE_WINDOW, "application", app, NULL);

  self->app = app;
  setup (self);
  return self;
}
