/* dimse-commitment-scp.c — the Storage Commitment Push Model SCP (PS3.4
 * §J.3.2.1.3, §J.3.3.1.2): the N-ACTION read and answered, the result
 * sent as N-EVENT-REPORT on the same association or on a new one where we
 * propose the SCP role (PS3.7 §D.3.3.4) */
#include "config.h"

#include "dimse-commitment.h"

#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dcm-uids.h"
#include "dimse-error.h"

/* PS3.7 Annex C */
#define STATUS_PROCESSING_FAILURE      0x0110
#define STATUS_NO_SUCH_ARGUMENT        0x0114
#define STATUS_INVALID_ARGUMENT_VALUE  0x0115
#define STATUS_NO_SUCH_ACTION_TYPE     0x0123
/* PS3.4 §J.3.3.1.1 Failure Reasons */
#define REASON_NO_SUCH_OBJECT_INSTANCE 0x0112
#define REASON_CLASS_INSTANCE_CONFLICT 0x0119

typedef struct {
  char    *host;
  guint16  port;
} Node;

struct _DimseCommitmentScp {
  GObject                    parent_instance;
  DimseCommitmentLookupFunc  lookup;
  gpointer                   lookup_data;
  GDestroyNotify             lookup_destroy;
  DimseCommitmentReportMode  mode;
  guint                      delay_ms;
  char                      *ae_title;
  GHashTable                *nodes;        /* AE title → Node */
  GHashTable                *in_progress;  /* Transaction UIDs */
  GPtrArray                 *waiting;      /* Report*: their delay not yet over */
};

G_DEFINE_FINAL_TYPE (DimseCommitmentScp, dimse_commitment_scp, G_TYPE_OBJECT)

enum { SIGNAL_REPORT_SENT, N_SIGNALS };
static guint signals[N_SIGNALS];

/* One result on its way. */
typedef struct {
  DimseCommitmentScp *owner;          /* not a reference: it frees those waiting */
  DimseCommitmentScp *scp;            /* a reference once it is being sent */
  GSource            *delay;          /* while waiting */
  DimseAssociation   *assoc;          /* the N-ACTION's */
  char               *peer_ae_title;
  char               *local_ae_title;
  char               *transaction_uid;
  guint16             event_type_id;
  DcmDataSet         *event_information;
} Report;

static void
report_free (Report *report)
{
  if (report->delay != NULL)
    {
      g_source_destroy (report->delay);
      g_clear_pointer (&report->delay, g_source_unref);
    }
  g_clear_object (&report->scp);
  g_clear_object (&report->assoc);
  g_free (report->peer_ae_title);
  g_free (report->local_ae_title);
  g_free (report->transaction_uid);
  g_clear_pointer (&report->event_information, dcm_data_set_unref);
  g_free (report);
}

static void
node_free (Node *node)
{
  g_free (node->host);
  g_free (node);
}

static void
dimse_commitment_scp_finalize (GObject *object)
{
  DimseCommitmentScp *self = DIMSE_COMMITMENT_SCP (object);

  if (self->lookup_destroy != NULL)
    self->lookup_destroy (self->lookup_data);
  g_free (self->ae_title);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->in_progress, g_hash_table_unref);
  /* Results whose delay is not over are not sent. */
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  G_OBJECT_CLASS (dimse_commitment_scp_parent_class)->finalize (object);
}

static void
dimse_commitment_scp_class_init (DimseCommitmentScpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_commitment_scp_finalize;

  signals[SIGNAL_REPORT_SENT] =
    g_signal_new ("report-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
dimse_commitment_scp_init (DimseCommitmentScp *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) node_free);
  self->in_progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) report_free);
}

DimseCommitmentScp *
dimse_commitment_scp_new (DimseCommitmentLookupFunc lookup, gpointer user_data,
                          GDestroyNotify destroy)
{
  DimseCommitmentScp *self = g_object_new (DIMSE_TYPE_COMMITMENT_SCP, NULL);

  self->lookup = lookup;
  self->lookup_data = user_data;
  self->lookup_destroy = destroy;
  return self;
}

static guint16
lookup_in_index (const char *sop_class_uid, const char *sop_instance_uid, gpointer user_data)
{
  g_autoptr(DimseArchiveInstance) instance = dimse_archive_index_lookup (user_data,
                                                                         sop_instance_uid);

  if (instance == NULL)
    return REASON_NO_SUCH_OBJECT_INSTANCE;
  if (g_strcmp0 (instance->sop_class_uid, sop_class_uid) != 0)
    return REASON_CLASS_INSTANCE_CONFLICT;
  return 0;
}

