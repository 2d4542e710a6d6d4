/* test-nservice.c — the DIMSE-N services between the project's SCU
 * (dimse-nservice) and SCP (dimse-nservice-provider) over loopback: every
 * operation round-trips, each status path of PS3.7 Annex C the provider
 * produces is decoded with its fields, and malformed requests leave the
 * association usable */
#include "config.h"

#include <string.h>

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-nservice.h"
#include "dimse-nservice-provider.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "test-wait.h"

/* The managed class with every operation, one with N-GET only, one the
 * acceptor takes but the provider does not manage. */
#define MANAGED_CLASS DCM_UID_BASIC_FILM_SESSION
#define GET_ONLY_CLASS DCM_UID_PRINTER
#define UNMANAGED_CLASS DCM_UID_BASIC_FILM_BOX
#define KNOWN_INSTANCE "1.2.826.0.1.3680043.10.99.1"
#define PRINTER_INSTANCE DCM_UID_PRINTER_INSTANCE

typedef struct {
  GMainContext     *context;
  DimseServer      *server;
  DimseNProvider   *provider;
  DimseAssociation *assoc;
  /* the last "event-report" and "changed" */
  guint             event_type_id;
  char             *event_instance;
  guint             n_changed;
} Fixture;

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Fixture *f = user_data;

  dimse_n_provider_attach (f->provider, assoc);
  dimse_echo_scp_attach (assoc);
}

static void
on_event_report (DimseNProvider *provider, DimseAssociation *assoc, const char *sop_class_uid,
                 const char *sop_instance_uid, guint event_type_id, DcmDataSet *info,
                 gpointer user_data)
{
  Fixture *f = user_data;

  f->event_type_id = event_type_id;
  g_free (f->event_instance);
  f->event_instance = g_strdup (sop_instance_uid);
}

static void
on_changed (DimseNProvider *provider, const char *sop_class_uid, const char *sop_instance_uid,
            guint command, gpointer user_data)
{
  ((Fixture *) user_data)->n_changed++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("NSCP");
  g_autoptr(DcmDataSet) attrs = dcm_data_set_new ();
  g_autoptr(DcmDataSet) printer = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  const guint32 settable[] = { DCM_TAG_NUMBER_OF_COPIES, DCM_TAG_MEDIUM_TYPE };

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->provider = dimse_n_provider_new ();
  dimse_n_provider_add_sop_class (f->provider, MANAGED_CLASS, DIMSE_N_OP_ALL, NULL, NULL, NULL);
  dimse_n_provider_set_settable_attributes (f->provider, MANAGED_CLASS, settable,
                                            G_N_ELEMENTS (settable));
  dimse_n_provider_set_max_instances (f->provider, MANAGED_CLASS, 3);
  dimse_n_provider_add_sop_class (f->provider, GET_ONLY_CLASS, DIMSE_N_OP_GET, NULL, NULL, NULL);
  g_assert_true (dcm_data_set_set_string (attrs, DCM_TAG_NUMBER_OF_COPIES, DCM_VR_NONE, "1",
                                          NULL));
  g_assert_true (dcm_data_set_set_string (attrs, DCM_TAG_MEDIUM_TYPE, DCM_VR_NONE, "PAPER",
                                          NULL));
  g_assert_true (dimse_n_provider_add_instance (f->provider, MANAGED_CLASS, KNOWN_INSTANCE,
                                                attrs, &error));
  g_assert_true (dcm_data_set_set_string (printer, DCM_TAG_PRINTER_STATUS, DCM_VR_NONE,
                                          "NORMAL", NULL));
  g_assert_true (dimse_n_provider_add_instance (f->provider, GET_ONLY_CLASS, PRINTER_INSTANCE,
                                                printer, &error));
  g_assert_no_error (error);
  g_signal_connect (f->provider, "event-report", G_CALLBACK (on_event_report), f);
  g_signal_connect (f->provider, "changed", G_CALLBACK (on_changed), f);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, MANAGED_CLASS, DIMSE_ROLE_BOTH);
  dimse_acceptor_policy_add_sop_class (policy, GET_ONLY_CLASS, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, UNMANAGED_CLASS, DIMSE_ROLE_SCP);
  f->server = dimse_server_new (policy, NULL);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_association_started), f);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
}

