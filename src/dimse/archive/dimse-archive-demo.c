/* dimse-archive-demo.c — the synthetic archive behind `dimse serve --demo`
 * and the application's "Demo archive".
 *
 * Everything is derived from the seed, never from the clock: one
 * pseudo-random stream per patient (so patients do not shift when others
 * change), UIDs from a name-based hash. Files are laid out as
 * FOLDER/<PatientID>/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm,
 * every component made of digits, dots and upper-case letters only. */
#include "config.h"

#include "dimse-archive-demo-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uid.h"

#define DEMO_DEFAULT_PATIENTS 36
#define DEMO_DEFAULT_SEED     0x5eedu
#define DEMO_N_CHARSET_GROUPS 6

/* ---- the tables a patient is drawn from ---- */

typedef struct {
  const char *name;   /* UTF-8, '^' and '=' as in PS3.5 §6.2.1 */
  char        sex;
} DemoName;

/* ISO_IR 100: Latin alphabet No. 1 (PS3.3 Table C.12-2) */
static const DemoName latin1_names[] = {
  { "Müller^Jürgen", 'M' },   { "Ørsted^Åse", 'F' },       { "García^José", 'M' },
  { "Dubois^Amélie", 'F' },   { "Nørgaard^Søren", 'M' },   { "Schröder^Käthe", 'F' },
  { "Johansson^Björn", 'M' }, { "Fernández^María", 'F' },  { "Côté^François", 'M' },
  { "Jónsdóttir^Guðrún", 'F' }, { "Weiß^Günter", 'M' },    { "Lefèvre^Chloé", 'F' },
  { "Smith^John", 'M' },      { "O'Brien^Siobhán", 'F' },  { "Rossi^Giulia", 'F' },
  { "Andersson^Lars", 'M' },  { "Brown^Emily", 'F' },      { "Ruiz^Iñigo", 'M' },
  { "Kowalski^Anna", 'F' },   { "Jansen^Pieter", 'M' },    { "Conceição^Joana", 'F' },
  { "Møller^Mette", 'F' },    { "Núñez^Raúl", 'M' },       { "Hoffmann^Grete", 'F' },
};

/* ISO_IR 192: Unicode in UTF-8 */
static const DemoName utf8_names[] = {
  { "Papadopoulos^Giorgos=Παπαδόπουλος^Γιώργος", 'M' },
  { "Wang^XiaoDong=王^小東", 'M' },
  { "Ivanova^Olga=Иванова^Ольга", 'F' },
  { "Hong^Gildong=洪^吉洞=홍^길동", 'M' },
  { "Nikolaidou^Eleni=Νικολαΐδου^Ελένη", 'F' },
  { "Li^Mei=李^梅", 'F' },
};

/* ISO 2022 IR 87: JIS X 0208 in G0 after ESC $ B (PS3.5 Annex H) */
static const DemoName japanese_names[] = {
  { "Yamada^Tarou=山田^太郎=やまだ^たろう", 'M' },
  { "Suzuki^Hanako=鈴木^花子=すずき^はなこ", 'F' },
  { "Tanaka^Ichirou=田中^一郎=たなか^いちろう", 'M' },
  { "Satou^Yuki=佐藤^由紀=さとう^ゆき", 'F' },
  { "Takahashi^Kenji=高橋^健二=たかはし^けんじ", 'M' },
  { "Watanabe^Aiko=渡辺^愛子=わたなべ^あいこ", 'F' },
};

static const char *const referring_physicians[] = {
  "Hartmann^Klaus^^Dr.", "Okafor^Ngozi^^Dr.", "Lindqvist^Erik^^Dr.",
  "Moreau^Claire^^Dr.", "Bianchi^Marco^^Dr.", "Kim^Soo-ah^^Dr.",
};

typedef enum { MOD_CT, MOD_MR, MOD_CR, MOD_US, N_MODALITIES } DemoModality;

typedef struct {
  const char *description;
  const char *body_part;
  const char *laterality;  /* for paired body parts (PS3.3 C.7.3.1), or NULL */
  const char *series[3];   /* series descriptions; NULL ends */
} DemoProtocol;

