/* dcm-file.c — PS3.10 files: preamble, DICM, File Meta Information (PS3.10 §7) */
#include "dcm-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dcm-binary.h"
#include "dcm-error.h"
#include "dcm-tags.h"
#include "dcm-uid.h"

#define PREAMBLE_LENGTH 128
#define PREFIX_LENGTH   (PREAMBLE_LENGTH + 4)
/* File Meta Information is a few hundred bytes; it is read from a window
 * of the input this long (the most dcm_parser_peek gives). */
#define META_WINDOW     4096

struct _DcmFile {
  gatomicrefcount          ref_count;
  DcmDataSet              *meta;
  DcmDataSet              *data_set;
  const DcmTransferSyntax *ts;
};

DcmFile *
dcm_file_ref (DcmFile *file)
{
  g_atomic_ref_count_inc (&file->ref_count);
  return file;
}

void
dcm_file_unref (DcmFile *file)
{
  if (file == NULL || !g_atomic_ref_count_dec (&file->ref_count))
    return;
  g_clear_pointer (&file->meta, dcm_data_set_unref);
  g_clear_pointer (&file->data_set, dcm_data_set_unref);
  g_free (file);
}

DcmDataSet *
dcm_file_get_meta (DcmFile *file)
{
  return file->meta;
}

DcmDataSet *
dcm_file_get_data_set (DcmFile *file)
{
  return file->data_set;
}

const DcmTransferSyntax *
dcm_file_get_transfer_syntax (DcmFile *file)
{
  return file->ts;
}

const char *
dcm_file_get_transfer_syntax_uid (DcmFile *file)
{
  return file->ts->uid;
}

static DcmFile *
file_new (DcmDataSet *meta, DcmDataSet *data_set, const DcmTransferSyntax *ts)
{
  DcmFile *file = g_new0 (DcmFile, 1);

  g_atomic_ref_count_init (&file->ref_count);
  file->meta = meta;
  file->data_set = data_set;
  file->ts = ts;
  return file;
}

/* ---- the meta group ---- */

/* A UI value without its padding, or NULL. */
static char *
dup_uid (DcmDataSet *ds, guint32 tag)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);
  const char *data;
  gsize len;

  if (el == NULL || el->kind != DCM_VALUE_BYTES)
    return NULL;
  data = g_bytes_get_data (el->value.bytes, &len);
  while (len > 0 && (data[len - 1] == '\0' || data[len - 1] == ' '))
    len--;
  return len > 0 ? g_strndup (data, len) : NULL;
}

/* PS3.5 §6.2: UI values are padded with a NUL to even length. */
static gboolean
set_uid (DcmDataSet *meta, guint32 tag, const char *uid, GError **error)
{
  g_autofree char *padded = g_strdup_printf ("%s%c", uid, '\0');
  gsize len = strlen (uid);

  return dcm_data_set_set_raw (meta, tag, DCM_VR_UI, padded, len + (len & 1), error);
}

/* (0002,0000) counts the bytes of the meta elements after it (PS3.10 §7.1). */
static gboolean
update_group_length (DcmDataSet *meta, GError **error)
{
  guint8 zero[4] = { 0 }, le[4];
  guint64 len;

  if (!dcm_data_set_set_raw (meta, DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH, DCM_VR_UL,
                             zero, 4, error)
      || !dcm_data_set_encoded_length (meta, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT,
                                       &len, error))
    return FALSE;
  dcm_store_u32 (le, (guint32) (len - 12), FALSE);
  return dcm_data_set_set_raw (meta, DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH, DCM_VR_UL,
                               le, 4, error);
}

/* PS3.10 §7.1: the implementation class names the writer of the file, so a
 * file read elsewhere and written here carries ours. */
