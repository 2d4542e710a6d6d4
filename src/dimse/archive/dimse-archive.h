/* dimse-archive.h — the embedded archive: a Verification, Storage,
 * Query/Retrieve and Modality Worklist SCP (PS3.4 Annexes A, B, C, K) over
 * a folder of Part 10 files and its index; C-MOVE destinations from a node
 * table */
#pragma once

#include <gio/gio.h>

#include "dimse-access.h"
#include "dimse-archive-index.h"
#include "dimse-archive-worklist.h"
#include "dimse-association.h"
#include "dimse-server.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_ARCHIVE (dimse_archive_get_type ())
G_DECLARE_FINAL_TYPE (DimseArchive, dimse_archive, DIMSE, ARCHIVE, GObject)

/* An archive over folder (created if missing) answering to ae_title
 * (NULL: "DIMSEBENCH"). Not yet indexed nor listening. */
DimseArchive      *dimse_archive_new (const char *folder, const char *ae_title);
const char        *dimse_archive_get_folder (DimseArchive *archive);
const char        *dimse_archive_get_ae_title (DimseArchive *archive);
DimseArchiveIndex *dimse_archive_get_index (DimseArchive *archive);

/* The Modality Worklist that C-FIND of its information model is matched
 * against (PS3.4 Annex K); NULL (the default): none, such a query matches
 * nothing. _set_worklist_dir: one read from folder (see
 * dimse_archive_worklist_new_for_folder), NULL for none. */
void                  dimse_archive_set_worklist (DimseArchive *archive,
                                                  DimseArchiveWorklist *worklist);
void                  dimse_archive_set_worklist_dir (DimseArchive *archive, const char *folder);
DimseArchiveWorklist *dimse_archive_get_worklist (DimseArchive *archive);

/* Scans the folder into the index, and reads the worklist, in a worker
 * thread; the callback runs on the caller's thread-default main context.
 * Fails as dimse_archive_index_scan, or dimse_archive_worklist_refresh
 * when the worklist's folder cannot be read. */
