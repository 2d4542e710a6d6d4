/* test-data-set.c — the data set model, typed access and validation */
#include "dcm-data-set.h"
#include "dcm-error.h"
#include "test-util.h"

#include <math.h>
#include <string.h>

/* Sets tag to the raw bytes given (a C string literal, NUL excluded). */
#define SET_RAW(ds, tag, vr, literal) \
  g_assert_true (dcm_data_set_set_raw ((ds), (tag), (vr), (literal), sizeof (literal) - 1, NULL))

static void
assert_string (DcmDataSet *ds, guint32 tag, guint index, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = dcm_data_set_get_string (ds, tag, index, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, expected);
}

static GBytes *
element_bytes (DcmDataSet *ds, guint32 tag)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);

  g_assert_nonnull (el);
  g_assert_cmpint (el->kind, ==, DCM_VALUE_BYTES);
  return el->value.bytes;
}

/* ---- the model ---- */

static void
test_ref_unref (void)
{
  DcmDataSet *ds = dcm_data_set_new ();
  GValue value = G_VALUE_INIT;

  g_assert_true (dcm_data_set_ref (ds) == ds);
  dcm_data_set_unref (ds);
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 0);

  /* The boxed copy is a reference, not a deep copy. */
  g_value_init (&value, DCM_TYPE_DATA_SET);
  g_value_set_boxed (&value, ds);
  g_assert_true (g_value_get_boxed (&value) == ds);
  g_value_unset (&value);
  dcm_data_set_unref (ds);
}

static void
test_insert_order (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  GRand *rand = g_rand_new_with_seed (1234);
  guint32 tags[200];

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    tags[i] = DCM_TAG (0x0009 + 2 * (i % 7), 0x1000 + i);
  for (guint i = G_N_ELEMENTS (tags) - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, (gint32) i + 1);
      guint32 t = tags[i];
      tags[i] = tags[j];
      tags[j] = t;
    }
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    dcm_data_set_insert (ds, tags[i], DCM_VR_UN);
  g_rand_free (rand);

  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, G_N_ELEMENTS (tags));
  for (guint i = 1; i < dcm_data_set_n_elements (ds); i++)
    g_assert_cmpuint (dcm_data_set_nth (ds, i - 1)->tag, <, dcm_data_set_nth (ds, i)->tag);
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_assert_true (dcm_data_set_contains (ds, tags[i]));
      g_assert_cmpuint (dcm_data_set_lookup (ds, tags[i])->tag, ==, tags[i]);
    }
  g_assert_false (dcm_data_set_contains (ds, DCM_TAG (0x0009, 0x0fff)));
  g_assert_null (dcm_data_set_lookup (ds, DCM_TAG (0xfffe, 0x0000)));
}

static void
test_insert_dictionary_vr (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();

  g_assert_cmpint (dcm_data_set_insert (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE)->vr, ==, DCM_VR_PN);
  /* (0028,0106) is US or SS: the first is taken. */
  g_assert_cmpint (dcm_data_set_insert (ds, DCM_TAG_SMALLEST_IMAGE_PIXEL_VALUE, DCM_VR_NONE)->vr,
                   ==, DCM_VR_US);
  g_assert_cmpint (dcm_data_set_insert (ds, DCM_TAG (0x0009, 0x1001), DCM_VR_NONE)->vr,
                   ==, DCM_VR_UN);
}

static void
test_replace (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, "A1", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, "X^Y", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, "B22", NULL));
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 2);
  assert_string (ds, DCM_TAG_PATIENT_ID, 0, "B22");
  test_util_assert_value (ds, DCM_TAG_PATIENT_ID, "B22 ", 4);

  /* Replacing through insert empties the value. */
  dcm_data_set_insert (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO);
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_PATIENT_ID)->kind, ==, DCM_VALUE_EMPTY);
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_PATIENT_ID), ==, 0);
}

static void
test_remove (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();

  for (guint i = 0; i < 10; i++)
    g_assert_true (dcm_data_set_set_int64 (ds, DCM_TAG (0x0011, 0x1000 + i), DCM_VR_UL, i, NULL));
  g_assert_true (dcm_data_set_remove (ds, DCM_TAG (0x0011, 0x1003)));
  g_assert_false (dcm_data_set_remove (ds, DCM_TAG (0x0011, 0x1003)));
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 9);

  dcm_data_set_remove_range (ds, DCM_TAG (0x0011, 0x1002), DCM_TAG (0x0011, 0x1006));
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 5);
  g_assert_cmpuint (dcm_data_set_nth (ds, 1)->tag, ==, DCM_TAG (0x0011, 0x1001));
  g_assert_cmpuint (dcm_data_set_nth (ds, 2)->tag, ==, DCM_TAG (0x0011, 0x1007));

  /* A range that touches nothing, and an empty range. */
  dcm_data_set_remove_range (ds, DCM_TAG (0x0013, 0x0000), DCM_TAG (0x0013, 0xffff));
  dcm_data_set_remove_range (ds, DCM_TAG (0x0011, 0x1009), DCM_TAG (0x0011, 0x1000));
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 5);

  dcm_data_set_remove_range (ds, 0, G_MAXUINT32);
  g_assert_cmpuint (dcm_data_set_n_elements (ds), ==, 0);
}

/* A data set with a three-deep sequence: top → (0008,1115)[0] →
 * (0008,114A)[1] → (0040,A730)[0]. */
