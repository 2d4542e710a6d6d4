/* dcm-data-set.c — the data set model (PS3.5 §7) */
#include "dcm-data-set-private.h"
#include "dcm-error.h"

/* What (0008,0005) of one data set parsed to, and the value it came from:
 * comparing the GBytes pointer (kept referenced) also catches values
 * changed through dcm_element_take_bytes, which does not know the data set.
 * A cache replaced that way stays alive (older) until the data set changes
 * (0008,0005) through its own functions or dies, since a concurrent reader
 * may still be looking at it. */
typedef struct _CharsetCache CharsetCache;
struct _CharsetCache {
  GBytes       *source;
  DcmCharset   *charset;  /* NULL: default repertoire */
  gboolean      unknown;  /* a term was not recognised: decode lossily */
  CharsetCache *older;
};

struct _DcmDataSet {
  gint          ref_count;
  GArray       *elements;  /* DcmElement, ascending tag */
  DcmDataSet   *parent;    /* weak: cleared when the parent drops the item */
  CharsetCache *charset_cache;
};

G_DEFINE_BOXED_TYPE (DcmDataSet, dcm_data_set, dcm_data_set_ref, dcm_data_set_unref)

static void
charset_cache_free (CharsetCache *cache)
{
  while (cache != NULL)
    {
      CharsetCache *older = cache->older;

      g_clear_pointer (&cache->source, g_bytes_unref);
      g_clear_pointer (&cache->charset, dcm_charset_free);
      g_free (cache);
      cache = older;
    }
}

/* Called by the functions that change (0008,0005), which nobody may call
 * while another thread reads ds. */
static void
invalidate_charset (DcmDataSet *ds, guint32 first, guint32 last)
{
  if (first <= DCM_TAG_SPECIFIC_CHARACTER_SET && DCM_TAG_SPECIFIC_CHARACTER_SET <= last)
    g_clear_pointer (&ds->charset_cache, charset_cache_free);
}

DcmDataSet *
dcm_data_set_new (void)
{
  DcmDataSet *ds = g_new0 (DcmDataSet, 1);

  ds->ref_count = 1;
  ds->elements = g_array_new (FALSE, FALSE, sizeof (DcmElement));
  return ds;
}

DcmDataSet *
dcm_data_set_ref (DcmDataSet *ds)
{
  g_return_val_if_fail (ds != NULL, NULL);
  g_atomic_int_inc (&ds->ref_count);
  return ds;
}

/* Frees el's value. Items whose parent is owner lose it (owner NULL: any
 * parent), so that an item that outlives its sequence holds no dangling
 * pointer. */
static void
element_clear (DcmDataSet *owner, DcmElement *el)
{
  switch (el->kind)
    {
    case DCM_VALUE_BYTES:
      g_bytes_unref (el->value.bytes);
      break;
    case DCM_VALUE_ITEMS:
      for (guint i = 0; i < el->value.items->len; i++)
        {
          DcmDataSet *item = g_ptr_array_index (el->value.items, i);
          if (owner == NULL || item->parent == owner)
            item->parent = NULL;
        }
      g_ptr_array_unref (el->value.items);
      break;
    case DCM_VALUE_FRAGMENTS:
      g_ptr_array_unref (el->value.fragments);
      break;
    case DCM_VALUE_BULK:
      dcm_bulk_ref_free (el->value.bulk);
      break;
    case DCM_VALUE_EMPTY:
      break;
    }
  el->kind = DCM_VALUE_EMPTY;
  el->value.bytes = NULL;
}

void
dcm_data_set_unref (DcmDataSet *ds)
{
  g_return_if_fail (ds != NULL);
  if (!g_atomic_int_dec_and_test (&ds->ref_count))
    return;
  for (guint i = 0; i < ds->elements->len; i++)
    element_clear (ds, &g_array_index (ds->elements, DcmElement, i));
  g_array_unref (ds->elements);
  charset_cache_free (ds->charset_cache);
  g_free (ds);
}

DcmBulkRef *
dcm_bulk_ref_copy (const DcmBulkRef *ref)
{
  DcmBulkRef *copy = g_new (DcmBulkRef, 1);

  *copy = *ref;
  copy->path = g_strdup (ref->path);
  copy->uri = g_strdup (ref->uri);
  return copy;
}

