/* test-charset.c — Specific Character Set decoding and encoding.
 *
 * Byte sequences come from PS3.5 Annexes H–K and from the DICOM character
 * set sample files (chr*.dcm) that pydicom ships; the others were checked
 * with pydicom.charset.decode_bytes. */
#include <string.h>

#include "dcm-charset.h"
#include "dcm-error.h"
#include "test-util.h"

typedef struct {
  const char *charset;   /* value of (0008,0005) */
  DcmVR       vr;
  const char *bytes;
  const char *utf8;
} Sample;

static const Sample samples[] = {
  /* chrFren.dcm, chrGerm.dcm */
  { "ISO_IR 100", DCM_VR_PN, "Buc^J\xe9r\xf4me", "Buc^Jérôme" },
  { "ISO_IR 100", DCM_VR_PN, "\xc4neas^R\xfc" "diger", "Äneas^Rüdiger" },
  { "ISO_IR 101", DCM_VR_PN, "Dvo\xf8\xe1k", "Dvořák" },
  { "ISO_IR 109", DCM_VR_LO, "\xd5u\xbf" "eppi \xa1" "al", "Ġużeppi Ħal" },
  { "ISO_IR 110", DCM_VR_LO, "K\xe0rlis \xa6", "Kārlis Ļ" },
  /* chrRuss.dcm */
  { "ISO_IR 144", DCM_VR_PN, "\xbb\xee\xda" "ce\xdc\xd1yp\xd3", "Люкceмбypг" },
  /* chrArab.dcm */
  { "ISO_IR 127", DCM_VR_PN, "\xe2\xc8\xc7\xe6\xea^\xe4\xe6\xd2\xc7\xd1",
    "قباني^لنزار" },
  /* chrGreek.dcm */
  { "ISO_IR 126", DCM_VR_PN, "\xc4\xe9\xef\xed\xf5\xf3\xe9\xef\xf2", "Διονυσιος" },
  /* chrHbrw.dcm */
  { "ISO_IR 138", DCM_VR_PN, "\xf9\xf8\xe5\xef^\xe3\xe1\xe5\xf8\xe4", "שרון^דבורה" },
  { "ISO_IR 148", DCM_VR_LO, "I\xfe\xfdk G\xfcne\xfe", "Işık Güneş" },
  { "ISO_IR 203", DCM_VR_LO, "\xa4uro", "€uro" },
  { "ISO_IR 166", DCM_VR_PN, "\xca\xc1\xaa\xd2\xc2", "สมชาย" },
  /* chrH32.dcm, first component group */
  { "ISO_IR 13", DCM_VR_PN, "\xd4\xcf\xc0\xde^\xc0\xdb\xb3", "ﾔﾏﾀﾞ^ﾀﾛｳ" },
  /* PS3.5 J.1 (chrX1.dcm) and J.3 (chrX2.dcm); GBK shares J.3's bytes */
  { "ISO_IR 192", DCM_VR_PN,
    "Wang^XiaoDong=\xe7\x8e\x8b^\xe5\xb0\x8f\xe6\x9d\xb1=", "Wang^XiaoDong=王^小東=" },
  { "GB18030", DCM_VR_PN, "Wang^XiaoDong=\xcd\xf5^\xd0\xa1\xb6\xab=",
    "Wang^XiaoDong=王^小东=" },
  { "GBK", DCM_VR_PN, "Wang^XiaoDong=\xcd\xf5^\xd0\xa1\xb6\xab=",
    "Wang^XiaoDong=王^小东=" },
  /* PS3.5 H.3.1 (chrH31.dcm) */
  { "\\ISO 2022 IR 87", DCM_VR_PN,
    "Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^"
    "\x1b$B$?$m$&\x1b(B", "Yamada^Tarou=山田^太郎=やまだ^たろう" },
  /* PS3.5 H.3.2 (chrH32.dcm) */
  { "ISO 2022 IR 13\\ISO 2022 IR 87", DCM_VR_PN,
    "\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J="
    "\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう" },
  /* PS3.5 I.2 (chrI2.dcm) */
  { "\\ISO 2022 IR 149", DCM_VR_PN,
    "Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^"
    "\x1b$)C\xb1\xe6\xb5\xbf", "Hong^Gildong=洪^吉洞=홍^길동" },
  /* PS3.5 K.2 */
  { "\\ISO 2022 IR 58", DCM_VR_PN,
    "Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab=",
    "Zhang^XiaoDong=张^小东=" },
  /* JIS X 0212 丂 is 0x3021 */
  { "\\ISO 2022 IR 87\\ISO 2022 IR 159", DCM_VR_LO, "\x1b$(D0!\x1b(B", "丂" },
  /* Latin-1 in G1 from the start, Greek designated by ESC - F */
  { "ISO 2022 IR 100\\ISO 2022 IR 126", DCM_VR_LO,
    "J\xe9r\xf4me \x1b-F\xc4\xe9\xef\xed", "Jérôme Διον" },
  { "\\ISO 2022 IR 166", DCM_VR_LO, "\x1b-T\xca\xc1\xaa\xd2\xc2", "สมชาย" },
  { "ISO 2022 IR 144", DCM_VR_LO, "\xbb\xee\xda", "Люк" },
  { "\\ISO 2022 IR 101", DCM_VR_LO, "Dvo\x1b-B\xf8\xe1k", "Dvořák" },
  { "\\ISO 2022 IR 109", DCM_VR_LO, "\x1b-C\xa1", "Ħ" },
  { "\\ISO 2022 IR 110", DCM_VR_LO, "\x1b-D\xa6", "Ļ" },
  { "\\ISO 2022 IR 127", DCM_VR_LO, "\x1b-G\xe2", "ق" },
  { "\\ISO 2022 IR 138", DCM_VR_LO, "\x1b-H\xf9", "ש" },
  { "\\ISO 2022 IR 148", DCM_VR_LO, "\x1b-M\xfd", "ı" },
  { "\\ISO 2022 IR 13", DCM_VR_LO, "\x1b)I\xd4", "ﾔ" },
  /* ぼ is 0x245C in JIS X 0208: the 0x5C is not a value delimiter */
  { "\\ISO 2022 IR 87", DCM_VR_LO, "\x1b$B$\\\x1b(B\\\x1b$B$\\\x1b(B", "ぼ\\ぼ" },
  /* KS X 1001 in G1 from the start: no escape needed */
  { "ISO 2022 IR 149", DCM_VR_PN, "Kim^\xb1\xe8\xc8\xf1\xc1\xdf", "Kim^김희중" },
  { "", DCM_VR_PN, "Doe^John", "Doe^John" },
  { "ISO 2022 IR 6", DCM_VR_LO, "plain", "plain" },
};