DimseCommitmentScp *
dimse_commitment_scp_new_for_index (DimseArchiveIndex *index)
{
  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);

  return dimse_commitment_scp_new (lookup_in_index, g_object_ref (index), g_object_unref);
}

void
dimse_commitment_scp_set_report_mode (DimseCommitmentScp *scp, DimseCommitmentReportMode mode)
{
  g_return_if_fail (DIMSE_IS_COMMITMENT_SCP (scp));
  scp->mode = mode;
}

void
dimse_commitment_scp_set_report_delay (DimseCommitmentScp *scp, guint delay_ms)
{
  g_return_if_fail (DIMSE_IS_COMMITMENT_SCP (scp));
  scp->delay_ms = delay_ms;
}

void
dimse_commitment_scp_add_node (DimseCommitmentScp *scp, const char *ae_title, const char *host,
                               guint16 port)
{
  Node *node;

  g_return_if_fail (DIMSE_IS_COMMITMENT_SCP (scp));
  node = g_new0 (Node, 1);
  node->host = g_strdup (host);
  node->port = port;
  g_hash_table_replace (scp->nodes, g_strstrip (g_strdup (ae_title)), node);
}

void
dimse_commitment_scp_set_ae_title (DimseCommitmentScp *scp, const char *ae_title)
{
  g_return_if_fail (DIMSE_IS_COMMITMENT_SCP (scp));
  g_free (scp->ae_title);
  scp->ae_title = g_strdup (ae_title);
}

/* ---- sending the result ---- */

static void
report_done (Report *report, guint16 status, const char *error)
{
  if (error != NULL)
    g_info ("The storage commitment result of transaction %s was not delivered to %s: %s",
            report->transaction_uid, report->peer_ae_title, error);
  g_hash_table_remove (report->scp->in_progress, report->transaction_uid);
  g_signal_emit (report->scp, signals[SIGNAL_REPORT_SENT], 0, report->transaction_uid,
                 (guint) report->event_type_id, (guint) status, error);
  report_free (report);
}

static void
on_new_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, &error))
    g_debug ("Releasing the storage commitment report association failed: %s",
             error->message);
}

static void send_report_on_new_association (Report *report);

static void
on_reported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Report *report = user_data;
  DimseAssociation *assoc = DIMSE_ASSOCIATION (source);
  g_autoptr(DimseNResult) rsp = NULL;
  g_autoptr(GError) error = NULL;

  rsp = dimse_n_request_finish (assoc, result, &error);
  /* PS3.4 §J.3.3.1.2 Note 1: the SCU may have released the association
   * meanwhile; then a new one carries the result. */
  if (rsp == NULL && assoc == report->assoc && report->scp->mode == DIMSE_COMMITMENT_REPORT_AUTO
      && !dimse_association_is_established (assoc))
    {
      g_debug ("The storage commitment result of transaction %s goes on a new association: %s",
               report->transaction_uid, error->message);
      send_report_on_new_association (report);
      return;
    }
  /* Ours to end when we opened it. */
  if (assoc != report->assoc && dimse_association_is_established (assoc))
    dimse_association_release_async (assoc, NULL, on_new_released, NULL);
  if (assoc != report->assoc)
    g_object_unref (assoc);
  if (rsp == NULL)
    report_done (report, 0xFFFF, error->message);
  else
    report_done (report, rsp->status, NULL);
}

static void
send_report_on (Report *report, DimseAssociation *assoc)
{
  dimse_n_event_report_async (assoc, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                              DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
                              report->event_type_id, report->event_information, NULL,
                              on_reported, report);
}

static void
on_new_association (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Report *report = user_data;
  g_autoptr(GError) error = NULL;
  DimseAssociation *assoc;

  (void) source;
  assoc = dimse_association_request_finish (result, &error);
  if (assoc == NULL)
    {
      report_done (report, 0xFFFF, error->message);
      return;
    }
  send_report_on (report, assoc);
}

/* PS3.4 §J.3.3.1.3: the SCU accepts an association on which the Storage
 * Commitment SCP proposes the SCP role: a Role Selection item with SCU
 * role 0 and SCP role 1 (PS3.7 §D.3.3.4). */
