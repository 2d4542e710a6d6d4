/* bench-job-row.h — one retrieve in the jobs list: its progress, figures,
 * and cancel or retry */
#pragma once

#include <adwaita.h>

#include "bench-retrieve-job.h"

G_BEGIN_DECLS

#define BENCH_TYPE_JOB_ROW (bench_job_row_get_type ())
G_DECLARE_FINAL_TYPE (BenchJobRow, bench_job_row, BENCH, JOB_ROW, GtkListBoxRow)

GtkWidget *bench_job_row_new (BenchRetrieveJob *job);
/* "40 of 120 instances · 2 failed · 8.5 per second · about 10 s left" */
char      *bench_job_row_format_figures (BenchRetrieveJob *job);

G_END_DECLS
