/* bench-engine.h — the DICOM engine of the application, on a worker
 * thread with its own GMainContext, so that the UI thread never waits on
 * the network or the disk (STYLE.md). Widgets never touch engine objects
 * directly: they call an operation here or in an operation file
 * (bench-query-op.c, bench-retrieve-job.c, …) that runs its work through
 * bench_engine_invoke and marshals results back to the UI thread. */
#pragma once

#include <gio/gio.h>

#include "bench-node.h"
#include "bench-traffic-model.h"
#include "dimse-association.h"

G_BEGIN_DECLS

#define BENCH_TYPE_ENGINE (bench_engine_get_type ())
G_DECLARE_FINAL_TYPE (BenchEngine, bench_engine, BENCH, ENGINE, GObject)

/* Starts the worker thread. Created and used on the UI thread. */
BenchEngine  *bench_engine_new (void);
/* The worker's context: engine objects (DimseAssociation, DimseServer,
 * DimseArchive …) are created and used only from functions running on it. */
GMainContext *bench_engine_get_context (BenchEngine *engine);
/* Runs func(data) once on the worker's context; destroy (may be NULL)
 * frees data afterwards, on the worker. */
void          bench_engine_invoke (BenchEngine *engine, GSourceFunc func, gpointer data,
                                   GDestroyNotify destroy);
/* Runs func(data) once on the UI thread's (default) context. */
void          bench_engine_invoke_ui (GSourceFunc func, gpointer data, GDestroyNotify destroy);

/* The local AE (preferences): our AE title as calling AE and as C-MOVE
 * destination, the Storage SCP's port and folder. Read from the UI thread;
 * the values are copied for the worker. */
const char   *bench_engine_get_local_ae_title (BenchEngine *engine);
guint         bench_engine_get_local_port (BenchEngine *engine);
const char   *bench_engine_get_storage_folder (BenchEngine *engine);

/* Starts the embedded demo archive (generated into
 * dimse_archive_demo_default_folder the first time) on 127.0.0.1, with the
 * local AE as its C-MOVE destination; "demo-node" is set once it listens.
 * The application calls it when no node is configured. */
void          bench_engine_start_demo (BenchEngine *engine);

/* The traffic recorder: every association the application requests or
 * accepts records into it. It lives on the worker's context; the UI reads
 * its mirror, bench_engine_get_traffic (UI thread). */
DimseRecorder     *bench_engine_get_recorder (BenchEngine *engine);
BenchTrafficModel *bench_engine_get_traffic (BenchEngine *engine);
/* On the worker: dimse_association_request_full_async into the recorder,
 * telling the traffic mirror which node (peer_name, may be NULL) at
 * host:port the association goes to. Finish with
 * dimse_association_request_finish. */
void          bench_engine_request_association (BenchEngine *engine,
                                                const DimseAssociationParams *params,
                                                const char *peer_name, const char *host,
                                                guint16 port, const DimseTimeouts *timeouts,
                                                const DimseTlsSettings *tls,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);

/* On the worker: stops the local Storage SCP (suspend TRUE) so that a tool
 * can listen on the local AE's port — the C-MOVE doctor, since peers map
 * the local AE title to it — and starts it again (FALSE). */
void          bench_engine_suspend_storage_scp (BenchEngine *engine, gboolean suspend);

/* Stops the worker after cancelling what runs on it; called on shutdown. */
void          bench_engine_shutdown (BenchEngine *engine);

/* Properties (UI thread): "local-ae-title", "local-port", "storage-folder"
 * (read-write, from GSettings), "storage-scp-state" (string, read-only:
 * "Listening on port 11112", or the error in words), "storage-scp-listening"
 * (boolean, read-only), "demo-state" (string, read-only: what the demo
 * archive is doing, its error, or "" once it listens), "demo-node"
 * (BenchNode, read-only: the embedded archive once it listens, else NULL).
 * Signal "instance-received" (const char *path, const char *calling_aet):
 * each instance the local Storage SCP stored, on the UI thread. */

G_END_DECLS
