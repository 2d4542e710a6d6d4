/* dcm-data-set.h — the data set model (PS3.5 §7) */
#pragma once

#include <glib-object.h>
#include "dcm-vr.h"
#include "dcm-dict.h"
#include "dcm-value.h"
#include "dcm-charset.h"

G_BEGIN_DECLS

#define DCM_UNDEFINED_LENGTH 0xffffffffu

typedef struct _DcmDataSet DcmDataSet;

typedef enum {
  DCM_VALUE_EMPTY,      /* zero-length value (or an SQ with no items: kind ITEMS) */
  DCM_VALUE_BYTES,      /* value.bytes: the encoded value, little-endian, padding kept */
  DCM_VALUE_ITEMS,      /* value.items: GPtrArray of DcmDataSet* (SQ, or UN of undefined length) */
  DCM_VALUE_FRAGMENTS,  /* value.fragments: GPtrArray of GBytes*, [0] the Basic Offset Table */
  DCM_VALUE_BULK,       /* value.bulk: the value left in its source */
} DcmValueKind;

/* A value kept outside the data set: in a file at an offset, or at a URI
 * (DICOM JSON BulkDataURI). */
typedef struct {
  char    *path;        /* local file holding the bytes, or NULL */
  guint64  offset;      /* byte offset of the value in path */
  guint64  length;      /* value length in bytes */
  char    *uri;         /* BulkDataURI, or NULL */
  gboolean big_endian;  /* byte order of the stored bytes */
} DcmBulkRef;

typedef struct {
  guint32      tag;
  DcmVR        vr;
  guint32      length;  /* length as read (DCM_UNDEFINED_LENGTH for undefined);
                           0 for elements built in memory */
  DcmValueKind kind;
  union {
    GBytes     *bytes;
    GPtrArray  *items;
    GPtrArray  *fragments;
    DcmBulkRef *bulk;
  } value;
} DcmElement;

GType       dcm_data_set_get_type (void) G_GNUC_CONST;
#define DCM_TYPE_DATA_SET (dcm_data_set_get_type ())

DcmDataSet *dcm_data_set_new (void);
DcmDataSet *dcm_data_set_ref (DcmDataSet *ds);
void        dcm_data_set_unref (DcmDataSet *ds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcmDataSet, dcm_data_set_unref)
/* Deep copy (GBytes values are shared, they are immutable). */
DcmDataSet *dcm_data_set_copy (DcmDataSet *ds);
/* Value-by-value equality (padding-insensitive for strings is NOT applied:
 * the encoded bytes must match, lengths as read are ignored). */
gboolean    dcm_data_set_equal (DcmDataSet *a, DcmDataSet *b);

/* An item's enclosing data set (weak), for character set inheritance. */
DcmDataSet *dcm_data_set_get_parent (DcmDataSet *ds);

/* Elements in ascending tag order. */
guint             dcm_data_set_n_elements (DcmDataSet *ds);
const DcmElement *dcm_data_set_nth (DcmDataSet *ds, guint i);
const DcmElement *dcm_data_set_lookup (DcmDataSet *ds, guint32 tag);
gboolean          dcm_data_set_contains (DcmDataSet *ds, guint32 tag);
gboolean          dcm_data_set_remove (DcmDataSet *ds, guint32 tag);
/* Removes every element with tag in [first, last]. */
void              dcm_data_set_remove_range (DcmDataSet *ds, guint32 first, guint32 last);

/* Inserts (or replaces) an empty element and returns it for filling with
 * the dcm_element_take_* functions below. vr DCM_VR_NONE takes the
 * dictionary's VR. Appending in ascending order is O(1). */
DcmElement *dcm_data_set_insert (DcmDataSet *ds, guint32 tag, DcmVR vr);
void        dcm_element_take_bytes (DcmElement *el, GBytes *bytes);          /* LE bytes */
void        dcm_element_take_fragments (DcmElement *el, GPtrArray *frags);    /* GBytes* */
void        dcm_element_take_bulk (DcmElement *el, DcmBulkRef *bulk);
/* Makes el a sequence (kind ITEMS) if it is not one, appends item (taking
 * the reference) and sets item's parent to ds. */
void        dcm_data_set_append_item (DcmDataSet *ds, DcmElement *el, DcmDataSet *item);
DcmBulkRef *dcm_bulk_ref_copy (const DcmBulkRef *ref);
void        dcm_bulk_ref_free (DcmBulkRef *ref);

/* Number of items of a sequence element, and the nth item (owned by ds). */
guint       dcm_data_set_get_n_items (DcmDataSet *ds, guint32 tag);
DcmDataSet *dcm_data_set_get_item (DcmDataSet *ds, guint32 tag, guint index);

/* The Specific Character Set in force for this data set: its own (0008,0005)
 * or its nearest ancestor's; NULL for the default repertoire (and for an
 * unrecognised term, which dcm_data_set_validate reports). Cached; valid
 * until that (0008,0005) changes. An item inherits only once appended. */
const DcmCharset *dcm_data_set_get_charset (DcmDataSet *ds);

/* ---- typed getters. All fail with DCM_ERROR_NOT_FOUND when the element or
 * the index is absent, DCM_ERROR_WRONG_TYPE when the VR does not hold that
 * type, DCM_ERROR_INVALID when the value does not parse. ---- */