void
dcm_bulk_ref_free (DcmBulkRef *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->path);
  g_free (ref->uri);
  g_free (ref);
}

static GPtrArray *
items_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_data_set_unref);
}

static void
element_copy_value (DcmDataSet *owner, DcmElement *dst, const DcmElement *src)
{
  switch (src->kind)
    {
    case DCM_VALUE_BYTES:
      dst->value.bytes = g_bytes_ref (src->value.bytes);
      break;
    case DCM_VALUE_ITEMS:
      dst->value.items = items_new ();
      for (guint i = 0; i < src->value.items->len; i++)
        {
          DcmDataSet *item = dcm_data_set_copy (g_ptr_array_index (src->value.items, i));
          item->parent = owner;
          g_ptr_array_add (dst->value.items, item);
        }
      break;
    case DCM_VALUE_FRAGMENTS:
      dst->value.fragments = g_ptr_array_new_full (src->value.fragments->len,
                                                   (GDestroyNotify) g_bytes_unref);
      for (guint i = 0; i < src->value.fragments->len; i++)
        g_ptr_array_add (dst->value.fragments,
                         g_bytes_ref (g_ptr_array_index (src->value.fragments, i)));
      break;
    case DCM_VALUE_BULK:
      dst->value.bulk = dcm_bulk_ref_copy (src->value.bulk);
      break;
    case DCM_VALUE_EMPTY:
      break;
    }
}

/* The copy has no parent: it is a data set of its own. */
DcmDataSet *
dcm_data_set_copy (DcmDataSet *ds)
{
  DcmDataSet *copy = dcm_data_set_new ();

  g_array_set_size (copy->elements, ds->elements->len);
  for (guint i = 0; i < ds->elements->len; i++)
    {
      const DcmElement *src = &g_array_index (ds->elements, DcmElement, i);
      DcmElement *dst = &g_array_index (copy->elements, DcmElement, i);

      *dst = *src;
      element_copy_value (copy, dst, src);
    }
  return copy;
}

static gboolean
bytes_equal (GBytes *a, GBytes *b)
{
  return a == b || g_bytes_equal (a, b);
}

static gboolean
bulk_equal (const DcmBulkRef *a, const DcmBulkRef *b)
{
  if (a->uri != NULL || b->uri != NULL)
    return g_strcmp0 (a->uri, b->uri) == 0;
  return a->length == b->length && a->offset == b->offset
         && a->big_endian == b->big_endian && g_strcmp0 (a->path, b->path) == 0;
}

static gboolean
ptr_arrays_equal (GPtrArray *a, GPtrArray *b, gboolean items)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      gpointer x = g_ptr_array_index (a, i), y = g_ptr_array_index (b, i);
      if (items ? !dcm_data_set_equal (x, y) : !bytes_equal (x, y))
        return FALSE;
    }
  return TRUE;
}

/* A sequence without items and a zero-length value are the same value. */
static DcmValueKind
effective_kind (const DcmElement *el)
{
  if (el->kind == DCM_VALUE_ITEMS && el->value.items->len == 0)
    return DCM_VALUE_EMPTY;
  return el->kind;
}

static gboolean
elements_equal (const DcmElement *a, const DcmElement *b)
{
  if (a->tag != b->tag || a->vr != b->vr || effective_kind (a) != effective_kind (b))
    return FALSE;
  switch (effective_kind (a))
    {
    case DCM_VALUE_BYTES:
      return bytes_equal (a->value.bytes, b->value.bytes);
    case DCM_VALUE_ITEMS:
      return ptr_arrays_equal (a->value.items, b->value.items, TRUE);
    case DCM_VALUE_FRAGMENTS:
      return ptr_arrays_equal (a->value.fragments, b->value.fragments, FALSE);
    case DCM_VALUE_BULK:
      return bulk_equal (a->value.bulk, b->value.bulk);
    case DCM_VALUE_EMPTY:
    default:
      return TRUE;
    }
}

