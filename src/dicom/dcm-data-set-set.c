/* dcm-data-set-set.c — typed setters of the data set (PS3.5 §6.2) */
#include "dcm-data-set-private.h"
#include "dcm-error.h"

#include <math.h>
#include <string.h>

static DcmVR
resolve_vr (guint32 tag, DcmVR vr)
{
  return vr == DCM_VR_NONE ? dcm_dict_vr (tag) : vr;
}

/* Pads buf to even length (PS3.5 §7.1.1) and makes it tag's value. */
static gboolean
store (DcmDataSet *ds, guint32 tag, DcmVR vr, GByteArray *buf)
{
  DcmElement *el;

  if (buf->len % 2 != 0)
    {
      guint8 pad = dcm_vr_padding (vr);
      g_byte_array_append (buf, &pad, 1);
    }
  el = dcm_data_set_insert (ds, tag, vr);
  dcm_element_take_bytes (el, g_byte_array_free_to_bytes (buf));
  return TRUE;
}

static gboolean
set_wrong_type (guint32 tag, DcmVR vr, const char *what, GError **error)
{
  g_autofree char *name = dcm_describe_tag (tag);

  g_set_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE,
               "%s cannot be set from %s: its VR is %s.", name, what, dcm_vr_name (vr));
  return FALSE;
}

static gboolean
set_invalid (guint32 tag, guint index, GError **error, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_invalid (guint32 tag, guint index, GError **error, const char *format, ...)
{
  g_autofree char *name = dcm_describe_tag (tag);
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID, "Value %u of %s %s", index + 1, name, detail);
  return FALSE;
}

/* PN limits each component group to 64 characters, not the whole value. */
gsize
dcm_data_set_priv_longest_group (const char *text)
{
  g_auto (GStrv) groups = g_strsplit (text, "=", -1);
  gsize longest = 0;

  for (guint g = 0; groups[g] != NULL; g++)
    longest = MAX (longest, (gsize) g_utf8_strlen (groups[g], -1));
  return longest;
}

/* PS3.5 Table 6.2-1 limits: characters for the VRs that use the character
 * set, bytes (= ASCII characters) for the rest. PS3.4 §C.2.2.2.5 range
 * matching ("20200101-20201231") may hold two DA, TM or DT values. */
static gboolean
check_length (guint32 tag, DcmVR vr, const char *value, guint index, GError **error)
{
  gboolean chars = dcm_vr_uses_charset (vr);
  gsize limit = vr == DCM_VR_PN ? 64 : dcm_vr_max_length (vr);
  gsize count = vr == DCM_VR_PN ? dcm_data_set_priv_longest_group (value)
                : chars ? (gsize) g_utf8_strlen (value, -1) : strlen (value);

  if ((vr == DCM_VR_DA || vr == DCM_VR_TM || vr == DCM_VR_DT) && strchr (value, '-') != NULL)
    limit = 2 * limit + 1;
  if (limit == 0 || count <= limit)
    return TRUE;
  return set_invalid (tag, index, error, "is %" G_GSIZE_FORMAT " %s long; %s allows at most %"
                      G_GSIZE_FORMAT "%s.", count, chars ? "characters" : "bytes",
                      dcm_vr_name (vr), limit, vr == DCM_VR_PN ? " per component group" : "");
}

