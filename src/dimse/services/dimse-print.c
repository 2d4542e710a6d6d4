/* dimse-print.c — the data sets of Basic Grayscale Print Management
 * (PS3.4 Annex H, the modules of PS3.3 §C.13) */
#include "config.h"

#include "dimse-print.h"

#include "dcm-tags.h"
#include "dcm-uids.h"

DcmDataSet *
dimse_print_film_session_attributes (guint number_of_copies, const char *medium_type,
                                     GError **error)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  if (!dcm_data_set_set_int64 (ds, DCM_TAG_NUMBER_OF_COPIES, DCM_VR_NONE, number_of_copies,
                               error))
    return NULL;
  if (medium_type != NULL
      && !dcm_data_set_set_string (ds, DCM_TAG_MEDIUM_TYPE, DCM_VR_NONE, medium_type, error))
    return NULL;
  return g_steal_pointer (&ds);
}

DcmDataSet *
dimse_print_film_box_attributes (const char *image_display_format, const char *film_size_id,
                                 const char *film_session_uid, GError **error)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmDataSet) ref = dcm_data_set_new ();
  DcmElement *sequence;

  if (!dcm_data_set_set_string (ds, DCM_TAG_IMAGE_DISPLAY_FORMAT, DCM_VR_NONE,
                                image_display_format, error)
      || (film_size_id != NULL
          && !dcm_data_set_set_string (ds, DCM_TAG_FILM_SIZE_ID, DCM_VR_NONE, film_size_id,
                                       error))
      || !dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_CLASS_UID, DCM_VR_NONE,
                                   DCM_UID_BASIC_FILM_SESSION, error)
      || !dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, DCM_VR_NONE,
                                   film_session_uid, error))
    return NULL;
  sequence = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_FILM_SESSION_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (ds, sequence, g_steal_pointer (&ref));
  return g_steal_pointer (&ds);
}

DcmDataSet *
dimse_print_image_box_modifications (guint image_box_position, guint rows, guint columns,
                                     GBytes *pixels, GError **error)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmDataSet) image = dcm_data_set_new ();
  const gint64 aspect[] = { 1, 1 };
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (pixels, &size);
  DcmElement *sequence;

  g_return_val_if_fail (size == (gsize) rows * columns, NULL);

  /* PS3.3 §C.13.4 Basic Grayscale Image Sequence: 8 bits, MONOCHROME2 */
  if (!dcm_data_set_set_int64 (ds, DCM_TAG_IMAGE_BOX_POSITION, DCM_VR_NONE,
                               image_box_position, error)
      || !dcm_data_set_set_int64 (image, DCM_TAG_SAMPLES_PER_PIXEL, DCM_VR_NONE, 1, error)
      || !dcm_data_set_set_string (image, DCM_TAG_PHOTOMETRIC_INTERPRETATION, DCM_VR_NONE,
                                   "MONOCHROME2", error)
      || !dcm_data_set_set_int64 (image, DCM_TAG_ROWS, DCM_VR_NONE, rows, error)
      || !dcm_data_set_set_int64 (image, DCM_TAG_COLUMNS, DCM_VR_NONE, columns, error)
      || !dcm_data_set_set_int64s (image, DCM_TAG_PIXEL_ASPECT_RATIO, DCM_VR_NONE, aspect, 2,
                                   error)
      || !dcm_data_set_set_int64 (image, DCM_TAG_BITS_ALLOCATED, DCM_VR_NONE, 8, error)
      || !dcm_data_set_set_int64 (image, DCM_TAG_BITS_STORED, DCM_VR_NONE, 8, error)
      || !dcm_data_set_set_int64 (image, DCM_TAG_HIGH_BIT, DCM_VR_NONE, 7, error)
      || !dcm_data_set_set_int64 (image, DCM_TAG_PIXEL_REPRESENTATION, DCM_VR_NONE, 0, error)
      || !dcm_data_set_set_raw (image, DCM_TAG_PIXEL_DATA, DCM_VR_OB, data, size, error))
    return NULL;
  sequence = dcm_data_set_insert (ds, DCM_TAG_BASIC_GRAYSCALE_IMAGE_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (ds, sequence, g_steal_pointer (&image));
  return g_steal_pointer (&ds);
}

GBytes *
dimse_print_test_pattern (guint rows, guint columns)
{
  guint8 *pixels = g_malloc ((gsize) rows * columns);

  for (guint y = 0; y < rows; y++)
    for (guint x = 0; x < columns; x++)
      {
        gboolean frame = x < 2 || y < 2 || x + 2 >= columns || y + 2 >= rows;

        pixels[(gsize) y * columns + x] =
          frame ? 255 : (guint8) ((x + y) * 255 / MAX (rows + columns - 2, 1));
      }
  return g_bytes_new_take (pixels, (gsize) rows * columns);
}

char **
dimse_print_image_box_uids (DcmDataSet *film_box)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  guint n = film_box != NULL
            ? dcm_data_set_get_n_items (film_box, DCM_TAG_REFERENCED_IMAGE_BOX_SEQUENCE) : 0;

  for (guint i = 0; i < n; i++)
    {
      DcmDataSet *item = dcm_data_set_get_item (film_box, DCM_TAG_REFERENCED_IMAGE_BOX_SEQUENCE,
                                                i);
      char *uid = dcm_data_set_dup_string (item, DCM_TAG_REFERENCED_SOP_INSTANCE_UID);

      if (uid != NULL)
        g_ptr_array_add (uids, uid);
    }
  g_ptr_array_set_free_func (uids, NULL);
  g_ptr_array_add (uids, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&uids), FALSE);
}
