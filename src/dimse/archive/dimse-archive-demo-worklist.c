/* dimse-archive-demo-worklist.c — the demo's Modality Worklist: a day of
 * scheduled procedure steps (PS3.4 Annex K) for patients of the demo
 * archive, the same every day but for the date, kept in memory only so
 * that the demo archive's files and stamp do not depend on the clock */
#include "config.h"

#include "dimse-archive-demo-private.h"

#include "dcm-data-set.h"
#include "dcm-tags.h"

#define DEMO_WORKLIST_PATIENTS 12
#define DEMO_WORKLIST_FIRST_START (8 * 3600)
#define DEMO_WORKLIST_INTERVAL (30 * 60)

typedef struct {
  const char *modality;
  const char *station_name;
  const char *procedures[3];   /* one per round */
} DemoWorklistModality;

static const DemoWorklistModality worklist_modalities[] = {
  { "CT", "DEMO-CT", { "CT CHEST W/O CONTRAST", "CT HEAD W/O CONTRAST",
                       "CT ABDOMEN PELVIS W CONTRAST" } },
  { "MR", "DEMO-MR", { "MR BRAIN", "MR KNEE RIGHT", "MR LUMBAR SPINE" } },
  { "CR", "DEMO-CR", { "XR CHEST PA AND LATERAL", "XR HAND LEFT 2 VIEWS",
                       "XR KNEE RIGHT 2 VIEWS" } },
  { "US", "DEMO-US", { "US ABDOMEN COMPLETE", "US THYROID", "US PELVIS TRANSABDOMINAL" } },
};

static const char *const performing_physicians[] = {
  "Hartmann^Klaus^^Dr.", "Okafor^Ngozi^^Dr.", "Lindqvist^Erik^^Dr.",
};

static const char *const referring_physicians[] = {
  "Moreau^Claire^^Dr.", "Bianchi^Marco^^Dr.", "Kim^Soo-ah^^Dr.", "Novak^Petra^^Dr.",
};

typedef struct {
  guint32     tag;
  const char *value;
} DemoWorklistValue;

static void
set_values (DcmDataSet *ds, const DemoWorklistValue *values, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      /* Every value is ours and fits its VR and character set. */
      if (!dcm_data_set_set_string (ds, values[i].tag, DCM_VR_NONE, values[i].value, &error))
        g_critical ("The demo worklist cannot hold a value: %s", error->message);
    }
}

/* Scheduled Procedure Step (PS3.4 Table K.6-1), appended before its values
 * are set so that it encodes them in the item's character set. */
static void
add_step (DcmDataSet *ds, guint index, const DemoWorklistModality *m, guint round,
          const char *date)
{
  DcmDataSet *step = dcm_data_set_new ();
  guint start = DEMO_WORKLIST_FIRST_START + index * DEMO_WORKLIST_INTERVAL;
  g_autofree char *time = g_strdup_printf ("%02u%02u00", start / 3600, start / 60 % 60);
  g_autofree char *station = g_strdup_printf ("%s%02u", m->modality, round % 2 + 1);
  g_autofree char *station_name = g_strdup_printf ("%s%u", m->station_name, round % 2 + 1);
  g_autofree char *step_id = g_strdup_printf ("SPS%05u", index + 1);
  const DemoWorklistValue values[] = {
    { DCM_TAG_MODALITY, m->modality },
    { DCM_TAG_SCHEDULED_STATION_AE_TITLE, station },
    { DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_DATE, date },
    { DCM_TAG_SCHEDULED_PROCEDURE_STEP_START_TIME, time },
    { DCM_TAG_SCHEDULED_PERFORMING_PHYSICIAN_NAME,
      performing_physicians[index % G_N_ELEMENTS (performing_physicians)] },
    { DCM_TAG_SCHEDULED_PROCEDURE_STEP_DESCRIPTION, m->procedures[round % 3] },
    { DCM_TAG_SCHEDULED_PROCEDURE_STEP_ID, step_id },
    { DCM_TAG_SCHEDULED_STATION_NAME, station_name },
    { DCM_TAG_SCHEDULED_PROCEDURE_STEP_LOCATION, "Radiology" },
    { DCM_TAG_SCHEDULED_PROCEDURE_STEP_STATUS, "SCHEDULED" },
  };

  dcm_data_set_append_item (ds, dcm_data_set_insert (ds, DCM_TAG_SCHEDULED_PROCEDURE_STEP_SEQUENCE,
                                                     DCM_VR_SQ), step);
  set_values (step, values, G_N_ELEMENTS (values));
}

