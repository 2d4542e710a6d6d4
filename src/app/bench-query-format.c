/* bench-query-format.c — values for a person, and the query identifiers */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bench-query-format.h"
#include "dcm-tags.h"

static void
append_part (GString *s, const char *separator, const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (s->len > 0)
    g_string_append (s, separator);
  g_string_append (s, part);
}

static gboolean
group_is_empty (const DcmPersonName *pn, guint group)
{
  for (guint c = 0; c < DCM_PN_N_COMPONENTS; c++)
    if (pn->components[group][c] != NULL && pn->components[group][c][0] != '\0')
      return FALSE;
  return TRUE;
}

/* Family first, as a list of patients is read and sorted. */
static char *
format_alphabetic (char *const *c)
{
  g_autoptr(GString) given = g_string_new (NULL);
  GString *s = g_string_new (NULL);

  append_part (given, " ", c[DCM_PN_PREFIX]);
  append_part (given, " ", c[DCM_PN_GIVEN]);
  append_part (given, " ", c[DCM_PN_MIDDLE]);
  append_part (s, ", ", c[DCM_PN_FAMILY]);
  append_part (s, ", ", given->str);
  append_part (s, ", ", c[DCM_PN_SUFFIX]);
  return g_string_free (s, FALSE);
}

/* Ideographic and phonetic names are written family name first with no
 * comma (PS3.5 §6.2.1.2 examples). */
static char *
format_ideographic (char *const *c)
{
  GString *s = g_string_new (NULL);

  append_part (s, " ", c[DCM_PN_FAMILY]);
  append_part (s, " ", c[DCM_PN_GIVEN]);
  append_part (s, " ", c[DCM_PN_MIDDLE]);
  return g_string_free (s, FALSE);
}

char *
bench_format_person_name (const char *pn)
{
  g_autoptr(DcmPersonName) name = NULL;
  g_autofree char *alphabetic = NULL;
  g_autofree char *ideographic = NULL;

  if (pn == NULL || *pn == '\0')
    return g_strdup ("");
  name = dcm_person_name_parse (pn);
  if (name == NULL)
    return g_strdup (pn);
  if (!group_is_empty (name, DCM_PN_ALPHABETIC))
    alphabetic = format_alphabetic (name->components[DCM_PN_ALPHABETIC]);
  if (!group_is_empty (name, DCM_PN_IDEOGRAPHIC))
    ideographic = format_ideographic (name->components[DCM_PN_IDEOGRAPHIC]);
  else if (alphabetic == NULL && !group_is_empty (name, DCM_PN_PHONETIC))
    ideographic = format_ideographic (name->components[DCM_PN_PHONETIC]);
  if (alphabetic != NULL && ideographic != NULL)
    return g_strdup_printf ("%s (%s)", alphabetic, ideographic);
  if (alphabetic != NULL)
    return g_steal_pointer (&alphabetic);
  if (ideographic != NULL)
    return g_steal_pointer (&ideographic);
  return g_strdup ("");
}

static char *
format_one_date (const char *da)
{
  DcmDate date;

  if (!dcm_value_parse_date (da, &date, NULL) || date.year == 0)
    return NULL;
  if (date.month == 0)
    return g_strdup_printf ("%04d", date.year);
  if (date.day == 0)
    return g_strdup_printf ("%04d-%02d", date.year, date.month);
  return g_strdup_printf ("%04d-%02d-%02d", date.year, date.month, date.day);
}

char *
bench_format_date (const char *da)
{
  const char *dash;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *first_text = NULL;

  if (da == NULL || *da == '\0')
    return g_strdup ("");
  dash = strchr (da, '-');
  if (dash == NULL)
    {
      char *text = format_one_date (da);

      return text != NULL ? text : g_strdup (da);
    }
  /* PS3.4 C.2.2.2.5: a range, either end may be open. */
  first_text = g_strndup (da, (gsize) (dash - da));
  first = *first_text != '\0' ? format_one_date (first_text) : g_strdup ("");
  second = dash[1] != '\0' ? format_one_date (dash + 1) : g_strdup ("");
  if (first == NULL || second == NULL)
    return g_strdup (da);
  return g_strdup_printf ("%s – %s", first, second);
}

char *
bench_format_time (const char *tm)
{
  DcmTime time;

  if (tm == NULL || *tm == '\0')
    return g_strdup ("");
  if (!dcm_value_parse_time (tm, &time, NULL))
    return g_strdup (tm);
  if (time.minute < 0)
    return g_strdup_printf ("%02d:00", time.hour);
  if (time.second < 0)
    return g_strdup_printf ("%02d:%02d", time.hour, time.minute);
  return g_strdup_printf ("%02d:%02d:%02d", time.hour, time.minute, time.second);
}

char *
bench_format_size (guint64 bytes)
{
  return g_format_size (bytes);
}

