/* test-pdu.c — the upper layer PDUs of PS3.8 §9.3 */
#include "dimse-pdu.h"
#include "dimse-error.h"
#include "test-util.h"

#include <string.h>

#define VERIFICATION "1.2.840.10008.1.1"
#define IMPLICIT_LE "1.2.840.10008.1.2"
#define EXPLICIT_LE "1.2.840.10008.1.2.1"
#define CT_STORAGE "1.2.840.10008.5.1.4.1.1.2"
#define STORAGE_SERVICE "1.2.840.10008.4.2"

/* ---- helpers ---- */

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static GBytes *
encode_ok (const DimsePdu *pdu)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = dimse_pdu_encode (pdu, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static DimsePdu *
decode_ok (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  DimsePdu *pdu = NULL;

  g_assert_true (dimse_pdu_decode (bytes, NULL, &pdu, &error));
  g_assert_no_error (error);
  g_assert_nonnull (pdu);
  return pdu;
}

/* Encodes, decodes and encodes again: the two encodings must be equal.
 * Returns the decoded PDU for field checks. */
static DimsePdu *
round_trip (const DimsePdu *pdu)
{
  g_autoptr(GBytes) first = encode_ok (pdu);
  DimsePdu *decoded = decode_ok (first);
  g_autoptr(GBytes) second = encode_ok (decoded);

  g_assert_cmpint (decoded->type, ==, pdu->type);
  g_assert_true (g_bytes_equal (first, second));
  return decoded;
}

/* Decoding must fail with DIMSE_ERROR_PDU_INVALID and the given abort reason;
 * returns the message for further checks. */
static char *
decode_fails (const guint8 *data, gsize len, DimseAbortReason expected_reason)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);
  g_autoptr(GError) error = NULL;
  DimsePdu *pdu = NULL;
  DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;

  g_assert_false (dimse_pdu_decode_full (bytes, NULL, &pdu, &reason, &error));
  g_assert_null (pdu);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
  g_assert_cmpint (reason, ==, expected_reason);
  return g_strdup (error->message);
}

static DimsePresentationContext *
context (guint8 id, const char *abstract_syntax, const char *transfer_syntax)
{
  DimsePresentationContext *pc = dimse_presentation_context_new (id, abstract_syntax);

  g_ptr_array_add (pc->transfer_syntaxes, g_strdup (transfer_syntax));
  return pc;
}

static DimsePdu *
minimal_rq (void)
{
  DimsePdu *pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_RQ);
  DimseAssociate *assoc = pdu->associate;

  assoc->called_ae_title = g_strdup ("ANY-SCP");
  assoc->calling_ae_title = g_strdup ("ECHOSCU");
  g_ptr_array_add (assoc->presentation_contexts, context (1, VERIFICATION, IMPLICIT_LE));
  assoc->user_info = dimse_user_info_new ();
  assoc->user_info->has_max_pdu_length = TRUE;
  assoc->user_info->max_pdu_length = 16384;
  assoc->user_info->implementation_class_uid = g_strdup ("1.2.3.4");
  assoc->user_info->implementation_version_name = g_strdup ("DIMSEBENCH");
  return pdu;
}

/* PS3.8 §9.3.2 laid out field by field. */
static const char minimal_rq_bytes[] =
  "\x01\x00" "\x00\x00\x00\xb4"                       /* type, reserved, length 180 */
  "\x00\x01" "\x00\x00"                               /* protocol version, reserved */
  "ANY-SCP         "                                  /* called AE title */
  "ECHOSCU         "                                  /* calling AE title */
  "\0\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0"               /* 32 reserved bytes */
  "\0\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0"
  "\x10\x00\x00\x15" "1.2.840.10008.3.1.1.1"          /* application context */
  "\x20\x00\x00\x2e" "\x01\x00\x00\x00"               /* presentation context 1 */
  "\x30\x00\x00\x11" VERIFICATION                     /*   abstract syntax */
  "\x40\x00\x00\x11" IMPLICIT_LE                      /*   transfer syntax */
  "\x50\x00\x00\x21"                                  /* user information */
  "\x51\x00\x00\x04" "\x00\x00\x40\x00"               /*   maximum length 16384 */
  "\x52\x00\x00\x07" "1.2.3.4"                        /*   implementation class UID */
  "\x55\x00\x00\x0a" "DIMSEBENCH";                    /*   implementation version name */

#define MINIMAL_RQ_LEN (sizeof minimal_rq_bytes - 1)

static GByteArray *
minimal_rq_array (void)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, (const guint8 *) minimal_rq_bytes, MINIMAL_RQ_LEN);
  return a;
}

static void
set_pdu_length (GByteArray *a)
{
  guint32 n = a->len - DIMSE_PDU_HEADER_LENGTH;

  a->data[2] = n >> 24;
  a->data[3] = n >> 16;
  a->data[4] = n >> 8;
  a->data[5] = n;
}

/* Offsets into minimal_rq_bytes. */
#define OFFSET_CONTEXT 99
#define OFFSET_USER_INFO 149

/* ---- A-ASSOCIATE-RQ ---- */

static void
test_associate_rq_byte_exact (void)
{
  g_autoptr(DimsePdu) pdu = minimal_rq ();
  g_autoptr(GBytes) bytes = encode_ok (pdu);

  g_assert_cmpuint (MINIMAL_RQ_LEN, ==, 186);
  g_assert_cmpuint (((const guint8 *) minimal_rq_bytes)[OFFSET_CONTEXT], ==, 0x20);
  g_assert_cmpuint (((const guint8 *) minimal_rq_bytes)[OFFSET_USER_INFO], ==, 0x50);
  test_util_assert_bytes (bytes, minimal_rq_bytes, MINIMAL_RQ_LEN);
}

static void
test_associate_rq_decode_fields (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (minimal_rq_bytes, MINIMAL_RQ_LEN);
  g_autoptr(DimsePdu) pdu = decode_ok (bytes);
  DimseAssociate *assoc = pdu->associate;
  DimsePresentationContext *pc;

  g_assert_cmpint (pdu->type, ==, DIMSE_PDU_ASSOCIATE_RQ);
  g_assert_cmpuint (assoc->protocol_version, ==, 1);
  g_assert_cmpstr (assoc->called_ae_title, ==, "ANY-SCP");
  g_assert_cmpstr (assoc->calling_ae_title, ==, "ECHOSCU");
  g_assert_cmpstr (assoc->application_context_name, ==, DIMSE_APPLICATION_CONTEXT_NAME);
  g_assert_cmpuint (assoc->presentation_contexts->len, ==, 1);
  pc = assoc->presentation_contexts->pdata[0];
  g_assert_cmpuint (pc->id, ==, 1);
  g_assert_cmpstr (pc->abstract_syntax, ==, VERIFICATION);
  g_assert_cmpuint (pc->transfer_syntaxes->len, ==, 1);
  g_assert_cmpstr (pc->transfer_syntaxes->pdata[0], ==, IMPLICIT_LE);
  g_assert_nonnull (assoc->user_info);
  g_assert_true (assoc->user_info->has_max_pdu_length);
  g_assert_cmpuint (assoc->user_info->max_pdu_length, ==, 16384);
  g_assert_cmpstr (assoc->user_info->implementation_class_uid, ==, "1.2.3.4");
  g_assert_cmpstr (assoc->user_info->implementation_version_name, ==, "DIMSEBENCH");
  g_assert_false (assoc->user_info->has_async_ops_window);
  g_assert_null (assoc->user_info->user_identity);
}

