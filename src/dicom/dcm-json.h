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
 * JSON numbers; AT as "GGGGEEEE" strings; bulk refs as BulkDataURI.
 * As PS3.18 F.2 says: keys ascending, group lengths (gggg,0000) left out,
 * an empty value has "vr" only, empty values among several are null, and
 * (0008,0005) stays as in the source (it names the source's encoding, not
 * the JSON's; dcm2json 3.6.7 writes "ISO_IR 192" there instead).
 * As DCMTK's dcm2json writes them: DS and IS keep their text (made valid
 * JSON: no '+', no leading zeros; "abc" becomes a string), FL has nine
 * significant digits, FD the fewest that read back exactly, SV/UV beyond
 * ±2^53 are strings, encapsulated Pixel Data is the base64 of its item
 * stream. dcm_json_to_string writes the text itself (no node tree). */
JsonNode   *dcm_json_from_data_set (DcmDataSet *ds, const DcmJsonOptions *opts, GError **error);
char       *dcm_json_to_string (DcmDataSet *ds, gboolean pretty, const DcmJsonOptions *opts,
                                GError **error);
/* JSON → data set. The result has (0008,0005) "ISO_IR 192" when any string
 * needs more than ASCII and the JSON names no character set; when it names
 * one, strings are encoded back into it. BulkDataURI values become
 * DcmBulkRef with uri set. DS numbers are re-formatted from the parsed
 * double ("1e3" comes back as "1000"). Errors are DCM_ERROR_INVALID naming
 * the tag and the JSON path ("$.00081140.Value[0].00081155"). */
DcmDataSet *dcm_json_to_data_set (JsonNode *node, GError **error);
DcmDataSet *dcm_json_parse (const char *text, gssize len, GError **error);

G_END_DECLS
