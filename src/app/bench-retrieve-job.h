/* bench-retrieve-job.h — one retrieve the user started: a C-MOVE (to the
 * local AE or another node), a C-GET or, from a DICOMweb node, a WADO-RS
 * retrieve (both into the storage folder) run on the engine's worker, its
 * progress from the sub-operation counts (PS3.4 Annex C.4.2, C.4.3) or
 * from the instances received against a QIDO-RS count (PS3.18 §10.4) */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"
#include "dcm-data-set.h"

G_BEGIN_DECLS

#define BENCH_TYPE_RETRIEVE_JOB (bench_retrieve_job_get_type ())
G_DECLARE_FINAL_TYPE (BenchRetrieveJob, bench_retrieve_job, BENCH, RETRIEVE_JOB, GObject)

typedef enum {
  BENCH_RETRIEVE_JOB_WAITING,
  BENCH_RETRIEVE_JOB_RUNNING,
  BENCH_RETRIEVE_JOB_SUCCEEDED,    /* every sub-operation completed */
  BENCH_RETRIEVE_JOB_WARNING,      /* ended with failed or warning ones */
  BENCH_RETRIEVE_JOB_FAILED,
  BENCH_RETRIEVE_JOB_CANCELLED,
} BenchRetrieveJobState;

/* Properties (read-only, notified on the UI thread): "title" (string),
 * "node" (BenchNode), "level" (string: STUDY, SERIES or IMAGE), "state"
 * (BenchRetrieveJobState as uint), "n-remaining", "n-completed",
 * "n-failed", "n-warning" (uint), "fraction" (double 0–1), "rate"
 * (double, instances per second), "time-left" (int, seconds, -1 unknown),
 * "error" (string in words, NULL), "destination" (string: the AE title or
 * folder it goes to), "can-retry" (boolean: ended with something missing).
 * Signal "finished" once, when it ends. */

/* A retrieve of the instances identifier (copied: the Query/Retrieve
 * Level and the unique keys) names, from node, by the node's retrieve
 * method. */
BenchRetrieveJob *bench_retrieve_job_new (BenchEngine *engine, BenchNode *node,
                                          DcmDataSet *identifier, const char *title);
/* Starts a job that is waiting (a new one). */
void        bench_retrieve_job_start (BenchRetrieveJob *job);
/* Sends a C-CANCEL-RQ (PS3.7 §9.3.4.3, §9.3.3.3). */
void        bench_retrieve_job_cancel (BenchRetrieveJob *job);
/* After it ended with instances missing: an IMAGE-level C-FIND lists the
 * instances, those not received are retrieved again. */
void        bench_retrieve_job_retry (BenchRetrieveJob *job);

const char *bench_retrieve_job_get_title (BenchRetrieveJob *job);
BenchNode  *bench_retrieve_job_get_node (BenchRetrieveJob *job);
const char *bench_retrieve_job_get_level (BenchRetrieveJob *job);
BenchRetrieveJobState bench_retrieve_job_get_state (BenchRetrieveJob *job);
gboolean    bench_retrieve_job_is_running (BenchRetrieveJob *job);
gboolean    bench_retrieve_job_is_finished (BenchRetrieveJob *job);
guint       bench_retrieve_job_get_n_remaining (BenchRetrieveJob *job);
guint       bench_retrieve_job_get_n_completed (BenchRetrieveJob *job);
guint       bench_retrieve_job_get_n_failed (BenchRetrieveJob *job);
guint       bench_retrieve_job_get_n_warning (BenchRetrieveJob *job);
double      bench_retrieve_job_get_fraction (BenchRetrieveJob *job);
double      bench_retrieve_job_get_rate (BenchRetrieveJob *job);
int         bench_retrieve_job_get_time_left (BenchRetrieveJob *job);
const char *bench_retrieve_job_get_error (BenchRetrieveJob *job);
const char *bench_retrieve_job_get_destination (BenchRetrieveJob *job);
gboolean    bench_retrieve_job_get_can_retry (BenchRetrieveJob *job);

G_END_DECLS
