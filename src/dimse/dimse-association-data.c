/* dimse-association-data.c — DIMSE messages in over P-DATA-TF:
 * reassembling PDVs (PS3.8 §9.3.5, Annex E), streaming data sets to a
 * sink, and the responses to outstanding requests (PS3.7 §D.3.3.3); the
 * sending side is in dimse-association-send.c */
#include "dimse-association-private.h"

#include "dcm-tags.h"
#include "dimse-error.h"
#include "dimse-status.h"

typedef enum {
  PDV_CONTINUE,
  PDV_ASYNC,    /* a write to the sink is under way; it resumes processing */
  PDV_FAILED,   /* the association was aborted */
} PdvOutcome;

static void
received_free (Received *received)
{
  g_clear_pointer (&received->msg, dimse_message_unref);
  g_clear_object (&received->data_set_file);
  g_clear_error (&received->error);
  g_free (received);
}

void
dimse_operation_free (Operation *op)
{
  dimse_association_clear_source (&op->timeout);
  if (op->cancellable != NULL)
    {
      g_cancellable_disconnect (op->cancellable, op->cancel_handler);
      g_clear_object (&op->cancellable);
    }
  g_clear_object (&op->waiter);
  g_queue_clear_full (&op->responses, (GDestroyNotify) received_free);
  g_free (op);
}

void
dimse_association_set_data_set_sink (DimseAssociation *self, DimseDataSetSinkFunc func,
                                     gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));

  if (self->sink_destroy != NULL)
    self->sink_destroy (self->sink_data);
  self->sink = func;
  self->stream_sink = NULL;
  self->sink_data = user_data;
  self->sink_destroy = destroy;
}

void
dimse_association_set_data_set_stream_sink (DimseAssociation *self,
                                            DimseDataSetStreamSinkFunc func,
                                            gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));

  dimse_association_set_data_set_sink (self, NULL, user_data, destroy);
  self->stream_sink = func;
}

const GError *
dimse_association_get_sink_error (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), NULL);
  return self->delivered_sink_error;
}

void
dimse_association_set_max_data_set_in_memory (DimseAssociation *self, guint64 max_bytes)
{
  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));
  self->max_data_set_in_memory = max_bytes;
}

/* ---- receiving ---- */

/* Closes and deletes the file of a data set that will not be delivered. */
static void
discard_sink_file (DimseAssociation *self)
{
  if (self->rx_out != NULL)
    {
      g_output_stream_close (self->rx_out, NULL, NULL);
      g_clear_object (&self->rx_out);
    }
  if (self->rx_file != NULL)
    g_file_delete (self->rx_file, NULL, NULL);
  g_clear_object (&self->rx_file);
}

void
dimse_association_rx_reset (DimseAssociation *self)
{
  /* An unfinished data set is of no use to anyone; while a write to it is
   * under way, its callback discards it (the stream is busy until then). */
  if (!self->rx_writing)
    {
      if (self->rx_out != NULL)
        discard_sink_file (self);
      g_clear_object (&self->rx_file);
    }
  g_clear_object (&self->rx_stream);
  g_clear_error (&self->rx_sink_error);
  self->rx_discarding = FALSE;
  g_clear_pointer (&self->rx_command, g_byte_array_unref);
  g_clear_pointer (&self->rx_data, g_byte_array_unref);
  g_clear_pointer (&self->rx_msg, dimse_message_unref);
  self->rx_data_size = 0;
  self->rx_phase = RX_EXPECT_COMMAND;
  if (self->closed)
    g_clear_pointer (&self->rx_pdu, dimse_pdu_free);
}

static void
finish_operation_wait (Operation *op)
{
  dimse_association_clear_source (&op->timeout);
  if (op->cancellable != NULL)
    {
      g_cancellable_disconnect (op->cancellable, op->cancel_handler);
      g_clear_object (&op->cancellable);
    }
}

