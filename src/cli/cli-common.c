/* cli-common.c — PEER parsing, the common options and the -v traffic
 * printer of the network subcommands */
#include "config.h"

#include "cli-common.h"

#include <stdlib.h>
#include <string.h>

#include "cli-private.h"
#include "dcm-dict.h"
#include "dcm-tags.h"
#include "dimse-error.h"
#include "dimse-tls-info.h"

/* PS3.8 §9.3.2: an AE title is 1 to 16 characters. */
#define CLI_MAX_AE_TITLE 16
/* Below this a P-DATA-TF leaves too little room to be of use; DCMTK's
 * lower bound too. */
#define CLI_MIN_MAX_PDU 4096
#define CLI_TRAFFIC_MAX_EVENTS 1000

/* ---- PEER ---- */

static gboolean
bad_peer (GError **error, const char *text, const char *why)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The peer “%s” is not AET@host:port: %s."), text, why);
  return FALSE;
}

static gboolean
parse_port (const char *text, guint16 *port)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &value, NULL))
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

gboolean
cli_peer_parse_address (const char *text, CliPeer *peer, GError **error)
{
  const char *at = strrchr (text, '@');
  const char *address = at != NULL ? at + 1 : text;
  const char *colon;
  g_autofree char *host = NULL;

  memset (peer, 0, sizeof *peer);
  if (at != NULL && (at == text || at - text > CLI_MAX_AE_TITLE))
    return bad_peer (error, text, _("the AE title must have 1 to 16 characters"));
  if (address[0] == '[')
    {
      const char *close = strchr (address, ']');

      if (close == NULL || close[1] != ':')
        return bad_peer (error, text, _("an IPv6 address is written [address]:port"));
      host = g_strndup (address + 1, (gsize) (close - address - 1));
      colon = close + 1;
    }
  else
    {
      colon = strrchr (address, ':');
      if (colon == NULL)
        return bad_peer (error, text, _("the port is missing"));
      host = g_strndup (address, (gsize) (colon - address));
    }
  if (host[0] == '\0')
    return bad_peer (error, text, _("the host is missing"));
  if (!parse_port (colon + 1, &peer->port))
    return bad_peer (error, text, _("the port must be a number from 1 to 65535"));
  peer->ae_title = at != NULL ? g_strndup (text, (gsize) (at - text))
                              : g_strdup (CLI_DEFAULT_CALLED_AE_TITLE);
  peer->host = g_steal_pointer (&host);
  return TRUE;
}

/* PEER is an address when it parses as one; otherwise the name of a node,
 * unless it has the address's '@' or ':' and no node has that name. */
gboolean
cli_peer_parse (const char *text, CliPeer *peer, GError **error)
{
  g_autoptr(GError) address_error = NULL;
  g_autoptr(GError) node_error = NULL;
  g_autofree char *path = NULL;

  if (cli_peer_parse_address (text, peer, &address_error))
    return TRUE;
  path = cli_node_list_path ();
  if (cli_node_list_lookup (path, text, peer, &node_error))
    return TRUE;
  if (strpbrk (text, "@:") != NULL)
    g_propagate_error (error, g_steal_pointer (&address_error));
  else
    g_propagate_error (error, g_steal_pointer (&node_error));
  return FALSE;
}

void
cli_peer_clear (CliPeer *peer)
{
  g_clear_pointer (&peer->ae_title, g_free);
  g_clear_pointer (&peer->host, g_free);
  g_clear_pointer (&peer->node_name, g_free);
  g_clear_pointer (&peer->tls_certificate_file, g_free);
  g_clear_pointer (&peer->tls_key_file, g_free);
  g_clear_pointer (&peer->tls_ca_file, g_free);
}

char *
cli_peer_to_string (const CliPeer *peer)
{
  gboolean ipv6 = strchr (peer->host, ':') != NULL;

  return g_strdup_printf ("%s@%s%s%s:%u", peer->ae_title, ipv6 ? "[" : "", peer->host,
                          ipv6 ? "]" : "", peer->port);
}

/* ---- options ---- */

void
cli_common_options_init (CliCommonOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->max_pdu = -1;
  opts->max_associate_length = -1;
}

