/* dimse-pcap-import.c — pcap and pcapng files (tcpdump.org's formats;
 * IETF draft-ietf-opsawg-pcapng), their link layers, IPv4, IPv6 and TCP,
 * down to the segments dimse-pcap-stream.c reassembles */
#include "config.h"

#include "dimse-pcap-import-private.h"

#include <string.h>

#include "dcm-binary.h"
#include "dimse-pcapng.h"

/* tcpdump.org link-layer header types */
#define LINKTYPE_NULL       0
#define LINKTYPE_ETHERNET   1
#define LINKTYPE_RAW_OPENBSD 12
#define LINKTYPE_RAW_ALT    14
#define LINKTYPE_LOOP       108
#define LINKTYPE_LINUX_SLL  113
#define LINKTYPE_IPV4       228
#define LINKTYPE_IPV6       229
#define LINKTYPE_LINUX_SLL2 276

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88A8

#define PCAP_MAGIC_US 0xA1B2C3D4u
#define PCAP_MAGIC_NS 0xA1B23C4Du
#define PCAPNG_SHB    0x0A0D0D0Au
#define PCAPNG_BOM    0x1A2B3C4Du
#define PCAPNG_IDB    1u
#define PCAPNG_PB     2u
#define PCAPNG_SPB    3u
#define PCAPNG_EPB    6u
#define PCAPNG_MAX_INTERFACES 256

#define IP_PROTOCOL_TCP 6

typedef struct {
  GInputStream         *in;
  GCancellable         *cancellable;
  guint64               offset;
  DimsePcapStreams     *streams;
  DimsePcapImportStats *stats;
  gboolean              big_endian;
  /* pcapng interfaces: link type and timestamp units per second */
  guint16               linktypes[PCAPNG_MAX_INTERFACES];
  guint64               units[PCAPNG_MAX_INTERFACES];
  guint                 n_interfaces;
} Import;

static gboolean
bad_capture (Import *im, GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "The capture is not a pcap or pcapng file DICOM can be read from: %s at "
               "byte offset %" G_GUINT64_FORMAT ".", what, im->offset);
  return FALSE;
}

/* Reads n bytes; *eof set (and TRUE returned) when the input ended
 * before the first of them. */
static gboolean
read_exact (Import *im, guint8 *buf, gsize n, gboolean *eof, GError **error)
{
  gsize got = 0;

  if (eof != NULL)
    *eof = FALSE;
  if (!g_input_stream_read_all (im->in, buf, n, &got, im->cancellable, error))
    return FALSE;
  if (got == 0 && n > 0 && eof != NULL)
    {
      *eof = TRUE;
      return TRUE;
    }
  if (got < n)
    {
      im->offset += got;
      return bad_capture (im, error, "the file ends inside a record");
    }
  im->offset += n;
  return TRUE;
}

/* ---- TCP and IP ---- */

static void
take_tcp (Import *im, DimsePcapSegment *seg, const guint8 *data, gsize len)
{
  DcmReader r;
  guint16 src_port = 0, dst_port = 0;
  guint32 seq = 0, ack = 0;
  guint8 offset = 0, flags = 0;
  gsize header;

  dcm_reader_init (&r, data, len, 0);
  if (!dcm_reader_read_u16 (&r, TRUE, &src_port, NULL)
      || !dcm_reader_read_u16 (&r, TRUE, &dst_port, NULL)
      || !dcm_reader_read_u32 (&r, TRUE, &seq, NULL)
      || !dcm_reader_read_u32 (&r, TRUE, &ack, NULL)
      || !dcm_reader_read_u8 (&r, &offset, NULL) || !dcm_reader_read_u8 (&r, &flags, NULL))
    {
      im->stats->n_skipped++;
      return;
    }
  header = (gsize) (offset >> 4) * 4;
  if (header < 20 || header > len)
    {
      im->stats->n_skipped++;
      return;
    }
  seg->src_port = src_port;
  seg->dst_port = dst_port;
  seg->seq = seq;
  seg->flags = flags;
  seg->payload = data + header;
  seg->len = len - header;
  dimse_pcap_streams_add (im->streams, seg);
}

/* len is what was captured; a datagram cut by the snapshot length lost
 * bytes the stream needs, and is skipped as a gap. */
static void
take_ipv4 (Import *im, DimsePcapSegment *seg, const guint8 *data, gsize len)
{
  gsize header = (gsize) (data[0] & 0x0f) * 4;
  guint16 total, fragment;

  if (len < 20 || header < 20 || header > len)
    {
      im->stats->n_skipped++;
      return;
    }
  total = dcm_load_u16 (data + 2, TRUE);
  fragment = dcm_load_u16 (data + 6, TRUE);
  /* RFC 791: More Fragments or a fragment offset; not reassembled */
  if (data[9] != IP_PROTOCOL_TCP || (fragment & 0x3fff) != 0 || total < header || total > len)
    {
      im->stats->n_skipped++;
      return;
    }
  seg->family = G_SOCKET_FAMILY_IPV4;
  seg->src = data + 12;
  seg->dst = data + 16;
  take_tcp (im, seg, data + header, total - header);
}