/* Hands the oldest queued response to the waiter, if both are there. */
static void
serve_waiter (DimseAssociation *self, Operation *op)
{
  g_autoptr(GTask) task = NULL;
  Received *received;

  if (op->waiter == NULL || g_queue_is_empty (&op->responses))
    return;
  task = g_steal_pointer (&op->waiter);
  finish_operation_wait (op);
  received = g_queue_pop_head (&op->responses);
  if (op->done && g_queue_is_empty (&op->responses))
    g_hash_table_remove (self->operations, GUINT_TO_POINTER (op->message_id));
  g_task_return_pointer (task, received, (GDestroyNotify) received_free);
}

static void
deliver_response (DimseAssociation *self, Received *received)
{
  guint16 id = 0, status = 0;
  Operation *op;

  dimse_message_get_us (received->msg, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, &id);
  op = g_hash_table_lookup (self->operations, GUINT_TO_POINTER (id));
  if (op == NULL || op->done)
    {
      g_debug ("%s sent a %s to Message ID %u, which is not outstanding; dropped.",
               self->peer_name, dimse_message_get_name (received->msg), id);
      received_free (received);
      return;
    }
  /* PS3.7 Annex C: only a pending status (FF00, FF01) leaves it outstanding. */
  if (!dimse_message_get_us (received->msg, DCM_TAG_STATUS, &status)
      || dimse_status_class (status) != DIMSE_STATUS_PENDING)
    op->done = TRUE;
  g_queue_push_tail (&op->responses, received);
  serve_waiter (self, op);
}

static void
deliver (DimseAssociation *self)
{
  Received *received = g_new0 (Received, 1);
  guint8 pc_id = self->rx_pc_id;
  g_autoptr(GError) sink_error = g_steal_pointer (&self->rx_sink_error);

  received->msg = g_steal_pointer (&self->rx_msg);
  received->data_set_file = g_steal_pointer (&self->rx_file);
  if (self->rx_data != NULL)
    {
      const DimseNegotiatedContext *ctx =
        dimse_negotiation_result_get_context (self->result, pc_id);
      g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->rx_data));

      dimse_message_set_encoded_data_set (received->msg, bytes,
                                          dcm_transfer_syntax_lookup (ctx->transfer_syntax));
    }
  dimse_association_rx_reset (self);
  g_signal_emit (self, dimse_association_signals[SIGNAL_MESSAGE_RECEIVED], 0, pc_id,
                 received->msg);
  if (dimse_command_field_is_response (dimse_message_get_command_field (received->msg)))
    {
      dimse_association_check_response (self, received);
      if (received->error == NULL && sink_error != NULL)
        received->error = g_steal_pointer (&sink_error);
      deliver_response (self, received);
      return;
    }
  if (dimse_association_admit_request (self, pc_id, received->msg))
    {
      self->delivered_sink_error = sink_error;
      g_signal_emit (self, dimse_association_signals[SIGNAL_REQUEST_RECEIVED], 0, pc_id,
                     received->msg, received->data_set_file);
      self->delivered_sink_error = NULL;
    }
  else if (received->data_set_file != NULL)
    g_file_delete (received->data_set_file, NULL, NULL);
  received_free (received);
}

/* The sink failed: the peer did nothing wrong, so the association goes
 * on; the rest of the data set is dropped and the message delivered
 * without it, for its handler to answer. */
static void
sink_failed (DimseAssociation *self, const GError *error, gboolean created)
{
  g_autofree char *where = self->rx_file != NULL ? g_file_get_parse_name (self->rx_file)
                                                 : g_strdup ("?");

  g_clear_error (&self->rx_sink_error);
  self->rx_sink_error =
    g_error_new (DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                 "Could not store the data set of a %s from %s in “%s”: %s.",
                 dimse_message_get_name (self->rx_msg), self->peer_name, where, error->message);
  g_debug ("%s The rest of it is discarded.", self->rx_sink_error->message);
  /* A file that could not be opened may be someone else's: left alone. */
  if (!created)
    g_clear_object (&self->rx_file);
  discard_sink_file (self);
  self->rx_discarding = TRUE;
}