static DcmDataSet *
make_item (guint seed, guint index, const char *date)
{
  DcmDataSet *ds = dcm_data_set_new ();
  DimseArchiveDemoPatient p;
  const DemoWorklistModality *m = &worklist_modalities[index % G_N_ELEMENTS (worklist_modalities)];
  guint round = index / G_N_ELEMENTS (worklist_modalities);
  g_autofree char *study_path = g_strdup_printf ("worklist/%u/study", index);
  g_autofree char *study_uid = dimse_archive_demo_uid (seed, study_path);
  g_autofree char *birth = NULL;
  /* 7901 is prime to 10^7: the accession numbers differ, and from the
   * archive's own (A…). */
  g_autofree char *accession = g_strdup_printf ("W%07u", (guint) ((index * G_GUINT64_CONSTANT (7901)
                                                                    + seed) % 10000000));
  g_autofree char *procedure_id = g_strdup_printf ("RP%05u", index + 1);
  char sex[2] = { 0 };

  dimse_archive_demo_patient_init (&p, seed, index);
  birth = g_strdup_printf ("%04u%02u%02u", g_date_get_year (&p.birth_date),
                           g_date_get_month (&p.birth_date), g_date_get_day (&p.birth_date));
  sex[0] = p.sex;
  {
    /* The character set first: the names below are encoded in it. */
    const DemoWorklistValue values[] = {
      { DCM_TAG_SPECIFIC_CHARACTER_SET, p.charset },
      { DCM_TAG_ACCESSION_NUMBER, accession },
      { DCM_TAG_REFERRING_PHYSICIAN_NAME,
        referring_physicians[index % G_N_ELEMENTS (referring_physicians)] },
      { DCM_TAG_PATIENT_NAME, p.name },
      { DCM_TAG_PATIENT_ID, p.patient_id },
      { DCM_TAG_PATIENT_BIRTH_DATE, birth },
      { DCM_TAG_PATIENT_SEX, sex },
      { DCM_TAG_STUDY_INSTANCE_UID, study_uid },
      { DCM_TAG_REQUESTED_PROCEDURE_DESCRIPTION, m->procedures[round % 3] },
      { DCM_TAG_REQUESTED_PROCEDURE_ID, procedure_id },
      { DCM_TAG_REQUESTED_PROCEDURE_PRIORITY, "ROUTINE" },
    };

    set_values (ds, values, G_N_ELEMENTS (values));
  }
  add_step (ds, index, m, round, date);
  dimse_archive_demo_patient_clear (&p);
  return ds;
}

GPtrArray *
dimse_archive_demo_worklist (const DimseArchiveDemoOptions *options, const GDate *date)
{
  guint seed = dimse_archive_demo_get_seed (options);
  guint n = MIN (dimse_archive_demo_get_n_patients (options), DEMO_WORKLIST_PATIENTS);
  g_autofree char *day = NULL;
  GPtrArray *items;

  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  day = g_strdup_printf ("%04u%02u%02u", g_date_get_year (date), g_date_get_month (date),
                         g_date_get_day (date));
  items = g_ptr_array_new_full (n, (GDestroyNotify) dcm_data_set_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, make_item (seed, i, day));
  return items;
}
