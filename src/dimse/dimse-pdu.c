/* dimse-pdu.c — the PS3.8 §9.3 upper layer PDUs: words, construction, the
 * header check and the text rendering.  Decoding is in dimse-pdu-decode.c,
 * encoding and fragmenting in dimse-pdu-encode.c. */
#include "dimse-pdu-private.h"
#include "dimse-error.h"
#include "dcm-binary.h"
#include "dcm-uid.h"

/* ---- words ---- */

const char *
dimse_pdu_type_to_string (guint8 type)
{
  static const char *names[] = {
    NULL, "A-ASSOCIATE-RQ", "A-ASSOCIATE-AC", "A-ASSOCIATE-RJ", "P-DATA-TF",
    "A-RELEASE-RQ", "A-RELEASE-RP", "A-ABORT",
  };
  if (type < G_N_ELEMENTS (names) && names[type] != NULL)
    return names[type];
  return "Unknown PDU";
}

const char *
dimse_item_type_to_string (guint8 type)
{
  switch (type)
    {
    case DIMSE_ITEM_APPLICATION_CONTEXT: return "Application Context";
    case DIMSE_ITEM_PRESENTATION_CONTEXT_RQ: return "Presentation Context (RQ)";
    case DIMSE_ITEM_PRESENTATION_CONTEXT_AC: return "Presentation Context (AC)";
    case DIMSE_ITEM_ABSTRACT_SYNTAX: return "Abstract Syntax";
    case DIMSE_ITEM_TRANSFER_SYNTAX: return "Transfer Syntax";
    case DIMSE_ITEM_USER_INFORMATION: return "User Information";
    case DIMSE_ITEM_MAXIMUM_LENGTH: return "Maximum Length";
    case DIMSE_ITEM_IMPLEMENTATION_CLASS_UID: return "Implementation Class UID";
    case DIMSE_ITEM_ASYNCHRONOUS_OPERATIONS_WINDOW: return "Asynchronous Operations Window";
    case DIMSE_ITEM_ROLE_SELECTION: return "SCP/SCU Role Selection";
    case DIMSE_ITEM_IMPLEMENTATION_VERSION_NAME: return "Implementation Version Name";
    case DIMSE_ITEM_SOP_CLASS_EXTENDED_NEGOTIATION: return "SOP Class Extended Negotiation";
    case DIMSE_ITEM_SOP_CLASS_COMMON_EXTENDED_NEGOTIATION:
      return "SOP Class Common Extended Negotiation";
    case DIMSE_ITEM_USER_IDENTITY_RQ: return "User Identity Negotiation (RQ)";
    case DIMSE_ITEM_USER_IDENTITY_AC: return "User Identity Negotiation (AC)";
    default: return "Unknown";
    }
}

const char *
dimse_presentation_context_result_to_string (guint8 result)
{
  static const char *names[] = {
    "Acceptance", "User Rejection", "No Reason (Provider Rejection)",
    "Abstract Syntax Not Supported (Provider Rejection)",
    "Transfer Syntaxes Not Supported (Provider Rejection)",
  };
  return result < G_N_ELEMENTS (names) ? names[result] : "Reserved";
}

const char *
dimse_rj_result_to_string (guint8 result)
{
  switch (result)
    {
    case DIMSE_RJ_RESULT_PERMANENT: return "Rejected Permanent";
    case DIMSE_RJ_RESULT_TRANSIENT: return "Rejected Transient";
    default: return "Reserved Result";
    }
}

const char *
dimse_rj_source_to_string (guint8 source)
{
  switch (source)
    {
    case DIMSE_RJ_SOURCE_SERVICE_USER: return "Service User";
    case DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE: return "Service Provider (ACSE Related)";
    case DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION:
      return "Service Provider (Presentation Related)";
    default: return "Reserved Source";
    }
}