static DcmDataSet *
make_nested (void)
{
  DcmDataSet *top = dcm_data_set_new ();
  DcmDataSet *level1 = dcm_data_set_new ();
  DcmDataSet *level2a = dcm_data_set_new ();
  DcmDataSet *level2b = dcm_data_set_new ();
  DcmDataSet *level3 = dcm_data_set_new ();
  DcmElement *el;

  SET_RAW (top, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 100");
  SET_RAW (top, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "M\xfcller^Hans");
  el = dcm_data_set_insert (top, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (top, el, level1);
  el = dcm_data_set_insert (level1, DCM_TAG_REFERENCED_INSTANCE_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (level1, el, level2a);
  dcm_data_set_append_item (level1, el, level2b);
  el = dcm_data_set_insert (level2b, DCM_TAG_CONTENT_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (level2b, el, level3);
  SET_RAW (level3, DCM_TAG_PERSON_NAME, DCM_VR_PN, "M\xfcller^J\xf6rg");
  SET_RAW (level3, DCM_TAG_TEXT_VALUE, DCM_VR_UT, "gr\xfc\xdf");
  return top;
}

static DcmDataSet *
deepest (DcmDataSet *top)
{
  DcmDataSet *level1 = dcm_data_set_get_item (top, DCM_TAG_REFERENCED_SERIES_SEQUENCE, 0);
  DcmDataSet *level2 = dcm_data_set_get_item (level1, DCM_TAG_REFERENCED_INSTANCE_SEQUENCE, 1);

  return dcm_data_set_get_item (level2, DCM_TAG_CONTENT_SEQUENCE, 0);
}

static void
test_sequences (void)
{
  g_autoptr (DcmDataSet) top = make_nested ();
  DcmDataSet *level1 = dcm_data_set_get_item (top, DCM_TAG_REFERENCED_SERIES_SEQUENCE, 0);
  DcmDataSet *level3 = deepest (top);

  g_assert_cmpuint (dcm_data_set_get_n_items (top, DCM_TAG_REFERENCED_SERIES_SEQUENCE), ==, 1);
  g_assert_cmpuint (dcm_data_set_get_n_items (level1, DCM_TAG_REFERENCED_INSTANCE_SEQUENCE), ==, 2);
  g_assert_null (dcm_data_set_get_item (level1, DCM_TAG_REFERENCED_INSTANCE_SEQUENCE, 2));
  g_assert_cmpuint (dcm_data_set_get_n_items (top, DCM_TAG_PATIENT_NAME), ==, 0);
  g_assert_cmpuint (dcm_data_set_get_vm (top, DCM_TAG_REFERENCED_SERIES_SEQUENCE), ==, 1);
  g_assert_true (dcm_data_set_get_parent (level1) == top);
  g_assert_null (dcm_data_set_get_parent (top));
  g_assert_nonnull (level3);
  g_assert_true (dcm_data_set_get_parent (dcm_data_set_get_parent (dcm_data_set_get_parent (level3)))
                 == top);
}

static void
test_item_outlives_parent (void)
{
  DcmDataSet *top = make_nested ();
  DcmDataSet *level1 = dcm_data_set_ref (dcm_data_set_get_item (top, DCM_TAG_REFERENCED_SERIES_SEQUENCE, 0));

  dcm_data_set_unref (top);
  g_assert_null (dcm_data_set_get_parent (level1));
  g_assert_null (dcm_data_set_get_charset (level1));
  dcm_data_set_unref (level1);
}

static void
test_charset_inheritance (void)
{
  g_autoptr (DcmDataSet) top = make_nested ();
  DcmDataSet *level3 = deepest (top);
  g_autoptr (DcmPersonName) pn = NULL;

  g_assert_nonnull (dcm_data_set_get_charset (top));
  g_assert_cmpstr (dcm_charset_get_value (dcm_data_set_get_charset (level3)), ==, "ISO_IR 100");
  g_assert_true (dcm_data_set_get_charset (level3) == dcm_data_set_get_charset (top));
  assert_string (top, DCM_TAG_PATIENT_NAME, 0, "Müller^Hans");
  assert_string (level3, DCM_TAG_PERSON_NAME, 0, "Müller^Jörg");
  assert_string (level3, DCM_TAG_TEXT_VALUE, 0, "grüß");
  pn = dcm_data_set_get_person_name (level3, DCM_TAG_PERSON_NAME, 0, NULL);
  g_assert_cmpstr (pn->components[DCM_PN_ALPHABETIC][DCM_PN_GIVEN], ==, "Jörg");

  /* Setting goes through the inherited set too: ü is 0xFC in Latin-1. */
  g_assert_true (dcm_data_set_set_string (level3, DCM_TAG_PERSON_NAME, DCM_VR_NONE, "Bär", NULL));
  test_util_assert_value (level3, DCM_TAG_PERSON_NAME, "B\xe4r ", 4);

  /* An item's own (0008,0005) overrides; the cache follows changes. */
  SET_RAW (level3, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  g_assert_cmpstr (dcm_charset_get_value (dcm_data_set_get_charset (level3)), ==, "ISO_IR 192");
  SET_RAW (level3, DCM_TAG_TEXT_VALUE, DCM_VR_UT, "gr\xc3\xbc\xc3\x9f");
  assert_string (level3, DCM_TAG_TEXT_VALUE, 0, "grüß");
  g_assert_true (dcm_data_set_remove (level3, DCM_TAG_SPECIFIC_CHARACTER_SET));
  g_assert_cmpstr (dcm_charset_get_value (dcm_data_set_get_charset (level3)), ==, "ISO_IR 100");
  SET_RAW (top, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 6");
  g_assert_null (dcm_data_set_get_charset (level3));
  dcm_data_set_remove (top, DCM_TAG_SPECIFIC_CHARACTER_SET);
  g_assert_null (dcm_data_set_get_charset (top));
}

static void
test_charset_unknown_term (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autofree char *lossy = NULL;

  SET_RAW (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 999");
  SET_RAW (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe^John");
  SET_RAW (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID\xfc");
  g_assert_null (dcm_data_set_get_charset (ds));
  assert_string (ds, DCM_TAG_PATIENT_NAME, 0, "Doe^John");
  lossy = dcm_data_set_get_string (ds, DCM_TAG_PATIENT_ID, 0, NULL);
  g_assert_true (g_str_has_prefix (lossy, "ID"));
  g_assert_true (g_utf8_validate (lossy, -1, NULL));
}

static void
test_charset_changed_in_place (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  DcmElement *el = dcm_data_set_insert (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS);

  g_assert_null (dcm_data_set_get_charset (ds));
  dcm_element_take_bytes (el, g_bytes_new_static ("ISO_IR 100", 10));
  g_assert_cmpstr (dcm_charset_get_value (dcm_data_set_get_charset (ds)), ==, "ISO_IR 100");
  el = (DcmElement *) dcm_data_set_lookup (ds, DCM_TAG_SPECIFIC_CHARACTER_SET);
  dcm_element_take_bytes (el, g_bytes_new_static ("ISO_IR 192", 10));
  g_assert_cmpstr (dcm_charset_get_value (dcm_data_set_get_charset (ds)), ==, "ISO_IR 192");
}

static gpointer
read_names (gpointer data)
{
  DcmDataSet *top = data;
  DcmDataSet *level3 = deepest (top);

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *a = dcm_data_set_get_string (level3, DCM_TAG_PERSON_NAME, 0, NULL);
      g_autofree char *b = dcm_data_set_get_string (top, DCM_TAG_PATIENT_NAME, 0, NULL);
      if (g_strcmp0 (a, "Müller^Jörg") != 0 || g_strcmp0 (b, "Müller^Hans") != 0)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

/* Readers on several threads share the lazily parsed character set. */
static void
test_charset_concurrent_readers (void)
{
  g_autoptr (DcmDataSet) top = make_nested ();
  GThread *threads[8];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", read_names, top);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

static void
test_copy_equal (void)
{
  g_autoptr (DcmDataSet) a = make_nested ();
  g_autoptr (DcmDataSet) b = dcm_data_set_copy (a);
  g_autoptr (DcmDataSet) c = NULL;
  DcmBulkRef bulk = { (char *) "/tmp/x.dcm", 1024, 16, NULL, FALSE };
  GPtrArray *frags = g_ptr_array_new ();
  DcmElement *el;

  g_assert_true (dcm_data_set_equal (a, b));
  g_assert_true (dcm_data_set_get_parent (dcm_data_set_get_item (b, DCM_TAG_REFERENCED_SERIES_SEQUENCE, 0))
                 == b);
  g_assert_cmpstr (dcm_charset_get_value (dcm_data_set_get_charset (deepest (b))), ==, "ISO_IR 100");

  /* A change three levels down. */
  SET_RAW (deepest (b), DCM_TAG_TEXT_VALUE, DCM_VR_UT, "grun");
  g_assert_false (dcm_data_set_equal (a, b));
  SET_RAW (deepest (b), DCM_TAG_TEXT_VALUE, DCM_VR_UT, "gr\xfc\xdf");
  g_assert_true (dcm_data_set_equal (a, b));

  /* The length as read is not part of the value. */
  ((DcmElement *) dcm_data_set_lookup (b, DCM_TAG_PATIENT_NAME))->length = 12;
  g_assert_true (dcm_data_set_equal (a, b));

  /* VR matters, padding matters. */
  dcm_data_set_insert (b, DCM_TAG_PATIENT_NAME, DCM_VR_LO);
  SET_RAW (b, DCM_TAG_PATIENT_NAME, DCM_VR_LO, "M\xfcller^Hans");
  g_assert_false (dcm_data_set_equal (a, b));
  SET_RAW (b, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "M\xfcller^Hans   ");
  g_assert_false (dcm_data_set_equal (a, b));

  /* Fragments and bulk references. */
  c = dcm_data_set_copy (a);
  g_ptr_array_add (frags, g_bytes_new_static ("", 0));
  g_ptr_array_add (frags, g_bytes_new_static ("\x01\x02", 2));
  el = dcm_data_set_insert (a, DCM_TAG_PIXEL_DATA, DCM_VR_OB);
  dcm_element_take_fragments (el, frags);
  el = dcm_data_set_insert (a, DCM_TAG (0x7fe1, 0x1010), DCM_VR_OB);
  dcm_element_take_bulk (el, dcm_bulk_ref_copy (&bulk));
  g_assert_false (dcm_data_set_equal (a, c));
  g_clear_pointer (&c, dcm_data_set_unref);
  c = dcm_data_set_copy (a);
  g_assert_true (dcm_data_set_equal (a, c));
  bulk.offset = 1025;
  dcm_element_take_bulk (dcm_data_set_insert (c, DCM_TAG (0x7fe1, 0x1010), DCM_VR_OB),
                         dcm_bulk_ref_copy (&bulk));
  g_assert_false (dcm_data_set_equal (a, c));

  /* An empty sequence equals a zero-length SQ. */
  g_clear_pointer (&c, dcm_data_set_unref);
  c = dcm_data_set_new ();
  g_clear_pointer (&b, dcm_data_set_unref);
  b = dcm_data_set_new ();
  dcm_data_set_insert (b, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_SQ);
  el = dcm_data_set_insert (c, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_SQ);
  el->kind = DCM_VALUE_ITEMS;
  el->value.items = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  g_assert_true (dcm_data_set_equal (b, c));
}

/* ---- typed access: every VR ---- */

#define PRIV(e) DCM_TAG (0x0011, (e))

static void
test_string_vrs (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  static const struct {
    DcmVR       vr;
    const char *set;
    const char *stored;   /* bytes after padding */
    const char *first;    /* get_string (…, 0) */
    guint       vm;
  } cases[] = {
    { DCM_VR_AE, "STORESCP", "STORESCP", "STORESCP", 1 },
    { DCM_VR_AS, "045Y", "045Y", "045Y", 1 },
    { DCM_VR_CS, "ORIGINAL\\PRIMARY", "ORIGINAL\\PRIMARY", "ORIGINAL", 2 },
    { DCM_VR_DA, "20240229", "20240229", "20240229", 1 },
    { DCM_VR_DS, "1.5\\-2e3", "1.5\\-2e3", "1.5", 2 },
    { DCM_VR_DT, "20240102030405.123456+0100", "20240102030405.123456+0100",
      "20240102030405.123456+0100", 1 },
    { DCM_VR_IS, "12\\-3", "12\\-3 ", "12", 2 },
    { DCM_VR_LO, " Some ID", " Some ID", "Some ID", 1 },
    { DCM_VR_LT, "  leading kept\\x", "  leading kept\\x", "  leading kept\\x", 1 },
    { DCM_VR_PN, "Doe^John\\Roe^Jane", "Doe^John\\Roe^Jane ", "Doe^John", 2 },
    { DCM_VR_SH, "short", "short ", "short", 1 },
    { DCM_VR_ST, "  st text", "  st text ", "  st text", 1 },
    { DCM_VR_TM, "101112.5", "101112.5", "101112.5", 1 },
    { DCM_VR_UC, "one\\two\\three", "one\\two\\three ", "one", 3 },
    { DCM_VR_UI, "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1\0", "1.2.840.10008.1.2.1", 1 },
    { DCM_VR_UR, "http://example.com/a\\b", "http://example.com/a\\b", "http://example.com/a\\b", 1 },
    { DCM_VR_UT, "  ut\\text", "  ut\\text ", "  ut\\text", 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint32 tag = PRIV (0x1000 + i);
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) values = NULL;
      g_autofree char *joined = NULL;
      g_autofree char *expected = NULL;

      g_assert_true (dcm_data_set_set_string (ds, tag, cases[i].vr, cases[i].set, &error));
      g_assert_no_error (error);
      test_util_assert_value (ds, tag, cases[i].stored,
                              strlen (cases[i].stored) + (cases[i].vr == DCM_VR_UI));
      assert_string (ds, tag, 0, cases[i].first);
      g_assert_cmpuint (dcm_data_set_get_vm (ds, tag), ==, cases[i].vm);
      values = dcm_data_set_get_strings (ds, tag, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (values), ==, cases[i].vm);
      joined = dcm_data_set_get_value_string (ds, tag, NULL);
      expected = g_strjoinv ("\\", values);
      g_assert_cmpstr (joined, ==, expected);
    }
  assert_string (ds, PRIV (0x1002), 1, "PRIMARY");
  assert_string (ds, PRIV (0x1009), 1, "Roe^Jane");
  assert_string (ds, PRIV (0x100d), 2, "three");
}

static void
test_strings_round_trip (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  const char *types[] = { "DERIVED", "SECONDARY", "", "AXIAL", NULL };
  g_auto (GStrv) back = NULL;
  g_autofree char *whole = NULL;

  g_assert_true (dcm_data_set_set_strings (ds, DCM_TAG_IMAGE_TYPE, DCM_VR_NONE, types, NULL));
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_IMAGE_TYPE), ==, 4);
  back = dcm_data_set_get_strings (ds, DCM_TAG_IMAGE_TYPE, NULL);
  g_assert_cmpstrv (back, types);
  whole = dcm_data_set_get_value_string (ds, DCM_TAG_IMAGE_TYPE, NULL);
  g_assert_cmpstr (whole, ==, "DERIVED\\SECONDARY\\\\AXIAL");
  assert_string (ds, DCM_TAG_IMAGE_TYPE, 2, "");

  /* Empty and padding-only values have no values. */
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_IMAGE_TYPE, DCM_VR_NONE, "", NULL));
  g_assert_cmpint (dcm_data_set_lookup (ds, DCM_TAG_IMAGE_TYPE)->kind, ==, DCM_VALUE_EMPTY);
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_IMAGE_TYPE), ==, 0);
  SET_RAW (ds, DCM_TAG_IMAGE_TYPE, DCM_VR_CS, "  ");
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_IMAGE_TYPE), ==, 0);
  g_clear_pointer (&back, g_strfreev);
  back = dcm_data_set_get_strings (ds, DCM_TAG_IMAGE_TYPE, NULL);
  g_assert_cmpuint (g_strv_length (back), ==, 0);
  g_assert_null (dcm_data_set_dup_string (ds, DCM_TAG_IMAGE_TYPE));
}

static void
test_binary_integers (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  const gint64 us[] = { 0, 65535 }, ss[] = { -32768, 32767 };
  const gint64 ul[] = { 4294967295 }, sl[] = { G_MININT32, G_MAXINT32 };
  const gint64 sv[] = { G_MININT64 }, ow[] = { 0x1234 }, ol[] = { 1, 0xffffffff };
  gint64 i;
  guint64 u;
  double d;

  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2000), DCM_VR_US, us, 2, NULL));
  test_util_assert_value (ds, PRIV (0x2000), "\x00\x00\xff\xff", 4);
  g_assert_true (dcm_data_set_get_int64 (ds, PRIV (0x2000), 1, &i, NULL));
  g_assert_cmpint (i, ==, 65535);
  g_assert_cmpuint (dcm_data_set_get_vm (ds, PRIV (0x2000)), ==, 2);
  assert_string (ds, PRIV (0x2000), 1, "65535");

  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2001), DCM_VR_SS, ss, 2, NULL));
  test_util_assert_value (ds, PRIV (0x2001), "\x00\x80\xff\x7f", 4);
  g_assert_true (dcm_data_set_get_int64 (ds, PRIV (0x2001), 0, &i, NULL));
  g_assert_cmpint (i, ==, -32768);
  assert_string (ds, PRIV (0x2001), 0, "-32768");

  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2002), DCM_VR_UL, ul, 1, NULL));
  g_assert_true (dcm_data_set_get_uint64 (ds, PRIV (0x2002), 0, &u, NULL));
  g_assert_cmpuint (u, ==, 4294967295u);
  g_assert_true (dcm_data_set_get_double (ds, PRIV (0x2002), 0, &d, NULL));
  g_assert_cmpfloat (d, ==, 4294967295.0);

  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2003), DCM_VR_SL, sl, 2, NULL));
  g_assert_true (dcm_data_set_get_int64 (ds, PRIV (0x2003), 0, &i, NULL));
  g_assert_cmpint (i, ==, G_MININT32);
  g_assert_false (dcm_data_set_get_uint64 (ds, PRIV (0x2003), 0, &u, NULL));

  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2004), DCM_VR_SV, sv, 1, NULL));
  g_assert_true (dcm_data_set_get_int64 (ds, PRIV (0x2004), 0, &i, NULL));
  g_assert_cmpint (i, ==, G_MININT64);

  g_assert_true (dcm_data_set_set_string (ds, PRIV (0x2005), DCM_VR_UV, "18446744073709551615", NULL));
  g_assert_true (dcm_data_set_get_uint64 (ds, PRIV (0x2005), 0, &u, NULL));
  g_assert_cmpuint (u, ==, G_MAXUINT64);
  g_assert_false (dcm_data_set_get_int64 (ds, PRIV (0x2005), 0, &i, NULL));
  assert_string (ds, PRIV (0x2005), 0, "18446744073709551615");

  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2006), DCM_VR_OW, ow, 1, NULL));
  test_util_assert_value (ds, PRIV (0x2006), "\x34\x12", 2);
  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2007), DCM_VR_OL, ol, 2, NULL));
  g_assert_true (dcm_data_set_get_int64 (ds, PRIV (0x2007), 1, &i, NULL));
  g_assert_cmpint (i, ==, 0xffffffff);
  g_assert_cmpuint (dcm_data_set_get_vm (ds, PRIV (0x2007)), ==, 1);

  i = G_MAXINT64;
  g_assert_true (dcm_data_set_set_int64s (ds, PRIV (0x2008), DCM_VR_OV, &i, 1, NULL));
  g_assert_true (dcm_data_set_get_uint64 (ds, PRIV (0x2008), 0, &u, NULL));
  g_assert_cmpuint (u, ==, G_MAXINT64);

  g_assert_true (dcm_data_set_set_raw (ds, PRIV (0x2009), DCM_VR_OB, "\x01\x02\x03", 3, NULL));
  test_util_assert_value (ds, PRIV (0x2009), "\x01\x02\x03\x00", 4);
  g_assert_true (dcm_data_set_get_int64 (ds, PRIV (0x2009), 2, &i, NULL));
  g_assert_cmpint (i, ==, 3);
  g_assert_cmpuint (dcm_data_set_get_vm (ds, PRIV (0x2009)), ==, 1);

  g_assert_true (dcm_data_set_set_raw (ds, PRIV (0x200a), DCM_VR_UN, "\x01\x02", 2, NULL));
  g_assert_cmpuint (dcm_data_set_get_vm (ds, PRIV (0x200a)), ==, 1);
  test_util_assert_value (ds, PRIV (0x200a), "\x01\x02", 2);
}

