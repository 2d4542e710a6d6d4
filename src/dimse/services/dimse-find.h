/* dimse-find.h — C-FIND as SCU (PS3.4 Annex C.4.1 and K.4.1, PS3.7
 * §9.1.2): the query, its matches as they arrive, C-CANCEL */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"
#include "dimse-association.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_FIND_JOB (dimse_find_job_get_type ())
G_DECLARE_FINAL_TYPE (DimseFindJob, dimse_find_job, DIMSE, FIND_JOB, GObject)

/* The progress of one C-FIND, to connect to before dimse_find_async:
 * "result" (DcmDataSet *identifier): each match, in the order the pending
 *   responses arrive, at most max_results of them;
 * "n-results" (guint, read-only): how many "result" has emitted;
 * "status" (guint, read-only): the Status of the final response, 0xFFFF
 *   until it has arrived;
 * "cancel-sent" (gboolean, read-only): whether a C-CANCEL-RQ went out. */
DimseFindJob *dimse_find_job_new (void);
guint         dimse_find_job_get_n_results (DimseFindJob *job);
guint         dimse_find_job_get_status (DimseFindJob *job);
gboolean      dimse_find_job_get_cancel_sent (DimseFindJob *job);

/* Sends a C-FIND-RQ with identifier (not changed) on the accepted context
 * of information_model (DCM_UID_PATIENT_ROOT_…_FIND, DCM_UID_STUDY_ROOT_…
 * _FIND, DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND …) and reads its
 * responses, emitting each pending one's identifier on job (may be NULL).
 * After max_results matches (0: no limit) or once cancellable is
 * cancelled, a C-CANCEL-RQ is sent (PS3.7 §9.3.2.3) and the responses are
 * read on until the final one, so the association stays usable; matches
 * arriving after the cancel are not emitted. Errors:
 * DIMSE_ERROR_NO_PRESENTATION_CONTEXT when the model was not accepted,
 * G_IO_ERROR_CANCELLED when cancellable was cancelled before the call,
 * DCM_ERROR for a pending response's identifier that does not parse (the
 * request is cancelled and its final response read first), and those of
 * sending and receiving. */
void     dimse_find_async (DimseAssociation *assoc, const char *information_model,
                           DcmDataSet *identifier, guint max_results, DimseFindJob *job,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
/* TRUE for a final status of class success, warning or cancel (0xFE00),
 * in *out_status (may be NULL); a failure status is DIMSE_STATUS_ERROR
 * with the status as code and dimse_status_describe's words. */
gboolean dimse_find_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
                            GError **error);

G_END_DECLS
