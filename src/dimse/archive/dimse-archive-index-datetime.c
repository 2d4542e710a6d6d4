/* dimse-archive-index-datetime.c — combined date-time matching (PS3.4
 * §C.2.2.2.5.1): a date range and a time range of the same entity matched
 * as one interval, when the association agreed it (§C.5.1) */
#include "config.h"

#include "dimse-archive-index-private.h"
#include "dcm-tags.h"

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

/* From the first date at the first time to the last date at the last
 * time; other forms keep matching each attribute on its own. */
void
dimse_combined_date_time_prepare (DimseCombinedDateTime *c, AttrLevel level)
{
  for (gsize i = 0; i < DIMSE_N_DATE_TIME_PAIRS; i++)
    c->on[i] = pairs[i].level <= level
               && dimse_match_date_time_range (c->date[i], c->time[i], &c->range[i]);
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
    if (c->on[i] && pairs[i].level == level
        && !dimse_match_date_time_contains (&c->range[i], first_value (attrs, pairs[i].date_tag),
                                            first_value (attrs, pairs[i].time_tag)))
      return FALSE;
  return TRUE;
}
