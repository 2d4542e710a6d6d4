/* dcm-binary.h — bounds-checked reading and appending of binary fields */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A cursor over len bytes. base is the offset of data[0] in the whole
 * input, so that errors name the offset a person can look up. */
typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;
  guint64       base;
} DcmReader;

void     dcm_reader_init (DcmReader *r, const guint8 *data, gsize len, guint64 base);
/* Sets error (DCM_ERROR_TRUNCATED) for a read of n bytes that does not fit;
 * returns FALSE. */
gboolean dcm_reader_fail_truncated (const DcmReader *r, gsize n, GError **error);

static inline gsize
dcm_reader_remaining (const DcmReader *r)
{
  return r->len - r->pos;
}

static inline guint64
dcm_reader_offset (const DcmReader *r)
{
  return r->base + r->pos;
}

static inline const guint8 *
dcm_reader_peek (const DcmReader *r)
{
  return r->data + r->pos;
}

static inline gboolean
dcm_reader_skip (DcmReader *r, gsize n, GError **error)
{
  if (G_UNLIKELY (dcm_reader_remaining (r) < n))
    return dcm_reader_fail_truncated (r, n, error);
  r->pos += n;
  return TRUE;
}

/* Points *out at the next n bytes and consumes them. */
static inline gboolean
dcm_reader_read_bytes (DcmReader *r, gsize n, const guint8 **out, GError **error)
{
  if (G_UNLIKELY (dcm_reader_remaining (r) < n))
    return dcm_reader_fail_truncated (r, n, error);
  *out = r->data + r->pos;
  r->pos += n;
  return TRUE;
}

static inline guint16
dcm_load_u16 (const guint8 *p, gboolean big_endian)
{
  return big_endian ? (guint16) ((p[0] << 8) | p[1]) : (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
dcm_load_u32 (const guint8 *p, gboolean big_endian)
{
  if (big_endian)
    return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
  return p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

/* The unsigned little-endian integer of size bytes (1 to 8) at p. */
guint64 dcm_load_uint_le (const guint8 *p, guint size);

static inline gboolean
dcm_reader_read_u16 (DcmReader *r, gboolean big_endian, guint16 *out, GError **error)
{
  if (G_UNLIKELY (dcm_reader_remaining (r) < 2))
    return dcm_reader_fail_truncated (r, 2, error);
  *out = dcm_load_u16 (r->data + r->pos, big_endian);
  r->pos += 2;
  return TRUE;
}

static inline gboolean
dcm_reader_read_u32 (DcmReader *r, gboolean big_endian, guint32 *out, GError **error)
{
  if (G_UNLIKELY (dcm_reader_remaining (r) < 4))
    return dcm_reader_fail_truncated (r, 4, error);
  *out = dcm_load_u32 (r->data + r->pos, big_endian);
  r->pos += 4;
  return TRUE;
}

static inline gboolean
dcm_reader_read_u8 (DcmReader *r, guint8 *out, GError **error)
{
  if (G_UNLIKELY (dcm_reader_remaining (r) < 1))
    return dcm_reader_fail_truncated (r, 1, error);
  *out = r->data[r->pos++];
  return TRUE;
}

#define dcm_reader_read_u16_le(r, out, error) dcm_reader_read_u16 ((r), FALSE, (out), (error))
#define dcm_reader_read_u16_be(r, out, error) dcm_reader_read_u16 ((r), TRUE, (out), (error))
#define dcm_reader_read_u32_le(r, out, error) dcm_reader_read_u32 ((r), FALSE, (out), (error))
#define dcm_reader_read_u32_be(r, out, error) dcm_reader_read_u32 ((r), TRUE, (out), (error))

/* Reverses the bytes of each whole unit-byte value (2, 4 or 8) of data;
 * a trailing partial value is left as it is. Converts between the byte
 * orders of PS3.5 §7.3. */
void    dcm_swap_in_place (guint8 *data, gsize len, guint unit);
guint8 *dcm_swap_copy (const guint8 *data, gsize len, guint unit);

/* Appends to a GByteArray it does not own. */
typedef struct {
  GByteArray *buf;
} DcmWriter;

static inline void
dcm_writer_init (DcmWriter *w, GByteArray *buf)
{
  w->buf = buf;
}

static inline gsize
dcm_writer_offset (const DcmWriter *w)
{
  return w->buf->len;
}

static inline void
dcm_writer_put_bytes (DcmWriter *w, const void *data, gsize len)
{
  g_byte_array_append (w->buf, data, (guint) len);
}

static inline void
dcm_writer_put_u8 (DcmWriter *w, guint8 v)
{
  g_byte_array_append (w->buf, &v, 1);
}

static inline void
dcm_store_u16 (guint8 *p, guint16 v, gboolean big_endian)
{
  p[big_endian ? 1 : 0] = (guint8) v;
  p[big_endian ? 0 : 1] = (guint8) (v >> 8);
}

static inline void
dcm_store_u32 (guint8 *p, guint32 v, gboolean big_endian)
{
  for (guint i = 0; i < 4; i++)
    p[big_endian ? 3 - i : i] = (guint8) (v >> (8 * i));
}

static inline void
dcm_writer_put_u16 (DcmWriter *w, guint16 v, gboolean big_endian)
{
  guint8 b[2];
  dcm_store_u16 (b, v, big_endian);
  g_byte_array_append (w->buf, b, 2);
}

static inline void
dcm_writer_put_u32 (DcmWriter *w, guint32 v, gboolean big_endian)
{
  guint8 b[4];
  dcm_store_u32 (b, v, big_endian);
  g_byte_array_append (w->buf, b, 4);
}

/* Appends n zero bytes. */
void dcm_writer_put_zeros (DcmWriter *w, gsize n);
/* Overwrites a 32-bit field written earlier at offset (e.g. a length
 * known only once the value is written). */
void dcm_writer_patch_u32 (DcmWriter *w, gsize offset, guint32 v, gboolean big_endian);

#define dcm_writer_put_u16_le(w, v) dcm_writer_put_u16 ((w), (v), FALSE)
#define dcm_writer_put_u16_be(w, v) dcm_writer_put_u16 ((w), (v), TRUE)
#define dcm_writer_put_u32_le(w, v) dcm_writer_put_u32 ((w), (v), FALSE)
#define dcm_writer_put_u32_be(w, v) dcm_writer_put_u32 ((w), (v), TRUE)

G_END_DECLS
