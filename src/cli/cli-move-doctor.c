/* cli-move-doctor.c — `dimse move-doctor`: checks that a peer can C-MOVE
 * to a destination AE title that reaches this machine, and says which leg
 * failed (PS3.4 §C.4.2) */
#include "config.h"

#include <stdio.h>

#include "cli-common.h"
#include "cli-private.h"
#include "dimse-move-doctor.h"

typedef struct {
  CliCommonOptions  options;
  CliPeer           peer;
  char             *destination;
  gint              port;
  gint              wait_s;
  char             *sop_instance_uid;
  char             *study_uid;
  char             *series_uid;
  char             *expected_address;
  gboolean          no_return_tls;
  DimseTlsSettings *tls;
  CliTraffic       *traffic;
  GMainLoop        *loop;
  int               exit_status;
} Doctor;

static void
on_step (DimseMoveDoctor *doctor, const char *what, gpointer user_data)
{
  g_printerr ("move-doctor: %s\n", what);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Doctor *d = user_data;
  DimseMoveDoctor *doctor = DIMSE_MOVE_DOCTOR (source);
  g_autoptr(GError) error = NULL;
  DimseMoveDoctorDiagnosis diagnosis;

  if (!dimse_move_doctor_run_finish (doctor, result, &error))
    {
      cli_print_error ("move-doctor", error);
      g_main_loop_quit (d->loop);
      return;
    }
  diagnosis = dimse_move_doctor_get_diagnosis (doctor);
  printf (_("Diagnosis: %s\n"), dimse_move_doctor_diagnosis_to_string (diagnosis));
  printf ("%s\n", dimse_move_doctor_get_explanation (doctor));
  if (dimse_move_doctor_get_move_status (doctor) != 0xFFFF)
    printf (_("C-MOVE final status: 0x%04X\n"), dimse_move_doctor_get_move_status (doctor));
  if (dimse_move_doctor_get_return_rq_description (doctor) != NULL)
    printf (_("The A-ASSOCIATE-RQ of the association back, from %s:\n%s"),
            dimse_move_doctor_get_return_address (doctor),
            dimse_move_doctor_get_return_rq_description (doctor));
  fflush (stdout);
  d->exit_status = diagnosis == DIMSE_MOVE_DOCTOR_SUCCESS ? CLI_EXIT_SUCCESS
                   : diagnosis == DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE ? CLI_EXIT_REFUSED
                   : CLI_EXIT_FAILURE;
  g_main_loop_quit (d->loop);
}

static gboolean
parse_arguments (Doctor *d, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));
  const GOptionEntry entries[] = {
    { "dest", 0, 0, G_OPTION_ARG_STRING, &d->destination,
      N_("The move destination AE title to check (required)"), N_("AET") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &d->port,
      N_("The local port the peer's table gives for it, where we listen (required)"), N_("N") },
    { "wait", 0, 0, G_OPTION_ARG_INT, &d->wait_s,
      N_("Seconds to wait for the association back (default --timeout, or 10)"), N_("SECONDS") },
    { "sop-instance-uid", 0, 0, G_OPTION_ARG_STRING, &d->sop_instance_uid,
      N_("The instance to move (default: the first one a C-FIND finds)"), N_("UID") },
    { "study-uid", 0, 0, G_OPTION_ARG_STRING, &d->study_uid,
      N_("With --sop-instance-uid: its Study Instance UID"), N_("UID") },
    { "series-uid", 0, 0, G_OPTION_ARG_STRING, &d->series_uid,
      N_("With --sop-instance-uid: its Series Instance UID"), N_("UID") },
    { "expect-from", 0, 0, G_OPTION_ARG_STRING, &d->expected_address,
      N_("The address the association back should come from (default: the peer's)"),
      N_("ADDRESS") },
    { "no-return-tls", 0, 0, G_OPTION_ARG_NONE, &d->no_return_tls,
      N_("Listen for the association back over plain TCP, even with TLS to PEER"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context,
                                _("Starts a Storage SCP on --port, asks PEER (AET@host:port) "
                                  "to C-MOVE one instance to --dest, and says which leg "
                                  "failed: the move refused (0xA801), no association back, "
                                  "one from an unexpected address or to the wrong AE title, "
                                  "storage contexts rejected, or the C-STORE failed.\nExit "
                                  "status: 0 the destination works, 2 a leg failed, 3 no "
                                  "association with PEER.\nWith TLS to PEER (--tls-… options "
                                  "or a node over TLS), the Storage SCP speaks TLS too, with "
                                  "our certificate and key, and checks the peer's against "
                                  "--tls-ca."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&d->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&d->options, error))
    return FALSE;
  if (argc != 2 || d->destination == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give --dest AET, --port N and one PEER as AET@host:port (see --help)."));
      return FALSE;
    }
  if (d->port < 1 || d->port > G_MAXUINT16 || d->wait_s < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--port must be from 1 to 65535 and --wait a number of seconds."));
      return FALSE;
    }
  if (!cli_peer_parse (argv[1], &d->peer, error))
    return FALSE;
  d->tls = cli_common_options_get_tls (&d->options, &d->peer);
  if (d->tls != NULL && d->tls->certificate_file == NULL && !d->no_return_tls)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The Storage SCP for the association back needs our own certificate "
                     "over TLS: give --tls-cert and --tls-key, or --no-return-tls."));
      return FALSE;
    }
  return TRUE;
}

