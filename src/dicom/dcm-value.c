/* dcm-value.c — DA, TM, DT and PN values (PS3.5 §6.2) */
#include "dcm-value.h"
#include "dcm-error.h"

#include <math.h>
#include <string.h>

/* Length of text without trailing spaces and NULs (padding, PS3.5 §6.2). */
static gsize
trimmed_length (const char *text, gsize len)
{
  while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\0'))
    len--;
  return len;
}

/* Reads n decimal digits at *p into *out and advances *p. */
static gboolean
read_digits (const char **p, const char *end, guint n, gint *out)
{
  gint v = 0;

  if ((gsize) (end - *p) < n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

static gboolean
date_is_valid (gint year, gint month, gint day)
{
  if (month < 1 || month > 12 || day < 1)
    return FALSE;
  /* g_date_valid_dmy rejects year 0; any year's February works the same. */
  return day <= g_date_get_days_in_month ((GDateMonth) month, (GDateYear) MAX (year, 4));
}

static gboolean
invalid (GError **error, const char *text, gsize len, const char *what, const char *form)
{
  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
               "“%.*s” is not a valid %s; expected %s.", (int) len, text, what, form);
  return FALSE;
}

/* PS3.5 §6.2 DA is YYYYMMDD. The ACR-NEMA form YYYY.MM.DD (PS3.5 2019a
 * and earlier, still found in old files) is accepted too. */
gboolean
dcm_value_parse_date (const char *text, DcmDate *out, GError **error)
{
  gsize len = trimmed_length (text, strlen (text));
  const char *p = text, *end = text + len;
  DcmDate d = { 0, 0, 0 };
  gboolean acr_nema = len == 10 && text[4] == '.' && text[7] == '.';

  if ((len != 8 && !acr_nema)
      || !read_digits (&p, end, 4, &d.year)
      || (acr_nema && *p++ != '.')
      || !read_digits (&p, end, 2, &d.month)
      || (acr_nema && *p++ != '.')
      || !read_digits (&p, end, 2, &d.day)
      || !date_is_valid (d.year, d.month, d.day))
    return invalid (error, text, len, "date (DA)", "YYYYMMDD");
  *out = d;
  return TRUE;
}

/* Reads ".F{1,6}" (when present) into microseconds. */
static gboolean
read_fraction (const char **p, const char *end, gint *microsecond)
{
  gint v = 0;
  guint n = 0;

  if (*p == end || **p != '.')
    return TRUE;
  (*p)++;
  while (*p < end && g_ascii_isdigit (**p) && n < 6)
    {
      v = v * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  if (n == 0)
    return FALSE;
  for (; n < 6; n++)
    v *= 10;
  *microsecond = v;
  return TRUE;
}

/* HH[MM[SS[.F{1,6}]]] from p, stopping at end or at '&'/'+'/'-' (DT
 * offsets). colons allows the ACR-NEMA form HH:MM:SS. */
static gboolean
read_time (const char **p, const char *end, gboolean colons, DcmTime *t)
{
  t->minute = t->second = t->microsecond = -1;
  if (!read_digits (p, end, 2, &t->hour) || t->hour > 23)
    return FALSE;
  if (*p == end || **p == '+' || **p == '-')
    return TRUE;
  if (colons && **p == ':')
    (*p)++;
  if (!read_digits (p, end, 2, &t->minute) || t->minute > 59)
    return FALSE;
  if (*p == end || **p == '+' || **p == '-')
    return TRUE;
  if (colons && **p == ':')
    (*p)++;
  /* 60 is allowed for a leap second (PS3.5 Table 6.2-1 TM). */
  if (!read_digits (p, end, 2, &t->second) || t->second > 60)
    return FALSE;
  return read_fraction (p, end, &t->microsecond);
}

/* PS3.5 §6.2 TM is HH[MM[SS[.F{1,6}]]]; the ACR-NEMA form HH:MM:SS.frac is
 * accepted too. */
gboolean
dcm_value_parse_time (const char *text, DcmTime *out, GError **error)
{
  gsize len = trimmed_length (text, strlen (text));
  const char *p = text, *end = text + len;
  DcmTime t;

  if (!read_time (&p, end, memchr (text, ':', len) != NULL, &t) || p != end)
    return invalid (error, text, len, "time (TM)", "HHMMSS.FFFFFF");
  *out = t;
  return TRUE;
}

static gboolean
read_offset (const char **p, const char *end, DcmDateTime *dt)
{
  gint sign, hours, minutes;

  if (*p == end)
    return TRUE;
  sign = **p == '-' ? -1 : 1;
  if (**p != '+' && **p != '-')
    return FALSE;
  (*p)++;
  if (!read_digits (p, end, 2, &hours) || !read_digits (p, end, 2, &minutes)
      || hours > 14 || minutes > 59)
    return FALSE;
  dt->has_offset = TRUE;
  dt->offset_minutes = sign * (hours * 60 + minutes);
  return TRUE;
}

static gboolean
at_offset_or_end (const char *p, const char *end)
{
  return p == end || *p == '+' || *p == '-';
}

/* YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX] (PS3.5 Table 6.2-1 DT). */
gboolean
dcm_value_parse_datetime (const char *text, DcmDateTime *out, GError **error)
{
  gsize len = trimmed_length (text, strlen (text));
  const char *p = text, *end = text + len;
  DcmDateTime dt = { { 0, 0, 0 }, { -1, -1, -1, -1 }, FALSE, 0 };
  gboolean ok;

  ok = read_digits (&p, end, 4, &dt.date.year);
  if (ok && !at_offset_or_end (p, end))
    ok = read_digits (&p, end, 2, &dt.date.month) && dt.date.month >= 1 && dt.date.month <= 12;
  if (ok && !at_offset_or_end (p, end))
    ok = read_digits (&p, end, 2, &dt.date.day)
         && date_is_valid (dt.date.year, dt.date.month, dt.date.day);
  if (ok && !at_offset_or_end (p, end))
    ok = read_time (&p, end, FALSE, &dt.time);
  if (ok)
    ok = read_offset (&p, end, &dt) && p == end;
  if (!ok)
    return invalid (error, text, len, "date and time (DT)", "YYYYMMDDHHMMSS.FFFFFF&ZZXX");
  *out = dt;
  return TRUE;
}

char *
dcm_value_format_date (const DcmDate *date)
{
  return g_strdup_printf ("%04d%02d%02d", date->year, date->month, date->day);
}

static void
append_time (GString *s, const DcmTime *t)
{
  g_string_append_printf (s, "%02d", t->hour);
  if (t->minute < 0)
    return;
  g_string_append_printf (s, "%02d", t->minute);
  if (t->second < 0)
    return;
  g_string_append_printf (s, "%02d", t->second);
  if (t->microsecond >= 0)
    g_string_append_printf (s, ".%06d", t->microsecond);
}

char *
dcm_value_format_time (const DcmTime *time)
{
  GString *s = g_string_new (NULL);

  append_time (s, time);
  return g_string_free (s, FALSE);
}

char *
dcm_value_format_datetime (const DcmDateTime *dt)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%04d", dt->date.year);
  if (dt->date.month > 0)
    {
      g_string_append_printf (s, "%02d", dt->date.month);
      if (dt->date.day > 0)
        {
          g_string_append_printf (s, "%02d", dt->date.day);
          if (dt->time.hour >= 0)
            append_time (s, &dt->time);
        }
    }
  if (dt->has_offset)
    g_string_append_printf (s, "%c%02d%02d", dt->offset_minutes < 0 ? '-' : '+',
                            ABS (dt->offset_minutes) / 60, ABS (dt->offset_minutes) % 60);
  return g_string_free (s, FALSE);
}

/* ---- person names (PS3.5 §6.2.1) ---- */

DcmPersonName *
dcm_person_name_parse (const char *utf8)
{
  DcmPersonName *pn = g_new0 (DcmPersonName, 1);
  g_auto (GStrv) groups = g_strsplit (utf8, "=", DCM_PN_N_GROUPS);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      /* A sixth '^' and beyond stay in the suffix rather than being lost. */
      g_auto (GStrv) parts = g_strsplit (groups[g], "^", DCM_PN_N_COMPONENTS);

      for (guint c = 0; parts[c] != NULL; c++)
        if (parts[c][0] != '\0')
          pn->components[g][c] = g_strdup (parts[c]);
    }
  return pn;
}

