/* test-hardening-load.c — many connections and associations at once or in
 * turn, and a peer that stops reading: the acceptor stays responsive, the
 * limits answer as PS3.8 Table 9-21 says, and file descriptors and main
 * context sources come back to where they started */
#include <string.h>

#include "dcm-uids.h"
#include "dimse-error.h"
#include "test-peer.h"
#include "test-resources.h"
#include "test-store-server.h"
#include "test-util.h"
#include "test-wait.h"

typedef TestStoreServer Fixture;

typedef struct {
  guint fds;
  guint sources;
} Level;

/* After one round trip, so that what GLib makes once (the worker threads'
 * wake-up descriptors, the listener's sources) is counted in. */
static Level
starting_level (Fixture *f)
{
  Level level;

  test_store_server_round_trip (f);
  test_store_server_wait_closed (f, f->n_started);
  level.fds = test_count_fds ();
  level.sources = test_count_sources (f->context);
  return level;
}

typedef struct {
  Fixture *f;
  Level    level;
} LevelWait;

static gboolean
back_to_level (gpointer user_data)
{
  LevelWait *wait = user_data;

  return dimse_server_get_n_associations (wait->f->server) == 0
         && dimse_server_get_n_waiting_connections (wait->f->server) == 0
         && dimse_store_scp_get_n_pending (wait->f->scp) == 0
         && test_count_fds () <= wait->level.fds;
}

static void
assert_back_to_level (Fixture *f, Level level)
{
  LevelWait wait = { f, level };

  test_wait_for (back_to_level, &wait, "file descriptors to come back to their start");
  test_drain ();
  g_assert_cmpuint (test_count_fds (), ==, level.fds);
  g_assert_cmpuint (test_count_sources (f->context), ==, level.sources);
}

/* ---- idle connections ---- */

#define N_IDLE 200

static void
test_idle_connections (Fixture *f, gconstpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree TestWaiter *waiters = g_new0 (TestWaiter, N_IDLE);
  GAsyncResult *result;
  Level level;

  test_store_server_start (f);
  /* The client's first connection makes what GLib keeps for the next ones. */
  g_socket_client_connect_to_host_async (client, "127.0.0.1", dimse_server_get_port (f->server),
                                         NULL, test_waiter_done, &waiters[0]);
  result = test_waiter_wait (&waiters[0], "a connection");
  g_object_unref (g_socket_client_connect_to_host_finish (client, result, NULL));
  test_waiter_clear (&waiters[0]);
  level = starting_level (f);
  for (guint i = 0; i < N_IDLE; i++)
    g_socket_client_connect_to_host_async (client, "127.0.0.1", dimse_server_get_port (f->server),
                                           NULL, test_waiter_done, &waiters[i]);
  for (guint i = 0; i < N_IDLE; i++)
    {
      g_autoptr(GError) error = NULL;

      result = test_waiter_wait (&waiters[i], "an idle connection");
      g_ptr_array_add (conns, g_socket_client_connect_to_host_finish (client, result, &error));
      g_assert_no_error (error);
      test_waiter_clear (&waiters[i]);
    }
  test_drain ();
  g_assert_cmpuint (test_count_fds (), >=, level.fds + N_IDLE);
  test_store_server_round_trip (f);
  g_assert_cmpuint (f->n_stored, ==, 2);
  g_test_message ("%u connections let go; the last: %s", f->n_failed, f->failure);
  g_ptr_array_set_size (conns, 0);
  assert_back_to_level (f, level);
  /* Every idle connection (and the first) ended as a failed one: let go
   * to make room, or closed by the client. */
  g_assert_cmpuint (f->n_failed, ==, N_IDLE + 1);
}

/* ---- associations in turn ---- */

#define N_SEQUENTIAL 1000

