/* test-web-client.c — the DICOMweb client (src/dimse/web/dimse-web-client.c,
 * -retrieve.c, -stow.c) against a canned HTTP server on 127.0.0.1 that
 * answers each request with the bytes a test gives it: statuses in words,
 * authentication headers, and WADO-RS responses cut off in the middle */
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include <libsoup/soup.h>

#include "dimse-web-client.h"
#include "test-util.h"
#include "test-wait.h"

/* ---- the canned server: one response per connection, then close ---- */

typedef struct {
  GSocketService *service;
  guint16         port;
  GMutex          lock;
  GBytes         *response;   /* what every request is answered with */
  GPtrArray      *requests;   /* char*: request line and headers */
  guint64         body_bytes; /* of the request bodies read, all requests */
} Canned;

static gboolean
on_run (GThreadedSocketService *service, GSocketConnection *connection, GObject *source,
        gpointer user_data)
{
  Canned *canned = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GBytes) response = NULL;
  char c;

  (void) service;
  (void) source;
  while (!g_str_has_suffix (request->str, "\r\n\r\n")
         && g_input_stream_read (in, &c, 1, NULL, NULL) == 1)
    g_string_append_c (request, c);
  /* A request body (STOW-RS) is read to its Content-Length. */
  {
    const char *cl = strstr (request->str, "Content-Length: ");
    gsize left = cl != NULL ? (gsize) g_ascii_strtoull (cl + 16, NULL, 10) : 0;
    char buf[4096];

    while (left > 0)
      {
        gssize n = g_input_stream_read (in, buf, MIN (left, sizeof buf), NULL, NULL);

        if (n <= 0)
          break;
        left -= (gsize) n;
        g_mutex_lock (&canned->lock);
        canned->body_bytes += (guint64) n;
        g_mutex_unlock (&canned->lock);
      }
  }
  g_mutex_lock (&canned->lock);
  g_ptr_array_add (canned->requests, g_strdup (request->str));
  response = g_bytes_ref (canned->response);
  g_mutex_unlock (&canned->lock);
  g_output_stream_write_all (out, g_bytes_get_data (response, NULL), g_bytes_get_size (response),
                             NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
canned_start (Canned *canned)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  memset (canned, 0, sizeof *canned);
  g_mutex_init (&canned->lock);
  canned->requests = g_ptr_array_new_with_free_func (g_free);
  canned->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (canned->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective,
                                 &error);
  g_assert_no_error (error);
  canned->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (canned->service, "run", G_CALLBACK (on_run), canned);
  g_socket_service_start (canned->service);
}

static void
canned_stop (Canned *canned)
{
  g_socket_service_stop (canned->service);
  g_socket_listener_close (G_SOCKET_LISTENER (canned->service));
  g_clear_object (&canned->service);
  g_clear_pointer (&canned->response, g_bytes_unref);
  g_clear_pointer (&canned->requests, g_ptr_array_unref);
  g_mutex_clear (&canned->lock);
}

static void
canned_set_response (Canned *canned, const void *data, gsize len)
{
  g_mutex_lock (&canned->lock);
  g_clear_pointer (&canned->response, g_bytes_unref);
  canned->response = g_bytes_new (data, len);
  g_mutex_unlock (&canned->lock);
}

static DimseWebClient *
canned_client (Canned *canned)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/dicom-web/", canned->port);
  g_autoptr(GError) error = NULL;
  DimseWebClient *client = dimse_web_client_new (url, &error);

  g_assert_no_error (error);
  dimse_web_client_set_timeout (client, 10);
  return client;
}

/* ---- helpers ---- */

static void
on_exchange_details (DimseWebClient *client, DimseWebExchange *exchange, gpointer user_data)
{
  GPtrArray *exchanges = user_data;

  (void) client;
  g_ptr_array_add (exchanges, dimse_web_exchange_ref (exchange));
}

/* The exchanges client reports, in order. */
static GPtrArray *
collect_exchanges (DimseWebClient *client)
{
  GPtrArray *exchanges = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_web_exchange_unref);

  g_signal_connect (client, "exchange-details", G_CALLBACK (on_exchange_details), exchanges);
  return exchanges;
}

