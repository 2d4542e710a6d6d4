/* dimse-archive-private.h — what the files of the embedded archive share:
 * the node table, the signals, what the handlers need of a request
 * (dimse-archive-request.c), and the handlers of C-FIND
 * (dimse-archive-find.c), C-MOVE and C-GET (dimse-archive-retrieve.c).
 * Not installed. */
#pragma once

#include "dimse-archive.h"
#include "dimse-message.h"

G_BEGIN_DECLS

/* PS3.4 Tables C.4-1, C.4-2, C.4-3: the statuses the archive answers with */
#define ARCHIVE_STATUS_SUCCESS                  0x0000
#define ARCHIVE_STATUS_PENDING                  0xFF00
#define ARCHIVE_STATUS_CANCEL                   0xFE00
#define ARCHIVE_STATUS_SUB_OPERATIONS_WARNING   0xB000
#define ARCHIVE_STATUS_SUB_OPERATIONS_FAILED    0xA702
#define ARCHIVE_STATUS_DESTINATION_UNKNOWN      0xA801
#define ARCHIVE_STATUS_IDENTIFIER_MISMATCH      0xA900
#define ARCHIVE_STATUS_UNABLE_TO_PROCESS        0xC000
/* PS3.7 Annex C: general statuses */
#define ARCHIVE_STATUS_SOP_CLASS_NOT_SUPPORTED  0x0122
#define ARCHIVE_STATUS_UNRECOGNIZED_OPERATION   0x0211

/* PS3.7 §D.3.3.3: C-STOREs of a C-MOVE or C-GET we keep outstanding when
 * the peer's window allows it, and the requests we perform at once. */
#define ARCHIVE_MAX_SUB_OPERATIONS_INVOKED      16
#define ARCHIVE_MAX_OPERATIONS_PERFORMED        16

typedef struct {
  char    *ae_title;
  char    *host;
  guint16  port;
} DimseArchiveNode;

/* A copy of the node with that AE title, or NULL. */
DimseArchiveNode *dimse_archive_dup_node (DimseArchive *archive, const char *ae_title);
void              dimse_archive_node_free (DimseArchiveNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseArchiveNode, dimse_archive_node_free)

const DimseTimeouts *dimse_archive_get_timeouts (DimseArchive *archive);

void dimse_archive_emit_request (DimseArchive *archive, DimseAssociation *assoc,
                                 DimseMessage *request, guint status);
void dimse_archive_emit_sub_operation (DimseArchive *archive, const char *destination_ae_title,
                                       const char *sop_instance_uid, guint status);

/* ---- shared by the handlers (dimse-archive-request.c) ---- */
/* The calling AE title of assoc, or "?". */
const char *dimse_archive_calling_ae_title (DimseAssociation *assoc);

/* The request's identifier, parsed. Errors: DIMSE_ERROR_MESSAGE_INVALID
 * when there is none, DCM_ERROR when it does not parse. */
DcmDataSet *dimse_archive_parse_identifier (DimseMessage *request, GError **error);
/* A response with status and, when comment is not NULL, an Error Comment
 * (0000,0902) made of it within LO's 64 ASCII characters. */
DimseMessage *dimse_archive_new_response (DimseMessage *request, guint16 status,
                                          const char *comment);
/* Sends a final response and emits "request" once it is out. */
void dimse_archive_send_final (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                               DimseMessage *request, DimseMessage *rsp);

/* ---- the services ---- */
void dimse_archive_handle_find (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                                DimseMessage *request);
void dimse_archive_handle_move (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                                DimseMessage *request);
void dimse_archive_handle_get (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                               DimseMessage *request);

G_END_DECLS