static void
test_integer_ranges (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  static const struct { DcmVR vr; gint64 bad; } cases[] = {
    { DCM_VR_US, 65536 }, { DCM_VR_US, -1 }, { DCM_VR_SS, 32768 }, { DCM_VR_SS, -32769 },
    { DCM_VR_UL, 4294967296 }, { DCM_VR_UL, -1 }, { DCM_VR_SL, 2147483648 },
    { DCM_VR_UV, -1 }, { DCM_VR_IS, 2147483648 }, { DCM_VR_IS, -2147483649 },
    { DCM_VR_OB, 256 }, { DCM_VR_OW, 65536 }, { DCM_VR_AT, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (dcm_data_set_set_int64 (ds, DCM_TAG_ROWS, cases[i].vr, cases[i].bad, &error));
      g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "(0028,0010)"));
      g_assert_nonnull (strstr (error->message, dcm_vr_name (cases[i].vr)));
      g_assert_false (dcm_data_set_contains (ds, DCM_TAG_ROWS));
    }
}

static void
test_is_ds (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (GError) error = NULL;
  const gint64 is[] = { 2147483647, -2147483648 };
  const double ds_values[] = { 1.0 / 3.0, -1234567.891, 1e-300 };
  gint64 i;
  double d;

  g_assert_true (dcm_data_set_set_int64s (ds, DCM_TAG_INSTANCE_NUMBER, DCM_VR_NONE, is, 1, NULL));
  test_util_assert_value (ds, DCM_TAG_INSTANCE_NUMBER, "2147483647", 10);
  g_assert_true (dcm_data_set_set_int64s (ds, DCM_TAG_INSTANCE_NUMBER, DCM_VR_NONE, is + 1, 1, NULL));
  test_util_assert_value (ds, DCM_TAG_INSTANCE_NUMBER, "-2147483648 ", 12);

  SET_RAW (ds, DCM_TAG_INSTANCE_NUMBER, DCM_VR_IS, " -3 ");
  g_assert_true (dcm_data_set_get_int64 (ds, DCM_TAG_INSTANCE_NUMBER, 0, &i, NULL));
  g_assert_cmpint (i, ==, -3);
  g_assert_true (dcm_data_set_get_double (ds, DCM_TAG_INSTANCE_NUMBER, 0, &d, NULL));
  g_assert_cmpfloat (d, ==, -3.0);
  SET_RAW (ds, DCM_TAG_INSTANCE_NUMBER, DCM_VR_IS, "abc ");
  g_assert_false (dcm_data_set_get_int64 (ds, DCM_TAG_INSTANCE_NUMBER, 0, &i, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Instance Number (0020,0013)"));
  g_assert_nonnull (strstr (error->message, "abc"));
  g_clear_error (&error);

  g_assert_true (dcm_data_set_set_doubles (ds, DCM_TAG_PIXEL_SPACING, DCM_VR_NONE, ds_values, 3, NULL));
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_PIXEL_SPACING), ==, 3);
  for (guint k = 0; k < 3; k++)
    {
      g_autofree char *text = dcm_data_set_get_string (ds, DCM_TAG_PIXEL_SPACING, k, NULL);
      g_assert_cmpuint (strlen (text), <=, 16);
      g_assert_true (dcm_data_set_get_double (ds, DCM_TAG_PIXEL_SPACING, k, &d, NULL));
      g_assert_cmpfloat (fabs (d - ds_values[k]), <=, fabs (ds_values[k]) * 1e-12);
    }
  assert_string (ds, DCM_TAG_PIXEL_SPACING, 1, "-1234567.891");
  SET_RAW (ds, DCM_TAG_PIXEL_SPACING, DCM_VR_DS, "1.5e3\\x");
  g_assert_true (dcm_data_set_get_double (ds, DCM_TAG_PIXEL_SPACING, 0, &d, NULL));
  g_assert_cmpfloat (d, ==, 1500.0);
  g_assert_false (dcm_data_set_get_double (ds, DCM_TAG_PIXEL_SPACING, 1, &d, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_clear_error (&error);
  /* DS is not an integer VR. */
  g_assert_false (dcm_data_set_get_int64 (ds, DCM_TAG_PIXEL_SPACING, 0, &i, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  d = NAN;
  g_assert_false (dcm_data_set_set_doubles (ds, DCM_TAG_PIXEL_SPACING, DCM_VR_NONE, &d, 1, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
}

static void
test_floats (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  const double fd[] = { G_PI, -0.0 }, fl[] = { 0.1 }, od[] = { 1.25, 2.5 }, of[] = { 0.5, -8.0 };
  g_autoptr (GError) error = NULL;
  double d;
  gint64 i;

  g_assert_true (dcm_data_set_set_doubles (ds, PRIV (0x3000), DCM_VR_FD, fd, 2, NULL));
  g_assert_true (dcm_data_set_get_double (ds, PRIV (0x3000), 0, &d, NULL));
  g_assert_cmpfloat (d, ==, G_PI);
  assert_string (ds, PRIV (0x3000), 0, "3.141592653589793");
  g_assert_cmpuint (dcm_data_set_get_vm (ds, PRIV (0x3000)), ==, 2);

  g_assert_true (dcm_data_set_set_doubles (ds, PRIV (0x3001), DCM_VR_FL, fl, 1, NULL));
  test_util_assert_value (ds, PRIV (0x3001), "\xcd\xcc\xcc\x3d", 4);
  g_assert_true (dcm_data_set_get_double (ds, PRIV (0x3001), 0, &d, NULL));
  g_assert_cmpfloat (d, ==, (float) 0.1);
  assert_string (ds, PRIV (0x3001), 0, "0.1");
  g_assert_false (dcm_data_set_get_int64 (ds, PRIV (0x3001), 0, &i, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  d = 1e39;
  g_assert_false (dcm_data_set_set_doubles (ds, PRIV (0x3001), DCM_VR_FL, &d, 1, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (dcm_data_set_set_doubles (ds, PRIV (0x3002), DCM_VR_OD, od, 2, NULL));
  g_assert_true (dcm_data_set_get_double (ds, PRIV (0x3002), 1, &d, NULL));
  g_assert_cmpfloat (d, ==, 2.5);
  g_assert_true (dcm_data_set_set_doubles (ds, PRIV (0x3003), DCM_VR_OF, of, 2, NULL));
  g_assert_true (dcm_data_set_get_double (ds, PRIV (0x3003), 1, &d, NULL));
  g_assert_cmpfloat (d, ==, -8.0);
  assert_string (ds, PRIV (0x3003), 1, "-8");

  /* Integers stored through set_doubles must be whole. */
  d = 2.0;
  g_assert_true (dcm_data_set_set_doubles (ds, PRIV (0x3004), DCM_VR_US, &d, 1, NULL));
  test_util_assert_value (ds, PRIV (0x3004), "\x02\x00", 2);
  d = 2.5;
  g_assert_false (dcm_data_set_set_doubles (ds, PRIV (0x3004), DCM_VR_US, &d, 1, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
}

static void
test_attribute_tag (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  guint64 u;

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_FRAME_INCREMENT_POINTER, DCM_VR_NONE,
                                          "(0018,1063)\\00181065", NULL));
  test_util_assert_value (ds, DCM_TAG_FRAME_INCREMENT_POINTER,
                          "\x18\x00\x63\x10\x18\x00\x65\x10", 8);
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_FRAME_INCREMENT_POINTER), ==, 2);
  assert_string (ds, DCM_TAG_FRAME_INCREMENT_POINTER, 1, "(0018,1065)");
  g_assert_true (dcm_data_set_get_uint64 (ds, DCM_TAG_FRAME_INCREMENT_POINTER, 0, &u, NULL));
  g_assert_cmpuint (u, ==, DCM_TAG_FRAME_TIME);
  g_assert_true (dcm_data_set_set_int64 (ds, DCM_TAG_FRAME_INCREMENT_POINTER, DCM_VR_NONE,
                                         DCM_TAG_PATIENT_NAME, NULL));
  test_util_assert_value (ds, DCM_TAG_FRAME_INCREMENT_POINTER, "\x10\x00\x10\x00", 4);
  g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_FRAME_INCREMENT_POINTER, DCM_VR_NONE,
                                           "NotAKeyword", NULL));
}

static void
test_dates_and_names (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (DcmPersonName) pn = dcm_person_name_parse ("Yamada^Tarou=山田^太郎");
  g_autoptr (DcmPersonName) back = NULL;
  g_autoptr (GError) error = NULL;
  DcmDate date = { 2024, 2, 29 }, date_back;
  DcmTime time;
  DcmDateTime dt;

  g_assert_true (dcm_data_set_set_date (ds, DCM_TAG_STUDY_DATE, &date, NULL));
  g_assert_true (dcm_data_set_get_date (ds, DCM_TAG_STUDY_DATE, 0, &date_back, NULL));
  g_assert_cmpmem (&date, sizeof date, &date_back, sizeof date_back);

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_TIME, DCM_VR_NONE, "0930", NULL));
  g_assert_true (dcm_data_set_get_time (ds, DCM_TAG_STUDY_TIME, 0, &time, NULL));
  g_assert_cmpint (time.hour, ==, 9);
  g_assert_cmpint (time.minute, ==, 30);
  g_assert_cmpint (time.second, ==, -1);

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_ACQUISITION_DATE_TIME, DCM_VR_NONE,
                                          "20240229235960.5-0800", NULL));
  g_assert_true (dcm_data_set_get_datetime (ds, DCM_TAG_ACQUISITION_DATE_TIME, 0, &dt, NULL));
  g_assert_cmpint (dt.time.second, ==, 60);
  g_assert_cmpint (dt.offset_minutes, ==, -480);

  /* A date range for a query is longer than one DA. */
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_DATE, DCM_VR_NONE,
                                          "20240101-20241231", NULL));
  g_assert_false (dcm_data_set_get_date (ds, DCM_TAG_STUDY_DATE, 0, &date_back, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Study Date (0008,0020)"));
  g_clear_error (&error);
  g_assert_false (dcm_data_set_get_time (ds, DCM_TAG_STUDY_DATE, 0, &time, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  SET_RAW (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  g_assert_true (dcm_data_set_set_person_name (ds, DCM_TAG_PATIENT_NAME, pn, NULL));
  back = dcm_data_set_get_person_name (ds, DCM_TAG_PATIENT_NAME, 0, NULL);
  g_assert_cmpstr (back->components[DCM_PN_IDEOGRAPHIC][DCM_PN_FAMILY], ==, "山田");
  g_assert_cmpstr (back->components[DCM_PN_ALPHABETIC][DCM_PN_GIVEN], ==, "Tarou");
}

static void
test_sequence_vr (void)
{
  g_autoptr (DcmDataSet) ds = make_nested ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  text = dcm_data_set_get_string (ds, DCM_TAG_REFERENCED_SERIES_SEQUENCE, 0, &error);
  g_assert_null (text);
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (error->message, "sequence"));
  g_clear_error (&error);
  g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_NONE,
                                           "x", &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  g_assert_false (dcm_data_set_set_raw (ds, DCM_TAG_REFERENCED_SERIES_SEQUENCE, DCM_VR_NONE,
                                        "", 0, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  SET_RAW (ds, DCM_TAG (0x0009, 0x1001), DCM_VR_UN, "\x01\x02");
  g_assert_null (dcm_data_set_get_string (ds, DCM_TAG (0x0009, 0x1001), 0, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
}

static void
test_getter_errors (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (GError) error = NULL;
  gint64 i;

  g_assert_null (dcm_data_set_get_string (ds, DCM_TAG_PATIENT_NAME, 0, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Patient's Name (0010,0010)"));
  g_clear_error (&error);
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_PATIENT_NAME), ==, 0);

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_MODALITY, DCM_VR_NONE, "CT", NULL));
  g_assert_null (dcm_data_set_get_string (ds, DCM_TAG_MODALITY, 1, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dcm_data_set_get_int64 (ds, DCM_TAG_MODALITY, 0, &i, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  g_assert_true (dcm_data_set_set_int64 (ds, DCM_TAG_ROWS, DCM_VR_NONE, 512, NULL));
  g_assert_false (dcm_data_set_get_int64 (ds, DCM_TAG_ROWS, 1, &i, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND);
}

static void
test_setter_errors (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (GError) error = NULL;
  const char *two[] = { "a", "b", NULL };
  g_autofree char *long_lo = g_strnfill (65, 'x');
  GString *umlauts = g_string_new (NULL);

  g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_MODALITY, DCM_VR_NONE, "ABCDEFGHIJKLMNOPQ", &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "Value 1 of Modality (0008,0060) is 17 bytes long; CS allows at most 16.");
  g_clear_error (&error);
  g_assert_false (dcm_data_set_contains (ds, DCM_TAG_MODALITY));

  g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, long_lo, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "65 characters"));
  g_clear_error (&error);

  /* LO counts characters: 64 of them in two bytes each of UTF-8 fit. */
  SET_RAW (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  for (guint k = 0; k < 64; k++)
    g_string_append (umlauts, "ü");
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, umlauts->str, NULL));
  g_assert_cmpuint (g_bytes_get_size (element_bytes (ds, DCM_TAG_PATIENT_ID)), ==, 128);
  g_string_free (umlauts, TRUE);

  g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_MODALITY, DCM_VR_NONE, "É", &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_CHARSET);
  g_clear_error (&error);
  g_assert_false (dcm_data_set_set_strings (ds, DCM_TAG_ADDITIONAL_PATIENT_HISTORY, DCM_VR_NONE,
                                            two, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_clear_error (&error);
  two[1] = "b\\c";
  g_assert_false (dcm_data_set_set_strings (ds, DCM_TAG_IMAGE_TYPE, DCM_VR_NONE, two, &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Value 2"));
  g_clear_error (&error);
  g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_ROWS, DCM_VR_NONE, "12a", &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
  g_clear_error (&error);

  /* PN: 64 characters per component group. */
  {
    g_autofree char *group = g_strnfill (64, 'a');
    g_autofree char *two_groups = g_strconcat (group, "=", group, NULL);
    g_autofree char *too_long = g_strconcat (group, "b", NULL);

    g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, two_groups, NULL));
    g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, too_long, &error));
    g_assert_error (error, DCM_ERROR, DCM_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "65 characters long; PN allows at most 64 per component group"));
    g_clear_error (&error);
  }

  /* Default repertoire: a character outside ASCII cannot be encoded. */
  dcm_data_set_remove (ds, DCM_TAG_SPECIFIC_CHARACTER_SET);
  g_assert_false (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, "Ä", &error));
  g_assert_error (error, DCM_ERROR, DCM_ERROR_CHARSET);
}

/* ---- values split before decoding ---- */

static void
test_split_gbk (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();

  /* 乗 is 0x81 0x5C in GBK: its second byte is not a delimiter. */
  SET_RAW (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "GBK");
  SET_RAW (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, "\x81\x5c\\AB");
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_PATIENT_ID), ==, 2);
  assert_string (ds, DCM_TAG_PATIENT_ID, 0, "乗");
  assert_string (ds, DCM_TAG_PATIENT_ID, 1, "AB");
}

static void
test_split_iso2022 (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();

  /* 俑 is ESC $ B 0x50 0x5C ESC ( B in ISO 2022 IR 87. */
  SET_RAW (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "\\ISO 2022 IR 87");
  SET_RAW (ds, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "A^\x1b$BP\\\x1b(B\\B");
  g_assert_cmpuint (dcm_data_set_get_vm (ds, DCM_TAG_PATIENT_NAME), ==, 2);
  assert_string (ds, DCM_TAG_PATIENT_NAME, 0, "A^俑");
  assert_string (ds, DCM_TAG_PATIENT_NAME, 1, "B");
}

/* ---- validation ---- */

/* The issue at path whose message contains text; fails the test if none. */
static const DcmValidationIssue *
find_issue (GPtrArray *issues, const char *path, const char *text)
{
  for (guint i = 0; i < issues->len; i++)
    {
      const DcmValidationIssue *issue = g_ptr_array_index (issues, i);
      if (strcmp (issue->path, path) == 0 && strstr (issue->message, text) != NULL)
        return issue;
    }
  for (guint i = 0; i < issues->len; i++)
    {
      const DcmValidationIssue *issue = g_ptr_array_index (issues, i);
      g_test_message ("issue %s: %s", issue->path, issue->message);
    }
  g_error ("no issue at %s mentioning “%s”", path, text);
  return NULL;
}

static guint
n_issues_at (GPtrArray *issues, const char *path)
{
  guint n = 0;

  for (guint i = 0; i < issues->len; i++)
    n += strcmp (((const DcmValidationIssue *) g_ptr_array_index (issues, i))->path, path) == 0;
  return n;
}

typedef struct {
  const char *path;
  const char *text;
} ExpectedIssue;

/* Each expected issue is there, and there are no others. */
static void
assert_issues (GPtrArray *issues, const ExpectedIssue *expected, guint n_expected)
{
  for (guint i = 0; i < n_expected; i++)
    find_issue (issues, expected[i].path, expected[i].text);
  g_assert_cmpuint (issues->len, ==, n_expected);
}

static void
test_validate_clean (void)
{
  g_autoptr (DcmDataSet) ds = make_nested ();
  const double spacing[] = { 0.5, 0.5 };
  const gint64 vertices[] = { 1, 2, 3, 4, 5, 6 };
  g_autoptr (GPtrArray) issues = NULL;

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_MODALITY, DCM_VR_NONE, "CT", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE,
                                          "1.2.826.0.1.3680043.2.1125.1", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_DATE, DCM_VR_NONE, "20240229", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_AGE, DCM_VR_NONE, "045Y", NULL));
  g_assert_true (dcm_data_set_set_doubles (ds, DCM_TAG_PIXEL_SPACING, DCM_VR_NONE, spacing, 2, NULL));
  g_assert_true (dcm_data_set_set_int64s (ds, DCM_TAG_VERTICES_OF_THE_POLYGONAL_SHUTTER, DCM_VR_NONE,
                                          vertices, 6, NULL));
  g_assert_true (dcm_data_set_set_int64 (ds, DCM_TAG_ROWS, DCM_VR_NONE, 512, NULL));
  dcm_data_set_insert (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE);
  issues = dcm_data_set_validate (ds);
  for (guint i = 0; i < issues->len; i++)
    g_test_message ("unexpected: %s", ((DcmValidationIssue *) g_ptr_array_index (issues, i))->message);
  g_assert_cmpuint (issues->len, ==, 0);
}

