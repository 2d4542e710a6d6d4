/* test-tools.c — the Tools page under Xvfb, against the embedded demo
 * archive: the conformance probe lists Verification and CT Image Storage
 * as accepted, the "accepted only" filter hides the rest; the C-MOVE
 * doctor to the local AE title succeeds with every leg passed and shows
 * the return leg's A-ASSOCIATE-RQ, to an unknown AE title it reports the
 * 0xA801 refusal in words; the composer's C-ECHO shows Success, its C-FIND
 * the matches, and an N-GET the demo archive does not offer says so in
 * words; a data set row that breaks its VR shows the error inline. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench-commitment-view.h"
#include "bench-composer.h"
#include "bench-doctor-view.h"
#include "bench-mpps-view.h"
#include "bench-node.h"
#include "bench-node-store.h"
#include "bench-probe-view.h"
#include "bench-tools-op.h"
#include "bench-tools-page.h"
#include "bench-traffic-association.h"
#include "bench-traffic-model.h"
#include "dimse-archive-demo.h"
#include "ui-helpers.h"

#define DEMO_TIMEOUT_MS 120000
#define TEST_TIMEOUT_MS 60000

static BenchWindow *window;

static gboolean
demo_listed (gpointer data)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());

  return bench_node_store_find (store, "demo-archive") != NULL;
}

static gboolean
scp_listening (gpointer data)
{
  gboolean listening = FALSE;

  g_object_get (bench_application_get_engine (ui_get_app ()), "storage-scp-listening",
                &listening, NULL);
  return listening;
}

/* Shows the Tools page and the tool named, with node (NULL: the demo
 * archive) chosen in its node chooser, as a user would pick them. */
static GtkWidget *
open_tool_with (const char *tool, const char *chooser_name, BenchNode *node)
{
  GtkWidget *w = GTK_WIDGET (window);
  GtkWidget *chooser = ui_find_named (w, chooser_name);
  GListModel *nodes = gtk_drop_down_get_model (GTK_DROP_DOWN (chooser));
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNode *demo;
  GtkWidget *stack;

  g_assert_true (ui_wait_for (demo_listed, NULL, DEMO_TIMEOUT_MS));
  demo = node != NULL ? node : bench_node_store_find (store, "demo-archive");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (ui_find_of_type (w, ADW_TYPE_VIEW_STACK)),
                                         "tools");
  stack = gtk_widget_get_parent (ui_find_named (w, "probe-view"));
  gtk_stack_set_visible_child_name (GTK_STACK (stack), tool);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(BenchNode) item = g_list_model_get_item (nodes, i);

      if (item == demo)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (chooser), i);
    }
  g_assert_true (bench_tools_node_chooser_get_node (chooser) == demo);
  ui_run_for (100);
  return w;
}

static GtkWidget *
open_tool (const char *tool, const char *chooser_name)
{
  return open_tool_with (tool, chooser_name, NULL);
}

/* ---- the probe ---- */

static gboolean
probe_done (gpointer data)
{
  return !bench_probe_view_get_running (data);
}

static BenchToolsRow *
find_row (GListModel *rows, const char *sop_class, const char *transfer_syntax)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(BenchToolsRow) row = g_list_model_get_item (rows, i);

      if (g_str_equal (bench_tools_row_get_column (row, 0), sop_class)
          && (transfer_syntax == NULL
              || g_str_equal (bench_tools_row_get_column (row, 1), transfer_syntax)))
        return row;
    }
  return NULL;
}

