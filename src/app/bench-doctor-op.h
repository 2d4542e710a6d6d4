/* bench-doctor-op.h — the C-MOVE destination doctor (DimseMoveDoctor,
 * PS3.4 §C.4.2) of a node, run on the engine's worker */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"

G_BEGIN_DECLS

typedef struct {
  gboolean    success;
  char       *diagnosis;        /* "destination-unknown" … */
  char       *explanation;      /* the diagnosis in sentences */
  GListStore *legs;             /* BenchToolsRow: leg, what happened; ok */
  char       *return_rq;        /* the return leg's A-ASSOCIATE-RQ in words, or NULL */
} BenchDoctorResult;

void bench_doctor_result_free (BenchDoctorResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchDoctorResult, bench_doctor_result_free)

/* Called on the UI thread as each step begins, with the step in words. */
typedef void (*BenchDoctorStep) (const char *step, gpointer user_data);

/* Moves one instance from node to destination_ae_title and watches for
 * the association back on local_port for wait_seconds; over TLS when the
 * node is reached over TLS, and the association back too when the node
 * names our certificate and key. When local_port is
 * the local AE's, the Storage SCP pauses meanwhile (the doctor listens in
 * its place: the peer's table maps the local AE title to that port). step
 * (may be NULL) is called with step_object, referenced meanwhile. */
void               bench_doctor_op_run_async (BenchEngine *engine, BenchNode *node,
                                              const char *destination_ae_title,
                                              guint16 local_port, guint wait_seconds,
                                              BenchDoctorStep step, GObject *step_object,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
/* Errors: the local port cannot be listened on (DIMSE_ERROR_CONNECTION),
 * G_IO_ERROR_CANCELLED. Every outcome on the network is a result. */
BenchDoctorResult *bench_doctor_op_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
