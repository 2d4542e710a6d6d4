/* bench-data-set-tree.c — a DICOM data set as an expandable tree */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-data-set-tree.h"
#include "dcm-parser.h"

/* Longer values are cut: the tree is for reading, not for bulk data. */
#define MAX_VALUE_CHARS 160

/* ---- one row: an element, or an item of a sequence ---- */

#define BENCH_TYPE_DATA_SET_ROW (bench_data_set_row_get_type ())
G_DECLARE_FINAL_TYPE (BenchDataSetRow, bench_data_set_row, BENCH, DATA_SET_ROW, GObject)

struct _BenchDataSetRow
{
  GObject     parent_instance;
  DcmDataSet *data_set;   /* the element's data set, or the item itself */
  guint32     tag;        /* the element; 0 for an item */
  char       *name;
  char       *vr;
  char       *value;
  guint64     offset;     /* the bytes of its top-level element in the */
  guint64     length;     /* encoding shown; length 0 when unknown */
};

G_DEFINE_FINAL_TYPE (BenchDataSetRow, bench_data_set_row, G_TYPE_OBJECT)

enum { ROW_PROP_0, ROW_PROP_NAME, ROW_PROP_VR, ROW_PROP_VALUE, N_ROW_PROPS };
static GParamSpec *row_properties[N_ROW_PROPS];

