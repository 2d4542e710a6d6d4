/* dimse-pcap-stream.c — the TCP connections of a capture: each direction
 * reassembled, cut into PDUs (PS3.8 §9.3: a 6-byte header giving the
 * length), and the DIMSE messages of the P-DATA-TF PDUs joined from their
 * fragments (PS3.8 Annex E), all handed to the recorder */
#include "config.h"

#include "dimse-pcap-import-private.h"

#include <string.h>

#include "dcm-binary.h"
#include "dcm-transfer-syntax.h"
#include "dimse-message.h"
#include "dimse-pcapng.h"
#include "dimse-pdu.h"
#include "dimse-recorder-private.h"

#define DICOM_PORT 104
#define DICOM_ALT_PORT 11112
/* PS3.7 §6.3.1 sets no limit; no real command set comes near this. */
#define MAX_COMMAND_LENGTH (64 * 1024)

typedef struct {
  guint32     seq;
  GBytes     *data;
} Held;

/* One direction of a connection: 0 client to server (the requestor's, as
 * "sent"), 1 server to client. */
typedef struct {
  gboolean      have_seq;
  guint32       next_seq;
  GPtrArray    *held;          /* Held*, out of order */
  gsize         held_bytes;
  GByteArray   *pdu;           /* bytes of a PDU not yet whole */
  gboolean      broken;        /* not PDUs any more: ignored from here on */
  gboolean      fin;
  /* PS3.8 Annex E: a command, then its data set, each in fragments */
  GByteArray   *command;
  GByteArray   *data_set;
  gboolean      data_set_dropped;
  DimseMessage *waiting;       /* its command whole, its data set not yet */
  guint8        waiting_pc_id;
} Direction;

typedef struct {
  GInetSocketAddress *client;
  GInetSocketAddress *server;
  Direction           dir[2];
  guint               association_id;
  GHashTable         *transfer_syntaxes;  /* pc id → accepted transfer syntax UID */
  char               *end_reason;
  gint64              last_timestamp;
} Stream;

struct _DimsePcapStreams {
  DimseRecorder        *recorder;
  guint16               port;
  DimsePcapImportStats *stats;
  GHashTable           *streams;  /* GBytes key → Stream* */
  GHashTable           *servers;  /* port 0: GBytes endpoint seen taking an -RQ */
};

/* ---- streams ---- */

static void
held_free (gpointer data)
{
  Held *held = data;

  g_bytes_unref (held->data);
  g_free (held);
}

static void
direction_init (Direction *d)
{
  d->held = g_ptr_array_new_with_free_func (held_free);
  d->pdu = g_byte_array_new ();
  d->command = g_byte_array_new ();
  d->data_set = g_byte_array_new ();
}

static void
direction_clear (Direction *d)
{
  g_ptr_array_unref (d->held);
  g_byte_array_unref (d->pdu);
  g_byte_array_unref (d->command);
  g_byte_array_unref (d->data_set);
  g_clear_pointer (&d->waiting, dimse_message_unref);
}

static GInetSocketAddress *
socket_address (GSocketFamily family, const guint8 *bytes, guint16 port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_bytes (bytes, family);

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
}

static Stream *
stream_new (const DimsePcapSegment *seg, gboolean from_client)
{
  Stream *stream = g_new0 (Stream, 1);

  stream->client = from_client ? socket_address (seg->family, seg->src, seg->src_port)
                               : socket_address (seg->family, seg->dst, seg->dst_port);
  stream->server = from_client ? socket_address (seg->family, seg->dst, seg->dst_port)
                               : socket_address (seg->family, seg->src, seg->src_port);
  direction_init (&stream->dir[0]);
  direction_init (&stream->dir[1]);
  stream->transfer_syntaxes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  return stream;
}

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  g_object_unref (stream->client);
  g_object_unref (stream->server);
  direction_clear (&stream->dir[0]);
  direction_clear (&stream->dir[1]);
  g_hash_table_unref (stream->transfer_syntaxes);
  g_free (stream->end_reason);
  g_free (stream);
}

/* ---- messages ---- */

