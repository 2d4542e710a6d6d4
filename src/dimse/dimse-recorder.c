/* dimse-recorder.c — the traffic recorder: a GListModel of events kept in a
 * ring bounded by an event count and a budget for their raw bytes */
#include "dimse-recorder-private.h"

#define DEFAULT_SERVER_PORT 104
#define FIRST_CLIENT_PORT   49152

struct _DimseRecorder {
  GObject             parent_instance;
  GMainContext       *context;

  /* The ring: events[(head + i) % capacity] is item i. Only touched on
   * context. */
  DimseTrafficEvent **events;
  guint               capacity;
  guint               head;
  guint               n_events;
  guint               max_events;
  guint64             max_raw_bytes;
  guint64             raw_bytes_held;
  /* Items before this position hold no raw bytes. */
  guint               raw_floor;

  /* Associations may be begun from any thread. */
  GMutex              lock;
  GHashTable         *associations;  /* id → DimseRecorderAssociation* */
  gint                last_association_id;
};

static void dimse_recorder_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DimseRecorder, dimse_recorder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      dimse_recorder_list_model_init))

enum {
  PROP_0,
  PROP_MAX_RAW_BYTES,
  PROP_MAX_EVENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- associations ---- */

static void
association_free (DimseRecorderAssociation *assoc)
{
  g_clear_object (&assoc->local);
  g_clear_object (&assoc->peer);
  g_free (assoc->calling_ae_title);
  g_free (assoc->called_ae_title);
  g_hash_table_unref (assoc->abstract_syntaxes);
  g_clear_pointer (&assoc->tls, dimse_tls_info_unref);
  g_free (assoc);
}

static GInetSocketAddress *
loopback_address (GSocketFamily family, guint16 port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (family);

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
}

static GSocketFamily
address_family (GInetSocketAddress *address)
{
  return g_inet_address_get_family (g_inet_socket_address_get_address (address));
}

gboolean
dimse_recorder_get_endpoints (DimseRecorder *rec, guint association_id,
                              GInetSocketAddress **client, GInetSocketAddress **server,
                              gboolean *is_requestor)
{
  DimseRecorderAssociation *assoc;
  GInetSocketAddress *c = NULL;
  GInetSocketAddress *s = NULL;
  GSocketFamily family;

  *is_requestor = TRUE;
  g_mutex_lock (&rec->lock);
  assoc = g_hash_table_lookup (rec->associations, GUINT_TO_POINTER (association_id));
  if (assoc != NULL)
    {
      *is_requestor = assoc->is_requestor;
      c = assoc->is_requestor ? assoc->local : assoc->peer;
      s = assoc->is_requestor ? assoc->peer : assoc->local;
      c = c != NULL ? g_object_ref (c) : NULL;
      s = s != NULL ? g_object_ref (s) : NULL;
    }
  g_mutex_unlock (&rec->lock);

  /* Both ends of one TCP connection are of one family. */
  family = s != NULL ? address_family (s) : c != NULL ? address_family (c) : G_SOCKET_FAMILY_IPV4;
  if (s == NULL || address_family (s) != family)
    {
      g_clear_object (&s);
      s = loopback_address (family, DEFAULT_SERVER_PORT);
    }
  if (c == NULL || address_family (c) != family)
    {
      g_clear_object (&c);
      c = loopback_address (family, (guint16) (FIRST_CLIENT_PORT + association_id % 16384));
    }
  *client = c;
  *server = s;
  return assoc != NULL;
}

/* ---- the ring ---- */

static DimseTrafficEvent *
ring_at (DimseRecorder *rec, guint position)
{
  return rec->events[(rec->head + position) % rec->capacity];
}

static void
ring_grow (DimseRecorder *rec)
{
  guint capacity = MAX (64, rec->capacity * 2);
  DimseTrafficEvent **events = g_new0 (DimseTrafficEvent *, capacity);

  for (guint i = 0; i < rec->n_events; i++)
    events[i] = ring_at (rec, i);
  g_free (rec->events);
  rec->events = events;
  rec->capacity = capacity;
  rec->head = 0;
}

static void
ring_push (DimseRecorder *rec, DimseTrafficEvent *event)
{
  if (rec->n_events == rec->capacity)
    ring_grow (rec);
  rec->events[(rec->head + rec->n_events) % rec->capacity] = event;
  rec->n_events++;
  rec->raw_bytes_held += dimse_traffic_event_get_held_bytes (event);
}

/* Removes the n oldest events without telling anyone. */
static void
ring_pop (DimseRecorder *rec, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      DimseTrafficEvent *event = ring_at (rec, 0);

      rec->raw_bytes_held -= dimse_traffic_event_get_held_bytes (event);
      rec->events[rec->head] = NULL;
      rec->head = (rec->head + 1) % rec->capacity;
      rec->n_events--;
      g_object_unref (event);
    }
  rec->raw_floor = rec->raw_floor > n ? rec->raw_floor - n : 0;
}

