/* dimse-probe.c — the conformance probe: the catalogue of SOP classes, the
 * batches of presentation contexts and the associations that carry them */
#include "config.h"

#include "dimse-probe-private.h"

#include <string.h>

#include "dcm-uid.h"
#include "dimse-error.h"

#define DEFAULT_USERNAME "dimsebench"
/* A peer that limits its associations (dcmqrscp's MaxAssociations) may
 * still count the one just released when the next -RQ comes. */
#define MAX_RETRIES 5
#define RETRY_DELAY_MS 500

struct _DimseProbe {
  GObject             parent_instance;
  char               *calling_ae_title;
  char               *called_ae_title;
  char               *host;
  guint16             port;
  DimseProbeServices  services;
  GStrv               storage_transfer_syntaxes;
  guint               max_contexts;
  char               *username;
  DimseTimeouts       timeouts;
  guint32             max_pdu_length;
  DimseRecorder      *recorder;
  DimseTlsSettings   *tls;

  gboolean            started;
  GPtrArray          *entries;        /* DimseProbeEntry* */
  GPtrArray          *extended;       /* DimseProbeExtendedNegotiation* */
  GArray             *batch_starts;   /* guint: first entry of each batch, then entries->len */
  guint               next_batch;
  guint               n_retries;
  DimseProbeUserIdentityOutcome user_identity;
  char               *user_identity_description;
  char               *peer_implementation_class_uid;
  char               *peer_implementation_version_name;
  guint32             peer_max_pdu_length;
};

G_DEFINE_FINAL_TYPE (DimseProbe, dimse_probe, G_TYPE_OBJECT)

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the catalogue ---- */

static const char *const default_storage_syntaxes[] = {
  DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_EXPLICIT_VR_BIG_ENDIAN, DCM_UID_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_JPEG_BASELINE8_BIT, DCM_UID_JPEG_LOSSLESS_SV1, DCM_UID_JPEG2000_LOSSLESS,
  DCM_UID_JPEG2000, DCM_UID_RLE_LOSSLESS, NULL
};

static const char *const uncompressed_syntaxes[] = {
  DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN,
  DCM_UID_EXPLICIT_VR_BIG_ENDIAN, NULL
};

typedef struct {
  DimseProbeServices service;
  const char        *sop_class_uid;
} CatalogueEntry;

/* The SOP classes other than storage, in the order they are proposed. */
static const CatalogueEntry catalogue[] = {
  { DIMSE_PROBE_VERIFICATION, DCM_UID_VERIFICATION },
  { DIMSE_PROBE_QR, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND },
  { DIMSE_PROBE_QR, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE },
  { DIMSE_PROBE_QR, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET },
  { DIMSE_PROBE_QR, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND },
  { DIMSE_PROBE_QR, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE },
  { DIMSE_PROBE_QR, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET },
  { DIMSE_PROBE_QR, DCM_UID_PATIENT_STUDY_ONLY_QUERY_RETRIEVE_INFORMATION_MODEL_FIND },
  { DIMSE_PROBE_QR, DCM_UID_PATIENT_STUDY_ONLY_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE },
  { DIMSE_PROBE_QR, DCM_UID_PATIENT_STUDY_ONLY_QUERY_RETRIEVE_INFORMATION_MODEL_GET },
  { DIMSE_PROBE_QR, DCM_UID_COMPOSITE_INSTANCE_ROOT_RETRIEVE_MOVE },
  { DIMSE_PROBE_QR, DCM_UID_COMPOSITE_INSTANCE_ROOT_RETRIEVE_GET },
  { DIMSE_PROBE_QR, DCM_UID_COMPOSITE_INSTANCE_RETRIEVE_WITHOUT_BULK_DATA_GET },
  { DIMSE_PROBE_WORKLIST, DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND },
  { DIMSE_PROBE_MPPS, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP },
  { DIMSE_PROBE_MPPS, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP_NOTIFICATION },
  { DIMSE_PROBE_COMMITMENT, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL },
  { DIMSE_PROBE_PRINT, DCM_UID_BASIC_GRAYSCALE_PRINT_MANAGEMENT_META },
  { DIMSE_PROBE_PRINT, DCM_UID_BASIC_COLOR_PRINT_MANAGEMENT_META },
};

static const char *const service_names[] = {
  "verification", "storage", "qr", "worklist", "mpps", "commitment", "print",
};

const char *
dimse_probe_service_to_string (DimseProbeServices service)
{
  for (guint i = 0; i < G_N_ELEMENTS (service_names); i++)
    if (service == (DimseProbeServices) (1u << i))
      return service_names[i];
  return "unknown";
}

