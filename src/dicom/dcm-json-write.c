/* dcm-json-write.c — data set → DICOM JSON text (PS3.18 Annex F) */
#include "dcm-json.h"
#include "dcm-error.h"
#include "dcm-binary.h"

#include <math.h>
#include <string.h>

/* Data set → JSON text. A small generator of our own rather than
 * JsonGenerator: DS and IS keep their numeric text verbatim (json-glib
 * would reformat 0.1 as 0.10000000000000001) and large data sets avoid
 * building a node tree. */

typedef struct {
  guint32 tag;
  gint    item;     /* index of the item being written, -1 while on the element */
} PathFrame;

typedef struct {
  GString              *out;
  gboolean              pretty;
  guint                 depth;
  const DcmJsonOptions *opts;
  GArray               *frames;   /* PathFrame, for bulk_uri_func */
} Writer;

static gboolean write_data_set (Writer *w, DcmDataSet *ds, GError **error);

static void
w_newline (Writer *w)
{
  if (!w->pretty)
    return;
  g_string_append_c (w->out, '\n');
  for (guint i = 0; i < w->depth; i++)
    g_string_append (w->out, "  ");
}

static void
w_key (Writer *w, const char *key)
{
  g_string_append_c (w->out, '"');
  g_string_append (w->out, key);
  g_string_append (w->out, w->pretty ? "\": " : "\":");
}