static void
enforce_max_events (DimseRecorder *rec)
{
  guint excess;

  if (rec->n_events <= rec->max_events)
    return;
  excess = rec->n_events - rec->max_events;
  ring_pop (rec, excess);
  g_list_model_items_changed (G_LIST_MODEL (rec), 0, excess, 0);
}

static void
enforce_raw_budget (DimseRecorder *rec)
{
  while (rec->raw_bytes_held > rec->max_raw_bytes && rec->raw_floor < rec->n_events)
    {
      DimseTrafficEvent *event = ring_at (rec, rec->raw_floor);

      rec->raw_bytes_held -= dimse_traffic_event_drop_raw_bytes (event);
      rec->raw_floor++;
    }
}

static void
append_event (DimseRecorder *rec, DimseTrafficEvent *event)
{
  ring_push (rec, event);
  g_list_model_items_changed (G_LIST_MODEL (rec), rec->n_events - 1, 0, 1);
  enforce_max_events (rec);
  enforce_raw_budget (rec);
}

static gboolean
append_event_cb (gpointer data)
{
  gpointer *pair = data;

  append_event (pair[0], g_steal_pointer (&pair[1]));
  return G_SOURCE_REMOVE;
}

static void
pair_free (gpointer data)
{
  gpointer *pair = data;

  g_clear_object (&pair[0]);
  g_clear_object (&pair[1]);
  g_free (pair);
}

/* Takes event. Runs at once when the caller may run the recorder's context,
 * else from an idle on it. */
static void
submit_event (DimseRecorder *rec, DimseTrafficEvent *event)
{
  gpointer *pair = g_new (gpointer, 2);

  pair[0] = g_object_ref (rec);
  pair[1] = event;
  g_main_context_invoke_full (rec->context, G_PRIORITY_DEFAULT, append_event_cb, pair,
                              pair_free);
}

/* ---- GListModel ---- */

static GType
dimse_recorder_get_item_type (GListModel *model)
{
  return DIMSE_TYPE_TRAFFIC_EVENT;
}

static guint
dimse_recorder_get_n_items (GListModel *model)
{
  return DIMSE_RECORDER (model)->n_events;
}

static gpointer
dimse_recorder_get_item (GListModel *model, guint position)
{
  DimseRecorder *rec = DIMSE_RECORDER (model);

  if (position >= rec->n_events)
    return NULL;
  return g_object_ref (ring_at (rec, position));
}

static void
dimse_recorder_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dimse_recorder_get_item_type;
  iface->get_n_items = dimse_recorder_get_n_items;
  iface->get_item = dimse_recorder_get_item;
}

guint
dimse_recorder_n_events (DimseRecorder *rec)
{
  return rec->n_events;
}

DimseTrafficEvent *
dimse_recorder_peek_event (DimseRecorder *rec, guint position)
{
  return position < rec->n_events ? ring_at (rec, position) : NULL;
}

/* ---- the object ---- */

static void
dimse_recorder_finalize (GObject *object)
{
  DimseRecorder *rec = DIMSE_RECORDER (object);

  if (rec->n_events > 0)
    ring_pop (rec, rec->n_events);
  g_free (rec->events);
  g_hash_table_unref (rec->associations);
  g_mutex_clear (&rec->lock);
  g_main_context_unref (rec->context);
  G_OBJECT_CLASS (dimse_recorder_parent_class)->finalize (object);
}

