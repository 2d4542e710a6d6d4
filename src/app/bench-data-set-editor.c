/* bench-data-set-editor.c — rows of keyword, VR and value, validated */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bench-data-set-editor.h"
#include "bench-tools-page.h"
#include "dcm-dict.h"
#include "dcm-error.h"
#include "dcm-json.h"

struct _BenchDataSetEditor
{
  GtkBox parent_instance;

  GtkListBox *rows;
  GtkWidget *load_button;
  GtkWidget *save_button;
  guint n_invalid;
};

G_DEFINE_FINAL_TYPE (BenchDataSetEditor, bench_data_set_editor, GTK_TYPE_BOX)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One element into ds, from the texts of a row; FALSE with the reason. */
static gboolean
set_element (DcmDataSet *ds, const char *keyword, const char *vr_name, const char *value,
             GError **error)
{
  guint32 tag = 0;
  DcmVR vr = DCM_VR_NONE;

  if (!dcm_dict_parse_tag (keyword, &tag))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   _("“%s” is neither a keyword of the dictionary nor a tag."), keyword);
      return FALSE;
    }
  if (vr_name[0] != '\0' && (vr = dcm_vr_from_name (vr_name)) == DCM_VR_NONE)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID, _("“%s” is not a VR."), vr_name);
      return FALSE;
    }
  if (vr == DCM_VR_NONE && dcm_dict_vr (tag) == DCM_VR_UN && dcm_dict_lookup (tag) == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   _("The dictionary does not know this tag: give its VR."));
      return FALSE;
    }
  if (vr == DCM_VR_SQ || (vr == DCM_VR_NONE && dcm_dict_vr (tag) == DCM_VR_SQ))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   _("Sequences are edited in DICOM JSON: load a file that holds them."));
      return FALSE;
    }
  return dcm_data_set_set_string (ds, tag, vr, value, error);
}

static const char *
row_text (GtkWidget *row, const char *key)
{
  return gtk_editable_get_text (g_object_get_data (G_OBJECT (row), key));
}

static gboolean
validate_row (GtkWidget *row, DcmDataSet *ds, GError **error)
{
  g_autofree char *keyword = g_strstrip (g_strdup (row_text (row, "keyword")));
  g_autofree char *vr = g_strstrip (g_ascii_strup (row_text (row, "vr"), -1));

  return set_element (ds, keyword, vr, row_text (row, "value"), error);
}

/* The box of one element inside the list box's row. */
static GtkWidget *
row_box (GtkWidget *list_row)
{
  GtkWidget *child = GTK_IS_LIST_BOX_ROW (list_row)
                     ? gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (list_row)) : NULL;

  return child != NULL && g_object_get_data (G_OBJECT (child), "error") != NULL ? child : NULL;
}

static void
remove_all (BenchDataSetEditor *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->rows, 0)) != NULL)
    gtk_list_box_remove (self->rows, GTK_WIDGET (row));
}

