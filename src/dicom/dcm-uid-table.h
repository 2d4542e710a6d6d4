/* dcm-uid-table.h — the generated UID registry tables, private to src/dicom */
#pragma once

#include "dcm-uid.h"
#include "dcm-transfer-syntax.h"

G_BEGIN_DECLS

/* Sorted by UID with strcmp. */
extern const DcmUidEntry dcm_uid_entries[];
extern const guint       dcm_uid_n_all;
/* Indices of the entries with a keyword, sorted by keyword with strcmp. */
extern const guint16     dcm_uid_keyword_index[];
extern const guint       dcm_uid_n_keywords;

/* The registry's transfer syntaxes other than the four uncompressed ones,
 * sorted by UID with strcmp; for dcm-transfer-syntax.c. */
extern const DcmTransferSyntax dcm_uid_transfer_syntaxes[];
extern const guint             dcm_uid_n_transfer_syntaxes;

G_END_DECLS
