/* dimse-pdu.c — encoding and decoding of the PS3.8 §9.3 upper layer PDUs */
#include "dimse-pdu.h"
#include "dimse-error.h"
#include "dcm-binary.h"

#include <string.h>

/* PS3.8 §9.3.2: protocol version, reserved, two AE titles, 32 reserved. */
#define ASSOCIATE_FIXED_LENGTH 68
#define FIXED_PDU_LENGTH 4
#define ITEM_HEADER_LENGTH 4

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

static gboolean
set_reason (DimseAbortReason *abort_reason, DimseAbortReason value)
{
  if (abort_reason != NULL)
    *abort_reason = value;
  return FALSE;
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
      return set_reason (abort_reason, DIMSE_ABORT_REASON_UNRECOGNIZED_PDU);
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
      return set_reason (abort_reason, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
    }
  if (max != 0 && length > max)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_TOO_LARGE,
                   "The %s PDU header declares a length of %u bytes, over the limit of %u bytes.",
                   dimse_pdu_type_to_string (type), length, max);
      return set_reason (abort_reason, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE);
    }
  return TRUE;
}

/* ---- decoding ---- */

typedef struct {
  GBytes          *pdu;
  const char      *pdu_name;
  gboolean         is_rq;
  DimseAbortReason reason;
  GError         **error;
} Decoder;

/* An item header and a reader over the item's value (PS3.8 §9.3.2.x). */
typedef struct {
  guint8    type;
  guint8    reserved;
  guint64   offset;
  DcmReader body;
} Item;

static gboolean fail (Decoder *d, DimseAbortReason reason, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

static gboolean
fail (Decoder *d, DimseAbortReason reason, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  d->reason = reason;
  g_set_error (d->error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID, "Invalid %s PDU: %s.",
               d->pdu_name, msg);
  return FALSE;
}

static gboolean
need (Decoder *d, const DcmReader *r, gsize n, const char *what)
{
  if (dcm_reader_remaining (r) >= n)
    return TRUE;
  return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
               "%s at byte offset %" G_GUINT64_FORMAT " needs %" G_GSIZE_FORMAT
               " bytes but only %" G_GSIZE_FORMAT " remain",
               what, dcm_reader_offset (r), n, dcm_reader_remaining (r));
}

static gboolean
get_u8 (Decoder *d, DcmReader *r, const char *what, guint8 *v)
{
  return need (d, r, 1, what) && dcm_reader_read_u8 (r, v, NULL);
}

static gboolean
get_u16 (Decoder *d, DcmReader *r, const char *what, guint16 *v)
{
  return need (d, r, 2, what) && dcm_reader_read_u16_be (r, v, NULL);
}

static gboolean
get_u32 (Decoder *d, DcmReader *r, const char *what, guint32 *v)
{
  return need (d, r, 4, what) && dcm_reader_read_u32_be (r, v, NULL);
}

static gboolean
ensure_consumed (Decoder *d, const Item *item)
{
  if (dcm_reader_remaining (&item->body) == 0)
    return TRUE;
  return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
               "the %s item at byte offset %" G_GUINT64_FORMAT " has %" G_GSIZE_FORMAT
               " bytes left over after its last field",
               dimse_item_type_to_string (item->type), item->offset,
               dcm_reader_remaining (&item->body));
}

static gboolean
read_item (Decoder *d, DcmReader *r, const char *container, Item *item)
{
  guint16 length = 0;

  item->offset = dcm_reader_offset (r);
  if (!need (d, r, ITEM_HEADER_LENGTH, "an item header"))
    return FALSE;
  dcm_reader_read_u8 (r, &item->type, NULL);
  dcm_reader_read_u8 (r, &item->reserved, NULL);
  dcm_reader_read_u16_be (r, &length, NULL);
  if (dcm_reader_remaining (r) < length)
    return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                 "the %s item (%02XH) at byte offset %" G_GUINT64_FORMAT
                 " declares %u bytes but only %" G_GSIZE_FORMAT " remain in its %s",
                 dimse_item_type_to_string (item->type), item->type, item->offset, length,
                 dcm_reader_remaining (r), container);
  dcm_reader_init (&item->body, dcm_reader_peek (r), length, dcm_reader_offset (r));
  dcm_reader_skip (r, length, NULL);
  return TRUE;
}

static GBytes *
slice (Decoder *d, const DcmReader *r, gsize n)
{
  return g_bytes_new_from_bytes (d->pdu, (gsize) dcm_reader_offset (r), n);
}

static gboolean
keep_unknown (Decoder *d, const Item *item, GPtrArray *list)
{
  g_autoptr(GBytes) value = slice (d, &item->body, item->body.len);
  DimseUnknownItem *unknown = dimse_unknown_item_new (item->type, value);

  unknown->reserved = item->reserved;
  g_ptr_array_add (list, unknown);
  return TRUE;
}

/* Text fields are the default character repertoire without control
 * characters; trailing NUL or space padding (and, for AE titles, leading
 * spaces: PS3.8 §9.3.2) is not significant and dropped. */
