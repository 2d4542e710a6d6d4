/* dimse-error.h — the network engine's error domain */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DIMSE_ERROR (dimse_error_quark ())

typedef enum {
  DIMSE_ERROR_PDU_INVALID,        /* a PDU or item that breaks PS3.8 §9.3 */
  DIMSE_ERROR_PDU_UNEXPECTED,     /* a valid PDU in a state that does not allow it */
  DIMSE_ERROR_PDU_TOO_LARGE,      /* over a configured or negotiated limit */
  DIMSE_ERROR_ASSOCIATION_REJECTED,
  DIMSE_ERROR_ASSOCIATION_ABORTED,
  DIMSE_ERROR_ASSOCIATION_RELEASED,
  DIMSE_ERROR_TIMEOUT,
  DIMSE_ERROR_CONNECTION,
  DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
  DIMSE_ERROR_MESSAGE_INVALID,    /* a command set missing or misusing a field */
  DIMSE_ERROR_LIMIT,
} DimseError;

GQuark dimse_error_quark (void);

G_END_DECLS
