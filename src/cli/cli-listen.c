/* cli-listen.c — `dimse listen`: a Verification and Storage SCP that
 * writes what it receives into a folder (PS3.4 Annexes A and B) */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib-unix.h>

#include "cli-common.h"
#include "cli-private.h"
#include "dcm-uid.h"
#include "dimse-access.h"
#include "dimse-echo.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "dimse-store.h"

/* PS3.7 Table C.4-1 (general): for requests this SCP does not serve. */
#define LISTEN_STATUS_UNRECOGNIZED_OPERATION 0x0211
/* PS3.7 §D.3.3.3: C-STOREs a requestor may have outstanding at once; when
 * syncing files is slow they are finished by a writer thread, so a window
 * lets a sender keep the link busy while earlier instances are synced. We
 * invoke nothing ourselves. */
#define LISTEN_MAX_OPERATIONS_PERFORMED 16
#define LISTEN_SERVICES (DIMSE_ACCESS_SERVICE_ECHO | DIMSE_ACCESS_SERVICE_STORE)

typedef struct {
  CliCommonOptions  options;
  CliServerLimits   limits;
  gint              port;
  char             *out_dir;
  char            **accept;
  gboolean          accept_any;
  DimseAccessList  *access;        /* from --accept */
  char             *users;
  char             *duplicates;
  gint64            max_instance_size;  /* bytes of a data set; 0: no limit */
  GMainLoop        *loop;
  DimseServer      *server;
  DimseStoreScp    *store;
  CliTraffic       *traffic;
  GPtrArray        *associations;  /* established, not yet closed */
} Listen;

static gboolean
on_signal (gpointer user_data)
{
  Listen *listen = user_data;

  g_main_loop_quit (listen->loop);
  return G_SOURCE_CONTINUE;
}

static const char *
calling_ae_title (DimseAssociation *assoc)
{
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);

  return result != NULL && result->calling_ae_title != NULL ? result->calling_ae_title : "?";
}

static void
on_instance_stored (DimseStoreScp *store, DimseAssociation *assoc, DimseMessage *request,
                    guint status, const char *path, const char *comment, gpointer user_data)
{
  g_autofree char *sop_class = dimse_message_dup_string (request,
                                                         DCM_TAG_AFFECTED_SOP_CLASS_UID);
  g_autofree char *sop_instance = dimse_message_dup_string (request,
                                                            DCM_TAG_AFFECTED_SOP_INSTANCE_UID);

  (void) store;
  (void) user_data;
  if (path != NULL && comment != NULL)
    printf (_("Kept %s %s from %s (%s): %s\n"),
            sop_class != NULL ? dcm_uid_name (sop_class) : "?",
            sop_instance != NULL ? sop_instance : "?", calling_ae_title (assoc),
            dimse_association_get_peer_name (assoc), comment);
  else if (path != NULL)
    printf (_("Stored %s %s from %s (%s) as %s\n"),
            sop_class != NULL ? dcm_uid_name (sop_class) : "?",
            sop_instance != NULL ? sop_instance : "?", calling_ae_title (assoc),
            dimse_association_get_peer_name (assoc), path);
  else
    printf (_("Refused %s %s from %s (%s): %s (0x%04X): %s\n"),
            sop_class != NULL ? dcm_uid_name (sop_class) : "?",
            sop_instance != NULL ? sop_instance : "?", calling_ae_title (assoc),
            dimse_association_get_peer_name (assoc),
            dimse_status_meaning ((guint16) status, DIMSE_C_STORE_RQ), status,
            comment != NULL ? comment : "");
  fflush (stdout);
}

static void
on_unserved_response_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) user_data;
  dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, NULL);
}

/* A request neither service here answers still gets a response, as does
 * one for a service --accept does not allow the calling AE (0124). */
