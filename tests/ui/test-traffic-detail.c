/* test-traffic-detail.c — the Traffic page's detail pane and links under
 * Xvfb, against the embedded demo archive: a C-FIND response shows its
 * identifier as a data set tree with names, VRs and decoded values, and
 * selecting an element marks its bytes; after a retrieve, the C-STORE-RQ
 * of the archive's incoming association names the C-MOVE-RQ it serves
 * (PS3.7 §9.3.1.1); the preference for the recorder's byte budget reaches
 * the recorder. */
#include "config.h"

#include <string.h>

#include "bench-data-set-tree.h"
#include "bench-preferences.h"
#include "bench-query-page-private.h"
#include "bench-retrieve-job.h"
#include "bench-traffic-page-private.h"
#include "ui-helpers.h"

#define DEMO_TIMEOUT_MS 120000
#define TEST_TIMEOUT_MS 30000

static BenchWindow *window;
static BenchTrafficPage *page;
static BenchTrafficModel *model;

/* ---- finding things ---- */

typedef struct {
  const char *peer_ae_title;
  const char *service;
  gboolean outgoing;
  BenchTrafficAssociation *found;
} Wanted;

static gboolean
association_found (gpointer data)
{
  Wanted *wanted = data;
  GListModel *list = bench_traffic_model_get_associations (model);

  wanted->found = NULL;
  for (guint i = g_list_model_get_n_items (list); i-- > 0;)
    {
      g_autoptr(BenchTrafficAssociation) assoc = g_list_model_get_item (list, i);

      if (bench_traffic_association_get_outgoing (assoc) == wanted->outgoing
          && bench_traffic_association_get_state (assoc) == BENCH_TRAFFIC_STATE_RELEASED
          && g_strcmp0 (bench_traffic_association_get_peer_ae_title (assoc),
                        wanted->peer_ae_title) == 0
          && strstr (bench_traffic_association_get_services (assoc), wanted->service) != NULL)
        {
          wanted->found = assoc;
          return TRUE;
        }
    }
  return FALSE;
}

static BenchTrafficAssociation *
wait_association (const char *peer_ae_title, const char *service, gboolean outgoing)
{
  Wanted wanted = { peer_ae_title, service, outgoing, NULL };

  g_assert_true (ui_wait_for (association_found, &wanted, TEST_TIMEOUT_MS));
  return wanted.found;
}

static void
show (const char *page_name)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), page_name);
  ui_run_for (100);
}

static void
select_association (BenchTrafficAssociation *assoc)
{
  GListModel *shown = G_LIST_MODEL (page->filtered);
  guint position;

  for (position = 0; position < g_list_model_get_n_items (shown); position++)
    {
      g_autoptr(BenchTrafficAssociation) item = g_list_model_get_item (shown, position);

      if (item == assoc)
        break;
    }
  g_assert_cmpuint (position, <, g_list_model_get_n_items (shown));
  gtk_single_selection_set_selected (page->selection, position);
  ui_run_for (100);
}

/* The first event in the timeline whose summary starts with prefix and
 * that went in direction (and carries status, unless it is -1). */
static BenchTrafficItem *
select_event (const char *prefix, DimseTrafficDirection direction, int status)
{
  GListModel *shown = bench_traffic_timeline_get_shown (page->timeline);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(BenchTrafficItem) item = g_list_model_get_item (shown, i);
      DimseTrafficEvent *event = bench_traffic_item_get_event (item);

      if (event != NULL && g_str_has_prefix (bench_traffic_item_get_summary (item), prefix)
          && bench_traffic_item_get_direction (item) == direction
          && (status < 0 || (dimse_traffic_event_get_has_status (event)
                             && dimse_traffic_event_get_status (event) == status)))
        {
          bench_traffic_timeline_select (page->timeline, i);
          g_assert_true (bench_traffic_detail_get_item (page->detail) == item);
          ui_run_for (200);
          return item;
        }
    }
  g_test_message ("no event starting with %s", prefix);
  g_assert_not_reached ();
}

