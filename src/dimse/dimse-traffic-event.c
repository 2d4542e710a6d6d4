/* dimse-traffic-event.c — one recorded PDU, DIMSE message or association
 * note, with read-only properties the application binds to */
#include "dimse-recorder-private.h"

struct _DimseTrafficEvent {
  GObject                parent_instance;
  gint64                 timestamp;
  guint                  association_id;
  DimseTrafficDirection  direction;
  DimseTrafficKind       kind;
  guint8                 pdu_type;
  gboolean               malformed;
  gboolean               ends_association;
  guint64                length;
  char                  *summary;
  char                  *details;
  GBytes                *raw_bytes;
  DimseCommandField      command_field;
  guint16                message_id;
  gboolean               has_status;
  guint16                status;
  guint8                 presentation_context_id;
  char                  *move_originator_ae_title;
  guint16                move_originator_message_id;
  GBytes                *data_set;
  const DcmTransferSyntax *data_set_ts;
  gboolean               has_transport;
  DimseTlsInfo          *tls;
};

G_DEFINE_FINAL_TYPE (DimseTrafficEvent, dimse_traffic_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIMESTAMP,
  PROP_ASSOCIATION_ID,
  PROP_DIRECTION,
  PROP_KIND,
  PROP_PDU_TYPE,
  PROP_LENGTH,
  PROP_SUMMARY,
  PROP_DETAILS,
  PROP_RAW_BYTES,
  PROP_MALFORMED,
  PROP_COMMAND_FIELD,
  PROP_MESSAGE_ID,
  PROP_HAS_STATUS,
  PROP_STATUS,
  PROP_PRESENTATION_CONTEXT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the enums ---- */

static const GEnumValue direction_values[] = {
  { DIMSE_TRAFFIC_DIRECTION_NONE, "DIMSE_TRAFFIC_DIRECTION_NONE", "none" },
  { DIMSE_TRAFFIC_DIRECTION_SENT, "DIMSE_TRAFFIC_DIRECTION_SENT", "sent" },
  { DIMSE_TRAFFIC_DIRECTION_RECEIVED, "DIMSE_TRAFFIC_DIRECTION_RECEIVED", "received" },
  { 0, NULL, NULL },
};

static const GEnumValue kind_values[] = {
  { DIMSE_TRAFFIC_KIND_PDU, "DIMSE_TRAFFIC_KIND_PDU", "pdu" },
  { DIMSE_TRAFFIC_KIND_MESSAGE, "DIMSE_TRAFFIC_KIND_MESSAGE", "message" },
  { DIMSE_TRAFFIC_KIND_NOTE, "DIMSE_TRAFFIC_KIND_NOTE", "note" },
  { 0, NULL, NULL },
};

static GType
register_enum (gsize *type_id, const char *name, const GEnumValue *values)
{
  if (g_once_init_enter (type_id))
    g_once_init_leave (type_id, g_enum_register_static (name, values));
  return *type_id;
}

/* The nick of value, or fallback for a value outside the enum. */
static const char *
enum_nick (const GEnumValue *values, gint value, const char *fallback)
{
  for (guint i = 0; values[i].value_name != NULL; i++)
    if (values[i].value == value)
      return values[i].value_nick;
  return fallback;
}

GType
dimse_traffic_direction_get_type (void)
{
  static gsize type_id = 0;

  return register_enum (&type_id, "DimseTrafficDirection", direction_values);
}

GType
dimse_traffic_kind_get_type (void)
{
  static gsize type_id = 0;

  return register_enum (&type_id, "DimseTrafficKind", kind_values);
}

const char *
dimse_traffic_direction_to_string (DimseTrafficDirection direction)
{
  return enum_nick (direction_values, direction, "none");
}

const char *
dimse_traffic_kind_to_string (DimseTrafficKind kind)
{
  return enum_nick (kind_values, kind, "note");
}

/* ---- the object ---- */

static void
dimse_traffic_event_finalize (GObject *object)
{
  DimseTrafficEvent *self = DIMSE_TRAFFIC_EVENT (object);

  g_free (self->summary);
  g_free (self->details);
  g_clear_pointer (&self->raw_bytes, g_bytes_unref);
  g_clear_pointer (&self->data_set, g_bytes_unref);
  g_free (self->move_originator_ae_title);
  g_clear_pointer (&self->tls, dimse_tls_info_unref);
  G_OBJECT_CLASS (dimse_traffic_event_parent_class)->finalize (object);
}

static void
dimse_traffic_event_get_property (GObject *object, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
  DimseTrafficEvent *self = DIMSE_TRAFFIC_EVENT (object);

  switch (prop_id)
    {
    case PROP_TIMESTAMP: g_value_set_int64 (value, self->timestamp); break;
    case PROP_ASSOCIATION_ID: g_value_set_uint (value, self->association_id); break;
    case PROP_DIRECTION: g_value_set_enum (value, self->direction); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_PDU_TYPE: g_value_set_uint (value, self->pdu_type); break;
    case PROP_LENGTH: g_value_set_uint64 (value, self->length); break;
    case PROP_SUMMARY: g_value_set_string (value, self->summary); break;
    case PROP_DETAILS: g_value_set_string (value, self->details); break;
    case PROP_RAW_BYTES: g_value_set_boxed (value, self->raw_bytes); break;
    case PROP_MALFORMED: g_value_set_boolean (value, self->malformed); break;
    case PROP_COMMAND_FIELD: g_value_set_uint (value, self->command_field); break;
    case PROP_MESSAGE_ID: g_value_set_uint (value, self->message_id); break;
    case PROP_HAS_STATUS: g_value_set_boolean (value, self->has_status); break;
    case PROP_STATUS: g_value_set_uint (value, self->status); break;
    case PROP_PRESENTATION_CONTEXT_ID: g_value_set_uint (value, self->presentation_context_id);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
uint_property (const char *name, guint max)
{
  return g_param_spec_uint (name, NULL, NULL, 0, max, 0,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_property (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
dimse_traffic_event_class_init (DimseTrafficEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dimse_traffic_event_finalize;
  object_class->get_property = dimse_traffic_event_get_property;

  properties[PROP_TIMESTAMP] = g_param_spec_int64 ("timestamp", NULL, NULL, 0, G_MAXINT64, 0,
                                                   flags);
  properties[PROP_ASSOCIATION_ID] = uint_property ("association-id", G_MAXUINT);
  properties[PROP_DIRECTION] = g_param_spec_enum ("direction", NULL, NULL,
                                                  DIMSE_TYPE_TRAFFIC_DIRECTION,
                                                  DIMSE_TRAFFIC_DIRECTION_NONE, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, DIMSE_TYPE_TRAFFIC_KIND,
                                             DIMSE_TRAFFIC_KIND_PDU, flags);
  properties[PROP_PDU_TYPE] = uint_property ("pdu-type", G_MAXUINT8);
  properties[PROP_LENGTH] = g_param_spec_uint64 ("length", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_SUMMARY] = string_property ("summary");
  properties[PROP_DETAILS] = string_property ("details");
  properties[PROP_RAW_BYTES] = g_param_spec_boxed ("raw-bytes", NULL, NULL, G_TYPE_BYTES,
                                                   flags | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MALFORMED] = boolean_property ("malformed");
  properties[PROP_COMMAND_FIELD] = uint_property ("command-field", G_MAXUINT16);
  properties[PROP_MESSAGE_ID] = uint_property ("message-id", G_MAXUINT16);
  properties[PROP_HAS_STATUS] = boolean_property ("has-status");
  properties[PROP_STATUS] = uint_property ("status", G_MAXUINT16);
  properties[PROP_PRESENTATION_CONTEXT_ID] = uint_property ("presentation-context-id",
                                                            G_MAXUINT8);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dimse_traffic_event_init (DimseTrafficEvent *self)
{
}

/* ---- construction, for the recorder ---- */

DimseTrafficEvent *
dimse_traffic_event_new (gint64 timestamp, guint association_id,
                         DimseTrafficDirection direction, DimseTrafficKind kind)
{
  DimseTrafficEvent *self = g_object_new (DIMSE_TYPE_TRAFFIC_EVENT, NULL);

  self->timestamp = timestamp;
  self->association_id = association_id;
  self->direction = direction;
  self->kind = kind;
  return self;
}

void
dimse_traffic_event_take_text (DimseTrafficEvent *event, char *summary, char *details)
{
  g_free (event->summary);
  g_free (event->details);
  event->summary = summary;
  event->details = details;
}

void
dimse_traffic_event_set_pdu (DimseTrafficEvent *event, guint8 pdu_type, guint64 length,
                             GBytes *raw_bytes, gboolean malformed)
{
  event->pdu_type = pdu_type;
  event->length = length;
  event->malformed = malformed;
  g_clear_pointer (&event->raw_bytes, g_bytes_unref);
  event->raw_bytes = raw_bytes != NULL ? g_bytes_ref (raw_bytes) : NULL;
}

void
dimse_traffic_event_set_message (DimseTrafficEvent *event, DimseCommandField field,
                                 guint16 message_id, gboolean has_status, guint16 status,
                                 guint8 presentation_context_id, guint64 length)
{
  event->command_field = field;
  event->message_id = message_id;
  event->has_status = has_status;
  event->status = status;
  event->presentation_context_id = presentation_context_id;
  event->length = length;
}

void
dimse_traffic_event_mark_end (DimseTrafficEvent *event)
{
  event->ends_association = TRUE;
}

gboolean
dimse_traffic_event_is_end (DimseTrafficEvent *event)
{
  return event->ends_association;
}

void
dimse_traffic_event_set_transport (DimseTrafficEvent *event, DimseTlsInfo *tls)
{
  event->has_transport = TRUE;
  g_clear_pointer (&event->tls, dimse_tls_info_unref);
  event->tls = tls != NULL ? dimse_tls_info_ref (tls) : NULL;
}

gboolean
dimse_traffic_event_get_transport (DimseTrafficEvent *event, DimseTlsInfo **tls)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), FALSE);
  if (tls != NULL)
    *tls = event->tls;
  return event->has_transport;
}

/* The recorder drops a data set on its own context while the UI thread may
 * be taking it: the data set changes, and is read, under this lock. */
G_LOCK_DEFINE_STATIC (data_set);

void
dimse_traffic_event_set_data_set (DimseTrafficEvent *event, GBytes *data_set,
                                  const DcmTransferSyntax *ts)
{
  g_autoptr(GBytes) old = NULL;

  G_LOCK (data_set);
  old = g_steal_pointer (&event->data_set);
  event->data_set = data_set != NULL ? g_bytes_ref (data_set) : NULL;
  event->data_set_ts = data_set != NULL ? ts : NULL;
  G_UNLOCK (data_set);
}

gsize
dimse_traffic_event_get_held_bytes (DimseTrafficEvent *event)
{
  return (event->raw_bytes != NULL ? g_bytes_get_size (event->raw_bytes) : 0)
         + (event->data_set != NULL ? g_bytes_get_size (event->data_set) : 0);
}

gsize
dimse_traffic_event_drop_raw_bytes (DimseTrafficEvent *event)
{
  gsize size = dimse_traffic_event_get_held_bytes (event);

  dimse_traffic_event_set_data_set (event, NULL, NULL);
  if (event->raw_bytes == NULL)
    return size;
  g_clear_pointer (&event->raw_bytes, g_bytes_unref);
  g_object_notify_by_pspec (G_OBJECT (event), properties[PROP_RAW_BYTES]);
  return size;
}

/* ---- getters ---- */

gint64
dimse_traffic_event_get_timestamp (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), 0);
  return event->timestamp;
}

guint
dimse_traffic_event_get_association_id (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), 0);
  return event->association_id;
}

