/* dimse-recorder-export.c — the recorder's events as JSON lines and as a
 * pcapng capture of one synthetic TCP connection per association */
#include "config.h"
#include "dimse-recorder-private.h"
#include "dimse-pcapng.h"
#include "dimse-pdu.h"
#include "dimse-status.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define USEC_PER_SEC 1000000

static gboolean
selected (DimseTrafficEvent *event, guint association_id)
{
  return association_id == 0
         || dimse_traffic_event_get_association_id (event) == association_id;
}

/* ---- JSON lines ---- */

static char *
iso8601 (gint64 timestamp)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (timestamp / USEC_PER_SEC);
  g_autoptr(GDateTime) time = NULL;

  if (seconds == NULL)
    return g_strdup ("");
  time = g_date_time_add (seconds, timestamp % USEC_PER_SEC);
  return g_date_time_format_iso8601 (time);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value != NULL ? value : "");
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_message_members (JsonBuilder *b, DimseTrafficEvent *event)
{
  DimseCommandField field = dimse_traffic_event_get_command_field (event);
  const char *name = dimse_command_field_name (field);

  add_int (b, "command_field", field);
  add_string (b, "command", name);
  add_int (b, "message_id", dimse_traffic_event_get_message_id (event));
  add_int (b, "presentation_context_id",
           dimse_traffic_event_get_presentation_context_id (event));
  if (dimse_traffic_event_get_has_status (event))
    {
      guint16 status = dimse_traffic_event_get_status (event);
      add_int (b, "status", status);
      add_string (b, "status_meaning", dimse_status_meaning (status, field));
    }
}

static void
add_raw_members (JsonBuilder *b, DimseTrafficEvent *event)
{
  GBytes *raw = dimse_traffic_event_get_raw_bytes (event);
  gsize n = 0;
  const guint8 *data;
  g_autofree char *base64 = NULL;

  if (raw == NULL)
    {
      json_builder_set_member_name (b, "raw_dropped");
      json_builder_add_boolean_value (b, TRUE);
      return;
    }
  data = g_bytes_get_data (raw, &n);
  base64 = g_base64_encode (data, n);
  add_string (b, "raw", base64);
}

static void
add_time (JsonBuilder *b, const char *name, GDateTime *time)
{
  g_autofree char *text = dimse_tls_info_format_time (time);

  add_string (b, name, text);
}

