/* test-node-store.c — src/app/bench-node.c and bench-node-store.c: a node
 * as JSON and back, the node list file, import and export */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bench-node-store.h"

static BenchNode *
make_node (void)
{
  BenchNode *node = bench_node_new ();

  g_object_set (node,
                "name", "Main PACS", "ae-title", "PACS1", "host", "pacs.example.org",
                "port", 4242, "tls", TRUE, "tls-cert", "/etc/c.pem", "tls-key", "/etc/k.pem",
                "tls-ca", "/etc/ca.pem", "query-model", BENCH_QUERY_MODEL_PATIENT_ROOT,
                "retrieve-method", BENCH_RETRIEVE_GET, "move-destination", "WS1",
                "charset", "ISO_IR 192", "timeout", 12, "max-pdu", 65536, NULL);
  return node;
}

static void
assert_nodes_equal (BenchNode *a, BenchNode *b)
{
  g_assert_cmpstr (bench_node_get_id (a), ==, bench_node_get_id (b));
  g_assert_cmpstr (bench_node_get_name (a), ==, bench_node_get_name (b));
  g_assert_cmpstr (bench_node_get_ae_title (a), ==, bench_node_get_ae_title (b));
  g_assert_cmpstr (bench_node_get_host (a), ==, bench_node_get_host (b));
  g_assert_cmpuint (bench_node_get_port (a), ==, bench_node_get_port (b));
  g_assert_cmpint (bench_node_get_tls (a), ==, bench_node_get_tls (b));
  g_assert_cmpstr (bench_node_get_tls_cert (a), ==, bench_node_get_tls_cert (b));
  g_assert_cmpstr (bench_node_get_tls_key (a), ==, bench_node_get_tls_key (b));
  g_assert_cmpstr (bench_node_get_tls_ca (a), ==, bench_node_get_tls_ca (b));
  g_assert_cmpint (bench_node_get_query_model (a), ==, bench_node_get_query_model (b));
  g_assert_cmpint (bench_node_get_retrieve_method (a), ==, bench_node_get_retrieve_method (b));
  g_assert_cmpstr (bench_node_get_move_destination (a), ==, bench_node_get_move_destination (b));
  g_assert_cmpstr (bench_node_get_charset (a), ==, bench_node_get_charset (b));
  g_assert_cmpuint (bench_node_get_timeout (a), ==, bench_node_get_timeout (b));
  g_assert_cmpuint (bench_node_get_max_pdu (a), ==, bench_node_get_max_pdu (b));
  g_assert_cmpint (bench_node_get_kind (a), ==, bench_node_get_kind (b));
  g_assert_cmpstr (bench_node_get_url (a), ==, bench_node_get_url (b));
  g_assert_cmpint (bench_node_get_auth (a), ==, bench_node_get_auth (b));
  g_assert_cmpstr (bench_node_get_username (a), ==, bench_node_get_username (b));
}

static void
test_json_round_trip (void)
{
  g_autoptr(BenchNode) node = make_node ();
  g_autoptr(JsonNode) json = bench_node_to_json (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchNode) back = bench_node_new_from_json (json, &error);

  g_assert_no_error (error);
  assert_nodes_equal (node, back);
}

