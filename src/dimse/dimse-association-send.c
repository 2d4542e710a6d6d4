/* dimse-association-send.c — DIMSE messages out over P-DATA-TF: fragmenting
 * within the peer's maximum PDU length (PS3.8 §9.3.5, Annex E), requests
 * made outstanding (PS3.7 §D.3.3.3), and data sets sent from a stream */
#include "dimse-association-private.h"

#include "dcm-binary.h"
#include "dcm-tags.h"
#include "dimse-error.h"

/* "No maximum" still needs fragments; this size keeps the vectors few. */
#define UNLIMITED_FRAGMENT_SIZE (4 * 1024 * 1024)
/* A data set sent from a stream is read this much at a time (rounded to
 * whole fragments), with this many reads written or being written. */
#define STREAM_CHUNK_SIZE (1024 * 1024)
#define STREAM_CHUNKS_IN_FLIGHT 2
#define PDATA_HEADERS_LENGTH (DIMSE_PDU_HEADER_LENGTH + DIMSE_PDV_HEADER_LENGTH)

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
