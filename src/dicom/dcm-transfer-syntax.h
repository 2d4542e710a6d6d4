/* dcm-transfer-syntax.h — properties of transfer syntaxes (PS3.5 §10) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *uid;
  gboolean    explicit_vr;
  gboolean    big_endian;
  gboolean    deflated;
  gboolean    encapsulated;   /* pixel data as fragments (compressed syntaxes) */
} DcmTransferSyntax;

extern const DcmTransferSyntax dcm_ts_implicit_le;          /* 1.2.840.10008.1.2 */
extern const DcmTransferSyntax dcm_ts_explicit_le;          /* 1.2.840.10008.1.2.1 */
extern const DcmTransferSyntax dcm_ts_deflated_explicit_le; /* 1.2.840.10008.1.2.1.99 */
extern const DcmTransferSyntax dcm_ts_explicit_be;          /* 1.2.840.10008.1.2.2 */

/* Known transfer syntax by UID (trailing spaces/NULs ignored). Any binary
 * transfer syntax of the registry is known: the compressed ones are
 * explicit-LE encapsulated; JPIP and SMPTE ST 2110 are explicit LE without
 * encapsulation and Papyrus 3 is implicit LE. NULL when unknown. */
const DcmTransferSyntax *dcm_transfer_syntax_lookup (const char *uid);
/* Whether the data layer can both read and write it without a codec
 * (the four uncompressed ones). */
gboolean dcm_transfer_syntax_is_uncompressed (const DcmTransferSyntax *ts);

G_END_DECLS
