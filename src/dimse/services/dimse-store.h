/* dimse-store.h — the Storage Service Class (PS3.4 Annex B): an SCP that
 * writes each received instance as a Part 10 file, and an SCU that sends
 * one Part 10 file */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"

G_BEGIN_DECLS

/* PS3.4 Table B.2-1, the C-STORE statuses this SCP answers with */
#define DIMSE_STORE_STATUS_SUCCESS            0x0000
#define DIMSE_STORE_STATUS_OUT_OF_RESOURCES   0xA700
#define DIMSE_STORE_STATUS_CANNOT_UNDERSTAND  0xC000

/* ---- SCP ----
 * Each C-STORE-RQ's data set streams to a temporary file in the folder as
 * its fragments arrive; then, in a worker thread, the Part 10 file is made
 * from preamble, a File Meta Information built from the command's Affected
 * SOP Class and Instance UIDs and the context's transfer syntax, and the
 * data set copied in chunks; it is synced and renamed to
 * <folder>/<SOP Instance UID>.dcm, replacing an earlier copy atomically.
 * The data set is never held in memory. When the folder cannot take it
 * (the temporary file cannot be created, the disk fills up) the request is
 * answered with Out of Resources (A700) and an Error Comment giving the
 * system's reason, nothing is left behind, and the association goes on.
 *
 * Signal "instance-stored" (DimseAssociation *assoc, DimseMessage *request,
 * guint status, const char *path or NULL, const char *comment or NULL):
 * after the C-STORE-RSP was queued; path is the file written (status 0000),
 * comment says why it was not. */
#define DIMSE_TYPE_STORE_SCP (dimse_store_scp_get_type ())
G_DECLARE_FINAL_TYPE (DimseStoreScp, dimse_store_scp, DIMSE, STORE_SCP, GObject)

/* folder must exist; it is not created. */
DimseStoreScp *dimse_store_scp_new (const char *folder);
const char    *dimse_store_scp_get_folder (DimseStoreScp *scp);
/* Sets the association's data set sink and answers its C-STORE-RQs for as
 * long as both live. */
void           dimse_store_scp_attach (DimseStoreScp *scp, DimseAssociation *assoc);
/* Instances being written (their response not yet sent): a program that
 * stops runs its main context until this is 0. */
guint          dimse_store_scp_get_n_pending (DimseStoreScp *scp);
/* Deletes the temporary files of data sets still arriving, for a program
 * that stops after aborting its associations. */
void           dimse_store_scp_discard_incomplete (DimseStoreScp *scp);

/* ---- SCU ----
 * Sends the Part 10 file at path in a C-STORE-RQ (priority medium) and
 * waits for the response. The data set goes as the file's bytes, mapped,
 * on an accepted context for its SOP class and transfer syntax; failing
 * that, an uncompressed one is re-encoded for a context with another
 * uncompressed transfer syntax. Errors: DCM_ERROR for a file that does not
 * read, DIMSE_ERROR_NO_PRESENTATION_CONTEXT, and those of the exchange. */
void     dimse_store_send_file_async (DimseAssociation *assoc, const char *path,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
/* TRUE when a response arrived; *out_status (may be NULL) is its Status
 * and *out_response (may be NULL) the response itself. */
gboolean dimse_store_send_file_finish (DimseAssociation *assoc, GAsyncResult *result,
                                       guint16 *out_status, DimseMessage **out_response,
                                       GError **error);

G_END_DECLS
