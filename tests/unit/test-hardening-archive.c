/* test-hardening-archive.c — the embedded archive against broken peers, on
 * 127.0.0.1 in process: C-MOVE to a destination that refuses the
 * association or aborts it in the middle of a C-STORE (counts, Failed SOP
 * Instance UID List, final status and its words), malformed C-FIND
 * identifiers (a failure status, the association usable after), a
 * C-FIND of 100,000 matches cancelled midway, and who may call: the
 * calling AE allow-list, an AE bound to its address, per-peer services */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-archive.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-find.h"
#include "dimse-move.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "test-util.h"
#include "test-wait.h"

#define ROOT "1.2.826.0.1.3680043.10.1247.310"
#define STUDY ROOT ".1"
#define SERIES ROOT ".1.1"
#define BIG_STUDY ROOT ".2"
#define BIG_SERIES ROOT ".2.1"
#define N_MOVED 5
/* Matches of the C-FIND cancelled midway (PS3.4 §C.4.1.2.3). */
#define N_BIG 100000
/* Their SOP Instance UIDs end in BIG_FIRST, BIG_FIRST + 1 …: six digits. */
#define BIG_FIRST 100000
/* The aborting destination aborts on this C-STORE-RQ (1-based). */
#define ABORT_AT 3
#define FIND_STUDY DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define MOVE_STUDY DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE
#define STATUS_CANCEL 0xFE00
#define STATUS_SUB_OPERATIONS_FAILED 0xA702
#define STATUS_SUB_OPERATIONS_WARNING 0xB000

typedef struct {
  GMainContext     *context;
  char             *tmp;
  char             *folder;
  DimseArchive     *archive;
  DimseServer      *server;
  DimseServer      *refuser;   /* answers to another called AE title only */
  DimseServer      *aborter;   /* aborts on its ABORT_AT-th C-STORE-RQ */
  guint             n_aborter_stores;
  DimseAssociation *assoc;
} Fixture;

/* ---- the archive's files ---- */

static void
write_instance (const char *folder, const char *study, const char *series, guint number)
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
    { DCM_TAG_STUDY_DATE, "20240102" },
    { DCM_TAG_MODALITY, "OT" },
    { DCM_TAG_PATIENT_NAME, "FAULT^TEST" },
    { DCM_TAG_PATIENT_ID, "H2" },
    { DCM_TAG_STUDY_INSTANCE_UID, study },
    { DCM_TAG_SERIES_INSTANCE_UID, series },
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

/* N_BIG files, cheaply: one written by the Part 10 writer (which syncs
 * every file), numbered BIG_FIRST, the others copies of its bytes with the
 * six digits that end its SOP Instance UID (in the meta group and in the
 * data set) replaced. */
