/* dimse-archive-index.h — the embedded archive's index: every Part 10 file
 * under a folder, as patients, studies, series and instances, matched
 * against C-FIND identifiers by the rules of PS3.4 §C.2.2.2 and resolved
 * into instances for C-MOVE and C-GET (PS3.4 §C.4.2.2, §C.4.3.2) */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"

G_BEGIN_DECLS

typedef enum {
  DIMSE_QR_LEVEL_PATIENT,
  DIMSE_QR_LEVEL_STUDY,
  DIMSE_QR_LEVEL_SERIES,
  DIMSE_QR_LEVEL_IMAGE,
} DimseQrLevel;

typedef enum {
  DIMSE_QR_MODEL_PATIENT_ROOT,
  DIMSE_QR_MODEL_STUDY_ROOT,
} DimseQrModel;

/* "PATIENT" … "IMAGE"; parse accepts those spellings only (PS3.4 C.6). */
const char *dimse_qr_level_to_string (DimseQrLevel level);
gboolean    dimse_qr_level_parse (const char *text, DimseQrLevel *out_level);
/* The model of a FIND, MOVE or GET SOP class UID of Patient or Study Root;
 * FALSE for any other UID. */
gboolean    dimse_qr_model_from_sop_class (const char *sop_class_uid, DimseQrModel *out_model);

/* One stored instance, as C-MOVE and C-GET send it. Immutable. */
typedef struct {
  char    *path;                  /* absolute path of the Part 10 file */
  char    *sop_class_uid;
  char    *sop_instance_uid;
  char    *transfer_syntax_uid;
  char    *patient_id;
  char    *study_instance_uid;
  char    *series_instance_uid;
  guint64  size;                  /* bytes of the file */
} DimseArchiveInstance;

void dimse_archive_instance_free (DimseArchiveInstance *instance);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseArchiveInstance, dimse_archive_instance_free)

#define DIMSE_TYPE_ARCHIVE_INDEX (dimse_archive_index_get_type ())
G_DECLARE_FINAL_TYPE (DimseArchiveIndex, dimse_archive_index, DIMSE, ARCHIVE_INDEX, GObject)

/* An empty index of folder (not read until _scan). Thread-safe: every
 * function below may be called from any thread (a GRWLock inside). */
DimseArchiveIndex *dimse_archive_index_new (const char *folder);
const char        *dimse_archive_index_get_folder (DimseArchiveIndex *index);

/* Reads every regular file under folder, recursively (symbolic links not
 * followed, hidden and temporary files skipped), up to its pixel data,
 * and indexes each that is a Part 10 file with SOP Class, SOP Instance,
 * Study and Series Instance UIDs. Files that do not read are counted in
 * *out_n_skipped (may be NULL) and logged with g_debug, not an error.
 * Errors: the folder cannot be listed (G_IO_ERROR), G_IO_ERROR_CANCELLED. */
gboolean dimse_archive_index_scan (DimseArchiveIndex *index, guint *out_n_skipped,
                                   GCancellable *cancellable, GError **error);
/* Indexes (or re-indexes, replacing the entry with the same SOP Instance
 * UID) one file, e.g. one the Storage SCP has just written. */
gboolean dimse_archive_index_add_file (DimseArchiveIndex *index, const char *path,
                                       GError **error);
/* Drops an instance (and the series, study, patient it leaves empty). */
gboolean dimse_archive_index_remove (DimseArchiveIndex *index, const char *sop_instance_uid);

guint dimse_archive_index_get_n_patients (DimseArchiveIndex *index);
guint dimse_archive_index_get_n_studies (DimseArchiveIndex *index);
guint dimse_archive_index_get_n_series (DimseArchiveIndex *index);
guint dimse_archive_index_get_n_instances (DimseArchiveIndex *index);
/* NULL when unknown. */
DimseArchiveInstance *dimse_archive_index_lookup (DimseArchiveIndex *index,
                                                  const char *sop_instance_uid);

