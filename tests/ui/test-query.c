/* test-query.c — the Query page and retrieve under Xvfb, against the
 * embedded demo archive: a query by patient name returns the studies the
 * archive's files hold for that patient, expanding a study loads its
 * series by a SERIES-level C-FIND, and retrieving the study (C-MOVE to the
 * local Storage SCP) reaches 100% with every instance on disk.
 * The expected figures come from reading the demo archive's files, not
 * from the query path under test. */
#include "config.h"

#include <string.h>

#include "bench-jobs-page.h"
#include "bench-query-page-private.h"
#include "bench-retrieve-job.h"
#include "dcm-file.h"
#include "dcm-tags.h"
#include "dimse-archive-demo.h"
#include "ui-helpers.h"

#define DEMO_TIMEOUT_MS 120000
#define TEST_TIMEOUT_MS 60000
#define PATIENT_FAMILY "Smith"
#define PATIENT_NAME "Smith^John"

static BenchWindow *window;
static BenchQueryPage *page;

/* ---- what the demo archive holds, read from its files ---- */

typedef struct {
  GHashTable *all_studies;   /* every Study Instance UID in the archive */
  guint       n_all_instances;
  GHashTable *studies;       /* Study Instance UID → GHashTable of Series UIDs */
  GHashTable *instances;     /* Study Instance UID → GPtrArray of SOP Instance UIDs */
} Expected;

static Expected expected;

static void
read_file (const char *path, const DcmReadOptions *opts)
{
  g_autoptr(DcmFile) file = dcm_file_read_path (path, opts, 0, NULL);
  g_autofree char *patient = NULL;
  g_autofree char *study = NULL;
  DcmDataSet *ds;
  GHashTable *series;
  GPtrArray *sops;

  if (file == NULL)
    return;
  ds = dcm_file_get_data_set (file);
  g_hash_table_add (expected.all_studies, dcm_data_set_dup_string (ds, DCM_TAG_STUDY_INSTANCE_UID));
  expected.n_all_instances++;
  patient = dcm_data_set_dup_string (ds, DCM_TAG_PATIENT_NAME);
  if (patient == NULL || !g_str_has_prefix (patient, PATIENT_NAME))
    return;
  study = dcm_data_set_dup_string (ds, DCM_TAG_STUDY_INSTANCE_UID);
  series = g_hash_table_lookup (expected.studies, study);
  if (series == NULL)
    {
      series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (expected.studies, g_strdup (study), series);
      g_hash_table_insert (expected.instances, g_strdup (study),
                           g_ptr_array_new_with_free_func (g_free));
    }
  sops = g_hash_table_lookup (expected.instances, study);
  g_hash_table_add (series, dcm_data_set_dup_string (ds, DCM_TAG_SERIES_INSTANCE_UID));
  g_ptr_array_add (sops, dcm_data_set_dup_string (ds, DCM_TAG_SOP_INSTANCE_UID));
}

/* The archive keeps a folder per patient, study and series. */
static void
read_folder (const char *folder, const DcmReadOptions *opts)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (name[0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        read_folder (path, opts);
      else
        read_file (path, opts);
    }
}

static void
read_expected (void)
{
  g_autofree char *folder = dimse_archive_demo_default_folder ();
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  opts.stop_at_tag = 0x00280000;
  expected.all_studies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  expected.studies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_hash_table_unref);
  expected.instances = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_ptr_array_unref);
  read_folder (folder, &opts);
  g_assert_cmpuint (g_hash_table_size (expected.studies), >, 0);
}

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
job_half_way (gpointer data)
{
  return bench_retrieve_job_is_finished (data) || bench_retrieve_job_get_n_completed (data) > 0;
}

static gboolean
sorted (gpointer data)
{
  (void) data;
  return gtk_sort_list_model_get_pending (page->sorted) == 0;
}

/* Sorting is incremental (100,000 rows stay responsive): let it finish. */
static void
wait_sorted (void)
{
  g_assert_true (ui_wait_for (sorted, NULL, TEST_TIMEOUT_MS));
}

