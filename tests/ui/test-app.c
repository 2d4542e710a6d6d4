/* test-app.c — the application under Xvfb, against its embedded demo
 * archive: it starts with the demo node, a node test (C-ECHO) of the demo
 * node succeeds and names the peer's implementation, a node on a closed
 * port fails with a readable error, nodes are saved as JSON, and Ctrl+F
 * searches the visible page.
 * Driven in-process through the widget tree (ui-helpers.h). */
#include "config.h"

#include <json-glib/json-glib.h>

#include "bench-node-row.h"
#include "bench-node-editor.h"
#include "bench-node-store.h"
#include "bench-node-test.h"
#include "bench-preferences.h"
#include "bench-jobs-page.h"
#include "bench-query-page.h"
#include "bench-traffic-page.h"
#include "dcm-uid.h"
#include "ui-helpers.h"

/* Generating and indexing the demo archive takes a while on a busy machine. */
#define DEMO_TIMEOUT_MS 120000
#define TEST_TIMEOUT_MS 30000

static BenchWindow *window;

static gboolean
demo_listed (gpointer data)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNode *node = bench_node_store_find (store, "demo-archive");

  return node != NULL && bench_window_get_selected_node (window) == node;
}

static gboolean
scp_listening (gpointer data)
{
  gboolean listening = FALSE;

  g_object_get (bench_application_get_engine (ui_get_app ()), "storage-scp-listening",
                &listening, NULL);
  return listening;
}

static void
test_starts_with_demo (void)
{
  GtkWidget *list = ui_find_named (GTK_WIDGET (window), "node-list");
  g_autofree char *text = NULL;

  g_assert_true (ui_wait_for (demo_listed, NULL, DEMO_TIMEOUT_MS));
  g_assert_true (ui_wait_for (scp_listening, NULL, TEST_TIMEOUT_MS));
  ui_run_for (200);
  text = ui_collect_text (list);
  g_test_message ("sidebar: %s", text);
  g_assert_nonnull (strstr (text, "Demo archive"));
  g_assert_nonnull (strstr (text, "DEMO_ARCHIVE@127.0.0.1:"));
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (window), "scp-status"), "listening"));
  /* The demo node's row says what it is to assistive technologies too. */
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (gtk_list_box_get_row_at_index (
                                     GTK_LIST_BOX (list), 0)), GTK_ACCESSIBLE_ROLE_LIST_ITEM);
  ui_screenshot (GTK_WIDGET (window), "main-window");
}

static gboolean
test_finished (gpointer data)
{
  return g_strcmp0 (bench_node_test_get_state (data), "running") != 0;
}

static gboolean
no_test_window (gpointer data)
{
  return ui_find_window (BENCH_TYPE_NODE_TEST) == NULL;
}

static BenchNodeTest *
run_node_test (void)
{
  BenchNodeTest *test;

  g_assert_true (ui_wait_for (no_test_window, NULL, TEST_TIMEOUT_MS));
  ui_activate (GTK_WIDGET (window), "win.test-node", NULL);
  test = BENCH_NODE_TEST (ui_find_window (BENCH_TYPE_NODE_TEST));
  g_assert_nonnull (test);
  g_assert_true (ui_wait_for (test_finished, test, TEST_TIMEOUT_MS));
  ui_run_for (200);
  return test;
}

static BenchNodeRow *
selected_row (void)
{
  GtkWidget *list = ui_find_named (GTK_WIDGET (window), "node-list");

  return BENCH_NODE_ROW (gtk_list_box_get_selected_row (GTK_LIST_BOX (list)));
}

static void
test_node_test_demo (void)
{
  BenchNodeTest *test;
  g_autofree char *text = NULL;

  g_assert_true (bench_node_get_is_demo (bench_window_get_selected_node (window)));
  test = run_node_test ();
  text = ui_collect_text (GTK_WIDGET (test));
  g_test_message ("node test: %s", text);
  g_assert_cmpstr (bench_node_test_get_state (test), ==, "done");
  g_assert_nonnull (strstr (text, "Success (0000H)"));
  /* The demo archive is this program's engine: its implementation. */
  g_assert_nonnull (strstr (text, DCM_IMPLEMENTATION_CLASS_UID));
  g_assert_nonnull (strstr (text, DCM_IMPLEMENTATION_VERSION_NAME));
  g_assert_nonnull (strstr (text, "Accepted with"));
  g_assert_nonnull (strstr (bench_node_test_get_report (test), "Verification"));
  g_assert_cmpint (bench_node_row_get_status (selected_row ()), ==, BENCH_NODE_STATUS_OK);
  ui_screenshot (GTK_WIDGET (test), "node-test");
  gtk_window_close (GTK_WINDOW (test));
}

