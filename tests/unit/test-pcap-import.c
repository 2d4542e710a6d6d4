/* test-pcap-import.c — reading captures back into a recorder: live traffic
 * (C-ECHO and a C-STORE whose data set spans several PDUs) exported as
 * pcapng and imported gives the same PDUs and messages; segments out of
 * order, retransmitted and split across PDU boundaries; classic pcap in
 * both byte orders on Ethernet and Linux cooked links; what is not a
 * capture, a record cut short, a block of impossible length */
#include "config.h"

#include <string.h>

#include "dcm-binary.h"
#include "dcm-uids.h"
#include "dimse-echo.h"
#include "dimse-pcap-import.h"
#include "dimse-pcapng.h"
#include "dimse-pdu.h"
#include "dimse-server.h"
#include "dimse-store.h"
#include "test-util.h"
#include "test-wait.h"

#define INSTANCE "1.2.826.0.1.3680043.10.1247.320.1"

/* ---- a recorder's events as lines ---- */

/* "S|pdu|A-ASSOCIATE-RQ …" for each PDU (kind "pdu") or message. */
static char *
events_of_kind (DimseRecorder *rec, DimseTrafficKind kind)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rec)); i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (rec), i);

      if (dimse_traffic_event_get_kind (event) != kind)
        continue;
      g_string_append_printf (s, "%s|%s\n",
                              dimse_traffic_direction_to_string (
                                dimse_traffic_event_get_direction (event)),
                              dimse_traffic_event_get_summary (event));
    }
  return g_string_free (s, FALSE);
}

static gboolean
import_bytes (DimseRecorder *rec, GBytes *capture, guint16 port, DimsePcapImportStats *stats,
              GError **error)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (capture);

  return dimse_pcap_import (rec, in, port, stats, NULL, error);
}

/* ---- live traffic ---- */

typedef struct {
  gboolean closed;
} Closed;

static void
on_closed (DimseAssociation *assoc, guint reason, const char *description, gpointer user_data)
{
  ((Closed *) user_data)->closed = TRUE;
}

static void
run_store (DimseAssociation *assoc)
{
  g_autoptr(GBytes) data_set = test_util_make_ct_data_set (&dcm_ts_explicit_le, INSTANCE, 40000);
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  guint16 id = dimse_association_next_message_id (assoc);
  guint8 pc_id = dimse_negotiation_result_find_context (dimse_association_get_negotiation (assoc),
                                                        DCM_UID_CT_IMAGE_STORAGE, NULL,
                                                        DIMSE_ROLE_SCU);
  TestWaiter w = { 0 };

  rq = dimse_message_new_c_store_rq (id, DCM_UID_CT_IMAGE_STORAGE, INSTANCE,
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, &error);
  g_assert_no_error (error);
  dimse_message_set_encoded_data_set (rq, data_set, &dcm_ts_explicit_le);
  dimse_association_send_message_async (assoc, pc_id, rq, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_send_message_finish (assoc, test_waiter_wait (&w, "send"),
                                                        &error));
  test_waiter_clear (&w);
  dimse_association_receive_response_async (assoc, id, NULL, test_waiter_done, &w);
  rsp = dimse_association_receive_response_finish (assoc, test_waiter_wait (&w, "the -RSP"),
                                                   NULL, &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

/* An echo and a store recorded on the requestor's side; the storage SCP
 * takes PDUs of at most 16 KiB so the data set is cut in several. */
static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  dimse_store_scp_attach (user_data, assoc);
  dimse_echo_scp_attach (assoc);
}

static DimseRecorder *
record_live (const char *folder, guint16 *port)
{
  g_autoptr(DimseStoreScp) store = dimse_store_scp_new (folder);
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new_default ("STORE");
  g_autoptr(DimseServer) server = NULL;
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("SCU", "STORE");
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GError) error = NULL;
  DimseRecorder *rec = dimse_recorder_new ();
  TestWaiter w = { 0 };
  Closed closed = { FALSE };

  dimse_acceptor_policy_set_max_pdu_length (policy, 16384);
  server = dimse_server_new (policy, NULL);
  g_signal_connect (server, "association-started", G_CALLBACK (on_association_started), store);
  g_assert_true (dimse_server_listen (server, "127.0.0.1", 0, &error));
  *port = dimse_server_get_port (server);
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_CT_IMAGE_STORAGE, NULL,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_request_full_async (params, "127.0.0.1", *port, NULL, NULL, rec, NULL,
                                        test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_closed), &closed);

  dimse_echo_async (assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_echo_finish (assoc, test_waiter_wait (&w, "the echo"), NULL, &error));
  test_waiter_clear (&w);
  run_store (assoc);
  dimse_association_release_async (assoc, NULL, test_waiter_done, &w);
  test_waiter_wait (&w, "the release");
  test_waiter_clear (&w);
  test_wait_until (&closed.closed, "the association's end");
  dimse_server_stop (server);
  test_drain ();
  return rec;
}