static gboolean
take_text (Decoder *d, DcmReader *r, gsize n, const char *what, gboolean is_ae, char **out)
{
  const guint8 *p = NULL;
  guint64 offset = dcm_reader_offset (r);
  gsize start = 0;
  g_autoptr(GString) text = NULL;

  if (!need (d, r, n, what))
    return FALSE;
  dcm_reader_read_bytes (r, n, &p, NULL);
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
    n--;
  while (is_ae && start < n && p[start] == ' ')
    start++;
  text = g_string_sized_new (n - start);
  for (gsize i = start; i < n; i++)
    {
      if (p[i] >= 0x20 && p[i] <= 0x7e)
        g_string_append_c (text, (char) p[i]);
      /* PS3.8 §9.3.3: the -AC's AE title fields are not tested when received. */
      else if (is_ae && !d->is_rq)
        g_string_append_c (text, '?');
      else
        return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                     "%s at byte offset %" G_GUINT64_FORMAT " holds byte %02XH, "
                     "which is not in the default character repertoire",
                     what, offset + i, p[i]);
    }
  g_free (*out);
  *out = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

static gboolean
item_text (Decoder *d, Item *item, char **out)
{
  if (*out != NULL)
    return fail (d, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER,
                 "a second %s item at byte offset %" G_GUINT64_FORMAT,
                 dimse_item_type_to_string (item->type), item->offset);
  return take_text (d, &item->body, item->body.len, dimse_item_type_to_string (item->type),
                    FALSE, out);
}

/* A 2-byte length followed by that many bytes, as in PS3.7 Tables D.3-9 to D.3-15. */
static gboolean
take_counted (Decoder *d, DcmReader *r, const char *what, GBytes **out)
{
  guint16 n = 0;

  if (!get_u16 (d, r, what, &n) || !need (d, r, n, what))
    return FALSE;
  *out = slice (d, r, n);
  dcm_reader_skip (r, n, NULL);
  return TRUE;
}

static gboolean
take_counted_text (Decoder *d, DcmReader *r, const char *what, char **out)
{
  guint16 n = 0;

  return get_u16 (d, r, what, &n) && take_text (d, r, n, what, FALSE, out);
}

static gboolean
unexpected_item (Decoder *d, const Item *item, const char *where)
{
  return fail (d, DIMSE_ABORT_REASON_UNEXPECTED_PDU_PARAMETER,
               "an item of type %02XH (%s) at byte offset %" G_GUINT64_FORMAT
               " is not allowed in %s",
               item->type, dimse_item_type_to_string (item->type), item->offset, where);
}

static gboolean
check_context_id (Decoder *d, guint8 id, guint64 offset, const char *what)
{
  /* PS3.8 §9.3.2.2: an odd integer between 1 and 255. */
  if (id % 2 == 1)
    return TRUE;
  return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
               "the %s at byte offset %" G_GUINT64_FORMAT " has presentation context ID %u; "
               "IDs are odd numbers from 1 to 255 (PS3.8 §9.3.2.2)",
               what, offset, id);
}

static gboolean
decode_role_selection (Decoder *d, Item *item, DimseUserInfo *info)
{
  DimseRoleSelection *rs = dimse_role_selection_new (NULL, FALSE, FALSE);

  g_ptr_array_add (info->role_selections, rs);
  return take_counted_text (d, &item->body, "the SOP class UID of a role selection",
                            &rs->sop_class_uid)
         && get_u8 (d, &item->body, "the SCU role", &rs->scu_role)
         && get_u8 (d, &item->body, "the SCP role", &rs->scp_role)
         && ensure_consumed (d, item);
}

static gboolean
decode_extended_negotiation (Decoder *d, Item *item, DimseUserInfo *info)
{
  DimseExtendedNegotiation *en = dimse_extended_negotiation_new (NULL, NULL);

  g_ptr_array_add (info->extended_negotiations, en);
  if (!take_counted_text (d, &item->body, "the SOP class UID of an extended negotiation",
                          &en->sop_class_uid))
    return FALSE;
  g_bytes_unref (en->service_class_application_information);
  en->service_class_application_information =
    slice (d, &item->body, dcm_reader_remaining (&item->body));
  return TRUE;
}

static gboolean
decode_common_extended_negotiation (Decoder *d, Item *item, DimseUserInfo *info)
{
  DimseCommonExtendedNegotiation *cen = dimse_common_extended_negotiation_new (NULL, NULL);
  DcmReader list;
  guint16 n = 0;

  g_ptr_array_add (info->common_extended_negotiations, cen);
  if (!take_counted_text (d, &item->body, "the SOP class UID of a common extended negotiation",
                          &cen->sop_class_uid)
      || !take_counted_text (d, &item->body, "the service class UID", &cen->service_class_uid)
      || !get_u16 (d, &item->body, "the related general SOP class identification length", &n)
      || !need (d, &item->body, n, "the related general SOP class identification"))
    return FALSE;
  dcm_reader_init (&list, dcm_reader_peek (&item->body), n, dcm_reader_offset (&item->body));
  dcm_reader_skip (&item->body, n, NULL);
  while (dcm_reader_remaining (&list) > 0)
    {
      char *uid = NULL;
      if (!take_counted_text (d, &list, "a related general SOP class UID", &uid))
        return FALSE;
      g_ptr_array_add (cen->related_general_sop_class_uids, uid);
    }
  return ensure_consumed (d, item);
}

