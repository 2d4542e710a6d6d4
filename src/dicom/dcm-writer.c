/* dcm-writer.c — encoding data sets (PS3.5 §7) */
#include "dcm-writer-private.h"

#include <string.h>

#include "dcm-binary.h"
#include "dcm-error.h"

/* The output buffer is flushed once it holds this much. */
#define FLUSH_THRESHOLD (256 * 1024)
/* Values at least this long go to the stream without being copied. */
#define DIRECT_WRITE_MIN (64 * 1024)
/* Bulk values are copied from their file in chunks of this size (a
 * multiple of every value size, so swapping never straddles a chunk). */
#define BULK_CHUNK (256 * 1024)

static void
writer_init (DcmWriteState *w, DcmWriteFlags flags, GByteArray *buf, GOutputStream *out,
             GCancellable *cancellable)
{
  memset (w, 0, sizeof *w);
  w->flags = flags;
  for (guint i = 0; i < G_N_ELEMENTS (w->lengths); i++)
    w->lengths[i] = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  w->buf = buf;
  w->base = buf != NULL ? buf->len : 0;
  w->out = out;
  w->cancellable = cancellable;
}

/* Offset in the encoding of the next byte written. */
static guint64
writer_position (const DcmWriteState *w)
{
  return w->flushed + w->buf->len - w->base;
}

static void
writer_clear (DcmWriteState *w)
{
  for (guint i = 0; i < G_N_ELEMENTS (w->lengths); i++)
    g_clear_pointer (&w->lengths[i], g_hash_table_unref);
}

static DcmWriteEncoding
encoding_for (const DcmTransferSyntax *ts)
{
  DcmWriteEncoding enc = { ts->explicit_vr, ts->big_endian, 0 };
  return enc;
}

/* ---- byte order ---- */

/* Bytes swapped together when the byte order changes (PS3.5 §7.3). */
static guint
vr_swap_unit (DcmVR vr)
{
  if (vr == DCM_VR_AT)
    return 2;   /* group and element are two 16-bit values */
  switch (dcm_vr_kind (vr))
    {
    case DCM_VR_KIND_NUMBER:
    case DCM_VR_KIND_BULK:
      return dcm_vr_value_size (vr);
    default:
      return 1;
    }
}

static guint
swap_unit (const DcmWriteEncoding *enc, DcmVR vr)
{
  return enc->big_endian ? vr_swap_unit (vr) : 1;
}

static void
swap_in_place (guint8 *data, gsize len, guint unit)
{
  if (unit < 2)
    return;
  for (gsize i = 0; i + unit <= len; i += unit)
    for (guint a = 0, b = unit - 1; a < b; a++, b--)
      {
        guint8 t = data[i + a];
        data[i + a] = data[i + b];
        data[i + b] = t;
      }
}

/* ---- output ---- */

static gboolean
fail_stream (GError *local, GError **error)
{
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local);
  else
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_IO, "Writing the data set failed: %s",
                   local->message);
      g_error_free (local);
    }
  return FALSE;
}

/* Not every stream checks the cancellable itself; a memory stream never does. */
static gboolean
flush (DcmWriteState *w, GError **error)
{
  GError *local = NULL;

  if (g_cancellable_set_error_if_cancelled (w->cancellable, error))
    return FALSE;
  if (w->out == NULL || w->buf->len == 0)
    return TRUE;
  if (!g_output_stream_write_all (w->out, w->buf->data, w->buf->len, NULL,
                                  w->cancellable, &local))
    return fail_stream (local, error);
  w->flushed += w->buf->len;
  g_byte_array_set_size (w->buf, 0);
  return TRUE;
}

static gboolean
maybe_flush (DcmWriteState *w, GError **error)
{
  return w->buf->len < FLUSH_THRESHOLD || flush (w, error);
}

static void
put_u16 (DcmWriteState *w, const DcmWriteEncoding *enc, guint16 v)
{
  DcmWriter dw;

  dcm_writer_init (&dw, w->buf);
  dcm_writer_put_u16 (&dw, v, enc->big_endian);
}

