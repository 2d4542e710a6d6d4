/* bench-composer-op.c — a composed DIMSE request on the engine's worker */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-composer-op.h"
#include "bench-peer.h"
#include "bench-tools-op.h"
#include "dcm-json.h"
#include "dcm-uid.h"
#include "dimse-echo.h"
#include "dimse-find.h"
#include "dimse-nservice.h"
#include "dimse-status.h"

typedef struct {
  GTask *task;                   /* on the UI context */
  GCancellable *cancellable;     /* the worker's own */
  BenchPeer *peer;
  BenchComposerRequest *request;
  DimseAssociationParams *params;
  DimseAssociation *assoc;
  DimseFindJob *find_job;
  GString *matches;
  guint n_matches;
} ComposerOp;

BenchComposerRequest *
bench_composer_request_new (DimseCommandField command)
{
  BenchComposerRequest *request = g_new0 (BenchComposerRequest, 1);

  request->command = command;
  request->attribute_tags = g_array_new (FALSE, FALSE, sizeof (guint32));
  return request;
}

void
bench_composer_request_free (BenchComposerRequest *request)
{
  g_free (request->sop_class_uid);
  g_free (request->sop_instance_uid);
  g_clear_pointer (&request->attribute_tags, g_array_unref);
  g_clear_pointer (&request->data_set, dcm_data_set_unref);
  g_free (request);
}

void
bench_composer_result_free (BenchComposerResult *result)
{
  g_free (result->status_text);
  g_free (result->response);
  g_free (result);
}

static void
on_released (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dimse_association_release_finish (DIMSE_ASSOCIATION (source), res, &error))
    g_debug ("Composer: the release failed: %s", error->message);
}

static void
composer_op_free (ComposerOp *op)
{
  if (op->assoc != NULL && dimse_association_is_established (op->assoc))
    dimse_association_release_async (op->assoc, NULL, on_released, NULL);
  g_clear_object (&op->task);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->peer, bench_peer_free);
  g_clear_pointer (&op->request, bench_composer_request_free);
  g_clear_pointer (&op->params, dimse_association_params_free);
  g_clear_object (&op->assoc);
  g_clear_object (&op->find_job);
  if (op->matches != NULL)
    g_string_free (op->matches, TRUE);
  g_free (op);
}

static void
fail (ComposerOp *op, GError *error)
{
  g_task_return_error (op->task, error);
  composer_op_free (op);
}

static void
succeed (ComposerOp *op, guint16 status, char *status_text, char *response)
{
  BenchComposerResult *result = g_new0 (BenchComposerResult, 1);

  result->status = status;
  result->status_text = status_text;
  result->response = response;
  g_task_return_pointer (op->task, result, (GDestroyNotify) bench_composer_result_free);
  composer_op_free (op);
}

static char *
describe_data_set (DcmDataSet *ds)
{
  g_autoptr(GError) error = NULL;
  char *json;

  if (ds == NULL)
    return g_strdup (_("No data set"));
  json = dcm_json_to_string (ds, TRUE, NULL, &error);
  return json != NULL ? json : g_strdup (error->message);
}

/* ---- C-ECHO ---- */

static void
on_echoed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ComposerOp *op = user_data;
  GError *error = NULL;
  guint16 status = 0;

  if (!dimse_echo_finish (DIMSE_ASSOCIATION (source), res, &status, &error))
    {
      fail (op, error);
      return;
    }
  succeed (op, status, dimse_status_describe (status, DIMSE_C_ECHO_RQ, NULL),
           g_strdup (_("C-ECHO-RSP, no data set")));
}

/* ---- C-FIND ---- */

static void
on_match (DimseFindJob *job, DcmDataSet *identifier, ComposerOp *op)
{
  g_autofree char *json = describe_data_set (identifier);

  op->n_matches++;
  g_string_append_printf (op->matches, _("Match %u:\n%s\n"), op->n_matches, json);
}

