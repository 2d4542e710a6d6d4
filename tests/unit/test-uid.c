#include "dcm-uid.h"

#include <string.h>

static void
test_sop_class (void)
{
  const DcmUidEntry *entry = dcm_uid_lookup (DCM_UID_CT_IMAGE_STORAGE);

  g_assert_cmpstr (DCM_UID_CT_IMAGE_STORAGE, ==, "1.2.840.10008.5.1.4.1.1.2");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->uid, ==, "1.2.840.10008.5.1.4.1.1.2");
  g_assert_cmpstr (entry->name, ==, "CT Image Storage");
  g_assert_cmpstr (entry->keyword, ==, "CTImageStorage");
  g_assert_cmpint (entry->type, ==, DCM_UID_TYPE_SOP_CLASS);
  g_assert_false (entry->retired);
  g_assert_true (entry->storage);

  entry = dcm_uid_lookup (DCM_UID_VERIFICATION);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->uid, ==, "1.2.840.10008.1.1");
  g_assert_cmpint (entry->type, ==, DCM_UID_TYPE_SOP_CLASS);
  g_assert_false (entry->storage);

  entry = dcm_uid_lookup ("1.2.840.10008.5.1.4.1.2.2.1");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->keyword, ==, "StudyRootQueryRetrieveInformationModelFind");
  g_assert_false (entry->storage);
}

static void
test_other_types (void)
{
  g_assert_cmpint (dcm_uid_lookup (DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN)->type,
                   ==, DCM_UID_TYPE_TRANSFER_SYNTAX);
  g_assert_cmpint (dcm_uid_lookup ("1.2.840.10008.3.1.1.1")->type,
                   ==, DCM_UID_TYPE_APPLICATION_CONTEXT);
  g_assert_cmpint (dcm_uid_lookup ("1.2.840.10008.4.2")->type,
                   ==, DCM_UID_TYPE_SERVICE_CLASS);
  g_assert_cmpint (dcm_uid_lookup ("1.2.840.10008.2.16.4")->type,
                   ==, DCM_UID_TYPE_CODING_SCHEME);
  g_assert_cmpint (dcm_uid_lookup ("1.2.840.10008.1.20.1.1")->type,
                   ==, DCM_UID_TYPE_WELL_KNOWN_INSTANCE);
  g_assert_cmpint (dcm_uid_lookup ("1.2.840.10008.1.4.1.1")->type,
                   ==, DCM_UID_TYPE_WELL_KNOWN_INSTANCE);
  g_assert_cmpint (dcm_uid_lookup ("1.2.840.10008.5.1.4.1.1.9.1")->type,
                   ==, DCM_UID_TYPE_SOP_CLASS);
  /* Basic Grayscale Print Management Meta SOP Class */
  g_assert_cmpint (dcm_uid_lookup ("1.2.840.10008.5.1.1.9")->type,
                   ==, DCM_UID_TYPE_META_SOP_CLASS);
}

static void
test_transfer_syntax (void)
{
  const DcmUidEntry *entry = dcm_uid_lookup (DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN);

  g_assert_cmpstr (DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, ==, "1.2.840.10008.1.2");
  g_assert_cmpstr (DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, ==, "1.2.840.10008.1.2.1");
  g_assert_cmpstr (DCM_UID_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, ==, "1.2.840.10008.1.2.1.99");
  g_assert_cmpstr (DCM_UID_EXPLICIT_VR_BIG_ENDIAN, ==, "1.2.840.10008.1.2.2");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->name, ==, "Implicit VR Little Endian");
  g_assert_cmpint (entry->type, ==, DCM_UID_TYPE_TRANSFER_SYNTAX);
  g_assert_false (entry->retired);
  g_assert_false (entry->storage);

  entry = dcm_uid_lookup (DCM_UID_EXPLICIT_VR_BIG_ENDIAN);
  g_assert_nonnull (entry);
  g_assert_true (entry->retired);
  g_assert_cmpstr (dcm_uid_lookup (DCM_UID_JPEG_BASELINE8_BIT)->name,
                   ==, "JPEG Baseline (Process 1)");
}

