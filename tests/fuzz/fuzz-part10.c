/* fuzz-part10.c — the Part 10 file reader on arbitrary bytes
 *
 * Reads the input as a file (strict, then lenient), and from a stream;
 * what parses is converted to DICOM JSON and written back as a file.
 */
#include <stdint.h>

#include "dcm-file.h"
#include "dcm-json.h"
#include "fuzz-common.h"

static void
use_file (DcmFile *file)
{
  g_autofree char *json = NULL;
  g_autofree char *meta_json = NULL;
  g_autoptr(GBytes) written = NULL;

  json = dcm_json_to_string (dcm_file_get_data_set (file), FALSE, NULL, NULL);
  meta_json = dcm_json_to_string (dcm_file_get_meta (file), FALSE, NULL, NULL);
  fuzz_touch_data_set (dcm_file_get_data_set (file));
  if (dcm_transfer_syntax_is_uncompressed (dcm_file_get_transfer_syntax (file)))
    written = dcm_file_write_bytes (file, DCM_WRITE_DEFAULT, NULL);
}

static void
read_bytes (GBytes *bytes, DcmFileReadFlags flags)
{
  DcmReadOptions opts;
  g_autoptr(DcmFile) file = NULL;

  dcm_read_options_init (&opts);
  opts.max_inflated_size = FUZZ_MAX_INFLATED;
  file = dcm_file_read_bytes (bytes, &opts, flags, NULL);
  if (file != NULL)
    use_file (file);
}

static void
read_stream (GBytes *bytes)
{
  DcmReadOptions opts;
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(DcmFile) file = NULL;

  dcm_read_options_init (&opts);
  opts.max_inflated_size = FUZZ_MAX_INFLATED;
  file = dcm_file_read_stream (in, &opts, DCM_FILE_READ_LENIENT, NULL, NULL);
  if (file != NULL)
    fuzz_touch_data_set (dcm_file_get_data_set (file));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = NULL;

  if (size > FUZZ_MAX_INPUT)
    return 0;
  bytes = g_bytes_new_static (data, size);
  read_bytes (bytes, DCM_FILE_READ_DEFAULT);
  read_bytes (bytes, DCM_FILE_READ_LENIENT);
  read_stream (bytes);
  return 0;
}