static void
on_found (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ComposerOp *op = user_data;
  g_autoptr(GError) error = NULL;
  guint16 status = 0;
  char *text;

  if (!dimse_find_finish (DIMSE_ASSOCIATION (source), res, &status, &error))
    {
      if (error->domain != DIMSE_STATUS_ERROR)
        {
          fail (op, g_steal_pointer (&error));
          return;
        }
      status = (guint16) error->code;
    }
  text = g_strdup_printf (ngettext ("C-FIND-RSP: %u match\n%s", "C-FIND-RSP: %u matches\n%s",
                                    op->n_matches),
                          op->n_matches, op->matches->str);
  succeed (op, status, dimse_status_describe (status, DIMSE_C_FIND_RQ, NULL), text);
}

/* ---- DIMSE-N ---- */

static void
on_n_answered (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ComposerOp *op = user_data;
  GError *error = NULL;
  g_autoptr(DimseNResult) result = dimse_n_request_finish (DIMSE_ASSOCIATION (source), res,
                                                           &error);
  g_autofree char *data_set = NULL;
  GString *text;

  if (result == NULL)
    {
      fail (op, error);
      return;
    }
  text = g_string_new (dimse_command_field_name (result->command));
  if (result->affected_sop_instance_uid != NULL)
    g_string_append_printf (text, _(", Affected SOP Instance UID %s"),
                            result->affected_sop_instance_uid);
  data_set = describe_data_set (result->data_set);
  g_string_append_printf (text, "\n%s", data_set);
  succeed (op, result->status, g_strdup (result->description), g_string_free (text, FALSE));
}

static void
send_request (ComposerOp *op)
{
  const BenchComposerRequest *request = op->request;
  DimseNRequest n = { 0 };

  switch (request->command)
    {
    case DIMSE_C_ECHO_RQ:
      dimse_echo_async (op->assoc, op->cancellable, on_echoed, op);
      return;
    case DIMSE_C_FIND_RQ:
      op->matches = g_string_new (NULL);
      op->find_job = dimse_find_job_new ();
      g_signal_connect (op->find_job, "result", G_CALLBACK (on_match), op);
      dimse_find_async (op->assoc, request->sop_class_uid, request->data_set, 0, op->find_job,
                        op->cancellable, on_found, op);
      return;
    default:
      n.command = request->command;
      n.sop_class_uid = request->sop_class_uid;
      n.sop_instance_uid = request->sop_instance_uid;
      n.type_id = request->type_id;
      n.attribute_tags = (const guint32 *) (gpointer) request->attribute_tags->data;
      n.n_attribute_tags = request->attribute_tags->len;
      n.data_set = request->data_set;
      dimse_n_request_async (op->assoc, &n, op->cancellable, on_n_answered, op);
      return;
    }
}

static void
on_associated (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ComposerOp *op = user_data;
  GError *error = NULL;

  op->assoc = dimse_association_request_finish (res, &error);
  if (op->assoc == NULL)
    {
      fail (op, error);
      return;
    }
  send_request (op);
}

static gboolean
start_on_worker (gpointer data)
{
  ComposerOp *op = data;
  DimseAssociationParams *params = bench_peer_build_params (op->peer);

  op->params = params;

  if (op->request->command != DIMSE_C_ECHO_RQ && op->request->sop_class_uid != NULL)
    dimse_association_params_add_context (params, op->request->sop_class_uid, NULL,
                                          DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  bench_peer_request_async (op->peer, params, op->cancellable, on_associated, op);
  return G_SOURCE_REMOVE;
}

void
bench_composer_op_send_async (BenchEngine *engine, BenchNode *node,
                              BenchComposerRequest *request, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  ComposerOp *op = g_new0 (ComposerOp, 1);

  op->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, bench_composer_op_send_async);
  g_task_set_check_cancellable (op->task, FALSE);
  op->cancellable = g_cancellable_new ();
  op->peer = bench_peer_new (engine, node);
  op->request = request;
  bench_tools_relay_cancel (engine, cancellable, op->cancellable);
  bench_engine_invoke (engine, start_on_worker, op, NULL);
}

BenchComposerResult *
bench_composer_op_send_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
