/* test-writer.c — encoding data sets */
#include <string.h>
#include <glib/gstdio.h>

#include "dcm-data-set.h"
#include "dcm-error.h"
#include "dcm-parser.h"
#include "dcm-writer.h"
#include "test-util.h"

/* A private tag: the writer takes the VR given, whatever the dictionary says. */
#define TEST_TAG DCM_TAG (0x0009, 0x1010)

/* ---- helpers ---- */

static char *
bytes_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%s%02X", i > 0 && i % 4 == 0 ? " " : "", d[i]);
  return g_string_free (s, FALSE);
}

static void
assert_bytes_hex (GBytes *actual, const char *expected_hex)
{
  g_autoptr(GBytes) expected = test_util_hex_bytes (expected_hex);

  if (!g_bytes_equal (actual, expected))
    {
      g_autofree char *a = bytes_hex (actual);
      g_autofree char *e = bytes_hex (expected);
      g_test_message ("expected %s", e);
      g_test_message ("actual   %s", a);
    }
  g_assert_true (g_bytes_equal (actual, expected));
}

static DcmElement *
add_hex (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *hex)
{
  DcmElement *el = dcm_data_set_insert (ds, tag, vr);
  g_autoptr(GBytes) bytes = test_util_hex_bytes (hex);

  if (g_bytes_get_size (bytes) > 0)
    dcm_element_take_bytes (el, g_steal_pointer (&bytes));
  return el;
}

static DcmElement *
add_text (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *text)
{
  DcmElement *el = dcm_data_set_insert (ds, tag, vr);

  dcm_element_take_bytes (el, g_bytes_new (text, strlen (text)));
  return el;
}

