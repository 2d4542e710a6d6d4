/* cli-get.c — `dimse get`: a C-GET to a peer, storing the instances it
 * sends back on the same association into a folder (PS3.4 C.4.3) */
#include "config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-common.h"
#include "cli-private.h"
#include "cli-query.h"
#include "dcm-uids.h"
#include "dimse-get.h"
#include "dimse-status.h"

/* PS3.7 §D.3.3.3: how many C-STORE sub-operations the peer may have us
 * perform at once on the C-GET's association, so that they overlap. */
#define GET_MAX_OPERATIONS_PERFORMED 16

typedef struct {
  CliCommonOptions  options;
  CliPeer           peer;
  char             *peer_text;
  char             *model;
  char             *level;
  char            **keys;
  char             *out_dir;
  const char       *model_uid;
  DcmDataSet       *identifier;
  DimseGetJob      *job;
  GCancellable     *cancellable;
  CliTraffic       *traffic;
  guint             traffic_id;
  DimseAssociation *assoc;
  gboolean          show_progress;
  CliQueryRun       run;
} Get;

/* ---- progress ---- */

static void
on_progress (DimseGetJob *job, gpointer user_data)
{
  Get *get = user_data;

  if (!get->show_progress)
    return;
  g_printerr ("\r");
  g_printerr (_("%u remaining, %u completed, %u failed, %u warning, %u received"),
              dimse_get_job_get_n_remaining (job), dimse_get_job_get_n_completed (job),
              dimse_get_job_get_n_failed (job), dimse_get_job_get_n_warning (job),
              dimse_get_job_get_n_received (job));
}

static void
on_instance_received (DimseGetJob *job, const char *sop_instance_uid, const char *path,
                      gpointer user_data)
{
  Get *get = user_data;

  (void) sop_instance_uid;
  if (get->options.verbose)
    g_printerr (_("Stored %s\n"), path);
  on_progress (job, get);
}

static gboolean
on_signal (gpointer user_data)
{
  Get *get = user_data;

  /* PS3.7 §9.3.3.3: a C-CANCEL-RQ; the peer's final response ends the run. */
  g_cancellable_cancel (get->cancellable);
  return G_SOURCE_CONTINUE;
}

/* ---- the exchange ---- */

static void
print_summary (Get *get, guint16 status, const GError *error)
{
  DimseGetJob *job = get->job;
  const char *const *failed = dimse_get_job_get_failed_sop_instance_uids (job);
  g_autofree char *outcome = NULL;

  if (get->show_progress)
    g_printerr ("\n");
  for (const char *const *uid = failed; uid != NULL && *uid != NULL; uid++)
    g_printerr (_("Failed: %s\n"), *uid);
  if (error != NULL)
    outcome = g_strdup (error->message);
  else
    outcome = g_strdup_printf ("%s (0x%04X)", dimse_status_meaning (status, DIMSE_C_GET_RQ),
                               status);
  g_printerr (_("C-GET from %s: %s; %u completed, %u failed, %u warning, %u remaining; "
                "%u files in %s\n"),
              get->peer_text, outcome, dimse_get_job_get_n_completed (job),
              dimse_get_job_get_n_failed (job), dimse_get_job_get_n_warning (job),
              dimse_get_job_get_n_remaining (job), dimse_get_job_get_n_received (job),
              get->out_dir);
}

static void
on_got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Get *get = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  if (!dimse_get_finish (assoc, result, &status, &error))
    {
      if (cli_query_fail_if_lost (&get->run, assoc, error))
        return;
      if (error->domain == DIMSE_STATUS_ERROR)
        print_summary (get, 0, error);
      else
        cli_print_error ("get", error);
      cli_query_release (&get->run, assoc, CLI_EXIT_FAILURE);
      return;
    }
  print_summary (get, status, NULL);
  cli_query_release (&get->run, assoc, cli_query_exit_status (status, FALSE));
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Get *get = user_data;

  (void) source;
  get->assoc = cli_query_request_finish (&get->run, result, get->traffic, get->traffic_id);
  if (get->assoc == NULL)
    return;
  get->job = dimse_get_job_new ();
  g_signal_connect (get->job, "progress", G_CALLBACK (on_progress), get);
  g_signal_connect (get->job, "instance-received", G_CALLBACK (on_instance_received), get);
  dimse_get_async (get->assoc, get->model_uid, get->identifier, get->out_dir, get->job,
                   get->cancellable, on_got, get);
}

