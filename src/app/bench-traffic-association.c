/* bench-traffic-association.c — one association of the Traffic page,
 * summed up from its recorded events as they arrive */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "bench-traffic-association.h"
#include "dimse-pdu.h"

typedef struct {
  DimseCommandField field;
  guint count;
} ServiceCount;

struct _BenchTrafficAssociation
{
  GObject parent_instance;

  guint id;
  GListStore *items;
  gboolean begun;
  gboolean outgoing;
  char *calling_ae_title;
  char *called_ae_title;
  char *peer_name;
  char *peer_address;
  char *local_address;
  BenchTrafficState state;
  char *result;
  gint64 started;
  gint64 ended;
  gint64 latest;
  guint n_messages[2];          /* sent, received */
  guint64 n_bytes[2];
  GArray *services;             /* ServiceCount */
  char *services_text;
  gboolean has_status;
  DimseStatusClass worst_status;
  gboolean web;                 /* a DICOMweb operation: its items are HTTP requests */
  guint n_linked_sub_operations[2];   /* C-STORE-RQs sent, received */
  guint revision;
};

G_DEFINE_FINAL_TYPE (BenchTrafficAssociation, bench_traffic_association, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REVISION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_result (BenchTrafficAssociation *self, BenchTrafficState state, char *result)
{
  self->state = state;
  g_free (self->result);
  self->result = result;
}

/* ---- reading the recorder's notes ----
 * The begin note's details are "key: value" lines (role, local address,
 * peer address, calling AE title, called AE title); the end note's give
 * the reason. */

static char *
note_value (const char *details, const char *key)
{
  g_auto(GStrv) lines = g_strsplit (details != NULL ? details : "", "\n", -1);
  gsize key_length = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, key_length) == 0 && strncmp (lines[i] + key_length, ": ", 2) == 0)
      {
        char *value = g_strstrip (g_strdup (lines[i] + key_length + 2));
        gsize n = strlen (value);

        if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
          {
            memmove (value, value + 1, n - 2);
            value[n - 2] = '\0';
          }
        if (g_str_equal (value, "(unknown)"))
          g_clear_pointer (&value, g_free);
        return value;
      }
  return NULL;
}

static void
apply_begin (BenchTrafficAssociation *self, BenchTrafficItem *item)
{
  const char *details = bench_traffic_item_get_details (item);
  g_autofree char *role = note_value (details, "role");
  g_autofree char *peer = note_value (details, "peer address");

  self->begun = TRUE;
  self->started = bench_traffic_item_get_timestamp (item);
  self->outgoing = g_strcmp0 (role, "requestor") == 0;
  g_free (self->calling_ae_title);
  self->calling_ae_title = note_value (details, "calling AE title");
  g_free (self->called_ae_title);
  self->called_ae_title = note_value (details, "called AE title");
  g_free (self->local_address);
  self->local_address = note_value (details, "local address");
  if (peer != NULL)
    {
      g_free (self->peer_address);
      self->peer_address = g_steal_pointer (&peer);
    }
  set_result (self, BENCH_TRAFFIC_STATE_REQUESTED, g_strdup (_("Requested")));
}

static void
apply_end (BenchTrafficAssociation *self, BenchTrafficItem *item)
{
  g_autofree char *reason = note_value (bench_traffic_item_get_details (item), "reason");

  self->ended = bench_traffic_item_get_timestamp (item);
  if (self->state == BENCH_TRAFFIC_STATE_REQUESTED || self->state == BENCH_TRAFFIC_STATE_ESTABLISHED)
    set_result (self, BENCH_TRAFFIC_STATE_FAILED,
                reason != NULL ? g_strdup_printf (_("Closed: %s"), reason)
                               : g_strdup (_("Closed")));
}

/* The addresses of an outgoing association, known once it is connected. */
static void
apply_connected (BenchTrafficAssociation *self, BenchTrafficItem *item)
{
  const char *details = bench_traffic_item_get_details (item);
  g_autofree char *local = note_value (details, "local address");
  g_autofree char *peer = note_value (details, "peer address");

  if (local != NULL)
    {
      g_free (self->local_address);
      self->local_address = g_steal_pointer (&local);
    }
  if (peer != NULL)
    {
      g_free (self->peer_address);
      self->peer_address = g_steal_pointer (&peer);
    }
}