static GBytes *
write_ok (DcmDataSet *ds, const DcmTransferSyntax *ts, DcmWriteFlags flags)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = dcm_data_set_write_bytes (ds, ts, flags, &error);
  guint64 len = 0;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  if (!ts->deflated)
    {
      g_assert_true (dcm_data_set_encoded_length (ds, ts, flags, &len, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (len, ==, g_bytes_get_size (bytes));
    }
  return bytes;
}

/* Writing ds must fail with code, and with fragment (if not NULL) in the
 * message. */
static void
assert_write_fails (DcmDataSet *ds, const DcmTransferSyntax *ts, DcmWriteFlags flags, int code,
                    const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dcm_data_set_write_bytes (ds, ts, flags, &error);

  g_assert_error (error, DCM_ERROR, code);
  g_assert_null (bytes);
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
assert_writes (DcmDataSet *ds, const DcmTransferSyntax *ts, DcmWriteFlags flags,
               const char *expected_hex)
{
  g_autoptr(GBytes) bytes = write_ok (ds, ts, flags);

  assert_bytes_hex (bytes, expected_hex);
}

static GBytes *
inflate_raw (GBytes *deflated)
{
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_bytes (deflated);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (mem, G_CONVERTER (z));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE
                          | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* ---- one element of each VR, explicit LE and BE ---- */

typedef struct {
  DcmVR       vr;
  const char *value;   /* model bytes (little endian) */
  const char *le;      /* whole element in explicit VR little endian */
  const char *be;      /* whole element in explicit VR big endian */
} VRCase;

static const VRCase vr_cases[] = {
  { DCM_VR_AE, "414531", "09001010 4145 0400 41453120", "00091010 4145 0004 41453120" },
  { DCM_VR_AS, "30333059", "09001010 4153 0400 30333059", "00091010 4153 0004 30333059" },
  { DCM_VR_AT, "10002000", "09001010 4154 0400 10002000", "00091010 4154 0004 00100020" },
  { DCM_VR_CS, "4354", "09001010 4353 0200 4354", "00091010 4353 0002 4354" },
  { DCM_VR_DA, "3230323430313032", "09001010 4441 0800 3230323430313032",
    "00091010 4441 0008 3230323430313032" },
  { DCM_VR_DS, "312E35", "09001010 4453 0400 312E3520", "00091010 4453 0004 312E3520" },
  { DCM_VR_DT, "32303234", "09001010 4454 0400 32303234", "00091010 4454 0004 32303234" },
  { DCM_VR_FD, "000000000000F03F", "09001010 4644 0800 000000000000F03F",
    "00091010 4644 0008 3FF0000000000000" },
  { DCM_VR_FL, "0000803F", "09001010 464C 0400 0000803F", "00091010 464C 0004 3F800000" },
  { DCM_VR_IS, "3432", "09001010 4953 0200 3432", "00091010 4953 0002 3432" },
  { DCM_VR_LO, "48656C6C6F", "09001010 4C4F 0600 48656C6C6F20", "00091010 4C4F 0006 48656C6C6F20" },
  { DCM_VR_LT, "54657874", "09001010 4C54 0400 54657874", "00091010 4C54 0004 54657874" },
  { DCM_VR_OB, "010203", "09001010 4F42 0000 04000000 01020300",
    "00091010 4F42 0000 00000004 01020300" },
  { DCM_VR_OD, "000000000000F03F", "09001010 4F44 0000 08000000 000000000000F03F",
    "00091010 4F44 0000 00000008 3FF0000000000000" },
  { DCM_VR_OF, "01020304", "09001010 4F46 0000 04000000 01020304",
    "00091010 4F46 0000 00000004 04030201" },
  { DCM_VR_OL, "01020304", "09001010 4F4C 0000 04000000 01020304",
    "00091010 4F4C 0000 00000004 04030201" },
  { DCM_VR_OV, "0102030405060708", "09001010 4F56 0000 08000000 0102030405060708",
    "00091010 4F56 0000 00000008 0807060504030201" },
  { DCM_VR_OW, "01020304", "09001010 4F57 0000 04000000 01020304",
    "00091010 4F57 0000 00000004 02010403" },
  { DCM_VR_PN, "446F655E4A6F686E", "09001010 504E 0800 446F655E4A6F686E",
    "00091010 504E 0008 446F655E4A6F686E" },
  { DCM_VR_SH, "414243", "09001010 5348 0400 41424320", "00091010 5348 0004 41424320" },
  { DCM_VR_SL, "FEFFFFFF", "09001010 534C 0400 FEFFFFFF", "00091010 534C 0004 FFFFFFFE" },
  { DCM_VR_SS, "0100", "09001010 5353 0200 0100", "00091010 5353 0002 0001" },
  { DCM_VR_ST, "7374", "09001010 5354 0200 7374", "00091010 5354 0002 7374" },
  { DCM_VR_SV, "0102030405060708", "09001010 5356 0000 08000000 0102030405060708",
    "00091010 5356 0000 00000008 0807060504030201" },
  { DCM_VR_TM, "31323030", "09001010 544D 0400 31323030", "00091010 544D 0004 31323030" },
  { DCM_VR_UC, "5543", "09001010 5543 0000 02000000 5543", "00091010 5543 0000 00000002 5543" },
  { DCM_VR_UI, "312E322E33", "09001010 5549 0600 312E322E3300",
    "00091010 5549 0006 312E322E3300" },
  { DCM_VR_UL, "01020304", "09001010 554C 0400 01020304", "00091010 554C 0004 04030201" },
  { DCM_VR_UN, "01020304", "09001010 554E 0000 04000000 01020304",
    "00091010 554E 0000 00000004 01020304" },
  { DCM_VR_UR, "687474703A2F2F78", "09001010 5552 0000 08000000 687474703A2F2F78",
    "00091010 5552 0000 00000008 687474703A2F2F78" },
  { DCM_VR_US, "0201", "09001010 5553 0200 0201", "00091010 5553 0002 0102" },
  { DCM_VR_UT, "5554", "09001010 5554 0000 02000000 5554", "00091010 5554 0000 00000002 5554" },
  { DCM_VR_UV, "0102030405060708", "09001010 5556 0000 08000000 0102030405060708",
    "00091010 5556 0000 00000008 0807060504030201" },
};

static void
test_every_vr (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vr_cases); i++)
    {
      g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

      g_test_message ("VR %s", dcm_vr_name (vr_cases[i].vr));
      add_hex (ds, TEST_TAG, vr_cases[i].vr, vr_cases[i].value);
      assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, vr_cases[i].le);
      assert_writes (ds, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT, vr_cases[i].be);
    }
}

static void
test_implicit_le (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  add_text (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe^John");
  add_text (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, "123");
  add_hex (ds, DCM_TAG_ROWS, DCM_VR_US, "0002");
  add_hex (ds, DCM_TAG_FRAME_INCREMENT_POINTER, DCM_VR_AT, "18006310");
  add_hex (ds, TEST_TAG, DCM_VR_UN, "010203");
  assert_writes (ds, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT,
                 "09001010 04000000 01020300"
                 "10001000 08000000 446F655E4A6F686E"
                 "10002000 04000000 31323320"
                 "28000900 04000000 18006310"
                 "28001000 02000000 0002");
}

static void
test_empty_values (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  add_hex (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "");
  add_hex (ds, TEST_TAG, DCM_VR_OB, "");
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "09001010 4F42 0000 00000000 10001000 504E 0000");
  assert_writes (ds, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT,
                 "09001010 00000000 10001000 00000000");
}

/* ---- sequences ---- */

static DcmDataSet *
sequence_data_set (void)
{
  DcmDataSet *ds = dcm_data_set_new ();
  DcmElement *sq = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, DCM_VR_SQ);
  DcmDataSet *item1 = dcm_data_set_new ();
  DcmDataSet *item2 = dcm_data_set_new ();

  add_text (item1, DCM_TAG_REFERENCED_SOP_CLASS_UID, DCM_VR_UI, "1.2");
  add_text (item2, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, DCM_VR_UI, "1.23");
  dcm_data_set_append_item (ds, sq, item1);
  dcm_data_set_append_item (ds, sq, item2);
  return ds;
}

