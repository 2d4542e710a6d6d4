/* dimse-nservice-provider.c — the DIMSE-N service provider over a
 * registry of managed SOP instances (PS3.7 §10.1, statuses of Annex C) */
#include "config.h"

#include <stdarg.h>

#include "dimse-nservice-private.h"

#include "dcm-uid.h"
#include "dimse-error.h"

G_DEFINE_FINAL_TYPE (DimseNProvider, dimse_n_provider, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, SIGNAL_EVENT_REPORT, N_SIGNALS };
static guint signals[N_SIGNALS];

void
dimse_n_provider_emit_changed (DimseNProvider *self, const char *sop_class_uid,
                               const char *sop_instance_uid, DimseCommandField command)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, sop_class_uid, sop_instance_uid,
                 (guint) command);
}

void
dimse_n_provider_emit_event_report (DimseNProvider *self, DimseAssociation *assoc,
                                    const char *sop_class_uid, const char *sop_instance_uid,
                                    guint16 event_type_id, DcmDataSet *event_information)
{
  g_signal_emit (self, signals[SIGNAL_EVENT_REPORT], 0, assoc, sop_class_uid,
                 sop_instance_uid, (guint) event_type_id, event_information);
}

static void
class_entry_free (ClassEntry *entry)
{
  if (entry->destroy != NULL)
    entry->destroy (entry->user_data);
  g_clear_pointer (&entry->settable, g_array_unref);
  g_free (entry);
}

static void
instance_free (Instance *instance)
{
  g_free (instance->sop_class_uid);
  g_clear_pointer (&instance->attributes, dcm_data_set_unref);
  g_free (instance);
}

static void
dimse_n_provider_finalize (GObject *object)
{
  DimseNProvider *self = DIMSE_N_PROVIDER (object);

  g_clear_pointer (&self->classes, g_hash_table_unref);
  g_clear_pointer (&self->instances, g_hash_table_unref);
  g_clear_pointer (&self->authorized, g_hash_table_unref);
  G_OBJECT_CLASS (dimse_n_provider_parent_class)->finalize (object);
}

static void
dimse_n_provider_class_init (DimseNProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dimse_n_provider_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT);
  signals[SIGNAL_EVENT_REPORT] =
    g_signal_new ("event-report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 5, DIMSE_TYPE_ASSOCIATION, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_UINT, DCM_TYPE_DATA_SET);
}

static void
dimse_n_provider_init (DimseNProvider *self)
{
  self->classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) class_entry_free);
  self->instances = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) instance_free);
}

DimseNProvider *
dimse_n_provider_new (void)
{
  return g_object_new (DIMSE_TYPE_N_PROVIDER, NULL);
}

/* ---- replies ---- */

void
dimse_n_reply_set_status (DimseNReply *reply, guint16 status, const char *format, ...)
{
  reply->status = status;
  g_clear_pointer (&reply->error_comment, g_free);
  if (format != NULL)
    {
      va_list args;

      va_start (args, format);
      reply->error_comment = g_strdup_vprintf (format, args);
      va_end (args);
    }
}

void
dimse_n_reply_set_error_id (DimseNReply *reply, guint16 error_id)
{
  reply->error_id = error_id;
  reply->has_error_id = TRUE;
}

void
dimse_n_reply_add_attribute (DimseNReply *reply, guint32 tag)
{
  if (reply->attribute_identifiers == NULL)
    reply->attribute_identifiers = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_val (reply->attribute_identifiers, tag);
}

void
dimse_n_reply_take_data_set (DimseNReply *reply, DcmDataSet *data_set)
{
  g_clear_pointer (&reply->data_set, dcm_data_set_unref);
  reply->data_set = data_set;
}

/* ---- configuration and registry ---- */

void
dimse_n_provider_add_sop_class (DimseNProvider *provider, const char *sop_class_uid,
                                DimseNOperations ops, const DimseNClassHandler *handler,
                                gpointer user_data, GDestroyNotify destroy)
{
  ClassEntry *entry;

  g_return_if_fail (DIMSE_IS_N_PROVIDER (provider));
  g_return_if_fail (sop_class_uid != NULL);

  entry = g_new0 (ClassEntry, 1);
  entry->ops = ops;
  if (handler != NULL)
    entry->handler = *handler;
  entry->user_data = user_data;
  entry->destroy = destroy;
  g_hash_table_replace (provider->classes, g_strdup (sop_class_uid), entry);
}

gboolean
dimse_n_provider_has_sop_class (DimseNProvider *provider, const char *sop_class_uid)
{
  g_return_val_if_fail (DIMSE_IS_N_PROVIDER (provider), FALSE);

  return g_hash_table_contains (provider->classes, sop_class_uid);
}

void
dimse_n_provider_set_settable_attributes (DimseNProvider *provider, const char *sop_class_uid,
                                          const guint32 *tags, guint n_tags)
{
  ClassEntry *entry = g_hash_table_lookup (provider->classes, sop_class_uid);

  g_return_if_fail (entry != NULL);
  g_clear_pointer (&entry->settable, g_array_unref);
  entry->settable = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_tags);
  g_array_append_vals (entry->settable, tags, n_tags);
}

