/* test-association-messages.c — PS3.7 on receipt: command sets checked
 * against their tables, the window of operations performed, C-CANCEL-RQ
 * matched to its request */
#include <string.h>

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-error.h"
#include "test-acceptor.h"
#include "test-wait.h"

typedef TestAcceptor Fixture;

/* PS3.7 §D.3.3.3: without negotiation the window is 1/1; a second request
 * while the first is being performed breaks it. */
static void
test_window_exceeded (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMessage) rq1 = dimse_message_new_c_echo_rq (TEST_ID_SILENT, DCM_UID_VERIFICATION,
                                                             NULL);
  g_autoptr(DimseMessage) rq2 = dimse_message_new_c_echo_rq (TEST_ID_SILENT + 1,
                                                             DCM_UID_VERIFICATION, NULL);
  g_autoptr(GByteArray) both = g_byte_array_new ();
  g_autoptr(GBytes) first = test_command_pdata (rq1);
  g_autoptr(GBytes) second = test_command_pdata (rq2);
  g_autoptr(GBytes) bad = NULL;

  g_byte_array_append (both, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_byte_array_append (both, g_bytes_get_data (second, NULL), g_bytes_get_size (second));
  bad = g_byte_array_free_to_bytes (g_steal_pointer (&both));
  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER);
}

/* ---- PS3.7: command sets checked on receipt ---- */

/* A request that cannot be answered (no Message ID) aborts. */
static void
test_request_without_message_id (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMessage) rq = dimse_message_new_c_echo_rq (7, DCM_UID_VERIFICATION, NULL);
  g_autoptr(GBytes) bad = NULL;

  dimse_message_remove (rq, DCM_TAG_MESSAGE_ID);
  bad = test_command_pdata (rq);
  test_acceptor_abort_in_sta6 (f, bad, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
}

/* A C-ECHO-RQ without Affected SOP Class UID is answered with 0212H
 * Mistyped Argument naming the field, and never reaches the handler
 * (which would fail the test: it asserts the field is there by
 * answering with it). */
static void
test_request_invalid_answered (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMessage) rq = dimse_message_new_c_echo_rq (7, DCM_UID_VERIFICATION, NULL);
  g_autoptr(GBytes) rq_bytes = test_associate_rq_bytes ();
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GBytes) rsp_bytes = NULL;
  g_autoptr(GBytes) abort_bytes = NULL;
  g_autoptr(DimsePdu) abort_pdu = dimse_pdu_new_abort (DIMSE_ABORT_SOURCE_SERVICE_USER, 0);
  g_autoptr(DimsePdu) pdata = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GByteArray) received = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *comment = NULL;
  gsize ac_size, rsp_size;
  guint16 status = 0, id = 0;
  const DimsePdv *pdv;

  dimse_message_remove (rq, DCM_TAG_AFFECTED_SOP_CLASS_UID);
  bad = test_command_pdata (rq);
  abort_bytes = dimse_pdu_encode (abort_pdu, &error);
  {
    const TestPeerStep steps[] = {
      { TEST_PEER_SEND, rq_bytes }, { TEST_PEER_READ, NULL }, { TEST_PEER_HOLD, NULL },
      { TEST_PEER_SEND, bad }, { TEST_PEER_READ, NULL }, { TEST_PEER_SEND, abort_bytes },
    };

    test_acceptor_start (f, 0);
    received = test_acceptor_misbehave (f, steps, G_N_ELEMENTS (steps));
  }
  ac_size = test_peer_pdu_size (received, 0);
  rsp_size = test_peer_pdu_size (received, ac_size);
  g_assert_cmpuint (rsp_size, >, 12);
  g_assert_cmpuint (received->len, ==, ac_size + rsp_size);
  rsp_bytes = g_bytes_new (received->data + ac_size, rsp_size);
  g_assert_true (dimse_pdu_decode (rsp_bytes, NULL, &pdata, &error));
  g_assert_cmpuint (pdata->type, ==, DIMSE_PDU_P_DATA_TF);
  pdv = g_ptr_array_index (pdata->pdvs, 0);
  rsp = dimse_message_decode_command (pdv->fragment, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dimse_message_get_command_field (rsp), ==, DIMSE_C_ECHO_RSP);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, 0x0212);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, &id));
  g_assert_cmpuint (id, ==, 7);
  comment = dimse_message_dup_string (rsp, DCM_TAG_ERROR_COMMENT);
  g_assert_nonnull (comment);
  g_assert_nonnull (strstr (comment, "Affected SOP Class UID"));
}

