/* cli-print.c — `dimse print`: a grayscale test film on a DICOM printer
 * through Basic Grayscale Print Management (PS3.4 Annex H): Film Session
 * and Film Box N-CREATE, Image Box N-SET, Film Box N-ACTION (print),
 * Printer N-GET, Film Session N-DELETE */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-nservice.h"
#include "cli-private.h"
#include "dcm-uid.h"
#include "dimse-print.h"

typedef enum {
  STEP_CREATE_FILM_SESSION,
  STEP_CREATE_FILM_BOX,
  STEP_SET_IMAGE_BOXES,
  STEP_PRINT,
  STEP_GET_PRINTER,
  STEP_DELETE_FILM_SESSION,
  STEP_DONE,
} PrintStep;

typedef struct {
  CliNSession   session;
  char         *display_format;
  char         *film_size;
  char         *medium;
  gint          copies;
  gint          rows;
  gint          columns;
  PrintStep     step;
  char         *film_session_uid;
  char         *film_box_uid;
  char        **image_box_uids;
  guint         next_image_box;
  DcmDataSet   *data_set;   /* of the request under way */
} Print;

static gboolean
build (Print *print, GError **error)
{
  g_clear_pointer (&print->data_set, dcm_data_set_unref);
  switch (print->step)
    {
    case STEP_CREATE_FILM_SESSION:
      print->data_set = dimse_print_film_session_attributes ((guint) print->copies,
                                                             print->medium, error);
      break;
    case STEP_CREATE_FILM_BOX:
      print->data_set = dimse_print_film_box_attributes (print->display_format,
                                                         print->film_size,
                                                         print->film_session_uid, error);
      break;
    case STEP_SET_IMAGE_BOXES:
      {
        g_autoptr(GBytes) pixels = dimse_print_test_pattern ((guint) print->rows,
                                                             (guint) print->columns);

        print->data_set = dimse_print_image_box_modifications (print->next_image_box + 1,
                                                               (guint) print->rows,
                                                               (guint) print->columns, pixels,
                                                               error);
      }
      break;
    default:
      return TRUE;
    }
  return print->data_set != NULL;
}

/* Where to go after the response to the step under way. */
static void
advance (Print *print, const DimseNResult *previous)
{
  gboolean failed = dimse_status_class (previous->status) == DIMSE_STATUS_FAILURE;

  switch (print->step)
    {
    case STEP_CREATE_FILM_SESSION:
      print->film_session_uid = g_strdup (previous->affected_sop_instance_uid);
      print->step = failed || print->film_session_uid == NULL ? STEP_DONE
                                                              : STEP_CREATE_FILM_BOX;
      break;
    case STEP_CREATE_FILM_BOX:
      print->film_box_uid = g_strdup (previous->affected_sop_instance_uid);
      print->image_box_uids = dimse_print_image_box_uids (previous->data_set);
      print->step = failed || print->film_box_uid == NULL || print->image_box_uids[0] == NULL
                    ? STEP_DELETE_FILM_SESSION : STEP_SET_IMAGE_BOXES;
      break;
    case STEP_SET_IMAGE_BOXES:
      print->next_image_box++;
      if (failed)
        print->step = STEP_DELETE_FILM_SESSION;
      else if (print->image_box_uids[print->next_image_box] == NULL)
        print->step = STEP_PRINT;
      break;
    case STEP_PRINT:
      print->step = failed ? STEP_DELETE_FILM_SESSION : STEP_GET_PRINTER;
      break;
    case STEP_GET_PRINTER:
      print->step = STEP_DELETE_FILM_SESSION;
      break;
    case STEP_DELETE_FILM_SESSION:
    case STEP_DONE:
      print->step = STEP_DONE;
      break;
    }
}

