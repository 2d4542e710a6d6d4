/* test-store-server.h — the hardening tests' acceptor: a DimseServer on
 * loopback with a Storage SCP (CT Image Storage) and a Verification SCP,
 * our requestor for it, and the bytes a raw peer sends to store with it */
#pragma once

#include "dimse-association.h"
#include "dimse-server.h"
#include "dimse-store.h"

G_BEGIN_DECLS

/* The contexts our requestor and the raw peer propose: CT Image Storage in
 * Implicit VR Little Endian only, then Verification. */
#define TEST_STORE_PC_CT 1
#define TEST_STORE_PC_VERIFICATION 3

typedef struct {
  GMainContext    *context;
  char            *folder;        /* the storage folder, removed at tear-down */
  char            *file;          /* a small Part 10 CT instance, outside folder */
  DimseServer     *server;
  DimseStoreScp   *scp;
  DimseTimeouts    timeouts;      /* the server's: set before test_store_server_start */
  guint            n_started;     /* associations established */
  guint            n_failed;      /* connections that did not become one */
  char            *failure;       /* why the last of those failed */
  guint            n_closed;      /* established associations closed */
  DimseCloseReason close_reason;  /* of the last one closed */
  char            *closed;        /* its description */
  guint            n_stored;      /* instances stored with status 0000 */
  DimseAssociation *server_assoc; /* the last one established, until it closes */
} TestStoreServer;

/* A GTest fixture: set_up pushes a new thread-default main context and
 * makes the folders (in /dev/shm when there is one, so that fsync is cheap). */
void              test_store_server_set_up (TestStoreServer *f, gconstpointer data);
void              test_store_server_tear_down (TestStoreServer *f, gconstpointer data);
/* Listens on 127.0.0.1 with f->timeouts. */
void              test_store_server_start (TestStoreServer *f);

/* Our requestor with the two contexts; NULL with error when refused. */
DimseAssociation *test_store_server_request (TestStoreServer *f, const DimseTimeouts *timeouts,
                                             GError **error);
/* Sends f->file with the Storage SCU; returns the response's status. */
guint16           test_store_server_store (TestStoreServer *f, DimseAssociation *assoc);
/* C-ECHO with the Verification SCU; asserts success. */
void              test_store_server_echo (DimseAssociation *assoc);
/* Releases assoc, asserting success. */
void              test_store_server_release (DimseAssociation *assoc);
/* Associates, echoes, stores f->file and releases, asserting each step. */
void              test_store_server_round_trip (TestStoreServer *f);
/* Entries in the storage folder, hidden (temporary) ones included. */
guint             test_store_server_count_files (TestStoreServer *f);
/* Runs the main context until the Storage SCP has no instance pending and
 * n_closed reaches n_closed. */
void              test_store_server_wait_closed (TestStoreServer *f, guint n_closed);

/* What a raw peer sends: the A-ASSOCIATE-RQ with the two contexts, and a
 * C-STORE-RQ of a CT instance of about size bytes as P-DATA-TF PDUs of at
 * most 16 KiB (the command first), every one but the last of the data set
 * flagged as such. */
GBytes           *test_store_rq_bytes (void);
GPtrArray        *test_store_request_pdus (const char *instance_uid, gsize size);
/* The -AC our acceptor would answer test_store_rq_bytes with, for a raw
 * peer that plays the acceptor. */
GBytes           *test_store_ac_bytes (void);

G_END_DECLS
