/* dimse-request-loop.h — private: the SCU side of a request answered by
 * pending responses until a final one, shared by C-FIND, C-MOVE and C-GET
 * (PS3.7 §9.3.2–9.3.4); a cancel of the caller's cancellable becomes one
 * C-CANCEL-RQ (PS3.7 §9.3.2.3) and the responses are read on to the final
 * one. Not installed. */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"
#include "dimse-command.h"
#include "dimse-message.h"

G_BEGIN_DECLS

typedef struct {
  const char        *name;       /* "C-FIND", for messages */
  DimseCommandField  command;    /* the request, for status descriptions */
  /* may be NULL: the C-CANCEL-RQ is about to go out */
  void (*on_cancel)  (GTask *task);
  void (*on_pending) (GTask *task, DimseMessage *rsp);
  /* before the task returns the final status */
  void (*on_final)   (GTask *task, DimseMessage *rsp, guint16 status);
} DimseRequestLoopOps;

/* A task on assoc whose task data is the loop; a cancel ends with the
 * peer's final status, not G_IO_ERROR_CANCELLED. */
GTask    *dimse_request_loop_task_new (DimseAssociation *assoc, const DimseRequestLoopOps *ops,
                                       gpointer source_tag, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
/* Picks the presentation context and message ID; FALSE when the task has
 * already returned (cancelled, or no context for information_model). */
gboolean  dimse_request_loop_prepare (GTask *task, const char *information_model);
void      dimse_request_loop_set_data (GTask *task, gpointer data, GDestroyNotify data_free);
gpointer  dimse_request_loop_get_data (GTask *task);
guint16   dimse_request_loop_get_message_id (GTask *task);
gboolean  dimse_request_loop_get_cancel_sent (GTask *task);
/* Sends rq and reads the responses until the final one. */
void      dimse_request_loop_send (GTask *task, DimseMessage *rq);
/* At most once per task. */
void      dimse_request_loop_send_cancel (GTask *task);
/* Cancels; the task returns error once the final response is in. */
void      dimse_request_loop_fail_later (GTask *task, GError *error);
gboolean  dimse_request_loop_finish (GTask *task, guint16 *out_status, GError **error);

/* The data set of a response, NULL without error when it has none. */
DcmDataSet *dimse_request_loop_parse_data_set (DimseMessage *rsp, GError **error);
/* PS3.7 §9.1.3.1, §9.1.4.1: Number of Remaining, Completed, Failed and
 * Warning Sub-operations, in that order; only those present are taken,
 * each changed one notified. */
void        dimse_request_loop_take_counts (GObject *job, DimseMessage *rsp,
                                            guint *const fields[4],
                                            GParamSpec *const pspecs[4]);

G_END_DECLS
