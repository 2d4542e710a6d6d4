/* test-recorder.c — the traffic recorder: events, the ring, JSON lines and
 * the pcapng export */
#include "dimse-recorder.h"
#include "dimse-pcapng.h"
#include "dimse-pdu.h"
#include "dimse-message.h"
#include "dcm-binary.h"
#include "dcm-tags.h"
#include "test-util.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define VERIFICATION "1.2.840.10008.1.1"
#define CT_STORAGE "1.2.840.10008.5.1.4.1.1.2"
#define MR_STORAGE "1.2.840.10008.5.1.4.1.1.4"
#define IMPLICIT_LE "1.2.840.10008.1.2"
#define SCP_PORT 11112
#define SCU_PORT 50001

/* ---- building traffic ---- */

static DimsePresentationContext *
context (guint8 id, const char *abstract_syntax, const char *transfer_syntax, guint8 result)
{
  DimsePresentationContext *pc = dimse_presentation_context_new (id, abstract_syntax);

  pc->result = result;
  g_ptr_array_add (pc->transfer_syntaxes, g_strdup (transfer_syntax));
  return pc;
}

static GBytes *
encode (DimsePdu *pdu)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimsePdu) owned = pdu;
  GBytes *bytes = dimse_pdu_encode (owned, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static DimseAssociate *
new_associate (void)
{
  DimseAssociate *assoc = dimse_associate_new ();

  assoc->called_ae_title = g_strdup ("STORESCP");
  assoc->calling_ae_title = g_strdup ("DIMSEBENCH");
  assoc->user_info = dimse_user_info_new ();
  assoc->user_info->has_max_pdu_length = TRUE;
  assoc->user_info->max_pdu_length = 16384;
  assoc->user_info->implementation_class_uid = g_strdup ("1.2.3.4");
  return assoc;
}

static GBytes *
associate_rq (void)
{
  DimsePdu *pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_RQ);

  dimse_associate_free (pdu->associate);
  pdu->associate = new_associate ();
  g_ptr_array_add (pdu->associate->presentation_contexts, context (1, VERIFICATION, IMPLICIT_LE, 0));
  g_ptr_array_add (pdu->associate->presentation_contexts, context (3, CT_STORAGE, IMPLICIT_LE, 0));
  g_ptr_array_add (pdu->associate->presentation_contexts, context (5, MR_STORAGE, IMPLICIT_LE, 0));
  return encode (pdu);
}

static GBytes *
associate_ac (void)
{
  DimsePdu *pdu = dimse_pdu_new (DIMSE_PDU_ASSOCIATE_AC);
  GPtrArray *contexts;

  dimse_associate_free (pdu->associate);
  pdu->associate = new_associate ();
  contexts = pdu->associate->presentation_contexts;
  g_ptr_array_add (contexts, context (1, NULL, IMPLICIT_LE,
                                      DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE));
  g_ptr_array_add (contexts, context (3, NULL, IMPLICIT_LE,
                                      DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE));
  g_ptr_array_add (contexts, context (5, NULL, IMPLICIT_LE,
                                      DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED));
  return encode (pdu);
}

static DimseMessage *
echo_rq (guint16 message_id)
{
  g_autoptr(GError) error = NULL;
  DimseMessage *msg = dimse_message_new_c_echo_rq (message_id, VERIFICATION, &error);

  g_assert_no_error (error);
  return msg;
}

/* One P-DATA-TF PDU holding the whole command set of msg. */
static GBytes *
pdata_on (DimseMessage *msg, guint8 presentation_context_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) command = dimse_message_encode_command (msg, &error);
  g_autoptr(GPtrArray) pdus = NULL;

  g_assert_no_error (error);
  pdus = dimse_pdu_fragment_message (presentation_context_id, TRUE, command, 16384, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pdus->len, ==, 1);
  return g_bytes_ref (pdus->pdata[0]);
}

static GBytes *
pdata_of (DimseMessage *msg)
{
  return pdata_on (msg, 1);
}

/* A P-DATA-TF of one data set PDV of n bytes. */
static GBytes *
big_pdata (gsize n)
{
  g_autoptr(GError) error = NULL;
  guint8 *data = g_malloc (n);
  g_autoptr(GBytes) data_set = NULL;
  g_autoptr(GPtrArray) pdus = NULL;

  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (i * 7);
  data_set = g_bytes_new_take (data, n);
  pdus = dimse_pdu_fragment_message (3, FALSE, data_set, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pdus->len, ==, 1);
  return g_bytes_ref (pdus->pdata[0]);
}

static GBytes *
simple_pdu (DimsePduType type)
{
  return encode (dimse_pdu_new (type));
}

/* A P-DATA-TF whose PDV item claims more bytes than the PDU holds. */
static GBytes *
malformed_pdu (void)
{
  static const guint8 bytes[] = {
    0x04, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x40, 0x01, 0x03,
  };
  return g_bytes_new_static (bytes, sizeof bytes);
}

static GInetSocketAddress *
address (const char *host, guint16 port)
{
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string (host, port));
}

static guint
begin (DimseRecorder *rec, const char *host)
{
  g_autoptr(GInetSocketAddress) local = address (host, SCU_PORT);
  g_autoptr(GInetSocketAddress) peer = address (host, SCP_PORT);

  return dimse_recorder_begin_association (rec, local, peer, "DIMSEBENCH", "STORESCP", TRUE);
}

static void
record (DimseRecorder *rec, guint id, DimseTrafficDirection direction, GBytes *pdu)
{
  g_autoptr(GBytes) owned = pdu;

  dimse_recorder_record_pdu (rec, id, direction, owned);
}

