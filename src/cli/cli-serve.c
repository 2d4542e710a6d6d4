/* cli-serve.c — `dimse serve`: the embedded archive, a Verification,
 * Storage, Query/Retrieve and Modality Worklist SCP over a folder (PS3.4
 * Annexes A, B, C, K), or over the generated demo archive on loopback */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib-unix.h>

#include "cli-common.h"
#include "cli-private.h"
#include "cli-web.h"
#include "dcm-uid.h"
#include "dimse-archive-demo.h"
#include "dimse-archive.h"
#include "dimse-server.h"
#include "dimse-status.h"

/* The port DICOM peers are commonly configured with (DCMTK's too). */
#define SERVE_DEFAULT_PORT 11112
#define SERVE_DEMO_ADDRESS "127.0.0.1"

typedef struct {
  CliCommonOptions  options;
  CliServerLimits   limits;
  gint              port;
  gint              http_port;     /* --http-port; -1: no DICOMweb */
  char             *bind;
  char            **nodes;
  char             *accept;
  char             *users;
  gboolean          move_tls;      /* --move-tls */
  gboolean          demo;
  char             *demo_dir;
  char             *worklist;      /* --worklist DIR */
  char             *folder;
  GMainLoop        *loop;
  DimseArchive     *archive;
  DimseServer      *server;
  DimseWebServer   *web_server;
  CliTraffic       *traffic;
  GPtrArray        *associations;  /* established, not yet closed */
} Serve;

static gboolean
on_signal (gpointer user_data)
{
  Serve *serve = user_data;

  g_main_loop_quit (serve->loop);
  return G_SOURCE_CONTINUE;
}

/* ---- what the archive does, printed ---- */

static void
on_instance_stored (DimseArchive *archive, const char *path, const char *calling_ae_title,
                    gpointer user_data)
{
  (void) archive;
  (void) user_data;
  printf (_("Stored %s from %s\n"), path, calling_ae_title);
  fflush (stdout);
}

static const char *
service_name (DimseCommandField field)
{
  switch (field)
    {
    case DIMSE_C_FIND_RQ:
      return "C-FIND";
    case DIMSE_C_MOVE_RQ:
      return "C-MOVE";
    case DIMSE_C_GET_RQ:
      return "C-GET";
    default:
      return dimse_command_field_name (field);
    }
}

static void
on_request (DimseArchive *archive, DimseAssociation *assoc, DimseMessage *request,
            guint status, gpointer user_data)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  g_autofree char *destination = dimse_message_dup_string (request, DCM_TAG_MOVE_DESTINATION);
  DimseCommandField field = dimse_message_get_command_field (request);
  const char *calling = negotiation != NULL ? negotiation->calling_ae_title : "?";

  (void) archive;
  (void) user_data;
  if (destination != NULL)
    printf (_("%s from %s to %s: %s (0x%04X)\n"), service_name (field), calling, destination,
            dimse_status_meaning ((guint16) status, field), status);
  else
    printf (_("%s from %s: %s (0x%04X)\n"), service_name (field), calling,
            dimse_status_meaning ((guint16) status, field), status);
  fflush (stdout);
}

static void
on_sub_operation (DimseArchive *archive, const char *destination, const char *sop_instance_uid,
                  guint status, gpointer user_data)
{
  (void) archive;
  (void) user_data;
  g_printerr (_("C-STORE of %s to %s: %s (0x%04X)\n"), sop_instance_uid, destination,
              dimse_status_meaning ((guint16) status, DIMSE_C_STORE_RQ), status);
}

static void
on_association_closed (DimseAssociation *assoc, guint reason, const char *description,
                       gpointer user_data)
{
  Serve *serve = user_data;

  (void) reason;
  (void) description;
  g_signal_handlers_disconnect_by_func (assoc, on_association_closed, serve);
  g_ptr_array_remove_fast (serve->associations, assoc);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Serve *serve = user_data;

  (void) server;
  g_ptr_array_add (serve->associations, g_object_ref (assoc));
  g_signal_connect (assoc, "closed", G_CALLBACK (on_association_closed), serve);
  if (serve->traffic != NULL)
    cli_traffic_watch (serve->traffic, 0, assoc);
}

