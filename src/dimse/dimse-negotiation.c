/* dimse-negotiation.c — the requestor's half of PS3.7 Annex D: the proposal,
 * the A-ASSOCIATE-RQ built from it, and the reading of the -AC; plus the
 * negotiation result both halves produce */
#include "config.h"

#include "dimse-negotiation-private.h"

#include "dcm-uid.h"
#include "dimse-error.h"

static const char *const default_transfer_syntaxes[] = {
  DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_EXPLICIT_VR_BIG_ENDIAN,
  NULL,
};

/* ---- the proposal ---- */

static void
proposed_context_free (DimseProposedContext *pc)
{
  g_free (pc->abstract_syntax);
  g_ptr_array_unref (pc->transfer_syntaxes);
  g_clear_pointer (&pc->extended_negotiation, g_bytes_unref);
  g_free (pc->service_class_uid);
  g_ptr_array_unref (pc->related_general_sop_class_uids);
  g_free (pc);
}

DimseAssociationParams *
dimse_association_params_new (const char *calling_ae_title, const char *called_ae_title)
{
  DimseAssociationParams *params = g_new0 (DimseAssociationParams, 1);

  params->calling_ae_title = g_strdup (calling_ae_title);
  params->called_ae_title = g_strdup (called_ae_title);
  params->max_pdu_length = DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH;
  params->implementation_class_uid = g_strdup (DCM_IMPLEMENTATION_CLASS_UID);
  params->implementation_version_name = g_strdup (DCM_IMPLEMENTATION_VERSION_NAME);
  params->max_operations_invoked = 1;
  params->max_operations_performed = 1;
  params->contexts = g_ptr_array_new_with_free_func ((GDestroyNotify) proposed_context_free);
  return params;
}

void
dimse_association_params_free (DimseAssociationParams *params)
{
  if (params == NULL)
    return;
  g_free (params->calling_ae_title);
  g_free (params->called_ae_title);
  g_free (params->implementation_class_uid);
  g_free (params->implementation_version_name);
  g_ptr_array_unref (params->contexts);
  dimse_user_identity_free (params->user_identity);
  g_free (params);
}

DimseProposedContext *
dimse_association_params_add_context (DimseAssociationParams *params,
                                      const char *abstract_syntax,
                                      const char *const *transfer_syntaxes,
                                      DimseRole roles)
{
  DimseProposedContext *pc = g_new0 (DimseProposedContext, 1);

  g_return_val_if_fail (params != NULL && abstract_syntax != NULL, NULL);
  if (transfer_syntaxes == NULL)
    transfer_syntaxes = default_transfer_syntaxes;
  pc->abstract_syntax = g_strdup (abstract_syntax);
  pc->transfer_syntaxes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; transfer_syntaxes[i] != NULL; i++)
    g_ptr_array_add (pc->transfer_syntaxes, g_strdup (transfer_syntaxes[i]));
  pc->roles = roles;
  pc->related_general_sop_class_uids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (params->contexts, pc);
  return pc;
}

void
dimse_association_params_set_user_identity (DimseAssociationParams *params,
                                            DimseUserIdentityType type,
                                            GBytes *primary_field,
                                            GBytes *secondary_field,
                                            gboolean positive_response_requested)
{
  dimse_user_identity_free (params->user_identity);
  params->user_identity = dimse_user_identity_new (type, positive_response_requested,
                                                   primary_field, secondary_field);
}

/* ---- building the A-ASSOCIATE-RQ ---- */

