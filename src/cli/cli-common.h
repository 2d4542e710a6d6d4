/* cli-common.h — what the network subcommands of `dimse` share: the PEER
 * argument, the common options and the -v traffic printer */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"
#include "dimse-association.h"
#include "dimse-recorder.h"
#include "dimse-server.h"

G_BEGIN_DECLS

#define CLI_DEFAULT_AE_TITLE "DIMSEBENCH"
/* DCMTK's default called AE title, for a PEER given without one. */
#define CLI_DEFAULT_CALLED_AE_TITLE "ANY-SCP"

typedef struct _CliTraffic CliTraffic;

typedef struct {
  char    *ae_title;
  char    *host;
  guint16  port;
  /* Set when PEER named a node of the application's node list; the fields
   * below mean something only then. */
  char    *node_name;
  gboolean tls;                   /* the node is reached over TLS */
  char    *tls_certificate_file;  /* NULL: none */
  char    *tls_key_file;
  char    *tls_ca_file;
  gint     timeout_s;             /* 0: the engine's defaults */
  gint64   max_pdu;               /* 0: no limit; -1: the default */
} CliPeer;

/* "AET@host:port", "AET@[::1]:port" or, with the default called AE title,
 * "host:port"; anything else is looked up (without regard to case) by name
 * in the application's node list, cli_node_list_path (). Fails
 * (G_OPTION_ERROR_BAD_VALUE) with a sentence naming the part that is wrong,
 * or the file and the names it holds. */
gboolean cli_peer_parse (const char *text, CliPeer *peer, GError **error);
/* Only the AET@host:port forms, no node list. */
gboolean cli_peer_parse_address (const char *text, CliPeer *peer, GError **error);
/* The node list the application keeps: $XDG_CONFIG_HOME/dimsebench/nodes.json. */
char    *cli_node_list_path (void);
/* Fills peer from the node called name (case-insensitive) in the node list
 * at path (JSON, as the application writes it). Fails naming path and
 * listing the names it holds when there is none by that name. */
gboolean cli_node_list_lookup (const char *path, const char *name, CliPeer *peer,
                               GError **error);
void     cli_peer_clear (CliPeer *peer);
/* "AET@host:port", as the user wrote it (brackets for IPv6). */
char    *cli_peer_to_string (const CliPeer *peer);

typedef struct {
  char     *ae_title;     /* --aet */
  gint      timeout_s;    /* --timeout; 0: the engine's defaults */
  gint64    max_pdu;      /* --max-pdu; -1: the default */
  /* --max-associate-length: the largest A-ASSOCIATE-RQ (acceptor) or -AC
   * (requestor) read; -1: the default, 64 KiB */
  gint64    max_associate_length;
  gboolean  verbose;      /* -v */
  char     *tls_certificate_file;  /* --tls-cert */
  char     *tls_key_file;          /* --tls-key */
  char     *tls_ca_file;           /* --tls-ca */
  char     *user;                  /* --user: User Identity (PS3.7 §D.3.3.7) */
  char     *passcode;              /* --passcode */
  gboolean  insecure_passcode;     /* --insecure-passcode: also over plain TCP */
} CliCommonOptions;

void          cli_common_options_init (CliCommonOptions *opts);
void          cli_common_options_clear (CliCommonOptions *opts);
/* Adds --aet, --timeout, --max-pdu, --max-associate-length, -v/--verbose
 * and --tls-cert, --tls-key, --tls-ca to context. */
void          cli_common_options_add (CliCommonOptions *opts, GOptionContext *context);
/* Checks the values after parsing: an AE title of 1 to 16 characters, a
 * timeout of at least one second, a max PDU of 0 (none) or 4096 and more,
 * --tls-cert and --tls-key together and readable files. */
gboolean      cli_common_options_check (CliCommonOptions *opts, GError **error);
void          cli_common_options_get_timeouts (const CliCommonOptions *opts,
                                               DimseTimeouts *timeouts);
/* As _get_timeouts, a node's timeout when --timeout was not given. */
void          cli_common_options_get_peer_timeouts (const CliCommonOptions *opts,
                                                    const CliPeer *peer,
                                                    DimseTimeouts *timeouts);
/* Our AE title calling peer's, with our max PDU (--max-pdu, else the
 * node's); no contexts yet. */
DimseAssociationParams *cli_common_options_build_params (const CliCommonOptions *opts,
                                                         const CliPeer *peer);

/* ---- TLS (PS3.15 Annex B.1) ----
 * The settings to reach peer with (peer may be NULL, for an acceptor):
 * TLS when any --tls-… option was given or the node is reached over TLS;
 * our certificate and key from the options, else the node's; the peer's
 * certificate verified against --tls-ca (else the node's CA file) when
 * there is one. Returns NULL for no TLS; free with cli_tls_settings_free. */