static gboolean
set_implementation (DcmDataSet *meta, GError **error)
{
  return set_uid (meta, DCM_TAG_IMPLEMENTATION_CLASS_UID, DCM_IMPLEMENTATION_CLASS_UID, error)
         && dcm_data_set_set_raw (meta, DCM_TAG_IMPLEMENTATION_VERSION_NAME, DCM_VR_SH,
                                  DCM_IMPLEMENTATION_VERSION_NAME,
                                  strlen (DCM_IMPLEMENTATION_VERSION_NAME), error);
}

static gboolean
fill_meta (DcmDataSet *meta, const char *sop_class, const char *sop_instance,
           const char *ts_uid, GError **error)
{
  static const guint8 version[2] = { 0x00, 0x01 };

  return dcm_data_set_set_raw (meta, DCM_TAG_FILE_META_INFORMATION_VERSION, DCM_VR_OB,
                               version, sizeof version, error)
         && (sop_class == NULL
             || set_uid (meta, DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID, sop_class, error))
         && (sop_instance == NULL
             || set_uid (meta, DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID, sop_instance, error))
         && set_uid (meta, DCM_TAG_TRANSFER_SYNTAX_UID, ts_uid, error)
         && set_implementation (meta, error)
         && update_group_length (meta, error);
}

static const DcmTransferSyntax *
lookup_ts (const char *uid, GError **error)
{
  const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (uid);

  if (ts == NULL)
    g_set_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED,
                 "The transfer syntax “%s” is not known.", uid);
  return ts;
}

/* Command (0000) and meta (0002) elements do not belong in a file's data set. */
static DcmDataSet *
without_meta_groups (DcmDataSet *ds)
{
  const DcmElement *first = dcm_data_set_n_elements (ds) > 0 ? dcm_data_set_nth (ds, 0) : NULL;
  DcmDataSet *copy;

  if (first == NULL || DCM_TAG_GROUP (first->tag) > 0x0002)
    return dcm_data_set_ref (ds);
  copy = dcm_data_set_copy (ds);
  dcm_data_set_remove_range (copy, 0, DCM_TAG (0x0002, 0xffff));
  return copy;
}

DcmFile *
dcm_file_new (DcmDataSet *data_set, const char *transfer_syntax_uid, GError **error)
{
  const DcmTransferSyntax *ts = lookup_ts (transfer_syntax_uid, error);
  g_autofree char *sop_class = NULL;
  g_autofree char *sop_instance = NULL;
  g_autoptr(DcmDataSet) meta = NULL;

  if (ts == NULL)
    return NULL;
  sop_class = dup_uid (data_set, DCM_TAG_SOP_CLASS_UID);
  sop_instance = dup_uid (data_set, DCM_TAG_SOP_INSTANCE_UID);
  if (sop_class == NULL || sop_instance == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND,
                   "The data set has no %s, which the File Meta Information needs "
                   "(PS3.10 §7.1).", sop_class == NULL ? "SOP Class UID (0008,0016)"
                                                       : "SOP Instance UID (0008,0018)");
      return NULL;
    }
  meta = dcm_data_set_new ();
  if (!fill_meta (meta, sop_class, sop_instance, ts->uid, error))
    return NULL;
  return file_new (g_steal_pointer (&meta), without_meta_groups (data_set), ts);
}

gboolean
dcm_file_set_transfer_syntax (DcmFile *file, const char *ts_uid, GError **error)
{
  const DcmTransferSyntax *ts = lookup_ts (ts_uid, error);

  if (ts == NULL)
    return FALSE;
  if (ts == file->ts)
    return TRUE;
  if (!dcm_transfer_syntax_is_uncompressed (ts) || !dcm_transfer_syntax_is_uncompressed (file->ts))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED,
                   "Changing the transfer syntax from %s to %s needs a pixel data codec, "
                   "which is not supported.", dcm_uid_name (file->ts->uid),
                   dcm_uid_name (ts->uid));
      return FALSE;
    }
  if (!set_uid (file->meta, DCM_TAG_TRANSFER_SYNTAX_UID, ts->uid, error)
      || !update_group_length (file->meta, error))
    return FALSE;
  file->ts = ts;
  return TRUE;
}

/* ---- writing ---- */

