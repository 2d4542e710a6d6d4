/* bench-commitment-view.c — the Storage Commitment panel */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-commitment-view.h"
#include "bench-nservice-op.h"
#include "bench-tools-page.h"

struct _BenchCommitmentView
{
  GtkBox parent_instance;

  BenchEngine *engine;
  GtkWidget *node_chooser;
  GtkSpinButton *wait;
  GtkWidget *commit_button;
  GtkLabel *files_label;
  GtkLabel *status;
  GtkLabel *committed;
  GtkLabel *failed;
  GStrv paths;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (BenchCommitmentView, bench_commitment_view, GTK_TYPE_BOX)

static void
update (BenchCommitmentView *self)
{
  guint n = self->paths != NULL ? g_strv_length (self->paths) : 0;
  g_autofree char *text = n > 0 ? g_strdup_printf (ngettext ("%u file to commit",
                                                             "%u files to commit", n), n)
                                : g_strdup (_("No files chosen"));

  gtk_label_set_label (self->files_label, text);
  gtk_widget_set_sensitive (self->commit_button, n > 0 && self->cancellable == NULL);
}

void
bench_commitment_view_set_files (BenchCommitmentView *self, const char *const *paths)
{
  g_return_if_fail (BENCH_IS_COMMITMENT_VIEW (self));
  g_strfreev (self->paths);
  self->paths = g_strdupv ((char **) paths);
  update (self);
}

static char *
join_or (GPtrArray *lines, const char *none)
{
  GString *text;

  if (lines == NULL || lines->len == 0)
    return g_strdup (none);
  text = g_string_new (NULL);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", (const char *) lines->pdata[i]);
  return g_string_free (text, FALSE);
}

static void
on_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BenchCommitmentView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchNOutcome) outcome = bench_commitment_op_run_finish (res, &error);
  g_autofree char *committed = NULL;
  g_autofree char *failed = NULL;

  g_clear_object (&self->cancellable);
  update (self);
  if (outcome == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("No result: %s"), error->message);

      gtk_label_set_label (self->status, text);
      return;
    }
  committed = join_or (outcome->committed, _("None"));
  failed = join_or (outcome->failed, _("None"));
  gtk_label_set_label (self->status, outcome->description);
  gtk_label_set_label (self->committed, committed);
  gtk_label_set_label (self->failed, failed);
}

static void
on_commit (GtkButton *button, BenchCommitmentView *self)
{
  BenchNode *node = bench_tools_node_chooser_get_node (self->node_chooser);

  if (node == NULL || self->paths == NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  update (self);
  gtk_label_set_label (self->status, _("Waiting for the report…"));
  gtk_label_set_label (self->committed, "–");
  gtk_label_set_label (self->failed, "–");
  bench_commitment_op_run_async (self->engine, node, (const char *const *) self->paths,
                                 (guint) gtk_spin_button_get_value_as_int (self->wait),
                                 self->cancellable, on_done, g_object_ref (self));
}

static void
on_listed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(BenchCommitmentView) self = user_data;
  g_auto(GStrv) paths = g_task_propagate_pointer (G_TASK (res), NULL);

  if (paths != NULL)
    bench_commitment_view_set_files (self, (const char *const *) paths);
}

static void
on_use_local (GtkButton *button, BenchCommitmentView *self)
{
  bench_list_files_async (bench_engine_get_storage_folder (self->engine), NULL, on_listed,
                          g_object_ref (self));
}

static void
on_chosen (GtkNativeDialog *dialog, int response, BenchCommitmentView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          char *path = g_file_get_path (file);

          if (path != NULL)
            g_ptr_array_add (paths, path);
        }
      g_ptr_array_add (paths, NULL);
      bench_commitment_view_set_files (self, (const char *const *) paths->pdata);
    }
  g_object_unref (dialog);
}