static void
test_validate_repertoire (void)
{
  static const ExpectedIssue expected[] = {
    { "(0008,0054)", "AE does not allow backslashes or control characters" },
    { "(0008,0060)", "Value 1 of Modality (0008,0060), “ct”, is not valid: CS allows only" },
    { "(0008,0020)", "DA must be a valid date" },
    { "(0008,0030)", "TM must be a valid time" },
    { "(0008,002A)", "DT must be" },
    { "(0010,1010)", "AS must be" },
    { "(0020,0013)", "IS must be an integer" },
    { "(0018,0050)", "DS must be a decimal number" },
    { "(0008,0018)", "UI does not allow an empty component" },
    { "(0008,0016)", "is 65 bytes long; UI allows at most 64." },
    { "(0010,0020)", "LO does not allow control characters" },
    { "(0008,0055)", "bytes outside the default repertoire, which AE requires" },
  };
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (GPtrArray) issues = NULL;
  g_autofree char *long_uid = g_strnfill (65, '1');

  SET_RAW (ds, DCM_TAG_RETRIEVE_AE_TITLE, DCM_VR_AE, "A\tB");
  SET_RAW (ds, DCM_TAG_MODALITY, DCM_VR_CS, "ct");
  SET_RAW (ds, DCM_TAG_STUDY_DATE, DCM_VR_DA, "20241301");
  SET_RAW (ds, DCM_TAG_STUDY_TIME, DCM_VR_TM, "2500");
  SET_RAW (ds, DCM_TAG_ACQUISITION_DATE_TIME, DCM_VR_DT, "2024011");
  SET_RAW (ds, DCM_TAG_PATIENT_AGE, DCM_VR_AS, "45Y");
  SET_RAW (ds, DCM_TAG_INSTANCE_NUMBER, DCM_VR_IS, "1.5");
  SET_RAW (ds, DCM_TAG_SLICE_THICKNESS, DCM_VR_DS, "abc");
  SET_RAW (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI, "1..2");
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI, long_uid, 65, NULL));
  SET_RAW (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, "a\x01");
  SET_RAW (ds, DCM_TAG_STATION_AE_TITLE, DCM_VR_AE, "\xc9" "CHO");
  issues = dcm_data_set_validate (ds);

  assert_issues (issues, expected, G_N_ELEMENTS (expected));
}

