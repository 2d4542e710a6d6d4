/* dimse-server.h — the association acceptor: listens on a TCP port and
 * answers each A-ASSOCIATE-RQ by its policy (PS3.8 §7.1, PS3.7 Annex D) */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_SERVER (dimse_server_get_type ())
G_DECLARE_FINAL_TYPE (DimseServer, dimse_server, DIMSE, SERVER, GObject)

#define DIMSE_SERVER_DEFAULT_MAX_ASSOCIATIONS 32
#define DIMSE_SERVER_DEFAULT_MAX_WAITING_CONNECTIONS 64

/* Takes policy. timeouts may be NULL (defaults); their ARTIM is the
 * deadline for the A-ASSOCIATE-RQ after a connection is accepted, and
 * before that for the TLS handshake when there is one. The
 * server and its associations run on the thread-default main context of
 * this call. */
DimseServer *dimse_server_new (DimseAcceptorPolicy *policy, const DimseTimeouts *timeouts);

/* Listens on address (an IPv4 or IPv6 literal such as "127.0.0.1" or "::1";
 * NULL for every address of both families) and port (0: one the system
 * picks, see dimse_server_get_port). May be called again for another
 * address; port 0 then reuses the port already bound. Errors:
 * DIMSE_ERROR_CONNECTION naming the address and port. */
gboolean     dimse_server_listen (DimseServer *server, const char *address, guint16 port,
                                  GError **error);
/* The port listened on; 0 before dimse_server_listen. */
guint16      dimse_server_get_port (DimseServer *server);
/* Stops accepting connections for good and cancels the negotiations under
 * way; established associations go on. */
void         dimse_server_stop (DimseServer *server);

/* Beyond this many associations at once (established, or whose
 * A-ASSOCIATE-RQ is being answered), an A-ASSOCIATE-RQ is answered with
 * A-ASSOCIATE-RJ (transient, service provider presentation, local limit
 * exceeded). Connections that have not sent their -RQ do not count: they
 * have their own cap. 0 = no limit. */
void         dimse_server_set_max_associations (DimseServer *server, guint max_associations);
/* Connections accepted that have not sent their A-ASSOCIATE-RQ yet (in the
 * TLS handshake or waiting for the -RQ, each for at most ARTIM): when one
 * more arrives with this many waiting, the one that has waited longest is
 * closed ("association-failed" says so). 0 = no limit. */
void         dimse_server_set_max_waiting_connections (DimseServer *server, guint max_waiting);
guint        dimse_server_get_n_waiting_connections (DimseServer *server);
/* The largest A-ASSOCIATE-RQ (PDU length) a connection may send; a longer
 * one is answered with A-ABORT before its body is read. 0 (the default) =
 * DIMSE_PDU_DEFAULT_MAX_ASSOCIATE_LENGTH, 64 KiB: raise it for peers that
 * propose many presentation contexts or a large user identity. */
void         dimse_server_set_max_associate_rq_length (DimseServer *server,
                                                       guint32 max_length);
/* Asked for every A-ASSOCIATE-RQ with its calling AE title and the address
 * it came from; FALSE answers it with A-ASSOCIATE-RJ (rejected permanent,
 * service user, calling AE title not recognized). NULL: none. destroy is
 * called on user_data when replaced or when the server is finalized. */
void         dimse_server_set_peer_func (DimseServer *server, DimseAcceptPeerFunc func,
                                         gpointer user_data, GDestroyNotify destroy);
/* TLS on every accepted connection; NULL for plain TCP. Copied. */
void         dimse_server_set_tls (DimseServer *server, const DimseTlsSettings *tls);
DimseAcceptorPolicy *dimse_server_get_policy (DimseServer *server);
/* Records the traffic of every association accepted from now on (NULL:
 * none); the server keeps a reference. */
void         dimse_server_set_recorder (DimseServer *server, DimseRecorder *recorder);
/* Established associations not yet closed. */
guint        dimse_server_get_n_associations (DimseServer *server);

/* Signals:
 * "association-started" (DimseAssociation *): the -AC was sent; connect
 *   to its "request-received" here.
 * "association-failed" (const char *why): a connection that did not become
 *   an association (rejected, ARTIM expired, aborted, TLS failed, closed to
 *   make room for a newer one). */

G_END_DECLS
