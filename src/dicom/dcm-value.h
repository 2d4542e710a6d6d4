/* dcm-value.h — parsed forms of DA, TM, DT and PN values (PS3.5 §6.2) */
#pragma once

#include <glib.h>
#include "dcm-vr.h"

G_BEGIN_DECLS

typedef struct {
  gint year;      /* 0 when absent */
  gint month;     /* 1-12, 0 when absent */
  gint day;       /* 1-31, 0 when absent */
} DcmDate;

typedef struct {
  gint hour;          /* 0-23 */
  gint minute;        /* -1 when absent */
  gint second;        /* -1 when absent (60 allowed: leap second) */
  gint microsecond;   /* -1 when absent */
} DcmTime;

typedef struct {
  DcmDate  date;
  DcmTime  time;            /* hour -1 when absent */
  gboolean has_offset;
  gint     offset_minutes;  /* &ZZXX as ±minutes */
} DcmDateTime;

/* PS3.5 §6.2.1: three component groups (alphabetic, ideographic,
 * phonetic) of five components (family, given, middle, prefix, suffix),
 * each NULL when empty. UTF-8. */
typedef enum {
  DCM_PN_ALPHABETIC, DCM_PN_IDEOGRAPHIC, DCM_PN_PHONETIC, DCM_PN_N_GROUPS
} DcmPersonNameGroup;

typedef enum {
  DCM_PN_FAMILY, DCM_PN_GIVEN, DCM_PN_MIDDLE, DCM_PN_PREFIX, DCM_PN_SUFFIX,
  DCM_PN_N_COMPONENTS
} DcmPersonNameComponent;

typedef struct {
  char *components[DCM_PN_N_GROUPS][DCM_PN_N_COMPONENTS];
} DcmPersonName;

/* Each parse function takes one value (no backslash), trailing spaces
 * allowed, and fails with DCM_ERROR_INVALID naming the value. Partial
 * precision is kept (TM "10" has minute -1; DT "2020" has month 0); TM
 * fractions take up to 6 digits. The ACR-NEMA forms "YYYY.MM.DD" and
 * "HH:MM:SS" are accepted for old files; dcm_value_check flags them. */
gboolean dcm_value_parse_date (const char *text, DcmDate *out, GError **error);
gboolean dcm_value_parse_time (const char *text, DcmTime *out, GError **error);
gboolean dcm_value_parse_datetime (const char *text, DcmDateTime *out, GError **error);
char    *dcm_value_format_date (const DcmDate *date);        /* "YYYYMMDD" */
char    *dcm_value_format_time (const DcmTime *time);        /* "HHMMSS.FFFFFF" as precise as given */
char    *dcm_value_format_datetime (const DcmDateTime *dt);

DcmPersonName *dcm_person_name_parse (const char *utf8);     /* "Yamada^Tarou=山田^太郎=やまだ^たろう" */
char          *dcm_person_name_format (const DcmPersonName *pn); /* back to the '^' '=' form, trailing empties trimmed */
/* "Tarou Yamada" style for display: prefix given middle family, suffix */
char          *dcm_person_name_display (const DcmPersonName *pn);
void           dcm_person_name_free (DcmPersonName *pn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcmPersonName, dcm_person_name_free)

/* Splits a multi-valued string at backslashes (no escaping exists in DICOM);
 * no values for len 0. For encoded bytes in a multi-byte character set,
 * split with the data set getters, which know where 0x5C is a delimiter. */
char   **dcm_value_split (const char *text, gsize len);
/* Trims leading/trailing spaces (and trailing NULs) as PS3.5 says is
 * insignificant for the VR: leading spaces are kept for LT, ST, UT. */
char    *dcm_value_trim (const char *text, gsize len, gboolean keep_leading);

/* IS and DS text (one value, surrounding spaces allowed; PS3.5 Table 6.2-1).
 * IS accepts an optional sign and digits; DS a decimal or exponent form. */
gboolean dcm_value_parse_is (const char *text, gint64 *out);
gboolean dcm_value_parse_ds (const char *text, double *out);
/* The shortest text that reads back as v: %.*g of a float (single) or a
 * double, C locale. */
char    *dcm_value_format_double (double v, gboolean single);
/* DS text of at most 16 characters, as precise as fits; NULL for infinity
 * and NaN, which DS cannot hold. */
char    *dcm_value_format_ds (double v);
/* Whether one value (without padding) of a string VR keeps to its
 * repertoire and syntax; if not, returns a clause for a message, e.g.
 * "CS allows only upper-case letters, digits, space and underscore". */
const char *dcm_value_check (DcmVR vr, const char *text, gsize len);

G_END_DECLS
