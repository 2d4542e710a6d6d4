/* test-archive.c — the embedded archive (DimseArchive) on 127.0.0.1 in
 * process, against our own SCUs: C-FIND at each level and its cancel,
 * C-MOVE to a Storage SCP of the node table and its cancel, C-GET, C-STORE
 * into the index, the refusals, and the association usable after each */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-archive.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-find.h"
#include "dimse-get.h"
#include "dimse-move.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "dimse-store.h"
#include "test-util.h"
#include "test-wait.h"

#define ROOT "1.2.826.0.1.3680043.10.1247.300"
#define STUDY_1 ROOT ".1"
#define STUDY_2 ROOT ".2"
#define SERIES_1_1 ROOT ".1.1"
#define SERIES_1_2 ROOT ".1.2"
#define SERIES_2_1 ROOT ".2.1"
/* Instances of series 1.1: enough that a cancel lands in the middle. */
#define N_MANY 40
#define N_STUDY_1 (N_MANY + 2)
#define FIND_STUDY DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define FIND_PATIENT DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define FIND_WORKLIST DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND
#define MOVE_STUDY DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE
#define GET_STUDY DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET
#define STATUS_CANCEL 0xFE00

typedef struct {
  GMainContext     *context;
  char             *tmp;
  char             *folder;
  char             *dest_dir;
  DimseArchive     *archive;
  DimseServer      *server;
  /* the C-MOVE destination: a Storage SCP, or a slow one that answers
   * each C-STORE-RQ only after a while, so a cancel finds work left */
  DimseServer      *dest_server;
  DimseStoreScp    *dest_store;
  gboolean          slow_destination;
  guint             n_dest_stores;
  DimseAssociation *assoc;
  gboolean          instance_stored;
} Fixture;

/* ---- the archive's files ---- */

static void
write_instance (const char *folder, const char *patient_id, const char *patient_name,
                const char *study, const char *date, const char *series, const char *modality,
                guint number)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = g_strdup_printf ("%s.%u", series, number);
  g_autofree char *name = g_strdup_printf ("%s.dcm", uid);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *instance_number = g_strdup_printf ("%u", number);
  const struct { guint32 tag; const char *value; } values[] = {
    { DCM_TAG_SOP_CLASS_UID, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE },
    { DCM_TAG_SOP_INSTANCE_UID, uid },
    { DCM_TAG_STUDY_DATE, date },
    { DCM_TAG_STUDY_TIME, "101500" },
    { DCM_TAG_MODALITY, modality },
    { DCM_TAG_PATIENT_NAME, patient_name },
    { DCM_TAG_PATIENT_ID, patient_id },
    { DCM_TAG_STUDY_INSTANCE_UID, study },
    { DCM_TAG_SERIES_INSTANCE_UID, series },
    { DCM_TAG_SERIES_NUMBER, g_strcmp0 (series, SERIES_1_2) == 0 ? "2" : "1" },
    { DCM_TAG_INSTANCE_NUMBER, instance_number },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      dcm_data_set_set_string (ds, values[i].tag, DCM_VR_NONE, values[i].value, &error);
      g_assert_no_error (error);
    }
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
}

/* Two patients: P1 with study 1 (series 1.1 of N_MANY MR images, series
 * 1.2 of two CT), P2 with study 2 (one CT image). */
static void
write_archive (const char *folder)
{
  for (guint i = 1; i <= N_MANY; i++)
    write_instance (folder, "P1", "DOE^JOHN", STUDY_1, "20200315", SERIES_1_1, "MR", i);
  for (guint i = 1; i <= 2; i++)
    write_instance (folder, "P1", "DOE^JOHN", STUDY_1, "20200315", SERIES_1_2, "CT", i);
  write_instance (folder, "P2", "ROE^JANE", STUDY_2, "20211120", SERIES_2_1, "CT", 1);
}

/* ---- the destination of C-MOVE ---- */

typedef struct {
  DimseAssociation *assoc;
  DimseMessage     *rsp;
  guint8            pc_id;
} LateAnswer;

static void
on_dest_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, NULL);
}

static gboolean
answer_late (gpointer user_data)
{
  LateAnswer *late = user_data;

  dimse_association_send_message_async (late->assoc, late->pc_id, late->rsp, NULL,
                                        on_dest_sent, NULL);
  g_object_unref (late->assoc);
  dimse_message_unref (late->rsp);
  g_free (late);
  return G_SOURCE_REMOVE;
}

