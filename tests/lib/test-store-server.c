/* test-store-server.c — the hardening tests' storage acceptor */
#include "test-store-server.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-echo.h"
#include "test-util.h"
#include "test-wait.h"
#include "test-resources.h"

#define TEST_STORE_MAX_PDU (16 * 1024)
#define TEST_STORE_INSTANCE_UID "1.2.826.0.1.3680043.9.7777.1"
#define TEST_STORE_PIXELS 4096

static const char *const implicit_le[] = { DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, NULL };

/* ---- the acceptor ---- */

static void
on_instance_stored (DimseStoreScp *scp, DimseAssociation *assoc, DimseMessage *request,
                    guint status, const char *path, const char *comment, gpointer user_data)
{
  TestStoreServer *f = user_data;

  if (status == 0x0000)
    f->n_stored++;
  else
    g_test_message ("store refused (0x%04X): %s", status, comment);
}

static void
on_closed (DimseAssociation *assoc, guint reason, const char *description, gpointer user_data)
{
  TestStoreServer *f = user_data;

  f->n_closed++;
  if (f->server_assoc == assoc)
    f->server_assoc = NULL;
  f->close_reason = reason;
  g_free (f->closed);
  f->closed = g_strdup (description);
}

static void
on_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  TestStoreServer *f = user_data;

  f->n_started++;
  f->server_assoc = assoc;
  dimse_echo_scp_attach (assoc);
  dimse_store_scp_attach (f->scp, assoc);
  g_signal_connect (assoc, "closed", G_CALLBACK (on_closed), f);
}

static void
on_failed (DimseServer *server, const char *why, gpointer user_data)
{
  TestStoreServer *f = user_data;

  f->n_failed++;
  g_free (f->failure);
  f->failure = g_strdup (why);
}

static void
write_instance (const char *path)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc0 (TEST_STORE_PIXELS);

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI,
                                          DCM_UID_CT_IMAGE_STORAGE, &error));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                          TEST_STORE_INSTANCE_UID, &error));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels,
                                       TEST_STORE_PIXELS, &error));
  file = dcm_file_new (ds, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
}

static char *
make_folder (const char *prefix)
{
  g_autofree char *tmpl = NULL;
  g_autoptr(GError) error = NULL;
  char *dir;

  if (!g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR))
    return test_util_make_tmpdir (prefix);
  tmpl = g_strdup_printf ("/dev/shm/%s-XXXXXX", prefix);
  dir = g_mkdtemp (g_steal_pointer (&tmpl));
  if (dir == NULL)
    return test_util_make_tmpdir (prefix);
  return dir;
}

void
test_store_server_set_up (TestStoreServer *f, gconstpointer data)
{
  g_autofree char *outside = NULL;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->folder = make_folder ("test-hardening");
  outside = g_strconcat (f->folder, "-in", NULL);
  g_assert_cmpint (g_mkdir (outside, 0700), ==, 0);
  f->file = g_build_filename (outside, "ct.dcm", NULL);
  write_instance (f->file);
  dimse_timeouts_init (&f->timeouts);
}

void
test_store_server_tear_down (TestStoreServer *f, gconstpointer data)
{
  g_autofree char *outside = g_path_get_dirname (f->file);

  if (f->server != NULL)
    {
      dimse_server_stop (f->server);
      test_drain ();
      g_clear_object (&f->server);
    }
  test_drain ();
  g_clear_object (&f->scp);
  test_util_rmtree (f->folder);
  test_util_rmtree (outside);
  g_free (f->folder);
  g_free (f->file);
  g_free (f->failure);
  g_free (f->closed);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

void
test_store_server_start (TestStoreServer *f)
{
  DimseAcceptorPolicy *policy = dimse_acceptor_policy_new ("ACCEPTOR");
  g_autoptr(GError) error = NULL;

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_CT_IMAGE_STORAGE, DIMSE_ROLE_SCP);
  f->scp = dimse_store_scp_new (f->folder);
  g_signal_connect (f->scp, "instance-stored", G_CALLBACK (on_instance_stored), f);
  f->server = dimse_server_new (policy, &f->timeouts);
  g_signal_connect (f->server, "association-started", G_CALLBACK (on_started), f);
  g_signal_connect (f->server, "association-failed", G_CALLBACK (on_failed), f);
  g_assert_true (dimse_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
}

/* ---- our requestor ---- */

static DimseAssociationParams *
store_params (void)
{
  DimseAssociationParams *params = dimse_association_params_new ("REQUESTOR", "ACCEPTOR");

  params->max_pdu_length = TEST_STORE_MAX_PDU;
  dimse_association_params_add_context (params, DCM_UID_CT_IMAGE_STORAGE, implicit_le,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  return params;
}

DimseAssociation *
test_store_server_request (TestStoreServer *f, const DimseTimeouts *timeouts, GError **error)
{
  g_autoptr(DimseAssociationParams) params = store_params ();
  TestWaiter w = { 0 };
  DimseAssociation *assoc;

  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   timeouts, NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), error);
  test_waiter_clear (&w);
  return assoc;
}

