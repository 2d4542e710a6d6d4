/* dimse-probe.h — the conformance probe: which SOP classes a peer accepts,
 * in which transfer syntaxes and roles, and how it answers extended
 * negotiation and user identity (PS3.7 Annex D), found by proposing every
 * pair in batches of at most 128 presentation contexts (PS3.8 §9.3.2.2),
 * one association per batch */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"
#include "dimse-recorder.h"

G_BEGIN_DECLS

/* The groups of SOP classes the probe knows. */
typedef enum {
  DIMSE_PROBE_VERIFICATION = 1 << 0,
  DIMSE_PROBE_STORAGE      = 1 << 1,   /* every storage SOP class in the registry */
  DIMSE_PROBE_QR           = 1 << 2,   /* Query/Retrieve FIND, MOVE, GET */
  DIMSE_PROBE_WORKLIST     = 1 << 3,
  DIMSE_PROBE_MPPS         = 1 << 4,
  DIMSE_PROBE_COMMITMENT   = 1 << 5,
  DIMSE_PROBE_PRINT        = 1 << 6,
  DIMSE_PROBE_ALL          = (1 << 7) - 1,
} DimseProbeServices;

/* "verification", "storage", "qr", "worklist", "mpps", "commitment",
 * "print" for one flag. */
const char *dimse_probe_service_to_string (DimseProbeServices service);
/* A comma-separated list of those words, or "all". Fails with
 * G_OPTION_ERROR_BAD_VALUE naming the word it does not know. */
gboolean    dimse_probe_services_parse (const char *text, DimseProbeServices *out,
                                        GError **error);

/* One SOP class proposed in one transfer syntax: a presentation context of
 * its own, so that each answer concerns exactly one pair. */
typedef struct {
  char              *sop_class_uid;
  char              *transfer_syntax_uid;
  DimseProbeServices service;          /* one flag */
  guint              association;      /* 1, 2 … the association it went on */
  guint8             presentation_context_id;
  /* FALSE while not asked, or when its association never came about (the
   * probe's error says why); result and roles are then meaningless. */
  gboolean           answered;
  guint8             result;           /* DimsePresentationContextResult */
  DimseRole          proposed_roles;   /* our roles proposed; DEFAULT: no Role Selection */
  DimseRole          requestor_roles;  /* agreed: ours */
  DimseRole          acceptor_roles;   /* agreed: the peer's */
} DimseProbeEntry;

/* "accepted", "rejected: transfer syntaxes not supported", "not asked". */
char *dimse_probe_entry_describe_result (const DimseProbeEntry *entry);
/* "SCU", "SCP", "SCU and SCP" or "none". */
const char *dimse_probe_role_to_string (DimseRole roles);

/* A SOP Class Extended Negotiation proposed and what the peer said. */
typedef struct {
  char   *sop_class_uid;
  GBytes *proposed;
  GBytes *answer;       /* NULL: the peer did not answer it */
} DimseProbeExtendedNegotiation;

/* "relational-queries: supported; combined date-time matching: not
 * performed; …" in the words of PS3.4 Table C.5-2 and C.5-5, or "no
 * answer". */
char *dimse_probe_extended_negotiation_describe (const DimseProbeExtendedNegotiation *en);

typedef enum {
  DIMSE_PROBE_USER_IDENTITY_NOT_PROBED,
  DIMSE_PROBE_USER_IDENTITY_ACCEPTED_WITH_RESPONSE,   /* PS3.7 §D.3.3.7.2 */
  DIMSE_PROBE_USER_IDENTITY_ACCEPTED_WITHOUT_RESPONSE,
  DIMSE_PROBE_USER_IDENTITY_REJECTED,                 /* the association was refused */
} DimseProbeUserIdentityOutcome;

#define DIMSE_TYPE_PROBE (dimse_probe_get_type ())
G_DECLARE_FINAL_TYPE (DimseProbe, dimse_probe, DIMSE, PROBE, GObject)

