/* test-web-multipart.c — the multipart/related push parser
 * (src/dimse/web/dimse-web-multipart.c, RFC 2046 §5.1.1) */
#include <string.h>

#include "dimse-web-error.h"
#include "dimse-web-multipart.h"

typedef struct {
  GPtrArray *types;    /* char*, "(none)" for a part without Content-Type */
  GPtrArray *bodies;   /* GString* */
  gboolean   in_part;
  guint      fail_at;  /* part_begin of this part (1-based) fails; 0 never */
} Collector;

static gboolean
on_begin (const char *content_type, const char *content_location, gpointer user_data,
          GError **error)
{
  Collector *c = user_data;

  (void) content_location;
  g_assert_false (c->in_part);
  c->in_part = TRUE;
  g_ptr_array_add (c->types, g_strdup (content_type != NULL ? content_type : "(none)"));
  g_ptr_array_add (c->bodies, g_string_new (NULL));
  if (c->fail_at == c->types->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "refused by the sink");
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Collector *c = user_data;

  (void) error;
  g_assert_true (c->in_part);
  g_assert_cmpuint (len, >, 0);
  g_string_append_len (c->bodies->pdata[c->bodies->len - 1], (const char *) data, (gssize) len);
  return TRUE;
}

static gboolean
on_end (gpointer user_data, GError **error)
{
  Collector *c = user_data;

  (void) error;
  g_assert_true (c->in_part);
  c->in_part = FALSE;
  return TRUE;
}

static const DimseWebMultipartCallbacks callbacks = { on_begin, on_data, on_end };

static void
free_string (gpointer string)
{
  g_string_free (string, TRUE);
}

static void
collector_init (Collector *c)
{
  memset (c, 0, sizeof *c);
  c->types = g_ptr_array_new_with_free_func (g_free);
  c->bodies = g_ptr_array_new_with_free_func (free_string);
}

static void
collector_clear (Collector *c)
{
  g_ptr_array_unref (c->bodies);
  g_ptr_array_unref (c->types);
}

/* Three parts; the second's data holds a line that starts like the
 * delimiter but is not it, and a CRLF "--" with another boundary. */
static const char body[] =
  "preamble to ignore\r\n"
  "--XyZ\r\n"
  "Content-Type: application/dicom\r\n"
  "\r\n"
  "first\r\n"
  "--XyZ  \r\n"
  "Content-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n"
  "Content-Location: /x\r\n"
  "\r\n"
  "sec\r\n--XyQ\r\n--Xy\r\nond\r\n"
  "--XyZ\r\n"
  "\r\n"
  "\r\n"
  "\r\n"
  "--XyZ--\r\n"
  "epilogue --XyZ\r\n";

static void
check_three_parts (Collector *c)
{
  g_assert_cmpuint (c->types->len, ==, 3);
  g_assert_cmpstr (c->types->pdata[0], ==, "application/dicom");
  g_assert_cmpstr (c->types->pdata[1], ==,
                   "application/dicom; transfer-syntax=1.2.840.10008.1.2.1");
  g_assert_cmpstr (c->types->pdata[2], ==, "(none)");
  g_assert_cmpstr (((GString *) c->bodies->pdata[0])->str, ==, "first");
  g_assert_cmpstr (((GString *) c->bodies->pdata[1])->str, ==, "sec\r\n--XyQ\r\n--Xy\r\nond");
  g_assert_cmpstr (((GString *) c->bodies->pdata[2])->str, ==, "\r\n");
  g_assert_false (c->in_part);
}

static void
parse_in_pieces (const char *boundary, const char *text, gsize len, gsize piece, Collector *c)
{
  g_autoptr(DimseWebMultipart) parser = dimse_web_multipart_new (boundary, &callbacks, c);
  g_autoptr(GError) error = NULL;

  for (gsize at = 0; at < len; at += piece)
    g_assert_true (dimse_web_multipart_feed (parser, (const guint8 *) text + at,
                                             MIN (piece, len - at), &error));
  g_assert_true (dimse_web_multipart_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dimse_web_multipart_get_n_parts (parser), ==, c->types->len);
}

static void
test_whole (void)
{
  Collector c;

  collector_init (&c);
  parse_in_pieces ("XyZ", body, strlen (body), strlen (body), &c);
  check_three_parts (&c);
  collector_clear (&c);
}

/* Every piece size, so that each delimiter, CRLF and header is split
 * across reads at every place. */
static void
test_every_split (void)
{
  for (gsize piece = 1; piece <= 40; piece++)
    {
      Collector c;

      collector_init (&c);
      parse_in_pieces ("XyZ", body, strlen (body), piece, &c);
      check_three_parts (&c);
      collector_clear (&c);
    }
}