static void
on_slow_store (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg, GFile *file,
               gpointer user_data)
{
  Fixture *f = user_data;
  LateAnswer *late;

  if (dimse_message_get_command_field (msg) != DIMSE_C_STORE_RQ)
    return;
  f->n_dest_stores++;
  late = g_new0 (LateAnswer, 1);
  late->assoc = g_object_ref (assoc);
  late->rsp = dimse_message_new_response (msg, 0x0000);
  late->pc_id = pc_id;
  /* on the thread-default context the test runs, not the global one */
  {
    g_autoptr(GSource) source = g_timeout_source_new (20);

    g_source_set_callback (source, answer_late, late, NULL);
    g_source_attach (source, g_main_context_get_thread_default ());
  }
}

static void
on_dest_association (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  Fixture *f = user_data;

  if (f->slow_destination)
    g_signal_connect (assoc, "request-received", G_CALLBACK (on_slow_store), f);
  else
    dimse_store_scp_attach (f->dest_store, assoc);
}

static void
on_instance_stored (DimseArchive *archive, const char *path, const char *calling,
                    gpointer user_data)
{
  ((Fixture *) user_data)->instance_stored = TRUE;
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_archive_open_finish (DIMSE_ARCHIVE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  DimseAcceptorPolicy *policy;
  g_autoptr(GError) error = NULL;
  gboolean opened = FALSE;

  f->slow_destination = GPOINTER_TO_INT (data);
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->tmp = test_util_make_tmpdir ("test-archive");
  f->folder = g_build_filename (f->tmp, "archive", NULL);
  f->dest_dir = g_build_filename (f->tmp, "dest", NULL);
  g_assert_cmpint (g_mkdir (f->folder, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (f->dest_dir, 0700), ==, 0);
  write_archive (f->folder);

  f->dest_store = dimse_store_scp_new (f->dest_dir);
  policy = dimse_acceptor_policy_new_default ("DEST");
  /* PS3.7 §D.3.3.3: the Storage SCP takes several C-STOREs at once, so
   * the archive keeps more than one outstanding */
  if (!f->slow_destination)
    dimse_acceptor_policy_set_async_window (policy, 1, 8);
  f->dest_server = dimse_server_new (policy, NULL);
  g_signal_connect (f->dest_server, "association-started", G_CALLBACK (on_dest_association), f);
  g_assert_true (dimse_server_listen (f->dest_server, "127.0.0.1", 0, &error));

  f->archive = dimse_archive_new (f->folder, "ARCHIVE");
  g_signal_connect (f->archive, "instance-stored", G_CALLBACK (on_instance_stored), f);
  dimse_archive_add_node (f->archive, "DEST", "127.0.0.1",
                          dimse_server_get_port (f->dest_server));
  dimse_archive_open_async (f->archive, NULL, on_opened, &opened);
  test_wait_until (&opened, "the archive's scan");
  f->server = dimse_archive_serve (f->archive, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->assoc != NULL && dimse_association_is_established (f->assoc))
    dimse_association_abort (f->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_clear_object (&f->assoc);
  dimse_server_stop (f->server);
  dimse_server_stop (f->dest_server);
  test_drain ();
  g_clear_object (&f->server);
  g_clear_object (&f->dest_server);
  g_clear_object (&f->archive);
  g_clear_object (&f->dest_store);
  test_drain ();
  test_util_rmtree (f->tmp);
  g_free (f->tmp);
  g_free (f->folder);
  g_free (f->dest_dir);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* ---- the SCU's side ---- */

static DimseAssociation *
associate (Fixture *f, const char *calling, DimseServer *server, GError **error)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new (calling, "ARCHIVE");
  DimseAssociation *assoc;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, FIND_STUDY, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, FIND_PATIENT, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, FIND_WORKLIST, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, MOVE_STUDY, NULL, DIMSE_ROLE_DEFAULT);
  dimse_get_add_contexts (params, GET_STUDY, NULL);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (server), NULL,
                                   NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), error);
  test_waiter_clear (&w);
  return assoc;
}

static void
fixture_associate (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->assoc = associate (f, "SCU", f->server, &error);
  g_assert_no_error (error);
}

static DcmDataSet *
make_identifier (const char *level, ...)
{
  DcmDataSet *ds = dcm_data_set_new ();
  va_list args;
  guint32 tag;

  if (level != NULL)
    g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                            level, NULL));
  va_start (args, level);
  while ((tag = va_arg (args, guint32)) != 0)
    {
      const char *value = va_arg (args, const char *);

      g_assert_true (dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, NULL));
    }
  va_end (args);
  return ds;
}

typedef struct {
  GPtrArray *values;   /* char*: key's value in each match */
  guint32    key;
} Matches;

