/* test-association-faults.c — peers that break PS3.8: the acceptor
 * answers each as the state table says and goes on serving its other
 * associations; a requestor whose peer is silent, absent or cancelled */
#include <string.h>

#include "dcm-uids.h"
#include "dimse-error.h"
#include "test-acceptor.h"
#include "test-util.h"
#include "test-wait.h"

typedef TestAcceptor Fixture;

static GBytes *
bytes_static (const guint8 *data, gsize size)
{
  return g_bytes_new_static (data, size);
}

/* ---- PS3.8 faults before the association ---- */

static void
test_sta2_unknown_pdu_type (Fixture *f, gconstpointer data)
{
  static const guint8 unknown[] = { 0x09, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0 };
  g_autoptr(GBytes) bad = bytes_static (unknown, sizeof unknown);

  test_acceptor_abort_in_sta2 (f, bad);
  g_assert_nonnull (strstr (f->failure, "invalid PDU"));
}

/* The header claims fewer bytes than the items hold: the last item runs
 * past the PDU. */
static void
test_sta2_pdu_length_short (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) rq = test_associate_rq_bytes ();
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GBytes) bad = NULL;
  gsize size = g_bytes_get_size (rq);
  guint32 length = (guint32) size - 6 - 10;

  g_byte_array_append (edited, g_bytes_get_data (rq, NULL), size);
  edited->data[2] = length >> 24;
  edited->data[3] = length >> 16;
  edited->data[4] = length >> 8;
  edited->data[5] = length;
  bad = g_byte_array_free_to_bytes (g_steal_pointer (&edited));
  test_acceptor_abort_in_sta2 (f, bad);
  g_assert_nonnull (strstr (f->failure, "A-ASSOCIATE-RQ"));
}

/* The presentation context item declares more bytes than its PDU has. */
static void
test_sta2_item_past_pdu (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) rq = test_associate_rq_bytes ();
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GBytes) bad = NULL;
  gsize size = g_bytes_get_size (rq);
  gsize offset = 6 + 68;

  g_byte_array_append (edited, g_bytes_get_data (rq, NULL), size);
  /* PS3.8 §9.3.2: the application context item comes first, then the
   * presentation context item (type 20H) with its 16-bit length. */
  g_assert_cmpuint (edited->data[offset], ==, 0x10);
  offset += 4 + ((edited->data[offset + 2] << 8) | edited->data[offset + 3]);
  g_assert_cmpuint (edited->data[offset], ==, DIMSE_ITEM_PRESENTATION_CONTEXT_RQ);
  edited->data[offset + 2] = 0xFF;
  edited->data[offset + 3] = 0xF0;
  bad = g_byte_array_free_to_bytes (g_steal_pointer (&edited));
  test_acceptor_abort_in_sta2 (f, bad);
  g_assert_nonnull (strstr (f->failure, "A-ASSOCIATE-RQ"));
}

/* Nothing at all: Evt18 in Sta2 is AA-2, close without an A-ABORT. */
static void
test_sta2_silent (Fixture *f, gconstpointer data)
{
  const TestPeerStep steps[] = { { TEST_PEER_HOLD, NULL } };
  g_autoptr(GByteArray) received = NULL;

  test_acceptor_start (f, 200);
  received = test_acceptor_misbehave (f, steps, G_N_ELEMENTS (steps));
  g_assert_cmpuint (received->len, ==, 0);
  test_drain ();
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "ARTIM"));
}

/* The header claims more bytes than ever come: the acceptor waits for the
 * rest no longer than ARTIM, and Evt18 in Sta2 is AA-2: close, no A-ABORT. */
static void
test_sta2_pdu_length_long (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) rq = test_associate_rq_bytes ();
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GByteArray) received = NULL;
  gsize size = g_bytes_get_size (rq);
  guint32 length = (guint32) size - 6 + 100;
  TestPeerStep steps[] = { { TEST_PEER_HOLD, NULL }, { TEST_PEER_SEND, NULL } };

  g_byte_array_append (edited, g_bytes_get_data (rq, NULL), size);
  edited->data[4] = length >> 8;
  edited->data[5] = length;
  bad = g_byte_array_free_to_bytes (g_steal_pointer (&edited));
  steps[1].bytes = bad;
  test_acceptor_start (f, 300);
  received = test_acceptor_misbehave (f, steps, G_N_ELEMENTS (steps));
  g_assert_cmpuint (received->len, ==, 0);
  test_drain ();
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "ARTIM"));
}

/* ---- PS3.8 faults once associated ---- */