static void
fixture_associate (Fixture *f, const char *calling_ae_title)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new (calling_ae_title,
                                                                           "NSCP");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, MANAGED_CLASS, NULL, DIMSE_ROLE_BOTH);
  dimse_association_params_add_context (params, GET_ONLY_CLASS, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, UNMANAGED_CLASS, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->assoc != NULL && dimse_association_is_established (f->assoc))
    dimse_association_abort (f->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_clear_object (&f->assoc);
  dimse_server_stop (f->server);
  test_drain ();
  g_clear_object (&f->server);
  g_clear_object (&f->provider);
  g_clear_pointer (&f->event_instance, g_free);
  test_drain ();
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static DimseNResult *
run (Fixture *f, const DimseNRequest *request)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  DimseNResult *result;

  dimse_n_request_async (f->assoc, request, NULL, test_waiter_done, &w);
  result = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N- response"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  test_waiter_clear (&w);
  return result;
}

static void
assert_usable (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  dimse_echo_async (f->assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_echo_finish (f->assoc, test_waiter_wait (&w, "the C-ECHO"), &status,
                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  test_waiter_clear (&w);
}

static DcmDataSet *
data_set_with (guint32 tag, const char *value)
{
  DcmDataSet *ds = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, NULL));
  return ds;
}

/* ---- the table of status paths ---- */

typedef struct {
  const char        *path;
  DimseCommandField  command;
  const char        *sop_class_uid;
  const char        *sop_instance_uid;
  guint16            type_id;
  guint32            get_tags[2];
  guint32            set_tag;       /* with set_value: the request's data set */
  const char        *set_value;
  guint16            expected_status;
  const char        *expected_meaning;  /* in the decoded description */
  guint32            expected_attribute;  /* in the Attribute Identifier List; 0 none */
} StatusCase;

static const StatusCase status_cases[] = {
  { "/nservice/status/get-all", DIMSE_N_GET_RQ, MANAGED_CLASS, KNOWN_INSTANCE, 0, { 0 },
    0, NULL, 0x0000, "Success", 0 },
  { "/nservice/status/get-attribute-list-error", DIMSE_N_GET_RQ, MANAGED_CLASS, KNOWN_INSTANCE,
    0, { DCM_TAG_MEDIUM_TYPE, DCM_TAG_FILM_DESTINATION }, 0, NULL, 0x0107,
    "Attribute List Error", DCM_TAG_FILM_DESTINATION },
  { "/nservice/status/get-no-such-instance", DIMSE_N_GET_RQ, MANAGED_CLASS, "1.2.3.4.404", 0,
    { 0 }, 0, NULL, 0x0112, "No Such SOP Instance", 0 },
  { "/nservice/status/get-class-instance-conflict", DIMSE_N_GET_RQ, MANAGED_CLASS,
    PRINTER_INSTANCE, 0, { 0 }, 0, NULL, 0x0119, "Class-Instance Conflict", 0 },
  { "/nservice/status/get-no-such-class", DIMSE_N_GET_RQ, UNMANAGED_CLASS, KNOWN_INSTANCE, 0,
    { 0 }, 0, NULL, 0x0118, "No Such SOP Class", 0 },
  { "/nservice/status/set-unrecognized-operation", DIMSE_N_SET_RQ, GET_ONLY_CLASS,
    PRINTER_INSTANCE, 0, { 0 }, DCM_TAG_PRINTER_STATUS, "FAILURE", 0x0211,
    "Unrecognized Operation", 0 },
  { "/nservice/status/set-ok", DIMSE_N_SET_RQ, MANAGED_CLASS, KNOWN_INSTANCE, 0, { 0 },
    DCM_TAG_NUMBER_OF_COPIES, "2", 0x0000, "Success", 0 },
  { "/nservice/status/set-no-such-instance", DIMSE_N_SET_RQ, MANAGED_CLASS, "1.2.3.4.404", 0,
    { 0 }, DCM_TAG_NUMBER_OF_COPIES, "2", 0x0112, "No Such SOP Instance", 0 },
  { "/nservice/status/set-no-such-attribute", DIMSE_N_SET_RQ, MANAGED_CLASS, KNOWN_INSTANCE, 0,
    { 0 }, DCM_TAG_FILM_DESTINATION, "BIN_1", 0x0105, "No Such Attribute",
    DCM_TAG_FILM_DESTINATION },
  { "/nservice/status/set-invalid-attribute-value", DIMSE_N_SET_RQ, MANAGED_CLASS,
    KNOWN_INSTANCE, 0, { 0 }, DCM_TAG_NUMBER_OF_COPIES, "two", 0x0106,
    "Invalid Attribute Value", 0 },
  { "/nservice/status/create-duplicate", DIMSE_N_CREATE_RQ, MANAGED_CLASS, KNOWN_INSTANCE, 0,
    { 0 }, 0, NULL, 0x0111, "Duplicate SOP Instance", 0 },
  { "/nservice/status/create-invalid-instance", DIMSE_N_CREATE_RQ, MANAGED_CLASS, "1.2.03", 0,
    { 0 }, 0, NULL, 0x0117, "Invalid Object Instance", 0 },
  { "/nservice/status/action-no-such-action-type", DIMSE_N_ACTION_RQ, MANAGED_CLASS,
    KNOWN_INSTANCE, 7, { 0 }, 0, NULL, 0x0123, "No Such Action Type", 0 },
  { "/nservice/status/delete-no-such-instance", DIMSE_N_DELETE_RQ, MANAGED_CLASS,
    "1.2.3.4.404", 0, { 0 }, 0, NULL, 0x0112, "No Such SOP Instance", 0 },
  { "/nservice/status/event-report", DIMSE_N_EVENT_REPORT_RQ, MANAGED_CLASS, KNOWN_INSTANCE, 3,
    { 0 }, DCM_TAG_MEDIUM_TYPE, "FILM", 0x0000, "Success", 0 },
};