static void
record_message (DimsePcapStreams *self, Stream *stream, guint index, guint8 pc_id,
                DimseMessage *msg)
{
  dimse_recorder_record_message_at (self->recorder, stream->association_id,
                                    index == 0 ? DIMSE_TRAFFIC_DIRECTION_SENT
                                               : DIMSE_TRAFFIC_DIRECTION_RECEIVED, pc_id, msg,
                                    stream->last_timestamp);
  self->stats->n_messages++;
}

static void
command_done (DimsePcapStreams *self, Stream *stream, guint index, guint8 pc_id)
{
  Direction *d = &stream->dir[index];
  g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&d->command));
  g_autoptr(DimseMessage) msg = dimse_message_decode_command (bytes, NULL);

  d->command = g_byte_array_new ();
  if (msg == NULL)
    return;
  if (!dimse_message_has_data_set (msg))
    {
      record_message (self, stream, index, pc_id, msg);
      return;
    }
  g_clear_pointer (&d->waiting, dimse_message_unref);
  d->waiting = g_steal_pointer (&msg);
  d->waiting_pc_id = pc_id;
}

static void
data_set_done (DimsePcapStreams *self, Stream *stream, guint index)
{
  Direction *d = &stream->dir[index];
  g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&d->data_set));
  g_autoptr(DimseMessage) msg = g_steal_pointer (&d->waiting);
  const char *uid = g_hash_table_lookup (stream->transfer_syntaxes,
                                         GUINT_TO_POINTER (d->waiting_pc_id));
  const DcmTransferSyntax *ts = uid != NULL ? dcm_transfer_syntax_lookup (uid) : NULL;

  d->data_set = g_byte_array_new ();
  if (msg == NULL)
    return;
  if (ts != NULL && !d->data_set_dropped)
    dimse_message_set_encoded_data_set (msg, bytes, ts);
  d->data_set_dropped = FALSE;
  record_message (self, stream, index, d->waiting_pc_id, msg);
}

static void
take_pdv (DimsePcapStreams *self, Stream *stream, guint index, const DimsePdv *pdv)
{
  Direction *d = &stream->dir[index];
  gsize size = 0;
  const guint8 *bytes = g_bytes_get_data (pdv->fragment, &size);
  gboolean last = (pdv->message_control_header & DIMSE_PDV_LAST) != 0;

  if (pdv->message_control_header & DIMSE_PDV_COMMAND)
    {
      if (d->command->len + size > MAX_COMMAND_LENGTH)
        g_byte_array_set_size (d->command, 0);
      else
        g_byte_array_append (d->command, bytes, (guint) size);
      if (last)
        command_done (self, stream, index, pdv->presentation_context_id);
      return;
    }
  if (d->data_set->len + size > DIMSE_PCAP_MAX_DATA_SET)
    {
      d->data_set_dropped = TRUE;
      g_byte_array_set_size (d->data_set, 0);
    }
  else if (!d->data_set_dropped)
    g_byte_array_append (d->data_set, bytes, (guint) size);
  if (last)
    data_set_done (self, stream, index);
}

/* ---- PDUs ---- */

static void
remember_negotiation (Stream *stream, const DimsePdu *pdu)
{
  if (pdu->type != DIMSE_PDU_ASSOCIATE_AC)
    return;
  for (guint i = 0; i < pdu->associate->presentation_contexts->len; i++)
    {
      DimsePresentationContext *pc = pdu->associate->presentation_contexts->pdata[i];

      if (pc->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE && pc->transfer_syntaxes->len > 0)
        g_hash_table_insert (stream->transfer_syntaxes, GUINT_TO_POINTER (pc->id),
                             g_strdup (pc->transfer_syntaxes->pdata[0]));
    }
}

