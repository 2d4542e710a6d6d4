/* dimse-archive.c — the embedded archive: its folder, index, node table
 * and acceptor policy, and the dispatch of each request to its service
 * (PS3.4 Annexes A, B, C) */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "dimse-archive-private.h"

#include "dcm-uid.h"
#include "dimse-echo.h"
#include "dimse-find.h"
#include "dimse-nservice-archive.h"
#include "dimse-store.h"

#define ARCHIVE_DEFAULT_AE_TITLE "DIMSEBENCH"

struct _DimseArchive
{
  GObject            parent_instance;
  char              *folder;
  char              *ae_title;
  DimseArchiveIndex *index;
  DimseStoreScp     *store;
  GHashTable        *nodes;               /* AE title → DimseArchiveNode* */
  GPtrArray         *calling_ae_titles;   /* char* */
  DimseAccessList   *access;              /* bindings and services of calling AEs */
  gboolean           accept_any;
  DimseTimeouts      timeouts;
  DimseRecorder     *recorder;            /* of the C-MOVE associations, or NULL */
  DimseTlsSettings  *move_tls;            /* of the C-MOVE associations, or NULL */
  DimseNProvider    *n_provider;          /* Storage Commitment and MPPS */
  DimseCommitmentScp *commitment;
  DimseArchiveWorklist *worklist;         /* Modality Worklist, or NULL */
};

G_DEFINE_FINAL_TYPE (DimseArchive, dimse_archive, G_TYPE_OBJECT)

enum {
  SIGNAL_INSTANCE_STORED,
  SIGNAL_SUB_OPERATION,
  SIGNAL_REQUEST,
  N_SIGNALS
};

static guint archive_signals[N_SIGNALS];

static const char *const query_retrieve_sop_classes[] = {
  DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
  DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
  DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
  DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND,
  DCM_UID_VERIFICATION,
};

static const char *const uncompressed_transfer_syntaxes[] = {
  DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_EXPLICIT_VR_BIG_ENDIAN,
  NULL
};

void
dimse_archive_node_free (DimseArchiveNode *node)
{
  if (node == NULL)
    return;
  g_free (node->ae_title);
  g_free (node->host);
  g_free (node);
}

static DimseArchiveNode *
node_new (const char *ae_title, const char *host, guint16 port)
{
  DimseArchiveNode *node = g_new0 (DimseArchiveNode, 1);

  node->ae_title = g_strdup (ae_title);
  node->host = g_strdup (host);
  node->port = port;
  return node;
}

static void
dimse_archive_finalize (GObject *object)
{
  DimseArchive *self = DIMSE_ARCHIVE (object);

  g_free (self->folder);
  g_free (self->ae_title);
  g_clear_object (&self->index);
  g_clear_object (&self->store);
  g_clear_object (&self->recorder);
  g_clear_pointer (&self->move_tls, dimse_tls_settings_free);
  g_clear_object (&self->n_provider);
  g_clear_object (&self->commitment);
  g_clear_object (&self->worklist);
  g_hash_table_unref (self->nodes);
  g_ptr_array_unref (self->calling_ae_titles);
  dimse_access_list_unref (self->access);
  G_OBJECT_CLASS (dimse_archive_parent_class)->finalize (object);
}

static void
dimse_archive_class_init (DimseArchiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dimse_archive_finalize;

  archive_signals[SIGNAL_INSTANCE_STORED] =
    g_signal_new ("instance-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  archive_signals[SIGNAL_SUB_OPERATION] =
    g_signal_new ("sub-operation", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT);
  archive_signals[SIGNAL_REQUEST] =
    g_signal_new ("request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, DIMSE_TYPE_ASSOCIATION, DIMSE_TYPE_MESSAGE, G_TYPE_UINT);
}

static void
dimse_archive_init (DimseArchive *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) dimse_archive_node_free);
  self->calling_ae_titles = g_ptr_array_new_with_free_func (g_free);
  self->access = dimse_access_list_new ();
  self->accept_any = TRUE;
  dimse_timeouts_init (&self->timeouts);
}

