/* bench-node-editor.c — the dialog that adds or edits a node */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bench-node-editor.h"
#include "bench-secrets.h"

struct _BenchNodeEditor
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkWidget *save_button;
  AdwEntryRow *name_row;
  AdwComboRow *kind_row;
  AdwEntryRow *ae_title_row;
  AdwEntryRow *host_row;
  GtkWidget *port_row;
  GtkSpinButton *port_spin;
  AdwPreferencesGroup *web_group;
  AdwEntryRow *url_row;
  AdwComboRow *auth_row;
  AdwEntryRow *username_row;
  AdwEntryRow *secret_row;
  AdwEntryRow *web_ca_row;
  GtkWidget *dimse_group;
  GtkWidget *max_pdu_row;
  AdwComboRow *query_model_row;
  AdwComboRow *retrieve_method_row;
  AdwEntryRow *move_destination_row;
  AdwComboRow *charset_row;
  GtkSpinButton *timeout_spin;
  GtkSpinButton *max_pdu_spin;
  AdwExpanderRow *tls_row;
  AdwEntryRow *tls_cert_row;
  AdwEntryRow *tls_key_row;
  AdwEntryRow *tls_ca_row;

  BenchNode *node;       /* NULL for a new node */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (BenchNodeEditor, bench_node_editor, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* PS3.3 C.12.1.1.2, the Specific Character Set terms offered; the first
 * (none) means the default repertoire. */
static const struct {
  const char *term;
  const char *label;
} charsets[] = {
  { "", N_("None (ASCII)") },
  { "ISO_IR 100", N_("ISO_IR 100 — Latin-1, Western Europe") },
  { "ISO_IR 101", N_("ISO_IR 101 — Latin-2, Central Europe") },
  { "ISO_IR 144", N_("ISO_IR 144 — Cyrillic") },
  { "ISO_IR 126", N_("ISO_IR 126 — Greek") },
  { "ISO_IR 127", N_("ISO_IR 127 — Arabic") },
  { "ISO_IR 138", N_("ISO_IR 138 — Hebrew") },
  { "ISO_IR 148", N_("ISO_IR 148 — Latin-5, Turkish") },
  { "ISO_IR 166", N_("ISO_IR 166 — Thai") },
  { "ISO_IR 13", N_("ISO_IR 13 — Japanese katakana") },
  { "ISO 2022 IR 87", N_("ISO 2022 IR 87 — Japanese kanji") },
  { "ISO 2022 IR 149", N_("ISO 2022 IR 149 — Korean") },
  { "GB18030", N_("GB18030 — Chinese") },
  { "ISO_IR 192", N_("ISO_IR 192 — Unicode UTF-8") },
};

gboolean
bench_ae_title_is_valid (const char *ae_title)
{
  gsize length = ae_title != NULL ? strlen (ae_title) : 0;
  gboolean all_spaces = TRUE;

  if (length == 0 || length > 16)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) ae_title[i];

      if (c < 0x20 || c > 0x7e || c == '\\')
        return FALSE;
      if (c != ' ')
        all_spaces = FALSE;
    }
  return !all_spaces;
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_row_error (GtkWidget *row, gboolean error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static gboolean
is_web (BenchNodeEditor *self)
{
  return adw_combo_row_get_selected (self->kind_row) == BENCH_NODE_KIND_WEB;
}

/* PS3.18 §8.2: the base URL of the services, http or https. */
static gboolean
url_is_valid (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return uri != NULL
         && (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
         && g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0';
}

static void
validate_web (BenchNodeEditor *self)
{
  g_autofree char *url = g_strstrip (g_strdup (row_text (self->url_row)));
  gboolean url_ok = url_is_valid (url);
  gboolean user_ok = adw_combo_row_get_selected (self->auth_row) != BENCH_WEB_AUTH_BASIC
                     || row_text (self->username_row)[0] != '\0';

  set_row_error (GTK_WIDGET (self->url_row), !url_ok && url[0] != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", url_ok && user_ok);
}

static void
validate (BenchNodeEditor *self)
{
  if (is_web (self))
    {
      validate_web (self);
      return;
    }
  {
  g_autofree char *host = g_strstrip (g_strdup (row_text (self->host_row)));
  const char *destination = row_text (self->move_destination_row);
  gboolean ae_ok = bench_ae_title_is_valid (row_text (self->ae_title_row));
  gboolean host_ok = host[0] != '\0' && strchr (host, ' ') == NULL;
  gboolean destination_ok = destination[0] == '\0' || bench_ae_title_is_valid (destination);

  /* An empty AE title is not yet an error, only not yet savable. */
  set_row_error (GTK_WIDGET (self->ae_title_row), !ae_ok && row_text (self->ae_title_row)[0] != '\0');
  set_row_error (GTK_WIDGET (self->host_row), !host_ok);
  set_row_error (GTK_WIDGET (self->move_destination_row), !destination_ok);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 ae_ok && host_ok && destination_ok);
  }
}

/* The rows of the node's kind, and of its authentication. */
static void
update_kind (BenchNodeEditor *self)
{
  gboolean web = is_web (self);
  guint auth = adw_combo_row_get_selected (self->auth_row);

  gtk_widget_set_visible (GTK_WIDGET (self->ae_title_row), !web);
  gtk_widget_set_visible (GTK_WIDGET (self->host_row), !web);
  gtk_widget_set_visible (self->port_row, !web);
  gtk_widget_set_visible (self->dimse_group, !web);
  gtk_widget_set_visible (self->max_pdu_row, !web);
  gtk_widget_set_visible (GTK_WIDGET (self->tls_row), !web);
  gtk_widget_set_visible (GTK_WIDGET (self->web_group), web);
  gtk_widget_set_visible (GTK_WIDGET (self->username_row), auth == BENCH_WEB_AUTH_BASIC);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), auth != BENCH_WEB_AUTH_NONE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                 auth == BENCH_WEB_AUTH_BEARER ? _("Token") : _("Password"));
  validate (self);
}