static void
revalidate (BenchDataSetEditor *self)
{
  g_autoptr(DcmDataSet) scratch = dcm_data_set_new ();

  self->n_invalid = 0;
  for (GtkWidget *list_row = gtk_widget_get_first_child (GTK_WIDGET (self->rows));
       list_row != NULL; list_row = gtk_widget_get_next_sibling (list_row))
    {
      GtkWidget *row = row_box (list_row);
      GtkLabel *error_label = row != NULL ? g_object_get_data (G_OBJECT (row), "error") : NULL;
      g_autoptr(GError) error = NULL;

      if (error_label == NULL)
        continue;
      if (!validate_row (row, scratch, &error))
        self->n_invalid++;
      gtk_label_set_label (error_label, error != NULL ? error->message : "");
      gtk_widget_set_visible (GTK_WIDGET (error_label), error != NULL);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_keyword_changed (GtkEditable *keyword, GtkWidget *row)
{
  GtkEditable *vr = g_object_get_data (G_OBJECT (row), "vr");
  guint32 tag = 0;
  const DcmDictEntry *entry;

  if (dcm_dict_parse_tag (gtk_editable_get_text (keyword), &tag)
      && (entry = dcm_dict_lookup (tag)) != NULL)
    gtk_editable_set_text (vr, dcm_vr_name (entry->vr[0]));
}

static void
on_remove (GtkButton *button, GtkWidget *row)
{
  BenchDataSetEditor *self = BENCH_DATA_SET_EDITOR (
    gtk_widget_get_ancestor (row, BENCH_TYPE_DATA_SET_EDITOR));

  gtk_list_box_remove (self->rows, gtk_widget_get_parent (row));
  revalidate (self);
}

static GtkWidget *
entry (GtkWidget *row, const char *key, const char *placeholder, const char *text, int chars)
{
  GtkWidget *widget = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (widget), placeholder);
  gtk_editable_set_text (GTK_EDITABLE (widget), text != NULL ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  placeholder, -1);
  /* chars wide when there is room, narrower when the page is narrow;
   * chars 0: the value, which takes the rest of the line. */
  gtk_editable_set_width_chars (GTK_EDITABLE (widget), chars > 0 ? MIN (chars, 8) : 6);
  if (chars > 0)
    gtk_editable_set_max_width_chars (GTK_EDITABLE (widget), chars);
  else
    gtk_widget_set_hexpand (widget, TRUE);
  g_object_set_data (G_OBJECT (row), key, widget);
  return widget;
}

void
bench_data_set_editor_add (BenchDataSetEditor *self, const char *keyword, const char *vr,
                           const char *value)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *error = bench_tools_label_new (NULL, "error");
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  GtkWidget *keyword_entry = entry (row, "keyword", _("Keyword or tag"), keyword, 24);

  gtk_box_append (GTK_BOX (line), keyword_entry);
  gtk_box_append (GTK_BOX (line), entry (row, "vr", _("VR"), NULL, 3));
  gtk_box_append (GTK_BOX (line), entry (row, "value", _("Value"), value, 0));
  gtk_widget_set_tooltip_text (remove, _("Remove the element"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_box_append (GTK_BOX (line), remove);
  gtk_widget_add_css_class (error, "caption");
  g_object_set_data (G_OBJECT (row), "error", error);
  gtk_box_append (GTK_BOX (row), line);
  gtk_box_append (GTK_BOX (row), error);
  g_object_set (row, "margin-top", 3, "margin-bottom", 3, "margin-start", 6, "margin-end", 6,
                NULL);
  on_keyword_changed (GTK_EDITABLE (keyword_entry), row);
  if (vr != NULL)
    gtk_editable_set_text (g_object_get_data (G_OBJECT (row), "vr"), vr);
  g_signal_connect (keyword_entry, "changed", G_CALLBACK (on_keyword_changed), row);
  g_signal_connect_swapped (keyword_entry, "changed", G_CALLBACK (revalidate), self);
  g_signal_connect_swapped (g_object_get_data (G_OBJECT (row), "vr"), "changed",
                            G_CALLBACK (revalidate), self);
  g_signal_connect_swapped (g_object_get_data (G_OBJECT (row), "value"), "changed",
                            G_CALLBACK (revalidate), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove), row);
  gtk_list_box_append (self->rows, row);
  revalidate (self);
}

void
bench_data_set_editor_clear (BenchDataSetEditor *self)
{
  remove_all (self);
  revalidate (self);
}

void
bench_data_set_editor_set_data_set (BenchDataSetEditor *self, DcmDataSet *ds)
{
  remove_all (self);
  for (guint i = 0; i < dcm_data_set_n_elements (ds); i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);
      g_autofree char *tag = g_strdup_printf ("%04X,%04X", DCM_TAG_GROUP (el->tag),
                                              DCM_TAG_ELEMENT (el->tag));
      const char *keyword = dcm_dict_keyword (el->tag);
      g_autofree char *value = el->vr != DCM_VR_SQ
                               ? dcm_data_set_get_value_string (ds, el->tag, NULL) : NULL;

      if (DCM_TAG_IS_GROUP_LENGTH (el->tag))
        continue;
      bench_data_set_editor_add (self, keyword != NULL && keyword[0] != '\0' ? keyword : tag,
                                 dcm_vr_name (el->vr), value != NULL ? value : "");
    }
  revalidate (self);
}

