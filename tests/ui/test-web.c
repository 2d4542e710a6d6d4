/* test-web.c — DICOMweb nodes under Xvfb: a node added through the editor
 * as DICOMweb, pointing at a DimseWebServer over the same demo archive the
 * application serves by DIMSE, lists the same studies for a patient name
 * by QIDO-RS as the demo node does by C-FIND, loads a study's series when
 * expanded, retrieves a study by WADO-RS to 100% with every instance on
 * disk, and a wrong URL shows the failure in words. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bench-node-editor.h"
#include "bench-node-test.h"
#include "bench-query-page-private.h"
#include "bench-traffic-page-private.h"
#include "bench-retrieve-job.h"
#include "dcm-tags.h"
#include "dimse-archive-demo.h"
#include "dimse-archive.h"
#include "dimse-web-server.h"
#include "ui-helpers.h"

#define DEMO_TIMEOUT_MS 120000
#define TEST_TIMEOUT_MS 60000
#define PATIENT_FAMILY "Smith"
#define PASSWORD "s3cret-pw"

static BenchWindow *window;
static BenchQueryPage *page;
static DimseArchive *archive;
static DimseWebServer *server;
static BenchNode *web_node;

/* ---- waiting ---- */

static gboolean
demo_selected (gpointer data)
{
  (void) data;
  return bench_query_page_get_node (page) != NULL
         && bench_node_get_is_demo (bench_query_page_get_node (page));
}

static gboolean
query_done (gpointer data)
{
  (void) data;
  return page->op == NULL;
}

static gboolean
sorted (gpointer data)
{
  (void) data;
  return gtk_sort_list_model_get_pending (page->sorted) == 0;
}

static gboolean
search_shown (gpointer data)
{
  (void) data;
  return gtk_widget_is_drawable (ui_find_named (GTK_WIDGET (page), "search"));
}

static gboolean
status_shown (gpointer data)
{
  (void) data;
  return gtk_widget_get_visible (ui_find_named (GTK_WIDGET (page), "query-status"))
         && query_done (NULL);
}

static gboolean
children_loaded (gpointer data)
{
  BenchQueryChildrenState state = bench_query_item_get_children_state (data);

  return state == BENCH_QUERY_CHILDREN_LOADED || state == BENCH_QUERY_CHILDREN_FAILED;
}

static gboolean
job_ended (gpointer data)
{
  return bench_retrieve_job_is_finished (data);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
editor_shown (gpointer data)
{
  (void) data;
  return ui_find_window (BENCH_TYPE_NODE_EDITOR) != NULL;
}

static gboolean
web_node_selected (gpointer data)
{
  BenchNode *node = bench_query_page_get_node (page);

  return node != NULL && bench_node_get_kind (node) == BENCH_NODE_KIND_WEB
         && g_strcmp0 (bench_node_get_name (node), data) == 0;
}

static gboolean
local_lists (gpointer data)
{
  return ui_has_text (ui_find_named (GTK_WIDGET (window), "local-list"), data);
}

/* Whether the node file names the web server's URL. */
static gboolean
file_names (gpointer data)
{
  g_autofree char *contents = NULL;
  g_autofree char *url = dimse_web_server_get_base_url (server);

  return g_file_get_contents (data, &contents, NULL, NULL) && strstr (contents, url) != NULL;
}

/* ---- the DICOMweb server over the demo archive ---- */

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_archive_open_finish (DIMSE_ARCHIVE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* After the application made the demo archive: the same folder, indexed
 * again here and served by QIDO-RS and WADO-RS on a port of its own. */
static char *
start_web_server (void)
{
  g_autofree char *folder = dimse_archive_demo_default_folder ();
  g_autoptr(GError) error = NULL;
  gboolean opened = FALSE;

  archive = dimse_archive_new (folder, NULL);
  dimse_archive_open_async (archive, NULL, on_opened, &opened);
  g_assert_true (ui_wait_for (is_true, &opened, DEMO_TIMEOUT_MS));
  server = dimse_web_server_new (dimse_archive_get_index (archive), NULL, NULL);
  g_assert_true (dimse_web_server_listen (server, NULL, 0, &error));
  g_assert_no_error (error);
  return dimse_web_server_get_base_url (server);
}

/* ---- queries ---- */

/* A page of the content, as a user reaches it: when the window is too
 * narrow for the sidebar beside the content, past the sidebar first. */
static void
show_page (const char *name)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  AdwLeaflet *leaflet = ADW_LEAFLET (ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_LEAFLET));

  if (adw_leaflet_get_folded (leaflet))
    adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), name);
  ui_run_for (100);
}

