/* dimse-archive-find.c — the archive's C-FIND SCP (PS3.4 §C.4.1.2,
 * §K.4.1.2, PS3.7 §9.1.2): the matches from the index or the worklist,
 * one pending response each, until the last or a C-CANCEL */
#include "config.h"

#include "dimse-archive-private.h"

#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-find.h"

typedef struct {
  DimseArchive     *archive;
  DimseAssociation *assoc;
  DimseMessage     *request;
  guint8            pc_id;
  DimseQrModel      model;
  DimseArchiveWorklist *worklist;  /* a Modality Worklist query: its items, or NULL */
  gboolean          is_worklist;
  DimseQrFindFlags  flags;
  DcmDataSet       *identifier;
  GCancellable     *cancellable;   /* the request's: C-CANCEL-RQ cancels it */
  GPtrArray        *matches;       /* DcmDataSet* */
  guint             next;
} FindOp;

static void
find_op_free (FindOp *op)
{
  g_object_unref (op->archive);
  g_object_unref (op->assoc);
  dimse_message_unref (op->request);
  g_clear_pointer (&op->identifier, dcm_data_set_unref);
  g_clear_object (&op->worklist);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->matches, g_ptr_array_unref);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FindOp, find_op_free)

static void
finish (FindOp *op, guint16 status, const char *comment)
{
  g_autoptr(DimseMessage) rsp = dimse_archive_new_response (op->request, status, comment);

  dimse_archive_send_final (op->archive, op->assoc, op->pc_id, op->request, rsp);
  find_op_free (op);
}

static void send_next (FindOp *op);

static void
on_pending_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FindOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!dimse_association_send_message_finish (DIMSE_ASSOCIATION (source), result, &error))
    {
      g_debug ("A C-FIND-RSP to %s was not sent, so the query ends: %s",
               dimse_association_get_peer_name (op->assoc), error->message);
      find_op_free (op);
      return;
    }
  send_next (op);
}

/* PS3.4 §C.4.1.1.3.2: where the identifier asked for Retrieve AE Title,
 * the AE that C-MOVE and C-GET reach it at, which is ours. */
static DcmDataSet *
fill_in (FindOp *op, DcmDataSet *match)
{
  if (dcm_data_set_contains (match, DCM_TAG_RETRIEVE_AE_TITLE))
    dcm_data_set_set_string (match, DCM_TAG_RETRIEVE_AE_TITLE, DCM_VR_AE,
                             dimse_archive_get_ae_title (op->archive), NULL);
  return match;
}

/* PS3.4 §C.4.1.2.3: one pending response per match, each awaited so that a
 * slow peer holds the rest back; a C-CANCEL-RQ ends the matching with
 * Cancel (FE00) and no identifier. */
static void
send_next (FindOp *op)
{
  g_autoptr(DimseMessage) rsp = NULL;

  if (g_cancellable_is_cancelled (op->cancellable))
    {
      finish (op, ARCHIVE_STATUS_CANCEL, NULL);
      return;
    }
  if (op->next == op->matches->len)
    {
      finish (op, ARCHIVE_STATUS_SUCCESS, NULL);
      return;
    }
  rsp = dimse_message_new_response (op->request, ARCHIVE_STATUS_PENDING);
  dimse_message_set_data_set (rsp, fill_in (op, op->matches->pdata[op->next++]));
  dimse_association_send_message_async (op->assoc, op->pc_id, rsp, NULL, on_pending_sent, op);
}

/* The worklist's matching (PS3.4 §K.5.1) of the association's options as
 * find_flags reads them. */
static DimseMatchFlags
worklist_match_flags (DimseQrFindFlags flags)
{
  return ((flags & DIMSE_QR_FIND_FUZZY_PN) ? DIMSE_MATCH_FUZZY_PN : DIMSE_MATCH_DEFAULT)
         | ((flags & DIMSE_QR_FIND_COMBINED_DATETIME) ? DIMSE_MATCH_COMBINED_DATETIME
                                                      : DIMSE_MATCH_DEFAULT);
}

