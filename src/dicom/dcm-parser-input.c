/* dcm-parser-input.c — where the parser's bytes come from */
#include "dcm-parser-private.h"

#include <string.h>

#include "dcm-error.h"
#include "dcm-dict.h"

#define BUF_SIZE (64 * 1024)
#define Z_SIZE (64 * 1024)
#define TAG_FORMAT "(%04X,%04X)"

void
dcm_parser_input_init_stream (DcmParserInput *in, GInputStream *stream, guint64 max_inflated)
{
  memset (in, 0, sizeof *in);
  in->in = g_object_ref (stream);
  in->max_inflated = max_inflated != 0 ? max_inflated : DCM_PARSER_DEFAULT_MAX_INFLATED;
}

void
dcm_parser_input_init_bytes (DcmParserInput *in, GBytes *bytes, guint64 max_inflated)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  memset (in, 0, sizeof *in);
  in->memory = TRUE;
  in->bytes = g_bytes_ref (bytes);
  in->eof = in->raw_eof = TRUE;
  dcm_reader_init (&in->r, data, len, 0);
  in->max_inflated = max_inflated != 0 ? max_inflated : DCM_PARSER_DEFAULT_MAX_INFLATED;
}

void
dcm_parser_input_clear (DcmParserInput *in)
{
  g_clear_pointer (&in->bytes, g_bytes_unref);
  g_clear_object (&in->in);
  g_clear_object (&in->inflater);
  g_clear_pointer (&in->buf, g_free);
  g_clear_pointer (&in->z_owned, g_free);
}

static gssize
fail_io (DcmParserInput *in, GError *local, GError **error)
{
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local);
      return -1;
    }
  g_set_error (error, DCM_ERROR, DCM_ERROR_IO,
               "Reading the input failed near offset %" G_GUINT64_FORMAT ": %s",
               dcm_reader_offset (&in->r), local->message);
  g_error_free (local);
  return -1;
}

static gssize
read_raw (DcmParserInput *in, guint8 *dst, gsize n, GError **error)
{
  GError *local = NULL;
  gssize got;

  if (in->raw_eof || in->in == NULL)
    return 0;
  got = g_input_stream_read (in->in, dst, n, in->cancellable, &local);
  if (got < 0)
    return fail_io (in, local, error);
  in->raw_eof = got == 0;
  return got;
}

static gssize
fail_inflate (DcmParserInput *in, DcmError code, const char *why, GError **error)
{
  g_set_error (error, DCM_ERROR, code,
               "The deflated data set %s (after %" G_GUINT64_FORMAT " inflated bytes).",
               why, in->inflated);
  return -1;
}

/* One step of the inflater: returns bytes written (0 at the end of the
 * deflate stream) or -1. */
static gssize
inflate_step (DcmParserInput *in, guint8 *dst, gsize n, GError **error)
{
  g_autoptr(GError) local = NULL;
  gsize n_read = 0, n_written = 0;
  GConverterResult res;

  res = g_converter_convert (in->inflater, in->z_data + in->z_pos, in->z_len - in->z_pos,
                             dst, n, in->raw_eof ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                             &n_read, &n_written, &local);
  if (res == G_CONVERTER_ERROR)
    {
      if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        return fail_inflate (in, DCM_ERROR_INVALID, "is corrupt", error);
      if (in->raw_eof && !in->z_started)
        in->z_done = TRUE;
      else if (in->raw_eof || in->z_pos < in->z_len)
        return fail_inflate (in, DCM_ERROR_TRUNCATED, "ends before its deflate stream does", error);
      return 0;
    }
  in->z_started |= n_read > 0;
  in->z_pos += n_read;
  in->z_done = res == G_CONVERTER_FINISHED;
  if (n_read == 0 && n_written == 0 && !in->z_done)
    return fail_inflate (in, DCM_ERROR_INVALID, "is corrupt", error);
  return n_written;
}

