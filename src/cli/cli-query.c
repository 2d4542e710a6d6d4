/* cli-query.c — what `dimse find`, `dimse get` and `dimse move` share */
#include "config.h"

#include "cli-query.h"
#include "cli-private.h"
#include "dcm-tags.h"
#include "dimse-error.h"
#include "dimse-status.h"

gboolean
cli_query_resolve_model (const char *model, const CliQueryModel *models, gsize n_models,
                         const char *names, const char **uid, GError **error)
{
  const char *name = model != NULL ? model : "study";

  for (gsize i = 0; i < n_models; i++)
    if (g_ascii_strcasecmp (name, models[i].name) == 0)
      {
        *uid = models[i].uid;
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--model must be %s, not “%s”."), names, name);
  return FALSE;
}

gboolean
cli_query_resolve_level (char **level, GError **error)
{
  static const char *const levels[] = { "PATIENT", "STUDY", "SERIES", "IMAGE" };

  if (*level == NULL)
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strcasecmp (*level, levels[i]) == 0)
      {
        g_free (*level);
        *level = g_strdup (levels[i]);
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--level must be PATIENT, STUDY, SERIES or IMAGE, not “%s”."), *level);
  return FALSE;
}

DcmDataSet *
cli_query_build_identifier (char **keys, const char *level, GError **error)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();

  if (!cli_keys_add (identifier, keys, error))
    return NULL;
  if (level != NULL
      && !dcm_data_set_set_string (identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                   level, error))
    return NULL;
  return g_steal_pointer (&identifier);
}

gboolean
cli_query_parse_peer (int argc, char **argv, CliPeer *peer, char **peer_text, GError **error)
{
  if (argc != 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give one PEER, as AET@host:port or the name of a node (see --help)."));
      return FALSE;
    }
  if (!cli_peer_parse (argv[1], peer, error))
    return FALSE;
  *peer_text = cli_peer_to_string (peer);
  return TRUE;
}

int
cli_query_exit_status (guint16 status, gboolean cancel_succeeds)
{
  switch (dimse_status_class (status))
    {
    case DIMSE_STATUS_SUCCESS:
      return CLI_EXIT_SUCCESS;
    case DIMSE_STATUS_WARNING:
      return CLI_EXIT_WARNING;
    case DIMSE_STATUS_CANCEL:
      return cancel_succeeds ? CLI_EXIT_SUCCESS : CLI_EXIT_FAILURE;
    case DIMSE_STATUS_PENDING:
    case DIMSE_STATUS_FAILURE:
    default:
      return CLI_EXIT_FAILURE;
    }
}

void
cli_query_fail (CliQueryRun *run, const GError *error, int exit_status)
{
  cli_print_error (run->subcommand, error);
  run->exit_status = exit_status;
  g_main_loop_quit (run->loop);
}

gboolean
cli_query_fail_if_lost (CliQueryRun *run, DimseAssociation *assoc, const GError *error)
{
  if (dimse_association_is_established (assoc))
    return FALSE;
  cli_query_fail (run, error,
                  g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_ABORTED)
                  ? CLI_EXIT_REFUSED : CLI_EXIT_FAILURE);
  return TRUE;
}

guint
cli_query_request (const CliCommonOptions *opts, const CliPeer *peer,
                   const DimseAssociationParams *params, CliTraffic *traffic,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  return cli_common_request_async (opts, peer, params, traffic, callback, user_data);
}

DimseAssociation *
cli_query_request_finish (CliQueryRun *run, GAsyncResult *result, CliTraffic *traffic,
                          guint traffic_id)
{
  g_autoptr(GError) error = NULL;
  DimseAssociation *assoc = dimse_association_request_finish (result, &error);

  if (assoc == NULL)
    {
      cli_query_fail (run, error, CLI_EXIT_REFUSED);
      return NULL;
    }
  if (traffic != NULL)
    cli_traffic_watch (traffic, traffic_id, assoc);
  return assoc;
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CliQueryRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error)
      && run->verbose)
    cli_print_error (run->subcommand, error);
  g_main_loop_quit (run->loop);
}

void
cli_query_release (CliQueryRun *run, DimseAssociation *assoc, int exit_status)
{
  run->exit_status = exit_status;
  dimse_association_release_async (assoc, NULL, on_released, run);
}
