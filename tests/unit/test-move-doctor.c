/* test-move-doctor.c — the C-MOVE destination doctor (DimseMoveDoctor)
 * against the embedded archive in process, whose node table decides each
 * leg: destination unknown, a closed port, the right port, a destination
 * that rejects the storage contexts, an unexpected address; and over TLS
 * (PS3.15 Annex B.1): to the peer, and the association back to a Storage
 * SCP with TLS, through a relay that adds TLS to the archive's plain one */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-archive.h"
#include "dimse-move-doctor.h"
#include "dimse-pdu.h"
#include "dimse-server.h"
#include "test-util.h"
#include "test-wait.h"

#define ROOT "1.2.826.0.1.3680043.10.1247.310"

typedef struct {
  GMainContext *context;
  char         *tmp;
  DimseArchive *archive;
  DimseServer  *server;
  guint16       doctor_port;
} Fixture;

static void
write_instance (const char *folder, guint number)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = g_strdup_printf (ROOT ".1.1.%u", number);
  g_autofree char *name = g_strdup_printf ("%s.dcm", uid);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  const struct { guint32 tag; const char *value; } values[] = {
    { DCM_TAG_SOP_CLASS_UID, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE },
    { DCM_TAG_SOP_INSTANCE_UID, uid },
    { DCM_TAG_STUDY_DATE, "20200315" },
    { DCM_TAG_MODALITY, "OT" },
    { DCM_TAG_PATIENT_NAME, "DOE^JOHN" },
    { DCM_TAG_PATIENT_ID, "P1" },
    { DCM_TAG_STUDY_INSTANCE_UID, ROOT ".1" },
    { DCM_TAG_SERIES_INSTANCE_UID, ROOT ".1.1" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_true (dcm_data_set_set_string (ds, values[i].tag, DCM_VR_NONE, values[i].value,
                                            &error));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (dimse_archive_open_finish (DIMSE_ARCHIVE (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *folder = NULL;
  g_autoptr(GError) error = NULL;
  gboolean opened = FALSE;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->tmp = test_util_make_tmpdir ("test-move-doctor");
  folder = g_build_filename (f->tmp, "archive", NULL);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  write_instance (folder, 1);
  write_instance (folder, 2);
  f->doctor_port = test_util_free_port ();
  f->archive = dimse_archive_new (folder, "ARCHIVE");
  /* the right port, and a port where nothing listens */
  dimse_archive_add_node (f->archive, "DOCTOR", "127.0.0.1", f->doctor_port);
  dimse_archive_add_node (f->archive, "NOWHERE", "127.0.0.1", test_util_free_port ());
  dimse_archive_open_async (f->archive, NULL, on_opened, &opened);
  test_wait_until (&opened, "the archive's scan");
  f->server = dimse_archive_serve (f->archive, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  dimse_server_stop (f->server);
  test_drain ();
  g_clear_object (&f->server);
  g_clear_object (&f->archive);
  test_drain ();
  test_util_rmtree (f->tmp);
  g_free (f->tmp);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static DimseMoveDoctor *
make_doctor (Fixture *f, const char *destination)
{
  DimseMoveDoctor *doctor = dimse_move_doctor_new ("SCU", "ARCHIVE", "127.0.0.1",
                                                   dimse_server_get_port (f->server),
                                                   destination, f->doctor_port);

  dimse_move_doctor_set_listen_address (doctor, "127.0.0.1");
  dimse_move_doctor_set_wait_seconds (doctor, 5);
  return doctor;
}

static void
run_doctor (DimseMoveDoctor *doctor)
{
  TestWaiter w = { 0 };
  g_autoptr(GError) error = NULL;

  dimse_move_doctor_run_async (doctor, NULL, test_waiter_done, &w);
  g_assert_true (dimse_move_doctor_run_finish (doctor, test_waiter_wait (&w, "the check"),
                                               &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  test_drain ();
}

/* The C-STORE-RQ that came back links to the C-MOVE-RQ we sent. */
static void
assert_linked (DimseRecorder *rec)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (rec));
  gboolean found = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (rec), i);
      g_autoptr(DimseTrafficEvent) move = NULL;
      DimseRecorderLink link = { 0 };

      if (dimse_traffic_event_get_kind (event) != DIMSE_TRAFFIC_KIND_MESSAGE
          || dimse_traffic_event_get_command_field (event) != DIMSE_C_STORE_RQ)
        continue;
      g_assert_true (dimse_recorder_find_move_for_store (rec, i, &link));
      move = g_list_model_get_item (G_LIST_MODEL (rec), link.position);
      g_assert_cmpint (dimse_traffic_event_get_command_field (move), ==, DIMSE_C_MOVE_RQ);
      g_assert_cmpint (dimse_traffic_event_get_direction (move), ==,
                       DIMSE_TRAFFIC_DIRECTION_SENT);
      found = TRUE;
    }
  g_assert_true (found);
}

static void
test_success (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "DOCTOR");

  run_doctor (doctor);
  g_assert_cmpstr (dimse_move_doctor_diagnosis_to_string (dimse_move_doctor_get_diagnosis (doctor)),
                   ==, "success");
  g_assert_cmpuint (dimse_move_doctor_get_move_status (doctor), ==, 0x0000);
  g_assert_true (g_str_has_prefix (dimse_move_doctor_get_sop_instance_uid (doctor), ROOT ".1.1."));
  g_assert_cmpstr (dimse_move_doctor_get_return_called_ae_title (doctor), ==, "DOCTOR");
  g_assert_cmpstr (dimse_move_doctor_get_return_calling_ae_title (doctor), ==, "ARCHIVE");
  g_assert_nonnull (dimse_move_doctor_get_return_rq (doctor));
  g_assert_true (g_str_has_prefix (dimse_move_doctor_get_return_rq_description (doctor),
                                   "A-ASSOCIATE-RQ"));
  g_assert_nonnull (strstr (dimse_move_doctor_get_return_rq_description (doctor),
                            "Secondary Capture Image Storage"));
  assert_linked (dimse_move_doctor_get_recorder (doctor));
}

static void
test_given_instance (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "DOCTOR");

  dimse_move_doctor_set_instance (doctor, ROOT ".1", ROOT ".1.1", ROOT ".1.1.2");
  run_doctor (doctor);
  g_test_message ("%s", dimse_move_doctor_get_explanation (doctor));
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==, DIMSE_MOVE_DOCTOR_SUCCESS);
  g_assert_cmpstr (dimse_move_doctor_get_sop_instance_uid (doctor), ==, ROOT ".1.1.2");
}

static void
test_unknown_instance (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "DOCTOR");

  dimse_move_doctor_set_instance (doctor, ROOT ".1", ROOT ".1.1", ROOT ".9.9.9");
  run_doctor (doctor);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_NOTHING_TO_MOVE);
}