/* A whole C-ECHO association as the requestor sees it; returns its id. */
static guint
record_echo_association (DimseRecorder *rec, const char *host)
{
  g_autoptr(DimseMessage) rq = echo_rq (7);
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (rq, 0x0000);
  guint id = begin (rec, host);

  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, associate_rq ());
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, associate_ac ());
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, pdata_of (rq));
  dimse_recorder_record_message (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, 1, rq);
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, pdata_of (rsp));
  dimse_recorder_record_message (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 1, rsp);
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, simple_pdu (DIMSE_PDU_RELEASE_RQ));
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, simple_pdu (DIMSE_PDU_RELEASE_RP));
  dimse_recorder_end_association (rec, id, "released");
  return id;
}

/* A C-STORE of a 150 kB data set: one element of implicit VR Little
 * Endian, so that a dissector can read it. */
static void
record_store_association (DimseRecorder *rec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseMessage) rq = dimse_message_new_c_store_rq (1, CT_STORAGE, "1.2.3.4.5",
                                                             DIMSE_PRIORITY_MEDIUM, NULL, 0,
                                                             &error);
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GBytes) command = NULL;
  g_autoptr(GBytes) data_set = NULL;
  g_autoptr(GPtrArray) command_pdus = NULL;
  g_autoptr(GPtrArray) data_pdus = NULL;
  gsize n = 150000;
  guint8 *bytes = g_malloc0 (n + 8);
  guint id = begin (rec, "127.0.0.1");

  g_assert_no_error (error);
  dcm_store_u16 (bytes, 0x7FE0, FALSE);
  dcm_store_u16 (bytes + 2, 0x0010, FALSE);
  dcm_store_u32 (bytes + 4, (guint32) n, FALSE);
  data_set = g_bytes_new_take (bytes, n + 8);
  dimse_message_set_us (rq, DCM_TAG_COMMAND_DATA_SET_TYPE, DIMSE_DATA_SET_PRESENT);
  command = dimse_message_encode_command (rq, &error);
  g_assert_no_error (error);
  command_pdus = dimse_pdu_fragment_message (3, TRUE, command, 0, &error);
  g_assert_no_error (error);
  data_pdus = dimse_pdu_fragment_message (3, FALSE, data_set, 0, &error);
  g_assert_no_error (error);
  rsp = dimse_message_new_response (rq, 0x0000);
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, associate_rq ());
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, associate_ac ());
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, command_pdus->pdata[0]);
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, data_pdus->pdata[0]);
  dimse_recorder_record_message (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, 3, rq);
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, pdata_on (rsp, 3));
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, simple_pdu (DIMSE_PDU_RELEASE_RQ));
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, simple_pdu (DIMSE_PDU_RELEASE_RP));
  dimse_recorder_end_association (rec, id, "released");
}

static DimseTrafficEvent *
item (DimseRecorder *rec, guint position)
{
  DimseTrafficEvent *event = g_list_model_get_item (G_LIST_MODEL (rec), position);

  g_assert_nonnull (event);
  /* The model holds a reference; the test need not. */
  g_object_unref (event);
  return event;
}

typedef struct {
  guint n_signals;
  guint added;
  guint removed;
  guint last_position;
} ItemsChanged;

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added,
                  ItemsChanged *counts)
{
  counts->n_signals++;
  counts->added += added;
  counts->removed += removed;
  counts->last_position = position;
}

/* ---- events ---- */

static void
test_events_summaries (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  guint id = record_echo_association (rec, "127.0.0.1");
  struct {
    DimseTrafficKind kind;
    DimseTrafficDirection direction;
    guint8 pdu_type;
    const char *summary;
  } expected[] = {
    { DIMSE_TRAFFIC_KIND_NOTE, DIMSE_TRAFFIC_DIRECTION_NONE, 0,
      "Association 1 begun as requestor, DIMSEBENCH → STORESCP" },
    { DIMSE_TRAFFIC_KIND_PDU, DIMSE_TRAFFIC_DIRECTION_SENT, DIMSE_PDU_ASSOCIATE_RQ,
      "A-ASSOCIATE-RQ DIMSEBENCH → STORESCP, 3 contexts" },
    { DIMSE_TRAFFIC_KIND_PDU, DIMSE_TRAFFIC_DIRECTION_RECEIVED, DIMSE_PDU_ASSOCIATE_AC,
      "A-ASSOCIATE-AC STORESCP → DIMSEBENCH, 2 of 3 contexts accepted" },
    { DIMSE_TRAFFIC_KIND_PDU, DIMSE_TRAFFIC_DIRECTION_SENT, DIMSE_PDU_P_DATA_TF, NULL },
    { DIMSE_TRAFFIC_KIND_MESSAGE, DIMSE_TRAFFIC_DIRECTION_SENT, 0,
      "C-ECHO-RQ msg 7, Verification SOP Class" },
    { DIMSE_TRAFFIC_KIND_PDU, DIMSE_TRAFFIC_DIRECTION_RECEIVED, DIMSE_PDU_P_DATA_TF, NULL },
    { DIMSE_TRAFFIC_KIND_MESSAGE, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 0,
      "C-ECHO-RSP Success (0x0000) msg 7" },
    { DIMSE_TRAFFIC_KIND_PDU, DIMSE_TRAFFIC_DIRECTION_SENT, DIMSE_PDU_RELEASE_RQ,
      "A-RELEASE-RQ" },
    { DIMSE_TRAFFIC_KIND_PDU, DIMSE_TRAFFIC_DIRECTION_RECEIVED, DIMSE_PDU_RELEASE_RP,
      "A-RELEASE-RP" },
    { DIMSE_TRAFFIC_KIND_NOTE, DIMSE_TRAFFIC_DIRECTION_NONE, 0,
      "Association 1 ended: released" },
  };

  g_assert_cmpuint (id, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, G_N_ELEMENTS (expected));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (rec)) == DIMSE_TYPE_TRAFFIC_EVENT);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      DimseTrafficEvent *event = item (rec, i);

      g_test_message ("event %u: %s", i, dimse_traffic_event_get_summary (event));
      g_assert_cmpuint (dimse_traffic_event_get_association_id (event), ==, id);
      g_assert_cmpint (dimse_traffic_event_get_kind (event), ==, expected[i].kind);
      g_assert_cmpint (dimse_traffic_event_get_direction (event), ==, expected[i].direction);
      g_assert_cmpuint (dimse_traffic_event_get_pdu_type (event), ==, expected[i].pdu_type);
      g_assert_false (dimse_traffic_event_get_malformed (event));
      g_assert_cmpint (dimse_traffic_event_get_timestamp (event), >, 0);
      if (expected[i].summary != NULL)
        g_assert_cmpstr (dimse_traffic_event_get_summary (event), ==, expected[i].summary);
      g_assert_nonnull (dimse_traffic_event_get_details (event));
      g_assert_true ((dimse_traffic_event_get_raw_bytes (event) != NULL)
                     == (expected[i].kind == DIMSE_TRAFFIC_KIND_PDU));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (rec), G_N_ELEMENTS (expected)));
}