static void
test_status_case (Fixture *f, gconstpointer data)
{
  const StatusCase *c = data;
  g_autoptr(DcmDataSet) ds = c->set_tag != 0 ? data_set_with (c->set_tag, c->set_value) : NULL;
  g_autoptr(DimseNResult) result = NULL;
  guint n_tags = c->get_tags[1] != 0 ? 2 : c->get_tags[0] != 0 ? 1 : 0;
  DimseNRequest request = {
    .command = c->command, .sop_class_uid = c->sop_class_uid,
    .sop_instance_uid = c->sop_instance_uid, .type_id = c->type_id,
    .attribute_tags = c->get_tags, .n_attribute_tags = n_tags, .data_set = ds,
  };

  fixture_associate (f, "NSCU");
  result = run (f, &request);
  g_assert_cmphex (result->status, ==, c->expected_status);
  g_assert_cmpuint (result->command, ==, dimse_command_field_response (c->command));
  g_assert_nonnull (strstr (result->description, c->expected_meaning));
  if (dimse_status_class (c->expected_status) == DIMSE_STATUS_FAILURE)
    g_assert_nonnull (result->error_comment);
  if (c->expected_attribute != 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < result->attribute_identifiers->len; i++)
        found |= g_array_index (result->attribute_identifiers, guint32, i)
                 == c->expected_attribute;
      g_assert_true (found);
    }
  if (c->command == DIMSE_N_EVENT_REPORT_RQ)
    {
      g_assert_cmpuint (f->event_type_id, ==, c->type_id);
      g_assert_cmpstr (f->event_instance, ==, c->sop_instance_uid);
    }
  assert_usable (f);
}

/* ---- whole round trips ---- */

static guint16
get_number_of_copies (Fixture *f, const char *instance)
{
  const guint32 tags[] = { DCM_TAG_NUMBER_OF_COPIES };
  DimseNRequest request = {
    .command = DIMSE_N_GET_RQ, .sop_class_uid = MANAGED_CLASS, .sop_instance_uid = instance,
    .attribute_tags = tags, .n_attribute_tags = 1,
  };
  g_autoptr(DimseNResult) result = run (f, &request);
  gint64 copies = -1;

  if (result->status != 0x0000)
    return result->status;
  g_assert_nonnull (result->data_set);
  g_assert_true (dcm_data_set_get_int64 (result->data_set, DCM_TAG_NUMBER_OF_COPIES, 0, &copies,
                                         NULL));
  /* only what was asked for */
  g_assert_false (dcm_data_set_contains (result->data_set, DCM_TAG_MEDIUM_TYPE));
  return (guint16) (0xC000 + copies);
}

