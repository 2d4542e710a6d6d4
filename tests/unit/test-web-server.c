/* test-web-server.c — the DICOMweb server (src/dimse/web/dimse-web-server*.c)
 * over an archive index, answered by the project's own client: STOW-RS
 * into the folder, QIDO-RS at each level (relational too), WADO-RS of
 * what was stored, metadata, and the failures of each */
#include <string.h>

#include <libsoup/soup.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dimse-web-client.h"
#include "dimse-web-server.h"
#include "test-util.h"
#include "test-wait.h"

#define ROOT "1.2.826.0.1.3680043.10.1247.420"

typedef struct {
  TestUtilTmpdir     archive;
  TestUtilTmpdir     input;
  TestUtilTmpdir     output;
  DimseArchiveIndex *index;
  DimseWebServer    *server;
  DimseWebClient    *client;
} Fixture;

/* instance NAME STUDY SERIES NUMBER MODALITY: one file in the input folder. */
static void
write_instance (Fixture *f, const char *name, const char *patient, guint study, guint series,
                guint number, const char *modality)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *study_uid = g_strdup_printf (ROOT ".%u", study);
  g_autofree char *series_uid = g_strdup_printf (ROOT ".%u.%u", study, series);
  g_autofree char *sop_uid = g_strdup_printf (ROOT ".%u.%u.%u", study, series, number);
  g_autofree char *path = g_strdup_printf ("%s/%s.dcm", f->input, name);
  g_autofree char *number_text = g_strdup_printf ("%u", number);
  guint8 pixels[64] = { 1, 2, 3 };

  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_NONE,
                                          DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE, sop_uid,
                                          NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_DATE, DCM_VR_NONE, "20240102", NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_MODALITY, DCM_VR_NONE, modality, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, patient, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, patient, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, study_uid,
                                          NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE,
                                          series_uid, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_INSTANCE_NUMBER, DCM_VR_NONE, number_text,
                                          NULL));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels, sizeof pixels,
                                       NULL));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  g_assert_true (dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  (void) data;
  f->archive = test_util_make_tmpdir ("web-archive");
  f->input = test_util_make_tmpdir ("web-in");
  f->output = test_util_make_tmpdir ("web-out");
  write_instance (f, "a", "DOE^JOHN", 1, 1, 1, "MR");
  write_instance (f, "b", "DOE^JOHN", 1, 1, 2, "MR");
  write_instance (f, "c", "DOE^JOHN", 1, 2, 1, "CT");
  write_instance (f, "d", "ROE^JANE", 2, 1, 1, "CT");
  f->index = dimse_archive_index_new (f->archive);
  g_assert_true (dimse_archive_index_scan (f->index, NULL, NULL, &error));
  f->server = dimse_web_server_new (f->index, NULL, NULL);
  g_assert_true (dimse_web_server_listen (f->server, NULL, 0, &error));
  g_assert_no_error (error);
  url = dimse_web_server_get_base_url (f->server);
  f->client = dimse_web_client_new (url, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  g_clear_object (&f->client);
  dimse_web_server_stop (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->index);
  test_util_tmpdir_free (f->archive);
  test_util_tmpdir_free (f->input);
  test_util_tmpdir_free (f->output);
}

static DimseWebStoreResult *
store (Fixture *f, const char *const *paths, const char *study_uid)
{
  g_autoptr(GError) error = NULL;
  TestWaiter waiter = { 0 };
  DimseWebStoreResult *result;

  dimse_web_client_store_async (f->client, paths, study_uid, 0, NULL, test_waiter_done, &waiter);
  result = dimse_web_client_store_finish (f->client, test_waiter_wait (&waiter, "store"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&waiter);
  return result;
}

static void
store_all (Fixture *f)
{
  const char *const paths[] = { f->input, NULL };
  g_autoptr(DimseWebStoreResult) result = store (f, paths, NULL);

  g_assert_cmpuint (result->n_stored, ==, 4);
  g_assert_cmpuint (result->n_failed, ==, 0);
  g_assert_cmpuint (dimse_archive_index_get_n_instances (f->index), ==, 4);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The values of tag in the matches, sorted and joined by spaces. */
static char *
search (Fixture *f, DimseQrLevel level, const char *const *keys, guint limit, guint32 tag)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  DimseWebSearchOptions opts = { .limit = limit };
  TestWaiter waiter = { 0 };

  for (guint i = 0; keys[i] != NULL; i += 2)
    {
      guint32 key = 0;

      g_assert_true (dcm_dict_parse_tag (keys[i], &key));
      g_assert_true (dcm_data_set_set_string (identifier, key, DCM_VR_NONE, keys[i + 1], NULL));
    }
  dimse_web_client_search_async (f->client, level, identifier, &opts, NULL, test_waiter_done,
                                 &waiter);
  matches = dimse_web_client_search_finish (f->client, test_waiter_wait (&waiter, "search"),
                                            &error);
  g_assert_no_error (error);
  test_waiter_clear (&waiter);
  for (guint i = 0; i < matches->len; i++)
    g_ptr_array_add (values, dcm_data_set_dup_string (matches->pdata[i], tag));
  g_ptr_array_sort (values, compare_strings);
  g_ptr_array_add (values, NULL);
  return g_strjoinv (" ", (char **) values->pdata);
}

static void
expect_search (Fixture *f, DimseQrLevel level, const char *const *keys, guint limit,
               guint32 tag, const char *expected)
{
  g_autofree char *got = search (f, level, keys, limit, tag);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_search (Fixture *f, gconstpointer data)
{
  const char *const doe[] = { "PatientName", "DOE*", NULL };
  const char *const none[] = { NULL };
  const char *const in_study[] = { "StudyInstanceUID", ROOT ".1", NULL };
  const char *const ct[] = { "Modality", "CT", NULL };
  const char *const mr_images[] = { "StudyInstanceUID", ROOT ".1", "SeriesInstanceUID",
                                    ROOT ".1.1", NULL };

  (void) data;
  store_all (f);
  expect_search (f, DIMSE_QR_LEVEL_STUDY, doe, 0, DCM_TAG_STUDY_INSTANCE_UID, ROOT ".1");
  expect_search (f, DIMSE_QR_LEVEL_STUDY, none, 0, DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES,
                 "1 3");
  expect_search (f, DIMSE_QR_LEVEL_SERIES, in_study, 0, DCM_TAG_SERIES_INSTANCE_UID,
                 ROOT ".1.1 " ROOT ".1.2");
  /* Relational: series of every study (PS3.18 §10.6.1). */
  expect_search (f, DIMSE_QR_LEVEL_SERIES, ct, 0, DCM_TAG_SERIES_INSTANCE_UID,
                 ROOT ".1.2 " ROOT ".2.1");
  expect_search (f, DIMSE_QR_LEVEL_IMAGE, ct, 0, DCM_TAG_SOP_INSTANCE_UID,
                 ROOT ".1.2.1 " ROOT ".2.1.1");
  expect_search (f, DIMSE_QR_LEVEL_IMAGE, mr_images, 0, DCM_TAG_SOP_INSTANCE_UID,
                 ROOT ".1.1.1 " ROOT ".1.1.2");
  /* Paged one at a time, the same matches. */
  expect_search (f, DIMSE_QR_LEVEL_IMAGE, none, 1, DCM_TAG_SOP_INSTANCE_UID,
                 ROOT ".1.1.1 " ROOT ".1.1.2 " ROOT ".1.2.1 " ROOT ".2.1.1");
}

static void
test_retrieve (Fixture *f, gconstpointer data)
{
  g_autoptr(DimseWebRetrieveJob) job = dimse_web_retrieve_job_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) metadata = NULL;
  TestWaiter waiter = { 0 };
  const char *const names[] = { "a", "b", "c" };

  (void) data;
  store_all (f);
  dimse_web_client_retrieve_async (f->client, ROOT ".1", NULL, NULL, f->output, job, NULL,
                                   test_waiter_done, &waiter);
  g_assert_true (dimse_web_client_retrieve_finish (f->client,
                                                   test_waiter_wait (&waiter, "retrieve"),
                                                   &error));
  g_assert_no_error (error);
  test_waiter_clear (&waiter);
  g_assert_cmpuint (dimse_web_retrieve_job_get_n_expected (job), ==, 3);
  g_assert_cmpuint (dimse_web_retrieve_job_get_n_received (job), ==, 3);
  /* Each file comes back as it was sent, byte for byte. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *sent = g_strdup_printf ("%s/%s.dcm", f->input, names[i]);
      g_autoptr(DcmFile) file = dcm_file_read_path (sent, NULL, DCM_FILE_READ_DEFAULT, &error);
      g_autofree char *uid = dcm_data_set_dup_string (dcm_file_get_data_set (file),
                                                      DCM_TAG_SOP_INSTANCE_UID);
      g_autofree char *got = g_strdup_printf ("%s/%s.dcm", f->output, uid);
      g_autofree char *a = NULL, *b = NULL;
      gsize a_len = 0, b_len = 0;

      g_assert_true (g_file_get_contents (sent, &a, &a_len, NULL));
      g_assert_true (g_file_get_contents (got, &b, &b_len, NULL));
      g_assert_cmpmem (a, a_len, b, b_len);
    }
  dimse_web_client_metadata_async (f->client, ROOT ".1", ROOT ".1.1", NULL, NULL,
                                   test_waiter_done, &waiter);
  metadata = dimse_web_client_metadata_finish (f->client, test_waiter_wait (&waiter, "metadata"),
                                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (metadata->len, ==, 2);
  g_assert_false (dcm_data_set_contains (metadata->pdata[0], DCM_TAG_PIXEL_DATA));
  test_waiter_clear (&waiter);
  /* A study the archive does not hold: 404, no file. */
  dimse_web_client_retrieve_async (f->client, ROOT ".9", NULL, NULL, f->archive, NULL, NULL,
                                   test_waiter_done, &waiter);
  g_assert_false (dimse_web_client_retrieve_finish (f->client,
                                                    test_waiter_wait (&waiter, "retrieve"),
                                                    &error));
  g_assert_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_NOT_FOUND);
  test_waiter_clear (&waiter);
}

static void
test_store_failures (Fixture *f, gconstpointer data)
{
  g_autofree char *bad = g_build_filename (f->input, "bad-uid.dcm", NULL);
  g_autofree char *a = g_build_filename (f->input, "a.dcm", NULL);
  g_autofree char *d = g_build_filename (f->input, "d.dcm", NULL);
  const char *const bad_paths[] = { bad, a, NULL };
  const char *const into_study[] = { a, d, NULL };
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(DimseWebStoreResult) result = NULL;
  g_autoptr(DimseWebStoreResult) result2 = NULL;
  const DimseWebStoreOutcome *problem;

  (void) data;
  /* A SOP Instance UID no file may be named after. */
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_NONE,
                                          DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI, "1.2.x/..",
                                          NULL));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, NULL);
  g_assert_true (dcm_file_write_path (file, bad, DCM_WRITE_DEFAULT, NULL));
  result = store (f, bad_paths, NULL);
  g_assert_cmpuint (result->n_stored, ==, 1);
  g_assert_cmpuint (result->n_failed, ==, 1);
  problem = result->problems->pdata[0];
  g_assert_cmpuint (problem->status, ==, 0xC000);
  g_assert_nonnull (strstr (problem->message, "Cannot Understand"));
  /* Into study 1 only: the instance of study 2 is refused and not kept. */
  result2 = store (f, into_study, ROOT ".1");
  g_assert_cmpuint (result2->n_stored, ==, 1);
  g_assert_cmpuint (result2->n_failed, ==, 1);
  problem = result2->problems->pdata[0];
  g_assert_cmpstr (problem->sop_instance_uid, ==, ROOT ".2.1.1");
  g_assert_cmpuint (problem->status, ==, 0x0110);
  g_assert_cmpuint (dimse_archive_index_get_n_studies (f->index), ==, 1);
}

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Iterates the main context until the folder holds n files; fails after
 * 10 s. */
