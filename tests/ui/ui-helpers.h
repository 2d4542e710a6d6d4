/* ui-helpers.h — driving the application in-process for the UI tests:
 * start it in a private home, find widgets by their name (the "name"
 * property in the .ui files), act as a user would (type, click, activate
 * an action), wait for the main loop to bring a condition about, and save
 * what a window shows as a PNG. See README for the how-to. */
#pragma once

#include <gtk/gtk.h>

#include "bench-application.h"
#include "bench-window.h"

G_BEGIN_DECLS

/* Before anything else in main(): a temporary HOME, XDG dirs and the
 * memory GSettings backend (never the user's real configuration), then
 * gtk_test_init. The Storage SCP gets a free port and a folder in the
 * temporary home. */
void         ui_init (int *argc, char ***argv);
/* The temporary home (removed at exit). */
const char  *ui_get_home (void);
/* Starts the application (startup and activate, as g_application_run
 * would) and returns its window once it is shown. */
BenchWindow *ui_start_app (void);
BenchApplication *ui_get_app (void);
/* Shuts the application down (the engine's worker stops). */
void         ui_stop_app (void);

/* Runs the main loop until cond (data) is TRUE; FALSE after timeout_ms. */
typedef gboolean (*UiCondition) (gpointer data);
gboolean     ui_wait_for (UiCondition cond, gpointer data, guint timeout_ms);
/* Runs the main loop for ms milliseconds (lets a redraw happen). */
void         ui_run_for (guint ms);

/* Depth-first search of root's widget tree (popovers included) for a
 * widget whose name (gtk_widget_get_name) is name; NULL when none. */
GtkWidget   *ui_find_named (GtkWidget *root, const char *name);
/* The first widget of type in root's tree, or NULL. */
GtkWidget   *ui_find_of_type (GtkWidget *root, GType type);
/* The first GtkButton under root whose label is label (as written in the
 * .ui file, underline included: "_Undo"), or NULL. */
GtkWidget   *ui_find_button (GtkWidget *root, const char *label);
/* The first toplevel window of type that is visible, or NULL. */
GtkWindow   *ui_find_window (GType type);
/* Every GtkLabel and GtkInscription text under root that is drawable,
 * one per line (a new string): what a user can read. */
char        *ui_collect_text (GtkWidget *root);
/* Whether a drawable label under root contains text. */
gboolean     ui_has_text (GtkWidget *root, const char *text);

/* Focuses a GtkEditable (entry, AdwEntryRow, spin button) and sets its text. */
void         ui_type (GtkWidget *editable, const char *text);
/* Clicks a button: asserts it is drawable and sensitive, activates it (as
 * Enter or Space would) and runs the main loop until it has been clicked. */
void         ui_click (GtkWidget *button);
/* Activates a named action ("win.test-node") from widget, as its
 * shortcut would; asserts that the action exists and is enabled. */
void         ui_activate (GtkWidget *widget, const char *action, GVariant *parameter);

/* Saves what widget shows (a window, usually) to path as PNG. */
gboolean     ui_save_png (GtkWidget *widget, const char *path, GError **error);
/* When UI_SCREENSHOT_DIR is set, saves widget as $UI_SCREENSHOT_DIR/name.png. */
void         ui_screenshot (GtkWidget *widget, const char *name);

/* A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
guint16      ui_closed_port (void);

G_END_DECLS
