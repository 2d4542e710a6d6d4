/* test-hardening-storage.c — a C-STORE cut off in the middle of its data
 * set (A-ABORT, TCP reset, FIN, a peer that stops sending): nothing is left
 * in the storage folder, not even a temporary file, and the acceptor goes
 * on serving (PS3.4 §B.2.3; PS3.8 §9.1.5 timers) */
#include <string.h>

#include "dimse-error.h"
#include "test-peer.h"
#include "test-resources.h"
#include "test-store-server.h"
#include "test-wait.h"

typedef TestStoreServer Fixture;

#define INSTANCE_UID "1.2.826.0.1.3680043.9.7777.2"
/* Thirteen P-DATA-TF PDUs of data set at 16 KiB. */
#define DATA_SET_SIZE (200 * 1024)
/* The first data set fragments the peer sends before it stops. */
#define N_FRAGMENTS_SENT 4

static gboolean
has_partial_file (gpointer user_data)
{
  return test_store_server_count_files (user_data) > 0;
}

/* PS3.8 §9.3.6: an A-ABORT PDU from the service user, reason 0. */
static GBytes *
abort_bytes (void)
{
  static const guint8 abort_pdu[] = { 0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0x00, 0x00 };

  return g_bytes_new_static (abort_pdu, sizeof abort_pdu);
}

/* The steps of a peer that associates, sends the C-STORE-RQ command and
 * the first fragments of its data set, holds, then ends as ending says. */
static GArray *
interrupted_store_steps (TestPeerAction ending, GBytes *last)
{
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (TestPeerStep));
  g_autoptr(GPtrArray) pdus = test_store_request_pdus (INSTANCE_UID, DATA_SET_SIZE);
  TestPeerStep step = { 0 };

  g_assert_cmpuint (pdus->len, >, 1 + N_FRAGMENTS_SENT);
  step.action = TEST_PEER_SEND;
  step.bytes = test_store_rq_bytes ();
  g_array_append_val (steps, step);
  step.action = TEST_PEER_READ;
  step.bytes = NULL;
  g_array_append_val (steps, step);
  for (guint i = 0; i <= N_FRAGMENTS_SENT; i++)
    {
      step.action = TEST_PEER_SEND;
      step.bytes = g_bytes_ref (g_ptr_array_index (pdus, i));
      g_array_append_val (steps, step);
    }
  if (last != NULL)
    {
      step.action = TEST_PEER_SEND;
      step.bytes = g_bytes_ref (last);
      g_array_append_val (steps, step);
    }
  step.action = TEST_PEER_HOLD;
  step.bytes = NULL;
  g_array_append_val (steps, step);
  step.action = ending;
  step.bytes = ending == TEST_PEER_SEND ? abort_bytes () : NULL;
  g_array_append_val (steps, step);
  return steps;
}

static void
free_steps (GArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    g_clear_pointer (&g_array_index (steps, TestPeerStep, i).bytes, g_bytes_unref);
  g_array_unref (steps);
}

/* The peer is ready (holding) once its bytes are written; the acceptor has
 * them once the temporary file of the data set is there. */
static TestPeer *
start_interrupted_store (Fixture *f, GArray *steps)
{
  TestPeer *peer;

  test_store_server_start (f);
  peer = test_peer_start (dimse_server_get_port (f->server),
                          (const TestPeerStep *) steps->data, steps->len);
  test_peer_wait_ready (peer);
  test_wait_for (has_partial_file, f, "the data set's temporary file");
  g_assert_cmpuint (f->n_started, ==, 1);
  g_assert_cmpuint (f->n_stored, ==, 0);
  return peer;
}

static void
assert_nothing_left_and_serving (Fixture *f)
{
  g_assert_cmpuint (test_store_server_count_files (f), ==, 0);
  g_assert_cmpuint (f->n_stored, ==, 0);
  test_store_server_round_trip (f);
  g_assert_cmpuint (f->n_stored, ==, 1);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
}

