/* dimse-negotiation.h — association negotiation of PS3.7 Annex D and
 * PS3.8 §7.1 as pure functions: build the A-ASSOCIATE-RQ a requestor sends,
 * read the -AC it gets back, and answer an -RQ as an acceptor with an -AC or
 * -RJ. No I/O; the association and transport code feed PDUs in and send the
 * PDUs that come out. */
#pragma once

#include <glib.h>

#include "dimse-pdu.h"

G_BEGIN_DECLS

/* PS3.8 §9.3.2.2: presentation context IDs are odd, 1 to 255. */
#define DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS 128
#define DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH (128 * 1024)

/* Roles for a SOP class (PS3.7 §D.3.3.4). As flags: SCU, SCP or both.
 * In a proposal, DIMSE_ROLE_DEFAULT means "send no SCP/SCU Role Selection
 * item", so the default roles apply: the requestor is SCU, the acceptor SCP.
 * In a negotiated context, 0 means the side has no role (rejected context). */
typedef enum {
  DIMSE_ROLE_DEFAULT = 0,
  DIMSE_ROLE_SCU     = 1 << 0,
  DIMSE_ROLE_SCP     = 1 << 1,
  DIMSE_ROLE_BOTH    = DIMSE_ROLE_SCU | DIMSE_ROLE_SCP,
} DimseRole;

/* ---- Requestor side ---------------------------------------------------- */

typedef struct {
  char       *abstract_syntax;
  GPtrArray  *transfer_syntaxes;       /* char*, in order of preference */
  DimseRole   roles;                   /* the requestor's roles to propose */
  GBytes     *extended_negotiation;    /* SOP Class Extended Negotiation, or NULL */
  char       *service_class_uid;       /* SOP Class Common Extended Negotiation, or NULL */
  GPtrArray  *related_general_sop_class_uids;  /* char*, empty unless set */
} DimseProposedContext;

typedef struct {
  char       *calling_ae_title;
  char       *called_ae_title;
  guint32     max_pdu_length;            /* ours; PS3.8 §D.1: 0 = no maximum */
  char       *implementation_class_uid;
  char       *implementation_version_name;  /* NULL to omit */
  /* PS3.7 §D.3.3.3: ours as requestor; 0 = unlimited. The item is sent
   * only when the window is not 1/1 (the default, synchronous). */
  guint16     max_operations_invoked;
  guint16     max_operations_performed;
  GPtrArray  *contexts;                  /* DimseProposedContext* */
  DimseUserIdentity *user_identity;      /* NULL: no User Identity item */
  /* The largest A-ASSOCIATE-AC (PDU length) read in answer; a longer one
   * is answered with A-ABORT before its body is read. 0 (the default) =
   * DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH, 64 KiB. */
  guint32     max_associate_ac_length;
} DimseAssociationParams;

/* Defaults: max PDU DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH, the project's
 * implementation class UID and version name, window 1/1, no contexts. */
DimseAssociationParams *dimse_association_params_new (const char *calling_ae_title,
                                                      const char *called_ae_title);
void dimse_association_params_free (DimseAssociationParams *params);

/* Appends a context. transfer_syntaxes is NULL-terminated; NULL proposes
 * Explicit VR Little Endian, Implicit VR Little Endian and Explicit VR Big
 * Endian. The returned context belongs to params (set its optional fields). */
DimseProposedContext *dimse_association_params_add_context (DimseAssociationParams *params,
                                                            const char *abstract_syntax,
                                                            const char *const *transfer_syntaxes,
                                                            DimseRole roles);
/* Takes copies of the fields; secondary_field may be NULL. */
void dimse_association_params_set_user_identity (DimseAssociationParams *params,
                                                 DimseUserIdentityType type,
                                                 GBytes *primary_field,
                                                 GBytes *secondary_field,
                                                 gboolean positive_response_requested);

/* The A-ASSOCIATE-RQ for params, contexts numbered 1, 3, 5 … in order; all
 * contexts for the same abstract syntax share one Role Selection and one
 * Extended Negotiation item (the first context's). Fails with
 * DIMSE_ERROR_LIMIT over 128 contexts, DIMSE_ERROR_PDU_INVALID for no
 * context, a context without transfer syntaxes, or a missing AE title. */
DimsePdu *dimse_negotiation_build_rq (const DimseAssociationParams *params, GError **error);

/* ---- The outcome, on either side --------------------------------------- */

typedef struct {
  guint8     id;
  char      *abstract_syntax;
  char      *transfer_syntax;          /* accepted; NULL unless result is acceptance */
  guint8     result;                   /* DimsePresentationContextResult */
  DimseRole  requestor_roles;          /* agreed; 0 on a rejected context */
  DimseRole  acceptor_roles;
} DimseNegotiatedContext;

