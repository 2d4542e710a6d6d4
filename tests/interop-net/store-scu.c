/* store-scu.c — sends Part 10 files with the engine's Storage SCU helper,
 * one association, one file after the other; prints each status.
 * Usage: store-scu [--any-ts] CALLED_AET HOST PORT FILE… (exit 0 when all
 * succeed). --any-ts proposes the three uncompressed transfer syntaxes
 * instead of each file's own, so that a file may have to be re-encoded. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dcm-file.h"
#include "dcm-uid.h"
#include "dimse-status.h"
#include "dimse-store.h"

typedef struct {
  GMainLoop        *loop;
  DimseAssociation *assoc;
  char            **files;
  guint             next;
  int               exit_status;
} Sender;

static void send_next (Sender *sender);

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sender *sender = user_data;

  dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, NULL);
  g_main_loop_quit (sender->loop);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sender *sender = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autofree char *words = NULL;
  guint16 status = 0;

  if (!dimse_store_send_file_finish (DIMSE_ASSOCIATION (source), result, &status, &rsp, &error))
    {
      g_printerr ("%s: %s\n", sender->files[sender->next], error->message);
      sender->exit_status = 1;
      g_main_loop_quit (sender->loop);
      return;
    }
  words = dimse_status_describe (status, DIMSE_C_STORE_RQ, dimse_message_get_command (rsp));
  printf ("%s: %s\n", sender->files[sender->next], words);
  if (status != 0x0000)
    sender->exit_status = 1;
  sender->next++;
  send_next (sender);
}

static void
send_next (Sender *sender)
{
  if (sender->files[sender->next] == NULL)
    {
      dimse_association_release_async (sender->assoc, NULL, on_released, sender);
      return;
    }
  dimse_store_send_file_async (sender->assoc, sender->files[sender->next], NULL, on_stored,
                               sender);
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sender *sender = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  sender->assoc = dimse_association_request_finish (result, &error);
  if (sender->assoc == NULL)
    {
      g_printerr ("%s\n", error->message);
      sender->exit_status = 3;
      g_main_loop_quit (sender->loop);
      return;
    }
  send_next (sender);
}

/* One context per file: its SOP class, proposed with its own transfer
 * syntax only, so that the mapped bytes go out as they are. */
static gboolean
add_contexts (DimseAssociationParams *params, char **files, gboolean any_ts)
{
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DcmFile) file = dcm_file_read_path (files[i], NULL, DCM_FILE_READ_DEFAULT,
                                                    &error);
      g_autofree char *sop_class = NULL;
      const char *syntaxes[2] = { NULL, NULL };

      if (file == NULL)
        {
          g_printerr ("%s\n", error->message);
          return FALSE;
        }
      sop_class = dcm_data_set_dup_string (dcm_file_get_meta (file),
                                           DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID);
      syntaxes[0] = dcm_file_get_transfer_syntax_uid (file);
      dimse_association_params_add_context (params, sop_class, any_ts ? NULL : syntaxes,
                                            DIMSE_ROLE_DEFAULT);
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  Sender sender = { 0 };
  g_autoptr(DimseAssociationParams) params = NULL;
  gboolean any_ts = argc > 1 && g_strcmp0 (argv[1], "--any-ts") == 0;

  if (any_ts)
    {
      argc--;
      argv++;
    }
  if (argc < 5)
    {
      g_printerr ("Usage: store-scu [--any-ts] CALLED_AET HOST PORT FILE…\n");
      return 2;
    }
  params = dimse_association_params_new ("STORESCU", argv[1]);
  if (!add_contexts (params, argv + 4, any_ts))
    return 2;
  sender.loop = g_main_loop_new (NULL, FALSE);
  sender.files = argv + 4;
  dimse_association_request_async (params, argv[2], (guint16) atoi (argv[3]), NULL, NULL, NULL,
                                   on_associated, &sender);
  g_main_loop_run (sender.loop);
  g_clear_object (&sender.assoc);
  g_main_loop_unref (sender.loop);
  return sender.exit_status;
}