const char *
dimse_rj_reason_to_string (guint8 source, guint8 reason)
{
  switch (source * 256 + reason)
    {
    case DIMSE_RJ_SOURCE_SERVICE_USER * 256 + DIMSE_RJ_REASON_NO_REASON_GIVEN:
    case DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE * 256 + DIMSE_RJ_REASON_NO_REASON_GIVEN:
      return "No Reason";
    case DIMSE_RJ_SOURCE_SERVICE_USER * 256 + DIMSE_RJ_REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED:
      return "App Context Name Not Supported";
    case DIMSE_RJ_SOURCE_SERVICE_USER * 256 + DIMSE_RJ_REASON_CALLING_AE_TITLE_NOT_RECOGNIZED:
      return "Calling AE Title Not Recognized";
    case DIMSE_RJ_SOURCE_SERVICE_USER * 256 + DIMSE_RJ_REASON_CALLED_AE_TITLE_NOT_RECOGNIZED:
      return "Called AE Title Not Recognized";
    case DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE * 256 + DIMSE_RJ_REASON_PROTOCOL_VERSION_NOT_SUPPORTED:
      return "Protocol Version Not Supported";
    case DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION * 256 + DIMSE_RJ_REASON_TEMPORARY_CONGESTION:
      return "Temporary Congestion";
    case DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION * 256 + DIMSE_RJ_REASON_LOCAL_LIMIT_EXCEEDED:
      return "Local Limit Exceeded";
    default:
      return "Reserved Reason";
    }
}

const char *
dimse_abort_source_to_string (guint8 source)
{
  switch (source)
    {
    case DIMSE_ABORT_SOURCE_SERVICE_USER: return "Service User";
    case DIMSE_ABORT_SOURCE_SERVICE_PROVIDER: return "Service Provider";
    default: return "Reserved Source";
    }
}

const char *
dimse_abort_reason_to_string (guint8 reason)
{
  static const char *names[] = {
    "Reason Not Specified", "Unrecognized PDU", "Unexpected PDU", NULL,
    "Unrecognized PDU Parameter", "Unexpected PDU Parameter", "Invalid PDU Parameter Value",
  };
  if (reason < G_N_ELEMENTS (names) && names[reason] != NULL)
    return names[reason];
  return "Reserved Reason";
}

const char *
dimse_user_identity_type_to_string (guint8 type)
{
  static const char *names[] = {
    NULL, "Username", "Username and Passcode", "Kerberos Service Ticket",
    "SAML Assertion", "JSON Web Token",
  };
  if (type < G_N_ELEMENTS (names) && names[type] != NULL)
    return names[type];
  return "Reserved Identity Type";
}

char *
dimse_associate_rj_describe (const DimseAssociateRj *rj)
{
  return g_strdup_printf ("%s, %s, %s", dimse_rj_result_to_string (rj->result),
                          dimse_rj_source_to_string (rj->source),
                          dimse_rj_reason_to_string (rj->source, rj->reason));
}

char *
dimse_abort_describe (const DimseAbort *pdu_abort)
{
  /* PS3.8 Table 9-26: the reason is significant only from the provider. */
  if (pdu_abort->source != DIMSE_ABORT_SOURCE_SERVICE_PROVIDER)
    return g_strdup (dimse_abort_source_to_string (pdu_abort->source));
  return g_strdup_printf ("%s, %s", dimse_abort_source_to_string (pdu_abort->source),
                          dimse_abort_reason_to_string (pdu_abort->reason));
}

/* ---- construction ---- */

void
dimse_pdu_limits_init (DimsePduLimits *limits)
{
  limits->max_associate_length = DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH;
  limits->max_pdata_length = 0;
}

static GPtrArray *
new_list (GDestroyNotify free_func)
{
  return g_ptr_array_new_with_free_func (free_func);
}

DimseUnknownItem *
dimse_unknown_item_new (guint8 type, GBytes *value)
{
  DimseUnknownItem *item = g_new0 (DimseUnknownItem, 1);
  item->type = type;
  item->value = value != NULL ? g_bytes_ref (value) : g_bytes_new (NULL, 0);
  return item;
}

void
dimse_unknown_item_free (DimseUnknownItem *item)
{
  if (item == NULL)
    return;
  g_bytes_unref (item->value);
  g_free (item);
}

DimsePresentationContext *
dimse_presentation_context_new (guint8 id, const char *abstract_syntax)
{
  DimsePresentationContext *pc = g_new0 (DimsePresentationContext, 1);
  pc->id = id;
  pc->abstract_syntax = g_strdup (abstract_syntax);
  pc->transfer_syntaxes = new_list (g_free);
  pc->unknown_items = new_list ((GDestroyNotify) dimse_unknown_item_free);
  return pc;
}

void
dimse_presentation_context_free (DimsePresentationContext *pc)
{
  if (pc == NULL)
    return;
  g_free (pc->abstract_syntax);
  g_ptr_array_unref (pc->transfer_syntaxes);
  g_ptr_array_unref (pc->unknown_items);
  g_free (pc);
}