void
cli_common_options_clear (CliCommonOptions *opts)
{
  g_clear_pointer (&opts->ae_title, g_free);
  g_clear_pointer (&opts->tls_certificate_file, g_free);
  g_clear_pointer (&opts->tls_key_file, g_free);
  g_clear_pointer (&opts->tls_ca_file, g_free);
  g_clear_pointer (&opts->user, g_free);
  if (opts->passcode != NULL)
    memset (opts->passcode, 0, strlen (opts->passcode));
  g_clear_pointer (&opts->passcode, g_free);
}

void
cli_common_options_add (CliCommonOptions *opts, GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "aet", 0, 0, G_OPTION_ARG_STRING, &opts->ae_title,
      N_("Our AE title, as DCMTK's -aet (default DIMSEBENCH)"), N_("AET") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &opts->timeout_s,
      N_("Seconds to wait for the connection, the association and each response (as DCMTK's "
         "-to, -ta and -td together)"),
      N_("SECONDS") },
    { "max-pdu", 0, 0, G_OPTION_ARG_INT64, &opts->max_pdu,
      N_("The largest PDU we receive, in bytes, as DCMTK's -pdu (0: no limit)"), N_("N") },
    { "max-associate-length", 0, 0, G_OPTION_ARG_INT64, &opts->max_associate_length,
      N_("The largest A-ASSOCIATE-RQ (as acceptor) or -AC (as requestor) we read, in bytes; "
         "a longer one is aborted. Default 65536, at least 1"), N_("BYTES") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose,
      N_("Print every PDU to stderr as it goes by"), NULL },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opts->tls_certificate_file,
      N_("Use TLS (PS3.15 Annex B.1), with our certificate from this PEM file"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opts->tls_key_file,
      N_("The private key of --tls-cert, a PEM file"), N_("FILE") },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &opts->tls_ca_file,
      N_("Use TLS and accept only a peer whose certificate these CA certificates (PEM) "
         "sign"), N_("FILE") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &opts->user,
      N_("Send this username as the User Identity (PS3.7 D.3.3.7)"), N_("NAME") },
    { "passcode", 0, 0, G_OPTION_ARG_STRING, &opts->passcode,
      N_("The passcode of --user; sent only over TLS unless --insecure-passcode"),
      N_("PASSCODE") },
    { "insecure-passcode", 0, 0, G_OPTION_ARG_NONE, &opts->insecure_passcode,
      N_("Send --passcode over plain TCP too, readable by anyone on the network"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

static gboolean
ae_title_is_valid (const char *ae_title)
{
  gsize len = strlen (ae_title);

  if (len == 0 || len > CLI_MAX_AE_TITLE || strchr (ae_title, '\\') != NULL)
    return FALSE;
  for (const char *p = ae_title; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return TRUE;
}

/* GTlsFileDatabase takes absolute paths only: the file is made one. */
static gboolean
check_tls_file (const char *option, char **path, GError **error)
{
  if (*path == NULL)
    return TRUE;
  if (g_file_test (*path, G_FILE_TEST_IS_REGULAR))
    {
      char *absolute = g_canonicalize_filename (*path, NULL);

      g_free (*path);
      *path = absolute;
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The file “%s” given to %s does not exist or is not a regular file."),
               *path, option);
  return FALSE;
}

/* The files are loaded when a connection is made; a certificate that does
 * not load is told then, naming the peer. */
static gboolean
check_tls (CliCommonOptions *opts, GError **error)
{
  if ((opts->tls_certificate_file == NULL) != (opts->tls_key_file == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--tls-cert and --tls-key go together: give both or neither."));
      return FALSE;
    }
  return check_tls_file ("--tls-cert", &opts->tls_certificate_file, error)
         && check_tls_file ("--tls-key", &opts->tls_key_file, error)
         && check_tls_file ("--tls-ca", &opts->tls_ca_file, error);
}

gboolean
cli_common_options_check (CliCommonOptions *opts, GError **error)
{
  if (opts->ae_title == NULL)
    opts->ae_title = g_strdup (CLI_DEFAULT_AE_TITLE);
  if (!ae_title_is_valid (opts->ae_title))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The AE title “%s” must have 1 to 16 printable ASCII characters "
                     "and no backslash."), opts->ae_title);
      return FALSE;
    }
  if (opts->timeout_s < 0 || opts->timeout_s > G_MAXINT / 1000)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--timeout must be a number of seconds from 1 to %d."), G_MAXINT / 1000);
      return FALSE;
    }
  if (opts->max_pdu != -1 && opts->max_pdu != 0
      && (opts->max_pdu < CLI_MIN_MAX_PDU || opts->max_pdu > G_MAXUINT32))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-pdu must be 0 (no limit) or from %d to %u bytes."),
                   CLI_MIN_MAX_PDU, G_MAXUINT32);
      return FALSE;
    }
  if (opts->max_associate_length != -1
      && (opts->max_associate_length < 1 || opts->max_associate_length > G_MAXUINT32))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-associate-length must be from 1 to %u bytes (it cannot be "
                     "switched off), not %lld."), G_MAXUINT32,
                   (long long) opts->max_associate_length);
      return FALSE;
    }
  if (opts->passcode != NULL && opts->user == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--passcode goes with --user: give the username too."));
      return FALSE;
    }
  return check_tls (opts, error);
}

