/* dimse-association-data.c — DIMSE messages over P-DATA-TF: fragmenting
 * and reassembling PDVs (PS3.8 §9.3.5, Annex E), streaming data sets to a
 * sink, outstanding requests and their responses (PS3.7 §D.3.3.3) */
#include "dimse-association-private.h"

#include "dcm-binary.h"
#include "dcm-tags.h"
#include "dimse-error.h"
#include "dimse-status.h"

/* "No maximum" still needs fragments; this size keeps the vectors few. */
#define UNLIMITED_FRAGMENT_SIZE (4 * 1024 * 1024)
/* A data set sent from a stream is read this much at a time (rounded to
 * whole fragments), with this many reads written or being written. */
#define STREAM_CHUNK_SIZE (1024 * 1024)
#define STREAM_CHUNKS_IN_FLIGHT 2
#define PDATA_HEADERS_LENGTH (DIMSE_PDU_HEADER_LENGTH + DIMSE_PDV_HEADER_LENGTH)

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

/* ---- sending ---- */

guint16
dimse_association_next_message_id (DimseAssociation *self)
{
  g_return_val_if_fail (DIMSE_IS_ASSOCIATION (self), 1);

  do
    self->last_message_id = self->last_message_id == G_MAXUINT16 ? 1 : self->last_message_id + 1;
  while (g_hash_table_contains (self->operations, GUINT_TO_POINTER (self->last_message_id)));
  return self->last_message_id;
}

static GBytes *
pdata_header (guint8 pc_id, guint8 control, gsize fragment_length)
{
  guint8 header[PDATA_HEADERS_LENGTH] = { DIMSE_PDU_P_DATA_TF, 0 };

  /* PS3.8 §9.3.5: PDU length, then the PDV item length, context, control. */
  dcm_store_u32 (header + 2, (guint32) (fragment_length + DIMSE_PDV_HEADER_LENGTH), TRUE);
  dcm_store_u32 (header + 6, (guint32) (fragment_length + 2), TRUE);
  header[10] = pc_id;
  header[11] = control;
  return g_bytes_new (header, sizeof header);
}

/* The largest fragment the peer takes; 0 with error set when none fits. */
static gsize
fragment_size (guint32 max_pdu_length, GError **error)
{
  /* PS3.8 §D.1: the Maximum Length bounds the PDU length, PDV header included. */
  if (max_pdu_length != 0 && max_pdu_length <= DIMSE_PDV_HEADER_LENGTH)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                   "The peer's maximum PDU length of %u bytes leaves no room for data.",
                   max_pdu_length);
      return 0;
    }
  return max_pdu_length != 0 ? max_pdu_length - DIMSE_PDV_HEADER_LENGTH
                             : UNLIMITED_FRAGMENT_SIZE;
}

/* Appends the P-DATA-TF PDUs of one command or data set (or of a piece of
 * one, whose last fragment is marked only when last) as header and
 * fragment buffers, the fragments slices of message (no copy). */
static gboolean
frame_message (GPtrArray *buffers, guint8 pc_id, gboolean is_command, GBytes *message,
               gboolean last, guint32 max_pdu_length, GError **error)
{
  gsize size = g_bytes_get_size (message);
  gsize chunk = fragment_size (max_pdu_length, error);
  gsize offset = 0;

  if (chunk == 0)
    return FALSE;
  do
    {
      gsize n = MIN (chunk, size - offset);
      guint8 control = is_command ? DIMSE_PDV_COMMAND : 0;

      if (last && offset + n == size)
        control |= DIMSE_PDV_LAST;
      g_ptr_array_add (buffers, pdata_header (pc_id, control, n));
      g_ptr_array_add (buffers, g_bytes_new_from_bytes (message, offset, n));
      offset += n;
    }
  while (offset < size);
  return TRUE;
}

static void
emit_pdata_sent (DimseAssociation *self, GPtrArray *buffers)
{
  if (!g_signal_has_handler_pending (self, dimse_association_signals[SIGNAL_PDU_SENT], 0, TRUE))
    return;
  for (guint i = 0; i + 1 < buffers->len; i += 2)
    {
      g_autoptr(GByteArray) pdu = g_byte_array_new ();
      g_autoptr(GBytes) bytes = NULL;
      gsize n = 0;
      const guint8 *data;

      data = g_bytes_get_data (g_ptr_array_index (buffers, i), &n);
      g_byte_array_append (pdu, data, n);
      data = g_bytes_get_data (g_ptr_array_index (buffers, i + 1), &n);
      g_byte_array_append (pdu, data, n);
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&pdu));
      g_signal_emit (self, dimse_association_signals[SIGNAL_PDU_SENT], 0, bytes);
    }
}

static guint
n_active_operations (DimseAssociation *self)
{
  GHashTableIter iter;
  Operation *op;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->operations);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &op))
    n += !op->done;
  return n;
}