static void
w_string (GString *out, const char *s, gssize len)
{
  static const char hex[] = "0123456789abcdef";
  const char *end = s + (len < 0 ? (gssize) strlen (s) : len);

  g_string_append_c (out, '"');
  for (const char *p = s; p < end; p++)
    {
      guchar c = (guchar) *p;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            {
              g_string_append (out, "\\u00");
              g_string_append_c (out, hex[c >> 4]);
              g_string_append_c (out, hex[c & 0xf]);
            }
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static char *
w_path (Writer *w)
{
  GString *path = g_string_new (NULL);

  for (guint i = 0; i < w->frames->len; i++)
    {
      const PathFrame *f = &g_array_index (w->frames, PathFrame, i);
      g_string_append_printf (path, "%s(%04X,%04X)", i > 0 ? "." : "",
                              DCM_TAG_GROUP (f->tag), DCM_TAG_ELEMENT (f->tag));
      if (f->item >= 0)
        g_string_append_printf (path, "[%d]", f->item);
    }
  return g_string_free (path, FALSE);
}

/* Rewrites a DS or IS value as a JSON number: JSON forbids a leading '+',
 * leading zeros and a bare '.', which PS3.5 allows. Returns FALSE when the
 * text is not a number at all (it is then written as a string, which
 * PS3.18 Table F.2.3-1 permits for DS and IS). */
static gboolean
append_json_number (GString *out, const char *s, gboolean integer)
{
  const char *p = s;
  const char *int_start, *int_end, *frac_start = NULL, *frac_end = NULL;
  gboolean negative = FALSE;
  gboolean valid = TRUE;
  gsize start_len = out->len;

  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  int_start = p;
  while (g_ascii_isdigit (*p))
    p++;
  int_end = p;
  if (!integer && *p == '.')
    {
      frac_start = ++p;
      while (g_ascii_isdigit (*p))
        p++;
      frac_end = p;
    }
  if (int_start == int_end && frac_start == frac_end)
    return FALSE;
  while (int_start + 1 < int_end && *int_start == '0')
    int_start++;
  if (negative)
    g_string_append_c (out, '-');
  if (int_start == int_end)
    g_string_append_c (out, '0');
  else
    g_string_append_len (out, int_start, int_end - int_start);
  if (frac_start != frac_end)
    {
      g_string_append_c (out, '.');
      g_string_append_len (out, frac_start, frac_end - frac_start);
    }
  if (!integer && (*p == 'e' || *p == 'E'))
    {
      const char *exp_digits;
      g_string_append_c (out, *p++);
      if (*p == '+' || *p == '-')
        {
          if (*p == '-')
            g_string_append_c (out, '-');
          p++;
        }
      exp_digits = p;
      while (g_ascii_isdigit (*p))
        g_string_append_c (out, *p++);
      valid = p > exp_digits;
    }
  if (valid && *p == '\0')
    return TRUE;
  g_string_truncate (out, start_len);
  return FALSE;
}

static void
append_double (GString *out, double v, gboolean single)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *e;

  if (!isfinite (v))
    {
      /* JSON has no such numbers; a string keeps the value readable. */
      w_string (out, isnan (v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity", -1);
      return;
    }
  /* FL with nine significant digits as DCMTK's dcm2json writes it; FD with
   * the fewest digits that read back to the same double. */
  if (v == 0 && signbit (v))
    {
      /* "-0" would read back as the integer 0 and lose the sign. */
      g_string_append (out, "-0.0");
      return;
    }
  if (single)
    g_ascii_formatd (buf, sizeof buf, "%.9g", v);
  else
    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      {
        g_ascii_formatd (buf, sizeof buf, formats[i], v);
        if (g_ascii_strtod (buf, NULL) == v)
          break;
      }
  e = strchr (buf, 'e');
  if (e != NULL && e[1] == '+')
    memmove (e + 1, e + 2, strlen (e + 2) + 1);
  g_string_append (out, buf);
}

static gboolean
keeps_leading_spaces (DcmVR vr)
{
  /* PS3.5 Table 6.2-1: leading spaces are significant in these. */
  return vr == DCM_VR_LT || vr == DCM_VR_ST || vr == DCM_VR_UT || vr == DCM_VR_UR ||
         vr == DCM_VR_UC;
}

static void
trim_value (char *v, gboolean keep_leading)
{
  gsize len = strlen (v);
  gsize start = 0;

  while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\0'))
    len--;
  if (!keep_leading)
    while (start < len && v[start] == ' ')
      start++;
  memmove (v, v + start, len - start);
  v[len - start] = '\0';
}

static char **
decode_strings (const DcmCharset *cs, DcmVR vr, const guint8 *data, gsize len)
{
  g_autofree char *text = NULL;
  gboolean ascii = TRUE;
  char **values;

  /* ISO 2022 text is 7-bit too: an ESC means it needs decoding. */
  for (gsize i = 0; i < len && ascii; i++)
    ascii = data[i] < 0x80 && data[i] != 0x1b;
  text = ascii ? g_strndup ((const char *) data, len)
               : dcm_charset_decode_lossy (cs, data, len, vr);
  if (dcm_vr_is_multi_valued_string (vr))
    values = g_strsplit (text, "\\", -1);
  else
    {
      values = g_new0 (char *, 2);
      values[0] = g_steal_pointer (&text);
    }
  for (char **v = values; *v != NULL; v++)
    trim_value (*v, keeps_leading_spaces (vr));
  return values;
}

static void
w_array_item (Writer *w, guint i)
{
  if (i > 0)
    g_string_append_c (w->out, ',');
  w_newline (w);
}

static void
w_member (Writer *w, const char *key)
{
  g_string_append_c (w->out, ',');
  w_newline (w);
  w_key (w, key);
}

static void
w_array_begin (Writer *w, const char *key)
{
  w_member (w, key);
  g_string_append_c (w->out, '[');
  w->depth++;
}

static void
w_array_end (Writer *w)
{
  w->depth--;
  w_newline (w);
  g_string_append_c (w->out, ']');
}

static gboolean
pn_group_is_empty (const char *group)
{
  return group[strspn (group, "^ ")] == '\0';
}

/* PS3.18 F.2.2: a PN value is an object of its non-empty component groups. */
static void
write_person_name (Writer *w, const char *value)
{
  static const char *const names[] = { "Alphabetic", "Ideographic", "Phonetic" };
  g_auto(GStrv) groups = g_strsplit (value, "=", 3);
  gboolean first = TRUE;

  for (guint g = 0; groups[g] != NULL; g++)
    if (!pn_group_is_empty (groups[g]))
      {
        if (first)
          {
            g_string_append_c (w->out, '{');
            w->depth++;
          }
        else
          g_string_append_c (w->out, ',');
        first = FALSE;
        w_newline (w);
        w_key (w, names[g]);
        w_string (w->out, groups[g], -1);
      }
  if (first)
    {
      g_string_append (w->out, "null");
      return;
    }
  w->depth--;
  w_newline (w);
  g_string_append_c (w->out, '}');
}

/* Empty, or for PN nothing but component and group delimiters. */
static gboolean
value_is_empty (DcmVR vr, const char *v)
{
  return v[vr == DCM_VR_PN ? strspn (v, "^= ") : 0] == '\0';
}

static void
write_string_values (Writer *w, const DcmCharset *cs, DcmVR vr, const guint8 *data, gsize len)
{
  g_auto(GStrv) values = decode_strings (cs, vr, data, len);

  /* PS3.18 F.2.5: an empty single value means no "Value" at all; empty
   * values among several are null. */
  if (values[0] == NULL || (values[1] == NULL && value_is_empty (vr, values[0])))
    return;
  w_array_begin (w, "Value");
  for (guint i = 0; values[i] != NULL; i++)
    {
      const char *v = values[i];

      w_array_item (w, i);
      if (value_is_empty (vr, v))
        g_string_append (w->out, "null");
      else if (vr == DCM_VR_PN)
        write_person_name (w, v);
      else if ((vr == DCM_VR_DS || vr == DCM_VR_IS) &&
               append_json_number (w->out, v, vr == DCM_VR_IS))
        continue;
      else
        w_string (w->out, v, -1);
    }
  w_array_end (w);
}

static void
write_number (GString *out, DcmVR vr, const guint8 *p)
{
  /* PS3.18 Table F.2.3-1: SV and UV may be strings; beyond 2^53 they must
   * be, or readers that hold numbers as doubles lose digits. */
  const gint64 exact_limit = G_GINT64_CONSTANT (1) << 53;
  guint64 bits = dcm_load_uint_le (p, dcm_vr_value_size (vr));

  switch (vr)
    {
    case DCM_VR_SS:
      g_string_append_printf (out, "%d", (gint16) bits);
      break;
    case DCM_VR_SL:
      g_string_append_printf (out, "%d", (gint32) bits);
      break;
    case DCM_VR_FL:
      {
        guint32 u = (guint32) bits;
        float f;
        memcpy (&f, &u, sizeof f);
        append_double (out, f, TRUE);
        break;
      }
    case DCM_VR_FD:
      {
        double d;
        memcpy (&d, &bits, sizeof d);
        append_double (out, d, FALSE);
        break;
      }
    case DCM_VR_SV:
      {
        gint64 v = (gint64) bits;
        gboolean exact = v >= -exact_limit && v <= exact_limit;
        g_string_append_printf (out, exact ? "%" G_GINT64_FORMAT : "\"%" G_GINT64_FORMAT "\"", v);
        break;
      }
    case DCM_VR_UV:
      g_string_append_printf (out, bits <= (guint64) exact_limit
                              ? "%" G_GUINT64_FORMAT : "\"%" G_GUINT64_FORMAT "\"", bits);
      break;
    default:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, bits);
      break;
    }
}

static void
write_numbers (Writer *w, DcmVR vr, const guint8 *data, gsize len)
{
  guint size = dcm_vr_value_size (vr);
  gsize n = len / size;

  if (n == 0)
    return;
  w_array_begin (w, "Value");
  for (gsize i = 0; i < n; i++)
    {
      w_array_item (w, (guint) i);
      write_number (w->out, vr, data + i * size);
    }
  w_array_end (w);
}

static void
write_tags (Writer *w, const guint8 *data, gsize len)
{
  gsize n = len / 4;

  if (n == 0)
    return;
  w_array_begin (w, "Value");
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *p = data + i * 4;
      w_array_item (w, (guint) i);
      g_string_append_printf (w->out, "\"%04X%04X\"", p[0] | p[1] << 8, p[2] | p[3] << 8);
    }
  w_array_end (w);
}

/* Three bytes to four characters per step: several times faster than
 * g_base64_encode_step on pixel data, which dominates large data sets. */
static void
write_inline_binary (Writer *w, const guint8 *data, gsize len)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  gsize start, i = 0;
  char *o;

  w_member (w, "InlineBinary");
  g_string_append_c (w->out, '"');
  start = w->out->len;
  g_string_set_size (w->out, start + (len + 2) / 3 * 4);
  o = w->out->str + start;
  for (; i + 3 <= len; i += 3, o += 4)
    {
      guint32 v = (guint32) data[i] << 16 | (guint32) data[i + 1] << 8 | data[i + 2];
      o[0] = alphabet[v >> 18];
      o[1] = alphabet[(v >> 12) & 63];
      o[2] = alphabet[(v >> 6) & 63];
      o[3] = alphabet[v & 63];
    }
  if (i < len)
    {
      guint32 v = (guint32) data[i] << 16 | (i + 1 < len ? (guint32) data[i + 1] << 8 : 0);
      o[0] = alphabet[v >> 18];
      o[1] = alphabet[(v >> 12) & 63];
      o[2] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
      o[3] = '=';
    }
  g_string_append_c (w->out, '"');
}

