/* test-recorder-tls.c — the recorder keeps who the TLS peer was (PS3.15
 * Annex B.1): protocol version, cipher suite, the peer certificate's
 * subject, issuer, validity and fingerprint and whether it was verified,
 * on both sides of an in-process association, in its events and in the
 * JSON lines export */
#include "dimse-recorder.h"
#include "dimse-pdu.h"
#include "dcm-uids.h"
#include "test-acceptor.h"
#include "test-util.h"
#include "test-wait.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define SERVER_CN "Dimsebench TLS acceptor"

typedef struct {
  TestAcceptor  acceptor;
  char         *tmpdir;
  char         *server_cert;
  char         *server_key;
  char         *client_cert;
  char         *client_key;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  test_acceptor_set_up (&f->acceptor, data);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  test_acceptor_tear_down (&f->acceptor, data);
  if (f->tmpdir != NULL)
    test_util_rmtree (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->server_cert);
  g_free (f->server_key);
  g_free (f->client_cert);
  g_free (f->client_key);
}

/* The acceptor's certificate names 127.0.0.1, so that the requestor can
 * verify it; the requestor's is test_util_make_certificate's (localhost). */
static void
make_certificates (Fixture *f)
{
  g_autofree char *openssl = test_util_find_program ("openssl");
  g_autoptr(GError) error = NULL;
  int status = -1;

  f->tmpdir = test_util_make_tmpdir ("test-recorder-tls");
  f->server_cert = g_build_filename (f->tmpdir, "server.pem", NULL);
  f->server_key = g_build_filename (f->tmpdir, "server.key", NULL);
  f->client_cert = g_build_filename (f->tmpdir, "client.pem", NULL);
  f->client_key = g_build_filename (f->tmpdir, "client.key", NULL);
  {
    const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", f->server_key, "-out", f->server_cert, "-days", "1",
                           "-subj", "/CN=" SERVER_CN, "-addext",
                           "subjectAltName=IP:127.0.0.1", NULL };

    g_assert_true (test_util_run (argv, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }
  test_util_make_certificate (f->client_cert, f->client_key);
}

/* The SHA-256 of the certificate's DER, worked out here and not by the
 * code under test: lower-case hex without separators. */
static char *
fingerprint_of_file (const char *pem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_file (pem, &error);
  g_autoptr(GByteArray) der = NULL;

  g_assert_no_error (error);
  g_object_get (cert, "certificate", &der, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static char *
plain_hex (const char *fingerprint)
{
  GString *s = g_string_new (NULL);

  for (const char *p = fingerprint; *p != '\0'; p++)
    if (*p != ':')
      g_string_append_c (s, g_ascii_tolower (*p));
  return g_string_free (s, FALSE);
}

static DimseAssociation *
request (Fixture *f, const DimseTlsSettings *tls, DimseRecorder *recorder)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("REQUESTOR",
                                                                           "ACCEPTOR");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  DimseAssociation *assoc;

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  g_assert_cmpuint (dimse_association_request_full_async (params, "127.0.0.1",
                                                          dimse_server_get_port (f->acceptor.server),
                                                          NULL, tls, recorder, NULL,
                                                          test_waiter_done, &w), !=, 0);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  g_object_unref (w.result);
  return assoc;
}

/* An echo over a new association, released. */
static void
echo_once (Fixture *f, const DimseTlsSettings *tls, DimseRecorder *recorder)
{
  g_autoptr(DimseAssociation) assoc = request (f, tls, recorder);

  g_assert_cmpuint (test_echo_status (assoc, dimse_association_next_message_id (assoc)), ==, 0);
  test_release (assoc);
  test_drain ();
}

/* The A-ASSOCIATE-AC event of recorder, which holds one association. */
static DimseTrafficEvent *
find_associate_ac (DimseRecorder *recorder)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (recorder));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (recorder), i);

      if (dimse_traffic_event_get_kind (event) == DIMSE_TRAFFIC_KIND_PDU
          && dimse_traffic_event_get_pdu_type (event) == DIMSE_PDU_ASSOCIATE_AC)
        return g_steal_pointer (&event);
    }
  g_assert_not_reached ();
}

