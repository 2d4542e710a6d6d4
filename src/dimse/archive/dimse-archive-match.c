/* dimse-archive-match.c — C-FIND attribute matching (PS3.4 §C.2.2.2) */
#include "config.h"

#include <string.h>

#include "dimse-archive-match-private.h"
#include "dimse-error.h"
#include "dcm-tags.h"

typedef enum {
  ALT_SINGLE,    /* §C.2.2.2.1 Single Value Matching */
  ALT_WILDCARD,  /* §C.2.2.2.4 Wild Card Matching */
  ALT_RANGE,     /* §C.2.2.2.5 Range Matching (and single DA, TM, DT values) */
} AltKind;

/* One value of a key; several are alternatives (§C.2.2.2.2 List of UID
 * Matching, and Multiple Value Matching for other VRs). */
typedef struct {
  AltKind         kind;
  char           *text;   /* decoded; PN normalised and case folded (and
                           * fuzzy-folded with DIMSE_MATCH_FUZZY_PN) */
  DimseMatchRange range;  /* ALT_RANGE */
} Alt;

typedef enum {
  KEY_UNIVERSAL,  /* §C.2.2.2.3 */
  KEY_EMPTY,      /* Empty Value Matching: the value "" (two QUOTATION MARKs) */
  KEY_VALUES,
  KEY_SEQUENCE,   /* §C.2.2.2.6 */
} KeyKind;

struct _DimseMatchKey
{
  guint32         tag;
  DcmVR           vr;
  KeyKind         kind;
  DimseMatchFlags flags;
  char          **values;
  GArray         *alts;      /* Alt */
  GPtrArray      *sub_keys;  /* DimseMatchKey*, for KEY_SEQUENCE */
  /* KEY_SEQUENCE with DIMSE_MATCH_COMBINED_DATETIME: the item's date and
   * time keys matched as one interval, or NULL */
  const DimseMatchKey *combined_date;
  const DimseMatchKey *combined_time;
  DimseMatchRange      combined;
};

struct _DimseMatchValues
{
  DcmVR   vr;
  char  **values;  /* UTF-8, trimmed; no entries for a zero-length value */
  char  **folded;  /* PN: normalised and case folded, else NULL */
};

static gboolean
is_temporal (DcmVR vr)
{
  return vr == DCM_VR_DA || vr == DCM_VR_TM || vr == DCM_VR_DT;
}