static gssize
inflate_read (DcmParserInput *in, guint8 *dst, gsize n, GError **error)
{
  n = MIN (n, in->max_inflated - in->inflated + 1);
  while (!in->z_done)
    {
      gssize got;

      if (in->z_pos == in->z_len && !in->raw_eof)
        {
          got = read_raw (in, in->z_owned, in->z_size, error);
          if (got < 0)
            return -1;
          in->z_data = in->z_owned;
          in->z_pos = 0;
          in->z_len = got;
          continue;
        }
      got = inflate_step (in, dst, n, error);
      if (got < 0)
        return -1;
      in->inflated += got;
      if (in->inflated > in->max_inflated)
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                       "The deflated data set inflates to more than %" G_GUINT64_FORMAT
                       " bytes, the configured limit; it looks like a deflate bomb.",
                       in->max_inflated);
          return -1;
        }
      if (got > 0)
        return got;
    }
  return 0;
}

static gssize
read_input (DcmParserInput *in, guint8 *dst, gsize n, GError **error)
{
  if (in->inflating)
    return inflate_read (in, dst, n, error);
  return read_raw (in, dst, n, error);
}

void
dcm_parser_input_start_inflate (DcmParserInput *in)
{
  in->pending_inflate = TRUE;
}

static gboolean
inflate_all (DcmParserInput *in, GError **error)
{
  GByteArray *arr = g_byte_array_new ();
  guint64 offset = dcm_reader_offset (&in->r);
  gsize len;
  const guint8 *data;

  for (;;)
    {
      guint old = arr->len;
      gsize step = MIN (MAX (BUF_SIZE, old), G_MAXUINT - old);
      gssize got;

      if (step == 0)
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                       "The deflated data set inflates to more than the %u bytes that "
                       "can be held in memory; read it as a stream.", G_MAXUINT);
          g_byte_array_unref (arr);
          return FALSE;
        }
      g_byte_array_set_size (arr, old + step);
      got = inflate_read (in, arr->data + old, step, error);
      if (got < 0)
        {
          g_byte_array_unref (arr);
          return FALSE;
        }
      g_byte_array_set_size (arr, old + got);
      if (got == 0)
        break;
    }
  g_bytes_unref (in->bytes);
  in->bytes = g_byte_array_free_to_bytes (arr);
  data = g_bytes_get_data (in->bytes, &len);
  dcm_reader_init (&in->r, data, len, offset);
  return TRUE;
}

gboolean
dcm_parser_input_prepare (DcmParserInput *in, GError **error)
{
  gsize left = dcm_reader_remaining (&in->r);

  if (!in->pending_inflate)
    return TRUE;
  in->pending_inflate = FALSE;
  in->inflating = TRUE;
  in->inflater = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
  if (in->memory)
    {
      in->z_data = dcm_reader_peek (&in->r);
      in->z_len = left;
      return inflate_all (in, error);
    }
  /* What the window holds beyond this point is already deflated data. */
  in->z_size = MAX (Z_SIZE, left);
  in->z_owned = g_malloc (in->z_size);
  if (left > 0)
    memcpy (in->z_owned, dcm_reader_peek (&in->r), left);
  in->z_data = in->z_owned;
  in->z_len = left;
  dcm_reader_init (&in->r, in->buf, 0, dcm_reader_offset (&in->r));
  in->eof = FALSE;
  return TRUE;
}

gboolean
dcm_parser_input_refill (DcmParserInput *in, gsize n, GError **error)
{
  gsize left = dcm_reader_remaining (&in->r);

  if (in->memory || in->eof)
    return TRUE;
  if (in->buf == NULL)
    in->buf = g_malloc (BUF_SIZE);
  if (left > 0)
    memmove (in->buf, dcm_reader_peek (&in->r), left);
  dcm_reader_init (&in->r, in->buf, left, dcm_reader_offset (&in->r));
  while (in->r.len < n && !in->eof)
    {
      gssize got = read_input (in, in->buf + in->r.len, BUF_SIZE - in->r.len, error);

      if (got < 0)
        return FALSE;
      in->eof = got == 0;
      in->r.len += got;
    }
  return TRUE;
}

/* Forgets the (consumed) window before reading past it directly. */
static void
drop_window (DcmParserInput *in)
{
  in->r.base += in->r.len;
  in->r.pos = in->r.len = 0;
}

