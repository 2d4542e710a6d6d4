/* test-peer.h — a raw DICOM peer: a thread with a blocking socket that
 * plays a script of bytes, as requestor or as acceptor, so tests can break
 * the protocol (or the connection) on purpose */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TEST_PEER_SEND,  /* write bytes */
  TEST_PEER_READ,  /* read one whole PDU */
  TEST_PEER_HOLD,  /* say "ready", then wait for test_peer_go */
  TEST_PEER_TRICKLE, /* write bytes one at a time, interval_ms apart, until
                        one fails */
  TEST_PEER_RESET, /* close with SO_LINGER 0 (a TCP reset) and end */
  TEST_PEER_CLOSE, /* close (a FIN) without reading on, and end */
} TestPeerAction;

typedef struct {
  TestPeerAction action;
  GBytes        *bytes;        /* TEST_PEER_SEND, TEST_PEER_TRICKLE */
  guint          interval_ms;  /* TEST_PEER_TRICKLE */
} TestPeerStep;

typedef struct _TestPeer TestPeer;

/* Connects to 127.0.0.1:port and plays steps (copied; the bytes are
 * referenced), then reads until the other side closes. Every byte read is
 * kept. The socket times out after 10 s, so a test never hangs on it. */
TestPeer   *test_peer_start (guint16 port, const TestPeerStep *steps, guint n_steps);
/* The peer as acceptor: listens on a free port of 127.0.0.1 (see
 * test_peer_get_port), accepts one connection and plays steps on it. */
TestPeer   *test_peer_listen (const TestPeerStep *steps, guint n_steps);
guint16     test_peer_get_port (TestPeer *peer);
/* Bytes the peer has written so far. */
gsize       test_peer_get_n_sent (TestPeer *peer);
/* Runs the thread-default main context until the peer reaches its HOLD
 * step (or ends); aborts the test after 20 s. */
void        test_peer_wait_ready (TestPeer *peer);
void        test_peer_go (TestPeer *peer);
/* Lets the peer go, runs the main context until it has ended and returns
 * what it read (owned by the peer). */
GByteArray *test_peer_finish (TestPeer *peer);
void        test_peer_free (TestPeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPeer, test_peer_free)

guint32     test_peer_load_u32_be (const guint8 *p);
/* The length of the PDU at offset in received, header included; 0 when
 * fewer than six bytes are there. */
gsize       test_peer_pdu_size (GByteArray *received, gsize offset);

G_END_DECLS
