/* bench-node-test-op.c — the node test on the engine's worker */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "bench-node-test-op.h"
#include "bench-peer.h"
#include "dcm-uid.h"
#include "dimse-association.h"
#include "dimse-echo.h"
#include "dimse-error.h"
#include "dimse-status.h"
#include "dimse-web-client.h"

/* What the test proposes: Verification for the C-ECHO, and the models a
 * query and a retrieve would use, so the answer says what will work. */
static const char *const proposed_syntaxes[] = {
  DCM_UID_VERIFICATION,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
  DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
  DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND,
  DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
};

typedef struct {
  GTask *task;                   /* on the UI context */
  GCancellable *cancellable;     /* the worker's own */
  gulong cancelled_id;
  BenchEngine *engine;
  BenchPeer *peer;
  DimseAssociationParams *params;
  DimseAssociation *assoc;
  gint64 started_us;
  BenchNodeTestResult *result;
  DimseWebClient *web_client;
  gboolean web_answered;         /* the first request's exchange was seen */
} NodeTest;

void
bench_node_test_result_free (BenchNodeTestResult *result)
{
  g_free (result->status_text);
  g_free (result->echo_error);
  g_free (result->peer_implementation_class_uid);
  g_free (result->peer_implementation_version_name);
  g_free (result->http_reason);
  g_clear_pointer (&result->contexts, g_ptr_array_unref);
  g_free (result);
}

static void
context_free (gpointer data)
{
  BenchNodeTestContext *context = data;

  g_free (context->abstract_syntax);
  g_free (context->detail);
  g_free (context);
}

static void
node_test_free (NodeTest *test)
{
  g_clear_object (&test->task);
  g_clear_object (&test->cancellable);
  g_clear_object (&test->engine);
  g_clear_pointer (&test->params, dimse_association_params_free);
  g_clear_pointer (&test->peer, bench_peer_free);
  g_clear_object (&test->assoc);
  if (test->web_client != NULL)
    g_signal_handlers_disconnect_by_data (test->web_client, test);
  g_clear_object (&test->web_client);
  g_clear_pointer (&test->result, bench_node_test_result_free);
  g_free (test);
}

/* PS3.8 Table 9-18, the Result/Reason of a presentation context. */
static const char *
context_rejection (guint8 result)
{
  switch (result)
    {
    case DIMSE_PRESENTATION_CONTEXT_USER_REJECTION:
      return _("Rejected by the peer’s user");
    case DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED:
      return _("Rejected: the SOP class is not supported");
    case DIMSE_PRESENTATION_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED:
      return _("Rejected: none of the transfer syntaxes is supported");
    case DIMSE_PRESENTATION_CONTEXT_NO_REASON:
    default:
      return _("Rejected, no reason given");
    }
}

static void
fill_negotiation (BenchNodeTestResult *result, const DimseNegotiationResult *negotiation)
{
  result->peer_implementation_class_uid = g_strdup (negotiation->peer_implementation_class_uid);
  result->peer_implementation_version_name =
    g_strdup (negotiation->peer_implementation_version_name);
  result->peer_max_pdu_length = negotiation->peer_max_pdu_length;
  for (guint i = 0; i < negotiation->contexts->len; i++)
    {
      const DimseNegotiatedContext *nc = negotiation->contexts->pdata[i];
      BenchNodeTestContext *context = g_new0 (BenchNodeTestContext, 1);

      context->abstract_syntax = g_strdup (dcm_uid_name (nc->abstract_syntax));
      context->accepted = nc->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE;
      if (context->accepted)
        context->detail = g_strdup_printf (_("Accepted with %s"),
                                           dcm_uid_name (nc->transfer_syntax));
      else
        context->detail = g_strdup (context_rejection (nc->result));
      g_ptr_array_add (result->contexts, context);
    }
}

static void
on_released (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), res, &error))
    g_debug ("Node test: the release failed: %s", error->message);
}

static void
finish (NodeTest *test)
{
  g_task_return_pointer (test->task, g_steal_pointer (&test->result),
                         (GDestroyNotify) bench_node_test_result_free);
  if (test->assoc != NULL && dimse_association_is_established (test->assoc))
    dimse_association_release_async (test->assoc, NULL, on_released, NULL);
  node_test_free (test);
}

static void
fail (NodeTest *test, GError *error)
{
  g_task_return_error (test->task, error);
  node_test_free (test);
}

static void
on_echoed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NodeTest *test = user_data;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;

  if (!dimse_echo_finish (DIMSE_ASSOCIATION (source), res, &status, &error))
    {
      test->result->echo_error = g_strdup (error->message);
      if (dimse_association_is_established (test->assoc))
        dimse_association_abort (test->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                                 DIMSE_ABORT_REASON_NOT_SPECIFIED);
      finish (test);
      return;
    }
  test->result->echo_ms = (double) (g_get_monotonic_time () - test->started_us) / 1000.0;
  test->result->status = status;
  test->result->status_text = g_strdup (dimse_status_meaning (status, DIMSE_C_ECHO_RQ));
  finish (test);
}

static void
on_associated (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NodeTest *test = user_data;
  GError *error = NULL;
  gint64 now = g_get_monotonic_time ();

  test->assoc = dimse_association_request_finish (res, &error);
  if (test->assoc == NULL)
    {
      fail (test, error);
      return;
    }
  test->result = g_new0 (BenchNodeTestResult, 1);
  test->result->contexts = g_ptr_array_new_with_free_func (context_free);
  test->result->association_ms = (double) (now - test->started_us) / 1000.0;
  fill_negotiation (test->result, dimse_association_get_negotiation (test->assoc));
  test->started_us = g_get_monotonic_time ();
  dimse_echo_async (test->assoc, test->cancellable, on_echoed, test);
}

