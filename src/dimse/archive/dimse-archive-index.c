/* dimse-archive-index.c — being written */
#include "config.h"
