/* cli-find.c — `dimse find`: a C-FIND to a peer, printing the matches as
 * they arrive (PS3.4 Annex C and K) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-common.h"
#include "cli-private.h"
#include "cli-query.h"
#include "dcm-json.h"
#include "dcm-uid.h"
#include "dimse-find.h"
#include "dimse-status.h"

typedef struct {
  CliCommonOptions  options;
  CliPeer           peer;
  char             *peer_text;
  char             *model;
  char             *level;
  char            **keys;
  gboolean          json;
  gint              max_results;
  gboolean          relational;
  gboolean          datetime;
  gboolean          fuzzy;
  gboolean          timezone;
  DimseFindOptions  proposed_options;
  const char       *model_uid;
  DcmDataSet       *identifier;
  DimseFindJob     *job;
  CliTraffic       *traffic;
  guint             traffic_id;
  DimseAssociation *assoc;
  guint             n_printed;
  CliQueryRun       run;
} Find;

static gboolean
build_identifier (Find *find, GError **error)
{
  const char *level = find->level != NULL ? find->level : "STUDY";

  /* PS3.4 K.6.1.1.2: the worklist has no Query/Retrieve Level. */
  if (find->level == NULL && strcmp (find->model_uid,
                                     DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND) == 0)
    level = NULL;
  find->identifier = cli_query_build_identifier (find->keys, level, error);
  return find->identifier != NULL;
}

/* ---- printing the matches ---- */

static void
print_data_set (GString *out, DcmDataSet *ds, guint depth)
{
  for (guint i = 0; i < dcm_data_set_n_elements (ds); i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);
      const char *keyword = dcm_dict_keyword (el->tag);
      g_autofree char *tag_text = dcm_describe_tag (el->tag);
      g_autofree char *value = NULL;

      g_string_append_printf (out, "%*s%s:", (int) depth * 2, "",
                              keyword != NULL && *keyword != '\0' ? keyword : tag_text);
      if (el->kind == DCM_VALUE_ITEMS)
        {
          g_string_append_c (out, '\n');
          for (guint j = 0; j < el->value.items->len; j++)
            {
              g_string_append_printf (out, "%*s[%u]\n", (int) depth * 2 + 2, "", j);
              print_data_set (out, g_ptr_array_index (el->value.items, j), depth + 2);
            }
          continue;
        }
      if (el->kind == DCM_VALUE_EMPTY)
        value = g_strdup ("");
      else
        value = dcm_data_set_get_value_string (ds, el->tag, NULL);
      if (value == NULL && el->kind == DCM_VALUE_BYTES)
        value = g_strdup_printf (_("(%zu bytes)"),
                                 g_bytes_get_size (el->value.bytes));
      g_string_append_printf (out, "%s%s\n", value != NULL && *value != '\0' ? " " : "",
                              value != NULL ? value : "");
    }
}

static void
on_result (DimseFindJob *job, DcmDataSet *identifier, gpointer user_data)
{
  Find *find = user_data;
  g_autoptr(GError) error = NULL;

  if (find->json)
    {
      g_autofree char *text = dcm_json_to_string (identifier, TRUE, NULL, &error);

      if (text == NULL)
        {
          cli_print_error ("find", error);
          return;
        }
      printf ("%s%s", find->n_printed == 0 ? "[\n" : ",\n", text);
    }
  else
    {
      g_autoptr(GString) out = g_string_new (NULL);

      print_data_set (out, identifier, 0);
      printf (_("%s# Match %u\n%s"), find->n_printed == 0 ? "" : "\n", find->n_printed + 1,
              out->str);
    }
  find->n_printed++;
  fflush (stdout);
}

static void
print_end (Find *find)
{
  if (find->json)
    printf ("%s]\n", find->n_printed == 0 ? "[" : "\n");
  fflush (stdout);
}

/* ---- the exchange ---- */

static void
on_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Find *find = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  if (!dimse_find_finish (assoc, result, &status, &error))
    {
      print_end (find);
      if (cli_query_fail_if_lost (&find->run, assoc, error))
        return;
      cli_print_error ("find", error);
      cli_query_release (&find->run, assoc, CLI_EXIT_FAILURE);
      return;
    }
  print_end (find);
  g_printerr (_("C-FIND to %s: %s (0x%04X), %u matches%s\n"), find->peer_text,
              dimse_status_meaning (status, DIMSE_C_FIND_RQ), status, find->n_printed,
              dimse_find_job_get_cancel_sent (find->job) ? _(", C-CANCEL sent") : "");
  /* A Cancel status after --max-results is what was asked for: success. */
  cli_query_release (&find->run, assoc,
                     cli_query_exit_status (status,
                                            dimse_find_job_get_cancel_sent (find->job)));
}

/* PS3.4 §C.5.1: what the SCP agreed of the options we proposed; -v says
 * it, and an option asked for but refused is warned about. */
