/* dcm-json-read.c — DICOM JSON → data set (PS3.18 Annex F) */
#include "dcm-json.h"
#include "dcm-error.h"

#include <math.h>
#include <string.h>

/* As deep as the binary parser's default (DcmReadOptions.max_depth), so
 * what the JSON reader builds the parser can read back. */
#define MAX_SEQUENCE_DEPTH 64

typedef struct {
  GString  *path;        /* JSON path of the node being read: "$.00081140.Value[0]" */
  gboolean  needs_utf8;  /* a non-ASCII string met the default repertoire */
  guint     depth;       /* sequence nesting of the object being read */
} Reader;

typedef struct {
  guint32     tag;
  const char *key;
  JsonNode   *node;
} Member;

static DcmDataSet *read_object (Reader *r, JsonObject *obj, const DcmCharset *inherited,
                                GError **error);

static gboolean fail (Reader *r, guint32 tag, GError **error, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
fail (Reader *r, guint32 tag, GError **error, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID, "Element (%04X,%04X) at %s %s",
               DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag), r->path->str, what);
  return FALSE;
}

static gboolean
parse_hex8 (const char *text, guint32 *out)
{
  guint32 v = 0;

  for (int i = 0; i < 8; i++)
    {
      int d = g_ascii_xdigit_value (text[i]);
      if (d < 0)
        return FALSE;
      v = v << 4 | (guint32) d;
    }
  if (text[8] != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

static int
compare_members (gconstpointer a, gconstpointer b)
{
  guint32 ta = ((const Member *) a)->tag, tb = ((const Member *) b)->tag;
  return ta < tb ? -1 : ta > tb;
}

static void
append_padded (GByteArray *buf, DcmVR vr)
{
  if (buf->len % 2 != 0)
    {
      guint8 pad = dcm_vr_padding (vr);
      g_byte_array_append (buf, &pad, 1);
    }
}

/* A JSON number as DS text within PS3.5's 16 bytes. */
static char *
format_ds (JsonNode *node)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double v;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 i = json_node_get_int (node);
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, i);
      if (strlen (text) <= 16)
        return g_steal_pointer (&text);
    }
  v = json_node_get_double (node);
  for (int precision = 17; precision > 0; precision--)
    {
      g_autofree char *format = g_strdup_printf ("%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (strlen (buf) <= 16 && (precision <= 15 || g_ascii_strtod (buf, NULL) == v))
        break;
    }
  return g_strdup (buf);
}

static gboolean
number_node_to_text (Reader *r, guint32 tag, DcmVR vr, JsonNode *node, guint i, GString *text,
                     GError **error)
{
  if (vr == DCM_VR_DS)
    {
      g_autofree char *ds = NULL;

      if (!isfinite (json_node_get_double (node)))
        return fail (r, tag, error, "has value %u that is too large for VR DS.", i);
      ds = format_ds (node);
      g_string_append (text, ds);
      return TRUE;
    }
  /* PS3.5 Table 6.2-1: IS holds -2^31 to 2^31 - 1. */
  if (json_node_get_value_type (node) == G_TYPE_INT64 &&
      json_node_get_int (node) >= G_MININT32 && json_node_get_int (node) <= G_MAXINT32)
    {
      g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (node));
      return TRUE;
    }
  return fail (r, tag, error, "has value %u that is not an integer in the range of VR IS.", i);
}

static gboolean
pn_object_to_text (Reader *r, guint32 tag, JsonObject *obj, guint i, GString *text,
                   GError **error)
{
  static const char *const names[] = { "Alphabetic", "Ideographic", "Phonetic" };
  const char *groups[3] = { NULL, NULL, NULL };
  g_autoptr(GList) members = json_object_get_members (obj);
  int last = -1;

  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *node = json_object_get_member (obj, m->data);
      int g = 0;

      while (g < 3 && strcmp (names[g], m->data) != 0)
        g++;
      if (g == 3)
        return fail (r, tag, error, "has person name %u with an unknown component group “%s”.",
                     i, (const char *) m->data);
      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return fail (r, tag, error, "has person name %u whose %s group is not a string.",
                     i, names[g]);
      groups[g] = json_node_get_string (node);
      last = MAX (last, g);
    }
  for (int g = 0; g <= last; g++)
    {
      if (g > 0)
        g_string_append_c (text, '=');
      if (groups[g] != NULL)
        g_string_append (text, groups[g]);
    }
  return TRUE;
}