static gboolean
check_params (const DimseAssociationParams *params, GError **error)
{
  if (params->calling_ae_title == NULL || *params->calling_ae_title == '\0'
      || params->called_ae_title == NULL || *params->called_ae_title == '\0')
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID,
                   "An A-ASSOCIATE-RQ needs both a calling and a called AE title.");
      return FALSE;
    }
  if (params->contexts->len == 0)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID,
                   "An A-ASSOCIATE-RQ to %s needs at least one presentation context "
                   "(PS3.8 §9.3.2).", params->called_ae_title);
      return FALSE;
    }
  if (params->contexts->len > DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                   "%u presentation contexts were proposed to %s; odd IDs from 1 to 255 "
                   "allow at most %d (PS3.8 §9.3.2.2).", params->contexts->len,
                   params->called_ae_title, DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS);
      return FALSE;
    }
  for (guint i = 0; i < params->contexts->len; i++)
    {
      const DimseProposedContext *pc = params->contexts->pdata[i];
      if (pc->transfer_syntaxes->len == 0)
        {
          g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID,
                       "The presentation context for %s proposes no transfer syntax.",
                       dcm_uid_name (pc->abstract_syntax));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
seen_before (const DimseAssociationParams *params, guint position,
             gboolean (*has) (const DimseProposedContext *))
{
  const DimseProposedContext *pc = params->contexts->pdata[position];

  for (guint i = 0; i < position; i++)
    {
      const DimseProposedContext *earlier = params->contexts->pdata[i];
      if (g_strcmp0 (earlier->abstract_syntax, pc->abstract_syntax) == 0 && has (earlier))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_roles (const DimseProposedContext *pc)
{
  return pc->roles != DIMSE_ROLE_DEFAULT;
}

static gboolean
has_extended (const DimseProposedContext *pc)
{
  return pc->extended_negotiation != NULL;
}

static gboolean
has_common_extended (const DimseProposedContext *pc)
{
  return pc->service_class_uid != NULL;
}

static void
add_sop_class_items (DimseUserInfo *info, const DimseAssociationParams *params, guint position)
{
  const DimseProposedContext *pc = params->contexts->pdata[position];

  if (has_roles (pc) && !seen_before (params, position, has_roles))
    g_ptr_array_add (info->role_selections,
                     dimse_role_selection_new (pc->abstract_syntax,
                                               (pc->roles & DIMSE_ROLE_SCU) != 0,
                                               (pc->roles & DIMSE_ROLE_SCP) != 0));
  if (has_extended (pc) && !seen_before (params, position, has_extended))
    g_ptr_array_add (info->extended_negotiations,
                     dimse_extended_negotiation_new (pc->abstract_syntax,
                                                     pc->extended_negotiation));
  if (has_common_extended (pc) && !seen_before (params, position, has_common_extended))
    {
      DimseCommonExtendedNegotiation *cen =
        dimse_common_extended_negotiation_new (pc->abstract_syntax, pc->service_class_uid);
      for (guint i = 0; i < pc->related_general_sop_class_uids->len; i++)
        g_ptr_array_add (cen->related_general_sop_class_uids,
                         g_strdup (pc->related_general_sop_class_uids->pdata[i]));
      g_ptr_array_add (info->common_extended_negotiations, cen);
    }
}

static DimseUserInfo *
build_user_info (const DimseAssociationParams *params)
{
  DimseUserInfo *info = dimse_user_info_new ();

  info->has_max_pdu_length = TRUE;
  info->max_pdu_length = params->max_pdu_length;
  info->implementation_class_uid = g_strdup (params->implementation_class_uid != NULL
                                             ? params->implementation_class_uid
                                             : DCM_IMPLEMENTATION_CLASS_UID);
  info->implementation_version_name = g_strdup (params->implementation_version_name);
  /* PS3.7 §D.3.3.3: without the item both sides assume 1/1. */
  if (params->max_operations_invoked != 1 || params->max_operations_performed != 1)
    {
      info->has_async_ops_window = TRUE;
      info->max_operations_invoked = params->max_operations_invoked;
      info->max_operations_performed = params->max_operations_performed;
    }
  for (guint i = 0; i < params->contexts->len; i++)
    add_sop_class_items (info, params, i);
  info->user_identity = dimse_negotiation_copy_user_identity (params->user_identity);
  return info;
}

DimsePdu *
dimse_negotiation_build_rq (const DimseAssociationParams *params, GError **error)
{
  g_autoptr (DimsePdu) pdu = NULL;
  DimseAssociate *assoc;

  g_return_val_if_fail (params != NULL, NULL);
  if (!check_params (params, error))
    return NULL;
  pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_RQ);
  assoc = pdu->associate;
  assoc->calling_ae_title = g_strdup (params->calling_ae_title);
  assoc->called_ae_title = g_strdup (params->called_ae_title);
  for (guint i = 0; i < params->contexts->len; i++)
    {
      const DimseProposedContext *proposed = params->contexts->pdata[i];
      DimsePresentationContext *pc =
        dimse_presentation_context_new ((guint8) (2 * i + 1), proposed->abstract_syntax);
      for (guint t = 0; t < proposed->transfer_syntaxes->len; t++)
        g_ptr_array_add (pc->transfer_syntaxes, g_strdup (proposed->transfer_syntaxes->pdata[t]));
      g_ptr_array_add (assoc->presentation_contexts, pc);
    }
  assoc->user_info = build_user_info (params);
  return g_steal_pointer (&pdu);
}

/* ---- reading the A-ASSOCIATE-AC ---- */

static gboolean ac_fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
ac_fail (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID, "The A-ASSOCIATE-AC %s.", message);
  return FALSE;
}

static gboolean
proposes_transfer_syntax (const DimsePresentationContext *pc, const char *uid)
{
  for (guint i = 0; i < pc->transfer_syntaxes->len; i++)
    if (g_strcmp0 (pc->transfer_syntaxes->pdata[i], uid) == 0)
      return TRUE;
  return FALSE;
}

static gint
find_proposed (const DimseAssociate *rq, guint8 id)
{
  for (guint i = 0; i < rq->presentation_contexts->len; i++)
    {
      const DimsePresentationContext *pc = rq->presentation_contexts->pdata[i];
      if (pc->id == id)
        return (gint) i;
    }
  return -1;
}

static gboolean
read_ac_context (const DimseAssociate *rq, const DimsePresentationContext *answer,
                 DimseNegotiationResult *result, gboolean *answered, GError **error)
{
  gint position = find_proposed (rq, answer->id);
  const DimsePresentationContext *proposed;
  DimseNegotiatedContext *nc;
  const char *ts;

  if (position < 0)
    return ac_fail (error, "answers presentation context %u, which was not proposed",
                    answer->id);
  if (answered[position])
    return ac_fail (error, "answers presentation context %u twice", answer->id);
  answered[position] = TRUE;
  proposed = rq->presentation_contexts->pdata[position];
  nc = result->contexts->pdata[position];
  nc->result = answer->result;
  if (answer->result != DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
    return TRUE;
  ts = answer->transfer_syntaxes->len > 0 ? answer->transfer_syntaxes->pdata[0] : NULL;
  if (ts == NULL)
    return ac_fail (error, "accepts presentation context %u without a transfer syntax",
                    answer->id);
  if (!proposes_transfer_syntax (proposed, ts))
    return ac_fail (error, "accepts presentation context %u (%s) with %s, which was not "
                    "proposed for it", answer->id, dcm_uid_name (proposed->abstract_syntax),
                    dcm_uid_name (ts));
  nc->transfer_syntax = g_strdup (ts);
  return TRUE;
}

static DimseRole
role_flags (const DimseRoleSelection *rs)
{
  return (rs->scu_role ? DIMSE_ROLE_SCU : 0) | (rs->scp_role ? DIMSE_ROLE_SCP : 0);
}

/* PS3.7 §D.3.3.4: without a Role Selection item the requestor is SCU; the
 * acceptor may grant only roles that were proposed. */
static DimseRole
proposed_roles (const DimseAssociate *rq, const char *sop_class_uid)
{
  const DimseRoleSelection *rs = dimse_negotiation_find_role_selection (rq->user_info,
                                                                       sop_class_uid);
  return rs != NULL ? role_flags (rs) : DIMSE_ROLE_SCU;
}

static gboolean
check_ac_roles (const DimseAssociate *rq, const DimseUserInfo *info, GError **error)
{
  if (info == NULL)
    return TRUE;
  for (guint i = 0; i < info->role_selections->len; i++)
    {
      const DimseRoleSelection *rs = info->role_selections->pdata[i];
      DimseRole granted = role_flags (rs);

      if ((granted & ~proposed_roles (rq, rs->sop_class_uid)) != 0)
        return ac_fail (error, "grants the requestor the %s role for %s, which it did not "
                        "propose", (granted & DIMSE_ROLE_SCP) ? "SCP" : "SCU",
                        dcm_uid_name (rs->sop_class_uid));
    }
  return TRUE;
}

static void
apply_ac_roles (const DimseUserInfo *info, DimseNegotiationResult *result)
{
  for (guint i = 0; i < result->contexts->len; i++)
    {
      DimseNegotiatedContext *nc = result->contexts->pdata[i];
      const DimseRoleSelection *rs;

      if (nc->result != DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
        continue;
      rs = dimse_negotiation_find_role_selection (info, nc->abstract_syntax);
      nc->requestor_roles = rs != NULL ? role_flags (rs) : DIMSE_ROLE_SCU;
      nc->acceptor_roles = dimse_negotiation_counterpart_roles (nc->requestor_roles);
    }
}

static gboolean
window_exceeds (guint16 value, guint16 limit)
{
  return limit != 0 && (value == 0 || value > limit);
}

static gboolean
read_ac_window (const DimseUserInfo *rq_info, const DimseUserInfo *info,
                DimseNegotiationResult *result, GError **error)
{
  guint16 invoked = 1, performed = 1;

  if (info == NULL || !info->has_async_ops_window)
    return TRUE;
  if (rq_info != NULL && rq_info->has_async_ops_window)
    {
      invoked = rq_info->max_operations_invoked;
      performed = rq_info->max_operations_performed;
    }
  /* PS3.7 §D.3.3.3: what the acceptor invokes the requestor performs. */
  if (window_exceeds (info->max_operations_invoked, performed)
      || window_exceeds (info->max_operations_performed, invoked))
    return ac_fail (error, "asynchronous operations window (invoked %u, performed %u) "
                    "exceeds the proposed one (invoked %u, performed %u)",
                    info->max_operations_invoked, info->max_operations_performed,
                    invoked, performed);
  result->max_operations_invoked = info->max_operations_performed;
  result->max_operations_performed = info->max_operations_invoked;
  return TRUE;
}

static void
read_ac_user_info (const DimseUserInfo *rq_info, const DimseUserInfo *info,
                   DimseNegotiationResult *result)
{
  if (rq_info != NULL && rq_info->has_max_pdu_length)
    result->local_max_pdu_length = rq_info->max_pdu_length;
  if (info == NULL)
    return;
  /* PS3.8 §D.1: 0, like an absent item, sets no maximum. */
  if (info->has_max_pdu_length)
    result->peer_max_pdu_length = info->max_pdu_length;
  result->peer_implementation_class_uid = g_strdup (info->implementation_class_uid);
  result->peer_implementation_version_name = g_strdup (info->implementation_version_name);
  for (guint i = 0; i < info->extended_negotiations->len; i++)
    {
      const DimseExtendedNegotiation *en = info->extended_negotiations->pdata[i];
      GBytes *answer = en->service_class_application_information;

      /* PS3.7 §D.3.3.5: an answer is only meaningful to a proposal. */
      if (dimse_negotiation_find_extended (rq_info, en->sop_class_uid) != NULL)
        g_ptr_array_add (result->extended_negotiations,
                         dimse_extended_negotiation_new (en->sop_class_uid, answer));
    }
  if (info->user_identity_server_response != NULL)
    result->user_identity_server_response = g_bytes_ref (info->user_identity_server_response);
}

static gboolean
check_ac_pdu_types (const DimsePdu *rq, const DimsePdu *ac, GError **error)
{
  if (ac->type == DIMSE_PDU_ASSOCIATE_RJ)
    {
      g_autofree char *words = dimse_associate_rj_describe (&ac->associate_rj);
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED,
                   "The association was rejected: %s.", words);
      return FALSE;
    }
  if (rq->type != DIMSE_PDU_ASSOCIATE_RQ || ac->type != DIMSE_PDU_ASSOCIATE_AC)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED,
                   "An %s cannot answer an %s; an A-ASSOCIATE-AC answers an A-ASSOCIATE-RQ.",
                   dimse_pdu_type_to_string (ac->type), dimse_pdu_type_to_string (rq->type));
      return FALSE;
    }
  return TRUE;
}