DimseRoleSelection *
dimse_role_selection_new (const char *sop_class_uid, gboolean scu_role, gboolean scp_role)
{
  DimseRoleSelection *rs = g_new0 (DimseRoleSelection, 1);
  rs->sop_class_uid = g_strdup (sop_class_uid);
  rs->scu_role = scu_role ? 1 : 0;
  rs->scp_role = scp_role ? 1 : 0;
  return rs;
}

void
dimse_role_selection_free (DimseRoleSelection *rs)
{
  if (rs == NULL)
    return;
  g_free (rs->sop_class_uid);
  g_free (rs);
}

DimseExtendedNegotiation *
dimse_extended_negotiation_new (const char *sop_class_uid, GBytes *information)
{
  DimseExtendedNegotiation *en = g_new0 (DimseExtendedNegotiation, 1);
  en->sop_class_uid = g_strdup (sop_class_uid);
  en->service_class_application_information =
    information != NULL ? g_bytes_ref (information) : g_bytes_new (NULL, 0);
  return en;
}

void
dimse_extended_negotiation_free (DimseExtendedNegotiation *en)
{
  if (en == NULL)
    return;
  g_free (en->sop_class_uid);
  g_bytes_unref (en->service_class_application_information);
  g_free (en);
}

DimseCommonExtendedNegotiation *
dimse_common_extended_negotiation_new (const char *sop_class_uid, const char *service_class_uid)
{
  DimseCommonExtendedNegotiation *cen = g_new0 (DimseCommonExtendedNegotiation, 1);
  cen->sop_class_uid = g_strdup (sop_class_uid);
  cen->service_class_uid = g_strdup (service_class_uid);
  cen->related_general_sop_class_uids = new_list (g_free);
  return cen;
}

void
dimse_common_extended_negotiation_free (DimseCommonExtendedNegotiation *cen)
{
  if (cen == NULL)
    return;
  g_free (cen->sop_class_uid);
  g_free (cen->service_class_uid);
  g_ptr_array_unref (cen->related_general_sop_class_uids);
  g_free (cen);
}

DimseUserIdentity *
dimse_user_identity_new (DimseUserIdentityType type, gboolean positive_response_requested,
                         GBytes *primary_field, GBytes *secondary_field)
{
  DimseUserIdentity *ui = g_new0 (DimseUserIdentity, 1);
  ui->user_identity_type = type;
  ui->positive_response_requested = positive_response_requested;
  ui->primary_field = primary_field != NULL ? g_bytes_ref (primary_field) : g_bytes_new (NULL, 0);
  ui->secondary_field =
    secondary_field != NULL ? g_bytes_ref (secondary_field) : g_bytes_new (NULL, 0);
  return ui;
}

void
dimse_user_identity_free (DimseUserIdentity *ui)
{
  if (ui == NULL)
    return;
  g_bytes_unref (ui->primary_field);
  g_bytes_unref (ui->secondary_field);
  g_free (ui);
}

DimseUserInfo *
dimse_user_info_new (void)
{
  DimseUserInfo *info = g_new0 (DimseUserInfo, 1);
  info->role_selections = new_list ((GDestroyNotify) dimse_role_selection_free);
  info->extended_negotiations = new_list ((GDestroyNotify) dimse_extended_negotiation_free);
  info->common_extended_negotiations =
    new_list ((GDestroyNotify) dimse_common_extended_negotiation_free);
  info->unknown_items = new_list ((GDestroyNotify) dimse_unknown_item_free);
  return info;
}

void
dimse_user_info_free (DimseUserInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->implementation_class_uid);
  g_free (info->implementation_version_name);
  g_ptr_array_unref (info->role_selections);
  g_ptr_array_unref (info->extended_negotiations);
  g_ptr_array_unref (info->common_extended_negotiations);
  dimse_user_identity_free (info->user_identity);
  g_clear_pointer (&info->user_identity_server_response, g_bytes_unref);
  g_ptr_array_unref (info->unknown_items);
  g_free (info);
}

DimseAssociate *
dimse_associate_new (void)
{
  DimseAssociate *assoc = g_new0 (DimseAssociate, 1);
  assoc->protocol_version = DIMSE_PROTOCOL_VERSION;
  assoc->application_context_name = g_strdup (DIMSE_APPLICATION_CONTEXT_NAME);
  assoc->presentation_contexts = new_list ((GDestroyNotify) dimse_presentation_context_free);
  assoc->unknown_items = new_list ((GDestroyNotify) dimse_unknown_item_free);
  return assoc;
}

