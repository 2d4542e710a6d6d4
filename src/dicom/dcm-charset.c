/* dcm-charset.c — Specific Character Set (PS3.5 §6.1, PS3.3 C.12.1.1.2)
 *
 * Every set is modelled as ISO 2022 code elements designated to G0 or G1;
 * a value is decoded by a small state machine that converts runs of bytes
 * belonging to one element with iconv.  ISO_IR 192, GB18030 and GBK do not
 * use code extensions and are converted as a whole.
 *
 * A DcmCharset is immutable once built, so threads may share it freely.
 * iconv converters (not thread-safe) are therefore opened per call, lazily,
 * and only when a value holds bytes that need one; ASCII values, by far the
 * most common, never reach iconv.  Measured with glibc 2.36: opening and
 * closing a converter costs about 0.5 µs, converting a 10-byte name 80 ns,
 * so a Latin-1 name decodes in about 1.2 µs where a cache might save 0.5 µs;
 * a cache in the charset would need a lock around every decode instead. */
#include "dcm-charset-private.h"

#include <errno.h>
#include <string.h>

#include "dcm-error.h"

/* PS3.3 Tables C.12-3 and C.12-4: the escape sequences. JIS X 0201 romaji
 * (ISO-IR 14) differs from ASCII at 0x5C (yen) and 0x7E (overline); 0x5C
 * stays a backslash because DICOM delimits values with it, 0x7E is read as
 * the overline it is (as DCMTK does; pydicom reads a tilde). */
const CodeElement dcm_charset_elements[N_ELEMENTS] = {
  [EL_IR6]   = { "ISO-IR 6 (ASCII)", KIND_ASCII, "(B", NULL, 0 },
  [EL_IR14]  = { "ISO-IR 14 (JIS X 0201 romaji)", KIND_ROMAJI, "(J", NULL, 0 },
  [EL_IR100] = { "ISO-IR 100 (Latin-1)", KIND_SINGLE, "-A", "ISO-8859-1", 0 },
  [EL_IR101] = { "ISO-IR 101 (Latin-2)", KIND_SINGLE, "-B", "ISO-8859-2", 0 },
  [EL_IR109] = { "ISO-IR 109 (Latin-3)", KIND_SINGLE, "-C", "ISO-8859-3", 0 },
  [EL_IR110] = { "ISO-IR 110 (Latin-4)", KIND_SINGLE, "-D", "ISO-8859-4", 0 },
  [EL_IR144] = { "ISO-IR 144 (Cyrillic)", KIND_SINGLE, "-L", "ISO-8859-5", 0 },
  [EL_IR127] = { "ISO-IR 127 (Arabic)", KIND_SINGLE, "-G", "ISO-8859-6", 0 },
  [EL_IR126] = { "ISO-IR 126 (Greek)", KIND_SINGLE, "-F", "ISO-8859-7", 0 },
  [EL_IR138] = { "ISO-IR 138 (Hebrew)", KIND_SINGLE, "-H", "ISO-8859-8", 0 },
  [EL_IR148] = { "ISO-IR 148 (Latin-5)", KIND_SINGLE, "-M", "ISO-8859-9", 0 },
  [EL_IR203] = { "ISO-IR 203 (Latin-9)", KIND_SINGLE, "-b", "ISO-8859-15", 0 },
  [EL_IR166] = { "ISO-IR 166 (TIS 620)", KIND_SINGLE, "-T", "TIS-620", 0 },
  [EL_IR13]  = { "ISO-IR 13 (JIS X 0201 katakana)", KIND_KATAKANA, ")I", NULL, 0 },
  [EL_IR87]  = { "ISO-IR 87 (JIS X 0208)", KIND_MULTI_G0, "$B", "EUC-JP", 0 },
  [EL_IR159] = { "ISO-IR 159 (JIS X 0212)", KIND_MULTI_G0, "$(D", "EUC-JP", 0x8f },
  [EL_IR149] = { "ISO-IR 149 (KS X 1001)", KIND_MULTI_G1, "$)C", "EUC-KR", 0 },
  [EL_IR58]  = { "ISO-IR 58 (GB 2312)", KIND_MULTI_G1, "$)A", "GB2312", 0 },
};

