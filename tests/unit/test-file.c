/* test-file.c — PS3.10 files */
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "dcm-error.h"
#include "dcm-file.h"
#include "dcm-uid.h"
#include "test-util.h"

static const DcmTransferSyntax *const syntaxes[] = {
  &dcm_ts_implicit_le, &dcm_ts_explicit_le, &dcm_ts_explicit_be, &dcm_ts_deflated_explicit_le,
};

#define SOP_INSTANCE "1.2.826.0.1.3680043.2.1125.1.1234567"

/* ---- helpers ---- */

static void
set_text (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *text)
{
  gsize len = strlen (text);
  g_autofree char *padded = g_strdup_printf ("%s%c", text, dcm_vr_padding (vr));
  g_autoptr(GError) error = NULL;

  g_assert_true (dcm_data_set_set_raw (ds, tag, vr, padded, len + (len & 1), &error));
  g_assert_no_error (error);
}

static void
set_u16 (DcmDataSet *ds, guint32 tag, guint16 v)
{
  guint8 le[2] = { (guint8) v, (guint8) (v >> 8) };
  g_autoptr(GError) error = NULL;

  g_assert_true (dcm_data_set_set_raw (ds, tag, DCM_VR_US, le, 2, &error));
  g_assert_no_error (error);
}

static DcmDataSet *
sample_data_set (void)
{
  DcmDataSet *ds = dcm_data_set_new ();
  DcmElement *sq;
  DcmDataSet *item = dcm_data_set_new ();
  guint8 pixels[16];

  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = (guint8) (i * 17);
  set_text (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 100");
  set_text (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE);
  set_text (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI, SOP_INSTANCE);
  set_text (ds, DCM_TAG_STUDY_DATE, DCM_VR_DA, "20240131");
  set_text (ds, DCM_TAG_MODALITY, DCM_VR_CS, "OT");
  set_text (ds, DCM_TAG_CONVERSION_TYPE, DCM_VR_CS, "WSD");
  set_text (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe^John");
  set_text (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID123");
  set_text (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI, "1.2.826.0.1.3680043.2.1125.1.1");
  set_text (ds, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_UI, "1.2.826.0.1.3680043.2.1125.1.2");
  sq = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, DCM_VR_SQ);
  set_text (item, DCM_TAG_REFERENCED_SOP_CLASS_UID, DCM_VR_UI, DCM_UID_CT_IMAGE_STORAGE);
  set_text (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, DCM_VR_UI, "1.2.3.4");
  dcm_data_set_append_item (ds, sq, item);
  set_u16 (ds, DCM_TAG_SAMPLES_PER_PIXEL, 1);
  set_text (ds, DCM_TAG_PHOTOMETRIC_INTERPRETATION, DCM_VR_CS, "MONOCHROME2");
  set_u16 (ds, DCM_TAG_ROWS, 2);
  set_u16 (ds, DCM_TAG_COLUMNS, 4);
  set_u16 (ds, DCM_TAG_BITS_ALLOCATED, 16);
  set_u16 (ds, DCM_TAG_BITS_STORED, 12);
  set_u16 (ds, DCM_TAG_HIGH_BIT, 11);
  set_u16 (ds, DCM_TAG_PIXEL_REPRESENTATION, 0);
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OW, pixels,
                                       sizeof pixels, NULL));
  return ds;
}

static DcmFile *
sample_file (const DcmTransferSyntax *ts)
{
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  g_autoptr(GError) error = NULL;
  DcmFile *file = dcm_file_new (ds, ts->uid, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

static char *
element_text (DcmDataSet *ds, guint32 tag)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);

  g_assert_nonnull (el);
  g_assert_cmpint (el->kind, ==, DCM_VALUE_BYTES);
  return g_strndup (g_bytes_get_data (el->value.bytes, NULL), g_bytes_get_size (el->value.bytes));
}

