/* test-resources.h — what a test counts to show that nothing leaks across
 * many associations: open file descriptors, attached GSources, peak memory */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Open file descriptors of this process (the entries of /proc/self/fd). */
guint    test_count_fds (void);
/* Sources attached to context and not yet destroyed. */
guint    test_count_sources (GMainContext *context);
/* Resets the peak resident set size the kernel keeps (Linux ≥ 4.0); FALSE
 * when it cannot (the caller then skips its memory check). */
gboolean test_reset_peak_rss (void);
/* The peak resident set size since the last reset, in bytes; 0 when unknown. */
guint64  test_get_peak_rss (void);
/* The current resident set size, in bytes; 0 when unknown. */
guint64  test_get_rss (void);

/* Iterates the thread-default main context until cond (user_data) holds;
 * fails the test (naming what) after 20 s. */
typedef gboolean (*TestCondition) (gpointer user_data);
void     test_wait_for (TestCondition cond, gpointer user_data, const char *what);
/* Iterates the thread-default main context for ms milliseconds. */
void     test_run_for (guint ms);

G_END_DECLS