typedef struct {
  const char *number;   /* n of "ISO 2022 IR n" */
  gboolean    plain;    /* "ISO_IR n", without code extensions, exists too */
  gint8       g0, g1;
} IrTerm;

/* PS3.3 Tables C.12-2 to C.12-4. "ISO_IR 6" is not a defined term but is
 * common in the wild for the default repertoire. */
static const IrTerm ir_terms[] = {
  { "6", TRUE, EL_IR6, EL_NONE },      { "100", TRUE, EL_IR6, EL_IR100 },
  { "101", TRUE, EL_IR6, EL_IR101 },   { "109", TRUE, EL_IR6, EL_IR109 },
  { "110", TRUE, EL_IR6, EL_IR110 },   { "144", TRUE, EL_IR6, EL_IR144 },
  { "127", TRUE, EL_IR6, EL_IR127 },   { "126", TRUE, EL_IR6, EL_IR126 },
  { "138", TRUE, EL_IR6, EL_IR138 },   { "148", TRUE, EL_IR6, EL_IR148 },
  { "203", TRUE, EL_IR6, EL_IR203 },   { "166", TRUE, EL_IR6, EL_IR166 },
  { "13", TRUE, EL_IR14, EL_IR13 },    { "87", FALSE, EL_IR87, EL_NONE },
  { "159", FALSE, EL_IR159, EL_NONE }, { "149", FALSE, EL_NONE, EL_IR149 },
  { "58", FALSE, EL_NONE, EL_IR58 },
};

/* PS3.3 Table C.12-5: sets without code extensions, converted as a whole. */
static const struct {
  const char *term;
  const char *iconv_name;
} whole_terms[] = {
  { "ISO_IR 192", "UTF-8" }, { "GB18030", "GB18030" }, { "GBK", "GBK" },
};

typedef struct {
  gboolean    extensions;
  gint8       g0, g1;
  const char *whole;    /* iconv name of a set from whole_terms, or NULL */
} TermInfo;

const DcmCharset dcm_charset_default = {
  "", NULL, EL_IR6, EL_NONE, 1, { EL_IR6 },
};

/* ---- construction ---- */

static gboolean
lookup_term (const char *term, TermInfo *info)
{
  const char *number = NULL;

  *info = (TermInfo) { FALSE, EL_NONE, EL_NONE, NULL };
  for (gsize i = 0; i < G_N_ELEMENTS (whole_terms); i++)
    if (strcmp (term, whole_terms[i].term) == 0)
      {
        info->whole = whole_terms[i].iconv_name;
        return TRUE;
      }
  info->extensions = g_str_has_prefix (term, "ISO 2022 IR ");
  if (info->extensions)
    number = term + strlen ("ISO 2022 IR ");
  else if (g_str_has_prefix (term, "ISO_IR "))
    number = term + strlen ("ISO_IR ");
  for (gsize i = 0; number != NULL && i < G_N_ELEMENTS (ir_terms); i++)
    if (strcmp (number, ir_terms[i].number) == 0
        && (info->extensions || ir_terms[i].plain))
      {
        info->g0 = ir_terms[i].g0;
        info->g1 = ir_terms[i].g1;
        return TRUE;
      }
  return FALSE;
}

gboolean
dcm_charset_has_element (const DcmCharset *cs, gint8 el)
{
  for (guint i = 0; i < cs->n_elements; i++)
    if (cs->elements[i] == el)
      return TRUE;
  return FALSE;
}

static void
add_element (DcmCharset *cs, gint8 el)
{
  if (el != EL_NONE && !dcm_charset_has_element (cs, el))
    cs->elements[cs->n_elements++] = el;
}

gboolean
dcm_charset_is_g0_element (gint el)
{
  return dcm_charset_elements[el].kind == KIND_ASCII || dcm_charset_elements[el].kind == KIND_ROMAJI
         || dcm_charset_elements[el].kind == KIND_MULTI_G0;
}

