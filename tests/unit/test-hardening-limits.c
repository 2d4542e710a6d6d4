/* test-hardening-limits.c — the acceptor's limits crossed on purpose: ARTIM
 * as a deadline for the whole A-ASSOCIATE-RQ (PS3.8 §9.1.5), the -RQ size
 * cap, the cap on connections not yet associated, bytes that are not
 * DICOM at all, and a release collision (PS3.8 §9.2.2) */
#include <string.h>

#include "dcm-uids.h"
#include "dimse-error.h"
#include "test-peer.h"
#include "test-resources.h"
#include "test-store-server.h"
#include "test-wait.h"

typedef TestStoreServer Fixture;

/* PS3.8 Table 9-10: Evt19 in Sta2 is AA-1, an A-ABORT from the service
 * user with reason 0; Evt18 (ARTIM) in Sta2 is AA-2, a close without one. */
static void
assert_abort_or_nothing (GByteArray *received)
{
  if (received->len == 0)
    return;
  g_assert_cmpuint (received->len, ==, 10);
  g_assert_cmpuint (received->data[0], ==, DIMSE_PDU_ABORT);
}

/* ---- ARTIM ---- */

/* One byte every 200 ms: the -RQ would take a minute to arrive. ARTIM runs
 * from the connection on, however many bytes trickle in. */
static void
test_slow_loris (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) rq = test_store_rq_bytes ();
  const TestPeerStep steps[] = { { TEST_PEER_TRICKLE, rq, 200 } };
  g_autoptr(TestPeer) peer = NULL;
  GByteArray *received;

  f->timeouts.artim_timeout_ms = 1000;
  test_store_server_start (f);
  peer = test_peer_start (dimse_server_get_port (f->server), steps, G_N_ELEMENTS (steps));
  received = test_peer_finish (peer);
  g_test_message ("sent %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes; acceptor: %s",
                  test_peer_get_n_sent (peer), g_bytes_get_size (rq), f->failure);
  g_assert_cmpuint (test_peer_get_n_sent (peer), <, g_bytes_get_size (rq));
  g_assert_cmpuint (received->len, ==, 0);
  test_drain ();
  g_assert_cmpuint (f->n_started, ==, 0);
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "ARTIM"));
  test_store_server_round_trip (f);
}

/* ---- the size of an A-ASSOCIATE-RQ ---- */

/* A header declaring one byte over 64 KiB is refused on the header alone:
 * the acceptor does not wait for (or make room for) the body. */
static void
test_associate_rq_too_large (Fixture *f, gconstpointer data)
{
  static const guint8 header[] = { 0x01, 0x00, 0x00, 0x01, 0x00, 0x01 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (header, sizeof header);
  const TestPeerStep steps[] = { { TEST_PEER_SEND, bytes, 0 } };
  g_autoptr(TestPeer) peer = NULL;
  GByteArray *received;

  f->timeouts.artim_timeout_ms = 15000;
  test_store_server_start (f);
  peer = test_peer_start (dimse_server_get_port (f->server), steps, G_N_ELEMENTS (steps));
  received = test_peer_finish (peer);
  g_assert_cmpuint (received->len, ==, 10);
  g_assert_cmpuint (received->data[0], ==, DIMSE_PDU_ABORT);
  test_drain ();
  g_test_message ("acceptor: %s", f->failure);
  g_assert_nonnull (f->failure);
  g_assert_null (strstr (f->failure, "ARTIM"));
  g_assert_nonnull (strstr (f->failure, "A-ASSOCIATE-RQ"));
  test_store_server_round_trip (f);
}

/* An A-ASSOCIATE-RQ of our own requestor over 64 KiB: a User Identity
 * item near its own 16-bit limit (PS3.7 Table D.3-14) beside the
 * contexts the server knows, the same Verification context proposed again
 * and again to add length. */
static DimseAssociationParams *
large_rq_params (void)
{
  DimseAssociationParams *params = dimse_association_params_new ("REQUESTOR", "ACCEPTOR");
  g_autofree guint8 *name = g_malloc (62000);
  g_autoptr(GBytes) primary = NULL;
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;

  memset (name, 'u', 62000);
  primary = g_bytes_new_take (g_steal_pointer (&name), 62000);
  dimse_association_params_set_user_identity (params, DIMSE_USER_IDENTITY_USERNAME, primary, NULL,
                                              FALSE);
  for (guint i = 0; i < 40; i++)
    dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL,
                                          DIMSE_ROLE_DEFAULT);
  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  encoded = dimse_pdu_encode (rq, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (encoded), >, DIMSE_PDU_HEADER_LENGTH
                                                   + DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH);
  return params;
}

