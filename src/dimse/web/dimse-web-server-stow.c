/* dimse-web-server-stow.c — STOW-RS store (PS3.18 §10.5): the request's
 * parts written into the archive folder as they arrive, each added to the
 * index, and the response's Referenced and Failed SOP Sequences */
#include "config.h"

#include "dimse-web-server-private.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dcm-json.h"
#include "dcm-tags.h"
#include "dimse-web-multipart.h"
#include "dimse-web-part-writer.h"

/* PS3.18 §10.5.3, C-STORE statuses (PS3.4 Table B.2-1) as Failure Reasons */
#define STOW_OUT_OF_RESOURCES   0xA700
#define STOW_CANNOT_UNDERSTAND  0xC000
#define STOW_PROCESSING_FAILURE 0x0110

typedef struct {
  char    *sop_class_uid;
  char    *sop_instance_uid;
  char    *path;
  guint16  failure_reason;  /* 0: stored */
} StowItem;

typedef struct {
  DimseWebServer     *server;       /* not owned: the message lives shorter */
  DimseWebMultipart  *parser;
  DimseWebPartWriter *writer;
  GArray             *items;        /* StowItem */
  GError             *error;        /* the body is not a multipart/related one */
  gboolean            skipping;     /* the part being read failed already */
} Stow;

static void
stow_item_clear (StowItem *item)
{
  g_free (item->sop_class_uid);
  g_free (item->sop_instance_uid);
  g_free (item->path);
}

static void
stow_free (Stow *stow)
{
  g_clear_pointer (&stow->parser, dimse_web_multipart_free);
  g_clear_pointer (&stow->writer, dimse_web_part_writer_free);
  g_array_unref (stow->items);
  g_clear_error (&stow->error);
  g_free (stow);
}

static void
add_item (Stow *stow, char *sop_class_uid, char *sop_instance_uid, char *path, guint16 reason)
{
  StowItem item = { sop_class_uid, sop_instance_uid, path, reason };

  g_array_append_val (stow->items, item);
}

static void
fail_part (Stow *stow, guint16 reason, const GError *error)
{
  g_debug ("STOW-RS part %u failed: %s", stow->items->len + 1, error->message);
  dimse_web_part_writer_abort (stow->writer);
  add_item (stow, NULL, NULL, NULL, reason);
  stow->skipping = TRUE;
}

/* ---- the parts, as they arrive ---- */

static gboolean
on_part_begin (const char *content_type, const char *content_location, gpointer user_data,
               GError **error)
{
  Stow *stow = user_data;
  g_autoptr(GError) local = NULL;

  (void) content_location;
  (void) error;
  stow->skipping = FALSE;
  if (!dimse_web_part_writer_begin (stow->writer, content_type, &local))
    fail_part (stow, g_error_matches (local, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_STORAGE)
                     ? STOW_OUT_OF_RESOURCES : STOW_CANNOT_UNDERSTAND, local);
  return TRUE;
}

static gboolean
on_part_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Stow *stow = user_data;
  g_autoptr(GError) local = NULL;

  (void) error;
  if (!stow->skipping && !dimse_web_part_writer_write (stow->writer, data, len, &local))
    fail_part (stow, STOW_OUT_OF_RESOURCES, local);
  return TRUE;
}

static gboolean
on_part_end (gpointer user_data, GError **error)
{
  Stow *stow = user_data;
  g_autoptr(GError) local = NULL;
  char *sop_class_uid = NULL, *sop_instance_uid = NULL;
  char *path;

  (void) error;
  if (stow->skipping)
    {
      stow->skipping = FALSE;
      return TRUE;
    }
  path = dimse_web_part_writer_end (stow->writer, &sop_class_uid, &sop_instance_uid, &local);
  if (path == NULL)
    {
      add_item (stow, NULL, NULL, NULL,
                g_error_matches (local, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_STORAGE)
                && strstr (local->message, "Cannot") != NULL
                ? STOW_OUT_OF_RESOURCES : STOW_CANNOT_UNDERSTAND);
      return TRUE;
    }
  if (!dimse_archive_index_add_file (dimse_web_server_get_index (stow->server), path, &local))
    g_warning ("“%s”, stored by STOW-RS, is not in the archive's index: %s", path,
               local->message);
  dimse_web_server_emit_instance_stored (stow->server, path);
  add_item (stow, sop_class_uid, sop_instance_uid, path, 0);
  return TRUE;
}

static const DimseWebMultipartCallbacks stow_callbacks = {
  on_part_begin, on_part_data, on_part_end,
};

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  Stow *stow = user_data;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  (void) msg;
  if (stow->error == NULL && stow->parser != NULL && len > 0)
    dimse_web_multipart_feed (stow->parser, data, len, &stow->error);
}

