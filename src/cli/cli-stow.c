/* cli-stow.c — `dimse stow`: Part 10 files and folders sent with STOW-RS
 * (PS3.18 §10.5), each instance's outcome said in words */
#include "config.h"

#include <stdio.h>

#include "cli-private.h"
#include "cli-web.h"

typedef struct {
  CliWebOptions   options;
  char           *study_uid;
  gint            batch_mib;
  DimseWebClient *client;
  GMainLoop      *loop;
  int             exit_status;
} Stow;

static void
print_problem (const DimseWebStoreOutcome *outcome)
{
  const char *name = outcome->path != NULL ? outcome->path
                     : outcome->sop_instance_uid != NULL ? outcome->sop_instance_uid : "?";

  if (outcome->sop_instance_uid != NULL && outcome->path != NULL)
    g_printerr ("%s (%s): %s\n", name, outcome->sop_instance_uid, outcome->message);
  else
    g_printerr ("%s: %s\n", name, outcome->message);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Stow *stow = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseWebStoreResult) outcome = dimse_web_client_store_finish (DIMSE_WEB_CLIENT (source),
                                                                          result, &error);

  if (outcome == NULL)
    {
      stow->exit_status = cli_web_fail ("stow", error);
      g_main_loop_quit (stow->loop);
      return;
    }
  for (guint i = 0; i < outcome->problems->len; i++)
    print_problem (outcome->problems->pdata[i]);
  g_printerr (_("STOW-RS to %s: %u of %u files stored in %u requests, %u with warnings, "
                "%u failed\n"), dimse_web_client_get_base_url (stow->client), outcome->n_stored,
              outcome->n_files, outcome->n_requests, outcome->n_warnings, outcome->n_failed);
  if (outcome->n_failed > 0 && outcome->n_stored == 0)
    stow->exit_status = CLI_EXIT_FAILURE;
  else if (outcome->n_failed > 0 || outcome->n_warnings > 0)
    stow->exit_status = CLI_EXIT_WARNING;
  else
    stow->exit_status = CLI_EXIT_SUCCESS;
  g_main_loop_quit (stow->loop);
}

static gboolean
parse_arguments (Stow *stow, int *argc, char ***argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("URL FILE|DIR…"));
  const GOptionEntry entries[] = {
    { "study", 0, 0, G_OPTION_ARG_STRING, &stow->study_uid,
      N_("Store into this study only (…/studies/UID): others are refused"), N_("UID") },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &stow->batch_mib,
      N_("Send about this many MiB in each request (default 16)"), N_("MIB") },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context,
                                _("Sends DICOM files, and the files under folders, to the "
                                  "DICOMweb service at URL with STOW-RS, in one or several "
                                  "requests.\nExit status: 0 all stored, 1 warnings or some "
                                  "failed, 2 none stored or failure, 3 server unreachable or "
                                  "access refused (401, 403)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_web_options_add (&stow->options, context);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (stow->batch_mib < 0 || stow->batch_mib > 4096)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--batch-size must be from 1 to 4096 MiB, not %d."), stow->batch_mib);
      return FALSE;
    }
  if (*argc < 3)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give the DICOMweb service's base URL and then the files and folders to "
                     "send (see --help)."));
      return FALSE;
    }
  stow->client = cli_web_client_new (&stow->options, *argc, *argv, TRUE, error);
  return stow->client != NULL;
}

int
cli_stow_run (int argc, char **argv)
{
  Stow stow = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  int exit_status;

  g_set_prgname ("dimse stow");
  if (!parse_arguments (&stow, &argc, &argv, &error))
    {
      cli_print_error ("stow", error);
      g_clear_object (&stow.client);
      g_free (stow.study_uid);
      cli_web_options_clear (&stow.options);
      return CLI_EXIT_FAILURE;
    }
  stow.loop = g_main_loop_new (NULL, FALSE);
  stow.exit_status = CLI_EXIT_FAILURE;
  paths = g_ptr_array_new ();
  for (int i = 2; i < argc; i++)
    g_ptr_array_add (paths, argv[i]);
  g_ptr_array_add (paths, NULL);
  dimse_web_client_store_async (stow.client, (const char *const *) paths->pdata, stow.study_uid,
                                (guint64) stow.batch_mib * 1024 * 1024, NULL, on_stored, &stow);
  g_main_loop_run (stow.loop);
  exit_status = stow.exit_status;
  g_clear_object (&stow.client);
  g_main_loop_unref (stow.loop);
  g_free (stow.study_uid);
  cli_web_options_clear (&stow.options);
  return exit_status;
}