void
dimse_associate_free (DimseAssociate *assoc)
{
  if (assoc == NULL)
    return;
  g_free (assoc->called_ae_title);
  g_free (assoc->calling_ae_title);
  g_free (assoc->application_context_name);
  g_ptr_array_unref (assoc->presentation_contexts);
  dimse_user_info_free (assoc->user_info);
  g_ptr_array_unref (assoc->unknown_items);
  g_free (assoc);
}

DimsePdv *
dimse_pdv_new (guint8 presentation_context_id, guint8 message_control_header, GBytes *fragment)
{
  DimsePdv *pdv = g_new0 (DimsePdv, 1);
  pdv->presentation_context_id = presentation_context_id;
  pdv->message_control_header = message_control_header;
  pdv->fragment = fragment != NULL ? g_bytes_ref (fragment) : g_bytes_new (NULL, 0);
  return pdv;
}

void
dimse_pdv_free (DimsePdv *pdv)
{
  if (pdv == NULL)
    return;
  g_bytes_unref (pdv->fragment);
  g_free (pdv);
}

DimsePdu *
dimse_pdu_new (DimsePduType type)
{
  DimsePdu *pdu = g_new0 (DimsePdu, 1);
  pdu->type = type;
  if (type == DIMSE_PDU_ASSOCIATE_RQ || type == DIMSE_PDU_ASSOCIATE_AC)
    pdu->associate = dimse_associate_new ();
  else if (type == DIMSE_PDU_P_DATA_TF)
    pdu->pdvs = new_list ((GDestroyNotify) dimse_pdv_free);
  return pdu;
}

DimsePdu *
dimse_pdu_new_associate_rj (guint8 result, guint8 source, guint8 reason)
{
  DimsePdu *pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_RJ);

  pdu->associate_rj = (DimseAssociateRj) { result, source, reason };
  return pdu;
}

DimsePdu *
dimse_pdu_new_abort (guint8 source, guint8 reason)
{
  DimsePdu *pdu = dimse_pdu_new (DIMSE_PDU_ABORT);

  pdu->abort = (DimseAbort) { source, reason };
  return pdu;
}

void
dimse_pdu_free (DimsePdu *pdu)
{
  if (pdu == NULL)
    return;
  if (pdu->type == DIMSE_PDU_ASSOCIATE_RQ || pdu->type == DIMSE_PDU_ASSOCIATE_AC)
    dimse_associate_free (pdu->associate);
  else if (pdu->type == DIMSE_PDU_P_DATA_TF)
    g_clear_pointer (&pdu->pdvs, g_ptr_array_unref);
  g_free (pdu);
}

/* ---- header ---- */

gboolean
dimse_pdu_peek_header (const guint8 hdr[DIMSE_PDU_HEADER_LENGTH], guint8 *type, guint32 *length)
{
  *type = hdr[0];
  *length = dcm_load_u32 (hdr + 2, TRUE);
  return *type >= DIMSE_PDU_ASSOCIATE_RQ && *type <= DIMSE_PDU_ABORT;
}

gboolean
dimse_pdu_check_header (guint8 type, guint32 length, const DimsePduLimits *limits,
                        DimseAbortReason *abort_reason, GError **error)
{
  DimsePduLimits defaults;
  guint32 max = 0;

  if (limits == NULL)
    {
      dimse_pdu_limits_init (&defaults);
      limits = &defaults;
    }
  if (type < DIMSE_PDU_ASSOCIATE_RQ || type > DIMSE_PDU_ABORT)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID,
                   "Received a PDU of unknown type %02XH (PS3.8 §9.3 defines types 01H to 07H).",
                   type);
      return dimse_pdu_set_abort_reason (abort_reason, DIMSE_ABORT_REASON_UNRECOGNIZED_PDU);
    }
  if (type == DIMSE_PDU_ASSOCIATE_RQ || type == DIMSE_PDU_ASSOCIATE_AC)
    max = limits->max_associate_length != 0 ? limits->max_associate_length
                                            : DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH;
  else if (type == DIMSE_PDU_P_DATA_TF)
    max = limits->max_pdata_length;
  else if (length != FIXED_PDU_LENGTH)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID,
                   "The %s PDU header declares a length of %u bytes; PS3.8 §9.3 fixes it at 4.",
                   dimse_pdu_type_to_string (type), length);
      return dimse_pdu_set_abort_reason (abort_reason,
                                         DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
    }
  if (max != 0 && length > max)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_TOO_LARGE,
                   "The %s PDU header declares a length of %u bytes, over the limit of %u bytes.",
                   dimse_pdu_type_to_string (type), length, max);
      return dimse_pdu_set_abort_reason (abort_reason,
                                         DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
    }
  return TRUE;
}

