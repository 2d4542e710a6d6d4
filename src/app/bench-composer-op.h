/* bench-composer-op.h — one DIMSE request composed by hand (C-ECHO,
 * C-FIND or a DIMSE-N request, PS3.7 §9.1 and §10.1), sent on a new
 * association that the traffic recorder records, run on the engine's worker */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"
#include "dcm-data-set.h"
#include "dimse-command.h"

G_BEGIN_DECLS

typedef struct {
  DimseCommandField command;           /* the request's Command Field */
  char             *sop_class_uid;     /* C-FIND: the information model */
  char             *sop_instance_uid;  /* N- requests; NULL for an N-CREATE the SCP names */
  guint16           type_id;           /* Event or Action Type ID */
  GArray           *attribute_tags;    /* guint32, N-GET's Attribute Identifier List */
  DcmDataSet       *data_set;          /* may be NULL */
} BenchComposerRequest;

BenchComposerRequest *bench_composer_request_new (DimseCommandField command);
void                  bench_composer_request_free (BenchComposerRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchComposerRequest, bench_composer_request_free)

typedef struct {
  guint16  status;
  char    *status_text;     /* "0x0000 Success" with the related fields in words */
  char    *response;        /* the response's name, affected instance, and its
                               data set (C-FIND: every match) as DICOM JSON */
} BenchComposerResult;

void bench_composer_result_free (BenchComposerResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchComposerResult, bench_composer_result_free)

/* Sends request (taken) to node on a new association proposing its SOP
 * class (and Verification), then releases it. The callback runs on the UI
 * thread. Errors: DIMSE_ERROR (rejected, no accepted context, aborted …),
 * DCM_ERROR for a UID that breaks its VR, G_IO_ERROR_CANCELLED. A failure
 * status is a result, not an error. */
void                 bench_composer_op_send_async (BenchEngine *engine, BenchNode *node,
                                                   BenchComposerRequest *request,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
BenchComposerResult *bench_composer_op_send_finish (GAsyncResult *result, GError **error);

G_END_DECLS
