/* dimse-negotiation-private.h — helpers shared by the requestor and
 * acceptor halves of dimse-negotiation */
#pragma once

#include "dimse-negotiation.h"

G_BEGIN_DECLS

DimseNegotiationResult *dimse_negotiation_result_new (const DimseAssociate *rq,
                                                      gboolean local_is_requestor);
DimseNegotiatedContext *dimse_negotiated_context_add (DimseNegotiationResult *result,
                                                      const DimsePresentationContext *proposed);
DimseUserIdentity      *dimse_negotiation_copy_user_identity (const DimseUserIdentity *identity);

/* Both look items up by SOP class UID in a user information item (may be NULL). */
const DimseRoleSelection       *dimse_negotiation_find_role_selection (const DimseUserInfo *info,
                                                                       const char *sop_class_uid);
const DimseExtendedNegotiation *dimse_negotiation_find_extended (const DimseUserInfo *info,
                                                                 const char *sop_class_uid);

/* The other side's roles given the requestor's (PS3.7 §D.3.3.4). */
DimseRole               dimse_negotiation_counterpart_roles (DimseRole roles);

/* Minimum of two window values where 0 means unlimited (PS3.7 §D.3.3.3). */
guint16                 dimse_negotiation_window_min (guint16 a, guint16 b);

G_END_DECLS