static void
test_sequential (Fixture *f, gconstpointer data)
{
  Level level;

  test_store_server_start (f);
  level = starting_level (f);
  for (guint i = 0; i < N_SEQUENTIAL; i++)
    test_store_server_round_trip (f);
  test_store_server_wait_closed (f, N_SEQUENTIAL + 1);
  g_assert_cmpuint (f->n_started, ==, N_SEQUENTIAL + 1);
  g_assert_cmpuint (f->n_stored, ==, N_SEQUENTIAL + 1);
  g_assert_cmpuint (f->n_failed, ==, 0);
  /* The same SOP Instance UID each time: one file, replaced. */
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
  assert_back_to_level (f, level);
}

/* ---- associations at once, against a limit ---- */

#define N_CONCURRENT 50
#define MAX_ASSOCIATIONS 10

static void
test_concurrent_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autofree TestWaiter *waiters = g_new0 (TestWaiter, N_CONCURRENT);
  g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *words = NULL;
  g_autofree char *result = NULL;
  guint n_rejected = 0;
  Level level;

  test_store_server_start (f);
  dimse_server_set_max_associations (f->server, MAX_ASSOCIATIONS);
  level = starting_level (f);
  params = dimse_association_params_new ("REQUESTOR", "ACCEPTOR");
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  for (guint i = 0; i < N_CONCURRENT; i++)
    dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                     NULL, NULL, NULL, test_waiter_done, &waiters[i]);
  words = g_strdup (dimse_rj_reason_to_string (DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION,
                                               DIMSE_RJ_REASON_LOCAL_LIMIT_EXCEEDED));
  result = g_strdup (dimse_rj_result_to_string (DIMSE_RJ_RESULT_TRANSIENT));
  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      g_autoptr(GError) error = NULL;
      DimseAssociation *assoc =
        dimse_association_request_finish (test_waiter_wait (&waiters[i], "an -AC or -RJ"),
                                          &error);

      test_waiter_clear (&waiters[i]);
      if (assoc != NULL)
        {
          g_ptr_array_add (accepted, assoc);
          continue;
        }
      g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
      g_assert_nonnull (strstr (error->message, words));
      g_assert_nonnull (strstr (error->message, result));
      n_rejected++;
    }
  g_assert_cmpuint (accepted->len, ==, MAX_ASSOCIATIONS);
  g_assert_cmpuint (n_rejected, ==, N_CONCURRENT - MAX_ASSOCIATIONS);
  for (guint i = 0; i < accepted->len; i++)
    test_store_server_echo (g_ptr_array_index (accepted, i));
  for (guint i = 0; i < accepted->len; i++)
    test_store_server_release (g_ptr_array_index (accepted, i));
  /* Their places are free again. */
  test_store_server_round_trip (f);
  assert_back_to_level (f, level);
}

/* ---- a peer that stops reading ---- */

#define BIG_DATA_SET (64 * 1024 * 1024)

typedef struct {
  gboolean         done;
  DimseCloseReason reason;
  char            *description;
} Closed;

static void
on_closed (DimseAssociation *assoc, guint reason, const char *description, gpointer user_data)
{
  Closed *closed = user_data;

  closed->done = TRUE;
  closed->reason = reason;
  closed->description = g_strdup (description);
}

/* Which timer ends a send the peer stops reading. */
typedef struct {
  guint       dimse_timeout_ms;
  guint       idle_timeout_ms;
  const char *why;    /* in the send's error and the closed description */
} StalledCase;

/* The DIMSE timeout as the limit on a write making no progress, the idle
 * timer far away: the send ends on the first. */
static const StalledCase write_timeout_case = { 1000, 600000, "has read nothing" };
/* The idle timer first: the send fails with why the association ended,
 * not with the write's "Operation was cancelled". */
static const StalledCase idle_timeout_case = { 600000, 1000, "was idle for" };

/* The peer takes the association and then reads nothing: our C-STORE-RQ
 * fills the socket buffers and stalls. The association's timeouts end it,
 * and the data set is never copied on its way out. */