static void
doctor_clear (Doctor *d)
{
  g_clear_pointer (&d->traffic, cli_traffic_free);
  g_clear_pointer (&d->loop, g_main_loop_unref);
  g_clear_pointer (&d->destination, g_free);
  g_clear_pointer (&d->sop_instance_uid, g_free);
  g_clear_pointer (&d->study_uid, g_free);
  g_clear_pointer (&d->series_uid, g_free);
  g_clear_pointer (&d->expected_address, g_free);
  g_clear_pointer (&d->tls, cli_tls_settings_free);
  cli_peer_clear (&d->peer);
  cli_common_options_clear (&d->options);
}

int
cli_move_doctor_run (int argc, char **argv)
{
  Doctor d = { 0 };
  g_autoptr(DimseMoveDoctor) doctor = NULL;
  g_autoptr(GError) error = NULL;
  DimseTimeouts timeouts;
  int exit_status;

  g_set_prgname ("dimse move-doctor");
  cli_common_options_init (&d.options);
  if (!parse_arguments (&d, argc, argv, &error))
    {
      cli_print_error ("move-doctor", error);
      doctor_clear (&d);
      return CLI_EXIT_FAILURE;
    }
  doctor = dimse_move_doctor_new (d.options.ae_title, d.peer.ae_title, d.peer.host, d.peer.port,
                                  d.destination, (guint16) d.port);
  if (d.wait_s == 0)
    d.wait_s = d.options.timeout_s;
  if (d.wait_s > 0)
    dimse_move_doctor_set_wait_seconds (doctor, (guint) d.wait_s);
  if (d.sop_instance_uid != NULL)
    dimse_move_doctor_set_instance (doctor, d.study_uid, d.series_uid, d.sop_instance_uid);
  if (d.expected_address != NULL)
    dimse_move_doctor_set_expected_address (doctor, d.expected_address);
  cli_common_options_get_timeouts (&d.options, &timeouts);
  dimse_move_doctor_set_timeouts (doctor, &timeouts);
  if (d.options.max_pdu >= 0)
    dimse_move_doctor_set_max_pdu_length (doctor, (guint32) d.options.max_pdu);
  dimse_move_doctor_set_tls (doctor, d.tls);
  if (!d.no_return_tls)
    dimse_move_doctor_set_listener_tls (doctor, d.tls);
  if (d.options.verbose)
    {
      d.traffic = cli_traffic_new ();
      dimse_move_doctor_set_recorder (doctor, cli_traffic_get_recorder (d.traffic));
      g_signal_connect (doctor, "step", G_CALLBACK (on_step), &d);
    }
  d.loop = g_main_loop_new (NULL, FALSE);
  d.exit_status = CLI_EXIT_FAILURE;
  dimse_move_doctor_run_async (doctor, NULL, on_done, &d);
  g_main_loop_run (d.loop);
  exit_status = d.exit_status;
  doctor_clear (&d);
  return exit_status;
}
