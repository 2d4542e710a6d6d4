/* dimse-archive-match-value.c — comparing one key value with one record
 * value: wild cards, person names, date and time ranges (PS3.4 §C.2.2.2) */
#include "config.h"

#include <string.h>

#include "dimse-archive-match-private.h"

/* ---- Wild Card Matching ---- */

static gsize
utf8_char_len (const char *s, gsize left)
{
  guchar c = (guchar) s[0];
  gsize n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

  return MIN (n, left);
}

gboolean
dimse_match_wildcard (const char *pattern, gsize pattern_len, const char *text, gsize text_len)
{
  gsize p = 0, t = 0, star_p = G_MAXSIZE, star_t = 0;

  /* Greedy with one backtrack point: the last '*' seen takes one more
   * character of text each time the rest fails. */
  while (t < text_len)
    {
      if (p < pattern_len && pattern[p] == '*')
        {
          star_p = ++p;
          star_t = t;
        }
      else if (p < pattern_len && pattern[p] == '?')
        {
          p++;
          t += utf8_char_len (text + t, text_len - t);
        }
      else if (p < pattern_len && pattern[p] == text[t])
        {
          p++;
          t++;
        }
      else if (star_p != G_MAXSIZE)
        {
          p = star_p;
          star_t += utf8_char_len (text + star_t, text_len - star_t);
          t = star_t;
        }
      else
        return FALSE;
    }
  while (p < pattern_len && pattern[p] == '*')
    p++;
  return p == pattern_len;
}

/* ---- person names ---- */

/* PS3.5 §6.2.1: trailing empty components and groups and the spaces
 * around components are insignificant; PN matches without regard to case
 * (§C.2.2.2.1). */
char *
dimse_match_pn_normalise (const char *text)
{
  g_auto (GStrv) groups = g_strsplit (text, "=", 3);
  GString *out = g_string_new (NULL);
  gsize keep = 0;

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto (GStrv) parts = g_strsplit (groups[g], "^", 5);
      guint n = g_strv_length (parts);

      for (guint i = 0; i < n; i++)
        g_strstrip (parts[i]);
      while (n > 0 && parts[n - 1][0] == '\0')
        g_clear_pointer (&parts[--n], g_free);
      if (g > 0)
        g_string_append_c (out, '=');
      for (guint i = 0; i < n; i++)
        g_string_append_printf (out, i > 0 ? "^%s" : "%s", parts[i]);
      if (n > 0)
        keep = out->len;
    }
  g_string_truncate (out, keep);
  {
    g_autofree char *plain = g_string_free (out, FALSE);
    return g_utf8_casefold (plain, -1);
  }
}

gboolean
dimse_match_text (const char *pattern, gboolean wildcard, const char *text, gsize len)
{
  if (wildcard)
    return dimse_match_wildcard (pattern, strlen (pattern), text, len);
  return strlen (pattern) == len && memcmp (pattern, text, len) == 0;
}

/* The component group index of value (a span), or an empty span. */
static void
pn_group (const char *value, guint index, const char **out, gsize *out_len)
{
  const char *start = value;

  for (guint i = 0; i < index && start != NULL; i++)
    {
      start = strchr (start, '=');
      if (start != NULL)
        start++;
    }
  if (start == NULL)
    {
      *out = "";
      *out_len = 0;
      return;
    }
  *out = start;
  *out_len = strcspn (start, "=");
}

typedef gboolean (*GroupMatchFunc) (const char *key, gboolean wildcard, const char *group,
                                    gsize len);

/* A key with '=' against name, group by group (alphabetic, ideographic,
 * phonetic): its empty groups match anything. */
static gboolean
groups_match (const char *pattern, gboolean wildcard, const char *name, GroupMatchFunc match)
{
  for (guint g = 0; g < 3; g++)
    {
      const char *key_span, *span;
      gsize key_len, len;
      g_autofree char *part = NULL;

      pn_group (pattern, g, &key_span, &key_len);
      if (key_len == 0)
        continue;
      pn_group (name, g, &span, &len);
      part = g_strndup (key_span, key_len);
      if (!match (part, wildcard, span, len))
        return FALSE;
    }
  return TRUE;
}

