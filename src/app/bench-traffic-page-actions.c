/* bench-traffic-page-actions.c — the Traffic page's actions: export one
 * association or all as pcapng (Wireshark's DICOM dissector reads it) or as
 * JSON lines, import a capture made elsewhere, clear the recorder, and
 * reset the filters */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-traffic-page-private.h"
#include "bench-window.h"
#include "dimse-pcap-import.h"

/* ---- exporting: the recorder writes into memory on the worker, GIO
 * writes the file ---- */

typedef struct {
  BenchEngine *engine;
  guint association_id;
  gboolean pcapng;
  GTask *task;
} Export;

static void
export_free (gpointer data)
{
  Export *export = data;

  g_object_unref (export->engine);
  g_clear_object (&export->task);
  g_free (export);
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
write_on_ui (gpointer data)
{
  GTask *task = data;
  GBytes *bytes = g_task_get_task_data (task);
  GFile *file = g_task_get_source_object (task);

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task), on_written,
                                       g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static gboolean
fail_on_ui (gpointer data)
{
  GTask *task = data;

  g_task_return_error (task, g_error_copy (g_task_get_task_data (task)));
  return G_SOURCE_REMOVE;
}

static gboolean
export_on_worker (gpointer data)
{
  Export *export = data;
  DimseRecorder *recorder = bench_engine_get_recorder (export->engine);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = export->pcapng
       ? dimse_recorder_export_pcapng (recorder, out, export->association_id, NULL, &error)
       : dimse_recorder_export_jsonl (recorder, out, export->association_id, NULL, &error);
  if (ok)
    ok = g_output_stream_close (out, NULL, &error);
  if (!ok)
    {
      g_task_set_task_data (export->task, g_steal_pointer (&error), (GDestroyNotify) g_error_free);
      bench_engine_invoke_ui (fail_on_ui, g_steal_pointer (&export->task), g_object_unref);
      return G_SOURCE_REMOVE;
    }
  g_task_set_task_data (export->task,
                        g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out)),
                        (GDestroyNotify) g_bytes_unref);
  bench_engine_invoke_ui (write_on_ui, g_steal_pointer (&export->task), g_object_unref);
  return G_SOURCE_REMOVE;
}

void
bench_traffic_export_async (BenchEngine *engine, guint association_id, gboolean pcapng,
                            GFile *file, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  Export *export = g_new0 (Export, 1);

  export->engine = g_object_ref (engine);
  export->association_id = association_id;
  export->pcapng = pcapng;
  export->task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (export->task, bench_traffic_export_async);
  bench_engine_invoke (engine, export_on_worker, export, export_free);
}

gboolean
bench_traffic_export_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the actions ---- */

static void
show_toast (BenchTrafficPage *self, const char *message, gboolean error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!BENCH_IS_WINDOW (root))
    return;
  if (error)
    bench_window_show_error (BENCH_WINDOW (root), message);
  else
    bench_window_show_toast (BENCH_WINDOW (root), message);
}

static void
on_exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BenchTrafficPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *message = NULL;

  if (!bench_traffic_export_finish (result, &error))
    {
      message = g_strdup_printf (_("The traffic could not be exported to %s: %s"), name,
                                 error->message);
      show_toast (self, message, TRUE);
      return;
    }
  message = g_strdup_printf (_("Traffic exported to %s"), name);
  show_toast (self, message, FALSE);
}

typedef struct {
  BenchTrafficPage *page;
  guint association_id;
  gboolean pcapng;
} SaveRequest;

static void
on_save_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  SaveRequest *request = user_data;
  g_autoptr(GFile) file = NULL;

  /* GtkFileChooserNative is deprecated from GTK 4.10 on; we build for 4.8. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (file != NULL)
    bench_traffic_export_async (request->page->engine, request->association_id,
                                request->pcapng, file, NULL, on_exported,
                                g_object_ref (request->page));
  g_object_unref (request->page);
  g_free (request);
  g_object_unref (dialog);
}

static char *
suggest_name (BenchTrafficAssociation *assoc, gboolean pcapng)
{
  const char *extension = pcapng ? "pcapng" : "jsonl";
  g_autofree char *peer = NULL;

  if (assoc == NULL)
    return g_strdup_printf ("dimsebench-traffic.%s", extension);
  peer = g_strdup (bench_traffic_association_get_peer_ae_title (assoc));
  g_strcanon (g_strstrip (peer), G_CSET_a_2_z G_CSET_A_2_Z G_CSET_DIGITS "-_", '_');
  return g_strdup_printf ("association-%u-%s.%s", bench_traffic_association_get_id (assoc),
                          *peer != '\0' ? peer : "peer", extension);
}

static void
export_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchTrafficPage *self = BENCH_TRAFFIC_PAGE (widget);
  gboolean all = g_str_equal (action_name, "traffic.export-all");
  gboolean pcapng = g_str_equal (g_variant_get_string (parameter, NULL), "pcapng");
  BenchTrafficAssociation *assoc = all ? NULL : bench_traffic_page_get_selected (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *name = suggest_name (assoc, pcapng);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  SaveRequest *request;

  if (!all && assoc == NULL)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_file_chooser_native_new (all ? _("Export All Traffic") : _("Export Association"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_file_filter_set_name (filter, pcapng ? _("Packet captures (pcapng)") : _("JSON lines"));
  gtk_file_filter_add_pattern (filter, pcapng ? "*.pcapng" : "*.jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  G_GNUC_END_IGNORE_DEPRECATIONS
  request = g_new0 (SaveRequest, 1);
  request->page = g_object_ref (self);
  request->association_id = assoc != NULL ? bench_traffic_association_get_id (assoc) : 0;
  request->pcapng = pcapng;
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- importing a capture made elsewhere: the recorder takes it in a
 * thread of its own, and the page shows it as it shows live traffic ---- */

