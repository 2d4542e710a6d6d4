/* dimse-pcap-import-private.h — the TCP streams of an import: reassembly,
 * PDU framing and the messages the PDUs carry */
#pragma once

#include "dimse-pcap-import.h"

G_BEGIN_DECLS

#define DIMSE_TCP_RST 0x04

/* One TCP segment as the link and IP layers give it. */
typedef struct {
  GSocketFamily  family;
  const guint8  *src;            /* 4 or 16 bytes */
  const guint8  *dst;
  guint16        src_port;
  guint16        dst_port;
  guint32        seq;
  guint8         flags;          /* DIMSE_TCP_SYN … */
  const guint8  *payload;
  gsize          len;
  gint64         timestamp_us;
} DimsePcapSegment;

typedef struct _DimsePcapStreams DimsePcapStreams;

DimsePcapStreams *dimse_pcap_streams_new (DimseRecorder *recorder, guint16 port,
                                          DimsePcapImportStats *stats);
/* Segments of other ports are ignored. */
void              dimse_pcap_streams_add (DimsePcapStreams *streams,
                                          const DimsePcapSegment *segment);
/* Ends every stream still open (the capture ended), its held bytes
 * delivered across the gaps. */
void              dimse_pcap_streams_finish (DimsePcapStreams *streams);
void              dimse_pcap_streams_free (DimsePcapStreams *streams);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimsePcapStreams, dimse_pcap_streams_free)

G_END_DECLS