static char *
export_jsonl (DimseRecorder *recorder)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_recorder_export_jsonl (recorder, out, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

/* The JSON object of the A-ASSOCIATE-AC line of the export. */
static JsonObject *
exported_associate_ac (const char *jsonl, JsonParser *parser)
{
  g_auto(GStrv) lines = g_strsplit (jsonl, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      if (lines[i][0] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      if (json_object_has_member (object, "pdu_type")
          && json_object_get_int_member (object, "pdu_type") == DIMSE_PDU_ASSOCIATE_AC)
        return object;
    }
  g_assert_not_reached ();
}

/* What one side recorded of its peer, whose certificate is peer_cert. */
static void
assert_recorded_peer (DimseRecorder *recorder, const char *peer_cert, const char *subject_cn)
{
  g_autoptr(DimseTrafficEvent) ac = find_associate_ac (recorder);
  g_autoptr(DimseTlsInfo) tls = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *expected = fingerprint_of_file (peer_cert);
  g_autofree char *recorded = NULL;
  g_autofree char *verification = NULL;
  g_autofree char *jsonl = NULL;
  g_autofree char *cn = g_strconcat ("CN=", subject_cn, NULL);
  DimseTlsInfo *event_tls = NULL;
  JsonObject *line, *tls_json, *peer_json;
  const char *details;

  g_assert_true (dimse_recorder_dup_transport (recorder,
                                               dimse_traffic_event_get_association_id (ac),
                                               &tls));
  g_assert_nonnull (tls);
  g_assert_true (g_str_equal (tls->protocol_version, "TLS 1.2")
                 || g_str_equal (tls->protocol_version, "TLS 1.3"));
  g_assert_nonnull (tls->ciphersuite_name);
  g_assert_cmpstr (tls->ciphersuite_name, !=, "");
  g_assert_true (tls->has_peer_certificate);
  g_assert_nonnull (strstr (tls->peer_subject, cn));
  /* Self-signed: issued by itself. */
  g_assert_cmpstr (tls->peer_issuer, ==, tls->peer_subject);
  g_assert_cmpint (g_date_time_compare (tls->peer_not_valid_before, now), <=, 0);
  g_assert_cmpint (g_date_time_compare (now, tls->peer_not_valid_after), <, 0);
  g_assert_cmpuint (strlen (tls->peer_sha256), ==, 32 * 3 - 1);
  recorded = plain_hex (tls->peer_sha256);
  g_assert_cmpstr (recorded, ==, expected);
  g_assert_cmpuint (tls->peer_errors, ==, 0);
  verification = dimse_tls_info_describe_verification (tls);
  g_assert_cmpstr (verification, ==, "verified against the configured CA");

  /* The -AC event carries the same facts, and says them in its details. */
  g_assert_true (dimse_traffic_event_get_transport (ac, &event_tls));
  g_assert_true (event_tls == tls);
  details = dimse_traffic_event_get_details (ac);
  g_assert_nonnull (strstr (details, "negotiation result\n"));
  g_assert_nonnull (strstr (details, "transport: TLS\n"));
  g_assert_nonnull (strstr (details, cn));
  g_assert_nonnull (strstr (details, tls->peer_sha256));
  g_assert_nonnull (strstr (details, "peer certificate: verified against the configured CA"));

  jsonl = export_jsonl (recorder);
  g_assert_null (strstr (jsonl, "PRIVATE KEY"));
  line = exported_associate_ac (jsonl, parser);
  g_assert_cmpstr (json_object_get_string_member (line, "transport"), ==, "tls");
  tls_json = json_object_get_object_member (line, "tls");
  g_assert_nonnull (tls_json);
  g_assert_cmpstr (json_object_get_string_member (tls_json, "protocol_version"), ==,
                   tls->protocol_version);
  g_assert_cmpstr (json_object_get_string_member (tls_json, "cipher_suite"), ==,
                   tls->ciphersuite_name);
  g_assert_cmpstr (json_object_get_string_member (tls_json, "verification"), ==, verification);
  peer_json = json_object_get_object_member (tls_json, "peer_certificate");
  g_assert_nonnull (peer_json);
  g_assert_nonnull (strstr (json_object_get_string_member (peer_json, "subject"), cn));
  g_assert_cmpstr (json_object_get_string_member (peer_json, "issuer"), ==, tls->peer_issuer);
  g_assert_cmpstr (json_object_get_string_member (peer_json, "sha256_fingerprint"), ==,
                   tls->peer_sha256);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (peer_json, "not_valid_after"),
                                   "Z"));
}

