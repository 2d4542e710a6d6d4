/* cli-web.c — the options and the URL of the DICOMweb subcommands */
#include "config.h"

#include "cli-web.h"

#include <stdio.h>
#include <string.h>

#include "cli-common.h"
#include "cli-private.h"

void
cli_web_options_clear (CliWebOptions *opts)
{
  g_clear_pointer (&opts->user, g_free);
  if (opts->password != NULL)
    memset (opts->password, 0, strlen (opts->password));
  g_clear_pointer (&opts->password, g_free);
  g_clear_pointer (&opts->token, g_free);
  g_clear_pointer (&opts->ca, g_free);
}

void
cli_web_options_add (CliWebOptions *opts, GOptionContext *context)
{
  g_autofree char *node_list = cli_node_list_path ();
  g_autofree char *description = NULL;
  const GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &opts->timeout_s,
      N_("Seconds to wait for the connection and for each read (default 60)"), N_("SECONDS") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose,
      N_("Print every HTTP request with its status, size and time to stderr"), NULL },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &opts->user,
      N_("HTTP basic authentication as USER (the password from --password or "
         "$" CLI_WEB_PASSWORD_ENV ")"), N_("USER") },
    { "password", 0, 0, G_OPTION_ARG_STRING, &opts->password,
      N_("The password for --user (better: $" CLI_WEB_PASSWORD_ENV ")"), N_("PASSWORD") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &opts->token,
      N_("A bearer token (better: $" CLI_WEB_TOKEN_ENV ")"), N_("TOKEN") },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &opts->ca,
      N_("For https: trust the CA certificates of this PEM file instead of the system's"),
      N_("FILE") },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  description = g_strdup_printf (_("URL may also be the name of a DICOMweb node of the "
                                   "application's node list (%s): its URL, authentication, "
                                   "user name and CA are used, the options given overriding "
                                   "them. The node's password or token is not in that file: "
                                   "give it with $%s or $%s (or --password, --token)."),
                                 node_list, CLI_WEB_PASSWORD_ENV, CLI_WEB_TOKEN_ENV);
  g_option_context_set_description (context, description);
}

static void
on_exchange (DimseWebClient *client, const char *method, const char *url, guint status,
             guint64 bytes, gint64 duration_us, gpointer user_data)
{
  (void) client;
  (void) user_data;
  g_printerr ("%s %s → %u, %" G_GUINT64_FORMAT " bytes, %.1f ms\n", method, url, status, bytes,
              (double) duration_us / 1000.0);
}

static void
print_headers (const char *prefix, GArray *headers)
{
  for (guint i = 0; i < headers->len; i++)
    {
      const DimseWebHeader *header = &g_array_index (headers, DimseWebHeader, i);

      g_printerr ("%s%s: %s\n", prefix, header->name,
                  dimse_web_header_is_secret (header->name) ? _("(hidden)") : header->value);
    }
}

/* After the line of "exchange": the request as sent and the response's
 * status and headers, curl-style, credentials hidden. */
static void
on_exchange_details (DimseWebClient *client, DimseWebExchange *exchange, gpointer user_data)
{
  g_autofree char *request_line = dimse_web_exchange_format_request_line (exchange);
  g_autofree char *status_line = dimse_web_exchange_format_status_line (exchange);
  g_autofree char *sent = g_strdup_printf ("%" G_GUINT64_FORMAT, exchange->request_bytes);

  (void) client;
  (void) user_data;
  g_printerr ("  > %s\n", request_line);
  print_headers ("  > ", exchange->request_headers);
  g_printerr (_("  > (request body: %s bytes sent)\n"), sent);
  if (status_line == NULL)
    return;
  g_printerr ("  < %s\n", status_line);
  print_headers ("  < ", exchange->response_headers);
}

static gboolean
apply_options (CliWebOptions *opts, DimseWebClient *client, GError **error)
{
  const char *password = opts->password != NULL ? opts->password
                                                : g_getenv (CLI_WEB_PASSWORD_ENV);
  const char *token = opts->token != NULL ? opts->token : g_getenv (CLI_WEB_TOKEN_ENV);

  if (opts->timeout_s < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--timeout must be a number of seconds, not %d."), opts->timeout_s);
      return FALSE;
    }
  if (opts->user != NULL && opts->token != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Give --user or --token, not both."));
      return FALSE;
    }
  if (opts->timeout_s > 0)
    dimse_web_client_set_timeout (client, (guint) opts->timeout_s);
  if (opts->user != NULL)
    dimse_web_client_set_basic_auth (client, opts->user, password);
  else if (token != NULL && *token != '\0')
    dimse_web_client_set_bearer_token (client, token);
  if (opts->ca != NULL && !dimse_web_client_set_ca_file (client, opts->ca, error))
    return FALSE;
  if (opts->verbose)
    {
      g_signal_connect (client, "exchange", G_CALLBACK (on_exchange), NULL);
      g_signal_connect (client, "exchange-details", G_CALLBACK (on_exchange_details), NULL);
    }
  return TRUE;
}