static void
write_big_series (const char *folder)
{
  g_autofree char *template_uid = g_strdup_printf ("%s.%u", BIG_SERIES, BIG_FIRST);
  g_autofree char *template_name = g_strdup_printf ("%s.dcm", template_uid);
  g_autofree char *template_path = g_build_filename (folder, template_name, NULL);
  g_autofree char *bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize n = 0, uid_len = strlen (template_uid);
  guint n_places = 0;
  gsize places[4];

  write_instance (folder, BIG_STUDY, BIG_SERIES, BIG_FIRST);
  g_assert_true (g_file_get_contents (template_path, &bytes, &n, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i + uid_len <= n && n_places < G_N_ELEMENTS (places); i++)
    if (memcmp (bytes + i, template_uid, uid_len) == 0)
      places[n_places++] = i + uid_len - 6;
  g_assert_cmpuint (n_places, ==, 2);
  for (guint k = BIG_FIRST + 1; k < BIG_FIRST + N_BIG; k++)
    {
      g_autofree char *digits = g_strdup_printf ("%06u", k);
      g_autofree char *name = g_strdup_printf ("%s.%s.dcm", BIG_SERIES, digits);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      FILE *out;

      for (guint p = 0; p < n_places; p++)
        memcpy (bytes + places[p], digits, 6);
      out = fopen (path, "wb");
      g_assert_nonnull (out);
      g_assert_cmpuint (fwrite (bytes, 1, n, out), ==, n);
      g_assert_cmpint (fclose (out), ==, 0);
    }
}

/* ---- the broken destinations ---- */

static void
on_aborter_store (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg, GFile *file,
                  gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(DimseMessage) rsp = NULL;

  if (dimse_message_get_command_field (msg) != DIMSE_C_STORE_RQ)
    return;
  if (++f->n_aborter_stores == ABORT_AT)
    {
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
      return;
    }
  rsp = dimse_message_new_response (msg, 0x0000);
  dimse_association_send_message_async (assoc, pc_id, rsp, NULL, NULL, NULL);
}

static void
on_aborter_association (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  g_signal_connect (assoc, "request-received", G_CALLBACK (on_aborter_store), user_data);
}

static DimseServer *
destination_new (const char *ae_title)
{
  g_autoptr(GError) error = NULL;
  DimseServer *server = dimse_server_new (dimse_acceptor_policy_new_default (ae_title), NULL);

  g_assert_true (dimse_server_listen (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  return server;
}

/* ---- set-up ---- */

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_archive_open_finish (DIMSE_ARCHIVE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* As test_wait_until, with room for indexing N_BIG files under ASan. */
static void
wait_long (const gboolean *flag, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;

  while (!*flag)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting for %s.", what);
      g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
    }
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  gboolean big = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gboolean opened = FALSE;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->tmp = test_util_make_tmpdir ("test-hardening-archive");
  f->folder = g_build_filename (f->tmp, "archive", NULL);
  g_assert_cmpint (g_mkdir (f->folder, 0700), ==, 0);
  for (guint i = 1; i <= N_MOVED; i++)
    write_instance (f->folder, STUDY, SERIES, i);
  if (big)
    write_big_series (f->folder);

  f->refuser = destination_new ("SOMEONE-ELSE");
  f->aborter = destination_new ("ABORTER");
  g_signal_connect (f->aborter, "association-started", G_CALLBACK (on_aborter_association), f);

  f->archive = dimse_archive_new (f->folder, "ARCHIVE");
  dimse_archive_add_node (f->archive, "REFUSER", "127.0.0.1", dimse_server_get_port (f->refuser));
  dimse_archive_add_node (f->archive, "ABORTER", "127.0.0.1", dimse_server_get_port (f->aborter));
  /* Who may call: see test_access_*. */
  g_assert_true (dimse_archive_add_peer (f->archive, "SCU", NULL, DIMSE_ARCHIVE_SERVICE_ALL,
                                         &error));
  g_assert_true (dimse_archive_add_peer (f->archive, "FINDONLY", NULL, DIMSE_ARCHIVE_SERVICE_FIND,
                                         &error));
  g_assert_true (dimse_archive_add_peer (f->archive, "LOCAL", "127.0.0.1",
                                         DIMSE_ARCHIVE_SERVICE_ECHO, &error));
  g_assert_true (dimse_archive_add_peer (f->archive, "ELSEWHERE", "192.0.2.7",
                                         DIMSE_ARCHIVE_SERVICE_ALL, &error));
  g_assert_no_error (error);
  dimse_archive_open_async (f->archive, NULL, on_opened, &opened);
  wait_long (&opened, "the archive's scan");
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
  dimse_server_stop (f->refuser);
  dimse_server_stop (f->aborter);
  test_drain ();
  g_clear_object (&f->server);
  g_clear_object (&f->refuser);
  g_clear_object (&f->aborter);
  g_clear_object (&f->archive);
  test_drain ();
  test_util_rmtree (f->tmp);
  g_free (f->tmp);
  g_free (f->folder);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* The C-FIND context goes in Explicit VR Little Endian only, so that the
 * raw identifiers below are read as they are written. */
static DimseAssociation *
associate_as (Fixture *f, const char *calling, GError **error)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new (calling, "ARCHIVE");
  static const char *const explicit_le[] = { DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, NULL };
  DimseAssociation *assoc;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, FIND_STUDY, explicit_le, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, MOVE_STUDY, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server), NULL,
                                   NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), error);
  test_waiter_clear (&w);
  return assoc;
}

static void
fixture_associate (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->assoc = associate_as (f, "SCU", &error);
  g_assert_no_error (error);
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

static DcmDataSet *
study_identifier (const char *study)
{
  DcmDataSet *ds = dcm_data_set_new ();

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, "STUDY",
                                          NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, study,
                                          NULL));
  return ds;
}

