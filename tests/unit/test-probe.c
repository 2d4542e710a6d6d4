/* test-probe.c — the conformance probe (DimseProbe) against an in-process
 * DimseServer whose policy is known: what it accepts, in which transfer
 * syntaxes and roles, its extended negotiation and user identity answers,
 * batches within the context limit, the exports, refusal and cancel, and
 * a server that takes TLS only (PS3.15 Annex B.1) */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dcm-uids.h"
#include "dimse-error.h"
#include "dimse-probe.h"
#include "dimse-server.h"
#include "test-util.h"
#include "test-wait.h"

#define FIND_STUDY DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define SERVER_RESPONSE "ok"

typedef struct {
  GMainContext *context;
  DimseServer  *server;
  guint         n_progress;
  guint         last_done;
  guint         last_total;
  char         *username_seen;
} Fixture;

static gboolean
on_user_identity (const DimseUserIdentity *identity, GBytes **server_response,
                  gpointer user_data)
{
  Fixture *f = user_data;
  gsize size = 0;
  const char *name;

  if (identity == NULL)
    return TRUE;
  name = g_bytes_get_data (identity->primary_field, &size);
  g_free (f->username_seen);
  f->username_seen = g_strndup (name, size);
  *server_response = g_bytes_new_static (SERVER_RESPONSE, strlen (SERVER_RESPONSE));
  return TRUE;
}

