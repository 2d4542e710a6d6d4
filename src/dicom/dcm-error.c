#include "dcm-error.h"

G_DEFINE_QUARK (dcm-error-quark, dcm_error)
