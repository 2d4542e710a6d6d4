/* test-parser.c — reading data sets (src/dicom/dcm-parser.c) */
#include <string.h>
#include <gio/gio.h>

#include "dcm-binary.h"
#include "dcm-data-set.h"
#include "dcm-error.h"
#include "dcm-parser.h"
#include "dcm-uid.h"
#include "test-util.h"

/* ---- a hand encoder ---- */

typedef struct {
  GByteArray *buf;
  DcmWriter   w;
  gboolean    explicit_vr;
  gboolean    big_endian;
} Enc;

static void
enc_init (Enc *e, const DcmTransferSyntax *ts)
{
  e->buf = g_byte_array_new ();
  dcm_writer_init (&e->w, e->buf);
  e->explicit_vr = ts->explicit_vr;
  e->big_endian = ts->big_endian;
}

static void
enc_clear (Enc *e)
{
  g_byte_array_unref (e->buf);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Enc, enc_clear)

static Enc
enc_new (const DcmTransferSyntax *ts)
{
  Enc e;

  enc_init (&e, ts);
  return e;
}

static GBytes *
enc_bytes (Enc *e)
{
  return g_bytes_new (e->buf->data, e->buf->len);
}

static void
put_tag (Enc *e, guint32 tag)
{
  dcm_writer_put_u16 (&e->w, DCM_TAG_GROUP (tag), e->big_endian);
  dcm_writer_put_u16 (&e->w, DCM_TAG_ELEMENT (tag), e->big_endian);
}

/* vr DCM_VR_NONE: item and delimiter headers (and every implicit header). */
static void
put_header (Enc *e, guint32 tag, DcmVR vr, guint32 len)
{
  put_tag (e, tag);
  if (!e->explicit_vr || vr == DCM_VR_NONE)
    {
      dcm_writer_put_u32 (&e->w, len, e->big_endian);
      return;
    }
  dcm_writer_put_bytes (&e->w, dcm_vr_name (vr), 2);
  if (dcm_vr_has_long_length (vr))
    {
      dcm_writer_put_u16 (&e->w, 0, e->big_endian);
      dcm_writer_put_u32 (&e->w, len, e->big_endian);
    }
  else
    dcm_writer_put_u16 (&e->w, (guint16) len, e->big_endian);
}

/* value is little endian; swapped here for big endian syntax */
static void
put_element (Enc *e, guint32 tag, DcmVR vr, const void *value, gsize len)
{
  put_header (e, tag, vr, (guint32) len);
  if (e->big_endian)
    {
      guint unit = vr == DCM_VR_AT ? 2 : dcm_vr_value_size (vr);
      g_autofree guint8 *swapped = dcm_swap_copy (value, len, unit);
      dcm_writer_put_bytes (&e->w, swapped, len);
    }
  else
    dcm_writer_put_bytes (&e->w, value, len);
}

static void
put_string (Enc *e, guint32 tag, DcmVR vr, const char *s)
{
  gsize len = strlen (s);

  put_header (e, tag, vr, (guint32) (len + len % 2));
  dcm_writer_put_bytes (&e->w, s, len);
  if (len % 2)
    dcm_writer_put_u8 (&e->w, vr == DCM_VR_UI ? 0 : ' ');
}

static void
put_u16_element (Enc *e, guint32 tag, guint16 v)
{
  guint8 le[2] = { v & 0xff, v >> 8 };

  put_element (e, tag, DCM_VR_US, le, 2);
}

static void
put_item (Enc *e, guint32 len)
{
  put_header (e, DCM_TAG_ITEM, DCM_VR_NONE, len);
}

static void
put_item_delim (Enc *e)
{
  put_header (e, DCM_TAG_ITEM_DELIMITATION_ITEM, DCM_VR_NONE, 0);
}

static void
put_seq_delim (Enc *e)
{
  put_header (e, DCM_TAG_SEQUENCE_DELIMITATION_ITEM, DCM_VR_NONE, 0);
}

static void
put_enc (Enc *e, const Enc *inner)
{
  dcm_writer_put_bytes (&e->w, inner->buf->data, inner->buf->len);
}

/* A data set with nested sequences of both length styles, an empty item,
 * an empty sequence and pixel data: 11 elements in all. */