/* ---- C-MOVE to a broken destination ---- */

typedef struct {
  gboolean  ok;
  guint16   status;
  GError   *error;
} MoveOutcome;

static void
run_move (Fixture *f, const char *destination, DimseMoveJob *job, MoveOutcome *out)
{
  g_autoptr(DcmDataSet) identifier = study_identifier (STUDY);
  TestWaiter w = { 0 };

  out->status = 0xFFFF;
  dimse_move_async (f->assoc, MOVE_STUDY, identifier, destination, job, NULL, test_waiter_done,
                    &w);
  out->ok = dimse_move_finish (f->assoc, test_waiter_wait (&w, "the C-MOVE"), &out->status,
                               &out->error);
  test_waiter_clear (&w);
  /* A failure status comes back as the error; its code is the status. */
  if (!out->ok && out->error != NULL && out->error->domain == DIMSE_STATUS_ERROR)
    out->status = (guint16) out->error->code;
}

static guint
strv_length (const char *const *v)
{
  return v != NULL ? g_strv_length ((char **) v) : 0;
}

static gboolean
strv_has (const char *const *v, const char *s)
{
  return v != NULL && g_strv_contains (v, s);
}

/* PS3.4 §C.4.2.1.5: no sub-operation could be performed, so A702 with
 * every instance in the Failed SOP Instance UID List, said in words. */
static void
test_move_destination_refuses (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  const char *const *failed;
  MoveOutcome out = { 0 };
  g_autofree char *words = NULL;

  fixture_associate (f);
  run_move (f, "REFUSER", job, &out);
  g_assert_cmphex (out.status, ==, STATUS_SUB_OPERATIONS_FAILED);
  g_assert_cmpuint (dimse_move_job_get_n_completed (job), ==, 0);
  g_assert_cmpuint (dimse_move_job_get_n_failed (job), ==, N_MOVED);
  g_assert_cmpuint (dimse_move_job_get_n_warning (job), ==, 0);
  failed = dimse_move_job_get_failed_sop_instance_uids (job);
  g_assert_cmpuint (strv_length (failed), ==, N_MOVED);
  for (guint i = 1; i <= N_MOVED; i++)
    {
      g_autofree char *uid = g_strdup_printf ("%s.%u", SERIES, i);

      g_assert_true (strv_has (failed, uid));
    }
  words = g_strdup (dimse_status_meaning (out.status, DIMSE_C_MOVE_RQ));
  g_assert_nonnull (strstr (words, "Refused"));
  if (out.error != NULL)
    g_assert_nonnull (strstr (out.error->message, "Refused"));
  g_clear_error (&out.error);
  assert_echo_works (f);
}

/* The destination aborts on its third C-STORE-RQ: that instance and any
 * not sent over the aborted association fail, the ones before completed;
 * the final status is the warning B000 (some completed), and the failed
 * ones are listed. */
static void
test_move_destination_aborts (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseMoveJob) job = dimse_move_job_new ();
  g_autofree char *aborted_uid = g_strdup_printf ("%s.%u", SERIES, ABORT_AT);
  const char *const *failed;
  MoveOutcome out = { 0 };
  guint n_completed, n_failed;
  g_autofree char *words = NULL;

  fixture_associate (f);
  run_move (f, "ABORTER", job, &out);
  n_completed = dimse_move_job_get_n_completed (job);
  n_failed = dimse_move_job_get_n_failed (job);
  g_assert_cmphex (out.status, ==, STATUS_SUB_OPERATIONS_WARNING);
  g_assert_cmpuint (n_completed + n_failed, ==, N_MOVED);
  g_assert_cmpuint (n_completed, >=, ABORT_AT - 1);
  g_assert_cmpuint (n_failed, >=, 1);
  g_assert_cmpuint (dimse_move_job_get_n_remaining (job), ==, 0);
  failed = dimse_move_job_get_failed_sop_instance_uids (job);
  g_assert_cmpuint (strv_length (failed), ==, n_failed);
  /* The instances go in order of the index: the one aborted on fails. */
  g_assert_true (strv_has (failed, aborted_uid));
  words = g_strdup (dimse_status_meaning (out.status, DIMSE_C_MOVE_RQ));
  g_assert_nonnull (strstr (words, "Warning"));
  g_clear_error (&out.error);
  assert_echo_works (f);
}

