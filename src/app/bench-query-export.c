/* bench-query-export.c — query results as CSV and DICOM JSON */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bench-query-export.h"
#include "dcm-json.h"

/* RFC 4180 §2: a field holding a comma, a quote or a line break is
 * quoted, its quotes doubled. */
static void
append_field (GString *out, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static const char *
level_name (BenchQueryLevel level)
{
  switch (level)
    {
    case BENCH_QUERY_LEVEL_STUDY:
      return "STUDY";
    case BENCH_QUERY_LEVEL_SERIES:
      return "SERIES";
    case BENCH_QUERY_LEVEL_INSTANCE:
    default:
      return "IMAGE";
    }
}

char *
bench_query_export_csv (GPtrArray *items, const BenchQueryColumn *columns, guint n_columns,
                        const char *const *titles)
{
  GString *out = g_string_new (NULL);

  append_field (out, _("Level"));
  for (guint c = 0; c < n_columns; c++)
    {
      g_string_append_c (out, ',');
      append_field (out, titles[c]);
    }
  g_string_append (out, ",StudyInstanceUID,SeriesInstanceUID,SOPInstanceUID\r\n");
  for (guint i = 0; i < items->len; i++)
    {
      BenchQueryItem *item = items->pdata[i];
      const char *uids[] = {
        bench_query_item_get_study_uid (item),
        bench_query_item_get_series_uid (item),
        bench_query_item_get_sop_instance_uid (item),
      };

      g_string_append (out, level_name (bench_query_item_get_level (item)));
      for (guint c = 0; c < n_columns; c++)
        {
          g_string_append_c (out, ',');
          append_field (out, bench_query_item_get_text (item, columns[c]));
        }
      for (guint u = 0; u < G_N_ELEMENTS (uids); u++)
        {
          g_string_append_c (out, ',');
          append_field (out, uids[u] != NULL ? uids[u] : "");
        }
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}

char *
bench_query_export_json (GPtrArray *items, GError **error)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *text = dcm_json_to_string (bench_query_item_get_match (items->pdata[i]),
                                                  FALSE, NULL, error);

      if (text == NULL)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append (out, i == 0 ? "\n" : ",\n");
      g_string_append (out, text);
    }
  g_string_append (out, "\n]\n");
  return g_string_free (out, FALSE);
}