static void
put_rich (Enc *e, const DcmTransferSyntax *ts)
{
  Enc code, inner;
  static const guint8 pixels[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

  enc_init (&code, ts);
  put_string (&code, DCM_TAG_CODE_VALUE, DCM_VR_SH, "CODE");
  enc_init (&inner, ts);
  put_item (&inner, code.buf->len);
  put_enc (&inner, &code);

  put_string (e, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 100");
  put_string (e, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI, DCM_UID_CT_IMAGE_STORAGE);
  put_string (e, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe^John");
  put_u16_element (e, DCM_TAG_ROWS, 512);
  put_u16_element (e, DCM_TAG_PIXEL_REPRESENTATION, 0);
  put_header (e, DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
  put_item (e, DCM_UNDEFINED_LENGTH);
  put_string (e, DCM_TAG_SCHEDULED_PROCEDURE_STEP_DESCRIPTION, DCM_VR_LO, "step");
  put_header (e, DCM_TAG_SCHEDULED_PROTOCOL_CODE_SEQUENCE, DCM_VR_SQ, inner.buf->len);
  put_enc (e, &inner);
  put_item_delim (e);
  put_item (e, 0);
  put_seq_delim (e);
  put_header (e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, 0);
  put_element (e, DCM_TAG_PIXEL_DATA, DCM_VR_OW, pixels, sizeof pixels);
  enc_clear (&code);
  enc_clear (&inner);
}

static guint
count_elements (DcmDataSet *ds)
{
  guint n = dcm_data_set_n_elements (ds);

  for (guint i = 0, total = n; i < total; i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);

      if (el->kind == DCM_VALUE_ITEMS)
        for (guint j = 0; j < el->value.items->len; j++)
          n += count_elements (g_ptr_array_index (el->value.items, j));
    }
  return n;
}

static const DcmTransferSyntax *all_ts[] = {
  &dcm_ts_implicit_le, &dcm_ts_explicit_le, &dcm_ts_explicit_be,
};

static DcmDataSet *
parse_enc (Enc *e, const DcmTransferSyntax *ts, const DcmReadOptions *opts, GError **error)
{
  g_autoptr(GBytes) bytes = enc_bytes (e);

  return dcm_data_set_read_bytes (bytes, ts, opts, error);
}

/* Reading e as explicit VR LE must succeed. */
static DcmDataSet *
parse_ok (Enc *e, const DcmReadOptions *opts)
{
  g_autoptr(GError) error = NULL;
  DcmDataSet *ds = parse_enc (e, &dcm_ts_explicit_le, opts, &error);

  g_assert_no_error (error);
  return ds;
}

/* Reading e as explicit VR LE must fail with code, and with fragment (if
 * not NULL) in the message. */
static void
assert_parse_fails (Enc *e, const DcmReadOptions *opts, int code, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = parse_enc (e, &dcm_ts_explicit_le, opts, &error);

  g_assert_error (error, DCM_ERROR, code);
  g_assert_null (ds);
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

typedef void (*SyntaxCheck) (const DcmTransferSyntax *ts, gboolean streamed);

/* Runs check for each syntax, reading from bytes and then from a stream. */
static void
check_each_syntax (const DcmTransferSyntax *const *syntaxes, guint n_syntaxes, SyntaxCheck check)
{
  for (guint i = 0; i < n_syntaxes; i++)
    {
      check (syntaxes[i], FALSE);
      check (syntaxes[i], TRUE);
    }
}

/* ---- a stream that gives a few bytes per read, to cross every buffer
 * boundary ---- */

typedef struct {
  GInputStream parent_instance;
  GBytes      *bytes;
  gsize        pos;
  gsize        step;
  gsize        fail_at;   /* 0: never */
} TrickleStream;

typedef GInputStreamClass TrickleStreamClass;

static GType trickle_stream_get_type (void);
G_DEFINE_TYPE (TrickleStream, trickle_stream, G_TYPE_INPUT_STREAM)

static gssize
trickle_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
              GError **error)
{
  TrickleStream *t = (TrickleStream *) stream;
  gsize size;
  const guint8 *data = g_bytes_get_data (t->bytes, &size);
  gsize n = MIN (MIN (count, t->step), size - t->pos);

  if (t->fail_at > 0 && t->pos + n > t->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "peer went away");
      return -1;
    }
  memcpy (buffer, data + t->pos, n);
  t->pos += n;
  return n;
}

static void
trickle_finalize (GObject *object)
{
  g_bytes_unref (((TrickleStream *) object)->bytes);
  G_OBJECT_CLASS (trickle_stream_parent_class)->finalize (object);
}

static void
trickle_stream_class_init (TrickleStreamClass *klass)
{
  klass->read_fn = trickle_read;
  G_OBJECT_CLASS (klass)->finalize = trickle_finalize;
}

static void
trickle_stream_init (TrickleStream *t)
{
}

static GInputStream *
trickle_new (GBytes *bytes, gsize step)
{
  TrickleStream *t = g_object_new (trickle_stream_get_type (), NULL);

  t->bytes = g_bytes_ref (bytes);
  t->step = step;
  return G_INPUT_STREAM (t);
}

static DcmDataSet *
parse_stream (GBytes *bytes, gsize step, const DcmTransferSyntax *ts,
              const DcmReadOptions *opts, GError **error)
{
  g_autoptr(GInputStream) in = step > 0 ? trickle_new (bytes, step)
                                        : g_memory_input_stream_new_from_bytes (bytes);

  return dcm_data_set_read_stream (in, ts, opts, NULL, error);
}

/* ---- the binary reader and writer (dcm-binary.h) ---- */

static void
test_binary_reader (void)
{
  static const guint8 data[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
  g_autoptr(GError) error = NULL;
  DcmReader r;
  guint16 v16 = 0;
  guint32 v32 = 0;
  guint8 v8 = 0;
  const guint8 *p = NULL;

  dcm_reader_init (&r, data, sizeof data, 100);
  g_assert_true (dcm_reader_read_u16_le (&r, &v16, &error));
  g_assert_cmphex (v16, ==, 0x0201);
  g_assert_true (dcm_reader_read_u16_be (&r, &v16, &error));
  g_assert_cmphex (v16, ==, 0x0304);
  g_assert_cmpuint (dcm_reader_offset (&r), ==, 104);
  g_assert_cmpuint (dcm_reader_remaining (&r), ==, 3);
  g_assert_false (dcm_reader_read_u32_be (&r, &v32, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "offset 104"));
  g_clear_error (&error);
  g_assert_cmpuint (dcm_reader_remaining (&r), ==, 3);
  g_assert_true (dcm_reader_read_u8 (&r, &v8, &error));
  g_assert_cmphex (v8, ==, 0x05);
  g_assert_false (dcm_reader_skip (&r, 3, &error));
  g_clear_error (&error);
  g_assert_true (dcm_reader_read_bytes (&r, 2, &p, &error));
  g_assert_true (p == data + 5);
  g_assert_false (dcm_reader_read_u8 (&r, &v8, NULL));
  dcm_reader_init (&r, data, sizeof data, 0);
  g_assert_true (dcm_reader_read_u32_le (&r, &v32, NULL));
  g_assert_cmphex (v32, ==, 0x04030201);
  dcm_reader_init (&r, data, sizeof data, 0);
  g_assert_true (dcm_reader_read_u32_be (&r, &v32, NULL));
  g_assert_cmphex (v32, ==, 0x01020304);
  g_assert_cmphex (dcm_load_uint_le (data, 1), ==, 0x01);
  g_assert_cmphex (dcm_load_uint_le (data + 1, 3), ==, 0x040302);
  g_assert_cmphex (dcm_load_uint_le (data, 7), ==, G_GUINT64_CONSTANT (0x07060504030201));
}

static void
test_binary_writer (void)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  DcmWriter w;
  guint8 swapped[7] = { 1, 2, 3, 4, 5, 6, 7 };

  dcm_writer_init (&w, buf);
  dcm_writer_put_u16_le (&w, 0x0102);
  dcm_writer_put_u16_be (&w, 0x0304);
  dcm_writer_put_u32_le (&w, 0x05060708);
  dcm_writer_put_u32_be (&w, 0x090a0b0c);
  dcm_writer_put_zeros (&w, 3);
  dcm_writer_put_u8 (&w, 0xee);
  g_assert_cmpuint (dcm_writer_offset (&w), ==, 16);
  dcm_writer_patch_u32 (&w, 4, 0x11223344, TRUE);
  g_assert_cmpmem (buf->data, buf->len,
                   "\x02\x01\x03\x04\x11\x22\x33\x44\x09\x0a\x0b\x0c\0\0\0\xee", 16);
  dcm_swap_in_place (swapped, 7, 2);
  g_assert_cmpmem (swapped, 7, "\x02\x01\x04\x03\x06\x05\x07", 7);
  dcm_swap_in_place (swapped, 7, 4);
  g_assert_cmpmem (swapped, 7, "\x03\x04\x01\x02\x06\x05\x07", 7);
}

/* ---- syntaxes ---- */

static void
check_rich (DcmDataSet *ds)
{
  DcmDataSet *item;
  const DcmElement *el;
  static const guint8 pixels[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  guint64 rows = 0;

  g_assert_nonnull (ds);
  g_assert_cmpuint (count_elements (ds), ==, 11);
  test_util_assert_value (ds, DCM_TAG_PATIENT_NAME, "Doe^John", 8);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_PATIENT_NAME)->vr, ==, DCM_VR_PN);
  g_assert_true (dcm_data_set_get_uint64 (ds, DCM_TAG_ROWS, 0, &rows, NULL));
  g_assert_cmpuint (rows, ==, 512);
  el = dcm_data_set_lookup (ds, DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE);
  g_assert_cmpint (el->vr, ==, DCM_VR_SQ);
  g_assert_cmpuint (el->length, ==, DCM_UNDEFINED_LENGTH);
  g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE), ==, 2);
  item = dcm_data_set_get_item (ds, DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE, 0);
  g_assert_true (dcm_data_set_get_parent (item) == ds);
  test_util_assert_value (item, DCM_TAG_SCHEDULED_PROCEDURE_STEP_DESCRIPTION, "step", 4);
  item = dcm_data_set_get_item (item, DCM_TAG_SCHEDULED_PROTOCOL_CODE_SEQUENCE, 0);
  test_util_assert_value (item, DCM_TAG_CODE_VALUE, "CODE", 4);
  item = dcm_data_set_get_item (ds, DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE, 1);
  g_assert_cmpuint (dcm_data_set_n_elements (item), ==, 0);
  el = dcm_data_set_lookup (ds, DCM_TAG_CONTENT_SEQUENCE);
  g_assert_nonnull (el);
  g_assert_cmpuint (el->length, ==, 0);
  g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG_CONTENT_SEQUENCE), ==, 0);
  el = dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA);
  g_assert_cmpint (el->vr, ==, DCM_VR_OW);
  test_util_assert_element_bytes (el, pixels, sizeof pixels);
}

static void
test_syntaxes_rich (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_ts); i++)
    {
      g_auto(Enc) e = enc_new (all_ts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmDataSet) ds = NULL;
      g_autoptr(DcmDataSet) streamed = NULL;
      g_autoptr(DcmDataSet) trickled = NULL;
      g_autoptr(GBytes) bytes = NULL;

      put_rich (&e, all_ts[i]);
      bytes = enc_bytes (&e);
      ds = dcm_data_set_read_bytes (bytes, all_ts[i], NULL, &error);
      g_assert_no_error (error);
      check_rich (ds);
      streamed = parse_stream (bytes, 0, all_ts[i], NULL, &error);
      g_assert_no_error (error);
      check_rich (streamed);
      g_assert_true (dcm_data_set_equal (ds, streamed));
      trickled = parse_stream (bytes, 3, all_ts[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_data_set_equal (ds, trickled));
    }
}

