/* test-archive-worklist.c — the archive's Modality Worklist
 * (DimseArchiveWorklist) on 127.0.0.1 in process, against our own C-FIND
 * SCU: matching on Scheduled Station AE Title, Modality, date ranges and
 * patient names, return keys only, the character set, C-CANCEL, malformed
 * identifiers, a folder that changes; and the demo's worklist */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dcm-writer.h"
#include "dimse-archive-demo.h"
#include "dimse-archive.h"
#include "dimse-echo.h"
#include "dimse-find.h"
#include "dimse-server.h"
#include "dimse-status.h"
#include "test-util.h"
#include "test-wait.h"

#define FIND_WORKLIST DCM_UID_MODALITY_WORKLIST_INFORMATION_MODEL_FIND
#define STATUS_CANCEL 0xFE00
#define N_MANY 60

typedef struct {
  GMainContext     *context;
  char             *tmp;
  char             *worklist_dir;
  DimseArchive     *archive;
  DimseServer      *server;
  DimseAssociation *assoc;
} Fixture;

/* ---- the worklist's files ---- */

typedef enum {
  ITEM_EXPLICIT,   /* a bare data set, explicit VR little endian */
  ITEM_IMPLICIT,   /* a bare data set, implicit VR little endian */
  ITEM_PART10,
} ItemForm;

typedef struct {
  const char *file;
  ItemForm    form;
  const char *charset;
  const char *patient_id;
  const char *patient_name;
  const char *modality;
  const char *station;
  const char *date;
  const char *time;
} Item;

static const Item items[] = {
  { "a.wl", ITEM_EXPLICIT, NULL, "P1", "DOE^JOHN", "CT", "CT01", "20260310", "090000" },
  { "b.wl", ITEM_IMPLICIT, NULL, "P2", "DOE^JANE", "MR", "MR01", "20260310", "100000" },
  { "c.dcm", ITEM_PART10, NULL, "P3", "ROE^RICHARD", "CT", "CT02", "20260312", "080000" },
  { "d.wl", ITEM_EXPLICIT, "ISO_IR 100", "P4", "MÜLLER^JÜRGEN", "CR", "CR01", "20260401",
    "110000" },
};

static void
set (DcmDataSet *ds, guint32 tag, const char *value)
{
  g_autoptr(GError) error = NULL;

  dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, &error);
  g_assert_no_error (error);
}

/* An item of the Scheduled Procedure Step Sequence, appended to ds so
 * that its values take ds's character set. */
