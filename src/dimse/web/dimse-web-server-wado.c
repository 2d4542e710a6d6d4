/* dimse-web-server-wado.c — WADO-RS retrieve (PS3.18 §10.4): the files
 * of a study, series or instance streamed as multipart/related parts, a
 * chunk at a time, and their metadata as DICOM JSON */
#include "config.h"

#include "dimse-web-server-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dcm-file.h"
#include "dcm-json.h"
#include "dcm-tags.h"
#include "dimse-web-multipart.h"

/* What one chunk of the response holds at most. */
#define WADO_CHUNK_SIZE (256 * 1024)

typedef struct {
  GPtrArray *instances;   /* DimseArchiveInstance* */
  guint      next;        /* the instance after the one being sent */
  char      *boundary;
  int        fd;          /* the file being sent, or -1 */
  gboolean   finished;    /* the message is done (sent or the peer went away) */
} WadoStream;

static void
wado_stream_free (WadoStream *stream)
{
  if (stream->fd >= 0)
    close (stream->fd);
  g_ptr_array_unref (stream->instances);
  g_free (stream->boundary);
  g_free (stream);
}

/* The part header of the next instance that opens, or FALSE when none is
 * left. A file gone since it was indexed is left out. */
static gboolean
open_next (WadoStream *stream, SoupMessageBody *body)
{
  while (stream->next < stream->instances->len)
    {
      DimseArchiveInstance *instance = stream->instances->pdata[stream->next++];
      g_autofree char *head = NULL;
      gsize len;

      stream->fd = g_open (instance->path, O_RDONLY | O_CLOEXEC, 0);
      if (stream->fd < 0)
        {
          g_warning ("WADO-RS leaves out “%s”: %s", instance->path, g_strerror (errno));
          continue;
        }
      head = g_strdup_printf ("%s--%s\r\nContent-Type: application/dicom; transfer-syntax=%s\r\n"
                              "\r\n", stream->next == 1 ? "" : "\r\n", stream->boundary,
                              instance->transfer_syntax_uid);
      len = strlen (head);
      soup_message_body_append (body, SOUP_MEMORY_TAKE, g_steal_pointer (&head), len);
      return TRUE;
    }
  return FALSE;
}

/* Appends exactly one chunk, or completes the body: libsoup pauses a
 * message whose body runs dry. */
static void
write_next (SoupServerMessage *msg, WadoStream *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (stream->finished)
    return;
  while (TRUE)
    {
      if (stream->fd < 0)
        {
          if (open_next (stream, body))
            return;
          {
            g_autofree char *tail = g_strdup_printf ("\r\n--%s--\r\n", stream->boundary);

            soup_message_body_append (body, SOUP_MEMORY_COPY, tail, strlen (tail));
            soup_message_body_complete (body);
            stream->finished = TRUE;
            return;
          }
        }
      {
        g_autofree guint8 *buf = g_malloc (WADO_CHUNK_SIZE);
        gssize n;

        do
          n = read (stream->fd, buf, WADO_CHUNK_SIZE);
        while (n < 0 && errno == EINTR);
        if (n > 0)
          {
            soup_message_body_append (body, SOUP_MEMORY_TAKE, g_steal_pointer (&buf), (gsize) n);
            return;
          }
        /* A read error cannot change a status already sent: the part ends
         * short, and the next instance's part follows. */
        if (n < 0)
          g_warning ("WADO-RS cannot read on: %s", g_strerror (errno));
        close (stream->fd);
        stream->fd = -1;
      }
    }
}

static void
on_wrote_chunk (SoupServerMessage *msg, gpointer user_data)
{
  write_next (msg, user_data);
}

static void
on_finished (SoupServerMessage *msg, gpointer user_data)
{
  WadoStream *stream = user_data;

  (void) msg;
  stream->finished = TRUE;
  if (stream->fd >= 0)
    close (stream->fd);
  stream->fd = -1;
}

/* PS3.18 §8.7.3: multipart/related of application/dicom (or anything
 * that allows it). */
static gboolean
accepts_multipart (SoupServerMessage *msg)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept");

  return accept == NULL || strstr (accept, "multipart/related") != NULL
         || strstr (accept, "*/*") != NULL;
}

void
dimse_web_server_wado (DimseWebServer *server, SoupServerMessage *msg, const char *study_uid,
                       const char *series_uid, const char *instance_uid)
{
  GPtrArray *instances;
  WadoStream *stream;
  g_autofree char *content_type = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (!accepts_multipart (msg))
    {
      dimse_web_server_reply_error (server, msg, SOUP_STATUS_NOT_ACCEPTABLE,
                                    _("Instances are sent as multipart/related; "
                                      "type=\"application/dicom\" only."));
      return;
    }
  instances = dimse_web_server_select (server, msg, study_uid, series_uid, instance_uid);
  if (instances == NULL)
    return;
  stream = g_new0 (WadoStream, 1);
  stream->instances = instances;
  stream->boundary = dimse_web_multipart_new_boundary ();
  stream->fd = -1;
  g_object_set_data_full (G_OBJECT (msg), "dimse-web-wado", stream,
                          (GDestroyNotify) wado_stream_free);
  content_type = g_strdup_printf ("multipart/related; type=\"application/dicom\"; boundary=%s",
                                  stream->boundary);
  soup_message_headers_replace (headers, "Content-Type", content_type);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), stream);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), stream);
  write_next (msg, stream);
}

/* ---- metadata (PS3.18 §10.4) ---- */

void
dimse_web_server_metadata (DimseWebServer *server, SoupServerMessage *msg,
                           const char *study_uid, const char *series_uid,
                           const char *instance_uid)
{
  g_autoptr(GPtrArray) instances = dimse_web_server_select (server, msg, study_uid, series_uid,
                                                            instance_uid);
  g_autoptr(GString) text = g_string_new ("[");
  guint n = 0;

  if (instances == NULL)
    return;
  for (guint i = 0; i < instances->len; i++)
    {
      DimseArchiveInstance *instance = instances->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) file = NULL;
      g_autofree char *json = NULL;
      DcmReadOptions opts;

      dcm_read_options_init (&opts);
      file = dcm_file_read_path (instance->path, &opts, DCM_FILE_READ_DEFAULT, &error);
      if (file != NULL)
        {
          /* The metadata leaves the pixel data out (PS3.18 §10.4). */
          dcm_data_set_remove_range (dcm_file_get_data_set (file), 0x7fe00000u, 0x7fe0ffffu);
          json = dcm_json_to_string (dcm_file_get_data_set (file), FALSE, NULL, &error);
        }
      if (json == NULL)
        {
          g_warning ("WADO-RS metadata leaves out “%s”: %s", instance->path, error->message);
          continue;
        }
      g_string_append_printf (text, "%s%s", n++ == 0 ? "" : ",", json);
    }
  g_string_append_c (text, ']');
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/dicom+json", SOUP_MEMORY_COPY, text->str,
                                    text->len);
}
