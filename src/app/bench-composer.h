/* bench-composer.h — the message composer in the Tools page: a node, a
 * service, its SOP class and instance, the command fields it will carry
 * and a data set, sent on a new association; the response's status in
 * words and its data set */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"

G_BEGIN_DECLS

#define BENCH_TYPE_COMPOSER (bench_composer_get_type ())
G_DECLARE_FINAL_TYPE (BenchComposer, bench_composer, BENCH, COMPOSER, GtkBox)

GtkWidget *bench_composer_new (BenchEngine *engine, GListModel *nodes);
/* Chooses a service by its name ("C-ECHO", "N-GET" …), as the drop-down
 * would; FALSE when there is none of that name. */
gboolean   bench_composer_select_service (BenchComposer *composer, const char *name);
gboolean   bench_composer_get_sending (BenchComposer *composer);

G_END_DECLS
