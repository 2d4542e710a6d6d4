/* bench-doctor-view.c — the C-MOVE destination doctor's view */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-doctor-op.h"
#include "bench-doctor-view.h"
#include "bench-tools-op.h"
#include "bench-tools-page.h"

struct _BenchDoctorView
{
  GtkBox parent_instance;

  BenchEngine *engine;
  GtkWidget *node_chooser;
  GtkEditable *destination;
  GtkSpinButton *port;
  GtkSpinButton *wait;
  GtkWidget *run_button;
  GtkWidget *cancel_button;
  GtkImage *result_icon;
  GtkLabel *result_title;
  GtkLabel *result_description;
  GtkListBox *legs;
  GtkWidget *return_expander;
  GtkLabel *return_rq;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (BenchDoctorView, bench_doctor_view, GTK_TYPE_BOX)

/* The outcome as AdwStatusPage shows one, in a box that scrolls with the
 * legs below it. */
static void
set_outcome (BenchDoctorView *self, const char *icon_name, const char *title,
             const char *description)
{
  gtk_image_set_from_icon_name (self->result_icon, icon_name);
  gtk_label_set_label (self->result_title, title);
  gtk_label_set_label (self->result_description, description != NULL ? description : "");
}

static void
set_running (BenchDoctorView *self, gboolean running)
{
  gtk_widget_set_sensitive (self->run_button, !running);
  gtk_widget_set_sensitive (self->cancel_button, running);
}

static void
on_step (const char *step, gpointer user_data)
{
  BenchDoctorView *self = user_data;

  gtk_label_set_label (self->result_description, step);
}

static GtkWidget *
leg_row (BenchToolsRow *leg)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *mark = gtk_label_new (bench_tools_row_get_column (leg, 2));
  gboolean ok = bench_tools_row_get_ok (leg);
  gboolean reached = !g_str_equal (bench_tools_row_get_column (leg, 2), "–");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), bench_tools_row_get_column (leg, 0));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), bench_tools_row_get_column (leg, 1));
  gtk_widget_add_css_class (mark, "title-2");
  if (reached)
    gtk_widget_add_css_class (mark, ok ? "success" : "error");
  else
    gtk_widget_add_css_class (mark, "dim-label");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), mark);
  return row;
}

static void
show_result (BenchDoctorView *self, const BenchDoctorResult *result)
{
  GtkWidget *child;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (result->legs));

  set_outcome (self, result->success ? "emblem-ok-symbolic" : "dialog-warning-symbolic",
               result->success ? _("The destination works")
                               : _("The move does not reach the destination"),
               result->explanation);
  if (result->success)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->result_icon), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_icon), "error");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->result_icon), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_icon), "success");
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legs))) != NULL)
    gtk_list_box_remove (self->legs, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BenchToolsRow) leg = g_list_model_get_item (G_LIST_MODEL (result->legs), i);

      gtk_list_box_append (self->legs, leg_row (leg));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->legs), TRUE);
  gtk_widget_set_visible (self->return_expander, result->return_rq != NULL);
  gtk_label_set_label (self->return_rq, result->return_rq != NULL ? result->return_rq : "");
}

static void
on_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BenchDoctorView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchDoctorResult) result = bench_doctor_op_run_finish (res, &error);

  g_clear_object (&self->cancellable);
  set_running (self, FALSE);
  if (result != NULL)
    {
      show_result (self, result);
      return;
    }
  set_outcome (self, "dialog-error-symbolic",
               g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
               ? _("Check cancelled") : _("The check could not be made"),
               error->message);
}

static void
on_run (GtkButton *button, BenchDoctorView *self)
{
  BenchNode *node = bench_tools_node_chooser_get_node (self->node_chooser);
  g_autofree char *destination = g_strstrip (g_strdup (gtk_editable_get_text (self->destination)));

  if (node == NULL || self->cancellable != NULL)
    return;
  if (destination[0] == '\0')
    {
      g_free (destination);
      destination = g_strdup (bench_engine_get_local_ae_title (self->engine));
    }
  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->legs), FALSE);
  gtk_widget_set_visible (self->return_expander, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_icon), "error");
  set_outcome (self, "emblem-synchronizing-symbolic", _("Checking the destination…"), NULL);
  bench_doctor_op_run_async (self->engine, node, destination,
                             (guint16) gtk_spin_button_get_value_as_int (self->port),
                             (guint) gtk_spin_button_get_value_as_int (self->wait), on_step,
                             G_OBJECT (self), self->cancellable, on_done, g_object_ref (self));
}