static void
test_set_then_get (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) mods = data_set_with (DCM_TAG_NUMBER_OF_COPIES, "4");
  g_autoptr(DimseNResult) result = NULL;
  TestWaiter w = { 0 };

  fixture_associate (f, "NSCU");
  g_assert_cmphex (get_number_of_copies (f, KNOWN_INSTANCE), ==, 0xC001);
  dimse_n_set_async (f->assoc, MANAGED_CLASS, KNOWN_INSTANCE, mods, NULL, test_waiter_done, &w);
  result = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N-SET"), NULL);
  test_waiter_clear (&w);
  g_assert_cmphex (result->status, ==, 0x0000);
  g_assert_cmpuint (f->n_changed, ==, 1);
  g_assert_cmphex (get_number_of_copies (f, KNOWN_INSTANCE), ==, 0xC004);
}

static void
test_create_assigns_uid_then_delete (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) attrs = data_set_with (DCM_TAG_NUMBER_OF_COPIES, "3");
  g_autoptr(DimseNResult) created = NULL;
  g_autoptr(DimseNResult) deleted = NULL;
  TestWaiter w = { 0 };

  fixture_associate (f, "NSCU");
  dimse_n_create_async (f->assoc, MANAGED_CLASS, NULL, attrs, NULL, test_waiter_done, &w);
  created = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N-CREATE"), NULL);
  test_waiter_clear (&w);
  g_assert_cmphex (created->status, ==, 0x0000);
  /* PS3.7 §10.1.5.1.4: the SCP assigned it and says which */
  g_assert_nonnull (created->affected_sop_instance_uid);
  g_assert_nonnull (dimse_n_provider_lookup (f->provider, created->affected_sop_instance_uid,
                                             NULL));
  g_assert_cmphex (get_number_of_copies (f, created->affected_sop_instance_uid), ==, 0xC003);
  dimse_n_delete_async (f->assoc, MANAGED_CLASS, created->affected_sop_instance_uid, NULL,
                        test_waiter_done, &w);
  deleted = dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N-DELETE"), NULL);
  test_waiter_clear (&w);
  g_assert_cmphex (deleted->status, ==, 0x0000);
  g_assert_cmphex (get_number_of_copies (f, created->affected_sop_instance_uid), ==, 0x0112);
}

static void
test_create_with_uid_and_limit (Fixture *f, gconstpointer data)
{
  static const char *const uids[] = { "1.2.3.4.1", "1.2.3.4.2", "1.2.3.4.3" };
  guint16 statuses[G_N_ELEMENTS (uids)];

  fixture_associate (f, "NSCU");
  for (gsize i = 0; i < G_N_ELEMENTS (uids); i++)
    {
      DimseNRequest request = {
        .command = DIMSE_N_CREATE_RQ, .sop_class_uid = MANAGED_CLASS,
        .sop_instance_uid = uids[i],
      };
      g_autoptr(DimseNResult) result = run (f, &request);

      statuses[i] = result->status;
      if (result->status == 0x0000)
        g_assert_cmpstr (result->affected_sop_instance_uid, ==, uids[i]);
    }
  /* three allowed, one there already */
  g_assert_cmphex (statuses[0], ==, 0x0000);
  g_assert_cmphex (statuses[1], ==, 0x0000);
  g_assert_cmphex (statuses[2], ==, 0x0213);
  g_assert_cmpuint (dimse_n_provider_get_n_instances (f->provider, MANAGED_CLASS), ==, 3);
}

static void
test_not_authorized (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) mods = data_set_with (DCM_TAG_NUMBER_OF_COPIES, "9");
  DimseNRequest set = {
    .command = DIMSE_N_SET_RQ, .sop_class_uid = MANAGED_CLASS,
    .sop_instance_uid = KNOWN_INSTANCE, .data_set = mods,
  };
  g_autoptr(DimseNResult) refused = NULL;

  dimse_n_provider_add_authorized_ae_title (f->provider, "TRUSTED");
  fixture_associate (f, "STRANGER");
  refused = run (f, &set);
  g_assert_cmphex (refused->status, ==, 0x0124);
  g_assert_nonnull (strstr (refused->description, "Not Authorized"));
  /* reading stays allowed */
  g_assert_cmphex (get_number_of_copies (f, KNOWN_INSTANCE), ==, 0xC001);
}

/* ---- malformed requests ---- */

