#include "dcm-transfer-syntax.h"
#include "dcm-uid.h"
#include "dcm-uid-private.h"
#include "dcm-uid-table.h"

#include <stdlib.h>
#include <string.h>

/* PS3.5 §A.1, §A.2, §A.5 and §A.3 */
const DcmTransferSyntax dcm_ts_implicit_le = {
  DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN, FALSE, FALSE, FALSE, FALSE,
};
const DcmTransferSyntax dcm_ts_explicit_le = {
  DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, TRUE, FALSE, FALSE, FALSE,
};
const DcmTransferSyntax dcm_ts_deflated_explicit_le = {
  DCM_UID_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, TRUE, FALSE, TRUE, FALSE,
};
const DcmTransferSyntax dcm_ts_explicit_be = {
  DCM_UID_EXPLICIT_VR_BIG_ENDIAN, TRUE, TRUE, FALSE, FALSE,
};

static const DcmTransferSyntax *const uncompressed[] = {
  &dcm_ts_implicit_le,
  &dcm_ts_explicit_le,
  &dcm_ts_deflated_explicit_le,
  &dcm_ts_explicit_be,
};

static int
compare_syntax_uid (const void *key, const void *ts)
{
  return dcm_uid_key_compare (key, ((const DcmTransferSyntax *) ts)->uid);
}

const DcmTransferSyntax *
dcm_transfer_syntax_lookup (const char *uid)
{
  DcmUidKey key;

  if (!dcm_uid_key_init (&key, uid))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (uncompressed); i++)
    if (dcm_uid_key_compare (&key, uncompressed[i]->uid) == 0)
      return uncompressed[i];
  return bsearch (&key, dcm_uid_transfer_syntaxes, dcm_uid_n_transfer_syntaxes,
                  sizeof (DcmTransferSyntax), compare_syntax_uid);
}

gboolean
dcm_transfer_syntax_is_uncompressed (const DcmTransferSyntax *ts)
{
  if (ts == NULL || ts->uid == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (uncompressed); i++)
    if (ts == uncompressed[i] || strcmp (ts->uid, uncompressed[i]->uid) == 0)
      return TRUE;
  return FALSE;
}
