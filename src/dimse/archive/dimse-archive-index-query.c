/* dimse-archive-index-query.c — C-FIND over the index (PS3.4 §C.4.1.3)
 * and the instances of a C-MOVE or C-GET (§C.4.2.2.1, §C.4.3.2.1) */
#include "config.h"

#include <string.h>

#include "dimse-archive-index-private.h"
#include "dimse-error.h"
#include "dcm-tags.h"

typedef struct {
  DimseMatchKey *key;
  AttrLevel      level;     /* the record that holds it */
  gboolean       computed;
} QueryKey;

typedef struct {
  DimseQrModel  model;
  DimseQrLevel  level;
  DimseQrFindFlags flags;
  DimseCombinedDateTime combined;
  GArray       *keys;       /* QueryKey, identifier order */
  /* the unique keys (pointers into keys), NULL when absent */
  DimseMatchKey *patient_id;
  DimseMatchKey *study_uid;
  DimseMatchKey *series_uid;
  DimseMatchKey *sop_uid;
} Query;

typedef struct {
  Patient    *patient;
  Study      *study;
  Series     *series;
  Instance   *instance;
  DcmDataSet *instance_attrs;
} Hit;

static void
query_key_clear (gpointer data)
{
  dimse_match_key_free (((QueryKey *) data)->key);
}

static void
query_clear (Query *q)
{
  g_clear_pointer (&q->keys, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Query, query_clear)

static void
hit_clear (gpointer data)
{
  g_clear_pointer (&((Hit *) data)->instance_attrs, dcm_data_set_unref);
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID, message);
  return FALSE;
}

