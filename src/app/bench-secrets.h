/* bench-secrets.h — the password or token of a DICOMweb node: kept in the
 * user's keyring through libsecret when the application was built with it
 * (and a Secret Service answers), otherwise only in memory for the
 * session; never in the node file */
#pragma once

#include <gio/gio.h>

#include "bench-node.h"

G_BEGIN_DECLS

/* Whether the application was built with libsecret: the editor tells the
 * user where a password goes. */
gboolean    bench_secrets_have_keyring (void);
/* Whether a Secret Service answers now (a session opens with it); always
 * FALSE without libsecret. The callback runs on the caller's context. */
void        bench_secrets_probe_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean    bench_secrets_probe_finish (GAsyncResult *result);
/* Sets node's "secret" and stores it in the keyring under the node's id
 * (in the background; a keyring that fails leaves it in memory, said in
 * the log). An empty secret removes the keyring's. UI thread. */
void        bench_secrets_save (BenchNode *node, const char *secret);
/* The node's secret: its "secret" if set, else the keyring's (looked up
 * once, then kept on the node), else "". UI thread; the lookup is a D-Bus
 * round trip to the Secret Service. */
const char *bench_secrets_lookup (BenchNode *node);

G_END_DECLS