/* ---- description ---- */

static const char *
str0 (const char *s)
{
  return s != NULL ? s : "";
}

/* "1.2.840.10008.1.1 (Verification SOP Class)": the name from the PS3.6
 * registry when the UID is in it, so a reader of a log need not look it up. */
static char *
uid_text (const char *uid)
{
  const DcmUidEntry *entry = dcm_uid_lookup (uid);

  if (entry == NULL || *entry->name == '\0')
    return g_strdup (str0 (uid));
  return g_strdup_printf ("%s (%s)", uid, entry->name);
}

/* Credentials (passcodes, tickets, assertions, tokens) are never shown:
 * the text goes to logs and the traffic recorder. */
static void
describe_bytes (GString *s, const char *indent, const char *label, GBytes *bytes,
                gboolean as_text)
{
  gsize n = 0;
  const char *p = bytes != NULL ? g_bytes_get_data (bytes, &n) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  if (!as_text || n == 0)
    {
      g_string_append_printf (s, "%s%s: %" G_GSIZE_FORMAT " bytes\n", indent, label, n);
      return;
    }
  text = g_strndup (p, n);
  escaped = g_strescape (text, NULL);
  g_string_append_printf (s, "%s%s: \"%s\"\n", indent, label, escaped);
}

static void
describe_unknown (GString *s, const char *indent, GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      DimseUnknownItem *item = items->pdata[i];
      g_string_append_printf (s, "%sunknown item %02XH: %" G_GSIZE_FORMAT " bytes\n", indent,
                              item->type, g_bytes_get_size (item->value));
    }
}

static void
describe_presentation_context (GString *s, const DimsePresentationContext *pc, gboolean is_rq)
{
  g_string_append_printf (s, "  presentation context %u", pc->id);
  if (is_rq)
    {
      g_autofree char *abstract_syntax = uid_text (pc->abstract_syntax);
      g_string_append_printf (s, ": abstract syntax %s\n", abstract_syntax);
    }
  else
    g_string_append_printf (s, ": %s\n", dimse_presentation_context_result_to_string (pc->result));
  for (guint i = 0; i < pc->transfer_syntaxes->len; i++)
    {
      g_autofree char *transfer_syntax = uid_text (pc->transfer_syntaxes->pdata[i]);
      g_string_append_printf (s, "    transfer syntax %s\n", transfer_syntax);
    }
  describe_unknown (s, "    ", pc->unknown_items);
}

static void
describe_user_identity (GString *s, const DimseUserIdentity *ui)
{
  gboolean has_name = ui->user_identity_type == DIMSE_USER_IDENTITY_USERNAME
                      || ui->user_identity_type == DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE;

  g_string_append_printf (s, "    user identity: %s%s\n",
                          dimse_user_identity_type_to_string (ui->user_identity_type),
                          ui->positive_response_requested ? ", positive response requested" : "");
  describe_bytes (s, "      ", "primary field", ui->primary_field, has_name);
  describe_bytes (s, "      ", "secondary field", ui->secondary_field, FALSE);
}

static void
describe_common_extended_negotiation (GString *s, const DimseCommonExtendedNegotiation *cen)
{
  g_autofree char *sop_class = uid_text (cen->sop_class_uid);
  g_autofree char *service_class = uid_text (cen->service_class_uid);

  g_string_append_printf (s, "    common extended negotiation %s: service class %s\n",
                          sop_class, service_class);
  for (guint i = 0; i < cen->related_general_sop_class_uids->len; i++)
    {
      g_autofree char *related = uid_text (cen->related_general_sop_class_uids->pdata[i]);
      g_string_append_printf (s, "      related general SOP class %s\n", related);
    }
}

