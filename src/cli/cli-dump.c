/* cli-dump.c — `dimse dump`: the elements of DICOM files, or their DICOM JSON */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-private.h"
#include "dcm-file.h"
#include "dcm-json.h"
#include "dcm-uid.h"

#define DUMP_DEFAULT_BULK_THRESHOLD (64 * 1024)
/* Characters of a value shown before it is cut with "…". */
#define DUMP_MAX_VALUE_CHARS 64
/* Binary values: this many numbers (bytes, words…) are shown in hex. */
#define DUMP_MAX_BINARY_VALUES 16
#define DUMP_VALUE_COLUMN 40
#define DUMP_OUT_BUFFER (256 * 1024)

typedef struct {
  gboolean json;
  gboolean no_bulk;
  gint64   bulk_threshold;
} DumpOptions;

typedef struct {
  GString *line;
  FILE    *out;
} Dumper;

static void dump_data_set (Dumper *d, DcmDataSet *ds, guint depth);

/* Lines collect in d->line and go out in large writes: a dump of many small
 * files is mostly output. */
static void
dumper_flush (Dumper *d)
{
  fwrite (d->line->str, 1, d->line->len, d->out);
  g_string_truncate (d->line, 0);
}

static void
append_indent (GString *line, guint depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append_len (line, "  ", 2);
}

static void
append_tag (GString *line, guint32 tag)
{
  static const char hex[] = "0123456789abcdef";
  char buf[11] = "(gggg,eeee)";

  for (int i = 0; i < 4; i++)
    {
      buf[4 - i] = hex[(tag >> (16 + 4 * i)) & 0xf];
      buf[9 - i] = hex[(tag >> (4 * i)) & 0xf];
    }
  g_string_append_len (line, buf, sizeof buf);
}