static void
test_zero_copy (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const guint8 *start, *value;

  put_rich (&e, &dcm_ts_explicit_le);
  bytes = enc_bytes (&e);
  start = g_bytes_get_data (bytes, &size);
  ds = dcm_data_set_read_bytes (bytes, &dcm_ts_explicit_le, NULL, &error);
  g_assert_no_error (error);
  value = g_bytes_get_data (dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA)->value.bytes, NULL);
  g_assert_true (value >= start && value + 16 <= start + size);
  g_assert_cmpmem (value - 4, 4, "\x10\0\0\0", 4);
}

static void
test_implicit_vr (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_implicit_le);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  guint8 four[4] = { 1, 2, 3, 4 };

  put_element (&e, DCM_TAG (0x0008, 0x0000), DCM_VR_UL, four, 4);
  put_string (&e, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, "A^B");
  put_element (&e, DCM_TAG (0x0011, 0x0010), DCM_VR_NONE, "ACME", 4);
  put_element (&e, DCM_TAG (0x0011, 0x1001), DCM_VR_NONE, four, 4);
  put_u16_element (&e, DCM_TAG_PIXEL_REPRESENTATION, 1);
  put_element (&e, DCM_TAG_SMALLEST_IMAGE_PIXEL_VALUE, DCM_VR_NONE, four, 2);
  put_element (&e, DCM_TAG (0x0029, 0x0001), DCM_VR_NONE, four, 4);
  put_element (&e, DCM_TAG_PIXEL_DATA, DCM_VR_NONE, four, 4);
  ds = parse_enc (&e, &dcm_ts_implicit_le, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG (0x0008, 0x0000))->vr, ==, DCM_VR_UL);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_PATIENT_NAME)->vr, ==, DCM_VR_PN);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG (0x0011, 0x0010))->vr, ==, DCM_VR_LO);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG (0x0011, 0x1001))->vr, ==, DCM_VR_UN);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_SMALLEST_IMAGE_PIXEL_VALUE)->vr, ==, DCM_VR_SS);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG (0x0029, 0x0001))->vr, ==, DCM_VR_UN);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA)->vr, ==, DCM_VR_OW);
  test_util_assert_value (ds, DCM_TAG_PATIENT_NAME, "A^B ", 4);
}

static void
test_implicit_us_ss_unsigned (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_implicit_le);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;

  put_u16_element (&e, DCM_TAG_PIXEL_REPRESENTATION, 0);
  put_u16_element (&e, DCM_TAG_SMALLEST_IMAGE_PIXEL_VALUE, 7);
  ds = parse_enc (&e, &dcm_ts_implicit_le, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_SMALLEST_IMAGE_PIXEL_VALUE)->vr, ==, DCM_VR_US);
}

/* Every VR as written, whatever the tag; in big endian the stored bytes
 * are the little-endian form. */
static void
check_every_vr (const DcmTransferSyntax *ts)
{
  g_auto(Enc) e = enc_new (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  static const guint8 value[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                    0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01 };

  for (DcmVR vr = DCM_VR_AE; vr < DCM_VR_N_VRS; vr++)
    if (vr != DCM_VR_SQ)
      put_element (&e, DCM_TAG (0x0009, 0x1000 + vr), vr, value, sizeof value);
  put_element (&e, DCM_TAG_FRAME_INCREMENT_POINTER, DCM_VR_AT, "\x18\x00\x63\x10", 4);
  put_element (&e, DCM_TAG_ROWS, DCM_VR_US, "\x00\x02", 2);
  ds = parse_enc (&e, ts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, DCM_VR_N_VRS - 2 + 2);
  for (DcmVR vr = DCM_VR_AE; vr < DCM_VR_N_VRS; vr++)
    {
      const DcmElement *el = dcm_data_set_lookup (ds, DCM_TAG (0x0009, 0x1000 + vr));

      if (vr == DCM_VR_SQ)
        continue;
      g_assert_nonnull (el);
      g_assert_cmpint (el->vr, ==, vr);
      g_assert_cmpuint (el->length, ==, 16);
      test_util_assert_element_bytes (el, value, sizeof value);
    }
  {
    guint64 rows = 0, at = 0;
    g_assert_true (dcm_data_set_get_uint64 (ds, DCM_TAG_ROWS, 0, &rows, NULL));
    g_assert_cmpuint (rows, ==, 512);
    test_util_assert_value (ds, DCM_TAG_FRAME_INCREMENT_POINTER, "\x18\x00\x63\x10", 4);
    if (dcm_data_set_get_uint64 (ds, DCM_TAG_FRAME_INCREMENT_POINTER, 0, &at, NULL))
      g_assert_cmphex (at, ==, DCM_TAG (0x0018, 0x1063));
  }
}

static void
test_explicit_le_every_vr (void)
{
  check_every_vr (&dcm_ts_explicit_le);
}

static void
test_explicit_be_every_vr (void)
{
  check_every_vr (&dcm_ts_explicit_be);
}

static void
test_explicit_be_raw_swap (void)
{
  static const guint8 encoded[] = {
    0x00, 0x09, 0x10, 0x01, 'A', 'T', 0x00, 0x04, 0x00, 0x18, 0x10, 0x63,
    0x00, 0x09, 0x10, 0x02, 'F', 'D', 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
    0x00, 0x09, 0x10, 0x03, 'O', 'L', 0, 0, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
    0x00, 0x09, 0x10, 0x04, 'O', 'B', 0, 0, 0, 0, 0, 2, 1, 2,
    0x00, 0x09, 0x10, 0x05, 'L', 'O', 0x00, 0x02, 'A', 'B',
    0x00, 0x28, 0x00, 0x10, 'U', 'S', 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
    0x00, 0x28, 0x12, 0x01, 'O', 'W', 0, 0, 0, 0, 0, 3, 0xaa, 0xbb, 0xcc,
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (encoded, sizeof encoded);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = dcm_data_set_read_bytes (bytes, &dcm_ts_explicit_be, NULL, &error);

  g_assert_no_error (error);
  test_util_assert_value (ds, DCM_TAG (0x0009, 0x1001), "\x18\x00\x63\x10", 4);
  test_util_assert_value (ds, DCM_TAG (0x0009, 0x1002), "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
  test_util_assert_value (ds, DCM_TAG (0x0009, 0x1003), "\x04\x03\x02\x01\x08\x07\x06\x05", 8);
  test_util_assert_value (ds, DCM_TAG (0x0009, 0x1004), "\x01\x02", 2);
  test_util_assert_value (ds, DCM_TAG (0x0009, 0x1005), "AB", 2);
  test_util_assert_value (ds, DCM_TAG_ROWS, "\x02\x01\x04\x03", 4);
  /* odd length: accepted, the trailing byte left as it is */
  test_util_assert_value (ds, DCM_TAG_RED_PALETTE_COLOR_LOOKUP_TABLE_DATA,
                          "\xbb\xaa\xcc", 3);
}

static void
test_odd_length (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(DcmDataSet) ds = NULL;

  put_element (&e, DCM_TAG_PATIENT_ID, DCM_VR_LO, "ABC", 3);
  put_element (&e, DCM_TAG_ROWS, DCM_VR_US, "\x01\x00", 2);
  ds = parse_ok (&e, NULL);
  test_util_assert_value (ds, DCM_TAG_PATIENT_ID, "ABC", 3);
  g_assert_cmpuint (dcm_data_set_lookup (ds, DCM_TAG_PATIENT_ID)->length, ==, 3);
  g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG_ROWS));
}

static void
test_unknown_vr (void)
{
  Enc e;
  g_autoptr(DcmDataSet) ds = NULL;

  enc_init (&e, &dcm_ts_explicit_le);
  put_tag (&e, DCM_TAG (0x0009, 0x1010));
  dcm_writer_put_bytes (&e.w, "XZ\0\0", 4);
  dcm_writer_put_u32_le (&e.w, 2);
  dcm_writer_put_bytes (&e.w, "hi", 2);
  ds = parse_ok (&e, NULL);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG (0x0009, 0x1010))->vr, ==, DCM_VR_UN);
  test_util_assert_value (ds, DCM_TAG (0x0009, 0x1010), "hi", 2);
  g_clear_pointer (&ds, dcm_data_set_unref);
  enc_clear (&e);

  /* implicit VR bytes in an explicit VR stream */
  enc_init (&e, &dcm_ts_implicit_le);
  put_string (&e, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, "A^B");
  assert_parse_fails (&e, NULL, DCM_ERROR_INVALID, "(0010,0010)");
  enc_clear (&e);
}

