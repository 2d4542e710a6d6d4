/* bench-composer.c — the message composer's view */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-composer-op.h"
#include "bench-composer.h"
#include "bench-data-set-editor.h"
#include "bench-tools-page.h"
#include "dcm-dict.h"
#include "dcm-uid.h"

/* What each service needs and what it is filled with at first: the
 * SOP classes and well-known instances PS3.4 uses them with. */
typedef struct {
  const char       *name;
  DimseCommandField command;
  const char       *sop_class_uid;
  const char       *sop_instance_uid;   /* NULL: none needed or the SCP's */
  guint16           type_id;            /* 0: no Event/Action Type ID */
  const char       *data_set[2][2];     /* keyword, value */
} Service;

static const Service services[] = {
  { "C-ECHO", DIMSE_C_ECHO_RQ, DCM_UID_VERIFICATION, NULL, 0, { { NULL } } },
  { "C-FIND", DIMSE_C_FIND_RQ, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND, NULL,
    0, { { "QueryRetrieveLevel", "STUDY" }, { "PatientName", "*" } } },
  { "N-GET", DIMSE_N_GET_RQ, DCM_UID_PRINTER, DCM_UID_PRINTER_INSTANCE, 0, { { NULL } } },
  { "N-SET", DIMSE_N_SET_RQ, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP, NULL, 0,
    { { "PerformedProcedureStepStatus", "COMPLETED" } } },
  { "N-ACTION", DIMSE_N_ACTION_RQ, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
    DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 1, { { "TransactionUID", NULL } } },
  { "N-CREATE", DIMSE_N_CREATE_RQ, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP, NULL, 0,
    { { "PerformedProcedureStepStatus", "IN PROGRESS" } } },
  { "N-DELETE", DIMSE_N_DELETE_RQ, DCM_UID_BASIC_FILM_SESSION, NULL, 0, { { NULL } } },
  { "N-EVENT-REPORT", DIMSE_N_EVENT_REPORT_RQ, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
    DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, 1, { { "TransactionUID", NULL } } },
};

struct _BenchComposer
{
  GtkBox parent_instance;

  BenchEngine *engine;
  GtkWidget *node_chooser;
  GtkDropDown *service;
  GtkDropDown *sop_class_names;
  GtkStringList *sop_class_uids;       /* beside sop_class_names' model */
  GtkEditable *sop_class;
  GtkEditable *sop_instance;
  GtkSpinButton *type_id;
  GtkEditable *attributes;
  GtkLabel *command_fields;
  BenchDataSetEditor *editor;
  GtkWidget *send_button;
  GtkLabel *status;
  GtkTextBuffer *response;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (BenchComposer, bench_composer, GTK_TYPE_BOX)

static const Service *
current_service (BenchComposer *self)
{
  guint i = gtk_drop_down_get_selected (self->service);

  return i < G_N_ELEMENTS (services) ? &services[i] : &services[0];
}

/* N-GET's Attribute Identifier List: keywords or tags, by commas. */
static gboolean
parse_attributes (const char *text, GArray *tags, GError **error)
{
  g_auto(GStrv) words = g_strsplit_set (text, ",; ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint32 tag = 0;

      if (words[i][0] == '\0')
        continue;
      if (!dcm_dict_parse_tag (words[i], &tag))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” in the attribute list is neither a keyword nor a tag."), words[i]);
          return FALSE;
        }
      g_array_append_val (tags, tag);
    }
  return TRUE;
}

/* One command element as "(0000,0100) Command Field   C-ECHO-RQ (0030H)";
 * names as in PS3.7 Annex E. */
static void
add_line (GString *text, const char *element, const char *name, const char *value)
{
  g_string_append_printf (text, "(0000,%s) %-26s %s\n", element, name, value);
}

