/* fuzz-match.c — C-FIND identifiers from arbitrary bytes, matched against
 * a small fixed archive index
 *
 * The first byte picks the transfer syntax (bits 0-1, as fuzz_syntaxes),
 * the information model (bit 2) and max_results (bits 3-7); the rest is
 * the identifier. Each identifier goes through dimse_archive_index_find
 * and _select, and each of its keys is matched on its own against a
 * record holding values of many VRs, a sequence and a Japanese name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-archive-index.h"
#include "dimse-archive-match.h"
#include "fuzz-common.h"

#define UID_ROOT "1.2.826.0.1.3680043.2.1125.77."

static DimseArchiveIndex *fuzz_index;
static DcmDataSet *fuzz_record;
static char *fuzz_folder;

static void
put (DcmDataSet *ds, guint32 tag, const char *value)
{
  dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, NULL);
}

static DcmDataSet *
make_record (guint i)
{
  DcmDataSet *ds = dcm_data_set_new ();
  DcmDataSet *item = dcm_data_set_new ();
  DcmElement *sq;
  g_autofree char *study = g_strdup_printf (UID_ROOT "%u", i / 4);
  g_autofree char *series = g_strdup_printf (UID_ROOT "%u.%u", i / 4, i / 2);
  g_autofree char *sop = g_strdup_printf (UID_ROOT "%u.%u.%u", i / 4, i / 2, i);
  g_autofree char *number = g_strdup_printf ("%u", i);

  if (i % 3 == 0)
    put (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, "\\ISO 2022 IR 87");
  put (ds, DCM_TAG_SOP_CLASS_UID, DCM_UID_CT_IMAGE_STORAGE);
  put (ds, DCM_TAG_SOP_INSTANCE_UID, sop);
  put (ds, DCM_TAG_STUDY_DATE, i % 2 ? "20200101" : "20211231");
  put (ds, DCM_TAG_STUDY_TIME, "101010.5");
  put (ds, DCM_TAG_ACCESSION_NUMBER, "A1");
  put (ds, DCM_TAG_MODALITY, i % 2 ? "CT" : "MR");
  put (ds, DCM_TAG_PATIENT_NAME, i % 3 == 0 ? "Yamada^Tarou=山田^太郎=やまだ^たろう"
                                             : "Doe^John");
  put (ds, DCM_TAG_PATIENT_ID, i < 4 ? "P1" : "P2");
  put (ds, DCM_TAG_PATIENT_BIRTH_DATE, "19700101");
  put (ds, DCM_TAG_STUDY_INSTANCE_UID, study);
  put (ds, DCM_TAG_SERIES_INSTANCE_UID, series);
  put (ds, DCM_TAG_SERIES_NUMBER, number);
  put (ds, DCM_TAG_INSTANCE_NUMBER, number);
  put (ds, DCM_TAG_IMAGE_TYPE, "ORIGINAL\\PRIMARY");
  put (ds, DCM_TAG_ACQUISITION_DATE_TIME, "20200101101010+0100");
  put (ds, DCM_TAG_ROWS, "64");
  put (ds, DCM_TAG_SLICE_THICKNESS, "1.25");
  sq = dcm_data_set_insert (ds, DCM_TAG_PROCEDURE_CODE_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (ds, sq, item);
  put (item, DCM_TAG_CODE_VALUE, "A1");
  put (item, DCM_TAG_CODE_MEANING, "Head");
  return ds;
}

static void
remove_folder (void)
{
  g_autoptr (GDir) dir = g_dir_open (fuzz_folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fuzz_folder, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fuzz_folder);
}

static void
set_up (void)
{
  fuzz_folder = g_dir_make_tmp ("fuzz-match-XXXXXX", NULL);
  if (fuzz_folder == NULL)
    abort ();
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr (DcmDataSet) ds = make_record (i);
      g_autoptr (DcmFile) file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, NULL);
      g_autoptr (GBytes) bytes = file != NULL ? dcm_file_write_bytes (file, DCM_WRITE_DEFAULT, NULL)
                                              : NULL;
      g_autofree char *path = g_strdup_printf ("%s/%u.dcm", fuzz_folder, i);

      if (bytes == NULL
          || !g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL))
        abort ();
    }
  atexit (remove_folder);
  fuzz_index = dimse_archive_index_new (fuzz_folder);
  if (!dimse_archive_index_scan (fuzz_index, NULL, NULL, NULL)
      || dimse_archive_index_get_n_instances (fuzz_index) != 8)
    abort ();
  fuzz_record = make_record (3);
}

/* Each key alone against the fixed record, both ways of matching. */
static void
match_keys (DcmDataSet *identifier)
{
  for (guint i = 0; i < dcm_data_set_n_elements (identifier); i++)
    {
      const DcmElement *el = dcm_data_set_nth (identifier, i);
      const DcmElement *value = dcm_data_set_lookup (fuzz_record, el->tag);
      g_autoptr (DimseMatchKey) key = dimse_match_key_new (identifier, el, NULL);
      g_autoptr (DimseMatchValues) prepared = NULL;
      g_autoptr (DcmDataSet) response = dcm_data_set_new ();

      if (key == NULL)
        continue;
      if (value != NULL)
        prepared = dimse_match_values_new (fuzz_record, value);
      (void) dimse_match_key_matches_values (key, prepared);
      if (dimse_match_key_matches (key, fuzz_record))
        {
          put (response, DCM_TAG_SPECIFIC_CHARACTER_SET, "ISO_IR 192");
          dimse_match_key_copy_value (key, fuzz_record, response,
                                      dimse_match_key_needs_charset (key, fuzz_record));
          fuzz_touch_data_set (response);
        }
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (DcmDataSet) identifier = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) selected = NULL;
  DcmReadOptions opts;
  DimseQrModel model;

  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  if (fuzz_index == NULL)
    set_up ();
  model = (data[0] & 4) ? DIMSE_QR_MODEL_STUDY_ROOT : DIMSE_QR_MODEL_PATIENT_ROOT;
  bytes = g_bytes_new_static (data + 1, size - 1);
  dcm_read_options_init (&opts);
  opts.max_inflated_size = FUZZ_MAX_INFLATED;
  identifier = dcm_data_set_read_bytes (bytes, fuzz_syntaxes[data[0] & 3], &opts, NULL);
  if (identifier == NULL)
    return 0;
  match_keys (identifier);
  found = dimse_archive_index_find (fuzz_index, model, identifier, data[0] >> 3, NULL, NULL);
  for (guint i = 0; found != NULL && i < found->len; i++)
    fuzz_touch_data_set (g_ptr_array_index (found, i));
  selected = dimse_archive_index_select (fuzz_index, model, identifier, NULL);
  return 0;
}