static void
test_json_defaults (void)
{
  g_autoptr(JsonNode) json = json_from_string ("{\"ae-title\": \"X\", \"host\": \"h\"}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchNode) node = bench_node_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (bench_node_get_port (node), ==, 104);
  g_assert_cmpint (bench_node_get_retrieve_method (node), ==, BENCH_RETRIEVE_MOVE);
  /* A node without an id gets one, so that it can be told apart. */
  g_assert_cmpuint (strlen (bench_node_get_id (node)), ==, 36);
}

static void
test_json_refusals (void)
{
  static const char *const bad[] = {
    "[1]",                                                  /* not an object */
    "{\"ae-title\": 7, \"host\": \"h\"}",                   /* wrong type */
    "{\"ae-title\": \"X\", \"host\": \"h\", \"port\": 70000}", /* out of range */
    "{\"ae-title\": \"\", \"host\": \"h\"}",                /* no AE title */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) json = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchNode) node = bench_node_new_from_json (json, &error);

      g_assert_null (node);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

/* A DICOMweb node: kind, URL, authentication and user name go to the
 * file, the password never; the DIMSE members stay there for readers that
 * know only those (dimse's node lookup). */
static void
test_json_web_round_trip (void)
{
  g_autoptr(BenchNode) node = bench_node_new ();
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchNode) back = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;

  g_object_set (node, "name", "Orthanc", "kind", (guint) BENCH_NODE_KIND_WEB,
                "url", "https://pacs.example.org:8042/dicom-web",
                "auth", (guint) BENCH_WEB_AUTH_BASIC, "username", "alice",
                "secret", "hunter2", "tls-ca", "/etc/ca.pem", NULL);
  json = bench_node_to_json (node);
  text = json_to_string (json, FALSE);
  g_assert_null (strstr (text, "hunter2"));
  object = json_node_get_object (json);
  g_assert_false (json_object_has_member (object, "secret"));
  g_assert_cmpint (json_object_get_int_member (object, "kind"), ==, BENCH_NODE_KIND_WEB);
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==,
                   "https://pacs.example.org:8042/dicom-web");
  g_assert_true (json_object_has_member (object, "ae-title"));
  g_assert_true (json_object_has_member (object, "host"));
  g_assert_true (json_object_has_member (object, "port"));
  back = bench_node_new_from_json (json, &error);
  g_assert_no_error (error);
  assert_nodes_equal (node, back);
  g_assert_cmpstr (bench_node_get_secret (back), ==, "");
}

/* A file from before DICOMweb nodes: every node is a DIMSE node. */
static void
test_json_old_file (void)
{
  g_autoptr(JsonNode) json = json_from_string ("{\"ae-title\": \"X\", \"host\": \"h\", "
                                               "\"port\": 11112}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchNode) node = bench_node_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_cmpint (bench_node_get_kind (node), ==, BENCH_NODE_KIND_DIMSE);
  g_assert_cmpint (bench_node_get_auth (node), ==, BENCH_WEB_AUTH_NONE);
  g_assert_cmpstr (bench_node_get_url (node), ==, "");
  g_assert_cmpstr (bench_node_get_username (node), ==, "");
}

static void
test_json_web_refusals (void)
{
  static const char *const bad[] = {
    "{\"kind\": 1, \"name\": \"W\"}",                          /* no URL */
    "{\"kind\": 1, \"url\": \"\"}",                               /* empty URL */
    "{\"kind\": 9, \"url\": \"http://h/dicom-web\"}",             /* no such kind */
    "{\"kind\": 1, \"url\": \"http://h/\", \"auth\": 3}",        /* no such auth */
    "{\"kind\": 1, \"url\": \"http://h/\", \"username\": 5}",    /* wrong type */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) json = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchNode) node = bench_node_new_from_json (json, &error);

      g_assert_null (node);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_copy_has_new_id (void)
{
  g_autoptr(BenchNode) node = make_node ();
  g_autoptr(BenchNode) copy = bench_node_copy (node);

  g_assert_cmpstr (bench_node_get_id (node), !=, bench_node_get_id (copy));
  g_assert_cmpstr (bench_node_get_ae_title (copy), ==, "PACS1");
  g_assert_cmpuint (bench_node_get_max_pdu (copy), ==, 65536);
}

static char *
temp_path (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-node-store-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "sub", name, NULL);
}