gboolean
dimse_probe_services_parse (const char *text, DimseProbeServices *out, GError **error)
{
  g_auto(GStrv) words = g_strsplit (text, ",", -1);
  guint services = 0;

  for (guint w = 0; words[w] != NULL; w++)
    {
      const char *word = g_strstrip (words[w]);
      gboolean known = FALSE;

      if (g_ascii_strcasecmp (word, "all") == 0)
        {
          services = DIMSE_PROBE_ALL;
          continue;
        }
      for (guint i = 0; i < G_N_ELEMENTS (service_names) && !known; i++)
        if (g_ascii_strcasecmp (word, service_names[i]) == 0)
          {
            services |= 1u << i;
            known = TRUE;
          }
      if (!known)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "“%s” is not a group of SOP classes; the groups are all, verification, "
                       "storage, qr, worklist, mpps, commitment and print.", word);
          return FALSE;
        }
    }
  if (services == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "No group of SOP classes was given to probe.");
      return FALSE;
    }
  *out = services;
  return TRUE;
}

/* PS3.4 §C.5.1.1 and §C.5.2.1/§C.5.3.1: we propose every option. */
static GBytes *
extended_negotiation_for (const char *sop_class_uid)
{
  static const guint8 find_options[] = { 1, 1, 1, 1 };
  static const guint8 retrieve_options[] = { 1 };

  if (dimse_probe_sop_class_is_qr_find (sop_class_uid))
    return g_bytes_new_static (find_options, sizeof find_options);
  if (dimse_probe_sop_class_is_qr_retrieve (sop_class_uid))
    return g_bytes_new_static (retrieve_options, sizeof retrieve_options);
  return NULL;
}

static void
entry_free (gpointer data)
{
  DimseProbeEntry *entry = data;

  g_free (entry->sop_class_uid);
  g_free (entry->transfer_syntax_uid);
  g_free (entry);
}

static void
extended_free (gpointer data)
{
  DimseProbeExtendedNegotiation *en = data;

  g_free (en->sop_class_uid);
  g_clear_pointer (&en->proposed, g_bytes_unref);
  g_clear_pointer (&en->answer, g_bytes_unref);
  g_free (en);
}

/* PS3.4 §B.3 has storage SCUs offer both roles when they may also be the
 * SCP of a C-GET's sub-operations; asking for both tells which the peer takes. */
static void
add_sop_class (DimseProbe *probe, DimseProbeServices service, const char *sop_class_uid,
               const char *const *syntaxes)
{
  g_autoptr(GBytes) extended = extended_negotiation_for (sop_class_uid);

  for (guint i = 0; syntaxes[i] != NULL; i++)
    {
      DimseProbeEntry *entry = g_new0 (DimseProbeEntry, 1);

      entry->sop_class_uid = g_strdup (sop_class_uid);
      entry->transfer_syntax_uid = g_strdup (syntaxes[i]);
      entry->service = service;
      entry->proposed_roles = service == DIMSE_PROBE_STORAGE ? DIMSE_ROLE_BOTH
                                                             : DIMSE_ROLE_DEFAULT;
      g_ptr_array_add (probe->entries, entry);
    }
  if (extended != NULL)
    {
      DimseProbeExtendedNegotiation *en = g_new0 (DimseProbeExtendedNegotiation, 1);

      en->sop_class_uid = g_strdup (sop_class_uid);
      en->proposed = g_bytes_ref (extended);
      g_ptr_array_add (probe->extended, en);
    }
}

static void
build_entries (DimseProbe *probe)
{
  const char *const *storage_syntaxes = probe->storage_transfer_syntaxes != NULL
                                        ? (const char *const *) probe->storage_transfer_syntaxes
                                        : default_storage_syntaxes;

  for (guint i = 0; i < G_N_ELEMENTS (catalogue); i++)
    if (probe->services & catalogue[i].service)
      add_sop_class (probe, catalogue[i].service, catalogue[i].sop_class_uid,
                     uncompressed_syntaxes);
  if ((probe->services & DIMSE_PROBE_STORAGE) == 0)
    return;
  for (guint i = 0; i < dcm_uid_n_entries (); i++)
    {
      const DcmUidEntry *uid = dcm_uid_nth_entry (i);

      if (uid->storage && !uid->retired && uid->type == DCM_UID_TYPE_SOP_CLASS)
        add_sop_class (probe, DIMSE_PROBE_STORAGE, uid->uid, storage_syntaxes);
    }
}

/* Batches of at most max_contexts entries, never splitting a SOP class
 * (its Role Selection and Extended Negotiation items go once per -RQ). */
