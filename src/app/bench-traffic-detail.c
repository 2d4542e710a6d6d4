/* bench-traffic-detail.c — one recorded event in full */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-data-set-tree.h"
#include "bench-hex-view.h"
#include "bench-traffic-detail.h"
#include "dimse-pdu.h"
#include "dimse-status.h"

struct _BenchTrafficDetail
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkLabel *status_label;
  GtkTextView *details_view;
  GtkStack *raw_stack;
  BenchHexView *hex_view;
  GtkLabel *raw_label;
  GtkLabel *transport_label;
  GtkWidget *transport_separator;
  GtkLabel *web_label;
  GtkWidget *web_separator;
  BenchDataSetTree *data_set_tree;
  BenchHexView *data_set_hex;

  BenchTrafficItem *item;
};

G_DEFINE_FINAL_TYPE (BenchTrafficDetail, bench_traffic_detail, GTK_TYPE_WIDGET)

static const char *
direction_words (DimseTrafficDirection direction)
{
  switch (direction)
    {
    case DIMSE_TRAFFIC_DIRECTION_SENT: return _("Sent");
    case DIMSE_TRAFFIC_DIRECTION_RECEIVED: return _("Received");
    case DIMSE_TRAFFIC_DIRECTION_NONE:
    default: return _("Note");
    }
}

static char *
describe_subtitle (DimseTrafficEvent *event)
{
  gint64 timestamp = dimse_traffic_event_get_timestamp (event);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (timestamp / G_USEC_PER_SEC);
  g_autofree char *clock = g_date_time_format (time, "%H:%M:%S");
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s.%03d · %s", clock,
                          (int) (timestamp % G_USEC_PER_SEC / 1000),
                          direction_words (dimse_traffic_event_get_direction (event)));
  if (dimse_traffic_event_get_kind (event) == DIMSE_TRAFFIC_KIND_PDU)
    g_string_append_printf (s, " · %s", dimse_pdu_type_to_string (dimse_traffic_event_get_pdu_type (event)));
  if (dimse_traffic_event_get_kind (event) == DIMSE_TRAFFIC_KIND_MESSAGE)
    g_string_append_printf (s, _(" · presentation context %u · message ID %u"),
                            dimse_traffic_event_get_presentation_context_id (event),
                            dimse_traffic_event_get_message_id (event));
  if (dimse_traffic_event_get_length (event) > 0)
    {
      g_autofree char *size = g_format_size_full (dimse_traffic_event_get_length (event),
                                                  G_FORMAT_SIZE_LONG_FORMAT);

      g_string_append_printf (s, " · %s", size);
    }
  return g_string_free (s, FALSE);
}

static void
show_status (BenchTrafficDetail *self, DimseTrafficEvent *event)
{
  GtkWidget *label = GTK_WIDGET (self->status_label);
  DimseStatusClass status_class;
  guint16 status;

  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "error");
  if (!dimse_traffic_event_get_has_status (event))
    {
      gtk_widget_set_visible (label, dimse_traffic_event_get_malformed (event));
      gtk_label_set_text (self->status_label, _("Malformed"));
      gtk_widget_add_css_class (label, "error");
      return;
    }
  status = dimse_traffic_event_get_status (event);
  status_class = dimse_status_class (status);
  gtk_label_set_text (self->status_label,
                      dimse_status_meaning (status, dimse_traffic_event_get_command_field (event)));
  gtk_widget_add_css_class (label, status_class == DIMSE_STATUS_SUCCESS
                                   || status_class == DIMSE_STATUS_PENDING ? "success"
                                   : status_class == DIMSE_STATUS_WARNING ? "warning" : "error");
  gtk_widget_set_visible (label, TRUE);
}

/* A message's data set as a tree over its bytes, as recorded. */
static gboolean
show_data_set (BenchTrafficDetail *self, DimseTrafficEvent *event)
{
  const DcmTransferSyntax *ts = NULL;
  g_autoptr(GBytes) encoded = dimse_traffic_event_dup_data_set (event, &ts);
  g_autoptr(GError) error = NULL;

  if (encoded == NULL)
    return FALSE;
  bench_hex_view_set_bytes (self->data_set_hex, encoded);
  if (!bench_data_set_tree_set_encoded (self->data_set_tree, encoded, ts, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The data set does not decode: %s"),
                                               error->message);

      gtk_label_set_text (self->raw_label, text);
      gtk_stack_set_visible_child_name (self->raw_stack, "none");
      return TRUE;
    }
  gtk_stack_set_visible_child_name (self->raw_stack, "data-set");
  return TRUE;
}

