/* dimse-nservice.h — the six DIMSE-N services as service user (PS3.7
 * §10.1): N-EVENT-REPORT, N-GET, N-SET, N-ACTION, N-CREATE and N-DELETE,
 * each one request answered by one response whose status, data set and
 * related fields (PS3.7 Annex C) the caller reads */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"
#include "dimse-status.h"

G_BEGIN_DECLS

/* One N- request. sop_instance_uid may be NULL only for N-CREATE (the SCP
 * assigns one, PS3.7 §10.1.5.1.4). type_id is the Event Type ID of an
 * N-EVENT-REPORT or the Action Type ID of an N-ACTION. attribute_tags (N-GET:
 * the Attribute Identifier List, none meaning all attributes). data_set (may
 * be NULL): Event Information, Modification List, Action Information or
 * Attribute List. abstract_syntax: the presentation context to send on;
 * NULL takes the one of sop_class_uid and then, for the Basic Print
 * Management SOP classes, the Basic Grayscale Print Management Meta SOP
 * Class (PS3.4 §H.3.1). */
typedef struct {
  DimseCommandField  command;
  const char        *sop_class_uid;
  const char        *sop_instance_uid;
  guint16            type_id;
  const guint32     *attribute_tags;
  guint              n_attribute_tags;
  DcmDataSet        *data_set;
  const char        *abstract_syntax;
} DimseNRequest;

/* What came back: the Status and, decoded, what goes with it. */
typedef struct {
  DimseCommandField  command;                    /* the response's Command Field */
  guint16            status;
  DimseMessage      *response;                   /* the whole response */
  DcmDataSet        *data_set;                   /* parsed; NULL when none came */
  char              *affected_sop_class_uid;     /* NULL when absent */
  char              *affected_sop_instance_uid;  /* N-CREATE: the one the SCP assigned */
  char              *error_comment;              /* Error Comment (0000,0902), or NULL */
  guint16            error_id;                   /* Error ID (0000,0903); has_error_id */
  gboolean           has_error_id;
  GArray            *attribute_identifiers;      /* guint32: (0000,1005); empty when absent */
  GArray            *offending_elements;         /* guint32: (0000,0901); empty when absent */
  char              *description;                /* dimse_status_describe's words */
} DimseNResult;

void          dimse_n_result_free (DimseNResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseNResult, dimse_n_result_free)
/* Success, warning … as DimseStatusClass of result->status. */
DimseStatusClass dimse_n_result_get_status_class (const DimseNResult *result);

/* Builds the request (with the next Message ID of assoc), sends it on the
 * context that request names and waits for its response. The response is
 * the result whatever its status: a failure status is no error here, the
 * caller reads it and its fields. Errors: DIMSE_ERROR_NO_PRESENTATION_CONTEXT,
 * DCM_ERROR for a UID that breaks its VR, DIMSE_ERROR_MESSAGE_INVALID for
 * a response without Status or whose data set does not parse, and those of
 * sending and receiving (DIMSE_ERROR_TIMEOUT …). */
void          dimse_n_request_async (DimseAssociation *assoc, const DimseNRequest *request,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
DimseNResult *dimse_n_request_finish (DimseAssociation *assoc, GAsyncResult *result,
                                      GError **error);

/* The accepted context the request would go on, 0 when none. */
guint8        dimse_n_request_find_context (DimseAssociation *assoc,
                                            const DimseNRequest *request);

/* ---- one call per service; each finishes with dimse_n_request_finish ---- */
void dimse_n_get_async (DimseAssociation *assoc, const char *sop_class_uid,
                        const char *sop_instance_uid, const guint32 *attribute_tags,
                        guint n_attribute_tags, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);
void dimse_n_set_async (DimseAssociation *assoc, const char *sop_class_uid,
                        const char *sop_instance_uid, DcmDataSet *modification_list,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
void dimse_n_action_async (DimseAssociation *assoc, const char *sop_class_uid,
                           const char *sop_instance_uid, guint16 action_type_id,
                           DcmDataSet *action_information, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
/* sop_instance_uid NULL: the SCP assigns one, read it from the result. */
void dimse_n_create_async (DimseAssociation *assoc, const char *sop_class_uid,
                           const char *sop_instance_uid, DcmDataSet *attribute_list,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
void dimse_n_delete_async (DimseAssociation *assoc, const char *sop_class_uid,
                           const char *sop_instance_uid, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
void dimse_n_event_report_async (DimseAssociation *assoc, const char *sop_class_uid,
                                 const char *sop_instance_uid, guint16 event_type_id,
                                 DcmDataSet *event_information, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);

/* "N-GET", "N-SET" … for the request or response Command Field; NULL for
 * any other. */
const char *dimse_n_service_name (DimseCommandField command);

G_END_DECLS
