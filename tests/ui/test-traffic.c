/* test-traffic.c — the Traffic page under Xvfb, against the embedded demo
 * archive: a node test (C-ECHO) and a query (C-FIND) appear as associations
 * with their messages and statuses in words, the timeline and the detail
 * pane show an event's decoded fields and raw bytes, a rejected
 * association (unknown called AE title) shows the reason in words, the
 * filters (node, service, direction, status, search) narrow the list, a
 * C-MOVE counts the C-STORE sub-operations made for it, the exports
 * decode in tshark's DICOM dissector
 * with no malformed packet and read back as the same association, and
 * 10,000 events recorded at once reach the page while the main loop keeps
 * turning. */
#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bench-hex-view.h"
#include "bench-node-store.h"
#include "bench-node-test.h"
#include "bench-query-page-private.h"
#include "bench-traffic-page-private.h"
#include "dcm-uids.h"
#include "dimse-pdu.h"
#include "ui-helpers.h"

#define DEMO_TIMEOUT_MS 120000
#define TEST_TIMEOUT_MS 30000
#define N_EVENTS 10000

static BenchWindow *window;
static BenchTrafficPage *page;
static BenchTrafficModel *model;
static guint echo_id;
static char *echo_pcapng;     /* the echo association as exported */

/* ---- finding things ---- */

typedef struct {
  const char *peer_ae_title;
  const char *service;             /* a request in the services, or NULL */
  BenchTrafficState state;
  gboolean outgoing;
  BenchTrafficAssociation *found;
} Wanted;

static gboolean
association_found (gpointer data)
{
  Wanted *wanted = data;
  GListModel *list = bench_traffic_model_get_associations (model);

  wanted->found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(BenchTrafficAssociation) assoc = g_list_model_get_item (list, i);

      if (bench_traffic_association_get_outgoing (assoc) == wanted->outgoing
          && bench_traffic_association_get_state (assoc) == wanted->state
          && g_strcmp0 (bench_traffic_association_get_peer_ae_title (assoc),
                        wanted->peer_ae_title) == 0
          && (wanted->service == NULL
              || strstr (bench_traffic_association_get_services (assoc), wanted->service)))
        {
          wanted->found = assoc;
          return TRUE;
        }
    }
  return FALSE;
}

static BenchTrafficAssociation *
wait_association (const char *peer_ae_title, const char *service, BenchTrafficState state,
                  gboolean outgoing)
{
  Wanted wanted = { peer_ae_title, service, state, outgoing, NULL };

  g_assert_true (ui_wait_for (association_found, &wanted, TEST_TIMEOUT_MS));
  return wanted.found;
}

static void
select_association (BenchTrafficAssociation *assoc)
{
  guint position;
  GListModel *shown = G_LIST_MODEL (page->filtered);

  for (position = 0; position < g_list_model_get_n_items (shown); position++)
    {
      g_autoptr(BenchTrafficAssociation) item = g_list_model_get_item (shown, position);

      if (item == assoc)
        break;
    }
  g_assert_cmpuint (position, <, g_list_model_get_n_items (shown));
  gtk_single_selection_set_selected (page->selection, position);
  g_assert_true (bench_traffic_page_get_selected (page) == assoc);
  ui_run_for (100);
}

/* Selects the first event shown in the timeline whose summary starts with
 * prefix (and, when direction is not NONE, that went that way; when status
 * is not -1, that carries it). */
static BenchTrafficItem *
select_event_with_status (const char *prefix, DimseTrafficDirection direction, int status)
{
  GListModel *shown = bench_traffic_timeline_get_shown (page->timeline);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(BenchTrafficItem) item = g_list_model_get_item (shown, i);

      if (g_str_has_prefix (bench_traffic_item_get_summary (item), prefix)
          && (direction == DIMSE_TRAFFIC_DIRECTION_NONE
              || bench_traffic_item_get_direction (item) == direction)
          && (status < 0
              || (dimse_traffic_event_get_has_status (bench_traffic_item_get_event (item))
                  && dimse_traffic_event_get_status (bench_traffic_item_get_event (item)) == status)))
        {
          bench_traffic_timeline_select (page->timeline, i);
          g_assert_true (bench_traffic_detail_get_item (page->detail) == item);
          ui_run_for (100);
          return item;
        }
    }
  g_test_message ("no event starting with %s", prefix);
  g_assert_not_reached ();
}

static BenchTrafficItem *
select_event (const char *prefix, DimseTrafficDirection direction)
{
  return select_event_with_status (prefix, direction, -1);
}

static char *
text_view_text (const char *name)
{
  GtkWidget *view = ui_find_named (GTK_WIDGET (page->detail), name);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
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

/* What a user reads, once the view has laid its rows out. */
static gboolean
wait_text (GtkWidget *widget, const char *text)
{
  Shown shown = { widget, text };

  return ui_wait_for (text_shown, &shown, TEST_TIMEOUT_MS);
}

static void
show_page (void)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "traffic");
  ui_run_for (100);
}

/* ---- driving the other pages ---- */

static gboolean
demo_listed (gpointer data)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNode *node = bench_node_store_find (store, "demo-archive");

  return node != NULL && bench_window_get_selected_node (window) == node;
}

