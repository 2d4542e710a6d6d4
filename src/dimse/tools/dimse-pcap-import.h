/* dimse-pcap-import.h — reading a pcap or pcapng capture of DICOM over TCP
 * (PS3.8 §9.1: PDUs on a TCP stream) back into a DimseRecorder, so that a
 * capture made elsewhere is inspected with the same views as live traffic */
#pragma once

#include <gio/gio.h>

#include "dimse-recorder.h"

G_BEGIN_DECLS

/* What an import found. */
typedef struct {
  guint64 n_packets;         /* records read from the capture */
  guint64 n_segments;        /* TCP segments to or from the port */
  guint   n_streams;         /* TCP connections seen */
  guint   n_associations;    /* of them, those begun in the recorder */
  guint64 n_pdus;
  guint64 n_messages;
  guint64 n_gaps;            /* bytes missing from the capture, skipped over */
  guint64 n_skipped;         /* packets not understood: other link types, fragments … */
} DimsePcapImportStats;

/* Limits that keep memory bounded whatever the capture says. */
#define DIMSE_PCAP_MAX_RECORD (256 * 1024)           /* a packet record or pcapng block */
#define DIMSE_PCAP_MAX_PDU ((guint32) 64 * 1024 * 1024)
#define DIMSE_PCAP_MAX_HELD (4 * 1024 * 1024)        /* out-of-order bytes held per direction */
#define DIMSE_PCAP_MAX_DATA_SET (16 * 1024 * 1024)   /* a message's data set kept to measure it */

/* Reads the capture from in (pcap with µs or ns timestamps in either byte
 * order, or pcapng) and records in recorder every TCP connection to or
 * from port (0: 104, 11112, and any address and port that a connection
 * opens with an A-ASSOCIATE-RQ: from its first data on) as an
 * association, the client as the
 * requestor: its PDUs in order, as the peers sent them (TCP streams
 * reassembled: retransmitted bytes dropped, segments out of order put in
 * place, bytes never captured skipped over and counted), and the DIMSE
 * messages they carry, as dimse_association_set_recorder records them
 * live. Link types: Ethernet (with 802.1Q tags), Linux cooked (v1, v2),
 * raw IPv4/IPv6, BSD loopback. Fails with G_IO_ERROR_INVALID_DATA naming
 * the offset when the input is not a capture or a record is cut short or
 * too large; what was recorded before stays. stats may be NULL. Runs on
 * the recorder's context or any other thread. */
gboolean dimse_pcap_import (DimseRecorder *recorder, GInputStream *in, guint16 port,
                            DimsePcapImportStats *stats, GCancellable *cancellable,
                            GError **error);
/* The same in a worker thread. */
void     dimse_pcap_import_file_async (DimseRecorder *recorder, GFile *file, guint16 port,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean dimse_pcap_import_file_finish (GAsyncResult *result, DimsePcapImportStats *stats,
                                        GError **error);

G_END_DECLS