static void
test_vr_mismatch_kept (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(DcmDataSet) ds = NULL;

  put_string (&e, DCM_TAG_ROWS, DCM_VR_CS, "12");
  ds = parse_ok (&e, NULL);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_ROWS)->vr, ==, DCM_VR_CS);
}

/* ---- sequences ---- */

static void
check_un_sequence (const DcmTransferSyntax *ts)
{
  Enc e, items;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  DcmDataSet *item;
  const DcmElement *el;

  /* PS3.5 §6.2.2: the value of an undefined-length UN is implicit VR LE */
  enc_init (&items, &dcm_ts_implicit_le);
  put_item (&items, DCM_UNDEFINED_LENGTH);
  put_string (&items, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, DCM_VR_UI, "1.2.3");
  put_item_delim (&items);
  put_item (&items, 0);
  put_seq_delim (&items);
  enc_init (&e, ts);
  put_header (&e, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, DCM_VR_UN, DCM_UNDEFINED_LENGTH);
  put_enc (&e, &items);
  put_u16_element (&e, DCM_TAG_ROWS, 3);
  ds = parse_enc (&e, ts, NULL, &error);
  g_assert_no_error (error);
  el = dcm_data_set_lookup (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE);
  g_assert_cmpint (el->vr, ==, DCM_VR_UN);
  g_assert_cmpint (el->kind, ==, DCM_VALUE_ITEMS);
  g_assert_cmpuint (el->length, ==, DCM_UNDEFINED_LENGTH);
  g_assert_cmpuint (el->value.items->len, ==, 2);
  item = g_ptr_array_index (el->value.items, 0);
  g_assert_cmpint (dcm_data_set_lookup (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID)->vr, ==,
                   DCM_VR_UI);
  test_util_assert_value (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, "1.2.3\0", 6);
  g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG_ROWS));
  enc_clear (&e);
  enc_clear (&items);
}

static void
test_un_undefined_le (void)
{
  check_un_sequence (&dcm_ts_explicit_le);
}

static void
test_un_undefined_be (void)
{
  check_un_sequence (&dcm_ts_explicit_be);
}

static void
test_implicit_private_sequence (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_implicit_le);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;

  put_header (&e, DCM_TAG (0x0029, 0x1010), DCM_VR_NONE, DCM_UNDEFINED_LENGTH);
  put_item (&e, 10);
  put_string (&e, DCM_TAG_PATIENT_ID, DCM_VR_NONE, "X");
  put_seq_delim (&e);
  ds = parse_enc (&e, &dcm_ts_implicit_le, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG (0x0029, 0x1010)), ==, 1);
}

static void
test_sequence_defined_in_defined (void)
{
  Enc e, inner, item;
  g_autoptr(DcmDataSet) ds = NULL;
  DcmDataSet *i0;

  enc_init (&item, &dcm_ts_explicit_le);
  put_string (&item, DCM_TAG_CODE_VALUE, DCM_VR_SH, "AB");
  enc_init (&inner, &dcm_ts_explicit_le);
  put_item (&inner, item.buf->len);
  put_enc (&inner, &item);
  put_item (&inner, 0);
  put_item (&inner, item.buf->len);
  put_enc (&inner, &item);
  enc_init (&e, &dcm_ts_explicit_le);
  put_header (&e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, inner.buf->len);
  put_enc (&e, &inner);
  put_u16_element (&e, DCM_TAG_ROWS, 1);
  ds = parse_ok (&e, NULL);
  g_assert_cmpuint (dcm_data_set_lookup (ds, DCM_TAG_CONTENT_SEQUENCE)->length, ==, inner.buf->len);
  g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG_CONTENT_SEQUENCE), ==, 3);
  i0 = dcm_data_set_get_item (ds, DCM_TAG_CONTENT_SEQUENCE, 2);
  test_util_assert_value (i0, DCM_TAG_CODE_VALUE, "AB", 2);
  g_assert_cmpuint (dcm_data_set_n_elements (dcm_data_set_get_item (ds, DCM_TAG_CONTENT_SEQUENCE, 1)),
                    ==, 0);
  g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG_ROWS));
  enc_clear (&e);
  enc_clear (&inner);
  enc_clear (&item);
}

static void
test_empty_undefined_sequence (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(DcmDataSet) ds = NULL;

  put_header (&e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
  put_seq_delim (&e);
  put_header (&e, DCM_TAG_ICON_IMAGE_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
  put_item (&e, DCM_UNDEFINED_LENGTH);
  put_item_delim (&e);
  put_seq_delim (&e);
  ds = parse_ok (&e, NULL);
  g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG_CONTENT_SEQUENCE));
  g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG_CONTENT_SEQUENCE), ==, 0);
  g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG_ICON_IMAGE_SEQUENCE), ==, 1);
}

/* ---- encapsulated pixel data ---- */

static void
put_fragments (Enc *e, guint32 tag)
{
  put_header (e, tag, DCM_VR_OB, DCM_UNDEFINED_LENGTH);
  put_item (e, 0);
  put_item (e, 4);
  dcm_writer_put_bytes (&e->w, "\xff\xd8\x01\x02", 4);
  put_item (e, 6);
  dcm_writer_put_bytes (&e->w, "\x03\x04\x05\x06\xff\xd9", 6);
  put_seq_delim (e);
}

static void
test_fragments (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(DcmDataSet) ds = NULL;
  const DcmElement *el;

  put_header (&e, DCM_TAG_ICON_IMAGE_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
  put_item (&e, DCM_UNDEFINED_LENGTH);
  put_fragments (&e, DCM_TAG_PIXEL_DATA);
  put_item_delim (&e);
  put_seq_delim (&e);
  put_fragments (&e, DCM_TAG_PIXEL_DATA);
  put_element (&e, DCM_TAG_DATA_SET_TRAILING_PADDING, DCM_VR_OB, "\0\0", 2);
  ds = parse_ok (&e, NULL);
  el = dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA);
  g_assert_cmpint (el->kind, ==, DCM_VALUE_FRAGMENTS);
  g_assert_cmpuint (el->length, ==, DCM_UNDEFINED_LENGTH);
  g_assert_cmpint (el->vr, ==, DCM_VR_OB);
  g_assert_cmpuint (el->value.fragments->len, ==, 3);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (el->value.fragments, 0)), ==, 0);
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (el->value.fragments, 2), NULL), 6,
                   "\x03\x04\x05\x06\xff\xd9", 6);
  el = dcm_data_set_lookup (dcm_data_set_get_item (ds, DCM_TAG_ICON_IMAGE_SEQUENCE, 0),
                            DCM_TAG_PIXEL_DATA);
  g_assert_cmpint (el->kind, ==, DCM_VALUE_FRAGMENTS);
  g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG_DATA_SET_TRAILING_PADDING));
}

static void
test_fragment_undefined_length (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);

  put_header (&e, DCM_TAG_PIXEL_DATA, DCM_VR_OB, DCM_UNDEFINED_LENGTH);
  put_item (&e, DCM_UNDEFINED_LENGTH);
  put_seq_delim (&e);
  assert_parse_fails (&e, NULL, DCM_ERROR_INVALID, NULL);
}

