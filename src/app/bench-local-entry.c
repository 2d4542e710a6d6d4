/* bench-local-entry.c — patients, studies and series of what was received */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bench-local-entry.h"
#include "bench-query-format.h"
#include "dcm-file.h"
#include "dcm-tags.h"

/* ---- records ---- */

void
bench_local_record_free (BenchLocalRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->path);
  g_free (record->calling_ae_title);
  g_free (record->patient_key);
  g_free (record->patient_title);
  g_free (record->study_uid);
  g_free (record->study_title);
  g_free (record->series_uid);
  g_free (record->series_title);
  g_free (record->sop_class_uid);
  g_free (record->sop_instance_uid);
  g_free (record->transfer_syntax_uid);
  g_free (record);
}

static char *
dup_or_empty (DcmDataSet *ds, guint32 tag)
{
  char *text = dcm_data_set_dup_string (ds, tag);

  return text != NULL ? text : g_strdup ("");
}

static char *
join_title (const char *main_text, const char *detail)
{
  if (*detail == '\0')
    return g_strdup (main_text);
  if (*main_text == '\0')
    return g_strdup (detail);
  return g_strdup_printf ("%s (%s)", main_text, detail);
}

static void
fill_titles (BenchLocalRecord *record, DcmDataSet *ds)
{
  g_autofree char *raw_name = dcm_data_set_dup_string (ds, DCM_TAG_PATIENT_NAME);
  g_autofree char *name = bench_format_person_name (raw_name);
  g_autofree char *patient_id = dup_or_empty (ds, DCM_TAG_PATIENT_ID);
  g_autofree char *raw_date = dcm_data_set_dup_string (ds, DCM_TAG_STUDY_DATE);
  g_autofree char *date = bench_format_date (raw_date);
  g_autofree char *study_description = dup_or_empty (ds, DCM_TAG_STUDY_DESCRIPTION);
  g_autofree char *series_description = dup_or_empty (ds, DCM_TAG_SERIES_DESCRIPTION);
  g_autofree char *modality = dup_or_empty (ds, DCM_TAG_MODALITY);
  g_autofree char *series_number = dup_or_empty (ds, DCM_TAG_SERIES_NUMBER);
  g_autofree char *series_name = NULL;
  g_autofree char *series_main = NULL;

  record->patient_key = g_strdup_printf ("%s\x1f%s", patient_id, raw_name != NULL ? raw_name : "");
  record->patient_title = join_title (*name != '\0' ? name : _("Unnamed patient"), patient_id);
  record->study_title = join_title (*study_description != '\0' ? study_description
                                                               : _("Study"), date);
  series_name = *series_number != '\0' ? g_strdup_printf (_("Series %s"), series_number)
                                       : g_strdup (_("Series"));
  series_main = *series_description != '\0'
                ? g_strdup_printf ("%s — %s", series_name, series_description)
                : g_strdup (series_name);
  record->series_title = join_title (series_main, modality);
}

BenchLocalRecord *
bench_local_record_read (const char *path, const char *calling_ae_title, GError **error)
{
  g_autoptr(BenchLocalRecord) record = g_new0 (BenchLocalRecord, 1);
  g_autoptr(DcmFile) file = NULL;
  DcmReadOptions opts;
  GStatBuf st;
  DcmDataSet *ds;

  dcm_read_options_init (&opts);
  opts.stop_at_tag = DCM_TAG_ROWS;
  file = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, error);
  if (file == NULL)
    return NULL;
  ds = dcm_file_get_data_set (file);
  record->path = g_strdup (path);
  if (g_stat (path, &st) == 0)
    {
      record->size = (guint64) st.st_size;
      record->received = st.st_mtime;
    }
  record->calling_ae_title = g_strdup (calling_ae_title);
  record->study_uid = dup_or_empty (ds, DCM_TAG_STUDY_INSTANCE_UID);
  record->series_uid = dup_or_empty (ds, DCM_TAG_SERIES_INSTANCE_UID);
  record->sop_class_uid = dup_or_empty (ds, DCM_TAG_SOP_CLASS_UID);
  record->sop_instance_uid = dup_or_empty (ds, DCM_TAG_SOP_INSTANCE_UID);
  record->transfer_syntax_uid = g_strdup (dcm_file_get_transfer_syntax_uid (file));
  fill_titles (record, ds);
  return g_steal_pointer (&record);
}

/* ---- entries ---- */

struct _BenchLocalEntry {
  GObject          parent_instance;

  BenchLocalLevel  level;
  char            *title;
  guint            n_instances;
  guint64          size;
  gint64           received;
  GPtrArray       *from;        /* char *, distinct */
  GHashTable      *paths;       /* counted paths */
  GPtrArray       *records;     /* a series': BenchLocalRecord */
  GListStore      *children;
};

