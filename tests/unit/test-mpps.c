/* test-mpps.c — Modality Performed Procedure Step (PS3.4 Annex F.7)
 * between the project's SCU and SCP over loopback: a step created IN
 * PROGRESS, changed, completed, and every state rule the SCP enforces with
 * the status PS3.4 and PS3.7 Annex C give it */
#include "config.h"

#include <string.h>

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-error.h"
#include "dimse-mpps.h"
#include "dimse-server.h"
#include "test-wait.h"

#define STEP "1.2.826.0.1.3680043.10.1247.55.1"

typedef struct {
  GMainContext     *context;
  DimseServer      *server;
  DimseNProvider   *provider;
  DimseAssociation *assoc;
} Fixture;

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  dimse_n_provider_attach (((Fixture *) user_data)->provider, assoc);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("MPPSSCP");
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("MODALITY",
                                                                           "MPPSSCP");
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->provider = dimse_n_provider_new ();
  dimse_mpps_scp_register (f->provider);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
                                       DIMSE_ROLE_SCP);
  f->server = dimse_server_new (policy, NULL);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_association_started), f);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  dimse_association_params_add_context (params, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP, NULL,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (dimse_association_is_established (f->assoc))
    dimse_association_abort (f->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_clear_object (&f->assoc);
  dimse_server_stop (f->server);
  test_drain ();
  g_clear_object (&f->server);
  g_clear_object (&f->provider);
  test_drain ();
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static DimseNResult *
finish (Fixture *f, TestWaiter *w)
{
  g_autoptr(GError) error = NULL;
  DimseNResult *result = dimse_n_request_finish (f->assoc, test_waiter_wait (w, "the response"),
                                                 &error);

  g_assert_no_error (error);
  test_waiter_clear (w);
  return result;
}

static DimseNResult *
create (Fixture *f, DcmDataSet *attrs)
{
  TestWaiter w = { 0 };

  dimse_mpps_create_async (f->assoc, STEP, attrs, NULL, test_waiter_done, &w);
  return finish (f, &w);
}

static DimseNResult *
set (Fixture *f, DcmDataSet *mods)
{
  TestWaiter w = { 0 };

  dimse_mpps_set_async (f->assoc, STEP, mods, NULL, test_waiter_done, &w);
  return finish (f, &w);
}

static void
create_in_progress (Fixture *f)
{
  g_autoptr(DcmDataSet) attrs = dcm_data_set_new ();
  g_autoptr(DimseNResult) result = NULL;

  g_assert_true (dimse_mpps_fill_in_progress (attrs, "MODALITY", NULL));
  result = create (f, attrs);
  g_assert_cmphex (result->status, ==, 0x0000);
  g_assert_cmpstr (result->affected_sop_instance_uid, ==, STEP);
}

static char *
stored_status (Fixture *f)
{
  DcmDataSet *attrs = dimse_n_provider_lookup (f->provider, STEP, NULL);

  g_assert_nonnull (attrs);
  return dcm_data_set_dup_string (attrs, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS);
}

static gboolean
lists (const DimseNResult *result, guint32 tag)
{
  for (guint i = 0; i < result->attribute_identifiers->len; i++)
    if (g_array_index (result->attribute_identifiers, guint32, i) == tag)
      return TRUE;
  return FALSE;
}

static void
test_create_set_complete (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) change = dcm_data_set_new ();
  g_autoptr(DcmDataSet) final = dcm_data_set_new ();
  g_autoptr(DimseNResult) changed = NULL;
  g_autoptr(DimseNResult) completed = NULL;
  g_autofree char *status = NULL;
  g_autofree char *description = NULL;

  create_in_progress (f);
  status = stored_status (f);
  g_assert_cmpstr (status, ==, DIMSE_MPPS_IN_PROGRESS);
  g_assert_true (dcm_data_set_set_string (change, DCM_TAG_PERFORMED_PROCEDURE_STEP_DESCRIPTION,
                                          DCM_VR_NONE, "CHEST PA", NULL));
  changed = set (f, change);
  g_assert_cmphex (changed->status, ==, 0x0000);
  g_assert_true (dimse_mpps_fill_final (final, DIMSE_MPPS_COMPLETED, "ARCHIVE", NULL));
  completed = set (f, final);
  g_assert_cmphex (completed->status, ==, 0x0000);
  g_clear_pointer (&status, g_free);
  status = stored_status (f);
  g_assert_cmpstr (status, ==, DIMSE_MPPS_COMPLETED);
  description = dcm_data_set_dup_string (dimse_n_provider_lookup (f->provider, STEP, NULL),
                                         DCM_TAG_PERFORMED_PROCEDURE_STEP_DESCRIPTION);
  g_assert_cmpstr (description, ==, "CHEST PA");
}

static void
test_no_change_after_completed (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) final = dcm_data_set_new ();
  g_autoptr(DcmDataSet) again = dcm_data_set_new ();
  g_autoptr(DimseNResult) completed = NULL;
  g_autoptr(DimseNResult) refused = NULL;
  g_autofree char *status = NULL;

  create_in_progress (f);
  g_assert_true (dimse_mpps_fill_final (final, DIMSE_MPPS_COMPLETED, "ARCHIVE", NULL));
  completed = set (f, final);
  g_assert_cmphex (completed->status, ==, 0x0000);
  g_assert_true (dimse_mpps_fill_final (again, DIMSE_MPPS_DISCONTINUED, "ARCHIVE", NULL));
  refused = set (f, again);
  /* PS3.4 §F.7.2.2.2, Table F.7.2-2 */
  g_assert_cmphex (refused->status, ==, 0x0110);
  g_assert_true (refused->has_error_id);
  g_assert_cmphex (refused->error_id, ==, DIMSE_MPPS_ERROR_ID_NO_LONGER_UPDATABLE);
  g_assert_cmpstr (refused->error_comment, ==,
                   "Performed Procedure Step Object may no longer be updated");
  g_assert_nonnull (strstr (refused->description, "Processing Failure"));
  status = stored_status (f);
  g_assert_cmpstr (status, ==, DIMSE_MPPS_COMPLETED);
}

