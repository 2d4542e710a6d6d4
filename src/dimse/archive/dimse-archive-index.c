/* dimse-archive-index.c — the embedded archive's index: reading Part 10
 * files into a patient → study → series → instance tree (PS3.4 C.6) */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "dimse-archive-index-private.h"
#include "dimse-error.h"
#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"

/* Values longer than this stay in the file (PS3.4 C.6 keys are short). */
#define MAX_KEPT_VALUE 1024

struct _DimseArchiveIndex
{
  GObject    parent_instance;
  char      *folder;
  GRWLock    lock;
  Tree      *tree;
  GMutex     scan_mutex;  /* one scan at a time */
  GPtrArray *pending;     /* PendingOp*: changes made while a scan runs,
                             replayed on its tree (under lock) */
};

G_DEFINE_FINAL_TYPE (DimseArchiveIndex, dimse_archive_index, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const level_names[] = { "PATIENT", "STUDY", "SERIES", "IMAGE" };

const char *
dimse_qr_level_to_string (DimseQrLevel level)
{
  g_return_val_if_fail (level <= DIMSE_QR_LEVEL_IMAGE, NULL);
  return level_names[level];
}

gboolean
dimse_qr_level_parse (const char *text, DimseQrLevel *out_level)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (level_names); i++)
    if (g_str_equal (text, level_names[i]))
      {
        if (out_level != NULL)
          *out_level = (DimseQrLevel) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
dimse_qr_model_from_sop_class (const char *uid, DimseQrModel *out_model)
{
  DimseQrModel model;

  if (uid == NULL)
    return FALSE;
  if (g_str_equal (uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND)
      || g_str_equal (uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE)
      || g_str_equal (uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET))
    model = DIMSE_QR_MODEL_PATIENT_ROOT;
  else if (g_str_equal (uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND)
           || g_str_equal (uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE)
           || g_str_equal (uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET))
    model = DIMSE_QR_MODEL_STUDY_ROOT;
  else
    return FALSE;
  if (out_model != NULL)
    *out_model = model;
  return TRUE;
}

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

static GBytes *
instance_attrs_bytes (DcmDataSet *file_ds)
{
  g_autoptr (DcmDataSet) ds = level_data_set (file_ds, ATTR_LEVEL_IMAGE);

  return dcm_data_set_write_bytes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, NULL);
}

DcmDataSet *
dimse_archive_instance_attrs (const Instance *instance)
{
  DcmDataSet *ds = NULL;

  if (instance->attrs != NULL)
    ds = dcm_data_set_read_bytes (instance->attrs, &dcm_ts_explicit_le, NULL, NULL);
  return ds != NULL ? ds : dcm_data_set_new ();
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
  g_free (instance);
}