typedef struct {
  GtkWidget *widget;
  const char *text;
} Shown;

static gboolean
text_shown (gpointer data)
{
  Shown *shown = data;

  return ui_has_text (shown->widget, shown->text);
}

static gboolean
wait_text (GtkWidget *widget, const char *text)
{
  Shown shown = { widget, text };

  return ui_wait_for (text_shown, &shown, TEST_TIMEOUT_MS);
}

static gboolean
demo_listed (gpointer data)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNode *node = bench_node_store_find (store, "demo-archive");

  return node != NULL && bench_window_get_selected_node (window) == node;
}

static gboolean
query_done (gpointer data)
{
  return ((BenchQueryPage *) data)->op == NULL;
}

static gboolean
drawable (gpointer data)
{
  return gtk_widget_is_drawable (data);
}

static BenchQueryPage *
run_query (const char *patient_name)
{
  BenchQueryPage *query = BENCH_QUERY_PAGE (ui_find_of_type (GTK_WIDGET (window),
                                                             BENCH_TYPE_QUERY_PAGE));

  g_assert_true (ui_wait_for (demo_listed, NULL, DEMO_TIMEOUT_MS));
  show ("query");
  g_assert_true (ui_wait_for (drawable, ui_find_named (GTK_WIDGET (query), "search"),
                              TEST_TIMEOUT_MS));
  ui_type (ui_find_named (GTK_WIDGET (query), "patient-name"), patient_name);
  ui_click (ui_find_named (GTK_WIDGET (query), "search"));
  g_assert_true (ui_wait_for (query_done, query, TEST_TIMEOUT_MS));
  ui_run_for (300);
  return query;
}

/* ---- the tests ---- */

typedef struct {
  guint64 offset;
  guint64 length;
  guint n_emitted;
} Marked;

static void
on_element_selected (BenchDataSetTree *tree, guint64 offset, guint64 length, Marked *marked)
{
  marked->offset = offset;
  marked->length = length;
  marked->n_emitted++;
}

/* A C-FIND-RSP (Pending) carries an identifier: the tree names its
 * elements, gives their VRs and decodes the values; selecting Patient's
 * Name marks the bytes of that element in the data set as received. */