static gboolean
decode_user_identity (Decoder *d, Item *item, DimseUserInfo *info)
{
  DimseUserIdentity *ui;
  guint8 positive = 0;

  if (info->user_identity != NULL)
    return unexpected_item (d, item, "a user information item that already has one");
  ui = info->user_identity = dimse_user_identity_new (0, FALSE, NULL, NULL);
  g_clear_pointer (&ui->primary_field, g_bytes_unref);
  g_clear_pointer (&ui->secondary_field, g_bytes_unref);
  if (!get_u8 (d, &item->body, "the user identity type", &ui->user_identity_type)
      || !get_u8 (d, &item->body, "the positive response requested field", &positive)
      || !take_counted (d, &item->body, "the user identity primary field", &ui->primary_field)
      || !take_counted (d, &item->body, "the user identity secondary field",
                        &ui->secondary_field))
    return FALSE;
  ui->positive_response_requested = positive == 1;
  return ensure_consumed (d, item);
}

static gboolean
decode_fixed_u32 (Decoder *d, Item *item, gboolean *present, guint32 *value)
{
  if (*present)
    return unexpected_item (d, item, "a user information item that already has one");
  if (item->body.len != 4)
    return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                 "the %s item at byte offset %" G_GUINT64_FORMAT " has length %" G_GSIZE_FORMAT
                 "; it must be 4", dimse_item_type_to_string (item->type), item->offset,
                 item->body.len);
  *present = TRUE;
  return get_u32 (d, &item->body, dimse_item_type_to_string (item->type), value);
}

static gboolean
decode_user_sub_item (Decoder *d, Item *item, DimseUserInfo *info)
{
  guint32 window = 0;

  switch (item->type)
    {
    case DIMSE_ITEM_MAXIMUM_LENGTH:
      return decode_fixed_u32 (d, item, &info->has_max_pdu_length, &info->max_pdu_length);
    case DIMSE_ITEM_IMPLEMENTATION_CLASS_UID:
      return item_text (d, item, &info->implementation_class_uid);
    case DIMSE_ITEM_IMPLEMENTATION_VERSION_NAME:
      return item_text (d, item, &info->implementation_version_name);
    case DIMSE_ITEM_ASYNCHRONOUS_OPERATIONS_WINDOW:
      if (!decode_fixed_u32 (d, item, &info->has_async_ops_window, &window))
        return FALSE;
      info->max_operations_invoked = window >> 16;
      info->max_operations_performed = window & 0xffff;
      return TRUE;
    case DIMSE_ITEM_ROLE_SELECTION:
      return decode_role_selection (d, item, info);
    case DIMSE_ITEM_SOP_CLASS_EXTENDED_NEGOTIATION:
      return decode_extended_negotiation (d, item, info);
    case DIMSE_ITEM_SOP_CLASS_COMMON_EXTENDED_NEGOTIATION:
      if (!d->is_rq)
        return unexpected_item (d, item, "an A-ASSOCIATE-AC");
      return decode_common_extended_negotiation (d, item, info);
    case DIMSE_ITEM_USER_IDENTITY_RQ:
      if (!d->is_rq)
        return unexpected_item (d, item, "an A-ASSOCIATE-AC");
      return decode_user_identity (d, item, info);
    case DIMSE_ITEM_USER_IDENTITY_AC:
      if (d->is_rq)
        return unexpected_item (d, item, "an A-ASSOCIATE-RQ");
      if (info->user_identity_server_response != NULL)
        return unexpected_item (d, item, "a user information item that already has one");
      return take_counted (d, &item->body, "the user identity server response",
                           &info->user_identity_server_response)
             && ensure_consumed (d, item);
    default:
      return keep_unknown (d, item, info->unknown_items);
    }
}

static gboolean
decode_user_info (Decoder *d, Item *item, DimseAssociate *assoc)
{
  if (assoc->user_info != NULL)
    return unexpected_item (d, item, "a PDU that already has one");
  assoc->user_info = dimse_user_info_new ();
  while (dcm_reader_remaining (&item->body) > 0)
    {
      Item sub;
      if (!read_item (d, &item->body, "user information item", &sub)
          || !decode_user_sub_item (d, &sub, assoc->user_info))
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_context_rq_sub_item (Decoder *d, Item *sub, DimsePresentationContext *pc)
{
  char *uid = NULL;

  switch (sub->type)
    {
    case DIMSE_ITEM_ABSTRACT_SYNTAX:
      return item_text (d, sub, &pc->abstract_syntax);
    case DIMSE_ITEM_TRANSFER_SYNTAX:
      if (!item_text (d, sub, &uid))
        return FALSE;
      g_ptr_array_add (pc->transfer_syntaxes, uid);
      return TRUE;
    default:
      return keep_unknown (d, sub, pc->unknown_items);
    }
}

static gboolean
decode_context_ac_sub_item (Decoder *d, Item *sub, DimsePresentationContext *pc)
{
  char *uid = NULL;

  switch (sub->type)
    {
    case DIMSE_ITEM_ABSTRACT_SYNTAX:
      return unexpected_item (d, sub, "a presentation context of an A-ASSOCIATE-AC");
    case DIMSE_ITEM_TRANSFER_SYNTAX:
      if (pc->transfer_syntaxes->len > 0)
        return unexpected_item (d, sub, "a presentation context that already has one");
      if (!item_text (d, sub, &uid))
        return FALSE;
      g_ptr_array_add (pc->transfer_syntaxes, uid);
      return TRUE;
    default:
      return keep_unknown (d, sub, pc->unknown_items);
    }
}

static gboolean
decode_presentation_context (Decoder *d, Item *item, DimseAssociate *assoc)
{
  DimsePresentationContext *pc = dimse_presentation_context_new (0, NULL);
  guint8 skip = 0;

  g_ptr_array_add (assoc->presentation_contexts, pc);
  if (!get_u8 (d, &item->body, "the presentation context ID", &pc->id)
      || !get_u8 (d, &item->body, "a reserved field", &skip)
      || !get_u8 (d, &item->body, "the result/reason field", &pc->result)
      || !get_u8 (d, &item->body, "a reserved field", &skip)
      || !check_context_id (d, pc->id, item->offset, "presentation context item"))
    return FALSE;
  if (d->is_rq)
    pc->result = 0;
  else if (pc->result > DIMSE_PRESENTATION_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED)
    return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                 "presentation context %u at byte offset %" G_GUINT64_FORMAT
                 " has result/reason %u; PS3.8 Table 9-18 defines 0 to 4",
                 pc->id, item->offset, pc->result);
  while (dcm_reader_remaining (&item->body) > 0)
    {
      Item sub;
      if (!read_item (d, &item->body, "presentation context item", &sub))
        return FALSE;
      if (!(d->is_rq ? decode_context_rq_sub_item (d, &sub, pc)
                     : decode_context_ac_sub_item (d, &sub, pc)))
        return FALSE;
    }
  if (d->is_rq && (pc->abstract_syntax == NULL || pc->transfer_syntaxes->len == 0))
    return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                 "presentation context %u at byte offset %" G_GUINT64_FORMAT
                 " lacks an abstract syntax or a transfer syntax", pc->id, item->offset);
  return TRUE;
}

