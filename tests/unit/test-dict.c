#include "dcm-dict.h"

#include <string.h>

static void
test_plain (void)
{
  const DcmDictEntry *entry = dcm_dict_lookup (DCM_TAG_PATIENT_NAME);

  g_assert_nonnull (entry);
  g_assert_cmphex (entry->tag, ==, DCM_TAG (0x0010, 0x0010));
  g_assert_cmphex (entry->mask, ==, 0xffffffffu);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_PN);
  g_assert_cmpint (entry->vr[1], ==, DCM_VR_NONE);
  g_assert_cmpint (entry->vr[2], ==, DCM_VR_NONE);
  g_assert_cmpstr (entry->vm, ==, "1");
  g_assert_cmpstr (entry->keyword, ==, "PatientName");
  g_assert_cmpstr (entry->name, ==, "Patient's Name");
  g_assert_false (entry->retired);

  entry = dcm_dict_lookup (DCM_TAG_SOP_INSTANCE_UID);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_UI);
  g_assert_cmpstr (entry->keyword, ==, "SOPInstanceUID");

  entry = dcm_dict_lookup (DCM_TAG_IMAGE_TYPE);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->vm, ==, "2-n");
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_CS);

  /* (0008,0010) Recognition Code is retired */
  entry = dcm_dict_lookup (DCM_TAG_RECOGNITION_CODE);
  g_assert_nonnull (entry);
  g_assert_true (entry->retired);

  g_assert_cmpint (dcm_dict_vr (DCM_TAG_PIXEL_DATA), ==, DCM_VR_OB);
  g_assert_cmpint (dcm_dict_lookup (DCM_TAG_PIXEL_DATA)->vr[1], ==, DCM_VR_OW);
  g_assert_cmpint (dcm_dict_vr (DCM_TAG_REFERENCED_IMAGE_SEQUENCE), ==, DCM_VR_SQ);
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG_TRANSFER_SYNTAX_UID), ==, "TransferSyntaxUID");
}

static void
test_macros (void)
{
  g_assert_cmphex (DCM_TAG_PATIENT_NAME, ==, 0x00100010u);
  g_assert_cmphex (DCM_TAG_SOP_INSTANCE_UID, ==, 0x00080018u);
  g_assert_cmphex (DCM_TAG_REFERENCED_SOP_CLASS_UID_IN_FILE, ==, 0x00041510u);
  g_assert_cmphex (DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH, ==, 0x00020000u);
  g_assert_cmphex (DCM_TAG_ITEM, ==, 0xfffee000u);
  g_assert_cmphex (DCM_TAG_ITEM_DELIMITATION_ITEM, ==, 0xfffee00du);
  g_assert_cmphex (DCM_TAG_SEQUENCE_DELIMITATION_ITEM, ==, 0xfffee0ddu);
  g_assert_cmphex (DCM_TAG_OVERLAY_DATA, ==, 0x60003000u);
  g_assert_cmphex (DCM_TAG_GROUP (DCM_TAG_PIXEL_DATA), ==, 0x7fe0);
  g_assert_cmphex (DCM_TAG_ELEMENT (DCM_TAG_PIXEL_DATA), ==, 0x0010);
}

static void
test_items (void)
{
  const DcmDictEntry *entry = dcm_dict_lookup (DCM_TAG_ITEM);

  g_assert_nonnull (entry);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_NONE);
  g_assert_cmpint (dcm_dict_vr (DCM_TAG_SEQUENCE_DELIMITATION_ITEM), ==, DCM_VR_NONE);
}

static void
test_multi_vr (void)
{
  const DcmDictEntry *entry = dcm_dict_lookup (DCM_TAG_SMALLEST_IMAGE_PIXEL_VALUE);

  g_assert_nonnull (entry);
  g_assert_cmphex (entry->tag, ==, DCM_TAG (0x0028, 0x0106));
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_US);
  g_assert_cmpint (entry->vr[1], ==, DCM_VR_SS);
  g_assert_cmpint (entry->vr[2], ==, DCM_VR_NONE);

  /* (0028,1101) Red Palette Color Lookup Table Descriptor: US or SS */
  entry = dcm_dict_lookup (DCM_TAG_RED_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_US);
  g_assert_cmpint (entry->vr[1], ==, DCM_VR_SS);

  /* (0028,3006) LUT Data: US or OW */
  entry = dcm_dict_lookup (DCM_TAG_LUT_DATA);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_US);
  g_assert_cmpint (entry->vr[1], ==, DCM_VR_OW);

  /* (0028,1201) Red Palette Color Lookup Table Data: OW */
  g_assert_cmpint (dcm_dict_vr (DCM_TAG_RED_PALETTE_COLOR_LOOKUP_TABLE_DATA), ==, DCM_VR_OW);
}