static void
test_associate_rq_ae_title_padding (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DimsePdu) pdu = NULL;

  /* PS3.8 §9.3.2: leading and trailing spaces are not significant. */
  memcpy (a->data + 10, "   ANY-SCP      ", 16);
  memcpy (a->data + 26, "ECHOSCU\0\0\0\0\0\0\0\0\0", 16);
  bytes = g_bytes_new (a->data, a->len);
  pdu = decode_ok (bytes);
  g_assert_cmpstr (pdu->associate->called_ae_title, ==, "ANY-SCP");
  g_assert_cmpstr (pdu->associate->calling_ae_title, ==, "ECHOSCU");
}

static DimsePdu *
full_rq (void)
{
  DimsePdu *pdu = minimal_rq ();
  DimseUserInfo *info = pdu->associate->user_info;
  DimsePresentationContext *pc = context (3, CT_STORAGE, EXPLICIT_LE);
  DimseCommonExtendedNegotiation *cen;
  g_autoptr(GBytes) info_bytes = g_bytes_new ("\x01\x00\x01", 3);
  g_autoptr(GBytes) user = bytes_of ("alice");
  g_autoptr(GBytes) pass = bytes_of ("s3cret");
  g_autoptr(GBytes) odd = g_bytes_new ("\xde\xad", 2);

  g_ptr_array_add (pc->transfer_syntaxes, g_strdup (IMPLICIT_LE));
  g_ptr_array_add (pc->unknown_items, dimse_unknown_item_new (0x3f, odd));
  g_ptr_array_add (pdu->associate->presentation_contexts, pc);
  info->has_async_ops_window = TRUE;
  info->max_operations_invoked = 5;
  info->max_operations_performed = 3;
  g_ptr_array_add (info->role_selections, dimse_role_selection_new (CT_STORAGE, FALSE, TRUE));
  g_ptr_array_add (info->role_selections, dimse_role_selection_new (VERIFICATION, TRUE, FALSE));
  g_ptr_array_add (info->extended_negotiations,
                   dimse_extended_negotiation_new (CT_STORAGE, info_bytes));
  cen = dimse_common_extended_negotiation_new (CT_STORAGE, STORAGE_SERVICE);
  g_ptr_array_add (cen->related_general_sop_class_uids, g_strdup ("1.2.840.10008.5.1.4.1.1.88.22"));
  g_ptr_array_add (cen->related_general_sop_class_uids, g_strdup ("1.2.3"));
  g_ptr_array_add (info->common_extended_negotiations, cen);
  info->user_identity = dimse_user_identity_new (DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, TRUE,
                                                 user, pass);
  g_ptr_array_add (info->unknown_items, dimse_unknown_item_new (0x7e, odd));
  g_ptr_array_add (pdu->associate->unknown_items, dimse_unknown_item_new (0x60, odd));
  return pdu;
}

static void
assert_unknown (GPtrArray *items, guint8 type, const char *value, gsize len)
{
  DimseUnknownItem *item;

  g_assert_cmpuint (items->len, ==, 1);
  item = items->pdata[0];
  g_assert_cmpuint (item->type, ==, type);
  test_util_assert_bytes (item->value, value, len);
}

static void
test_associate_rq_round_trip (void)
{
  g_autoptr(DimsePdu) pdu = full_rq ();
  g_autoptr(DimsePdu) back = round_trip (pdu);
  DimseUserInfo *info = back->associate->user_info;
  DimsePresentationContext *pc = back->associate->presentation_contexts->pdata[1];
  DimseRoleSelection *rs;
  DimseExtendedNegotiation *en;
  DimseCommonExtendedNegotiation *cen;

  g_assert_cmpuint (back->associate->presentation_contexts->len, ==, 2);
  g_assert_cmpuint (pc->id, ==, 3);
  g_assert_cmpstr (pc->abstract_syntax, ==, CT_STORAGE);
  g_assert_cmpuint (pc->transfer_syntaxes->len, ==, 2);
  g_assert_cmpstr (pc->transfer_syntaxes->pdata[1], ==, IMPLICIT_LE);
  assert_unknown (pc->unknown_items, 0x3f, "\xde\xad", 2);
  g_assert_true (info->has_async_ops_window);
  g_assert_cmpuint (info->max_operations_invoked, ==, 5);
  g_assert_cmpuint (info->max_operations_performed, ==, 3);
  g_assert_cmpuint (info->role_selections->len, ==, 2);
  rs = info->role_selections->pdata[0];
  g_assert_cmpstr (rs->sop_class_uid, ==, CT_STORAGE);
  g_assert_cmpuint (rs->scu_role, ==, 0);
  g_assert_cmpuint (rs->scp_role, ==, 1);
  rs = info->role_selections->pdata[1];
  g_assert_cmpuint (rs->scu_role, ==, 1);
  g_assert_cmpuint (rs->scp_role, ==, 0);
  en = info->extended_negotiations->pdata[0];
  g_assert_cmpstr (en->sop_class_uid, ==, CT_STORAGE);
  test_util_assert_bytes (en->service_class_application_information, "\x01\x00\x01", 3);
  cen = info->common_extended_negotiations->pdata[0];
  g_assert_cmpstr (cen->sop_class_uid, ==, CT_STORAGE);
  g_assert_cmpstr (cen->service_class_uid, ==, STORAGE_SERVICE);
  g_assert_cmpuint (cen->related_general_sop_class_uids->len, ==, 2);
  g_assert_cmpstr (cen->related_general_sop_class_uids->pdata[0], ==,
                   "1.2.840.10008.5.1.4.1.1.88.22");
  g_assert_cmpstr (cen->related_general_sop_class_uids->pdata[1], ==, "1.2.3");
  g_assert_cmpuint (info->user_identity->user_identity_type, ==,
                    DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE);
  g_assert_true (info->user_identity->positive_response_requested);
  test_util_assert_bytes (info->user_identity->primary_field, "alice", 5);
  test_util_assert_bytes (info->user_identity->secondary_field, "s3cret", 6);
  assert_unknown (info->unknown_items, 0x7e, "\xde\xad", 2);
  assert_unknown (back->associate->unknown_items, 0x60, "\xde\xad", 2);
}

static void
test_user_identity_types (void)
{
  for (guint8 type = DIMSE_USER_IDENTITY_USERNAME; type <= DIMSE_USER_IDENTITY_JWT; type++)
    {
      g_autoptr(DimsePdu) pdu = minimal_rq ();
      g_autoptr(DimsePdu) back = NULL;
      g_autoptr(GBytes) primary = g_bytes_new ("\x00\x01token\xff", 8);
      g_autoptr(GBytes) secondary = bytes_of (type == DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE
                                              ? "pw" : "");
      DimseUserIdentity *ui;

      pdu->associate->user_info->user_identity =
        dimse_user_identity_new (type, type % 2 == 0, primary, secondary);
      back = round_trip (pdu);
      ui = back->associate->user_info->user_identity;
      g_assert_nonnull (ui);
      g_assert_cmpuint (ui->user_identity_type, ==, type);
      g_assert_cmpint (ui->positive_response_requested, ==, type % 2 == 0);
      test_util_assert_bytes (ui->primary_field, "\x00\x01token\xff", 8);
      g_assert_cmpuint (g_bytes_get_size (ui->secondary_field), ==,
                        type == DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE ? 2 : 0);
    }
}

