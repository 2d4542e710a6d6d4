/* dimse-transport-private.h — what the dimse-transport*.c files share and
 * no one else sees */
#pragma once

#include "dimse-transport.h"

G_BEGIN_DECLS

struct _DimseTransport
{
  GObject        parent_instance;
  GIOStream     *stream;
  GInputStream  *in;
  GOutputStream *out;
  GCancellable  *cancellable;  /* cancelled on close: fails every pending operation */
  char          *peer_name;
  GQueue         write_queue;  /* GTask*, the head one being written when writing */
  guint8        *read_buffer;  /* READ_BUFFER_SIZE bytes read ahead of the PDU being read */
  gsize          read_start;   /* the unconsumed bytes: [read_start, read_end) */
  gsize          read_end;
  gboolean       writing;
  gboolean       pollable;     /* out can be written to without blocking */
  gboolean       in_pollable;  /* and in read from */
  GSource       *read_watch;   /* while reads wait for the connection */
  GTask         *read_waiting; /* the read the watch is for, or NULL */
  guint8        *wait_buffer;  /* where it reads to */
  gsize          wait_size;
  guint          sync_reads;   /* reads in a row that did not wait */
  guint          write_timeout_ms;  /* 0: none */
  GSource       *write_timer;
  gint64         last_write_progress;  /* monotonic µs */
  gboolean       write_timed_out;
  gboolean       closed;
};

/* A caller's cancellable linked to the transport's own for the length of
 * one operation: cancelling it closes the transport. */
typedef struct {
  GCancellable *caller;
  gulong        handler;
} CancelLink;

CancelLink *dimse_transport_cancel_link_new (DimseTransport *self, GCancellable *caller);
void        dimse_transport_cancel_link_free (CancelLink *link);
/* Returns error (taken) on task as DIMSE_ERROR_CONNECTION naming what
 * failed, or as the write timer's timeout; a cancellation as it is. */
void        dimse_transport_return_io_error (GTask *task, DimseTransport *self, GError *error,
                                             const char *what);

G_END_DECLS
