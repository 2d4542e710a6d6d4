#include "dcm-vr.h"

#include <string.h>

typedef struct {
  char      name[3];
  DcmVRKind kind;
  guint8    value_size;
  guint8    padding;
  guint8    long_length;
  guint8    multi_valued;
  guint8    charset;
  guint32   max_length;
} VRInfo;

/* PS3.5 Table 6.2-1 and Tables 7.1-1/7.1-2 */
static const VRInfo vr_info[DCM_VR_N_VRS] = {
  [DCM_VR_NONE] = { "??", DCM_VR_KIND_NONE,     1, 0,   0, 0, 0, 0 },
  [DCM_VR_AE]   = { "AE", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 16 },
  [DCM_VR_AS]   = { "AS", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 4 },
  [DCM_VR_AT]   = { "AT", DCM_VR_KIND_TAG,      4, 0,   0, 0, 0, 4 },
  [DCM_VR_CS]   = { "CS", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 16 },
  [DCM_VR_DA]   = { "DA", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 8 },
  [DCM_VR_DS]   = { "DS", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 16 },
  [DCM_VR_DT]   = { "DT", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 26 },
  [DCM_VR_FD]   = { "FD", DCM_VR_KIND_NUMBER,   8, 0,   0, 0, 0, 8 },
  [DCM_VR_FL]   = { "FL", DCM_VR_KIND_NUMBER,   4, 0,   0, 0, 0, 4 },
  [DCM_VR_IS]   = { "IS", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 12 },
  [DCM_VR_LO]   = { "LO", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 1, 64 },
  [DCM_VR_LT]   = { "LT", DCM_VR_KIND_STRING,   1, ' ', 0, 0, 1, 10240 },
  [DCM_VR_OB]   = { "OB", DCM_VR_KIND_BULK,     1, 0,   1, 0, 0, 0 },
  [DCM_VR_OD]   = { "OD", DCM_VR_KIND_BULK,     8, 0,   1, 0, 0, 0 },
  [DCM_VR_OF]   = { "OF", DCM_VR_KIND_BULK,     4, 0,   1, 0, 0, 0 },
  [DCM_VR_OL]   = { "OL", DCM_VR_KIND_BULK,     4, 0,   1, 0, 0, 0 },
  [DCM_VR_OV]   = { "OV", DCM_VR_KIND_BULK,     8, 0,   1, 0, 0, 0 },
  [DCM_VR_OW]   = { "OW", DCM_VR_KIND_BULK,     2, 0,   1, 0, 0, 0 },
  [DCM_VR_PN]   = { "PN", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 1, 64 * 3 + 2 },
  [DCM_VR_SH]   = { "SH", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 1, 16 },
  [DCM_VR_SL]   = { "SL", DCM_VR_KIND_NUMBER,   4, 0,   0, 0, 0, 4 },
  [DCM_VR_SQ]   = { "SQ", DCM_VR_KIND_SEQUENCE, 1, 0,   1, 0, 0, 0 },
  [DCM_VR_SS]   = { "SS", DCM_VR_KIND_NUMBER,   2, 0,   0, 0, 0, 2 },
  [DCM_VR_ST]   = { "ST", DCM_VR_KIND_STRING,   1, ' ', 0, 0, 1, 1024 },
  [DCM_VR_SV]   = { "SV", DCM_VR_KIND_NUMBER,   8, 0,   1, 0, 0, 8 },
  [DCM_VR_TM]   = { "TM", DCM_VR_KIND_STRING,   1, ' ', 0, 1, 0, 14 },
  [DCM_VR_UC]   = { "UC", DCM_VR_KIND_STRING,   1, ' ', 1, 1, 1, 0 },
  [DCM_VR_UI]   = { "UI", DCM_VR_KIND_STRING,   1, 0,   0, 1, 0, 64 },
  [DCM_VR_UL]   = { "UL", DCM_VR_KIND_NUMBER,   4, 0,   0, 0, 0, 4 },
  [DCM_VR_UN]   = { "UN", DCM_VR_KIND_BULK,     1, 0,   1, 0, 0, 0 },
  [DCM_VR_UR]   = { "UR", DCM_VR_KIND_STRING,   1, ' ', 1, 0, 0, 0 },
  [DCM_VR_US]   = { "US", DCM_VR_KIND_NUMBER,   2, 0,   0, 0, 0, 2 },
  [DCM_VR_UT]   = { "UT", DCM_VR_KIND_STRING,   1, ' ', 1, 0, 1, 0 },
  [DCM_VR_UV]   = { "UV", DCM_VR_KIND_NUMBER,   8, 0,   1, 0, 0, 8 },
};