static DcmCharset *
charset_or_fail (const char *value)
{
  g_autoptr (GError) error = NULL;
  DcmCharset *cs = dcm_charset_new_from_value (value, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cs);
  return cs;
}

static char *
decode_str (const DcmCharset *cs, const char *bytes, DcmVR vr, GError **error)
{
  return dcm_charset_decode (cs, (const guint8 *) bytes, strlen (bytes), vr, error);
}

static void
assert_bytes (GBytes *bytes, const char *expected)
{
  test_util_assert_bytes (bytes, expected, strlen (expected));
}

static void
test_samples_decode (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      const Sample *s = &samples[i];
      g_autoptr (DcmCharset) cs = charset_or_fail (s->charset);
      g_autoptr (GError) error = NULL;
      g_autofree char *text = decode_str (cs, s->bytes, s->vr, &error);

      g_test_message ("decoding sample %" G_GSIZE_FORMAT " (%s)", i, s->charset);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, s->utf8);
    }
}

static void
test_samples_encode (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      const Sample *s = &samples[i];
      g_autoptr (DcmCharset) cs = charset_or_fail (s->charset);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = dcm_charset_encode (cs, s->utf8, s->vr, &error);

      g_test_message ("encoding sample %" G_GSIZE_FORMAT " (%s)", i, s->charset);
      g_assert_no_error (error);
      assert_bytes (bytes, s->bytes);
    }
}

static void
assert_round_trip (const char *charset, const char *utf8, DcmVR vr)
{
  g_autoptr (DcmCharset) cs = charset_or_fail (charset);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = dcm_charset_encode (cs, utf8, vr, &error);
  g_autofree char *back = NULL;
  gsize len = 0;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &len);
  back = dcm_charset_decode (cs, data, len, vr, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back, ==, utf8);
}

