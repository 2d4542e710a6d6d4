/* dimse-archive.c — being written */
#include "config.h"
