/* bench-mpps-view.c — the MPPS panel */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-mpps-view.h"
#include "bench-nservice-op.h"
#include "bench-tools-page.h"

struct _BenchMppsView
{
  GtkBox parent_instance;

  BenchEngine *engine;
  GtkWidget *node_chooser;
  GtkWidget *create_button;
  GtkWidget *complete_button;
  GtkWidget *discontinue_button;
  GtkEditable *instance;
  GtkLabel *state;
  GtkLabel *status;
  GCancellable *cancellable;
  BenchMppsStep step;
};

G_DEFINE_FINAL_TYPE (BenchMppsView, bench_mpps_view, GTK_TYPE_BOX)

static void
update_buttons (BenchMppsView *self)
{
  gboolean idle = self->cancellable == NULL;
  gboolean has_step = gtk_editable_get_text (self->instance)[0] != '\0';

  gtk_widget_set_sensitive (self->create_button, idle);
  gtk_widget_set_sensitive (self->complete_button, idle && has_step);
  gtk_widget_set_sensitive (self->discontinue_button, idle && has_step);
}

static void
on_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BenchMppsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchNOutcome) outcome = bench_mpps_op_run_finish (res, &error);
  static const char *const states[] = { N_("IN PROGRESS"), N_("COMPLETED"), N_("DISCONTINUED") };

  g_clear_object (&self->cancellable);
  if (outcome == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not sent: %s"), error->message);

      gtk_label_set_label (self->status, text);
    }
  else
    {
      gtk_label_set_label (self->status, outcome->description);
      if (outcome->success)
        {
          g_autofree char *state = g_strdup_printf (_("The step is %s"), _(states[self->step]));

          gtk_editable_set_text (self->instance, outcome->sop_instance_uid);
          gtk_label_set_label (self->state, state);
        }
    }
  update_buttons (self);
}

static void
run (BenchMppsView *self, BenchMppsStep step)
{
  BenchNode *node = bench_tools_node_chooser_get_node (self->node_chooser);
  const char *instance = gtk_editable_get_text (self->instance);

  if (node == NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  self->step = step;
  gtk_label_set_label (self->status, _("Sending…"));
  update_buttons (self);
  bench_mpps_op_run_async (self->engine, node, step,
                           step == BENCH_MPPS_CREATE || instance[0] == '\0' ? NULL : instance,
                           self->cancellable, on_done, g_object_ref (self));
}

static void
on_create (BenchMppsView *self)
{
  run (self, BENCH_MPPS_CREATE);
}

static void
on_complete (BenchMppsView *self)
{
  run (self, BENCH_MPPS_COMPLETE);
}

static void
on_discontinue (BenchMppsView *self)
{
  run (self, BENCH_MPPS_DISCONTINUE);
}

static GtkWidget *
button (const char *label, const char *name, GCallback callback, BenchMppsView *self)
{
  GtkWidget *widget = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_name (widget, name);
  g_signal_connect_swapped (widget, "clicked", callback, self);
  return widget;
}

static void
bench_mpps_view_dispose (GObject *object)
{
  BenchMppsView *self = BENCH_MPPS_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (bench_mpps_view_parent_class)->dispose (object);
}

static void
bench_mpps_view_class_init (BenchMppsViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_mpps_view_dispose;
}

static void
bench_mpps_view_init (BenchMppsView *self)
{
}

GtkWidget *
bench_mpps_view_new (BenchEngine *engine, GListModel *nodes)
{
  BenchMppsView *self = g_object_new (BENCH_TYPE_MPPS_VIEW, "orientation",
                                      GTK_ORIENTATION_VERTICAL, "spacing", 12, NULL);
  GtkWidget *bar = bench_tools_flow_new ();
  GtkWidget *start = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *end = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *instance = gtk_entry_new ();

  self->engine = g_object_ref (engine);
  gtk_widget_set_name (GTK_WIDGET (self), "mpps-view");
  g_object_set (self, "margin-top", 12, "margin-bottom", 12, "margin-start", 12,
                "margin-end", 12, NULL);
  self->node_chooser = bench_tools_node_chooser_new (nodes, "mpps-node");
  self->create_button = button (_("C_reate (In Progress)"), "mpps-create",
                                G_CALLBACK (on_create), self);
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  self->complete_button = button (_("C_omplete"), "mpps-complete", G_CALLBACK (on_complete),
                                  self);
  self->discontinue_button = button (_("_Discontinue"), "mpps-discontinue",
                                     G_CALLBACK (on_discontinue), self);
  gtk_box_append (GTK_BOX (start), self->node_chooser);
  gtk_box_append (GTK_BOX (start), self->create_button);
  gtk_box_append (GTK_BOX (end), self->complete_button);
  gtk_box_append (GTK_BOX (end), self->discontinue_button);
  bench_tools_flow_append (bar, start);
  bench_tools_flow_append (bar, end);
  gtk_box_append (GTK_BOX (self), bar);
  gtk_box_append (GTK_BOX (self), bench_tools_label_new (
    _("Creates a Modality Performed Procedure Step with N-CREATE, then ends it with N-SET "
      "(PS3.4 Annex F.7); the step’s attributes are filled in as a modality would."),
    "dim-label"));
  self->instance = GTK_EDITABLE (instance);
  gtk_widget_set_name (instance, "mpps-instance");
  gtk_entry_set_placeholder_text (GTK_ENTRY (instance), _("SOP Instance UID of the step"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (instance), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("SOP Instance UID of the step"), -1);
  g_signal_connect_swapped (instance, "changed", G_CALLBACK (update_buttons), self);
  gtk_box_append (GTK_BOX (self), instance);
  self->state = GTK_LABEL (bench_tools_label_new (_("No step yet"), "title-3"));
  gtk_widget_set_name (GTK_WIDGET (self->state), "mpps-state");
  self->status = GTK_LABEL (bench_tools_label_new (NULL, NULL));
  gtk_widget_set_name (GTK_WIDGET (self->status), "mpps-status");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->state));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status));
  update_buttons (self);
  return GTK_WIDGET (self);
}

gboolean
bench_mpps_view_get_running (BenchMppsView *view)
{
  g_return_val_if_fail (BENCH_IS_MPPS_VIEW (view), FALSE);
  return view->cancellable != NULL;
}
