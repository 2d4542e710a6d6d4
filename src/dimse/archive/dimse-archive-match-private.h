/* dimse-archive-match-private.h — the value comparisons beneath
 * dimse-archive-match.c, in dimse-archive-match-value.c */
#pragma once

#include "dimse-archive-match.h"

G_BEGIN_DECLS

/* PS3.5 §6.2.1: trailing empty components and groups and the spaces
 * around components dropped, then case folded (PN matches without regard
 * to case, PS3.4 §C.2.2.2.1). */
char    *dimse_match_pn_normalise (const char *text);
/* pattern (wildcard: with '*' and '?') against len bytes of text. */
gboolean dimse_match_text (const char *pattern, gboolean wildcard, const char *text, gsize len);
/* A normalised PN pattern against a normalised record name: a pattern
 * without '=' matches the whole name or any one component group; one
 * with groups matches group by group, its empty groups matching anything. */
gboolean dimse_match_pn (const char *pattern, gboolean wildcard, const char *folded);
/* A normalised and folded name (dimse_match_pn_normalise) without its
 * accents: what fuzzy semantic matching compares. */
char    *dimse_match_pn_fuzzy_fold (const char *folded);
/* A fuzzy-folded PN pattern against a fuzzy-folded record name. */
gboolean dimse_match_pn_fuzzy (const char *pattern, gboolean wildcard, const char *fuzzy);

/* The interval a DA, TM or DT key stands for: microseconds (days for DA),
 * either end open. */
typedef struct {
  gboolean has_lo;
  gboolean has_hi;
  gint64   lo;
  gint64   hi;
} DimseMatchRange;

/* "a-b", "-b", "a-" (§C.2.2.2.5), or a lone value standing for the
 * interval its precision covers; FALSE when text does not read. */
gboolean dimse_match_range_parse (DcmVR vr, const char *text, DimseMatchRange *range);
gboolean dimse_match_range_contains (const DimseMatchRange *range, DcmVR vr, const char *value);

/* PS3.4 §C.2.2.2.5.1: a date key and a time key that are each one range
 * ("a-b", "a-", "-b") as one interval in microseconds, from the first
 * date at the first time to the last date at the last time; FALSE when
 * either is not one range. */
gboolean dimse_match_date_time_range (const DimseMatchKey *date, const DimseMatchKey *time,
                                      DimseMatchRange *range);
/* Whether a record's date (DA) at its time (TM; NULL: the start of the
 * day) falls in such an interval; a record without a date does not. */
gboolean dimse_match_date_time_contains (const DimseMatchRange *range, const char *date,
                                         const char *time);

G_END_DECLS