gboolean
dcm_data_set_equal (DcmDataSet *a, DcmDataSet *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->elements->len != b->elements->len)
    return FALSE;
  for (guint i = 0; i < a->elements->len; i++)
    if (!elements_equal (&g_array_index (a->elements, DcmElement, i),
                         &g_array_index (b->elements, DcmElement, i)))
      return FALSE;
  return TRUE;
}

DcmDataSet *
dcm_data_set_get_parent (DcmDataSet *ds)
{
  return ds->parent;
}

guint
dcm_data_set_n_elements (DcmDataSet *ds)
{
  return ds->elements->len;
}

const DcmElement *
dcm_data_set_nth (DcmDataSet *ds, guint i)
{
  g_return_val_if_fail (i < ds->elements->len, NULL);
  return &g_array_index (ds->elements, DcmElement, i);
}

/* Binary search: TRUE with *pos at the element, or FALSE with *pos where
 * it would be inserted. */
static gboolean
find_index (DcmDataSet *ds, guint32 tag, guint *pos)
{
  const DcmElement *els = (const DcmElement *) (gpointer) ds->elements->data;
  guint lo = 0, hi = ds->elements->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (els[mid].tag < tag)
        lo = mid + 1;
      else if (els[mid].tag > tag)
        hi = mid;
      else
        {
          *pos = mid;
          return TRUE;
        }
    }
  *pos = lo;
  return FALSE;
}

const DcmElement *
dcm_data_set_lookup (DcmDataSet *ds, guint32 tag)
{
  guint pos;

  if (!find_index (ds, tag, &pos))
    return NULL;
  return &g_array_index (ds->elements, DcmElement, pos);
}

gboolean
dcm_data_set_contains (DcmDataSet *ds, guint32 tag)
{
  guint pos;

  return find_index (ds, tag, &pos);
}

gboolean
dcm_data_set_remove (DcmDataSet *ds, guint32 tag)
{
  guint pos;

  if (!find_index (ds, tag, &pos))
    return FALSE;
  element_clear (ds, &g_array_index (ds->elements, DcmElement, pos));
  g_array_remove_index (ds->elements, pos);
  invalidate_charset (ds, tag, tag);
  return TRUE;
}

void
dcm_data_set_remove_range (DcmDataSet *ds, guint32 first, guint32 last)
{
  guint start, end;

  if (first > last)
    return;
  find_index (ds, first, &start);
  end = start;
  while (end < ds->elements->len && g_array_index (ds->elements, DcmElement, end).tag <= last)
    element_clear (ds, &g_array_index (ds->elements, DcmElement, end++));
  if (end > start)
    g_array_remove_range (ds->elements, start, end - start);
  invalidate_charset (ds, first, last);
}

DcmElement *
dcm_data_set_insert (DcmDataSet *ds, guint32 tag, DcmVR vr)
{
  DcmElement el = { tag, vr == DCM_VR_NONE ? dcm_dict_vr (tag) : vr, 0,
                    DCM_VALUE_EMPTY, { NULL } };
  guint n = ds->elements->len, pos;

  invalidate_charset (ds, tag, tag);
  /* The parser appends in ascending order: no search then. */
  if (n == 0 || g_array_index (ds->elements, DcmElement, n - 1).tag < tag)
    {
      g_array_append_val (ds->elements, el);
      return &g_array_index (ds->elements, DcmElement, n);
    }
  if (find_index (ds, tag, &pos))
    {
      DcmElement *old = &g_array_index (ds->elements, DcmElement, pos);
      element_clear (ds, old);
      *old = el;
      return old;
    }
  g_array_insert_val (ds->elements, pos, el);
  return &g_array_index (ds->elements, DcmElement, pos);
}

void
dcm_element_take_bytes (DcmElement *el, GBytes *bytes)
{
  element_clear (NULL, el);
  if (bytes == NULL)
    return;
  if (g_bytes_get_size (bytes) == 0)
    {
      g_bytes_unref (bytes);
      return;
    }
  el->kind = DCM_VALUE_BYTES;
  el->value.bytes = bytes;
}