DimseTlsSettings *cli_common_options_get_tls (const CliCommonOptions *opts,
                                              const CliPeer *peer);
void              cli_tls_settings_free (DimseTlsSettings *tls);
/* For `listen` and `serve`: *out_tls NULL without --tls-… options; with
 * them, our certificate and key (required: fails without --tls-cert) and,
 * with --tls-ca, requestors must show a certificate it signs. */
gboolean          cli_common_options_get_acceptor_tls (const CliCommonOptions *opts,
                                                       DimseTlsSettings **out_tls,
                                                       GError **error);
/* Requests an association of params with peer: the timeouts, TLS and
 * -v printing (traffic may be NULL) of opts and peer. Returns the
 * association ID to pass to cli_traffic_watch; finish with
 * dimse_association_request_finish. */
guint         cli_common_request_async (const CliCommonOptions *opts, const CliPeer *peer,
                                        const DimseAssociationParams *params,
                                        CliTraffic *traffic,
                                        GAsyncReadyCallback callback, gpointer user_data);

/* ---- the limits of `listen` and `serve` as acceptors ----
 * None of them can be switched off: each is a count or a time of at
 * least 1; an option not given leaves the engine's default. */
typedef struct {
  gint   max_associations;      /* --max-associations */
  gint   max_waiting;           /* --max-waiting: connections not yet associated */
  gint   artim_s;               /* --artim; -1: --timeout, else the default */
  gint   idle_timeout_s;        /* --idle-timeout; -1: the default */
} CliServerLimits;

void     cli_server_limits_init (CliServerLimits *limits);
/* Adds --max-associations, --max-waiting, --artim and --idle-timeout to
 * context (--max-associate-length is a common option). */
void     cli_server_limits_add (CliServerLimits *limits, GOptionContext *context);
/* Fails (G_OPTION_ERROR_BAD_VALUE) naming the option whose value is 0,
 * negative or too large. */
gboolean cli_server_limits_check (const CliServerLimits *limits, GError **error);
/* --artim and --idle-timeout into timeouts (from
 * cli_common_options_get_timeouts), for dimse_server_new. */
void     cli_server_limits_apply_timeouts (const CliServerLimits *limits,
                                           DimseTimeouts *timeouts);
/* The counts, and the -RQ size of opts, on a server that has taken no
 * connection. */
void     cli_server_limits_apply (const CliServerLimits *limits, const CliCommonOptions *opts,
                                  DimseServer *server);

/* Whether error means the association was refused or aborted, or never
 * came about (exit status CLI_EXIT_REFUSED). */
gboolean cli_error_is_refusal (const GError *error);

/* ---- -v: the traffic of associations printed to stderr as it happens ---- */
CliTraffic *cli_traffic_new (void);
void        cli_traffic_free (CliTraffic *traffic);
/* The recorder whose events are printed: for associations the engine
 * opens itself (a C-MOVE's to its destination, see
 * dimse_archive_set_recorder). */
DimseRecorder *cli_traffic_get_recorder (CliTraffic *traffic);
/* dimse_association_request_full_async with traffic's recorder (traffic
 * may be NULL: no printing): the A-ASSOCIATE-RQ as sent and its answer
 * (-AC, -RJ or A-ABORT) are printed as they go. Returns the association
 * ID to pass to _watch (0 without traffic). */
guint       cli_traffic_request_async (CliTraffic *traffic, const DimseAssociationParams *params,
                                       const char *host, guint16 port,
                                       const DimseTimeouts *timeouts,
                                       GAsyncReadyCallback callback, gpointer user_data);
/* Before dimse_association_request_async, for a caller that does not use
 * cli_traffic_request_async: prints the A-ASSOCIATE-RQ that params make
 * (rebuilt, not the bytes sent; the answer is not printed). Returns the
 * association ID to pass to _watch. */
guint       cli_traffic_begin_request (CliTraffic *traffic, const DimseAssociationParams *params);
/* Prints the negotiation's outcome and then every PDU of assoc not yet
 * printed. id 0 starts a new association (an accepted one, whose
 * A-ASSOCIATE exchange is printed first). */
void        cli_traffic_watch (CliTraffic *traffic, guint id, DimseAssociation *assoc);

/* ---- identifiers from -k KEY[=VALUE] (find, get, move) ----
 * Sets each key in ds: a keyword or gggg,eeee, Sequence[0].Keyword inside
 * items; KEY alone (or KEY=) inserts an empty return key. Specific
 * Character Set is set first, ISO_IR 192 when a value needs it. Fails
 * (G_OPTION_ERROR_BAD_VALUE) naming the key that is wrong. */
gboolean cli_keys_add (DcmDataSet *ds, char **keys, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliTraffic, cli_traffic_free)

G_END_DECLS