static gboolean
append_header (DcmFile *file, GByteArray *array, GError **error)
{
  DcmWriter w;

  if (!set_implementation (file->meta, error) || !update_group_length (file->meta, error))
    return FALSE;
  dcm_writer_init (&w, array);
  dcm_writer_put_zeros (&w, PREAMBLE_LENGTH);
  dcm_writer_put_bytes (&w, "DICM", 4);
  return dcm_data_set_write_to_byte_array (file->meta, array, &dcm_ts_explicit_le,
                                           DCM_WRITE_DEFAULT, error);
}

GBytes *
dcm_file_write_bytes (DcmFile *file, DcmWriteFlags flags, GError **error)
{
  g_autoptr(GByteArray) array = g_byte_array_new ();

  if (!append_header (file, array, error)
      || !dcm_data_set_write_to_byte_array (file->data_set, array, file->ts, flags, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&array));
}

static gboolean
fail_stream (GError *local, GError **error)
{
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) || local->domain == DCM_ERROR)
    g_propagate_error (error, local);
  else
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_IO, "Writing the file failed: %s",
                   local->message);
      g_error_free (local);
    }
  return FALSE;
}

/* Writes the file; *out_header_length is where the data set starts. */
static gboolean
write_file (DcmFile *file, GOutputStream *out, DcmWriteFlags flags,
            DcmBulkWrittenFunc bulk_written, gpointer user_data, gsize *out_header_length,
            GCancellable *cancellable, GError **error)
{
  g_autoptr(GByteArray) header = g_byte_array_new ();
  GError *local = NULL;

  if (!append_header (file, header, error))
    return FALSE;
  *out_header_length = header->len;
  if (!g_output_stream_write_all (out, header->data, header->len, NULL, cancellable, &local)
      || !dcm_data_set_write_stream_full (file->data_set, out, file->ts, flags, bulk_written,
                                          user_data, cancellable, &local))
    return fail_stream (local, error);
  return TRUE;
}

gboolean
dcm_file_write_stream (DcmFile *file, GOutputStream *out, DcmWriteFlags flags,
                       GCancellable *cancellable, GError **error)
{
  gsize header_length;

  return write_file (file, out, flags, NULL, NULL, &header_length, cancellable, error);
}

