/* test-negotiation-users.c — the acceptor's user list for User Identity
 * Negotiation (PS3.7 §D.3.3.7): parsing, verification, the -AC or -RJ it
 * leads to, and passcodes kept out of every text and recording */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "dcm-uid.h"
#include "dimse-negotiation.h"
#include "dimse-recorder.h"

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static DimseUserIdentity *
identity (DimseUserIdentityType type, const char *primary, const char *secondary)
{
  g_autoptr (GBytes) p = text_bytes (primary);
  g_autoptr (GBytes) s = secondary != NULL ? text_bytes (secondary) : NULL;

  return dimse_user_identity_new (type, TRUE, p, s);
}

static gboolean
verify (const DimseUserList *list, DimseUserIdentityType type, const char *primary,
        const char *secondary)
{
  DimseUserIdentity *ui = identity (type, primary, secondary);
  gboolean ok = dimse_user_list_verify (list, ui);

  dimse_user_identity_free (ui);
  return ok;
}

static DimseUserList *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  DimseUserList *list = dimse_user_list_new_from_data (text, strlen (text), "test", &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static void
test_parse_lines (void)
{
  g_autoptr (DimseUserList) list =
    parse_ok ("# users of the reading room\r\n"
              "alice:s3cret\r\n"
              "\n"
              "bob:pass:with:colons\n"
              "modality\n"
              "empty:\n");

  g_assert_cmpuint (dimse_user_list_get_n_users (list), ==, 4);
  g_assert_true (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3cret"));
  g_assert_true (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "bob",
                         "pass:with:colons"));
  g_assert_true (verify (list, DIMSE_USER_IDENTITY_USERNAME, "modality", NULL));
  /* An empty passcode is a passcode: the username alone is not enough. */
  g_assert_true (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "empty", ""));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME, "empty", NULL));
}

static void
test_parse_json (void)
{
  g_autoptr (DimseUserList) array =
    parse_ok ("[{\"username\": \"alice\", \"passcode\": \"s3cret\"}, {\"username\": \"pacs\"}]");
  g_autoptr (DimseUserList) object =
    parse_ok ("  {\"users\": [{\"username\": \"carol\", \"passcode\": \"x\"}]}");

  g_assert_cmpuint (dimse_user_list_get_n_users (array), ==, 2);
  g_assert_true (verify (array, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3cret"));
  g_assert_true (verify (array, DIMSE_USER_IDENTITY_USERNAME, "pacs", NULL));
  g_assert_true (verify (object, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "carol", "x"));
  g_assert_false (verify (object, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3cret"));
}

static void
test_parse_errors (void)
{
  static const struct {
    const char *text;
    gsize length;  /* 0: strlen */
    const char *words;
  } cases[] = {
    { "", 0, "names no user" },
    { "# nobody\n", 0, "names no user" },
    { "alice:one\nalice:two-secret\n", 0, "line 2: the username is listed twice" },
    { ":nameless-secret\n", 0, "line 1: a username must be" },
    { "[{\"passcode\": \"orphan-secret\"}]", 0, "\"username\" string" },
    { "[{\"username\": \"a\", \"passcode\": 42}]", 0, "\"passcode\" is a string" },
    { "{\"people\": []}", 0, "\"users\" array" },
    { "[{\"username\": \"a\", \"passcode\": \"secret", 0, "not JSON that parses" },
    { "alice:se\0cret\n", 14, "NUL byte" },
    { "alice:\xff\xfe\n", 0, "not UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize length = cases[i].length != 0 ? cases[i].length : strlen (cases[i].text);
      g_autoptr (DimseUserList) list =
        dimse_user_list_new_from_data (cases[i].text, length, "“users.txt”", &error);

      g_assert_null (list);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, "“users.txt”"));
      g_assert_nonnull (strstr (error->message, cases[i].words));
      /* The words name the line, never what a passcode was. */
      g_assert_null (strstr (error->message, "secret"));
    }
}

static void
test_parse_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("users-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "users", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autoptr (DimseUserList) list = NULL;
  g_autoptr (DimseUserList) none = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "alice:s3cret\n", -1, &error));
  list = dimse_user_list_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3cret"));
  none = dimse_user_list_new_from_file (missing, &error);
  g_assert_null (none);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_verify (void)
{
  g_autoptr (DimseUserList) list = dimse_user_list_new ();

  dimse_user_list_add (list, "alice", "s3cret");
  dimse_user_list_add (list, "modality", NULL);
  g_assert_true (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3cret"));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3creT"));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3cre"));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3crets"));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", ""));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "Alice", "s3cret"));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "mallory", "s3cret"));
  /* A user with a passcode cannot come in on the username alone. */
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME, "alice", NULL));
  g_assert_true (verify (list, DIMSE_USER_IDENTITY_USERNAME, "modality", NULL));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "modality", "x"));
  /* Tickets, assertions and tokens cannot be checked against a list. */
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_KERBEROS, "alice", NULL));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_SAML, "alice", NULL));
  g_assert_false (verify (list, DIMSE_USER_IDENTITY_JWT, "alice", NULL));
  g_assert_false (dimse_user_list_verify (list, NULL));
  {
    /* A username with a NUL inside is not the listed one cut short. */
    static const char name[] = { 'a', 'l', 'i', 'c', 'e', '\0', 'x' };
    g_autoptr (GBytes) p = g_bytes_new_static (name, sizeof name);
    g_autoptr (GBytes) s = text_bytes ("s3cret");
    DimseUserIdentity *ui =
      dimse_user_identity_new (DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, FALSE, p, s);

    g_assert_false (dimse_user_list_verify (list, ui));
    dimse_user_identity_free (ui);
  }
}