static inline const VRInfo *
info (DcmVR vr)
{
  return (guint) vr < DCM_VR_N_VRS ? &vr_info[vr] : &vr_info[DCM_VR_NONE];
}

const char *
dcm_vr_name (DcmVR vr)
{
  return info (vr)->name;
}

/* Explicit VR codes to DcmVR in one indexed load. */
static const guint8 vr_by_code[26][26] = {
  ['A' - 'A']['E' - 'A'] = DCM_VR_AE,
  ['A' - 'A']['S' - 'A'] = DCM_VR_AS,
  ['A' - 'A']['T' - 'A'] = DCM_VR_AT,
  ['C' - 'A']['S' - 'A'] = DCM_VR_CS,
  ['D' - 'A']['A' - 'A'] = DCM_VR_DA,
  ['D' - 'A']['S' - 'A'] = DCM_VR_DS,
  ['D' - 'A']['T' - 'A'] = DCM_VR_DT,
  ['F' - 'A']['D' - 'A'] = DCM_VR_FD,
  ['F' - 'A']['L' - 'A'] = DCM_VR_FL,
  ['I' - 'A']['S' - 'A'] = DCM_VR_IS,
  ['L' - 'A']['O' - 'A'] = DCM_VR_LO,
  ['L' - 'A']['T' - 'A'] = DCM_VR_LT,
  ['O' - 'A']['B' - 'A'] = DCM_VR_OB,
  ['O' - 'A']['D' - 'A'] = DCM_VR_OD,
  ['O' - 'A']['F' - 'A'] = DCM_VR_OF,
  ['O' - 'A']['L' - 'A'] = DCM_VR_OL,
  ['O' - 'A']['V' - 'A'] = DCM_VR_OV,
  ['O' - 'A']['W' - 'A'] = DCM_VR_OW,
  ['P' - 'A']['N' - 'A'] = DCM_VR_PN,
  ['S' - 'A']['H' - 'A'] = DCM_VR_SH,
  ['S' - 'A']['L' - 'A'] = DCM_VR_SL,
  ['S' - 'A']['Q' - 'A'] = DCM_VR_SQ,
  ['S' - 'A']['S' - 'A'] = DCM_VR_SS,
  ['S' - 'A']['T' - 'A'] = DCM_VR_ST,
  ['S' - 'A']['V' - 'A'] = DCM_VR_SV,
  ['T' - 'A']['M' - 'A'] = DCM_VR_TM,
  ['U' - 'A']['C' - 'A'] = DCM_VR_UC,
  ['U' - 'A']['I' - 'A'] = DCM_VR_UI,
  ['U' - 'A']['L' - 'A'] = DCM_VR_UL,
  ['U' - 'A']['N' - 'A'] = DCM_VR_UN,
  ['U' - 'A']['R' - 'A'] = DCM_VR_UR,
  ['U' - 'A']['S' - 'A'] = DCM_VR_US,
  ['U' - 'A']['T' - 'A'] = DCM_VR_UT,
  ['U' - 'A']['V' - 'A'] = DCM_VR_UV,
};

DcmVR
dcm_vr_from_code (guint8 c0, guint8 c1)
{
  if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z')
    return DCM_VR_NONE;
  return (DcmVR) vr_by_code[c0 - 'A'][c1 - 'A'];
}

DcmVR
dcm_vr_from_name (const char *name)
{
  if (name == NULL || strlen (name) != 2)
    return DCM_VR_NONE;
  return dcm_vr_from_code ((guint8) name[0], (guint8) name[1]);
}

DcmVRKind
dcm_vr_kind (DcmVR vr)
{
  return info (vr)->kind;
}

gboolean
dcm_vr_has_long_length (DcmVR vr)
{
  return info (vr)->long_length;
}

guint
dcm_vr_value_size (DcmVR vr)
{
  return info (vr)->value_size;
}

guint8
dcm_vr_padding (DcmVR vr)
{
  return info (vr)->padding;
}

guint32
dcm_vr_max_length (DcmVR vr)
{
  return info (vr)->max_length;
}

gboolean
dcm_vr_is_multi_valued_string (DcmVR vr)
{
  return info (vr)->multi_valued;
}

gboolean
dcm_vr_uses_charset (DcmVR vr)
{
  return info (vr)->charset;
}
