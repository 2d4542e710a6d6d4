/* test-find-options.c — C-FIND SOP Class Extended Negotiation (PS3.4
 * §C.5.1): the service-class-application-information bytes both ways, and
 * the embedded archive answering relational queries only where the
 * association agreed them (§C.4.1.3.2) */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-archive.h"
#include "dimse-archive-index.h"
#include "dimse-error.h"
#include "dimse-find.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "test-util.h"
#include "test-wait.h"

#define ROOT "1.2.826.0.1.3680043.10.1247.310"
#define FIND_STUDY DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define FIND_PATIENT DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
#define STATUS_IDENTIFIER_MISMATCH 0xA900

/* ---- the bytes ---- */

static void
assert_bytes (GBytes *bytes, const guint8 *expected, gsize length)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, length);
}

static void
test_encode (void)
{
  static const guint8 relational[] = { 1 };
  static const guint8 fuzzy[] = { 0, 0, 1 };
  static const guint8 all[] = { 1, 1, 1, 1 };
  static const guint8 datetime_timezone[] = { 0, 1, 0, 1 };
  g_autoptr(GBytes) b1 = dimse_find_options_encode (DIMSE_FIND_OPTION_RELATIONAL);
  g_autoptr(GBytes) b2 = dimse_find_options_encode (DIMSE_FIND_OPTION_FUZZY_PN);
  g_autoptr(GBytes) b3 = dimse_find_options_encode (DIMSE_FIND_OPTION_ALL);
  g_autoptr(GBytes) b4 = dimse_find_options_encode (DIMSE_FIND_OPTION_COMBINED_DATETIME
                                                    | DIMSE_FIND_OPTION_TIMEZONE);

  g_assert_null (dimse_find_options_encode (DIMSE_FIND_OPTION_NONE));
  assert_bytes (b1, relational, sizeof relational);
  assert_bytes (b2, fuzzy, sizeof fuzzy);
  assert_bytes (b3, all, sizeof all);
  assert_bytes (b4, datetime_timezone, sizeof datetime_timezone);
}

static void
test_decode (void)
{
  static const guint8 one[] = { 1 };
  static const guint8 mixed[] = { 1, 0, 1 };
  /* a newer standard's seven bytes; a byte that is not 0 or 1 sets nothing */
  static const guint8 seven[] = { 0, 1, 2, 1, 1, 1, 1 };
  g_autoptr(GBytes) b1 = g_bytes_new_static (one, sizeof one);
  g_autoptr(GBytes) b2 = g_bytes_new_static (mixed, sizeof mixed);
  g_autoptr(GBytes) b3 = g_bytes_new_static (seven, sizeof seven);
  g_autoptr(GBytes) empty = g_bytes_new_static (NULL, 0);

  g_assert_cmpuint (dimse_find_options_decode (NULL), ==, DIMSE_FIND_OPTION_NONE);
  g_assert_cmpuint (dimse_find_options_decode (empty), ==, DIMSE_FIND_OPTION_NONE);
  g_assert_cmpuint (dimse_find_options_decode (b1), ==, DIMSE_FIND_OPTION_RELATIONAL);
  g_assert_cmpuint (dimse_find_options_decode (b2), ==,
                    DIMSE_FIND_OPTION_RELATIONAL | DIMSE_FIND_OPTION_FUZZY_PN);
  g_assert_cmpuint (dimse_find_options_decode (b3), ==,
                    DIMSE_FIND_OPTION_COMBINED_DATETIME | DIMSE_FIND_OPTION_TIMEZONE);
}

