/* bench-query-page.c — the query form, the run of the study-level C-FIND,
 * the states of its results, and what the user does with the rows:
 * retrieve, copy, export */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "bench-query-export.h"
#include "bench-query-format.h"
#include "bench-query-page-private.h"
#include "bench-retrieve-job.h"
#include "dimse-error.h"
#include "dimse-status.h"
#include "dimse-web-error.h"

G_DEFINE_FINAL_TYPE (BenchQueryPage, bench_query_page, GTK_TYPE_WIDGET)

static const char *const modalities[] = { NULL, "CT", "MR", "CR", "DX", "US", "MG", "PT", "NM",
                                          "XA", "RF", "OT" };

/* ---- states ---- */

static void
show_status (BenchQueryPage *self, const char *icon, const char *title, const char *description,
             gboolean can_retry)
{
  adw_status_page_set_icon_name (self->status_page, icon);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->status_button), can_retry);
  gtk_stack_set_visible_child_name (self->results_stack, "status");
}

static void
show_ready (BenchQueryPage *self)
{
  if (self->node == NULL)
    {
      show_status (self, "network-server-symbolic", _("No Node Selected"),
                   _("Choose a node in the sidebar, or add one, to search it for studies."),
                   FALSE);
      gtk_label_set_text (self->summary_label, "");
      return;
    }
  show_status (self, "system-search-symbolic", _("Search for Studies"),
               _("Type a patient name or ID and press Enter. Search with every field empty to "
                 "list all the studies the node holds."), FALSE);
  gtk_label_set_text (self->summary_label, "");
}

static void
set_running (BenchQueryPage *self, gboolean running)
{
  gtk_stack_set_visible_child_name (self->run_stack, running ? "stop" : "search");
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), running);
  gtk_spinner_set_spinning (self->spinner, running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "query.cancel", running);
}

/* Each kind of failure in words a radiographer can act on; the engine's
 * message (with the Annex C meaning of a failure status) as the detail. */
static void
show_error (BenchQueryPage *self, const GError *error)
{
  const char *name = bench_node_get_name (self->node);
  g_autofree char *title = NULL;
  const char *icon = "dialog-error-symbolic";
  /* The description is markup; a message may quote a URL with "&". */
  g_autofree char *detail = g_markup_escape_text (error->message, -1);

  if (g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION)
      || g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT)
      || g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_CONNECTION)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      title = g_strdup_printf (_("Cannot Reach “%s”"), name);
      icon = "network-offline-symbolic";
    }
  else if (g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED)
           || g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_ABORTED))
    {
      title = g_strdup_printf (_("“%s” Refused the Connection"), name);
      icon = "action-unavailable-symbolic";
    }
  else if (g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT))
    {
      title = g_strdup_printf (_("“%s” Does Not Answer This Kind of Query"), name);
      icon = "action-unavailable-symbolic";
    }
  else if (g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_UNAUTHORIZED)
           || g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_FORBIDDEN))
    {
      title = g_strdup_printf (_("“%s” Refused the Credentials"), name);
      icon = "action-unavailable-symbolic";
    }
  else if (g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_NOT_FOUND))
    title = g_strdup_printf (_("No DICOMweb Service at the URL of “%s”"), name);
  else if (error->domain == DIMSE_STATUS_ERROR)
    title = g_strdup_printf (_("“%s” Refused the Query"), name);
  else
    title = g_strdup (_("The Query Failed"));
  show_status (self, icon, title, detail, TRUE);
}

static void
update_summary (BenchQueryPage *self, gboolean done, guint16 status)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->studies));
  double seconds = (double) (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  if (!done)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Searching… %u study",
                                         "Searching… %u studies", n), n);
  else if (dimse_status_class (status) == DIMSE_STATUS_CANCEL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cancelled after %u study",
                                         "Cancelled after %u studies", n), n);
  else if (dimse_status_class (status) == DIMSE_STATUS_WARNING)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u study in %.1f s — %s",
                                         "%u studies in %.1f s — %s", n),
                            n, seconds, dimse_status_meaning (status, DIMSE_C_FIND_RSP));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u study in %.1f s",
                                         "%u studies in %.1f s", n), n, seconds);
  gtk_label_set_text (self->summary_label, text);
}

/* ---- the study query ---- */

static void
on_results (BenchQueryOp *op, GPtrArray *batch, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->studies));

  if (op != self->op)
    return;
  g_list_store_splice (self->studies, n, 0, batch->pdata, batch->len);
  if (n == 0)
    gtk_stack_set_visible_child_name (self->results_stack, "results");
  update_summary (self, FALSE, 0);
}

