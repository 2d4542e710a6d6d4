/* test-peer.c — a raw DICOM peer on its own thread */
#include "test-peer.h"

#include <sys/socket.h>

#define SOCKET_TIMEOUT_S 10
#define WAIT_LIMIT_MS 20000

struct _TestPeer {
  guint16       port;
  GSocketListener *listener;  /* test_peer_listen */
  gint          n_sent;
  GArray       *steps;      /* TestPeerStep */
  GByteArray   *received;
  GMainContext *context;
  GThread      *thread;
  GMutex        lock;
  GCond         cond;
  gboolean      go;
  gint          ready;
  gint          done;
};

guint32
test_peer_load_u32_be (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

gsize
test_peer_pdu_size (GByteArray *received, gsize offset)
{
  if (received->len < offset + 6)
    return 0;
  return 6 + (gsize) test_peer_load_u32_be (received->data + offset + 2);
}

static void
read_pdu (GInputStream *in, GByteArray *into)
{
  guint8 header[6];
  gsize n = 0;
  guint32 length;
  g_autofree guint8 *body = NULL;

  if (!g_input_stream_read_all (in, header, sizeof header, &n, NULL, NULL) || n < 6)
    return;
  g_byte_array_append (into, header, 6);
  length = test_peer_load_u32_be (header + 2);
  body = g_malloc (MIN (length, 1024 * 1024));
  if (g_input_stream_read_all (in, body, MIN (length, 1024 * 1024), &n, NULL, NULL))
    g_byte_array_append (into, body, n);
}

static void
signal_main (TestPeer *peer, gint *flag)
{
  g_atomic_int_set (flag, TRUE);
  g_main_context_wakeup (peer->context);
}

static void
hold (TestPeer *peer)
{
  signal_main (peer, &peer->ready);
  g_mutex_lock (&peer->lock);
  while (!peer->go)
    g_cond_wait (&peer->cond, &peer->lock);
  g_mutex_unlock (&peer->lock);
}

static void
send_bytes (TestPeer *peer, GOutputStream *out, GBytes *bytes)
{
  gsize n = 0;

  g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &n,
                             NULL, NULL);
  g_atomic_int_add (&peer->n_sent, (gint) n);
}

static void
trickle (TestPeer *peer, GOutputStream *out, const TestPeerStep *step)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (step->bytes, &size);

  for (gsize i = 0; i < size; i++)
    {
      if (g_output_stream_write (out, data + i, 1, NULL, NULL) != 1)
        return;
      g_atomic_int_inc (&peer->n_sent);
      g_usleep ((gulong) step->interval_ms * 1000);
    }
}

