/* dimse-move-doctor-diagnose.c — the C-MOVE destination doctor's
 * diagnosis: which leg failed, in words, once enough is known */
#include "config.h"

#include "dimse-move-doctor-private.h"

#include <string.h>

#include "dcm-uid.h"
#include "dimse-status.h"

static void
disconnect_cancellable (DimseMoveDoctor *self, GTask *task)
{
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
  self->cancelled_id = 0;
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, NULL);
}

/* Takes explanation. Ends the check: our association is released once
 * the move is over, else aborted, and the server stops. */
void
dimse_move_doctor_conclude (DimseMoveDoctor *self, DimseMoveDoctorDiagnosis diagnosis,
                            char *explanation)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    {
      g_free (explanation);
      return;
    }
  disconnect_cancellable (self, task);
  self->diagnosis = diagnosis;
  g_free (self->explanation);
  self->explanation = explanation;
  if (self->deadline != NULL)
    g_source_destroy (self->deadline);
  g_clear_pointer (&self->deadline, g_source_unref);
  if (self->assoc != NULL && dimse_association_is_established (self->assoc))
    {
      if (self->move_sent && !self->move_done)
        dimse_association_abort (self->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                                 DIMSE_ABORT_REASON_NOT_SPECIFIED);
      else
        dimse_association_release_async (self->assoc, NULL, on_released, NULL);
    }
  if (self->server != NULL)
    dimse_server_stop (self->server);
  g_task_return_boolean (task, TRUE);
}

void
dimse_move_doctor_fail (DimseMoveDoctor *self, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (self->server != NULL)
    dimse_server_stop (self->server);
  if (task != NULL)
    {
      disconnect_cancellable (self, task);
      g_task_return_error (task, error);
    }
  else
    g_error_free (error);
}

void
dimse_move_doctor_verdict (DimseMoveDoctor *self, DimseMoveDoctorDiagnosis diagnosis,
                           const char *format, ...)
{
  va_list args;
  char *explanation;

  va_start (args, format);
  explanation = g_strdup_vprintf (format, args);
  va_end (args);
  dimse_move_doctor_conclude (self, diagnosis, explanation);
}

static gboolean
has_storage_context (DimseMoveDoctor *self)
{
  const DimseNegotiationResult *result = dimse_association_get_negotiation (self->incoming);

  if (result == NULL)
    return FALSE;
  for (guint i = 0; i < result->contexts->len; i++)
    {
      const DimseNegotiatedContext *nc = result->contexts->pdata[i];

      if (nc->result != DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
        continue;
      if (self->sop_class_uid != NULL ? g_strcmp0 (nc->abstract_syntax, self->sop_class_uid) == 0
                                      : (dcm_uid_lookup (nc->abstract_syntax) != NULL
                                         && dcm_uid_lookup (nc->abstract_syntax)->storage))
        return TRUE;
    }
  return FALSE;
}

static void
diagnose_incoming (DimseMoveDoctor *self)
{
  const char *sop_class = self->sop_class_uid != NULL ? dcm_uid_name (self->sop_class_uid)
                                                      : "the instance's SOP class";

  if (g_strcmp0 (self->return_called, self->destination_ae_title) != 0)
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_WRONG_CALLED_AE_TITLE,
                               "An association came back from %s, but it called the AE title "
                               "\"%s\", not \"%s\": the peer's table maps %s to an entry with "
                               "another AE title. A real destination would refuse it (called AE "
                               "title not recognized).", self->return_address,
                               self->return_called, self->destination_ae_title,
                               self->destination_ae_title);
  else if (self->expected_address != NULL
           && g_strcmp0 (self->return_host, self->expected_address) != 0)
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_UNEXPECTED_ADDRESS,
                               "The association back came from %s, not from %s as expected: the "
                               "peer sends from another address (several interfaces, a proxy or "
                               "NAT), which a destination that checks addresses refuses.",
                               self->return_address, self->expected_address);
  else if (!has_storage_context (self))
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_STORAGE_REJECTED,
                               "The association back from %s was accepted, but no presentation "
                               "context for %s: the peer proposed it in transfer syntaxes the "
                               "destination does not accept (see its A-ASSOCIATE-RQ).",
                               self->return_address, sop_class);
  else if (self->store_seen && dimse_status_class (self->store_status) != DIMSE_STATUS_FAILURE)
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_SUCCESS,
                               "The instance %s arrived from %s on an association to \"%s\" and "
                               "was stored: the C-MOVE destination works.",
                               self->sop_instance_uid, self->return_address, self->return_called);
  else if (self->store_seen)
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_STORE_FAILED,
                               "The C-STORE of %s from %s failed here: %s (0x%04X)%s%s.",
                               self->sop_instance_uid, self->return_address,
                               dimse_status_meaning (self->store_status, DIMSE_C_STORE_RQ),
                               self->store_status, self->store_comment != NULL ? ": " : "",
                               self->store_comment != NULL ? self->store_comment : "");
  else
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_STORE_FAILED,
                               "The association back from %s was accepted, but no C-STORE-RQ "
                               "arrived on it%s%s.", self->return_address,
                               self->move_error != NULL ? "; the C-MOVE ended with " : "",
                               self->move_error != NULL ? self->move_error : "");
}

