/* dimse-find.h — C-FIND as SCU (PS3.4 Annex C.4.1 and K.4.1, PS3.7
 * §9.1.2): the query, its matches as they arrive, C-CANCEL */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"
#include "dimse-association.h"

G_BEGIN_DECLS

/* PS3.4 §C.5.1: the C-FIND options of SOP Class Extended Negotiation, one
 * byte each of the service-class-application-information field (Tables
 * C.5-1 and C.5-2), 1 meaning proposed or agreed. */
typedef enum {
  DIMSE_FIND_OPTION_NONE              = 0,
  DIMSE_FIND_OPTION_RELATIONAL        = 1 << 0,  /* byte 1: relational-queries */
  DIMSE_FIND_OPTION_COMBINED_DATETIME = 1 << 1,  /* byte 2: combined date-time matching */
  DIMSE_FIND_OPTION_FUZZY_PN          = 1 << 2,  /* byte 3: fuzzy semantic matching of PN */
  DIMSE_FIND_OPTION_TIMEZONE          = 1 << 3,  /* byte 4: timezone query adjustment */
} DimseFindOptions;

#define DIMSE_FIND_OPTION_ALL (DIMSE_FIND_OPTION_RELATIONAL | DIMSE_FIND_OPTION_COMBINED_DATETIME \
                               | DIMSE_FIND_OPTION_FUZZY_PN | DIMSE_FIND_OPTION_TIMEZONE)

/* The field an SCU proposes: as many bytes as the last option set needs
 * (at least one: bytes 2 to 4 are optional); NULL for none. */
GBytes          *dimse_find_options_encode (DimseFindOptions options);
/* The options a field (either way; 1 to 7 bytes, later bytes ignored) has
 * set; bytes that are absent are 0. */
DimseFindOptions dimse_find_options_decode (GBytes *field);
/* An SCP's answer to a proposed field: the options of supported that were
 * proposed, in as many bytes as were proposed (bytes 5 and later, which
 * this does not know, answered 0). NULL for an empty proposal. */
GBytes          *dimse_find_options_answer (GBytes *proposed, DimseFindOptions supported);
/* "relational queries, fuzzy person name matching", or "none". */
char            *dimse_find_options_to_string (DimseFindOptions options);
/* What the acceptor of assoc answered for information_model: the options
 * agreed (none without an answer). Either side may ask. */
DimseFindOptions dimse_find_get_agreed_options (DimseAssociation *assoc,
                                                const char *information_model);

#define DIMSE_TYPE_FIND_JOB (dimse_find_job_get_type ())
G_DECLARE_FINAL_TYPE (DimseFindJob, dimse_find_job, DIMSE, FIND_JOB, GObject)

/* The progress of one C-FIND, to connect to before dimse_find_async:
 * "result" (DcmDataSet *identifier): each match, in the order the pending
 *   responses arrive, at most max_results of them;
 * "n-results" (guint, read-only): how many "result" has emitted;
 * "status" (guint, read-only): the Status of the final response, 0xFFFF
 *   until it has arrived;
 * "cancel-sent" (gboolean, read-only): whether a C-CANCEL-RQ went out;
 * "agreed-options" (guint, DimseFindOptions, read-only): the extended
 *   negotiation the association's acceptor agreed for the model, set when
 *   dimse_find_async starts. */
DimseFindJob *dimse_find_job_new (void);
guint         dimse_find_job_get_n_results (DimseFindJob *job);
guint         dimse_find_job_get_status (DimseFindJob *job);
gboolean      dimse_find_job_get_cancel_sent (DimseFindJob *job);
DimseFindOptions dimse_find_job_get_agreed_options (DimseFindJob *job);

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