/* No header value, request line or URL of exchange holds secret. */
static void
assert_no_secret (const DimseWebExchange *exchange, const char *secret)
{
  GArray *const lists[] = { exchange->request_headers, exchange->response_headers };

  g_assert_null (strstr (exchange->url, secret));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const DimseWebHeader *header = &g_array_index (lists[l], DimseWebHeader, i);

        g_assert_null (strstr (header->value, secret));
      }
}

static GBytes *
make_part10 (const char *sop_instance_uid)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pixels[2048];
  GBytes *bytes;

  for (gsize i = 0; i < sizeof pixels; i++)
    pixels[i] = (guint8) i;
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_NONE,
                                          DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE,
                                          sop_instance_uid, NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, "1.2.3",
                                          NULL));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE,
                                          "1.2.3.4", NULL));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels, sizeof pixels,
                                       NULL));
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
  g_assert_no_error (error);
  bytes = dcm_file_write_bytes (file, DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
  return bytes;
}

static guint
count_files (const char *folder, const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += prefix == NULL || g_str_has_prefix (name, prefix);
  return n;
}

static void
assert_says (const GError *error, const char *words)
{
  g_assert_nonnull (error);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

/* ---- WADO-RS ---- */

/* Part 1 whole, part 2 cut in the middle, the connection closed. */
static GByteArray *
multipart_cut (gboolean with_length)
{
  g_autoptr(GBytes) first = make_part10 ("1.2.3.4.1");
  g_autoptr(GBytes) second = make_part10 ("1.2.3.4.2");
  GByteArray *body = g_byte_array_new ();
  GByteArray *all = g_byte_array_new ();
  g_autofree char *head = NULL;
  const char *part = "--B0undary\r\nContent-Type: application/dicom\r\n\r\n";

  g_byte_array_append (body, (const guint8 *) part, (guint) strlen (part));
  g_byte_array_append (body, g_bytes_get_data (first, NULL), (guint) g_bytes_get_size (first));
  g_byte_array_append (body, (const guint8 *) "\r\n", 2);
  g_byte_array_append (body, (const guint8 *) part, (guint) strlen (part));
  g_byte_array_append (body, g_bytes_get_data (second, NULL),
                       (guint) g_bytes_get_size (second) / 2);
  head = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                          "Content-Type: multipart/related; type=\"application/dicom\"; "
                          "boundary=B0undary\r\n%s"
                          "Connection: close\r\n\r\n",
                          with_length ? "Content-Length: 1000000\r\n" : "");
  g_byte_array_append (all, (const guint8 *) head, (guint) strlen (head));
  g_byte_array_append (all, body->data, body->len);
  g_byte_array_unref (body);
  return all;
}

static void
test_retrieve_cut_off (gconstpointer data)
{
  gboolean with_length = GPOINTER_TO_INT (data);
  g_auto (TestUtilTmpdir) out = test_util_make_tmpdir ("web-client");
  g_autoptr(GByteArray) response = multipart_cut (with_length);
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(DimseWebRetrieveJob) job = dimse_web_retrieve_job_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first = g_build_filename (out, "1.2.3.4.1.dcm", NULL);
  TestWaiter waiter = { 0 };
  Canned canned;

  canned_start (&canned);
  canned_set_response (&canned, response->data, response->len);
  client = canned_client (&canned);
  dimse_web_client_retrieve_async (client, "1.2.3", "1.2.3.4", NULL, out, job, NULL,
                                   test_waiter_done, &waiter);
  g_assert_false (dimse_web_client_retrieve_finish (client, test_waiter_wait (&waiter, "retrieve"),
                                                    &error));
  assert_says (error, "cut off");
  /* The whole part is kept, the cut one leaves nothing behind. */
  g_assert_cmpuint (dimse_web_retrieve_job_get_n_received (job), ==, 1);
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_files (out, NULL), ==, 1);
  test_waiter_clear (&waiter);
  canned_stop (&canned);
}

