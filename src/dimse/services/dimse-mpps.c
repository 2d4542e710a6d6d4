/* dimse-mpps.c — Modality Performed Procedure Step (PS3.4 Annex F.7) as
 * SCU and as SCP */
#include "config.h"

#include "dimse-mpps.h"

#include "dcm-dict.h"
#include "dcm-tags.h"
#include "dcm-uid.h"
#include "dcm-uids.h"

/* PS3.7 Annex C */
#define STATUS_NO_SUCH_ATTRIBUTE       0x0105
#define STATUS_INVALID_ATTRIBUTE_VALUE 0x0106
#define STATUS_PROCESSING_FAILURE      0x0110
#define STATUS_MISSING_ATTRIBUTE       0x0120
#define STATUS_MISSING_ATTRIBUTE_VALUE 0x0121
#define STATUS_ATTRIBUTE_VALUE_OUT_OF_RANGE 0x0116

/* PS3.4 Table F.7.2-1: Type 1 at N-CREATE. */
static const guint32 create_type1[] = {
  DCM_TAG_SCHEDULED_STEP_ATTRIBUTES_SEQUENCE,
  DCM_TAG_PERFORMED_STATION_AE_TITLE,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_START_DATE,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_START_TIME,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_ID,
  DCM_TAG_MODALITY,
};

/* PS3.4 Table F.7.2-1: "Not allowed" in N-SET. */
static const guint32 set_not_allowed[] = {
  DCM_TAG_SCHEDULED_STEP_ATTRIBUTES_SEQUENCE,
  DCM_TAG_PATIENT_NAME,
  DCM_TAG_PATIENT_ID,
  DCM_TAG_PATIENT_BIRTH_DATE,
  DCM_TAG_PATIENT_SEX,
  DCM_TAG_REFERENCED_PATIENT_SEQUENCE,
  DCM_TAG_PERFORMED_STATION_AE_TITLE,
  DCM_TAG_PERFORMED_STATION_NAME,
  DCM_TAG_PERFORMED_LOCATION,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_START_DATE,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_START_TIME,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_ID,
  DCM_TAG_MODALITY,
  DCM_TAG_STUDY_ID,
};

/* PS3.4 Table F.7.2-1, "Type Final State" 1. */
static const guint32 final_type1[] = {
  DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE,
  DCM_TAG_PERFORMED_PROCEDURE_STEP_END_TIME,
  DCM_TAG_PERFORMED_SERIES_SEQUENCE,
};

/* ---- SCU ---- */

static gboolean
set_if_absent (DcmDataSet *ds, guint32 tag, const char *value, GError **error)
{
  if (dcm_data_set_contains (ds, tag))
    return TRUE;
  if (value == NULL)
    {
      dcm_data_set_insert (ds, tag, DCM_VR_NONE);
      return TRUE;
    }
  return dcm_data_set_set_string (ds, tag, DCM_VR_NONE, value, error);
}

static char *
now_formatted (const char *format)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, format);
}