static gboolean
test_finished (gpointer data)
{
  return g_strcmp0 (bench_node_test_get_state (data), "running") != 0;
}

static void
run_node_test (const char *expected_state)
{
  BenchNodeTest *test;

  ui_activate (GTK_WIDGET (window), "win.test-node", NULL);
  test = BENCH_NODE_TEST (ui_find_window (BENCH_TYPE_NODE_TEST));
  g_assert_nonnull (test);
  g_assert_true (ui_wait_for (test_finished, test, TEST_TIMEOUT_MS));
  g_assert_cmpstr (bench_node_test_get_state (test), ==, expected_state);
  gtk_window_close (GTK_WINDOW (test));
  ui_run_for (100);
}

/* ---- the tests ---- */

/* The page must not make the window fold its sidebar away: its minimum
 * width fits beside the sidebar in the default window (1200 pixels). */
static void
test_fits_beside_sidebar (void)
{
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  int minimum = 0, natural = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (view_stack); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
      g_test_message ("%s: minimum width %d", G_OBJECT_TYPE_NAME (child), minimum);
    }
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural,
                      NULL, NULL);
  g_assert_cmpint (minimum, <=, 1200 - 300 - 1);
}

/* A node test of the demo archive: our association and the archive's own
 * side of it, the C-ECHO both ways with its status in words. */
static void
test_echo_listed (void)
{
  BenchTrafficAssociation *assoc, *twin;
  BenchTrafficItem *item;
  g_autofree char *details = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *list_text = NULL;

  g_assert_true (ui_wait_for (demo_listed, NULL, DEMO_TIMEOUT_MS));
  run_node_test ("done");
  show_page ();
  assoc = wait_association ("DEMO_ARCHIVE", "C-ECHO-RQ", BENCH_TRAFFIC_STATE_RELEASED, TRUE);
  twin = wait_association ("DIMSEBENCH", "C-ECHO-RQ", BENCH_TRAFFIC_STATE_RELEASED, FALSE);
  echo_id = bench_traffic_association_get_id (assoc);
  g_assert_cmpuint (bench_traffic_association_get_n_messages (assoc, DIMSE_TRAFFIC_DIRECTION_SENT), ==, 1);
  g_assert_cmpuint (bench_traffic_association_get_n_messages (assoc, DIMSE_TRAFFIC_DIRECTION_RECEIVED), ==, 1);
  g_assert_cmpuint (bench_traffic_association_get_n_bytes (assoc, DIMSE_TRAFFIC_DIRECTION_SENT), >, 0);
  g_assert_cmpstr (bench_traffic_association_get_peer_name (assoc), ==, "Demo archive");
  g_assert_true (g_str_has_prefix (bench_traffic_association_get_peer_address (assoc),
                                   "127.0.0.1:"));
  g_assert_cmpuint (bench_traffic_association_get_n_messages (twin, DIMSE_TRAFFIC_DIRECTION_RECEIVED), ==, 1);

  ui_run_for (200);
  list_text = ui_collect_text (GTK_WIDGET (page->column_view));
  g_test_message ("associations:\n%s", list_text);
  g_assert_nonnull (strstr (list_text, "DIMSEBENCH → DEMO_ARCHIVE"));
  g_assert_nonnull (strstr (list_text, "Released"));
  g_assert_nonnull (strstr (list_text, "C-ECHO-RQ"));

  select_association (assoc);
  g_assert_true (wait_text (GTK_WIDGET (page->timeline), "C-ECHO-RQ"));
  item = select_event ("C-ECHO-RSP", DIMSE_TRAFFIC_DIRECTION_RECEIVED);
  g_assert_true (dimse_traffic_event_get_has_status (bench_traffic_item_get_event (item)));
  g_assert_true (wait_text (GTK_WIDGET (page->detail), "Success"));
  details = text_view_text ("traffic-details");
  g_test_message ("C-ECHO-RSP details:\n%s", details);
  g_assert_nonnull (strstr (details, "Message ID Being Responded To"));
  g_assert_nonnull (strstr (details, "Success"));

  /* The -AC: the negotiation result per context in words, the raw bytes. */
  select_event ("A-ASSOCIATE-AC", DIMSE_TRAFFIC_DIRECTION_RECEIVED);
  g_clear_pointer (&details, g_free);
  details = text_view_text ("traffic-details");
  g_test_message ("A-ASSOCIATE-AC details:\n%s", details);
  g_assert_nonnull (strstr (details, "Verification SOP Class: Acceptance"));
  hex = text_view_text ("traffic-hex");
  g_assert_true (g_str_has_prefix (hex, "00000000  02 00 00 00"));
}

static gboolean
query_done (gpointer data)
{
  return ((BenchQueryPage *) data)->op == NULL;
}

