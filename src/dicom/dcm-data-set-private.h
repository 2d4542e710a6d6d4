/* dcm-data-set-private.h — what the data set's own files share: the model
 * (dcm-data-set.c), its getters, setters and validation. Not for other
 * files of the library. */
#pragma once

#include "dcm-data-set.h"

G_BEGIN_DECLS

/* One value of a string element: bytes [start, start + len) of the value. */
typedef struct {
  gsize start;
  gsize len;
} DcmDataSetSpan;

/* The character set in force for ds; *unknown (may be NULL) is TRUE when
 * its (0008,0005) names a term we do not know, to decode lossily. */
const DcmCharset *dcm_data_set_priv_resolve_charset (DcmDataSet *ds, gboolean *unknown);

/* The values of a string element as DcmDataSetSpan (none for an empty or
 * all-padding value). */
GArray   *dcm_data_set_priv_string_spans (DcmDataSet *ds, const DcmElement *el,
                                          const guint8 *data, gsize len);
gboolean  dcm_data_set_priv_is_binary_vr (DcmVR vr);
gboolean  dcm_data_set_priv_is_float_vr (DcmVR vr);
/* Prefixes error with "Value <index + 1> of <tag>: "; returns FALSE. */
gboolean  dcm_data_set_priv_prefix_invalid (guint32 tag, guint index, GError **error);
/* Characters in the longest component group of a PN value. */
gsize     dcm_data_set_priv_longest_group (const char *text);

G_END_DECLS