static GBytes *
export_pcapng (DimseRecorder *rec)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_recorder_export_pcapng (rec, out, 0, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_round_trip (void)
{
  g_auto (TestUtilTmpdir) folder = test_util_make_tmpdir ("test-pcap-import");
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DimseRecorder) live = NULL;
  g_autoptr(DimseRecorder) imported = NULL;
  g_autoptr(DimseRecorder) elsewhere = NULL;
  g_autoptr(GBytes) capture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *live_pdus = NULL;
  g_autofree char *imported_pdus = NULL;
  g_autofree char *live_messages = NULL;
  g_autofree char *imported_messages = NULL;
  DimsePcapImportStats stats = { 0 };
  guint16 port = 0;

  g_main_context_push_thread_default (context);
  live = record_live (folder, &port);
  capture = export_pcapng (live);
  imported = dimse_recorder_new ();
  /* the requestor's recording learnt its addresses once connected, so the
   * capture has the server's real port, which port 0 finds by the
   * A-ASSOCIATE-RQ that opens the connection */
  g_assert_true (import_bytes (imported, capture, 0, &stats, &error));
  g_assert_no_error (error);
  test_drain ();
  live_pdus = events_of_kind (live, DIMSE_TRAFFIC_KIND_PDU);
  imported_pdus = events_of_kind (imported, DIMSE_TRAFFIC_KIND_PDU);
  live_messages = events_of_kind (live, DIMSE_TRAFFIC_KIND_MESSAGE);
  imported_messages = events_of_kind (imported, DIMSE_TRAFFIC_KIND_MESSAGE);
  g_assert_cmpstr (imported_pdus, ==, live_pdus);
  g_assert_cmpstr (imported_messages, ==, live_messages);
  g_assert_nonnull (strstr (live_messages, "sent|C-STORE-RQ"));
  g_assert_cmpuint (stats.n_associations, ==, 1);
  g_assert_cmpuint (stats.n_messages, ==, 4);
  g_assert_cmpuint (stats.n_gaps, ==, 0);
  /* the data set came in more than one P-DATA-TF */
  g_assert_cmpuint (stats.n_pdus, >, 8);

  /* asked for the real port, the same */
  {
    g_autoptr(DimseRecorder) by_port = dimse_recorder_new ();
    g_autofree char *by_port_pdus = NULL;

    g_assert_true (import_bytes (by_port, capture, port, &stats, &error));
    test_drain ();
    by_port_pdus = events_of_kind (by_port, DIMSE_TRAFFIC_KIND_PDU);
    g_assert_cmpstr (by_port_pdus, ==, live_pdus);
  }

  /* on another port, nothing */
  elsewhere = dimse_recorder_new ();
  g_assert_true (import_bytes (elsewhere, capture, (guint16) (port == 105 ? 106 : 105), &stats,
                               &error));
  g_assert_cmpuint (stats.n_associations, ==, 0);
  g_assert_cmpuint (stats.n_packets, >, 0);
  test_drain ();
  g_main_context_pop_thread_default (context);
}

/* ---- captures made here, segment by segment ---- */

#define CLIENT_ISN 1000u
#define SERVER_PORT 104

static GBytes *
client_stream (void)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("SCU", "ARCHIVE");
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  static const guint8 release_rq[] = { 0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  rq = dimse_negotiation_build_rq (params, NULL);
  raw = dimse_pdu_encode (rq, NULL);
  g_byte_array_append (stream, g_bytes_get_data (raw, NULL), (guint) g_bytes_get_size (raw));
  g_byte_array_append (stream, release_rq, sizeof release_rq);
  return g_byte_array_free_to_bytes (g_steal_pointer (&stream));
}