static gboolean
fail_io (const char *what, const char *path, int saved_errno, GError **error)
{
  g_set_error (error, DCM_ERROR, DCM_ERROR_IO, "Cannot %s “%s”: %s.", what, path,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
sync_folder (const char *dir, GError **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0)
    return fail_io ("open the folder", dir, errno, error);
  /* Some file systems cannot sync a folder; the rename is still done. */
  if (fsync (fd) != 0 && errno != EINVAL && errno != EROFS)
    {
      saved = errno;
      close (fd);
      return fail_io ("sync the folder", dir, saved, error);
    }
  close (fd);
  return TRUE;
}

/* Values left in the very file being replaced (read with a bulk threshold):
 * once the new file takes its name, their references must give the new
 * file's offsets and byte order. */
typedef struct {
  gboolean    target_exists;
  GStatBuf    target;
  GHashTable *checked;    /* path → GINT_TO_POINTER (1 other file, 2 the target) */
  GPtrArray  *refs;       /* DcmBulkRef* into the target */
  GArray     *offsets;    /* guint64: where each value now starts in the data set */
  GArray     *orders;     /* gboolean: big endian */
} Relocation;

static void
relocation_init (Relocation *r, const char *path)
{
  r->target_exists = g_stat (path, &r->target) == 0;
  r->checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->refs = g_ptr_array_new ();
  r->offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  r->orders = g_array_new (FALSE, FALSE, sizeof (gboolean));
}

static void
relocation_clear (Relocation *r)
{
  g_hash_table_unref (r->checked);
  g_ptr_array_unref (r->refs);
  g_array_unref (r->offsets);
  g_array_unref (r->orders);
}

static gboolean
is_target (Relocation *r, const char *path)
{
  gpointer seen = g_hash_table_lookup (r->checked, path);
  GStatBuf st;
  gboolean same;

  if (seen != NULL)
    return GPOINTER_TO_INT (seen) == 2;
  same = r->target_exists && g_stat (path, &st) == 0
         && st.st_dev == r->target.st_dev && st.st_ino == r->target.st_ino;
  g_hash_table_insert (r->checked, g_strdup (path), GINT_TO_POINTER (same ? 2 : 1));
  return same;
}

static void
on_bulk_written (const DcmElement *el, guint64 offset, gboolean big_endian, gpointer user_data)
{
  Relocation *r = user_data;

  if (el->value.bulk->path == NULL || !is_target (r, el->value.bulk->path))
    return;
  g_ptr_array_add (r->refs, el->value.bulk);
  g_array_append_val (r->offsets, offset);
  g_array_append_val (r->orders, big_endian);
}

static void
relocate (Relocation *r, gsize header_length)
{
  for (guint i = 0; i < r->refs->len; i++)
    {
      DcmBulkRef *ref = r->refs->pdata[i];

      ref->offset = header_length + g_array_index (r->offsets, guint64, i);
      ref->big_endian = g_array_index (r->orders, gboolean, i);
    }
}

/* Writes into tmp (already created, open as fd) and syncs it. */
static gboolean
write_temp (DcmFile *file, const char *tmp, int fd, DcmWriteFlags flags, Relocation *r,
            gsize *out_header_length, GError **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (tmp);
  GError *local = NULL;
  g_autoptr(GFileOutputStream) out = g_file_append_to (gfile, G_FILE_CREATE_NONE, NULL, &local);
  GOutputStream *stream = G_OUTPUT_STREAM (out);

  if (out == NULL)
    return fail_stream (local, error);
  if (!write_file (file, stream, flags, on_bulk_written, r, out_header_length, NULL, error))
    {
      g_output_stream_close (stream, NULL, NULL);
      return FALSE;
    }
  if (!g_output_stream_close (stream, NULL, &local))
    return fail_stream (local, error);
  /* fsync applies to the file, whichever descriptor names it. */
  if (fsync (fd) != 0)
    return fail_io ("sync", tmp, errno, error);
  return TRUE;
}

gboolean
dcm_file_write_path (DcmFile *file, const char *path, DcmWriteFlags flags, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_build_filename (dir, ".dimse-XXXXXX.tmp", NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  Relocation r;
  gsize header_length = 0;
  gboolean ok;

  if (fd < 0)
    return fail_io ("create a file in", dir, errno, error);
  relocation_init (&r, path);
  ok = write_temp (file, tmp, fd, flags, &r, &header_length, error);
  close (fd);
  if (ok && r.refs->len > 0 && file->ts->deflated)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED,
                   "Values of the data set are still read from “%s”, which a deflated file "
                   "cannot replace; write it to another path.", path);
      ok = FALSE;
    }
  if (ok && g_rename (tmp, path) != 0)
    ok = fail_io ("rename the written file to", path, errno, error);
  if (ok)
    relocate (&r, header_length);
  else
    g_unlink (tmp);
  relocation_clear (&r);
  return ok && sync_folder (dir, error);
}

/* ---- reading ---- */

typedef enum {
  LAYOUT_PART10,     /* preamble, DICM, meta */
  LAYOUT_BARE_META,  /* meta at offset 0 (lenient) */
  LAYOUT_NO_META,    /* the data set at offset 0 (lenient) */
} Layout;

static gboolean
starts_with_element (const guint8 *data, gsize len, guint16 group)
{
  return len >= 8 && dcm_load_u16 (data, FALSE) == group;
}

static gboolean
has_explicit_vr (const guint8 *data, gsize len)
{
  return len >= 6 && dcm_vr_from_code (data[4], data[5]) != DCM_VR_NONE;
}