static void
test_user_info_each_sub_item (void)
{
  /* One sub-item at a time, so that none depends on another being present. */
  for (guint which = 0; which < 7; which++)
    {
      g_autoptr(DimsePdu) pdu = minimal_rq ();
      g_autoptr(DimsePdu) back = NULL;
      DimseUserInfo *info = pdu->associate->user_info;
      DimseUserInfo *got;
      g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

      info->has_max_pdu_length = which == 0;
      g_clear_pointer (&info->implementation_class_uid, g_free);
      g_clear_pointer (&info->implementation_version_name, g_free);
      if (which == 1)
        info->implementation_class_uid = g_strdup ("1.2.3.4.5.6");
      if (which == 2)
        info->implementation_version_name = g_strdup ("V16CHARSLONG_ABC");
      info->has_async_ops_window = which == 3;
      if (which == 4)
        g_ptr_array_add (info->role_selections, dimse_role_selection_new (CT_STORAGE, TRUE, TRUE));
      if (which == 5)
        g_ptr_array_add (info->extended_negotiations,
                         dimse_extended_negotiation_new (CT_STORAGE, empty));
      if (which == 6)
        g_ptr_array_add (info->common_extended_negotiations,
                         dimse_common_extended_negotiation_new (CT_STORAGE, STORAGE_SERVICE));
      back = round_trip (pdu);
      got = back->associate->user_info;
      g_assert_cmpint (got->has_max_pdu_length, ==, which == 0);
      g_assert_cmpint (got->implementation_class_uid != NULL, ==, which == 1);
      g_assert_cmpint (got->implementation_version_name != NULL, ==, which == 2);
      g_assert_cmpint (got->has_async_ops_window, ==, which == 3);
      g_assert_cmpuint (got->role_selections->len, ==, which == 4);
      g_assert_cmpuint (got->extended_negotiations->len, ==, which == 5);
      g_assert_cmpuint (got->common_extended_negotiations->len, ==, which == 6);
      if (which == 2)
        g_assert_cmpstr (got->implementation_version_name, ==, "V16CHARSLONG_ABC");
      if (which == 6)
        g_assert_cmpuint (((DimseCommonExtendedNegotiation *) got->common_extended_negotiations
                            ->pdata[0])->related_general_sop_class_uids->len, ==, 0);
    }
}

static void
test_no_user_info (void)
{
  g_autoptr(DimsePdu) pdu = minimal_rq ();
  g_autoptr(DimsePdu) back = NULL;

  g_clear_pointer (&pdu->associate->user_info, dimse_user_info_free);
  back = round_trip (pdu);
  g_assert_null (back->associate->user_info);
}

/* ---- A-ASSOCIATE-AC ---- */

static void
test_associate_ac_round_trip (void)
{
  g_autoptr(DimsePdu) pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_AC);
  g_autoptr(DimsePdu) back = NULL;
  DimseAssociate *assoc = pdu->associate;
  DimseUserInfo *info = dimse_user_info_new ();
  g_autoptr(GBytes) response = bytes_of ("ticket-ok");
  g_autoptr(GBytes) odd = g_bytes_new ("\x01", 1);

  assoc->called_ae_title = g_strdup ("STORESCP");
  assoc->calling_ae_title = g_strdup ("SCU");
  for (guint8 result = 0; result <= 4; result++)
    {
      DimsePresentationContext *pc = context (2 * result + 1, NULL, IMPLICIT_LE);
      pc->result = result;
      g_ptr_array_add (assoc->presentation_contexts, pc);
    }
  info->has_max_pdu_length = TRUE;
  info->max_pdu_length = 0;
  info->implementation_class_uid = g_strdup ("1.2.3");
  g_ptr_array_add (info->role_selections, dimse_role_selection_new (CT_STORAGE, FALSE, TRUE));
  g_ptr_array_add (info->extended_negotiations, dimse_extended_negotiation_new (CT_STORAGE, odd));
  info->user_identity_server_response = g_bytes_ref (response);
  g_ptr_array_add (info->unknown_items, dimse_unknown_item_new (0x6a, odd));
  assoc->user_info = info;

  back = round_trip (pdu);
  g_assert_cmpstr (back->associate->called_ae_title, ==, "STORESCP");
  g_assert_cmpstr (back->associate->calling_ae_title, ==, "SCU");
  g_assert_cmpuint (back->associate->presentation_contexts->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      DimsePresentationContext *pc = back->associate->presentation_contexts->pdata[i];
      g_assert_cmpuint (pc->id, ==, 2 * i + 1);
      g_assert_cmpuint (pc->result, ==, i);
      g_assert_null (pc->abstract_syntax);
      g_assert_cmpstr (pc->transfer_syntaxes->pdata[0], ==, IMPLICIT_LE);
    }
  info = back->associate->user_info;
  g_assert_true (info->has_max_pdu_length);
  g_assert_cmpuint (info->max_pdu_length, ==, 0);
  test_util_assert_bytes (info->user_identity_server_response, "ticket-ok", 9);
  g_assert_null (info->user_identity);
  assert_unknown (info->unknown_items, 0x6a, "\x01", 1);
  {
    g_autofree char *text = dimse_pdu_to_string (back);
    g_assert_true (g_str_has_prefix (text, "A-ASSOCIATE-AC\n"));
    g_assert_nonnull (strstr (text, "presentation context 7: Abstract Syntax Not Supported "
                                    "(Provider Rejection)\n"));
    g_assert_nonnull (strstr (text, "user identity server response: 9 bytes"));
    g_assert_null (strstr (text, "ticket-ok"));
  }
}

/* ---- fixed-length PDUs ---- */

static void
test_associate_rj_round_trip (void)
{
  g_autoptr(DimsePdu) pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_RJ);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DimsePdu) back = NULL;

  pdu->associate_rj.result = DIMSE_RJ_RESULT_PERMANENT;
  pdu->associate_rj.source = DIMSE_RJ_SOURCE_SERVICE_USER;
  pdu->associate_rj.reason = DIMSE_RJ_REASON_CALLED_AE_TITLE_NOT_RECOGNIZED;
  bytes = encode_ok (pdu);
  test_util_assert_bytes (bytes, "\x03\x00\x00\x00\x00\x04\x00\x01\x01\x07", 10);
  back = decode_ok (bytes);
  g_assert_cmpuint (back->associate_rj.result, ==, 1);
  g_assert_cmpuint (back->associate_rj.source, ==, 1);
  g_assert_cmpuint (back->associate_rj.reason, ==, 7);
}

static void
test_associate_rj_constructor (void)
{
  g_autoptr(DimsePdu) pdu = dimse_pdu_new_associate_rj (DIMSE_RJ_RESULT_TRANSIENT,
                                                        DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION,
                                                        DIMSE_RJ_REASON_LOCAL_LIMIT_EXCEEDED);
  g_autoptr(GBytes) bytes = encode_ok (pdu);

  test_util_assert_bytes (bytes, "\x03\x00\x00\x00\x00\x04\x00\x02\x03\x02", 10);
}

