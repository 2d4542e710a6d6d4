/* bench-query-tree.c — the results as a tree in the column view: studies
 * that expand into series and series into instances, each level fetched by
 * its own C-FIND once its parent is first expanded (PS3.4 C.4.1.2.2:
 * SERIES level with the Study Instance UID, IMAGE level with the Study and
 * Series Instance UIDs) */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-query-format.h"
#include "bench-query-page-private.h"

typedef struct {
  const char *title;
  int         fixed_width;     /* -1: natural */
  gboolean    visible;
  gboolean    expand;
} ColumnInfo;

static const ColumnInfo column_info[BENCH_QUERY_N_COLUMNS] = {
  [BENCH_QUERY_COLUMN_NAME]        = { N_("Patient"), 180, TRUE, TRUE },
  [BENCH_QUERY_COLUMN_PATIENT_ID]  = { N_("Patient ID"), 90, TRUE, FALSE },
  [BENCH_QUERY_COLUMN_BIRTH_DATE]  = { N_("Birth Date"), 90, TRUE, FALSE },
  [BENCH_QUERY_COLUMN_DATE]        = { N_("Date"), 90, TRUE, FALSE },
  [BENCH_QUERY_COLUMN_DESCRIPTION] = { N_("Description"), 150, TRUE, TRUE },
  [BENCH_QUERY_COLUMN_MODALITY]    = { N_("Modality"), 70, TRUE, FALSE },
  [BENCH_QUERY_COLUMN_ACCESSION]   = { N_("Accession"), 90, TRUE, FALSE },
  [BENCH_QUERY_COLUMN_REFERRING]   = { N_("Referring Physician"), 170, FALSE, FALSE },
  [BENCH_QUERY_COLUMN_COUNT]       = { N_("Series and Instances"), 170, TRUE, FALSE },
};

static BenchQueryItem *
row_item (GtkListItem *list_item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

/* ---- the lazy C-FINDs below a row ---- */

static void
on_children_results (BenchQueryOp *op, GPtrArray *batch, gpointer user_data)
{
  BenchQueryItem *item = user_data;
  GListStore *children = bench_query_item_get_children (item);

  (void) op;
  g_list_store_splice (children, g_list_model_get_n_items (G_LIST_MODEL (children)), 0,
                       batch->pdata, batch->len);
}

static void
on_children_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BenchQueryItem) item = user_data;
  g_autoptr(GError) error = NULL;

  if (bench_query_op_run_finish (BENCH_QUERY_OP (source), result, NULL, &error))
    bench_query_item_set_children_state (item, BENCH_QUERY_CHILDREN_LOADED, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    bench_query_item_set_children_state (item, BENCH_QUERY_CHILDREN_NOT_LOADED, NULL);
  else
    bench_query_item_set_children_state (item, BENCH_QUERY_CHILDREN_FAILED, error->message);
}

static void
load_children (BenchQueryPage *self, BenchQueryItem *item)
{
  g_autoptr(DcmDataSet) identifier = NULL;
  g_autoptr(BenchQueryOp) op = NULL;
  const char *charset = bench_node_get_charset (self->node);
  gboolean patient_root = bench_node_get_query_model (self->node) == BENCH_QUERY_MODEL_PATIENT_ROOT;
  const char *patient_id = patient_root ? bench_query_item_get_patient_id (item) : NULL;
  BenchQueryLevel child_level;

  if (bench_query_item_get_level (item) == BENCH_QUERY_LEVEL_STUDY)
    {
      identifier = bench_query_build_series_identifier (patient_id,
                                                        bench_query_item_get_study_uid (item),
                                                        charset);
      child_level = BENCH_QUERY_LEVEL_SERIES;
    }
  else
    {
      identifier = bench_query_build_instance_identifier (patient_id,
                                                          bench_query_item_get_study_uid (item),
                                                          bench_query_item_get_series_uid (item),
                                                          charset);
      child_level = BENCH_QUERY_LEVEL_INSTANCE;
    }
  bench_query_item_set_children_state (item, BENCH_QUERY_CHILDREN_LOADING, NULL);
  op = bench_query_op_new (self->engine, self->node, identifier, child_level, item);
  g_signal_connect_object (op, "results", G_CALLBACK (on_children_results), item, 0);
  bench_query_op_run_async (op, self->cancellable, on_children_done, g_object_ref (item));
}

static void
on_row_expanded (GtkTreeListRow *row, GParamSpec *pspec, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  g_autoptr(BenchQueryItem) item = gtk_tree_list_row_get_item (row);
  BenchQueryChildrenState state;

  (void) pspec;
  /* A row collapses as its item leaves the model, with no item left. */
  if (item == NULL || !gtk_tree_list_row_get_expanded (row) || self->node == NULL)
    return;
  state = bench_query_item_get_children_state (item);
  if (state == BENCH_QUERY_CHILDREN_NOT_LOADED || state == BENCH_QUERY_CHILDREN_FAILED)
    load_children (self, item);
}