static void
test_probe (void)
{
  GtkWidget *w = open_tool ("probe", "probe-node");
  BenchProbeView *view = BENCH_PROBE_VIEW (ui_find_named (w, "probe-view"));
  GListModel *rows = bench_probe_view_get_rows (view);
  BenchToolsRow *row;
  guint all;

  ui_click (ui_find_named (w, "probe-run"));
  g_assert_true (ui_wait_for (probe_done, view, TEST_TIMEOUT_MS));
  g_test_message ("probe: %s", gtk_label_get_label (GTK_LABEL (ui_find_named (w, "probe-status"))));
  g_assert_false (ui_has_text (ui_find_named (w, "probe-status"), "stopped"));
  row = find_row (rows, "Verification SOP Class", "Implicit VR Little Endian");
  g_assert_nonnull (row);
  g_assert_true (bench_tools_row_get_ok (row));
  g_assert_cmpstr (bench_tools_row_get_column (row, 2), ==, "accepted");
  row = find_row (rows, "CT Image Storage", "Explicit VR Little Endian");
  g_assert_nonnull (row);
  g_assert_true (bench_tools_row_get_ok (row));
  /* What a user reads: the first rows of the table. */
  ui_run_for (300);
  g_assert_true (ui_has_text (ui_find_named (w, "probe-table"), "Verification SOP Class"));
  g_assert_true (ui_has_text (ui_find_named (w, "probe-table"), "accepted"));
  g_assert_false (ui_has_text (ui_find_named (w, "probe-user-identity"), "–"));
  ui_screenshot (GTK_WIDGET (window), "probe");

  /* Accepted only: every row left is accepted, CT Image Storage among them. */
  all = g_list_model_get_n_items (rows);
  gtk_switch_set_active (GTK_SWITCH (ui_find_named (w, "probe-accepted-only")), TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (rows), <, all);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(BenchToolsRow) accepted = g_list_model_get_item (rows, i);

      g_assert_true (bench_tools_row_get_ok (accepted));
    }
  g_assert_nonnull (find_row (rows, "CT Image Storage", NULL));
  gtk_switch_set_active (GTK_SWITCH (ui_find_named (w, "probe-accepted-only")), FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, all);
}

/* ---- the C-MOVE doctor ---- */

static gboolean
doctor_done (gpointer data)
{
  return !bench_doctor_view_get_running (data);
}

static void
run_doctor (GtkWidget *w, const char *destination)
{
  BenchDoctorView *view = BENCH_DOCTOR_VIEW (ui_find_named (w, "doctor-view"));

  ui_type (ui_find_named (w, "doctor-destination"), destination);
  ui_click (ui_find_named (w, "doctor-run"));
  g_assert_true (ui_wait_for (doctor_done, view, TEST_TIMEOUT_MS));
  ui_run_for (200);
}

static void
test_doctor_local_ae (void)
{
  GtkWidget *w = open_tool ("doctor", "doctor-node");
  BenchEngine *engine = bench_application_get_engine (ui_get_app ());
  g_autofree char *legs = NULL;
  g_autofree char *rq = NULL;
  GtkWidget *expander;

  g_assert_true (ui_wait_for (scp_listening, NULL, TEST_TIMEOUT_MS));
  run_doctor (w, bench_engine_get_local_ae_title (engine));
  legs = ui_collect_text (ui_find_named (w, "doctor-legs"));
  g_test_message ("legs: %s", legs);
  g_assert_true (ui_has_text (ui_find_named (w, "doctor-result"), "The destination works"));
  g_assert_null (strstr (legs, "✗"));
  g_assert_nonnull (strstr (legs, "The instance stored with C-STORE"));
  /* The return leg's -RQ, as the peer sent it, names the destination. */
  expander = ui_find_named (w, "doctor-return");
  g_assert_true (gtk_widget_get_visible (expander));
  gtk_expander_set_expanded (GTK_EXPANDER (expander), TRUE);
  ui_run_for (200);
  rq = ui_collect_text (expander);
  g_test_message ("return leg: %s", rq);
  g_assert_nonnull (strstr (rq, bench_engine_get_local_ae_title (engine)));
  ui_screenshot (GTK_WIDGET (window), "doctor");
  /* The Storage SCP listens again once the doctor is done. */
  g_assert_true (ui_wait_for (scp_listening, NULL, TEST_TIMEOUT_MS));
}

