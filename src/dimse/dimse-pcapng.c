/* dimse-pcapng.c — pcapng blocks (draft-ietf-opsawg-pcapng §4) around
 * synthetic IPv4 (RFC 791) / IPv6 (RFC 8200) TCP (RFC 9293) packets */
#include "dimse-pcapng.h"
#include "dcm-binary.h"

#include <string.h>

#define BLOCK_SECTION_HEADER     0x0A0D0D0Au
#define BLOCK_INTERFACE          0x00000001u
#define BLOCK_ENHANCED_PACKET    0x00000006u
#define BYTE_ORDER_MAGIC         0x1A2B3C4Du
#define OPTION_END               0
#define OPTION_COMMENT           1
#define OPTION_SHB_USERAPPL      4

#define IPV4_HEADER_LENGTH 20
#define IPV6_HEADER_LENGTH 40
#define TCP_HEADER_LENGTH  20
#define IP_PROTOCOL_TCP    6
#define TCP_WINDOW         65535
#define IP_TTL             64

struct _DimsePcapngWriter {
  GOutputStream *out;
  GCancellable  *cancellable;
  GByteArray    *block;
};

/* ---- blocks ---- */

static void
pad4 (DcmWriter *w)
{
  dcm_writer_put_zeros (w, (4 - dcm_writer_offset (w) % 4) % 4);
}

static void
put_option (DcmWriter *w, guint16 code, const void *value, gsize len)
{
  dcm_writer_put_u16_le (w, code);
  dcm_writer_put_u16_le (w, (guint16) len);
  dcm_writer_put_bytes (w, value, len);
  pad4 (w);
}

static void
put_end_of_options (DcmWriter *w)
{
  dcm_writer_put_u16_le (w, OPTION_END);
  dcm_writer_put_u16_le (w, 0);
}

static void
begin_block (DimsePcapngWriter *writer, DcmWriter *w, guint32 type)
{
  g_byte_array_set_size (writer->block, 0);
  dcm_writer_init (w, writer->block);
  dcm_writer_put_u32_le (w, type);
  dcm_writer_put_u32_le (w, 0);
}

/* The total length appears at both ends so that readers can walk back. */
static gboolean
end_block (DimsePcapngWriter *writer, DcmWriter *w, GError **error)
{
  guint32 total = (guint32) dcm_writer_offset (w) + 4;

  dcm_writer_put_u32_le (w, total);
  dcm_writer_patch_u32 (w, 4, total, FALSE);
  return g_output_stream_write_all (writer->out, writer->block->data, writer->block->len, NULL,
                                    writer->cancellable, error);
}

static gboolean
write_headers (DimsePcapngWriter *writer, guint16 linktype, const char *application,
               GError **error)
{
  DcmWriter w;

  begin_block (writer, &w, BLOCK_SECTION_HEADER);
  dcm_writer_put_u32_le (&w, BYTE_ORDER_MAGIC);
  dcm_writer_put_u16_le (&w, 1);
  dcm_writer_put_u16_le (&w, 0);
  /* Section length -1: not given. */
  dcm_writer_put_u32_le (&w, G_MAXUINT32);
  dcm_writer_put_u32_le (&w, G_MAXUINT32);
  if (application != NULL)
    put_option (&w, OPTION_SHB_USERAPPL, application, strlen (application));
  put_end_of_options (&w);
  if (!end_block (writer, &w, error))
    return FALSE;

  /* Without if_tsresol timestamps are in microseconds, as ours are. */
  begin_block (writer, &w, BLOCK_INTERFACE);
  dcm_writer_put_u16_le (&w, linktype);
  dcm_writer_put_u16_le (&w, 0);
  dcm_writer_put_u32_le (&w, 0);
  return end_block (writer, &w, error);
}

DimsePcapngWriter *
dimse_pcapng_writer_new (GOutputStream *out, guint16 linktype, const char *application,
                         GCancellable *cancellable, GError **error)
{
  g_autoptr(DimsePcapngWriter) writer = g_new0 (DimsePcapngWriter, 1);

  writer->out = g_object_ref (out);
  writer->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  writer->block = g_byte_array_new ();
  if (!write_headers (writer, linktype, application, error))
    return NULL;
  return g_steal_pointer (&writer);
}

gboolean
dimse_pcapng_writer_add_packet (DimsePcapngWriter *writer, gint64 timestamp_us, GBytes *packet,
                                const char *comment, GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (packet, &len);
  guint64 ts = (guint64) MAX (timestamp_us, 0);
  DcmWriter w;

  begin_block (writer, &w, BLOCK_ENHANCED_PACKET);
  dcm_writer_put_u32_le (&w, 0);
  dcm_writer_put_u32_le (&w, (guint32) (ts >> 32));
  dcm_writer_put_u32_le (&w, (guint32) ts);
  dcm_writer_put_u32_le (&w, (guint32) len);
  dcm_writer_put_u32_le (&w, (guint32) len);
  dcm_writer_put_bytes (&w, data, len);
  pad4 (&w);
  if (comment != NULL)
    {
      put_option (&w, OPTION_COMMENT, comment, strlen (comment));
      put_end_of_options (&w);
    }
  return end_block (writer, &w, error);
}

void
dimse_pcapng_writer_free (DimsePcapngWriter *writer)
{
  g_clear_object (&writer->out);
  g_clear_object (&writer->cancellable);
  g_byte_array_unref (writer->block);
  g_free (writer);
}

