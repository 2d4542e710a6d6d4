/* dcm-writer-private.h — what the writer's files share: the state of one
 * write (dcm-writer.c), and what each element is written as and how long
 * it is (dcm-writer-length.c). Not for other files of the library. */
#pragma once

#include "dcm-writer.h"

G_BEGIN_DECLS

/* The encoding at one nesting level: the transfer syntax's, or Implicit VR
 * Little Endian inside a UN sequence (PS3.5 §6.2.2). */
typedef struct {
  gboolean explicit_vr;
  gboolean big_endian;
  guint    memo;        /* which lengths table caches this encoding */
} DcmWriteEncoding;

extern const DcmWriteEncoding dcm_write_priv_implicit_le_in_un;

typedef struct {
  DcmWriteFlags       flags;
  GHashTable         *lengths[2];   /* DcmDataSet* → guint64*: encoded item content */
  GByteArray         *buf;
  guint               base;         /* buf->len when the write began */
  guint64             flushed;      /* bytes already handed to out */
  GOutputStream      *out;          /* NULL: everything stays in buf */
  GCancellable       *cancellable;
  DcmBulkWrittenFunc  bulk_written;
  gpointer            bulk_written_data;
} DcmWriteState;

/* ---- what gets written (dcm-writer-length.c) ---- */
gboolean dcm_write_priv_is_dropped (const DcmWriteState *w, const DcmElement *el);
gboolean dcm_write_priv_is_sequence (const DcmElement *el);
DcmVR    dcm_write_priv_written_vr (const DcmElement *el);
gboolean dcm_write_priv_has_undefined_length (const DcmWriteState *w, const DcmElement *el);
guint64  dcm_write_priv_padded (guint64 len);

/* ---- lengths (dcm-writer-length.c) ---- */
gboolean dcm_write_priv_value_length (DcmWriteState *w, const DcmWriteEncoding *enc,
                                      const DcmElement *el, guint64 *out, GError **error);
gboolean dcm_write_priv_content_length (DcmWriteState *w, const DcmWriteEncoding *enc,
                                        DcmDataSet *ds, guint64 *out, GError **error);
gboolean dcm_write_priv_group_length (DcmWriteState *w, const DcmWriteEncoding *enc,
                                      DcmDataSet *ds, guint i, guint64 *out, GError **error);

G_END_DECLS