static GListModel *
create_children (gpointer item, gpointer user_data)
{
  GListStore *children = bench_query_item_get_children (item);

  (void) user_data;
  return children != NULL ? g_object_ref (G_LIST_MODEL (children)) : NULL;
}

/* ---- the cells ---- */

static void
on_cell_pressed (GtkGestureClick *gesture, int n_press, double x, double y, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkListItem *list_item = g_object_get_data (G_OBJECT (gesture), "list-item");
  BenchQueryColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (gesture), "column"));
  g_autoptr(BenchQueryItem) item = NULL;
  guint position = gtk_list_item_get_position (list_item);
  double px = 0, py = 0;

  (void) n_press;
  if (position == GTK_INVALID_LIST_POSITION || gtk_list_item_get_item (list_item) == NULL)
    return;
  item = row_item (list_item);
  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  g_free (self->popover_value);
  self->popover_value = g_strdup (bench_query_item_get_text (item, column));
  gtk_widget_translate_coordinates (cell, GTK_WIDGET (self), x, y, &px, &py);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_popover),
                               &(GdkRectangle) { (int) px, (int) py, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->row_popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
add_context_gesture (BenchQueryPage *self, GtkWidget *cell, GtkListItem *list_item,
                     BenchQueryColumn column)
{
  GtkGesture *gesture = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_object_set_data (G_OBJECT (gesture), "list-item", list_item);
  g_object_set_data (G_OBJECT (gesture), "column", GUINT_TO_POINTER (column));
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_cell_pressed), self);
  gtk_widget_add_controller (cell, GTK_EVENT_CONTROLLER (gesture));
}

static GtkWidget *
new_cell_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  return label;
}

static void
setup_text_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  BenchQueryColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = new_cell_label ();

  if (column == BENCH_QUERY_COLUMN_COUNT || column == BENCH_QUERY_COLUMN_DATE
      || column == BENCH_QUERY_COLUMN_BIRTH_DATE)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
  add_context_gesture (self, label, list_item, column);
}

static void
bind_text_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  BenchQueryColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  g_autoptr(BenchQueryItem) item = row_item (list_item);

  (void) user_data;
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      item != NULL ? bench_query_item_get_text (item, column) : "");
}

/* The name cell: expander, name, a spinner while the children load, an
 * icon when loading them failed (the reason as its tooltip). */
static void
setup_name_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = new_cell_label ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *error_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  (void) factory;
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (error_icon, "warning");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), error_icon);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
  g_object_set_data (G_OBJECT (list_item), "label", label);
  g_object_set_data (G_OBJECT (list_item), "spinner", spinner);
  g_object_set_data (G_OBJECT (list_item), "error-icon", error_icon);
  add_context_gesture (self, expander, list_item, BENCH_QUERY_COLUMN_NAME);
}

static void
update_children_state (BenchQueryItem *item, GParamSpec *pspec, GtkListItem *list_item)
{
  BenchQueryChildrenState state = bench_query_item_get_children_state (item);
  GtkWidget *spinner = g_object_get_data (G_OBJECT (list_item), "spinner");
  GtkWidget *error_icon = g_object_get_data (G_OBJECT (list_item), "error-icon");

  (void) pspec;
  gtk_widget_set_visible (spinner, state == BENCH_QUERY_CHILDREN_LOADING);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), state == BENCH_QUERY_CHILDREN_LOADING);
  gtk_widget_set_visible (error_icon, state == BENCH_QUERY_CHILDREN_FAILED);
  gtk_widget_set_tooltip_text (error_icon, bench_query_item_get_children_error (item));
}

static void
bind_name_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(BenchQueryItem) item = row_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *label = g_object_get_data (G_OBJECT (list_item), "label");
  gulong row_handler, item_handler;

  (void) factory;
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (label), bench_query_item_get_text (item, BENCH_QUERY_COLUMN_NAME));
  row_handler = g_signal_connect (row, "notify::expanded", G_CALLBACK (on_row_expanded), self);
  item_handler = g_signal_connect (item, "notify::children-state",
                                   G_CALLBACK (update_children_state), list_item);
  g_object_set_data (G_OBJECT (list_item), "row-handler", GSIZE_TO_POINTER (row_handler));
  g_object_set_data (G_OBJECT (list_item), "item-handler", GSIZE_TO_POINTER (item_handler));
  update_children_state (item, NULL, list_item);
}

static void
unbind_name_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(BenchQueryItem) item = row_item (list_item);
  gulong row_handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "row-handler"));
  gulong item_handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "item-handler"));

  (void) factory;
  (void) user_data;
  if (row != NULL && row_handler != 0)
    g_signal_handler_disconnect (row, row_handler);
  if (item != NULL && item_handler != 0)
    g_signal_handler_disconnect (item, item_handler);
  g_object_set_data (G_OBJECT (list_item), "row-handler", NULL);
  g_object_set_data (G_OBJECT (list_item), "item-handler", NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)), NULL);
}