/* A query: C-FIND with its pending responses and the final success. */
static void
test_query_listed (void)
{
  BenchQueryPage *query = BENCH_QUERY_PAGE (ui_find_of_type (GTK_WIDGET (window),
                                                             BENCH_TYPE_QUERY_PAGE));
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  BenchTrafficAssociation *assoc;
  BenchTrafficItem *item;
  guint n_received;

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "query");
  ui_run_for (100);
  ui_type (ui_find_named (GTK_WIDGET (query), "patient-name"), "Smith");
  ui_click (ui_find_named (GTK_WIDGET (query), "search"));
  g_assert_true (ui_wait_for (query_done, query, TEST_TIMEOUT_MS));
  show_page ();
  assoc = wait_association ("DEMO_ARCHIVE", "C-FIND-RQ", BENCH_TRAFFIC_STATE_RELEASED, TRUE);
  n_received = bench_traffic_association_get_n_messages (assoc, DIMSE_TRAFFIC_DIRECTION_RECEIVED);
  g_test_message ("C-FIND: %u responses", n_received);
  /* At least one match (Pending) and the final Success. */
  g_assert_cmpuint (n_received, >=, 2);
  select_association (assoc);
  select_event_with_status ("C-FIND-RSP", DIMSE_TRAFFIC_DIRECTION_RECEIVED, 0xFF00);
  g_assert_true (wait_text (GTK_WIDGET (page->detail), "Pending"));
  item = select_event_with_status ("C-FIND-RSP", DIMSE_TRAFFIC_DIRECTION_RECEIVED, 0x0000);
  g_assert_true (g_str_has_prefix (bench_traffic_item_get_summary (item), "C-FIND-RSP Success"));
  select_event ("C-FIND-RQ", DIMSE_TRAFFIC_DIRECTION_SENT);
  /* For the screenshot: the negotiation in words beside its bytes. */
  select_event ("A-ASSOCIATE-AC", DIMSE_TRAFFIC_DIRECTION_RECEIVED);
  ui_run_for (300);
  ui_screenshot (GTK_WIDGET (window), "traffic");
}

/* Calling the demo archive under another AE title: the A-ASSOCIATE-RJ's
 * reason in words, in the list and in the timeline. */
static void
test_rejected_in_words (void)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  BenchNode *demo = bench_node_store_find (store, "demo-archive");
  g_autoptr(BenchNode) node = bench_node_new ();
  BenchTrafficAssociation *assoc;
  g_autofree char *lower = NULL;
  g_autofree char *list_text = NULL;
  GListModel *shown = G_LIST_MODEL (page->filtered);

  g_object_set (node, "name", "Wrong AE title", "ae-title", "NOT_THE_DEMO", "host", "127.0.0.1",
                "port", bench_node_get_port (demo), NULL);
  bench_node_store_add (store, node);
  bench_window_select_node (window, node);
  run_node_test ("failed");
  assoc = wait_association ("NOT_THE_DEMO", NULL, BENCH_TRAFFIC_STATE_REJECTED, TRUE);
  g_test_message ("rejected: %s", bench_traffic_association_get_result (assoc));
  lower = g_ascii_strdown (bench_traffic_association_get_result (assoc), -1);
  /* PS3.8 Table 9-21: source 1 (service user), reason 7 */
  g_assert_nonnull (strstr (lower, "called ae title not recognized"));
  ui_run_for (200);
  list_text = ui_collect_text (GTK_WIDGET (page->column_view));
  g_assert_nonnull (strstr (list_text, bench_traffic_association_get_result (assoc)));
  select_association (assoc);
  select_event ("A-ASSOCIATE-RJ", DIMSE_TRAFFIC_DIRECTION_RECEIVED);
  g_assert_true (wait_text (GTK_WIDGET (page->detail), "Called AE Title Not Recognized"));

  /* Failures only: the rejected one is there, the released ones are not. */
  gtk_drop_down_set_selected (page->status_dropdown, BENCH_TRAFFIC_FILTER_FAILURE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >=, 1);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(BenchTrafficAssociation) item = g_list_model_get_item (shown, i);

      g_assert_cmpint (bench_traffic_page_status_class (item), ==, BENCH_TRAFFIC_FILTER_FAILURE);
    }
  gtk_drop_down_set_selected (page->status_dropdown, BENCH_TRAFFIC_FILTER_ANY);
  /* Incoming only: the demo archive's sides, never ours. */
  gtk_drop_down_set_selected (page->direction_dropdown, BENCH_TRAFFIC_FILTER_INCOMING);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >=, 2);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(BenchTrafficAssociation) item = g_list_model_get_item (shown, i);

      g_assert_false (bench_traffic_association_get_outgoing (item));
    }
  gtk_drop_down_set_selected (page->direction_dropdown, BENCH_TRAFFIC_FILTER_BOTH);
  ui_type (GTK_WIDGET (page->search_entry), "not_the");
  ui_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  ui_type (GTK_WIDGET (page->search_entry), "");
  ui_run_for (300);
  bench_node_store_remove (store, node);
}

/* A node that does not listen: the association never got an answer, and
 * the page says why it ended. */
