/* bench-node-row.c — a node in the sidebar */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bench-node-row.h"

struct _BenchNodeRow
{
  GtkListBoxRow parent_instance;

  GtkImage *icon;
  GtkLabel *name_label;
  GtkLabel *address_label;
  GtkStack *status_stack;
  GtkWidget *status_dot;
  GtkSpinner *spinner;
  GMenuModel *node_menu;
  GtkWidget *menu;

  BenchNode *node;
  BenchNodeStatus status;
};

G_DEFINE_FINAL_TYPE (BenchNodeRow, bench_node_row, GTK_TYPE_LIST_BOX_ROW)

char *
bench_node_describe_address (BenchNode *node)
{
  const char *host = bench_node_get_host (node);

  if (bench_node_get_kind (node) == BENCH_NODE_KIND_WEB)
    return g_strdup_printf (_("DICOMweb · %s"), bench_node_get_url (node));
  /* An IPv6 literal in brackets, as in a URL. */
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("%s@[%s]:%u", bench_node_get_ae_title (node), host,
                            bench_node_get_port (node));
  return g_strdup_printf ("%s@%s:%u", bench_node_get_ae_title (node), host,
                          bench_node_get_port (node));
}

static const char *
status_words (BenchNodeStatus status)
{
  switch (status)
    {
    case BENCH_NODE_STATUS_TESTING: return _("Testing");
    case BENCH_NODE_STATUS_OK: return _("Last test succeeded");
    case BENCH_NODE_STATUS_FAILED: return _("Last test failed");
    case BENCH_NODE_STATUS_UNKNOWN:
    default: return _("Not tested");
    }
}

static void
update (BenchNodeRow *self)
{
  g_autofree char *address = bench_node_describe_address (self->node);
  g_autofree char *label = NULL;
  const char *name = bench_node_get_name (self->node);

  if (name[0] == '\0')
    name = bench_node_get_ae_title (self->node);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->address_label, address);
  if (bench_node_get_is_demo (self->node))
    gtk_image_set_from_icon_name (self->icon, "starred-symbolic");
  else if (bench_node_get_kind (self->node) == BENCH_NODE_KIND_WEB)
    gtk_image_set_from_icon_name (self->icon, "web-browser-symbolic");
  else
    gtk_image_set_from_icon_name (self->icon, "network-server-symbolic");
  label = g_strdup_printf ("%s, %s, %s", name, address, status_words (self->status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_stack), status_words (self->status));
}

void
bench_node_row_set_status (BenchNodeRow *self, BenchNodeStatus status)
{
  g_return_if_fail (BENCH_IS_NODE_ROW (self));
  self->status = status;
  gtk_widget_remove_css_class (self->status_dot, "success");
  gtk_widget_remove_css_class (self->status_dot, "error");
  if (status == BENCH_NODE_STATUS_OK)
    gtk_widget_add_css_class (self->status_dot, "success");
  else if (status == BENCH_NODE_STATUS_FAILED)
    gtk_widget_add_css_class (self->status_dot, "error");
  gtk_widget_set_visible (self->status_dot, status != BENCH_NODE_STATUS_UNKNOWN);
  gtk_spinner_set_spinning (self->spinner, status == BENCH_NODE_STATUS_TESTING);
  gtk_stack_set_visible_child_name (self->status_stack,
                                    status == BENCH_NODE_STATUS_TESTING ? "testing" : "dot");
  update (self);
}

BenchNodeStatus
bench_node_row_get_status (BenchNodeRow *self)
{
  return self->status;
}

BenchNode *
bench_node_row_get_node (BenchNodeRow *self)
{
  return self->node;
}

/* The context menu acts on the selected node: select this row first. */
static void
popup_menu (BenchNodeRow *self, double x, double y)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (self));

  if (GTK_IS_LIST_BOX (list))
    gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (self));
  if (x >= 0)
    gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                                 &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  else
    gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), NULL);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_right_click (GtkGestureClick *gesture, int n_press, double x, double y, BenchNodeRow *self)
{
  popup_menu (self, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_long_press (GtkGestureLongPress *gesture, double x, double y, BenchNodeRow *self)
{
  popup_menu (self, x, y);
}

static void
menu_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  popup_menu (BENCH_NODE_ROW (widget), -1, -1);
}

static void
bench_node_row_dispose (GObject *object)
{
  BenchNodeRow *self = BENCH_NODE_ROW (object);

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  G_OBJECT_CLASS (bench_node_row_parent_class)->dispose (object);
}

static void
bench_node_row_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BenchNodeRow *self = BENCH_NODE_ROW (widget);

  GTK_WIDGET_CLASS (bench_node_row_parent_class)->size_allocate (widget, width, height,
                                                                 baseline);
  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
bench_node_row_class_init (BenchNodeRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_node_row_dispose;
  widget_class->size_allocate = bench_node_row_size_allocate;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-node-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchNodeRow, icon);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeRow, address_label);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeRow, status_stack);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeRow, status_dot);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeRow, node_menu);
  gtk_widget_class_install_action (widget_class, "row.menu", NULL, menu_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "row.menu",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "row.menu", NULL);
}

static void
bench_node_row_init (BenchNodeRow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *press = gtk_gesture_long_press_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->menu = gtk_popover_menu_new_from_model (self->node_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_right_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_long_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (press));
}

GtkWidget *
bench_node_row_new (BenchNode *node)
{
  BenchNodeRow *self = g_object_new (BENCH_TYPE_NODE_ROW, NULL);

  self->node = g_object_ref (node);
  g_signal_connect_swapped (node, "notify", G_CALLBACK (update), self);
  bench_node_row_set_status (self, BENCH_NODE_STATUS_UNKNOWN);
  return GTK_WIDGET (self);
}
