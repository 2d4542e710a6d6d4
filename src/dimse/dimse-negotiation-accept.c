/* dimse-negotiation-accept.c — the acceptor's half of PS3.7 Annex D: a
 * policy, and the A-ASSOCIATE-AC or -RJ (PS3.8 §9.3.3, §9.3.4) it gives an
 * A-ASSOCIATE-RQ */
#include "config.h"

#include "dimse-negotiation-private.h"

#include "dcm-uid.h"
#include "dimse-error.h"

struct _DimseAcceptorPolicy {
  GPtrArray   *called_ae_titles;      /* char*; empty: any */
  GPtrArray   *calling_ae_titles;     /* char*; empty: any */
  GHashTable  *sop_classes;           /* uid → GUINT_TO_POINTER (our DimseRole) */
  GHashTable  *transfer_syntaxes;     /* uid → GStrv */
  GStrv        default_transfer_syntaxes;
  GHashTable  *extended_answers;      /* uid → GBytes* */
  DimseExtendedNegotiationFunc extended_func;
  gpointer     extended_data;
  GDestroyNotify extended_destroy;
  DimseUserIdentityFunc identity_func;
  gpointer     identity_data;
  GDestroyNotify identity_destroy;
  guint16      max_operations_invoked;
  guint16      max_operations_performed;
  guint32      max_pdu_length;
  guint        max_contexts;
  char        *implementation_class_uid;
  char        *implementation_version_name;
  DimseRefusal refusal;
};

/* Deflate costs both sides CPU for little gain on a LAN, so it is only
 * chosen when a policy lists it. */
static const char *const default_transfer_syntaxes[] = {
  DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_EXPLICIT_VR_BIG_ENDIAN,
  NULL,
};

/* ---- the policy ---- */

DimseAcceptorPolicy *
dimse_acceptor_policy_new (const char *ae_title)
{
  DimseAcceptorPolicy *policy = g_new0 (DimseAcceptorPolicy, 1);

  policy->called_ae_titles = g_ptr_array_new_with_free_func (g_free);
  policy->calling_ae_titles = g_ptr_array_new_with_free_func (g_free);
  if (ae_title != NULL)
    g_ptr_array_add (policy->called_ae_titles, g_strdup (ae_title));
  policy->sop_classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  policy->transfer_syntaxes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify) g_strfreev);
  policy->default_transfer_syntaxes = g_strdupv ((char **) default_transfer_syntaxes);
  policy->extended_answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) g_bytes_unref);
  policy->max_operations_invoked = 1;
  policy->max_operations_performed = 1;
  policy->max_pdu_length = DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH;
  policy->max_contexts = DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS;
  policy->implementation_class_uid = g_strdup (DCM_IMPLEMENTATION_CLASS_UID);
  policy->implementation_version_name = g_strdup (DCM_IMPLEMENTATION_VERSION_NAME);
  return policy;
}

DimseAcceptorPolicy *
dimse_acceptor_policy_new_default (const char *ae_title)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new (ae_title);

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);
      if (entry->storage)
        dimse_acceptor_policy_add_sop_class (policy, entry->uid, DIMSE_ROLE_SCP);
    }
  return policy;
}

void
dimse_acceptor_policy_free (DimseAcceptorPolicy *policy)
{
  if (policy == NULL)
    return;
  g_ptr_array_unref (policy->called_ae_titles);
  g_ptr_array_unref (policy->calling_ae_titles);
  g_hash_table_unref (policy->sop_classes);
  g_hash_table_unref (policy->transfer_syntaxes);
  g_strfreev (policy->default_transfer_syntaxes);
  g_hash_table_unref (policy->extended_answers);
  if (policy->extended_destroy != NULL)
    policy->extended_destroy (policy->extended_data);
  if (policy->identity_destroy != NULL)
    policy->identity_destroy (policy->identity_data);
  g_free (policy->implementation_class_uid);
  g_free (policy->implementation_version_name);
  g_free (policy);
}