static void
test_no_connection (void)
{
  BenchNodeStore *store = bench_application_get_node_store (ui_get_app ());
  g_autoptr(BenchNode) node = bench_node_new ();
  BenchTrafficAssociation *assoc;

  g_object_set (node, "name", "Closed port", "ae-title", "NOBODY", "host", "127.0.0.1",
                "port", (guint) ui_closed_port (), "timeout", 5u, NULL);
  bench_node_store_add (store, node);
  bench_window_select_node (window, node);
  run_node_test ("failed");
  assoc = wait_association ("NOBODY", NULL, BENCH_TRAFFIC_STATE_FAILED, TRUE);
  g_test_message ("no connection: %s", bench_traffic_association_get_result (assoc));
  g_assert_true (g_str_has_prefix (bench_traffic_association_get_result (assoc),
                                   "No connection to 127.0.0.1:"));
  g_assert_cmpint (bench_traffic_page_status_class (assoc), ==, BENCH_TRAFFIC_FILTER_FAILURE);
  bench_node_store_remove (store, node);
}

/* ---- the filter popover ---- */

static void
select_string (GtkDropDown *dropdown, const char *text)
{
  GListModel *list = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (list), i), text) == 0)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return;
      }
  g_test_message ("no \"%s\" to choose", text);
  g_assert_not_reached ();
}

static const char *
selected_string (GtkDropDown *dropdown)
{
  return gtk_string_object_get_string (gtk_drop_down_get_selected_item (dropdown));
}

typedef struct {
  const char *node;                /* NULL: any */
  DimseCommandField service;       /* DIMSE_COMMAND_NONE: any */
  int outgoing;                    /* -1: either */
  int status;                      /* -1: any */
} Shows;

/* How many associations the page shows, each of them as wanted. */
static guint
n_shown_as (Shows wanted)
{
  GListModel *shown = G_LIST_MODEL (page->filtered);
  guint n = g_list_model_get_n_items (shown);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BenchTrafficAssociation) assoc = g_list_model_get_item (shown, i);

      if (wanted.node != NULL)
        g_assert_cmpstr (bench_traffic_association_get_node (assoc), ==, wanted.node);
      if (wanted.service != DIMSE_COMMAND_NONE)
        g_assert_true (bench_traffic_association_has_service (assoc, wanted.service));
      if (wanted.outgoing >= 0)
        g_assert_cmpint (bench_traffic_association_get_outgoing (assoc), ==, wanted.outgoing);
      if (wanted.status >= 0)
        g_assert_cmpint (bench_traffic_page_status_class (assoc), ==, wanted.status);
    }
  return n;
}

static guint
n_associations (void)
{
  return g_list_model_get_n_items (bench_traffic_model_get_associations (model));
}

/* The node list: every node once, sorted as a person reads them. */
static void
assert_node_list (void)
{
  GtkStringList *nodes = GTK_STRING_LIST (gtk_drop_down_get_model (page->node_dropdown));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (nodes));

  g_assert_cmpstr (gtk_string_list_get_string (nodes, 0), ==, "All Nodes");
  for (guint i = 2; i < n; i++)
    {
      g_autofree char *a = g_utf8_casefold (gtk_string_list_get_string (nodes, i - 1), -1);
      g_autofree char *b = g_utf8_casefold (gtk_string_list_get_string (nodes, i), -1);

      g_assert_cmpint (g_utf8_collate (a, b), <, 0);
    }
}

static gboolean
node_listed (gpointer data)
{
  GListModel *nodes = gtk_drop_down_get_model (page->node_dropdown);

  for (guint i = 1; i < g_list_model_get_n_items (nodes); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (nodes), i), data) == 0)
      return TRUE;
  return FALSE;
}

/* On the worker: an association from a peer whose name sorts first. */
static gboolean
newcomer_on_worker (gpointer data)
{
  DimseRecorder *recorder = bench_engine_get_recorder (data);
  guint id = dimse_recorder_begin_association (recorder, NULL, NULL, "AAA_NEWCOMER", "DIMSEBENCH",
                                               FALSE);

  dimse_recorder_end_association (recorder, id, "released");
  return G_SOURCE_REMOVE;
}

/* After the echo, the query, the rejection and the closed port: each
 * filter alone, combined, and "All" again. */
