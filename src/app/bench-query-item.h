/* bench-query-item.h — one row of the query results: a study, a series or
 * an instance, its match as received and its columns as a person reads
 * them. Made on the worker (formatting costs nothing on the UI thread),
 * read-only afterwards except for its children, which the UI thread
 * fills. */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"

G_BEGIN_DECLS

typedef enum {
  BENCH_QUERY_LEVEL_STUDY,
  BENCH_QUERY_LEVEL_SERIES,
  BENCH_QUERY_LEVEL_INSTANCE,
} BenchQueryLevel;

typedef enum {
  BENCH_QUERY_COLUMN_NAME,          /* patient name; "Series 3"; "Instance 12" */
  BENCH_QUERY_COLUMN_PATIENT_ID,
  BENCH_QUERY_COLUMN_BIRTH_DATE,
  BENCH_QUERY_COLUMN_DATE,          /* study or series date */
  BENCH_QUERY_COLUMN_DESCRIPTION,   /* study or series description, SOP class */
  BENCH_QUERY_COLUMN_MODALITY,
  BENCH_QUERY_COLUMN_ACCESSION,
  BENCH_QUERY_COLUMN_REFERRING,
  BENCH_QUERY_COLUMN_COUNT,         /* "3 series · 120 instances"; "40 instances"; "512×512" */
  BENCH_QUERY_N_COLUMNS
} BenchQueryColumn;

typedef enum {
  BENCH_QUERY_CHILDREN_NOT_LOADED,
  BENCH_QUERY_CHILDREN_LOADING,
  BENCH_QUERY_CHILDREN_LOADED,
  BENCH_QUERY_CHILDREN_FAILED,
} BenchQueryChildrenState;

#define BENCH_TYPE_QUERY_ITEM (bench_query_item_get_type ())
G_DECLARE_FINAL_TYPE (BenchQueryItem, bench_query_item, BENCH, QUERY_ITEM, GObject)

/* match: the C-FIND response identifier (a reference is kept). parent
 * (may be NULL) is the item one level up, kept as a weak pointer. */
BenchQueryItem *bench_query_item_new (BenchQueryLevel level, DcmDataSet *match,
                                      BenchQueryItem *parent);

BenchQueryLevel bench_query_item_get_level (BenchQueryItem *item);
DcmDataSet     *bench_query_item_get_match (BenchQueryItem *item);
BenchQueryItem *bench_query_item_get_parent (BenchQueryItem *item);
const char     *bench_query_item_get_text (BenchQueryItem *item, BenchQueryColumn column);
/* Orders two items of one level by column: dates and counts by value,
 * text as the locale collates it. */
int             bench_query_item_compare (BenchQueryItem *a, BenchQueryItem *b,
                                          BenchQueryColumn column);
const char     *bench_query_item_get_patient_id (BenchQueryItem *item);
const char     *bench_query_item_get_study_uid (BenchQueryItem *item);
const char     *bench_query_item_get_series_uid (BenchQueryItem *item);
const char     *bench_query_item_get_sop_instance_uid (BenchQueryItem *item);
/* "Doe, John — CT chest (2024-03-05)", to title a retrieve. */
char           *bench_query_item_describe (BenchQueryItem *item);
/* The C-MOVE/C-GET identifier naming this item's instances: its level
 * and the unique keys down to it (PS3.4 C.4.2.1.4); patient_root adds the
 * Patient ID. */
DcmDataSet     *bench_query_item_build_retrieve_identifier (BenchQueryItem *item,
                                                            gboolean patient_root);

/* Children (UI thread): the series of a study, the instances of a series,
 * in a GListStore made on first call; NULL for an instance. Property
 * "children-state" (BenchQueryChildrenState as uint) and "children-error"
 * (string) say how loading them went. */
GListStore     *bench_query_item_get_children (BenchQueryItem *item);
BenchQueryChildrenState bench_query_item_get_children_state (BenchQueryItem *item);
const char     *bench_query_item_get_children_error (BenchQueryItem *item);
void            bench_query_item_set_children_state (BenchQueryItem *item,
                                                     BenchQueryChildrenState state,
                                                     const char *error);

G_END_DECLS
