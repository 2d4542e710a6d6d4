/* dcm-charset-encode.c — encoding UTF-8 into a Specific Character Set
 * (PS3.5 §6.1, Annex H for the ISO 2022 designations chosen) */
#include "dcm-charset-private.h"

#include <string.h>

#include "dcm-error.h"

typedef struct {
  const DcmCharset *cs;
  DcmVR             vr;
  GByteArray       *out;
  Converters        conv;
  gint              g0, g1;
} Encoder;

static void
encoder_init (Encoder *e, const DcmCharset *cs, DcmVR vr)
{
  *e = (Encoder) { cs, vr, g_byte_array_new (), { { 0 } }, cs->init_g0,
                   cs->init_g1 };
  dcm_charset_converters_init (&e->conv);
}

static GBytes *
encoder_finish (Encoder *e, gboolean ok)
{
  dcm_charset_converters_clear (&e->conv);
  if (!ok)
    {
      g_byte_array_unref (e->out);
      return NULL;
    }
  return g_byte_array_free_to_bytes (e->out);
}

static void
encoder_designate (Encoder *e, gint el)
{
  static const guint8 esc = ESC;

  g_byte_array_append (e->out, &esc, 1);
  g_byte_array_append (e->out, (const guint8 *) dcm_charset_elements[el].escape,
                       strlen (dcm_charset_elements[el].escape));
  if (dcm_charset_is_g0_element (el))
    e->g0 = el;
  else
    e->g1 = el;
}

/* One character through iconv; n receives the byte count. */
static gboolean
iconv_char (GIConv cd, gunichar c, guint8 *buf, gsize *n)
{
  char in[8];
  char *inp = in;
  char *outp = (char *) buf;
  gsize in_left = g_unichar_to_utf8 (c, in);
  gsize out_left = 8;

  if (cd == (GIConv) -1)
    return FALSE;
  if (g_iconv (cd, &inp, &in_left, &outp, &out_left) == (gsize) -1)
    {
      g_iconv (cd, NULL, NULL, NULL, NULL);
      return FALSE;
    }
  *n = outp - (char *) buf;
  return TRUE;
}

static gboolean
is_gr_pair (const guint8 *b)
{
  return b[0] >= 0xa1 && b[0] <= 0xfe && b[1] >= 0xa1 && b[1] <= 0xfe;
}

/* The bytes of c in element el (as they go in G0 or G1), if it has them. */
static gboolean
encode_in_element (Encoder *e, gint el, gunichar c, guint8 *out, gsize *n)
{
  const CodeElement *ce = &dcm_charset_elements[el];
  guint8 buf[8];
  gsize len = 0;

  if (ce->kind == KIND_KATAKANA)
    {
      if (c < 0xff61 || c > 0xff9f)
        return FALSE;
      out[0] = 0xa1 + (c - 0xff61);
      *n = 1;
      return TRUE;
    }
  if (ce->kind == KIND_ROMAJI && c == 0x203e)
    {
      out[0] = '~';
      *n = 1;
      return TRUE;
    }
  if (ce->kind == KIND_ASCII || ce->kind == KIND_ROMAJI)
    return FALSE;
  if (!iconv_char (dcm_charset_converters_get (&e->conv, el, ce->iconv_name, "UTF-8"), c,
                   buf, &len))
    return FALSE;
  if (ce->kind == KIND_SINGLE)
    {
      out[0] = buf[0];
      *n = 1;
      return len == 1 && buf[0] >= 0xa0;
    }
  if (ce->prefix != 0)
    {
      if (len != 3 || buf[0] != ce->prefix || !is_gr_pair (buf + 1))
        return FALSE;
      memmove (buf, buf + 1, 2);
    }
  else if (len != 2 || !is_gr_pair (buf))
    return FALSE;
  guint8 mask = ce->kind == KIND_MULTI_G0 ? 0x7f : 0xff;
  out[0] = buf[0] & mask;
  out[1] = buf[1] & mask;
  *n = 2;
  return TRUE;
}

static gboolean
encode_try (Encoder *e, gint el, gunichar c)
{
  guint8 bytes[4];
  gsize n = 0;

  if (el == EL_NONE || !encode_in_element (e, el, c, bytes, &n))
    return FALSE;
  if (el != e->g0 && el != e->g1)
    encoder_designate (e, el);
  g_byte_array_append (e->out, bytes, n);
  return TRUE;
}

/* Prefers the sets already designated, then the terms in their order. */
static gboolean
encode_non_ascii (Encoder *e, gunichar c)
{
  if (encode_try (e, e->g1, c) || encode_try (e, e->g0, c))
    return TRUE;
  for (guint i = 0; i < e->cs->n_elements; i++)
    if (encode_try (e, e->cs->elements[i], c))
      return TRUE;
  return FALSE;
}

