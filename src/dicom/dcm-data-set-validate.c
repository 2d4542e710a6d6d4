/* dcm-data-set-validate.c — checking values against their VRs (PS3.5 §6.2) */
#include "dcm-data-set-private.h"

#include <string.h>

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
                  DcmDataSetSpan span, guint index)
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
      const DcmCharset *cs = dcm_data_set_priv_resolve_charset (ds, &unknown);
      g_autofree char *text = unknown ? NULL : dcm_charset_decode (cs, p, len, el->vr, &error);

      if (text == NULL && !unknown)
        add_issue (v, "Value %u of %s cannot be decoded: %s", index + 1, v->name, error->message);
      count = text == NULL ? len
              : el->vr == DCM_VR_PN ? dcm_data_set_priv_longest_group (text) : (gsize) g_utf8_strlen (text, -1);
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
      g_autoptr (GArray) spans = dcm_data_set_priv_string_spans (ds, el, data, len);

      for (guint i = 0; i < spans->len; i++)
        check_text_value (v, ds, el, data, g_array_index (spans, DcmDataSetSpan, i), i);
      check_vm (v, spans->len);
      return;
    }
  if (!dcm_data_set_priv_is_binary_vr (el->vr))
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
  guint n = dcm_data_set_n_elements (ds);

  for (guint i = 0; i < n; i++)
    validate_element (issues, ds, dcm_data_set_nth (ds, i), prefix);
}

GPtrArray *
dcm_data_set_validate (DcmDataSet *ds)
{
  GPtrArray *issues = g_ptr_array_new_with_free_func ((GDestroyNotify) dcm_validation_issue_free);

  validate_into (issues, ds, "");
  return issues;
}
