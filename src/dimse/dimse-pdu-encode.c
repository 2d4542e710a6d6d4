/* dimse-pdu-encode.c — encoding of the PS3.8 §9.3 upper layer PDUs and the
 * fragmenting of a message into P-DATA-TF PDUs */
#include "dimse-pdu-private.h"
#include "dimse-error.h"
#include "dcm-binary.h"

#include <string.h>

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

