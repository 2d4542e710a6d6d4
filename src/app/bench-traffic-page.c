/* bench-traffic-page.c — the Traffic page: the associations as a table
 * that follows the recorder live, filtered by node, service, direction,
 * status class and a search; the selected one's timeline and the selected
 * event's detail */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bench-traffic-page-private.h"

typedef enum {
  COLUMN_DIRECTION,
  COLUMN_PEER,
  COLUMN_AE_TITLES,
  COLUMN_SERVICES,
  COLUMN_RESULT,
  COLUMN_SENT,
  COLUMN_RECEIVED,
  COLUMN_STARTED,
  N_COLUMNS
} Column;

G_DEFINE_FINAL_TYPE (BenchTrafficPage, bench_traffic_page, GTK_TYPE_WIDGET)

/* The service filter's entries between "All Services" and "DICOMweb": the
 * requests an association carried (PS3.7 Table E.1-1). */
static const DimseCommandField filter_services[] = {
  DIMSE_C_ECHO_RQ, DIMSE_C_STORE_RQ, DIMSE_C_FIND_RQ, DIMSE_C_MOVE_RQ, DIMSE_C_GET_RQ,
  DIMSE_N_EVENT_REPORT_RQ, DIMSE_N_GET_RQ, DIMSE_N_SET_RQ, DIMSE_N_ACTION_RQ,
  DIMSE_N_CREATE_RQ, DIMSE_N_DELETE_RQ,
};

/* ---- status classes ---- */

BenchTrafficFilterStatus
bench_traffic_page_status_class (BenchTrafficAssociation *assoc)
{
  DimseStatusClass worst = DIMSE_STATUS_SUCCESS;
  gboolean has_status = bench_traffic_association_get_worst_status (assoc, &worst);

  switch (bench_traffic_association_get_state (assoc))
    {
    case BENCH_TRAFFIC_STATE_REJECTED:
    case BENCH_TRAFFIC_STATE_ABORTED:
    case BENCH_TRAFFIC_STATE_FAILED:
      return BENCH_TRAFFIC_FILTER_FAILURE;
    default:
      break;
    }
  if (has_status && (worst == DIMSE_STATUS_FAILURE || worst == DIMSE_STATUS_CANCEL))
    return BENCH_TRAFFIC_FILTER_FAILURE;
  if (has_status && worst == DIMSE_STATUS_WARNING)
    return BENCH_TRAFFIC_FILTER_WARNING;
  if (bench_traffic_association_get_state (assoc) == BENCH_TRAFFIC_STATE_RELEASED)
    return BENCH_TRAFFIC_FILTER_SUCCESS;
  return BENCH_TRAFFIC_FILTER_OPEN;
}

/* ---- cells ---- */

static char *
format_duration (gint64 us)
{
  if (us < 1000)
    return g_strdup_printf (_("%lld µs"), (long long) us);
  if (us < 10 * G_USEC_PER_SEC)
    return g_strdup_printf (_("%.1f ms"), us / 1000.0);
  if (us < 600 * G_USEC_PER_SEC)
    return g_strdup_printf (_("%.1f s"), us / (double) G_USEC_PER_SEC);
  return g_strdup_printf (_("%lld min"), (long long) (us / (60 * G_USEC_PER_SEC)));
}

static void
set_pill_class (GtkWidget *label, BenchTrafficAssociation *assoc)
{
  static const char *const classes[] = { "success", "warning", "error", "accent" };
  BenchTrafficFilterStatus status = bench_traffic_page_status_class (assoc);
  const char *wanted = status == BENCH_TRAFFIC_FILTER_SUCCESS ? "success"
                       : status == BENCH_TRAFFIC_FILTER_WARNING ? "warning"
                       : status == BENCH_TRAFFIC_FILTER_FAILURE ? "error" : "accent";

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (!g_str_equal (classes[i], wanted))
      gtk_widget_remove_css_class (label, classes[i]);
  gtk_widget_add_css_class (label, wanted);
}

