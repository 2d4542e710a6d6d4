/* dimse-association.c — the association's life: the PS3.8 §9.2 state
 * machine driven by transport events, timers and the local user */
#include "dimse-association-private.h"

#include "dimse-error.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 30000
#define DEFAULT_ARTIM_TIMEOUT_MS 30000
#define DEFAULT_DIMSE_TIMEOUT_MS 60000
#define DEFAULT_IDLE_TIMEOUT_MS (10 * 60 * 1000)
#define MAX_PDUS_PER_READ_PASS 32

guint dimse_association_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DimseAssociation, dimse_association, G_TYPE_OBJECT)

static void start_read (DimseAssociation *self);

void
dimse_timeouts_init (DimseTimeouts *timeouts)
{
  timeouts->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  timeouts->artim_timeout_ms = DEFAULT_ARTIM_TIMEOUT_MS;
  timeouts->dimse_timeout_ms = DEFAULT_DIMSE_TIMEOUT_MS;
  timeouts->idle_timeout_ms = DEFAULT_IDLE_TIMEOUT_MS;
}

const char *
dimse_close_reason_to_string (DimseCloseReason reason)
{
  switch (reason)
    {
    case DIMSE_CLOSE_RELEASED: return "released";
    case DIMSE_CLOSE_REJECTED: return "rejected";
    case DIMSE_CLOSE_ABORTED: return "aborted";
    case DIMSE_CLOSE_CONNECTION_LOST: return "connection lost";
    case DIMSE_CLOSE_TIMEOUT: return "timed out";
    default: return "unknown";
    }
}

void
dimse_association_clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

