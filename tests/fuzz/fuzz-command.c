/* fuzz-command.c — the DIMSE command-set decoder (PS3.7 §6.3, §9.3, §10.3)
 * on arbitrary bytes
 *
 * A command set that decodes is validated against its table, named and
 * re-encoded; the encoding must decode again, stay valid if it was, and
 * encode to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dimse-error.h"
#include "dimse-message.h"

#define FUZZ_COMMAND_MAX_INPUT (256 * 1024)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DimseMessage) msg = NULL;
  g_autoptr(DimseMessage) again = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  gboolean valid;

  if (size > FUZZ_COMMAND_MAX_INPUT)
    return 0;
  /* Static, so that ASan sees any read past the input. */
  bytes = g_bytes_new_static (data, size);
  msg = dimse_message_decode_command (bytes, &error);
  if (msg == NULL)
    {
      /* Every refusal says why, in the engine's domain. */
      if (error == NULL || error->domain != DIMSE_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  (void) dimse_message_get_name (msg);
  (void) dimse_message_has_data_set (msg);
  valid = dimse_message_validate (msg, &error);
  if (!valid && (error == NULL || error->domain != DIMSE_ERROR))
    abort ();
  g_clear_error (&error);
  first = dimse_message_encode_command (msg, &error);
  if (first == NULL)
    abort ();
  again = dimse_message_decode_command (first, &error);
  if (again == NULL)
    abort ();
  /* Encoding adds a missing Command Group Length, so a command set may
   * become valid on the way; never the other way. */
  if (dimse_message_get_command_field (again) != dimse_message_get_command_field (msg)
      || (valid && !dimse_message_validate (again, NULL)))
    abort ();
  second = dimse_message_encode_command (again, NULL);
  if (second == NULL || !g_bytes_equal (first, second))
    abort ();
  return 0;
}
