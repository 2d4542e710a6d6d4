/* dcm-parser.h — reading data sets in every uncompressed transfer syntax */
#pragma once

#include <gio/gio.h>
#include "dcm-data-set.h"
#include "dcm-transfer-syntax.h"

G_BEGIN_DECLS

/* One piece of a bulk value handed to a sink instead of being kept. */
typedef struct {
  guint32       tag;
  DcmVR         vr;
  guint         depth;           /* 0 at top level */
  guint64       value_length;    /* whole value; for fragments, this fragment's */
  gint          fragment_index;  /* -1 for a plain value, 0 = Basic Offset Table */
  guint64       offset;          /* offset of data within the value (or fragment) */
  const guint8 *data;
  gsize         len;
  gboolean      last;            /* last chunk of the value (or fragment) */
  guint64       stream_offset;   /* offset of data in the (inflated) input stream */
} DcmBulkChunk;

/* Returns FALSE with error set to stop the read. */
typedef gboolean (*DcmBulkSinkFunc) (const DcmBulkChunk *chunk, gpointer user_data, GError **error);

typedef struct {
  guint           max_depth;          /* sequence nesting; 0 = default 64 */
  guint64         bulk_threshold;     /* values at least this long go to the sink
                                         (or become DcmBulkRef without a sink when
                                         the source is a file); 0 = keep all */
  gboolean        bulk_pixel_data;    /* always hand (7FE0,0010) etc. to the sink */
  DcmBulkSinkFunc sink;
  gpointer        sink_data;
  const char     *source_path;        /* for DcmBulkRef when no sink: file the
                                         stream reads (uncompressed syntaxes only) */
  guint64         source_offset;      /* offset of the data set in source_path */
  guint64         max_inflated_size;  /* deflate cap; 0 = default 4 GiB */
  guint32         stop_at_tag;        /* stop before the first element with tag >= this
                                         (0 = read to the end) */
} DcmReadOptions;

void dcm_read_options_init (DcmReadOptions *opts);

/* How the readers below treat what the standard leaves open:
 * - Values keep the VR as written, even when it does not fit the tag; in
 *   implicit VR the dictionary decides (US/SS after Pixel Representation,
 *   OW for Pixel Data and other OB/OW tags), private creators are LO and
 *   unknown tags UN.
 * - An undefined-length UN (and, in implicit VR, an undefined-length
 *   unknown tag) holds items in implicit VR little endian (PS3.5 §6.2.2):
 *   the element keeps VR UN and gets kind DCM_VALUE_ITEMS.
 * - An explicit VR code this reader does not know is read as UN with a
 *   32-bit length when it is two capital letters followed by two zero
 *   bytes (the form of every VR added to the standard since 2000);
 *   anything else there fails with DCM_ERROR_INVALID.
 * - Odd lengths are accepted as read (dcm_data_set_validate reports them).
 * - Any other undefined-length value is encapsulated (PS3.5 §A.4): its
 *   fragments become DCM_VALUE_FRAGMENTS, [0] the Basic Offset Table.
 * - Bulk values: a plain value goes to the sink in chunks, little endian
 *   whatever the syntax, and the element becomes a DcmBulkRef (path set
 *   when source_path is given and the input is not deflated; offset =
 *   source_offset + offset of the value; big_endian as stored there).
 *   An encapsulated value goes fragment by fragment (each at least one
 *   chunk, even when empty) and its DcmBulkRef spans the encoded items
 *   from the first item tag through the sequence delimiter.
 * - After an error the data set holds what was read before it.
 * Errors are DCM_ERROR with the byte offset and tag in the message:
 * TRUNCATED when the data ends early (or an undefined length has no
 * delimiter), INVALID for broken structure (a length past its enclosing
 * item, an item outside a sequence), LIMIT for max_depth and
 * max_inflated_size, IO when the stream fails. */

/* Parses a whole data set from memory; values are zero-copy slices of data
 * (copies when they had to be byte-swapped or inflated). */
DcmDataSet *dcm_data_set_read_bytes (GBytes *data, const DcmTransferSyntax *ts,
                                     const DcmReadOptions *opts, GError **error);
/* Parses from a stream in bounded memory: reads in large chunks, keeps
 * values under the threshold and streams the rest to the sink. Reads to EOF
 * (or opts->stop_at_tag: the stream may have been read past that point;
 * use a DcmParser to go on). For deflated syntax, inflates (raw deflate)
 * with the max_inflated_size cap. */
DcmDataSet *dcm_data_set_read_stream (GInputStream *in, const DcmTransferSyntax *ts,
                                      const DcmReadOptions *opts, GCancellable *cancellable,
                                      GError **error);

/* The reader beneath the two functions above, for input that is read in
 * parts: the Part 10 reader reads group 0002 (always explicit VR little
 * endian), switches to the file's transfer syntax and reads on from the same
 * input; the network engine reads a data set whose P-DATA fragments arrive
 * through a stream. opts (copied; may be NULL) applies to every read,
 * except that its stop_at_tag is ignored: the stop is given per call. */
typedef struct _DcmParser DcmParser;

DcmParser *dcm_parser_new_for_stream (GInputStream *in, const DcmTransferSyntax *ts,
                                      const DcmReadOptions *opts);
/* Zero-copy over data; a deflated ts is inflated at once (capped). */
DcmParser *dcm_parser_new_for_bytes (GBytes *data, const DcmTransferSyntax *ts,
                                     const DcmReadOptions *opts);
void       dcm_parser_free (DcmParser *parser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcmParser, dcm_parser_free)

/* Reads top-level elements into ds (appended or replaced) until the input
 * ends or, when stop_tag is not 0, until the next element's tag is
 * >= stop_tag; that element stays unread for the next call. */
gboolean   dcm_parser_read_until (DcmParser *parser, DcmDataSet *ds, guint32 stop_tag,
                                  GCancellable *cancellable, GError **error);
/* The syntax of what follows. Switching to the deflated syntax inflates
 * the rest of the input from the current offset (PS3.5 §A.5). */
gboolean   dcm_parser_set_transfer_syntax (DcmParser *parser, const DcmTransferSyntax *ts,
                                           GError **error);
const DcmTransferSyntax *dcm_parser_get_transfer_syntax (DcmParser *parser);
/* Offset of the next unread byte. Before any deflated part this is the
 * offset in the input; within it, the offset where inflating began plus
 * the offset in the inflated data. */
guint64    dcm_parser_get_offset (DcmParser *parser);
/* Raw access for the preamble and "DICM" prefix of PS3.10 files: makes up
 * to n bytes (n <= 4096) available without consuming them; *out_len is
 * less than n only at the end of the input. */
gboolean   dcm_parser_peek (DcmParser *parser, gsize n, const guint8 **out_data,
                            gsize *out_len, GCancellable *cancellable, GError **error);
gboolean   dcm_parser_skip (DcmParser *parser, gsize n, GCancellable *cancellable,
                            GError **error);
/* TRUE when no byte is left to read; FALSE otherwise or with error set. */
gboolean   dcm_parser_at_end (DcmParser *parser, GCancellable *cancellable, GError **error);

G_END_DECLS