static gboolean
editor_closed (gpointer data)
{
  return ui_find_window (BENCH_TYPE_NODE_EDITOR) == NULL;
}

static guint16 closed_port;

/* Adds a node through the editor, as a user would; it is then selected. */
static BenchNode *
add_node (const char *name, const char *ae_title, guint port, const char *screenshot)
{
  GtkWidget *editor;
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  BenchNode *node;

  ui_activate (GTK_WIDGET (window), "win.new-node", NULL);
  editor = GTK_WIDGET (ui_find_window (BENCH_TYPE_NODE_EDITOR));
  g_assert_nonnull (editor);
  /* Not savable until it has an AE title. */
  g_assert_false (gtk_widget_is_sensitive (ui_find_named (editor, "save-node")));
  ui_type (ui_find_named (editor, "node-name"), name);
  ui_type (ui_find_named (editor, "node-ae-title"), ae_title);
  ui_type (ui_find_named (editor, "node-host"), "127.0.0.1");
  ui_type (ui_find_named (editor, "node-port"), port_text);
  if (screenshot != NULL)
    ui_screenshot (editor, screenshot);
  ui_click (ui_find_named (editor, "save-node"));
  g_assert_true (ui_wait_for (editor_closed, NULL, TEST_TIMEOUT_MS));
  node = bench_window_get_selected_node (window);
  g_assert_nonnull (node);
  g_assert_cmpstr (bench_node_get_name (node), ==, name);
  g_assert_cmpstr (bench_node_get_ae_title (node), ==, ae_title);
  g_assert_cmpuint (bench_node_get_port (node), ==, port);
  return node;
}

static void
test_add_node (void)
{
  closed_port = ui_closed_port ();
  add_node ("Closed port", "NOBODY", closed_port, "node-editor");
}

static void
test_node_test_closed_port (void)
{
  BenchNodeTest *test = run_node_test ();
  g_autofree char *text = ui_collect_text (GTK_WIDGET (test));
  g_autofree char *port = g_strdup_printf ("%u", closed_port);

  g_test_message ("node test: %s", text);
  g_assert_cmpstr (bench_node_test_get_state (test), ==, "failed");
  g_assert_nonnull (strstr (text, "No connection"));
  /* The error names where it tried, in words. */
  g_assert_nonnull (strstr (text, port));
  g_assert_nonnull (strstr (text, "127.0.0.1"));
  g_assert_cmpint (bench_node_row_get_status (selected_row ()), ==, BENCH_NODE_STATUS_FAILED);
  ui_screenshot (GTK_WIDGET (test), "node-test-failed");
  gtk_window_close (GTK_WINDOW (test));
}

/* The demo archive answers to its own AE title only: calling another is
 * refused with an A-ASSOCIATE-RJ that the dialog puts in words. */
static void
test_node_test_rejected (void)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNode *demo = bench_node_store_find (store, "demo-archive");
  BenchNodeTest *test;
  g_autofree char *text = NULL;
  g_autofree char *lower = NULL;

  add_node ("Wrong AE title", "NOT_THE_DEMO", bench_node_get_port (demo), NULL);
  test = run_node_test ();
  text = ui_collect_text (GTK_WIDGET (test));
  g_test_message ("node test: %s", text);
  g_assert_cmpstr (bench_node_test_get_state (test), ==, "failed");
  g_assert_nonnull (strstr (text, "Association rejected"));
  /* PS3.8 Table 9-21: reason 7, in words */
  lower = g_ascii_strdown (text, -1);
  g_assert_nonnull (strstr (lower, "called ae title not recognized"));
  ui_screenshot (GTK_WIDGET (test), "node-test-rejected");
  gtk_window_close (GTK_WINDOW (test));
  ui_activate (GTK_WIDGET (window), "win.delete-node", NULL);
}