static void
test_doctor_unknown_ae (void)
{
  GtkWidget *w = open_tool ("doctor", "doctor-node");
  g_autofree char *legs = NULL;

  run_doctor (w, "NOSUCHAE");
  g_assert_true (ui_has_text (ui_find_named (w, "doctor-result"),
                              "The move does not reach the destination"));
  g_assert_true (ui_has_text (ui_find_named (w, "doctor-result"), "0xA801"));
  g_assert_true (ui_has_text (ui_find_named (w, "doctor-result"), "NOSUCHAE"));
  legs = ui_collect_text (ui_find_named (w, "doctor-legs"));
  g_assert_nonnull (strstr (legs, "C-MOVE accepted for the destination\nFailed"));
  g_assert_nonnull (strstr (legs, "Not reached"));
  g_assert_false (gtk_widget_get_visible (ui_find_named (w, "doctor-return")));
}

/* ---- the composer ---- */

static gboolean
composer_done (gpointer data)
{
  return !bench_composer_get_sending (data);
}

static const char *
send_composed (GtkWidget *w, const char *service)
{
  BenchComposer *composer = BENCH_COMPOSER (ui_find_named (w, "composer-view"));

  g_assert_true (bench_composer_select_service (composer, service));
  ui_click (ui_find_named (w, "composer-send"));
  g_assert_true (ui_wait_for (composer_done, composer, TEST_TIMEOUT_MS));
  ui_run_for (100);
  return gtk_label_get_label (GTK_LABEL (ui_find_named (w, "composer-status")));
}

static char *
response_text (GtkWidget *w)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (ui_find_named (w, "composer-response")));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_composer (void)
{
  GtkWidget *w = open_tool ("composer", "composer-node");
  const char *status;
  g_autofree char *response = NULL;

  status = send_composed (w, "C-ECHO");
  g_test_message ("C-ECHO: %s", status);
  g_assert_nonnull (strstr (status, "Success"));
  g_assert_true (ui_has_text (ui_find_named (w, "composer-command-fields"), "C-ECHO-RQ (0030H)"));

  status = send_composed (w, "C-FIND");
  g_test_message ("C-FIND: %s", status);
  g_assert_nonnull (strstr (status, "Success"));
  response = response_text (w);
  g_assert_nonnull (strstr (response, "match"));
  g_assert_nonnull (strstr (response, "\"00100010\""));

  /* The demo archive is a Q/R SCP: it does not take the Printer SOP class,
   * and the composer says so instead of sending. */
  status = send_composed (w, "N-GET");
  g_test_message ("N-GET: %s", status);
  g_assert_true (g_str_has_prefix (status, "Not sent: "));
  ui_screenshot (GTK_WIDGET (window), "composer");
}

static void
test_composer_validation (void)
{
  GtkWidget *w = open_tool ("composer", "composer-node");
  BenchComposer *composer = BENCH_COMPOSER (ui_find_named (w, "composer-view"));
  GtkWidget *data_set = ui_find_named (w, "composer-data-set");
  GtkListBoxRow *row;
  GtkWidget *value;

  g_assert_true (bench_composer_select_service (composer, "C-FIND"));
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (data_set), 0);
  g_assert_nonnull (row);
  /* QueryRetrieveLevel is CS: at most 16 characters (PS3.5 Table 6.2-1). */
  value = g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), "value");
  ui_type (value, "A VALUE MUCH LONGER THAN SIXTEEN");
  ui_run_for (100);
  g_assert_false (gtk_widget_get_sensitive (ui_find_named (w, "composer-send")));
  g_assert_true (ui_has_text (data_set, "16"));
  ui_type (value, "STUDY");
  ui_run_for (100);
  g_assert_true (gtk_widget_get_sensitive (ui_find_named (w, "composer-send")));
}

/* ---- Storage Commitment and MPPS against the engine's N provider ---- */

typedef struct {
  GSubprocess *process;
  char *port_file;
  BenchNode *node;
} NPeer;

static gboolean
port_written (gpointer data)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (data, &text, NULL, NULL) && text[0] != '\0';
}

/* nservice-scp holding the instance of held; NULL (test skipped) when it
 * was not built. */