#define ITEM1_LE "08005011 5549 0400 312E3200"
#define ITEM2_LE "08005511 5549 0400 312E3233"

static void
test_sequence_explicit_length (void)
{
  g_autoptr(DcmDataSet) ds = sequence_data_set ();

  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "08004011 5351 0000 28000000"
                 "FEFF00E0 0C000000" ITEM1_LE
                 "FEFF00E0 0C000000" ITEM2_LE);
  assert_writes (ds, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT,
                 "08004011 28000000"
                 "FEFF00E0 0C000000 08005011 04000000 312E3200"
                 "FEFF00E0 0C000000 08005511 04000000 312E3233");
  assert_writes (ds, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT,
                 "00081140 5351 0000 00000028"
                 "FFFEE000 0000000C 00081150 5549 0004 312E3200"
                 "FFFEE000 0000000C 00081155 5549 0004 312E3233");
}

static void
test_sequence_undefined_length (void)
{
  g_autoptr(DcmDataSet) ds = sequence_data_set ();

  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_UNDEFINED_LENGTHS,
                 "08004011 5351 0000 FFFFFFFF"
                 "FEFF00E0 FFFFFFFF" ITEM1_LE "FEFF0DE0 00000000"
                 "FEFF00E0 FFFFFFFF" ITEM2_LE "FEFF0DE0 00000000"
                 "FEFFDDE0 00000000");
  assert_writes (ds, &dcm_ts_explicit_be, DCM_WRITE_UNDEFINED_LENGTHS,
                 "00081140 5351 0000 FFFFFFFF"
                 "FFFEE000 FFFFFFFF 00081150 5549 0004 312E3200 FFFEE00D 00000000"
                 "FFFEE000 FFFFFFFF 00081155 5549 0004 312E3233 FFFEE00D 00000000"
                 "FFFEE0DD 00000000");
}

static void
test_sequence_preserve_lengths (void)
{
  g_autoptr(DcmDataSet) ds = sequence_data_set ();
  DcmElement *other = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_SQ);
  DcmDataSet *item = dcm_data_set_new ();
  DcmElement *as_read;

  add_text (item, DCM_TAG_REFERENCED_SOP_CLASS_UID, DCM_VR_UI, "1.2");
  dcm_data_set_append_item (ds, other, item);
  /* element pointers last until the next insertion */
  as_read = (DcmElement *) dcm_data_set_lookup (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE);
  as_read->length = DCM_UNDEFINED_LENGTH;
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_PRESERVE_LENGTHS,
                 "08001511 5351 0000 14000000 FEFF00E0 0C000000" ITEM1_LE
                 "08004011 5351 0000 FFFFFFFF"
                 "FEFF00E0 FFFFFFFF" ITEM1_LE "FEFF0DE0 00000000"
                 "FEFF00E0 FFFFFFFF" ITEM2_LE "FEFF0DE0 00000000"
                 "FEFFDDE0 00000000");
}

static void
test_sequence_empty (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  DcmElement *with_empty_item;

  dcm_data_set_insert (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, DCM_VR_SQ);
  with_empty_item = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (ds, with_empty_item, dcm_data_set_new ());
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "08001511 5351 0000 08000000 FEFF00E0 00000000"
                 "08004011 5351 0000 00000000");
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_UNDEFINED_LENGTHS,
                 "08001511 5351 0000 FFFFFFFF FEFF00E0 FFFFFFFF FEFF0DE0 00000000"
                 "FEFFDDE0 00000000"
                 "08004011 5351 0000 FFFFFFFF FEFFDDE0 00000000");
}

/* PS3.5 §6.2.2: a UN sequence of undefined length stays in implicit VR LE. */
static void
test_sequence_un (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  DcmElement *un = dcm_data_set_insert (ds, TEST_TAG, DCM_VR_UN);
  DcmDataSet *item = dcm_data_set_new ();

  add_text (item, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "A^B");
  dcm_data_set_append_item (ds, un, item);
  un->vr = DCM_VR_UN;
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "09001010 554E 0000 FFFFFFFF"
                 "FEFF00E0 FFFFFFFF 10001000 04000000 415E4220 FEFF0DE0 00000000"
                 "FEFFDDE0 00000000");
  assert_writes (ds, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT,
                 "00091010 554E 0000 FFFFFFFF"
                 "FEFF00E0 FFFFFFFF 10001000 04000000 415E4220 FEFF0DE0 00000000"
                 "FEFFDDE0 00000000");
}

/* ---- fragments ---- */

static void
add_fragments (DcmDataSet *ds, const char * const *hex)
{
  DcmElement *el = dcm_data_set_insert (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB);
  GPtrArray *frags = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; hex[i] != NULL; i++)
    g_ptr_array_add (frags, test_util_hex_bytes (hex[i]));
  dcm_element_take_fragments (el, frags);
}