static void
test_filters (void)
{
  GtkWidget *badge = ui_find_named (GTK_WIDGET (page), "traffic-filter-badge");
  guint n_all = n_associations ();

  assert_node_list ();
  g_assert_true (node_listed ("Demo archive"));
  g_assert_true (node_listed ("Wrong AE title"));
  g_assert_true (node_listed ("DIMSEBENCH"));
  g_assert_false (gtk_widget_get_visible (badge));

  /* The demo archive as we called it: the echo and the query. */
  select_string (page->node_dropdown, "Demo archive");
  g_assert_cmpuint (n_shown_as ((Shows) { "Demo archive", DIMSE_COMMAND_NONE, TRUE, -1 }), >=, 2);
  select_string (page->service_dropdown, "C-ECHO");
  g_assert_cmpuint (n_shown_as ((Shows) { "Demo archive", DIMSE_C_ECHO_RQ, TRUE, -1 }), >=, 1);
  select_string (page->service_dropdown, "C-FIND");
  g_assert_cmpuint (n_shown_as ((Shows) { "Demo archive", DIMSE_C_FIND_RQ, TRUE,
                                          BENCH_TRAFFIC_FILTER_SUCCESS }), >=, 1);
  gtk_drop_down_set_selected (page->direction_dropdown, BENCH_TRAFFIC_FILTER_INCOMING);
  g_assert_cmpuint (n_shown_as ((Shows) { NULL, DIMSE_COMMAND_NONE, -1, -1 }), ==, 0);
  g_assert_true (gtk_widget_get_visible (badge));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, "3");

  /* The archive's own sides: incoming C-ECHOs from us, all released. */
  select_string (page->node_dropdown, "All Nodes");
  select_string (page->service_dropdown, "C-ECHO");
  gtk_drop_down_set_selected (page->status_dropdown, BENCH_TRAFFIC_FILTER_SUCCESS);
  g_assert_cmpuint (n_shown_as ((Shows) { "DIMSEBENCH", DIMSE_C_ECHO_RQ, FALSE,
                                          BENCH_TRAFFIC_FILTER_SUCCESS }), >=, 1);
  select_string (page->service_dropdown, "DICOMweb");
  g_assert_cmpuint (n_shown_as ((Shows) { NULL, DIMSE_COMMAND_NONE, -1, -1 }), ==, 0);

  /* The rejected node: a failure, never a success. */
  ui_activate (GTK_WIDGET (page), "traffic.reset-filters", NULL);
  select_string (page->node_dropdown, "Wrong AE title");
  gtk_drop_down_set_selected (page->status_dropdown, BENCH_TRAFFIC_FILTER_FAILURE);
  g_assert_cmpuint (n_shown_as ((Shows) { "Wrong AE title", DIMSE_COMMAND_NONE, TRUE,
                                          BENCH_TRAFFIC_FILTER_FAILURE }), >=, 1);
  gtk_drop_down_set_selected (page->status_dropdown, BENCH_TRAFFIC_FILTER_SUCCESS);
  g_assert_cmpuint (n_shown_as ((Shows) { NULL, DIMSE_COMMAND_NONE, -1, -1 }), ==, 0);

  /* A new peer sorting before the one chosen keeps the choice. */
  gtk_drop_down_set_selected (page->status_dropdown, BENCH_TRAFFIC_FILTER_ANY);
  select_string (page->node_dropdown, "Demo archive");
  bench_engine_invoke (bench_application_get_engine (ui_get_app ()), newcomer_on_worker,
                       bench_application_get_engine (ui_get_app ()), NULL);
  g_assert_true (ui_wait_for (node_listed, "AAA_NEWCOMER", TEST_TIMEOUT_MS));
  assert_node_list ();
  g_assert_cmpstr (selected_string (page->node_dropdown), ==, "Demo archive");
  g_assert_cmpuint (n_shown_as ((Shows) { "Demo archive", DIMSE_COMMAND_NONE, TRUE, -1 }), >=, 2);

  /* "All" everywhere: everything again. */
  ui_activate (GTK_WIDGET (page), "traffic.reset-filters", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->filtered)), ==,
                    n_associations ());
  g_assert_cmpuint (n_associations (), ==, n_all + 1);
  g_assert_false (gtk_widget_get_visible (badge));
}

/* ---- C-MOVE sub-operations ---- */

typedef struct {
  BenchEngine *engine;
  guint move_id;
  guint store_id;
} Move;

static void
record_store (DimseRecorder *recorder, guint id, DimseTrafficDirection direction,
              guint16 message_id, const char *originator, guint16 originator_id)
{
  g_autofree char *uid = g_strdup_printf ("1.2.826.0.1.3680043.10.8.%u", message_id);
  g_autoptr(DimseMessage) rq = dimse_message_new_c_store_rq (message_id, DCM_UID_CT_IMAGE_STORAGE,
                                                             uid, DIMSE_PRIORITY_MEDIUM,
                                                             originator, originator_id, NULL);

  dimse_recorder_record_message (recorder, id, direction, 1, rq);
}

/* On the worker: our C-MOVE-RQ (Message ID 7) to MOVE_SCP, which sends
 * three C-STORE-RQs for it on an association of its own, and two that
 * name another C-MOVE; the mover's side of the three is recorded too, as
 * when the application moves to itself. */
static gboolean
move_on_worker (gpointer data)
{
  Move *move = data;
  DimseRecorder *recorder = bench_engine_get_recorder (move->engine);
  g_autoptr(DimseMessage) rq = NULL;
  guint mover;

  move->move_id = dimse_recorder_begin_association (recorder, NULL, NULL, "DIMSEBENCH", "MOVE_SCP",
                                                    TRUE);
  rq = dimse_message_new_c_move_rq (7, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
                                    DIMSE_PRIORITY_MEDIUM, "DIMSEBENCH", NULL);
  dimse_recorder_record_message (recorder, move->move_id, DIMSE_TRAFFIC_DIRECTION_SENT, 1, rq);
  move->store_id = dimse_recorder_begin_association (recorder, NULL, NULL, "MOVE_SCP",
                                                     "DIMSEBENCH", FALSE);
  mover = dimse_recorder_begin_association (recorder, NULL, NULL, "MOVE_SCP", "DIMSEBENCH", TRUE);
  for (guint16 i = 1; i <= 3; i++)
    {
      record_store (recorder, mover, DIMSE_TRAFFIC_DIRECTION_SENT, i, "DIMSEBENCH", 7);
      record_store (recorder, move->store_id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, i, "DIMSEBENCH", 7);
    }
  record_store (recorder, move->store_id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 4, "DIMSEBENCH", 8);
  record_store (recorder, move->store_id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 5, "SOMEONE_ELSE", 7);
  dimse_recorder_end_association (recorder, mover, "released");
  dimse_recorder_end_association (recorder, move->store_id, "released");
  dimse_recorder_end_association (recorder, move->move_id, "released");
  return G_SOURCE_REMOVE;
}

