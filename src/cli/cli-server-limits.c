/* cli-server-limits.c — the limits every acceptor subcommand (listen,
 * serve) takes: associations at once, connections waiting, the largest
 * A-ASSOCIATE-RQ, ARTIM and the idle timeout. None can be switched off. */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-common.h"
#include "dimse-pdu.h"

void
cli_server_limits_init (CliServerLimits *limits)
{
  limits->max_associations = DIMSE_SERVER_DEFAULT_MAX_ASSOCIATIONS;
  limits->max_waiting = DIMSE_SERVER_DEFAULT_MAX_WAITING_CONNECTIONS;
  limits->artim_s = -1;
  limits->idle_timeout_s = -1;
}

/* The defaults said in --help are DIMSE_SERVER_DEFAULT_MAX_ASSOCIATIONS,
 * _MAX_WAITING_CONNECTIONS, DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH and
 * those of dimse_timeouts_init. */
void
cli_server_limits_add (CliServerLimits *limits, GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "max-associations", 0, 0, G_OPTION_ARG_INT, &limits->max_associations,
      N_("Associations at once; beyond them an A-ASSOCIATE-RQ is rejected (transient, local "
         "limit exceeded). Default 32, at least 1"), N_("N") },
    { "max-waiting", 0, 0, G_OPTION_ARG_INT, &limits->max_waiting,
      N_("Connections that have not yet sent their A-ASSOCIATE-RQ; one more closes the one "
         "waiting longest. Default 64, at least 1"), N_("N") },
    { "artim", 0, 0, G_OPTION_ARG_INT, &limits->artim_s,
      N_("Seconds a new connection has for its TLS handshake and A-ASSOCIATE-RQ (ARTIM, "
         "PS3.8 §9.1.5). Default 30 (--timeout when given), at least 1"), N_("SECONDS") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &limits->idle_timeout_s,
      N_("An association with no traffic for this many seconds is aborted. Default 600, at "
         "least 1"), N_("SECONDS") },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

static gboolean
check_limit (const char *option, gint64 value, gint64 max, GError **error)
{
  if (value >= 1 && value <= max)
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--%s must be from 1 to %lld (it cannot be switched off), not %lld."),
               option, (long long) max, (long long) value);
  return FALSE;
}

gboolean
cli_server_limits_check (const CliServerLimits *limits, GError **error)
{
  return check_limit ("max-associations", limits->max_associations, G_MAXINT, error)
         && check_limit ("max-waiting", limits->max_waiting, G_MAXINT, error)
         && (limits->artim_s == -1
             || check_limit ("artim", limits->artim_s, G_MAXINT / 1000, error))
         && (limits->idle_timeout_s == -1
             || check_limit ("idle-timeout", limits->idle_timeout_s, G_MAXINT / 1000, error));
}

void
cli_server_limits_apply_timeouts (const CliServerLimits *limits, DimseTimeouts *timeouts)
{
  if (limits->artim_s > 0)
    timeouts->artim_timeout_ms = (guint) limits->artim_s * 1000;
  if (limits->idle_timeout_s > 0)
    timeouts->idle_timeout_ms = (guint) limits->idle_timeout_s * 1000;
}

void
cli_server_limits_apply (const CliServerLimits *limits, const CliCommonOptions *opts,
                         DimseServer *server)
{
  dimse_server_set_max_associations (server, (guint) limits->max_associations);
  dimse_server_set_max_waiting_connections (server, (guint) limits->max_waiting);
  dimse_server_set_max_associate_rq_length (server, opts->max_associate_length > 0
                                                    ? (guint32) opts->max_associate_length
                                                    : DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH);
}
