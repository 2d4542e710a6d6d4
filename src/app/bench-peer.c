/* bench-peer.c — a node's settings copied for the worker */
#include "config.h"

#include <string.h>

#include "bench-peer.h"
#include "bench-secrets.h"
#include "dcm-uids.h"

static char *
dup_nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

BenchPeer *
bench_peer_new (BenchEngine *engine, BenchNode *node)
{
  BenchPeer *peer = g_new0 (BenchPeer, 1);
  const char *local_ae = bench_engine_get_local_ae_title (engine);

  peer->name = g_strdup (bench_node_get_name (node));
  peer->called_ae_title = g_strdup (bench_node_get_ae_title (node));
  peer->calling_ae_title = g_strdup (local_ae != NULL ? local_ae : "DIMSEBENCH");
  peer->host = g_strdup (bench_node_get_host (node));
  peer->port = (guint16) bench_node_get_port (node);
  if (bench_node_get_tls (node))
    {
      peer->tls = g_new0 (DimseTlsSettings, 1);
      peer->tls->certificate_file = dup_nonempty (bench_node_get_tls_cert (node));
      peer->tls->key_file = dup_nonempty (bench_node_get_tls_key (node));
      peer->tls->ca_file = dup_nonempty (bench_node_get_tls_ca (node));
      peer->tls->verify_peer = peer->tls->ca_file != NULL;
    }
  peer->query_model = bench_node_get_query_model (node);
  peer->retrieve_method = bench_node_get_retrieve_method (node);
  peer->move_destination = dup_nonempty (bench_node_get_move_destination (node));
  if (peer->move_destination == NULL)
    peer->move_destination = g_strdup (peer->calling_ae_title);
  peer->charset = dup_nonempty (bench_node_get_charset (node));
  peer->timeout_s = bench_node_get_timeout (node);
  peer->max_pdu = bench_node_get_max_pdu (node);
  peer->storage_folder = g_strdup (bench_engine_get_storage_folder (engine));
  peer->engine = engine;
  peer->kind = bench_node_get_kind (node);
  if (peer->kind == BENCH_NODE_KIND_WEB)
    {
      /* QIDO-RS has no patient level (PS3.18 §10.6) and WADO-RS brings
       * the instances to us as C-GET does. */
      peer->query_model = BENCH_QUERY_MODEL_STUDY_ROOT;
      peer->retrieve_method = BENCH_RETRIEVE_GET;
      peer->url = g_strdup (bench_node_get_url (node));
      peer->auth = bench_node_get_auth (node);
      peer->username = g_strdup (bench_node_get_username (node));
      if (peer->auth != BENCH_WEB_AUTH_NONE)
        peer->secret = g_strdup (bench_secrets_lookup (node));
      peer->web_ca_file = dup_nonempty (bench_node_get_tls_ca (node));
    }
  return peer;
}

BenchPeer *
bench_peer_copy (const BenchPeer *peer)
{
  BenchPeer *copy = g_memdup2 (peer, sizeof *peer);

  copy->name = g_strdup (peer->name);
  copy->called_ae_title = g_strdup (peer->called_ae_title);
  copy->calling_ae_title = g_strdup (peer->calling_ae_title);
  copy->host = g_strdup (peer->host);
  if (peer->tls != NULL)
    {
      copy->tls = g_memdup2 (peer->tls, sizeof *peer->tls);
      copy->tls->certificate_file = g_strdup (peer->tls->certificate_file);
      copy->tls->key_file = g_strdup (peer->tls->key_file);
      copy->tls->ca_file = g_strdup (peer->tls->ca_file);
    }
  copy->move_destination = g_strdup (peer->move_destination);
  copy->charset = g_strdup (peer->charset);
  copy->storage_folder = g_strdup (peer->storage_folder);
  copy->url = g_strdup (peer->url);
  copy->username = g_strdup (peer->username);
  copy->secret = g_strdup (peer->secret);
  copy->web_ca_file = g_strdup (peer->web_ca_file);
  return copy;
}