static void
build_batches (DimseProbe *probe)
{
  guint start = 0;

  probe->batch_starts = g_array_new (FALSE, FALSE, sizeof (guint));
  while (start < probe->entries->len)
    {
      guint end = MIN (start + probe->max_contexts, probe->entries->len);

      if (end < probe->entries->len)
        {
          guint cut = end;
          const DimseProbeEntry *next = probe->entries->pdata[end];

          while (cut > start
                 && g_strcmp0 (((DimseProbeEntry *) probe->entries->pdata[cut - 1])->sop_class_uid,
                               next->sop_class_uid) == 0)
            cut--;
          if (cut > start)
            end = cut;
        }
      g_array_append_val (probe->batch_starts, start);
      start = end;
    }
  g_array_append_val (probe->batch_starts, start);
}

static guint
n_batches (DimseProbe *probe)
{
  return probe->batch_starts->len - 1;
}

static guint
n_associations_total (DimseProbe *probe)
{
  return n_batches (probe) + (probe->username != NULL ? 1 : 0);
}

/* ---- the object ---- */

static void
dimse_probe_finalize (GObject *object)
{
  DimseProbe *probe = DIMSE_PROBE (object);

  g_free (probe->calling_ae_title);
  g_free (probe->called_ae_title);
  g_free (probe->host);
  g_strfreev (probe->storage_transfer_syntaxes);
  g_free (probe->username);
  g_clear_object (&probe->recorder);
  g_clear_pointer (&probe->tls, dimse_tls_settings_free);
  g_ptr_array_unref (probe->entries);
  g_ptr_array_unref (probe->extended);
  g_clear_pointer (&probe->batch_starts, g_array_unref);
  g_free (probe->user_identity_description);
  g_free (probe->peer_implementation_class_uid);
  g_free (probe->peer_implementation_version_name);
  G_OBJECT_CLASS (dimse_probe_parent_class)->finalize (object);
}

static void
dimse_probe_class_init (DimseProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_probe_finalize;
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
dimse_probe_init (DimseProbe *probe)
{
  probe->services = DIMSE_PROBE_ALL;
  probe->max_contexts = DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS;
  probe->username = g_strdup (DEFAULT_USERNAME);
  probe->max_pdu_length = DIMSE_NEGOTIATION_DEFAULT_MAX_PDU_LENGTH;
  dimse_timeouts_init (&probe->timeouts);
  probe->entries = g_ptr_array_new_with_free_func (entry_free);
  probe->extended = g_ptr_array_new_with_free_func (extended_free);
}

DimseProbe *
dimse_probe_new (const char *calling_ae_title, const char *called_ae_title, const char *host,
                 guint16 port)
{
  DimseProbe *probe = g_object_new (DIMSE_TYPE_PROBE, NULL);

  probe->calling_ae_title = g_strdup (calling_ae_title);
  probe->called_ae_title = g_strdup (called_ae_title);
  probe->host = g_strdup (host);
  probe->port = port;
  return probe;
}

void
dimse_probe_set_services (DimseProbe *probe, DimseProbeServices services)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe) && !probe->started);
  probe->services = services & DIMSE_PROBE_ALL;
}

void
dimse_probe_set_storage_transfer_syntaxes (DimseProbe *probe,
                                           const char *const *transfer_syntaxes)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe) && !probe->started);
  g_strfreev (probe->storage_transfer_syntaxes);
  probe->storage_transfer_syntaxes = g_strdupv ((GStrv) transfer_syntaxes);
}

void
dimse_probe_set_max_contexts (DimseProbe *probe, guint max_contexts)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe) && !probe->started);
  probe->max_contexts = CLAMP (max_contexts, 1, DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS);
}

void
dimse_probe_set_username (DimseProbe *probe, const char *username)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe) && !probe->started);
  g_free (probe->username);
  probe->username = g_strdup (username);
}

void
dimse_probe_set_timeouts (DimseProbe *probe, const DimseTimeouts *timeouts)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe));
  if (timeouts != NULL)
    probe->timeouts = *timeouts;
  else
    dimse_timeouts_init (&probe->timeouts);
}

void
dimse_probe_set_max_pdu_length (DimseProbe *probe, guint32 max_pdu_length)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe));
  probe->max_pdu_length = max_pdu_length;
}

void
dimse_probe_set_recorder (DimseProbe *probe, DimseRecorder *recorder)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe));
  g_set_object (&probe->recorder, recorder);
}

void
dimse_probe_set_tls (DimseProbe *probe, const DimseTlsSettings *tls)
{
  g_return_if_fail (DIMSE_IS_PROBE (probe) && !probe->started);
  g_clear_pointer (&probe->tls, dimse_tls_settings_free);
  probe->tls = dimse_tls_settings_copy (tls);
}

