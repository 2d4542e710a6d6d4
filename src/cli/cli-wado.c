/* cli-wado.c — `dimse wado`: a WADO-RS retrieve of a study, series or
 * instance into a folder, or of its metadata (PS3.18 §10.4) */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "cli-private.h"
#include "cli-query.h"
#include "cli-web.h"
#include "dcm-json.h"
#include "dcm-tags.h"

typedef struct {
  CliWebOptions        options;
  char                *level;
  char               **keys;
  char                *out;
  gboolean             metadata;
  char                *study_uid;
  char                *series_uid;
  char                *instance_uid;
  DimseWebClient      *client;
  DimseWebRetrieveJob *job;
  GMainLoop           *loop;
  int                  exit_status;
} Wado;

static void
on_instance_stored (DimseWebRetrieveJob *job, const char *path, const char *sop_instance_uid,
                    gpointer user_data)
{
  Wado *wado = user_data;
  guint expected = dimse_web_retrieve_job_get_n_expected (job);

  if (!wado->options.verbose)
    return;
  if (expected > 0)
    g_printerr (_("[%u/%u] %s\n"), dimse_web_retrieve_job_get_n_received (job), expected, path);
  else
    g_printerr (_("[%u] %s\n"), dimse_web_retrieve_job_get_n_received (job), path);
}

static void
on_retrieved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wado *wado = user_data;
  g_autoptr(GError) error = NULL;
  guint received = dimse_web_retrieve_job_get_n_received (wado->job);
  guint expected = dimse_web_retrieve_job_get_n_expected (wado->job);

  if (!dimse_web_client_retrieve_finish (DIMSE_WEB_CLIENT (source), result, &error))
    {
      wado->exit_status = cli_web_fail ("wado", error);
      g_printerr (_("WADO-RS retrieve: %u instances stored in %s before the error\n"), received,
                  wado->out);
    }
  else
    {
      g_printerr (_("WADO-RS retrieve: %u instances (%llu bytes) stored in %s"),
                  received,
                  (unsigned long long) dimse_web_retrieve_job_get_bytes_received (wado->job),
                  wado->out);
      if (expected > 0 && received != expected)
        g_printerr (_(", but the search counted %u"), expected);
      g_printerr ("\n");
      wado->exit_status = expected > 0 && received != expected ? CLI_EXIT_WARNING
                                                               : CLI_EXIT_SUCCESS;
    }
  g_main_loop_quit (wado->loop);
}

static void
on_metadata (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wado *wado = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) data_sets = dimse_web_client_metadata_finish (DIMSE_WEB_CLIENT (source),
                                                                     result, &error);

  if (data_sets == NULL)
    {
      wado->exit_status = cli_web_fail ("wado", error);
      g_main_loop_quit (wado->loop);
      return;
    }
  for (guint i = 0; i < data_sets->len; i++)
    {
      g_autofree char *text = dcm_json_to_string (data_sets->pdata[i], TRUE, NULL, &error);

      if (text == NULL)
        {
          cli_print_error ("wado", error);
          g_clear_error (&error);
          continue;
        }
      printf ("%s%s", i == 0 ? "[\n" : ",\n", text);
    }
  printf ("%s]\n", data_sets->len == 0 ? "[" : "\n");
  g_printerr (_("WADO-RS metadata: %u instances\n"), data_sets->len);
  wado->exit_status = CLI_EXIT_SUCCESS;
  g_main_loop_quit (wado->loop);
}

/* ---- the command line ---- */

