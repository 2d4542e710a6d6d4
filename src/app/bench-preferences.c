/* bench-preferences.c — the preferences window */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-node-editor.h"
#include "bench-preferences.h"

struct _BenchPreferences
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow *ae_title_row;
  GtkSpinButton *port_spin;
  GtkSpinButton *raw_budget_spin;
  AdwActionRow *folder_row;
  AdwActionRow *state_row;
  GtkImage *state_icon;
  AdwPreferencesGroup *calling_group;
  AdwEntryRow *calling_entry;
  GPtrArray *calling_rows;

  BenchEngine *engine;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (BenchPreferences, bench_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void
on_ae_title_apply (AdwEntryRow *row, BenchPreferences *self)
{
  g_autofree char *ae_title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (!bench_ae_title_is_valid (ae_title))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
        adw_toast_new (_("An AE title has 1 to 16 characters, without backslashes.")));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  g_settings_set_string (self->settings, "local-ae-title", ae_title);
}

static void
on_port_changed (GtkSpinButton *spin, BenchPreferences *self)
{
  guint port = (guint) gtk_spin_button_get_value_as_int (spin);

  if (port != g_settings_get_uint (self->settings, "local-port"))
    g_settings_set_uint (self->settings, "local-port", port);
}

static void
update_folder (BenchPreferences *self)
{
  adw_action_row_set_subtitle (self->folder_row, bench_engine_get_storage_folder (self->engine));
}

static void
update_state (BenchPreferences *self)
{
  g_autofree char *state = NULL;
  gboolean listening = FALSE;

  g_object_get (self->engine, "storage-scp-state", &state, "storage-scp-listening", &listening,
                NULL);
  adw_action_row_set_subtitle (self->state_row, state);
  gtk_image_set_from_icon_name (self->state_icon, listening ? "emblem-ok-symbolic"
                                                            : "dialog-warning-symbolic");
}

/* ---- the storage folder ---- */

static void
on_folder_chosen (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  BenchPreferences *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      G_GNUC_END_IGNORE_DEPRECATIONS
      g_autofree char *path = folder != NULL ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, "storage-folder", path);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchPreferences *self = BENCH_PREFERENCES (widget);
  GtkFileChooserNative *chooser;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (_("Storage Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_folder_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
reset_folder_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_settings_reset (BENCH_PREFERENCES (widget)->settings, "storage-folder");
}

/* ---- accepted calling AE titles ---- */

static void
set_calling (BenchPreferences *self, GPtrArray *titles)
{
  g_ptr_array_add (titles, NULL);
  g_settings_set_strv (self->settings, "accepted-calling-ae-titles",
                       (const char *const *) titles->pdata);
}

static void
on_remove_calling (GtkButton *button, BenchPreferences *self)
{
  const char *title = g_object_get_data (G_OBJECT (button), "ae-title");
  g_auto(GStrv) titles = g_settings_get_strv (self->settings, "accepted-calling-ae-titles");
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; titles[i] != NULL; i++)
    if (g_strcmp0 (titles[i], title) != 0)
      g_ptr_array_add (kept, titles[i]);
  set_calling (self, kept);
}

static void
on_calling_apply (AdwEntryRow *row, BenchPreferences *self)
{
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_auto(GStrv) titles = g_settings_get_strv (self->settings, "accepted-calling-ae-titles");
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  if (!bench_ae_title_is_valid (title))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
        adw_toast_new (_("An AE title has 1 to 16 characters, without backslashes.")));
      return;
    }
  if (g_strv_contains ((const char *const *) titles, title))
    return;
  for (guint i = 0; titles[i] != NULL; i++)
    g_ptr_array_add (all, titles[i]);
  g_ptr_array_add (all, title);
  set_calling (self, all);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
update_calling (BenchPreferences *self)
{
  g_auto(GStrv) titles = g_settings_get_strv (self->settings, "accepted-calling-ae-titles");

  for (guint i = 0; i < self->calling_rows->len; i++)
    adw_preferences_group_remove (self->calling_group, self->calling_rows->pdata[i]);
  g_ptr_array_set_size (self->calling_rows, 0);
  for (guint i = 0; titles[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *label = g_strdup_printf (_("Remove %s"), titles[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), titles[i]);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, label);
      g_object_set_data_full (G_OBJECT (button), "ae-title", g_strdup (titles[i]), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_remove_calling), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->calling_group, row);
      g_ptr_array_add (self->calling_rows, row);
    }
}

static void
on_settings_changed (GSettings *settings, const char *key, BenchPreferences *self)
{
  if (g_str_equal (key, "accepted-calling-ae-titles"))
    update_calling (self);
}

/* ---- GObject ---- */

static void
bench_preferences_dispose (GObject *object)
{
  BenchPreferences *self = BENCH_PREFERENCES (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->calling_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_PREFERENCES);
  G_OBJECT_CLASS (bench_preferences_parent_class)->dispose (object);
}

static void
bench_preferences_class_init (BenchPreferencesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_preferences_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, ae_title_row);
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, port_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, raw_budget_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, folder_row);
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, state_row);
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, state_icon);
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, calling_group);
  gtk_widget_class_bind_template_child (widget_class, BenchPreferences, calling_entry);
  gtk_widget_class_install_action (widget_class, "prefs.choose-folder", NULL,
                                   choose_folder_action);
  gtk_widget_class_install_action (widget_class, "prefs.reset-folder", NULL,
                                   reset_folder_action);
}

static void
bench_preferences_init (BenchPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->calling_rows = g_ptr_array_new ();
}

GtkWidget *
bench_preferences_new (BenchEngine *engine, GSettings *settings)
{
  BenchPreferences *self = g_object_new (BENCH_TYPE_PREFERENCES, NULL);

  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);
  gtk_editable_set_text (GTK_EDITABLE (self->ae_title_row),
                         bench_engine_get_local_ae_title (engine));
  gtk_spin_button_set_value (self->port_spin, g_settings_get_uint (settings, "local-port"));
  update_folder (self);
  update_state (self);
  update_calling (self);
  g_signal_connect (self->ae_title_row, "apply", G_CALLBACK (on_ae_title_apply), self);
  g_signal_connect (self->port_spin, "value-changed", G_CALLBACK (on_port_changed), self);
  g_settings_bind (settings, "traffic-max-raw-mib", self->raw_budget_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect (self->calling_entry, "apply", G_CALLBACK (on_calling_apply), self);
  g_signal_connect (settings, "changed", G_CALLBACK (on_settings_changed), self);
  g_signal_connect_swapped (engine, "notify::storage-folder", G_CALLBACK (update_folder), self);
  g_signal_connect_swapped (engine, "notify::storage-scp-state", G_CALLBACK (update_state), self);
  return GTK_WIDGET (self);
}
