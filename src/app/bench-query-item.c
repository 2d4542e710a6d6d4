/* bench-query-item.c — one row of the query results */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-query-format.h"
#include "bench-query-item.h"
#include "dcm-tags.h"
#include "dcm-uid.h"

struct _BenchQueryItem {
  GObject          parent_instance;

  BenchQueryLevel  level;
  DcmDataSet      *match;
  GWeakRef         parent;
  char            *texts[BENCH_QUERY_N_COLUMNS];
  char            *keys[BENCH_QUERY_N_COLUMNS];  /* collation keys of the texts */
  gint64           number;     /* series or instance number, for ordering */
  gint64           count;      /* instances below, or rows × columns */
  char            *patient_id;
  char            *study_uid;
  char            *series_uid;
  char            *sop_instance_uid;

  GListStore              *children;
  BenchQueryChildrenState  children_state;
  char                    *children_error;
};

G_DEFINE_FINAL_TYPE (BenchQueryItem, bench_query_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CHILDREN_STATE,
  PROP_CHILDREN_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bench_query_item_finalize (GObject *object)
{
  BenchQueryItem *self = BENCH_QUERY_ITEM (object);

  for (guint i = 0; i < BENCH_QUERY_N_COLUMNS; i++)
    {
      g_free (self->texts[i]);
      g_free (self->keys[i]);
    }
  g_weak_ref_clear (&self->parent);
  g_clear_pointer (&self->match, dcm_data_set_unref);
  g_free (self->patient_id);
  g_free (self->study_uid);
  g_free (self->series_uid);
  g_free (self->sop_instance_uid);
  g_clear_object (&self->children);
  g_free (self->children_error);
  G_OBJECT_CLASS (bench_query_item_parent_class)->finalize (object);
}

static void
bench_query_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BenchQueryItem *self = BENCH_QUERY_ITEM (object);

  switch (prop_id)
    {
    case PROP_CHILDREN_STATE:
      g_value_set_uint (value, self->children_state);
      break;
    case PROP_CHILDREN_ERROR:
      g_value_set_string (value, self->children_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_query_item_class_init (BenchQueryItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bench_query_item_finalize;
  object_class->get_property = bench_query_item_get_property;
  properties[PROP_CHILDREN_STATE] =
    g_param_spec_uint ("children-state", NULL, NULL, 0, BENCH_QUERY_CHILDREN_FAILED,
                       BENCH_QUERY_CHILDREN_NOT_LOADED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHILDREN_ERROR] =
    g_param_spec_string ("children-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bench_query_item_init (BenchQueryItem *self)
{
  g_weak_ref_init (&self->parent, NULL);
}

/* ---- the columns ---- */

static char *
get_text (DcmDataSet *ds, guint32 tag)
{
  char *text = dcm_data_set_dup_string (ds, tag);

  return text != NULL ? text : g_strdup ("");
}

static char *
get_joined (DcmDataSet *ds, guint32 tag)
{
  g_auto(GStrv) values = dcm_data_set_get_strings (ds, tag, NULL);

  return values != NULL ? g_strjoinv (", ", values) : g_strdup ("");
}

static char *
get_name (DcmDataSet *ds, guint32 tag)
{
  g_autofree char *raw = dcm_data_set_dup_string (ds, tag);

  return bench_format_person_name (raw);
}

static char *
get_date (DcmDataSet *ds, guint32 tag)
{
  g_autofree char *raw = dcm_data_set_dup_string (ds, tag);

  return bench_format_date (raw);
}

static gint64
get_number (DcmDataSet *ds, guint32 tag)
{
  gint64 value = -1;

  if (!dcm_data_set_get_int64 (ds, tag, 0, &value, NULL))
    return -1;
  return value;
}

static void
fill_study (BenchQueryItem *self)
{
  DcmDataSet *ds = self->match;
  gint64 n_series = get_number (ds, DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES);
  g_autofree char *series_text = NULL;

  self->count = get_number (ds, DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES);
  self->texts[BENCH_QUERY_COLUMN_NAME] = get_name (ds, DCM_TAG_PATIENT_NAME);
  self->texts[BENCH_QUERY_COLUMN_PATIENT_ID] = get_text (ds, DCM_TAG_PATIENT_ID);
  self->texts[BENCH_QUERY_COLUMN_BIRTH_DATE] = get_date (ds, DCM_TAG_PATIENT_BIRTH_DATE);
  self->texts[BENCH_QUERY_COLUMN_DATE] = get_date (ds, DCM_TAG_STUDY_DATE);
  self->texts[BENCH_QUERY_COLUMN_DESCRIPTION] = get_text (ds, DCM_TAG_STUDY_DESCRIPTION);
  self->texts[BENCH_QUERY_COLUMN_MODALITY] = get_joined (ds, DCM_TAG_MODALITIES_IN_STUDY);
  self->texts[BENCH_QUERY_COLUMN_ACCESSION] = get_text (ds, DCM_TAG_ACCESSION_NUMBER);
  self->texts[BENCH_QUERY_COLUMN_REFERRING] = get_name (ds, DCM_TAG_REFERRING_PHYSICIAN_NAME);
  if (n_series >= 0)
    series_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u series", "%u series",
                                                (gulong) n_series), (guint) n_series);
  if (series_text != NULL && self->count >= 0)
    self->texts[BENCH_QUERY_COLUMN_COUNT] =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u instance", "%s · %u instances",
                                    (gulong) self->count), series_text, (guint) self->count);
  else if (series_text != NULL)
    self->texts[BENCH_QUERY_COLUMN_COUNT] = g_steal_pointer (&series_text);
  else if (self->count >= 0)
    self->texts[BENCH_QUERY_COLUMN_COUNT] =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance", "%u instances",
                                    (gulong) self->count), (guint) self->count);
  self->study_uid = dcm_data_set_dup_string (ds, DCM_TAG_STUDY_INSTANCE_UID);
}

