/* bench-node-test.c — the node test dialog */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-node-row.h"
#include "bench-node-test-op.h"
#include "bench-node-test.h"

struct _BenchNodeTest
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkStack *stack;
  AdwStatusPage *running_page;
  AdwStatusPage *failed_page;
  AdwActionRow *status_row;
  GtkImage *status_icon;
  AdwActionRow *time_row;
  AdwActionRow *implementation_row;
  AdwActionRow *version_row;
  AdwActionRow *pdu_row;
  AdwPreferencesGroup *contexts_group;
  GPtrArray *context_rows;

  BenchEngine *engine;
  BenchNode *node;
  GCancellable *cancellable;
  char *report;
};

G_DEFINE_FINAL_TYPE (BenchNodeTest, bench_node_test, ADW_TYPE_WINDOW)

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run (BenchNodeTest *self);

const char *
bench_node_test_get_state (BenchNodeTest *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
bench_node_test_get_report (BenchNodeTest *self)
{
  return self->report;
}

static char *
describe_pdu_length (guint32 length)
{
  /* PS3.8 §D.1: 0 means no maximum. */
  if (length == 0)
    return g_strdup (_("No maximum"));
  return g_strdup_printf (_("%u bytes"), length);
}

static void
clear_contexts (BenchNodeTest *self)
{
  for (guint i = 0; i < self->context_rows->len; i++)
    adw_preferences_group_remove (self->contexts_group, self->context_rows->pdata[i]);
  g_ptr_array_set_size (self->context_rows, 0);
}

static void
add_context_row (BenchNodeTest *self, const BenchNodeTestContext *context)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (context->accepted ? "emblem-ok-symbolic"
                                                                    : "window-close-symbolic");

  gtk_widget_add_css_class (icon, context->accepted ? "success" : "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), context->abstract_syntax);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), context->detail);
  adw_preferences_group_add (self->contexts_group, row);
  g_ptr_array_add (self->context_rows, row);
}

/* A DICOMweb node: the QIDO-RS search answered (a failed one is an error). */
static void
show_web_result (BenchNodeTest *self, const BenchNodeTestResult *result)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *address = bench_node_describe_address (self->node);
  g_autofree char *status = g_strdup_printf (_("Reachable: HTTP %u %s"), result->http_status,
                                             result->http_reason);
  g_autofree char *time = g_strdup_printf (_("QIDO-RS search of studies (limit=1) %.1f ms"),
                                           result->response_ms);
  g_autofree char *size = g_format_size (result->response_bytes);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), _("HTTP status"));
  adw_action_row_set_subtitle (self->status_row, status);
  gtk_image_set_from_icon_name (self->status_icon, "emblem-ok-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "success");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->time_row), _("Response time"));
  adw_action_row_set_subtitle (self->time_row, time);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->implementation_row),
                                 _("Service"));
  adw_action_row_set_subtitle (self->implementation_row, bench_node_get_url (self->node));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->version_row), _("Response size"));
  adw_action_row_set_subtitle (self->version_row, size);
  gtk_widget_set_visible (GTK_WIDGET (self->pdu_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->contexts_group), FALSE);
  clear_contexts (self);

  g_string_append_printf (report, _("Node test of %s\n"), address);
  g_string_append_printf (report, _("QIDO-RS: %s\n"), status);
  g_string_append_printf (report, _("Response time: %s\n"), time);
  g_string_append_printf (report, _("Response size: %s\n"), size);
  g_free (self->report);
  self->report = g_string_free (g_steal_pointer (&report), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "done");
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, TRUE);
}