static void
on_query_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BenchQueryPage) self = user_data;
  BenchQueryOp *op = BENCH_QUERY_OP (source);
  g_autoptr(GError) error = NULL;
  guint16 status = 0;
  gboolean ok = bench_query_op_run_finish (op, result, &status, &error);

  if (op != self->op)
    return;
  g_clear_object (&self->op);
  set_running (self, FALSE);
  /* A cancel that reached the peer ends with its Cancel status (0xFE00)
   * rather than an error: what arrived before it stays on show. */
  if ((!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      || (ok && status == 0xFE00
          && g_list_model_get_n_items (G_LIST_MODEL (self->studies)) == 0))
    {
      show_ready (self);
      return;
    }
  if (!ok)
    {
      show_error (self, error);
      gtk_label_set_text (self->summary_label, "");
      return;
    }
  update_summary (self, TRUE, status);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->studies)) == 0)
    {
      g_autofree char *description =
        g_strdup_printf (_("“%s” has no study that matches this search."),
                         bench_node_get_name (self->node));

      show_status (self, "edit-find-symbolic", _("No Matching Studies"), description, FALSE);
    }
}

static void
cancel_all (BenchQueryPage *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->op);
  set_running (self, FALSE);
}

static char *
entry_text (GtkEditable *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

static gboolean
parse_form_date (const char *text, GDate *date)
{
  g_autofree char *digits = g_strdup (text);
  int y, m, d;

  g_date_clear (date, 1);
  if (*text == '\0')
    return TRUE;
  if (sscanf (digits, "%d-%d-%d", &y, &m, &d) != 3 && sscanf (digits, "%4d%2d%2d", &y, &m, &d) != 3)
    return FALSE;
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

static char *
build_date_key (BenchQueryPage *self, GError **error)
{
  BenchDatePreset preset = gtk_drop_down_get_selected (self->date_dropdown);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *from_text = entry_text (GTK_EDITABLE (self->date_from_entry));
  g_autofree char *to_text = entry_text (GTK_EDITABLE (self->date_to_entry));
  GDate today, from, to;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
  if (preset == BENCH_DATE_CUSTOM
      && (!parse_form_date (from_text, &from) || !parse_form_date (to_text, &to)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Type the dates of the range as 2024-03-05."));
      return NULL;
    }
  return bench_date_range_for_preset (preset, &today, &from, &to);
}

static DcmDataSet *
build_identifier (BenchQueryPage *self, GError **error)
{
  g_autofree char *name = entry_text (GTK_EDITABLE (self->patient_name_entry));
  g_autofree char *patient_id = entry_text (GTK_EDITABLE (self->patient_id_entry));
  g_autofree char *birth = entry_text (GTK_EDITABLE (self->birth_date_entry));
  g_autofree char *accession = entry_text (GTK_EDITABLE (self->accession_entry));
  g_autofree char *description = entry_text (GTK_EDITABLE (self->description_entry));
  g_autofree char *referring = entry_text (GTK_EDITABLE (self->referring_entry));
  g_autofree char *dates = NULL;
  guint modality = gtk_drop_down_get_selected (self->modality_dropdown);
  BenchQueryForm form = { 0 };

  dates = build_date_key (self, error);
  if (dates == NULL && error != NULL && *error != NULL)
    return NULL;
  form.patient_name = name;
  form.patient_id = patient_id;
  form.birth_date = birth;
  form.accession_number = accession;
  form.study_date = dates;
  form.modality = modality < G_N_ELEMENTS (modalities) ? modalities[modality] : NULL;
  form.study_description = description;
  form.referring_physician = referring;
  form.charset = bench_node_get_charset (self->node);
  return bench_query_form_build_identifier (&form, error);
}

static void
run_query (BenchQueryPage *self)
{
  g_autoptr(DcmDataSet) identifier = NULL;
  g_autoptr(GError) error = NULL;

  if (self->node == NULL)
    return;
  cancel_all (self);
  g_list_store_remove_all (self->studies);
  identifier = build_identifier (self, &error);
  if (identifier == NULL)
    {
      show_status (self, "dialog-warning-symbolic", _("Check the Search Fields"), error->message,
                   FALSE);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->op = bench_query_op_new (self->engine, self->node, identifier, BENCH_QUERY_LEVEL_STUDY,
                                 NULL);
  g_signal_connect_object (self->op, "results", G_CALLBACK (on_results), self, 0);
  self->started_us = g_get_monotonic_time ();
  set_running (self, TRUE);
  update_summary (self, FALSE, 0);
  show_status (self, "content-loading-symbolic", _("Searching…"),
               bench_node_get_name (self->node), FALSE);
  bench_query_op_run_async (self->op, self->cancellable, on_query_done, g_object_ref (self));
}

static void
on_entry_activate (BenchQueryPage *self)
{
  run_query (self);
}

static gboolean
focus_within (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
on_date_preset_changed (BenchQueryPage *self)
{
  gboolean custom = gtk_drop_down_get_selected (self->date_dropdown) == BENCH_DATE_CUSTOM;

  /* An entry made insensitive while it has the focus never gets its
   * focus-out: hand the focus to the preset first. */
  if (!custom && (focus_within (GTK_WIDGET (self->date_from_entry))
                  || focus_within (GTK_WIDGET (self->date_to_entry))))
    gtk_widget_grab_focus (GTK_WIDGET (self->date_dropdown));
  gtk_widget_set_sensitive (GTK_WIDGET (self->date_from_entry), custom);
  gtk_widget_set_sensitive (GTK_WIDGET (self->date_to_entry), custom);
  if (custom)
    {
      gtk_toggle_button_set_active (self->more_button, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->date_from_entry));
    }
}

/* ---- retrieve ---- */

/* Archives limit the associations they take at once (the demo archive
 * refuses more with "local limit exceeded", PS3.8 §7.1.1.9), and each
 * C-MOVE brings a second association to our Storage SCP: retrieves wait
 * their turn, oldest first. */
#define MAX_RUNNING_RETRIEVES 2

static void
start_waiting_jobs (BenchQueryPage *self)
{
  GListModel *jobs = G_LIST_MODEL (self->jobs);
  guint running = 0;

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (jobs, i);

      running += bench_retrieve_job_is_running (job);
    }
  for (guint i = 0; i < g_list_model_get_n_items (jobs) && running < MAX_RUNNING_RETRIEVES; i++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (jobs, i);

      if (bench_retrieve_job_get_state (job) != BENCH_RETRIEVE_JOB_WAITING)
        continue;
      bench_retrieve_job_start (job);
      running++;
    }
}

static void
retrieve_selected (BenchQueryPage *self)
{
  g_autoptr(GPtrArray) items = bench_query_tree_get_selected (self);
  gboolean patient_root = bench_node_get_query_model (self->node) == BENCH_QUERY_MODEL_PATIENT_ROOT;
  g_autofree char *toast_text = NULL;

  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(DcmDataSet) identifier =
        bench_query_item_build_retrieve_identifier (items->pdata[i], patient_root);
      g_autofree char *title = bench_query_item_describe (items->pdata[i]);
      g_autoptr(BenchRetrieveJob) job = bench_retrieve_job_new (self->engine, self->node,
                                                                identifier, title);

      g_signal_connect_object (job, "finished", G_CALLBACK (start_waiting_jobs), self,
                               G_CONNECT_SWAPPED);
      g_list_store_append (self->jobs, job);
      if (items->len == 1)
        toast_text = g_strdup_printf (_("Retrieving %s"), title);
    }
  start_waiting_jobs (self);
  if (items->len > 1)
    toast_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Retrieving %u item",
                                               "Retrieving %u items", items->len), items->len);
  if (toast_text != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (toast_text));
}