static void
wait_for_files (const char *folder, guint n, const char *what)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (count_files (folder) != n)
    {
      if (g_get_monotonic_time () > end)
        g_error ("%s: %u files in %s, not %u", what, count_files (folder), folder, n);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* A STOW-RS request whose client goes away in the middle of an instance
 * leaves nothing in the folder: the part was being written to a temporary
 * file, which goes. */
static void
test_store_cut_off (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->input, "a.dcm", NULL);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *head = NULL;
  gsize len = 0;
  GOutputStream *out;

  (void) data;
  g_assert_true (g_file_get_contents (path, &file, &len, NULL));
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                dimse_web_server_get_port (f->server), NULL,
                                                &error);
  g_assert_no_error (error);
  head = g_strdup_printf ("POST /dicom-web/studies HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: multipart/related; type=\"application/dicom\"; "
                          "boundary=B0undary\r\nContent-Length: %zu\r\n\r\n"
                          "--B0undary\r\nContent-Type: application/dicom\r\n\r\n",
                          len * 4);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, file, len / 2, NULL, NULL, &error));
  g_assert_true (g_output_stream_flush (out, NULL, &error));
  wait_for_files (f->archive, 1, "the part being received");
  g_assert_true (g_io_stream_close (G_IO_STREAM (connection), NULL, &error));
  wait_for_files (f->archive, 0, "after the client went away");
  g_assert_cmpuint (dimse_archive_index_get_n_instances (f->index), ==, 0);
}

