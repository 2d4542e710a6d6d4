/* test-wait.c — bounded waits on the thread-default main context */
#include "test-wait.h"

#define WAIT_LIMIT_MS 20000

static gboolean
on_limit (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_wait_until (const gboolean *flag, const char *what)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  gboolean expired = FALSE;
  GSource *limit = g_timeout_source_new (WAIT_LIMIT_MS);

  g_source_set_callback (limit, on_limit, &expired, NULL);
  g_source_attach (limit, context);
  while (!*flag && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (limit);
  g_source_unref (limit);
  g_main_context_unref (context);
  if (!*flag)
    g_error ("Timed out waiting for %s", what);
}

void
test_drain (void)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (context, FALSE);
  g_main_context_unref (context);
}

void
test_waiter_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TestWaiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

GAsyncResult *
test_waiter_wait (TestWaiter *waiter, const char *what)
{
  test_wait_until (&waiter->done, what);
  return waiter->result;
}

void
test_waiter_clear (TestWaiter *waiter)
{
  g_clear_object (&waiter->result);
  waiter->done = FALSE;
}
