/* cli-commit.c — `dimse commit`: Storage Commitment Push Model as SCU
 * (PS3.4 Annex J): N-ACTION for the instances of files, then the
 * N-EVENT-REPORT with the result, on our association or on one the peer
 * opens to the port we listen on */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-nservice.h"
#include "cli-private.h"
#include "dcm-error.h"
#include "dcm-file.h"
#include "dcm-parser.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dimse-commitment.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-server.h"

#define DEFAULT_REPORT_TIMEOUT_S 60

typedef struct {
  CliNSession              session;
  gint                     port;
  gboolean                 release;
  char                    *transaction_uid;
  char                   **paths;
  GPtrArray               *items;      /* DimseCommitmentItem* */
  DimseCommitmentListener *listener;
  DimseServer             *server;
  DcmDataSet              *action_information;
} Commit;

/* ---- the instances of the files: their File Meta Information only ---- */

static gboolean
read_item (Commit *commit, const char *path, GError **error)
{
  g_autoptr(DcmFile) file = NULL;
  g_autofree char *sop_class_uid = NULL;
  g_autofree char *sop_instance_uid = NULL;
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  opts.stop_at_tag = DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH + 0x00010000u;
  file = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, error);
  if (file == NULL)
    return FALSE;
  sop_class_uid = dcm_data_set_dup_string (dcm_file_get_meta (file),
                                           DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID);
  sop_instance_uid = dcm_data_set_dup_string (dcm_file_get_meta (file),
                                              DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID);
  if (sop_class_uid == NULL || sop_instance_uid == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   _("Its File Meta Information lacks the Media Storage SOP Class or "
                     "Instance UID."));
      return FALSE;
    }
  g_ptr_array_add (commit->items, dimse_commitment_item_new (sop_class_uid, sop_instance_uid,
                                                             0));
  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
add_path (Commit *commit, const char *path)
{
  g_autoptr(GError) error = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        {
          g_printerr (_("dimse commit: warning: skipping “%s”: %s\n"), path, error->message);
          return;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        add_path (commit, names->pdata[i]);
      return;
    }
  if (!read_item (commit, path, &error))
    g_printerr (_("dimse commit: warning: skipping “%s”, not a DICOM file: %s\n"), path,
                error->message);
}

/* ---- the result ---- */

static int
print_commitment (Commit *commit, const DimseCommitmentResult *result)
{
  printf (_("Storage commitment result for transaction %s from %s (%s): event type %u, "
            "%u committed, %u failed\n"), result->transaction_uid,
          result->peer_ae_title != NULL ? result->peer_ae_title : "?",
          result->on_new_association ? _("on an association it opened")
                                     : _("on our association"),
          result->event_type_id, result->committed->len, result->failed->len);
  for (guint i = 0; i < result->committed->len; i++)
    {
      DimseCommitmentItem *item = result->committed->pdata[i];

      printf (_("  committed %s (%s)\n"), item->sop_instance_uid,
              dcm_uid_name (item->sop_class_uid));
    }
  for (guint i = 0; i < result->failed->len; i++)
    {
      DimseCommitmentItem *item = result->failed->pdata[i];

      printf (_("  failed    %s (%s): 0x%04X %s\n"), item->sop_instance_uid,
              dcm_uid_name (item->sop_class_uid), item->failure_reason,
              dimse_commitment_failure_reason_name (item->failure_reason));
    }
  fflush (stdout);
  return result->failed->len == 0 && result->committed->len == commit->items->len
         ? CLI_EXIT_SUCCESS : CLI_EXIT_FAILURE;
}

static void
on_result (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Commit *commit = user_data;
  g_autoptr(DimseCommitmentResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = dimse_commitment_listener_wait_finish (DIMSE_COMMITMENT_LISTENER (source), res,
                                                  &error);
  if (result == NULL)
    {
      cli_print_error ("commit", error);
      cli_n_session_end (&commit->session, CLI_EXIT_FAILURE);
      return;
    }
  cli_n_session_end (&commit->session, print_commitment (commit, result));
}

static void
on_early_release (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("Releasing after the N-ACTION failed: %s", error->message);
}

static CliNNext
commit_next (CliNSession *session, const DimseNResult *previous, gpointer user_data)
{
  Commit *commit = user_data;
  guint timeout_s = session->options.timeout_s > 0 ? (guint) session->options.timeout_s
                                                   : DEFAULT_REPORT_TIMEOUT_S;
  DimseNRequest request = {
    .command = DIMSE_N_ACTION_RQ, .sop_class_uid = DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
    .sop_instance_uid = DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
    .type_id = DIMSE_COMMITMENT_ACTION_REQUEST, .data_set = commit->action_information,
  };

  if (previous == NULL)
    {
      dimse_commitment_listener_attach (commit->listener, session->assoc);
      cli_n_session_send (session, &request);
      return CLI_N_NEXT_SENT;
    }
  /* PS3.4 §J.3.2.1.2: a failure means no result will come. */
  if (dimse_status_class (previous->status) == DIMSE_STATUS_FAILURE)
    return CLI_N_NEXT_DONE;
  printf (_("Waiting up to %u s for the result of transaction %s…\n"), timeout_s,
          commit->transaction_uid);
  fflush (stdout);
  dimse_commitment_listener_wait_async (commit->listener, commit->transaction_uid,
                                        timeout_s * 1000, NULL, on_result, commit);
  /* PS3.4 §J.3.2.1.2: the SCU may release once the N-ACTION is answered. */
  if (commit->release)
    dimse_association_release_async (session->assoc, NULL, on_early_release, NULL);
  return CLI_N_NEXT_HOLD;
}

/* ---- the listener for reports on new associations ---- */

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Commit *commit = user_data;

  if (commit->session.traffic != NULL)
    cli_traffic_watch (commit->session.traffic, 0, assoc);
  dimse_commitment_listener_attach (commit->listener, assoc);
  dimse_echo_scp_attach (assoc);
}

