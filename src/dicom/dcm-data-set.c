/* dcm-data-set.c — the data set model (PS3.5 §7) */
#include "dcm-data-set.h"
#include "dcm-error.h"

#include <math.h>
#include <string.h>

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

static const DcmCharset *
resolve_charset (DcmDataSet *ds, gboolean *unknown)
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
  return resolve_charset (ds, NULL);
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

/* ---- reading values ---- */

static const DcmElement *
require (DcmDataSet *ds, guint32 tag, GError **error)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);

  if (el == NULL)
    {
      g_autofree char *name = dcm_describe_tag (tag);
      g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND, "%s is not present.", name);
    }
  return el;
}

static gboolean
wrong_type (const DcmElement *el, const char *wanted, GError **error)
{
  g_autofree char *name = dcm_describe_tag (el->tag);
  const char *what = el->kind == DCM_VALUE_ITEMS ? "a sequence"
                     : el->kind == DCM_VALUE_FRAGMENTS ? "encapsulated fragments"
                     : el->kind == DCM_VALUE_BULK ? "a value kept outside the data set"
                     : NULL;

  if (what != NULL)
    g_set_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE,
                 "%s holds %s, not %s.", name, what, wanted);
  else
    g_set_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE,
                 "%s has VR %s, which does not hold %s.", name, dcm_vr_name (el->vr), wanted);
  return FALSE;
}

/* The bytes of el's value (empty for a zero-length value). */
static gboolean
element_data (const DcmElement *el, const guint8 **data, gsize *len, const char *wanted,
              GError **error)
{
  *data = NULL;
  *len = 0;
  if (el->kind == DCM_VALUE_EMPTY)
    return TRUE;
  if (el->kind != DCM_VALUE_BYTES)
    return wrong_type (el, wanted, error);
  *data = g_bytes_get_data (el->value.bytes, len);
  return TRUE;
}

static gboolean
is_binary_vr (DcmVR vr)
{
  DcmVRKind kind = dcm_vr_kind (vr);

  return kind == DCM_VR_KIND_NUMBER || kind == DCM_VR_KIND_TAG
         || (kind == DCM_VR_KIND_BULK && vr != DCM_VR_UN);
}

typedef struct {
  gsize start;
  gsize len;
} Span;

typedef enum {
  SPLIT_PLAIN,    /* 0x5C is always the delimiter */
  SPLIT_ISO2022,  /* 0x5C may be half of a two-byte G0 character */
  SPLIT_GB,       /* 0x5C may be the second byte of a GBK/GB18030 character */
} SplitMode;

static SplitMode
split_mode (const DcmCharset *cs, DcmVR vr)
{
  const char *value = cs != NULL && dcm_vr_uses_charset (vr) ? dcm_charset_get_value (cs) : NULL;

  if (value == NULL)
    return SPLIT_PLAIN;
  if (strstr (value, "GB18030") != NULL || strstr (value, "GBK") != NULL)
    return SPLIT_GB;
  if (strstr (value, "ISO 2022") != NULL)
    return SPLIT_ISO2022;
  return SPLIT_PLAIN;
}

/* Bytes taken by the character or escape sequence at data[i] that cannot
 * contain a delimiter, 0 when data[i] may be one. PS3.5 §6.1.2.5.3 has the
 * encoder return G0 to ASCII before each backslash, so in ISO 2022 a 0x5C
 * while G0 holds a two-byte set (ESC $ B, ESC $ @, ESC $ ( D) is half of a
 * character; in GBK and GB18030 0x5C can follow a lead byte 0x81-0xFE. */
static gsize
skip_unit (const guint8 *data, gsize len, gsize i, SplitMode mode, gboolean *g0_multi)
{
  guint8 c = data[i];

  if (mode == SPLIT_GB && c >= 0x81 && c <= 0xfe && i + 1 < len)
    return i + 3 < len && data[i + 1] >= 0x30 && data[i + 1] <= 0x39 ? 4 : 2;
  if (mode != SPLIT_ISO2022)
    return 0;
  if (c == 0x1b && i + 2 < len)
    {
      /* ESC, intermediates 0x20-0x2F, one final byte (ISO 2022 §13). */
      gsize j = i + 1;

      while (j < len && data[j] >= 0x20 && data[j] <= 0x2f)
        j++;
      if (data[i + 1] == '$' && (data[i + 2] == 'B' || data[i + 2] == '@' || data[i + 2] == '('))
        *g0_multi = TRUE;
      else if (data[i + 1] == '(')
        *g0_multi = FALSE;
      return j + 1 - i;
    }
  if (*g0_multi && c >= 0x21 && c <= 0x7e && i + 1 < len)
    return 2;
  return 0;
}

/* Splits raw bytes into values at the delimiting backslashes. Splitting
 * before decoding keeps the delimiters that decoding would hide: ISO_IR 13
 * has a Yen sign at 0x5C in G0, and two-byte sets have 0x5C in characters. */
