/* test-peer.c — a raw DICOM peer on its own thread */
#include "test-peer.h"

#define SOCKET_TIMEOUT_S 10
#define WAIT_LIMIT_MS 20000

struct _TestPeer {
  guint16       port;
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
          g_output_stream_write_bytes (out, step->bytes, NULL, NULL);
          break;
        case TEST_PEER_READ:
          read_pdu (in, peer->received);
          break;
        case TEST_PEER_HOLD:
          hold (peer);
          break;
        }
    }
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_byte_array_append (peer->received, buf, n);
}

static gpointer
peer_run (gpointer user_data)
{
  TestPeer *peer = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  g_socket_client_set_timeout (client, SOCKET_TIMEOUT_S);
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

TestPeer *
test_peer_start (guint16 port, const TestPeerStep *steps, guint n_steps)
{
  TestPeer *peer = g_new0 (TestPeer, 1);

  peer->port = port;
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
  g_array_unref (peer->steps);
  g_byte_array_unref (peer->received);
  g_main_context_unref (peer->context);
  g_mutex_clear (&peer->lock);
  g_cond_clear (&peer->cond);
  g_free (peer);
}