static gboolean
string_node_to_text (Reader *r, guint32 tag, DcmVR vr, JsonNode *node, guint i, GString *text,
                     GError **error)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (vr == DCM_VR_PN && JSON_NODE_HOLDS_OBJECT (node))
    return pn_object_to_text (r, tag, json_node_get_object (node), i, text, error);
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        {
          g_string_append (text, json_node_get_string (node));
          return TRUE;
        }
      if ((vr == DCM_VR_DS || vr == DCM_VR_IS) && (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE))
        return number_node_to_text (r, tag, vr, node, i, text, error);
    }
  return fail (r, tag, error, "has value %u of the wrong JSON type for VR %s.",
               i, dcm_vr_name (vr));
}

static gboolean
is_ascii (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) s[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* The text in the character set in force, padded to even length. */
static GBytes *
encode_text (Reader *r, guint32 tag, const DcmCharset *cs, DcmVR vr, GString *text,
             GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  const char *set = dcm_charset_get_value (cs);

  if (is_ascii (text->str, text->len) || !dcm_vr_uses_charset (vr) ||
      dcm_charset_is_default (cs) || strcmp (set, "ISO_IR 192") == 0)
    {
      if (!is_ascii (text->str, text->len) && dcm_charset_is_default (cs))
        r->needs_utf8 = TRUE;
      g_byte_array_append (buf, (const guint8 *) text->str, (guint) text->len);
    }
  else
    {
      g_autoptr(GBytes) encoded = dcm_charset_encode (cs, text->str, vr, error);
      gsize len = 0;
      const guint8 *data;

      if (encoded == NULL)
        {
          g_prefix_error (error, "Element (%04X,%04X) at %s: ",
                          DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag), r->path->str);
          return NULL;
        }
      data = g_bytes_get_data (encoded, &len);
      g_byte_array_append (buf, data, (guint) len);
    }
  append_padded (buf, vr);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

static gboolean
read_strings (Reader *r, guint32 tag, DcmVR vr, const DcmCharset *cs, JsonArray *values,
              GBytes **out, GError **error)
{
  guint n = json_array_get_length (values);
  g_autoptr(GString) text = g_string_new (NULL);

  if (n > 1 && !dcm_vr_is_multi_valued_string (vr))
    return fail (r, tag, error, "has %u values but VR %s holds only one.", n, dcm_vr_name (vr));
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\\');
      if (!string_node_to_text (r, tag, vr, json_array_get_element (values, i), i, text, error))
        return FALSE;
    }
  if (text->len == 0)
    return TRUE;
  *out = encode_text (r, tag, cs, vr, text, error);
  return *out != NULL;
}

/* An integer in [min, max] from a JSON number or a decimal string (which
 * PS3.18 Table F.2.3-1 allows for SV and UV). */
static gboolean
node_to_integer (JsonNode *node, gint64 min, guint64 max, guint64 *out)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);
      if (v < min || (v > 0 && (guint64) v > max))
        return FALSE;
      *out = (guint64) v;
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      if (d != floor (d) || d < (double) min || d >= ldexp (1.0, 64) || d > (double) max)
        return FALSE;
      *out = d < 0 ? (guint64) (gint64) d : (guint64) d;
      return TRUE;
    }
  if (type == G_TYPE_STRING && min < 0)
    {
      gint64 v;
      if (!g_ascii_string_to_signed (json_node_get_string (node), 10, min,
                                     (gint64) MIN (max, (guint64) G_MAXINT64), &v, NULL))
        return FALSE;
      *out = (guint64) v;
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    return g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, max, out, NULL);
  return FALSE;
}

static gboolean
node_to_double (JsonNode *node, double *out)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      *out = json_node_get_double (node);
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      if (strcmp (s, "NaN") == 0)
        *out = NAN;
      else if (strcmp (s, "Infinity") == 0 || strcmp (s, "-Infinity") == 0)
        *out = s[0] == '-' ? -INFINITY : INFINITY;
      else
        return FALSE;
      return TRUE;
    }
  return FALSE;
}

typedef struct {
  DcmVR   vr;
  gint64  min;
  guint64 max;
} IntegerRange;

static const IntegerRange integer_ranges[] = {
  { DCM_VR_US, 0, G_MAXUINT16 },
  { DCM_VR_SS, G_MININT16, G_MAXINT16 },
  { DCM_VR_UL, 0, G_MAXUINT32 },
  { DCM_VR_SL, G_MININT32, G_MAXINT32 },
  { DCM_VR_SV, G_MININT64, G_MAXINT64 },
  { DCM_VR_UV, 0, G_MAXUINT64 },
};