static void
put_u32 (DcmWriteState *w, const DcmWriteEncoding *enc, guint32 v)
{
  DcmWriter dw;

  dcm_writer_init (&dw, w->buf);
  dcm_writer_put_u32 (&dw, v, enc->big_endian);
}

static void
put_tag (DcmWriteState *w, const DcmWriteEncoding *enc, guint32 tag)
{
  put_u16 (w, enc, DCM_TAG_GROUP (tag));
  put_u16 (w, enc, DCM_TAG_ELEMENT (tag));
}

/* Tag, VR and length per PS3.5 §7.1.2 (explicit) or §7.1.3 (implicit). */
static void
put_header (DcmWriteState *w, const DcmWriteEncoding *enc, guint32 tag, DcmVR vr,
            guint32 length)
{
  put_tag (w, enc, tag);
  if (!enc->explicit_vr)
    {
      put_u32 (w, enc, length);
      return;
    }
  g_byte_array_append (w->buf, (const guint8 *) dcm_vr_name (vr), 2);
  if (dcm_vr_has_long_length (vr))
    {
      put_u16 (w, enc, 0);
      put_u32 (w, enc, length);
    }
  else
    put_u16 (w, enc, (guint16) length);
}

static void
put_padding (DcmWriteState *w, guint64 len, DcmVR vr)
{
  if (len & 1)
    {
      guint8 pad = dcm_vr_padding (vr);
      g_byte_array_append (w->buf, &pad, 1);
    }
}