static void
on_match (DimseFindJob *job, DcmDataSet *identifier, gpointer user_data)
{
  Matches *m = user_data;

  g_ptr_array_add (m->values, dcm_data_set_dup_string (identifier, m->key));
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The values of key in the matches, sorted and joined by '|'. */
static char *
run_find (Fixture *f, const char *model, DcmDataSet *identifier, guint32 key,
          guint max_results, guint16 *status, GError **error)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  Matches m = { g_ptr_array_new_with_free_func (g_free), key };
  TestWaiter w = { 0 };
  gboolean ok;

  g_signal_connect (job, "result", G_CALLBACK (on_match), &m);
  dimse_find_async (f->assoc, model, identifier, max_results, job, NULL, test_waiter_done, &w);
  ok = dimse_find_finish (f->assoc, test_waiter_wait (&w, "the C-FIND"), status, error);
  test_waiter_clear (&w);
  g_ptr_array_sort (m.values, compare_strings);
  g_ptr_array_add (m.values, NULL);
  if (!ok)
    {
      g_ptr_array_unref (m.values);
      return NULL;
    }
  {
    char *joined = g_strjoinv ("|", (char **) m.values->pdata);

    g_ptr_array_unref (m.values);
    return joined;
  }
}

static void
assert_echo_works (Fixture *f)
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

static void
assert_find (Fixture *f, const char *model, DcmDataSet *identifier, guint32 key,
             const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  guint16 status = 0xFFFF;

  got = run_find (f, model, identifier, key, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpstr (got, ==, expected);
}

/* ---- C-FIND ---- */

static void
test_find_levels (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) patients = make_identifier ("PATIENT", DCM_TAG_PATIENT_ID, "",
                                                    DCM_TAG_PATIENT_NAME, "", 0);
  g_autoptr(DcmDataSet) studies = make_identifier ("STUDY", DCM_TAG_PATIENT_NAME, "DOE*",
                                                   DCM_TAG_STUDY_INSTANCE_UID, "", 0);
  g_autoptr(DcmDataSet) dates = make_identifier ("STUDY", DCM_TAG_STUDY_DATE, "20210101-",
                                                 DCM_TAG_STUDY_INSTANCE_UID, "", 0);
  g_autoptr(DcmDataSet) series = make_identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID, STUDY_1,
                                                  DCM_TAG_MODALITY, "", 0);
  g_autoptr(DcmDataSet) images = make_identifier ("IMAGE", DCM_TAG_STUDY_INSTANCE_UID, STUDY_1,
                                                  DCM_TAG_SERIES_INSTANCE_UID, SERIES_1_2,
                                                  DCM_TAG_SOP_INSTANCE_UID, "", 0);

  fixture_associate (f);
  assert_find (f, FIND_PATIENT, patients, DCM_TAG_PATIENT_ID, "P1|P2");
  assert_find (f, FIND_STUDY, studies, DCM_TAG_STUDY_INSTANCE_UID, STUDY_1);
  assert_find (f, FIND_STUDY, dates, DCM_TAG_STUDY_INSTANCE_UID, STUDY_2);
  assert_find (f, FIND_STUDY, series, DCM_TAG_MODALITY, "CT|MR");
  assert_find (f, FIND_STUDY, images, DCM_TAG_SOP_INSTANCE_UID,
               SERIES_1_2 ".1|" SERIES_1_2 ".2");
}

/* PS3.4 §C.4.1.3.1: a Patient level query is not part of Study Root. */
static void
test_find_identifier_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) patients = make_identifier ("PATIENT", DCM_TAG_PATIENT_ID, "", 0);
  g_autoptr(DcmDataSet) no_level = make_identifier (NULL, DCM_TAG_PATIENT_ID, "", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  fixture_associate (f);
  got = run_find (f, FIND_STUDY, patients, DCM_TAG_PATIENT_ID, 0, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA900);
  g_clear_error (&error);
  got = run_find (f, FIND_STUDY, no_level, DCM_TAG_PATIENT_ID, 0, NULL, &error);
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA900);
  assert_echo_works (f);
}

static void
test_find_worklist (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = make_identifier (NULL, DCM_TAG_PATIENT_NAME, "", 0);

  fixture_associate (f);
  assert_find (f, FIND_WORKLIST, identifier, DCM_TAG_PATIENT_NAME, "");
}

/* After one match of N_MANY the SCU cancels: the matches stop, the final
 * status is Cancel (or Success, when every response was out before the
 * C-CANCEL-RQ arrived: PS3.7 §9.3.2.3), and the association goes on. */