static GArray *
split_raw (const guint8 *data, gsize len, DcmVR vr, const DcmCharset *cs)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (Span));
  SplitMode mode = split_mode (cs, vr);
  gboolean g0_multi = FALSE;
  Span span = { 0, 0 };
  gsize i = 0;

  if (len == 0)
    return spans;
  if (!dcm_vr_is_multi_valued_string (vr))
    {
      span.len = len;
      g_array_append_val (spans, span);
      return spans;
    }
  while (i < len)
    {
      gsize skip = skip_unit (data, len, i, mode, &g0_multi);
      if (skip > 0)
        {
          i = MIN (i + skip, len);
          continue;
        }
      if (data[i] == '\\')
        {
          span.len = i - span.start;
          g_array_append_val (spans, span);
          span.start = i + 1;
          g0_multi = FALSE;
        }
      i++;
    }
  span.len = len - span.start;
  g_array_append_val (spans, span);
  return spans;
}

static gboolean
only_padding (const guint8 *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != ' ' && data[i] != '\0')
      return FALSE;
  return TRUE;
}

/* Values of a string element as raw spans (none for an empty value). */
static GArray *
string_spans (DcmDataSet *ds, const DcmElement *el, const guint8 *data, gsize len)
{
  if (only_padding (data, len))
    return g_array_new (FALSE, FALSE, sizeof (Span));
  return split_raw (data, len, el->vr, dcm_data_set_get_charset (ds));
}

static guint
n_binary_values (const DcmElement *el, gsize len)
{
  return (guint) (len / dcm_vr_value_size (el->vr));
}

guint
dcm_data_set_get_vm (DcmDataSet *ds, guint32 tag)
{
  const DcmElement *el = dcm_data_set_lookup (ds, tag);
  g_autoptr (GArray) spans = NULL;
  const guint8 *data;
  gsize len;

  if (el == NULL || el->kind == DCM_VALUE_EMPTY)
    return 0;
  if (el->kind != DCM_VALUE_BYTES)
    return el->kind == DCM_VALUE_ITEMS && el->value.items->len == 0 ? 0 : 1;
  data = g_bytes_get_data (el->value.bytes, &len);
  switch (dcm_vr_kind (el->vr))
    {
    case DCM_VR_KIND_STRING:
      spans = string_spans (ds, el, data, len);
      return spans->len;
    case DCM_VR_KIND_NUMBER:
    case DCM_VR_KIND_TAG:
      return n_binary_values (el, len);
    default:
      return 1;
    }
}

static gboolean
check_index (const DcmElement *el, guint index, guint n, GError **error)
{
  g_autofree char *name = NULL;

  if (index < n)
    return TRUE;
  name = dcm_describe_tag (el->tag);
  g_set_error (error, DCM_ERROR, DCM_ERROR_NOT_FOUND,
               "%s has %u value%s, so there is no value at index %u.",
               name, n, n == 1 ? "" : "s", index);
  return FALSE;
}

static char *
decode_span (DcmDataSet *ds, const DcmElement *el, const guint8 *data, Span span,
             guint index, GError **error)
{
  gboolean unknown = FALSE;
  const DcmCharset *cs = resolve_charset (ds, &unknown);
  g_autofree char *text = NULL;
  gboolean keep_leading = el->vr == DCM_VR_LT || el->vr == DCM_VR_ST || el->vr == DCM_VR_UT;

  if (unknown)
    text = dcm_charset_decode_lossy (cs, data + span.start, span.len, el->vr);
  else
    text = dcm_charset_decode (cs, data + span.start, span.len, el->vr, error);
  if (text == NULL)
    {
      g_autofree char *name = dcm_describe_tag (el->tag);
      g_prefix_error (error, "Value %u of %s cannot be decoded: ", index + 1, name);
      return NULL;
    }
  return dcm_value_trim (text, strlen (text), keep_leading);
}