static gboolean
move_arrived (gpointer data)
{
  Move *move = data;
  BenchTrafficAssociation *assoc =
    move->move_id != 0 ? bench_traffic_model_find (model, move->move_id) : NULL;

  return assoc != NULL && bench_traffic_association_get_ended (assoc) != 0;
}

static void
test_move_sub_operations (void)
{
  Move move = { bench_application_get_engine (ui_get_app ()), 0, 0 };
  BenchTrafficAssociation *assoc;

  bench_engine_invoke (move.engine, move_on_worker, &move, NULL);
  g_assert_true (ui_wait_for (move_arrived, &move, TEST_TIMEOUT_MS));
  assoc = bench_traffic_model_find (model, move.move_id);
  g_assert_cmpuint (bench_traffic_association_get_n_linked_sub_operations (assoc), ==, 3);
  g_assert_cmpuint (bench_traffic_association_get_n_linked_sub_operations (
                      bench_traffic_model_find (model, move.store_id)), ==, 0);

  /* The C-MOVE's row says so; both sides are MOVE_SCP's. */
  select_string (page->node_dropdown, "MOVE_SCP");
  g_assert_cmpuint (n_shown_as ((Shows) { "MOVE_SCP", DIMSE_COMMAND_NONE, -1, -1 }), ==, 2);
  select_string (page->service_dropdown, "C-MOVE");
  g_assert_cmpuint (n_shown_as ((Shows) { "MOVE_SCP", DIMSE_C_MOVE_RQ, TRUE, -1 }), ==, 1);
  g_assert_true (wait_text (GTK_WIDGET (page->column_view), "3 sub-operations linked"));
  select_association (assoc);
  ui_run_for (200);
  ui_screenshot (GTK_WIDGET (window), "traffic-filters");
  ui_activate (GTK_WIDGET (page), "traffic.reset-filters", NULL);
}

/* ---- exports ---- */

typedef struct {
  gboolean done;
  GError *error;
} Exported;

static void
on_exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Exported *exported = user_data;

  bench_traffic_export_finish (result, &exported->error);
  exported->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((Exported *) data)->done;
}

static char *
export_to (guint association_id, gboolean pcapng)
{
  g_autofree char *name = g_strdup_printf ("traffic-%u.%s", association_id,
                                           pcapng ? "pcapng" : "jsonl");
  char *path = g_build_filename (ui_get_home (), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Exported exported = { FALSE, NULL };

  bench_traffic_export_async (bench_application_get_engine (ui_get_app ()), association_id,
                              pcapng, file, NULL, on_exported, &exported);
  g_assert_true (ui_wait_for (export_done, &exported, TEST_TIMEOUT_MS));
  g_assert_no_error (exported.error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return path;
}

static char *
run_tshark (const char *tshark, const char *path, const char *filter, const char *fields)
{
  BenchNode *demo = bench_node_store_find (bench_application_get_node_store (ui_get_app ()),
                                           "demo-archive");
  g_autofree char *decode = g_strdup_printf ("tcp.port==%u,dicom", bench_node_get_port (demo));
  const char *argv[] = { tshark, "-r", path, "-d", decode, "-d", "tcp.port==104,dicom",
                         "-Y", filter, fields != NULL ? "-T" : NULL, "fields", "-e", fields,
                         NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("tshark -Y %s: %s%s", filter, out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (out);
}

/* The echo association as pcapng: Wireshark's DICOM dissector reads each
 * of its PDUs and finds nothing malformed; then all the traffic. */
static void
test_export_pcapng (void)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *path = NULL;
  g_autofree char *all = NULL;
  g_autofree char *types = NULL;
  g_autofree char *malformed = NULL;
  g_autofree char *all_malformed = NULL;

  g_assert_cmpuint (echo_id, !=, 0);
  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  path = export_to (echo_id, TRUE);
  echo_pcapng = g_strdup (path);
  types = run_tshark (tshark, path, "dicom", "dicom.pdu.type");
  g_strdelimit (types, "\n", ',');
  /* -RQ, -AC, C-ECHO-RQ, C-ECHO-RSP, A-RELEASE-RQ, -RP */
  g_assert_cmpstr (types, ==, "0x01,0x02,0x04,0x04,0x05,0x06");
  malformed = run_tshark (tshark, path, "_ws.malformed", NULL);
  g_assert_cmpstr (malformed, ==, "");
  all = export_to (0, TRUE);
  all_malformed = run_tshark (tshark, all, "_ws.malformed", NULL);
  g_assert_cmpstr (all_malformed, ==, "");
}

/* JSON lines: one object per event of the association, in order. */
static void
test_export_jsonl (void)
{
  g_autofree char *path = export_to (echo_id, FALSE);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  BenchTrafficAssociation *assoc = bench_traffic_model_find (model, echo_id);
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (g_strstrip (contents), "\n", -1);
  for (; lines[n] != NULL; n++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      g_assert_true (json_parser_load_from_data (parser, lines[n], -1, NULL));
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_int_member (object, "association"), ==, echo_id);
    }
  g_assert_cmpuint (n, ==, g_list_model_get_n_items (bench_traffic_association_get_items (assoc)));
}

/* The menu's "Selected Association › As pcapng…": the save dialog offers
 * a name after the association and its peer, and the file is written. */
static gboolean
file_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static void
test_export_dialog (void)
{
  BenchTrafficAssociation *assoc = bench_traffic_model_find (model, echo_id);
  g_autofree char *expected_name = g_strdup_printf ("association-%u-DEMO_ARCHIVE.pcapng",
                                                    echo_id);
  g_autofree char *path = g_build_filename (ui_get_home (), "from-dialog.pcapng", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *name = NULL;
  GtkWindow *dialog;

  select_association (assoc);
  ui_activate (GTK_WIDGET (page), "traffic.export", g_variant_new_string ("pcapng"));
  ui_run_for (300);
  dialog = ui_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (dialog);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog));
  g_assert_cmpstr (name, ==, expected_name);
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "from-dialog.pcapng");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (ui_wait_for (file_written, path, TEST_TIMEOUT_MS));
}