static void
test_find_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) images = make_identifier ("IMAGE", DCM_TAG_STUDY_INSTANCE_UID, STUDY_1,
                                                  DCM_TAG_SERIES_INSTANCE_UID, SERIES_1_1,
                                                  DCM_TAG_SOP_INSTANCE_UID, "", 0);
  g_autoptr(DcmDataSet) series = make_identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID, STUDY_1,
                                                  DCM_TAG_SERIES_INSTANCE_UID, "", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  guint16 status = 0xFFFF;

  fixture_associate (f);
  got = run_find (f, FIND_STUDY, images, DCM_TAG_SOP_INSTANCE_UID, 1, &status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_null (strchr (got, '|'));
  g_assert_true (status == STATUS_CANCEL || status == 0x0000);
  assert_echo_works (f);
  assert_find (f, FIND_STUDY, series, DCM_TAG_SERIES_INSTANCE_UID,
               SERIES_1_1 "|" SERIES_1_2);
}

/* ---- C-MOVE ---- */

typedef struct {
  GCancellable *cancel_on_first;
  guint         n_progress;
} Progress;

static void
on_progress (GObject *job, gpointer user_data)
{
  Progress *p = user_data;

  p->n_progress++;
  if (p->cancel_on_first != NULL)
    g_cancellable_cancel (p->cancel_on_first);
}

static gboolean
run_move (Fixture *f, DcmDataSet *identifier, const char *destination, DimseMoveJob *job,
          GCancellable *cancellable, guint16 *status, GError **error)
{
  TestWaiter w = { 0 };
  gboolean ok;

  dimse_move_async (f->assoc, MOVE_STUDY, identifier, destination, job, cancellable,
                    test_waiter_done, &w);
  ok = dimse_move_finish (f->assoc, test_waiter_wait (&w, "the C-MOVE"), status, error);
  test_waiter_clear (&w);
  return ok;
}

/* The data set of the file at path, parsed. */
static DcmDataSet *
read_data_set (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) file = dcm_file_read_path (path, NULL, DCM_FILE_READ_DEFAULT, &error);

  g_assert_no_error (error);
  return dcm_data_set_ref (dcm_file_get_data_set (file));
}

static void
assert_same_instance (const char *dir_a, const char *dir_b, const char *uid)
{
  g_autofree char *name = g_strconcat (uid, ".dcm", NULL);
  g_autofree char *a = g_build_filename (dir_a, name, NULL);
  g_autofree char *b = g_build_filename (dir_b, name, NULL);
  g_autoptr(DcmDataSet) ds_a = read_data_set (a);
  g_autoptr(DcmDataSet) ds_b = read_data_set (b);

  g_assert_true (dcm_data_set_equal (ds_a, ds_b));
}

static guint
count_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_move_study (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = make_identifier ("STUDY", DCM_TAG_STUDY_INSTANCE_UID,
                                                      STUDY_1, 0);
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };
  guint16 status = 0xFFFF;

  fixture_associate (f);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), &p);
  g_assert_true (run_move (f, identifier, "DEST", job, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpuint (dimse_move_job_get_n_completed (job), ==, N_STUDY_1);
  g_assert_cmpuint (dimse_move_job_get_n_failed (job), ==, 0);
  g_assert_cmpuint (p.n_progress, >, 0);
  assert_same_instance (f->folder, f->dest_dir, SERIES_1_1 ".1");
  assert_same_instance (f->folder, f->dest_dir, SERIES_1_2 ".2");
  g_assert_cmpuint (count_files (f->dest_dir), ==, N_STUDY_1);
  assert_echo_works (f);
}

static void
test_move_unknown_destination (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = make_identifier ("STUDY", DCM_TAG_STUDY_INSTANCE_UID,
                                                      STUDY_1, 0);
  g_autoptr(GError) error = NULL;

  fixture_associate (f);
  g_assert_false (run_move (f, identifier, "NOWHERE", NULL, NULL, NULL, &error));
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA801);
  assert_echo_works (f);
}

/* The destination answers slowly; the SCU cancels after the first
 * progress: Cancel with sub-operations left, and the association goes on. */
static void
test_move_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = make_identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID,
                                                      STUDY_1, DCM_TAG_SERIES_INSTANCE_UID,
                                                      SERIES_1_1, 0);
  g_autoptr(DcmDataSet) series = make_identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID, STUDY_1,
                                                  DCM_TAG_SERIES_INSTANCE_UID, "", 0);
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { cancellable, 0 };
  guint16 status = 0xFFFF;

  g_assert_true (f->slow_destination);
  fixture_associate (f);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), &p);
  g_assert_true (run_move (f, identifier, "DEST", job, cancellable, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, STATUS_CANCEL);
  g_assert_true (dimse_move_job_get_cancel_sent (job));
  g_assert_cmpuint (dimse_move_job_get_n_remaining (job), >, 0);
  g_assert_cmpuint (dimse_move_job_get_n_completed (job) + dimse_move_job_get_n_remaining (job),
                    ==, N_MANY);
  g_assert_cmpuint (f->n_dest_stores, <, N_MANY);
  assert_echo_works (f);
  assert_find (f, FIND_STUDY, series, DCM_TAG_SERIES_INSTANCE_UID,
               SERIES_1_1 "|" SERIES_1_2);
}