static void
on_instance_stored (DimseStoreScp *store, DimseAssociation *assoc, DimseMessage *request,
                    guint status, const char *path, const char *comment, gpointer user_data)
{
  DimseArchive *self = user_data;
  g_autoptr(GError) error = NULL;

  (void) store;
  (void) request;
  (void) status;
  (void) comment;
  if (path == NULL)
    return;
  if (!dimse_archive_index_add_file (self->index, path, &error))
    g_warning ("“%s”, stored for %s, is not in the archive's index: %s", path,
               dimse_archive_calling_ae_title (assoc), error->message);
  g_signal_emit (self, archive_signals[SIGNAL_INSTANCE_STORED], 0, path,
                 dimse_archive_calling_ae_title (assoc));
}

DimseArchive *
dimse_archive_new (const char *folder, const char *ae_title)
{
  DimseArchive *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (DIMSE_TYPE_ARCHIVE, NULL);
  self->folder = g_canonicalize_filename (folder, NULL);
  self->ae_title = g_strdup (ae_title != NULL ? ae_title : ARCHIVE_DEFAULT_AE_TITLE);
  /* A folder that cannot be made shows later: the scan fails, and each
   * C-STORE is answered with Out of Resources. */
  if (g_mkdir_with_parents (self->folder, 0755) != 0)
    g_debug ("Cannot create the archive folder “%s”: %s.", self->folder, g_strerror (errno));
  self->index = dimse_archive_index_new (self->folder);
  self->n_provider = dimse_n_archive_provider_new (self->index, &self->commitment);
  self->store = dimse_store_scp_new (self->folder);
  g_signal_connect_object (self->store, "instance-stored", G_CALLBACK (on_instance_stored),
                           self, 0);
  return self;
}

const char *
dimse_archive_get_folder (DimseArchive *archive)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);
  return archive->folder;
}

const char *
dimse_archive_get_ae_title (DimseArchive *archive)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);
  return archive->ae_title;
}

DimseArchiveIndex *
dimse_archive_get_index (DimseArchive *archive)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);
  return archive->index;
}

void
dimse_archive_set_timeouts (DimseArchive *archive, const DimseTimeouts *timeouts)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  if (timeouts != NULL)
    archive->timeouts = *timeouts;
  else
    dimse_timeouts_init (&archive->timeouts);
}

const DimseTimeouts *
dimse_archive_get_timeouts (DimseArchive *archive)
{
  return &archive->timeouts;
}

void
dimse_archive_set_recorder (DimseArchive *archive, DimseRecorder *recorder)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  g_return_if_fail (recorder == NULL || DIMSE_IS_RECORDER (recorder));
  g_set_object (&archive->recorder, recorder);
}

DimseRecorder *
dimse_archive_get_recorder (DimseArchive *archive)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);
  return archive->recorder;
}

void
dimse_archive_set_move_tls (DimseArchive *archive, const DimseTlsSettings *tls)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  g_clear_pointer (&archive->move_tls, dimse_tls_settings_free);
  archive->move_tls = dimse_tls_settings_copy (tls);
}

const DimseTlsSettings *
dimse_archive_get_move_tls (DimseArchive *archive)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);
  return archive->move_tls;
}

void
dimse_archive_set_worklist (DimseArchive *archive, DimseArchiveWorklist *worklist)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  g_return_if_fail (worklist == NULL || DIMSE_IS_ARCHIVE_WORKLIST (worklist));
  g_set_object (&archive->worklist, worklist);
}

void
dimse_archive_set_worklist_dir (DimseArchive *archive, const char *folder)
{
  g_autoptr(DimseArchiveWorklist) worklist = NULL;

  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  if (folder != NULL)
    worklist = dimse_archive_worklist_new_for_folder (folder);
  dimse_archive_set_worklist (archive, worklist);
}

DimseArchiveWorklist *
dimse_archive_get_worklist (DimseArchive *archive)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);
  return archive->worklist;
}