static void
stream_sink_failed (DimseAssociation *self, const GError *error)
{
  g_clear_error (&self->rx_sink_error);
  self->rx_sink_error =
    g_error_new (DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                 "Could not store the data set of a %s from %s: %s",
                 dimse_message_get_name (self->rx_msg), self->peer_name, error->message);
  g_debug ("%s The rest of it is discarded.", self->rx_sink_error->message);
  g_clear_object (&self->rx_stream);
  self->rx_discarding = TRUE;
}

static void
open_sink (DimseAssociation *self)
{
  g_autoptr(GError) error = NULL;

  if (self->stream_sink != NULL)
    {
      self->rx_stream = self->stream_sink (self, self->rx_pc_id, self->rx_msg,
                                           self->sink_data, &error);
      if (self->rx_stream == NULL && error != NULL)
        stream_sink_failed (self, error);
      return;
    }
  if (self->sink == NULL)
    return;
  self->rx_file = self->sink (self, self->rx_pc_id, self->rx_msg, self->sink_data);
  if (self->rx_file == NULL)
    return;
  self->rx_out = G_OUTPUT_STREAM (g_file_replace (self->rx_file, NULL, FALSE,
                                                  G_FILE_CREATE_PRIVATE, NULL, &error));
  if (self->rx_out == NULL)
    sink_failed (self, error, FALSE);
}

static PdvOutcome
fail (DimseAssociation *self, DimseAbortReason reason, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

static PdvOutcome
fail (DimseAssociation *self, DimseAbortReason reason, const char *format, ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  dimse_association_fail (self, reason, why);
  return PDV_FAILED;
}

static PdvOutcome
command_fragment (DimseAssociation *self, const DimsePdv *pdv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (pdv->fragment, &size);

  if (self->rx_command == NULL)
    self->rx_command = g_byte_array_new ();
  if (self->rx_command->len + size > DIMSE_ASSOCIATION_MAX_COMMAND_LENGTH)
    return fail (self, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                 "a command set longer than %u bytes", DIMSE_ASSOCIATION_MAX_COMMAND_LENGTH);
  g_byte_array_append (self->rx_command, data, size);
  if (!(pdv->message_control_header & DIMSE_PDV_LAST))
    return PDV_CONTINUE;
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->rx_command));
  self->rx_msg = dimse_message_decode_command (bytes, &error);
  if (self->rx_msg == NULL)
    return fail (self, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE, "%s", error->message);
  if (!dimse_message_has_data_set (self->rx_msg))
    {
      deliver (self);
      return PDV_CONTINUE;
    }
  self->rx_phase = RX_EXPECT_DATA;
  open_sink (self);
  if (self->rx_out == NULL && self->rx_stream == NULL && !self->rx_discarding)
    self->rx_data = g_byte_array_new ();
  return PDV_CONTINUE;
}

static void
on_sink_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseAssociation) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error);

  self->rx_writing = FALSE;
  if (self->closed)
    {
      /* The association ended before the message was whole (or delivered). */
      discard_sink_file (self);
      return;
    }
  if (!ok)
    sink_failed (self, error, TRUE);
  g_clear_object (&self->rx_out);
  deliver (self);
  dimse_association_process_pdvs (self);
}

static void
on_sink_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DimseAssociation) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL,
                                                  &error);
  const DimsePdv *pdv;

  self->rx_writing = FALSE;
  g_clear_pointer (&self->rx_write_buffer, g_bytes_unref);
  if (self->closed)
    {
      discard_sink_file (self);
      return;
    }
  pdv = g_ptr_array_index (self->rx_pdu->pdvs, self->rx_index - 1);
  if (!ok)
    {
      sink_failed (self, error, TRUE);
      if (pdv->message_control_header & DIMSE_PDV_LAST)
        deliver (self);
    }
  else if (pdv->message_control_header & DIMSE_PDV_LAST)
    {
      self->rx_writing = TRUE;
      g_output_stream_close_async (self->rx_out, G_PRIORITY_DEFAULT, NULL, on_sink_closed,
                                   g_object_ref (self));
      return;
    }
  dimse_association_process_pdvs (self);
}