/* PS3.5 §6.1.2.5.3: the initial G0 set is back before delimiters, control
 * characters and the end of the value; G1 needs no escape because the
 * decoder restores it by itself after the delimiter. */
static gboolean
encode_ascii (Encoder *e, guint8 c)
{
  gboolean delimiter = dcm_charset_is_delimiter (c, e->vr);

  if (dcm_charset_elements[e->g0].kind == KIND_MULTI_G0
      || ((delimiter || c < 0x20) && e->g0 != e->cs->init_g0))
    encoder_designate (e, e->cs->init_g0);
  if (c == '~' && dcm_charset_elements[e->g0].kind == KIND_ROMAJI)
    {
      if (!dcm_charset_has_element (e->cs, EL_IR6))
        return FALSE;
      encoder_designate (e, EL_IR6);
    }
  g_byte_array_append (e->out, &c, 1);
  if (delimiter)
    {
      e->g0 = e->cs->init_g0;
      e->g1 = e->cs->init_g1;
    }
  return TRUE;
}

static void
set_unencodable (const DcmCharset *cs, DcmVR vr, const char *utf8,
                 const char *at, GError **error)
{
  char ch[8] = { 0 };
  gunichar c = g_utf8_get_char (at);
  g_autofree char *where = NULL;

  g_unichar_to_utf8 (c, ch);
  if (!dcm_vr_uses_charset (vr))
    where = g_strdup_printf ("the default repertoire, which VR %s requires",
                             dcm_vr_name (vr));
  else if (*cs->value == '\0')
    where = g_strdup ("the default repertoire");
  else
    where = g_strdup_printf ("Specific Character Set “%s”", cs->value);
  g_set_error (error, DCM_ERROR, DCM_ERROR_CHARSET,
               "The character “%s” (U+%04X) at offset %" G_GSIZE_FORMAT
               " has no encoding in %s.", ch, c, (gsize) (at - utf8), where);
}

static GBytes *
encode_iso2022 (const DcmCharset *cs, const char *utf8, DcmVR vr, GError **error)
{
  Encoder e;
  gboolean charset_vr = dcm_vr_uses_charset (vr);

  encoder_init (&e, charset_vr ? cs : &dcm_charset_default, vr);
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean ok;

      /* An ESC of the caller's would be read back as a designation. */
      if (c == ESC)
        ok = FALSE;
      else if (c < 0x80)
        ok = encode_ascii (&e, c);
      else
        ok = charset_vr && encode_non_ascii (&e, c);
      if (!ok)
        {
          set_unencodable (cs, vr, utf8, p, error);
          return encoder_finish (&e, FALSE);
        }
    }
  if (e.g0 != e.cs->init_g0)
    encoder_designate (&e, e.cs->init_g0);
  return encoder_finish (&e, TRUE);
}

static GBytes *
encode_whole (const DcmCharset *cs, const char *utf8, DcmVR vr, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  GIConv cd;
  const char *p;

  if (strcmp (cs->whole, "UTF-8") == 0)
    return g_bytes_new (utf8, strlen (utf8));
  cd = g_iconv_open (cs->whole, "UTF-8");
  for (p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      guint8 buf[8];
      gsize n = 0;

      if (!iconv_char (cd, g_utf8_get_char (p), buf, &n))
        break;
      g_byte_array_append (out, buf, n);
    }
  if (cd != (GIConv) -1)
    g_iconv_close (cd);
  if (*p != '\0')
    {
      set_unencodable (cs, vr, utf8, p, error);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
dcm_charset_encode (const DcmCharset *cs, const char *utf8, DcmVR vr,
                    GError **error)
{
  const char *end;
  gsize len;

  g_return_val_if_fail (utf8 != NULL, NULL);
  len = strlen (utf8);
  if (!g_utf8_validate_len (utf8, len, &end))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_CHARSET,
                   "The text to encode is not valid UTF-8 at offset %"
                   G_GSIZE_FORMAT ".", (gsize) (end - utf8));
      return NULL;
    }
  if (cs == NULL)
    cs = &dcm_charset_default;
  if (dcm_charset_is_plain_ascii (cs, vr, (const guint8 *) utf8, len))
    return g_bytes_new (utf8, len);
  if (cs->whole != NULL && dcm_vr_uses_charset (vr))
    return encode_whole (cs, utf8, vr, error);
  return encode_iso2022 (cs, utf8, vr, error);
}
