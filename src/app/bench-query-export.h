/* bench-query-export.h — query results as CSV (RFC 4180) and as a DICOM
 * JSON array of the matches as received (PS3.18 Annex F) */
#pragma once

#include <glib.h>

#include "bench-query-item.h"

G_BEGIN_DECLS

/* The header line names the level and the columns (titles, translated),
 * then one line per item, CRLF line ends, fields quoted where they hold a
 * comma, a quote or a line break. columns: BenchQueryColumn values. */
char *bench_query_export_csv (GPtrArray *items, const BenchQueryColumn *columns,
                              guint n_columns, const char *const *titles);
/* A JSON array of each item's match. */
char *bench_query_export_json (GPtrArray *items, GError **error);

G_END_DECLS
