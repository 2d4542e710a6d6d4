/* dimse-web-client.h — a DICOMweb user agent (PS3.18) on libsoup 3:
 * QIDO-RS searches (§10.6), WADO-RS retrieves of instances and metadata
 * (§10.4) and STOW-RS stores (§10.5), with no, basic or bearer
 * authentication, over HTTP or HTTPS */
#pragma once

#include <gio/gio.h>

#include "dcm-data-set.h"
#include "dimse-archive-index.h"
#include "dimse-web-error.h"
#include "dimse-web-exchange.h"

G_BEGIN_DECLS

/* ---- QIDO-RS URLs (PS3.18 §10.6.1) ---- */
typedef struct {
  guint    limit;   /* matches asked per request ("limit", then "offset" to the end); 0: none */
  gboolean fuzzy;   /* fuzzymatching=true (§8.3.4) */
} DimseWebSearchOptions;

/* The URL of the search of level (STUDY, SERIES or IMAGE; QIDO-RS has no
 * patient level) under base_url for a C-FIND identifier: the Study (and
 * Series) Instance UID of the levels above, when single values, go into
 * the path (…/studies/{uid}/series); every other key with a value becomes
 * {keyword}={value} (a sequence's as Sequence.Keyword, a list of UIDs
 * comma-separated, §8.3.4.1), every key without one includefield={keyword},
 * Query/Retrieve Level and Specific Character Set are left out (values
 * are UTF-8). offset and opts->limit are added when not 0. Fails
 * (DIMSE_WEB_ERROR_BAD_REQUEST) for the patient level, naming it. */
char *dimse_web_search_build_url (const char *base_url, DimseQrLevel level,
                                  DcmDataSet *identifier, const DimseWebSearchOptions *opts,
                                  guint offset, GError **error);

/* ---- the client ---- */
#define DIMSE_TYPE_WEB_CLIENT (dimse_web_client_get_type ())
G_DECLARE_FINAL_TYPE (DimseWebClient, dimse_web_client, DIMSE, WEB_CLIENT, GObject)

/* A client of the service at base_url (http:// or https://, e.g.
 * "http://127.0.0.1:8042/dicom-web"); fails (G_IO_ERROR_INVALID_ARGUMENT)
 * naming what is wrong with it. */
DimseWebClient *dimse_web_client_new (const char *base_url, GError **error);
const char     *dimse_web_client_get_base_url (DimseWebClient *client);
/* HTTP basic authentication (RFC 7617) or a bearer token (RFC 6750); each
 * replaces the other; NULL user or token: none. */
void            dimse_web_client_set_basic_auth (DimseWebClient *client, const char *user,
                                                 const char *password);
void            dimse_web_client_set_bearer_token (DimseWebClient *client, const char *token);
/* HTTPS: trust the CA certificates in the PEM file at path instead of the
 * system's. */
gboolean        dimse_web_client_set_ca_file (DimseWebClient *client, const char *path,
                                              GError **error);
/* Seconds to wait for the connection and for each read (0: no limit;
 * default 60). */
void            dimse_web_client_set_timeout (DimseWebClient *client, guint seconds);

/* Signals after each request answered, for a traffic view:
 * "exchange" (const char *method, const char *url, guint status,
 *   guint64 response_bytes, gint64 duration_us), and then
 * "exchange-details" (DimseWebExchange *exchange): the same with the
 *   request body's size, the reason phrase, both header lists and the
 *   content types, credentials hidden. */

/* ---- QIDO-RS ----
 * Every match, pages followed to the end, as data sets (GPtrArray of
 * DcmDataSet*) parsed from application/dicom+json; a 204 is no match. */