guint16
test_store_server_store (TestStoreServer *f, DimseAssociation *assoc)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  dimse_store_send_file_async (assoc, f->file, NULL, test_waiter_done, &w);
  g_assert_true (dimse_store_send_file_finish (assoc, test_waiter_wait (&w, "the C-STORE-RSP"),
                                               &status, NULL, &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  return status;
}

void
test_store_server_echo (DimseAssociation *assoc)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  dimse_echo_async (assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_echo_finish (assoc, test_waiter_wait (&w, "the C-ECHO-RSP"), &status,
                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  test_waiter_clear (&w);
}

void
test_store_server_release (DimseAssociation *assoc)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };

  dimse_association_release_async (assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_release_finish (assoc, test_waiter_wait (&w, "release"),
                                                   &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

void
test_store_server_round_trip (TestStoreServer *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) assoc = test_store_server_request (f, NULL, &error);

  g_assert_no_error (error);
  test_store_server_echo (assoc);
  g_assert_cmpuint (test_store_server_store (f, assoc), ==, 0x0000);
  test_store_server_release (assoc);
}

guint
test_store_server_count_files (TestStoreServer *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->folder, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

typedef struct {
  TestStoreServer *f;
  guint            n_closed;
} ClosedWait;

static gboolean
all_closed (gpointer user_data)
{
  ClosedWait *wait = user_data;

  return wait->f->n_closed >= wait->n_closed
         && dimse_store_scp_get_n_pending (wait->f->scp) == 0;
}

void
test_store_server_wait_closed (TestStoreServer *f, guint n_closed)
{
  ClosedWait wait = { f, n_closed };

  test_wait_for (all_closed, &wait, "the server's associations to close");
  test_drain ();
}

/* ---- the raw peer's bytes ---- */

GBytes *
test_store_rq_bytes (void)
{
  g_autoptr(DimseAssociationParams) params = store_params ();
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  bytes = dimse_pdu_encode (rq, &error);
  g_assert_no_error (error);
  return bytes;
}

GBytes *
test_store_ac_bytes (void)
{
  g_autoptr(DimseAcceptorPolicy) policy = dimse_acceptor_policy_new ("ACCEPTOR");
  g_autoptr(GBytes) rq_bytes = test_store_rq_bytes ();
  g_autoptr(DimsePdu) rq = NULL;
  g_autoptr(DimsePdu) ac = NULL;
  g_autoptr(DimseNegotiationResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_CT_IMAGE_STORAGE, DIMSE_ROLE_SCP);
  g_assert_true (dimse_pdu_decode (rq_bytes, NULL, &rq, &error));
  g_assert_true (dimse_negotiation_accept (policy, rq, &result, &ac, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ac->type, ==, DIMSE_PDU_ASSOCIATE_AC);
  bytes = dimse_pdu_encode (ac, &error);
  g_assert_no_error (error);
  return bytes;
}

static void
append_fragments (GPtrArray *pdus, gboolean is_command, GBytes *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fragments = dimse_pdu_fragment_message (TEST_STORE_PC_CT, is_command,
                                                               message, TEST_STORE_MAX_PDU,
                                                               &error);

  g_assert_no_error (error);
  for (guint i = 0; i < fragments->len; i++)
    g_ptr_array_add (pdus, g_bytes_ref (g_ptr_array_index (fragments, i)));
}

GPtrArray *
test_store_request_pdus (const char *instance_uid, gsize size)
{
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(GBytes) command = NULL;
  g_autoptr(GBytes) data_set = test_util_make_ct_data_set (&dcm_ts_implicit_le, instance_uid,
                                                           size);
  g_autoptr(GError) error = NULL;
  GPtrArray *pdus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  rq = dimse_message_new_c_store_rq (1, DCM_UID_CT_IMAGE_STORAGE, instance_uid,
                                     DIMSE_PRIORITY_MEDIUM, NULL, 0, &error);
  g_assert_no_error (error);
  dimse_message_set_encoded_data_set (rq, data_set, &dcm_ts_implicit_le);
  command = dimse_message_encode_command (rq, &error);
  g_assert_no_error (error);
  append_fragments (pdus, TRUE, command);
  append_fragments (pdus, FALSE, data_set);
  return pdus;
}
