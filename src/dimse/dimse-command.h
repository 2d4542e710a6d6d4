/* dimse-command.h — the command dictionary of PS3.7 Annex E and the message
 * field tables of PS3.7 §9.3 (DIMSE-C) and §10.3 (DIMSE-N) */
#pragma once

#include <glib.h>
#include "dcm-data-set.h"

G_BEGIN_DECLS

/* PS3.7 Table E.1-1: Command Field (0000,0100). A response is its request
 * with DIMSE_COMMAND_RESPONSE_BIT set. DIMSE_COMMAND_NONE stands for "no
 * particular service" where a function takes one. */
typedef enum {
  DIMSE_COMMAND_NONE         = 0x0000,
  DIMSE_C_STORE_RQ           = 0x0001,
  DIMSE_C_STORE_RSP          = 0x8001,
  DIMSE_C_GET_RQ             = 0x0010,
  DIMSE_C_GET_RSP            = 0x8010,
  DIMSE_C_FIND_RQ            = 0x0020,
  DIMSE_C_FIND_RSP           = 0x8020,
  DIMSE_C_MOVE_RQ            = 0x0021,
  DIMSE_C_MOVE_RSP           = 0x8021,
  DIMSE_C_ECHO_RQ            = 0x0030,
  DIMSE_C_ECHO_RSP           = 0x8030,
  DIMSE_N_EVENT_REPORT_RQ    = 0x0100,
  DIMSE_N_EVENT_REPORT_RSP   = 0x8100,
  DIMSE_N_GET_RQ             = 0x0110,
  DIMSE_N_GET_RSP            = 0x8110,
  DIMSE_N_SET_RQ             = 0x0120,
  DIMSE_N_SET_RSP            = 0x8120,
  DIMSE_N_ACTION_RQ          = 0x0130,
  DIMSE_N_ACTION_RSP         = 0x8130,
  DIMSE_N_CREATE_RQ          = 0x0140,
  DIMSE_N_CREATE_RSP         = 0x8140,
  DIMSE_N_DELETE_RQ          = 0x0150,
  DIMSE_N_DELETE_RSP         = 0x8150,
  DIMSE_C_CANCEL_RQ          = 0x0FFF,
} DimseCommandField;

#define DIMSE_COMMAND_RESPONSE_BIT 0x8000

/* Command Data Set Type (0000,0800): 0101H means no data set follows;
 * PS3.7 Table E.1-1 lets any other value mean one does. */
#define DIMSE_DATA_SET_ABSENT  0x0101
#define DIMSE_DATA_SET_PRESENT 0x0001

/* Priority (0000,0700), PS3.7 Table E.1-1. */
typedef enum {
  DIMSE_PRIORITY_MEDIUM = 0x0000,
  DIMSE_PRIORITY_HIGH   = 0x0001,
  DIMSE_PRIORITY_LOW    = 0x0002,
} DimsePriority;

/* "C-STORE-RQ", or NULL for a value that is no command. */
const char        *dimse_command_field_name (DimseCommandField field);
gboolean           dimse_command_field_is_known (DimseCommandField field);
gboolean           dimse_command_field_is_response (DimseCommandField field);
/* The request of a response (a request and C-CANCEL-RQ give themselves). */
DimseCommandField  dimse_command_field_request (DimseCommandField field);
/* The response of a request; DIMSE_COMMAND_NONE for C-CANCEL-RQ. */
DimseCommandField  dimse_command_field_response (DimseCommandField field);
/* "MEDIUM", "HIGH", "LOW", or NULL. */
const char        *dimse_priority_name (guint16 priority);

/* ---- Annex E: the elements of group 0000 ---- */
typedef struct {
  guint32     tag;
  const char *name;     /* "Affected SOP Class UID" */
  const char *keyword;  /* "AffectedSOPClassUID" */
  DcmVR       vr;
  const char *vm;
  gboolean    retired;  /* Table E.2-1 */
} DimseCommandElement;

/* The element of Table E.1-1 or E.2-1 with tag, or NULL. */
const DimseCommandElement *dimse_command_element_lookup (guint32 tag);
guint                      dimse_command_n_elements (void);
const DimseCommandElement *dimse_command_nth_element (guint i);
/* "Affected SOP Instance UID (0000,1000)", "(0000,ABCD)" when unknown. */
char                      *dimse_command_describe_tag (guint32 tag);
/* One line per element ("Command Field (0000,0100): 0x0001 C-STORE-RQ"),
 * retired elements of Table E.2-1 marked "(retired)", for display. */
char                      *dimse_command_describe (DcmDataSet *command);

/* ---- §9.3 and §10.3: which fields each message carries ---- */
typedef enum {
  DIMSE_USAGE_NONE,  /* not part of the message (a data set: 0101H) */
  DIMSE_USAGE_M,     /* mandatory */
  DIMSE_USAGE_U,     /* the service user's option */
  DIMSE_USAGE_C,     /* conditional: checked where the message alone decides */
} DimseUsage;

typedef struct {
  DimseCommandField command;
  guint32           tag;
  DimseUsage        usage;
} DimseFieldRule;

typedef struct {
  DimseCommandField command;
  const char       *table;     /* "PS3.7 Table 9.3-1" */
  DimseUsage        data_set;  /* the Data Set row of that table */
} DimseMessageRule;

guint                   dimse_field_rules_n (void);
const DimseFieldRule   *dimse_field_rules_nth (guint i);
/* NULL for a value that is no command. */
const DimseMessageRule *dimse_message_rule_lookup (DimseCommandField command);

G_END_DECLS