gboolean
dimse_negotiation_parse_ac (const DimsePdu *rq, const DimsePdu *ac,
                            DimseNegotiationResult **out, GError **error)
{
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autofree gboolean *answered = NULL;
  const DimseAssociate *request, *answer;

  g_return_val_if_fail (rq != NULL && ac != NULL && out != NULL, FALSE);
  if (!check_ac_pdu_types (rq, ac, error))
    return FALSE;
  request = rq->associate;
  answer = ac->associate;
  result = dimse_negotiation_result_new (request, TRUE);
  for (guint i = 0; i < request->presentation_contexts->len; i++)
    dimse_negotiated_context_add (result, request->presentation_contexts->pdata[i]);
  answered = g_new0 (gboolean, request->presentation_contexts->len + 1);
  for (guint i = 0; i < answer->presentation_contexts->len; i++)
    if (!read_ac_context (request, answer->presentation_contexts->pdata[i], result, answered,
                          error))
      return FALSE;
  if (!check_ac_roles (request, answer->user_info, error)
      || !read_ac_window (request->user_info, answer->user_info, result, error))
    return FALSE;
  apply_ac_roles (answer->user_info, result);
  read_ac_user_info (request->user_info, answer->user_info, result);
  *out = g_steal_pointer (&result);
  return TRUE;
}