/* The VRs §C.2.2.2.4 allows wild cards in. */
static gboolean
allows_wildcard (DcmVR vr)
{
  switch (vr)
    {
    case DCM_VR_AE: case DCM_VR_CS: case DCM_VR_LO: case DCM_VR_LT: case DCM_VR_PN:
    case DCM_VR_SH: case DCM_VR_ST: case DCM_VR_UC: case DCM_VR_UR: case DCM_VR_UT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- keys ---- */

static void
alt_clear (gpointer data)
{
  g_free (((Alt *) data)->text);
}

void
dimse_match_key_free (DimseMatchKey *key)
{
  if (key == NULL)
    return;
  g_strfreev (key->values);
  g_clear_pointer (&key->alts, g_array_unref);
  g_clear_pointer (&key->sub_keys, g_ptr_array_unref);
  g_free (key);
}

static gboolean
key_invalid (const DimseMatchKey *key, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
key_invalid (const DimseMatchKey *key, GError **error, const char *format, ...)
{
  g_autofree char *name = dcm_describe_tag (key->tag);
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
               "The key %s cannot be matched: %s", name, reason);
  return FALSE;
}

static gboolean
parse_alt (DimseMatchKey *key, const char *value, GError **error)
{
  Alt alt = { ALT_SINGLE, NULL, { FALSE, FALSE, 0, 0 } };

  if (is_temporal (key->vr))
    {
      alt.kind = ALT_RANGE;
      if (!dimse_match_range_parse (key->vr, value, &alt.range))
        return key_invalid (key, error, "“%s” is not a %s value or range (PS3.4 §C.2.2.2.5).",
                            value, dcm_vr_name (key->vr));
    }
  else
    {
      if (allows_wildcard (key->vr) && strpbrk (value, "*?") != NULL)
        alt.kind = ALT_WILDCARD;
      alt.text = key->vr == DCM_VR_PN ? dimse_match_pn_normalise (value) : g_strdup (value);
      if (key->vr == DCM_VR_PN && (key->flags & DIMSE_MATCH_FUZZY_PN))
        {
          char *fuzzy = dimse_match_pn_fuzzy_fold (alt.text);

          g_free (alt.text);
          alt.text = fuzzy;
        }
    }
  g_array_append_val (key->alts, alt);
  return TRUE;
}

/* §C.2.2.2.5.1 within a sequence item (the Modality Worklist's Scheduled
 * Procedure Step): the start date and time, both ranges, as one. */
static void
combine_date_time (DimseMatchKey *key)
{
  const DimseMatchKey *date = NULL, *time = NULL;

  for (guint i = 0; i < key->sub_keys->len; i++)
    {
      const DimseMatchKey *sub = g_ptr_array_index (key->sub_keys, i);

      if (sub->tag == DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE)
        date = sub;
      else if (sub->tag == DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_TIME)
        time = sub;
    }
  if (dimse_match_date_time_range (date, time, &key->combined))
    {
      key->combined_date = date;
      key->combined_time = time;
    }
}

static gboolean
parse_sequence_key (DimseMatchKey *key, const DcmElement *el, GError **error)
{
  DcmDataSet *item;

  key->kind = KEY_SEQUENCE;
  key->sub_keys = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_match_key_free);
  if (el->kind != DCM_VALUE_ITEMS || el->value.items->len == 0)
    return TRUE;
  if (el->value.items->len > 1)
    return key_invalid (key, error, "a sequence key holds a single item (PS3.4 §C.2.2.2.6), "
                        "not %u.", el->value.items->len);
  item = g_ptr_array_index (el->value.items, 0);
  for (guint i = 0; i < dcm_data_set_n_elements (item); i++)
    {
      const DcmElement *sub = dcm_data_set_nth (item, i);
      DimseMatchKey *sub_key;

      if ((sub->tag & 0xffff) == 0 || sub->tag == DCM_TAG_SPECIFIC_CHARACTER_SET)
        continue;
      if ((sub_key = dimse_match_key_new_full (item, sub, key->flags, error)) == NULL)
        return FALSE;
      g_ptr_array_add (key->sub_keys, sub_key);
    }
  if (key->flags & DIMSE_MATCH_COMBINED_DATETIME)
    combine_date_time (key);
  return TRUE;
}

DimseMatchKey *
dimse_match_key_new (DcmDataSet *identifier, const DcmElement *el, GError **error)
{
  return dimse_match_key_new_full (identifier, el, DIMSE_MATCH_DEFAULT, error);
}

DimseMatchKey *
dimse_match_key_new_full (DcmDataSet *identifier, const DcmElement *el, DimseMatchFlags flags,
                          GError **error)
{
  g_autoptr (DimseMatchKey) key = g_new0 (DimseMatchKey, 1);
  g_autoptr (GError) local = NULL;

  key->tag = el->tag;
  key->vr = el->vr;
  key->flags = flags;
  key->alts = g_array_new (FALSE, TRUE, sizeof (Alt));
  g_array_set_clear_func (key->alts, alt_clear);
  if (el->vr == DCM_VR_SQ || el->kind == DCM_VALUE_ITEMS)
    {
      key->vr = DCM_VR_SQ;
      key->values = g_new0 (char *, 1);
      return parse_sequence_key (key, el, error) ? g_steal_pointer (&key) : NULL;
    }
  if (el->kind == DCM_VALUE_BULK || el->kind == DCM_VALUE_FRAGMENTS)
    {
      key_invalid (key, error, "its value is not one that can be matched.");
      return NULL;
    }
  key->kind = KEY_UNIVERSAL;
  if (el->kind == DCM_VALUE_EMPTY || el->vr == DCM_VR_UN || dcm_vr_kind (el->vr) == DCM_VR_KIND_BULK)
    {
      key->values = g_new0 (char *, 1);
      return g_steal_pointer (&key);
    }
  key->values = dcm_data_set_get_strings (identifier, el->tag, &local);
  if (key->values == NULL)
    {
      key_invalid (key, error, "%s", local->message);
      return NULL;
    }
  if (key->values[0] == NULL || (key->values[1] == NULL && g_str_equal (key->values[0], "*")))
    return g_steal_pointer (&key);
  if (key->values[1] == NULL && g_str_equal (key->values[0], "\"\""))
    {
      key->kind = KEY_EMPTY;
      return g_steal_pointer (&key);
    }
  key->kind = KEY_VALUES;
  for (guint i = 0; key->values[i] != NULL; i++)
    if (key->values[i][0] != '\0' && !parse_alt (key, key->values[i], error))
      return NULL;
  if (key->alts->len == 0)
    key->kind = KEY_UNIVERSAL;
  return g_steal_pointer (&key);
}

guint32
dimse_match_key_get_tag (const DimseMatchKey *key)
{
  return key->tag;
}

DcmVR
dimse_match_key_get_vr (const DimseMatchKey *key)
{
  return key->vr;
}

gboolean
dimse_match_key_is_universal (const DimseMatchKey *key)
{
  if (key->kind == KEY_SEQUENCE)
    {
      for (guint i = 0; i < key->sub_keys->len; i++)
        if (!dimse_match_key_is_universal (g_ptr_array_index (key->sub_keys, i)))
          return FALSE;
      return TRUE;
    }
  return key->kind == KEY_UNIVERSAL;
}

const char * const *
dimse_match_key_get_values (const DimseMatchKey *key)
{
  static const char *const none[] = { NULL };

  return key->kind == KEY_VALUES ? (const char * const *) key->values : none;
}

gboolean
dimse_match_key_is_single_value (const DimseMatchKey *key)
{
  return key->kind == KEY_VALUES && key->alts->len == 1
         && g_array_index (key->alts, Alt, 0).kind == ALT_SINGLE;
}

/* ---- record values ---- */

void
dimse_match_values_free (DimseMatchValues *values)
{
  if (values == NULL)
    return;
  g_strfreev (values->values);
  g_strfreev (values->folded);
  g_free (values);
}

const char * const *
dimse_match_values_get (const DimseMatchValues *values)
{
  return (const char * const *) values->values;
}

static DimseMatchValues *
values_take (DcmVR vr, char **strings)
{
  DimseMatchValues *values = g_new0 (DimseMatchValues, 1);
  guint n = g_strv_length (strings);

  values->vr = vr;
  values->values = strings;
  if (vr == DCM_VR_PN)
    {
      values->folded = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        values->folded[i] = dimse_match_pn_normalise (strings[i]);
    }
  return values;
}

DimseMatchValues *
dimse_match_values_new (DcmDataSet *record, const DcmElement *el)
{
  char **strings;

  if (el->kind == DCM_VALUE_EMPTY)
    return values_take (el->vr, g_new0 (char *, 1));
  if (el->kind != DCM_VALUE_BYTES || el->vr == DCM_VR_UN
      || dcm_vr_kind (el->vr) == DCM_VR_KIND_BULK || dcm_vr_kind (el->vr) == DCM_VR_KIND_SEQUENCE)
    return NULL;
  strings = dcm_data_set_get_strings (record, el->tag, NULL);
  return strings != NULL ? values_take (el->vr, strings) : NULL;
}

DimseMatchValues *
dimse_match_values_new_strv (DcmVR vr, const char * const *values)
{
  return values_take (vr, g_strdupv ((char **) values));
}

static gboolean
numbers_equal (const char *a, const char *b)
{
  double x, y;

  return dcm_value_parse_ds (a, &x) && dcm_value_parse_ds (b, &y) && x == y;
}

/* folded: the record's PN normalised and case folded, fuzzy-folded too
 * when fuzzy. */
static gboolean
alt_matches (const Alt *alt, DcmVR vr, gboolean fuzzy, const char *value, const char *folded)
{
  gboolean wildcard = alt->kind == ALT_WILDCARD;

  if (alt->kind == ALT_RANGE)
    return dimse_match_range_contains (&alt->range, vr, value);
  if (vr == DCM_VR_PN && fuzzy)
    return dimse_match_pn_fuzzy (alt->text, wildcard, folded);
  if (vr == DCM_VR_PN)
    return dimse_match_pn (alt->text, wildcard, folded);
  if (dimse_match_text (alt->text, wildcard, value, strlen (value)))
    return TRUE;
  return (vr == DCM_VR_IS || vr == DCM_VR_DS) && numbers_equal (alt->text, value);
}

gboolean
dimse_match_key_matches_values (const DimseMatchKey *key, const DimseMatchValues *values)
{
  gboolean absent = values == NULL || values->values[0] == NULL;
  gboolean fuzzy = (key->flags & DIMSE_MATCH_FUZZY_PN) != 0;

  switch (key->kind)
    {
    case KEY_UNIVERSAL:
      return TRUE;
    case KEY_EMPTY:
      return absent;
    case KEY_SEQUENCE:
      return dimse_match_key_is_universal (key);
    case KEY_VALUES:
    default:
      break;
    }
  if (absent)
    return FALSE;
  /* A record value of several values matches when any one does. */
  for (guint i = 0; values->values[i] != NULL; i++)
    {
      g_autofree char *folded = NULL;
      g_autofree char *fuzzy_folded = NULL;
      const char *f = values->folded != NULL ? values->folded[i] : NULL;

      /* A record that does not hold the key's tag as PN. */
      if (f == NULL && key->vr == DCM_VR_PN)
        f = folded = dimse_match_pn_normalise (values->values[i]);
      if (key->vr == DCM_VR_PN && fuzzy)
        f = fuzzy_folded = dimse_match_pn_fuzzy_fold (f);
      for (guint a = 0; a < key->alts->len; a++)
        if (alt_matches (&g_array_index (key->alts, Alt, a), key->vr, fuzzy, values->values[i],
                         f))
          return TRUE;
    }
  return FALSE;
}

/* The first value of tag in item, decoded, or NULL. */
static char *
dup_first_value (DcmDataSet *item, guint32 tag)
{
  g_auto (GStrv) values = NULL;

  if (!dcm_data_set_contains (item, tag))
    return NULL;
  values = dcm_data_set_get_strings (item, tag, NULL);
  return values != NULL && values[0] != NULL ? g_strdup (values[0]) : NULL;
}

static gboolean
item_matches (const DimseMatchKey *key, DcmDataSet *item)
{
  for (guint k = 0; k < key->sub_keys->len; k++)
    {
      const DimseMatchKey *sub = g_ptr_array_index (key->sub_keys, k);

      if (sub != key->combined_date && sub != key->combined_time
          && !dimse_match_key_matches (sub, item))
        return FALSE;
    }
  if (key->combined_date != NULL)
    {
      g_autofree char *date = dup_first_value (item, key->combined_date->tag);
      g_autofree char *time = dup_first_value (item, key->combined_time->tag);

      return dimse_match_date_time_contains (&key->combined, date, time);
    }
  return TRUE;
}

gboolean
dimse_match_key_matches (const DimseMatchKey *key, DcmDataSet *record)
{
  const DcmElement *el = dcm_data_set_lookup (record, key->tag);
  g_autoptr (DimseMatchValues) values = NULL;

  if (key->kind == KEY_SEQUENCE)
    {
      if (dimse_match_key_is_universal (key))
        return TRUE;
      if (el == NULL || el->kind != DCM_VALUE_ITEMS)
        return FALSE;
      for (guint i = 0; i < el->value.items->len; i++)
        if (item_matches (key, g_ptr_array_index (el->value.items, i)))
          return TRUE;
      return FALSE;
    }
  if (key->kind == KEY_UNIVERSAL)
    return TRUE;
  if (el != NULL)
    values = dimse_match_values_new (record, el);
  return dimse_match_key_matches_values (key, values);
}

/* ---- responses ---- */

static gboolean
bytes_need_charset (const DcmElement *el)
{
  const guint8 *data;
  gsize len;

  if (el->kind != DCM_VALUE_BYTES || !dcm_vr_uses_charset (el->vr))
    return FALSE;
  data = g_bytes_get_data (el->value.bytes, &len);
  for (gsize i = 0; i < len; i++)
    if (data[i] >= 0x80 || data[i] == 0x1b)
      return TRUE;
  return FALSE;
}

static gboolean
data_set_needs_charset (DcmDataSet *ds)
{
  for (guint i = 0; i < dcm_data_set_n_elements (ds); i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);

      if (bytes_need_charset (el))
        return TRUE;
      if (el->kind == DCM_VALUE_ITEMS)
        for (guint j = 0; j < el->value.items->len; j++)
          if (data_set_needs_charset (g_ptr_array_index (el->value.items, j)))
            return TRUE;
    }
  return FALSE;
}

