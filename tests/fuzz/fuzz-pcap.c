/* fuzz-pcap.c — the pcap/pcapng import on arbitrary bytes
 *
 * Whatever the input, the import ends (with an error or not) within the
 * recorder's bounds; every event it records describes itself.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dimse-pcap-import.h"

#define FUZZ_PCAP_MAX_INPUT (1024 * 1024)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(DimseRecorder) rec = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) in = NULL;
  DimsePcapImportStats stats = { 0 };
  guint n;

  if (size > FUZZ_PCAP_MAX_INPUT)
    return 0;
  rec = dimse_recorder_new ();
  dimse_recorder_set_max_events (rec, 256);
  dimse_recorder_set_max_raw_bytes (rec, 1024 * 1024);
  /* Static, so that ASan sees any read past the input. */
  bytes = g_bytes_new_static (data, size);
  in = g_memory_input_stream_new_from_bytes (bytes);
  (void) dimse_pcap_import (rec, in, 0, &stats, NULL, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  n = g_list_model_get_n_items (G_LIST_MODEL (rec));
  if (n > 256 || stats.n_pdus > stats.n_segments * 65536)
    abort ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (rec), i);

      if (dimse_traffic_event_get_summary (event) == NULL)
        abort ();
    }
  return 0;
}
