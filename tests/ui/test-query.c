/* test-query.c — the Query page and retrieve under Xvfb, against the
 * embedded demo archive: a query by patient name returns the studies the
 * archive's files hold for that patient, expanding a study loads its
 * series by a SERIES-level C-FIND, and retrieving the study (C-MOVE to the
 * local Storage SCP) reaches 100% with every instance on disk.
 * The expected figures come from reading the demo archive's files, not
 * from the query path under test. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bench-jobs-page.h"
#include "bench-local-page.h"
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
/* As the query page runs them (MAX_RUNNING_RETRIEVES). */
#define MAX_RUNNING 2

static BenchWindow *window;
static BenchQueryPage *page;

/* ---- what the demo archive holds, read from its files ---- */

typedef struct {
  GHashTable *all_studies;   /* every Study Instance UID in the archive */
  guint       n_all_instances;
  GHashTable *studies;       /* Study Instance UID → GHashTable of Series UIDs */
  GHashTable *instances;     /* Study Instance UID → GPtrArray of SOP Instance UIDs */
  GHashTable *all_instances; /* the same for every study */
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
  study = dcm_data_set_dup_string (ds, DCM_TAG_STUDY_INSTANCE_UID);
  g_hash_table_add (expected.all_studies, g_strdup (study));
  expected.n_all_instances++;
  sops = g_hash_table_lookup (expected.all_instances, study);
  if (sops == NULL)
    {
      sops = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (expected.all_instances, g_strdup (study), sops);
    }
  g_ptr_array_add (sops, dcm_data_set_dup_string (ds, DCM_TAG_SOP_INSTANCE_UID));
  patient = dcm_data_set_dup_string (ds, DCM_TAG_PATIENT_NAME);
  if (patient == NULL || !g_str_has_prefix (patient, PATIENT_NAME))
    return;
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
  expected.all_instances = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
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
node_set (gpointer data)
{
  (void) data;
  return bench_query_page_get_node (page) != NULL;
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

static gboolean
search_shown (gpointer data)
{
  (void) data;
  return gtk_widget_is_drawable (ui_find_named (GTK_WIDGET (page), "search"));
}

static void
run_query (const char *patient_name)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);

  g_assert_true (ui_wait_for (demo_selected, NULL, DEMO_TIMEOUT_MS));
  if (expected.studies == NULL)
    read_expected ();
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "query");
  g_assert_true (ui_wait_for (search_shown, NULL, TEST_TIMEOUT_MS));
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
  guint running = 0, part_way = 0, done = 0;

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(BenchRetrieveJob) job = g_list_model_get_item (jobs, i);
      double fraction = bench_retrieve_job_get_fraction (job);

      running += bench_retrieve_job_is_running (job);
      /* Among the rows the picture shows. */
      part_way += i < 6 && bench_retrieve_job_is_running (job) && fraction > 0.2 && fraction < 0.8;
      done += bench_retrieve_job_is_finished (job);
    }
  return running == 0 || (part_way >= 1 && done >= 3);
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
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "jobs");
  ui_run_for (300);
  ui_activate (GTK_WIDGET (page), "query.retrieve", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, n_before + n_studies);
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
label_has_text (gpointer data)
{
  return ui_has_text (GTK_WIDGET (window), data);
}

static gboolean
send_ended (gpointer data)
{
  return ui_has_text (GTK_WIDGET (window), "sent to")
         || ui_has_text (GTK_WIDGET (window), "not stored")
         || ui_has_text (GTK_WIDGET (window), "Sending failed");
}

/* A received patient sent on to a node by C-STORE, with its count. */
static void
test_local_send_on (void)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (ui_find_named (GTK_WIDGET (window), "local-list"));
  GtkSelectionModel *selection = gtk_column_view_get_model (view);
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  GObject *entry = gtk_tree_list_row_get_item (row);
  g_autofree char *instances = NULL;
  g_autofree char *expected_text = NULL;
  BenchNode *node = bench_query_page_get_node (page);

  g_assert_nonnull (entry);
  g_object_get (entry, "instances", &instances, NULL);
  g_object_unref (entry);
  gtk_selection_model_select_item (selection, 0, TRUE);
  ui_activate (GTK_WIDGET (view), "local.send-to", g_variant_new_string (bench_node_get_id (node)));
  g_assert_true (ui_wait_for (send_ended, NULL, TEST_TIMEOUT_MS));
  expected_text = g_strdup_printf ("%s instances sent to %s", instances, bench_node_get_name (node));
  g_test_message ("%s", expected_text);
  g_assert_true (ui_has_text (GTK_WIDGET (window), expected_text));
}

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      n += g_file_test (path, G_FILE_TEST_IS_DIR) ? count_files (path) : 1;
    }
  return n;
}