static gboolean
take_uids (Wado *wado, GError **error)
{
  g_autoptr(DcmDataSet) keys = cli_query_build_identifier (wado->keys, NULL, error);
  DimseQrLevel level = DIMSE_QR_LEVEL_STUDY, needed;

  if (keys == NULL)
    return FALSE;
  wado->study_uid = dcm_data_set_dup_string (keys, DCM_TAG_STUDY_INSTANCE_UID);
  wado->series_uid = dcm_data_set_dup_string (keys, DCM_TAG_SERIES_INSTANCE_UID);
  wado->instance_uid = dcm_data_set_dup_string (keys, DCM_TAG_SOP_INSTANCE_UID);
  if (wado->study_uid == NULL || (wado->instance_uid != NULL && wado->series_uid == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Give -k StudyInstanceUID=UID, and for an instance its "
                     "-k SeriesInstanceUID=UID too."));
      return FALSE;
    }
  needed = wado->instance_uid != NULL ? DIMSE_QR_LEVEL_IMAGE
           : wado->series_uid != NULL ? DIMSE_QR_LEVEL_SERIES : DIMSE_QR_LEVEL_STUDY;
  if (wado->level != NULL)
    dimse_qr_level_parse (wado->level, &level);
  else
    level = needed;
  if (level != needed)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--level %s does not fit the keys given, which name one %s."), wado->level,
                   dimse_qr_level_to_string (needed));
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_out (Wado *wado, GError **error)
{
  if (wado->metadata)
    return TRUE;
  if (wado->out == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give the folder to store the instances in with --out DIR."));
      return FALSE;
    }
  if (g_mkdir_with_parents (wado->out, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Cannot make the folder “%s”: %s."), wado->out, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_arguments (Wado *wado, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("URL"));
  const GOptionEntry entries[] = {
    { "level", 'l', 0, G_OPTION_ARG_STRING, &wado->level,
      N_("What to retrieve: STUDY, SERIES or IMAGE (default: as the keys say)"), N_("LEVEL") },
    { "key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &wado->keys,
      N_("StudyInstanceUID=UID, SeriesInstanceUID=UID, SOPInstanceUID=UID"), N_("KEY=UID") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &wado->out,
      N_("The folder to store the instances in, as <SOP Instance UID>.dcm"), N_("DIR") },
    { "metadata", 0, 0, G_OPTION_ARG_NONE, &wado->metadata,
      N_("Print the instances' metadata as a JSON array instead"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context,
                                _("Retrieves a study, series or instance with WADO-RS from the "
                                  "DICOMweb service at URL into DIR, each instance written as "
                                  "it arrives.\nExit status: 0 success, 1 fewer instances than "
                                  "the search counted, 2 failure, 3 server unreachable or "
                                  "access refused (401, 403)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_web_options_add (&wado->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_query_resolve_level (&wado->level, error)
      || !take_uids (wado, error) || !make_out (wado, error))
    return FALSE;
  wado->client = cli_web_client_new (&wado->options, argc, argv, FALSE, error);
  return wado->client != NULL;
}

static void
wado_clear (Wado *wado)
{
  g_clear_object (&wado->client);
  g_clear_object (&wado->job);
  g_clear_pointer (&wado->loop, g_main_loop_unref);
  g_clear_pointer (&wado->level, g_free);
  g_clear_pointer (&wado->keys, g_strfreev);
  g_clear_pointer (&wado->out, g_free);
  g_clear_pointer (&wado->study_uid, g_free);
  g_clear_pointer (&wado->series_uid, g_free);
  g_clear_pointer (&wado->instance_uid, g_free);
  cli_web_options_clear (&wado->options);
}

int
cli_wado_run (int argc, char **argv)
{
  Wado wado = { 0 };
  g_autoptr(GError) error = NULL;
  int exit_status;

  g_set_prgname ("dimse wado");
  if (!parse_arguments (&wado, argc, argv, &error))
    {
      cli_print_error ("wado", error);
      wado_clear (&wado);
      return CLI_EXIT_FAILURE;
    }
  wado.loop = g_main_loop_new (NULL, FALSE);
  wado.exit_status = CLI_EXIT_FAILURE;
  if (wado.metadata)
    dimse_web_client_metadata_async (wado.client, wado.study_uid, wado.series_uid,
                                     wado.instance_uid, NULL, on_metadata, &wado);
  else
    {
      wado.job = dimse_web_retrieve_job_new ();
      g_signal_connect (wado.job, "instance-stored", G_CALLBACK (on_instance_stored), &wado);
      dimse_web_client_retrieve_async (wado.client, wado.study_uid, wado.series_uid,
                                       wado.instance_uid, wado.out, wado.job, NULL,
                                       on_retrieved, &wado);
    }
  g_main_loop_run (wado.loop);
  exit_status = wado.exit_status;
  wado_clear (&wado);
  return exit_status;
}
