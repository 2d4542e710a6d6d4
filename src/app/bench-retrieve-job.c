/* bench-retrieve-job.c — a C-MOVE or C-GET on the engine's worker, its
 * sub-operation counts (PS3.4 C.4.2.1.5, C.4.3.1.5) handed to the UI
 * thread as properties a row binds to */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bench-peer.h"
#include "bench-retrieve-job-private.h"
#include "dimse-get.h"
#include "dimse-move.h"
#include "dimse-status.h"

struct _BenchRetrieveJob {
  GObject               parent_instance;

  BenchEngine          *engine;
  BenchNode            *node;
  BenchPeer            *peer;
  DcmDataSet           *identifier;
  char                 *title;
  char                 *level;
  char                 *destination;
  BenchRetrieveJobState state;
  guint                 counts[BENCH_RETRIEVE_N_COUNTS];
  double                rate;
  int                   time_left;
  char                 *error;
  gint64                started_us;
  GCancellable         *cancellable;
  GStrv                 failed_uids;
  gboolean              retrying;
};

G_DEFINE_FINAL_TYPE (BenchRetrieveJob, bench_retrieve_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_NODE,
  PROP_LEVEL,
  PROP_STATE,
  PROP_N_REMAINING,
  PROP_N_COMPLETED,
  PROP_N_FAILED,
  PROP_N_WARNING,
  PROP_FRACTION,
  PROP_RATE,
  PROP_TIME_LEFT,
  PROP_ERROR,
  PROP_DESTINATION,
  PROP_CAN_RETRY,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
bench_retrieve_job_finalize (GObject *object)
{
  BenchRetrieveJob *self = BENCH_RETRIEVE_JOB (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->node);
  g_clear_pointer (&self->peer, bench_peer_free);
  g_clear_pointer (&self->identifier, dcm_data_set_unref);
  g_free (self->title);
  g_free (self->level);
  g_free (self->destination);
  g_free (self->error);
  g_clear_object (&self->cancellable);
  g_strfreev (self->failed_uids);
  G_OBJECT_CLASS (bench_retrieve_job_parent_class)->finalize (object);
}

static void
bench_retrieve_job_get_property (GObject *object, guint prop_id, GValue *value,
                                 GParamSpec *pspec)
{
  BenchRetrieveJob *self = BENCH_RETRIEVE_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_NODE: g_value_set_object (value, self->node); break;
    case PROP_LEVEL: g_value_set_string (value, self->level); break;
    case PROP_STATE: g_value_set_uint (value, self->state); break;
    case PROP_N_REMAINING: g_value_set_uint (value, self->counts[BENCH_RETRIEVE_REMAINING]); break;
    case PROP_N_COMPLETED: g_value_set_uint (value, self->counts[BENCH_RETRIEVE_COMPLETED]); break;
    case PROP_N_FAILED: g_value_set_uint (value, self->counts[BENCH_RETRIEVE_FAILED]); break;
    case PROP_N_WARNING: g_value_set_uint (value, self->counts[BENCH_RETRIEVE_WARNING]); break;
    case PROP_FRACTION: g_value_set_double (value, bench_retrieve_job_get_fraction (self)); break;
    case PROP_RATE: g_value_set_double (value, self->rate); break;
    case PROP_TIME_LEFT: g_value_set_int (value, self->time_left); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_DESTINATION: g_value_set_string (value, self->destination); break;
    case PROP_CAN_RETRY: g_value_set_boolean (value, bench_retrieve_job_get_can_retry (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_retrieve_job_class_init (BenchRetrieveJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bench_retrieve_job_finalize;
  object_class->get_property = bench_retrieve_job_get_property;
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_NODE] = g_param_spec_object ("node", NULL, NULL, BENCH_TYPE_NODE, flags);
  properties[PROP_LEVEL] = g_param_spec_string ("level", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_uint ("state", NULL, NULL, 0, BENCH_RETRIEVE_JOB_CANCELLED,
                                              BENCH_RETRIEVE_JOB_WAITING, flags);
  properties[PROP_N_REMAINING] = g_param_spec_uint ("n-remaining", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_COMPLETED] = g_param_spec_uint ("n-completed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_WARNING] = g_param_spec_uint ("n-warning", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_TIME_LEFT] = g_param_spec_int ("time-left", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  properties[PROP_DESTINATION] = g_param_spec_string ("destination", NULL, NULL, NULL, flags);
  properties[PROP_CAN_RETRY] = g_param_spec_boolean ("can-retry", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
bench_retrieve_job_init (BenchRetrieveJob *self)
{
  self->time_left = -1;
}

BenchRetrieveJob *
bench_retrieve_job_new (BenchEngine *engine, BenchNode *node, DcmDataSet *identifier,
                        const char *title)
{
  BenchRetrieveJob *self = g_object_new (BENCH_TYPE_RETRIEVE_JOB, NULL);

  self->engine = g_object_ref (engine);
  self->node = g_object_ref (node);
  self->peer = bench_peer_new (engine, node);
  self->identifier = dcm_data_set_copy (identifier);
  self->title = g_strdup (title);
  self->level = dcm_data_set_dup_string (identifier, DCM_TAG_QUERY_RETRIEVE_LEVEL);
  if (self->peer->retrieve_method == BENCH_RETRIEVE_GET)
    self->destination = g_strdup (self->peer->storage_folder);
  else
    self->destination = g_strdup (self->peer->move_destination);
  return self;
}

/* ---- progress from the worker ---- */

static void
set_state (BenchRetrieveJob *self, BenchRetrieveJobState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_RETRY]);
}

void
_bench_retrieve_job_update (BenchRetrieveJob *self, const guint *counts)
{
  static const guint count_props[] = { PROP_N_REMAINING, PROP_N_COMPLETED, PROP_N_FAILED,
                                       PROP_N_WARNING };
  double seconds = (double) (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC;
  guint done;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < BENCH_RETRIEVE_N_COUNTS; i++)
    if (self->counts[i] != counts[i])
      {
        self->counts[i] = counts[i];
        g_object_notify_by_pspec (G_OBJECT (self), properties[count_props[i]]);
      }
  done = counts[BENCH_RETRIEVE_COMPLETED] + counts[BENCH_RETRIEVE_FAILED]
         + counts[BENCH_RETRIEVE_WARNING];
  self->rate = seconds > 0.2 ? done / seconds : 0;
  self->time_left = self->rate > 0 ? (int) (counts[BENCH_RETRIEVE_REMAINING] / self->rate + 0.5)
                                   : -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_LEFT]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_bench_retrieve_job_finish (BenchRetrieveJob *self, guint16 status, const GError *error,
                            GStrv failed_uids)
{
  BenchRetrieveJobState state;

  g_strfreev (self->failed_uids);
  self->failed_uids = failed_uids;
  self->time_left = -1;
  g_clear_pointer (&self->error, g_free);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = BENCH_RETRIEVE_JOB_CANCELLED;
  else if (error != NULL)
    {
      self->error = g_strdup (error->message);
      state = BENCH_RETRIEVE_JOB_FAILED;
    }
  else if (dimse_status_class (status) == DIMSE_STATUS_CANCEL)
    state = BENCH_RETRIEVE_JOB_CANCELLED;
  else if (dimse_status_class (status) == DIMSE_STATUS_WARNING
           || self->counts[BENCH_RETRIEVE_FAILED] > 0 || self->counts[BENCH_RETRIEVE_WARNING] > 0)
    {
      self->error = g_strdup (dimse_status_meaning (status,
                                                    self->peer->retrieve_method == BENCH_RETRIEVE_GET
                                                    ? DIMSE_C_GET_RSP : DIMSE_C_MOVE_RSP));
      state = BENCH_RETRIEVE_JOB_WARNING;
    }
  else
    state = BENCH_RETRIEVE_JOB_SUCCEEDED;
  /* PS3.4 C.4.2.1.5: the final response may leave Remaining out. */
  if (state == BENCH_RETRIEVE_JOB_SUCCEEDED && self->counts[BENCH_RETRIEVE_REMAINING] > 0)
    {
      guint counts[BENCH_RETRIEVE_N_COUNTS];

      memcpy (counts, self->counts, sizeof counts);
      counts[BENCH_RETRIEVE_COMPLETED] += counts[BENCH_RETRIEVE_REMAINING];
      counts[BENCH_RETRIEVE_REMAINING] = 0;
      _bench_retrieve_job_update (self, counts);
    }
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_LEFT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  set_state (self, state);
  g_object_thaw_notify (G_OBJECT (self));
  g_clear_object (&self->cancellable);
  self->retrying = FALSE;
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

/* ---- the public side ---- */

void
bench_retrieve_job_start (BenchRetrieveJob *job)
{
  g_return_if_fail (job->state == BENCH_RETRIEVE_JOB_WAITING);
  job->cancellable = g_cancellable_new ();
  job->started_us = g_get_monotonic_time ();
  set_state (job, BENCH_RETRIEVE_JOB_RUNNING);
  _bench_retrieve_run_start (job->engine, job, job->peer, job->identifier, job->cancellable);
}

void
bench_retrieve_job_cancel (BenchRetrieveJob *job)
{
  if (job->state == BENCH_RETRIEVE_JOB_WAITING)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "");

      _bench_retrieve_job_finish (job, 0xFFFF, error, NULL);
      return;
    }
  if (job->cancellable != NULL)
    g_cancellable_cancel (job->cancellable);
}

void
bench_retrieve_job_retry (BenchRetrieveJob *job)
{
  guint counts[BENCH_RETRIEVE_N_COUNTS] = { 0 };

  g_return_if_fail (bench_retrieve_job_get_can_retry (job));
  job->cancellable = g_cancellable_new ();
  job->started_us = g_get_monotonic_time ();
  job->retrying = TRUE;
  _bench_retrieve_job_update (job, counts);
  g_clear_pointer (&job->error, g_free);
  g_object_notify_by_pspec (G_OBJECT (job), properties[PROP_ERROR]);
  set_state (job, BENCH_RETRIEVE_JOB_RUNNING);
  _bench_retrieve_run_missing (job->engine, job, job->peer, job->identifier, job->cancellable);
}

gboolean
bench_retrieve_job_is_running (BenchRetrieveJob *job)
{
  return job->state == BENCH_RETRIEVE_JOB_RUNNING;
}

gboolean
bench_retrieve_job_is_finished (BenchRetrieveJob *job)
{
  return job->state > BENCH_RETRIEVE_JOB_RUNNING;
}

const char *
bench_retrieve_job_get_title (BenchRetrieveJob *job)
{
  return job->title;
}

BenchNode *
bench_retrieve_job_get_node (BenchRetrieveJob *job)
{
  return job->node;
}

const char *
bench_retrieve_job_get_level (BenchRetrieveJob *job)
{
  return job->level;
}

BenchRetrieveJobState
bench_retrieve_job_get_state (BenchRetrieveJob *job)
{
  return job->state;
}

guint
bench_retrieve_job_get_n_remaining (BenchRetrieveJob *job)
{
  return job->counts[BENCH_RETRIEVE_REMAINING];
}

guint
bench_retrieve_job_get_n_completed (BenchRetrieveJob *job)
{
  return job->counts[BENCH_RETRIEVE_COMPLETED];
}

guint
bench_retrieve_job_get_n_failed (BenchRetrieveJob *job)
{
  return job->counts[BENCH_RETRIEVE_FAILED];
}

guint
bench_retrieve_job_get_n_warning (BenchRetrieveJob *job)
{
  return job->counts[BENCH_RETRIEVE_WARNING];
}

double
bench_retrieve_job_get_rate (BenchRetrieveJob *job)
{
  return job->rate;
}

int
bench_retrieve_job_get_time_left (BenchRetrieveJob *job)
{
  return job->time_left;
}

const char *
bench_retrieve_job_get_error (BenchRetrieveJob *job)
{
  return job->error;
}

const char *
bench_retrieve_job_get_destination (BenchRetrieveJob *job)
{
  return job->destination;
}

double
bench_retrieve_job_get_fraction (BenchRetrieveJob *job)
{
  guint done = job->counts[BENCH_RETRIEVE_COMPLETED] + job->counts[BENCH_RETRIEVE_FAILED]
               + job->counts[BENCH_RETRIEVE_WARNING];
  guint total = done + job->counts[BENCH_RETRIEVE_REMAINING];

  if (job->state == BENCH_RETRIEVE_JOB_SUCCEEDED)
    return 1.0;
  return total > 0 ? (double) done / total : 0.0;
}

/* Something is missing once it ended: failed or warned-of instances, a
 * cancel or a failure part way. */
gboolean
bench_retrieve_job_get_can_retry (BenchRetrieveJob *job)
{
  switch (job->state)
    {
    case BENCH_RETRIEVE_JOB_WARNING:
    case BENCH_RETRIEVE_JOB_FAILED:
    case BENCH_RETRIEVE_JOB_CANCELLED:
      return TRUE;
    case BENCH_RETRIEVE_JOB_WAITING:
    case BENCH_RETRIEVE_JOB_RUNNING:
    case BENCH_RETRIEVE_JOB_SUCCEEDED:
    default:
      return FALSE;
    }
}