gboolean
dimse_match_key_needs_charset (const DimseMatchKey *key, DcmDataSet *record)
{
  const DcmElement *el = dcm_data_set_lookup (record, key->tag);

  if (el == NULL)
    return FALSE;
  if (el->kind != DCM_VALUE_ITEMS)
    return bytes_need_charset (el);
  for (guint i = 0; i < el->value.items->len; i++)
    {
      DcmDataSet *item = g_ptr_array_index (el->value.items, i);

      if (key->sub_keys == NULL || key->sub_keys->len == 0)
        {
          if (data_set_needs_charset (item))
            return TRUE;
          continue;
        }
      for (guint k = 0; k < key->sub_keys->len; k++)
        if (dimse_match_key_needs_charset (g_ptr_array_index (key->sub_keys, k), item))
          return TRUE;
    }
  return FALSE;
}

gboolean
dimse_match_copy_element (DcmDataSet *ds, const DcmElement *el)
{
  DcmElement *copy;

  if (el->kind == DCM_VALUE_BULK || el->kind == DCM_VALUE_FRAGMENTS)
    return FALSE;
  copy = dcm_data_set_insert (ds, el->tag, el->vr);
  if (el->kind == DCM_VALUE_BYTES)
    dcm_element_take_bytes (copy, g_bytes_ref (el->value.bytes));
  else if (el->kind == DCM_VALUE_ITEMS)
    for (guint i = 0; i < el->value.items->len; i++)
      dcm_data_set_append_item (ds, copy, dcm_data_set_copy (g_ptr_array_index (el->value.items, i)));
  return TRUE;
}

