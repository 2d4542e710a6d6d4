/* dimse-pdu.h — the upper layer PDUs of PS3.8 §9.3 and their items,
 * with the user information sub-items of PS3.7 Annex D */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DIMSE_PDU_HEADER_LENGTH 6
/* Item length (4), presentation context ID (1), message control header (1). */
#define DIMSE_PDV_HEADER_LENGTH 6
#define DIMSE_AE_TITLE_LENGTH 16
#define DIMSE_PROTOCOL_VERSION 0x0001
#define DIMSE_APPLICATION_CONTEXT_NAME "1.2.840.10008.3.1.1.1"
#define DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH (64 * 1024)

typedef enum {
  DIMSE_PDU_ASSOCIATE_RQ = 0x01,
  DIMSE_PDU_ASSOCIATE_AC = 0x02,
  DIMSE_PDU_ASSOCIATE_RJ = 0x03,
  DIMSE_PDU_P_DATA_TF    = 0x04,
  DIMSE_PDU_RELEASE_RQ   = 0x05,
  DIMSE_PDU_RELEASE_RP   = 0x06,
  DIMSE_PDU_ABORT        = 0x07,
} DimsePduType;

typedef enum {
  DIMSE_ITEM_APPLICATION_CONTEXT                   = 0x10,
  DIMSE_ITEM_PRESENTATION_CONTEXT_RQ               = 0x20,
  DIMSE_ITEM_PRESENTATION_CONTEXT_AC               = 0x21,
  DIMSE_ITEM_ABSTRACT_SYNTAX                       = 0x30,
  DIMSE_ITEM_TRANSFER_SYNTAX                       = 0x40,
  DIMSE_ITEM_USER_INFORMATION                      = 0x50,
  DIMSE_ITEM_MAXIMUM_LENGTH                        = 0x51,
  DIMSE_ITEM_IMPLEMENTATION_CLASS_UID              = 0x52,
  DIMSE_ITEM_ASYNCHRONOUS_OPERATIONS_WINDOW        = 0x53,
  DIMSE_ITEM_ROLE_SELECTION                        = 0x54,
  DIMSE_ITEM_IMPLEMENTATION_VERSION_NAME           = 0x55,
  DIMSE_ITEM_SOP_CLASS_EXTENDED_NEGOTIATION        = 0x56,
  DIMSE_ITEM_SOP_CLASS_COMMON_EXTENDED_NEGOTIATION = 0x57,
  DIMSE_ITEM_USER_IDENTITY_RQ                      = 0x58,
  DIMSE_ITEM_USER_IDENTITY_AC                      = 0x59,
} DimseItemType;

/* PS3.8 Table 9-18: Result/Reason of a presentation context item (AC). */
typedef enum {
  DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE                      = 0,
  DIMSE_PRESENTATION_CONTEXT_USER_REJECTION                  = 1,
  DIMSE_PRESENTATION_CONTEXT_NO_REASON                       = 2,
  DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED   = 3,
  DIMSE_PRESENTATION_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED = 4,
} DimsePresentationContextResult;

/* PS3.8 Table 9-21: A-ASSOCIATE-RJ fields. */
typedef enum {
  DIMSE_RJ_RESULT_PERMANENT = 1,
  DIMSE_RJ_RESULT_TRANSIENT = 2,
} DimseRjResult;

typedef enum {
  DIMSE_RJ_SOURCE_SERVICE_USER                  = 1,
  DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE         = 2,
  DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION = 3,
} DimseRjSource;

typedef enum {
  /* source 1, service user */
  DIMSE_RJ_REASON_NO_REASON_GIVEN                        = 1,
  DIMSE_RJ_REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED = 2,
  DIMSE_RJ_REASON_CALLING_AE_TITLE_NOT_RECOGNIZED        = 3,
  DIMSE_RJ_REASON_CALLED_AE_TITLE_NOT_RECOGNIZED         = 7,
  /* source 2, service provider (ACSE related function) */
  DIMSE_RJ_REASON_PROTOCOL_VERSION_NOT_SUPPORTED         = 2,
  /* source 3, service provider (presentation related function) */
  DIMSE_RJ_REASON_TEMPORARY_CONGESTION                   = 1,
  DIMSE_RJ_REASON_LOCAL_LIMIT_EXCEEDED                   = 2,
} DimseRjReason;