static void
fill_series (BenchQueryItem *self)
{
  DcmDataSet *ds = self->match;

  self->number = get_number (ds, DCM_TAG_SERIES_NUMBER);
  self->count = get_number (ds, DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES);
  self->texts[BENCH_QUERY_COLUMN_NAME] =
    self->number >= 0 ? g_strdup_printf (_("Series %lld"), (long long) self->number)
                      : g_strdup (_("Series"));
  self->texts[BENCH_QUERY_COLUMN_DATE] = get_date (ds, DCM_TAG_SERIES_DATE);
  self->texts[BENCH_QUERY_COLUMN_DESCRIPTION] = get_text (ds, DCM_TAG_SERIES_DESCRIPTION);
  self->texts[BENCH_QUERY_COLUMN_MODALITY] = get_text (ds, DCM_TAG_MODALITY);
  if (self->count >= 0)
    self->texts[BENCH_QUERY_COLUMN_COUNT] =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance", "%u instances",
                                    (gulong) self->count), (guint) self->count);
  self->series_uid = dcm_data_set_dup_string (ds, DCM_TAG_SERIES_INSTANCE_UID);
}

static void
fill_instance (BenchQueryItem *self)
{
  DcmDataSet *ds = self->match;
  g_autofree char *sop_class = dcm_data_set_dup_string (ds, DCM_TAG_SOP_CLASS_UID);
  gint64 rows = get_number (ds, DCM_TAG_ROWS);
  gint64 columns = get_number (ds, DCM_TAG_COLUMNS);
  gint64 frames = get_number (ds, DCM_TAG_NUMBER_OF_FRAMES);

  self->number = get_number (ds, DCM_TAG_INSTANCE_NUMBER);
  self->texts[BENCH_QUERY_COLUMN_NAME] =
    self->number >= 0 ? g_strdup_printf (_("Instance %lld"), (long long) self->number)
                      : g_strdup (_("Instance"));
  self->texts[BENCH_QUERY_COLUMN_DESCRIPTION] =
    g_strdup (sop_class != NULL ? dcm_uid_name (sop_class) : "");
  if (rows > 0 && columns > 0)
    {
      self->count = rows * columns;
      self->texts[BENCH_QUERY_COLUMN_COUNT] =
        frames > 1 ? g_strdup_printf (_("%lld × %lld, %lld frames"), (long long) columns,
                                     (long long) rows, (long long) frames)
                   : g_strdup_printf ("%" G_GINT64_FORMAT " × %" G_GINT64_FORMAT, columns, rows);
    }
  self->sop_instance_uid = dcm_data_set_dup_string (ds, DCM_TAG_SOP_INSTANCE_UID);
}

BenchQueryItem *
bench_query_item_new (BenchQueryLevel level, DcmDataSet *match, BenchQueryItem *parent)
{
  BenchQueryItem *self = g_object_new (BENCH_TYPE_QUERY_ITEM, NULL);

  self->level = level;
  self->match = dcm_data_set_ref (match);
  g_weak_ref_set (&self->parent, parent);
  self->patient_id = dcm_data_set_dup_string (match, DCM_TAG_PATIENT_ID);
  if (self->patient_id == NULL && parent != NULL && parent->patient_id != NULL)
    self->patient_id = g_strdup (parent->patient_id);
  if (parent != NULL)
    {
      self->study_uid = g_strdup (parent->study_uid);
      self->series_uid = g_strdup (parent->series_uid);
    }
  if (level == BENCH_QUERY_LEVEL_STUDY)
    fill_study (self);
  else if (level == BENCH_QUERY_LEVEL_SERIES)
    {
      g_clear_pointer (&self->series_uid, g_free);
      fill_series (self);
    }
  else
    fill_instance (self);
  if (self->study_uid == NULL)
    self->study_uid = dcm_data_set_dup_string (match, DCM_TAG_STUDY_INSTANCE_UID);
  if (self->series_uid == NULL && level == BENCH_QUERY_LEVEL_INSTANCE)
    self->series_uid = dcm_data_set_dup_string (match, DCM_TAG_SERIES_INSTANCE_UID);
  for (guint i = 0; i < BENCH_QUERY_N_COLUMNS; i++)
    {
      if (self->texts[i] == NULL)
        self->texts[i] = g_strdup ("");
      self->keys[i] = g_utf8_collate_key (self->texts[i], -1);
    }
  return self;
}

