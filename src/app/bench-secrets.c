/* bench-secrets.c — DICOMweb passwords and tokens in the keyring */
#include "config.h"

#include <glib/gi18n.h>

#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "bench-secrets.h"

#define LOOKED_UP_KEY "bench-secrets-looked-up"

#ifdef HAVE_LIBSECRET
static const SecretSchema node_schema = {
  "org.dimsebench.Dimsebench.Node", SECRET_SCHEMA_NONE,
  {
    { "node-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = user_data;

  if (!secret_password_store_finish (result, &error))
    g_message ("The keyring did not take the secret of the node “%s”; it is kept only until "
               "Dimsebench quits: %s", name, error->message);
}

static void
on_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = user_data;

  if (!secret_password_clear_finish (result, &error))
    g_message ("The keyring did not forget the secret of the node “%s”: %s", name,
               error->message);
}
#endif

gboolean
bench_secrets_have_keyring (void)
{
#ifdef HAVE_LIBSECRET
  return TRUE;
#else
  return FALSE;
#endif
}

#ifdef HAVE_LIBSECRET
static void
on_service (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_finish (result, &error);

  if (service == NULL)
    g_debug ("No Secret Service: %s", error->message);
  g_task_return_boolean (task, service != NULL
                               && secret_service_get_session_algorithms (service) != NULL);
}
#endif

void
bench_secrets_probe_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, bench_secrets_probe_async);
#ifdef HAVE_LIBSECRET
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, on_service,
                      g_steal_pointer (&task));
#else
  g_task_return_boolean (task, FALSE);
#endif
}

gboolean
bench_secrets_probe_finish (GAsyncResult *result)
{
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

void
bench_secrets_save (BenchNode *node, const char *secret)
{
  g_return_if_fail (BENCH_IS_NODE (node));

  if (secret == NULL)
    secret = "";
  g_object_set (node, "secret", secret, NULL);
  g_object_set_data (G_OBJECT (node), LOOKED_UP_KEY, GINT_TO_POINTER (TRUE));
#ifdef HAVE_LIBSECRET
  if (secret[0] == '\0')
    {
      secret_password_clear (&node_schema, NULL, on_cleared,
                             g_strdup (bench_node_get_name (node)),
                             "node-id", bench_node_get_id (node), NULL);
      return;
    }
  {
    g_autofree char *label = g_strdup_printf (_("Dimsebench DICOMweb node “%s”"),
                                              bench_node_get_name (node));

    secret_password_store (&node_schema, SECRET_COLLECTION_DEFAULT, label, secret, NULL,
                           on_stored, g_strdup (bench_node_get_name (node)),
                           "node-id", bench_node_get_id (node), NULL);
  }
#endif
}

const char *
bench_secrets_lookup (BenchNode *node)
{
  g_return_val_if_fail (BENCH_IS_NODE (node), "");

  if (bench_node_get_secret (node)[0] != '\0'
      || g_object_get_data (G_OBJECT (node), LOOKED_UP_KEY) != NULL)
    return bench_node_get_secret (node);
  g_object_set_data (G_OBJECT (node), LOOKED_UP_KEY, GINT_TO_POINTER (TRUE));
#ifdef HAVE_LIBSECRET
  {
    g_autoptr(GError) error = NULL;
    char *secret = secret_password_lookup_sync (&node_schema, NULL, &error,
                                                "node-id", bench_node_get_id (node), NULL);

    if (secret != NULL)
      {
        g_object_set (node, "secret", secret, NULL);
        secret_password_free (secret);
      }
    else if (error != NULL)
      g_message ("The keyring did not give the secret of the node “%s”: %s",
                 bench_node_get_name (node), error->message);
  }
#endif
  return bench_node_get_secret (node);
}
