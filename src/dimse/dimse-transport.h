/* dimse-transport.h — the TCP (or TLS) connection that carries the upper
 * layer PDUs of PS3.8 §9.3: framing on read, queued vectored writes */
#pragma once

#include <gio/gio.h>

#include "dimse-pdu.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_TRANSPORT (dimse_transport_get_type ())
G_DECLARE_FINAL_TYPE (DimseTransport, dimse_transport, DIMSE, TRANSPORT, GObject)

/* TLS (PS3.15 Annex B.1) through GTlsConnection: a certificate and its key
 * (PEM files) for our side, and the CA file to check the peer's with. A
 * NULL DimseTlsSettings or one without certificate_file on the requestor
 * means no client certificate; verify_peer FALSE accepts any peer. */
typedef struct {
  char     *certificate_file;
  char     *key_file;
  char     *ca_file;
  gboolean  verify_peer;
} DimseTlsSettings;

/* A copy of tls (NULL for NULL), freed with dimse_tls_settings_free. */
DimseTlsSettings *dimse_tls_settings_copy (const DimseTlsSettings *tls);
void              dimse_tls_settings_free (DimseTlsSettings *tls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseTlsSettings, dimse_tls_settings_free)

/* Wraps an open connection; sets TCP_NODELAY on its socket when it has
 * one. Reads and writes run on the thread-default main context of the
 * caller of each _async function. */
DimseTransport *dimse_transport_new (GIOStream *stream);

/* Connects to host:port (a name, an IPv4 or an IPv6 address) within
 * timeout_ms (0 = the default of 30 s), then, when tls is not NULL, does the
 * TLS handshake. Errors: DIMSE_ERROR_CONNECTION naming host:port and the
 * system's reason, DIMSE_ERROR_TIMEOUT, G_IO_ERROR_CANCELLED. */
void            dimse_transport_connect_async (const char *host, guint16 port, guint timeout_ms,
                                               const DimseTlsSettings *tls,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
DimseTransport *dimse_transport_connect_finish (GAsyncResult *result, GError **error);

/* The server side of TLS on an accepted connection: a new transport over a
 * GTlsServerConnection whose handshake has completed. */
void            dimse_transport_accept_tls_async (GIOStream *stream, const DimseTlsSettings *tls,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
DimseTransport *dimse_transport_accept_tls_finish (GAsyncResult *result, GError **error);

/* Reads one whole PDU (header and body). The header is checked against
 * limits before the body is read, and the body buffer grows as its bytes
 * arrive. Only one read may be outstanding. Errors: DIMSE_ERROR_CONNECTION
 * when the peer closed the connection or it failed, DIMSE_ERROR_PDU_INVALID
 * or _PDU_TOO_LARGE from the header check with *abort_reason set (may be
 * NULL), G_IO_ERROR_CANCELLED. */
void     dimse_transport_read_pdu_async (DimseTransport *transport, const DimsePduLimits *limits,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
GBytes  *dimse_transport_read_pdu_finish (DimseTransport *transport, GAsyncResult *result,
                                          DimseAbortReason *abort_reason, GError **error);

/* The next PDU when it is already whole in the read buffer (no system
 * call, no main loop pass), checked against limits as
 * dimse_transport_read_pdu_async checks it; NULL without error when it is
 * not, NULL with error (and *abort_reason, may be NULL) when its header
 * breaks the limits. Only while no read is outstanding. */
GBytes  *dimse_transport_take_buffered_pdu (DimseTransport *transport,
                                            const DimsePduLimits *limits,
                                            DimseAbortReason *abort_reason, GError **error);

/* Writes the buffers in order with vectored writes, after every write
 * queued before it; buffers (GBytes*) is referenced, not copied. What the
 * socket takes at once is written before the call returns. */
void     dimse_transport_write_async (DimseTransport *transport, GPtrArray *buffers,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean dimse_transport_write_finish (DimseTransport *transport, GAsyncResult *result,
                                       GError **error);

/* When a write has made no progress for timeout_ms (the peer reads
 * nothing), the transport is closed and the write fails with
 * DIMSE_ERROR_TIMEOUT. 0 (the default) = no limit. */
void     dimse_transport_set_write_timeout (DimseTransport *transport, guint timeout_ms);
/* When a write last made progress (g_get_monotonic_time), or 0. */
gint64   dimse_transport_get_last_write_progress (DimseTransport *transport);

/* Closes the connection; pending reads and writes fail. Idempotent. */
void         dimse_transport_close (DimseTransport *transport);
gboolean     dimse_transport_is_closed (DimseTransport *transport);
/* The stream PDUs go over: a GSocketConnection, or a GTlsConnection. */
GIOStream   *dimse_transport_get_stream (DimseTransport *transport);
/* The TCP endpoints (new references), or NULL when not a TCP connection. */
GInetSocketAddress *dimse_transport_get_local_address (DimseTransport *transport);
GInetSocketAddress *dimse_transport_get_remote_address (DimseTransport *transport);
/* "127.0.0.1:104", "[::1]:11112", or "unknown peer". */
const char  *dimse_transport_get_peer_name (DimseTransport *transport);

G_END_DECLS