void
cli_common_options_get_timeouts (const CliCommonOptions *opts, DimseTimeouts *timeouts)
{
  guint ms = (guint) opts->timeout_s * 1000;

  dimse_timeouts_init (timeouts);
  if (ms == 0)
    return;
  timeouts->connect_timeout_ms = ms;
  timeouts->artim_timeout_ms = ms;
  timeouts->dimse_timeout_ms = ms;
}

void
cli_common_options_get_peer_timeouts (const CliCommonOptions *opts, const CliPeer *peer,
                                      DimseTimeouts *timeouts)
{
  CliCommonOptions merged = *opts;

  if (merged.timeout_s == 0 && peer != NULL && peer->node_name != NULL)
    merged.timeout_s = peer->timeout_s;
  cli_common_options_get_timeouts (&merged, timeouts);
}

/* PS3.15 §B.4: a passcode goes over a secure transport; over plain TCP
 * only the username is sent, unless the user insists. */
static void
set_user_identity (const CliCommonOptions *opts, const CliPeer *peer,
                   DimseAssociationParams *params)
{
  g_autoptr(DimseTlsSettings) tls = NULL;
  g_autoptr(GBytes) username = NULL;
  g_autoptr(GBytes) passcode = NULL;

  if (opts->user == NULL)
    return;
  username = g_bytes_new (opts->user, strlen (opts->user));
  tls = cli_common_options_get_tls (opts, peer);
  if (opts->passcode != NULL && (tls != NULL || opts->insecure_passcode))
    passcode = g_bytes_new (opts->passcode, strlen (opts->passcode));
  else if (opts->passcode != NULL)
    g_printerr (_("dimse: warning: the passcode is not sent over plain TCP, only the username "
                  "(use TLS, or --insecure-passcode to send it anyway).\n"));
  dimse_association_params_set_user_identity (params,
                                              passcode != NULL
                                              ? DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE
                                              : DIMSE_USER_IDENTITY_USERNAME,
                                              username, passcode, TRUE);
}

DimseAssociationParams *
cli_common_options_build_params (const CliCommonOptions *opts, const CliPeer *peer)
{
  DimseAssociationParams *params =
    dimse_association_params_new (opts->ae_title != NULL ? opts->ae_title
                                                         : CLI_DEFAULT_AE_TITLE,
                                  peer->ae_title);

  if (opts->max_associate_length > 0)
    params->max_associate_ac_length = (guint32) opts->max_associate_length;
  if (opts->max_pdu >= 0)
    params->max_pdu_length = (guint32) opts->max_pdu;
  else if (peer->node_name != NULL && peer->max_pdu >= 0)
    params->max_pdu_length = (guint32) peer->max_pdu;
  set_user_identity (opts, peer, params);
  return params;
}

/* ---- TLS ---- */