gboolean
dimse_mpps_fill_in_progress (DcmDataSet *ds, const char *station_ae_title, GError **error)
{
  g_autofree char *date = now_formatted ("%Y%m%d");
  g_autofree char *time = now_formatted ("%H%M%S");
  g_autofree char *step_id = now_formatted ("PPS%H%M%S");

  if (!dcm_data_set_contains (ds, DCM_TAG_SCHEDULED_STEP_ATTRIBUTES_SEQUENCE))
    {
      g_autoptr(DcmDataSet) item = dcm_data_set_new ();
      g_autofree char *study_uid = dcm_uid_generate ();
      DcmElement *sequence;

      if (!dcm_data_set_set_string (item, DCM_TAG_STUDY_INSTANCE_UID, DCM_VR_NONE, study_uid,
                                    error))
        return FALSE;
      /* Type 2 in the item */
      dcm_data_set_insert (item, DCM_TAG_ACCESSION_NUMBER, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_REQUESTED_PROCEDURE_ID, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_REQUESTED_PROCEDURE_DESCRIPTION, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_SCHEDULED_PROCEDURE_STEP_ID, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_SCHEDULED_PROCEDURE_STEP_DESCRIPTION, DCM_VR_NONE);
      sequence = dcm_data_set_insert (ds, DCM_TAG_SCHEDULED_STEP_ATTRIBUTES_SEQUENCE,
                                      DCM_VR_SQ);
      dcm_data_set_append_item (ds, sequence, g_steal_pointer (&item));
    }
  return set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS, DIMSE_MPPS_IN_PROGRESS,
                        error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_ID, step_id, error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_STATION_AE_TITLE, station_ae_title, error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_START_DATE, date, error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_START_TIME, time, error)
         && set_if_absent (ds, DCM_TAG_MODALITY, "OT", error)
         && set_if_absent (ds, DCM_TAG_PATIENT_NAME, NULL, error)
         && set_if_absent (ds, DCM_TAG_PATIENT_ID, NULL, error)
         && set_if_absent (ds, DCM_TAG_PATIENT_BIRTH_DATE, NULL, error)
         && set_if_absent (ds, DCM_TAG_PATIENT_SEX, NULL, error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE, NULL, error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_TIME, NULL, error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_DESCRIPTION, NULL, error)
         && set_if_absent (ds, DCM_TAG_PERFORMED_SERIES_SEQUENCE, NULL, error);
}

gboolean
dimse_mpps_fill_final (DcmDataSet *ds, const char *status, const char *retrieve_ae_title,
                       GError **error)
{
  g_autofree char *date = now_formatted ("%Y%m%d");
  g_autofree char *time = now_formatted ("%H%M%S");

  if (!dcm_data_set_set_string (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS, DCM_VR_NONE,
                                status, error)
      || !set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE, date, error)
      || !set_if_absent (ds, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_TIME, time, error))
    return FALSE;
  if (dcm_data_set_get_n_items (ds, DCM_TAG_PERFORMED_SERIES_SEQUENCE) == 0)
    {
      g_autoptr(DcmDataSet) item = dcm_data_set_new ();
      g_autofree char *series_uid = dcm_uid_generate ();
      DcmElement *sequence;

      if (!dcm_data_set_set_string (item, DCM_TAG_SERIES_INSTANCE_UID, DCM_VR_NONE, series_uid,
                                    error)
          || !set_if_absent (item, DCM_TAG_RETRIEVE_AE_TITLE, retrieve_ae_title, error))
        return FALSE;
      /* Type 2 in the item */
      dcm_data_set_insert (item, DCM_TAG_PERFORMING_PHYSICIAN_NAME, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_PROTOCOL_NAME, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_OPERATORS_NAME, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_SERIES_DESCRIPTION, DCM_VR_NONE);
      dcm_data_set_insert (item, DCM_TAG_REFERENCED_IMAGE_SEQUENCE, DCM_VR_SQ);
      dcm_data_set_insert (item, DCM_TAG_REFERENCED_NON_IMAGE_COMPOSITE_SOP_INSTANCE_SEQUENCE,
                           DCM_VR_SQ);
      sequence = dcm_data_set_insert (ds, DCM_TAG_PERFORMED_SERIES_SEQUENCE, DCM_VR_SQ);
      dcm_data_set_append_item (ds, sequence, g_steal_pointer (&item));
    }
  return TRUE;
}

void
dimse_mpps_create_async (DimseAssociation *assoc, const char *sop_instance_uid,
                         DcmDataSet *attribute_list, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  dimse_n_create_async (assoc, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP, sop_instance_uid,
                        attribute_list, cancellable, callback, user_data);
}

void
dimse_mpps_set_async (DimseAssociation *assoc, const char *sop_instance_uid,
                      DcmDataSet *modification_list, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  dimse_n_set_async (assoc, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP, sop_instance_uid,
                     modification_list, cancellable, callback, user_data);
}

/* ---- SCP ---- */

/* The value an attribute has after the N-SET: the modification's, or the
 * instance's. */
