/* bench-query-page-private.h — what the query page's files share: the
 * page's fields, and the result tree (bench-query-tree.c) */
#pragma once

#include "bench-query-item.h"
#include "bench-query-op.h"
#include "bench-query-page.h"

G_BEGIN_DECLS

struct _BenchQueryPage {
  GtkWidget           parent_instance;

  BenchEngine        *engine;
  GListStore         *jobs;
  BenchNode          *node;

  /* the form */
  GtkSearchEntry     *patient_name_entry;
  GtkEntry           *patient_id_entry;
  GtkDropDown        *date_dropdown;
  GtkDropDown        *modality_dropdown;
  GtkToggleButton    *more_button;
  GtkEntry           *birth_date_entry;
  GtkEntry           *accession_entry;
  GtkEntry           *description_entry;
  GtkEntry           *referring_entry;
  GtkEntry           *date_from_entry;
  GtkEntry           *date_to_entry;
  GtkStack           *run_stack;

  /* the results */
  AdwToastOverlay    *toast_overlay;
  GtkStack           *results_stack;
  AdwStatusPage      *status_page;
  GtkButton          *status_button;
  GtkColumnView      *column_view;
  GtkSpinner         *spinner;
  GtkLabel           *summary_label;
  GtkMenuButton      *columns_button;
  GMenuModel         *row_menu;
  GtkWidget          *row_popover;
  char               *popover_value;      /* the cell right-clicked */

  GListStore         *studies;            /* BenchQueryItem, the root level */
  GtkTreeListModel   *tree;
  GtkSortListModel   *sorted;
  GtkMultiSelection  *selection;
  GtkColumnViewColumn *columns[BENCH_QUERY_N_COLUMNS];

  BenchQueryOp       *op;                 /* the study query running, or NULL */
  GCancellable       *cancellable;        /* cancels it and every child query */
  gint64              started_us;
};

/* bench-query-tree.c: the columns, their factories and the tree model,
 * and the lazy C-FINDs for a study's series and a series' instances. */
void bench_query_tree_setup (BenchQueryPage *self);
/* The items of the selected rows, the ones whose parent is selected too
 * left out (a study's retrieve brings its series). */
GPtrArray *bench_query_tree_get_selected (BenchQueryPage *self);
/* Every item in tree order, children that were loaded included. */
GPtrArray *bench_query_tree_collect (BenchQueryPage *self);
/* The visible columns' titles, in their order, and their ids. */
void bench_query_tree_get_visible (BenchQueryPage *self, GArray *columns);

G_END_DECLS