static void
bench_data_set_row_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  BenchDataSetRow *self = BENCH_DATA_SET_ROW (object);

  switch (prop_id)
    {
    case ROW_PROP_NAME: g_value_set_string (value, self->name); break;
    case ROW_PROP_VR: g_value_set_string (value, self->vr); break;
    case ROW_PROP_VALUE: g_value_set_string (value, self->value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_data_set_row_finalize (GObject *object)
{
  BenchDataSetRow *self = BENCH_DATA_SET_ROW (object);

  g_clear_pointer (&self->data_set, dcm_data_set_unref);
  g_free (self->name);
  g_free (self->vr);
  g_free (self->value);
  G_OBJECT_CLASS (bench_data_set_row_parent_class)->finalize (object);
}

static void
bench_data_set_row_class_init (BenchDataSetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = bench_data_set_row_get_property;
  object_class->finalize = bench_data_set_row_finalize;
  row_properties[ROW_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  row_properties[ROW_PROP_VR] = g_param_spec_string ("vr", NULL, NULL, NULL, ro);
  row_properties[ROW_PROP_VALUE] = g_param_spec_string ("value", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_ROW_PROPS, row_properties);
}

static void
bench_data_set_row_init (BenchDataSetRow *self)
{
}

/* Takes text. */
static char *
cut (char *text)
{
  g_autofree char *whole = text;

  if (g_utf8_strlen (whole, -1) <= MAX_VALUE_CHARS)
    return g_steal_pointer (&whole);
  *g_utf8_offset_to_pointer (whole, MAX_VALUE_CHARS) = '\0';
  return g_strconcat (whole, "…", NULL);
}

static char *
describe_value (DcmDataSet *ds, const DcmElement *el)
{
  g_autoptr(GError) error = NULL;
  char *text;

  switch (el->kind)
    {
    case DCM_VALUE_EMPTY:
      return g_strdup ("");
    case DCM_VALUE_ITEMS:
      return g_strdup_printf (ngettext ("%u item", "%u items", el->value.items->len),
                              el->value.items->len);
    case DCM_VALUE_FRAGMENTS:
      return g_strdup_printf (ngettext ("%u fragment", "%u fragments",
                                        el->value.fragments->len),
                              el->value.fragments->len);
    case DCM_VALUE_BULK:
      return g_format_size_full (el->value.bulk->length, G_FORMAT_SIZE_LONG_FORMAT);
    case DCM_VALUE_BYTES:
    default:
      break;
    }
  if (dcm_vr_kind (el->vr) == DCM_VR_KIND_BULK)
    return g_format_size_full (g_bytes_get_size (el->value.bytes), G_FORMAT_SIZE_LONG_FORMAT);
  text = dcm_data_set_get_value_string (ds, el->tag, &error);
  if (text == NULL)
    /* Translators: a value that does not decode, and why */
    return g_strdup_printf (_("(does not decode: %s)"), error->message);
  return cut (text);
}

static BenchDataSetRow *
row_new_element (DcmDataSet *ds, const DcmElement *el)
{
  BenchDataSetRow *row = g_object_new (BENCH_TYPE_DATA_SET_ROW, NULL);
  const DcmDictEntry *entry = dcm_dict_lookup (el->tag);

  row->data_set = dcm_data_set_ref (ds);
  row->tag = el->tag;
  row->name = g_strdup_printf ("%s (%04X,%04X)",
                               entry != NULL && entry->name[0] != '\0' ? entry->name
                                                                       : _("Unknown"),
                               el->tag >> 16, el->tag & 0xffff);
  row->vr = g_strdup (dcm_vr_name (el->vr));
  row->value = describe_value (ds, el);
  return row;
}

static BenchDataSetRow *
row_new_item (DcmDataSet *item, guint index)
{
  BenchDataSetRow *row = g_object_new (BENCH_TYPE_DATA_SET_ROW, NULL);
  guint n = dcm_data_set_n_elements (item);

  row->data_set = dcm_data_set_ref (item);
  /* Translators: an item of a sequence, counted from 1 */
  row->name = g_strdup_printf (_("Item %u"), index + 1);
  row->vr = g_strdup ("");
  row->value = g_strdup_printf (ngettext ("%u element", "%u elements", n), n);
  return row;
}

typedef struct {
  guint64 offset;
  guint64 length;
} Range;

/* ranges (tag → Range) places top-level elements; the rows below a
 * top-level element take its range from parent. */
static GListModel *
elements_model (DcmDataSet *ds, GHashTable *ranges, BenchDataSetRow *parent)
{
  GListStore *store = g_list_store_new (BENCH_TYPE_DATA_SET_ROW);

  for (guint i = 0; i < dcm_data_set_n_elements (ds); i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);
      g_autoptr(BenchDataSetRow) row = row_new_element (ds, el);
      Range *range = ranges != NULL ? g_hash_table_lookup (ranges, GUINT_TO_POINTER (el->tag))
                                    : NULL;

      if (range != NULL)
        {
          row->offset = range->offset;
          row->length = range->length;
        }
      else if (parent != NULL)
        {
          row->offset = parent->offset;
          row->length = parent->length;
        }
      g_list_store_append (store, row);
    }
  return G_LIST_MODEL (store);
}

/* GtkTreeListModelCreateModelFunc: a sequence opens into its items, an item
 * into its elements. */
static GListModel *
create_children (gpointer item, gpointer user_data)
{
  BenchDataSetRow *row = item;
  const DcmElement *el;
  GListStore *store;

  if (row->tag == 0)
    return elements_model (row->data_set, NULL, row);
  el = dcm_data_set_lookup (row->data_set, row->tag);
  if (el == NULL || el->kind != DCM_VALUE_ITEMS || el->value.items->len == 0)
    return NULL;
  store = g_list_store_new (BENCH_TYPE_DATA_SET_ROW);
  for (guint i = 0; i < el->value.items->len; i++)
    {
      g_autoptr(BenchDataSetRow) child = row_new_item (g_ptr_array_index (el->value.items, i), i);

      child->offset = row->offset;
      child->length = row->length;
      g_list_store_append (store, child);
    }
  return G_LIST_MODEL (store);
}

/* ---- the widget ---- */

struct _BenchDataSetTree
{
  GtkWidget parent_instance;

  GtkWidget *scrolled;
  GtkColumnView *column_view;
  GtkTreeListModel *tree;
};

G_DEFINE_FINAL_TYPE (BenchDataSetTree, bench_data_set_tree, GTK_TYPE_WIDGET)

enum { SIGNAL_ELEMENT_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
setup_label (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer expander)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (GPOINTER_TO_INT (expander))
    {
      GtkWidget *tree_expander = gtk_tree_expander_new ();

      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (tree_expander), label);
      gtk_list_item_set_child (list_item, tree_expander);
      return;
    }
  gtk_list_item_set_child (list_item, label);
}

static void
bind_label (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer property)
{
  GtkTreeListRow *tree_row = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  g_autoptr(GObject) row = gtk_tree_list_row_get_item (tree_row);
  g_autofree char *text = NULL;

  if (GTK_IS_TREE_EXPANDER (child))
    {
      gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), tree_row);
      child = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
    }
  g_object_get (row, property, &text, NULL);
  gtk_label_set_text (GTK_LABEL (child), text);
  gtk_widget_set_tooltip_text (child, text);
}

static void
add_column (BenchDataSetTree *self, const char *title, const char *property, gboolean expander,
            gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), GINT_TO_POINTER (expander));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label), (gpointer) property);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (self->column_view, column);
}

static void
on_selection_changed (GtkSingleSelection *selection, guint position, guint n_items,
                      BenchDataSetTree *self)
{
  GtkTreeListRow *tree_row = gtk_single_selection_get_selected_item (selection);
  g_autoptr(BenchDataSetRow) row = NULL;

  if (tree_row == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_ELEMENT_SELECTED], 0, (guint64) 0, (guint64) 0);
      return;
    }
  row = gtk_tree_list_row_get_item (tree_row);
  g_signal_emit (self, signals[SIGNAL_ELEMENT_SELECTED], 0, row->offset, row->length);
}