/* A two-line cell: a heading and a dim caption beneath. */
static void
fill_two_lines (GtkWidget *box, const char *title, const char *subtitle)
{
  GtkWidget *first = gtk_widget_get_first_child (box);

  gtk_label_set_text (GTK_LABEL (first), title);
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_next_sibling (first)), subtitle);
}

static void
fill_peer (GtkWidget *box, BenchTrafficAssociation *assoc)
{
  const char *name = bench_traffic_association_get_peer_name (assoc);
  const char *address = bench_traffic_association_get_peer_address (assoc);
  g_autofree char *sub = NULL;

  if (bench_traffic_association_get_is_web (assoc))
    {
      fill_two_lines (box, name != NULL ? name : _("DICOMweb"), address);
      return;
    }
  if (name != NULL && *address != '\0')
    sub = g_strdup_printf ("%s · %s", name, address);
  fill_two_lines (box, bench_traffic_association_get_peer_ae_title (assoc),
                  sub != NULL ? sub : name != NULL ? name : address);
}

static void
fill_side (GtkWidget *box, BenchTrafficAssociation *assoc, DimseTrafficDirection direction)
{
  guint n = bench_traffic_association_get_n_messages (assoc, direction);
  gboolean web = bench_traffic_association_get_is_web (assoc);
  g_autofree char *messages =
    !web ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages", n), n)
    : direction == DIMSE_TRAFFIC_DIRECTION_SENT
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u request", "%u requests", n), n)
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u response", "%u responses", n), n);
  g_autofree char *bytes = g_format_size (bench_traffic_association_get_n_bytes (assoc, direction));

  fill_two_lines (box, messages, bytes);
}

/* The requests, and beneath them for a C-MOVE the C-STORE sub-operations
 * that other associations made for it. */
static void
fill_services (GtkWidget *box, BenchTrafficAssociation *assoc)
{
  const char *services = bench_traffic_association_get_services (assoc);
  guint n = bench_traffic_association_get_n_linked_sub_operations (assoc);
  GtkWidget *caption = gtk_widget_get_last_child (box);
  g_autofree char *linked = NULL;
  g_autofree char *tooltip = NULL;

  if (n > 0)
    {
      linked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sub-operation linked",
                                             "%u sub-operations linked", n), n);
      tooltip = g_strdup_printf ("%s · %s", services, linked);
    }
  fill_two_lines (box, services, linked != NULL ? linked : "");
  gtk_widget_set_visible (caption, n > 0);
  gtk_widget_set_tooltip_text (box, tooltip != NULL ? tooltip : services);
}

/* When it started, and for how long it has been open or was. */
static void
fill_started (GtkWidget *box, BenchTrafficAssociation *assoc)
{
  g_autoptr(GDateTime) time =
    g_date_time_new_from_unix_local (bench_traffic_association_get_started (assoc)
                                     / G_USEC_PER_SEC);
  g_autofree char *clock = g_date_time_format (time, "%H:%M:%S");
  g_autofree char *duration = format_duration (bench_traffic_association_get_duration (assoc));

  fill_two_lines (box, clock, duration);
}

static char *
cell_text (Column column, BenchTrafficAssociation *assoc)
{
  switch (column)
    {
    case COLUMN_AE_TITLES:
      if (bench_traffic_association_get_is_web (assoc))
        return g_strdup (_("DICOMweb (HTTP)"));
      return g_strdup_printf ("%s → %s", bench_traffic_association_get_calling_ae_title (assoc),
                              bench_traffic_association_get_called_ae_title (assoc));
    case COLUMN_RESULT:
      return g_strdup (bench_traffic_association_get_result (assoc));
    default:
      return NULL;
    }
}

