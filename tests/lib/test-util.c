#include "test-util.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dcm-writer.h"

char *
test_util_make_tmpdir (const char *prefix)
{
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

void
test_util_rmtree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      test_util_rmtree (child);
    }
  g_rmdir (path);
}

void
test_util_tmpdir_free (TestUtilTmpdir dir)
{
  test_util_rmtree (dir);
  g_free (dir);
}

char *
test_util_find_program (const char *name)
{
  return g_find_program_in_path (name);
}

char *
test_util_require_program (const char *name)
{
  char *path = test_util_find_program (name);

  if (path == NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s is not installed", name);
      g_test_skip (why);
    }
  return path;
}

gboolean
test_util_run (const char * const *argv, char **out_stdout, char **out_stderr,
               int *out_status, GError **error)
{
  g_auto(GStrv) envp = g_get_environ ();
  int wait_status = 0;

  envp = g_environ_setenv (envp, "TCP_NODELAY", "1", TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     out_stdout, out_stderr, &wait_status, error))
    return FALSE;
  if (out_status != NULL)
    *out_status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  return TRUE;
}

GBytes *
test_util_hex_bytes (const char *hex)
{
  GByteArray *a = g_byte_array_new ();

  for (const char *p = hex; *p != '\0';)
    {
      guint8 b;

      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }
      g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
      b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
      g_byte_array_append (a, &b, 1);
      p += 2;
    }
  return g_byte_array_free_to_bytes (a);
}

void
test_util_assert_bytes (GBytes *bytes, const void *expected, gsize len)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, len);
}

void
test_util_assert_element_bytes (const DcmElement *el, const void *expected, gsize len)
{
  g_assert_nonnull (el);
  g_assert_cmpint (el->kind, ==, DCM_VALUE_BYTES);
  test_util_assert_bytes (el->value.bytes, expected, len);
}

void
test_util_assert_value (DcmDataSet *ds, guint32 tag, const void *expected, gsize len)
{
  test_util_assert_element_bytes (dcm_data_set_lookup (ds, tag), expected, len);
}

void
test_util_add_per_syntax (const char *prefix, GTestDataFunc test)
{
  static const struct {
    const char              *name;
    const DcmTransferSyntax *ts;
  } syntaxes[] = {
    { "implicit-le", &dcm_ts_implicit_le },
    { "explicit-le", &dcm_ts_explicit_le },
    { "explicit-be", &dcm_ts_explicit_be },
    { "deflated", &dcm_ts_deflated_explicit_le },
  };

  for (guint i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", prefix, syntaxes[i].name);

      g_test_add_data_func (path, syntaxes[i].ts, test);
    }
}

GBytes *
test_util_make_ct_data_set (const DcmTransferSyntax *ts, const char *instance_uid,
                            gsize pixel_size)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc (pixel_size);
  GBytes *bytes;

  for (gsize i = 0; i < pixel_size; i++)
    pixels[i] = (guint8) (i * 7 + (i >> 12));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_UI,
                                          DCM_UID_CT_IMAGE_STORAGE, &error));
  g_assert_true (dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_UI,
                                          instance_uid, &error));
  g_assert_true (dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OB, pixels, pixel_size,
                                       &error));
  bytes = dcm_data_set_write_bytes (ds, ts, DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, pixel_size);
  return bytes;
}

gboolean
test_util_require_tls (void)
{
  g_autofree char *openssl = test_util_find_program ("openssl");

#ifdef __SANITIZE_ADDRESS__
  /* LeakSanitizer's tracer crashes at exit once glib-networking's GnuTLS
   * module (dlopened, with dynamic TLS) has run: the test would pass and
   * the program still fail. The plain build runs it. */
  g_test_skip ("TLS is not tested under AddressSanitizer (LeakSanitizer crash at exit)");
  return FALSE;
#endif
  if (openssl == NULL || !g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("openssl or a GIO TLS backend (glib-networking) is missing");
      return FALSE;
    }
  return TRUE;
}

void
test_util_make_certificate (const char *cert, const char *key)
{
  g_autofree char *openssl = test_util_find_program ("openssl");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                         NULL };
  int status = -1;

  g_assert_true (test_util_run (argv, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

guint16
test_util_free_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  for (guint attempt = 0; attempt < 200; attempt++)
    {
      guint16 port = (guint16) g_random_int_range (10000, 32000);
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

      g_assert_nonnull (socket);
      if (g_socket_bind (socket, address, TRUE, NULL))
        return port;
    }
  g_error ("no free loopback port between 10000 and 32000");
  return 0;
}