gboolean
dcm_parser_input_skip (DcmParserInput *in, guint64 n, GError **error)
{
  gsize avail = dcm_reader_remaining (&in->r);
  guint64 want = n;

  if (avail >= n || in->memory)
    return dcm_reader_skip (&in->r, n, error);
  in->r.pos = in->r.len;
  n -= avail;
  drop_window (in);
  while (n > 0)
    {
      GError *local = NULL;
      gssize got;

      if (in->inflating || in->raw_eof)
        {
          if (in->buf == NULL)
            in->buf = g_malloc (BUF_SIZE);
          got = read_input (in, in->buf, MIN (n, BUF_SIZE), error);
        }
      else if ((got = g_input_stream_skip (in->in, MIN (n, G_MAXSSIZE), in->cancellable,
                                           &local)) < 0)
        got = fail_io (in, local, error);
      if (got < 0)
        return FALSE;
      if (got == 0)
        {
          in->eof = TRUE;
          g_set_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED,
                       "The data ends at offset %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                       " bytes short of the %" G_GUINT64_FORMAT " to be skipped.",
                       dcm_reader_offset (&in->r), n, want);
          return FALSE;
        }
      in->r.base += got;
      n -= got;
    }
  return TRUE;
}

static GBytes *
take_from_window (DcmParserInput *in, gsize length, guint unit)
{
  const guint8 *d = dcm_reader_peek (&in->r);
  GBytes *bytes;

  if (unit > 1)
    bytes = g_bytes_new_take (dcm_swap_copy (d, length, unit), length);
  else if (in->memory)
    bytes = g_bytes_new_from_bytes (in->bytes, d - (const guint8 *) g_bytes_get_data (in->bytes, NULL),
                                    length);
  else
    bytes = g_bytes_new (d, length);
  in->r.pos += length;
  return bytes;
}

GBytes *
dcm_parser_input_read_value (DcmParserInput *in, guint32 tag, guint64 header_offset,
                             guint32 length, guint unit, GError **error)
{
  gsize avail = dcm_reader_remaining (&in->r);
  GByteArray *arr;

  if (avail >= length)
    return take_from_window (in, length, unit);
  if (in->memory)
    {
      dcm_parser_input_fail_ended (in, tag, header_offset, length, avail, error);
      return NULL;
    }
  arr = g_byte_array_sized_new ((guint) avail);
  g_byte_array_append (arr, dcm_reader_peek (&in->r), (guint) avail);
  in->r.pos = in->r.len;
  drop_window (in);
  while (arr->len < length)
    {
      guint old = arr->len;
      gsize step = MIN (length - old, MAX (BUF_SIZE, old));
      gssize got;

      g_byte_array_set_size (arr, old + (guint) step);
      got = read_input (in, arr->data + old, step, error);
      g_byte_array_set_size (arr, old + (guint) MAX (got, 0));
      in->r.base += MAX (got, 0);
      if (got <= 0)
        {
          if (got == 0)
            dcm_parser_input_fail_ended (in, tag, header_offset, length, arr->len, error);
          g_byte_array_unref (arr);
          return NULL;
        }
    }
  if (unit > 1)
    dcm_swap_in_place (arr->data, length, unit);
  return g_byte_array_free_to_bytes (arr);
}

gboolean
dcm_parser_input_fail_header (DcmParserInput *in, guint64 offset, gboolean invalid,
                              GError **error)
{
  if (invalid)
    g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                 "The element header at offset %" G_GUINT64_FORMAT
                 " runs past the end of its enclosing item or sequence.", offset);
  else
    g_set_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED,
                 "The data ends inside the element header at offset %" G_GUINT64_FORMAT ".",
                 offset);
  return FALSE;
}

gboolean
dcm_parser_input_fail_ended (DcmParserInput *in, guint32 tag, guint64 header_offset,
                             guint64 length, guint64 got, GError **error)
{
  g_set_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED,
               "Element " TAG_FORMAT " at offset %" G_GUINT64_FORMAT " declares %"
               G_GUINT64_FORMAT " bytes but the data ends after %" G_GUINT64_FORMAT " of them.",
               DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag), header_offset, length, got);
  return FALSE;
}

gboolean
dcm_parser_input_fail_sink (guint32 tag, guint64 header_offset, GError *local, GError **error)
{
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_set_error (error, DCM_ERROR, DCM_ERROR_IO,
               "The bulk data sink refused the value of element " TAG_FORMAT
               " at offset %" G_GUINT64_FORMAT ".",
               DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag), header_offset);
  return FALSE;
}
