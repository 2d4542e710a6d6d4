/* bench-commitment-view.h — Storage Commitment in the Tools page (PS3.4
 * Annex J): the instances of the Local storage folder or of chosen files
 * committed to a node, the success and failure lists once the report
 * arrives */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_COMMITMENT_VIEW (bench_commitment_view_get_type ())
G_DECLARE_FINAL_TYPE (BenchCommitmentView, bench_commitment_view, BENCH, COMMITMENT_VIEW, GtkBox)

GtkWidget *bench_commitment_view_new (BenchEngine *engine, GListModel *nodes);
/* The files to commit, as if chosen in the file dialog. */
void       bench_commitment_view_set_files (BenchCommitmentView *view, const char *const *paths);
gboolean   bench_commitment_view_get_running (BenchCommitmentView *view);

G_END_DECLS
