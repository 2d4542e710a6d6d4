/* bench-mpps-view.h — a Modality Performed Procedure Step in the Tools
 * page (PS3.4 Annex F.7): create one IN PROGRESS, then complete or
 * discontinue it, each status shown in words */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_MPPS_VIEW (bench_mpps_view_get_type ())
G_DECLARE_FINAL_TYPE (BenchMppsView, bench_mpps_view, BENCH, MPPS_VIEW, GtkBox)

GtkWidget *bench_mpps_view_new (BenchEngine *engine, GListModel *nodes);
gboolean   bench_mpps_view_get_running (BenchMppsView *view);

G_END_DECLS
