/* dimse-move-doctor.c — the C-MOVE destination doctor: a local Storage
 * SCP, a C-FIND for one instance, its C-MOVE, and the diagnosis of the
 * association that comes back (or does not) */
#include "config.h"

#include "dimse-move-doctor-private.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-find.h"
#include "dimse-move.h"
#include "dimse-recorder-private.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "dimse-store.h"


G_DEFINE_FINAL_TYPE (DimseMoveDoctor, dimse_move_doctor, G_TYPE_OBJECT)

enum {
  SIGNAL_STEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const diagnosis_names[] = {
  "not-run", "success", "peer-unavailable", "nothing-to-move", "destination-unknown",
  "move-failed", "no-association-back", "wrong-called-ae-title", "unexpected-address",
  "storage-rejected", "store-failed",
};

const char *
dimse_move_doctor_diagnosis_to_string (DimseMoveDoctorDiagnosis diagnosis)
{
  if ((guint) diagnosis < G_N_ELEMENTS (diagnosis_names))
    return diagnosis_names[diagnosis];
  return "unknown";
}

/* ---- the object ---- */

static void
remove_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      g_unlink (path);
    }
  g_rmdir (folder);
}

static void
dimse_move_doctor_finalize (GObject *object)
{
  DimseMoveDoctor *self = DIMSE_MOVE_DOCTOR (object);

  if (self->deadline != NULL)
    g_source_destroy (self->deadline);
  g_clear_pointer (&self->deadline, g_source_unref);
  if (self->server != NULL)
    dimse_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->store);
  g_clear_object (&self->assoc);
  g_clear_object (&self->incoming);
  if (self->folder != NULL)
    remove_folder (self->folder);
  g_free (self->folder);
  g_clear_pointer (&self->policy, dimse_acceptor_policy_free);
  g_clear_object (&self->recorder);
  g_clear_pointer (&self->tls, dimse_tls_settings_free);
  g_clear_pointer (&self->listener_tls, dimse_tls_settings_free);
  g_clear_pointer (&self->match, dcm_data_set_unref);
  g_clear_pointer (&self->return_rq, g_bytes_unref);
  g_free (self->calling_ae_title);
  g_free (self->called_ae_title);
  g_free (self->host);
  g_free (self->destination_ae_title);
  g_free (self->listen_address);
  g_free (self->expected_address);
  g_free (self->study_uid);
  g_free (self->series_uid);
  g_free (self->sop_instance_uid);
  g_free (self->sop_class_uid);
  g_free (self->move_error);
  g_free (self->return_address);
  g_free (self->return_host);
  g_free (self->return_called);
  g_free (self->return_calling);
  g_free (self->return_rq_description);
  g_free (self->store_comment);
  g_free (self->return_failure);
  g_free (self->explanation);
  G_OBJECT_CLASS (dimse_move_doctor_parent_class)->finalize (object);
}

