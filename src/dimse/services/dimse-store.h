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
 * When a C-STORE-RQ's command arrives, its SOP Instance UID is checked
 * (a valid UID, PS3.5 §9.1, and a safe file name) and a
 * temporary file is made in the folder holding the preamble and a File
 * Meta Information built from the command's Affected SOP Class and
 * Instance UIDs and the context's transfer syntax (PS3.10 §7.1); the data
 * set's fragments are appended to it as they arrive, so it is never held
 * in memory. Once it is whole, the file is synced, renamed to
 * <folder>/<SOP Instance UID>.dcm (mode 0644) and the folder synced — by
 * a writer thread when that is slow, once for all the files it renames
 * together — before the response is sent
 * (issue #9: nothing is answered Success that a crash could lose). When
 * the folder cannot take it (the temporary file cannot be made, the disk
 * fills up) the request is answered with Out of Resources (A700) and an
 * Error Comment giving the system's reason, nothing is left behind, and
 * the association goes on; a UID unfit for a file name is refused with
 * C000. Temporary files left by a process that died (".dimse-store-*"
 * untouched for 10 minutes) are deleted when an SCP is made on the folder.
 *
 * Signal "instance-stored" (DimseAssociation *assoc, DimseMessage *request,
 * guint status, const char *path or NULL, const char *comment or NULL):
 * after the C-STORE-RSP was queued; path is the file written (status 0000),
 * comment says why it was not — or, with status 0000, that an earlier copy
 * was kept (DIMSE_STORE_DUPLICATE_KEEP_FIRST). */
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

/* What to do when <SOP Instance UID>.dcm is already in the folder. */
typedef enum {
  DIMSE_STORE_DUPLICATE_REPLACE,     /* the new copy replaces it, atomically (default) */
  DIMSE_STORE_DUPLICATE_KEEP_FIRST,  /* the earlier copy stays; answered Success */
} DimseStoreDuplicatePolicy;

void           dimse_store_scp_set_duplicate_policy (DimseStoreScp *scp,
                                                     DimseStoreDuplicatePolicy policy);
DimseStoreDuplicatePolicy dimse_store_scp_get_duplicate_policy (DimseStoreScp *scp);
/* Files are finished (synced, renamed, the folder synced) at once while
 * that is quick, and by a writer thread while it takes over 2 ms on
 * average; TRUE sends them all to the writer thread (a folder known to be
 * on a slow disk). */
void           dimse_store_scp_set_background_sync (DimseStoreScp *scp, gboolean background);
/* No limit is infinite (issue #9): 4 GiB, the most one data set element
 * can declare (PS3.5 §7.1.1), unless set otherwise. */
#define DIMSE_STORE_DEFAULT_MAX_INSTANCE_SIZE ((guint64) 4 * 1024 * 1024 * 1024)

/* A data set of more than max_bytes (0: no limit; the default is
 * DIMSE_STORE_DEFAULT_MAX_INSTANCE_SIZE) is not
 * stored: once that many have arrived the rest is dropped, the temporary
 * file deleted and the request answered Out of Resources (A700) with an
 * Error Comment giving the limit; the association goes on (issue #9). */
void           dimse_store_scp_set_max_instance_size (DimseStoreScp *scp, guint64 max_bytes);
/* TRUE when uid may name a file in the folder: 1 to 64 digits and dots,
 * no empty component (so neither "." nor ".." nor a leading dot). Leading
 * zeros, which PS3.5 §9.1 forbids but some devices send, are accepted. */
gboolean       dimse_store_uid_is_safe_file_name (const char *uid);

/* ---- SCU ----
 * Sends the Part 10 file at path in a C-STORE-RQ (priority medium) and
 * waits for the response. The data set goes as the file's bytes — mapped,
 * or over 16 MiB read from the file as it is sent, so that memory stays
 * bounded whatever the size — on an accepted context for its SOP class
 * and transfer syntax; failing that, an uncompressed one is re-encoded
 * for a context with another uncompressed transfer syntax. Errors: DCM_ERROR for a file that does not
 * read, DIMSE_ERROR_NO_PRESENTATION_CONTEXT, and those of the exchange. */
void     dimse_store_send_file_async (DimseAssociation *assoc, const char *path,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
/* The same for a C-STORE sub-operation of a C-MOVE: the request carries
 * Move Originator Application Entity Title and Move Originator Message ID
 * (PS3.7 §9.3.1.1); move_originator_aet NULL is a plain C-STORE. Finish
 * with dimse_store_send_file_finish. */
void     dimse_store_send_file_for_move_async (DimseAssociation *assoc, const char *path,
                                               const char *move_originator_aet,
                                               guint16 move_originator_message_id,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
/* TRUE when a response arrived; *out_status (may be NULL) is its Status
 * and *out_response (may be NULL) the response itself. */
gboolean dimse_store_send_file_finish (DimseAssociation *assoc, GAsyncResult *result,
                                       guint16 *out_status, DimseMessage **out_response,
                                       GError **error);

G_END_DECLS
