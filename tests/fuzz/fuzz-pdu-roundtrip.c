/* fuzz-pdu-roundtrip.c — PDUs built from arbitrary input, through the
 * encoder and the decoder (PS3.8 §9.3)
 *
 * fuzz-pdu starts from bytes; this target starts from the structures: the
 * input is read as a recipe for an association request (AE titles,
 * presentation contexts, roles, extended negotiation, user identity,
 * window, maximum length) or for a P-DATA-TF, A-ASSOCIATE-RJ or A-ABORT.
 * What the encoder takes must decode back to the same description and
 * encode to the same bytes (decode → encode → decode equal), and an
 * association request must be answered by our acceptor with a reply our
 * requestor accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcm-uid.h"
#include "dimse-negotiation.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  const uint8_t *p;
  size_t         n;
} Recipe;

static guint8
take_byte (Recipe *r)
{
  guint8 b;

  if (r->n == 0)
    return 0;
  b = r->p[0];
  r->p++;
  r->n--;
  return b;
}

static GBytes *
take_bytes (Recipe *r, size_t max)
{
  size_t want = take_byte (r) % (max + 1);
  size_t n = MIN (want, r->n);
  GBytes *b = g_bytes_new (r->p, n);

  r->p += n;
  r->n -= n;
  return b;
}

/* Text from an alphabet: the encoder sends any bytes (a workbench must be
 * able to send what a peer should reject), the decoder refuses some, so
 * the recipe stays within what PS3.8 allows to test the round trip. */
static char *
take_text (Recipe *r, size_t max, const char *alphabet)
{
  g_autoptr(GBytes) b = take_bytes (r, max);
  gsize n = 0, n_alphabet = strlen (alphabet);
  const guint8 *p = g_bytes_get_data (b, &n);
  char *text = g_malloc (n + 1);

  for (gsize i = 0; i < n; i++)
    text[i] = alphabet[p[i] % n_alphabet];
  text[n] = '\0';
  return text;
}

#define AE_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_- "
#define UID_ALPHABET "0123456789."

static const char *const known_uids[] = {
  DCM_UID_VERIFICATION, DCM_UID_CT_IMAGE_STORAGE, DCM_UID_MR_IMAGE_STORAGE,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
  DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_EXPLICIT_VR_BIG_ENDIAN, DCM_UID_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_JPEG_BASELINE8_BIT,
};

/* Mostly known UIDs, sometimes anything: the acceptor has to meet both. */
static char *
take_uid (Recipe *r)
{
  guint8 pick = take_byte (r);

  if (pick < 0xe0)
    return g_strdup (known_uids[pick % G_N_ELEMENTS (known_uids)]);
  return take_text (r, 70, UID_ALPHABET);
}

static void
add_context (Recipe *r, DimseAssociationParams *params)
{
  g_autofree char *abstract_syntax = take_uid (r);
  guint n_ts = 1 + take_byte (r) % 4;
  g_autoptr(GPtrArray) ts = g_ptr_array_new_with_free_func (g_free);
  DimseProposedContext *pc;
  guint8 flags;

  for (guint i = 0; i < n_ts; i++)
    g_ptr_array_add (ts, take_uid (r));
  g_ptr_array_add (ts, NULL);
  flags = take_byte (r);
  pc = dimse_association_params_add_context (params, abstract_syntax,
                                             (const char *const *) ts->pdata, flags % 4);
  if (flags & 0x10)
    pc->extended_negotiation = take_bytes (r, 40);
  if (flags & 0x20)
    {
      pc->service_class_uid = take_uid (r);
      if (flags & 0x40)
        g_ptr_array_add (pc->related_general_sop_class_uids, take_uid (r));
    }
}

