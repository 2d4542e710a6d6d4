/* dcm-json.c — the DICOM JSON model (PS3.18 Annex F) */
#include "dcm-json.h"
#include "dcm-error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
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

  for (gsize i = 0; i < len && ascii; i++)
    ascii = data[i] < 0x80;
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

static guint64
read_le (const guint8 *p, guint size)
{
  guint64 v = 0;

  for (guint i = size; i-- > 0;)
    v = v << 8 | p[i];
  return v;
}

static void
write_number (GString *out, DcmVR vr, const guint8 *p)
{
  /* PS3.18 Table F.2.3-1: SV and UV may be strings; beyond 2^53 they must
   * be, or readers that hold numbers as doubles lose digits. */
  const gint64 exact_limit = G_GINT64_CONSTANT (1) << 53;
  guint64 bits = read_le (p, dcm_vr_value_size (vr));

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

/* ------------------------------------------------------------------ */
/* JSON → data set */

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
