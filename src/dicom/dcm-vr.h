/* dcm-vr.h — value representations (PS3.5 §6.2) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Alphabetical; DCM_VR_NONE marks "no VR" (items and delimiters) and the
 * unused slots of a dictionary entry's VR list. */
typedef enum {
  DCM_VR_NONE = 0,
  DCM_VR_AE, DCM_VR_AS, DCM_VR_AT, DCM_VR_CS, DCM_VR_DA, DCM_VR_DS, DCM_VR_DT,
  DCM_VR_FD, DCM_VR_FL, DCM_VR_IS, DCM_VR_LO, DCM_VR_LT, DCM_VR_OB, DCM_VR_OD,
  DCM_VR_OF, DCM_VR_OL, DCM_VR_OV, DCM_VR_OW, DCM_VR_PN, DCM_VR_SH, DCM_VR_SL,
  DCM_VR_SQ, DCM_VR_SS, DCM_VR_ST, DCM_VR_SV, DCM_VR_TM, DCM_VR_UC, DCM_VR_UI,
  DCM_VR_UL, DCM_VR_UN, DCM_VR_UR, DCM_VR_US, DCM_VR_UT, DCM_VR_UV,
  DCM_VR_N_VRS
} DcmVR;

typedef enum {
  DCM_VR_KIND_STRING,   /* character data: AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT */
  DCM_VR_KIND_NUMBER,   /* fixed-size binary numbers: FD FL SL SS SV UL US UV */
  DCM_VR_KIND_TAG,      /* AT */
  DCM_VR_KIND_BULK,     /* OB OD OF OL OV OW UN */
  DCM_VR_KIND_SEQUENCE, /* SQ */
  DCM_VR_KIND_NONE,
} DcmVRKind;

/* "AE" … "UV"; "??" for DCM_VR_NONE or out of range. */
const char *dcm_vr_name (DcmVR vr);
/* From the two bytes of an explicit VR; DCM_VR_NONE when not a known VR. */
DcmVR       dcm_vr_from_code (guint8 c0, guint8 c1);
DcmVR       dcm_vr_from_name (const char *name);
DcmVRKind   dcm_vr_kind (DcmVR vr);
/* PS3.5 Table 7.1-1/7.1-2: VRs with a reserved 2 bytes and a 32-bit length
 * in explicit VR encoding (OB OD OF OL OV OW SQ SV UC UN UR UT UV). */
gboolean    dcm_vr_has_long_length (DcmVR vr);
/* Size of one binary value (2 for US/SS/OW, 4 for UL/SL/FL/OF/OL/AT,
 * 8 for FD/OD/SV/UV/OV), 1 for OB/UN and string VRs. */
guint       dcm_vr_value_size (DcmVR vr);
/* Padding for odd lengths: ' ' for strings, '\0' for UI and binary. */
guint8      dcm_vr_padding (DcmVR vr);
/* Maximum length of one value in bytes per PS3.5 Table 6.2-1 (characters for
 * LO/SH/PN … counted as bytes here); 0 when unbounded. */
guint32     dcm_vr_max_length (DcmVR vr);
/* Whether multiple values are separated by backslash (all string VRs but
 * LT, ST, UT, UR). */
gboolean    dcm_vr_is_multi_valued_string (DcmVR vr);
/* Whether the Specific Character Set applies (SH LO UC ST LT UT PN). */
gboolean    dcm_vr_uses_charset (DcmVR vr);

G_END_DECLS