/* ---- C-GET ---- */

static void
test_get_series (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = make_identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID,
                                                      STUDY_1, DCM_TAG_SERIES_INSTANCE_UID,
                                                      SERIES_1_2, 0);
  g_autoptr(DimseGetJob) job = dimse_get_job_new ();
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  fixture_associate (f);
  dimse_get_async (f->assoc, GET_STUDY, identifier, f->dest_dir, job, NULL, test_waiter_done,
                   &w);
  g_assert_true (dimse_get_finish (f->assoc, test_waiter_wait (&w, "the C-GET"), &status,
                                   &error));
  test_waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpuint (dimse_get_job_get_n_completed (job), ==, 2);
  g_assert_cmpuint (dimse_get_job_get_n_received (job), ==, 2);
  assert_same_instance (f->folder, f->dest_dir, SERIES_1_2 ".1");
  assert_same_instance (f->folder, f->dest_dir, SERIES_1_2 ".2");
  assert_echo_works (f);
}

/* ---- C-STORE: into the folder and the index ---- */

static void
test_store_indexed (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("SCU", "ARCHIVE");
  g_autoptr(DcmDataSet) studies = make_identifier ("STUDY", DCM_TAG_PATIENT_ID, "P3",
                                                   DCM_TAG_STUDY_INSTANCE_UID, "", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_build_filename (f->tmp, "source", NULL);
  g_autofree char *path = NULL;
  g_autofree char *stored = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  g_assert_cmpint (g_mkdir (source, 0700), ==, 0);
  write_instance (source, "P3", "NEW^ONE", ROOT ".3", "20220101", ROOT ".3.1", "CT", 1);
  path = g_build_filename (source, ROOT ".3.1.1.dcm", NULL);
  dimse_association_params_add_context (params, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE, NULL,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, FIND_STUDY, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server),
                                   NULL, NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  dimse_store_send_file_async (f->assoc, path, NULL, test_waiter_done, &w);
  g_assert_true (dimse_store_send_file_finish (f->assoc, test_waiter_wait (&w, "the C-STORE"),
                                               &status, NULL, &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  g_assert_cmpuint (status, ==, 0x0000);
  test_wait_until (&f->instance_stored, "instance-stored");
  stored = g_build_filename (f->folder, ROOT ".3.1.1.dcm", NULL);
  g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));
  assert_find (f, FIND_STUDY, studies, DCM_TAG_STUDY_INSTANCE_UID, ROOT ".3");
}

/* ---- who may associate ---- */

static void
test_calling_ae_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseServer) server = NULL;
  g_autoptr(DimseAssociation) friend = NULL;
  g_autoptr(GError) error = NULL;

  dimse_archive_add_calling_ae_title (f->archive, "FRIEND");
  server = dimse_archive_serve (f->archive, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->assoc = associate (f, "STRANGER", server, &error);
  g_assert_null (f->assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  g_assert_nonnull (strstr (error->message, "Calling AE Title Not Recognized"));
  g_clear_error (&error);
  f->assoc = associate (f, "FRIEND", server, &error);
  g_assert_no_error (error);
  assert_echo_works (f);
  dimse_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func, slow) \
  g_test_add (path, Fixture, GINT_TO_POINTER (slow), fixture_set_up, func, fixture_tear_down)
  ADD ("/archive/find/levels", test_find_levels, FALSE);
  ADD ("/archive/find/identifier-mismatch", test_find_identifier_mismatch, FALSE);
  ADD ("/archive/find/worklist", test_find_worklist, FALSE);
  ADD ("/archive/find/cancel", test_find_cancel, FALSE);
  ADD ("/archive/move/study", test_move_study, FALSE);
  ADD ("/archive/move/unknown-destination", test_move_unknown_destination, FALSE);
  ADD ("/archive/move/cancel", test_move_cancel, TRUE);
  ADD ("/archive/get/series", test_get_series, FALSE);
  ADD ("/archive/store/indexed", test_store_indexed, FALSE);
  ADD ("/archive/calling-ae-refused", test_calling_ae_refused, FALSE);
#undef ADD
  return g_test_run ();
}
