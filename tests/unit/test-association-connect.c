/* test-association-connect.c — a requestor that never gets a connection
 * ends like any other association: "closed" once, the recorder told */
#include <string.h>

#include "dcm-uids.h"
#include "dimse-association.h"
#include "dimse-error.h"
#include "dimse-recorder.h"
#include "test-util.h"
#include "test-wait.h"

/* Every "closed" of any association, seen through an emission hook: the
 * requestor's object is not handed out before its request is over. */
typedef struct {
  guint     n_closed;
  guint     reason;
  char     *description;
  GObject  *assoc;          /* weak: NULL once the association is finalized */
} Closed;

static gboolean
on_closed_emitted (GSignalInvocationHint *hint, guint n_values, const GValue *values,
                   gpointer user_data)
{
  Closed *closed = user_data;

  g_assert_cmpuint (n_values, ==, 3);
  closed->n_closed++;
  closed->reason = g_value_get_uint (&values[1]);
  g_free (closed->description);
  closed->description = g_value_dup_string (&values[2]);
  if (closed->assoc == NULL)
    {
      closed->assoc = g_value_get_object (&values[0]);
      g_object_add_weak_pointer (closed->assoc, (gpointer *) &closed->assoc);
    }
  return TRUE;
}

static gulong
watch_closed (Closed *closed)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (DIMSE_TYPE_ASSOCIATION);
  guint signal_id = g_signal_lookup ("closed", DIMSE_TYPE_ASSOCIATION);

  return g_signal_add_emission_hook (signal_id, 0, on_closed_emitted, closed, NULL);
}

static void
unwatch_closed (Closed *closed, gulong hook)
{
  g_signal_remove_emission_hook (g_signal_lookup ("closed", DIMSE_TYPE_ASSOCIATION), hook);
  if (closed->assoc != NULL)
    g_object_remove_weak_pointer (closed->assoc, (gpointer *) &closed->assoc);
  g_free (closed->description);
}

static DimseAssociationParams *
make_params (void)
{
  DimseAssociationParams *params = dimse_association_params_new ("REQUESTOR", "NOBODY");

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  return params;
}

/* Requests an association of a port nothing listens on; the error. */
static GError *
request_closed_port (DimseRecorder *recorder, gboolean cancel, guint *out_id)
{
  g_autoptr(DimseAssociationParams) params = make_params ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DimseAssociation) assoc = NULL;
  TestWaiter waiter = { 0 };
  DimseTimeouts timeouts;
  GError *error = NULL;
  guint id;

  dimse_timeouts_init (&timeouts);
  timeouts.connect_timeout_ms = 5000;
  id = dimse_association_request_full_async (params, "127.0.0.1", test_util_free_port (),
                                             &timeouts, NULL, recorder, cancellable,
                                             test_waiter_done, &waiter);
  if (cancel)
    g_cancellable_cancel (cancellable);
  assoc = dimse_association_request_finish (test_waiter_wait (&waiter, "the request"), &error);
  g_assert_null (assoc);
  test_waiter_clear (&waiter);
  test_drain ();
  if (out_id != NULL)
    *out_id = id;
  return error;
}

static void
test_closed_port (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  Closed closed = { 0 };
  gulong hook;

  g_main_context_push_thread_default (context);
  hook = watch_closed (&closed);
  error = request_closed_port (NULL, FALSE, NULL);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION);
  g_assert_cmpuint (closed.n_closed, ==, 1);
  g_assert_cmpuint (closed.reason, ==, DIMSE_CLOSE_CONNECTION_LOST);
  g_assert_cmpstr (closed.description, ==, error->message);
  /* Nothing holds the association once its request is over. */
  g_assert_null (closed.assoc);
  unwatch_closed (&closed, hook);
  g_main_context_pop_thread_default (context);
}

static void
test_closed_port_recorded (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DimseRecorder) recorder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseTrafficEvent) last = NULL;
  g_autofree char *expected = NULL;
  Closed closed = { 0 };
  guint n_events, n_ends = 0;
  gulong hook;
  guint id = 0;

  g_main_context_push_thread_default (context);
  recorder = dimse_recorder_new ();
  hook = watch_closed (&closed);
  error = request_closed_port (recorder, FALSE, &id);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION);
  g_assert_cmpuint (id, !=, 0);
  g_assert_cmpuint (closed.n_closed, ==, 1);
  g_assert_cmpuint (closed.reason, ==, DIMSE_CLOSE_CONNECTION_LOST);
  g_assert_null (closed.assoc);

  /* The begin note, and the end note with the connect error as reason. */
  n_events = g_list_model_get_n_items (G_LIST_MODEL (recorder));
  for (guint i = 0; i < n_events; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (recorder), i);

      g_test_message ("event %u: %s", i, dimse_traffic_event_get_summary (event));
      g_assert_cmpuint (dimse_traffic_event_get_association_id (event), ==, id);
      g_assert_cmpint (dimse_traffic_event_get_kind (event), ==, DIMSE_TRAFFIC_KIND_NOTE);
      if (strstr (dimse_traffic_event_get_summary (event), " ended: ") != NULL)
        n_ends++;
    }
  g_assert_cmpuint (n_events, ==, 2);
  g_assert_cmpuint (n_ends, ==, 1);
  last = g_list_model_get_item (G_LIST_MODEL (recorder), n_events - 1);
  expected = g_strdup_printf ("Association %u ended: %s", id, error->message);
  g_assert_cmpstr (dimse_traffic_event_get_summary (last), ==, expected);
  unwatch_closed (&closed, hook);
  g_main_context_pop_thread_default (context);
}

/* Cancelled before the connection came: the request says so, and the
 * association ends aborted, once. */
static void
test_cancelled_while_connecting (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DimseRecorder) recorder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseTrafficEvent) last = NULL;
  Closed closed = { 0 };
  gulong hook;
  guint id = 0;

  g_main_context_push_thread_default (context);
  recorder = dimse_recorder_new ();
  hook = watch_closed (&closed);
  error = request_closed_port (recorder, TRUE, &id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (closed.n_closed, ==, 1);
  g_assert_cmpuint (closed.reason, ==, DIMSE_CLOSE_ABORTED);
  g_assert_null (closed.assoc);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recorder)), ==, 2);
  last = g_list_model_get_item (G_LIST_MODEL (recorder), 1);
  g_assert_true (g_str_has_prefix (dimse_traffic_event_get_summary (last), "Association "));
  g_assert_nonnull (strstr (dimse_traffic_event_get_summary (last), " ended: "));
  unwatch_closed (&closed, hook);
  g_main_context_pop_thread_default (context);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/association/connect/closed-port", test_closed_port);
  g_test_add_func ("/association/connect/closed-port/recorded", test_closed_port_recorded);
  g_test_add_func ("/association/connect/cancelled", test_cancelled_while_connecting);
  return g_test_run ();
}
