/* cli-move.c — `dimse move`: a C-MOVE to a peer, which stores the
 * instances to a destination AE, by default our own Storage SCP run here
 * (PS3.4 C.4.2) */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "cli-common.h"
#include "cli-private.h"
#include "cli-query.h"
#include "dcm-uid.h"
#include "dimse-move.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "dimse-store.h"

/* PS3.7 §D.3.3.3: how many C-STORE sub-operations the peer's association to
 * our Storage SCP may have outstanding, so that they overlap. */
#define MOVE_MAX_OPERATIONS_PERFORMED 16

typedef struct {
  CliCommonOptions  options;
  CliPeer           peer;
  char             *peer_text;
  char             *dest;
  char             *model;
  char             *level;
  char            **keys;
  gint              port;
  char             *out_dir;
  const char       *model_uid;
  DcmDataSet       *identifier;
  DimseMoveJob     *job;
  CliTraffic       *traffic;
  guint             traffic_id;
  GCancellable     *cancellable;
  DimseAssociation *assoc;
  DimseServer      *server;         /* our Storage SCP, without --dest */
  DimseStoreScp    *store;
  GPtrArray        *store_associations;
  gboolean          show_progress;
  gboolean          progress_shown;
  CliQueryRun       run;
} Move;

/* ---- our own Storage SCP, the destination without --dest ---- */

static void
on_instance_stored (DimseStoreScp *store, DimseAssociation *assoc, DimseMessage *request,
                    guint status, const char *path, const char *comment, gpointer user_data)
{
  g_autofree char *sop_instance = dimse_message_dup_string (request,
                                                            DCM_TAG_AFFECTED_SOP_INSTANCE_UID);

  (void) store;
  (void) assoc;
  (void) user_data;
  if (path != NULL)
    printf (_("Stored %s as %s\n"), sop_instance != NULL ? sop_instance : "?", path);
  else
    printf (_("Refused %s: %s (0x%04X): %s\n"), sop_instance != NULL ? sop_instance : "?",
            dimse_status_meaning ((guint16) status, DIMSE_C_STORE_RQ), status,
            comment != NULL ? comment : "");
  fflush (stdout);
}

static void
on_store_association_closed (DimseAssociation *assoc, guint reason, const char *description,
                             gpointer user_data)
{
  Move *move = user_data;

  (void) reason;
  (void) description;
  g_signal_handlers_disconnect_by_func (assoc, on_store_association_closed, move);
  g_ptr_array_remove_fast (move->store_associations, assoc);
}

static void
on_store_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Move *move = user_data;

  (void) server;
  g_ptr_array_add (move->store_associations, g_object_ref (assoc));
  g_signal_connect (assoc, "closed", G_CALLBACK (on_store_association_closed), move);
  if (move->traffic != NULL)
    cli_traffic_watch (move->traffic, 0, assoc);
  dimse_store_scp_attach (move->store, assoc);
}

static void
on_store_association_failed (DimseServer *server, const char *why, gpointer user_data)
{
  (void) server;
  (void) user_data;
  g_printerr ("dimse move: %s\n", why);
}

static gboolean
start_store_scp (Move *move, GError **error)
{
  DimseTimeouts timeouts;
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new_default (move->options.ae_title);

  if (move->options.max_pdu >= 0)
    dimse_acceptor_policy_set_max_pdu_length (policy, (guint32) move->options.max_pdu);
  dimse_acceptor_policy_set_async_window (policy, 1, MOVE_MAX_OPERATIONS_PERFORMED);
  cli_common_options_get_timeouts (&move->options, &timeouts);
  move->server = dimse_server_new (policy, &timeouts);
  move->store = dimse_store_scp_new (move->out_dir);
  move->store_associations = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (move->server, "association-started",
                    G_CALLBACK (on_store_association_started), move);
  g_signal_connect (move->server, "association-failed",
                    G_CALLBACK (on_store_association_failed), move);
  g_signal_connect (move->store, "instance-stored", G_CALLBACK (on_instance_stored), move);
  return dimse_server_listen (move->server, NULL, (guint16) move->port, error);
}

/* The instances being written get their files; a storage association the
 * peer left open is aborted. */
static void
stop_store_scp (Move *move)
{
  if (move->server == NULL)
    return;
  dimse_server_stop (move->server);
  while (dimse_store_scp_get_n_pending (move->store) > 0)
    g_main_context_iteration (NULL, TRUE);
  while (move->store_associations->len > 0)
    {
      g_autoptr(DimseAssociation) assoc = g_object_ref (move->store_associations->pdata[0]);

      g_signal_handlers_disconnect_by_func (assoc, on_store_association_closed, move);
      g_ptr_array_remove_index_fast (move->store_associations, 0);
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
    }
  dimse_store_scp_discard_incomplete (move->store);
}

