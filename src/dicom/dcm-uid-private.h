/* dcm-uid-private.h — a UI value as a search key, for the registry lookups
 * of dcm-uid.c and dcm-transfer-syntax.c. Not for other files. */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* The value without its trailing pad: uid[0, len). */
typedef struct {
  const char *uid;
  gsize       len;
} DcmUidKey;

/* FALSE for NULL or a value that is all padding. */
static inline gboolean
dcm_uid_key_init (DcmUidKey *key, const char *uid)
{
  if (uid == NULL)
    return FALSE;
  key->uid = uid;
  key->len = strlen (uid);
  /* PS3.5 §9.1: UI values are padded to even length; tolerate a space pad. */
  while (key->len > 0 && uid[key->len - 1] == ' ')
    key->len--;
  return key->len > 0;
}

/* Like strcmp (key, uid), for tables sorted with strcmp. */
static inline int
dcm_uid_key_compare (const DcmUidKey *key, const char *uid)
{
  int cmp = strncmp (key->uid, uid, key->len);

  if (cmp != 0)
    return cmp;
  return uid[key->len] == '\0' ? 0 : -1;
}

G_END_DECLS