/* ---- bad input ---- */

static void
check_every_truncation (const DcmTransferSyntax *ts, gboolean streamed)
{
  g_auto(Enc) e = enc_new (ts);
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(DcmDataSet) full = NULL;
  guint n_full;

  put_rich (&e, ts);
  put_header (&e, DCM_TAG_ICON_IMAGE_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
  put_item (&e, DCM_UNDEFINED_LENGTH);
  put_fragments (&e, DCM_TAG_PIXEL_DATA);
  put_item_delim (&e);
  put_seq_delim (&e);
  whole = enc_bytes (&e);
  full = dcm_data_set_read_bytes (whole, ts, NULL, NULL);
  n_full = count_elements (full);
  g_assert_cmpuint (n_full, ==, 13);
  for (guint cut = 0; cut < e.buf->len; cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (whole, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmDataSet) ds = NULL;

      if (streamed)
        ds = parse_stream (part, 5, ts, NULL, &error);
      else
        ds = dcm_data_set_read_bytes (part, ts, NULL, &error);
      if (ds == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == DCM_ERROR);
          g_assert_true (error->code == DCM_ERROR_TRUNCATED || error->code == DCM_ERROR_INVALID);
        }
      else
        g_assert_cmpuint (count_elements (ds), <, n_full);
    }
}

static void
test_truncated_everywhere (void)
{
  check_each_syntax (all_ts, G_N_ELEMENTS (all_ts), check_every_truncation);
}

static void
test_length_past_end (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;

  put_string (&e, DCM_TAG_PATIENT_ID, DCM_VR_LO, "12");
  put_header (&e, DCM_TAG_PATIENT_NAME, DCM_VR_PN, 5000);
  dcm_writer_put_bytes (&e.w, "Doe^John    ", 12);
  ds = parse_enc (&e, &dcm_ts_explicit_le, NULL, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED);
  g_assert_null (ds);
  g_assert_cmpstr (error->message, ==,
                   "Element (0010,0010) at offset 10 declares 5000 bytes but only 12 remain.");
}

static void
test_item_past_sequence (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);

  put_header (&e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, 16);
  put_item (&e, 10);
  put_string (&e, DCM_TAG_CODE_VALUE, DCM_VR_SH, "AB");
  put_u16_element (&e, DCM_TAG_ROWS, 1);
  assert_parse_fails (&e, NULL, DCM_ERROR_INVALID, NULL);
}

static void
test_huge_length (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GBytes) bytes = NULL;

  put_header (&e, DCM_TAG_PIXEL_DATA, DCM_VR_OB, 0xfffffff0u);
  dcm_writer_put_bytes (&e.w, "abcd", 4);
  bytes = enc_bytes (&e);
  for (guint mode = 0; mode < 3; mode++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmDataSet) ds = NULL;

      if (mode == 0)
        ds = dcm_data_set_read_bytes (bytes, &dcm_ts_explicit_le, NULL, &error);
      else
        ds = parse_stream (bytes, mode == 1 ? 0 : 1, &dcm_ts_explicit_le, NULL, &error);
      g_assert_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED);
      g_assert_null (ds);
      g_assert_nonnull (strstr (error->message, "(7FE0,0010)"));
      g_assert_nonnull (strstr (error->message, "4294967280"));
    }
}

static void
put_nested (Enc *e, guint depth)
{
  for (guint i = 0; i < depth; i++)
    {
      put_header (e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
      put_item (e, DCM_UNDEFINED_LENGTH);
    }
  for (guint i = 0; i < depth; i++)
    {
      put_item_delim (e);
      put_seq_delim (e);
    }
}

static void
test_depth_limit (void)
{
  Enc e;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(GBytes) bytes = NULL;
  DcmReadOptions opts;

  enc_init (&e, &dcm_ts_explicit_le);
  put_nested (&e, 10000);
  bytes = enc_bytes (&e);
  ds = dcm_data_set_read_bytes (bytes, &dcm_ts_explicit_le, NULL, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_LIMIT);
  g_assert_null (ds);
  g_clear_error (&error);
  ds = parse_stream (bytes, 0, &dcm_ts_explicit_le, NULL, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_LIMIT);
  g_clear_error (&error);
  enc_clear (&e);

  dcm_read_options_init (&opts);
  opts.max_depth = 3;
  enc_init (&e, &dcm_ts_explicit_le);
  put_nested (&e, 3);
  ds = parse_ok (&e, &opts);
  g_assert_cmpuint (count_elements (ds), ==, 3);
  g_clear_pointer (&ds, dcm_data_set_unref);
  enc_clear (&e);
  enc_init (&e, &dcm_ts_explicit_le);
  put_nested (&e, 4);
  assert_parse_fails (&e, &opts, DCM_ERROR_LIMIT, NULL);
  enc_clear (&e);
}

static void
test_missing_delimiters (void)
{
  Enc e;

  /* an undefined-length item running to the end of the data */
  enc_init (&e, &dcm_ts_explicit_le);
  put_header (&e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
  put_item (&e, DCM_UNDEFINED_LENGTH);
  put_string (&e, DCM_TAG_CODE_VALUE, DCM_VR_SH, "AB");
  assert_parse_fails (&e, NULL, DCM_ERROR_TRUNCATED, NULL);
  enc_clear (&e);

  /* ... and to the end of a defined-length sequence */
  enc_init (&e, &dcm_ts_explicit_le);
  put_header (&e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, 8 + 10);
  put_item (&e, DCM_UNDEFINED_LENGTH);
  put_string (&e, DCM_TAG_CODE_VALUE, DCM_VR_SH, "AB");
  put_u16_element (&e, DCM_TAG_ROWS, 1);
  assert_parse_fails (&e, NULL, DCM_ERROR_TRUNCATED, "(0040,A730)");
  enc_clear (&e);

  /* encapsulated value without its sequence delimiter */
  enc_init (&e, &dcm_ts_explicit_le);
  put_header (&e, DCM_TAG_PIXEL_DATA, DCM_VR_OB, DCM_UNDEFINED_LENGTH);
  put_item (&e, 0);
  assert_parse_fails (&e, NULL, DCM_ERROR_TRUNCATED, NULL);
  enc_clear (&e);
}

static void
test_misplaced_items (void)
{
  guint32 tags[] = { DCM_TAG_ITEM, DCM_TAG_ITEM_DELIMITATION_ITEM,
                     DCM_TAG_SEQUENCE_DELIMITATION_ITEM };
  Enc e;

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      enc_init (&e, &dcm_ts_explicit_le);
      put_u16_element (&e, DCM_TAG_ROWS, 1);
      put_header (&e, tags[i], DCM_VR_NONE, 0);
      assert_parse_fails (&e, NULL, DCM_ERROR_INVALID, NULL);
      enc_clear (&e);
    }
  /* a plain element where an item belongs */
  enc_init (&e, &dcm_ts_explicit_le);
  put_header (&e, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ, DCM_UNDEFINED_LENGTH);
  put_u16_element (&e, DCM_TAG_ROWS, 1);
  put_seq_delim (&e);
  assert_parse_fails (&e, NULL, DCM_ERROR_INVALID, "(0028,0010)");
  enc_clear (&e);
}

/* ---- deflate ---- */

static GBytes *
deflate_bytes (const guint8 *data, gsize len)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize cap = len + 1024;
  gsize n_read = 0, n_written = 0;
  GConverterResult res;

  g_byte_array_set_size (out, (guint) cap);
  res = g_converter_convert (G_CONVERTER (z), data, len, out->data, cap,
                             G_CONVERTER_INPUT_AT_END, &n_read, &n_written, NULL);
  g_assert_cmpint (res, ==, G_CONVERTER_FINISHED);
  g_assert_cmpuint (n_read, ==, len);
  g_byte_array_set_size (out, (guint) n_written);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_deflate (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = NULL, packed = NULL;
  g_autoptr(DcmDataSet) expected = NULL, a = NULL, b = NULL, c = NULL;

  put_rich (&e, &dcm_ts_explicit_le);
  plain = enc_bytes (&e);
  packed = deflate_bytes (e.buf->data, e.buf->len);
  expected = dcm_data_set_read_bytes (plain, &dcm_ts_explicit_le, NULL, &error);
  g_assert_no_error (error);
  a = dcm_data_set_read_bytes (packed, &dcm_ts_deflated_explicit_le, NULL, &error);
  g_assert_no_error (error);
  check_rich (a);
  g_assert_true (dcm_data_set_equal (expected, a));
  b = parse_stream (packed, 0, &dcm_ts_deflated_explicit_le, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_data_set_equal (expected, b));
  c = parse_stream (packed, 2, &dcm_ts_deflated_explicit_le, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_data_set_equal (expected, c));
}

static void
test_deflate_corrupt (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GBytes) packed = NULL, half = NULL, junk = NULL;

  put_rich (&e, &dcm_ts_explicit_le);
  packed = deflate_bytes (e.buf->data, e.buf->len);
  half = g_bytes_new_from_bytes (packed, 0, g_bytes_get_size (packed) / 2);
  junk = g_bytes_new_static ("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmDataSet) ds = NULL;

      ds = mode == 0 ? dcm_data_set_read_bytes (half, &dcm_ts_deflated_explicit_le, NULL, &error)
                     : parse_stream (half, 0, &dcm_ts_deflated_explicit_le, NULL, &error);
      g_assert_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED);
      g_clear_error (&error);
      ds = mode == 0 ? dcm_data_set_read_bytes (junk, &dcm_ts_deflated_explicit_le, NULL, &error)
                     : parse_stream (junk, 0, &dcm_ts_deflated_explicit_le, NULL, &error);
      g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
    }
}

