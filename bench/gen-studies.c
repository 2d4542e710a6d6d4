/* gen-studies.c — the data of bench/find.sh and bench/retrieve.sh:
 *
 *   gen-studies studies DIR N
 *     N studies of one patient each, one 8×8 CT instance per study, with
 *     distinct names, IDs, dates, accession numbers and descriptions
 *   gen-studies study DIR N ROWS COLUMNS
 *     one study of N CT instances of ROWS×COLUMNS 16-bit pixels
 *
 * Files are DIR/f00000.dcm …, explicit VR little endian; UIDs under the
 * project's root, numbered, so every run writes the same bytes. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-tags.h"
#include "dcm-uid.h"

static const char *const families[] = {
  "Adams", "Baker", "Clark", "Davis", "Evans", "Fischer", "Garcia", "Hughes",
  "Ito", "Jensen", "Khan", "Lopez", "Martin", "Nguyen", "Olsen", "Patel",
};
static const char *const givens[] = {
  "Anna", "Ben", "Clara", "David", "Eva", "Frank", "Grace", "Henry", "Iris", "Jack",
};
static const char *const descriptions[] = {
  "CT CHEST W/O CONTRAST", "CT HEAD W/O CONTRAST", "CT ABDOMEN PELVIS W CONTRAST",
  "MR BRAIN", "XR CHEST PA AND LATERAL", "US ABDOMEN COMPLETE",
};

typedef struct {
  guint32     tag;
  const char *value;
} Value;

static char *
make_uid (guint kind, guint n)
{
  return g_strdup_printf ("%s.9.%u.%u", DCM_IMPLEMENTATION_CLASS_UID, kind, n);
}

static GBytes *
make_pixels (guint rows, guint columns)
{
  gsize n = (gsize) rows * columns;
  guint8 *buf = g_malloc (n * 2);

  for (gsize i = 0; i < n; i++)
    {
      guint v = (guint) ((i % columns + i / columns) & 0x0fff);

      buf[2 * i] = v & 0xff;
      buf[2 * i + 1] = v >> 8;
    }
  return g_bytes_new_take (buf, n * 2);
}

static gboolean
write_instance (const char *dir, guint index, const Value *values, guint n_values,
                guint rows, guint columns, GBytes *pixels, GError **error)
{
  g_autoptr (DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr (DcmFile) file = NULL;
  g_autofree char *name = g_strdup_printf ("f%05u.dcm", index);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *rows_text = g_strdup_printf ("%u", rows);
  g_autofree char *columns_text = g_strdup_printf ("%u", columns);
  const Value image[] = {
    { DCM_TAG_SPECIFIC_CHARACTER_SET, "ISO_IR 100" },
    { DCM_TAG_SOP_CLASS_UID, DCM_UID_CT_IMAGE_STORAGE },
    { DCM_TAG_IMAGE_TYPE, "ORIGINAL\\PRIMARY\\AXIAL" },
    { DCM_TAG_MODALITY, "CT" },
    { DCM_TAG_MANUFACTURER, "Dimsebench" },
    { DCM_TAG_REFERRING_PHYSICIAN_NAME, "Hartmann^Klaus" },
    { DCM_TAG_PATIENT_SEX, "O" },
    { DCM_TAG_SAMPLES_PER_PIXEL, "1" },
    { DCM_TAG_PHOTOMETRIC_INTERPRETATION, "MONOCHROME2" },
    { DCM_TAG_ROWS, rows_text }, { DCM_TAG_COLUMNS, columns_text },
    { DCM_TAG_BITS_ALLOCATED, "16" }, { DCM_TAG_BITS_STORED, "12" },
    { DCM_TAG_HIGH_BIT, "11" }, { DCM_TAG_PIXEL_REPRESENTATION, "0" },
    { DCM_TAG_RESCALE_INTERCEPT, "-1024" }, { DCM_TAG_RESCALE_SLOPE, "1" },
  };
  gsize len;
  const void *data = g_bytes_get_data (pixels, &len);

  for (guint i = 0; i < G_N_ELEMENTS (image); i++)
    if (!dcm_data_set_set_string (ds, image[i].tag, DCM_VR_NONE, image[i].value, error))
      return FALSE;
  for (guint i = 0; i < n_values; i++)
    if (!dcm_data_set_set_string (ds, values[i].tag, DCM_VR_NONE, values[i].value, error))
      return FALSE;
  if (!dcm_data_set_set_raw (ds, DCM_TAG_PIXEL_DATA, DCM_VR_OW, data, len, error))
    return FALSE;
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, error);
  return file != NULL && dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, error);
}

static gboolean
write_studies (const char *dir, guint n, GError **error)
{
  g_autoptr (GBytes) pixels = make_pixels (8, 8);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u^%s", families[i % G_N_ELEMENTS (families)],
                                               (guint) (i / G_N_ELEMENTS (families)),
                                               givens[i % G_N_ELEMENTS (givens)]);
      g_autofree char *patient_id = g_strdup_printf ("P%06u", i);
      g_autofree char *birth = g_strdup_printf ("%04u%02u%02u", 1940 + i % 70, 1 + i % 12,
                                                1 + i % 28);
      g_autofree char *date = g_strdup_printf ("%04u%02u%02u", 2015 + i % 10, 1 + i / 7 % 12,
                                               1 + i % 28);
      g_autofree char *accession = g_strdup_printf ("A%07u", i);
      g_autofree char *study_id = g_strdup_printf ("%u", i + 1);
      g_autofree char *study_uid = make_uid (1, i);
      g_autofree char *series_uid = make_uid (2, i);
      g_autofree char *instance_uid = make_uid (3, i);
      const Value values[] = {
        { DCM_TAG_SOP_INSTANCE_UID, instance_uid },
        { DCM_TAG_STUDY_DATE, date }, { DCM_TAG_STUDY_TIME, "101500" },
        { DCM_TAG_ACCESSION_NUMBER, accession },
        { DCM_TAG_STUDY_DESCRIPTION, descriptions[i % G_N_ELEMENTS (descriptions)] },
        { DCM_TAG_PATIENT_NAME, name }, { DCM_TAG_PATIENT_ID, patient_id },
        { DCM_TAG_PATIENT_BIRTH_DATE, birth },
        { DCM_TAG_STUDY_INSTANCE_UID, study_uid }, { DCM_TAG_SERIES_INSTANCE_UID, series_uid },
        { DCM_TAG_STUDY_ID, study_id }, { DCM_TAG_SERIES_NUMBER, "1" },
        { DCM_TAG_INSTANCE_NUMBER, "1" },
      };

      if (!write_instance (dir, i, values, G_N_ELEMENTS (values), 8, 8, pixels, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_study (const char *dir, guint n, guint rows, guint columns, GError **error)
{
  g_autoptr (GBytes) pixels = make_pixels (rows, columns);
  g_autofree char *study_uid = make_uid (4, 0);
  g_autofree char *series_uid = make_uid (5, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *instance_uid = make_uid (6, i);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      const Value values[] = {
        { DCM_TAG_SOP_INSTANCE_UID, instance_uid },
        { DCM_TAG_STUDY_DATE, "20250102" }, { DCM_TAG_STUDY_TIME, "093000" },
        { DCM_TAG_ACCESSION_NUMBER, "R0000001" },
        { DCM_TAG_STUDY_DESCRIPTION, "CT CHEST ABDOMEN PELVIS" },
        { DCM_TAG_PATIENT_NAME, "Retrieve^Bench" }, { DCM_TAG_PATIENT_ID, "R000001" },
        { DCM_TAG_PATIENT_BIRTH_DATE, "19600101" },
        { DCM_TAG_STUDY_INSTANCE_UID, study_uid }, { DCM_TAG_SERIES_INSTANCE_UID, series_uid },
        { DCM_TAG_STUDY_ID, "1" }, { DCM_TAG_SERIES_NUMBER, "1" },
        { DCM_TAG_INSTANCE_NUMBER, number },
      };

      if (!write_instance (dir, i, values, G_N_ELEMENTS (values), rows, columns, pixels, error))
        return FALSE;
    }
  return TRUE;
}

static guint
parse_count (const char *text)
{
  char *end = NULL;
  unsigned long v = strtoul (text, &end, 10);

  return end != text && *end == '\0' && v > 0 && v <= 100000 ? (guint) v : 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (argc == 4 && strcmp (argv[1], "studies") == 0 && parse_count (argv[3]) > 0)
    ok = g_mkdir_with_parents (argv[2], 0755) == 0
         && write_studies (argv[2], parse_count (argv[3]), &error);
  else if (argc == 6 && strcmp (argv[1], "study") == 0 && parse_count (argv[3]) > 0
           && parse_count (argv[4]) > 0 && parse_count (argv[5]) > 0)
    ok = g_mkdir_with_parents (argv[2], 0755) == 0
         && write_study (argv[2], parse_count (argv[3]), parse_count (argv[4]),
                         parse_count (argv[5]), &error);
  else
    {
      g_printerr ("usage: gen-studies studies DIR N\n"
                  "       gen-studies study DIR N ROWS COLUMNS\n");
      return 2;
    }
  if (!ok)
    {
      g_printerr ("gen-studies: %s\n", error != NULL ? error->message : g_strerror (errno));
      return 1;
    }
  return 0;
}
