/* cli-store.c — `dimse store`: Part 10 files and folders sent to a peer in
 * C-STORE requests (PS3.4 Annex B), over one or more associations */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-common.h"
#include "cli-private.h"
#include "dcm-error.h"
#include "dcm-file.h"
#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"
#include "dimse-store.h"

typedef struct {
  char  *path;
  char  *sop_class;
  char  *transfer_syntax;
  guint  pair;            /* index of its (SOP class, transfer syntax) pair */
} StoreFile;

/* The files sent over one set of associations, with the contexts they
 * need; the arrays do not own their StoreFiles. */
typedef struct {
  GPtrArray *files;
  GPtrArray *pairs;       /* the first file of each (SOP class, syntax) pair */
  GPtrArray *fallbacks;   /* the first uncompressed file of each SOP class */
} StoreBatch;

typedef struct _Store Store;

typedef struct {
  Store            *store;
  DimseAssociation *assoc;
  guint             traffic_id;
  StoreFile        *current;
} StoreWorker;

struct _Store {
  CliCommonOptions  options;
  CliPeer           peer;
  char             *peer_text;
  gint              parallel;
  GPtrArray        *files;        /* StoreFile * */
  GPtrArray        *batches;      /* StoreBatch * */
  guint             batch;
  guint             next_file;
  guint             n_active;
  guint             n_done;
  guint             n_stored;
  guint             n_warning;
  guint             n_failed;
  gboolean          refused;
  gboolean          show_progress;
  CliTraffic       *traffic;
  GMainLoop        *loop;
};

static void start_batch (Store *store);
static void send_next (StoreWorker *worker);

static void
store_file_free (StoreFile *file)
{
  g_free (file->path);
  g_free (file->sop_class);
  g_free (file->transfer_syntax);
  g_free (file);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreFile, store_file_free)

static void
store_batch_free (StoreBatch *batch)
{
  g_ptr_array_unref (batch->files);
  g_ptr_array_unref (batch->pairs);
  g_ptr_array_unref (batch->fallbacks);
  g_free (batch);
}

/* ---- planning: the meta group of each file, never its data set ---- */

static StoreFile *
read_plan (const char *path, GError **error)
{
  g_autoptr(DcmFile) file = NULL;
  g_autoptr(StoreFile) plan = NULL;
  DcmDataSet *meta;
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  opts.stop_at_tag = DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH + 0x00010000u;
  file = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, error);
  if (file == NULL)
    return NULL;
  meta = dcm_file_get_meta (file);
  plan = g_new0 (StoreFile, 1);
  plan->path = g_strdup (path);
  plan->sop_class = dcm_data_set_dup_string (meta, DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID);
  plan->transfer_syntax = dcm_data_set_dup_string (meta, DCM_TAG_TRANSFER_SYNTAX_UID);
  if (plan->sop_class == NULL || plan->transfer_syntax == NULL)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   _("Its File Meta Information lacks the Media Storage SOP Class UID "
                     "(0002,0002) or the Transfer Syntax UID (0002,0010)."));
      return NULL;
    }
  return g_steal_pointer (&plan);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void add_path (Store *store, const char *path);

static void
add_folder (Store *store, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      g_printerr (_("dimse store: warning: skipping “%s”: %s\n"), path, error->message);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    add_path (store, names->pdata[i]);
}

static void
add_path (Store *store, const char *path)
{
  g_autoptr(GError) error = NULL;
  StoreFile *file;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      add_folder (store, path);
      return;
    }
  file = read_plan (path, &error);
  if (file == NULL)
    {
      g_printerr (_("dimse store: warning: skipping “%s”, not a DICOM file: %s\n"), path,
                  error->message);
      return;
    }
  g_ptr_array_add (store->files, file);
}

static guint
find_pair (GPtrArray *pairs, const StoreFile *file)
{
  for (guint i = 0; i < pairs->len; i++)
    {
      const StoreFile *first = pairs->pdata[i];

      if (strcmp (first->sop_class, file->sop_class) == 0
          && strcmp (first->transfer_syntax, file->transfer_syntax) == 0)
        return i;
    }
  g_ptr_array_add (pairs, (gpointer) file);
  return pairs->len - 1;
}

static gboolean
is_uncompressed (const StoreFile *file)
{
  const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (file->transfer_syntax);

  return ts != NULL && dcm_transfer_syntax_is_uncompressed (ts);
}

static gboolean
has_class (GPtrArray *files, const char *sop_class)
{
  for (guint i = 0; i < files->len; i++)
    if (strcmp (((const StoreFile *) files->pdata[i])->sop_class, sop_class) == 0)
      return TRUE;
  return FALSE;
}

static StoreBatch *
store_batch_new (void)
{
  StoreBatch *batch = g_new0 (StoreBatch, 1);

  batch->files = g_ptr_array_new ();
  batch->pairs = g_ptr_array_new ();
  batch->fallbacks = g_ptr_array_new ();
  return batch;
}

