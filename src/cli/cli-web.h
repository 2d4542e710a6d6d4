/* cli-web.h — what `dimse qido`, `dimse wado` and `dimse stow` share: the
 * URL argument, the options of a DICOMweb client and the exit status of
 * an error */
#pragma once

#include "dimse-web-client.h"
#include "dimse-web-server.h"

G_BEGIN_DECLS

/* Where --password and --token are read from when not given, so that
 * they need not be on a command line others can see. */
#define CLI_WEB_PASSWORD_ENV "DIMSE_WEB_PASSWORD"
#define CLI_WEB_TOKEN_ENV "DIMSE_WEB_TOKEN"

typedef struct {
  gint      timeout_s;  /* --timeout; 0: the client's default */
  gboolean  verbose;    /* -v: every request and its status on stderr */
  char     *user;       /* --user */
  char     *password;   /* --password or $DIMSE_WEB_PASSWORD */
  char     *token;      /* --token or $DIMSE_WEB_TOKEN */
  char     *ca;         /* --ca */
} CliWebOptions;

/* A DICOMweb node of the application's node list (cli_node_list_path ()):
 * what the file holds; the password or token is never in it (the
 * application keeps them in the keyring). */
typedef enum {
  CLI_WEB_AUTH_NONE,
  CLI_WEB_AUTH_BASIC,   /* RFC 7617: username and password */
  CLI_WEB_AUTH_BEARER,  /* RFC 6750: a token */
} CliWebAuth;

typedef struct {
  char       *name;
  char       *url;
  CliWebAuth  auth;
  char       *username;  /* NULL: none */
  char       *tls_ca;    /* NULL: the system's trust store */
} CliWebNode;

/* Fills node from the DICOMweb node called name (case-insensitive) in the
 * node list at path. Fails (G_OPTION_ERROR_BAD_VALUE) naming path and
 * listing its DICOMweb nodes when there is none by that name, or saying
 * so when name is a DIMSE node. */
gboolean        cli_node_list_lookup_web (const char *path, const char *name, CliWebNode *node,
                                          GError **error);
void            cli_web_node_clear (CliWebNode *node);

void            cli_web_options_clear (CliWebOptions *opts);
/* Adds --timeout, -v, --user, --password, --token and --ca. */
void            cli_web_options_add (CliWebOptions *opts, GOptionContext *context);
/* After the options: exactly one URL left in argv (then the rest, when
 * rest_ok), and a client for it with the options applied. A URL without
 * "://" names a DICOMweb node of the node list: its URL, authentication,
 * user name and CA, the options given overriding them. */
DimseWebClient *cli_web_client_new (CliWebOptions *opts, int argc, char **argv,
                                    gboolean rest_ok, GError **error);
/* Prints error (with what to give for a 401) and returns the exit status:
 * CLI_EXIT_REFUSED when the server could not be reached or refused us
 * (401, 403), CLI_EXIT_FAILURE otherwise. */
int             cli_web_fail (const char *subcommand, const GError *error);
/* A data set as `dimse find` prints a match: "Keyword: value" lines,
 * items indented. */
void            cli_web_print_data_set (GString *out, DcmDataSet *ds, guint depth);

/* For `dimse serve --http-port`: a DICOMweb server over index, listening
 * on bind (NULL: 127.0.0.1) and port (0: one the system picks); prints
 * "DICOMweb on URL" and each instance STOW-RS stores. */
DimseWebServer *cli_web_serve (DimseArchiveIndex *index, const char *bind, gint port,
                               GError **error);

G_END_DECLS