static GtkTreeListRow *
row_at (guint position)
{
  return g_list_model_get_item (G_LIST_MODEL (page->sorted), position);
}

static void
run_query (const char *patient_name)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);

  g_assert_true (ui_wait_for (demo_selected, NULL, DEMO_TIMEOUT_MS));
  if (expected.studies == NULL)
    read_expected ();
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "query");
  ui_type (ui_find_named (GTK_WIDGET (page), "patient-name"), patient_name);
  ui_click (ui_find_named (GTK_WIDGET (page), "search"));
  g_assert_true (ui_wait_for (query_done, NULL, TEST_TIMEOUT_MS));
  wait_sorted ();
  ui_run_for (300);
}

/* ---- the tests ---- */

static void
test_query_by_name (void)
{
  guint n_rows;

  run_query (PATIENT_FAMILY);
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (page->sorted));
  g_test_message ("%u rows, %u studies expected", n_rows,
                  g_hash_table_size (expected.studies));
  g_assert_cmpuint (n_rows, ==, g_hash_table_size (expected.studies));
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(GtkTreeListRow) row = row_at (i);
      g_autoptr(BenchQueryItem) item = gtk_tree_list_row_get_item (row);

      g_assert_true (g_hash_table_contains (expected.studies,
                                            bench_query_item_get_study_uid (item)));
      /* The name as a person reads it: family name, comma, given name. */
      g_assert_cmpstr (bench_query_item_get_text (item, BENCH_QUERY_COLUMN_NAME), ==,
                       "Smith, John");
    }
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (page), "results"), "Smith, John"));
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (page), "query-summary"), "in"));
}

static void
test_expand_loads_series (void)
{
  g_autoptr(GtkTreeListRow) row = row_at (0);
  g_autoptr(BenchQueryItem) study = gtk_tree_list_row_get_item (row);
  GHashTable *series = g_hash_table_lookup (expected.studies,
                                            bench_query_item_get_study_uid (study));
  GListModel *children;
  guint n_before = g_list_model_get_n_items (G_LIST_MODEL (page->sorted));

  g_assert_nonnull (series);
  gtk_tree_list_row_set_expanded (row, TRUE);
  g_assert_true (ui_wait_for (children_loaded, study, TEST_TIMEOUT_MS));
  g_assert_cmpuint (bench_query_item_get_children_state (study), ==,
                    BENCH_QUERY_CHILDREN_LOADED);
  children = G_LIST_MODEL (bench_query_item_get_children (study));
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, g_hash_table_size (series));
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(BenchQueryItem) item = g_list_model_get_item (children, i);

      g_assert_cmpuint (bench_query_item_get_level (item), ==, BENCH_QUERY_LEVEL_SERIES);
      g_assert_true (g_hash_table_contains (series, bench_query_item_get_series_uid (item)));
    }
  wait_sorted ();
  ui_run_for (300);
  /* The tree shows them below the study. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->sorted)), ==,
                    n_before + g_hash_table_size (series));
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (page), "results"), "Series 1"));
}

static void
test_retrieve_study (void)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  g_autoptr(BenchQueryItem) study = NULL;
  GPtrArray *sops;
  g_autoptr(BenchRetrieveJob) job = NULL;
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  g_autofree char *folder = NULL;
  guint n_jobs = g_list_model_get_n_items (G_LIST_MODEL (page->jobs));

  run_query (PATIENT_FAMILY);
  row = row_at (0);
  study = gtk_tree_list_row_get_item (row);
  sops = g_hash_table_lookup (expected.instances, bench_query_item_get_study_uid (study));
  g_assert_nonnull (sops);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (page->selection), 0, TRUE);
  ui_activate (GTK_WIDGET (page), "query.retrieve", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->jobs)), ==, n_jobs + 1);
  job = g_list_model_get_item (G_LIST_MODEL (page->jobs), n_jobs);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "jobs");
  g_assert_true (ui_wait_for (job_half_way, job, TEST_TIMEOUT_MS));
  g_assert_true (ui_wait_for (job_ended, job, TEST_TIMEOUT_MS));
  ui_run_for (300);
  g_test_message ("retrieve: %s", bench_retrieve_job_get_error (job));
  g_assert_cmpuint (bench_retrieve_job_get_state (job), ==, BENCH_RETRIEVE_JOB_SUCCEEDED);
  g_assert_cmpfloat (bench_retrieve_job_get_fraction (job), ==, 1.0);
  g_assert_cmpuint (bench_retrieve_job_get_n_completed (job), ==, sops->len);
  g_assert_cmpuint (bench_retrieve_job_get_n_failed (job), ==, 0);
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (window), "jobs-list"),
                              "instances"));
  /* Every instance of the study is on disk, as the Storage SCP names it. */
  g_object_get (bench_application_get_engine (ui_get_app ()), "storage-folder", &folder, NULL);
  for (guint i = 0; i < sops->len; i++)
    {
      g_autofree char *file = g_strconcat (sops->pdata[i], ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

/* An empty form lists every study; the tree opens down to instances. */
static void
test_query_all (void)
{
  g_autoptr(GtkTreeListRow) study_row = NULL;
  g_autoptr(GtkTreeListRow) series_row = NULL;
  g_autoptr(BenchQueryItem) study = NULL;
  g_autoptr(BenchQueryItem) series = NULL;

  run_query ("");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->studies)), ==,
                    g_hash_table_size (expected.all_studies));
  study_row = row_at (1);
  study = gtk_tree_list_row_get_item (study_row);
  gtk_tree_list_row_set_expanded (study_row, TRUE);
  g_assert_true (ui_wait_for (children_loaded, study, TEST_TIMEOUT_MS));
  wait_sorted ();
  series_row = row_at (2);
  series = gtk_tree_list_row_get_item (series_row);
  g_assert_cmpuint (bench_query_item_get_level (series), ==, BENCH_QUERY_LEVEL_SERIES);
  gtk_tree_list_row_set_expanded (series_row, TRUE);
  g_assert_true (ui_wait_for (children_loaded, series, TEST_TIMEOUT_MS));
  g_assert_cmpuint (bench_query_item_get_children_state (series), ==,
                    BENCH_QUERY_CHILDREN_LOADED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (bench_query_item_get_children (series))),
                    >, 0);
  wait_sorted ();
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (page->selection), 1, TRUE);
  ui_run_for (500);
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (page), "results"), "Instance 1"));
  ui_screenshot (GTK_WIDGET (window), "query-tree");
}