static void
dimse_recorder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DimseRecorder *rec = DIMSE_RECORDER (object);

  switch (prop_id)
    {
    case PROP_MAX_RAW_BYTES: g_value_set_uint64 (value, rec->max_raw_bytes); break;
    case PROP_MAX_EVENTS: g_value_set_uint (value, rec->max_events); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dimse_recorder_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  DimseRecorder *rec = DIMSE_RECORDER (object);

  switch (prop_id)
    {
    case PROP_MAX_RAW_BYTES: dimse_recorder_set_max_raw_bytes (rec, g_value_get_uint64 (value));
      break;
    case PROP_MAX_EVENTS: dimse_recorder_set_max_events (rec, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dimse_recorder_class_init (DimseRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dimse_recorder_finalize;
  object_class->get_property = dimse_recorder_get_property;
  object_class->set_property = dimse_recorder_set_property;
  properties[PROP_MAX_RAW_BYTES] =
    g_param_spec_uint64 ("max-raw-bytes", NULL, NULL, 0, G_MAXUINT64,
                         DIMSE_RECORDER_DEFAULT_MAX_RAW_BYTES, flags);
  properties[PROP_MAX_EVENTS] =
    g_param_spec_uint ("max-events", NULL, NULL, 1, G_MAXUINT, DIMSE_RECORDER_DEFAULT_MAX_EVENTS,
                       flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dimse_recorder_init (DimseRecorder *rec)
{
  rec->context = g_main_context_ref_thread_default ();
  rec->max_events = DIMSE_RECORDER_DEFAULT_MAX_EVENTS;
  rec->max_raw_bytes = DIMSE_RECORDER_DEFAULT_MAX_RAW_BYTES;
  g_mutex_init (&rec->lock);
  rec->associations = g_hash_table_new_full (NULL, NULL, NULL,
                                             (GDestroyNotify) association_free);
}

DimseRecorder *
dimse_recorder_new (void)
{
  return g_object_new (DIMSE_TYPE_RECORDER, NULL);
}

/* ---- limits ---- */

void
dimse_recorder_set_max_raw_bytes (DimseRecorder *rec, guint64 max_raw_bytes)
{
  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  if (rec->max_raw_bytes == max_raw_bytes)
    return;
  rec->max_raw_bytes = max_raw_bytes;
  enforce_raw_budget (rec);
  g_object_notify_by_pspec (G_OBJECT (rec), properties[PROP_MAX_RAW_BYTES]);
}

guint64
dimse_recorder_get_max_raw_bytes (DimseRecorder *rec)
{
  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), 0);
  return rec->max_raw_bytes;
}

guint64
dimse_recorder_get_raw_bytes_held (DimseRecorder *rec)
{
  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), 0);
  return rec->raw_bytes_held;
}

void
dimse_recorder_set_max_events (DimseRecorder *rec, guint max_events)
{
  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  max_events = MAX (max_events, 1);
  if (rec->max_events == max_events)
    return;
  rec->max_events = max_events;
  enforce_max_events (rec);
  g_object_notify_by_pspec (G_OBJECT (rec), properties[PROP_MAX_EVENTS]);
}

guint
dimse_recorder_get_max_events (DimseRecorder *rec)
{
  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), 0);
  return rec->max_events;
}

void
dimse_recorder_clear (DimseRecorder *rec)
{
  guint n;

  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  n = rec->n_events;
  if (n == 0)
    return;
  ring_pop (rec, n);
  g_list_model_items_changed (G_LIST_MODEL (rec), 0, n, 0);
}

/* ---- recording ---- */

static char *
describe_endpoint (GInetSocketAddress *address)
{
  g_autofree char *host = NULL;

  if (address == NULL)
    return g_strdup ("(unknown)");
  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  if (address_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, g_inet_socket_address_get_port (address));
  return g_strdup_printf ("%s:%u", host, g_inet_socket_address_get_port (address));
}

static DimseTrafficEvent *
begin_note (const DimseRecorderAssociation *assoc)
{
  DimseTrafficEvent *event = dimse_traffic_event_new (g_get_real_time (), assoc->id,
                                                      DIMSE_TRAFFIC_DIRECTION_NONE,
                                                      DIMSE_TRAFFIC_KIND_NOTE);
  g_autofree char *local = describe_endpoint (assoc->local);
  g_autofree char *peer = describe_endpoint (assoc->peer);
  const char *role = assoc->is_requestor ? "requestor" : "acceptor";

  dimse_traffic_event_take_text (event,
                                 g_strdup_printf ("Association %u begun as %s, %s → %s",
                                                  assoc->id, role,
                                                  assoc->calling_ae_title,
                                                  assoc->called_ae_title),
                                 g_strdup_printf ("association %u\nrole: %s\nlocal address: %s\n"
                                                  "peer address: %s\ncalling AE title: \"%s\"\n"
                                                  "called AE title: \"%s\"\n", assoc->id, role,
                                                  local, peer, assoc->calling_ae_title,
                                                  assoc->called_ae_title));
  return event;
}