static gboolean
parse_level (Query *q, DcmDataSet *identifier, GError **error)
{
  g_autofree char *text = NULL;

  if (!dcm_data_set_contains (identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL))
    return invalid (error, "The identifier has no Query/Retrieve Level (0008,0052), which "
                    "PS3.4 §C.4.1.2.1 requires.");
  text = dcm_data_set_dup_string (identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  if (!dimse_qr_level_parse (text, &q->level))
    return invalid (error, "The Query/Retrieve Level (0008,0052) “%s” is not PATIENT, STUDY, "
                    "SERIES or IMAGE.", text != NULL ? text : "");
  if (q->model == DIMSE_QR_MODEL_STUDY_ROOT && q->level == DIMSE_QR_LEVEL_PATIENT)
    return invalid (error, "The Query/Retrieve Level (0008,0052) PATIENT does not exist in the "
                    "Study Root information model (PS3.4 §C.6.2).");
  return TRUE;
}

static void
note_unique (Query *q, DimseMatchKey *key)
{
  switch (dimse_match_key_get_tag (key))
    {
    case DCM_TAG_PATIENT_ID: q->patient_id = key; break;
    case DCM_TAG_STUDY_INSTANCE_UID: q->study_uid = key; break;
    case DCM_TAG_SERIES_INSTANCE_UID: q->series_uid = key; break;
    case DCM_TAG_SOP_INSTANCE_UID: q->sop_uid = key; break;
    default: break;
    }
}

static gboolean
parse_query (Query *q, DimseQrModel model, DcmDataSet *identifier, GError **error)
{
  DimseMatchFlags match_flags = (q->flags & DIMSE_QR_FIND_FUZZY_PN) ? DIMSE_MATCH_FUZZY_PN
                                                                    : DIMSE_MATCH_DEFAULT;

  q->model = model;
  q->keys = g_array_new (FALSE, TRUE, sizeof (QueryKey));
  g_array_set_clear_func (q->keys, query_key_clear);
  if (!parse_level (q, identifier, error))
    return FALSE;
  for (guint i = 0; i < dcm_data_set_n_elements (identifier); i++)
    {
      const DcmElement *el = dcm_data_set_nth (identifier, i);
      QueryKey qk;

      if ((el->tag & 0xffff) == 0 || el->tag == DCM_TAG_SPECIFIC_CHARACTER_SET
          || el->tag == DCM_TAG_QUERY_RETRIEVE_LEVEL)
        continue;
      if ((qk.key = dimse_match_key_new_full (identifier, el, match_flags, error)) == NULL)
        return FALSE;
      qk.level = dimse_archive_attr_level (el->tag);
      qk.computed = dimse_archive_attr_is_computed (el->tag);
      g_array_append_val (q->keys, qk);
      note_unique (q, qk.key);
      dimse_combined_date_time_add_key (&q->combined, qk.key);
    }
  return TRUE;
}

static gboolean
require_single (DimseMatchKey *key, guint32 tag, DimseQrLevel level, GError **error)
{
  g_autofree char *name = NULL;

  if (key != NULL && dimse_match_key_is_single_value (key))
    return TRUE;
  name = dcm_describe_tag (tag);
  return invalid (error, "Hierarchical search at the %s level needs %s with a single value "
                  "(PS3.4 §C.4.1.3.1), and the identifier %s.", dimse_qr_level_to_string (level),
                  name, key == NULL ? "has none" : "has no single value");
}

/* PS3.4 §C.4.1.3.1: the unique keys of the levels above the query level;
 * relational search (§C.4.1.3.2), once negotiated, asks for none. */
static gboolean
check_hierarchy (Query *q, GError **error)
{
  if (q->flags & DIMSE_QR_FIND_RELATIONAL)
    return TRUE;
  if (q->model == DIMSE_QR_MODEL_PATIENT_ROOT && q->level >= DIMSE_QR_LEVEL_STUDY
      && !require_single (q->patient_id, DCM_TAG_PATIENT_ID, q->level, error))
    return FALSE;
  if (q->level >= DIMSE_QR_LEVEL_SERIES
      && !require_single (q->study_uid, DCM_TAG_STUDY_INSTANCE_UID, q->level, error))
    return FALSE;
  return q->level < DIMSE_QR_LEVEL_IMAGE
         || require_single (q->series_uid, DCM_TAG_SERIES_INSTANCE_UID, q->level, error);
}

/* ---- computed attributes (PS3.4 C.6.1.1, C.6.2.1) ---- */

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* Modalities (or SOP classes) in a study, sorted and distinct. */
static GPtrArray *
study_distinct (Study *study, gboolean sop_classes)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < study->series->len; i++)
    {
      Series *series = g_ptr_array_index (study->series, i);
      const DimseMatchValues *modality = dimse_archive_level_lookup (&series->level,
                                                                     DCM_TAG_MODALITY);
      const char * const *values = modality != NULL ? dimse_match_values_get (modality) : NULL;

      for (guint j = 0; sop_classes && j < series->instances->len; j++)
        {
          Instance *instance = g_ptr_array_index (series->instances, j);
          if (g_hash_table_add (seen, instance->info.sop_class_uid))
            g_ptr_array_add (out, instance->info.sop_class_uid);
        }
      for (guint j = 0; !sop_classes && values != NULL && values[j] != NULL; j++)
        if (values[j][0] != '\0' && g_hash_table_add (seen, (gpointer) values[j]))
          g_ptr_array_add (out, (gpointer) values[j]);
    }
  g_ptr_array_sort (out, compare_strings);
  g_ptr_array_add (out, NULL);
  return out;
}

static gboolean
computed_matches (const QueryKey *qk, const Hit *hit)
{
  guint32 tag = dimse_match_key_get_tag (qk->key);
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (DimseMatchValues) prepared = NULL;

  /* The counts are return keys only; Modalities and SOP Classes in Study
   * match as multi-valued attributes. */
  if (tag != DCM_TAG_MODALITIES_IN_STUDY && tag != DCM_TAG_SOP_CLASSES_IN_STUDY)
    return TRUE;
  values = study_distinct (hit->study, tag == DCM_TAG_SOP_CLASSES_IN_STUDY);
  prepared = dimse_match_values_new_strv (dimse_match_key_get_vr (qk->key),
                                          (const char * const *) values->pdata);
  return dimse_match_key_matches_values (qk->key, prepared);
}

static LevelAttrs *
hit_level (const Hit *hit, AttrLevel level)
{
  switch (level)
    {
    case ATTR_LEVEL_PATIENT: return &hit->patient->level;
    case ATTR_LEVEL_STUDY: return &hit->study->level;
    case ATTR_LEVEL_SERIES: return &hit->series->level;
    default: return NULL;
    }
}

