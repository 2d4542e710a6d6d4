/* dimse-association-setup.c — establishing an association (PS3.8 §7.1,
 * §9.2 AE actions) as requestor or acceptor, releasing it, its getters */
#include "dimse-association-private.h"

#include "dimse-error.h"

/* ---- establishing ---- */

static void
established (DimseAssociation *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->establish_task);

  dimse_association_clear_source (&self->establish_timeout);
  dimse_association_touch (self);
  dimse_association_schedule_idle (self, self->timeouts.idle_timeout_ms);
  /* Reading resumes in _finish, once the caller can connect its handlers. */
  self->hold_reading = TRUE;
  if (task != NULL)
    g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static gboolean
on_establish_timeout (gpointer user_data)
{
  DimseAssociation *self = user_data;

  g_clear_pointer (&self->establish_timeout, g_source_unref);
  if (self->fsm.state == DIMSE_STA7_AWAITING_A_RELEASE_RP)
    dimse_association_set_close_reason (self, DIMSE_CLOSE_TIMEOUT,
                                        "%s did not answer the A-RELEASE-RQ within %u ms.",
                                        self->peer_name, self->timeouts.artim_timeout_ms);
  else
    dimse_association_set_close_reason (self, DIMSE_CLOSE_TIMEOUT,
                                        "%s did not answer the A-ASSOCIATE-RQ within %u ms.",
                                        self->peer_name, self->timeouts.artim_timeout_ms);
  dimse_association_abort (self, DIMSE_ABORT_SOURCE_SERVICE_USER,
                           DIMSE_ABORT_REASON_NOT_SPECIFIED);
  return G_SOURCE_REMOVE;
}

void
dimse_association_on_associate_ac (DimseAssociation *self, DimsePdu *pdu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  DimseNegotiationResult *result = NULL;

  if (!dimse_association_drive (self, DIMSE_EVT3_A_ASSOCIATE_AC_RECEIVED, NULL, NULL, NULL)
      || self->fsm.state != DIMSE_STA6_ASSOCIATION_ESTABLISHED)
    return;
  if (!dimse_negotiation_parse_ac (self->rq, pdu, &result, &error))
    {
      task = g_steal_pointer (&self->establish_task);
      if (task != NULL)
        g_task_return_error (task, g_error_copy (error));
      dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED, "%s", error->message);
      dimse_association_abort (self, DIMSE_ABORT_SOURCE_SERVICE_PROVIDER,
                               DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
      return;
    }
  self->result = result;
  established (self);
}

void
dimse_association_on_associate_rj (DimseAssociation *self, DimsePdu *pdu)
{
  g_autofree char *words = dimse_associate_rj_describe (&pdu->associate_rj);

  dimse_association_set_close_reason (self, DIMSE_CLOSE_REJECTED, "%s rejected the association: %s",
                                      self->peer_name, words);
  dimse_association_drive (self, DIMSE_EVT4_A_ASSOCIATE_RJ_RECEIVED, NULL, NULL, NULL);
}

static void
reject_rq (DimseAssociation *self, DimsePdu *reply)
{
  g_autofree char *words = dimse_associate_rj_describe (&reply->associate_rj);
  g_autoptr(GTask) task = g_steal_pointer (&self->establish_task);
  DimseUlContext ctx = { 0 };

  dimse_association_set_close_reason (self, DIMSE_CLOSE_REJECTED,
                                      "Rejected the association from %s: %s", self->peer_name,
                                      words);
  if (task != NULL)
    g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED, "%s",
                             self->close_description);
  /* PS3.8 §9.2.2 AE-6: the service provider rejects by itself (source 2
   * or 3); a rejection by the service user goes through AE-8. */
  if (reply->associate_rj.source != DIMSE_RJ_SOURCE_SERVICE_USER)
    {
      ctx.associate_rq_acceptable = FALSE;
      ctx.reject_result = reply->associate_rj.result;
      ctx.reject_source = reply->associate_rj.source;
      ctx.reject_reason = reply->associate_rj.reason;
      dimse_association_drive (self, DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED, &ctx, NULL, NULL);
      return;
    }
  ctx.associate_rq_acceptable = TRUE;
  if (dimse_association_drive (self, DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED, &ctx, NULL, NULL))
    dimse_association_drive (self, DIMSE_EVT8_A_ASSOCIATE_RESPONSE_REJECT, NULL, reply, NULL);
}