static void
test_deflate_bomb (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GBytes) packed = NULL;
  g_autofree guint8 *zeros = g_malloc0 (16 * 1024 * 1024);
  DcmReadOptions opts;

  put_element (&e, DCM_TAG_PIXEL_DATA, DCM_VR_OB, zeros, 16 * 1024 * 1024);
  packed = deflate_bytes (e.buf->data, e.buf->len);
  g_assert_cmpuint (g_bytes_get_size (packed), <, 64 * 1024);
  dcm_read_options_init (&opts);
  opts.max_inflated_size = 1024 * 1024;
  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmDataSet) ds = NULL;

      ds = mode == 0 ? dcm_data_set_read_bytes (packed, &dcm_ts_deflated_explicit_le, &opts, &error)
                     : parse_stream (packed, 0, &dcm_ts_deflated_explicit_le, &opts, &error);
      g_assert_error (error, DCM_ERROR, DCM_ERROR_LIMIT);
      g_assert_null (ds);
      g_assert_nonnull (strstr (error->message, "deflate bomb"));
    }
}

/* ---- streaming, bulk data ---- */

typedef struct {
  GByteArray *data;
  guint       n_chunks;
  guint64     next_offset;
  gint        last_fragment;
  gboolean    saw_last;
  guint32     tag;
} Collector;

static gboolean
collect (const DcmBulkChunk *chunk, gpointer user_data, GError **error)
{
  Collector *c = user_data;

  if (chunk->fragment_index != c->last_fragment)
    {
      g_assert_cmpint (chunk->fragment_index, ==, c->last_fragment + 1);
      g_assert_true (c->last_fragment < 0 || c->saw_last);
      c->last_fragment = chunk->fragment_index;
      c->next_offset = 0;
    }
  g_assert_cmpuint (chunk->offset, ==, c->next_offset);
  g_assert_cmpuint (chunk->offset + chunk->len, <=, chunk->value_length);
  g_assert_cmpint (chunk->last, ==, chunk->offset + chunk->len == chunk->value_length);
  c->saw_last = chunk->last;
  c->next_offset += chunk->len;
  c->tag = chunk->tag;
  g_byte_array_append (c->data, chunk->data, (guint) chunk->len);
  c->n_chunks++;
  return TRUE;
}

/* Reads bytes with opts, its bulk data going to c: Pixel Data must be
 * left as a reference. */
static DcmDataSet *
read_to_collector (GBytes *bytes, gsize step, const DcmTransferSyntax *ts, DcmReadOptions *opts,
                   Collector *c)
{
  g_autoptr(GError) error = NULL;
  DcmDataSet *ds;

  opts->sink = collect;
  opts->sink_data = c;
  ds = parse_stream (bytes, step, ts, opts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA)->kind, ==, DCM_VALUE_BULK);
  return ds;
}

static void
check_stream_sink (const DcmTransferSyntax *ts)
{
  g_auto(Enc) e = enc_new (ts);
  gsize big = 700 * 1000 + 2;
  g_autofree guint8 *value = g_malloc (big);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  Collector c = { g_byte_array_new (), 0, 0, -1, FALSE, 0 };
  DcmReadOptions opts;
  const DcmElement *el;

  for (gsize i = 0; i < big; i++)
    value[i] = (guint8) (i * 7 + i / 251);
  put_string (&e, DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID");
  put_element (&e, DCM_TAG_PIXEL_DATA, DCM_VR_OW, value, big);
  put_element (&e, DCM_TAG_DATA_SET_TRAILING_PADDING, DCM_VR_OB, "\0\0\0\0", 4);
  bytes = enc_bytes (&e);
  dcm_read_options_init (&opts);
  opts.bulk_threshold = 1024;
  ds = read_to_collector (bytes, 0, ts, &opts, &c);
  el = dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA);
  g_assert_cmpuint (el->value.bulk->length, ==, big);
  g_assert_cmpuint (el->value.bulk->offset, ==, 10 + (ts->explicit_vr ? 12 : 8));
  g_assert_null (el->value.bulk->path);
  g_assert_cmpuint (el->length, ==, big);
  g_assert_cmpuint (c.n_chunks, >, 1);
  g_assert_true (c.saw_last);
  g_assert_cmphex (c.tag, ==, DCM_TAG_PIXEL_DATA);
  g_assert_cmpmem (c.data->data, c.data->len, value, big);
  test_util_assert_value (ds, DCM_TAG_PATIENT_ID, "ID", 2);
  test_util_assert_value (ds, DCM_TAG_DATA_SET_TRAILING_PADDING, "\0\0\0\0", 4);
  g_byte_array_unref (c.data);
}

static void
test_stream_sink_le (void)
{
  check_stream_sink (&dcm_ts_explicit_le);
}

static void
test_stream_sink_be (void)
{
  check_stream_sink (&dcm_ts_explicit_be);
}

static void
test_stream_sink_fragments (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  Collector c = { g_byte_array_new (), 0, 0, -1, FALSE, 0 };
  DcmReadOptions opts;
  const DcmElement *el;

  put_fragments (&e, DCM_TAG_PIXEL_DATA);
  put_element (&e, DCM_TAG_DATA_SET_TRAILING_PADDING, DCM_VR_OB, "\0\0", 2);
  bytes = enc_bytes (&e);
  dcm_read_options_init (&opts);
  opts.bulk_pixel_data = TRUE;
  ds = read_to_collector (bytes, 3, &dcm_ts_explicit_le, &opts, &c);
  el = dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA);
  g_assert_cmpuint (el->length, ==, DCM_UNDEFINED_LENGTH);
  g_assert_cmpuint (el->value.bulk->offset, ==, 12);
  g_assert_cmpuint (el->value.bulk->length, ==, 8 + 8 + 4 + 8 + 6 + 8);
  g_assert_cmpint (c.last_fragment, ==, 2);
  g_assert_cmpmem (c.data->data, c.data->len, "\xff\xd8\x01\x02\x03\x04\x05\x06\xff\xd9", 10);
  g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG_DATA_SET_TRAILING_PADDING));
  g_byte_array_unref (c.data);
}

