/* dimse-store-scu.c — the Storage SCU (PS3.4 Annex B): one Part 10 file
 * sent in a C-STORE-RQ */
#include "config.h"

#include "dimse-store.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dcm-error.h"
#include "dcm-file.h"
#include "dcm-uid.h"
#include "dimse-error.h"

#define STORE_BULK_THRESHOLD (64 * 1024)
/* Files up to this size are read whole (cheaper than mapping them);
 * data sets up to the next are sent from a mapping of the file, larger
 * ones read from it as they go, in bounded memory. */
#define STORE_READ_WHOLE_THRESHOLD (256 * 1024)
#define STORE_STREAM_THRESHOLD (16 * 1024 * 1024)
/* PS3.10 §7.1: 128-byte preamble, "DICM", then (0002,0000) as UL in
 * explicit VR little endian: tag, VR, 16-bit length, 4-byte value. */
#define PART10_GROUP_LENGTH_VALUE_END (128 + 4 + 12)

typedef struct {
  guint16 message_id;
} SendState;

/* Where a file's data set is, as stored. */
typedef struct {
  GBytes       *whole;   /* a small file's bytes */
  GInputStream *stream;  /* for a large one, positioned at its start */
  guint64       length;
} DataSetSource;

static void
data_set_source_clear (DataSetSource *source)
{
  g_clear_pointer (&source->whole, g_bytes_unref);
  g_clear_object (&source->stream);
}

/* The bytes of a regular file of at most STORE_READ_WHOLE_THRESHOLD
 * bytes, or NULL (then the file is mapped or streamed). */
static GBytes *
read_small_file (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize filled = 0;
  GStatBuf st;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > STORE_READ_WHOLE_THRESHOLD)
    {
      close (fd);
      return NULL;
    }
  data = g_malloc (MAX (st.st_size, 1));
  while (filled < (gsize) st.st_size)
    {
      gssize n = read (fd, data + filled, (gsize) st.st_size - filled);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      filled += (gsize) n;
    }
  close (fd);
  if (filled < (gsize) st.st_size)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), filled);
}

/* The file's meta group; a small file is read whole into source. */
static DcmDataSet *
read_meta (const char *path, DataSetSource *source, GError **error)
{
  g_autoptr(DcmFile) file = NULL;
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  /* The meta group is all that is needed to choose the context. */
  opts.stop_at_tag = DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH + 0x00010000u;
  source->whole = read_small_file (path);
  if (source->whole != NULL)
    file = dcm_file_read_bytes (source->whole, &opts, DCM_FILE_READ_DEFAULT, NULL);
  if (file == NULL)
    {
      /* Read again from the path, for an error that names the file. */
      g_clear_pointer (&source->whole, g_bytes_unref);
      file = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, error);
    }
  if (file == NULL)
    return NULL;
  return dcm_data_set_ref (dcm_file_get_meta (file));
}

/* A large file's data set as a stream starting at offset. */
static GInputStream *
open_data_set_stream (const char *path, guint64 offset, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);

  if (in == NULL || !g_seekable_seek (G_SEEKABLE (in), (goffset) offset, G_SEEK_SET, NULL, error))
    return NULL;
  return G_INPUT_STREAM (g_steal_pointer (&in));
}

/* The file's data set as it is on disk, mapped (or, when large, a stream
 * in source): it starts where the meta group's length says the group
 * ends. NULL without error when the file has no group length. */
static GBytes *
map_data_set (const char *path, DcmDataSet *meta, DataSetSource *source, GError **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) all = NULL;
  guint64 group_length = 0;
  guint64 offset;
  gsize size;

  if (!dcm_data_set_get_uint64 (meta, DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH, 0,
                                &group_length, NULL))
    return NULL;
  offset = PART10_GROUP_LENGTH_VALUE_END + group_length;
  if (source->whole != NULL)
    all = g_bytes_ref (source->whole);
  else
    {
      /* Mapping reads nothing yet: it tells the size. */
      mapped = g_mapped_file_new (path, FALSE, error);
      if (mapped == NULL)
        return NULL;
      size = g_mapped_file_get_length (mapped);
      if (size > offset && size - offset > STORE_STREAM_THRESHOLD)
        {
          source->stream = open_data_set_stream (path, offset, error);
          source->length = size - offset;
          return NULL;
        }
      all = g_mapped_file_get_bytes (mapped);
    }
  if (offset > g_bytes_get_size (all))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The File Meta Information Group Length (0002,0000) of “%s” points past "
                   "its end.", path);
      return NULL;
    }
  return g_bytes_new_from_bytes (all, offset, g_bytes_get_size (all) - offset);
}