static void
dimse_move_doctor_class_init (DimseMoveDoctorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_move_doctor_finalize;
  signals[SIGNAL_STEP] =
    g_signal_new ("step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dimse_move_doctor_init (DimseMoveDoctor *self)
{
  self->wait_seconds = DEFAULT_WAIT_SECONDS;
  self->move_status = NO_STATUS;
  self->max_pdu_length = DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH;
  dimse_timeouts_init (&self->timeouts);
}

DimseMoveDoctor *
dimse_move_doctor_new (const char *calling_ae_title, const char *called_ae_title,
                       const char *host, guint16 port, const char *destination_ae_title,
                       guint16 local_port)
{
  DimseMoveDoctor *self = g_object_new (DIMSE_TYPE_MOVE_DOCTOR, NULL);
  g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (host);

  self->calling_ae_title = g_strdup (calling_ae_title);
  self->called_ae_title = g_strdup (called_ae_title);
  self->host = g_strdup (host);
  self->port = port;
  self->destination_ae_title = g_strdup (destination_ae_title);
  self->local_port = local_port;
  if (literal != NULL)
    self->expected_address = g_inet_address_to_string (literal);
  return self;
}

void
dimse_move_doctor_set_wait_seconds (DimseMoveDoctor *self, guint seconds)
{
  self->wait_seconds = MAX (seconds, 1);
}

void
dimse_move_doctor_set_instance (DimseMoveDoctor *self, const char *study_uid,
                                const char *series_uid, const char *sop_instance_uid)
{
  g_free (self->study_uid);
  g_free (self->series_uid);
  g_free (self->sop_instance_uid);
  self->study_uid = g_strdup (study_uid);
  self->series_uid = g_strdup (series_uid);
  self->sop_instance_uid = g_strdup (sop_instance_uid);
}

void
dimse_move_doctor_set_expected_address (DimseMoveDoctor *self, const char *address)
{
  g_autoptr(GInetAddress) literal = address != NULL ? g_inet_address_new_from_string (address)
                                                    : NULL;

  g_free (self->expected_address);
  self->expected_address = literal != NULL ? g_inet_address_to_string (literal) : NULL;
}

void
dimse_move_doctor_set_listen_address (DimseMoveDoctor *self, const char *address)
{
  g_free (self->listen_address);
  self->listen_address = g_strdup (address);
}

void
dimse_move_doctor_set_policy (DimseMoveDoctor *self, DimseAcceptorPolicy *policy)
{
  g_clear_pointer (&self->policy, dimse_acceptor_policy_free);
  self->policy = policy;
}

void
dimse_move_doctor_set_timeouts (DimseMoveDoctor *self, const DimseTimeouts *timeouts)
{
  if (timeouts != NULL)
    self->timeouts = *timeouts;
  else
    dimse_timeouts_init (&self->timeouts);
}

void
dimse_move_doctor_set_max_pdu_length (DimseMoveDoctor *self, guint32 max_pdu_length)
{
  self->max_pdu_length = max_pdu_length;
}

void
dimse_move_doctor_set_tls (DimseMoveDoctor *self, const DimseTlsSettings *tls)
{
  g_clear_pointer (&self->tls, dimse_tls_settings_free);
  self->tls = dimse_tls_settings_copy (tls);
}

void
dimse_move_doctor_set_listener_tls (DimseMoveDoctor *self, const DimseTlsSettings *tls)
{
  g_clear_pointer (&self->listener_tls, dimse_tls_settings_free);
  self->listener_tls = dimse_tls_settings_copy (tls);
}

void
dimse_move_doctor_set_recorder (DimseMoveDoctor *self, DimseRecorder *recorder)
{
  g_set_object (&self->recorder, recorder);
}

DimseRecorder *
dimse_move_doctor_get_recorder (DimseMoveDoctor *self)
{
  if (self->recorder == NULL)
    self->recorder = dimse_recorder_new ();
  return self->recorder;
}

DimseMoveDoctorDiagnosis
dimse_move_doctor_get_diagnosis (DimseMoveDoctor *self)
{
  return self->diagnosis;
}

const char *
dimse_move_doctor_get_explanation (DimseMoveDoctor *self)
{
  return self->explanation != NULL ? self->explanation : "The check has not been run.";
}

guint16
dimse_move_doctor_get_move_status (DimseMoveDoctor *self)
{
  return self->move_status;
}

const char *
dimse_move_doctor_get_sop_instance_uid (DimseMoveDoctor *self)
{
  return self->sop_instance_uid;
}

const char *
dimse_move_doctor_get_return_address (DimseMoveDoctor *self)
{
  return self->return_address;
}

const char *
dimse_move_doctor_get_return_called_ae_title (DimseMoveDoctor *self)
{
  return self->return_called;
}

const char *
dimse_move_doctor_get_return_calling_ae_title (DimseMoveDoctor *self)
{
  return self->return_calling;
}

GBytes *
dimse_move_doctor_get_return_rq (DimseMoveDoctor *self)
{
  return self->return_rq;
}

const char *
dimse_move_doctor_get_return_rq_description (DimseMoveDoctor *self)
{
  return self->return_rq_description;
}

const char *
dimse_move_doctor_get_return_failure (DimseMoveDoctor *self)
{
  return self->return_failure;
}

static void
step (DimseMoveDoctor *self, const char *what)
{
  g_signal_emit (self, signals[SIGNAL_STEP], 0, what);
}

/* ---- the association back ---- */

static void
on_incoming_closed (DimseAssociation *assoc, guint reason, const char *description,
                    gpointer user_data)
{
  DimseMoveDoctor *self = user_data;

  if (assoc != self->incoming)
    return;
  self->incoming_closed = TRUE;
  dimse_move_doctor_check_done (self);
}

static void
on_instance_stored (DimseStoreScp *store, DimseAssociation *assoc, DimseMessage *request,
                    guint status, const char *path, const char *comment, gpointer user_data)
{
  DimseMoveDoctor *self = user_data;

  if (assoc != self->incoming || self->store_seen)
    return;
  self->store_seen = TRUE;
  self->store_status = (guint16) status;
  self->store_comment = g_strdup (comment);
  dimse_move_doctor_check_done (self);
}

/* The -RQ in the recorder's words (the same text the traffic view shows). */
static void
describe_return_rq (DimseMoveDoctor *self, DimseAssociation *assoc)
{
  g_autoptr(GBytes) rq = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(DimseTrafficEvent) event = NULL;

  dimse_association_get_associate_exchange (assoc, &rq, &reply);
  if (rq == NULL)
    return;
  self->return_rq = g_bytes_ref (rq);
  event = dimse_recorder_describe_pdu (NULL, 0, DIMSE_TRAFFIC_DIRECTION_RECEIVED, rq);
  self->return_rq_description = g_strdup_printf ("%s\n%s",
                                                 dimse_traffic_event_get_summary (event),
                                                 dimse_traffic_event_get_details (event));
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  DimseMoveDoctor *self = user_data;
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);
  g_autoptr(GInetSocketAddress) remote =
    dimse_transport_get_remote_address (dimse_association_get_transport (assoc));

  self->n_incoming++;
  dimse_store_scp_attach (self->store, assoc);
  if (self->incoming != NULL)
    return;
  self->incoming = g_object_ref (assoc);
  self->return_address = g_strdup (dimse_association_get_peer_name (assoc));
  if (remote != NULL)
    self->return_host = g_inet_address_to_string (g_inet_socket_address_get_address (remote));
  self->return_called = g_strdup (result->called_ae_title);
  self->return_calling = g_strdup (result->calling_ae_title);
  describe_return_rq (self, assoc);
  g_signal_connect_object (assoc, "closed", G_CALLBACK (on_incoming_closed), self, 0);
  step (self, "An association came back; waiting for its C-STORE.");
}

/* A connection to our port that did not become an association: with
 * TLS, most often a handshake that failed (PS3.15 Annex B.1). */
static void
on_association_failed (DimseServer *server, const char *why, gpointer user_data)
{
  DimseMoveDoctor *self = user_data;

  if (self->return_failure != NULL || self->task == NULL)
    return;
  self->return_failure = g_strdup (why);
  step (self, "A connection came back but did not become an association.");
}

static gboolean
start_server (DimseMoveDoctor *self, GError **error)
{
  DimseAcceptorPolicy *policy = g_steal_pointer (&self->policy);

  self->folder = g_dir_make_tmp ("dimse-move-doctor-XXXXXX", error);
  if (self->folder == NULL)
    return FALSE;
  if (policy == NULL)
    policy = dimse_acceptor_policy_new_default (NULL);
  self->store = dimse_store_scp_new (self->folder);
  g_signal_connect_object (self->store, "instance-stored", G_CALLBACK (on_instance_stored),
                           self, 0);
  self->server = dimse_server_new (policy, &self->timeouts);
  dimse_server_set_recorder (self->server, dimse_move_doctor_get_recorder (self));
  dimse_server_set_tls (self->server, self->listener_tls);
  g_signal_connect_object (self->server, "association-started",
                           G_CALLBACK (on_association_started), self, 0);
  g_signal_connect_object (self->server, "association-failed",
                           G_CALLBACK (on_association_failed), self, 0);
  return dimse_server_listen (self->server, self->listen_address, self->local_port, error);
}

/* ---- the C-MOVE ---- */

static void
on_moved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseMoveDoctor) self = user_data;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  self->move_done = TRUE;
  if (dimse_move_finish (DIMSE_ASSOCIATION (source), result, &status, &error))
    {
      self->move_status = status;
      self->move_error = g_strdup_printf ("%s (0x%04X)",
                                          dimse_status_meaning (status, DIMSE_C_MOVE_RQ), status);
    }
  else
    {
      if (error->domain == DIMSE_STATUS_ERROR)
        self->move_status = (guint16) error->code;
      /* it goes inside a sentence */
      self->move_error = g_strdup (error->message);
      if (g_str_has_suffix (self->move_error, "."))
        self->move_error[strlen (self->move_error) - 1] = '\0';
      if (self->task != NULL && error->domain != DIMSE_STATUS_ERROR)
        {
          dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE,
                                     "The C-MOVE to \"%s\" did not complete: %s",
                                     self->destination_ae_title, error->message);
          return;
        }
    }
  dimse_move_doctor_check_done (self);
}