static void
test_answer (void)
{
  static const guint8 all[] = { 1, 1, 1, 1 };
  static const guint8 relational_only[] = { 1, 0, 0, 0 };
  static const guint8 six[] = { 1, 0, 1, 0, 1, 1 };
  static const guint8 six_answer[] = { 1, 0, 0, 0, 0, 0 };
  static const guint8 fuzzy[] = { 0, 0, 1 };
  static const guint8 none[] = { 0, 0, 0 };
  g_autoptr(GBytes) p1 = g_bytes_new_static (all, sizeof all);
  g_autoptr(GBytes) p2 = g_bytes_new_static (six, sizeof six);
  g_autoptr(GBytes) p3 = g_bytes_new_static (fuzzy, sizeof fuzzy);
  g_autoptr(GBytes) empty = g_bytes_new_static (NULL, 0);
  g_autoptr(GBytes) a1 = dimse_find_options_answer (p1, DIMSE_FIND_OPTION_RELATIONAL);
  g_autoptr(GBytes) a2 = dimse_find_options_answer (p2, DIMSE_FIND_OPTION_RELATIONAL);
  g_autoptr(GBytes) a3 = dimse_find_options_answer (p3, DIMSE_FIND_OPTION_RELATIONAL);
  g_autofree char *text = dimse_find_options_to_string (DIMSE_FIND_OPTION_RELATIONAL
                                                        | DIMSE_FIND_OPTION_FUZZY_PN);
  g_autofree char *none_text = dimse_find_options_to_string (DIMSE_FIND_OPTION_NONE);

  assert_bytes (a1, relational_only, sizeof relational_only);
  assert_bytes (a2, six_answer, sizeof six_answer);
  assert_bytes (a3, none, sizeof none);
  g_assert_null (dimse_find_options_answer (empty, DIMSE_FIND_OPTION_ALL));
  g_assert_null (dimse_find_options_answer (NULL, DIMSE_FIND_OPTION_ALL));
  g_assert_cmpstr (text, ==, "relational queries, fuzzy person name matching");
  g_assert_cmpstr (none_text, ==, "none");
}

/* ---- the archive ---- */

typedef struct {
  GMainContext     *context;
  char             *tmp;
  DimseArchive     *archive;
  DimseServer      *server;
  DimseAssociation *assoc;
} Fixture;

/* The path written. */
static char *
write_named_instance (const char *folder, const char *patient_name, const char *patient_id,
                      const char *study, const char *series, const char *modality,
                      guint number, const char *date, const char *time)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = g_strdup_printf ("%s.%u", series, number);
  g_autofree char *name = g_strdup_printf ("%s.dcm", uid);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  const struct { guint32 tag; const char *value; } values[] = {
    { DCM_TAG_SOP_CLASS_UID, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE },
    { DCM_TAG_SOP_INSTANCE_UID, uid },
    { DCM_TAG_STUDY_DATE, date },
    { DCM_TAG_STUDY_TIME, time },
    { DCM_TAG_MODALITY, modality },
    { DCM_TAG_PATIENT_NAME, patient_name },
    { DCM_TAG_PATIENT_ID, patient_id },
    { DCM_TAG_STUDY_INSTANCE_UID, study },
    { DCM_TAG_SERIES_INSTANCE_UID, series },
  };

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_NONE,
                                          "ISO_IR 192", NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_true (dcm_data_set_set_string (ds, values[i].tag, DCM_VR_NONE, values[i].value,
                                            NULL));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
write_instance (const char *folder, const char *patient_id, const char *study,
                const char *series, const char *modality, guint number, const char *date,
                const char *time)
{
  g_free (write_named_instance (folder, "DOE^JOHN", patient_id, study, series, modality, number,
                                date, time));
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_archive_open_finish (DIMSE_ARCHIVE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* P1: study .1 (a CT series of two, an MR series of one) of 2 January 2024
 * at 23:00; P2: study .2 (a CT series of one) of 3 January at 01:30. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  gboolean opened = FALSE;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->tmp = test_util_make_tmpdir ("test-find-options");
  folder = g_build_filename (f->tmp, "archive", NULL);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  write_instance (folder, "P1", ROOT ".1", ROOT ".1.1", "CT", 1, "20240102", "230000");
  write_instance (folder, "P1", ROOT ".1", ROOT ".1.1", "CT", 2, "20240102", "230000");
  write_instance (folder, "P1", ROOT ".1", ROOT ".1.2", "MR", 1, "20240102", "230000");
  write_instance (folder, "P2", ROOT ".2", ROOT ".2.1", "CT", 1, "20240103", "013000");
  f->archive = dimse_archive_new (folder, "ARCHIVE");
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
  test_drain ();
  g_clear_object (&f->server);
  g_clear_object (&f->archive);
  test_drain ();
  test_util_rmtree (f->tmp);
  g_free (f->tmp);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
associate (Fixture *f, DimseFindOptions proposed)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("SCU", "ARCHIVE");
  g_autoptr(GError) error = NULL;
  DimseProposedContext *context;
  TestWaiter w = { 0 };

  context = dimse_association_params_add_context (params, FIND_STUDY, NULL, DIMSE_ROLE_DEFAULT);
  context->extended_negotiation = dimse_find_options_encode (proposed);
  context = dimse_association_params_add_context (params, FIND_PATIENT, NULL,
                                                  DIMSE_ROLE_DEFAULT);
  context->extended_negotiation = dimse_find_options_encode (proposed);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server), NULL,
                                   NULL, NULL, test_waiter_done, &w);
  f->assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
}

