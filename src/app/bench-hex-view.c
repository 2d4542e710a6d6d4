/* bench-hex-view.c — raw bytes as a hex dump */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-hex-view.h"

#define BYTES_PER_LINE 16
/* "00000000  " then 16 × "xx " with one more space after the eighth. */
#define HEX_COLUMN   10
#define ASCII_COLUMN (HEX_COLUMN + BYTES_PER_LINE * 3 + 2)

struct _BenchHexView
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkTextView *text_view;
  GtkTextTag *offset_tag;
  GtkTextTag *highlight_tag;
  gsize n_shown;
  int highlight_line;     /* the line to bring into view */
  guint scroll_tick;
  guint scroll_frames;
};

G_DEFINE_FINAL_TYPE (BenchHexView, bench_hex_view, GTK_TYPE_WIDGET)

static void
append_line (GString *s, const guint8 *data, gsize offset, gsize n)
{
  g_string_append_printf (s, "%08" G_GSIZE_MODIFIER "x  ", offset);
  for (gsize i = 0; i < BYTES_PER_LINE; i++)
    {
      if (i < n)
        g_string_append_printf (s, "%02x ", data[offset + i]);
      else
        g_string_append (s, "   ");
      if (i == BYTES_PER_LINE / 2 - 1)
        g_string_append_c (s, ' ');
    }
  g_string_append_c (s, ' ');
  for (gsize i = 0; i < n; i++)
    {
      guint8 c = data[offset + i];

      g_string_append_c (s, c >= 0x20 && c < 0x7f ? (char) c : '.');
    }
  g_string_append_c (s, '\n');
}

void
bench_hex_view_set_bytes (BenchHexView *self, GBytes *bytes)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autoptr(GString) s = g_string_new (NULL);
  const guint8 *data = NULL;
  gsize n = 0;
  GtkTextIter start, end;

  if (bytes != NULL)
    data = g_bytes_get_data (bytes, &n);
  self->n_shown = MIN (n, BENCH_HEX_VIEW_MAX_BYTES);
  for (gsize offset = 0; offset < self->n_shown; offset += BYTES_PER_LINE)
    append_line (s, data, offset, MIN (BYTES_PER_LINE, self->n_shown - offset));
  if (n > self->n_shown)
    g_string_append_printf (s, _("… %zu more bytes (export the association "
                                 "to see them all)\n"), n - self->n_shown);
  gtk_text_buffer_set_text (buffer, s->str, (int) s->len);
  for (gsize line = 0; line * BYTES_PER_LINE < self->n_shown; line++)
    {
      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, (int) line, 0);
      gtk_text_buffer_get_iter_at_line_offset (buffer, &end, (int) line, 8);
      gtk_text_buffer_apply_tag (buffer, self->offset_tag, &start, &end);
    }
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
}

static int
hex_column (gsize byte_in_line)
{
  return (int) (HEX_COLUMN + byte_in_line * 3 + (byte_in_line >= BYTES_PER_LINE / 2 ? 1 : 0));
}

/* The text view lays its lines out in the background: wait (a few frames
 * at most) until the highlighted line has its place, then show it. */
static gboolean
scroll_to_highlight (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  BenchHexView *self = data;
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (widget));
  GtkTextIter iter;
  int y, height;

  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (self->text_view), &iter,
                                    self->highlight_line);
  gtk_text_view_get_line_yrange (self->text_view, &iter, &y, &height);
  if ((height == 0 || y + height > gtk_adjustment_get_upper (vadjustment))
      && self->scroll_frames++ < 60)
    return G_SOURCE_CONTINUE;
  /* Line ranges are in buffer coordinates, the adjustment counts the margin. */
  y += gtk_text_view_get_top_margin (self->text_view);
  gtk_adjustment_clamp_page (vadjustment, y, y + height);
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

void
bench_hex_view_set_highlight (BenchHexView *self, gsize offset, gsize length)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;
  gsize last = MIN (offset + length, self->n_shown);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->highlight_tag, &start, &end);
  for (gsize i = offset; i < last; i++)
    {
      int line = (int) (i / BYTES_PER_LINE);
      gsize in_line = i % BYTES_PER_LINE;

      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, hex_column (in_line));
      gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, hex_column (in_line) + 2);
      gtk_text_buffer_apply_tag (buffer, self->highlight_tag, &start, &end);
      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, (int) (ASCII_COLUMN + in_line));
      gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, (int) (ASCII_COLUMN + in_line + 1));
      gtk_text_buffer_apply_tag (buffer, self->highlight_tag, &start, &end);
    }
  if (offset < last)
    {
      self->highlight_line = (int) (offset / BYTES_PER_LINE);
      self->scroll_frames = 0;
      if (self->scroll_tick == 0)
        self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->text_view),
                                                          scroll_to_highlight, self, NULL);
    }
}

static void
bench_hex_view_dispose (GObject *object)
{
  BenchHexView *self = BENCH_HEX_VIEW (object);

  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->text_view), self->scroll_tick);
  self->scroll_tick = 0;
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (bench_hex_view_parent_class)->dispose (object);
}

static void
bench_hex_view_class_init (BenchHexViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_hex_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hexview");
}

static void
bench_hex_view_init (BenchHexView *self)
{
  GtkTextBuffer *buffer;

  self->text_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_editable (self->text_view, FALSE);
  gtk_text_view_set_monospace (self->text_view, TRUE);
  gtk_text_view_set_cursor_visible (self->text_view, FALSE);
  gtk_text_view_set_left_margin (self->text_view, 12);
  gtk_text_view_set_top_margin (self->text_view, 8);
  gtk_text_view_set_bottom_margin (self->text_view, 8);
  gtk_widget_set_name (GTK_WIDGET (self->text_view), "traffic-hex");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Raw PDU bytes"), -1);
  buffer = gtk_text_view_get_buffer (self->text_view);
  self->offset_tag = gtk_text_buffer_create_tag (buffer, "offset", "foreground", "#8a8a8a", NULL);
  self->highlight_tag = gtk_text_buffer_create_tag (buffer, "highlight",
                                                    "background", "rgba(53,132,228,0.25)",
                                                    NULL);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller),
                                 GTK_WIDGET (self->text_view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
bench_hex_view_new (void)
{
  return g_object_new (BENCH_TYPE_HEX_VIEW, NULL);
}