static DimseAssociation *
request_large (Fixture *f, GError **error)
{
  g_autoptr(DimseAssociationParams) params = large_rq_params ();
  TestWaiter w = { 0 };
  DimseAssociation *assoc;

  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the answer to the -RQ"),
                                            error);
  test_waiter_clear (&w);
  return assoc;
}

/* Refused under the default cap, accepted once the server's cap is raised
 * above its length. */
static void
test_associate_rq_raised_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) refused = NULL;
  g_autoptr(DimseAssociation) accepted = NULL;
  g_autoptr(GError) error = NULL;

  test_store_server_start (f);
  refused = request_large (f, &error);
  g_assert_null (refused);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_ABORTED);
  test_drain ();
  g_test_message ("default cap: %s; acceptor: %s", error->message, f->failure);
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "A-ASSOCIATE-RQ"));
  g_clear_error (&error);

  dimse_server_set_max_associate_rq_length (f->server, 128 * 1024);
  accepted = request_large (f, &error);
  g_assert_no_error (error);
  test_store_server_echo (accepted);
  test_store_server_release (accepted);
}

/* ---- connections that never associate ---- */

#define MAX_WAITING 8
#define N_IDLE 20

/* Read returns 0 (or fails) once the acceptor has closed the connection. */
static gboolean
was_closed (GSocketConnection *conn)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  gchar byte;
  gssize n;

  if (!g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR))
    return FALSE;
  n = g_socket_receive_with_blocking (socket, &byte, 1, FALSE, NULL, NULL);
  return n <= 0;
}

static GPtrArray *
open_idle_connections (Fixture *f, guint n)
{
  GPtrArray *conns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  for (guint i = 0; i < n; i++)
    {
      TestWaiter w = { 0 };
      g_autoptr(GError) error = NULL;
      GSocketConnection *conn;

      g_socket_client_connect_to_host_async (client, "127.0.0.1",
                                             dimse_server_get_port (f->server), NULL,
                                             test_waiter_done, &w);
      conn = g_socket_client_connect_to_host_finish (client, test_waiter_wait (&w, "connect"),
                                                     &error);
      g_assert_no_error (error);
      g_ptr_array_add (conns, conn);
      test_waiter_clear (&w);
    }
  test_drain ();
  return conns;
}

static gboolean
evicted_enough (gpointer user_data)
{
  Fixture *f = user_data;

  return f->n_failed >= N_IDLE - MAX_WAITING + 1;
}

/* Past the cap the acceptor lets the connection that has waited longest
 * go, so that a requestor that does send its -RQ is always heard. */
static void
test_waiting_connections (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) conns = NULL;
  guint n_closed = 0;

  test_store_server_start (f);
  dimse_server_set_max_waiting_connections (f->server, MAX_WAITING);
  conns = open_idle_connections (f, N_IDLE);
  test_store_server_round_trip (f);
  test_wait_for (evicted_enough, f, "the idle connections to be let go");
  test_drain ();
  for (guint i = 0; i < conns->len; i++)
    if (was_closed (g_ptr_array_index (conns, i)))
      n_closed++;
  g_test_message ("%u of %u idle connections closed; acceptor: %s", n_closed, N_IDLE,
                  f->failure);
  /* The round trip's connection took a place too. */
  g_assert_cmpuint (n_closed, ==, N_IDLE - MAX_WAITING + 1);
  g_assert_true (was_closed (g_ptr_array_index (conns, 0)));
  g_assert_false (was_closed (g_ptr_array_index (conns, N_IDLE - 1)));
  g_assert_cmpuint (dimse_server_get_n_waiting_connections (f->server), ==, MAX_WAITING - 1);
  g_assert_nonnull (strstr (f->failure, "A-ASSOCIATE-RQ"));
}

