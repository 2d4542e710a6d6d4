/* dcm-data-set-get.c — typed getters of the data set (PS3.5 §6.2) */
#include "dcm-data-set-private.h"
#include "dcm-binary.h"
#include "dcm-error.h"

#include <string.h>

static const DcmElement *
require (DcmDataSet *ds, guint32 tag, GError **error)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);

  if (el == NULL)
    {
      g_autofree char *name = dcm_describe_tag (tag);
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND, "%s is not present.", name);
    }
  return el;
}

static gboolean
wrong_type (const DcmElement *el, const char *wanted, GError **error)
{
  g_autofree char *name = dcm_describe_tag (el->tag);
  const char *what = el->kind == DCM_VALUE_ITEMS ? "a sequence"
                     : el->kind == DCM_VALUE_FRAGMENTS ? "encapsulated fragments"
                     : el->kind == DCM_VALUE_BULK ? "a value kept outside the data set"
                     : NULL;

  if (what != NULL)
    g_set_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE,
                 "%s holds %s, not %s.", name, what, wanted);
  else
    g_set_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE,
                 "%s has VR %s, which does not hold %s.", name, dcm_vr_name (el->vr), wanted);
  return FALSE;
}

/* The bytes of el's value (empty for a zero-length value). */
static gboolean
element_data (const DcmElement *el, const guint8 **data, gsize *len, const char *wanted,
              GError **error)
{
  *data = NULL;
  *len = 0;
  if (el->kind == DCM_VALUE_EMPTY)
    return TRUE;
  if (el->kind != DCM_VALUE_BYTES)
    return wrong_type (el, wanted, error);
  *data = g_bytes_get_data (el->value.bytes, len);
  return TRUE;
}

gboolean
dcm_data_set_priv_is_binary_vr (DcmVR vr)
{
  DcmVRKind kind = dcm_vr_kind (vr);

  return kind == DCM_VR_KIND_NUMBER || kind == DCM_VR_KIND_TAG
         || (kind == DCM_VR_KIND_BULK && vr != DCM_VR_UN);
}

typedef enum {
  SPLIT_PLAIN,    /* 0x5C is always the delimiter */
  SPLIT_ISO2022,  /* 0x5C may be half of a two-byte G0 character */
  SPLIT_GB,       /* 0x5C may be the second byte of a GBK/GB18030 character */
} SplitMode;

static SplitMode
split_mode (const DcmCharset *cs, DcmVR vr)
{
  const char *value = cs != NULL && dcm_vr_uses_charset (vr) ? dcm_charset_get_value (cs) : NULL;

  if (value == NULL)
    return SPLIT_PLAIN;
  if (strstr (value, "GB18030") != NULL || strstr (value, "GBK") != NULL)
    return SPLIT_GB;
  if (strstr (value, "ISO 2022") != NULL)
    return SPLIT_ISO2022;
  return SPLIT_PLAIN;
}

/* Bytes taken by the character or escape sequence at data[i] that cannot
 * contain a delimiter, 0 when data[i] may be one. PS3.5 §6.1.2.5.3 has the
 * encoder return G0 to ASCII before each backslash, so in ISO 2022 a 0x5C
 * while G0 holds a two-byte set (ESC $ B, ESC $ @, ESC $ ( D) is half of a
 * character; in GBK and GB18030 0x5C can follow a lead byte 0x81-0xFE. */
static gsize
skip_unit (const guint8 *data, gsize len, gsize i, SplitMode mode, gboolean *g0_multi)
{
  guint8 c = data[i];

  if (mode == SPLIT_GB && c >= 0x81 && c <= 0xfe && i + 1 < len)
    return i + 3 < len && data[i + 1] >= 0x30 && data[i + 1] <= 0x39 ? 4 : 2;
  if (mode != SPLIT_ISO2022)
    return 0;
  if (c == 0x1b && i + 2 < len)
    {
      /* ESC, intermediates 0x20-0x2F, one final byte (ISO 2022 §13). */
      gsize j = i + 1;

      while (j < len && data[j] >= 0x20 && data[j] <= 0x2f)
        j++;
      if (data[i + 1] == '$' && (data[i + 2] == 'B' || data[i + 2] == '@' || data[i + 2] == '('))
        *g0_multi = TRUE;
      else if (data[i + 1] == '(')
        *g0_multi = FALSE;
      return j + 1 - i;
    }
  if (*g0_multi && c >= 0x21 && c <= 0x7e && i + 1 < len)
    return 2;
  return 0;
}

/* Splits raw bytes into values at the delimiting backslashes. Splitting
 * before decoding keeps the delimiters that decoding would hide: ISO_IR 13
 * has a Yen sign at 0x5C in G0, and two-byte sets have 0x5C in characters. */