static void
test_three_vrs (void)
{
  gboolean found = FALSE;

  for (guint i = 0; i < dcm_dict_n_entries (); i++)
    {
      const DcmDictEntry *entry = dcm_dict_nth_entry (i);

      if (entry->vr[2] == DCM_VR_NONE)
        continue;
      found = TRUE;
      g_assert_cmpint (entry->vr[0], ==, DCM_VR_US);
      g_assert_cmpint (entry->vr[1], ==, DCM_VR_SS);
      g_assert_cmpint (entry->vr[2], ==, DCM_VR_OW);
    }
  g_assert_true (found);
}

static void
test_repeating (void)
{
  const DcmDictEntry *entry = dcm_dict_lookup (DCM_TAG (0x6002, 0x3000));

  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->keyword, ==, "OverlayData");
  g_assert_cmphex (entry->tag, ==, DCM_TAG_OVERLAY_DATA);
  g_assert_cmphex (entry->mask, ==, 0xff00ffffu);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_OB);
  g_assert_cmpint (entry->vr[1], ==, DCM_VR_OW);
  g_assert_true (dcm_dict_lookup (DCM_TAG (0x6000, 0x3000)) == entry);
  g_assert_true (dcm_dict_lookup (DCM_TAG (0x601e, 0x3000)) == entry);

  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x6004, 0x0010)), ==, "OverlayRows");
  g_assert_cmpint (dcm_dict_vr (DCM_TAG (0x6004, 0x0050)), ==, DCM_VR_SS);

  /* Curves (50xx) are retired but still known */
  entry = dcm_dict_lookup (DCM_TAG (0x5010, 0x3000));
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->keyword, ==, "CurveData");
  g_assert_true (entry->retired);
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x5010, 0x0005)), ==, "CurveDimensions");

  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x7f02, 0x0010)), ==, "VariablePixelData");
  /* 1000xxx0 … 1000xxx5: the low nibble picks the entry */
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x1000, 0x1230)), ==, "EscapeTriplet");
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x1000, 0x1235)), ==, "ShiftTableTriplet");
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x1000, 0x1236)));
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x0020, 0x3105)), ==, "SourceImageIDs");
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x0028, 0x0413)), ==, "CoefficientCodingPointers");

  /* a plain entry wins over a repeating one: 002804x0 at x = 0 */
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x0028, 0x0400)), ==, "TransformLabel");
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG (0x0028, 0x0410)), ==, "RowsForNthOrderCoefficients");

  /* an odd group is private, never an overlay */
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x6001, 0x3000)));
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x6100, 0x3000)));
}

static void
test_repeating_entries (void)
{
  guint n_repeating = 0;

  for (guint i = 0; i < dcm_dict_n_entries (); i++)
    {
      const DcmDictEntry *entry = dcm_dict_nth_entry (i);

      g_assert_cmphex (entry->tag & ~entry->mask, ==, 0);
      if (entry->mask != 0xffffffffu)
        {
          /* some varying bits set; with all zero a plain entry or the group
           * length may take precedence, e.g. (0028,0400), (1000,0000) */
          guint32 tag = entry->tag | (~entry->mask & 0x22222222u);

          n_repeating++;
          g_assert_cmphex (tag, !=, entry->tag);
          g_assert_true (dcm_dict_lookup (tag) == entry);
        }
    }
  g_assert_cmpuint (n_repeating, >, 50);
  g_assert_null (dcm_dict_nth_entry (dcm_dict_n_entries ()));
}

