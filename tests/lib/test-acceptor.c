/* test-acceptor.c — the engine tests' acceptor and requestor helpers */
#include "test-acceptor.h"

#include <string.h>

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-error.h"
#include "test-wait.h"

/* ---- the acceptor: a Verification SCP whose answer depends on the ID ---- */

static void
on_response_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, NULL);
}

static void
on_request_cancelled (GCancellable *cancellable, gpointer user_data)
{
  TestAcceptor *f = user_data;
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (f->cancel_rq, TEST_STATUS_CANCEL);

  dimse_association_send_message_async (f->cancel_assoc, f->cancel_pc_id, rsp, NULL,
                                        on_response_sent, NULL);
}

static void
wait_for_cancel (TestAcceptor *f, DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                 guint16 id)
{
  f->cancellable = dimse_association_get_request_cancellable (assoc, id);
  g_assert_nonnull (f->cancellable);
  f->cancel_assoc = assoc;
  f->cancel_rq = dimse_message_ref (msg);
  f->cancel_pc_id = pc_id;
  g_signal_connect (f->cancellable, "cancelled", G_CALLBACK (on_request_cancelled), f);
}

static void
on_request_received (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                     GFile *data_set_file, gpointer user_data)
{
  TestAcceptor *f = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GCancellable) after = NULL;
  guint16 id = 0;

  g_assert_cmpuint (dimse_message_get_command_field (msg), ==, DIMSE_C_ECHO_RQ);
  g_assert_true (dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, &id));
  if (id >= TEST_ID_CANCELLABLE)
    {
      wait_for_cancel (f, assoc, pc_id, msg, id);
      return;
    }
  if (id >= TEST_ID_SILENT && id < TEST_ID_INVALID_RESPONSE)
    return;
  rsp = dimse_message_new_response (msg, 0x0000);
  if (id >= TEST_ID_INVALID_RESPONSE)
    dimse_message_remove (rsp, DCM_TAG_STATUS);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_response_sent, NULL);
  /* Answered finally: no longer being performed. */
  after = dimse_association_get_request_cancellable (assoc, id);
  g_assert_null (after);
}

static void
on_server_closed (DimseAssociation *assoc, guint reason, const char *description,
                  gpointer user_data)
{
  TestAcceptor *f = user_data;

  if (reason != DIMSE_CLOSE_ABORTED)
    return;
  g_free (f->aborted);
  f->aborted = g_strdup (description);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  TestAcceptor *f = user_data;

  f->server_assoc = assoc;
  g_signal_connect (assoc, "request-received", G_CALLBACK (on_request_received), user_data);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_server_closed), user_data);
}

static void
on_association_failed (DimseServer *server, const char *why, gpointer user_data)
{
  TestAcceptor *f = user_data;

  g_free (f->failure);
  f->failure = g_strdup (why);
}

void
test_acceptor_set_up (TestAcceptor *f, gconstpointer data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
}

void
test_acceptor_tear_down (TestAcceptor *f, gconstpointer data)
{
  if (f->server != NULL)
    {
      dimse_server_stop (f->server);
      test_drain ();
      g_clear_object (&f->server);
    }
  test_drain ();
  g_clear_object (&f->cancellable);
  g_clear_pointer (&f->cancel_rq, dimse_message_unref);
  g_free (f->failure);
  g_free (f->aborted);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

void
test_acceptor_start (TestAcceptor *f, guint artim_timeout_ms)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("ACCEPTOR");
  g_autoptr(GError) error = NULL;
  DimseTimeouts timeouts;

  dimse_timeouts_init (&timeouts);
  if (artim_timeout_ms != 0)
    timeouts.artim_timeout_ms = artim_timeout_ms;
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  f->server = dimse_server_new (policy, &timeouts);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_association_started), f);
  g_signal_connect (f->server, "association-failed", G_CALLBACK (on_association_failed), f);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
}

/* ---- a well-behaved requestor ---- */

DimseAssociation *
test_acceptor_request (TestAcceptor *f)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("REQUESTOR",
                                                                           "ACCEPTOR");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  DimseAssociation *assoc;

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  g_object_unref (w.result);
  return assoc;
}

void
test_send_request (DimseAssociation *assoc, DimseMessage *rq)
{
  g_autoptr(GError) error = NULL;
  TestWaiter sent = { 0 };

  dimse_association_send_message_async (assoc, 1, rq, NULL, test_waiter_done, &sent);
  g_assert_true (dimse_association_send_message_finish (assoc, test_waiter_wait (&sent, "send"),
                                                        &error));
  g_assert_no_error (error);
  g_object_unref (sent.result);
}

