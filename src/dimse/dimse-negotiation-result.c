/* dimse-negotiation-result.c — what a negotiation agreed, from either
 * side: look-ups and words for it */
#include "config.h"

#include "dimse-negotiation-private.h"

#include "dcm-uid.h"

/* ---- the result ---- */

static void
negotiated_context_free (DimseNegotiatedContext *nc)
{
  g_free (nc->abstract_syntax);
  g_free (nc->transfer_syntax);
  g_free (nc);
}

DimseNegotiationResult *
dimse_negotiation_result_new (const DimseAssociate *rq, gboolean local_is_requestor)
{
  DimseNegotiationResult *result = g_new0 (DimseNegotiationResult, 1);

  result->local_is_requestor = local_is_requestor;
  result->accepted = TRUE;
  result->calling_ae_title = g_strdup (rq->calling_ae_title);
  result->called_ae_title = g_strdup (rq->called_ae_title);
  result->contexts = g_ptr_array_new_with_free_func ((GDestroyNotify) negotiated_context_free);
  result->max_operations_invoked = 1;
  result->max_operations_performed = 1;
  result->extended_negotiations =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_extended_negotiation_free);
  if (rq->user_info != NULL)
    result->user_identity = dimse_negotiation_copy_user_identity (rq->user_info->user_identity);
  return result;
}

void
dimse_negotiation_result_free (DimseNegotiationResult *result)
{
  if (result == NULL)
    return;
  g_free (result->calling_ae_title);
  g_free (result->called_ae_title);
  g_ptr_array_unref (result->contexts);
  g_free (result->peer_implementation_class_uid);
  g_free (result->peer_implementation_version_name);
  g_ptr_array_unref (result->extended_negotiations);
  dimse_user_identity_free (result->user_identity);
  g_clear_pointer (&result->user_identity_server_response, g_bytes_unref);
  g_free (result);
}

DimseNegotiatedContext *
dimse_negotiated_context_add (DimseNegotiationResult *result,
                              const DimsePresentationContext *proposed)
{
  DimseNegotiatedContext *nc = g_new0 (DimseNegotiatedContext, 1);

  nc->id = proposed->id;
  nc->abstract_syntax = g_strdup (proposed->abstract_syntax);
  nc->result = DIMSE_PRESENTATION_CONTEXT_NO_REASON;
  g_ptr_array_add (result->contexts, nc);
  return nc;
}

DimseUserIdentity *
dimse_negotiation_copy_user_identity (const DimseUserIdentity *identity)
{
  if (identity == NULL)
    return NULL;
  return dimse_user_identity_new (identity->user_identity_type,
                                  identity->positive_response_requested,
                                  identity->primary_field, identity->secondary_field);
}

const DimseRoleSelection *
dimse_negotiation_find_role_selection (const DimseUserInfo *info, const char *sop_class_uid)
{
  if (info == NULL)
    return NULL;
  for (guint i = 0; i < info->role_selections->len; i++)
    {
      const DimseRoleSelection *rs = info->role_selections->pdata[i];
      if (g_strcmp0 (rs->sop_class_uid, sop_class_uid) == 0)
        return rs;
    }
  return NULL;
}

const DimseExtendedNegotiation *
dimse_negotiation_find_extended (const DimseUserInfo *info, const char *sop_class_uid)
{
  if (info == NULL)
    return NULL;
  for (guint i = 0; i < info->extended_negotiations->len; i++)
    {
      const DimseExtendedNegotiation *en = info->extended_negotiations->pdata[i];
      if (g_strcmp0 (en->sop_class_uid, sop_class_uid) == 0)
        return en;
    }
  return NULL;
}

DimseRole
dimse_negotiation_counterpart_roles (DimseRole roles)
{
  DimseRole other = DIMSE_ROLE_DEFAULT;

  if (roles & DIMSE_ROLE_SCU)
    other |= DIMSE_ROLE_SCP;
  if (roles & DIMSE_ROLE_SCP)
    other |= DIMSE_ROLE_SCU;
  return other;
}

guint16
dimse_negotiation_window_min (guint16 a, guint16 b)
{
  if (a == 0)
    return b;
  if (b == 0)
    return a;
  return MIN (a, b);
}

static DimseRole
local_roles (const DimseNegotiationResult *result, const DimseNegotiatedContext *nc)
{
  return result->local_is_requestor ? nc->requestor_roles : nc->acceptor_roles;
}

guint8
dimse_negotiation_result_find_context (const DimseNegotiationResult *result,
                                       const char *abstract_syntax,
                                       const char *transfer_syntax,
                                       DimseRole role)
{
  g_return_val_if_fail (result != NULL && abstract_syntax != NULL, 0);
  for (guint i = 0; i < result->contexts->len; i++)
    {
      const DimseNegotiatedContext *nc = result->contexts->pdata[i];
      DimseRole have = local_roles (result, nc);

      if (nc->result != DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE || have == DIMSE_ROLE_DEFAULT
          || g_strcmp0 (nc->abstract_syntax, abstract_syntax) != 0
          || (transfer_syntax != NULL && g_strcmp0 (nc->transfer_syntax, transfer_syntax) != 0)
          || (have & role) != role)
        continue;
      return nc->id;
    }
  return 0;
}