static DimsePdu *
build_rq (Recipe *r)
{
  /* PS3.8 §9.3.2: leading and trailing spaces of an AE title are not
   * significant; the decoder drops them. */
  g_autofree char *calling = g_strstrip (take_text (r, 18, AE_ALPHABET));
  g_autofree char *called = g_strstrip (take_text (r, 18, AE_ALPHABET));
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new (calling, called);
  guint n_contexts = take_byte (r) % 8;
  guint8 flags = take_byte (r);

  params->max_pdu_length = (guint32) take_byte (r) << 12;
  if (flags & 0x01)
    {
      params->max_operations_invoked = take_byte (r);
      params->max_operations_performed = take_byte (r);
    }
  if (flags & 0x02)
    {
      g_autoptr(GBytes) primary = take_bytes (r, 60);
      g_autoptr(GBytes) secondary = take_bytes (r, 30);

      dimse_association_params_set_user_identity (params, 1 + take_byte (r) % 5, primary,
                                                  secondary, (flags & 0x04) != 0);
    }
  if (flags & 0x08)
    {
      g_free (params->implementation_version_name);
      params->implementation_version_name = g_strstrip (take_text (r, 18, AE_ALPHABET));
    }
  for (guint i = 0; i < n_contexts; i++)
    add_context (r, params);
  return dimse_negotiation_build_rq (params, NULL);
}

/* Within what the decoder checks (PS3.8 §9.3.5, Table 9-21): the encoder
 * also sends what a peer should reject, which fuzz-pdu covers. */
static DimsePdu *
build_other (Recipe *r, guint8 kind)
{
  DimsePdu *pdu;
  guint n_pdvs;
  guint8 a, b, c;

  switch (kind % 3)
    {
    case 0:
      pdu = dimse_pdu_new (DIMSE_PDU_P_DATA_TF);
      n_pdvs = 1 + take_byte (r) % 4;
      for (guint i = 0; i < n_pdvs; i++)
        {
          guint8 id = take_byte (r) | 1;
          guint8 header = take_byte (r) & 0x03;
          g_autoptr(GBytes) fragment = take_bytes (r, 200);

          g_ptr_array_add (pdu->pdvs, dimse_pdv_new (id, header, fragment));
        }
      return pdu;
    case 1:
      a = DIMSE_RJ_RESULT_PERMANENT + take_byte (r) % 2;
      b = DIMSE_RJ_SOURCE_SERVICE_USER + take_byte (r) % 3;
      c = take_byte (r);
      return dimse_pdu_new_associate_rj (a, b, c);
    default:
      a = take_byte (r);
      b = take_byte (r);
      return dimse_pdu_new_abort (a, b);
    }
}

/* decode (encode (pdu)) describes itself as pdu does, and encodes to the
 * same bytes. Returns the decoded PDU, or NULL when the encoder refused. */
static DimsePdu *
round_trip (const DimsePdu *pdu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = dimse_pdu_encode (pdu, &error);
  g_autoptr(GBytes) second = NULL;
  g_autoptr(DimsePdu) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (first == NULL)
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return NULL;
    }
  if (!dimse_pdu_decode (first, NULL, &again, NULL))
    abort ();
  text = dimse_pdu_to_string (pdu);
  text_again = dimse_pdu_to_string (again);
  second = dimse_pdu_encode (again, NULL);
  if (strcmp (text, text_again) != 0 || second == NULL || !g_bytes_equal (first, second))
    abort ();
  return g_steal_pointer (&again);
}

static void
check_acceptor (const DimsePdu *rq)
{
  g_autoptr(DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default (NULL);
  g_autoptr(DimseNegotiationResult) accepted = NULL;
  g_autoptr(DimseNegotiationResult) parsed = NULL;
  g_autoptr(DimsePdu) reply = NULL;
  g_autoptr(DimsePdu) received = NULL;

  dimse_acceptor_policy_add_sop_class (policy,
                                       DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
                                       DIMSE_ROLE_BOTH);
  if (!dimse_negotiation_accept (policy, rq, &accepted, &reply, NULL))
    abort ();
  received = round_trip (reply);
  if (received == NULL)
    abort ();
  if (accepted->accepted && !dimse_negotiation_parse_ac (rq, received, &parsed, NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Recipe r = { data, size };
  guint8 kind;
  g_autoptr(DimsePdu) pdu = NULL;
  g_autoptr(DimsePdu) decoded = NULL;

  if (size > 64 * 1024)
    return 0;
  kind = take_byte (&r);
  pdu = kind < 0xc0 ? build_rq (&r) : build_other (&r, kind);
  if (pdu == NULL)
    return 0;
  decoded = round_trip (pdu);
  if (decoded != NULL && decoded->type == DIMSE_PDU_ASSOCIATE_RQ)
    check_acceptor (decoded);
  return 0;
}