/* Two reads split at every offset. */
static void
test_every_offset (void)
{
  gsize len = strlen (body);

  for (gsize at = 0; at <= len; at++)
    {
      g_autoptr(GError) error = NULL;
      Collector c;
      DimseWebMultipart *parser;

      collector_init (&c);
      parser = dimse_web_multipart_new ("XyZ", &callbacks, &c);
      g_assert_true (dimse_web_multipart_feed (parser, (const guint8 *) body, at, &error));
      g_assert_true (dimse_web_multipart_feed (parser, (const guint8 *) body + at, len - at,
                                               &error));
      g_assert_true (dimse_web_multipart_finish (parser, &error));
      check_three_parts (&c);
      dimse_web_multipart_free (parser);
      collector_clear (&c);
    }
}

/* No boundary in the Content-Type: the first delimiter line gives it. */
static void
test_learnt_boundary (void)
{
  const char *text = body + strlen ("preamble to ignore\r\n");
  Collector c;

  collector_init (&c);
  parse_in_pieces (NULL, text, strlen (text), 5, &c);
  check_three_parts (&c);
  collector_clear (&c);
}

static void
expect_error (const char *boundary, const char *text, gboolean at_finish, const char *words)
{
  g_autoptr(GError) error = NULL;
  Collector c;
  DimseWebMultipart *parser;
  gboolean ok;

  collector_init (&c);
  parser = dimse_web_multipart_new (boundary, &callbacks, &c);
  ok = dimse_web_multipart_feed (parser, (const guint8 *) text, strlen (text), &error);
  if (at_finish)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      ok = dimse_web_multipart_finish (parser, &error);
    }
  g_assert_false (ok);
  g_assert_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  /* Nothing more is taken after an error. */
  g_clear_error (&error);
  g_assert_false (dimse_web_multipart_feed (parser, (const guint8 *) "x", 1, &error));
  dimse_web_multipart_free (parser);
  collector_clear (&c);
}

static void
test_cut_off (void)
{
  expect_error ("B", "--B\r\n\r\nhalf of a part", TRUE, "cut off in the middle of part 1");
  expect_error ("B", "--B\r\n\r\none\r\n--B\r\nContent-Ty", TRUE,
                "cut off in the headers of part 2");
  expect_error ("B", "--B\r\n\r\none\r\n--B", TRUE, "without its close delimiter");
  expect_error ("B", "no delimiter at all", TRUE, "before its first boundary");
  expect_error ("B", "", TRUE, "before its first boundary");
}

static void
test_bad_input (void)
{
  g_autofree char *long_headers = NULL;

  expect_error ("B", "--B garbage\r\n\r\n", FALSE, "not the one announced");
  expect_error ("B", "--B\r\nno colon here\r\n\r\n", FALSE, "not “Name: value”");
  long_headers = g_strdup_printf ("--B\r\nX-Long: %0*d", 20000, 0);
  expect_error ("B", long_headers, FALSE, "longer than");
  expect_error (NULL, "--bad\x01boundary\r\n", FALSE, "boundary");
  expect_error ("this boundary is far too long for RFC 2046 which allows seventy characters",
                "--x", FALSE, "boundary");
}

static void
test_sink_error (void)
{
  g_autoptr(GError) error = NULL;
  Collector c;
  DimseWebMultipart *parser;

  collector_init (&c);
  c.fail_at = 2;
  parser = dimse_web_multipart_new ("XyZ", &callbacks, &c);
  g_assert_false (dimse_web_multipart_feed (parser, (const guint8 *) body, strlen (body),
                                            &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (dimse_web_multipart_get_n_parts (parser), ==, 1);
  dimse_web_multipart_free (parser);
  collector_clear (&c);
}

static void
test_new_boundary (void)
{
  g_autofree char *a = dimse_web_multipart_new_boundary ();
  g_autofree char *b = dimse_web_multipart_new_boundary ();

  g_assert_cmpuint (strlen (a), <=, DIMSE_WEB_MULTIPART_MAX_BOUNDARY);
  g_assert_cmpstr (a, !=, b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/web/multipart/whole", test_whole);
  g_test_add_func ("/web/multipart/split/every-piece-size", test_every_split);
  g_test_add_func ("/web/multipart/split/every-offset", test_every_offset);
  g_test_add_func ("/web/multipart/boundary-learnt", test_learnt_boundary);
  g_test_add_func ("/web/multipart/cut-off", test_cut_off);
  g_test_add_func ("/web/multipart/bad-input", test_bad_input);
  g_test_add_func ("/web/multipart/sink-error", test_sink_error);
  g_test_add_func ("/web/multipart/new-boundary", test_new_boundary);
  return g_test_run ();
}