static void
test_stream_bulk_path (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_auto(TestUtilTmpdir) dir = test_util_make_tmpdir ("parser");
  g_autofree char *path = g_build_filename (dir, "ds.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  g_autofree guint8 *value = g_malloc (300000);
  g_autofree char *contents = NULL;
  gsize len;
  DcmReadOptions opts;
  const DcmElement *el;

  memset (value, 0x5a, 300000);
  value[0] = 1;
  dcm_writer_put_bytes (&e.w, "PREFIX", 6);
  put_string (&e, DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID");
  put_element (&e, DCM_TAG_PIXEL_DATA, DCM_VR_OB, value, 300000);
  put_u16_element (&e, DCM_TAG (0x7fe1, 0x0010), 9);
  g_assert_true (g_file_set_contents (path, (char *) e.buf->data, e.buf->len, NULL));
  in = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_input_stream_skip (G_INPUT_STREAM (in), 6, NULL, NULL) == 6);
  dcm_read_options_init (&opts);
  opts.bulk_threshold = 4096;
  opts.source_path = path;
  opts.source_offset = 6;
  ds = dcm_data_set_read_stream (G_INPUT_STREAM (in), &dcm_ts_explicit_le, &opts, NULL, &error);
  g_assert_no_error (error);
  el = dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA);
  g_assert_cmpint (el->kind, ==, DCM_VALUE_BULK);
  g_assert_cmpstr (el->value.bulk->path, ==, path);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (el->value.bulk->offset + el->value.bulk->length, <=, len);
  g_assert_cmpmem (contents + el->value.bulk->offset, el->value.bulk->length, value, 300000);
  g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG (0x7fe1, 0x0010)));
}

static void
test_stream_large_in_memory (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_be);
  gsize big = 1000 * 1000;
  g_autofree guint8 *value = g_malloc (big);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;

  for (gsize i = 0; i < big; i++)
    value[i] = (guint8) (i % 253);
  put_element (&e, DCM_TAG_PIXEL_DATA, DCM_VR_OW, value, big);
  bytes = enc_bytes (&e);
  ds = parse_stream (bytes, 0, &dcm_ts_explicit_be, NULL, &error);
  g_assert_no_error (error);
  test_util_assert_value (ds, DCM_TAG_PIXEL_DATA, value, big);
}

/* Group 0002 in explicit LE, then the rest in another syntax from the same
 * stream, as PS3.10 files are read. */
static void
check_stop_and_continue (const DcmTransferSyntax *ts, gboolean streamed)
{
  Enc meta, body;
  g_autoptr(GByteArray) all = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) m = dcm_data_set_new ();
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmParser) parser = NULL;
  g_autoptr(GInputStream) in = NULL;

  enc_init (&meta, &dcm_ts_explicit_le);
  put_string (&meta, DCM_TAG_TRANSFER_SYNTAX_UID, DCM_VR_UI, ts->uid);
  enc_init (&body, &dcm_ts_explicit_le);
  put_rich (&body, &dcm_ts_explicit_le);
  if (!ts->deflated)
    {
      enc_clear (&body);
      enc_init (&body, ts);
      put_rich (&body, ts);
    }
  g_byte_array_append (all, meta.buf->data, meta.buf->len);
  if (ts->deflated)
    {
      g_autoptr(GBytes) packed = deflate_bytes (body.buf->data, body.buf->len);
      g_byte_array_append (all, g_bytes_get_data (packed, NULL), (guint) g_bytes_get_size (packed));
    }
  else
    g_byte_array_append (all, body.buf->data, body.buf->len);
  bytes = g_bytes_new (all->data, all->len);
  if (streamed)
    {
      in = trickle_new (bytes, 4096);
      parser = dcm_parser_new_for_stream (in, &dcm_ts_explicit_le, NULL);
    }
  else
    parser = dcm_parser_new_for_bytes (bytes, &dcm_ts_explicit_le, NULL);
  g_assert_true (dcm_parser_read_until (parser, m, DCM_TAG (0x0003, 0x0000), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dcm_data_set_n_elements (m), ==, 1);
  g_assert_cmpuint (dcm_parser_get_offset (parser), ==, meta.buf->len);
  g_assert_false (dcm_parser_at_end (parser, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dcm_parser_set_transfer_syntax (parser, ts, &error));
  g_assert_true (dcm_parser_read_until (parser, ds, 0, NULL, &error));
  g_assert_no_error (error);
  check_rich (ds);
  g_assert_true (dcm_parser_at_end (parser, NULL, &error));
  enc_clear (&meta);
  enc_clear (&body);
}

static void
test_stop_and_continue (void)
{
  const DcmTransferSyntax *syntaxes[] = {
    &dcm_ts_implicit_le, &dcm_ts_explicit_le, &dcm_ts_explicit_be, &dcm_ts_deflated_explicit_le,
  };

  check_each_syntax (syntaxes, G_N_ELEMENTS (syntaxes), check_stop_and_continue);
}

static void
test_stop_at_tag_option (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(DcmDataSet) ds = NULL;
  DcmReadOptions opts;

  put_rich (&e, &dcm_ts_explicit_le);
  dcm_read_options_init (&opts);
  opts.stop_at_tag = DCM_TAG_ROWS;
  ds = parse_ok (&e, &opts);
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 3);
  g_assert_null (dcm_data_set_lookup (ds, DCM_TAG_ROWS));
}

static void
test_peek_and_skip (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("0123456789", 10);
  g_autoptr(GInputStream) in = trickle_new (bytes, 1);
  g_autoptr(DcmParser) parser = dcm_parser_new_for_stream (in, &dcm_ts_explicit_le, NULL);
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len;

  g_assert_true (dcm_parser_peek (parser, 4, &data, &len, NULL, &error));
  g_assert_cmpmem (data, len, "0123", 4);
  g_assert_true (dcm_parser_skip (parser, 3, NULL, &error));
  g_assert_true (dcm_parser_peek (parser, 100, &data, &len, NULL, &error));
  g_assert_cmpmem (data, len, "3456789", 7);
  g_assert_false (dcm_parser_skip (parser, 8, NULL, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED);
}

static void
test_stream_io_error (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = NULL;

  put_rich (&e, &dcm_ts_explicit_le);
  bytes = enc_bytes (&e);
  in = trickle_new (bytes, 16);
  ((TrickleStream *) in)->fail_at = 40;
  ds = dcm_data_set_read_stream (in, &dcm_ts_explicit_le, NULL, NULL, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "peer went away"));
  g_assert_null (ds);
}

static gboolean
refuse (const DcmBulkChunk *chunk, gpointer user_data, GError **error)
{
  if (user_data != NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full");
  return FALSE;
}

static void
test_sink_refuses (void)
{
  g_auto(Enc) e = enc_new (&dcm_ts_explicit_le);
  g_autoptr(GBytes) bytes = NULL;
  DcmReadOptions opts;

  put_rich (&e, &dcm_ts_explicit_le);
  bytes = enc_bytes (&e);
  dcm_read_options_init (&opts);
  opts.bulk_threshold = 8;
  opts.sink = refuse;
  for (guint with_error = 0; with_error < 2; with_error++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmDataSet) ds = NULL;

      opts.sink_data = with_error ? &opts : NULL;
      ds = dcm_data_set_read_bytes (bytes, &dcm_ts_explicit_le, &opts, &error);
      g_assert_null (ds);
      if (with_error)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      else
        g_assert_error (error, DCM_ERROR, DCM_ERROR_IO);
    }
}

/* ---- against DCMTK ---- */

