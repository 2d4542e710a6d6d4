/* cli-mpps.c — `dimse mpps`: Modality Performed Procedure Step as SCU
 * (PS3.4 Annex F.7): create a step IN PROGRESS (N-CREATE), then complete
 * or discontinue it, or change it (N-SET) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-nservice.h"
#include "cli-private.h"
#include "dcm-uid.h"
#include "dimse-mpps.h"

typedef enum {
  MPPS_CREATE,
  MPPS_COMPLETE,
  MPPS_DISCONTINUE,
  MPPS_SET,
} MppsAction;

typedef struct {
  CliNSession  session;
  MppsAction   action;
  char        *instance;
  char        *json_file;
  char       **keys;
  gboolean     bare;
  DcmDataSet  *data_set;
} Mpps;

static CliNNext
mpps_next (CliNSession *session, const DimseNResult *previous, gpointer user_data)
{
  Mpps *mpps = user_data;
  DimseNRequest request = {
    .command = mpps->action == MPPS_CREATE ? DIMSE_N_CREATE_RQ : DIMSE_N_SET_RQ,
    .sop_class_uid = DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
    .sop_instance_uid = mpps->instance, .data_set = mpps->data_set,
  };

  if (previous != NULL)
    {
      if (previous->command == DIMSE_N_CREATE_RSP && previous->status == 0x0000
          && previous->affected_sop_instance_uid != NULL)
        printf (_("Created step %s\n"), previous->affected_sop_instance_uid);
      return CLI_N_NEXT_DONE;
    }
  cli_n_session_send (session, &request);
  return CLI_N_NEXT_SENT;
}

static gboolean
parse_action (Mpps *mpps, int argc, char **argv, GError **error)
{
  static const struct { const char *name; MppsAction action; gboolean needs_uid; } actions[] = {
    { "create", MPPS_CREATE, FALSE },
    { "complete", MPPS_COMPLETE, TRUE },
    { "discontinue", MPPS_DISCONTINUE, TRUE },
    { "set", MPPS_SET, TRUE },
  };

  if (argc < 3)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give a PEER and create, complete UID, discontinue UID or set UID "
                     "(see --help)."));
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      if (strcmp (argv[2], actions[i].name) != 0)
        continue;
      mpps->action = actions[i].action;
      if (actions[i].needs_uid != (argc == 4) || argc > 4)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       actions[i].needs_uid ? _("“%s” takes the step's SOP Instance UID.")
                                            : _("“%s” takes no further argument (the UID "
                                                "goes with --instance)."),
                       actions[i].name);
          return FALSE;
        }
      if (actions[i].needs_uid)
        {
          g_free (mpps->instance);
          mpps->instance = g_strdup (argv[3]);
        }
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
               _("“%s” is not create, complete, discontinue or set."), argv[2]);
  return FALSE;
}

static gboolean
build_data_set (Mpps *mpps, GError **error)
{
  mpps->data_set = cli_n_load_data_set (mpps->json_file, mpps->keys, error);
  if (mpps->data_set == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      mpps->data_set = dcm_data_set_new ();
    }
  if (mpps->bare)
    return TRUE;
  switch (mpps->action)
    {
    case MPPS_CREATE:
      return dimse_mpps_fill_in_progress (mpps->data_set, mpps->session.options.ae_title,
                                          error);
    case MPPS_COMPLETE:
      return dimse_mpps_fill_final (mpps->data_set, DIMSE_MPPS_COMPLETED,
                                    mpps->session.options.ae_title, error);
    case MPPS_DISCONTINUE:
      return dimse_mpps_fill_final (mpps->data_set, DIMSE_MPPS_DISCONTINUED,
                                    mpps->session.options.ae_title, error);
    case MPPS_SET:
    default:
      return TRUE;
    }
}

static gboolean
parse_arguments (Mpps *mpps, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (
    _("PEER create|complete UID|discontinue UID|set UID"));
  GOptionEntry entries[] = {
    { "instance", 'i', 0, G_OPTION_ARG_STRING, &mpps->instance,
      N_("create: the new step's SOP Instance UID (default: the peer assigns one)"), N_("UID") },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &mpps->json_file,
      N_("Attributes from a DICOM JSON file"), N_("FILE") },
    { "key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &mpps->keys,
      N_("An attribute (over --json), e.g. -k PatientID=P1"), N_("KEY=VALUE") },
    { "bare", 0, 0, G_OPTION_ARG_NONE, &mpps->bare,
      N_("Send only the attributes given, without completing the required ones"), NULL },
    { NULL },
  };

  g_option_context_set_summary (
    context,
    _("Drives a Modality Performed Procedure Step on PEER (AET@host:port):\n"
      "  create           N-CREATE a step IN PROGRESS; the attributes PS3.4 Table F.7.2-1\n"
      "                   requires are filled in (start now, Modality OT, a new study)\n"
      "                   unless given with -k or --json\n"
      "  complete UID     N-SET the step COMPLETED with end date and time and a\n"
      "                   performed series\n"
      "  discontinue UID  N-SET the step DISCONTINUED, likewise\n"
      "  set UID          N-SET only the attributes given\n"
      "Exit status: 0 success, 1 warning, 2 failure, 3 association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_n_session_add_options (&mpps->session, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&mpps->session.options, error)
      || !parse_action (mpps, argc, argv, error))
    return FALSE;
  if (mpps->instance != NULL && !dcm_uid_is_valid (mpps->instance))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("“%s” is not a UID."),
                   mpps->instance);
      return FALSE;
    }
  if (!cli_peer_parse (argv[1], &mpps->session.peer, error))
    return FALSE;
  mpps->session.peer_text = cli_peer_to_string (&mpps->session.peer);
  return build_data_set (mpps, error);
}

static void
mpps_clear (Mpps *mpps)
{
  cli_n_session_clear (&mpps->session);
  g_free (mpps->instance);
  g_free (mpps->json_file);
  g_strfreev (mpps->keys);
  g_clear_pointer (&mpps->data_set, dcm_data_set_unref);
}

int
cli_mpps_run (int argc, char **argv)
{
  Mpps mpps = { 0 };
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status;

  g_set_prgname ("dimse mpps");
  cli_n_session_init (&mpps.session, "mpps");
  if (!parse_arguments (&mpps, argc, argv, &error))
    {
      cli_print_error ("mpps", error);
      mpps_clear (&mpps);
      return CLI_EXIT_FAILURE;
    }
  params = cli_n_session_build_params (&mpps.session);
  dimse_association_params_add_context (params, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
                                        NULL, DIMSE_ROLE_DEFAULT);
  mpps.session.next = mpps_next;
  mpps.session.user_data = &mpps;
  exit_status = cli_n_session_run (&mpps.session, params);
  mpps_clear (&mpps);
  return exit_status;
}
