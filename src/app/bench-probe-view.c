/* bench-probe-view.c — the conformance probe's view */
#include "config.h"

#include <stdarg.h>

#include <glib/gi18n.h>

#include "bench-probe-op.h"
#include "bench-probe-view.h"
#include "bench-tools-op.h"
#include "bench-tools-page.h"

struct _BenchProbeView
{
  GtkBox parent_instance;

  BenchEngine *engine;
  GtkWidget *node_chooser;
  GtkWidget *run_button;
  GtkWidget *cancel_button;
  GtkProgressBar *progress;
  GtkLabel *status;
  GtkWidget *accepted_only;
  GtkWidget *export_json;
  GtkWidget *export_csv;
  GtkLabel *peer;
  GtkLabel *extended;
  GtkLabel *user_identity;
  GtkFilterListModel *filtered;
  GtkFilter *accepted_filter;
  GCancellable *cancellable;
  BenchProbeResult *result;
};

G_DEFINE_FINAL_TYPE (BenchProbeView, bench_probe_view, GTK_TYPE_BOX)

static void
set_running (BenchProbeView *self, gboolean running)
{
  gtk_widget_set_sensitive (self->run_button, !running);
  gtk_widget_set_sensitive (self->cancel_button, running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), running);
  gtk_widget_set_sensitive (self->export_json, !running && self->result != NULL
                                               && self->result->json != NULL);
  gtk_widget_set_sensitive (self->export_csv, !running && self->result != NULL
                                              && self->result->csv != NULL);
}

static void
on_progress (guint done, guint total, gpointer user_data)
{
  BenchProbeView *self = user_data;
  g_autofree char *text = g_strdup_printf (_("Association %u of %u"), done, total);

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress, (double) done / total);
  gtk_progress_bar_set_text (self->progress, text);
}

static void
show_result (BenchProbeView *self)
{
  BenchProbeResult *result = self->result;
  g_autoptr(GString) extended = g_string_new (NULL);
  g_autofree char *status = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (result->rows));

  for (guint i = 0; i < result->extended->len; i++)
    g_string_append_printf (extended, "%s%s", i > 0 ? "\n" : "",
                            (const char *) result->extended->pdata[i]);
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (result->rows));
  if (result->error != NULL)
    status = g_strdup_printf (_("The probe stopped: %s"), result->error);
  else
    status = g_strdup_printf (ngettext ("%u pair proposed on %u associations",
                                        "%u pairs proposed on %u associations", n),
                              n, result->n_associations);
  gtk_label_set_label (self->status, status);
  gtk_label_set_label (self->peer, result->peer != NULL ? result->peer : _("No answer"));
  gtk_label_set_label (self->extended, extended->len > 0 ? extended->str : _("None proposed"));
  gtk_label_set_label (self->user_identity, result->user_identity);
}

static void
on_probed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BenchProbeView) self = user_data;
  g_autoptr(GError) error = NULL;
  BenchProbeResult *result = bench_probe_op_run_finish (res, &error);

  g_clear_object (&self->cancellable);
  if (result == NULL)
    gtk_label_set_label (self->status, _("The probe was cancelled."));
  else
    {
      g_clear_pointer (&self->result, bench_probe_result_free);
      self->result = result;
      show_result (self);
    }
  set_running (self, FALSE);
}

static void
on_run (GtkButton *button, BenchProbeView *self)
{
  BenchNode *node = bench_tools_node_chooser_get_node (self->node_chooser);

  if (node == NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->result, bench_probe_result_free);
  gtk_filter_list_model_set_model (self->filtered, NULL);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, _("Connecting…"));
  gtk_label_set_label (self->status, _("Probing…"));
  set_running (self, TRUE);
  bench_probe_op_run_async (self->engine, node, on_progress, G_OBJECT (self), self->cancellable,
                            on_probed, g_object_ref (self));
}

static void
on_cancel (GtkButton *button, BenchProbeView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
on_accepted_only (GtkSwitch *toggle, GParamSpec *pspec, BenchProbeView *self)
{
  gtk_filter_list_model_set_filter (self->filtered, gtk_switch_get_active (toggle)
                                                    ? self->accepted_filter : NULL);
}

static void
on_export (GtkButton *button, BenchProbeView *self)
{
  gboolean json = GTK_WIDGET (button) == self->export_json;

  if (self->result == NULL)
    return;
  bench_tools_save_bytes (GTK_WIDGET (self), json ? _("Export the Probe as JSON")
                                                  : _("Export the Probe as CSV"),
                          json ? "probe.json" : "probe.csv",
                          json ? self->result->json : self->result->csv);
}

/* ---- the table ---- */

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  BenchToolsRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = bench_tools_row_get_column (row, GPOINTER_TO_UINT (data));

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, text);
  if (bench_tools_row_get_ok (row))
    gtk_widget_remove_css_class (label, "dim-label");
  else
    gtk_widget_add_css_class (label, "dim-label");
}