typedef struct {
  gboolean   local_is_requestor;
  gboolean   accepted;                 /* FALSE: an -RJ, see rejection */
  DimseAssociateRj rejection;
  char      *calling_ae_title;
  char      *called_ae_title;
  GPtrArray *contexts;                 /* DimseNegotiatedContext*, in -RQ order */
  guint32    local_max_pdu_length;     /* what we receive; 0 = no maximum */
  guint32    peer_max_pdu_length;      /* what we may send; 0 = no maximum */
  char      *peer_implementation_class_uid;
  char      *peer_implementation_version_name;  /* NULL when absent */
  /* The agreed window from the local side's view (PS3.7 §D.3.3.3): how
   * many operations we may have outstanding, and how many the peer may
   * have us perform at once. 1/1 without negotiation; 0 = unlimited. */
  guint16    max_operations_invoked;
  guint16    max_operations_performed;
  GPtrArray *extended_negotiations;    /* DimseExtendedNegotiation*: the acceptor's answers */
  DimseUserIdentity *user_identity;    /* the requestor's, or NULL */
  GBytes    *user_identity_server_response;  /* the acceptor's, or NULL */
} DimseNegotiationResult;

void dimse_negotiation_result_free (DimseNegotiationResult *result);

/* The accepted context for abstract_syntax on which the local side may act
 * in role (DIMSE_ROLE_DEFAULT: any role), with transfer_syntax if not NULL;
 * the first in -RQ order. 0 when there is none. */
guint8 dimse_negotiation_result_find_context (const DimseNegotiationResult *result,
                                              const char *abstract_syntax,
                                              const char *transfer_syntax,
                                              DimseRole role);
/* The context with this ID (accepted or not), or NULL. */
const DimseNegotiatedContext *dimse_negotiation_result_get_context (
  const DimseNegotiationResult *result, guint8 id);
/* The acceptor's SOP Class Extended Negotiation answer for a SOP class, or NULL. */
GBytes *dimse_negotiation_result_get_extended_negotiation (const DimseNegotiationResult *result,
                                                           const char *sop_class_uid);
/* Multi-line text: one line per context ("CT Image Storage: accepted with
 * Explicit VR Little Endian", "… rejected: transfer syntaxes not
 * supported"), then peer implementation, max PDU, window and roles. */
char *dimse_negotiation_result_describe (const DimseNegotiationResult *result);

/* Reads the peer's A-ASSOCIATE-AC against the -RQ we sent. Fails with
 * DIMSE_ERROR_PDU_INVALID when the -AC breaks the negotiation (a context ID
 * we did not propose or answered twice, an accepted transfer syntax we did
 * not propose, a role granted that we did not propose, an async window
 * larger than ours): the caller then sends an A-ABORT (service provider,
 * invalid PDU parameter value). Given an A-ASSOCIATE-RJ instead, fails with
 * DIMSE_ERROR_ASSOCIATION_REJECTED and its words. */
gboolean dimse_negotiation_parse_ac (const DimsePdu *rq,
                                     const DimsePdu *ac,
                                     DimseNegotiationResult **out,
                                     GError **error);

/* ---- Acceptor side ----------------------------------------------------- */

typedef struct _DimseAcceptorPolicy DimseAcceptorPolicy;

/* Decides on a User Identity (NULL when the -RQ carried none). Returns FALSE
 * to reject the association; may set *server_response (sent only when the
 * requestor asked for a positive response, PS3.7 §D.3.3.7.2). */
typedef gboolean (*DimseUserIdentityFunc) (const DimseUserIdentity *identity,
                                           GBytes **server_response,
                                           gpointer user_data);
/* Answers a SOP Class Extended Negotiation proposal; NULL for no answer. */
typedef GBytes  *(*DimseExtendedNegotiationFunc) (const char *sop_class_uid,
                                                  GBytes *proposed,
                                                  gpointer user_data);

/* Why to refuse every association for now (PS3.8 Table 9-21, source 3). */
typedef enum {
  DIMSE_REFUSAL_NONE = 0,
  DIMSE_REFUSAL_TEMPORARY_CONGESTION,
  DIMSE_REFUSAL_LOCAL_LIMIT_EXCEEDED,
} DimseRefusal;

/* An empty policy: accepts no SOP class. ae_title is the called AE title we
 * answer to (NULL: any); our max PDU DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH,
 * window 1/1, 128 contexts, any calling AE, default transfer syntaxes
 * Explicit VR LE, Implicit VR LE, Explicit VR BE (Deflated never). */
DimseAcceptorPolicy *dimse_acceptor_policy_new (const char *ae_title);
/* As new, accepting Verification and every storage SOP class of the
 * registry (retired ones too, for old modalities) as SCP. */
DimseAcceptorPolicy *dimse_acceptor_policy_new_default (const char *ae_title);
void                 dimse_acceptor_policy_free (DimseAcceptorPolicy *policy);

/* Another called AE title we answer to, besides the one given at new (after
 * new (NULL), the titles added are the only ones). */
void dimse_acceptor_policy_add_called_ae_title (DimseAcceptorPolicy *policy,
                                                const char *ae_title);
/* Restricts calling AEs to an allow-list; until the first call, any. */
void dimse_acceptor_policy_add_calling_ae_title (DimseAcceptorPolicy *policy,
                                                 const char *ae_title);