GSource *
dimse_association_add_timeout (DimseAssociation *self, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
dimse_association_dispose (GObject *object)
{
  DimseAssociation *self = DIMSE_ASSOCIATION (object);

  dimse_association_clear_source (&self->artim);
  dimse_association_clear_source (&self->idle);
  dimse_association_clear_source (&self->establish_timeout);
  if (self->transport != NULL)
    dimse_transport_close (self->transport);
  dimse_association_rx_reset (self);
  g_clear_pointer (&self->operations, g_hash_table_unref);
  g_clear_pointer (&self->incoming, g_hash_table_unref);
  if (self->sink_destroy != NULL)
    g_clear_pointer (&self->sink_data, self->sink_destroy);
  self->sink = NULL;
  g_clear_object (&self->transport);
  G_OBJECT_CLASS (dimse_association_parent_class)->dispose (object);
}

static void
dimse_association_finalize (GObject *object)
{
  DimseAssociation *self = DIMSE_ASSOCIATION (object);

  g_clear_pointer (&self->rq, dimse_pdu_free);
  g_clear_pointer (&self->raw_rq, g_bytes_unref);
  g_clear_pointer (&self->raw_reply, g_bytes_unref);
  g_clear_pointer (&self->result, dimse_negotiation_result_free);
  g_clear_object (&self->cancellable);
  g_free (self->peer_name);
  g_free (self->close_description);
  g_clear_error (&self->rx_sink_error);
  g_clear_pointer (&self->rx_write_buffer, g_bytes_unref);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (dimse_association_parent_class)->finalize (object);
}

static void
dimse_association_class_init (DimseAssociationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dimse_association_dispose;
  object_class->finalize = dimse_association_finalize;

  dimse_association_signals[SIGNAL_REQUEST_RECEIVED] =
    g_signal_new ("request-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UCHAR, DIMSE_TYPE_MESSAGE, G_TYPE_FILE);
  dimse_association_signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  dimse_association_signals[SIGNAL_MESSAGE_SENT] =
    g_signal_new ("message-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UCHAR, DIMSE_TYPE_MESSAGE);
  dimse_association_signals[SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UCHAR, DIMSE_TYPE_MESSAGE);
  dimse_association_signals[SIGNAL_PDU_SENT] =
    g_signal_new ("pdu-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  dimse_association_signals[SIGNAL_PDU_RECEIVED] =
    g_signal_new ("pdu-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
}

static void
dimse_association_init (DimseAssociation *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->max_data_set_in_memory = DIMSE_ASSOCIATION_DEFAULT_MAX_DATA_SET_IN_MEMORY;
  self->operations = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) dimse_operation_free);
  self->incoming = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  dimse_ul_fsm_init (&self->fsm);
}

DimseAssociation *
dimse_association_new_internal (const DimseTimeouts *timeouts)
{
  DimseAssociation *self = g_object_new (DIMSE_TYPE_ASSOCIATION, NULL);
  DimseTimeouts defaults;

  dimse_timeouts_init (&defaults);
  if (timeouts != NULL)
    self->timeouts = *timeouts;
  else
    self->timeouts = defaults;
  if (self->timeouts.connect_timeout_ms == 0)
    self->timeouts.connect_timeout_ms = defaults.connect_timeout_ms;
  if (self->timeouts.artim_timeout_ms == 0)
    self->timeouts.artim_timeout_ms = defaults.artim_timeout_ms;
  if (self->timeouts.dimse_timeout_ms == 0)
    self->timeouts.dimse_timeout_ms = defaults.dimse_timeout_ms;
  if (self->timeouts.idle_timeout_ms == 0)
    self->timeouts.idle_timeout_ms = defaults.idle_timeout_ms;
  return self;
}

/* The first reason given is the one the association ended for: an abort
 * after a completed release does not change that it was released. */
void
dimse_association_set_close_reason (DimseAssociation *self, DimseCloseReason reason,
                                    const char *format, ...)
{
  va_list args;

  if (self->close_reason_set)
    return;
  self->close_reason_set = TRUE;
  self->close_reason = reason;
  va_start (args, format);
  self->close_description = g_strdup_vprintf (format, args);
  va_end (args);
}

/* ---- performing the state machine's steps ---- */

static void
on_artim (gpointer user_data);

static gboolean
artim_expired (gpointer user_data)
{
  DimseAssociation *self = user_data;

  g_clear_pointer (&self->artim, g_source_unref);
  on_artim (self);
  return G_SOURCE_REMOVE;
}

static void
close_transport (DimseAssociation *self)
{
  if (self->transport != NULL)
    dimse_transport_close (self->transport);
}

static void
keep_associate_exchange (DimseAssociation *self, GBytes *raw)
{
  const guint8 *data = g_bytes_get_data (raw, NULL);

  if (data[0] == DIMSE_PDU_ASSOCIATE_RQ)
    {
      g_clear_pointer (&self->raw_rq, g_bytes_unref);
      self->raw_rq = g_bytes_ref (raw);
    }
  else if (data[0] == DIMSE_PDU_ASSOCIATE_AC || data[0] == DIMSE_PDU_ASSOCIATE_RJ)
    {
      g_clear_pointer (&self->raw_reply, g_bytes_unref);
      self->raw_reply = g_bytes_ref (raw);
    }
}

void
dimse_association_get_associate_exchange (DimseAssociation *self, GBytes **rq, GBytes **reply)
{
  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));

  if (rq != NULL)
    *rq = self->raw_rq != NULL ? g_bytes_ref (self->raw_rq) : NULL;
  if (reply != NULL)
    *reply = self->raw_reply != NULL ? g_bytes_ref (self->raw_reply) : NULL;
}

static DimsePdu *
pdu_from_step (const DimseUlStep *step)
{
  switch (step->send_pdu)
    {
    case DIMSE_PDU_ABORT:
      return dimse_pdu_new_abort (step->abort_source, step->abort_reason);
    case DIMSE_PDU_ASSOCIATE_RJ:
      return dimse_pdu_new_associate_rj (step->reject_result, step->reject_source,
                                         step->reject_reason);
    default:
      return dimse_pdu_new (step->send_pdu);
    }
}

/* Feeds one event to the state machine and performs the step, in the order
 * PS3.8 §9.2 gives; the local user's PDU (primitive) is not taken. */
gboolean
dimse_association_drive (DimseAssociation *self, DimseUlEvent event, const DimseUlContext *ctx,
                         const DimsePdu *primitive, DimseUlStep *out_step)
{
  DimseUlStep step;
  DimseUlState before = self->fsm.state;
  g_autoptr(GError) error = NULL;

  if (!dimse_ul_fsm_handle (&self->fsm, event, ctx, &step, &error))
    {
      g_debug ("Association with %s: %s", self->peer_name, error->message);
      return FALSE;
    }
  if (step.action == DIMSE_AA_8)
    dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED,
                                        "Aborted the association with %s, which sent a PDU "
                                        "that %s does not allow (%s).", self->peer_name,
                                        dimse_ul_state_name (before),
                                        dimse_ul_event_name (event));
  if (step.stop_artim)
    dimse_association_clear_source (&self->artim);
  /* A P-DATA-TF goes out as the caller's vectored buffers (DT-1, AR-7). */
  if (step.send_pdu != 0 && !(step.send_pdu == DIMSE_PDU_P_DATA_TF && primitive == NULL))
    {
      /* The local user's PDU when it has one of the type to send: an
       * A-ABORT request may name the provider as source (a negotiation
       * the requestor cannot accept, PS3.7 §D.3.3) though AA-1 says user. */
      if (primitive != NULL && primitive->type == step.send_pdu)
        dimse_association_send_pdu (self, (DimsePdu *) primitive);
      else
        {
          g_autoptr(DimsePdu) pdu = pdu_from_step (&step);
          dimse_association_send_pdu (self, pdu);
        }
    }
  if (step.start_artim)
    {
      guint ms = self->timeouts.artim_timeout_ms;

      /* The wait for the -RQ ends with what is left of ARTIM since the
       * connection came (a TLS handshake used the rest). */
      if (self->fsm.state == DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ
          && self->rq_deadline != 0)
        {
          gint64 left = (self->rq_deadline - g_get_monotonic_time ()) / 1000;

          ms = (guint) CLAMP (left, 1, (gint64) ms);
        }
      dimse_association_clear_source (&self->artim);
      self->artim = dimse_association_add_timeout (self, ms, artim_expired);
    }
  if (step.close_transport)
    close_transport (self);
  if (out_step != NULL)
    *out_step = step;
  if (self->fsm.state == DIMSE_STA1_IDLE)
    dimse_association_finish_closed (self);
  return TRUE;
}