static gboolean
add_term (DcmCharset *cs, const char *term, const TermInfo *info,
          gboolean first, guint n_terms, GError **error)
{
  if (info->whole != NULL && n_terms > 1)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_CHARSET,
                   "Specific Character Set “%s” combines %s, which does not "
                   "allow code extensions, with other terms (PS3.3 C.12.1.1.2).",
                   cs->value, term);
      return FALSE;
    }
  if (first)
    {
      cs->whole = info->whole;
      /* A multi-byte G0 set cannot be the initial one: the delimiters must
       * stay recognisable (PS3.5 §6.1.2.5.3). */
      if (info->g0 != EL_NONE && dcm_charset_elements[info->g0].kind != KIND_MULTI_G0)
        cs->init_g0 = info->g0;
      cs->init_g1 = info->g1;
    }
  add_element (cs, info->g0);
  add_element (cs, info->g1);
  return TRUE;
}

DcmCharset *
dcm_charset_new (const char * const *terms, GError **error)
{
  g_autoptr (DcmCharset) cs = g_new0 (DcmCharset, 1);
  g_autoptr (GPtrArray) trimmed = g_ptr_array_new_with_free_func (g_free);
  gboolean any = FALSE;

  for (gsize i = 0; terms != NULL && terms[i] != NULL; i++)
    {
      char *t = g_strstrip (g_strdup (terms[i]));
      any |= *t != '\0';
      g_ptr_array_add (trimmed, t);
    }
  if (!any)
    g_ptr_array_set_size (trimmed, 0);
  g_ptr_array_add (trimmed, NULL);
  cs->value = g_strjoinv ("\\", (char **) trimmed->pdata);
  cs->init_g0 = EL_IR6;
  cs->init_g1 = EL_NONE;

  guint n_terms = trimmed->len - 1;
  for (guint i = 0; i < n_terms; i++)
    {
      const char *t = g_ptr_array_index (trimmed, i);
      TermInfo info;

      /* PS3.3 C.12.1.1.2: an empty value 1 means ISO 2022 IR 6. */
      if (*t == '\0')
        t = i == 0 ? "ISO 2022 IR 6" : NULL;
      if (t == NULL)
        continue;
      if (!lookup_term (t, &info))
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_CHARSET,
                       "Unknown Specific Character Set defined term “%s”.", t);
          return NULL;
        }
      if (!add_term (cs, t, &info, i == 0, n_terms, error))
        return NULL;
    }
  if (n_terms == 0)
    add_element (cs, EL_IR6);
  return g_steal_pointer (&cs);
}

DcmCharset *
dcm_charset_new_from_value (const char *value, GError **error)
{
  g_auto (GStrv) terms = g_strsplit (value != NULL ? value : "", "\\", -1);

  return dcm_charset_new ((const char * const *) terms, error);
}

DcmCharset *
dcm_charset_copy (const DcmCharset *cs)
{
  DcmCharset *copy;

  if (cs == NULL)
    return NULL;
  copy = g_memdup2 (cs, sizeof *cs);
  copy->value = g_strdup (cs->value);
  return copy;
}

void
dcm_charset_free (DcmCharset *cs)
{
  if (cs == NULL)
    return;
  g_free (cs->value);
  g_free (cs);
}

gboolean
dcm_charset_is_default (const DcmCharset *cs)
{
  return cs == NULL
         || (cs->whole == NULL && cs->n_elements == 1 && cs->elements[0] == EL_IR6);
}

const char *
dcm_charset_get_value (const DcmCharset *cs)
{
  return cs != NULL ? cs->value : "";
}

static const char *
charset_label (const DcmCharset *cs)
{
  return *cs->value == '\0' ? "none (default repertoire)" : cs->value;
}

void
dcm_charset_converters_init (Converters *conv)
{
  for (guint i = 0; i < G_N_ELEMENTS (conv->cd); i++)
    conv->cd[i] = (GIConv) -1;
}

void
dcm_charset_converters_clear (Converters *conv)
{
  for (guint i = 0; i < G_N_ELEMENTS (conv->cd); i++)
    if (conv->cd[i] != (GIConv) -1)
      g_iconv_close (conv->cd[i]);
}

GIConv
dcm_charset_converters_get (Converters *conv, guint slot, const char *to, const char *from)
{
  if (conv->cd[slot] == (GIConv) -1)
    conv->cd[slot] = g_iconv_open (to, from);
  return conv->cd[slot];
}