static void
on_element_selected (BenchDataSetTree *tree, guint64 offset, guint64 length,
                     BenchTrafficDetail *self)
{
  bench_hex_view_set_highlight (self->data_set_hex, offset, length);
}

static void
add_data_set_page (BenchTrafficDetail *self)
{
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);

  self->data_set_tree = BENCH_DATA_SET_TREE (bench_data_set_tree_new ());
  self->data_set_hex = BENCH_HEX_VIEW (bench_hex_view_new ());
  gtk_widget_set_name (GTK_WIDGET (self->data_set_tree), "traffic-data-set");
  gtk_widget_set_size_request (GTK_WIDGET (self->data_set_tree), -1, 120);
  gtk_widget_set_size_request (GTK_WIDGET (self->data_set_hex), -1, 60);
  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (self->data_set_tree));
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->data_set_hex));
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
  gtk_stack_add_named (self->raw_stack, paned, "data-set");
  g_signal_connect (self->data_set_tree, "element-selected", G_CALLBACK (on_element_selected),
                    self);
}

static void
show_raw (BenchTrafficDetail *self, DimseTrafficEvent *event)
{
  GBytes *raw = bench_traffic_item_get_raw_bytes (self->item);

  if (raw != NULL)
    {
      bench_hex_view_set_bytes (self->hex_view, raw);
      /* The PDU header (PS3.8 §9.3.1): type, reserved, length. */
      bench_hex_view_set_highlight (self->hex_view, 0, 6);
      gtk_stack_set_visible_child_name (self->raw_stack, "hex");
      return;
    }
  bench_hex_view_set_bytes (self->hex_view, NULL);
  switch (dimse_traffic_event_get_kind (event))
    {
    case DIMSE_TRAFFIC_KIND_MESSAGE:
      if (show_data_set (self, event))
        return;
      gtk_label_set_text (self->raw_label, _("A DIMSE message travels in the P-DATA-TF PDUs "
                                             "around it; select one of those for its bytes."));
      break;
    case DIMSE_TRAFFIC_KIND_NOTE:
      gtk_label_set_text (self->raw_label, _("A note about the association: no bytes went over "
                                             "the wire."));
      break;
    case DIMSE_TRAFFIC_KIND_PDU:
    default:
      gtk_label_set_text (self->raw_label, _("The bytes of this PDU were dropped to keep the "
                                             "traffic recorder within its memory budget."));
      break;
    }
  gtk_stack_set_visible_child_name (self->raw_stack, "none");
}

/* ---- the transport of an A-ASSOCIATE exchange (PS3.15 Annex B.1) ---- */

static char *
describe_verification (const DimseTlsInfo *tls)
{
  static const struct {
    GTlsCertificateFlags flag;
    const char          *words;
  } problems[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, N_("signed by an unknown certificate authority") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, N_("not issued to the peer’s host name or address") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_("not valid yet") },
    { G_TLS_CERTIFICATE_EXPIRED, N_("expired") },
    { G_TLS_CERTIFICATE_REVOKED, N_("revoked") },
    { G_TLS_CERTIFICATE_INSECURE, N_("signed with an insecure algorithm") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, N_("could not be checked") },
  };
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autofree char *list = NULL;

  if (!tls->has_peer_certificate)
    return g_strdup (_("No certificate presented"));
  if (tls->peer_errors == 0)
    return g_strdup (_("Verified against the configured CA"));
  for (guint i = 0; i < G_N_ELEMENTS (problems); i++)
    if (tls->peer_errors & problems[i].flag)
      g_ptr_array_add (found, (gpointer) _(problems[i].words));
  g_ptr_array_add (found, NULL);
  list = g_strjoinv (_(", "), (char **) found->pdata);
  return g_strdup_printf (_("Not verified: %s"), list);
}