/* Both sides verify each other: each records the other's certificate. */
static void
test_mutual (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseRecorder) server_recorder = NULL;
  g_autoptr(DimseRecorder) client_recorder = NULL;
  DimseTlsSettings server_tls = { 0 };
  DimseTlsSettings client_tls = { 0 };

  if (!test_util_require_tls ())
    return;
  make_certificates (f);
  server_recorder = dimse_recorder_new ();
  client_recorder = dimse_recorder_new ();
  server_tls = (DimseTlsSettings) { f->server_cert, f->server_key, f->client_cert, TRUE };
  client_tls = (DimseTlsSettings) { f->client_cert, f->client_key, f->server_cert, TRUE };
  test_acceptor_start (&f->acceptor, 0);
  dimse_server_set_tls (f->acceptor.server, &server_tls);
  dimse_server_set_recorder (f->acceptor.server, server_recorder);
  echo_once (f, &client_tls, client_recorder);

  assert_recorded_peer (client_recorder, f->server_cert, SERVER_CN);
  assert_recorded_peer (server_recorder, f->client_cert, "localhost");
}

/* An acceptor that asks for no certificate gets none; a requestor that
 * trusts no CA records why the acceptor's is not verified. */
static void
test_unverified (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseRecorder) server_recorder = NULL;
  g_autoptr(DimseRecorder) client_recorder = NULL;
  g_autoptr(DimseTrafficEvent) server_ac = NULL;
  g_autoptr(DimseTrafficEvent) client_ac = NULL;
  g_autoptr(DimseTlsInfo) server_seen = NULL;
  g_autoptr(DimseTlsInfo) client_seen = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *verification = NULL;
  g_autofree char *jsonl = NULL;
  JsonObject *tls_json;
  DimseTlsSettings server_tls = { 0 };
  DimseTlsSettings client_tls = { 0 };

  if (!test_util_require_tls ())
    return;
  make_certificates (f);
  server_recorder = dimse_recorder_new ();
  client_recorder = dimse_recorder_new ();
  server_tls = (DimseTlsSettings) { f->server_cert, f->server_key, NULL, FALSE };
  client_tls = (DimseTlsSettings) { f->client_cert, f->client_key, f->client_cert, FALSE };
  test_acceptor_start (&f->acceptor, 0);
  dimse_server_set_tls (f->acceptor.server, &server_tls);
  dimse_server_set_recorder (f->acceptor.server, server_recorder);
  echo_once (f, &client_tls, client_recorder);

  server_ac = find_associate_ac (server_recorder);
  g_assert_true (dimse_recorder_dup_transport (server_recorder,
                                               dimse_traffic_event_get_association_id (server_ac),
                                               &server_seen));
  g_assert_nonnull (server_seen);
  g_assert_false (server_seen->has_peer_certificate);
  g_assert_null (server_seen->peer_subject);
  verification = dimse_tls_info_describe_verification (server_seen);
  g_assert_cmpstr (verification, ==, "no certificate presented");
  g_assert_nonnull (strstr (dimse_traffic_event_get_details (server_ac),
                            "peer certificate: no certificate presented"));
  jsonl = export_jsonl (server_recorder);
  tls_json = json_object_get_object_member (exported_associate_ac (jsonl, parser), "tls");
  g_assert_true (json_object_get_null_member (tls_json, "peer_certificate"));
  g_assert_cmpstr (json_object_get_string_member (tls_json, "verification"), ==,
                   "no certificate presented");

  client_ac = find_associate_ac (client_recorder);
  g_assert_true (dimse_recorder_dup_transport (client_recorder,
                                               dimse_traffic_event_get_association_id (client_ac),
                                               &client_seen));
  g_assert_nonnull (client_seen);
  g_assert_true (client_seen->has_peer_certificate);
  g_assert_nonnull (strstr (client_seen->peer_subject, "CN=" SERVER_CN));
  g_assert_true (client_seen->peer_errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_clear_pointer (&verification, g_free);
  verification = dimse_tls_info_describe_verification (client_seen);
  g_assert_true (g_str_has_prefix (verification, "not verified: "));
  g_assert_nonnull (strstr (verification, "unknown certificate authority"));
}

