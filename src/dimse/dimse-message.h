/* dimse-message.h — DIMSE messages: a command set (PS3.7 §6.3, Annex E)
 * and the data set that may follow it */
#pragma once

#include <glib-object.h>
#include "dcm-data-set.h"
#include "dcm-transfer-syntax.h"
#include "dimse-command.h"

G_BEGIN_DECLS

typedef struct _DimseMessage DimseMessage;

GType         dimse_message_get_type (void) G_GNUC_CONST;
#define DIMSE_TYPE_MESSAGE (dimse_message_get_type ())

/* A command set holding Command Group Length, Command Field and Command
 * Data Set Type 0101H (no data set) and nothing else yet. */
DimseMessage *dimse_message_new (DimseCommandField command_field);
/* Wraps a command set (takes a reference), e.g. one read from a peer. */
DimseMessage *dimse_message_new_for_command (DcmDataSet *command);
DimseMessage *dimse_message_ref (DimseMessage *msg);
void          dimse_message_unref (DimseMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseMessage, dimse_message_unref)

/* ---- builders: one per request; the responses from their request ----
 * UIDs and AE titles are checked against their VR (DCM_ERROR). */
DimseMessage *dimse_message_new_c_echo_rq (guint16 message_id, const char *sop_class_uid,
                                           GError **error);
/* move_originator_aet NULL: not a C-MOVE sub-operation, and
 * move_originator_message_id is not written. */
DimseMessage *dimse_message_new_c_store_rq (guint16 message_id, const char *sop_class_uid,
                                            const char *sop_instance_uid, DimsePriority priority,
                                            const char *move_originator_aet,
                                            guint16 move_originator_message_id, GError **error);
DimseMessage *dimse_message_new_c_find_rq (guint16 message_id, const char *sop_class_uid,
                                           DimsePriority priority, GError **error);
DimseMessage *dimse_message_new_c_get_rq (guint16 message_id, const char *sop_class_uid,
                                          DimsePriority priority, GError **error);
DimseMessage *dimse_message_new_c_move_rq (guint16 message_id, const char *sop_class_uid,
                                           DimsePriority priority, const char *move_destination,
                                           GError **error);
DimseMessage *dimse_message_new_c_cancel_rq (guint16 message_id_being_responded_to);
DimseMessage *dimse_message_new_n_event_report_rq (guint16 message_id, const char *sop_class_uid,
                                                   const char *sop_instance_uid,
                                                   guint16 event_type_id, GError **error);
/* attribute_tags may be NULL (n_attributes 0): all attributes. */
DimseMessage *dimse_message_new_n_get_rq (guint16 message_id, const char *sop_class_uid,
                                          const char *sop_instance_uid,
                                          const guint32 *attribute_tags, guint n_attributes,
                                          GError **error);
DimseMessage *dimse_message_new_n_set_rq (guint16 message_id, const char *sop_class_uid,
                                          const char *sop_instance_uid, GError **error);
DimseMessage *dimse_message_new_n_action_rq (guint16 message_id, const char *sop_class_uid,
                                             const char *sop_instance_uid,
                                             guint16 action_type_id, GError **error);
/* sop_instance_uid may be NULL: the SCP assigns one. */
DimseMessage *dimse_message_new_n_create_rq (guint16 message_id, const char *sop_class_uid,
                                             const char *sop_instance_uid, GError **error);
DimseMessage *dimse_message_new_n_delete_rq (guint16 message_id, const char *sop_class_uid,
                                             const char *sop_instance_uid, GError **error);
/* The response to request (not C-CANCEL-RQ) with status: Message ID Being
 * Responded To, Affected SOP Class UID (from the Affected or Requested one)
 * and, where the tables of §9.3/§10.3 carry them, Affected SOP Instance UID,
 * Event Type ID and Action Type ID are taken from the request. */
DimseMessage *dimse_message_new_response (DimseMessage *request, guint16 status);

/* ---- the command set ---- */
DcmDataSet        *dimse_message_get_command (DimseMessage *msg);
/* DIMSE_COMMAND_NONE when the command set has no Command Field. */
DimseCommandField  dimse_message_get_command_field (DimseMessage *msg);
/* "C-STORE-RQ", or "DIMSE message 0x1234" for an unknown command field. */
const char        *dimse_message_get_name (DimseMessage *msg);
/* US fields: Message ID, Status, Priority, sub-operation counts … FALSE
 * when absent or not one US value. */
gboolean           dimse_message_get_us (DimseMessage *msg, guint32 tag, guint16 *out_value);
/* A string field (UI, AE, LO) trimmed, or NULL. */
char              *dimse_message_dup_string (DimseMessage *msg, guint32 tag);
void               dimse_message_set_us (DimseMessage *msg, guint32 tag, guint16 value);
gboolean           dimse_message_set_string (DimseMessage *msg, guint32 tag, const char *value,
                                             GError **error);
/* AT fields: Offending Element, Attribute Identifier List. */
void               dimse_message_set_tags (DimseMessage *msg, guint32 tag, const guint32 *tags,
                                           guint n_tags);
void               dimse_message_remove (DimseMessage *msg, guint32 tag);
/* From Command Data Set Type: anything but 0101H means a data set follows. */
gboolean           dimse_message_has_data_set (DimseMessage *msg);

/* ---- the data set ----
 * Either parsed (a DcmDataSet) or encoded (bytes in a transfer syntax, e.g.
 * a file's data set passed on untouched, or what arrived from a peer).
 * Setting one replaces the other and sets Command Data Set Type to match;
 * NULL removes the data set. */
void         dimse_message_set_data_set (DimseMessage *msg, DcmDataSet *data_set);
DcmDataSet  *dimse_message_get_data_set (DimseMessage *msg);
void         dimse_message_set_encoded_data_set (DimseMessage *msg, GBytes *bytes,
                                                 const DcmTransferSyntax *ts);
GBytes      *dimse_message_get_encoded_data_set (DimseMessage *msg,
                                                 const DcmTransferSyntax **out_ts);
/* The data set encoded in ts: the encoded bytes when they are in ts already.
 * NULL with DIMSE_ERROR_MESSAGE_INVALID when there is none, or when only
 * bytes in another syntax are held. */
GBytes      *dimse_message_encode_data_set (DimseMessage *msg, const DcmTransferSyntax *ts,
                                            GError **error);

/* ---- the wire ---- */
/* The command set in Implicit VR Little Endian (PS3.7 §6.3.1), whatever the
 * presentation context, with Command Group Length (0000,0000) computed. Not
 * validated: a workbench must be able to send what a peer should reject. */
GBytes       *dimse_message_encode_command (DimseMessage *msg, GError **error);
/* Reads a command set. Fails (DIMSE_ERROR_MESSAGE_INVALID) when it does not
 * parse, holds an element outside group 0000, or its Command Group Length
 * disagrees with its size. The fields are not validated. */
DimseMessage *dimse_message_decode_command (GBytes *bytes, GError **error);
/* Checks the command set against its table of PS3.7 §9.3 or §10.3: every
 * mandatory field present and not empty, Command Field known, Command Data
 * Set Type as the table's Data Set row requires, Priority a defined value,
 * and the conditions the message alone decides (a pending C-FIND-RSP
 * carries an identifier; a pending C-GET-RSP or C-MOVE-RSP carries the four
 * sub-operation counts). Fails with DIMSE_ERROR_MESSAGE_INVALID naming the
 * message and the field. */
gboolean      dimse_message_validate (DimseMessage *msg, GError **error);

G_END_DECLS