guint
dimse_recorder_begin_association (DimseRecorder *rec, GInetSocketAddress *local,
                                  GInetSocketAddress *peer, const char *calling_ae_title,
                                  const char *called_ae_title, gboolean is_requestor)
{
  return dimse_recorder_begin_association_at (rec, local, peer, calling_ae_title,
                                              called_ae_title, is_requestor, 0);
}

/* timestamp 0: now */
static void
submit_event_at (DimseRecorder *rec, DimseTrafficEvent *event, gint64 timestamp)
{
  if (timestamp != 0)
    dimse_traffic_event_set_timestamp (event, timestamp);
  submit_event (rec, event);
}

gboolean
dimse_recorder_dup_ae_titles (DimseRecorder *rec, guint association_id,
                              char **calling_ae_title, char **called_ae_title)
{
  DimseRecorderAssociation *assoc;

  g_mutex_lock (&rec->lock);
  assoc = g_hash_table_lookup (rec->associations, GUINT_TO_POINTER (association_id));
  *calling_ae_title = assoc != NULL ? g_strdup (assoc->calling_ae_title) : NULL;
  *called_ae_title = assoc != NULL ? g_strdup (assoc->called_ae_title) : NULL;
  g_mutex_unlock (&rec->lock);
  return assoc != NULL;
}

guint
dimse_recorder_begin_association_at (DimseRecorder *rec, GInetSocketAddress *local,
                                     GInetSocketAddress *peer, const char *calling_ae_title,
                                     const char *called_ae_title, gboolean is_requestor,
                                     gint64 timestamp)
{
  DimseRecorderAssociation *assoc;
  DimseTrafficEvent *note;
  guint id;

  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), 0);
  id = (guint) g_atomic_int_add (&rec->last_association_id, 1) + 1;
  assoc = g_new0 (DimseRecorderAssociation, 1);
  assoc->id = id;
  assoc->local = local != NULL ? g_object_ref (local) : NULL;
  assoc->peer = peer != NULL ? g_object_ref (peer) : NULL;
  assoc->calling_ae_title = g_strdup (calling_ae_title != NULL ? calling_ae_title : "");
  assoc->called_ae_title = g_strdup (called_ae_title != NULL ? called_ae_title : "");
  assoc->is_requestor = is_requestor;
  assoc->abstract_syntaxes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  note = begin_note (assoc);

  g_mutex_lock (&rec->lock);
  g_hash_table_insert (rec->associations, GUINT_TO_POINTER (assoc->id), assoc);
  g_mutex_unlock (&rec->lock);
  submit_event_at (rec, note, timestamp);
  return id;
}

void
dimse_recorder_set_addresses (DimseRecorder *rec, guint association_id,
                              GInetSocketAddress *local, GInetSocketAddress *peer)
{
  DimseRecorderAssociation *assoc;
  g_autofree char *local_text = NULL;
  g_autofree char *peer_text = NULL;
  DimseTrafficEvent *event;

  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  g_mutex_lock (&rec->lock);
  assoc = g_hash_table_lookup (rec->associations, GUINT_TO_POINTER (association_id));
  if (assoc != NULL && ((assoc->local == NULL && local != NULL)
                        || (assoc->peer == NULL && peer != NULL)))
    {
      if (assoc->local == NULL && local != NULL)
        assoc->local = g_object_ref (local);
      if (assoc->peer == NULL && peer != NULL)
        assoc->peer = g_object_ref (peer);
      local_text = describe_endpoint (assoc->local);
      peer_text = describe_endpoint (assoc->peer);
    }
  g_mutex_unlock (&rec->lock);
  if (local_text == NULL)
    return;
  event = dimse_traffic_event_new (g_get_real_time (), association_id,
                                   DIMSE_TRAFFIC_DIRECTION_NONE, DIMSE_TRAFFIC_KIND_NOTE);
  dimse_traffic_event_take_text (event,
                                 g_strdup_printf ("Association %u connected: %s → %s",
                                                  association_id, local_text, peer_text),
                                 g_strdup_printf ("association %u\nlocal address: %s\n"
                                                  "peer address: %s\n", association_id,
                                                  local_text, peer_text));
  submit_event (rec, event);
}