/* ---- N-CREATE and N-SET refused, table-driven ---- */

typedef enum {
  PREPARE_NONE,          /* the N-CREATE itself is under test */
  PREPARE_IN_PROGRESS,   /* a step exists; the N-SET is under test */
} Prepare;

typedef struct {
  const char *path;
  Prepare     prepare;
  gboolean    fill;               /* start from dimse_mpps_fill_in_progress */
  guint32     tag;                /* set to value ("" empty; NULL removed) */
  const char *value;
  guint32     tag2;
  const char *value2;
  guint16     expected_status;
  guint32     expected_attribute;
} RuleCase;

static const RuleCase rule_cases[] = {
  { "/mpps/create/missing-attribute", PREPARE_NONE, TRUE, DCM_TAG_PERFORMED_PROCEDURE_STEP_ID,
    NULL, 0, NULL, 0x0120, DCM_TAG_PERFORMED_PROCEDURE_STEP_ID },
  { "/mpps/create/missing-attribute-value", PREPARE_NONE, TRUE, DCM_TAG_MODALITY, "", 0, NULL,
    0x0121, DCM_TAG_MODALITY },
  { "/mpps/create/not-in-progress", PREPARE_NONE, TRUE, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS,
    "COMPLETED", 0, NULL, 0x0106, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS },
  { "/mpps/create/invalid-attribute-value", PREPARE_NONE, TRUE,
    DCM_TAG_PERFORMED_PROCEDURE_STEP_START_DATE, "2020-13", 0, NULL, 0x0106, 0 },
  { "/mpps/set/not-allowed", PREPARE_IN_PROGRESS, FALSE, DCM_TAG_PATIENT_ID, "P2", 0, NULL,
    0x0105, DCM_TAG_PATIENT_ID },
  { "/mpps/set/invalid-status", PREPARE_IN_PROGRESS, FALSE,
    DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS, "DONE", 0, NULL, 0x0106,
    DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS },
  /* COMPLETED without a performed series: the one created is empty */
  { "/mpps/set/final-missing-value", PREPARE_IN_PROGRESS, FALSE,
    DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS, "COMPLETED",
    DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE, "20240101", 0x0121,
    DCM_TAG_PERFORMED_PROCEDURE_STEP_END_TIME },
};