static GArray *
split_raw (const guint8 *data, gsize len, DcmVR vr, const DcmCharset *cs)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (DcmDataSetSpan));
  SplitMode mode = split_mode (cs, vr);
  gboolean g0_multi = FALSE;
  DcmDataSetSpan span = { 0, 0 };
  gsize i = 0;

  if (len == 0)
    return spans;
  if (!dcm_vr_is_multi_valued_string (vr))
    {
      span.len = len;
      g_array_append_val (spans, span);
      return spans;
    }
  while (i < len)
    {
      gsize skip = skip_unit (data, len, i, mode, &g0_multi);
      if (skip > 0)
        {
          i = MIN (i + skip, len);
          continue;
        }
      if (data[i] == '\\')
        {
          span.len = i - span.start;
          g_array_append_val (spans, span);
          span.start = i + 1;
          g0_multi = FALSE;
        }
      i++;
    }
  span.len = len - span.start;
  g_array_append_val (spans, span);
  return spans;
}

static gboolean
only_padding (const guint8 *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != ' ' && data[i] != '\0')
      return FALSE;
  return TRUE;
}

/* Values of a string element as raw spans (none for an empty value). */
GArray *
dcm_data_set_priv_string_spans (DcmDataSet *ds, const DcmElement *el, const guint8 *data,
                                gsize len)
{
  if (only_padding (data, len))
    return g_array_new (FALSE, FALSE, sizeof (DcmDataSetSpan));
  return split_raw (data, len, el->vr, dcm_data_set_get_charset (ds));
}

static guint
n_binary_values (const DcmElement *el, gsize len)
{
  return (guint) (len / dcm_vr_value_size (el->vr));
}

guint
dcm_data_set_get_vm (DcmDataSet *ds, guint32 tag)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);
  g_autoptr (GArray) spans = NULL;
  const guint8 *data;
  gsize len;

  if (el == NULL || el->kind == DCM_VALUE_EMPTY)
    return 0;
  if (el->kind != DCM_VALUE_BYTES)
    return el->kind == DCM_VALUE_ITEMS && el->value.items->len == 0 ? 0 : 1;
  data = g_bytes_get_data (el->value.bytes, &len);
  switch (dcm_vr_kind (el->vr))
    {
    case DCM_VR_KIND_STRING:
      spans = dcm_data_set_priv_string_spans (ds, el, data, len);
      return spans->len;
    case DCM_VR_KIND_NUMBER:
    case DCM_VR_KIND_TAG:
      return n_binary_values (el, len);
    default:
      return 1;
    }
}

static gboolean
check_index (const DcmElement *el, guint index, guint n, GError **error)
{
  g_autofree char *name = NULL;

  if (index < n)
    return TRUE;
  name = dcm_describe_tag (el->tag);
  g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND,
               "%s has %u value%s, so there is no value at index %u.",
               name, n, n == 1 ? "" : "s", index);
  return FALSE;
}

static char *
decode_span (DcmDataSet *ds, const DcmElement *el, const guint8 *data, DcmDataSetSpan span,
             guint index, GError **error)
{
  gboolean unknown = FALSE;
  const DcmCharset *cs = dcm_data_set_priv_resolve_charset (ds, &unknown);
  g_autofree char *text = NULL;
  gboolean keep_leading = el->vr == DCM_VR_LT || el->vr == DCM_VR_ST || el->vr == DCM_VR_UT;

  if (unknown)
    text = dcm_charset_decode_lossy (cs, data + span.start, span.len, el->vr);
  else
    text = dcm_charset_decode (cs, data + span.start, span.len, el->vr, error);
  if (text == NULL)
    {
      g_autofree char *name = dcm_describe_tag (el->tag);
      g_prefix_error (error, "Value %u of %s cannot be decoded: ", index + 1, name);
      return NULL;
    }
  return dcm_value_trim (text, strlen (text), keep_leading);
}

static double
load_float (const guint8 *p, DcmVR vr)
{
  if (dcm_vr_value_size (vr) == 4)
    {
      guint32 bits = (guint32) dcm_load_uint_le (p, 4);
      float f;
      memcpy (&f, &bits, sizeof f);
      return f;
    }
  else
    {
      guint64 bits = dcm_load_uint_le (p, 8);
      double d;
      memcpy (&d, &bits, sizeof d);
      return d;
    }
}

gboolean
dcm_data_set_priv_is_float_vr (DcmVR vr)
{
  return vr == DCM_VR_FL || vr == DCM_VR_FD || vr == DCM_VR_OF || vr == DCM_VR_OD;
}

static gboolean
is_signed_vr (DcmVR vr)
{
  return vr == DCM_VR_SS || vr == DCM_VR_SL || vr == DCM_VR_SV;
}

