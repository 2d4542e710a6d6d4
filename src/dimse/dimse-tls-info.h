/* dimse-tls-info.h — what an association's TLS connection (PS3.15 Annex
 * B.1) was: protocol version, cipher suite and the peer's certificate as
 * the handshake left them. Public facts only: never key material. */
#pragma once

#include <gio/gio.h>

#include "dimse-transport.h"

G_BEGIN_DECLS

/* Immutable once made, shared by reference (the recorder hands it to its
 * events), so safe to read from any thread. */
typedef struct {
  char                 *protocol_version;     /* "TLS 1.3" */
  char                 *ciphersuite_name;     /* "TLS_AES_256_GCM_SHA384"; NULL if unknown */
  gboolean              has_peer_certificate; /* FALSE: the peer presented none */
  char                 *peer_subject;         /* RFC 4514 string, "CN=localhost" */
  char                 *peer_issuer;
  GDateTime            *peer_not_valid_before;
  GDateTime            *peer_not_valid_after;
  char                 *peer_sha256;          /* of the DER, "AB:CD:…" (32 pairs) */
  GTlsCertificateFlags  peer_errors;          /* as the handshake checked it */
} DimseTlsInfo;

#define DIMSE_TYPE_TLS_INFO (dimse_tls_info_get_type ())
GType         dimse_tls_info_get_type (void) G_GNUC_CONST;

/* The facts of conn, whose handshake has completed. */
DimseTlsInfo *dimse_tls_info_new (GTlsConnection *conn);
/* The same for the stream of transport; NULL when it is plain TCP. */
DimseTlsInfo *dimse_tls_info_new_for_transport (DimseTransport *transport);
DimseTlsInfo *dimse_tls_info_ref (DimseTlsInfo *info);
void          dimse_tls_info_unref (DimseTlsInfo *info);

/* "verified against the configured CA", "not verified: signed by an
 * unknown certificate authority, expired", or "no certificate presented". */
char         *dimse_tls_info_describe_verification (const DimseTlsInfo *info);
/* "version: TLS 1.3\ncipher suite: …\npeer certificate subject: …\n…", one
 * fact a line, each line begun with indent. */
char         *dimse_tls_info_describe (const DimseTlsInfo *info, const char *indent);
/* ISO 8601 in UTC, "" when unknown. */
char         *dimse_tls_info_format_time (GDateTime *time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseTlsInfo, dimse_tls_info_unref)

G_END_DECLS