static void
test_events_pdu_fields (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(DimseMessage) rq = echo_rq (7);
  g_autoptr(GBytes) pdata = pdata_of (rq);
  guint id = begin (rec, "127.0.0.1");
  DimseTrafficEvent *event;
  g_autofree char *summary = NULL;

  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, associate_rq ());
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, associate_ac ());
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, pdata);

  /* The -AC names what each context ID stood for in the -RQ. */
  event = item (rec, 2);
  g_assert_nonnull (strstr (dimse_traffic_event_get_details (event),
                            "presentation context 1 Verification SOP Class: Acceptance, "
                            "Implicit VR Little Endian"));
  g_assert_nonnull (strstr (dimse_traffic_event_get_details (event),
                            "presentation context 5 MR Image Storage: Abstract Syntax Not "
                            "Supported"));

  event = item (rec, 3);
  summary = g_strdup_printf ("P-DATA-TF context 1, command, last fragment, %" G_GSIZE_FORMAT
                             " bytes", g_bytes_get_size (pdata) - 12);
  g_assert_cmpstr (dimse_traffic_event_get_summary (event), ==, summary);
  g_assert_cmpuint (dimse_traffic_event_get_length (event), ==, g_bytes_get_size (pdata));
  g_assert_true (g_bytes_equal (dimse_traffic_event_get_raw_bytes (event), pdata));
}

static void
test_events_message_fields (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseMessage) rq = dimse_message_new_c_find_rq (3, "1.2.840.10008.5.1.4.1.2.2.1",
                                                            DIMSE_PRIORITY_MEDIUM, &error);
  g_autoptr(DimseMessage) rsp = NULL;
  DimseTrafficEvent *event;

  g_assert_no_error (error);
  rsp = dimse_message_new_response (rq, 0xFF00);
  dimse_recorder_record_message (rec, 9, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 5, rsp);
  event = item (rec, 0);
  g_assert_cmpstr (dimse_traffic_event_get_summary (event), ==,
                   "C-FIND-RSP Pending: Matches Are Continuing (0xFF00) msg 3");
  g_assert_cmpuint (dimse_traffic_event_get_association_id (event), ==, 9);
  g_assert_cmpuint (dimse_traffic_event_get_command_field (event), ==, DIMSE_C_FIND_RSP);
  g_assert_cmpuint (dimse_traffic_event_get_message_id (event), ==, 3);
  g_assert_true (dimse_traffic_event_get_has_status (event));
  g_assert_cmpuint (dimse_traffic_event_get_status (event), ==, 0xFF00);
  g_assert_cmpuint (dimse_traffic_event_get_presentation_context_id (event), ==, 5);
  g_assert_cmpuint (dimse_traffic_event_get_length (event), >, 0);
  g_assert_nonnull (strstr (dimse_traffic_event_get_details (event),
                            "Message ID Being Responded To (0000,0120)"));
  g_assert_nonnull (strstr (dimse_traffic_event_get_details (event), "status: "));
}

static void
test_events_abort_and_malformed (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  guint id = begin (rec, "127.0.0.1");
  DimseTrafficEvent *event;
  guint pdu_type = 0;

  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, malformed_pdu ());
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT,
          encode (dimse_pdu_new_abort (DIMSE_ABORT_SOURCE_SERVICE_PROVIDER,
                                       DIMSE_ABORT_REASON_UNEXPECTED_PDU)));
  record (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED,
          encode (dimse_pdu_new_associate_rj (DIMSE_RJ_RESULT_PERMANENT,
                                              DIMSE_RJ_SOURCE_SERVICE_USER,
                                              DIMSE_RJ_REASON_CALLED_AE_TITLE_NOT_RECOGNIZED)));

  event = item (rec, 1);
  g_assert_true (dimse_traffic_event_get_malformed (event));
  g_assert_cmpint (dimse_traffic_event_get_direction (event), ==,
                   DIMSE_TRAFFIC_DIRECTION_RECEIVED);
  g_assert_cmpuint (dimse_traffic_event_get_pdu_type (event), ==, DIMSE_PDU_P_DATA_TF);
  g_assert_true (g_str_has_prefix (dimse_traffic_event_get_summary (event),
                                   "Malformed P-DATA-TF (12 bytes): "));
  g_assert_nonnull (strstr (dimse_traffic_event_get_details (event),
                            "04 00 00 00 00 06 00 00 00 40 01 03"));
  g_assert_nonnull (dimse_traffic_event_get_raw_bytes (event));
  g_object_get (event, "pdu-type", &pdu_type, NULL);
  g_assert_cmpuint (pdu_type, ==, DIMSE_PDU_P_DATA_TF);

  g_assert_cmpstr (dimse_traffic_event_get_summary (item (rec, 2)), ==,
                   "A-ABORT Service Provider, Unexpected PDU");
  g_assert_cmpstr (dimse_traffic_event_get_summary (item (rec, 3)), ==,
                   "A-ASSOCIATE-RJ Rejected Permanent, Service User, "
                   "Called AE Title Not Recognized");
}