void
bench_peer_free (BenchPeer *peer)
{
  if (peer == NULL)
    return;
  g_free (peer->name);
  g_free (peer->called_ae_title);
  g_free (peer->calling_ae_title);
  g_free (peer->host);
  if (peer->tls != NULL)
    {
      g_free (peer->tls->certificate_file);
      g_free (peer->tls->key_file);
      g_free (peer->tls->ca_file);
      g_free (peer->tls);
    }
  g_free (peer->move_destination);
  g_free (peer->charset);
  g_free (peer->storage_folder);
  g_free (peer->url);
  g_free (peer->username);
  g_free (peer->secret);
  g_free (peer->web_ca_file);
  g_free (peer);
}

const char *
bench_peer_model_uid (const BenchPeer *peer, const char *operation)
{
  gboolean patient = peer->query_model == BENCH_QUERY_MODEL_PATIENT_ROOT;

  if (strcmp (operation, "MOVE") == 0)
    return patient ? DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE
                   : DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE;
  if (strcmp (operation, "GET") == 0)
    return patient ? DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET
                   : DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET;
  return patient ? DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND
                 : DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND;
}

DimseAssociationParams *
bench_peer_build_params (const BenchPeer *peer)
{
  DimseAssociationParams *params =
    dimse_association_params_new (peer->calling_ae_title, peer->called_ae_title);

  if (peer->max_pdu > 0)
    params->max_pdu_length = peer->max_pdu;
  return params;
}

void
bench_peer_request_async (const BenchPeer *peer, const DimseAssociationParams *params,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  DimseTimeouts timeouts;

  dimse_timeouts_init (&timeouts);
  if (peer->timeout_s > 0)
    {
      timeouts.connect_timeout_ms = peer->timeout_s * 1000;
      timeouts.artim_timeout_ms = peer->timeout_s * 1000;
      timeouts.dimse_timeout_ms = peer->timeout_s * 1000;
    }
  bench_engine_request_association (peer->engine, params, peer->name, peer->host, peer->port,
                                    &timeouts, peer->tls, cancellable, callback, user_data);
}

/* One DICOMweb operation (the requests of one client) in the Traffic page. */
typedef struct {
  BenchTrafficModel *traffic;
  guint operation_id;
  char *name;
  char *base_url;
} WebTraffic;

static void
web_traffic_free (gpointer data, GClosure *closure)
{
  WebTraffic *traffic = data;

  g_object_unref (traffic->traffic);
  g_free (traffic->name);
  g_free (traffic->base_url);
  g_free (traffic);
}

static void
on_exchange (DimseWebClient *client, DimseWebExchange *exchange, gpointer user_data)
{
  WebTraffic *traffic = user_data;

  bench_traffic_model_record_web (traffic->traffic, traffic->operation_id, traffic->name,
                                  traffic->base_url, exchange);
}

DimseWebClient *
bench_peer_new_web_client (const BenchPeer *peer, GError **error)
{
  g_autoptr(DimseWebClient) client = dimse_web_client_new (peer->url, error);
  WebTraffic *traffic;

  if (client == NULL)
    return NULL;
  if (peer->auth == BENCH_WEB_AUTH_BASIC)
    dimse_web_client_set_basic_auth (client, peer->username,
                                     peer->secret != NULL ? peer->secret : "");
  else if (peer->auth == BENCH_WEB_AUTH_BEARER && peer->secret != NULL)
    dimse_web_client_set_bearer_token (client, peer->secret);
  if (peer->web_ca_file != NULL && !dimse_web_client_set_ca_file (client, peer->web_ca_file, error))
    return NULL;
  dimse_web_client_set_timeout (client, peer->timeout_s);
  traffic = g_new0 (WebTraffic, 1);
  traffic->traffic = g_object_ref (bench_engine_get_traffic (peer->engine));
  traffic->operation_id = bench_traffic_model_new_web_operation (traffic->traffic);
  traffic->name = g_strdup (peer->name);
  traffic->base_url = g_strdup (peer->url);
  g_signal_connect_data (client, "exchange-details", G_CALLBACK (on_exchange), traffic,
                         web_traffic_free, 0);
  return g_steal_pointer (&client);
}