/* PS3.8 Table 9-26: A-ABORT fields. */
typedef enum {
  DIMSE_ABORT_SOURCE_SERVICE_USER     = 0,
  DIMSE_ABORT_SOURCE_SERVICE_PROVIDER = 2,
} DimseAbortSource;

typedef enum {
  DIMSE_ABORT_REASON_NOT_SPECIFIED               = 0,
  DIMSE_ABORT_REASON_UNRECOGNIZED_PDU            = 1,
  DIMSE_ABORT_REASON_UNEXPECTED_PDU              = 2,
  DIMSE_ABORT_REASON_UNRECOGNIZED_PDU_PARAMETER  = 4,
  DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER    = 5,
  DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE = 6,
} DimseAbortReason;

/* PS3.7 Table D.3-14: User-Identity-Type. */
typedef enum {
  DIMSE_USER_IDENTITY_USERNAME              = 1,
  DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE = 2,
  DIMSE_USER_IDENTITY_KERBEROS              = 3,
  DIMSE_USER_IDENTITY_SAML                  = 4,
  DIMSE_USER_IDENTITY_JWT                   = 5,
} DimseUserIdentityType;

/* PS3.8 §E.2: bits of the message control header of a PDV. */
#define DIMSE_PDV_COMMAND 0x01
#define DIMSE_PDV_LAST    0x02

/* An item or sub-item whose type this code does not know, kept so that it
 * is re-encoded as it came (value is the bytes after the item length). */
typedef struct {
  guint8  type;
  guint8  reserved;   /* the byte after the type (sub-item version for 0x57) */
  GBytes *value;
} DimseUnknownItem;

typedef struct {
  guint8     id;                 /* odd, 1 to 255 */
  guint8     result;             /* A-ASSOCIATE-AC: DimsePresentationContextResult */
  char      *abstract_syntax;    /* A-ASSOCIATE-RQ; NULL in -AC */
  GPtrArray *transfer_syntaxes;  /* char*: one or more in -RQ, one in -AC */
  GPtrArray *unknown_items;      /* DimseUnknownItem* */
} DimsePresentationContext;

typedef struct {
  char   *sop_class_uid;
  guint8  scu_role;
  guint8  scp_role;
} DimseRoleSelection;

typedef struct {
  char   *sop_class_uid;
  GBytes *service_class_application_information;
} DimseExtendedNegotiation;

typedef struct {
  char      *sop_class_uid;
  char      *service_class_uid;
  GPtrArray *related_general_sop_class_uids;  /* char* */
} DimseCommonExtendedNegotiation;

/* User Identity Negotiation sub-item of the -RQ (PS3.7 §D.3.3.7.1). */
typedef struct {
  guint8   user_identity_type;       /* DimseUserIdentityType */
  gboolean positive_response_requested;
  GBytes  *primary_field;
  GBytes  *secondary_field;          /* passcode for type 2, else empty */
} DimseUserIdentity;

typedef struct {
  gboolean   has_max_pdu_length;
  guint32    max_pdu_length;          /* Maximum Length sub-item; 0 = no maximum */
  char      *implementation_class_uid;
  char      *implementation_version_name;
  gboolean   has_async_ops_window;
  guint16    max_operations_invoked;
  guint16    max_operations_performed;
  GPtrArray *role_selections;              /* DimseRoleSelection* */
  GPtrArray *extended_negotiations;        /* DimseExtendedNegotiation* */
  GPtrArray *common_extended_negotiations; /* DimseCommonExtendedNegotiation*, -RQ only */
  DimseUserIdentity *user_identity;        /* -RQ, or NULL */
  GBytes    *user_identity_server_response;/* -AC, or NULL when absent */
  GPtrArray *unknown_items;                /* DimseUnknownItem* */
} DimseUserInfo;