static const DcmElement *
lookup_after (const DimseNInvocation *inv, guint32 tag)
{
  const DcmElement *element = dcm_data_set_lookup (inv->data_set, tag);

  if (element != NULL || inv->instance == NULL)
    return element;
  return dcm_data_set_lookup (inv->instance, tag);
}

static gboolean
element_is_empty (const DcmElement *element)
{
  return element->kind == DCM_VALUE_EMPTY
         || (element->kind == DCM_VALUE_ITEMS && element->value.items->len == 0);
}

/* 0120H for the first of tags absent, 0121H listing those without a value. */
static gboolean
require (const DimseNInvocation *inv, const guint32 *tags, guint n_tags, const char *when,
         DimseNReply *reply)
{
  for (guint i = 0; i < n_tags; i++)
    if (lookup_after (inv, tags[i]) == NULL)
      {
        const char *name = dcm_dict_keyword (tags[i]);

        dimse_n_reply_add_attribute (reply, tags[i]);
        dimse_n_reply_set_status (reply, STATUS_MISSING_ATTRIBUTE, "%s is missing %s", name,
                                  when);
        return FALSE;
      }
  for (guint i = 0; i < n_tags; i++)
    if (element_is_empty (lookup_after (inv, tags[i])))
      dimse_n_reply_add_attribute (reply, tags[i]);
  if (reply->attribute_identifiers == NULL)
    return TRUE;
  {
    const char *name = dcm_dict_keyword (g_array_index (reply->attribute_identifiers,
                                                        guint32, 0));

    dimse_n_reply_set_status (reply, STATUS_MISSING_ATTRIBUTE_VALUE, "%s has no value %s",
                              name, when);
  }
  return FALSE;
}

static char *
status_after (const DimseNInvocation *inv)
{
  const DcmElement *element = dcm_data_set_lookup (inv->data_set,
                                                   DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS);

  if (element != NULL)
    return dcm_data_set_dup_string (inv->data_set, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS);
  return inv->instance != NULL
         ? dcm_data_set_dup_string (inv->instance, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS)
         : NULL;
}

static void
on_create (const DimseNInvocation *inv, DimseNReply *reply, gpointer user_data)
{
  g_autofree char *status = NULL;
  guint n_steps;

  if (!require (inv, create_type1, G_N_ELEMENTS (create_type1), "at N-CREATE", reply))
    return;
  status = status_after (inv);
  /* PS3.4 §F.7.2.1.2: the SCP creates the step IN PROGRESS only. */
  if (g_strcmp0 (status, DIMSE_MPPS_IN_PROGRESS) != 0)
    {
      dimse_n_reply_add_attribute (reply, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS);
      dimse_n_reply_set_status (reply, STATUS_INVALID_ATTRIBUTE_VALUE,
                                "A new step is IN PROGRESS, not %s", status);
      return;
    }
  n_steps = dcm_data_set_get_n_items (inv->data_set, DCM_TAG_SCHEDULED_STEP_ATTRIBUTES_SEQUENCE);
  for (guint i = 0; i < n_steps; i++)
    {
      DcmDataSet *item = dcm_data_set_get_item (inv->data_set,
                                                DCM_TAG_SCHEDULED_STEP_ATTRIBUTES_SEQUENCE, i);
      g_autofree char *study_uid = dcm_data_set_dup_string (item, DCM_TAG_STUDY_INSTANCE_UID);

      if (study_uid == NULL)
        {
          dimse_n_reply_add_attribute (reply, DCM_TAG_STUDY_INSTANCE_UID);
          dimse_n_reply_set_status (reply, STATUS_MISSING_ATTRIBUTE_VALUE,
                                    "Scheduled Step item %u has no Study Instance UID", i + 1);
          return;
        }
    }
}