static void
remember_end (Stream *stream, const DimsePdu *pdu)
{
  g_autofree char *words = NULL;

  switch (pdu->type)
    {
    case DIMSE_PDU_ASSOCIATE_RJ:
      words = dimse_associate_rj_describe (&pdu->associate_rj);
      g_free (stream->end_reason);
      stream->end_reason = g_strdup_printf ("Rejected: %s", words);
      break;
    case DIMSE_PDU_RELEASE_RP:
      g_free (stream->end_reason);
      stream->end_reason = g_strdup ("Released");
      break;
    case DIMSE_PDU_ABORT:
      words = dimse_abort_describe (&pdu->abort);
      g_free (stream->end_reason);
      stream->end_reason = g_strdup_printf ("Aborted: %s", words);
      break;
    default:
      break;
    }
}

static void
begin_association (DimsePcapStreams *self, Stream *stream, const DimsePdu *pdu)
{
  const DimseAssociate *rq = pdu != NULL && pdu->type == DIMSE_PDU_ASSOCIATE_RQ
                             ? pdu->associate : NULL;

  stream->association_id =
    dimse_recorder_begin_association_at (self->recorder, stream->client, stream->server,
                                         rq != NULL ? rq->calling_ae_title : NULL,
                                         rq != NULL ? rq->called_ae_title : NULL, TRUE,
                                         stream->last_timestamp);
  self->stats->n_associations++;
}

static void
take_pdu (DimsePcapStreams *self, Stream *stream, guint index, GBytes *raw)
{
  g_autoptr(DimsePdu) pdu = NULL;

  dimse_pdu_decode (raw, NULL, &pdu, NULL);
  if (stream->association_id == 0)
    begin_association (self, stream, pdu);
  dimse_recorder_record_pdu_at (self->recorder, stream->association_id,
                                index == 0 ? DIMSE_TRAFFIC_DIRECTION_SENT
                                           : DIMSE_TRAFFIC_DIRECTION_RECEIVED, raw,
                                stream->last_timestamp);
  self->stats->n_pdus++;
  if (pdu == NULL)
    return;
  remember_negotiation (stream, pdu);
  remember_end (stream, pdu);
  if (pdu->type == DIMSE_PDU_P_DATA_TF)
    for (guint i = 0; i < pdu->pdvs->len; i++)
      take_pdv (self, stream, index, pdu->pdvs->pdata[i]);
}

/* Cuts the direction's bytes into PDUs. Bytes that cannot be a PDU
 * header (an unknown type, a length over the bound) end the direction: a
 * capture that lost bytes has no way back to a PDU boundary. */
static void
frame_pdus (DimsePcapStreams *self, Stream *stream, guint index)
{
  Direction *d = &stream->dir[index];

  while (!d->broken && d->pdu->len >= DIMSE_PDU_HEADER_LENGTH)
    {
      guint8 type = 0;
      guint32 length = 0;
      g_autoptr(GBytes) raw = NULL;
      gsize whole;

      if (!dimse_pdu_peek_header (d->pdu->data, &type, &length)
          || length > DIMSE_PCAP_MAX_PDU)
        {
          d->broken = TRUE;
          g_byte_array_set_size (d->pdu, 0);
          return;
        }
      whole = DIMSE_PDU_HEADER_LENGTH + (gsize) length;
      if (d->pdu->len < whole)
        return;
      raw = g_bytes_new (d->pdu->data, whole);
      g_byte_array_remove_range (d->pdu, 0, (guint) whole);
      take_pdu (self, stream, index, raw);
    }
}

static void
deliver (DimsePcapStreams *self, Stream *stream, guint index, const guint8 *data, gsize len)
{
  Direction *d = &stream->dir[index];

  d->next_seq += (guint32) len;
  if (d->broken || len == 0)
    return;
  g_byte_array_append (d->pdu, data, (guint) len);
  frame_pdus (self, stream, index);
}

/* Delivers what of data (starting at seq) lies at or past next_seq;
 * bytes before it were delivered already (a retransmission). */
static void
deliver_from (DimsePcapStreams *self, Stream *stream, guint index, guint32 seq,
              const guint8 *data, gsize len)
{
  gint32 behind = (gint32) (stream->dir[index].next_seq - seq);

  if (behind < 0 || (gsize) behind >= len)
    return;
  deliver (self, stream, index, data + behind, len - (gsize) behind);
}

