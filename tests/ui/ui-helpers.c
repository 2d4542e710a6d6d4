/* ui-helpers.c — driving the application in-process for the UI tests */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ui-helpers.h"

static char *home;
static BenchApplication *app;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
cleanup_home (void)
{
  if (home != NULL && g_getenv ("UI_KEEP_HOME") == NULL)
    remove_tree (home);
}

guint16
ui_closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  g_assert_nonnull (bound);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
set_env_dir (const char *variable, const char *relative)
{
  g_autofree char *path = g_build_filename (home, relative, NULL);

  g_mkdir_with_parents (path, 0700);
  g_setenv (variable, path, TRUE);
}

void
ui_init (int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *storage = NULL;

  home = g_dir_make_tmp ("dimsebench-ui-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (cleanup_home);
  g_setenv ("HOME", home, TRUE);
  set_env_dir ("XDG_CONFIG_HOME", ".config");
  set_env_dir ("XDG_CACHE_HOME", ".cache");
  set_env_dir ("XDG_DATA_HOME", ".local/share");
  set_env_dir ("XDG_STATE_HOME", ".local/state");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (argc, argv, NULL);
  /* No transitions: what a test reads or saves is the final state. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* The memory backend is per process: what is set here, the app reads. */
  settings = g_settings_new (BENCH_APPLICATION_ID);
  storage = g_build_filename (home, "received", NULL);
  g_settings_set_uint (settings, "local-port", ui_closed_port ());
  g_settings_set_string (settings, "storage-folder", storage);
  /* The screen of xvfb-run in meson.build: wide enough not to fold. */
  g_settings_set_int (settings, "window-width", 1400);
  g_settings_set_int (settings, "window-height", 880);
}

const char *
ui_get_home (void)
{
  return home;
}

static gboolean
window_shown (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

BenchWindow *
ui_start_app (void)
{
  g_autoptr(GError) error = NULL;

  app = bench_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_true (ui_wait_for (window_shown, NULL, 10000));
  return BENCH_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
}

BenchApplication *
ui_get_app (void)
{
  return app;
}

void
ui_stop_app (void)
{
  GList *windows;

  if (app == NULL)
    return;
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  /* What g_application_run does last: shutdown, so the worker stops. Only
   * g_application_run unregisters from D-Bus, so the application is left
   * for the process's exit rather than finalized (which would warn). */
  g_signal_emit_by_name (app, "shutdown");
  app = NULL;
}

typedef struct {
  gboolean expired;
} Deadline;

static gboolean
on_deadline (gpointer data)
{
  ((Deadline *) data)->expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
ui_wait_for (UiCondition cond, gpointer data, guint timeout_ms)
{
  Deadline deadline = { FALSE };
  guint id = g_timeout_add (timeout_ms, on_deadline, &deadline);
  gboolean met;

  while (!(met = cond (data)) && !deadline.expired)
    g_main_context_iteration (NULL, TRUE);
  if (!deadline.expired)
    g_source_remove (id);
  return met;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
ui_run_for (guint ms)
{
  ui_wait_for (never, NULL, ms);
}

/* ---- finding ---- */

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find (GtkWidget *root, Match match, gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
match_name (GtkWidget *widget, gconstpointer data)
{
  return g_strcmp0 (gtk_widget_get_name (widget), data) == 0;
}

static gboolean
match_type (GtkWidget *widget, gconstpointer data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

GtkWidget *
ui_find_named (GtkWidget *root, const char *name)
{
  return find (root, match_name, name);
}

GtkWidget *
ui_find_of_type (GtkWidget *root, GType type)
{
  return find (root, match_type, GSIZE_TO_POINTER (type));
}

static gboolean
match_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

GtkWidget *
ui_find_button (GtkWidget *root, const char *label)
{
  return find (root, match_button, label);
}

GtkWindow *
ui_find_window (GType type)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type)
          && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
collect (GtkWidget *widget, GString *out)
{
  if (!gtk_widget_is_drawable (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, out);
}

char *
ui_collect_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  collect (root, out);
  return g_string_free (out, FALSE);
}

gboolean
ui_has_text (GtkWidget *root, const char *text)
{
  g_autofree char *all = ui_collect_text (root);

  return strstr (all, text) != NULL;
}

/* ---- acting ---- */

void
ui_type (GtkWidget *editable, const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (editable));
  g_assert_true (gtk_widget_is_sensitive (editable));
  /* Into the field first, as a click would: some widgets (AdwEntryRow's
   * apply button) follow only what is typed while they have the focus. */
  g_assert_true (gtk_widget_grab_focus (editable));
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  if (GTK_IS_SPIN_BUTTON (editable))
    gtk_spin_button_update (GTK_SPIN_BUTTON (editable));
}

void
ui_click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_drawable (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
  /* A GtkButton shows itself pressed for a moment before "clicked". */
  ui_run_for (350);
}

void
ui_activate (GtkWidget *widget, const char *action, GVariant *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (widget, action, parameter));
}

/* ---- pictures ---- */

gboolean
ui_save_png (GtkWidget *widget, const char *path, GError **error)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The widget drew nothing.");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s could not be written.", path);
      return FALSE;
    }
  return TRUE;
}

void
ui_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("UI_SCREENSHOT_DIR");
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  /* Let transitions (crossfades, toasts) end first. */
  ui_run_for (1000);
  if (!ui_save_png (widget, path, &error))
    g_test_message ("screenshot %s: %s", path, error->message);
}