static PdvOutcome
data_fragment (DimseAssociation *self, const DimsePdv *pdv)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (pdv->fragment, &size);

  self->rx_data_size += size;
  if (self->rx_discarding)
    {
      if (pdv->message_control_header & DIMSE_PDV_LAST)
        deliver (self);
      return PDV_CONTINUE;
    }
  if (self->rx_stream != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!g_output_stream_write_all (self->rx_stream, data, size, NULL, NULL, &error))
        stream_sink_failed (self, error);
      if (pdv->message_control_header & DIMSE_PDV_LAST)
        deliver (self);
      return PDV_CONTINUE;
    }
  if (self->rx_out != NULL)
    {
      /* The fragment is a slice of self->rx_pdu, which a close frees while
       * the write may still be reading it. */
      self->rx_writing = TRUE;
      self->rx_write_buffer = g_bytes_ref (pdv->fragment);
      g_output_stream_write_all_async (self->rx_out, data, size, G_PRIORITY_DEFAULT, NULL,
                                       on_sink_written, g_object_ref (self));
      return PDV_ASYNC;
    }
  if (self->rx_data_size > self->max_data_set_in_memory)
    return fail (self, DIMSE_ABORT_REASON_NOT_SPECIFIED,
                 "the data set of a %s exceeds the %" G_GUINT64_FORMAT " bytes allowed in memory",
                 dimse_message_get_name (self->rx_msg), self->max_data_set_in_memory);
  g_byte_array_append (self->rx_data, data, size);
  if (pdv->message_control_header & DIMSE_PDV_LAST)
    deliver (self);
  return PDV_CONTINUE;
}

/* PS3.8 §9.3.5 and Annex E: each PDV on an accepted context; a message is
 * its command fragments then, when announced, its data set fragments, all
 * on one context, the last of each marked. */
static PdvOutcome
accept_pdv (DimseAssociation *self, const DimsePdv *pdv)
{
  const DimseNegotiatedContext *ctx =
    dimse_negotiation_result_get_context (self->result, pdv->presentation_context_id);
  gboolean is_command = (pdv->message_control_header & DIMSE_PDV_COMMAND) != 0;

  if (ctx == NULL || ctx->result != DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
    return fail (self, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                 "a PDV on presentation context %u, which was not accepted",
                 pdv->presentation_context_id);
  if (self->rx_phase == RX_EXPECT_COMMAND)
    {
      self->rx_pc_id = pdv->presentation_context_id;
      self->rx_phase = RX_IN_COMMAND;
    }
  else if (pdv->presentation_context_id != self->rx_pc_id)
    return fail (self, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER,
                 "a PDV on presentation context %u within a message on context %u",
                 pdv->presentation_context_id, self->rx_pc_id);
  if (self->rx_phase == RX_IN_COMMAND)
    {
      if (!is_command)
        return fail (self, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER,
                     "a data set fragment where a command fragment was due");
      return command_fragment (self, pdv);
    }
  if (is_command)
    return fail (self, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER,
                 "a command fragment where the data set of a %s was due",
                 dimse_message_get_name (self->rx_msg));
  self->rx_phase = RX_IN_DATA;
  return data_fragment (self, pdv);
}

void
dimse_association_process_pdvs (DimseAssociation *self)
{
  while (self->rx_pdu != NULL && self->rx_index < self->rx_pdu->pdvs->len && !self->closed)
    {
      const DimsePdv *pdv = g_ptr_array_index (self->rx_pdu->pdvs, self->rx_index++);

      switch (accept_pdv (self, pdv))
        {
        case PDV_CONTINUE:
          break;
        case PDV_ASYNC:
          return;
        case PDV_FAILED:
          g_clear_pointer (&self->rx_pdu, dimse_pdu_free);
          return;
        }
    }
  g_clear_pointer (&self->rx_pdu, dimse_pdu_free);
  dimse_association_resume_reading (self);
}

/* ---- responses ---- */

void
dimse_association_fail_operations (DimseAssociation *self, const GError *error)
{
  GHashTableIter iter;
  Operation *op;

  g_hash_table_iter_init (&iter, self->operations);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &op))
    {
      g_autoptr(GTask) task = NULL;

      /* A waiter with a response queued is served, not failed. */
      if (op->waiter == NULL || !g_queue_is_empty (&op->responses))
        continue;
      task = g_steal_pointer (&op->waiter);
      finish_operation_wait (op);
      g_task_return_error (task, g_error_copy (error));
    }
}