/* A response without Status fails the wait for it, naming the field. */
static void
test_response_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = dimse_message_new_c_echo_rq (TEST_ID_INVALID_RESPONSE,
                                                            DCM_UID_VERIFICATION, NULL);
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;

  test_acceptor_start (f, 0);
  assoc = test_acceptor_request (f);
  test_send_request (assoc, rq);
  rsp = test_receive_response (assoc, TEST_ID_INVALID_RESPONSE, &error);
  g_assert_null (rsp);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID);
  g_assert_nonnull (strstr (error->message, "Status"));
  /* The operation ended with it; the association goes on. */
  g_assert_cmpuint (test_echo_status (assoc, 1), ==, 0);
  test_release (assoc);
}

/* Our requestor performs nothing: a request the acceptor sends it is
 * answered with 0211H Unrecognized Operation. */
static void
test_request_unhandled (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = dimse_message_new_c_echo_rq (5, DCM_UID_VERIFICATION, NULL);
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  test_acceptor_start (f, 0);
  assoc = test_acceptor_request (f);
  g_assert_nonnull (f->server_assoc);
  test_send_request (f->server_assoc, rq);
  rsp = test_receive_response (f->server_assoc, 5, &error);
  g_assert_no_error (error);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, 0x0211);
  test_release (assoc);
}

/* ---- C-CANCEL ---- */

static void
send_cancel (Fixture *f, DimseAssociation *assoc, guint16 id, GError **error)
{
  TestWaiter w = { 0 };

  dimse_association_send_cancel_async (assoc, id, NULL, test_waiter_done, &w);
  dimse_association_send_cancel_finish (assoc, test_waiter_wait (&w, "the cancel"), error);
  g_object_unref (w.result);
}

static void
test_cancel_matched (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rq = dimse_message_new_c_echo_rq (TEST_ID_CANCELLABLE,
                                                            DCM_UID_VERIFICATION, NULL);
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  test_acceptor_start (f, 0);
  assoc = test_acceptor_request (f);
  test_send_request (assoc, rq);
  while (f->cancellable == NULL)
    g_main_context_iteration (f->context, TRUE);
  g_assert_false (g_cancellable_is_cancelled (f->cancellable));
  send_cancel (f, assoc, TEST_ID_CANCELLABLE, &error);
  g_assert_no_error (error);
  rsp = test_receive_response (assoc, TEST_ID_CANCELLABLE, &error);
  g_assert_no_error (error);
  g_assert_true (g_cancellable_is_cancelled (f->cancellable));
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  g_assert_cmpuint (status, ==, TEST_STATUS_CANCEL);
  test_release (assoc);
}

/* A C-CANCEL-RQ naming no request being performed changes nothing. */
static void
test_cancel_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) cancel = dimse_message_new_c_cancel_rq (42);
  g_autoptr(GError) error = NULL;

  test_acceptor_start (f, 0);
  assoc = test_acceptor_request (f);
  send_cancel (f, assoc, 42, &error);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT);
  test_send_request (assoc, cancel);
  g_assert_cmpuint (test_echo_status (assoc, 1), ==, 0);
  g_assert_true (dimse_association_is_established (assoc));
  test_release (assoc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, test_acceptor_set_up, func, test_acceptor_tear_down)
  ADD ("/association-messages/window/exceeded", test_window_exceeded);
  ADD ("/association-messages/validate/request-without-message-id",
       test_request_without_message_id);
  ADD ("/association-messages/validate/request-answered", test_request_invalid_answered);
  ADD ("/association-messages/validate/response", test_response_invalid);
  ADD ("/association-messages/validate/request-unhandled", test_request_unhandled);
  ADD ("/association-messages/cancel/matched", test_cancel_matched);
  ADD ("/association-messages/cancel/unknown-message-id", test_cancel_unknown);
#undef ADD

  return g_test_run ();
}