/* Delivers the held segments that have become contiguous. */
static void
drain_held (DimsePcapStreams *self, Stream *stream, guint index)
{
  Direction *d = &stream->dir[index];
  gboolean progress = TRUE;

  while (progress)
    {
      progress = FALSE;
      for (guint i = 0; i < d->held->len; i++)
        {
          Held *held = d->held->pdata[i];
          gsize len = 0;
          const guint8 *data = g_bytes_get_data (held->data, &len);

          if ((gint32) (held->seq - d->next_seq) > 0)
            continue;
          deliver_from (self, stream, index, held->seq, data, len);
          d->held_bytes -= len;
          g_ptr_array_remove_index_fast (d->held, i);
          progress = TRUE;
          break;
        }
    }
}

/* Skips to the earliest held segment: the bytes before it were never
 * captured. The PDU under way is lost with them. */
static void
skip_gap (DimsePcapStreams *self, Stream *stream, guint index)
{
  Direction *d = &stream->dir[index];
  guint32 earliest = 0;
  gboolean found = FALSE;

  for (guint i = 0; i < d->held->len; i++)
    {
      Held *held = d->held->pdata[i];

      if (!found || (gint32) (held->seq - earliest) < 0)
        earliest = held->seq;
      found = TRUE;
    }
  if (!found)
    return;
  self->stats->n_gaps += (guint32) (earliest - d->next_seq);
  d->next_seq = earliest;
  if (d->pdu->len > 0)
    d->broken = TRUE;
  drain_held (self, stream, index);
}

static void
take_payload (DimsePcapStreams *self, Stream *stream, guint index,
              const DimsePcapSegment *seg)
{
  Direction *d = &stream->dir[index];
  gint32 ahead;

  if (!d->have_seq)
    {
      d->have_seq = TRUE;
      d->next_seq = seg->seq;
    }
  ahead = (gint32) (seg->seq - d->next_seq);
  if (ahead <= 0)
    {
      deliver_from (self, stream, index, seg->seq, seg->payload, seg->len);
      drain_held (self, stream, index);
      return;
    }
  {
    Held *held = g_new0 (Held, 1);

    held->seq = seg->seq;
    held->data = g_bytes_new (seg->payload, seg->len);
    g_ptr_array_add (d->held, held);
    d->held_bytes += seg->len;
  }
  while (d->held_bytes > DIMSE_PCAP_MAX_HELD && d->held->len > 0)
    skip_gap (self, stream, index);
}

static void
end_stream (DimsePcapStreams *self, Stream *stream)
{
  for (guint index = 0; index < 2; index++)
    while (stream->dir[index].held->len > 0)
      skip_gap (self, stream, index);
  if (stream->association_id != 0)
    dimse_recorder_end_association_at (self->recorder, stream->association_id,
                                       stream->end_reason != NULL ? stream->end_reason
                                                                  : "Connection closed",
                                       stream->last_timestamp);
}

/* ---- the table of connections ---- */

/* The connection's key: family, client address and port, server address
 * and port, whichever way the segment goes. */
static GBytes *
stream_key (const DimsePcapSegment *seg, gboolean from_client)
{
  gsize size = seg->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;
  guint8 key[1 + 2 * 16 + 4];
  const guint8 *client = from_client ? seg->src : seg->dst;
  const guint8 *server = from_client ? seg->dst : seg->src;
  guint16 client_port = from_client ? seg->src_port : seg->dst_port;
  guint16 server_port = from_client ? seg->dst_port : seg->src_port;

  key[0] = (guint8) size;
  memcpy (key + 1, client, size);
  memcpy (key + 1 + size, server, size);
  dcm_store_u16 (key + 1 + 2 * size, client_port, TRUE);
  dcm_store_u16 (key + 3 + 2 * size, server_port, TRUE);
  return g_bytes_new (key, 5 + 2 * size);
}

/* family, address and port of one end */
static GBytes *
endpoint_key (const DimsePcapSegment *seg, gboolean source)
{
  gsize size = seg->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;
  guint8 key[1 + 16 + 2];

  key[0] = (guint8) size;
  memcpy (key + 1, source ? seg->src : seg->dst, size);
  dcm_store_u16 (key + 1 + size, source ? seg->src_port : seg->dst_port, TRUE);
  return g_bytes_new (key, 3 + size);
}

