/* dimse-archive-demo-private.h — what the demo worklist
 * (dimse-archive-demo-worklist.c) takes from the demo archive
 * (dimse-archive-demo.c): its seed, its patients and its UIDs, so that the
 * patients scheduled are those the archive holds. Not installed. */
#pragma once

#include "dimse-archive-demo.h"

G_BEGIN_DECLS

typedef struct {
  guint        index;
  const char  *charset;      /* (0008,0005) value */
  const char  *name;         /* UTF-8 */
  char         sex;
  char        *patient_id;
  GDate        birth_date;
} DimseArchiveDemoPatient;

/* The seed and the number of patients options stand for (NULL: the
 * defaults). */
guint dimse_archive_demo_get_seed (const DimseArchiveDemoOptions *options);
guint dimse_archive_demo_get_n_patients (const DimseArchiveDemoOptions *options);
/* Patient index of the demo archive of seed, as its files carry it. */
void  dimse_archive_demo_patient_init (DimseArchiveDemoPatient *p, guint seed, guint index);
void  dimse_archive_demo_patient_clear (DimseArchiveDemoPatient *p);
/* A UID under "2.25." named by seed and path (a new string). */
char *dimse_archive_demo_uid (guint seed, const char *path);

G_END_DECLS