static guint64
load_le (const guint8 *p, guint size)
{
  guint64 v = 0;

  for (guint i = size; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

static double
load_float (const guint8 *p, DcmVR vr)
{
  if (dcm_vr_value_size (vr) == 4)
    {
      guint32 bits = (guint32) load_le (p, 4);
      float f;
      memcpy (&f, &bits, sizeof f);
      return f;
    }
  else
    {
      guint64 bits = load_le (p, 8);
      double d;
      memcpy (&d, &bits, sizeof d);
      return d;
    }
}

static gboolean
is_float_vr (DcmVR vr)
{
  return vr == DCM_VR_FL || vr == DCM_VR_FD || vr == DCM_VR_OF || vr == DCM_VR_OD;
}

static gboolean
is_signed_vr (DcmVR vr)
{
  return vr == DCM_VR_SS || vr == DCM_VR_SL || vr == DCM_VR_SV;
}

/* Sign-extends a value of size bytes. */
static gint64
to_signed (guint64 v, guint size)
{
  guint shift = 64 - 8 * size;

  return (gint64) (v << shift) >> shift;
}

static char *
render_binary (DcmVR vr, const guint8 *p)
{
  guint size = dcm_vr_value_size (vr);
  guint64 v = load_le (p, size);

  if (vr == DCM_VR_AT)
    return g_strdup_printf ("(%04X,%04X)", (guint) (v & 0xffff), (guint) (v >> 16));
  if (is_float_vr (vr))
    return dcm_value_format_double (load_float (p, vr), size == 4);
  if (is_signed_vr (vr))
    return g_strdup_printf ("%" G_GINT64_FORMAT, to_signed (v, size));
  return g_strdup_printf ("%" G_GUINT64_FORMAT, v);
}

/* Value index of el as text, or all of them, into out. */
static gboolean
collect_strings (DcmDataSet *ds, const DcmElement *el, gboolean all, guint index,
                 GPtrArray *out, GError **error)
{
  const guint8 *data;
  gsize len;
  g_autoptr (GArray) spans = NULL;
  guint n;

  if (dcm_vr_kind (el->vr) != DCM_VR_KIND_STRING && !is_binary_vr (el->vr))
    return wrong_type (el, "text", error);
  if (!element_data (el, &data, &len, "text", error))
    return FALSE;
  if (dcm_vr_kind (el->vr) == DCM_VR_KIND_STRING)
    spans = string_spans (ds, el, data, len);
  n = spans != NULL ? spans->len : n_binary_values (el, len);
  if (!all && !check_index (el, index, n, error))
    return FALSE;
  for (guint i = all ? 0 : index; i < n; i++)
    {
      char *text = spans != NULL
                   ? decode_span (ds, el, data, g_array_index (spans, Span, i), i, error)
                   : render_binary (el->vr, data + (gsize) i * dcm_vr_value_size (el->vr));
      if (text == NULL)
        return FALSE;
      g_ptr_array_add (out, text);
      if (!all)
        break;
    }
  return TRUE;
}

char *
dcm_data_set_get_string (DcmDataSet *ds, guint32 tag, guint index, GError **error)
{
  const DcmElement *el = require (ds, tag, error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  if (el == NULL || !collect_strings (ds, el, FALSE, index, out, error))
    return NULL;
  return g_strdup (g_ptr_array_index (out, 0));
}

char **
dcm_data_set_get_strings (DcmDataSet *ds, guint32 tag, GError **error)
{
  const DcmElement *el = require (ds, tag, error);
  GPtrArray *out;

  if (el == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func (g_free);
  if (!collect_strings (ds, el, TRUE, 0, out, error))
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  g_ptr_array_set_free_func (out, NULL);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char *
dcm_data_set_get_value_string (DcmDataSet *ds, guint32 tag, GError **error)
{
  g_auto (GStrv) values = dcm_data_set_get_strings (ds, tag, error);

  return values != NULL ? g_strjoinv ("\\", values) : NULL;
}

char *
dcm_data_set_dup_string (DcmDataSet *ds, guint32 tag)
{
  return dcm_data_set_get_string (ds, tag, 0, NULL);
}

/* ---- reading numbers ---- */

typedef struct {
  gboolean is_float;
  gboolean is_signed;
  guint64  u;
  gint64   i;
  double   d;
} Number;

static gboolean
invalid_value (const DcmElement *el, guint index, const char *text, const char *expected,
               GError **error)
{
  g_autofree char *name = dcm_describe_tag (el->tag);

  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
               "Value %u of %s, “%s”, is not %s.", index + 1, name, text, expected);
  return FALSE;
}

static gboolean
text_number (DcmDataSet *ds, const DcmElement *el, guint index, Number *out, GError **error)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  const char *text;

  if (!collect_strings (ds, el, FALSE, index, values, error))
    return FALSE;
  text = g_ptr_array_index (values, 0);
  if (el->vr == DCM_VR_IS)
    {
      if (!dcm_value_parse_is (text, &out->i))
        return invalid_value (el, index, text, "an integer string (IS)", error);
      out->is_signed = TRUE;
      return TRUE;
    }
  if (!dcm_value_parse_ds (text, &out->d))
    return invalid_value (el, index, text, "a decimal string (DS)", error);
  out->is_float = TRUE;
  return TRUE;
}

/* Value index of a numeric element (binary, IS or DS; AT as its tag). */
static gboolean
get_number (DcmDataSet *ds, guint32 tag, guint index, gboolean allow_float, Number *out,
            GError **error)
{
  const DcmElement *el = require (ds, tag, error);
  const guint8 *data, *p;
  gsize len;
  guint size;

  memset (out, 0, sizeof *out);
  if (el == NULL)
    return FALSE;
  if (el->vr == DCM_VR_IS || (allow_float && el->vr == DCM_VR_DS))
    return text_number (ds, el, index, out, error);
  if (!is_binary_vr (el->vr) || (!allow_float && is_float_vr (el->vr)))
    return wrong_type (el, allow_float ? "a number" : "an integer", error);
  if (!element_data (el, &data, &len, "a number", error)
      || !check_index (el, index, n_binary_values (el, len), error))
    return FALSE;
  size = dcm_vr_value_size (el->vr);
  p = data + (gsize) index * size;
  out->is_float = is_float_vr (el->vr);
  out->is_signed = is_signed_vr (el->vr);
  if (out->is_float)
    out->d = load_float (p, el->vr);
  else if (el->vr == DCM_VR_AT)
    out->u = (load_le (p, 2) << 16) | load_le (p + 2, 2);
  else if (out->is_signed)
    out->i = to_signed (load_le (p, size), size);
  else
    out->u = load_le (p, size);
  return TRUE;
}

static gboolean
out_of_range (guint32 tag, guint index, const char *type, GError **error)
{
  g_autofree char *name = dcm_describe_tag (tag);

  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
               "Value %u of %s does not fit in %s.", index + 1, name, type);
  return FALSE;
}

gboolean
dcm_data_set_get_int64 (DcmDataSet *ds, guint32 tag, guint index, gint64 *out, GError **error)
{
  Number n;

  if (!get_number (ds, tag, index, FALSE, &n, error))
    return FALSE;
  if (!n.is_signed && n.u > G_MAXINT64)
    return out_of_range (tag, index, "a signed 64-bit integer", error);
  *out = n.is_signed ? n.i : (gint64) n.u;
  return TRUE;
}

gboolean
dcm_data_set_get_uint64 (DcmDataSet *ds, guint32 tag, guint index, guint64 *out, GError **error)
{
  Number n;

  if (!get_number (ds, tag, index, FALSE, &n, error))
    return FALSE;
  if (n.is_signed && n.i < 0)
    return out_of_range (tag, index, "an unsigned integer", error);
  *out = n.is_signed ? (guint64) n.i : n.u;
  return TRUE;
}

gboolean
dcm_data_set_get_double (DcmDataSet *ds, guint32 tag, guint index, double *out, GError **error)
{
  Number n;

  if (!get_number (ds, tag, index, TRUE, &n, error))
    return FALSE;
  *out = n.is_float ? n.d : n.is_signed ? (double) n.i : (double) n.u;
  return TRUE;
}

/* ---- dates, times, names ---- */

/* Value index of an element of VR vr as text. */
static char *
typed_text (DcmDataSet *ds, guint32 tag, guint index, DcmVR vr, const char *wanted,
            GError **error)
{
  const DcmElement *el = require (ds, tag, error);

  if (el == NULL)
    return NULL;
  if (el->vr != vr)
    {
      wrong_type (el, wanted, error);
      return NULL;
    }
  return dcm_data_set_get_string (ds, tag, index, error);
}

static gboolean
prefix_invalid (guint32 tag, guint index, GError **error)
{
  g_autofree char *name = dcm_describe_tag (tag);

  g_prefix_error (error, "Value %u of %s: ", index + 1, name);
  return FALSE;
}

gboolean
dcm_data_set_get_date (DcmDataSet *ds, guint32 tag, guint index, DcmDate *out, GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_DA, "a date", error);

  if (text == NULL)
    return FALSE;
  return dcm_value_parse_date (text, out, error) || prefix_invalid (tag, index, error);
}

gboolean
dcm_data_set_get_time (DcmDataSet *ds, guint32 tag, guint index, DcmTime *out, GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_TM, "a time", error);

  if (text == NULL)
    return FALSE;
  return dcm_value_parse_time (text, out, error) || prefix_invalid (tag, index, error);
}

