/* bench-job-row.c — one retrieve in the jobs list */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-job-row.h"

struct _BenchJobRow {
  GtkListBoxRow     parent_instance;

  BenchRetrieveJob *job;
  GtkWidget        *icon;
  GtkWidget        *title;
  GtkWidget        *subtitle;
  GtkWidget        *progress;
  GtkWidget        *figures;
  GtkWidget        *error;
  GtkWidget        *cancel_button;
  GtkWidget        *retry_button;
};

G_DEFINE_FINAL_TYPE (BenchJobRow, bench_job_row, GTK_TYPE_LIST_BOX_ROW)

static char *
format_time_left (int seconds)
{
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d second left",
                                         "about %d seconds left", seconds), seconds);
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d minute left",
                                         "about %d minutes left", (seconds + 30) / 60),
                            (seconds + 30) / 60);
  return g_strdup_printf (_("about %d h %02d min left"), seconds / 3600, (seconds % 3600) / 60);
}

char *
bench_job_row_format_figures (BenchRetrieveJob *job)
{
  guint completed = bench_retrieve_job_get_n_completed (job);
  guint failed = bench_retrieve_job_get_n_failed (job);
  guint warning = bench_retrieve_job_get_n_warning (job);
  guint total = completed + failed + warning + bench_retrieve_job_get_n_remaining (job);
  GString *text = g_string_new (NULL);

  if (bench_retrieve_job_get_state (job) == BENCH_RETRIEVE_JOB_WAITING)
    g_string_append (text, _("Queued: starts when another retrieve ends"));
  else if (total == 0 && bench_retrieve_job_is_running (job))
    g_string_append (text, _("Waiting for the node…"));
  else
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u of %u instance",
                                               "%u of %u instances", total), completed, total);
  if (failed > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%u failed"), failed);
    }
  if (warning > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings",
                                                 warning), warning);
    }
  if (bench_retrieve_job_is_running (job) && bench_retrieve_job_get_rate (job) > 0)
    {
      g_autofree char *left = NULL;

      g_string_append (text, " · ");
      g_string_append_printf (text, _("%.1f per second"), bench_retrieve_job_get_rate (job));
      if (bench_retrieve_job_get_time_left (job) >= 0)
        {
          left = format_time_left (bench_retrieve_job_get_time_left (job));
          g_string_append_printf (text, " · %s", left);
        }
    }
  return g_string_free (text, FALSE);
}

static void
update (BenchJobRow *self)
{
  BenchRetrieveJob *job = self->job;
  BenchRetrieveJobState state = bench_retrieve_job_get_state (job);
  g_autofree char *figures = bench_job_row_format_figures (job);
  const char *error = bench_retrieve_job_get_error (job);
  static const char *const icons[] = {
    [BENCH_RETRIEVE_JOB_WAITING] = "content-loading-symbolic",
    [BENCH_RETRIEVE_JOB_RUNNING] = "folder-download-symbolic",
    [BENCH_RETRIEVE_JOB_SUCCEEDED] = "emblem-ok-symbolic",
    [BENCH_RETRIEVE_JOB_WARNING] = "dialog-warning-symbolic",
    [BENCH_RETRIEVE_JOB_FAILED] = "dialog-error-symbolic",
    [BENCH_RETRIEVE_JOB_CANCELLED] = "process-stop-symbolic",
  };

  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), icons[state]);
  gtk_widget_remove_css_class (self->icon, "success");
  gtk_widget_remove_css_class (self->icon, "warning");
  gtk_widget_remove_css_class (self->icon, "error");
  if (state == BENCH_RETRIEVE_JOB_SUCCEEDED)
    gtk_widget_add_css_class (self->icon, "success");
  else if (state == BENCH_RETRIEVE_JOB_WARNING)
    gtk_widget_add_css_class (self->icon, "warning");
  else if (state == BENCH_RETRIEVE_JOB_FAILED)
    gtk_widget_add_css_class (self->icon, "error");
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                 bench_retrieve_job_get_fraction (job));
  gtk_label_set_text (GTK_LABEL (self->figures), figures);
  gtk_label_set_text (GTK_LABEL (self->error), error != NULL ? error : "");
  gtk_widget_set_visible (self->error, error != NULL);
  gtk_widget_set_visible (self->cancel_button, !bench_retrieve_job_is_finished (job));
  gtk_widget_set_visible (self->retry_button, bench_retrieve_job_get_can_retry (job));
}