static GBytes *
file_bytes (DcmFile *file)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = dcm_file_write_bytes (file, DCM_WRITE_DEFAULT, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static GBytes *
slice (GBytes *bytes, gsize offset, gsize len)
{
  return g_bytes_new_from_bytes (bytes, offset, len);
}

static guint32
meta_group_length (DcmFile *file)
{
  const DcmElement *el = dcm_data_set_lookup (dcm_file_get_meta (file),
                                              DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH);
  const guint8 *d;

  g_assert_nonnull (el);
  g_assert_cmpuint (g_bytes_get_size (el->value.bytes), ==, 4);
  d = g_bytes_get_data (el->value.bytes, NULL);
  return d[0] | (d[1] << 8) | (d[2] << 16) | ((guint32) d[3] << 24);
}

/* Offset of the data set: prefix, then 12 bytes of (0002,0000) and the group. */
static gsize
data_set_offset (DcmFile *file)
{
  return 132 + 12 + meta_group_length (file);
}

/* ---- the meta group ---- */

static void
test_new_meta (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_le);
  DcmDataSet *meta = dcm_file_get_meta (file);
  g_autofree char *sop_class = element_text (meta, DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID);
  g_autofree char *sop_instance = element_text (meta, DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID);
  g_autofree char *ts = element_text (meta, DCM_TAG_TRANSFER_SYNTAX_UID);
  g_autofree char *impl = element_text (meta, DCM_TAG_IMPLEMENTATION_CLASS_UID);
  g_autofree char *name = element_text (meta, DCM_TAG_IMPLEMENTATION_VERSION_NAME);
  const DcmElement *version = dcm_data_set_lookup (meta, DCM_TAG_FILE_META_INFORMATION_VERSION);
  guint64 len;

  g_assert_nonnull (version);
  g_assert_cmpint (version->vr, ==, DCM_VR_OB);
  g_assert_cmpmem (g_bytes_get_data (version->value.bytes, NULL),
                   g_bytes_get_size (version->value.bytes), "\x00\x01", 2);
  /* 1.2.840.10008.5.1.4.1.1.7 has 25 characters: NUL padded */
  g_assert_cmpmem (sop_class, 26, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE "", 26);
  g_assert_cmpstr (sop_instance, ==, SOP_INSTANCE);
  g_assert_cmpmem (ts, 20, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN "", 20);
  g_assert_cmpstr (impl, ==, DCM_IMPLEMENTATION_CLASS_UID);
  g_assert_cmpstr (name, ==, DCM_IMPLEMENTATION_VERSION_NAME);
  g_assert_cmpstr (dcm_file_get_transfer_syntax_uid (file), ==, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_assert_true (dcm_data_set_encoded_length (meta, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                                              &len, NULL));
  g_assert_cmpuint (meta_group_length (file), ==, len - 12);
}

static void
test_new_missing_uids (void)
{
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  g_autoptr(GError) error = NULL;
  DcmFile *file;

  dcm_data_set_remove (ds, DCM_TAG_SOP_INSTANCE_UID);
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "(0008,0018)"));
  g_assert_null (file);
  g_clear_error (&error);

  dcm_data_set_remove (ds, DCM_TAG_SOP_CLASS_UID);
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "(0008,0016)"));
  g_assert_null (file);
}

static void
test_new_unknown_syntax (void)
{
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  g_autoptr(GError) error = NULL;
  DcmFile *file = dcm_file_new (ds, "1.2.3.4.5", &error);

  g_assert_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "1.2.3.4.5"));
  g_assert_null (file);
}

/* Meta (0002) elements given in the data set stay out of its encoding. */
static void
test_new_strips_meta_group (void)
{
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  g_autoptr(DcmFile) file = NULL;

  set_text (ds, DCM_TAG_TRANSFER_SYNTAX_UID, DCM_VR_UI, DCM_UID_EXPLICIT_VR_BIG_ENDIAN);
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, NULL);
  g_assert_nonnull (file);
  g_assert_false (dcm_data_set_contains (dcm_file_get_data_set (file),
                                         DCM_TAG_TRANSFER_SYNTAX_UID));
  g_assert_true (dcm_data_set_contains (ds, DCM_TAG_TRANSFER_SYNTAX_UID));
}

/* ---- round trips ---- */

static void
test_round_trip (gconstpointer data)
{
  const DcmTransferSyntax *ts = data;
  g_autoptr(DcmFile) file = sample_file (ts);
  g_autoptr(GBytes) bytes = file_bytes (file);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) back = NULL;
  static const guint8 zeros[128] = { 0 };

  g_assert_cmpmem (d, 128, zeros, 128);
  g_assert_cmpmem (d + 128, 4, "DICM", 4);
  /* (0002,0000) UL 4, always explicit VR little endian */
  g_assert_cmpmem (d + 132, 8, "\x02\x00\x00\x00UL\x04\x00", 8);
  back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_true (dcm_file_get_transfer_syntax (back) == ts);
  g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back), dcm_file_get_data_set (file)));
  g_assert_true (dcm_data_set_equal (dcm_file_get_meta (back), dcm_file_get_meta (file)));
}

static void
test_read_stream (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    {
      g_autoptr(DcmFile) file = sample_file (syntaxes[i]);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) written = NULL;
      g_autoptr(GBytes) bytes = file_bytes (file);
      g_autoptr(GInputStream) in = NULL;
      g_autoptr(DcmFile) back = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (dcm_file_write_stream (file, out, DCM_WRITE_DEFAULT, NULL, &error));
      g_assert_no_error (error);
      g_output_stream_close (out, NULL, NULL);
      written = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
      g_assert_true (g_bytes_equal (written, bytes));
      in = g_memory_input_stream_new_from_bytes (written);
      back = dcm_file_read_stream (in, NULL, DCM_FILE_READ_DEFAULT, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_file_get_transfer_syntax (back) == syntaxes[i]);
      g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back),
                                         dcm_file_get_data_set (file)));
    }
}