static void
test_retrieve_not_dicom (void)
{
  g_auto (TestUtilTmpdir) out = test_util_make_tmpdir ("web-client");
  const char response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\n"
    "Connection: close\r\n\r\n"
    "--b\r\nContent-Type: application/dicom\r\n\r\nthis is no DICOM file\r\n--b--\r\n";
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(GError) error = NULL;
  TestWaiter waiter = { 0 };
  Canned canned;

  canned_start (&canned);
  canned_set_response (&canned, response, strlen (response));
  client = canned_client (&canned);
  dimse_web_client_retrieve_async (client, "1.2.3", "1.2.3.4", "1.2.3.4.1", out, NULL, NULL,
                                   test_waiter_done, &waiter);
  g_assert_false (dimse_web_client_retrieve_finish (client, test_waiter_wait (&waiter, "retrieve"),
                                                    &error));
  assert_says (error, "Part 1 is not a DICOM file");
  g_assert_cmpuint (count_files (out, NULL), ==, 0);
  test_waiter_clear (&waiter);
  canned_stop (&canned);
}

/* ---- statuses in words ---- */

typedef struct {
  const char   *response;
  DimseWebError code;
  const char   *words;
} StatusCase;

static void
test_statuses (void)
{
  static const StatusCase cases[] = {
    { "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n"
      "Content-Length: 0\r\n\r\n", DIMSE_WEB_ERROR_UNAUTHORIZED, "401 Unauthorized: the server wants credentials" },
    { "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", DIMSE_WEB_ERROR_FORBIDDEN,
      "does not allow this" },
    { "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n",
      DIMSE_WEB_ERROR_UNAVAILABLE, "retry after 120 seconds" },
    { "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n"
      "{\"Message\": \"Unknown key FooBarBaz\"}", DIMSE_WEB_ERROR_BAD_REQUEST,
      "The server says: “Unknown key FooBarBaz”" },
    { "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n",
      DIMSE_WEB_ERROR_PAYLOAD_TOO_LARGE, "fewer or smaller files" },
    { "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nNo study\n",
      DIMSE_WEB_ERROR_NOT_FOUND, "“No study”" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DimseWebClient) client = NULL;
      g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) matches = NULL;
      TestWaiter waiter = { 0 };
      Canned canned;

      canned_start (&canned);
      canned_set_response (&canned, cases[i].response, strlen (cases[i].response));
      client = canned_client (&canned);
      dimse_web_client_search_async (client, DIMSE_QR_LEVEL_STUDY, identifier, NULL, NULL,
                                     test_waiter_done, &waiter);
      matches = dimse_web_client_search_finish (client, test_waiter_wait (&waiter, "search"),
                                                &error);
      g_assert_null (matches);
      g_assert_error (error, DIMSE_WEB_ERROR, (gint) cases[i].code);
      assert_says (error, cases[i].words);
      test_waiter_clear (&waiter);
      canned_stop (&canned);
    }
}

/* 204 is no match to a search, and nothing to a retrieve. */
static void
test_no_content (void)
{
  const char response[] = "HTTP/1.1 204 No Content\r\n\r\n";
  g_auto (TestUtilTmpdir) out = test_util_make_tmpdir ("web-client");
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  TestWaiter waiter = { 0 };
  Canned canned;

  canned_start (&canned);
  canned_set_response (&canned, response, strlen (response));
  client = canned_client (&canned);
  dimse_web_client_search_async (client, DIMSE_QR_LEVEL_STUDY, identifier, NULL, NULL,
                                 test_waiter_done, &waiter);
  matches = dimse_web_client_search_finish (client, test_waiter_wait (&waiter, "search"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 0);
  test_waiter_clear (&waiter);
  dimse_web_client_retrieve_async (client, "1.2.3", "1.2.3.4", "1.2.3.4.5", out, NULL, NULL,
                                   test_waiter_done, &waiter);
  g_assert_false (dimse_web_client_retrieve_finish (client, test_waiter_wait (&waiter, "retrieve"),
                                                    &error));
  g_assert_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_NO_CONTENT);
  test_waiter_clear (&waiter);
  canned_stop (&canned);
}

/* ---- authentication ---- */

