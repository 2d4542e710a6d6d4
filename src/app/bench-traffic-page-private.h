/* bench-traffic-page-private.h — what the page's files (and its UI test)
 * share: bench-traffic-page.c lays out and filters, bench-traffic-page-actions.c
 * exports and clears */
#pragma once

#include "bench-traffic-detail.h"
#include "bench-traffic-model.h"
#include "bench-traffic-page.h"
#include "bench-traffic-timeline.h"

G_BEGIN_DECLS

typedef enum {
  BENCH_TRAFFIC_FILTER_ANY,
  BENCH_TRAFFIC_FILTER_SUCCESS,
  BENCH_TRAFFIC_FILTER_WARNING,
  BENCH_TRAFFIC_FILTER_FAILURE,
  BENCH_TRAFFIC_FILTER_OPEN,
} BenchTrafficFilterStatus;

typedef enum {
  BENCH_TRAFFIC_FILTER_BOTH,
  BENCH_TRAFFIC_FILTER_OUTGOING,
  BENCH_TRAFFIC_FILTER_INCOMING,
  BENCH_TRAFFIC_FILTER_WEB,           /* DICOMweb operations only */
} BenchTrafficFilterDirection;

struct _BenchTrafficPage
{
  GtkWidget parent_instance;

  /* template */
  GtkSearchEntry *search_entry;
  GtkDropDown *direction_dropdown;
  GtkDropDown *status_dropdown;
  GtkDropDown *node_dropdown;
  GtkDropDown *service_dropdown;
  GtkLabel *filter_badge;
  GtkToggleButton *pdata_button;
  GtkLabel *summary_label;
  GtkStack *stack;
  GtkColumnView *column_view;
  BenchTrafficTimeline *timeline;
  BenchTrafficDetail *detail;

  BenchEngine *engine;
  BenchTrafficModel *model;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  char *search_folded;       /* NULL: no search */
  GtkStringList *nodes;      /* "All Nodes", then each node seen, sorted */
  char *node;                /* the node filtered by; NULL: all */
};

/* The association status class the filter sorts by. */
BenchTrafficFilterStatus bench_traffic_page_status_class (BenchTrafficAssociation *assoc);
/* How many of the filter popover's filters (node, service, direction,
 * status) narrow the list. */
guint bench_traffic_page_n_filters (BenchTrafficPage *self);
/* Shows all associations again as far as the popover's filters go. */
void bench_traffic_page_reset_filters (BenchTrafficPage *self);
/* The selected association, or NULL. */
BenchTrafficAssociation *bench_traffic_page_get_selected (BenchTrafficPage *self);
/* Actions "traffic.export" (s: "pcapng" or "jsonl"; the selected
 * association), "traffic.export-all" (s), "traffic.import" (a capture
 * chosen in a dialog), "traffic.clear" and "traffic.reset-filters". */
void bench_traffic_page_class_install_actions (GtkWidgetClass *widget_class);
void bench_traffic_page_update_actions (BenchTrafficPage *self);
/* Records the DICOM associations of a pcap or pcapng capture on port (0:
 * 104, 11112 and any port opened with an A-ASSOCIATE-RQ) in the engine's
 * recorder; a toast tells what was found. */
void bench_traffic_page_import (BenchTrafficPage *self, GFile *file, guint16 port);

/* Writes association_id's events (0: all) as pcapng or JSON lines into
 * file: exported on the worker, written by GIO asynchronously. */
void     bench_traffic_export_async (BenchEngine *engine, guint association_id,
                                     gboolean pcapng, GFile *file, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean bench_traffic_export_finish (GAsyncResult *result, GError **error);

G_END_DECLS