/* ---- malformed C-FIND identifiers ---- */

static void
put (GByteArray *a, const void *p, gsize n)
{
  g_byte_array_append (a, p, (guint) n);
}

/* An Explicit VR Little Endian element with a 16-bit length. */
static void
put_short (GByteArray *a, guint32 tag, const char *vr, const void *value, guint16 n)
{
  guint8 h[8] = { (guint8) (tag >> 16), (guint8) (tag >> 24), (guint8) tag, (guint8) (tag >> 8),
                  (guint8) vr[0], (guint8) vr[1], (guint8) n, (guint8) (n >> 8) };

  put (a, h, sizeof h);
  put (a, value, n);
}

static void
put_level (GByteArray *a)
{
  put_short (a, DCM_TAG_QUERY_RETRIEVE_LEVEL, "CS", "STUDY ", 6);
}

typedef enum {
  MALFORMED_TRUNCATED,
  MALFORMED_WRONG_VR,
  MALFORMED_UNKNOWN_VR,
  MALFORMED_UNDELIMITED_SEQUENCE,
  MALFORMED_CHARSET,
  MALFORMED_HUGE_STRING,
} Malformed;

static GBytes *
malformed_identifier (Malformed kind)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();

  put_level (a);
  switch (kind)
    {
    case MALFORMED_TRUNCATED:
      /* (0010,0010) says 40 bytes, 4 follow. */
      put_short (a, DCM_TAG_PATIENT_NAME, "PN", "DOE^", 4);
      a->data[a->len - 6] = 40;
      break;
    case MALFORMED_WRONG_VR:
      /* Study Date, a DA, as an unsigned long. */
      put_short (a, DCM_TAG_STUDY_DATE, "UL", "\x01\x00\x00\x00", 4);
      break;
    case MALFORMED_UNKNOWN_VR:
      put_short (a, DCM_TAG_STUDY_INSTANCE_UID, "Q!", "1.2\0", 4);
      break;
    case MALFORMED_UNDELIMITED_SEQUENCE:
      {
        /* (0008,1110) SQ of undefined length, one item, then the end. */
        static const guint8 seq[] = { 0x08, 0x00, 0x10, 0x11, 'S', 'Q', 0, 0,
                                      0xff, 0xff, 0xff, 0xff,
                                      0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff };
        put (a, seq, sizeof seq);
        put_short (a, DCM_TAG_REFERENCED_SOP_CLASS_UID, "UI", "1.2\0", 4);
      }
      break;
    case MALFORMED_CHARSET:
      put_short (a, DCM_TAG_SPECIFIC_CHARACTER_SET, "CS", "ISO_IR 192", 10);
      put_short (a, DCM_TAG_PATIENT_NAME, "PN", "\xff\xfe\xc3(\xa0\xa1", 6);
      break;
    case MALFORMED_HUGE_STRING:
      {
        g_autofree char *huge = g_malloc (10240);

        memset (huge, 'A', 10240);
        put_short (a, DCM_TAG_PATIENT_NAME, "PN", huge, 10240);
      }
      break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&a));
}

/* Sends a C-FIND-RQ with raw identifier bytes, reads the responses to the
 * final one and gives its status. */