static char *
format_local_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (_("unknown"));
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

/* One "Name: value" line, the name in bold; value may be NULL. */
static void
append_fact (GString *markup, const char *name, const char *value)
{
  g_autofree char *line = g_markup_printf_escaped ("\n<b>%s</b> %s", name,
                                                   value != NULL ? value : _("unknown"));

  g_string_append (markup, line);
}

static char *
describe_tls (const DimseTlsInfo *tls)
{
  GString *markup = g_string_new (NULL);
  g_autofree char *heading = g_markup_printf_escaped ("<b>%s</b>", _("TLS"));
  g_autofree char *verification = describe_verification (tls);

  g_string_append (markup, heading);
  append_fact (markup, _("Version:"), tls->protocol_version);
  append_fact (markup, _("Cipher suite:"), tls->ciphersuite_name);
  if (tls->has_peer_certificate)
    {
      g_autofree char *from = format_local_time (tls->peer_not_valid_before);
      g_autofree char *until = format_local_time (tls->peer_not_valid_after);
      g_autofree char *validity = g_strdup_printf (_("%s to %s"), from, until);

      append_fact (markup, _("Peer certificate:"), tls->peer_subject);
      append_fact (markup, _("Issuer:"), tls->peer_issuer);
      append_fact (markup, _("Valid:"), validity);
      append_fact (markup, _("SHA-256 fingerprint:"), tls->peer_sha256);
    }
  append_fact (markup, _("Verification:"), verification);
  return g_string_free (markup, FALSE);
}

/* Shown for the A-ASSOCIATE PDUs of an association whose transport the
 * recorder knows; hidden for everything else. */
static void
show_transport (BenchTrafficDetail *self, DimseTrafficEvent *event)
{
  DimseTlsInfo *tls = NULL;
  gboolean known = event != NULL && dimse_traffic_event_get_transport (event, &tls);
  g_autofree char *markup = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->transport_label), known);
  gtk_widget_set_visible (self->transport_separator, known);
  if (!known)
    return;
  if (tls == NULL)
    markup = g_markup_printf_escaped ("<b>%s</b>", _("Plain TCP (no TLS)"));
  else
    markup = describe_tls (tls);
  gtk_label_set_markup (self->transport_label, markup);
}

