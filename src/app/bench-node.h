/* bench-node.h — a remote AE the user configured (or the demo archive):
 * what the sidebar lists and every operation needs */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BENCH_TYPE_NODE (bench_node_get_type ())
G_DECLARE_FINAL_TYPE (BenchNode, bench_node, BENCH, NODE, GObject)

typedef enum {
  BENCH_QUERY_MODEL_STUDY_ROOT,
  BENCH_QUERY_MODEL_PATIENT_ROOT,
} BenchQueryModel;

typedef enum {
  BENCH_RETRIEVE_MOVE,
  BENCH_RETRIEVE_GET,
} BenchRetrieveMethod;

typedef enum {
  BENCH_NODE_KIND_DIMSE,
  BENCH_NODE_KIND_WEB,         /* DICOMweb (PS3.18): QIDO-RS, WADO-RS */
} BenchNodeKind;

typedef enum {
  BENCH_WEB_AUTH_NONE,
  BENCH_WEB_AUTH_BASIC,        /* RFC 7617: username and password */
  BENCH_WEB_AUTH_BEARER,       /* RFC 6750: a token */
} BenchWebAuth;

/* Properties (all read-write, notify on change):
 * "id" (string, stable across renames), "name", "ae-title", "host",
 * "port" (uint), "tls" (boolean), "tls-cert", "tls-key", "tls-ca"
 * (strings, paths), "query-model" (BenchQueryModel as uint),
 * "retrieve-method" (BenchRetrieveMethod as uint), "move-destination"
 * (AE title; empty: the local AE), "charset" (Specific Character Set term
 * for queries, empty: none), "timeout" (seconds, uint), "max-pdu" (uint),
 * "is-demo" (boolean: the embedded archive, not stored);
 * "kind" (BenchNodeKind as uint), for DICOMweb nodes "url" (the
 * service's base URL), "auth" (BenchWebAuth as uint), "username";
 * "secret" (the password or token: never stored in the node file, see
 * bench-secrets.h). */
BenchNode  *bench_node_new (void);
BenchNode  *bench_node_copy (BenchNode *node);   /* a new id */
const char *bench_node_get_id (BenchNode *node);
const char *bench_node_get_name (BenchNode *node);
const char *bench_node_get_ae_title (BenchNode *node);
const char *bench_node_get_host (BenchNode *node);
guint       bench_node_get_port (BenchNode *node);
gboolean    bench_node_get_tls (BenchNode *node);
const char *bench_node_get_tls_cert (BenchNode *node);
const char *bench_node_get_tls_key (BenchNode *node);
const char *bench_node_get_tls_ca (BenchNode *node);
BenchQueryModel     bench_node_get_query_model (BenchNode *node);
BenchRetrieveMethod bench_node_get_retrieve_method (BenchNode *node);
const char *bench_node_get_move_destination (BenchNode *node);
const char *bench_node_get_charset (BenchNode *node);
guint       bench_node_get_timeout (BenchNode *node);
guint       bench_node_get_max_pdu (BenchNode *node);
gboolean    bench_node_get_is_demo (BenchNode *node);
BenchNodeKind bench_node_get_kind (BenchNode *node);
const char *bench_node_get_url (BenchNode *node);
BenchWebAuth bench_node_get_auth (BenchNode *node);
const char *bench_node_get_username (BenchNode *node);
const char *bench_node_get_secret (BenchNode *node);

JsonNode   *bench_node_to_json (BenchNode *node);
BenchNode  *bench_node_new_from_json (JsonNode *json, GError **error);

G_END_DECLS
