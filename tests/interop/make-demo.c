/* make-demo.c — writes the demo archive for the interop scripts:
 * make-demo FOLDER [--small] [--patients N] [--seed N]; prints the number
 * of instances written */
#include <stdlib.h>
#include <string.h>

#include "dimse-archive-demo.h"

int
main (int argc, char **argv)
{
  DimseArchiveDemoOptions options = { 0 };
  g_autoptr (GError) error = NULL;
  const char *folder = NULL;
  guint n;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--small") == 0)
        options.small = TRUE;
      else if (strcmp (argv[i], "--patients") == 0 && i + 1 < argc)
        options.n_patients = (guint) strtoul (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--seed") == 0 && i + 1 < argc)
        options.seed = (guint) strtoul (argv[++i], NULL, 10);
      else if (folder == NULL && argv[i][0] != '-')
        folder = argv[i];
      else
        folder = NULL, i = argc;
    }
  if (folder == NULL)
    {
      g_printerr ("usage: make-demo FOLDER [--small] [--patients N] [--seed N]\n");
      return 2;
    }
  n = dimse_archive_demo_generate (folder, &options, NULL, &error);
  if (error != NULL)
    {
      g_printerr ("make-demo: %s\n", error->message);
      return 1;
    }
  g_print ("%u\n", n);
  return 0;
}
