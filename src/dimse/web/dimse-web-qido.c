/* dimse-web-qido.c — QIDO-RS searches (PS3.18 §10.6): C-FIND identifiers
 * as query parameters, pages followed to the end */
#include "config.h"

#include "dimse-web-client-private.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dcm-tags.h"

/* {attributeID}: the keyword, or the tag as 8 hex digits (§8.3.4.1). */
static char *
attribute_id (guint32 tag)
{
  const char *keyword = dcm_dict_keyword (tag);

  if (keyword != NULL && *keyword != '\0')
    return g_strdup (keyword);
  return g_strdup_printf ("%08X", tag);
}

/* A single UID that can go into the path: no list, no wildcard. */
static char *
path_uid (DcmDataSet *identifier, guint32 tag)
{
  g_autofree char *value = NULL;

  if (!dcm_data_set_contains (identifier, tag))
    return NULL;
  value = dcm_data_set_get_value_string (identifier, tag, NULL);
  if (value == NULL || *value == '\0' || strpbrk (value, "\\*?,") != NULL)
    return NULL;
  return g_steal_pointer (&value);
}

static void
append_param (GString *query, const char *name, const char *value)
{
  g_autofree char *escaped_name = g_uri_escape_string (name, ".", FALSE);
  g_autofree char *escaped = g_uri_escape_string (value, "*,", FALSE);

  g_string_append_printf (query, "%s%s=%s", query->len == 0 ? "" : "&", escaped_name, escaped);
}

static gboolean
append_keys (GString *query, DcmDataSet *ds, const char *prefix, guint32 skip_a, guint32 skip_b,
             GError **error)
{
  for (guint i = 0; i < dcm_data_set_n_elements (ds); i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);
      g_autofree char *id = attribute_id (el->tag);
      g_autofree char *name = prefix != NULL ? g_strconcat (prefix, ".", id, NULL)
                                             : g_strdup (id);
      g_autofree char *value = NULL;

      if (el->tag == DCM_TAG_QUERY_RETRIEVE_LEVEL || el->tag == DCM_TAG_SPECIFIC_CHARACTER_SET
          || el->tag == skip_a || el->tag == skip_b)
        continue;
      if (el->kind == DCM_VALUE_ITEMS)
        {
          DcmDataSet *item = el->value.items->len > 0 ? el->value.items->pdata[0] : NULL;

          if (item == NULL || dcm_data_set_n_elements (item) == 0)
            append_param (query, "includefield", name);
          else if (!append_keys (query, item, name, 0, 0, error))
            return FALSE;
          continue;
        }
      if (el->kind != DCM_VALUE_EMPTY)
        value = dcm_data_set_get_value_string (ds, el->tag, error);
      if (el->kind != DCM_VALUE_EMPTY && value == NULL)
        return FALSE;
      if (value == NULL || *value == '\0')
        {
          append_param (query, "includefield", name);
          continue;
        }
      /* §8.3.4.1: a list of UIDs is comma-separated. */
      if (el->vr == DCM_VR_UI)
        g_strdelimit (value, "\\", ',');
      append_param (query, name, value);
    }
  return TRUE;
}

