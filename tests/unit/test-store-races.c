/* test-store-races.c — the Storage SCP when two copies of one SOP Instance
 * compete (issue #9): two associations storing the same SOP Instance UID
 * at once leave one intact copy, never a torn one, and no temporary file;
 * an overwrite cut off by the peer leaves the old copy intact
 * (PS3.4 §B.2.3: the SCP keeps what it answered Success for). And a data
 * set over the SCP's maximum instance size: refused, nothing left, the
 * association going on. */
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "test-peer.h"
#include "test-resources.h"
#include "test-store-server.h"
#include "test-util.h"
#include "test-wait.h"

typedef TestStoreServer Fixture;

#define INSTANCE_UID "1.2.826.0.1.3680043.9.7777.3"
/* Two data sets of the same size, different bytes, each more than the
 * sockets buffer, so that their P-DATA-TF PDUs (16 KiB) interleave at the
 * acceptor. */
#define PIXELS_A (2048 * 1024)
#define PIXELS_B PIXELS_A
#define N_ROUNDS 50
/* The fragments of the overwriting data set the raw peer sends before it
 * aborts. */
#define N_FRAGMENTS_SENT 4

/* A CT instance with INSTANCE_UID whose pixels are n bytes of value. */
static char *
write_instance (Fixture *f, const char *name, gsize n, guint8 value)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc (n);
  g_autofree char *folder = g_path_get_dirname (f->file);
  char *path = g_build_filename (folder, name, NULL);

  memset (pixels, value, n);
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI,
                                          DCM_UID_CT_IMAGE_STORAGE, &error));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                          INSTANCE_UID, &error));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels, n, &error));
  file = dcm_file_new (ds, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
  return path;
}

static char *
stored_path (Fixture *f)
{
  return g_build_filename (f->folder, INSTANCE_UID ".dcm", NULL);
}