/* We always agree to release (PS3.8 §7.2): the A-RELEASE response to an
 * indication, also in either release collision state. */
void
dimse_association_answer_release (DimseAssociation *self)
{
  DimseUlState state = self->fsm.state;

  if (state == DIMSE_STA8_AWAITING_LOCAL_A_RELEASE_RESPONSE
      || state == DIMSE_STA9_RELEASE_COLLISION_REQUESTOR_AWAITING_LOCAL_RESPONSE
      || state == DIMSE_STA12_RELEASE_COLLISION_ACCEPTOR_AWAITING_LOCAL_RESPONSE)
    {
      g_autoptr(DimsePdu) rp = dimse_pdu_new (DIMSE_PDU_RELEASE_RP);

      dimse_association_set_close_reason (self, DIMSE_CLOSE_RELEASED,
                                          "The association with %s was released.", self->peer_name);
      dimse_association_drive (self, DIMSE_EVT14_A_RELEASE_RESPONSE, NULL, rp, NULL);
    }
}

static void
on_artim (gpointer user_data)
{
  DimseAssociation *self = user_data;

  if (self->fsm.state == DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ)
    dimse_association_set_close_reason (self, DIMSE_CLOSE_TIMEOUT,
                      "%s sent no A-ASSOCIATE-RQ within the ARTIM timeout of %u ms.",
                      self->peer_name, self->timeouts.artim_timeout_ms);
  else
    dimse_association_set_close_reason (self, DIMSE_CLOSE_TIMEOUT,
                      "%s did not close the connection within the ARTIM timeout of %u ms.",
                      self->peer_name, self->timeouts.artim_timeout_ms);
  dimse_association_drive (self, DIMSE_EVT18_ARTIM_EXPIRED, NULL, NULL, NULL);
}

