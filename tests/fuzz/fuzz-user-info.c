/* fuzz-user-info.c — the User Information item of an A-ASSOCIATE-RQ and
 * -AC (PS3.8 §9.3.2.3, PS3.7 Annex D) on arbitrary bytes
 *
 * The input is the body of the User Information item (50H) inside a fixed,
 * valid A-ASSOCIATE-RQ or -AC, so every mutation lands in the sub-items:
 * maximum length, implementation class and version, asynchronous window,
 * role selection, extended and common extended negotiation, user identity.
 * What decodes must describe itself and round-trip; an -RQ is then
 * answered by an acceptor that checks identities against a user list, and
 * its answer must be one our requestor accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcm-uid.h"
#include "dimse-negotiation.h"

#define FUZZ_USER_INFO_MAX (60 * 1024)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
put_u16 (GByteArray *a, gsize v)
{
  guint8 b[2] = { (guint8) (v >> 8), (guint8) v };

  g_byte_array_append (a, b, 2);
}

static void
put_u32 (GByteArray *a, gsize v)
{
  guint8 b[4] = { (guint8) (v >> 24), (guint8) (v >> 16), (guint8) (v >> 8), (guint8) v };

  g_byte_array_append (a, b, 4);
}

static void
put_item (GByteArray *a, guint8 type, const void *value, gsize n)
{
  guint8 h[2] = { type, 0 };

  g_byte_array_append (a, h, 2);
  put_u16 (a, n);
  g_byte_array_append (a, value, (guint) n);
}

static void
put_ae (GByteArray *a, const char *title)
{
  char field[16];

  memset (field, ' ', sizeof field);
  memcpy (field, title, strlen (title));
  g_byte_array_append (a, (const guint8 *) field, sizeof field);
}

/* An -RQ proposing Verification, or an -AC accepting it, with the input
 * as its User Information item. */
static GBytes *
wrap (gboolean is_rq, const uint8_t *data, size_t size)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) pc = g_byte_array_new ();
  g_autoptr(GByteArray) pdu = g_byte_array_new ();
  static const guint8 reserved[32];
  guint8 head[4] = { 0x01, 0x00, 0x00, 0x00 };  /* context 1, result, reserved */
  const char *ts = DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN;

  put_u16 (body, 1);  /* protocol version */
  put_u16 (body, 0);
  put_ae (body, "ARCHIVE");
  put_ae (body, "MODALITY");
  g_byte_array_append (body, reserved, sizeof reserved);
  put_item (body, 0x10, DIMSE_APPLICATION_CONTEXT_NAME, strlen (DIMSE_APPLICATION_CONTEXT_NAME));
  g_byte_array_append (pc, head, sizeof head);
  if (is_rq)
    put_item (pc, 0x30, DCM_UID_VERIFICATION, strlen (DCM_UID_VERIFICATION));
  put_item (pc, 0x40, ts, strlen (ts));
  put_item (body, is_rq ? 0x20 : 0x21, pc->data, pc->len);
  put_item (body, 0x50, data, size);
  head[0] = is_rq ? DIMSE_PDU_ASSOCIATE_RQ : DIMSE_PDU_ASSOCIATE_AC;
  head[1] = 0;
  g_byte_array_append (pdu, head, 2);
  put_u32 (pdu, body->len);
  g_byte_array_append (pdu, body->data, body->len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&pdu));
}

static void
check_round_trip (const DimsePdu *pdu)
{
  g_autoptr(GBytes) first = dimse_pdu_encode (pdu, NULL);
  g_autoptr(GBytes) second = NULL;
  g_autoptr(DimsePdu) again = NULL;
  g_autofree char *text = dimse_pdu_to_string (pdu);
  g_autofree char *text_again = NULL;

  if (first == NULL || !dimse_pdu_decode (first, NULL, &again, NULL))
    abort ();
  text_again = dimse_pdu_to_string (again);
  second = dimse_pdu_encode (again, NULL);
  if (second == NULL || !g_bytes_equal (first, second) || strcmp (text, text_again) != 0)
    abort ();
}

/* Our answer to any -RQ that decodes must pass our own requestor's checks. */
static void
check_acceptor (const DimsePdu *rq)
{
  g_autoptr(DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default (NULL);
  g_autoptr(DimseUserList) users = dimse_user_list_new ();
  g_autoptr(DimseNegotiationResult) accepted = NULL;
  g_autoptr(DimseNegotiationResult) parsed = NULL;
  g_autoptr(DimsePdu) reply = NULL;
  g_autoptr(DimsePdu) received = NULL;
  g_autoptr(GBytes) wire = NULL;
  g_autofree char *words = NULL;
  g_autoptr(GError) error = NULL;

  dimse_user_list_add (users, "alice", "s3cret");
  dimse_user_list_add (users, "modality", NULL);
  dimse_acceptor_policy_set_user_list (policy, g_steal_pointer (&users));
  if (!dimse_negotiation_accept (policy, rq, &accepted, &reply, NULL))
    abort ();
  words = dimse_negotiation_result_describe (accepted);
  wire = dimse_pdu_encode (reply, NULL);
  if (wire == NULL || !dimse_pdu_decode (wire, NULL, &received, NULL))
    abort ();
  if (!accepted->accepted)
    {
      if (received->type != DIMSE_PDU_ASSOCIATE_RJ)
        abort ();
      return;
    }
  if (!dimse_negotiation_parse_ac (rq, received, &parsed, &error))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  for (int is_rq = 0; is_rq <= 1; is_rq++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(DimsePdu) pdu = NULL;

      if (size > FUZZ_USER_INFO_MAX)
        return 0;
      bytes = wrap (is_rq, data, size);
      if (!dimse_pdu_decode (bytes, NULL, &pdu, NULL))
        continue;
      check_round_trip (pdu);
      if (is_rq)
        check_acceptor (pdu);
    }
  return 0;
}