/* Decides from the first bytes (up to PREFIX_LENGTH) how the file is laid out. */
static gboolean
find_layout (const guint8 *data, gsize len, DcmFileReadFlags flags, const char *name,
             Layout *layout, GError **error)
{
  if (len >= PREFIX_LENGTH && memcmp (data + PREAMBLE_LENGTH, "DICM", 4) == 0)
    *layout = LAYOUT_PART10;
  else if ((flags & DCM_FILE_READ_LENIENT) && starts_with_element (data, len, 0x0002)
           && has_explicit_vr (data, len))
    *layout = LAYOUT_BARE_META;
  else if ((flags & DCM_FILE_READ_LENIENT) && starts_with_element (data, len, 0x0008))
    *layout = LAYOUT_NO_META;
  else
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_PART10,
                   "%s is not a DICOM Part 10 file: no 'DICM' prefix at offset 128.", name);
      return FALSE;
    }
  return TRUE;
}

/* A meta-less data set is guessed explicit LE when its first element shows a
 * VR, else implicit LE (the default transfer syntax, PS3.5 §10.1). */
static const DcmTransferSyntax *
guess_ts (const guint8 *data, gsize len)
{
  return has_explicit_vr (data, len) ? &dcm_ts_explicit_le : &dcm_ts_implicit_le;
}

/* Size of the group 0002 element at the reader's position, or 0 when the
 * meta group has ended. The meta group is always explicit VR LE. */
static gboolean
meta_element_size (const DcmReader *r, guint64 *out, GError **error)
{
  DcmReader h = *r;
  guint16 group = 0, element = 0, len16 = 0;
  guint32 len = 0;
  const guint8 *vr_code = NULL;
  DcmVR vr;

  *out = 0;
  if (dcm_reader_remaining (&h) == 1 && dcm_reader_peek (&h)[0] == 0x02)
    return dcm_reader_fail_truncated (&h, 2, error);
  if (dcm_reader_remaining (&h) < 2 || dcm_load_u16 (dcm_reader_peek (&h), FALSE) != 0x0002)
    return TRUE;
  if (!dcm_reader_read_u16_le (&h, &group, error) || !dcm_reader_read_u16_le (&h, &element, error)
      || !dcm_reader_read_bytes (&h, 2, &vr_code, error))
    return FALSE;
  vr = dcm_vr_from_code (vr_code[0], vr_code[1]);
  if (vr == DCM_VR_NONE)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The meta element (0002,%04X) at offset %" G_GUINT64_FORMAT " has no valid "
                   "VR; the File Meta Information is Explicit VR Little Endian (PS3.10 §7.1).",
                   element, dcm_reader_offset (r));
      return FALSE;
    }
  if (dcm_vr_has_long_length (vr))
    {
      if (!dcm_reader_skip (&h, 2, error) || !dcm_reader_read_u32_le (&h, &len, error))
        return FALSE;
    }
  else if (dcm_reader_read_u16_le (&h, &len16, error))
    len = len16;
  else
    return FALSE;
  if (len == DCM_UNDEFINED_LENGTH)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The meta element (0002,%04X) at offset %" G_GUINT64_FORMAT " has an "
                   "undefined length.", element, dcm_reader_offset (r));
      return FALSE;
    }
  *out = h.pos - r->pos + (guint64) len;
  return TRUE;
}

/* Walks the group 0002 elements by their tags, so that a wrong (0002,0000)
 * does not matter, and returns their length. base is the offset of data. */
static gboolean
scan_meta (const guint8 *data, gsize len, guint64 base, gsize *out_len, GError **error)
{
  DcmReader r;

  dcm_reader_init (&r, data, len, base);
  for (;;)
    {
      guint64 size;

      if (!meta_element_size (&r, &size, error) || !dcm_reader_skip (&r, size, error))
        {
          g_prefix_error (error, "The File Meta Information is damaged: ");
          return FALSE;
        }
      if (size == 0)
        break;
    }
  *out_len = r.pos;
  return TRUE;
}