/* Verification in every uncompressed syntax; CT Image Storage in Explicit
 * VR LE only, as SCP; Study Root FIND with relational queries only. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *const ct_syntaxes[] = { DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, NULL };
  static const guint8 find_answer[] = { 1, 0, 0, 0 };
  g_autoptr(GBytes) answer = g_bytes_new_static (find_answer, sizeof find_answer);
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("PROBED");
  g_autoptr(GError) error = NULL;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_CT_IMAGE_STORAGE, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_set_transfer_syntaxes (policy, DCM_UID_CT_IMAGE_STORAGE, ct_syntaxes);
  dimse_acceptor_policy_add_sop_class (policy, FIND_STUDY, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_set_extended_negotiation (policy, FIND_STUDY, answer);
  if (data != NULL)
    dimse_acceptor_policy_set_user_identity_func (policy, on_user_identity, f, NULL);
  f->server = dimse_server_new (policy, NULL);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  dimse_server_stop (f->server);
  test_drain ();
  g_clear_object (&f->server);
  test_drain ();
  g_free (f->username_seen);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
on_progress (DimseProbe *probe, guint done, guint total, gpointer user_data)
{
  Fixture *f = user_data;

  f->n_progress++;
  f->last_done = done;
  f->last_total = total;
}

static DimseProbe *
make_probe (Fixture *f, const char *called)
{
  const char *const storage_syntaxes[] = { DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN,
                                           DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, NULL };
  DimseProbe *probe = dimse_probe_new ("PROBER", called, "127.0.0.1",
                                       dimse_server_get_port (f->server));

  dimse_probe_set_services (probe, DIMSE_PROBE_VERIFICATION | DIMSE_PROBE_STORAGE
                                   | DIMSE_PROBE_QR);
  dimse_probe_set_storage_transfer_syntaxes (probe, storage_syntaxes);
  g_signal_connect (probe, "progress", G_CALLBACK (on_progress), f);
  return probe;
}

static gboolean
run_probe (DimseProbe *probe, GCancellable *cancellable, GError **error)
{
  TestWaiter w = { 0 };
  gboolean ok;

  dimse_probe_run_async (probe, cancellable, test_waiter_done, &w);
  ok = dimse_probe_run_finish (probe, test_waiter_wait (&w, "the probe"), error);
  test_waiter_clear (&w);
  return ok;
}

static const DimseProbeEntry *
find_entry (DimseProbe *probe, const char *sop_class_uid, const char *transfer_syntax_uid)
{
  GPtrArray *entries = dimse_probe_get_entries (probe);

  for (guint i = 0; i < entries->len; i++)
    {
      const DimseProbeEntry *entry = entries->pdata[i];

      if (g_strcmp0 (entry->sop_class_uid, sop_class_uid) == 0
          && g_strcmp0 (entry->transfer_syntax_uid, transfer_syntax_uid) == 0)
        return entry;
    }
  g_assert_not_reached ();
}

static void
test_table (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseProbe) probe = make_probe (f, "PROBED");
  g_autoptr(GError) error = NULL;
  const DimseProbeEntry *entry;
  GPtrArray *entries;
  guint n_accepted = 0;

  dimse_probe_set_max_contexts (probe, 16);
  g_assert_true (run_probe (probe, NULL, &error));
  g_assert_no_error (error);
  entries = dimse_probe_get_entries (probe);

  entry = find_entry (probe, DCM_UID_CT_IMAGE_STORAGE, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_assert_true (entry->answered);
  g_assert_cmpuint (entry->result, ==, DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE);
  g_assert_cmpuint (entry->proposed_roles, ==, DIMSE_ROLE_BOTH);
  g_assert_cmpuint (entry->requestor_roles, ==, DIMSE_ROLE_SCU);
  g_assert_cmpuint (entry->acceptor_roles, ==, DIMSE_ROLE_SCP);
  entry = find_entry (probe, DCM_UID_CT_IMAGE_STORAGE, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN);
  g_assert_true (entry->answered);
  g_assert_cmpuint (entry->result, ==,
                    DIMSE_PRESENTATION_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED);
  entry = find_entry (probe, DCM_UID_MR_IMAGE_STORAGE, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_assert_true (entry->answered);
  g_assert_cmpuint (entry->result, ==, DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED);
  entry = find_entry (probe, DCM_UID_VERIFICATION, DCM_UID_EXPLICIT_VR_BIG_ENDIAN);
  g_assert_cmpuint (entry->result, ==, DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE);

  /* exactly what the policy accepts: 3 Verification, 1 CT, 3 FIND */
  for (guint i = 0; i < entries->len; i++)
    {
      const DimseProbeEntry *e = entries->pdata[i];

      g_assert_true (e->answered);
      g_assert_cmpuint (e->presentation_context_id % 2, ==, 1);
      if (e->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
        n_accepted++;
    }
  g_assert_cmpuint (n_accepted, ==, 7);

  /* batches of at most 16 contexts, one more for the user identity */
  g_assert_cmpuint (dimse_probe_get_n_associations (probe), ==, (entries->len + 15) / 16 + 1);
  g_assert_cmpuint (f->last_done, ==, f->last_total);
  g_assert_cmpuint (f->last_total, ==, dimse_probe_get_n_associations (probe));
  g_assert_cmpuint (f->n_progress, ==, f->last_total + 1);
  g_assert_cmpstr (dimse_probe_get_peer_implementation_version_name (probe), ==,
                   "DIMSEBENCH_010");
}

static void
test_extended_negotiation (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseProbe) probe = make_probe (f, "PROBED");
  g_autoptr(GError) error = NULL;
  GPtrArray *extended;
  gboolean seen_find = FALSE;

  g_assert_true (run_probe (probe, NULL, &error));
  extended = dimse_probe_get_extended_negotiations (probe);
  g_assert_cmpuint (extended->len, >, 0);
  for (guint i = 0; i < extended->len; i++)
    {
      const DimseProbeExtendedNegotiation *en = extended->pdata[i];
      g_autofree char *words = dimse_probe_extended_negotiation_describe (en);

      if (g_strcmp0 (en->sop_class_uid, FIND_STUDY) == 0)
        {
          seen_find = TRUE;
          g_assert_nonnull (en->answer);
          g_assert_cmpuint (g_bytes_get_size (en->proposed), ==, 4);
          g_assert_cmpstr (words, ==, "relational-queries: supported; combined date-time "
                           "matching: not performed; fuzzy semantic matching of person names: "
                           "not performed; timezone query adjustment: not performed");
        }
      else
        {
          g_assert_null (en->answer);
          g_assert_cmpstr (words, ==, "no answer");
        }
    }
  g_assert_true (seen_find);
}