void
dimse_association_fail (DimseAssociation *self, DimseAbortReason reason, const char *why)
{
  DimseUlContext ctx = { 0 };

  dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED,
                                      "Aborted the association with %s, which sent an "
                                      "invalid PDU: %s", self->peer_name, why);
  ctx.associate_rq_acceptable = TRUE;
  ctx.invalid_pdu_reason = reason;
  dimse_association_drive (self, DIMSE_EVT19_UNRECOGNIZED_OR_INVALID_PDU, &ctx, NULL, NULL);
}

void
dimse_association_abort (DimseAssociation *self, DimseAbortSource source,
                         DimseAbortReason reason)
{
  g_autoptr(DimsePdu) pdu = NULL;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));

  if (self->closed)
    return;
  pdu = dimse_pdu_new_abort (source, reason);
  {
    g_autofree char *words = dimse_abort_describe (&pdu->abort);

    dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED,
                                        "Aborted the association with %s (%s).", self->peer_name,
                                        words);
  }
  /* PS3.8 Table 9-10 has no A-ABORT request before the -RQ arrived (Sta2):
   * there is no association to abort, only the connection to close. */
  if (!dimse_association_drive (self, DIMSE_EVT15_A_ABORT_REQUEST, NULL, pdu, NULL)
      && self->fsm.state == DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ)
    {
      close_transport (self);
      dimse_association_drive (self, DIMSE_EVT17_TRANSPORT_CLOSED, NULL, NULL, NULL);
    }
}

/* ---- ending ---- */

GError *
dimse_association_close_error (DimseAssociation *self)
{
  static const DimseError codes[] = {
    [DIMSE_CLOSE_RELEASED] = DIMSE_ERROR_ASSOCIATION_RELEASED,
    [DIMSE_CLOSE_REJECTED] = DIMSE_ERROR_ASSOCIATION_REJECTED,
    [DIMSE_CLOSE_ABORTED] = DIMSE_ERROR_ASSOCIATION_ABORTED,
    [DIMSE_CLOSE_CONNECTION_LOST] = DIMSE_ERROR_CONNECTION,
    [DIMSE_CLOSE_TIMEOUT] = DIMSE_ERROR_TIMEOUT,
  };

  return g_error_new_literal (DIMSE_ERROR, codes[self->close_reason], self->close_description);
}

static void
cancel_incoming (gpointer key, gpointer value, gpointer user_data)
{
  g_cancellable_cancel (value);
}

void
dimse_association_finish_closed (DimseAssociation *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) establish = NULL;
  g_autoptr(GTask) release = NULL;

  if (self->closed)
    return;
  self->closed = TRUE;
  establish = g_steal_pointer (&self->establish_task);
  release = g_steal_pointer (&self->release_task);
  g_object_ref (self);
  dimse_association_set_close_reason (self, DIMSE_CLOSE_CONNECTION_LOST,
                                      "The connection to %s was lost.", self->peer_name);
  dimse_association_clear_source (&self->artim);
  dimse_association_clear_source (&self->idle);
  dimse_association_clear_source (&self->establish_timeout);
  close_transport (self);
  dimse_association_rx_reset (self);
  error = dimse_association_close_error (self);
  if (establish != NULL)
    g_task_return_error (establish, g_error_copy (error));
  if (release != NULL && self->close_reason == DIMSE_CLOSE_RELEASED)
    g_task_return_boolean (release, TRUE);
  else if (release != NULL)
    g_task_return_error (release, g_error_copy (error));
  dimse_association_fail_operations (self, error);
  /* No response to a request being performed can go out any more. */
  g_hash_table_foreach (self->incoming, cancel_incoming, NULL);
  g_signal_emit (self, dimse_association_signals[SIGNAL_CLOSED], 0,
                 (guint) self->close_reason, self->close_description);
  g_object_unref (self);
}

/* ---- writing PDUs ---- */