static void
load (BenchNodeEditor *self, BenchNode *node)
{
  const char *charset = bench_node_get_charset (node);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), bench_node_get_name (node));
  adw_combo_row_set_selected (self->kind_row, bench_node_get_kind (node));
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), bench_node_get_url (node));
  adw_combo_row_set_selected (self->auth_row, bench_node_get_auth (node));
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), bench_node_get_username (node));
  if (bench_node_get_kind (node) == BENCH_NODE_KIND_WEB
      && bench_node_get_auth (node) != BENCH_WEB_AUTH_NONE)
    gtk_editable_set_text (GTK_EDITABLE (self->secret_row), bench_secrets_lookup (node));
  gtk_editable_set_text (GTK_EDITABLE (self->web_ca_row), bench_node_get_tls_ca (node));
  gtk_editable_set_text (GTK_EDITABLE (self->ae_title_row), bench_node_get_ae_title (node));
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), bench_node_get_host (node));
  gtk_spin_button_set_value (self->port_spin, bench_node_get_port (node));
  adw_combo_row_set_selected (self->query_model_row, bench_node_get_query_model (node));
  adw_combo_row_set_selected (self->retrieve_method_row, bench_node_get_retrieve_method (node));
  gtk_editable_set_text (GTK_EDITABLE (self->move_destination_row),
                         bench_node_get_move_destination (node));
  for (guint i = 0; i < G_N_ELEMENTS (charsets); i++)
    if (g_strcmp0 (charsets[i].term, charset) == 0)
      adw_combo_row_set_selected (self->charset_row, i);
  gtk_spin_button_set_value (self->timeout_spin, bench_node_get_timeout (node));
  gtk_spin_button_set_value (self->max_pdu_spin, bench_node_get_max_pdu (node));
  adw_expander_row_set_enable_expansion (self->tls_row, bench_node_get_tls (node));
  gtk_editable_set_text (GTK_EDITABLE (self->tls_cert_row), bench_node_get_tls_cert (node));
  gtk_editable_set_text (GTK_EDITABLE (self->tls_key_row), bench_node_get_tls_key (node));
  gtk_editable_set_text (GTK_EDITABLE (self->tls_ca_row), bench_node_get_tls_ca (node));
}

