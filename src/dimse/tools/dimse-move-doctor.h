/* dimse-move-doctor.h — the C-MOVE destination doctor: moves one small
 * instance from a peer to a destination AE title that should reach a
 * Storage SCP we run, and says which leg failed (PS3.4 §C.4.2: the move
 * is answered on one association, its C-STOREs arrive on another that the
 * peer opens from its own table of AE titles, hosts and ports) */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"
#include "dimse-recorder.h"

G_BEGIN_DECLS

typedef enum {
  DIMSE_MOVE_DOCTOR_NOT_RUN,
  DIMSE_MOVE_DOCTOR_SUCCESS,                 /* the instance arrived and was stored */
  DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE,        /* no association with the peer, no Q/R FIND/MOVE */
  DIMSE_MOVE_DOCTOR_NOTHING_TO_MOVE,         /* the C-FIND found no instance */
  DIMSE_MOVE_DOCTOR_DESTINATION_UNKNOWN,     /* C-MOVE refused with 0xA801 */
  DIMSE_MOVE_DOCTOR_MOVE_FAILED,             /* another failure, an association having come back */
  DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK,     /* none within the timeout, or the peer gave up */
  DIMSE_MOVE_DOCTOR_WRONG_CALLED_AE_TITLE,
  DIMSE_MOVE_DOCTOR_UNEXPECTED_ADDRESS,
  DIMSE_MOVE_DOCTOR_STORAGE_REJECTED,        /* no storage context accepted for the instance */
  DIMSE_MOVE_DOCTOR_STORE_FAILED,            /* no C-STORE, or one that failed */
} DimseMoveDoctorDiagnosis;

/* "success", "peer-unavailable", "nothing-to-move", "destination-unknown",
 * "move-failed", "no-association-back", "wrong-called-ae-title",
 * "unexpected-address", "storage-rejected", "store-failed", "not-run". */
const char *dimse_move_doctor_diagnosis_to_string (DimseMoveDoctorDiagnosis diagnosis);

#define DIMSE_TYPE_MOVE_DOCTOR (dimse_move_doctor_get_type ())
G_DECLARE_FINAL_TYPE (DimseMoveDoctor, dimse_move_doctor, DIMSE, MOVE_DOCTOR, GObject)

/* Checks that called_ae_title at host:port can C-MOVE to
 * destination_ae_title, which the peer's table should map to this
 * machine's local_port. */
DimseMoveDoctor *dimse_move_doctor_new (const char *calling_ae_title,
                                        const char *called_ae_title,
                                        const char *host, guint16 port,
                                        const char *destination_ae_title,
                                        guint16 local_port);
/* How long to wait for the association back after the C-MOVE-RQ went
 * out, in seconds (default 10). */
void     dimse_move_doctor_set_wait_seconds (DimseMoveDoctor *doctor, guint seconds);
/* The instance to move (sop_instance_uid NULL: the first one a C-FIND
 * finds). Its SOP class is found with a C-FIND at IMAGE level, which a
 * hierarchical SCP (PS3.4 §C.4.1.3.1) answers only when the study and
 * series UIDs are given too. */
void     dimse_move_doctor_set_instance (DimseMoveDoctor *doctor, const char *study_uid,
                                         const char *series_uid, const char *sop_instance_uid);
/* The address the association back should come from (an IP literal);
 * by default the peer's host when it is a literal, else not checked. */
void     dimse_move_doctor_set_expected_address (DimseMoveDoctor *doctor, const char *address);
/* The local address to listen on (NULL, the default: every address). */
void     dimse_move_doctor_set_listen_address (DimseMoveDoctor *doctor, const char *address);
/* The policy of the local Storage SCP (takes it; NULL: every storage SOP
 * class in the uncompressed transfer syntaxes, any called AE title, so that
 * a wrong one is seen rather than refused). To reproduce a destination
 * that accepts less. */
void     dimse_move_doctor_set_policy (DimseMoveDoctor *doctor, DimseAcceptorPolicy *policy);
void     dimse_move_doctor_set_timeouts (DimseMoveDoctor *doctor, const DimseTimeouts *timeouts);
/* Our Maximum Length on the association to the peer (0: no maximum). */
void     dimse_move_doctor_set_max_pdu_length (DimseMoveDoctor *doctor, guint32 max_pdu_length);
/* TLS (PS3.15 Annex B.1) on the association to the peer; copied (NULL,
 * the default: plain TCP). */
void     dimse_move_doctor_set_tls (DimseMoveDoctor *doctor, const DimseTlsSettings *tls);
/* TLS on the local Storage SCP, for a peer that calls the destination
 * over TLS: our certificate and key, and the CA to check the peer's with
 * when verify_peer. Copied (NULL, the default: plain TCP). */
void     dimse_move_doctor_set_listener_tls (DimseMoveDoctor *doctor,
                                             const DimseTlsSettings *tls);
/* Every association of the check (to the peer, and back) is recorded
 * there; the doctor makes its own recorder otherwise. */
void     dimse_move_doctor_set_recorder (DimseMoveDoctor *doctor, DimseRecorder *recorder);
DimseRecorder *dimse_move_doctor_get_recorder (DimseMoveDoctor *doctor);

/* Listens on local_port, associates with the peer, finds the instance,
 * moves it and watches the association back; "step" (const char *what)
 * says each step in words as it begins. Fails only when the check could
 * not be made here (the local port cannot be listened on: DIMSE_ERROR_CONNECTION)
 * or was cancelled; every outcome on the network is a diagnosis. Run once. */
void     dimse_move_doctor_run_async (DimseMoveDoctor *doctor, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean dimse_move_doctor_run_finish (DimseMoveDoctor *doctor, GAsyncResult *result,
                                       GError **error);

/* ---- the outcome ---- */
DimseMoveDoctorDiagnosis dimse_move_doctor_get_diagnosis (DimseMoveDoctor *doctor);
/* The diagnosis in a few sentences for a person. */
const char *dimse_move_doctor_get_explanation (DimseMoveDoctor *doctor);
/* The final status of the C-MOVE; 0xFFFF when none arrived. */
guint16     dimse_move_doctor_get_move_status (DimseMoveDoctor *doctor);
const char *dimse_move_doctor_get_sop_instance_uid (DimseMoveDoctor *doctor);
/* The association back: "127.0.0.1:40312", the called and calling AE
 * titles of its -RQ, the -RQ as it came (raw) and its decoded fields in
 * words, as the recorder describes it. NULL when none came. */
const char *dimse_move_doctor_get_return_address (DimseMoveDoctor *doctor);
const char *dimse_move_doctor_get_return_called_ae_title (DimseMoveDoctor *doctor);
const char *dimse_move_doctor_get_return_calling_ae_title (DimseMoveDoctor *doctor);
GBytes     *dimse_move_doctor_get_return_rq (DimseMoveDoctor *doctor);
const char *dimse_move_doctor_get_return_rq_description (DimseMoveDoctor *doctor);
/* Why the first connection to the local port that did not become an
 * association failed (a TLS handshake that failed, an -RQ never sent), in
 * the server's words; NULL when none did. */
const char *dimse_move_doctor_get_return_failure (DimseMoveDoctor *doctor);

G_END_DECLS