static gboolean
decode_associate_item (Decoder *d, Item *item, DimseAssociate *assoc)
{
  guint8 own_context = d->is_rq ? DIMSE_ITEM_PRESENTATION_CONTEXT_RQ
                                : DIMSE_ITEM_PRESENTATION_CONTEXT_AC;

  switch (item->type)
    {
    case DIMSE_ITEM_APPLICATION_CONTEXT:
      return item_text (d, item, &assoc->application_context_name);
    case DIMSE_ITEM_PRESENTATION_CONTEXT_RQ:
    case DIMSE_ITEM_PRESENTATION_CONTEXT_AC:
      if (item->type != own_context)
        return unexpected_item (d, item, d->is_rq ? "an A-ASSOCIATE-RQ" : "an A-ASSOCIATE-AC");
      return decode_presentation_context (d, item, assoc);
    case DIMSE_ITEM_USER_INFORMATION:
      return decode_user_info (d, item, assoc);
    default:
      return keep_unknown (d, item, assoc->unknown_items);
    }
}

static gboolean
decode_associate (Decoder *d, DcmReader *r, DimsePdu *pdu)
{
  DimseAssociate *assoc = pdu->associate;

  g_clear_pointer (&assoc->application_context_name, g_free);
  if (!get_u16 (d, r, "the protocol version", &assoc->protocol_version)
      || !need (d, r, ASSOCIATE_FIXED_LENGTH - 2, "the fixed fields"))
    return FALSE;
  dcm_reader_skip (r, 2, NULL);
  if (!take_text (d, r, DIMSE_AE_TITLE_LENGTH, "the called AE title", TRUE,
                  &assoc->called_ae_title)
      || !take_text (d, r, DIMSE_AE_TITLE_LENGTH, "the calling AE title", TRUE,
                     &assoc->calling_ae_title))
    return FALSE;
  dcm_reader_skip (r, 32, NULL);
  while (dcm_reader_remaining (r) > 0)
    {
      Item item;
      if (!read_item (d, r, "PDU", &item) || !decode_associate_item (d, &item, assoc))
        return FALSE;
    }
  if (assoc->application_context_name == NULL)
    return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                 "it has no application context item");
  return TRUE;
}

static gboolean
decode_pdata (Decoder *d, DcmReader *r, DimsePdu *pdu)
{
  /* PS3.8 §9.3.5: one or more PDV items. */
  if (dcm_reader_remaining (r) == 0)
    return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE, "it holds no PDV item");
  while (dcm_reader_remaining (r) > 0)
    {
      guint64 offset = dcm_reader_offset (r);
      guint32 length = 0;
      g_autoptr(DimsePdv) pdv = dimse_pdv_new (0, 0, NULL);

      if (!get_u32 (d, r, "a PDV item length", &length))
        return FALSE;
      if (length < 2 || length > dcm_reader_remaining (r))
        return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                     "the PDV item at byte offset %" G_GUINT64_FORMAT " declares length %u "
                     "but must hold 2 to %" G_GSIZE_FORMAT " bytes",
                     offset, length, dcm_reader_remaining (r));
      dcm_reader_read_u8 (r, &pdv->presentation_context_id, NULL);
      dcm_reader_read_u8 (r, &pdv->message_control_header, NULL);
      if (!check_context_id (d, pdv->presentation_context_id, offset, "PDV item"))
        return FALSE;
      g_bytes_unref (pdv->fragment);
      pdv->fragment = slice (d, r, length - 2);
      dcm_reader_skip (r, length - 2, NULL);
      g_ptr_array_add (pdu->pdvs, g_steal_pointer (&pdv));
    }
  return TRUE;
}

