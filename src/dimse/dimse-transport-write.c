/* dimse-transport-write.c — writing PDUs: the queue of writes, each one
 * as vectored writes of the caller's buffers, and the write timer */
#include "dimse-transport-private.h"

#include "dimse-error.h"

/* Below any system's IOV_MAX, so one writev never needs splitting by GIO. */
#define MAX_VECTORS_PER_WRITE 512

typedef struct {
  GPtrArray     *buffers;
  guint          next;        /* the next buffer to put into vectors */
  GOutputVector  vectors[MAX_VECTORS_PER_WRITE];
  guint          first;       /* vectors[first, n_vectors) are still to write */
  guint          n_vectors;
  CancelLink    *link;
} WriteState;

static void
write_state_free (WriteState *state)
{
  g_ptr_array_unref (state->buffers);
  dimse_transport_cancel_link_free (state->link);
  g_free (state);
}

static gboolean write_some (GTask *task);
static void write_next_task (DimseTransport *self);

/* The write timer: a source whose ready time is pushed back at each
 * write's progress, and unset while nothing waits to be written. */
static gboolean
write_timer_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs write_timer_funcs = { NULL, NULL, write_timer_dispatch, NULL, NULL, NULL };

static gboolean
on_write_timeout (gpointer user_data)
{
  DimseTransport *self = user_data;

  self->write_timed_out = TRUE;
  dimse_transport_close (self);
  return G_SOURCE_CONTINUE;
}

static void
arm_write_timer (DimseTransport *self)
{
  if (self->write_timeout_ms == 0 || self->closed)
    return;
  if (self->write_timer == NULL)
    {
      self->write_timer = g_source_new (&write_timer_funcs, sizeof (GSource));
      g_source_set_callback (self->write_timer, on_write_timeout, self, NULL);
      g_source_attach (self->write_timer, g_main_context_get_thread_default ());
    }
  g_source_set_ready_time (self->write_timer,
                           self->last_write_progress + (gint64) self->write_timeout_ms * 1000);
}

static void
disarm_write_timer (DimseTransport *self)
{
  /* Each change of the ready time wakes the context up: only when armed. */
  if (self->write_timer != NULL && g_source_get_ready_time (self->write_timer) != -1)
    g_source_set_ready_time (self->write_timer, -1);
}

static void
finish_write (DimseTransport *self, GTask *task, GError *error)
{
  g_queue_remove (&self->write_queue, task);
  self->writing = FALSE;
  disarm_write_timer (self);
  if (error != NULL)
    dimse_transport_return_io_error (task, self, error, "Writing to");
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Puts the next buffers into vectors; FALSE when none are left. */
static gboolean
fill_vectors (WriteState *state)
{
  guint n = 0;

  while (n < MAX_VECTORS_PER_WRITE && state->next < state->buffers->len)
    {
      GBytes *bytes = g_ptr_array_index (state->buffers, state->next++);
      gsize size = 0;
      gconstpointer data = g_bytes_get_data (bytes, &size);

      if (size == 0)
        continue;
      state->vectors[n].buffer = data;
      state->vectors[n].size = size;
      n++;
    }
  state->first = 0;
  state->n_vectors = n;
  return n > 0;
}

/* Skips what a write took. */
static void
advance (DimseTransport *self, WriteState *state, gsize written)
{
  if (written > 0)
    self->last_write_progress = g_get_monotonic_time ();
  while (state->first < state->n_vectors && written >= state->vectors[state->first].size)
    written -= state->vectors[state->first++].size;
  if (state->first < state->n_vectors)
    {
      GOutputVector *vector = &state->vectors[state->first];

      vector->buffer = (const guint8 *) vector->buffer + written;
      vector->size -= written;
    }
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  /* The task may hold the last reference: finishing it must not end us. */
  g_autoptr(DimseTransport) self = g_object_ref (g_task_get_source_object (task));
  WriteState *state = g_task_get_task_data (task);
  GError *error = NULL;
  gsize written = 0;

  if (!g_output_stream_writev_finish (G_OUTPUT_STREAM (source), result, &written, &error))
    finish_write (self, task, error);
  else
    {
      advance (self, state, written);
      if (!write_some (task))
        return;
    }
  write_next_task (self);
}

/* Writes what the socket takes at once without waiting; the rest, when
 * the socket is full, once it takes more. TRUE when the task is finished. */
static gboolean
write_some (GTask *task)
{
  DimseTransport *self = g_task_get_source_object (task);
  WriteState *state = g_task_get_task_data (task);
  GError *error = NULL;

  for (;;)
    {
      GPollableReturn res;
      gsize written = 0;

      if (state->first == state->n_vectors && !fill_vectors (state))
        {
          finish_write (self, task, NULL);
          return TRUE;
        }
      if (!self->pollable)
        break;
      res = g_pollable_output_stream_writev_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->out),
                                                         state->vectors + state->first,
                                                         state->n_vectors - state->first,
                                                         &written, self->cancellable, &error);
      if (res == G_POLLABLE_RETURN_FAILED)
        {
          finish_write (self, task, error);
          return TRUE;
        }
      if (res == G_POLLABLE_RETURN_WOULD_BLOCK || written == 0)
        break;
      advance (self, state, written);
    }
  arm_write_timer (self);
  g_output_stream_writev_async (self->out, state->vectors + state->first,
                                state->n_vectors - state->first, G_PRIORITY_DEFAULT,
                                self->cancellable, on_written, task);
  return FALSE;
}

/* A loop rather than a recursion: each write may finish at once. */
static void
write_next_task (DimseTransport *self)
{
  g_autoptr(DimseTransport) keep = g_object_ref (self);

  while (!self->writing && !g_queue_is_empty (&self->write_queue))
    {
      GTask *task = g_queue_peek_head (&self->write_queue);

      if (self->closed)
        {
          finish_write (self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                 "the connection is closed"));
          continue;
        }
      self->writing = TRUE;
      self->last_write_progress = g_get_monotonic_time ();
      if (!write_some (task))
        return;
    }
}

void
dimse_transport_write_async (DimseTransport *self, GPtrArray *buffers,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  WriteState *state;

  g_return_if_fail (DIMSE_IS_TRANSPORT (self));
  g_return_if_fail (buffers != NULL && buffers->len > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_transport_write_async);
  state = g_new0 (WriteState, 1);
  state->buffers = g_ptr_array_ref (buffers);
  state->link = dimse_transport_cancel_link_new (self, cancellable);
  g_task_set_task_data (task, state, (GDestroyNotify) write_state_free);
  g_queue_push_tail (&self->write_queue, task);
  write_next_task (self);
}

gboolean
dimse_transport_write_finish (DimseTransport *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
dimse_transport_set_write_timeout (DimseTransport *self, guint timeout_ms)
{
  g_return_if_fail (DIMSE_IS_TRANSPORT (self));
  if (self->write_timeout_ms == timeout_ms)
    return;
  self->write_timeout_ms = timeout_ms;
  if (self->writing && timeout_ms != 0)
    arm_write_timer (self);
  else if (timeout_ms == 0)
    disarm_write_timer (self);
}

gint64
dimse_transport_get_last_write_progress (DimseTransport *self)
{
  g_return_val_if_fail (DIMSE_IS_TRANSPORT (self), 0);
  return self->last_write_progress;
}