/* Each pair has a context of its own syntax, so the acceptor cannot pick
 * another and the file goes as it is; each SOP class of an uncompressed
 * file adds one context of the uncompressed syntaxes, for a peer that
 * takes none of the files' own. Pairs in order of first appearance fill
 * batches of at most 128 contexts (PS3.8 §9.3.2.2). */
static void
plan_batches (Store *store)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_autofree guint *batch_of = NULL;
  StoreBatch *batch = NULL;

  for (guint i = 0; i < store->files->len; i++)
    {
      StoreFile *file = store->files->pdata[i];

      file->pair = find_pair (pairs, file);
    }
  batch_of = g_new0 (guint, pairs->len);
  for (guint p = 0; p < pairs->len; p++)
    {
      StoreFile *first = pairs->pdata[p];
      gboolean fallback = FALSE;

      if (batch != NULL && is_uncompressed (first))
        fallback = !has_class (batch->fallbacks, first->sop_class);
      if (batch == NULL
          || batch->pairs->len + batch->fallbacks->len + 1 + (fallback ? 1 : 0)
             > DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS)
        {
          batch = store_batch_new ();
          g_ptr_array_add (store->batches, batch);
          fallback = is_uncompressed (first);
        }
      g_ptr_array_add (batch->pairs, first);
      if (fallback)
        g_ptr_array_add (batch->fallbacks, first);
      batch_of[p] = store->batches->len - 1;
    }
  for (guint i = 0; i < store->files->len; i++)
    {
      StoreFile *file = store->files->pdata[i];

      batch = store->batches->pdata[batch_of[file->pair]];
      g_ptr_array_add (batch->files, file);
    }
}

static void
add_contexts (DimseAssociationParams *params, const StoreBatch *batch)
{
  static const char *const uncompressed[] = {
    DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, NULL
  };

  for (guint i = 0; i < batch->pairs->len; i++)
    {
      const StoreFile *file = batch->pairs->pdata[i];
      const char *syntaxes[] = { file->transfer_syntax, NULL };

      dimse_association_params_add_context (params, file->sop_class, syntaxes,
                                            DIMSE_ROLE_DEFAULT);
    }
  for (guint i = 0; i < batch->fallbacks->len; i++)
    dimse_association_params_add_context (params,
                                          ((const StoreFile *) batch->fallbacks->pdata[i])->sop_class,
                                          uncompressed, DIMSE_ROLE_DEFAULT);
}

/* ---- sending ---- */

static void
show_progress (Store *store)
{
  if (store->show_progress)
    {
      g_printerr ("\r");
      g_printerr (_("%u of %u files sent "), store->n_done, store->files->len);
    }
}

/* Clears the progress line before a line of its own is printed. */
static void
clear_progress (Store *store)
{
  if (store->show_progress)
    g_printerr ("\r%40s\r", "");
}

static void
print_response (Store *store, const char *path, guint16 status, DimseMessage *response)
{
  g_autofree char *comment = NULL;
  const char *meaning = dimse_status_meaning (status, DIMSE_C_STORE_RQ);

  clear_progress (store);
  switch (dimse_status_class (status))
    {
    case DIMSE_STATUS_SUCCESS:
      store->n_stored++;
      printf (_("Stored %s: %s (0x%04X)\n"), path, meaning, status);
      break;
    case DIMSE_STATUS_WARNING:
      store->n_warning++;
      printf (_("Stored %s: Warning: %s (0x%04X)\n"), path, meaning, status);
      break;
    default:
      store->n_failed++;
      if (response != NULL)
        comment = dimse_message_dup_string (response, DCM_TAG_ERROR_COMMENT);
      printf (_("%s: Refused: %s (0x%04X)%s%s\n"), path, meaning, status,
              comment != NULL ? " — " : "", comment != NULL ? comment : "");
      break;
    }
  fflush (stdout);
}

static void
worker_done (StoreWorker *worker)
{
  Store *store = worker->store;

  g_clear_object (&worker->assoc);
  g_free (worker);
  if (--store->n_active > 0)
    return;
  if (store->refused)
    {
      g_main_loop_quit (store->loop);
      return;
    }
  store->batch++;
  start_batch (store);
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StoreWorker *worker = user_data;
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error)
      && worker->store->options.verbose)
    cli_print_error ("store", error);
  worker_done (worker);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StoreWorker *worker = user_data;
  Store *store = worker->store;
  g_autoptr(DimseMessage) response = NULL;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  store->n_done++;
  if (dimse_store_send_file_finish (DIMSE_ASSOCIATION (source), result, &status, &response,
                                    &error))
    print_response (store, worker->current->path, status, response);
  else
    {
      store->n_failed++;
      clear_progress (store);
      g_printerr (_("dimse store: %s: %s\n"), worker->current->path, error->message);
      if (!dimse_association_is_established (worker->assoc))
        {
          store->refused = TRUE;
          worker_done (worker);
          return;
        }
    }
  send_next (worker);
}