static void
run_query (const char *patient_name)
{

  show_page ("query");
  g_assert_true (ui_wait_for (search_shown, NULL, TEST_TIMEOUT_MS));
  ui_type (ui_find_named (GTK_WIDGET (page), "patient-name"), patient_name);
  ui_click (ui_find_named (GTK_WIDGET (page), "search"));
  g_assert_true (ui_wait_for (query_done, NULL, TEST_TIMEOUT_MS));
  g_assert_true (ui_wait_for (sorted, NULL, TEST_TIMEOUT_MS));
  ui_run_for (300);
}

/* Study Instance UID → "name|patient id|date|modalities|n series|n
 * instances" of every study row the query page lists. */
static GHashTable *
collect_studies (void)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GListModel *studies = G_LIST_MODEL (page->studies);

  for (guint i = 0; i < g_list_model_get_n_items (studies); i++)
    {
      g_autoptr(BenchQueryItem) item = g_list_model_get_item (studies, i);
      g_autofree char *text = g_strjoin ("|",
                                         bench_query_item_get_text (item, BENCH_QUERY_COLUMN_NAME),
                                         bench_query_item_get_text (item,
                                                                    BENCH_QUERY_COLUMN_PATIENT_ID),
                                         NULL);

      g_hash_table_insert (rows, g_strdup (bench_query_item_get_study_uid (item)),
                           g_steal_pointer (&text));
    }
  return rows;
}

/* The editor, as a user fills it in: kind DICOMweb, a name, the URL, HTTP
 * basic authentication; the sidebar lists the node as DICOMweb and the
 * node file keeps its kind, URL and user name but not the password. Last: the dialog leaves the window inactive under Xvfb (no window
 * manager), and a retrieve ending then would be told in a notification,
 * which the test session has no server for. */
static void
test_editor_adds_web_node (void)
{
  g_autofree char *url = dimse_web_server_get_base_url (server);
  g_autofree char *nodes_path = g_build_filename (g_get_user_config_dir (), "dimsebench",
                                                  "nodes.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(BenchNode) node = NULL;
  const char *name = "Archive by DICOMweb";
  GtkWindow *editor;

  g_assert_nonnull (server);
  ui_activate (GTK_WIDGET (window), "win.new-node", NULL);
  g_assert_true (ui_wait_for (editor_shown, NULL, TEST_TIMEOUT_MS));
  editor = ui_find_window (BENCH_TYPE_NODE_EDITOR);
  adw_combo_row_set_selected (ADW_COMBO_ROW (ui_find_named (GTK_WIDGET (editor), "node-kind")),
                              BENCH_NODE_KIND_WEB);
  g_assert_false (gtk_widget_is_drawable (ui_find_named (GTK_WIDGET (editor), "node-ae-title")));
  g_assert_true (gtk_widget_is_drawable (ui_find_named (GTK_WIDGET (editor), "node-url")));
  ui_type (ui_find_named (GTK_WIDGET (editor), "node-name"), name);
  ui_type (ui_find_named (GTK_WIDGET (editor), "node-url"), url);
  adw_combo_row_set_selected (ADW_COMBO_ROW (ui_find_named (GTK_WIDGET (editor), "node-auth")),
                              BENCH_WEB_AUTH_BASIC);
  g_assert_true (gtk_widget_is_drawable (ui_find_named (GTK_WIDGET (editor), "node-secret")));
  ui_type (ui_find_named (GTK_WIDGET (editor), "node-username"), "alice");
  ui_type (ui_find_named (GTK_WIDGET (editor), "node-secret"), PASSWORD);
  ui_screenshot (GTK_WIDGET (editor), "web-node-editor");
  ui_click (ui_find_named (GTK_WIDGET (editor), "save-node"));
  g_assert_true (ui_wait_for (web_node_selected, (gpointer) name, TEST_TIMEOUT_MS));
  node = g_object_ref (bench_query_page_get_node (page));
  g_assert_cmpstr (bench_node_get_name (node), ==, name);
  g_assert_cmpstr (bench_node_get_url (node), ==, url);
  g_assert_cmpuint (bench_node_get_auth (node), ==, BENCH_WEB_AUTH_BASIC);
  g_assert_cmpstr (bench_node_get_username (node), ==, "alice");
  g_assert_cmpstr (bench_node_get_secret (node), ==, PASSWORD);
  ui_run_for (300);
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (window), "node-list"), url));
  ui_screenshot (GTK_WIDGET (window), "web-node-listed");
  g_assert_true (ui_wait_for (file_names, nodes_path, TEST_TIMEOUT_MS));
  g_assert_true (g_file_get_contents (nodes_path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"kind\""));
  g_assert_nonnull (strstr (contents, "alice"));
  /* The password is the keyring's (or, with none, the session's). */
  g_assert_null (strstr (contents, PASSWORD));
}