/* Copies el of source into target, re-encoding text of character-set VRs
 * from source's character set into target's (items likewise). */
static void
copy_element_utf8 (DcmDataSet *source, const DcmElement *el, DcmDataSet *target)
{
  if (el->kind == DCM_VALUE_ITEMS)
    {
      DcmElement *seq = dcm_data_set_insert (target, el->tag, el->vr);

      for (guint i = 0; i < el->value.items->len; i++)
        {
          DcmDataSet *item = g_ptr_array_index (el->value.items, i);
          DcmDataSet *copy = dcm_data_set_new ();

          dcm_data_set_append_item (target, seq, copy);
          for (guint j = 0; j < dcm_data_set_n_elements (item); j++)
            copy_element_utf8 (item, dcm_data_set_nth (item, j), copy);
        }
      return;
    }
  if (bytes_need_charset (el))
    {
      g_autofree char *text = dcm_data_set_get_value_string (source, el->tag, NULL);

      if (text != NULL && dcm_data_set_set_string (target, el->tag, el->vr, text, NULL))
        return;
    }
  dimse_match_copy_element (target, el);
}

void
dimse_match_key_copy_value (const DimseMatchKey *key, DcmDataSet *record, DcmDataSet *response,
                            gboolean to_utf8)
{
  const DcmElement *el = dcm_data_set_lookup (record, key->tag);
  DcmElement *seq;

  if (el == NULL || el->kind == DCM_VALUE_BULK || el->kind == DCM_VALUE_FRAGMENTS)
    {
      dcm_data_set_insert (response, key->tag, key->vr == DCM_VR_NONE ? DCM_VR_UN : key->vr);
      return;
    }
  if (el->kind != DCM_VALUE_ITEMS || key->kind != KEY_SEQUENCE || key->sub_keys->len == 0)
    {
      if (to_utf8)
        copy_element_utf8 (record, el, response);
      else
        dimse_match_copy_element (response, el);
      return;
    }
  /* §C.2.2.2.6: the items that matched, each with the keys of the key's item. */
  seq = dcm_data_set_insert (response, el->tag, el->vr);
  for (guint i = 0; i < el->value.items->len; i++)
    {
      DcmDataSet *item = g_ptr_array_index (el->value.items, i);
      DcmDataSet *copy;

      if (!item_matches (key, item))
        continue;
      copy = dcm_data_set_new ();
      dcm_data_set_append_item (response, seq, copy);
      for (guint k = 0; k < key->sub_keys->len; k++)
        dimse_match_key_copy_value (g_ptr_array_index (key->sub_keys, k), item, copy, to_utf8);
    }
}
