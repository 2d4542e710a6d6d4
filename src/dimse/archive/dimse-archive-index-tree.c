/* dimse-archive-index-tree.c — the index's tree: which level keeps an
 * attribute (PS3.4 C.6), the records of patients, studies, series and
 * instances, and reading a Part 10 file into them */
#include "config.h"

#include <string.h>

#include "dimse-archive-index-private.h"
#include "dimse-error.h"
#include "dcm-file.h"
#include "dcm-tags.h"

/* Values longer than this stay in the file (PS3.4 C.6 keys are short). */
#define MAX_KEPT_VALUE 1024

/* ---- which level an attribute belongs to (PS3.4 C.6.1.1, C.6.2.1) ---- */

AttrLevel
dimse_archive_attr_level (guint32 tag)
{
  switch (tag)
    {
    case DCM_TAG_PATIENT_NAME: case DCM_TAG_PATIENT_ID: case DCM_TAG_ISSUER_OF_PATIENT_ID:
    case DCM_TAG_ISSUER_OF_PATIENT_ID_QUALIFIERS_SEQUENCE: case DCM_TAG_OTHER_PATIENT_IDS:
    case DCM_TAG_OTHER_PATIENT_IDS_SEQUENCE: case DCM_TAG_OTHER_PATIENT_NAMES:
    case DCM_TAG_PATIENT_BIRTH_DATE: case DCM_TAG_PATIENT_BIRTH_TIME: case DCM_TAG_PATIENT_SEX:
    case DCM_TAG_ETHNIC_GROUP: case DCM_TAG_PATIENT_COMMENTS:
    case DCM_TAG_REFERENCED_PATIENT_SEQUENCE: case DCM_TAG_PATIENT_SPECIES_DESCRIPTION:
    case DCM_TAG_PATIENT_BREED_DESCRIPTION: case DCM_TAG_RESPONSIBLE_PERSON:
    case DCM_TAG_RESPONSIBLE_ORGANIZATION: case DCM_TAG_PATIENT_IDENTITY_REMOVED:
    case DCM_TAG_NUMBER_OF_PATIENT_RELATED_STUDIES: case DCM_TAG_NUMBER_OF_PATIENT_RELATED_SERIES:
    case DCM_TAG_NUMBER_OF_PATIENT_RELATED_INSTANCES:
      return ATTR_LEVEL_PATIENT;
    case DCM_TAG_STUDY_DATE: case DCM_TAG_STUDY_TIME: case DCM_TAG_ACCESSION_NUMBER:
    case DCM_TAG_STUDY_ID: case DCM_TAG_STUDY_INSTANCE_UID: case DCM_TAG_REFERRING_PHYSICIAN_NAME:
    case DCM_TAG_STUDY_DESCRIPTION: case DCM_TAG_PROCEDURE_CODE_SEQUENCE:
    case DCM_TAG_NAME_OF_PHYSICIANS_READING_STUDY: case DCM_TAG_ADMITTING_DIAGNOSES_DESCRIPTION:
    case DCM_TAG_REFERENCED_STUDY_SEQUENCE: case DCM_TAG_PATIENT_AGE: case DCM_TAG_PATIENT_SIZE:
    case DCM_TAG_PATIENT_WEIGHT: case DCM_TAG_OCCUPATION: case DCM_TAG_ADDITIONAL_PATIENT_HISTORY:
    case DCM_TAG_OTHER_STUDY_NUMBERS: case DCM_TAG_ISSUER_OF_ACCESSION_NUMBER_SEQUENCE:
    case DCM_TAG_PHYSICIANS_OF_RECORD: case DCM_TAG_MODALITIES_IN_STUDY:
    case DCM_TAG_SOP_CLASSES_IN_STUDY: case DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES:
    case DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES:
      return ATTR_LEVEL_STUDY;
    case DCM_TAG_MODALITY: case DCM_TAG_SERIES_NUMBER: case DCM_TAG_SERIES_INSTANCE_UID:
    case DCM_TAG_SERIES_DESCRIPTION: case DCM_TAG_BODY_PART_EXAMINED: case DCM_TAG_SERIES_DATE:
    case DCM_TAG_SERIES_TIME: case DCM_TAG_PERFORMING_PHYSICIAN_NAME: case DCM_TAG_PROTOCOL_NAME:
    case DCM_TAG_OPERATORS_NAME: case DCM_TAG_LATERALITY:
    case DCM_TAG_PERFORMED_PROCEDURE_STEP_START_DATE:
    case DCM_TAG_PERFORMED_PROCEDURE_STEP_START_TIME: case DCM_TAG_REQUEST_ATTRIBUTES_SEQUENCE:
    case DCM_TAG_INSTITUTION_NAME: case DCM_TAG_STATION_NAME: case DCM_TAG_MANUFACTURER:
    case DCM_TAG_MANUFACTURER_MODEL_NAME: case DCM_TAG_INSTITUTIONAL_DEPARTMENT_NAME:
    case DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES:
      return ATTR_LEVEL_SERIES;
    default:
      return ATTR_LEVEL_IMAGE;
    }
}