/* Whether the record of level in hit matches every key held there. */
static gboolean
level_matches (const Query *q, const Hit *hit, AttrLevel level)
{
  for (guint i = 0; i < q->keys->len; i++)
    {
      const QueryKey *qk = &g_array_index (q->keys, QueryKey, i);
      LevelAttrs *attrs;

      if (qk->level != level || (DimseQrLevel) qk->level > q->level
          || dimse_match_key_is_universal (qk->key)
          || dimse_combined_date_time_holds (&q->combined, qk->key))
        continue;
      if (qk->computed)
        {
          if (!computed_matches (qk, hit))
            return FALSE;
          continue;
        }
      if (level == ATTR_LEVEL_IMAGE)
        {
          if (!dimse_match_key_matches (qk->key, hit->instance_attrs))
            return FALSE;
          continue;
        }
      attrs = hit_level (hit, level);
      if (dimse_match_key_get_vr (qk->key) == DCM_VR_SQ
          ? !dimse_match_key_matches (qk->key, attrs->attrs)
          : !dimse_match_key_matches_values (qk->key,
                                             dimse_archive_level_lookup (attrs,
                                                                         dimse_match_key_get_tag (qk->key))))
        return FALSE;
    }
  return level == ATTR_LEVEL_IMAGE
         || dimse_combined_date_time_matches (&q->combined, hit_level (hit, level), level);
}

/* ---- walking the tree ---- */

static void
add_hit (GArray *hits, Hit *hit)
{
  Hit copy = *hit;

  if (copy.instance_attrs != NULL)
    dcm_data_set_ref (copy.instance_attrs);
  g_array_append_val (hits, copy);
}

static void
walk_series (const Query *q, Hit *hit, GArray *hits)
{
  if (!level_matches (q, hit, ATTR_LEVEL_SERIES))
    return;
  if (q->level == DIMSE_QR_LEVEL_SERIES)
    {
      add_hit (hits, hit);
      return;
    }
  for (guint i = 0; i < hit->series->instances->len; i++)
    {
      hit->instance = g_ptr_array_index (hit->series->instances, i);
      hit->instance_attrs = dimse_archive_instance_attrs (hit->instance);
      if (level_matches (q, hit, ATTR_LEVEL_IMAGE))
        add_hit (hits, hit);
      g_clear_pointer (&hit->instance_attrs, dcm_data_set_unref);
    }
  hit->instance = NULL;
}

static void
walk_study (const Query *q, Tree *tree, Hit *hit, GArray *hits)
{
  if (!level_matches (q, hit, ATTR_LEVEL_STUDY))
    return;
  if (q->level == DIMSE_QR_LEVEL_STUDY)
    {
      add_hit (hits, hit);
      return;
    }
  if (q->level == DIMSE_QR_LEVEL_IMAGE && q->series_uid != NULL
      && dimse_match_key_is_single_value (q->series_uid))
    {
      /* One series named, as hierarchical search always does. */
      hit->series = g_hash_table_lookup (tree->series,
                                         dimse_match_key_get_values (q->series_uid)[0]);
      if (hit->series != NULL && hit->series->study == hit->study)
        walk_series (q, hit, hits);
      hit->series = NULL;
      return;
    }
  for (guint i = 0; i < hit->study->series->len; i++)
    {
      hit->series = g_ptr_array_index (hit->study->series, i);
      walk_series (q, hit, hits);
    }
  hit->series = NULL;
}

static gboolean
walk_patient (const Query *q, Tree *tree, Hit *hit, GArray *hits, GCancellable *cancellable,
              GError **error)
{
  if (!level_matches (q, hit, ATTR_LEVEL_PATIENT))
    return TRUE;
  if (q->level == DIMSE_QR_LEVEL_PATIENT)
    {
      add_hit (hits, hit);
      return TRUE;
    }
  for (guint i = 0; i < hit->patient->studies->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      hit->study = g_ptr_array_index (hit->patient->studies, i);
      walk_study (q, tree, hit, hits);
    }
  hit->study = NULL;
  return TRUE;
}

static gboolean
walk (const Query *q, Tree *tree, GArray *hits, GCancellable *cancellable, GError **error)
{
  Hit hit = { 0 };
  GHashTableIter iter;

  if (q->level >= DIMSE_QR_LEVEL_SERIES && q->study_uid != NULL
      && dimse_match_key_is_single_value (q->study_uid))
    {
      /* One study named, as hierarchical search always does: start there. */
      hit.study = g_hash_table_lookup (tree->studies, dimse_match_key_get_values (q->study_uid)[0]);
      if (hit.study == NULL)
        return TRUE;
      hit.patient = hit.study->patient;
      if (level_matches (q, &hit, ATTR_LEVEL_PATIENT))
        walk_study (q, tree, &hit, hits);
      return !g_cancellable_set_error_if_cancelled (cancellable, error);
    }
  g_hash_table_iter_init (&iter, tree->patients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &hit.patient))
    if (!walk_patient (q, tree, &hit, hits, cancellable, error))
      return FALSE;
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* ---- the stable order: patient ID, study date and time, series number,
 * instance number, then UIDs ---- */