static void
test_peer_stops_reading (Fixture *f, gconstpointer data)
{
  const StalledCase *stalled = data;
  g_autoptr(GBytes) ac = test_store_ac_bytes ();
  const TestPeerStep steps[] = {
    { TEST_PEER_READ, NULL, 0 }, { TEST_PEER_SEND, ac, 0 }, { TEST_PEER_HOLD, NULL, 0 },
  };
  g_autoptr(TestPeer) peer = test_peer_listen (steps, G_N_ELEMENTS (steps));
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("REQUESTOR",
                                                                           "ACCEPTOR");
  static const char *const implicit_le[] = { DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, NULL };
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(GBytes) data_set = NULL;
  g_autoptr(GError) error = NULL;
  DimseTimeouts timeouts;
  TestWaiter w = { 0 };
  Closed closed = { 0 };
  gboolean measured;
  guint64 rss;

  dimse_timeouts_init (&timeouts);
  timeouts.artim_timeout_ms = 1000;
  timeouts.dimse_timeout_ms = stalled->dimse_timeout_ms;
  timeouts.idle_timeout_ms = stalled->idle_timeout_ms;
  dimse_association_params_add_context (params, DCM_UID_CT_IMAGE_STORAGE, implicit_le,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", test_peer_get_port (peer), &timeouts,
                                   NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_closed), &closed);
  test_peer_wait_ready (peer);

  data_set = test_util_make_ct_data_set (&dcm_ts_implicit_le, "1.2.826.0.1.3680043.9.7777.3",
                                         BIG_DATA_SET);
  rq = dimse_message_new_c_store_rq (dimse_association_next_message_id (assoc),
                                     DCM_UID_CT_IMAGE_STORAGE, "1.2.826.0.1.3680043.9.7777.3",
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, &error);
  g_assert_no_error (error);
  dimse_message_set_encoded_data_set (rq, data_set, &dcm_ts_implicit_le);
  rss = test_get_rss ();
  measured = test_reset_peak_rss ();
  dimse_association_send_message_async (assoc, TEST_STORE_PC_CT, rq, NULL, test_waiter_done, &w);
  g_assert_false (dimse_association_send_message_finish (assoc,
                                                         test_waiter_wait (&w, "the send to fail"),
                                                         &error));
  test_waiter_clear (&w);
  g_test_message ("send: %s; association: %s", error->message, closed.description);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, stalled->why));
  g_assert_true (closed.done);
  g_assert_cmpuint (closed.reason, ==, DIMSE_CLOSE_TIMEOUT);
  g_assert_nonnull (strstr (closed.description, stalled->why));
  g_assert_false (dimse_association_is_established (assoc));
#ifdef __SANITIZE_ADDRESS__
  /* The sanitizer's own allocations make the peak meaningless. */
  (void) measured;
  (void) rss;
#else
  /* Headers and bookkeeping only: far less than another copy of the data set. */
  if (measured && rss != 0)
    {
      g_test_message ("peak memory over the send: %" G_GUINT64_FORMAT " KiB",
                      (test_get_peak_rss () - rss) / 1024);
      g_assert_cmpuint (test_get_peak_rss (), <, rss + BIG_DATA_SET / 4);
    }
#endif
  test_peer_finish (peer);
  g_free (closed.description);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) ADD_DATA (path, NULL, func)
#define ADD_DATA(path, data, func) \
  g_test_add (path, Fixture, data, test_store_server_set_up, func, test_store_server_tear_down)
  ADD ("/hardening/load/idle-connections", test_idle_connections);
  ADD ("/hardening/load/sequential", test_sequential);
  ADD ("/hardening/load/concurrent-limit", test_concurrent_limit);
  ADD_DATA ("/hardening/load/peer-stops-reading/write-timeout", &write_timeout_case,
            test_peer_stops_reading);
  ADD_DATA ("/hardening/load/peer-stops-reading/idle-timeout", &idle_timeout_case,
            test_peer_stops_reading);
#undef ADD_DATA
#undef ADD

  return g_test_run ();
}
