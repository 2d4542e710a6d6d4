/* dimse-archive-index-private.h — the index's tree, shared by the files
 * that build it (dimse-archive-index.c) and query it
 * (dimse-archive-index-query.c) */
#pragma once

#include "dimse-archive-index.h"
#include "dimse-archive-match-private.h"

G_BEGIN_DECLS

/* Which record of the tree holds an attribute: PS3.4 C.6.1.1 and C.6.2.1
 * list the keys of each level; anything else lives with the instance. */
typedef enum {
  ATTR_LEVEL_PATIENT = DIMSE_QR_LEVEL_PATIENT,
  ATTR_LEVEL_STUDY = DIMSE_QR_LEVEL_STUDY,
  ATTR_LEVEL_SERIES = DIMSE_QR_LEVEL_SERIES,
  ATTR_LEVEL_IMAGE = DIMSE_QR_LEVEL_IMAGE,
} AttrLevel;

AttrLevel dimse_archive_attr_level (guint32 tag);
/* Attributes the index computes (counts, Modalities and SOP Classes in
 * Study) and those only returned (Retrieve AE Title …): never read from
 * a file. */
gboolean  dimse_archive_attr_is_computed (guint32 tag);

/* The attributes one patient, study or series record keeps: a small data
 * set with its own Specific Character Set, and its values prepared for
 * matching, in tag order. */
typedef struct {
  DcmDataSet        *attrs;
  guint              n_prepared;
  guint32           *prepared_tags;
  DimseMatchValues **prepared;
} LevelAttrs;

typedef struct _Patient  Patient;
typedef struct _Study    Study;
typedef struct _Series   Series;
typedef struct _Instance Instance;

struct _Patient {
  char      *patient_id;
  LevelAttrs level;
  GPtrArray *studies;
  guint      n_series;
  guint      n_instances;
};

struct _Study {
  Patient   *patient;
  char      *study_instance_uid;
  char      *study_date;
  char      *study_time;
  LevelAttrs level;
  GPtrArray *series;
  guint      n_instances;
};

struct _Series {
  Study     *study;
  char      *series_instance_uid;
  gint       series_number;      /* G_MAXINT when absent */
  LevelAttrs level;
  GPtrArray *instances;
  DcmDataSet *common;            /* the instance-level attributes of its
                                    first instance, which the others share */
};

struct _Instance {
  Series               *series;
  DimseArchiveInstance  info;
  gint                  instance_number;  /* G_MAXINT when absent */
  GBytes               *attrs;            /* explicit VR LE data set: the short
                                             instance-level elements that differ
                                             from the series' common ones */
  guint32              *absent;           /* common tags it lacks, 0-terminated,
                                             or NULL */
};

typedef struct {
  GHashTable *patients;   /* patient_id → Patient* (owned) */
  GHashTable *studies;    /* study_instance_uid → Study* */
  GHashTable *series;     /* series_instance_uid → Series* */
  GHashTable *instances;  /* sop_instance_uid → Instance* */
} Tree;

/* The file as read; what makes an instance. */
typedef struct {
  char       *path;
  guint64     size;
  char       *transfer_syntax_uid;
  DcmDataSet *data_set;
  char       *uids[4];  /* SOP Class, SOP Instance, Study, Series */
} FileEntry;

/* Reads path up to its pixel data into entry (cleared with _clear). */
gboolean dimse_archive_file_entry_read (FileEntry *entry, const char *path, guint64 size,
                                        GError **error);
void     dimse_archive_file_entry_clear (FileEntry *entry);

Tree    *dimse_archive_tree_new (void);
void     dimse_archive_tree_free (Tree *tree);
/* Adds (or replaces, by SOP Instance UID) the instance entry describes. */
void     dimse_archive_tree_insert (Tree *tree, FileEntry *entry);
/* Takes instance out and drops the series, study, patient it leaves empty. */
void     dimse_archive_tree_remove (Tree *tree, Instance *instance);

/* The prepared value of tag in a level record, or NULL. */
const DimseMatchValues *dimse_archive_level_lookup (const LevelAttrs *level, guint32 tag);
/* The instance's attributes as a data set (parsed from its bytes). */
DcmDataSet *dimse_archive_instance_attrs (const Instance *instance);
DimseArchiveInstance *dimse_archive_instance_copy (const DimseArchiveInstance *info);

/* Query under the read lock the caller holds. */
GPtrArray *dimse_archive_tree_find (Tree *tree, DimseQrModel model, DcmDataSet *identifier,
                                    DimseQrFindFlags flags, guint max_results,
                                    GCancellable *cancellable, GError **error);
GPtrArray *dimse_archive_tree_select (Tree *tree, DimseQrModel model, DcmDataSet *identifier,
                                      GError **error);

/* ---- combined date-time matching (PS3.4 §C.2.2.2.5.1), in
 * dimse-archive-index-datetime.c: Study Date with Study Time, Series Date
 * with Series Time ---- */
#define DIMSE_N_DATE_TIME_PAIRS 2

typedef struct {
  const DimseMatchKey *date[DIMSE_N_DATE_TIME_PAIRS];  /* the query's keys */
  const DimseMatchKey *time[DIMSE_N_DATE_TIME_PAIRS];
  gboolean on[DIMSE_N_DATE_TIME_PAIRS];
  /* the one interval (dimse_match_date_time_range) */
  DimseMatchRange range[DIMSE_N_DATE_TIME_PAIRS];
} DimseCombinedDateTime;

/* Notes key (which must outlive c) when it is the date or the time of a
 * pair; then _prepare turns on each pair, up to level, whose date and time
 * keys are both ranges. Zero-initialised, c combines nothing. */
void     dimse_combined_date_time_add_key (DimseCombinedDateTime *c, const DimseMatchKey *key);
void     dimse_combined_date_time_prepare (DimseCombinedDateTime *c, AttrLevel level);
/* Whether key is matched by combination rather than on its own. */
gboolean dimse_combined_date_time_holds (const DimseCombinedDateTime *c,
                                         const DimseMatchKey *key);
/* Whether the record of level falls in each interval of that level. */
gboolean dimse_combined_date_time_matches (const DimseCombinedDateTime *c,
                                           const LevelAttrs *attrs, AttrLevel level);

G_END_DECLS