void
dimse_acceptor_policy_add_called_ae_title (DimseAcceptorPolicy *policy, const char *ae_title)
{
  g_return_if_fail (policy != NULL && ae_title != NULL);
  g_ptr_array_add (policy->called_ae_titles, g_strdup (ae_title));
}

void
dimse_acceptor_policy_add_calling_ae_title (DimseAcceptorPolicy *policy, const char *ae_title)
{
  g_return_if_fail (policy != NULL && ae_title != NULL);
  g_ptr_array_add (policy->calling_ae_titles, g_strdup (ae_title));
}

void
dimse_acceptor_policy_add_sop_class (DimseAcceptorPolicy *policy, const char *sop_class_uid,
                                     DimseRole acceptor_roles)
{
  g_return_if_fail (policy != NULL && sop_class_uid != NULL);
  if (acceptor_roles == DIMSE_ROLE_DEFAULT)
    acceptor_roles = DIMSE_ROLE_SCP;
  g_hash_table_insert (policy->sop_classes, g_strdup (sop_class_uid),
                       GUINT_TO_POINTER (acceptor_roles));
}

void
dimse_acceptor_policy_remove_sop_class (DimseAcceptorPolicy *policy, const char *sop_class_uid)
{
  g_return_if_fail (policy != NULL && sop_class_uid != NULL);
  g_hash_table_remove (policy->sop_classes, sop_class_uid);
}

void
dimse_acceptor_policy_set_transfer_syntaxes (DimseAcceptorPolicy *policy,
                                             const char *sop_class_uid,
                                             const char *const *transfer_syntaxes)
{
  g_return_if_fail (policy != NULL && transfer_syntaxes != NULL);
  if (sop_class_uid == NULL)
    {
      g_strfreev (policy->default_transfer_syntaxes);
      policy->default_transfer_syntaxes = g_strdupv ((char **) transfer_syntaxes);
      return;
    }
  g_hash_table_insert (policy->transfer_syntaxes, g_strdup (sop_class_uid),
                       g_strdupv ((char **) transfer_syntaxes));
}

void
dimse_acceptor_policy_set_extended_negotiation (DimseAcceptorPolicy *policy,
                                                const char *sop_class_uid, GBytes *answer)
{
  g_return_if_fail (policy != NULL && sop_class_uid != NULL);
  if (answer == NULL)
    g_hash_table_remove (policy->extended_answers, sop_class_uid);
  else
    g_hash_table_insert (policy->extended_answers, g_strdup (sop_class_uid),
                         g_bytes_ref (answer));
}

void
dimse_acceptor_policy_set_extended_negotiation_func (DimseAcceptorPolicy *policy,
                                                     DimseExtendedNegotiationFunc func,
                                                     gpointer user_data,
                                                     GDestroyNotify destroy)
{
  g_return_if_fail (policy != NULL);
  if (policy->extended_destroy != NULL)
    policy->extended_destroy (policy->extended_data);
  policy->extended_func = func;
  policy->extended_data = user_data;
  policy->extended_destroy = destroy;
}

void
dimse_acceptor_policy_set_user_identity_func (DimseAcceptorPolicy *policy,
                                              DimseUserIdentityFunc func,
                                              gpointer user_data,
                                              GDestroyNotify destroy)
{
  g_return_if_fail (policy != NULL);
  if (policy->identity_destroy != NULL)
    policy->identity_destroy (policy->identity_data);
  policy->identity_func = func;
  policy->identity_data = user_data;
  policy->identity_destroy = destroy;
}

void
dimse_acceptor_policy_set_async_window (DimseAcceptorPolicy *policy,
                                        guint16 max_operations_invoked,
                                        guint16 max_operations_performed)
{
  g_return_if_fail (policy != NULL);
  policy->max_operations_invoked = max_operations_invoked;
  policy->max_operations_performed = max_operations_performed;
}