gboolean
dcm_charset_is_delimiter (guint8 b, DcmVR vr)
{
  switch (b)
    {
    case '\r': case '\n': case '\t': case '\f':
      return TRUE;
    case '\\':
      return dcm_vr_is_multi_valued_string (vr);
    case '^': case '=':
      return vr == DCM_VR_PN;
    default:
      return FALSE;
    }
}

gboolean
dcm_charset_is_plain_ascii (const DcmCharset *cs, DcmVR vr, const guint8 *bytes, gsize len)
{
  gboolean romaji = cs->init_g0 == EL_IR14 && dcm_vr_uses_charset (vr);

  for (gsize i = 0; i < len; i++)
    if (bytes[i] >= 0x80 || bytes[i] == ESC || bytes[i] == 0
        || (romaji && bytes[i] == '~'))
      return FALSE;
  return TRUE;
}


/* ---- decoding ---- */

typedef struct {
  const DcmCharset *cs;
  const guint8     *bytes;
  gsize             len;
  DcmVR             vr;
  gboolean          lossy;
  GString          *out;
  Converters        conv;
  gint              g0, g1;
  gint              run_el;       /* element of the pending run, or EL_NONE */
  gsize             run_start;    /* offset of its first byte */
  GByteArray       *run;
  GError          **error;
} Decoder;

static void
decoder_init (Decoder *d, const DcmCharset *cs, const guint8 *bytes, gsize len,
              DcmVR vr, gboolean lossy, GError **error)
{
  *d = (Decoder) { cs, bytes, len, vr, lossy, g_string_sized_new (len + 1),
                   { { 0 } }, cs->init_g0, cs->init_g1, EL_NONE, 0,
                   g_byte_array_new (), error };
  dcm_charset_converters_init (&d->conv);
}

static char *
decoder_finish (Decoder *d, gboolean ok)
{
  dcm_charset_converters_clear (&d->conv);
  g_byte_array_unref (d->run);
  return g_string_free (d->out, !ok);
}

/* Strict: fails naming the offset.  Lossy: one U+FFFD for the unit.
 * what completes "Byte 0xNN at offset N …". */
static gboolean G_GNUC_PRINTF (3, 4)
decoder_invalid (Decoder *d, gsize offset, const char *what, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (d->lossy)
    {
      g_string_append_unichar (d->out, 0xfffd);
      return TRUE;
    }
  va_start (args, what);
  text = g_strdup_vprintf (what, args);
  va_end (args);
  g_set_error (d->error, DCM_ERROR, DCM_ERROR_CHARSET,
               "Byte 0x%02X at offset %" G_GSIZE_FORMAT " %s; Specific "
               "Character Set: %s.", d->bytes[offset], offset, text,
               charset_label (d->cs));
  return FALSE;
}

/* Converts in[0..in_len) with cd; a unit of out_unit converted bytes stands
 * for in_unit bytes of the value, the first at offset base. */
static gboolean
convert_units (Decoder *d, GIConv cd, const guint8 *in, gsize in_len, gsize base,
               gsize in_unit, gsize out_unit, const char *set)
{
  char *inp = (char *) in;
  gsize in_left = in_len;

  if (cd == (GIConv) -1)
    return decoder_invalid (d, base, "needs %s, which iconv lacks", set);
  while (in_left > 0)
    {
      char buf[256];
      char *outp = buf;
      gsize out_left = sizeof buf;
      gsize r = g_iconv (cd, &inp, &in_left, &outp, &out_left);
      int err = errno;

      g_string_append_len (d->out, buf, outp - buf);
      if (r != (gsize) -1 || err == E2BIG)
        continue;
      gsize unit = (inp - (char *) in) / out_unit;
      if (!decoder_invalid (d, base + unit * in_unit, "is not valid in %s", set))
        return FALSE;
      g_iconv (cd, NULL, NULL, NULL, NULL);
      gsize skip = MIN (out_unit, in_left);
      inp += skip;
      in_left -= skip;
    }
  return TRUE;
}

