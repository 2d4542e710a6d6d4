/* dimse-status.h — the status codes of PS3.7 Annex C, with the
 * service-specific meanings PS3.4 gives them */
#pragma once

#include <glib.h>
#include "dcm-data-set.h"
#include "dimse-command.h"

G_BEGIN_DECLS

#define DIMSE_STATUS_ERROR (dimse_status_error_quark ())

/* PS3.7 Annex C: every status code belongs to one class. */
typedef enum {
  DIMSE_STATUS_SUCCESS,
  DIMSE_STATUS_PENDING,
  DIMSE_STATUS_CANCEL,
  DIMSE_STATUS_WARNING,
  DIMSE_STATUS_FAILURE,
} DimseStatusClass;

/* The command set fields (and data set attributes) that Annex C and PS3.4
 * name as related to a status. */
typedef enum {
  DIMSE_STATUS_FIELD_NONE                         = 0,
  DIMSE_STATUS_FIELD_AFFECTED_SOP_CLASS_UID       = 1 << 0,
  DIMSE_STATUS_FIELD_AFFECTED_SOP_INSTANCE_UID    = 1 << 1,
  DIMSE_STATUS_FIELD_OFFENDING_ELEMENT            = 1 << 2,
  DIMSE_STATUS_FIELD_ERROR_COMMENT                = 1 << 3,
  DIMSE_STATUS_FIELD_ERROR_ID                     = 1 << 4,
  DIMSE_STATUS_FIELD_EVENT_TYPE_ID                = 1 << 5,
  DIMSE_STATUS_FIELD_ACTION_TYPE_ID               = 1 << 6,
  DIMSE_STATUS_FIELD_ATTRIBUTE_IDENTIFIER_LIST    = 1 << 7,
  /* Number of Remaining/Completed/Failed/Warning Sub-operations */
  DIMSE_STATUS_FIELD_SUB_OPERATIONS               = 1 << 8,
  /* (0008,0058) in the response's data set, not in the command set */
  DIMSE_STATUS_FIELD_FAILED_SOP_INSTANCE_UID_LIST = 1 << 9,
} DimseStatusFields;

/* One row of the registry: a code or a range of codes, for every service
 * (service DIMSE_COMMAND_NONE) or for one (its request's command field). */
typedef struct {
  guint16           first;
  guint16           last;
  DimseCommandField service;
  DimseStatusClass  status_class;
  const char       *meaning;
  DimseStatusFields related;
} DimseStatusEntry;

GQuark            dimse_status_error_quark (void);

/* The class by the convention of PS3.7 Annex C: 0000 success; 0001, Bxxx,
 * 0107, 0116 warning; FE00 cancel; FF00, FF01 pending; Axxx, Cxxx, other
 * 01xx, 02xx failure. A code outside the convention is a failure too: an
 * SCU cannot take it for anything better. */
DimseStatusClass  dimse_status_class (guint16 status);
const char       *dimse_status_class_name (DimseStatusClass status_class);
/* The row that says most about status for service (a request or response
 * command field, or DIMSE_COMMAND_NONE): a service-specific row before a
 * general one, a single code before a range. NULL when no row covers it. */
const DimseStatusEntry *dimse_status_lookup (guint16 status, DimseCommandField service);
/* The meaning in the standard's words ("Refused: Out of Resources"); for a
 * code no row covers, the class name ("Failure"). */
const char       *dimse_status_meaning (guint16 status, DimseCommandField service);
/* "0xA900 Error: Data Set Does Not Match SOP Class — Offending Element
 * (0010,0010); Error Comment: …": the meaning and the related fields that
 * command (may be NULL) holds. Error Comment and Error ID are shown
 * whenever present. */
char             *dimse_status_describe (guint16 status, DimseCommandField service,
                                         DcmDataSet *command);
/* Sets a DIMSE_STATUS_ERROR with the status as code and the description
 * as message. */
void              dimse_status_set_error (GError **error, guint16 status,
                                          DimseCommandField service, DcmDataSet *command);

guint                   dimse_status_n_entries (void);
const DimseStatusEntry *dimse_status_nth_entry (guint i);

G_END_DECLS