DimseTrafficDirection
dimse_traffic_event_get_direction (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), DIMSE_TRAFFIC_DIRECTION_NONE);
  return event->direction;
}

DimseTrafficKind
dimse_traffic_event_get_kind (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), DIMSE_TRAFFIC_KIND_NOTE);
  return event->kind;
}

guint8
dimse_traffic_event_get_pdu_type (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), 0);
  return event->pdu_type;
}

guint64
dimse_traffic_event_get_length (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), 0);
  return event->length;
}

const char *
dimse_traffic_event_get_summary (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), NULL);
  return event->summary;
}

const char *
dimse_traffic_event_get_details (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), NULL);
  return event->details;
}

GBytes *
dimse_traffic_event_get_raw_bytes (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), NULL);
  return event->raw_bytes;
}

GBytes *
dimse_traffic_event_dup_data_set (DimseTrafficEvent *event, const DcmTransferSyntax **out_ts)
{
  GBytes *data_set;

  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), NULL);
  G_LOCK (data_set);
  data_set = event->data_set != NULL ? g_bytes_ref (event->data_set) : NULL;
  if (out_ts != NULL)
    *out_ts = event->data_set_ts;
  G_UNLOCK (data_set);
  return data_set;
}

gboolean
dimse_traffic_event_get_malformed (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), FALSE);
  return event->malformed;
}

