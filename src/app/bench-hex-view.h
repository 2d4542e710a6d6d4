/* bench-hex-view.h — raw bytes as a hex dump: offset | 16 bytes in hex |
 * the same as ASCII, in a monospace font */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BENCH_TYPE_HEX_VIEW (bench_hex_view_get_type ())
G_DECLARE_FINAL_TYPE (BenchHexView, bench_hex_view, BENCH, HEX_VIEW, GtkWidget)

GtkWidget *bench_hex_view_new (void);
/* NULL empties the view. At most the first BENCH_HEX_VIEW_MAX_BYTES are
 * shown; a last line says how many more there are. */
void       bench_hex_view_set_bytes (BenchHexView *self, GBytes *bytes);
/* Bytes [offset, offset + length) stand out (length 0: none). */
void       bench_hex_view_set_highlight (BenchHexView *self, gsize offset, gsize length);

#define BENCH_HEX_VIEW_MAX_BYTES (64 * 1024)

G_END_DECLS
