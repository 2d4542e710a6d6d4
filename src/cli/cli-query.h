/* cli-query.h — what `dimse find`, `dimse get` and `dimse move` share: the
 * --model/--level/-k identifier and the end of the exchange */
#pragma once

#include "cli-common.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;       /* as given to --model, e.g. "study" */
  const char *uid;        /* its SOP Class */
} CliQueryModel;

/* Finds model (NULL: "study") in models; fails naming names, the choices
 * as the user reads them ("patient or study"). */
gboolean cli_query_resolve_model (const char *model, const CliQueryModel *models,
                                  gsize n_models, const char *names, const char **uid,
                                  GError **error);
/* Replaces *level, if set, by its PATIENT, STUDY, SERIES or IMAGE spelling. */
gboolean cli_query_resolve_level (char **level, GError **error);
/* A new identifier with keys and, unless level is NULL, the Query/Retrieve
 * Level. */
DcmDataSet *cli_query_build_identifier (char **keys, const char *level, GError **error);
/* After the options: exactly one PEER left in argv. */
gboolean cli_query_parse_peer (int argc, char **argv, CliPeer *peer, char **peer_text,
                               GError **error);
/* The exit status for a final response status; cancel_succeeds when a
 * Cancel status is what the user asked for. */
int      cli_query_exit_status (guint16 status, gboolean cancel_succeeds);

/* ---- the exchange in a main loop ---- */
typedef struct {
  const char *subcommand;   /* "find", for the messages */
  gboolean    verbose;      /* a failed release is only told with -v */
  GMainLoop  *loop;
  int         exit_status;
} CliQueryRun;

/* Requests an association of params with peer, with opts' timeouts; with
 * traffic (may be NULL) the A-ASSOCIATE-RQ is printed first. Returns the
 * ID to pass to cli_query_request_finish. */
guint cli_query_request (const CliCommonOptions *opts, const CliPeer *peer,
                         const DimseAssociationParams *params, CliTraffic *traffic,
                         GAsyncReadyCallback callback, gpointer user_data);
/* The association, which traffic then watches; NULL, having ended the
 * loop with CLI_EXIT_REFUSED, when it did not come about. */
DimseAssociation *cli_query_request_finish (CliQueryRun *run, GAsyncResult *result,
                                            CliTraffic *traffic, guint traffic_id);
/* Prints error and ends the loop with exit_status. */
void cli_query_fail (CliQueryRun *run, const GError *error, int exit_status);
/* For a failed operation on assoc: ends the loop, with CLI_EXIT_REFUSED if
 * the association was aborted, when assoc is no longer established, and
 * returns TRUE; otherwise FALSE. */
gboolean cli_query_fail_if_lost (CliQueryRun *run, DimseAssociation *assoc,
                                 const GError *error);
/* Sets exit_status, releases assoc and then ends the loop. */
void cli_query_release (CliQueryRun *run, DimseAssociation *assoc, int exit_status);

G_END_DECLS