static gboolean at_local_limit (DimseAssociation *self);
static gboolean peer_refused (DimseAssociation *self, const DimsePdu *rq);

void
dimse_association_on_associate_rq (DimseAssociation *self, DimsePdu *pdu)
{
  g_autoptr(DimsePdu) reply = NULL;
  g_autoptr(GError) error = NULL;
  DimseNegotiationResult *result = NULL;
  DimseUlContext ctx = { 0 };

  if (self->refuse_local_limit || at_local_limit (self))
    reply = dimse_pdu_new_associate_rj (DIMSE_RJ_RESULT_TRANSIENT,
                                        DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION,
                                        DIMSE_RJ_REASON_LOCAL_LIMIT_EXCEEDED);
  else if (peer_refused (self, pdu))
    reply = dimse_pdu_new_associate_rj (DIMSE_RJ_RESULT_PERMANENT, DIMSE_RJ_SOURCE_SERVICE_USER,
                                        DIMSE_RJ_REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
  else if (self->policy == NULL
           || !dimse_negotiation_accept (self->policy, pdu, &result, &reply, &error))
    {
      dimse_association_fail (self, DIMSE_ABORT_REASON_UNEXPECTED_PDU,
                              error != NULL ? error->message : "no acceptor policy");
      return;
    }
  if (reply->type != DIMSE_PDU_ASSOCIATE_AC)
    {
      g_clear_pointer (&result, dimse_negotiation_result_free);
      reject_rq (self, reply);
      return;
    }
  self->result = result;
  ctx.associate_rq_acceptable = TRUE;
  if (!dimse_association_drive (self, DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED, &ctx, NULL, NULL))
    return;
  if (dimse_association_drive (self, DIMSE_EVT7_A_ASSOCIATE_RESPONSE_ACCEPT, NULL, reply, NULL)
      && self->fsm.state == DIMSE_STA6_ASSOCIATION_ESTABLISHED)
    established (self);
}

/* ---- requestor ---- */

/* The task data of a request or accept: the association, kept alive by
 * it, and the caller's cancellable, watched until the task is done. */
typedef struct {
  DimseAssociation    *self;
  GCancellable        *cancellable;
  gulong               cancel_handler;
  DimseAcceptLimitFunc limit_func;  /* the acceptor's */
  gpointer             limit_data;
  DimseAcceptPeerFunc  peer_func;
  gpointer             peer_data;
} RequestData;

static void
request_data_free (RequestData *data)
{
  if (data->cancellable != NULL)
    {
      g_cancellable_disconnect (data->cancellable, data->cancel_handler);
      g_object_unref (data->cancellable);
    }
  g_object_unref (data->self);
  g_free (data);
}

static void
on_request_cancelled (GCancellable *cancellable, gpointer user_data)
{
  DimseAssociation *self = user_data;

  /* Runs in the thread that cancels; the association lives on its own. */
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                              (GSourceFunc) dimse_association_cancel_establishing,
                              g_object_ref (self), g_object_unref);
}

/* Takes self. */
static RequestData *
request_data_new (DimseAssociation *self, GCancellable *cancellable)
{
  RequestData *data = g_new0 (RequestData, 1);

  data->self = self;
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancel_handler = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (on_request_cancelled),
                                                    self, NULL);
    }
  return data;
}

gboolean
dimse_association_cancel_establishing (DimseAssociation *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->closed || self->establish_task == NULL)
    return G_SOURCE_REMOVE;
  task = g_steal_pointer (&self->establish_task);
  self->policy = NULL;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "Establishing the association with %s was cancelled.",
                           self->peer_name);
  dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED,
                                      "Establishing the association with %s was cancelled.",
                                      self->peer_name);
  if (self->transport != NULL)
    dimse_association_abort (self, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  return G_SOURCE_REMOVE;
}