/* ---- on the wire ---- */

static DimsePdu *
wire (const DimsePdu *pdu)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = dimse_pdu_encode (pdu, &error);
  DimsePdu *out = NULL;

  g_assert_no_error (error);
  g_assert_true (dimse_pdu_decode (bytes, NULL, &out, &error));
  g_assert_no_error (error);
  return out;
}

static DimsePdu *
rq_for (DimseUserIdentityType type, const char *primary, const char *secondary)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("MODALITY", "ARCHIVE");
  g_autoptr (GError) error = NULL;
  g_autoptr (DimsePdu) rq = NULL;

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  if (primary != NULL)
    {
      g_autoptr (GBytes) p = text_bytes (primary);
      g_autoptr (GBytes) s = secondary != NULL ? text_bytes (secondary) : NULL;

      dimse_association_params_set_user_identity (params, type, p, s, TRUE);
    }
  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  return wire (rq);
}

static DimsePdu *
answer (const DimseAcceptorPolicy *policy, const DimsePdu *rq)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autoptr (DimsePdu) reply = NULL;

  g_assert_true (dimse_negotiation_accept (policy, rq, &result, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result->accepted, ==, reply->type == DIMSE_PDU_ASSOCIATE_AC);
  return wire (reply);
}

static void
test_policy_accepts (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default ("ARCHIVE");
  g_autoptr (DimseUserList) list = dimse_user_list_new ();
  g_autoptr (DimsePdu) rq = NULL;
  g_autoptr (DimsePdu) ac = NULL;
  GBytes *response;

  dimse_user_list_add (list, "alice", "s3cret");
  dimse_acceptor_policy_set_user_list (policy, g_steal_pointer (&list));
  rq = rq_for (DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "s3cret");
  ac = answer (policy, rq);
  g_assert_cmpint (ac->type, ==, DIMSE_PDU_ASSOCIATE_AC);
  /* PS3.7 §D.3.3.7.2: asked for, the response is there, empty for type 2. */
  response = ac->associate->user_info->user_identity_server_response;
  g_assert_nonnull (response);
  g_assert_cmpuint (g_bytes_get_size (response), ==, 0);
}