/* The server names TLS in every failure of the handshake (PS3.15 Annex
 * B.1): the peer called without TLS, or one side refused the other's
 * certificate. */
static void
diagnose_failed_connection (DimseMoveDoctor *self)
{
  g_autofree char *why = g_str_has_suffix (self->return_failure, ".")
                         ? g_strdup (self->return_failure)
                         : g_strconcat (self->return_failure, ".", NULL);
  const char *moved = self->move_error != NULL ? " The C-MOVE's answer: " : "";
  const char *move_error = self->move_error != NULL ? self->move_error : "";
  const char *end = self->move_error != NULL ? "." : "";

  if (self->listener_tls != NULL && strstr (self->return_failure, "TLS") != NULL)
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK,
                               "A connection reached port %u here, but did not become an "
                               "association: %s The peer calls \"%s\" without TLS, or one side "
                               "does not trust the other's certificate: check the TLS "
                               "settings of the peer's entry for \"%s\" and of this "
                               "destination.%s%s%s", self->local_port, why,
                               self->destination_ae_title, self->destination_ae_title,
                               moved, move_error, end);
  else if (self->listener_tls == NULL)
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK,
                               "A connection reached port %u here, but it did not become an "
                               "association: %s A peer that calls \"%s\" over TLS looks so to "
                               "a destination without TLS: check whether its entry for \"%s\" "
                               "uses TLS.%s%s%s", self->local_port, why,
                               self->destination_ae_title, self->destination_ae_title,
                               moved, move_error, end);
  else
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK,
                               "A connection reached port %u here, but it did not become an "
                               "association: %s%s%s%s", self->local_port, why,
                               moved, move_error, end);
}

static void
diagnose_no_association (DimseMoveDoctor *self, gboolean timed_out)
{
  if (self->return_failure != NULL)
    diagnose_failed_connection (self);
  else if (timed_out)
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK,
                               "The peer took the C-MOVE to \"%s\", but no association reached "
                               "port %u here within %u s: a firewall or NAT is in the way, or "
                               "the peer's table has the wrong host or port for \"%s\".",
                               self->destination_ae_title, self->local_port, self->wait_seconds,
                               self->destination_ae_title);
  else
    dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK,
                               "The peer knows \"%s\" but no association reached port %u here; "
                               "the C-MOVE ended with %s. The peer's table has the wrong host or "
                               "port for \"%s\", or a firewall or NAT blocks the connection.",
                               self->destination_ae_title, self->local_port, self->move_error,
                               self->destination_ae_title);
}

/* Decides once enough is known. */
void
dimse_move_doctor_check_done (DimseMoveDoctor *self)
{
  if (self->task == NULL || !self->move_sent)
    return;
  if (self->move_done && self->move_status == STATUS_MOVE_DESTINATION_UNKNOWN)
    {
      dimse_move_doctor_verdict (self, DIMSE_MOVE_DOCTOR_DESTINATION_UNKNOWN,
                                 "The peer refused the C-MOVE with 0xA801, Move Destination "
                                 "unknown: \"%s\" is not in its table of AE titles (add it with "
                                 "this machine's address and port %u).",
                                 self->destination_ae_title, self->local_port);
      return;
    }
  if (self->incoming == NULL)
    {
      if (self->move_done)
        diagnose_no_association (self, FALSE);
      return;
    }
  if (self->move_done && (self->incoming_closed || self->store_seen))
    diagnose_incoming (self);
}

gboolean
dimse_move_doctor_on_deadline (gpointer user_data)
{
  DimseMoveDoctor *self = user_data;

  g_clear_pointer (&self->deadline, g_source_unref);
  if (self->incoming == NULL)
    diagnose_no_association (self, TRUE);
  else
    diagnose_incoming (self);
  return G_SOURCE_REMOVE;
}

