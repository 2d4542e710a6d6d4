/* bench-engine-local.c — on the engine's worker: the local Storage SCP
 * (PS3.4 Annex B, with Verification) that C-MOVE sends to, and the
 * embedded demo archive shown as "Demo archive" when no node exists */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>

#include "bench-engine-private.h"
#include "dimse-archive-demo.h"
#include "dimse-archive.h"
#include "dimse-archive-worklist.h"
#include "dimse-echo.h"
#include "dimse-server.h"
#include "dimse-store.h"

#define DEMO_AE_TITLE "DEMO_ARCHIVE"
/* Written once the demo folder is complete, so a later start skips it. */
#define DEMO_STAMP ".dimsebench-demo-complete"

struct _BenchEngineLocal
{
  BenchEngine *engine;          /* not a reference: the engine outlives us */
  GCancellable *cancellable;
  BenchLocalConfig *config;

  DimseServer *server;
  DimseStoreScp *scp;
  GPtrArray *associations;      /* established on the Storage SCP, not closed */

  DimseArchive *archive;
  DimseServer *archive_server;
  char *demo_destination;       /* the local AE title registered in the archive */
};

/* ---- the Storage SCP ---- */

static void
on_association_closed (DimseAssociation *assoc, guint reason, const char *description,
                       gpointer user_data)
{
  BenchEngineLocal *local = user_data;

  g_signal_handlers_disconnect_by_func (assoc, on_association_closed, local);
  g_ptr_array_remove_fast (local->associations, assoc);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  BenchEngineLocal *local = user_data;

  g_ptr_array_add (local->associations, g_object_ref (assoc));
  g_signal_connect (assoc, "closed", G_CALLBACK (on_association_closed), local);
  dimse_echo_scp_attach (assoc);
  dimse_store_scp_attach (local->scp, assoc);
}

static void
on_instance_stored (DimseStoreScp *scp, DimseAssociation *assoc, DimseMessage *request,
                    guint status, const char *path, const char *comment, gpointer user_data)
{
  BenchEngineLocal *local = user_data;
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (assoc);

  if (path == NULL)
    {
      g_warning ("An instance was not stored: %s", comment != NULL ? comment : "");
      return;
    }
  _bench_engine_post_instance (local->engine, path,
                               negotiation != NULL ? negotiation->calling_ae_title : NULL);
}

/* Aborts what still arrives and lets the instances being written finish. */
static void
stop_scp (BenchEngineLocal *local)
{
  if (local->server == NULL)
    return;
  dimse_server_stop (local->server);
  while (local->associations->len > 0)
    {
      g_autoptr(DimseAssociation) assoc = g_object_ref (local->associations->pdata[0]);

      g_signal_handlers_disconnect_by_func (assoc, on_association_closed, local);
      g_ptr_array_remove_index_fast (local->associations, 0);
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
    }
  while (dimse_store_scp_get_n_pending (local->scp) > 0)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  dimse_store_scp_discard_incomplete (local->scp);
  g_signal_handlers_disconnect_by_data (local->scp, local);
  g_signal_handlers_disconnect_by_data (local->server, local);
  g_clear_object (&local->server);
  g_clear_object (&local->scp);
}

static gboolean
start_scp (BenchEngineLocal *local, GError **error)
{
  const BenchLocalConfig *config = local->config;
  DimseAcceptorPolicy *policy;

  if (g_mkdir_with_parents (config->storage_folder, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The storage folder %s cannot be created: %s."),
                   config->storage_folder, g_strerror (saved_errno));
      return FALSE;
    }
  policy = dimse_acceptor_policy_new_default (config->ae_title);
  for (guint i = 0; config->calling_ae_titles[i] != NULL; i++)
    dimse_acceptor_policy_add_calling_ae_title (policy, config->calling_ae_titles[i]);
  local->scp = dimse_store_scp_new (config->storage_folder);
  local->server = dimse_server_new (policy, NULL);
  g_signal_connect (local->server, "association-started", G_CALLBACK (on_association_started),
                    local);
  g_signal_connect (local->scp, "instance-stored", G_CALLBACK (on_instance_stored), local);
  dimse_server_set_recorder (local->server, bench_engine_get_recorder (local->engine));
  return dimse_server_listen (local->server, NULL, (guint16) config->port, error);
}

static void
register_demo_destination (BenchEngineLocal *local)
{
  if (local->archive == NULL)
    return;
  if (local->demo_destination != NULL)
    dimse_archive_remove_node (local->archive, local->demo_destination);
  g_free (local->demo_destination);
  local->demo_destination = g_strdup (local->config->ae_title);
  dimse_archive_add_node (local->archive, local->config->ae_title, "127.0.0.1",
                          (guint16) local->config->port);
}