void
dimse_recorder_set_transport (DimseRecorder *rec, guint association_id, DimseTlsInfo *tls)
{
  DimseRecorderAssociation *assoc;

  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  g_mutex_lock (&rec->lock);
  assoc = g_hash_table_lookup (rec->associations, GUINT_TO_POINTER (association_id));
  if (assoc != NULL)
    {
      assoc->transport_known = TRUE;
      g_clear_pointer (&assoc->tls, dimse_tls_info_unref);
      assoc->tls = tls != NULL ? dimse_tls_info_ref (tls) : NULL;
    }
  g_mutex_unlock (&rec->lock);
}

gboolean
dimse_recorder_dup_transport (DimseRecorder *rec, guint association_id, DimseTlsInfo **tls)
{
  DimseRecorderAssociation *assoc;
  gboolean known;

  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), FALSE);
  g_return_val_if_fail (tls != NULL, FALSE);
  g_mutex_lock (&rec->lock);
  assoc = g_hash_table_lookup (rec->associations, GUINT_TO_POINTER (association_id));
  known = assoc != NULL && assoc->transport_known;
  *tls = known && assoc->tls != NULL ? dimse_tls_info_ref (assoc->tls) : NULL;
  g_mutex_unlock (&rec->lock);
  return known;
}

void
dimse_recorder_record_pdu (DimseRecorder *rec, guint association_id,
                           DimseTrafficDirection direction, GBytes *raw_pdu)
{
  dimse_recorder_record_pdu_at (rec, association_id, direction, raw_pdu, 0);
}

void
dimse_recorder_record_pdu_at (DimseRecorder *rec, guint association_id,
                              DimseTrafficDirection direction, GBytes *raw_pdu,
                              gint64 timestamp)
{
  DimseTrafficEvent *event;

  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  g_return_if_fail (raw_pdu != NULL);
  g_mutex_lock (&rec->lock);
  event = dimse_recorder_describe_pdu (g_hash_table_lookup (rec->associations,
                                                            GUINT_TO_POINTER (association_id)),
                                       association_id, direction, raw_pdu);
  g_mutex_unlock (&rec->lock);
  submit_event_at (rec, event, timestamp);
}

void
dimse_recorder_record_message (DimseRecorder *rec, guint association_id,
                               DimseTrafficDirection direction,
                               guint8 presentation_context_id, DimseMessage *msg)
{
  dimse_recorder_record_message_at (rec, association_id, direction, presentation_context_id,
                                    msg, 0);
}

void
dimse_recorder_record_message_at (DimseRecorder *rec, guint association_id,
                                  DimseTrafficDirection direction,
                                  guint8 presentation_context_id, DimseMessage *msg,
                                  gint64 timestamp)
{
  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  g_return_if_fail (msg != NULL);
  submit_event_at (rec, dimse_recorder_describe_message (association_id, direction,
                                                         presentation_context_id, msg),
                   timestamp);
}

void
dimse_recorder_end_association (DimseRecorder *rec, guint association_id, const char *reason)
{
  dimse_recorder_end_association_at (rec, association_id, reason, 0);
}

void
dimse_recorder_end_association_at (DimseRecorder *rec, guint association_id,
                                   const char *reason, gint64 timestamp)
{
  DimseTrafficEvent *event;

  g_return_if_fail (DIMSE_IS_RECORDER (rec));
  event = dimse_traffic_event_new (g_get_real_time (), association_id,
                                   DIMSE_TRAFFIC_DIRECTION_NONE, DIMSE_TRAFFIC_KIND_NOTE);
  dimse_traffic_event_take_text (event,
                                 g_strdup_printf ("Association %u ended: %s", association_id,
                                                  reason != NULL ? reason : "no reason given"),
                                 g_strdup_printf ("association %u\nreason: %s\n", association_id,
                                                  reason != NULL ? reason : "no reason given"));
  dimse_traffic_event_mark_end (event);
  submit_event_at (rec, event, timestamp);
}