/* Decimal without printf: this runs for every element of every file. */
static void
append_uint (GString *line, guint64 v, guint min_width)
{
  char buf[24];
  guint n = 0;

  do
    {
      buf[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v > 0);
  for (guint i = n; i < min_width; i++)
    g_string_append_c (line, ' ');
  while (n > 0)
    g_string_append_c (line, buf[--n]);
}

static gboolean
is_printable_ascii (const guint8 *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (p[i] < 0x20 || p[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static void
append_control (GString *line, guchar c)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (line, '\\');
  switch (c)
    {
    case '\n': g_string_append_c (line, 'n'); break;
    case '\r': g_string_append_c (line, 'r'); break;
    case '\t': g_string_append_c (line, 't'); break;
    default:
      g_string_append_c (line, 'x');
      g_string_append_c (line, hex[c >> 4]);
      g_string_append_c (line, hex[c & 0xf]);
      break;
    }
}

/* Appends at most max_chars UTF-8 characters of text, then "…" when cut.
 * Control characters (CR LF in ST, LT, UT) are shown escaped so that each
 * element stays on one line. */
static void
append_truncated (GString *line, const char *text, gsize len, gsize max_chars)
{
  const char *p = text;
  const char *end = text + len;
  gsize n = 0;

  while (p < end && n < max_chars)
    {
      const char *next = g_utf8_next_char (p);

      if ((guchar) *p < 0x20 || *p == 0x7f)
        append_control (line, (guchar) *p);
      else
        g_string_append_len (line, p, MIN (next, end) - p);
      p = next;
      n++;
    }
  if (p < end)
    g_string_append (line, "…");
}

static gsize
trimmed_length (const guint8 *p, gsize len)
{
  while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\0'))
    len--;
  return len;
}

static void
append_uid_name (GString *line, const guint8 *p, gsize len)
{
  char uid[65];
  const DcmUidEntry *entry;

  if (len == 0 || len >= sizeof uid || memchr (p, '\\', len) != NULL)
    return;
  memcpy (uid, p, len);
  uid[len] = '\0';
  entry = dcm_uid_lookup (uid);
  if (entry != NULL && entry->keyword != NULL && entry->keyword[0] != '\0')
    g_string_append_printf (line, " =%s", entry->keyword);
}

/* Strings are decoded through the character set in force for ds (items
 * inherit their parent's, PS3.5 §6.1.2.2); ASCII needs no decoding in any
 * repertoire DICOM allows, since all of them keep ISO 646 in G0. */
static void
append_string_value (GString *line, DcmDataSet *ds, const DcmElement *el)
{
  gsize size = 0;
  const guint8 *p = g_bytes_get_data (el->value.bytes, &size);
  gsize len = trimmed_length (p, size);

  g_string_append_c (line, '[');
  if (is_printable_ascii (p, len))
    append_truncated (line, (const char *) p, len, DUMP_MAX_VALUE_CHARS);
  else
    {
      g_autofree char *utf8 = NULL;
      const DcmCharset *cs = dcm_vr_uses_charset (el->vr) ? dcm_data_set_get_charset (ds) : NULL;

      utf8 = dcm_charset_decode_lossy (cs, p, len, el->vr);
      append_truncated (line, utf8, strlen (utf8), DUMP_MAX_VALUE_CHARS);
    }
  g_string_append_c (line, ']');
  if (el->vr == DCM_VR_UI)
    append_uid_name (line, p, len);
}

static void
append_number (GString *line, DcmVR vr, const guint8 *p)
{
  guint16 u16;
  guint32 u32;
  guint64 u64;
  float f;
  double dbl;

  switch (vr)
    {
    case DCM_VR_US:
      memcpy (&u16, p, 2);
      append_uint (line, GUINT16_FROM_LE (u16), 0);
      break;
    case DCM_VR_SS:
      memcpy (&u16, p, 2);
      g_string_append_printf (line, "%d", (gint16) GUINT16_FROM_LE (u16));
      break;
    case DCM_VR_UL:
      memcpy (&u32, p, 4);
      append_uint (line, GUINT32_FROM_LE (u32), 0);
      break;
    case DCM_VR_SL:
      memcpy (&u32, p, 4);
      g_string_append_printf (line, "%d", (gint32) GUINT32_FROM_LE (u32));
      break;
    case DCM_VR_UV:
      memcpy (&u64, p, 8);
      g_string_append_printf (line, "%" G_GUINT64_FORMAT, GUINT64_FROM_LE (u64));
      break;
    case DCM_VR_SV:
      memcpy (&u64, p, 8);
      g_string_append_printf (line, "%" G_GINT64_FORMAT, (gint64) GUINT64_FROM_LE (u64));
      break;
    case DCM_VR_FL:
      memcpy (&u32, p, 4);
      u32 = GUINT32_FROM_LE (u32);
      memcpy (&f, &u32, 4);
      g_string_append_printf (line, "%.8g", f);
      break;
    case DCM_VR_FD:
      memcpy (&u64, p, 8);
      u64 = GUINT64_FROM_LE (u64);
      memcpy (&dbl, &u64, 8);
      g_string_append_printf (line, "%.17g", dbl);
      break;
    default:
      break;
    }
}

static void
append_tag_value (GString *line, const guint8 *p)
{
  guint16 group, element;

  memcpy (&group, p, 2);
  memcpy (&element, p + 2, 2);
  append_tag (line, DCM_TAG (GUINT16_FROM_LE (group), GUINT16_FROM_LE (element)));
}

/* Numbers and AT, value by value, backslash-separated as dcmdump shows them. */
static void
append_binary_numbers (GString *line, const DcmElement *el)
{
  gsize size = 0;
  const guint8 *p = g_bytes_get_data (el->value.bytes, &size);
  guint unit = dcm_vr_value_size (el->vr);
  gsize n = size / unit;
  gsize start = line->len;

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (line, '\\');
      if (line->len - start > DUMP_MAX_VALUE_CHARS)
        {
          g_string_append (line, "…");
          return;
        }
      if (el->vr == DCM_VR_AT)
        append_tag_value (line, p + i * unit);
      else
        append_number (line, el->vr, p + i * unit);
    }
}

static void
append_hex_unit (GString *line, const guint8 *p, guint unit)
{
  static const char hex[] = "0123456789abcdef";

  /* Shown most significant byte first, as the number the unit holds. */
  for (guint i = unit; i > 0; i--)
    {
      g_string_append_c (line, hex[p[i - 1] >> 4]);
      g_string_append_c (line, hex[p[i - 1] & 0xf]);
    }
}

static void
append_hex (GString *line, const guint8 *p, gsize size, guint unit)
{
  gsize n = size / unit;

  for (gsize i = 0; i < n && i < DUMP_MAX_BINARY_VALUES; i++)
    {
      if (i > 0)
        g_string_append_c (line, '\\');
      append_hex_unit (line, p + i * unit, unit);
    }
  if (n > DUMP_MAX_BINARY_VALUES)
    g_string_append (line, "…");
}

static void
append_bytes_value (GString *line, DcmDataSet *ds, const DcmElement *el)
{
  gsize size = 0;
  const guint8 *p;

  switch (dcm_vr_kind (el->vr))
    {
    case DCM_VR_KIND_STRING:
      append_string_value (line, ds, el);
      break;
    case DCM_VR_KIND_NUMBER:
    case DCM_VR_KIND_TAG:
      append_binary_numbers (line, el);
      break;
    default:
      p = g_bytes_get_data (el->value.bytes, &size);
      append_hex (line, p, size, dcm_vr_value_size (el->vr));
      break;
    }
}

static guint
value_multiplicity (const DcmElement *el)
{
  gsize size = 0;
  const guint8 *p;
  guint vm = 1;

  if (el->vr == DCM_VR_SQ)
    return 1;
  if (el->kind == DCM_VALUE_EMPTY)
    return 0;
  if (el->kind != DCM_VALUE_BYTES)
    return 1;
  p = g_bytes_get_data (el->value.bytes, &size);
  switch (dcm_vr_kind (el->vr))
    {
    case DCM_VR_KIND_STRING:
      if (!dcm_vr_is_multi_valued_string (el->vr))
        return 1;
      for (gsize i = 0; i < size; i++)
        vm += p[i] == '\\';
      return vm;
    case DCM_VR_KIND_NUMBER:
    case DCM_VR_KIND_TAG:
      return size / dcm_vr_value_size (el->vr);
    default:
      return 1;
    }
}

static guint64
value_length (const DcmElement *el)
{
  switch (el->kind)
    {
    case DCM_VALUE_BYTES:
      return g_bytes_get_size (el->value.bytes);
    case DCM_VALUE_BULK:
      return el->value.bulk->length;
    case DCM_VALUE_EMPTY:
      return 0;
    default:
      return el->length;
    }
}

/* Terminal columns of UTF-8 text: East Asian wide characters take two. */
static glong
display_width (const char *text, gsize len)
{
  const char *end = text + len;
  glong width = 0;

  if (is_printable_ascii ((const guint8 *) text, len))
    return (glong) len;
  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    width += (guchar) *p < 0x80 ? 1 : (g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1);
  return width;
}

/* Pads the value to its column and appends "# length, VM Name", then writes
 * the line; the column counts terminal columns, not bytes. */
static void
finish_line (Dumper *d, gsize value_start, guint64 length, guint vm, const char *name)
{
  static const char spaces[DUMP_VALUE_COLUMN + 1] = "                                        ";
  GString *line = d->line;
  glong width = display_width (line->str + value_start, line->len - value_start);

  if (width < DUMP_VALUE_COLUMN)
    g_string_append_len (line, spaces, DUMP_VALUE_COLUMN - width);
  g_string_append_len (line, " # ", 3);
  if (length == DCM_UNDEFINED_LENGTH)
    g_string_append (line, "u/l");
  else
    append_uint (line, length, 3);
  g_string_append (line, ", ");
  append_uint (line, vm, 0);
  g_string_append_c (line, ' ');
  g_string_append (line, name);
  g_string_append_c (line, '\n');
  if (line->len >= DUMP_OUT_BUFFER)
    dumper_flush (d);
}

static const char *
element_name (guint32 tag)
{
  const char *keyword;

  if (DCM_TAG_IS_PRIVATE_CREATOR (tag))
    return "PrivateCreator";
  keyword = dcm_dict_keyword (tag);
  if (keyword == NULL || keyword[0] == '\0')
    return DCM_TAG_IS_PRIVATE (tag) ? "PrivateTag" : "UnknownTag";
  return keyword;
}

static gsize
begin_line (Dumper *d, guint depth, guint32 tag, const char *vr)
{
  append_indent (d->line, depth);
  append_tag (d->line, tag);
  g_string_append_c (d->line, ' ');
  g_string_append (d->line, vr);
  g_string_append_c (d->line, ' ');
  return d->line->len;
}

static void
dump_items (Dumper *d, DcmDataSet *ds, const DcmElement *el, guint depth)
{
  GPtrArray *items = el->value.items;
  /* A UN of undefined length holds items: shown as the sequence it is
   * (PS3.5 §6.2.2 note 4, CP-246), as dcmdump does. */
  gsize start = begin_line (d, depth, el->tag, dcm_vr_name (DCM_VR_SQ));

  g_string_append_printf (d->line, _("(Sequence with %u items)"), items->len);
  finish_line (d, start, el->length, 1, element_name (el->tag));
  for (guint i = 0; i < items->len; i++)
    {
      DcmDataSet *item = g_ptr_array_index (items, i);

      start = begin_line (d, depth + 1, DCM_TAG_ITEM, "na");
      g_string_append_printf (d->line, _("(Item #%u)"), i + 1);
      finish_line (d, start, DCM_UNDEFINED_LENGTH, 1, "Item");
      dump_data_set (d, item, depth + 2);
    }
}

static void
dump_fragments (Dumper *d, const DcmElement *el, guint depth)
{
  GPtrArray *frags = el->value.fragments;
  gsize start = begin_line (d, depth, el->tag, dcm_vr_name (el->vr));

  g_string_append_printf (d->line, _("(Pixel data with %u fragments)"), frags->len);
  finish_line (d, start, el->length, 1, element_name (el->tag));
  for (guint i = 0; i < frags->len; i++)
    {
      gsize size = 0;
      const guint8 *p = g_bytes_get_data (g_ptr_array_index (frags, i), &size);

      start = begin_line (d, depth + 1, DCM_TAG_ITEM, "pi");
      append_hex (d->line, p, size, 1);
      finish_line (d, start, size, 1, "Item");
    }
}

static void
dump_element (Dumper *d, DcmDataSet *ds, const DcmElement *el, guint depth)
{
  gsize start;

  if (el->kind == DCM_VALUE_ITEMS)
    {
      dump_items (d, ds, el, depth);
      return;
    }
  if (el->kind == DCM_VALUE_FRAGMENTS)
    {
      dump_fragments (d, el, depth);
      return;
    }
  start = begin_line (d, depth, el->tag, dcm_vr_name (el->vr));
  if (el->kind == DCM_VALUE_BYTES)
    append_bytes_value (d->line, ds, el);
  else if (el->kind == DCM_VALUE_BULK)
    g_string_append (d->line, _("(not loaded)"));
  else if (el->vr == DCM_VR_SQ)
    g_string_append (d->line, _("(Sequence with 0 items)"));
  else
    g_string_append (d->line, _("(no value available)"));
  finish_line (d, start, value_length (el), value_multiplicity (el), element_name (el->tag));
}

static void
dump_data_set (Dumper *d, DcmDataSet *ds, guint depth)
{
  guint n = dcm_data_set_n_elements (ds);

  for (guint i = 0; i < n; i++)
    dump_element (d, ds, dcm_data_set_nth (ds, i), depth);
}

static void
dump_file_text (Dumper *d, DcmFile *file)
{
  const char *ts_name = dcm_uid_name (dcm_file_get_transfer_syntax_uid (file));
  DcmDataSet *meta = dcm_file_get_meta (file);

  g_string_append_printf (d->line, "\n# %s\n", _("Dicom-File-Format"));
  if (meta != NULL && dcm_data_set_n_elements (meta) > 0)
    {
      g_string_append_printf (d->line, "\n# %s\n", _("Dicom-Meta-Information-Header"));
      g_string_append_printf (d->line, "# %s %s\n", _("Used TransferSyntax:"),
                              dcm_uid_name (DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN));
      dump_data_set (d, meta, 0);
    }
  g_string_append_printf (d->line, "\n# %s\n", _("Dicom-Data-Set"));
  g_string_append_printf (d->line, "# %s %s\n", _("Used TransferSyntax:"), ts_name);
  dump_data_set (d, dcm_file_get_data_set (file), 0);
}

/* Values the reader left in the file (over the bulk threshold) are named
 * by a file URI with their place in it, since PS3.18 §F.2.7 leaves the
 * form of a BulkDataURI to its origin. */
static char *
bulk_uri (const DcmElement *el, const char *path, gpointer user_data)
{
  g_autofree char *file_uri = NULL;
  g_autofree char *absolute = NULL;
  const DcmBulkRef *ref;

  if (el->kind != DCM_VALUE_BULK)
    return NULL;
  ref = el->value.bulk;
  if (ref->uri != NULL)
    return g_strdup (ref->uri);
  if (ref->path == NULL)
    return NULL;
  absolute = g_canonicalize_filename (ref->path, NULL);
  file_uri = g_filename_to_uri (absolute, NULL, NULL);
  if (file_uri == NULL)
    return NULL;
  return g_strdup_printf ("%s?offset=%" G_GUINT64_FORMAT "&length=%" G_GUINT64_FORMAT,
                          file_uri, ref->offset, ref->length);
}

/* Like dcm2json, the JSON is of the data set alone: PS3.18 Annex F has no
 * place for the File Meta Information. */
static gboolean
dump_file_json (Dumper *d, DcmFile *file, guint64 bulk_threshold, GError **error)
{
  DcmJsonOptions jopts = { 0 };
  g_autofree char *json = NULL;

  jopts.bulk_threshold = bulk_threshold;
  jopts.bulk_uri_func = bulk_threshold > 0 ? bulk_uri : NULL;
  json = dcm_json_to_string (dcm_file_get_data_set (file), TRUE, &jopts, error);
  if (json == NULL)
    return FALSE;
  g_string_append (d->line, json);
  g_string_append_c (d->line, '\n');
  dumper_flush (d);
  return TRUE;
}

static gboolean
dump_one (Dumper *d, const char *path, const DumpOptions *o, GError **error)
{
  DcmReadOptions ropts;
  g_autoptr(DcmFile) file = NULL;
  guint64 threshold = o->no_bulk ? 0 : (guint64) o->bulk_threshold;

  dcm_read_options_init (&ropts);
  ropts.bulk_threshold = threshold;
  file = dcm_file_read_path (path, &ropts, DCM_FILE_READ_DEFAULT, error);
  if (file == NULL)
    return FALSE;
  if (o->json)
    return dump_file_json (d, file, threshold, error);
  dump_file_text (d, file);
  return TRUE;
}

static gboolean
parse_options (int *argc, char ***argv, DumpOptions *o, GError **error)
{
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o->json,
      N_("Print the DICOM JSON (PS3.18 Annex F) of each data set"), NULL },
    { "no-bulk", 0, 0, G_OPTION_ARG_NONE, &o->no_bulk,
      N_("Load every value, however long (JSON then inlines all binary values)"), NULL },
    { "bulk-threshold", 0, 0, G_OPTION_ARG_INT64, &o->bulk_threshold,
      N_("Leave values of at least N bytes in the file (default 65536)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = NULL;

  g_set_prgname ("dimse dump");
  ctx = g_option_context_new (_("FILE…"));

  g_option_context_set_summary (ctx, _("Prints the elements of DICOM Part 10 files, the meta "
                                       "group first, as dcmdump does."));
  g_option_context_set_description (ctx, _("Exit status: 0 when every file was read, 2 otherwise."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, argc, argv, error))
    return FALSE;
  if (o->bulk_threshold <= 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The bulk threshold must be a positive number of bytes."));
      return FALSE;
    }
  if (*argc < 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("No file given; see 'dimse dump --help'."));
      return FALSE;
    }
  return TRUE;
}

int
cli_dump_run (int argc, char **argv)
{
  DumpOptions o = { FALSE, FALSE, DUMP_DEFAULT_BULK_THRESHOLD };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) line = g_string_sized_new (DUMP_OUT_BUFFER + 4096);
  Dumper d = { line, stdout };
  int status = CLI_EXIT_SUCCESS;

  if (!parse_options (&argc, &argv, &o, &error))
    {
      cli_print_error ("dump", error);
      return CLI_EXIT_FAILURE;
    }
  setvbuf (stdout, NULL, _IOFBF, DUMP_OUT_BUFFER);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) file_error = NULL;

      if (!dump_one (&d, argv[i], &o, &file_error))
        {
          /* What came before goes out first, so the error is read in place. */
          dumper_flush (&d);
          fflush (stdout);
          g_printerr ("dimse dump: %s: %s\n", argv[i], file_error->message);
          status = CLI_EXIT_FAILURE;
        }
    }
  dumper_flush (&d);
  fflush (stdout);
  return status;
}
