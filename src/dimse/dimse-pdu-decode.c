/* dimse-pdu-decode.c — decoding of the PS3.8 §9.3 upper layer PDUs */
#include "dimse-pdu-private.h"
#include "dimse-error.h"
#include "dcm-binary.h"

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
      return dimse_pdu_set_abort_reason (abort_reason, d.reason);
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
      return dimse_pdu_set_abort_reason (abort_reason, d.reason);
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
    return dimse_pdu_set_abort_reason (abort_reason, d.reason);
  *out = g_steal_pointer (&pdu);
  return TRUE;
}

gboolean
dimse_pdu_decode (GBytes *bytes, const DimsePduLimits *limits, DimsePdu **out, GError **error)
{
  return dimse_pdu_decode_full (bytes, limits, out, NULL, error);
}