static void
update_command_fields (BenchComposer *self)
{
  const Service *service = current_service (self);
  const char *sop_class = gtk_editable_get_text (self->sop_class);
  const char *instance = gtk_editable_get_text (self->sop_instance);
  gboolean n = service->command >= DIMSE_N_EVENT_REPORT_RQ;
  gboolean requested = service->command == DIMSE_N_GET_RQ || service->command == DIMSE_N_SET_RQ
                       || service->command == DIMSE_N_ACTION_RQ
                       || service->command == DIMSE_N_DELETE_RQ;
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean has_data_set = service->command != DIMSE_C_ECHO_RQ
                          && service->command != DIMSE_N_GET_RQ
                          && service->command != DIMSE_N_DELETE_RQ;

  g_autofree char *command = g_strdup_printf ("%s (%04XH)",
                                              dimse_command_field_name (service->command),
                                              service->command);
  g_autofree char *type_id = g_strdup_printf ("%d",
                                              gtk_spin_button_get_value_as_int (self->type_id));
  const char *attributes = gtk_editable_get_text (self->attributes);

  /* PS3.7 Tables 9.3-x and 10.3-x: the fields of each request. */
  add_line (text, "0100", "Command Field", command);
  add_line (text, requested ? "0003" : "0002",
            requested ? "Requested SOP Class UID" : "Affected SOP Class UID", sop_class);
  add_line (text, "0110", "Message ID", _("the association’s next"));
  if (!n && service->command != DIMSE_C_ECHO_RQ)
    add_line (text, "0700", "Priority", "MEDIUM (0000H)");
  if (n && (instance[0] != '\0' || service->command != DIMSE_N_CREATE_RQ))
    add_line (text, requested ? "1001" : "1000",
              requested ? "Requested SOP Instance UID" : "Affected SOP Instance UID", instance);
  if (service->command == DIMSE_N_ACTION_RQ)
    add_line (text, "1008", "Action Type ID", type_id);
  if (service->command == DIMSE_N_EVENT_REPORT_RQ)
    add_line (text, "1002", "Event Type ID", type_id);
  if (service->command == DIMSE_N_GET_RQ)
    add_line (text, "1005", "Attribute Identifier List",
              attributes[0] != '\0' ? attributes : _("(all)"));
  add_line (text, "0800", "Command Data Set Type", has_data_set ? "0001H" : "0101H");
  g_string_truncate (text, text->len - 1);
  gtk_label_set_label (self->command_fields, text->str);
  gtk_widget_set_sensitive (self->send_button, self->cancellable == NULL
                            && bench_data_set_editor_is_valid (self->editor));
}

static void
on_service_changed (BenchComposer *self)
{
  const Service *service = current_service (self);
  gboolean n = service->command >= DIMSE_N_EVENT_REPORT_RQ;
  gboolean typed = service->command == DIMSE_N_ACTION_RQ
                   || service->command == DIMSE_N_EVENT_REPORT_RQ;

  gtk_editable_set_text (self->sop_class, service->sop_class_uid);
  gtk_editable_set_text (self->sop_instance, service->sop_instance_uid != NULL
                                             ? service->sop_instance_uid : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->sop_instance), n);
  gtk_spin_button_set_value (self->type_id, service->type_id);
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_id), typed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attributes), service->command == DIMSE_N_GET_RQ);
  bench_data_set_editor_clear (self->editor);
  for (guint i = 0; i < G_N_ELEMENTS (service->data_set) && service->data_set[i][0] != NULL;
       i++)
    {
      g_autofree char *uid = service->data_set[i][1] == NULL ? dcm_uid_generate () : NULL;

      bench_data_set_editor_add (self->editor, service->data_set[i][0], NULL,
                                 uid != NULL ? uid : service->data_set[i][1]);
    }
  update_command_fields (self);
}

static void
on_sop_class_name_chosen (GtkDropDown *names, GParamSpec *pspec, BenchComposer *self)
{
  guint i = gtk_drop_down_get_selected (names);
  const char *uid = i != GTK_INVALID_LIST_POSITION
                    ? gtk_string_list_get_string (self->sop_class_uids, i) : NULL;

  if (uid != NULL && !g_str_equal (uid, gtk_editable_get_text (self->sop_class)))
    gtk_editable_set_text (self->sop_class, uid);
}

/* Shows the registry's name of the UID typed, when it has one. */
static void
on_sop_class_changed (BenchComposer *self)
{
  const char *uid = gtk_editable_get_text (self->sop_class);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sop_class_uids));

  for (guint i = 0; i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (self->sop_class_uids, i), uid))
      {
        if (gtk_drop_down_get_selected (self->sop_class_names) != i)
          gtk_drop_down_set_selected (self->sop_class_names, i);
        return;
      }
  gtk_drop_down_set_selected (self->sop_class_names, GTK_INVALID_LIST_POSITION);
}

/* ---- sending ---- */

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BenchComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchComposerResult) result = bench_composer_op_send_finish (res, &error);

  g_clear_object (&self->cancellable);
  update_command_fields (self);
  if (result == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not sent: %s"), error->message);

      gtk_label_set_label (self->status, text);
      gtk_text_buffer_set_text (self->response, "", -1);
      return;
    }
  gtk_label_set_label (self->status, result->status_text);
  gtk_text_buffer_set_text (self->response, result->response, -1);
}