/* ---- the exchange ---- */

static void
on_progress (DimseMoveJob *job, gpointer user_data)
{
  Move *move = user_data;

  if (!move->show_progress)
    return;
  move->progress_shown = TRUE;
  g_printerr ("\r");
  g_printerr (_("Remaining %u, completed %u, failed %u, warning %u "),
              dimse_move_job_get_n_remaining (job), dimse_move_job_get_n_completed (job),
              dimse_move_job_get_n_failed (job), dimse_move_job_get_n_warning (job));
}

/* The line shows the final counts (none remaining after a final Success
 * or Warning, PS3.4 C.4.2.1.6), then ends. */
static void
end_progress (Move *move)
{
  if (!move->progress_shown)
    return;
  on_progress (move->job, move);
  g_printerr ("\n");
}

static void
print_summary (Move *move, guint16 status)
{
  const char *const *failed = dimse_move_job_get_failed_sop_instance_uids (move->job);

  g_printerr (_("C-MOVE to %s: %s (0x%04X), %u completed, %u failed, %u warning%s\n"),
              move->peer_text, dimse_status_meaning (status, DIMSE_C_MOVE_RQ), status,
              dimse_move_job_get_n_completed (move->job), dimse_move_job_get_n_failed (move->job),
              dimse_move_job_get_n_warning (move->job),
              dimse_move_job_get_cancel_sent (move->job) ? _(", C-CANCEL sent") : "");
  if (failed != NULL && failed[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (" ", (char **) failed);

      g_printerr (_("Failed SOP Instance UIDs: %s\n"), list);
    }
}

static void
on_moved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Move *move = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  end_progress (move);
  if (!dimse_move_finish (assoc, result, &status, &error))
    {
      if (cli_query_fail_if_lost (&move->run, assoc, error))
        return;
      cli_print_error ("move", error);
      if (error->domain == DIMSE_STATUS_ERROR)
        print_summary (move, (guint16) error->code);
      cli_query_release (&move->run, assoc, CLI_EXIT_FAILURE);
      return;
    }
  print_summary (move, status);
  cli_query_release (&move->run, assoc, cli_query_exit_status (status, FALSE));
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Move *move = user_data;

  (void) source;
  move->assoc = cli_query_request_finish (&move->run, result, move->traffic, move->traffic_id);
  if (move->assoc == NULL)
    return;
  move->job = dimse_move_job_new ();
  g_signal_connect (move->job, "progress", G_CALLBACK (on_progress), move);
  dimse_move_async (move->assoc, move->model_uid, move->identifier,
                    move->dest != NULL ? move->dest : move->options.ae_title, move->job,
                    move->cancellable, on_moved, move);
}

/* Interrupting a move sends a C-CANCEL; the peer's final answer ends it. */
static gboolean
on_signal (gpointer user_data)
{
  Move *move = user_data;

  if (move->assoc == NULL)
    g_main_loop_quit (move->run.loop);
  else
    g_cancellable_cancel (move->cancellable);
  return G_SOURCE_CONTINUE;
}

/* ---- the command line ---- */

static gboolean
resolve_model (Move *move, GError **error)
{
  static const CliQueryModel models[] = {
    { "patient", DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE },
    { "study", DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE },
  };

  if (move->level == NULL)
    move->level = g_strdup ("STUDY");
  return cli_query_resolve_model (move->model, models, G_N_ELEMENTS (models),
                                  _("patient or study"), &move->model_uid, error)
         && cli_query_resolve_level (&move->level, error);
}

