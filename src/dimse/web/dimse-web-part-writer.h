/* dimse-web-part-writer.h — application/dicom parts of a multipart body
 * written to a folder as they arrive: each into a temporary file, then,
 * once whole and checked, synced and renamed to <SOP Instance UID>.dcm
 * (the WADO-RS client's retrieve and the STOW-RS server's store) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DimseWebPartWriter DimseWebPartWriter;

/* folder must exist. */
DimseWebPartWriter *dimse_web_part_writer_new (const char *folder);
/* Deletes the temporary file of a part not ended. */
void                dimse_web_part_writer_free (DimseWebPartWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseWebPartWriter, dimse_web_part_writer_free)

/* A part starts: content_type must be application/dicom (PS3.18 §8.7.3;
 * NULL is taken as that); DIMSE_WEB_ERROR_RESPONSE_INVALID otherwise.
 * DIMSE_WEB_ERROR_STORAGE when the temporary file cannot be made. */
gboolean dimse_web_part_writer_begin (DimseWebPartWriter *writer, const char *content_type,
                                      GError **error);
gboolean dimse_web_part_writer_write (DimseWebPartWriter *writer, const guint8 *data, gsize len,
                                      GError **error);
/* The part is whole: it must read as a Part 10 file whose SOP Instance
 * UID (the same in the meta group and the data set) is valid and fit for
 * a file name; it then replaces <folder>/<UID>.dcm atomically. Returns
 * the path, and the UIDs (each may be NULL). On failure the temporary
 * file is gone and the error (DIMSE_WEB_ERROR_STORAGE, or DCM_ERROR for a
 * part that is not a DICOM file) names the part. */
char    *dimse_web_part_writer_end (DimseWebPartWriter *writer, char **out_sop_class_uid,
                                    char **out_sop_instance_uid, GError **error);
/* Drops the part being written, if any (its temporary file deleted). */
void     dimse_web_part_writer_abort (DimseWebPartWriter *writer);
guint    dimse_web_part_writer_get_n_written (DimseWebPartWriter *writer);
/* Deletes the temporary files that a process which died left in folder
 * (untouched for 10 minutes); returns how many. */
guint    dimse_web_part_writer_sweep (const char *folder);

G_END_DECLS