/* A key without '=' matches the whole name or any one component group;
 * a key with groups matches group by group, its empty groups matching
 * anything. */
gboolean
dimse_match_pn (const char *pattern, gboolean wildcard, const char *folded)
{
  const char *span;
  gsize len;

  if (strchr (pattern, '=') == NULL)
    {
      if (dimse_match_text (pattern, wildcard, folded, strlen (folded)))
        return TRUE;
      for (guint g = 0; g < 3; g++)
        {
          pn_group (folded, g, &span, &len);
          if (len > 0 && dimse_match_text (pattern, wildcard, span, len))
            return TRUE;
        }
      return FALSE;
    }
  return groups_match (pattern, wildcard, folded, dimse_match_text);
}

/* ---- fuzzy semantic matching of person names (PS3.4 §C.2.2.2.1.1) ----
 * The standard leaves the rules to the SCP, which states them in its
 * Conformance Statement. Ours, on both the key and the record's name:
 *  - PS3.5 §6.2.1 normalisation and case folding as for literal matching
 *    (so "ß" folds to "ss");
 *  - accents and other diacritics ignored: canonical decomposition (NFD)
 *    with the combining marks dropped ("Müller" reads "muller"), and the
 *    few Latin letters that do not decompose spelt plainly (ø o, æ ae,
 *    œ oe, ł l, đ d, ð d, þ th, ı i);
 *  - a key without component groups is compared with each group of the
 *    name (alphabetic, ideographic, phonetic) on its own, so the groups a
 *    key does not give are ignored; a key with groups ("=") compares
 *    group by group, its empty groups matching anything;
 *  - within a group the key matches the group as a whole, or component
 *    by component, where an empty or missing key component matches
 *    anything and family and given name may stand either way round
 *    ("Jurgen^Muller" and "muller" both find "Müller^Jürgen");
 *  - wild cards '*' and '?' keep their meaning, within a component or
 *    across the group. */

static const struct {
  gunichar    c;
  const char *plain;
} undecomposed[] = {
  { 0x00F8, "o" }, { 0x00E6, "ae" }, { 0x0153, "oe" }, { 0x0142, "l" }, { 0x0111, "d" },
  { 0x00F0, "d" }, { 0x00FE, "th" }, { 0x0131, "i" },
};

static void
append_plain (GString *out, gunichar c)
{
  for (gsize i = 0; i < G_N_ELEMENTS (undecomposed); i++)
    if (undecomposed[i].c == c)
      {
        g_string_append (out, undecomposed[i].plain);
        return;
      }
  g_string_append_unichar (out, c);
}

