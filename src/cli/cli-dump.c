/* placeholder until implemented */
#include "cli-private.h"
int cli_dump_run (int argc, char **argv) { return 2; }