/* A-ASSOCIATE-RQ and -AC share their layout (PS3.8 §9.3.2, §9.3.3); in the
 * -AC the AE titles are the -RQ's echoed back. */
typedef struct {
  guint16        protocol_version;
  char          *called_ae_title;    /* trimmed of padding */
  char          *calling_ae_title;
  char          *application_context_name;
  GPtrArray     *presentation_contexts;  /* DimsePresentationContext* */
  DimseUserInfo *user_info;              /* NULL when the item is absent */
  GPtrArray     *unknown_items;          /* DimseUnknownItem* */
} DimseAssociate;

typedef struct {
  guint8 result;   /* DimseRjResult */
  guint8 source;   /* DimseRjSource */
  guint8 reason;   /* DimseRjReason, read per source */
} DimseAssociateRj;

typedef struct {
  guint8 source;   /* DimseAbortSource */
  guint8 reason;   /* DimseAbortReason */
} DimseAbort;

/* A presentation data value; fragment is a slice of the PDU it came in. */
typedef struct {
  guint8  presentation_context_id;
  guint8  message_control_header;  /* DIMSE_PDV_COMMAND | DIMSE_PDV_LAST */
  GBytes *fragment;
} DimsePdv;

typedef struct {
  DimsePduType type;
  union {
    DimseAssociate  *associate;      /* A-ASSOCIATE-RQ, -AC */
    DimseAssociateRj associate_rj;
    GPtrArray       *pdvs;           /* P-DATA-TF: DimsePdv* */
    DimseAbort       abort;
  };
} DimsePdu;

typedef struct {
  guint32 max_associate_length;  /* PDU length of an A-ASSOCIATE-RQ/-AC; 0 = default 64 KiB */
  guint32 max_pdata_length;      /* PDU length of a P-DATA-TF; 0 = no maximum */
} DimsePduLimits;

void dimse_pdu_limits_init (DimsePduLimits *limits);

/* Constructors; lists start empty, strings NULL. */
DimsePdu                       *dimse_pdu_new (DimsePduType type);
/* An A-ASSOCIATE-RJ or A-ABORT with its fields set, as the state machine sends them. */
DimsePdu                       *dimse_pdu_new_associate_rj (guint8 result, guint8 source,
                                                            guint8 reason);
DimsePdu                       *dimse_pdu_new_abort (guint8 source, guint8 reason);
DimseAssociate                 *dimse_associate_new (void);
DimseUserInfo                  *dimse_user_info_new (void);
DimsePresentationContext       *dimse_presentation_context_new (guint8 id, const char *abstract_syntax);
DimseRoleSelection             *dimse_role_selection_new (const char *sop_class_uid,
                                                          gboolean scu_role, gboolean scp_role);
DimseExtendedNegotiation       *dimse_extended_negotiation_new (const char *sop_class_uid,
                                                                GBytes *information);
DimseCommonExtendedNegotiation *dimse_common_extended_negotiation_new (const char *sop_class_uid,
                                                                       const char *service_class_uid);
DimseUserIdentity              *dimse_user_identity_new (DimseUserIdentityType type,
                                                         gboolean positive_response_requested,
                                                         GBytes *primary_field,
                                                         GBytes *secondary_field);
DimseUnknownItem               *dimse_unknown_item_new (guint8 type, GBytes *value);
DimsePdv                       *dimse_pdv_new (guint8 presentation_context_id,
                                               guint8 message_control_header, GBytes *fragment);

void dimse_pdu_free (DimsePdu *pdu);
void dimse_associate_free (DimseAssociate *assoc);
void dimse_user_info_free (DimseUserInfo *info);
void dimse_presentation_context_free (DimsePresentationContext *pc);
void dimse_role_selection_free (DimseRoleSelection *rs);
void dimse_extended_negotiation_free (DimseExtendedNegotiation *en);
void dimse_common_extended_negotiation_free (DimseCommonExtendedNegotiation *cen);
void dimse_user_identity_free (DimseUserIdentity *ui);
void dimse_unknown_item_free (DimseUnknownItem *item);
void dimse_pdv_free (DimsePdv *pdv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimsePdu, dimse_pdu_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseAssociate, dimse_associate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseUserInfo, dimse_user_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimsePresentationContext, dimse_presentation_context_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimsePdv, dimse_pdv_free)

