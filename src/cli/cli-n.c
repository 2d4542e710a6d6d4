/* cli-n.c — `dimse n-get`, `n-set`, `n-action`, `n-create`, `n-delete` and
 * `n-event-report`: one DIMSE-N request (PS3.7 §10.1) to any SOP class and
 * instance of a peer, its response printed with the status in words */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-nservice.h"
#include "cli-private.h"
#include "dcm-uids.h"

typedef struct {
  CliNSession       session;
  DimseCommandField command;
  const char       *name;
  char             *sop_class_text;
  char             *instance;
  char             *context_text;
  gint              type_id;
  char            **attrs;
  char             *json_file;
  char            **keys;
  char             *sop_class_uid;
  char             *context_uid;
  GArray           *tags;
  DcmDataSet       *data_set;
} NCommand;

static CliNNext
n_next (CliNSession *session, const DimseNResult *previous, gpointer user_data)
{
  NCommand *n = user_data;
  DimseNRequest request = {
    .command = n->command, .sop_class_uid = n->sop_class_uid,
    .sop_instance_uid = n->instance, .type_id = (guint16) n->type_id,
    .attribute_tags = (const guint32 *) (gpointer) n->tags->data,
    .n_attribute_tags = n->tags->len, .data_set = n->data_set,
    .abstract_syntax = n->context_uid,
  };

  if (previous != NULL)
    return CLI_N_NEXT_DONE;
  cli_n_session_send (session, &request);
  return CLI_N_NEXT_SENT;
}

static gboolean
check_arguments (NCommand *n, GError **error)
{
  gboolean needs_type = n->command == DIMSE_N_ACTION_RQ
                        || n->command == DIMSE_N_EVENT_REPORT_RQ;

  if (!cli_n_resolve_uid (n->sop_class_text, &n->sop_class_uid, error))
    {
      g_prefix_error (error, _("--sop-class: "));
      return FALSE;
    }
  if (n->context_text != NULL && !cli_n_resolve_uid (n->context_text, &n->context_uid, error))
    return FALSE;
  if (n->instance == NULL && n->command != DIMSE_N_CREATE_RQ)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give the SOP instance with --instance UID."));
      return FALSE;
    }
  if (needs_type && (n->type_id < 0 || n->type_id > 0xFFFF))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   n->command == DIMSE_N_ACTION_RQ
                   ? _("Give the Action Type ID with --action-type N (0 to 65535).")
                   : _("Give the Event Type ID with --event-type N (0 to 65535)."));
      return FALSE;
    }
  if (!cli_n_parse_tags (n->attrs, n->tags, error))
    return FALSE;
  n->data_set = cli_n_load_data_set (n->json_file, n->keys, error);
  if (n->data_set == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (n->command == DIMSE_N_SET_RQ && n->data_set == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("An N-SET needs a Modification List: --json FILE or -k KEY=VALUE."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_arguments (NCommand *n, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));
  g_autofree char *summary = NULL;
  GOptionEntry common[] = {
    { "sop-class", 'c', 0, G_OPTION_ARG_STRING, &n->sop_class_text,
      N_("The SOP class, as UID or keyword (required)"), N_("UID") },
    { "instance", 'i', 0, G_OPTION_ARG_STRING, &n->instance,
      N_("The SOP instance (N-CREATE: none lets the peer assign one)"), N_("UID") },
    { "context", 0, 0, G_OPTION_ARG_STRING, &n->context_text,
      N_("The abstract syntax to propose and send on (default: the SOP class; the Basic "
         "Grayscale Print Management Meta SOP Class for print classes)"), N_("UID") },
    { NULL },
  };
  GOptionEntry with_data[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &n->json_file,
      N_("The request's data set from a DICOM JSON file"), N_("FILE") },
    { "key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &n->keys,
      N_("An attribute of the data set (over --json), e.g. -k NumberOfCopies=2"),
      N_("KEY=VALUE") },
    { NULL },
  };
  GOptionEntry get_entries[] = {
    { "attr", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &n->attrs,
      N_("An attribute to get (repeat; none: all)"), N_("TAG") },
    { NULL },
  };
  GOptionEntry action_entries[] = {
    { "action-type", 0, 0, G_OPTION_ARG_INT, &n->type_id, N_("The Action Type ID"), N_("N") },
    { NULL },
  };
  GOptionEntry event_entries[] = {
    { "event-type", 0, 0, G_OPTION_ARG_INT, &n->type_id, N_("The Event Type ID"), N_("N") },
    { NULL },
  };

  summary = g_strdup_printf (_("Sends one %s-RQ to PEER (AET@host:port) and prints the "
                               "response: its status in words with the fields that go with "
                               "it, and its data set.\nExit status: 0 success, 1 warning, 2 "
                               "failure, 3 association refused or aborted."), n->name);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (n->command == DIMSE_N_GET_RQ)
    g_option_context_add_main_entries (context, get_entries, GETTEXT_PACKAGE);
  if (n->command == DIMSE_N_ACTION_RQ)
    g_option_context_add_main_entries (context, action_entries, GETTEXT_PACKAGE);
  if (n->command == DIMSE_N_EVENT_REPORT_RQ)
    g_option_context_add_main_entries (context, event_entries, GETTEXT_PACKAGE);
  if (n->command != DIMSE_N_GET_RQ && n->command != DIMSE_N_DELETE_RQ)
    g_option_context_add_main_entries (context, with_data, GETTEXT_PACKAGE);
  cli_n_session_add_options (&n->session, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_n_session_parse_peer (&n->session, argc, argv, error))
    return FALSE;
  return check_arguments (n, error);
}