DimseTlsSettings *
cli_common_options_get_tls (const CliCommonOptions *opts, const CliPeer *peer)
{
  gboolean node = peer != NULL && peer->node_name != NULL;
  DimseTlsSettings *tls;

  if (opts->tls_certificate_file == NULL && opts->tls_ca_file == NULL
      && !(node && peer->tls))
    return NULL;
  tls = g_new0 (DimseTlsSettings, 1);
  /* The options name our certificate and key together (see check_tls). */
  if (opts->tls_certificate_file != NULL || !node)
    {
      tls->certificate_file = g_strdup (opts->tls_certificate_file);
      tls->key_file = g_strdup (opts->tls_key_file);
    }
  else
    {
      tls->certificate_file = g_strdup (peer->tls_certificate_file);
      tls->key_file = g_strdup (peer->tls_key_file);
    }
  tls->ca_file = g_strdup (opts->tls_ca_file != NULL ? opts->tls_ca_file
                           : node ? peer->tls_ca_file : NULL);
  tls->verify_peer = tls->ca_file != NULL;
  return tls;
}

gboolean
cli_common_options_get_acceptor_tls (const CliCommonOptions *opts, DimseTlsSettings **out_tls,
                                     GError **error)
{
  *out_tls = NULL;
  if (opts->tls_ca_file != NULL && opts->tls_certificate_file == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("A TLS acceptor needs its own certificate: give --tls-cert and --tls-key "
                     "with --tls-ca."));
      return FALSE;
    }
  *out_tls = cli_common_options_get_tls (opts, NULL);
  return TRUE;
}

void
cli_tls_settings_free (DimseTlsSettings *tls)
{
  dimse_tls_settings_free (tls);
}

/* ---- -v ---- */

struct _CliTraffic {
  DimseRecorder *recorder;
  gulong         items_changed_id;
  GHashTable    *recorded_ids;  /* associations the engine records itself */
};

typedef struct {
  CliTraffic *traffic;
  guint       id;
} Watch;

static void
print_event (DimseTrafficEvent *event)
{
  const char *arrow;

  /* -v prints the PDUs as they go; their P-DATA-TF lines already say what
   * each message is made of. */
  if (dimse_traffic_event_get_kind (event) == DIMSE_TRAFFIC_KIND_MESSAGE)
    return;
  switch (dimse_traffic_event_get_direction (event))
    {
    case DIMSE_TRAFFIC_DIRECTION_SENT:
      arrow = "→";
      break;
    case DIMSE_TRAFFIC_DIRECTION_RECEIVED:
      arrow = "←";
      break;
    case DIMSE_TRAFFIC_DIRECTION_NONE:
    default:
      arrow = "·";
      break;
    }
  g_printerr ("[%u] %s %s\n", dimse_traffic_event_get_association_id (event), arrow,
              dimse_traffic_event_get_summary (event));
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added,
                  gpointer user_data)
{
  (void) removed;
  (void) user_data;
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (model, i);

      print_event (event);
    }
}

CliTraffic *
cli_traffic_new (void)
{
  CliTraffic *traffic = g_new0 (CliTraffic, 1);

  traffic->recorder = dimse_recorder_new ();
  traffic->recorded_ids = g_hash_table_new (NULL, NULL);
  dimse_recorder_set_max_events (traffic->recorder, CLI_TRAFFIC_MAX_EVENTS);
  traffic->items_changed_id = g_signal_connect (traffic->recorder, "items-changed",
                                                G_CALLBACK (on_items_changed), NULL);
  return traffic;
}

void
cli_traffic_free (CliTraffic *traffic)
{
  g_clear_signal_handler (&traffic->items_changed_id, traffic->recorder);
  g_clear_object (&traffic->recorder);
  g_clear_pointer (&traffic->recorded_ids, g_hash_table_unref);
  g_free (traffic);
}

DimseRecorder *
cli_traffic_get_recorder (CliTraffic *traffic)
{
  return traffic->recorder;
}

guint
cli_traffic_request_async (CliTraffic *traffic, const DimseAssociationParams *params,
                           const char *host, guint16 port, const DimseTimeouts *timeouts,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  guint id = dimse_association_request_full_async (params, host, port, timeouts, NULL,
                                                   traffic != NULL ? traffic->recorder : NULL,
                                                   NULL, callback, user_data);

  if (traffic != NULL && id != 0)
    g_hash_table_add (traffic->recorded_ids, GUINT_TO_POINTER (id));
  return id;
}

