/* bench/echo.c — `bench-echo`: associations per second and C-ECHO round
 * trips per second through the engine, as requestor against any
 * Verification SCP or, with --server, as the Verification SCP itself.
 * bench/echo.sh runs it beside DCMTK's echoscu and storescp. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "dcm-uid.h"
#include "dimse-association.h"
#include "dimse-echo.h"
#include "dimse-server.h"
#include "dimse-status.h"

typedef struct {
  char     *host;
  int       port;
  char     *called_aet;
  char     *calling_aet;
  int       n_associations;
  int       n_echoes;
  int       parallel;
  gboolean  server;
} Options;

typedef struct {
  const Options          *options;
  DimseAssociationParams *params;
  DimseTimeouts           timeouts;
  GMainLoop              *loop;
  GError                 *error;
  guint                   n_started;
  guint                   n_released;
  guint                   n_echoed;
  gint64                  started_us;
  gint64                  finished_us;
} Bench;

static void
bench_fail (Bench *bench, GError *error)
{
  if (bench->error == NULL)
    bench->error = error;
  else
    g_error_free (error);
  g_main_loop_quit (bench->loop);
}

/* A C-ECHO answered with anything but Success ends the run: a rate of
 * failures is no rate of round trips. */
static gboolean
echo_succeeded (Bench *bench, DimseAssociation *assoc, GAsyncResult *result)
{
  GError *error = NULL;
  guint16 status = 0;

  if (!dimse_echo_finish (assoc, result, &status, &error))
    {
      bench_fail (bench, error);
      return FALSE;
    }
  if (dimse_status_class (status) != DIMSE_STATUS_SUCCESS)
    {
      bench_fail (bench, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                      "%s answered the C-ECHO with status 0x%04X.",
                                      dimse_association_get_peer_name (assoc), status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
released (Bench *bench, GObject *source, GAsyncResult *result)
{
  GError *error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error))
    {
      bench_fail (bench, error);
      return FALSE;
    }
  return TRUE;
}

/* The association, or NULL once the run has failed. */
static DimseAssociation *
requested (Bench *bench, GAsyncResult *result)
{
  GError *error = NULL;
  DimseAssociation *assoc = dimse_association_request_finish (result, &error);

  if (assoc == NULL)
    bench_fail (bench, error);
  return assoc;
}

static void
request_association (Bench *bench, GAsyncReadyCallback callback)
{
  dimse_association_request_async (bench->params, bench->options->host,
                                   (guint16) bench->options->port, &bench->timeouts, NULL,
                                   NULL, callback, bench);
}

/* ---- associations per second: each one C-ECHO, then A-RELEASE ---- */

static void start_association (Bench *bench);

static void
on_association_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;

  if (!released (bench, source, result))
    return;
  bench->n_released++;
  if (bench->n_released == (guint) bench->options->n_associations)
    {
      bench->finished_us = g_get_monotonic_time ();
      g_main_loop_quit (bench->loop);
      return;
    }
  start_association (bench);
}

static void
on_association_echoed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);

  if (!echo_succeeded (bench, assoc, result))
    return;
  dimse_association_release_async (assoc, NULL, on_association_released, bench);
}

static void
on_association_requested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;
  g_autoptr(DimseAssociation) assoc = requested (bench, result);

  if (assoc == NULL)
    return;
  dimse_echo_async (assoc, NULL, on_association_echoed, bench);
}

static void
start_association (Bench *bench)
{
  if (bench->error != NULL || bench->n_started == (guint) bench->options->n_associations)
    return;
  bench->n_started++;
  request_association (bench, on_association_requested);
}

static gboolean
run_associations (Bench *bench, GError **error)
{
  int i;

  bench->started_us = g_get_monotonic_time ();
  for (i = 0; i < bench->options->parallel; i++)
    start_association (bench);
  g_main_loop_run (bench->loop);
  if (bench->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&bench->error),
                                  "After %u of %d associations: ", bench->n_released,
                                  bench->options->n_associations);
      return FALSE;
    }
  return TRUE;
}

/* ---- round trips per second: C-ECHO after C-ECHO on one association ---- */

static void
on_round_trips_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;

  if (released (bench, source, result))
    g_main_loop_quit (bench->loop);
}

static void
on_round_trip (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);

  if (!echo_succeeded (bench, assoc, result))
    return;
  bench->n_echoed++;
  if (bench->n_echoed < (guint) bench->options->n_echoes)
    {
      dimse_echo_async (assoc, NULL, on_round_trip, bench);
      return;
    }
  bench->finished_us = g_get_monotonic_time ();
  dimse_association_release_async (assoc, NULL, on_round_trips_released, bench);
}

static void
on_round_trips_requested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;
  g_autoptr(DimseAssociation) assoc = requested (bench, result);

  if (assoc == NULL)
    return;
  bench->started_us = g_get_monotonic_time ();
  dimse_echo_async (assoc, NULL, on_round_trip, bench);
}

static gboolean
run_round_trips (Bench *bench, GError **error)
{
  request_association (bench, on_round_trips_requested);
  g_main_loop_run (bench->loop);
  if (bench->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&bench->error),
                                  "C-ECHO %u of %d: ", bench->n_echoed + 1,
                                  bench->options->n_echoes);
      return FALSE;
    }
  return TRUE;
}