BenchQueryLevel
bench_query_item_get_level (BenchQueryItem *item)
{
  return item->level;
}

DcmDataSet *
bench_query_item_get_match (BenchQueryItem *item)
{
  return item->match;
}

BenchQueryItem *
bench_query_item_get_parent (BenchQueryItem *item)
{
  g_autoptr(BenchQueryItem) parent = g_weak_ref_get (&item->parent);

  /* The parent outlives its children: it holds them. */
  return parent;
}

const char *
bench_query_item_get_text (BenchQueryItem *item, BenchQueryColumn column)
{
  g_return_val_if_fail (column < BENCH_QUERY_N_COLUMNS, "");
  return item->texts[column];
}

int
bench_query_item_compare (BenchQueryItem *a, BenchQueryItem *b, BenchQueryColumn column)
{
  gint64 x, y;

  if (column == BENCH_QUERY_COLUMN_COUNT)
    {
      x = a->count;
      y = b->count;
    }
  else if (column == BENCH_QUERY_COLUMN_NAME && a->level != BENCH_QUERY_LEVEL_STUDY)
    {
      x = a->number;
      y = b->number;
    }
  else
    return g_strcmp0 (a->keys[column], b->keys[column]);
  return x < y ? -1 : x > y ? 1 : 0;
}

const char *
bench_query_item_get_patient_id (BenchQueryItem *item)
{
  return item->patient_id;
}

const char *
bench_query_item_get_study_uid (BenchQueryItem *item)
{
  return item->study_uid;
}

const char *
bench_query_item_get_series_uid (BenchQueryItem *item)
{
  return item->series_uid;
}

const char *
bench_query_item_get_sop_instance_uid (BenchQueryItem *item)
{
  return item->sop_instance_uid;
}

char *
bench_query_item_describe (BenchQueryItem *item)
{
  BenchQueryItem *study = item;
  const char *what;
  const char *date;

  while (study->level != BENCH_QUERY_LEVEL_STUDY && bench_query_item_get_parent (study) != NULL)
    study = bench_query_item_get_parent (study);
  what = *item->texts[BENCH_QUERY_COLUMN_DESCRIPTION] != '\0'
         ? item->texts[BENCH_QUERY_COLUMN_DESCRIPTION] : item->texts[BENCH_QUERY_COLUMN_NAME];
  if (item->level == BENCH_QUERY_LEVEL_INSTANCE)
    what = item->texts[BENCH_QUERY_COLUMN_NAME];
  date = study->texts[BENCH_QUERY_COLUMN_DATE];
  if (study == item)
    return *date != '\0'
           ? g_strdup_printf (_("%s — %s (%s)"), study->texts[BENCH_QUERY_COLUMN_NAME], what, date)
           : g_strdup_printf (_("%s — %s"), study->texts[BENCH_QUERY_COLUMN_NAME], what);
  return g_strdup_printf (_("%s — %s, %s"), study->texts[BENCH_QUERY_COLUMN_NAME],
                          study->texts[BENCH_QUERY_COLUMN_DESCRIPTION], what);
}

DcmDataSet *
bench_query_item_build_retrieve_identifier (BenchQueryItem *item, gboolean patient_root)
{
  static const char *const levels[] = { "STUDY", "SERIES", "IMAGE" };
  DcmDataSet *ds = dcm_data_set_new ();

  dcm_data_set_set_string (ds, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_NONE, levels[item->level],
                           NULL);
  if (patient_root && item->patient_id != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_PATIENT_ID, DCM_VR_NONE, item->patient_id, NULL);
  if (item->study_uid != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, item->study_uid, NULL);
  if (item->level >= BENCH_QUERY_LEVEL_SERIES && item->series_uid != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE, item->series_uid,
                             NULL);
  if (item->level == BENCH_QUERY_LEVEL_INSTANCE && item->sop_instance_uid != NULL)
    dcm_data_set_set_string (ds, DCM_TAG_SOP_INSTANCE_UID, DCM_VR_NONE, item->sop_instance_uid,
                             NULL);
  return ds;
}

GListStore *
bench_query_item_get_children (BenchQueryItem *item)
{
  if (item->level == BENCH_QUERY_LEVEL_INSTANCE)
    return NULL;
  if (item->children == NULL)
    item->children = g_list_store_new (BENCH_TYPE_QUERY_ITEM);
  return item->children;
}

BenchQueryChildrenState
bench_query_item_get_children_state (BenchQueryItem *item)
{
  return item->children_state;
}

const char *
bench_query_item_get_children_error (BenchQueryItem *item)
{
  return item->children_error;
}

void
bench_query_item_set_children_state (BenchQueryItem *item, BenchQueryChildrenState state,
                                     const char *error)
{
  if (g_strcmp0 (item->children_error, error) != 0)
    {
      g_free (item->children_error);
      item->children_error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (item), properties[PROP_CHILDREN_ERROR]);
    }
  if (item->children_state != state)
    {
      item->children_state = state;
      g_object_notify_by_pspec (G_OBJECT (item), properties[PROP_CHILDREN_STATE]);
    }
}