static void
test_deflated_layout (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_deflated_explicit_le);
  g_autoptr(GBytes) bytes = file_bytes (file);
  gsize start = data_set_offset (file);
  g_autoptr(GBytes) deflated = slice (bytes, start, g_bytes_get_size (bytes) - start);
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_bytes (deflated);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (mem, G_CONVERTER (z));
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = dcm_data_set_read_stream (in, &dcm_ts_explicit_le, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (dcm_data_set_equal (ds, dcm_file_get_data_set (file)));
}

/* ---- bad input ---- */

static void
assert_not_part10 (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) file = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);

  g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_PART10);
  g_assert_null (file);
}

static void
test_not_part10 (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_le);
  g_autoptr(GBytes) good = file_bytes (file);
  g_autoptr(GByteArray) bad = g_byte_array_new ();
  g_autoptr(GBytes) garbage = NULL;
  g_autoptr(GBytes) short_data = g_bytes_new_static ("DICM", 4);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) none = NULL;

  g_byte_array_append (bad, g_bytes_get_data (good, NULL), g_bytes_get_size (good));
  memcpy (bad->data + 128, "DICN", 4);
  garbage = g_bytes_new (bad->data, bad->len);
  none = dcm_file_read_bytes (garbage, NULL, DCM_FILE_READ_DEFAULT, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_PART10);
  g_assert_nonnull (strstr (error->message, "no 'DICM' prefix at offset 128"));
  assert_not_part10 (short_data);
  assert_not_part10 (empty);
}

static void
test_garbage_preamble_accepted (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_le);
  g_autoptr(GBytes) good = file_bytes (file);
  g_autoptr(GByteArray) copy = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) back = NULL;

  /* PS3.10 §7.1: the preamble's content is for applications; any bytes do */
  g_byte_array_append (copy, g_bytes_get_data (good, NULL), g_bytes_get_size (good));
  memset (copy->data, 'x', 128);
  bytes = g_bytes_new (copy->data, copy->len);
  back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back), dcm_file_get_data_set (file)));
}

static void
test_truncated_meta (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_le);
  g_autoptr(GBytes) good = file_bytes (file);
  gsize end = data_set_offset (file);

  for (gsize cut = 133; cut < end; cut += 7)
    {
      g_autoptr(GBytes) bytes = slice (good, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
      g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
      g_autoptr(GError) stream_error = NULL;
      g_autoptr(DcmFile) streamed = dcm_file_read_stream (in, NULL, DCM_FILE_READ_DEFAULT,
                                                          NULL, &stream_error);

      g_assert_null (back);
      g_assert_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED);
      g_assert_null (streamed);
      g_assert_error (stream_error, DCM_ERROR, DCM_ERROR_TRUNCATED);
    }
}

/* The meta group is read by its tags, whatever (0002,0000) claims. */
static void
test_wrong_group_length (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_implicit_le);
  g_autoptr(GBytes) good = file_bytes (file);
  guint32 wrong[] = { 0, 10, 100000 };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GByteArray) copy = g_byte_array_new ();
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) back = NULL;
      guint32 le = GUINT32_TO_LE (wrong[i]);

      g_byte_array_append (copy, g_bytes_get_data (good, NULL), g_bytes_get_size (good));
      memcpy (copy->data + 140, &le, 4);
      bytes = g_bytes_new (copy->data, copy->len);
      back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back),
                                         dcm_file_get_data_set (file)));
    }
}

static void
test_unknown_syntax_in_file (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_le);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) back = NULL;

  /* same length as 1.2.840.10008.1.2.1 so the group length stays right */
  set_text (dcm_file_get_meta (file), DCM_TAG_TRANSFER_SYNTAX_UID, DCM_VR_UI,
            "1.2.840.99999.1.2.1");
  bytes = file_bytes (file);
  back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "1.2.840.99999.1.2.1"));
  g_assert_null (back);
}