/* Why the transport failed us: its write timer, or the connection. */
static DimseCloseReason
close_reason_for (const GError *error)
{
  return g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT) ? DIMSE_CLOSE_TIMEOUT
                                                                   : DIMSE_CLOSE_CONNECTION_LOST;
}

typedef struct {
  DimseAssociation *self;
  GTask            *task;
  gboolean          close_after;
} SendData;

static void
on_buffers_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendData *data = user_data;
  DimseAssociation *self = data->self;
  g_autoptr(GError) error = NULL;

  if (!dimse_transport_write_finish (DIMSE_TRANSPORT (source), result, &error))
    {
      if (!self->closed)
        {
          dimse_association_set_close_reason (self, close_reason_for (error), "%s",
                                              error->message);
          close_transport (self);
          dimse_association_drive (self, DIMSE_EVT17_TRANSPORT_CLOSED, NULL, NULL, NULL);
        }
      /* Why the association ended, rather than the write's "Operation was
       * cancelled" when it was closed under the write. */
      if (data->task != NULL)
        g_task_return_error (data->task, dimse_association_close_error (self));
    }
  else
    {
      if (data->task != NULL)
        g_task_return_boolean (data->task, TRUE);
      /* PS3.8 §9.2.2 AA-1 waits for the peer to close; the A-ABORT has gone
       * out ahead of our FIN, so nothing is lost by closing now. */
      if (data->close_after && !self->closed)
        {
          close_transport (self);
          dimse_association_drive (self, DIMSE_EVT17_TRANSPORT_CLOSED, NULL, NULL, NULL);
        }
    }
  g_clear_object (&data->task);
  g_object_unref (data->self);
  g_free (data);
}

static void
send_buffers_full (DimseAssociation *self, GPtrArray *buffers, GTask *task,
                   gboolean close_after)
{
  SendData *data = g_new0 (SendData, 1);

  data->self = g_object_ref (self);
  data->task = task != NULL ? g_object_ref (task) : NULL;
  data->close_after = close_after;
  dimse_association_touch (self);
  /* A peer that reads nothing of a message for the DIMSE timeout is as
   * dead as one that does not answer it. */
  dimse_transport_set_write_timeout (self->transport, self->timeouts.dimse_timeout_ms);
  dimse_transport_write_async (self->transport, buffers, NULL, on_buffers_written, data);
}

void
dimse_association_send_buffers (DimseAssociation *self, GPtrArray *buffers, GTask *task)
{
  send_buffers_full (self, buffers, task, FALSE);
}

void
dimse_association_send_pdu (DimseAssociation *self, DimsePdu *pdu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dimse_pdu_encode (pdu, &error);
  g_autoptr(GPtrArray) buffers = NULL;

  if (bytes == NULL)
    {
      g_warning ("Could not encode a %s PDU for %s: %s",
                 dimse_pdu_type_to_string (pdu->type), self->peer_name, error->message);
      return;
    }
  if (self->transport == NULL)
    return;
  keep_associate_exchange (self, bytes);
  g_signal_emit (self, dimse_association_signals[SIGNAL_PDU_SENT], 0, bytes);
  buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (buffers, g_steal_pointer (&bytes));
  send_buffers_full (self, buffers, NULL, pdu->type == DIMSE_PDU_ABORT);
}

/* ---- idle timer ---- */

