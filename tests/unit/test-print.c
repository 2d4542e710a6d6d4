/* test-print.c — the Basic Grayscale Print Management data sets (PS3.4
 * Annex H, PS3.3 §C.13): what the film session, film box and image box
 * requests carry, and the image boxes read back from a film box */
#include "config.h"

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-print.h"

static void
test_film_box (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = dimse_print_film_box_attributes ("STANDARD\\2,1", "8INX10IN",
                                                              "1.2.3.9", &error);
  g_autofree char *format = NULL;
  g_autofree char *session_class = NULL;
  g_autofree char *session = NULL;
  DcmDataSet *ref;

  g_assert_no_error (error);
  format = dcm_data_set_get_value_string (ds, DCM_TAG_IMAGE_DISPLAY_FORMAT, NULL);
  g_assert_cmpstr (format, ==, "STANDARD\\2,1");
  g_assert_cmpuint (dcm_data_set_get_n_items (ds, DCM_TAG_REFERENCED_FILM_SESSION_SEQUENCE), ==,
                    1);
  ref = dcm_data_set_get_item (ds, DCM_TAG_REFERENCED_FILM_SESSION_SEQUENCE, 0);
  session_class = dcm_data_set_dup_string (ref, DCM_TAG_REFERENCED_SOP_CLASS_UID);
  session = dcm_data_set_dup_string (ref, DCM_TAG_REFERENCED_SOP_INSTANCE_UID);
  g_assert_cmpstr (session_class, ==, DCM_UID_BASIC_FILM_SESSION);
  g_assert_cmpstr (session, ==, "1.2.3.9");
}

static void
test_image_box (void)
{
  g_autoptr(GBytes) pixels = dimse_print_test_pattern (16, 24);
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) ds = dimse_print_image_box_modifications (2, 16, 24, pixels, &error);
  g_autofree char *photometric = NULL;
  const DcmElement *pixel_data;
  DcmDataSet *image;
  gint64 value = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (pixels), ==, 16 * 24);
  g_assert_true (dcm_data_set_get_int64 (ds, DCM_TAG_IMAGE_BOX_POSITION, 0, &value, NULL));
  g_assert_cmpint (value, ==, 2);
  image = dcm_data_set_get_item (ds, DCM_TAG_BASIC_GRAYSCALE_IMAGE_SEQUENCE, 0);
  g_assert_nonnull (image);
  g_assert_true (dcm_data_set_get_int64 (image, DCM_TAG_ROWS, 0, &value, NULL));
  g_assert_cmpint (value, ==, 16);
  g_assert_true (dcm_data_set_get_int64 (image, DCM_TAG_COLUMNS, 0, &value, NULL));
  g_assert_cmpint (value, ==, 24);
  g_assert_true (dcm_data_set_get_int64 (image, DCM_TAG_BITS_STORED, 0, &value, NULL));
  g_assert_cmpint (value, ==, 8);
  photometric = dcm_data_set_dup_string (image, DCM_TAG_PHOTOMETRIC_INTERPRETATION);
  g_assert_cmpstr (photometric, ==, "MONOCHROME2");
  pixel_data = dcm_data_set_lookup (image, DCM_TAG_PIXEL_DATA);
  g_assert_nonnull (pixel_data);
  g_assert_true (g_bytes_equal (pixel_data->value.bytes, pixels));
}

static void
test_image_box_uids (void)
{
  g_autoptr(DcmDataSet) film_box = dcm_data_set_new ();
  g_auto(GStrv) uids = NULL;
  g_auto(GStrv) none = dimse_print_image_box_uids (NULL);
  DcmElement *seq = dcm_data_set_insert (film_box, DCM_TAG_REFERENCED_IMAGE_BOX_SEQUENCE,
                                         DCM_VR_SQ);

  for (guint i = 1; i <= 2; i++)
    {
      DcmDataSet *item = dcm_data_set_new ();
      g_autofree char *uid = g_strdup_printf ("1.2.3.%u", i);

      g_assert_true (dcm_data_set_set_string (item, DCM_TAG_REFERENCED_SOP_CLASS_UID,
                                              DCM_VR_NONE, DCM_UID_BASIC_GRAYSCALE_IMAGE_BOX,
                                              NULL));
      g_assert_true (dcm_data_set_set_string (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID,
                                              DCM_VR_NONE, uid, NULL));
      dcm_data_set_append_item (film_box, seq, item);
    }
  uids = dimse_print_image_box_uids (film_box);
  g_assert_cmpuint (g_strv_length (uids), ==, 2);
  g_assert_cmpstr (uids[0], ==, "1.2.3.1");
  g_assert_cmpstr (uids[1], ==, "1.2.3.2");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/print/film-box/references-session", test_film_box);
  g_test_add_func ("/print/image-box/grayscale-image", test_image_box);
  g_test_add_func ("/print/film-box/image-box-uids", test_image_box_uids);
  return g_test_run ();
}
