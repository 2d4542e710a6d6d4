/* dimse-archive-request.c — what the archive's handlers share about a
 * request: its calling AE, its identifier checked before any query runs,
 * and the final response with its Error Comment (PS3.7 Annex C) */
#include "config.h"

#include "dimse-archive-private.h"

#include "dcm-dict.h"
#include "dcm-parser.h"
#include "dimse-error.h"

/* PS3.5 §6.2: LO, the VR of Error Comment (0000,0902) */
#define ARCHIVE_MAX_COMMENT 64

const char *
dimse_archive_calling_ae_title (DimseAssociation *assoc)
{
  const DimseNegotiationResult *result = dimse_association_get_negotiation (assoc);

  return result != NULL && result->calling_ae_title != NULL ? result->calling_ae_title : "?";
}

/* The most bytes one value of a matching key may take: PS3.5 Table 6.2-1's
 * maximum, doubled with the hyphen of a range (PS3.4 §C.2.2.2.5), four
 * bytes a character for multi-byte character sets. 0: unbounded (LT, UT,
 * UR …). */
static gsize
key_value_limit (DcmVR vr)
{
  gsize max = dcm_vr_max_length (vr);

  return max == 0 ? 0 : 4 * (2 * max + 1);
}

/* A VR the dictionary does not allow for the tag (UN aside, PS3.5 §6.2.2). */
static gboolean
key_vr_allowed (const DcmElement *el)
{
  const DcmDictEntry *entry = dcm_dict_lookup (el->tag);

  if (entry == NULL || el->vr == DCM_VR_UN || entry->vr[0] == DCM_VR_NONE)
    return TRUE;
  for (guint v = 0; v < G_N_ELEMENTS (entry->vr) && entry->vr[v] != DCM_VR_NONE; v++)
    if (entry->vr[v] == el->vr)
      return TRUE;
  return FALSE;
}

/* A key no stored value could ever match is a malformed identifier, not a
 * query to run: a VR the attribute cannot have, a 10 KB Patient Name. */
static gboolean
check_key_lengths (DcmDataSet *identifier, GError **error)
{
  for (guint i = 0; i < dcm_data_set_n_elements (identifier); i++)
    {
      const DcmElement *el = dcm_data_set_nth (identifier, i);
      gsize limit = key_value_limit (el->vr), n = 0, run = 0;
      const guint8 *p;

      if (!key_vr_allowed (el))
        {
          g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                       "The key (%04X,%04X) %s has the VR %s, which it cannot have.",
                       el->tag >> 16, el->tag & 0xFFFF, dcm_dict_keyword (el->tag),
                       dcm_vr_name (el->vr));
          return FALSE;
        }

      if (el->kind == DCM_VALUE_ITEMS)
        {
          for (guint k = 0; k < el->value.items->len; k++)
            if (!check_key_lengths (el->value.items->pdata[k], error))
              return FALSE;
          continue;
        }
      if (el->kind != DCM_VALUE_BYTES || dcm_vr_kind (el->vr) != DCM_VR_KIND_STRING || limit == 0)
        continue;
      p = g_bytes_get_data (el->value.bytes, &n);
      for (gsize b = 0; b < n; b++)
        {
          run = dcm_vr_is_multi_valued_string (el->vr) && p[b] == '\\' ? 0 : run + 1;
          if (run > limit)
            {
              g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                           "The key (%04X,%04X) %s holds a value of over %" G_GSIZE_FORMAT
                           " bytes, more than any %s can hold.", el->tag >> 16, el->tag & 0xFFFF,
                           dcm_dict_keyword (el->tag) != NULL ? dcm_dict_keyword (el->tag) : "",
                           limit, dcm_vr_name (el->vr));
              return FALSE;
            }
        }
    }
  return TRUE;
}

DcmDataSet *
dimse_archive_parse_identifier (DimseMessage *request, GError **error)
{
  const DcmTransferSyntax *ts = NULL;
  g_autoptr(DcmDataSet) identifier = NULL;
  GBytes *encoded;

  if (dimse_message_get_data_set (request) != NULL)
    identifier = dcm_data_set_ref (dimse_message_get_data_set (request));
  else if ((encoded = dimse_message_get_encoded_data_set (request, &ts)) == NULL)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "The %s carries no identifier.", dimse_message_get_name (request));
      return NULL;
    }
  else if ((identifier = dcm_data_set_read_bytes (encoded, ts, NULL, error)) == NULL)
    return NULL;
  if (!check_key_lengths (identifier, error))
    return NULL;
  return g_steal_pointer (&identifier);
}

/* PS3.5 §6.2: at most 64 characters of the default repertoire, no
 * backslash; the typographic quotes of our sentences become plain ones. */
static char *
error_comment (const char *text)
{
  GString *out = g_string_sized_new (ARCHIVE_MAX_COMMENT);

  for (const char *p = text; *p != '\0' && out->len < ARCHIVE_MAX_COMMENT;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x201C || c == 0x201D)
        g_string_append_c (out, '"');
      else
        g_string_append_c (out, (c < 0x20 || c >= 0x7f || c == '\\') ? '?' : (char) c);
    }
  return g_string_free (out, FALSE);
}

DimseMessage *
dimse_archive_new_response (DimseMessage *request, guint16 status, const char *comment)
{
  DimseMessage *rsp = dimse_message_new_response (request, status);

  if (comment != NULL)
    {
      g_autofree char *text = error_comment (comment);

      dimse_message_set_string (rsp, DCM_TAG_ERROR_COMMENT, g_strstrip (text), NULL);
    }
  return rsp;
}

typedef struct {
  DimseArchive *archive;
  DimseMessage *request;
  guint16       status;
} FinalSend;

static void
on_final_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FinalSend *send = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  g_autoptr(GError) error = NULL;

  if (!dimse_association_send_message_finish (assoc, result, &error))
    g_debug ("The final response to %s's %s was not sent: %s",
             dimse_association_get_peer_name (assoc), dimse_message_get_name (send->request),
             error->message);
  else
    dimse_archive_emit_request (send->archive, assoc, send->request, send->status);
  g_object_unref (send->archive);
  dimse_message_unref (send->request);
  g_free (send);
}

void
dimse_archive_send_final (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                          DimseMessage *request, DimseMessage *rsp)
{
  FinalSend *send = g_new0 (FinalSend, 1);

  send->archive = g_object_ref (archive);
  send->request = dimse_message_ref (request);
  dimse_message_get_us (rsp, DCM_TAG_STATUS, &send->status);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_final_sent, send);
}