static gboolean
dialog_shown (gpointer data)
{
  (void) data;
  return ui_find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* A patient's folder dropped from the file manager: every file in it is
 * sent to the node chosen in the dialog. */
static void
test_local_drop (void)
{
  GtkWidget *local = ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_LOCAL_PAGE);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (local);
  g_autofree char *demo = dimse_archive_demo_default_folder ();
  g_autoptr(GDir) dir = g_dir_open (demo, 0, NULL);
  g_autofree char *patient = NULL;
  g_autofree char *expected_text = NULL;
  g_autoptr(GFile) file = NULL;
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  GSList files = { 0 };
  AdwMessageDialog *dialog;
  gboolean accepted = FALSE;
  const char *name;
  guint n;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  g_assert_true (ui_wait_for (node_set, NULL, DEMO_TIMEOUT_MS));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (ui_find_of_type (GTK_WIDGET (window),
                                                                          ADW_TYPE_VIEW_STACK)),
                                         "local");
  while ((name = g_dir_read_name (dir)) != NULL && name[0] == '.')
    ;
  g_assert_nonnull (name);
  patient = g_build_filename (demo, name, NULL);
  n = count_files (patient);
  file = g_file_new_for_path (patient);
  files.data = file;
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (&files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  g_assert_true (ui_wait_for (dialog_shown, NULL, TEST_TIMEOUT_MS));
  dialog = ADW_MESSAGE_DIALOG (ui_find_window (ADW_TYPE_MESSAGE_DIALOG));
  /* The node the dialog offers first: the demo archive, the only one. */
  expected_text = g_strdup_printf ("%u instances sent to %s", n, bench_node_get_name (
                                     gtk_drop_down_get_selected_item (GTK_DROP_DOWN (
                                       adw_message_dialog_get_extra_child (dialog)))));
  adw_message_dialog_response (dialog, "send");
  if (!ui_wait_for (label_has_text, expected_text, TEST_TIMEOUT_MS))
    {
      g_autofree char *text = ui_collect_text (local);

      g_test_message ("expected “%s”, the page shows:\n%s", expected_text, text);
      g_assert_not_reached ();
    }
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

  /* Run alone, the demo node arrives first and would replace this one. */
  g_assert_true (ui_wait_for (demo_selected, NULL, DEMO_TIMEOUT_MS));
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

/* A retrieve cancelled while queued, then retried: the retry lists the
 * study's instances (SERIES- then IMAGE-level C-FINDs) and retrieves the
 * ones the storage folder lacks, series by series. */
static void
test_retry_missing (void)
{
  GListModel *jobs = G_LIST_MODEL (page->jobs);
  g_autoptr(GtkBitset) studies = gtk_bitset_new_empty ();
  g_autoptr(BenchRetrieveJob) queued = NULL;
  g_autoptr(BenchQueryItem) study = NULL;
  g_autofree char *folder = NULL;
  guint n_before = g_list_model_get_n_items (jobs);
  guint n_selected = 0;
  GPtrArray *sops;

  /* Patients whose studies were not retrieved yet are not needed: the
   * folder is emptied of the queued study's files first. */
  run_query ("");
  for (guint i = 0; n_selected < MAX_RUNNING + 1; i++)
    {
      g_autoptr(GtkTreeListRow) row = row_at (i);

      if (gtk_tree_list_row_get_depth (row) == 0)
        {
          gtk_bitset_add (studies, i);
          n_selected++;
          g_clear_object (&study);
          study = gtk_tree_list_row_get_item (row);
        }
    }
  g_object_get (bench_application_get_engine (ui_get_app ()), "storage-folder", &folder, NULL);
  sops = g_hash_table_lookup (expected.all_instances, bench_query_item_get_study_uid (study));
  g_assert_nonnull (sops);
  for (guint i = 0; i < sops->len; i++)
    {
      g_autofree char *file = g_strconcat (sops->pdata[i], ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      g_remove (path);
    }
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (page->selection), studies, studies);
  ui_activate (GTK_WIDGET (page), "query.retrieve", NULL);
  queued = g_list_model_get_item (jobs, n_before + MAX_RUNNING);
  g_assert_cmpuint (bench_retrieve_job_get_state (queued), ==, BENCH_RETRIEVE_JOB_WAITING);
  bench_retrieve_job_cancel (queued);
  g_assert_cmpuint (bench_retrieve_job_get_state (queued), ==, BENCH_RETRIEVE_JOB_CANCELLED);
  g_assert_true (bench_retrieve_job_get_can_retry (queued));
  g_assert_true (ui_wait_for (all_jobs_ended, jobs, TEST_TIMEOUT_MS));
  bench_retrieve_job_retry (queued);
  g_assert_true (ui_wait_for (job_ended, queued, TEST_TIMEOUT_MS));
  g_test_message ("retry: %s", bench_retrieve_job_get_error (queued));
  g_assert_cmpuint (bench_retrieve_job_get_state (queued), ==, BENCH_RETRIEVE_JOB_SUCCEEDED);
  g_assert_cmpuint (bench_retrieve_job_get_n_completed (queued), ==, sops->len);
  for (guint i = 0; i < sops->len; i++)
    {
      g_autofree char *file = g_strconcat (sops->pdata[i], ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

/* Stop before anything came back: the page is ready for the next search. */
static void
test_cancel (void)
{
  run_query (PATIENT_FAMILY);
  ui_activate (GTK_WIDGET (page), "query.run", NULL);
  g_assert_nonnull (page->op);
  ui_activate (GTK_WIDGET (page), "query.cancel", NULL);
  g_assert_true (ui_wait_for (query_done, NULL, TEST_TIMEOUT_MS));
  ui_run_for (200);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page->run_stack), ==, "search");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (page->spinner)));
  /* The demo archive on loopback may answer before the C-CANCEL arrives:
   * then the matches that came stay on show; otherwise the page is ready. */
  if (g_str_equal (gtk_stack_get_visible_child_name (page->results_stack), "results"))
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->studies)), >, 0);
  else
    g_assert_cmpstr (adw_status_page_get_title (page->status_page), ==, "Search for Studies");
}