static void
on_request_received (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                     GFile *data_set_file, gpointer user_data)
{
  Listen *listen = user_data;
  DimseCommandField field = dimse_message_get_command_field (msg);
  DimseAccessServices service = dimse_access_service_of_command (field);
  g_autoptr(DimseMessage) rsp = NULL;

  if ((service & LISTEN_SERVICES) != 0
      && (dimse_access_list_lookup_association (listen->access, assoc, NULL) & service) == 0)
    {
      if (data_set_file != NULL)
        g_file_delete (data_set_file, NULL, NULL);
      printf (_("Refused %s from %s (%s): not allowed for this calling AE title\n"),
              dimse_message_get_name (msg), calling_ae_title (assoc),
              dimse_association_get_peer_name (assoc));
      fflush (stdout);
      dimse_access_refuse_request (assoc, pc_id, msg);
      return;
    }
  if (field == DIMSE_C_ECHO_RQ || field == DIMSE_C_STORE_RQ || field == DIMSE_C_CANCEL_RQ)
    return;
  if (data_set_file != NULL)
    g_file_delete (data_set_file, NULL, NULL);
  rsp = dimse_message_new_response (msg, LISTEN_STATUS_UNRECOGNIZED_OPERATION);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_unserved_response_sent,
                                        NULL);
}

static void
on_association_closed (DimseAssociation *assoc, guint reason, const char *description,
                       gpointer user_data)
{
  Listen *listen = user_data;

  (void) reason;
  (void) description;
  g_signal_handlers_disconnect_by_func (assoc, on_association_closed, listen);
  g_ptr_array_remove_fast (listen->associations, assoc);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Listen *listen = user_data;
  g_autofree char *why = NULL;
  DimseAccessServices services;

  (void) server;
  /* The server has rejected such an -RQ already (dimse_access_list_install). */
  services = dimse_access_list_lookup_association (listen->access, assoc, &why);
  if (services == 0)
    {
      g_printerr ("dimse listen: %s\n", why);
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
      return;
    }
  g_ptr_array_add (listen->associations, g_object_ref (assoc));
  g_signal_connect (assoc, "closed", G_CALLBACK (on_association_closed), listen);
  if (listen->traffic != NULL)
    cli_traffic_watch (listen->traffic, 0, assoc);
  /* Requests for the services not allowed go to on_request_received. */
  if (services & DIMSE_ACCESS_SERVICE_ECHO)
    dimse_echo_scp_attach (assoc);
  if (services & DIMSE_ACCESS_SERVICE_STORE)
    dimse_store_scp_attach (listen->store, assoc);
  g_signal_connect (assoc, "request-received", G_CALLBACK (on_request_received), listen);
}

/* Always said: a refused calling AE title is what an operator looks for. */
static void
on_association_failed (DimseServer *server, const char *why, gpointer user_data)
{
  (void) server;
  (void) user_data;
  g_printerr ("dimse listen: %s\n", why);
}

/* Uncompressed first; then every other transfer syntax of the registry,
 * since the data set is stored as it arrives. */
static GPtrArray *
accepted_transfer_syntaxes (void)
{
  GPtrArray *list = g_ptr_array_new ();

  g_ptr_array_add (list, (gpointer) DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_ptr_array_add (list, (gpointer) DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN);
  g_ptr_array_add (list, (gpointer) DCM_UID_EXPLICIT_VR_BIG_ENDIAN);
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);
      gboolean listed = FALSE;

      if (entry->type != DCM_UID_TYPE_TRANSFER_SYNTAX
          || dcm_transfer_syntax_lookup (entry->uid) == NULL)
        continue;
      for (guint j = 0; j < list->len && !listed; j++)
        listed = strcmp (g_ptr_array_index (list, j), entry->uid) == 0;
      if (!listed)
        g_ptr_array_add (list, (gpointer) entry->uid);
    }
  g_ptr_array_add (list, NULL);
  return list;
}

static DimseAcceptorPolicy *
build_policy (Listen *listen)
{
  DimseAcceptorPolicy *policy =
    dimse_acceptor_policy_new_default (listen->options.ae_title);
  g_autoptr(GPtrArray) syntaxes = accepted_transfer_syntaxes ();

  dimse_acceptor_policy_set_transfer_syntaxes (policy, NULL,
                                               (const char *const *) syntaxes->pdata);
  if (listen->options.max_pdu >= 0)
    dimse_acceptor_policy_set_max_pdu_length (policy, (guint32) listen->options.max_pdu);
  dimse_acceptor_policy_set_async_window (policy, 1, LISTEN_MAX_OPERATIONS_PERFORMED);
  if (listen->accept == NULL)
    g_printerr (_("dimse listen: warning: no --accept given, so any calling AE title is "
                  "accepted (--accept any says so without this warning).\n"));
  else if (!listen->accept_any)
    dimse_access_list_add_to_policy (listen->access, policy);
  return policy;
}