static void
report_agreed_options (Find *find)
{
  DimseFindOptions agreed = dimse_find_job_get_agreed_options (find->job);
  DimseFindOptions refused = find->proposed_options & ~agreed;

  if (find->options.verbose && find->proposed_options != DIMSE_FIND_OPTION_NONE)
    {
      g_autofree char *text = dimse_find_options_to_string (agreed & find->proposed_options);

      g_printerr (_("Extended negotiation agreed by %s: %s\n"), find->peer_text, text);
    }
  if (refused != DIMSE_FIND_OPTION_NONE)
    {
      g_autofree char *text = dimse_find_options_to_string (refused);

      g_printerr (_("dimse find: warning: %s did not agree to %s; the query runs without.\n"),
                  find->peer_text, text);
    }
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Find *find = user_data;

  (void) source;
  find->assoc = cli_query_request_finish (&find->run, result, find->traffic, find->traffic_id);
  if (find->assoc == NULL)
    return;
  find->job = dimse_find_job_new ();
  g_signal_connect (find->job, "result", G_CALLBACK (on_result), find);
  dimse_find_async (find->assoc, find->model_uid, find->identifier,
                    (guint) find->max_results, find->job, NULL, on_found, find);
  report_agreed_options (find);
}

/* ---- the command line ---- */

static gboolean
resolve_model (Find *find, GError **error)
{
  static const CliQueryModel models[] = {
    { "patient", DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND },
    { "study", DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND },
    { "mwl", DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND },
  };

  return cli_query_resolve_model (find->model, models, G_N_ELEMENTS (models),
                                  _("patient, study or mwl"), &find->model_uid, error)
         && cli_query_resolve_level (&find->level, error);
}

static gboolean
parse_arguments (Find *find, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &find->model,
      N_("Information model: patient, study (default) or mwl"), N_("MODEL") },
    { "level", 'l', 0, G_OPTION_ARG_STRING, &find->level,
      N_("Query/Retrieve Level: PATIENT, STUDY (default), SERIES or IMAGE"), N_("LEVEL") },
    { "key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &find->keys,
      N_("A matching key KEY=VALUE or return key KEY (a keyword or gggg,eeee; "
         "Sequence[0].Keyword inside items)"), N_("KEY[=VALUE]") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &find->json,
      N_("Print the matches as a JSON array of DICOM JSON objects"), NULL },
    { "max-results", 0, 0, G_OPTION_ARG_INT, &find->max_results,
      N_("After N matches send a C-CANCEL (0: all)"), N_("N") },
    { "relational", 0, 0, G_OPTION_ARG_NONE, &find->relational,
      N_("Propose relational queries (PS3.4 C.5.1): no unique keys needed above the level"),
      NULL },
    { "datetime", 0, 0, G_OPTION_ARG_NONE, &find->datetime,
      N_("Propose combined date-time matching of date and time ranges"), NULL },
    { "fuzzy", 0, 0, G_OPTION_ARG_NONE, &find->fuzzy,
      N_("Propose fuzzy semantic matching of person names"), NULL },
    { "timezone", 0, 0, G_OPTION_ARG_NONE, &find->timezone,
      N_("Propose timezone query adjustment"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                _("Sends a C-FIND to PEER (AET@host:port or a node's name) and prints each "
                                  "match as it arrives.\nExit status: 0 success (also the "
                                  "Cancel status that ends --max-results), 1 warning, "
                                  "2 failure, 3 association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&find->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&find->options, error)
      || !resolve_model (find, error))
    return FALSE;
  if (find->max_results < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-results must be 0 or more, not %d."), find->max_results);
      return FALSE;
    }
  find->proposed_options = (find->relational ? DIMSE_FIND_OPTION_RELATIONAL : 0)
                           | (find->datetime ? DIMSE_FIND_OPTION_COMBINED_DATETIME : 0)
                           | (find->fuzzy ? DIMSE_FIND_OPTION_FUZZY_PN : 0)
                           | (find->timezone ? DIMSE_FIND_OPTION_TIMEZONE : 0);
  return cli_query_parse_peer (argc, argv, &find->peer, &find->peer_text, error)
         && build_identifier (find, error);
}

static void
find_clear (Find *find)
{
  g_clear_object (&find->assoc);
  g_clear_object (&find->job);
  g_clear_pointer (&find->identifier, dcm_data_set_unref);
  g_clear_pointer (&find->traffic, cli_traffic_free);
  g_clear_pointer (&find->run.loop, g_main_loop_unref);
  g_clear_pointer (&find->peer_text, g_free);
  g_clear_pointer (&find->model, g_free);
  g_clear_pointer (&find->level, g_free);
  g_clear_pointer (&find->keys, g_strfreev);
  cli_peer_clear (&find->peer);
  cli_common_options_clear (&find->options);
}

int
cli_find_run (int argc, char **argv)
{
  Find find = { 0 };
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autoptr(GError) error = NULL;
  DimseProposedContext *context;
  int exit_status;

  g_set_prgname ("dimse find");
  cli_common_options_init (&find.options);
  if (!parse_arguments (&find, argc, argv, &error))
    {
      cli_print_error ("find", error);
      find_clear (&find);
      return CLI_EXIT_FAILURE;
    }
  params = cli_common_options_build_params (&find.options, &find.peer);
  context = dimse_association_params_add_context (params, find.model_uid, NULL,
                                                  DIMSE_ROLE_DEFAULT);
  context->extended_negotiation = dimse_find_options_encode (find.proposed_options);
  find.run = (CliQueryRun) { "find", find.options.verbose, g_main_loop_new (NULL, FALSE),
                            CLI_EXIT_FAILURE };
  if (find.options.verbose)
    find.traffic = cli_traffic_new ();
  find.traffic_id = cli_query_request (&find.options, &find.peer, params, find.traffic,
                                       on_associated, &find);
  g_main_loop_run (find.run.loop);
  exit_status = find.run.exit_status;
  find_clear (&find);
  return exit_status;
}