static void
show_result (BenchNodeTest *self, const BenchNodeTestResult *result)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *address = bench_node_describe_address (self->node);
  g_autofree char *status = NULL;
  g_autofree char *time = NULL;
  g_autofree char *pdu = describe_pdu_length (result->peer_max_pdu_length);
  const char *version = result->peer_implementation_version_name;
  gboolean ok = result->echo_error == NULL && result->status == 0x0000;

  if (result->echo_error != NULL)
    status = g_strdup (result->echo_error);
  else
    status = g_strdup_printf ("%s (%04XH)", result->status_text, result->status);
  if (result->echo_error != NULL)
    time = g_strdup_printf (_("Association %.1f ms"), result->association_ms);
  else
    time = g_strdup_printf (_("Association %.1f ms, C-ECHO %.1f ms"), result->association_ms,
                            result->echo_ms);
  adw_action_row_set_subtitle (self->status_row, status);
  gtk_image_set_from_icon_name (self->status_icon, ok ? "emblem-ok-symbolic"
                                                      : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), ok ? "warning" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), ok ? "success" : "warning");
  adw_action_row_set_subtitle (self->time_row, time);
  adw_action_row_set_subtitle (self->implementation_row,
                               result->peer_implementation_class_uid != NULL
                               ? result->peer_implementation_class_uid : _("Not given"));
  adw_action_row_set_subtitle (self->version_row, version != NULL ? version : _("Not given"));
  adw_action_row_set_subtitle (self->pdu_row, pdu);
  clear_contexts (self);

  g_string_append_printf (report, _("Node test of %s\n"), address);
  g_string_append_printf (report, _("C-ECHO: %s\n"), status);
  g_string_append_printf (report, _("Round-trip time: %s\n"), time);
  g_string_append_printf (report, _("Peer implementation: %s %s\n"),
                          result->peer_implementation_class_uid != NULL
                          ? result->peer_implementation_class_uid : "",
                          version != NULL ? version : "");
  g_string_append_printf (report, _("Peer maximum PDU length: %s\n"), pdu);
  for (guint i = 0; i < result->contexts->len; i++)
    {
      const BenchNodeTestContext *context = result->contexts->pdata[i];

      add_context_row (self, context);
      g_string_append_printf (report, "  %s: %s\n", context->abstract_syntax, context->detail);
    }
  g_free (self->report);
  self->report = g_string_free (g_steal_pointer (&report), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "done");
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, ok);
}

static void
show_error (BenchNodeTest *self, const GError *error)
{
  g_autofree char *address = bench_node_describe_address (self->node);

  adw_status_page_set_title (self->failed_page, bench_node_test_error_title (error));
  adw_status_page_set_description (self->failed_page, error->message);
  g_free (self->report);
  self->report = g_strdup_printf (_("Node test of %s\n%s: %s\n"), address,
                                  bench_node_test_error_title (error), error->message);
  gtk_stack_set_visible_child_name (self->stack, "failed");
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, FALSE);
}

static void
on_tested (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BenchNodeTest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchNodeTestResult) result = bench_node_test_run_finish (res, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "test.run", TRUE);
  if (result == NULL)
    show_error (self, error);
  else if (result->web)
    show_web_result (self, result);
  else
    show_result (self, result);
}

static void
run (BenchNodeTest *self)
{
  g_autofree char *address = bench_node_describe_address (self->node);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->report, g_free);
  adw_status_page_set_description (self->running_page, address);
  gtk_stack_set_visible_child_name (self->stack, "running");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "test.run", FALSE);
  bench_node_test_run_async (self->engine, self->node, self->cancellable, on_tested,
                             g_object_ref (self));
}

static void
run_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run (BENCH_NODE_TEST (widget));
}

static void
copy_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchNodeTest *self = BENCH_NODE_TEST (widget);

  if (self->report != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->report);
}

static gboolean
bench_node_test_close_request (GtkWindow *window)
{
  BenchNodeTest *self = BENCH_NODE_TEST (window);

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (bench_node_test_parent_class)->close_request (window);
}

static void
bench_node_test_dispose (GObject *object)
{
  BenchNodeTest *self = BENCH_NODE_TEST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->node);
  g_clear_pointer (&self->report, g_free);
  g_clear_pointer (&self->context_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_NODE_TEST);
  G_OBJECT_CLASS (bench_node_test_parent_class)->dispose (object);
}

static void
bench_node_test_class_init (BenchNodeTestClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_node_test_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = bench_node_test_close_request;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-node-test.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, window_title);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, running_page);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, failed_page);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, status_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, status_icon);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, time_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, implementation_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, version_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, pdu_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeTest, contexts_group);
  gtk_widget_class_install_action (widget_class, "test.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "test.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
bench_node_test_init (BenchNodeTest *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->context_rows = g_ptr_array_new ();
}

GtkWidget *
bench_node_test_new (GtkWindow *parent, BenchEngine *engine, BenchNode *node)
{
  BenchNodeTest *self = g_object_new (BENCH_TYPE_NODE_TEST, "transient-for", parent, NULL);
  g_autofree char *address = bench_node_describe_address (node);
  g_autofree char *title = g_strdup_printf (_("Test of %s"), bench_node_get_name (node));

  self->engine = g_object_ref (engine);
  self->node = g_object_ref (node);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, address);
  gtk_window_set_title (GTK_WINDOW (self), title);
  run (self);
  return GTK_WIDGET (self);
}
