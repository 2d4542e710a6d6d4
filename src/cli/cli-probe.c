/* cli-probe.c — `dimse probe`: which SOP classes, transfer syntaxes and
 * roles a peer accepts (PS3.7 Annex D), as a table, JSON or CSV */
#include "config.h"

#include <stdio.h>

#include "cli-common.h"
#include "cli-private.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-pdu.h"
#include "dimse-probe.h"

typedef struct {
  CliCommonOptions  options;
  CliPeer           peer;
  char             *peer_text;
  char             *sop_classes;
  char             *username;
  gboolean          no_user_identity;
  gint              max_contexts;
  gboolean          json;
  gboolean          csv;
  gboolean          all;
  CliTraffic       *traffic;
  GMainLoop        *loop;
  int               exit_status;
} Probe;

static gboolean
entry_accepted (const DimseProbeEntry *entry)
{
  return entry->answered && entry->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE;
}

/* One line per SOP class with an accepted context: its transfer syntaxes
 * and the roles agreed. */
static void
print_accepted (GPtrArray *entries)
{
  guint n_rejected = 0;

  printf ("%s\n", _("Accepted:"));
  for (guint i = 0; i < entries->len;)
    {
      const DimseProbeEntry *first = entries->pdata[i];
      g_autoptr(GString) syntaxes = g_string_new (NULL);
      const DimseProbeEntry *roles = NULL;
      guint j = i;

      for (; j < entries->len
             && g_strcmp0 (((DimseProbeEntry *) entries->pdata[j])->sop_class_uid,
                           first->sop_class_uid) == 0; j++)
        {
          const DimseProbeEntry *entry = entries->pdata[j];

          if (!entry_accepted (entry))
            continue;
          g_string_append_printf (syntaxes, "%s%s", syntaxes->len > 0 ? ", " : "",
                                  dcm_uid_name (entry->transfer_syntax_uid));
          roles = roles != NULL ? roles : entry;
        }
      if (roles != NULL)
        printf (_("  %s: %s (we %s, peer %s)\n"), dcm_uid_name (first->sop_class_uid),
                syntaxes->str, dimse_probe_role_to_string (roles->requestor_roles),
                dimse_probe_role_to_string (roles->acceptor_roles));
      else
        n_rejected++;
      i = j;
    }
  printf (_("%u SOP classes proposed were not accepted in any transfer syntax "
            "(--all lists every answer).\n"), n_rejected);
}

static void
print_all (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const DimseProbeEntry *entry = entries->pdata[i];
      g_autofree char *result = dimse_probe_entry_describe_result (entry);

      printf ("  [%u/%u] %s | %s | %s", entry->association, entry->presentation_context_id,
              dcm_uid_name (entry->sop_class_uid), dcm_uid_name (entry->transfer_syntax_uid),
              result);
      if (entry_accepted (entry))
        printf (_(" | we %s, peer %s"), dimse_probe_role_to_string (entry->requestor_roles),
                dimse_probe_role_to_string (entry->acceptor_roles));
      printf ("\n");
    }
}

static void
print_table (Probe *p, DimseProbe *probe)
{
  GPtrArray *extended = dimse_probe_get_extended_negotiations (probe);
  const char *implementation = dimse_probe_get_peer_implementation_class_uid (probe);
  const char *version = dimse_probe_get_peer_implementation_version_name (probe);
  const char *description = NULL;

  printf (_("Conformance of %s, in %u associations\n"), p->peer_text,
          dimse_probe_get_n_associations (probe));
  if (implementation != NULL)
    printf (_("Peer implementation: %s%s%s, max PDU %u\n"), implementation,
            version != NULL ? " " : "", version != NULL ? version : "",
            dimse_probe_get_peer_max_pdu_length (probe));
  if (p->all)
    print_all (dimse_probe_get_entries (probe));
  else
    print_accepted (dimse_probe_get_entries (probe));
  if (extended->len > 0)
    printf ("%s\n", _("Extended negotiation:"));
  for (guint i = 0; i < extended->len; i++)
    {
      const DimseProbeExtendedNegotiation *en = extended->pdata[i];
      g_autofree char *words = dimse_probe_extended_negotiation_describe (en);

      printf ("  %s: %s\n", dcm_uid_name (en->sop_class_uid), words);
    }
  dimse_probe_get_user_identity (probe, &description);
  printf (_("User identity: %s\n"), description);
}

/* A peer that takes DICOM over TLS only (PS3.15 Annex B.1) closes the
 * connection, or never answers, when an A-ASSOCIATE-RQ comes in plain. */
static void
print_tls_hint (Probe *p, DimseProbe *probe, const GError *error)
{
  g_autoptr(DimseTlsSettings) tls = cli_common_options_get_tls (&p->options, &p->peer);

  if (tls != NULL || dimse_probe_get_peer_implementation_class_uid (probe) != NULL
      || !(g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION)
           || g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT)))
    return;
  g_printerr (_("dimse probe: no association came about over plain TCP; if %s takes DICOM "
                "over TLS only, give --tls-ca (and --tls-cert, --tls-key).\n"), p->peer_text);
}

