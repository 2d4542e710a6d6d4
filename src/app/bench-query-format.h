/* bench-query-format.h — DICOM values the way a person reads them, and the
 * query form turned into a C-FIND identifier (PS3.4 C.2.2.2, C.6.1) */
#pragma once

#include <glib.h>

#include "dcm-data-set.h"

G_BEGIN_DECLS

/* "Doe^John^^Dr" → "Doe, John, Dr"; an ideographic group follows in
 * parentheses: "Yamada, Tarou (山田 太郎)". pn is the decoded value. */
char *bench_format_person_name (const char *pn);
/* DA "20240305" → "2024-03-05"; a range "20240301-20240305" →
 * "2024-03-01 – 2024-03-05"; text that is no date comes back as it was. */
char *bench_format_date (const char *da);
/* TM "143005.123" → "14:30:05". */
char *bench_format_time (const char *tm);
/* A size in bytes for a person: g_format_size. */
char *bench_format_size (guint64 bytes);

typedef enum {
  BENCH_DATE_ANY,
  BENCH_DATE_TODAY,
  BENCH_DATE_YESTERDAY,
  BENCH_DATE_LAST_7_DAYS,
  BENCH_DATE_LAST_30_DAYS,
  BENCH_DATE_CUSTOM,
} BenchDatePreset;

/* The DA range matching key for preset relative to today (local date),
 * or for custom from–to (either may be NULL: open range, PS3.4
 * C.2.2.2.5); NULL for BENCH_DATE_ANY. */
char *bench_date_range_for_preset (BenchDatePreset preset, GDate *today, GDate *from, GDate *to);

/* The query form's fields as typed (NULL or empty: not a matching key). */
typedef struct {
  const char *patient_name;
  const char *patient_id;
  const char *birth_date;        /* DA or YYYY-MM-DD */
  const char *accession_number;
  const char *study_date;        /* a DA range from bench_date_range_for_preset */
  const char *modality;          /* one modality, e.g. "CT" */
  const char *study_description;
  const char *referring_physician;
  const char *charset;           /* Specific Character Set term, or NULL */
} BenchQueryForm;

/* A STUDY-level identifier with the form's matching keys and the return
 * keys the result columns show. Names and descriptions without a
 * wildcard match as prefixes ("doe" → "doe*", PS3.4 C.2.2.2.4); dates
 * typed as YYYY-MM-DD are converted. Errors: DCM_ERROR for a value the
 * VR does not allow, naming the field. */
DcmDataSet *bench_query_form_build_identifier (const BenchQueryForm *form, GError **error);
/* SERIES level within the study (patient_id for the patient root model,
 * PS3.4 C.4.1.2.2: the unique keys of the levels above). */
DcmDataSet *bench_query_build_series_identifier (const char *patient_id, const char *study_uid,
                                                 const char *charset);
/* IMAGE level within the series. */
DcmDataSet *bench_query_build_instance_identifier (const char *patient_id, const char *study_uid,
                                                   const char *series_uid, const char *charset);

G_END_DECLS
