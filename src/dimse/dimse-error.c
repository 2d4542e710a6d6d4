#include "dimse-error.h"

G_DEFINE_QUARK (dimse-error-quark, dimse_error)
