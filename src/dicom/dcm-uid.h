/* dcm-uid.h — the PS3.6 UID registry and the project's own UIDs */
#pragma once

#include <glib.h>
#include "dcm-uids.h"   /* generated: DCM_UID_CT_IMAGE_STORAGE "1.2.840.10008.5.1.4.1.1.2" … */

G_BEGIN_DECLS

/* The project's implementation identity (PS3.7 D.3.3.2). 2.25 root: a UUID. */
#define DCM_IMPLEMENTATION_CLASS_UID "2.25.323828335307601784792051035066120969589"
#define DCM_IMPLEMENTATION_VERSION_NAME "DIMSEBENCH_010"

typedef enum {
  DCM_UID_TYPE_OTHER,
  DCM_UID_TYPE_SOP_CLASS,
  DCM_UID_TYPE_META_SOP_CLASS,
  DCM_UID_TYPE_TRANSFER_SYNTAX,
  DCM_UID_TYPE_WELL_KNOWN_INSTANCE,   /* well-known SOP instances, frames of reference */
  DCM_UID_TYPE_APPLICATION_CONTEXT,
  DCM_UID_TYPE_SERVICE_CLASS,
  DCM_UID_TYPE_CODING_SCHEME,
} DcmUidType;

typedef struct {
  const char *uid;
  const char *name;     /* "CT Image Storage" */
  const char *keyword;  /* "CTImageStorage" */
  DcmUidType  type;
  gboolean    retired;
  gboolean    storage;  /* a storage SOP class (usable with C-STORE) */
} DcmUidEntry;

const DcmUidEntry *dcm_uid_lookup (const char *uid);      /* NULL when unknown */
const DcmUidEntry *dcm_uid_lookup_keyword (const char *keyword);
const char        *dcm_uid_name (const char *uid);        /* name or the uid itself */
guint              dcm_uid_n_entries (void);
const DcmUidEntry *dcm_uid_nth_entry (guint i);

/* Syntax check per PS3.5 §9.1: 1–64 chars, digits and dots, no empty or
 * leading-zero component. */
gboolean           dcm_uid_is_valid (const char *uid);
/* A fresh UID under 2.25 from a random UUID. */
char              *dcm_uid_generate (void);

G_END_DECLS