static guint16
find_raw (Fixture *f, GBytes *identifier, guint *n_pending, char **comment)
{
  const DimseNegotiationResult *neg = dimse_association_get_negotiation (f->assoc);
  guint8 pc_id = dimse_negotiation_result_find_context (neg, FIND_STUDY, NULL, DIMSE_ROLE_DEFAULT);
  guint16 message_id = dimse_association_next_message_id (f->assoc);
  g_autoptr(DimseMessage) rq = NULL;
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFF00;

  g_assert_cmpuint (pc_id, !=, 0);
  rq = dimse_message_new_c_find_rq (message_id, FIND_STUDY, DIMSE_PRIORITY_MEDIUM, &error);
  g_assert_no_error (error);
  dimse_message_set_encoded_data_set (rq, identifier, &dcm_ts_explicit_le);
  dimse_association_send_message_async (f->assoc, pc_id, rq, NULL, test_waiter_done, &w);
  g_assert_true (dimse_association_send_message_finish (f->assoc,
                                                        test_waiter_wait (&w, "the C-FIND-RQ"),
                                                        &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  *n_pending = 0;
  while (status == 0xFF00 || status == 0xFF01)
    {
      g_autoptr(DimseMessage) rsp = NULL;

      dimse_association_receive_response_async (f->assoc, message_id, NULL, test_waiter_done, &w);
      rsp = dimse_association_receive_response_finish (f->assoc,
                                                       test_waiter_wait (&w, "a C-FIND-RSP"),
                                                       NULL, &error);
      g_assert_no_error (error);
      test_waiter_clear (&w);
      g_assert_true (dimse_message_get_us (rsp, DCM_TAG_STATUS, &status));
      if (status == 0xFF00 || status == 0xFF01)
        (*n_pending)++;
      else
        *comment = dimse_message_dup_string (rsp, DCM_TAG_ERROR_COMMENT);
    }
  return status;
}

static void
test_find_malformed (Fixture *f, gconstpointer data)
{
  static const struct {
    Malformed   kind;
    const char *name;
  } cases[] = {
    { MALFORMED_TRUNCATED, "truncated element" },
    { MALFORMED_WRONG_VR, "wrong VR" },
    { MALFORMED_UNKNOWN_VR, "VR that does not exist" },
    { MALFORMED_UNDELIMITED_SEQUENCE, "undefined-length sequence without delimiter" },
    { MALFORMED_CHARSET, "invalid ISO_IR 192 bytes" },
    { MALFORMED_HUGE_STRING, "10 KB Patient Name" },
  };

  fixture_associate (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) identifier = malformed_identifier (cases[i].kind);
      guint n_pending = 0;
      g_autofree char *comment = NULL;
      guint16 status = find_raw (f, identifier, &n_pending, &comment);

      g_test_message ("%s: final status %04X after %u pending: %s", cases[i].name, status,
                      n_pending, comment);
      /* PS3.4 §C.4.1.1.4: Identifier Does Not Match SOP Class, or Unable
       * to Process; never a match made of what could not be read. */
      if (status != 0xA900 && status != 0xC000)
        g_error ("The C-FIND with a %s ended with status %04X, not A900 or C000.", cases[i].name,
                 status);
      g_assert_cmpuint (n_pending, ==, 0);
      /* The Error Comment says what was wrong (PS3.7 Annex C). */
      g_assert_nonnull (comment);
      g_assert_cmpstr (comment, !=, "");
      assert_echo_works (f);
    }
}

/* ---- a C-FIND of N_BIG matches, cancelled ---- */

typedef struct {
  guint n;
} Counter;

static void
on_match (DimseFindJob *job, DcmDataSet *identifier, gpointer user_data)
{
  ((Counter *) user_data)->n++;
}

static void
test_find_big_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) images = dcm_data_set_new ();
  g_autoptr(DcmDataSet) series = study_identifier (BIG_STUDY);
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(DimseFindJob) after = dimse_find_job_new ();
  g_autoptr(GError) error = NULL;
  Counter matches = { 0 }, after_matches = { 0 };
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  g_assert_true (dcm_data_set_set_string (images, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE,
                                          "IMAGE", NULL));
  g_assert_true (dcm_data_set_set_string (images, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE,
                                          BIG_STUDY, NULL));
  g_assert_true (dcm_data_set_set_string (images, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE,
                                          BIG_SERIES, NULL));
  g_assert_true (dcm_data_set_set_string (images, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE, "",
                                          NULL));
  fixture_associate (f);
  g_signal_connect (job, "result", G_CALLBACK (on_match), &matches);
  /* After 100 matches the job sends the C-CANCEL-RQ. */
  dimse_find_async (f->assoc, FIND_STUDY, images, 100, job, NULL, test_waiter_done, &w);
  g_assert_true (dimse_find_finish (f->assoc, test_waiter_wait (&w, "the big C-FIND"), &status,
                                    &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  g_assert_cmphex (status, ==, STATUS_CANCEL);
  g_assert_true (dimse_find_job_get_cancel_sent (job));
  g_assert_cmpuint (matches.n, ==, 100);

  /* The association goes on: an echo, then a query that runs to its end. */
  assert_echo_works (f);
  g_signal_connect (after, "result", G_CALLBACK (on_match), &after_matches);
  dimse_find_async (f->assoc, FIND_STUDY, series, 0, after, NULL, test_waiter_done, &w);
  g_assert_true (dimse_find_finish (f->assoc, test_waiter_wait (&w, "the C-FIND after"), &status,
                                    &error));
  g_assert_no_error (error);
  test_waiter_clear (&w);
  g_assert_cmphex (status, ==, 0x0000);
  g_assert_cmpuint (after_matches.n, ==, 1);
}

/* ---- access control ---- */

/* A calling AE title not on the list: rejected permanent by the service
 * user, calling AE title not recognized (PS3.8 Table 9-21). */
static void
test_access_unknown_calling_ae (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) assoc = associate_as (f, "STRANGER", &error);

  g_assert_null (assoc);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  g_assert_nonnull (strstr (error->message, "Calling AE Title Not Recognized"));
}