static GBytes *
read_stored (Fixture *f)
{
  g_autofree char *path = stored_path (f);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static DimseAssociation *
request (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  DimseAssociation *assoc = test_store_server_request (f, NULL, &error);

  g_assert_no_error (error);
  return assoc;
}

static void
assert_stored (DimseAssociation *assoc, TestWaiter *w, const char *what)
{
  g_autoptr(GError) error = NULL;
  guint16 status = 0xFFFF;

  g_assert_true (dimse_store_send_file_finish (assoc, test_waiter_wait (w, what), &status, NULL,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  test_waiter_clear (w);
}

/* What the acceptor writes for path when it alone stores it. */
static GBytes *
store_alone (Fixture *f, DimseAssociation *assoc, const char *path)
{
  TestWaiter w = { 0 };

  dimse_store_send_file_async (assoc, path, NULL, test_waiter_done, &w);
  assert_stored (assoc, &w, "the C-STORE-RSP");
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
  return read_stored (f);
}

static void
test_same_uid_at_once (Fixture *f, gconstpointer data)
{
  g_autofree char *path_a = write_instance (f, "a.dcm", PIXELS_A, 0xAA);
  g_autofree char *path_b = write_instance (f, "b.dcm", PIXELS_B, 0xBB);
  g_autoptr(DimseAssociation) assoc_a = NULL;
  g_autoptr(DimseAssociation) assoc_b = NULL;
  g_autoptr(GBytes) copy_a = NULL;
  g_autoptr(GBytes) copy_b = NULL;
  guint n_a = 0, n_b = 0;

  test_store_server_start (f);
  assoc_a = request (f);
  assoc_b = request (f);
  copy_a = store_alone (f, assoc_a, path_a);
  copy_b = store_alone (f, assoc_b, path_b);
  g_assert_false (g_bytes_equal (copy_a, copy_b));
  for (guint round = 0; round < N_ROUNDS; round++)
    {
      TestWaiter wa = { 0 }, wb = { 0 };
      g_autoptr(GBytes) stored = NULL;

      /* Alternate which one starts first, so that either may finish last. */
      if (round % 2 == 0)
        {
          dimse_store_send_file_async (assoc_a, path_a, NULL, test_waiter_done, &wa);
          dimse_store_send_file_async (assoc_b, path_b, NULL, test_waiter_done, &wb);
        }
      else
        {
          dimse_store_send_file_async (assoc_b, path_b, NULL, test_waiter_done, &wb);
          dimse_store_send_file_async (assoc_a, path_a, NULL, test_waiter_done, &wa);
        }
      assert_stored (assoc_a, &wa, "the first association's C-STORE-RSP");
      assert_stored (assoc_b, &wb, "the second association's C-STORE-RSP");
      g_assert_cmpuint (dimse_store_scp_get_n_pending (f->scp), ==, 0);
      g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
      stored = read_stored (f);
      if (g_bytes_equal (stored, copy_a))
        n_a++;
      else if (g_bytes_equal (stored, copy_b))
        n_b++;
      else
        g_error ("round %u: the stored file (%" G_GSIZE_FORMAT " bytes) is neither copy",
                 round, g_bytes_get_size (stored));
    }
  g_test_message ("%u rounds: the first association's copy stayed %u times, the second's %u",
                  N_ROUNDS, n_a, n_b);
  g_assert_cmpuint (f->n_stored, ==, 2 + 2 * N_ROUNDS);
  test_store_server_release (assoc_a);
  test_store_server_release (assoc_b);
}

static gboolean
has_partial_file (gpointer user_data)
{
  return test_store_server_count_files (user_data) > 1;
}

/* PS3.8 §9.3.6: an A-ABORT PDU from the service user, reason 0. */
static GBytes *
abort_bytes (void)
{
  static const guint8 abort_pdu[] = { 0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0x00, 0x00 };

  return g_bytes_new_static (abort_pdu, sizeof abort_pdu);
}

static void
add_step (GArray *steps, TestPeerAction action, GBytes *bytes)
{
  TestPeerStep step = { 0 };

  step.action = action;
  step.bytes = bytes;
  g_array_append_val (steps, step);
}

/* A peer that associates, sends a C-STORE-RQ of INSTANCE_UID and the first
 * fragments of its data set, holds, then aborts. */
static GArray *
aborted_overwrite_steps (void)
{
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (TestPeerStep));
  g_autoptr(GPtrArray) pdus = test_store_request_pdus (INSTANCE_UID, PIXELS_B);

  g_assert_cmpuint (pdus->len, >, 1 + N_FRAGMENTS_SENT);
  add_step (steps, TEST_PEER_SEND, test_store_rq_bytes ());
  add_step (steps, TEST_PEER_READ, NULL);
  for (guint i = 0; i <= N_FRAGMENTS_SENT; i++)
    add_step (steps, TEST_PEER_SEND, g_bytes_ref (g_ptr_array_index (pdus, i)));
  add_step (steps, TEST_PEER_HOLD, NULL);
  add_step (steps, TEST_PEER_SEND, abort_bytes ());
  return steps;
}

static void
free_steps (GArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    g_clear_pointer (&g_array_index (steps, TestPeerStep, i).bytes, g_bytes_unref);
  g_array_unref (steps);
}

static void
test_failed_overwrite (Fixture *f, gconstpointer data)
{
  g_autofree char *path_a = write_instance (f, "a.dcm", PIXELS_A, 0xAA);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(GBytes) copy_a = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(TestPeer) peer = NULL;
  GArray *steps = aborted_overwrite_steps ();

  test_store_server_start (f);
  assoc = request (f);
  copy_a = store_alone (f, assoc, path_a);
  test_store_server_release (assoc);
  test_store_server_wait_closed (f, 1);

  peer = test_peer_start (dimse_server_get_port (f->server),
                          (const TestPeerStep *) steps->data, steps->len);
  test_peer_wait_ready (peer);
  test_wait_for (has_partial_file, f, "the overwriting data set's temporary file");
  test_peer_finish (peer);
  test_store_server_wait_closed (f, 2);
  g_assert_cmpuint (f->close_reason, ==, DIMSE_CLOSE_ABORTED);

  g_assert_cmpuint (f->n_stored, ==, 1);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
  stored = read_stored (f);
  g_assert_true (g_bytes_equal (stored, copy_a));
  free_steps (steps);
}

/* Half of PIXELS_A: the instance crosses it, f->file (4 KiB of pixels) does not. */
#define MAX_INSTANCE_SIZE (PIXELS_A / 2)

static void
test_max_instance_size (Fixture *f, gconstpointer data)
{
  g_autofree char *path_a = write_instance (f, "a.dcm", PIXELS_A, 0xAA);
  g_autoptr(DimseAssociation) assoc = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *comment = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  test_store_server_start (f);
  dimse_store_scp_set_max_instance_size (f->scp, MAX_INSTANCE_SIZE);
  assoc = request (f);
  dimse_store_send_file_async (assoc, path_a, NULL, test_waiter_done, &w);
  g_assert_true (dimse_store_send_file_finish (assoc, test_waiter_wait (&w, "the C-STORE-RSP"),
                                               &status, &rsp, &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  g_assert_cmpuint (status, ==, DIMSE_STORE_STATUS_OUT_OF_RESOURCES);
  comment = dimse_message_dup_string (rsp, DCM_TAG_ERROR_COMMENT);
  g_test_message ("Error Comment: %s", comment);
  g_assert_nonnull (comment);
  g_assert_nonnull (strstr (comment, "size limit"));
  g_assert_cmpuint (dimse_store_scp_get_n_pending (f->scp), ==, 0);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 0);
  g_assert_cmpuint (f->n_stored, ==, 0);

  /* The association goes on: a small instance is stored on it. */
  g_assert_cmpuint (test_store_server_store (f, assoc), ==, DIMSE_STORE_STATUS_SUCCESS);
  g_assert_cmpuint (f->n_stored, ==, 1);
  g_assert_cmpuint (test_store_server_count_files (f), ==, 1);
  test_store_server_release (assoc);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, test_store_server_set_up, func, test_store_server_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/store-races/same-uid-at-once/one-intact-copy", test_same_uid_at_once);
  ADD ("/store-races/failed-overwrite/keeps-old-copy", test_failed_overwrite);
  ADD ("/store-limits/max-instance-size/refused-association-goes-on", test_max_instance_size);
  return g_test_run ();
}