static void
n_command_clear (NCommand *n)
{
  cli_n_session_clear (&n->session);
  g_free (n->sop_class_text);
  g_free (n->instance);
  g_free (n->context_text);
  g_strfreev (n->attrs);
  g_free (n->json_file);
  g_strfreev (n->keys);
  g_free (n->sop_class_uid);
  g_free (n->context_uid);
  g_clear_pointer (&n->tags, g_array_unref);
  g_clear_pointer (&n->data_set, dcm_data_set_unref);
}

static gboolean
is_print_class (const char *uid)
{
  return strcmp (uid, DCM_UID_BASIC_FILM_SESSION) == 0
         || strcmp (uid, DCM_UID_BASIC_FILM_BOX) == 0
         || strcmp (uid, DCM_UID_BASIC_GRAYSCALE_IMAGE_BOX) == 0
         || strcmp (uid, DCM_UID_PRINTER) == 0;
}

static int
n_run (int argc, char **argv, DimseCommandField command, const char *name,
       const char *subcommand)
{
  NCommand n = { 0 };
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("dimse %s", subcommand);
  const char *abstract_syntax;
  int exit_status;

  g_set_prgname (prgname);
  cli_n_session_init (&n.session, subcommand);
  n.command = command;
  n.name = name;
  n.type_id = -1;
  n.tags = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (!parse_arguments (&n, argc, argv, &error))
    {
      cli_print_error (subcommand, error);
      n_command_clear (&n);
      return CLI_EXIT_FAILURE;
    }
  params = cli_n_session_build_params (&n.session);
  abstract_syntax = n.context_uid != NULL ? n.context_uid
                    : is_print_class (n.sop_class_uid)
                      ? DCM_UID_BASIC_GRAYSCALE_PRINT_MANAGEMENT_META : n.sop_class_uid;
  /* PS3.7 §10.1.1: an N-EVENT-REPORT is the SCP's; PS3.7 §D.3.3.4 lets a
   * requestor propose that role. */
  dimse_association_params_add_context (params, abstract_syntax, NULL,
                                        command == DIMSE_N_EVENT_REPORT_RQ ? DIMSE_ROLE_BOTH
                                                                           : DIMSE_ROLE_DEFAULT);
  n.session.next = n_next;
  n.session.user_data = &n;
  exit_status = cli_n_session_run (&n.session, params);
  n_command_clear (&n);
  return exit_status;
}

int
cli_n_get_run (int argc, char **argv)
{
  return n_run (argc, argv, DIMSE_N_GET_RQ, "N-GET", "n-get");
}

int
cli_n_set_run (int argc, char **argv)
{
  return n_run (argc, argv, DIMSE_N_SET_RQ, "N-SET", "n-set");
}

int
cli_n_action_run (int argc, char **argv)
{
  return n_run (argc, argv, DIMSE_N_ACTION_RQ, "N-ACTION", "n-action");
}

int
cli_n_create_run (int argc, char **argv)
{
  return n_run (argc, argv, DIMSE_N_CREATE_RQ, "N-CREATE", "n-create");
}

int
cli_n_delete_run (int argc, char **argv)
{
  return n_run (argc, argv, DIMSE_N_DELETE_RQ, "N-DELETE", "n-delete");
}

int
cli_n_event_report_run (int argc, char **argv)
{
  return n_run (argc, argv, DIMSE_N_EVENT_REPORT_RQ, "N-EVENT-REPORT", "n-event-report");
}