/* Encapsulated syntaxes read as explicit VR LE with fragments. */
static void
test_encapsulated_read (void)
{
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  DcmElement *el = dcm_data_set_insert (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB);
  GPtrArray *frags = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DcmFile) back = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (frags, g_bytes_new_static ("", 0));
  g_ptr_array_add (frags, g_bytes_new_static ("\xff\xd8\xff\xd9", 4));
  dcm_element_take_fragments (el, frags);
  file = dcm_file_new (ds, DCM_UID_JPEG_BASELINE8_BIT, &error);
  g_assert_no_error (error);
  bytes = file_bytes (file);
  back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dcm_file_get_transfer_syntax_uid (back), ==, DCM_UID_JPEG_BASELINE8_BIT);
  g_assert_cmpint (dcm_data_set_lookup (dcm_file_get_data_set (back), DCM_TAG_PIXEL_DATA)->kind,
                   ==, DCM_VALUE_FRAGMENTS);
  g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back), ds));

  g_assert_false (dcm_file_set_transfer_syntax (back, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (dcm_file_set_transfer_syntax (file, DCM_UID_JPEG_LOSSLESS_SV1, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED);
}

/* Encapsulated pixel data left in its file (a bulk ref over the items)
 * is written back byte for byte. */
static void
test_encapsulated_bulk_rewrite (void)
{
  g_auto(TestUtilTmpdir) dir = test_util_make_tmpdir ("test-file");
  g_autofree char *path = g_build_filename (dir, "jpeg.dcm", NULL);
  g_autofree char *copy_path = g_build_filename (dir, "copy.dcm", NULL);
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  DcmElement *el = dcm_data_set_insert (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB);
  GPtrArray *frags = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize n = 64 * 1024;
  guint8 *frame = g_malloc (n);
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(DcmFile) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL;
  gsize alen, blen;
  const DcmElement *read_el;
  DcmReadOptions opts;

  for (gsize i = 0; i < n; i++)
    frame[i] = (guint8) (i * 7);
  g_ptr_array_add (frags, g_bytes_new_static ("", 0));
  g_ptr_array_add (frags, g_bytes_new_take (frame, n));
  dcm_element_take_fragments (el, frags);
  file = dcm_file_new (ds, DCM_UID_JPEG_BASELINE8_BIT, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);

  dcm_read_options_init (&opts);
  opts.bulk_threshold = 1024;
  back = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  read_el = dcm_data_set_lookup (dcm_file_get_data_set (back), DCM_TAG_PIXEL_DATA);
  g_assert_cmpint (read_el->kind, ==, DCM_VALUE_BULK);
  g_assert_cmpuint (read_el->length, ==, DCM_UNDEFINED_LENGTH);
  g_assert_true (dcm_file_write_path (back, copy_path, DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &a, &alen, NULL));
  g_assert_true (g_file_get_contents (copy_path, &b, &blen, NULL));
  g_assert_cmpmem (a, alen, b, blen);
}

/* ---- lenient reading ---- */

static void
test_lenient_no_preamble (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_be);
  g_autoptr(GBytes) good = file_bytes (file);
  g_autoptr(GBytes) bare = slice (good, 132, g_bytes_get_size (good) - 132);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) back = NULL;

  assert_not_part10 (bare);
  back = dcm_file_read_bytes (bare, NULL, DCM_FILE_READ_LENIENT, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_get_transfer_syntax (back) == &dcm_ts_explicit_be);
  g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back), dcm_file_get_data_set (file)));
}

static void
test_lenient_meta_less (void)
{
  const DcmTransferSyntax *guessable[] = { &dcm_ts_implicit_le, &dcm_ts_explicit_le };

  for (guint i = 0; i < G_N_ELEMENTS (guessable); i++)
    {
      g_autoptr(DcmDataSet) ds = sample_data_set ();
      g_autoptr(GBytes) bytes = dcm_data_set_write_bytes (ds, guessable[i], DCM_WRITE_DEFAULT,
                                                          NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) back = NULL;
      g_autofree char *sop_instance = NULL;

      assert_not_part10 (bytes);
      back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_LENIENT, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_file_get_transfer_syntax (back) == guessable[i]);
      g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back), ds));
      sop_instance = element_text (dcm_file_get_meta (back),
                                   DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID);
      g_assert_cmpstr (sop_instance, ==, SOP_INSTANCE);
    }
}

static void
test_lenient_no_transfer_syntax (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(DcmFile) file = sample_file (syntaxes[i]);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) back = NULL;

      dcm_data_set_remove (dcm_file_get_meta (file), DCM_TAG_TRANSFER_SYNTAX_UID);
      bytes = file_bytes (file);
      back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
      g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_PART10);
      g_assert_nonnull (strstr (error->message, "(0002,0010)"));
      g_assert_null (back);
      g_clear_error (&error);
      back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_LENIENT, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_file_get_transfer_syntax (back) == syntaxes[i]);
      g_assert_true (dcm_data_set_contains (dcm_file_get_meta (back), DCM_TAG_TRANSFER_SYNTAX_UID));
      g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back),
                                         dcm_file_get_data_set (file)));
    }
}

/* ---- transcoding ---- */

static void
test_transcode (void)
{
  for (guint from = 0; from < G_N_ELEMENTS (syntaxes); from++)
    for (guint to = 0; to < G_N_ELEMENTS (syntaxes); to++)
      {
        g_autoptr(DcmFile) file = sample_file (syntaxes[from]);
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(DcmFile) back = NULL;
        g_autofree char *ts_uid = NULL;
        guint64 len;

        g_assert_true (dcm_file_set_transfer_syntax (file, syntaxes[to]->uid, &error));
        g_assert_no_error (error);
        g_assert_true (dcm_data_set_encoded_length (dcm_file_get_meta (file), &dcm_ts_explicit_le,
                                                    DCM_WRITE_DEFAULT, &len, NULL));
        g_assert_cmpuint (meta_group_length (file), ==, len - 12);
        bytes = file_bytes (file);
        back = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
        g_assert_no_error (error);
        g_assert_true (dcm_file_get_transfer_syntax (back) == syntaxes[to]);
        ts_uid = element_text (dcm_file_get_meta (back), DCM_TAG_TRANSFER_SYNTAX_UID);
        g_assert_true (g_str_has_prefix (ts_uid, syntaxes[to]->uid));
        g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back),
                                           dcm_file_get_data_set (file)));
      }
}