/* ---- opening: the scan ---- */

static void
scan_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DimseArchive *self = source;
  GError *error = NULL;
  guint n_skipped = 0;

  (void) task_data;
  if (!dimse_archive_index_scan (self->index, &n_skipped, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (n_skipped > 0)
    g_debug ("%u files under “%s” are not in the archive's index: they did not read as "
             "Part 10 files with the UIDs it needs.", n_skipped, self->folder);
  if (self->worklist != NULL
      && !dimse_archive_worklist_refresh (self->worklist, NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
dimse_archive_open_async (DimseArchive *archive, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));

  task = g_task_new (archive, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_archive_open_async);
  g_task_run_in_thread (task, scan_thread);
}

gboolean
dimse_archive_open_finish (DimseArchive *archive, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, archive), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- who may talk to it ---- */

void
dimse_archive_add_node (DimseArchive *archive, const char *ae_title, const char *host,
                        guint16 port)
{
  DimseArchiveNode *node;

  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  g_return_if_fail (ae_title != NULL && host != NULL);

  node = node_new (ae_title, host, port);
  g_hash_table_replace (archive->nodes, node->ae_title, node);
  /* Storage commitment results may go back on a new association. */
  dimse_commitment_scp_add_node (archive->commitment, ae_title, host, port);
}

void
dimse_archive_remove_node (DimseArchive *archive, const char *ae_title)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  g_hash_table_remove (archive->nodes, ae_title);
}

DimseArchiveNode *
dimse_archive_dup_node (DimseArchive *archive, const char *ae_title)
{
  const DimseArchiveNode *node = ae_title != NULL ? g_hash_table_lookup (archive->nodes,
                                                                          ae_title)
                                                  : NULL;

  return node != NULL ? node_new (node->ae_title, node->host, node->port) : NULL;
}

void
dimse_archive_add_calling_ae_title (DimseArchive *archive, const char *ae_title)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  g_return_if_fail (ae_title != NULL);

  g_ptr_array_add (archive->calling_ae_titles, g_strdup (ae_title));
  archive->accept_any = FALSE;
}

gboolean
dimse_archive_add_peer (DimseArchive *archive, const char *calling_ae_title, const char *address,
                        DimseArchiveServices services, GError **error)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), FALSE);
  g_return_val_if_fail (calling_ae_title != NULL, FALSE);
  if (!dimse_access_list_add (archive->access, calling_ae_title, address, services, error))
    return FALSE;
  dimse_archive_add_calling_ae_title (archive, calling_ae_title);
  return TRUE;
}

gboolean
dimse_archive_add_peer_entry (DimseArchive *archive, const char *entry, GError **error)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);
  /* Its AE title reaches the policy from the list (dimse_archive_new_policy). */
  if (!dimse_access_list_add_entry (archive->access, entry, DIMSE_ARCHIVE_SERVICE_ALL, error))
    return FALSE;
  archive->accept_any = FALSE;
  return TRUE;
}

gboolean
dimse_archive_services_parse (const char *text, DimseArchiveServices *out, GError **error)
{
  return dimse_access_services_parse (text, out, error);
}

void
dimse_archive_set_accept_any (DimseArchive *archive, gboolean accept_any)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  archive->accept_any = accept_any;
}

/* Uncompressed first; then every other transfer syntax of the registry,
 * since a stored data set is written as it arrives. */
static GPtrArray *
storage_transfer_syntaxes (void)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; uncompressed_transfer_syntaxes[i] != NULL; i++)
    g_ptr_array_add (list, (gpointer) uncompressed_transfer_syntaxes[i]);
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);

      if (entry->type == DCM_UID_TYPE_TRANSFER_SYNTAX
          && dcm_transfer_syntax_lookup (entry->uid) != NULL
          && !g_strv_contains (uncompressed_transfer_syntaxes, entry->uid))
        g_ptr_array_add (list, (gpointer) entry->uid);
    }
  g_ptr_array_add (list, NULL);
  return list;
}