gboolean
dcm_data_set_get_datetime (DcmDataSet *ds, guint32 tag, guint index, DcmDateTime *out,
                           GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_DT, "a date and time", error);

  if (text == NULL)
    return FALSE;
  return dcm_value_parse_datetime (text, out, error) || prefix_invalid (tag, index, error);
}

DcmPersonName *
dcm_data_set_get_person_name (DcmDataSet *ds, guint32 tag, guint index, GError **error)
{
  g_autofree char *text = typed_text (ds, tag, index, DCM_VR_PN, "a person name", error);

  return text != NULL ? dcm_person_name_parse (text) : NULL;
}

/* ---- writing values ---- */

static DcmVR
resolve_vr (guint32 tag, DcmVR vr)
{
  return vr == DCM_VR_NONE ? dcm_dict_vr (tag) : vr;
}

/* Pads buf to even length (PS3.5 §7.1.1) and makes it tag's value. */
static gboolean
store (DcmDataSet *ds, guint32 tag, DcmVR vr, GByteArray *buf)
{
  DcmElement *el;

  if (buf->len % 2 != 0)
    {
      guint8 pad = dcm_vr_padding (vr);
      g_byte_array_append (buf, &pad, 1);
    }
  el = dcm_data_set_insert (ds, tag, vr);
  dcm_element_take_bytes (el, g_byte_array_free_to_bytes (buf));
  return TRUE;
}

static gboolean
set_wrong_type (guint32 tag, DcmVR vr, const char *what, GError **error)
{
  g_autofree char *name = dcm_describe_tag (tag);

  g_set_error (error, DCM_ERROR, DCM_ERROR_WRONG_TYPE,
               "%s cannot be set from %s: its VR is %s.", name, what, dcm_vr_name (vr));
  return FALSE;
}

static gboolean
set_invalid (guint32 tag, guint index, GError **error, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_invalid (guint32 tag, guint index, GError **error, const char *format, ...)
{
  g_autofree char *name = dcm_describe_tag (tag);
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID, "Value %u of %s %s", index + 1, name, detail);
  return FALSE;
}

/* PN limits each component group to 64 characters, not the whole value. */
static gsize
longest_group (const char *text)
{
  g_auto (GStrv) groups = g_strsplit (text, "=", -1);
  gsize longest = 0;

  for (guint g = 0; groups[g] != NULL; g++)
    longest = MAX (longest, (gsize) g_utf8_strlen (groups[g], -1));
  return longest;
}

/* PS3.5 Table 6.2-1 limits: characters for the VRs that use the character
 * set, bytes (= ASCII characters) for the rest. PS3.4 §C.2.2.2.5 range
 * matching ("20200101-20201231") may hold two DA, TM or DT values. */
