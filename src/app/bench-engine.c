/* bench-engine.c — the engine's worker thread and its main context, the
 * local AE's settings, and the state the UI binds to */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-engine-private.h"

#define SCHEMA_ID "org.dimsebench.Dimsebench"

struct _BenchEngine
{
  GObject parent_instance;

  GSettings *settings;
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  BenchEngineLocal *local;      /* worker only */
  DimseRecorder *recorder;      /* used on the worker only */
  BenchTrafficModel *traffic;   /* the recorder's mirror, UI thread */

  char *local_ae_title;
  guint local_port;
  char *storage_folder;         /* resolved: never empty */
  guint configure_source;

  char *scp_state;
  gboolean scp_listening;
  char *demo_state;
  BenchNode *demo_node;
  gboolean demo_started;
};

G_DEFINE_FINAL_TYPE (BenchEngine, bench_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCAL_AE_TITLE,
  PROP_LOCAL_PORT,
  PROP_STORAGE_FOLDER,
  PROP_STORAGE_SCP_STATE,
  PROP_STORAGE_SCP_LISTENING,
  PROP_DEMO_STATE,
  PROP_DEMO_NODE,
  N_PROPS
};

enum {
  SIGNAL_INSTANCE_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

BenchLocalConfig *
bench_local_config_copy (const BenchLocalConfig *config)
{
  BenchLocalConfig *copy = g_new0 (BenchLocalConfig, 1);

  copy->ae_title = g_strdup (config->ae_title);
  copy->port = config->port;
  copy->storage_folder = g_strdup (config->storage_folder);
  copy->calling_ae_titles = g_strdupv (config->calling_ae_titles);
  return copy;
}

void
bench_local_config_free (BenchLocalConfig *config)
{
  g_free (config->ae_title);
  g_free (config->storage_folder);
  g_strfreev (config->calling_ae_titles);
  g_free (config);
}

/* g_set_str is GLib 2.76; we build against 2.74. */
static gboolean
set_str (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* ---- running things on either side ---- */

static void
attach_idle (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[dimsebench] invoke");
  g_source_attach (source, context);
}

void
bench_engine_invoke (BenchEngine *engine, GSourceFunc func, gpointer data,
                     GDestroyNotify destroy)
{
  g_return_if_fail (BENCH_IS_ENGINE (engine));
  attach_idle (engine->context, func, data, destroy);
}

void
bench_engine_invoke_ui (GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  attach_idle (g_main_context_default (), func, data, destroy);
}

GMainContext *
bench_engine_get_context (BenchEngine *engine)
{
  return engine->context;
}

static gpointer
worker_main (gpointer data)
{
  BenchEngine *engine = data;

  g_main_context_push_thread_default (engine->context);
  g_main_loop_run (engine->loop);
  g_main_context_pop_thread_default (engine->context);
  return NULL;
}

/* ---- values handed from the worker to the UI thread ---- */

typedef struct {
  BenchEngine *engine;
  char *text;
  char *text2;
  guint number;
  gboolean flag;
} Post;

static void
post_free (gpointer data)
{
  Post *post = data;

  g_object_unref (post->engine);
  g_free (post->text);
  g_free (post->text2);
  g_free (post);
}

static Post *
post_new (BenchEngine *engine, const char *text, const char *text2)
{
  Post *post = g_new0 (Post, 1);

  post->engine = g_object_ref (engine);
  post->text = g_strdup (text);
  post->text2 = g_strdup (text2);
  return post;
}

static gboolean
set_scp_state_ui (gpointer data)
{
  Post *post = data;
  BenchEngine *engine = post->engine;

  if (g_strcmp0 (engine->scp_state, post->text) != 0)
    {
      g_free (engine->scp_state);
      engine->scp_state = g_strdup (post->text);
      g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_STORAGE_SCP_STATE]);
    }
  if (engine->scp_listening != post->flag)
    {
      engine->scp_listening = post->flag;
      g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_STORAGE_SCP_LISTENING]);
    }
  return G_SOURCE_REMOVE;
}

void
_bench_engine_post_scp_state (BenchEngine *engine, gboolean listening, const char *state)
{
  Post *post = post_new (engine, state, NULL);

  post->flag = listening;
  bench_engine_invoke_ui (set_scp_state_ui, post, post_free);
}

static gboolean
set_demo_state_ui (gpointer data)
{
  Post *post = data;
  BenchEngine *engine = post->engine;

  if (g_strcmp0 (engine->demo_state, post->text) != 0)
    {
      g_free (engine->demo_state);
      engine->demo_state = g_strdup (post->text);
      g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_DEMO_STATE]);
    }
  return G_SOURCE_REMOVE;
}