/* ---- the tests ---- */

static void
test_query_same_as_dimse (void)
{
  g_autoptr(GHashTable) by_dimse = NULL;
  g_autoptr(GHashTable) by_web = NULL;
  g_autofree char *url = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_true (ui_wait_for (demo_selected, NULL, DEMO_TIMEOUT_MS));
  run_query (PATIENT_FAMILY);
  by_dimse = collect_studies ();
  g_assert_cmpuint (g_hash_table_size (by_dimse), >, 0);

  url = start_web_server ();
  web_node = bench_node_new ();
  g_object_set (web_node, "name", "Demo archive by DICOMweb", "kind",
                (guint) BENCH_NODE_KIND_WEB, "url", url, NULL);
  bench_query_page_set_node (page, web_node);
  run_query (PATIENT_FAMILY);
  by_web = collect_studies ();
  g_assert_cmpuint (g_hash_table_size (by_web), ==, g_hash_table_size (by_dimse));
  g_hash_table_iter_init (&iter, by_dimse);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (g_hash_table_lookup (by_web, key), ==, value);
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (page), "results"), "Smith, John"));
  ui_screenshot (GTK_WIDGET (window), "web-query");
}

/* Expanding a study runs a series-level QIDO-RS search under it. */
static void
test_expand_loads_series (void)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  g_autoptr(BenchQueryItem) study = NULL;
  GListModel *children;

  g_assert_nonnull (web_node);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->sorted)), >, 0);
  row = g_list_model_get_item (G_LIST_MODEL (page->sorted), 0);
  study = gtk_tree_list_row_get_item (row);
  gtk_tree_list_row_set_expanded (row, TRUE);
  g_assert_true (ui_wait_for (children_loaded, study, TEST_TIMEOUT_MS));
  g_assert_cmpuint (bench_query_item_get_children_state (study), ==,
                    BENCH_QUERY_CHILDREN_LOADED);
  children = G_LIST_MODEL (bench_query_item_get_children (study));
  g_assert_cmpuint (g_list_model_get_n_items (children), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(BenchQueryItem) series = g_list_model_get_item (children, i);

      g_assert_cmpuint (bench_query_item_get_level (series), ==, BENCH_QUERY_LEVEL_SERIES);
      g_assert_cmpstr (bench_query_item_get_study_uid (series), ==,
                       bench_query_item_get_study_uid (study));
    }
}

