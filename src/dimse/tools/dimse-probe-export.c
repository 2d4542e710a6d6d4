/* dimse-probe-export.c — the probe's answers in words, as JSON and as CSV */
#include "config.h"

#include "dimse-probe-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dcm-uid.h"
#include "dimse-pdu.h"

gboolean
dimse_probe_sop_class_is_qr_find (const char *sop_class_uid)
{
  return g_strcmp0 (sop_class_uid, DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND) == 0
         || g_strcmp0 (sop_class_uid, DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND) == 0
         || g_strcmp0 (sop_class_uid,
                       DCM_UID_PATIENT_STUDY_ONLY_QUERY_RETRIEVE_INFORMATION_MODEL_FIND) == 0;
}

gboolean
dimse_probe_sop_class_is_qr_retrieve (const char *sop_class_uid)
{
  static const char *const uids[] = {
    DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
    DCM_UID_PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
    DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
    DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
    DCM_UID_PATIENT_STUDY_ONLY_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
    DCM_UID_PATIENT_STUDY_ONLY_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
  };

  for (guint i = 0; i < G_N_ELEMENTS (uids); i++)
    if (g_strcmp0 (sop_class_uid, uids[i]) == 0)
      return TRUE;
  return FALSE;
}

/* ---- in words ---- */

char *
dimse_probe_entry_describe_result (const DimseProbeEntry *entry)
{
  if (!entry->answered)
    return g_strdup ("not asked");
  if (entry->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE)
    return g_strdup ("accepted");
  return g_strdup_printf ("rejected: %s",
                          dimse_presentation_context_result_to_string (entry->result));
}

const char *
dimse_probe_role_to_string (DimseRole roles)
{
  switch (roles & DIMSE_ROLE_BOTH)
    {
    case DIMSE_ROLE_SCU: return "SCU";
    case DIMSE_ROLE_SCP: return "SCP";
    case DIMSE_ROLE_BOTH: return "SCU and SCP";
    default: return "none";
    }
}

typedef struct {
  const char *name;
  const char *no;
  const char *yes;
} OptionWords;

/* PS3.4 Table C.5-2 (C-FIND) */
static const OptionWords find_words[] = {
  { "relational-queries", "not supported", "supported" },
  { "combined date-time matching", "not performed", "performed" },
  { "fuzzy semantic matching of person names", "not performed", "performed" },
  { "timezone query adjustment", "not performed", "performed" },
};

/* PS3.4 §C.5.2.1 and §C.5.3.1 (C-MOVE, C-GET) */
static const OptionWords retrieve_words[] = {
  { "relational-retrieval", "not supported", "supported" },
  { "enhanced multi-frame image conversion", "not supported", "supported" },
};

char *
dimse_probe_extended_negotiation_describe (const DimseProbeExtendedNegotiation *en)
{
  const OptionWords *words = NULL;
  guint n_words = 0;
  const guint8 *bytes;
  gsize size = 0;
  GString *s;

  if (en->answer == NULL)
    return g_strdup ("no answer");
  if (dimse_probe_sop_class_is_qr_find (en->sop_class_uid))
    {
      words = find_words;
      n_words = G_N_ELEMENTS (find_words);
    }
  else if (dimse_probe_sop_class_is_qr_retrieve (en->sop_class_uid))
    {
      words = retrieve_words;
      n_words = G_N_ELEMENTS (retrieve_words);
    }
  bytes = g_bytes_get_data (en->answer, &size);
  s = g_string_new (NULL);
  for (gsize i = 0; i < size; i++)
    {
      if (s->len > 0)
        g_string_append (s, "; ");
      if (i < n_words && bytes[i] <= 1)
        g_string_append_printf (s, "%s: %s", words[i].name,
                                bytes[i] == 1 ? words[i].yes : words[i].no);
      else if (i < n_words)
        g_string_append_printf (s, "%s: undefined value %u", words[i].name, bytes[i]);
      else
        g_string_append_printf (s, "byte %" G_GSIZE_FORMAT ": %u", i + 1, bytes[i]);
    }
  if (size == 0)
    g_string_append (s, "an empty answer");
  return g_string_free (s, FALSE);
}

