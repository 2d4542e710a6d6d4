#include "dcm-binary.h"

#include <string.h>

#include "dcm-error.h"

void
dcm_reader_init (DcmReader *r, const guint8 *data, gsize len, guint64 base)
{
  r->data = data;
  r->len = len;
  r->pos = 0;
  r->base = base;
}

gboolean
dcm_reader_fail_truncated (const DcmReader *r, gsize n, GError **error)
{
  g_set_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED,
               "The data ends at offset %" G_GUINT64_FORMAT " where %" G_GSIZE_FORMAT
               " more bytes were expected (%" G_GSIZE_FORMAT " remain).",
               dcm_reader_offset (r), n, dcm_reader_remaining (r));
  return FALSE;
}

guint64
dcm_load_uint_le (const guint8 *p, guint size)
{
  guint64 v = 0;

  for (guint i = size; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

void
dcm_swap_in_place (guint8 *data, gsize len, guint unit)
{
  gsize whole = unit > 1 ? len - len % unit : 0;

  for (gsize i = 0; i < whole; i += unit)
    for (guint a = 0, b = unit - 1; a < b; a++, b--)
      {
        guint8 t = data[i + a];
        data[i + a] = data[i + b];
        data[i + b] = t;
      }
}

guint8 *
dcm_swap_copy (const guint8 *data, gsize len, guint unit)
{
  guint8 *copy = g_malloc (len > 0 ? len : 1);

  if (len > 0)
    memcpy (copy, data, len);
  dcm_swap_in_place (copy, len, unit);
  return copy;
}

void
dcm_writer_put_zeros (DcmWriter *w, gsize n)
{
  guint old = w->buf->len;

  g_byte_array_set_size (w->buf, old + (guint) n);
  memset (w->buf->data + old, 0, n);
}

void
dcm_writer_patch_u32 (DcmWriter *w, gsize offset, guint32 v, gboolean big_endian)
{
  g_return_if_fail (offset + 4 <= w->buf->len);
  dcm_store_u32 (w->buf->data + offset, v, big_endian);
}