static NPeer *
start_n_peer (const char *held)
{
  const char *program = g_getenv ("DIMSEBENCH_NSERVICE_SCP");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  NPeer *peer;

  if (program == NULL || !g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("nservice-scp was not built");
      return NULL;
    }
  peer = g_new0 (NPeer, 1);
  peer->port_file = g_build_filename (ui_get_home (), "nservice-port", NULL);
  g_unlink (peer->port_file);
  peer->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, program,
                                    peer->port_file, held, NULL);
  g_assert_no_error (error);
  g_assert_true (ui_wait_for (port_written, peer->port_file, TEST_TIMEOUT_MS));
  g_assert_true (g_file_get_contents (peer->port_file, &text, NULL, NULL));
  peer->node = bench_node_new ();
  g_object_set (peer->node, "name", "N provider", "ae-title", "NSCP", "host", "127.0.0.1",
                "port", (guint) g_ascii_strtoull (text, NULL, 10), NULL);
  bench_node_store_add (bench_application_get_node_store (ui_get_app ()), peer->node);
  return peer;
}

static void
stop_n_peer (NPeer *peer)
{
  bench_node_store_remove (bench_application_get_node_store (ui_get_app ()), peer->node);
  g_subprocess_send_signal (peer->process, SIGTERM);
  g_subprocess_wait (peer->process, NULL, NULL);
  g_object_unref (peer->process);
  g_object_unref (peer->node);
  g_unlink (peer->port_file);
  g_free (peer->port_file);
  g_free (peer);
}

static gboolean
is_dicom_name (const char *name)
{
  return g_str_has_suffix (name, ".dcm");
}

/* Two files of the demo archive. */
static GPtrArray *
demo_files (void)
{
  g_autofree char *folder = dimse_archive_demo_default_folder ();
  g_autofree char *listing = NULL;
  g_autofree char *command = g_strdup_printf ("find %s -type f -name '*.dcm'", folder);
  g_auto(GStrv) lines = NULL;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_spawn_command_line_sync (command, &listing, NULL, NULL, NULL));
  lines = g_strsplit (listing, "\n", -1);
  for (guint i = 0; lines[i] != NULL && paths->len < 2; i++)
    if (is_dicom_name (lines[i]))
      g_ptr_array_add (paths, g_strdup (lines[i]));
  g_assert_cmpuint (paths->len, ==, 2);
  return paths;
}

static gboolean
commitment_done (gpointer data)
{
  return !bench_commitment_view_get_running (data);
}

static void
test_commitment (void)
{
  g_autoptr(GPtrArray) files = demo_files ();
  NPeer *peer = start_n_peer (files->pdata[0]);
  BenchCommitmentView *view;
  const char *committed;
  const char *failed;
  GtkWidget *w;

  if (peer == NULL)
    return;
  w = open_tool_with ("commitment", "commitment-node", peer->node);
  view = BENCH_COMMITMENT_VIEW (ui_find_named (w, "commitment-view"));
  g_ptr_array_add (files, NULL);
  bench_commitment_view_set_files (view, (const char *const *) files->pdata);
  ui_click (ui_find_named (w, "commitment-commit"));
  g_assert_true (ui_wait_for (commitment_done, view, TEST_TIMEOUT_MS));
  ui_run_for (100);
  committed = gtk_label_get_label (GTK_LABEL (ui_find_named (w, "commitment-committed")));
  failed = gtk_label_get_label (GTK_LABEL (ui_find_named (w, "commitment-failed")));
  g_test_message ("%s\ncommitted: %s\nfailed: %s",
                  gtk_label_get_label (GTK_LABEL (ui_find_named (w, "commitment-status"))),
                  committed, failed);
  /* The peer holds the first file's instance only (PS3.4 Table J.3-2). */
  g_assert_true (ui_has_text (ui_find_named (w, "commitment-status"), "1 committed, 1 failed"));
  g_assert_nonnull (strstr (failed, "No Such Object Instance"));
  g_assert_cmpuint (strlen (committed), >, 10);
  ui_screenshot (GTK_WIDGET (window), "commitment");
  stop_n_peer (peer);
}

static gboolean
mpps_done (gpointer data)
{
  return !bench_mpps_view_get_running (data);
}

static void
mpps_step (GtkWidget *w, const char *button)
{
  ui_click (ui_find_named (w, button));
  g_assert_true (ui_wait_for (mpps_done, ui_find_named (w, "mpps-view"), TEST_TIMEOUT_MS));
  ui_run_for (100);
  g_test_message ("%s: %s", button,
                  gtk_label_get_label (GTK_LABEL (ui_find_named (w, "mpps-status"))));
}

