/* cli-nservice.h — what the DIMSE-N subcommands of `dimse` share (n-get …
 * n-event-report, commit, mpps, print): data sets from DICOM JSON or -k,
 * SOP classes by keyword, one association running a sequence of N
 * requests with each response printed */
#pragma once

#include <gio/gio.h>

#include "cli-common.h"
#include "cli-query.h"
#include "dimse-nservice.h"

G_BEGIN_DECLS

typedef struct _CliNSession CliNSession;

/* What the step function did. */
typedef enum {
  CLI_N_NEXT_SENT,  /* it sent the next request with cli_n_session_send */
  CLI_N_NEXT_DONE,  /* nothing more: release and exit */
  CLI_N_NEXT_HOLD,  /* it waits for something else and calls cli_n_session_end */
} CliNNext;

/* Called once the association is up (previous NULL) and after each
 * response (already printed). */
typedef CliNNext (*CliNNextFunc) (CliNSession *session, const DimseNResult *previous,
                                  gpointer user_data);

struct _CliNSession {
  const char       *subcommand;
  CliCommonOptions  options;
  gboolean          json;         /* --json-out: data sets as DICOM JSON */
  gboolean          quiet;        /* no data sets printed */
  CliPeer           peer;
  char             *peer_text;
  CliTraffic       *traffic;
  guint             traffic_id;
  CliQueryRun       run;
  DimseAssociation *assoc;
  int               worst_exit;   /* over the responses so far */
  CliNNextFunc      next;
  gpointer          user_data;
};

void     cli_n_session_init (CliNSession *session, const char *subcommand);
void     cli_n_session_clear (CliNSession *session);
/* The common options and --json-out. */
void     cli_n_session_add_options (CliNSession *session, GOptionContext *context);
/* After parsing: checks the options and takes the one PEER left in argv. */
gboolean cli_n_session_parse_peer (CliNSession *session, int argc, char **argv,
                                   GError **error);
/* Params for the peer with our AE title (add the contexts, then _run). */
DimseAssociationParams *cli_n_session_build_params (CliNSession *session);
/* Associates, calls next until it is done, releases; the exit status:
 * the worst of the responses (0 success, 1 warning, 2 failure) or 3 when
 * the association was refused or aborted. */
int      cli_n_session_run (CliNSession *session, const DimseAssociationParams *params);
void     cli_n_session_send (CliNSession *session, const DimseNRequest *request);
/* After CLI_N_NEXT_HOLD: folds exit_status in, releases, ends. */
void     cli_n_session_end (CliNSession *session, int exit_status);
/* Prints error and ends with exit_status (the association aborted when
 * still established). */
void     cli_n_session_fail (CliNSession *session, const GError *error, int exit_status);

/* Prints "N-GET-RSP from PEER: 0x0000 Success …", the Affected SOP
 * Instance UID of an N-CREATE and the data set. */
void     cli_n_print_result (CliNSession *session, const DimseNResult *result);
void     cli_n_print_data_set (DcmDataSet *ds, gboolean json);
int      cli_n_exit_status (guint16 status);

/* A UID, or the keyword of one in the registry ("ModalityPerformedProcedureStep"). */
gboolean    cli_n_resolve_uid (const char *text, char **out_uid, GError **error);
/* Tags as keywords or gggg,eeee. */
gboolean    cli_n_parse_tags (char **texts, GArray *out_tags, GError **error);
/* The data set of a DICOM JSON file (may be NULL) with -k keys over it
 * (may be NULL); NULL without error when neither is given. */
DcmDataSet *cli_n_load_data_set (const char *json_file, char **keys, GError **error);

G_END_DECLS