static gboolean
decoder_flush (Decoder *d)
{
  gint el = d->run_el;
  const CodeElement *e;
  gsize in_unit;
  GIConv cd;
  gboolean ok;

  if (el == EL_NONE || d->run->len == 0)
    return TRUE;
  e = &dcm_charset_elements[el];
  in_unit = e->kind == KIND_SINGLE ? 1 : 2;
  cd = dcm_charset_converters_get (&d->conv, el, "UTF-8", e->iconv_name);
  ok = convert_units (d, cd, d->run->data, d->run->len, d->run_start, in_unit,
                      in_unit + (e->prefix != 0), e->name);
  g_byte_array_set_size (d->run, 0);
  d->run_el = EL_NONE;
  return ok;
}

static gboolean
decoder_add_to_run (Decoder *d, gint el, gsize offset, gsize n, guint8 high)
{
  if (d->run_el != el)
    {
      if (!decoder_flush (d))
        return FALSE;
      d->run_el = el;
      d->run_start = offset;
    }
  if (dcm_charset_elements[el].prefix != 0)
    g_byte_array_append (d->run, &dcm_charset_elements[el].prefix, 1);
  for (gsize k = 0; k < n; k++)
    {
      guint8 b = d->bytes[offset + k] | high;
      g_byte_array_append (d->run, &b, 1);
    }
  return TRUE;
}

static gboolean
in_range (const Decoder *d, gsize offset, guint8 lo, guint8 hi)
{
  return offset < d->len && d->bytes[offset] >= lo && d->bytes[offset] <= hi;
}

/* A byte with the high bit set: a character of the set in G1. */
static gboolean
decode_g1 (Decoder *d, gsize *i)
{
  ElementKind kind = d->g1 != EL_NONE ? dcm_charset_elements[d->g1].kind : KIND_ASCII;
  gsize at = (*i)++;

  if (kind == KIND_SINGLE && in_range (d, at, 0xa0, 0xff))
    return decoder_add_to_run (d, d->g1, at, 1, 0);
  if (kind == KIND_MULTI_G1 && in_range (d, at, 0xa1, 0xfe)
      && in_range (d, at + 1, 0xa1, 0xfe))
    {
      (*i)++;
      return decoder_add_to_run (d, d->g1, at, 2, 0);
    }
  if (!decoder_flush (d))
    return FALSE;
  if (kind == KIND_KATAKANA && in_range (d, at, 0xa1, 0xdf))
    {
      /* JIS X 0201 katakana are U+FF61… in the same order. */
      g_string_append_unichar (d->out, 0xff61 + (d->bytes[at] - 0xa1));
      return TRUE;
    }
  if (d->g1 == EL_NONE)
    return decoder_invalid (d, at, "has the high bit set but no G1 set is designated");
  return decoder_invalid (d, at, "is not valid in %s", dcm_charset_elements[d->g1].name);
}

/* A byte in 0x21..0x7E while a multi-byte set is in G0: half a character. */
static gboolean
decode_g0_pair (Decoder *d, gsize *i)
{
  gsize at = *i;

  if (!in_range (d, at + 1, 0x21, 0x7e))
    {
      *i += 1;
      return decoder_flush (d)
             && decoder_invalid (d, at, "starts an incomplete %s character",
                                 dcm_charset_elements[d->g0].name);
    }
  *i += 2;
  return decoder_add_to_run (d, d->g0, at, 2, 0x80);
}

static gboolean
decode_escape (Decoder *d, gsize *i)
{
  gsize at = *i;

  for (gint el = 0; el < N_ELEMENTS; el++)
    {
      const char *esc = dcm_charset_elements[el].escape;
      gsize n = strlen (esc);

      if (at + 1 + n > d->len || memcmp (d->bytes + at + 1, esc, n) != 0)
        continue;
      if (dcm_charset_is_g0_element (el))
        d->g0 = el;
      else
        d->g1 = el;
      *i += 1 + n;
      return TRUE;
    }
  *i += 1;
  return decoder_invalid (d, at, "starts an escape sequence that designates no "
                         "character set DICOM defines");
}

