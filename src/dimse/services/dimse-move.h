/* dimse-move.h — C-MOVE as SCU (PS3.4 Annex C.4.2, PS3.7 §9.1.4): the
 * request, the sub-operation counts as they arrive, C-CANCEL */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"
#include "dimse-association.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_MOVE_JOB (dimse_move_job_get_type ())
G_DECLARE_FINAL_TYPE (DimseMoveJob, dimse_move_job, DIMSE, MOVE_JOB, GObject)

/* The progress of one C-MOVE, to connect to before dimse_move_async:
 * "n-remaining", "n-completed", "n-failed", "n-warning" (guint, read-only):
 *   the Number of … Sub-operations of the latest response that had them;
 * "progress" (no arguments): after each pending response's counts are in;
 * "status" (guint, read-only): the Status of the final response, 0xFFFF
 *   until it has arrived;
 * "failed-sop-instance-uids" (GStrv, read-only): the Failed SOP Instance
 *   UID List (0008,0058) of the final response's data set, empty without;
 * "cancel-sent" (gboolean, read-only): whether a C-CANCEL-RQ went out. */
DimseMoveJob       *dimse_move_job_new (void);
guint               dimse_move_job_get_n_remaining (DimseMoveJob *job);
guint               dimse_move_job_get_n_completed (DimseMoveJob *job);
guint               dimse_move_job_get_n_failed (DimseMoveJob *job);
guint               dimse_move_job_get_n_warning (DimseMoveJob *job);
guint               dimse_move_job_get_status (DimseMoveJob *job);
const char *const  *dimse_move_job_get_failed_sop_instance_uids (DimseMoveJob *job);
gboolean            dimse_move_job_get_cancel_sent (DimseMoveJob *job);

/* Sends a C-MOVE-RQ with identifier (not changed) and move_destination (the
 * AE title the peer stores to) on the accepted context of
 * information_model (DCM_UID_PATIENT_ROOT_…_MOVE, DCM_UID_STUDY_ROOT_…
 * _MOVE) and reads its responses, updating job (may be NULL). Once
 * cancellable is cancelled, a C-CANCEL-RQ is sent (PS3.7 §9.3.4.3) and the
 * responses are read on until the final one, so the association stays
 * usable. Errors: DIMSE_ERROR_NO_PRESENTATION_CONTEXT when the model was
 * not accepted, G_IO_ERROR_CANCELLED when cancellable was cancelled before
 * the call, and those of sending and receiving. */
void     dimse_move_async (DimseAssociation *assoc, const char *information_model,
                           DcmDataSet *identifier, const char *move_destination,
                           DimseMoveJob *job, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
/* TRUE for a final status of class success, warning or cancel (0xFE00),
 * in *out_status (may be NULL); a failure status is DIMSE_STATUS_ERROR
 * with the status as code and dimse_status_describe's words (0xA801:
 * "Refused: Move Destination unknown"). */
gboolean dimse_move_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
                            GError **error);

G_END_DECLS