typedef struct {
  GInetSocketAddress *client;
  GInetSocketAddress *server;
  GPtrArray          *packets;   /* GBytes*: IP packets */
} Packets;

static void
packets_init (Packets *p)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  p->client = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (loopback, 50000));
  p->server = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (loopback, SERVER_PORT));
  p->packets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
packets_clear (Packets *p)
{
  g_object_unref (p->client);
  g_object_unref (p->server);
  g_ptr_array_unref (p->packets);
}

static void
add_segment (Packets *p, GBytes *stream, gsize from, gsize to, guint8 flags)
{
  const guint8 *data = g_bytes_get_data (stream, NULL);

  g_ptr_array_add (p->packets,
                   dimse_tcp_packet_new (p->client, p->server, CLIENT_ISN + 1 + (guint32) from, 1,
                                         flags, data + from, to - from));
}

static void
add_syn (Packets *p)
{
  g_ptr_array_add (p->packets, dimse_tcp_packet_new (p->client, p->server, CLIENT_ISN, 0,
                                                     DIMSE_TCP_SYN, NULL, 0));
}

static GBytes *
as_pcapng (Packets *p)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(DimsePcapngWriter) writer = NULL;

  writer = dimse_pcapng_writer_new (out, DIMSE_PCAPNG_LINKTYPE_RAW, "test", NULL, NULL);
  g_assert_nonnull (writer);
  for (guint i = 0; i < p->packets->len; i++)
    g_assert_true (dimse_pcapng_writer_add_packet (writer, 1000000 + i, p->packets->pdata[i],
                                                   NULL, NULL));
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Classic pcap: 113 is Linux cooked (16-byte header), 1 Ethernet. */
static GBytes *
as_pcap (Packets *p, guint32 linktype, gboolean big_endian)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 header[24] = { 0 };

  dcm_store_u32 (header, 0xA1B2C3D4u, big_endian);
  dcm_store_u16 (header + 4, 2, big_endian);
  dcm_store_u16 (header + 6, 4, big_endian);
  dcm_store_u32 (header + 16, 65535, big_endian);
  dcm_store_u32 (header + 20, linktype, big_endian);
  g_byte_array_append (out, header, sizeof header);
  for (guint i = 0; i < p->packets->len; i++)
    {
      gsize ip_len = 0;
      const guint8 *ip = g_bytes_get_data (p->packets->pdata[i], &ip_len);
      guint8 link[16] = { 0 };
      gsize link_len = linktype == 113 ? 16 : 14;
      guint8 record[16] = { 0 };

      if (linktype == 113)
        dcm_store_u16 (link + 14, 0x0800, TRUE);
      else
        dcm_store_u16 (link + 12, 0x0800, TRUE);
      dcm_store_u32 (record, 1700000000 + i, big_endian);
      dcm_store_u32 (record + 8, (guint32) (link_len + ip_len), big_endian);
      dcm_store_u32 (record + 12, (guint32) (link_len + ip_len), big_endian);
      g_byte_array_append (out, record, sizeof record);
      g_byte_array_append (out, link, (guint) link_len);
      g_byte_array_append (out, ip, (guint) ip_len);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static char *
import_pdus (GBytes *capture, DimsePcapImportStats *stats)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (import_bytes (rec, capture, SERVER_PORT, stats, &error));
  g_assert_no_error (error);
  return events_of_kind (rec, DIMSE_TRAFFIC_KIND_PDU);
}

/* The time of the first event an import records. */
static gint64
first_timestamp (GBytes *capture)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(DimseTrafficEvent) event = NULL;

  g_assert_true (import_bytes (rec, capture, SERVER_PORT, NULL, NULL));
  event = g_list_model_get_item (G_LIST_MODEL (rec), 0);
  return dimse_traffic_event_get_timestamp (event);
}

static const char *expected_pdus = "sent|A-ASSOCIATE-RQ SCU → ARCHIVE, 1 contexts\n"
                                   "sent|A-RELEASE-RQ\n";