/* Asks the options' callback for a BulkDataURI; FALSE to write inline. */
static gboolean
write_bulk_uri (Writer *w, const DcmElement *el, guint64 len)
{
  const DcmJsonOptions *o = w->opts;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  if (o == NULL || o->bulk_uri_func == NULL || o->bulk_threshold == 0 || len < o->bulk_threshold)
    return FALSE;
  path = w_path (w);
  uri = o->bulk_uri_func (el, path, o->bulk_uri_data);
  if (uri == NULL)
    return FALSE;
  w_member (w, "BulkDataURI");
  w_string (w->out, uri, -1);
  return TRUE;
}

static void
swap_values (guint8 *data, gsize len, guint size)
{
  for (gsize i = 0; i + size <= len; i += size)
    for (guint a = 0, b = size - 1; a < b; a++, b--)
      {
        guint8 t = data[i + a];
        data[i + a] = data[i + b];
        data[i + b] = t;
      }
}

/* The bytes of a value left in its source file, little-endian. */
static GBytes *
read_bulk (const DcmBulkRef *ref, DcmVR vr, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint size = vr == DCM_VR_AT ? 2 : dcm_vr_value_size (vr);

  if (ref->path == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND,
                   "The bulk data value has neither a file nor a URI.");
      return NULL;
    }
  file = g_file_new_for_path (ref->path);
  in = g_file_read (file, NULL, error);
  if (in == NULL ||
      !g_seekable_seek (G_SEEKABLE (in), (goffset) ref->offset, G_SEEK_SET, NULL, error))
    return NULL;
  /* Grown as the bytes arrive, so a bad length cannot size an allocation. */
  while (buf->len < ref->length)
    {
      guint8 chunk[65536];
      gsize want = MIN (sizeof chunk, ref->length - buf->len);
      gssize got = g_input_stream_read (G_INPUT_STREAM (in), chunk, want, NULL, error);

      if (got < 0)
        return NULL;
      if (got == 0)
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED,
                       "The file %s ends before the %" G_GUINT64_FORMAT
                       " bytes of the value at offset %" G_GUINT64_FORMAT ".",
                       ref->path, ref->length, ref->offset);
          return NULL;
        }
      g_byte_array_append (buf, chunk, (guint) got);
    }
  if (ref->big_endian && size > 1)
    swap_values (buf->data, buf->len, size);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* Encapsulated Pixel Data as its item stream (PS3.5 A.4): the fragments
 * with their Item headers and the closing Sequence Delimitation Item. */