/* Re-encoding: the whole file read, large values left in the file. */
static DcmDataSet *
read_data_set (const char *path, GError **error)
{
  g_autoptr(DcmFile) file = NULL;
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  opts.bulk_threshold = STORE_BULK_THRESHOLD;
  file = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, error);
  if (file == NULL)
    return NULL;
  return dcm_data_set_ref (dcm_file_get_data_set (file));
}

/* The first accepted context with an uncompressed transfer syntax. */
static guint8
find_uncompressed_context (const DimseNegotiationResult *negotiation, const char *sop_class)
{
  static const char *const uncompressed[] = {
    DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN,
    DCM_UID_EXPLICIT_VR_BIG_ENDIAN,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (uncompressed); i++)
    {
      guint8 id = dimse_negotiation_result_find_context (negotiation, sop_class,
                                                         uncompressed[i], DIMSE_ROLE_SCU);
      if (id != 0)
        return id;
    }
  return 0;
}

/* Puts the file's data set into rq and chooses its context; 0 on error. */
static guint8
attach_data_set (DimseAssociation *assoc, DimseMessage *rq, const char *path,
                 DcmDataSet *meta, const char *sop_class, DataSetSource *source,
                 GError **error)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);
  g_autofree char *ts_uid = dcm_data_set_dup_string (meta, DCM_TAG_TRANSFER_SYNTAX_UID);
  const DcmTransferSyntax *ts = ts_uid != NULL ? dcm_transfer_syntax_lookup (ts_uid) : NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DcmDataSet) ds = NULL;
  GError *local = NULL;
  guint8 pc_id = 0;

  if (negotiation != NULL && ts != NULL)
    pc_id = dimse_negotiation_result_find_context (negotiation, sop_class, ts->uid,
                                                   DIMSE_ROLE_SCU);
  if (pc_id != 0)
    {
      bytes = map_data_set (path, meta, source, &local);
      if (bytes != NULL)
        {
          dimse_message_set_encoded_data_set (rq, bytes, ts);
          return pc_id;
        }
      if (source->stream != NULL)
        {
          /* Sent from the stream: the command only says a data set follows. */
          dimse_message_set_us (rq, DCM_TAG_COMMAND_DATA_SET_TYPE, DIMSE_DATA_SET_PRESENT);
          return pc_id;
        }
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return 0;
        }
      /* Without a group length the data set is parsed and encoded anew,
       * in the file's own syntax. */
    }
  else if (negotiation != NULL && ts != NULL && dcm_transfer_syntax_is_uncompressed (ts))
    pc_id = find_uncompressed_context (negotiation, sop_class);
  if (pc_id == 0)
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
                   "%s accepted no presentation context for %s in %s, so “%s” cannot be sent.",
                   dimse_association_get_peer_name (assoc), dcm_uid_name (sop_class),
                   ts_uid != NULL ? dcm_uid_name (ts_uid) : "an unknown transfer syntax", path);
      return 0;
    }
  ds = read_data_set (path, error);
  if (ds == NULL)
    return 0;
  dimse_message_set_data_set (rq, ds);
  return pc_id;
}

static void
on_store_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  DimseMessage *rsp;
  GError *error = NULL;
  guint16 status = 0;

  rsp = dimse_association_receive_response_finish (DIMSE_ASSOCIATION (source), result, NULL,
                                                   &error);
  if (rsp == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!dimse_message_get_us (rsp, DCM_TAG_STATUS, &status))
    {
      dimse_message_unref (rsp);
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                               "The C-STORE-RSP from %s has no Status (0000,0900).",
                               dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)));
      return;
    }
  g_task_return_pointer (task, rsp, (GDestroyNotify) dimse_message_unref);
}

