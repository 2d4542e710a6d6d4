/* cli-nservice.c — the DIMSE-N subcommands' shared session: one
 * association, a sequence of N requests, each response printed (PS3.7
 * §10.1, statuses of Annex C in words) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-nservice.h"
#include "cli-private.h"
#include "dcm-dict.h"
#include "dcm-json.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"

void
cli_n_session_init (CliNSession *session, const char *subcommand)
{
  memset (session, 0, sizeof *session);
  session->subcommand = subcommand;
  session->run.subcommand = subcommand;
  cli_common_options_init (&session->options);
}

void
cli_n_session_clear (CliNSession *session)
{
  g_clear_object (&session->assoc);
  g_clear_pointer (&session->traffic, cli_traffic_free);
  g_clear_pointer (&session->run.loop, g_main_loop_unref);
  g_clear_pointer (&session->peer_text, g_free);
  cli_peer_clear (&session->peer);
  cli_common_options_clear (&session->options);
}

void
cli_n_session_add_options (CliNSession *session, GOptionContext *context)
{
  GOptionEntry entries[] = {
    { "json-out", 0, 0, G_OPTION_ARG_NONE, &session->json,
      N_("Print the data sets that come back as DICOM JSON"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &session->quiet,
      N_("Print the statuses only, not the data sets"), NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&session->options, context);
}

gboolean
cli_n_session_parse_peer (CliNSession *session, int argc, char **argv, GError **error)
{
  if (!cli_common_options_check (&session->options, error))
    return FALSE;
  return cli_query_parse_peer (argc, argv, &session->peer, &session->peer_text, error);
}

DimseAssociationParams *
cli_n_session_build_params (CliNSession *session)
{
  return cli_common_options_build_params (&session->options, &session->peer);
}

int
cli_n_exit_status (guint16 status)
{
  return cli_query_exit_status (status, FALSE);
}

/* ---- printing ---- */

static void
print_elements (GString *out, DcmDataSet *ds, guint depth)
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
              print_elements (out, g_ptr_array_index (el->value.items, j), depth + 2);
            }
          continue;
        }
      if (el->kind == DCM_VALUE_EMPTY)
        value = g_strdup ("");
      else if (el->tag != DCM_TAG_PIXEL_DATA)
        value = dcm_data_set_get_value_string (ds, el->tag, NULL);
      if (value == NULL && el->kind == DCM_VALUE_BYTES)
        value = g_strdup_printf (_("(%zu bytes)"),
                                 g_bytes_get_size (el->value.bytes));
      g_string_append_printf (out, "%s%s\n", value != NULL && *value != '\0' ? " " : "",
                              value != NULL ? value : "");
    }
}

void
cli_n_print_data_set (DcmDataSet *ds, gboolean json)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (json)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = dcm_json_to_string (ds, TRUE, NULL, &error);

      printf ("%s\n", text != NULL ? text : error->message);
      return;
    }
  print_elements (out, ds, 1);
  fputs (out->str, stdout);
}

static void
print_tags (const char *what, GArray *tags)
{
  printf ("  %s:", what);
  for (guint i = 0; i < tags->len; i++)
    {
      g_autofree char *name = dcm_describe_tag (g_array_index (tags, guint32, i));

      printf ("%s %s", i > 0 ? "," : "", name);
    }
  printf ("\n");
}

void
cli_n_print_result (CliNSession *session, const DimseNResult *result)
{
  printf ("%s from %s: %s\n", dimse_command_field_name (result->command), session->peer_text,
          result->description);
  /* Annex C relates them to some statuses only; a peer may send them with others. */
  if (result->attribute_identifiers->len > 0
      && strstr (result->description, "Attribute Identifier List") == NULL)
    print_tags (_("Attribute Identifier List"), result->attribute_identifiers);
  if (result->offending_elements->len > 0
      && strstr (result->description, "Offending Element") == NULL)
    print_tags (_("Offending Element"), result->offending_elements);
  if (result->command == DIMSE_N_CREATE_RSP && result->affected_sop_instance_uid != NULL)
    printf (_("  Affected SOP Instance UID: %s\n"), result->affected_sop_instance_uid);
  if (result->data_set != NULL && !session->quiet)
    cli_n_print_data_set (result->data_set, session->json);
  fflush (stdout);
}

/* ---- the exchange ---- */