static void
test_validate_lengths (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (GPtrArray) issues = NULL;
  const DcmValidationIssue *issue;
  g_autofree char *long_lo = g_strnfill (65, 'x');

  /* Over-long values read from a file are reported, not refused. */
  SET_RAW (ds, DCM_TAG_MODALITIES_IN_STUDY, DCM_VR_CS, "CT\\ABCDEFGHIJKLMNOPQ");
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, long_lo, 65, NULL));
  /* Odd lengths only come from elsewhere: set_raw pads. */
  dcm_element_take_bytes (dcm_data_set_insert (ds, DCM_TAG_PATIENT_SEX, DCM_VR_CS),
                          g_bytes_new_static ("MAL", 3));
  dcm_element_take_bytes (dcm_data_set_insert (ds, DCM_TAG_ROWS, DCM_VR_US),
                          g_bytes_new_static ("\x01\x02\x03\x04\x05\x06", 6));
  dcm_element_take_bytes (dcm_data_set_insert (ds, DCM_TAG_COLUMNS, DCM_VR_US),
                          g_bytes_new_static ("\x01\x02\x03", 3));
  dcm_element_take_bytes (dcm_data_set_insert (ds, DCM_TAG (0x0011, 0x1001), DCM_VR_OF),
                          g_bytes_new_static ("\x01\x02\x03\x04\x05\x06", 6));
  issues = dcm_data_set_validate (ds);

  issue = find_issue (issues, "(0008,0061)", "17 bytes");
  g_assert_cmpstr (issue->message, ==,
                   "Value 2 of Modalities in Study (0008,0061) is 17 bytes long; CS allows at most 16.");
  g_assert_cmpuint (issue->tag, ==, DCM_TAG_MODALITIES_IN_STUDY);
  find_issue (issues, "(0010,0020)", "is 65 characters long; LO allows at most 64.");
  find_issue (issues, "(0010,0040)", "odd length of 3 bytes");
  find_issue (issues, "(0028,0010)", "Rows (0028,0010) has 3 values; the dictionary requires 1.");
  find_issue (issues, "(0028,0011)", "is 3 bytes long, which is not a multiple of 2");
  find_issue (issues, "(0028,0011)", "odd length");
  find_issue (issues, "(0011,1001)", "not a multiple of 4, the size of one OF value");
  g_assert_cmpuint (n_issues_at (issues, "(0008,0061)"), ==, 1);
  g_assert_cmpuint (issues->len, ==, 7);
}

