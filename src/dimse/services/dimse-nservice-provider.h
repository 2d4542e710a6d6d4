/* dimse-nservice-provider.h — the six DIMSE-N services as service
 * provider (PS3.7 §10.1) over a registry of managed SOP instances: N-GET,
 * N-SET, N-CREATE and N-DELETE act on the registry, N-ACTION and
 * N-EVENT-REPORT go to the handler of their SOP class, and every failure
 * is answered with the status of PS3.7 Annex C that says why */
#pragma once

#include <gio/gio.h>

#include "dimse-association.h"

G_BEGIN_DECLS

#define DIMSE_TYPE_N_PROVIDER (dimse_n_provider_get_type ())
G_DECLARE_FINAL_TYPE (DimseNProvider, dimse_n_provider, DIMSE, N_PROVIDER, GObject)

/* The operations a SOP class offers; any other is answered with 0211H
 * Unrecognized Operation (PS3.7 Annex C). */
typedef enum {
  DIMSE_N_OP_EVENT_REPORT = 1 << 0,
  DIMSE_N_OP_GET          = 1 << 1,
  DIMSE_N_OP_SET          = 1 << 2,
  DIMSE_N_OP_ACTION       = 1 << 3,
  DIMSE_N_OP_CREATE       = 1 << 4,
  DIMSE_N_OP_DELETE       = 1 << 5,
  DIMSE_N_OP_ALL          = 0x3F,
} DimseNOperations;

/* The response a handler shapes: the Status (0000H to begin with) and the
 * fields PS3.7 Annex C relates to it. */
typedef struct {
  guint16     status;
  char       *error_comment;          /* Error Comment (0000,0902), LO: cut at 64 */
  guint16     error_id;               /* Error ID (0000,0903) when has_error_id */
  gboolean    has_error_id;
  GArray     *attribute_identifiers;  /* guint32: Attribute Identifier List (0000,1005) */
  DcmDataSet *data_set;               /* Attribute List, Action Reply, Event Reply */
} DimseNReply;

/* Sets the status and, format not NULL, the Error Comment. */
void dimse_n_reply_set_status (DimseNReply *reply, guint16 status, const char *format, ...)
  G_GNUC_PRINTF (3, 4);
void dimse_n_reply_set_error_id (DimseNReply *reply, guint16 error_id);
void dimse_n_reply_add_attribute (DimseNReply *reply, guint32 tag);
/* Takes data_set (NULL: none). */
void dimse_n_reply_take_data_set (DimseNReply *reply, DcmDataSet *data_set);

/* One request being performed, as a handler sees it. */
typedef struct {
  DimseNProvider   *provider;
  DimseAssociation *assoc;
  guint8            presentation_context_id;
  DimseMessage     *request;
  DimseCommandField command;
  const char       *sop_class_uid;
  const char       *sop_instance_uid;  /* N-CREATE: the one given or assigned */
  guint16           type_id;           /* Event Type ID, Action Type ID */
  DcmDataSet       *instance;          /* the managed instance; NULL for N-CREATE and
                                          N-EVENT-REPORT */
  DcmDataSet       *data_set;          /* the request's data set; N-CREATE: the new
                                          instance's attributes, which the handler may
                                          complete; NULL when none came */
} DimseNInvocation;

/* Leaves reply->status at 0000H to let the provider go on, or sets a
 * warning (go on) or a failure (stop: nothing changes). */
typedef void (*DimseNHandlerFunc) (const DimseNInvocation *invocation, DimseNReply *reply,
                                   gpointer user_data);

/* What a SOP class adds to the registry's behaviour; every member may be
 * NULL. create, set and delete run before the registry changes; get before
 * the attributes are copied; action performs the action (NULL: every Action
 * Type ID is answered 0123H No Such Action Type); event_report takes an
 * N-EVENT-REPORT (NULL: "event-report" is emitted and 0000H answered). */
typedef struct {
  DimseNHandlerFunc create;
  DimseNHandlerFunc set;
  DimseNHandlerFunc get;
  DimseNHandlerFunc delete;
  DimseNHandlerFunc action;
  DimseNHandlerFunc event_report;
} DimseNClassHandler;

DimseNProvider *dimse_n_provider_new (void);

/* Manages sop_class_uid with the operations ops; handler (copied, may be
 * NULL) and user_data (freed with destroy when the class is replaced or
 * the provider finalized). A SOP class not added is answered with 0118H
 * No Such SOP Class. */
void     dimse_n_provider_add_sop_class (DimseNProvider *provider, const char *sop_class_uid,
                                         DimseNOperations ops, const DimseNClassHandler *handler,
                                         gpointer user_data, GDestroyNotify destroy);
gboolean dimse_n_provider_has_sop_class (DimseNProvider *provider, const char *sop_class_uid);
/* The attributes an N-SET may modify for this class (others: 0105H No
 * Such Attribute); until called, any. */
void     dimse_n_provider_set_settable_attributes (DimseNProvider *provider,
                                                   const char *sop_class_uid,
                                                   const guint32 *tags, guint n_tags);
/* More instances of the class than this: N-CREATE answered with 0213H
 * Resource Limitation. 0 (the default): no limit. */
void     dimse_n_provider_set_max_instances (DimseNProvider *provider,
                                             const char *sop_class_uid, guint max_instances);
/* Peer AE titles allowed to N-SET, N-CREATE, N-DELETE and N-ACTION
 * (others: 0124H Refused: Not Authorized); until the first call, any. */
void     dimse_n_provider_add_authorized_ae_title (DimseNProvider *provider,
                                                   const char *ae_title);

/* ---- the registry ---- */
/* Adds an instance (attributes copied; NULL: none). FALSE (DIMSE_ERROR_LIMIT)
 * when the UID is managed already, DIMSE_ERROR_MESSAGE_INVALID for a class
 * not added. */
gboolean    dimse_n_provider_add_instance (DimseNProvider *provider, const char *sop_class_uid,
                                           const char *sop_instance_uid, DcmDataSet *attributes,
                                           GError **error);
/* The attributes of a managed instance (owned by the provider; a handler
 * may change them), and its class in *out_sop_class_uid (may be NULL).
 * NULL when unknown. */
DcmDataSet *dimse_n_provider_lookup (DimseNProvider *provider, const char *sop_instance_uid,
                                     const char **out_sop_class_uid);
gboolean    dimse_n_provider_remove_instance (DimseNProvider *provider,
                                              const char *sop_instance_uid);
guint       dimse_n_provider_get_n_instances (DimseNProvider *provider,
                                              const char *sop_class_uid);
/* The UIDs of the class's instances, sorted (a new NULL-terminated array). */
char      **dimse_n_provider_list_instances (DimseNProvider *provider,
                                             const char *sop_class_uid);

/* Answers every N- request that arrives on assoc for as long as both live.
 * Returns the "request-received" handler ID. */
gulong      dimse_n_provider_attach (DimseNProvider *provider, DimseAssociation *assoc);

/* Copies one element (values, items, fragments) into dst, replacing any
 * with its tag. */
void        dimse_n_copy_element (DcmDataSet *dst, const DcmElement *element);

/* Signals:
 * "changed" (const char *sop_class_uid, const char *sop_instance_uid,
 *   guint command): after an N-CREATE, N-SET, N-ACTION or N-DELETE
 *   succeeded (command: its request Command Field);
 * "event-report" (DimseAssociation *assoc, const char *sop_class_uid,
 *   const char *sop_instance_uid, guint event_type_id, DcmDataSet
 *   *event_information or NULL): an N-EVENT-REPORT of a class without
 *   event_report handler, before it is answered with success. */

G_END_DECLS