static gboolean
check_length (guint32 tag, DcmVR vr, const char *value, guint index, GError **error)
{
  gboolean chars = dcm_vr_uses_charset (vr);
  gsize limit = vr == DCM_VR_PN ? 64 : dcm_vr_max_length (vr);
  gsize count = vr == DCM_VR_PN ? longest_group (value)
                : chars ? (gsize) g_utf8_strlen (value, -1) : strlen (value);

  if ((vr == DCM_VR_DA || vr == DCM_VR_TM || vr == DCM_VR_DT) && strchr (value, '-') != NULL)
    limit = 2 * limit + 1;
  if (limit == 0 || count <= limit)
    return TRUE;
  return set_invalid (tag, index, error, "is %" G_GSIZE_FORMAT " %s long; %s allows at most %"
                      G_GSIZE_FORMAT "%s.", count, chars ? "characters" : "bytes",
                      dcm_vr_name (vr), limit, vr == DCM_VR_PN ? " per component group" : "");
}

static gboolean
append_string_value (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *value, guint index,
                     GByteArray *buf, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gboolean unknown = FALSE;
  const DcmCharset *cs;

  if (!g_utf8_validate (value, -1, NULL))
    return set_invalid (tag, index, error, "is not valid UTF-8.");
  if (dcm_vr_is_multi_valued_string (vr) && strchr (value, '\\') != NULL)
    return set_invalid (tag, index, error, "contains a backslash, which separates values in %s.",
                        dcm_vr_name (vr));
  if (!check_length (tag, vr, value, index, error))
    return FALSE;
  if (!dcm_vr_uses_charset (vr))
    {
      if (!g_str_is_ascii (value))
        {
          g_autofree char *name = dcm_describe_tag (tag);
          g_set_error (error, DCM_ERROR, DCM_ERROR_CHARSET,
                       "Value %u of %s has characters outside the default repertoire, "
                       "which %s requires.", index + 1, name, dcm_vr_name (vr));
          return FALSE;
        }
      g_byte_array_append (buf, (const guint8 *) value, (guint) strlen (value));
      return TRUE;
    }
  cs = resolve_charset (ds, &unknown);
  bytes = dcm_charset_encode (cs, value, vr, error);
  if (bytes == NULL)
    return prefix_invalid (tag, index, error);
  g_byte_array_append (buf, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  return TRUE;
}

static gboolean set_text_numbers (DcmDataSet *ds, guint32 tag, DcmVR vr,
                                  const char * const *values, GError **error);

gboolean
dcm_data_set_set_strings (DcmDataSet *ds, guint32 tag, DcmVR vr, const char * const *values,
                          GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint n = values != NULL ? g_strv_length ((char **) values) : 0;

  vr = resolve_vr (tag, vr);
  if (is_binary_vr (vr))
    return set_text_numbers (ds, tag, vr, values, error);
  if (dcm_vr_kind (vr) != DCM_VR_KIND_STRING)
    return set_wrong_type (tag, vr, "text", error);
  if (n > 1 && !dcm_vr_is_multi_valued_string (vr))
    return set_invalid (tag, 1, error, "cannot be set: %s holds a single value.",
                        dcm_vr_name (vr));
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_byte_array_append (buf, (const guint8 *) "\\", 1);
      if (!append_string_value (ds, tag, vr, values[i], i, buf, error))
        return FALSE;
    }
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

/* The whole value: for VRs with several values, backslashes separate them. */
gboolean
dcm_data_set_set_string (DcmDataSet *ds, guint32 tag, DcmVR vr, const char *value,
                         GError **error)
{
  g_auto (GStrv) values = NULL;
  const char *single[2] = { value, NULL };

  vr = resolve_vr (tag, vr);
  if (value == NULL || value[0] == '\0')
    return dcm_data_set_set_strings (ds, tag, vr, NULL, error);
  if (dcm_vr_is_multi_valued_string (vr) || is_binary_vr (vr))
    {
      values = g_strsplit (value, "\\", -1);
      return dcm_data_set_set_strings (ds, tag, vr, (const char * const *) values, error);
    }
  return dcm_data_set_set_strings (ds, tag, vr, single, error);
}

/* ---- writing numbers ---- */

typedef struct {
  gint64  min;
  guint64 max;
} Range;

static gboolean
integer_range (DcmVR vr, Range *r)
{
  switch (vr)
    {
    case DCM_VR_OB: *r = (Range) { 0, G_MAXUINT8 }; return TRUE;
    case DCM_VR_US: case DCM_VR_OW: *r = (Range) { 0, G_MAXUINT16 }; return TRUE;
    case DCM_VR_SS: *r = (Range) { G_MININT16, G_MAXINT16 }; return TRUE;
    case DCM_VR_UL: case DCM_VR_OL: case DCM_VR_AT: *r = (Range) { 0, G_MAXUINT32 }; return TRUE;
    case DCM_VR_SL: *r = (Range) { G_MININT32, G_MAXINT32 }; return TRUE;
    /* PS3.5 Table 6.2-1: -2^31 <= n <= 2^31 - 1 */
    case DCM_VR_IS: *r = (Range) { G_MININT32, G_MAXINT32 }; return TRUE;
    case DCM_VR_SV: *r = (Range) { G_MININT64, G_MAXINT64 }; return TRUE;
    case DCM_VR_UV: case DCM_VR_OV: *r = (Range) { 0, G_MAXUINT64 }; return TRUE;
    default: return FALSE;
    }
}

static void
append_le (GByteArray *buf, guint64 v, guint size)
{
  guint8 b[8];

  for (guint i = 0; i < size; i++)
    b[i] = (guint8) (v >> (8 * i));
  g_byte_array_append (buf, b, size);
}

/* Appends one integer (negative, or the unsigned magnitude u) checked
 * against vr's range. */
static gboolean
append_integer (GByteArray *buf, guint32 tag, DcmVR vr, gboolean negative, gint64 i,
                guint64 u, guint index, GError **error)
{
  Range r;
  g_autofree char *text = negative ? g_strdup_printf ("%" G_GINT64_FORMAT, i)
                                   : g_strdup_printf ("%" G_GUINT64_FORMAT, u);

  integer_range (vr, &r);
  if (negative ? i < r.min : u > r.max)
    return set_invalid (tag, index, error, "is %s, outside the range of %s (%" G_GINT64_FORMAT
                        " to %" G_GUINT64_FORMAT ").", text, dcm_vr_name (vr), r.min, r.max);
  if (dcm_vr_kind (vr) == DCM_VR_KIND_STRING)
    {
      if (buf->len > 0)
        g_byte_array_append (buf, (const guint8 *) "\\", 1);
      g_byte_array_append (buf, (const guint8 *) text, (guint) strlen (text));
    }
  else if (vr == DCM_VR_AT)
    {
      append_le (buf, u >> 16, 2);
      append_le (buf, u & 0xffff, 2);
    }
  else
    append_le (buf, negative ? (guint64) i : u, dcm_vr_value_size (vr));
  return TRUE;
}

static void
append_float (GByteArray *buf, DcmVR vr, double v)
{
  if (dcm_vr_value_size (vr) == 4)
    {
      float f = (float) v;
      guint32 bits;
      memcpy (&bits, &f, sizeof bits);
      append_le (buf, bits, 4);
    }
  else
    {
      guint64 bits;
      memcpy (&bits, &v, sizeof bits);
      append_le (buf, bits, 8);
    }
}

static gboolean
append_double (GByteArray *buf, guint32 tag, DcmVR vr, double v, guint index, GError **error)
{
  g_autofree char *text = NULL;

  if (is_float_vr (vr))
    {
      if (dcm_vr_value_size (vr) == 4 && isfinite (v) && fabs (v) > G_MAXFLOAT)
        return set_invalid (tag, index, error, "is %g, outside the range of %s.", v,
                            dcm_vr_name (vr));
      append_float (buf, vr, v);
      return TRUE;
    }
  if (vr == DCM_VR_DS)
    {
      text = dcm_value_format_ds (v);
      if (text == NULL)
        return set_invalid (tag, index, error, "is %g, which DS cannot hold.", v);
      if (buf->len > 0)
        g_byte_array_append (buf, (const guint8 *) "\\", 1);
      g_byte_array_append (buf, (const guint8 *) text, (guint) strlen (text));
      return TRUE;
    }
  if (!isfinite (v) || v != floor (v) || v < -9.2233720368547758e18 || v >= 1.8446744073709552e19)
    return set_invalid (tag, index, error, "is %g, not an integer as %s requires.", v,
                        dcm_vr_name (vr));
  if (v < 0)
    return append_integer (buf, tag, vr, TRUE, (gint64) v, 0, index, error);
  return append_integer (buf, tag, vr, FALSE, 0, (guint64) v, index, error);
}

static gboolean
is_integer_vr (DcmVR vr)
{
  Range r;

  return integer_range (vr, &r);
}

gboolean
dcm_data_set_set_int64s (DcmDataSet *ds, guint32 tag, DcmVR vr, const gint64 *values, guint n,
                         GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();

  vr = resolve_vr (tag, vr);
  if (!is_integer_vr (vr) && !is_float_vr (vr) && vr != DCM_VR_DS)
    return set_wrong_type (tag, vr, "integers", error);
  for (guint i = 0; i < n; i++)
    {
      gboolean ok = is_integer_vr (vr)
        ? append_integer (buf, tag, vr, values[i] < 0, values[i],
                          values[i] < 0 ? 0 : (guint64) values[i], i, error)
        : append_double (buf, tag, vr, (double) values[i], i, error);
      if (!ok)
        return FALSE;
    }
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

gboolean
dcm_data_set_set_int64 (DcmDataSet *ds, guint32 tag, DcmVR vr, gint64 value, GError **error)
{
  return dcm_data_set_set_int64s (ds, tag, vr, &value, 1, error);
}

gboolean
dcm_data_set_set_doubles (DcmDataSet *ds, guint32 tag, DcmVR vr, const double *values, guint n,
                          GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();

  vr = resolve_vr (tag, vr);
  if (!is_integer_vr (vr) && !is_float_vr (vr) && vr != DCM_VR_DS)
    return set_wrong_type (tag, vr, "numbers", error);
  for (guint i = 0; i < n; i++)
    if (!append_double (buf, tag, vr, values[i], i, error))
      return FALSE;
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

/* Text for a binary VR: integers, floating point numbers or tags. */
static gboolean
append_text_number (GByteArray *buf, guint32 tag, DcmVR vr, const char *text, guint index,
                    GError **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  guint32 at;
  gint64 i;
  guint64 u;
  double d;

  if (vr == DCM_VR_AT)
    {
      if (!dcm_dict_parse_tag (s, &at))
        return set_invalid (tag, index, error, "“%s” is not a tag such as (0010,0010).", s);
      return append_integer (buf, tag, vr, FALSE, 0, at, index, error);
    }
  if (is_float_vr (vr))
    {
      if (!dcm_value_parse_ds (s, &d))
        return set_invalid (tag, index, error, "“%s” is not a number.", s);
      return append_double (buf, tag, vr, d, index, error);
    }
  if (s[0] == '-' && g_ascii_string_to_signed (s, 10, G_MININT64, 0, &i, NULL))
    return append_integer (buf, tag, vr, i < 0, i, 0, index, error);
  if (s[0] != '-' && g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT64, &u, NULL))
    return append_integer (buf, tag, vr, FALSE, 0, u, index, error);
  return set_invalid (tag, index, error, "“%s” is not an integer.", s);
}

static gboolean
set_text_numbers (DcmDataSet *ds, guint32 tag, DcmVR vr, const char * const *values,
                  GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (!append_text_number (buf, tag, vr, values[i], i, error))
      return FALSE;
  return store (ds, tag, vr, g_steal_pointer (&buf));
}

gboolean
dcm_data_set_set_raw (DcmDataSet *ds, guint32 tag, DcmVR vr, const void *data, gsize len,
                      GError **error)
{
  GByteArray *buf;

  vr = resolve_vr (tag, vr);
  if (vr == DCM_VR_SQ)
    return set_wrong_type (tag, vr, "raw bytes", error);
  if (len >= G_MAXUINT32)
    {
      g_autofree char *name = dcm_describe_tag (tag);
      g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                   "A value of %" G_GSIZE_FORMAT " bytes is too long for %s.", len, name);
      return FALSE;
    }
  buf = g_byte_array_sized_new ((guint) len + 1);
  g_byte_array_append (buf, data, (guint) len);
  return store (ds, tag, vr, buf);
}

gboolean
dcm_data_set_set_person_name (DcmDataSet *ds, guint32 tag, const DcmPersonName *pn,
                              GError **error)
{
  g_autofree char *text = dcm_person_name_format (pn);
  const char *values[2] = { text, NULL };

  return dcm_data_set_set_strings (ds, tag, DCM_VR_PN, text[0] != '\0' ? values : NULL, error);
}

gboolean
dcm_data_set_set_date (DcmDataSet *ds, guint32 tag, const DcmDate *date, GError **error)
{
  g_autofree char *text = dcm_value_format_date (date);
  const char *values[2] = { text, NULL };

  return dcm_data_set_set_strings (ds, tag, DCM_VR_DA, values, error);
}

/* ---- validation ---- */

void
dcm_validation_issue_free (DcmValidationIssue *issue)
{
  if (issue == NULL)
    return;
  g_free (issue->path);
  g_free (issue->message);
  g_free (issue);
}

typedef struct {
  GPtrArray  *issues;
  const char *path;   /* of the element being checked */
  guint32     tag;
  char       *name;   /* dcm_describe_tag (tag) */
} Validator;

static void add_issue (Validator *v, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add_issue (Validator *v, const char *format, ...)
{
  DcmValidationIssue *issue = g_new0 (DcmValidationIssue, 1);
  va_list args;

  va_start (args, format);
  issue->message = g_strdup_vprintf (format, args);
  va_end (args);
  issue->tag = v->tag;
  issue->path = g_strdup (v->path);
  g_ptr_array_add (v->issues, issue);
}

/* Whether n values satisfy a PS3.6 VM: "2", "1-3", "1-n", "2-2n", "3-3n". */
static gboolean
vm_allows (const char *vm, guint n)
{
  char *end = NULL;
  guint64 min = g_ascii_strtoull (vm, &end, 10), step, max;

  if (end == vm)
    return TRUE;
  if (*end == '\0')
    return n == min;
  if (*end != '-')
    return TRUE;
  vm = end + 1;
  if (strcmp (vm, "n") == 0)
    return n >= min;
  max = g_ascii_strtoull (vm, &end, 10);
  if (end != vm && strcmp (end, "n") == 0)
    {
      step = max;
      return n >= min && step > 0 && n % step == 0;
    }
  if (end == vm || *end != '\0')
    return TRUE;
  return n >= min && n <= max;
}

static void
check_vm (Validator *v, guint n)
{
  const DcmDictEntry *entry = dcm_dict_lookup (v->tag);

  /* Zero-length values are how type 2 attributes are sent (PS3.5 §7.4). */
  if (n == 0 || entry == NULL || entry->vm == NULL || vm_allows (entry->vm, n))
    return;
  add_issue (v, "%s has %u value%s; the dictionary requires %s.", v->name, n,
             n == 1 ? "" : "s", entry->vm);
}

static gsize
without_padding (const guint8 *data, gsize len)
{
  while (len > 0 && (data[len - 1] == ' ' || data[len - 1] == '\0'))
    len--;
  return len;
}

/* Raw bytes for a message: printable ASCII as is, the rest as \xNN. */
static char *
printable (const guint8 *p, gsize len)
{
  GString *s = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    if (p[i] >= 0x20 && p[i] < 0x7f)
      g_string_append_c (s, (char) p[i]);
    else
      g_string_append_printf (s, "\\x%02X", p[i]);
  return g_string_free (s, FALSE);
}

static gboolean
bytes_are_ascii (const guint8 *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (p[i] >= 0x80)
      return FALSE;
  return TRUE;
}

static void
check_text_value (Validator *v, DcmDataSet *ds, const DcmElement *el, const guint8 *data,
                  Span span, guint index)
{
  const guint8 *p = data + span.start;
  gsize len = without_padding (p, span.len);
  gsize limit = el->vr == DCM_VR_PN ? 64 : dcm_vr_max_length (el->vr);
  const char *problem = dcm_value_check (el->vr, (const char *) p, len);
  gsize count = len;

  if (dcm_vr_uses_charset (el->vr))
    {
      g_autoptr (GError) error = NULL;
      gboolean unknown;
      const DcmCharset *cs = resolve_charset (ds, &unknown);
      g_autofree char *text = unknown ? NULL : dcm_charset_decode (cs, p, len, el->vr, &error);

      if (text == NULL && !unknown)
        add_issue (v, "Value %u of %s cannot be decoded: %s", index + 1, v->name, error->message);
      count = text == NULL ? len
              : el->vr == DCM_VR_PN ? longest_group (text) : (gsize) g_utf8_strlen (text, -1);
    }
  if (limit > 0 && count > limit)
    add_issue (v, "Value %u of %s is %" G_GSIZE_FORMAT " %s long; %s allows at most %"
               G_GSIZE_FORMAT "%s.", index + 1, v->name, count,
               dcm_vr_uses_charset (el->vr) ? "characters" : "bytes", dcm_vr_name (el->vr), limit,
               el->vr == DCM_VR_PN ? " per component group" : "");
  if (!dcm_vr_uses_charset (el->vr) && !bytes_are_ascii (p, len))
    add_issue (v, "Value %u of %s has bytes outside the default repertoire, which %s requires.",
               index + 1, v->name, dcm_vr_name (el->vr));
  else if (problem != NULL)
    {
      g_autofree char *shown = printable (p, MIN (len, 64));
      add_issue (v, "Value %u of %s, “%s”, is not valid: %s.", index + 1, v->name, shown, problem);
    }
}

static void
check_charset_term (Validator *v, const guint8 *data, gsize len)
{
  g_autofree char *value = g_strndup ((const char *) data, len);
  g_autoptr (GError) error = NULL;
  g_autoptr (DcmCharset) cs = dcm_charset_new_from_value (value, &error);

  if (cs == NULL)
    add_issue (v, "%s cannot be used, so text is read as ASCII: %s", v->name, error->message);
}

static void
check_element_value (Validator *v, DcmDataSet *ds, const DcmElement *el)
{
  gsize len, size = dcm_vr_value_size (el->vr);
  const guint8 *data = g_bytes_get_data (el->value.bytes, &len);

  if (len % 2 != 0)
    add_issue (v, "%s has an odd length of %" G_GSIZE_FORMAT " bytes; PS3.5 §7.1.1 requires "
               "even lengths.", v->name, len);
  if (el->tag == DCM_TAG_SPECIFIC_CHARACTER_SET)
    check_charset_term (v, data, len);
  if (dcm_vr_kind (el->vr) == DCM_VR_KIND_STRING)
    {
      g_autoptr (GArray) spans = string_spans (ds, el, data, len);

      for (guint i = 0; i < spans->len; i++)
        check_text_value (v, ds, el, data, g_array_index (spans, Span, i), i);
      check_vm (v, spans->len);
      return;
    }
  if (!is_binary_vr (el->vr))
    return;
  if (len % size != 0)
    add_issue (v, "%s is %" G_GSIZE_FORMAT " bytes long, which is not a multiple of %"
               G_GSIZE_FORMAT ", the size of one %s value.", v->name, len, size,
               dcm_vr_name (el->vr));
  if (dcm_vr_kind (el->vr) != DCM_VR_KIND_BULK)
    check_vm (v, (guint) (len / size));
}

static void validate_into (GPtrArray *issues, DcmDataSet *ds, const char *prefix);

static void
validate_element (GPtrArray *issues, DcmDataSet *ds, const DcmElement *el, const char *prefix)
{
  g_autofree char *path = g_strdup_printf ("%s(%04X,%04X)", prefix, DCM_TAG_GROUP (el->tag),
                                           DCM_TAG_ELEMENT (el->tag));
  Validator v = { issues, path, el->tag, dcm_describe_tag (el->tag) };

  if (el->kind == DCM_VALUE_BYTES)
    check_element_value (&v, ds, el);
  else if (el->kind == DCM_VALUE_ITEMS)
    for (guint i = 0; i < el->value.items->len; i++)
      {
        g_autofree char *item_prefix = g_strdup_printf ("%s[%u].", path, i);
        validate_into (issues, g_ptr_array_index (el->value.items, i), item_prefix);
      }
  g_free (v.name);
}

static void
validate_into (GPtrArray *issues, DcmDataSet *ds, const char *prefix)
{
  for (guint i = 0; i < ds->elements->len; i++)
    validate_element (issues, ds, &g_array_index (ds->elements, DcmElement, i), prefix);
}

GPtrArray *
dcm_data_set_validate (DcmDataSet *ds)
{
  GPtrArray *issues = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_validation_issue_free);

  validate_into (issues, ds, "");
  return issues;
}