static void
test_fragments (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  const char *frags[] = { "", "010203", "0A0B0C0D", NULL };

  add_fragments (ds, frags);
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "E07F1000 4F42 0000 FFFFFFFF"
                 "FEFF00E0 00000000"
                 "FEFF00E0 04000000 01020300"
                 "FEFF00E0 04000000 0A0B0C0D"
                 "FEFFDDE0 00000000");
}

/* ---- group lengths ---- */

static DcmDataSet *
group_data_set (void)
{
  DcmDataSet *ds = dcm_data_set_new ();

  add_hex (ds, DCM_TAG (0x0008, 0x0000), DCM_VR_UL, "00000000");
  add_text (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI, "1.2");
  add_text (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI, "1.23");
  add_text (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "A^B");
  return ds;
}

static void
test_group_length_recalculated (void)
{
  g_autoptr(DcmDataSet) ds = group_data_set ();

  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "08000000 554C 0400 18000000"
                 "08001600 5549 0400 312E3200"
                 "08001800 5549 0400 312E3233"
                 "10001000 504E 0400 415E4220");
  assert_writes (ds, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT,
                 "08000000 04000000 18000000"
                 "08001600 04000000 312E3200"
                 "08001800 04000000 312E3233"
                 "10001000 04000000 415E4220");
  assert_writes (ds, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT,
                 "00080000 554C 0004 00000018"
                 "00080016 5549 0004 312E3200"
                 "00080018 5549 0004 312E3233"
                 "00100010 504E 0004 415E4220");
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DROP_GROUP_LENGTHS,
                 "08001600 5549 0400 312E3200"
                 "08001800 5549 0400 312E3233"
                 "10001000 504E 0400 415E4220");
}

static void
test_group_length_sequence (void)
{
  g_autoptr(DcmDataSet) ds = sequence_data_set ();

  add_hex (ds, DCM_TAG (0x0008, 0x0000), DCM_VR_UL, "FFFFFFFF");
  /* 12 + 40 bytes of sequence, or 12 + 64 with delimiters */
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "08000000 554C 0400 34000000"
                 "08004011 5351 0000 28000000"
                 "FEFF00E0 0C000000" ITEM1_LE
                 "FEFF00E0 0C000000" ITEM2_LE);
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_UNDEFINED_LENGTHS,
                 "08000000 554C 0400 4C000000"
                 "08004011 5351 0000 FFFFFFFF"
                 "FEFF00E0 FFFFFFFF" ITEM1_LE "FEFF0DE0 00000000"
                 "FEFF00E0 FFFFFFFF" ITEM2_LE "FEFF0DE0 00000000"
                 "FEFFDDE0 00000000");
}

/* Group 0002's length belongs to the Part 10 code and is never dropped. */
static void
test_group_length_meta_kept (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  add_hex (ds, DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH, DCM_VR_UL, "00000000");
  add_text (ds, DCM_TAG_TRANSFER_SYNTAX_UID, DCM_VR_UI, "1.2.840.10008.1.2");
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DROP_GROUP_LENGTHS,
                 "02000000 554C 0400 1A000000"
                 "02001000 5549 1200 312E322E3834302E31303030382E312E3200");
}

/* ---- lengths ---- */

static void
test_padding (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  add_text (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI, "1.2.3");
  add_text (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, "ABC");
  add_hex (ds, TEST_TAG, DCM_VR_OB, "FF");
  assert_writes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "08001800 5549 0600 312E322E3300"
                 "09001010 4F42 0000 02000000 FF00"
                 "10002000 4C4F 0400 41424320");
  assert_writes (ds, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT,
                 "08001800 06000000 312E322E3300"
                 "09001010 02000000 FF00"
                 "10002000 04000000 41424320");
}