static void
series_free (Series *series)
{
  g_free (series->series_instance_uid);
  level_attrs_clear (&series->level);
  g_ptr_array_unref (series->instances);
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

static Tree *
tree_new (void)
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

static void
tree_free (Tree *tree)
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
static void
tree_remove (Tree *tree, Instance *instance)
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

/* The file as read; what makes an instance. */
typedef struct {
  char       *path;
  guint64     size;
  char       *transfer_syntax_uid;
  DcmDataSet *data_set;
  char       *uids[4];  /* SOP Class, SOP Instance, Study, Series */
} FileEntry;

static void
file_entry_clear (FileEntry *entry)
{
  g_free (entry->path);
  g_free (entry->transfer_syntax_uid);
  g_clear_pointer (&entry->data_set, dcm_data_set_unref);
  for (guint i = 0; i < G_N_ELEMENTS (entry->uids); i++)
    g_free (entry->uids[i]);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FileEntry, file_entry_clear)

typedef struct {
  FileEntry  entry;        /* an add_file, or */
  char      *removed_uid;  /* a remove */
} PendingOp;

static void
pending_op_free (PendingOp *op)
{
  file_entry_clear (&op->entry);
  g_free (op->removed_uid);
  g_free (op);
}

static const guint32 entry_uid_tags[] = {
  DCM_TAG_SOP_CLASS_UID, DCM_TAG_SOP_INSTANCE_UID, DCM_TAG_STUDY_INSTANCE_UID,
  DCM_TAG_SERIES_INSTANCE_UID,
};

/* Reads path up to its pixel data: values over MAX_KEPT_VALUE and pixel
 * data stay in the file as references (skipped, not read). */
static gboolean
file_entry_read (FileEntry *entry, const char *path, guint64 size, GError **error)
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

static void
tree_insert (Tree *tree, FileEntry *entry)
{
  DcmDataSet *ds = entry->data_set;
  g_autofree char *patient_id = dup_or_empty (ds, DCM_TAG_PATIENT_ID);
  Instance *old = g_hash_table_lookup (tree->instances, entry->uids[1]);
  Instance *instance;
  Study *study;

  if (old != NULL)
    tree_remove (tree, old);
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
  instance->attrs = instance_attrs_bytes (ds);
  g_ptr_array_add (instance->series->instances, instance);
  study->n_instances++;
  study->patient->n_instances++;
  g_hash_table_insert (tree->instances, instance->info.sop_instance_uid, instance);
}

/* ---- the object ---- */

static void
dimse_archive_index_finalize (GObject *object)
{
  DimseArchiveIndex *self = DIMSE_ARCHIVE_INDEX (object);

  g_free (self->folder);
  tree_free (self->tree);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_rw_lock_clear (&self->lock);
  g_mutex_clear (&self->scan_mutex);
  G_OBJECT_CLASS (dimse_archive_index_parent_class)->finalize (object);
}

static void
dimse_archive_index_class_init (DimseArchiveIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_archive_index_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
dimse_archive_index_init (DimseArchiveIndex *self)
{
  g_rw_lock_init (&self->lock);
  g_mutex_init (&self->scan_mutex);
  self->tree = tree_new ();
}

DimseArchiveIndex *
dimse_archive_index_new (const char *folder)
{
  DimseArchiveIndex *self = g_object_new (DIMSE_TYPE_ARCHIVE_INDEX, NULL);

  g_return_val_if_fail (folder != NULL, self);
  self->folder = g_canonicalize_filename (folder, NULL);
  return self;
}

const char *
dimse_archive_index_get_folder (DimseArchiveIndex *index)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  return index->folder;
}

/* Hidden files, and the temporary files of writers that rename when done
 * (ours are ".dimse-XXXXXX.tmp" and the Storage SCP's "….part"). */
static gboolean
is_skipped_name (const char *name)
{
  return name[0] == '.' || g_str_has_suffix (name, "~") || g_str_has_suffix (name, ".tmp")
         || g_str_has_suffix (name, ".part");
}

static gboolean
scan_folder (Tree *tree, GFile *folder, guint *n_skipped, GCancellable *cancellable,
             GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (children == NULL)
    return FALSE;
  while (g_file_enumerator_iterate (children, &info, &child, cancellable, error))
    {
      g_autofree char *path = NULL;
      g_auto (FileEntry) entry = { 0 };
      g_autoptr (GError) local = NULL;

      if (info == NULL)
        return TRUE;
      if (is_skipped_name (g_file_info_get_name (info)))
        continue;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!scan_folder (tree, child, n_skipped, cancellable, error))
            return FALSE;
          continue;
        }
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        continue;
      path = g_file_get_path (child);
      if (!file_entry_read (&entry, path, (guint64) g_file_info_get_size (info), &local))
        {
          g_debug ("Not indexed: %s", local->message);
          (*n_skipped)++;
          continue;
        }
      tree_insert (tree, &entry);
    }
  return FALSE;
}

/* Under the writer lock: the changes made while the scan ran, then the
 * scan's tree in place of the old one. */
static Tree *
swap_in (DimseArchiveIndex *index, Tree *tree)
{
  Tree *old = index->tree;

  for (guint i = 0; i < index->pending->len; i++)
    {
      PendingOp *op = g_ptr_array_index (index->pending, i);
      Instance *instance;

      if (op->removed_uid == NULL)
        tree_insert (tree, &op->entry);
      else if ((instance = g_hash_table_lookup (tree->instances, op->removed_uid)) != NULL)
        tree_remove (tree, instance);
    }
  index->tree = tree;
  return old;
}