static gboolean
group_is_empty (const DcmPersonName *pn, guint g)
{
  for (guint c = 0; c < DCM_PN_N_COMPONENTS; c++)
    if (pn->components[g][c] != NULL && pn->components[g][c][0] != '\0')
      return FALSE;
  return TRUE;
}

static void
append_group (GString *s, const DcmPersonName *pn, guint g)
{
  gint last = DCM_PN_N_COMPONENTS - 1;

  while (last >= 0 && (pn->components[g][last] == NULL || pn->components[g][last][0] == '\0'))
    last--;
  for (gint c = 0; c <= last; c++)
    {
      if (c > 0)
        g_string_append_c (s, '^');
      if (pn->components[g][c] != NULL)
        g_string_append (s, pn->components[g][c]);
    }
}

char *
dcm_person_name_format (const DcmPersonName *pn)
{
  GString *s = g_string_new (NULL);
  gint last = DCM_PN_N_GROUPS - 1;

  while (last >= 0 && group_is_empty (pn, last))
    last--;
  for (gint g = 0; g <= last; g++)
    {
      if (g > 0)
        g_string_append_c (s, '=');
      append_group (s, pn, g);
    }
  return g_string_free (s, FALSE);
}

static void
append_word (GString *s, const char *word)
{
  if (word == NULL || word[0] == '\0')
    return;
  if (s->len > 0)
    g_string_append_c (s, ' ');
  g_string_append (s, word);
}