/* ---- files on disk ---- */

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_write_path_atomic (void)
{
  g_auto(TestUtilTmpdir) dir = test_util_make_tmpdir ("test-file");
  g_autofree char *path = g_build_filename (dir, "out.dcm", NULL);
  g_autofree char *missing = g_build_filename (dir, "gone.raw", NULL);
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_le);
  g_autoptr(GBytes) expected = file_bytes (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) back = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  GStatBuf st;
  DcmElement *el;
  DcmBulkRef *ref = g_new0 (DcmBulkRef, 1);

  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0111, ==, 0);
  g_assert_cmpint (st.st_mode & 0600, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  back = dcm_file_read_path (path, NULL, DCM_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back), dcm_file_get_data_set (file)));

  /* a value that cannot be read: the old file stays, no temporary is left */
  ref->path = g_strdup (missing);
  ref->length = 1024;
  el = dcm_data_set_insert (dcm_file_get_data_set (file), DCM_TAG_PIXEL_DATA, DCM_VR_OW);
  dcm_element_take_bulk (el, ref);
  g_assert_false (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_IO);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  g_clear_error (&error);

  /* a folder that does not exist */
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "no-such-folder", "x.dcm", NULL);
  g_assert_false (dcm_file_write_path (back, path, DCM_WRITE_DEFAULT, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_IO);
}

static void
test_read_path_bulk (void)
{
  g_auto(TestUtilTmpdir) dir = test_util_make_tmpdir ("test-file");
  g_autofree char *path = g_build_filename (dir, "big.dcm", NULL);
  g_autofree char *copy_path = g_build_filename (dir, "copy.dcm", NULL);
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  gsize n = 512 * 1024;
  guint8 *pixels = g_malloc (n);
  g_autoptr(GError) error = NULL;
  DcmReadOptions opts;

  for (gsize i = 0; i < n; i++)
    pixels[i] = (guint8) (i ^ (i >> 9));
  dcm_element_take_bytes (dcm_data_set_insert (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OW),
                          g_bytes_new_take (pixels, n));
  dcm_read_options_init (&opts);
  opts.bulk_threshold = 4096;
  for (guint i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    {
      g_autoptr(DcmFile) file = dcm_file_new (ds, syntaxes[i]->uid, &error);
      g_autoptr(DcmFile) back = NULL;
      g_autoptr(DcmFile) again = NULL;
      g_autofree char *a = NULL, *b = NULL;
      gsize alen, blen;
      const DcmElement *el;

      g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
      g_assert_no_error (error);
      back = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, &error);
      g_assert_no_error (error);
      el = dcm_data_set_lookup (dcm_file_get_data_set (back), DCM_TAG_PIXEL_DATA);
      if (syntaxes[i]->deflated)
        g_assert_cmpint (el->kind, !=, DCM_VALUE_BULK);
      else
        {
          g_assert_cmpint (el->kind, ==, DCM_VALUE_BULK);
          g_assert_cmpstr (el->value.bulk->path, ==, path);
          g_assert_cmpuint (el->value.bulk->length, ==, n);
        }
      /* written again, the bulk value is copied from its file */
      g_assert_true (dcm_file_write_path (back, copy_path, DCM_WRITE_DEFAULT, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &a, &alen, NULL));
      g_assert_true (g_file_get_contents (copy_path, &b, &blen, NULL));
      g_assert_cmpmem (a, alen, b, blen);
      again = dcm_file_read_path (copy_path, NULL, DCM_FILE_READ_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (again), ds));
      /* transcoded, the referenced bytes are swapped as the target needs */
      for (guint j = 0; j < G_N_ELEMENTS (syntaxes); j++)
        {
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(DcmFile) transcoded = NULL;

          g_assert_true (dcm_file_set_transfer_syntax (back, syntaxes[j]->uid, &error));
          bytes = file_bytes (back);
          transcoded = dcm_file_read_bytes (bytes, NULL, DCM_FILE_READ_DEFAULT, &error);
          g_assert_no_error (error);
          g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (transcoded), ds));
        }
    }
}

/* Saving over the file that big values are still read from: the values'
 * references follow them into the new file. */
