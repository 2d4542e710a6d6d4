/* fuzz-access.c — the access list: an --accept entry as a command line or
 * a configuration writes it, and the lookup an A-ASSOCIATE-RQ makes
 *
 * The input is three lines: the entry, a calling AE title, an address.
 * Whatever the entry, adding it either succeeds or fails with an error
 * that says why; the lookup never grants more than all services, grants
 * all to an AE title the list does not name, and says why when it grants
 * nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dimse-access.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(DimseAccessList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) remote = NULL;
  g_autofree char *why = NULL;
  const char *calling;
  DimseAccessServices services;
  gboolean added;

  if (size == 0 || size > 4096)
    return 0;
  text = g_strndup ((const char *) data, size);
  lines = g_strsplit (text, "\n", 3);
  /* an empty input splits into no line at all */
  if (lines[0] == NULL)
    return 0;
  list = dimse_access_list_new ();
  added = dimse_access_list_add_entry (list, lines[0], DIMSE_ACCESS_SERVICE_ALL, &error);
  if (added == (error != NULL) || (error != NULL && error->message[0] == '\0'))
    abort ();
  if (added && dimse_access_list_is_empty (list))
    abort ();
  calling = lines[1] != NULL ? lines[1] : "";
  remote = lines[1] != NULL && lines[2] != NULL ? g_inet_address_new_from_string (lines[2])
                                                : NULL;
  services = dimse_access_list_lookup (list, calling, remote, &why);
  if ((services & ~DIMSE_ACCESS_SERVICE_ALL) != 0)
    abort ();
  if (!added && services != DIMSE_ACCESS_SERVICE_ALL)
    abort ();
  if (services == 0 && (why == NULL || why[0] == '\0'))
    abort ();
  return 0;
}