static void
test_destination_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "STRANGER");

  run_doctor (doctor);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_DESTINATION_UNKNOWN);
  g_assert_cmpuint (dimse_move_doctor_get_move_status (doctor), ==, 0xA801);
  g_assert_nonnull (strstr (dimse_move_doctor_get_explanation (doctor), "0xA801"));
  g_assert_null (dimse_move_doctor_get_return_rq (doctor));
}

static void
test_no_association_back (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "NOWHERE");

  run_doctor (doctor);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK);
  g_assert_null (dimse_move_doctor_get_return_address (doctor));
}

static void
test_storage_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "DOCTOR");
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new (NULL);

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_CT_IMAGE_STORAGE, DIMSE_ROLE_SCP);
  dimse_move_doctor_set_policy (doctor, policy);
  run_doctor (doctor);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_STORAGE_REJECTED);
  g_assert_nonnull (dimse_move_doctor_get_return_rq_description (doctor));
}

static void
test_unexpected_address (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "DOCTOR");

  dimse_move_doctor_set_expected_address (doctor, "127.0.0.2");
  run_doctor (doctor);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_UNEXPECTED_ADDRESS);
  g_assert_nonnull (strstr (dimse_move_doctor_get_explanation (doctor), "127.0.0.2"));
}

static void
test_peer_unavailable (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = dimse_move_doctor_new ("SCU", "ARCHIVE", "127.0.0.1",
                                                             test_util_free_port (), "DOCTOR",
                                                             f->doctor_port);

  dimse_move_doctor_set_listen_address (doctor, "127.0.0.1");
  run_doctor (doctor);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE);
}