/* Always said: a refused calling AE title is what an operator looks for. */
static void
on_association_failed (DimseServer *server, const char *why, gpointer user_data)
{
  (void) server;
  (void) user_data;
  g_printerr ("dimse serve: %s\n", why);
}

/* ---- the arguments ---- */

/* AET=host:port, as a C-MOVE destination. */
static gboolean
add_node (Serve *serve, const char *text, GError **error)
{
  const char *equals = strchr (text, '=');
  g_autofree char *peer_text = NULL;
  CliPeer peer;

  if (equals == NULL || equals == text || equals[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The node “%s” is not AET=host:port."), text);
      return FALSE;
    }
  peer_text = g_strdup_printf ("%.*s@%s", (int) (equals - text), text, equals + 1);
  if (!cli_peer_parse (peer_text, &peer, error))
    return FALSE;
  dimse_archive_add_node (serve->archive, peer.ae_title, peer.host, peer.port);
  cli_peer_clear (&peer);
  return TRUE;
}

static gboolean
is_service_word (const char *word)
{
  static const char *const words[] = { "echo", "store", "find", "move", "get", "all", NULL };

  return g_strv_contains (words, word);
}

/* One entry of --accept, as dimse listen reads it (dimse-access.h). */
static gboolean
add_accepted (Serve *serve, const char *entry, GError **error)
{
  if (dimse_archive_add_peer_entry (serve->archive, entry, error))
    return TRUE;
  g_prefix_error (error, "--accept: ");
  return FALSE;
}

/* Whether the colon of services is in entry: not one within the brackets
 * of an IPv6 address. */
static gboolean
has_services (const char *entry)
{
  const char *colon = strrchr (entry, ':');
  const char *close = strchr (entry, ']');

  return colon != NULL && (close == NULL || colon > close);
}

/* Splits "A:find,move,B@10.0.0.7,C" into its entries: a lower-case service
 * name after an entry with services belongs to it. */
static gboolean
parse_accept (Serve *serve, GError **error)
{
  g_auto(GStrv) tokens = g_strsplit (serve->accept, ",", -1);
  g_autoptr(GString) entry = NULL;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      char *token = g_strstrip (tokens[i]);

      if (*token == '\0')
        continue;
      if (entry != NULL && has_services (entry->str) && is_service_word (token))
        {
          g_string_append_printf (entry, ",%s", token);
          continue;
        }
      if (entry != NULL && !add_accepted (serve, entry->str, error))
        return FALSE;
      if (entry != NULL)
        g_string_free (g_steal_pointer (&entry), TRUE);
      entry = g_string_new (token);
    }
  return entry == NULL || add_accepted (serve, entry->str, error);
}

static gboolean
is_loopback (const char *bind)
{
  g_autoptr(GInetAddress) address = bind != NULL ? g_inet_address_new_from_string (bind) : NULL;

  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The calling AE allow-list is on by default: without --accept, an archive
 * reachable from the network lets in its --node AEs only. On loopback (the
 * demo's place) any local program may call. */
static gboolean
set_accept (Serve *serve, GError **error)
{
  if (serve->accept != NULL && g_ascii_strcasecmp (serve->accept, "any") == 0)
    {
      dimse_archive_set_accept_any (serve->archive, TRUE);
      return TRUE;
    }
  if (serve->accept != NULL)
    return parse_accept (serve, error);
  if (serve->demo || is_loopback (serve->bind))
    {
      dimse_archive_set_accept_any (serve->archive, TRUE);
      return TRUE;
    }
  if (serve->nodes == NULL || serve->nodes[0] == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Say who may call the archive: --accept AET,… (or AET@ADDRESS, "
                     "AET:find,move), --node AET=host:port, or --accept any."));
      return FALSE;
    }
  for (guint i = 0; serve->nodes[i] != NULL; i++)
    {
      g_autofree char *title = g_strndup (serve->nodes[i],
                                          strcspn (serve->nodes[i], "="));

      dimse_archive_add_calling_ae_title (serve->archive, title);
    }
  g_printerr (_("dimse serve: only the --node AE titles may call (--accept says otherwise).\n"));
  return TRUE;
}

static gboolean
usage_error (GError **error)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
               _("Give the archive's folder DIR, or --demo without it; --port N from 0 to "
                 "65535 (see --help)."));
  return FALSE;
}

