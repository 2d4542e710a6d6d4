/* dimse-archive-retrieve.c — the archive's C-MOVE and C-GET SCPs (PS3.4
 * §C.4.2.2, §C.4.3.2; PS3.7 §9.1.3, §9.1.4): the instances the identifier
 * selects sent in C-STORE sub-operations, to the destination's own
 * association (C-MOVE) or back on the requestor's (C-GET), with the
 * sub-operation counts in pending responses and C-CANCEL */
#include "config.h"

#include "dimse-archive-private.h"

#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-status.h"
#include "dimse-store.h"

typedef struct {
  DimseArchive     *archive;
  DimseAssociation *assoc;          /* the requestor's */
  DimseMessage     *request;
  guint8            pc_id;
  DimseCommandField command;        /* DIMSE_C_MOVE_RQ or DIMSE_C_GET_RQ */
  guint16           message_id;
  DimseQrModel      model;
  DcmDataSet       *identifier;
  GCancellable     *cancellable;    /* the request's: C-CANCEL-RQ cancels it */
  DimseArchiveNode *destination;    /* C-MOVE */
  char             *destination_ae_title;  /* the destination, or the C-GET requestor */
  DimseAssociation *store_assoc;    /* where the C-STOREs go */
  GPtrArray        *instances;      /* DimseArchiveInstance* */
  guint             next;           /* the next instance to send */
  guint             window;         /* C-STOREs outstanding at most */
  guint             n_outstanding;
  guint             n_completed;
  guint             n_failed;
  guint             n_warning;
  GPtrArray        *failed_uids;    /* char* */
  gboolean          response_in_flight;
  gboolean          counts_changed;
  gboolean          done;           /* waiting for the response in flight to send the final */
} RetrieveOp;

static void
retrieve_op_free (RetrieveOp *op)
{
  g_object_unref (op->archive);
  g_object_unref (op->assoc);
  dimse_message_unref (op->request);
  g_clear_pointer (&op->identifier, dcm_data_set_unref);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->destination, dimse_archive_node_free);
  g_free (op->destination_ae_title);
  g_clear_object (&op->store_assoc);
  g_clear_pointer (&op->instances, g_ptr_array_unref);
  g_ptr_array_unref (op->failed_uids);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetrieveOp, retrieve_op_free)

static const char *
service_name (RetrieveOp *op)
{
  return op->command == DIMSE_C_MOVE_RQ ? "C-MOVE" : "C-GET";
}

static guint
n_remaining (RetrieveOp *op)
{
  return op->instances != NULL ? op->instances->len - op->next + op->n_outstanding : 0;
}

/* PS3.7 §9.3.3.2, §9.3.4.2: the counts are US, so a retrieve of more than
 * 65535 instances reports at most that many. */
static void
set_count (DimseMessage *rsp, guint32 tag, guint value)
{
  dimse_message_set_us (rsp, tag, (guint16) MIN (value, G_MAXUINT16));
}

static void
set_counts (RetrieveOp *op, DimseMessage *rsp, gboolean with_remaining)
{
  if (with_remaining)
    set_count (rsp, DCM_TAG_NUMBER_OF_REMAINING_SUBOPERATIONS, n_remaining (op));
  set_count (rsp, DCM_TAG_NUMBER_OF_COMPLETED_SUBOPERATIONS, op->n_completed);
  set_count (rsp, DCM_TAG_NUMBER_OF_FAILED_SUBOPERATIONS, op->n_failed);
  set_count (rsp, DCM_TAG_NUMBER_OF_WARNING_SUBOPERATIONS, op->n_warning);
}

/* A refusal before any sub-operation: no counts. */
static void
refuse (RetrieveOp *op, guint16 status, const char *comment)
{
  g_autoptr(DimseMessage) rsp = dimse_archive_new_response (op->request, status, comment);

  dimse_archive_send_final (op->archive, op->assoc, op->pc_id, op->request, rsp);
  retrieve_op_free (op);
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  (void) user_data;
  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("The C-MOVE sub-operations' association with %s did not end in a release: %s",
             dimse_association_get_peer_name (DIMSE_ASSOCIATION (source)), error->message);
}

/* PS3.4 §C.4.2.1.5, §C.4.3.1.4: Cancel with the counts so far; success
 * when every sub-operation completed; B000 when some failed or warned;
 * A702 when none completed. The Failed SOP Instance UID List goes in the
 * data set whenever one failed. */
static guint16
final_status (RetrieveOp *op)
{
  if (g_cancellable_is_cancelled (op->cancellable) && n_remaining (op) > 0)
    return ARCHIVE_STATUS_CANCEL;
  if (op->n_failed == 0 && op->n_warning == 0)
    return ARCHIVE_STATUS_SUCCESS;
  if (op->n_completed == 0 && op->n_warning == 0)
    return ARCHIVE_STATUS_SUB_OPERATIONS_FAILED;
  return ARCHIVE_STATUS_SUB_OPERATIONS_WARNING;
}