/* PS3.4 §C.5.1: of the C-FIND options, the archive performs relational
 * queries, combined date-time matching and fuzzy semantic matching of
 * person names, not timezone adjustment. The Modality Worklist's field
 * (§K.5.1) has the same layout, its first two bytes reserved and always 1;
 * we take the second, once the date-time matching byte, as asking for the
 * Scheduled Procedure Step Start Date and Time to be matched as one.
 * C-MOVE and C-GET (§C.5.2, §C.5.3) get no answer: their retrievals stay
 * hierarchical. */
static GBytes *
answer_extended_negotiation (const char *sop_class_uid, GBytes *proposed, gpointer user_data)
{
  (void) user_data;
  if (g_strcmp0 (sop_class_uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND) != 0
      && g_strcmp0 (sop_class_uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND) != 0
      && g_strcmp0 (sop_class_uid, DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND) != 0)
    return NULL;
  return dimse_find_options_answer (proposed, DIMSE_FIND_OPTION_RELATIONAL
                                              | DIMSE_FIND_OPTION_COMBINED_DATETIME
                                              | DIMSE_FIND_OPTION_FUZZY_PN);
}

DimseAcceptorPolicy *
dimse_archive_new_policy (DimseArchive *archive)
{
  DimseAcceptorPolicy *policy;
  g_autoptr(GPtrArray) syntaxes = storage_transfer_syntaxes ();

  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);

  policy = dimse_acceptor_policy_new (archive->ae_title);
  dimse_acceptor_policy_set_transfer_syntaxes (policy, NULL,
                                               (const char *const *) syntaxes->pdata);
  /* PS3.4 §C.4.3.1: a C-GET SCP is the SCU of the C-STORE sub-operations. */
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *entry = dcm_uid_nth_entry (i);

      if (entry->storage)
        dimse_acceptor_policy_add_sop_class (policy, entry->uid, DIMSE_ROLE_BOTH);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (query_retrieve_sop_classes); i++)
    {
      dimse_acceptor_policy_add_sop_class (policy, query_retrieve_sop_classes[i],
                                           DIMSE_ROLE_SCP);
      dimse_acceptor_policy_set_transfer_syntaxes (policy, query_retrieve_sop_classes[i],
                                                   uncompressed_transfer_syntaxes);
    }
  dimse_n_archive_add_to_policy (policy);
  dimse_acceptor_policy_set_async_window (policy, ARCHIVE_MAX_SUB_OPERATIONS_INVOKED,
                                          ARCHIVE_MAX_OPERATIONS_PERFORMED);
  dimse_acceptor_policy_set_extended_negotiation_func (policy, answer_extended_negotiation,
                                                       NULL, NULL);
  if (!archive->accept_any)
    {
      for (guint i = 0; i < archive->calling_ae_titles->len; i++)
        dimse_acceptor_policy_add_calling_ae_title (policy,
                                                    archive->calling_ae_titles->pdata[i]);
      dimse_access_list_add_to_policy (archive->access, policy);
    }
  return policy;
}

/* ---- the requests ---- */

void
dimse_archive_emit_request (DimseArchive *archive, DimseAssociation *assoc,
                            DimseMessage *request, guint status)
{
  g_signal_emit (archive, archive_signals[SIGNAL_REQUEST], 0, assoc, request, status);
}

void
dimse_archive_emit_sub_operation (DimseArchive *archive, const char *destination_ae_title,
                                  const char *sop_instance_uid, guint status)
{
  g_signal_emit (archive, archive_signals[SIGNAL_SUB_OPERATION], 0, destination_ae_title,
                 sop_instance_uid, status);
}

static void
on_unserved_response_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) user_data;
  dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, NULL);
}