static BenchComposerRequest *
build_request (BenchComposer *self, GError **error)
{
  const Service *service = current_service (self);
  g_autoptr(BenchComposerRequest) request = bench_composer_request_new (service->command);
  g_autofree char *instance = g_strstrip (g_strdup (gtk_editable_get_text (self->sop_instance)));
  gboolean has_data_set = service->command != DIMSE_C_ECHO_RQ
                          && service->command != DIMSE_N_GET_RQ
                          && service->command != DIMSE_N_DELETE_RQ;

  request->sop_class_uid = g_strstrip (g_strdup (gtk_editable_get_text (self->sop_class)));
  if (!dcm_uid_is_valid (request->sop_class_uid))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The SOP Class UID “%s” is not a valid UID."), request->sop_class_uid);
      return NULL;
    }
  if (instance[0] != '\0')
    request->sop_instance_uid = g_steal_pointer (&instance);
  request->type_id = (guint16) gtk_spin_button_get_value_as_int (self->type_id);
  if (service->command == DIMSE_N_GET_RQ
      && !parse_attributes (gtk_editable_get_text (self->attributes), request->attribute_tags,
                            error))
    return NULL;
  if (has_data_set && (request->data_set = bench_data_set_editor_build (self->editor, error)) == NULL)
    return NULL;
  return g_steal_pointer (&request);
}

static void
on_send (GtkButton *button, BenchComposer *self)
{
  BenchNode *node = bench_tools_node_chooser_get_node (self->node_chooser);
  g_autoptr(GError) error = NULL;
  BenchComposerRequest *request;

  if (node == NULL || self->cancellable != NULL)
    return;
  request = build_request (self, &error);
  if (request == NULL)
    {
      gtk_label_set_label (self->status, error->message);
      return;
    }
  self->cancellable = g_cancellable_new ();
  gtk_label_set_label (self->status, _("Sending…"));
  gtk_text_buffer_set_text (self->response, "", -1);
  update_command_fields (self);
  bench_composer_op_send_async (self->engine, node, request, self->cancellable, on_sent,
                                g_object_ref (self));
}

/* ---- building ---- */

static GtkWidget *
field (GtkWidget *grid, int row, const char *title, GtkWidget *widget, const char *name)
{
  GtkWidget *label = bench_tools_label_new (title, "dim-label");

  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_label_set_use_underline (GTK_LABEL (label), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_name (widget, name);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (GTK_GRID (grid), label, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), widget, 1, row, 1, 1);
  return widget;
}

static GtkWidget *
build_sop_class_names (BenchComposer *self)
{
  GtkStringList *names = gtk_string_list_new (NULL);
  GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL,
                                                            "string");
  GtkWidget *dropdown;

  self->sop_class_uids = gtk_string_list_new (NULL);
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);

      if (entry->retired || (entry->type != DCM_UID_TYPE_SOP_CLASS
                             && entry->type != DCM_UID_TYPE_META_SOP_CLASS))
        continue;
      gtk_string_list_append (names, entry->name);
      gtk_string_list_append (self->sop_class_uids, entry->uid);
    }
  dropdown = gtk_drop_down_new (G_LIST_MODEL (names), expression);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (dropdown), TRUE);
  bench_tools_drop_down_ellipsize (GTK_DROP_DOWN (dropdown));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), GTK_INVALID_LIST_POSITION);
  self->sop_class_names = GTK_DROP_DOWN (dropdown);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_sop_class_name_chosen), self);
  return dropdown;
}