static char *
hex_of (GBytes *bytes)
{
  const guint8 *data;
  gsize size = 0;
  GString *s = g_string_new (NULL);

  if (bytes == NULL)
    return g_string_free (s, FALSE);
  data = g_bytes_get_data (bytes, &size);
  for (gsize i = 0; i < size; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

/* ---- JSON ---- */

static void
add_string_or_null (JsonBuilder *b, const char *value)
{
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_entry (JsonBuilder *b, const DimseProbeEntry *entry)
{
  g_autofree char *result = dimse_probe_entry_describe_result (entry);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sop_class_uid");
  json_builder_add_string_value (b, entry->sop_class_uid);
  json_builder_set_member_name (b, "sop_class");
  json_builder_add_string_value (b, dcm_uid_name (entry->sop_class_uid));
  json_builder_set_member_name (b, "transfer_syntax_uid");
  json_builder_add_string_value (b, entry->transfer_syntax_uid);
  json_builder_set_member_name (b, "transfer_syntax");
  json_builder_add_string_value (b, dcm_uid_name (entry->transfer_syntax_uid));
  json_builder_set_member_name (b, "service");
  json_builder_add_string_value (b, dimse_probe_service_to_string (entry->service));
  json_builder_set_member_name (b, "association");
  json_builder_add_int_value (b, entry->association);
  json_builder_set_member_name (b, "presentation_context_id");
  json_builder_add_int_value (b, entry->presentation_context_id);
  json_builder_set_member_name (b, "accepted");
  json_builder_add_boolean_value (b, entry->answered
                                     && entry->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE);
  json_builder_set_member_name (b, "result");
  if (entry->answered)
    json_builder_add_int_value (b, entry->result);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "result_meaning");
  json_builder_add_string_value (b, result);
  json_builder_set_member_name (b, "proposed_roles");
  json_builder_add_string_value (b, entry->proposed_roles == DIMSE_ROLE_DEFAULT
                                    ? "default"
                                    : dimse_probe_role_to_string (entry->proposed_roles));
  json_builder_set_member_name (b, "requestor_roles");
  json_builder_add_string_value (b, dimse_probe_role_to_string (entry->requestor_roles));
  json_builder_set_member_name (b, "acceptor_roles");
  json_builder_add_string_value (b, dimse_probe_role_to_string (entry->acceptor_roles));
  json_builder_end_object (b);
}

static void
add_extended (JsonBuilder *b, const DimseProbeExtendedNegotiation *en)
{
  g_autofree char *proposed = hex_of (en->proposed);
  g_autofree char *answer = hex_of (en->answer);
  g_autofree char *meaning = dimse_probe_extended_negotiation_describe (en);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sop_class_uid");
  json_builder_add_string_value (b, en->sop_class_uid);
  json_builder_set_member_name (b, "sop_class");
  json_builder_add_string_value (b, dcm_uid_name (en->sop_class_uid));
  json_builder_set_member_name (b, "proposed");
  json_builder_add_string_value (b, proposed);
  json_builder_set_member_name (b, "answer");
  if (en->answer != NULL)
    json_builder_add_string_value (b, answer);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "meaning");
  json_builder_add_string_value (b, meaning);
  json_builder_end_object (b);
}

static const char *const user_identity_words[] = {
  "not probed", "accepted with response", "accepted without response", "rejected",
};

static void
add_header (JsonBuilder *b, DimseProbe *probe)
{
  const char *host = NULL;
  guint16 port = 0;
  const char *called = dimse_probe_get_peer_description (probe, &host, &port);

  json_builder_set_member_name (b, "called_ae_title");
  json_builder_add_string_value (b, called);
  json_builder_set_member_name (b, "host");
  json_builder_add_string_value (b, host);
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, port);
  json_builder_set_member_name (b, "associations");
  json_builder_add_int_value (b, dimse_probe_get_n_associations (probe));
  json_builder_set_member_name (b, "implementation_class_uid");
  add_string_or_null (b, dimse_probe_get_peer_implementation_class_uid (probe));
  json_builder_set_member_name (b, "implementation_version_name");
  add_string_or_null (b, dimse_probe_get_peer_implementation_version_name (probe));
  json_builder_set_member_name (b, "max_pdu_length");
  json_builder_add_int_value (b, dimse_probe_get_peer_max_pdu_length (probe));
}

gboolean
dimse_probe_export_json (DimseProbe *probe, GOutputStream *out, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *entries = dimse_probe_get_entries (probe);
  GPtrArray *extended = dimse_probe_get_extended_negotiations (probe);
  const char *description = NULL;
  DimseProbeUserIdentityOutcome outcome = dimse_probe_get_user_identity (probe, &description);
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  add_header (b, probe);
  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    add_entry (b, entries->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "extended_negotiations");
  json_builder_begin_array (b);
  for (guint i = 0; i < extended->len; i++)
    add_extended (b, extended->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "user_identity");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, user_identity_words[outcome]);
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, description);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return g_output_stream_write_all (out, text, strlen (text), NULL, cancellable, error)
         && g_output_stream_write_all (out, "\n", 1, NULL, cancellable, error);
}

/* ---- CSV ---- */

/* RFC 4180 §2: a field with a comma, quote or line break goes in quotes,
 * its quotes doubled. */
static void
append_field (GString *line, const char *value, gboolean last)
{
  if (strpbrk (value, ",\"\r\n") != NULL)
    {
      g_string_append_c (line, '"');
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (line, '"');
          g_string_append_c (line, *p);
        }
      g_string_append_c (line, '"');
    }
  else
    g_string_append (line, value);
  g_string_append (line, last ? "\r\n" : ",");
}

gboolean
dimse_probe_export_csv (DimseProbe *probe, GOutputStream *out, GCancellable *cancellable,
                        GError **error)
{
  GPtrArray *entries = dimse_probe_get_entries (probe);
  g_autoptr(GString) text =
    g_string_new ("sop_class_uid,sop_class,transfer_syntax_uid,transfer_syntax,service,"
                  "association,presentation_context_id,accepted,result,requestor_roles,"
                  "acceptor_roles\r\n");

  for (guint i = 0; i < entries->len; i++)
    {
      const DimseProbeEntry *entry = entries->pdata[i];
      g_autofree char *result = dimse_probe_entry_describe_result (entry);
      g_autofree char *association = g_strdup_printf ("%u", entry->association);
      g_autofree char *pc_id = g_strdup_printf ("%u", entry->presentation_context_id);
      gboolean accepted = entry->answered
                          && entry->result == DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE;

      append_field (text, entry->sop_class_uid, FALSE);
      append_field (text, dcm_uid_name (entry->sop_class_uid), FALSE);
      append_field (text, entry->transfer_syntax_uid, FALSE);
      append_field (text, dcm_uid_name (entry->transfer_syntax_uid), FALSE);
      append_field (text, dimse_probe_service_to_string (entry->service), FALSE);
      append_field (text, association, FALSE);
      append_field (text, pc_id, FALSE);
      append_field (text, accepted ? "yes" : "no", FALSE);
      append_field (text, result, FALSE);
      append_field (text, dimse_probe_role_to_string (entry->requestor_roles), FALSE);
      append_field (text, dimse_probe_role_to_string (entry->acceptor_roles), TRUE);
    }
  return g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, error);
}
