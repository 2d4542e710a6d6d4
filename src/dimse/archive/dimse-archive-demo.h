/* dimse-archive-demo.h — the synthetic archive behind `dimse serve --demo`
 * and the application's "Demo archive": generated, deterministic */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  guint n_patients;   /* 0: the default, 36 */
  guint seed;         /* 0: the default; the same seed gives the same bytes */
  gboolean small;     /* tiny pixel data (8×8) for tests; otherwise 64×64 to 256×256 */
} DimseArchiveDemoOptions;

/* Writes the demo archive into folder (created if missing; files already
 * there with the same names are replaced atomically): CT, MR, CR and US
 * studies, several series each, patient names in ISO_IR 100 (Latin-1),
 * ISO_IR 192 (UTF-8) and ISO 2022 IR 87 (Japanese), every UID derived
 * from the seed under the project's UID root, so two runs give the same
 * files byte for byte. options may be NULL. Returns the number of
 * instances written. Errors: G_IO_ERROR from the file system. */
guint dimse_archive_demo_generate (const char *folder, const DimseArchiveDemoOptions *options,
                                   GCancellable *cancellable, GError **error);

/* The demo archive of options in folder, generated only when the stamp
 * the last generation left there (".dimsebench-demo.stamp", written last
 * and atomically) names another generator or other options, or a file it
 * lists is missing or has another size; otherwise the files are left as
 * they are. *out_n_instances (may be NULL): the instances generated.
 * Errors: as dimse_archive_demo_generate. */
gboolean dimse_archive_demo_ensure (const char *folder, const DimseArchiveDemoOptions *options,
                                    guint *out_n_instances, GCancellable *cancellable,
                                    GError **error);
/* Whether dimse_archive_demo_ensure would leave folder as it is. */
gboolean dimse_archive_demo_is_current (const char *folder,
                                        const DimseArchiveDemoOptions *options);

/* The demo Modality Worklist (PS3.4 Annex K) for date: one scheduled
 * procedure step for each of the first 12 patients of the demo archive of
 * options (fewer when it has fewer), on date from 08:00 every half hour,
 * modalities CT, MR, CR and US in turn, Scheduled Station AE Titles CT01,
 * MR01, CR01, US01 and, for every second round, CT02 … US02. Everything
 * but the date derives from the seed. A GPtrArray of new DcmDataSet*, the
 * attributes of PS3.4 Table K.6-1 in each. */
GPtrArray *dimse_archive_demo_worklist (const DimseArchiveDemoOptions *options,
                                        const GDate *date);

/* The folder the demo archive lives in for this user:
 * $XDG_CACHE_HOME/dimsebench/demo-archive (a new string). */
char *dimse_archive_demo_default_folder (void);

G_END_DECLS