static DcmDataSet *
make_identifier (const char *level, ...)
{
  DcmDataSet *ds = dcm_data_set_new ();
  va_list args;
  guint32 tag;

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, level,
                                          NULL));
  va_start (args, level);
  while ((tag = va_arg (args, guint32)) != 0)
    g_assert_true (dcm_data_set_set_string (ds, tag, DCM_VR_NONE, va_arg (args, const char *),
                                            NULL));
  va_end (args);
  return ds;
}

typedef struct {
  GPtrArray *values;
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

/* The values of key in the matches, sorted and joined by '|'; NULL with
 * error for a failure status. */
static char *
run_find (Fixture *f, const char *model, DcmDataSet *identifier, guint32 key,
          DimseFindOptions *agreed, GError **error)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  Matches m = { values, key };
  TestWaiter w = { 0 };
  gboolean ok;

  g_signal_connect (job, "result", G_CALLBACK (on_match), &m);
  dimse_find_async (f->assoc, model, identifier, 0, job, NULL, test_waiter_done, &w);
  ok = dimse_find_finish (f->assoc, test_waiter_wait (&w, "the C-FIND"), NULL, error);
  test_waiter_clear (&w);
  *agreed = dimse_find_job_get_agreed_options (job);
  if (!ok)
    return NULL;
  g_ptr_array_sort (values, compare_strings);
  g_ptr_array_add (values, NULL);
  return g_strjoinv ("|", (char **) values->pdata);
}

/* Series of every study with a CT, and images of every CT series: no
 * Study (or Series) Instance UID, which only relational search allows. */
static void
test_relational_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) series = make_identifier ("SERIES", DCM_TAG_MODALITY, "CT",
                                                  DCM_TAG_SERIES_INSTANCE_UID, "", 0);
  g_autoptr(GError) error = NULL;
  DimseFindOptions agreed = DIMSE_FIND_OPTION_ALL;
  char *got;

  associate (f, DIMSE_FIND_OPTION_NONE);
  g_assert_cmpuint (dimse_find_get_agreed_options (f->assoc, FIND_STUDY), ==,
                    DIMSE_FIND_OPTION_NONE);
  got = run_find (f, FIND_STUDY, series, DCM_TAG_SERIES_INSTANCE_UID, &agreed, &error);
  g_assert_null (got);
  g_assert_error (error, DIMSE_STATUS_ERROR, STATUS_IDENTIFIER_MISMATCH);
  g_assert_cmpuint (agreed, ==, DIMSE_FIND_OPTION_NONE);
}