/* A probe of called_ae_title at host:port calling as calling_ae_title;
 * by default every group of SOP classes, 128 contexts per association and
 * a user identity probe with the username "dimsebench". */
DimseProbe *dimse_probe_new (const char *calling_ae_title, const char *called_ae_title,
                             const char *host, guint16 port);
void        dimse_probe_set_services (DimseProbe *probe, DimseProbeServices services);
/* The transfer syntaxes proposed for storage SOP classes (NULL-terminated;
 * NULL: the uncompressed ones, Deflated, JPEG Baseline and Lossless SV1,
 * JPEG 2000 and its lossless form, RLE). Other SOP classes are proposed
 * in Implicit VR LE, Explicit VR LE and Explicit VR BE. */
void        dimse_probe_set_storage_transfer_syntaxes (DimseProbe *probe,
                                                       const char *const *transfer_syntaxes);
/* 1 to 128 presentation contexts per association (some peers take fewer). */
void        dimse_probe_set_max_contexts (DimseProbe *probe, guint max_contexts);
/* NULL: no user identity probe. Only a username is sent, never a passcode. */
void        dimse_probe_set_username (DimseProbe *probe, const char *username);
void        dimse_probe_set_timeouts (DimseProbe *probe, const DimseTimeouts *timeouts);
/* Our Maximum Length in the -RQs (PS3.8 §D.1; 0: no maximum). */
void        dimse_probe_set_max_pdu_length (DimseProbe *probe, guint32 max_pdu_length);
/* The probe's associations are recorded there (NULL: not recorded). */
void        dimse_probe_set_recorder (DimseProbe *probe, DimseRecorder *recorder);
/* TLS (PS3.15 Annex B.1) for every association of the probe; copied
 * (NULL, the default: plain TCP). */
void        dimse_probe_set_tls (DimseProbe *probe, const DimseTlsSettings *tls);

/* Builds the entries (all "not asked") and proposes them, one association
 * after the other, each released once its answer is in; then the user
 * identity probe on an association of its own (Verification). Emits
 * "progress" (guint associations_done, guint associations_total) after
 * each. Cancelling stops it between associations (G_IO_ERROR_CANCELLED).
 * An association that is rejected, aborted or never connects ends the probe
 * with that error: the entries answered so far stay. Run once. */
void        dimse_probe_run_async (DimseProbe *probe, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean    dimse_probe_run_finish (DimseProbe *probe, GAsyncResult *result, GError **error);

/* DimseProbeEntry*, in the order proposed (SOP class, then transfer syntax). */
GPtrArray  *dimse_probe_get_entries (DimseProbe *probe);
/* DimseProbeExtendedNegotiation*, one per SOP class that had one proposed. */
GPtrArray  *dimse_probe_get_extended_negotiations (DimseProbe *probe);
/* The outcome, with a sentence saying it (the server response's size, or
 * the A-ASSOCIATE-RJ in words). */
DimseProbeUserIdentityOutcome dimse_probe_get_user_identity (DimseProbe *probe,
                                                             const char **description);
/* From the first -AC: NULL until then. */
const char *dimse_probe_get_peer_implementation_class_uid (DimseProbe *probe);
const char *dimse_probe_get_peer_implementation_version_name (DimseProbe *probe);
guint32     dimse_probe_get_peer_max_pdu_length (DimseProbe *probe);
guint       dimse_probe_get_n_associations (DimseProbe *probe);

/* The whole result as one JSON object: peer, implementation, entries (with
 * names and the result in words), extended_negotiations (bytes in hex and
 * in words), user_identity. */
gboolean    dimse_probe_export_json (DimseProbe *probe, GOutputStream *out,
                                     GCancellable *cancellable, GError **error);
/* One line per entry, RFC 4180 quoting, with a header line. */
gboolean    dimse_probe_export_csv (DimseProbe *probe, GOutputStream *out,
                                    GCancellable *cancellable, GError **error);

G_END_DECLS
