/* bench-traffic-timeline.c — one association's events as a sequence of
 * the two sides (us on the left, the peer on the right) */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-traffic-timeline.h"
#include "dimse-status.h"

/* ---- one row's drawing: the two lifelines and the arrow between ---- */

#define LANE_INSET 10
#define ARROW_HEAD 6

#define BENCH_TYPE_TRAFFIC_LANE (bench_traffic_lane_get_type ())
G_DECLARE_FINAL_TYPE (BenchTrafficLane, bench_traffic_lane, BENCH, TRAFFIC_LANE, GtkWidget)

struct _BenchTrafficLane
{
  GtkWidget parent_instance;

  GtkWidget *label;
  DimseTrafficDirection direction;
  gboolean move_sub_operation;
};

G_DEFINE_FINAL_TYPE (BenchTrafficLane, bench_traffic_lane, GTK_TYPE_WIDGET)

static void
lane_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
              int *natural, int *minimum_baseline, int *natural_baseline)
{
  BenchTrafficLane *self = BENCH_TRAFFIC_LANE (widget);

  gtk_widget_measure (self->label, orientation, -1, minimum, natural, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum += 4 * LANE_INSET;
      *natural += 4 * LANE_INSET;
    }
  else
    {
      *minimum += 14;
      *natural += 14;
    }
}

static void
lane_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BenchTrafficLane *self = BENCH_TRAFFIC_LANE (widget);
  GtkAllocation child = { 2 * LANE_INSET, 2, MAX (0, width - 4 * LANE_INSET), MAX (0, height - 14) };

  gtk_widget_size_allocate (self->label, &child, -1);
}

static void
fg_color (GtkWidget *widget, GdkRGBA *color)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}

static void
append_rect (GtkSnapshot *snapshot, const GdkRGBA *color, float x, float y, float w, float h)
{
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x, y, w, h);

  gtk_snapshot_append_color (snapshot, color, &rect);
}

static void
lane_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BenchTrafficLane *self = BENCH_TRAFFIC_LANE (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float y = height - 7;
  GdkRGBA fg, line;

  fg_color (widget, &fg);
  line = fg;
  line.alpha = 0.18f;
  append_rect (snapshot, &line, LANE_INSET - 1, 0, 2, height);
  append_rect (snapshot, &line, width - LANE_INSET - 1, 0, 2, height);
  if (self->direction != DIMSE_TRAFFIC_DIRECTION_NONE)
    {
      gboolean right = self->direction == DIMSE_TRAFFIC_DIRECTION_SENT;
      float tip = right ? width - LANE_INSET - 1 : LANE_INSET + 1;

      line = fg;
      line.alpha = 0.55f;
      append_rect (snapshot, &line, LANE_INSET, y - 1, width - 2 * LANE_INSET, 2);
      /* the head: a few stacked bars narrowing to the tip */
      for (int i = 0; i < ARROW_HEAD; i++)
        {
          float x = right ? tip - (ARROW_HEAD - i) : tip + (ARROW_HEAD - i) - 1;

          append_rect (snapshot, &line, x, y - 1 - (ARROW_HEAD - i) * 0.7f, 1,
                       2 + 2 * (ARROW_HEAD - i) * 0.7f);
        }
    }
  if (self->move_sub_operation)
    {
      /* The link to the C-MOVE-RQ: a mark on the lifeline of its sender. */
      static const GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 1.0f };
      float x = self->direction == DIMSE_TRAFFIC_DIRECTION_RECEIVED ? width - LANE_INSET - 2
                                                                     : LANE_INSET - 2;

      append_rect (snapshot, &accent, x, 2, 4, height - 4);
    }
  gtk_widget_snapshot_child (widget, self->label, snapshot);
}

static void
bench_traffic_lane_dispose (GObject *object)
{
  BenchTrafficLane *self = BENCH_TRAFFIC_LANE (object);

  g_clear_pointer (&self->label, gtk_widget_unparent);
  G_OBJECT_CLASS (bench_traffic_lane_parent_class)->dispose (object);
}

static void
bench_traffic_lane_class_init (BenchTrafficLaneClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_traffic_lane_dispose;
  widget_class->measure = lane_measure;
  widget_class->size_allocate = lane_size_allocate;
  widget_class->snapshot = lane_snapshot;
  gtk_widget_class_set_css_name (widget_class, "trafficlane");
}

static void
bench_traffic_lane_init (BenchTrafficLane *self)
{
  self->label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
}