GPtrArray *
dimse_probe_get_entries (DimseProbe *probe)
{
  return probe->entries;
}

GPtrArray *
dimse_probe_get_extended_negotiations (DimseProbe *probe)
{
  return probe->extended;
}

DimseProbeUserIdentityOutcome
dimse_probe_get_user_identity (DimseProbe *probe, const char **description)
{
  if (description != NULL)
    *description = probe->user_identity_description != NULL
                   ? probe->user_identity_description : "The user identity was not probed.";
  return probe->user_identity;
}

const char *
dimse_probe_get_peer_implementation_class_uid (DimseProbe *probe)
{
  return probe->peer_implementation_class_uid;
}

const char *
dimse_probe_get_peer_implementation_version_name (DimseProbe *probe)
{
  return probe->peer_implementation_version_name;
}

guint32
dimse_probe_get_peer_max_pdu_length (DimseProbe *probe)
{
  return probe->peer_max_pdu_length;
}

guint
dimse_probe_get_n_associations (DimseProbe *probe)
{
  return probe->batch_starts != NULL ? n_associations_total (probe) : 0;
}

const char *
dimse_probe_get_peer_description (DimseProbe *probe, const char **host, guint16 *port)
{
  *host = probe->host;
  *port = probe->port;
  return probe->called_ae_title;
}

/* ---- running ---- */

static void run_next (GTask *task);

static DimseAssociationParams *
batch_params (DimseProbe *probe, guint batch)
{
  DimseAssociationParams *params = dimse_association_params_new (probe->calling_ae_title,
                                                                 probe->called_ae_title);
  guint start = g_array_index (probe->batch_starts, guint, batch);
  guint end = g_array_index (probe->batch_starts, guint, batch + 1);

  params->max_pdu_length = probe->max_pdu_length;
  for (guint i = start; i < end; i++)
    {
      DimseProbeEntry *entry = probe->entries->pdata[i];
      const char *syntaxes[] = { entry->transfer_syntax_uid, NULL };
      DimseProposedContext *pc = dimse_association_params_add_context (params,
                                                                       entry->sop_class_uid,
                                                                       syntaxes,
                                                                       entry->proposed_roles);

      pc->extended_negotiation = extended_negotiation_for (entry->sop_class_uid);
      entry->association = batch + 1;
      /* PS3.8 §9.3.2.2: numbered 1, 3, 5 … in the order added */
      entry->presentation_context_id = (guint8) (2 * (i - start) + 1);
    }
  return params;
}

static void
remember_peer (DimseProbe *probe, const DimseNegotiationResult *result)
{
  if (probe->peer_implementation_class_uid != NULL)
    return;
  probe->peer_implementation_class_uid = g_strdup (result->peer_implementation_class_uid);
  probe->peer_implementation_version_name = g_strdup (result->peer_implementation_version_name);
  probe->peer_max_pdu_length = result->peer_max_pdu_length;
}

static void
take_answers (DimseProbe *probe, guint batch, const DimseNegotiationResult *result)
{
  guint start = g_array_index (probe->batch_starts, guint, batch);
  guint end = g_array_index (probe->batch_starts, guint, batch + 1);

  remember_peer (probe, result);
  for (guint i = start; i < end; i++)
    {
      DimseProbeEntry *entry = probe->entries->pdata[i];
      const DimseNegotiatedContext *nc =
        dimse_negotiation_result_get_context (result, entry->presentation_context_id);

      if (nc == NULL)
        continue;
      entry->answered = TRUE;
      entry->result = nc->result;
      entry->requestor_roles = nc->requestor_roles;
      entry->acceptor_roles = nc->acceptor_roles;
    }
  for (guint i = 0; i < probe->extended->len; i++)
    {
      DimseProbeExtendedNegotiation *en = probe->extended->pdata[i];
      GBytes *answer = dimse_negotiation_result_get_extended_negotiation (result,
                                                                          en->sop_class_uid);

      if (answer != NULL && en->answer == NULL)
        en->answer = g_bytes_ref (answer);
    }
}

static void
take_user_identity (DimseProbe *probe, const DimseNegotiationResult *result)
{
  gsize size = 0;

  remember_peer (probe, result);
  if (result->user_identity_server_response == NULL)
    {
      probe->user_identity = DIMSE_PROBE_USER_IDENTITY_ACCEPTED_WITHOUT_RESPONSE;
      probe->user_identity_description =
        g_strdup ("The association with a User Identity (username) and a positive response "
                  "requested was accepted without a User Identity server response: the peer "
                  "ignores user identity or does not support it (PS3.7 §D.3.3.7).");
      return;
    }
  size = g_bytes_get_size (result->user_identity_server_response);
  probe->user_identity = DIMSE_PROBE_USER_IDENTITY_ACCEPTED_WITH_RESPONSE;
  probe->user_identity_description =
    g_strdup_printf ("The association with a User Identity (username) was accepted with a "
                     "server response of %" G_GSIZE_FORMAT " bytes (PS3.7 §D.3.3.7.2).", size);
}

