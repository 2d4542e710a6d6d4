/* bench-local-entry.h — what the local Storage SCP holds, grouped as a
 * person looks for it: patients, their studies, their series; and the
 * record of one received file those are built from */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One instance file, read in a thread (never on the UI thread). */
typedef struct {
  char   *path;
  guint64 size;
  gint64  received;           /* modification time, Unix seconds */
  char   *calling_ae_title;   /* who sent it; NULL when found by a scan */
  char   *patient_key;        /* Patient ID and name: the grouping key */
  char   *patient_title;      /* "Doe, John (12345)" */
  char   *study_uid;
  char   *study_title;        /* "CT CHEST (2024-03-05)" */
  char   *series_uid;
  char   *series_title;       /* "Series 3 — Axial 5mm (CT)" */
  char   *sop_class_uid;
  char   *sop_instance_uid;
  char   *transfer_syntax_uid;
} BenchLocalRecord;

/* Reads the file's header (up to the pixel data). Errors: DCM_ERROR for
 * a file that is not DICOM, G_IO_ERROR. */
BenchLocalRecord *bench_local_record_read (const char *path, const char *calling_ae_title,
                                           GError **error);
void              bench_local_record_free (BenchLocalRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchLocalRecord, bench_local_record_free)

typedef enum {
  BENCH_LOCAL_PATIENT,
  BENCH_LOCAL_STUDY,
  BENCH_LOCAL_SERIES,
} BenchLocalLevel;

#define BENCH_TYPE_LOCAL_ENTRY (bench_local_entry_get_type ())
G_DECLARE_FINAL_TYPE (BenchLocalEntry, bench_local_entry, BENCH, LOCAL_ENTRY, GObject)

/* Properties (read-only strings, notified as records are added): "title",
 * "instances" ("12"), "size" ("3.4 MB"), "received" (the latest, as
 * "2024-03-05 14:30"), "from" (the calling AE titles, "PACS, CT1"). */
BenchLocalEntry *bench_local_entry_new (BenchLocalLevel level, const char *title);
BenchLocalLevel  bench_local_entry_get_level (BenchLocalEntry *entry);
const char      *bench_local_entry_get_title (BenchLocalEntry *entry);
guint            bench_local_entry_get_n_instances (BenchLocalEntry *entry);
guint64          bench_local_entry_get_size (BenchLocalEntry *entry);
/* The studies of a patient, the series of a study; NULL for a series. */
GListStore      *bench_local_entry_get_children (BenchLocalEntry *entry);
/* Counts record in (a series keeps it: its files are what is sent on).
 * A path counted before is not counted twice. */
void             bench_local_entry_add (BenchLocalEntry *entry, const BenchLocalRecord *record);
/* The records of every series below entry, appended to records (not
 * owned: they live as long as the entry). */
void             bench_local_entry_collect (BenchLocalEntry *entry, GPtrArray *records);

G_END_DECLS