static void
test_write_path_in_place (void)
{
  g_auto(TestUtilTmpdir) dir = test_util_make_tmpdir ("test-file");
  g_autofree char *path = g_build_filename (dir, "edit.dcm", NULL);
  g_autoptr(DcmDataSet) ds = sample_data_set ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(DcmFile) edited = NULL;
  g_autoptr(GError) error = NULL;
  gsize n = 100 * 1024;
  guint8 *pixels = g_malloc (n);
  DcmReadOptions opts;
  const DcmTransferSyntax *steps[] = { &dcm_ts_explicit_le, &dcm_ts_explicit_be,
                                       &dcm_ts_implicit_le, &dcm_ts_explicit_le };

  for (gsize i = 0; i < n; i++)
    pixels[i] = (guint8) (i * 13);
  dcm_element_take_bytes (dcm_data_set_insert (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OW),
                          g_bytes_new_take (pixels, n));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  dcm_read_options_init (&opts);
  opts.bulk_threshold = 1024;
  edited = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(DcmFile) back = NULL;
      g_autofree char *name = g_strdup_printf ("Doe^John%*s", (int) (i * 2), "");

      /* a longer name moves the pixel data in the file */
      set_text (dcm_file_get_data_set (edited), DCM_TAG_PATIENT_NAME, DCM_VR_PN, name);
      set_text (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, name);
      g_assert_true (dcm_file_set_transfer_syntax (edited, steps[i]->uid, &error));
      g_assert_true (dcm_file_write_path (edited, path, DCM_WRITE_DEFAULT, &error));
      g_assert_no_error (error);
      g_assert_cmpint (dcm_data_set_lookup (dcm_file_get_data_set (edited),
                                            DCM_TAG_PIXEL_DATA)->kind, ==, DCM_VALUE_BULK);
      back = dcm_file_read_path (path, NULL, DCM_FILE_READ_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (back), ds));
    }

  /* deflated cannot keep the references: refused, the file kept */
  g_assert_true (dcm_file_set_transfer_syntax (edited, DCM_UID_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
                                               &error));
  g_assert_false (dcm_file_write_path (edited, path, DCM_WRITE_DEFAULT, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_clear_pointer (&file, dcm_file_unref);
  file = dcm_file_read_path (path, NULL, DCM_FILE_READ_DEFAULT, NULL);
  g_assert_true (dcm_data_set_equal (dcm_file_get_data_set (file), ds));
}

static void
test_read_path_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) file = dcm_file_read_path ("/nonexistent/x.dcm", NULL, DCM_FILE_READ_DEFAULT,
                                                &error);

  g_assert_error (error, DCM_ERROR, DCM_ERROR_IO);
  g_assert_null (file);
}

/* ---- DCMTK interoperability (skipped when DCMTK is not installed) ---- */

static int
run (const char * const *argv, char **out_stdout, char **out_stderr)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (test_util_run (argv, out_stdout, out_stderr, &status, &error));
  g_assert_no_error (error);
  return status;
}

static gboolean
has_warning_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "W:") || g_str_has_prefix (lines[i], "E:"))
      return TRUE;
  return FALSE;
}

static void
test_dcmtk_dcmdump (void)
{
  g_autofree char *dcmdump = test_util_require_program ("dcmdump");
  g_auto(TestUtilTmpdir) dir = NULL;
  DcmWriteFlags flags[] = { DCM_WRITE_DEFAULT, DCM_WRITE_UNDEFINED_LENGTHS };

  if (dcmdump == NULL)
    return;
  dir = test_util_make_tmpdir ("test-file-dcmdump");
  for (guint i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    for (guint j = 0; j < G_N_ELEMENTS (flags); j++)
      {
        g_autoptr(DcmFile) file = sample_file (syntaxes[i]);
        g_autofree char *path = g_build_filename (dir, "ours.dcm", NULL);
        const char *argv[] = { dcmdump, path, NULL };
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_true (dcm_file_write_path (file, path, flags[j], &error));
        g_assert_no_error (error);
        g_assert_cmpint (run (argv, &out, &err), ==, 0);
        if (has_warning_lines (err))
          g_test_message ("dcmdump: %s", err);
        g_assert_false (has_warning_lines (err));
        g_assert_nonnull (strstr (out, "[Doe^John]"));
        g_assert_nonnull (strstr (out, "=SecondaryCaptureImageStorage"));
        g_assert_nonnull (strstr (out, "(0002,0010) UI ="));
        g_assert_nonnull (strstr (out, "(0008,1155) UI [1.2.3.4]"));
      }
}

static const char dump_text[] =
  "(0008,0016) UI =SecondaryCaptureImageStorage\n"
  "(0008,0018) UI [1.2.826.0.1.3680043.2.1125.9]\n"
  "(0008,1140) SQ (Sequence with undefined length)\n"
  "(fffe,e000) na (Item with undefined length)\n"
  "(0008,1150) UI =CTImageStorage\n"
  "(0008,1155) UI [1.2.3]\n"
  "(fffe,e00d) na (ItemDelimitationItem)\n"
  "(fffe,e0dd) na (SequenceDelimitationItem)\n"
  "(0010,0010) PN [Roe^Jane]\n"
  "(0010,0020) LO [ID9]\n"
  "(0018,0050) DS [2.5]\n"
  "(0028,0010) US 512\n"
  "(0028,0030) DS [0.5\\0.25]\n";

static void
test_dcmtk_dump2dcm (void)
{
  g_autofree char *dump2dcm = test_util_require_program ("dump2dcm");
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *path = NULL;
  const char *options[] = { "+te", "+tb", "+ti", "+td" };
  const DcmTransferSyntax *expected[] = {
    &dcm_ts_explicit_le, &dcm_ts_explicit_be, &dcm_ts_implicit_le, &dcm_ts_deflated_explicit_le,
  };

  if (dump2dcm == NULL)
    return;
  dir = test_util_make_tmpdir ("test-file-dump2dcm");
  dump = g_build_filename (dir, "in.txt", NULL);
  path = g_build_filename (dir, "theirs.dcm", NULL);
  g_assert_true (g_file_set_contents (dump, dump_text, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      const char *argv[] = { dump2dcm, options[i], dump, path, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) file = NULL;
      DcmDataSet *ds, *item;
      g_autofree char *name = NULL, *id = NULL, *spacing = NULL, *ref = NULL;
      const DcmElement *rows;

      g_assert_cmpint (run (argv, NULL, NULL), ==, 0);
      file = dcm_file_read_path (path, NULL, DCM_FILE_READ_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (dcm_file_get_transfer_syntax (file) == expected[i]);
      ds = dcm_file_get_data_set (file);
      name = element_text (ds, DCM_TAG_PATIENT_NAME);
      id = element_text (ds, DCM_TAG_PATIENT_ID);
      spacing = element_text (ds, DCM_TAG_PIXEL_SPACING);
      g_assert_cmpstr (name, ==, "Roe^Jane");
      g_assert_cmpstr (id, ==, "ID9 ");
      g_assert_cmpstr (spacing, ==, "0.5\\0.25");
      rows = dcm_data_set_lookup (ds, DCM_TAG_ROWS);
      g_assert_cmpmem (g_bytes_get_data (rows->value.bytes, NULL), 2, "\x00\x02", 2);
      g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE), ==, 1);
      item = dcm_data_set_get_item (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, 0);
      ref = element_text (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID);
      g_assert_cmpmem (ref, 6, "1.2.3\0", 6);
    }
}

/* The data set part of a file: after the prefix and the meta group. */
static GBytes *
data_set_part (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;
  guint32 group_length;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 144);
  memcpy (&group_length, contents + 140, 4);
  group_length = GUINT32_FROM_LE (group_length);
  g_assert_cmpuint (len, >=, 144 + group_length);
  return g_bytes_new (contents + 144 + group_length, len - 144 - group_length);
}