/* Value bytes in the model's little-endian order, swapped for the target. */
static gboolean
put_data (DcmWriteState *w, const guint8 *data, gsize len, guint unit, GError **error)
{
  if (unit < 2 && w->out != NULL && len >= DIRECT_WRITE_MIN)
    {
      GOutputVector vec[2] = { { w->buf->data, w->buf->len }, { data, len } };
      GError *local = NULL;

      if (g_cancellable_set_error_if_cancelled (w->cancellable, error))
        return FALSE;
      if (!g_output_stream_writev_all (w->out, vec, 2, NULL, w->cancellable, &local))
        return fail_stream (local, error);
      w->flushed += w->buf->len + len;
      g_byte_array_set_size (w->buf, 0);
      return TRUE;
    }
  while (len > 0)
    {
      gsize n = MIN (len, (gsize) BULK_CHUNK);
      guint old = w->buf->len;

      g_byte_array_append (w->buf, data, n);
      swap_in_place (w->buf->data + old, n, unit);
      data += n;
      len -= n;
      if (!maybe_flush (w, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
fail_bulk_read (const DcmElement *el, guint64 offset, GError *local, GError **error)
{
  const DcmBulkRef *ref = el->value.bulk;

  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_set_error (error, DCM_ERROR, local != NULL ? DCM_ERROR_IO : DCM_ERROR_TRUNCATED,
               "Cannot read the value of (%04X,%04X) from “%s” at offset %" G_GUINT64_FORMAT
               ": %s", DCM_TAG_GROUP (el->tag), DCM_TAG_ELEMENT (el->tag), ref->path, offset,
               local != NULL ? local->message : "the file ends early.");
  g_clear_error (&local);
  return FALSE;
}

/* The file holding a bulk value, positioned at the value. */
static GInputStream *
open_bulk (DcmWriteState *w, const DcmElement *el, GError **error)
{
  const DcmBulkRef *ref = el->value.bulk;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  GError *local = NULL;

  if (ref->path == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED,
                   "The value of (%04X,%04X) is only at the bulk data URI “%s”; "
                   "fetching it is not supported.", DCM_TAG_GROUP (el->tag),
                   DCM_TAG_ELEMENT (el->tag), ref->uri != NULL ? ref->uri : "");
      return NULL;
    }
  file = g_file_new_for_path (ref->path);
  in = g_file_read (file, w->cancellable, &local);
  if (in == NULL
      || !g_seekable_seek (G_SEEKABLE (in), (goffset) ref->offset, G_SEEK_SET,
                           w->cancellable, &local))
    {
      fail_bulk_read (el, ref->offset, local, error);
      return NULL;
    }
  return G_INPUT_STREAM (g_steal_pointer (&in));
}

/* Copies a bulk value in chunks, swapped when its byte order is not the
 * target's. */
static gboolean
put_bulk (DcmWriteState *w, const DcmWriteEncoding *enc, const DcmElement *el, DcmVR vr,
          GError **error)
{
  const DcmBulkRef *ref = el->value.bulk;
  g_autoptr(GInputStream) in = open_bulk (w, el, error);
  guint unit = ref->big_endian != enc->big_endian ? vr_swap_unit (vr) : 1;

  if (in == NULL)
    return FALSE;
  if (w->bulk_written != NULL)
    w->bulk_written (el, writer_position (w), enc->big_endian, w->bulk_written_data);
  for (guint64 done = 0; done < ref->length;)
    {
      gsize n = (gsize) MIN (ref->length - done, (guint64) BULK_CHUNK);
      guint old = w->buf->len;
      gsize got = 0;
      GError *local = NULL;

      g_byte_array_set_size (w->buf, old + n);
      if (!g_input_stream_read_all (in, w->buf->data + old, n, &got, w->cancellable, &local)
          || got < n)
        {
          g_byte_array_set_size (w->buf, old);
          return fail_bulk_read (el, ref->offset + done + got, local, error);
        }
      swap_in_place (w->buf->data + old, n, unit);
      done += n;
      if (!maybe_flush (w, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- elements ---- */

static gboolean write_content (DcmWriteState *w, const DcmWriteEncoding *enc, DcmDataSet *ds,
                               GError **error);

static gboolean
write_items (DcmWriteState *w, const DcmWriteEncoding *enc, const DcmElement *el,
             gboolean undefined, GError **error)
{
  GPtrArray *items = el->kind == DCM_VALUE_ITEMS ? el->value.items : NULL;

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      guint64 len = DCM_UNDEFINED_LENGTH;

      if (!undefined && !dcm_write_priv_content_length (w, enc, items->pdata[i], &len, error))
        return FALSE;
      put_tag (w, enc, DCM_TAG_ITEM);
      put_u32 (w, enc, (guint32) len);
      if (!write_content (w, enc, items->pdata[i], error))
        return FALSE;
      if (undefined)
        {
          put_tag (w, enc, DCM_TAG_ITEM_DELIMITATION_ITEM);
          put_u32 (w, enc, 0);
        }
    }
  return TRUE;
}

static void
put_delimiter (DcmWriteState *w, const DcmWriteEncoding *enc)
{
  put_tag (w, enc, DCM_TAG_SEQUENCE_DELIMITATION_ITEM);
  put_u32 (w, enc, 0);
}

static gboolean
write_fragments (DcmWriteState *w, const DcmWriteEncoding *enc, const DcmElement *el,
                 GError **error)
{
  for (guint i = 0; i < el->value.fragments->len; i++)
    {
      GBytes *frag = el->value.fragments->pdata[i];
      gsize len = g_bytes_get_size (frag);

      put_tag (w, enc, DCM_TAG_ITEM);
      put_u32 (w, enc, (guint32) dcm_write_priv_padded (len));
      if (!put_data (w, g_bytes_get_data (frag, NULL), len, 1, error))
        return FALSE;
      put_padding (w, len, DCM_VR_OB);
    }
  put_delimiter (w, enc);
  return TRUE;
}

static gboolean
write_group_length (DcmWriteState *w, const DcmWriteEncoding *enc, DcmDataSet *ds, guint i,
                    GError **error)
{
  const DcmElement *el = dcm_data_set_nth (ds, i);
  guint64 len;

  if (!dcm_write_priv_group_length (w, enc, ds, i, &len, error))
    return FALSE;
  if (len > G_MAXUINT32)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                   "Group %04X is %" G_GUINT64_FORMAT " bytes long, more than its group "
                   "length (%04X,0000) can hold.", DCM_TAG_GROUP (el->tag), len,
                   DCM_TAG_GROUP (el->tag));
      return FALSE;
    }
  put_header (w, enc, el->tag, DCM_VR_UL, 4);
  put_u32 (w, enc, (guint32) len);
  return TRUE;
}

static gboolean
write_element (DcmWriteState *w, const DcmWriteEncoding *enc, const DcmElement *el,
               GError **error)
{
  DcmVR vr = dcm_write_priv_written_vr (el);
  gboolean undefined = dcm_write_priv_has_undefined_length (w, el);
  guint64 len = DCM_UNDEFINED_LENGTH;

  if (!undefined && !dcm_write_priv_value_length (w, enc, el, &len, error))
    return FALSE;
  put_header (w, enc, el->tag, vr, (guint32) len);
  if (dcm_write_priv_is_sequence (el))
    {
      const DcmWriteEncoding *inner = vr == DCM_VR_UN ? &dcm_write_priv_implicit_le_in_un
                                                      : enc;
      if (!write_items (w, inner, el, undefined, error))
        return FALSE;
      if (undefined)
        put_delimiter (w, inner);
      return TRUE;
    }
  switch (el->kind)
    {
    case DCM_VALUE_BYTES:
      {
        gsize size;
        const guint8 *data = g_bytes_get_data (el->value.bytes, &size);
        if (!put_data (w, data, size, swap_unit (enc, vr), error))
          return FALSE;
        put_padding (w, size, vr);
        return TRUE;
      }
    case DCM_VALUE_BULK:
      if (undefined && enc->big_endian)
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED,
                       "Encapsulated value of (%04X,%04X) cannot be written in a "
                       "big-endian transfer syntax.",
                       DCM_TAG_GROUP (el->tag), DCM_TAG_ELEMENT (el->tag));
          return FALSE;
        }
      if (!put_bulk (w, enc, el, vr, error))
        return FALSE;
      put_padding (w, el->value.bulk->length, vr);
      return TRUE;
    case DCM_VALUE_FRAGMENTS:
      return write_fragments (w, enc, el, error);
    default:
      return TRUE;
    }
}

static gboolean
write_content (DcmWriteState *w, const DcmWriteEncoding *enc, DcmDataSet *ds,
               GError **error)
{
  guint n = dcm_data_set_n_elements (ds);

  for (guint i = 0; i < n; i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);
      gboolean ok;

      if (dcm_write_priv_is_dropped (w, el))
        continue;
      if (DCM_TAG_IS_GROUP_LENGTH (el->tag))
        ok = write_group_length (w, enc, ds, i, error);
      else
        ok = write_element (w, enc, el, error);
      if (!ok || !maybe_flush (w, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- public API ---- */

gboolean
dcm_data_set_encoded_length (DcmDataSet *ds, const DcmTransferSyntax *ts,
                             DcmWriteFlags flags, guint64 *out_length, GError **error)
{
  DcmWriteState w;
  DcmWriteEncoding enc = encoding_for (ts);
  gboolean ok;

  writer_init (&w, flags, NULL, NULL, NULL);
  ok = dcm_write_priv_content_length (&w, &enc, ds, out_length, error);
  writer_clear (&w);
  return ok;
}

/* What a stream write needs beyond the data set. */
typedef struct {
  const DcmTransferSyntax *ts;
  DcmWriteFlags            flags;
  DcmBulkWrittenFunc       bulk_written;
  gpointer                 bulk_written_data;
  GCancellable            *cancellable;
} StreamWrite;

static gboolean
write_uncompressed (DcmDataSet *ds, GByteArray *buf, GOutputStream *out,
                    const StreamWrite *sw, GError **error)
{
  DcmWriteState w;
  DcmWriteEncoding enc = encoding_for (sw->ts);
  gboolean ok;

  writer_init (&w, sw->flags, buf, out, sw->cancellable);
  w.bulk_written = sw->bulk_written;
  w.bulk_written_data = sw->bulk_written_data;
  ok = write_content (&w, &enc, ds, error) && flush (&w, error);
  writer_clear (&w);
  return ok;
}

static gboolean
write_deflated (DcmDataSet *ds, GOutputStream *out, const StreamWrite *sw, GError **error)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, -1);
  g_autoptr(GOutputStream) zout = g_converter_output_stream_new (out, G_CONVERTER (compressor));
  g_autoptr(GByteArray) buf = g_byte_array_sized_new (FLUSH_THRESHOLD + 4096);
  GError *local = NULL;

  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (zout), FALSE);
  if (!write_uncompressed (ds, buf, zout, sw, error))
    {
      g_output_stream_close (zout, NULL, NULL);
      return FALSE;
    }
  /* Closing ends the deflate stream; the base stream stays open. */
  return g_output_stream_close (zout, sw->cancellable, &local) || fail_stream (local, error);
}

gboolean
dcm_data_set_write_stream_full (DcmDataSet *ds, GOutputStream *out,
                                const DcmTransferSyntax *ts, DcmWriteFlags flags,
                                DcmBulkWrittenFunc bulk_written, gpointer user_data,
                                GCancellable *cancellable, GError **error)
{
  StreamWrite sw = { ts, flags, bulk_written, user_data, cancellable };
  g_autoptr(GByteArray) buf = NULL;

  if (ts->deflated)
    return write_deflated (ds, out, &sw, error);
  buf = g_byte_array_sized_new (FLUSH_THRESHOLD + 4096);
  return write_uncompressed (ds, buf, out, &sw, error);
}

gboolean
dcm_data_set_write_stream (DcmDataSet *ds, GOutputStream *out, const DcmTransferSyntax *ts,
                           DcmWriteFlags flags, GCancellable *cancellable, GError **error)
{
  return dcm_data_set_write_stream_full (ds, out, ts, flags, NULL, NULL, cancellable, error);
}

static gboolean
append_deflated (DcmDataSet *ds, GByteArray *array, const DcmTransferSyntax *ts,
                 DcmWriteFlags flags, GError **error)
{
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) bytes = NULL;
  StreamWrite sw = { ts, flags, NULL, NULL, NULL };

  if (!write_deflated (ds, mem, &sw, error)
      || !g_output_stream_close (mem, NULL, error))
    return FALSE;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  g_byte_array_append (array, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return TRUE;
}

/* The lengths computed first size the array once and stay cached for the
 * write itself. */
static gboolean
append_uncompressed (DcmWriteState *w, DcmDataSet *ds, const DcmTransferSyntax *ts,
                     GError **error)
{
  DcmWriteEncoding enc = encoding_for (ts);
  guint64 len;
  guint start = w->buf->len;

  if (!dcm_write_priv_content_length (w, &enc, ds, &len, error))
    return FALSE;
  if (len > G_MAXUINT - start)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                   "The data set encodes to %" G_GUINT64_FORMAT " bytes, too many to hold "
                   "in memory; write it to a stream instead.", len);
      return FALSE;
    }
  /* A GByteArray keeps its allocation when it shrinks. */
  g_byte_array_set_size (w->buf, start + (guint) len);
  g_byte_array_set_size (w->buf, start);
  return write_content (w, &enc, ds, error);
}

gboolean
dcm_data_set_write_to_byte_array (DcmDataSet *ds, GByteArray *array,
                                  const DcmTransferSyntax *ts, DcmWriteFlags flags,
                                  GError **error)
{
  DcmWriteState w;
  gboolean ok;

  if (ts->deflated)
    return append_deflated (ds, array, ts, flags, error);
  writer_init (&w, flags, array, NULL, NULL);
  ok = append_uncompressed (&w, ds, ts, error);
  writer_clear (&w);
  return ok;
}

GBytes *
dcm_data_set_write_bytes (DcmDataSet *ds, const DcmTransferSyntax *ts, DcmWriteFlags flags,
                          GError **error)
{
  g_autoptr(GByteArray) array = g_byte_array_new ();

  if (!dcm_data_set_write_to_byte_array (ds, array, ts, flags, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&array));
}