static void
test_nodes_saved (void)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  g_autofree char *path = g_file_get_path (bench_node_store_get_file (store));
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;

  bench_node_store_flush (store);
  g_assert_true (g_str_has_prefix (path, ui_get_home ()));
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  nodes = bench_node_store_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  /* The demo node is never saved. */
  g_assert_cmpuint (nodes->len, ==, 1);
  g_assert_cmpstr (bench_node_get_ae_title (nodes->pdata[0]), ==, "NOBODY");
}

static void
test_delete_and_undo (void)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNode *node = bench_window_get_selected_node (window);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_assert_false (bench_node_get_is_demo (node));
  ui_activate (GTK_WIDGET (window), "win.delete-node", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n - 1);
  ui_run_for (300);
  g_assert_true (ui_has_text (GTK_WIDGET (window), "“Closed port” deleted"));
  ui_click (ui_find_button (GTK_WIDGET (window), "_Undo"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n);
  g_assert_cmpstr (bench_node_get_name (bench_window_get_selected_node (window)), ==,
                   "Closed port");
}

static gboolean
scp_renamed (gpointer data)
{
  g_autofree char *state = NULL;
  gboolean listening = FALSE;

  g_object_get (bench_application_get_engine (ui_get_app ()), "storage-scp-state", &state,
                "storage-scp-listening", &listening, NULL);
  return listening && strstr (state, "Storage SCP BENCHTEST listening") != NULL;
}

static gboolean
prefs_closed (gpointer data)
{
  return ui_find_window (BENCH_TYPE_PREFERENCES) == NULL;
}

static void
test_preferences_local_ae (void)
{
  GtkWidget *prefs;
  GtkWidget *row;

  ui_activate (GTK_WIDGET (window), "app.preferences", NULL);
  prefs = GTK_WIDGET (ui_find_window (BENCH_TYPE_PREFERENCES));
  g_assert_nonnull (prefs);
  row = ui_find_named (prefs, "local-ae-title");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "DIMSEBENCH");
  ui_type (row, "BENCHTEST");
  ui_run_for (500);
  /* The row's apply button, shown once the user changed the text. */
  ui_click (ui_find_of_type (row, GTK_TYPE_BUTTON));
  g_assert_true (ui_wait_for (scp_renamed, NULL, TEST_TIMEOUT_MS));
  g_assert_cmpstr (bench_engine_get_local_ae_title (bench_application_get_engine (ui_get_app ())),
                   ==, "BENCHTEST");
  ui_run_for (300);
  g_assert_true (ui_has_text (prefs, "Storage SCP BENCHTEST listening"));
  ui_screenshot (prefs, "preferences");
  gtk_window_close (GTK_WINDOW (prefs));
  g_assert_true (ui_wait_for (prefs_closed, NULL, TEST_TIMEOUT_MS));
  /* The window's status line follows. */
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (window), "scp-status"),
                              "Storage SCP BENCHTEST listening"));
}

