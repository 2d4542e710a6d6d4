/* test-util.h — helpers shared by the test programs */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new empty folder under the system temp dir; removed by test_util_rmtree. */
char    *test_util_make_tmpdir (const char *prefix);
void     test_util_rmtree (const char *path);
/* Path of a program on PATH, or NULL (the caller skips the test). */
char    *test_util_find_program (const char *name);
/* Runs argv synchronously with TCP_NODELAY=1 in its environment; captures
 * stdout/stderr; returns FALSE on spawn failure. */
gboolean test_util_run (const char * const *argv, char **out_stdout, char **out_stderr,
                        int *out_status, GError **error);

G_END_DECLS
