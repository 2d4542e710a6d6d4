/* dimse-move-doctor-private.h — what the doctor's files share */
#pragma once

#include "dimse-move-doctor.h"

#include "dcm-data-set.h"
#include "dimse-server.h"
#include "dimse-store.h"

G_BEGIN_DECLS

#define DEFAULT_WAIT_SECONDS 10
#define FIND_MODEL DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define MOVE_MODEL DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE
/* PS3.4 Table C.4-2 */
#define STATUS_MOVE_DESTINATION_UNKNOWN 0xA801
#define NO_STATUS 0xFFFF

struct _DimseMoveDoctor {
  GObject              parent_instance;
  char                *calling_ae_title;
  char                *called_ae_title;
  char                *host;
  guint16              port;
  char                *destination_ae_title;
  guint16              local_port;
  guint                wait_seconds;
  char                *listen_address;
  char                *expected_address;
  DimseAcceptorPolicy *policy;
  DimseTimeouts        timeouts;
  guint32              max_pdu_length;
  DimseRecorder       *recorder;
  DimseTlsSettings    *tls;            /* to the peer */
  DimseTlsSettings    *listener_tls;   /* of the local Storage SCP */

  gboolean             started;
  GTask               *task;
  char                *folder;
  DimseServer         *server;
  DimseStoreScp       *store;
  DimseAssociation    *assoc;          /* ours, to the peer */
  GSource             *deadline;
  gulong               cancelled_id;
  /* what the C-FIND found */
  char                *study_uid;
  char                *series_uid;
  char                *sop_instance_uid;
  char                *sop_class_uid;
  DcmDataSet          *match;
  gboolean             image_level_done;  /* the SOP class may stay unknown */
  /* the C-MOVE */
  gboolean             move_sent;
  gboolean             move_done;
  guint16              move_status;
  char                *move_error;
  /* the association back */
  DimseAssociation    *incoming;
  guint                n_incoming;
  gboolean             incoming_closed;
  char                *return_address;
  char                *return_host;
  char                *return_called;
  char                *return_calling;
  GBytes              *return_rq;
  char                *return_rq_description;
  gboolean             store_seen;
  guint16              store_status;
  char                *store_comment;
  char                *return_failure;  /* a connection back that failed, in words */

  DimseMoveDoctorDiagnosis diagnosis;
  char                *explanation;
};

/* Ends the check with a diagnosis (takes explanation): our association is
 * released once the move is over, else aborted, and the server stops. */
void     dimse_move_doctor_conclude (DimseMoveDoctor *self, DimseMoveDoctorDiagnosis diagnosis,
                                     char *explanation);
/* The same, the explanation from format. */
void     dimse_move_doctor_verdict (DimseMoveDoctor *self, DimseMoveDoctorDiagnosis diagnosis,
                                    const char *format, ...) G_GNUC_PRINTF (3, 4);
/* Ends the check with an error (taken). */
void     dimse_move_doctor_fail (DimseMoveDoctor *self, GError *error);
/* Decides once enough is known of the move and the association back. */
void     dimse_move_doctor_check_done (DimseMoveDoctor *self);
/* The wait for the association back is over (a GSourceFunc). */
gboolean dimse_move_doctor_on_deadline (gpointer user_data);

G_END_DECLS