/* The exported capture read back (as a capture made elsewhere would be):
 * the same association again, from the -RQ to the release. */
static gboolean
imported (gpointer data)
{
  GListModel *list = bench_traffic_model_get_associations (model);
  g_autoptr(BenchTrafficAssociation) newest = g_list_model_get_item (list, 0);

  return g_list_model_get_n_items (list) > GPOINTER_TO_UINT (data)
         && bench_traffic_association_get_state (newest) == BENCH_TRAFFIC_STATE_RELEASED;
}

static void
test_import_capture (void)
{
  GListModel *list = bench_traffic_model_get_associations (model);
  guint n_before = g_list_model_get_n_items (list);
  BenchTrafficAssociation *original = bench_traffic_model_find (model, echo_id);
  g_autoptr(BenchTrafficAssociation) copy = NULL;
  g_autoptr(GFile) file = NULL;

  if (echo_pcapng == NULL)
    {
      g_test_skip ("no capture was exported (tshark is not installed)");
      return;
    }
  file = g_file_new_for_path (echo_pcapng);
  bench_traffic_page_import (page, file, 0);
  g_assert_true (ui_wait_for (imported, GUINT_TO_POINTER (n_before), TEST_TIMEOUT_MS));
  copy = g_list_model_get_item (list, 0);
  g_assert_cmpuint (bench_traffic_association_get_id (copy), !=, echo_id);
  g_assert_true (bench_traffic_association_get_outgoing (copy));
  g_assert_cmpstr (bench_traffic_association_get_calling_ae_title (copy), ==, "DIMSEBENCH");
  g_assert_cmpstr (bench_traffic_association_get_called_ae_title (copy), ==, "DEMO_ARCHIVE");
  g_assert_cmpstr (bench_traffic_association_get_services (copy), ==, "C-ECHO-RQ");
  for (DimseTrafficDirection d = DIMSE_TRAFFIC_DIRECTION_SENT; d <= DIMSE_TRAFFIC_DIRECTION_RECEIVED; d++)
    {
      g_assert_cmpuint (bench_traffic_association_get_n_messages (copy, d), ==,
                        bench_traffic_association_get_n_messages (original, d));
      g_assert_cmpuint (bench_traffic_association_get_n_bytes (copy, d), ==,
                        bench_traffic_association_get_n_bytes (original, d));
    }
}

/* ---- keeping up ---- */

typedef struct {
  BenchEngine *engine;
  guint id;
} Flood;

/* On the worker: an association with 10,000 C-STORE-RQ/-RSP, as fast as
 * the recorder takes them. */
static gboolean
flood_on_worker (gpointer data)
{
  Flood *flood = data;
  DimseRecorder *recorder = bench_engine_get_recorder (flood->engine);
  guint id = dimse_recorder_begin_association (recorder, NULL, NULL, "FLOOD_SCU", "DIMSEBENCH",
                                               FALSE);

  for (guint i = 0; i < N_EVENTS / 2; i++)
    {
      g_autofree char *uid = g_strdup_printf ("1.2.826.0.1.3680043.10.9.%u", i);
      g_autoptr(DimseMessage) rq = dimse_message_new_c_store_rq ((guint16) (i + 1),
                                                                 DCM_UID_CT_IMAGE_STORAGE, uid,
                                                                 DIMSE_PRIORITY_MEDIUM, NULL, 0,
                                                                 NULL);
      g_autoptr(DimseMessage) rsp = dimse_message_new_response (rq, 0x0000);

      dimse_recorder_record_message (recorder, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 1, rq);
      dimse_recorder_record_message (recorder, id, DIMSE_TRAFFIC_DIRECTION_SENT, 1, rsp);
    }
  dimse_recorder_end_association (recorder, id, "released");
  flood->id = id;
  return G_SOURCE_REMOVE;
}

