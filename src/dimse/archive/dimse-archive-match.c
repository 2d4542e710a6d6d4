/* dimse-archive-match.c — being written */
#include "config.h"
