/* cli-main.c — `dimse`: the command-line face of the engine */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli-private.h"

static const CliCommand commands[] = {
  { "dump", N_("Print the elements of DICOM files or their DICOM JSON (like dcmdump)"),
    cli_dump_run },
  { "echo", N_("Send a C-ECHO to a peer and say how it answered (like echoscu)"), cli_echo_run },
  { "find", N_("Send a C-FIND to a peer and print the matches (like findscu)"), cli_find_run },
  { "get", N_("Send a C-GET and store the instances sent back (like getscu)"), cli_get_run },
  { "listen", N_("Store what C-STORE sends into a folder, answer C-ECHO (like storescp)"),
    cli_listen_run },
  { "move", N_("Send a C-MOVE, to another AE or to a Storage SCP run here (like movescu)"),
    cli_move_run },
  { "serve", N_("Serve a folder as a Query/Retrieve and Storage archive (like dcmqrscp)"),
    cli_serve_run },
  { "store", N_("Send DICOM files and folders to a peer with C-STORE (like storescu)"),
    cli_store_run },
  { "qido", N_("Search a DICOMweb service with QIDO-RS and print the matches"), cli_qido_run },
  { "wado", N_("Retrieve a study, series or instance with WADO-RS into a folder"), cli_wado_run },
  { "stow", N_("Send DICOM files and folders to a DICOMweb service with STOW-RS"), cli_stow_run },
  { "n-get", N_("Send an N-GET for attributes of a SOP instance and print them"), cli_n_get_run },
  { "n-set", N_("Send an N-SET with a modification list to a SOP instance"), cli_n_set_run },
  { "n-action", N_("Send an N-ACTION with an action type to a SOP instance"), cli_n_action_run },
  { "n-create", N_("Send an N-CREATE to make a SOP instance on a peer"), cli_n_create_run },
  { "n-delete", N_("Send an N-DELETE of a SOP instance"), cli_n_delete_run },
  { "n-event-report", N_("Send an N-EVENT-REPORT about a SOP instance"), cli_n_event_report_run },
  { "commit", N_("Ask a peer to commit to storing instances and print its answer"), cli_commit_run },
  { "mpps", N_("Create, complete or discontinue a Modality Performed Procedure Step"), cli_mpps_run },
  { "print", N_("Print a grayscale test film on a DICOM printer (Basic Print Management)"), cli_print_run },
  { "probe", N_("Find which SOP classes, transfer syntaxes and roles a peer accepts"), cli_probe_run },
  { "move-doctor", N_("Check a C-MOVE destination and say which leg fails"), cli_move_doctor_run },
  { "pcap", N_("Print the DICOM associations of a pcap or pcapng capture"), cli_pcap_run },
};

void
cli_print_error (const char *subcommand, const GError *error)
{
  g_printerr ("dimse %s: %s\n", subcommand, error->message);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: dimse [--help] [--version] COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("DICOM networking workbench: the command-line tool."));
  fprintf (out, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-15s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("PEER is AET@host:port: the called AE title (DCMTK's -aec; ANY-SCP "
                             "when left out), the host and the port."));
  fprintf (out, "%s\n", _("Run 'dimse COMMAND --help' for the options of a command."));
  fprintf (out, "%s\n", _("Exit status: 0 success, 1 warning, 2 failure, 3 association refused or aborted."));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return CLI_EXIT_FAILURE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return CLI_EXIT_SUCCESS;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("dimse %s\n", PACKAGE_VERSION);
      return CLI_EXIT_SUCCESS;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("dimse: unknown command “%s”; see 'dimse --help'\n"), argv[1]);
  return CLI_EXIT_FAILURE;
}
