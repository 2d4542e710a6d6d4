/* bench-doctor-view.h — the C-MOVE destination doctor in the Tools page:
 * a node, a destination AE title, the port to listen on and how long to
 * wait; the diagnosis in words, each leg passed or failed, and the return
 * leg's A-ASSOCIATE-RQ */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_DOCTOR_VIEW (bench_doctor_view_get_type ())
G_DECLARE_FINAL_TYPE (BenchDoctorView, bench_doctor_view, BENCH, DOCTOR_VIEW, GtkBox)

GtkWidget *bench_doctor_view_new (BenchEngine *engine, GListModel *nodes);
gboolean   bench_doctor_view_get_running (BenchDoctorView *view);

G_END_DECLS
