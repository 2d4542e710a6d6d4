/* bench-application.c — the application: engine, nodes, app actions */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-application.h"
#include "bench-preferences.h"
#include "bench-window.h"

struct _BenchApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  BenchEngine *engine;
  BenchNodeStore *store;
  char *load_error;     /* shown once the window exists */
};

G_DEFINE_FINAL_TYPE (BenchApplication, bench_application, ADW_TYPE_APPLICATION)

BenchEngine *
bench_application_get_engine (BenchApplication *app)
{
  return app->engine;
}

BenchNodeStore *
bench_application_get_node_store (BenchApplication *app)
{
  return app->store;
}

GSettings *
bench_application_get_settings (BenchApplication *app)
{
  return app->settings;
}

static void
on_demo_node (BenchEngine *engine, GParamSpec *pspec, BenchApplication *app)
{
  g_autoptr(BenchNode) node = NULL;

  g_object_get (engine, "demo-node", &node, NULL);
  bench_node_store_set_demo_node (app->store, node);
}

static gpointer
ref_window (gconstpointer window, gpointer data)
{
  return g_object_ref ((gpointer) window);
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GApplication *app = user_data;
  GList *windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (app)),
                                     ref_window, NULL);

  /* Closed, not destroyed, so that each saves its state. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
  g_application_quit (app);
}

static void
preferences_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchApplication *app = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWindow *prefs = GTK_WINDOW (bench_preferences_new (app->engine, app->settings));

  gtk_window_set_transient_for (prefs, parent);
  gtk_window_present (prefs);
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  BenchApplication *app = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (app));
  const char *developers[] = { "The Dimsebench developers", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Dimsebench"),
                         "application-icon", BENCH_APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Dimsebench developers"),
                         "developers", developers,
                         "comments", _("Query, retrieve and test DICOM nodes"),
                         "website", "https://github.com/dimsebench/dimsebench",
                         "issue-url", "https://github.com/dimsebench/dimsebench/issues",
                         "license-type", GTK_LICENSE_LGPL_2_1,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "about", .activate = about_activated },
};

static void
set_accels (GtkApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.show-help-overlay", { "<Control>question", "<Control>slash", NULL } },
    { "win.new-node", { "<Control>n", NULL } },
    { "win.test-node", { "<Control>t", NULL } },
    { "win.edit-node", { "<Control>e", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.show-page::query", { "<Alt>1", NULL } },
    { "win.show-page::jobs", { "<Alt>2", NULL } },
    { "win.show-page::local", { "<Alt>3", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

static void
bench_application_startup (GApplication *application)
{
  BenchApplication *app = BENCH_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (bench_application_parent_class)->startup (application);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  set_accels (GTK_APPLICATION (app));
  gtk_window_set_default_icon_name (BENCH_APPLICATION_ID);

  app->settings = g_settings_new (BENCH_APPLICATION_ID);
  app->engine = bench_engine_new ();
  app->store = bench_node_store_new (NULL);
  if (!bench_node_store_load (app->store, &error))
    app->load_error = g_strdup (error->message);
  g_signal_connect (app->engine, "notify::demo-node", G_CALLBACK (on_demo_node), app);
  if (bench_node_store_get_n_configured (app->store) == 0)
    bench_engine_start_demo (app->engine);
}

static void
bench_application_activate (GApplication *application)
{
  BenchApplication *app = BENCH_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (bench_window_new (app));
      if (app->load_error != NULL)
        bench_window_show_error (BENCH_WINDOW (window), app->load_error);
      g_clear_pointer (&app->load_error, g_free);
    }
  gtk_window_present (window);
}

static void
bench_application_shutdown (GApplication *application)
{
  BenchApplication *app = BENCH_APPLICATION (application);

  if (app->store != NULL)
    bench_node_store_flush (app->store);
  if (app->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (app->engine, app);
      bench_engine_shutdown (app->engine);
    }
  G_APPLICATION_CLASS (bench_application_parent_class)->shutdown (application);
}

static void
bench_application_finalize (GObject *object)
{
  BenchApplication *self = BENCH_APPLICATION (object);

  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_free (self->load_error);
  G_OBJECT_CLASS (bench_application_parent_class)->finalize (object);
}

static void
bench_application_class_init (BenchApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = bench_application_finalize;
  app_class->startup = bench_application_startup;
  app_class->activate = bench_application_activate;
  app_class->shutdown = bench_application_shutdown;
}

static void
bench_application_init (BenchApplication *self)
{
}

BenchApplication *
bench_application_new (void)
{
  return g_object_new (BENCH_TYPE_APPLICATION,
                       "application-id", BENCH_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/dimsebench/Dimsebench",
                       NULL);
}