/* PS3.7 §D.3.3.3: a request is outstanding until its final response. */
static gboolean
register_request (DimseAssociation *self, guint8 pc_id, DimseMessage *msg, GError **error)
{
  DimseCommandField field = dimse_message_get_command_field (msg);
  guint16 id = 0;
  guint max = self->result->max_operations_invoked;
  Operation *op;

  if (dimse_command_field_is_response (field) || field == DIMSE_C_CANCEL_RQ
      || !dimse_command_field_is_known (field))
    return TRUE;
  if (!dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, &id))
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "The %s has no Message ID (0000,0110).", dimse_message_get_name (msg));
      return FALSE;
    }
  if (g_hash_table_contains (self->operations, GUINT_TO_POINTER (id)))
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                   "Message ID %u is already used by an outstanding request to %s.",
                   id, self->peer_name);
      return FALSE;
    }
  if (max != 0 && n_active_operations (self) >= max)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                   "The asynchronous operations window of %u outstanding requests to %s is "
                   "full; the %s must wait for a response.", max, self->peer_name,
                   dimse_message_get_name (msg));
      return FALSE;
    }
  op = g_new0 (Operation, 1);
  op->assoc = self;
  op->message_id = id;
  op->presentation_context_id = pc_id;
  g_queue_init (&op->responses);
  g_hash_table_insert (self->operations, GUINT_TO_POINTER (id), op);
  return TRUE;
}

/* The P-DATA-TF buffers of msg: its command, and its data set unless
 * command_only. */
static GPtrArray *
encode_message (DimseAssociation *self, guint8 pc_id, DimseMessage *msg, gboolean command_only,
                GError **error)
{
  const DimseNegotiatedContext *ctx = NULL;
  const DcmTransferSyntax *ts = NULL;
  g_autoptr(GPtrArray) buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) command = NULL;
  g_autoptr(GBytes) data_set = NULL;
  guint32 max = self->result->peer_max_pdu_length;

  ctx = dimse_negotiation_result_get_context (self->result, pc_id);
  if (ctx == NULL || ctx->result != DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE
      || (ts = dcm_transfer_syntax_lookup (ctx->transfer_syntax)) == NULL)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                   "Presentation context %u was not accepted by %s; the %s cannot be sent.",
                   pc_id, self->peer_name, dimse_message_get_name (msg));
      return NULL;
    }
  command = dimse_message_encode_command (msg, error);
  if (command == NULL || !frame_message (buffers, pc_id, TRUE, command, TRUE, max, error))
    return NULL;
  if (!command_only && dimse_message_has_data_set (msg))
    {
      data_set = dimse_message_encode_data_set (msg, ts, error);
      if (data_set == NULL
          || !frame_message (buffers, pc_id, FALSE, data_set, TRUE, max, error))
        return NULL;
    }
  return g_steal_pointer (&buffers);
}

typedef struct {
  GPtrArray *buffers;
  GTask     *task;
} DeferredSend;

/* Writes buffers, or, while a data set goes out from a stream, queues
 * them to follow it. */
static void
send_or_defer (DimseAssociation *self, GPtrArray *buffers, GTask *task)
{
  DeferredSend *deferred;

  if (!self->tx_streaming)
    {
      emit_pdata_sent (self, buffers);
      dimse_association_send_buffers (self, buffers, task);
      return;
    }
  deferred = g_new0 (DeferredSend, 1);
  deferred->buffers = g_ptr_array_ref (buffers);
  deferred->task = g_object_ref (task);
  g_queue_push_tail (&self->tx_deferred, deferred);
}

static void
send_deferred (DimseAssociation *self)
{
  DeferredSend *deferred;

  while (!self->tx_streaming && (deferred = g_queue_pop_head (&self->tx_deferred)) != NULL)
    {
      if (self->closed)
        g_task_return_error (deferred->task, dimse_association_close_error (self));
      else
        {
          emit_pdata_sent (self, deferred->buffers);
          dimse_association_send_buffers (self, deferred->buffers, deferred->task);
        }
      g_ptr_array_unref (deferred->buffers);
      g_object_unref (deferred->task);
      g_free (deferred);
    }
}

/* Everything a message goes through before its bytes are written; the
 * buffers to write, or NULL when task was returned an error. */
static GPtrArray *
prepare_message (DimseAssociation *self, guint8 pc_id, DimseMessage *msg, gboolean command_only,
                 GTask *task)
{
  g_autoptr(GPtrArray) buffers = NULL;
  g_autoptr(GError) error = NULL;

  if (self->closed || self->result == NULL
      || (self->fsm.state != DIMSE_STA6_ASSOCIATION_ESTABLISHED
          && self->fsm.state != DIMSE_STA8_AWAITING_LOCAL_A_RELEASE_RESPONSE))
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED,
                               "The %s cannot be sent to %s in state %s (%s).",
                               dimse_message_get_name (msg), self->peer_name,
                               dimse_ul_state_name (self->fsm.state),
                               dimse_ul_state_describe (self->fsm.state));
      return NULL;
    }
  buffers = encode_message (self, pc_id, msg, command_only, &error);
  if (buffers == NULL || !register_request (self, pc_id, msg, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }
  dimse_association_response_sent (self, msg);
  dimse_association_drive (self, DIMSE_EVT9_P_DATA_REQUEST, NULL, NULL, NULL);
  g_signal_emit (self, dimse_association_signals[SIGNAL_MESSAGE_SENT], 0, pc_id, msg);
  return g_steal_pointer (&buffers);
}

