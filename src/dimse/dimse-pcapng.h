/* dimse-pcapng.h — writing pcapng captures (IETF draft-ietf-opsawg-pcapng)
 * of synthetic IPv4/IPv6 TCP packets */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* tcpdump.org link-layer header types. */
#define DIMSE_PCAPNG_LINKTYPE_RAW 101   /* IPv4 or IPv6, by the version field */

#define DIMSE_TCP_FIN 0x01
#define DIMSE_TCP_SYN 0x02
#define DIMSE_TCP_PSH 0x08
#define DIMSE_TCP_ACK 0x10

typedef struct _DimsePcapngWriter DimsePcapngWriter;

/* Writes the Section Header Block and one Interface Description Block
 * (linktype) at once. */
DimsePcapngWriter *dimse_pcapng_writer_new (GOutputStream *out, guint16 linktype,
                                            const char *application, GCancellable *cancellable,
                                            GError **error);
/* An Enhanced Packet Block on interface 0; comment may be NULL. */
gboolean           dimse_pcapng_writer_add_packet (DimsePcapngWriter *writer,
                                                   gint64 timestamp_us, GBytes *packet,
                                                   const char *comment, GError **error);
void               dimse_pcapng_writer_free (DimsePcapngWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimsePcapngWriter, dimse_pcapng_writer_free)

/* An IP packet carrying one TCP segment from src to dst, with the IPv4
 * header checksum and the TCP checksum (RFC 793 §3.1, RFC 8200 §8.1) set.
 * Both addresses are of one family; len is at most DIMSE_TCP_MAX_PAYLOAD. */
#define DIMSE_TCP_MAX_PAYLOAD 65000
GBytes            *dimse_tcp_packet_new (GInetSocketAddress *src, GInetSocketAddress *dst,
                                         guint32 seq, guint32 ack, guint8 flags,
                                         const guint8 *payload, gsize len);
/* The Internet checksum of RFC 1071, continuing from sum. */
guint32            dimse_inet_checksum_add (guint32 sum, const guint8 *data, gsize len);
guint16            dimse_inet_checksum_fold (guint32 sum);

G_END_DECLS
