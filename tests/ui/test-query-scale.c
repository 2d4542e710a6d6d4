/* test-query-scale.c — the Query page with 100,000 result rows under
 * Xvfb: the rows arrive in batches as a query op delivers them, all are
 * there and the last one can be scrolled to and drawn; the time to append
 * and to paint while scrolling is printed (the machine running the tests
 * decides it, so it is not asserted). */
#include "config.h"

#include "bench-query-page-private.h"
#include "dcm-tags.h"
#include "ui-helpers.h"

#define DEMO_TIMEOUT_MS 120000
#define TEST_TIMEOUT_MS 60000

static BenchWindow *window;
static BenchQueryPage *page;

static gboolean
node_set (gpointer data)
{
  (void) data;
  return bench_query_page_get_node (page) != NULL;
}

static gboolean
sorted (gpointer data)
{
  (void) data;
  return gtk_sort_list_model_get_pending (page->sorted) == 0;
}

typedef struct {
  gint64 requested;
  gint64 total;
  gint64 worst;
  guint  frames;
  gboolean painted;
} FrameTimes;

static void
on_frame_painted (GdkFrameClock *clock, gpointer data)
{
  FrameTimes *times = data;
  gint64 took = g_get_monotonic_time () - times->requested;

  if (times->painted)
    return;
  times->painted = TRUE;
  times->total += took;
  times->worst = MAX (times->worst, took);
  times->frames++;
}

static gboolean
painted (gpointer data)
{
  return ((FrameTimes *) data)->painted;
}

/* Rows arrive as the op delivers them (batches on the UI thread) and the
 * view scrolls from top to bottom; the figures are printed, not asserted
 * (the machine running the tests decides them). */
static void
test_hundred_thousand_rows (void)
{
  const guint n_rows = 100000, batch = 2000;
  GtkWidget *view_stack = ui_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (
                                  GTK_WIDGET (page->column_view), GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  FrameTimes times = { 0 }, jumps;
  gint64 start, append_us = 0, worst_append = 0;
  gulong handler;
  g_autofree char *last_name = NULL;

  /* Run alone, the demo node must be in place first (it clears the rows). */
  g_assert_true (ui_wait_for (node_set, NULL, DEMO_TIMEOUT_MS));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "query");
  g_list_store_remove_all (page->studies);
  gtk_stack_set_visible_child_name (page->results_stack, "results");
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(DcmDataSet) match = dcm_data_set_new ();
      g_autofree char *name = g_strdup_printf ("Patient%06u^Test", i);
      g_autofree char *uid = g_strdup_printf ("1.2.826.0.1.3680043.10.1.%u", i);

      dcm_data_set_set_string (match, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, name, NULL);
      dcm_data_set_set_string (match, DCM_TAG_STUDY_DATE, DCM_VR_NONE, "20240305", NULL);
      dcm_data_set_set_string (match, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, uid, NULL);
      g_ptr_array_add (items, bench_query_item_new (BENCH_QUERY_LEVEL_STUDY, match, NULL));
    }
  for (guint i = 0; i < n_rows; i += batch)
    {
      start = g_get_monotonic_time ();
      g_list_store_splice (page->studies, i, 0, items->pdata + i, batch);
      g_main_context_iteration (NULL, FALSE);
      append_us += g_get_monotonic_time () - start;
      worst_append = MAX (worst_append, g_get_monotonic_time () - start);
    }
  g_assert_true (ui_wait_for (sorted, NULL, TEST_TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->sorted)), ==, n_rows);
  ui_run_for (300);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_frame_painted), &times);
  /* What a frame costs on this display with nothing changed, to compare. */
  for (guint i = 0; i < 10; i++)
    {
      times.painted = FALSE;
      times.requested = g_get_monotonic_time ();
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_assert_true (ui_wait_for (painted, &times, TEST_TIMEOUT_MS));
    }
  g_test_message ("a frame with nothing changed: %.1f ms on average",
                  times.total / 1000.0 / times.frames);
  times = (FrameTimes) { 0 };
  for (guint step = 0; step <= 50; step++)
    {
      double upper = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

      times.painted = FALSE;
      times.requested = g_get_monotonic_time ();
      gtk_adjustment_set_value (adjustment, upper * step / 50);
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_assert_true (ui_wait_for (painted, &times, TEST_TIMEOUT_MS));
    }
  jumps = times;
  times = (FrameTimes) { .painted = TRUE };
  /* A wheel's worth at a time, from the middle on. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  ui_run_for (200);
  for (guint step = 0; step < 60; step++)
    {
      times.painted = FALSE;
      times.requested = g_get_monotonic_time ();
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + 50);
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_assert_true (ui_wait_for (painted, &times, TEST_TIMEOUT_MS));
    }
  g_signal_handler_disconnect (clock, handler);
  ui_run_for (200);
  g_test_message ("100,000 rows: 60 steps of 50 pixels painted in %.1f ms on average, %.1f ms "
                  "at worst", times.total / 1000.0 / MAX (times.frames, 1), times.worst / 1000.0);
  times = jumps;
  g_test_message ("100,000 rows: appended in batches of %u in %.1f ms in all (worst batch "
                  "%.1f ms); %u scroll steps across them painted in %.1f ms on average, "
                  "%.1f ms at worst", batch, append_us / 1000.0, worst_append / 1000.0,
                  times.frames, times.total / 1000.0 / MAX (times.frames, 1),
                  times.worst / 1000.0);
  /* The last row is reachable and drawn. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  ui_run_for (300);
  last_name = g_strdup_printf ("Patient%06u, Test", n_rows - 1);
  g_assert_true (ui_has_text (GTK_WIDGET (page->column_view), last_name));
}

int
main (int argc, char **argv)
{
  int status;

  ui_init (&argc, &argv);
  window = ui_start_app ();
  page = BENCH_QUERY_PAGE (ui_find_of_type (GTK_WIDGET (window), BENCH_TYPE_QUERY_PAGE));
  g_assert_nonnull (page);
  g_test_add_func ("/app/query/hundred-thousand-rows", test_hundred_thousand_rows);
  status = g_test_run ();
  ui_stop_app ();
  return status;
}