static DcmDataSet *
parse_meta (GBytes *meta_bytes, gboolean lenient, const DcmTransferSyntax **out_ts,
            GError **error)
{
  g_autoptr(DcmDataSet) meta = NULL;
  g_autofree char *ts_uid = NULL;

  meta = dcm_data_set_read_bytes (meta_bytes, &dcm_ts_explicit_le, NULL, error);
  if (meta == NULL)
    return NULL;
  ts_uid = dup_uid (meta, DCM_TAG_TRANSFER_SYNTAX_UID);
  if (ts_uid == NULL && lenient)
    {
      *out_ts = NULL;
      return g_steal_pointer (&meta);
    }
  if (ts_uid == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_PART10,
                   "The File Meta Information has no Transfer Syntax UID (0002,0010).");
      return NULL;
    }
  *out_ts = lookup_ts (ts_uid, error);
  if (*out_ts == NULL)
    return NULL;
  return g_steal_pointer (&meta);
}

/* The meta group is read from a window of the input rather than through
 * the parser, so that the caller's bulk options never apply to it. */
static DcmDataSet *
read_meta (DcmParser *parser, DcmFileReadFlags flags, const char *name,
           const DcmTransferSyntax **out_ts, GCancellable *cancellable, GError **error)
{
  const guint8 *data;
  gsize avail, len;
  g_autoptr(GBytes) meta_bytes = NULL;
  g_autoptr(GError) local = NULL;

  if (!dcm_parser_peek (parser, META_WINDOW, &data, &avail, cancellable, error))
    return NULL;
  if (!scan_meta (data, avail, dcm_parser_get_offset (parser), &len, &local)
      || (avail == META_WINDOW && len + 12 > avail))
    {
      if (avail == META_WINDOW && (local == NULL || local->code == DCM_ERROR_TRUNCATED))
        g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                     "The File Meta Information of %s is longer than the %u bytes "
                     "supported.", name, META_WINDOW);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (len == 0)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_PART10,
                   "%s is not a DICOM Part 10 file: no File Meta Information after the "
                   "'DICM' prefix.", name);
      return NULL;
    }
  meta_bytes = g_bytes_new (data, len);
  if (!dcm_parser_skip (parser, len, cancellable, error))
    return NULL;
  return parse_meta (meta_bytes, (flags & DCM_FILE_READ_LENIENT) != 0, out_ts, error);
}

/* A meta group for a file read without one, from what the data set holds. */
static DcmDataSet *
meta_for (DcmDataSet *data_set, const DcmTransferSyntax *ts, GError **error)
{
  g_autoptr(DcmDataSet) meta = dcm_data_set_new ();
  g_autofree char *sop_class = dup_uid (data_set, DCM_TAG_SOP_CLASS_UID);
  g_autofree char *sop_instance = dup_uid (data_set, DCM_TAG_SOP_INSTANCE_UID);

  if (!fill_meta (meta, sop_class, sop_instance, ts->uid, error))
    return NULL;
  return g_steal_pointer (&meta);
}

/* Lenient reading of a meta group without (0002,0010): the data set's
 * first element tells. */
static gboolean
guess_missing_ts (DcmParser *parser, DcmDataSet *meta, const DcmTransferSyntax **out_ts,
                  GCancellable *cancellable, GError **error)
{
  const guint8 *data;
  gsize avail;

  if (!dcm_parser_peek (parser, 8, &data, &avail, cancellable, error))
    return FALSE;
  *out_ts = guess_ts (data, avail);
  return set_uid (meta, DCM_TAG_TRANSFER_SYNTAX_UID, (*out_ts)->uid, error)
         && update_group_length (meta, error);
}