static void
test_relational_answered (Fixture *f, gconstpointer data)
{
  static const guint8 answer[] = { 1, 0, 1 };
  g_autoptr(DcmDataSet) series = make_identifier ("SERIES", DCM_TAG_MODALITY, "CT",
                                                  DCM_TAG_SERIES_INSTANCE_UID, "", 0);
  g_autoptr(DcmDataSet) images = make_identifier ("IMAGE", DCM_TAG_MODALITY, "CT",
                                                  DCM_TAG_SOP_INSTANCE_UID, "", 0);
  g_autoptr(DcmDataSet) studies = make_identifier ("STUDY", DCM_TAG_PATIENT_NAME, "DOE*",
                                                   DCM_TAG_STUDY_INSTANCE_UID, "", 0);
  g_autoptr(DcmDataSet) hierarchical = make_identifier ("SERIES", DCM_TAG_STUDY_INSTANCE_UID,
                                                        ROOT ".1", DCM_TAG_SERIES_INSTANCE_UID,
                                                        "", 0);
  g_autoptr(GError) error = NULL;
  DimseFindOptions agreed = DIMSE_FIND_OPTION_NONE;
  g_autofree char *got_series = NULL;
  g_autofree char *got_images = NULL;
  g_autofree char *got_studies = NULL;
  g_autofree char *got_hierarchical = NULL;
  GBytes *field;

  /* fuzzy matching proposed too, and agreed */
  associate (f, DIMSE_FIND_OPTION_RELATIONAL | DIMSE_FIND_OPTION_FUZZY_PN);
  field = dimse_negotiation_result_get_extended_negotiation (
    dimse_association_get_negotiation (f->assoc), FIND_STUDY);
  assert_bytes (field, answer, sizeof answer);
  g_assert_cmpuint (dimse_find_get_agreed_options (f->assoc, FIND_STUDY), ==,
                    DIMSE_FIND_OPTION_RELATIONAL | DIMSE_FIND_OPTION_FUZZY_PN);

  got_series = run_find (f, FIND_STUDY, series, DCM_TAG_SERIES_INSTANCE_UID, &agreed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agreed, ==, DIMSE_FIND_OPTION_RELATIONAL | DIMSE_FIND_OPTION_FUZZY_PN);
  g_assert_cmpstr (got_series, ==, ROOT ".1.1|" ROOT ".2.1");
  got_images = run_find (f, FIND_STUDY, images, DCM_TAG_SOP_INSTANCE_UID, &agreed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got_images, ==, ROOT ".1.1.1|" ROOT ".1.1.2|" ROOT ".2.1.1");
  /* Patient Root, STUDY level, without Patient ID */
  got_studies = run_find (f, FIND_PATIENT, studies, DCM_TAG_STUDY_INSTANCE_UID, &agreed,
                          &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got_studies, ==, ROOT ".1|" ROOT ".2");
  /* a hierarchical query is still one */
  got_hierarchical = run_find (f, FIND_STUDY, hierarchical, DCM_TAG_SERIES_INSTANCE_UID,
                               &agreed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got_hierarchical, ==, ROOT ".1.1|" ROOT ".1.2");
}

/* The index itself: _find stays hierarchical, _find_full with the flag
 * is relational. */
static void
test_index_flags (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) series = make_identifier ("SERIES", DCM_TAG_MODALITY, "MR",
                                                  DCM_TAG_SERIES_INSTANCE_UID, "", 0);
  DimseArchiveIndex *index = dimse_archive_get_index (f->archive);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hierarchical = NULL;
  g_autoptr(GPtrArray) relational = NULL;
  g_autofree char *uid = NULL;

  hierarchical = dimse_archive_index_find (index, DIMSE_QR_MODEL_STUDY_ROOT, series, 0, NULL,
                                           &error);
  g_assert_null (hierarchical);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID);
  g_assert_nonnull (strstr (error->message, "Study Instance UID"));
  g_clear_error (&error);
  relational = dimse_archive_index_find_full (index, DIMSE_QR_MODEL_STUDY_ROOT, series,
                                              DIMSE_QR_FIND_RELATIONAL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (relational->len, ==, 1);
  uid = dcm_data_set_dup_string (relational->pdata[0], DCM_TAG_SERIES_INSTANCE_UID);
  g_assert_cmpstr (uid, ==, ROOT ".1.2");
}

/* PS3.4 §C.2.2.2.5.1: 2 January 22:00 to 3 January 02:00, and 2 January
 * 23:00 to 3 January 01:00; apart, the time ranges match nothing. */