/* ---- the model and the ring ---- */

static void
test_model_items_changed (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  ItemsChanged counts = { 0 };

  g_signal_connect (rec, "items-changed", G_CALLBACK (on_items_changed), &counts);
  record_echo_association (rec, "127.0.0.1");
  g_assert_cmpuint (counts.n_signals, ==, 10);
  g_assert_cmpuint (counts.added, ==, 10);
  g_assert_cmpuint (counts.removed, ==, 0);
  g_assert_cmpuint (counts.last_position, ==, 9);

  dimse_recorder_clear (rec);
  g_assert_cmpuint (counts.removed, ==, 10);
  g_assert_cmpuint (counts.last_position, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, 0);
  g_assert_cmpuint (dimse_recorder_get_raw_bytes_held (rec), ==, 0);
}

static void
on_notify (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_ring_raw_budget (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GBytes) pdu = simple_pdu (DIMSE_PDU_RELEASE_RQ);
  gsize size = g_bytes_get_size (pdu);
  guint n_notified = 0;

  g_assert_cmpuint (dimse_recorder_get_max_raw_bytes (rec), ==, 64 * 1024 * 1024);
  dimse_recorder_set_max_raw_bytes (rec, 2 * size);
  for (guint i = 0; i < 5; i++)
    {
      dimse_recorder_record_pdu (rec, 1, DIMSE_TRAFFIC_DIRECTION_SENT, pdu);
      if (i == 0)
        g_signal_connect (item (rec, 0), "notify::raw-bytes", G_CALLBACK (on_notify),
                          &n_notified);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, 5);
  g_assert_cmpuint (dimse_recorder_get_raw_bytes_held (rec), ==, 2 * size);
  for (guint i = 0; i < 5; i++)
    {
      DimseTrafficEvent *event = item (rec, i);
      g_assert_true ((dimse_traffic_event_get_raw_bytes (event) == NULL) == (i < 3));
      g_assert_cmpstr (dimse_traffic_event_get_summary (event), ==, "A-RELEASE-RQ");
      g_assert_cmpuint (dimse_traffic_event_get_length (event), ==, size);
    }
  g_assert_cmpuint (n_notified, ==, 1);

  /* Lowering the budget drops more at once; one PDU over it keeps none. */
  dimse_recorder_set_max_raw_bytes (rec, size - 1);
  g_assert_cmpuint (dimse_recorder_get_raw_bytes_held (rec), ==, 0);
  g_assert_null (dimse_traffic_event_get_raw_bytes (item (rec, 4)));
}

static void
test_ring_max_events (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GBytes) pdu = simple_pdu (DIMSE_PDU_RELEASE_RP);
  ItemsChanged counts = { 0 };
  guint n_notified = 0;

  g_assert_cmpuint (dimse_recorder_get_max_events (rec), ==, 100000);
  dimse_recorder_set_max_events (rec, 3);
  g_signal_connect (rec, "items-changed", G_CALLBACK (on_items_changed), &counts);
  for (guint i = 1; i <= 200; i++)
    dimse_recorder_record_pdu (rec, i, DIMSE_TRAFFIC_DIRECTION_RECEIVED, pdu);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, 3);
  g_assert_cmpuint (counts.added, ==, 200);
  g_assert_cmpuint (counts.removed, ==, 197);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (dimse_traffic_event_get_association_id (item (rec, i)), ==, 198 + i);
  g_assert_cmpuint (dimse_recorder_get_raw_bytes_held (rec), ==, 3 * g_bytes_get_size (pdu));

  g_signal_connect (rec, "notify::max-events", G_CALLBACK (on_notify), &n_notified);
  g_object_set (rec, "max-events", 1, NULL);
  g_object_set (rec, "max-events", 1, NULL);
  g_assert_cmpuint (n_notified, ==, 1);
  g_assert_cmpuint (dimse_recorder_get_max_events (rec), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, 1);
  g_assert_cmpuint (counts.removed, ==, 199);
  g_assert_cmpuint (dimse_traffic_event_get_association_id (item (rec, 0)), ==, 200);
  g_assert_cmpuint (dimse_recorder_get_raw_bytes_held (rec), ==, g_bytes_get_size (pdu));
}

static gpointer
record_from_thread (gpointer data)
{
  DimseRecorder *rec = data;
  guint id = begin (rec, "127.0.0.1");

  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, associate_rq ());
  return GUINT_TO_POINTER (id);
}

static void
test_thread_marshalling (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DimseRecorder) rec = NULL;
  ItemsChanged counts = { 0 };
  GThread *thread;
  guint id;

  g_main_context_push_thread_default (context);
  rec = dimse_recorder_new ();
  g_signal_connect (rec, "items-changed", G_CALLBACK (on_items_changed), &counts);
  thread = g_thread_new ("recorder-test", record_from_thread, rec);
  id = GPOINTER_TO_UINT (g_thread_join (thread));
  g_assert_cmpuint (id, ==, 1);
  /* Nothing changes until the recorder's context runs. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, 0);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, 2);
  g_assert_cmpuint (counts.added, ==, 2);
  g_assert_cmpstr (dimse_traffic_event_get_summary (item (rec, 1)), ==,
                   "A-ASSOCIATE-RQ DIMSEBENCH → STORESCP, 3 contexts");
  g_clear_object (&rec);
  g_main_context_pop_thread_default (context);
}

/* ---- JSON lines ---- */