G_DEFINE_FINAL_TYPE (BenchLocalEntry, bench_local_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_INSTANCES,
  PROP_SIZE,
  PROP_RECEIVED,
  PROP_FROM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bench_local_entry_finalize (GObject *object)
{
  BenchLocalEntry *self = BENCH_LOCAL_ENTRY (object);

  g_free (self->title);
  g_ptr_array_unref (self->from);
  g_hash_table_unref (self->paths);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (bench_local_entry_parent_class)->finalize (object);
}

static char *
format_received (gint64 when)
{
  g_autoptr(GDateTime) time = when > 0 ? g_date_time_new_from_unix_local (when) : NULL;

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static void
bench_local_entry_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BenchLocalEntry *self = BENCH_LOCAL_ENTRY (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_INSTANCES:
      g_value_take_string (value, g_strdup_printf ("%u", self->n_instances));
      break;
    case PROP_SIZE:
      g_value_take_string (value, g_format_size (self->size));
      break;
    case PROP_RECEIVED:
      g_value_take_string (value, format_received (self->received));
      break;
    case PROP_FROM:
      g_ptr_array_add (self->from, NULL);
      g_value_take_string (value, g_strjoinv (", ", (char **) self->from->pdata));
      g_ptr_array_remove_index (self->from, self->from->len - 1);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_local_entry_class_init (BenchLocalEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bench_local_entry_finalize;
  object_class->get_property = bench_local_entry_get_property;
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_INSTANCES] = g_param_spec_string ("instances", NULL, NULL, NULL, flags);
  properties[PROP_SIZE] = g_param_spec_string ("size", NULL, NULL, NULL, flags);
  properties[PROP_RECEIVED] = g_param_spec_string ("received", NULL, NULL, NULL, flags);
  properties[PROP_FROM] = g_param_spec_string ("from", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bench_local_entry_init (BenchLocalEntry *self)
{
  self->from = g_ptr_array_new_with_free_func (g_free);
  self->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

BenchLocalEntry *
bench_local_entry_new (BenchLocalLevel level, const char *title)
{
  BenchLocalEntry *self = g_object_new (BENCH_TYPE_LOCAL_ENTRY, NULL);

  self->level = level;
  self->title = g_strdup (title);
  if (level == BENCH_LOCAL_SERIES)
    self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_local_record_free);
  else
    self->children = g_list_store_new (BENCH_TYPE_LOCAL_ENTRY);
  return self;
}

BenchLocalLevel
bench_local_entry_get_level (BenchLocalEntry *entry)
{
  return entry->level;
}

const char *
bench_local_entry_get_title (BenchLocalEntry *entry)
{
  return entry->title;
}

guint
bench_local_entry_get_n_instances (BenchLocalEntry *entry)
{
  return entry->n_instances;
}

guint64
bench_local_entry_get_size (BenchLocalEntry *entry)
{
  return entry->size;
}

GListStore *
bench_local_entry_get_children (BenchLocalEntry *entry)
{
  return entry->children;
}

static gboolean
has_string (GPtrArray *strings, const char *text)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_strcmp0 (strings->pdata[i], text) == 0)
      return TRUE;
  return FALSE;
}

static BenchLocalRecord *
record_copy (const BenchLocalRecord *record)
{
  BenchLocalRecord *copy = g_memdup2 (record, sizeof *record);

  copy->path = g_strdup (record->path);
  copy->calling_ae_title = g_strdup (record->calling_ae_title);
  copy->patient_key = g_strdup (record->patient_key);
  copy->patient_title = g_strdup (record->patient_title);
  copy->study_uid = g_strdup (record->study_uid);
  copy->study_title = g_strdup (record->study_title);
  copy->series_uid = g_strdup (record->series_uid);
  copy->series_title = g_strdup (record->series_title);
  copy->sop_class_uid = g_strdup (record->sop_class_uid);
  copy->sop_instance_uid = g_strdup (record->sop_instance_uid);
  copy->transfer_syntax_uid = g_strdup (record->transfer_syntax_uid);
  return copy;
}

void
bench_local_entry_add (BenchLocalEntry *entry, const BenchLocalRecord *record)
{
  if (g_hash_table_contains (entry->paths, record->path))
    return;
  if (entry->records != NULL)
    g_ptr_array_add (entry->records, record_copy (record));
  g_hash_table_add (entry->paths, g_strdup (record->path));
  g_object_freeze_notify (G_OBJECT (entry));
  entry->n_instances++;
  entry->size += record->size;
  g_object_notify_by_pspec (G_OBJECT (entry), properties[PROP_INSTANCES]);
  g_object_notify_by_pspec (G_OBJECT (entry), properties[PROP_SIZE]);
  if (record->received > entry->received)
    {
      entry->received = record->received;
      g_object_notify_by_pspec (G_OBJECT (entry), properties[PROP_RECEIVED]);
    }
  if (record->calling_ae_title != NULL && !has_string (entry->from, record->calling_ae_title))
    {
      g_ptr_array_add (entry->from, g_strdup (record->calling_ae_title));
      g_object_notify_by_pspec (G_OBJECT (entry), properties[PROP_FROM]);
    }
  g_object_thaw_notify (G_OBJECT (entry));
}

void
bench_local_entry_collect (BenchLocalEntry *entry, GPtrArray *records)
{
  if (entry->records != NULL)
    {
      for (guint i = 0; i < entry->records->len; i++)
        g_ptr_array_add (records, entry->records->pdata[i]);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (entry->children)); i++)
    {
      g_autoptr(BenchLocalEntry) child = g_list_model_get_item (G_LIST_MODEL (entry->children), i);

      bench_local_entry_collect (child, records);
    }
}