void
_bench_engine_post_demo_state (BenchEngine *engine, const char *state)
{
  bench_engine_invoke_ui (set_demo_state_ui, post_new (engine, state, NULL), post_free);
}

static gboolean
set_demo_node_ui (gpointer data)
{
  Post *post = data;
  BenchEngine *engine = post->engine;
  g_autoptr(BenchNode) node = bench_node_new ();

  g_object_set (node,
                "id", "demo-archive",
                "name", _("Demo archive"),
                "ae-title", post->text,
                "host", "127.0.0.1",
                "port", post->number,
                "query-model", BENCH_QUERY_MODEL_STUDY_ROOT,
                "retrieve-method", BENCH_RETRIEVE_MOVE,
                "is-demo", TRUE,
                NULL);
  g_set_object (&engine->demo_node, node);
  g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_DEMO_NODE]);
  return G_SOURCE_REMOVE;
}

void
_bench_engine_post_demo_listening (BenchEngine *engine, const char *ae_title, guint port)
{
  Post *post = post_new (engine, ae_title, NULL);

  post->number = port;
  bench_engine_invoke_ui (set_demo_node_ui, post, post_free);
}

static gboolean
emit_instance_ui (gpointer data)
{
  Post *post = data;

  g_signal_emit (post->engine, signals[SIGNAL_INSTANCE_RECEIVED], 0, post->text, post->text2);
  return G_SOURCE_REMOVE;
}

void
_bench_engine_post_instance (BenchEngine *engine, const char *path,
                             const char *calling_ae_title)
{
  bench_engine_invoke_ui (emit_instance_ui, post_new (engine, path, calling_ae_title),
                          post_free);
}

/* ---- the local AE from GSettings ---- */

static char *
resolve_storage_folder (const char *setting)
{
  if (setting != NULL && setting[0] != '\0')
    return g_strdup (setting);
  return g_build_filename (g_get_home_dir (), "DICOM", NULL);
}

typedef struct {
  BenchEngine *engine;
  BenchLocalConfig *config;
} Configure;

static void
configure_free (gpointer data)
{
  Configure *configure = data;

  g_object_unref (configure->engine);
  g_clear_pointer (&configure->config, bench_local_config_free);
  g_free (configure);
}

static gboolean
configure_on_worker (gpointer data)
{
  Configure *configure = data;

  if (configure->engine->local != NULL)
    bench_engine_local_configure (configure->engine->local,
                                  g_steal_pointer (&configure->config));
  return G_SOURCE_REMOVE;
}

/* Reads the settings and restarts the Storage SCP with them. */
static gboolean
apply_settings (gpointer data)
{
  BenchEngine *engine = data;
  Configure *configure = g_new0 (Configure, 1);
  g_autofree char *ae_title = g_settings_get_string (engine->settings, "local-ae-title");
  g_autofree char *folder = g_settings_get_string (engine->settings, "storage-folder");
  g_autofree char *resolved = resolve_storage_folder (folder);
  guint port = g_settings_get_uint (engine->settings, "local-port");

  engine->configure_source = 0;
  g_strstrip (ae_title);
  if (ae_title[0] == '\0')
    set_str (&ae_title, "DIMSEBENCH");
  if (set_str (&engine->local_ae_title, ae_title))
    g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_LOCAL_AE_TITLE]);
  if (engine->local_port != port)
    {
      engine->local_port = port;
      g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_LOCAL_PORT]);
    }
  if (set_str (&engine->storage_folder, resolved))
    g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_STORAGE_FOLDER]);
  configure->engine = g_object_ref (engine);
  configure->config = g_new0 (BenchLocalConfig, 1);
  configure->config->ae_title = g_strdup (engine->local_ae_title);
  configure->config->port = engine->local_port;
  configure->config->storage_folder = g_strdup (engine->storage_folder);
  configure->config->calling_ae_titles = g_settings_get_strv (engine->settings,
                                                              "accepted-calling-ae-titles");
  bench_engine_invoke (engine, configure_on_worker, configure, configure_free);
  return G_SOURCE_REMOVE;
}

typedef struct {
  DimseRecorder *recorder;
  guint64        max_raw_bytes;
} RawBudget;

static gboolean
set_raw_budget_on_worker (gpointer data)
{
  RawBudget *budget = data;

  dimse_recorder_set_max_raw_bytes (budget->recorder, budget->max_raw_bytes);
  return G_SOURCE_REMOVE;
}

static void
raw_budget_free (gpointer data)
{
  RawBudget *budget = data;

  g_object_unref (budget->recorder);
  g_free (budget);
}

