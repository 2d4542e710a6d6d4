/* transcode.c — the project's reader and writer, driven by the interop tests
 *
 *   transcode [--undefined-lengths] IN OUT TRANSFER-SYNTAX-UID
 *       reads the Part 10 file IN and writes it to OUT in that syntax;
 *   transcode --round-trip IN
 *       writes IN's data set in each uncompressed syntax (explicit and
 *       undefined lengths), reads it back and checks that the data set
 *       read equals the one written; also writes and rereads the file.
 *   transcode --make DIR
 *       builds data sets from UTF-8 text with the typed setters, one per
 *       character set, and writes them as DIR/made-NAME.dcm (explicit VR
 *       little endian) for DCMTK to read.
 */
#include <stdio.h>
#include <string.h>

#include "dcm-error.h"
#include "dcm-file.h"
#include "dcm-uid.h"

static const DcmTransferSyntax *const syntaxes[] = {
  &dcm_ts_implicit_le, &dcm_ts_explicit_le, &dcm_ts_explicit_be, &dcm_ts_deflated_explicit_le,
};

static DcmFile *
read_whole (const char *path, GError **error)
{
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  opts.bulk_threshold = 0;
  return dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, error);
}

static int
transcode (const char *in, const char *out, const char *ts_uid, DcmWriteFlags flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) file = read_whole (in, &error);

  if (file == NULL
      || !dcm_file_set_transfer_syntax (file, ts_uid, &error)
      || !dcm_file_write_path (file, out, flags, &error))
    {
      fprintf (stderr, "transcode: %s: %s\n", in, error->message);
      return 1;
    }
  return 0;
}

static DcmDataSet *
write_and_read (DcmDataSet *ds, const DcmTransferSyntax *ts, DcmWriteFlags flags, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  bytes = dcm_data_set_write_bytes (ds, ts, flags, error);
  if (bytes == NULL)
    return NULL;
  return dcm_data_set_read_bytes (bytes, ts, &opts, error);
}

/* Implicit VR drops the VRs that the reader then takes from the dictionary
 * (PS3.5 §7.1.3), so private elements come back as UN: from an explicit VR
 * source into implicit VR, what is checked is that a second write and read
 * gives the same data set as the first. */
static gboolean
round_trip_data_set (DcmDataSet *ds, const DcmTransferSyntax *from, const DcmTransferSyntax *ts,
                     DcmWriteFlags flags, GError **error)
{
  g_autoptr(DcmDataSet) again = write_and_read (ds, ts, flags, error);
  g_autoptr(DcmDataSet) expected = NULL;

  if (again == NULL)
    return FALSE;
  if (from->explicit_vr && !ts->explicit_vr)
    {
      expected = g_steal_pointer (&again);
      again = write_and_read (expected, ts, flags, error);
      if (again == NULL)
        return FALSE;
    }
  else
    expected = dcm_data_set_ref (ds);
  if (!dcm_data_set_equal (expected, again))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The data set read back differs from the one written");
      return FALSE;
    }
  return TRUE;
}

static gboolean
round_trip_file (DcmFile *file, GError **error)
{
  g_autoptr(GBytes) bytes = dcm_file_write_bytes (file, DCM_WRITE_DEFAULT, error);
  g_autoptr(DcmFile) again = NULL;
  DcmReadOptions opts;

  if (bytes == NULL)
    return FALSE;
  dcm_read_options_init (&opts);
  again = dcm_file_read_bytes (bytes, &opts, DCM_FILE_READ_DEFAULT, error);
  if (again == NULL)
    return FALSE;
  if (!dcm_data_set_equal (dcm_file_get_data_set (file), dcm_file_get_data_set (again))
      || !dcm_data_set_equal (dcm_file_get_meta (file), dcm_file_get_meta (again)))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The file read back differs from the one written");
      return FALSE;
    }
  return TRUE;
}