static void
cancel_at_move (DimseMoveDoctor *doctor, const char *what, gpointer user_data)
{
  if (g_str_has_prefix (what, "Sending the C-MOVE"))
    g_cancellable_cancel (user_data);
}

static void
test_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveDoctor) doctor = make_doctor (f, "DOCTOR");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  g_signal_connect (doctor, "step", G_CALLBACK (cancel_at_move), cancellable);
  dimse_move_doctor_run_async (doctor, cancellable, test_waiter_done, &w);
  g_assert_false (dimse_move_doctor_run_finish (doctor, test_waiter_wait (&w, "the check"),
                                                &error));
  /* the in-process archive may have moved it before the cancel is seen:
   * GTask reports the cancel either way */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  test_waiter_clear (&w);
  test_drain ();
}

/* ---- TLS ---- */

/* A self-signed certificate and its key in dir. */
static DimseTlsSettings
make_tls (const char *dir)
{
  DimseTlsSettings tls = { 0 };

  tls.certificate_file = g_build_filename (dir, "cert.pem", NULL);
  tls.key_file = g_build_filename (dir, "key.pem", NULL);
  test_util_make_certificate (tls.certificate_file, tls.key_file);
  return tls;
}

static void
clear_tls (DimseTlsSettings *tls)
{
  g_free (tls->certificate_file);
  g_free (tls->key_file);
}

static void
test_tls_peer (Fixture *f, gconstpointer data)
{
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autoptr(DimseMoveDoctor) doctor = NULL;
  DimseTlsSettings server_tls;
  DimseTlsSettings client_tls = { 0 };

  if (!test_util_require_tls ())
    return;
  dir = test_util_make_tmpdir ("test-move-doctor-tls");
  server_tls = make_tls (dir);
  dimse_server_set_tls (f->server, &server_tls);
  clear_tls (&server_tls);

  doctor = make_doctor (f, "DOCTOR");
  dimse_move_doctor_set_tls (doctor, &client_tls);
  run_doctor (doctor);
  g_test_message ("%s", dimse_move_doctor_get_explanation (doctor));
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==, DIMSE_MOVE_DOCTOR_SUCCESS);
  g_assert_null (dimse_move_doctor_get_return_failure (doctor));

  /* plain TCP to a peer that takes TLS only */
  g_clear_object (&doctor);
  doctor = make_doctor (f, "DOCTOR");
  run_doctor (doctor);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_PEER_UNAVAILABLE);
}

/* The archive calls back over plain TCP: our listener's TLS handshake
 * fails, and the explanation says so. */
static void
test_tls_return_leg_plain (Fixture *f, gconstpointer data)
{
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autoptr(DimseMoveDoctor) doctor = NULL;
  DimseTlsSettings listener_tls;
  const char *explanation;

  if (!test_util_require_tls ())
    return;
  dir = test_util_make_tmpdir ("test-move-doctor-tls");
  listener_tls = make_tls (dir);
  doctor = make_doctor (f, "DOCTOR");
  dimse_move_doctor_set_listener_tls (doctor, &listener_tls);
  clear_tls (&listener_tls);
  run_doctor (doctor);
  explanation = dimse_move_doctor_get_explanation (doctor);
  g_test_message ("%s", explanation);
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==,
                   DIMSE_MOVE_DOCTOR_NO_ASSOCIATION_BACK);
  g_assert_nonnull (strstr (dimse_move_doctor_get_return_failure (doctor), "TLS"));
  g_assert_nonnull (strstr (explanation, "TLS handshake failed"));
  g_assert_nonnull (strstr (explanation, "without TLS"));
  g_assert_null (dimse_move_doctor_get_return_address (doctor));
}

/* Takes what the archive sends in plain TCP to the doctor's port over
 * TLS, as a peer that calls its destinations over TLS would. */
typedef struct {
  GSocketService *service;
  guint16         port;
  guint16         target_port;
} Relay;

typedef struct {
  GIOStream *incoming;
  GIOStream *outgoing;
} RelayLink;

