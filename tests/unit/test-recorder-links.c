/* test-recorder-links.c — the link between a C-MOVE-RQ and its C-STORE
 * sub-operations in the recorder (Move Originator AE Title and Message ID,
 * PS3.7 §9.3.1.1): found both ways, not for another originator or another
 * Message ID, and a later C-MOVE-RQ reusing the Message ID takes over */
#include "config.h"

#include "dcm-uids.h"
#include "dimse-recorder.h"

#define INSTANCE "1.2.826.0.1.3680043.10.1247.340."

static void
record_move (DimseRecorder *rec, guint id, guint16 message_id)
{
  g_autoptr(DimseMessage) rq =
    dimse_message_new_c_move_rq (message_id,
                                 DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
                                 DIMSE_PRIORITY_MEDIUM, "DEST", NULL);

  dimse_recorder_record_message (rec, id, DIMSE_TRAFFIC_DIRECTION_SENT, 1, rq);
}

static void
record_store (DimseRecorder *rec, guint id, guint n, const char *originator,
              guint16 originator_id)
{
  g_autofree char *uid = g_strdup_printf (INSTANCE "%u", n);
  g_autoptr(DimseMessage) rq =
    dimse_message_new_c_store_rq (n, DCM_UID_CT_IMAGE_STORAGE, uid, DIMSE_PRIORITY_MEDIUM,
                                  originator, originator_id, NULL);

  dimse_recorder_record_message (rec, id, DIMSE_TRAFFIC_DIRECTION_RECEIVED, 1, rq);
}

static guint
position_of_store (DimseRecorder *rec, guint16 message_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rec)); i++)
    {
      g_autoptr(DimseTrafficEvent) event = g_list_model_get_item (G_LIST_MODEL (rec), i);

      if (dimse_traffic_event_get_command_field (event) == DIMSE_C_STORE_RQ
          && dimse_traffic_event_get_message_id (event) == message_id)
        return i;
    }
  g_assert_not_reached ();
}

static void
test_links (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) second = NULL;
  g_autoptr(GArray) none = NULL;
  DimseRecorderLink link = { 0 };
  guint scu, back, other;
  const char *ae = NULL;
  guint16 originator_id = 0;
  g_autoptr(DimseTrafficEvent) store = NULL;

  scu = dimse_recorder_begin_association (rec, NULL, NULL, "SCU", "ARCHIVE", TRUE);
  other = dimse_recorder_begin_association (rec, NULL, NULL, "OTHER", "ARCHIVE", TRUE);
  back = dimse_recorder_begin_association (rec, NULL, NULL, "ARCHIVE", "DEST", FALSE);
  record_move (rec, scu, 7);                  /* position 3 */
  record_move (rec, other, 7);                /* 4: another originator, same Message ID */
  record_store (rec, back, 1, "SCU", 7);      /* 5 */
  record_store (rec, back, 2, "SCU", 8);      /* 6: another Message ID */
  record_store (rec, back, 3, NULL, 0);       /* 7: a plain C-STORE */
  record_store (rec, back, 4, "OTHER", 7);    /* 8 */
  record_store (rec, back, 5, "SCU", 7);      /* 9 */
  record_move (rec, scu, 7);                  /* 10: the Message ID used again */
  record_store (rec, back, 6, "SCU", 7);      /* 11 */

  store = g_list_model_get_item (G_LIST_MODEL (rec), position_of_store (rec, 1));
  g_assert_true (dimse_traffic_event_get_move_originator (store, &ae, &originator_id));
  g_assert_cmpstr (ae, ==, "SCU");
  g_assert_cmpuint (originator_id, ==, 7);

  g_assert_true (dimse_recorder_find_move_for_store (rec, position_of_store (rec, 1), &link));
  g_assert_cmpuint (link.association_id, ==, scu);
  g_assert_cmpuint (link.position, ==, 3);
  g_assert_true (dimse_recorder_find_move_for_store (rec, position_of_store (rec, 4), &link));
  g_assert_cmpuint (link.association_id, ==, other);
  g_assert_cmpuint (link.position, ==, 4);
  g_assert_false (dimse_recorder_find_move_for_store (rec, position_of_store (rec, 2), &link));
  g_assert_false (dimse_recorder_find_move_for_store (rec, position_of_store (rec, 3), &link));
  g_assert_true (dimse_recorder_find_move_for_store (rec, position_of_store (rec, 6), &link));
  g_assert_cmpuint (link.position, ==, 10);
  /* not a C-STORE-RQ */
  g_assert_false (dimse_recorder_find_move_for_store (rec, 3, &link));

  first = dimse_recorder_find_stores_for_move (rec, 3);
  g_assert_cmpuint (first->len, ==, 2);
  g_assert_cmpuint (g_array_index (first, DimseRecorderLink, 0).position, ==, 5);
  g_assert_cmpuint (g_array_index (first, DimseRecorderLink, 0).association_id, ==, back);
  g_assert_cmpuint (g_array_index (first, DimseRecorderLink, 1).position, ==, 9);
  second = dimse_recorder_find_stores_for_move (rec, 10);
  g_assert_cmpuint (second->len, ==, 1);
  g_assert_cmpuint (g_array_index (second, DimseRecorderLink, 0).position, ==, 11);
  none = dimse_recorder_find_stores_for_move (rec, 5);
  g_assert_cmpuint (none->len, ==, 0);
}

/* Once the ring has dropped the C-MOVE-RQ, the C-STORE-RQ links to none. */
static void
test_dropped (void)
{
  g_autoptr(DimseRecorder) rec = dimse_recorder_new ();
  guint scu, back;

  dimse_recorder_set_max_events (rec, 3);
  scu = dimse_recorder_begin_association (rec, NULL, NULL, "SCU", "ARCHIVE", TRUE);
  back = dimse_recorder_begin_association (rec, NULL, NULL, "ARCHIVE", "DEST", FALSE);
  record_move (rec, scu, 7);
  record_store (rec, back, 1, "SCU", 7);
  record_store (rec, back, 2, "SCU", 7);
  record_store (rec, back, 3, "SCU", 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rec)), ==, 3);
  g_assert_false (dimse_recorder_find_move_for_store (rec, 0, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recorder-links/move-and-stores", test_links);
  g_test_add_func ("/recorder-links/dropped", test_dropped);
  return g_test_run ();
}
