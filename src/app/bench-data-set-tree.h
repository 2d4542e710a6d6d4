/* bench-data-set-tree.h — a DICOM data set as an expandable tree: each
 * element's name and tag, VR and decoded value; a sequence opens into its
 * items and each item into its elements */
#pragma once

#include <gtk/gtk.h>

#include "dcm-data-set.h"
#include "dcm-transfer-syntax.h"

G_BEGIN_DECLS

#define BENCH_TYPE_DATA_SET_TREE (bench_data_set_tree_get_type ())
G_DECLARE_FINAL_TYPE (BenchDataSetTree, bench_data_set_tree, BENCH, DATA_SET_TREE, GtkWidget)

GtkWidget *bench_data_set_tree_new (void);
/* NULL empties the tree. */
void       bench_data_set_tree_set_data_set (BenchDataSetTree *self, DcmDataSet *data_set);
/* Parses encoded (in ts) and shows it; FALSE with error when it does not
 * parse, the tree then empty. Selecting a row then emits
 * "element-selected" (guint64 offset, guint64 length) with where the bytes
 * of its top-level element lie in encoded. */
gboolean   bench_data_set_tree_set_encoded (BenchDataSetTree *self, GBytes *encoded,
                                            const DcmTransferSyntax *ts, GError **error);
/* The rows as shown (top-level rows and those of expanded items), each a
 * GObject whose "name", "vr" and "value" properties are strings. */
GListModel *bench_data_set_tree_get_rows (BenchDataSetTree *self);

G_END_DECLS