static void
test_round_trip (void)
{
  assert_round_trip ("ISO 2022 IR 100\\ISO 2022 IR 101\\ISO 2022 IR 126\\"
                     "ISO 2022 IR 144", "Müller ř Ωμέγα Жук^é\\ž", DCM_VR_PN);
  assert_round_trip ("ISO 2022 IR 13\\ISO 2022 IR 87\\ISO 2022 IR 159",
                     "ｶﾅ 漢字 丂 abc\\ｱ", DCM_VR_LO);
  assert_round_trip ("\\ISO 2022 IR 149", "김희중 金\r\n홍길동", DCM_VR_LT);
  assert_round_trip ("\\ISO 2022 IR 58", "中文 ABC 张\\李", DCM_VR_LO);
  assert_round_trip ("GB18030", "汉字 😀 é", DCM_VR_UT);
  assert_round_trip ("ISO_IR 192", "汉字 😀 é", DCM_VR_UT);
  assert_round_trip ("ISO_IR 166", "ภาษาไทย", DCM_VR_ST);
  /* Several ISO_IR terms are read as their ISO 2022 forms. */
  assert_round_trip ("ISO_IR 100\\ISO_IR 126", "é Δ", DCM_VR_LO);
}

static void
test_iso2022_returns_before_delimiters (void)
{
  g_autoptr (DcmCharset) cs = charset_or_fail ("\\ISO 2022 IR 87");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pn = dcm_charset_encode (cs, "山田 太郎", DCM_VR_PN, &error);
  g_autoptr (GBytes) lt = dcm_charset_encode (cs, "山\n田", DCM_VR_LT, &error);

  g_assert_no_error (error);
  /* A space goes back to ASCII; the value ends in the initial set. */
  assert_bytes (pn, "\x1b$B;3ED\x1b(B \x1b$BB@O:\x1b(B");
  assert_bytes (lt, "\x1b$B;3\x1b(B\n\x1b$BED\x1b(B");
}

/* chrKoreanMulti.dcm ends with a redundant ESC ( B and a padding space. */
static void
test_iso2022_redundant_escape (void)
{
  g_autoptr (DcmCharset) cs = charset_or_fail ("\\ISO 2022 IR 149");
  g_autoptr (GError) error = NULL;
  g_autofree char *text = decode_str (cs, "\x1b$)C\xb1\xe8\xc8\xf1\xc1\xdf\x1b(B ",
                                      DCM_VR_PN, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "김희중 ");
}

static void
test_delimiter_resets (void)
{
  g_autoptr (DcmCharset) cs = charset_or_fail ("ISO 2022 IR 100\\ISO 2022 IR 126");
  g_autoptr (GError) error = NULL;
  const char *value = "\x1b-F\xc4\\\xc4^\xc4\r\xc4";
  g_autofree char *lo = decode_str (cs, value, DCM_VR_LO, &error);
  g_autofree char *pn = decode_str (cs, value, DCM_VR_PN, &error);
  g_autofree char *lt = decode_str (cs, value, DCM_VR_LT, &error);
  g_autofree char *tab = decode_str (cs, "\x1b-F\xc4\t\xc4\f\x1b-F\xc4\n\xc4",
                                     DCM_VR_LT, &error);

  g_assert_no_error (error);
  /* LO: the backslash and CR reset G1 to Latin-1, the caret does not. */
  g_assert_cmpstr (lo, ==, "Δ\\Ä^Ä\rÄ");
  g_assert_cmpstr (pn, ==, "Δ\\Ä^Ä\rÄ");
  /* LT is single-valued: only CR resets. */
  g_assert_cmpstr (lt, ==, "Δ\\Δ^Δ\rÄ");
  g_assert_cmpstr (tab, ==, "Δ\tÄ\fΔ\nÄ");
}

static void
test_pn_component_resets (void)
{
  g_autoptr (DcmCharset) cs = charset_or_fail ("ISO 2022 IR 100\\ISO 2022 IR 126");
  g_autoptr (GError) error = NULL;
  g_autofree char *pn = decode_str (cs, "\x1b-F\xc4^\xc4=\x1b-F\xc4=\xc4",
                                    DCM_VR_PN, &error);
  g_autofree char *sh = decode_str (cs, "\x1b-F\xc4^\xc4=\xc4", DCM_VR_SH, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (pn, ==, "Δ^Ä=Δ=Ä");
  g_assert_cmpstr (sh, ==, "Δ^Δ=Δ");
}

static void
assert_decode_fails (const char *charset, const char *bytes, gsize len, DcmVR vr,
                     const char *offset_text)
{
  g_autoptr (DcmCharset) cs = charset_or_fail (charset);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = dcm_charset_decode (cs, (const guint8 *) bytes, len,
                                              vr, &error);

  g_assert_null (text);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_CHARSET);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, offset_text));
}