/* Reads the 6-byte PDU header so that a transport can frame the stream.
 * Returns FALSE when the type is not one of PS3.8 §9.3's seven PDUs; type and
 * length are set either way. */
gboolean dimse_pdu_peek_header (const guint8 hdr[DIMSE_PDU_HEADER_LENGTH],
                                guint8 *type, guint32 *length);
/* Checks a header against the limits before the body is read, so that no
 * buffer is sized from a length the peer declared beyond them. On failure
 * sets error (DIMSE_ERROR_PDU_INVALID for an unknown type or a fixed-size
 * PDU whose length is not 4, DIMSE_ERROR_PDU_TOO_LARGE over a limit) and
 * *abort_reason (may be NULL). */
gboolean dimse_pdu_check_header (guint8 type, guint32 length, const DimsePduLimits *limits,
                                 DimseAbortReason *abort_reason, GError **error);

/* Decodes a whole PDU (6-byte header and body), validating every field.
 * Strings are copied; PDV fragments are slices of pdu. limits may be NULL
 * (defaults). Errors are DIMSE_ERROR_PDU_INVALID (or _PDU_TOO_LARGE) with a
 * message naming the PDU, the item and its byte offset in the PDU. */
gboolean dimse_pdu_decode (GBytes *pdu, const DimsePduLimits *limits,
                           DimsePdu **out, GError **error);
/* As dimse_pdu_decode, also giving the A-ABORT reason (PS3.8 §9.3.8) the
 * state machine should answer a failure with. */
gboolean dimse_pdu_decode_full (GBytes *pdu, const DimsePduLimits *limits,
                                DimsePdu **out, DimseAbortReason *abort_reason,
                                GError **error);

/* Encodes any PDU; fails (DIMSE_ERROR_PDU_INVALID) on a field that cannot
 * be represented: an AE title over 16 bytes, an item over 65535 bytes,
 * a presentation context ID that is 0 or even. */
GBytes  *dimse_pdu_encode (const DimsePdu *pdu, GError **error);

/* Splits a command or data set into P-DATA-TF PDUs of one PDV each, none of
 * whose PDU length exceeds max_pdu_length (the peer's Maximum Length; 0 = no
 * maximum). Returns GBytes* encoded PDUs in order, the last PDV marked last;
 * NULL with DIMSE_ERROR_LIMIT when max_pdu_length leaves no room for data. */
GPtrArray *dimse_pdu_fragment_message (guint8 presentation_context_id, gboolean is_command,
                                       GBytes *message, guint32 max_pdu_length,
                                       GError **error);

/* Words for the fields (PS3.8 Tables 9-18, 9-21, 9-26; DCMTK's wording where
 * it has one). Unknown values give "Reserved (n)"-style text, never NULL. */
const char *dimse_pdu_type_to_string (guint8 type);
const char *dimse_item_type_to_string (guint8 type);
const char *dimse_presentation_context_result_to_string (guint8 result);
const char *dimse_rj_result_to_string (guint8 result);
const char *dimse_rj_source_to_string (guint8 source);
const char *dimse_rj_reason_to_string (guint8 source, guint8 reason);
const char *dimse_abort_source_to_string (guint8 source);
const char *dimse_abort_reason_to_string (guint8 reason);
const char *dimse_user_identity_type_to_string (guint8 type);
/* "Rejected Permanent, Service User, Called AE Title Not Recognized" */
char       *dimse_associate_rj_describe (const DimseAssociateRj *rj);
/* "Service Provider, Unexpected PDU" */
char       *dimse_abort_describe (const DimseAbort *pdu_abort);
/* Multi-line human text of any decoded PDU (for logs and the recorder). */
char       *dimse_pdu_to_string (const DimsePdu *pdu);

G_END_DECLS
