/* cli-pcap.c — `dimse pcap`: the DICOM associations of a pcap or pcapng
 * capture, printed as -v prints live traffic */
#include "config.h"

#include <stdio.h>

#include "cli-common.h"
#include "cli-private.h"
#include "dimse-pcap-import.h"

int
cli_pcap_run (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CliTraffic) traffic = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GInputStream) buffered = NULL;
  DimsePcapImportStats stats = { 0 };
  gint port = 0;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("The TCP port DICOM runs on in the capture (default: 104, 11112 and any port a connection opens with an A-ASSOCIATE-RQ on)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  g_set_prgname ("dimse pcap");
  g_option_context_set_summary (context,
                                _("Reads a pcap or pcapng capture and prints the DICOM "
                                  "associations on --port in it, PDU by PDU, as -v prints "
                                  "live traffic (to stderr), then a summary.\nExit status: 0 "
                                  "success, 2 failure (not a capture, unreadable)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      cli_print_error ("pcap", error);
      return CLI_EXIT_FAILURE;
    }
  if (argc != 2 || port < 0 || port > G_MAXUINT16)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give one FILE and, with --port, a port from 1 to 65535 (see --help)."));
      cli_print_error ("pcap", error);
      return CLI_EXIT_FAILURE;
    }
  file = g_file_new_for_commandline_arg (argv[1]);
  in = g_file_read (file, NULL, &error);
  if (in == NULL)
    {
      cli_print_error ("pcap", error);
      return CLI_EXIT_FAILURE;
    }
  buffered = g_buffered_input_stream_new_sized (G_INPUT_STREAM (in), 256 * 1024);
  traffic = cli_traffic_new ();
  if (!dimse_pcap_import (cli_traffic_get_recorder (traffic), buffered, (guint16) port, &stats,
                          NULL, &error))
    {
      cli_print_error ("pcap", error);
      return CLI_EXIT_FAILURE;
    }
  printf (_("%u associations, %llu PDUs, %llu DIMSE messages in %llu packets (%llu TCP "
            "segments, %llu packets not understood, %llu bytes missing from the capture)\n"),
          stats.n_associations, (unsigned long long) stats.n_pdus,
          (unsigned long long) stats.n_messages, (unsigned long long) stats.n_packets,
          (unsigned long long) stats.n_segments, (unsigned long long) stats.n_skipped,
          (unsigned long long) stats.n_gaps);
  return CLI_EXIT_SUCCESS;
}