/* Enter or a double click opens a row, or closes it. */
static void
on_activate (GtkColumnView *view, guint position, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  (void) view;
  if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

/* ---- the columns ---- */

static int
compare_items (gconstpointer a, gconstpointer b, gpointer user_data)
{
  int order = bench_query_item_compare ((BenchQueryItem *) a, (BenchQueryItem *) b,
                                        GPOINTER_TO_UINT (user_data));

  return order < 0 ? GTK_ORDERING_SMALLER : order > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static GtkColumnViewColumn *
new_column (BenchQueryPage *self, BenchQueryColumn column)
{
  const ColumnInfo *info = &column_info[column];
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = NULL;
  GtkColumnViewColumn *view_column;

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (column));
  if (column == BENCH_QUERY_COLUMN_NAME)
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_name_cell), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_name_cell), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_name_cell), self);
    }
  else
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_text_cell), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_text_cell), self);
    }
  view_column = gtk_column_view_column_new (_(info->title), factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_items, GUINT_TO_POINTER (column), NULL));
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_expand (view_column, info->expand);
  gtk_column_view_column_set_fixed_width (view_column, info->fixed_width);
  gtk_column_view_column_set_visible (view_column, info->visible);
  g_object_set_data (G_OBJECT (view_column), "column", GUINT_TO_POINTER (column));
  return view_column;
}

/* A "columns" action group of one boolean action per column, bound to
 * the column's visibility, and its menu. */
static void
setup_column_chooser (BenchQueryPage *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GMenu) menu = g_menu_new ();

  /* The first column holds the expanders: it always shows. */
  for (guint i = BENCH_QUERY_COLUMN_NAME + 1; i < BENCH_QUERY_N_COLUMNS; i++)
    {
      g_autofree char *name = g_strdup_printf ("column-%u", i);
      g_autofree char *detailed = g_strdup_printf ("columns.%s", name);
      g_autoptr(GPropertyAction) action = g_property_action_new (name, self->columns[i],
                                                                 "visible");

      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
      g_menu_append (menu, _(column_info[i].title), detailed);
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "columns", G_ACTION_GROUP (group));
  gtk_menu_button_set_menu_model (self->columns_button, G_MENU_MODEL (menu));
}

void
bench_query_tree_setup (BenchQueryPage *self)
{
  GtkSorter *view_sorter;

  self->studies = g_list_store_new (BENCH_TYPE_QUERY_ITEM);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->studies)), FALSE, FALSE,
                                        create_children, NULL, NULL);
  for (guint i = 0; i < BENCH_QUERY_N_COLUMNS; i++)
    {
      self->columns[i] = new_column (self, i);
      gtk_column_view_append_column (self->column_view, self->columns[i]);
    }
  view_sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->tree)),
                                          GTK_SORTER (gtk_tree_list_row_sorter_new (
                                            g_object_ref (view_sorter))));
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->column_view, "activate", G_CALLBACK (on_activate), self);
  setup_column_chooser (self);
  self->row_popover = gtk_popover_menu_new_from_model (self->row_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->row_popover), FALSE);
  gtk_widget_set_halign (self->row_popover, GTK_ALIGN_START);
  gtk_widget_set_parent (self->row_popover, GTK_WIDGET (self));
}

/* ---- reading the selection and the tree ---- */

static BenchQueryItem *
item_at (BenchQueryPage *self, guint position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  return gtk_tree_list_row_get_item (row);
}

GPtrArray *
bench_query_tree_get_selected (BenchQueryPage *self)
{
  g_autoptr(GtkBitset) selected =
    gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GHashTable) set = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      BenchQueryItem *item = item_at (self, position);

      g_hash_table_add (set, item);
      g_ptr_array_add (items, g_object_ref (item));
    }
  for (guint i = items->len; i-- > 0;)
    for (BenchQueryItem *p = bench_query_item_get_parent (items->pdata[i]); p != NULL;
         p = bench_query_item_get_parent (p))
      if (g_hash_table_contains (set, p))
        {
          g_ptr_array_remove_index (items, i);
          break;
        }
  return items;
}

static void
collect (GListModel *model, GPtrArray *items)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      BenchQueryItem *item = g_list_model_get_item (model, i);
      GListStore *children = bench_query_item_get_level (item) != BENCH_QUERY_LEVEL_INSTANCE
                             && bench_query_item_get_children_state (item) != BENCH_QUERY_CHILDREN_NOT_LOADED
                             ? bench_query_item_get_children (item) : NULL;

      g_ptr_array_add (items, item);
      if (children != NULL)
        collect (G_LIST_MODEL (children), items);
    }
}

GPtrArray *
bench_query_tree_collect (BenchQueryPage *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  collect (G_LIST_MODEL (self->studies), items);
  return items;
}

void
bench_query_tree_get_visible (BenchQueryPage *self, GArray *columns)
{
  GListModel *view_columns = gtk_column_view_get_columns (self->column_view);
  guint n = g_list_model_get_n_items (view_columns);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (view_columns, i);
      BenchQueryColumn id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), "column"));

      if (gtk_column_view_column_get_visible (column))
        g_array_append_val (columns, id);
    }
}