static char *
find_studies (DimseArchiveIndex *index, const char *dates, const char *times,
              DimseQrFindFlags flags)
{
  g_autoptr(DcmDataSet) studies = make_identifier ("STUDY", DCM_TAG_STUDY_DATE, dates,
                                                   DCM_TAG_STUDY_TIME, times,
                                                   DCM_TAG_STUDY_INSTANCE_UID, "", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);

  matches = dimse_archive_index_find_full (index, DIMSE_QR_MODEL_STUDY_ROOT, studies, flags, 0,
                                           NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < matches->len; i++)
    g_ptr_array_add (uids, dcm_data_set_dup_string (matches->pdata[i],
                                                    DCM_TAG_STUDY_INSTANCE_UID));
  g_ptr_array_add (uids, NULL);
  return g_strjoinv ("|", (char **) uids->pdata);
}

static void
test_combined_datetime (Fixture *f, gconstpointer data)
{
  static const guint8 answer[] = { 0, 1, 1 };
  DimseArchiveIndex *index = dimse_archive_get_index (f->archive);
  g_autofree char *apart = find_studies (index, "20240102-20240103", "2200-0200", 0);
  g_autofree char *both = find_studies (index, "20240102-20240103", "2200-0200",
                                        DIMSE_QR_FIND_COMBINED_DATETIME);
  g_autofree char *first = find_studies (index, "20240102-20240103", "2300-0100",
                                         DIMSE_QR_FIND_COMBINED_DATETIME);
  g_autofree char *open_end = find_studies (index, "20240103-", "0100-",
                                            DIMSE_QR_FIND_COMBINED_DATETIME);
  g_autofree char *single_date = find_studies (index, "20240102", "2200-2330",
                                               DIMSE_QR_FIND_COMBINED_DATETIME);
  GBytes *field;

  g_assert_cmpstr (apart, ==, "");
  g_assert_cmpstr (both, ==, ROOT ".1|" ROOT ".2");
  g_assert_cmpstr (first, ==, ROOT ".1");
  g_assert_cmpstr (open_end, ==, ROOT ".2");
  /* not two ranges: each attribute on its own */
  g_assert_cmpstr (single_date, ==, ROOT ".1");

  associate (f, DIMSE_FIND_OPTION_COMBINED_DATETIME | DIMSE_FIND_OPTION_FUZZY_PN);
  field = dimse_negotiation_result_get_extended_negotiation (
    dimse_association_get_negotiation (f->assoc), FIND_STUDY);
  assert_bytes (field, answer, sizeof answer);
}

/* PS3.4 §C.2.2.2.1.1: a third patient, Müller^Jürgen, found by Patient's
 * Name at the PATIENT level over an association that proposed fuzzy
 * matching, and literally over one that did not. */
static char *
find_patients (Fixture *f, const char *name, DimseFindOptions *agreed)
{
  g_autoptr(DcmDataSet) patients = make_identifier ("PATIENT", DCM_TAG_SPECIFIC_CHARACTER_SET,
                                                    "ISO_IR 192", DCM_TAG_PATIENT_NAME, name,
                                                    DCM_TAG_PATIENT_ID, "", 0);
  g_autoptr(GError) error = NULL;
  char *got = run_find (f, FIND_PATIENT, patients, DCM_TAG_PATIENT_ID, agreed, &error);

  g_assert_no_error (error);
  return got;
}

static void
add_muller (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_named_instance (dimse_archive_get_folder (f->archive),
                                                "Müller^Jürgen", "P3", ROOT ".3", ROOT ".3.1",
                                                "CR", 1, "20240104", "080000");

  g_assert_true (dimse_archive_index_add_file (dimse_archive_get_index (f->archive), path,
                                               &error));
  g_assert_no_error (error);
}