static void
describe_negotiations (GString *s, const DimseUserInfo *info)
{
  for (guint i = 0; i < info->role_selections->len; i++)
    {
      DimseRoleSelection *rs = info->role_selections->pdata[i];
      g_autofree char *sop_class = uid_text (rs->sop_class_uid);
      g_string_append_printf (s, "    role selection %s: SCU role %u, SCP role %u\n",
                              sop_class, rs->scu_role, rs->scp_role);
    }
  for (guint i = 0; i < info->extended_negotiations->len; i++)
    {
      DimseExtendedNegotiation *en = info->extended_negotiations->pdata[i];
      g_autofree char *sop_class = uid_text (en->sop_class_uid);
      g_string_append_printf (s, "    extended negotiation %s: %" G_GSIZE_FORMAT " bytes\n",
                              sop_class,
                              g_bytes_get_size (en->service_class_application_information));
    }
  for (guint i = 0; i < info->common_extended_negotiations->len; i++)
    describe_common_extended_negotiation (s, info->common_extended_negotiations->pdata[i]);
}

static void
describe_user_info (GString *s, const DimseUserInfo *info)
{
  g_string_append (s, "  user information\n");
  if (info->has_max_pdu_length)
    g_string_append_printf (s, "    maximum length: %u\n", info->max_pdu_length);
  if (info->implementation_class_uid != NULL)
    {
      g_autofree char *implementation_class = uid_text (info->implementation_class_uid);
      g_string_append_printf (s, "    implementation class UID: %s\n", implementation_class);
    }
  if (info->implementation_version_name != NULL)
    g_string_append_printf (s, "    implementation version name: %s\n",
                            info->implementation_version_name);
  if (info->has_async_ops_window)
    g_string_append_printf (s, "    asynchronous operations window: %u invoked, %u performed\n",
                            info->max_operations_invoked, info->max_operations_performed);
  describe_negotiations (s, info);
  if (info->user_identity != NULL)
    describe_user_identity (s, info->user_identity);
  if (info->user_identity_server_response != NULL)
    describe_bytes (s, "    ", "user identity server response",
                    info->user_identity_server_response, FALSE);
  describe_unknown (s, "    ", info->unknown_items);
}

static void
describe_associate (GString *s, const DimseAssociate *assoc, gboolean is_rq)
{
  g_autofree char *application_context = uid_text (assoc->application_context_name);

  g_string_append_printf (s, "  protocol version: %u\n", assoc->protocol_version);
  g_string_append_printf (s, "  called AE title: \"%s\"\n",
                          str0 (assoc->called_ae_title));
  g_string_append_printf (s, "  calling AE title: \"%s\"\n",
                          str0 (assoc->calling_ae_title));
  g_string_append_printf (s, "  application context: %s\n", application_context);
  for (guint i = 0; i < assoc->presentation_contexts->len; i++)
    describe_presentation_context (s, assoc->presentation_contexts->pdata[i], is_rq);
  if (assoc->user_info != NULL)
    describe_user_info (s, assoc->user_info);
  describe_unknown (s, "  ", assoc->unknown_items);
}

static void
describe_pdvs (GString *s, GPtrArray *pdvs)
{
  for (guint i = 0; i < pdvs->len; i++)
    {
      DimsePdv *pdv = pdvs->pdata[i];
      g_string_append_printf (s, "  PDV %u: presentation context %u, %s, %s, %" G_GSIZE_FORMAT
                              " bytes\n", i + 1, pdv->presentation_context_id,
                              pdv->message_control_header & DIMSE_PDV_COMMAND ? "command"
                                                                               : "data set",
                              pdv->message_control_header & DIMSE_PDV_LAST ? "last fragment"
                                                                            : "more to follow",
                              g_bytes_get_size (pdv->fragment));
    }
}

char *
dimse_pdu_to_string (const DimsePdu *pdu)
{
  GString *s = g_string_new (dimse_pdu_type_to_string (pdu->type));
  g_autofree char *words = NULL;

  switch (pdu->type)
    {
    case DIMSE_PDU_ASSOCIATE_RQ:
    case DIMSE_PDU_ASSOCIATE_AC:
      g_string_append_c (s, '\n');
      describe_associate (s, pdu->associate, pdu->type == DIMSE_PDU_ASSOCIATE_RQ);
      break;
    case DIMSE_PDU_ASSOCIATE_RJ:
      words = dimse_associate_rj_describe (&pdu->associate_rj);
      g_string_append_printf (s, ": %s\n", words);
      break;
    case DIMSE_PDU_P_DATA_TF:
      g_string_append_c (s, '\n');
      describe_pdvs (s, pdu->pdvs);
      break;
    case DIMSE_PDU_ABORT:
      words = dimse_abort_describe (&pdu->abort);
      g_string_append_printf (s, ": %s\n", words);
      break;
    default:
      g_string_append_c (s, '\n');
      break;
    }
  return g_string_free (s, FALSE);
}