/* A DICOMweb node keeps its DIMSE settings as they were (the defaults for
 * a new one), so the node file stays readable by what knows only those;
 * only the query model becomes Study Root, QIDO-RS having no patient
 * level (PS3.18 §10.6). */
static void
store_web (BenchNodeEditor *self, BenchNode *node)
{
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));
  g_autofree char *url = g_strstrip (g_strdup (row_text (self->url_row)));
  g_autofree char *username = g_strstrip (g_strdup (row_text (self->username_row)));
  g_autofree char *ca = g_strstrip (g_strdup (row_text (self->web_ca_row)));
  guint auth = adw_combo_row_get_selected (self->auth_row);
  const char *secret = auth != BENCH_WEB_AUTH_NONE ? row_text (self->secret_row) : "";

  g_object_freeze_notify (G_OBJECT (node));
  g_object_set (node,
                "kind", (guint) BENCH_NODE_KIND_WEB,
                "query-model", (guint) BENCH_QUERY_MODEL_STUDY_ROOT,
                "name", name[0] != '\0' ? name : url,
                "url", url,
                "auth", auth,
                "username", auth == BENCH_WEB_AUTH_BASIC ? username : "",
                "tls-ca", ca,
                "timeout", (guint) gtk_spin_button_get_value_as_int (self->timeout_spin),
                NULL);
  g_object_thaw_notify (G_OBJECT (node));
  if (g_strcmp0 (secret, bench_node_get_secret (node)) != 0)
    bench_secrets_save (node, secret);
}

static void
store (BenchNodeEditor *self, BenchNode *node)
{
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));
  g_autofree char *ae_title = g_strstrip (g_strdup (row_text (self->ae_title_row)));
  g_autofree char *host = g_strstrip (g_strdup (row_text (self->host_row)));
  g_autofree char *destination = g_strstrip (g_strdup (row_text (self->move_destination_row)));
  guint charset = adw_combo_row_get_selected (self->charset_row);

  if (is_web (self))
    {
      store_web (self, node);
      return;
    }
  if (bench_node_get_secret (node)[0] != '\0')
    bench_secrets_save (node, "");
  g_object_freeze_notify (G_OBJECT (node));
  g_object_set (node,
                "kind", (guint) BENCH_NODE_KIND_DIMSE,
                "name", name[0] != '\0' ? name : ae_title,
                "ae-title", ae_title,
                "host", host,
                "port", (guint) gtk_spin_button_get_value_as_int (self->port_spin),
                "query-model", adw_combo_row_get_selected (self->query_model_row),
                "retrieve-method", adw_combo_row_get_selected (self->retrieve_method_row),
                "move-destination", destination,
                "charset", charset < G_N_ELEMENTS (charsets) ? charsets[charset].term : "",
                "timeout", (guint) gtk_spin_button_get_value_as_int (self->timeout_spin),
                "max-pdu", (guint) gtk_spin_button_get_value (self->max_pdu_spin),
                "tls", adw_expander_row_get_enable_expansion (self->tls_row),
                "tls-cert", row_text (self->tls_cert_row),
                "tls-key", row_text (self->tls_key_row),
                "tls-ca", row_text (self->tls_ca_row),
                NULL);
  g_object_thaw_notify (G_OBJECT (node));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BenchNodeEditor *self = BENCH_NODE_EDITOR (widget);
  g_autoptr(BenchNode) node = self->node != NULL ? g_object_ref (self->node) : bench_node_new ();

  store (self, node);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, node);
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- choosing the TLS files ---- */

static void
on_file_chosen (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  AdwEntryRow *row = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      G_GNUC_END_IGNORE_DEPRECATIONS
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), path);
    }
  g_object_unref (dialog);
}

static void
on_choose_clicked (GtkButton *button, AdwEntryRow *row)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (row)));
  GtkFileChooserNative *chooser;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (adw_preferences_row_get_title (
                                           ADW_PREFERENCES_ROW (row)),
                                         window, GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), row);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