static void
lane_set (BenchTrafficLane *self, BenchTrafficItem *item)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkLabel *label = GTK_LABEL (self->label);
  DimseTrafficEvent *event = bench_traffic_item_get_event (item);
  DimseTrafficKind kind = bench_traffic_item_get_kind (item);

  const char *move_ae_title = NULL;
  guint16 move_message_id = 0;
  g_autofree char *text = NULL;

  self->direction = bench_traffic_item_get_direction (item);
  /* PS3.7 §9.3.1.1: a C-STORE-RQ made for a C-MOVE names the C-MOVE-RQ. */
  self->move_sub_operation = event != NULL
                             && dimse_traffic_event_get_move_originator (event, &move_ae_title,
                                                                         &move_message_id);
  if (self->move_sub_operation)
    /* Translators: a C-STORE-RQ, then the C-MOVE-RQ it is a sub-operation of */
    text = g_strdup_printf (_("%s\n↳ for C-MOVE-RQ msg %u from %s"),
                            bench_traffic_item_get_summary (item), move_message_id,
                            move_ae_title);
  else
    text = g_strdup (bench_traffic_item_get_summary (item));
  gtk_label_set_text (label, text);
  gtk_label_set_xalign (label, self->direction == DIMSE_TRAFFIC_DIRECTION_RECEIVED ? 1.0f
                               : self->direction == DIMSE_TRAFFIC_DIRECTION_SENT ? 0.0f : 0.5f);
  gtk_widget_remove_css_class (widget, "message");
  gtk_widget_remove_css_class (widget, "note");
  gtk_widget_remove_css_class (widget, "sent");
  gtk_widget_remove_css_class (widget, "received");
  gtk_widget_remove_css_class (widget, "failure");
  gtk_widget_remove_css_class (widget, "warning");
  if (kind == DIMSE_TRAFFIC_KIND_MESSAGE)
    gtk_widget_add_css_class (widget, "message");
  else if (kind == DIMSE_TRAFFIC_KIND_NOTE)
    gtk_widget_add_css_class (widget, "note");
  if (self->direction == DIMSE_TRAFFIC_DIRECTION_SENT)
    gtk_widget_add_css_class (widget, "sent");
  else if (self->direction == DIMSE_TRAFFIC_DIRECTION_RECEIVED)
    gtk_widget_add_css_class (widget, "received");
  if (event == NULL)
    {
      guint status = 0;

      bench_traffic_item_get_web (item, NULL, NULL, &status, NULL, NULL);
      if (status < 200 || status > 299)
        gtk_widget_add_css_class (widget, "failure");
    }
  else if (dimse_traffic_event_get_malformed (event))
    gtk_widget_add_css_class (widget, "failure");
  else if (dimse_traffic_event_get_has_status (event))
    {
      DimseStatusClass status_class = dimse_status_class (dimse_traffic_event_get_status (event));

      if (status_class == DIMSE_STATUS_WARNING)
        gtk_widget_add_css_class (widget, "warning");
      else if (status_class == DIMSE_STATUS_FAILURE || status_class == DIMSE_STATUS_CANCEL)
        gtk_widget_add_css_class (widget, "failure");
    }
  gtk_widget_set_tooltip_text (widget, text);
  gtk_widget_queue_draw (widget);
}

/* ---- the timeline ---- */

struct _BenchTrafficTimeline
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *local_label;
  GtkLabel *peer_label;
  GtkListView *list_view;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  GtkCustomFilter *filter;
  BenchTrafficAssociation *assoc;
  gboolean show_pdata;
};