static void
test_policy_rejects (void)
{
  static const struct {
    DimseUserIdentityType type;
    const char *primary, *secondary;
  } cases[] = {
    { DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "wrong" },
    { DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "mallory", "s3cret" },
    { DIMSE_USER_IDENTITY_USERNAME, "alice", NULL },
    { DIMSE_USER_IDENTITY_JWT, "eyJhbGciOiJub25lIn0.e30.", NULL },
    { DIMSE_USER_IDENTITY_USERNAME, NULL, NULL },  /* no identity at all */
  };
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default ("ARCHIVE");
  DimseUserList *list = dimse_user_list_new ();

  dimse_user_list_add (list, "alice", "s3cret");
  dimse_acceptor_policy_set_user_list (policy, list);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (DimsePdu) rq = rq_for (cases[i].type, cases[i].primary, cases[i].secondary);
      g_autoptr (DimsePdu) rj = answer (policy, rq);
      g_autofree char *words = NULL;

      g_assert_cmpint (rj->type, ==, DIMSE_PDU_ASSOCIATE_RJ);
      g_assert_cmpuint (rj->associate_rj.result, ==, DIMSE_RJ_RESULT_PERMANENT);
      g_assert_cmpuint (rj->associate_rj.source, ==, DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE);
      g_assert_cmpuint (rj->associate_rj.reason, ==, DIMSE_RJ_REASON_NO_REASON_GIVEN);
      words = dimse_associate_rj_describe (&rj->associate_rj);
      g_assert_cmpstr (words, ==, "Rejected Permanent, Service Provider (ACSE Related), No Reason");
    }
}

static gboolean
bytes_contain (GBytes *bytes, const char *text)
{
  gsize n = 0;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  gsize len = strlen (text);

  for (gsize i = 0; len <= n && i <= n - len; i++)
    if (memcmp (data + i, text, len) == 0)
      return TRUE;
  return FALSE;
}

/* The passcode, ticket or token goes over the wire, but never into the
 * text of a PDU, the recorder's details or the raw bytes it keeps. */
static void
test_credentials_never_shown (void)
{
  static const struct {
    DimseUserIdentityType type;
    const char *primary, *secondary, *credential, *shown;
  } cases[] = {
    { DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice", "Hunter2Secret", "Hunter2Secret",
      "alice" },
    { DIMSE_USER_IDENTITY_KERBEROS, "KerberosTicketBytes", NULL, "KerberosTicketBytes", NULL },
    { DIMSE_USER_IDENTITY_SAML, "<saml:Assertion/>", NULL, "<saml:Assertion/>", NULL },
    { DIMSE_USER_IDENTITY_JWT, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", NULL, "eyJhbGciOiJIUzI1NiJ9",
      NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (DimsePdu) rq = rq_for (cases[i].type, cases[i].primary, cases[i].secondary);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) raw = dimse_pdu_encode (rq, &error);
      g_autofree char *text = dimse_pdu_to_string (rq);
      g_autoptr (DimseRecorder) rec = dimse_recorder_new ();
      g_autoptr (DimseTrafficEvent) event = NULL;
      guint id;

      g_assert_no_error (error);
      g_assert_true (bytes_contain (raw, cases[i].credential));
      g_assert_null (strstr (text, cases[i].credential));
      g_assert_nonnull (strstr (text, dimse_user_identity_type_to_string (cases[i].type)));
      if (cases[i].shown != NULL)
        g_assert_nonnull (strstr (text, cases[i].shown));
      id = dimse_recorder_begin_association (rec, NULL, NULL, "MODALITY", "ARCHIVE", FALSE);
      dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, raw);
      for (guint e = 0; e < g_list_model_get_n_items (G_LIST_MODEL (rec)); e++)
        {
          g_autoptr (DimseTrafficEvent) ev = g_list_model_get_item (G_LIST_MODEL (rec), e);

          if (dimse_traffic_event_get_kind (ev) == DIMSE_TRAFFIC_KIND_PDU)
            event = g_steal_pointer (&ev);
        }
      g_assert_nonnull (event);
      g_assert_null (strstr (dimse_traffic_event_get_details (event), cases[i].credential));
      g_assert_nonnull (dimse_traffic_event_get_raw_bytes (event));
      g_assert_false (bytes_contain (dimse_traffic_event_get_raw_bytes (event),
                                     cases[i].credential));
      g_assert_cmpuint (g_bytes_get_size (dimse_traffic_event_get_raw_bytes (event)), ==,
                        g_bytes_get_size (raw));
      if (cases[i].shown != NULL)
        g_assert_true (bytes_contain (dimse_traffic_event_get_raw_bytes (event),
                                      cases[i].shown));
    }
}