typedef struct {
  const char  *modality;
  const char  *sop_class_uid;
  const char  *model;
  guint        size;               /* rows = columns */
  guint        bits_allocated;
  guint        min_instances, max_instances;
  DemoProtocol protocols[3];
} DemoModalityInfo;

static const DemoModalityInfo modalities[N_MODALITIES] = {
  [MOD_CT] = { "CT", DCM_UID_CT_IMAGE_STORAGE, "Demo CT 64", 256, 16, 3, 6, {
      { "CT CHEST W/O CONTRAST", "CHEST", NULL,
        { "Topogram", "Axial 5mm", "Axial 1.25mm Lung" } },
      { "CT ABDOMEN PELVIS W CONTRAST", "ABDOMEN", NULL,
        { "Topogram", "Portal venous 5mm", NULL } },
      { "CT HEAD W/O CONTRAST", "HEAD", NULL,
        { "Topogram", "Axial 5mm Brain", "Axial 2mm Bone" } } } },
  [MOD_MR] = { "MR", DCM_UID_MR_IMAGE_STORAGE, "Demo MR 1.5T", 128, 16, 4, 8, {
      { "MR BRAIN", "HEAD", NULL, { "T1 SE sag", "T2 TSE ax", "FLAIR ax" } },
      { "MR KNEE RIGHT", "KNEE", "R", { "PD FS sag", "T1 SE cor", NULL } },
      { "MR LUMBAR SPINE", "LSPINE", NULL, { "T2 TSE sag", "T1 SE sag", "T2 TSE ax" } } } },
  [MOD_CR] = { "CR", DCM_UID_COMPUTED_RADIOGRAPHY_IMAGE_STORAGE, "Demo CR Reader", 256, 16, 1, 1, {
      { "XR CHEST PA AND LATERAL", "CHEST", NULL, { "PA", "LAT", NULL } },
      { "XR HAND LEFT 2 VIEWS", "HAND", "L", { "PA", "OBL", NULL } },
      { "XR KNEE RIGHT 2 VIEWS", "KNEE", "R", { "AP", "LAT", NULL } } } },
  [MOD_US] = { "US", DCM_UID_ULTRASOUND_IMAGE_STORAGE, "Demo US Portable", 128, 8, 2, 5, {
      { "US ABDOMEN COMPLETE", "ABDOMEN", NULL, { "Liver", "Kidneys", NULL } },
      { "US THYROID", "NECK", NULL, { "Thyroid", "Neck lymph nodes", NULL } },
      { "US PELVIS TRANSABDOMINAL", "PELVIS", NULL, { "Uterus", "Ovaries", NULL } } } },
};

/* ---- deterministic pseudo-random numbers (SplitMix64) ---- */

typedef struct {
  guint64 state;
} DemoRandom;