static void
test_storage_flag (void)
{
  static const char *const storage[] = {
    DCM_UID_CT_IMAGE_STORAGE,
    DCM_UID_MR_IMAGE_STORAGE,
    DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE,
    DCM_UID_DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION,
    DCM_UID_DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PROCESSING,
    DCM_UID_ENHANCED_SR_STORAGE,
    DCM_UID_ENCAPSULATED_PDF_STORAGE,
    DCM_UID_RT_PLAN_STORAGE,
    /* retired storage SOP classes may still be sent with C-STORE */
    DCM_UID_NUCLEAR_MEDICINE_IMAGE_STORAGE_RETIRED,
    DCM_UID_TEXT_SR_STORAGE_TRIAL,
  };
  static const char *const not_storage[] = {
    DCM_UID_VERIFICATION,
    DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
    DCM_UID_STORAGE,
    DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND,
    DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
    DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
  };
  guint n_storage = 0;

  for (guint i = 0; i < G_N_ELEMENTS (storage); i++)
    g_assert_true (dcm_uid_lookup (storage[i])->storage);
  for (guint i = 0; i < G_N_ELEMENTS (not_storage); i++)
    g_assert_false (dcm_uid_lookup (not_storage[i])->storage);
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);

      if (!entry->storage)
        continue;
      n_storage++;
      g_assert_cmpint (entry->type, ==, DCM_UID_TYPE_SOP_CLASS);
      g_assert_nonnull (strstr (entry->name, "Storage"));
      g_assert_null (strstr (entry->name, "Commitment"));
    }
  g_assert_cmpuint (n_storage, >, 100);
}

static void
test_lookup_padding (void)
{
  const DcmUidEntry *entry = dcm_uid_lookup (DCM_UID_CT_IMAGE_STORAGE);

  g_assert_true (dcm_uid_lookup ("1.2.840.10008.5.1.4.1.1.2 ") == entry);
  g_assert_true (dcm_uid_lookup ("1.2.840.10008.5.1.4.1.1.2   ") == entry);
  g_assert_null (dcm_uid_lookup (" 1.2.840.10008.5.1.4.1.1.2"));
  g_assert_null (dcm_uid_lookup ("1.2.840.10008.5.1.4.1.1.2.99"));
  g_assert_null (dcm_uid_lookup ("1.2.840.10008.5.1.4.1.1"));
  g_assert_null (dcm_uid_lookup ("1.2.840.10008.5.1.4.1.1.2x"));
  g_assert_null (dcm_uid_lookup (""));
  g_assert_null (dcm_uid_lookup ("   "));
  g_assert_null (dcm_uid_lookup (NULL));
}

static void
test_lookup_all (void)
{
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);

      if (i > 0)
        g_assert_cmpint (strcmp (dcm_uid_nth_entry (i - 1)->uid, entry->uid), <, 0);
      g_assert_true (dcm_uid_is_valid (entry->uid));
      g_assert_true (dcm_uid_lookup (entry->uid) == entry);
      if (entry->keyword[0] != '\0')
        g_assert_true (dcm_uid_lookup_keyword (entry->keyword) == entry);
    }
  g_assert_cmpuint (dcm_uid_n_entries (), >, 400);
  g_assert_null (dcm_uid_nth_entry (dcm_uid_n_entries ()));
}

static void
test_keyword (void)
{
  const DcmUidEntry *entry = dcm_uid_lookup_keyword ("CTImageStorage");

  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->uid, ==, DCM_UID_CT_IMAGE_STORAGE);
  g_assert_null (dcm_uid_lookup_keyword ("ctimagestorage"));
  g_assert_null (dcm_uid_lookup_keyword ("NoSuchSOPClass"));
  g_assert_null (dcm_uid_lookup_keyword (""));
  g_assert_null (dcm_uid_lookup_keyword (NULL));
}

