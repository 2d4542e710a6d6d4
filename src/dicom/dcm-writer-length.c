/* dcm-writer-length.c — what each element is written as, and how long its
 * encoding is, before any byte is written (PS3.5 §7) */
#include "dcm-writer-private.h"

#include "dcm-error.h"

#define MAX_SHORT_LENGTH 0xfffeu
#define MAX_LONG_LENGTH  0xfffffffeu

const DcmWriteEncoding dcm_write_priv_implicit_le_in_un = { FALSE, FALSE, 1 };

/* ---- what gets written ---- */

gboolean
dcm_write_priv_is_dropped (const DcmWriteState *w, const DcmElement *el)
{
  return (w->flags & DCM_WRITE_DROP_GROUP_LENGTHS)
         && DCM_TAG_IS_GROUP_LENGTH (el->tag)
         && DCM_TAG_GROUP (el->tag) != 0x0002;
}

gboolean
dcm_write_priv_is_sequence (const DcmElement *el)
{
  return el->kind == DCM_VALUE_ITEMS || (el->kind == DCM_VALUE_EMPTY && el->vr == DCM_VR_SQ);
}

DcmVR
dcm_write_priv_written_vr (const DcmElement *el)
{
  if (DCM_TAG_IS_GROUP_LENGTH (el->tag))
    return DCM_VR_UL;
  if (el->kind == DCM_VALUE_ITEMS)
    return el->vr == DCM_VR_UN ? DCM_VR_UN : DCM_VR_SQ;
  if (el->kind == DCM_VALUE_FRAGMENTS)
    return dcm_vr_has_long_length (el->vr) ? el->vr : DCM_VR_OB;
  if (el->vr == DCM_VR_NONE || el->vr >= DCM_VR_N_VRS)
    return DCM_VR_UN;
  return el->vr;
}

/* Encapsulated pixel data and UN sequences only exist with undefined length
 * (PS3.5 §A.4, §6.2.2); SQ follows the flags. Items follow their sequence. */
gboolean
dcm_write_priv_has_undefined_length (const DcmWriteState *w, const DcmElement *el)
{
  if (el->kind == DCM_VALUE_FRAGMENTS)
    return TRUE;
  /* Encapsulated pixel data left in its file: the bulk bytes are the
   * encoded items through the sequence delimiter, copied as they are. */
  if (el->kind == DCM_VALUE_BULK && el->length == DCM_UNDEFINED_LENGTH)
    return TRUE;
  if (el->kind == DCM_VALUE_ITEMS && el->vr == DCM_VR_UN)
    return TRUE;
  if (!dcm_write_priv_is_sequence (el))
    return FALSE;
  if (w->flags & DCM_WRITE_PRESERVE_LENGTHS)
    return el->length == DCM_UNDEFINED_LENGTH;
  return (w->flags & DCM_WRITE_UNDEFINED_LENGTHS) != 0;
}

guint64
dcm_write_priv_padded (guint64 len)
{
  return len + (len & 1);
}

/* ---- lengths ---- */

static gboolean
check_length (const DcmWriteEncoding *enc, const DcmElement *el, DcmVR vr, guint64 len,
              GError **error)
{
  if (enc->explicit_vr && !dcm_vr_has_long_length (vr) && len > MAX_SHORT_LENGTH)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The value of (%04X,%04X) %s is %" G_GUINT64_FORMAT " bytes long, too long "
                   "for the 16-bit length field of explicit VR (PS3.5 §7.1.2); at most %u "
                   "bytes fit.", DCM_TAG_GROUP (el->tag), DCM_TAG_ELEMENT (el->tag),
                   dcm_vr_name (vr), len, MAX_SHORT_LENGTH);
      return FALSE;
    }
  if (len > MAX_LONG_LENGTH)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                   "The value of (%04X,%04X) is %" G_GUINT64_FORMAT " bytes long, more than "
                   "a 32-bit length field can hold%s", DCM_TAG_GROUP (el->tag),
                   DCM_TAG_ELEMENT (el->tag), len,
                   dcm_write_priv_is_sequence (el)
                   ? "; write it with undefined lengths." : ".");
      return FALSE;
    }
  return TRUE;
}

