/* dcm-dict.h — the PS3.6 data dictionary */
#pragma once

#include <glib.h>
#include "dcm-vr.h"
#include "dcm-tags.h"   /* generated: DCM_TAG_PATIENT_NAME … */

G_BEGIN_DECLS

#define DCM_TAG(group, element) ((guint32) (((guint32) (group) << 16) | (guint16) (element)))
#define DCM_TAG_GROUP(tag)   ((guint16) ((tag) >> 16))
#define DCM_TAG_ELEMENT(tag) ((guint16) ((tag) & 0xffff))
#define DCM_TAG_IS_PRIVATE(tag) ((DCM_TAG_GROUP (tag) & 1) != 0)
/* (gggg,0010-00FF) in an odd group */
#define DCM_TAG_IS_PRIVATE_CREATOR(tag) \
  (DCM_TAG_IS_PRIVATE (tag) && DCM_TAG_ELEMENT (tag) >= 0x0010 && DCM_TAG_ELEMENT (tag) <= 0x00ff)
/* (gggg,0000) */
#define DCM_TAG_IS_GROUP_LENGTH(tag) (DCM_TAG_ELEMENT (tag) == 0x0000)

typedef struct {
  guint32     tag;      /* for repeating groups, the tag with the varying bits zero */
  guint32     mask;     /* bits of tag that must match: 0xffffffff for plain entries,
                           0xff00ffff for 50xx/60xx groups, … */
  DcmVR       vr[3];    /* first is the default; DCM_VR_NONE fills the rest */
  const char *vm;       /* "1", "1-n", "2-2n" … */
  const char *keyword;  /* "PatientName"; "" when the standard gives none */
  const char *name;     /* "Patient's Name" */
  gboolean    retired;
} DcmDictEntry;

/* Entry for tag, including repeating groups (50xx, 60xx, 7Fxx, …), group
 * lengths (gggg,0000 → UL "Group Length") and private creators (odd group,
 * element 0010-00FF → LO "Private Creator"). NULL when unknown. O(log n). */
const DcmDictEntry *dcm_dict_lookup (guint32 tag);
/* Entry by keyword ("PatientName"); NULL when unknown. O(log n). */
const DcmDictEntry *dcm_dict_lookup_keyword (const char *keyword);
/* Default VR of tag; DCM_VR_UN when unknown. For implicit VR decoding. */
DcmVR               dcm_dict_vr (guint32 tag);
/* Keyword of tag, or NULL. */
const char         *dcm_dict_keyword (guint32 tag);
/* Parses "PatientName", "0010,0010", "(0010,0010)" or "00100010" into a tag. */
gboolean            dcm_dict_parse_tag (const char *text, guint32 *out_tag);
/* Number of plain + repeating entries, for tests. */
guint               dcm_dict_n_entries (void);
const DcmDictEntry *dcm_dict_nth_entry (guint i);

G_END_DECLS