static void
test_shortcuts_and_about (void)
{
  GtkWindow *shortcuts;
  GtkWindow *about;

  /* Ctrl+? : the shortcuts window, from the resource gtk/help-overlay.ui */
  ui_activate (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  ui_run_for (200);
  shortcuts = ui_find_window (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_true (ui_has_text (GTK_WIDGET (shortcuts), "Test the selected node (C-ECHO)"));
  g_assert_true (ui_has_text (GTK_WIDGET (shortcuts), "Search the visible page"));
  gtk_window_close (shortcuts);

  ui_activate (GTK_WIDGET (window), "app.about", NULL);
  ui_run_for (200);
  about = ui_find_window (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  ui_screenshot (GTK_WIDGET (about), "about");
  gtk_window_close (about);
}

static GtkWidget *
focused (void)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* Ctrl+F: the search field of the page the user is looking at. */
static void
search_page (const char *page)
{
  ui_activate (GTK_WIDGET (window), "win.show-page", g_variant_new_string (page));
  gtk_root_set_focus (GTK_ROOT (window), NULL);
  ui_activate (GTK_WIDGET (window), "win.search", NULL);
  g_assert_nonnull (focused ());
}

static void
test_search_follows_page (void)
{
  GtkWidget *query_page = ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_QUERY_PAGE);
  GtkWidget *traffic_page = ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_TRAFFIC_PAGE);
  GtkWidget *traffic_search = ui_find_named (traffic_page, "traffic-search");
  GtkWidget *jobs_page = ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_JOBS_PAGE);

  g_assert_nonnull (traffic_search);
  search_page ("query");
  g_assert_true (gtk_widget_is_ancestor (focused (), query_page));
  g_assert_true (GTK_IS_EDITABLE (focused ())
                 || GTK_IS_EDITABLE (gtk_widget_get_parent (focused ())));

  search_page ("traffic");
  g_assert_true (gtk_widget_get_mapped (traffic_page));
  g_assert_true (focused () == traffic_search || gtk_widget_is_ancestor (focused (), traffic_search));

  /* A page without a search field keeps the user where they are. */
  ui_activate (GTK_WIDGET (window), "win.show-page", g_variant_new_string ("jobs"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "search"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_true (gtk_widget_get_mapped (jobs_page));
  g_assert_false (gtk_widget_get_mapped (query_page));
  ui_activate (GTK_WIDGET (window), "win.show-page", g_variant_new_string ("query"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "search"));
}

static gboolean
popover_shown (gpointer data)
{
  GtkWidget *popover = ui_find_of_type (data, GTK_TYPE_POPOVER_MENU);

  return popover != NULL && gtk_widget_get_mapped (popover);
}

static void
test_context_menu_duplicate (void)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNodeRow *row = selected_row ();
  GtkWidget *popover;
  BenchNode *copy;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  /* Shift+F10 or the Menu key on a row: its context menu. */
  ui_activate (GTK_WIDGET (row), "row.menu", NULL);
  g_assert_true (ui_wait_for (popover_shown, row, TEST_TIMEOUT_MS));
  popover = ui_find_of_type (GTK_WIDGET (row), GTK_TYPE_POPOVER_MENU);
  g_assert_true (ui_has_text (popover, "Duplicate"));
  g_assert_true (ui_has_text (popover, "Delete"));
  gtk_popover_popdown (GTK_POPOVER (popover));
  ui_activate (GTK_WIDGET (window), "win.duplicate-node", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n + 1);
  copy = bench_window_get_selected_node (window);
  g_assert_cmpstr (bench_node_get_name (copy), ==, "Closed port (copy)");
  g_assert_cmpstr (bench_node_get_id (copy), !=, bench_node_get_id (bench_node_row_get_node (row)));
  ui_activate (GTK_WIDGET (window), "win.delete-node", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n);
}

/* Last: closes the window. */
static void
test_window_state_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BENCH_APPLICATION_ID);
  g_autofree char *page = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1111, 777);
  ui_activate (GTK_WIDGET (window), "win.show-page", g_variant_new_string ("local"));
  gtk_window_close (GTK_WINDOW (window));
  window = NULL;
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1111);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 777);
  page = g_settings_get_string (settings, "selected-page");
  g_assert_cmpstr (page, ==, "local");
}

int
main (int argc, char *argv[])
{
  int status;

  ui_init (&argc, &argv);
  window = ui_start_app ();
  /* GTest runs a suite's tests in the order added, suites in the order
   * first named: each test starts where the one before left the window. */
  g_test_add_func ("/app/start/demo-archive-listed", test_starts_with_demo);
  g_test_add_func ("/app/start/node-test-of-demo-succeeds", test_node_test_demo);
  g_test_add_func ("/app/nodes/add", test_add_node);
  g_test_add_func ("/app/nodes/node-test-of-closed-port-fails", test_node_test_closed_port);
  g_test_add_func ("/app/nodes/node-test-of-wrong-ae-title-rejected", test_node_test_rejected);
  g_test_add_func ("/app/nodes/saved-as-json", test_nodes_saved);
  g_test_add_func ("/app/nodes/delete-and-undo", test_delete_and_undo);
  g_test_add_func ("/app/nodes/context-menu-and-duplicate", test_context_menu_duplicate);
  g_test_add_func ("/app/preferences/local-ae-title", test_preferences_local_ae);
  g_test_add_func ("/app/actions/shortcuts-and-about", test_shortcuts_and_about);
  g_test_add_func ("/app/actions/search-follows-page", test_search_follows_page);
  g_test_add_func ("/app/window/state-remembered", test_window_state_remembered);
  status = g_test_run ();
  ui_stop_app ();
  return status;
}