/* Value multiplicity (number of values; 0 for empty). SQ, OB, OW, OF, OD,
 * OL, OV and UN have VM 1 (PS3.5 §6.4); the getters' index still counts
 * the binary values inside OW, OF, OD, OL, OV and OB. */
guint    dcm_data_set_get_vm (DcmDataSet *ds, guint32 tag);
/* One value as UTF-8 (character set decoded, insignificant spaces trimmed).
 * Works for every string VR, and renders numbers (shortest text that reads
 * back the same) and AT ("(0010,0010)") as text too; not SQ or UN. */
char    *dcm_data_set_get_string (DcmDataSet *ds, guint32 tag, guint index, GError **error);
/* All values (NULL-terminated); the whole value with backslashes with
 * dcm_data_set_get_value_string. */
char   **dcm_data_set_get_strings (DcmDataSet *ds, guint32 tag, GError **error);
char    *dcm_data_set_get_value_string (DcmDataSet *ds, guint32 tag, GError **error);
/* US SS UL SL SV UV IS (and AT as the 32-bit tag). */
gboolean dcm_data_set_get_int64 (DcmDataSet *ds, guint32 tag, guint index, gint64 *out, GError **error);
gboolean dcm_data_set_get_uint64 (DcmDataSet *ds, guint32 tag, guint index, guint64 *out, GError **error);
/* FL FD DS OF OD, and every integer VR. */
gboolean dcm_data_set_get_double (DcmDataSet *ds, guint32 tag, guint index, double *out, GError **error);
gboolean dcm_data_set_get_date (DcmDataSet *ds, guint32 tag, guint index, DcmDate *out, GError **error);
gboolean dcm_data_set_get_time (DcmDataSet *ds, guint32 tag, guint index, DcmTime *out, GError **error);
gboolean dcm_data_set_get_datetime (DcmDataSet *ds, guint32 tag, guint index, DcmDateTime *out, GError **error);
DcmPersonName *dcm_data_set_get_person_name (DcmDataSet *ds, guint32 tag, guint index, GError **error);
/* Convenience: the first value as UTF-8, or NULL. */
char    *dcm_data_set_dup_string (DcmDataSet *ds, guint32 tag);

/* ---- typed setters (replace the element). vr DCM_VR_NONE means the
 * dictionary's VR. Strings are UTF-8, encoded in the data set's character
 * set (DCM_ERROR_CHARSET when a character has no encoding in it) and padded
 * to even length. Each value is checked against the VR's maximum length
 * (characters for SH LO PN UC ST LT, PN per component group; DA TM DT
 * values with '-' may be ranges of two, PS3.4 §C.2.2.2.5), but not against
 * the repertoire: C-FIND keys hold wildcards. set_string takes the whole
 * value, backslashes separating values where the VR has several;
 * set_string(s) on a binary VR (US … FD, OW, AT as "(0010,0010)" or a
 * keyword) parses the text. ---- */
gboolean dcm_data_set_set_string (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *value, GError **error);
gboolean dcm_data_set_set_strings (DcmDataSet *ds, guint32 tag, DcmVR vr, const char * const *values, GError **error);
/* Integer VRs (US SS UL SL SV UV, IS, AT); range-checked. */
gboolean dcm_data_set_set_int64s (DcmDataSet *ds, guint32 tag, DcmVR vr, const gint64 *values, guint n, GError **error);
gboolean dcm_data_set_set_int64 (DcmDataSet *ds, guint32 tag, DcmVR vr, gint64 value, GError **error);
/* FL FD DS OF OD */
gboolean dcm_data_set_set_doubles (DcmDataSet *ds, guint32 tag, DcmVR vr, const double *values, guint n, GError **error);
/* Raw little-endian bytes for any non-SQ VR (copied, padded to even
 * length with dcm_vr_padding, not checked). */
gboolean dcm_data_set_set_raw (DcmDataSet *ds, guint32 tag, DcmVR vr, const void *data, gsize len, GError **error);
gboolean dcm_data_set_set_person_name (DcmDataSet *ds, guint32 tag, const DcmPersonName *pn, GError **error);
gboolean dcm_data_set_set_date (DcmDataSet *ds, guint32 tag, const DcmDate *date, GError **error);

/* "Patient's Name (0010,0010)", or "(0009,1001)" for a tag the dictionary
 * does not name: for messages. */
char    *dcm_describe_tag (guint32 tag);

/* ---- validation (reported, not fatal) ---- */
typedef struct {
  guint32  tag;      /* innermost element */
  char    *path;     /* "(0040,0275)[0].(0008,0100)" */
  char    *message;  /* a sentence for a person */
} DcmValidationIssue;
void dcm_validation_issue_free (DcmValidationIssue *issue);
/* Checks every value against its VR: lengths (per value and even total),
 * character repertoire (e.g. CS upper case, digits, space, underscore; UI
 * digits and dots; DA/TM/DT/AS/IS/DS syntax), binary lengths multiple of
 * the value size, VM against the dictionary. Returns a GPtrArray of
 * DcmValidationIssue*, empty when clean. */
GPtrArray *dcm_data_set_validate (DcmDataSet *ds);

G_END_DECLS
