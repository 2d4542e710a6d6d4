/* bench-retrieve-job-private.h — between the job (UI thread,
 * bench-retrieve-job.c) and its run on the worker (bench-retrieve-run.c) */
#pragma once

#include "bench-peer.h"
#include "bench-retrieve-job.h"
#include "dcm-tags.h"

G_BEGIN_DECLS

typedef enum {
  BENCH_RETRIEVE_REMAINING,
  BENCH_RETRIEVE_COMPLETED,
  BENCH_RETRIEVE_FAILED,
  BENCH_RETRIEVE_WARNING,
  BENCH_RETRIEVE_N_COUNTS
} BenchRetrieveCount;

/* UI thread, from the run: the latest sub-operation counts; the end
 * (error NULL unless it failed; failed_uids taken, may be NULL). */
void _bench_retrieve_job_update (BenchRetrieveJob *self, const guint *counts);
void _bench_retrieve_job_finish (BenchRetrieveJob *self, guint16 status, const GError *error,
                                 GStrv failed_uids);

/* UI thread: runs the retrieve of identifier on the worker. */
void _bench_retrieve_run_start (BenchEngine *engine, BenchRetrieveJob *job, const BenchPeer *peer,
                                DcmDataSet *identifier, GCancellable *cancellable);
/* The same for only what is missing from the storage folder: the
 * instances an IMAGE-level C-FIND lists under identifier's study or
 * series that have no <SOP Instance UID>.dcm there (the local Storage
 * SCP's file names), retrieved series by series. */
void _bench_retrieve_run_missing (BenchEngine *engine, BenchRetrieveJob *job,
                                  const BenchPeer *peer, DcmDataSet *identifier,
                                  GCancellable *cancellable);

G_END_DECLS