static gboolean
n_get_recorded (gpointer data)
{
  BenchEngine *engine = bench_application_get_engine (ui_get_app ());
  GListModel *list = bench_traffic_model_get_associations (bench_engine_get_traffic (engine));

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(BenchTrafficAssociation) assoc = g_list_model_get_item (list, i);
      const char *services = bench_traffic_association_get_services (assoc);

      if (g_strcmp0 (bench_traffic_association_get_peer_ae_title (assoc), "NSCP") == 0
          && services != NULL && strstr (services, "N-GET") != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_mpps (void)
{
  g_autoptr(GPtrArray) files = demo_files ();
  NPeer *peer = start_n_peer (files->pdata[0]);
  GtkWidget *w;

  if (peer == NULL)
    return;
  w = open_tool_with ("mpps", "mpps-node", peer->node);
  g_assert_false (gtk_widget_get_sensitive (ui_find_named (w, "mpps-complete")));
  mpps_step (w, "mpps-create");
  g_assert_true (ui_has_text (ui_find_named (w, "mpps-state"), "IN PROGRESS"));
  g_assert_true (ui_has_text (ui_find_named (w, "mpps-status"), "Success"));
  mpps_step (w, "mpps-complete");
  g_assert_true (ui_has_text (ui_find_named (w, "mpps-state"), "COMPLETED"));
  /* PS3.4 §F.7.2.2.2: a completed step may no longer be updated. */
  mpps_step (w, "mpps-discontinue");
  g_assert_true (ui_has_text (ui_find_named (w, "mpps-state"), "COMPLETED"));
  g_assert_true (ui_has_text (ui_find_named (w, "mpps-status"), "A710"));

  /* The composer's N-GET of the step reaches the provider: its response's
   * status and attributes are shown. */
  {
    g_autofree char *instance = g_strdup (gtk_editable_get_text (
      GTK_EDITABLE (ui_find_named (w, "mpps-instance"))));
    g_autofree char *response = NULL;
    const char *status;

    w = open_tool_with ("composer", "composer-node", peer->node);
    g_assert_true (bench_composer_select_service (
      BENCH_COMPOSER (ui_find_named (w, "composer-view")), "N-GET"));
    ui_type (ui_find_named (w, "composer-sop-class"), "1.2.840.10008.3.1.2.3.3");
    ui_type (ui_find_named (w, "composer-sop-instance"), instance);
    ui_type (ui_find_named (w, "composer-attributes"), "PerformedProcedureStepStatus");
    status = send_composed (w, "N-GET");
    g_test_message ("N-GET: %s", status);
    g_assert_nonnull (strstr (status, "Success"));
    response = response_text (w);
    g_assert_nonnull (strstr (response, "N-GET-RSP"));
    g_assert_nonnull (strstr (response, "COMPLETED"));
    ui_screenshot (GTK_WIDGET (window), "composer-n-get");
    /* It went on a recorded association: the Traffic page lists it. */
    g_assert_true (ui_wait_for (n_get_recorded, NULL, TEST_TIMEOUT_MS));
  }
  stop_n_peer (peer);
}

int
main (int argc, char **argv)
{
  int status;

  ui_init (&argc, &argv);
  window = ui_start_app ();
  g_assert_nonnull (ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_TOOLS_PAGE));
  g_test_add_func ("/app/tools/probe", test_probe);
  g_test_add_func ("/app/tools/doctor/local-ae", test_doctor_local_ae);
  g_test_add_func ("/app/tools/doctor/unknown-ae", test_doctor_unknown_ae);
  g_test_add_func ("/app/tools/composer/send", test_composer);
  g_test_add_func ("/app/tools/composer/validation", test_composer_validation);
  g_test_add_func ("/app/tools/commitment/report", test_commitment);
  g_test_add_func ("/app/tools/mpps/create-complete", test_mpps);
  status = g_test_run ();
  ui_stop_app ();
  return status;
}
