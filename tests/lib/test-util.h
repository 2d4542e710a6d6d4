/* test-util.h — helpers shared by the test programs */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"
#include "dcm-transfer-syntax.h"

G_BEGIN_DECLS

/* A new empty folder under the system temp dir; removed by test_util_rmtree. */
char    *test_util_make_tmpdir (const char *prefix);
void     test_util_rmtree (const char *path);

/* A folder from test_util_make_tmpdir held as g_auto (TestUtilTmpdir): it
 * is removed with all it holds when the variable goes out of scope. */
typedef char *TestUtilTmpdir;
void     test_util_tmpdir_free (TestUtilTmpdir dir);
/* Path of a program on PATH, or NULL (the caller skips the test). */
char    *test_util_find_program (const char *name);
/* The same, and NULL marks the running test as skipped ("<name> is not
 * installed"); the caller returns. */
char    *test_util_require_program (const char *name);
/* Runs argv synchronously with TCP_NODELAY=1 in its environment; captures
 * stdout/stderr; returns FALSE on spawn failure. */
gboolean test_util_run (const char * const *argv, char **out_stdout, char **out_stderr,
                        int *out_status, GError **error);

/* Adds test once per uncompressed transfer syntax, with the
 * DcmTransferSyntax as its data: prefix/implicit-le, prefix/explicit-le,
 * prefix/explicit-be and prefix/deflated. */
void     test_util_add_per_syntax (const char *prefix, GTestDataFunc test);

/* The bytes spelled by pairs of hex digits; white space between pairs is
 * ignored ("0900 1010" is four bytes). */
GBytes  *test_util_hex_bytes (const char *hex);
/* Asserts that bytes is not NULL and holds exactly the len bytes at expected. */
void     test_util_assert_bytes (GBytes *bytes, const void *expected, gsize len);
/* Asserts that el is not NULL and holds exactly the len bytes at expected
 * as an in-memory value. */
void     test_util_assert_element_bytes (const DcmElement *el, const void *expected, gsize len);
/* The same for the element tag of ds. */
void     test_util_assert_value (DcmDataSet *ds, guint32 tag, const void *expected, gsize len);

/* A CT Image Storage data set with instance_uid and pixel_size bytes of
 * patterned Pixel Data (OB), encoded in ts. */
GBytes  *test_util_make_ct_data_set (const DcmTransferSyntax *ts, const char *instance_uid,
                                     gsize pixel_size);

/* A loopback TCP port that nothing listens on now, chosen at random below
 * the kernel's ephemeral range (32768 and up) so that no outgoing
 * connection of a test running beside this one can take it as its source
 * port before the caller binds it. */
guint16  test_util_free_port (void);

/* TRUE when TLS can be tested here (openssl, a GIO TLS backend, no
 * AddressSanitizer); otherwise marks the running test as skipped. */
gboolean test_util_require_tls (void);
/* A self-signed certificate for localhost and its key, made by openssl. */
void     test_util_make_certificate (const char *cert, const char *key);

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (TestUtilTmpdir, test_util_tmpdir_free, NULL)

G_END_DECLS
