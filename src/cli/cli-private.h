/* cli-private.h — what the subcommands of `dimse` share */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>

G_BEGIN_DECLS

/* Exit statuses of every subcommand (a contract for scripts). */
typedef enum {
  CLI_EXIT_SUCCESS = 0,
  CLI_EXIT_WARNING = 1,
  CLI_EXIT_FAILURE = 2,
  CLI_EXIT_REFUSED = 3,   /* association refused or aborted */
} CliExit;

typedef struct {
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} CliCommand;

int cli_dump_run (int argc, char **argv);
int cli_echo_run (int argc, char **argv);
int cli_find_run (int argc, char **argv);
int cli_get_run (int argc, char **argv);
int cli_listen_run (int argc, char **argv);
int cli_move_run (int argc, char **argv);
int cli_serve_run (int argc, char **argv);
int cli_store_run (int argc, char **argv);
int cli_qido_run (int argc, char **argv);
int cli_wado_run (int argc, char **argv);
int cli_stow_run (int argc, char **argv);
int cli_n_get_run (int argc, char **argv);
int cli_n_set_run (int argc, char **argv);
int cli_n_action_run (int argc, char **argv);
int cli_n_create_run (int argc, char **argv);
int cli_n_delete_run (int argc, char **argv);
int cli_n_event_report_run (int argc, char **argv);
int cli_commit_run (int argc, char **argv);
int cli_mpps_run (int argc, char **argv);
int cli_print_run (int argc, char **argv);
int cli_probe_run (int argc, char **argv);
int cli_move_doctor_run (int argc, char **argv);
int cli_pcap_run (int argc, char **argv);

/* Prints "dimse SUBCOMMAND: message" to stderr. */
void cli_print_error (const char *subcommand, const GError *error);

G_END_DECLS