static void
test_fuzzy_answered (Fixture *f, gconstpointer data)
{
  static const guint8 answer[] = { 0, 0, 1 };
  static const char *const found[] = {
    "muller", "MÜLLER", "Jurgen^Muller", "MUL*", "m?ller^j*", "muller^jurgen=", "*rgen",
  };
  static const char *const not_found[] = { "Mueller", "Schmidt", "muller^hans", "X*" };
  DimseFindOptions agreed = DIMSE_FIND_OPTION_NONE;
  GBytes *field;

  add_muller (f);
  associate (f, DIMSE_FIND_OPTION_FUZZY_PN);
  field = dimse_negotiation_result_get_extended_negotiation (
    dimse_association_get_negotiation (f->assoc), FIND_PATIENT);
  assert_bytes (field, answer, sizeof answer);
  for (gsize i = 0; i < G_N_ELEMENTS (found); i++)
    {
      g_autofree char *got = find_patients (f, found[i], &agreed);

      g_test_message ("fuzzy “%s”", found[i]);
      g_assert_cmpstr (got, ==, "P3");
      g_assert_cmpuint (agreed, ==, DIMSE_FIND_OPTION_FUZZY_PN);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (not_found); i++)
    {
      g_autofree char *got = find_patients (f, not_found[i], &agreed);

      g_test_message ("fuzzy “%s”", not_found[i]);
      g_assert_cmpstr (got, ==, "");
    }
  /* the others' names still match, literally too */
  {
    g_autofree char *doe = find_patients (f, "doe^john", &agreed);

    g_assert_cmpstr (doe, ==, "P1|P2");
  }
}

static void
test_fuzzy_not_proposed (Fixture *f, gconstpointer data)
{
  DimseFindOptions agreed = DIMSE_FIND_OPTION_ALL;
  g_autofree char *plain = NULL;
  g_autofree char *swapped = NULL;
  g_autofree char *accented = NULL;
  g_autofree char *wildcard = NULL;

  add_muller (f);
  associate (f, DIMSE_FIND_OPTION_RELATIONAL);
  plain = find_patients (f, "muller", &agreed);
  g_assert_cmpuint (agreed, ==, DIMSE_FIND_OPTION_RELATIONAL);
  g_assert_cmpstr (plain, ==, "");
  swapped = find_patients (f, "Jürgen^Müller", &agreed);
  g_assert_cmpstr (swapped, ==, "");
  wildcard = find_patients (f, "MUL*", &agreed);
  g_assert_cmpstr (wildcard, ==, "");
  /* literal matching, without regard to case, as before */
  accented = find_patients (f, "müller^jürgen", &agreed);
  g_assert_cmpstr (accented, ==, "P3");
}

/* The index's own flag and the fuzzy rules beneath it. */
static void
test_fuzzy_index (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) key = make_identifier ("PATIENT", DCM_TAG_PATIENT_NAME, "jurgen",
                                               DCM_TAG_PATIENT_ID, "", 0);
  DimseArchiveIndex *index = dimse_archive_get_index (f->archive);
  g_autoptr(GPtrArray) literal = NULL;
  g_autoptr(GPtrArray) fuzzy = NULL;
  g_autoptr(GError) error = NULL;

  add_muller (f);
  literal = dimse_archive_index_find_full (index, DIMSE_QR_MODEL_PATIENT_ROOT, key, 0, 0, NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (literal->len, ==, 0);
  fuzzy = dimse_archive_index_find_full (index, DIMSE_QR_MODEL_PATIENT_ROOT, key,
                                         DIMSE_QR_FIND_FUZZY_PN, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fuzzy->len, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/find-options/encode", test_encode);
  g_test_add_func ("/find-options/decode", test_decode);
  g_test_add_func ("/find-options/answer", test_answer);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/find-options/archive/relational-refused", test_relational_refused);
  ADD ("/find-options/archive/relational-answered", test_relational_answered);
  ADD ("/find-options/archive/index-flags", test_index_flags);
  ADD ("/find-options/archive/combined-datetime", test_combined_datetime);
  ADD ("/find-options/archive/fuzzy-pn/answered", test_fuzzy_answered);
  ADD ("/find-options/archive/fuzzy-pn/not-proposed", test_fuzzy_not_proposed);
  ADD ("/find-options/archive/fuzzy-pn/index-flag", test_fuzzy_index);
#undef ADD
  return g_test_run ();
}