static gboolean
accept_any_certificate (GTlsConnection *conn, GTlsCertificate *peer_cert,
                        GTlsCertificateFlags errors, gpointer user_data)
{
  return TRUE;
}

static void
on_spliced (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_io_stream_splice_finish (result, NULL);
}

static void
on_relay_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RelayLink *link = user_data;

  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL))
    g_io_stream_splice_async (link->incoming, link->outgoing,
                              G_IO_STREAM_SPLICE_CLOSE_STREAM1
                              | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                              G_PRIORITY_DEFAULT, NULL, on_spliced, NULL);
  g_object_unref (link->incoming);
  g_object_unref (link->outgoing);
  g_free (link);
}

static gboolean
on_relay_incoming (GSocketService *service, GSocketConnection *connection, GObject *source,
                   gpointer user_data)
{
  Relay *relay = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) out = NULL;
  g_autoptr(GError) error = NULL;
  RelayLink *link;

  out = g_socket_client_connect_to_host (client, "127.0.0.1", relay->target_port, NULL,
                                         &error);
  g_assert_no_error (error);
  link = g_new0 (RelayLink, 1);
  link->incoming = g_object_ref (G_IO_STREAM (connection));
  link->outgoing = g_tls_client_connection_new (G_IO_STREAM (out), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (link->outgoing, "accept-certificate", G_CALLBACK (accept_any_certificate),
                    NULL);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (link->outgoing), G_PRIORITY_DEFAULT, NULL,
                                    on_relay_handshake, link);
  return TRUE;
}

static void
relay_start (Relay *relay, guint16 target_port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  relay->target_port = target_port;
  relay->service = g_socket_service_new ();
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (relay->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &effective, &error));
  g_assert_no_error (error);
  relay->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (relay->service, "incoming", G_CALLBACK (on_relay_incoming), relay);
  g_socket_service_start (relay->service);
}

static void
relay_stop (Relay *relay)
{
  g_socket_service_stop (relay->service);
  g_socket_listener_close (G_SOCKET_LISTENER (relay->service));
  g_clear_object (&relay->service);
}

static void
test_tls_return_leg (Fixture *f, gconstpointer data)
{
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autoptr(DimseMoveDoctor) doctor = NULL;
  DimseTlsSettings listener_tls;
  Relay relay = { 0 };

  if (!test_util_require_tls ())
    return;
  dir = test_util_make_tmpdir ("test-move-doctor-tls");
  listener_tls = make_tls (dir);
  relay_start (&relay, f->doctor_port);
  dimse_archive_add_node (f->archive, "SECURE", "127.0.0.1", relay.port);
  doctor = make_doctor (f, "SECURE");
  dimse_move_doctor_set_listener_tls (doctor, &listener_tls);
  clear_tls (&listener_tls);
  run_doctor (doctor);
  g_test_message ("%s", dimse_move_doctor_get_explanation (doctor));
  g_assert_cmpint (dimse_move_doctor_get_diagnosis (doctor), ==, DIMSE_MOVE_DOCTOR_SUCCESS);
  g_assert_cmpstr (dimse_move_doctor_get_return_called_ae_title (doctor), ==, "SECURE");
  g_assert_null (dimse_move_doctor_get_return_failure (doctor));
  relay_stop (&relay);
  test_drain ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/move-doctor/success", test_success);
  ADD ("/move-doctor/given-instance", test_given_instance);
  ADD ("/move-doctor/unknown-instance", test_unknown_instance);
  ADD ("/move-doctor/destination-unknown", test_destination_unknown);
  ADD ("/move-doctor/no-association-back", test_no_association_back);
  ADD ("/move-doctor/storage-rejected", test_storage_rejected);
  ADD ("/move-doctor/unexpected-address", test_unexpected_address);
  ADD ("/move-doctor/peer-unavailable", test_peer_unavailable);
  ADD ("/move-doctor/cancelled", test_cancelled);
  ADD ("/move-doctor/tls/peer", test_tls_peer);
  ADD ("/move-doctor/tls/return-leg-plain", test_tls_return_leg_plain);
  ADD ("/move-doctor/tls/return-leg", test_tls_return_leg);
#undef ADD
  return g_test_run ();
}
