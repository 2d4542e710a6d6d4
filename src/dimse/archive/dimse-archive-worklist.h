/* dimse-archive-worklist.h — the archive's Modality Worklist (PS3.4
 * Annex K): scheduled procedure steps, each a data set with the
 * attributes of Table K.6-1, read from a folder of files or made in
 * memory, matched against C-FIND identifiers by the archive's matcher */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"
#include "dimse-archive-demo.h"
#include "dimse-archive-match.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_ARCHIVE_WORKLIST (dimse_archive_worklist_get_type ())
G_DECLARE_FINAL_TYPE (DimseArchiveWorklist, dimse_archive_worklist, DIMSE, ARCHIVE_WORKLIST,
                      GObject)

/* The worklist of folder: each regular file directly in it whose name ends
 * in .wl or .dcm (hidden files skipped), a Part 10 file or a bare data set
 * (as DCMTK's wlmscpfs reads them), in the order of the names. Read at the
 * first _refresh or _find and again whenever a file was added, removed or
 * changed (name, size or modification time). Thread-safe. */
DimseArchiveWorklist *dimse_archive_worklist_new_for_folder (const char *folder);
/* A fixed worklist of items (DcmDataSet*; referenced, not copied: leave
 * them unchanged). */
DimseArchiveWorklist *dimse_archive_worklist_new_for_items (GPtrArray *items);
/* The demo worklist of options (dimse_archive_demo_worklist), made for
 * the local date and again once that date has changed. */
DimseArchiveWorklist *dimse_archive_worklist_new_demo (const DimseArchiveDemoOptions *options);

/* The folder of _new_for_folder, else NULL. */
const char *dimse_archive_worklist_get_folder (DimseArchiveWorklist *worklist);

/* Brings the items up to date; blocks on the file system, so call it from
 * a worker. Files that do not read are left out, logged with g_debug and
 * counted in *out_n_skipped (may be NULL). Errors: G_IO_ERROR when the
 * folder cannot be listed, G_IO_ERROR_CANCELLED. */
gboolean dimse_archive_worklist_refresh (DimseArchiveWorklist *worklist, guint *out_n_skipped,
                                         GCancellable *cancellable, GError **error);
/* The items as last read. */
guint    dimse_archive_worklist_get_n_items (DimseArchiveWorklist *worklist);

/* C-FIND of the Modality Worklist Information Model (PS3.4 §K.4.1.3):
 * refreshes, then returns a new response identifier for each item that
 * matches every key of identifier (PS3.4 §C.2.2.2: single value, universal,
 * wild card, range, list of UIDs, PN without regard to case; the Scheduled
 * Procedure Step Sequence by sequence matching), in the items' order, at
 * most max_results (0: no limit). Each holds the keys of identifier only,
 * with the item's values (empty where it has none; of a sequence key the
 * items that matched, with the keys of the key's item), and the item's
 * Specific Character Set when a value needs it. A Query/Retrieve Level,
 * which the worklist does not have (PS3.4 §K.6.1.1.2), is ignored.
 * Errors: DIMSE_ERROR_MESSAGE_INVALID naming the key that cannot be
 * matched (the SCP answers 0xA900), those of _refresh. */
GPtrArray *dimse_archive_worklist_find (DimseArchiveWorklist *worklist, DcmDataSet *identifier,
                                        guint max_results, GCancellable *cancellable,
                                        GError **error);
/* As _find, matching as the association's extended negotiation agreed
 * (PS3.4 §K.5.1): fuzzy semantic matching of person names, and the
 * Scheduled Procedure Step Start Date and Time as one date-time range. */
GPtrArray *dimse_archive_worklist_find_full (DimseArchiveWorklist *worklist,
                                             DcmDataSet *identifier, DimseMatchFlags flags,
                                             guint max_results, GCancellable *cancellable,
                                             GError **error);

G_END_DECLS