static void
send_report_on_new_association (Report *report)
{
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autofree char *error = NULL;
  Node *node = g_hash_table_lookup (report->scp->nodes, report->peer_ae_title);

  if (node == NULL)
    {
      error = g_strdup_printf ("%s is not a known node, so no association can be opened to "
                               "it.", report->peer_ae_title);
      report_done (report, 0xFFFF, error);
      return;
    }
  params = dimse_association_params_new (report->local_ae_title, report->peer_ae_title);
  dimse_association_params_add_context (params, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL, NULL,
                                        DIMSE_ROLE_SCP);
  dimse_association_request_async (params, node->host, node->port, NULL, NULL, NULL,
                                   on_new_association, report);
}

static gboolean
send_report (gpointer user_data)
{
  Report *report = user_data;
  guint index;
  gboolean same;

  g_clear_pointer (&report->delay, g_source_unref);
  if (g_ptr_array_find (report->owner->waiting, report, &index))
    g_ptr_array_steal_index_fast (report->owner->waiting, index);
  report->scp = g_object_ref (report->owner);
  same = report->scp->mode == DIMSE_COMMITMENT_REPORT_SAME_ASSOCIATION
         || (report->scp->mode == DIMSE_COMMITMENT_REPORT_AUTO
             && dimse_association_is_established (report->assoc));

  if (same)
    send_report_on (report, report->assoc);
  else
    send_report_on_new_association (report);
  return G_SOURCE_REMOVE;
}

/* ---- the N-ACTION ---- */

/* PS3.4 Table J.3-1: the attributes of the Action Information. */
static gboolean
is_action_attribute (guint32 tag)
{
  switch (tag)
    {
    case DCM_TAG_SPECIFIC_CHARACTER_SET:
    case DCM_TAG_TRANSACTION_UID:
    case DCM_TAG_REFERENCED_SOP_SEQUENCE:
    case DCM_TAG_STORAGE_MEDIA_FILE_SET_ID:
    case DCM_TAG_STORAGE_MEDIA_FILE_SET_UID:
      return TRUE;
    default:
      /* private attributes are the implementation's business */
      return ((tag >> 16) & 1) != 0;
    }
}

static gboolean
check_action_information (DimseCommitmentScp *self, DcmDataSet *info, DimseNReply *reply)
{
  g_autofree char *transaction_uid = NULL;
  guint n;

  if (info == NULL)
    {
      dimse_n_reply_set_status (reply, STATUS_INVALID_ARGUMENT_VALUE, "No Action Information");
      return FALSE;
    }
  for (guint i = 0; i < dcm_data_set_n_elements (info); i++)
    if (!is_action_attribute (dcm_data_set_nth (info, i)->tag))
      {
        g_autofree char *name = dcm_describe_tag (dcm_data_set_nth (info, i)->tag);

        dimse_n_reply_set_status (reply, STATUS_NO_SUCH_ARGUMENT, "%s is not an argument",
                                  name);
        return FALSE;
      }
  transaction_uid = dcm_data_set_dup_string (info, DCM_TAG_TRANSACTION_UID);
  if (transaction_uid == NULL || !dcm_uid_is_valid (transaction_uid))
    {
      dimse_n_reply_set_status (reply, STATUS_INVALID_ARGUMENT_VALUE,
                                "No valid Transaction UID");
      return FALSE;
    }
  if (g_hash_table_contains (self->in_progress, transaction_uid))
    {
      dimse_n_reply_set_status (reply, STATUS_PROCESSING_FAILURE,
                                "Transaction %s is in progress", transaction_uid);
      return FALSE;
    }
  n = dcm_data_set_get_n_items (info, DCM_TAG_REFERENCED_SOP_SEQUENCE);
  if (n == 0)
    {
      dimse_n_reply_set_status (reply, STATUS_INVALID_ARGUMENT_VALUE,
                                "No Referenced SOP Sequence items");
      return FALSE;
    }
  return TRUE;
}