DimseCommandField
dimse_traffic_event_get_command_field (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), DIMSE_COMMAND_NONE);
  return event->command_field;
}

guint16
dimse_traffic_event_get_message_id (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), 0);
  return event->message_id;
}

gboolean
dimse_traffic_event_get_has_status (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), FALSE);
  return event->has_status;
}

guint16
dimse_traffic_event_get_status (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), 0);
  return event->status;
}

guint8
dimse_traffic_event_get_presentation_context_id (DimseTrafficEvent *event)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), 0);
  return event->presentation_context_id;
}

void
dimse_traffic_event_set_move_originator (DimseTrafficEvent *event, const char *ae_title,
                                         guint16 message_id)
{
  g_free (event->move_originator_ae_title);
  event->move_originator_ae_title = g_strdup (ae_title);
  event->move_originator_message_id = message_id;
}

gboolean
dimse_traffic_event_get_move_originator (DimseTrafficEvent *event, const char **ae_title,
                                         guint16 *message_id)
{
  g_return_val_if_fail (DIMSE_IS_TRAFFIC_EVENT (event), FALSE);
  if (event->move_originator_ae_title == NULL)
    return FALSE;
  if (ae_title != NULL)
    *ae_title = event->move_originator_ae_title;
  if (message_id != NULL)
    *message_id = event->move_originator_message_id;
  return TRUE;
}

void
dimse_traffic_event_set_timestamp (DimseTrafficEvent *event, gint64 timestamp)
{
  event->timestamp = timestamp;
}
