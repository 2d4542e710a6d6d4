/* bench-jobs-page.c — the retrieves started in this window */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-job-row.h"
#include "bench-jobs-page.h"
#include "bench-retrieve-job.h"

struct _BenchJobsPage {
  GtkWidget   parent_instance;

  GListStore *jobs;
  GtkStack   *stack;
  GtkListBox *list_box;
  GtkLabel   *summary_label;
  GtkButton  *clear_button;
};

G_DEFINE_FINAL_TYPE (BenchJobsPage, bench_jobs_page, GTK_TYPE_WIDGET)

static void
update_summary (BenchJobsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  guint running = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (bench_retrieve_job_is_running (job))
        running++;
    }
  if (running > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u retrieve running",
                                         "%u retrieves running", running), running);
  else
    text = g_strdup (_("All retrieves have ended"));
  gtk_label_set_text (self->summary_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), running < n);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "jobs" : "empty");
}

/* Told in a notification when nobody is looking at the window. */
static void
on_job_finished (BenchRetrieveJob *job, gpointer user_data)
{
  BenchJobsPage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GApplication *app = g_application_get_default ();
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  const char *title;

  update_summary (self);
  if (app == NULL || (GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root))))
    return;
  switch (bench_retrieve_job_get_state (job))
    {
    case BENCH_RETRIEVE_JOB_SUCCEEDED:
      title = _("Retrieve complete");
      break;
    case BENCH_RETRIEVE_JOB_CANCELLED:
      title = _("Retrieve cancelled");
      break;
    case BENCH_RETRIEVE_JOB_WARNING:
      title = _("Retrieve ended with missing instances");
      break;
    case BENCH_RETRIEVE_JOB_FAILED:
    default:
      title = _("Retrieve failed");
      break;
    }
  notification = g_notification_new (title);
  g_notification_set_body (notification, bench_retrieve_job_get_title (job));
  id = g_strdup_printf ("retrieve-%p", (void *) job);
  g_application_send_notification (app, id, notification);
}

static void
on_jobs_changed (GListModel *jobs, guint position, guint removed, guint added, gpointer user_data)
{
  BenchJobsPage *self = user_data;

  (void) removed;
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (jobs, i);

      g_signal_handlers_disconnect_by_func (job, on_job_finished, self);
      g_signal_connect_object (job, "finished", G_CALLBACK (on_job_finished), self, 0);
      g_signal_connect_object (job, "notify::state", G_CALLBACK (update_summary), self,
                               G_CONNECT_SWAPPED);
    }
  update_summary (self);
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  (void) user_data;
  return bench_job_row_new (item);
}

static void
on_clear_clicked (BenchJobsPage *self)
{
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i-- > 0;)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (bench_retrieve_job_is_finished (job))
        g_list_store_remove (self->jobs, i);
    }
}

static void
bench_jobs_page_dispose (GObject *object)
{
  BenchJobsPage *self = BENCH_JOBS_PAGE (object);

  if (self->jobs != NULL)
    g_signal_handlers_disconnect_by_data (self->jobs, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_JOBS_PAGE);
  g_clear_object (&self->jobs);
  G_OBJECT_CLASS (bench_jobs_page_parent_class)->dispose (object);
}

static void
bench_jobs_page_class_init (BenchJobsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_jobs_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-jobs-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BenchJobsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchJobsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, BenchJobsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BenchJobsPage, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
bench_jobs_page_init (BenchJobsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bench_jobs_page_new (GListStore *jobs)
{
  BenchJobsPage *self = g_object_new (BENCH_TYPE_JOBS_PAGE, NULL);

  self->jobs = g_object_ref (jobs);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (jobs), create_row, NULL, NULL);
  g_signal_connect (jobs, "items-changed", G_CALLBACK (on_jobs_changed), self);
  on_jobs_changed (G_LIST_MODEL (jobs), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (jobs)), self);
  return GTK_WIDGET (self);
}