static void
take_ipv6 (Import *im, DimsePcapSegment *seg, const guint8 *data, gsize len)
{
  gsize pos = 40;
  gsize end;
  guint8 next;

  if (len < 40)
    {
      im->stats->n_skipped++;
      return;
    }
  end = 40 + (gsize) dcm_load_u16 (data + 4, TRUE);
  next = data[6];
  /* RFC 8200 §4: hop-by-hop, routing and destination options before TCP */
  while ((next == 0 || next == 43 || next == 60) && pos + 8 <= MIN (end, len))
    {
      next = data[pos];
      pos += ((gsize) data[pos + 1] + 1) * 8;
    }
  if (next != IP_PROTOCOL_TCP || end > len || pos > end)
    {
      im->stats->n_skipped++;
      return;
    }
  seg->family = G_SOCKET_FAMILY_IPV6;
  seg->src = data + 8;
  seg->dst = data + 24;
  take_tcp (im, seg, data + pos, end - pos);
}

static void
take_ip (Import *im, DimsePcapSegment *seg, const guint8 *data, gsize len)
{
  if (len >= 1 && (data[0] >> 4) == 4)
    take_ipv4 (im, seg, data, len);
  else if (len >= 1 && (data[0] >> 4) == 6)
    take_ipv6 (im, seg, data, len);
  else
    im->stats->n_skipped++;
}

/* ---- link layers ---- */

static void
take_ethertype (Import *im, DimsePcapSegment *seg, guint16 ethertype, const guint8 *data,
                gsize len)
{
  if (ethertype == ETHERTYPE_IPV4 || ethertype == ETHERTYPE_IPV6)
    take_ip (im, seg, data, len);
  else
    im->stats->n_skipped++;
}

static void
take_packet (Import *im, guint16 linktype, gint64 timestamp_us, const guint8 *data, gsize len)
{
  DimsePcapSegment seg = { .timestamp_us = timestamp_us };
  gsize pos = 12;
  guint16 ethertype;
  guint32 family;

  im->stats->n_packets++;
  switch (linktype)
    {
    case LINKTYPE_ETHERNET:
      if (len < 14)
        break;
      ethertype = dcm_load_u16 (data + 12, TRUE);
      while ((ethertype == ETHERTYPE_VLAN || ethertype == ETHERTYPE_QINQ) && pos + 6 <= len)
        {
          pos += 4;
          ethertype = dcm_load_u16 (data + pos, TRUE);
        }
      take_ethertype (im, &seg, ethertype, data + pos + 2, len - pos - 2);
      return;
    case LINKTYPE_LINUX_SLL:
      if (len < 16)
        break;
      take_ethertype (im, &seg, dcm_load_u16 (data + 14, TRUE), data + 16, len - 16);
      return;
    case LINKTYPE_LINUX_SLL2:
      if (len < 20)
        break;
      take_ethertype (im, &seg, dcm_load_u16 (data, TRUE), data + 20, len - 20);
      return;
    case DIMSE_PCAPNG_LINKTYPE_RAW:
    case LINKTYPE_RAW_OPENBSD:
    case LINKTYPE_RAW_ALT:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      take_ip (im, &seg, data, len);
      return;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      /* the protocol family in the capturing host's byte order (NULL) or
       * network order (LOOP); 2 is AF_INET, 24, 28 and 30 AF_INET6 */
      if (len < 4)
        break;
      family = MIN (dcm_load_u32 (data, FALSE), dcm_load_u32 (data, TRUE));
      if (family == 2 || family == 24 || family == 28 || family == 30)
        {
          take_ip (im, &seg, data + 4, len - 4);
          return;
        }
      break;
    default:
      break;
    }
  im->stats->n_skipped++;
}

/* ---- pcap ---- */