gboolean
dimse_archive_attr_is_computed (guint32 tag)
{
  switch (tag)
    {
    case DCM_TAG_NUMBER_OF_PATIENT_RELATED_STUDIES: case DCM_TAG_NUMBER_OF_PATIENT_RELATED_SERIES:
    case DCM_TAG_NUMBER_OF_PATIENT_RELATED_INSTANCES: case DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES:
    case DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES: case DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES:
    case DCM_TAG_MODALITIES_IN_STUDY: case DCM_TAG_SOP_CLASSES_IN_STUDY:
    case DCM_TAG_QUERY_RETRIEVE_LEVEL: case DCM_TAG_RETRIEVE_AE_TITLE:
    case DCM_TAG_INSTANCE_AVAILABILITY: case DCM_TAG_SPECIFIC_CHARACTER_SET:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- records ---- */

/* Bytes of an element's value with its items, G_MAXSIZE when any part
 * stays in the file. */
static gsize
element_size (const DcmElement *el)
{
  gsize total = 0;

  switch (el->kind)
    {
    case DCM_VALUE_EMPTY:
      return 0;
    case DCM_VALUE_BYTES:
      return g_bytes_get_size (el->value.bytes);
    case DCM_VALUE_ITEMS:
      for (guint i = 0; i < el->value.items->len; i++)
        {
          DcmDataSet *item = g_ptr_array_index (el->value.items, i);

          for (guint j = 0; j < dcm_data_set_n_elements (item); j++)
            {
              gsize size = element_size (dcm_data_set_nth (item, j));

              if (size == G_MAXSIZE || (total += size + 8) > MAX_KEPT_VALUE)
                return G_MAXSIZE;
            }
        }
      return total;
    default:
      return G_MAXSIZE;
    }
}

/* Whether el of a file is kept at all: short, neither bulk nor private
 * (a private tag means nothing without its creator) nor a group length. */
static gboolean
keeps_element (const DcmElement *el)
{
  guint16 group = el->tag >> 16;

  if (group <= 0x0002 || (group & 1) != 0 || (el->tag & 0xffff) == 0)
    return FALSE;
  if (el->vr == DCM_VR_UN || dcm_vr_kind (el->vr) == DCM_VR_KIND_BULK)
    return FALSE;
  return element_size (el) <= MAX_KEPT_VALUE;
}

static DcmDataSet *
level_data_set (DcmDataSet *file_ds, AttrLevel level)
{
  DcmDataSet *ds = dcm_data_set_new ();
  const DcmElement *charset = dcm_data_set_lookup (file_ds, DCM_TAG_SPECIFIC_CHARACTER_SET);

  if (charset != NULL)
    dimse_match_copy_element (ds, charset);
  for (guint i = 0; i < dcm_data_set_n_elements (file_ds); i++)
    {
      const DcmElement *el = dcm_data_set_nth (file_ds, i);

      if (dimse_archive_attr_level (el->tag) == level
          && !dimse_archive_attr_is_computed (el->tag) && keeps_element (el))
        dimse_match_copy_element (ds, el);
    }
  return ds;
}

static void
level_attrs_init (LevelAttrs *level, DcmDataSet *file_ds, AttrLevel attr_level)
{
  guint n;

  level->attrs = level_data_set (file_ds, attr_level);
  n = dcm_data_set_n_elements (level->attrs);
  level->prepared_tags = g_new0 (guint32, n);
  level->prepared = g_new0 (DimseMatchValues *, n);
  for (guint i = 0; i < n; i++)
    {
      const DcmElement *el = dcm_data_set_nth (level->attrs, i);
      DimseMatchValues *values;

      if (el->tag == DCM_TAG_SPECIFIC_CHARACTER_SET
          || (values = dimse_match_values_new (level->attrs, el)) == NULL)
        continue;
      level->prepared_tags[level->n_prepared] = el->tag;
      level->prepared[level->n_prepared++] = values;
    }
}

static void
level_attrs_clear (LevelAttrs *level)
{
  for (guint i = 0; i < level->n_prepared; i++)
    dimse_match_values_free (level->prepared[i]);
  g_clear_pointer (&level->prepared, g_free);
  g_clear_pointer (&level->prepared_tags, g_free);
  g_clear_pointer (&level->attrs, dcm_data_set_unref);
}

const DimseMatchValues *
dimse_archive_level_lookup (const LevelAttrs *level, guint32 tag)
{
  guint lo = 0, hi = level->n_prepared;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (level->prepared_tags[mid] == tag)
        return level->prepared[mid];
      if (level->prepared_tags[mid] < tag)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

static gboolean
same_value (const DcmElement *a, const DcmElement *b)
{
  if (a->vr != b->vr || a->kind != b->kind)
    return FALSE;
  if (a->kind == DCM_VALUE_EMPTY)
    return TRUE;
  return a->kind == DCM_VALUE_BYTES && g_bytes_equal (a->value.bytes, b->value.bytes);
}

/* Most instance-level values (equipment, acquisition, image pixel
 * description) are the same across a series: each instance keeps only
 * what differs from the series' first, which keeps memory per instance
 * to its UIDs, numbers and positions. */
static void
instance_set_attrs (Instance *instance, DcmDataSet *file_ds)
{
  Series *series = instance->series;
  g_autoptr (DcmDataSet) all = level_data_set (file_ds, ATTR_LEVEL_IMAGE);
  g_autoptr (DcmDataSet) delta = dcm_data_set_new ();
  g_autoptr (GArray) absent = g_array_new (TRUE, FALSE, sizeof (guint32));

  if (series->common == NULL)
    {
      series->common = g_steal_pointer (&all);
      return;
    }
  for (guint i = 0; i < dcm_data_set_n_elements (all); i++)
    {
      const DcmElement *el = dcm_data_set_nth (all, i);
      const DcmElement *common = dcm_data_set_lookup (series->common, el->tag);

      if (common == NULL || !same_value (common, el))
        dimse_match_copy_element (delta, el);
    }
  for (guint i = 0; i < dcm_data_set_n_elements (series->common); i++)
    {
      guint32 tag = dcm_data_set_nth (series->common, i)->tag;

      if (!dcm_data_set_contains (all, tag))
        g_array_append_val (absent, tag);
    }
  if (dcm_data_set_n_elements (delta) > 0)
    instance->attrs = dcm_data_set_write_bytes (delta, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                                                NULL);
  if (absent->len > 0)
    instance->absent = (guint32 *) g_array_free (g_steal_pointer (&absent), FALSE);
}

DcmDataSet *
dimse_archive_instance_attrs (const Instance *instance)
{
  DcmDataSet *common = instance->series->common;
  DcmDataSet *ds = common != NULL ? dcm_data_set_copy (common) : dcm_data_set_new ();
  g_autoptr (DcmDataSet) delta = NULL;

  if (instance->attrs != NULL)
    delta = dcm_data_set_read_bytes (instance->attrs, &dcm_ts_explicit_le, NULL, NULL);
  for (guint i = 0; delta != NULL && i < dcm_data_set_n_elements (delta); i++)
    dimse_match_copy_element (ds, dcm_data_set_nth (delta, i));
  for (guint i = 0; instance->absent != NULL && instance->absent[i] != 0; i++)
    dcm_data_set_remove (ds, instance->absent[i]);
  return ds;
}

DimseArchiveInstance *
dimse_archive_instance_copy (const DimseArchiveInstance *info)
{
  DimseArchiveInstance *copy = g_new0 (DimseArchiveInstance, 1);

  copy->path = g_strdup (info->path);
  copy->sop_class_uid = g_strdup (info->sop_class_uid);
  copy->sop_instance_uid = g_strdup (info->sop_instance_uid);
  copy->transfer_syntax_uid = g_strdup (info->transfer_syntax_uid);
  copy->patient_id = g_strdup (info->patient_id);
  copy->study_instance_uid = g_strdup (info->study_instance_uid);
  copy->series_instance_uid = g_strdup (info->series_instance_uid);
  copy->size = info->size;
  return copy;
}

static void
instance_info_clear (DimseArchiveInstance *info)
{
  g_free (info->path);
  g_free (info->sop_class_uid);
  g_free (info->sop_instance_uid);
  g_free (info->transfer_syntax_uid);
  g_free (info->patient_id);
  g_free (info->study_instance_uid);
  g_free (info->series_instance_uid);
}

void
dimse_archive_instance_free (DimseArchiveInstance *instance)
{
  if (instance == NULL)
    return;
  instance_info_clear (instance);
  g_free (instance);
}

static void
instance_free (Instance *instance)
{
  instance_info_clear (&instance->info);
  g_clear_pointer (&instance->attrs, g_bytes_unref);
  g_free (instance->absent);
  g_free (instance);
}

static void
series_free (Series *series)
{
  g_free (series->series_instance_uid);
  level_attrs_clear (&series->level);
  g_ptr_array_unref (series->instances);
  g_clear_pointer (&series->common, dcm_data_set_unref);
  g_free (series);
}

static void
study_free (Study *study)
{
  g_free (study->study_instance_uid);
  g_free (study->study_date);
  g_free (study->study_time);
  level_attrs_clear (&study->level);
  g_ptr_array_unref (study->series);
  g_free (study);
}

static void
patient_free (Patient *patient)
{
  g_free (patient->patient_id);
  level_attrs_clear (&patient->level);
  g_ptr_array_unref (patient->studies);
  g_free (patient);
}

Tree *
dimse_archive_tree_new (void)
{
  Tree *tree = g_new0 (Tree, 1);

  tree->patients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) patient_free);
  tree->studies = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) study_free);
  tree->series = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) series_free);
  tree->instances = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) instance_free);
  return tree;
}

