/* dimse-probe-private.h — what the probe's files share */
#pragma once

#include "dimse-probe.h"

G_BEGIN_DECLS

/* Query/Retrieve SOP classes with C-FIND (PS3.4 §C.5.1), and with C-MOVE
 * or C-GET (§C.5.2, §C.5.3): their extended negotiation differs. */
gboolean    dimse_probe_sop_class_is_qr_find (const char *sop_class_uid);
gboolean    dimse_probe_sop_class_is_qr_retrieve (const char *sop_class_uid);
/* The called AE title; *host and *port (not copied). */
const char *dimse_probe_get_peer_description (DimseProbe *probe, const char **host,
                                              guint16 *port);

G_END_DECLS