static void
on_choose (GtkButton *button, BenchCommitmentView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Choose the Files to Commit"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static GtkLabel *
add_list (GtkWidget *box, const char *title, const char *name)
{
  GtkWidget *value = bench_tools_label_new ("–", "monospace");

  gtk_widget_set_name (value, name);
  gtk_box_append (GTK_BOX (box), bench_tools_label_new (title, "heading"));
  gtk_box_append (GTK_BOX (box), value);
  return GTK_LABEL (value);
}

static void
bench_commitment_view_dispose (GObject *object)
{
  BenchCommitmentView *self = BENCH_COMMITMENT_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->paths, g_strfreev);
  G_OBJECT_CLASS (bench_commitment_view_parent_class)->dispose (object);
}

static void
bench_commitment_view_class_init (BenchCommitmentViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_commitment_view_dispose;
}

static void
bench_commitment_view_init (BenchCommitmentView *self)
{
}

GtkWidget *
bench_commitment_view_new (BenchEngine *engine, GListModel *nodes)
{
  BenchCommitmentView *self = g_object_new (BENCH_TYPE_COMMITMENT_VIEW, "orientation",
                                            GTK_ORIENTATION_VERTICAL, "spacing", 12, NULL);
  GtkWidget *bar = bench_tools_flow_new ();
  GtkWidget *files = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *send = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *local = gtk_button_new_with_mnemonic (_("_Local Folder"));
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("C_hoose Files…"));
  GtkWidget *wait_label = gtk_label_new_with_mnemonic (_("_Wait (seconds)"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *lists = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->engine = g_object_ref (engine);
  gtk_widget_set_name (GTK_WIDGET (self), "commitment-view");
  g_object_set (self, "margin-top", 12, "margin-bottom", 12, "margin-start", 12,
                "margin-end", 12, NULL);
  self->node_chooser = bench_tools_node_chooser_new (nodes, "commitment-node");
  gtk_widget_set_name (local, "commitment-local");
  gtk_widget_set_tooltip_text (local, _("Commit every file of the Local storage folder"));
  gtk_widget_set_name (choose, "commitment-choose");
  self->wait = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 600, 1));
  gtk_spin_button_set_value (self->wait, 30);
  gtk_label_set_mnemonic_widget (GTK_LABEL (wait_label), GTK_WIDGET (self->wait));
  self->commit_button = gtk_button_new_with_mnemonic (_("_Commit"));
  gtk_widget_set_name (self->commit_button, "commitment-commit");
  gtk_widget_add_css_class (self->commit_button, "suggested-action");
  gtk_box_append (GTK_BOX (files), local);
  gtk_box_append (GTK_BOX (files), choose);
  gtk_box_append (GTK_BOX (send), wait_label);
  gtk_box_append (GTK_BOX (send), GTK_WIDGET (self->wait));
  gtk_box_append (GTK_BOX (send), self->commit_button);
  bench_tools_flow_append (bar, self->node_chooser);
  bench_tools_flow_append (bar, files);
  bench_tools_flow_append (bar, send);
  gtk_box_append (GTK_BOX (self), bar);
  gtk_box_append (GTK_BOX (self), bench_tools_label_new (
    _("Sends an N-ACTION request for the instances of the files and waits for the "
      "N-EVENT-REPORT on the same association (PS3.4 §J.3.3)."), "dim-label"));
  self->files_label = GTK_LABEL (bench_tools_label_new (NULL, NULL));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->files_label));
  self->status = GTK_LABEL (bench_tools_label_new (NULL, "title-4"));
  gtk_widget_set_name (GTK_WIDGET (self->status), "commitment-status");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status));
  self->committed = add_list (lists, _("Committed"), "commitment-committed");
  self->failed = add_list (lists, _("Failed"), "commitment-failed");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), lists);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);
  g_signal_connect (local, "clicked", G_CALLBACK (on_use_local), self);
  g_signal_connect (choose, "clicked", G_CALLBACK (on_choose), self);
  g_signal_connect (self->commit_button, "clicked", G_CALLBACK (on_commit), self);
  update (self);
  return GTK_WIDGET (self);
}

gboolean
bench_commitment_view_get_running (BenchCommitmentView *view)
{
  g_return_val_if_fail (BENCH_IS_COMMITMENT_VIEW (view), FALSE);
  return view->cancellable != NULL;
}