static void
on_transport_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseAssociation) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  DimseTransport *transport = dimse_transport_connect_finish (result, &error);

  if (transport == NULL)
    {
      task = g_steal_pointer (&self->establish_task);
      if (task != NULL)
        g_task_return_error (task, g_error_copy (error));
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED,
                                            "Establishing the association with %s was "
                                            "cancelled.", self->peer_name);
      else
        dimse_association_set_close_reason (self, DIMSE_CLOSE_CONNECTION_LOST, "%s",
                                            error->message);
      /* PS3.8 Sta4 has no event for a failed connect: back to Sta1, and
       * the end told as any other ("closed", once). */
      dimse_ul_fsm_init (&self->fsm);
      dimse_association_finish_closed (self);
      return;
    }
  self->transport = transport;
  if (self->closed || self->establish_task == NULL)
    {
      /* Cancelled while connecting: ended as aborted. */
      dimse_transport_close (transport);
      dimse_ul_fsm_init (&self->fsm);
      dimse_association_finish_closed (self);
      return;
    }
  dimse_association_drive (self, DIMSE_EVT2_TRANSPORT_CONNECT_CONFIRM, NULL, self->rq, NULL);
  self->establish_timeout = dimse_association_add_timeout (self, self->timeouts.artim_timeout_ms,
                                                           on_establish_timeout);
  dimse_association_resume_reading (self);
}

void
dimse_association_request_async (const DimseAssociationParams *params,
                                  const char *host, guint16 port,
                                  const DimseTimeouts *timeouts,
                                  const DimseTlsSettings *tls,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  dimse_association_request_full_async (params, host, port, timeouts, tls, NULL, cancellable,
                                        callback, user_data);
}

guint
dimse_association_request_full_async (const DimseAssociationParams *params,
                                       const char *host, guint16 port,
                                       const DimseTimeouts *timeouts,
                                       const DimseTlsSettings *tls,
                                       DimseRecorder *recorder,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimsePdu) rq = NULL;
  DimseAssociation *self;
  DimseUlStep step;
  guint recorder_id = 0;

  g_return_val_if_fail (params != NULL && host != NULL, 0);
  g_return_val_if_fail (recorder == NULL || DIMSE_IS_RECORDER (recorder), 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_association_request_async);
  rq = dimse_negotiation_build_rq (params, &error);
  if (rq == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return 0;
    }
  self = dimse_association_new_internal (timeouts);
  self->rq = g_steal_pointer (&rq);
  self->max_associate_length = params->max_associate_ac_length;
  self->peer_name = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                               : g_strdup_printf ("%s:%u", host, port);
  self->establish_task = g_object_ref (task);
  g_task_set_task_data (task, request_data_new (self, cancellable),
                        (GDestroyNotify) request_data_free);
  if (!dimse_association_drive (self, DIMSE_EVT1_A_ASSOCIATE_RQ_REQUEST, NULL, NULL, &step)
      || !step.connect_transport)
    {
      g_clear_object (&self->establish_task);
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED,
                               "The association could not be started.");
      return 0;
    }
  /* From the first PDU on, so that a refused request is recorded too. */
  if (recorder != NULL)
    recorder_id = dimse_association_set_recorder (self, recorder);
  dimse_transport_connect_async (host, port, self->timeouts.connect_timeout_ms, tls,
                                 cancellable, on_transport_connected, g_object_ref (self));
  return recorder_id;
}

static DimseAssociation *
finish_establishing (GAsyncResult *result, GError **error)
{
  DimseAssociation *self = g_task_propagate_pointer (G_TASK (result), error);

  if (self != NULL)
    {
      self->hold_reading = FALSE;
      dimse_association_resume_reading (self);
    }
  return self;
}

DimseAssociation *
dimse_association_request_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return finish_establishing (result, error);
}

/* ---- acceptor ---- */

/* Asked once, when the -RQ has arrived: the establish task is still held. */
static gboolean
at_local_limit (DimseAssociation *self)
{
  RequestData *data;

  if (self->establish_task == NULL)
    return FALSE;
  data = g_task_get_task_data (self->establish_task);
  return data->limit_func != NULL && data->limit_func (data->limit_data);
}

/* Asked once, when the -RQ has arrived, as at_local_limit. */
static gboolean
peer_refused (DimseAssociation *self, const DimsePdu *rq)
{
  RequestData *data;
  g_autoptr(GInetSocketAddress) remote = NULL;

  if (self->establish_task == NULL)
    return FALSE;
  data = g_task_get_task_data (self->establish_task);
  if (data->peer_func == NULL)
    return FALSE;
  remote = self->transport != NULL ? dimse_transport_get_remote_address (self->transport) : NULL;
  return !data->peer_func (rq->associate->calling_ae_title, remote, data->peer_data);
}