/* FINDONLY may query but not echo or move: 0124 Not Authorized, and the
 * association goes on. */
static void
test_access_services (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(DcmDataSet) identifier = study_identifier (STUDY);
  g_autoptr(DimseMoveJob) move_job = dimse_move_job_new ();
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  f->assoc = associate_as (f, "FINDONLY", &error);
  g_assert_no_error (error);
  dimse_echo_async (f->assoc, NULL, test_waiter_done, &w);
  if (!dimse_echo_finish (f->assoc, test_waiter_wait (&w, "the C-ECHO"), &status, &error))
    status = error->domain == DIMSE_STATUS_ERROR ? (guint16) error->code : 0xFFFF;
  test_waiter_clear (&w);
  g_assert_cmphex (status, ==, 0x0124);
  g_clear_error (&error);
  dimse_move_async (f->assoc, MOVE_STUDY, identifier, "ABORTER", move_job, NULL,
                    test_waiter_done, &w);
  g_assert_false (dimse_move_finish (f->assoc, test_waiter_wait (&w, "the C-MOVE"), &status,
                                     &error));
  test_waiter_clear (&w);
  g_assert_error (error, DIMSE_STATUS_ERROR, 0x0124);
  g_assert_cmpuint (f->n_aborter_stores, ==, 0);
  g_clear_error (&error);
  dimse_find_async (f->assoc, FIND_STUDY, identifier, 0, job, NULL, test_waiter_done, &w);
  g_assert_true (dimse_find_finish (f->assoc, test_waiter_wait (&w, "the C-FIND"), &status,
                                    &error));
  test_waiter_clear (&w);
  g_assert_no_error (error);
  g_assert_cmphex (status, ==, 0x0000);
}

/* LOCAL is bound to 127.0.0.1, where it comes from; ELSEWHERE to another
 * address, so its A-ASSOCIATE-RQ is rejected (PS3.8 Table 9-21: rejected
 * permanent, service user, calling AE title not recognized). */
static void
test_access_address (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseAssociation) elsewhere = NULL;

  f->assoc = associate_as (f, "LOCAL", &error);
  g_assert_no_error (error);
  assert_echo_works (f);
  elsewhere = associate_as (f, "ELSEWHERE", &error);
  g_assert_null (elsewhere);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
  g_assert_nonnull (strstr (error->message, "Calling AE Title Not Recognized"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func, big) \
  g_test_add (path, Fixture, GINT_TO_POINTER (big), fixture_set_up, func, fixture_tear_down)
  ADD ("/hardening-archive/move/destination-refuses", test_move_destination_refuses, FALSE);
  ADD ("/hardening-archive/move/destination-aborts", test_move_destination_aborts, FALSE);
  ADD ("/hardening-archive/find/malformed-identifiers", test_find_malformed, FALSE);
  ADD ("/hardening-archive/find/big-cancel", test_find_big_cancel, TRUE);
  ADD ("/hardening-archive/access/unknown-calling-ae", test_access_unknown_calling_ae, FALSE);
  ADD ("/hardening-archive/access/services", test_access_services, FALSE);
  ADD ("/hardening-archive/access/address", test_access_address, FALSE);
#undef ADD
  return g_test_run ();
}