static void
test_authorization (void)
{
  const char response[] = "HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\n"
                          "Content-Length: 2\r\n\r\n[]";
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  TestWaiter waiter = { 0 };
  Canned canned;

  g_autoptr(GPtrArray) exchanges = NULL;

  canned_start (&canned);
  canned_set_response (&canned, response, strlen (response));
  client = canned_client (&canned);
  exchanges = collect_exchanges (client);
  /* RFC 7617 §2: base64 of "alice:secret". */
  dimse_web_client_set_basic_auth (client, "alice", "secret");
  dimse_web_client_search_async (client, DIMSE_QR_LEVEL_STUDY, identifier, NULL, NULL,
                                 test_waiter_done, &waiter);
  g_ptr_array_unref (dimse_web_client_search_finish (client, test_waiter_wait (&waiter, "basic"),
                                                     &error));
  g_assert_no_error (error);
  test_waiter_clear (&waiter);
  dimse_web_client_set_bearer_token (client, "t0k3n");
  dimse_web_client_search_async (client, DIMSE_QR_LEVEL_STUDY, identifier, NULL, NULL,
                                 test_waiter_done, &waiter);
  g_ptr_array_unref (dimse_web_client_search_finish (client, test_waiter_wait (&waiter, "bearer"),
                                                     &error));
  g_assert_no_error (error);
  test_waiter_clear (&waiter);
  g_assert_cmpuint (canned.requests->len, ==, 2);
  g_assert_nonnull (strstr (canned.requests->pdata[0], "Authorization: Basic YWxpY2U6c2VjcmV0\r\n"));
  g_assert_nonnull (strstr (canned.requests->pdata[0], "Accept: application/dicom+json\r\n"));
  g_assert_nonnull (strstr (canned.requests->pdata[1], "Authorization: Bearer t0k3n\r\n"));
  /* The exchanges name the header but never give its value. */
  g_assert_cmpuint (exchanges->len, ==, 2);
  for (guint i = 0; i < exchanges->len; i++)
    {
      const DimseWebExchange *exchange = exchanges->pdata[i];

      g_assert_cmpstr (dimse_web_headers_lookup (exchange->request_headers, "Authorization"), ==,
                       DIMSE_WEB_HIDDEN_VALUE);
      g_assert_cmpstr (dimse_web_headers_lookup (exchange->request_headers, "Accept"), ==,
                       "application/dicom+json");
      assert_no_secret (exchange, "YWxpY2U6c2VjcmV0");
      assert_no_secret (exchange, "secret");
      assert_no_secret (exchange, "t0k3n");
    }
  canned_stop (&canned);
}

/* ---- STOW-RS: the Failed SOP Sequence in words ---- */

