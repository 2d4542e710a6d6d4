/* dimse-echo.h — the Verification SOP Class (PS3.4 Annex A): C-ECHO as
 * SCU on a requested association and as SCP on an accepted one */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"

G_BEGIN_DECLS

/* Sends a C-ECHO-RQ on the accepted Verification context of assoc and
 * waits for its response. Errors: DIMSE_ERROR_NO_PRESENTATION_CONTEXT when
 * Verification was not accepted, and those of sending and receiving. */
void     dimse_echo_async (DimseAssociation *assoc, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
/* TRUE when a response arrived; *out_status (may be NULL) is its Status. */
gboolean dimse_echo_finish (DimseAssociation *assoc, GAsyncResult *result,
                            guint16 *out_status, GError **error);

/* Answers every C-ECHO-RQ that arrives on assoc with Success (0000H).
 * Returns the "request-received" handler ID. */
gulong   dimse_echo_scp_attach (DimseAssociation *assoc);

G_END_DECLS