/* ---- the command line ---- */

static gboolean
resolve_model (Get *get, GError **error)
{
  static const CliQueryModel models[] = {
    { "patient", DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET },
    { "study", DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET },
  };

  return cli_query_resolve_model (get->model, models, G_N_ELEMENTS (models),
                                  _("patient or study"), &get->model_uid, error)
         && cli_query_resolve_level (&get->level, error);
}

static gboolean
check_out_dir (Get *get, GError **error)
{
  if (get->out_dir == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give the folder to store the instances in with --out DIR."));
      return FALSE;
    }
  if (!g_file_test (get->out_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The folder “%s” given with --out does not exist."), get->out_dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_arguments (Get *get, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &get->model,
      N_("Information model: patient or study (default)"), N_("MODEL") },
    { "level", 'l', 0, G_OPTION_ARG_STRING, &get->level,
      N_("Query/Retrieve Level: PATIENT, STUDY (default), SERIES or IMAGE"), N_("LEVEL") },
    { "key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &get->keys,
      N_("A unique key KEY=VALUE (a keyword or gggg,eeee), e.g. StudyInstanceUID=1.2.3"),
      N_("KEY=VALUE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &get->out_dir,
      N_("The folder (it must exist) to store the instances in, as <SOP Instance UID>.dcm, "
         "as getscu's -od"),
      N_("DIR") },
    { NULL }
  };

  g_option_context_set_summary (context,
                                _("Sends a C-GET to PEER (AET@host:port) and stores the "
                                  "instances it sends back into DIR. Ctrl-C sends a C-CANCEL."
                                  "\nExit status: 0 success, 1 warning, 2 failure (also "
                                  "Cancel), 3 association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&get->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&get->options, error)
      || !resolve_model (get, error) || !check_out_dir (get, error))
    return FALSE;
  if (!cli_query_parse_peer (argc, argv, &get->peer, &get->peer_text, error))
    return FALSE;
  get->identifier = cli_query_build_identifier (get->keys,
                                                get->level != NULL ? get->level : "STUDY", error);
  return get->identifier != NULL;
}

static void
get_clear (Get *get)
{
  g_clear_object (&get->assoc);
  g_clear_object (&get->job);
  g_clear_object (&get->cancellable);
  g_clear_pointer (&get->identifier, dcm_data_set_unref);
  g_clear_pointer (&get->traffic, cli_traffic_free);
  g_clear_pointer (&get->run.loop, g_main_loop_unref);
  g_clear_pointer (&get->peer_text, g_free);
  g_clear_pointer (&get->model, g_free);
  g_clear_pointer (&get->level, g_free);
  g_clear_pointer (&get->out_dir, g_free);
  g_clear_pointer (&get->keys, g_strfreev);
  cli_peer_clear (&get->peer);
  cli_common_options_clear (&get->options);
}

static int
run (Get *get)
{
  g_autoptr(DimseAssociationParams) params = NULL;
  guint sigint_id;

  params = cli_common_options_build_params (&get->options, &get->peer);
  dimse_get_add_contexts (params, get->model_uid, NULL);
  params->max_operations_performed = GET_MAX_OPERATIONS_PERFORMED;
  get->run = (CliQueryRun) { "get", get->options.verbose, g_main_loop_new (NULL, FALSE),
                            CLI_EXIT_FAILURE };
  get->cancellable = g_cancellable_new ();
  get->show_progress = isatty (STDERR_FILENO) && !get->options.verbose;
  if (get->options.verbose)
    get->traffic = cli_traffic_new ();
  sigint_id = g_unix_signal_add (SIGINT, on_signal, get);
  get->traffic_id = cli_query_request (&get->options, &get->peer, params, get->traffic,
                                       on_associated, get);
  g_main_loop_run (get->run.loop);
  g_source_remove (sigint_id);
  return get->run.exit_status;
}

int
cli_get_run (int argc, char **argv)
{
  Get get = { 0 };
  g_autoptr(GError) error = NULL;
  int exit_status;

  g_set_prgname ("dimse get");
  cli_common_options_init (&get.options);
  if (!parse_arguments (&get, argc, argv, &error))
    {
      cli_print_error ("get", error);
      get_clear (&get);
      return CLI_EXIT_FAILURE;
    }
  exit_status = run (&get);
  get_clear (&get);
  return exit_status;
}