static void
test_sorted (void)
{
  guint32 previous = 0;
  gboolean first = TRUE;

  for (guint i = 0; i < dcm_dict_n_entries (); i++)
    {
      const DcmDictEntry *entry = dcm_dict_nth_entry (i);

      if (entry->mask != 0xffffffffu)
        break;
      if (!first)
        g_assert_cmphex (previous, <, entry->tag);
      g_assert_true (dcm_dict_lookup (entry->tag) == entry);
      previous = entry->tag;
      first = FALSE;
    }
  g_assert_cmpuint (dcm_dict_n_entries (), >, 4000);
}

static void
test_group_length (void)
{
  const DcmDictEntry *entry = dcm_dict_lookup (DCM_TAG (0x0010, 0x0000));

  g_assert_nonnull (entry);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_UL);
  g_assert_cmpstr (entry->name, ==, "Group Length");
  g_assert_cmpstr (entry->keyword, ==, "");
  g_assert_true (dcm_dict_lookup (DCM_TAG (0x0029, 0x0000)) == entry);
  g_assert_true (dcm_dict_lookup (DCM_TAG (0x6002, 0x0000)) == entry);
  g_assert_cmpint (dcm_dict_vr (DCM_TAG (0x0008, 0x0000)), ==, DCM_VR_UL);

  entry = dcm_dict_lookup (DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->keyword, ==, "FileMetaInformationGroupLength");
  g_assert_cmpstr (dcm_dict_keyword (DCM_TAG_COMMAND_GROUP_LENGTH), ==, "CommandGroupLength");
}

static void
test_private (void)
{
  const DcmDictEntry *entry = dcm_dict_lookup (DCM_TAG (0x0029, 0x0010));

  g_assert_nonnull (entry);
  g_assert_cmpint (entry->vr[0], ==, DCM_VR_LO);
  g_assert_cmpstr (entry->name, ==, "Private Creator");
  g_assert_true (dcm_dict_lookup (DCM_TAG (0x0009, 0x00ff)) == entry);
  g_assert_cmphex (DCM_TAG (0x0009, 0x00ff) & entry->mask, ==, entry->tag);

  g_assert_true (dcm_dict_lookup (DCM_TAG (0x0009, 0x0010)) == entry);
  g_assert_true (dcm_dict_lookup (DCM_TAG (0xfffd, 0x0010)) == entry);
  /* PS3.5 §7.8.1: these odd groups cannot hold private elements */
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x0001, 0x0010)));
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x0007, 0x0010)));
  g_assert_null (dcm_dict_lookup (DCM_TAG (0xffff, 0x0010)));

  g_assert_null (dcm_dict_lookup (DCM_TAG (0x0029, 0x1010)));
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x0029, 0x0100)));
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x0029, 0x0001)));
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x7fe1, 0x0010 + 0x1000)));
  g_assert_cmpint (dcm_dict_vr (DCM_TAG (0x0029, 0x1010)), ==, DCM_VR_UN);
  g_assert_null (dcm_dict_keyword (DCM_TAG (0x0029, 0x1010)));
}

static void
test_unknown (void)
{
  g_assert_null (dcm_dict_lookup (DCM_TAG (0x0010, 0x9999)));
  g_assert_null (dcm_dict_lookup (DCM_TAG (0xfffe, 0x0001)));
  g_assert_null (dcm_dict_lookup (0xffffffffu));
  g_assert_cmpint (dcm_dict_vr (DCM_TAG (0x0010, 0x9999)), ==, DCM_VR_UN);
  g_assert_null (dcm_dict_keyword (DCM_TAG (0x0010, 0x9999)));
}

static void
test_keyword_round_trip (void)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_checked = 0;

  for (guint i = 0; i < dcm_dict_n_entries (); i++)
    {
      const char *keyword = dcm_dict_nth_entry (i)->keyword;
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, keyword));

      g_hash_table_insert (counts, (gpointer) keyword, GUINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < dcm_dict_n_entries (); i++)
    {
      const DcmDictEntry *entry = dcm_dict_nth_entry (i);

      if (entry->keyword[0] == '\0'
          || GPOINTER_TO_UINT (g_hash_table_lookup (counts, entry->keyword)) != 1)
        continue;
      g_assert_true (dcm_dict_lookup_keyword (entry->keyword) == entry);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 4000);
}

