/* dimse-print.h — Basic Grayscale Print Management as SCU (PS3.4 Annex H):
 * the data sets of the Film Session, Film Box and Grayscale Image Box
 * requests, sent with the DIMSE-N calls of dimse-nservice.h on the
 * context of the Basic Grayscale Print Management Meta SOP Class */
#pragma once

#include <glib.h>

#include "dcm-data-set.h"

G_BEGIN_DECLS

/* PS3.4 §H.4.2.2.4: Action Type ID of the Film Box N-ACTION "Print". */
#define DIMSE_PRINT_ACTION_PRINT 1

/* N-CREATE Attribute List of a Basic Film Session (PS3.4 §H.4.1.2.1);
 * medium_type may be NULL (the printer's default). */
DcmDataSet *dimse_print_film_session_attributes (guint number_of_copies,
                                                 const char *medium_type, GError **error);
/* N-CREATE Attribute List of a Basic Film Box (PS3.4 §H.4.2.2.1): Image
 * Display Format ("STANDARD\\1,1"), film_size_id (may be NULL) and the
 * Referenced Film Session Sequence naming the film session. */
DcmDataSet *dimse_print_film_box_attributes (const char *image_display_format,
                                             const char *film_size_id,
                                             const char *film_session_uid, GError **error);
/* N-SET Modification List of a Basic Grayscale Image Box (PS3.4
 * §H.4.3.2.1): Image Box Position and a Basic Grayscale Image Sequence
 * item of rows × columns 8-bit MONOCHROME2 pixels (PS3.3 §C.13.4). */
DcmDataSet *dimse_print_image_box_modifications (guint image_box_position, guint rows,
                                                 guint columns, GBytes *pixels,
                                                 GError **error);
/* rows × columns bytes: a diagonal gradient with a frame, to see on film. */
GBytes     *dimse_print_test_pattern (guint rows, guint columns);
/* The SOP Instance UIDs of the Referenced Image Box Sequence (2010,0510) of
 * an N-CREATE-RSP of a film box, in order (a new NULL-terminated array). */
char      **dimse_print_image_box_uids (DcmDataSet *film_box);

G_END_DECLS
