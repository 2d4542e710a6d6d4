/* dimse-mpps.h — the Modality Performed Procedure Step SOP Class (PS3.4
 * Annex F.7): the SCU's N-CREATE (IN PROGRESS) and N-SET (COMPLETED or
 * DISCONTINUED), and the SCP's state rules on a DimseNProvider */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"
#include "dimse-nservice.h"
#include "dimse-nservice-provider.h"

G_BEGIN_DECLS

/* Performed Procedure Step Status (0040,0252), PS3.3 §C.4.14 */
#define DIMSE_MPPS_IN_PROGRESS  "IN PROGRESS"
#define DIMSE_MPPS_COMPLETED    "COMPLETED"
#define DIMSE_MPPS_DISCONTINUED "DISCONTINUED"
/* PS3.4 Table F.7.2-2: Error ID of "Performed Procedure Step Object may no
 * longer be updated", with 0110H Processing Failure. */
#define DIMSE_MPPS_ERROR_ID_NO_LONGER_UPDATABLE 0xA710

/* ---- SCU ---- */
/* Completes ds into an N-CREATE Attribute List of PS3.4 Table F.7.2-1
 * without touching what it holds: status IN PROGRESS, a Performed Procedure
 * Step ID, the start date and time now, station_ae_title, Modality "OT",
 * a Scheduled Step Attributes Sequence with a new Study Instance UID, and
 * the Type 2 attributes empty. */
gboolean dimse_mpps_fill_in_progress (DcmDataSet *ds, const char *station_ae_title,
                                      GError **error);
/* Completes ds into an N-SET Modification List that ends the step with
 * status (COMPLETED or DISCONTINUED): end date and time now and, unless
 * ds has one, a Performed Series Sequence of one series (new Series
 * Instance UID, Retrieve AE Title retrieve_ae_title, the Type 2 attributes
 * empty). */
gboolean dimse_mpps_fill_final (DcmDataSet *ds, const char *status,
                                const char *retrieve_ae_title, GError **error);
/* N-CREATE / N-SET of the MPPS SOP class; finish with dimse_n_request_finish. */
void     dimse_mpps_create_async (DimseAssociation *assoc, const char *sop_instance_uid,
                                  DcmDataSet *attribute_list, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
void     dimse_mpps_set_async (DimseAssociation *assoc, const char *sop_instance_uid,
                               DcmDataSet *modification_list, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);

/* ---- SCP ---- */
/* Manages the MPPS SOP class in provider (N-CREATE, N-SET and, for a
 * workbench, N-GET), enforcing PS3.4 §F.7.2.1.2 and §F.7.2.2.2:
 * - N-CREATE: status IN PROGRESS (0106H otherwise), the Type 1 attributes
 *   of Table F.7.2-1 present (0120H Missing Attribute) and with a value
 *   (0121H Missing Attribute Value), each Scheduled Step Attributes item
 *   with a Study Instance UID;
 * - N-SET: only while IN PROGRESS (0110H with Error ID A710H), no
 *   attribute Table F.7.2-1 marks "Not allowed" (0105H No Such
 *   Attribute), a status of the three defined (0106H), and at COMPLETED or
 *   DISCONTINUED the final attributes: end date and time and a Performed
 *   Series Sequence with items (0120H / 0121H). */
void     dimse_mpps_scp_register (DimseNProvider *provider);

G_END_DECLS