const DimseNegotiatedContext *
dimse_negotiation_result_get_context (const DimseNegotiationResult *result, guint8 id)
{
  g_return_val_if_fail (result != NULL, NULL);
  for (guint i = 0; i < result->contexts->len; i++)
    {
      const DimseNegotiatedContext *nc = result->contexts->pdata[i];
      if (nc->id == id)
        return nc;
    }
  return NULL;
}

GBytes *
dimse_negotiation_result_get_extended_negotiation (const DimseNegotiationResult *result,
                                                   const char *sop_class_uid)
{
  g_return_val_if_fail (result != NULL, NULL);
  for (guint i = 0; i < result->extended_negotiations->len; i++)
    {
      const DimseExtendedNegotiation *en = result->extended_negotiations->pdata[i];
      if (g_strcmp0 (en->sop_class_uid, sop_class_uid) == 0)
        return en->service_class_application_information;
    }
  return NULL;
}

/* ---- words ---- */

static const char *
context_result_words (guint8 result)
{
  switch (result)
    {
    case DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE: return "accepted";
    case DIMSE_PRESENTATION_CONTEXT_USER_REJECTION: return "rejected: user rejection";
    case DIMSE_PRESENTATION_CONTEXT_NO_REASON: return "rejected: no reason (provider rejection)";
    case DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED:
      return "rejected: abstract syntax not supported";
    case DIMSE_PRESENTATION_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED:
      return "rejected: transfer syntaxes not supported";
    default: return "rejected: reserved result";
    }
}

static const char *
role_words (DimseRole roles)
{
  switch (roles & DIMSE_ROLE_BOTH)
    {
    case DIMSE_ROLE_SCU: return "SCU";
    case DIMSE_ROLE_SCP: return "SCP";
    case DIMSE_ROLE_BOTH: return "SCU and SCP";
    default: return "no role";
    }
}

static void
describe_context (GString *text, const DimseNegotiatedContext *nc)
{
  g_string_append_printf (text, "Context %u %s: %s", nc->id, dcm_uid_name (nc->abstract_syntax),
                          context_result_words (nc->result));
  if (nc->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
    g_string_append_printf (text, " with %s (requestor %s, acceptor %s)",
                            dcm_uid_name (nc->transfer_syntax), role_words (nc->requestor_roles),
                            role_words (nc->acceptor_roles));
  g_string_append_c (text, '\n');
}

static void
append_length (GString *text, guint32 length)
{
  if (length == 0)
    g_string_append (text, "no maximum");
  else
    g_string_append_printf (text, "%" G_GUINT32_FORMAT " bytes", length);
}

static void
append_window_value (GString *text, guint16 value)
{
  if (value == 0)
    g_string_append (text, "unlimited");
  else
    g_string_append_printf (text, "%u", value);
}

static void
describe_user_info (GString *text, const DimseNegotiationResult *result)
{
  g_string_append_printf (text, "Peer implementation: %s",
                          result->peer_implementation_class_uid != NULL
                          ? result->peer_implementation_class_uid : "(not given)");
  if (result->peer_implementation_version_name != NULL)
    g_string_append_printf (text, " (%s)", result->peer_implementation_version_name);
  g_string_append (text, "\nMax PDU length: ours ");
  append_length (text, result->local_max_pdu_length);
  g_string_append (text, ", peer's ");
  append_length (text, result->peer_max_pdu_length);
  g_string_append (text, "\nAsynchronous operations window: invoked ");
  append_window_value (text, result->max_operations_invoked);
  g_string_append (text, ", performed ");
  append_window_value (text, result->max_operations_performed);
  g_string_append_c (text, '\n');
  for (guint i = 0; i < result->extended_negotiations->len; i++)
    {
      const DimseExtendedNegotiation *en = result->extended_negotiations->pdata[i];
      g_string_append_printf (text, "Extended negotiation for %s: %" G_GSIZE_FORMAT " bytes\n",
                              dcm_uid_name (en->sop_class_uid),
                              g_bytes_get_size (en->service_class_application_information));
    }
  if (result->user_identity != NULL)
    g_string_append_printf (text, "User identity: %s%s\n",
                            dimse_user_identity_type_to_string (
                              result->user_identity->user_identity_type),
                            result->user_identity_server_response != NULL
                            ? ", server response received" : "");
}

char *
dimse_negotiation_result_describe (const DimseNegotiationResult *result)
{
  GString *text;

  g_return_val_if_fail (result != NULL, NULL);
  text = g_string_new (NULL);
  g_string_append_printf (text, "Association %s -> %s ", result->calling_ae_title,
                          result->called_ae_title);
  if (!result->accepted)
    {
      g_autofree char *words = dimse_associate_rj_describe (&result->rejection);
      g_string_append_printf (text, "rejected: %s\n", words);
      return g_string_free (text, FALSE);
    }
  g_string_append (text, result->local_is_requestor ? "accepted by the peer\n"
                                                    : "accepted by us\n");
  for (guint i = 0; i < result->contexts->len; i++)
    describe_context (text, result->contexts->pdata[i]);
  describe_user_info (text, result);
  return g_string_free (text, FALSE);
}