static void
test_sta6_context_zero (Fixture *f, gconstpointer data)
{
  static const guint8 pdata[] = { 0x04, 0x00, 0x00, 0x00, 0x00, 0x08,
                                  0x00, 0x00, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00 };
  g_autoptr(GBytes) bad = bytes_static (pdata, sizeof pdata);

  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
}

static void
test_sta6_context_even (Fixture *f, gconstpointer data)
{
  static const guint8 pdata[] = { 0x04, 0x00, 0x00, 0x00, 0x00, 0x08,
                                  0x00, 0x00, 0x00, 0x04, 0x02, 0x03, 0x00, 0x00 };
  g_autoptr(GBytes) bad = bytes_static (pdata, sizeof pdata);

  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
}

/* The PDV item length (40) runs past its PDU (8 bytes of body). */
static void
test_sta6_pdv_past_pdu (Fixture *f, gconstpointer data)
{
  static const guint8 pdata[] = { 0x04, 0x00, 0x00, 0x00, 0x00, 0x08,
                                  0x00, 0x00, 0x00, 0x28, 0x01, 0x03, 0x00, 0x00 };
  g_autoptr(GBytes) bad = bytes_static (pdata, sizeof pdata);

  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
}

static void
test_sta6_data_before_command (Fixture *f, gconstpointer data)
{
  static const guint8 pdata[] = { 0x04, 0x00, 0x00, 0x00, 0x00, 0x08,
                                  0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x00, 0x00 };
  g_autoptr(GBytes) bad = bytes_static (pdata, sizeof pdata);

  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER);
}

/* PS3.8 Table 9-10: Evt6 in Sta6 is AA-8, reason unexpected PDU. */
static void
test_sta6_second_associate_rq (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) bad = test_associate_rq_bytes ();

  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_UNEXPECTED_PDU);
  g_assert_nonnull (strstr (f->aborted, "Sta6"));
  g_assert_nonnull (strstr (f->aborted, "Evt6"));
}

/* Evt3 in Sta6 is AA-8 too: an -AC means nothing to an acceptor. */
static void
test_sta6_associate_ac (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) rq_bytes = test_associate_rq_bytes ();
  g_autoptr(DimseAcceptorPolicy) policy = dimse_acceptor_policy_new ("ACCEPTOR");
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(DimsePdu) ac = NULL;
  g_autoptr(DimseNegotiationResult) result = NULL;
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GError) error = NULL;

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  g_assert_true (dimse_pdu_decode (rq_bytes, NULL, &rq, &error));
  g_assert_true (dimse_negotiation_accept (policy, rq, &result, &ac, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ac->type, ==, DIMSE_PDU_ASSOCIATE_AC);
  bad = dimse_pdu_encode (ac, &error);
  g_assert_no_error (error);
  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_UNEXPECTED_PDU);
}

/* ---- a requestor whose peer fails it ---- */

static DimseAssociationParams *
verification_params (void)
{
  DimseAssociationParams *params = dimse_association_params_new ("REQUESTOR", "ACCEPTOR");

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  return params;
}

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* A listener that accepts the connection (in the kernel) and never answers. */
static DimseAssociation *
request_silent_peer (const DimseTimeouts *timeouts, GCancellable *cancellable,
                     GError **error)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(DimseAssociationParams) params = verification_params ();
  DimseAssociation *assoc;
  TestWaiter w = { 0 };
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_assert_cmpuint (port, !=, 0);
  dimse_association_request_async (params, "127.0.0.1", port, timeouts, NULL, cancellable,
                                   test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the request to end"), error);
  g_object_unref (w.result);
  return assoc;
}

static void
test_request_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) later = g_timeout_source_new (100);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;

  g_source_set_callback (later, cancel_now, cancellable, NULL);
  g_source_attach (later, f->context);
  assoc = request_silent_peer (NULL, cancellable, &error);
  g_assert_null (assoc);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_request_no_answer (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  DimseTimeouts timeouts;

  dimse_timeouts_init (&timeouts);
  timeouts.artim_timeout_ms = 150;
  assoc = request_silent_peer (&timeouts, NULL, &error);
  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "A-ASSOCIATE-RQ"));
}