static void
fill_cell (GtkWidget *cell)
{
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "column"));
  BenchTrafficAssociation *assoc = g_object_get_data (G_OBJECT (cell), "association");
  g_autofree char *text = NULL;
  gboolean outgoing;

  if (assoc == NULL)
    return;
  switch (column)
    {
    case COLUMN_DIRECTION:
      outgoing = bench_traffic_association_get_outgoing (assoc);
      gtk_image_set_from_icon_name (GTK_IMAGE (cell), outgoing ? "go-next-symbolic"
                                                               : "go-previous-symbolic");
      gtk_widget_remove_css_class (cell, outgoing ? "incoming" : "outgoing");
      gtk_widget_add_css_class (cell, outgoing ? "outgoing" : "incoming");
      gtk_widget_set_tooltip_text (cell, outgoing ? _("Outgoing: we requested it")
                                                  : _("Incoming: we accepted it"));
      return;
    case COLUMN_PEER:
      fill_peer (cell, assoc);
      return;
    case COLUMN_SENT:
    case COLUMN_RECEIVED:
      fill_side (cell, assoc, column == COLUMN_SENT ? DIMSE_TRAFFIC_DIRECTION_SENT
                                                    : DIMSE_TRAFFIC_DIRECTION_RECEIVED);
      return;
    case COLUMN_STARTED:
      fill_started (cell, assoc);
      return;
    case COLUMN_SERVICES:
      fill_services (cell, assoc);
      return;
    default:
      text = cell_text (column, assoc);
      gtk_label_set_text (GTK_LABEL (cell), text);
      if (column == COLUMN_RESULT)
        {
          set_pill_class (cell, assoc);
          gtk_widget_set_tooltip_text (cell, text);
        }
      return;
    }
}

static GtkWidget *
new_two_lines (gboolean heading)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = g_object_new (GTK_TYPE_LABEL, "xalign", 0.0f,
                                   "ellipsize", PANGO_ELLIPSIZE_END, NULL);
  GtkWidget *subtitle = g_object_new (GTK_TYPE_LABEL, "xalign", 0.0f,
                                      "ellipsize", PANGO_ELLIPSIZE_END, NULL);

  gtk_widget_add_css_class (title, heading ? "heading" : "numeric");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  return box;
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkWidget *cell;

  switch (column)
    {
    case COLUMN_DIRECTION:
      cell = gtk_image_new ();
      break;
    case COLUMN_PEER:
    case COLUMN_SENT:
    case COLUMN_RECEIVED:
    case COLUMN_STARTED:
      cell = new_two_lines (column == COLUMN_PEER);
      break;
    case COLUMN_SERVICES:
      cell = new_two_lines (FALSE);
      gtk_widget_remove_css_class (gtk_widget_get_first_child (cell), "numeric");
      break;
    case COLUMN_RESULT:
      cell = g_object_new (GTK_TYPE_LABEL, "xalign", 0.0f, "halign", GTK_ALIGN_START,
                           "ellipsize", PANGO_ELLIPSIZE_END, NULL);
      gtk_widget_add_css_class (cell, "traffic-pill");
      break;
    default:
      cell = g_object_new (GTK_TYPE_LABEL, "xalign", 0.0f, "ellipsize", PANGO_ELLIPSIZE_END,
                           NULL);
      break;
    }
  g_object_set_data (G_OBJECT (cell), "column", GUINT_TO_POINTER (column));
  gtk_list_item_set_child (list_item, cell);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  BenchTrafficAssociation *assoc = gtk_list_item_get_item (list_item);

  g_object_set_data (G_OBJECT (cell), "association", assoc);
  g_signal_connect_swapped (assoc, "notify::revision", G_CALLBACK (fill_cell), cell);
  fill_cell (cell);
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  BenchTrafficAssociation *assoc = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (assoc, fill_cell, cell);
  g_object_set_data (G_OBJECT (cell), "association", NULL);
}

static void
add_column (BenchTrafficPage *self, Column column, const char *title, gboolean expand,
            int fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  gtk_column_view_append_column (self->column_view, view_column);
}