static void
test_find_data_set_tree (void)
{
  BenchTrafficAssociation *assoc;
  BenchTrafficItem *item;
  BenchDataSetTree *tree;
  GListModel *rows;
  const DcmTransferSyntax *ts = NULL;
  g_autoptr(GBytes) encoded = NULL;
  Marked marked = { 0, 0, 0 };
  const guint8 *data;
  gsize size;
  guint position = G_MAXUINT;
  g_autofree char *value = NULL;

  run_query ("Smith");
  show ("traffic");
  assoc = wait_association ("DEMO_ARCHIVE", "C-FIND-RQ", TRUE);
  select_association (assoc);
  item = select_event ("C-FIND-RSP", DIMSE_TRAFFIC_DIRECTION_RECEIVED, 0xFF00);
  encoded = dimse_traffic_event_dup_data_set (bench_traffic_item_get_event (item), &ts);
  g_assert_nonnull (encoded);
  g_assert_nonnull (ts);

  tree = BENCH_DATA_SET_TREE (ui_find_named (GTK_WIDGET (page->detail), "traffic-data-set"));
  g_assert_nonnull (tree);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (tree)));
  /* The first rows as a user reads them: name and tag, VR, value. */
  g_assert_true (wait_text (GTK_WIDGET (tree), "Study Date (0008,0020)"));
  g_assert_true (ui_has_text (GTK_WIDGET (tree), "DA"));
  rows = bench_data_set_tree_get_rows (tree);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) tree_row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) row = gtk_tree_list_row_get_item (tree_row);
      g_autofree char *name = NULL;
      g_autofree char *vr = NULL;

      g_object_get (row, "name", &name, "vr", &vr, NULL);
      if (g_str_equal (name, "Patient's Name (0010,0010)"))
        {
          g_object_get (row, "value", &value, NULL);
          g_assert_cmpstr (vr, ==, "PN");
          position = i;
        }
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  g_test_message ("Patient's Name: %s", value);
  /* Decoded from the wire: the family name the query matched, then '^'. */
  g_assert_true (g_ascii_strncasecmp (value, "Smith^", 6) == 0);
  gtk_widget_activate_action (ui_find_of_type (GTK_WIDGET (tree), GTK_TYPE_LIST_VIEW),
                              "list.scroll-to-item", "u", position);
  g_assert_true (wait_text (GTK_WIDGET (tree), "Patient's Name (0010,0010)"));
  g_assert_true (ui_has_text (GTK_WIDGET (tree), value));

  /* Selecting the row marks its element: tag (0010,0010) in little endian
   * at the start of the bytes marked. */
  g_signal_connect (tree, "element-selected", G_CALLBACK (on_element_selected), &marked);
  gtk_selection_model_select_item (gtk_column_view_get_model (
                                     GTK_COLUMN_VIEW (ui_find_named (GTK_WIDGET (tree),
                                                                     "data-set-tree"))),
                                   position, TRUE);
  ui_run_for (100);
  g_signal_handlers_disconnect_by_data (tree, &marked);
  g_assert_cmpuint (marked.n_emitted, >=, 1);
  data = g_bytes_get_data (encoded, &size);
  g_assert_cmpuint (marked.length, >=, 8);
  g_assert_cmpuint (marked.offset + marked.length, <=, size);
  g_assert_cmphex (data[marked.offset], ==, 0x10);
  g_assert_cmphex (data[marked.offset + 1], ==, 0x00);
  g_assert_cmphex (data[marked.offset + 2], ==, 0x10);
  g_assert_cmphex (data[marked.offset + 3], ==, 0x00);
  /* The hex dump beside the tree marks those bytes: line offset / 16,
   * column 10 + 3 × (offset % 16) (plus one past the eighth byte). */
  {
    GtkWidget *hex = ui_find_named (gtk_widget_get_parent (GTK_WIDGET (tree)), "traffic-hex");
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (hex));
    GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer),
                                                 "highlight");
    GtkTextIter iter;
    guint column = 10 + 3 * (marked.offset % 16) + (marked.offset % 16 >= 8);
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hex));
    GdkRectangle visible;
    int y, height;

    gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, (int) (marked.offset / 16), (int) column);
    g_assert_true (gtk_text_iter_has_tag (&iter, tag));
    /* … and scrolls them into view. */
    ui_run_for (500);
    gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (hex), &visible);
    gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (hex), &iter, &y, &height);
    g_test_message ("marked line at %d, %d high; shown from %d, %d high (scrolled %g)", y, height,
                    visible.y, visible.height, gtk_adjustment_get_value (vadjustment));
    g_assert_cmpint (y, >=, visible.y);
    g_assert_cmpint (y + height, <=, visible.y + visible.height);
  }
  ui_run_for (300);
  ui_screenshot (GTK_WIDGET (window), "traffic-data-set");
}

static gboolean
job_ended (gpointer data)
{
  return bench_retrieve_job_is_finished (data);
}

/* A retrieve of a study (C-MOVE to our own Storage SCP): each C-STORE-RQ
 * on the archive's association to us is shown linked to the C-MOVE-RQ by
 * its Message ID and our AE title. */
