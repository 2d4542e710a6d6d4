#include "dcm-dict.h"
#include "dcm-dict-table.h"

#include <stdlib.h>
#include <string.h>

/* PS3.5 §7.2: every group, standard or private, may carry a Group Length. */
static const DcmDictEntry group_length_entry = {
  0x00000000u, 0x0000ffffu, { DCM_VR_UL, DCM_VR_NONE, DCM_VR_NONE },
  "1", "", "Group Length", FALSE,
};

/* PS3.5 §7.8.1: (gggg,0010-00FF) of an odd group reserve element blocks. */
static const DcmDictEntry private_creator_entry = {
  0x00010000u, 0x0001ff00u, { DCM_VR_LO, DCM_VR_NONE, DCM_VR_NONE },
  "1", "", "Private Creator", FALSE,
};

static int
compare_tag (const void *key, const void *entry)
{
  guint32 tag = *(const guint32 *) key;
  guint32 entry_tag = ((const DcmDictEntry *) entry)->tag;

  return (tag > entry_tag) - (tag < entry_tag);
}

static const DcmDictEntry *
lookup_plain (guint32 tag)
{
  return bsearch (&tag, dcm_dict_entries, dcm_dict_n_plain, sizeof (DcmDictEntry), compare_tag);
}

static const DcmDictEntry *
lookup_repeating (guint32 tag)
{
  for (guint i = dcm_dict_n_plain; i < dcm_dict_n_all; i++)
    {
      const DcmDictEntry *entry = &dcm_dict_entries[i];

      if ((tag & entry->mask) == entry->tag)
        return entry;
    }
  return NULL;
}

/* PS3.5 §7.8.1: groups 0001, 0003, 0005, 0007 and FFFF are odd but may not
 * hold private elements, so they have no private creators either. */
static gboolean
is_reserved_odd_group (guint16 group)
{
  return group <= 0x0007 || group == 0xffff;
}

const DcmDictEntry *
dcm_dict_lookup (guint32 tag)
{
  const DcmDictEntry *entry = lookup_plain (tag);

  if (entry != NULL)
    return entry;
  if (DCM_TAG_IS_GROUP_LENGTH (tag))
    return &group_length_entry;
  /* Checked before the repeating groups: those are all even (50xx, 60xx
   * …), and an odd group such as 6001 is private, not an overlay. */
  if (DCM_TAG_IS_PRIVATE (tag))
    {
      if (is_reserved_odd_group (DCM_TAG_GROUP (tag)))
        return NULL;
      return DCM_TAG_IS_PRIVATE_CREATOR (tag) ? &private_creator_entry : NULL;
    }
  return lookup_repeating (tag);
}

static int
compare_keyword (const void *keyword, const void *index)
{
  return strcmp (keyword, dcm_dict_entries[*(const guint16 *) index].keyword);
}

const DcmDictEntry *
dcm_dict_lookup_keyword (const char *keyword)
{
  const guint16 *index;

  if (keyword == NULL || *keyword == '\0')
    return NULL;
  index = bsearch (keyword, dcm_dict_keyword_index, dcm_dict_n_keywords, sizeof (guint16),
                   compare_keyword);
  return index != NULL ? &dcm_dict_entries[*index] : NULL;
}

DcmVR
dcm_dict_vr (guint32 tag)
{
  const DcmDictEntry *entry = dcm_dict_lookup (tag);

  return entry != NULL ? entry->vr[0] : DCM_VR_UN;
}

const char *
dcm_dict_keyword (guint32 tag)
{
  const DcmDictEntry *entry = dcm_dict_lookup (tag);

  return entry != NULL ? entry->keyword : NULL;
}

/* Exactly n hex digits at text, into *out. */
static gboolean
parse_hex (const char *text, guint n, guint32 *out)
{
  guint32 value = 0;

  for (guint i = 0; i < n; i++)
    {
      int digit = g_ascii_xdigit_value (text[i]);

      if (digit < 0)
        return FALSE;
      value = (value << 4) | (guint32) digit;
    }
  *out = value;
  return TRUE;
}

/* "gggg,eeee" of exactly len characters */
static gboolean
parse_group_element (const char *text, gsize len, guint32 *out_tag)
{
  guint32 group;
  guint32 element;

  if (len != 9 || text[4] != ',')
    return FALSE;
  if (!parse_hex (text, 4, &group) || !parse_hex (text + 5, 4, &element))
    return FALSE;
  *out_tag = DCM_TAG (group, element);
  return TRUE;
}

/* "ggggeeee", "gggg,eeee" or "(gggg,eeee)" */
static gboolean
parse_numeric_tag (const char *text, guint32 *out_tag)
{
  gsize len = strlen (text);

  if (len == 8)
    return parse_hex (text, 8, out_tag);
  if (len == 11 && text[0] == '(' && text[10] == ')')
    return parse_group_element (text + 1, 9, out_tag);
  return parse_group_element (text, len, out_tag);
}

gboolean
dcm_dict_parse_tag (const char *text, guint32 *out_tag)
{
  guint32 tag;

  if (text == NULL)
    return FALSE;
  if (!parse_numeric_tag (text, &tag))
    {
      const DcmDictEntry *entry = dcm_dict_lookup_keyword (text);

      if (entry == NULL)
        return FALSE;
      tag = entry->tag;
    }
  if (out_tag != NULL)
    *out_tag = tag;
  return TRUE;
}

guint
dcm_dict_n_entries (void)
{
  return dcm_dict_n_all;
}

const DcmDictEntry *
dcm_dict_nth_entry (guint i)
{
  return i < dcm_dict_n_all ? &dcm_dict_entries[i] : NULL;
}
