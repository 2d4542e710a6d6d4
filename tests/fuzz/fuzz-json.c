/* fuzz-json.c — the DICOM JSON reader on arbitrary text
 *
 * What parses is encoded in explicit VR little endian, read back, and
 * turned into JSON again.
 */
#include <stdint.h>

#include "dcm-json.h"
#include "dcm-parser.h"
#include "dcm-writer.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(DcmDataSet) again = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autofree char *json = NULL;
  DcmReadOptions opts;

  if (size > FUZZ_MAX_INPUT)
    return 0;
  ds = dcm_json_parse ((const char *) data, (gssize) size, NULL);
  if (ds == NULL)
    return 0;
  fuzz_touch_data_set (ds);
  json = dcm_json_to_string (ds, FALSE, NULL, NULL);
  written = dcm_data_set_write_bytes (ds, &dcm_ts_explicit_le, DCM_WRITE_DEFAULT, NULL);
  if (written == NULL)
    return 0;
  dcm_read_options_init (&opts);
  again = dcm_data_set_read_bytes (written, &dcm_ts_explicit_le, &opts, NULL);
  return 0;
}