static double
elapsed_seconds (const Bench *bench)
{
  double seconds = (double) (bench->finished_us - bench->started_us) / G_USEC_PER_SEC;

  return seconds > 0 ? seconds : 1e-6;
}

static int
run_client (const Options *options)
{
  Bench bench = { .options = options };
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(DimseAssociationParams) params = NULL;
  double seconds;

  params = dimse_association_params_new (options->calling_aet, options->called_aet);
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  bench.params = params;
  bench.loop = loop;
  dimse_timeouts_init (&bench.timeouts);
  if (options->n_associations > 0)
    {
      if (!run_associations (&bench, &error))
        goto failed;
      seconds = elapsed_seconds (&bench);
      printf ("associations/s %.1f  (%d associations, each one C-ECHO, in %.3f s, %d at a time)\n",
              options->n_associations / seconds, options->n_associations, seconds,
              options->parallel);
      fflush (stdout);
    }
  if (options->n_echoes > 0)
    {
      if (!run_round_trips (&bench, &error))
        goto failed;
      seconds = elapsed_seconds (&bench);
      printf ("round-trips/s %.1f  (%d C-ECHO on one association in %.3f s)\n",
              options->n_echoes / seconds, options->n_echoes, seconds);
    }
  return EXIT_SUCCESS;

failed:
  g_printerr ("bench-echo: %s\n", error->message);
  return EXIT_FAILURE;
}

/* ---- --server: the engine's Verification SCP ---- */

typedef struct {
  guint n_started;
  guint n_failed;
} Served;

static void
on_served_association (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Served *served = user_data;

  served->n_started++;
  dimse_echo_scp_attach (assoc);
}

static void
on_served_failure (DimseServer *server, const char *why, gpointer user_data)
{
  Served *served = user_data;

  served->n_failed++;
  g_printerr ("bench-echo: %s\n", why);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
run_server (const Options *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(DimseServer) server = NULL;
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new (options->called_aet);
  Served served = { 0 };

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  server = dimse_server_new (policy, NULL);
  dimse_server_set_max_associations (server, 0);
  g_signal_connect (server, "association-started", G_CALLBACK (on_served_association), &served);
  g_signal_connect (server, "association-failed", G_CALLBACK (on_served_failure), &served);
  if (!dimse_server_listen (server, options->host, (guint16) options->port, &error))
    {
      g_printerr ("bench-echo: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  printf ("listening on %s port %u as %s\n", options->host, dimse_server_get_port (server),
          options->called_aet);
  fflush (stdout);
  g_main_loop_run (loop);
  dimse_server_stop (server);
  printf ("served %u associations (%u failed)\n", served.n_started, served.n_failed);
  return EXIT_SUCCESS;
}

/* ---- arguments ---- */

static gboolean
parse_options (Options *options, int argc, char **argv, GError **error)
{
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host,
      "Peer to connect to, or address to listen on (127.0.0.1)", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port, "TCP port", "PORT" },
    { "called-aet", 0, 0, G_OPTION_ARG_STRING, &options->called_aet,
      "Called AE title (with --server: the AE title answered to)", "AET" },
    { "calling-aet", 0, 0, G_OPTION_ARG_STRING, &options->calling_aet,
      "Calling AE title (BENCHSCU)", "AET" },
    { "associations", 0, 0, G_OPTION_ARG_INT, &options->n_associations,
      "Associations to open, one C-ECHO each (500; 0 skips)", "N" },
    { "echoes-per-association", 0, 0, G_OPTION_ARG_INT, &options->n_echoes,
      "C-ECHOs back to back on one association (5000; 0 skips)", "M" },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &options->parallel,
      "Associations open at once (1)", "K" },
    { "server", 0, 0, G_OPTION_ARG_NONE, &options->server,
      "Run the engine's Verification SCP until SIGTERM or SIGINT", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_summary (context,
                                "Measures associations per second and C-ECHO round trips "
                                "per second with the dimse engine.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (options->port <= 0 || options->port > G_MAXUINT16 || options->called_aet == NULL
      || options->n_associations < 0 || options->n_echoes < 0 || options->parallel < 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Give --port (1 to 65535) and --called-aet; counts may not be negative "
                   "and --parallel is at least 1.");
      return FALSE;
    }
  return TRUE;
}

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->host, g_free);
  g_clear_pointer (&options->called_aet, g_free);
  g_clear_pointer (&options->calling_aet, g_free);
}

int
main (int argc, char **argv)
{
  Options options = {
    .n_associations = 500, .n_echoes = 5000, .parallel = 1,
  };
  g_autoptr(GError) error = NULL;
  int status;

  if (!parse_options (&options, argc, argv, &error))
    {
      g_printerr ("bench-echo: %s\n", error->message);
      options_clear (&options);
      return EXIT_FAILURE;
    }
  if (options.host == NULL)
    options.host = g_strdup ("127.0.0.1");
  if (options.calling_aet == NULL)
    options.calling_aet = g_strdup ("BENCHSCU");
  status = options.server ? run_server (&options) : run_client (&options);
  options_clear (&options);
  return status;
}