static void
send_final (RetrieveOp *op)
{
  guint16 status = final_status (op);
  g_autoptr(DimseMessage) rsp = dimse_message_new_response (op->request, status);

  set_counts (op, rsp, status == ARCHIVE_STATUS_CANCEL);
  if (op->failed_uids->len > 0)
    {
      g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (op->failed_uids, NULL);
      if (dcm_data_set_set_strings (ds, DCM_TAG_FAILED_SOP_INSTANCE_UID_LIST, DCM_VR_NONE,
                                    (const char *const *) op->failed_uids->pdata, &error))
        dimse_message_set_data_set (rsp, ds);
      else
        g_debug ("The Failed SOP Instance UID List is left out: %s", error->message);
      g_ptr_array_remove_index (op->failed_uids, op->failed_uids->len - 1);
    }
  dimse_archive_send_final (op->archive, op->assoc, op->pc_id, op->request, rsp);
  if (op->store_assoc != NULL && op->store_assoc != op->assoc
      && dimse_association_is_established (op->store_assoc))
    dimse_association_release_async (op->store_assoc, NULL, on_released, NULL);
  retrieve_op_free (op);
}

static void send_pending (RetrieveOp *op);

static void
on_pending_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveOp *op = user_data;
  g_autoptr(GError) error = NULL;

  op->response_in_flight = FALSE;
  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    {
      /* The requestor is gone: no more sub-operations for it. */
      g_debug ("A %s-RSP to %s was not sent: %s", service_name (op),
               dimse_association_get_peer_name (op->assoc), error->message);
      g_cancellable_cancel (op->cancellable);
    }
  if (op->done)
    send_final (op);
  else if (op->counts_changed)
    send_pending (op);
}

/* PS3.4 §C.4.2.2.1: a pending response after sub-operations; those that end
 * while one is being sent are reported together in the next. */
static void
send_pending (RetrieveOp *op)
{
  g_autoptr(DimseMessage) rsp = NULL;

  if (op->response_in_flight || n_remaining (op) == 0)
    return;
  rsp = dimse_message_new_response (op->request, ARCHIVE_STATUS_PENDING);
  set_counts (op, rsp, TRUE);
  op->counts_changed = FALSE;
  op->response_in_flight = TRUE;
  dimse_association_send_message_async (op->assoc, op->pc_id, rsp, NULL, on_pending_sent, op);
}

static void pump (RetrieveOp *op);

typedef struct {
  RetrieveOp           *op;
  DimseArchiveInstance *instance;   /* owned by op->instances */
} SubOperation;

static void
count_sub_operation (RetrieveOp *op, const DimseArchiveInstance *instance, guint16 status,
                     const GError *error)
{
  if (error != NULL)
    g_debug ("%s sub-operation for %s to %s failed: %s", service_name (op),
             instance->sop_instance_uid, op->destination_ae_title, error->message);
  if (error == NULL && dimse_status_class (status) == DIMSE_STATUS_SUCCESS)
    op->n_completed++;
  else if (error == NULL && dimse_status_class (status) == DIMSE_STATUS_WARNING)
    op->n_warning++;
  else
    {
      op->n_failed++;
      g_ptr_array_add (op->failed_uids, g_strdup (instance->sop_instance_uid));
    }
  op->counts_changed = TRUE;
  dimse_archive_emit_sub_operation (op->archive, op->destination_ae_title,
                                    instance->sop_instance_uid,
                                    error != NULL ? ARCHIVE_STATUS_UNABLE_TO_PROCESS : status);
}

static void
on_sub_operation_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SubOperation *sub = user_data;
  RetrieveOp *op = sub->op;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  dimse_store_send_file_finish (DIMSE_ASSOCIATION (source), result, &status, NULL, &error);
  op->n_outstanding--;
  count_sub_operation (op, sub->instance, status, error);
  g_free (sub);
  pump (op);
}

static void
start_sub_operation (RetrieveOp *op, DimseArchiveInstance *instance)
{
  SubOperation *sub = g_new0 (SubOperation, 1);
  const char *originator = NULL;

  sub->op = op;
  sub->instance = instance;
  op->n_outstanding++;
  /* PS3.7 §9.3.1.1: a C-MOVE's C-STOREs name whom they are for. */
  if (op->command == DIMSE_C_MOVE_RQ)
    originator = dimse_archive_calling_ae_title (op->assoc);
  dimse_store_send_file_for_move_async (op->store_assoc, instance->path, originator,
                                        op->message_id, NULL, on_sub_operation_done, sub);
}

/* Keeps the window full until every instance is sent or the C-CANCEL-RQ
 * came (the C-STOREs under way are answered first), then the final
 * response once the pending one in flight is out. */