char *
dcm_person_name_display (const DcmPersonName *pn)
{
  GString *s = g_string_new (NULL);
  guint g = 0;
  char * const *c;

  while (g < DCM_PN_N_GROUPS - 1 && group_is_empty (pn, g))
    g++;
  c = pn->components[g];
  append_word (s, c[DCM_PN_PREFIX]);
  append_word (s, c[DCM_PN_GIVEN]);
  append_word (s, c[DCM_PN_MIDDLE]);
  append_word (s, c[DCM_PN_FAMILY]);
  if (c[DCM_PN_SUFFIX] != NULL && c[DCM_PN_SUFFIX][0] != '\0')
    {
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, c[DCM_PN_SUFFIX]);
    }
  return g_string_free (s, FALSE);
}

void
dcm_person_name_free (DcmPersonName *pn)
{
  if (pn == NULL)
    return;
  for (guint g = 0; g < DCM_PN_N_GROUPS; g++)
    for (guint c = 0; c < DCM_PN_N_COMPONENTS; c++)
      g_free (pn->components[g][c]);
  g_free (pn);
}

/* ---- splitting and trimming ---- */

/* An empty text has no values (VM 0); "a\\" has two, the second empty. */
char **
dcm_value_split (const char *text, gsize len)
{
  GPtrArray *values = g_ptr_array_new ();
  gsize start = 0;

  if (len > 0)
    {
      for (gsize i = 0; i <= len; i++)
        if (i == len || text[i] == '\\')
          {
            g_ptr_array_add (values, g_strndup (text + start, i - start));
            start = i + 1;
          }
    }
  g_ptr_array_add (values, NULL);
  return (char **) g_ptr_array_free (values, FALSE);
}

char *
dcm_value_trim (const char *text, gsize len, gboolean keep_leading)
{
  gsize start = 0;

  len = trimmed_length (text, len);
  if (!keep_leading)
    while (start < len && text[start] == ' ')
      start++;
  return g_strndup (text + start, len - start);
}

/* ---- IS and DS ---- */