static void
test_invalid_bytes (void)
{
  assert_decode_fails ("", "Jos\xe9", 4, DCM_VR_PN, "offset 3");
  assert_decode_fails ("ISO_IR 100", "abc\x85", 4, DCM_VR_LO, "offset 3");
  assert_decode_fails ("ISO_IR 166", "\xca\xfc", 2, DCM_VR_LO, "offset 1");
  assert_decode_fails ("ISO_IR 127", "ab\xa1", 3, DCM_VR_LO, "offset 2");
  assert_decode_fails ("ISO_IR 192", "ab\xff" "cd", 5, DCM_VR_LO, "offset 2");
  assert_decode_fails ("GB18030", "Wang\x81", 5, DCM_VR_LO, "offset 4");
  assert_decode_fails ("GB18030", "\xcd\xf5\0\xcd\xf5", 5, DCM_VR_LO, "offset 2");
  assert_decode_fails ("\\ISO 2022 IR 87", "\x1b$B;3E", 6, DCM_VR_PN, "offset 5");
  assert_decode_fails ("\\ISO 2022 IR 87", "ab\x1b$Zc", 6, DCM_VR_PN, "offset 2");
  assert_decode_fails ("\\ISO 2022 IR 87", "ab\xb0\xa1", 4, DCM_VR_PN, "offset 2");
  assert_decode_fails ("\\ISO 2022 IR 149", "a\x1b$)C\xb1\xe8\xa1", 8, DCM_VR_PN,
                       "offset 7");
  /* 0x2F7E lies in JIS X 0208 row 15, which is unassigned. */
  assert_decode_fails ("\\ISO 2022 IR 87", "x\x1b$B$d/~", 8, DCM_VR_LO, "offset 6");
  /* Two 丂 then 0x2121: JIS X 0212 leaves row 1 empty. */
  assert_decode_fails ("\\ISO 2022 IR 159", "\x1b$(D0!0!!!", 10, DCM_VR_LO, "offset 8");
  assert_decode_fails ("ISO_IR 100", "a\0b", 3, DCM_VR_LO, "offset 1");
  assert_decode_fails ("ISO_IR 100", "CT\xc4", 3, DCM_VR_CS, "offset 2");
}

static char *
lossy (const char *charset, const char *bytes, gsize len, DcmVR vr)
{
  g_autoptr (DcmCharset) cs = charset_or_fail (charset);

  return dcm_charset_decode_lossy (cs, (const guint8 *) bytes, len, vr);
}

static void
test_lossy (void)
{
  g_autofree char *latin = lossy ("ISO_IR 100", "A\x85" "B\xe9", 4, DCM_VR_LO);
  g_autofree char *utf8 = lossy ("ISO_IR 192", "a\xff" "b\xe4\xb8", 5, DCM_VR_LO);
  g_autofree char *gb = lossy ("GB18030", "\xcd\xf5\x81\0\xcd\xf5", 6, DCM_VR_LO);
  g_autofree char *jis = lossy ("\\ISO 2022 IR 87", "\x1b$B;3E\x1b(Bx", 10, DCM_VR_PN);
  g_autofree char *esc = lossy ("\\ISO 2022 IR 87", "a\x1b$Zb", 5, DCM_VR_PN);
  g_autofree char *cs = lossy ("ISO_IR 100", "A\xc4", 2, DCM_VR_CS);
  g_autofree char *dflt = dcm_charset_decode_lossy (NULL, (const guint8 *) "\xe9t\xe9",
                                                    3, DCM_VR_PN);

  g_assert_cmpstr (latin, ==, "A\xef\xbf\xbd" "Bé");
  g_assert_cmpstr (utf8, ==, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
  g_assert_cmpstr (gb, ==, "王\xef\xbf\xbd\xef\xbf\xbd王");
  /* ;3 is 山; the lone E is followed by ESC, which is no second byte. */
  g_assert_cmpstr (jis, ==, "山\xef\xbf\xbdx");
  g_assert_cmpstr (esc, ==, "a\xef\xbf\xbd$Zb");
  g_assert_cmpstr (cs, ==, "A\xef\xbf\xbd");
  g_assert_cmpstr (dflt, ==, "\xef\xbf\xbdt\xef\xbf\xbd");
}

static void
test_unknown_term (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DcmCharset) cs = dcm_charset_new_from_value ("ISO_IR 100\\ISO_IR 999",
                                                          &error);

  g_assert_null (cs);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_CHARSET);
  g_assert_nonnull (strstr (error->message, "ISO_IR 999"));
}