static void
start_move (DimseMoveDoctor *self)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  const struct { guint32 tag; const char *value; } keys[] = {
    { DCM_TAG_QUERY_RETRIEVE_LEVEL, "IMAGE" },
    { DCM_TAG_STUDY_INSTANCE_UID, self->study_uid },
    { DCM_TAG_SERIES_INSTANCE_UID, self->series_uid },
    { DCM_TAG_SOP_INSTANCE_UID, self->sop_instance_uid },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].value != NULL)
      dcm_data_set_set_string (identifier, keys[i].tag, DCM_VR_NONE, keys[i].value, NULL);
  step (self, "Sending the C-MOVE and waiting for the association back.");
  self->move_sent = TRUE;
  self->deadline = g_timeout_source_new_seconds (self->wait_seconds);
  g_source_set_callback (self->deadline, dimse_move_doctor_on_deadline, self, NULL);
  g_source_attach (self->deadline, g_main_context_get_thread_default ());
  dimse_move_async (self->assoc, MOVE_MODEL, identifier, self->destination_ae_title, NULL,
                    NULL, on_moved, g_object_ref (self));
}

/* ---- the C-FIND: study, series, image, one of each ---- */

static void find_next (DimseMoveDoctor *self);

static void
on_match (DimseFindJob *job, DcmDataSet *identifier, gpointer user_data)
{
  DimseMoveDoctor *self = user_data;

  if (self->match == NULL)
    self->match = dcm_data_set_ref (identifier);
}