static GBytes *
export (DimseRecorder *rec, guint association_id, gboolean pcapng)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (pcapng)
    ok = dimse_recorder_export_pcapng (rec, out, association_id, NULL, &error);
  else
    ok = dimse_recorder_export_jsonl (rec, out, association_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_export_jsonl (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  guint first = record_echo_association (rec, "127.0.0.1");
  guint second = record_echo_association (rec, "127.0.0.1");
  g_autoptr(GBytes) all = export (rec, 0, FALSE);
  g_autoptr(GBytes) one = export (rec, second, FALSE);
  g_autofree char *text = g_strndup (g_bytes_get_data (one, NULL), g_bytes_get_size (one));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_cmpuint (first, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (all), >, 2 * g_bytes_get_size (one) - 64);
  g_assert_cmpuint (g_strv_length (lines), ==, 11);
  g_assert_cmpstr (lines[10], ==, "");
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      DimseTrafficEvent *event = item (rec, 10 + i);
      JsonObject *o;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_int_member (o, "association"), ==, second);
      g_assert_cmpstr (json_object_get_string_member (o, "summary"), ==,
                       dimse_traffic_event_get_summary (event));
      g_assert_cmpstr (json_object_get_string_member (o, "details"), ==,
                       dimse_traffic_event_get_details (event));
      g_assert_cmpint (json_object_get_int_member (o, "timestamp_us"), ==,
                       dimse_traffic_event_get_timestamp (event));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "time"), "Z"));
      g_assert_cmpstr (json_object_get_string_member (o, "direction"), ==,
                       dimse_traffic_direction_to_string (dimse_traffic_event_get_direction (event)));
      if (dimse_traffic_event_get_kind (event) == DIMSE_TRAFFIC_KIND_PDU)
        {
          gsize n = 0;
          g_autofree guint8 *raw = g_base64_decode (json_object_get_string_member (o, "raw"), &n);
          g_autoptr(GBytes) decoded = g_bytes_new (raw, n);

          g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "pdu");
          g_assert_cmpstr (json_object_get_string_member (o, "pdu_type_name"), ==,
                           dimse_pdu_type_to_string (dimse_traffic_event_get_pdu_type (event)));
          g_assert_true (g_bytes_equal (decoded, dimse_traffic_event_get_raw_bytes (event)));
          g_assert_cmpint (json_object_get_int_member (o, "length"), ==, n);
        }
      else if (dimse_traffic_event_get_kind (event) == DIMSE_TRAFFIC_KIND_MESSAGE)
        {
          g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "message");
          g_assert_cmpint (json_object_get_int_member (o, "message_id"), ==, 7);
          g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "command"),
                                           "C-ECHO-"));
        }
    }
  g_assert_nonnull (strstr (lines[6], "\"status_meaning\":\"Success\""));
}

static void
test_export_jsonl_dropped (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  dimse_recorder_set_max_raw_bytes (rec, 0);
  record (rec, 4, DIMSE_TRAFFIC_DIRECTION_SENT, simple_pdu (DIMSE_PDU_RELEASE_RQ));
  out = export (rec, 0, FALSE);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (out, NULL),
                                             (gssize) g_bytes_get_size (out), NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_has_member (o, "raw"));
  g_assert_true (json_object_get_boolean_member (o, "raw_dropped"));
  g_assert_cmpint (json_object_get_int_member (o, "length"), ==, 10);
}

/* ---- pcapng: a reader written from the format, independent of the
 * writer ---- */

typedef struct {
  gint64   timestamp;
  gboolean ipv6;
  guint16  src_port;
  guint16  dst_port;
  guint32  seq;
  guint32  ack;
  guint8   flags;
  GBytes  *payload;
  char    *comment;
} Packet;

static void
packet_free (Packet *p)
{
  g_bytes_unref (p->payload);
  g_free (p->comment);
  g_free (p);
}

static guint16
checksum (const guint8 *a, gsize a_len, const guint8 *b, gsize b_len)
{
  guint64 sum = 0;

  for (gsize i = 0; i < a_len; i += 2)
    sum += (guint64) (a[i] << 8 | a[i + 1]);
  for (gsize i = 0; i < b_len; i++)
    sum += (i % 2 == 0) ? (guint64) b[i] << 8 : b[i];
  while (sum >> 16)
    sum = (sum & 0xFFFF) + (sum >> 16);
  return (guint16) ~sum;
}