/* Sign-extends a value of size bytes. */
static gint64
to_signed (guint64 v, guint size)
{
  guint shift = 64 - 8 * size;

  return (gint64) (v << shift) >> shift;
}

static char *
render_binary (DcmVR vr, const guint8 *p)
{
  guint size = dcm_vr_value_size (vr);
  guint64 v = dcm_load_uint_le (p, size);

  if (vr == DCM_VR_AT)
    return g_strdup_printf ("(%04X,%04X)", (guint) (v & 0xffff), (guint) (v >> 16));
  if (dcm_data_set_priv_is_float_vr (vr))
    return dcm_value_format_double (load_float (p, vr), size == 4);
  if (is_signed_vr (vr))
    return g_strdup_printf ("%" G_GINT64_FORMAT, to_signed (v, size));
  return g_strdup_printf ("%" G_GUINT64_FORMAT, v);
}

/* Value index of el as text, or all of them, into out. */
static gboolean
collect_strings (DcmDataSet *ds, const DcmElement *el, gboolean all, guint index,
                 GPtrArray *out, GError **error)
{
  const guint8 *data;
  gsize len;
  g_autoptr (GArray) spans = NULL;
  guint n;

  if (dcm_vr_kind (el->vr) != DCM_VR_KIND_STRING && !dcm_data_set_priv_is_binary_vr (el->vr))
    return wrong_type (el, "text", error);
  if (!element_data (el, &data, &len, "text", error))
    return FALSE;
  if (dcm_vr_kind (el->vr) == DCM_VR_KIND_STRING)
    spans = dcm_data_set_priv_string_spans (ds, el, data, len);
  n = spans != NULL ? spans->len : n_binary_values (el, len);
  if (!all && !check_index (el, index, n, error))
    return FALSE;
  for (guint i = all ? 0 : index; i < n; i++)
    {
      char *text = spans != NULL
                   ? decode_span (ds, el, data, g_array_index (spans, DcmDataSetSpan, i), i, error)
                   : render_binary (el->vr, data + (gsize) i * dcm_vr_value_size (el->vr));
      if (text == NULL)
        return FALSE;
      g_ptr_array_add (out, text);
      if (!all)
        break;
    }
  return TRUE;
}

char *
dcm_data_set_get_string (DcmDataSet *ds, guint32 tag, guint index, GError **error)
{
  const DcmElement *el = require (ds, tag, error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  if (el == NULL || !collect_strings (ds, el, FALSE, index, out, error))
    return NULL;
  return g_strdup (g_ptr_array_index (out, 0));
}

char **
dcm_data_set_get_strings (DcmDataSet *ds, guint32 tag, GError **error)
{
  const DcmElement *el = require (ds, tag, error);
  GPtrArray *out;

  if (el == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func (g_free);
  if (!collect_strings (ds, el, TRUE, 0, out, error))
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  g_ptr_array_set_free_func (out, NULL);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char *
dcm_data_set_get_value_string (DcmDataSet *ds, guint32 tag, GError **error)
{
  g_auto (GStrv) values = dcm_data_set_get_strings (ds, tag, error);

  return values != NULL ? g_strjoinv ("\\", values) : NULL;
}

char *
dcm_data_set_dup_string (DcmDataSet *ds, guint32 tag)
{
  return dcm_data_set_get_string (ds, tag, 0, NULL);
}

/* ---- reading numbers ---- */

typedef struct {
  gboolean is_float;
  gboolean is_signed;
  guint64  u;
  gint64   i;
  double   d;
} Number;

static gboolean
invalid_value (const DcmElement *el, guint index, const char *text, const char *expected,
               GError **error)
{
  g_autofree char *name = dcm_describe_tag (el->tag);

  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
               "Value %u of %s, “%s”, is not %s.", index + 1, name, text, expected);
  return FALSE;
}

static gboolean
text_number (DcmDataSet *ds, const DcmElement *el, guint index, Number *out, GError **error)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  const char *text;

  if (!collect_strings (ds, el, FALSE, index, values, error))
    return FALSE;
  text = g_ptr_array_index (values, 0);
  if (el->vr == DCM_VR_IS)
    {
      if (!dcm_value_parse_is (text, &out->i))
        return invalid_value (el, index, text, "an integer string (IS)", error);
      out->is_signed = TRUE;
      return TRUE;
    }
  if (!dcm_value_parse_ds (text, &out->d))
    return invalid_value (el, index, text, "a decimal string (DS)", error);
  out->is_float = TRUE;
  return TRUE;
}

/* Value index of a numeric element (binary, IS or DS; AT as its tag). */
static gboolean
get_number (DcmDataSet *ds, guint32 tag, guint index, gboolean allow_float, Number *out,
            GError **error)
{
  const DcmElement *el = require (ds, tag, error);
  const guint8 *data, *p;
  gsize len;
  guint size;

  memset (out, 0, sizeof *out);
  if (el == NULL)
    return FALSE;
  if (el->vr == DCM_VR_IS || (allow_float && el->vr == DCM_VR_DS))
    return text_number (ds, el, index, out, error);
  if (!dcm_data_set_priv_is_binary_vr (el->vr) || (!allow_float && dcm_data_set_priv_is_float_vr (el->vr)))
    return wrong_type (el, allow_float ? "a number" : "an integer", error);
  if (!element_data (el, &data, &len, "a number", error)
      || !check_index (el, index, n_binary_values (el, len), error))
    return FALSE;
  size = dcm_vr_value_size (el->vr);
  p = data + (gsize) index * size;
  out->is_float = dcm_data_set_priv_is_float_vr (el->vr);
  out->is_signed = is_signed_vr (el->vr);
  if (out->is_float)
    out->d = load_float (p, el->vr);
  else if (el->vr == DCM_VR_AT)
    out->u = (dcm_load_uint_le (p, 2) << 16) | dcm_load_uint_le (p + 2, 2);
  else if (out->is_signed)
    out->i = to_signed (dcm_load_uint_le (p, size), size);
  else
    out->u = dcm_load_uint_le (p, size);
  return TRUE;
}

static gboolean
out_of_range (guint32 tag, guint index, const char *type, GError **error)
{
  g_autofree char *name = dcm_describe_tag (tag);

  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
               "Value %u of %s does not fit in %s.", index + 1, name, type);
  return FALSE;
}