static gboolean
parse_arguments (Serve *serve, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("DIR"));
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &serve->port,
      N_("The TCP port to listen on (default 11112; 0: one the system picks, printed)"),
      N_("N") },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &serve->bind,
      N_("Listen on this address only (default: every address; 127.0.0.1 with --demo)"),
      N_("ADDRESS") },
    { "http-port", 0, 0, G_OPTION_ARG_INT, &serve->http_port,
      N_("Also answer QIDO-RS, WADO-RS and STOW-RS on this port (of --bind, 127.0.0.1 "
         "without it; 0: one the system picks, printed)"), N_("N") },
    { "node", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &serve->nodes,
      N_("A C-MOVE destination, as a line of dcmqrscp's HostTable (repeat for more)"),
      N_("AET=host:port") },
    { "accept", 0, 0, G_OPTION_ARG_STRING, &serve->accept,
      N_("The calling AE titles accepted, each optionally bound to an IP address and limited "
         "to services (echo, store, find, move, get); or any. Default: the --node AE titles, "
         "or any on loopback"),
      N_("AET[@ADDRESS][:SERVICE,…],…|any") },
    { "users", 0, 0, G_OPTION_ARG_FILENAME, &serve->users,
      N_("Require a user identity listed in FILE (lines user:passcode, or JSON)"),
      N_("FILE") },
    { "move-tls", 0, 0, G_OPTION_ARG_NONE, &serve->move_tls,
      N_("A C-MOVE reaches its --node destination over TLS, with --tls-cert and --tls-key, "
         "the destination's certificate verified against --tls-ca"), NULL },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &serve->demo,
      N_("Generate the demo archive and serve it on 127.0.0.1 only"), NULL },
    { "demo-dir", 0, 0, G_OPTION_ARG_FILENAME, &serve->demo_dir,
      N_("With --demo: the folder of the demo archive (default: in the user's cache)"),
      N_("DIR") },
    { "worklist", 0, 0, G_OPTION_ARG_FILENAME, &serve->worklist,
      N_("Answer Modality Worklist C-FINDs from the .wl and .dcm files in DIR, read again "
         "when they change (default: none; with --demo, a generated worklist for today)"),
      N_("DIR") },
    G_OPTION_ENTRY_NULL
  };

  serve->port = SERVE_DEFAULT_PORT;
  serve->http_port = -1;
  g_option_context_set_summary (context,
                                _("Serves the DICOM files under DIR as an archive until "
                                  "interrupted: C-ECHO, C-STORE into DIR, C-FIND, C-MOVE to the "
                                  "--node destinations and C-GET, answering to the --aet AE "
                                  "title (default DIMSEBENCH); Modality Worklist C-FIND with "
                                  "--worklist."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&serve->options, context);
  cli_server_limits_add (&serve->limits, context);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (serve->port < 0 || serve->port > G_MAXUINT16 || argc != (serve->demo ? 1 : 2)
      || (serve->demo_dir != NULL && !serve->demo))
    return usage_error (error);
  if (serve->demo && serve->bind != NULL && strcmp (serve->bind, SERVE_DEMO_ADDRESS) != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The demo archive is served on %s only."), SERVE_DEMO_ADDRESS);
      return FALSE;
    }
  if (serve->demo)
    {
      g_free (serve->bind);
      serve->bind = g_strdup (SERVE_DEMO_ADDRESS);
      serve->folder = serve->demo_dir != NULL ? g_strdup (serve->demo_dir)
                                              : dimse_archive_demo_default_folder ();
    }
  else
    serve->folder = g_strdup (argv[1]);
  if (serve->move_tls && serve->options.tls_certificate_file == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--move-tls needs our certificate: give --tls-cert and --tls-key (and "
                     "--tls-ca to verify the destinations)."));
      return FALSE;
    }
  return cli_server_limits_check (&serve->limits, error)
         && cli_common_options_check (&serve->options, error);
}