static void
check_interrupted (Fixture *f, TestPeerAction ending, DimseCloseReason expected)
{
  GArray *steps = interrupted_store_steps (ending, NULL);
  g_autoptr(TestPeer) peer = start_interrupted_store (f, steps);

  test_peer_finish (peer);
  test_store_server_wait_closed (f, 1);
  g_test_message ("acceptor: %s", f->closed);
  g_assert_cmpuint (f->close_reason, ==, expected);
  assert_nothing_left_and_serving (f);
  free_steps (steps);
}

static void
test_peer_abort (Fixture *f, gconstpointer data)
{
  check_interrupted (f, TEST_PEER_SEND, DIMSE_CLOSE_ABORTED);
  g_assert_nonnull (strstr (f->closed, "aborted"));
}

static void
test_reset (Fixture *f, gconstpointer data)
{
  check_interrupted (f, TEST_PEER_RESET, DIMSE_CLOSE_CONNECTION_LOST);
}

static void
test_fin (Fixture *f, gconstpointer data)
{
  check_interrupted (f, TEST_PEER_CLOSE, DIMSE_CLOSE_CONNECTION_LOST);
}

static gboolean
one_closed (gpointer user_data)
{
  Fixture *f = user_data;

  return f->n_closed > 0;
}

/* Half-open: the peer stops within a PDU and neither sends nor closes. The
 * idle timeout ends that association, while another one, busy, goes on. */
static void
test_half_open (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) pdus = test_store_request_pdus (INSTANCE_UID, DATA_SET_SIZE);
  GBytes *next = g_ptr_array_index (pdus, N_FRAGMENTS_SENT + 1);
  g_autoptr(GBytes) half = g_bytes_new_from_bytes (next, 0, g_bytes_get_size (next) / 2);
  GArray *steps = NULL;
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(DimseAssociation) neighbour = NULL;
  g_autoptr(GError) error = NULL;
  GByteArray *received;
  gsize ac_size;

  f->timeouts.idle_timeout_ms = 1000;
  steps = interrupted_store_steps (TEST_PEER_HOLD, half);
  peer = start_interrupted_store (f, steps);
  neighbour = test_store_server_request (f, NULL, &error);
  g_assert_no_error (error);
  /* Well within the idle timeout between two echoes; 20 s at most. */
  for (guint i = 0; i < 200 && !one_closed (f); i++)
    {
      test_store_server_echo (neighbour);
      test_run_for (100);
    }
  g_assert_true (one_closed (f));
  test_store_server_wait_closed (f, 1);
  g_test_message ("acceptor: %s", f->closed);
  g_assert_cmpuint (f->close_reason, ==, DIMSE_CLOSE_TIMEOUT);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 0);
  g_assert_true (dimse_association_is_established (neighbour));
  g_assert_cmpuint (test_store_server_store (f, neighbour), ==, 0x0000);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
  test_store_server_release (neighbour);
  received = test_peer_finish (peer);
  /* The -AC, then the A-ABORT the idle timeout sent. */
  ac_size = test_peer_pdu_size (received, 0);
  g_assert_cmpuint (received->data[0], ==, DIMSE_PDU_ASSOCIATE_AC);
  g_assert_cmpuint (received->len, ==, ac_size + 10);
  g_assert_cmpuint (received->data[ac_size], ==, DIMSE_PDU_ABORT);
  free_steps (steps);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, test_store_server_set_up, func, test_store_server_tear_down)
  ADD ("/hardening/storage/mid-data-set/peer-abort", test_peer_abort);
  ADD ("/hardening/storage/mid-data-set/tcp-reset", test_reset);
  ADD ("/hardening/storage/mid-data-set/fin", test_fin);
  ADD ("/hardening/storage/mid-data-set/half-open", test_half_open);
#undef ADD

  return g_test_run ();
}