static DimseMessage *
send_raw (Fixture *f, DimseMessage *rq, guint16 message_id)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  DimseMessage *rsp;
  guint8 pc_id = dimse_negotiation_result_find_context (dimse_association_get_negotiation (f->assoc),
                                                        MANAGED_CLASS, NULL, DIMSE_ROLE_SCU);

  dimse_association_send_message_async (f->assoc, pc_id, rq, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_send_message_finish (f->assoc,
                                                        test_waiter_wait (&w, "the send"),
                                                        &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  dimse_association_receive_response_async (f->assoc, message_id, NULL, test_waiter_done, &w);
  rsp = dimse_association_receive_response_finish (f->assoc,
                                                   test_waiter_wait (&w, "the response"), NULL,
                                                   &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  return rsp;
}

static void
test_missing_requested_instance (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(DcmDataSet) mods = data_set_with (DCM_TAG_NUMBER_OF_COPIES, "2");
  g_autofree char *description = NULL;
  guint16 status = 0;

  fixture_associate (f, "NSCU");
  rq = dimse_message_new_n_set_rq (41, MANAGED_CLASS, KNOWN_INSTANCE, NULL);
  dimse_message_remove (rq, DCM_TAG_REQUESTED_SOP_INSTANCE_UID);
  dimse_message_set_data_set (rq, mods);
  rsp = send_raw (f, rq, 41);
  g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
  /* PS3.7 Annex C: the failure the N- services list for a bad parameter */
  g_assert_cmphex (status, ==, 0x0212);
  description = dimse_status_describe (status, DIMSE_N_SET_RQ, dimse_message_get_command (rsp));
  g_assert_nonnull (strstr (description, "Mistyped Argument"));
  g_assert_nonnull (strstr (description, "Requested SOP Instance UID"));
  g_assert_cmphex (get_number_of_copies (f, KNOWN_INSTANCE), ==, 0xC001);
  assert_usable (f);
}

static void
test_set_unknown_instance_then_usable (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) mods = data_set_with (DCM_TAG_NUMBER_OF_COPIES, "2");
  DimseNRequest set = {
    .command = DIMSE_N_SET_RQ, .sop_class_uid = MANAGED_CLASS,
    .sop_instance_uid = "1.2.3.4.404", .data_set = mods,
  };
  g_autoptr(DimseNResult) result = NULL;

  fixture_associate (f, "NSCU");
  result = run (f, &set);
  g_assert_cmphex (result->status, ==, 0x0112);
  g_assert_cmpstr (result->affected_sop_instance_uid, ==, "1.2.3.4.404");
  g_assert_cmpuint (f->n_changed, ==, 0);
  g_assert_cmphex (get_number_of_copies (f, KNOWN_INSTANCE), ==, 0xC001);
  assert_usable (f);
}

static void
test_no_context (Fixture *f, gconstpointer data)
{
  DimseNRequest get = {
    .command = DIMSE_N_GET_RQ, .sop_class_uid = DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
    .sop_instance_uid = KNOWN_INSTANCE,
  };
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  fixture_associate (f, "NSCU");
  dimse_n_request_async (f->assoc, &get, NULL, test_waiter_done, &w);
  g_assert_null (dimse_n_request_finish (f->assoc, test_waiter_wait (&w, "the N-GET"), &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_NO_PRESENTATION_CONTEXT);
  test_waiter_clear (&w);
  assert_usable (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (status_cases); i++)
    g_test_add (status_cases[i].path, Fixture, &status_cases[i], fixture_set_up,
                test_status_case, fixture_tear_down);
  g_test_add ("/nservice/set-then-get", Fixture, NULL, fixture_set_up, test_set_then_get,
              fixture_tear_down);
  g_test_add ("/nservice/create/scp-assigns-uid-then-delete", Fixture, NULL, fixture_set_up,
              test_create_assigns_uid_then_delete, fixture_tear_down);
  g_test_add ("/nservice/create/with-uid-and-resource-limitation", Fixture, NULL,
              fixture_set_up, test_create_with_uid_and_limit, fixture_tear_down);
  g_test_add ("/nservice/status/not-authorized", Fixture, NULL, fixture_set_up,
              test_not_authorized, fixture_tear_down);
  g_test_add ("/nservice/malformed/missing-requested-instance", Fixture, NULL, fixture_set_up,
              test_missing_requested_instance, fixture_tear_down);
  g_test_add ("/nservice/malformed/set-unknown-instance", Fixture, NULL, fixture_set_up,
              test_set_unknown_instance_then_usable, fixture_tear_down);
  g_test_add ("/nservice/no-presentation-context", Fixture, NULL, fixture_set_up,
              test_no_context, fixture_tear_down);
  return g_test_run ();
}