static void
test_store_failures (void)
{
  g_auto (TestUtilTmpdir) in = test_util_make_tmpdir ("web-client");
  g_autoptr(GBytes) file = make_part10 ("1.2.3.4.7");
  g_autofree char *good = g_build_filename (in, "a.dcm", NULL);
  g_autofree char *junk = g_build_filename (in, "b.txt", NULL);
  /* 1.2.3.4.7 refused with A700 (PS3.4 Table B.2-1): Out of Resources. */
  const char json[] = "{\"00081198\":{\"vr\":\"SQ\",\"Value\":[{\"00081150\":{\"vr\":\"UI\","
                      "\"Value\":[\"1.2.840.10008.5.1.4.1.1.7\"]},\"00081155\":{\"vr\":\"UI\","
                      "\"Value\":[\"1.2.3.4.7\"]},\"00081197\":{\"vr\":\"US\",\"Value\":[42752]}}]}}";
  g_autofree char *response = g_strdup_printf ("HTTP/1.1 409 Conflict\r\n"
                                               "Content-Type: application/dicom+json\r\n"
                                               "Content-Length: %zu\r\n\r\n%s",
                                               strlen (json), json);
  const char *const paths[] = { in, NULL };
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(DimseWebStoreResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TestWaiter waiter = { 0 };
  const DimseWebStoreOutcome *problem;
  Canned canned;

  g_assert_true (g_file_set_contents (good, g_bytes_get_data (file, NULL),
                                      (gssize) g_bytes_get_size (file), NULL));
  g_assert_true (g_file_set_contents (junk, "not DICOM", -1, NULL));
  canned_start (&canned);
  canned_set_response (&canned, response, strlen (response));
  client = canned_client (&canned);
  dimse_web_client_store_async (client, paths, NULL, 0, NULL, test_waiter_done, &waiter);
  result = dimse_web_client_store_finish (client, test_waiter_wait (&waiter, "store"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_files, ==, 2);
  g_assert_cmpuint (result->n_requests, ==, 1);
  g_assert_cmpuint (result->n_stored, ==, 0);
  g_assert_cmpuint (result->n_failed, ==, 2);
  g_assert_cmpuint (result->problems->len, ==, 2);
  /* The file that is not DICOM is not sent, and says so. */
  problem = result->problems->pdata[0];
  g_assert_cmpstr (problem->path, ==, junk);
  g_assert_nonnull (strstr (problem->message, "Not sent"));
  problem = result->problems->pdata[1];
  g_assert_cmpstr (problem->path, ==, good);
  g_assert_cmpstr (problem->sop_instance_uid, ==, "1.2.3.4.7");
  g_assert_cmpuint (problem->status, ==, 0xA700);
  g_assert_nonnull (strstr (problem->message, "Out of Resources"));
  g_assert_nonnull (strstr (canned.requests->pdata[0],
                            "Content-Type: multipart/related; type=\"application/dicom\"; boundary="));
  test_waiter_clear (&waiter);
  canned_stop (&canned);
}

/* ---- the exchange of a STOW-RS request, for the traffic views ---- */

static void
test_store_exchange (void)
{
  g_auto (TestUtilTmpdir) in = test_util_make_tmpdir ("web-client");
  const char json[] = "{}";
  g_autofree char *response = g_strdup_printf ("HTTP/1.1 200 Fine Thanks\r\n"
                                               "Server: CannedTest/1.0\r\n"
                                               "X-Canned-Trace: 42\r\n"
                                               "Set-Cookie: session=c00k1e-value\r\n"
                                               "Content-Type: application/dicom+json\r\n"
                                               "Content-Length: %zu\r\n\r\n%s",
                                               strlen (json), json);
  const char *const paths[] = { in, NULL };
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(DimseWebStoreResult) result = NULL;
  g_autoptr(GPtrArray) exchanges = NULL;
  g_autoptr(GError) error = NULL;
  const DimseWebExchange *exchange;
  g_autofree char *request_line = NULL;
  g_autofree char *status_line = NULL;
  TestWaiter waiter = { 0 };
  Canned canned;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *uid = g_strdup_printf ("1.2.3.4.%u", 10 + i);
      g_autofree char *name = g_strdup_printf ("%u.dcm", i);
      g_autofree char *path = g_build_filename (in, name, NULL);
      g_autoptr(GBytes) file = make_part10 (uid);

      g_assert_true (g_file_set_contents (path, g_bytes_get_data (file, NULL),
                                          (gssize) g_bytes_get_size (file), NULL));
    }
  canned_start (&canned);
  canned_set_response (&canned, response, strlen (response));
  client = canned_client (&canned);
  exchanges = collect_exchanges (client);
  dimse_web_client_set_bearer_token (client, "t0k3n");
  dimse_web_client_store_async (client, paths, NULL, 0, NULL, test_waiter_done, &waiter);
  result = dimse_web_client_store_finish (client, test_waiter_wait (&waiter, "store"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_requests, ==, 1);
  g_assert_cmpuint (exchanges->len, ==, 1);
  exchange = exchanges->pdata[0];
  /* What was written is what the server read, three files and more. */
  g_assert_cmpuint (exchange->request_bytes, >, 3 * 2048);
  g_mutex_lock (&canned.lock);
  g_assert_cmpuint (exchange->request_bytes, ==, canned.body_bytes);
  g_mutex_unlock (&canned.lock);
  g_assert_cmpuint (exchange->response_bytes, ==, strlen (json));
  g_assert_cmpstr (exchange->method, ==, "POST");
  g_assert_cmpuint (exchange->status, ==, 200);
  g_assert_cmpstr (exchange->reason_phrase, ==, "Fine Thanks");
  g_assert_true (g_str_has_prefix (exchange->request_content_type,
                                   "multipart/related; type=\"application/dicom\""));
  g_assert_cmpstr (exchange->response_content_type, ==, "application/dicom+json");
  g_assert_cmpstr (dimse_web_headers_lookup (exchange->response_headers, "server"), ==,
                   "CannedTest/1.0");
  g_assert_cmpstr (dimse_web_headers_lookup (exchange->response_headers, "X-Canned-Trace"), ==,
                   "42");
  g_assert_cmpstr (dimse_web_headers_lookup (exchange->response_headers, "Set-Cookie"), ==,
                   DIMSE_WEB_HIDDEN_VALUE);
  g_assert_cmpstr (dimse_web_headers_lookup (exchange->request_headers, "Authorization"), ==,
                   DIMSE_WEB_HIDDEN_VALUE);
  assert_no_secret (exchange, "t0k3n");
  assert_no_secret (exchange, "c00k1e");
  request_line = dimse_web_exchange_format_request_line (exchange);
  g_assert_cmpstr (request_line, ==, "POST /dicom-web/studies HTTP/1.1");
  status_line = dimse_web_exchange_format_status_line (exchange);
  g_assert_cmpstr (status_line, ==, "HTTP/1.1 200 Fine Thanks");
  test_waiter_clear (&waiter);
  canned_stop (&canned);
}

static void
test_unreachable (void)
{
  Canned canned;
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  TestWaiter waiter = { 0 };

  /* A port that was just free. */
  canned_start (&canned);
  client = canned_client (&canned);
  canned_stop (&canned);
  dimse_web_client_search_async (client, DIMSE_QR_LEVEL_STUDY, identifier, NULL, NULL,
                                 test_waiter_done, &waiter);
  g_assert_null (dimse_web_client_search_finish (client, test_waiter_wait (&waiter, "search"),
                                                 &error));
  g_assert_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_CONNECTION);
  assert_says (error, "Cannot reach");
  test_waiter_clear (&waiter);
}

static void
test_bad_url (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (dimse_web_client_new ("ftp://example/dicom-web", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (dimse_web_client_new ("http://127.0.0.1/dicom-web?x=1", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* ---- HTTPS: a server whose certificate only a given CA file vouches for ---- */

static void
on_tls_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  (void) server;
  (void) path;
  (void) query;
  (void) user_data;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/dicom+json", SOUP_MEMORY_STATIC, "[]", 2);
}

static GPtrArray *
search_once (DimseWebClient *client, GError **error)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  TestWaiter waiter = { 0 };
  GPtrArray *matches;

  dimse_web_client_search_async (client, DIMSE_QR_LEVEL_STUDY, identifier, NULL, NULL,
                                 test_waiter_done, &waiter);
  matches = dimse_web_client_search_finish (client, test_waiter_wait (&waiter, "search"), error);
  test_waiter_clear (&waiter);
  return matches;
}

static void
test_https_ca (void)
{
  g_auto (TestUtilTmpdir) dir = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(DimseWebClient) client = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GSList *uris;

  if (!test_util_require_tls ())
    return;
  dir = test_util_make_tmpdir ("web-tls");
  cert_path = g_build_filename (dir, "cert.pem", NULL);
  key_path = g_build_filename (dir, "key.pem", NULL);
  test_util_make_certificate (cert_path, key_path);
  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, on_tls_request, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0,
                                           SOUP_SERVER_LISTEN_HTTPS
                                           | SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("https://localhost:%d/dicom-web", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  client = dimse_web_client_new (url, &error);
  g_assert_no_error (error);
  /* The system's trust store does not know this certificate. */
  matches = search_once (client, &error);
  g_assert_null (matches);
  g_assert_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_CONNECTION);
  g_clear_error (&error);
  g_assert_true (dimse_web_client_set_ca_file (client, cert_path, &error));
  matches = search_once (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 0);
  soup_server_disconnect (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/web/client/retrieve/cut-off/at-close", GINT_TO_POINTER (FALSE),
                        test_retrieve_cut_off);
  g_test_add_data_func ("/web/client/retrieve/cut-off/short-of-length", GINT_TO_POINTER (TRUE),
                        test_retrieve_cut_off);
  g_test_add_func ("/web/client/retrieve/not-dicom", test_retrieve_not_dicom);
  g_test_add_func ("/web/client/status/in-words", test_statuses);
  g_test_add_func ("/web/client/status/no-content", test_no_content);
  g_test_add_func ("/web/client/authorization", test_authorization);
  g_test_add_func ("/web/client/store/failures", test_store_failures);
  g_test_add_func ("/web/client/store/exchange", test_store_exchange);
  g_test_add_func ("/web/client/unreachable", test_unreachable);
  g_test_add_func ("/web/client/bad-url", test_bad_url);
  g_test_add_func ("/web/client/https/ca-file", test_https_ca);
  return g_test_run ();
}
