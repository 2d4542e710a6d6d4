/* bench-tools-page.c — the Tools page and what its tools share */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-commitment-view.h"
#include "bench-composer.h"
#include "bench-doctor-view.h"
#include "bench-mpps-view.h"
#include "bench-node.h"
#include "bench-probe-view.h"
#include "bench-tools-page.h"

struct _BenchToolsPage
{
  GtkBox parent_instance;

  GtkStack *stack;
};

G_DEFINE_FINAL_TYPE (BenchToolsPage, bench_tools_page, GTK_TYPE_BOX)

static void
bench_tools_page_class_init (BenchToolsPageClass *klass)
{
}

static void
bench_tools_page_init (BenchToolsPage *self)
{
  GtkWidget *sidebar = gtk_stack_sidebar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_widget_set_name (GTK_WIDGET (self), "tools-page");
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  /* The tools' wrapping labels ask for much height when narrow: scroll
   * rather than make the window that tall. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->stack));
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_stack_sidebar_set_stack (GTK_STACK_SIDEBAR (sidebar), self->stack);
  gtk_widget_set_size_request (sidebar, 180, -1);
  gtk_widget_set_name (sidebar, "tools-sidebar");
  gtk_box_append (GTK_BOX (self), sidebar);
  gtk_box_append (GTK_BOX (self), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (self), scrolled);
}

GtkWidget *
bench_tools_page_new (BenchEngine *engine, GListModel *nodes)
{
  BenchToolsPage *self = g_object_new (BENCH_TYPE_TOOLS_PAGE,
                                       "orientation", GTK_ORIENTATION_HORIZONTAL, NULL);

  gtk_stack_add_titled (self->stack, bench_probe_view_new (engine, nodes), "probe",
                        _("Conformance Probe"));
  gtk_stack_add_titled (self->stack, bench_doctor_view_new (engine, nodes), "doctor",
                        _("C-MOVE Doctor"));
  gtk_stack_add_titled (self->stack, bench_composer_new (engine, nodes), "composer",
                        _("Message Composer"));
  gtk_stack_add_titled (self->stack, bench_commitment_view_new (engine, nodes), "commitment",
                        _("Storage Commitment"));
  gtk_stack_add_titled (self->stack, bench_mpps_view_new (engine, nodes), "mpps",
                        _("Performed Procedure Step"));
  return GTK_WIDGET (self);
}

/* ---- shared by the tools ---- */

GtkWidget *
bench_tools_node_chooser_new (GListModel *nodes, const char *widget_name)
{
  GtkExpression *name = gtk_property_expression_new (BENCH_TYPE_NODE, NULL, "name");
  GtkWidget *chooser = gtk_drop_down_new (g_object_ref (nodes), name);

  gtk_widget_set_name (chooser, widget_name);
  bench_tools_drop_down_ellipsize (GTK_DROP_DOWN (chooser));
  gtk_widget_set_tooltip_text (chooser, _("The node to use"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (chooser),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Node"), -1);
  return chooser;
}

BenchNode *
bench_tools_node_chooser_get_node (GtkWidget *chooser)
{
  return gtk_drop_down_get_selected_item (GTK_DROP_DOWN (chooser));
}

static void
setup_item (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (data))
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_item (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkExpression *expression = gtk_drop_down_get_expression (GTK_DROP_DOWN (data));
  g_auto(GValue) value = G_VALUE_INIT;
  const char *text = NULL;

  if (expression != NULL
      && gtk_expression_evaluate (expression, gtk_list_item_get_item (item), &value))
    text = g_value_get_string (&value);
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), text);
}

static GtkListItemFactory *
drop_down_factory (GtkDropDown *drop_down, gboolean ellipsize)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), GINT_TO_POINTER (ellipsize));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), drop_down);
  return factory;
}

void
bench_tools_drop_down_ellipsize (GtkDropDown *drop_down)
{
  g_autoptr(GtkListItemFactory) button = drop_down_factory (drop_down, TRUE);
  g_autoptr(GtkListItemFactory) list = drop_down_factory (drop_down, FALSE);

  gtk_drop_down_set_factory (drop_down, button);
  gtk_drop_down_set_list_factory (drop_down, list);
}

GtkWidget *
bench_tools_label_new (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  /* UIDs and paths are long words: break them rather than widen the page. */
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

GtkWidget *
bench_tools_flow_new (void)
{
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 16);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  return flow;
}

void
bench_tools_flow_append (GtkWidget *flow, GtkWidget *child)
{
  gtk_flow_box_append (GTK_FLOW_BOX (flow), child);
  /* The controls take the focus, not the cell around them. */
  gtk_widget_set_focusable (gtk_widget_get_parent (child), FALSE);
}

static void
toast (GtkWidget *widget, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GtkWidget) parent = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_parse_name (G_FILE (source));
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    message = g_strdup_printf (_("%s was not saved: %s"), path, error->message);
  else
    message = g_strdup_printf (_("Saved %s"), path);
  toast (parent, message);
}

static void
on_save_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GBytes *bytes = g_object_get_data (G_OBJECT (dialog), "bytes");
  GtkWidget *parent = g_object_get_data (G_OBJECT (dialog), "parent");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                           on_saved, g_object_ref (parent));
    }
  g_object_unref (dialog);
}

void
bench_tools_save_bytes (GtkWidget *parent, const char *title, const char *suggested_name,
                        GBytes *bytes)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);
  g_object_set_data_full (G_OBJECT (dialog), "bytes", g_bytes_ref (bytes),
                          (GDestroyNotify) g_bytes_unref);
  g_object_set_data_full (G_OBJECT (dialog), "parent", g_object_ref (parent), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