static void
on_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseMoveDoctor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmDataSet) match = g_steal_pointer (&self->match);
  char **slots[] = { &self->study_uid, &self->series_uid, &self->sop_instance_uid,
                     &self->sop_class_uid };
  const guint32 tags[] = { DCM_TAG_STUDY_INSTANCE_UID, DCM_TAG_SERIES_INSTANCE_UID,
                           DCM_TAG_SOP_INSTANCE_UID, DCM_TAG_SOP_CLASS_UID };

  if (!dimse_find_finish (DIMSE_ASSOCIATION (source), result, NULL, &error)
      && !g_error_matches (error, DIMSE_STATUS_ERROR, 0xFE00))
    {
      dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE,
                                 "The C-FIND for an instance to move failed: %s", error->message);
      return;
    }
  if (match == NULL)
    {
      dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_NOTHING_TO_MOVE,
                                 "The C-FIND found no %s to move on \"%s\".",
                                 self->sop_instance_uid != NULL ? "such instance" : "instance",
                                 self->called_ae_title);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    if (*slots[i] == NULL)
      *slots[i] = dcm_data_set_dup_string (match, tags[i]);
  if (self->study_uid != NULL && self->series_uid != NULL && self->sop_instance_uid != NULL)
    self->image_level_done = self->image_level_done || self->sop_class_uid == NULL;
  find_next (self);
}

static void
find_level (DimseMoveDoctor *self, const char *level)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  const struct { guint32 tag; const char *value; } keys[] = {
    { DCM_TAG_QUERY_RETRIEVE_LEVEL, level },
    { DCM_TAG_STUDY_INSTANCE_UID, self->study_uid != NULL ? self->study_uid : "" },
    { DCM_TAG_SERIES_INSTANCE_UID, self->series_uid != NULL ? self->series_uid : "" },
    { DCM_TAG_SOP_INSTANCE_UID, self->sop_instance_uid != NULL ? self->sop_instance_uid : "" },
    { DCM_TAG_SOP_CLASS_UID, "" },
  };
  guint n_keys = g_str_equal (level, "STUDY") ? 2 : g_str_equal (level, "SERIES") ? 3 : 5;

  for (guint i = 0; i < n_keys; i++)
    dcm_data_set_set_string (identifier, keys[i].tag, DCM_VR_NONE, keys[i].value, NULL);
  g_signal_connect_object (job, "result", G_CALLBACK (on_match), self, 0);
  dimse_find_async (self->assoc, FIND_MODEL, identifier, 1, job, NULL, on_found,
                    g_object_ref (self));
}

