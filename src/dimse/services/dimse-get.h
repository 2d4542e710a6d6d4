/* dimse-get.h — C-GET as SCU (PS3.4 Annex C.4.3, PS3.7 §9.1.3): the
 * retrieve request, and the C-STORE sub-operations it brings back on the
 * same association */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"
#include "dimse-negotiation.h"

G_BEGIN_DECLS

/* Proposes the context for information_model (DCM_UID_PATIENT_ROOT_…_GET
 * or DCM_UID_STUDY_ROOT_…_GET) and, with the SCP role (PS3.4 §C.4.3.1:
 * the C-GET SCU is the SCP of the C-STORE sub-operations, PS3.7 §D.3.3.4),
 * the common storage SOP classes and extra_storage_sop_classes
 * (NULL-terminated, may be NULL). SOP classes already in params are not
 * proposed twice; those beyond the 128 contexts of PS3.8 §9.3.2.2 are
 * left out. Returns how many storage contexts were added. */
guint dimse_get_add_contexts (DimseAssociationParams *params, const char *information_model,
                              const char *const *extra_storage_sop_classes);

#define DIMSE_TYPE_GET_JOB (dimse_get_job_get_type ())
G_DECLARE_FINAL_TYPE (DimseGetJob, dimse_get_job, DIMSE, GET_JOB, GObject)

/* The progress of one C-GET, to connect to before dimse_get_async:
 * "n-remaining", "n-completed", "n-failed", "n-warning" (guint,
 *   read-only): the sub-operation counts of the latest response that
 *   carried them;
 * "n-received" (guint, read-only): instances written into the folder;
 * "status" (guint, read-only): the final Status, 0xFFFF until it arrived;
 * "failed-sop-instance-uids" (GStrv, read-only): the final response's
 *   Failed SOP Instance UID List (0008,0058), NULL when it had none;
 * "progress": after each response has updated the counts;
 * "instance-received" (const char *sop_instance_uid, const char *path):
 *   each instance written into the folder. */
DimseGetJob        *dimse_get_job_new (void);
guint               dimse_get_job_get_n_remaining (DimseGetJob *job);
guint               dimse_get_job_get_n_completed (DimseGetJob *job);
guint               dimse_get_job_get_n_failed (DimseGetJob *job);
guint               dimse_get_job_get_n_warning (DimseGetJob *job);
guint               dimse_get_job_get_n_received (DimseGetJob *job);
guint               dimse_get_job_get_status (DimseGetJob *job);
const char *const  *dimse_get_job_get_failed_sop_instance_uids (DimseGetJob *job);

/* Attaches a DimseStoreScp writing into out_dir (which must exist) to
 * assoc, sends a C-GET-RQ with identifier on the accepted context of
 * information_model and reads its responses until the final one, updating
 * job (may be NULL). Once cancellable is cancelled a C-CANCEL-RQ is sent
 * (PS3.7 §9.3.3.3) and the responses are read on to the final one (Cancel,
 * FE00), so the association stays usable. The Storage SCP stays attached
 * until the next dimse_get_async on assoc or its end, so that a C-STORE the
 * peer sends late is still stored. Errors: as dimse_find_async. */
void     dimse_get_async (DimseAssociation *assoc, const char *information_model,
                          DcmDataSet *identifier, const char *out_dir, DimseGetJob *job,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
/* TRUE for a final status of class success, warning or cancel, in
 * *out_status (may be NULL); a failure is DIMSE_STATUS_ERROR with the
 * status as code and dimse_status_describe's words. */
gboolean dimse_get_finish (DimseAssociation *assoc, GAsyncResult *result, guint16 *out_status,
                           GError **error);

G_END_DECLS