void
dimse_association_send_message_async (DimseAssociation *self, guint8 pc_id, DimseMessage *msg,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) buffers = NULL;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));
  g_return_if_fail (msg != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_association_send_message_async);
  buffers = prepare_message (self, pc_id, msg, FALSE, task);
  if (buffers != NULL)
    send_or_defer (self, buffers, task);
}

/* ---- a data set sent from a stream ---- */

typedef struct {
  DimseAssociation *self;
  GTask            *task;       /* the caller's */
  GInputStream     *in;
  guint64           remaining;
  gsize             chunk;      /* read at a time: whole fragments */
  guint8            pc_id;
  gboolean          started;
  guint             in_flight;  /* chunks being written */
  GError           *error;
} StreamSend;

static void
stream_send_free (StreamSend *state)
{
  g_clear_object (&state->self);
  g_clear_object (&state->task);
  g_clear_object (&state->in);
  g_clear_error (&state->error);
  g_free (state);
}

static void stream_send_next (StreamSend *state);

static void
on_chunk_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StreamSend *state = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  state->in_flight--;
  if (!g_task_propagate_boolean (G_TASK (result), &error) && state->error == NULL)
    state->error = g_steal_pointer (&error);
  stream_send_next (state);
}

/* Reads and frames the next chunk; FALSE when the stream failed us. */
static gboolean
stream_send_chunk (StreamSend *state)
{
  DimseAssociation *self = state->self;
  gsize n = (gsize) MIN (state->remaining, (guint64) state->chunk);
  g_autofree guint8 *data = g_malloc (MAX (n, 1));
  g_autoptr(GPtrArray) buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GTask) chunk_task = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all (state->in, data, n, &got, NULL, &state->error))
    return FALSE;
  if (got < n)
    {
      g_set_error (&state->error, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                   "The data set being sent to %s ended %" G_GUINT64_FORMAT " bytes early.",
                   self->peer_name, state->remaining - got);
      return FALSE;
    }
  state->remaining -= n;
  bytes = g_bytes_new_take (g_steal_pointer (&data), n);
  frame_message (buffers, state->pc_id, FALSE, bytes, state->remaining == 0,
                 self->result->peer_max_pdu_length, NULL);
  emit_pdata_sent (self, buffers);
  chunk_task = g_task_new (self, NULL, on_chunk_written, state);
  state->in_flight++;
  dimse_association_send_buffers (self, buffers, chunk_task);
  return TRUE;
}

static void
stream_send_next (StreamSend *state)
{
  DimseAssociation *self = state->self;

  while (state->error == NULL && !self->closed && state->in_flight < STREAM_CHUNKS_IN_FLIGHT
         && (state->remaining > 0 || !state->started))
    {
      state->started = TRUE;
      if (!stream_send_chunk (state))
        {
          /* Half a data set on the wire cannot be taken back. */
          dimse_association_fail (self, DIMSE_ABORT_REASON_NOT_SPECIFIED,
                                  "the data set being sent could not be read");
          break;
        }
    }
  if (state->in_flight > 0)
    return;
  if (state->error == NULL && (self->closed || state->remaining > 0))
    state->error = dimse_association_close_error (self);
  self->tx_streaming = FALSE;
  if (state->error != NULL)
    g_task_return_error (state->task, g_steal_pointer (&state->error));
  else
    g_task_return_boolean (state->task, TRUE);
  send_deferred (self);
  stream_send_free (state);
}

void
dimse_association_send_message_streaming_async (DimseAssociation *self, guint8 pc_id,
                                                DimseMessage *msg, GInputStream *data_set,
                                                guint64 length, GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) buffers = NULL;
  StreamSend *state;
  gsize fragment;

  g_return_if_fail (DIMSE_IS_ASSOCIATION (self));
  g_return_if_fail (msg != NULL && dimse_message_has_data_set (msg));
  g_return_if_fail (G_IS_INPUT_STREAM (data_set));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_association_send_message_async);
  if (self->tx_streaming)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                               "A data set is already being sent to %s; the %s must wait.",
                               self->peer_name, dimse_message_get_name (msg));
      return;
    }
  buffers = prepare_message (self, pc_id, msg, TRUE, task);
  if (buffers == NULL)
    return;
  fragment = fragment_size (self->result->peer_max_pdu_length, NULL);
  emit_pdata_sent (self, buffers);
  dimse_association_send_buffers (self, buffers, NULL);
  self->tx_streaming = TRUE;
  state = g_new0 (StreamSend, 1);
  state->self = g_object_ref (self);
  state->task = g_steal_pointer (&task);
  state->in = g_object_ref (data_set);
  state->remaining = length;
  state->pc_id = pc_id;
  state->chunk = fragment * MAX (1, STREAM_CHUNK_SIZE / fragment);
  stream_send_next (state);
}

gboolean
dimse_association_send_message_finish (DimseAssociation *self, GAsyncResult *result,
                                       GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