/* The Access-Control-Allow-Origin of a request's answer, or NULL. */
static char *
allow_origin (Fixture *f, const char *method, guint *out_status)
{
  g_autofree char *base = dimse_web_server_get_base_url (f->server);
  g_autofree char *url = g_strconcat (base, "/studies", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  TestWaiter waiter = { 0 };
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin",
                                "https://viewer.example");
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, test_waiter_done,
                                    &waiter);
  body = soup_session_send_and_read_finish (session, test_waiter_wait (&waiter, "request"),
                                            &error);
  g_assert_no_error (error);
  test_waiter_clear (&waiter);
  *out_status = soup_message_get_status (msg);
  return g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                 "Access-Control-Allow-Origin"));
}

static void
test_cors (Fixture *f, gconstpointer data)
{
  g_autofree char *off = NULL;
  g_autofree char *on = NULL;
  g_autofree char *preflight = NULL;
  guint status = 0;

  (void) data;
  off = allow_origin (f, SOUP_METHOD_GET, &status);
  /* Nothing is stored yet: no match (PS3.18 §8.3.4.4.1). */
  g_assert_cmpuint (status, ==, SOUP_STATUS_NO_CONTENT);
  g_assert_null (off);
  dimse_web_server_set_cors_origin (f->server, "https://viewer.example");
  on = allow_origin (f, SOUP_METHOD_GET, &status);
  g_assert_cmpstr (on, ==, "https://viewer.example");
  preflight = allow_origin (f, SOUP_METHOD_OPTIONS, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NO_CONTENT);
  g_assert_cmpstr (preflight, ==, "https://viewer.example");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/web/server/search", Fixture, NULL, fixture_set_up, test_search,
              fixture_tear_down);
  g_test_add ("/web/server/retrieve", Fixture, NULL, fixture_set_up, test_retrieve,
              fixture_tear_down);
  g_test_add ("/web/server/store-failures", Fixture, NULL, fixture_set_up, test_store_failures,
              fixture_tear_down);
  g_test_add ("/web/server/store-cut-off", Fixture, NULL, fixture_set_up, test_store_cut_off,
              fixture_tear_down);
  g_test_add ("/web/server/cors", Fixture, NULL, fixture_set_up, test_cors, fixture_tear_down);
  return g_test_run ();
}
