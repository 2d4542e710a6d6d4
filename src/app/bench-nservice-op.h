/* bench-nservice-op.h — the DIMSE-N workflows of the Tools page on the
 * engine's worker: a Modality Performed Procedure Step created, completed
 * or discontinued (PS3.4 Annex F.7), and Storage Commitment of files
 * (PS3.4 Annex J) with the report awaited on the same association */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"

G_BEGIN_DECLS

typedef enum {
  BENCH_MPPS_CREATE,        /* N-CREATE, IN PROGRESS */
  BENCH_MPPS_COMPLETE,      /* N-SET, COMPLETED */
  BENCH_MPPS_DISCONTINUE,   /* N-SET, DISCONTINUED */
} BenchMppsStep;

typedef struct {
  gboolean   success;            /* a status of class success or warning */
  char      *description;        /* the status and its related fields in words */
  char      *sop_instance_uid;   /* the step's */
  GPtrArray *committed;          /* commitment: char*, "SOP class — instance" */
  GPtrArray *failed;             /* commitment: char*, "instance: reason" */
} BenchNOutcome;

void bench_n_outcome_free (BenchNOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchNOutcome, bench_n_outcome_free)

/* sop_instance_uid: the step to end (COMPLETE, DISCONTINUE); for CREATE,
 * NULL makes a new UID. Errors: DIMSE_ERROR (no association, MPPS not
 * accepted …), G_IO_ERROR_CANCELLED; a failure status is an outcome. */
void           bench_mpps_op_run_async (BenchEngine *engine, BenchNode *node, BenchMppsStep step,
                                        const char *sop_instance_uid, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
BenchNOutcome *bench_mpps_op_run_finish (GAsyncResult *result, GError **error);

/* Asks node to commit the instances of the Part 10 files paths (their
 * SOP Class and Instance UIDs read from the meta information) and waits
 * up to wait_seconds for the N-EVENT-REPORT on the same association.
 * Errors: a file that is no DICOM file (DCM_ERROR, naming it), the
 * association's, DIMSE_ERROR_TIMEOUT when no report came in time. */
void           bench_commitment_op_run_async (BenchEngine *engine, BenchNode *node,
                                              const char *const *paths, guint wait_seconds,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
BenchNOutcome *bench_commitment_op_run_finish (GAsyncResult *result, GError **error);

/* In a thread: the regular files under folder, recursively, sorted (a
 * NULL-terminated array); finish with g_task_propagate_pointer. */
void           bench_list_files_async (const char *folder, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