/* ---- copy ---- */

static void
copy_text (BenchQueryPage *self, const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_rows (BenchQueryPage *self)
{
  g_autoptr(GPtrArray) items = bench_query_tree_get_selected (self);
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (BenchQueryColumn));
  g_autoptr(GString) text = g_string_new (NULL);

  bench_query_tree_get_visible (self, columns);
  for (guint i = 0; i < items->len; i++)
    {
      for (guint c = 0; c < columns->len; c++)
        g_string_append_printf (text, "%s%s", c > 0 ? "\t" : "",
                                bench_query_item_get_text (items->pdata[i],
                                                           g_array_index (columns, BenchQueryColumn, c)));
      g_string_append_c (text, '\n');
    }
  if (text->len > 0)
    copy_text (self, text->str);
}

/* ---- export ---- */

typedef struct {
  GPtrArray        *items;
  gboolean          json;
  GArray           *columns;
  GStrv             titles;
  GFile            *file;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *export = data;

  g_ptr_array_unref (export->items);
  g_array_unref (export->columns);
  g_strfreev (export->titles);
  g_clear_object (&export->file);
  g_free (export);
}

/* In a thread of GIO's pool: the items are not changed once made. */
static void
export_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportData *export = task_data;
  g_autofree char *text = NULL;
  GError *error = NULL;

  (void) source;
  if (export->json)
    text = bench_query_export_json (export->items, &error);
  else
    text = bench_query_export_csv (export->items, (BenchQueryColumn *) export->columns->data,
                                   export->columns->len, (const char *const *) export->titles);
  if (text == NULL
      || !g_file_replace_contents (export->file, text, strlen (text), NULL, FALSE,
                                   G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BenchQueryPage *self = BENCH_QUERY_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  (void) user_data;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    text = g_strdup_printf (_("Could not export the results: %s"), error->message);
  else
    text = g_strdup (_("Results exported"));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
on_export_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  BenchQueryPage *self = user_data;
  ExportData *export = g_object_get_data (G_OBJECT (dialog), "export");
  g_autoptr(GTask) task = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_object_steal_data (G_OBJECT (dialog), "export");
      export->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      task = g_task_new (self, NULL, on_exported, NULL);
      g_task_set_task_data (task, export, export_data_free);
      g_task_run_in_thread (task, export_in_thread);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_results (BenchQueryPage *self, gboolean json)
{
  ExportData *export = g_new0 (ExportData, 1);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();

  export->items = bench_query_tree_collect (self);
  export->json = json;
  export->columns = g_array_new (FALSE, FALSE, sizeof (BenchQueryColumn));
  bench_query_tree_get_visible (self, export->columns);
  for (guint c = 0; c < export->columns->len; c++)
    g_strv_builder_add (titles, gtk_column_view_column_get_title (
                          self->columns[g_array_index (export->columns, BenchQueryColumn, c)]));
  export->titles = g_strv_builder_end (titles);
  dialog = gtk_file_chooser_native_new (json ? _("Export as DICOM JSON") : _("Export as CSV"),
                                        GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog),
                                     json ? "studies.json" : "studies.csv");
  g_object_set_data_full (G_OBJECT (dialog), "export", export, export_data_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- actions ---- */

static void
activate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchQueryPage *self = BENCH_QUERY_PAGE (widget);

  (void) parameter;
  if (g_str_equal (action_name, "query.run"))
    run_query (self);
  else if (g_str_equal (action_name, "query.cancel"))
    {
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
    }
  else if (g_str_equal (action_name, "query.retrieve") && self->node != NULL)
    retrieve_selected (self);
  else if (g_str_equal (action_name, "query.copy-value") && self->popover_value != NULL)
    copy_text (self, self->popover_value);
  else if (g_str_equal (action_name, "query.copy-rows"))
    copy_rows (self);
  else if (g_str_equal (action_name, "query.export-csv"))
    export_results (self, FALSE);
  else if (g_str_equal (action_name, "query.export-json"))
    export_results (self, TRUE);
}

static void
update_actions (BenchQueryPage *self)
{
  g_autoptr(GtkBitset) selected =
    gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gboolean any = !gtk_bitset_is_empty (selected);
  gboolean rows = g_list_model_get_n_items (G_LIST_MODEL (self->studies)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "query.run", self->node != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "query.retrieve", any && self->node != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "query.copy-rows", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "query.export-csv", rows);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "query.export-json", rows);
}

/* ---- the widget ---- */

static void
bench_query_page_dispose (GObject *object)
{
  BenchQueryPage *self = BENCH_QUERY_PAGE (object);
  GtkWidget *child;

  cancel_all (self);
  g_clear_pointer (&self->row_popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_QUERY_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->tree);
  g_clear_object (&self->studies);
  g_clear_object (&self->node);
  g_clear_object (&self->jobs);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (bench_query_page_parent_class)->dispose (object);
}

static void
bench_query_page_finalize (GObject *object)
{
  BenchQueryPage *self = BENCH_QUERY_PAGE (object);

  g_free (self->popover_value);
  G_OBJECT_CLASS (bench_query_page_parent_class)->finalize (object);
}

static void
bench_query_page_class_init (BenchQueryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const actions[] = { "query.run", "query.cancel", "query.retrieve",
                                         "query.copy-value", "query.copy-rows",
                                         "query.export-csv", "query.export-json" };

  object_class->dispose = bench_query_page_dispose;
  object_class->finalize = bench_query_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-query-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, patient_name_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, patient_id_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, date_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, modality_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, more_button);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, birth_date_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, accession_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, description_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, referring_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, date_from_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, date_to_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, run_stack);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, status_button);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, columns_button);
  gtk_widget_class_bind_template_child (widget_class, BenchQueryPage, row_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_date_preset_changed);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, activate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "query.retrieve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "query.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "query.copy-rows", NULL);
}

static void
bench_query_page_init (BenchQueryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  bench_query_tree_setup (self);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->studies, "items-changed", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  set_running (self, FALSE);
  update_actions (self);
  show_ready (self);
}

GtkWidget *
bench_query_page_new (BenchEngine *engine, GListStore *jobs)
{
  BenchQueryPage *self = g_object_new (BENCH_TYPE_QUERY_PAGE, NULL);

  self->engine = g_object_ref (engine);
  self->jobs = g_object_ref (jobs);
  return GTK_WIDGET (self);
}

void
bench_query_page_set_node (BenchQueryPage *self, BenchNode *node)
{
  g_return_if_fail (BENCH_IS_QUERY_PAGE (self));
  if (self->node == node)
    return;
  cancel_all (self);
  g_set_object (&self->node, node);
  g_list_store_remove_all (self->studies);
  update_actions (self);
  show_ready (self);
}

BenchNode *
bench_query_page_get_node (BenchQueryPage *self)
{
  return self->node;
}