static void
test_whole_sets_do_not_combine (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DcmCharset) cs = dcm_charset_new_from_value ("ISO_IR 192\\ISO 2022 IR 87",
                                                          &error);

  g_assert_null (cs);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_CHARSET);
  g_assert_nonnull (strstr (error->message, "ISO_IR 192"));
}

static void
test_terms (void)
{
  const char *terms[] = { " ISO_IR 100 ", NULL };
  const char *empty[] = { "", " ", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (DcmCharset) latin = dcm_charset_new (terms, &error);
  g_autoptr (DcmCharset) none = dcm_charset_new (empty, &error);
  g_autoptr (DcmCharset) ir6 = charset_or_fail ("ISO 2022 IR 6");
  g_autoptr (DcmCharset) jp = charset_or_fail ("\\ISO 2022 IR 87 ");
  g_autoptr (DcmCharset) copy = dcm_charset_copy (jp);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (dcm_charset_get_value (latin), ==, "ISO_IR 100");
  g_assert_false (dcm_charset_is_default (latin));
  g_assert_cmpstr (dcm_charset_get_value (none), ==, "");
  g_assert_true (dcm_charset_is_default (none));
  g_assert_true (dcm_charset_is_default (NULL));
  g_assert_true (dcm_charset_is_default (ir6));
  g_assert_cmpstr (dcm_charset_get_value (NULL), ==, "");
  g_assert_cmpstr (dcm_charset_get_value (jp), ==, "\\ISO 2022 IR 87");
  g_assert_false (dcm_charset_is_default (copy));
  g_assert_cmpstr (dcm_charset_get_value (copy), ==, "\\ISO 2022 IR 87");
  text = decode_str (copy, "\x1b$B;3ED\x1b(B", DCM_VR_PN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "山田");
}

static void
assert_encode_fails (const char *charset, const char *utf8, DcmVR vr,
                     const char *expected_text)
{
  g_autoptr (DcmCharset) cs = charset_or_fail (charset);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = dcm_charset_encode (cs, utf8, vr, &error);

  g_assert_null (bytes);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_CHARSET);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expected_text));
}

static void
test_unencodable (void)
{
  assert_encode_fails ("", "José", DCM_VR_PN, "U+00E9");
  assert_encode_fails ("ISO_IR 100", "Δ", DCM_VR_LO, "U+0394");
  /* C1 controls are not part of a 96-character G1 set. */
  assert_encode_fails ("ISO_IR 100", "a\xc2\x85", DCM_VR_LO, "U+0085");
  /* Without code extensions, ISO_IR 100 cannot switch to Greek. */
  assert_encode_fails ("ISO_IR 100", "é Δ", DCM_VR_LO, "offset 3");
  /* 똠 is the classic syllable missing from KS X 1001. */
  assert_encode_fails ("\\ISO 2022 IR 149", "김똠", DCM_VR_PN, "U+B620");
  assert_encode_fails ("GBK", "王😀", DCM_VR_LO, "U+1F600");
  assert_encode_fails ("\\ISO 2022 IR 87", "山 한", DCM_VR_LO, "U+D55C");
  assert_encode_fails ("ISO_IR 192", "é", DCM_VR_CS, "VR CS");
  assert_encode_fails ("ISO 2022 IR 100", "é\x1b-F", DCM_VR_LO, "U+001B");
}