static void
on_cancel (GtkButton *button, BenchDoctorView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static GtkWidget *
field (const char *title, GtkWidget *widget, const char *tooltip)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *label = bench_tools_label_new (title, "caption-heading");

  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_label_set_use_underline (GTK_LABEL (label), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_tooltip_text (widget, tooltip);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return box;
}

static GtkWidget *
build_form (BenchDoctorView *self, GListModel *nodes)
{
  GtkWidget *bar = bench_tools_flow_new ();
  GtkWidget *destination = gtk_entry_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->node_chooser = bench_tools_node_chooser_new (nodes, "doctor-node");
  self->destination = GTK_EDITABLE (destination);
  gtk_widget_set_name (destination, "doctor-destination");
  gtk_editable_set_text (self->destination, bench_engine_get_local_ae_title (self->engine));
  gtk_entry_set_max_length (GTK_ENTRY (destination), 16);
  self->port = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 65535, 1));
  gtk_widget_set_name (GTK_WIDGET (self->port), "doctor-port");
  gtk_spin_button_set_value (self->port, bench_engine_get_local_port (self->engine));
  self->wait = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 300, 1));
  gtk_widget_set_name (GTK_WIDGET (self->wait), "doctor-wait");
  gtk_spin_button_set_value (self->wait, 10);
  self->run_button = gtk_button_new_with_mnemonic (_("_Check"));
  gtk_widget_set_name (self->run_button, "doctor-run");
  gtk_widget_add_css_class (self->run_button, "suggested-action");
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_set_name (self->cancel_button, "doctor-cancel");
  gtk_widget_set_valign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), self->run_button);
  gtk_box_append (GTK_BOX (buttons), self->cancel_button);
  bench_tools_flow_append (bar, field (_("_Node"), self->node_chooser,
                                      _("The node asked to move an instance")));
  bench_tools_flow_append (bar, field (_("_Destination AE title"), destination,
                                      _("The Move Destination sent in the C-MOVE-RQ")));
  bench_tools_flow_append (bar, field (_("_Listen on port"), GTK_WIDGET (self->port),
                                      _("Where the association back should arrive: the port "
                                        "the peer maps the destination to. The local Storage "
                                        "SCP pauses while the check listens on its port.")));
  bench_tools_flow_append (bar, field (_("_Wait (seconds)"), GTK_WIDGET (self->wait),
                                      _("How long to wait for the association back")));
  bench_tools_flow_append (bar, buttons);
  g_signal_connect (self->run_button, "clicked", G_CALLBACK (on_run), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel), self);
  return bar;
}

static GtkWidget *
build_outcome (BenchDoctorView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_widget_set_name (box, "doctor-result");
  gtk_widget_set_margin_top (box, 24);
  self->result_icon = GTK_IMAGE (gtk_image_new ());
  gtk_image_set_pixel_size (self->result_icon, 96);
  gtk_widget_add_css_class (GTK_WIDGET (self->result_icon), "dim-label");
  self->result_title = GTK_LABEL (bench_tools_label_new (NULL, "title-1"));
  self->result_description = GTK_LABEL (bench_tools_label_new (NULL, "body"));
  gtk_label_set_justify (self->result_title, GTK_JUSTIFY_CENTER);
  gtk_label_set_justify (self->result_description, GTK_JUSTIFY_CENTER);
  gtk_label_set_xalign (self->result_title, 0.5);
  gtk_label_set_xalign (self->result_description, 0.5);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->result_icon));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->result_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->result_description));
  return box;
}

static void
bench_doctor_view_dispose (GObject *object)
{
  BenchDoctorView *self = BENCH_DOCTOR_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (bench_doctor_view_parent_class)->dispose (object);
}

static void
bench_doctor_view_class_init (BenchDoctorViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_doctor_view_dispose;
}

static void
bench_doctor_view_init (BenchDoctorView *self)
{
}

GtkWidget *
bench_doctor_view_new (BenchEngine *engine, GListModel *nodes)
{
  BenchDoctorView *self = g_object_new (BENCH_TYPE_DOCTOR_VIEW, "orientation",
                                        GTK_ORIENTATION_VERTICAL, "spacing", 12, NULL);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *rq = bench_tools_label_new (NULL, "monospace");

  self->engine = g_object_ref (engine);
  gtk_widget_set_name (GTK_WIDGET (self), "doctor-view");
  g_object_set (self, "margin-top", 12, "margin-start", 12, "margin-end", 12, NULL);
  gtk_box_append (GTK_BOX (self), build_form (self, nodes));
  gtk_box_append (GTK_BOX (content), build_outcome (self));
  set_outcome (self, "mail-send-receive-symbolic", _("C-MOVE Destination Doctor"),
               _("Moves one small instance from the node to the destination and says which "
                 "leg fails."));
  self->legs = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_set_name (GTK_WIDGET (self->legs), "doctor-legs");
  gtk_list_box_set_selection_mode (self->legs, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->legs), "boxed-list");
  gtk_widget_set_visible (GTK_WIDGET (self->legs), FALSE);
  self->return_rq = GTK_LABEL (rq);
  gtk_widget_set_name (rq, "doctor-return-rq");
  self->return_expander = gtk_expander_new (_("The return leg’s A-ASSOCIATE-RQ"));
  gtk_widget_set_name (self->return_expander, "doctor-return");
  gtk_expander_set_child (GTK_EXPANDER (self->return_expander), rq);
  gtk_widget_set_visible (self->return_expander, FALSE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->legs));
  gtk_box_append (GTK_BOX (content), self->return_expander);
  gtk_widget_set_margin_bottom (content, 24);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 800);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);
  set_running (self, FALSE);
  return GTK_WIDGET (self);
}

gboolean
bench_doctor_view_get_running (BenchDoctorView *view)
{
  g_return_val_if_fail (BENCH_IS_DOCTOR_VIEW (view), FALSE);
  return view->cancellable != NULL;
}