static void
test_user_identity (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseProbe) probe = make_probe (f, "PROBED");
  g_autoptr(GError) error = NULL;
  const char *description = NULL;

  dimse_probe_set_services (probe, DIMSE_PROBE_VERIFICATION);
  dimse_probe_set_username (probe, "alice");
  g_assert_true (run_probe (probe, NULL, &error));
  if (data != NULL)
    {
      g_assert_cmpint (dimse_probe_get_user_identity (probe, &description), ==,
                       DIMSE_PROBE_USER_IDENTITY_ACCEPTED_WITH_RESPONSE);
      g_assert_cmpstr (f->username_seen, ==, "alice");
      g_assert_nonnull (strstr (description, "2 bytes"));
    }
  else
    g_assert_cmpint (dimse_probe_get_user_identity (probe, &description), ==,
                     DIMSE_PROBE_USER_IDENTITY_ACCEPTED_WITHOUT_RESPONSE);
}

static void
test_no_user_identity (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseProbe) probe = make_probe (f, "PROBED");
  g_autoptr(GError) error = NULL;

  dimse_probe_set_services (probe, DIMSE_PROBE_VERIFICATION);
  dimse_probe_set_username (probe, NULL);
  g_assert_true (run_probe (probe, NULL, &error));
  g_assert_cmpuint (dimse_probe_get_n_associations (probe), ==, 1);
  g_assert_cmpint (dimse_probe_get_user_identity (probe, NULL), ==,
                   DIMSE_PROBE_USER_IDENTITY_NOT_PROBED);
}