static gboolean
some_job_running_some_done (gpointer data)
{
  GListModel *jobs = data;
  guint running = 0, progressed = 0;

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (jobs, i);

      running += bench_retrieve_job_is_running (job);
      progressed += bench_retrieve_job_get_n_completed (job) > 0;
    }
  return running == 0 || (progressed >= 3 && running >= 2);
}

static gboolean
all_jobs_ended (gpointer data)
{
  GListModel *jobs = data;

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (jobs, i);

      if (!bench_retrieve_job_is_finished (job))
        return FALSE;
    }
  return TRUE;
}

/* A window whose rows change all the time has a layout pending between
 * frames: take the picture right after one is painted. */
static void
on_after_paint (GdkFrameClock *clock, gpointer data)
{
  gboolean *taken = data;
  GtkWidget *widget = GTK_WIDGET (window);
  const char *dir = g_getenv ("UI_SCREENSHOT_DIR");
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (*taken)
    return;
  *taken = TRUE;
  if (dir == NULL)
    return;
  /* The window's own snapshot, drawn now rather than from a cached frame. */
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  path = g_build_filename (dir, "retrieve.png", NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Several studies at once: one job each, every one complete. */
static void
test_retrieve_many (void)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  GListModel *jobs = G_LIST_MODEL (page->jobs);
  guint n_before = g_list_model_get_n_items (jobs);
  guint n_studies;
  g_autoptr(GtkBitset) studies = gtk_bitset_new_empty ();

  run_query ("");
  n_studies = g_list_model_get_n_items (G_LIST_MODEL (page->studies));

  for (guint i = 0; gtk_bitset_get_size (studies) < n_studies; i++)
    {
      g_autoptr(GtkTreeListRow) row = row_at (i);

      if (gtk_tree_list_row_get_depth (row) == 0)
        gtk_bitset_add (studies, i);
    }
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (page->selection), studies, studies);
  ui_activate (GTK_WIDGET (page), "query.retrieve", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, n_before + n_studies);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "jobs");
  g_assert_true (ui_wait_for (some_job_running_some_done, jobs, TEST_TIMEOUT_MS));
  if (!all_jobs_ended (jobs))
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
      gboolean taken = FALSE;
      gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint),
                                         &taken);

      gtk_widget_queue_draw (GTK_WIDGET (window));
      ui_wait_for (is_true, &taken, TEST_TIMEOUT_MS);
      g_signal_handler_disconnect (clock, handler);
    }
  g_assert_true (ui_wait_for (all_jobs_ended, jobs, TEST_TIMEOUT_MS));
  for (guint position = n_before; position < n_before + n_studies; position++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (jobs, position);

      if (bench_retrieve_job_get_error (job) != NULL)
        g_test_message ("%s: %s", bench_retrieve_job_get_title (job),
                        bench_retrieve_job_get_error (job));
      g_assert_cmpuint (bench_retrieve_job_get_state (job), ==, BENCH_RETRIEVE_JOB_SUCCEEDED);
      g_assert_cmpuint (bench_retrieve_job_get_n_completed (job), >, 0);
    }
}