static GBytes *
encode_fragments (GPtrArray *fragments)
{
  GByteArray *buf = g_byte_array_new ();

  for (guint i = 0; fragments != NULL && i < fragments->len; i++)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (fragments->pdata[i], &len);
      guint32 header[2] = { GUINT32_TO_LE (DCM_TAG_ITEM << 16 | DCM_TAG_ITEM >> 16),
                            GUINT32_TO_LE ((guint32) len) };
      g_byte_array_append (buf, (const guint8 *) header, sizeof header);
      g_byte_array_append (buf, data, (guint) len);
    }
  {
    guint32 delimiter[2] = { GUINT32_TO_LE (DCM_TAG_SEQUENCE_DELIMITATION_ITEM << 16 |
                                            DCM_TAG_SEQUENCE_DELIMITATION_ITEM >> 16), 0 };
    g_byte_array_append (buf, (const guint8 *) delimiter, sizeof delimiter);
  }
  return g_byte_array_free_to_bytes (buf);
}

static void
write_bytes_value (Writer *w, const DcmCharset *cs, const DcmElement *el, DcmVR vr,
                   const guint8 *data, gsize len)
{
  switch (dcm_vr_kind (vr))
    {
    case DCM_VR_KIND_STRING:
      write_string_values (w, cs, vr, data, len);
      break;
    case DCM_VR_KIND_NUMBER:
      write_numbers (w, vr, data, len);
      break;
    case DCM_VR_KIND_TAG:
      write_tags (w, data, len);
      break;
    default:
      if (len > 0 && !write_bulk_uri (w, el, len))
        write_inline_binary (w, data, len);
      break;
    }
}

static gboolean
write_items (Writer *w, GPtrArray *items, GError **error)
{
  PathFrame *frame = &g_array_index (w->frames, PathFrame, w->frames->len - 1);

  if (items == NULL || items->len == 0)
    return TRUE;
  w_array_begin (w, "Value");
  for (guint i = 0; i < items->len; i++)
    {
      w_array_item (w, i);
      frame = &g_array_index (w->frames, PathFrame, w->frames->len - 1);
      frame->item = (gint) i;
      if (!write_data_set (w, items->pdata[i], error))
        return FALSE;
    }
  w_array_end (w);
  return TRUE;
}