/* The words after the PDU's name in the recorder's summary. */
static const char *
summary_words (BenchTrafficItem *item)
{
  DimseTrafficEvent *event = bench_traffic_item_get_event (item);
  const char *summary = bench_traffic_item_get_summary (item);
  const char *name = dimse_pdu_type_to_string (dimse_traffic_event_get_pdu_type (event));

  if (summary != NULL && name != NULL && g_str_has_prefix (summary, name))
    summary += strlen (name);
  while (summary != NULL && *summary == ' ')
    summary++;
  return summary != NULL ? summary : "";
}

static void
apply_pdu (BenchTrafficAssociation *self, BenchTrafficItem *item, guint side)
{
  DimseTrafficEvent *event = bench_traffic_item_get_event (item);

  self->n_bytes[side] += dimse_traffic_event_get_length (event);
  if (dimse_traffic_event_get_malformed (event))
    return;
  switch (dimse_traffic_event_get_pdu_type (event))
    {
    case DIMSE_PDU_ASSOCIATE_AC:
      set_result (self, BENCH_TRAFFIC_STATE_ESTABLISHED, g_strdup (_("Established")));
      break;
    case DIMSE_PDU_ASSOCIATE_RJ:
      set_result (self, BENCH_TRAFFIC_STATE_REJECTED,
                  g_strdup_printf (_("Rejected: %s"), summary_words (item)));
      break;
    case DIMSE_PDU_ABORT:
      set_result (self, BENCH_TRAFFIC_STATE_ABORTED,
                  g_strdup_printf (side == 0 ? _("Aborted by us: %s")
                                             : _("Aborted by the peer: %s"),
                                   summary_words (item)));
      break;
    case DIMSE_PDU_RELEASE_RP:
      if (self->state == BENCH_TRAFFIC_STATE_ESTABLISHED)
        set_result (self, BENCH_TRAFFIC_STATE_RELEASED, g_strdup (_("Released")));
      break;
    default:
      break;
    }
}

static void
update_services_text (BenchTrafficAssociation *self)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < self->services->len; i++)
    {
      ServiceCount *service = &g_array_index (self->services, ServiceCount, i);
      const char *name = dimse_command_field_name (service->field);

      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, name != NULL ? name : "?");
      if (service->count > 1)
        g_string_append_printf (s, " ×%u", service->count);
    }
  g_free (self->services_text);
  self->services_text = g_string_free (s, FALSE);
}

static void
count_service (BenchTrafficAssociation *self, DimseCommandField field)
{
  ServiceCount added = { field, 1 };

  for (guint i = 0; i < self->services->len; i++)
    {
      ServiceCount *service = &g_array_index (self->services, ServiceCount, i);

      if (service->field == field)
        {
          service->count++;
          return;
        }
    }
  g_array_append_val (self->services, added);
}

/* Annex C classes from best to worst, for the page's status filter. */
static guint
status_rank (DimseStatusClass status_class)
{
  switch (status_class)
    {
    case DIMSE_STATUS_SUCCESS:
    case DIMSE_STATUS_PENDING: return 0;
    case DIMSE_STATUS_WARNING: return 1;
    case DIMSE_STATUS_CANCEL: return 2;
    case DIMSE_STATUS_FAILURE:
    default: return 3;
    }
}

static void
apply_message (BenchTrafficAssociation *self, BenchTrafficItem *item, guint side,
               gboolean *services_changed)
{
  DimseTrafficEvent *event = bench_traffic_item_get_event (item);
  DimseCommandField field = dimse_traffic_event_get_command_field (event);

  self->n_messages[side]++;
  if (!dimse_command_field_is_response (field))
    {
      count_service (self, field);
      *services_changed = TRUE;
    }
  if (dimse_traffic_event_get_has_status (event))
    {
      DimseStatusClass status_class = dimse_status_class (dimse_traffic_event_get_status (event));

      if (!self->has_status || status_rank (status_class) > status_rank (self->worst_status))
        self->worst_status = status_class;
      self->has_status = TRUE;
    }
}