char *
dimse_match_pn_fuzzy_fold (const char *folded)
{
  g_autofree char *nfd = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
  GString *out;

  if (nfd == NULL)
    return g_strdup (folded);
  out = g_string_sized_new (strlen (nfd));
  for (const char *p = nfd; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) != G_UNICODE_NON_SPACING_MARK)
        append_plain (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Key component i against the name's, family and given swapped or not. */
static gboolean
components_match (char **key, char **name, gboolean wildcard, gboolean swapped)
{
  guint n_name = g_strv_length (name);

  for (guint i = 0; key[i] != NULL; i++)
    {
      guint j = swapped && i < 2 ? 1 - i : i;
      const char *part = j < n_name ? name[j] : "";

      if (key[i][0] != '\0' && !dimse_match_text (key[i], wildcard, part, strlen (part)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
fuzzy_group_matches (const char *key, gboolean wildcard, const char *group, gsize len)
{
  g_autofree char *name_text = NULL;
  g_auto (GStrv) key_parts = NULL;
  g_auto (GStrv) name_parts = NULL;

  if (dimse_match_text (key, wildcard, group, len))
    return TRUE;
  name_text = g_strndup (group, len);
  key_parts = g_strsplit (key, "^", 5);
  name_parts = g_strsplit (name_text, "^", 5);
  return components_match (key_parts, name_parts, wildcard, FALSE)
         || components_match (key_parts, name_parts, wildcard, TRUE);
}

gboolean
dimse_match_pn_fuzzy (const char *pattern, gboolean wildcard, const char *fuzzy)
{
  const char *span;
  gsize len;

  if (strchr (pattern, '=') == NULL)
    {
      for (guint g = 0; g < 3; g++)
        {
          pn_group (fuzzy, g, &span, &len);
          if ((g == 0 || len > 0) && fuzzy_group_matches (pattern, wildcard, span, len))
            return TRUE;
        }
      return FALSE;
    }
  return groups_match (pattern, wildcard, fuzzy, fuzzy_group_matches);
}

/* ---- dates and times ---- */

/* Days since 0000-03-01 in the proleptic Gregorian calendar. */
static gint64
days_from_civil (gint y, gint m, gint d)
{
  gint64 era, yoe, doy;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
}

static gint
days_in_month (gint y, gint m)
{
  return g_date_valid_dmy (1, (GDateMonth) m, (GDateYear) MAX (y, 1))
         ? g_date_get_days_in_month ((GDateMonth) m, (GDateYear) MAX (y, 1)) : 31;
}

static gint64
date_bound (const DcmDate *d, gboolean upper)
{
  gint m = d->month > 0 ? d->month : upper ? 12 : 1;
  gint day = d->day > 0 ? d->day : upper ? days_in_month (d->year, m) : 1;

  return days_from_civil (d->year, m, day);
}

/* Microseconds of the day; missing parts fill in as the earliest or the
 * latest instant the given precision allows. */
static gint64
time_bound (const DcmTime *t, gboolean upper)
{
  gint h = t->hour >= 0 ? t->hour : upper ? 23 : 0;
  gint mi = t->minute >= 0 ? t->minute : upper ? 59 : 0;
  gint s = t->second >= 0 ? t->second : upper ? 59 : 0;
  gint us = t->microsecond >= 0 ? t->microsecond : upper ? 999999 : 0;

  return ((gint64) (h * 60 + mi) * 60 + s) * G_USEC_PER_SEC + us;
}

/* The interval a DA, TM or DT value stands for. */
static gboolean
temporal_bounds (DcmVR vr, const char *text, gint64 *lo, gint64 *hi)
{
  DcmDate date;
  DcmTime time;
  DcmDateTime dt;
  const gint64 day = (gint64) 86400 * G_USEC_PER_SEC;

  if (vr == DCM_VR_DA && dcm_value_parse_date (text, &date, NULL))
    {
      *lo = date_bound (&date, FALSE);
      *hi = date_bound (&date, TRUE);
      return TRUE;
    }
  if (vr == DCM_VR_TM && dcm_value_parse_time (text, &time, NULL))
    {
      *lo = time_bound (&time, FALSE);
      *hi = time_bound (&time, TRUE);
      return TRUE;
    }
  if (vr == DCM_VR_DT && dcm_value_parse_datetime (text, &dt, NULL))
    {
      /* §C.2.2.2.5: the offset from UTC is taken into account. */
      gint64 offset = dt.has_offset ? (gint64) dt.offset_minutes * 60 * G_USEC_PER_SEC : 0;

      *lo = date_bound (&dt.date, FALSE) * day + time_bound (&dt.time, FALSE) - offset;
      *hi = date_bound (&dt.date, TRUE) * day + time_bound (&dt.time, TRUE) - offset;
      return TRUE;
    }
  return FALSE;
}

static gboolean
range_side (DcmVR vr, const char *text, gboolean upper, gboolean *has, gint64 *out)
{
  gint64 lo, hi;

  *has = text[0] != '\0';
  if (!*has)
    return TRUE;
  if (!temporal_bounds (vr, text, &lo, &hi))
    return FALSE;
  *out = upper ? hi : lo;
  return TRUE;
}

static gboolean
try_range_split (DcmVR vr, const char *text, gsize at, DimseMatchRange *range)
{
  g_autofree char *left = g_strndup (text, at);
  const char *right = text + at + 1;

  return range_side (vr, left, FALSE, &range->has_lo, &range->lo)
         && range_side (vr, right, TRUE, &range->has_hi, &range->hi);
}

static gboolean
is_offset_like (const char *text)
{
  return strlen (text) == 4 && strspn (text, "0123456789") == 4;
}

/* "a-b", "-b", "a-" (§C.2.2.2.5); a lone value stands for its own
 * interval. In DT a '-' may also start a UTC offset: a split whose right
 * side looks like one ("-0500") is taken only when nothing else reads. */
gboolean
dimse_match_range_parse (DcmVR vr, const char *text, DimseMatchRange *range)
{
  const char *dash = strchr (text, '-');
  gsize fallback = G_MAXSIZE;

  if (dash == NULL)
    {
      range->has_lo = range->has_hi = TRUE;
      return temporal_bounds (vr, text, &range->lo, &range->hi);
    }
  if (vr != DCM_VR_DT)
    return strchr (dash + 1, '-') == NULL && try_range_split (vr, text, dash - text, range);
  for (; dash != NULL; dash = strchr (dash + 1, '-'))
    {
      DimseMatchRange trial = *range;

      if (!try_range_split (vr, text, dash - text, &trial))
        continue;
      if (is_offset_like (dash + 1) && dash != text)
        {
          if (fallback == G_MAXSIZE)
            fallback = dash - text;
          continue;
        }
      *range = trial;
      return TRUE;
    }
  range->has_lo = range->has_hi = TRUE;
  if (temporal_bounds (vr, text, &range->lo, &range->hi))
    return TRUE;
  return fallback != G_MAXSIZE && try_range_split (vr, text, fallback, range);
}

gboolean
dimse_match_range_contains (const DimseMatchRange *range, DcmVR vr, const char *value)
{
  gint64 lo, hi;

  if (!temporal_bounds (vr, value, &lo, &hi))
    return FALSE;
  return (!range->has_lo || lo >= range->lo) && (!range->has_hi || lo <= range->hi);
}

/* ---- combined date-time matching (§C.2.2.2.5.1) ---- */

#define USEC_PER_DAY ((gint64) 86400 * G_USEC_PER_SEC)

/* The text of a key that is one range ("a-b", "a-", "-b"), or NULL. */
static const char *
range_text (const DimseMatchKey *key)
{
  const char *const *values = key != NULL ? dimse_match_key_get_values (key) : NULL;

  if (values == NULL || values[0] == NULL || values[1] != NULL
      || strchr (values[0], '-') == NULL)
    return NULL;
  return values[0];
}

gboolean
dimse_match_date_time_range (const DimseMatchKey *date, const DimseMatchKey *time,
                             DimseMatchRange *range)
{
  const char *date_text = range_text (date);
  const char *time_text = range_text (time);
  DimseMatchRange dates, times;

  if (date_text == NULL || time_text == NULL
      || !dimse_match_range_parse (DCM_VR_DA, date_text, &dates)
      || !dimse_match_range_parse (DCM_VR_TM, time_text, &times))
    return FALSE;
  /* An open end leaves its bound unset: there is nothing to scale. */
  range->has_lo = dates.has_lo;
  range->lo = dates.has_lo ? dates.lo * USEC_PER_DAY + (times.has_lo ? times.lo : 0) : 0;
  range->has_hi = dates.has_hi;
  range->hi = dates.has_hi
              ? dates.hi * USEC_PER_DAY + (times.has_hi ? times.hi : USEC_PER_DAY - 1) : 0;
  return TRUE;
}

gboolean
dimse_match_date_time_contains (const DimseMatchRange *range, const char *date,
                                const char *time)
{
  DimseMatchRange day, moment;
  gint64 at;

  if (date == NULL || !dimse_match_range_parse (DCM_VR_DA, date, &day))
    return FALSE;
  at = day.lo * USEC_PER_DAY;
  if (time != NULL && dimse_match_range_parse (DCM_VR_TM, time, &moment))
    at += moment.lo;
  return (!range->has_lo || at >= range->lo) && (!range->has_hi || at <= range->hi);
}