static void
on_imported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(BenchTrafficPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  DimsePcapImportStats stats = { 0 };

  if (!dimse_pcap_import_file_finish (result, &stats, &error))
    {
      message = g_strdup_printf (_("The capture could not be imported: %s"), error->message);
      show_toast (self, message, TRUE);
      return;
    }
  if (stats.n_associations == 0)
    message = g_strdup_printf (_("No DICOM association in the capture on that port "
                                 "(%llu packets read)"), (unsigned long long) stats.n_packets);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u association imported, %llu PDUs",
                                            "%u associations imported, %llu PDUs",
                                            stats.n_associations),
                               stats.n_associations, (unsigned long long) stats.n_pdus);
  show_toast (self, message, FALSE);
}

void
bench_traffic_page_import (BenchTrafficPage *self, GFile *file, guint16 port)
{
  dimse_pcap_import_file_async (bench_engine_get_recorder (self->engine), file, port, NULL,
                                on_imported, g_object_ref (self));
}

static void
on_open_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  g_autoptr(BenchTrafficPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  const char *port = NULL;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      port = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "port");
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (file != NULL)
    bench_traffic_page_import (self, file, (guint16) g_ascii_strtoull (port != NULL ? port : "0",
                                                                       NULL, 10));
  g_object_unref (dialog);
}

/* The ports offered: detected (PS3.8's 104 and 11112, and any port a
 * connection opens with an A-ASSOCIATE-RQ), and those this application
 * listens on. */
static void
add_port_choice (BenchTrafficPage *self, GtkFileChooser *chooser)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BenchNode) demo = NULL;
  guint ports[2] = { bench_engine_get_local_port (self->engine), 0 };

  g_object_get (self->engine, "demo-node", &demo, NULL);
  if (demo != NULL)
    ports[1] = bench_node_get_port (demo);
  g_ptr_array_add (ids, g_strdup ("0"));
  g_ptr_array_add (labels, g_strdup (_("Detected: 104, 11112 or any opening with an A-ASSOCIATE-RQ")));
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    if (ports[i] != 0 && ports[i] != 104 && ports[i] != 11112
        && (i == 0 || ports[i] != ports[0]))
      {
        g_ptr_array_add (ids, g_strdup_printf ("%u", ports[i]));
        g_ptr_array_add (labels, g_strdup_printf ("%u", ports[i]));
      }
  g_ptr_array_add (ids, NULL);
  g_ptr_array_add (labels, NULL);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_file_chooser_add_choice (chooser, "port", _("DICOM port"),
                               (const char **) ids->pdata, (const char **) labels->pdata);
  gtk_file_chooser_set_choice (chooser, "port", "0");
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
import_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchTrafficPage *self = BENCH_TRAFFIC_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_file_chooser_native_new (_("Import a Capture"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_file_filter_set_name (filter, _("Packet captures (pcap, pcapng)"));
  gtk_file_filter_add_pattern (filter, "*.pcap");
  gtk_file_filter_add_pattern (filter, "*.pcapng");
  gtk_file_filter_add_pattern (filter, "*.cap");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  G_GNUC_END_IGNORE_DEPRECATIONS
  add_port_choice (self, GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
clear_on_worker (gpointer data)
{
  dimse_recorder_clear (bench_engine_get_recorder (data));
  return G_SOURCE_REMOVE;
}

static void
clear_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchTrafficPage *self = BENCH_TRAFFIC_PAGE (widget);

  bench_traffic_model_clear_web (bench_engine_get_traffic (self->engine));
  bench_engine_invoke (self->engine, clear_on_worker, g_object_ref (self->engine),
                       g_object_unref);
}

static void
reset_filters_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  bench_traffic_page_reset_filters (BENCH_TRAFFIC_PAGE (widget));
}

void
bench_traffic_page_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "traffic.export", "s", export_activated);
  gtk_widget_class_install_action (widget_class, "traffic.export-all", "s", export_activated);
  gtk_widget_class_install_action (widget_class, "traffic.clear", NULL, clear_activated);
  gtk_widget_class_install_action (widget_class, "traffic.import", NULL, import_activated);
  gtk_widget_class_install_action (widget_class, "traffic.reset-filters", NULL,
                                   reset_filters_activated);
}

void
bench_traffic_page_update_actions (BenchTrafficPage *self)
{
  gboolean any = self->model != NULL
                 && g_list_model_get_n_items (bench_traffic_model_get_associations (self->model)) > 0;

  BenchTrafficAssociation *selected = bench_traffic_page_get_selected (self);

  /* pcapng and JSON lines are the recorder's: a DICOMweb operation has
   * no DICOM PDUs to write. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.export",
                                 selected != NULL
                                 && !bench_traffic_association_get_is_web (selected));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.export-all", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.clear", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.reset-filters",
                                 bench_traffic_page_n_filters (self) > 0);
}