static void
test_retrieve_study (void)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  g_autoptr(BenchQueryItem) study = NULL;
  g_autoptr(BenchRetrieveJob) job = NULL;
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  guint n_jobs = g_list_model_get_n_items (G_LIST_MODEL (page->jobs));

  g_assert_nonnull (web_node);
  run_query (PATIENT_FAMILY);
  row = g_list_model_get_item (G_LIST_MODEL (page->sorted), 0);
  study = gtk_tree_list_row_get_item (row);
  /* What the archive holds for the study, from its index. */
  dcm_data_set_set_string (identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, "STUDY", NULL);
  dcm_data_set_set_string (identifier, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE,
                           bench_query_item_get_study_uid (study), NULL);
  instances = dimse_archive_index_select (dimse_archive_get_index (archive),
                                          DIMSE_QR_MODEL_STUDY_ROOT, identifier, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, >, 0);
  g_object_get (bench_application_get_engine (ui_get_app ()), "storage-folder", &folder, NULL);
  for (guint i = 0; i < instances->len; i++)
    {
      DimseArchiveInstance *instance = instances->pdata[i];
      g_autofree char *file = g_strconcat (instance->sop_instance_uid, ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      g_remove (path);
    }

  gtk_selection_model_select_item (GTK_SELECTION_MODEL (page->selection), 0, TRUE);
  ui_activate (GTK_WIDGET (page), "query.retrieve", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->jobs)), ==, n_jobs + 1);
  job = g_list_model_get_item (G_LIST_MODEL (page->jobs), n_jobs);
  g_assert_cmpstr (bench_retrieve_job_get_destination (job), ==, folder);
  show_page ("jobs");
  g_assert_true (ui_wait_for (job_ended, job, TEST_TIMEOUT_MS));
  ui_run_for (300);
  g_test_message ("WADO-RS: %s", bench_retrieve_job_get_error (job));
  g_assert_cmpuint (bench_retrieve_job_get_state (job), ==, BENCH_RETRIEVE_JOB_SUCCEEDED);
  g_assert_cmpfloat (bench_retrieve_job_get_fraction (job), ==, 1.0);
  g_assert_cmpuint (bench_retrieve_job_get_n_completed (job), ==, instances->len);
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (window), "jobs-list"),
                              "WADO-RS from Demo archive by DICOMweb"));
  ui_screenshot (GTK_WIDGET (window), "web-jobs");
  for (guint i = 0; i < instances->len; i++)
    {
      DimseArchiveInstance *instance = instances->pdata[i];
      g_autofree char *file = g_strconcat (instance->sop_instance_uid, ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  /* The Local page lists them as they arrive, from the node. */
  show_page ("local");
  g_assert_true (ui_wait_for (local_lists, "Demo archive by DICOMweb", TEST_TIMEOUT_MS));
  ui_screenshot (GTK_WIDGET (window), "web-local");
  show_page ("query");
}

static void
check_query_fails (BenchNode *node, const char *title, const char *detail)
{
  GtkWidget *status = ui_find_named (GTK_WIDGET (page), "query-status");
  const char *description;

  bench_query_page_set_node (page, node);
  ui_activate (GTK_WIDGET (page), "query.run", NULL);
  g_assert_true (ui_wait_for (status_shown, NULL, TEST_TIMEOUT_MS));
  description = adw_status_page_get_description (ADW_STATUS_PAGE (status));
  g_test_message ("%s: %s", adw_status_page_get_title (ADW_STATUS_PAGE (status)), description);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, title);
  g_assert_nonnull (strstr (description, detail));
}

/* A port nothing listens on, and a path the server has no service at. */
static void
test_wrong_url (void)
{
  g_autoptr(BenchNode) closed = bench_node_new ();
  g_autoptr(BenchNode) wrong_path = bench_node_new ();
  g_autofree char *closed_url = g_strdup_printf ("http://127.0.0.1:%u/dicom-web",
                                                 ui_closed_port ());
  g_autofree char *base = dimse_web_server_get_base_url (server);
  g_autofree char *wrong_url = g_strconcat (base, "/not-here", NULL);

  show_page ("query");
  g_object_set (closed, "name", "Closed", "kind", (guint) BENCH_NODE_KIND_WEB,
                "url", closed_url, "timeout", 5u, NULL);
  check_query_fails (closed, "Cannot Reach “Closed”", "127.0.0.1");
  g_object_set (wrong_path, "name", "Wrong path", "kind", (guint) BENCH_NODE_KIND_WEB,
                "url", wrong_url, "timeout", 5u, NULL);
  check_query_fails (wrong_path, "No DICOMweb Service at the URL of “Wrong path”", "404");
  ui_screenshot (GTK_WIDGET (window), "web-wrong-url");
}

/* ---- the Traffic page and the node test ---- */