/* A DICOMweb request: the operation began when its first request was
 * sent, and its result is the last response's status (RFC 9110 §15). */
static void
apply_web (BenchTrafficAssociation *self, BenchTrafficItem *item)
{
  const char *method = NULL;
  guint status = 0;
  guint64 response_bytes = 0;
  gint64 duration_us = 0;
  gint64 sent;
  DimseStatusClass status_class;

  bench_traffic_item_get_web (item, &method, NULL, &status, &response_bytes, &duration_us);
  sent = bench_traffic_item_get_timestamp (item) - duration_us;
  if (!self->begun)
    {
      self->begun = TRUE;
      self->web = TRUE;
      self->outgoing = TRUE;
      self->started = sent;
    }
  self->started = MIN (self->started, sent);
  self->ended = MAX (self->ended, bench_traffic_item_get_timestamp (item));
  self->n_messages[0]++;
  if (status != 0)
    self->n_messages[1]++;
  self->n_bytes[0] += bench_traffic_item_get_web_exchange (item)->request_bytes;
  self->n_bytes[1] += response_bytes;
  if (status == 0)
    set_result (self, BENCH_TRAFFIC_STATE_FAILED, g_strdup (_("No response")));
  else
    set_result (self, SOUP_STATUS_IS_SUCCESSFUL (status) ? BENCH_TRAFFIC_STATE_RELEASED
                                                         : BENCH_TRAFFIC_STATE_FAILED,
                g_strdup_printf ("HTTP %u %s", status, soup_status_get_phrase (status)));
  status_class = SOUP_STATUS_IS_SUCCESSFUL (status) ? DIMSE_STATUS_SUCCESS : DIMSE_STATUS_FAILURE;
  if (!self->has_status || status_rank (status_class) > status_rank (self->worst_status))
    self->worst_status = status_class;
  self->has_status = TRUE;
  g_free (self->services_text);
  self->services_text = self->n_messages[0] > 1
                        ? g_strdup_printf ("DICOMweb %s ×%u", method, self->n_messages[0])
                        : g_strdup_printf ("DICOMweb %s", method);
}

void
bench_traffic_association_add_items (BenchTrafficAssociation *self, BenchTrafficItem **items,
                                     guint n_items)
{
  gboolean services_changed = FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      BenchTrafficItem *item = items[i];
      DimseTrafficDirection direction = bench_traffic_item_get_direction (item);
      guint side = direction == DIMSE_TRAFFIC_DIRECTION_RECEIVED ? 1 : 0;

      self->latest = MAX (self->latest, bench_traffic_item_get_timestamp (item));
      if (bench_traffic_item_get_web (item, NULL, NULL, NULL, NULL, NULL))
        {
          apply_web (self, item);
          continue;
        }
      switch (bench_traffic_item_get_kind (item))
        {
        case DIMSE_TRAFFIC_KIND_NOTE:
          if (!self->begun)
            apply_begin (self, item);
          else if (g_str_has_prefix (bench_traffic_item_get_summary (item), "Association ")
                   && strstr (bench_traffic_item_get_summary (item), " connected: ") != NULL)
            apply_connected (self, item);
          else
            apply_end (self, item);
          break;
        case DIMSE_TRAFFIC_KIND_PDU:
          apply_pdu (self, item, side);
          break;
        case DIMSE_TRAFFIC_KIND_MESSAGE:
          apply_message (self, item, side, &services_changed);
          break;
        default:
          break;
        }
    }
  if (self->started == 0 && n_items > 0)
    self->started = bench_traffic_item_get_timestamp (items[0]);
  if (services_changed)
    update_services_text (self);
  g_list_store_splice (self->items, g_list_model_get_n_items (G_LIST_MODEL (self->items)), 0,
                       (gpointer *) items, n_items);
  self->revision++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

void
bench_traffic_association_remove_oldest (BenchTrafficAssociation *self, guint n)
{
  n = MIN (n, g_list_model_get_n_items (G_LIST_MODEL (self->items)));
  if (n > 0)
    g_list_store_splice (self->items, 0, n, NULL, 0);
}