/* An A-ASSOCIATE-RQ that does not decode is kept whole for the hex view,
 * but not its passcode: the last byte cut off (the PDU length follows)
 * leaves a User Identity item that still looks like one. */
static void
test_credentials_masked_when_malformed (void)
{
  g_autoptr (DimsePdu) rq = rq_for (DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE, "alice",
                                    "Hunter2Secret");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = dimse_pdu_encode (rq, &error);
  gsize n = 0;
  const guint8 *data = g_bytes_get_data (raw, &n);
  g_autofree guint8 *cut = g_memdup2 (data, n - 1);
  g_autoptr (GBytes) malformed = NULL;
  g_autoptr (DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr (DimseTrafficEvent) event = NULL;
  guint32 length = (guint32) (n - 1 - 6);
  guint id;

  g_assert_no_error (error);
  cut[2] = (guint8) (length >> 24);
  cut[3] = (guint8) (length >> 16);
  cut[4] = (guint8) (length >> 8);
  cut[5] = (guint8) length;
  malformed = g_bytes_new (cut, n - 1);
  g_assert_true (bytes_contain (malformed, "Hunter2Secre"));
  id = dimse_recorder_begin_association (rec, NULL, NULL, "MODALITY", "ARCHIVE", FALSE);
  dimse_recorder_record_pdu (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, malformed);
  for (guint e = 0; e < g_list_model_get_n_items (G_LIST_MODEL (rec)); e++)
    {
      g_autoptr (DimseTrafficEvent) ev = g_list_model_get_item (G_LIST_MODEL (rec), e);

      if (dimse_traffic_event_get_kind (ev) == DIMSE_TRAFFIC_KIND_PDU)
        event = g_steal_pointer (&ev);
    }
  g_assert_nonnull (event);
  g_assert_true (dimse_traffic_event_get_malformed (event));
  g_assert_cmpuint (g_bytes_get_size (dimse_traffic_event_get_raw_bytes (event)), ==, n - 1);
  g_assert_false (bytes_contain (dimse_traffic_event_get_raw_bytes (event), "Hunter"));
  g_assert_true (bytes_contain (dimse_traffic_event_get_raw_bytes (event), "alice"));
  g_assert_null (strstr (dimse_traffic_event_get_details (event), "Hunter"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/negotiation-users/parse/lines", test_parse_lines);
  g_test_add_func ("/negotiation-users/parse/json", test_parse_json);
  g_test_add_func ("/negotiation-users/parse/errors", test_parse_errors);
  g_test_add_func ("/negotiation-users/parse/file", test_parse_file);
  g_test_add_func ("/negotiation-users/verify", test_verify);
  g_test_add_func ("/negotiation-users/policy/accepts", test_policy_accepts);
  g_test_add_func ("/negotiation-users/policy/rejects", test_policy_rejects);
  g_test_add_func ("/negotiation-users/credentials-never-shown", test_credentials_never_shown);
  g_test_add_func ("/negotiation-users/credentials-masked-when-malformed",
                   test_credentials_masked_when_malformed);
  return g_test_run ();
}
