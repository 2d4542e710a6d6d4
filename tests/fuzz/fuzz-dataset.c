/* fuzz-dataset.c — the data set reader on arbitrary bytes
 *
 * The first byte picks the transfer syntax among the four uncompressed
 * ones; the rest is the data set. Each input goes through the in-memory
 * reader (values as slices of the input) and the stream reader (values
 * over a small threshold handed to a sink), and what parses is written
 * back, so the writer sees every shape the reader accepts.
 */
#include <stdint.h>

#include "dcm-parser.h"
#include "dcm-writer.h"
#include "fuzz-common.h"

static gboolean
count_sink (const DcmBulkChunk *chunk, gpointer user_data, GError **error)
{
  guint64 *total = user_data;

  *total += chunk->len;
  return TRUE;
}

static void
read_in_memory (GBytes *bytes, const DcmTransferSyntax *ts)
{
  DcmReadOptions opts;
  g_autoptr(DcmDataSet) ds = NULL;
  g_autoptr(GBytes) written = NULL;

  dcm_read_options_init (&opts);
  opts.max_inflated_size = FUZZ_MAX_INFLATED;
  ds = dcm_data_set_read_bytes (bytes, ts, &opts, NULL);
  if (ds == NULL)
    return;
  written = dcm_data_set_write_bytes (ds, ts, DCM_WRITE_DEFAULT, NULL);
  g_clear_pointer (&written, g_bytes_unref);
  written = dcm_data_set_write_bytes (ds, &dcm_ts_explicit_be, DCM_WRITE_UNDEFINED_LENGTHS, NULL);
  fuzz_touch_data_set (ds);
}

static void
read_streamed (GBytes *bytes, const DcmTransferSyntax *ts)
{
  DcmReadOptions opts;
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(DcmDataSet) ds = NULL;
  guint64 total = 0;

  dcm_read_options_init (&opts);
  opts.bulk_threshold = 16;
  opts.sink = count_sink;
  opts.sink_data = &total;
  opts.max_inflated_size = FUZZ_MAX_INFLATED;
  ds = dcm_data_set_read_stream (in, ts, &opts, NULL, NULL);
  if (ds != NULL)
    fuzz_touch_data_set (ds);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = NULL;
  const DcmTransferSyntax *ts;

  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  ts = fuzz_syntaxes[data[0] % G_N_ELEMENTS (fuzz_syntaxes)];
  bytes = g_bytes_new_static (data + 1, size - 1);
  read_in_memory (bytes, ts);
  read_streamed (bytes, ts);
  return 0;
}