void
bench_traffic_association_set_peer (BenchTrafficAssociation *self, const char *name,
                                    const char *address)
{
  g_free (self->peer_name);
  self->peer_name = g_strdup (name);
  if (address != NULL)
    {
      g_free (self->peer_address);
      self->peer_address = g_strdup (address);
    }
  self->revision++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

void
bench_traffic_association_add_linked_sub_operations (BenchTrafficAssociation *self,
                                                     DimseTrafficDirection direction, guint n)
{
  if (n == 0)
    return;
  self->n_linked_sub_operations[direction == DIMSE_TRAFFIC_DIRECTION_RECEIVED ? 1 : 0] += n;
  self->revision++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

void
bench_traffic_association_set_unconnected (BenchTrafficAssociation *self, gint64 timestamp)
{
  /* The engine's end note ("Closed: …") may have come first; nothing was
   * exchanged either way. */
  if ((self->state != BENCH_TRAFFIC_STATE_REQUESTED && self->state != BENCH_TRAFFIC_STATE_FAILED)
      || self->n_bytes[0] != 0 || self->n_bytes[1] != 0)
    return;
  self->ended = timestamp;
  self->latest = MAX (self->latest, timestamp);
  set_result (self, BENCH_TRAFFIC_STATE_FAILED,
              *bench_traffic_association_get_peer_address (self) != '\0'
              ? g_strdup_printf (_("No connection to %s"), self->peer_address)
              : g_strdup (_("No connection")));
  self->revision++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

/* ---- getters ---- */

guint
bench_traffic_association_get_id (BenchTrafficAssociation *self)
{
  return self->id;
}

GListModel *
bench_traffic_association_get_items (BenchTrafficAssociation *self)
{
  return G_LIST_MODEL (self->items);
}

gboolean
bench_traffic_association_get_is_web (BenchTrafficAssociation *self)
{
  return self->web;
}

gboolean
bench_traffic_association_get_outgoing (BenchTrafficAssociation *self)
{
  return self->outgoing;
}

const char *
bench_traffic_association_get_calling_ae_title (BenchTrafficAssociation *self)
{
  return self->calling_ae_title != NULL ? self->calling_ae_title : "";
}

const char *
bench_traffic_association_get_called_ae_title (BenchTrafficAssociation *self)
{
  return self->called_ae_title != NULL ? self->called_ae_title : "";
}

const char *
bench_traffic_association_get_peer_ae_title (BenchTrafficAssociation *self)
{
  return self->outgoing ? bench_traffic_association_get_called_ae_title (self)
                        : bench_traffic_association_get_calling_ae_title (self);
}

const char *
bench_traffic_association_get_peer_name (BenchTrafficAssociation *self)
{
  return self->peer_name;
}

const char *
bench_traffic_association_get_peer_address (BenchTrafficAssociation *self)
{
  return self->peer_address != NULL ? self->peer_address : "";
}

const char *
bench_traffic_association_get_local_address (BenchTrafficAssociation *self)
{
  return self->local_address != NULL ? self->local_address : "";
}

BenchTrafficState
bench_traffic_association_get_state (BenchTrafficAssociation *self)
{
  return self->state;
}

const char *
bench_traffic_association_get_result (BenchTrafficAssociation *self)
{
  return self->result != NULL ? self->result : "";
}

gint64
bench_traffic_association_get_started (BenchTrafficAssociation *self)
{
  return self->started;
}

gint64
bench_traffic_association_get_ended (BenchTrafficAssociation *self)
{
  return self->ended;
}

gint64
bench_traffic_association_get_duration (BenchTrafficAssociation *self)
{
  gint64 end = self->ended != 0 ? self->ended : self->latest;

  return end > self->started ? end - self->started : 0;
}

guint
bench_traffic_association_get_n_messages (BenchTrafficAssociation *self,
                                          DimseTrafficDirection direction)
{
  return self->n_messages[direction == DIMSE_TRAFFIC_DIRECTION_RECEIVED ? 1 : 0];
}

guint64
bench_traffic_association_get_n_bytes (BenchTrafficAssociation *self,
                                       DimseTrafficDirection direction)
{
  return self->n_bytes[direction == DIMSE_TRAFFIC_DIRECTION_RECEIVED ? 1 : 0];
}

const char *
bench_traffic_association_get_services (BenchTrafficAssociation *self)
{
  return self->services_text != NULL ? self->services_text : "";
}

gboolean
bench_traffic_association_has_service (BenchTrafficAssociation *self, DimseCommandField request)
{
  for (guint i = 0; i < self->services->len; i++)
    if (g_array_index (self->services, ServiceCount, i).field == request)
      return TRUE;
  return FALSE;
}

const char *
bench_traffic_association_get_node (BenchTrafficAssociation *self)
{
  if (self->peer_name != NULL)
    return self->peer_name;
  if (self->web)
    return bench_traffic_association_get_peer_address (self);
  return bench_traffic_association_get_peer_ae_title (self);
}

guint
bench_traffic_association_get_n_linked_sub_operations (BenchTrafficAssociation *self)
{
  /* When the application was both the mover and the destination, each
   * sub-operation was recorded twice: sent and received. */
  return MAX (self->n_linked_sub_operations[0], self->n_linked_sub_operations[1]);
}

gboolean
bench_traffic_association_get_worst_status (BenchTrafficAssociation *self,
                                            DimseStatusClass *status_class)
{
  if (status_class != NULL)
    *status_class = self->worst_status;
  return self->has_status;
}

static gboolean
folded_contains (const char *text, const char *folded_needle)
{
  g_autofree char *folded = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, folded_needle) != NULL;
}

static gboolean
urls_contain (BenchTrafficAssociation *self, const char *folded_text)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BenchTrafficItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      const char *url = NULL;

      if (bench_traffic_item_get_web (item, NULL, &url, NULL, NULL, NULL)
          && folded_contains (url, folded_text))
        return TRUE;
    }
  return FALSE;
}

