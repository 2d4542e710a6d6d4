/* bench-node-test-op.h — the node test: an association proposing
 * Verification and the Query/Retrieve models, a C-ECHO on it (PS3.4
 * Annex A), timed, with what the peer accepted and who it is; for a
 * DICOMweb node a QIDO-RS search of studies with limit=1 (PS3.18 §10.6),
 * timed, with its HTTP status */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"

G_BEGIN_DECLS

typedef struct {
  char     *abstract_syntax;   /* its name, "Verification SOP Class" */
  gboolean  accepted;
  char     *detail;            /* the transfer syntax accepted, or why rejected */
} BenchNodeTestContext;

typedef struct {
  double     association_ms;   /* from connecting to the A-ASSOCIATE-AC */
  double     echo_ms;          /* C-ECHO-RQ to its response */
  guint16    status;           /* the C-ECHO-RSP's Status */
  char      *status_text;      /* "Success" */
  char      *echo_error;       /* the association was accepted, the C-ECHO failed */
  char      *peer_implementation_class_uid;
  char      *peer_implementation_version_name;   /* may be NULL */
  guint32    peer_max_pdu_length;                /* 0: no maximum */
  GPtrArray *contexts;         /* BenchNodeTestContext* in proposal order */
  /* A DICOMweb node: a QIDO-RS search of studies with limit=1 instead. */
  gboolean   web;
  guint      http_status;      /* of the search's (first) request */
  char      *http_reason;      /* "OK" */
  double     response_ms;      /* request to the whole response */
  guint64    response_bytes;
} BenchNodeTestResult;

void bench_node_test_result_free (BenchNodeTestResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchNodeTestResult, bench_node_test_result_free)

/* Runs on the engine's worker (for a DICOMweb node, a QIDO-RS search of
 * studies with limit=1, PS3.18 §10.6); the callback runs on the caller's (UI)
 * context. Errors: DIMSE_ERROR (rejected with the -RJ in words, aborted,
 * no connection, timeout), DIMSE_WEB_ERROR (the HTTP status in words, no
 * connection), G_IO_ERROR_CANCELLED. */
void                 bench_node_test_run_async (BenchEngine *engine, BenchNode *node,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
BenchNodeTestResult *bench_node_test_run_finish (GAsyncResult *result, GError **error);

/* A short title for a failed test: "Association rejected", "No connection" … */
const char          *bench_node_test_error_title (const GError *error);

G_END_DECLS