static void
test_release_and_abort_round_trip (void)
{
  g_autoptr(DimsePdu) rq = dimse_pdu_new (DIMSE_PDU_RELEASE_RQ);
  g_autoptr(DimsePdu) rp = dimse_pdu_new (DIMSE_PDU_RELEASE_RP);
  g_autoptr(DimsePdu) ab = dimse_pdu_new_abort (DIMSE_ABORT_SOURCE_SERVICE_PROVIDER,
                                                DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER);
  g_autoptr(GBytes) rq_bytes = encode_ok (rq);
  g_autoptr(GBytes) rp_bytes = encode_ok (rp);
  g_autoptr(GBytes) ab_bytes = NULL;
  g_autoptr(DimsePdu) back = NULL;
  g_autoptr(DimsePdu) back_rq = decode_ok (rq_bytes);
  g_autoptr(DimsePdu) back_rp = decode_ok (rp_bytes);

  test_util_assert_bytes (rq_bytes, "\x05\x00\x00\x00\x00\x04\x00\x00\x00\x00", 10);
  test_util_assert_bytes (rp_bytes, "\x06\x00\x00\x00\x00\x04\x00\x00\x00\x00", 10);
  g_assert_cmpint (back_rq->type, ==, DIMSE_PDU_RELEASE_RQ);
  g_assert_cmpint (back_rp->type, ==, DIMSE_PDU_RELEASE_RP);
  ab_bytes = encode_ok (ab);
  test_util_assert_bytes (ab_bytes, "\x07\x00\x00\x00\x00\x04\x00\x00\x02\x05", 10);
  back = decode_ok (ab_bytes);
  g_assert_cmpuint (back->abort.source, ==, 2);
  g_assert_cmpuint (back->abort.reason, ==, 5);
}

/* ---- P-DATA-TF ---- */

static void
test_pdata_round_trip_zero_copy (void)
{
  g_autoptr(DimsePdu) pdu = dimse_pdu_new (DIMSE_PDU_P_DATA_TF);
  g_autoptr(GBytes) command = bytes_of ("command-bytes");
  g_autoptr(GBytes) data = bytes_of ("data");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DimsePdu) back = NULL;
  const guint8 *start;
  gsize size = 0;
  DimsePdv *pdv;

  g_ptr_array_add (pdu->pdvs, dimse_pdv_new (1, DIMSE_PDV_COMMAND | DIMSE_PDV_LAST, command));
  g_ptr_array_add (pdu->pdvs, dimse_pdv_new (3, 0, data));
  bytes = encode_ok (pdu);
  test_util_assert_bytes (bytes,
                          "\x04\x00\x00\x00\x00\x1d"
                          "\x00\x00\x00\x0f\x01\x03" "command-bytes"
                          "\x00\x00\x00\x06\x03\x00" "data", 35);
  back = round_trip (pdu);
  g_clear_pointer (&back, dimse_pdu_free);
  back = decode_ok (bytes);
  start = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (back->pdvs->len, ==, 2);
  pdv = back->pdvs->pdata[0];
  g_assert_cmpuint (pdv->presentation_context_id, ==, 1);
  g_assert_cmpuint (pdv->message_control_header, ==, DIMSE_PDV_COMMAND | DIMSE_PDV_LAST);
  test_util_assert_bytes (pdv->fragment, "command-bytes", 13);
  /* The fragment is a slice of the PDU, not a copy. */
  g_assert_true (g_bytes_get_data (pdv->fragment, NULL) == start + 12);
  pdv = back->pdvs->pdata[1];
  g_assert_cmpuint (pdv->presentation_context_id, ==, 3);
  g_assert_cmpuint (pdv->message_control_header, ==, 0);
  g_assert_true (g_bytes_get_data (pdv->fragment, NULL) == start + size - 4);
}