/* The DICOMweb operation of the Traffic page with a GET answered 200. */
static BenchTrafficAssociation *
find_web_operation (BenchTrafficPage *traffic)
{
  GListModel *operations = bench_traffic_model_get_associations (traffic->model);

  for (guint i = 0; i < g_list_model_get_n_items (operations); i++)
    {
      g_autoptr(BenchTrafficAssociation) assoc = g_list_model_get_item (operations, i);
      GListModel *items = bench_traffic_association_get_items (assoc);

      if (!bench_traffic_association_get_is_web (assoc))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        {
          g_autoptr(BenchTrafficItem) item = g_list_model_get_item (items, j);
          const char *method = NULL;
          guint status = 0;

          if (bench_traffic_item_get_web (item, &method, NULL, &status, NULL, NULL)
              && g_str_equal (method, "GET") && status == 200)
            return assoc;
        }
    }
  return NULL;
}

static gboolean
web_operation_listed (gpointer data)
{
  return find_web_operation (data) != NULL;
}

/* After the QIDO-RS searches above: a DICOMweb row, outgoing to the node,
 * whose timeline holds the GET and its 200, shown under the DICOMweb
 * filter and found by a search for a part of the URL. */
static void
test_traffic_lists_web (void)
{
  BenchTrafficPage *traffic =
    BENCH_TRAFFIC_PAGE (ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_TRAFFIC_PAGE));
  g_autofree char *url = dimse_web_server_get_base_url (server);
  BenchTrafficAssociation *assoc;
  g_autoptr(BenchTrafficItem) item = NULL;

  g_assert_nonnull (web_node);
  show_page ("traffic");
  g_assert_true (ui_wait_for (web_operation_listed, traffic, TEST_TIMEOUT_MS));
  assoc = find_web_operation (traffic);
  g_assert_true (bench_traffic_association_get_outgoing (assoc));
  g_assert_cmpstr (bench_traffic_association_get_peer_name (assoc), ==,
                   "Demo archive by DICOMweb");
  g_assert_cmpstr (bench_traffic_association_get_peer_address (assoc), ==, url);
  g_assert_cmpstr (bench_traffic_association_get_result (assoc), ==, "HTTP 200 OK");
  g_assert_cmpuint (bench_traffic_association_get_n_messages (assoc,
                                                              DIMSE_TRAFFIC_DIRECTION_SENT), >, 0);
  g_assert_cmpuint (bench_traffic_association_get_n_bytes (assoc,
                                                           DIMSE_TRAFFIC_DIRECTION_RECEIVED), >, 0);
  item = g_list_model_get_item (bench_traffic_association_get_items (assoc), 0);
  g_assert_nonnull (strstr (bench_traffic_item_get_summary (item), "/studies"));
  g_assert_nonnull (strstr (bench_traffic_item_get_details (item), "GET /"));
  g_assert_nonnull (strstr (bench_traffic_item_get_details (item), "HTTP/1.1 200 OK"));
  /* Both header lists: what the client asked for and what the server said. */
  g_assert_nonnull (strstr (bench_traffic_item_get_details (item),
                            "Accept: application/dicom+json\n"));
  g_assert_nonnull (strstr (bench_traffic_item_get_details (item),
                            "Content-Type: application/dicom+json"));
  g_assert_cmpstr (bench_traffic_item_get_web_exchange (item)->response_content_type, ==,
                   "application/dicom+json");

  gtk_drop_down_set_selected (traffic->direction_dropdown, BENCH_TRAFFIC_FILTER_WEB);
  ui_run_for (200);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (traffic->filtered)), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (traffic->filtered)); i++)
    {
      g_autoptr(BenchTrafficAssociation) shown =
        g_list_model_get_item (G_LIST_MODEL (traffic->filtered), i);

      g_assert_true (bench_traffic_association_get_is_web (shown));
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (traffic->filtered)); i++)
    {
      g_autoptr(BenchTrafficAssociation) shown =
        g_list_model_get_item (G_LIST_MODEL (traffic->filtered), i);

      if (shown == assoc)
        gtk_single_selection_set_selected (traffic->selection, i);
    }
  ui_run_for (300);
  bench_traffic_timeline_select (traffic->timeline, 0);
  ui_run_for (300);
  g_assert_true (ui_has_text (GTK_WIDGET (traffic), "HTTP 200 OK"));
  g_assert_true (ui_has_text (GTK_WIDGET (traffic->detail), "HTTP 200 OK"));
  g_assert_true (ui_has_text (GTK_WIDGET (traffic->detail), "Response content type:"));
  g_assert_true (ui_has_text (GTK_WIDGET (traffic->detail), "Sent:"));
  {
    GtkTextView *view = GTK_TEXT_VIEW (ui_find_named (GTK_WIDGET (traffic->detail),
                                                      "traffic-details"));
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_nonnull (strstr (text, "Accept: application/dicom+json\n"));
    g_assert_nonnull (strstr (text, "Request body: "));
  }
  ui_screenshot (GTK_WIDGET (window), "web-traffic");
  gtk_drop_down_set_selected (traffic->direction_dropdown, BENCH_TRAFFIC_FILTER_BOTH);
  ui_type (GTK_WIDGET (traffic->search_entry), "patientname=");
  ui_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (traffic->filtered)), >, 0);
  ui_type (GTK_WIDGET (traffic->search_entry), "");
  ui_run_for (200);
  show_page ("query");
}