static void
pump (RetrieveOp *op)
{
  while (!g_cancellable_is_cancelled (op->cancellable) && op->next < op->instances->len
         && (op->window == 0 || op->n_outstanding < op->window))
    start_sub_operation (op, op->instances->pdata[op->next++]);
  if (op->n_outstanding > 0
      || (op->next < op->instances->len && !g_cancellable_is_cancelled (op->cancellable)))
    {
      send_pending (op);
      return;
    }
  op->done = TRUE;
  if (!op->response_in_flight)
    send_final (op);
}

/* Every instance left fails; used when no association carries them. */
static void
fail_all (RetrieveOp *op, const char *why)
{
  g_debug ("%s for %s: %s", service_name (op), dimse_archive_calling_ae_title (op->assoc), why);
  for (; op->next < op->instances->len; op->next++)
    {
      DimseArchiveInstance *instance = op->instances->pdata[op->next];

      op->n_failed++;
      g_ptr_array_add (op->failed_uids, g_strdup (instance->sop_instance_uid));
      dimse_archive_emit_sub_operation (op->archive, op->destination_ae_title,
                                        instance->sop_instance_uid,
                                        ARCHIVE_STATUS_UNABLE_TO_PROCESS);
    }
  pump (op);
}

static void
start_sub_operations (RetrieveOp *op)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (op->store_assoc);

  /* PS3.7 §D.3.3.3: 0 is unlimited; we keep to our own bound. */
  op->window = negotiation != NULL ? negotiation->max_operations_invoked : 1;
  if (op->window == 0 || op->window > ARCHIVE_MAX_SUB_OPERATIONS_INVOKED)
    op->window = ARCHIVE_MAX_SUB_OPERATIONS_INVOKED;
  pump (op);
}

/* ---- C-MOVE: the association to the destination ---- */

/* PS3.4 §C.4.2.2.2: a context per SOP class and transfer syntax of the
 * instances, so each goes as it is stored; and one more per SOP class
 * with the uncompressed syntaxes, for a destination that takes another
 * than the file's. Beyond 128 contexts the rest go without (and fail). */
static DimseAssociationParams *
build_move_params (RetrieveOp *op)
{
  static const char *const uncompressed[] = {
    DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, NULL
  };
  DimseAssociationParams *params =
    dimse_association_params_new (dimse_archive_get_ae_title (op->archive),
                                  op->destination->ae_title);
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) classes = g_hash_table_new (g_str_hash, g_str_equal);

  params->max_operations_invoked = ARCHIVE_MAX_SUB_OPERATIONS_INVOKED;
  params->max_operations_performed = 1;
  for (guint i = 0; i < op->instances->len; i++)
    {
      DimseArchiveInstance *instance = op->instances->pdata[i];
      char *pair = g_strconcat (instance->sop_class_uid, " ", instance->transfer_syntax_uid,
                                NULL);
      const char *syntaxes[] = { instance->transfer_syntax_uid, NULL };

      if (params->contexts->len >= DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS
          || !g_hash_table_add (pairs, pair))
        continue;
      dimse_association_params_add_context (params, instance->sop_class_uid, syntaxes,
                                            DIMSE_ROLE_DEFAULT);
    }
  for (guint i = 0; i < op->instances->len; i++)
    {
      DimseArchiveInstance *instance = op->instances->pdata[i];
      const DcmTransferSyntax *ts = dcm_transfer_syntax_lookup (instance->transfer_syntax_uid);

      if (params->contexts->len >= DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS
          || ts == NULL || !dcm_transfer_syntax_is_uncompressed (ts)
          || !g_hash_table_add (classes, instance->sop_class_uid))
        continue;
      dimse_association_params_add_context (params, instance->sop_class_uid, uncompressed,
                                            DIMSE_ROLE_DEFAULT);
    }
  return params;
}

static void
on_destination_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveOp *op = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  op->store_assoc = dimse_association_request_finish (result, &error);
  if (op->store_assoc == NULL)
    {
      g_autofree char *why = g_strdup_printf ("No association with %s at %s:%u: %s",
                                              op->destination->ae_title,
                                              op->destination->host, op->destination->port,
                                              error->message);
      fail_all (op, why);
      return;
    }
  start_sub_operations (op);
}

static void
connect_destination (RetrieveOp *op)
{
  g_autoptr(DimseAssociationParams) params = build_move_params (op);

  dimse_association_request_full_async (params, op->destination->host, op->destination->port,
                                        dimse_archive_get_timeouts (op->archive),
                                        dimse_archive_get_move_tls (op->archive),
                                        dimse_archive_get_recorder (op->archive), NULL,
                                        on_destination_associated, op);
}

/* ---- the request ---- */