static Report *
make_report (DimseCommitmentScp *self, const DimseNInvocation *inv, GPtrArray *items,
             GError **error)
{
  const DimseNegotiationResult *negotiation = dimse_association_get_negotiation (inv->assoc);
  g_autoptr(GPtrArray) committed = g_ptr_array_new ();
  g_autoptr(GPtrArray) failed = g_ptr_array_new ();
  Report *report = g_new0 (Report, 1);

  report->owner = self;
  report->assoc = g_object_ref (inv->assoc);
  report->transaction_uid = dcm_data_set_dup_string (inv->data_set, DCM_TAG_TRANSACTION_UID);
  report->peer_ae_title = g_strdup (negotiation->local_is_requestor
                                    ? negotiation->called_ae_title
                                    : negotiation->calling_ae_title);
  report->local_ae_title = g_strdup (self->ae_title != NULL
                                     ? self->ae_title
                                     : negotiation->local_is_requestor
                                       ? negotiation->calling_ae_title
                                       : negotiation->called_ae_title);
  g_strstrip (report->peer_ae_title);
  g_strstrip (report->local_ae_title);
  for (guint i = 0; i < items->len; i++)
    {
      DimseCommitmentItem *item = items->pdata[i];

      item->failure_reason = self->lookup (item->sop_class_uid, item->sop_instance_uid,
                                           self->lookup_data);
      g_ptr_array_add (item->failure_reason == 0 ? committed : failed, item);
    }
  report->event_type_id = failed->len == 0 ? DIMSE_COMMITMENT_EVENT_SUCCESS
                                           : DIMSE_COMMITMENT_EVENT_FAILURES_EXIST;
  report->event_information = dimse_commitment_build_action_information (
    report->transaction_uid, committed, error);
  if (report->event_information == NULL)
    {
      report_free (report);
      return NULL;
    }
  /* PS3.4 Table J.3-2: the Failed SOP Sequence only when there are failures. */
  if (failed->len > 0)
    {
      DcmElement *sequence = dcm_data_set_insert (report->event_information,
                                                  DCM_TAG_FAILED_SOP_SEQUENCE, DCM_VR_SQ);

      for (guint i = 0; i < failed->len; i++)
        {
          DimseCommitmentItem *item = failed->pdata[i];
          g_autoptr(DcmDataSet) ref = dcm_data_set_new ();

          if (!dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_CLASS_UID, DCM_VR_NONE,
                                        item->sop_class_uid, error)
              || !dcm_data_set_set_string (ref, DCM_TAG_REFERENCED_SOP_INSTANCE_UID,
                                           DCM_VR_NONE, item->sop_instance_uid, error)
              || !dcm_data_set_set_int64 (ref, DCM_TAG_FAILURE_REASON, DCM_VR_NONE,
                                          item->failure_reason, error))
            {
              report_free (report);
              return NULL;
            }
          dcm_data_set_append_item (report->event_information, sequence,
                                    g_steal_pointer (&ref));
        }
    }
  if (committed->len == 0)
    dcm_data_set_remove (report->event_information, DCM_TAG_REFERENCED_SOP_SEQUENCE);
  return report;
}

static void
on_action (const DimseNInvocation *inv, DimseNReply *reply, gpointer user_data)
{
  DimseCommitmentScp *self = user_data;
  g_autoptr(DimseCommitmentResult) request = NULL;
  g_autoptr(GError) error = NULL;
  Report *report;

  if (inv->type_id != DIMSE_COMMITMENT_ACTION_REQUEST)
    {
      dimse_n_reply_set_status (reply, STATUS_NO_SUCH_ACTION_TYPE,
                                "Action Type ID %u is not 1", inv->type_id);
      return;
    }
  if (!check_action_information (self, inv->data_set, reply))
    return;
  request = dimse_commitment_result_from_data_set (inv->data_set, 0, &error);
  if (request == NULL)
    {
      dimse_n_reply_set_status (reply, STATUS_INVALID_ARGUMENT_VALUE, "%s", error->message);
      return;
    }
  report = make_report (self, inv, request->committed, &error);
  if (report == NULL)
    {
      dimse_n_reply_set_status (reply, STATUS_PROCESSING_FAILURE, "%s", error->message);
      return;
    }
  g_hash_table_add (self->in_progress, g_strdup (report->transaction_uid));
  /* After the N-ACTION-RSP, which the provider queues before returning. */
  report->delay = g_timeout_source_new (self->delay_ms);
  g_source_set_callback (report->delay, send_report, report, NULL);
  g_source_attach (report->delay, g_main_context_get_thread_default ());
  g_ptr_array_add (self->waiting, report);
}

void
dimse_commitment_scp_register (DimseCommitmentScp *scp, DimseNProvider *provider)
{
  static const DimseNClassHandler handler = { .action = on_action };

  g_return_if_fail (DIMSE_IS_COMMITMENT_SCP (scp));
  g_return_if_fail (DIMSE_IS_N_PROVIDER (provider));

  dimse_n_provider_add_sop_class (provider, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                  DIMSE_N_OP_ACTION, &handler, g_object_ref (scp),
                                  g_object_unref);
  if (dimse_n_provider_lookup (provider, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE,
                               NULL) == NULL)
    dimse_n_provider_add_instance (provider, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                   DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, NULL, NULL);
}
