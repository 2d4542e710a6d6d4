/* dimse-archive-match.h — matching one C-FIND key against a record's
 * value by the rules of PS3.4 §C.2.2.2, and copying the record's value
 * into a response identifier */
#pragma once

#include "dcm-data-set.h"

G_BEGIN_DECLS

/* One key of a request identifier, parsed once per query: its values
 * decoded to UTF-8 with the identifier's Specific Character Set and
 * sorted into the kind of matching they ask for. */
typedef struct _DimseMatchKey DimseMatchKey;

/* The key el of identifier (a top-level element or one inside a sequence
 * key's item). Fails with DIMSE_ERROR_MESSAGE_INVALID, naming the key,
 * when its value cannot be decoded, a range is malformed, or a sequence
 * key holds more than one item. */
DimseMatchKey *dimse_match_key_new (DcmDataSet *identifier, const DcmElement *el,
                                    GError **error);

/* What SOP Class Extended Negotiation (PS3.4 §C.5.1, §K.5.1) agreed
 * beyond the matching of §C.2.2.2. */
typedef enum {
  DIMSE_MATCH_DEFAULT           = 0,
  /* PN keys (those of sequence items too) by the rules of
   * dimse_match_pn_fuzzy in dimse-archive-match-value.c */
  DIMSE_MATCH_FUZZY_PN          = 1 << 0,
  /* §C.2.2.2.5.1 in a sequence key's item: Scheduled Procedure Step Start
   * Date and Start Time, both ranges, matched as one interval */
  DIMSE_MATCH_COMBINED_DATETIME = 1 << 1,
} DimseMatchFlags;

/* As dimse_match_key_new, matching as flags allow. */
DimseMatchKey *dimse_match_key_new_full (DcmDataSet *identifier, const DcmElement *el,
                                         DimseMatchFlags flags, GError **error);
void           dimse_match_key_free (DimseMatchKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseMatchKey, dimse_match_key_free)

guint32        dimse_match_key_get_tag (const DimseMatchKey *key);
DcmVR          dimse_match_key_get_vr (const DimseMatchKey *key);
/* Universal Matching (§C.2.2.2.3): a zero-length key, a lone "*", or a
 * sequence key whose item holds only universal keys. */
gboolean       dimse_match_key_is_universal (const DimseMatchKey *key);
/* The key's values as decoded (NULL-terminated, empty for a universal
 * key): a unique key's UID or list of UIDs. */
const char * const *dimse_match_key_get_values (const DimseMatchKey *key);
/* TRUE when the key holds exactly one value with no wild card and no
 * range: what hierarchical search asks of the unique keys above the
 * query level (PS3.4 §C.4.1.3.1). */
gboolean       dimse_match_key_is_single_value (const DimseMatchKey *key);

/* A record's value of one attribute, prepared at index time: decoded to
 * UTF-8 (trimmed, one string per value) and, for PN, normalised and case
 * folded, so that a query decodes nothing. */
typedef struct _DimseMatchValues DimseMatchValues;

/* NULL for sequences, bulk values and values that do not decode. */
DimseMatchValues *dimse_match_values_new (DcmDataSet *record, const DcmElement *el);
/* From UTF-8 strings already at hand (computed attributes such as
 * Modalities in Study). */
DimseMatchValues *dimse_match_values_new_strv (DcmVR vr, const char * const *values);
void              dimse_match_values_free (DimseMatchValues *values);
/* The decoded values (NULL-terminated; none for a zero-length value). */
const char * const *dimse_match_values_get (const DimseMatchValues *values);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseMatchValues, dimse_match_values_free)

/* Whether the record value (NULL: the attribute is absent) matches a
 * non-sequence key. */
gboolean dimse_match_key_matches_values (const DimseMatchKey *key,
                                         const DimseMatchValues *values);
/* Whether record matches key, decoding the record's value on the spot;
 * sequence keys per §C.2.2.2.6 (some item of the record's sequence
 * matches every key of the key's item). */
gboolean dimse_match_key_matches (const DimseMatchKey *key, DcmDataSet *record);

/* Whether copying key's value from record carries characters outside the
 * default repertoire, so the response needs record's character set. */
gboolean dimse_match_key_needs_charset (const DimseMatchKey *key, DcmDataSet *record);
/* Puts key's value from record into response (an empty element when the
 * record has none). A sequence gets the items that matched, each with
 * only the item keys. With to_utf8 the strings of character-set VRs are
 * decoded and set again, response's Specific Character Set being
 * ISO_IR 192 already; otherwise the bytes are copied as they are. */
void     dimse_match_key_copy_value (const DimseMatchKey *key, DcmDataSet *record,
                                     DcmDataSet *response, gboolean to_utf8);

/* Copies one element (value shared, items deep-copied) into ds; bulk
 * values and fragments are not copied (FALSE). */
gboolean dimse_match_copy_element (DcmDataSet *ds, const DcmElement *el);

/* Wild Card Matching of UTF-8 text: '*' any run of characters, '?' one
 * character (§C.2.2.2.4). Exposed for the tests. */
gboolean dimse_match_wildcard (const char *pattern, gsize pattern_len,
                               const char *text, gsize text_len);

G_END_DECLS
