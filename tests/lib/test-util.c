#include "test-util.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

char *
test_util_make_tmpdir (const char *prefix)
{
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

void
test_util_rmtree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      test_util_rmtree (child);
    }
  g_rmdir (path);
}

char *
test_util_find_program (const char *name)
{
  return g_find_program_in_path (name);
}

gboolean
test_util_run (const char * const *argv, char **out_stdout, char **out_stderr,
               int *out_status, GError **error)
{
  g_auto(GStrv) envp = g_get_environ ();
  int wait_status = 0;

  envp = g_environ_setenv (envp, "TCP_NODELAY", "1", TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     out_stdout, out_stderr, &wait_status, error))
    return FALSE;
  if (out_status != NULL)
    *out_status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  return TRUE;
}