void
bench_engine_local_configure (BenchEngineLocal *local, BenchLocalConfig *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  stop_scp (local);
  g_clear_pointer (&local->config, bench_local_config_free);
  local->config = config;
  register_demo_destination (local);
  if (!start_scp (local, &error))
    {
      stop_scp (local);
      state = g_strdup_printf (_("The Storage SCP is not running: %s"), error->message);
      _bench_engine_post_scp_state (local->engine, FALSE, state);
      return;
    }
  state = g_strdup_printf (_("Storage SCP %s listening on port %u, storing into %s"),
                           config->ae_title, config->port, config->storage_folder);
  _bench_engine_post_scp_state (local->engine, TRUE, state);
}

/* ---- the demo archive ---- */

static void
generate_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *folder = task_data;
  g_autofree char *stamp = g_build_filename (folder, DEMO_STAMP, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_test (stamp, G_FILE_TEST_EXISTS))
    {
      if (dimse_archive_demo_generate (folder, NULL, cancellable, &error) == 0
          && error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!g_file_set_contents (stamp, "", 0, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
demo_fail (BenchEngineLocal *local, const GError *error)
{
  g_autofree char *state = g_strdup_printf (_("The demo archive did not start: %s"),
                                            error->message);

  _bench_engine_post_demo_state (local->engine, state);
}

static void
on_demo_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BenchEngineLocal *local = user_data;
  g_autoptr(GError) error = NULL;

  if (!dimse_archive_open_finish (DIMSE_ARCHIVE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        demo_fail (local, error);
      return;
    }
  local->archive_server = dimse_archive_serve (local->archive, "127.0.0.1", 0, &error);
  if (local->archive_server == NULL)
    {
      demo_fail (local, error);
      return;
    }
  dimse_server_set_recorder (local->archive_server, bench_engine_get_recorder (local->engine));
  register_demo_destination (local);
  _bench_engine_post_demo_state (local->engine, "");
  _bench_engine_post_demo_listening (local->engine, DEMO_AE_TITLE,
                                     dimse_server_get_port (local->archive_server));
}

static void
on_demo_generated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GTask *task = G_TASK (result);
  BenchEngineLocal *local = user_data;
  const char *folder = g_task_get_task_data (task);

  if (!g_task_propagate_boolean (task, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        demo_fail (local, error);
      return;
    }
  _bench_engine_post_demo_state (local->engine, _("Indexing the demo archive…"));
  local->archive = dimse_archive_new (folder, DEMO_AE_TITLE);
  dimse_archive_set_recorder (local->archive, bench_engine_get_recorder (local->engine));
  {
    /* today's scheduled steps, for trying a worklist query */
    g_autoptr(DimseArchiveWorklist) worklist = dimse_archive_worklist_new_demo (NULL);

    dimse_archive_set_worklist (local->archive, worklist);
  }
  dimse_archive_open_async (local->archive, local->cancellable, on_demo_opened, local);
}

void
bench_engine_local_suspend_scp (BenchEngineLocal *local, gboolean suspend)
{
  if (!suspend)
    {
      if (local->config != NULL)
        bench_engine_local_configure (local, bench_local_config_copy (local->config));
      return;
    }
  stop_scp (local);
  _bench_engine_post_scp_state (local->engine, FALSE,
                                _("The Storage SCP is paused while a tool listens on its port"));
}

void
bench_engine_local_start_demo (BenchEngineLocal *local)
{
  g_autoptr(GTask) task = g_task_new (NULL, local->cancellable, on_demo_generated, local);

  g_task_set_task_data (task, dimse_archive_demo_default_folder (), g_free);
  g_task_set_source_tag (task, bench_engine_local_start_demo);
  g_task_run_in_thread (task, generate_in_thread);
}

/* ---- life ---- */

BenchEngineLocal *
bench_engine_local_new (BenchEngine *engine)
{
  BenchEngineLocal *local = g_new0 (BenchEngineLocal, 1);

  local->engine = engine;
  local->cancellable = g_cancellable_new ();
  local->associations = g_ptr_array_new_with_free_func (g_object_unref);
  return local;
}

void
bench_engine_local_free (BenchEngineLocal *local)
{
  g_cancellable_cancel (local->cancellable);
  stop_scp (local);
  if (local->archive_server != NULL)
    dimse_server_stop (local->archive_server);
  g_clear_object (&local->archive_server);
  g_clear_object (&local->archive);
  g_clear_pointer (&local->config, bench_local_config_free);
  g_clear_pointer (&local->associations, g_ptr_array_unref);
  g_clear_object (&local->cancellable);
  g_free (local->demo_destination);
  g_free (local);
}