static void
emit_progress (DimseProbe *probe, guint done)
{
  g_signal_emit (probe, signals[SIGNAL_PROGRESS], 0, done, n_associations_total (probe));
}

static void
on_released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  DimseProbe *probe = g_task_get_source_object (task);

  /* What we wanted is in: a failed release does not undo it. */
  dimse_association_release_finish (DIMSE_ASSOCIATION (source), result, NULL);
  emit_progress (probe, probe->next_batch);
  run_next (g_steal_pointer (&task));
}

static void
on_user_identity_rejected (DimseProbe *probe, const GError *error)
{
  probe->user_identity = DIMSE_PROBE_USER_IDENTITY_REJECTED;
  probe->user_identity_description =
    g_strdup_printf ("The association with a User Identity (username \"%s\") was refused: %s",
                     probe->username, error->message);
}

static gboolean
retry_cb (gpointer user_data)
{
  run_next (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_associated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  DimseProbe *probe = g_task_get_source_object (task);
  g_autoptr(DimseAssociation) assoc = NULL;
  GError *error = NULL;
  guint batch = probe->next_batch;

  assoc = dimse_association_request_finish (result, &error);
  if (assoc == NULL && batch > 0 && probe->n_retries < MAX_RETRIES
      && g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED))
    {
      /* the first -RQ, with the same AE titles, was accepted: a rejection
       * now is the peer's limit, for a moment */
      g_autoptr(GSource) delay = g_timeout_source_new (RETRY_DELAY_MS);

      probe->n_retries++;
      g_clear_error (&error);
      g_source_set_callback (delay, retry_cb, g_steal_pointer (&task), NULL);
      g_source_attach (delay, g_main_context_get_thread_default ());
      return;
    }
  probe->n_retries = 0;
  probe->next_batch++;
  if (assoc == NULL && batch == n_batches (probe)
      && g_error_matches (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED))
    {
      on_user_identity_rejected (probe, error);
      g_clear_error (&error);
      emit_progress (probe, probe->next_batch);
      run_next (g_steal_pointer (&task));
      return;
    }
  if (assoc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (batch < n_batches (probe))
    take_answers (probe, batch, dimse_association_get_negotiation (assoc));
  else
    take_user_identity (probe, dimse_association_get_negotiation (assoc));
  dimse_association_release_async (assoc, NULL, on_released, g_steal_pointer (&task));
}

static DimseAssociationParams *
user_identity_params (DimseProbe *probe)
{
  DimseAssociationParams *params = dimse_association_params_new (probe->calling_ae_title,
                                                                 probe->called_ae_title);
  g_autoptr(GBytes) username = g_bytes_new (probe->username, strlen (probe->username));

  params->max_pdu_length = probe->max_pdu_length;
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, uncompressed_syntaxes,
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_params_set_user_identity (params, DIMSE_USER_IDENTITY_USERNAME, username,
                                              NULL, TRUE);
  return params;
}

static void
run_next (GTask *task)
{
  DimseProbe *probe = g_task_get_source_object (task);
  g_autoptr(DimseAssociationParams) params = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (probe->next_batch < n_batches (probe))
    params = batch_params (probe, probe->next_batch);
  else if (probe->next_batch == n_batches (probe) && probe->username != NULL)
    params = user_identity_params (probe);
  if (params == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  dimse_association_request_full_async (params, probe->host, probe->port, &probe->timeouts,
                                        probe->tls, probe->recorder,
                                        g_task_get_cancellable (task),
                                        on_associated, task);
}

void
dimse_probe_run_async (DimseProbe *probe, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (DIMSE_IS_PROBE (probe));
  task = g_task_new (probe, cancellable, callback, user_data);
  g_task_set_source_tag (task, dimse_probe_run_async);
  if (probe->started)
    {
      g_task_return_new_error (task, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                               "This conformance probe of %s has already been run.",
                               probe->called_ae_title);
      g_object_unref (task);
      return;
    }
  probe->started = TRUE;
  build_entries (probe);
  build_batches (probe);
  emit_progress (probe, 0);
  run_next (task);
}

gboolean
dimse_probe_run_finish (DimseProbe *probe, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