static void
test_keyword_unknown (void)
{
  g_assert_null (dcm_dict_lookup_keyword ("NoSuchKeyword"));
  g_assert_null (dcm_dict_lookup_keyword ("patientname"));
  g_assert_null (dcm_dict_lookup_keyword ("PatientName "));
  g_assert_null (dcm_dict_lookup_keyword ("PatientNam"));
  g_assert_null (dcm_dict_lookup_keyword (""));
  g_assert_null (dcm_dict_lookup_keyword (NULL));
  /* the first and last keywords in strcmp order stay reachable */
  g_assert_nonnull (dcm_dict_lookup_keyword ("AITDeviceType"));
  g_assert_nonnull (dcm_dict_lookup_keyword ("dBdt"));
}

static void
test_parse_tag (void)
{
  static const char *const forms[] = {
    "PatientName", "0010,0010", "(0010,0010)", "00100010",
  };
  guint32 tag;

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      tag = 0;
      g_assert_true (dcm_dict_parse_tag (forms[i], &tag));
      g_assert_cmphex (tag, ==, DCM_TAG_PATIENT_NAME);
    }
  g_assert_true (dcm_dict_parse_tag ("7fe0,0010", &tag));
  g_assert_cmphex (tag, ==, DCM_TAG_PIXEL_DATA);
  g_assert_true (dcm_dict_parse_tag ("(7FE0,0010)", &tag));
  g_assert_cmphex (tag, ==, DCM_TAG_PIXEL_DATA);
  g_assert_true (dcm_dict_parse_tag ("7Fe00010", &tag));
  g_assert_cmphex (tag, ==, DCM_TAG_PIXEL_DATA);
  g_assert_true (dcm_dict_parse_tag ("fffee000", &tag));
  g_assert_cmphex (tag, ==, DCM_TAG_ITEM);
  /* any well-formed number parses, known or not */
  g_assert_true (dcm_dict_parse_tag ("(0029,1010)", &tag));
  g_assert_cmphex (tag, ==, DCM_TAG (0x0029, 0x1010));
  g_assert_true (dcm_dict_parse_tag ("OverlayData", &tag));
  g_assert_cmphex (tag, ==, DCM_TAG_OVERLAY_DATA);
  g_assert_true (dcm_dict_parse_tag ("SOPInstanceUID", NULL));
}

static void
test_parse_tag_rejects (void)
{
  static const char *const junk[] = {
    "", "0010", "0010,001", "0010,00100", "(0010,0010", "0010,0010)",
    "(0010,0010))", "0010 0010", "0010;0010", "001000100", "0010001",
    "0x100010", "g0100010", "0010,001g", "(0010.0010)", " 00100010",
    "00100010 ", "patientname", "PatientName2", "(PatientName)", "-0010,0010",
    "+0010,0010", "0010,+010", "[0010,0010]", "(0010,0010]", "x0010,0010x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    {
      guint32 tag = 0x12345678u;

      if (dcm_dict_parse_tag (junk[i], &tag))
        g_error ("accepted \"%s\" as a tag", junk[i]);
      g_assert_cmphex (tag, ==, 0x12345678u);
    }
  g_assert_false (dcm_dict_parse_tag (NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dict/lookup/plain", test_plain);
  g_test_add_func ("/dict/lookup/macros", test_macros);
  g_test_add_func ("/dict/lookup/items", test_items);
  g_test_add_func ("/dict/lookup/multi-vr", test_multi_vr);
  g_test_add_func ("/dict/lookup/three-vrs", test_three_vrs);
  g_test_add_func ("/dict/lookup/repeating", test_repeating);
  g_test_add_func ("/dict/lookup/repeating-entries", test_repeating_entries);
  g_test_add_func ("/dict/lookup/sorted", test_sorted);
  g_test_add_func ("/dict/lookup/group-length", test_group_length);
  g_test_add_func ("/dict/lookup/private", test_private);
  g_test_add_func ("/dict/lookup/unknown", test_unknown);
  g_test_add_func ("/dict/keyword/round-trip", test_keyword_round_trip);
  g_test_add_func ("/dict/keyword/unknown", test_keyword_unknown);
  g_test_add_func ("/dict/parse-tag/forms", test_parse_tag);
  g_test_add_func ("/dict/parse-tag/rejects", test_parse_tag_rejects);
  return g_test_run ();
}
