/* dcm-writer.h — encoding data sets */
#pragma once

#include <gio/gio.h>
#include "dcm-data-set.h"
#include "dcm-transfer-syntax.h"

G_BEGIN_DECLS

typedef enum {
  DCM_WRITE_DEFAULT                  = 0,
  /* Sequences and items with undefined length and delimiters; default is
   * explicit lengths. */
  DCM_WRITE_UNDEFINED_LENGTHS        = 1 << 0,
  /* Keep each sequence's and item's length style as read. */
  DCM_WRITE_PRESERVE_LENGTHS         = 1 << 1,
  /* Drop group length elements (gggg,0000) other than in group 0002;
   * default recalculates those present. */
  DCM_WRITE_DROP_GROUP_LENGTHS       = 1 << 2,
} DcmWriteFlags;

/* Encoded length of the data set in ts (before deflate). */
gboolean dcm_data_set_encoded_length (DcmDataSet *ds, const DcmTransferSyntax *ts,
                                      DcmWriteFlags flags, guint64 *out_length, GError **error);
GBytes  *dcm_data_set_write_bytes (DcmDataSet *ds, const DcmTransferSyntax *ts,
                                   DcmWriteFlags flags, GError **error);
/* Writes with vectored, buffered output; bulk values are copied from their
 * DcmBulkRef sources in chunks. Deflated syntax compresses on the fly. */
gboolean dcm_data_set_write_stream (DcmDataSet *ds, GOutputStream *out,
                                    const DcmTransferSyntax *ts, DcmWriteFlags flags,
                                    GCancellable *cancellable, GError **error);

/* Told, as each bulk value (DcmBulkRef) is written, the offset where its
 * value starts in the output, counted from the first byte this write
 * produces and before any deflate, and the byte order it was written in. */
typedef void (*DcmBulkWrittenFunc) (const DcmElement *el, guint64 offset, gboolean big_endian,
                                    gpointer user_data);

gboolean dcm_data_set_write_stream_full (DcmDataSet *ds, GOutputStream *out,
                                         const DcmTransferSyntax *ts, DcmWriteFlags flags,
                                         DcmBulkWrittenFunc bulk_written, gpointer user_data,
                                         GCancellable *cancellable, GError **error);

/* Appends the encoding to array (compressed for the deflated syntax), for
 * callers assembling a larger buffer such as a Part 10 file. */
gboolean dcm_data_set_write_to_byte_array (DcmDataSet *ds, GByteArray *array,
                                           const DcmTransferSyntax *ts, DcmWriteFlags flags,
                                           GError **error);

G_END_DECLS