void
dimse_archive_tree_free (Tree *tree)
{
  g_hash_table_unref (tree->instances);
  g_hash_table_unref (tree->series);
  g_hash_table_unref (tree->studies);
  g_hash_table_unref (tree->patients);
  g_free (tree);
}

static gint
int_or_max (DcmDataSet *ds, guint32 tag)
{
  gint64 v;

  return dcm_data_set_get_int64 (ds, tag, 0, &v, NULL) && v > G_MININT && v < G_MAXINT
         ? (gint) v : G_MAXINT;
}

static char *
dup_or_empty (DcmDataSet *ds, guint32 tag)
{
  char *value = dcm_data_set_dup_string (ds, tag);

  return value != NULL ? value : g_strdup ("");
}

static Patient *
tree_patient (Tree *tree, DcmDataSet *ds, const char *patient_id)
{
  Patient *patient = g_hash_table_lookup (tree->patients, patient_id);

  if (patient != NULL)
    return patient;
  patient = g_new0 (Patient, 1);
  patient->patient_id = g_strdup (patient_id);
  level_attrs_init (&patient->level, ds, ATTR_LEVEL_PATIENT);
  patient->studies = g_ptr_array_new ();
  g_hash_table_insert (tree->patients, patient->patient_id, patient);
  return patient;
}