static gboolean
contains_bytes (GBytes *haystack, const void *needle, gsize n)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (haystack, &len);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (d + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static DcmDataSet *
dcmconv_data_set (void)
{
  DcmDataSet *ds = sample_data_set ();
  DcmDataSet *item = dcm_data_set_new ();
  guint8 zero[4] = { 0 };
  DcmElement *sq;

  /* a wrong group length to recalculate, an empty and a nested sequence */
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG (0x0008, 0x0000), DCM_VR_UL, zero, 4, NULL));
  dcm_data_set_insert (ds, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_SQ);
  sq = dcm_data_set_insert (ds, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ);
  set_text (item, DCM_TAG_RELATIONSHIP_TYPE, DCM_VR_CS, "CONTAINS");
  dcm_data_set_append_item (ds, sq, item);
  return ds;
}

/* PS3.5 fixes every byte of an uncompressed data set once lengths are
 * explicit and group lengths recalculated, which are dcmconv's defaults
 * (+e, +g=). The source has undefined lengths, so nothing is just copied. */
static void
test_dcmtk_dcmconv_identical (void)
{
  g_autofree char *dcmconv = test_util_require_program ("dcmconv");
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autofree char *source = NULL, *theirs = NULL, *ours = NULL;
  g_autoptr(DcmDataSet) ds = dcmconv_data_set ();
  g_autoptr(DcmFile) source_file = NULL;
  g_autoptr(GBytes) last = NULL;
  g_autoptr(GError) error = NULL;
  const char *options[] = { "+te", "+tb", "+ti" };
  const DcmTransferSyntax *targets[] = {
    &dcm_ts_explicit_le, &dcm_ts_explicit_be, &dcm_ts_implicit_le,
  };

  if (dcmconv == NULL)
    return;
  dir = test_util_make_tmpdir ("test-file-dcmconv");
  source = g_build_filename (dir, "source.dcm", NULL);
  theirs = g_build_filename (dir, "theirs.dcm", NULL);
  ours = g_build_filename (dir, "ours.dcm", NULL);
  source_file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (source_file, source, DCM_WRITE_UNDEFINED_LENGTHS, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      const char *argv[] = { dcmconv, options[i], source, theirs, NULL };
      g_autoptr(DcmFile) file = dcm_file_new (ds, targets[i]->uid, &error);
      g_autoptr(GBytes) a = NULL, b = NULL;

      g_assert_cmpint (run (argv, NULL, NULL), ==, 0);
      g_assert_true (dcm_file_write_path (file, ours, DCM_WRITE_DEFAULT, &error));
      g_assert_no_error (error);
      a = data_set_part (theirs);
      b = data_set_part (ours);
      /* (0008,0000) kept by both */
      g_assert_cmpmem (g_bytes_get_data (a, NULL), 2,
                       targets[i]->big_endian ? "\x00\x08" : "\x08\x00", 2);
      g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a),
                       g_bytes_get_data (b, NULL), g_bytes_get_size (b));
    }
  /* the last one, implicit: the sequence with its explicit length */
  last = data_set_part (theirs);
  g_assert_true (contains_bytes (last, "\x08\x00\x40\x11\x3a\x00\x00\x00", 8));
}

