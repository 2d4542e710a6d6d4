/* test-acceptor.h — the engine tests' acceptor: a Verification SCP on
 * loopback whose answer depends on the Message ID, a well-behaved
 * requestor, and the scenarios that run a raw peer (test-peer.h) beside it */
#pragma once

#include "dimse-association.h"
#include "dimse-server.h"
#include "test-peer.h"

G_BEGIN_DECLS

/* The acceptor's handler: below this Message ID it answers at once. */
#define TEST_ID_SILENT 1000          /* never answered */
#define TEST_ID_INVALID_RESPONSE 2000 /* answered without Status */
#define TEST_ID_CANCELLABLE 3000     /* answered with Cancel once cancelled */
#define TEST_STATUS_CANCEL 0xFE00

typedef struct {
  GMainContext     *context;
  DimseServer      *server;
  char             *failure;       /* last "association-failed" */
  GCancellable     *cancellable;   /* of the request waiting for a cancel */
  DimseAssociation *cancel_assoc;
  DimseMessage     *cancel_rq;
  guint8            cancel_pc_id;
  char             *aborted;       /* why the acceptor last aborted */
  DimseAssociation *server_assoc;  /* the last one started */
} TestAcceptor;

/* A GTest fixture: set_up pushes a new thread-default main context. */
void              test_acceptor_set_up (TestAcceptor *f, gconstpointer data);
void              test_acceptor_tear_down (TestAcceptor *f, gconstpointer data);
/* Listens on 127.0.0.1 (Verification only); artim_timeout_ms 0: default. */
void              test_acceptor_start (TestAcceptor *f, guint artim_timeout_ms);

/* A requestor with Verification on presentation context 1; each call
 * asserts success. */
DimseAssociation *test_acceptor_request (TestAcceptor *f);
void              test_send_request (DimseAssociation *assoc, DimseMessage *rq);
/* The next response to id, or NULL with error. */
DimseMessage     *test_receive_response (DimseAssociation *assoc, guint16 id, GError **error);
/* Sends a C-ECHO-RQ with id; returns the status of its response. */
guint16           test_echo_status (DimseAssociation *assoc, guint16 id);
void              test_release (DimseAssociation *assoc);
/* A new association that echoes once and is released. */
void              test_acceptor_echo_once (TestAcceptor *f);

/* What a raw peer sends: our A-ASSOCIATE-RQ for Verification, a P-DATA-TF
 * carrying msg's command set whole on context 1. */
GBytes           *test_associate_rq_bytes (void);
GBytes           *test_command_pdata (DimseMessage *msg);
/* received ends with an A-ABORT at offset with source and reason. */
void              test_assert_abort_at (GByteArray *received, gsize offset, guint8 source,
                                        guint8 reason);
/* Runs a raw peer while a well-behaved association is open beside it: the
 * good one is established while the peer holds, and echoes once the peer
 * is done; a third association echoes after. Returns what the peer read. */
GByteArray       *test_acceptor_misbehave (TestAcceptor *f, const TestPeerStep *steps,
                                           guint n_steps);
/* The peer sends bad before its -RQ: PS3.8 Table 9-10 Evt19 in Sta2 is
 * AA-1, an A-ABORT of source service user, reason not significant. */
void              test_acceptor_abort_in_sta2 (TestAcceptor *f, GBytes *bad);
/* The peer associates, then sends bad: AA-8, an A-ABORT of source service
 * provider with reason. */
void              test_acceptor_abort_in_sta6 (TestAcceptor *f, GBytes *bad, guint8 reason);

G_END_DECLS