DimseMessage *
test_receive_response (DimseAssociation *assoc, guint16 id, GError **error)
{
  TestWaiter got = { 0 };
  DimseMessage *rsp;

  dimse_association_receive_response_async (assoc, id, NULL, test_waiter_done, &got);
  rsp = dimse_association_receive_response_finish (assoc, test_waiter_wait (&got, "rsp"), NULL,
                                                   error);
  g_object_unref (got.result);
  return rsp;
}

guint16
test_echo_status (DimseAssociation *assoc, guint16 id)
{
  g_autoptr(DimseMessage) rq = dimse_message_new_c_echo_rq (id, DCM_UID_VERIFICATION, NULL);
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  guint16 status = 0xFFFF;

  test_send_request (assoc, rq);
  rsp = test_receive_response (assoc, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dimse_message_get_command_field (rsp), ==, DIMSE_C_ECHO_RSP);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  return status;
}

void
test_release (DimseAssociation *assoc)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_release_async (assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_release_finish (assoc, test_waiter_wait (&w, "release"),
                                                   &error));
  g_assert_no_error (error);
  g_object_unref (w.result);
}

void
test_acceptor_echo_once (TestAcceptor *f)
{
  g_autoptr(DimseAssociation) assoc = test_acceptor_request (f);

  g_assert_cmpuint (test_echo_status (assoc, dimse_association_next_message_id (assoc)), ==, 0);
  test_release (assoc);
}

/* ---- what the raw peer sends ---- */

GBytes *
test_associate_rq_bytes (void)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("RAWPEER",
                                                                           "ACCEPTOR");
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  bytes = dimse_pdu_encode (rq, &error);
  g_assert_no_error (error);
  return bytes;
}

GBytes *
test_command_pdata (DimseMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) command = dimse_message_encode_command (msg, &error);
  g_autoptr(GPtrArray) pdus = NULL;

  g_assert_no_error (error);
  pdus = dimse_pdu_fragment_message (1, TRUE, command, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pdus->len, ==, 1);
  return g_bytes_ref (g_ptr_array_index (pdus, 0));
}

void
test_assert_abort_at (GByteArray *received, gsize offset, guint8 source, guint8 reason)
{
  g_assert_cmpuint (received->len, ==, offset + 10);
  g_assert_cmpuint (received->data[offset], ==, DIMSE_PDU_ABORT);
  g_assert_cmpuint (received->data[offset + 8], ==, source);
  g_assert_cmpuint (received->data[offset + 9], ==, reason);
}

GByteArray *
test_acceptor_misbehave (TestAcceptor *f, const TestPeerStep *steps, guint n_steps)
{
  g_autoptr(TestPeer) peer = test_peer_start (dimse_server_get_port (f->server), steps, n_steps);
  g_autoptr(DimseAssociation) neighbour = NULL;
  GByteArray *received;

  test_peer_wait_ready (peer);
  neighbour = test_acceptor_request (f);
  received = g_byte_array_ref (test_peer_finish (peer));
  g_assert_cmpuint (test_echo_status (neighbour, dimse_association_next_message_id (neighbour)),
                    ==, 0);
  test_release (neighbour);
  test_acceptor_echo_once (f);
  return received;
}

void
test_acceptor_abort_in_sta2 (TestAcceptor *f, GBytes *bad)
{
  const TestPeerStep steps[] = { { TEST_PEER_HOLD, NULL }, { TEST_PEER_SEND, bad } };
  g_autoptr(GByteArray) received = NULL;

  test_acceptor_start (f, 0);
  received = test_acceptor_misbehave (f, steps, G_N_ELEMENTS (steps));
  test_assert_abort_at (received, 0, DIMSE_ABORT_SOURCE_SERVICE_USER,
                        DIMSE_ABORT_REASON_NOT_SPECIFIED);
  test_drain ();
  g_assert_nonnull (f->failure);
  g_test_message ("acceptor: %s", f->failure);
}

void
test_acceptor_abort_in_sta6 (TestAcceptor *f, GBytes *bad, guint8 reason)
{
  g_autoptr(GBytes) rq = test_associate_rq_bytes ();
  const TestPeerStep steps[] = {
    { TEST_PEER_SEND, rq }, { TEST_PEER_READ, NULL }, { TEST_PEER_HOLD, NULL },
    { TEST_PEER_SEND, bad },
  };
  g_autoptr(GByteArray) received = NULL;
  gsize ac_size;

  test_acceptor_start (f, 0);
  received = test_acceptor_misbehave (f, steps, G_N_ELEMENTS (steps));
  ac_size = test_peer_pdu_size (received, 0);
  g_assert_cmpuint (ac_size, >, 6);
  g_assert_cmpuint (received->data[0], ==, DIMSE_PDU_ASSOCIATE_AC);
  test_assert_abort_at (received, ac_size, DIMSE_ABORT_SOURCE_SERVICE_PROVIDER, reason);
  test_drain ();
  g_assert_nonnull (f->aborted);
  g_test_message ("acceptor: %s", f->aborted);
}