/* ---- IP and TCP ---- */

guint32
dimse_inet_checksum_add (guint32 sum, const guint8 *data, gsize len)
{
  gsize i;

  for (i = 0; i + 1 < len; i += 2)
    sum += (guint32) ((data[i] << 8) | data[i + 1]);
  if (i < len)
    sum += (guint32) (data[i] << 8);
  while (sum >> 16)
    sum = (sum & 0xFFFF) + (sum >> 16);
  return sum;
}

guint16
dimse_inet_checksum_fold (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xFFFF) + (sum >> 16);
  return (guint16) ~sum;
}

static const guint8 *
address_bytes (GInetSocketAddress *address, gsize *len)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);

  *len = g_inet_address_get_native_size (inet);
  return g_inet_address_to_bytes (inet);
}

static void
put_ip_header (DcmWriter *w, GInetSocketAddress *src, GInetSocketAddress *dst, gsize tcp_len)
{
  gsize alen = 0;
  const guint8 *s = address_bytes (src, &alen);
  const guint8 *d = address_bytes (dst, &alen);
  gsize start = dcm_writer_offset (w);

  if (alen == 16)
    {
      dcm_writer_put_u32_be (w, 0x60000000u);
      dcm_writer_put_u16_be (w, (guint16) tcp_len);
      dcm_writer_put_u8 (w, IP_PROTOCOL_TCP);
      dcm_writer_put_u8 (w, IP_TTL);
      dcm_writer_put_bytes (w, s, 16);
      dcm_writer_put_bytes (w, d, 16);
      return;
    }
  dcm_writer_put_u8 (w, 0x45);
  dcm_writer_put_u8 (w, 0);
  dcm_writer_put_u16_be (w, (guint16) (IPV4_HEADER_LENGTH + tcp_len));
  dcm_writer_put_u16_be (w, 0);
  /* Don't Fragment: the segments are whole. */
  dcm_writer_put_u16_be (w, 0x4000);
  dcm_writer_put_u8 (w, IP_TTL);
  dcm_writer_put_u8 (w, IP_PROTOCOL_TCP);
  dcm_writer_put_u16_be (w, 0);
  dcm_writer_put_bytes (w, s, 4);
  dcm_writer_put_bytes (w, d, 4);
  dcm_store_u16 (w->buf->data + start + 10,
                 dimse_inet_checksum_fold (dimse_inet_checksum_add (0, w->buf->data + start,
                                                                    IPV4_HEADER_LENGTH)),
                 TRUE);
}

static guint32
pseudo_header_sum (GInetSocketAddress *src, GInetSocketAddress *dst, gsize tcp_len)
{
  gsize alen = 0;
  const guint8 *s = address_bytes (src, &alen);
  const guint8 *d = address_bytes (dst, &alen);
  guint32 sum = dimse_inet_checksum_add (0, s, alen);
  guint8 tail[4];

  sum = dimse_inet_checksum_add (sum, d, alen);
  /* IPv4 (RFC 9293 §3.1): zero, protocol, TCP length; IPv6 (RFC 8200
   * §8.1): the 32-bit length and the next header. In 16-bit words both
   * add up to the same sum. */
  dcm_store_u16 (tail, IP_PROTOCOL_TCP, TRUE);
  dcm_store_u16 (tail + 2, (guint16) tcp_len, TRUE);
  return dimse_inet_checksum_add (sum, tail, 4);
}

GBytes *
dimse_tcp_packet_new (GInetSocketAddress *src, GInetSocketAddress *dst, guint32 seq,
                      guint32 ack, guint8 flags, const guint8 *payload, gsize len)
{
  GByteArray *buf;
  gsize tcp_len = TCP_HEADER_LENGTH + len;
  gsize tcp_start;
  guint32 sum;
  DcmWriter w;

  g_return_val_if_fail (len <= DIMSE_TCP_MAX_PAYLOAD, NULL);
  g_return_val_if_fail (g_inet_address_get_family (g_inet_socket_address_get_address (src))
                        == g_inet_address_get_family (g_inet_socket_address_get_address (dst)),
                        NULL);
  buf = g_byte_array_sized_new ((guint) (IPV6_HEADER_LENGTH + TCP_HEADER_LENGTH + len));
  dcm_writer_init (&w, buf);
  put_ip_header (&w, src, dst, tcp_len);
  tcp_start = dcm_writer_offset (&w);
  dcm_writer_put_u16_be (&w, g_inet_socket_address_get_port (src));
  dcm_writer_put_u16_be (&w, g_inet_socket_address_get_port (dst));
  dcm_writer_put_u32_be (&w, seq);
  dcm_writer_put_u32_be (&w, (flags & DIMSE_TCP_ACK) ? ack : 0);
  dcm_writer_put_u8 (&w, (TCP_HEADER_LENGTH / 4) << 4);
  dcm_writer_put_u8 (&w, flags);
  dcm_writer_put_u16_be (&w, TCP_WINDOW);
  dcm_writer_put_u16_be (&w, 0);
  dcm_writer_put_u16_be (&w, 0);
  if (len > 0)
    dcm_writer_put_bytes (&w, payload, len);
  sum = pseudo_header_sum (src, dst, tcp_len);
  sum = dimse_inet_checksum_add (sum, buf->data + tcp_start, tcp_len);
  dcm_store_u16 (buf->data + tcp_start + 16, dimse_inet_checksum_fold (sum), TRUE);
  return g_byte_array_free_to_bytes (buf);
}