static DcmDataSet *
add_step (DcmDataSet *ds)
{
  DcmDataSet *step = dcm_data_set_new ();
  DcmElement *seq = (DcmElement *) dcm_data_set_lookup (ds,
                                                        DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE);

  if (seq == NULL)
    seq = dcm_data_set_insert (ds, DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (ds, seq, step);
  return step;
}

static DcmDataSet *
make_item (const Item *item)
{
  DcmDataSet *ds = dcm_data_set_new ();
  DcmDataSet *step;
  g_autofree char *accession = g_strconcat ("ACC-", item->patient_id, NULL);

  if (item->charset != NULL)
    set (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, item->charset);
  set (ds, DCM_TAG_ACCESSION_NUMBER, accession);
  set (ds, DCM_TAG_PATIENT_NAME, item->patient_name);
  set (ds, DCM_TAG_PATIENT_ID, item->patient_id);
  set (ds, DCM_TAG_PATIENT_SEX, "O");
  set (ds, DCM_TAG_REQUESTED_PROCEDURE_ID, item->patient_id);
  step = add_step (ds);
  set (step, DCM_TAG_MODALITY, item->modality);
  set (step, DCM_TAG_SCHEDULED_STATION_AE_TITLE, item->station);
  set (step, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE, item->date);
  set (step, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_TIME, item->time);
  set (step, DCM_TAG_SCHEDULED_PERFORMING_PHYSICIAN_NAME, "SMITH^ANN");
  set (step, DCM_TAG_SCHEDULED_PROCEDURE_STEP_ID, item->patient_id);
  return ds;
}

static void
write_item (const char *folder, const Item *item)
{
  g_autoptr(DcmDataSet) ds = make_item (item);
  g_autofree char *path = g_build_filename (folder, item->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (item->form == ITEM_PART10)
    {
      g_autoptr(DcmFile) file = NULL;

      set (ds, DCM_TAG_SOP_CLASS_UID, FIND_WORKLIST);
      set (ds, DCM_TAG_SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.1247.500.1");
      file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, &error);
      g_assert_no_error (error);
      dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, &error);
      g_assert_no_error (error);
      return;
    }
  bytes = dcm_data_set_write_bytes (ds, item->form == ITEM_IMPLICIT ? &dcm_ts_implicit_le
                                                                    : &dcm_ts_explicit_le,
                                    DCM_WRITE_DEFAULT, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static void
write_file (const char *folder, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* The four items, a .wl file that is no data set, and two files that are
 * not items at all. */
static void
write_worklist (const char *folder)
{
  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    write_item (folder, &items[i]);
  write_file (folder, "junk.wl", "not a DICOM data set");
  write_file (folder, "notes.txt", "not an item");
  write_file (folder, ".hidden.wl", "not an item either");
}

/* ---- the archive ---- */

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dimse_archive_open_finish (DIMSE_ARCHIVE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* proposed: the worklist's SOP Class Extended Negotiation (PS3.4 §K.5.1) */
static DimseAssociation *
associate_with (Fixture *f, DimseFindOptions proposed)
{
  g_autoptr(DimseAssociationParams) params = dimse_association_params_new ("SCU", "ARCHIVE");
  g_autoptr(GError) error = NULL;
  DimseAssociation *assoc;
  DimseProposedContext *context;
  TestWaiter w = { 0 };

  dimse_association_params_add_context (params, DCM_UID_VERIFICATION, NULL, DIMSE_ROLE_DEFAULT);
  context = dimse_association_params_add_context (params, FIND_WORKLIST, NULL,
                                                  DIMSE_ROLE_DEFAULT);
  context->extended_negotiation = dimse_find_options_encode (proposed);
  dimse_association_request_async (params, "127.0.0.1", dimse_server_get_port (f->server), NULL,
                                   NULL, NULL, test_waiter_done, &w);
  assoc = dimse_association_request_finish (test_waiter_wait (&w, "the -AC"), &error);
  g_assert_no_error (error);
  test_waiter_clear (&w);
  return assoc;
}

static DimseAssociation *
associate (Fixture *f)
{
  return associate_with (f, DIMSE_FIND_OPTION_NONE);
}

/* The fixture's association given up for one that proposed options. */
static void
reassociate (Fixture *f, DimseFindOptions proposed)
{
  dimse_association_abort (f->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                           DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_clear_object (&f->assoc);
  f->assoc = associate_with (f, proposed);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *folder = NULL;
  g_autoptr(GError) error = NULL;
  gboolean opened = FALSE;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->tmp = test_util_make_tmpdir ("test-archive-worklist");
  folder = g_build_filename (f->tmp, "archive", NULL);
  f->worklist_dir = g_build_filename (f->tmp, "worklist", NULL);
  g_assert_cmpint (g_mkdir (f->worklist_dir, 0700), ==, 0);
  write_worklist (f->worklist_dir);

  f->archive = dimse_archive_new (folder, "ARCHIVE");
  dimse_archive_set_worklist_dir (f->archive, f->worklist_dir);
  dimse_archive_open_async (f->archive, NULL, on_opened, &opened);
  test_wait_until (&opened, "the archive's scan");
  f->server = dimse_archive_serve (f->archive, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->assoc = associate (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (dimse_association_is_established (f->assoc))
    dimse_association_abort (f->assoc, DIMSE_ABORT_SOURCE_SERVICE_USER,
                             DIMSE_ABORT_REASON_NOT_SPECIFIED);
  g_clear_object (&f->assoc);
  dimse_server_stop (f->server);
  test_drain ();
  g_clear_object (&f->server);
  g_clear_object (&f->archive);
  test_drain ();
  test_util_rmtree (f->tmp);
  g_free (f->tmp);
  g_free (f->worklist_dir);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* ---- the SCU's side ---- */

static void
on_match (DimseFindJob *job, DcmDataSet *identifier, gpointer user_data)
{
  g_ptr_array_add (user_data, dcm_data_set_ref (identifier));
}

/* The responses' identifiers, or NULL with error set. */
static GPtrArray *
run_find (Fixture *f, DcmDataSet *identifier, guint max_results, guint16 *status,
          GError **error)
{
  g_autoptr(DimseFindJob) job = dimse_find_job_new ();
  g_autoptr(GPtrArray) matches = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  TestWaiter w = { 0 };
  gboolean ok;

  g_signal_connect (job, "result", G_CALLBACK (on_match), matches);
  dimse_find_async (f->assoc, FIND_WORKLIST, identifier, max_results, job, NULL,
                    test_waiter_done, &w);
  ok = dimse_find_finish (f->assoc, test_waiter_wait (&w, "the C-FIND"), status, error);
  test_waiter_clear (&w);
  return ok ? g_steal_pointer (&matches) : NULL;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The Patient IDs of the matches, sorted and joined by '|'. */
static char *
find_patient_ids (Fixture *f, DcmDataSet *identifier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint16 status = 0xFFFF;

  if (!dcm_data_set_contains (identifier, DCM_TAG_PATIENT_ID))
    dcm_data_set_insert (identifier, DCM_TAG_PATIENT_ID, DCM_VR_NONE);
  matches = run_find (f, identifier, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  for (guint i = 0; i < matches->len; i++)
    g_ptr_array_add (ids, dcm_data_set_dup_string (matches->pdata[i], DCM_TAG_PATIENT_ID));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv ("|", (char **) ids->pdata);
}

/* An identifier with one key in the Scheduled Procedure Step Sequence's
 * item (and its item's return keys, empty). */
static DcmDataSet *
step_identifier (guint32 tag, const char *value)
{
  DcmDataSet *ds = dcm_data_set_new ();
  DcmDataSet *step = add_step (ds);

  dcm_data_set_insert (step, DCM_TAG_MODALITY, DCM_VR_NONE);
  dcm_data_set_insert (step, DCM_TAG_SCHEDULED_STATION_AE_TITLE, DCM_VR_NONE);
  dcm_data_set_insert (step, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE, DCM_VR_NONE);
  set (step, tag, value);
  return ds;
}

static void
assert_step_match (Fixture *f, guint32 tag, const char *value, const char *expected)
{
  g_autoptr(DcmDataSet) identifier = step_identifier (tag, value);
  g_autofree char *got = find_patient_ids (f, identifier);

  g_assert_cmpstr (got, ==, expected);
}

static void
assert_echo_works (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  TestWaiter w = { 0 };
  guint16 status = 0xFFFF;

  dimse_echo_async (f->assoc, NULL, test_waiter_done, &w);
  g_assert_true (dimse_echo_finish (f->assoc, test_waiter_wait (&w, "the C-ECHO"), &status,
                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  test_waiter_clear (&w);
}

/* ---- matching ---- */

static void
test_match_station (Fixture *f, gconstpointer data)
{
  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "CT01", "P1");
  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "CT*", "P1|P3");
  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "US01", "");
}

static void
test_match_modality (Fixture *f, gconstpointer data)
{
  assert_step_match (f, DCM_TAG_MODALITY, "CT", "P1|P3");
  assert_step_match (f, DCM_TAG_MODALITY, "MR", "P2");
  assert_step_match (f, DCM_TAG_MODALITY, "", "P1|P2|P3|P4");
}

static void
test_match_date (Fixture *f, gconstpointer data)
{
  assert_step_match (f, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE, "20260310", "P1|P2");
  assert_step_match (f, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE, "20260311-20260331", "P3");
  assert_step_match (f, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE, "-20260311", "P1|P2");
  assert_step_match (f, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE, "20260312-", "P3|P4");
  assert_step_match (f, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_TIME, "093000-", "P2|P4");
}

/* PS3.4 §C.2.2.2.4 wild cards; PN without regard to case; two keys at
 * once (the step's and the patient's) must both match. */
static void
test_match_patient_name (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) doe = dcm_data_set_new ();
  g_autoptr(DcmDataSet) lower = dcm_data_set_new ();
  g_autoptr(DcmDataSet) doe_mr = step_identifier (DCM_TAG_MODALITY, "MR");
  g_autofree char *got = NULL;

  set (doe, DCM_TAG_PATIENT_NAME, "DOE*");
  got = find_patient_ids (f, doe);
  g_assert_cmpstr (got, ==, "P1|P2");
  g_free (got);
  set (lower, DCM_TAG_PATIENT_NAME, "doe^j?n*");
  got = find_patient_ids (f, lower);
  g_assert_cmpstr (got, ==, "P2");
  g_free (got);
  set (doe_mr, DCM_TAG_PATIENT_NAME, "DOE*");
  got = find_patient_ids (f, doe_mr);
  g_assert_cmpstr (got, ==, "P2");
}

static char *
find_by_name (Fixture *f, const char *name)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();

  set (identifier, DCM_TAG_SPECIFIC_CHARACTER_SET, "ISO_IR 192");
  set (identifier, DCM_TAG_PATIENT_NAME, name);
  return find_patient_ids (f, identifier);
}

/* PS3.4 §K.2.2.2, §C.2.2.2.1.1: fuzzy semantic matching of person names
 * over the association that agreed it, the step's names too; literal
 * matching over the fixture's, which proposed nothing. */
static void
test_match_fuzzy (Fixture *f, gconstpointer data)
{
  static const guint8 answer[] = { 0, 0, 1 };
  static const struct { const char *key; const char *expected; } cases[] = {
    { "muller", "P4" }, { "Jurgen^Muller", "P4" }, { "MUL*", "P4" }, { "jürgen", "P4" },
    { "Schmidt", "" }, { "doe", "P1|P2" }, { "richard^roe", "P3" },
  };
  g_autofree char *literal = find_by_name (f, "muller");
  g_autofree char *literal_swapped = find_by_name (f, "Jürgen^Müller");
  g_autofree char *literal_exact = find_by_name (f, "müller^jürgen");
  GBytes *field;

  g_assert_cmpstr (literal, ==, "");
  g_assert_cmpstr (literal_swapped, ==, "");
  g_assert_cmpstr (literal_exact, ==, "P4");
  assert_step_match (f, DCM_TAG_SCHEDULED_PERFORMING_PHYSICIAN_NAME, "ann^smith", "");

  reassociate (f, DIMSE_FIND_OPTION_FUZZY_PN);
  field = dimse_negotiation_result_get_extended_negotiation (
    dimse_association_get_negotiation (f->assoc), FIND_WORKLIST);
  g_assert_nonnull (field);
  g_assert_cmpmem (g_bytes_get_data (field, NULL), g_bytes_get_size (field), answer,
                   sizeof answer);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = find_by_name (f, cases[i].key);

      g_test_message ("fuzzy “%s”", cases[i].key);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
  assert_step_match (f, DCM_TAG_SCHEDULED_PERFORMING_PHYSICIAN_NAME, "ann^smith",
                     "P1|P2|P3|P4");
}

/* PS3.4 §C.2.2.2.5.1 for the Scheduled Procedure Step: 10 March 22:00 to
 * 12 March 09:00 takes in P3's step of 12 March 08:00 only once combined;
 * matched apart, the time range (later than it is early) matches nothing. */
static char *
find_date_time (Fixture *f, const char *dates, const char *times)
{
  g_autoptr(DcmDataSet) identifier = step_identifier (DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE,
                                                      dates);
  const DcmElement *seq = dcm_data_set_lookup (identifier,
                                               DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE);

  set (g_ptr_array_index (seq->value.items, 0), DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_TIME,
       times);
  return find_patient_ids (f, identifier);
}

static void
test_match_combined_datetime (Fixture *f, gconstpointer data)
{
  static const guint8 answer[] = { 1, 1 };
  g_autofree char *apart = find_date_time (f, "20260310-20260312", "2200-0900");
  g_autofree char *combined = NULL;
  g_autofree char *from_morning = NULL;
  g_autofree char *open_end = NULL;
  g_autofree char *single_date = NULL;
  GBytes *field;

  g_assert_cmpstr (apart, ==, "");
  /* §K.5.1: bytes 1 and 2 are always 1 in a proposal */
  reassociate (f, DIMSE_FIND_OPTION_RELATIONAL | DIMSE_FIND_OPTION_COMBINED_DATETIME);
  field = dimse_negotiation_result_get_extended_negotiation (
    dimse_association_get_negotiation (f->assoc), FIND_WORKLIST);
  g_assert_nonnull (field);
  g_assert_cmpmem (g_bytes_get_data (field, NULL), g_bytes_get_size (field), answer,
                   sizeof answer);
  combined = find_date_time (f, "20260310-20260312", "2200-0900");
  g_assert_cmpstr (combined, ==, "P3");
  from_morning = find_date_time (f, "20260310-20260312", "0930-0900");
  g_assert_cmpstr (from_morning, ==, "P2|P3");
  open_end = find_date_time (f, "20260312-", "0900-");
  g_assert_cmpstr (open_end, ==, "P4");
  /* not two ranges: each on its own, as before */
  single_date = find_date_time (f, "20260310", "0930-1030");
  g_assert_cmpstr (single_date, ==, "P2");
}

/* A UTF-8 key against an item in Latin-1: the response carries the
 * item's character set and its name decodes as written. */
static void
test_match_charset (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *charset = NULL;
  g_autofree char *name = NULL;
  guint16 status = 0xFFFF;

  set (identifier, DCM_TAG_SPECIFIC_CHARACTER_SET, "ISO_IR 192");
  set (identifier, DCM_TAG_PATIENT_NAME, "Mü*");
  matches = run_find (f, identifier, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 1);
  charset = dcm_data_set_dup_string (matches->pdata[0], DCM_TAG_SPECIFIC_CHARACTER_SET);
  name = dcm_data_set_dup_string (matches->pdata[0], DCM_TAG_PATIENT_NAME);
  g_assert_cmpstr (charset, ==, "ISO_IR 100");
  g_assert_cmpstr (name, ==, "MÜLLER^JÜRGEN");
}

/* PS3.4 §C.2.2.1: the response holds the keys asked for and no more; of
 * the step, the keys of the key's item. */
static void
test_return_keys_only (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = dcm_data_set_new ();
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  DcmDataSet *step = NULL, *response, *got_step;
  g_autofree char *station = NULL;
  g_autofree char *id = NULL;
  guint16 status = 0xFFFF;

  set (identifier, DCM_TAG_PATIENT_NAME, "DOE^JOHN");
  dcm_data_set_insert (identifier, DCM_TAG_PATIENT_ID, DCM_VR_NONE);
  dcm_data_set_insert (identifier, DCM_TAG_ADMISSION_ID, DCM_VR_NONE);
  step = add_step (identifier);
  dcm_data_set_insert (step, DCM_TAG_SCHEDULED_STATION_AE_TITLE, DCM_VR_NONE);
  matches = run_find (f, identifier, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpuint (matches->len, ==, 1);
  response = matches->pdata[0];
  /* Patient Name, Patient ID, Admission ID (empty: the item has none),
   * the step; no Accession Number, no Specific Character Set */
  g_assert_cmpuint (dcm_data_set_n_elements (response), ==, 4);
  g_assert_true (dcm_data_set_contains (response, DCM_TAG_ADMISSION_ID));
  g_assert_cmpuint (dcm_data_set_get_vm (response, DCM_TAG_ADMISSION_ID), ==, 0);
  id = dcm_data_set_dup_string (response, DCM_TAG_PATIENT_ID);
  g_assert_cmpstr (id, ==, "P1");
  g_assert_cmpuint (dcm_data_set_get_n_items (response, DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE),
                    ==, 1);
  got_step = dcm_data_set_get_item (response, DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE, 0);
  g_assert_cmpuint (dcm_data_set_n_elements (got_step), ==, 1);
  station = dcm_data_set_dup_string (got_step, DCM_TAG_SCHEDULED_STATION_AE_TITLE);
  g_assert_cmpstr (station, ==, "CT01");
}

/* ---- the exchange ---- */

/* After one match of N_MANY the SCU cancels: the matches stop, the final
 * status is Cancel (or Success, when every response was out before the
 * C-CANCEL-RQ arrived: PS3.7 §9.3.2.3), and the association goes on. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
  g_autoptr(DimseArchiveWorklist) worklist = NULL;
  g_autoptr(DcmDataSet) identifier = step_identifier (DCM_TAG_MODALITY, "CT");
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  guint16 status = 0xFFFF;

  for (guint i = 0; i < N_MANY; i++)
    g_ptr_array_add (many, make_item (&items[0]));
  worklist = dimse_archive_worklist_new_for_items (many);
  dimse_archive_set_worklist (f->archive, worklist);
  matches = run_find (f, identifier, 1, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 1);
  g_assert_true (status == STATUS_CANCEL || status == 0x0000);
  assert_echo_works (f);
  g_clear_pointer (&matches, g_ptr_array_unref);
  matches = run_find (f, identifier, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 0x0000);
  g_assert_cmpuint (matches->len, ==, N_MANY);
}

/* PS3.4 §K.4.1.2.3 by way of Table C.4-1: an identifier that cannot be
 * matched is answered with A900, and the association goes on. */
static void
test_malformed (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) bad_date = step_identifier (DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE,
                                                    "2026031x");
  g_autoptr(DcmDataSet) two_steps = step_identifier (DCM_TAG_MODALITY, "CT");
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  DcmDataSet *second;

  matches = run_find (f, bad_date, 0, NULL, &error);
  g_assert_null (matches);
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA900);
  g_clear_error (&error);
  second = add_step (two_steps);
  set (second, DCM_TAG_MODALITY, "MR");
  matches = run_find (f, two_steps, 0, NULL, &error);
  g_assert_null (matches);
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xA900);
  assert_echo_works (f);
  assert_step_match (f, DCM_TAG_MODALITY, "CR", "P4");
}

/* A file added, changed or removed shows in the next query. */
static void
test_folder_changes (Fixture *f, gconstpointer data)
{
  Item added = { "e.dcm", ITEM_EXPLICIT, NULL, "P5", "POE^EDGAR", "CT", "CT01", "20260310",
                 "120000" };
  g_autofree char *removed = g_build_filename (f->worklist_dir, items[0].file, NULL);

  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "CT01", "P1");
  write_item (f->worklist_dir, &added);
  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "CT01", "P1|P5");
  g_assert_cmpint (g_unlink (removed), ==, 0);
  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "CT01", "P5");
  /* rewritten in place of the old one, of the same size */
  added.station = "CT09";
  write_item (f->worklist_dir, &added);
  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "CT09", "P5");
  assert_step_match (f, DCM_TAG_SCHEDULED_STATION_AE_TITLE, "CT01", "");
}

/* A worklist whose folder is gone: Unable to Process (C000). */
static void
test_folder_missing (Fixture *f, gconstpointer data)
{
  g_autoptr(DcmDataSet) identifier = step_identifier (DCM_TAG_MODALITY, "CT");
  g_autofree char *gone = g_build_filename (f->tmp, "gone", NULL);
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;

  dimse_archive_set_worklist_dir (f->archive, gone);
  matches = run_find (f, identifier, 0, NULL, &error);
  g_assert_null (matches);
  g_assert_error (error, DIMSE_STATUS_ERROR, 0xC000);
  assert_echo_works (f);
}

/* ---- the engine alone ---- */

static void
test_folder_read (void)
{
  g_autofree char *tmp = test_util_make_tmpdir ("test-archive-worklist");
  g_autoptr(DimseArchiveWorklist) worklist = dimse_archive_worklist_new_for_folder (tmp);
  g_autoptr(GError) error = NULL;
  guint n_skipped = 99;

  write_worklist (tmp);
  g_assert_cmpuint (dimse_archive_worklist_get_n_items (worklist), ==, 0);
  g_assert_true (dimse_archive_worklist_refresh (worklist, &n_skipped, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_skipped, ==, 1);   /* junk.wl */
  g_assert_cmpuint (dimse_archive_worklist_get_n_items (worklist), ==, G_N_ELEMENTS (items));
  /* unchanged: not read again */
  g_assert_true (dimse_archive_worklist_refresh (worklist, &n_skipped, NULL, &error));
  g_assert_cmpuint (n_skipped, ==, 0);
  test_util_rmtree (tmp);
}

static guint
count_station (GPtrArray *list, const char *station)
{
  guint n = 0;

  for (guint i = 0; i < list->len; i++)
    {
      DcmDataSet *step = dcm_data_set_get_item (list->pdata[i],
                                                DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE, 0);
      g_autofree char *value = dcm_data_set_dup_string (step, DCM_TAG_SCHEDULED_STATION_AE_TITLE);

      n += g_strcmp0 (value, station) == 0;
    }
  return n;
}

/* The same items for the same date; only the date differs another day. */
static void
test_demo (void)
{
  GDate day, next;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 25, 11, 2026);
  next = day;
  g_date_add_days (&next, 1);
  a = dimse_archive_demo_worklist (NULL, &day);
  b = dimse_archive_demo_worklist (NULL, &day);
  c = dimse_archive_demo_worklist (NULL, &next);
  g_assert_cmpuint (a->len, ==, 12);
  g_assert_cmpuint (b->len, ==, 12);
  for (guint i = 0; i < a->len; i++)
    {
      DcmDataSet *step_a = dcm_data_set_get_item (a->pdata[i],
                                                  DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE, 0);
      DcmDataSet *step_c = dcm_data_set_get_item (c->pdata[i],
                                                  DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE, 0);
      g_autofree char *date_a = dcm_data_set_dup_string (step_a,
                                                         DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE);
      g_autofree char *date_c = dcm_data_set_dup_string (step_c,
                                                         DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE);
      g_autofree char *name = dcm_data_set_dup_string (a->pdata[i], DCM_TAG_PATIENT_NAME);

      g_assert_true (dcm_data_set_equal (a->pdata[i], b->pdata[i]));
      g_assert_cmpstr (date_a, ==, "20261125");
      g_assert_cmpstr (date_c, ==, "20261126");
      g_assert_nonnull (name);
      dcm_data_set_remove (step_c, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE);
      dcm_data_set_remove (step_a, DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE);
      g_assert_true (dcm_data_set_equal (a->pdata[i], c->pdata[i]));
    }
  g_assert_cmpuint (count_station (b, "CT01"), ==, 2);
  g_assert_cmpuint (count_station (b, "CT02"), ==, 1);
  g_assert_cmpuint (count_station (b, "MR01"), ==, 2);
  g_assert_cmpuint (count_station (b, "US02"), ==, 1);
}

/* The demo worklist is for the local date: a query for today finds all. */
static void
test_demo_today (void)
{
  g_autoptr(DimseArchiveWorklist) worklist = dimse_archive_worklist_new_demo (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *today = g_date_time_format (now, "%Y%m%d");
  g_autofree char *next = g_date_time_format (tomorrow, "%Y%m%d");
  g_autofree char *range = g_strdup_printf ("%s-%s", today, next);
  /* today or tomorrow: midnight may pass between the two lines above */
  g_autoptr(DcmDataSet) identifier = step_identifier (DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE,
                                                      range);
  g_autoptr(DcmDataSet) mr01 = step_identifier (DCM_TAG_SCHEDULED_STATION_AE_TITLE, "MR01");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) some = NULL;
  g_autoptr(GError) error = NULL;

  all = dimse_archive_worklist_find (worklist, identifier, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 12);
  some = dimse_archive_worklist_find (worklist, mr01, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (some->len, ==, 2);
  g_assert_cmpuint (dimse_archive_worklist_get_n_items (worklist), ==, 12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/archive-worklist/match/station-ae-title", test_match_station);
  ADD ("/archive-worklist/match/modality", test_match_modality);
  ADD ("/archive-worklist/match/date-range", test_match_date);
  ADD ("/archive-worklist/match/patient-name", test_match_patient_name);
  ADD ("/archive-worklist/match/charset", test_match_charset);
  ADD ("/archive-worklist/match/fuzzy-pn", test_match_fuzzy);
  ADD ("/archive-worklist/match/combined-datetime", test_match_combined_datetime);
  ADD ("/archive-worklist/return-keys-only", test_return_keys_only);
  ADD ("/archive-worklist/cancel", test_cancel);
  ADD ("/archive-worklist/malformed-identifier", test_malformed);
  ADD ("/archive-worklist/folder/changes", test_folder_changes);
  ADD ("/archive-worklist/folder/missing", test_folder_missing);
#undef ADD
  g_test_add_func ("/archive-worklist/folder/read", test_folder_read);
  g_test_add_func ("/archive-worklist/demo/deterministic", test_demo);
  g_test_add_func ("/archive-worklist/demo/today", test_demo_today);
  return g_test_run ();
}