void
dimse_n_provider_set_max_instances (DimseNProvider *provider, const char *sop_class_uid,
                                    guint max_instances)
{
  ClassEntry *entry = g_hash_table_lookup (provider->classes, sop_class_uid);

  g_return_if_fail (entry != NULL);
  entry->max_instances = max_instances;
}

void
dimse_n_provider_add_authorized_ae_title (DimseNProvider *provider, const char *ae_title)
{
  g_return_if_fail (DIMSE_IS_N_PROVIDER (provider));

  if (provider->authorized == NULL)
    provider->authorized = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (provider->authorized, g_strstrip (g_strdup (ae_title)));
}

gboolean
dimse_n_provider_add_instance (DimseNProvider *provider, const char *sop_class_uid,
                               const char *sop_instance_uid, DcmDataSet *attributes,
                               GError **error)
{
  Instance *instance;

  g_return_val_if_fail (DIMSE_IS_N_PROVIDER (provider), FALSE);
  g_return_val_if_fail (sop_class_uid != NULL && sop_instance_uid != NULL, FALSE);

  if (!g_hash_table_contains (provider->classes, sop_class_uid))
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_MESSAGE_INVALID,
                   "%s is not managed here, so no instance of it can be added.",
                   dcm_uid_name (sop_class_uid));
      return FALSE;
    }
  if (g_hash_table_contains (provider->instances, sop_instance_uid))
    {
      g_set_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT,
                   "The SOP instance %s is managed already.", sop_instance_uid);
      return FALSE;
    }
  instance = g_new0 (Instance, 1);
  instance->sop_class_uid = g_strdup (sop_class_uid);
  instance->attributes = attributes != NULL ? dcm_data_set_copy (attributes)
                                            : dcm_data_set_new ();
  g_hash_table_insert (provider->instances, g_strdup (sop_instance_uid), instance);
  return TRUE;
}

DcmDataSet *
dimse_n_provider_lookup (DimseNProvider *provider, const char *sop_instance_uid,
                         const char **out_sop_class_uid)
{
  Instance *instance;

  g_return_val_if_fail (DIMSE_IS_N_PROVIDER (provider), NULL);

  instance = sop_instance_uid != NULL
             ? g_hash_table_lookup (provider->instances, sop_instance_uid) : NULL;
  if (instance == NULL)
    return NULL;
  if (out_sop_class_uid != NULL)
    *out_sop_class_uid = instance->sop_class_uid;
  return instance->attributes;
}

gboolean
dimse_n_provider_remove_instance (DimseNProvider *provider, const char *sop_instance_uid)
{
  g_return_val_if_fail (DIMSE_IS_N_PROVIDER (provider), FALSE);

  return g_hash_table_remove (provider->instances, sop_instance_uid);
}

guint
dimse_n_provider_get_n_instances (DimseNProvider *provider, const char *sop_class_uid)
{
  GHashTableIter iter;
  Instance *instance;
  guint n = 0;

  g_return_val_if_fail (DIMSE_IS_N_PROVIDER (provider), 0);

  g_hash_table_iter_init (&iter, provider->instances);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &instance))
    if (g_strcmp0 (instance->sop_class_uid, sop_class_uid) == 0)
      n++;
  return n;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

char **
dimse_n_provider_list_instances (DimseNProvider *provider, const char *sop_class_uid)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  GHashTableIter iter;
  const char *uid;
  Instance *instance;

  g_return_val_if_fail (DIMSE_IS_N_PROVIDER (provider), NULL);

  g_hash_table_iter_init (&iter, provider->instances);
  while (g_hash_table_iter_next (&iter, (gpointer *) &uid, (gpointer *) &instance))
    if (g_strcmp0 (instance->sop_class_uid, sop_class_uid) == 0)
      g_ptr_array_add (uids, g_strdup (uid));
  g_ptr_array_sort (uids, compare_strings);
  g_ptr_array_add (uids, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&uids), FALSE);
}

void
dimse_n_copy_element (DcmDataSet *dst, const DcmElement *element)
{
  DcmElement *copy = dcm_data_set_insert (dst, element->tag, element->vr);

  switch (element->kind)
    {
    case DCM_VALUE_EMPTY:
      break;
    case DCM_VALUE_BYTES:
      dcm_element_take_bytes (copy, g_bytes_ref (element->value.bytes));
      break;
    case DCM_VALUE_ITEMS:
      for (guint i = 0; i < element->value.items->len; i++)
        dcm_data_set_append_item (dst, copy, dcm_data_set_copy (element->value.items->pdata[i]));
      break;
    case DCM_VALUE_FRAGMENTS:
      {
        GPtrArray *fragments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

        for (guint i = 0; i < element->value.fragments->len; i++)
          g_ptr_array_add (fragments, g_bytes_ref (element->value.fragments->pdata[i]));
        dcm_element_take_fragments (copy, fragments);
      }
      break;
    case DCM_VALUE_BULK:
      dcm_element_take_bulk (copy, dcm_bulk_ref_copy (element->value.bulk));
      break;
    }
}