/* Accepts a SOP class in which we may act in acceptor_roles (our roles, not
 * the requestor's: SCP to serve it, SCU to invoke it on the requestor, as a
 * C-GET SCP does for storage; DIMSE_ROLE_DEFAULT means SCP). Replaces an
 * earlier entry. */
void dimse_acceptor_policy_add_sop_class (DimseAcceptorPolicy *policy,
                                          const char *sop_class_uid,
                                          DimseRole acceptor_roles);
void dimse_acceptor_policy_remove_sop_class (DimseAcceptorPolicy *policy,
                                             const char *sop_class_uid);
/* Transfer syntaxes in order of our preference (NULL-terminated), for one
 * SOP class, or for all without their own list when sop_class_uid is NULL. */
void dimse_acceptor_policy_set_transfer_syntaxes (DimseAcceptorPolicy *policy,
                                                  const char *sop_class_uid,
                                                  const char *const *transfer_syntaxes);
/* A fixed SOP Class Extended Negotiation answer for a SOP class (NULL: none),
 * used when no function is set. */
void dimse_acceptor_policy_set_extended_negotiation (DimseAcceptorPolicy *policy,
                                                     const char *sop_class_uid,
                                                     GBytes *answer);
void dimse_acceptor_policy_set_extended_negotiation_func (DimseAcceptorPolicy *policy,
                                                          DimseExtendedNegotiationFunc func,
                                                          gpointer user_data,
                                                          GDestroyNotify destroy);
void dimse_acceptor_policy_set_user_identity_func (DimseAcceptorPolicy *policy,
                                                   DimseUserIdentityFunc func,
                                                   gpointer user_data,
                                                   GDestroyNotify destroy);
/* Our own window (operations we invoke, we perform); 0 = unlimited. */
void dimse_acceptor_policy_set_async_window (DimseAcceptorPolicy *policy,
                                             guint16 max_operations_invoked,
                                             guint16 max_operations_performed);
void dimse_acceptor_policy_set_max_pdu_length (DimseAcceptorPolicy *policy,
                                               guint32 max_pdu_length);
/* Contexts beyond this many in an -RQ are rejected (user rejection). */
void dimse_acceptor_policy_set_max_presentation_contexts (DimseAcceptorPolicy *policy,
                                                          guint max_contexts);
void dimse_acceptor_policy_set_implementation (DimseAcceptorPolicy *policy,
                                               const char *class_uid,
                                               const char *version_name);
/* While not NONE, every -RQ is answered with a transient -RJ. */
void dimse_acceptor_policy_set_refusal (DimseAcceptorPolicy *policy,
                                        DimseRefusal refusal);

/* ---- Users for User Identity Negotiation (PS3.7 §D.3.3.7) ------------ */

typedef struct _DimseUserList DimseUserList;

DimseUserList *dimse_user_list_new (void);
/* Lines "username:passcode" (a line without a colon: the username alone,
 * user identity type 1; # starts a comment), or JSON: an array of
 * {"username", "passcode"} objects, alone or as the member "users". Fails
 * (G_IO_ERROR_INVALID_DATA) naming origin and the line, never a passcode. */
DimseUserList *dimse_user_list_new_from_data (const char *text, gsize length,
                                              const char *origin, GError **error);
DimseUserList *dimse_user_list_new_from_file (const char *path, GError **error);
void           dimse_user_list_free (DimseUserList *list);
/* passcode NULL: the username alone identifies. Replaces an earlier entry. */
void           dimse_user_list_add (DimseUserList *list, const char *username,
                                    const char *passcode);
guint          dimse_user_list_get_n_users (const DimseUserList *list);
/* TRUE for a listed username with its passcode (compared in constant time)
 * or, for a user listed without one, the username alone; FALSE for no
 * identity, any other identity type, or anything else. */
gboolean       dimse_user_list_verify (const DimseUserList *list,
                                       const DimseUserIdentity *identity);
/* Checks every requestor against list (taken over; NULL: none). A refused
 * identity gets a permanent A-ASSOCIATE-RJ from the ACSE service-provider. */
void           dimse_acceptor_policy_set_user_list (DimseAcceptorPolicy *policy,
                                                    DimseUserList *list);

/* Answers an A-ASSOCIATE-RQ: *out_reply is an A-ASSOCIATE-AC or -RJ and
 * *out_result what was agreed (accepted FALSE with the rejection for an
 * -RJ). Fails (DIMSE_ERROR_PDU_UNEXPECTED) only when rq is not an -RQ. */
gboolean dimse_negotiation_accept (const DimseAcceptorPolicy *policy,
                                   const DimsePdu *rq,
                                   DimseNegotiationResult **out_result,
                                   DimsePdu **out_reply,
                                   GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseAssociationParams, dimse_association_params_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseNegotiationResult, dimse_negotiation_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseAcceptorPolicy, dimse_acceptor_policy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseUserList, dimse_user_list_free)

G_END_DECLS