static void
test_name (void)
{
  const char *unknown = "1.2.3.4";

  g_assert_cmpstr (dcm_uid_name (DCM_UID_VERIFICATION), ==, "Verification SOP Class");
  g_assert_cmpstr (dcm_uid_name (DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN), ==, "Explicit VR Little Endian");
  g_assert_true (dcm_uid_name (unknown) == unknown);
}

static void
test_valid (void)
{
  static const char *const valid[] = {
    "0", "0.1", "1.2", "1.2.840.10008.1.2", "1.0.2", "2.25.0", "10.20.30",
    DCM_IMPLEMENTATION_CLASS_UID,
    /* 64 characters */
    "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.2456",
  };
  static const char *const invalid[] = {
    "", ".", "1.", ".1", "1..2", "1.02", "01.2", "00", "1.2.00", "1.2a", "1.2 ",
    " 1.2", "1,2", "1.-2", "+1.2", "1.2\n",
    /* 65 characters */
    "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24567",
  };

  g_assert_cmpuint (strlen (valid[G_N_ELEMENTS (valid) - 1]), ==, 64);
  g_assert_cmpuint (strlen (invalid[G_N_ELEMENTS (invalid) - 1]), ==, 65);
  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    if (!dcm_uid_is_valid (valid[i]))
      g_error ("rejected valid UID \"%s\"", valid[i]);
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    if (dcm_uid_is_valid (invalid[i]))
      g_error ("accepted invalid UID \"%s\"", invalid[i]);
  g_assert_false (dcm_uid_is_valid (NULL));
}

/* The decimal after "2.25." as four 32-bit limbs, most significant first. */
static void
decimal_to_limbs (const char *digits, guint32 limbs[4])
{
  memset (limbs, 0, 4 * sizeof (guint32));
  for (const char *p = digits; *p != '\0'; p++)
    {
      guint64 carry = (guint64) (*p - '0');

      for (int i = 3; i >= 0; i--)
        {
          guint64 v = (guint64) limbs[i] * 10 + carry;

          limbs[i] = (guint32) v;
          carry = v >> 32;
        }
      g_assert_cmpuint (carry, ==, 0);
    }
}

static void
test_generate_is_uuid (void)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *uid = dcm_uid_generate ();
      guint32 limbs[4];

      decimal_to_limbs (uid + strlen ("2.25."), limbs);
      /* RFC 4122 §4.4: version 4 in bits 76-79, variant 10 in bits 62-63;
       * this fails if the hex-to-decimal conversion garbles the number. */
      g_assert_cmphex ((limbs[1] >> 12) & 0xf, ==, 4);
      g_assert_cmphex (limbs[2] >> 30, ==, 2);
    }
}

static void
test_generate (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_long = 0;

  for (guint i = 0; i < 1000; i++)
    {
      char *uid = dcm_uid_generate ();

      g_assert_true (g_str_has_prefix (uid, "2.25."));
      g_assert_true (dcm_uid_is_valid (uid));
      /* a 128-bit number has at most 39 decimal digits */
      g_assert_cmpuint (strlen (uid), <=, 5 + 39);
      if (strlen (uid) >= 5 + 36)
        n_long++;
      g_assert_false (g_hash_table_contains (seen, uid));
      g_hash_table_add (seen, uid);
    }
  /* random 122-bit values are nearly all above 10^35 */
  g_assert_cmpuint (n_long, >, 900);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/uid/lookup/sop-class", test_sop_class);
  g_test_add_func ("/uid/lookup/types", test_other_types);
  g_test_add_func ("/uid/lookup/transfer-syntax", test_transfer_syntax);
  g_test_add_func ("/uid/lookup/storage-flag", test_storage_flag);
  g_test_add_func ("/uid/lookup/padding", test_lookup_padding);
  g_test_add_func ("/uid/lookup/all", test_lookup_all);
  g_test_add_func ("/uid/lookup/keyword", test_keyword);
  g_test_add_func ("/uid/name", test_name);
  g_test_add_func ("/uid/valid", test_valid);
  g_test_add_func ("/uid/generate/unique", test_generate);
  g_test_add_func ("/uid/generate/uuid", test_generate_is_uuid);
  return g_test_run ();
}