static gboolean
decode_fixed (Decoder *d, DcmReader *r, DimsePdu *pdu)
{
  const guint8 *p = NULL;

  if (!need (d, r, FIXED_PDU_LENGTH, "the fixed fields"))
    return FALSE;
  dcm_reader_read_bytes (r, FIXED_PDU_LENGTH, &p, NULL);
  if (pdu->type == DIMSE_PDU_ABORT)
    {
      pdu->abort.source = p[2];
      pdu->abort.reason = p[3];
    }
  else if (pdu->type == DIMSE_PDU_ASSOCIATE_RJ)
    {
      pdu->associate_rj.result = p[1];
      pdu->associate_rj.source = p[2];
      pdu->associate_rj.reason = p[3];
      if (p[1] < DIMSE_RJ_RESULT_PERMANENT || p[1] > DIMSE_RJ_RESULT_TRANSIENT
          || p[2] < DIMSE_RJ_SOURCE_SERVICE_USER
          || p[2] > DIMSE_RJ_SOURCE_SERVICE_PROVIDER_PRESENTATION)
        return fail (d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
                     "result %u or source %u at byte offset 7 is not in PS3.8 Table 9-21",
                     p[1], p[2]);
    }
  return TRUE;
}

gboolean
dimse_pdu_decode_full (GBytes *bytes, const DimsePduLimits *limits, DimsePdu **out,
                       DimseAbortReason *abort_reason, GError **error)
{
  Decoder d = { bytes, "PDU", FALSE, DIMSE_ABORT_REASON_NOT_SPECIFIED, error };
  g_autoptr(DimsePdu) pdu = NULL;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint8 type = 0;
  guint32 length = 0;
  DcmReader r;
  gboolean ok = FALSE;

  g_return_val_if_fail (out != NULL, FALSE);
  if (size < DIMSE_PDU_HEADER_LENGTH)
    {
      fail (&d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
            "it holds %" G_GSIZE_FORMAT " bytes, fewer than the 6-byte header", size);
      return set_reason (abort_reason, d.reason);
    }
  dimse_pdu_peek_header (data, &type, &length);
  if (!dimse_pdu_check_header (type, length, limits, abort_reason, error))
    return FALSE;
  d.pdu_name = dimse_pdu_type_to_string (type);
  d.is_rq = type == DIMSE_PDU_ASSOCIATE_RQ;
  if (size - DIMSE_PDU_HEADER_LENGTH != length)
    {
      fail (&d, DIMSE_ABORT_REASON_INVALID_PDU_PARAMETER_VALUE,
            "its header declares a length of %u bytes but %" G_GSIZE_FORMAT " follow",
            length, size - DIMSE_PDU_HEADER_LENGTH);
      return set_reason (abort_reason, d.reason);
    }
  dcm_reader_init (&r, data, size, 0);
  dcm_reader_skip (&r, DIMSE_PDU_HEADER_LENGTH, NULL);
  pdu = dimse_pdu_new (type);
  if (type == DIMSE_PDU_ASSOCIATE_RQ || type == DIMSE_PDU_ASSOCIATE_AC)
    ok = decode_associate (&d, &r, pdu);
  else if (type == DIMSE_PDU_P_DATA_TF)
    ok = decode_pdata (&d, &r, pdu);
  else
    ok = decode_fixed (&d, &r, pdu);
  if (!ok)
    return set_reason (abort_reason, d.reason);
  *out = g_steal_pointer (&pdu);
  return TRUE;
}

gboolean
dimse_pdu_decode (GBytes *bytes, const DimsePduLimits *limits, DimsePdu **out, GError **error)
{
  return dimse_pdu_decode_full (bytes, limits, out, NULL, error);
}

/* ---- encoding ---- */

static gboolean encode_fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
encode_fail (GError **error, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID, "Cannot encode the PDU: %s.", msg);
  return FALSE;
}

static gsize
begin_item (DcmWriter *w, guint8 type, guint8 reserved)
{
  gsize offset = dcm_writer_offset (w);

  dcm_writer_put_u8 (w, type);
  dcm_writer_put_u8 (w, reserved);
  dcm_writer_put_u16_be (w, 0);
  return offset;
}

static gboolean
end_item (DcmWriter *w, gsize offset, GError **error)
{
  gsize length = dcm_writer_offset (w) - offset - ITEM_HEADER_LENGTH;

  if (length > G_MAXUINT16)
    return encode_fail (error, "the %s item holds %" G_GSIZE_FORMAT
                        " bytes, over the 65535 an item length can express",
                        dimse_item_type_to_string (w->buf->data[offset]), length);
  dcm_store_u16 (w->buf->data + offset + 2, (guint16) length, TRUE);
  return TRUE;
}

static void
put_text (DcmWriter *w, const char *text)
{
  if (text != NULL)
    dcm_writer_put_bytes (w, text, strlen (text));
}

static void
put_counted (DcmWriter *w, const void *data, gsize n)
{
  dcm_writer_put_u16_be (w, (guint16) MIN (n, G_MAXUINT16));
  dcm_writer_put_bytes (w, data, n);
}

static void
put_counted_text (DcmWriter *w, const char *text)
{
  put_counted (w, text != NULL ? text : "", text != NULL ? strlen (text) : 0);
}

static void
put_counted_bytes (DcmWriter *w, GBytes *bytes)
{
  gsize n = 0;
  const guint8 *p = bytes != NULL ? g_bytes_get_data (bytes, &n) : NULL;

  put_counted (w, p, n);
}