static void
on_request_received (DimseAssociation *assoc, guint8 pc_id, DimseMessage *msg,
                     GFile *data_set_file, gpointer user_data)
{
  DimseArchive *self = user_data;
  g_autoptr(DimseMessage) rsp = NULL;
  DimseCommandField field = dimse_message_get_command_field (msg);
  DimseArchiveServices service = dimse_access_service_of_command (field);

  if (service != 0
      && (dimse_access_list_lookup_association (self->access, assoc, NULL) & service) == 0)
    {
      dimse_access_refuse_request (assoc, pc_id, msg);
      if (data_set_file != NULL)
        g_file_delete (data_set_file, NULL, NULL);
      return;
    }
  switch (field)
    {
    case DIMSE_C_ECHO_RQ:
    case DIMSE_C_STORE_RQ:
    case DIMSE_C_CANCEL_RQ:
      return;   /* the Verification and Storage SCPs' */
    case DIMSE_N_EVENT_REPORT_RQ:
    case DIMSE_N_GET_RQ:
    case DIMSE_N_SET_RQ:
    case DIMSE_N_ACTION_RQ:
    case DIMSE_N_CREATE_RQ:
    case DIMSE_N_DELETE_RQ:
      return;   /* the DIMSE-N provider's */
    case DIMSE_C_FIND_RQ:
      dimse_archive_handle_find (self, assoc, pc_id, msg);
      break;
    case DIMSE_C_MOVE_RQ:
      dimse_archive_handle_move (self, assoc, pc_id, msg);
      break;
    case DIMSE_C_GET_RQ:
      dimse_archive_handle_get (self, assoc, pc_id, msg);
      break;
    default:
      /* PS3.7 Annex C: e.g. an N- service on a storage context */
      rsp = dimse_archive_new_response (msg, ARCHIVE_STATUS_UNRECOGNIZED_OPERATION, NULL);
      dimse_association_send_message_async (assoc, pc_id, rsp, NULL, on_unserved_response_sent,
                                            NULL);
      break;
    }
  if (data_set_file != NULL)
    g_file_delete (data_set_file, NULL, NULL);
}

void
dimse_archive_attach (DimseArchive *archive, DimseAssociation *assoc)
{
  g_autofree char *why = NULL;
  DimseArchiveServices services;

  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  g_return_if_fail (DIMSE_IS_ASSOCIATION (assoc));

  /* The server of dimse_archive_serve has rejected such an -RQ already. */
  services = dimse_access_list_lookup_association (archive->access, assoc, &why);
  if (services == 0)
    {
      g_message ("%s", why);
      dimse_association_abort (assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                               DIMSE_ABORT_REASON_NOT_SPECIFIED);
      return;
    }
  /* Refused requests are answered by on_request_received instead. */
  if (services & DIMSE_ARCHIVE_SERVICE_ECHO)
    dimse_echo_scp_attach (assoc);
  if (services & DIMSE_ARCHIVE_SERVICE_STORE)
    dimse_store_scp_attach (archive->store, assoc);
  dimse_n_provider_attach (archive->n_provider, assoc);
  g_signal_connect_object (assoc, "request-received", G_CALLBACK (on_request_received),
                           archive, 0);
}

guint
dimse_archive_get_n_pending (DimseArchive *archive)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), 0);
  return dimse_store_scp_get_n_pending (archive->store);
}

void
dimse_archive_discard_incomplete (DimseArchive *archive)
{
  g_return_if_fail (DIMSE_IS_ARCHIVE (archive));
  dimse_store_scp_discard_incomplete (archive->store);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  (void) server;
  dimse_archive_attach (DIMSE_ARCHIVE (user_data), assoc);
}

DimseServer *
dimse_archive_serve (DimseArchive *archive, const char *address, guint16 port, GError **error)
{
  g_autoptr(DimseServer) server = NULL;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE (archive), NULL);

  server = dimse_server_new (dimse_archive_new_policy (archive), &archive->timeouts);
  g_signal_connect_object (server, "association-started", G_CALLBACK (on_association_started),
                           archive, 0);
  dimse_access_list_install (archive->access, server);
  if (!dimse_server_listen (server, address, port, error))
    return NULL;
  return g_steal_pointer (&server);
}