static int
round_trip (const char *in)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) file = read_whole (in, &error);
  int failures = 0;

  if (file == NULL)
    {
      fprintf (stderr, "round-trip: %s: %s\n", in, error->message);
      return 1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (syntaxes); i++)
    for (int undefined = 0; undefined < 2; undefined++)
      {
        DcmWriteFlags flags = undefined ? DCM_WRITE_UNDEFINED_LENGTHS : DCM_WRITE_DEFAULT;

        if (!round_trip_data_set (dcm_file_get_data_set (file), dcm_file_get_transfer_syntax (file),
                                  syntaxes[i], flags, &error))
          {
            fprintf (stderr, "round-trip: %s in %s%s: %s\n", in, dcm_uid_name (syntaxes[i]->uid),
                     undefined ? " (undefined lengths)" : "", error->message);
            g_clear_error (&error);
            failures++;
          }
      }
  if (!round_trip_file (file, &error))
    {
      fprintf (stderr, "round-trip: %s as a file: %s\n", in, error->message);
      failures++;
    }
  return failures > 0;
}

typedef struct {
  const char *name;
  const char *charset;
  const char *patient_name;
  const char *institution;
} MadeFile;

/* The Japanese name is the one of PS3.5 Annex H.3.1 and the Chinese ones
 * follow Annex K; the others are ours. */
static const MadeFile made_files[] = {
  { "latin1", "ISO_IR 100", "Buc^Jérôme", "Hôpital Saint-Jérôme" },
  { "utf8", "ISO_IR 192", "Wang^XiaoDong=王^小東=", "Ünïcödé Klinik 医院" },
  { "cyrillic", "ISO_IR 144", "Lubimyj^Kot=Любимый^Кот", "Городская больница" },
  { "gb18030", "GB18030", "Wang^XiaoDong=王^小东=", "北京医院" },
  { "japanese", "\\ISO 2022 IR 87", "Yamada^Tarou=山田^太郎=やまだ^たろう", "JP Hospital" },
};

static gboolean
make_one (const MadeFile *m, const char *dir, guint n, GError **error)
{
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();
  g_autoptr(DcmDataSet) item = dcm_data_set_new ();
  g_autoptr(DcmFile) file = NULL;
  g_autofree char *uid = g_strdup_printf ("1.2.826.0.1.3680043.10.1247.5.%u", n + 1);
  g_autofree char *name = g_strdup_printf ("made-%s.dcm", m->name);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  DcmElement *seq;

  if (!dcm_data_set_set_string (ds, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_NONE, m->charset, error)
      || !dcm_data_set_set_string (ds, DCM_TAG_SOP_CLASS_UID, DCM_VR_NONE, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE, error)
      || !dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE, uid, error)
      || !dcm_data_set_set_string (ds, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, m->patient_name, error)
      || !dcm_data_set_set_string (ds, DCM_TAG_INSTITUTION_NAME, DCM_VR_NONE, m->institution, error))
    return FALSE;
  /* The item inherits the character set of the data set that holds it. */
  seq = dcm_data_set_insert (ds, DCM_TAG_REFERENCED_PATIENT_SEQUENCE, DCM_VR_SQ);
  dcm_data_set_append_item (ds, seq, dcm_data_set_ref (item));
  if (!dcm_data_set_set_string (item, DCM_TAG_PATIENT_NAME, DCM_VR_NONE, m->patient_name, error))
    return FALSE;
  file = dcm_file_new (ds, DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, error);
  return file != NULL && dcm_file_write_path (file, path, DCM_WRITE_DEFAULT, error);
}

static int
make_files (const char *dir)
{
  int failures = 0;

  for (guint i = 0; i < G_N_ELEMENTS (made_files); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!make_one (&made_files[i], dir, i, &error))
        {
          fprintf (stderr, "make: %s: %s\n", made_files[i].name, error->message);
          failures++;
        }
    }
  return failures > 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--make") == 0)
    return make_files (argv[2]);
  if (argc == 3 && strcmp (argv[1], "--round-trip") == 0)
    return round_trip (argv[2]);
  if (argc == 5 && strcmp (argv[1], "--undefined-lengths") == 0)
    return transcode (argv[2], argv[3], argv[4], DCM_WRITE_UNDEFINED_LENGTHS);
  if (argc == 4)
    return transcode (argv[1], argv[2], argv[3], DCM_WRITE_DEFAULT);
  fprintf (stderr, "usage: transcode [--undefined-lengths] IN OUT TRANSFER-SYNTAX-UID\n"
                   "       transcode --round-trip IN\n");
  return 2;
}
