#include "dcm-transfer-syntax.h"
#include "dcm-uid.h"

#include <string.h>

static void
test_uncompressed (void)
{
  const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN);

  g_assert_true (ts == &dcm_ts_implicit_le);
  g_assert_cmpstr (ts->uid, ==, "1.2.840.10008.1.2");
  g_assert_false (ts->explicit_vr);
  g_assert_false (ts->big_endian);
  g_assert_false (ts->deflated);
  g_assert_false (ts->encapsulated);

  ts = dcm_transfer_syntax_lookup (DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_assert_true (ts == &dcm_ts_explicit_le);
  g_assert_cmpstr (ts->uid, ==, "1.2.840.10008.1.2.1");
  g_assert_true (ts->explicit_vr);
  g_assert_false (ts->big_endian);
  g_assert_false (ts->deflated);
  g_assert_false (ts->encapsulated);

  ts = dcm_transfer_syntax_lookup (DCM_UID_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
  g_assert_true (ts == &dcm_ts_deflated_explicit_le);
  g_assert_cmpstr (ts->uid, ==, "1.2.840.10008.1.2.1.99");
  g_assert_true (ts->explicit_vr);
  g_assert_false (ts->big_endian);
  g_assert_true (ts->deflated);
  g_assert_false (ts->encapsulated);

  ts = dcm_transfer_syntax_lookup (DCM_UID_EXPLICIT_VR_BIG_ENDIAN);
  g_assert_true (ts == &dcm_ts_explicit_be);
  g_assert_cmpstr (ts->uid, ==, "1.2.840.10008.1.2.2");
  g_assert_true (ts->explicit_vr);
  g_assert_true (ts->big_endian);
  g_assert_false (ts->deflated);
  g_assert_false (ts->encapsulated);

  g_assert_true (dcm_transfer_syntax_is_uncompressed (&dcm_ts_implicit_le));
  g_assert_true (dcm_transfer_syntax_is_uncompressed (&dcm_ts_explicit_le));
  g_assert_true (dcm_transfer_syntax_is_uncompressed (&dcm_ts_deflated_explicit_le));
  g_assert_true (dcm_transfer_syntax_is_uncompressed (&dcm_ts_explicit_be));
}

static void
test_encapsulated (void)
{
  static const char *const uids[] = {
    DCM_UID_JPEG_BASELINE8_BIT,
    DCM_UID_JPEG_LOSSLESS_SV1,
    DCM_UID_JPEGLS_LOSSLESS,
    DCM_UID_JPEG2000_LOSSLESS,
    DCM_UID_RLE_LOSSLESS,
    DCM_UID_MPEG4_HP41,
    DCM_UID_HEVCMP51,
    /* PS3.5 §A.4.11: uncompressed frames, but still as fragments */
    DCM_UID_ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN,
  };

  for (guint i = 0; i < G_N_ELEMENTS (uids); i++)
    {
      const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (uids[i]);

      g_assert_nonnull (ts);
      g_assert_cmpstr (ts->uid, ==, uids[i]);
      g_assert_true (ts->explicit_vr);
      g_assert_false (ts->big_endian);
      g_assert_false (ts->deflated);
      g_assert_true (ts->encapsulated);
      g_assert_false (dcm_transfer_syntax_is_uncompressed (ts));
    }
}

static void
test_jpip (void)
{
  const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (DCM_UID_JPIP_REFERENCED);

  /* PS3.5 §A.6/§A.7: Pixel Data is replaced by a URL, nothing encapsulated */
  g_assert_nonnull (ts);
  g_assert_true (ts->explicit_vr);
  g_assert_false (ts->big_endian);
  g_assert_false (ts->deflated);
  g_assert_false (ts->encapsulated);
  g_assert_false (dcm_transfer_syntax_is_uncompressed (ts));

  ts = dcm_transfer_syntax_lookup (DCM_UID_JPIP_REFERENCED_DEFLATE);
  g_assert_nonnull (ts);
  g_assert_true (ts->explicit_vr);
  g_assert_true (ts->deflated);
  g_assert_false (ts->encapsulated);
}

static void
test_registry (void)
{
  guint n_known = 0;

  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);
      const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (entry->uid);

      if (entry->type != DCM_UID_TYPE_TRANSFER_SYNTAX)
        {
          g_assert_null (ts);
          continue;
        }
      /* the retired RFC 2557 MIME and XML encodings are not binary encodings */
      if (g_str_has_prefix (entry->uid, "1.2.840.10008.1.2.6."))
        {
          g_assert_null (ts);
          continue;
        }
      g_assert_nonnull (ts);
      g_assert_cmpstr (ts->uid, ==, entry->uid);
      g_assert_false (ts->big_endian && !dcm_transfer_syntax_is_uncompressed (ts));
      n_known++;
    }
  g_assert_cmpuint (n_known, >, 40);
}

static void
test_lookup_padding (void)
{
  g_assert_true (dcm_transfer_syntax_lookup ("1.2.840.10008.1.2 ") == &dcm_ts_implicit_le);
  g_assert_true (dcm_transfer_syntax_lookup ("1.2.840.10008.1.2.1  ") == &dcm_ts_explicit_le);
  g_assert_cmpstr (dcm_transfer_syntax_lookup ("1.2.840.10008.1.2.4.50 ")->uid,
                   ==, DCM_UID_JPEG_BASELINE8_BIT);
}

static void
test_unknown (void)
{
  static const char *const uids[] = {
    "", " ", "1.2.840.10008.1", "1.2.840.10008.1.2.3", "1.2.840.10008.1.2.1.9",
    "1.2.840.10008.1.2.10", "1.2.840.10008.1.2x", " 1.2.840.10008.1.2",
    DCM_UID_CT_IMAGE_STORAGE, "1.2.3.4.5.6",
  };

  for (guint i = 0; i < G_N_ELEMENTS (uids); i++)
    if (dcm_transfer_syntax_lookup (uids[i]) != NULL)
      g_error ("\"%s\" taken as a transfer syntax", uids[i]);
  g_assert_null (dcm_transfer_syntax_lookup (NULL));
}

static void
test_is_uncompressed_by_uid (void)
{
  DcmTransferSyntax copy = dcm_ts_explicit_be;
  DcmTransferSyntax other = { DCM_UID_JPEG_LOSSLESS, TRUE, FALSE, FALSE, FALSE };

  g_assert_true (dcm_transfer_syntax_is_uncompressed (&copy));
  g_assert_false (dcm_transfer_syntax_is_uncompressed (&other));
  g_assert_false (dcm_transfer_syntax_is_uncompressed (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/transfer-syntax/uncompressed", test_uncompressed);
  g_test_add_func ("/transfer-syntax/encapsulated", test_encapsulated);
  g_test_add_func ("/transfer-syntax/jpip", test_jpip);
  g_test_add_func ("/transfer-syntax/registry", test_registry);
  g_test_add_func ("/transfer-syntax/lookup/padding", test_lookup_padding);
  g_test_add_func ("/transfer-syntax/lookup/unknown", test_unknown);
  g_test_add_func ("/transfer-syntax/is-uncompressed/by-uid", test_is_uncompressed_by_uid);
  return g_test_run ();
}
