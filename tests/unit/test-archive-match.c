/* test-archive-match.c — C-FIND attribute matching (PS3.4 §C.2.2.2) */
#include <string.h>

#include "dimse-archive-match.h"
#include "dimse-error.h"
#include "dcm-tags.h"

/* Raw value bytes (padded here) so that the cases hold exactly what a
 * peer would send; NULL means "no such element", "" a zero-length one. */
static void
put_raw (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *text)
{
  gsize len = strlen (text);
  g_autofree char *padded = g_strdup_printf ("%s%c", text, dcm_vr_padding (vr));
  g_autoptr (GError) error = NULL;

  if (len == 0)
    {
      dcm_data_set_insert (ds, tag, vr);
      return;
    }
  g_assert_true (dcm_data_set_set_raw (ds, tag, vr, padded, len + (len & 1), &error));
  g_assert_no_error (error);
}

typedef struct {
  const char *name;
  guint32     tag;
  DcmVR       vr;
  const char *key;     /* NULL: zero length */
  const char *record;  /* NULL: absent */
  gboolean    match;
} Case;

static const Case cases[] = {
  /* §C.2.2.2.1 Single Value Matching */
  { "single/equal", DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID1", "ID1", TRUE },
  { "single/different", DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID1", "ID2", FALSE },
  { "single/case-sensitive", DCM_TAG_STUDY_DESCRIPTION, DCM_VR_LO, "abc", "ABC", FALSE },
  { "single/spaces-insignificant", DCM_TAG_PATIENT_ID, DCM_VR_LO, " ID1", "ID1 ", TRUE },
  { "single/absent", DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID1", NULL, FALSE },
  { "single/record-empty", DCM_TAG_PATIENT_ID, DCM_VR_LO, "ID1", "", FALSE },
  { "single/record-multi-valued", DCM_TAG_IMAGE_TYPE, DCM_VR_CS, "LOCALIZER",
    "ORIGINAL\\PRIMARY\\LOCALIZER", TRUE },
  { "single/is-numeric", DCM_TAG_SERIES_NUMBER, DCM_VR_IS, "5", "05", TRUE },
  { "single/is-other", DCM_TAG_SERIES_NUMBER, DCM_VR_IS, "5", "6", FALSE },
  /* PN: without regard to case, trailing empty components insignificant */
  { "pn/case", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "doe^john", "DOE^JOHN", TRUE },
  { "pn/trailing-components", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe^John", "Doe^John^^^", TRUE },
  { "pn/part-is-not-single", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Doe", "Doe^John", FALSE },
  { "pn/group", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Yamada^Tarou",
    "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e", TRUE },
  { "pn/ideographic-group", DCM_TAG_PATIENT_NAME, DCM_VR_PN,
    "\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e",
    "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e", TRUE },
  { "pn/groups-by-position", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "=\xe5\xb1\xb1\xe7\x94\xb0*",
    "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e", TRUE },
  { "pn/groups-differ", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "Yamada^Tarou=\xe5\xb1\xb1*^X",
    "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e", FALSE },
  /* §C.2.2.2.3 Universal Matching */
  { "universal/empty-key-absent", DCM_TAG_PATIENT_NAME, DCM_VR_PN, NULL, NULL, TRUE },
  { "universal/empty-key", DCM_TAG_STUDY_DATE, DCM_VR_DA, NULL, "20200101", TRUE },
  { "universal/star", DCM_TAG_PATIENT_ID, DCM_VR_LO, "*", NULL, TRUE },
  /* Empty Value Matching: "" */
  { "empty-value/absent", DCM_TAG_ACCESSION_NUMBER, DCM_VR_SH, "\"\"", NULL, TRUE },
  { "empty-value/zero-length", DCM_TAG_ACCESSION_NUMBER, DCM_VR_SH, "\"\"", "", TRUE },
  { "empty-value/present", DCM_TAG_ACCESSION_NUMBER, DCM_VR_SH, "\"\"", "A1", FALSE },
  /* §C.2.2.2.4 Wild Card Matching */
  { "wildcard/question", DCM_TAG_MODALITY, DCM_VR_CS, "C?", "CT", TRUE },
  { "wildcard/question-one-only", DCM_TAG_MODALITY, DCM_VR_CS, "C?", "CTX", FALSE },
  { "wildcard/star-prefix", DCM_TAG_MODALITY, DCM_VR_CS, "*T", "CT", TRUE },
  { "wildcard/backtrack", DCM_TAG_STUDY_ID, DCM_VR_SH, "a*b*c", "aXbXXbYc", TRUE },
  { "wildcard/backtrack-fails", DCM_TAG_STUDY_ID, DCM_VR_SH, "a*b*c", "aXbXXbY", FALSE },
  { "wildcard/case-sensitive", DCM_TAG_STUDY_DESCRIPTION, DCM_VR_LO, "head*", "HEAD CT", FALSE },
  { "wildcard/pn-case", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "do*^J?HN", "Doe^John", TRUE },
  { "wildcard/pn-no", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "X*", "Doe^John", FALSE },
  { "wildcard/question-utf8", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "M?ller", "M\xc3\xbcller", TRUE },
  { "wildcard/not-for-ui", DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI, "1.2.*", "1.2.3", FALSE },
  /* §C.2.2.2.5 Range Matching */
  { "range/da-inside", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101-20201231", "20200615", TRUE },
  { "range/da-bounds", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101-20201231", "20201231", TRUE },
  { "range/da-after", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101-20201231", "20210101", FALSE },
  { "range/da-open-start", DCM_TAG_STUDY_DATE, DCM_VR_DA, "-20200101", "19991231", TRUE },
  { "range/da-open-start-no", DCM_TAG_STUDY_DATE, DCM_VR_DA, "-20200101", "20200102", FALSE },
  { "range/da-open-end", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101-", "20250101", TRUE },
  { "range/da-open-end-no", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101-", "20191231", FALSE },
  { "range/da-absent", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101-", NULL, FALSE },
  { "range/da-single", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101", "20200101", TRUE },
  { "range/da-single-no", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101", "20200102", FALSE },
  { "range/tm-inside", DCM_TAG_STUDY_TIME, DCM_VR_TM, "1000-1100", "103000", TRUE },
  { "range/tm-upper-precision", DCM_TAG_STUDY_TIME, DCM_VR_TM, "1000-1100", "110059.9", TRUE },
  { "range/tm-after", DCM_TAG_STUDY_TIME, DCM_VR_TM, "1000-1100", "110100", FALSE },
  { "range/tm-open-start", DCM_TAG_STUDY_TIME, DCM_VR_TM, "-0900", "085959.5", TRUE },
  { "range/tm-single-precision", DCM_TAG_STUDY_TIME, DCM_VR_TM, "1015", "101530", TRUE },
  { "range/dt-inside", DCM_TAG_ACQUISITION_DATE_TIME, DCM_VR_DT,
    "20200101120000-20200101130000", "20200101123000", TRUE },
  { "range/dt-offset", DCM_TAG_ACQUISITION_DATE_TIME, DCM_VR_DT,
    "20200101125900-20200101130100", "20200101140000+0100", TRUE },
  { "range/dt-offset-no", DCM_TAG_ACQUISITION_DATE_TIME, DCM_VR_DT,
    "20200101125900-20200101130100", "20200101140000", FALSE },
  { "range/dt-open-end", DCM_TAG_ACQUISITION_DATE_TIME, DCM_VR_DT, "2021-", "20220101", TRUE },
  /* §C.2.2.2.2 List of UID Matching, and multiple values of other VRs */
  { "uid-list/hit", DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI, "1.2.3\\1.2.4", "1.2.4", TRUE },
  { "uid-list/miss", DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_UI, "1.2.3\\1.2.4", "1.2.5", FALSE },
  { "multiple/cs", DCM_TAG_MODALITY, DCM_VR_CS, "CT\\MR", "MR", TRUE },
  { "multiple/cs-miss", DCM_TAG_MODALITY, DCM_VR_CS, "CT\\MR", "US", FALSE },
  { "multiple/wildcards", DCM_TAG_PATIENT_ID, DCM_VR_LO, "A*\\B*", "B7", TRUE },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr (DcmDataSet) record = dcm_data_set_new ();
  g_autoptr (DimseMatchKey) key = NULL;
  g_autoptr (DimseMatchValues) values = NULL;
  g_autoptr (GError) error = NULL;
  const DcmElement *el;

  put_raw (identifier, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  put_raw (record, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  put_raw (identifier, c->tag, c->vr, c->key != NULL ? c->key : "");
  if (c->record != NULL)
    put_raw (record, c->tag, c->vr, c->record);
  key = dimse_match_key_new (identifier, dcm_data_set_lookup (identifier, c->tag), &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpint (dimse_match_key_matches (key, record), ==, c->match);
  /* The prepared path (index time) decides the same. */
  el = dcm_data_set_lookup (record, c->tag);
  if (el != NULL)
    values = dimse_match_values_new (record, el);
  g_assert_cmpint (dimse_match_key_matches_values (key, values), ==, c->match);
}

/* ---- identifiers that cannot be matched ---- */

typedef struct {
  const char *name;
  guint32     tag;
  DcmVR       vr;
  const char *key;
} BadCase;

static const BadCase bad_cases[] = {
  { "da-not-a-date", DCM_TAG_STUDY_DATE, DCM_VR_DA, "2020x" },
  { "da-three-sides", DCM_TAG_STUDY_DATE, DCM_VR_DA, "20200101-20200102-20200103" },
  { "tm-garbage", DCM_TAG_STUDY_TIME, DCM_VR_TM, "noon" },
  { "pn-bad-bytes", DCM_TAG_PATIENT_NAME, DCM_VR_PN, "\xff\xfe" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr (DimseMatchKey) key = NULL;
  g_autoptr (GError) error = NULL;

  put_raw (identifier, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  put_raw (identifier, c->tag, c->vr, c->key);
  key = dimse_match_key_new (identifier, dcm_data_set_lookup (identifier, c->tag), &error);
  g_assert_null (key);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID);
  g_assert_nonnull (strstr (error->message, "cannot be matched"));
}

/* ---- sequence matching (§C.2.2.2.6) ---- */

static DcmDataSet *
code_item (const char *value, const char *scheme, const char *meaning)
{
  DcmDataSet *item = dcm_data_set_new ();

  put_raw (item, DCM_TAG_CODE_VALUE, DCM_VR_SH, value);
  put_raw (item, DCM_TAG_CODING_SCHEME_DESIGNATOR, DCM_VR_SH, scheme);
  put_raw (item, DCM_TAG_CODE_MEANING, DCM_VR_LO, meaning);
  return item;
}

static DcmDataSet *
sequence_record (void)
{
  DcmDataSet *record = dcm_data_set_new ();
  DcmElement *sq = dcm_data_set_insert (record, DCM_TAG_PROCEDURE_CODE_SEQUENCE, DCM_VR_SQ);

  dcm_data_set_append_item (record, sq, code_item ("A1", "L", "Head"));
  dcm_data_set_append_item (record, sq, code_item ("B2", "L", "Chest"));
  return record;
}

/* A key item with CodeValue = value (NULL: zero length) and an empty
 * CodeMeaning as return key; no item at all when with_item is FALSE. */
static DimseMatchKey *
sequence_key (gboolean with_item, const char *value, GError **error)
{
  g_autoptr (DcmDataSet) identifier = dcm_data_set_new ();
  DcmElement *sq = dcm_data_set_insert (identifier, DCM_TAG_PROCEDURE_CODE_SEQUENCE, DCM_VR_SQ);

  if (with_item)
    {
      DcmDataSet *item = dcm_data_set_new ();

      put_raw (item, DCM_TAG_CODE_VALUE, DCM_VR_SH, value != NULL ? value : "");
      put_raw (item, DCM_TAG_CODE_MEANING, DCM_VR_LO, "");
      dcm_data_set_append_item (identifier, sq, item);
    }
  return dimse_match_key_new (identifier,
                              dcm_data_set_lookup (identifier, DCM_TAG_PROCEDURE_CODE_SEQUENCE),
                              error);
}

static void
test_sequence_match (void)
{
  g_autoptr (DcmDataSet) record = sequence_record ();
  g_autoptr (DcmDataSet) empty_record = dcm_data_set_new ();
  g_autoptr (DcmDataSet) response = dcm_data_set_new ();
  g_autoptr (DimseMatchKey) hit = sequence_key (TRUE, "B2", NULL);
  g_autoptr (DimseMatchKey) wild = sequence_key (TRUE, "?2", NULL);
  g_autoptr (DimseMatchKey) miss = sequence_key (TRUE, "C3", NULL);
  g_autoptr (DimseMatchKey) universal = sequence_key (TRUE, NULL, NULL);
  g_autoptr (DimseMatchKey) no_item = sequence_key (FALSE, NULL, NULL);
  DcmDataSet *item;
  g_autofree char *meaning = NULL;

  g_assert_true (dimse_match_key_matches (hit, record));
  g_assert_true (dimse_match_key_matches (wild, record));
  g_assert_false (dimse_match_key_matches (miss, record));
  g_assert_false (dimse_match_key_matches (hit, empty_record));
  g_assert_true (dimse_match_key_is_universal (universal));
  g_assert_true (dimse_match_key_matches (universal, empty_record));
  g_assert_true (dimse_match_key_is_universal (no_item));

  /* Only the matching item, with only the requested keys. */
  dimse_match_key_copy_value (hit, record, response, FALSE);
  g_assert_cmpuint (dcm_data_set_get_n_items (response, DCM_TAG_PROCEDURE_CODE_SEQUENCE), ==, 1);
  item = dcm_data_set_get_item (response, DCM_TAG_PROCEDURE_CODE_SEQUENCE, 0);
  g_assert_cmpuint (dcm_data_set_n_elements (item), ==, 2);
  meaning = dcm_data_set_dup_string (item, DCM_TAG_CODE_MEANING);
  g_assert_cmpstr (meaning, ==, "Chest");
  g_assert_false (dcm_data_set_contains (item, DCM_TAG_CODING_SCHEME_DESIGNATOR));

  /* A universal item returns every item. */
  g_clear_pointer (&response, dcm_data_set_unref);
  response = dcm_data_set_new ();
  dimse_match_key_copy_value (universal, record, response, FALSE);
  g_assert_cmpuint (dcm_data_set_get_n_items (response, DCM_TAG_PROCEDURE_CODE_SEQUENCE), ==, 2);
}

static void
test_sequence_two_items (void)
{
  g_autoptr (DcmDataSet) identifier = sequence_record ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DimseMatchKey) key = NULL;

  key = dimse_match_key_new (identifier,
                             dcm_data_set_lookup (identifier, DCM_TAG_PROCEDURE_CODE_SEQUENCE),
                             &error);
  g_assert_null (key);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID);
}

/* ---- character sets ---- */

/* PS3.5 Annex H: "Yamada^Tarou=山田^太郎=やまだ^たろう" in ISO 2022 IR 87. */
static const char yamada_jis[] =
  "Yamada^Tarou=\033$B;3ED\033(B^\033$BB@O:\033(B=\033$B$d$^$@\033(B^\033$B$?$m$&\033(B";

static gboolean
charset_match (const char *key_charset, const char *key, const char *record_charset,
               const char *record_value)
{
  g_autoptr (DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr (DcmDataSet) record = dcm_data_set_new ();
  g_autoptr (DimseMatchKey) match_key = NULL;
  g_autoptr (DimseMatchValues) values = NULL;
  g_autoptr (GError) error = NULL;
  gboolean by_data_set;

  put_raw (identifier, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, key_charset);
  put_raw (record, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, record_charset);
  put_raw (identifier, DCM_TAG_PATIENT_NAME, DCM_VR_PN, key);
  put_raw (record, DCM_TAG_PATIENT_NAME, DCM_VR_PN, record_value);
  match_key = dimse_match_key_new (identifier,
                                   dcm_data_set_lookup (identifier, DCM_TAG_PATIENT_NAME), &error);
  g_assert_no_error (error);
  by_data_set = dimse_match_key_matches (match_key, record);
  values = dimse_match_values_new (record, dcm_data_set_lookup (record, DCM_TAG_PATIENT_NAME));
  g_assert_nonnull (values);
  g_assert_cmpint (dimse_match_key_matches_values (match_key, values), ==, by_data_set);
  return by_data_set;
}

static void
test_charsets (void)
{
  /* UTF-8 identifier against an ISO 2022 IR 87 record, per group. */
  g_assert_true (charset_match ("ISO_IR 192", "\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e",
                                "\\ISO 2022 IR 87", yamada_jis));
  g_assert_true (charset_match ("ISO_IR 192", "\xe5\xb1\xb1\xe7\x94\xb0*", "\\ISO 2022 IR 87",
                                yamada_jis));
  g_assert_true (charset_match ("ISO_IR 192", "yamada^tarou", "\\ISO 2022 IR 87", yamada_jis));
  g_assert_false (charset_match ("ISO_IR 192", "\xe5\xb1\xb1\xe7\x94\xb0^X", "\\ISO 2022 IR 87",
                                 yamada_jis));
  /* ISO 2022 IR 87 identifier against a UTF-8 record. */
  g_assert_true (charset_match ("\\ISO 2022 IR 87", "\033$B;3ED\033(B*", "ISO_IR 192",
                                "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e"));
  /* Latin-1 identifier against UTF-8, case folded. */
  g_assert_true (charset_match ("ISO_IR 100", "m\xfcller", "ISO_IR 192", "M\xc3\x9cLLER"));
  g_assert_false (charset_match ("ISO_IR 100", "m\xfcller", "ISO_IR 192", "MULLER"));
}

static void
test_copy_utf8 (void)
{
  g_autoptr (DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr (DcmDataSet) record = dcm_data_set_new ();
  g_autoptr (DcmDataSet) response = dcm_data_set_new ();
  g_autoptr (DimseMatchKey) key = NULL;
  g_autofree char *name = NULL;
  GBytes *bytes;

  put_raw (identifier, DCM_TAG_PATIENT_NAME, DCM_VR_PN, "");
  put_raw (record, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "\\ISO 2022 IR 87");
  put_raw (record, DCM_TAG_PATIENT_NAME, DCM_VR_PN, yamada_jis);
  key = dimse_match_key_new (identifier, dcm_data_set_lookup (identifier, DCM_TAG_PATIENT_NAME),
                             NULL);
  g_assert_true (dimse_match_key_needs_charset (key, record));
  put_raw (response, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  dimse_match_key_copy_value (key, record, response, TRUE);
  name = dcm_data_set_dup_string (response, DCM_TAG_PATIENT_NAME);
  g_assert_cmpstr (name, ==, "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e="
                   "\xe3\x82\x84\xe3\x81\xbe\xe3\x81\xa0^\xe3\x81\x9f\xe3\x82\x8d\xe3\x81\x86");
  bytes = dcm_data_set_lookup (response, DCM_TAG_PATIENT_NAME)->value.bytes;
  g_assert_null (memchr (g_bytes_get_data (bytes, NULL), 0x1b, g_bytes_get_size (bytes)));
}

/* ---- fuzzy semantic matching of person names (PS3.4 §C.2.2.2.1.1) ---- */

typedef struct {
  const char *name;
  const char *key;
  const char *record;
  gboolean    fuzzy;   /* the match with DIMSE_MATCH_FUZZY_PN */
  gboolean    literal; /* and without */
} FuzzyCase;

#define YAMADA "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa"

static const FuzzyCase fuzzy_cases[] = {
  { "accents", "muller", "Müller^Jürgen", TRUE, FALSE },
  { "accents-both", "Müller^Jurgen", "Muller^Jürgen", TRUE, FALSE },
  /* case folding makes ß "ss" whether fuzzy or not */
  { "sharp-s", "strasse", "Straße", TRUE, TRUE },
  { "sharp-s-accents", "STRASSE^ANNA", "Straße^Änna", TRUE, FALSE },
  { "undecomposed", "ostergard", "Østergård^Bo", TRUE, FALSE },
  { "order", "Jurgen^Muller", "Müller^Jürgen", TRUE, FALSE },
  { "order-literal", "John^Doe", "Doe^John", TRUE, FALSE },
  { "given-only", "^jurgen", "Müller^Jürgen", TRUE, FALSE },
  { "wildcard", "MUL*", "Müller^Jürgen", TRUE, FALSE },
  { "wildcard-question", "m?ller^j?rgen", "Müller^Jürgen", TRUE, TRUE },
  { "wildcard-across", "mul*gen", "Müller^Jürgen", TRUE, FALSE },
  { "different", "Schmidt", "Müller^Jürgen", FALSE, FALSE },
  { "different-given", "Muller^Hans", "Müller^Jürgen", FALSE, FALSE },
  { "middle-name", "Doe^John^Q", "Doe^John^R", FALSE, FALSE },
  { "alphabetic-of-groups", "yamada", YAMADA, TRUE, FALSE },
  { "ideographic-when-given", "=\xe5\xb1\xb1\xe7\x94\xb0", YAMADA, TRUE, FALSE },
  { "ideographic-either-order", "Yamada=\xe5\xa4\xaa", YAMADA, TRUE, FALSE },
  { "ideographic-differs", "Yamada=\xe7\x94\xb0", YAMADA, FALSE, FALSE },
};

static gboolean
fuzzy_match (const char *key_text, const char *record_text, DimseMatchFlags flags)
{
  g_autoptr (DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr (DcmDataSet) record = dcm_data_set_new ();
  g_autoptr (DimseMatchKey) key = NULL;
  g_autoptr (DimseMatchValues) values = NULL;
  g_autoptr (GError) error = NULL;
  gboolean on_the_spot;

  put_raw (identifier, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  put_raw (record, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  put_raw (identifier, DCM_TAG_PATIENT_NAME, DCM_VR_PN, key_text);
  put_raw (record, DCM_TAG_PATIENT_NAME, DCM_VR_PN, record_text);
  key = dimse_match_key_new_full (identifier, dcm_data_set_lookup (identifier,
                                                                   DCM_TAG_PATIENT_NAME),
                                  flags, &error);
  g_assert_no_error (error);
  on_the_spot = dimse_match_key_matches (key, record);
  values = dimse_match_values_new (record, dcm_data_set_lookup (record, DCM_TAG_PATIENT_NAME));
  g_assert_cmpint (dimse_match_key_matches_values (key, values), ==, on_the_spot);
  return on_the_spot;
}

static void
test_fuzzy (gconstpointer data)
{
  const FuzzyCase *c = data;

  g_assert_cmpint (fuzzy_match (c->key, c->record, DIMSE_MATCH_FUZZY_PN), ==, c->fuzzy);
  g_assert_cmpint (fuzzy_match (c->key, c->record, DIMSE_MATCH_DEFAULT), ==, c->literal);
}

/* A sequence key passes the flag on to the keys of its item. */
static void
test_fuzzy_sequence (void)
{
  g_autoptr (DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr (DcmDataSet) record = dcm_data_set_new ();
  DcmDataSet *key_item = dcm_data_set_new ();
  DcmDataSet *record_item = dcm_data_set_new ();
  DcmElement *seq;
  g_autoptr (DimseMatchKey) fuzzy = NULL;
  g_autoptr (DimseMatchKey) literal = NULL;
  g_autoptr (GError) error = NULL;

  put_raw (identifier, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  put_raw (record, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS, "ISO_IR 192");
  seq = dcm_data_set_insert (identifier, DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (identifier, seq, key_item);
  put_raw (key_item, DCM_TAG_SCHEDULED_PERFORMING_PHYSICIAN_NAME, DCM_VR_PN, "Ann^Smith");
  seq = dcm_data_set_insert (record, DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (record, seq, record_item);
  put_raw (record_item, DCM_TAG_SCHEDULED_PERFORMING_PHYSICIAN_NAME, DCM_VR_PN, "Smith^Ann");
  seq = (DcmElement *) dcm_data_set_lookup (identifier, DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE);
  fuzzy = dimse_match_key_new_full (identifier, seq, DIMSE_MATCH_FUZZY_PN, &error);
  g_assert_no_error (error);
  literal = dimse_match_key_new (identifier, seq, &error);
  g_assert_no_error (error);
  g_assert_true (dimse_match_key_matches (fuzzy, record));
  g_assert_false (dimse_match_key_matches (literal, record));
}

static void
test_wildcard_direct (void)
{
  g_assert_true (dimse_match_wildcard ("*", 1, "", 0));
  g_assert_true (dimse_match_wildcard ("***a", 4, "bba", 3));
  g_assert_false (dimse_match_wildcard ("?", 1, "", 0));
  g_assert_true (dimse_match_wildcard ("?", 1, "\xe5\xb1\xb1", 3));
  g_assert_false (dimse_match_wildcard ("??", 2, "\xe5\xb1\xb1", 3));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/archive-match/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/archive-match/invalid/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fuzzy_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/archive-match/fuzzy-pn/%s", fuzzy_cases[i].name);
      g_test_add_data_func (path, &fuzzy_cases[i], test_fuzzy);
    }
  g_test_add_func ("/archive-match/fuzzy-pn/sequence", test_fuzzy_sequence);
  g_test_add_func ("/archive-match/sequence/items", test_sequence_match);
  g_test_add_func ("/archive-match/sequence/two-key-items", test_sequence_two_items);
  g_test_add_func ("/archive-match/charset/decode-both-sides", test_charsets);
  g_test_add_func ("/archive-match/charset/copy-to-utf8", test_copy_utf8);
  g_test_add_func ("/archive-match/wildcard/direct", test_wildcard_direct);
  return g_test_run ();
}