static void
on_store_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  SendState *state = g_task_get_task_data (task);
  GError *error = NULL;

  if (!dimse_association_send_message_finish (assoc, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dimse_association_receive_response_async (assoc, state->message_id,
                                            g_task_get_cancellable (task), on_store_response,
                                            g_object_ref (task));
}

static DimseMessage *
build_request (DimseAssociation *assoc, const char *path, const char *move_originator_aet,
               guint16 move_originator_message_id, guint8 *out_pc_id, DataSetSource *source,
               GError **error)
{
  g_autoptr(DcmDataSet) meta = read_meta (path, source, error);
  g_autofree char *sop_class = NULL;
  g_autofree char *sop_instance = NULL;
  g_autoptr(DimseMessage) rq = NULL;

  if (meta == NULL)
    return NULL;
  sop_class = dcm_data_set_dup_string (meta, DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID);
  sop_instance = dcm_data_set_dup_string (meta, DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID);
  if (sop_class == NULL || sop_instance == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND,
                   "“%s” has no Media Storage SOP %s UID in its File Meta Information.", path,
                   sop_class == NULL ? "Class" : "Instance");
      return NULL;
    }
  rq = dimse_message_new_c_store_rq (dimse_association_next_message_id (assoc), sop_class,
                                     sop_instance, DIMSE_PRIORITY_MEDIUM, move_originator_aet,
                                     move_originator_message_id, error);
  if (rq == NULL)
    return NULL;
  *out_pc_id = attach_data_set (assoc, rq, path, meta, sop_class, source, error);
  if (*out_pc_id == 0)
    return NULL;
  return g_steal_pointer (&rq);
}

void
dimse_store_send_file_async (DimseAssociation *assoc, const char *path,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  dimse_store_send_file_for_move_async (assoc, path, NULL, 0, cancellable, callback, user_data);
}

void
dimse_store_send_file_for_move_async (DimseAssociation *assoc, const char *path,
                                      const char *move_originator_aet,
                                      guint16 move_originator_message_id,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(DimseMessage) rq = NULL;
  SendState *state;
  GError *error = NULL;
  guint8 pc_id = 0;
  DataSetSource source = { NULL, NULL, 0 };

  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));
  g_return_if_fail (path != NULL);

  task = g_task_new (assoc, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_store_send_file_async);
  rq = build_request (assoc, path, move_originator_aet, move_originator_message_id, &pc_id,
                      &source, &error);
  /* The message holds the small file's bytes it needs. */
  g_clear_pointer (&source.whole, g_bytes_unref);
  if (rq == NULL)
    {
      data_set_source_clear (&source);
      g_task_return_error (task, error);
      return;
    }
  state = g_new0 (SendState, 1);
  dimse_message_get_us (rq, DCM_TAG_MESSAGE_ID, &state->message_id);
  g_task_set_task_data (task, state, g_free);
  if (source.stream != NULL)
    {
      dimse_association_send_message_streaming_async (assoc, pc_id, rq, source.stream,
                                                      source.length, cancellable,
                                                      on_store_sent, g_object_ref (task));
      g_object_unref (source.stream);
      return;
    }
  dimse_association_send_message_async (assoc, pc_id, rq, cancellable, on_store_sent,
                                        g_object_ref (task));
}

gboolean
dimse_store_send_file_finish (DimseAssociation *assoc, GAsyncResult *result,
                              guint16 *out_status, DimseMessage **out_response, GError **error)
{
  g_autoptr(DimseMessage) rsp = NULL;

  g_return_val_if_fail (g_task_is_valid (result, assoc), FALSE);

  rsp = g_task_propagate_pointer (G_TASK (result), error);
  if (rsp == NULL)
    return FALSE;
  if (out_status != NULL)
    dimse_message_get_us (rsp, DCM_TAG_STATUS, out_status);
  if (out_response != NULL)
    *out_response = g_steal_pointer (&rsp);
  return TRUE;
}