static Study *
tree_study (Tree *tree, DcmDataSet *ds, const char *uid, const char *patient_id)
{
  Study *study = g_hash_table_lookup (tree->studies, uid);

  if (study != NULL)
    return study;
  study = g_new0 (Study, 1);
  study->patient = tree_patient (tree, ds, patient_id);
  study->study_instance_uid = g_strdup (uid);
  study->study_date = dup_or_empty (ds, DCM_TAG_STUDY_DATE);
  study->study_time = dup_or_empty (ds, DCM_TAG_STUDY_TIME);
  level_attrs_init (&study->level, ds, ATTR_LEVEL_STUDY);
  study->series = g_ptr_array_new ();
  g_ptr_array_add (study->patient->studies, study);
  g_hash_table_insert (tree->studies, study->study_instance_uid, study);
  return study;
}

static Series *
tree_series (Tree *tree, DcmDataSet *ds, const char *uid, Study *study)
{
  Series *series = g_hash_table_lookup (tree->series, uid);

  if (series != NULL)
    return series;
  series = g_new0 (Series, 1);
  series->study = study;
  series->series_instance_uid = g_strdup (uid);
  series->series_number = int_or_max (ds, DCM_TAG_SERIES_NUMBER);
  level_attrs_init (&series->level, ds, ATTR_LEVEL_SERIES);
  series->instances = g_ptr_array_new ();
  g_ptr_array_add (study->series, series);
  study->patient->n_series++;
  g_hash_table_insert (tree->series, series->series_instance_uid, series);
  return series;
}

