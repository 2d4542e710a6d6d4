/* dcm-charset-private.h — what dcm-charset.c and dcm-charset-encode.c share:
 * the code elements, the charset struct and a few helpers */
#pragma once

#include "dcm-charset.h"

G_BEGIN_DECLS

#define ESC 0x1b

typedef enum {
  KIND_ASCII,     /* ISO-IR 6 in G0 */
  KIND_ROMAJI,    /* ISO-IR 14 in G0: ASCII but for 0x7E */
  KIND_SINGLE,    /* 96-character G1 set converted by iconv */
  KIND_KATAKANA,  /* JIS X 0201 katakana in G1 */
  KIND_MULTI_G0,  /* 94×94 set in G0, converted as EUC with the high bits set */
  KIND_MULTI_G1,  /* 94×94 set in G1, the bytes are EUC as they stand */
} ElementKind;

typedef struct {
  const char *name;
  ElementKind kind;
  const char *escape;      /* what follows ESC to designate the element */
  const char *iconv_name;
  guint8      prefix;      /* EUC single shift before each character, or 0 */
} CodeElement;

enum {
  EL_NONE = -1,
  EL_IR6, EL_IR14, EL_IR100, EL_IR101, EL_IR109, EL_IR110, EL_IR144,
  EL_IR127, EL_IR126, EL_IR138, EL_IR148, EL_IR203, EL_IR166, EL_IR13,
  EL_IR87, EL_IR159, EL_IR149, EL_IR58,
  N_ELEMENTS
};

struct _DcmCharset {
  char           *value;
  const char     *whole;        /* iconv name for ISO_IR 192, GB18030, GBK */
  gint8           init_g0;
  gint8           init_g1;
  guint           n_elements;   /* elements the terms list, in their order */
  gint8           elements[N_ELEMENTS];
};

/* PS3.3 Tables C.12-3 and C.12-4, indexed by EL_*. */
extern const CodeElement dcm_charset_elements[N_ELEMENTS];
/* What a NULL charset or an empty (0008,0005) means. */
extern const DcmCharset  dcm_charset_default;

/* iconv converters opened on first use within one call (see the top of
 * dcm-charset.c); one slot per code element and one for a whole set. */
typedef struct {
  GIConv cd[N_ELEMENTS + 1];
} Converters;

#define WHOLE_SLOT N_ELEMENTS

void     dcm_charset_converters_init  (Converters *conv);
void     dcm_charset_converters_clear (Converters *conv);
GIConv   dcm_charset_converters_get   (Converters *conv, guint slot, const char *to,
                                       const char *from);

gboolean dcm_charset_has_element      (const DcmCharset *cs, gint8 el);
gboolean dcm_charset_is_g0_element    (gint el);
/* PS3.5 §6.1.2.5.3: where the initial designations come back. */
gboolean dcm_charset_is_delimiter     (guint8 b, DcmVR vr);
/* Whether bytes mean the same in ASCII and in the set's initial state, so
 * that they need no conversion at all. */
gboolean dcm_charset_is_plain_ascii   (const DcmCharset *cs, DcmVR vr, const guint8 *bytes,
                                       gsize len);

G_END_DECLS