static void
add_columns (BenchTrafficPage *self)
{
  add_column (self, COLUMN_DIRECTION, "", FALSE, 34);
  add_column (self, COLUMN_PEER, _("Peer"), FALSE, 170);
  add_column (self, COLUMN_AE_TITLES, _("Calling → Called"), FALSE, 230);
  add_column (self, COLUMN_SERVICES, _("Services"), FALSE, 180);
  add_column (self, COLUMN_RESULT, _("Result"), TRUE, -1);
  add_column (self, COLUMN_SENT, _("Sent"), FALSE, 96);
  add_column (self, COLUMN_RECEIVED, _("Received"), FALSE, 96);
  add_column (self, COLUMN_STARTED, _("Started"), FALSE, 80);
}

/* ---- filtering ---- */

static gboolean
matches_service (BenchTrafficAssociation *assoc, guint selected)
{
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return TRUE;
  if (selected <= G_N_ELEMENTS (filter_services))
    return bench_traffic_association_has_service (assoc, filter_services[selected - 1]);
  return bench_traffic_association_get_is_web (assoc);
}

static gboolean
filter_association (gpointer item, gpointer user_data)
{
  BenchTrafficPage *self = user_data;
  BenchTrafficAssociation *assoc = item;
  guint direction = gtk_drop_down_get_selected (self->direction_dropdown);
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  gboolean outgoing = bench_traffic_association_get_outgoing (assoc);

  if ((direction == BENCH_TRAFFIC_FILTER_OUTGOING && !outgoing)
      || (direction == BENCH_TRAFFIC_FILTER_INCOMING && outgoing)
      || (direction == BENCH_TRAFFIC_FILTER_WEB && !bench_traffic_association_get_is_web (assoc)))
    return FALSE;
  if (status != BENCH_TRAFFIC_FILTER_ANY && status != GTK_INVALID_LIST_POSITION
      && bench_traffic_page_status_class (assoc) != status)
    return FALSE;
  if (self->node != NULL && g_strcmp0 (bench_traffic_association_get_node (assoc), self->node) != 0)
    return FALSE;
  if (!matches_service (assoc, gtk_drop_down_get_selected (self->service_dropdown)))
    return FALSE;
  return self->search_folded == NULL
         || bench_traffic_association_matches (assoc, self->search_folded);
}

static gboolean
is_set (GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  return selected != 0 && selected != GTK_INVALID_LIST_POSITION;
}

guint
bench_traffic_page_n_filters (BenchTrafficPage *self)
{
  return (self->node != NULL) + is_set (self->service_dropdown)
         + is_set (self->direction_dropdown) + is_set (self->status_dropdown);
}

static gboolean
filtering (BenchTrafficPage *self)
{
  return self->search_folded != NULL || bench_traffic_page_n_filters (self) > 0;
}

static void
on_filter_changed (BenchTrafficPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n = bench_traffic_page_n_filters (self);
  g_autofree char *badge = g_strdup_printf ("%u", n);

  /* the drop-downs get their lists before the page has its model */
  if (self->filter == NULL)
    return;
  g_clear_pointer (&self->search_folded, g_free);
  if (text != NULL && *text != '\0')
    self->search_folded = g_utf8_casefold (text, -1);
  gtk_label_set_text (self->filter_badge, badge);
  gtk_widget_set_visible (GTK_WIDGET (self->filter_badge), n > 0);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  bench_traffic_page_update_actions (self);
}

static void
on_node_changed (BenchTrafficPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->node_dropdown);
  const char *node = selected != 0 && selected != GTK_INVALID_LIST_POSITION
                     ? gtk_string_list_get_string (self->nodes, selected) : NULL;

  if (g_strcmp0 (node, self->node) == 0)
    return;
  g_free (self->node);
  self->node = g_strdup (node);
  on_filter_changed (self);
}

