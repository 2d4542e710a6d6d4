/* dcm-error.h — the data layer's error domain */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DCM_ERROR (dcm_error_quark ())

typedef enum {
  DCM_ERROR_TRUNCATED,      /* data ended before a declared length or delimiter */
  DCM_ERROR_INVALID,        /* malformed encoding: bad length, bad VR, bad structure */
  DCM_ERROR_UNSUPPORTED,    /* a valid but unsupported feature (e.g. compressed syntax) */
  DCM_ERROR_LIMIT,          /* a configured limit was crossed (depth, size) */
  DCM_ERROR_NOT_FOUND,      /* element, keyword or UID not present */
  DCM_ERROR_WRONG_TYPE,     /* value asked for as a type its VR does not hold */
  DCM_ERROR_CHARSET,        /* character set unknown or bytes not valid in it */
  DCM_ERROR_NOT_PART10,     /* file lacks the DICM prefix or the File Meta Information */
  DCM_ERROR_IO,             /* reading or writing the underlying stream failed */
} DcmError;

GQuark dcm_error_quark (void);

G_END_DECLS