static gboolean
decode_iso2022 (Decoder *d)
{
  gsize i = 0;

  while (i < d->len)
    {
      guint8 b = d->bytes[i];

      if (b >= 0x80)
        {
          if (!decode_g1 (d, &i))
            return FALSE;
          continue;
        }
      if (b > 0x20 && b < 0x7f && dcm_charset_elements[d->g0].kind == KIND_MULTI_G0)
        {
          if (!decode_g0_pair (d, &i))
            return FALSE;
          continue;
        }
      if (!decoder_flush (d))
        return FALSE;
      if (b == ESC)
        {
          if (!decode_escape (d, &i))
            return FALSE;
          continue;
        }
      if (b == 0)
        {
          if (!decoder_invalid (d, i++, "(NUL) is not allowed inside a value"))
            return FALSE;
          continue;
        }
      if (b == '~' && dcm_charset_elements[d->g0].kind == KIND_ROMAJI)
        g_string_append (d->out, "\u203e");
      else
        g_string_append_c (d->out, b);
      if (dcm_charset_is_delimiter (b, d->vr))
        {
          d->g0 = d->cs->init_g0;
          d->g1 = d->cs->init_g1;
        }
      i++;
    }
  return decoder_flush (d);
}

static gboolean
decode_ascii_only (Decoder *d)
{
  for (gsize i = 0; i < d->len; i++)
    {
      guint8 b = d->bytes[i];

      if (b >= 0x80 || b == 0)
        {
          if (!decoder_invalid (d, i, "is not in the default repertoire, which "
                                "VR %s requires", dcm_vr_name (d->vr)))
            return FALSE;
        }
      else
        g_string_append_c (d->out, b);
    }
  return TRUE;
}

static gboolean
decode_utf8 (Decoder *d)
{
  gsize i = 0;

  while (i < d->len)
    {
      const char *start = (const char *) d->bytes + i;
      const char *end;

      if (g_utf8_validate_len (start, d->len - i, &end))
        {
          g_string_append_len (d->out, start, d->len - i);
          break;
        }
      g_string_append_len (d->out, start, end - start);
      i += end - start;
      if (!decoder_invalid (d, i, "is not valid UTF-8"))
        return FALSE;
      i++;
    }
  return TRUE;
}

static gboolean
decode_whole (Decoder *d)
{
  const char *whole = d->cs->whole;
  GIConv cd;
  gsize start = 0;

  if (strcmp (whole, "UTF-8") == 0)
    return decode_utf8 (d);
  cd = dcm_charset_converters_get (&d->conv, WHOLE_SLOT, "UTF-8", whole);
  /* iconv would pass a NUL through and cut the string short; no GB18030 or
   * GBK character has a 0x00 byte, so the value can be split there. */
  for (gsize i = 0; i <= d->len; i++)
    {
      if (i < d->len && d->bytes[i] != 0)
        continue;
      if (!convert_units (d, cd, d->bytes + start, i - start, start, 1, 1, whole))
        return FALSE;
      if (i < d->len && !decoder_invalid (d, i, "(NUL) is not allowed inside a value"))
        return FALSE;
      start = i + 1;
    }
  return TRUE;
}

static char *
decode (const DcmCharset *cs, const guint8 *bytes, gsize len, DcmVR vr,
        gboolean lossy, GError **error)
{
  Decoder d;
  gboolean ok;

  if (cs == NULL)
    cs = &dcm_charset_default;
  /* Trailing NULs pad UI values and are sometimes left by writers. */
  while (len > 0 && bytes[len - 1] == 0)
    len--;
  if (len == 0)
    return g_strdup ("");
  if (dcm_charset_is_plain_ascii (cs, vr, bytes, len))
    return g_strndup ((const char *) bytes, len);
  decoder_init (&d, cs, bytes, len, vr, lossy, error);
  if (!dcm_vr_uses_charset (vr))
    ok = decode_ascii_only (&d);
  else if (d.cs->whole != NULL)
    ok = decode_whole (&d);
  else
    ok = decode_iso2022 (&d);
  return decoder_finish (&d, ok);
}

char *
dcm_charset_decode (const DcmCharset *cs, const guint8 *bytes, gsize len,
                    DcmVR vr, GError **error)
{
  g_return_val_if_fail (bytes != NULL || len == 0, NULL);
  return decode (cs, bytes, len, vr, FALSE, error);
}

char *
dcm_charset_decode_lossy (const DcmCharset *cs, const guint8 *bytes, gsize len,
                          DcmVR vr)
{
  g_return_val_if_fail (bytes != NULL || len == 0, NULL);
  return decode (cs, bytes, len, vr, TRUE, NULL);
}