void
bench_traffic_page_reset_filters (BenchTrafficPage *self)
{
  gtk_drop_down_set_selected (self->node_dropdown, 0);
  gtk_drop_down_set_selected (self->service_dropdown, 0);
  gtk_drop_down_set_selected (self->direction_dropdown, BENCH_TRAFFIC_FILTER_BOTH);
  gtk_drop_down_set_selected (self->status_dropdown, BENCH_TRAFFIC_FILTER_ANY);
}

/* ---- the node and service lists ---- */

static int
compare_nodes (const char *a, const char *b)
{
  g_autofree char *folded_a = g_utf8_casefold (a, -1);
  g_autofree char *folded_b = g_utf8_casefold (b, -1);
  int result = g_utf8_collate (folded_a, folded_b);

  return result != 0 ? result : strcmp (a, b);
}

static int
compare_node_pointers (gconstpointer a, gconstpointer b)
{
  return compare_nodes (*(const char *const *) a, *(const char *const *) b);
}

/* The nodes of the associations held, sorted (and the one filtered by,
 * even when none is left). */
static GPtrArray *
collect_nodes (BenchTrafficPage *self)
{
  GListModel *all = bench_traffic_model_get_associations (self->model);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_free);

  if (self->node != NULL)
    g_hash_table_add (seen, self->node);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(BenchTrafficAssociation) assoc = g_list_model_get_item (all, i);
      const char *node = bench_traffic_association_get_node (assoc);

      if (*node != '\0' && !g_hash_table_contains (seen, node))
        {
          char *copy = g_strdup (node);

          g_ptr_array_add (nodes, copy);
          g_hash_table_add (seen, copy);
        }
    }
  if (self->node != NULL)
    g_ptr_array_add (nodes, g_strdup (self->node));
  g_ptr_array_sort (nodes, compare_node_pointers);
  return nodes;
}

/* Brings the node list up to date item by item, so that the drop-down
 * keeps the node it has selected. */
static void
update_nodes (BenchTrafficPage *self)
{
  g_autoptr(GPtrArray) wanted = collect_nodes (self);
  guint position = 1;
  guint j = 0;

  while (position < g_list_model_get_n_items (G_LIST_MODEL (self->nodes)) || j < wanted->len)
    {
      const char *have = position < g_list_model_get_n_items (G_LIST_MODEL (self->nodes))
                         ? gtk_string_list_get_string (self->nodes, position) : NULL;
      int order = have == NULL ? 1 : j == wanted->len ? -1 : compare_nodes (have, wanted->pdata[j]);

      if (order < 0)
        gtk_string_list_remove (self->nodes, position);
      else
        {
          if (order > 0)
            gtk_string_list_splice (self->nodes, position, 0,
                                    (const char *const[]) { wanted->pdata[j], NULL });
          position++;
          j++;
        }
    }
}

static void
setup_filter_lists (BenchTrafficPage *self)
{
  g_autoptr(GtkStringList) services = gtk_string_list_new (NULL);

  gtk_string_list_append (services, _("All Services"));
  for (guint i = 0; i < G_N_ELEMENTS (filter_services); i++)
    {
      const char *name = dimse_command_field_name (filter_services[i]);
      g_autofree char *service = g_strndup (name, strlen (name) - strlen ("-RQ"));

      gtk_string_list_append (services, service);
    }
  gtk_string_list_append (services, _("DICOMweb"));
  gtk_drop_down_set_model (self->service_dropdown, G_LIST_MODEL (services));
  self->nodes = gtk_string_list_new ((const char *const[]) { _("All Nodes"), NULL });
  gtk_drop_down_set_model (self->node_dropdown, G_LIST_MODEL (self->nodes));
}

/* ---- selection and live updates ---- */