guint
cli_common_request_async (const CliCommonOptions *opts, const CliPeer *peer,
                          const DimseAssociationParams *params, CliTraffic *traffic,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(DimseTlsSettings) tls = cli_common_options_get_tls (opts, peer);
  DimseTimeouts timeouts;
  guint id;

  cli_common_options_get_peer_timeouts (opts, peer, &timeouts);
  id = dimse_association_request_full_async (params, peer->host, peer->port, &timeouts, tls,
                                             traffic != NULL ? traffic->recorder : NULL,
                                             NULL, callback, user_data);
  if (traffic != NULL && id != 0)
    g_hash_table_add (traffic->recorded_ids, GUINT_TO_POINTER (id));
  return id;
}

gboolean
cli_error_is_refusal (const GError *error)
{
  return g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED)
         || g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_ABORTED)
         || g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION)
         || g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT);
}

guint
cli_traffic_begin_request (CliTraffic *traffic, const DimseAssociationParams *params)
{
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(GBytes) raw = NULL;
  guint id = dimse_recorder_begin_association (traffic->recorder, NULL, NULL,
                                               params->calling_ae_title,
                                               params->called_ae_title, TRUE);

  rq = dimse_negotiation_build_rq (params, NULL);
  if (rq != NULL)
    raw = dimse_pdu_encode (rq, NULL);
  if (raw != NULL)
    dimse_recorder_record_pdu (traffic->recorder, id, DIMSE_TRAFFIC_DIRECTION_SENT, raw);
  return id;
}

static void
on_pdu_sent (DimseAssociation *assoc, GBytes *raw, gpointer user_data)
{
  Watch *watch = user_data;

  (void) assoc;
  dimse_recorder_record_pdu (watch->traffic->recorder, watch->id, DIMSE_TRAFFIC_DIRECTION_SENT,
                             raw);
}

static void
on_pdu_received (DimseAssociation *assoc, GBytes *raw, gpointer user_data)
{
  Watch *watch = user_data;

  (void) assoc;
  dimse_recorder_record_pdu (watch->traffic->recorder, watch->id,
                             DIMSE_TRAFFIC_DIRECTION_RECEIVED, raw);
}

static void
on_closed (DimseAssociation *assoc, guint reason, const char *description, gpointer user_data)
{
  Watch *watch = user_data;

  (void) assoc;
  dimse_recorder_end_association (watch->traffic->recorder, watch->id,
                                  description != NULL
                                    ? description
                                    : dimse_close_reason_to_string (reason));
}

/* After the negotiation: who the TLS peer proved to be (PS3.15 Annex B.1). */
static void
print_tls (guint id, DimseAssociation *assoc)
{
  DimseTransport *transport = dimse_association_get_transport (assoc);
  g_autoptr(DimseTlsInfo) tls = transport != NULL ? dimse_tls_info_new_for_transport (transport)
                                                  : NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (tls == NULL)
    return;
  text = dimse_tls_info_describe (tls, "  ");
  lines = g_strsplit (text, "\n", -1);
  g_printerr ("[%u]     %s\n", id, _("TLS:"));
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_printerr ("[%u]     %s\n", id, lines[i]);
}

static void
print_negotiation (guint id, DimseAssociation *assoc)
{
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (result == NULL)
    return;
  text = dimse_negotiation_result_describe (result);
  lines = g_strsplit (text, "\n", -1);
  g_printerr ("[%u] · %s → %s: %s\n", id, result->calling_ae_title, result->called_ae_title,
              _("association established"));
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_printerr ("[%u]     %s\n", id, lines[i]);
  print_tls (id, assoc);
}