static void
find_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  FindOp *op = task_data;
  GError *error = NULL;
  GPtrArray *matches;

  (void) source;
  if (op->is_worklist)
    matches = op->worklist != NULL
              ? dimse_archive_worklist_find_full (op->worklist, op->identifier,
                                                  worklist_match_flags (op->flags), 0,
                                                  cancellable, &error)
              : g_ptr_array_new ();
  else
    matches = dimse_archive_index_find_full (dimse_archive_get_index (op->archive), op->model,
                                           op->identifier, op->flags, 0, cancellable, &error);
  if (matches == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, matches, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FindOp *op = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  op->matches = g_task_propagate_pointer (G_TASK (result), &error);
  if (op->matches != NULL)
    send_next (op);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish (op, ARCHIVE_STATUS_CANCEL, NULL);
  /* PS3.4 Table C.4-1: an identifier the model cannot match, or a failure
   * of our own. */
  else if (g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID))
    finish (op, ARCHIVE_STATUS_IDENTIFIER_MISMATCH, error->message);
  else
    finish (op, ARCHIVE_STATUS_UNABLE_TO_PROCESS, error->message);
}

/* PS3.4 §C.5.1: the matching the association agreed beyond hierarchical
 * search. */
static DimseQrFindFlags
find_flags (DimseFindOptions agreed)
{
  DimseQrFindFlags flags = DIMSE_QR_FIND_HIERARCHICAL;

  if (agreed & DIMSE_FIND_OPTION_RELATIONAL)
    flags |= DIMSE_QR_FIND_RELATIONAL;
  if (agreed & DIMSE_FIND_OPTION_COMBINED_DATETIME)
    flags |= DIMSE_QR_FIND_COMBINED_DATETIME;
  if (agreed & DIMSE_FIND_OPTION_FUZZY_PN)
    flags |= DIMSE_QR_FIND_FUZZY_PN;
  return flags;
}

static gboolean
is_worklist (const char *sop_class)
{
  return g_strcmp0 (sop_class, DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND) == 0;
}

static gboolean
is_query_retrieve_find (const char *sop_class, DimseQrModel *out_model)
{
  return (g_strcmp0 (sop_class, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND) == 0
          || g_strcmp0 (sop_class, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND) == 0)
         && dimse_qr_model_from_sop_class (sop_class, out_model);
}

void
dimse_archive_handle_find (DimseArchive *archive, DimseAssociation *assoc, guint8 pc_id,
                           DimseMessage *request)
{
  g_autofree char *sop_class = dimse_message_dup_string (request,
                                                         DCM_TAG_AFFECTED_SOP_CLASS_UID);
  g_autoptr(FindOp) op = g_new0 (FindOp, 1);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  guint16 message_id = 0;

  op->archive = g_object_ref (archive);
  op->assoc = g_object_ref (assoc);
  op->request = dimse_message_ref (request);
  op->pc_id = pc_id;
  if (!is_query_retrieve_find (sop_class, &op->model) && !is_worklist (sop_class))
    {
      g_autofree char *comment = g_strdup_printf ("C-FIND of %s is not served here.",
                                                  dcm_uid_name (sop_class));

      finish (g_steal_pointer (&op), ARCHIVE_STATUS_SOP_CLASS_NOT_SUPPORTED, comment);
      return;
    }
  op->identifier = dimse_archive_parse_identifier (request, &error);
  if (op->identifier == NULL)
    {
      finish (g_steal_pointer (&op), ARCHIVE_STATUS_IDENTIFIER_MISMATCH, error->message);
      return;
    }
  /* PS3.4 §K.4.1: without a worklist the query is valid and matches
   * nothing. */
  op->is_worklist = is_worklist (sop_class);
  if (op->is_worklist && dimse_archive_get_worklist (archive) != NULL)
    op->worklist = g_object_ref (dimse_archive_get_worklist (archive));
  op->flags = find_flags (dimse_find_get_agreed_options (assoc, sop_class));
  dimse_message_get_us (request, DCM_TAG_MESSAGE_ID, &message_id);
  op->cancellable = dimse_association_get_request_cancellable (assoc, message_id);
  if (op->cancellable == NULL)
    op->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, op->cancellable, on_found, op);
  g_task_set_source_tag (task, dimse_archive_handle_find);
  g_task_set_task_data (task, g_steal_pointer (&op), NULL);
  g_task_run_in_thread (task, find_thread);
}