void
dimse_association_touch (DimseAssociation *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean on_idle_timer (gpointer user_data);

void
dimse_association_schedule_idle (DimseAssociation *self, guint ms)
{
  dimse_association_clear_source (&self->idle);
  self->idle = dimse_association_add_timeout (self, ms, on_idle_timer);
}

static gboolean
on_idle_timer (gpointer user_data)
{
  DimseAssociation *self = user_data;
  gint64 idle_us = (gint64) self->timeouts.idle_timeout_ms * 1000;
  gint64 last = self->last_activity;
  gint64 quiet;

  /* A long send that the peer keeps reading is activity too. */
  if (self->transport != NULL)
    last = MAX (last, dimse_transport_get_last_write_progress (self->transport));
  quiet = g_get_monotonic_time () - last;

  g_clear_pointer (&self->idle, g_source_unref);
  if (quiet < idle_us)
    {
      dimse_association_schedule_idle (self, (guint) ((idle_us - quiet) / 1000) + 1);
      return G_SOURCE_REMOVE;
    }
  dimse_association_set_close_reason (self, DIMSE_CLOSE_TIMEOUT,
                                      "The association with %s was idle for %u ms and was aborted.",
                                      self->peer_name, self->timeouts.idle_timeout_ms);
  dimse_association_abort (self, DIMSE_ABORT_SOURCE_SERVICE_USER,
                           DIMSE_ABORT_REASON_NOT_SPECIFIED);
  return G_SOURCE_REMOVE;
}

/* ---- reading PDUs ---- */

static void
on_abort_received (DimseAssociation *self, DimsePdu *pdu)
{
  g_autofree char *words = dimse_abort_describe (&pdu->abort);
  DimseUlContext ctx = { 0 };

  dimse_association_set_close_reason (self, DIMSE_CLOSE_ABORTED, "%s aborted the association (%s).",
                                      self->peer_name, words);
  ctx.associate_rq_acceptable = TRUE;
  ctx.received_abort_source = pdu->abort.source;
  ctx.received_abort_reason = pdu->abort.reason;
  dimse_association_drive (self, DIMSE_EVT16_A_ABORT_RECEIVED, &ctx, NULL, NULL);
}

static gboolean
on_pdata (DimseAssociation *self, DimsePdu *pdu)
{
  DimseUlStep step;

  if (!dimse_association_drive (self, DIMSE_EVT10_P_DATA_TF_RECEIVED, NULL, NULL, &step)
      || step.indication != DIMSE_UL_IND_P_DATA)
    return FALSE;
  self->rx_pdu = pdu;
  self->rx_index = 0;
  dimse_association_process_pdvs (self);
  return TRUE;
}

static DimsePduLimits
read_limits (DimseAssociation *self)
{
  DimsePduLimits limits;

  dimse_pdu_limits_init (&limits);
  if (self->result != NULL)
    limits.max_pdata_length = self->result->local_max_pdu_length;
  else if (self->rq != NULL && self->rq->associate->user_info != NULL && self->fsm.is_requestor)
    limits.max_pdata_length = self->rq->associate->user_info->max_pdu_length;
  else
    limits.max_pdata_length = DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH;
  if (self->max_associate_length != 0)
    limits.max_associate_length = self->max_associate_length;
  return limits;
}

static void
handle_pdu (DimseAssociation *self, GBytes *raw)
{
  DimsePduLimits limits = read_limits (self);
  g_autoptr(DimsePdu) pdu = NULL;
  g_autoptr(GError) error = NULL;
  DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;

  if (!dimse_pdu_decode_full (raw, &limits, &pdu, &reason, &error))
    {
      dimse_association_fail (self, reason, error->message);
      return;
    }
  switch (pdu->type)
    {
    case DIMSE_PDU_ASSOCIATE_RQ:
      /* PS3.8 Table 9-10: past Sta2 a second -RQ is AA-8 (or AA-7), never
       * negotiated again. */
      if (self->fsm.state != DIMSE_STA2_TRANSPORT_OPEN_AWAITING_A_ASSOCIATE_RQ)
        {
          dimse_association_drive (self, DIMSE_EVT6_A_ASSOCIATE_RQ_RECEIVED, NULL, NULL, NULL);
          break;
        }
      g_clear_pointer (&self->rq, dimse_pdu_free);
      self->rq = g_steal_pointer (&pdu);
      dimse_association_on_associate_rq (self, self->rq);
      break;
    case DIMSE_PDU_ASSOCIATE_AC:
      dimse_association_on_associate_ac (self, pdu);
      break;
    case DIMSE_PDU_ASSOCIATE_RJ:
      dimse_association_on_associate_rj (self, pdu);
      break;
    case DIMSE_PDU_P_DATA_TF:
      if (on_pdata (self, pdu))
        {
          pdu = NULL;  /* self->rx_pdu now; reading resumes once it is consumed */
          return;
        }
      break;
    case DIMSE_PDU_RELEASE_RQ:
      dimse_association_drive (self, DIMSE_EVT12_A_RELEASE_RQ_RECEIVED, NULL, NULL, NULL);
      dimse_association_answer_release (self);
      break;
    case DIMSE_PDU_RELEASE_RP:
      if (self->fsm.state == DIMSE_STA7_AWAITING_A_RELEASE_RP
          || self->fsm.state == DIMSE_STA11_RELEASE_COLLISION_REQUESTOR_AWAITING_A_RELEASE_RP)
        dimse_association_set_close_reason (self, DIMSE_CLOSE_RELEASED,
                                            "The association with %s was released.",
                                            self->peer_name);
      dimse_association_drive (self, DIMSE_EVT13_A_RELEASE_RP_RECEIVED, NULL, NULL, NULL);
      dimse_association_answer_release (self);
      break;
    case DIMSE_PDU_ABORT:
      on_abort_received (self, pdu);
      break;
    }
  start_read (self);
}

/* A PDU read (raw), or why none could be (error and reason). */
static void
pdu_arrived (DimseAssociation *self, GBytes *raw, DimseAbortReason reason, const GError *error)
{
  if (raw == NULL)
    {
      if (g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID)
          || g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_PDU_TOO_LARGE))
        dimse_association_fail (self, reason, error->message);
      else
        {
          dimse_association_set_close_reason (self, close_reason_for (error), "%s",
                                              error->message);
          dimse_association_drive (self, DIMSE_EVT17_TRANSPORT_CLOSED, NULL, NULL, NULL);
        }
      return;
    }
  dimse_association_touch (self);
  keep_associate_exchange (self, raw);
  g_signal_emit (self, dimse_association_signals[SIGNAL_PDU_RECEIVED], 0, raw);
  handle_pdu (self, raw);
}