gboolean
bench_traffic_association_matches (BenchTrafficAssociation *self, const char *folded_text)
{
  return folded_contains (self->calling_ae_title, folded_text)
         || folded_contains (self->called_ae_title, folded_text)
         || folded_contains (self->peer_name, folded_text)
         || folded_contains (self->peer_address, folded_text)
         || folded_contains (self->local_address, folded_text)
         || folded_contains (self->result, folded_text)
         || folded_contains (self->services_text, folded_text)
         || (self->web && urls_contain (self, folded_text));
}

/* ---- GObject ---- */

static void
bench_traffic_association_finalize (GObject *object)
{
  BenchTrafficAssociation *self = BENCH_TRAFFIC_ASSOCIATION (object);

  g_clear_object (&self->items);
  g_free (self->calling_ae_title);
  g_free (self->called_ae_title);
  g_free (self->peer_name);
  g_free (self->peer_address);
  g_free (self->local_address);
  g_free (self->result);
  g_array_unref (self->services);
  g_free (self->services_text);
  G_OBJECT_CLASS (bench_traffic_association_parent_class)->finalize (object);
}

static void
bench_traffic_association_get_property (GObject *object, guint prop_id, GValue *value,
                                        GParamSpec *pspec)
{
  BenchTrafficAssociation *self = BENCH_TRAFFIC_ASSOCIATION (object);

  switch (prop_id)
    {
    case PROP_REVISION: g_value_set_uint (value, self->revision); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_traffic_association_class_init (BenchTrafficAssociationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bench_traffic_association_finalize;
  object_class->get_property = bench_traffic_association_get_property;
  properties[PROP_REVISION] = g_param_spec_uint ("revision", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bench_traffic_association_init (BenchTrafficAssociation *self)
{
  self->items = g_list_store_new (BENCH_TYPE_TRAFFIC_ITEM);
  self->services = g_array_new (FALSE, FALSE, sizeof (ServiceCount));
}

BenchTrafficAssociation *
bench_traffic_association_new (guint id)
{
  BenchTrafficAssociation *self = g_object_new (BENCH_TYPE_TRAFFIC_ASSOCIATION, NULL);

  self->id = id;
  return self;
}