static void
test_validate_vm (void)
{
  static const ExpectedIssue expected[] = {
    { "(0028,0030)", "has 1 value; the dictionary requires 2." },
    { "(0020,0032)", "has 2 values; the dictionary requires 3." },
    { "(0018,1620)", "has 5 values; the dictionary requires 2-2n." },
    { "(0008,1162)", "has 4 values; the dictionary requires 3-3n." },
    { "(0018,1600)", "has 4 values; the dictionary requires 1-3." },
  };
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (GPtrArray) issues = NULL;
  const gint64 five[] = { 1, 2, 3, 4, 5 };
  const double one = 1.0;

  g_assert_true (dcm_data_set_set_doubles (ds, DCM_TAG_PIXEL_SPACING, DCM_VR_NONE, &one, 1, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_IMAGE_POSITION_PATIENT, DCM_VR_NONE, "1\\2", NULL));
  g_assert_true (dcm_data_set_set_int64s (ds, DCM_TAG_VERTICES_OF_THE_POLYGONAL_SHUTTER, DCM_VR_NONE,
                                          five, 5, NULL));
  g_assert_true (dcm_data_set_set_int64s (ds, DCM_TAG_CALCULATED_FRAME_LIST, DCM_VR_NONE, five, 4, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SHUTTER_SHAPE, DCM_VR_NONE,
                                          "RECTANGULAR\\CIRCULAR\\POLYGONAL\\BITMAP", NULL));
  /* "1-n" takes any number, and an empty value is always allowed. */
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_IMAGE_TYPE, DCM_VR_NONE, "A\\B\\C\\D\\E", NULL));
  dcm_data_set_insert (ds, DCM_TAG_PATIENT_POSITION, DCM_VR_NONE);
  issues = dcm_data_set_validate (ds);

  assert_issues (issues, expected, G_N_ELEMENTS (expected));
}