static void
bench_job_row_dispose (GObject *object)
{
  BenchJobRow *self = BENCH_JOB_ROW (object);

  g_clear_object (&self->job);
  G_OBJECT_CLASS (bench_job_row_parent_class)->dispose (object);
}

static void
bench_job_row_class_init (BenchJobRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_job_row_dispose;
}

static void
bench_job_row_init (BenchJobRow *self)
{
  (void) self;
}

static GtkWidget *
new_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_round_button (const char *icon, const char *tooltip, GCallback callback, BenchJobRow *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect_swapped (button, "clicked", callback, self->job);
  return button;
}

GtkWidget *
bench_job_row_new (BenchRetrieveJob *job)
{
  BenchJobRow *self = g_object_new (BENCH_TYPE_JOB_ROW, "activatable", FALSE, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *subtitle = NULL;
  BenchNode *node = bench_retrieve_job_get_node (job);

  self->job = g_object_ref (job);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  self->icon = gtk_image_new ();
  gtk_image_set_pixel_size (GTK_IMAGE (self->icon), 24);
  gtk_widget_set_valign (self->icon, GTK_ALIGN_CENTER);
  self->title = new_label ("heading");
  gtk_label_set_text (GTK_LABEL (self->title), bench_retrieve_job_get_title (job));
  if (bench_node_get_kind (node) == BENCH_NODE_KIND_WEB)
    subtitle = g_strdup_printf (_("WADO-RS from %s into %s"), bench_node_get_name (node),
                                bench_retrieve_job_get_destination (job));
  else
    subtitle = bench_node_get_retrieve_method (node) == BENCH_RETRIEVE_GET
               ? g_strdup_printf (_("C-GET from %s into %s"), bench_node_get_name (node),
                                  bench_retrieve_job_get_destination (job))
               : g_strdup_printf (_("C-MOVE from %s to %s"), bench_node_get_name (node),
                                  bench_retrieve_job_get_destination (job));
  self->subtitle = new_label ("dim-label");
  gtk_widget_add_css_class (self->subtitle, "caption");
  gtk_label_set_text (GTK_LABEL (self->subtitle), subtitle);
  self->progress = gtk_progress_bar_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  bench_retrieve_job_get_title (job), -1);
  self->figures = new_label ("caption");
  gtk_widget_add_css_class (self->figures, "numeric");
  self->error = new_label ("error");
  gtk_label_set_wrap (GTK_LABEL (self->error), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (self->error), PANGO_ELLIPSIZE_NONE);
  gtk_box_append (GTK_BOX (texts), self->title);
  gtk_box_append (GTK_BOX (texts), self->subtitle);
  gtk_box_append (GTK_BOX (texts), self->progress);
  gtk_box_append (GTK_BOX (texts), self->figures);
  gtk_box_append (GTK_BOX (texts), self->error);
  gtk_widget_set_hexpand (texts, TRUE);
  self->cancel_button = new_round_button ("process-stop-symbolic", _("Cancel the Retrieve"),
                                          G_CALLBACK (bench_retrieve_job_cancel), self);
  self->retry_button = new_round_button ("view-refresh-symbolic", _("Retrieve What Is Missing"),
                                         G_CALLBACK (bench_retrieve_job_retry), self);
  gtk_box_append (GTK_BOX (box), self->icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), self->cancel_button);
  gtk_box_append (GTK_BOX (box), self->retry_button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
  g_signal_connect_object (job, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}