/* ---- a DICOMweb node ----
 * QIDO-RS follows "limit" pages to the end; the test wants the first
 * answer only, so the search is cancelled once it has come. */

static void
on_web_exchange (DimseWebClient *client, const char *method, const char *url, guint status,
                 guint64 response_bytes, gint64 duration_us, gpointer user_data)
{
  NodeTest *test = user_data;

  if (test->web_answered)
    return;
  test->web_answered = TRUE;
  test->result->http_status = status;
  test->result->http_reason = g_strdup (soup_status_get_phrase (status));
  test->result->response_ms = (double) duration_us / 1000.0;
  test->result->response_bytes = response_bytes;
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    g_cancellable_cancel (test->cancellable);
}

static void
on_web_searched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NodeTest *test = user_data;
  GError *error = NULL;
  g_autoptr(GPtrArray) matches = dimse_web_client_search_finish (DIMSE_WEB_CLIENT (source),
                                                                 res, &error);

  if (matches == NULL && !(test->web_answered
                           && SOUP_STATUS_IS_SUCCESSFUL (test->result->http_status)
                           && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      fail (test, error);
      return;
    }
  g_clear_error (&error);
  finish (test);
}

static void
start_web (NodeTest *test)
{
  GError *error = NULL;
  DimseWebSearchOptions opts = { .limit = 1, .fuzzy = FALSE };
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();

  test->web_client = bench_peer_new_web_client (test->peer, &error);
  if (test->web_client == NULL)
    {
      fail (test, error);
      return;
    }
  test->result = g_new0 (BenchNodeTestResult, 1);
  test->result->contexts = g_ptr_array_new_with_free_func (context_free);
  test->result->web = TRUE;
  g_signal_connect (test->web_client, "exchange", G_CALLBACK (on_web_exchange), test);
  dimse_web_client_search_async (test->web_client, DIMSE_QR_LEVEL_STUDY, identifier, &opts,
                                 test->cancellable, on_web_searched, test);
}

static gboolean
start_on_worker (gpointer data)
{
  NodeTest *test = data;

  if (test->peer->kind == BENCH_NODE_KIND_WEB)
    {
      start_web (test);
      return G_SOURCE_REMOVE;
    }
  test->started_us = g_get_monotonic_time ();
  bench_peer_request_async (test->peer, test->params, test->cancellable, on_associated, test);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_on_worker (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

typedef struct {
  BenchEngine *engine;
  GCancellable *worker_cancellable;
} CancelRelay;

static void
cancel_relay_free (gpointer data)
{
  CancelRelay *relay = data;

  g_object_unref (relay->engine);
  g_object_unref (relay->worker_cancellable);
  g_free (relay);
}

/* The caller's cancellable is cancelled on the UI thread; the engine's
 * objects are cancelled on the worker. */
static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  CancelRelay *relay = data;

  bench_engine_invoke (relay->engine, cancel_on_worker,
                       g_object_ref (relay->worker_cancellable), g_object_unref);
}

void
bench_node_test_run_async (BenchEngine *engine, BenchNode *node, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  NodeTest *test = g_new0 (NodeTest, 1);

  test->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (test->task, bench_node_test_run_async);
  test->cancellable = g_cancellable_new ();
  test->engine = g_object_ref (engine);
  test->peer = bench_peer_new (engine, node);
  test->params = bench_peer_build_params (test->peer);
  for (guint i = 0; i < G_N_ELEMENTS (proposed_syntaxes); i++)
    dimse_association_params_add_context (test->params, proposed_syntaxes[i], NULL,
                                          DIMSE_ROLE_DEFAULT);
  if (cancellable != NULL)
    {
      CancelRelay *relay = g_new0 (CancelRelay, 1);

      relay->engine = g_object_ref (engine);
      relay->worker_cancellable = g_object_ref (test->cancellable);
      g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), relay, cancel_relay_free);
    }
  bench_engine_invoke (engine, start_on_worker, test, NULL);
}

BenchNodeTestResult *
bench_node_test_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
bench_node_test_error_title (const GError *error)
{
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED)
    return _("Test cancelled");
  if (error->domain == DIMSE_WEB_ERROR)
    switch (error->code)
      {
      case DIMSE_WEB_ERROR_CONNECTION: return _("No connection");
      case DIMSE_WEB_ERROR_UNAUTHORIZED: return _("Not authorized");
      case DIMSE_WEB_ERROR_FORBIDDEN: return _("Access forbidden");
      case DIMSE_WEB_ERROR_NOT_FOUND: return _("Not found");
      case DIMSE_WEB_ERROR_UNAVAILABLE: return _("Service unavailable");
      case DIMSE_WEB_ERROR_RESPONSE_INVALID: return _("The server broke the protocol");
      default: return _("Test failed");
      }
  if (error->domain != DIMSE_ERROR)
    return _("Test failed");
  switch (error->code)
    {
    case DIMSE_ERROR_ASSOCIATION_REJECTED: return _("Association rejected");
    case DIMSE_ERROR_ASSOCIATION_ABORTED: return _("Association aborted");
    case DIMSE_ERROR_CONNECTION: return _("No connection");
    case DIMSE_ERROR_TIMEOUT: return _("No answer in time");
    case DIMSE_ERROR_PDU_INVALID:
    case DIMSE_ERROR_PDU_UNEXPECTED:
    case DIMSE_ERROR_PDU_TOO_LARGE:
      return _("The peer broke the protocol");
    default:
      return _("Test failed");
    }
}
