/* fuzz-file-name.c — the check that lets a UID name a stored file, and the
 * path built from it
 *
 * The check must agree with a plain reading of its rule (1 to 64 digits
 * and dots, no empty component), let every valid UID (PS3.5 §9.1) through,
 * and every name it lets through must give a path that stays a direct
 * child of the storage folder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcm-uid.h"
#include "dimse-store.h"

#define FUZZ_FOLDER "/srv/dicom/incoming"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
rule (const char *s, size_t len)
{
  gboolean component_empty = TRUE;

  if (len == 0 || len > 64)
    return FALSE;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '.')
        {
          if (component_empty)
            return FALSE;
          component_empty = TRUE;
        }
      else if (s[i] >= '0' && s[i] <= '9')
        component_empty = FALSE;
      else
        return FALSE;
    }
  return !component_empty;
}

static void
check_path (const char *uid)
{
  g_autofree char *file_name = g_strconcat (uid, ".dcm", NULL);
  g_autofree char *path = g_build_filename (FUZZ_FOLDER, file_name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *canonical = g_canonicalize_filename (path, "/");

  if (strcmp (dir, FUZZ_FOLDER) != 0 || strcmp (base, file_name) != 0
      || strcmp (canonical, path) != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  gboolean safe;

  if (size > 4096)
    return 0;
  text = g_strndup ((const char *) data, size);
  safe = dimse_store_uid_is_safe_file_name (text);
  /* A NUL ends the C string: the rule reads what the check reads. */
  if (safe != rule (text, strlen (text)))
    abort ();
  if (dcm_uid_is_valid (text) && !safe)
    abort ();
  if (safe)
    check_path (text);
  return 0;
}