/* Hierarchical queries (PS3.4 §C.4.1.3.1): each level below needs the
 * unique keys above it. A given SOP Instance UID is looked up at IMAGE
 * level at once, with the study and series UIDs given or, failing them,
 * universal matching of those keys (relational queries). */
static void
find_next (DimseMoveDoctor *self)
{
  if (self->task == NULL)
    return;
  /* SOP Class UID is only an optional key at IMAGE level (PS3.4 Annex C):
   * a peer that does not return it leaves any storage context to do */
  if (self->study_uid != NULL && self->series_uid != NULL && self->sop_instance_uid != NULL
      && (self->sop_class_uid != NULL || self->image_level_done))
    start_move (self);
  else if (self->sop_instance_uid != NULL)
    {
      step (self, "Looking up the instance with a C-FIND at IMAGE level.");
      find_level (self, "IMAGE");
    }
  else if (self->study_uid == NULL)
    {
      step (self, "Finding a study with a C-FIND.");
      find_level (self, "STUDY");
    }
  else if (self->series_uid == NULL)
    find_level (self, "SERIES");
  else
    find_level (self, "IMAGE");
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseMoveDoctor) self = user_data;
  g_autoptr(GError) error = NULL;

  self->assoc = dimse_association_request_finish (result, &error);
  if (self->task == NULL)
    return;
  if (self->assoc == NULL)
    {
      dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE,
                                 "No association with \"%s\" at %s:%u to ask for the move: %s",
                                 self->called_ae_title, self->host, self->port, error->message);
      return;
    }
  if (dimse_negotiation_result_find_context (dimse_association_get_negotiation (self->assoc),
                                             FIND_MODEL, NULL, DIMSE_ROLE_SCU) == 0
      || dimse_negotiation_result_find_context (dimse_association_get_negotiation (self->assoc),
                                                MOVE_MODEL, NULL, DIMSE_ROLE_SCU) == 0)
    {
      dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE,
                                 "\"%s\" did not accept Study Root Query/Retrieve FIND and MOVE "
                                 "from \"%s\", which the check needs.", self->called_ae_title,
                                 self->calling_ae_title);
      return;
    }
  find_next (self);
}

static gboolean
cancel_in_context (gpointer user_data)
{
  DimseMoveDoctor *self = user_data;

  if (self->task == NULL)
    return G_SOURCE_REMOVE;
  if (self->assoc != NULL && dimse_association_is_established (self->assoc))
    dimse_association_abort (self->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  if (self->deadline != NULL)
    g_source_destroy (self->deadline);
  g_clear_pointer (&self->deadline, g_source_unref);
  dimse_move_doctor_fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "The C-MOVE check was cancelled."));
  return G_SOURCE_REMOVE;
}

/* May run in another thread: the check ends on its own context, and
 * never from within this handler (g_cancellable_disconnect would wait for
 * it to return). */
static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  DimseMoveDoctor *self = user_data;
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, cancel_in_context, g_object_ref (self), g_object_unref);
  g_source_attach (idle, g_task_get_context (self->task));
}

void
dimse_move_doctor_run_async (DimseMoveDoctor *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(DimseAssociationParams) params = NULL;
  GError *error = NULL;

  g_return_if_fail (DIMSE_IS_MOVE_DOCTOR (self));
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, dimse_move_doctor_run_async);
  if (self->started)
    {
      dimse_move_doctor_fail (self, g_error_new (DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                               "This C-MOVE check of \"%s\" has already been run.",
                               self->destination_ae_title));
      return;
    }
  self->started = TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, &error) || !start_server (self, &error))
    {
      dimse_move_doctor_fail (self, error);
      return;
    }
  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                self, NULL);
  step (self, "Associating with the peer.");
  params = dimse_association_params_new (self->calling_ae_title, self->called_ae_title);
  params->max_pdu_length = self->max_pdu_length;
  dimse_association_params_add_context (params, FIND_MODEL, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, MOVE_MODEL, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_full_async (params, self->host, self->port, &self->timeouts,
                                        self->tls, dimse_move_doctor_get_recorder (self),
                                        cancellable,
                                        on_associated, g_object_ref (self));
}

gboolean
dimse_move_doctor_run_finish (DimseMoveDoctor *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