/* ---- starting ---- */

/* Generated once; later starts find it in place (see its stamp). */
static gboolean
generate_demo (Serve *serve, GError **error)
{
  if (!dimse_archive_demo_is_current (serve->folder, NULL))
    g_printerr (_("Generating the demo archive in %s…\n"), serve->folder);
  return dimse_archive_demo_ensure (serve->folder, NULL, NULL, NULL, error);
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  (void) source;
  *out = g_object_ref (result);
}

static gboolean
open_archive (Serve *serve, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (!g_file_test (serve->folder, G_FILE_TEST_IS_DIR) && !serve->demo)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
                   _("The archive folder “%s” does not exist."), serve->folder);
      return FALSE;
    }
  dimse_archive_open_async (serve->archive, NULL, on_opened, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return dimse_archive_open_finish (serve->archive, result, error);
}

/* --worklist DIR, or the demo's own; read with the archive's scan. */
static gboolean
set_worklist (Serve *serve, GError **error)
{
  g_autoptr(DimseArchiveWorklist) demo = NULL;

  if (serve->worklist != NULL && !g_file_test (serve->worklist, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
                   _("The worklist folder “%s” does not exist."), serve->worklist);
      return FALSE;
    }
  if (serve->worklist != NULL)
    dimse_archive_set_worklist_dir (serve->archive, serve->worklist);
  else if (serve->demo)
    {
      demo = dimse_archive_worklist_new_demo (NULL);
      dimse_archive_set_worklist (serve->archive, demo);
    }
  return TRUE;
}

static void
print_worklist (Serve *serve)
{
  DimseArchiveWorklist *worklist = dimse_archive_get_worklist (serve->archive);
  guint n;

  if (worklist == NULL)
    return;
  n = dimse_archive_worklist_get_n_items (worklist);
  if (dimse_archive_worklist_get_folder (worklist) != NULL)
    printf (g_dngettext (GETTEXT_PACKAGE, "Modality Worklist: %u item from %s\n",
                         "Modality Worklist: %u items from %s\n", n),
            n, dimse_archive_worklist_get_folder (worklist));
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "Modality Worklist: %u demo item for today\n",
                         "Modality Worklist: %u demo items for today\n", n), n);
}

static gboolean
start (Serve *serve, GError **error)
{
  g_autoptr(DimseTlsSettings) tls = NULL;
  g_autoptr(DimseUserList) users = NULL;
  DimseArchiveIndex *index;
  DimseTimeouts timeouts;

  if (!cli_common_options_get_acceptor_tls (&serve->options, &tls, error))
    return FALSE;
  if (serve->users != NULL
      && (users = dimse_user_list_new_from_file (serve->users, error)) == NULL)
    return FALSE;
  if (serve->demo && !generate_demo (serve, error))
    return FALSE;
  serve->archive = dimse_archive_new (serve->folder, serve->options.ae_title);
  cli_common_options_get_timeouts (&serve->options, &timeouts);
  cli_server_limits_apply_timeouts (&serve->limits, &timeouts);
  dimse_archive_set_timeouts (serve->archive, &timeouts);
  if (serve->move_tls)
    dimse_archive_set_move_tls (serve->archive, tls);
  for (guint i = 0; serve->nodes != NULL && serve->nodes[i] != NULL; i++)
    if (!add_node (serve, serve->nodes[i], error))
      return FALSE;
  if (!set_accept (serve, error) || !set_worklist (serve, error))
    return FALSE;
  if (!open_archive (serve, error))
    return FALSE;
  serve->server = dimse_archive_serve (serve->archive, serve->bind, (guint16) serve->port,
                                       error);
  if (serve->server == NULL)
    return FALSE;
  /* Set before the main loop runs: no connection has been taken yet. */
  dimse_server_set_tls (serve->server, tls);
  cli_server_limits_apply (&serve->limits, &serve->options, serve->server);
  if (users != NULL)
    dimse_acceptor_policy_set_user_list (dimse_server_get_policy (serve->server),
                                         g_steal_pointer (&users));
  if (serve->options.max_pdu >= 0)
    dimse_acceptor_policy_set_max_pdu_length (dimse_server_get_policy (serve->server),
                                              (guint32) serve->options.max_pdu);
  if (serve->options.verbose)
    {
      serve->traffic = cli_traffic_new ();
      dimse_archive_set_recorder (serve->archive, cli_traffic_get_recorder (serve->traffic));
      g_signal_connect (serve->archive, "sub-operation", G_CALLBACK (on_sub_operation), serve);
    }
  g_signal_connect (serve->server, "association-started", G_CALLBACK (on_association_started),
                    serve);
  g_signal_connect (serve->server, "association-failed", G_CALLBACK (on_association_failed),
                    serve);
  g_signal_connect (serve->archive, "instance-stored", G_CALLBACK (on_instance_stored), serve);
  g_signal_connect (serve->archive, "request", G_CALLBACK (on_request), serve);
  index = dimse_archive_get_index (serve->archive);
  printf (_("Listening as %s on %s:%u, %u instances of %u studies indexed\n"),
          dimse_archive_get_ae_title (serve->archive), serve->bind != NULL ? serve->bind : "*",
          dimse_server_get_port (serve->server), dimse_archive_index_get_n_instances (index),
          dimse_archive_index_get_n_studies (index));
  print_worklist (serve);
  fflush (stdout);
  if (serve->http_port >= 0)
    serve->web_server = cli_web_serve (index, serve->bind, serve->http_port, error);
  return serve->http_port < 0 || serve->web_server != NULL;
}