static gboolean
flood_arrived (gpointer data)
{
  Flood *flood = data;
  BenchTrafficAssociation *assoc = flood->id != 0 ? bench_traffic_model_find (model, flood->id)
                                                  : NULL;

  return assoc != NULL && bench_traffic_association_get_ended (assoc) != 0;
}

/* A 5 ms heartbeat on the UI thread: how late it comes says how long the
 * main loop was kept from turning. */
typedef struct {
  gint64 last;
  gint64 worst;
  gint64 last_cpu;
  gint64 worst_cpu;
  guint beats;
} Heartbeat;

/* The UI thread's own CPU time (µs): lateness on a busy machine may be the
 * scheduler's, this is ours. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
beat (gpointer data)
{
  Heartbeat *heartbeat = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_time ();

  heartbeat->worst = MAX (heartbeat->worst, now - heartbeat->last - 5000);
  heartbeat->worst_cpu = MAX (heartbeat->worst_cpu, cpu - heartbeat->last_cpu);
  heartbeat->last = now;
  heartbeat->last_cpu = cpu;
  heartbeat->beats++;
  return G_SOURCE_CONTINUE;
}

static void
test_ten_thousand_events (void)
{
  Flood flood = { bench_application_get_engine (ui_get_app ()), 0 };
  gint64 start = g_get_monotonic_time ();
  Heartbeat heartbeat = { start, 0, 0 };
  BenchTrafficAssociation *assoc;
  guint source;

  /* Run alone: the demo archive's first start and the first frames out of
   * the way. */
  g_assert_true (ui_wait_for (demo_listed, NULL, DEMO_TIMEOUT_MS));
  show_page ();
  ui_run_for (500);
  heartbeat.last = start = g_get_monotonic_time ();
  heartbeat.last_cpu = thread_cpu_time ();
  source = g_timeout_add (5, beat, &heartbeat);
  bench_engine_invoke (flood.engine, flood_on_worker, &flood, NULL);
  g_assert_true (ui_wait_for (flood_arrived, &flood, 60000));
  g_source_remove (source);
  g_test_message ("%u events recorded on the worker reached the page in %.0f ms; the UI's "
                  "5 ms heartbeat came %u times, at worst %.1f ms late, with at most %.1f ms "
                  "of the UI thread's CPU time between two beats", N_EVENTS,
                  (g_get_monotonic_time () - start) / 1000.0, heartbeat.beats,
                  heartbeat.worst / 1000.0, heartbeat.worst_cpu / 1000.0);
  assoc = bench_traffic_model_find (model, flood.id);
  g_assert_cmpuint (bench_traffic_association_get_n_messages (assoc, DIMSE_TRAFFIC_DIRECTION_RECEIVED), ==, N_EVENTS / 2);
  g_assert_cmpuint (bench_traffic_association_get_n_messages (assoc, DIMSE_TRAFFIC_DIRECTION_SENT), ==, N_EVENTS / 2);
  g_assert_cmpstr (bench_traffic_association_get_services (assoc), ==, "C-STORE-RQ ×5000");
  /* Begin note, the messages, end note. */
  g_assert_cmpuint (g_list_model_get_n_items (bench_traffic_association_get_items (assoc)), ==,
                    N_EVENTS + 2);
  select_association (assoc);
  g_assert_true (wait_text (GTK_WIDGET (page->timeline), "C-STORE-RQ"));
}

/* Clearing the recorder empties the page, through the same batches. */
static gboolean
page_empty (gpointer data)
{
  return g_list_model_get_n_items (bench_traffic_model_get_associations (model)) == 0;
}

static void
test_clear (void)
{
  ui_activate (GTK_WIDGET (page), "traffic.clear", NULL);
  g_assert_true (ui_wait_for (page_empty, NULL, TEST_TIMEOUT_MS));
  g_assert_cmpuint (bench_traffic_model_get_n_events (model), ==, 0);
  g_assert_cmpuint (bench_traffic_model_get_raw_bytes_held (model), ==, 0);
  ui_run_for (100);
  g_assert_true (ui_has_text (GTK_WIDGET (page), "No Traffic Yet"));
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
  g_test_add_func ("/app/traffic/fits-beside-sidebar", test_fits_beside_sidebar);
  g_test_add_func ("/app/traffic/echo-listed", test_echo_listed);
  g_test_add_func ("/app/traffic/query-listed", test_query_listed);
  g_test_add_func ("/app/traffic/rejected-in-words", test_rejected_in_words);
  g_test_add_func ("/app/traffic/no-connection", test_no_connection);
  g_test_add_func ("/app/traffic/filters", test_filters);
  g_test_add_func ("/app/traffic/move-sub-operations", test_move_sub_operations);
  g_test_add_func ("/app/traffic/export-pcapng-tshark", test_export_pcapng);
  g_test_add_func ("/app/traffic/export-jsonl", test_export_jsonl);
  g_test_add_func ("/app/traffic/export-dialog", test_export_dialog);
  g_test_add_func ("/app/traffic/import-capture", test_import_capture);
  g_test_add_func ("/app/traffic/ten-thousand-events", test_ten_thousand_events);
  g_test_add_func ("/app/traffic/clear", test_clear);
  status = g_test_run ();
  ui_stop_app ();
  g_free (echo_pcapng);
  return status;
}
