/* dimse-pdu-private.h — what the dimse-pdu*.c files share and no one else sees */
#pragma once

#include "dimse-pdu.h"

G_BEGIN_DECLS

/* PS3.8 §9.3.2: protocol version, reserved, two AE titles, 32 reserved. */
#define ASSOCIATE_FIXED_LENGTH 68
#define FIXED_PDU_LENGTH 4
#define ITEM_HEADER_LENGTH 4

/* Reports the A-ABORT reason to a caller that asked for it; returns FALSE so
 * that a failing check can end with `return dimse_pdu_set_abort_reason (…)`. */
static inline gboolean
dimse_pdu_set_abort_reason (DimseAbortReason *abort_reason, DimseAbortReason value)
{
  if (abort_reason != NULL)
    *abort_reason = value;
  return FALSE;
}

G_END_DECLS