/* One --accept: "any"; an entry AET[@ADDRESS][:SERVICES] when it holds an
 * @ or a colon; else the comma list of AE titles it always was. */
static gboolean
parse_accept (Listen *listen, const char *value, GError **error)
{
  g_auto(GStrv) titles = NULL;

  if (g_ascii_strcasecmp (value, "any") == 0)
    {
      listen->accept_any = TRUE;
      return TRUE;
    }
  if (strpbrk (value, "@:") != NULL)
    {
      if (dimse_access_list_add_entry (listen->access, value, LISTEN_SERVICES, error))
        return TRUE;
      g_prefix_error (error, "--accept: ");
      return FALSE;
    }
  titles = g_strsplit (value, ",", -1);
  for (guint i = 0; titles[i] != NULL; i++)
    if (*g_strstrip (titles[i]) != '\0'
        && !dimse_access_list_add (listen->access, titles[i], NULL, LISTEN_SERVICES, error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_arguments (Listen *listen, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &listen->port,
      N_("The TCP port to listen on (0: one the system picks, printed)"), N_("N") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &listen->out_dir,
      N_("The folder where received instances are written as <SOP Instance UID>.dcm"),
      N_("DIR") },
    { "accept", 0, 0, G_OPTION_ARG_STRING_ARRAY, &listen->accept,
      N_("The calling AE titles accepted, or any; repeatable. An entry with @ or : is one AE "
         "title, optionally bound to the IP address it must come from and limited to "
         "services (echo, store)"), N_("AET,…|AET[@ADDR][:SERVICES]|any") },
    { "users", 0, 0, G_OPTION_ARG_FILENAME, &listen->users,
      N_("Require a user identity listed in FILE (lines user:passcode, or JSON)"),
      N_("FILE") },
    { "duplicates", 0, 0, G_OPTION_ARG_STRING, &listen->duplicates,
      N_("An instance already in the folder is replaced by a new copy (the default) or "
         "kept"), N_("replace|keep") },
    { "max-instance-size", 0, 0, G_OPTION_ARG_INT64, &listen->max_instance_size,
      N_("Refuse (A700) a data set of more than this many bytes; the association goes on "
         "(default 4 GiB; 0: no limit)"), N_("BYTES") },
    G_OPTION_ENTRY_NULL
  };
  gboolean any_called;

  listen->port = -1;
  g_option_context_set_summary (context,
                                _("Answers C-ECHO and stores what C-STORE sends into --out, "
                                  "until interrupted, as storescp PORT -od DIR does. With --aet, "
                                  "only that called AE title is answered; without, any."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&listen->options, context);
  cli_server_limits_add (&listen->limits, context);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (argc != 1 || listen->port < 0 || listen->port > G_MAXUINT16 || listen->out_dir == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give --port N (0 to 65535) and --out DIR, and no other argument "
                     "(see --help)."));
      return FALSE;
    }
  if (listen->duplicates != NULL && strcmp (listen->duplicates, "replace") != 0
      && strcmp (listen->duplicates, "keep") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--duplicates must be replace or keep, not “%s”."), listen->duplicates);
      return FALSE;
    }
  if (listen->max_instance_size < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-instance-size must be a number of bytes, or 0 for no limit, "
                     "not %lld."), (long long) listen->max_instance_size);
      return FALSE;
    }
  if (!cli_server_limits_check (&listen->limits, error))
    return FALSE;
  for (guint i = 0; listen->accept != NULL && listen->accept[i] != NULL; i++)
    if (!parse_accept (listen, listen->accept[i], error))
      return FALSE;
  if (!g_file_test (listen->out_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
                   _("The folder “%s” given to --out does not exist."), listen->out_dir);
      return FALSE;
    }
  any_called = listen->options.ae_title == NULL;
  if (!cli_common_options_check (&listen->options, error))
    return FALSE;
  /* Without --aet any called AE title is answered: NULL for the policy. */
  if (any_called)
    g_clear_pointer (&listen->options.ae_title, g_free);
  return TRUE;
}