/* Takes instance out of its series and drops what it leaves empty. */
void
dimse_archive_tree_remove (Tree *tree, Instance *instance)
{
  Series *series = instance->series;
  Study *study = series->study;
  Patient *patient = study->patient;

  g_ptr_array_remove_fast (series->instances, instance);
  study->n_instances--;
  patient->n_instances--;
  g_hash_table_remove (tree->instances, instance->info.sop_instance_uid);
  if (series->instances->len > 0)
    return;
  g_ptr_array_remove_fast (study->series, series);
  patient->n_series--;
  g_hash_table_remove (tree->series, series->series_instance_uid);
  if (study->series->len > 0)
    return;
  g_ptr_array_remove_fast (patient->studies, study);
  g_hash_table_remove (tree->studies, study->study_instance_uid);
  if (patient->studies->len == 0)
    g_hash_table_remove (tree->patients, patient->patient_id);
}

void
dimse_archive_file_entry_clear (FileEntry *entry)
{
  g_free (entry->path);
  g_free (entry->transfer_syntax_uid);
  g_clear_pointer (&entry->data_set, dcm_data_set_unref);
  for (guint i = 0; i < G_N_ELEMENTS (entry->uids); i++)
    g_free (entry->uids[i]);
}

static const guint32 entry_uid_tags[] = {
  DCM_TAG_SOP_CLASS_UID, DCM_TAG_SOP_INSTANCE_UID, DCM_TAG_STUDY_INSTANCE_UID,
  DCM_TAG_SERIES_INSTANCE_UID,
};

/* Reads path up to its pixel data: values over MAX_KEPT_VALUE and pixel
 * data stay in the file as references (skipped, not read). */
gboolean
dimse_archive_file_entry_read (FileEntry *entry, const char *path, guint64 size, GError **error)
{
  DcmReadOptions opts;
  g_autoptr (DcmFile) file = NULL;

  dcm_read_options_init (&opts);
  opts.bulk_threshold = MAX_KEPT_VALUE + 1;
  opts.bulk_pixel_data = TRUE;
  file = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, error);
  if (file == NULL)
    return FALSE;
  entry->data_set = dcm_data_set_ref (dcm_file_get_data_set (file));
  for (guint i = 0; i < G_N_ELEMENTS (entry_uid_tags); i++)
    {
      entry->uids[i] = dcm_data_set_dup_string (entry->data_set, entry_uid_tags[i]);
      if (entry->uids[i] == NULL || entry->uids[i][0] == '\0')
        {
          g_autofree char *name = dcm_describe_tag (entry_uid_tags[i]);
          g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                       "“%s” has no %s, so it cannot be indexed.", path, name);
          return FALSE;
        }
    }
  entry->path = g_strdup (path);
  entry->size = size;
  entry->transfer_syntax_uid = g_strdup (dcm_file_get_transfer_syntax_uid (file));
  return TRUE;
}

void
dimse_archive_tree_insert (Tree *tree, FileEntry *entry)
{
  DcmDataSet *ds = entry->data_set;
  g_autofree char *patient_id = dup_or_empty (ds, DCM_TAG_PATIENT_ID);
  Instance *old = g_hash_table_lookup (tree->instances, entry->uids[1]);
  Instance *instance;
  Study *study;

  if (old != NULL)
    dimse_archive_tree_remove (tree, old);
  study = tree_study (tree, ds, entry->uids[2], patient_id);
  instance = g_new0 (Instance, 1);
  instance->series = tree_series (tree, ds, entry->uids[3], study);
  instance->info.path = g_strdup (entry->path);
  instance->info.sop_class_uid = g_strdup (entry->uids[0]);
  instance->info.sop_instance_uid = g_strdup (entry->uids[1]);
  instance->info.transfer_syntax_uid = g_strdup (entry->transfer_syntax_uid);
  instance->info.patient_id = g_strdup (study->patient->patient_id);
  instance->info.study_instance_uid = g_strdup (entry->uids[2]);
  instance->info.series_instance_uid = g_strdup (entry->uids[3]);
  instance->info.size = entry->size;
  instance->instance_number = int_or_max (ds, DCM_TAG_INSTANCE_NUMBER);
  instance_set_attrs (instance, ds);
  g_ptr_array_add (instance->series->instances, instance);
  study->n_instances++;
  study->patient->n_instances++;
  g_hash_table_insert (tree->instances, instance->info.sop_instance_uid, instance);
}