static gboolean
node_test_finished (gpointer data)
{
  return g_strcmp0 (bench_node_test_get_state (data), "running") != 0;
}

static BenchNodeTest *
run_node_test (BenchNode *node)
{
  BenchTrafficPage *traffic =
    BENCH_TRAFFIC_PAGE (ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_TRAFFIC_PAGE));
  BenchNodeTest *test = BENCH_NODE_TEST (bench_node_test_new (GTK_WINDOW (window),
                                                              traffic->engine, node));

  gtk_window_present (GTK_WINDOW (test));
  g_assert_true (ui_wait_for (node_test_finished, test, TEST_TIMEOUT_MS));
  ui_run_for (200);
  g_test_message ("%s", bench_node_test_get_report (test));
  return test;
}

/* A QIDO-RS search of studies with limit=1: reachable, HTTP 200; a wrong
 * path: the 404 in words. */
static void
test_node_test_web (void)
{
  g_autoptr(BenchNode) wrong_path = bench_node_new ();
  g_autofree char *base = dimse_web_server_get_base_url (server);
  g_autofree char *wrong_url = g_strconcat (base, "/not-here", NULL);
  BenchNodeTest *test;

  g_assert_nonnull (web_node);
  test = run_node_test (web_node);
  g_assert_cmpstr (bench_node_test_get_state (test), ==, "done");
  g_assert_nonnull (strstr (bench_node_test_get_report (test), "Reachable: HTTP 200 OK"));
  g_assert_nonnull (strstr (bench_node_test_get_report (test), "Response time"));
  ui_screenshot (GTK_WIDGET (test), "web-node-test");
  gtk_window_destroy (GTK_WINDOW (test));

  g_object_set (wrong_path, "name", "Wrong path", "kind", (guint) BENCH_NODE_KIND_WEB,
                "url", wrong_url, "timeout", 5u, NULL);
  test = run_node_test (wrong_path);
  g_assert_cmpstr (bench_node_test_get_state (test), ==, "failed");
  g_assert_nonnull (strstr (bench_node_test_get_report (test), "Not found"));
  g_assert_nonnull (strstr (bench_node_test_get_report (test), "404"));
  ui_screenshot (GTK_WIDGET (test), "web-node-test-404");
  gtk_window_destroy (GTK_WINDOW (test));
  ui_run_for (200);
}

int
main (int argc, char **argv)
{
  int status;

  ui_init (&argc, &argv);
  window = ui_start_app ();
  page = BENCH_QUERY_PAGE (ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_QUERY_PAGE));
  g_assert_nonnull (page);
  g_test_add_func ("/app/web/query-same-as-dimse", test_query_same_as_dimse);
  g_test_add_func ("/app/web/expand-loads-series", test_expand_loads_series);
  g_test_add_func ("/app/web/retrieve-study-reaches-100", test_retrieve_study);
  g_test_add_func ("/app/web/wrong-url-in-words", test_wrong_url);
  g_test_add_func ("/app/web/traffic-lists-requests", test_traffic_lists_web);
  g_test_add_func ("/app/web/node-test", test_node_test_web);
  g_test_add_func ("/app/web/editor-adds-node", test_editor_adds_web_node);
  status = g_test_run ();
  ui_stop_app ();
  g_clear_object (&web_node);
  if (server != NULL)
    dimse_web_server_stop (server);
  g_clear_object (&server);
  g_clear_object (&archive);
  return status;
}
