/* fuzz-common.h — what the fuzz targets share */
#pragma once

#include "dcm-data-set.h"
#include "dcm-transfer-syntax.h"

/* Bounds that keep one input from exhausting the fuzzer's memory. */
#define FUZZ_MAX_INPUT (1024 * 1024)
#define FUZZ_MAX_INFLATED (4 * 1024 * 1024)

/* Indexed by the first byte of a data set input (modulo 4). */
static const DcmTransferSyntax *const fuzz_syntaxes[] = {
  &dcm_ts_implicit_le, &dcm_ts_explicit_le, &dcm_ts_explicit_be, &dcm_ts_deflated_explicit_le,
};

/* Reads every value the way a viewer would: strings decoded, numbers
 * parsed, items walked, so the getters see what the reader let through. */
static inline void
fuzz_touch_data_set (DcmDataSet *ds)
{
  guint n = dcm_data_set_n_elements (ds);

  (void) dcm_data_set_get_charset (ds);
  for (guint i = 0; i < n; i++)
    {
      const DcmElement *el = dcm_data_set_nth (ds, i);
      g_autofree char *text = NULL;
      double d;

      if (el->kind == DCM_VALUE_ITEMS)
        {
          for (guint k = 0; k < el->value.items->len; k++)
            fuzz_touch_data_set (g_ptr_array_index (el->value.items, k));
          continue;
        }
      text = dcm_data_set_get_value_string (ds, el->tag, NULL);
      (void) dcm_data_set_get_double (ds, el->tag, 0, &d, NULL);
      (void) dcm_data_set_get_vm (ds, el->tag);
    }
}