static void
show (BenchDataSetTree *self, DcmDataSet *data_set, GHashTable *ranges)
{
  GListModel *root;
  g_autoptr(GtkSingleSelection) selection = NULL;

  root = data_set != NULL ? elements_model (data_set, ranges, NULL)
                          : G_LIST_MODEL (g_list_store_new (BENCH_TYPE_DATA_SET_ROW));
  g_clear_object (&self->tree);
  self->tree = gtk_tree_list_model_new (root, FALSE, FALSE, create_children, NULL, NULL);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (selection, "selection-changed", G_CALLBACK (on_selection_changed),
                           self, 0);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

void
bench_data_set_tree_set_data_set (BenchDataSetTree *self, DcmDataSet *data_set)
{
  g_return_if_fail (BENCH_IS_DATA_SET_TREE (self));
  show (self, data_set, NULL);
}

/* Reads one top-level element at a time to learn where each lies: the tag
 * ahead, little endian (PS3.5 §7.1), bounds the next read. Big endian and
 * deflated syntaxes are read whole, without places. */
static DcmDataSet *
read_placed (GBytes *encoded, const DcmTransferSyntax *ts, GHashTable *ranges, GError **error)
{
  g_autoptr(DcmParser) parser = dcm_parser_new_for_bytes (encoded, ts, NULL);
  g_autoptr(DcmDataSet) data_set = dcm_data_set_new ();

  while (!ts->big_endian && !ts->deflated)
    {
      guint64 start = dcm_parser_get_offset (parser);
      const guint8 *data = NULL;
      gsize len = 0;
      guint32 tag;
      Range *range;

      if (!dcm_parser_peek (parser, 4, &data, &len, NULL, error))
        return NULL;
      if (len < 4)
        break;
      tag = (guint32) (data[0] | data[1] << 8) << 16 | (guint32) (data[2] | data[3] << 8);
      if (tag == G_MAXUINT32)
        break;
      if (!dcm_parser_read_until (parser, data_set, tag + 1, NULL, error))
        return NULL;
      if (dcm_parser_get_offset (parser) == start)
        break;
      range = g_new (Range, 1);
      range->offset = start;
      range->length = dcm_parser_get_offset (parser) - start;
      g_hash_table_replace (ranges, GUINT_TO_POINTER (tag), range);
    }
  if (!dcm_parser_read_until (parser, data_set, 0, NULL, error))
    return NULL;
  return g_steal_pointer (&data_set);
}

gboolean
bench_data_set_tree_set_encoded (BenchDataSetTree *self, GBytes *encoded,
                                 const DcmTransferSyntax *ts, GError **error)
{
  g_autoptr(GHashTable) ranges = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(DcmDataSet) data_set = NULL;

  g_return_val_if_fail (BENCH_IS_DATA_SET_TREE (self), FALSE);
  data_set = read_placed (encoded, ts, ranges, error);
  show (self, data_set, ranges);
  return data_set != NULL;
}

GListModel *
bench_data_set_tree_get_rows (BenchDataSetTree *self)
{
  g_return_val_if_fail (BENCH_IS_DATA_SET_TREE (self), NULL);
  return G_LIST_MODEL (self->tree);
}

static void
bench_data_set_tree_dispose (GObject *object)
{
  BenchDataSetTree *self = BENCH_DATA_SET_TREE (object);

  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_object (&self->tree);
  G_OBJECT_CLASS (bench_data_set_tree_parent_class)->dispose (object);
}

static void
bench_data_set_tree_class_init (BenchDataSetTreeClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_data_set_tree_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "datasettree");

  /* A row was selected (offset and length of the bytes of its top-level
   * element in the encoding given to set_encoded; length 0 when unknown
   * or when no row is selected). */
  signals[SIGNAL_ELEMENT_SELECTED] =
    g_signal_new ("element-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
bench_data_set_tree_init (BenchDataSetTree *self)
{
  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->column_view), "data-set-tree");
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  add_column (self, _("Element"), "name", TRUE, TRUE);
  add_column (self, _("VR"), "vr", FALSE, FALSE);
  add_column (self, _("Value"), "value", FALSE, TRUE);
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled),
                                 GTK_WIDGET (self->column_view));
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
  bench_data_set_tree_set_data_set (self, NULL);
}

GtkWidget *
bench_data_set_tree_new (void)
{
  return g_object_new (BENCH_TYPE_DATA_SET_TREE, NULL);
}
