/* dimse-recorder-links.c — the link between a C-MOVE-RQ and the C-STORE
 * sub-operations it causes on another association (PS3.7 §9.3.1.1: Move
 * Originator Application Entity Title and Move Originator Message ID) */
#include "dimse-recorder-private.h"

static gboolean
is_request (DimseTrafficEvent *event, DimseCommandField field)
{
  return dimse_traffic_event_get_kind (event) == DIMSE_TRAFFIC_KIND_MESSAGE
         && dimse_traffic_event_get_command_field (event) == field;
}

/* Whether the C-MOVE-RQ event is the one an originator names. */
static gboolean
move_matches (DimseRecorder *rec, DimseTrafficEvent *move, const char *originator,
              guint16 originator_id)
{
  g_autofree char *calling = NULL;
  g_autofree char *called = NULL;

  if (!is_request (move, DIMSE_C_MOVE_RQ)
      || dimse_traffic_event_get_message_id (move) != originator_id)
    return FALSE;
  dimse_recorder_dup_ae_titles (rec, dimse_traffic_event_get_association_id (move), &calling,
                                &called);
  return g_strcmp0 (calling, originator) == 0;
}

gboolean
dimse_recorder_find_move_for_store (DimseRecorder *rec, guint position,
                                    DimseRecorderLink *out_link)
{
  DimseTrafficEvent *store;
  const char *originator = NULL;
  guint16 originator_id = 0;

  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), FALSE);
  store = dimse_recorder_peek_event (rec, position);
  if (store == NULL || !is_request (store, DIMSE_C_STORE_RQ)
      || !dimse_traffic_event_get_move_originator (store, &originator, &originator_id))
    return FALSE;
  for (guint i = position; i-- > 0;)
    {
      DimseTrafficEvent *move = dimse_recorder_peek_event (rec, i);

      if (move_matches (rec, move, originator, originator_id))
        {
          if (out_link != NULL)
            {
              out_link->association_id = dimse_traffic_event_get_association_id (move);
              out_link->position = i;
            }
          return TRUE;
        }
    }
  return FALSE;
}

GArray *
dimse_recorder_find_stores_for_move (DimseRecorder *rec, guint position)
{
  GArray *links = g_array_new (FALSE, FALSE, sizeof (DimseRecorderLink));
  DimseTrafficEvent *move;
  g_autofree char *calling = NULL;
  g_autofree char *called = NULL;
  guint16 message_id;
  guint n;

  g_return_val_if_fail (DIMSE_IS_RECORDER (rec), links);
  move = dimse_recorder_peek_event (rec, position);
  if (move == NULL || !is_request (move, DIMSE_C_MOVE_RQ))
    return links;
  message_id = dimse_traffic_event_get_message_id (move);
  dimse_recorder_dup_ae_titles (rec, dimse_traffic_event_get_association_id (move), &calling,
                                &called);
  n = dimse_recorder_n_events (rec);
  for (guint i = position + 1; i < n; i++)
    {
      DimseTrafficEvent *event = dimse_recorder_peek_event (rec, i);
      const char *originator = NULL;
      guint16 originator_id = 0;

      /* a later C-MOVE-RQ reusing the Message ID takes over from here */
      if (move_matches (rec, event, calling, message_id))
        break;
      if (is_request (event, DIMSE_C_STORE_RQ)
          && dimse_traffic_event_get_move_originator (event, &originator, &originator_id)
          && originator_id == message_id && g_strcmp0 (originator, calling) == 0)
        {
          DimseRecorderLink link = { dimse_traffic_event_get_association_id (event), i };

          g_array_append_val (links, link);
        }
    }
  return links;
}
