/* bench-application.h — the Dimsebench application: owns the engine and
 * the node store, the app-wide actions and their shortcuts */
#pragma once

#include <adwaita.h>

#include "bench-engine.h"
#include "bench-node-store.h"

G_BEGIN_DECLS

#define BENCH_APPLICATION_ID "org.dimsebench.Dimsebench"

#define BENCH_TYPE_APPLICATION (bench_application_get_type ())
G_DECLARE_FINAL_TYPE (BenchApplication, bench_application, BENCH, APPLICATION, AdwApplication)

BenchApplication *bench_application_new (void);
/* Both exist from startup to shutdown. */
BenchEngine      *bench_application_get_engine (BenchApplication *app);
BenchNodeStore   *bench_application_get_node_store (BenchApplication *app);
GSettings        *bench_application_get_settings (BenchApplication *app);

G_END_DECLS