/* Checks the IP and TCP headers and their checksums. */
static Packet *
parse_ip_tcp (const guint8 *data, gsize len)
{
  Packet *p = g_new0 (Packet, 1);
  guint8 pseudo[40];
  gsize pseudo_len;
  gsize ip_len;
  const guint8 *tcp;
  gsize tcp_len;

  g_assert_cmpuint (len, >=, 40);
  p->ipv6 = (data[0] >> 4) == 6;
  if (p->ipv6)
    {
      ip_len = 40;
      g_assert_cmpuint (dcm_load_u16 (data + 4, TRUE), ==, len - 40);
      g_assert_cmpuint (data[6], ==, 6);
      memcpy (pseudo, data + 8, 32);
      pseudo_len = 32;
    }
  else
    {
      g_assert_cmpuint (data[0], ==, 0x45);
      ip_len = 20;
      g_assert_cmpuint (dcm_load_u16 (data + 2, TRUE), ==, len);
      g_assert_cmpuint (data[9], ==, 6);
      g_assert_cmpuint (checksum (data, 20, NULL, 0), ==, 0);
      memcpy (pseudo, data + 12, 8);
      pseudo_len = 8;
    }
  tcp = data + ip_len;
  tcp_len = len - ip_len;
  pseudo[pseudo_len++] = 0;
  pseudo[pseudo_len++] = 6;
  pseudo[pseudo_len++] = (guint8) (tcp_len >> 8);
  pseudo[pseudo_len++] = (guint8) tcp_len;
  g_assert_cmpuint (checksum (pseudo, pseudo_len, tcp, tcp_len), ==, 0);
  g_assert_cmpuint (tcp[12] >> 4, ==, 5);
  p->src_port = dcm_load_u16 (tcp, TRUE);
  p->dst_port = dcm_load_u16 (tcp + 2, TRUE);
  p->seq = dcm_load_u32 (tcp + 4, TRUE);
  p->ack = dcm_load_u32 (tcp + 8, TRUE);
  p->flags = tcp[13];
  p->payload = g_bytes_new (tcp + 20, tcp_len - 20);
  return p;
}

static const guint8 *
read_n (DcmReader *r, gsize n)
{
  const guint8 *p = NULL;

  g_assert_true (dcm_reader_read_bytes (r, n, &p, NULL));
  return p;
}

static guint32
read_u32 (DcmReader *r)
{
  return dcm_load_u32 (read_n (r, 4), FALSE);
}

static char *
parse_comment (const guint8 *options, gsize len)
{
  DcmReader r;
  char *comment = NULL;

  dcm_reader_init (&r, options, len, 0);
  while (dcm_reader_remaining (&r) >= 4)
    {
      guint16 code = dcm_load_u16 (read_n (&r, 2), FALSE);
      guint16 n = dcm_load_u16 (read_n (&r, 2), FALSE);
      const guint8 *value = read_n (&r, (n + 3u) & ~3u);

      if (code == 0)
        break;
      if (code == 1)
        comment = g_strndup ((const char *) value, n);
    }
  return comment;
}

/* Walks the blocks: SHB, IDB (raw IP), then EPBs; returns Packet*. */
static GPtrArray *
parse_pcapng (GBytes *file)
{
  GPtrArray *packets = g_ptr_array_new_with_free_func ((GDestroyNotify) packet_free);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (file, &size);
  DcmReader r;
  guint n_blocks = 0;

  dcm_reader_init (&r, data, size, 0);
  while (dcm_reader_remaining (&r) > 0)
    {
      gsize start = r.pos;
      guint32 type = read_u32 (&r);
      guint32 total = read_u32 (&r);
      DcmReader body;

      g_assert_cmpuint (total % 4, ==, 0);
      g_assert_cmpuint (total, >=, 12);
      dcm_reader_init (&body, read_n (&r, total - 12), total - 12, 0);
      g_assert_cmpuint (read_u32 (&r), ==, total);
      g_assert_cmpuint (r.pos - start, ==, total);
      if (n_blocks == 0)
        {
          g_assert_cmphex (type, ==, 0x0A0D0D0A);
          g_assert_cmphex (read_u32 (&body), ==, 0x1A2B3C4D);
          g_assert_cmpuint (read_u32 (&body), ==, 1);
        }
      else if (n_blocks == 1)
        {
          g_assert_cmphex (type, ==, 1);
          g_assert_cmpuint (dcm_load_u16 (read_n (&body, 2), FALSE), ==, 101);
        }
      else
        {
          guint32 caplen, origlen;
          guint64 ts;
          Packet *p;

          g_assert_cmphex (type, ==, 6);
          g_assert_cmpuint (read_u32 (&body), ==, 0);
          ts = (guint64) read_u32 (&body) << 32;
          ts |= read_u32 (&body);
          caplen = read_u32 (&body);
          origlen = read_u32 (&body);
          g_assert_cmpuint (caplen, ==, origlen);
          p = parse_ip_tcp (read_n (&body, caplen), caplen);
          read_n (&body, (4 - caplen % 4) % 4);
          p->timestamp = (gint64) ts;
          p->comment = parse_comment (dcm_reader_peek (&body), dcm_reader_remaining (&body));
          g_ptr_array_add (packets, p);
        }
      n_blocks++;
    }
  g_assert_cmpuint (n_blocks, >=, 2);
  return packets;
}

/* Follows one TCP connection (from packet first on): the handshake, each
 * segment's sequence number continuing its side's, each ACK the other
 * side's next, and the FIN exchange when closed. Collects what each side
 * sent; returns the index after the connection. */
static guint
follow_stream (GPtrArray *packets, guint first, guint16 client_port, gboolean closed,
               GByteArray *from_client, GByteArray *from_server)
{
  guint32 next[2];
  guint i = first;
  Packet *p = packets->pdata[i];

  g_assert_cmpuint (p->flags, ==, 0x02);
  g_assert_cmpuint (p->src_port, ==, client_port);
  next[0] = p->seq;
  next[1] = ((Packet *) packets->pdata[i + 1])->seq;
  for (; i < packets->len; i++)
    {
      guint side;
      gsize n = 0;
      const guint8 *data;

      p = packets->pdata[i];
      if (p->src_port != client_port && p->dst_port != client_port)
        continue;
      side = p->src_port == client_port ? 0 : 1;
      data = g_bytes_get_data (p->payload, &n);
      g_assert_cmphex (p->seq, ==, next[side]);
      if (p->flags & 0x10)
        g_assert_cmphex (p->ack, ==, next[1 - side]);
      next[side] += (guint32) n + ((p->flags & 0x03) ? 1 : 0);
      g_byte_array_append (side == 0 ? from_client : from_server, data, (guint) n);
      if (closed && (p->flags & 0x01) && side == 1)
        {
          p = packets->pdata[++i];
          g_assert_cmpuint (p->flags, ==, 0x10);
          g_assert_cmphex (p->seq, ==, next[0]);
          return i + 1;
        }
    }
  g_assert_false (closed);
  return i;
}