void     dimse_archive_open_async (DimseArchive *archive, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean dimse_archive_open_finish (DimseArchive *archive, GAsyncResult *result,
                                    GError **error);

/* Timeouts of the associations dimse_archive_serve accepts and of those a
 * C-MOVE opens to its destination (NULL: the defaults). Copied. */
void     dimse_archive_set_timeouts (DimseArchive *archive, const DimseTimeouts *timeouts);

/* The associations a C-MOVE opens to its destination are recorded in
 * recorder (NULL: not recorded) from their A-ASSOCIATE-RQ on, so that a
 * refused one shows too; the accepted associations are the server's, see
 * dimse_association_set_recorder. */
void           dimse_archive_set_recorder (DimseArchive *archive, DimseRecorder *recorder);
DimseRecorder *dimse_archive_get_recorder (DimseArchive *archive);

/* TLS (PS3.15 Annex B.1) on the associations a C-MOVE opens to its
 * destination: our certificate and key, and the CA file the destination's
 * certificate is verified against (verify_peer). NULL (the default): plain
 * TCP. Copied. */
void                    dimse_archive_set_move_tls (DimseArchive *archive,
                                                    const DimseTlsSettings *tls);
const DimseTlsSettings *dimse_archive_get_move_tls (DimseArchive *archive);

/* ---- who may talk to it ---- */
/* A C-MOVE destination (replaces one with the same AE title). */
void     dimse_archive_add_node (DimseArchive *archive, const char *ae_title,
                                 const char *host, guint16 port);
void     dimse_archive_remove_node (DimseArchive *archive, const char *ae_title);
/* Calling AE titles allowed to associate; until the first call, or after
 * _set_accept_any (archive, TRUE), any. The nodes are not implied. */
void     dimse_archive_add_calling_ae_title (DimseArchive *archive, const char *ae_title);
void     dimse_archive_set_accept_any (DimseArchive *archive, gboolean accept_any);

/* What a calling AE may ask of the archive: the services of
 * dimse-access.h. */
typedef DimseAccessServices DimseArchiveServices;
#define DIMSE_ARCHIVE_SERVICE_ECHO  DIMSE_ACCESS_SERVICE_ECHO
#define DIMSE_ARCHIVE_SERVICE_STORE DIMSE_ACCESS_SERVICE_STORE
#define DIMSE_ARCHIVE_SERVICE_FIND  DIMSE_ACCESS_SERVICE_FIND
#define DIMSE_ARCHIVE_SERVICE_MOVE  DIMSE_ACCESS_SERVICE_MOVE
#define DIMSE_ARCHIVE_SERVICE_GET   DIMSE_ACCESS_SERVICE_GET
#define DIMSE_ARCHIVE_SERVICE_ALL   DIMSE_ACCESS_SERVICE_ALL

/* Allows calling_ae_title as _add_calling_ae_title does, and only for
 * services; with address (an IP address, not NULL) only from there. The
 * server of dimse_archive_serve answers an A-ASSOCIATE-RQ from elsewhere
 * (or one whose entries leave it no service from where it comes) with
 * A-ASSOCIATE-RJ (rejected permanent, service user, calling AE title not
 * recognized); dimse_archive_attach aborts such an association accepted by
 * another server. A request for another service is refused (0124, Not
 * Authorized). Several entries for one AE title add up. Fails
 * (G_IO_ERROR_INVALID_ARGUMENT) for an address that is not an IP address. */
gboolean dimse_archive_add_peer (DimseArchive *archive, const char *calling_ae_title,
                                 const char *address, DimseArchiveServices services,
                                 GError **error);
/* The same for one entry as a command line writes it, read by
 * dimse_access_list_add_entry (AET, AET@ADDRESS, AET:SERVICES or
 * AET@ADDRESS:SERVICES) with the same errors. */
gboolean dimse_archive_add_peer_entry (DimseArchive *archive, const char *entry,
                                       GError **error);
/* As dimse_access_services_parse. */
gboolean dimse_archive_services_parse (const char *text, DimseArchiveServices *out,
                                       GError **error);

/* A new acceptor policy for a DimseServer: the called AE title, the
 * calling AE titles, Verification, every storage SOP class as SCP and as
 * SCU (the C-STOREs of a C-GET), Patient and Study Root FIND, MOVE and
 * GET, Modality Worklist FIND; an asynchronous window. */
DimseAcceptorPolicy *dimse_archive_new_policy (DimseArchive *archive);

/* Answers the association's requests for as long as both live: C-ECHO;
 * C-STORE into the folder, each stored instance added to the index;
 * C-FIND with pending responses from the index, or for a Modality Worklist
 * query from the worklist (matching nothing when there is none);
 * C-MOVE (a new association to the destination from the node table,
 * 0xA801 when unknown) and C-GET (C-STORE sub-operations on assoc), with
 * pending responses carrying the sub-operation counts and a final one with
 * the Failed SOP Instance UID List; C-CANCEL of each. */
void         dimse_archive_attach (DimseArchive *archive, DimseAssociation *assoc);

/* Instances being written by the Storage SCP (their response not yet
 * sent): a program that stops runs its main context until this is 0,
 * then deletes the temporary files of data sets still arriving. */
guint        dimse_archive_get_n_pending (DimseArchive *archive);
void         dimse_archive_discard_incomplete (DimseArchive *archive);

/* Convenience: a DimseServer with dimse_archive_new_policy, listening on
 * address (NULL: every address) and port (0: any, see
 * dimse_server_get_port), attaching every association. */
DimseServer *dimse_archive_serve (DimseArchive *archive, const char *address, guint16 port,
                                  GError **error);

/* Signals (on the main context of the associations):
 * "instance-stored" (const char *path, const char *calling_ae_title)
 * "sub-operation" (const char *destination_ae_title, const char
 *   *sop_instance_uid, guint status): each C-STORE of a C-MOVE or C-GET
 * "request" (DimseAssociation *assoc, DimseMessage *request, guint status):
 *   after the final response to a C-FIND, C-MOVE or C-GET was sent */

G_END_DECLS