static void
send_next (StoreWorker *worker)
{
  Store *store = worker->store;
  StoreBatch *batch = store->batches->pdata[store->batch];

  show_progress (store);
  if (store->refused || store->next_file >= batch->files->len)
    {
      dimse_association_release_async (worker->assoc, NULL, on_released, worker);
      return;
    }
  worker->current = batch->files->pdata[store->next_file++];
  dimse_store_send_file_async (worker->assoc, worker->current->path, NULL, on_sent, worker);
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StoreWorker *worker = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  worker->assoc = dimse_association_request_finish (result, &error);
  if (worker->assoc == NULL)
    {
      /* With --parallel, each association says the same. */
      if (!worker->store->refused)
        cli_print_error ("store", error);
      worker->store->refused = TRUE;
      worker_done (worker);
      return;
    }
  if (worker->store->traffic != NULL)
    cli_traffic_watch (worker->store->traffic, worker->traffic_id, worker->assoc);
  send_next (worker);
}

static void
start_batch (Store *store)
{
  g_autoptr(DimseAssociationParams) params = NULL;
  StoreBatch *batch;
  guint n;

  if (store->batch >= store->batches->len)
    {
      g_main_loop_quit (store->loop);
      return;
    }
  batch = store->batches->pdata[store->batch];
  params = cli_common_options_build_params (&store->options, &store->peer);
  add_contexts (params, batch);
  store->next_file = 0;
  n = MIN ((guint) store->parallel, batch->files->len);
  store->n_active = n;
  for (guint i = 0; i < n; i++)
    {
      StoreWorker *worker = g_new0 (StoreWorker, 1);

      worker->store = store;
      worker->traffic_id = cli_common_request_async (&store->options, &store->peer, params,
                                                     store->traffic, on_associated, worker);
    }
}

/* ---- the command line ---- */

static gboolean
parse_arguments (Store *store, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER FILE|DIR…"));
  const GOptionEntry entries[] = {
    { "parallel", 'j', 0, G_OPTION_ARG_INT, &store->parallel,
      N_("Open N associations and spread the files across them (default 1)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context,
                                _("Sends the DICOM files given, and those in the folders given "
                                  "and their subfolders (as storescu +sd +r), to PEER "
                                  "(AET@host:port) in C-STORE requests.\nExit status: 0 all stored, 1 some stored with a "
                                  "warning, 2 some failed, 3 association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_common_options_add (&store->options, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_common_options_check (&store->options, error))
    return FALSE;
  if (store->parallel < 1 || store->parallel > 64)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--parallel must be 1 to 64, not %d."), store->parallel);
      return FALSE;
    }
  if (argc < 3)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Give PEER as AET@host:port and at least one FILE or DIR (see --help)."));
      return FALSE;
    }
  if (!cli_peer_parse (argv[1], &store->peer, error))
    return FALSE;
  store->peer_text = cli_peer_to_string (&store->peer);
  for (int i = 2; i < argc; i++)
    add_path (store, argv[i]);
  return TRUE;
}

static void
store_clear (Store *store)
{
  g_clear_pointer (&store->batches, g_ptr_array_unref);
  g_clear_pointer (&store->files, g_ptr_array_unref);
  g_clear_pointer (&store->traffic, cli_traffic_free);
  g_clear_pointer (&store->loop, g_main_loop_unref);
  g_clear_pointer (&store->peer_text, g_free);
  cli_peer_clear (&store->peer);
  cli_common_options_clear (&store->options);
}

static int
exit_status (const Store *store)
{
  if (store->refused)
    return CLI_EXIT_REFUSED;
  if (store->n_failed > 0)
    return CLI_EXIT_FAILURE;
  if (store->n_warning > 0)
    return CLI_EXIT_WARNING;
  return CLI_EXIT_SUCCESS;
}

static int
run (Store *store)
{
  if (store->files->len == 0)
    {
      g_printerr (_("dimse store: no DICOM file to send.\n"));
      return CLI_EXIT_FAILURE;
    }
  plan_batches (store);
  store->loop = g_main_loop_new (NULL, FALSE);
  store->show_progress = isatty (STDERR_FILENO);
  if (store->options.verbose)
    store->traffic = cli_traffic_new ();
  start_batch (store);
  g_main_loop_run (store->loop);
  clear_progress (store);
  /* Files never sent, after a refusal or an abort, count as failed. */
  if (store->n_done < store->files->len)
    store->n_failed += store->files->len - store->n_done;
  g_printerr (_("%u stored, %u warnings, %u failed\n"), store->n_stored, store->n_warning,
              store->n_failed);
  return exit_status (store);
}

int
cli_store_run (int argc, char **argv)
{
  Store store = { 0 };
  g_autoptr(GError) error = NULL;
  int status;

  g_set_prgname ("dimse store");
  cli_common_options_init (&store.options);
  store.parallel = 1;
  store.files = g_ptr_array_new_with_free_func ((GDestroyNotify) store_file_free);
  store.batches = g_ptr_array_new_with_free_func ((GDestroyNotify) store_batch_free);
  if (!parse_arguments (&store, argc, argv, &error))
    {
      cli_print_error ("store", error);
      store_clear (&store);
      return CLI_EXIT_FAILURE;
    }
  status = run (&store);
  store_clear (&store);
  return status;
}