static gboolean
read_pcap (Import *im, guint32 magic_le, GError **error)
{
  gboolean nanoseconds = magic_le == PCAP_MAGIC_NS
                         || magic_le == GUINT32_SWAP_LE_BE (PCAP_MAGIC_NS);
  guint8 header[20];
  guint16 linktype;
  g_autofree guint8 *record = g_malloc (DIMSE_PCAP_MAX_RECORD);

  im->big_endian = magic_le == GUINT32_SWAP_LE_BE (PCAP_MAGIC_US)
                   || magic_le == GUINT32_SWAP_LE_BE (PCAP_MAGIC_NS);
  if (!read_exact (im, header, sizeof header, NULL, error))
    return FALSE;
  linktype = (guint16) (dcm_load_u32 (header + 16, im->big_endian) & 0xffff);
  for (;;)
    {
      guint8 rh[16];
      gboolean eof = FALSE;
      guint32 caplen;
      gint64 ts;

      if (!read_exact (im, rh, sizeof rh, &eof, error))
        return FALSE;
      if (eof)
        return TRUE;
      caplen = dcm_load_u32 (rh + 8, im->big_endian);
      if (caplen > DIMSE_PCAP_MAX_RECORD)
        return bad_capture (im, error, "a packet record longer than 256 KiB");
      if (!read_exact (im, record, caplen, NULL, error))
        return FALSE;
      ts = (gint64) dcm_load_u32 (rh, im->big_endian) * G_USEC_PER_SEC
           + (nanoseconds ? dcm_load_u32 (rh + 4, im->big_endian) / 1000
                          : dcm_load_u32 (rh + 4, im->big_endian));
      take_packet (im, linktype, ts, record, caplen);
      if (g_cancellable_set_error_if_cancelled (im->cancellable, error))
        return FALSE;
    }
}

/* ---- pcapng ---- */

/* if_tsresol (option 9): 10^-v, or 2^-v with the high bit set. */
static guint64
interface_units (Import *im, const guint8 *options, gsize len)
{
  gsize pos = 0;

  while (pos + 4 <= len)
    {
      guint16 code = dcm_load_u16 (options + pos, im->big_endian);
      guint16 size = dcm_load_u16 (options + pos + 2, im->big_endian);

      if (code == 0)
        break;
      if (code == 9 && size == 1 && pos + 5 <= len)
        {
          guint8 v = options[pos + 4];
          guint64 units = 1;

          for (guint i = 0; i < (guint) (v & 0x7f) && units < G_MAXUINT64 / 10; i++)
            units *= (v & 0x80) ? 2 : 10;
          return units;
        }
      pos += 4 + (((gsize) size + 3) & ~(gsize) 3);
    }
  return G_USEC_PER_SEC;
}

static gint64
to_microseconds (guint64 ticks, guint64 units)
{
  if (units == G_USEC_PER_SEC)
    return (gint64) ticks;
  return (gint64) (ticks / units * G_USEC_PER_SEC
                   + (ticks % units) * G_USEC_PER_SEC / units);
}

static void
take_block (Import *im, guint32 type, const guint8 *body, gsize len)
{
  guint32 interface = 0;
  guint64 ticks = 0;
  gsize caplen = 0;
  gsize start = 0;

  switch (type)
    {
    case PCAPNG_IDB:
      if (len < 8 || im->n_interfaces >= PCAPNG_MAX_INTERFACES)
        return;
      im->linktypes[im->n_interfaces] = dcm_load_u16 (body, im->big_endian);
      im->units[im->n_interfaces] = interface_units (im, body + 8, len - 8);
      im->n_interfaces++;
      return;
    case PCAPNG_EPB:
      if (len < 20)
        return;
      interface = dcm_load_u32 (body, im->big_endian);
      ticks = ((guint64) dcm_load_u32 (body + 4, im->big_endian) << 32)
              | dcm_load_u32 (body + 8, im->big_endian);
      caplen = dcm_load_u32 (body + 12, im->big_endian);
      start = 20;
      break;
    case PCAPNG_PB:
      if (len < 20)
        return;
      interface = dcm_load_u16 (body, im->big_endian);
      ticks = ((guint64) dcm_load_u32 (body + 4, im->big_endian) << 32)
              | dcm_load_u32 (body + 8, im->big_endian);
      caplen = dcm_load_u32 (body + 12, im->big_endian);
      start = 20;
      break;
    case PCAPNG_SPB:
      if (len < 4)
        return;
      caplen = MIN ((gsize) dcm_load_u32 (body, im->big_endian), len - 4);
      start = 4;
      break;
    default:
      return;
    }
  if (interface >= im->n_interfaces || caplen > len - start)
    {
      im->stats->n_packets++;
      im->stats->n_skipped++;
      return;
    }
  take_packet (im, im->linktypes[interface], to_microseconds (ticks, im->units[interface]),
               body + start, caplen);
}