G_DEFINE_FINAL_TYPE (BenchTrafficTimeline, bench_traffic_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
filter_item (gpointer item, gpointer user_data)
{
  BenchTrafficTimeline *self = user_data;

  return self->show_pdata || !bench_traffic_item_is_pdata (item);
}

static char *
format_offset (BenchTrafficTimeline *self, BenchTrafficItem *item)
{
  gint64 start = self->assoc != NULL ? bench_traffic_association_get_started (self->assoc) : 0;
  gint64 delta = MAX (0, bench_traffic_item_get_timestamp (item) - start);

  if (delta < G_USEC_PER_SEC)
    return g_strdup_printf (_("+%.3f ms"), delta / 1000.0);
  return g_strdup_printf (_("+%.3f s"), delta / (double) G_USEC_PER_SEC);
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *time = gtk_label_new (NULL);
  GtkWidget *lane = g_object_new (BENCH_TYPE_TRAFFIC_LANE, NULL);

  gtk_label_set_xalign (GTK_LABEL (time), 1.0f);
  gtk_label_set_width_chars (GTK_LABEL (time), 11);
  gtk_label_set_max_width_chars (GTK_LABEL (time), 11);
  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "numeric");
  gtk_widget_add_css_class (time, "caption");
  gtk_widget_set_valign (time, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (lane, TRUE);
  gtk_box_append (GTK_BOX (box), time);
  gtk_box_append (GTK_BOX (box), lane);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  BenchTrafficTimeline *self = user_data;
  BenchTrafficItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *time = gtk_widget_get_first_child (box);
  g_autofree char *offset = format_offset (self, item);

  gtk_label_set_text (GTK_LABEL (time), offset);
  lane_set (BENCH_TRAFFIC_LANE (gtk_widget_get_next_sibling (time)), item);
}

static void
update_header (BenchTrafficTimeline *self)
{
  g_autofree char *local = NULL;
  const char *peer = "";

  if (self->assoc != NULL && bench_traffic_association_get_is_web (self->assoc))
    {
      const char *name = bench_traffic_association_get_peer_name (self->assoc);

      /* A DICOMweb operation: the HTTP client and the service. */
      local = g_strdup (_("DICOMweb client (us)"));
      peer = name != NULL ? name : bench_traffic_association_get_peer_address (self->assoc);
    }
  else if (self->assoc != NULL)
    {
      gboolean outgoing = bench_traffic_association_get_outgoing (self->assoc);

      local = g_strdup_printf (_("%s (us)"),
                               outgoing ? bench_traffic_association_get_calling_ae_title (self->assoc)
                                        : bench_traffic_association_get_called_ae_title (self->assoc));
      peer = bench_traffic_association_get_peer_ae_title (self->assoc);
    }
  gtk_label_set_text (self->local_label, local != NULL ? local : "");
  gtk_label_set_text (self->peer_label, peer);
}

void
bench_traffic_timeline_set_association (BenchTrafficTimeline *self,
                                        BenchTrafficAssociation *assoc)
{
  if (self->assoc == assoc)
    return;
  if (self->assoc != NULL)
    g_signal_handlers_disconnect_by_data (self->assoc, self);
  g_set_object (&self->assoc, assoc);
  gtk_filter_list_model_set_model (self->filtered,
                                   assoc != NULL ? bench_traffic_association_get_items (assoc)
                                                 : NULL);
  if (assoc != NULL)
    g_signal_connect_object (assoc, "notify::revision", G_CALLBACK (update_header), self,
                             G_CONNECT_SWAPPED);
  update_header (self);
}

void
bench_traffic_timeline_set_show_pdata (BenchTrafficTimeline *self, gboolean show_pdata)
{
  if (self->show_pdata == show_pdata)
    return;
  self->show_pdata = show_pdata;
  gtk_filter_changed (GTK_FILTER (self->filter),
                      show_pdata ? GTK_FILTER_CHANGE_LESS_STRICT : GTK_FILTER_CHANGE_MORE_STRICT);
}

GListModel *
bench_traffic_timeline_get_shown (BenchTrafficTimeline *self)
{
  return G_LIST_MODEL (self->filtered);
}

BenchTrafficItem *
bench_traffic_timeline_get_selected_item (BenchTrafficTimeline *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

void
bench_traffic_timeline_select (BenchTrafficTimeline *self, guint position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

static void
on_selected (BenchTrafficTimeline *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

static void
bench_traffic_timeline_dispose (GObject *object)
{
  BenchTrafficTimeline *self = BENCH_TRAFFIC_TIMELINE (object);

  if (self->assoc != NULL)
    g_signal_handlers_disconnect_by_data (self->assoc, self);
  g_clear_object (&self->assoc);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_TRAFFIC_TIMELINE);
  G_OBJECT_CLASS (bench_traffic_timeline_parent_class)->dispose (object);
}

static void
bench_traffic_timeline_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  BenchTrafficTimeline *self = BENCH_TRAFFIC_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, bench_traffic_timeline_get_selected_item (self));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_traffic_timeline_class_init (BenchTrafficTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bench_traffic_timeline_dispose;
  object_class->get_property = bench_traffic_timeline_get_property;
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, BENCH_TYPE_TRAFFIC_ITEM,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-traffic-timeline.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficTimeline, box);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficTimeline, local_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficTimeline, peer_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficTimeline, list_view);
}

static void
bench_traffic_timeline_init (BenchTrafficTimeline *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->filter = gtk_custom_filter_new (filter_item, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (g_object_ref (self->filter)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (on_selected),
                            self);
  g_object_unref (factory);
  g_object_unref (self->selection);
  g_object_unref (self->filter);
}

GtkWidget *
bench_traffic_timeline_new (void)
{
  return g_object_new (BENCH_TYPE_TRAFFIC_TIMELINE, NULL);
}
