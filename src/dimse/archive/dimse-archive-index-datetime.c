/* dimse-archive-index-datetime.c — combined date-time matching (PS3.4
 * §C.2.2.2.5.1): a date range and a time range of the same entity matched
 * as one interval, when the association agreed it (§C.5.1) */
#include "config.h"

#include <string.h>

#include "dimse-archive-index-private.h"
#include "dimse-archive-match-private.h"
#include "dcm-tags.h"

#define USEC_PER_DAY ((gint64) 86400 * G_USEC_PER_SEC)

static const struct {
  guint32   date_tag;
  guint32   time_tag;
  AttrLevel level;
} pairs[DIMSE_N_DATE_TIME_PAIRS] = {
  { DCM_TAG_STUDY_DATE, DCM_TAG_STUDY_TIME, ATTR_LEVEL_STUDY },
  { DCM_TAG_SERIES_DATE, DCM_TAG_SERIES_TIME, ATTR_LEVEL_SERIES },
};

void
dimse_combined_date_time_add_key (DimseCombinedDateTime *c, const DimseMatchKey *key)
{
  guint32 tag = dimse_match_key_get_tag (key);

  for (gsize i = 0; i < DIMSE_N_DATE_TIME_PAIRS; i++)
    {
      if (tag == pairs[i].date_tag)
        c->date[i] = key;
      else if (tag == pairs[i].time_tag)
        c->time[i] = key;
    }
}

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

/* From the first date at the first time to the last date at the last
 * time; other forms keep matching each attribute on its own. */
void
dimse_combined_date_time_prepare (DimseCombinedDateTime *c, AttrLevel level)
{
  for (gsize i = 0; i < DIMSE_N_DATE_TIME_PAIRS; i++)
    {
      const char *date = range_text (c->date[i]);
      const char *time = range_text (c->time[i]);
      DimseMatchRange dates, times;

      if (pairs[i].level > level || date == NULL || time == NULL
          || !dimse_match_range_parse (DCM_VR_DA, date, &dates)
          || !dimse_match_range_parse (DCM_VR_TM, time, &times))
        continue;
      /* An open end leaves its bound unset: there is nothing to scale. */
      c->has_lo[i] = dates.has_lo;
      c->lo[i] = dates.has_lo ? dates.lo * USEC_PER_DAY + (times.has_lo ? times.lo : 0) : 0;
      c->has_hi[i] = dates.has_hi;
      c->hi[i] = dates.has_hi
                 ? dates.hi * USEC_PER_DAY + (times.has_hi ? times.hi : USEC_PER_DAY - 1) : 0;
      c->on[i] = TRUE;
    }
}

gboolean
dimse_combined_date_time_holds (const DimseCombinedDateTime *c, const DimseMatchKey *key)
{
  for (gsize i = 0; i < DIMSE_N_DATE_TIME_PAIRS; i++)
    if (c->on[i] && (key == c->date[i] || key == c->time[i]))
      return TRUE;
  return FALSE;
}

static const char *
first_value (const LevelAttrs *attrs, guint32 tag)
{
  const DimseMatchValues *values = dimse_archive_level_lookup (attrs, tag);
  const char *const *strings = values != NULL ? dimse_match_values_get (values) : NULL;

  return strings != NULL ? strings[0] : NULL;
}

/* A record without a date does not match; one without a time is taken at
 * the start of its day. */
gboolean
dimse_combined_date_time_matches (const DimseCombinedDateTime *c, const LevelAttrs *attrs,
                                  AttrLevel level)
{
  for (gsize i = 0; i < DIMSE_N_DATE_TIME_PAIRS; i++)
    {
      const char *date, *time;
      DimseMatchRange day, moment;
      gint64 at;

      if (!c->on[i] || pairs[i].level != level)
        continue;
      date = first_value (attrs, pairs[i].date_tag);
      time = first_value (attrs, pairs[i].time_tag);
      if (date == NULL || !dimse_match_range_parse (DCM_VR_DA, date, &day))
        return FALSE;
      at = day.lo * USEC_PER_DAY;
      if (time != NULL && dimse_match_range_parse (DCM_VR_TM, time, &moment))
        at += moment.lo;
      if ((c->has_lo[i] && at < c->lo[i]) || (c->has_hi[i] && at > c->hi[i]))
        return FALSE;
    }
  return TRUE;
}
