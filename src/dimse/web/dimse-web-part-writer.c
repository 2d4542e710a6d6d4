/* dimse-web-part-writer.c — multipart parts into Part 10 files, atomically */
#include "config.h"

#include "dimse-web-part-writer.h"

#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dimse-store.h"
#include "dimse-web-error.h"

#define PART_WRITER_TMP_PREFIX ".dimse-web-"
/* A temporary file untouched this long belongs to a process that died. */
#define PART_WRITER_STALE_S (10 * 60)

struct _DimseWebPartWriter {
  char  *folder;
  char  *tmp_path;  /* the part being written, or NULL */
  int    fd;
  guint  n_parts;   /* begun */
  guint  n_written;
};

DimseWebPartWriter *
dimse_web_part_writer_new (const char *folder)
{
  DimseWebPartWriter *self = g_new0 (DimseWebPartWriter, 1);

  self->folder = g_strdup (folder);
  self->fd = -1;
  return self;
}

void
dimse_web_part_writer_abort (DimseWebPartWriter *writer)
{
  if (writer->fd >= 0)
    close (writer->fd);
  writer->fd = -1;
  if (writer->tmp_path != NULL)
    g_unlink (writer->tmp_path);
  g_clear_pointer (&writer->tmp_path, g_free);
}

void
dimse_web_part_writer_free (DimseWebPartWriter *writer)
{
  if (writer == NULL)
    return;
  dimse_web_part_writer_abort (writer);
  g_free (writer->folder);
  g_free (writer);
}

guint
dimse_web_part_writer_get_n_written (DimseWebPartWriter *writer)
{
  return writer->n_written;
}

static gboolean
storage_error (DimseWebPartWriter *self, GError **error, const char *what, int errsv)
{
  g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_STORAGE,
               _("Cannot %s for part %u in “%s”: %s."), what, self->n_parts, self->folder,
               g_strerror (errsv));
  dimse_web_part_writer_abort (self);
  return FALSE;
}

static gboolean
is_application_dicom (const char *content_type)
{
  g_autofree char *type = NULL;
  const char *semicolon;

  if (content_type == NULL)
    return TRUE;
  semicolon = strchr (content_type, ';');
  type = g_strstrip (g_strndup (content_type, semicolon != NULL
                                              ? (gsize) (semicolon - content_type)
                                              : strlen (content_type)));
  return g_ascii_strcasecmp (type, "application/dicom") == 0;
}

gboolean
dimse_web_part_writer_begin (DimseWebPartWriter *writer, const char *content_type,
                             GError **error)
{
  dimse_web_part_writer_abort (writer);
  writer->n_parts++;
  if (!is_application_dicom (content_type))
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                   _("Part %u is “%s”, not application/dicom."), writer->n_parts, content_type);
      return FALSE;
    }
  writer->tmp_path = g_build_filename (writer->folder, PART_WRITER_TMP_PREFIX "XXXXXX", NULL);
  writer->fd = g_mkstemp_full (writer->tmp_path, O_RDWR | O_CLOEXEC, 0644);
  if (writer->fd < 0)
    {
      int errsv = errno;

      g_clear_pointer (&writer->tmp_path, g_free);
      return storage_error (writer, error, _("make a file"), errsv);
    }
  return TRUE;
}

gboolean
dimse_web_part_writer_write (DimseWebPartWriter *writer, const guint8 *data, gsize len,
                             GError **error)
{
  g_return_val_if_fail (writer->fd >= 0, FALSE);
  while (len > 0)
    {
      gssize n = write (writer->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return storage_error (writer, error, _("write"), errno);
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* The SOP Instance UID of the file just written, checked (PS3.10 §7.1:
 * the meta group's Media Storage SOP Instance UID is the data set's). */
static gboolean
read_uids (DimseWebPartWriter *self, char **sop_class_uid, char **sop_instance_uid,
           GError **error)
{
  DcmReadOptions opts;
  g_autoptr(DcmFile) file = NULL;
  g_autofree char *meta_uid = NULL;
  DcmDataSet *ds;

  dcm_read_options_init (&opts);
  opts.stop_at_tag = DCM_TAG_SOP_INSTANCE_UID + 1;
  file = dcm_file_read_path (self->tmp_path, &opts, DCM_FILE_READ_DEFAULT, error);
  if (file == NULL)
    {
      g_prefix_error (error, _("Part %u is not a DICOM file: "), self->n_parts);
      return FALSE;
    }
  ds = dcm_file_get_data_set (file);
  *sop_class_uid = dcm_data_set_dup_string (ds, DCM_TAG_SOP_CLASS_UID);
  *sop_instance_uid = dcm_data_set_dup_string (ds, DCM_TAG_SOP_INSTANCE_UID);
  meta_uid = dcm_data_set_dup_string (dcm_file_get_meta (file),
                                      DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID);
  if (*sop_instance_uid == NULL || !dimse_store_uid_is_safe_file_name (*sop_instance_uid))
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_STORAGE,
                   _("Part %u has no SOP Instance UID (0008,0018) fit for a file name "
                     "(“%s”)."), self->n_parts,
                   *sop_instance_uid != NULL ? *sop_instance_uid : "");
      return FALSE;
    }
  if (meta_uid != NULL && strcmp (meta_uid, *sop_instance_uid) != 0)
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_STORAGE,
                   _("Part %u names SOP Instance UID %s in its File Meta Information and %s "
                     "in its data set."), self->n_parts, meta_uid, *sop_instance_uid);
      return FALSE;
    }
  return TRUE;
}

static void
sync_folder (const char *folder)
{
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  /* Some file systems cannot sync a folder; the rename stands. */
  (void) fsync (fd);
  close (fd);
}

char *
dimse_web_part_writer_end (DimseWebPartWriter *writer, char **out_sop_class_uid,
                           char **out_sop_instance_uid, GError **error)
{
  g_autofree char *sop_class_uid = NULL;
  g_autofree char *sop_instance_uid = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (writer->fd >= 0, NULL);
  if (fsync (writer->fd) != 0 && errno != EINVAL)
    {
      storage_error (writer, error, _("sync the file"), errno);
      return NULL;
    }
  close (writer->fd);
  writer->fd = -1;
  if (!read_uids (writer, &sop_class_uid, &sop_instance_uid, error))
    {
      dimse_web_part_writer_abort (writer);
      return NULL;
    }
  name = g_strconcat (sop_instance_uid, ".dcm", NULL);
  path = g_build_filename (writer->folder, name, NULL);
  if (g_rename (writer->tmp_path, path) != 0)
    {
      storage_error (writer, error, _("rename the received file"), errno);
      return NULL;
    }
  g_clear_pointer (&writer->tmp_path, g_free);
  sync_folder (writer->folder);
  writer->n_written++;
  if (out_sop_class_uid != NULL)
    *out_sop_class_uid = g_steal_pointer (&sop_class_uid);
  if (out_sop_instance_uid != NULL)
    *out_sop_instance_uid = g_steal_pointer (&sop_instance_uid);
  return g_steal_pointer (&path);
}

guint
dimse_web_part_writer_sweep (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, PART_WRITER_TMP_PREFIX))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode)
          && now - (gint64) st.st_mtime > PART_WRITER_STALE_S && g_unlink (path) == 0)
        n++;
    }
  return n;
}