static void
test_pdata_empty_fragment (void)
{
  static const guint8 pdu[] = { 0x04, 0, 0, 0, 0, 6, 0, 0, 0, 2, 1, 3 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (pdu, sizeof pdu);
  g_autoptr(DimsePdu) back = decode_ok (bytes);

  g_assert_cmpuint (back->pdvs->len, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (((DimsePdv *) back->pdvs->pdata[0])->fragment), ==, 0);
}

/* ---- malformed input ---- */

static void
test_malformed_pdu_length (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();
  g_autofree char *msg = NULL;
  g_autofree char *longer = NULL;
  g_autofree char *tiny = NULL;

  a->data[5]++;
  msg = decode_fails (a->data, a->len, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
  g_assert_nonnull (strstr (msg, "A-ASSOCIATE-RQ"));
  g_assert_nonnull (strstr (msg, "181"));
  a->data[5] -= 2;
  longer = decode_fails (a->data, a->len, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
  g_assert_nonnull (strstr (longer, "179"));
  tiny = decode_fails (a->data, 5, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
  g_assert_nonnull (strstr (tiny, "6-byte header"));
}

static void
test_malformed_fixed_length (void)
{
  static const guint8 types[] = { 0x03, 0x05, 0x06, 0x07 };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      guint8 pdu[] = { types[i], 0, 0, 0, 0, 5, 0, 1, 1, 1, 0 };
      g_autofree char *msg = decode_fails (pdu, sizeof pdu,
                                           DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
      g_assert_nonnull (strstr (msg, dimse_pdu_type_to_string (types[i])));
    }
}

static void
test_malformed_unknown_type (void)
{
  static const guint8 types[] = { 0x00, 0x08, 0x10, 0xff };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      guint8 pdu[] = { types[i], 0, 0, 0, 0, 4, 0, 0, 0, 0 };
      g_autofree char *msg = decode_fails (pdu, sizeof pdu, DIMSE_ABORT_REASON_UNRECOGNIZED_PDU);
      g_assert_nonnull (strstr (msg, "unknown type"));
    }
}

static void
test_malformed_rj_values (void)
{
  guint8 bad_result[] = { 0x03, 0, 0, 0, 0, 4, 0, 3, 1, 1 };
  guint8 bad_source[] = { 0x03, 0, 0, 0, 0, 4, 0, 1, 4, 1 };
  g_autofree char *m1 = decode_fails (bad_result, sizeof bad_result,
                                      DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
  g_autofree char *m2 = decode_fails (bad_source, sizeof bad_source,
                                      DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);

  g_assert_nonnull (strstr (m1, "Table 9-21"));
  g_assert_nonnull (strstr (m2, "Table 9-21"));
}

/* Decoding a must fail as an invalid parameter value, the message naming
 * what and, unless NULL, where. */
static void
assert_invalid_value (GByteArray *a, const char *what, const char *where)
{
  g_autofree char *msg = decode_fails (a->data, a->len,
                                       DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);

  g_assert_nonnull (strstr (msg, what));
  if (where != NULL)
    g_assert_nonnull (strstr (msg, where));
}

static void
test_malformed_item_past_pdu (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();

  /* The user information item claims one byte more than the PDU holds. */
  a->data[OFFSET_USER_INFO + 3]++;
  assert_invalid_value (a, "User Information", "byte offset 149");
}

static void
test_malformed_sub_item_past_item (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();

  /* The abstract syntax sub-item runs past its presentation context item. */
  a->data[OFFSET_CONTEXT + 8 + 3] = 0x40;
  assert_invalid_value (a, "Abstract Syntax", "byte offset 107");
}

static void
test_malformed_context_id (void)
{
  static const guint8 ids[] = { 0, 2, 254 };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GByteArray) a = minimal_rq_array ();

      a->data[OFFSET_CONTEXT + 4] = ids[i];
      assert_invalid_value (a, "presentation context ID", "byte offset 99");
    }
}

static void
test_malformed_pdv (void)
{
  static const struct {
    guint8 pdu[14];
    gsize  len;
  } cases[] = {
    /* zero-length PDV */
    { { 0x04, 0, 0, 0, 0, 4, 0, 0, 0, 0 }, 10 },
    /* PDV of length 1: no room for the message control header */
    { { 0x04, 0, 0, 0, 0, 5, 0, 0, 0, 1, 1 }, 11 },
    /* PDV longer than its PDU */
    { { 0x04, 0, 0, 0, 0, 8, 0, 0, 0, 5, 1, 3, 0xaa, 0xbb }, 14 },
    /* presentation context ID 0 and even */
    { { 0x04, 0, 0, 0, 0, 6, 0, 0, 0, 2, 0, 3 }, 12 },
    { { 0x04, 0, 0, 0, 0, 6, 0, 0, 0, 2, 4, 3 }, 12 },
    /* a PDV item length cut short */
    { { 0x04, 0, 0, 0, 0, 2, 0, 0 }, 8 },
    /* no PDV at all */
    { { 0x04, 0, 0, 0, 0, 0 }, 6 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *msg = decode_fails (cases[i].pdu, cases[i].len,
                                           DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
      g_assert_nonnull (strstr (msg, "P-DATA-TF"));
    }
}

static void
test_malformed_fixed_sub_item_length (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();

  /* Maximum length sub-item of length 3, its last byte given to the next. */
  a->data[OFFSET_USER_INFO + 4 + 3] = 3;
  assert_invalid_value (a, "Maximum Length", NULL);
}

static void
test_malformed_text (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();

  a->data[12] = 0x07;
  assert_invalid_value (a, "called AE title", "byte offset 12");
}

static void
test_ac_ae_titles_not_tested (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DimsePdu) pdu = NULL;

  /* PS3.8 §9.3.3: in the -AC these fields are echoed but not tested. */
  a->data[0] = DIMSE_PDU_ASSOCIATE_AC;
  g_byte_array_set_size (a, OFFSET_CONTEXT);
  set_pdu_length (a);
  a->data[12] = 0x07;
  a->data[26] = 0xe9;
  bytes = g_bytes_new (a->data, a->len);
  pdu = decode_ok (bytes);
  g_assert_cmpstr (pdu->associate->called_ae_title, ==, "AN?-SCP");
  g_assert_cmpstr (pdu->associate->calling_ae_title, ==, "?CHOSCU");
}

static void
append_item (GByteArray *a, guint8 type, const char *value, gsize len)
{
  guint8 header[4] = { type, 0, len >> 8, len & 0xff };

  g_byte_array_append (a, header, 4);
  g_byte_array_append (a, (const guint8 *) value, len);
}

static void
test_malformed_unexpected_items (void)
{
  for (guint which = 0; which < 5; which++)
    {
      g_autoptr(GByteArray) a = minimal_rq_array ();
      g_autofree char *msg = NULL;

      if (which == 0)
        append_item (a, DIMSE_ITEM_PRESENTATION_CONTEXT_AC, "\x01\x00\x00\x00", 4);
      else if (which == 1)
        append_item (a, DIMSE_ITEM_APPLICATION_CONTEXT, "1.2", 3);
      else if (which == 2)
        append_item (a, DIMSE_ITEM_USER_INFORMATION, "", 0);
      else if (which == 3)
        append_item (a, DIMSE_ITEM_USER_INFORMATION, "\x59\x00\x00\x02\x00\x00", 6);
      else
        append_item (a, DIMSE_ITEM_USER_INFORMATION, "\x51\x00\x00\x04\x00\x00\x00\x00"
                                                     "\x51\x00\x00\x04\x00\x00\x00\x00", 16);
      /* cases 3 and 4 are a second user information item only if the first
       * is dropped; give the PDU exactly one by removing the original. */
      if (which >= 3)
        g_byte_array_remove_range (a, OFFSET_USER_INFO, MINIMAL_RQ_LEN - OFFSET_USER_INFO);
      set_pdu_length (a);
      msg = decode_fails (a->data, a->len, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER);
      g_assert_nonnull (strstr (msg, "byte offset"));
    }
}

static void
test_malformed_ac_items (void)
{
  g_autoptr(GByteArray) a = minimal_rq_array ();
  g_autofree char *msg = NULL;
  g_autofree char *msg2 = NULL;

  /* An A-ASSOCIATE-AC whose presentation context carries an abstract
   * syntax, and one whose user information carries the -RQ's user identity. */
  a->data[0] = DIMSE_PDU_ASSOCIATE_AC;
  a->data[OFFSET_CONTEXT] = DIMSE_ITEM_PRESENTATION_CONTEXT_AC;
  msg = decode_fails (a->data, a->len, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER);
  g_assert_nonnull (strstr (msg, "Abstract Syntax"));
  g_assert_nonnull (strstr (msg, "A-ASSOCIATE-AC"));
  g_assert_nonnull (strstr (msg, "byte offset 107"));

  g_byte_array_set_size (a, OFFSET_CONTEXT);
  append_item (a, DIMSE_ITEM_USER_INFORMATION, "\x58\x00\x00\x06\x01\x00\x00\x00\x00\x00", 10);
  set_pdu_length (a);
  msg2 = decode_fails (a->data, a->len, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER);
  g_assert_nonnull (strstr (msg2, "User Identity"));
}

static void
test_malformed_truncated_everywhere (void)
{
  g_autoptr(DimsePdu) pdu = full_rq ();
  g_autoptr(GBytes) bytes = encode_ok (pdu);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint n_failed = 0;

  for (gsize n = 0; n < size; n++)
    {
      g_autoptr(GByteArray) a = g_byte_array_new ();
      g_autoptr(GBytes) cut = g_bytes_new (data, n);
      g_autoptr(GBytes) patched = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;
      DimsePdu *out = NULL;

      /* As received: the header's length no longer matches. */
      g_assert_false (dimse_pdu_decode (cut, NULL, &out, &error));
      g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
      g_assert_null (out);
      if (n < DIMSE_PDU_HEADER_LENGTH)
        continue;
      /* With the header fixed up, only a cut at an item boundary of the
       * PDU itself may still decode, and then it is exactly what remains. */
      g_byte_array_append (a, data, n);
      set_pdu_length (a);
      patched = g_bytes_new (a->data, a->len);
      if (dimse_pdu_decode (patched, NULL, &out, &error2))
        {
          g_autoptr(DimsePdu) got = out;
          g_autoptr(GBytes) again = encode_ok (got);
          g_assert_true (g_bytes_equal (again, patched));
        }
      else
        {
          g_assert_error (error2, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
          n_failed++;
        }
    }
  /* Every cut but the ends of the application context, the two
   * presentation contexts and the user information item fails. */
  g_assert_cmpuint (n_failed, ==, size - 6 - 4);
}

static void
test_limits (void)
{
  g_autoptr(DimsePdu) pdu = full_rq ();
  g_autoptr(GBytes) bytes = encode_ok (pdu);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  DimsePduLimits limits;
  DimsePdu *out = NULL;
  DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;
  static const guint8 pdata[] = { 0x04, 0, 0, 0, 0, 8, 0, 0, 0, 4, 1, 3, 0xaa, 0xbb };
  g_autoptr(GBytes) pdata_bytes = g_bytes_new_static (pdata, sizeof pdata);

  dimse_pdu_limits_init (&limits);
  g_assert_cmpuint (limits.max_associate_length, ==, 65536);
  limits.max_associate_length = g_bytes_get_size (bytes) - 7;
  g_assert_false (dimse_pdu_decode_full (bytes, &limits, &out, &reason, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_TOO_LARGE);
  g_assert_cmpint (reason, ==, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
  limits.max_associate_length = g_bytes_get_size (bytes) - 6;
  g_assert_true (dimse_pdu_decode (bytes, &limits, &out, NULL));
  g_clear_pointer (&out, dimse_pdu_free);

  limits.max_pdata_length = 7;
  g_assert_false (dimse_pdu_decode (pdata_bytes, &limits, &out, &error2));
  g_assert_error (error2, DIMSE_ERROR, DIMSE_ERROR_PDU_TOO_LARGE);
  limits.max_pdata_length = 8;
  g_assert_true (dimse_pdu_decode (pdata_bytes, &limits, &out, NULL));
  g_clear_pointer (&out, dimse_pdu_free);
}

static void
test_peek_header (void)
{
  static const guint8 hdr[] = { 0x04, 0x00, 0x01, 0x02, 0x03, 0x04 };
  static const guint8 bad[] = { 0x09, 0x00, 0x00, 0x00, 0x00, 0x04 };
  guint8 type = 0;
  guint32 length = 0;
  g_autoptr(GError) error = NULL;
  DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;

  g_assert_true (dimse_pdu_peek_header (hdr, &type, &length));
  g_assert_cmpuint (type, ==, 4);
  g_assert_cmpuint (length, ==, 0x01020304);
  g_assert_false (dimse_pdu_peek_header (bad, &type, &length));
  g_assert_cmpuint (type, ==, 9);
  g_assert_false (dimse_pdu_check_header (type, length, NULL, &reason, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
  g_assert_cmpint (reason, ==, DIMSE_ABORT_REASON_UNRECOGNIZED_PDU);
  g_assert_true (dimse_pdu_check_header (DIMSE_PDU_P_DATA_TF, G_MAXUINT32, NULL, NULL, NULL));
}

/* ---- encoding errors ---- */

static void
test_encode_errors (void)
{
  g_autoptr(DimsePdu) long_ae = minimal_rq ();
  g_autoptr(DimsePdu) even_id = minimal_rq ();
  g_autoptr(DimsePdu) huge = minimal_rq ();
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autofree char *big = g_strnfill (70000, '1');

  g_free (long_ae->associate->called_ae_title);
  long_ae->associate->called_ae_title = g_strdup ("SEVENTEEN-CHARS-X");
  g_assert_null (dimse_pdu_encode (long_ae, &e1));
  g_assert_error (e1, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
  g_assert_nonnull (strstr (e1->message, "called AE title"));

  ((DimsePresentationContext *) even_id->associate->presentation_contexts->pdata[0])->id = 2;
  g_assert_null (dimse_pdu_encode (even_id, &e2));
  g_assert_error (e2, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);

  g_free (huge->associate->user_info->implementation_class_uid);
  huge->associate->user_info->implementation_class_uid = g_steal_pointer (&big);
  g_assert_null (dimse_pdu_encode (huge, &e3));
  g_assert_error (e3, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
  g_assert_nonnull (strstr (e3->message, "Implementation Class UID"));
}

/* ---- fragmentation ---- */

static void
check_fragments (gsize message_size, guint32 max_pdu_length, gboolean is_command)
{
  g_autofree guint8 *message = g_malloc (message_size + 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GByteArray) joined = g_byte_array_new ();
  g_autoptr(GPtrArray) pdus = NULL;
  g_autoptr(GError) error = NULL;
  DimsePduLimits limits;

  for (gsize i = 0; i < message_size; i++)
    message[i] = (guint8) g_test_rand_int ();
  bytes = g_bytes_new (message, message_size);
  pdus = dimse_pdu_fragment_message (5, is_command, bytes, max_pdu_length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pdus->len, >=, 1);
  dimse_pdu_limits_init (&limits);
  limits.max_pdata_length = max_pdu_length;
  for (guint i = 0; i < pdus->len; i++)
    {
      GBytes *encoded = pdus->pdata[i];
      g_autoptr(DimsePdu) pdu = NULL;
      DimsePdv *pdv;
      gsize n = 0;
      const guint8 *p;

      g_assert_true (dimse_pdu_decode (encoded, &limits, &pdu, &error));
      g_assert_no_error (error);
      if (max_pdu_length != 0)
        g_assert_cmpuint (g_bytes_get_size (encoded) - 6, <=, max_pdu_length);
      g_assert_cmpuint (pdu->pdvs->len, ==, 1);
      pdv = pdu->pdvs->pdata[0];
      g_assert_cmpuint (pdv->presentation_context_id, ==, 5);
      g_assert_cmpint (!!(pdv->message_control_header & DIMSE_PDV_COMMAND), ==, is_command);
      g_assert_cmpint (!!(pdv->message_control_header & DIMSE_PDV_LAST), ==, i == pdus->len - 1);
      p = g_bytes_get_data (pdv->fragment, &n);
      g_assert_true (n > 0 || message_size == 0);
      g_byte_array_append (joined, p, n);
    }
  g_assert_cmpmem (joined->data, joined->len, message, message_size);
  if (max_pdu_length != 0 && message_size > 0)
    g_assert_cmpuint (pdus->len, ==, (message_size + max_pdu_length - 7) / (max_pdu_length - 6));
}

static void
test_fragment_sizes (void)
{
  static const guint32 limits[] = { 4096, 16384, 1024 * 1024, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      guint32 max = limits[i];
      check_fragments (3 * 1024 * 1024 + 123, max, FALSE);
      check_fragments (200, max, TRUE);
      check_fragments (0, max, FALSE);
      if (max != 0)
        {
          /* exactly filling the PDUs, and one byte over */
          check_fragments (2 * (max - 6), max, FALSE);
          check_fragments (2 * (max - 6) + 1, max, TRUE);
        }
    }
}

static void
test_fragment_limit_too_small (void)
{
  g_autoptr(GBytes) message = bytes_of ("x");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pdus = dimse_pdu_fragment_message (1, FALSE, message, 6, &error);

  g_assert_null (pdus);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT);
  g_clear_pointer (&pdus, g_ptr_array_unref);
  g_clear_error (&error);
  pdus = dimse_pdu_fragment_message (1, FALSE, message, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pdus->len, ==, 1);
}

/* ---- words ---- */

static void
test_rj_words (void)
{
  static const struct {
    guint8 result, source, reason;
    const char *words;
  } cases[] = {
    { 1, 1, 1, "Rejected Permanent, Service User, No Reason" },
    { 1, 1, 2, "Rejected Permanent, Service User, App Context Name Not Supported" },
    { 1, 1, 3, "Rejected Permanent, Service User, Calling AE Title Not Recognized" },
    { 1, 1, 7, "Rejected Permanent, Service User, Called AE Title Not Recognized" },
    { 2, 1, 4, "Rejected Transient, Service User, Reserved Reason" },
    { 1, 2, 1, "Rejected Permanent, Service Provider (ACSE Related), No Reason" },
    { 1, 2, 2, "Rejected Permanent, Service Provider (ACSE Related), "
               "Protocol Version Not Supported" },
    { 2, 3, 1, "Rejected Transient, Service Provider (Presentation Related), "
               "Temporary Congestion" },
    { 2, 3, 2, "Rejected Transient, Service Provider (Presentation Related), "
               "Local Limit Exceeded" },
    { 2, 3, 0, "Rejected Transient, Service Provider (Presentation Related), "
               "Reserved Reason" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DimseAssociateRj rj = { cases[i].result, cases[i].source, cases[i].reason };
      g_autofree char *words = dimse_associate_rj_describe (&rj);
      g_assert_cmpstr (words, ==, cases[i].words);
    }
}

static void
test_abort_words (void)
{
  static const char *reasons[] = {
    "Reason Not Specified", "Unrecognized PDU", "Unexpected PDU", "Reserved Reason",
    "Unrecognized PDU Parameter", "Unexpected PDU Parameter", "Invalid PDU Parameter Value",
    "Reserved Reason",
  };

  for (guint8 r = 0; r < G_N_ELEMENTS (reasons); r++)
    {
      DimseAbort ab = { DIMSE_ABORT_SOURCE_SERVICE_PROVIDER, r };
      g_autofree char *words = dimse_abort_describe (&ab);
      g_autofree char *expected = g_strdup_printf ("Service Provider, %s", reasons[r]);
      g_assert_cmpstr (words, ==, expected);
    }
  {
    DimseAbort user = { DIMSE_ABORT_SOURCE_SERVICE_USER, 0 };
    g_autofree char *words = dimse_abort_describe (&user);
    g_assert_cmpstr (words, ==, "Service User");
  }
}

static void
test_other_words (void)
{
  g_assert_cmpstr (dimse_presentation_context_result_to_string (0), ==, "Acceptance");
  g_assert_cmpstr (dimse_presentation_context_result_to_string (1), ==, "User Rejection");
  g_assert_cmpstr (dimse_presentation_context_result_to_string (2), ==,
                   "No Reason (Provider Rejection)");
  g_assert_cmpstr (dimse_presentation_context_result_to_string (3), ==,
                   "Abstract Syntax Not Supported (Provider Rejection)");
  g_assert_cmpstr (dimse_presentation_context_result_to_string (4), ==,
                   "Transfer Syntaxes Not Supported (Provider Rejection)");
  g_assert_cmpstr (dimse_presentation_context_result_to_string (5), ==, "Reserved");
  g_assert_cmpstr (dimse_pdu_type_to_string (3), ==, "A-ASSOCIATE-RJ");
  g_assert_cmpstr (dimse_pdu_type_to_string (8), ==, "Unknown PDU");
  g_assert_cmpstr (dimse_user_identity_type_to_string (5), ==, "JSON Web Token");
  g_assert_cmpstr (dimse_user_identity_type_to_string (6), ==, "Reserved Identity Type");
}

static void
test_to_string (void)
{
  g_autoptr(DimsePdu) rq = full_rq ();
  g_autoptr(DimsePdu) rj = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_RJ);
  g_autoptr(DimsePdu) pdata = dimse_pdu_new (DIMSE_PDU_P_DATA_TF);
  g_autoptr(GBytes) frag = bytes_of ("abc");
  g_autofree char *rq_text = dimse_pdu_to_string (rq);
  g_autofree char *rj_text = NULL;
  g_autofree char *pdata_text = NULL;

  g_assert_true (g_str_has_prefix (rq_text, "A-ASSOCIATE-RQ\n"));
  g_assert_nonnull (strstr (rq_text, "calling AE title: \"ECHOSCU\""));
  g_assert_nonnull (strstr (rq_text, "presentation context 3: abstract syntax " CT_STORAGE
                            " (CT Image Storage)\n"));
  g_assert_nonnull (strstr (rq_text, "transfer syntax " IMPLICIT_LE
                            " (Implicit VR Little Endian)\n"));
  g_assert_nonnull (strstr (rq_text, "role selection " VERIFICATION
                            " (Verification SOP Class): SCU role 1"));
  g_assert_nonnull (strstr (rq_text, "service class " STORAGE_SERVICE
                            " (Storage Service Class)\n"));
  g_assert_nonnull (strstr (rq_text, "maximum length: 16384"));
  g_assert_nonnull (strstr (rq_text, "primary field: \"alice\""));
  g_assert_nonnull (strstr (rq_text, "related general SOP class 1.2.3\n"));
  g_assert_nonnull (strstr (rq_text, "unknown item 7EH: 2 bytes"));
  g_assert_null (strstr (rq_text, "s3cret"));

  rj->associate_rj = (DimseAssociateRj) { 1, 1, 3 };
  rj_text = dimse_pdu_to_string (rj);
  g_assert_cmpstr (rj_text, ==,
                   "A-ASSOCIATE-RJ: Rejected Permanent, Service User, "
                   "Calling AE Title Not Recognized\n");

  {
    g_autoptr(DimsePdu) ab = dimse_pdu_new_abort (DIMSE_ABORT_SOURCE_SERVICE_PROVIDER,
                                                  DIMSE_ABORT_REASON_UNRECOGNIZED_PDU);
    g_autoptr(DimsePdu) rel = dimse_pdu_new (DIMSE_PDU_RELEASE_RP);
    g_autofree char *ab_text = dimse_pdu_to_string (ab);
    g_autofree char *rel_text = dimse_pdu_to_string (rel);
    g_assert_cmpstr (ab_text, ==, "A-ABORT: Service Provider, Unrecognized PDU\n");
    g_assert_cmpstr (rel_text, ==, "A-RELEASE-RP\n");
  }

  g_ptr_array_add (pdata->pdvs, dimse_pdv_new (7, DIMSE_PDV_LAST, frag));
  pdata_text = dimse_pdu_to_string (pdata);
  g_assert_cmpstr (pdata_text, ==,
                   "P-DATA-TF\n  PDV 1: presentation context 7, data set, last fragment, 3 bytes\n");
}

/* ---- DCMTK's echoscu ---- */

typedef struct {
  GMainLoop         *loop;
  GSocketConnection *connection;
  gboolean           timed_out;
} AcceptState;

static void
accepted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AcceptState *state = user_data;

  state->connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result,
                                                       NULL, NULL);
  g_main_loop_quit (state->loop);
}

static gboolean
accept_timeout_cb (gpointer user_data)
{
  AcceptState *state = user_data;

  state->timed_out = TRUE;
  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static GBytes *
read_first_pdu (GSocketConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GError) error = NULL;
  guint8 header[DIMSE_PDU_HEADER_LENGTH];
  guint8 type = 0;
  guint32 length = 0;
  gsize got = 0;
  GByteArray *a = g_byte_array_new ();

  g_assert_true (g_input_stream_read_all (in, header, sizeof header, &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, sizeof header);
  g_assert_true (dimse_pdu_peek_header (header, &type, &length));
  g_assert_true (dimse_pdu_check_header (type, length, NULL, NULL, &error));
  g_byte_array_append (a, header, sizeof header);
  g_byte_array_set_size (a, sizeof header + length);
  g_assert_true (g_input_stream_read_all (in, a->data + sizeof header, length, &got, NULL,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, length);
  return g_byte_array_free_to_bytes (a);
}

static void
test_dcmtk_echoscu_rq (void)
{
  g_autofree char *echoscu = test_util_find_program ("echoscu");
  g_autoptr(GSocketListener) listener = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DimsePdu) pdu = NULL;
  g_autofree char *port = NULL;
  AcceptState state = { 0 };
  DimsePresentationContext *pc;
  guint timeout_id;

  if (echoscu == NULL)
    {
      g_test_skip ("echoscu (DCMTK) is not installed");
      return;
    }
  listener = g_socket_listener_new ();
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, echoscu, "-aet", "X", "-aec", "Y", "127.0.0.1", port, NULL);
  g_assert_no_error (error);

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  g_socket_listener_accept_async (listener, NULL, accepted_cb, &state);
  /* A bound on a broken peer, not a timing assertion. */
  timeout_id = g_timeout_add_seconds (30, accept_timeout_cb, &state);
  g_main_loop_run (loop);
  if (!state.timed_out)
    g_source_remove (timeout_id);
  g_assert_false (state.timed_out);
  g_assert_nonnull (state.connection);

  bytes = read_first_pdu (state.connection);
  g_io_stream_close (G_IO_STREAM (state.connection), NULL, NULL);
  g_clear_object (&state.connection);
  g_socket_listener_close (listener);
  g_subprocess_wait (child, NULL, NULL);

  pdu = decode_ok (bytes);
  g_assert_cmpint (pdu->type, ==, DIMSE_PDU_ASSOCIATE_RQ);
  g_assert_cmpstr (pdu->associate->calling_ae_title, ==, "X");
  g_assert_cmpstr (pdu->associate->called_ae_title, ==, "Y");
  g_assert_cmpstr (pdu->associate->application_context_name, ==, DIMSE_APPLICATION_CONTEXT_NAME);
  g_assert_cmpuint (pdu->associate->presentation_contexts->len, >=, 1);
  pc = pdu->associate->presentation_contexts->pdata[0];
  g_assert_cmpstr (pc->abstract_syntax, ==, VERIFICATION);
  g_assert_cmpuint (pc->transfer_syntaxes->len, >=, 1);
  g_assert_nonnull (pdu->associate->user_info);
  g_assert_true (pdu->associate->user_info->has_max_pdu_length);
  g_assert_nonnull (pdu->associate->user_info->implementation_class_uid);
  g_assert_cmpuint (strlen (pdu->associate->user_info->implementation_class_uid), >, 0);
  {
    /* Our encoding of what DCMTK sent differs at most in reserved fields
     * (DCMTK sends FFH in the -RQ's presentation context result field). */
    g_autoptr(GBytes) again = encode_ok (pdu);
    g_autoptr(DimsePdu) back = round_trip (pdu);
    g_assert_cmpuint (g_bytes_get_size (again), ==, g_bytes_get_size (bytes));
    g_assert_cmpstr (back->associate->calling_ae_title, ==, "X");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pdu/associate-rq/byte-exact", test_associate_rq_byte_exact);
  g_test_add_func ("/pdu/associate-rq/decode-fields", test_associate_rq_decode_fields);
  g_test_add_func ("/pdu/associate-rq/ae-title-padding", test_associate_rq_ae_title_padding);
  g_test_add_func ("/pdu/associate-rq/round-trip", test_associate_rq_round_trip);
  g_test_add_func ("/pdu/associate-rq/user-identity/round-trip", test_user_identity_types);
  g_test_add_func ("/pdu/associate-rq/user-info/each-sub-item", test_user_info_each_sub_item);
  g_test_add_func ("/pdu/associate-rq/no-user-info", test_no_user_info);
  g_test_add_func ("/pdu/associate-ac/round-trip", test_associate_ac_round_trip);
  g_test_add_func ("/pdu/associate-rj/round-trip", test_associate_rj_round_trip);
  g_test_add_func ("/pdu/associate-rj/constructor", test_associate_rj_constructor);
  g_test_add_func ("/pdu/release-abort/round-trip", test_release_and_abort_round_trip);
  g_test_add_func ("/pdu/p-data-tf/round-trip-zero-copy", test_pdata_round_trip_zero_copy);
  g_test_add_func ("/pdu/p-data-tf/empty-fragment", test_pdata_empty_fragment);
  g_test_add_func ("/pdu/malformed/pdu-length", test_malformed_pdu_length);
  g_test_add_func ("/pdu/malformed/fixed-length", test_malformed_fixed_length);
  g_test_add_func ("/pdu/malformed/unknown-type", test_malformed_unknown_type);
  g_test_add_func ("/pdu/malformed/rj-values", test_malformed_rj_values);
  g_test_add_func ("/pdu/malformed/item-past-pdu", test_malformed_item_past_pdu);
  g_test_add_func ("/pdu/malformed/sub-item-past-item", test_malformed_sub_item_past_item);
  g_test_add_func ("/pdu/malformed/context-id", test_malformed_context_id);
  g_test_add_func ("/pdu/malformed/pdv", test_malformed_pdv);
  g_test_add_func ("/pdu/malformed/fixed-sub-item-length", test_malformed_fixed_sub_item_length);
  g_test_add_func ("/pdu/malformed/text", test_malformed_text);
  g_test_add_func ("/pdu/associate-ac/ae-titles-not-tested", test_ac_ae_titles_not_tested);
  g_test_add_func ("/pdu/malformed/unexpected-items", test_malformed_unexpected_items);
  g_test_add_func ("/pdu/malformed/ac-items", test_malformed_ac_items);
  g_test_add_func ("/pdu/malformed/truncated-everywhere", test_malformed_truncated_everywhere);
  g_test_add_func ("/pdu/limits", test_limits);
  g_test_add_func ("/pdu/peek-header", test_peek_header);
  g_test_add_func ("/pdu/encode-errors", test_encode_errors);
  g_test_add_func ("/pdu/fragment/sizes", test_fragment_sizes);
  g_test_add_func ("/pdu/fragment/limit-too-small", test_fragment_limit_too_small);
  g_test_add_func ("/pdu/words/associate-rj", test_rj_words);
  g_test_add_func ("/pdu/words/abort", test_abort_words);
  g_test_add_func ("/pdu/words/other", test_other_words);
  g_test_add_func ("/pdu/to-string", test_to_string);
  g_test_add_func ("/pdu/dcmtk/echoscu-associate-rq", test_dcmtk_echoscu_rq);

  return g_test_run ();
}