static char *
strip_spaces (const char *text)
{
  gsize len = strlen (text);
  gsize start = 0;

  while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\0'))
    len--;
  while (start < len && text[start] == ' ')
    start++;
  return g_strndup (text + start, len - start);
}

gboolean
dcm_value_parse_is (const char *text, gint64 *out)
{
  g_autofree char *s = strip_spaces (text);
  const char *digits = s[0] == '+' || s[0] == '-' ? s + 1 : s;
  gint64 v;

  if (digits[0] == '\0' || strspn (digits, "0123456789") != strlen (digits))
    return FALSE;
  if (s[0] == '+')
    memmove (s, s + 1, strlen (s));
  if (!g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, &v, NULL))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
dcm_value_parse_ds (const char *text, double *out)
{
  g_autofree char *s = strip_spaces (text);
  const char *p = s;
  char *end = NULL;
  gboolean digits = FALSE;
  double v;

  /* [+-]digits[.digits][(e|E)[+-]digits]: strtod alone would take "inf",
   * "nan" and hexadecimal. */
  if (*p == '+' || *p == '-')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != '\0')
    return FALSE;
  v = g_ascii_strtod (s, &end);
  if (end == NULL || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

static char *
format_g (double v, int precision)
{
  char format[16], buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (format, sizeof format, "%%.%dg", precision);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, v));
}