/* ---- C-FIND (PS3.4 §C.4.1.3) ----
 * Checks identifier for model (Query/Retrieve Level present and valid for
 * the model, the unique keys of the levels above present with a single
 * value as hierarchical search requires, PS3.4 §C.4.1.3.1) and returns
 * the matches as new response identifiers, in a stable order (patient ID,
 * study date and time, series number, instance number, then UIDs): each
 * holds every key of identifier (those the index has no value for empty,
 * sequences matched and returned per §C.2.2.2.6), the Query/Retrieve
 * Level, and Specific Character Set when a value needs it. Matching per
 * §C.2.2.2: single value, universal (empty), wildcard (* and ?), range
 * (DA, TM, DT with '-'), list of UIDs, sequence matching; PN matched
 * without regard to case, other VRs with it; values compared as UTF-8
 * after each side's character set is decoded. The counts that PS3.4 C.6
 * defines (Number of Patient/Study Related Studies/Series/Instances,
 * Modalities in Study, SOP Classes in Study) are computed. Stops early
 * after max_results (0: no limit) or when cancellable is cancelled
 * (G_IO_ERROR_CANCELLED). Errors: DIMSE_ERROR_MESSAGE_INVALID with a
 * sentence naming the key for an identifier that cannot be matched (the
 * SCP answers 0xA900 "Identifier does not match SOP Class" or 0xC000).
 * Retrieve AE Title (0008,0054), when asked for, comes back empty for the
 * SCP to fill in; Instance Availability (0008,0056) is ONLINE. Keys of
 * levels below the query level, and keys above IMAGE that C.6 does not
 * list, are not matched and come back empty (PS3.4 §C.2.2.1.3). */
GPtrArray *dimse_archive_index_find (DimseArchiveIndex *index, DimseQrModel model,
                                     DcmDataSet *identifier, guint max_results,
                                     GCancellable *cancellable, GError **error);

/* What the association agreed beyond hierarchical search (PS3.4 §C.5.1). */
typedef enum {
  DIMSE_QR_FIND_HIERARCHICAL = 0,
  /* PS3.4 §C.4.1.3.2: relational search, no unique keys required above
   * the query level; keys of any level above it matched. */
  DIMSE_QR_FIND_RELATIONAL = 1 << 0,
  /* PS3.4 §C.2.2.2.5.1: a date range and a time range of the same entity
   * (Study Date and Study Time, Series Date and Series Time) matched as
   * one interval. */
  DIMSE_QR_FIND_COMBINED_DATETIME = 1 << 1,
  /* PS3.4 §C.2.2.2.1.1: PN keys matched fuzzily (DIMSE_MATCH_FUZZY_PN). */
  DIMSE_QR_FIND_FUZZY_PN = 1 << 2,
} DimseQrFindFlags;

/* As dimse_archive_index_find (which is the hierarchical search), by the
 * rules flags allow. */
GPtrArray *dimse_archive_index_find_full (DimseArchiveIndex *index, DimseQrModel model,
                                          DcmDataSet *identifier, DimseQrFindFlags flags,
                                          guint max_results, GCancellable *cancellable,
                                          GError **error);

/* ---- C-MOVE and C-GET (PS3.4 §C.4.2.2.1, §C.4.3.2.1) ----
 * The instances the identifier names at its Query/Retrieve Level: the
 * unique key of that level (a list of UIDs allowed) and those of the
 * levels above; a GPtrArray of DimseArchiveInstance* (owned, freed with
 * the array), empty when nothing matches. Errors as _find. */
GPtrArray *dimse_archive_index_select (DimseArchiveIndex *index, DimseQrModel model,
                                       DcmDataSet *identifier, GError **error);

/* Signal "changed" (no arguments): after a scan, add or remove, emitted
 * on the thread that made the change. */

G_END_DECLS
