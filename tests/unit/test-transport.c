/* test-transport.c — the transport over a socket pair: PDUs taken from its
 * read buffer without a main loop pass, and the write timer that ends a
 * write the peer stops reading while a slow reader keeps it alive */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dimse-error.h"
#include "dimse-transport.h"
#include "test-wait.h"

typedef struct {
  GMainContext   *context;
  DimseTransport *transport;
  int             peer_fd;  /* the other end, blocking */
} Fixture;

static void
set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  f->transport = dimse_transport_new (G_IO_STREAM (connection));
  f->peer_fd = fds[1];
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->transport);
  if (f->peer_fd >= 0)
    close (f->peer_fd);
  test_drain ();
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
peer_send (Fixture *f, const guint8 *bytes, gsize n)
{
  g_assert_cmpint (write (f->peer_fd, bytes, n), ==, (gssize) n);
}

/* A-RELEASE-RQ (PS3.8 Table 9-24), its reserved field carrying a mark so
 * that each can be told apart. */
static void
release_rq (guint8 out[10], guint8 mark)
{
  static const guint8 pdu[10] = { 0x05, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00 };

  memcpy (out, pdu, sizeof pdu);
  out[9] = mark;
}

static GBytes *
read_one (Fixture *f, GError **error)
{
  TestWaiter w = { 0 };
  GBytes *pdu;

  dimse_transport_read_pdu_async (f->transport, NULL, NULL, test_waiter_done, &w);
  pdu = dimse_transport_read_pdu_finish (f->transport, test_waiter_wait (&w, "a PDU"), NULL,
                                         error);
  test_waiter_clear (&w);
  return pdu;
}

/* Three PDUs and the start of a fourth in one write: the first read brings
 * them all into the buffer, the next two are taken from it at once, the
 * incomplete one is not. */
static void
test_take_buffered (Fixture *f, gconstpointer data)
{
  guint8 bytes[40];
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 4; i++)
    release_rq (bytes + 10 * i, (guint8) (i + 1));
  peer_send (f, bytes, 34);
  first = read_one (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (first), ==, 10);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (first, NULL))[9], ==, 1);

  for (guint8 mark = 2; mark <= 3; mark++)
    {
      g_autoptr(GBytes) next = dimse_transport_take_buffered_pdu (f->transport, NULL, NULL,
                                                                   &error);

      g_assert_no_error (error);
      g_assert_nonnull (next);
      g_assert_cmpuint (g_bytes_get_size (next), ==, 10);
      g_assert_cmpuint (((const guint8 *) g_bytes_get_data (next, NULL))[9], ==, mark);
    }
  g_assert_null (dimse_transport_take_buffered_pdu (f->transport, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* A header over the limit is refused from the buffer as the read refuses
 * it: on the header alone, with the reason for the A-ABORT. */
static void
test_take_buffered_over_limit (Fixture *f, gconstpointer data)
{
  /* An A-ASSOCIATE-RQ header declaring 1 MiB. */
  static const guint8 header[6] = { 0x01, 0x00, 0x00, 0x10, 0x00, 0x00 };
  guint8 bytes[16];
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) next = NULL;
  g_autoptr(GError) error = NULL;
  DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;

  release_rq (bytes, 1);
  memcpy (bytes + 10, header, sizeof header);
  peer_send (f, bytes, sizeof bytes);
  first = read_one (f, &error);
  g_assert_no_error (error);
  next = dimse_transport_take_buffered_pdu (f->transport, NULL, &reason, &error);
  g_assert_null (next);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_TOO_LARGE);
}

/* ---- the write timer ---- */

#define BIG_WRITE (4 * 1024 * 1024)
#define SLOW_WRITE (1024 * 1024)

static GPtrArray *
buffers_of (gsize size)
{
  GPtrArray *buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (buffers, g_bytes_new_take (g_malloc0 (size), size));
  return buffers;
}

static gboolean
write_to_end (Fixture *f, gsize size, GError **error)
{
  g_autoptr(GPtrArray) buffers = buffers_of (size);
  TestWaiter w = { 0 };
  gboolean ok;

  dimse_transport_write_async (f->transport, buffers, NULL, test_waiter_done, &w);
  ok = dimse_transport_write_finish (f->transport, test_waiter_wait (&w, "the write"), error);
  test_waiter_clear (&w);
  return ok;
}

/* The peer reads nothing: the write fails once it has made no progress for
 * the timeout, and the transport is closed. */
static void
test_write_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  dimse_transport_set_write_timeout (f->transport, 300);
  g_assert_false (write_to_end (f, BIG_WRITE, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "has read nothing"));
  g_assert_true (dimse_transport_is_closed (f->transport));
}

/* A reader taking 16 KiB every 20 ms: the write as a whole takes far longer
 * than the timeout, each of its steps far less. */
static gpointer
slow_reader (gpointer user_data)
{
  int fd = GPOINTER_TO_INT (user_data);
  g_autofree guint8 *buffer = g_malloc (16 * 1024);
  gsize total = 0;
  gssize n;

  while (total < SLOW_WRITE && (n = read (fd, buffer, 16 * 1024)) > 0)
    {
      total += (gsize) n;
      g_usleep (20 * 1000);
    }
  return GSIZE_TO_POINTER (total);
}

static void
test_write_timeout_progress (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GThread *reader;

  dimse_transport_set_write_timeout (f->transport, 500);
  reader = g_thread_new ("slow-reader", slow_reader, GINT_TO_POINTER (f->peer_fd));
  g_assert_true (write_to_end (f, SLOW_WRITE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_thread_join (reader)), ==, SLOW_WRITE);
  g_assert_false (dimse_transport_is_closed (f->transport));
  g_assert_cmpint (dimse_transport_get_last_write_progress (f->transport), >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, set_up, func, tear_down)
  ADD ("/transport/buffered-pdu/take", test_take_buffered);
  ADD ("/transport/buffered-pdu/over-limit", test_take_buffered_over_limit);
  ADD ("/transport/write-timeout/peer-reads-nothing", test_write_timeout);
  ADD ("/transport/write-timeout/slow-reader", test_write_timeout_progress);
#undef ADD

  return g_test_run ();
}
