/* dcm-dict-table.h — the generated dictionary tables, private to dcm-dict.c */
#pragma once

#include "dcm-dict.h"

G_BEGIN_DECLS

/* dcm_dict_n_plain plain entries sorted by tag, then the repeating-group ones
 * up to dcm_dict_n_all. */
extern const DcmDictEntry dcm_dict_entries[];
extern const guint        dcm_dict_n_plain;
extern const guint        dcm_dict_n_all;
/* Indices of the entries with a keyword, sorted by keyword with strcmp. */
extern const guint16      dcm_dict_keyword_index[];
extern const guint        dcm_dict_n_keywords;

G_END_DECLS