static void
remove_file_and_dirs (const char *path)
{
  g_autofree char *sub = g_path_get_dirname (path);
  g_autofree char *dir = g_path_get_dirname (sub);

  g_unlink (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_store_saves_and_loads (void)
{
  g_autofree char *path = temp_path ("nodes.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BenchNodeStore) store = bench_node_store_new (file);
  g_autoptr(BenchNodeStore) again = bench_node_store_new (file);
  g_autoptr(BenchNode) node = make_node ();
  g_autoptr(BenchNode) demo = bench_node_new ();
  g_autoptr(BenchNode) loaded = NULL;
  g_autoptr(GError) error = NULL;

  /* A missing file is an empty list. */
  g_assert_true (bench_node_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  g_object_set (demo, "is-demo", TRUE, NULL);
  bench_node_store_set_demo_node (store, demo);
  bench_node_store_add (store, node);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_cmpuint (bench_node_store_get_n_configured (store), ==, 1);
  bench_node_store_flush (store);

  g_assert_true (bench_node_store_load (again, &error));
  g_assert_no_error (error);
  /* The demo node is never saved. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  loaded = g_list_model_get_item (G_LIST_MODEL (again), 0);
  assert_nodes_equal (node, loaded);
  g_assert_true (bench_node_store_find (again, bench_node_get_id (node)) == loaded);
  remove_file_and_dirs (path);
}

static void
test_store_saves_on_change (void)
{
  g_autofree char *path = temp_path ("nodes.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BenchNodeStore) store = bench_node_store_new (file);
  g_autoptr(BenchNode) node = make_node ();
  g_autofree char *text = NULL;

  bench_node_store_add (store, node);
  bench_node_store_flush (store);
  g_object_set (node, "name", "Renamed", NULL);
  /* The save runs asynchronously after a change; wait for the file. */
  for (int i = 0; i < 500; i++)
    {
      g_clear_pointer (&text, g_free);
      g_file_get_contents (path, &text, NULL, NULL);
      if (text != NULL && strstr (text, "Renamed") != NULL)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_nonnull (strstr (text, "\"Renamed\""));
  remove_file_and_dirs (path);
}

static void
test_import_export (void)
{
  g_autofree char *path = temp_path ("export.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *store_path = temp_path ("nodes.json");
  g_autoptr(GFile) store_file = g_file_new_for_path (store_path);
  g_autoptr(BenchNodeStore) store = bench_node_store_new (store_file);
  g_autoptr(BenchNode) node = make_node ();
  g_autoptr(BenchNode) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (path);

  g_mkdir_with_parents (parent, 0700);
  bench_node_store_add (store, node);
  g_assert_true (bench_node_store_export (store, file, &error));
  g_assert_no_error (error);
  /* Importing into the same list: the ids are taken, so new ones. */
  g_assert_cmpuint (bench_node_store_import (store, file, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  imported = g_list_model_get_item (G_LIST_MODEL (store), 1);
  g_assert_cmpstr (bench_node_get_id (imported), !=, bench_node_get_id (node));
  g_assert_cmpstr (bench_node_get_ae_title (imported), ==, "PACS1");
  bench_node_store_flush (store);
  remove_file_and_dirs (store_path);
  remove_file_and_dirs (path);
}

static void
test_parse_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = bench_node_store_parse ("{\"version\": 99, \"nodes\": []}", -1,
                                                       &error);

  g_assert_null (nodes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  nodes = bench_node_store_parse ("{\"nodes\": 3}", -1, &error);
  g_assert_null (nodes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* A bare array of nodes is read too. */
  nodes = bench_node_store_parse ("[{\"ae-title\": \"A\", \"host\": \"h\"}]", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nodes->len, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/node/json/round-trip", test_json_round_trip);
  g_test_add_func ("/node/json/defaults", test_json_defaults);
  g_test_add_func ("/node/json/refusals", test_json_refusals);
  g_test_add_func ("/node/json/web/round-trip", test_json_web_round_trip);
  g_test_add_func ("/node/json/web/old-file-reads-as-dimse", test_json_old_file);
  g_test_add_func ("/node/json/web/refusals", test_json_web_refusals);
  g_test_add_func ("/node/copy/new-id", test_copy_has_new_id);
  g_test_add_func ("/node-store/save-and-load", test_store_saves_and_loads);
  g_test_add_func ("/node-store/saves-on-change", test_store_saves_on_change);
  g_test_add_func ("/node-store/import-export", test_import_export);
  g_test_add_func ("/node-store/parse/refusals", test_parse_refusals);
  return g_test_run ();
}
