/* bench-local-page.h — what the local Storage SCP received, grouped by
 * patient, study and series */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_LOCAL_PAGE (bench_local_page_get_type ())
G_DECLARE_FINAL_TYPE (BenchLocalPage, bench_local_page, BENCH, LOCAL_PAGE, GtkWidget)

/* nodes: the BenchNode list, for "send to". The storage folder's existing
 * files are read on the engine's worker; instances arriving later come
 * from the engine's "instance-received" signal. */
GtkWidget *bench_local_page_new (BenchEngine *engine, GListModel *nodes);

G_END_DECLS
