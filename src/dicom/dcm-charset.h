/* dcm-charset.h — Specific Character Set (PS3.5 §6.1, PS3.3 C.12.1.1.2) */
#pragma once

#include <glib.h>
#include "dcm-vr.h"

G_BEGIN_DECLS

typedef struct _DcmCharset DcmCharset;

/* From the values of (0008,0005), e.g. {"ISO 2022 IR 6", "ISO 2022 IR 87", NULL}.
 * Terms are trimmed of spaces; NULL, empty or all-empty terms mean the
 * default repertoire (ISO-IR 6), and an empty first of several values means
 * ISO 2022 IR 6. Besides PS3.3 Tables C.12-2 to C.12-5 (ISO_IR 203 included)
 * "ISO_IR 6" is accepted for the default repertoire. Fails with
 * DCM_ERROR_CHARSET naming an unknown term, or when ISO_IR 192, GB18030 or
 * GBK, which allow no code extensions, come with other terms. */
DcmCharset *dcm_charset_new (const char * const *terms, GError **error);
/* From the raw backslash-separated value ("ISO 2022 IR 6\\ISO 2022 IR 87"). */
DcmCharset *dcm_charset_new_from_value (const char *value, GError **error);
DcmCharset *dcm_charset_copy (const DcmCharset *cs);
void        dcm_charset_free (DcmCharset *cs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcmCharset, dcm_charset_free)

/* NULL counts as default, and so does "ISO 2022 IR 6" alone. */
gboolean    dcm_charset_is_default (const DcmCharset *cs);
/* The terms as given, trimmed and joined by backslashes ("ISO_IR 100",
 * "\\ISO 2022 IR 87"), "" for default. */
const char *dcm_charset_get_value (const DcmCharset *cs);

/* Decodes len bytes of a value of VR vr (cs NULL = default repertoire) to
 * UTF-8. For VRs that do not use the character set, bytes must be ASCII.
 * ISO 2022 escape sequences switch G0/G1 as PS3.5 §6.1.2.5 says, and the
 * initial state returns after each backslash (multi-valued VRs only), CR,
 * LF, TAB, FF, and (for PN) after '^' and '='. While a two-byte set is in
 * G0 (ISO 2022 IR 87/159), bytes 0x21-0x7E pair up as its characters, so a
 * 0x5C there is not a delimiter. Escape sequences of any set DICOM defines
 * are honoured even if (0008,0005) does not list it. Trailing NULs are
 * ignored. Bytes not valid in the set (including an unknown escape
 * sequence or an embedded NUL) fail with DCM_ERROR_CHARSET and the byte
 * offset. A DcmCharset holds no converter state: any number of threads may
 * decode and encode with one at the same time. */
char *dcm_charset_decode (const DcmCharset *cs, const guint8 *bytes, gsize len,
                          DcmVR vr, GError **error);
/* Never fails: invalid bytes become U+FFFD. */
char *dcm_charset_decode_lossy (const DcmCharset *cs, const guint8 *bytes, gsize len,
                                DcmVR vr);
/* Encodes UTF-8 into the set's bytes (unpadded). Supported for the default
 * repertoire, every single-byte set, ISO_IR 192, GB18030, GBK, and the
 * ISO 2022 sets (escape sequences chosen per character run: the sets
 * already designated first, then the terms in their order; a two-byte G0
 * set gives way to the initial G0 set before any ASCII character and at the
 * end, as in PS3.5 Annex H). Fails with DCM_ERROR_CHARSET naming the first
 * character that has no encoding (ESC counts as one, since it would be read
 * back as a designation). */
GBytes *dcm_charset_encode (const DcmCharset *cs, const char *utf8, DcmVR vr,
                            GError **error);

G_END_DECLS