static gboolean
check_destination (Move *move, GError **error)
{
  if (move->dest != NULL)
    {
      gsize length = strlen (move->dest);

      if (length == 0 || length > 16)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--dest must be an AE title of 1 to 16 characters, not “%s”."),
                       move->dest);
          return FALSE;
        }
      return TRUE;
    }
  /* The peer finds our port in its own configuration, so it must be fixed. */
  if (move->port <= 0 || move->port > G_MAXUINT16 || move->out_dir == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Without --dest, give --port N (1 to 65535, the port the peer knows "
                     "for our --aet) and --out DIR for the instances (see --help)."));
      return FALSE;
    }
  if (!g_file_test (move->out_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
                   _("The folder “%s” given to --out does not exist."), move->out_dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_arguments (Move *move, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));
  const GOptionEntry entries[] = {
    { "dest", 'd', 0, G_OPTION_ARG_STRING, &move->dest,
      N_("The Move Destination AE title, as movescu's -aem (default: our own Storage SCP, "
         "as --aet on --port, into --out)"), N_("AET") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &move->model,
      N_("Information model: patient or study (default)"), N_("MODEL") },
    { "level", 'l', 0, G_OPTION_ARG_STRING, &move->level,
      N_("Query/Retrieve Level: PATIENT, STUDY (default), SERIES or IMAGE"), N_("LEVEL") },
    { "key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &move->keys,
      N_("A unique key KEY=VALUE (a keyword or gggg,eeee), e.g. StudyInstanceUID=1.2.3"),
      N_("KEY=VALUE") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &move->port,
      N_("Without --dest: the TCP port our Storage SCP listens on, as movescu's --port; the "
         "peer must know --aet at this port"), N_("N") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &move->out_dir,
      N_("Without --dest: the folder where instances are written as <SOP Instance UID>.dcm"),
      N_("DIR") },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context,
                                _("Sends a C-MOVE to PEER (AET@host:port), which sends the "
                                  "matching instances to the AE --dest, or, without --dest, to "
                                  "a Storage SCP run here. Ctrl-C sends a C-CANCEL."
                                  "\nExit status: 0 success, 1 warning (some sub-operations "
                                  "failed), 2 failure, 3 association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&move->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&move->options, error)
      || !resolve_model (move, error) || !check_destination (move, error))
    return FALSE;
  if (!cli_query_parse_peer (argc, argv, &move->peer, &move->peer_text, error))
    return FALSE;
  move->identifier = cli_query_build_identifier (move->keys, move->level, error);
  return move->identifier != NULL;
}

static void
move_clear (Move *move)
{
  if (move->server != NULL)
    dimse_server_stop (move->server);
  g_clear_object (&move->assoc);
  g_clear_object (&move->job);
  g_clear_object (&move->cancellable);
  g_clear_pointer (&move->store_associations, g_ptr_array_unref);
  g_clear_object (&move->server);
  g_clear_object (&move->store);
  g_clear_pointer (&move->identifier, dcm_data_set_unref);
  g_clear_pointer (&move->traffic, cli_traffic_free);
  g_clear_pointer (&move->run.loop, g_main_loop_unref);
  g_clear_pointer (&move->peer_text, g_free);
  g_clear_pointer (&move->dest, g_free);
  g_clear_pointer (&move->model, g_free);
  g_clear_pointer (&move->level, g_free);
  g_clear_pointer (&move->keys, g_strfreev);
  g_clear_pointer (&move->out_dir, g_free);
  cli_peer_clear (&move->peer);
  cli_common_options_clear (&move->options);
}

static void
run (Move *move)
{
  g_autoptr(DimseAssociationParams) params = NULL;
  guint sigint_id, sigterm_id;

  params = cli_common_options_build_params (&move->options, &move->peer);
  dimse_association_params_add_context (params, move->model_uid, NULL, DIMSE_ROLE_DEFAULT);
  sigint_id = g_unix_signal_add (SIGINT, on_signal, move);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, move);
  move->traffic_id = cli_query_request (&move->options, &move->peer, params, move->traffic,
                                        on_associated, move);
  g_main_loop_run (move->run.loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  stop_store_scp (move);
}

int
cli_move_run (int argc, char **argv)
{
  Move move = { 0 };
  g_autoptr(GError) error = NULL;
  int exit_status;

  g_set_prgname ("dimse move");
  cli_common_options_init (&move.options);
  if (!parse_arguments (&move, argc, argv, &error))
    {
      cli_print_error ("move", error);
      move_clear (&move);
      return CLI_EXIT_FAILURE;
    }
  move.run = (CliQueryRun) { "move", move.options.verbose, g_main_loop_new (NULL, FALSE),
                            CLI_EXIT_FAILURE };
  move.cancellable = g_cancellable_new ();
  move.show_progress = isatty (STDERR_FILENO);
  if (move.options.verbose)
    move.traffic = cli_traffic_new ();
  if (move.dest == NULL && !start_store_scp (&move, &error))
    {
      cli_print_error ("move", error);
      move_clear (&move);
      return CLI_EXIT_FAILURE;
    }
  run (&move);
  exit_status = move.run.exit_status;
  move_clear (&move);
  return exit_status;
}