char *
dcm_value_format_double (double v, gboolean single)
{
  int max = single ? 9 : 17;

  if (!isfinite (v))
    return g_strdup (isnan (v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
  for (int p = 1; p < max; p++)
    {
      char *text = format_g (v, p);
      double back = g_ascii_strtod (text, NULL);
      if (single ? (float) back == (float) v : back == v)
        return text;
      g_free (text);
    }
  return format_g (v, max);
}

/* PS3.5 Table 6.2-1: DS is at most 16 bytes. The most precise %g that fits,
 * stopping early at the shortest one that reads back exactly. */
char *
dcm_value_format_ds (double v)
{
  if (!isfinite (v))
    return NULL;
  for (int p = 1; p <= 17; p++)
    {
      g_autofree char *text = format_g (v, p);
      g_autofree char *next = NULL;

      if (g_ascii_strtod (text, NULL) == v)
        return g_steal_pointer (&text);
      next = format_g (v, p + 1);
      if (strlen (next) > 16)
        return strlen (text) <= 16 ? g_steal_pointer (&text) : NULL;
    }
  return NULL;
}

/* ---- repertoire and syntax (PS3.5 Table 6.2-1) ---- */

static gboolean
all_bytes_in (const char *text, gsize len, const char *allowed)
{
  for (gsize i = 0; i < len; i++)
    if (text[i] == '\0' || strchr (allowed, text[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Control characters other than ESC (ISO 2022) and, for text VRs, the
 * format effectors PS3.5 §6.1.3 allows. */
static gboolean
has_control (const char *text, gsize len, gboolean text_vr)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = (guint8) text[i];
      if (c == 0x1b || (text_vr && (c == '\t' || c == '\n' || c == '\f' || c == '\r')))
        continue;
      if (c < 0x20 || c == 0x7f)
        return TRUE;
    }
  return FALSE;
}

static const char *
check_ui (const char *text, gsize len)
{
  /* PS3.5 §9.1: components of digits separated by dots, none empty and
   * none with a leading zero. */
  if (len == 0 || !all_bytes_in (text, len, "0123456789."))
    return "UI allows only digits and dots";
  for (gsize i = 0; i < len; i++)
    {
      gboolean starts = i == 0 || text[i - 1] == '.';
      if (text[i] == '.' && (starts || i + 1 == len))
        return "UI does not allow an empty component";
      if (starts && text[i] == '0' && i + 1 < len && text[i + 1] != '.')
        return "UI does not allow a component with a leading zero";
    }
  return NULL;
}

static const char *
check_as (const char *text, gsize len)
{
  if (len != 4 || !all_bytes_in (text, 3, "0123456789") || strchr ("DWMY", text[3]) == NULL)
    return "AS must be three digits and one of D, W, M or Y";
  return NULL;
}

static const char *
check_temporal (DcmVR vr, const char *value)
{
  DcmDate d;
  DcmTime t;
  DcmDateTime dt;

  /* The parsers also accept the ACR-NEMA forms, which PS3.5 no longer does. */
  if (vr == DCM_VR_DA)
    return strlen (value) == 8 && dcm_value_parse_date (value, &d, NULL)
           ? NULL : "DA must be a valid date YYYYMMDD";
  if (vr == DCM_VR_TM)
    return strchr (value, ':') == NULL && dcm_value_parse_time (value, &t, NULL)
           ? NULL : "TM must be a valid time HHMMSS.FFFFFF (leading parts only)";
  return dcm_value_parse_datetime (value, &dt, NULL)
         ? NULL : "DT must be a valid date and time YYYYMMDDHHMMSS.FFFFFF&ZZXX";
}

static const char *
check_number (DcmVR vr, const char *value)
{
  gint64 i;
  double d;

  if (vr == DCM_VR_IS)
    {
      /* PS3.5 Table 6.2-1: -2^31 <= n <= 2^31 - 1. */
      if (!dcm_value_parse_is (value, &i))
        return "IS must be an integer: an optional sign and digits";
      if (i < G_MININT32 || i > G_MAXINT32)
        return "IS must lie between -2147483648 and 2147483647";
      return NULL;
    }
  return dcm_value_parse_ds (value, &d) ? NULL : "DS must be a decimal number such as 1.5 or -2e3";
}

static const char *
control_message (DcmVR vr)
{
  switch (vr)
    {
    case DCM_VR_SH: return "SH does not allow control characters other than ESC";
    case DCM_VR_LO: return "LO does not allow control characters other than ESC";
    case DCM_VR_PN: return "PN does not allow control characters other than ESC";
    case DCM_VR_UC: return "UC does not allow control characters other than ESC";
    case DCM_VR_LT: return "LT does not allow control characters other than ESC, TAB, LF, FF and CR";
    case DCM_VR_ST: return "ST does not allow control characters other than ESC, TAB, LF, FF and CR";
    default: return "UT does not allow control characters other than ESC, TAB, LF, FF and CR";
    }
}

const char *
dcm_value_check (DcmVR vr, const char *text, gsize len)
{
  g_autofree char *value = NULL;
  gsize start = 0;

  len = trimmed_length (text, len);
  if (vr != DCM_VR_LT && vr != DCM_VR_ST && vr != DCM_VR_UT && vr != DCM_VR_UR)
    while (start < len && text[start] == ' ')
      start++;
  text += start;
  len -= start;
  value = g_strndup (text, len);
  switch (vr)
    {
    case DCM_VR_AE:
      return memchr (text, '\\', len) != NULL || has_control (text, len, FALSE)
             ? "AE does not allow backslashes or control characters" : NULL;
    case DCM_VR_AS:
      return check_as (text, len);
    case DCM_VR_CS:
      return all_bytes_in (text, len, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _")
             ? NULL : "CS allows only upper-case letters, digits, space and underscore";
    case DCM_VR_DA: case DCM_VR_TM: case DCM_VR_DT:
      return len == 0 ? NULL : check_temporal (vr, value);
    case DCM_VR_IS: case DCM_VR_DS:
      return len == 0 ? NULL : check_number (vr, value);
    case DCM_VR_UI:
      return len == 0 ? NULL : check_ui (text, len);
    case DCM_VR_UR:
      return text[0] == ' ' ? "UR does not allow leading spaces" : NULL;
    case DCM_VR_SH: case DCM_VR_LO: case DCM_VR_PN: case DCM_VR_UC:
      return has_control (text, len, FALSE) ? control_message (vr) : NULL;
    case DCM_VR_LT: case DCM_VR_ST: case DCM_VR_UT:
      return has_control (text, len, TRUE) ? control_message (vr) : NULL;
    default:
      return NULL;
    }
}