static gint
compare_ints (gint a, gint b)
{
  return a < b ? -1 : a > b;
}

static gint
compare_hits (gconstpointer pa, gconstpointer pb)
{
  const Hit *a = pa, *b = pb;
  gint c;

  if ((c = strcmp (a->patient->patient_id, b->patient->patient_id)) != 0 || a->study == NULL)
    return c;
  if ((c = strcmp (a->study->study_date, b->study->study_date)) != 0
      || (c = strcmp (a->study->study_time, b->study->study_time)) != 0
      || (c = strcmp (a->study->study_instance_uid, b->study->study_instance_uid)) != 0
      || a->series == NULL)
    return c;
  if ((c = compare_ints (a->series->series_number, b->series->series_number)) != 0
      || (c = strcmp (a->series->series_instance_uid, b->series->series_instance_uid)) != 0
      || a->instance == NULL)
    return c;
  if ((c = compare_ints (a->instance->instance_number, b->instance->instance_number)) != 0)
    return c;
  return strcmp (a->instance->info.sop_instance_uid, b->instance->info.sop_instance_uid);
}

/* ---- responses ---- */

static DcmDataSet *
hit_source (const Hit *hit, AttrLevel level)
{
  return level == ATTR_LEVEL_IMAGE ? hit->instance_attrs : hit_level (hit, level)->attrs;
}

static void
set_count (DcmDataSet *response, guint32 tag, guint n)
{
  g_autofree char *text = g_strdup_printf ("%u", n);

  dcm_data_set_set_string (response, tag, DCM_VR_IS, text, NULL);
}

static void
put_computed (const QueryKey *qk, const Hit *hit, DcmDataSet *response)
{
  guint32 tag = dimse_match_key_get_tag (qk->key);
  g_autoptr (GPtrArray) values = NULL;

  switch (tag)
    {
    case DCM_TAG_NUMBER_OF_PATIENT_RELATED_STUDIES:
      set_count (response, tag, hit->patient->studies->len);
      return;
    case DCM_TAG_NUMBER_OF_PATIENT_RELATED_SERIES:
      set_count (response, tag, hit->patient->n_series);
      return;
    case DCM_TAG_NUMBER_OF_PATIENT_RELATED_INSTANCES:
      set_count (response, tag, hit->patient->n_instances);
      return;
    case DCM_TAG_NUMBER_OF_STUDY_RELATED_SERIES:
      set_count (response, tag, hit->study->series->len);
      return;
    case DCM_TAG_NUMBER_OF_STUDY_RELATED_INSTANCES:
      set_count (response, tag, hit->study->n_instances);
      return;
    case DCM_TAG_NUMBER_OF_SERIES_RELATED_INSTANCES:
      set_count (response, tag, hit->series->instances->len);
      return;
    case DCM_TAG_MODALITIES_IN_STUDY:
    case DCM_TAG_SOP_CLASSES_IN_STUDY:
      values = study_distinct (hit->study, tag == DCM_TAG_SOP_CLASSES_IN_STUDY);
      if (values->len > 1)
        dcm_data_set_set_strings (response, tag, DCM_VR_NONE,
                                  (const char * const *) values->pdata, NULL);
      else
        dcm_data_set_insert (response, tag, DCM_VR_NONE);
      return;
    case DCM_TAG_INSTANCE_AVAILABILITY:
      dcm_data_set_set_string (response, tag, DCM_VR_CS, "ONLINE", NULL);
      return;
    default:
      /* Retrieve AE Title: the SCP fills it in, knowing its own title. */
      dcm_data_set_insert (response, tag, dimse_match_key_get_vr (qk->key));
      return;
    }
}

static gboolean
key_is_returned (const Query *q, const QueryKey *qk)
{
  guint32 tag = dimse_match_key_get_tag (qk->key);

  /* These two belong to every level (PS3.4 C.6.1.1.2). */
  if (tag == DCM_TAG_RETRIEVE_AE_TITLE || tag == DCM_TAG_INSTANCE_AVAILABILITY)
    return TRUE;
  return (DimseQrLevel) qk->level <= q->level;
}