/* The facts of a DICOMweb request above its headers. */
static char *
describe_web (BenchTrafficItem *item, DimseWebExchange *exchange, const char *clock)
{
  GString *markup = g_string_new (NULL);
  g_autofree char *heading = g_markup_printf_escaped ("<b>%s</b>", _("HTTP request"));
  g_autofree char *status = exchange->status != 0
                            ? g_strdup_printf ("%u %s", exchange->status,
                                               exchange->reason_phrase)
                            : g_strdup (_("No response"));
  g_autofree char *duration = g_strdup_printf (_("%.1f ms"), exchange->duration_us / 1000.0);
  g_autofree char *sent = g_format_size_full (exchange->request_bytes,
                                              G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *received = g_format_size_full (exchange->response_bytes,
                                                  G_FORMAT_SIZE_LONG_FORMAT);

  g_string_append (markup, heading);
  append_fact (markup, _("Method:"), exchange->method);
  append_fact (markup, _("URL:"), bench_traffic_item_get_web_url (item));
  append_fact (markup, _("Status:"), status);
  append_fact (markup, _("Answered at:"), clock);
  append_fact (markup, _("Time:"), duration);
  append_fact (markup, _("Sent:"), sent);
  append_fact (markup, _("Received:"), received);
  if (exchange->request_content_type != NULL)
    append_fact (markup, _("Request content type:"), exchange->request_content_type);
  append_fact (markup, _("Response content type:"),
               exchange->response_content_type != NULL ? exchange->response_content_type
                                                       : _("none"));
  return g_string_free (markup, FALSE);
}

/* A DICOMweb request: its facts, and in the details its request and
 * status lines with both header lists (credentials hidden); no raw bytes
 * (the client keeps none). */
static void
show_web (BenchTrafficDetail *self, BenchTrafficItem *item)
{
  GtkWidget *label = GTK_WIDGET (self->status_label);
  DimseWebExchange *exchange = bench_traffic_item_get_web_exchange (item);
  gint64 timestamp = bench_traffic_item_get_timestamp (item);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (timestamp / G_USEC_PER_SEC);
  g_autofree char *clock = g_date_time_format (time, "%H:%M:%S");
  g_autofree char *precise = g_strdup_printf ("%s.%03d", clock,
                                              (int) (timestamp % G_USEC_PER_SEC / 1000));
  g_autofree char *subtitle = NULL;
  g_autofree char *sent = g_format_size (exchange->request_bytes);
  g_autofree char *received = g_format_size (exchange->response_bytes);
  g_autofree char *facts = describe_web (item, exchange, precise);
  gboolean ok = exchange->status >= 200 && exchange->status <= 299;

  subtitle = g_strdup_printf (_("%s · DICOMweb %s · %s sent · %s received · %.1f ms"),
                              precise, exchange->method, sent, received,
                              exchange->duration_us / 1000.0);
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "error");
  if (exchange->status != 0)
    {
      g_autofree char *text = g_strdup_printf ("HTTP %u %s", exchange->status,
                                               exchange->reason_phrase);

      gtk_label_set_text (self->status_label, text);
    }
  else
    gtk_label_set_text (self->status_label, _("No response"));
  gtk_widget_add_css_class (label, ok ? "success" : "error");
  gtk_widget_set_visible (label, TRUE);
  gtk_label_set_markup (self->web_label, facts);
  gtk_widget_set_visible (GTK_WIDGET (self->web_label), TRUE);
  gtk_widget_set_visible (self->web_separator, TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->details_view),
                            bench_traffic_item_get_details (item), -1);
  bench_hex_view_set_bytes (self->hex_view, NULL);
  gtk_label_set_text (self->raw_label, _("An HTTP request: the bytes of DICOMweb requests "
                                         "are not recorded."));
  gtk_stack_set_visible_child_name (self->raw_stack, "none");
  gtk_stack_set_visible_child_name (self->stack, "item");
}

void
bench_traffic_detail_set_item (BenchTrafficDetail *self, BenchTrafficItem *item)
{
  DimseTrafficEvent *event;
  const char *details;
  g_autofree char *subtitle = NULL;

  if (!g_set_object (&self->item, item))
    return;
  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  event = bench_traffic_item_get_event (item);
  gtk_label_set_text (self->title_label, bench_traffic_item_get_summary (item));
  show_transport (self, event);
  gtk_widget_set_visible (GTK_WIDGET (self->web_label), FALSE);
  gtk_widget_set_visible (self->web_separator, FALSE);
  if (event == NULL)
    {
      show_web (self, item);
      return;
    }
  subtitle = describe_subtitle (event);
  gtk_label_set_text (self->subtitle_label, subtitle);
  show_status (self, event);
  details = bench_traffic_item_get_details (item);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->details_view),
                            details != NULL ? details : "", -1);
  show_raw (self, event);
  gtk_stack_set_visible_child_name (self->stack, "item");
}

BenchTrafficItem *
bench_traffic_detail_get_item (BenchTrafficDetail *self)
{
  return self->item;
}

static void
bench_traffic_detail_dispose (GObject *object)
{
  BenchTrafficDetail *self = BENCH_TRAFFIC_DETAIL (object);

  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_TRAFFIC_DETAIL);
  G_OBJECT_CLASS (bench_traffic_detail_parent_class)->dispose (object);
}

static void
bench_traffic_detail_class_init (BenchTrafficDetailClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_traffic_detail_dispose;
  g_type_ensure (BENCH_TYPE_HEX_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-traffic-detail.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, status_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, details_view);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, raw_stack);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, hex_view);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, raw_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, transport_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, transport_separator);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, web_label);
  gtk_widget_class_bind_template_child (widget_class, BenchTrafficDetail, web_separator);
}

static void
bench_traffic_detail_init (BenchTrafficDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_data_set_page (self);
}

GtkWidget *
bench_traffic_detail_new (void)
{
  return g_object_new (BENCH_TYPE_TRAFFIC_DETAIL, NULL);
}