static gboolean
put_text_item (DcmWriter *w, guint8 type, const char *text, GError **error)
{
  gsize offset = begin_item (w, type, 0);

  put_text (w, text);
  return end_item (w, offset, error);
}

static gboolean
put_unknown_items (DcmWriter *w, GPtrArray *items, GError **error)
{
  for (guint i = 0; i < items->len; i++)
    {
      DimseUnknownItem *item = items->pdata[i];
      gsize n = 0;
      const guint8 *p = g_bytes_get_data (item->value, &n);
      gsize offset = begin_item (w, item->type, item->reserved);

      dcm_writer_put_bytes (w, p, n);
      if (!end_item (w, offset, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
put_ae_title (DcmWriter *w, const char *title, const char *what, GError **error)
{
  gsize n = title != NULL ? strlen (title) : 0;
  char padded[DIMSE_AE_TITLE_LENGTH];

  if (n > DIMSE_AE_TITLE_LENGTH)
    return encode_fail (error, "the %s \"%s\" is longer than 16 characters", what, title);
  memset (padded, ' ', sizeof padded);
  if (n > 0)
    memcpy (padded, title, n);
  dcm_writer_put_bytes (w, padded, sizeof padded);
  return TRUE;
}

static gboolean
put_presentation_context (DcmWriter *w, const DimsePresentationContext *pc, gboolean is_rq,
                          GError **error)
{
  gsize offset;

  if (pc->id % 2 == 0)
    return encode_fail (error, "presentation context ID %u is not an odd number", pc->id);
  offset = begin_item (w, is_rq ? DIMSE_ITEM_PRESENTATION_CONTEXT_RQ
                                : DIMSE_ITEM_PRESENTATION_CONTEXT_AC, 0);
  dcm_writer_put_u8 (w, pc->id);
  dcm_writer_put_u8 (w, 0);
  dcm_writer_put_u8 (w, is_rq ? 0 : pc->result);
  dcm_writer_put_u8 (w, 0);
  if (is_rq && !put_text_item (w, DIMSE_ITEM_ABSTRACT_SYNTAX, pc->abstract_syntax, error))
    return FALSE;
  for (guint i = 0; i < pc->transfer_syntaxes->len; i++)
    if (!put_text_item (w, DIMSE_ITEM_TRANSFER_SYNTAX, pc->transfer_syntaxes->pdata[i], error))
      return FALSE;
  return put_unknown_items (w, pc->unknown_items, error) && end_item (w, offset, error);
}

static gboolean
put_negotiations (DcmWriter *w, const DimseUserInfo *info, GError **error)
{
  for (guint i = 0; i < info->role_selections->len; i++)
    {
      DimseRoleSelection *rs = info->role_selections->pdata[i];
      gsize offset = begin_item (w, DIMSE_ITEM_ROLE_SELECTION, 0);
      put_counted_text (w, rs->sop_class_uid);
      dcm_writer_put_u8 (w, rs->scu_role);
      dcm_writer_put_u8 (w, rs->scp_role);
      if (!end_item (w, offset, error))
        return FALSE;
    }
  if (info->implementation_version_name != NULL
      && !put_text_item (w, DIMSE_ITEM_IMPLEMENTATION_VERSION_NAME,
                         info->implementation_version_name, error))
    return FALSE;
  for (guint i = 0; i < info->extended_negotiations->len; i++)
    {
      DimseExtendedNegotiation *en = info->extended_negotiations->pdata[i];
      gsize n = 0;
      const guint8 *p = g_bytes_get_data (en->service_class_application_information, &n);
      gsize offset = begin_item (w, DIMSE_ITEM_SOP_CLASS_EXTENDED_NEGOTIATION, 0);
      put_counted_text (w, en->sop_class_uid);
      dcm_writer_put_bytes (w, p, n);
      if (!end_item (w, offset, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
put_common_extended_negotiations (DcmWriter *w, const DimseUserInfo *info, GError **error)
{
  for (guint i = 0; i < info->common_extended_negotiations->len; i++)
    {
      DimseCommonExtendedNegotiation *cen = info->common_extended_negotiations->pdata[i];
      GPtrArray *related = cen->related_general_sop_class_uids;
      gsize offset = begin_item (w, DIMSE_ITEM_SOP_CLASS_COMMON_EXTENDED_NEGOTIATION, 0);
      gsize list_offset;

      put_counted_text (w, cen->sop_class_uid);
      put_counted_text (w, cen->service_class_uid);
      list_offset = dcm_writer_offset (w);
      dcm_writer_put_u16_be (w, 0);
      for (guint j = 0; j < related->len; j++)
        put_counted_text (w, related->pdata[j]);
      if (!end_item (w, offset, error))
        return FALSE;
      dcm_store_u16 (w->buf->data + list_offset,
                     (guint16) (dcm_writer_offset (w) - list_offset - 2), TRUE);
    }
  return TRUE;
}

static gboolean
put_user_identity (DcmWriter *w, const DimseUserInfo *info, GError **error)
{
  gsize offset;

  if (info->user_identity != NULL)
    {
      DimseUserIdentity *ui = info->user_identity;
      offset = begin_item (w, DIMSE_ITEM_USER_IDENTITY_RQ, 0);
      dcm_writer_put_u8 (w, ui->user_identity_type);
      dcm_writer_put_u8 (w, ui->positive_response_requested ? 1 : 0);
      put_counted_bytes (w, ui->primary_field);
      put_counted_bytes (w, ui->secondary_field);
      if (!end_item (w, offset, error))
        return FALSE;
    }
  if (info->user_identity_server_response != NULL)
    {
      offset = begin_item (w, DIMSE_ITEM_USER_IDENTITY_AC, 0);
      put_counted_bytes (w, info->user_identity_server_response);
      if (!end_item (w, offset, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
put_user_info (DcmWriter *w, const DimseUserInfo *info, GError **error)
{
  gsize offset = begin_item (w, DIMSE_ITEM_USER_INFORMATION, 0);
  gsize sub;

  if (info->has_max_pdu_length)
    {
      sub = begin_item (w, DIMSE_ITEM_MAXIMUM_LENGTH, 0);
      dcm_writer_put_u32_be (w, info->max_pdu_length);
      end_item (w, sub, NULL);
    }
  if (info->implementation_class_uid != NULL
      && !put_text_item (w, DIMSE_ITEM_IMPLEMENTATION_CLASS_UID,
                         info->implementation_class_uid, error))
    return FALSE;
  if (info->has_async_ops_window)
    {
      sub = begin_item (w, DIMSE_ITEM_ASYNCHRONOUS_OPERATIONS_WINDOW, 0);
      dcm_writer_put_u16_be (w, info->max_operations_invoked);
      dcm_writer_put_u16_be (w, info->max_operations_performed);
      end_item (w, sub, NULL);
    }
  return put_negotiations (w, info, error)
         && put_common_extended_negotiations (w, info, error)
         && put_user_identity (w, info, error)
         && put_unknown_items (w, info->unknown_items, error)
         && end_item (w, offset, error);
}

static gboolean
put_associate (DcmWriter *w, const DimseAssociate *assoc, gboolean is_rq, GError **error)
{
  dcm_writer_put_u16_be (w, assoc->protocol_version);
  dcm_writer_put_u16_be (w, 0);
  if (!put_ae_title (w, assoc->called_ae_title, "called AE title", error)
      || !put_ae_title (w, assoc->calling_ae_title, "calling AE title", error))
    return FALSE;
  dcm_writer_put_zeros (w, 32);
  if (!put_text_item (w, DIMSE_ITEM_APPLICATION_CONTEXT, assoc->application_context_name, error))
    return FALSE;
  for (guint i = 0; i < assoc->presentation_contexts->len; i++)
    if (!put_presentation_context (w, assoc->presentation_contexts->pdata[i], is_rq, error))
      return FALSE;
  if (assoc->user_info != NULL && !put_user_info (w, assoc->user_info, error))
    return FALSE;
  return put_unknown_items (w, assoc->unknown_items, error);
}

static gboolean
put_pdvs (DcmWriter *w, GPtrArray *pdvs, GError **error)
{
  for (guint i = 0; i < pdvs->len; i++)
    {
      DimsePdv *pdv = pdvs->pdata[i];
      gsize n = 0;
      const guint8 *p = g_bytes_get_data (pdv->fragment, &n);

      if (pdv->presentation_context_id % 2 == 0)
        return encode_fail (error, "PDV %u has presentation context ID %u, not an odd number",
                            i + 1, pdv->presentation_context_id);
      if (n > G_MAXUINT32 - 2)
        return encode_fail (error, "PDV %u is larger than a PDV item can express", i + 1);
      dcm_writer_put_u32_be (w, (guint32) n + 2);
      dcm_writer_put_u8 (w, pdv->presentation_context_id);
      dcm_writer_put_u8 (w, pdv->message_control_header);
      dcm_writer_put_bytes (w, p, n);
    }
  return TRUE;
}

static void
put_fixed (DcmWriter *w, guint8 a, guint8 b, guint8 c, guint8 d)
{
  guint8 fields[FIXED_PDU_LENGTH] = { a, b, c, d };
  dcm_writer_put_bytes (w, fields, sizeof fields);
}

GBytes *
dimse_pdu_encode (const DimsePdu *pdu, GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  DcmWriter w;
  gboolean ok = TRUE;

  dcm_writer_init (&w, buf);
  dcm_writer_put_u8 (&w, pdu->type);
  dcm_writer_put_u8 (&w, 0);
  dcm_writer_put_u32_be (&w, 0);
  switch (pdu->type)
    {
    case DIMSE_PDU_ASSOCIATE_RQ:
    case DIMSE_PDU_ASSOCIATE_AC:
      ok = put_associate (&w, pdu->associate, pdu->type == DIMSE_PDU_ASSOCIATE_RQ, error);
      break;
    case DIMSE_PDU_ASSOCIATE_RJ:
      put_fixed (&w, 0, pdu->associate_rj.result, pdu->associate_rj.source,
                 pdu->associate_rj.reason);
      break;
    case DIMSE_PDU_P_DATA_TF:
      ok = put_pdvs (&w, pdu->pdvs, error);
      break;
    case DIMSE_PDU_RELEASE_RQ:
    case DIMSE_PDU_RELEASE_RP:
      put_fixed (&w, 0, 0, 0, 0);
      break;
    case DIMSE_PDU_ABORT:
      put_fixed (&w, 0, 0, pdu->abort.source, pdu->abort.reason);
      break;
    default:
      encode_fail (error, "type %02XH is not a PDU of PS3.8 §9.3", pdu->type);
      return NULL;
    }
  if (!ok)
    return NULL;
  if (buf->len - DIMSE_PDU_HEADER_LENGTH > G_MAXUINT32)
    {
      encode_fail (error, "it is larger than a PDU length can express");
      return NULL;
    }
  dcm_writer_patch_u32 (&w, 2, buf->len - DIMSE_PDU_HEADER_LENGTH, TRUE);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* ---- fragmentation ---- */

static GBytes *
encode_pdata_pdu (guint8 id, guint8 control, const guint8 *data, gsize n)
{
  GByteArray *buf = g_byte_array_sized_new ((guint) (n + 12));
  DcmWriter w;

  dcm_writer_init (&w, buf);
  dcm_writer_put_u8 (&w, DIMSE_PDU_P_DATA_TF);
  dcm_writer_put_u8 (&w, 0);
  dcm_writer_put_u32_be (&w, (guint32) (n + DIMSE_PDV_HEADER_LENGTH));
  dcm_writer_put_u32_be (&w, (guint32) (n + 2));
  dcm_writer_put_u8 (&w, id);
  dcm_writer_put_u8 (&w, control);
  dcm_writer_put_bytes (&w, data, n);
  return g_byte_array_free_to_bytes (buf);
}

GPtrArray *
dimse_pdu_fragment_message (guint8 presentation_context_id, gboolean is_command,
                            GBytes *message, guint32 max_pdu_length, GError **error)
{
  g_autoptr(GPtrArray) pdus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (message, &size);
  gsize chunk, offset = 0;

  /* PS3.8 §D.1: the Maximum Length bounds the variable field of P-DATA-TF,
   * that is, the PDU length, which also holds the 6-byte PDV header. */
  if (max_pdu_length != 0 && max_pdu_length <= DIMSE_PDV_HEADER_LENGTH)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                   "The peer's maximum PDU length of %u bytes leaves no room for data.",
                   max_pdu_length);
      return NULL;
    }
  if (presentation_context_id % 2 == 0)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID,
                   "Presentation context ID %u is not an odd number.", presentation_context_id);
      return NULL;
    }
  chunk = (max_pdu_length != 0 ? max_pdu_length : G_MAXUINT32) - DIMSE_PDV_HEADER_LENGTH;
  do
    {
      gsize n = MIN (chunk, size - offset);
      guint8 control = is_command ? DIMSE_PDV_COMMAND : 0;

      if (offset + n == size)
        control |= DIMSE_PDV_LAST;
      g_ptr_array_add (pdus, encode_pdata_pdu (presentation_context_id, control,
                                               data + offset, n));
      offset += n;
    }
  while (offset < size);
  return g_steal_pointer (&pdus);
}

/* ---- description ---- */

static const char *
str0 (const char *s)
{
  return s != NULL ? s : "";
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
    g_string_append_printf (s, ": abstract syntax %s\n", str0 (pc->abstract_syntax));
  else
    g_string_append_printf (s, ": %s\n", dimse_presentation_context_result_to_string (pc->result));
  for (guint i = 0; i < pc->transfer_syntaxes->len; i++)
    g_string_append_printf (s, "    transfer syntax %s\n", (char *) pc->transfer_syntaxes->pdata[i]);
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
describe_negotiations (GString *s, const DimseUserInfo *info)
{
  for (guint i = 0; i < info->role_selections->len; i++)
    {
      DimseRoleSelection *rs = info->role_selections->pdata[i];
      g_string_append_printf (s, "    role selection %s: SCU role %u, SCP role %u\n",
                              str0 (rs->sop_class_uid), rs->scu_role, rs->scp_role);
    }
  for (guint i = 0; i < info->extended_negotiations->len; i++)
    {
      DimseExtendedNegotiation *en = info->extended_negotiations->pdata[i];
      g_string_append_printf (s, "    extended negotiation %s: %" G_GSIZE_FORMAT " bytes\n",
                              str0 (en->sop_class_uid),
                              g_bytes_get_size (en->service_class_application_information));
    }
  for (guint i = 0; i < info->common_extended_negotiations->len; i++)
    {
      DimseCommonExtendedNegotiation *cen = info->common_extended_negotiations->pdata[i];
      g_string_append_printf (s, "    common extended negotiation %s: service class %s\n",
                              str0 (cen->sop_class_uid), str0 (cen->service_class_uid));
      for (guint j = 0; j < cen->related_general_sop_class_uids->len; j++)
        g_string_append_printf (s, "      related general SOP class %s\n",
                                (char *) cen->related_general_sop_class_uids->pdata[j]);
    }
}

static void
describe_user_info (GString *s, const DimseUserInfo *info)
{
  g_string_append (s, "  user information\n");
  if (info->has_max_pdu_length)
    g_string_append_printf (s, "    maximum length: %u\n", info->max_pdu_length);
  if (info->implementation_class_uid != NULL)
    g_string_append_printf (s, "    implementation class UID: %s\n",
                            info->implementation_class_uid);
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
  g_string_append_printf (s, "  protocol version: %u\n", assoc->protocol_version);
  g_string_append_printf (s, "  called AE title: \"%s\"\n",
                          str0 (assoc->called_ae_title));
  g_string_append_printf (s, "  calling AE title: \"%s\"\n",
                          str0 (assoc->calling_ae_title));
  g_string_append_printf (s, "  application context: %s\n",
                          str0 (assoc->application_context_name));
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
