/* bench-jobs-page.h — the retrieves started in this window, one row each
 * with its progress, figures and cancel */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BENCH_TYPE_JOBS_PAGE (bench_jobs_page_get_type ())
G_DECLARE_FINAL_TYPE (BenchJobsPage, bench_jobs_page, BENCH, JOBS_PAGE, GtkWidget)

/* jobs: BenchRetrieveJob items. A job that ends while the window is not
 * active is told in a GNotification. */
GtkWidget *bench_jobs_page_new (GListStore *jobs);

G_END_DECLS