static void
on_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Probe *p = user_data;
  DimseProbe *probe = DIMSE_PROBE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  gboolean ok = dimse_probe_run_finish (probe, result, &error);

  if (!ok)
    {
      cli_print_error ("probe", error);
      print_tls_hint (p, probe, error);
      p->exit_status = cli_error_is_refusal (error) ? CLI_EXIT_REFUSED : CLI_EXIT_FAILURE;
      g_clear_error (&error);
    }
  else
    p->exit_status = CLI_EXIT_SUCCESS;
  fflush (stdout);
  if (p->json)
    dimse_probe_export_json (probe, out, NULL, &error);
  else if (p->csv)
    dimse_probe_export_csv (probe, out, NULL, &error);
  else if (ok)
    print_table (p, probe);
  if (error != NULL)
    {
      cli_print_error ("probe", error);
      p->exit_status = CLI_EXIT_FAILURE;
    }
  else if (p->json || p->csv)
    {
      GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (out);

      fwrite (g_memory_output_stream_get_data (memory), 1,
              g_memory_output_stream_get_data_size (memory), stdout);
    }
  fflush (stdout);
  g_main_loop_quit (p->loop);
}

static void
on_progress (DimseProbe *probe, guint done, guint total, gpointer user_data)
{
  Probe *p = user_data;

  if (p->options.verbose)
    g_printerr (_("probe: %u of %u associations done\n"), done, total);
}

static gboolean
parse_arguments (Probe *p, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));
  const GOptionEntry entries[] = {
    { "sop-classes", 0, 0, G_OPTION_ARG_STRING, &p->sop_classes,
      N_("Groups to probe, comma-separated: all (default), verification, storage, qr, "
         "worklist, mpps, commitment, print"), N_("GROUPS") },
    { "max-contexts", 0, 0, G_OPTION_ARG_INT, &p->max_contexts,
      N_("Presentation contexts per association, 1 to 128 (default 128)"), N_("N") },
    { "username", 0, 0, G_OPTION_ARG_STRING, &p->username,
      N_("The username of the user identity probe (default dimsebench)"), N_("NAME") },
    { "no-user-identity", 0, 0, G_OPTION_ARG_NONE, &p->no_user_identity,
      N_("Do not probe user identity negotiation"), NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &p->all,
      N_("List the answer to every SOP class and transfer syntax"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &p->json, N_("Print the result as JSON"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &p->csv, N_("Print the result as CSV"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context,
                                _("Proposes the known SOP classes in each transfer syntax to "
                                  "PEER (AET@host:port), in batches of at most 128 "
                                  "presentation contexts, and prints what it accepts, in "
                                  "which roles, its answers to extended negotiation and to "
                                  "a user identity.\nExit status: 0 success, 2 failure, 3 "
                                  "association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&p->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&p->options, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give one PEER as AET@host:port (see --help)."));
      return FALSE;
    }
  if (p->json && p->csv)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give --json or --csv, not both."));
      return FALSE;
    }
  if (p->max_contexts < 0 || p->max_contexts > DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-contexts must be from 1 to %d."),
                   DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS);
      return FALSE;
    }
  if (!cli_peer_parse (argv[1], &p->peer, error))
    return FALSE;
  p->peer_text = cli_peer_to_string (&p->peer);
  return TRUE;
}

static void
probe_clear (Probe *p)
{
  g_clear_pointer (&p->traffic, cli_traffic_free);
  g_clear_pointer (&p->loop, g_main_loop_unref);
  g_clear_pointer (&p->peer_text, g_free);
  g_clear_pointer (&p->sop_classes, g_free);
  g_clear_pointer (&p->username, g_free);
  cli_peer_clear (&p->peer);
  cli_common_options_clear (&p->options);
}

int
cli_probe_run (int argc, char **argv)
{
  Probe p = { 0 };
  g_autoptr(DimseProbe) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseTlsSettings) tls = NULL;
  DimseProbeServices services = DIMSE_PROBE_ALL;
  DimseTimeouts timeouts;
  int exit_status;

  g_set_prgname ("dimse probe");
  cli_common_options_init (&p.options);
  if (!parse_arguments (&p, argc, argv, &error)
      || (p.sop_classes != NULL && !dimse_probe_services_parse (p.sop_classes, &services,
                                                                &error)))
    {
      cli_print_error ("probe", error);
      probe_clear (&p);
      return CLI_EXIT_FAILURE;
    }
  probe = dimse_probe_new (p.options.ae_title, p.peer.ae_title, p.peer.host, p.peer.port);
  dimse_probe_set_services (probe, services);
  if (p.max_contexts > 0)
    dimse_probe_set_max_contexts (probe, (guint) p.max_contexts);
  if (p.no_user_identity)
    dimse_probe_set_username (probe, NULL);
  else if (p.username != NULL)
    dimse_probe_set_username (probe, p.username);
  cli_common_options_get_timeouts (&p.options, &timeouts);
  dimse_probe_set_timeouts (probe, &timeouts);
  tls = cli_common_options_get_tls (&p.options, &p.peer);
  dimse_probe_set_tls (probe, tls);
  if (p.options.max_pdu >= 0)
    dimse_probe_set_max_pdu_length (probe, (guint32) p.options.max_pdu);
  if (p.options.verbose)
    {
      p.traffic = cli_traffic_new ();
      dimse_probe_set_recorder (probe, cli_traffic_get_recorder (p.traffic));
    }
  g_signal_connect (probe, "progress", G_CALLBACK (on_progress), &p);
  p.loop = g_main_loop_new (NULL, FALSE);
  p.exit_status = CLI_EXIT_FAILURE;
  dimse_probe_run_async (probe, NULL, on_probed, &p);
  g_main_loop_run (p.loop);
  exit_status = p.exit_status;
  probe_clear (&p);
  return exit_status;
}