static void
on_pdu_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseAssociation) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;

  raw = dimse_transport_read_pdu_finish (DIMSE_TRANSPORT (source), result, &reason, &error);
  self->reading = FALSE;
  if (self->closed)
    return;
  pdu_arrived (self, raw, reason, error);
}

static gboolean
can_read (DimseAssociation *self)
{
  return !self->reading && !self->closed && !self->hold_reading && self->rx_pdu == NULL
         && self->transport != NULL && !dimse_transport_is_closed (self->transport);
}

/* PDUs already whole in the transport's buffer are handled in this loop,
 * not one main loop pass each; after MAX_PDUS_PER_READ_PASS of them the
 * asynchronous read takes over, so that the context's other sources run.
 * Handling a PDU asks for the next by calling back here: the loop goes on
 * only then, as the asynchronous read would have been started only then. */
static void
start_read (DimseAssociation *self)
{
  g_autoptr(DimseAssociation) keep = NULL;
  guint n = 0;

  if (self->in_read_loop)
    {
      self->read_again = TRUE;
      return;
    }
  if (!can_read (self))
    return;
  keep = g_object_ref (self);
  self->in_read_loop = TRUE;
  self->read_again = TRUE;
  while (self->read_again && can_read (self))
    {
      DimsePduLimits limits = read_limits (self);
      DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) raw = NULL;

      if (n++ < MAX_PDUS_PER_READ_PASS)
        raw = dimse_transport_take_buffered_pdu (self->transport, &limits, &reason, &error);
      if (raw == NULL && error == NULL)
        {
          self->reading = TRUE;
          dimse_transport_read_pdu_async (self->transport, &limits, self->cancellable,
                                          on_pdu_read, g_object_ref (self));
          break;
        }
      self->read_again = FALSE;
      pdu_arrived (self, raw, reason, error);
    }
  self->in_read_loop = FALSE;
}

void
dimse_association_resume_reading (DimseAssociation *self)
{
  start_read (self);
}
