/* cli-echo.c — `dimse echo`: C-ECHO to a peer (PS3.4 Annex A) */
#include "config.h"

#include <stdio.h>

#include "cli-common.h"
#include "cli-private.h"
#include "dcm-uid.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-status.h"
#include "dimse-tls-info.h"

typedef struct {
  CliCommonOptions  options;
  CliPeer           peer;
  char             *peer_text;
  CliTraffic       *traffic;
  guint             traffic_id;
  GMainLoop        *loop;
  DimseAssociation *assoc;
  gint64            echo_started_us;
  int               exit_status;
} Echo;

static void
echo_fail (Echo *echo, const GError *error, int exit_status)
{
  cli_print_error ("echo", error);
  echo->exit_status = exit_status;
  g_main_loop_quit (echo->loop);
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Echo *echo = user_data;
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error)
      && echo->options.verbose)
    cli_print_error ("echo", error);
  g_main_loop_quit (echo->loop);
}

static void
print_peer_implementation (DimseAssociation *assoc)
{
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);

  if (result == NULL || result->peer_implementation_class_uid == NULL)
    return;
  printf (_("Peer implementation: %s%s%s\n"), result->peer_implementation_class_uid,
          result->peer_implementation_version_name != NULL ? " " : "",
          result->peer_implementation_version_name != NULL
            ? result->peer_implementation_version_name : "");
}

/* PS3.15 Annex B.1: whom the echo reached, as its certificate says. */
static void
print_tls (DimseAssociation *assoc)
{
  DimseTransport *transport = dimse_association_get_transport (assoc);
  g_autoptr(DimseTlsInfo) tls = transport != NULL ? dimse_tls_info_new_for_transport (transport)
                                                  : NULL;
  g_autofree char *verification = NULL;

  if (tls == NULL)
    return;
  verification = dimse_tls_info_describe_verification (tls);
  printf (_("TLS: %s, %s\n"), tls->protocol_version,
          tls->ciphersuite_name != NULL ? tls->ciphersuite_name : _("unknown cipher suite"));
  if (tls->has_peer_certificate)
    printf (_("Peer certificate: %s (%s)\n"),
            tls->peer_subject != NULL ? tls->peer_subject : _("unknown subject"), verification);
  else
    printf (_("Peer certificate: none presented\n"));
}

static int
exit_status_for (guint16 status)
{
  switch (dimse_status_class (status))
    {
    case DIMSE_STATUS_SUCCESS:
      return CLI_EXIT_SUCCESS;
    case DIMSE_STATUS_WARNING:
      return CLI_EXIT_WARNING;
    case DIMSE_STATUS_PENDING:
    case DIMSE_STATUS_CANCEL:
    case DIMSE_STATUS_FAILURE:
    default:
      return CLI_EXIT_FAILURE;
    }
}

static void
on_echoed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Echo *echo = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  g_autoptr(GError) error = NULL;
  guint16 status = 0;
  double elapsed_ms;

  if (!dimse_echo_finish (assoc, result, &status, &error))
    {
      /* Once associated, only an abort counts as a refusal: a C-ECHO
       * that times out is a failure of the service. */
      echo_fail (echo, error,
                 g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_ABORTED)
                 ? CLI_EXIT_REFUSED : CLI_EXIT_FAILURE);
      if (dimse_association_is_established (assoc))
        dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                                 DIMSE_ABORT_REASON_NOT_SPECIFIED);
      return;
    }
  elapsed_ms = (double) (g_get_monotonic_time () - echo->echo_started_us) / 1000.0;
  printf (_("C-ECHO to %s: %s (0x%04X) in %.2f ms\n"), echo->peer_text,
          dimse_status_meaning (status, DIMSE_C_ECHO_RQ), status, elapsed_ms);
  print_peer_implementation (assoc);
  print_tls (assoc);
  fflush (stdout);
  echo->exit_status = exit_status_for (status);
  dimse_association_release_async (assoc, NULL, on_released, echo);
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Echo *echo = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  echo->assoc = dimse_association_request_finish (result, &error);
  if (echo->assoc == NULL)
    {
      echo_fail (echo, error, CLI_EXIT_REFUSED);
      return;
    }
  if (echo->traffic != NULL)
    cli_traffic_watch (echo->traffic, echo->traffic_id, echo->assoc);
  echo->echo_started_us = g_get_monotonic_time ();
  dimse_echo_async (echo->assoc, NULL, on_echoed, echo);
}

static gboolean
parse_arguments (Echo *echo, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));

  g_option_context_set_summary (context,
                                _("Sends a C-ECHO to PEER (AET@host:port) and prints how it "
                                  "answered.\nExit status: 0 success, 2 failure, 3 association "
                                  "refused or aborted."));
  cli_common_options_add (&echo->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&echo->options, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give one PEER as AET@host:port (see --help)."));
      return FALSE;
    }
  if (!cli_peer_parse (argv[1], &echo->peer, error))
    return FALSE;
  echo->peer_text = cli_peer_to_string (&echo->peer);
  return TRUE;
}

static void
echo_clear (Echo *echo)
{
  g_clear_object (&echo->assoc);
  g_clear_pointer (&echo->traffic, cli_traffic_free);
  g_clear_pointer (&echo->loop, g_main_loop_unref);
  g_clear_pointer (&echo->peer_text, g_free);
  cli_peer_clear (&echo->peer);
  cli_common_options_clear (&echo->options);
}

int
cli_echo_run (int argc, char **argv)
{
  Echo echo = { 0 };
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status;

  g_set_prgname ("dimse echo");
  cli_common_options_init (&echo.options);
  if (!parse_arguments (&echo, argc, argv, &error))
    {
      cli_print_error ("echo", error);
      echo_clear (&echo);
      return CLI_EXIT_FAILURE;
    }
  params = cli_common_options_build_params (&echo.options, &echo.peer);
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  echo.loop = g_main_loop_new (NULL, FALSE);
  echo.exit_status = CLI_EXIT_FAILURE;
  if (echo.options.verbose)
    echo.traffic = cli_traffic_new ();
  echo.traffic_id = cli_common_request_async (&echo.options, &echo.peer, params, echo.traffic,
                                              on_associated, &echo);
  g_main_loop_run (echo.loop);
  exit_status = echo.exit_status;
  echo_clear (&echo);
  return exit_status;
}
