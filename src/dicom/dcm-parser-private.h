/* dcm-parser-private.h — the parser's input: memory, or a buffered stream,
 * optionally inflated */
#pragma once

#include <gio/gio.h>
#include "dcm-binary.h"

G_BEGIN_DECLS

#define DCM_PARSER_DEFAULT_MAX_INFLATED (G_GUINT64_CONSTANT (4) << 30)

typedef struct {
  DcmReader     r;               /* the unread input at r.data + r.pos */
  gboolean      memory;          /* all of the input is in r */
  GBytes       *bytes;           /* memory: what r covers */
  GInputStream *in;              /* stream: where more comes from */
  guint8       *buf;             /* stream: storage of r */
  gboolean      eof;             /* no more input after r */
  gboolean      raw_eof;         /* the stream itself ended */
  GCancellable *cancellable;     /* of the current call */

  /* PS3.5 Annex A.5: raw deflate of everything after the switch */
  gboolean      inflating;
  gboolean      pending_inflate;
  GConverter   *inflater;
  const guint8 *z_data;
  guint8       *z_owned;
  gsize         z_size, z_pos, z_len;
  gboolean      z_started, z_done;
  guint64       inflated, max_inflated;
} DcmParserInput;

void     dcm_parser_input_init_stream (DcmParserInput *in, GInputStream *stream,
                                       guint64 max_inflated);
void     dcm_parser_input_init_bytes (DcmParserInput *in, GBytes *bytes, guint64 max_inflated);
void     dcm_parser_input_clear (DcmParserInput *in);
/* Everything after the current offset is deflated; takes effect at the
 * next dcm_parser_input_prepare. */
void     dcm_parser_input_start_inflate (DcmParserInput *in);
gboolean dcm_parser_input_prepare (DcmParserInput *in, GError **error);
/* Reads until n bytes (n <= 64 KiB) are in r, or the input ends. */
gboolean dcm_parser_input_refill (DcmParserInput *in, gsize n, GError **error);
gboolean dcm_parser_input_skip (DcmParserInput *in, guint64 n, GError **error);
/* The next length bytes, swapped per unit: a slice of the input in memory,
 * otherwise a buffer that grows only as the bytes arrive. */
GBytes  *dcm_parser_input_read_value (DcmParserInput *in, guint32 tag, guint64 header_offset,
                                      guint32 length, guint unit, GError **error);

gboolean dcm_parser_input_fail_header (DcmParserInput *in, guint64 offset, gboolean invalid,
                                       GError **error);
gboolean dcm_parser_input_fail_ended (DcmParserInput *in, guint32 tag, guint64 header_offset,
                                      guint64 length, guint64 got, GError **error);
gboolean dcm_parser_input_fail_sink (guint32 tag, guint64 header_offset, GError *local,
                                     GError **error);

static inline gboolean
dcm_parser_input_ensure (DcmParserInput *in, gsize n, GError **error)
{
  if (G_LIKELY (dcm_reader_remaining (&in->r) >= n) || in->memory)
    return TRUE;
  return dcm_parser_input_refill (in, n, error);
}

G_END_DECLS