typedef struct {
  char    *text;
  gboolean done;
} ClipboardRead;

static void
on_clipboard_read (GObject *source, GAsyncResult *result, gpointer data)
{
  ClipboardRead *read = data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/* The selected rows, as the columns show them, tab-separated. */
static void
test_copy_rows (void)
{
  ClipboardRead read = { 0 };

  run_query (PATIENT_FAMILY);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (page->selection), 0, TRUE);
  ui_activate (GTK_WIDGET (page), "query.copy-rows", NULL);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL,
                                 on_clipboard_read, &read);
  g_assert_true (ui_wait_for (clipboard_read, &read, TEST_TIMEOUT_MS));
  g_test_message ("copied: %s", read.text);
  g_assert_nonnull (read.text);
  g_assert_true (g_str_has_prefix (read.text, "Smith, John\tDB"));
  g_assert_true (g_str_has_suffix (read.text, "\n"));
  g_free (read.text);
}

/* The same study by C-GET: the instances come back on the query's own
 * association and are written into the storage folder. */
static void
test_retrieve_by_get (void)
{
  BenchNode *demo = NULL;
  g_autoptr(BenchNode) node = NULL;
  g_autoptr(GtkTreeListRow) row = NULL;
  g_autoptr(BenchQueryItem) study = NULL;
  g_autoptr(BenchRetrieveJob) job = NULL;
  g_autofree char *folder = NULL;
  GPtrArray *sops;
  guint n_jobs;

  run_query (PATIENT_FAMILY);
  demo = bench_query_page_get_node (page);
  node = bench_node_copy (demo);
  g_object_set (node, "name", "Demo archive by C-GET", "retrieve-method",
                (guint) BENCH_RETRIEVE_GET, NULL);
  bench_query_page_set_node (page, node);
  run_query (PATIENT_FAMILY);
  row = row_at (0);
  study = gtk_tree_list_row_get_item (row);
  sops = g_hash_table_lookup (expected.instances, bench_query_item_get_study_uid (study));
  g_assert_nonnull (sops);
  g_object_get (bench_application_get_engine (ui_get_app ()), "storage-folder", &folder, NULL);
  for (guint i = 0; i < sops->len; i++)
    {
      g_autofree char *file = g_strconcat (sops->pdata[i], ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      g_remove (path);
    }
  n_jobs = g_list_model_get_n_items (G_LIST_MODEL (page->jobs));
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (page->selection), 0, TRUE);
  ui_activate (GTK_WIDGET (page), "query.retrieve", NULL);
  job = g_list_model_get_item (G_LIST_MODEL (page->jobs), n_jobs);
  g_assert_cmpstr (bench_retrieve_job_get_destination (job), ==, folder);
  g_assert_true (ui_wait_for (job_ended, job, TEST_TIMEOUT_MS));
  g_test_message ("C-GET: %s", bench_retrieve_job_get_error (job));
  g_assert_cmpuint (bench_retrieve_job_get_state (job), ==, BENCH_RETRIEVE_JOB_SUCCEEDED);
  g_assert_cmpuint (bench_retrieve_job_get_n_completed (job), ==, sops->len);
  for (guint i = 0; i < sops->len; i++)
    {
      g_autofree char *file = g_strconcat (sops->pdata[i], ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, file, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  bench_query_page_set_node (page, demo);
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
  g_test_add_func ("/app/query/cancel", test_cancel);
  g_test_add_func ("/app/query/copy-rows", test_copy_rows);
  g_test_add_func ("/app/query/all-studies-tree", test_query_all);
  g_test_add_func ("/app/query/retrieve-study-reaches-100", test_retrieve_study);
  g_test_add_func ("/app/query/retrieve-many-studies", test_retrieve_many);
  g_test_add_func ("/app/query/local-lists-received", test_local_lists_received);
  g_test_add_func ("/app/query/local-send-on", test_local_send_on);
  g_test_add_func ("/app/query/retry-missing", test_retry_missing);
  g_test_add_func ("/app/query/retrieve-by-c-get", test_retrieve_by_get);
  g_test_add_func ("/app/query/closed-port", test_closed_port);
  /* Last: the dialog leaves the window inactive under Xvfb (no window
   * manager), and a retrieve ending then would be told in a notification,
   * which the test session has no server for. */
  g_test_add_func ("/app/query/local-drop-files", test_local_drop);
  status = g_test_run ();
  ui_stop_app ();
  return status;
}