static GtkWidget *
build_form (BenchComposer *self, GListModel *nodes)
{
  GtkWidget *grid = gtk_grid_new ();
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *sop_class = gtk_entry_new ();
  GtkWidget *instance = gtk_entry_new ();
  GtkWidget *attributes = gtk_entry_new ();

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    gtk_string_list_append (names, services[i].name);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  self->node_chooser = field (grid, 0, _("_Node"),
                              bench_tools_node_chooser_new (nodes, "composer-node"),
                              "composer-node");
  self->service = GTK_DROP_DOWN (field (grid, 1, _("_Service"),
                                       gtk_drop_down_new (g_object_ref (G_LIST_MODEL (names)),
                                                          NULL),
                                       "composer-service"));
  field (grid, 2, _("SOP class _name"), build_sop_class_names (self), "composer-sop-class-name");
  self->sop_class = GTK_EDITABLE (field (grid, 3, _("SOP _Class UID"), sop_class,
                                         "composer-sop-class"));
  self->sop_instance = GTK_EDITABLE (field (grid, 4, _("SOP _Instance UID"), instance,
                                            "composer-sop-instance"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (instance), _("N-CREATE: empty lets the SCP name it"));
  /* Room for a whole UID (PS3.5 §9.1: at most 64 characters) when there is. */
  gtk_editable_set_max_width_chars (GTK_EDITABLE (sop_class), 64);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (instance), 64);
  self->type_id = GTK_SPIN_BUTTON (field (grid, 5, _("Event/Action _Type ID"),
                                          gtk_spin_button_new_with_range (0, 65535, 1),
                                          "composer-type-id"));
  self->attributes = GTK_EDITABLE (field (grid, 6, _("N-GET _attributes"), attributes,
                                          "composer-attributes"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (attributes), _("Keywords or tags; empty for all"));
  g_signal_connect_swapped (self->service, "notify::selected", G_CALLBACK (on_service_changed),
                            self);
  g_signal_connect_swapped (sop_class, "changed", G_CALLBACK (update_command_fields), self);
  g_signal_connect_swapped (sop_class, "changed", G_CALLBACK (on_sop_class_changed), self);
  g_signal_connect_swapped (instance, "changed", G_CALLBACK (update_command_fields), self);
  g_signal_connect_swapped (attributes, "changed", G_CALLBACK (update_command_fields), self);
  g_signal_connect_swapped (self->type_id, "value-changed", G_CALLBACK (update_command_fields),
                            self);
  return grid;
}

static GtkWidget *
build_response (BenchComposer *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  self->status = GTK_LABEL (bench_tools_label_new (_("No request sent yet."), "heading"));
  gtk_widget_set_name (GTK_WIDGET (self->status), "composer-status");
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_widget_set_name (view, "composer-response");
  self->response = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (box, TRUE);
  /* The form gives way first: the response keeps room for a line. */
  gtk_widget_set_size_request (box, 180, -1);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), bench_tools_label_new (_("Response"), "title-4"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (box), scrolled);
  return box;
}

static void
bench_composer_dispose (GObject *object)
{
  BenchComposer *self = BENCH_COMPOSER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->sop_class_uids);
  G_OBJECT_CLASS (bench_composer_parent_class)->dispose (object);
}

static void
bench_composer_class_init (BenchComposerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_composer_dispose;
}

static void
bench_composer_init (BenchComposer *self)
{
}

GtkWidget *
bench_composer_new (BenchEngine *engine, GListModel *nodes)
{
  BenchComposer *self = g_object_new (BENCH_TYPE_COMPOSER, "orientation",
                                      GTK_ORIENTATION_HORIZONTAL, "spacing", 18, NULL);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *command = bench_tools_label_new (NULL, "monospace");
  GtkWidget *command_scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  self->engine = g_object_ref (engine);
  gtk_widget_set_name (GTK_WIDGET (self), "composer-view");
  g_object_set (self, "margin-top", 12, "margin-bottom", 12, "margin-start", 12,
                "margin-end", 12, NULL);
  self->editor = BENCH_DATA_SET_EDITOR (bench_data_set_editor_new ());
  self->command_fields = GTK_LABEL (command);
  gtk_widget_set_name (command, "composer-command-fields");
  self->send_button = gtk_button_new_with_mnemonic (_("Se_nd"));
  gtk_widget_set_name (self->send_button, "composer-send");
  gtk_widget_add_css_class (self->send_button, "suggested-action");
  gtk_widget_set_halign (self->send_button, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (left), build_form (self, nodes));
  gtk_box_append (GTK_BOX (left), bench_tools_label_new (_("Command"), "title-4"));
  gtk_box_append (GTK_BOX (left), command_scroller);
  gtk_box_append (GTK_BOX (left), bench_tools_label_new (_("Data Set"), "title-4"));
  gtk_box_append (GTK_BOX (left), GTK_WIDGET (self->editor));
  gtk_box_append (GTK_BOX (left), self->send_button);
  /* As wide as the form wants up to 520 pixels, narrower when the page is. */
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 520);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 520);
  adw_clamp_set_child (ADW_CLAMP (clamp), left);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_label_set_wrap (GTK_LABEL (command), FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (command_scroller), command);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (command_scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (command_scroller),
                                                    TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_set_hexpand (scrolled, FALSE);
  gtk_box_append (GTK_BOX (self), scrolled);
  gtk_box_append (GTK_BOX (self), build_response (self));
  g_signal_connect_swapped (self->editor, "changed", G_CALLBACK (update_command_fields), self);
  g_signal_connect (self->send_button, "clicked", G_CALLBACK (on_send), self);
  on_service_changed (self);
  return GTK_WIDGET (self);
}

gboolean
bench_composer_select_service (BenchComposer *composer, const char *name)
{
  g_return_val_if_fail (BENCH_IS_COMPOSER (composer), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    if (g_str_equal (services[i].name, name))
      {
        gtk_drop_down_set_selected (composer->service, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
bench_composer_get_sending (BenchComposer *composer)
{
  g_return_val_if_fail (BENCH_IS_COMPOSER (composer), FALSE);
  return composer->cancellable != NULL;
}