static void
session_step (CliNSession *session, const DimseNResult *previous)
{
  switch (session->next (session, previous, session->user_data))
    {
    case CLI_N_NEXT_SENT:
    case CLI_N_NEXT_HOLD:
      break;
    case CLI_N_NEXT_DONE:
      cli_query_release (&session->run, session->assoc, session->worst_exit);
      break;
    }
}

void
cli_n_session_fail (CliNSession *session, const GError *error, int exit_status)
{
  cli_query_fail (&session->run, error, MAX (exit_status, session->worst_exit));
  if (session->assoc != NULL && dimse_association_is_established (session->assoc))
    dimse_association_abort (session->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
}

void
cli_n_session_end (CliNSession *session, int exit_status)
{
  session->worst_exit = MAX (session->worst_exit, exit_status);
  if (session->assoc != NULL && dimse_association_is_established (session->assoc))
    cli_query_release (&session->run, session->assoc, session->worst_exit);
  else
    {
      session->run.exit_status = session->worst_exit;
      g_main_loop_quit (session->run.loop);
    }
}

static void
on_response (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CliNSession *session = user_data;
  g_autoptr(DimseNResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = dimse_n_request_finish (DIMSE_ASSOCIATION (source), res, &error);
  if (result == NULL)
    {
      cli_n_session_fail (session, error,
                          g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_ABORTED)
                          ? CLI_EXIT_REFUSED : CLI_EXIT_FAILURE);
      return;
    }
  cli_n_print_result (session, result);
  session->worst_exit = MAX (session->worst_exit, cli_n_exit_status (result->status));
  session_step (session, result);
}

void
cli_n_session_send (CliNSession *session, const DimseNRequest *request)
{
  dimse_n_request_async (session->assoc, request, NULL, on_response, session);
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CliNSession *session = user_data;

  (void) source;
  session->assoc = cli_query_request_finish (&session->run, result, session->traffic,
                                             session->traffic_id);
  if (session->assoc == NULL)
    return;
  session_step (session, NULL);
}

int
cli_n_session_run (CliNSession *session, const DimseAssociationParams *params)
{
  session->run.loop = g_main_loop_new (NULL, FALSE);
  session->run.verbose = session->options.verbose;
  session->run.exit_status = CLI_EXIT_FAILURE;
  if (session->options.verbose)
    session->traffic = cli_traffic_new ();
  session->traffic_id = cli_query_request (&session->options, &session->peer, params,
                                           session->traffic, on_associated, session);
  g_main_loop_run (session->run.loop);
  return session->run.exit_status;
}

/* ---- arguments ---- */

gboolean
cli_n_resolve_uid (const char *text, char **out_uid, GError **error)
{
  const DcmUidEntry *entry;

  if (text == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("A UID is missing."));
      return FALSE;
    }
  if (dcm_uid_is_valid (text))
    {
      *out_uid = g_strdup (text);
      return TRUE;
    }
  entry = dcm_uid_lookup_keyword (text);
  if (entry == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is neither a UID nor the keyword of one "
                     "(e.g. ModalityPerformedProcedureStep)."), text);
      return FALSE;
    }
  *out_uid = g_strdup (entry->uid);
  return TRUE;
}

gboolean
cli_n_parse_tags (char **texts, GArray *out_tags, GError **error)
{
  for (char **t = texts; t != NULL && *t != NULL; t++)
    {
      guint32 tag;

      if (!dcm_dict_parse_tag (*t, &tag))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is neither an attribute keyword nor gggg,eeee."), *t);
          return FALSE;
        }
      g_array_append_val (out_tags, tag);
    }
  return TRUE;
}

DcmDataSet *
cli_n_load_data_set (const char *json_file, char **keys, GError **error)
{
  g_autoptr(DcmDataSet) ds = NULL;

  if (json_file == NULL && (keys == NULL || keys[0] == NULL))
    return NULL;
  if (json_file != NULL)
    {
      g_autofree char *text = NULL;
      gsize length = 0;

      if (!g_file_get_contents (json_file, &text, &length, error))
        return NULL;
      ds = dcm_json_parse (text, (gssize) length, error);
      if (ds == NULL)
        {
          g_prefix_error (error, _("%s is not a DICOM JSON data set: "), json_file);
          return NULL;
        }
    }
  else
    ds = dcm_data_set_new ();
  if (!cli_keys_add (ds, keys, error))
    return NULL;
  return g_steal_pointer (&ds);
}