static void
test_validate_nested (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  DcmDataSet *item0 = dcm_data_set_new (), *item1 = dcm_data_set_new ();
  DcmElement *el = dcm_data_set_insert (ds, DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE, DCM_VR_NONE);
  g_autoptr (GPtrArray) issues = NULL;
  const DcmValidationIssue *issue;

  dcm_data_set_append_item (ds, el, item0);
  dcm_data_set_append_item (ds, el, item1);
  SET_RAW (item0, DCM_TAG_CODE_VALUE, DCM_VR_SH, "OK");
  SET_RAW (item1, DCM_TAG_CODE_VALUE, DCM_VR_SH, "12345678901234567");
  SET_RAW (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 999");
  issues = dcm_data_set_validate (ds);

  issue = find_issue (issues, "(0040,0275)[1].(0008,0100)", "17 characters long; SH allows at most 16");
  g_assert_cmpuint (issue->tag, ==, DCM_TAG_CODE_VALUE);
  issue = find_issue (issues, "(0008,0005)", "Specific Character Set (0008,0005) cannot be used");
  g_assert_nonnull (strstr (issue->message, "ISO_IR 999"));
  g_assert_cmpuint (issues->len, ==, 2);
}

static void
test_validate_undecodable (void)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (GPtrArray) issues = NULL;

  SET_RAW (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  SET_RAW (ds, DCM_TAG_PATIENT_ID, DCM_VR_LO, "\xff\xfe");
  issues = dcm_data_set_validate (ds);
  find_issue (issues, "(0010,0020)", "Value 1 of Patient ID (0010,0020) cannot be decoded");
  g_assert_cmpuint (issues->len, ==, 1);
}

/* ---- robustness ---- */

/* Seeded random bytes under every VR and three character sets: every
 * getter either fails with a DCM_ERROR or returns UTF-8, and validation
 * reports without crashing. */
static void
test_random_values (void)
{
  static const char * const charsets[] = { NULL, "ISO_IR 100", "\\ISO 2022 IR 87", "GB18030" };
  GRand *rand = g_rand_new_with_seed (20240229);

  for (guint round = 0; round < 400; round++)
    {
      g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
      g_autoptr (GPtrArray) issues = NULL;
      const char *charset = charsets[round % G_N_ELEMENTS (charsets)];
      DcmVR vr = (DcmVR) g_rand_int_range (rand, DCM_VR_AE, DCM_VR_N_VRS);
      guint8 bytes[24];
      gsize len = (gsize) g_rand_int_range (rand, 0, sizeof bytes);
      guint32 tag = DCM_TAG (0x0011, 0x1000 + round);
      g_auto (GStrv) values = NULL;
      g_autoptr (GError) error = NULL;

      if (vr == DCM_VR_SQ)
        continue;
      for (gsize i = 0; i < len; i++)
        bytes[i] = (guint8) (round % 3 == 0 ? g_rand_int_range (rand, 0, 256)
                                            : g_rand_int_range (rand, 0x20, 0x7f));
      if (charset != NULL)
        g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS,
                                             charset, strlen (charset), NULL));
      g_assert_true (dcm_data_set_set_raw (ds, tag, vr, bytes, len, NULL));
      values = dcm_data_set_get_strings (ds, tag, &error);
      if (values == NULL)
        g_assert_true (error->domain == DCM_ERROR);
      for (guint i = 0; values != NULL && values[i] != NULL; i++)
        g_assert_true (g_utf8_validate (values[i], -1, NULL));
      for (guint i = 0; i < dcm_data_set_get_vm (ds, tag); i++)
        {
          gint64 n;
          double d;
          g_autoptr (DcmPersonName) pn = dcm_data_set_get_person_name (ds, tag, i, NULL);

          dcm_data_set_get_int64 (ds, tag, i, &n, NULL);
          dcm_data_set_get_double (ds, tag, i, &d, NULL);
        }
      issues = dcm_data_set_validate (ds);
      for (guint i = 0; i < issues->len; i++)
        g_assert_true (g_utf8_validate (((DcmValidationIssue *) g_ptr_array_index (issues, i))->message,
                                        -1, NULL));
    }
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/data-set/ref-unref", test_ref_unref);
  g_test_add_func ("/data-set/insert/random-order-sorted", test_insert_order);
  g_test_add_func ("/data-set/insert/dictionary-vr", test_insert_dictionary_vr);
  g_test_add_func ("/data-set/replace", test_replace);
  g_test_add_func ("/data-set/remove", test_remove);
  g_test_add_func ("/data-set/sequences/nested", test_sequences);
  g_test_add_func ("/data-set/sequences/item-outlives-parent", test_item_outlives_parent);
  g_test_add_func ("/data-set/charset/inheritance", test_charset_inheritance);
  g_test_add_func ("/data-set/charset/unknown-term", test_charset_unknown_term);
  g_test_add_func ("/data-set/charset/changed-in-place", test_charset_changed_in_place);
  g_test_add_func ("/data-set/charset/concurrent-readers", test_charset_concurrent_readers);
  g_test_add_func ("/data-set/copy-equal", test_copy_equal);
  g_test_add_func ("/data-set/typed/string-vrs", test_string_vrs);
  g_test_add_func ("/data-set/typed/strings-round-trip", test_strings_round_trip);
  g_test_add_func ("/data-set/typed/binary-integers", test_binary_integers);
  g_test_add_func ("/data-set/typed/integer-ranges", test_integer_ranges);
  g_test_add_func ("/data-set/typed/is-ds", test_is_ds);
  g_test_add_func ("/data-set/typed/floats", test_floats);
  g_test_add_func ("/data-set/typed/attribute-tag", test_attribute_tag);
  g_test_add_func ("/data-set/typed/dates-and-names", test_dates_and_names);
  g_test_add_func ("/data-set/typed/sequence-and-unknown", test_sequence_vr);
  g_test_add_func ("/data-set/typed/getter-errors", test_getter_errors);
  g_test_add_func ("/data-set/typed/setter-errors", test_setter_errors);
  g_test_add_func ("/data-set/split/gbk", test_split_gbk);
  g_test_add_func ("/data-set/split/iso2022", test_split_iso2022);
  g_test_add_func ("/data-set/validate/clean", test_validate_clean);
  g_test_add_func ("/data-set/validate/repertoire", test_validate_repertoire);
  g_test_add_func ("/data-set/validate/lengths", test_validate_lengths);
  g_test_add_func ("/data-set/validate/vm", test_validate_vm);
  g_test_add_func ("/data-set/validate/nested-path-and-charset", test_validate_nested);
  g_test_add_func ("/data-set/validate/undecodable", test_validate_undecodable);
  g_test_add_func ("/data-set/robustness/random-values", test_random_values);
  return g_test_run ();
}