static CliNNext
print_next (CliNSession *session, const DimseNResult *previous, gpointer user_data)
{
  Print *print = user_data;
  g_autoptr(GError) error = NULL;
  DimseNRequest request = { 0 };

  if (previous != NULL)
    advance (print, previous);
  if (print->step == STEP_DONE)
    return CLI_N_NEXT_DONE;
  if (!build (print, &error))
    {
      cli_n_session_fail (session, error, CLI_EXIT_FAILURE);
      return CLI_N_NEXT_HOLD;
    }
  request.data_set = print->data_set;
  switch (print->step)
    {
    case STEP_CREATE_FILM_SESSION:
      request.command = DIMSE_N_CREATE_RQ;
      request.sop_class_uid = DCM_UID_BASIC_FILM_SESSION;
      break;
    case STEP_CREATE_FILM_BOX:
      request.command = DIMSE_N_CREATE_RQ;
      request.sop_class_uid = DCM_UID_BASIC_FILM_BOX;
      break;
    case STEP_SET_IMAGE_BOXES:
      request.command = DIMSE_N_SET_RQ;
      request.sop_class_uid = DCM_UID_BASIC_GRAYSCALE_IMAGE_BOX;
      request.sop_instance_uid = print->image_box_uids[print->next_image_box];
      break;
    case STEP_PRINT:
      request.command = DIMSE_N_ACTION_RQ;
      request.sop_class_uid = DCM_UID_BASIC_FILM_BOX;
      request.sop_instance_uid = print->film_box_uid;
      request.type_id = DIMSE_PRINT_ACTION_PRINT;
      break;
    case STEP_GET_PRINTER:
      request.command = DIMSE_N_GET_RQ;
      request.sop_class_uid = DCM_UID_PRINTER;
      request.sop_instance_uid = DCM_UID_PRINTER_INSTANCE;
      break;
    case STEP_DELETE_FILM_SESSION:
      request.command = DIMSE_N_DELETE_RQ;
      request.sop_class_uid = DCM_UID_BASIC_FILM_SESSION;
      request.sop_instance_uid = print->film_session_uid;
      break;
    case STEP_DONE:
    default:
      g_assert_not_reached ();
    }
  request.abstract_syntax = DCM_UID_BASIC_GRAYSCALE_PRINT_MANAGEMENT_META;
  cli_n_session_send (session, &request);
  return CLI_N_NEXT_SENT;
}

static gboolean
parse_arguments (Print *print, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PEER"));
  GOptionEntry entries[] = {
    { "display-format", 0, 0, G_OPTION_ARG_STRING, &print->display_format,
      N_("Image Display Format (default STANDARD\\1,1)"), N_("FORMAT") },
    { "film-size", 0, 0, G_OPTION_ARG_STRING, &print->film_size,
      N_("Film Size ID, e.g. 8INX10IN (default: the printer's)"), N_("ID") },
    { "medium", 0, 0, G_OPTION_ARG_STRING, &print->medium,
      N_("Medium Type, e.g. PAPER (default: the printer's)"), N_("TYPE") },
    { "copies", 0, 0, G_OPTION_ARG_INT, &print->copies, N_("Number of Copies (default 1)"),
      N_("N") },
    { "rows", 0, 0, G_OPTION_ARG_INT, &print->rows, N_("Rows of the test image (default 64)"),
      N_("N") },
    { "columns", 0, 0, G_OPTION_ARG_INT, &print->columns,
      N_("Columns of the test image (default 64)"), N_("N") },
    { NULL },
  };

  g_option_context_set_summary (
    context, _("Prints a grayscale test image in every image box of one film on PEER "
               "(AET@host:port), a DICOM printer: Film Session and Film Box N-CREATE, Image "
               "Box N-SET, Film Box N-ACTION (print), Printer N-GET and Film Session "
               "N-DELETE, each response printed.\nExit status: 0 success, 1 warning, 2 "
               "failure, 3 association refused or aborted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cli_n_session_add_options (&print->session, context);
  if (!g_option_context_parse (context, &argc, &argv, error)
      || !cli_n_session_parse_peer (&print->session, argc, argv, error))
    return FALSE;
  if (print->display_format == NULL)
    print->display_format = g_strdup ("STANDARD\\1,1");
  if (print->copies < 1 || print->rows < 8 || print->rows > 4096 || print->columns < 8
      || print->columns > 4096)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--copies takes 1 or more, --rows and --columns 8 to 4096."));
      return FALSE;
    }
  return TRUE;
}

static void
print_clear (Print *print)
{
  cli_n_session_clear (&print->session);
  g_free (print->display_format);
  g_free (print->film_size);
  g_free (print->medium);
  g_free (print->film_session_uid);
  g_free (print->film_box_uid);
  g_strfreev (print->image_box_uids);
  g_clear_pointer (&print->data_set, dcm_data_set_unref);
}

int
cli_print_run (int argc, char **argv)
{
  Print print = { 0 };
  g_autoptr(DimseAssociationParams) params = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status;

  g_set_prgname ("dimse print");
  cli_n_session_init (&print.session, "print");
  print.copies = 1;
  print.rows = 64;
  print.columns = 64;
  if (!parse_arguments (&print, argc, argv, &error))
    {
      cli_print_error ("print", error);
      print_clear (&print);
      return CLI_EXIT_FAILURE;
    }
  params = cli_n_session_build_params (&print.session);
  /* PS3.4 §H.3.1: the Meta SOP Class is negotiated, not its classes */
  dimse_association_params_add_context (params, DCM_UID_BASIC_GRAYSCALE_PRINT_MANAGEMENT_META,
                                        NULL, DIMSE_ROLE_DEFAULT);
  print.session.next = print_next;
  print.session.user_data = &print;
  exit_status = cli_n_session_run (&print.session, params);
  print_clear (&print);
  return exit_status;
}