static gboolean
write_value (Writer *w, const DcmCharset *cs, const DcmElement *el, DcmVR vr, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  switch (el->kind)
    {
    case DCM_VALUE_EMPTY:
      return TRUE;
    case DCM_VALUE_ITEMS:
      return write_items (w, el->value.items, error);
    case DCM_VALUE_FRAGMENTS:
      bytes = encode_fragments (el->value.fragments);
      break;
    case DCM_VALUE_BULK:
      if (el->value.bulk->uri != NULL)
        {
          w_member (w, "BulkDataURI");
          w_string (w->out, el->value.bulk->uri, -1);
          return TRUE;
        }
      if (write_bulk_uri (w, el, el->value.bulk->length))
        return TRUE;
      bytes = read_bulk (el->value.bulk, vr, error);
      if (bytes == NULL)
        {
          g_prefix_error (error, "Element (%04X,%04X): ",
                          DCM_TAG_GROUP (el->tag), DCM_TAG_ELEMENT (el->tag));
          return FALSE;
        }
      break;
    case DCM_VALUE_BYTES:
      bytes = g_bytes_ref (el->value.bytes);
      break;
    }
  if (bytes != NULL)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      write_bytes_value (w, cs, el, el->kind == DCM_VALUE_FRAGMENTS ? DCM_VR_OB : vr, data, len);
    }
  return TRUE;
}

static void
w_tag_key (Writer *w, guint32 tag)
{
  static const char hex[] = "0123456789ABCDEF";
  char key[9];

  for (int i = 0; i < 8; i++)
    key[i] = hex[(tag >> (28 - 4 * i)) & 0xf];
  key[8] = '\0';
  w_key (w, key);
}

static gboolean
write_element (Writer *w, const DcmCharset *cs, const DcmElement *el, GError **error)
{
  DcmVR vr = el->kind == DCM_VALUE_ITEMS ? DCM_VR_SQ : el->vr == DCM_VR_NONE ? DCM_VR_UN : el->vr;
  PathFrame frame = { el->tag, -1 };
  gboolean ok;

  /* A sequence kept as undecoded bytes can only travel as UN. */
  if (vr == DCM_VR_SQ && el->kind != DCM_VALUE_ITEMS && el->kind != DCM_VALUE_EMPTY)
    vr = DCM_VR_UN;

  w_tag_key (w, el->tag);
  g_string_append_c (w->out, '{');
  w->depth++;
  w_newline (w);
  w_key (w, "vr");
  w_string (w->out, dcm_vr_name (vr), 2);
  g_array_append_val (w->frames, frame);
  ok = write_value (w, cs, el, vr, error);
  g_array_set_size (w->frames, w->frames->len - 1);
  w->depth--;
  w_newline (w);
  g_string_append_c (w->out, '}');
  return ok;
}

static gboolean
write_data_set (Writer *w, DcmDataSet *ds, GError **error)
{
  const DcmCharset *cs = dcm_data_set_get_charset (ds);
  guint n = dcm_data_set_n_elements (ds);
  gboolean first = TRUE;

  g_string_append_c (w->out, '{');
  w->depth++;
  for (guint i = 0; i < n; i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);

      /* PS3.18 F.2.2: Group Length attributes shall not be included. */
      if (DCM_TAG_IS_GROUP_LENGTH (el->tag))
        continue;
      if (!first)
        g_string_append_c (w->out, ',');
      first = FALSE;
      w_newline (w);
      if (!write_element (w, cs, el, error))
        return FALSE;
    }
  w->depth--;
  if (!first)
    w_newline (w);
  g_string_append_c (w->out, '}');
  return TRUE;
}

char *
dcm_json_to_string (DcmDataSet *ds, gboolean pretty, const DcmJsonOptions *opts, GError **error)
{
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (PathFrame));
  g_autoptr(GString) out = g_string_sized_new (4096);
  Writer w = { out, pretty, 0, opts, frames };

  g_return_val_if_fail (ds != NULL, NULL);
  if (!write_data_set (&w, ds, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

JsonNode *
dcm_json_from_data_set (DcmDataSet *ds, const DcmJsonOptions *opts, GError **error)
{
  g_autofree char *text = dcm_json_to_string (ds, FALSE, opts, error);
  g_autoptr(GError) local = NULL;
  JsonNode *node;

  if (text == NULL)
    return NULL;
  node = json_from_string (text, &local);
  if (node == NULL)
    g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                 "The generated JSON does not parse: %s.", local->message);
  return node;
}