void
dimse_acceptor_policy_set_max_pdu_length (DimseAcceptorPolicy *policy, guint32 max_pdu_length)
{
  g_return_if_fail (policy != NULL);
  policy->max_pdu_length = max_pdu_length;
}

void
dimse_acceptor_policy_set_max_presentation_contexts (DimseAcceptorPolicy *policy,
                                                     guint max_contexts)
{
  g_return_if_fail (policy != NULL);
  policy->max_contexts = max_contexts;
}

void
dimse_acceptor_policy_set_implementation (DimseAcceptorPolicy *policy, const char *class_uid,
                                          const char *version_name)
{
  g_return_if_fail (policy != NULL && class_uid != NULL);
  g_free (policy->implementation_class_uid);
  g_free (policy->implementation_version_name);
  policy->implementation_class_uid = g_strdup (class_uid);
  policy->implementation_version_name = g_strdup (version_name);
}

void
dimse_acceptor_policy_set_refusal (DimseAcceptorPolicy *policy, DimseRefusal refusal)
{
  g_return_if_fail (policy != NULL);
  policy->refusal = refusal;
}

/* ---- A-ASSOCIATE-RJ: PS3.8 Table 9-21 ---- */

static gboolean
title_allowed (GPtrArray *titles, const char *title)
{
  if (titles->len == 0)
    return TRUE;
  for (guint i = 0; i < titles->len; i++)
    if (g_strcmp0 (titles->pdata[i], title) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
identity_accepted (const DimseAcceptorPolicy *policy, const DimseAssociate *rq,
                   GBytes **server_response)
{
  const DimseUserIdentity *identity = rq->user_info != NULL ? rq->user_info->user_identity : NULL;

  if (policy->identity_func == NULL)
    return TRUE;
  return policy->identity_func (identity, server_response, policy->identity_data);
}

static void
set_rj (DimseAssociateRj *rj, guint8 result, guint8 source, guint8 reason)
{
  rj->result = result;
  rj->source = source;
  rj->reason = reason;
}

/* The checks run from the provider's outwards: a busy or incompatible peer
 * is refused before its AE titles or user are looked at. */
static gboolean
find_rejection (const DimseAcceptorPolicy *policy, const DimseAssociate *rq,
                GBytes **server_response, DimseAssociateRj *rj)
{
  if (policy->refusal != DIMSE_REFUSAL_NONE)
    set_rj (rj, DIMSE_RJ_RESULT_TRANSIENT, DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION,
            policy->refusal == DIMSE_REFUSAL_TEMPORARY_CONGESTION
            ? DIMSE_RJ_REASON_TEMPORARY_CONGESTION : DIMSE_RJ_REASON_LOCAL_LIMIT_EXCEEDED);
  /* PS3.8 §9.3.2: version 1 is bit 0; other bits are for versions to come. */
  else if ((rq->protocol_version & DIMSE_PROTOCOL_VERSION) == 0)
    set_rj (rj, DIMSE_RJ_RESULT_PERMANENT, DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE,
            DIMSE_RJ_REASON_PROTOCOL_VERSION_NOT_SUPPORTED);
  else if (g_strcmp0 (rq->application_context_name, DIMSE_APPLICATION_CONTEXT_NAME) != 0)
    set_rj (rj, DIMSE_RJ_RESULT_PERMANENT, DIMSE_RJ_SOURCE_SERVICE_USER,
            DIMSE_RJ_REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED);
  else if (!title_allowed (policy->called_ae_titles, rq->called_ae_title))
    set_rj (rj, DIMSE_RJ_RESULT_PERMANENT, DIMSE_RJ_SOURCE_SERVICE_USER,
            DIMSE_RJ_REASON_CALLED_AE_TITLE_NOT_RECOGNIZED);
  else if (!title_allowed (policy->calling_ae_titles, rq->calling_ae_title))
    set_rj (rj, DIMSE_RJ_RESULT_PERMANENT, DIMSE_RJ_SOURCE_SERVICE_USER,
            DIMSE_RJ_REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
  /* A refused identity (PS3.7 §D.3.3.7) is refused by the provider's
   * ACSE function, whose only reason besides the protocol version is
   * no-reason-given (PS3.8 Table 9-21): the requestor learns no more. */
  else if (!identity_accepted (policy, rq, server_response))
    set_rj (rj, DIMSE_RJ_RESULT_PERMANENT, DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE,
            DIMSE_RJ_REASON_NO_REASON_GIVEN);
  else
    return FALSE;
  return TRUE;
}

/* ---- presentation contexts ---- */

static const char *
choose_transfer_syntax (const DimseAcceptorPolicy *policy, const DimsePresentationContext *pc)
{
  char **ours = g_hash_table_lookup (policy->transfer_syntaxes, pc->abstract_syntax);

  if (ours == NULL)
    ours = policy->default_transfer_syntaxes;
  for (guint i = 0; ours[i] != NULL; i++)
    for (guint t = 0; t < pc->transfer_syntaxes->len; t++)
      if (g_strcmp0 (ours[i], pc->transfer_syntaxes->pdata[t]) == 0)
        return ours[i];
  return NULL;
}

/* PS3.7 §D.3.3.4: the requestor gets each role it proposed (SCU without a
 * Role Selection item) whose counterpart we can play. */
static DimseRole
grant_roles (const DimseAssociate *rq, const char *sop_class_uid, DimseRole ours)
{
  const DimseRoleSelection *rs = dimse_negotiation_find_role_selection (rq->user_info,
                                                                       sop_class_uid);
  DimseRole proposed = DIMSE_ROLE_SCU;

  if (rs != NULL)
    proposed = (rs->scu_role ? DIMSE_ROLE_SCU : 0) | (rs->scp_role ? DIMSE_ROLE_SCP : 0);
  return proposed & dimse_negotiation_counterpart_roles (ours);
}

static void
decide_context (const DimseAcceptorPolicy *policy, const DimseAssociate *rq, guint position,
                DimseNegotiatedContext *nc)
{
  const DimsePresentationContext *pc = rq->presentation_contexts->pdata[position];
  gpointer ours = NULL;
  const char *ts;
  DimseRole granted;

  if (position >= policy->max_contexts)
    {
      nc->result = DIMSE_PRESENTATION_CONTEXT_USER_REJECTION;
      return;
    }
  if (pc->abstract_syntax == NULL
      || !g_hash_table_lookup_extended (policy->sop_classes, pc->abstract_syntax, NULL, &ours))
    {
      nc->result = DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED;
      return;
    }
  ts = choose_transfer_syntax (policy, pc);
  if (ts == NULL)
    {
      nc->result = DIMSE_PRESENTATION_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED;
      return;
    }
  granted = grant_roles (rq, pc->abstract_syntax, GPOINTER_TO_UINT (ours));
  if (granted == DIMSE_ROLE_DEFAULT)
    {
      nc->result = DIMSE_PRESENTATION_CONTEXT_USER_REJECTION;
      return;
    }
  nc->result = DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE;
  nc->transfer_syntax = g_strdup (ts);
  nc->requestor_roles = granted;
  nc->acceptor_roles = dimse_negotiation_counterpart_roles (granted);
}

static DimsePresentationContext *
answer_context (const DimsePresentationContext *pc, const DimseNegotiatedContext *nc)
{
  DimsePresentationContext *answer = dimse_presentation_context_new (pc->id, NULL);

  answer->result = nc->result;
  /* PS3.8 §9.3.3.2: the sub-item is present but not significant when the
   * context is rejected; the first proposed syntax is as good as any. */
  if (nc->transfer_syntax != NULL)
    g_ptr_array_add (answer->transfer_syntaxes, g_strdup (nc->transfer_syntax));
  else if (pc->transfer_syntaxes->len > 0)
    g_ptr_array_add (answer->transfer_syntaxes, g_strdup (pc->transfer_syntaxes->pdata[0]));
  else
    g_ptr_array_add (answer->transfer_syntaxes, g_strdup (DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN));
  return answer;
}

static const DimseNegotiatedContext *
find_accepted (const DimseNegotiationResult *result, const char *sop_class_uid)
{
  for (guint i = 0; i < result->contexts->len; i++)
    {
      const DimseNegotiatedContext *nc = result->contexts->pdata[i];
      if (nc->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE
          && g_strcmp0 (nc->abstract_syntax, sop_class_uid) == 0)
        return nc;
    }
  return NULL;
}

/* ---- user information ---- */

static void
answer_roles (const DimseUserInfo *rq_info, const DimseNegotiationResult *result,
              DimseUserInfo *info)
{
  for (guint i = 0; i < rq_info->role_selections->len; i++)
    {
      const DimseRoleSelection *rs = rq_info->role_selections->pdata[i];
      const DimseNegotiatedContext *nc = find_accepted (result, rs->sop_class_uid);

      if (nc == NULL || dimse_negotiation_find_role_selection (info, rs->sop_class_uid) != NULL)
        continue;
      g_ptr_array_add (info->role_selections,
                       dimse_role_selection_new (rs->sop_class_uid,
                                                 (nc->requestor_roles & DIMSE_ROLE_SCU) != 0,
                                                 (nc->requestor_roles & DIMSE_ROLE_SCP) != 0));
    }
}

/* PS3.7 §D.3.3.3: we invoke at most what the requestor performs and
 * perform at most what it invokes. */
static void
answer_window (const DimseAcceptorPolicy *policy, const DimseUserInfo *rq_info,
               DimseUserInfo *info, DimseNegotiationResult *result)
{
  if (!rq_info->has_async_ops_window)
    return;
  info->has_async_ops_window = TRUE;
  info->max_operations_invoked = dimse_negotiation_window_min (rq_info->max_operations_performed,
                                                               policy->max_operations_invoked);
  info->max_operations_performed = dimse_negotiation_window_min (rq_info->max_operations_invoked,
                                                                 policy->max_operations_performed);
  result->max_operations_invoked = info->max_operations_invoked;
  result->max_operations_performed = info->max_operations_performed;
}

static GBytes *
extended_answer (const DimseAcceptorPolicy *policy, const DimseExtendedNegotiation *en)
{
  GBytes *fixed;

  if (policy->extended_func != NULL)
    return policy->extended_func (en->sop_class_uid, en->service_class_application_information,
                                  policy->extended_data);
  fixed = g_hash_table_lookup (policy->extended_answers, en->sop_class_uid);
  return fixed != NULL ? g_bytes_ref (fixed) : NULL;
}

static void
answer_extended (const DimseAcceptorPolicy *policy, const DimseUserInfo *rq_info,
                 DimseUserInfo *info, DimseNegotiationResult *result)
{
  for (guint i = 0; i < rq_info->extended_negotiations->len; i++)
    {
      const DimseExtendedNegotiation *en = rq_info->extended_negotiations->pdata[i];
      g_autoptr (GBytes) answer = NULL;

      if (find_accepted (result, en->sop_class_uid) == NULL
          || dimse_negotiation_find_extended (info, en->sop_class_uid) != NULL)
        continue;
      answer = extended_answer (policy, en);
      if (answer == NULL)
        continue;
      g_ptr_array_add (info->extended_negotiations,
                       dimse_extended_negotiation_new (en->sop_class_uid, answer));
      g_ptr_array_add (result->extended_negotiations,
                       dimse_extended_negotiation_new (en->sop_class_uid, answer));
    }
}

/* PS3.7 §D.3.3.7.2: the -AC carries a response only when one was asked
 * for and the identity was checked, empty for a username alone. */
static void
answer_identity (const DimseAcceptorPolicy *policy, const DimseUserInfo *rq_info,
                 GBytes *server_response, DimseUserInfo *info, DimseNegotiationResult *result)
{
  if (policy->identity_func == NULL || rq_info->user_identity == NULL
      || !rq_info->user_identity->positive_response_requested)
    return;
  info->user_identity_server_response = server_response != NULL ? g_bytes_ref (server_response)
                                                                 : g_bytes_new (NULL, 0);
  result->user_identity_server_response = g_bytes_ref (info->user_identity_server_response);
}

static DimseUserInfo *
answer_user_info (const DimseAcceptorPolicy *policy, const DimseAssociate *rq,
                  GBytes *server_response, DimseNegotiationResult *result)
{
  DimseUserInfo *info = dimse_user_info_new ();
  const DimseUserInfo *rq_info = rq->user_info;

  info->has_max_pdu_length = TRUE;
  info->max_pdu_length = policy->max_pdu_length;
  info->implementation_class_uid = g_strdup (policy->implementation_class_uid);
  info->implementation_version_name = g_strdup (policy->implementation_version_name);
  result->local_max_pdu_length = policy->max_pdu_length;
  if (rq_info == NULL)
    return info;
  if (rq_info->has_max_pdu_length)
    result->peer_max_pdu_length = rq_info->max_pdu_length;
  result->peer_implementation_class_uid = g_strdup (rq_info->implementation_class_uid);
  result->peer_implementation_version_name = g_strdup (rq_info->implementation_version_name);
  answer_roles (rq_info, result, info);
  answer_window (policy, rq_info, info, result);
  answer_extended (policy, rq_info, info, result);
  answer_identity (policy, rq_info, server_response, info, result);
  return info;
}

static DimsePdu *
build_ac (const DimseAcceptorPolicy *policy, const DimseAssociate *rq,
          GBytes *server_response, DimseNegotiationResult *result)
{
  DimsePdu *pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_AC);
  DimseAssociate *ac = pdu->associate;

  /* PS3.8 §9.3.3: the AE titles are echoed, not checked, by the requestor. */
  ac->called_ae_title = g_strdup (rq->called_ae_title);
  ac->calling_ae_title = g_strdup (rq->calling_ae_title);
  for (guint i = 0; i < rq->presentation_contexts->len; i++)
    {
      const DimsePresentationContext *pc = rq->presentation_contexts->pdata[i];
      DimseNegotiatedContext *nc = dimse_negotiated_context_add (result, pc);

      decide_context (policy, rq, i, nc);
      g_ptr_array_add (ac->presentation_contexts, answer_context (pc, nc));
    }
  ac->user_info = answer_user_info (policy, rq, server_response, result);
  return pdu;
}

gboolean
dimse_negotiation_accept (const DimseAcceptorPolicy *policy, const DimsePdu *rq,
                          DimseNegotiationResult **out_result, DimsePdu **out_reply,
                          GError **error)
{
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autoptr (GBytes) server_response = NULL;
  DimseAssociateRj rj = { 0 };

  g_return_val_if_fail (policy != NULL && rq != NULL, FALSE);
  g_return_val_if_fail (out_result != NULL && out_reply != NULL, FALSE);
  if (rq->type != DIMSE_PDU_ASSOCIATE_RQ)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED,
                   "An association can only be negotiated from an A-ASSOCIATE-RQ, not an %s.",
                   dimse_pdu_type_to_string (rq->type));
      return FALSE;
    }
  result = dimse_negotiation_result_new (rq->associate, FALSE);
  if (find_rejection (policy, rq->associate, &server_response, &rj))
    {
      result->accepted = FALSE;
      result->rejection = rj;
      *out_reply = dimse_pdu_new_associate_rj (rj.result, rj.source, rj.reason);
    }
  else
    *out_reply = build_ac (policy, rq->associate, server_response, result);
  *out_result = g_steal_pointer (&result);
  return TRUE;
}
