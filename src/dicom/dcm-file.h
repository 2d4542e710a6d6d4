/* dcm-file.h — PS3.10 files: preamble, DICM, File Meta Information */
#pragma once

#include <gio/gio.h>
#include "dcm-data-set.h"
#include "dcm-parser.h"
#include "dcm-writer.h"

G_BEGIN_DECLS

typedef struct _DcmFile DcmFile;

/* A file from a data set: the meta group is made from its SOP Class and
 * SOP Instance UIDs, the transfer syntax given, and the project's
 * implementation class UID and version name. */
DcmFile    *dcm_file_new (DcmDataSet *data_set, const char *transfer_syntax_uid, GError **error);
DcmFile    *dcm_file_ref (DcmFile *file);
void        dcm_file_unref (DcmFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcmFile, dcm_file_unref)

DcmDataSet *dcm_file_get_meta (DcmFile *file);       /* group 0002 */
DcmDataSet *dcm_file_get_data_set (DcmFile *file);
const DcmTransferSyntax *dcm_file_get_transfer_syntax (DcmFile *file);
const char *dcm_file_get_transfer_syntax_uid (DcmFile *file);

/* Reads a Part 10 file. A file without preamble/DICM but starting with a
 * group 0002 or 0008 element is accepted (meta-less files read as implicit
 * LE when no meta) only with DCM_FILE_READ_LENIENT. With a path, values over
 * opts->bulk_threshold become DcmBulkRefs into the file (memory bounded).
 * With opts->stop_at_tag, the data set ends before its first element with a
 * tag at or past it (the meta group is read whole), so whatever follows is
 * neither read nor checked; a meta-less file is read at least past its SOP
 * Instance UID. */
typedef enum {
  DCM_FILE_READ_DEFAULT = 0,
  DCM_FILE_READ_LENIENT = 1 << 0,
} DcmFileReadFlags;

DcmFile *dcm_file_read_path (const char *path, const DcmReadOptions *opts,
                             DcmFileReadFlags flags, GError **error);
DcmFile *dcm_file_read_bytes (GBytes *bytes, const DcmReadOptions *opts,
                              DcmFileReadFlags flags, GError **error);
DcmFile *dcm_file_read_stream (GInputStream *in, const DcmReadOptions *opts,
                               DcmFileReadFlags flags, GCancellable *cancellable,
                               GError **error);

/* Changes the transfer syntax (uncompressed ones only; meta updated). */
gboolean dcm_file_set_transfer_syntax (DcmFile *file, const char *ts_uid, GError **error);

/* Writes preamble (128 zero bytes), "DICM", the meta group with (0002,0000)
 * computed, then the data set. write_path is atomic: a temporary file in the
 * same folder, fsync, rename. */
gboolean dcm_file_write_stream (DcmFile *file, GOutputStream *out, DcmWriteFlags flags,
                                GCancellable *cancellable, GError **error);
gboolean dcm_file_write_path (DcmFile *file, const char *path, DcmWriteFlags flags,
                              GError **error);
GBytes  *dcm_file_write_bytes (DcmFile *file, DcmWriteFlags flags, GError **error);

G_END_DECLS