/* Aborts the associations still open, so that no half-received data set
 * is left behind, and lets the instances being written get their files. */
static void
shut_down (Serve *serve)
{
  dimse_server_stop (serve->server);
  while (serve->associations->len > 0)
    {
      g_autoptr(DimseAssociation) assoc = g_object_ref (serve->associations->pdata[0]);

      g_signal_handlers_disconnect_by_func (assoc, on_association_closed, serve);
      g_ptr_array_remove_index_fast (serve->associations, 0);
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
    }
  while (dimse_archive_get_n_pending (serve->archive) > 0)
    g_main_context_iteration (NULL, TRUE);
  dimse_archive_discard_incomplete (serve->archive);
}

static void
serve_clear (Serve *serve)
{
  if (serve->server != NULL)
    dimse_server_stop (serve->server);
  g_clear_pointer (&serve->associations, g_ptr_array_unref);
  g_clear_object (&serve->server);
  g_clear_object (&serve->web_server);
  g_clear_object (&serve->archive);
  g_clear_pointer (&serve->traffic, cli_traffic_free);
  g_clear_pointer (&serve->loop, g_main_loop_unref);
  g_clear_pointer (&serve->bind, g_free);
  g_clear_pointer (&serve->nodes, g_strfreev);
  g_clear_pointer (&serve->accept, g_free);
  g_clear_pointer (&serve->users, g_free);
  g_clear_pointer (&serve->demo_dir, g_free);
  g_clear_pointer (&serve->worklist, g_free);
  g_clear_pointer (&serve->folder, g_free);
  cli_common_options_clear (&serve->options);
}

int
cli_serve_run (int argc, char **argv)
{
  Serve serve = { 0 };
  g_autoptr(GError) error = NULL;
  guint sigint_id, sigterm_id;

  g_set_prgname ("dimse serve");
  cli_common_options_init (&serve.options);
  cli_server_limits_init (&serve.limits);
  serve.loop = g_main_loop_new (NULL, FALSE);
  serve.associations = g_ptr_array_new_with_free_func (g_object_unref);
  if (!parse_arguments (&serve, argc, argv, &error) || !start (&serve, &error))
    {
      cli_print_error ("serve", error);
      serve_clear (&serve);
      return CLI_EXIT_FAILURE;
    }
  sigint_id = g_unix_signal_add (SIGINT, on_signal, &serve);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &serve);
  g_main_loop_run (serve.loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  shut_down (&serve);
  serve_clear (&serve);
  return CLI_EXIT_SUCCESS;
}