BenchTrafficAssociation *
bench_traffic_page_get_selected (BenchTrafficPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
on_association_selected (BenchTrafficPage *self)
{
  BenchTrafficAssociation *assoc = bench_traffic_page_get_selected (self);

  bench_traffic_timeline_set_association (self->timeline, assoc);
  bench_traffic_detail_set_item (self->detail, NULL);
  bench_traffic_page_update_actions (self);
}

static void
on_item_selected (BenchTrafficPage *self)
{
  bench_traffic_detail_set_item (self->detail,
                                 bench_traffic_timeline_get_selected_item (self->timeline));
}

static void
update_summary (BenchTrafficPage *self)
{
  GListModel *all = bench_traffic_model_get_associations (self->model);
  guint n_all = g_list_model_get_n_items (all);
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint n_events = bench_traffic_model_get_n_events (self->model);
  g_autofree char *size = g_format_size (bench_traffic_model_get_raw_bytes_held (self->model));
  g_autofree char *associations = NULL;
  g_autofree char *text = NULL;

  if (n_shown < n_all)
    associations = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u association",
                                                 "%u of %u associations", n_all),
                                    n_shown, n_all);
  else
    associations = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u association",
                                                 "%u associations", n_all), n_all);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u event · %s kept",
                                       "%s · %u events · %s kept", n_events),
                          associations, n_events, size);
  gtk_label_set_text (self->summary_label, text);
  gtk_stack_set_visible_child_name (self->stack, n_all > 0 ? "traffic" : "empty");
  bench_traffic_page_update_actions (self);
}

static void
on_batch_applied (BenchTrafficPage *self)
{
  /* A batch may move an association into or out of a status class. */
  update_nodes (self);
  if (filtering (self))
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_summary (self);
}

static void
on_pdata_toggled (BenchTrafficPage *self)
{
  bench_traffic_timeline_set_show_pdata (self->timeline,
                                         gtk_toggle_button_get_active (self->pdata_button));
}

/* ---- GObject ---- */

static void
bench_traffic_page_dispose (GObject *object)
{
  BenchTrafficPage *self = BENCH_TRAFFIC_PAGE (object);
  GtkWidget *child;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_TRAFFIC_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->model);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->search_folded, g_free);
  g_clear_pointer (&self->node, g_free);
  g_clear_object (&self->nodes);
  G_OBJECT_CLASS (bench_traffic_page_parent_class)->dispose (object);
}

static void
bench_traffic_page_class_init (BenchTrafficPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_traffic_page_dispose;
  g_type_ensure (BENCH_TYPE_TRAFFIC_TIMELINE);
  g_type_ensure (BENCH_TYPE_TRAFFIC_DETAIL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-traffic-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, direction_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, node_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, service_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, filter_badge);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, pdata_button);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_node_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_pdata_toggled);
  bench_traffic_page_class_install_actions (widget_class);
}

/* The page's styles, once per display. */
static void
load_css (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (g_object_get_data (G_OBJECT (display), "bench-traffic-css") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/dimsebench/Dimsebench/bench-traffic.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "bench-traffic-css", g_steal_pointer (&provider),
                          g_object_unref);
}

static void
bench_traffic_page_init (BenchTrafficPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  load_css (GTK_WIDGET (self));
  setup_filter_lists (self);
  add_columns (self);
}

GtkWidget *
bench_traffic_page_new (BenchEngine *engine)
{
  BenchTrafficPage *self = g_object_new (BENCH_TYPE_TRAFFIC_PAGE, NULL);

  self->engine = g_object_ref (engine);
  self->model = g_object_ref (bench_engine_get_traffic (engine));
  self->filter = gtk_custom_filter_new (filter_association, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (bench_traffic_model_get_associations (self->model)),
                                              GTK_FILTER (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (self->selection);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_association_selected), self);
  g_signal_connect_swapped (self->timeline, "notify::selected-item",
                            G_CALLBACK (on_item_selected), self);
  g_signal_connect_swapped (self->model, "batch-applied", G_CALLBACK (on_batch_applied), self);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_summary), self);
  on_pdata_toggled (self);
  update_nodes (self);
  update_summary (self);
  return GTK_WIDGET (self);
}

void
bench_traffic_page_focus_search (BenchTrafficPage *self)
{
  g_return_if_fail (BENCH_IS_TRAFFIC_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