static gboolean
append_string_value (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *value, guint index,
                     GByteArray *buf, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gboolean unknown = FALSE;
  const DcmCharset *cs;

  if (!g_utf8_validate (value, -1, NULL))
    return set_invalid (tag, index, error, "is not valid UTF-8.");
  if (dcm_vr_is_multi_valued_string (vr) && strchr (value, '\\') != NULL)
    return set_invalid (tag, index, error, "contains a backslash, which separates values in %s.",
                        dcm_vr_name (vr));
  if (!check_length (tag, vr, value, index, error))
    return FALSE;
  if (!dcm_vr_uses_charset (vr))
    {
      if (!g_str_is_ascii (value))
        {
          g_autofree char *name = dcm_describe_tag (tag);
          g_set_error (error, DCM_ERROR, DCM_ERROR_CHARSET,
                       "Value %u of %s has characters outside the default repertoire, "
                       "which %s requires.", index + 1, name, dcm_vr_name (vr));
          return FALSE;
        }
      g_byte_array_append (buf, (const guint8 *) value, (guint) strlen (value));
      return TRUE;
    }
  cs = dcm_data_set_priv_resolve_charset (ds, &unknown);
  bytes = dcm_charset_encode (cs, value, vr, error);
  if (bytes == NULL)
    return dcm_data_set_priv_prefix_invalid (tag, index, error);
  g_byte_array_append (buf, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  return TRUE;
}

static gboolean set_text_numbers (DcmDataSet *ds, guint32 tag, DcmVR vr,
                                  const char * const *values, GError **error);

gboolean
dcm_data_set_set_strings (DcmDataSet *ds, guint32 tag, DcmVR vr, const char * const *values,
                          GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint n = values != NULL ? g_strv_length ((char **) values) : 0;

  vr = resolve_vr (tag, vr);
  if (dcm_data_set_priv_is_binary_vr (vr))
    return set_text_numbers (ds, tag, vr, values, error);
  if (dcm_vr_kind (vr) != DCM_VR_KIND_STRING)
    return set_wrong_type (tag, vr, "text", error);
  if (n > 1 && !dcm_vr_is_multi_valued_string (vr))
    return set_invalid (tag, 1, error, "cannot be set: %s holds a single value.",
                        dcm_vr_name (vr));
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_byte_array_append (buf, (const guint8 *) "\\", 1);
      if (!append_string_value (ds, tag, vr, values[i], i, buf, error))
        return FALSE;
    }
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

/* The whole value: for VRs with several values, backslashes separate them. */
gboolean
dcm_data_set_set_string (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *value,
                         GError **error)
{
  g_auto (GStrv) values = NULL;
  const char *single[2] = { value, NULL };

  vr = resolve_vr (tag, vr);
  if (value == NULL || value[0] == '\0')
    return dcm_data_set_set_strings (ds, tag, vr, NULL, error);
  if (dcm_vr_is_multi_valued_string (vr) || dcm_data_set_priv_is_binary_vr (vr))
    {
      values = g_strsplit (value, "\\", -1);
      return dcm_data_set_set_strings (ds, tag, vr, (const char * const *) values, error);
    }
  return dcm_data_set_set_strings (ds, tag, vr, single, error);
}

/* ---- writing numbers ---- */

typedef struct {
  gint64  min;
  guint64 max;
} Range;

static gboolean
integer_range (DcmVR vr, Range *r)
{
  switch (vr)
    {
    case DCM_VR_OB: *r = (Range) { 0, G_MAXUINT8 }; return TRUE;
    case DCM_VR_US: case DCM_VR_OW: *r = (Range) { 0, G_MAXUINT16 }; return TRUE;
    case DCM_VR_SS: *r = (Range) { G_MININT16, G_MAXINT16 }; return TRUE;
    case DCM_VR_UL: case DCM_VR_OL: case DCM_VR_AT: *r = (Range) { 0, G_MAXUINT32 }; return TRUE;
    case DCM_VR_SL: *r = (Range) { G_MININT32, G_MAXINT32 }; return TRUE;
    /* PS3.5 Table 6.2-1: -2^31 <= n <= 2^31 - 1 */
    case DCM_VR_IS: *r = (Range) { G_MININT32, G_MAXINT32 }; return TRUE;
    case DCM_VR_SV: *r = (Range) { G_MININT64, G_MAXINT64 }; return TRUE;
    case DCM_VR_UV: case DCM_VR_OV: *r = (Range) { 0, G_MAXUINT64 }; return TRUE;
    default: return FALSE;
    }
}

static void
append_le (GByteArray *buf, guint64 v, guint size)
{
  guint8 b[8];

  for (guint i = 0; i < size; i++)
    b[i] = (guint8) (v >> (8 * i));
  g_byte_array_append (buf, b, size);
}

/* Appends one integer (negative, or the unsigned magnitude u) checked
 * against vr's range. */
static gboolean
append_integer (GByteArray *buf, guint32 tag, DcmVR vr, gboolean negative, gint64 i,
                guint64 u, guint index, GError **error)
{
  Range r;
  g_autofree char *text = negative ? g_strdup_printf ("%" G_GINT64_FORMAT, i)
                                   : g_strdup_printf ("%" G_GUINT64_FORMAT, u);

  integer_range (vr, &r);
  if (negative ? i < r.min : u > r.max)
    return set_invalid (tag, index, error, "is %s, outside the range of %s (%" G_GINT64_FORMAT
                        " to %" G_GUINT64_FORMAT ").", text, dcm_vr_name (vr), r.min, r.max);
  if (dcm_vr_kind (vr) == DCM_VR_KIND_STRING)
    {
      if (buf->len > 0)
        g_byte_array_append (buf, (const guint8 *) "\\", 1);
      g_byte_array_append (buf, (const guint8 *) text, (guint) strlen (text));
    }
  else if (vr == DCM_VR_AT)
    {
      append_le (buf, u >> 16, 2);
      append_le (buf, u & 0xffff, 2);
    }
  else
    append_le (buf, negative ? (guint64) i : u, dcm_vr_value_size (vr));
  return TRUE;
}

static void
append_float (GByteArray *buf, DcmVR vr, double v)
{
  if (dcm_vr_value_size (vr) == 4)
    {
      float f = (float) v;
      guint32 bits;
      memcpy (&bits, &f, sizeof bits);
      append_le (buf, bits, 4);
    }
  else
    {
      guint64 bits;
      memcpy (&bits, &v, sizeof bits);
      append_le (buf, bits, 8);
    }
}

static gboolean
append_double (GByteArray *buf, guint32 tag, DcmVR vr, double v, guint index, GError **error)
{
  g_autofree char *text = NULL;

  if (dcm_data_set_priv_is_float_vr (vr))
    {
      if (dcm_vr_value_size (vr) == 4 && isfinite (v) && fabs (v) > G_MAXFLOAT)
        return set_invalid (tag, index, error, "is %g, outside the range of %s.", v,
                            dcm_vr_name (vr));
      append_float (buf, vr, v);
      return TRUE;
    }
  if (vr == DCM_VR_DS)
    {
      text = dcm_value_format_ds (v);
      if (text == NULL)
        return set_invalid (tag, index, error, "is %g, which DS cannot hold.", v);
      if (buf->len > 0)
        g_byte_array_append (buf, (const guint8 *) "\\", 1);
      g_byte_array_append (buf, (const guint8 *) text, (guint) strlen (text));
      return TRUE;
    }
  if (!isfinite (v) || v != floor (v) || v < -9.2233720368547758e18 || v >= 1.8446744073709552e19)
    return set_invalid (tag, index, error, "is %g, not an integer as %s requires.", v,
                        dcm_vr_name (vr));
  if (v < 0)
    return append_integer (buf, tag, vr, TRUE, (gint64) v, 0, index, error);
  return append_integer (buf, tag, vr, FALSE, 0, (guint64) v, index, error);
}

static gboolean
is_integer_vr (DcmVR vr)
{
  Range r;

  return integer_range (vr, &r);
}

/* The VRs a number may be set in: binary integers and floats, and DS. */
static gboolean
holds_numbers (DcmVR vr)
{
  return is_integer_vr (vr) || dcm_data_set_priv_is_float_vr (vr) || vr == DCM_VR_DS;
}

static gboolean
append_int64 (GByteArray *buf, guint32 tag, DcmVR vr, gint64 v, guint index, GError **error)
{
  if (!is_integer_vr (vr))
    return append_double (buf, tag, vr, (double) v, index, error);
  return append_integer (buf, tag, vr, v < 0, v, v < 0 ? 0 : (guint64) v, index, error);
}

gboolean
dcm_data_set_set_int64s (DcmDataSet *ds, guint32 tag, DcmVR vr, const gint64 *values, guint n,
                         GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();

  vr = resolve_vr (tag, vr);
  if (!holds_numbers (vr))
    return set_wrong_type (tag, vr, "integers", error);
  for (guint i = 0; i < n; i++)
    if (!append_int64 (buf, tag, vr, values[i], i, error))
      return FALSE;
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

gboolean
dcm_data_set_set_int64 (DcmDataSet *ds, guint32 tag, DcmVR vr, gint64 value, GError **error)
{
  return dcm_data_set_set_int64s (ds, tag, vr, &value, 1, error);
}

gboolean
dcm_data_set_set_doubles (DcmDataSet *ds, guint32 tag, DcmVR vr, const double *values, guint n,
                          GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();

  vr = resolve_vr (tag, vr);
  if (!holds_numbers (vr))
    return set_wrong_type (tag, vr, "numbers", error);
  for (guint i = 0; i < n; i++)
    if (!append_double (buf, tag, vr, values[i], i, error))
      return FALSE;
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

/* Text for a binary VR: integers, floating point numbers or tags. */
static gboolean
append_text_number (GByteArray *buf, guint32 tag, DcmVR vr, const char *text, guint index,
                    GError **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  guint32 at;
  gint64 i;
  guint64 u;
  double d;

  if (vr == DCM_VR_AT)
    {
      if (!dcm_dict_parse_tag (s, &at))
        return set_invalid (tag, index, error, "“%s” is not a tag such as (0010,0010).", s);
      return append_integer (buf, tag, vr, FALSE, 0, at, index, error);
    }
  if (dcm_data_set_priv_is_float_vr (vr))
    {
      if (!dcm_value_parse_ds (s, &d))
        return set_invalid (tag, index, error, "“%s” is not a number.", s);
      return append_double (buf, tag, vr, d, index, error);
    }
  if (s[0] == '-' && g_ascii_string_to_signed (s, 10, G_MININT64, 0, &i, NULL))
    return append_integer (buf, tag, vr, i < 0, i, 0, index, error);
  if (s[0] != '-' && g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT64, &u, NULL))
    return append_integer (buf, tag, vr, FALSE, 0, u, index, error);
  return set_invalid (tag, index, error, "“%s” is not an integer.", s);
}

static gboolean
set_text_numbers (DcmDataSet *ds, guint32 tag, DcmVR vr, const char * const *values,
                  GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (!append_text_number (buf, tag, vr, values[i], i, error))
      return FALSE;
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

gboolean
dcm_data_set_set_raw (DcmDataSet *ds, guint32 tag, DcmVR vr, const void *data, gsize len,
                      GError **error)
{
  GByteArray *buf;

  vr = resolve_vr (tag, vr);
  if (vr == DCM_VR_SQ)
    return set_wrong_type (tag, vr, "raw bytes", error);
  if (len >= G_MAXUINT32)
    {
      g_autofree char *name = dcm_describe_tag (tag);
      g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                   "A value of %" G_GSIZE_FORMAT " bytes is too long for %s.", len, name);
      return FALSE;
    }
  buf = g_byte_array_sized_new ((guint) len + 1);
  g_byte_array_append (buf, data, (guint) len);
  return store (ds, tag, vr, buf);
}

gboolean
dcm_data_set_set_person_name (DcmDataSet *ds, guint32 tag, const DcmPersonName *pn,
                              GError **error)
{
  g_autofree char *text = dcm_person_name_format (pn);
  const char *values[2] = { text, NULL };

  return dcm_data_set_set_strings (ds, tag, DCM_VR_PN, text[0] != '\0' ? values : NULL, error);
}

gboolean
dcm_data_set_set_date (DcmDataSet *ds, guint32 tag, const DcmDate *date, GError **error)
{
  g_autofree char *text = dcm_value_format_date (date);
  const char *values[2] = { text, NULL };

  return dcm_data_set_set_strings (ds, tag, DCM_VR_DA, values, error);
}
