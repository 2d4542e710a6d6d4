/* store-scu.c — sends Part 10 files with the engine's Storage SCU helper
 * over one association; prints each status.
 * Usage: store-scu [--any-ts] [--async N] CALLED_AET HOST PORT FILE…
 * (exit 0 when all succeed). --any-ts proposes the three uncompressed
 * transfer syntaxes instead of each file's own, so that a file may have to
 * be re-encoded. --async N proposes an asynchronous operations window of N
 * (PS3.7 §D.3.3.3) and keeps as many C-STOREs outstanding as the peer
 * allows, up to N; it prints the window agreed and the most requests that
 * were outstanding at once. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-uid.h"
#include "dimse-status.h"
#include "dimse-store.h"

typedef struct {
  GMainLoop        *loop;
  DimseAssociation *assoc;
  char            **files;
  guint             next;
  guint             window;       /* requests allowed outstanding at once */
  guint             outstanding;
  guint             max_outstanding;
  gboolean          failed;       /* stop sending, release once all are back */
  gboolean          releasing;
  int               exit_status;
} Sender;

typedef struct {
  Sender *sender;
  char   *path;
} Sending;

static void send_more (Sender *sender);

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
  Sending *sending = user_data;
  Sender *sender = sending->sender;
  g_autoptr(GError) error = NULL;
  g_autoptr(DimseMessage) rsp = NULL;
  g_autofree char *words = NULL;
  g_autofree char *path = sending->path;
  guint16 status = 0;

  g_free (sending);
  sender->outstanding--;
  if (!dimse_store_send_file_finish (DIMSE_ASSOCIATION (source), result, &status, &rsp, &error))
    {
      g_printerr ("%s: %s\n", path, error->message);
      sender->exit_status = 1;
      sender->failed = TRUE;
      if (!dimse_association_is_established (sender->assoc))
        {
          g_main_loop_quit (sender->loop);
          return;
        }
      send_more (sender);
      return;
    }
  words = dimse_status_describe (status, DIMSE_C_STORE_RQ, dimse_message_get_command (rsp));
  printf ("%s: %s\n", path, words);
  if (status != 0x0000)
    sender->exit_status = 1;
  send_more (sender);
}

static void
send_more (Sender *sender)
{
  while (!sender->failed && sender->files[sender->next] != NULL
         && sender->outstanding < sender->window)
    {
      Sending *sending = g_new0 (Sending, 1);

      sending->sender = sender;
      sending->path = g_strdup (sender->files[sender->next++]);
      sender->outstanding++;
      sender->max_outstanding = MAX (sender->max_outstanding, sender->outstanding);
      dimse_store_send_file_async (sender->assoc, sending->path, NULL, on_stored, sending);
    }
  if (sender->outstanding == 0 && !sender->releasing)
    {
      sender->releasing = TRUE;
      if (sender->window > 1)
        printf ("At most %u requests outstanding at once.\n", sender->max_outstanding);
      dimse_association_release_async (sender->assoc, NULL, on_released, sender);
    }
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sender *sender = user_data;
  g_autoptr(GError) error = NULL;
  guint agreed;

  (void) source;
  sender->assoc = dimse_association_request_finish (result, &error);
  if (sender->assoc == NULL)
    {
      g_printerr ("%s\n", error->message);
      sender->exit_status = 3;
      g_main_loop_quit (sender->loop);
      return;
    }
  /* 0 is "no limit" (PS3.7 §D.3.3.3.1). */
  agreed = dimse_association_get_negotiation (sender->assoc)->max_operations_invoked;
  if (agreed != 0)
    sender->window = MIN (sender->window, agreed);
  if (sender->window > 1)
    printf ("Asynchronous operations window: %u\n", sender->window);
  send_more (sender);
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
  gboolean any_ts = FALSE;
  guint window = 1;

  while (argc > 1 && g_str_has_prefix (argv[1], "--"))
    {
      if (strcmp (argv[1], "--any-ts") == 0)
        any_ts = TRUE;
      else if (strcmp (argv[1], "--async") == 0 && argc > 2 && atoi (argv[2]) > 0
               && atoi (argv[2]) <= G_MAXUINT16)
        {
          window = (guint) atoi (argv[2]);
          argc--;
          argv++;
        }
      else
        break;
      argc--;
      argv++;
    }
  if (argc < 5)
    {
      g_printerr ("Usage: store-scu [--any-ts] [--async N] CALLED_AET HOST PORT FILE…\n");
      return 2;
    }
  params = dimse_association_params_new ("STORESCU", argv[1]);
  params->max_operations_invoked = (guint16) window;
  if (!add_contexts (params, argv + 4, any_ts))
    return 2;
  sender.loop = g_main_loop_new (NULL, FALSE);
  sender.files = argv + 4;
  sender.window = window;
  dimse_association_request_async (params, argv[2], (guint16) atoi (argv[3]), NULL, NULL, NULL,
                                   on_associated, &sender);
  g_main_loop_run (sender.loop);
  g_clear_object (&sender.assoc);
  g_main_loop_unref (sender.loop);
  return sender.exit_status;
}