static void
apply (DcmDataSet *ds, guint32 tag, const char *value)
{
  if (tag == 0)
    return;
  if (value == NULL)
    dcm_data_set_remove (ds, tag);
  else if (*value == '\0')
    dcm_data_set_insert (ds, tag, DCM_VR_NONE);
  else
    g_assert_true (dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, NULL));
}

static void
test_rule_case (Fixture *f, gconstpointer data)
{
  const RuleCase *c = data;
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DimseNResult) result = NULL;

  if (c->prepare == PREPARE_IN_PROGRESS)
    create_in_progress (f);
  if (c->fill)
    g_assert_true (dimse_mpps_fill_in_progress (ds, "MODALITY", NULL));
  apply (ds, c->tag, c->value);
  apply (ds, c->tag2, c->value2);
  result = c->prepare == PREPARE_NONE ? create (f, ds) : set (f, ds);
  g_assert_cmphex (result->status, ==, c->expected_status);
  g_assert_nonnull (result->error_comment);
  if (c->expected_attribute != 0)
    g_assert_true (lists (result, c->expected_attribute));
  if (c->prepare == PREPARE_NONE)
    g_assert_null (dimse_n_provider_lookup (f->provider, STEP, NULL));
  else
    {
      g_autofree char *status = stored_status (f);

      g_assert_cmpstr (status, ==, DIMSE_MPPS_IN_PROGRESS);
    }
}

static void
test_end_before_start (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) final = dcm_data_set_new ();
  g_autoptr(DimseNResult) result = NULL;
  g_autofree char *status = NULL;

  create_in_progress (f);
  g_assert_true (dcm_data_set_set_string (final, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE,
                                          DCM_VR_NONE, "19990101", NULL));
  g_assert_true (dcm_data_set_set_string (final, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_TIME,
                                          DCM_VR_NONE, "0800", NULL));
  g_assert_true (dimse_mpps_fill_final (final, DIMSE_MPPS_COMPLETED, "ARCHIVE", NULL));
  result = set (f, final);
  /* a warning: the step is completed all the same */
  g_assert_cmphex (result->status, ==, 0x0116);
  g_assert_nonnull (strstr (result->description, "Attribute Value Out of Range"));
  g_assert_true (lists (result, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE));
  status = stored_status (f);
  g_assert_cmpstr (status, ==, DIMSE_MPPS_COMPLETED);
}

static void
test_delete_unrecognized (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseNResult) result = NULL;
  TestWaiter w = { 0 };

  create_in_progress (f);
  /* PS3.4 Table F.7.1-1: N-CREATE and N-SET only */
  dimse_n_delete_async (f->assoc, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP, STEP, NULL,
                        test_waiter_done, &w);
  result = finish (f, &w);
  g_assert_cmphex (result->status, ==, 0x0211);
  g_assert_nonnull (dimse_n_provider_lookup (f->provider, STEP, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/mpps/create-set-complete", Fixture, NULL, fixture_set_up,
              test_create_set_complete, fixture_tear_down);
  g_test_add ("/mpps/set/no-change-after-completed", Fixture, NULL, fixture_set_up,
              test_no_change_after_completed, fixture_tear_down);
  for (gsize i = 0; i < G_N_ELEMENTS (rule_cases); i++)
    g_test_add (rule_cases[i].path, Fixture, &rule_cases[i], fixture_set_up, test_rule_case,
                fixture_tear_down);
  g_test_add ("/mpps/set/end-before-start", Fixture, NULL, fixture_set_up,
              test_end_before_start, fixture_tear_down);
  g_test_add ("/mpps/delete/unrecognized-operation", Fixture, NULL, fixture_set_up,
              test_delete_unrecognized, fixture_tear_down);
  return g_test_run ();
}