static GtkWidget *
build_table (BenchProbeView *self)
{
  static const char *const titles[] = {
    N_("SOP Class"), N_("Transfer Syntax"), N_("Result"), N_("Roles"),
  };
  GtkNoSelection *selection;
  GtkWidget *view;
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->accepted_filter = GTK_FILTER (gtk_bool_filter_new (
    gtk_property_expression_new (BENCH_TYPE_TOOLS_ROW, NULL, "ok")));
  self->filtered = gtk_filter_list_model_new (NULL, NULL);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  view = gtk_column_view_new (GTK_SELECTION_MODEL (selection));
  gtk_widget_set_name (view, "probe-table");
  gtk_column_view_set_show_row_separators (GTK_COLUMN_VIEW (view), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(titles[i]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, i != 3);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_add_css_class (scrolled, "card");
  return scrolled;
}

static GtkWidget *
group (GtkWidget *first, ...)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  va_list args;

  va_start (args, first);
  for (GtkWidget *child = first; child != NULL; child = va_arg (args, GtkWidget *))
    gtk_box_append (GTK_BOX (box), child);
  va_end (args);
  return box;
}

static GtkWidget *
build_toolbar (BenchProbeView *self, GListModel *nodes)
{
  GtkWidget *bar = bench_tools_flow_new ();
  GtkWidget *filter_label = gtk_label_new (_("Accepted only"));

  self->node_chooser = bench_tools_node_chooser_new (nodes, "probe-node");
  self->run_button = gtk_button_new_with_mnemonic (_("_Probe"));
  gtk_widget_set_name (self->run_button, "probe-run");
  gtk_widget_add_css_class (self->run_button, "suggested-action");
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_set_name (self->cancel_button, "probe-cancel");
  self->accepted_only = gtk_switch_new ();
  gtk_widget_set_name (self->accepted_only, "probe-accepted-only");
  gtk_widget_set_valign (self->accepted_only, GTK_ALIGN_CENTER);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->accepted_only),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, filter_label, NULL, -1);
  self->export_json = gtk_button_new_with_mnemonic (_("Export _JSON…"));
  gtk_widget_set_name (self->export_json, "probe-export-json");
  self->export_csv = gtk_button_new_with_mnemonic (_("Export C_SV…"));
  gtk_widget_set_name (self->export_csv, "probe-export-csv");
  bench_tools_flow_append (bar, group (self->node_chooser, self->run_button,
                                       self->cancel_button, NULL));
  bench_tools_flow_append (bar, group (filter_label, self->accepted_only, NULL));
  bench_tools_flow_append (bar, group (self->export_json, self->export_csv, NULL));
  g_signal_connect (self->run_button, "clicked", G_CALLBACK (on_run), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel), self);
  g_signal_connect (self->accepted_only, "notify::active", G_CALLBACK (on_accepted_only), self);
  g_signal_connect (self->export_json, "clicked", G_CALLBACK (on_export), self);
  g_signal_connect (self->export_csv, "clicked", G_CALLBACK (on_export), self);
  return bar;
}

static GtkLabel *
add_fact (GtkWidget *grid, int row, const char *title, const char *name)
{
  GtkWidget *heading = bench_tools_label_new (title, "dim-label");
  GtkWidget *value = bench_tools_label_new ("–", NULL);

  gtk_label_set_selectable (GTK_LABEL (heading), FALSE);
  gtk_widget_set_valign (heading, GTK_ALIGN_START);
  gtk_widget_set_name (value, name);
  gtk_widget_set_hexpand (value, TRUE);
  gtk_grid_attach (GTK_GRID (grid), heading, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), value, 1, row, 1, 1);
  return GTK_LABEL (value);
}

static void
bench_probe_view_dispose (GObject *object)
{
  BenchProbeView *self = BENCH_PROBE_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->filtered);
  g_clear_object (&self->accepted_filter);
  g_clear_pointer (&self->result, bench_probe_result_free);
  G_OBJECT_CLASS (bench_probe_view_parent_class)->dispose (object);
}

static void
bench_probe_view_class_init (BenchProbeViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_probe_view_dispose;
}

static void
bench_probe_view_init (BenchProbeView *self)
{
}

GtkWidget *
bench_probe_view_new (BenchEngine *engine, GListModel *nodes)
{
  BenchProbeView *self = g_object_new (BENCH_TYPE_PROBE_VIEW, "orientation",
                                       GTK_ORIENTATION_VERTICAL, "spacing", 12, NULL);
  GtkWidget *grid = gtk_grid_new ();

  self->engine = g_object_ref (engine);
  gtk_widget_set_name (GTK_WIDGET (self), "probe-view");
  g_object_set (self, "margin-top", 12, "margin-bottom", 12, "margin-start", 12,
                "margin-end", 12, NULL);
  gtk_box_append (GTK_BOX (self), build_toolbar (self, nodes));
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress, TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->progress));
  self->status = GTK_LABEL (bench_tools_label_new (
    _("Probe a node to see which SOP classes and transfer syntaxes it accepts, in which roles."),
    NULL));
  gtk_widget_set_name (GTK_WIDGET (self->status), "probe-status");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (self), build_table (self));
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  self->peer = add_fact (grid, 0, _("Peer"), "probe-peer");
  self->extended = add_fact (grid, 1, _("Extended negotiation"), "probe-extended");
  self->user_identity = add_fact (grid, 2, _("User identity"), "probe-user-identity");
  gtk_box_append (GTK_BOX (self), grid);
  set_running (self, FALSE);
  return GTK_WIDGET (self);
}

GListModel *
bench_probe_view_get_rows (BenchProbeView *view)
{
  g_return_val_if_fail (BENCH_IS_PROBE_VIEW (view), NULL);
  return G_LIST_MODEL (view->filtered);
}

gboolean
bench_probe_view_get_running (BenchProbeView *view)
{
  g_return_val_if_fail (BENCH_IS_PROBE_VIEW (view), FALSE);
  return view->cancellable != NULL;
}