/* Reads prefix, meta and data set; the parser starts in explicit VR LE. */
static DcmFile *
read_file (DcmParser *parser, const DcmReadOptions *opts, DcmFileReadFlags flags,
           const char *name, GCancellable *cancellable, GError **error)
{
  guint32 stop_at_tag = opts != NULL ? opts->stop_at_tag : 0;
  const guint8 *data;
  gsize avail;
  const DcmTransferSyntax *ts = NULL;
  g_autoptr(DcmDataSet) meta = NULL;
  g_autoptr(DcmDataSet) data_set = dcm_data_set_new ();
  Layout layout;

  if (!dcm_parser_peek (parser, PREFIX_LENGTH, &data, &avail, cancellable, error)
      || !find_layout (data, avail, flags, name, &layout, error))
    return NULL;
  if (layout == LAYOUT_NO_META)
    ts = guess_ts (data, avail);
  else if ((layout == LAYOUT_PART10
            && !dcm_parser_skip (parser, PREFIX_LENGTH, cancellable, error))
           || (meta = read_meta (parser, flags, name, &ts, cancellable, error)) == NULL
           || (ts == NULL && !guess_missing_ts (parser, meta, &ts, cancellable, error)))
    return NULL;
  /* Without a meta group, the one made up needs the SOP Class and
   * Instance UIDs of the data set. */
  if (meta == NULL && stop_at_tag != 0)
    stop_at_tag = MAX (stop_at_tag, DCM_TAG_SOP_INSTANCE_UID + 1);
  if (!dcm_parser_set_transfer_syntax (parser, ts, error)
      || !dcm_parser_read_until (parser, data_set, stop_at_tag, cancellable, error))
    return NULL;
  if (meta == NULL && (meta = meta_for (data_set, ts, error)) == NULL)
    return NULL;
  return file_new (g_steal_pointer (&meta), g_steal_pointer (&data_set), ts);
}

DcmFile *
dcm_file_read_bytes (GBytes *bytes, const DcmReadOptions *opts, DcmFileReadFlags flags,
                     GError **error)
{
  g_autoptr(DcmParser) parser = dcm_parser_new_for_bytes (bytes, &dcm_ts_explicit_le, opts);

  return read_file (parser, opts, flags, "The data", NULL, error);
}

DcmFile *
dcm_file_read_stream (GInputStream *in, const DcmReadOptions *opts, DcmFileReadFlags flags,
                      GCancellable *cancellable, GError **error)
{
  g_autoptr(DcmParser) parser = dcm_parser_new_for_stream (in, &dcm_ts_explicit_le, opts);

  return read_file (parser, opts, flags, "The stream", cancellable, error);
}

/* Without a bulk threshold everything is kept: mapping the file lets the
 * values be slices of it, with no copy. */
static DcmFile *
read_mapped (const char *path, const DcmReadOptions *opts, DcmFileReadFlags flags,
             const char *name, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &local);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DcmParser) parser = NULL;

  if (mapped == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_IO, "Cannot read %s: %s", name, local->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  parser = dcm_parser_new_for_bytes (bytes, &dcm_ts_explicit_le, opts);
  return read_file (parser, opts, flags, name, NULL, error);
}

/* With a threshold, big values become references into the file: the
 * parser's offsets are file offsets, as it reads the file from its start. */
static DcmFile *
read_referencing (const char *path, const DcmReadOptions *opts, DcmFileReadFlags flags,
                  const char *name, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, &local);
  g_autoptr(DcmParser) parser = NULL;
  DcmReadOptions with_source = *opts;

  if (in == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_IO, "Cannot read %s: %s", name, local->message);
      return NULL;
    }
  if (with_source.source_path == NULL)
    {
      with_source.source_path = path;
      with_source.source_offset = 0;
    }
  parser = dcm_parser_new_for_stream (G_INPUT_STREAM (in), &dcm_ts_explicit_le, &with_source);
  return read_file (parser, opts, flags, name, NULL, error);
}

DcmFile *
dcm_file_read_path (const char *path, const DcmReadOptions *opts, DcmFileReadFlags flags,
                    GError **error)
{
  g_autofree char *name = g_strdup_printf ("“%s”", path);

  if (opts == NULL || (opts->bulk_threshold == 0 && !opts->bulk_pixel_data))
    return read_mapped (path, opts, flags, name, error);
  return read_referencing (path, opts, flags, name, error);
}