/* The peer certificate's public facts; never key material. */
static void
add_transport_members (JsonBuilder *b, DimseTrafficEvent *event)
{
  DimseTlsInfo *tls = NULL;
  g_autofree char *verification = NULL;

  if (!dimse_traffic_event_get_transport (event, &tls))
    return;
  add_string (b, "transport", tls != NULL ? "tls" : "tcp");
  if (tls == NULL)
    return;
  verification = dimse_tls_info_describe_verification (tls);
  json_builder_set_member_name (b, "tls");
  json_builder_begin_object (b);
  add_string (b, "protocol_version", tls->protocol_version);
  add_string (b, "cipher_suite", tls->ciphersuite_name);
  add_string (b, "verification", verification);
  json_builder_set_member_name (b, "peer_certificate");
  if (!tls->has_peer_certificate)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      add_string (b, "subject", tls->peer_subject);
      add_string (b, "issuer", tls->peer_issuer);
      add_time (b, "not_valid_before", tls->peer_not_valid_before);
      add_time (b, "not_valid_after", tls->peer_not_valid_after);
      add_string (b, "sha256_fingerprint", tls->peer_sha256);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static JsonNode *
event_to_json (DimseTrafficEvent *event)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *time = iso8601 (dimse_traffic_event_get_timestamp (event));
  DimseTrafficKind kind = dimse_traffic_event_get_kind (event);

  json_builder_begin_object (b);
  add_string (b, "time", time);
  add_int (b, "timestamp_us", dimse_traffic_event_get_timestamp (event));
  add_int (b, "association", dimse_traffic_event_get_association_id (event));
  add_string (b, "direction",
              dimse_traffic_direction_to_string (dimse_traffic_event_get_direction (event)));
  add_string (b, "kind", dimse_traffic_kind_to_string (kind));
  if (kind == DIMSE_TRAFFIC_KIND_PDU)
    {
      add_int (b, "pdu_type", dimse_traffic_event_get_pdu_type (event));
      add_string (b, "pdu_type_name",
                  dimse_pdu_type_to_string (dimse_traffic_event_get_pdu_type (event)));
      json_builder_set_member_name (b, "malformed");
      json_builder_add_boolean_value (b, dimse_traffic_event_get_malformed (event));
    }
  if (kind != DIMSE_TRAFFIC_KIND_NOTE)
    add_int (b, "length", (gint64) dimse_traffic_event_get_length (event));
  add_string (b, "summary", dimse_traffic_event_get_summary (event));
  add_string (b, "details", dimse_traffic_event_get_details (event));
  if (kind == DIMSE_TRAFFIC_KIND_MESSAGE)
    add_message_members (b, event);
  if (kind == DIMSE_TRAFFIC_KIND_PDU)
    {
      add_transport_members (b, event);
      add_raw_members (b, event);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
dimse_recorder_export_jsonl (DimseRecorder *rec, GOutputStream *out, guint association_id,
                             GCancellable *cancellable, GError **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  guint n;

  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  n = dimse_recorder_n_events (rec);
  for (guint i = 0; i < n; i++)
    {
      DimseTrafficEvent *event = dimse_recorder_peek_event (rec, i);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *line = NULL;
      gsize len = 0;

      if (!selected (event, association_id))
        continue;
      node = event_to_json (event);
      json_generator_set_root (generator, node);
      line = json_generator_to_data (generator, &len);
      if (!g_output_stream_write_all (out, line, len, NULL, cancellable, error)
          || !g_output_stream_write_all (out, "\n", 1, NULL, cancellable, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- pcapng ---- */

typedef struct {
  GInetSocketAddress *client;
  GInetSocketAddress *server;
  gboolean            is_requestor;
  guint32             next_seq[2];   /* [0] the client's, [1] the server's */
  gboolean            closed;
  guint               n_dropped;
  guint64             dropped_bytes;
} TcpStream;

typedef struct {
  DimseRecorder     *rec;
  DimsePcapngWriter *writer;
  GHashTable        *streams;        /* association id → TcpStream* */
} PcapExport;

static void
tcp_stream_free (TcpStream *stream)
{
  g_clear_object (&stream->client);
  g_clear_object (&stream->server);
  g_free (stream);
}

static gboolean
send_segment (PcapExport *x, TcpStream *stream, gboolean from_client, guint8 flags,
              const guint8 *payload, gsize len, gint64 timestamp, const char *comment,
              GError **error)
{
  guint self = from_client ? 0 : 1;
  g_autoptr(GBytes) packet = NULL;

  packet = dimse_tcp_packet_new (from_client ? stream->client : stream->server,
                                 from_client ? stream->server : stream->client,
                                 stream->next_seq[self], stream->next_seq[1 - self], flags,
                                 payload, len);
  /* RFC 9293 §3.4: SYN and FIN each take one sequence number. */
  stream->next_seq[self] += (guint32) len + ((flags & (DIMSE_TCP_SYN | DIMSE_TCP_FIN)) ? 1 : 0);
  return dimse_pcapng_writer_add_packet (x->writer, timestamp, packet, comment, error);
}

static TcpStream *
open_stream (PcapExport *x, guint association_id, gint64 timestamp, GError **error)
{
  TcpStream *stream = g_hash_table_lookup (x->streams, GUINT_TO_POINTER (association_id));

  if (stream != NULL)
    return stream;
  stream = g_new0 (TcpStream, 1);
  dimse_recorder_get_endpoints (x->rec, association_id, &stream->client, &stream->server,
                                &stream->is_requestor);
  /* Fixed initial sequence numbers keep exports reproducible. */
  stream->next_seq[0] = 0x10000000u + association_id * 0x10000u;
  stream->next_seq[1] = 0x80000000u + association_id * 0x10000u;
  g_hash_table_insert (x->streams, GUINT_TO_POINTER (association_id), stream);
  if (!send_segment (x, stream, TRUE, DIMSE_TCP_SYN, NULL, 0, timestamp, NULL, error)
      || !send_segment (x, stream, FALSE, DIMSE_TCP_SYN | DIMSE_TCP_ACK, NULL, 0, timestamp,
                        NULL, error)
      || !send_segment (x, stream, TRUE, DIMSE_TCP_ACK, NULL, 0, timestamp, NULL, error))
    return NULL;
  return stream;
}

static gboolean
close_stream (PcapExport *x, TcpStream *stream, gint64 timestamp, GError **error)
{
  stream->closed = TRUE;
  return send_segment (x, stream, TRUE, DIMSE_TCP_FIN | DIMSE_TCP_ACK, NULL, 0, timestamp, NULL,
                       error)
         && send_segment (x, stream, FALSE, DIMSE_TCP_FIN | DIMSE_TCP_ACK, NULL, 0, timestamp,
                          NULL, error)
         && send_segment (x, stream, TRUE, DIMSE_TCP_ACK, NULL, 0, timestamp, NULL, error);
}

static char *
take_dropped_comment (TcpStream *stream)
{
  char *comment;

  if (stream->n_dropped == 0)
    return NULL;
  comment = g_strdup_printf ("%u earlier PDU(s), %" G_GUINT64_FORMAT " bytes, left out: the "
                             "recorder's byte budget dropped their raw bytes",
                             stream->n_dropped, stream->dropped_bytes);
  stream->n_dropped = 0;
  stream->dropped_bytes = 0;
  return comment;
}

static gboolean
send_pdu (PcapExport *x, TcpStream *stream, DimseTrafficEvent *event, GError **error)
{
  GBytes *raw = dimse_traffic_event_get_raw_bytes (event);
  gboolean sent = dimse_traffic_event_get_direction (event) != DIMSE_TRAFFIC_DIRECTION_RECEIVED;
  gboolean from_client = sent == stream->is_requestor;
  gint64 timestamp = dimse_traffic_event_get_timestamp (event);
  g_autofree char *comment = NULL;
  const guint8 *data;
  gsize n = 0;

  if (raw == NULL)
    {
      stream->n_dropped++;
      stream->dropped_bytes += dimse_traffic_event_get_length (event);
      return TRUE;
    }
  comment = take_dropped_comment (stream);
  data = g_bytes_get_data (raw, &n);
  for (gsize offset = 0; offset < n; offset += DIMSE_TCP_MAX_PAYLOAD)
    {
      gsize len = MIN (n - offset, DIMSE_TCP_MAX_PAYLOAD);
      guint8 flags = DIMSE_TCP_ACK | (offset + len == n ? DIMSE_TCP_PSH : 0);

      /* Each segment is acknowledged at once, so that the bytes in flight
       * never fill the unscaled 64 KiB window. */
      if (!send_segment (x, stream, from_client, flags, data + offset, len, timestamp,
                         offset == 0 ? comment : NULL, error)
          || !send_segment (x, stream, !from_client, DIMSE_TCP_ACK, NULL, 0, timestamp, NULL,
                            error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
export_event (PcapExport *x, DimseTrafficEvent *event, GError **error)
{
  guint association_id = dimse_traffic_event_get_association_id (event);
  DimseTrafficKind kind = dimse_traffic_event_get_kind (event);
  gint64 timestamp = dimse_traffic_event_get_timestamp (event);
  TcpStream *stream;

  if (kind == DIMSE_TRAFFIC_KIND_MESSAGE)
    return TRUE;
  stream = open_stream (x, association_id, timestamp, error);
  if (stream == NULL)
    return FALSE;
  if (stream->closed)
    return TRUE;
  if (kind == DIMSE_TRAFFIC_KIND_NOTE)
    return !dimse_traffic_event_is_end (event) || close_stream (x, stream, timestamp, error);
  return send_pdu (x, stream, event, error);
}

gboolean
dimse_recorder_export_pcapng (DimseRecorder *rec, GOutputStream *out, guint association_id,
                              GCancellable *cancellable, GError **error)
{
  g_autoptr(GHashTable) streams = NULL;
  g_autoptr(DimsePcapngWriter) writer = NULL;
  PcapExport x;
  guint n;

  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  writer = dimse_pcapng_writer_new (out, DIMSE_PCAPNG_LINKTYPE_RAW, "Dimsebench " PACKAGE_VERSION,
                                    cancellable, error);
  if (writer == NULL)
    return FALSE;
  streams = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) tcp_stream_free);
  x = (PcapExport) { rec, writer, streams };
  n = dimse_recorder_n_events (rec);
  for (guint i = 0; i < n; i++)
    {
      DimseTrafficEvent *event = dimse_recorder_peek_event (rec, i);

      if (selected (event, association_id) && !export_event (&x, event, error))
        return FALSE;
    }
  return TRUE;
}
