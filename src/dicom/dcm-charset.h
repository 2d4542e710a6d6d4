/* dcm-charset.h — Specific Character Set (PS3.5 §6.1, PS3.3 C.12.1.1.2) */
#pragma once

#include <glib.h>
#include "dcm-vr.h"

G_BEGIN_DECLS

typedef struct _DcmCharset DcmCharset;

/* From the values of (0008,0005), e.g. {"ISO 2022 IR 6", "ISO 2022 IR 87", NULL}.
 * NULL, empty or all-empty terms mean the default repertoire (ISO-IR 6).
 * Fails with DCM_ERROR_CHARSET naming an unknown term. */
DcmCharset *dcm_charset_new (const char * const *terms, GError **error);
/* From the raw backslash-separated value ("ISO 2022 IR 6\\ISO 2022 IR 87"). */
DcmCharset *dcm_charset_new_from_value (const char *value, GError **error);
DcmCharset *dcm_charset_copy (const DcmCharset *cs);
void        dcm_charset_free (DcmCharset *cs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcmCharset, dcm_charset_free)

gboolean    dcm_charset_is_default (const DcmCharset *cs);   /* NULL counts as default */
/* The value as given ("ISO_IR 100"), "" for default. */
const char *dcm_charset_get_value (const DcmCharset *cs);

/* Decodes len bytes of a value of VR vr (cs NULL = default repertoire) to
 * UTF-8. For VRs that do not use the character set, bytes must be ASCII.
 * ISO 2022 escape sequences switch G0/G1 as PS3.5 §6.1.2.5 says, and the
 * initial state returns after each backslash, CR, LF, FF, and (for PN)
 * after '^' and '='. Bytes not valid in the set fail with DCM_ERROR_CHARSET
 * and the byte offset. */
char *dcm_charset_decode (const DcmCharset *cs, const guint8 *bytes, gsize len,
                          DcmVR vr, GError **error);
/* Never fails: invalid bytes become U+FFFD. */
char *dcm_charset_decode_lossy (const DcmCharset *cs, const guint8 *bytes, gsize len,
                                DcmVR vr);
/* Encodes UTF-8 into the set's bytes (unpadded). Supported for the default
 * repertoire, every single-byte set, ISO_IR 192, GB18030, GBK, and the
 * ISO 2022 sets (escape sequences chosen per character run). Fails with
 * DCM_ERROR_CHARSET naming the first character that has no encoding. */
GBytes *dcm_charset_encode (const DcmCharset *cs, const char *utf8, DcmVR vr,
                            GError **error);

G_END_DECLS
