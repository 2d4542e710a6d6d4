/* bench-data-set-editor.h — a data set edited as rows of keyword, VR and
 * value, each checked by the data layer's setter for its VR (PS3.5 §6.2)
 * with the error shown under the row; loaded from and saved to DICOM JSON
 * (PS3.18 Annex F). Top-level elements only. */
#pragma once

#include <adwaita.h>

#include "dcm-data-set.h"

G_BEGIN_DECLS

#define BENCH_TYPE_DATA_SET_EDITOR (bench_data_set_editor_get_type ())
G_DECLARE_FINAL_TYPE (BenchDataSetEditor, bench_data_set_editor, BENCH, DATA_SET_EDITOR, GtkBox)

GtkWidget  *bench_data_set_editor_new (void);
/* Appends a row; keyword may be a keyword or a tag ("0010,0010"), vr NULL
 * for the dictionary's. */
void        bench_data_set_editor_add (BenchDataSetEditor *editor, const char *keyword,
                                       const char *vr, const char *value);
void        bench_data_set_editor_clear (BenchDataSetEditor *editor);
/* Replaces the rows with the top-level elements of ds. */
void        bench_data_set_editor_set_data_set (BenchDataSetEditor *editor, DcmDataSet *ds);
/* The data set of the rows; NULL with the first row's error when a row is
 * invalid, and an empty data set when there are no rows. */
DcmDataSet *bench_data_set_editor_build (BenchDataSetEditor *editor, GError **error);
/* Whether every row holds a valid element. Signal "changed" after an edit. */
gboolean    bench_data_set_editor_is_valid (BenchDataSetEditor *editor);

G_END_DECLS
