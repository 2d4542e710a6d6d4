/* cli-qido.c — `dimse qido`: a QIDO-RS search (PS3.18 §10.6) with the
 * keys of a C-FIND, printing the matches as `dimse find` does */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-private.h"
#include "cli-query.h"
#include "cli-web.h"
#include "dcm-json.h"

typedef struct {
  CliWebOptions   options;
  char           *level;
  char          **keys;
  gboolean        json;
  gboolean        fuzzy;
  gint            limit;
  DimseQrLevel    qr_level;
  DcmDataSet     *identifier;
  DimseWebClient *client;
  GMainLoop      *loop;
  int             exit_status;
} Qido;

static void
print_matches (Qido *qido, GPtrArray *matches)
{
  for (guint i = 0; i < matches->len; i++)
    {
      if (qido->json)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *text = dcm_json_to_string (matches->pdata[i], TRUE, NULL, &error);

          if (text == NULL)
            {
              cli_print_error ("qido", error);
              continue;
            }
          printf ("%s%s", i == 0 ? "[\n" : ",\n", text);
        }
      else
        {
          g_autoptr(GString) out = g_string_new (NULL);

          cli_web_print_data_set (out, matches->pdata[i], 0);
          printf (_("%s# Match %u\n%s"), i == 0 ? "" : "\n", i + 1, out->str);
        }
    }
  if (qido->json)
    printf ("%s]\n", matches->len == 0 ? "[" : "\n");
  fflush (stdout);
}

static void
on_searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Qido *qido = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = dimse_web_client_search_finish (DIMSE_WEB_CLIENT (source),
                                                                 result, &error);

  if (matches == NULL)
    {
      if (qido->json)
        printf ("[]\n");
      qido->exit_status = cli_web_fail ("qido", error);
    }
  else
    {
      print_matches (qido, matches);
      g_printerr (_("QIDO-RS search of %s at the %s level: %u matches\n"),
                  dimse_web_client_get_base_url (qido->client),
                  dimse_qr_level_to_string (qido->qr_level), matches->len);
      qido->exit_status = CLI_EXIT_SUCCESS;
    }
  g_main_loop_quit (qido->loop);
}

static gboolean
parse_arguments (Qido *qido, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("URL"));
  const GOptionEntry entries[] = {
    { "level", 'l', 0, G_OPTION_ARG_STRING, &qido->level,
      N_("What to search: STUDY (default), SERIES or IMAGE"), N_("LEVEL") },
    { "key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &qido->keys,
      N_("A matching key KEY=VALUE or return key KEY (a keyword or gggg,eeee; "
         "Sequence[0].Keyword inside items)"), N_("KEY[=VALUE]") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &qido->json,
      N_("Print the matches as a JSON array of DICOM JSON objects"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &qido->limit,
      N_("Ask for N matches at a time and page on to the end (0: the server decides)"),
      N_("N") },
    { "fuzzy", 0, 0, G_OPTION_ARG_NONE, &qido->fuzzy,
      N_("Ask for fuzzy matching of person names, where the server offers it"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context,
                                _("Sends a QIDO-RS search to the DICOMweb service at URL (its "
                                  "base URL, e.g. http://127.0.0.1:8042/dicom-web) and prints "
                                  "the matches.\nExit status: 0 success, 2 failure, 3 server "
                                  "unreachable or access refused (401, 403)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_web_options_add (&qido->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_query_resolve_level (&qido->level, error))
    return FALSE;
  if (qido->limit < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--limit must be 0 or more, not %d."), qido->limit);
      return FALSE;
    }
  qido->qr_level = DIMSE_QR_LEVEL_STUDY;
  if (qido->level != NULL)
    dimse_qr_level_parse (qido->level, &qido->qr_level);
  if (qido->qr_level == DIMSE_QR_LEVEL_PATIENT)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("QIDO-RS has no PATIENT level: use STUDY, SERIES or IMAGE."));
      return FALSE;
    }
  qido->identifier = cli_query_build_identifier (qido->keys, NULL, error);
  if (qido->identifier == NULL)
    return FALSE;
  qido->client = cli_web_client_new (&qido->options, argc, argv, FALSE, error);
  return qido->client != NULL;
}

static void
qido_clear (Qido *qido)
{
  g_clear_object (&qido->client);
  g_clear_pointer (&qido->identifier, dcm_data_set_unref);
  g_clear_pointer (&qido->loop, g_main_loop_unref);
  g_clear_pointer (&qido->level, g_free);
  g_clear_pointer (&qido->keys, g_strfreev);
  cli_web_options_clear (&qido->options);
}

int
cli_qido_run (int argc, char **argv)
{
  Qido qido = { 0 };
  g_autoptr(GError) error = NULL;
  DimseWebSearchOptions opts = { 0 };
  int exit_status;

  g_set_prgname ("dimse qido");
  if (!parse_arguments (&qido, argc, argv, &error))
    {
      cli_print_error ("qido", error);
      qido_clear (&qido);
      return CLI_EXIT_FAILURE;
    }
  opts.limit = (guint) qido.limit;
  opts.fuzzy = qido.fuzzy;
  qido.loop = g_main_loop_new (NULL, FALSE);
  qido.exit_status = CLI_EXIT_FAILURE;
  dimse_web_client_search_async (qido.client, qido.qr_level, qido.identifier, &opts, NULL,
                                 on_searched, &qido);
  g_main_loop_run (qido.loop);
  exit_status = qido.exit_status;
  qido_clear (&qido);
  return exit_status;
}