/* Segments out of order, one sent twice, one overlapping the one before. */
static void
test_reassembly (void)
{
  g_autoptr(GBytes) stream = client_stream ();
  gsize n = g_bytes_get_size (stream);
  g_autoptr(GBytes) capture = NULL;
  g_autofree char *pdus = NULL;
  DimsePcapImportStats stats = { 0 };
  Packets p;

  packets_init (&p);
  add_syn (&p);
  add_segment (&p, stream, 10, 30, DIMSE_TCP_ACK);
  add_segment (&p, stream, 0, 10, DIMSE_TCP_ACK);
  add_segment (&p, stream, 0, 10, DIMSE_TCP_ACK);
  add_segment (&p, stream, 25, n - 3, DIMSE_TCP_ACK);
  add_segment (&p, stream, n - 3, n, DIMSE_TCP_ACK | DIMSE_TCP_PSH);
  capture = as_pcapng (&p);
  pdus = import_pdus (capture, &stats);
  g_assert_cmpstr (pdus, ==, expected_pdus);
  g_assert_cmpuint (stats.n_gaps, ==, 0);
  g_assert_cmpuint (stats.n_segments, ==, 6);
  g_assert_cmpuint (stats.n_associations, ==, 1);
  packets_clear (&p);
}

/* The first bytes never captured: skipped and counted; the PDU they
 * began is lost, and the stream with it. */
static void
test_gap (void)
{
  g_autoptr(GBytes) stream = client_stream ();
  gsize n = g_bytes_get_size (stream);
  g_autoptr(GBytes) capture = NULL;
  g_autofree char *pdus = NULL;
  DimsePcapImportStats stats = { 0 };
  Packets p;

  packets_init (&p);
  add_syn (&p);
  add_segment (&p, stream, 10, n, DIMSE_TCP_ACK);
  capture = as_pcapng (&p);
  pdus = import_pdus (capture, &stats);
  g_assert_cmpuint (stats.n_gaps, ==, 10);
  g_assert_cmpstr (pdus, ==, "");
  packets_clear (&p);
}

static void
test_pcap_links (void)
{
  g_autoptr(GBytes) stream = client_stream ();
  gsize n = g_bytes_get_size (stream);
  Packets p;
  const struct { guint32 linktype; gboolean big_endian; } cases[] = {
    { 1, FALSE }, { 1, TRUE }, { 113, FALSE },
  };

  packets_init (&p);
  add_syn (&p);
  add_segment (&p, stream, 0, 7, DIMSE_TCP_ACK);
  add_segment (&p, stream, 7, n, DIMSE_TCP_ACK);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) capture = as_pcap (&p, cases[i].linktype, cases[i].big_endian);
      g_autofree char *pdus = NULL;
      DimsePcapImportStats stats = { 0 };

      pdus = import_pdus (capture, &stats);
      g_assert_cmpstr (pdus, ==, expected_pdus);
      g_assert_cmpuint (stats.n_packets, ==, 3);
      g_assert_cmpint (first_timestamp (capture), ==, (gint64) 1700000002 * G_USEC_PER_SEC);
    }
  packets_clear (&p);
}

static void
expect_invalid (const void *data, gsize len, const char *words)
{
  g_autoptr(GBytes) capture = g_bytes_new (data, len);
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (import_bytes (rec, capture, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_invalid (void)
{
  static const char text[] = "this is not a capture at all";
  guint8 cut[24 + 16 + 10] = { 0 };
  static const guint8 huge_block[] = {
    0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
    6, 0, 0, 0, 0, 0, 0, 0x40,
  };

  expect_invalid (text, sizeof text, "neither a pcap nor a pcapng magic number");
  dcm_store_u32 (cut, 0xA1B2C3D4u, FALSE);
  dcm_store_u32 (cut + 20, 1, FALSE);
  dcm_store_u32 (cut + 24 + 8, 100, FALSE);
  expect_invalid (cut, sizeof cut, "ends inside a record");
  expect_invalid (huge_block, sizeof huge_block, "impossible length");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pcap-import/round-trip", test_round_trip);
  g_test_add_func ("/pcap-import/reassembly", test_reassembly);
  g_test_add_func ("/pcap-import/gap", test_gap);
  g_test_add_func ("/pcap-import/pcap-links", test_pcap_links);
  g_test_add_func ("/pcap-import/invalid", test_invalid);
  return g_test_run ();
}