/* The recorder's setters belong to the worker's context. */
static void
apply_raw_budget (BenchEngine *engine)
{
  RawBudget *budget = g_new0 (RawBudget, 1);

  budget->recorder = g_object_ref (engine->recorder);
  budget->max_raw_bytes = (guint64) g_settings_get_uint (engine->settings, "traffic-max-raw-mib")
                          * 1024 * 1024;
  bench_engine_invoke (engine, set_raw_budget_on_worker, budget, raw_budget_free);
}

static void
on_settings_changed (GSettings *settings, const char *key, BenchEngine *engine)
{
  if (g_str_equal (key, "traffic-max-raw-mib"))
    {
      apply_raw_budget (engine);
      return;
    }
  if (!g_str_equal (key, "local-ae-title") && !g_str_equal (key, "local-port")
      && !g_str_equal (key, "storage-folder") && !g_str_equal (key, "accepted-calling-ae-titles"))
    return;
  /* Several keys often change together (the preferences, a reset): one restart. */
  if (engine->configure_source == 0)
    engine->configure_source = g_timeout_add (200, apply_settings, engine);
}

/* ---- GObject ---- */

static gboolean
start_local_on_worker (gpointer data)
{
  BenchEngine *engine = data;

  engine->local = bench_engine_local_new (engine);
  bench_traffic_model_attach (engine->traffic, engine->recorder);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_on_worker (gpointer data)
{
  BenchEngine *engine = data;

  g_clear_pointer (&engine->local, bench_engine_local_free);
  bench_traffic_model_detach (engine->traffic);
  g_main_loop_quit (engine->loop);
  return G_SOURCE_REMOVE;
}

void
bench_engine_shutdown (BenchEngine *engine)
{
  g_return_if_fail (BENCH_IS_ENGINE (engine));
  if (engine->thread == NULL)
    return;
  g_clear_handle_id (&engine->configure_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (engine->settings, engine);
  bench_engine_invoke (engine, stop_on_worker, engine, NULL);
  g_thread_join (g_steal_pointer (&engine->thread));
}

static gboolean
start_demo_on_worker (gpointer data)
{
  BenchEngine *engine = data;

  if (engine->local != NULL)
    bench_engine_local_start_demo (engine->local);
  return G_SOURCE_REMOVE;
}

void
bench_engine_suspend_storage_scp (BenchEngine *engine, gboolean suspend)
{
  if (engine->local != NULL)
    bench_engine_local_suspend_scp (engine->local, suspend);
}

void
bench_engine_start_demo (BenchEngine *engine)
{
  g_return_if_fail (BENCH_IS_ENGINE (engine));
  if (engine->demo_started)
    return;
  engine->demo_started = TRUE;
  set_str (&engine->demo_state, _("Preparing the demo archive…"));
  g_object_notify_by_pspec (G_OBJECT (engine), properties[PROP_DEMO_STATE]);
  bench_engine_invoke (engine, start_demo_on_worker, g_object_ref (engine), g_object_unref);
}

const char *
bench_engine_get_local_ae_title (BenchEngine *engine)
{
  return engine->local_ae_title;
}

guint
bench_engine_get_local_port (BenchEngine *engine)
{
  return engine->local_port;
}

const char *
bench_engine_get_storage_folder (BenchEngine *engine)
{
  return engine->storage_folder;
}

DimseRecorder *
bench_engine_get_recorder (BenchEngine *engine)
{
  return engine->recorder;
}

BenchTrafficModel *
bench_engine_get_traffic (BenchEngine *engine)
{
  return engine->traffic;
}

typedef struct {
  BenchTrafficModel *traffic;   /* not a reference: the engine outlives the worker */
  guint id;
  GAsyncReadyCallback callback;
  gpointer user_data;
} Request;

/* A request that failed before any PDU (no connection) is shown as "No
 * connection to host:port" rather than the engine's end note: the mirror is
 * told so itself, with the address the recorder never learnt. */
static void
on_requested (GObject *source, GAsyncResult *result, gpointer data)
{
  Request *request = data;
  gboolean failed = g_task_had_error (G_TASK (result));

  request->callback (source, result, request->user_data);
  if (failed)
    bench_traffic_model_request_failed (request->traffic, request->id);
  g_free (request);
}

void
bench_engine_request_association (BenchEngine *engine, const DimseAssociationParams *params,
                                  const char *peer_name, const char *host, guint16 port,
                                  const DimseTimeouts *timeouts, const DimseTlsSettings *tls,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Request *request = g_new0 (Request, 1);

  request->traffic = engine->traffic;
  request->callback = callback;
  request->user_data = user_data;
  request->id = dimse_association_request_full_async (params, host, port, timeouts, tls,
                                                      engine->recorder, cancellable,
                                                      on_requested, request);
  if (request->id != 0)
    bench_traffic_model_annotate (engine->traffic, request->id, peer_name, host, port);
}

static void
bench_engine_dispose (GObject *object)
{
  BenchEngine *self = BENCH_ENGINE (object);

  bench_engine_shutdown (self);
  g_clear_object (&self->demo_node);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (bench_engine_parent_class)->dispose (object);
}

static void
bench_engine_finalize (GObject *object)
{
  BenchEngine *self = BENCH_ENGINE (object);

  g_clear_object (&self->recorder);
  g_clear_object (&self->traffic);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->local_ae_title);
  g_free (self->storage_folder);
  g_free (self->scp_state);
  g_free (self->demo_state);
  G_OBJECT_CLASS (bench_engine_parent_class)->finalize (object);
}

static void
bench_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BenchEngine *self = BENCH_ENGINE (object);

  switch (prop_id)
    {
    case PROP_LOCAL_AE_TITLE: g_value_set_string (value, self->local_ae_title); break;
    case PROP_LOCAL_PORT: g_value_set_uint (value, self->local_port); break;
    case PROP_STORAGE_FOLDER: g_value_set_string (value, self->storage_folder); break;
    case PROP_STORAGE_SCP_STATE: g_value_set_string (value, self->scp_state); break;
    case PROP_STORAGE_SCP_LISTENING: g_value_set_boolean (value, self->scp_listening); break;
    case PROP_DEMO_STATE: g_value_set_string (value, self->demo_state); break;
    case PROP_DEMO_NODE: g_value_set_object (value, self->demo_node); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_engine_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  BenchEngine *self = BENCH_ENGINE (object);

  switch (prop_id)
    {
    case PROP_LOCAL_AE_TITLE:
      g_settings_set_string (self->settings, "local-ae-title", g_value_get_string (value));
      break;
    case PROP_LOCAL_PORT:
      g_settings_set_uint (self->settings, "local-port", g_value_get_uint (value));
      break;
    case PROP_STORAGE_FOLDER:
      g_settings_set_string (self->settings, "storage-folder", g_value_get_string (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_engine_class_init (BenchEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = bench_engine_dispose;
  object_class->finalize = bench_engine_finalize;
  object_class->get_property = bench_engine_get_property;
  object_class->set_property = bench_engine_set_property;

  properties[PROP_LOCAL_AE_TITLE] = g_param_spec_string ("local-ae-title", NULL, NULL, NULL, rw);
  properties[PROP_LOCAL_PORT] = g_param_spec_uint ("local-port", NULL, NULL, 1, 65535, 11112, rw);
  properties[PROP_STORAGE_FOLDER] = g_param_spec_string ("storage-folder", NULL, NULL, NULL, rw);
  properties[PROP_STORAGE_SCP_STATE] = g_param_spec_string ("storage-scp-state", NULL, NULL,
                                                            NULL, ro);
  properties[PROP_STORAGE_SCP_LISTENING] = g_param_spec_boolean ("storage-scp-listening", NULL,
                                                                 NULL, FALSE, ro);
  properties[PROP_DEMO_STATE] = g_param_spec_string ("demo-state", NULL, NULL, NULL, ro);
  properties[PROP_DEMO_NODE] = g_param_spec_object ("demo-node", NULL, NULL, BENCH_TYPE_NODE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_INSTANCE_RECEIVED] =
    g_signal_new ("instance-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
bench_engine_init (BenchEngine *self)
{
  self->settings = g_settings_new (SCHEMA_ID);
  self->scp_state = g_strdup (_("Starting the Storage SCP…"));
  self->demo_state = g_strdup ("");
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  /* The recorder belongs to the context that is thread-default when it is
   * made; no thread runs the worker's context yet. */
  g_main_context_push_thread_default (self->context);
  self->recorder = dimse_recorder_new ();
  g_main_context_pop_thread_default (self->context);
  self->traffic = bench_traffic_model_new ();
}

BenchEngine *
bench_engine_new (void)
{
  BenchEngine *engine = g_object_new (BENCH_TYPE_ENGINE, NULL);

  engine->thread = g_thread_new ("dimsebench-engine", worker_main, engine);
  bench_engine_invoke (engine, start_local_on_worker, engine, NULL);
  g_signal_connect (engine->settings, "changed", G_CALLBACK (on_settings_changed), engine);
  apply_settings (engine);
  apply_raw_budget (engine);
  return engine;
}
