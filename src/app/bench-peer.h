/* bench-peer.h — what an operation needs of a node and of the local AE,
 * copied on the UI thread so the worker never touches a BenchNode, and the
 * association request every operation starts with */
#pragma once

#include <gio/gio.h>

#include "bench-engine.h"
#include "bench-node.h"
#include "dimse-association.h"
#include "dimse-web-client.h"

G_BEGIN_DECLS

typedef struct {
  char               *name;              /* the node's, for messages */
  char               *called_ae_title;
  char               *calling_ae_title;  /* the local AE's */
  char               *host;
  guint16             port;
  DimseTlsSettings   *tls;               /* NULL: no TLS */
  BenchQueryModel     query_model;
  BenchRetrieveMethod retrieve_method;
  char               *move_destination;  /* never empty: the node's, or the local AE */
  char               *charset;           /* Specific Character Set term, or NULL */
  guint               timeout_s;
  guint               max_pdu;
  char               *storage_folder;    /* the local AE's, for C-GET and WADO-RS */
  BenchNodeKind       kind;
  char               *url;               /* DICOMweb: the base URL */
  BenchWebAuth        auth;
  char               *username;
  char               *secret;            /* the password or token, or NULL */
  char               *web_ca_file;       /* DICOMweb over HTTPS: the CA to trust, or NULL */
  BenchEngine        *engine;            /* not a reference: used on the worker,
                                            which stops before the engine goes */
} BenchPeer;

/* Copies node and the engine's local AE (UI thread). */
BenchPeer *bench_peer_new (BenchEngine *engine, BenchNode *node);
BenchPeer *bench_peer_copy (const BenchPeer *peer);
void       bench_peer_free (BenchPeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchPeer, bench_peer_free)

/* The model's SOP Class for "FIND", "MOVE" or "GET" (PS3.4 C.6). */
const char *bench_peer_model_uid (const BenchPeer *peer, const char *operation);
/* Calling and called AE title, max PDU; no contexts yet. */
DimseAssociationParams *bench_peer_build_params (const BenchPeer *peer);
/* On the worker: bench_engine_request_association (recorded in the
 * engine's traffic recorder) with the peer's timeouts and TLS; finish with
 * dimse_association_request_finish. */
void       bench_peer_request_async (const BenchPeer *peer, const DimseAssociationParams *params,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);

/* On the worker: a DICOMweb client of a web peer with its authentication,
 * CA and timeout; NULL with the error for a URL it cannot use. */
DimseWebClient *bench_peer_new_web_client (const BenchPeer *peer, GError **error);

G_END_DECLS
