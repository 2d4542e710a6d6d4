/* test-wait.h — running the thread-default main context until something
 * has happened, bounded so that a broken test fails instead of hanging */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Iterates the thread-default main context until *flag is TRUE; fails the
 * test (naming what) after 20 s. */
void          test_wait_until (const gboolean *flag, const char *what);
/* Runs the events already due, without blocking. */
void          test_drain (void);

/* Collects the result of an _async call: pass test_waiter_done and the
 * waiter as its callback and data, then test_waiter_wait. */
typedef struct {
  GAsyncResult *result;
  gboolean      done;
} TestWaiter;

void          test_waiter_done (GObject *source, GAsyncResult *result, gpointer user_data);
/* The result (the waiter holds a reference: see test_waiter_clear). */
GAsyncResult *test_waiter_wait (TestWaiter *waiter, const char *what);
void          test_waiter_clear (TestWaiter *waiter);

G_END_DECLS