add_chooser_button (AdwEntryRow *row)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("document-open-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Choose a File"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_choose_clicked), row);
  adw_entry_row_add_suffix (row, button);
}

/* ---- where a password goes ---- */

static void
set_keyring_description (BenchNodeEditor *self, gboolean built_with, gboolean probed)
{
  const char *text;

  if (!built_with)
    text = _("A password or token is kept only until Dimsebench quits: this build has no "
             "keyring support.");
  else if (probed)
    text = _("A password or token is kept only until Dimsebench quits: no keyring answers.");
  else
    text = _("A password or token is kept in your keyring, never in the node file.");
  adw_preferences_group_set_description (self->web_group, text);
}

static void
on_keyring_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean available = bench_secrets_probe_finish (result);
  BenchNodeEditor *self;

  (void) source;
  if (g_task_had_error (G_TASK (result)))
    return;
  self = BENCH_NODE_EDITOR (user_data);
  if (!available)
    set_keyring_description (self, TRUE, TRUE);
}

/* ---- GObject ---- */

static void
bench_node_editor_dispose (GObject *object)
{
  BenchNodeEditor *self = BENCH_NODE_EDITOR (object);

  g_clear_object (&self->node);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_NODE_EDITOR);
  G_OBJECT_CLASS (bench_node_editor_parent_class)->dispose (object);
}

static void
bench_node_editor_class_init (BenchNodeEditorClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bench_node_editor_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/dimsebench/Dimsebench/bench-node-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, ae_title_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, host_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, port_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, port_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, web_group);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, url_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, auth_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, username_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, secret_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, web_ca_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, dimse_group);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, max_pdu_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, query_model_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, retrieve_method_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, move_destination_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, charset_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, max_pdu_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, tls_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, tls_cert_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, tls_key_row);
  gtk_widget_class_bind_template_child (widget_class, BenchNodeEditor, tls_ca_row);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save",
                                       NULL);

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BENCH_TYPE_NODE);
}

static void
bench_node_editor_init (BenchNodeEditor *self)
{
  g_autoptr(GtkStringList) charset_list = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (charsets); i++)
    gtk_string_list_append (charset_list, _(charsets[i].label));
  adw_combo_row_set_model (self->charset_row, G_LIST_MODEL (charset_list));
  add_chooser_button (self->tls_cert_row);
  add_chooser_button (self->tls_key_row);
  add_chooser_button (self->tls_ca_row);
  add_chooser_button (self->web_ca_row);
  set_keyring_description (self, bench_secrets_have_keyring (), FALSE);
  self->cancellable = g_cancellable_new ();
  if (bench_secrets_have_keyring ())
    bench_secrets_probe_async (self->cancellable, on_keyring_probed, self);
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (update_kind), self);
  g_signal_connect_swapped (self->auth_row, "notify::selected", G_CALLBACK (update_kind), self);
  g_signal_connect_swapped (self->url_row, "changed", G_CALLBACK (validate), self);
  g_signal_connect_swapped (self->username_row, "changed", G_CALLBACK (validate), self);
  g_signal_connect_swapped (self->ae_title_row, "changed", G_CALLBACK (validate), self);
  g_signal_connect_swapped (self->host_row, "changed", G_CALLBACK (validate), self);
  g_signal_connect_swapped (self->move_destination_row, "changed", G_CALLBACK (validate), self);
}

GtkWidget *
bench_node_editor_new (GtkWindow *parent, BenchNode *node)
{
  BenchNodeEditor *self = g_object_new (BENCH_TYPE_NODE_EDITOR, "transient-for", parent, NULL);
  g_autoptr(BenchNode) defaults = bench_node_new ();

  self->node = node != NULL ? g_object_ref (node) : NULL;
  load (self, node != NULL ? node : defaults);
  if (node == NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->ae_title_row), "");
  adw_window_title_set_title (self->window_title, node != NULL ? _("Edit Node") : _("New Node"));
  gtk_button_set_label (GTK_BUTTON (self->save_button), node != NULL ? _("_Save") : _("_Add"));
  update_kind (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return GTK_WIDGET (self);
}
