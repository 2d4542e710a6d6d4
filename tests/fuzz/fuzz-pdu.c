/* fuzz-pdu.c — the PS3.8 PDU decoder on arbitrary bytes
 *
 * Whatever decodes must describe itself, encode, and decode again to the
 * same encoding; the input's start is also split into P-DATA-TF PDUs whose
 * PDVs must join back to it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dimse-pdu.h"

#define FUZZ_PDU_MAX_INPUT (1024 * 1024)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_round_trip (const DimsePdu *pdu)
{
  g_autoptr(GBytes) first = dimse_pdu_encode (pdu, NULL);
  g_autoptr(GBytes) second = NULL;
  g_autoptr(DimsePdu) again = NULL;

  /* A decoded PDU never holds a field its encoder refuses. */
  if (first == NULL || !dimse_pdu_decode (first, NULL, &again, NULL))
    abort ();
  second = dimse_pdu_encode (again, NULL);
  if (second == NULL || !g_bytes_equal (first, second))
    abort ();
}

static void
check_fragments (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) message = g_bytes_new_static (data, size);
  guint32 max_pdu_length = size > 0 ? 7 + data[0] : 0;
  g_autoptr(GPtrArray) pdus = dimse_pdu_fragment_message (1, FALSE, message, max_pdu_length,
                                                          NULL);
  gsize joined = 0;

  if (pdus == NULL)
    abort ();
  for (guint i = 0; i < pdus->len; i++)
    {
      g_autoptr(DimsePdu) pdu = NULL;
      DimsePdv *pdv;
      gsize n = 0;
      const guint8 *p;

      if (!dimse_pdu_decode (pdus->pdata[i], NULL, &pdu, NULL) || pdu->pdvs->len != 1)
        abort ();
      pdv = pdu->pdvs->pdata[0];
      p = g_bytes_get_data (pdv->fragment, &n);
      if (joined + n > size || (n > 0 && memcmp (p, data + joined, n) != 0))
        abort ();
      joined += n;
    }
  if (joined != size)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DimsePdu) pdu = NULL;
  g_autofree char *text = NULL;
  DimseAbortReason reason = DIMSE_ABORT_REASON_NOT_SPECIFIED;
  guint8 type = 0;
  guint32 length = 0;

  if (size > FUZZ_PDU_MAX_INPUT)
    return 0;
  if (size >= DIMSE_PDU_HEADER_LENGTH)
    {
      dimse_pdu_peek_header (data, &type, &length);
      (void) dimse_pdu_check_header (type, length, NULL, NULL, NULL);
    }
  /* Static, so that ASan sees any read past the input. */
  bytes = g_bytes_new_static (data, size);
  if (dimse_pdu_decode_full (bytes, NULL, &pdu, &reason, NULL))
    {
      text = dimse_pdu_to_string (pdu);
      check_round_trip (pdu);
    }
  check_fragments (data, MIN (size, 4096));
  return 0;
}