DcmDataSet *
bench_data_set_editor_build (BenchDataSetEditor *self, GError **error)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  for (GtkWidget *list_row = gtk_widget_get_first_child (GTK_WIDGET (self->rows));
       list_row != NULL; list_row = gtk_widget_get_next_sibling (list_row))
    {
      GtkWidget *row = row_box (list_row);

      if (row != NULL && !validate_row (row, ds, error))
        return NULL;
    }
  return g_steal_pointer (&ds);
}

gboolean
bench_data_set_editor_is_valid (BenchDataSetEditor *self)
{
  return self->n_invalid == 0;
}

/* ---- DICOM JSON ---- */

static void
toast (BenchDataSetEditor *self, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BenchDataSetEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = g_file_get_parse_name (G_FILE (source));
  g_autoptr(DcmDataSet) ds = NULL;
  gsize length = 0;

  if (g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    ds = dcm_json_parse (contents, (gssize) length, &error);
  if (ds == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("%s was not loaded: %s"), path,
                                                  error->message);
      toast (self, message);
      return;
    }
  bench_data_set_editor_set_data_set (self, ds);
}

static void
on_load_response (GtkNativeDialog *dialog, int response, BenchDataSetEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_file_load_contents_async (file, NULL, on_loaded, g_object_ref (self));
    }
  g_object_unref (dialog);
}

static void
on_load (GtkButton *button, BenchDataSetEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Load a Data Set (DICOM JSON)"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Load"), _("_Cancel"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_load_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_save (GtkButton *button, BenchDataSetEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = bench_data_set_editor_build (self, &error);
  char *json = ds != NULL ? dcm_json_to_string (ds, TRUE, NULL, &error) : NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (json == NULL)
    {
      toast (self, error->message);
      return;
    }
  bytes = g_bytes_new_take (json, strlen (json));
  bench_tools_save_bytes (GTK_WIDGET (self), _("Save the Data Set (DICOM JSON)"),
                          "data-set.json", bytes);
}

static void
bench_data_set_editor_class_init (BenchDataSetEditorClass *klass)
{
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
on_add (GtkButton *button, BenchDataSetEditor *self)
{
  bench_data_set_editor_add (self, NULL, NULL, NULL);
}

static void
bench_data_set_editor_init (BenchDataSetEditor *self)
{
  GtkWidget *buttons = bench_tools_flow_new ();
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add Element"));
  GtkWidget *placeholder;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->rows = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_set_name (GTK_WIDGET (self->rows), "composer-data-set");
  gtk_list_box_set_selection_mode (self->rows, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->rows), "boxed-list");
  placeholder = bench_tools_label_new (_("No elements: the request carries no data set unless "
                                         "one is added."), "dim-label");
  gtk_label_set_selectable (GTK_LABEL (placeholder), FALSE);
  g_object_set (placeholder, "margin-top", 12, "margin-bottom", 12, "margin-start", 12,
                "margin-end", 12, NULL);
  gtk_list_box_set_placeholder (self->rows, placeholder);
  gtk_widget_set_name (add, "composer-add-element");
  self->load_button = gtk_button_new_with_mnemonic (_("_Load JSON…"));
  self->save_button = gtk_button_new_with_mnemonic (_("Sa_ve JSON…"));
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  bench_tools_flow_append (buttons, add);
  bench_tools_flow_append (buttons, self->load_button);
  bench_tools_flow_append (buttons, self->save_button);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->rows));
  gtk_box_append (GTK_BOX (self), buttons);
  g_signal_connect (add, "clicked", G_CALLBACK (on_add), self);
  g_signal_connect (self->load_button, "clicked", G_CALLBACK (on_load), self);
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (on_save), self);
}

GtkWidget *
bench_data_set_editor_new (void)
{
  return g_object_new (BENCH_TYPE_DATA_SET_EDITOR, NULL);
}
