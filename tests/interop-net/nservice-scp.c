/* nservice-scp.c — the engine's DIMSE-N provider as a process for the
 * interop checks: Storage Commitment Push Model (the instances of the
 * files given are held) and MPPS on 127.0.0.1, until SIGTERM.
 * Usage: nservice-scp [--report same|new|auto] [--node AET@HOST:PORT]
 *                     [--ae AET] PORT_FILE FILE…
 * Writes the port it listens on into PORT_FILE; prints one line per
 * storage commitment result sent ("report-sent UID event=N status=0x0000")
 * or not sent ("report-failed UID: why"), and per MPPS change. */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcm-file.h"
#include "dcm-parser.h"
#include "dcm-tags.h"
#include "dcm-uids.h"
#include "dimse-commitment.h"
#include "dimse-echo.h"
#include "dimse-mpps.h"
#include "dimse-server.h"

typedef struct {
  GHashTable         *held;      /* SOP Instance UID → SOP Class UID */
  DimseNProvider     *provider;
  DimseCommitmentScp *commitment;
} Scp;

static guint16
lookup (const char *sop_class_uid, const char *sop_instance_uid, gpointer user_data)
{
  Scp *scp = user_data;
  const char *held_class = g_hash_table_lookup (scp->held, sop_instance_uid);

  if (held_class == NULL)
    return 0x0112;
  return strcmp (held_class, sop_class_uid) == 0 ? 0 : 0x0119;
}

static void
hold_file (Scp *scp, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DcmFile) file = NULL;
  DcmReadOptions opts;

  dcm_read_options_init (&opts);
  opts.stop_at_tag = DCM_TAG_FILE_META_INFORMATION_GROUP_LENGTH + 0x00010000u;
  file = dcm_file_read_path (path, &opts, DCM_FILE_READ_DEFAULT, &error);
  if (file == NULL)
    {
      g_printerr ("nservice-scp: %s: %s\n", path, error->message);
      exit (2);
    }
  g_hash_table_insert (scp->held,
                       dcm_data_set_dup_string (dcm_file_get_meta (file),
                                                DCM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID),
                       dcm_data_set_dup_string (dcm_file_get_meta (file),
                                                DCM_TAG_MEDIA_STORAGE_SOP_CLASS_UID));
}

static void
on_report_sent (DimseCommitmentScp *commitment, const char *transaction_uid,
                guint event_type_id, guint status, const char *error, gpointer user_data)
{
  if (error != NULL)
    printf ("report-failed %s: %s\n", transaction_uid, error);
  else
    printf ("report-sent %s event=%u status=0x%04X\n", transaction_uid, event_type_id, status);
  fflush (stdout);
}

static void
on_changed (DimseNProvider *provider, const char *sop_class_uid, const char *sop_instance_uid,
            guint command, gpointer user_data)
{
  DcmDataSet *attrs = dimse_n_provider_lookup (provider, sop_instance_uid, NULL);
  g_autofree char *status = attrs != NULL
    ? dcm_data_set_dup_string (attrs, DCM_TAG_PERFORMED_PROCEDURE_STEP_STATUS) : NULL;

  if (strcmp (sop_class_uid, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP) == 0)
    printf ("mpps %s %s\n", sop_instance_uid, status != NULL ? status : "");
  fflush (stdout);
}

static void
on_association_started (DimseServer *server, DimseAssociation *assoc, gpointer user_data)
{
  dimse_n_provider_attach (((Scp *) user_data)->provider, assoc);
  dimse_echo_scp_attach (assoc);
}

static gboolean
add_node (Scp *scp, const char *text)
{
  g_auto(GStrv) at = g_strsplit (text, "@", 2);
  const char *colon;

  if (at[0] == NULL || at[1] == NULL || (colon = strrchr (at[1], ':')) == NULL)
    return FALSE;
  {
    g_autofree char *host = g_strndup (at[1], (gsize) (colon - at[1]));

    dimse_commitment_scp_add_node (scp->commitment, at[0], host,
                                   (guint16) atoi (colon + 1));
  }
  return TRUE;
}

static gboolean
on_sigterm (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  Scp scp = { 0 };
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(DimseServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  DimseAcceptorPolicy *policy;
  const char *ae_title = "NSCP";
  int i = 1;

  scp.held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  scp.provider = dimse_n_provider_new ();
  scp.commitment = dimse_commitment_scp_new (lookup, &scp, NULL);
  for (; i + 1 < argc && g_str_has_prefix (argv[i], "--"); i += 2)
    {
      if (strcmp (argv[i], "--report") == 0)
        dimse_commitment_scp_set_report_mode (
          scp.commitment, strcmp (argv[i + 1], "new") == 0 ? DIMSE_COMMITMENT_REPORT_NEW_ASSOCIATION
                          : strcmp (argv[i + 1], "same") == 0
                            ? DIMSE_COMMITMENT_REPORT_SAME_ASSOCIATION
                            : DIMSE_COMMITMENT_REPORT_AUTO);
      else if (strcmp (argv[i], "--node") == 0 && add_node (&scp, argv[i + 1]))
        continue;
      else if (strcmp (argv[i], "--ae") == 0)
        ae_title = argv[i + 1];
      else if (strcmp (argv[i], "--report") != 0)
        {
          g_printerr ("nservice-scp: bad option %s %s\n", argv[i], argv[i + 1]);
          return 2;
        }
    }
  if (i >= argc)
    {
      g_printerr ("Usage: nservice-scp [--report same|new|auto] [--node AET@HOST:PORT] "
                  "[--ae AET] PORT_FILE FILE…\n");
      return 2;
    }
  for (int f = i + 1; f < argc; f++)
    hold_file (&scp, argv[f]);
  dimse_commitment_scp_register (scp.commitment, scp.provider);
  dimse_mpps_scp_register (scp.provider);
  g_signal_connect (scp.commitment, "report-sent", G_CALLBACK (on_report_sent), NULL);
  g_signal_connect (scp.provider, "changed", G_CALLBACK (on_changed), NULL);
  policy = dimse_acceptor_policy_new (ae_title);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_VERIFICATION, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                       DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
                                       DIMSE_ROLE_SCP);
  server = dimse_server_new (policy, NULL);
  g_signal_connect (server, "association-started", G_CALLBACK (on_association_started), &scp);
  if (!dimse_server_listen (server, "127.0.0.1", 0, &error))
    {
      g_printerr ("nservice-scp: %s\n", error->message);
      return 2;
    }
  port_text = g_strdup_printf ("%u\n", dimse_server_get_port (server));
  if (!g_file_set_contents (argv[i], port_text, -1, &error))
    {
      g_printerr ("nservice-scp: %s\n", error->message);
      return 2;
    }
  g_unix_signal_add (SIGTERM, on_sigterm, loop);
  g_main_loop_run (loop);
  dimse_server_stop (server);
  g_clear_object (&scp.commitment);
  g_clear_object (&scp.provider);
  g_hash_table_unref (scp.held);
  return 0;
}