static gboolean
read_pcapng (Import *im, GError **error)
{
  g_autofree guint8 *block = g_malloc (DIMSE_PCAP_MAX_RECORD);
  gboolean first = TRUE;

  for (;;)
    {
      guint8 header[8];
      gboolean eof = FALSE;
      guint32 type, length;

      if (first)
        {
          memcpy (header, "\x0a\x0d\x0d\x0a", 4);
          if (!read_exact (im, header + 4, 4, NULL, error))
            return FALSE;
          first = FALSE;
        }
      else
        {
          if (!read_exact (im, header, sizeof header, &eof, error))
            return FALSE;
          if (eof)
            return TRUE;
        }
      type = dcm_load_u32 (header, im->big_endian);
      if (type == PCAPNG_SHB)
        {
          guint8 bom[4];

          if (!read_exact (im, bom, 4, NULL, error))
            return FALSE;
          if (dcm_load_u32 (bom, FALSE) == PCAPNG_BOM)
            im->big_endian = FALSE;
          else if (dcm_load_u32 (bom, TRUE) == PCAPNG_BOM)
            im->big_endian = TRUE;
          else
            return bad_capture (im, error, "a pcapng section without its byte-order magic");
          im->n_interfaces = 0;
          length = dcm_load_u32 (header + 4, im->big_endian);
          if (length < 28 || length % 4 != 0 || length > DIMSE_PCAP_MAX_RECORD)
            return bad_capture (im, error, "a pcapng section header of impossible length");
          if (!read_exact (im, block, length - 12, NULL, error))
            return FALSE;
          continue;
        }
      length = dcm_load_u32 (header + 4, im->big_endian);
      if (length < 12 || length % 4 != 0 || length > DIMSE_PCAP_MAX_RECORD)
        return bad_capture (im, error, "a pcapng block of impossible length");
      if (!read_exact (im, block, length - 8, NULL, error))
        return FALSE;
      take_block (im, type, block, length - 12);
      if (g_cancellable_set_error_if_cancelled (im->cancellable, error))
        return FALSE;
    }
}

/* ---- the entry points ---- */

gboolean
dimse_pcap_import (DimseRecorder *recorder, GInputStream *in, guint16 port,
                   DimsePcapImportStats *stats, GCancellable *cancellable, GError **error)
{
  DimsePcapImportStats local_stats = { 0 };
  Import im = { 0 };
  guint8 magic[4];
  guint32 magic_le;
  gboolean ok;

  g_return_val_if_fail (DIMSE_IS_RECORDER (recorder), FALSE);
  im.in = in;
  im.cancellable = cancellable;
  im.stats = stats != NULL ? stats : &local_stats;
  memset (im.stats, 0, sizeof *im.stats);
  if (!read_exact (&im, magic, 4, NULL, error))
    return FALSE;
  magic_le = dcm_load_u32 (magic, FALSE);
  im.streams = dimse_pcap_streams_new (recorder, port, im.stats);
  if (magic_le == PCAPNG_SHB)
    ok = read_pcapng (&im, error);
  else if (magic_le == PCAP_MAGIC_US || magic_le == PCAP_MAGIC_NS
           || magic_le == GUINT32_SWAP_LE_BE (PCAP_MAGIC_US)
           || magic_le == GUINT32_SWAP_LE_BE (PCAP_MAGIC_NS))
    ok = read_pcap (&im, magic_le, error);
  else
    {
      im.offset = 0;
      ok = bad_capture (&im, error, "its first four bytes are neither a pcap nor a pcapng "
                        "magic number");
    }
  dimse_pcap_streams_finish (im.streams);
  dimse_pcap_streams_free (im.streams);
  return ok;
}

typedef struct {
  DimseRecorder        *recorder;
  GFile                *file;
  guint16               port;
  DimsePcapImportStats  stats;
} ImportFile;

static void
import_file_free (gpointer data)
{
  ImportFile *job = data;

  g_object_unref (job->recorder);
  g_object_unref (job->file);
  g_free (job);
}

static void
import_file_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ImportFile *job = task_data;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GBufferedInputStream) buffered = NULL;
  GError *error = NULL;

  in = g_file_read (job->file, cancellable, &error);
  if (in == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  buffered = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new_sized (G_INPUT_STREAM (in),
                                                                         256 * 1024));
  if (!dimse_pcap_import (job->recorder, G_INPUT_STREAM (buffered), job->port, &job->stats,
                          cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
dimse_pcap_import_file_async (DimseRecorder *recorder, GFile *file, guint16 port,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ImportFile *job = g_new0 (ImportFile, 1);

  job->recorder = g_object_ref (recorder);
  job->file = g_object_ref (file);
  job->port = port;
  g_task_set_source_tag (task, dimse_pcap_import_file_async);
  g_task_set_task_data (task, job, import_file_free);
  g_task_run_in_thread (task, import_file_thread);
}

gboolean
dimse_pcap_import_file_finish (GAsyncResult *result, DimsePcapImportStats *stats,
                               GError **error)
{
  ImportFile *job = g_task_get_task_data (G_TASK (result));

  if (stats != NULL)
    *stats = job->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