static void
append_pdu (GByteArray *a, GBytes *pdu)
{
  g_byte_array_append (a, g_bytes_get_data (pdu, NULL), (guint) g_bytes_get_size (pdu));
}

/* What each side of the recorded association sent, from its raw PDUs. */
static void
expected_streams (DimseRecorder *rec, guint association_id, GByteArray *sent,
                  GByteArray *received)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rec)); i++)
    {
      DimseTrafficEvent *event = item (rec, i);
      GBytes *raw = dimse_traffic_event_get_raw_bytes (event);

      if (raw == NULL || dimse_traffic_event_get_association_id (event) != association_id)
        continue;
      append_pdu (dimse_traffic_event_get_direction (event) == DIMSE_TRAFFIC_DIRECTION_SENT
                  ? sent : received, raw);
    }
}

static void
assert_arrays_equal (GByteArray *a, GByteArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpmem (a->data, a->len, b->data, b->len);
}

static void
test_export_pcapng_structure (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  guint first = record_echo_association (rec, "127.0.0.1");
  guint second = record_echo_association (rec, "127.0.0.1");
  g_autoptr(GBytes) file = export (rec, first, TRUE);
  g_autoptr(GPtrArray) packets = parse_pcapng (file);
  g_autoptr(GByteArray) sent = g_byte_array_new ();
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autoptr(GByteArray) from_client = g_byte_array_new ();
  g_autoptr(GByteArray) from_server = g_byte_array_new ();
  g_autoptr(GBytes) all = export (rec, 0, TRUE);
  g_autoptr(GPtrArray) all_packets = parse_pcapng (all);

  /* 3 handshake, 6 PDUs each with its ACK, 3 closing. */
  g_assert_cmpuint (packets->len, ==, 18);
  g_assert_cmpuint (follow_stream (packets, 0, SCU_PORT, TRUE, from_client, from_server),
                    ==, 18);
  expected_streams (rec, first, sent, received);
  assert_arrays_equal (from_client, sent);
  assert_arrays_equal (from_server, received);
  for (guint i = 0; i < packets->len; i++)
    {
      Packet *p = packets->pdata[i];
      g_assert_false (p->ipv6);
      g_assert_true (p->src_port == SCP_PORT || p->dst_port == SCP_PORT);
      g_assert_null (p->comment);
      if (g_bytes_get_size (p->payload) > 0)
        {
          g_assert_cmphex (p->flags, ==, 0x18);
          g_assert_cmphex (((Packet *) packets->pdata[i + 1])->flags, ==, 0x10);
          g_assert_cmpuint (((Packet *) packets->pdata[i + 1])->src_port, ==, p->dst_port);
        }
    }
  g_assert_cmpuint (((Packet *) packets->pdata[17])->timestamp, ==,
                    dimse_traffic_event_get_timestamp (item (rec, 9)));
  g_assert_cmpuint (second, ==, 2);
  g_assert_cmpuint (all_packets->len, ==, 36);
}

static void
test_export_pcapng_large_pdu_ipv6 (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  guint id = begin (rec, "::1");
  g_autoptr(GBytes) big = big_pdata (150000);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  g_autoptr(GByteArray) sent = g_byte_array_new ();
  g_autoptr(GByteArray) from_client = g_byte_array_new ();
  g_autoptr(GByteArray) from_server = g_byte_array_new ();
  guint n_data = 0;

  record (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, associate_rq ());
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, big);
  file = export (rec, 0, TRUE);
  packets = parse_pcapng (file);
  /* Not ended: no FIN. */
  g_assert_cmpuint (follow_stream (packets, 0, SCU_PORT, FALSE, from_client, from_server),
                    ==, packets->len);
  g_assert_cmpuint (from_server->len, ==, 0);
  expected_streams (rec, id, sent, from_server);
  assert_arrays_equal (from_client, sent);
  for (guint i = 0; i < packets->len; i++)
    {
      Packet *p = packets->pdata[i];
      g_assert_true (p->ipv6);
      g_assert_cmpuint (p->flags & 0x01, ==, 0);
      if (g_bytes_get_size (p->payload) > 0)
        n_data++;
    }
  /* The RQ, then the 150 kB PDU in 3 segments of at most 65000 bytes,
   * each acknowledged. */
  g_assert_cmpuint (n_data, ==, 4);
  g_assert_cmpuint (packets->len, ==, 11);
  g_assert_cmpuint (g_bytes_get_size (((Packet *) packets->pdata[5])->payload), ==, 65000);
  g_assert_cmphex (((Packet *) packets->pdata[5])->flags, ==, 0x10);
  g_assert_cmphex (((Packet *) packets->pdata[6])->flags, ==, 0x10);
  g_assert_cmphex (((Packet *) packets->pdata[9])->flags, ==, 0x18);
}