char *
dimse_web_search_build_url (const char *base_url, DimseQrLevel level, DcmDataSet *identifier,
                            const DimseWebSearchOptions *opts, guint offset, GError **error)
{
  g_autoptr(GString) url = g_string_new (base_url);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *study = NULL;
  g_autofree char *series = NULL;
  guint32 skip_study = 0, skip_series = 0;

  while (url->len > 0 && url->str[url->len - 1] == '/')
    g_string_truncate (url, url->len - 1);
  if (level == DIMSE_QR_LEVEL_PATIENT)
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_BAD_REQUEST,
                   _("QIDO-RS has no patient level: search studies, series or instances."));
      return NULL;
    }
  if (level != DIMSE_QR_LEVEL_STUDY)
    study = path_uid (identifier, DCM_TAG_STUDY_INSTANCE_UID);
  if (level == DIMSE_QR_LEVEL_IMAGE && study != NULL)
    series = path_uid (identifier, DCM_TAG_SERIES_INSTANCE_UID);
  if (study != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (study, NULL, FALSE);

      g_string_append_printf (url, "/studies/%s", escaped);
      skip_study = DCM_TAG_STUDY_INSTANCE_UID;
    }
  if (series != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (series, NULL, FALSE);

      g_string_append_printf (url, "/series/%s", escaped);
      skip_series = DCM_TAG_SERIES_INSTANCE_UID;
    }
  g_string_append (url, level == DIMSE_QR_LEVEL_STUDY ? "/studies"
                        : level == DIMSE_QR_LEVEL_SERIES ? "/series" : "/instances");
  if (!append_keys (query, identifier, NULL, skip_study, skip_series, error))
    return NULL;
  if (opts != NULL && opts->fuzzy)
    append_param (query, "fuzzymatching", "true");
  if (opts != NULL && opts->limit > 0)
    g_string_append_printf (query, "%slimit=%u", query->len == 0 ? "" : "&", opts->limit);
  if (offset > 0)
    g_string_append_printf (query, "%soffset=%u", query->len == 0 ? "" : "&", offset);
  if (query->len > 0)
    g_string_append_printf (url, "?%s", query->str);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

/* ---- the search, page after page ---- */

typedef struct {
  DimseQrLevel           level;
  DcmDataSet            *identifier;
  DimseWebSearchOptions  opts;
  GPtrArray             *matches;
  DcmDataSet            *page_first;   /* the first match of the last page */
} Search;

static void
search_free (Search *search)
{
  g_clear_pointer (&search->identifier, dcm_data_set_unref);
  g_clear_pointer (&search->matches, g_ptr_array_unref);
  g_clear_pointer (&search->page_first, dcm_data_set_unref);
  g_free (search);
}

static void request_page (GTask *task);

/* PS3.18 §8.3.4.4: a server that stops short says so in a Warning. */
static gboolean
warns_of_more (const char *warning)
{
  return warning != NULL && strstr (warning, "additional results") != NULL;
}

static void
on_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Search *search = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autoptr(GPtrArray) page = dimse_web_client_get_json_finish (DIMSE_WEB_CLIENT (source),
                                                                result, &warning, &error);
  gboolean more;

  if (page == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A server that ignores offset would send the same page forever. */
  if (page->len > 0 && search->page_first != NULL
      && dcm_data_set_equal (page->pdata[0], search->page_first))
    {
      g_task_return_new_error (task, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                               _("The QIDO-RS server sent the same page again for offset %u: "
                                 "it does not page with offset."), search->matches->len);
      return;
    }
  g_clear_pointer (&search->page_first, dcm_data_set_unref);
  if (page->len > 0)
    search->page_first = dcm_data_set_ref (page->pdata[0]);
  for (guint i = 0; i < page->len; i++)
    g_ptr_array_add (search->matches, dcm_data_set_ref (page->pdata[i]));
  more = page->len > 0
         && ((search->opts.limit > 0 && page->len >= search->opts.limit)
             || warns_of_more (warning));
  if (more)
    {
      request_page (g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_ptr_array_ref (search->matches),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
request_page (GTask *task)
{
  DimseWebClient *self = g_task_get_source_object (task);
  Search *search = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = dimse_web_search_build_url (dimse_web_client_get_base_url (self),
                                                     search->level, search->identifier,
                                                     &search->opts, search->matches->len,
                                                     &error);
  g_autofree char *what = NULL;

  if (url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  what = g_strdup_printf (_("The QIDO-RS search %s"), url);
  dimse_web_client_get_json_async (self, url, what, g_task_get_cancellable (task), on_page,
                                   task);
}

void
dimse_web_client_search_async (DimseWebClient *client, DimseQrLevel level,
                               DcmDataSet *identifier, const DimseWebSearchOptions *opts,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  Search *search = g_new0 (Search, 1);

  search->level = level;
  search->identifier = dcm_data_set_ref (identifier);
  if (opts != NULL)
    search->opts = *opts;
  search->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);
  request_page (task);
}

GPtrArray *
dimse_web_client_search_finish (DimseWebClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