/* SO_LINGER with a zero timeout: close sends RST instead of FIN. */
static void
reset (GIOStream *stream)
{
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

static void
play (TestPeer *peer, GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  guint8 buf[4096];
  gssize n;

  for (guint i = 0; i < peer->steps->len; i++)
    {
      const TestPeerStep *step = &g_array_index (peer->steps, TestPeerStep, i);

      switch (step->action)
        {
        case TEST_PEER_SEND:
          send_bytes (peer, out, step->bytes);
          break;
        case TEST_PEER_READ:
          read_pdu (in, peer->received);
          break;
        case TEST_PEER_HOLD:
          hold (peer);
          break;
        case TEST_PEER_TRICKLE:
          trickle (peer, out, step);
          break;
        case TEST_PEER_RESET:
          reset (stream);
          return;
        case TEST_PEER_CLOSE:
          g_io_stream_close (stream, NULL, NULL);
          return;
        }
    }
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_byte_array_append (peer->received, buf, n);
}

/* A test whose requestor never comes fails in test_peer_wait_ready or
 * test_peer_finish after 20 s; the thread is then never joined. */
static GSocketConnection *
accept_one (TestPeer *peer)
{
  GSocketConnection *conn = g_socket_listener_accept (peer->listener, NULL, NULL, NULL);

  if (conn != NULL)
    g_socket_set_timeout (g_socket_connection_get_socket (conn), SOCKET_TIMEOUT_S);
  return conn;
}

static gpointer
peer_run (gpointer user_data)
{
  TestPeer *peer = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  g_socket_client_set_timeout (client, SOCKET_TIMEOUT_S);
  if (peer->listener != NULL)
    conn = accept_one (peer);
  else
    conn = g_socket_client_connect_to_host (client, "127.0.0.1", peer->port, NULL, NULL);
  if (conn != NULL)
    play (peer, G_IO_STREAM (conn));
  signal_main (peer, &peer->ready);
  signal_main (peer, &peer->done);
  return NULL;
}

static void
clear_step (gpointer data)
{
  TestPeerStep *step = data;

  g_clear_pointer (&step->bytes, g_bytes_unref);
}

static TestPeer *
peer_new (guint16 port, GSocketListener *listener, const TestPeerStep *steps, guint n_steps)
{
  TestPeer *peer = g_new0 (TestPeer, 1);

  peer->port = port;
  peer->listener = listener;
  peer->steps = g_array_sized_new (FALSE, TRUE, sizeof (TestPeerStep), n_steps);
  g_array_set_clear_func (peer->steps, clear_step);
  for (guint i = 0; i < n_steps; i++)
    {
      TestPeerStep step = steps[i];

      if (step.bytes != NULL)
        g_bytes_ref (step.bytes);
      g_array_append_val (peer->steps, step);
    }
  peer->received = g_byte_array_new ();
  peer->context = g_main_context_ref_thread_default ();
  g_mutex_init (&peer->lock);
  g_cond_init (&peer->cond);
  peer->thread = g_thread_new ("test-peer", peer_run, peer);
  return peer;
}

TestPeer *
test_peer_start (guint16 port, const TestPeerStep *steps, guint n_steps)
{
  return peer_new (port, NULL, steps, n_steps);
}

TestPeer *
test_peer_listen (const TestPeerStep *steps, guint n_steps)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GSocketAddress) loopback = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, loopback, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  return peer_new (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), listener,
                   steps, n_steps);
}

guint16
test_peer_get_port (TestPeer *peer)
{
  return peer->port;
}

gsize
test_peer_get_n_sent (TestPeer *peer)
{
  return (gsize) g_atomic_int_get (&peer->n_sent);
}

static gboolean
on_limit (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_flag (TestPeer *peer, gint *flag, const char *what)
{
  gboolean expired = FALSE;
  GSource *limit = g_timeout_source_new (WAIT_LIMIT_MS);

  g_source_set_callback (limit, on_limit, &expired, NULL);
  g_source_attach (limit, peer->context);
  while (!g_atomic_int_get (flag) && !expired)
    g_main_context_iteration (peer->context, TRUE);
  g_source_destroy (limit);
  g_source_unref (limit);
  if (!g_atomic_int_get (flag))
    g_error ("Timed out waiting for the test peer to be %s", what);
}

void
test_peer_wait_ready (TestPeer *peer)
{
  wait_flag (peer, &peer->ready, "ready");
}

void
test_peer_go (TestPeer *peer)
{
  g_mutex_lock (&peer->lock);
  peer->go = TRUE;
  g_cond_signal (&peer->cond);
  g_mutex_unlock (&peer->lock);
}

GByteArray *
test_peer_finish (TestPeer *peer)
{
  test_peer_go (peer);
  wait_flag (peer, &peer->done, "done");
  if (peer->thread != NULL)
    g_thread_join (g_steal_pointer (&peer->thread));
  return peer->received;
}

void
test_peer_free (TestPeer *peer)
{
  if (peer->thread != NULL)
    test_peer_finish (peer);
  if (peer->listener != NULL)
    {
      g_socket_listener_close (peer->listener);
      g_object_unref (peer->listener);
    }
  g_array_unref (peer->steps);
  g_byte_array_unref (peer->received);
  g_main_context_unref (peer->context);
  g_mutex_clear (&peer->lock);
  g_cond_clear (&peer->cond);
  g_free (peer);
}