static gboolean
label_has (gpointer data)
{
  return ui_has_text (ui_find_named (GTK_WIDGET (window), "local-summary"), data);
}

/* Everything retrieved so far is listed once, grouped by patient. */
static void
test_local_lists_received (void)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  g_autofree char *instances = g_strdup_printf (" %u instances ", expected.n_all_instances);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "local");
  g_assert_true (ui_wait_for (label_has, instances, TEST_TIMEOUT_MS));
  g_assert_true (ui_has_text (ui_find_named (GTK_WIDGET (window), "local-list"),
                              "Smith, John (DB"));
  ui_screenshot (GTK_WIDGET (window), "local");
}

static gboolean
status_shown (gpointer data)
{
  (void) data;
  return page->op == NULL
         && g_strcmp0 (gtk_stack_get_visible_child_name (page->results_stack), "status") == 0;
}

/* A node that does not listen: the failure in words, with a way to try again. */
static void
test_closed_port (void)
{
  g_autoptr(BenchNode) node = bench_node_new ();
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  GtkWidget *status = ui_find_named (GTK_WIDGET (page), "query-status");

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "query");
  g_object_set (node, "name", "Closed", "ae-title", "CLOSED", "host", "127.0.0.1",
                "port", (guint) ui_closed_port (), "timeout", 5u, NULL);
  bench_query_page_set_node (page, node);
  ui_activate (GTK_WIDGET (page), "query.run", NULL);
  g_assert_true (ui_wait_for (status_shown, NULL, TEST_TIMEOUT_MS));
  g_test_message ("%s: %s", adw_status_page_get_title (ADW_STATUS_PAGE (status)),
                  adw_status_page_get_description (ADW_STATUS_PAGE (status)));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                   "Cannot Reach “Closed”");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)),
                            "127.0.0.1"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (page->status_button)));
}

int
main (int argc, char **argv)
{
  int status;

  ui_init (&argc, &argv);
  window = ui_start_app ();
  page = BENCH_QUERY_PAGE (ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_QUERY_PAGE));
  g_assert_nonnull (page);
  g_test_add_func ("/app/query/by-patient-name", test_query_by_name);
  g_test_add_func ("/app/query/expand-loads-series", test_expand_loads_series);
  g_test_add_func ("/app/query/all-studies-tree", test_query_all);
  g_test_add_func ("/app/query/retrieve-study-reaches-100", test_retrieve_study);
  g_test_add_func ("/app/query/retrieve-many-studies", test_retrieve_many);
  g_test_add_func ("/app/query/local-lists-received", test_local_lists_received);
  g_test_add_func ("/app/query/closed-port", test_closed_port);
  status = g_test_run ();
  ui_stop_app ();
  return status;
}
