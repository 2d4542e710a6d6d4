/* bench-engine-private.h — what the engine's own files share: the local
 * AE's configuration as copied for the worker, and the worker-side state
 * of the Storage SCP and the demo archive (bench-engine-local.c) */
#pragma once

#include "bench-engine.h"

G_BEGIN_DECLS

typedef struct {
  char   *ae_title;
  guint   port;
  char   *storage_folder;
  GStrv   calling_ae_titles;   /* empty: any */
} BenchLocalConfig;

BenchLocalConfig *bench_local_config_copy (const BenchLocalConfig *config);
void              bench_local_config_free (BenchLocalConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchLocalConfig, bench_local_config_free)

/* The worker-side state; created, used and freed on the worker only. */
typedef struct _BenchEngineLocal BenchEngineLocal;

BenchEngineLocal *bench_engine_local_new (BenchEngine *engine);
void              bench_engine_local_free (BenchEngineLocal *local);
/* (Re)starts the Storage SCP with config (taken). */
void              bench_engine_local_configure (BenchEngineLocal *local,
                                                BenchLocalConfig *config);
void              bench_engine_local_start_demo (BenchEngineLocal *local);
/* Stops the Storage SCP (suspend) or starts it again with its configuration. */
void              bench_engine_local_suspend_scp (BenchEngineLocal *local, gboolean suspend);

/* Called from the worker; each hands the value to the UI thread. */
void _bench_engine_post_scp_state (BenchEngine *engine, gboolean listening, const char *state);
void _bench_engine_post_demo_state (BenchEngine *engine, const char *state);
void _bench_engine_post_demo_listening (BenchEngine *engine, const char *ae_title, guint port);
void _bench_engine_post_instance (BenchEngine *engine, const char *path,
                                  const char *calling_ae_title);

G_END_DECLS