/* stop_at_tag ends the data set early, from memory, a stream and a path,
 * and what lies past it is not read: a file cut in its Pixel Data still
 * reads. */
static void
test_read_stop_at_tag (void)
{
  g_autoptr(DcmFile) file = sample_file (&dcm_ts_explicit_le);
  g_autoptr(GBytes) bytes = file_bytes (file);
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (bytes, 0, g_bytes_get_size (bytes) - 7);
  g_auto(TestUtilTmpdir) dir = test_util_make_tmpdir ("test-file-stop");
  g_autofree char *path = g_build_filename (dir, "cut.dcm", NULL);
  DcmReadOptions opts;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (cut, NULL),
                                      (gssize) g_bytes_get_size (cut), NULL));
  dcm_read_options_init (&opts);
  opts.stop_at_tag = DCM_TAG_PATIENT_NAME;
  for (guint how = 0; how < 3; how++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) back = NULL;
      g_autoptr(GInputStream) in = NULL;
      g_autofree char *sop_instance = NULL;
      DcmDataSet *ds;

      if (how == 0)
        back = dcm_file_read_bytes (cut, &opts, DCM_FILE_READ_DEFAULT, &error);
      else if (how == 1)
        {
          in = g_memory_input_stream_new_from_bytes (cut);
          back = dcm_file_read_stream (in, &opts, DCM_FILE_READ_DEFAULT, NULL, &error);
        }
      else
        back = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, &error);
      g_assert_no_error (error);
      ds = dcm_file_get_data_set (back);
      sop_instance = element_text (ds, DCM_TAG_SOP_INSTANCE_UID);
      g_assert_cmpstr (sop_instance, ==, SOP_INSTANCE);
      g_assert_nonnull (dcm_data_set_lookup (ds, DCM_TAG_MODALITY));
      g_assert_null (dcm_data_set_lookup (ds, DCM_TAG_PATIENT_NAME));
      g_assert_null (dcm_data_set_lookup (ds, DCM_TAG_PIXEL_DATA));
      g_assert_nonnull (dcm_data_set_lookup (dcm_file_get_meta (back),
                                             DCM_TAG_TRANSFER_SYNTAX_UID));
    }
  /* without the stop, the cut file is an error */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DcmFile) back = dcm_file_read_bytes (cut, NULL, DCM_FILE_READ_DEFAULT, &error);

    g_assert_null (back);
    g_assert_nonnull (error);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file/new/meta", test_new_meta);
  g_test_add_func ("/file/new/missing-uids", test_new_missing_uids);
  g_test_add_func ("/file/new/unknown-syntax", test_new_unknown_syntax);
  g_test_add_func ("/file/new/strips-meta-group", test_new_strips_meta_group);
  test_util_add_per_syntax ("/file/round-trip", test_round_trip);
  g_test_add_func ("/file/round-trip/stream", test_read_stream);
  g_test_add_func ("/file/read-stop-at-tag", test_read_stop_at_tag);
  g_test_add_func ("/file/deflated/data-set-is-raw-deflate", test_deflated_layout);
  g_test_add_func ("/file/read/not-part10", test_not_part10);
  g_test_add_func ("/file/read/garbage-preamble", test_garbage_preamble_accepted);
  g_test_add_func ("/file/read/truncated-meta", test_truncated_meta);
  g_test_add_func ("/file/read/wrong-group-length", test_wrong_group_length);
  g_test_add_func ("/file/read/unknown-syntax", test_unknown_syntax_in_file);
  g_test_add_func ("/file/read/encapsulated", test_encapsulated_read);
  g_test_add_func ("/file/write/encapsulated-bulk", test_encapsulated_bulk_rewrite);
  g_test_add_func ("/file/read/lenient/no-preamble", test_lenient_no_preamble);
  g_test_add_func ("/file/read/lenient/meta-less", test_lenient_meta_less);
  g_test_add_func ("/file/read/lenient/no-transfer-syntax", test_lenient_no_transfer_syntax);
  g_test_add_func ("/file/transcode", test_transcode);
  g_test_add_func ("/file/write-path/atomic", test_write_path_atomic);
  g_test_add_func ("/file/read-path/bulk-threshold", test_read_path_bulk);
  g_test_add_func ("/file/read-path/missing", test_read_path_missing);
  g_test_add_func ("/file/write-path/in-place-with-bulk-values", test_write_path_in_place);
  g_test_add_func ("/file/dcmtk/dcmdump-accepts", test_dcmtk_dcmdump);
  g_test_add_func ("/file/dcmtk/dump2dcm-read-back", test_dcmtk_dump2dcm);
  g_test_add_func ("/file/dcmtk/dcmconv-identical-data-set", test_dcmtk_dcmconv_identical);

  return g_test_run ();
}