/* Over plain TCP the transport is known too, and said to be no TLS. */
static void
test_plain_tcp (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseRecorder) server_recorder = dimse_recorder_new ();
  g_autoptr(DimseRecorder) client_recorder = dimse_recorder_new ();
  DimseRecorder *recorders[] = { server_recorder, client_recorder };

  test_acceptor_start (&f->acceptor, 0);
  dimse_server_set_recorder (f->acceptor.server, server_recorder);
  echo_once (f, NULL, client_recorder);
  for (guint i = 0; i < G_N_ELEMENTS (recorders); i++)
    {
      g_autoptr(DimseTrafficEvent) ac = find_associate_ac (recorders[i]);
      g_autoptr(DimseTlsInfo) tls = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *jsonl = export_jsonl (recorders[i]);
      DimseTlsInfo *event_tls = NULL;
      JsonObject *line;

      g_assert_true (dimse_recorder_dup_transport (recorders[i],
                                                   dimse_traffic_event_get_association_id (ac),
                                                   &tls));
      g_assert_null (tls);
      g_assert_true (dimse_traffic_event_get_transport (ac, &event_tls));
      g_assert_null (event_tls);
      g_assert_nonnull (strstr (dimse_traffic_event_get_details (ac),
                                "transport: plain TCP (no TLS)\n"));
      line = exported_associate_ac (jsonl, parser);
      g_assert_cmpstr (json_object_get_string_member (line, "transport"), ==, "tcp");
      g_assert_false (json_object_has_member (line, "tls"));
    }
}

/* Traffic recorded without a transport (read back from a capture) claims
 * none. */
static void
test_transport_unknown (void)
{
  g_autoptr(DimseRecorder) recorder = dimse_recorder_new ();
  g_autoptr(DimseTlsInfo) tls = NULL;
  guint id = dimse_recorder_begin_association (recorder, NULL, NULL, "A", "B", TRUE);

  g_assert_false (dimse_recorder_dup_transport (recorder, id, &tls));
  g_assert_null (tls);
  g_assert_false (dimse_recorder_dup_transport (recorder, id + 1, &tls));
  dimse_recorder_set_transport (recorder, id, NULL);
  g_assert_true (dimse_recorder_dup_transport (recorder, id, &tls));
  g_assert_null (tls);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/recorder-tls/mutual", test_mutual);
  ADD ("/recorder-tls/unverified", test_unverified);
  ADD ("/recorder-tls/plain-tcp", test_plain_tcp);
#undef ADD
  g_test_add_func ("/recorder-tls/transport-unknown", test_transport_unknown);

  return g_test_run ();
}