static void
test_too_long_for_short_length (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *fits = g_strnfill (65534, 'A');
  g_autofree char *odd = g_strnfill (65535, 'A');
  g_autofree char *long_text = g_strnfill (70000, 'A');
  guint64 len;

  add_text (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, fits);
  bytes = write_ok (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 8 + 65534);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* odd: padded to 65536, which no longer fits */
  add_text (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, odd);
  assert_write_fails (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, DCM_ERROR_INVALID, NULL);

  add_text (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, long_text);
  assert_write_fails (ds, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT, DCM_ERROR_INVALID,
                      "(0010,0020)");
  g_assert_false (dcm_data_set_encoded_length (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                                               &len, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_clear_error (&error);

  /* implicit VR has 32-bit lengths throughout */
  bytes = write_ok (ds, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 8 + 70000);
}

static void
test_too_long_in_item (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  DcmElement *sq = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, DCM_VR_SQ);
  DcmDataSet *item = dcm_data_set_new ();
  g_autofree char *long_text = g_strnfill (70000, 'A');

  add_text (item, DCM_TAG_PATIENT_ID, DCM_VR_LO, long_text);
  dcm_data_set_append_item (ds, sq, item);
  assert_write_fails (ds, &dcm_ts_explicit_le, DCM_WRITE_UNDEFINED_LENGTHS, DCM_ERROR_INVALID,
                      "(0010,0020)");
}

/* ---- bulk references ---- */

typedef struct {
  char *dir;
  char *path;
} BulkFixture;

static void
bulk_setup (BulkFixture *f, gconstpointer data)
{
  g_autoptr(GBytes) content =
    test_util_hex_bytes ("DEADBEEF DEADBEEF DEADBEEF DEADBEEF 010203040506 FFFF");
  g_autoptr(GError) error = NULL;

  f->dir = test_util_make_tmpdir ("test-writer");
  f->path = g_build_filename (f->dir, "bulk.raw", NULL);
  g_file_set_contents (f->path, g_bytes_get_data (content, NULL), g_bytes_get_size (content),
                       &error);
  g_assert_no_error (error);
}

static void
bulk_teardown (BulkFixture *f, gconstpointer data)
{
  test_util_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
add_bulk (DcmDataSet *ds, const char *path, const char *uri, guint64 offset, guint64 length,
          gboolean big_endian)
{
  DcmElement *el = dcm_data_set_insert (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OW);
  DcmBulkRef *ref = g_new0 (DcmBulkRef, 1);

  ref->path = g_strdup (path);
  ref->uri = g_strdup (uri);
  ref->offset = offset;
  ref->length = length;
  ref->big_endian = big_endian;
  dcm_element_take_bulk (el, ref);
}

static void
test_bulk_copied (BulkFixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) le = dcm_data_set_new ();
  g_autoptr(DcmDataSet) be = dcm_data_set_new ();
  g_autoptr(DcmDataSet) odd = dcm_data_set_new ();

  add_bulk (le, f->path, NULL, 16, 6, FALSE);
  assert_writes (le, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "E07F1000 4F57 0000 06000000 010203040506");
  assert_writes (le, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT,
                 "7FE00010 4F57 0000 00000006 020104030605");
  /* stored big endian: swapped for LE, copied for BE */
  add_bulk (be, f->path, NULL, 16, 6, TRUE);
  assert_writes (be, &dcm_ts_implicit_le, DCM_WRITE_DEFAULT,
                 "E07F1000 06000000 020104030605");
  assert_writes (be, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT,
                 "7FE00010 4F57 0000 00000006 010203040506");
  /* odd length: padded */
  add_bulk (odd, f->path, NULL, 16, 3, FALSE);
  assert_writes (odd, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                 "E07F1000 4F57 0000 04000000 01020300");
}

static void
test_bulk_errors (BulkFixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autofree char *missing = g_build_filename (f->dir, "missing.raw", NULL);

  add_bulk (ds, NULL, "http://example.com/bulk/1", 0, 6, FALSE);
  assert_write_fails (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, DCM_ERROR_UNSUPPORTED,
                      "(7FE0,0010)");

  add_bulk (ds, missing, NULL, 0, 6, FALSE);
  assert_write_fails (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, DCM_ERROR_IO, NULL);

  add_bulk (ds, f->path, NULL, 16, 100, FALSE);
  assert_write_fails (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, DCM_ERROR_TRUNCATED, NULL);
}

static void
record_offset (const DcmElement *el, guint64 offset, gboolean big_endian, gpointer user_data)
{
  GArray *offsets = user_data;

  g_assert_cmpuint (el->tag, ==, DCM_TAG_PIXEL_DATA);
  g_assert_true (big_endian);
  g_array_append_val (offsets, offset);
}

static void
test_bulk_written_offset (BulkFixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) ds = sequence_data_set ();
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint64 offset;

  add_text (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe^John");
  add_bulk (ds, f->path, NULL, 16, 6, FALSE);
  g_assert_true (dcm_data_set_write_stream_full (ds, mem, &dcm_ts_explicit_be, DCM_WRITE_DEFAULT,
                                                 record_offset, offsets, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (mem, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  g_assert_cmpuint (offsets->len, ==, 1);
  offset = g_array_index (offsets, guint64, 0);
  g_assert_cmpuint (offset + 6, ==, g_bytes_get_size (bytes));
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (bytes, NULL) + offset, 6,
                   "\x02\x01\x04\x03\x06\x05", 6);
}

/* Bigger than a chunk and than the output buffer, with a swap in BE. */
static void
test_bulk_large (BulkFixture *f, gconstpointer data)
{
  gsize n = 600 * 1024 + 6;
  g_autofree guint8 *content = g_malloc (n);
  g_autoptr(DcmDataSet) via_ref = dcm_data_set_new ();
  g_autoptr(DcmDataSet) in_memory = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  const DcmTransferSyntax *syntaxes[] = { &dcm_ts_explicit_le, &dcm_ts_explicit_be };

  for (gsize i = 0; i < n; i++)
    content[i] = (guint8) (i * 7 + (i >> 8));
  g_file_set_contents (f->path, (const char *) content, (gssize) n, &error);
  g_assert_no_error (error);
  add_bulk (via_ref, f->path, NULL, 4, n - 4, FALSE);
  dcm_element_take_bytes (dcm_data_set_insert (in_memory, DCM_TAG_PIXEL_DATA, DCM_VR_OW),
                          g_bytes_new (content + 4, n - 4));
  for (guint i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    {
      g_autoptr(GBytes) a = write_ok (via_ref, syntaxes[i], DCM_WRITE_DEFAULT);
      g_autoptr(GBytes) b = write_ok (in_memory, syntaxes[i], DCM_WRITE_DEFAULT);
      g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) streamed = NULL;

      g_assert_true (g_bytes_equal (a, b));
      g_assert_true (dcm_data_set_write_stream (via_ref, mem, syntaxes[i], DCM_WRITE_DEFAULT,
                                                NULL, &error));
      g_assert_no_error (error);
      g_output_stream_close (mem, NULL, NULL);
      streamed = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
      g_assert_true (g_bytes_equal (streamed, b));
    }
}

/* ---- streams ---- */

static DcmDataSet *
big_data_set (void)
{
  DcmDataSet *ds = sequence_data_set ();
  gsize n = 300 * 1024;
  guint8 *data = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (i % 251);
  add_text (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe^John");
  add_hex (ds, DCM_TAG_ROWS, DCM_VR_US, "0002");
  dcm_element_take_bytes (dcm_data_set_insert (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OW),
                          g_bytes_new_take (data, n));
  return ds;
}

static void
test_stream_equals_bytes (void)
{
  g_autoptr(DcmDataSet) ds = big_data_set ();
  const DcmTransferSyntax *syntaxes[] = {
    &dcm_ts_implicit_le, &dcm_ts_explicit_le, &dcm_ts_explicit_be, &dcm_ts_deflated_explicit_le,
  };

  for (guint i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    for (DcmWriteFlags flags = 0; flags <= DCM_WRITE_UNDEFINED_LENGTHS; flags++)
      {
        g_autoptr(GBytes) bytes = write_ok (ds, syntaxes[i], flags);
        g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
        g_autoptr(GBytes) streamed = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_true (dcm_data_set_write_stream (ds, mem, syntaxes[i], flags, NULL, &error));
        g_assert_no_error (error);
        g_assert_true (g_output_stream_close (mem, NULL, NULL));
        streamed = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
        g_assert_true (g_bytes_equal (bytes, streamed));
      }
}

/* A memory stream that counts the writes reaching it. */
typedef struct {
  GMemoryOutputStream parent;
  guint               n_writes;
} CountingStream;

typedef struct {
  GMemoryOutputStreamClass parent_class;
} CountingStreamClass;

static GType counting_stream_get_type (void);
G_DEFINE_TYPE (CountingStream, counting_stream, G_TYPE_MEMORY_OUTPUT_STREAM)

static gssize
counting_stream_write (GOutputStream *stream, const void *buffer, gsize count,
                       GCancellable *cancellable, GError **error)
{
  ((CountingStream *) stream)->n_writes++;
  return G_OUTPUT_STREAM_CLASS (counting_stream_parent_class)->write_fn (stream, buffer, count,
                                                                          cancellable, error);
}

static void
counting_stream_class_init (CountingStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = counting_stream_write;
}

static void
counting_stream_init (CountingStream *self)
{
}

static void
test_stream_buffered (void)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  CountingStream *counting = g_object_new (counting_stream_get_type (),
                                           "realloc-function", g_realloc,
                                           "destroy-function", g_free, NULL);
  g_autoptr(GOutputStream) out = G_OUTPUT_STREAM (counting);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GBytes) written = NULL;

  for (guint i = 0; i < 40000; i++)
    add_text (ds, DCM_TAG (0x0009, 0x1000 + i), DCM_VR_LO, "VALUE");
  expected = write_ok (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT);
  g_assert_true (dcm_data_set_write_stream (ds, out, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                                            NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  written = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_bytes_equal (written, expected));
  /* 560 000 bytes of 14-byte elements: a write per 64 KiB at most */
  g_assert_cmpuint (g_bytes_get_size (written), ==, 40000 * 14);
  g_assert_cmpuint (counting->n_writes, >=, 1);
  g_assert_cmpuint (counting->n_writes, <=, 40000 * 14 / 65536 + 1);
}

static void
test_stream_cancelled (void)
{
  g_autoptr(DcmDataSet) ds = big_data_set ();
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (dcm_data_set_write_stream (ds, mem, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                                             cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_deflated (void)
{
  g_autoptr(DcmDataSet) ds = big_data_set ();
  g_autoptr(GBytes) plain = write_ok (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT);
  g_autoptr(GBytes) deflated = write_ok (ds, &dcm_ts_deflated_explicit_le, DCM_WRITE_DEFAULT);
  g_autoptr(GBytes) inflated = inflate_raw (deflated);

  g_assert_cmpuint (g_bytes_get_size (deflated), <, g_bytes_get_size (plain));
  g_assert_true (g_bytes_equal (inflated, plain));
}

static void
test_append_to_byte_array (void)
{
  g_autoptr(DcmDataSet) ds = sequence_data_set ();
  g_autoptr(GByteArray) array = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) rest = NULL;

  g_byte_array_append (array, (const guint8 *) "HEAD", 4);
  g_assert_true (dcm_data_set_write_to_byte_array (ds, array, &dcm_ts_explicit_le,
                                                   DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (array->data, 4, "HEAD", 4);
  rest = g_bytes_new (array->data + 4, array->len - 4);
  assert_bytes_hex (rest, "08004011 5351 0000 28000000"
                          "FEFF00E0 0C000000" ITEM1_LE "FEFF00E0 0C000000" ITEM2_LE);
}

/* ---- round trips through the parser ---- */

static const char *
text_for (DcmVR vr)
{
  switch (vr)
    {
    case DCM_VR_AS: return "042Y";
    case DCM_VR_DA: return "20240131";
    case DCM_VR_DS: return "1.5\\-2";
    case DCM_VR_DT: return "20240131120000";
    case DCM_VR_IS: return "42 ";
    case DCM_VR_TM: return "120000";
    case DCM_VR_UI: return "1.2.840.10008.1.2";
    case DCM_VR_UR: return "http://example.com/";
    case DCM_VR_PN: return "Doe^John";
    default:        return "VALUE 1";
    }
}

/* One element of every VR but SQ, at the first dictionary tag whose only VR
 * it is, so that implicit VR reads it back with the same VR. */
static void
add_every_vr (DcmDataSet *ds)
{
  for (DcmVR vr = DCM_VR_AE; vr < DCM_VR_N_VRS; vr++)
    {
      for (guint i = 0; i < dcm_dict_n_entries (); i++)
        {
          const DcmDictEntry *e = dcm_dict_nth_entry (i);

          if (e->vr[0] != vr || e->vr[1] != DCM_VR_NONE || e->mask != 0xffffffffu
              || DCM_TAG_GROUP (e->tag) <= 0x0002 || DCM_TAG_IS_GROUP_LENGTH (e->tag)
              || vr == DCM_VR_SQ || dcm_data_set_contains (ds, e->tag))
            continue;
          if (dcm_vr_kind (vr) == DCM_VR_KIND_STRING)
            add_text (ds, e->tag, vr, text_for (vr));
          else
            add_hex (ds, e->tag, vr, "0102030405060708090A0B0C0D0E0F10");
          break;
        }
    }
}

static DcmDataSet *
nested_item (guint depth)
{
  DcmDataSet *item = dcm_data_set_new ();

  add_text (item, DCM_TAG_CODE_VALUE, DCM_VR_SH, "T-D1100");
  add_text (item, DCM_TAG_CODE_MEANING, DCM_VR_LO, "Body");
  if (depth > 0)
    {
      DcmElement *sq = dcm_data_set_insert (item, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ);
      dcm_data_set_append_item (item, sq, nested_item (depth - 1));
      dcm_data_set_append_item (item, sq, dcm_data_set_new ());
      dcm_data_set_append_item (item, sq, nested_item (depth - 1));
    }
  return item;
}

static DcmDataSet *
rich_data_set (gboolean with_fragments)
{
  DcmDataSet *ds = dcm_data_set_new ();
  DcmElement *sq;

  add_every_vr (ds);
  sq = dcm_data_set_insert (ds, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (ds, sq, nested_item (4));
  dcm_data_set_insert (ds, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, DCM_VR_SQ);
  add_hex (ds, DCM_TAG_PATIENT_COMMENTS, DCM_VR_LT, "");
  add_text (ds, DCM_TAG (0x0009, 0x0010), DCM_VR_LO, "ACME");
  sq = dcm_data_set_insert (ds, TEST_TAG, DCM_VR_UN);
  dcm_data_set_append_item (ds, sq, nested_item (1));
  ((DcmElement *) dcm_data_set_lookup (ds, TEST_TAG))->vr = DCM_VR_UN;
  add_hex (ds, DCM_TAG_BITS_ALLOCATED, DCM_VR_US, "0800");
  if (with_fragments)
    {
      const char *frags[] = { "00000000", "0102030405", "FFD8FFD9", NULL };
      add_fragments (ds, frags);
    }
  return ds;
}

/* The parser keeps padding: an odd value comes back one byte longer. */
static void
pad_odd_values (DcmDataSet *ds)
{
  for (guint i = 0; i < dcm_data_set_n_elements (ds); i++)
    {
      DcmElement *el = (DcmElement *) dcm_data_set_nth (ds, i);

      if (el->kind == DCM_VALUE_BYTES && g_bytes_get_size (el->value.bytes) % 2 == 1)
        {
          gsize len;
          const guint8 *d = g_bytes_get_data (el->value.bytes, &len);
          guint8 *p = g_malloc (len + 1);

          memcpy (p, d, len);
          p[len] = dcm_vr_padding (el->vr);
          dcm_element_take_bytes (el, g_bytes_new_take (p, len + 1));
        }
      else if (el->kind == DCM_VALUE_ITEMS)
        for (guint j = 0; j < el->value.items->len; j++)
          pad_odd_values (el->value.items->pdata[j]);
      else if (el->kind == DCM_VALUE_FRAGMENTS)
        for (guint j = 0; j < el->value.fragments->len; j++)
          {
            GBytes *frag = el->value.fragments->pdata[j];
            gsize len = g_bytes_get_size (frag);

            if (len % 2 == 1)
              {
                guint8 *p = g_malloc0 (len + 1);
                memcpy (p, g_bytes_get_data (frag, NULL), len);
                el->value.fragments->pdata[j] = g_bytes_new_take (p, len + 1);
                g_bytes_unref (frag);
              }
          }
    }
}

static void
round_trip (DcmDataSet *ds, const DcmTransferSyntax *ts, DcmWriteFlags flags)
{
  g_autoptr(GBytes) bytes = write_ok (ds, ts, flags);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) back = dcm_data_set_read_bytes (bytes, ts, NULL, &error);
  g_autoptr(DcmDataSet) expected = dcm_data_set_copy (ds);
  g_autoptr(GBytes) again = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (back);
  pad_odd_values (expected);
  g_assert_true (dcm_data_set_equal (back, expected));
  again = write_ok (back, ts, flags);
  g_assert_true (g_bytes_equal (bytes, again));
}

static void
test_round_trip (gconstpointer data)
{
  const DcmTransferSyntax *ts = data;
  gboolean fragments = ts->explicit_vr && !ts->big_endian;
  g_autoptr(DcmDataSet) ds = rich_data_set (fragments);

  g_assert_cmpuint (dcm_data_set_n_elements (ds), >, 30);
  round_trip (ds, ts, DCM_WRITE_DEFAULT);
  round_trip (ds, ts, DCM_WRITE_UNDEFINED_LENGTHS);
}

static void
test_round_trip_preserve (void)
{
  g_autoptr(DcmDataSet) ds = rich_data_set (TRUE);
  g_autoptr(GBytes) undefined = write_ok (ds, &dcm_ts_explicit_le, DCM_WRITE_UNDEFINED_LENGTHS);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) back = dcm_data_set_read_bytes (undefined, &dcm_ts_explicit_le, NULL,
                                                        &error);
  g_autoptr(GBytes) preserved = NULL;

  g_assert_no_error (error);
  preserved = write_ok (back, &dcm_ts_explicit_le, DCM_WRITE_PRESERVE_LENGTHS);
  g_assert_true (g_bytes_equal (preserved, undefined));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/writer/vr/every-vr-explicit-le-and-be", test_every_vr);
  g_test_add_func ("/writer/implicit-le/elements", test_implicit_le);
  g_test_add_func ("/writer/empty-values", test_empty_values);
  g_test_add_func ("/writer/sequence/explicit-length", test_sequence_explicit_length);
  g_test_add_func ("/writer/sequence/undefined-length", test_sequence_undefined_length);
  g_test_add_func ("/writer/sequence/preserve-lengths", test_sequence_preserve_lengths);
  g_test_add_func ("/writer/sequence/empty", test_sequence_empty);
  g_test_add_func ("/writer/sequence/un-stays-implicit", test_sequence_un);
  g_test_add_func ("/writer/fragments", test_fragments);
  g_test_add_func ("/writer/group-length/recalculated", test_group_length_recalculated);
  g_test_add_func ("/writer/group-length/sequence", test_group_length_sequence);
  g_test_add_func ("/writer/group-length/meta-kept", test_group_length_meta_kept);
  g_test_add_func ("/writer/padding/odd-values", test_padding);
  g_test_add_func ("/writer/length/too-long-for-16-bit", test_too_long_for_short_length);
  g_test_add_func ("/writer/length/too-long-in-item", test_too_long_in_item);
  g_test_add ("/writer/bulk/copied", BulkFixture, NULL, bulk_setup, test_bulk_copied,
              bulk_teardown);
  g_test_add ("/writer/bulk/errors", BulkFixture, NULL, bulk_setup, test_bulk_errors,
              bulk_teardown);
  g_test_add ("/writer/bulk/written-offset", BulkFixture, NULL, bulk_setup,
              test_bulk_written_offset, bulk_teardown);
  g_test_add ("/writer/bulk/large", BulkFixture, NULL, bulk_setup, test_bulk_large,
              bulk_teardown);
  g_test_add_func ("/writer/stream/equals-bytes", test_stream_equals_bytes);
  g_test_add_func ("/writer/stream/buffered", test_stream_buffered);
  g_test_add_func ("/writer/stream/cancelled", test_stream_cancelled);
  g_test_add_func ("/writer/deflated/inflates-to-explicit-le", test_deflated);
  g_test_add_func ("/writer/byte-array/append", test_append_to_byte_array);
  test_util_add_per_syntax ("/writer/round-trip", test_round_trip);
  g_test_add_func ("/writer/round-trip/preserve-lengths", test_round_trip_preserve);

  return g_test_run ();
}