/* Bytes of the items (and delimiters) of a sequence. */
static gboolean
items_length (DcmWriteState *w, const DcmWriteEncoding *enc, const DcmElement *el,
              gboolean undefined, guint64 *out, GError **error)
{
  GPtrArray *items = el->kind == DCM_VALUE_ITEMS ? el->value.items : NULL;
  guint64 total = undefined ? 8 : 0;

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      guint64 len;

      if (!dcm_write_priv_content_length (w, enc, items->pdata[i], &len, error))
        return FALSE;
      if (!undefined && len > MAX_LONG_LENGTH)
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                       "Item %u of (%04X,%04X) is %" G_GUINT64_FORMAT " bytes long, more "
                       "than an explicit item length can hold; write it with undefined "
                       "lengths.", i, DCM_TAG_GROUP (el->tag), DCM_TAG_ELEMENT (el->tag), len);
          return FALSE;
        }
      total += 8 + len + (undefined ? 8 : 0);
    }
  *out = total;
  return TRUE;
}

/* Length of el's value field, delimiters included. */
gboolean
dcm_write_priv_value_length (DcmWriteState *w, const DcmWriteEncoding *enc, const DcmElement *el,
                             guint64 *out, GError **error)
{
  gboolean undefined = dcm_write_priv_has_undefined_length (w, el);
  guint64 len = 0;

  if (DCM_TAG_IS_GROUP_LENGTH (el->tag))
    len = 4;
  else if (dcm_write_priv_is_sequence (el))
    {
      const DcmWriteEncoding *inner = dcm_write_priv_written_vr (el) == DCM_VR_UN
                                      ? &dcm_write_priv_implicit_le_in_un : enc;
      if (!items_length (w, inner, el, undefined, &len, error))
        return FALSE;
    }
  else if (el->kind == DCM_VALUE_BYTES)
    len = dcm_write_priv_padded (g_bytes_get_size (el->value.bytes));
  else if (el->kind == DCM_VALUE_BULK)
    len = dcm_write_priv_padded (el->value.bulk->length);
  else if (el->kind == DCM_VALUE_FRAGMENTS)
    {
      len = 8;
      for (guint i = 0; i < el->value.fragments->len; i++)
        len += 8 + dcm_write_priv_padded (g_bytes_get_size (el->value.fragments->pdata[i]));
    }
  if (!undefined && !check_length (enc, el, dcm_write_priv_written_vr (el), len, error))
    return FALSE;
  *out = len;
  return TRUE;
}

static guint
header_length (const DcmWriteEncoding *enc, DcmVR vr)
{
  return enc->explicit_vr && dcm_vr_has_long_length (vr) ? 12 : 8;
}

static gboolean
element_length (DcmWriteState *w, const DcmWriteEncoding *enc, const DcmElement *el,
                guint64 *out, GError **error)
{
  guint64 len;

  if (dcm_write_priv_is_dropped (w, el))
    {
      *out = 0;
      return TRUE;
    }
  if (!dcm_write_priv_value_length (w, enc, el, &len, error))
    return FALSE;
  *out = header_length (enc, dcm_write_priv_written_vr (el)) + len;
  return TRUE;
}

/* Each item's length is computed once per write and cached, so nested
 * sequences cost linear time whichever way they are asked for. */
gboolean
dcm_write_priv_content_length (DcmWriteState *w, const DcmWriteEncoding *enc, DcmDataSet *ds,
                               guint64 *out, GError **error)
{
  guint64 *cached = g_hash_table_lookup (w->lengths[enc->memo], ds);
  guint64 total = 0;
  guint n = dcm_data_set_n_elements (ds);

  if (cached != NULL)
    {
      *out = *cached;
      return TRUE;
    }
  for (guint i = 0; i < n; i++)
    {
      guint64 len;

      if (!element_length (w, enc, dcm_data_set_nth (ds, i), &len, error))
        return FALSE;
      total += len;
    }
  g_hash_table_insert (w->lengths[enc->memo], ds, g_memdup2 (&total, sizeof total));
  *out = total;
  return TRUE;
}

/* Bytes after the group length element at index i up to the group's end. */
gboolean
dcm_write_priv_group_length (DcmWriteState *w, const DcmWriteEncoding *enc, DcmDataSet *ds,
                             guint i, guint64 *out, GError **error)
{
  guint16 group = DCM_TAG_GROUP (dcm_data_set_nth (ds, i)->tag);
  guint n = dcm_data_set_n_elements (ds);
  guint64 total = 0;

  for (guint j = i + 1; j < n; j++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, j);
      guint64 len;

      if (DCM_TAG_GROUP (el->tag) != group)
        break;
      if (!element_length (w, enc, el, &len, error))
        return FALSE;
      total += len;
    }
  *out = total;
  return TRUE;
}