static gboolean
start (Listen *listen, GError **error)
{
  g_autoptr(DimseTlsSettings) tls = NULL;
  g_autoptr(DimseUserList) users = NULL;
  DimseAcceptorPolicy *policy;
  DimseTimeouts timeouts;

  if (!cli_common_options_get_acceptor_tls (&listen->options, &tls, error))
    return FALSE;
  if (listen->users != NULL
      && (users = dimse_user_list_new_from_file (listen->users, error)) == NULL)
    return FALSE;
  cli_common_options_get_timeouts (&listen->options, &timeouts);
  cli_server_limits_apply_timeouts (&listen->limits, &timeouts);
  policy = build_policy (listen);
  if (users != NULL)
    dimse_acceptor_policy_set_user_list (policy, g_steal_pointer (&users));
  listen->server = dimse_server_new (policy, &timeouts);
  cli_server_limits_apply (&listen->limits, &listen->options, listen->server);
  dimse_access_list_install (listen->access, listen->server);
  dimse_server_set_tls (listen->server, tls);
  listen->store = dimse_store_scp_new (listen->out_dir);
  if (g_strcmp0 (listen->duplicates, "keep") == 0)
    dimse_store_scp_set_duplicate_policy (listen->store, DIMSE_STORE_DUPLICATE_KEEP_FIRST);
  dimse_store_scp_set_max_instance_size (listen->store, (guint64) listen->max_instance_size);
  if (listen->options.verbose)
    listen->traffic = cli_traffic_new ();
  g_signal_connect (listen->server, "association-started",
                    G_CALLBACK (on_association_started), listen);
  g_signal_connect (listen->server, "association-failed",
                    G_CALLBACK (on_association_failed), listen);
  g_signal_connect (listen->store, "instance-stored", G_CALLBACK (on_instance_stored), listen);
  if (!dimse_server_listen (listen->server, NULL, (guint16) listen->port, error))
    return FALSE;
  printf (_("Listening on port %u, storing into %s\n"), dimse_server_get_port (listen->server),
          listen->out_dir);
  fflush (stdout);
  return TRUE;
}

/* Aborts the associations still open, so that no half-received data set
 * is left behind, and lets the instances being written get their files. */
static void
shut_down (Listen *listen)
{
  dimse_server_stop (listen->server);
  while (listen->associations->len > 0)
    {
      g_autoptr(DimseAssociation) assoc = g_object_ref (listen->associations->pdata[0]);

      g_signal_handlers_disconnect_by_func (assoc, on_association_closed, listen);
      g_ptr_array_remove_index_fast (listen->associations, 0);
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
    }
  while (dimse_store_scp_get_n_pending (listen->store) > 0)
    g_main_context_iteration (NULL, TRUE);
  dimse_store_scp_discard_incomplete (listen->store);
}

static void
listen_clear (Listen *listen)
{
  if (listen->server != NULL)
    dimse_server_stop (listen->server);
  g_clear_pointer (&listen->associations, g_ptr_array_unref);
  g_clear_object (&listen->server);
  g_clear_object (&listen->store);
  g_clear_pointer (&listen->traffic, cli_traffic_free);
  g_clear_pointer (&listen->loop, g_main_loop_unref);
  g_clear_pointer (&listen->out_dir, g_free);
  g_clear_pointer (&listen->accept, g_strfreev);
  g_clear_pointer (&listen->access, dimse_access_list_unref);
  g_clear_pointer (&listen->users, g_free);
  g_clear_pointer (&listen->duplicates, g_free);
  cli_common_options_clear (&listen->options);
}

int
cli_listen_run (int argc, char **argv)
{
  Listen listen = { .max_instance_size = (gint64) DIMSE_STORE_DEFAULT_MAX_INSTANCE_SIZE };
  g_autoptr(GError) error = NULL;
  guint sigint_id, sigterm_id;

  g_set_prgname ("dimse listen");
  cli_common_options_init (&listen.options);
  cli_server_limits_init (&listen.limits);
  listen.access = dimse_access_list_new ();
  if (!parse_arguments (&listen, argc, argv, &error))
    {
      cli_print_error ("listen", error);
      listen_clear (&listen);
      return CLI_EXIT_FAILURE;
    }
  listen.loop = g_main_loop_new (NULL, FALSE);
  listen.associations = g_ptr_array_new_with_free_func (g_object_unref);
  if (!start (&listen, &error))
    {
      cli_print_error ("listen", error);
      listen_clear (&listen);
      return CLI_EXIT_FAILURE;
    }
  sigint_id = g_unix_signal_add (SIGINT, on_signal, &listen);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &listen);
  g_main_loop_run (listen.loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  shut_down (&listen);
  listen_clear (&listen);
  return CLI_EXIT_SUCCESS;
}