static gboolean
start_listening (Commit *commit, GError **error)
{
  /* Whatever AE title the peer has for us: it is answering our request. */
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new (NULL);
  DimseTimeouts timeouts;

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_commitment_listener_add_to_policy (policy);
  cli_common_options_get_timeouts (&commit->session.options, &timeouts);
  commit->server = dimse_server_new (policy, &timeouts);
  g_signal_connect (commit->server, "association-started",
                    G_CALLBACK (on_association_started), commit);
  return dimse_server_listen (commit->server, NULL, (guint16) commit->port, error);
}

/* ---- arguments ---- */

static gboolean
parse_arguments (Commit *commit, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER FILE|DIR…"));
  g_autoptr(GError) local = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &commit->port,
      N_("Also listen on this port for the result on a new association"), N_("PORT") },
    { "release", 0, 0, G_OPTION_ARG_NONE, &commit->release,
      N_("Release our association once the N-ACTION is answered (needs --port)"), NULL },
    { "transaction", 0, 0, G_OPTION_ARG_STRING, &commit->transaction_uid,
      N_("The Transaction UID (default: a new one)"), N_("UID") },
    { NULL },
  };

  g_option_context_set_summary (
    context, _("Asks PEER (AET@host:port) to commit to storing the instances of the DICOM "
               "files given (folders are walked) with an N-ACTION, waits up to --timeout "
               "seconds (default 60) for the N-EVENT-REPORT with the result and prints the "
               "committed and failed instances.\nExit status: 0 all committed, 2 failures, "
               "no result or a failure status, 3 association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_n_session_add_options (&commit->session, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&commit->session.options, error))
    return FALSE;
  if (argc < 3)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give a PEER as AET@host:port and at least one FILE or DIR (see --help)."));
      return FALSE;
    }
  if (commit->port < 0 || commit->port > 65535 || (commit->release && commit->port == 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   commit->release ? _("--release needs --port: the result must come on a "
                                       "new association then.")
                                   : _("--port takes 1 to 65535."));
      return FALSE;
    }
  if (!cli_peer_parse (argv[1], &commit->session.peer, error))
    return FALSE;
  commit->session.peer_text = cli_peer_to_string (&commit->session.peer);
  commit->paths = g_strdupv (argv + 2);
  if (commit->transaction_uid == NULL)
    commit->transaction_uid = dcm_uid_generate ();
  else if (!dcm_uid_is_valid (commit->transaction_uid))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--transaction: “%s” is not a UID."), commit->transaction_uid);
      return FALSE;
    }
  return TRUE;
}

static void
commit_clear (Commit *commit)
{
  if (commit->server != NULL)
    dimse_server_stop (commit->server);
  g_clear_object (&commit->server);
  g_clear_object (&commit->listener);
  cli_n_session_clear (&commit->session);
  g_free (commit->transaction_uid);
  g_strfreev (commit->paths);
  g_clear_pointer (&commit->items, g_ptr_array_unref);
  g_clear_pointer (&commit->action_information, dcm_data_set_unref);
}

int
cli_commit_run (int argc, char **argv)
{
  Commit commit = { 0 };
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status;

  g_set_prgname ("dimse commit");
  cli_n_session_init (&commit.session, "commit");
  commit.items = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_commitment_item_free);
  commit.listener = dimse_commitment_listener_new ();
  if (!parse_arguments (&commit, argc, argv, &error))
    goto failed;
  for (char **p = commit.paths; *p != NULL; p++)
    add_path (&commit, *p);
  if (commit.items->len == 0)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("None of the paths given holds a DICOM file."));
      goto failed;
    }
  commit.action_information = dimse_commitment_build_action_information (
    commit.transaction_uid, commit.items, &error);
  if (commit.action_information == NULL
      || (commit.port != 0 && !start_listening (&commit, &error)))
    goto failed;
  params = cli_n_session_build_params (&commit.session);
  dimse_association_params_add_context (params, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL, NULL,
                                        DIMSE_ROLE_DEFAULT);
  commit.session.next = commit_next;
  commit.session.user_data = &commit;
  printf (_("Requesting storage commitment of %u instances from %s (transaction %s)\n"),
          commit.items->len, commit.session.peer_text, commit.transaction_uid);
  fflush (stdout);
  exit_status = cli_n_session_run (&commit.session, params);
  commit_clear (&commit);
  return exit_status;

failed:
  cli_print_error ("commit", error);
  commit_clear (&commit);
  return CLI_EXIT_FAILURE;
}