static char *
da_from_gdate (GDate *date)
{
  if (date == NULL || !g_date_valid (date))
    return g_strdup ("");
  return g_strdup_printf ("%04u%02u%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static char *
range_back (GDate *today, guint days_back, guint days_back_end)
{
  GDate from = *today;
  GDate to = *today;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_date_subtract_days (&from, days_back);
  g_date_subtract_days (&to, days_back_end);
  a = da_from_gdate (&from);
  b = da_from_gdate (&to);
  if (strcmp (a, b) == 0)
    return g_steal_pointer (&a);
  return g_strdup_printf ("%s-%s", a, b);
}

char *
bench_date_range_for_preset (BenchDatePreset preset, GDate *today, GDate *from, GDate *to)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  switch (preset)
    {
    case BENCH_DATE_TODAY:
      return range_back (today, 0, 0);
    case BENCH_DATE_YESTERDAY:
      return range_back (today, 1, 1);
    case BENCH_DATE_LAST_7_DAYS:
      return range_back (today, 6, 0);
    case BENCH_DATE_LAST_30_DAYS:
      return range_back (today, 29, 0);
    case BENCH_DATE_CUSTOM:
      a = da_from_gdate (from);
      b = da_from_gdate (to);
      if (*a == '\0' && *b == '\0')
        return NULL;
      if (strcmp (a, b) == 0)
        return g_steal_pointer (&a);
      return g_strdup_printf ("%s-%s", a, b);
    case BENCH_DATE_ANY:
    default:
      return NULL;
    }
}

/* ---- identifiers ---- */

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* PS3.4 C.2.2.2.4: without '*' or '?', a value matches only exactly; a
 * person typing the start of a name expects the names that begin so. */
static char *
as_prefix (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (strpbrk (stripped, "*?") != NULL)
    return g_steal_pointer (&stripped);
  return g_strconcat (stripped, "*", NULL);
}

/* "2024-03-05" and "2024-03-01 - 2024-03-05" as a person types them. */
static char *
as_da (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (s, *p);
    else if (*p == '-' && s->len > 0 && s->len % 8 == 0 && strchr (s->str, '-') == NULL)
      g_string_append_c (s, '-');
    else if (*p == '-' && s->len == 0)
      g_string_append_c (s, '-');
  return g_string_free (s, FALSE);
}

static gboolean
set_key (DcmDataSet *ds, guint32 tag, const char *value, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value != NULL ? value : "", &local_error))
    return TRUE;
  g_set_error (error, local_error->domain, local_error->code, "%s", local_error->message);
  return FALSE;
}

static gboolean
set_match (DcmDataSet *ds, guint32 tag, const char *typed, gboolean prefix, GError **error)
{
  g_autofree char *value = NULL;

  if (is_blank (typed))
    return set_key (ds, tag, "", error);
  value = prefix ? as_prefix (typed) : g_strstrip (g_strdup (typed));
  return set_key (ds, tag, value, error);
}

static void
set_return_key (DcmDataSet *ds, guint32 tag)
{
  dcm_data_set_insert (ds, tag, DCM_VR_NONE);
}

static DcmDataSet *
new_identifier (const char *level, const char *charset)
{
  DcmDataSet *ds = dcm_data_set_new ();

  if (charset != NULL && *charset != '\0')
    dcm_data_set_set_string (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_NONE, charset, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, level, NULL);
  return ds;
}

DcmDataSet *
bench_query_form_build_identifier (const BenchQueryForm *form, GError **error)
{
  g_autoptr(DcmDataSet) ds = new_identifier ("STUDY", form->charset);
  g_autofree char *birth = is_blank (form->birth_date) ? NULL : as_da (form->birth_date);
  g_autofree char *study_date = is_blank (form->study_date) ? NULL : as_da (form->study_date);

  if (!set_match (ds, DCM_TAG_PATIENT_NAME, form->patient_name, TRUE, error)
      || !set_match (ds, DCM_TAG_PATIENT_ID, form->patient_id, FALSE, error)
      || !set_match (ds, DCM_TAG_PATIENT_BIRTH_DATE, birth, FALSE, error)
      || !set_match (ds, DCM_TAG_ACCESSION_NUMBER, form->accession_number, FALSE, error)
      || !set_match (ds, DCM_TAG_STUDY_DATE, study_date, FALSE, error)
      || !set_match (ds, DCM_TAG_MODALITIES_IN_STUDY, form->modality, FALSE, error)
      || !set_match (ds, DCM_TAG_STUDY_DESCRIPTION, form->study_description, TRUE, error)
      || !set_match (ds, DCM_TAG_REFERRING_PHYSICIAN_NAME, form->referring_physician, TRUE,
                     error))
    return NULL;
  set_return_key (ds, DCM_TAG_STUDY_TIME);
  set_return_key (ds, DCM_TAG_PATIENT_SEX);
  set_return_key (ds, DCM_TAG_STUDY_INSTANCE_UID);
  set_return_key (ds, DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES);
  set_return_key (ds, DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES);
  return g_steal_pointer (&ds);
}

DcmDataSet *
bench_query_build_series_identifier (const char *patient_id, const char *study_uid,
                                     const char *charset)
{
  DcmDataSet *ds = new_identifier ("SERIES", charset);

  if (patient_id != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, patient_id, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, study_uid, NULL);
  set_return_key (ds, DCM_TAG_SERIES_DATE);
  set_return_key (ds, DCM_TAG_MODALITY);
  set_return_key (ds, DCM_TAG_SERIES_DESCRIPTION);
  set_return_key (ds, DCM_TAG_SERIES_INSTANCE_UID);
  set_return_key (ds, DCM_TAG_SERIES_NUMBER);
  set_return_key (ds, DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES);
  return ds;
}

DcmDataSet *
bench_query_build_instance_identifier (const char *patient_id, const char *study_uid,
                                       const char *series_uid, const char *charset)
{
  DcmDataSet *ds = new_identifier ("IMAGE", charset);

  if (patient_id != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, patient_id, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, study_uid, NULL);
  dcm_data_set_set_string (ds, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE, series_uid, NULL);
  set_return_key (ds, DCM_TAG_SOP_CLASS_UID);
  set_return_key (ds, DCM_TAG_SOP_INSTANCE_UID);
  set_return_key (ds, DCM_TAG_INSTANCE_NUMBER);
  set_return_key (ds, DCM_TAG_ROWS);
  set_return_key (ds, DCM_TAG_COLUMNS);
  set_return_key (ds, DCM_TAG_NUMBER_OF_FRAMES);
  return ds;
}
