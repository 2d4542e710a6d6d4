/* dimse-store-private.h — private: the Storage SCP and its jobs as its two
 * source files share them. Not installed. */
#pragma once

#include "dimse-store.h"

G_BEGIN_DECLS

struct _DimseStoreScp {
  GObject       parent_instance;
  char         *folder;
  GMainContext *context;    /* where responses are sent */
  DimseStoreDuplicatePolicy duplicate_policy;
  guint         n_pending;
  /* the data set arriving on each association (not a reference: its
   * "closed" removes it) → its StoreJob */
  GHashTable   *arriving;
  int           folder_fd;  /* for its syncs; -1 until the first file */
  gboolean      background; /* files always finished by the writer thread */
  guint64       max_instance_size;  /* data set bytes; 0: no limit */
  gint          sync_cost;  /* µs, the moving average (atomic: the writer sets it) */
  guint         n_in_writer; /* jobs given to the writer, not yet answered */
  /* StoreJob* for the writer thread, or writer_stop */
  GAsyncQueue  *queue;
  GThread      *writer;
};

/* One C-STORE-RQ on its way to a file. */
typedef struct {
  DimseStoreScp    *scp;      /* a reference while the writer has it */
  DimseAssociation *assoc;
  DimseMessage     *request;
  guint8            pc_id;
  char             *sop_class_uid;
  char             *sop_instance_uid;
  char             *transfer_syntax_uid;
  char             *temporary_path;  /* deleted with the job unless renamed */
  GOutputStream    *stream;          /* on it; owns the descriptor */
  DimseStoreDuplicatePolicy duplicate_policy;
  char             *path;            /* the file written */
  gboolean          kept_earlier;    /* DIMSE_STORE_DUPLICATE_KEEP_FIRST found one */
  gboolean          in_writer;       /* finished by the writer thread */
  GError           *error;           /* the writer's */
} StoreJob;

/* Deletes the temporary files a process that died left in folder. */
void           dimse_store_sweep_stale (const char *folder);
/* Makes job's temporary file in the SCP's folder, holding the preamble
 * and the File Meta Information, and job->stream on it. */
gboolean       dimse_store_open_temporary (DimseStoreScp *self, StoreJob *job, GError **error);
/* Finishes the files of batch; all of them share one sync of the folder.
 * Runs on the main context or on the writer thread. */
void           dimse_store_finish_batch (DimseStoreScp *self, GPtrArray *batch);

G_END_DECLS