static void
test_move_store_link (void)
{
  BenchQueryPage *query = run_query ("Smith");
  guint n_jobs = g_list_model_get_n_items (G_LIST_MODEL (query->jobs));
  g_autoptr(BenchRetrieveJob) job = NULL;
  BenchTrafficAssociation *move_assoc, *store_assoc;
  BenchTrafficItem *item;
  g_autofree char *link = NULL;
  guint16 move_message_id;
  const char *originator = NULL;
  guint16 originator_id = 0;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (query->sorted)), >, 0);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (query->selection), 0, TRUE);
  ui_activate (GTK_WIDGET (query), "query.retrieve", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (query->jobs)), ==, n_jobs + 1);
  job = g_list_model_get_item (G_LIST_MODEL (query->jobs), n_jobs);
  g_assert_true (ui_wait_for (job_ended, job, TEST_TIMEOUT_MS));
  g_assert_cmpuint (bench_retrieve_job_get_n_completed (job), >, 0);

  show ("traffic");
  move_assoc = wait_association ("DEMO_ARCHIVE", "C-MOVE-RQ", TRUE);
  select_association (move_assoc);
  item = select_event ("C-MOVE-RQ", DIMSE_TRAFFIC_DIRECTION_SENT, -1);
  move_message_id = dimse_traffic_event_get_message_id (bench_traffic_item_get_event (item));

  store_assoc = wait_association ("DEMO_ARCHIVE", "C-STORE-RQ", FALSE);
  select_association (store_assoc);
  item = select_event ("C-STORE-RQ", DIMSE_TRAFFIC_DIRECTION_RECEIVED, -1);
  g_assert_true (dimse_traffic_event_get_move_originator (bench_traffic_item_get_event (item),
                                                          &originator, &originator_id));
  g_assert_cmpstr (originator, ==, "DIMSEBENCH");
  g_assert_cmpuint (originator_id, ==, move_message_id);
  link = g_strdup_printf ("for C-MOVE-RQ msg %u from DIMSEBENCH", move_message_id);
  g_assert_true (wait_text (GTK_WIDGET (page->timeline), link));
  ui_run_for (300);
  ui_screenshot (GTK_WIDGET (window), "traffic-link");
}

static gboolean
budget_is (gpointer data)
{
  DimseRecorder *recorder = bench_engine_get_recorder (bench_application_get_engine (ui_get_app ()));

  return dimse_recorder_get_max_raw_bytes (recorder) == *(guint64 *) data;
}

static gboolean
prefs_closed (gpointer data)
{
  return ui_find_window (BENCH_TYPE_PREFERENCES) == NULL;
}

/* The preference row sets the recorder's byte budget, in MiB. */
static void
test_raw_budget_preference (void)
{
  GtkWidget *prefs;
  GtkSpinButton *spin;
  guint64 wanted = (guint64) 64 * 1024 * 1024;

  g_assert_true (ui_wait_for (budget_is, &wanted, TEST_TIMEOUT_MS));
  ui_activate (GTK_WIDGET (window), "app.preferences", NULL);
  prefs = GTK_WIDGET (ui_find_window (BENCH_TYPE_PREFERENCES));
  g_assert_nonnull (prefs);
  spin = GTK_SPIN_BUTTON (ui_find_named (prefs, "traffic-max-raw-mib"));
  g_assert_nonnull (spin);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 64);
  gtk_spin_button_set_value (spin, 3);
  wanted = (guint64) 3 * 1024 * 1024;
  g_assert_true (ui_wait_for (budget_is, &wanted, TEST_TIMEOUT_MS));
  gtk_window_close (GTK_WINDOW (prefs));
  g_assert_true (ui_wait_for (prefs_closed, NULL, TEST_TIMEOUT_MS));
}

int
main (int argc, char **argv)
{
  int status;

  ui_init (&argc, &argv);
  window = ui_start_app ();
  page = BENCH_TRAFFIC_PAGE (ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_TRAFFIC_PAGE));
  g_assert_nonnull (page);
  model = bench_engine_get_traffic (bench_application_get_engine (ui_get_app ()));
  g_test_add_func ("/app/traffic-detail/find-data-set-tree", test_find_data_set_tree);
  g_test_add_func ("/app/traffic-detail/move-store-link", test_move_store_link);
  g_test_add_func ("/app/traffic-detail/raw-budget-preference", test_raw_budget_preference);
  status = g_test_run ();
  ui_stop_app ();
  return status;
}