static void
test_ascii_fast_path (void)
{
  g_autoptr (DcmCharset) cs = charset_or_fail ("ISO_IR 100");
  g_autoptr (GError) error = NULL;
  g_autofree char *ui = dcm_charset_decode (NULL, (const guint8 *) "1.2.3\0", 6,
                                            DCM_VR_UI, &error);
  g_autofree char *lo = decode_str (cs, "a\\b~", DCM_VR_LO, &error);
  g_autoptr (GBytes) bytes = dcm_charset_encode (cs, "a\\b~", DCM_VR_LO, &error);

  g_autofree char *empty = dcm_charset_decode (cs, NULL, 0, DCM_VR_LO, &error);
  g_autofree char *nuls = dcm_charset_decode (cs, (const guint8 *) "\0\0", 2,
                                              DCM_VR_LO, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (nuls, ==, "");
  g_assert_cmpstr (ui, ==, "1.2.3");
  g_assert_cmpstr (lo, ==, "a\\b~");
  assert_bytes (bytes, "a\\b~");
}

/* ISO-IR 14 has an overline at 0x7E; 0x5C stays the value delimiter. */
static void
test_romaji (void)
{
  g_autoptr (DcmCharset) cs = charset_or_fail ("ISO_IR 13");
  g_autoptr (DcmCharset) ext = charset_or_fail ("ISO 2022 IR 13\\ISO 2022 IR 6");
  g_autoptr (GError) error = NULL;
  g_autofree char *lo = decode_str (cs, "a\\b~\xb1", DCM_VR_LO, &error);
  g_autofree char *code = decode_str (cs, "a~", DCM_VR_CS, &error);
  g_autofree char *plain = decode_str (cs, "a~", DCM_VR_LO, &error);
  g_autofree char *ascii = decode_str (ext, "\x1b(B~\x1b(J~", DCM_VR_LO, &error);
  g_autoptr (GBytes) overline = dcm_charset_encode (cs, "a\\b‾ｱ", DCM_VR_LO, &error);
  g_autoptr (GBytes) tilde = dcm_charset_encode (ext, "ｱ~^~", DCM_VR_PN, &error);
  /* The empty value 1 stands for ISO 2022 IR 6, which the tilde needs. */
  g_autoptr (DcmCharset) ir6_first = charset_or_fail ("\\ISO 2022 IR 13");
  g_autoptr (GBytes) both = dcm_charset_encode (ir6_first, "‾~", DCM_VR_LO, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (lo, ==, "a\\b‾ｱ");
  g_assert_cmpstr (code, ==, "a~");
  g_assert_cmpstr (plain, ==, "a‾");
  g_assert_cmpstr (ascii, ==, "~‾");
  assert_bytes (overline, "a\\b~\xb1");
  assert_bytes (tilde, "\xb1\x1b(B~\x1b(J^\x1b(B~\x1b(J");
  assert_bytes (both, "\x1b(J~\x1b(B~");
  assert_encode_fails ("ISO_IR 13", "a~", DCM_VR_LO, "U+007E");
  /* Value 1 designates G0 romaji and no term lists ISO-IR 6. */
  assert_encode_fails ("ISO 2022 IR 13\\ISO 2022 IR 87", "a~", DCM_VR_LO, "U+007E");
}

static gpointer
decode_many (gpointer data)
{
  const DcmCharset *cs = data;
  const Sample *s = &samples[16];

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *text = decode_str (cs, s->bytes, s->vr, NULL);
      g_autoptr (GBytes) bytes = dcm_charset_encode (cs, s->utf8, s->vr, NULL);

      if (g_strcmp0 (text, s->utf8) != 0 || bytes == NULL
          || g_bytes_get_size (bytes) != strlen (s->bytes))
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

/* A charset holds no converter state, so threads may share one. */
static void
test_shared_between_threads (void)
{
  g_autoptr (DcmCharset) cs = charset_or_fail (samples[16].charset);
  GThread *threads[4];

  g_assert_cmpstr (samples[16].utf8, ==, "Yamada^Tarou=山田^太郎=やまだ^たろう");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("decode", decode_many, cs);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/charset/samples/decode", test_samples_decode);
  g_test_add_func ("/charset/samples/encode", test_samples_encode);
  g_test_add_func ("/charset/round-trip", test_round_trip);
  g_test_add_func ("/charset/iso2022/returns-before-delimiters",
                   test_iso2022_returns_before_delimiters);
  g_test_add_func ("/charset/iso2022/redundant-escape", test_iso2022_redundant_escape);
  g_test_add_func ("/charset/iso2022/delimiter-resets", test_delimiter_resets);
  g_test_add_func ("/charset/iso2022/pn-component-resets", test_pn_component_resets);
  g_test_add_func ("/charset/decode/invalid-bytes", test_invalid_bytes);
  g_test_add_func ("/charset/decode/lossy", test_lossy);
  g_test_add_func ("/charset/terms/unknown", test_unknown_term);
  g_test_add_func ("/charset/terms/whole-sets-do-not-combine",
                   test_whole_sets_do_not_combine);
  g_test_add_func ("/charset/terms/trim-default-copy", test_terms);
  g_test_add_func ("/charset/encode/unencodable", test_unencodable);
  g_test_add_func ("/charset/ascii-fast-path", test_ascii_fast_path);
  g_test_add_func ("/charset/iso-ir-14/romaji", test_romaji);
  g_test_add_func ("/charset/shared-between-threads", test_shared_between_threads);
  return g_test_run ();
}