/* The start of an A-ASSOCIATE-RQ (PS3.8 §9.3.2): type 01H, a reserved
 * byte, the length, protocol version 0001H. */
static gboolean
opens_association (const DimsePcapSegment *seg)
{
  return seg->len >= 10 && seg->payload[0] == 0x01 && seg->payload[1] == 0x00
         && seg->payload[6] == 0x00 && seg->payload[7] == 0x01;
}

static gboolean
is_server (DimsePcapStreams *self, const DimsePcapSegment *seg, gboolean source)
{
  guint16 port = source ? seg->src_port : seg->dst_port;
  g_autoptr(GBytes) key = NULL;

  if (self->port != 0)
    return port == self->port;
  if (port == DICOM_PORT || port == DICOM_ALT_PORT)
    return TRUE;
  key = endpoint_key (seg, source);
  if (g_hash_table_contains (self->servers, key))
    return TRUE;
  /* Any other port, once a connection to it opens with an -RQ: from there
   * on, every connection to that address and port. */
  if (!source && opens_association (seg))
    {
      g_hash_table_add (self->servers, g_steal_pointer (&key));
      return TRUE;
    }
  return FALSE;
}

DimsePcapStreams *
dimse_pcap_streams_new (DimseRecorder *recorder, guint16 port, DimsePcapImportStats *stats)
{
  DimsePcapStreams *self = g_new0 (DimsePcapStreams, 1);

  self->recorder = g_object_ref (recorder);
  self->port = port;
  self->stats = stats;
  self->streams = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                         (GDestroyNotify) g_bytes_unref, stream_free);
  self->servers = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                         (GDestroyNotify) g_bytes_unref, NULL);
  return self;
}

void
dimse_pcap_streams_add (DimsePcapStreams *self, const DimsePcapSegment *seg)
{
  gboolean from_client;
  g_autoptr(GBytes) key = NULL;
  Stream *stream;
  guint index;

  if (is_server (self, seg, FALSE))
    from_client = TRUE;
  else if (is_server (self, seg, TRUE))
    from_client = FALSE;
  else
    return;
  self->stats->n_segments++;
  index = from_client ? 0 : 1;
  key = stream_key (seg, from_client);
  stream = g_hash_table_lookup (self->streams, key);
  /* a new connection on the same ports after the last one closed */
  if (stream != NULL && (seg->flags & DIMSE_TCP_SYN) && from_client
      && (stream->dir[0].fin || stream->dir[1].fin || stream->association_id != 0))
    {
      end_stream (self, stream);
      g_hash_table_remove (self->streams, key);
      stream = NULL;
    }
  if (stream == NULL)
    {
      stream = stream_new (seg, from_client);
      g_hash_table_insert (self->streams, g_bytes_ref (key), stream);
      self->stats->n_streams++;
    }
  /* 0 would mean "now" to the recorder */
  stream->last_timestamp = MAX (seg->timestamp_us, 1);
  if (seg->flags & DIMSE_TCP_SYN)
    {
      stream->dir[index].have_seq = TRUE;
      stream->dir[index].next_seq = seg->seq + 1;
      return;
    }
  if (seg->len > 0)
    take_payload (self, stream, index, seg);
  if (seg->flags & (DIMSE_TCP_FIN | DIMSE_TCP_RST))
    stream->dir[index].fin = TRUE;
  if ((stream->dir[0].fin && stream->dir[1].fin) || (seg->flags & DIMSE_TCP_RST))
    {
      end_stream (self, stream);
      g_hash_table_remove (self->streams, key);
    }
}

void
dimse_pcap_streams_finish (DimsePcapStreams *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      end_stream (self, value);
      g_hash_table_iter_remove (&iter);
    }
}

void
dimse_pcap_streams_free (DimsePcapStreams *self)
{
  g_hash_table_unref (self->streams);
  g_hash_table_unref (self->servers);
  g_object_unref (self->recorder);
  g_free (self);
}