static gboolean
pack_number (DcmVR vr, JsonNode *node, GByteArray *buf)
{
  guint64 bits = 0;
  double d;

  if (vr == DCM_VR_FD)
    {
      if (!node_to_double (node, &d))
        return FALSE;
      memcpy (&bits, &d, sizeof d);
    }
  else if (vr == DCM_VR_FL)
    {
      float f;
      guint32 u;

      if (!node_to_double (node, &d) || (isfinite (d) && fabs (d) > G_MAXFLOAT))
        return FALSE;
      f = (float) d;
      memcpy (&u, &f, sizeof u);
      bits = u;
    }
  else
    {
      guint i = 0;

      while (i < G_N_ELEMENTS (integer_ranges) && integer_ranges[i].vr != vr)
        i++;
      if (i == G_N_ELEMENTS (integer_ranges) ||
          !node_to_integer (node, integer_ranges[i].min, integer_ranges[i].max, &bits))
        return FALSE;
    }
  for (guint i = 0; i < dcm_vr_value_size (vr); i++)
    {
      guint8 byte = (guint8) (bits >> (8 * i));
      g_byte_array_append (buf, &byte, 1);
    }
  return TRUE;
}

static gboolean
read_numbers (Reader *r, guint32 tag, DcmVR vr, JsonArray *values, GBytes **out,
              GError **error)
{
  guint n = json_array_get_length (values);
  g_autoptr(GByteArray) buf = g_byte_array_sized_new (n * dcm_vr_value_size (vr));

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (values, i);
      if (JSON_NODE_HOLDS_NULL (node))
        return fail (r, tag, error, "has an empty value %u, which VR %s cannot hold.",
                     i, dcm_vr_name (vr));
      if (!pack_number (vr, node, buf))
        return fail (r, tag, error, "has value %u that is not a number in the range of VR %s.",
                     i, dcm_vr_name (vr));
    }
  if (buf->len > 0)
    *out = g_byte_array_free_to_bytes (g_steal_pointer (&buf));
  return TRUE;
}

static gboolean
read_tags (Reader *r, guint32 tag, JsonArray *values, GBytes **out, GError **error)
{
  guint n = json_array_get_length (values);
  g_autoptr(GByteArray) buf = g_byte_array_sized_new (n * 4);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (values, i);
      guint32 value;
      guint8 le[4];

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          !parse_hex8 (json_node_get_string (node), &value))
        return fail (r, tag, error, "has value %u that is not a tag of eight hexadecimal digits.", i);
      le[0] = (guint8) (value >> 16);
      le[1] = (guint8) (value >> 24);
      le[2] = (guint8) value;
      le[3] = (guint8) (value >> 8);
      g_byte_array_append (buf, le, 4);
    }
  if (buf->len > 0)
    *out = g_byte_array_free_to_bytes (g_steal_pointer (&buf));
  return TRUE;
}

static GBytes *
decode_base64 (const char *text)
{
  gsize len = strlen (text);
  gsize pad = 0;
  gsize n = 0;
  guchar *data;

  if (len % 4 != 0)
    return NULL;
  while (pad < 2 && pad < len && text[len - 1 - pad] == '=')
    pad++;
  for (gsize i = 0; i < len - pad; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return NULL;
  if (len == 0)
    return g_bytes_new (NULL, 0);
  data = g_base64_decode (text, &n);
  return g_bytes_new_take (data, n);
}

static gboolean
read_items (Reader *r, guint32 tag, const DcmCharset *cs, JsonArray *values, GPtrArray *items,
            GError **error)
{
  gsize path_len = r->path->len;

  if (r->depth >= MAX_SEQUENCE_DEPTH)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                   "Element (%04X,%04X) at %s nests sequences deeper than %d levels.",
                   DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag), r->path->str, MAX_SEQUENCE_DEPTH);
      return FALSE;
    }
  r->depth++;
  for (guint i = 0; i < json_array_get_length (values); i++)
    {
      JsonNode *node = json_array_get_element (values, i);
      DcmDataSet *item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (r, tag, error, "has item %u that is not a JSON object.", i);
      g_string_append_printf (r->path, ".Value[%u]", i);
      item = read_object (r, json_node_get_object (node), cs, error);
      g_string_truncate (r->path, path_len);
      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }
  r->depth--;
  return TRUE;
}