static void
test_rejected (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseProbe) probe = make_probe (f, "WRONG");
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  g_assert_false (run_probe (probe, NULL, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  entries = dimse_probe_get_entries (probe);
  g_assert_cmpuint (entries->len, >, 0);
  for (guint i = 0; i < entries->len; i++)
    g_assert_false (((DimseProbeEntry *) entries->pdata[i])->answered);
}

static void
test_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseProbe) probe = make_probe (f, "PROBED");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (run_probe (probe, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The server takes TLS only: the probe over TLS gets the same answers,
 * on every association; without TLS no association comes about. */
static void
test_tls (Fixture *f, gconstpointer data)
{
  g_auto(TestUtilTmpdir) dir = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(DimseProbe) probe = NULL;
  g_autoptr(DimseProbe) plain = NULL;
  g_autoptr(GError) error = NULL;
  DimseTlsSettings server_tls = { 0 };
  DimseTlsSettings client_tls = { 0 };
  const DimseProbeEntry *entry;
  GPtrArray *entries;

  if (!test_util_require_tls ())
    return;
  dir = test_util_make_tmpdir ("test-probe-tls");
  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);
  test_util_make_certificate (cert, key);
  server_tls.certificate_file = cert;
  server_tls.key_file = key;
  dimse_server_set_tls (f->server, &server_tls);

  probe = make_probe (f, "PROBED");
  dimse_probe_set_max_contexts (probe, 16);
  dimse_probe_set_tls (probe, &client_tls);
  g_assert_true (run_probe (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dimse_probe_get_n_associations (probe), >, 2);
  entry = find_entry (probe, DCM_UID_VERIFICATION, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN);
  g_assert_cmpuint (entry->result, ==, DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE);
  entry = find_entry (probe, DCM_UID_CT_IMAGE_STORAGE, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN);
  g_assert_true (entry->answered);
  g_assert_cmpuint (entry->result, ==, DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE);
  entries = dimse_probe_get_entries (probe);
  for (guint i = 0; i < entries->len; i++)
    g_assert_true (((DimseProbeEntry *) entries->pdata[i])->answered);
  g_assert_cmpint (dimse_probe_get_user_identity (probe, NULL), ==,
                   DIMSE_PROBE_USER_IDENTITY_ACCEPTED_WITHOUT_RESPONSE);

  plain = make_probe (f, "PROBED");
  g_assert_false (run_probe (plain, NULL, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_CONNECTION);
  g_assert_false (find_entry (plain, DCM_UID_VERIFICATION,
                              DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN)->answered);
  g_assert_null (dimse_probe_get_peer_implementation_class_uid (plain));
}

static char *
export (DimseProbe *probe, gboolean json)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  if (json)
    g_assert_true (dimse_probe_export_json (probe, out, NULL, &error));
  else
    g_assert_true (dimse_probe_export_csv (probe, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_exports (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseProbe) probe = make_probe (f, "PROBED");
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  JsonObject *root;
  JsonArray *entries;
  guint n_accepted = 0;

  dimse_probe_set_services (probe, DIMSE_PROBE_VERIFICATION | DIMSE_PROBE_QR);
  g_assert_true (run_probe (probe, NULL, &error));
  json = export (probe, TRUE);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "called_ae_title"), ==, "PROBED");
  entries = json_object_get_array_member (root, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==,
                    dimse_probe_get_entries (probe)->len);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (entries, i), "accepted"))
      n_accepted++;
  g_assert_cmpuint (n_accepted, ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root,
                                                                                 "user_identity"),
                                                  "outcome"), ==, "accepted without response");

  csv = export (probe, FALSE);
  lines = g_strsplit (csv, "\r\n", -1);
  /* a header, one line per entry, and the empty string after the last CRLF */
  g_assert_cmpuint (g_strv_length (lines), ==, dimse_probe_get_entries (probe)->len + 2);
  g_assert_true (g_str_has_prefix (lines[0], "sop_class_uid,sop_class,"));
  g_assert_cmpstr (lines[1], ==, "1.2.840.10008.1.1,Verification SOP Class,1.2.840.10008.1.2,"
                   "Implicit VR Little Endian,verification,1,1,yes,accepted,SCU,SCP");
}

static void
test_services_parse (void)
{
  DimseProbeServices services = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_probe_services_parse ("storage,qr", &services, &error));
  g_assert_cmpuint (services, ==, DIMSE_PROBE_STORAGE | DIMSE_PROBE_QR);
  g_assert_true (dimse_probe_services_parse ("all", &services, &error));
  g_assert_cmpuint (services, ==, DIMSE_PROBE_ALL);
  g_assert_false (dimse_probe_services_parse ("storage,films", &services, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "films"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/probe/table", Fixture, NULL, fixture_set_up, test_table, fixture_tear_down);
  g_test_add ("/probe/extended-negotiation", Fixture, NULL, fixture_set_up,
              test_extended_negotiation, fixture_tear_down);
  g_test_add ("/probe/user-identity/response", Fixture, GINT_TO_POINTER (1), fixture_set_up,
              test_user_identity, fixture_tear_down);
  g_test_add ("/probe/user-identity/no-response", Fixture, NULL, fixture_set_up,
              test_user_identity, fixture_tear_down);
  g_test_add ("/probe/user-identity/not-probed", Fixture, NULL, fixture_set_up,
              test_no_user_identity, fixture_tear_down);
  g_test_add ("/probe/rejected", Fixture, NULL, fixture_set_up, test_rejected,
              fixture_tear_down);
  g_test_add ("/probe/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);
  g_test_add ("/probe/exports", Fixture, NULL, fixture_set_up, test_exports, fixture_tear_down);
  g_test_add ("/probe/tls", Fixture, NULL, fixture_set_up, test_tls, fixture_tear_down);
  g_test_add_func ("/probe/services-parse", test_services_parse);
  return g_test_run ();
}