static void
test_export_pcapng_acceptor_dropped (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GInetSocketAddress) local = address ("127.0.0.1", 104);
  g_autoptr(GInetSocketAddress) peer = address ("127.0.0.1", 40000);
  g_autoptr(GBytes) rq = associate_rq ();
  g_autoptr(GBytes) ac = associate_ac ();
  g_autoptr(GBytes) release = simple_pdu (DIMSE_PDU_RELEASE_RQ);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  g_autoptr(GByteArray) from_client = g_byte_array_new ();
  g_autoptr(GByteArray) from_server = g_byte_array_new ();
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  guint id = dimse_recorder_begin_association (rec, local, peer, "ECHOSCU", "DIMSEBENCH", FALSE);
  Packet *p;

  dimse_recorder_set_max_raw_bytes (rec, g_bytes_get_size (ac) + g_bytes_get_size (release));
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, rq);
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, ac);
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, release);
  g_assert_null (dimse_traffic_event_get_raw_bytes (item (rec, 1)));
  file = export (rec, id, TRUE);
  packets = parse_pcapng (file);

  /* The peer is the client; the RQ it sent is gone, the stream goes on. */
  g_assert_cmpuint (packets->len, ==, 7);
  follow_stream (packets, 0, 40000, FALSE, from_client, from_server);
  append_pdu (expected, release);
  assert_arrays_equal (from_client, expected);
  g_byte_array_set_size (expected, 0);
  append_pdu (expected, ac);
  assert_arrays_equal (from_server, expected);
  p = packets->pdata[3];
  g_assert_cmpuint (p->src_port, ==, 104);
  g_assert_nonnull (p->comment);
  g_assert_nonnull (strstr (p->comment, "1 earlier PDU(s)"));
  g_assert_null (((Packet *) packets->pdata[5])->comment);
}

/* Runs tshark on the export of rec with DICOM on the acceptor's port and
 * the IP and TCP checksums checked; returns its standard output. */
static char *
run_tshark (const char *tshark, DimseRecorder *rec, const char *const *extra)
{
  g_autoptr(GBytes) file = export (rec, 0, TRUE);
  g_autofree char *dir = test_util_make_tmpdir ("recorder");
  g_autofree char *path = g_build_filename (dir, "traffic.pcapng", NULL);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  const char *base[] = { tshark, "-r", path, "-d", "tcp.port==11112,dicom",
                         "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE" };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (gpointer) base[i]);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (file, NULL),
                                      (gssize) g_bytes_get_size (file), &error));
  g_assert_no_error (error);
  g_assert_true (test_util_run ((const char * const *) argv->pdata, &out, &err, &status,
                                &error));
  g_assert_no_error (error);
  g_test_message ("tshark %s: %s%s", extra[1], out, err);
  g_assert_cmpint (status, ==, 0);
  test_util_rmtree (dir);
  return g_strstrip (out);
}

#define TSHARK_COMPLAINTS "_ws.malformed || _ws.expert.severity >= warning " \
                          "|| ip.checksum.status != 1 || tcp.checksum.status != 1"

/* Wireshark's DICOM dissector reads the export without complaint, and
 * does complain about a malformed PDU (so that the check can fail). */
static void
test_export_pcapng_tshark (void)
{
  g_autofree char *tshark = test_util_find_program ("tshark");
  g_autoptr(DimseRecorder) rec = NULL;
  g_autoptr(DimseRecorder) bad = NULL;
  g_autofree char *types = NULL;
  g_autofree char *complaints = NULL;
  g_autofree char *bad_complaints = NULL;
  const char *fields[] = { "-Y", "dicom", "-T", "fields", "-e", "dicom.pdu.type", NULL };
  const char *filter[] = { "-Y", TSHARK_COMPLAINTS, NULL };
  guint id;

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  rec = dimse_recorder_new ();
  record_echo_association (rec, "127.0.0.1");
  record_store_association (rec);
  types = run_tshark (tshark, rec, fields);
  g_strdelimit (types, "\n", ',');
  /* The echo association, then the store one with its 150 kB data set. */
  g_assert_cmpstr (types, ==, "0x01,0x02,0x04,0x04,0x05,0x06,0x01,0x02,0x04,0x04,0x04,0x05,0x06");
  complaints = run_tshark (tshark, rec, filter);
  g_assert_cmpstr (complaints, ==, "");

  bad = dimse_recorder_new ();
  id = begin (bad, "127.0.0.1");
  record (bad, id, DIMSE_TRAFFIC_DIRECTION_SENT, associate_rq ());
  record (bad, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, associate_ac ());
  record (bad, id, DIMSE_TRAFFIC_DIRECTION_SENT, malformed_pdu ());
  bad_complaints = run_tshark (tshark, bad, filter);
  g_assert_cmpstr (bad_complaints, !=, "");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recorder/events/summaries", test_events_summaries);
  g_test_add_func ("/recorder/events/pdu-fields", test_events_pdu_fields);
  g_test_add_func ("/recorder/events/message-fields", test_events_message_fields);
  g_test_add_func ("/recorder/events/abort-and-malformed", test_events_abort_and_malformed);
  g_test_add_func ("/recorder/model/items-changed", test_model_items_changed);
  g_test_add_func ("/recorder/ring/raw-budget", test_ring_raw_budget);
  g_test_add_func ("/recorder/ring/max-events", test_ring_max_events);
  g_test_add_func ("/recorder/thread/marshalling", test_thread_marshalling);
  g_test_add_func ("/recorder/export/jsonl", test_export_jsonl);
  g_test_add_func ("/recorder/export/jsonl/raw-dropped", test_export_jsonl_dropped);
  g_test_add_func ("/recorder/export/pcapng/structure", test_export_pcapng_structure);
  g_test_add_func ("/recorder/export/pcapng/large-pdu-ipv6", test_export_pcapng_large_pdu_ipv6);
  g_test_add_func ("/recorder/export/pcapng/acceptor-dropped",
                   test_export_pcapng_acceptor_dropped);
  g_test_add_func ("/recorder/export/pcapng/tshark", test_export_pcapng_tshark);
  return g_test_run ();
}
