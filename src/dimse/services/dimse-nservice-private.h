/* dimse-nservice-private.h — private: the DIMSE-N provider's registry as
 * its two source files share it. Not installed. */
#pragma once

#include "dimse-nservice-provider.h"

G_BEGIN_DECLS

typedef struct {
  DimseNOperations   ops;
  DimseNClassHandler handler;
  gpointer           user_data;
  GDestroyNotify     destroy;
  GArray            *settable;       /* guint32, or NULL: any */
  guint              max_instances;  /* 0: no limit */
} ClassEntry;

typedef struct {
  char       *sop_class_uid;
  DcmDataSet *attributes;
} Instance;

struct _DimseNProvider {
  GObject     parent_instance;
  GHashTable *classes;     /* uid → ClassEntry */
  GHashTable *instances;   /* uid → Instance */
  GHashTable *authorized;  /* AE title → itself; NULL: any */
};

void dimse_n_provider_emit_changed (DimseNProvider *self, const char *sop_class_uid,
                                    const char *sop_instance_uid, DimseCommandField command);
void dimse_n_provider_emit_event_report (DimseNProvider *self, DimseAssociation *assoc,
                                         const char *sop_class_uid,
                                         const char *sop_instance_uid, guint16 event_type_id,
                                         DcmDataSet *event_information);

G_END_DECLS