static gboolean
read_value (Reader *r, DcmDataSet *ds, guint32 tag, DcmVR vr, const DcmCharset *cs,
            JsonNode *value, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  JsonArray *values;
  gboolean ok;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return fail (r, tag, error, "has a “Value” that is not an array.");
  values = json_node_get_array (value);
  switch (dcm_vr_kind (vr))
    {
    case DCM_VR_KIND_SEQUENCE:
      {
        g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
        DcmElement *el;

        if (!read_items (r, tag, cs, values, items, error))
          return FALSE;
        el = dcm_data_set_insert (ds, tag, vr);
        for (guint i = 0; i < items->len; i++)
          dcm_data_set_append_item (ds, el, dcm_data_set_ref (items->pdata[i]));
        return TRUE;
      }
    case DCM_VR_KIND_STRING:
      ok = read_strings (r, tag, vr, cs, values, &bytes, error);
      break;
    case DCM_VR_KIND_NUMBER:
      ok = read_numbers (r, tag, vr, values, &bytes, error);
      break;
    case DCM_VR_KIND_TAG:
      ok = read_tags (r, tag, values, &bytes, error);
      break;
    default:
      return fail (r, tag, error, "has a “Value” but VR %s needs “InlineBinary” or “BulkDataURI”.",
                   dcm_vr_name (vr));
    }
  if (!ok)
    return FALSE;
  {
    DcmElement *el = dcm_data_set_insert (ds, tag, vr);
    if (bytes != NULL)
      dcm_element_take_bytes (el, g_steal_pointer (&bytes));
  }
  return TRUE;
}

