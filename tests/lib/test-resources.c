/* test-resources.c — counting descriptors, sources and memory */
#include "test-resources.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define WAIT_LIMIT_MS 20000

guint
test_count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  /* The descriptor of the listing itself. */
  return n - 1;
}

/* Source IDs of a context are handed out in turn from 1; the next one
 * bounds the IDs to look up. */
guint
test_count_sources (GMainContext *context)
{
  GSource *probe = g_idle_source_new ();
  guint last = g_source_attach (probe, context);
  guint n = 0;

  g_source_destroy (probe);
  g_source_unref (probe);
  for (guint id = 1; id < last; id++)
    if (g_main_context_find_source_by_id (context, id) != NULL)
      n++;
  return n;
}

gboolean
test_reset_peak_rss (void)
{
  /* proc(5): writing 5 to clear_refs resets the peak RSS (VmHWM). */
  FILE *clear_refs = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (clear_refs == NULL)
    return FALSE;
  ok = fputs ("5", clear_refs) >= 0;
  return fclose (clear_refs) == 0 && ok;
}

static guint64
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

guint64
test_get_peak_rss (void)
{
  return status_kib ("VmHWM:") * 1024;
}

guint64
test_get_rss (void)
{
  return status_kib ("VmRSS:") * 1024;
}

static gboolean
on_limit (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_wait_for (TestCondition cond, gpointer user_data, const char *what)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  gboolean expired = FALSE;
  GSource *limit = g_timeout_source_new (WAIT_LIMIT_MS);

  g_source_set_callback (limit, on_limit, &expired, NULL);
  g_source_attach (limit, context);
  while (!cond (user_data) && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (limit);
  g_source_unref (limit);
  if (!cond (user_data))
    g_error ("Timed out waiting for %s", what);
}

void
test_run_for (guint ms)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  gboolean expired = FALSE;
  GSource *limit = g_timeout_source_new (ms);

  g_source_set_callback (limit, on_limit, &expired, NULL);
  g_source_attach (limit, context);
  while (!expired)
    g_main_context_iteration (context, TRUE);
  g_source_unref (limit);
}