void
cli_traffic_watch (CliTraffic *traffic, guint id, DimseAssociation *assoc)
{
  Watch *watch;

  if (id == 0 || g_hash_table_contains (traffic->recorded_ids, GUINT_TO_POINTER (id)))
    {
      /* The engine records it (the A-ASSOCIATE exchange included). */
      if (id == 0)
        id = dimse_association_set_recorder (assoc, traffic->recorder);
      print_negotiation (id, assoc);
      return;
    }
  watch = g_new0 (Watch, 1);
  watch->traffic = traffic;
  watch->id = id;
  print_negotiation (id, assoc);
  g_signal_connect (assoc, "pdu-sent", G_CALLBACK (on_pdu_sent), watch);
  g_signal_connect (assoc, "pdu-received", G_CALLBACK (on_pdu_received), watch);
  g_signal_connect_data (assoc, "closed", G_CALLBACK (on_closed), watch,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
}

/* ---- identifiers from -k KEY[=VALUE] ---- */

static gboolean
parse_key_part (const char *part, guint32 *tag, gint *index, GError **error)
{
  g_autofree char *name = g_strdup (part);
  char *bracket = strchr (name, '[');

  *index = -1;
  if (bracket != NULL)
    {
      char *end = NULL;
      guint64 n = g_ascii_strtoull (bracket + 1, &end, 10);

      if (end == bracket + 1 || *end != ']' || end[1] != '\0' || n > G_MAXINT)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not a sequence with an item index such as "
                         "ReferencedStudySequence[0]."), part);
          return FALSE;
        }
      *bracket = '\0';
      *index = (gint) n;
    }
  if (!dcm_dict_parse_tag (name, tag))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is neither a DICOM keyword nor a tag as gggg,eeee."), name);
      return FALSE;
    }
  return TRUE;
}

/* The item index of seq_tag in ds, appending it when it is the next one. */
static DcmDataSet *
get_item (DcmDataSet *ds, guint32 seq_tag, gint index, GError **error)
{
  guint n_items = dcm_data_set_get_n_items (ds, seq_tag);
  DcmElement *el;

  if (index < 0)
    index = 0;
  if ((guint) index < n_items)
    return dcm_data_set_get_item (ds, seq_tag, index);
  if ((guint) index > n_items)
    {
      g_autofree char *name = dcm_describe_tag (seq_tag);

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Item %d of %s cannot be given before item %u."), index, name, n_items);
      return NULL;
    }
  el = (DcmElement *) dcm_data_set_lookup (ds, seq_tag);
  if (el == NULL || el->vr != DCM_VR_SQ)
    el = dcm_data_set_insert (ds, seq_tag, DCM_VR_SQ);
  dcm_data_set_append_item (ds, el, dcm_data_set_new ());
  return dcm_data_set_get_item (ds, seq_tag, index);
}

static gboolean
set_key (DcmDataSet *ds, const char *key, const char *value, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (key, ".", -1);
  guint n_parts = g_strv_length (parts);
  guint32 tag = 0;
  gint index;

  for (guint i = 0; i < n_parts; i++)
    {
      if (!parse_key_part (parts[i], &tag, &index, error))
        return FALSE;
      if (i + 1 < n_parts)
        {
          ds = get_item (ds, tag, index, error);
          if (ds == NULL)
            return FALSE;
        }
      else if (index >= 0)
        {
          return get_item (ds, tag, index, error) != NULL;
        }
    }
  if (value == NULL || *value == '\0')
    {
      dcm_data_set_insert (ds, tag, DCM_VR_NONE);
      return TRUE;
    }
  if (!dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, error))
    {
      g_prefix_error (error, _("The key %s cannot hold “%s”: "), key, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
key_is_charset (const char *key)
{
  guint32 tag = 0;

  return strchr (key, '.') == NULL && dcm_dict_parse_tag (key, &tag)
         && tag == DCM_TAG_SPECIFIC_CHARACTER_SET;
}

/* Specific Character Set first, so that the other values are encoded in
 * it; without one, UTF-8 when a value needs more than ASCII. */
gboolean
cli_keys_add (DcmDataSet *ds, char **keys, GError **error)
{
  gboolean has_charset = FALSE, needs_charset = FALSE;

  for (guint pass = 0; pass < 2; pass++)
    for (char **k = keys; k != NULL && *k != NULL; k++)
      {
        g_auto(GStrv) kv = g_strsplit (*k, "=", 2);

        if (key_is_charset (kv[0]) != (pass == 0))
          continue;
        has_charset |= pass == 0;
        needs_charset |= kv[1] != NULL && !g_str_is_ascii (kv[1]);
        if (pass == 1 && needs_charset && !has_charset)
          {
            if (!dcm_data_set_set_string (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_NONE,
                                          "ISO_IR 192", error))
              return FALSE;
            has_charset = TRUE;
          }
        if (!set_key (ds, kv[0], kv[1], error))
          return FALSE;
      }
  return TRUE;
}