static const char *
member_string (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* The inverse of encode_fragments: Pixel Data whose InlineBinary is a whole
 * item stream closed by a Sequence Delimitation Item becomes fragments
 * again, so that encapsulated syntaxes survive the round trip. NULL when the
 * bytes are not such a stream. */
static GPtrArray *
decode_fragments (GBytes *bytes)
{
  g_autoptr(GPtrArray) frags = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gsize pos = 0;

  while (pos + 8 <= len)
    {
      guint32 tag = read_le32 (data + pos) >> 16 | read_le32 (data + pos) << 16;
      guint32 item_len = read_le32 (data + pos + 4);

      pos += 8;
      if (tag == DCM_TAG_SEQUENCE_DELIMITATION_ITEM)
        return item_len == 0 && pos == len && frags->len > 0 ? g_steal_pointer (&frags) : NULL;
      if (tag != DCM_TAG_ITEM || item_len > len - pos)
        return NULL;
      g_ptr_array_add (frags, g_bytes_new_from_bytes (bytes, pos, item_len));
      pos += item_len;
    }
  return NULL;
}

static gboolean
read_binary (Reader *r, DcmDataSet *ds, guint32 tag, DcmVR vr, JsonObject *obj, GError **error)
{
  const char *uri = member_string (obj, "BulkDataURI");
  const char *inline_binary = member_string (obj, "InlineBinary");

  if (vr == DCM_VR_SQ)
    return fail (r, tag, error, "is a sequence but has binary data instead of items.");
  if (json_object_has_member (obj, "BulkDataURI"))
    {
      DcmBulkRef *ref;

      if (uri == NULL)
        return fail (r, tag, error, "has a “BulkDataURI” that is not a string.");
      ref = g_new0 (DcmBulkRef, 1);
      ref->uri = g_strdup (uri);
      dcm_element_take_bulk (dcm_data_set_insert (ds, tag, vr), ref);
      return TRUE;
    }
  {
    g_autoptr(GBytes) bytes = inline_binary != NULL ? decode_base64 (inline_binary) : NULL;
    DcmElement *el;
    g_autoptr(GPtrArray) frags = NULL;

    if (bytes == NULL)
      return fail (r, tag, error, "has an “InlineBinary” that is not valid base64.");
    if (tag == DCM_TAG_PIXEL_DATA && vr == DCM_VR_OB)
      frags = decode_fragments (bytes);
    el = dcm_data_set_insert (ds, tag, vr);
    if (frags != NULL)
      dcm_element_take_fragments (el, g_steal_pointer (&frags));
    else if (g_bytes_get_size (bytes) > 0)
      dcm_element_take_bytes (el, g_steal_pointer (&bytes));
  }
  return TRUE;
}

static gboolean
read_element (Reader *r, DcmDataSet *ds, const Member *m, const DcmCharset *cs, GError **error)
{
  static const char *const value_names[] = { "Value", "InlineBinary", "BulkDataURI" };
  JsonObject *obj;
  const char *vr_name;
  DcmVR vr;
  guint n_values = 0;

  if (!JSON_NODE_HOLDS_OBJECT (m->node))
    return fail (r, m->tag, error, "is not a JSON object.");
  obj = json_node_get_object (m->node);
  vr_name = member_string (obj, "vr");
  if (vr_name == NULL)
    return fail (r, m->tag, error, "has no “vr” string.");
  vr = dcm_vr_from_name (vr_name);
  if (vr == DCM_VR_NONE)
    return fail (r, m->tag, error, "has an unknown VR “%s”.", vr_name);
  for (guint i = 0; i < G_N_ELEMENTS (value_names); i++)
    n_values += json_object_has_member (obj, value_names[i]);
  if (n_values > 1)
    return fail (r, m->tag, error,
                 "has more than one of “Value”, “InlineBinary” and “BulkDataURI”.");
  if (json_object_has_member (obj, "Value"))
    return read_value (r, ds, m->tag, vr, cs, json_object_get_member (obj, "Value"), error);
  if (n_values == 1)
    return read_binary (r, ds, m->tag, vr, obj, error);
  dcm_data_set_insert (ds, m->tag, vr);
  return TRUE;
}

/* The object's own Specific Character Set, which PS3.18 F.2.2 note 3 says
 * names the encoding of the source data set: strings go back into it. */
static gboolean
read_charset (Reader *r, JsonObject *obj, DcmCharset **out, GError **error)
{
  g_autoptr(GPtrArray) terms = g_ptr_array_new ();
  JsonNode *node = json_object_get_member (obj, "00080005");
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  value = json_object_get_member (json_node_get_object (node), "Value");
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return TRUE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
    {
      JsonNode *term = json_array_get_element (json_node_get_array (value), i);
      gboolean is_string = JSON_NODE_HOLDS_VALUE (term) &&
                           json_node_get_value_type (term) == G_TYPE_STRING;
      g_ptr_array_add (terms, (gpointer) (is_string ? json_node_get_string (term) : ""));
    }
  g_ptr_array_add (terms, NULL);
  *out = dcm_charset_new ((const char * const *) terms->pdata, error);
  if (*out == NULL)
    {
      g_prefix_error (error, "Element (0008,0005) at %s.00080005: ", r->path->str);
      return FALSE;
    }
  return TRUE;
}

static DcmDataSet *
read_object (Reader *r, JsonObject *obj, const DcmCharset *inherited, GError **error)
{
  g_autoptr(GList) keys = json_object_get_members (obj);
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (Member));
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmCharset) own = NULL;
  gsize path_len = r->path->len;

  for (GList *k = keys; k != NULL; k = k->next)
    {
      Member m = { 0, k->data, json_object_get_member (obj, k->data) };

      if (!parse_hex8 (m.key, &m.tag))
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                       "Key “%s” at %s is not a tag of eight hexadecimal digits.",
                       m.key, r->path->str);
          return NULL;
        }
      g_array_append_val (members, m);
    }
  g_array_sort (members, compare_members);
  if (!read_charset (r, obj, &own, error))
    return NULL;
  for (guint i = 0; i < members->len; i++)
    {
      const Member *m = &g_array_index (members, Member, i);
      gboolean ok;

      g_string_append_printf (r->path, ".%s", m->key);
      ok = read_element (r, ds, m, own != NULL ? own : inherited, error);
      g_string_truncate (r->path, path_len);
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&ds);
}

DcmDataSet *
dcm_json_to_data_set (JsonNode *node, GError **error)
{
  g_autoptr(GString) path = g_string_new ("$");
  Reader r = { path, FALSE, 0 };
  g_autoptr(DcmDataSet) ds = NULL;
  const DcmElement *charset;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The DICOM JSON text is not an object of attributes.");
      return NULL;
    }
  ds = read_object (&r, json_node_get_object (node), NULL, error);
  if (ds == NULL)
    return NULL;
  charset = dcm_data_set_lookup (ds, DCM_TAG_SPECIFIC_CHARACTER_SET);
  if (r.needs_utf8 && (charset == NULL || charset->kind == DCM_VALUE_EMPTY))
    {
      static const char utf8[] = "ISO_IR 192";
      DcmElement *el = dcm_data_set_insert (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS);
      dcm_element_take_bytes (el, g_bytes_new_static (utf8, sizeof utf8 - 1));
    }
  return g_steal_pointer (&ds);
}

DcmDataSet *
dcm_json_parse (const char *text, gssize len, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  if (!json_parser_load_from_data (parser, text, len, &local))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID, "The text is not valid JSON: %s.",
                   local->message);
      return NULL;
    }
  return dcm_json_to_data_set (json_parser_get_root (parser), error);
}