gboolean
dcm_data_set_get_int64 (DcmDataSet *ds, guint32 tag, guint index, gint64 *out, GError **error)
{
  Number n;

  if (!get_number (ds, tag, index, FALSE, &n, error))
    return FALSE;
  if (!n.is_signed && n.u > G_MAXINT64)
    return out_of_range (tag, index, "a signed 64-bit integer", error);
  *out = n.is_signed ? n.i : (gint64) n.u;
  return TRUE;
}

gboolean
dcm_data_set_get_uint64 (DcmDataSet *ds, guint32 tag, guint index, guint64 *out, GError **error)
{
  Number n;

  if (!get_number (ds, tag, index, FALSE, &n, error))
    return FALSE;
  if (n.is_signed && n.i < 0)
    return out_of_range (tag, index, "an unsigned integer", error);
  *out = n.is_signed ? (guint64) n.i : n.u;
  return TRUE;
}

gboolean
dcm_data_set_get_double (DcmDataSet *ds, guint32 tag, guint index, double *out, GError **error)
{
  Number n;

  if (!get_number (ds, tag, index, TRUE, &n, error))
    return FALSE;
  *out = n.is_float ? n.d : n.is_signed ? (double) n.i : (double) n.u;
  return TRUE;
}

/* ---- dates, times, names ---- */

/* Value index of an element of VR vr as text. */
static char *
typed_text (DcmDataSet *ds, guint32 tag, guint index, DcmVR vr, const char *wanted,
            GError **error)
{
  const DcmElement *el = require (ds, tag, error);

  if (el == NULL)
    return NULL;
  if (el->vr != vr)
    {
      wrong_type (el, wanted, error);
      return NULL;
    }
  return dcm_data_set_get_string (ds, tag, index, error);
}

gboolean
dcm_data_set_priv_prefix_invalid (guint32 tag, guint index, GError **error)
{
  g_autofree char *name = dcm_describe_tag (tag);

  g_prefix_error (error, "Value %u of %s: ", index + 1, name);
  return FALSE;
}

gboolean
dcm_data_set_get_date (DcmDataSet *ds, guint32 tag, guint index, DcmDate *out, GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_DA, "a date", error);

  if (text == NULL)
    return FALSE;
  return dcm_value_parse_date (text, out, error) || dcm_data_set_priv_prefix_invalid (tag, index, error);
}

gboolean
dcm_data_set_get_time (DcmDataSet *ds, guint32 tag, guint index, DcmTime *out, GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_TM, "a time", error);

  if (text == NULL)
    return FALSE;
  return dcm_value_parse_time (text, out, error) || dcm_data_set_priv_prefix_invalid (tag, index, error);
}

gboolean
dcm_data_set_get_datetime (DcmDataSet *ds, guint32 tag, guint index, DcmDateTime *out,
                           GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_DT, "a date and time", error);

  if (text == NULL)
    return FALSE;
  return dcm_value_parse_datetime (text, out, error) || dcm_data_set_priv_prefix_invalid (tag, index, error);
}

DcmPersonName *
dcm_data_set_get_person_name (DcmDataSet *ds, guint32 tag, guint index, GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_PN, "a person name", error);

  return text != NULL ? dcm_person_name_parse (text) : NULL;
}
