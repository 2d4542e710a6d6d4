/* dimse-recorder-describe.c — the summary line and the details of a
 * recorded PDU or DIMSE message */
#include "dimse-recorder-private.h"

#include <string.h>
#include "dimse-pdu.h"
#include "dimse-status.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dcm-writer.h"

#define HEX_DUMP_LIMIT 256

static const char *
str0 (const char *s)
{
  return s != NULL ? s : "";
}

/* ---- PDUs ---- */

static guint
count_accepted (GPtrArray *contexts)
{
  guint n = 0;

  for (guint i = 0; i < contexts->len; i++)
    {
      DimsePresentationContext *pc = contexts->pdata[i];
      if (pc->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
        n++;
    }
  return n;
}

static void
remember_abstract_syntaxes (DimseRecorderAssociation *assoc, const DimseAssociate *rq)
{
  if (assoc == NULL)
    return;
  g_hash_table_remove_all (assoc->abstract_syntaxes);
  for (guint i = 0; i < rq->presentation_contexts->len; i++)
    {
      DimsePresentationContext *pc = rq->presentation_contexts->pdata[i];
      g_hash_table_insert (assoc->abstract_syntaxes, GUINT_TO_POINTER (pc->id),
                           g_strdup (str0 (pc->abstract_syntax)));
    }
}

/* PS3.8 §9.3.3.2: an -AC item gives only the result; what was accepted is
 * the -RQ's abstract syntax under the same presentation context ID. */
static void
describe_negotiation (GString *s, DimseRecorderAssociation *assoc, const DimseAssociate *ac)
{
  g_string_append (s, "negotiation result\n");
  for (guint i = 0; i < ac->presentation_contexts->len; i++)
    {
      DimsePresentationContext *pc = ac->presentation_contexts->pdata[i];
      const char *abstract_syntax = NULL;
      gboolean accepted = pc->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE;

      if (assoc != NULL)
        abstract_syntax = g_hash_table_lookup (assoc->abstract_syntaxes,
                                               GUINT_TO_POINTER (pc->id));
      g_string_append_printf (s, "  presentation context %u %s: %s", pc->id,
                              abstract_syntax != NULL ? dcm_uid_name (abstract_syntax)
                                                      : "(not in a recorded A-ASSOCIATE-RQ)",
                              dimse_presentation_context_result_to_string (pc->result));
      if (accepted && pc->transfer_syntaxes->len > 0)
        g_string_append_printf (s, ", %s", dcm_uid_name (pc->transfer_syntaxes->pdata[0]));
      g_string_append_c (s, '\n');
    }
}

/* PS3.15 Annex B.1: who the peer proved to be, beside what it negotiated. */
static void
describe_transport (GString *s, DimseTrafficEvent *event, DimseRecorderAssociation *assoc,
                    guint8 pdu_type)
{
  g_autofree char *facts = NULL;

  if (assoc == NULL || !assoc->transport_known
      || (pdu_type != DIMSE_PDU_ASSOCIATE_RQ && pdu_type != DIMSE_PDU_ASSOCIATE_AC
          && pdu_type != DIMSE_PDU_ASSOCIATE_RJ))
    return;
  dimse_traffic_event_set_transport (event, assoc->tls);
  if (assoc->tls == NULL)
    {
      g_string_append (s, "transport: plain TCP (no TLS)\n");
      return;
    }
  facts = dimse_tls_info_describe (assoc->tls, "  ");
  g_string_append (s, "transport: TLS\n");
  g_string_append (s, facts);
}

static char *
summarize_pdata (GPtrArray *pdvs)
{
  gsize total = 0;
  DimsePdv *pdv;

  if (pdvs->len != 1)
    {
      for (guint i = 0; i < pdvs->len; i++)
        total += g_bytes_get_size (((DimsePdv *) pdvs->pdata[i])->fragment);
      return g_strdup_printf ("P-DATA-TF %u PDVs, %" G_GSIZE_FORMAT " bytes", pdvs->len, total);
    }
  pdv = pdvs->pdata[0];
  return g_strdup_printf ("P-DATA-TF context %u, %s, %s, %" G_GSIZE_FORMAT " bytes",
                          pdv->presentation_context_id,
                          pdv->message_control_header & DIMSE_PDV_COMMAND ? "command"
                                                                           : "data set",
                          pdv->message_control_header & DIMSE_PDV_LAST ? "last fragment"
                                                                        : "more to follow",
                          g_bytes_get_size (pdv->fragment));
}

static char *
summarize_pdu (const DimsePdu *pdu)
{
  g_autofree char *words = NULL;
  const char *name = dimse_pdu_type_to_string (pdu->type);

  switch (pdu->type)
    {
    case DIMSE_PDU_ASSOCIATE_RQ:
      return g_strdup_printf ("%s %s → %s, %u contexts", name,
                              str0 (pdu->associate->calling_ae_title),
                              str0 (pdu->associate->called_ae_title),
                              pdu->associate->presentation_contexts->len);
    case DIMSE_PDU_ASSOCIATE_AC:
      return g_strdup_printf ("%s %s → %s, %u of %u contexts accepted", name,
                              str0 (pdu->associate->called_ae_title),
                              str0 (pdu->associate->calling_ae_title),
                              count_accepted (pdu->associate->presentation_contexts),
                              pdu->associate->presentation_contexts->len);
    case DIMSE_PDU_ASSOCIATE_RJ:
      words = dimse_associate_rj_describe (&pdu->associate_rj);
      return g_strdup_printf ("%s %s", name, words);
    case DIMSE_PDU_P_DATA_TF:
      return summarize_pdata (pdu->pdvs);
    case DIMSE_PDU_ABORT:
      words = dimse_abort_describe (&pdu->abort);
      return g_strdup_printf ("%s %s", name, words);
    default:
      return g_strdup (name);
    }
}

static void
append_hex_dump (GString *s, const guint8 *data, gsize n)
{
  gsize shown = MIN (n, HEX_DUMP_LIMIT);

  for (gsize i = 0; i < shown; i += 16)
    {
      g_string_append_printf (s, "  %04" G_GSIZE_MODIFIER "x ", i);
      for (gsize j = i; j < MIN (i + 16, shown); j++)
        g_string_append_printf (s, " %02x", data[j]);
      g_string_append_c (s, '\n');
    }
  if (shown < n)
    g_string_append_printf (s, "  … %" G_GSIZE_FORMAT " more bytes\n", n - shown);
}

/* A User Identity sub-item could start at data[i] (PS3.7 Table D.3-14):
 * item type 58H, a reserved 00, an identity type of 1 to 5. */
static gboolean
looks_like_user_identity (const guint8 *data, gsize n, gsize i)
{
  return i + 8 <= n && data[i] == DIMSE_ITEM_USER_IDENTITY_RQ && data[i + 1] == 0
         && data[i + 4] >= 1 && data[i + 4] <= 5 && data[i + 5] <= 1;
}

/* An A-ASSOCIATE-RQ that does not decode still may carry a passcode,
 * ticket or token: every place that looks like a User Identity sub-item
 * has its credential overwritten with '*', up to the end of the bytes
 * when its lengths run past them. Erring towards masking is the point. */
static GBytes *
redact_malformed_associate_rq (GBytes *raw_pdu)
{
  gsize n = 0;
  const guint8 *data = g_bytes_get_data (raw_pdu, &n);
  guint8 *copy = NULL;

  for (gsize i = 6; i < n; i++)
    {
      gsize n_primary, from, length;

      if (!looks_like_user_identity (data, n, i))
        continue;
      n_primary = ((gsize) data[i + 6] << 8) | data[i + 7];
      if (data[i + 4] == DIMSE_USER_IDENTITY_USERNAME)
        continue;
      if (data[i + 4] == DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE)
        {
          gsize at = i + 8 + n_primary;

          from = at + 2;
          length = at + 2 <= n ? ((gsize) data[at] << 8) | data[at + 1] : n;
          if (at + 2 > n)
            from = MIN (at, n);
        }
      else
        from = i + 8, length = n_primary;
      if (from >= n)
        continue;
      length = MIN (length, n - from);
      if (copy == NULL)
        copy = g_memdup2 (data, n);
      memset (copy + from, '*', length);
    }
  return copy != NULL ? g_bytes_new_take (copy, n) : g_bytes_ref (raw_pdu);
}

static DimseTrafficEvent *
describe_malformed (DimseTrafficEvent *event, GBytes *raw_pdu, const GError *error)
{
  gsize n = 0;
  const guint8 *original = g_bytes_get_data (raw_pdu, &n);
  guint8 type = n > 0 ? original[0] : 0;
  g_autoptr(GBytes) shown = type == DIMSE_PDU_ASSOCIATE_RQ
                            ? redact_malformed_associate_rq (raw_pdu) : g_bytes_ref (raw_pdu);
  const guint8 *data = g_bytes_get_data (shown, NULL);
  GString *details = g_string_new (NULL);

  g_string_append_printf (details, "%s\n%" G_GSIZE_FORMAT " bytes:\n", error->message, n);
  append_hex_dump (details, data, n);
  dimse_traffic_event_set_pdu (event, type, n, shown, TRUE);
  dimse_traffic_event_take_text (event,
                                 g_strdup_printf ("Malformed %s (%" G_GSIZE_FORMAT
                                                  " bytes): %s", dimse_pdu_type_to_string (type),
                                                  n, error->message),
                                 g_string_free (details, FALSE));
  return event;
}

static const guint8 *
find_bytes (const guint8 *haystack, gsize n_haystack, const guint8 *needle, gsize n_needle)
{
  for (gsize i = 0; n_needle <= n_haystack && i <= n_haystack - n_needle; i++)
    if (memcmp (haystack + i, needle, n_needle) == 0)
      return haystack + i;
  return NULL;
}

static void
put_u16_be (guint8 *p, gsize n)
{
  p[0] = (guint8) (n >> 8);
  p[1] = (guint8) n;
}

/* The recorder keeps the raw PDU for the hex view and the capture export;
 * credentials in a User Identity sub-item (PS3.7 §D.3.3.7.1: the passcode
 * of type 2, the ticket, assertion or token of types 3 to 5) are
 * overwritten with '*' there, as they are left out of the text. The item
 * is found by its exact bytes, rebuilt from the decoded fields. */
static GBytes *
redact_credentials (GBytes *raw_pdu, const DimsePdu *pdu)
{
  const DimseUserIdentity *ui = pdu->type == DIMSE_PDU_ASSOCIATE_RQ
                                && pdu->associate->user_info != NULL
                                ? pdu->associate->user_info->user_identity : NULL;
  gsize n_raw = 0, n_primary = 0, n_secondary = 0;
  const guint8 *raw = g_bytes_get_data (raw_pdu, &n_raw);
  const guint8 *primary, *secondary;
  g_autoptr(GByteArray) item = NULL;
  guint8 header[6];
  guint8 *copy;
  const guint8 *found;
  gsize at, mask_from, mask_length;

  if (ui == NULL || ui->user_identity_type == DIMSE_USER_IDENTITY_USERNAME)
    return g_bytes_ref (raw_pdu);
  primary = g_bytes_get_data (ui->primary_field, &n_primary);
  secondary = g_bytes_get_data (ui->secondary_field, &n_secondary);
  item = g_byte_array_new ();
  header[0] = DIMSE_ITEM_USER_IDENTITY_RQ;
  header[1] = 0;
  put_u16_be (header + 2, 6 + n_primary + n_secondary);
  header[4] = ui->user_identity_type;
  header[5] = ui->positive_response_requested ? 1 : 0;
  g_byte_array_append (item, header, sizeof header);
  put_u16_be (header, n_primary);
  g_byte_array_append (item, header, 2);
  g_byte_array_append (item, primary != NULL ? primary : header, (guint) n_primary);
  put_u16_be (header, n_secondary);
  g_byte_array_append (item, header, 2);
  g_byte_array_append (item, secondary != NULL ? secondary : header, (guint) n_secondary);
  found = find_bytes (raw, n_raw, item->data, item->len);
  if (found == NULL)
    return g_bytes_ref (raw_pdu);
  at = (gsize) (found - raw);
  if (ui->user_identity_type == DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE)
    mask_from = at + 10 + n_primary, mask_length = n_secondary;
  else
    mask_from = at + 8, mask_length = n_primary;
  copy = g_memdup2 (raw, n_raw);
  memset (copy + mask_from, '*', mask_length);
  return g_bytes_new_take (copy, n_raw);
}

DimseTrafficEvent *
dimse_recorder_describe_pdu (DimseRecorderAssociation *assoc, guint association_id,
                             DimseTrafficDirection direction, GBytes *raw_pdu)
{
  g_autoptr(DimsePdu) pdu = NULL;
  g_autoptr(GError) error = NULL;
  DimseTrafficEvent *event = dimse_traffic_event_new (g_get_real_time (), association_id,
                                                      direction, DIMSE_TRAFFIC_KIND_PDU);
  DimsePduLimits limits = { G_MAXUINT32, 0 };
  g_autofree char *text = NULL;
  g_autoptr(GBytes) shown = NULL;
  GString *details;

  /* The recorder shows what went over the wire, whatever limits the
   * association applied to it. */
  if (!dimse_pdu_decode (raw_pdu, &limits, &pdu, &error))
    return describe_malformed (event, raw_pdu, error);

  text = dimse_pdu_to_string (pdu);
  details = g_string_new (text);
  if (pdu->type == DIMSE_PDU_ASSOCIATE_RQ)
    remember_abstract_syntaxes (assoc, pdu->associate);
  else if (pdu->type == DIMSE_PDU_ASSOCIATE_AC)
    describe_negotiation (details, assoc, pdu->associate);
  describe_transport (details, event, assoc, pdu->type);
  shown = redact_credentials (raw_pdu, pdu);
  dimse_traffic_event_set_pdu (event, pdu->type, g_bytes_get_size (raw_pdu), shown, FALSE);
  dimse_traffic_event_take_text (event, summarize_pdu (pdu), g_string_free (details, FALSE));
  return event;
}

/* ---- DIMSE messages ---- */

static char *
summarize_message (DimseMessage *msg, guint16 message_id, gboolean has_status, guint16 status)
{
  DimseCommandField field = dimse_message_get_command_field (msg);
  GString *s = g_string_new (dimse_message_get_name (msg));
  g_autofree char *sop_class = dimse_message_dup_string (msg, DCM_TAG_AFFECTED_SOP_CLASS_UID);

  if (sop_class == NULL)
    sop_class = dimse_message_dup_string (msg, DCM_TAG_REQUESTED_SOP_CLASS_UID);
  if (has_status)
    g_string_append_printf (s, " %s (0x%04X)", dimse_status_meaning (status, field), status);
  g_string_append_printf (s, " msg %u", message_id);
  if (sop_class != NULL && !dimse_command_field_is_response (field))
    g_string_append_printf (s, ", %s", dcm_uid_name (sop_class));
  if (dimse_message_has_data_set (msg))
    g_string_append (s, ", with data set");
  return g_string_free (s, FALSE);
}

static char *
describe_message (DimseMessage *msg, guint8 presentation_context_id, gboolean has_status,
                  guint16 status)
{
  GString *s = g_string_new (NULL);
  g_autofree char *command = dimse_command_describe (dimse_message_get_command (msg));

  g_string_append_printf (s, "%s on presentation context %u\n", dimse_message_get_name (msg),
                          presentation_context_id);
  g_string_append (s, command);
  if (s->len > 0 && s->str[s->len - 1] != '\n')
    g_string_append_c (s, '\n');
  if (has_status)
    {
      g_autofree char *words = dimse_status_describe (status,
                                                      dimse_message_get_command_field (msg),
                                                      dimse_message_get_command (msg));
      g_string_append_printf (s, "status: %s (%s)\n", words,
                              dimse_status_class_name (dimse_status_class (status)));
    }
  return g_string_free (s, FALSE);
}

static guint64
message_length (DimseMessage *msg)
{
  g_autoptr(GBytes) command = dimse_message_encode_command (msg, NULL);
  guint64 length = command != NULL ? g_bytes_get_size (command) : 0;
  GBytes *data_set = dimse_message_get_encoded_data_set (msg, NULL);

  if (data_set != NULL)
    length += g_bytes_get_size (data_set);
  return length;
}

/* Encoded as it travels, or, for a data set the caller built, in Explicit
 * VR Little Endian, which any reader of the event can decode. */
static void
keep_data_set (DimseTrafficEvent *event, DimseMessage *msg)
{
  const DcmTransferSyntax *ts = NULL;
  GBytes *encoded = dimse_message_get_encoded_data_set (msg, &ts);
  DcmDataSet *data_set;
  g_autoptr(GBytes) written = NULL;

  if (encoded != NULL)
    {
      dimse_traffic_event_set_data_set (event, encoded, ts);
      return;
    }
  data_set = dimse_message_get_data_set (msg);
  if (data_set == NULL)
    return;
  written = dcm_data_set_write_bytes (data_set, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, NULL);
  if (written != NULL)
    dimse_traffic_event_set_data_set (event, written, &dcm_ts_explicit_le);
}

DimseTrafficEvent *
dimse_recorder_describe_message (guint association_id, DimseTrafficDirection direction,
                                 guint8 presentation_context_id, DimseMessage *msg)
{
  DimseTrafficEvent *event = dimse_traffic_event_new (g_get_real_time (), association_id,
                                                      direction, DIMSE_TRAFFIC_KIND_MESSAGE);
  DimseCommandField field = dimse_message_get_command_field (msg);
  guint16 message_id = 0;
  guint16 status = 0;
  gboolean has_status = dimse_message_get_us (msg, DCM_TAG_STATUS, &status);

  if (!dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID, &message_id))
    dimse_message_get_us (msg, DCM_TAG_MESSAGE_ID_BEING_RESPONDED_TO, &message_id);
  dimse_traffic_event_set_message (event, field, message_id, has_status, status,
                                   presentation_context_id, message_length (msg));
  if (field == DIMSE_C_STORE_RQ)
    {
      g_autofree char *originator =
        dimse_message_dup_string (msg, DCM_TAG_MOVE_ORIGINATOR_APPLICATION_ENTITY_TITLE);
      guint16 originator_id = 0;

      if (originator != NULL
          && dimse_message_get_us (msg, DCM_TAG_MOVE_ORIGINATOR_MESSAGE_ID, &originator_id))
        dimse_traffic_event_set_move_originator (event, originator, originator_id);
    }
  keep_data_set (event, msg);
  dimse_traffic_event_take_text (event,
                                 summarize_message (msg, message_id, has_status, status),
                                 describe_message (msg, presentation_context_id, has_status,
                                                   status));
  return event;
}