static char *
date_time_after (const DimseNInvocation *inv, guint32 date_tag, guint32 time_tag)
{
  DcmDataSet *date_ds = dcm_data_set_contains (inv->data_set, date_tag) ? inv->data_set
                                                                         : inv->instance;
  DcmDataSet *time_ds = dcm_data_set_contains (inv->data_set, time_tag) ? inv->data_set
                                                                         : inv->instance;
  g_autofree char *date = dcm_data_set_dup_string (date_ds, date_tag);
  g_autofree char *time = dcm_data_set_dup_string (time_ds, time_tag);

  if (date == NULL || time == NULL)
    return NULL;
  /* TM may stop after the hour or minute: pad to compare as text */
  return g_strdup_printf ("%s%-13s", date, time);
}

/* An end before the start is kept, with the warning 0116H Attribute Value
 * Out of Range (PS3.7 Annex C) naming the end. */
static void
check_end_after_start (const DimseNInvocation *inv, DimseNReply *reply)
{
  g_autofree char *start = date_time_after (inv, DCM_TAG_PERFORMED_PROCEDURE_STEP_START_DATE,
                                            DCM_TAG_PERFORMED_PROCEDURE_STEP_START_TIME);
  g_autofree char *end = date_time_after (inv, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE,
                                          DCM_TAG_PERFORMED_PROCEDURE_STEP_END_TIME);

  if (start == NULL || end == NULL || g_strcmp0 (end, start) >= 0)
    return;
  dimse_n_reply_add_attribute (reply, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_DATE);
  dimse_n_reply_add_attribute (reply, DCM_TAG_PERFORMED_PROCEDURE_STEP_END_TIME);
  dimse_n_reply_set_status (reply, STATUS_ATTRIBUTE_VALUE_OUT_OF_RANGE,
                            "The step ends before it starts");
}

static void
on_set (const DimseNInvocation *inv, DimseNReply *reply, gpointer user_data)
{
  g_autofree char *current = dcm_data_set_dup_string (inv->instance,
                                                      DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS);
  g_autofree char *status = NULL;
  g_autofree char *when = NULL;

  /* PS3.4 §F.7.2.2.2 and Table F.7.2-2 */
  if (g_strcmp0 (current, DIMSE_MPPS_IN_PROGRESS) != 0)
    {
      dimse_n_reply_set_status (reply, STATUS_PROCESSING_FAILURE,
                                "Performed Procedure Step Object may no longer be updated");
      dimse_n_reply_set_error_id (reply, DIMSE_MPPS_ERROR_ID_NO_LONGER_UPDATABLE);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (set_not_allowed); i++)
    if (dcm_data_set_contains (inv->data_set, set_not_allowed[i]))
      dimse_n_reply_add_attribute (reply, set_not_allowed[i]);
  if (reply->attribute_identifiers != NULL)
    {
      const char *name = dcm_dict_keyword (g_array_index (reply->attribute_identifiers,
                                                          guint32, 0));

      dimse_n_reply_set_status (reply, STATUS_NO_SUCH_ATTRIBUTE, "%s may not be set", name);
      return;
    }
  status = status_after (inv);
  if (g_strcmp0 (status, DIMSE_MPPS_IN_PROGRESS) == 0)
    return;
  if (g_strcmp0 (status, DIMSE_MPPS_COMPLETED) != 0
      && g_strcmp0 (status, DIMSE_MPPS_DISCONTINUED) != 0)
    {
      dimse_n_reply_add_attribute (reply, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS);
      dimse_n_reply_set_status (reply, STATUS_INVALID_ATTRIBUTE_VALUE,
                                "%s is no step status", status != NULL ? status : "(empty)");
      return;
    }
  when = g_strdup_printf ("at %s", status);
  if (require (inv, final_type1, G_N_ELEMENTS (final_type1), when, reply))
    check_end_after_start (inv, reply);
}

void
dimse_mpps_scp_register (DimseNProvider *provider)
{
  static const DimseNClassHandler handler = { .create = on_create, .set = on_set };

  g_return_if_fail (DIMSE_IS_N_PROVIDER (provider));

  dimse_n_provider_add_sop_class (provider, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
                                  DIMSE_N_OP_CREATE | DIMSE_N_OP_SET | DIMSE_N_OP_GET,
                                  &handler, NULL, NULL);
}