void       dimse_web_client_search_async (DimseWebClient *client, DimseQrLevel level,
                                          DcmDataSet *identifier,
                                          const DimseWebSearchOptions *opts,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *dimse_web_client_search_finish (DimseWebClient *client, GAsyncResult *result,
                                           GError **error);

/* ---- WADO-RS ---- */
#define DIMSE_TYPE_WEB_RETRIEVE_JOB (dimse_web_retrieve_job_get_type ())
G_DECLARE_FINAL_TYPE (DimseWebRetrieveJob, dimse_web_retrieve_job, DIMSE, WEB_RETRIEVE_JOB,
                      GObject)

/* The progress of a retrieve: properties "n-received" (instances stored
 * so far), "n-expected" (from a QIDO-RS count before it; 0 unknown),
 * "bytes-received"; signal "instance-stored" (const char *path, const char
 * *sop_instance_uid) as each file is in place. */
DimseWebRetrieveJob *dimse_web_retrieve_job_new (void);
guint   dimse_web_retrieve_job_get_n_received (DimseWebRetrieveJob *job);
guint   dimse_web_retrieve_job_get_n_expected (DimseWebRetrieveJob *job);
guint64 dimse_web_retrieve_job_get_bytes_received (DimseWebRetrieveJob *job);

/* The instances of a study, a series (series_uid) or one instance
 * (instance_uid) as multipart/related; type="application/dicom" in the
 * transfer syntax they are stored in (transfer-syntax=*), parsed as the
 * bytes arrive: each part is written to folder and renamed to <SOP
 * Instance UID>.dcm when whole, so a response cut off leaves no partial
 * file. The instance count comes first from a QIDO-RS search (its
 * failure is not an error). job may be NULL. */
void     dimse_web_client_retrieve_async (DimseWebClient *client, const char *study_uid,
                                          const char *series_uid, const char *instance_uid,
                                          const char *folder, DimseWebRetrieveJob *job,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean dimse_web_client_retrieve_finish (DimseWebClient *client, GAsyncResult *result,
                                           GError **error);

/* The metadata (…/metadata, application/dicom+json) of every instance of
 * a study, series or instance: a GPtrArray of DcmDataSet*, bulk data as
 * BulkDataURI references. */
void       dimse_web_client_metadata_async (DimseWebClient *client, const char *study_uid,
                                            const char *series_uid, const char *instance_uid,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *dimse_web_client_metadata_finish (DimseWebClient *client, GAsyncResult *result,
                                             GError **error);

/* ---- STOW-RS ---- */
/* One instance of a store: stored (status 0), stored with a warning, or
 * failed, the status being the Failure Reason (0008,1197) or Warning
 * Reason (0008,1196) the server gave (C-STORE statuses, PS3.18 §10.5.3),
 * or a reason of ours for a file that was not sent (status 0xC000 and
 * message). */
typedef struct {
  char    *path;              /* NULL when the server named an instance we cannot map */
  char    *sop_class_uid;
  char    *sop_instance_uid;
  guint16  status;
  char    *message;           /* in words, never NULL */
} DimseWebStoreOutcome;

typedef struct {
  guint      n_files;         /* files found under the paths given */
  guint      n_stored;        /* stored, warnings included */
  guint      n_warnings;
  guint      n_failed;
  guint      n_requests;
  GPtrArray *problems;        /* DimseWebStoreOutcome* of the warnings and failures */
} DimseWebStoreResult;

void dimse_web_store_result_free (DimseWebStoreResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseWebStoreResult, dimse_web_store_result_free)

/* Sends the Part 10 files at paths (folders walked recursively, hidden
 * files left out) to …/studies (or …/studies/{study_uid}) in multipart
 * requests of at most max_batch_bytes each (0: 16 MiB; a larger file goes
 * alone). A status 409 (nothing stored) is a result, not an error; any
 * other failure ends the store with its error. */
void                 dimse_web_client_store_async (DimseWebClient *client,
                                                   const char *const *paths,
                                                   const char *study_uid,
                                                   guint64 max_batch_bytes,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
DimseWebStoreResult *dimse_web_client_store_finish (DimseWebClient *client,
                                                    GAsyncResult *result, GError **error);

G_END_DECLS