/* The response's character set: the records' one when every value that
 * needs one comes from records sharing it, else ISO_IR 192 with those
 * values converted. Returns whether to convert. */
static gboolean
choose_charset (const Query *q, const Hit *hit, DcmDataSet *response)
{
  const DcmElement *chosen = NULL;
  const char *chosen_value = NULL;

  for (guint i = 0; i < q->keys->len; i++)
    {
      const QueryKey *qk = &g_array_index (q->keys, QueryKey, i);
      DcmDataSet *source;
      const char *value;

      if (qk->computed || !key_is_returned (q, qk))
        continue;
      source = hit_source (hit, qk->level);
      if (!dimse_match_key_needs_charset (qk->key, source))
        continue;
      value = dcm_charset_get_value (dcm_data_set_get_charset (source));
      if (chosen_value == NULL)
        {
          chosen_value = value;
          chosen = dcm_data_set_lookup (source, DCM_TAG_SPECIFIC_CHARACTER_SET);
        }
      else if (!g_str_equal (chosen_value, value))
        {
          dcm_data_set_set_string (response, DCM_TAG_SPECIFIC_CHARACTER_SET, DCM_VR_CS,
                                   "ISO_IR 192", NULL);
          return TRUE;
        }
    }
  if (chosen != NULL)
    dimse_match_copy_element (response, chosen);
  return FALSE;
}

static DcmDataSet *
build_response (const Query *q, const Hit *hit)
{
  DcmDataSet *response = dcm_data_set_new ();
  gboolean to_utf8 = choose_charset (q, hit, response);

  dcm_data_set_set_string (response, DCM_TAG_QUERY_RETRIEVE_LEVEL, DCM_VR_CS,
                           dimse_qr_level_to_string (q->level), NULL);
  for (guint i = 0; i < q->keys->len; i++)
    {
      const QueryKey *qk = &g_array_index (q->keys, QueryKey, i);

      if (!key_is_returned (q, qk))
        dcm_data_set_insert (response, dimse_match_key_get_tag (qk->key),
                             dimse_match_key_get_vr (qk->key));
      else if (qk->computed)
        put_computed (qk, hit, response);
      else
        dimse_match_key_copy_value (qk->key, hit_source (hit, qk->level), response, to_utf8);
    }
  return response;
}

GPtrArray *
dimse_archive_tree_find (Tree *tree, DimseQrModel model, DcmDataSet *identifier,
                         DimseQrFindFlags flags, guint max_results, GCancellable *cancellable,
                         GError **error)
{
  g_auto (Query) q = { .flags = flags };
  g_autoptr (GArray) hits = g_array_new (FALSE, TRUE, sizeof (Hit));
  GPtrArray *responses;
  guint n;

  g_array_set_clear_func (hits, hit_clear);
  if (!parse_query (&q, model, identifier, error) || !check_hierarchy (&q, error))
    return NULL;
  if (flags & DIMSE_QR_FIND_COMBINED_DATETIME)
    dimse_combined_date_time_prepare (&q.combined, (AttrLevel) q.level);
  if (!walk (&q, tree, hits, cancellable, error))
    return NULL;
  g_array_sort (hits, compare_hits);
  n = max_results > 0 ? MIN (max_results, hits->len) : hits->len;
  responses = g_ptr_array_new_full (n, (GDestroyNotify) dcm_data_set_unref);
  for (guint i = 0; i < n; i++)
    {
      if (i % 64 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_ptr_array_unref (responses);
          return NULL;
        }
      g_ptr_array_add (responses, build_response (&q, &g_array_index (hits, Hit, i)));
    }
  return responses;
}

/* ---- C-MOVE and C-GET ---- */

static gboolean
require_values (DimseMatchKey *key, guint32 tag, DimseQrLevel level, GError **error)
{
  const char * const *values = key != NULL ? dimse_match_key_get_values (key) : NULL;
  g_autofree char *name = NULL;

  if (values != NULL && values[0] != NULL)
    {
      for (guint i = 0; values[i] != NULL; i++)
        if (strpbrk (values[i], "*?") != NULL)
          goto fail;
      return TRUE;
    }
fail:
  name = dcm_describe_tag (tag);
  return invalid (error, "A retrieval at the %s level needs %s with one value or a list of "
                  "values, without wild cards (PS3.4 §C.4.2.2.1).",
                  dimse_qr_level_to_string (level), name);
}