static void
test_dcmtk_dump2dcm (void)
{
  g_autofree char *dump2dcm = test_util_require_program ("dump2dcm");
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autofree char *dump = NULL, *out = NULL, *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmDataSet) meta = dcm_data_set_new ();
  g_autoptr(DcmParser) parser = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *ts_uid = NULL;
  const char *text =
    "(0008,0016) UI =CTImageStorage\n"
    "(0008,0018) UI [1.2.3.4.5]\n"
    "(0010,0010) PN [Doe^John]\n"
    "(0010,1010) AS [042Y]\n"
    "(0028,0010) US 2\n"
    "(0028,1052) DS [-1024]\n"
    "(0040,0275) SQ (Sequence with undefined length)\n"
    "  (fffe,e000) na (Item with undefined length)\n"
    "    (0040,0007) LO [step one]\n"
    "    (0040,0008) SQ (Sequence with undefined length)\n"
    "      (fffe,e000) na (Item with undefined length)\n"
    "        (0008,0100) SH [C1]\n"
    "      (fffe,e00d) na (ItemDelimitationItem)\n"
    "    (fffe,e0dd) na (SequenceDelimitationItem)\n"
    "  (fffe,e00d) na (ItemDelimitationItem)\n"
    "(fffe,e0dd) na (SequenceDelimitationItem)\n"
    "(7fe0,0010) OW 0001\\0002\\0003\\0004\n";
  const char *syntaxes[][2] = {
    { "+te", DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN },
    { "+ti", DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN },
    { "+tb", DCM_UID_EXPLICIT_VR_BIG_ENDIAN },
  };

  if (dump2dcm == NULL)
    return;
  dir = test_util_make_tmpdir ("parser-dcmtk");
  dump = g_build_filename (dir, "in.txt", NULL);
  out = g_build_filename (dir, "out.dcm", NULL);
  g_assert_true (g_file_set_contents (dump, text, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    {
      const char *argv[] = { dump2dcm, syntaxes[i][0], dump, out, NULL };
      g_autofree char *err = NULL;
      const DcmTransferSyntax *ts;
      const guint8 *data;
      gsize len;
      int status = -1;
      guint64 rows = 0;
      DcmDataSet *item;

      g_clear_pointer (&contents, g_free);
      g_clear_pointer (&ds, dcm_data_set_unref);
      g_clear_pointer (&meta, dcm_data_set_unref);
      g_clear_pointer (&parser, dcm_parser_free);
      g_clear_pointer (&bytes, g_bytes_unref);
      g_clear_pointer (&ts_uid, g_free);
      ds = dcm_data_set_new ();
      meta = dcm_data_set_new ();
      g_assert_true (test_util_run (argv, NULL, &err, &status, &error));
      g_assert_cmpint (status, ==, 0);
      g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
      bytes = g_bytes_new (contents, len);
      parser = dcm_parser_new_for_bytes (bytes, &dcm_ts_explicit_le, NULL);
      g_assert_true (dcm_parser_peek (parser, 132, &data, &len, NULL, &error));
      g_assert_cmpmem (data + 128, 4, "DICM", 4);
      g_assert_true (dcm_parser_skip (parser, 132, NULL, &error));
      g_assert_true (dcm_parser_read_until (parser, meta, DCM_TAG (0x0003, 0x0000), NULL, &error));
      g_assert_no_error (error);
      ts_uid = g_strndup (g_bytes_get_data (dcm_data_set_lookup (meta, DCM_TAG_TRANSFER_SYNTAX_UID)->value.bytes, NULL),
                          g_bytes_get_size (dcm_data_set_lookup (meta, DCM_TAG_TRANSFER_SYNTAX_UID)->value.bytes));
      g_assert_cmpstr (ts_uid, ==, syntaxes[i][1]);
      ts = dcm_transfer_syntax_lookup (ts_uid);
      g_assert_true (dcm_parser_set_transfer_syntax (parser, ts, &error));
      g_assert_true (dcm_parser_read_until (parser, ds, 0, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 8);
      g_assert_cmpuint (count_elements (ds), ==, 11);
      test_util_assert_value (ds, DCM_TAG_PATIENT_NAME, "Doe^John", 8);
      test_util_assert_value (ds, DCM_TAG_SOP_CLASS_UID, DCM_UID_CT_IMAGE_STORAGE,
                              strlen (DCM_UID_CT_IMAGE_STORAGE) + 1);
      g_assert_true (dcm_data_set_get_uint64 (ds, DCM_TAG_ROWS, 0, &rows, NULL));
      g_assert_cmpuint (rows, ==, 2);
      test_util_assert_value (ds, DCM_TAG_PIXEL_DATA, "\1\0\2\0\3\0\4\0", 8);
      item = dcm_data_set_get_item (ds, DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE, 0);
      item = dcm_data_set_get_item (item, DCM_TAG_SCHEDULED_PROTOCOL_CODE_SEQUENCE, 0);
      test_util_assert_value (item, DCM_TAG_CODE_VALUE, "C1", 2);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parser/binary/reader", test_binary_reader);
  g_test_add_func ("/parser/binary/writer", test_binary_writer);
  g_test_add_func ("/parser/syntaxes/rich", test_syntaxes_rich);
  g_test_add_func ("/parser/bytes/zero-copy", test_zero_copy);
  g_test_add_func ("/parser/implicit/vr-from-dictionary", test_implicit_vr);
  g_test_add_func ("/parser/implicit/us-or-ss", test_implicit_us_ss_unsigned);
  g_test_add_func ("/parser/explicit-le/every-vr", test_explicit_le_every_vr);
  g_test_add_func ("/parser/explicit-be/every-vr", test_explicit_be_every_vr);
  g_test_add_func ("/parser/explicit-be/swap", test_explicit_be_raw_swap);
  g_test_add_func ("/parser/explicit/odd-length", test_odd_length);
  g_test_add_func ("/parser/explicit/unknown-vr", test_unknown_vr);
  g_test_add_func ("/parser/explicit/vr-mismatch-kept", test_vr_mismatch_kept);
  g_test_add_func ("/parser/sequence/un-undefined-length/le", test_un_undefined_le);
  g_test_add_func ("/parser/sequence/un-undefined-length/be", test_un_undefined_be);
  g_test_add_func ("/parser/sequence/implicit-private", test_implicit_private_sequence);
  g_test_add_func ("/parser/sequence/defined-in-defined", test_sequence_defined_in_defined);
  g_test_add_func ("/parser/sequence/empty-undefined", test_empty_undefined_sequence);
  g_test_add_func ("/parser/fragments/basic", test_fragments);
  g_test_add_func ("/parser/fragments/undefined-length", test_fragment_undefined_length);
  g_test_add_func ("/parser/bad/truncated-everywhere", test_truncated_everywhere);
  g_test_add_func ("/parser/bad/length-past-end", test_length_past_end);
  g_test_add_func ("/parser/bad/item-past-sequence", test_item_past_sequence);
  g_test_add_func ("/parser/bad/huge-length", test_huge_length);
  g_test_add_func ("/parser/bad/depth-limit", test_depth_limit);
  g_test_add_func ("/parser/bad/missing-delimiters", test_missing_delimiters);
  g_test_add_func ("/parser/bad/misplaced-items", test_misplaced_items);
  g_test_add_func ("/parser/deflate/round-trip", test_deflate);
  g_test_add_func ("/parser/deflate/corrupt", test_deflate_corrupt);
  g_test_add_func ("/parser/deflate/bomb", test_deflate_bomb);
  g_test_add_func ("/parser/stream/sink/le", test_stream_sink_le);
  g_test_add_func ("/parser/stream/sink/be", test_stream_sink_be);
  g_test_add_func ("/parser/stream/sink/fragments", test_stream_sink_fragments);
  g_test_add_func ("/parser/stream/bulk-path", test_stream_bulk_path);
  g_test_add_func ("/parser/stream/large-in-memory", test_stream_large_in_memory);
  g_test_add_func ("/parser/incremental/stop-and-continue", test_stop_and_continue);
  g_test_add_func ("/parser/incremental/stop-at-tag-option", test_stop_at_tag_option);
  g_test_add_func ("/parser/incremental/peek-and-skip", test_peek_and_skip);
  g_test_add_func ("/parser/stream/io-error", test_stream_io_error);
  g_test_add_func ("/parser/stream/sink-refuses", test_sink_refuses);
  g_test_add_func ("/parser/dcmtk/dump2dcm", test_dcmtk_dump2dcm);
  return g_test_run ();
}