static guint64
demo_random_next (DemoRandom *r)
{
  guint64 z = (r->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* A number in [lo, hi]. */
static guint
demo_random_range (DemoRandom *r, guint lo, guint hi)
{
  return lo + (guint) (demo_random_next (r) % (hi - lo + 1));
}

/* ---- UIDs ---- */

/* PS3.5 §B.2: "2.25." and the UUID as one decimal integer. The UUID is
 * name-based (RFC 4122 §4.3, version 5: SHA-1) over the seed and the
 * instance's place in the archive, so the same seed gives the same UIDs. */
static char *
demo_uid (guint seed, const char *path)
{
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *name = g_strdup_printf ("%s/demo/%u/%s", DCM_IMPLEMENTATION_CLASS_UID,
                                           seed, path);
  guint8 digest[20];
  gsize len = sizeof digest;
  char digits[48];
  gsize n = 0;
  gboolean zero = FALSE;

  g_checksum_update (sha1, (const guint8 *) name, strlen (name));
  g_checksum_get_digest (sha1, digest, &len);
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  /* Repeated division of the 128-bit big-endian number by ten. */
  while (!zero)
    {
      guint rem = 0;

      zero = TRUE;
      for (guint i = 0; i < 16; i++)
        {
          guint cur = (rem << 8) | digest[i];

          digest[i] = cur / 10;
          rem = cur % 10;
          if (digest[i] != 0)
            zero = FALSE;
        }
      digits[n++] = '0' + rem;
    }
  GString *uid = g_string_new ("2.25.");
  while (n > 0)
    g_string_append_c (uid, digits[--n]);
  return g_string_free (uid, FALSE);
}

/* ---- one generation ---- */

typedef struct {
  const char   *folder;
  guint         seed;
  gboolean      small;
  GCancellable *cancellable;
  guint         n_written;
} DemoContext;

typedef DimseArchiveDemoPatient DemoPatient;

typedef struct {
  const DemoModalityInfo *info;
  const DemoProtocol     *protocol;
  guint        index;        /* within the patient */
  char        *uid;
  char        *frame_of_reference_uid;
  char        *accession_number;
  const char  *referring_physician;
  GDate        date;
  guint        seconds;      /* time of day the study began */
} DemoStudy;

typedef struct {
  guint        number;
  const char  *description;
  char        *uid;
} DemoSeries;

static void
demo_patient_clear (DemoPatient *p)
{
  g_free (p->patient_id);
}

static void
demo_study_clear (DemoStudy *s)
{
  g_free (s->uid);
  g_free (s->frame_of_reference_uid);
  g_free (s->accession_number);
}

static void
demo_patient_init (DemoPatient *p, const DemoContext *ctx, guint index, DemoRandom *r)
{
  guint group = index % DEMO_N_CHARSET_GROUPS;
  guint round = index / DEMO_N_CHARSET_GROUPS;
  const DemoName *name;

  /* Four in six patients in Latin-1, one in UTF-8, one in Japanese. */
  if (group == 4)
    {
      name = &utf8_names[round % G_N_ELEMENTS (utf8_names)];
      p->charset = "ISO_IR 192";
    }
  else if (group == 5)
    {
      name = &japanese_names[round % G_N_ELEMENTS (japanese_names)];
      /* PS3.5 Annex H: value 1 empty (ISO 2022 IR 6), value 2 the kanji set. */
      p->charset = "\\ISO 2022 IR 87";
    }
  else
    {
      name = &latin1_names[(round * 4 + group) % G_N_ELEMENTS (latin1_names)];
      p->charset = "ISO_IR 100";
    }
  p->index = index;
  p->name = name->name;
  p->sex = name->sex;
  /* 7919 is prime to 10^6, so the IDs of different patients differ (and
   * 7907 to 10^7 for the accession numbers below). */
  p->patient_id = g_strdup_printf ("DB%06u", (guint) ((index * G_GUINT64_CONSTANT (7919)
                                                        + ctx->seed) % 1000000));
  g_date_clear (&p->birth_date, 1);
  g_date_set_dmy (&p->birth_date, demo_random_range (r, 1, 28),
                  demo_random_range (r, 1, 12), demo_random_range (r, 1935, 2015));
}

static void
demo_study_init (DemoStudy *s, const DemoContext *ctx, const DemoPatient *p, guint index,
                 DemoModality modality, DemoRandom *r)
{
  g_autofree char *base = g_strdup_printf ("patient/%u/study/%u", p->index, index);
  g_autofree char *for_path = g_strconcat (base, "/frame-of-reference", NULL);
  guint study_number = p->index * 2 + index;

  s->info = &modalities[modality];
  s->protocol = &s->info->protocols[demo_random_range (r, 0, 2)];
  s->index = index;
  s->uid = demo_uid (ctx->seed, base);
  s->frame_of_reference_uid = demo_uid (ctx->seed, for_path);
  s->accession_number = g_strdup_printf ("A%07u",
                                         (guint) ((study_number * G_GUINT64_CONSTANT (7907)
                                                   + ctx->seed) % 10000000));
  s->referring_physician = referring_physicians[demo_random_range (
    r, 0, G_N_ELEMENTS (referring_physicians) - 1)];
  /* Spread over the six years up to the end of 2025. */
  g_date_clear (&s->date, 1);
  g_date_set_dmy (&s->date, 1, 1, 2020);
  g_date_add_days (&s->date, demo_random_range (r, 0, 6 * 365 - 1));
  s->seconds = demo_random_range (r, 7 * 3600, 19 * 3600);
}

static char *
demo_format_date (const GDate *date)
{
  return g_strdup_printf ("%04u%02u%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static char *
demo_format_time (guint seconds)
{
  return g_strdup_printf ("%02u%02u%02u", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

static char *
demo_patient_age (const DemoPatient *p, const DemoStudy *s)
{
  gint years = g_date_get_year (&s->date) - g_date_get_year (&p->birth_date);

  if (g_date_get_month (&s->date) < g_date_get_month (&p->birth_date)
      || (g_date_get_month (&s->date) == g_date_get_month (&p->birth_date)
          && g_date_get_day (&s->date) < g_date_get_day (&p->birth_date)))
    years--;
  return g_strdup_printf ("%03dY", MAX (years, 0));
}

/* ---- pixel data: a phantom, the same for the same slice ---- */

/* A body ellipse with a darker pair of ovals and a central disc whose size
 * changes with the slice, on a faint gradient; values within bits_stored. */
static GBytes *
demo_make_pixels (const DemoStudy *s, guint size, guint instance, guint n_instances)
{
  guint bytes_per_sample = s->info->bits_allocated / 8;
  guint max_value = bytes_per_sample == 2 ? 4095 : 255;
  guint8 *buf = g_malloc0 ((gsize) size * size * bytes_per_sample);
  double disc = 0.06 + 0.14 * (double) instance / (n_instances + 1);

  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      {
        double dx = (x + 0.5) / size - 0.5;
        double dy = (y + 0.5) / size - 0.5;
        double body = (dx * dx) / 0.16 + (dy * dy) / 0.12;
        double v = 0.05 * (double) y / size;
        guint value;
        gsize at = ((gsize) y * size + x) * bytes_per_sample;

        if (body < 1.0)
          v += 0.35 + 0.1 * dx;
        if (body < 0.85 && (fabs (dx) - 0.18) * (fabs (dx) - 0.18) + dy * dy < 0.012)
          v -= 0.25;   /* a darker pair left and right */
        if (dx * dx + dy * dy < disc * disc)
          v += 0.4;
        value = (guint) (CLAMP (v, 0.0, 1.0) * max_value);
        if (strcmp (s->info->modality, "CR") == 0)
          value = max_value - value;   /* MONOCHROME1: bone bright, air dark */
        if (bytes_per_sample == 2)
          {
            buf[at] = value & 0xff;
            buf[at + 1] = value >> 8;
          }
        else
          buf[at] = value;
      }
  return g_bytes_new_take (buf, (gsize) size * size * bytes_per_sample);
}

/* ---- the data set ---- */

typedef struct {
  guint32     tag;
  const char *value;
} DemoValue;

static gboolean
demo_set_values (DcmDataSet *ds, const DemoValue *values, guint n, GError **error)
{
  for (guint i = 0; i < n; i++)
    if (!dcm_data_set_set_string (ds, values[i].tag, DCM_VR_NONE, values[i].value, error))
      return FALSE;
  return TRUE;
}

/* Patient, General Study, Patient Study, General Series, General
 * Equipment and SOP Common modules (PS3.3 C.7.1.1, C.7.2.1, C.7.2.2,
 * C.7.3.1, C.7.5.1, C.12.1). */
static gboolean
demo_set_common (DcmDataSet *ds, const DemoPatient *p, const DemoStudy *s,
                 const DemoSeries *se, const char *sop_instance_uid, guint instance,
                 GError **error)
{
  g_autofree char *birth = demo_format_date (&p->birth_date);
  g_autofree char *date = demo_format_date (&s->date);
  g_autofree char *study_time = demo_format_time (s->seconds);
  g_autofree char *series_time = demo_format_time (s->seconds + 60 * se->number);
  g_autofree char *content_time = demo_format_time (s->seconds + 60 * se->number + instance);
  g_autofree char *age = demo_patient_age (p, s);
  g_autofree char *study_id = g_strdup_printf ("%u", s->index + 1);
  g_autofree char *series_number = g_strdup_printf ("%u", se->number);
  g_autofree char *instance_number = g_strdup_printf ("%u", instance);
  char sex[2] = { p->sex, '\0' };
  const DemoValue values[] = {
    { DCM_TAG_SPECIFIC_CHARACTER_SET, p->charset },
    { DCM_TAG_SOP_CLASS_UID, s->info->sop_class_uid },
    { DCM_TAG_SOP_INSTANCE_UID, sop_instance_uid },
    { DCM_TAG_STUDY_DATE, date }, { DCM_TAG_SERIES_DATE, date }, { DCM_TAG_CONTENT_DATE, date },
    { DCM_TAG_STUDY_TIME, study_time }, { DCM_TAG_SERIES_TIME, series_time },
    { DCM_TAG_CONTENT_TIME, content_time },
    { DCM_TAG_ACCESSION_NUMBER, s->accession_number },
    { DCM_TAG_MODALITY, s->info->modality },
    { DCM_TAG_MANUFACTURER, "Dimsebench" },
    { DCM_TAG_INSTITUTION_NAME, "Dimsebench Demo Hospital" },
    { DCM_TAG_REFERRING_PHYSICIAN_NAME, s->referring_physician },
    { DCM_TAG_STATION_NAME, s->info->modality[0] == 'C' && s->info->modality[1] == 'R'
                            ? "DEMO-CR1" : "DEMO-ROOM1" },
    { DCM_TAG_STUDY_DESCRIPTION, s->protocol->description },
    { DCM_TAG_SERIES_DESCRIPTION, se->description },
    { DCM_TAG_MANUFACTURER_MODEL_NAME, s->info->model },
    { DCM_TAG_PATIENT_NAME, p->name },
    { DCM_TAG_PATIENT_ID, p->patient_id },
    { DCM_TAG_PATIENT_BIRTH_DATE, birth },
    { DCM_TAG_PATIENT_SEX, sex },
    { DCM_TAG_PATIENT_AGE, age },
    { DCM_TAG_BODY_PART_EXAMINED, s->protocol->body_part },
    { DCM_TAG_SOFTWARE_VERSIONS, DCM_IMPLEMENTATION_VERSION_NAME },
    { DCM_TAG_STUDY_INSTANCE_UID, s->uid },
    { DCM_TAG_SERIES_INSTANCE_UID, se->uid },
    { DCM_TAG_STUDY_ID, study_id },
    { DCM_TAG_SERIES_NUMBER, series_number },
    { DCM_TAG_INSTANCE_NUMBER, instance_number },
  };

  /* The character set first: the names below are encoded in it. */
  if (!demo_set_values (ds, values, G_N_ELEMENTS (values), error))
    return FALSE;
  return s->protocol->laterality == NULL
         || dcm_data_set_set_string (ds, DCM_TAG_LATERALITY, DCM_VR_NONE,
                                     s->protocol->laterality, error);
}

/* Image Pixel module (PS3.3 C.7.6.3) with the values the modality's image
 * module fixes (C.8.2.1, C.8.3.1, C.8.1.2, C.8.5.6). */
static gboolean
demo_set_pixels (DcmDataSet *ds, const DemoStudy *s, guint size, guint instance,
                 guint n_instances, GError **error)
{
  gboolean is_cr = strcmp (s->info->modality, "CR") == 0;
  gboolean wide = s->info->bits_allocated == 16;
  g_autofree char *rows = g_strdup_printf ("%u", size);
  g_autoptr (GBytes) pixels = demo_make_pixels (s, size, instance, n_instances);
  const DemoValue values[] = {
    { DCM_TAG_SAMPLES_PER_PIXEL, "1" },
    { DCM_TAG_PHOTOMETRIC_INTERPRETATION, is_cr ? "MONOCHROME1" : "MONOCHROME2" },
    { DCM_TAG_ROWS, rows }, { DCM_TAG_COLUMNS, rows },
    { DCM_TAG_BITS_ALLOCATED, wide ? "16" : "8" },
    { DCM_TAG_BITS_STORED, wide ? "12" : "8" },
    { DCM_TAG_HIGH_BIT, wide ? "11" : "7" },
    { DCM_TAG_PIXEL_REPRESENTATION, "0" },
  };
  gsize len;
  const void *data = g_bytes_get_data (pixels, &len);

  return demo_set_values (ds, values, G_N_ELEMENTS (values), error)
         && dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, wide ? DCM_VR_OW : DCM_VR_OB,
                                  data, len, error);
}

/* Frame of Reference and Image Plane modules (PS3.3 C.7.4.1, C.7.6.2) and
 * what CT Image (C.8.2.1) and MR Image (C.8.3.1) ask for. */
static gboolean
demo_set_cross_sectional (DcmDataSet *ds, const DemoStudy *s, const DemoSeries *se,
                          guint size, guint instance, GError **error)
{
  gboolean ct = strcmp (s->info->modality, "CT") == 0;
  double field = ct ? 400.0 : 240.0;
  g_autofree char *spacing_value = dcm_value_format_ds (field / size);
  g_autofree char *spacing = g_strdup_printf ("%s\\%s", spacing_value, spacing_value);
  g_autofree char *z = dcm_value_format_ds (-100.0 + 5.0 * instance);
  g_autofree char *corner = dcm_value_format_ds (-field / 2);
  g_autofree char *position = g_strdup_printf ("%s\\%s\\%s", corner, corner, z);
  g_autofree char *acquisition = g_strdup_printf ("%u", se->number);
  const DemoValue common[] = {
    { DCM_TAG_IMAGE_TYPE, se->number == 1 && ct ? "ORIGINAL\\PRIMARY\\LOCALIZER"
                                                : "ORIGINAL\\PRIMARY\\AXIAL" },
    { DCM_TAG_SLICE_THICKNESS, "5" },
    { DCM_TAG_PATIENT_POSITION, "HFS" },
    { DCM_TAG_ACQUISITION_NUMBER, acquisition },
    { DCM_TAG_IMAGE_POSITION_PATIENT, position },
    { DCM_TAG_IMAGE_ORIENTATION_PATIENT, "1\\0\\0\\0\\1\\0" },
    { DCM_TAG_FRAME_OF_REFERENCE_UID, s->frame_of_reference_uid },
    { DCM_TAG_POSITION_REFERENCE_INDICATOR, "" },
    { DCM_TAG_PIXEL_SPACING, spacing },
  };
  const DemoValue ct_values[] = {
    { DCM_TAG_KVP, "120" },
    { DCM_TAG_RESCALE_INTERCEPT, "-1024" }, { DCM_TAG_RESCALE_SLOPE, "1" },
    { DCM_TAG_RESCALE_TYPE, "HU" },
    { DCM_TAG_WINDOW_CENTER, "40" }, { DCM_TAG_WINDOW_WIDTH, "400" },
  };
  const DemoValue mr_values[] = {
    { DCM_TAG_SCANNING_SEQUENCE, "SE" }, { DCM_TAG_SEQUENCE_VARIANT, "NONE" },
    { DCM_TAG_SCAN_OPTIONS, "" }, { DCM_TAG_MR_ACQUISITION_TYPE, "2D" },
    { DCM_TAG_REPETITION_TIME, "500" }, { DCM_TAG_ECHO_TIME, "15" },
    { DCM_TAG_ECHO_TRAIN_LENGTH, "1" }, { DCM_TAG_MAGNETIC_FIELD_STRENGTH, "1.5" },
    { DCM_TAG_WINDOW_CENTER, "1200" }, { DCM_TAG_WINDOW_WIDTH, "2400" },
  };

  if (!demo_set_values (ds, common, G_N_ELEMENTS (common), error))
    return FALSE;
  return ct ? demo_set_values (ds, ct_values, G_N_ELEMENTS (ct_values), error)
            : demo_set_values (ds, mr_values, G_N_ELEMENTS (mr_values), error);
}

/* CR Series and CR Image (PS3.3 C.8.1.1, C.8.1.2); US Image (C.8.5.6). */
static gboolean
demo_set_projection (DcmDataSet *ds, const DemoStudy *s, const DemoSeries *se, guint size,
                     GError **error)
{
  gboolean cr = strcmp (s->info->modality, "CR") == 0;
  g_autofree char *spacing_value = dcm_value_format_ds ((cr ? 430.0 : 60.0) / size);
  g_autofree char *spacing = g_strdup_printf ("%s\\%s", spacing_value, spacing_value);
  const DemoValue cr_values[] = {
    { DCM_TAG_PATIENT_ORIENTATION, strcmp (se->description, "LAT") == 0 ? "P\\F" : "L\\F" },
    { DCM_TAG_VIEW_POSITION, se->description },
    { DCM_TAG_IMAGER_PIXEL_SPACING, spacing },
    { DCM_TAG_KVP, "110" },
  };
  const DemoValue us_values[] = {
    { DCM_TAG_PATIENT_ORIENTATION, "" },
    { DCM_TAG_IMAGE_TYPE, "ORIGINAL\\PRIMARY\\ABDOMINAL" },
    { DCM_TAG_LOSSY_IMAGE_COMPRESSION, "00" },
  };

  return cr ? demo_set_values (ds, cr_values, G_N_ELEMENTS (cr_values), error)
            : demo_set_values (ds, us_values, G_N_ELEMENTS (us_values), error);
}

static DcmDataSet *
demo_make_instance (const DemoContext *ctx, const DemoPatient *p, const DemoStudy *s,
                    const DemoSeries *se, const char *sop_instance_uid, guint instance,
                    guint n_instances, GError **error)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  guint size = ctx->small ? 8 : s->info->size;
  gboolean cross_sectional = strcmp (s->info->modality, "CT") == 0
                             || strcmp (s->info->modality, "MR") == 0;

  if (!demo_set_common (ds, p, s, se, sop_instance_uid, instance, error)
      || !demo_set_pixels (ds, s, size, instance, n_instances, error))
    return NULL;
  if (cross_sectional ? !demo_set_cross_sectional (ds, s, se, size, instance, error)
                      : !demo_set_projection (ds, s, se, size, error))
    return NULL;
  return g_steal_pointer (&ds);
}

/* ---- writing ---- */

static gboolean
demo_write_instance (DemoContext *ctx, const DemoPatient *p, const DemoStudy *s,
                     const DemoSeries *se, guint instance, guint n_instances, GError **error)
{
  g_autofree char *path = g_strdup_printf ("patient/%u/study/%u/series/%u/instance/%u",
                                           p->index, s->index, se->number, instance);
  g_autofree char *uid = demo_uid (ctx->seed, path);
  g_autofree char *dir = g_build_filename (ctx->folder, p->patient_id, s->uid, se->uid, NULL);
  g_autofree char *file_name = g_strconcat (uid, ".dcm", NULL);
  g_autofree char *file_path = g_build_filename (dir, file_name, NULL);
  g_autoptr (DcmDataSet) ds = NULL;
  g_autoptr (DcmFile) file = NULL;
  g_autoptr (GError) local = NULL;

  if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
    return FALSE;
  ds = demo_make_instance (ctx, p, s, se, uid, instance, n_instances, error);
  if (ds == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create the demo archive folder “%s”: %s.", dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, error);
  if (file == NULL)
    return FALSE;
  if (!dcm_file_write_path (file, file_path, DCM_WRITE_DEFAULT, &local))
    {
      /* The header promises G_IO_ERROR for what the file system refuses. */
      g_set_error_literal (error, G_IO_ERROR,
                           local->domain == G_IO_ERROR ? local->code : G_IO_ERROR_FAILED,
                           local->message);
      return FALSE;
    }
  ctx->n_written++;
  return TRUE;
}

static gboolean
demo_write_study (DemoContext *ctx, const DemoPatient *p, const DemoStudy *s, DemoRandom *r,
                  GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (s->protocol->series) && s->protocol->series[i]; i++)
    {
      g_autofree char *path = g_strdup_printf ("patient/%u/study/%u/series/%u", p->index,
                                               s->index, i + 1);
      g_autofree char *uid = demo_uid (ctx->seed, path);
      DemoSeries se = { i + 1, s->protocol->series[i], uid };
      guint n = demo_random_range (r, s->info->min_instances, s->info->max_instances);

      for (guint instance = 1; instance <= n; instance++)
        if (!demo_write_instance (ctx, p, s, &se, instance, n, error))
          return FALSE;
    }
  return TRUE;
}

/* The patient's own stream: the same patient whatever the others are. */
static DemoRandom
demo_patient_random (guint seed, guint index)
{
  DemoRandom r = { ((guint64) seed << 32) ^ index };

  return r;
}

static gboolean
demo_write_patient (DemoContext *ctx, guint index, GError **error)
{
  DemoRandom r = demo_patient_random (ctx->seed, index);
  DemoPatient p = { 0 };
  gboolean ok = TRUE;
  guint n_studies;

  demo_patient_init (&p, ctx, index, &r);
  n_studies = demo_random_range (&r, 1, 2);
  for (guint i = 0; ok && i < n_studies; i++)
    {
      /* The first study cycles through the modalities so each appears. */
      DemoModality modality = i == 0 ? index % N_MODALITIES
                                     : demo_random_range (&r, 0, N_MODALITIES - 1);
      DemoStudy s = { 0 };

      demo_study_init (&s, ctx, &p, i, modality, &r);
      ok = demo_write_study (ctx, &p, &s, &r, error);
      demo_study_clear (&s);
    }
  demo_patient_clear (&p);
  return ok;
}

guint
dimse_archive_demo_generate (const char *folder, const DimseArchiveDemoOptions *options,
                             GCancellable *cancellable, GError **error)
{
  DemoContext ctx = { folder, DEMO_DEFAULT_SEED, FALSE, cancellable, 0 };
  guint n_patients = DEMO_DEFAULT_PATIENTS;

  g_return_val_if_fail (folder != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (options != NULL)
    {
      if (options->n_patients != 0)
        n_patients = options->n_patients;
      if (options->seed != 0)
        ctx.seed = options->seed;
      ctx.small = options->small;
    }
  for (guint i = 0; i < n_patients; i++)
    if (!demo_write_patient (&ctx, i, error))
      return 0;
  return ctx.n_written;
}

/* ---- what the demo worklist shares (dimse-archive-demo-private.h) ---- */

guint
dimse_archive_demo_get_seed (const DimseArchiveDemoOptions *options)
{
  return options != NULL && options->seed != 0 ? options->seed : DEMO_DEFAULT_SEED;
}

guint
dimse_archive_demo_get_n_patients (const DimseArchiveDemoOptions *options)
{
  return options != NULL && options->n_patients != 0 ? options->n_patients
                                                     : DEMO_DEFAULT_PATIENTS;
}

void
dimse_archive_demo_patient_init (DimseArchiveDemoPatient *p, guint seed, guint index)
{
  DemoContext ctx = { NULL, seed, FALSE, NULL, 0 };
  DemoRandom r = demo_patient_random (seed, index);

  memset (p, 0, sizeof *p);
  demo_patient_init (p, &ctx, index, &r);
}

void
dimse_archive_demo_patient_clear (DimseArchiveDemoPatient *p)
{
  demo_patient_clear (p);
}

char *
dimse_archive_demo_uid (guint seed, const char *path)
{
  return demo_uid (seed, path);
}

char *
dimse_archive_demo_default_folder (void)
{
  return g_build_filename (g_get_user_cache_dir (), "dimsebench", "demo-archive", NULL);
}
