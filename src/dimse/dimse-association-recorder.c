/* dimse-association-recorder.c — feeding an association's traffic to a
 * DimseRecorder */
#include "dimse-association-private.h"

typedef struct {
  DimseRecorder *recorder;
  guint          id;
  gboolean       transport_noted;
} Recording;

static void
recording_free (gpointer data, GClosure *closure)
{
  Recording *recording = data;

  g_object_unref (recording->recorder);
  g_free (recording);
}

/* The acceptor has its transport from the start; the requestor once
 * connected, which is before its -RQ goes out. A TLS handshake is over by
 * then, so the peer's certificate is known. */
static void
note_transport (DimseAssociation *self, Recording *recording)
{
  g_autoptr(DimseTlsInfo) tls = NULL;
  g_autoptr(GInetSocketAddress) local = NULL;
  g_autoptr(GInetSocketAddress) peer = NULL;

  if (recording->transport_noted || self->transport == NULL)
    return;
  recording->transport_noted = TRUE;
  /* a requestor is recorded before it connects */
  local = dimse_transport_get_local_address (self->transport);
  peer = dimse_transport_get_remote_address (self->transport);
  dimse_recorder_set_addresses (recording->recorder, recording->id, local, peer);
  tls = dimse_tls_info_new_for_transport (self->transport);
  dimse_recorder_set_transport (recording->recorder, recording->id, tls);
}

static void
on_pdu_sent (DimseAssociation *self, GBytes *raw, Recording *recording)
{
  note_transport (self, recording);
  dimse_recorder_record_pdu (recording->recorder, recording->id, DIMSE_TRAFFIC_DIRECTION_SENT,
                             raw);
}

static void
on_pdu_received (DimseAssociation *self, GBytes *raw, Recording *recording)
{
  note_transport (self, recording);
  dimse_recorder_record_pdu (recording->recorder, recording->id,
                             DIMSE_TRAFFIC_DIRECTION_RECEIVED, raw);
}

static void
on_message_sent (DimseAssociation *self, guint8 pc_id, DimseMessage *msg,
                 Recording *recording)
{
  dimse_recorder_record_message (recording->recorder, recording->id,
                                 DIMSE_TRAFFIC_DIRECTION_SENT, pc_id, msg);
}

static void
on_message_received (DimseAssociation *self, guint8 pc_id, DimseMessage *msg,
                     Recording *recording)
{
  dimse_recorder_record_message (recording->recorder, recording->id,
                                 DIMSE_TRAFFIC_DIRECTION_RECEIVED, pc_id, msg);
}

static void
on_closed (DimseAssociation *self, guint reason, const char *description,
           Recording *recording)
{
  dimse_recorder_end_association (recording->recorder, recording->id, description);
}

/* The -RQ and its answer went out before anyone could connect. */
static void
record_associate_exchange (DimseAssociation *self, Recording *recording)
{
  DimseTrafficDirection rq_direction = self->fsm.is_requestor ? DIMSE_TRAFFIC_DIRECTION_SENT
                                                              : DIMSE_TRAFFIC_DIRECTION_RECEIVED;
  DimseTrafficDirection reply_direction = self->fsm.is_requestor
                                          ? DIMSE_TRAFFIC_DIRECTION_RECEIVED
                                          : DIMSE_TRAFFIC_DIRECTION_SENT;

  if (self->raw_rq != NULL)
    dimse_recorder_record_pdu (recording->recorder, recording->id, rq_direction,
                               self->raw_rq);
  if (self->raw_reply != NULL)
    dimse_recorder_record_pdu (recording->recorder, recording->id, reply_direction,
                               self->raw_reply);
}

guint
dimse_association_set_recorder (DimseAssociation *self, DimseRecorder *recorder)
{
  g_autoptr(GInetSocketAddress) local = NULL;
  g_autoptr(GInetSocketAddress) peer = NULL;
  Recording *recording;
  const DimseAssociate *rq;

  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), 0);
  g_return_val_if_fail (DIMSE_IS_RECORDER (recorder), 0);

  if (self->transport != NULL)
    {
      local = dimse_transport_get_local_address (self->transport);
      peer = dimse_transport_get_remote_address (self->transport);
    }
  rq = self->rq != NULL ? self->rq->associate : NULL;
  recording = g_new0 (Recording, 1);
  recording->recorder = g_object_ref (recorder);
  recording->id = dimse_recorder_begin_association (recorder, local, peer,
                                                    rq != NULL ? rq->calling_ae_title : NULL,
                                                    rq != NULL ? rq->called_ae_title : NULL,
                                                    self->fsm.is_requestor);
  note_transport (self, recording);
  record_associate_exchange (self, recording);
  g_signal_connect_data (self, "pdu-sent", G_CALLBACK (on_pdu_sent), recording,
                         recording_free, 0);
  g_signal_connect (self, "pdu-received", G_CALLBACK (on_pdu_received), recording);
  g_signal_connect (self, "message-sent", G_CALLBACK (on_message_sent), recording);
  g_signal_connect (self, "message-received", G_CALLBACK (on_message_received), recording);
  g_signal_connect (self, "closed", G_CALLBACK (on_closed), recording);
  if (self->closed)
    dimse_recorder_end_association (recorder, recording->id, self->close_description);
  return recording->id;
}