gboolean
dimse_archive_index_scan (DimseArchiveIndex *index, guint *out_n_skipped,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GMutexLocker) scanning = NULL;
  Tree *tree;
  guint n_skipped = 0;
  gboolean ok;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), FALSE);
  scanning = g_mutex_locker_new (&index->scan_mutex);
  folder = g_file_new_for_path (index->folder);
  g_rw_lock_writer_lock (&index->lock);
  index->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_op_free);
  g_rw_lock_writer_unlock (&index->lock);
  /* Built aside and swapped in, so that queries go on meanwhile. */
  tree = tree_new ();
  ok = scan_folder (tree, folder, &n_skipped, cancellable, error);
  g_rw_lock_writer_lock (&index->lock);
  if (ok)
    tree = swap_in (index, tree);
  g_clear_pointer (&index->pending, g_ptr_array_unref);
  g_rw_lock_writer_unlock (&index->lock);
  tree_free (tree);
  if (!ok)
    return FALSE;
  if (out_n_skipped != NULL)
    *out_n_skipped = n_skipped;
  g_signal_emit (index, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
dimse_archive_index_add_file (DimseArchiveIndex *index, const char *path, GError **error)
{
  g_auto (FileEntry) entry = { 0 };
  g_autofree char *absolute = NULL;
  GStatBuf st;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), FALSE);
  absolute = g_canonicalize_filename (path, NULL);
  if (g_stat (absolute, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot index “%s”: %s", absolute, g_strerror (saved));
      return FALSE;
    }
  if (!file_entry_read (&entry, absolute, (guint64) st.st_size, error))
    return FALSE;
  g_rw_lock_writer_lock (&index->lock);
  tree_insert (index->tree, &entry);
  if (index->pending != NULL)
    {
      PendingOp *op = g_new0 (PendingOp, 1);

      op->entry = entry;
      memset (&entry, 0, sizeof entry);
      g_ptr_array_add (index->pending, op);
    }
  g_rw_lock_writer_unlock (&index->lock);
  g_signal_emit (index, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
dimse_archive_index_remove (DimseArchiveIndex *index, const char *sop_instance_uid)
{
  Instance *instance;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), FALSE);
  g_rw_lock_writer_lock (&index->lock);
  instance = g_hash_table_lookup (index->tree->instances, sop_instance_uid);
  if (instance != NULL)
    tree_remove (index->tree, instance);
  if (index->pending != NULL)
    {
      PendingOp *op = g_new0 (PendingOp, 1);

      op->removed_uid = g_strdup (sop_instance_uid);
      g_ptr_array_add (index->pending, op);
    }
  g_rw_lock_writer_unlock (&index->lock);
  if (instance != NULL)
    g_signal_emit (index, signals[SIGNAL_CHANGED], 0);
  return instance != NULL;
}

static guint
table_size (DimseArchiveIndex *index, gsize offset)
{
  guint n;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), 0);
  g_rw_lock_reader_lock (&index->lock);
  n = g_hash_table_size (G_STRUCT_MEMBER (GHashTable *, index->tree, offset));
  g_rw_lock_reader_unlock (&index->lock);
  return n;
}

guint
dimse_archive_index_get_n_patients (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, patients));
}

guint
dimse_archive_index_get_n_studies (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, studies));
}

guint
dimse_archive_index_get_n_series (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, series));
}

guint
dimse_archive_index_get_n_instances (DimseArchiveIndex *index)
{
  return table_size (index, G_STRUCT_OFFSET (Tree, instances));
}

DimseArchiveInstance *
dimse_archive_index_lookup (DimseArchiveIndex *index, const char *sop_instance_uid)
{
  Instance *instance;
  DimseArchiveInstance *copy = NULL;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  if (sop_instance_uid == NULL)
    return NULL;
  g_rw_lock_reader_lock (&index->lock);
  instance = g_hash_table_lookup (index->tree->instances, sop_instance_uid);
  if (instance != NULL)
    copy = dimse_archive_instance_copy (&instance->info);
  g_rw_lock_reader_unlock (&index->lock);
  return copy;
}

GPtrArray *
dimse_archive_index_find (DimseArchiveIndex *index, DimseQrModel model,
                          DcmDataSet *identifier, guint max_results,
                          GCancellable *cancellable, GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  g_return_val_if_fail (identifier != NULL, NULL);
  g_rw_lock_reader_lock (&index->lock);
  results = dimse_archive_tree_find (index->tree, model, identifier, max_results,
                                     cancellable, error);
  g_rw_lock_reader_unlock (&index->lock);
  return results;
}

GPtrArray *
dimse_archive_index_select (DimseArchiveIndex *index, DimseQrModel model,
                            DcmDataSet *identifier, GError **error)
{
  GPtrArray *results;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);
  g_return_val_if_fail (identifier != NULL, NULL);
  g_rw_lock_reader_lock (&index->lock);
  results = dimse_archive_tree_select (index->tree, model, identifier, error);
  g_rw_lock_reader_unlock (&index->lock);
  return results;
}