void
dimse_web_server_stow_begin (DimseWebServer *server, SoupServerMessage *msg)
{
  g_autoptr(GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (
                       soup_server_message_get_request_headers (msg), &params);
  const char *part_type = params != NULL ? g_hash_table_lookup (params, "type") : NULL;
  Stow *stow = g_new0 (Stow, 1);

  stow->server = server;
  stow->items = g_array_new (FALSE, TRUE, sizeof (StowItem));
  g_array_set_clear_func (stow->items, (GDestroyNotify) stow_item_clear);
  stow->writer = dimse_web_part_writer_new (dimse_web_server_get_folder (server));
  g_object_set_data_full (G_OBJECT (msg), "dimse-web-stow", stow, (GDestroyNotify) stow_free);
  if (type == NULL || g_ascii_strcasecmp (type, "multipart/related") != 0
      || (part_type != NULL && g_ascii_strcasecmp (part_type, "application/dicom") != 0))
    {
      stow->error = g_error_new (DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_NOT_ACCEPTABLE,
                                 _("STOW-RS takes multipart/related; type=\"application/dicom\", "
                                   "not “%s”."), type != NULL ? type : _("no Content-Type"));
      return;
    }
  stow->parser = dimse_web_multipart_new (g_hash_table_lookup (params, "boundary"),
                                          &stow_callbacks, stow);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), stow);
}

/* ---- the response ---- */

/* PS3.18 §10.5.3: an instance of another study than the one the URL
 * names is a conflict, and not kept. */
static void
check_study (Stow *stow, StowItem *item, const char *study_uid)
{
  DimseArchiveIndex *index = dimse_web_server_get_index (stow->server);
  g_autoptr(DimseArchiveInstance) instance = NULL;

  if (study_uid == NULL || item->failure_reason != 0)
    return;
  instance = dimse_archive_index_lookup (index, item->sop_instance_uid);
  if (instance != NULL && g_strcmp0 (instance->study_instance_uid, study_uid) == 0)
    return;
  dimse_archive_index_remove (index, item->sop_instance_uid);
  g_unlink (item->path);
  item->failure_reason = STOW_PROCESSING_FAILURE;
}

static void
add_reference (DimseWebServer *server, DcmDataSet *response, guint32 sequence,
               const StowItem *item)
{
  DcmElement *el = (DcmElement *) dcm_data_set_lookup (response, sequence);
  DcmDataSet *ref = dcm_data_set_new ();

  if (el == NULL)
    el = dcm_data_set_insert (response, sequence, DCM_VR_SQ);
  if (item->sop_class_uid != NULL)
    dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_CLASS_UID, DCM_VR_UI,
                             item->sop_class_uid, NULL);
  if (item->sop_instance_uid != NULL)
    dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_INSTANCE_UID, DCM_VR_UI,
                             item->sop_instance_uid, NULL);
  if (item->failure_reason != 0)
    dcm_data_set_set_int64 (ref, DCM_TAG_FAILURE_REASON, DCM_VR_US, item->failure_reason, NULL);
  else
    {
      DimseArchiveInstance *instance = dimse_archive_index_lookup (
                                         dimse_web_server_get_index (server),
                                         item->sop_instance_uid);

      if (instance != NULL)
        {
          g_autofree char *url = dimse_web_server_resource_url (server,
                                                                instance->study_instance_uid,
                                                                instance->series_instance_uid,
                                                                instance->sop_instance_uid);

          dcm_data_set_set_string (ref, DCM_TAG_RETRIEVE_URL, DCM_VR_UR, url, NULL);
          dimse_archive_instance_free (instance);
        }
    }
  dcm_data_set_append_item (response, el, ref);
}

void
dimse_web_server_stow_finish (DimseWebServer *server, SoupServerMessage *msg,
                              const char *study_uid)
{
  Stow *stow = g_object_get_data (G_OBJECT (msg), "dimse-web-stow");
  g_autoptr(DcmDataSet) response = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n_failed = 0;

  if (stow == NULL)
    {
      dimse_web_server_reply_error (server, msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }
  if (stow->error == NULL)
    dimse_web_multipart_finish (stow->parser, &stow->error);
  if (stow->error != NULL)
    {
      dimse_web_server_reply_error (server, msg,
                                    g_error_matches (stow->error, DIMSE_WEB_ERROR,
                                                     DIMSE_WEB_ERROR_NOT_ACCEPTABLE)
                                    ? SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE
                                    : SOUP_STATUS_BAD_REQUEST,
                                    stow->error->message);
      return;
    }
  if (stow->items->len == 0)
    {
      dimse_web_server_reply_error (server, msg, SOUP_STATUS_BAD_REQUEST,
                                    _("The STOW-RS request holds no instance."));
      return;
    }
  for (guint i = 0; i < stow->items->len; i++)
    {
      StowItem *item = &g_array_index (stow->items, StowItem, i);

      check_study (stow, item, study_uid);
      n_failed += item->failure_reason != 0;
      add_reference (server, response, item->failure_reason != 0 ? DCM_TAG_FAILED_SOP_SEQUENCE
                                                                 : DCM_TAG_REFERENCED_SOP_SEQUENCE,
                     item);
    }
  text = dcm_json_to_string (response, FALSE, NULL, &error);
  if (text == NULL)
    {
      dimse_web_server_reply_error (server, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                    error->message);
      return;
    }
  /* PS3.18 §10.5.3: 200 all stored, 202 some, 409 none. */
  soup_server_message_set_status (msg, n_failed == 0 ? SOUP_STATUS_OK
                                       : n_failed < stow->items->len ? SOUP_STATUS_ACCEPTED
                                       : SOUP_STATUS_CONFLICT, NULL);
  soup_server_message_set_response (msg, "application/dicom+json", SOUP_MEMORY_COPY, text,
                                    strlen (text));
}