void
dcm_element_take_fragments (DcmElement *el, GPtrArray *frags)
{
  element_clear (NULL, el);
  g_ptr_array_set_free_func (frags, (GDestroyNotify) g_bytes_unref);
  el->kind = DCM_VALUE_FRAGMENTS;
  el->value.fragments = frags;
}

void
dcm_element_take_bulk (DcmElement *el, DcmBulkRef *bulk)
{
  element_clear (NULL, el);
  el->kind = DCM_VALUE_BULK;
  el->value.bulk = bulk;
}

void
dcm_data_set_append_item (DcmDataSet *ds, DcmElement *el, DcmDataSet *item)
{
  if (el->kind != DCM_VALUE_ITEMS)
    {
      element_clear (ds, el);
      el->kind = DCM_VALUE_ITEMS;
      el->value.items = items_new ();
    }
  item->parent = ds;
  g_ptr_array_add (el->value.items, item);
}

guint
dcm_data_set_get_n_items (DcmDataSet *ds, guint32 tag)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);

  return el != NULL && el->kind == DCM_VALUE_ITEMS ? el->value.items->len : 0;
}

DcmDataSet *
dcm_data_set_get_item (DcmDataSet *ds, guint32 tag, guint index)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);

  if (el == NULL || el->kind != DCM_VALUE_ITEMS || index >= el->value.items->len)
    return NULL;
  return g_ptr_array_index (el->value.items, index);
}

/* ---- character set ---- */

static CharsetCache *
charset_cache_new (GBytes *source)
{
  CharsetCache *cache = g_new0 (CharsetCache, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  if (source == NULL)
    return cache;
  cache->source = g_bytes_ref (source);
  value = g_strndup (g_bytes_get_data (source, NULL), g_bytes_get_size (source));
  cache->charset = dcm_charset_new_from_value (value, &error);
  /* An unknown term must not make ASCII values unreadable: decode with the
   * default repertoire, lossily; dcm_data_set_validate reports the term. */
  cache->unknown = cache->charset == NULL;
  if (cache->charset != NULL && dcm_charset_is_default (cache->charset))
    g_clear_pointer (&cache->charset, dcm_charset_free);
  return cache;
}

/* The cache of ds's own (0008,0005), element el, brought up to date. Safe
 * against concurrent readers: the loser of a race frees its own copy. */
static CharsetCache *
own_charset (DcmDataSet *ds, const DcmElement *el)
{
  GBytes *source = el->kind == DCM_VALUE_BYTES ? el->value.bytes : NULL;
  CharsetCache *cache = g_atomic_pointer_get (&ds->charset_cache);
  CharsetCache *fresh;

  if (cache != NULL && cache->source == source)
    return cache;
  fresh = charset_cache_new (source);
  fresh->older = cache;
  if (g_atomic_pointer_compare_and_exchange (&ds->charset_cache, cache, fresh))
    return fresh;
  fresh->older = NULL;
  charset_cache_free (fresh);
  return g_atomic_pointer_get (&ds->charset_cache);
}

const DcmCharset *
dcm_data_set_priv_resolve_charset (DcmDataSet *ds, gboolean *unknown)
{
  for (DcmDataSet *d = ds; d != NULL; d = d->parent)
    {
      const DcmElement *el = dcm_data_set_lookup (d, DCM_TAG_SPECIFIC_CHARACTER_SET);
      if (el != NULL)
        {
          CharsetCache *cache = own_charset (d, el);
          if (unknown != NULL)
            *unknown = cache->unknown;
          return cache->charset;
        }
    }
  if (unknown != NULL)
    *unknown = FALSE;
  return NULL;
}

const DcmCharset *
dcm_data_set_get_charset (DcmDataSet *ds)
{
  return dcm_data_set_priv_resolve_charset (ds, NULL);
}

/* ---- naming elements in messages ---- */

char *
dcm_describe_tag (guint32 tag)
{
  const DcmDictEntry *entry = dcm_dict_lookup (tag);

  if (entry != NULL && entry->name != NULL && entry->name[0] != '\0')
    return g_strdup_printf ("%s (%04X,%04X)", entry->name,
                            DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag));
  return g_strdup_printf ("(%04X,%04X)", DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag));
}