static void
test_connection_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseAssociationParams) params = verification_params ();
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  guint16 port;
  TestWaiter w = { 0 };

  /* A port that was free a moment ago: nothing listens on it. */
  {
    g_autoptr(GSocketListener) listener = g_socket_listener_new ();

    port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
    g_socket_listener_close (listener);
  }
  dimse_association_request_async (params, "127.0.0.1", port, NULL, NULL, NULL,
                                   test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the refusal"), &error);
  g_object_unref (w.result);
  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION);
  /* One sentence naming the address once, then the system's reason. */
  where = g_strdup_printf ("Could not connect to 127.0.0.1:%u: ", port);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_assert_null (strstr (error->message + strlen (where), "127.0.0.1"));
  g_assert_true (g_str_has_suffix (error->message, "."));
  g_assert_false (g_str_has_suffix (error->message, ".."));
}

static void
test_connection_refused_ipv6 (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseAssociationParams) params = verification_params ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("::1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *where = NULL;
  guint16 port;
  TestWaiter w = { 0 };

  if (!g_socket_listener_add_address (listener, any, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL))
    {
      g_test_skip ("No IPv6 loopback here.");
      return;
    }
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_listener_close (listener);
  dimse_association_request_async (params, "::1", port, NULL, NULL, NULL,
                                   test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the refusal"), &error);
  g_object_unref (w.result);
  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION);
  where = g_strdup_printf ("Could not connect to [::1]:%u: ", port);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_assert_null (strstr (error->message + strlen (where), "::1"));
}

/* ---- TLS ---- */

static void
make_certificate (const char *cert, const char *key)
{
  g_autofree char *openssl = test_util_find_program ("openssl");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                         NULL };
  int status = -1;

  g_assert_true (test_util_run (argv, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

/* A client that connects to a TLS acceptor and never says hello is let
 * go after ARTIM, as one that never sends its -RQ is. */
static void
test_tls_no_handshake (Fixture *f, gconstpointer data)
{
  g_autofree char *openssl = test_util_find_program ("openssl");
  g_autofree char *tmpdir = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(TestPeer) peer = NULL;
  GByteArray *received;
  DimseTlsSettings tls = { 0 };

#ifdef __SANITIZE_ADDRESS__
  /* As in the interop TLS test: LeakSanitizer crashes at exit once
   * glib-networking's GnuTLS module has been loaded. */
  g_test_skip ("TLS is not tested under AddressSanitizer (LeakSanitizer crash at exit)");
  return;
#endif
  if (openssl == NULL || !g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("openssl or a GIO TLS backend (glib-networking) is missing");
      return;
    }
  tmpdir = test_util_make_tmpdir ("test-association-faults");
  cert = g_build_filename (tmpdir, "cert.pem", NULL);
  key = g_build_filename (tmpdir, "key.pem", NULL);
  make_certificate (cert, key);
  tls.certificate_file = cert;
  tls.key_file = key;
  test_acceptor_start (f, 300);
  dimse_server_set_tls (f->server, &tls);
  peer = test_peer_start (dimse_server_get_port (f->server), NULL, 0);
  received = test_peer_finish (peer);
  g_assert_cmpuint (received->len, ==, 0);
  test_drain ();
  g_assert_nonnull (f->failure);
  g_assert_nonnull (strstr (f->failure, "TLS handshake"));
  test_util_rmtree (tmpdir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, test_acceptor_set_up, func, test_acceptor_tear_down)
  ADD ("/association-faults/sta2/silent", test_sta2_silent);
  ADD ("/association-faults/sta2/unknown-pdu-type", test_sta2_unknown_pdu_type);
  ADD ("/association-faults/sta2/pdu-length-short", test_sta2_pdu_length_short);
  ADD ("/association-faults/sta2/pdu-length-long", test_sta2_pdu_length_long);
  ADD ("/association-faults/sta2/item-past-pdu", test_sta2_item_past_pdu);
  ADD ("/association-faults/sta6/presentation-context-zero", test_sta6_context_zero);
  ADD ("/association-faults/sta6/presentation-context-even", test_sta6_context_even);
  ADD ("/association-faults/sta6/pdv-past-pdu", test_sta6_pdv_past_pdu);
  ADD ("/association-faults/sta6/data-before-command", test_sta6_data_before_command);
  ADD ("/association-faults/sta6/second-associate-rq", test_sta6_second_associate_rq);
  ADD ("/association-faults/sta6/associate-ac", test_sta6_associate_ac);
  ADD ("/association-faults/request/cancelled", test_request_cancelled);
  ADD ("/association-faults/request/no-answer", test_request_no_answer);
  ADD ("/association-faults/request/connection-refused", test_connection_refused);
  ADD ("/association-faults/request/connection-refused-ipv6", test_connection_refused_ipv6);
  ADD ("/association-faults/tls/no-handshake", test_tls_no_handshake);
#undef ADD

  return g_test_run ();
}