static gboolean
missing_secret (const CliWebNode *node, const char *what, const char *env, const char *option,
                GError **error)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The DICOMweb node “%s” uses %s, which the node list does not hold: give it "
                 "in $%s or with %s."), node->name, what, env, option);
  return FALSE;
}

/* The node's settings where the command line gives none; its secret only
 * from the command line or the environment. */
static gboolean
apply_node (CliWebOptions *opts, const CliWebNode *node, GError **error)
{
  const char *password = opts->password != NULL ? opts->password
                                                : g_getenv (CLI_WEB_PASSWORD_ENV);
  const char *token = opts->token != NULL ? opts->token : g_getenv (CLI_WEB_TOKEN_ENV);

  if (opts->ca == NULL && node->tls_ca != NULL)
    opts->ca = g_strdup (node->tls_ca);
  if (opts->user != NULL || opts->token != NULL)
    return TRUE;
  switch (node->auth)
    {
    case CLI_WEB_AUTH_BASIC:
      if (node->username == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The DICOMweb node “%s” uses HTTP basic authentication but has no "
                         "user name: give --user."), node->name);
          return FALSE;
        }
      if (password == NULL)
        return missing_secret (node, _("a password"), CLI_WEB_PASSWORD_ENV, "--password", error);
      opts->user = g_strdup (node->username);
      return TRUE;
    case CLI_WEB_AUTH_BEARER:
      if (token == NULL || *token == '\0')
        return missing_secret (node, _("a bearer token"), CLI_WEB_TOKEN_ENV, "--token", error);
      return TRUE;
    case CLI_WEB_AUTH_NONE:
    default:
      return TRUE;
    }
}

static DimseWebClient *
client_for_node (CliWebOptions *opts, const char *name, GError **error)
{
  g_autofree char *path = cli_node_list_path ();
  CliWebNode node = { 0 };
  DimseWebClient *client = NULL;

  if (cli_node_list_lookup_web (path, name, &node, error) && apply_node (opts, &node, error))
    client = dimse_web_client_new (node.url, error);
  cli_web_node_clear (&node);
  return client;
}

DimseWebClient *
cli_web_client_new (CliWebOptions *opts, int argc, char **argv, gboolean rest_ok,
                    GError **error)
{
  g_autoptr(DimseWebClient) client = NULL;

  if (argc < 2 || (argc > 2 && !rest_ok))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give the DICOMweb service's base URL, such as "
                     "http://127.0.0.1:8042/dicom-web, or the name of a DICOMweb node "
                     "(see --help)."));
      return NULL;
    }
  if (strstr (argv[1], "://") != NULL)
    client = dimse_web_client_new (argv[1], error);
  else
    client = client_for_node (opts, argv[1], error);
  if (client == NULL || !apply_options (opts, client, error))
    return NULL;
  return g_steal_pointer (&client);
}

int
cli_web_fail (const char *subcommand, const GError *error)
{
  cli_print_error (subcommand, error);
  if (g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_UNAUTHORIZED))
    g_printerr (_("dimse %s: give --user (and the password in $%s) or --token.\n"), subcommand,
                CLI_WEB_PASSWORD_ENV);
  if (g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_CONNECTION)
      || g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_UNAUTHORIZED)
      || g_error_matches (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_FORBIDDEN))
    return CLI_EXIT_REFUSED;
  return CLI_EXIT_FAILURE;
}

void
cli_web_print_data_set (GString *out, DcmDataSet *ds, guint depth)
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
              cli_web_print_data_set (out, g_ptr_array_index (el->value.items, j), depth + 2);
            }
          continue;
        }
      if (el->kind != DCM_VALUE_EMPTY)
        value = dcm_data_set_get_value_string (ds, el->tag, NULL);
      if (value == NULL && el->kind == DCM_VALUE_BULK && el->value.bulk->uri != NULL)
        value = g_strdup_printf (_("(bulk data at %s)"), el->value.bulk->uri);
      g_string_append_printf (out, "%s%s\n", value != NULL && *value != '\0' ? " " : "",
                              value != NULL ? value : "");
    }
}

/* ---- dimse serve --http-port ---- */

static void
on_web_instance_stored (DimseWebServer *server, const char *path, gpointer user_data)
{
  (void) server;
  (void) user_data;
  printf (_("Stored %s from DICOMweb\n"), path);
  fflush (stdout);
}

DimseWebServer *
cli_web_serve (DimseArchiveIndex *index, const char *bind, gint port, GError **error)
{
  g_autoptr(DimseWebServer) server = NULL;
  g_autofree char *url = NULL;

  if (port < 0 || port > G_MAXUINT16)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--http-port must be from 0 to 65535, not %d."), port);
      return NULL;
    }
  server = dimse_web_server_new (index, NULL, NULL);
  if (!dimse_web_server_listen (server, bind, (guint16) port, error))
    return NULL;
  g_signal_connect (server, "instance-stored", G_CALLBACK (on_web_instance_stored), NULL);
  url = dimse_web_server_get_base_url (server);
  printf (_("DICOMweb on %s\n"), url);
  fflush (stdout);
  return g_steal_pointer (&server);
}