/* ---- not DICOM at all ---- */

static void
check_not_dicom (Fixture *f, const guint8 *bytes, gsize size)
{
  g_autoptr(GBytes) junk = g_bytes_new_static (bytes, size);
  const TestPeerStep steps[] = { { TEST_PEER_SEND, junk, 0 } };
  g_autoptr(TestPeer) peer = NULL;

  /* Far longer than the test waits: the connection must go at once. */
  f->timeouts.artim_timeout_ms = 15000;
  test_store_server_start (f);
  peer = test_peer_start (dimse_server_get_port (f->server), steps, G_N_ELEMENTS (steps));
  assert_abort_or_nothing (test_peer_finish (peer));
  test_drain ();
  g_test_message ("acceptor: %s", f->failure);
  g_assert_cmpuint (f->n_failed, ==, 1);
  g_assert_null (strstr (f->failure, "ARTIM"));
  test_store_server_round_trip (f);
}

static void
test_http_get (Fixture *f, gconstpointer data)
{
  static const char get[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

  check_not_dicom (f, (const guint8 *) get, strlen (get));
}

/* The start of a TLS 1.2 ClientHello record (RFC 5246 §6.2, §7.4.1.2). */
static void
test_tls_client_hello (Fixture *f, gconstpointer data)
{
  static const guint8 hello[] = {
    0x16, 0x03, 0x01, 0x00, 0x31, 0x01, 0x00, 0x00, 0x2d, 0x03, 0x03,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x00, 0x00, 0x04, 0x13, 0x01, 0xc0, 0x2f, 0x01, 0x00, 0x00, 0x00,
  };

  check_not_dicom (f, hello, sizeof hello);
}

/* ---- release collision ---- */

static void
test_release_collision (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) requestor = NULL;
  g_autoptr(DimseAssociation) acceptor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) acceptor_error = NULL;
  TestWaiter ours = { 0 }, theirs = { 0 };

  test_store_server_start (f);
  requestor = test_store_server_request (f, NULL, &error);
  g_assert_no_error (error);
  test_store_server_echo (requestor);
  g_assert_nonnull (f->server_assoc);
  acceptor = g_object_ref (f->server_assoc);
  /* Both A-RELEASE-RQs are written before either side reads the other's. */
  dimse_association_release_async (requestor, NULL, test_waiter_done, &ours);
  dimse_association_release_async (acceptor, NULL, test_waiter_done, &theirs);
  g_assert_true (dimse_association_release_finish (requestor,
                                                   test_waiter_wait (&ours, "our release"),
                                                   &error));
  g_assert_no_error (error);
  g_assert_true (dimse_association_release_finish (acceptor,
                                                   test_waiter_wait (&theirs, "their release"),
                                                   &acceptor_error));
  g_assert_no_error (acceptor_error);
  test_store_server_wait_closed (f, 1);
  g_assert_cmpuint (f->close_reason, ==, DIMSE_CLOSE_RELEASED);
  g_assert_cmpuint (dimse_association_get_state (requestor), ==, DIMSE_STA1_IDLE);
  g_assert_cmpuint (dimse_association_get_state (acceptor), ==, DIMSE_STA1_IDLE);
  test_waiter_clear (&ours);
  test_waiter_clear (&theirs);
  test_store_server_round_trip (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, test_store_server_set_up, func, test_store_server_tear_down)
  ADD ("/hardening/limits/artim/slow-loris", test_slow_loris);
  ADD ("/hardening/limits/associate-rq/too-large", test_associate_rq_too_large);
  ADD ("/hardening/limits/associate-rq/raised-limit", test_associate_rq_raised_limit);
  ADD ("/hardening/limits/waiting-connections", test_waiting_connections);
  ADD ("/hardening/limits/not-dicom/http-get", test_http_get);
  ADD ("/hardening/limits/not-dicom/tls-client-hello", test_tls_client_hello);
  ADD ("/hardening/limits/release-collision", test_release_collision);
#undef ADD

  return g_test_run ();
}
