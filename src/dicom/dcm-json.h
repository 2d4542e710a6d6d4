/* dcm-json.h — the DICOM JSON model (PS3.18 Annex F) */
#pragma once

#include <json-glib/json-glib.h>
#include "dcm-data-set.h"

G_BEGIN_DECLS

typedef struct {
  /* Binary values at least this long become BulkDataURI (when
   * bulk_uri_func is set) instead of InlineBinary; 0 = always inline. */
  guint64 bulk_threshold;
  /* Returns a newly allocated URI for the element at path. */
  char *(*bulk_uri_func) (const DcmElement *el, const char *path, gpointer user_data);
  gpointer bulk_uri_data;
} DcmJsonOptions;

/* Data set → JSON object {"00100010": {"vr": "PN", "Value": [{"Alphabetic": …}]}}.
 * Strings decoded to UTF-8 through the data set's character set; IS/DS as
 * JSON numbers; AT as "GGGGEEEE" strings; bulk refs as BulkDataURI. */
JsonNode   *dcm_json_from_data_set (DcmDataSet *ds, const DcmJsonOptions *opts, GError **error);
char       *dcm_json_to_string (DcmDataSet *ds, gboolean pretty, const DcmJsonOptions *opts,
                                GError **error);
/* JSON → data set. The result has (0008,0005) "ISO_IR 192" when any string
 * needs more than ASCII. BulkDataURI values become DcmBulkRef with uri set. */
DcmDataSet *dcm_json_to_data_set (JsonNode *node, GError **error);
DcmDataSet *dcm_json_parse (const char *text, gssize len, GError **error);

G_END_DECLS