static void
accept_start (DimseTransport *transport, const DimseAcceptorPolicy *policy,
              const DimseTimeouts *timeouts, gboolean refuse_local_limit,
              const DimseAcceptOptions *options,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  DimseAssociation *self;
  RequestData *data;
  DimseUlStep step;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_association_accept_async);
  self = dimse_association_new_internal (timeouts);
  self->transport = g_object_ref (transport);
  self->peer_name = g_strdup (dimse_transport_get_peer_name (transport));
  self->policy = policy;
  self->refuse_local_limit = refuse_local_limit;
  self->establish_task = g_object_ref (task);
  data = request_data_new (self, cancellable);
  if (options != NULL)
    {
      data->limit_func = options->limit_func;
      data->limit_data = options->limit_data;
      data->peer_func = options->peer_func;
      data->peer_data = options->peer_data;
      self->max_associate_length = options->max_associate_rq_length;
      self->rq_deadline = options->rq_deadline;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);
  if (!dimse_association_drive (self, DIMSE_EVT5_TRANSPORT_CONNECT_INDICATION, NULL, NULL, &step))
    {
      g_clear_object (&self->establish_task);
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED,
                               "The association could not be started.");
      return;
    }
  dimse_association_resume_reading (self);
}

void
dimse_association_accept_async (DimseTransport *transport,
                                const DimseAcceptorPolicy *policy,
                                const DimseTimeouts *timeouts,
                                gboolean refuse_local_limit,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DIMSE_IS_TRANSPORT (transport));
  accept_start (transport, policy, timeouts, refuse_local_limit, NULL, cancellable,
                callback, user_data);
}

void
dimse_association_accept_full_async (DimseTransport *transport,
                                     const DimseAcceptorPolicy *policy,
                                     const DimseTimeouts *timeouts,
                                     DimseAcceptLimitFunc limit_func, gpointer limit_data,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  DimseAcceptOptions options = { .limit_func = limit_func, .limit_data = limit_data };

  g_return_if_fail (DIMSE_IS_TRANSPORT (transport));
  accept_start (transport, policy, timeouts, FALSE, &options, cancellable, callback, user_data);
}

void
dimse_association_accept_with_options_async (DimseTransport *transport,
                                             const DimseAcceptorPolicy *policy,
                                             const DimseTimeouts *timeouts,
                                             const DimseAcceptOptions *options,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  g_return_if_fail (DIMSE_IS_TRANSPORT (transport));
  accept_start (transport, policy, timeouts, FALSE, options, cancellable, callback, user_data);
}

DimseAssociation *
dimse_association_accept_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return finish_establishing (result, error);
}

/* ---- release ---- */

void
dimse_association_release_async (DimseAssociation *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimsePdu) rq = NULL;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_association_release_async);
  if (self->fsm.state != DIMSE_STA6_ASSOCIATION_ESTABLISHED || self->release_task != NULL)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED,
                               "The association with %s cannot be released in state %s (%s).",
                               self->peer_name, dimse_ul_state_name (self->fsm.state),
                               dimse_ul_state_describe (self->fsm.state));
      return;
    }
  self->release_task = g_object_ref (task);
  rq = dimse_pdu_new (DIMSE_PDU_RELEASE_RQ);
  dimse_association_drive (self, DIMSE_EVT11_A_RELEASE_REQUEST, NULL, rq, NULL);
  dimse_association_clear_source (&self->establish_timeout);
  self->establish_timeout = dimse_association_add_timeout (self, self->timeouts.artim_timeout_ms,
                                                           on_establish_timeout);
}

gboolean
dimse_association_release_finish (DimseAssociation *self, GAsyncResult *result,
                                  GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- getters ---- */

gboolean
dimse_association_is_requestor (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), FALSE);
  return self->fsm.is_requestor;
}

gboolean
dimse_association_is_established (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), FALSE);
  return self->fsm.state == DIMSE_STA6_ASSOCIATION_ESTABLISHED;
}

DimseUlState
dimse_association_get_state (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), DIMSE_STA1_IDLE);
  return self->fsm.state;
}

const DimseNegotiationResult *
dimse_association_get_negotiation (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), NULL);
  return self->result;
}

DimseTransport *
dimse_association_get_transport (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), NULL);
  return self->transport;
}

const char *
dimse_association_get_peer_name (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), NULL);
  return self->peer_name;
}