static DimseMatchKey *
level_unique_key (const Query *q, DimseQrLevel level, guint32 *out_tag)
{
  static const guint32 tags[] = {
    DCM_TAG_PATIENT_ID, DCM_TAG_STUDY_INSTANCE_UID, DCM_TAG_SERIES_INSTANCE_UID,
    DCM_TAG_SOP_INSTANCE_UID,
  };
  DimseMatchKey *keys[] = { q->patient_id, q->study_uid, q->series_uid, q->sop_uid };

  *out_tag = tags[level];
  return keys[level];
}

/* Whether value is one of key's values (a key above the query level has
 * exactly one; no key at all means no constraint). */
static gboolean
key_allows (DimseMatchKey *key, const char *value)
{
  const char * const *values;

  if (key == NULL)
    return TRUE;
  values = dimse_match_key_get_values (key);
  return g_strv_contains (values, value);
}

static void
select_series (Series *series, const Query *q, GArray *hits)
{
  for (guint i = 0; i < series->instances->len; i++)
    {
      Instance *instance = g_ptr_array_index (series->instances, i);
      Hit hit = { series->study->patient, series->study, series, instance, NULL };

      if (q->level < DIMSE_QR_LEVEL_IMAGE || key_allows (q->sop_uid, instance->info.sop_instance_uid))
        g_array_append_val (hits, hit);
    }
}

static void
select_study (Study *study, const Query *q, GArray *hits)
{
  if (!key_allows (q->patient_id, study->patient->patient_id))
    return;
  for (guint i = 0; i < study->series->len; i++)
    {
      Series *series = g_ptr_array_index (study->series, i);

      if (q->level < DIMSE_QR_LEVEL_SERIES
          || key_allows (q->series_uid, series->series_instance_uid))
        select_series (series, q, hits);
    }
}

static void
select_instances (Tree *tree, const Query *q, GArray *hits)
{
  const char * const *values;

  if (q->level == DIMSE_QR_LEVEL_PATIENT)
    {
      values = dimse_match_key_get_values (q->patient_id);
      for (guint i = 0; values[i] != NULL; i++)
        {
          Patient *patient = g_hash_table_lookup (tree->patients, values[i]);

          for (guint j = 0; patient != NULL && j < patient->studies->len; j++)
            select_study (g_ptr_array_index (patient->studies, j), q, hits);
        }
      return;
    }
  values = dimse_match_key_get_values (q->study_uid);
  for (guint i = 0; values[i] != NULL; i++)
    {
      Study *study = g_hash_table_lookup (tree->studies, values[i]);

      if (study != NULL)
        select_study (study, q, hits);
    }
}

static gboolean
check_retrieve_keys (const Query *q, GError **error)
{
  guint32 tag;
  DimseMatchKey *key = level_unique_key (q, q->level, &tag);

  if (!require_values (key, tag, q->level, error))
    return FALSE;
  /* The levels above: one value each (the patient level only in the
   * Patient Root model). */
  for (DimseQrLevel l = q->model == DIMSE_QR_MODEL_PATIENT_ROOT ? DIMSE_QR_LEVEL_PATIENT
                                                                : DIMSE_QR_LEVEL_STUDY;
       l < q->level; l++)
    {
      key = level_unique_key (q, l, &tag);
      if (!require_single (key, tag, q->level, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
dimse_archive_tree_select (Tree *tree, DimseQrModel model, DcmDataSet *identifier,
                           GError **error)
{
  g_auto (Query) q = { 0 };
  g_autoptr (GArray) hits = g_array_new (FALSE, TRUE, sizeof (Hit));
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  GPtrArray *instances;

  if (!parse_query (&q, model, identifier, error) || !check_retrieve_keys (&q, error))
    return NULL;
  select_instances (tree, &q, hits);
  g_array_sort (hits, compare_hits);
  instances = g_ptr_array_new_with_free_func ((GDestroyNotify) dimse_archive_instance_free);
  for (guint i = 0; i < hits->len; i++)
    {
      Instance *instance = g_array_index (hits, Hit, i).instance;

      /* A UID named twice in a list is sent once. */
      if (g_hash_table_add (seen, instance))
        g_ptr_array_add (instances, dimse_archive_instance_copy (&instance->info));
    }
  return instances;
}
