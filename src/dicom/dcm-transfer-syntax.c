#include "dcm-transfer-syntax.h"
#include "dcm-uid.h"
#include "dcm-uid-table.h"

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

/* Like strcmp (key, uid) for the first key_len bytes of key. */
static int
compare_uid (const char *key, gsize key_len, const char *uid)
{
  int cmp = strncmp (key, uid, key_len);

  if (cmp != 0)
    return cmp;
  return uid[key_len] == '\0' ? 0 : -1;
}

static const DcmTransferSyntax *
lookup_registry (const char *uid, gsize len)
{
  guint lo = 0;
  guint hi = dcm_uid_n_transfer_syntaxes;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = compare_uid (uid, len, dcm_uid_transfer_syntaxes[mid].uid);

      if (cmp == 0)
        return &dcm_uid_transfer_syntaxes[mid];
      if (cmp > 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

const DcmTransferSyntax *
dcm_transfer_syntax_lookup (const char *uid)
{
  gsize len;

  if (uid == NULL)
    return NULL;
  /* PS3.5 §9.1: a UI value may carry a trailing pad. */
  len = strlen (uid);
  while (len > 0 && uid[len - 1] == ' ')
    len--;
  if (len == 0)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (uncompressed); i++)
    if (compare_uid (uid, len, uncompressed[i]->uid) == 0)
      return uncompressed[i];
  return lookup_registry (uid, len);
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