static void
select_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RetrieveOp *op = task_data;
  GError *error = NULL;
  GPtrArray *instances;

  (void) source;
  (void) cancellable;
  instances = dimse_archive_index_select (dimse_archive_get_index (op->archive), op->model,
                                          op->identifier, &error);
  if (instances == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, instances, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_selected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RetrieveOp *op = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  op->instances = g_task_propagate_pointer (G_TASK (result), &error);
  if (op->instances == NULL)
    {
      /* PS3.4 Tables C.4-2, C.4-3 */
      refuse (op, g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID)
                  ? ARCHIVE_STATUS_IDENTIFIER_MISMATCH : ARCHIVE_STATUS_UNABLE_TO_PROCESS,
              error->message);
      return;
    }
  if (op->instances->len == 0 || g_cancellable_is_cancelled (op->cancellable))
    {
      op->done = TRUE;
      send_final (op);
    }
  else if (op->command == DIMSE_C_MOVE_RQ)
    connect_destination (op);
  else
    {
      op->store_assoc = g_object_ref (op->assoc);
      start_sub_operations (op);
    }
}

static RetrieveOp *
retrieve_op_new (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                 DimseMessage *request)
{
  RetrieveOp *op = g_new0 (RetrieveOp, 1);

  op->archive = g_object_ref (archive);
  op->assoc = g_object_ref (assoc);
  op->request = dimse_message_ref (request);
  op->pc_id = pc_id;
  op->command = dimse_message_get_command_field (request);
  op->failed_uids = g_ptr_array_new_with_free_func (g_free);
  dimse_message_get_us (request, DCM_TAG_MESSAGE_ID, &op->message_id);
  op->cancellable = dimse_association_get_request_cancellable (assoc, op->message_id);
  if (op->cancellable == NULL)
    op->cancellable = g_cancellable_new ();
  return op;
}

/* The checks both services share: 0 when the request can go on,
 * otherwise the status to refuse it with and *comment the reason. */
static guint16
check_request (RetrieveOp *op, const char *model_sop_class_a, const char *model_sop_class_b,
               char **comment)
{
  g_autofree char *sop_class = dimse_message_dup_string (op->request,
                                                         DCM_TAG_AFFECTED_SOP_CLASS_UID);
  g_autoptr(GError) error = NULL;

  if ((g_strcmp0 (sop_class, model_sop_class_a) != 0
       && g_strcmp0 (sop_class, model_sop_class_b) != 0)
      || !dimse_qr_model_from_sop_class (sop_class, &op->model))
    {
      *comment = g_strdup_printf ("%s of %s is not served here.", service_name (op),
                                  dcm_uid_name (sop_class));
      return ARCHIVE_STATUS_SOP_CLASS_NOT_SUPPORTED;
    }
  op->identifier = dimse_archive_parse_identifier (op->request, &error);
  if (op->identifier == NULL)
    {
      *comment = g_strdup (error->message);
      return ARCHIVE_STATUS_IDENTIFIER_MISMATCH;
    }
  return 0;
}

static void
select_instances (RetrieveOp *op)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_selected, op);

  g_task_set_source_tag (task, select_instances);
  g_task_set_task_data (task, op, NULL);
  g_task_run_in_thread (task, select_thread);
}

void
dimse_archive_handle_move (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                           DimseMessage *request)
{
  g_autoptr(RetrieveOp) op = retrieve_op_new (archive, assoc, pc_id, request);
  g_autofree char *destination = dimse_message_dup_string (request, DCM_TAG_MOVE_DESTINATION);
  g_autofree char *comment = NULL;
  guint16 status;

  status = check_request (op, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
                          DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE, &comment);
  if (status != 0)
    {
      refuse (g_steal_pointer (&op), status, comment);
      return;
    }
  /* PS3.4 §C.4.2.1.5: the destination from our node table, or A801. */
  op->destination = dimse_archive_dup_node (archive, destination);
  if (op->destination == NULL)
    {
      comment = g_strdup_printf ("No node is known as %s.",
                                 destination != NULL ? destination : "?");
      refuse (g_steal_pointer (&op), ARCHIVE_STATUS_DESTINATION_UNKNOWN, comment);
      return;
    }
  op->destination_ae_title = g_strdup (op->destination->ae_title);
  select_instances (g_steal_pointer (&op));
}

void
dimse_archive_handle_get (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                          DimseMessage *request)
{
  g_autoptr(RetrieveOp) op = retrieve_op_new (archive, assoc, pc_id, request);
  g_autofree char *comment = NULL;
  guint16 status;

  status = check_request (op, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
                          DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET, &comment);
  if (status != 0)
    {
      refuse (g_steal_pointer (&op), status, comment);
      return;
    }
  op->destination_ae_title = g_strdup (dimse_archive_calling_ae_title (assoc));
  select_instances (g_steal_pointer (&op));
}