static gboolean
on_response_timeout (gpointer user_data)
{
  Operation *op = user_data;
  DimseAssociation *self = op->assoc;
  g_autoptr(GTask) task = g_steal_pointer (&op->waiter);

  g_clear_pointer (&op->timeout, g_source_unref);
  finish_operation_wait (op);
  g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT,
                           "%s sent no response to Message ID %u within the DIMSE timeout "
                           "of %u ms.", self->peer_name, op->message_id,
                           self->timeouts.dimse_timeout_ms);
  return G_SOURCE_REMOVE;
}

typedef struct {
  DimseAssociation *self;
  guint16           message_id;
  GTask            *task;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->task);
  g_free (data);
}

static gboolean
cancel_wait (gpointer user_data)
{
  CancelData *data = user_data;
  Operation *op = g_hash_table_lookup (data->self->operations,
                                       GUINT_TO_POINTER (data->message_id));

  if (op == NULL || op->waiter != data->task)
    return G_SOURCE_REMOVE;
  g_clear_object (&op->waiter);
  finish_operation_wait (op);
  g_task_return_new_error (data->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "Waiting for the response to Message ID %u was cancelled.",
                           data->message_id);
  return G_SOURCE_REMOVE;
}

static void
on_wait_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Operation *op = user_data;
  CancelData *data = g_new0 (CancelData, 1);

  /* May run in another thread: the operation is only touched on the
   * association's context. */
  data->self = g_object_ref (op->assoc);
  data->message_id = op->message_id;
  data->task = g_object_ref (op->waiter);
  g_main_context_invoke_full (op->assoc->context, G_PRIORITY_DEFAULT, cancel_wait, data,
                              (GDestroyNotify) cancel_data_free);
}

void
dimse_association_receive_response_async (DimseAssociation *self, guint16 message_id,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  Operation *op;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_association_receive_response_async);
  op = g_hash_table_lookup (self->operations, GUINT_TO_POINTER (message_id));
  if (op == NULL || op->waiter != NULL)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                               op == NULL ? "No request with Message ID %u is outstanding on "
                                            "the association with %s."
                                          : "The response to Message ID %u from %s is "
                                            "already awaited.",
                               message_id, self->peer_name);
      return;
    }
  op->waiter = g_object_ref (task);
  if (!g_queue_is_empty (&op->responses))
    {
      serve_waiter (self, op);
      return;
    }
  if (self->closed)
    {
      g_clear_object (&op->waiter);
      g_task_return_error (task, dimse_association_close_error (self));
      return;
    }
  op->timeout = g_timeout_source_new (self->timeouts.dimse_timeout_ms);
  g_source_set_callback (op->timeout, on_response_timeout, op, NULL);
  g_source_attach (op->timeout, self->context);
  if (cancellable != NULL)
    {
      op->cancellable = g_object_ref (cancellable);
      op->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_wait_cancelled),
                                                  op, NULL);
    }
}

DimseMessage *
dimse_association_receive_response_finish (DimseAssociation *self, GAsyncResult *result,
                                           GFile **data_set_file, GError **error)
{
  Received *received;
  DimseMessage *msg;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  received = g_task_propagate_pointer (G_TASK (result), error);
  if (data_set_file != NULL)
    *data_set_file = NULL;
  if (received == NULL)
    return NULL;
  if (received->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&received->error));
      received_free (received);
      return NULL;
    }
  msg = g_steal_pointer (&received->msg);
  if (data_set_file != NULL)
    *data_set_file = g_steal_pointer (&received->data_set_file);
  received_free (received);
  return msg;
}
