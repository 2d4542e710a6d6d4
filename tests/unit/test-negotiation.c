/* test-negotiation.c — PS3.7 Annex D association negotiation, both sides */
#include "config.h"

#include <string.h>

#include "dcm-uid.h"
#include "dimse-error.h"
#include "dimse-negotiation.h"
#include "test-util.h"

#define CT DCM_UID_CT_IMAGE_STORAGE
#define MR DCM_UID_MR_IMAGE_STORAGE
#define ECHO DCM_UID_VERIFICATION
#define GET DCM_UID_STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET
#define EXPLICIT_LE DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN
#define IMPLICIT_LE DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN
#define EXPLICIT_BE DCM_UID_EXPLICIT_VR_BIG_ENDIAN
#define DEFLATED DCM_UID_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN
#define JPEG DCM_UID_JPEG_BASELINE8_BIT

/* Every PDU crosses the wire in these tests: encoded and decoded again. */
static DimsePdu *
wire (const DimsePdu *pdu)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = dimse_pdu_encode (pdu, &error);
  DimsePdu *out = NULL;

  g_assert_no_error (error);
  g_assert_true (dimse_pdu_decode (bytes, NULL, &out, &error));
  g_assert_no_error (error);
  return out;
}

static DimsePdu *
build_rq_on_wire (const DimseAssociationParams *params)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DimsePdu) rq = dimse_negotiation_build_rq (params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rq);
  return wire (rq);
}

/* Runs the acceptor on rq and gives its reply as received by the requestor. */
static DimsePdu *
accept_on_wire (const DimseAcceptorPolicy *policy, const DimsePdu *rq,
                DimseNegotiationResult **out_result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DimsePdu) reply = NULL;

  g_assert_true (dimse_negotiation_accept (policy, rq, out_result, &reply, &error));
  g_assert_no_error (error);
  g_assert_nonnull (*out_result);
  g_assert_nonnull (reply);
  return wire (reply);
}

static DimseNegotiationResult *
parse_ac_ok (const DimsePdu *rq, const DimsePdu *ac)
{
  g_autoptr (GError) error = NULL;
  DimseNegotiationResult *result = NULL;

  g_assert_true (dimse_negotiation_parse_ac (rq, ac, &result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
assert_bytes_text (GBytes *bytes, const char *text)
{
  test_util_assert_bytes (bytes, text, strlen (text));
}

/* ---- building the -RQ ---- */

static void
test_build_rq_round_trip (void)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("SCU", "ARCHIVE");
  g_autoptr (GBytes) ext = test_util_hex_bytes ("01 00 01");
  g_autoptr (GBytes) user = text_bytes ("alice");
  g_autoptr (GBytes) pass = text_bytes ("secret");
  const char *const jpeg_first[] = { JPEG, EXPLICIT_LE, NULL };
  g_autoptr (DimsePdu) rq = NULL;
  DimseProposedContext *pc;
  const DimseAssociate *a;
  const DimseUserInfo *info;
  const DimseRoleSelection *rs;
  const DimseCommonExtendedNegotiation *cen;

  dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
  pc = dimse_association_params_add_context (params, CT, jpeg_first, DIMSE_ROLE_BOTH);
  pc->extended_negotiation = g_bytes_ref (ext);
  pc = dimse_association_params_add_context (params, MR, NULL, DIMSE_ROLE_DEFAULT);
  pc->service_class_uid = g_strdup ("1.2.840.10008.4.2");
  g_ptr_array_add (pc->related_general_sop_class_uids, g_strdup (CT));
  params->max_operations_invoked = 5;
  params->max_operations_performed = 3;
  dimse_association_params_set_user_identity (params, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE,
                                              user, pass, TRUE);

  rq = build_rq_on_wire (params);
  g_assert_cmpint (rq->type, ==, DIMSE_PDU_ASSOCIATE_RQ);
  a = rq->associate;
  g_assert_cmpstr (a->calling_ae_title, ==, "SCU");
  g_assert_cmpstr (a->called_ae_title, ==, "ARCHIVE");
  g_assert_cmpstr (a->application_context_name, ==, DIMSE_APPLICATION_CONTEXT_NAME);
  g_assert_cmpuint (a->presentation_contexts->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (((DimsePresentationContext *) a->presentation_contexts->pdata[i])->id,
                      ==, 2 * i + 1);
  pc = NULL;
  {
    const DimsePresentationContext *echo = a->presentation_contexts->pdata[0];
    const DimsePresentationContext *ct = a->presentation_contexts->pdata[1];
    g_assert_cmpstr (echo->abstract_syntax, ==, ECHO);
    g_assert_cmpuint (echo->transfer_syntaxes->len, ==, 3);
    g_assert_cmpstr (echo->transfer_syntaxes->pdata[0], ==, EXPLICIT_LE);
    g_assert_cmpstr (echo->transfer_syntaxes->pdata[1], ==, IMPLICIT_LE);
    g_assert_cmpstr (echo->transfer_syntaxes->pdata[2], ==, EXPLICIT_BE);
    g_assert_cmpuint (ct->transfer_syntaxes->len, ==, 2);
    g_assert_cmpstr (ct->transfer_syntaxes->pdata[0], ==, JPEG);
  }
  info = a->user_info;
  g_assert_nonnull (info);
  g_assert_true (info->has_max_pdu_length);
  g_assert_cmpuint (info->max_pdu_length, ==, 128 * 1024);
  g_assert_cmpstr (info->implementation_class_uid, ==, DCM_IMPLEMENTATION_CLASS_UID);
  g_assert_cmpstr (info->implementation_version_name, ==, DCM_IMPLEMENTATION_VERSION_NAME);
  g_assert_true (info->has_async_ops_window);
  g_assert_cmpuint (info->max_operations_invoked, ==, 5);
  g_assert_cmpuint (info->max_operations_performed, ==, 3);
  g_assert_cmpuint (info->role_selections->len, ==, 1);
  rs = info->role_selections->pdata[0];
  g_assert_cmpstr (rs->sop_class_uid, ==, CT);
  g_assert_cmpuint (rs->scu_role, ==, 1);
  g_assert_cmpuint (rs->scp_role, ==, 1);
  g_assert_cmpuint (info->extended_negotiations->len, ==, 1);
  test_util_assert_bytes (((DimseExtendedNegotiation *) info->extended_negotiations->pdata[0])
                          ->service_class_application_information, "\x01\x00\x01", 3);
  g_assert_cmpuint (info->common_extended_negotiations->len, ==, 1);
  cen = info->common_extended_negotiations->pdata[0];
  g_assert_cmpstr (cen->sop_class_uid, ==, MR);
  g_assert_cmpstr (cen->service_class_uid, ==, "1.2.840.10008.4.2");
  g_assert_cmpuint (cen->related_general_sop_class_uids->len, ==, 1);
  g_assert_cmpstr (cen->related_general_sop_class_uids->pdata[0], ==, CT);
  g_assert_nonnull (info->user_identity);
  g_assert_cmpuint (info->user_identity->user_identity_type, ==,
                    DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE);
  g_assert_true (info->user_identity->positive_response_requested);
  assert_bytes_text (info->user_identity->primary_field, "alice");
  assert_bytes_text (info->user_identity->secondary_field, "secret");
}

static void
test_build_rq_defaults (void)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  g_autoptr (DimsePdu) rq = NULL;
  const DimseUserInfo *info;

  /* Two contexts for one SOP class share its Role Selection item. */
  dimse_association_params_add_context (params, CT, NULL, DIMSE_ROLE_SCP);
  dimse_association_params_add_context (params, CT, (const char *const[]) { JPEG, NULL },
                                        DIMSE_ROLE_SCP);
  rq = build_rq_on_wire (params);
  info = rq->associate->user_info;
  g_assert_false (info->has_async_ops_window);
  g_assert_null (info->user_identity);
  g_assert_cmpuint (info->role_selections->len, ==, 1);
  g_assert_cmpuint (((DimseRoleSelection *) info->role_selections->pdata[0])->scu_role, ==, 0);
  g_assert_cmpuint (((DimseRoleSelection *) info->role_selections->pdata[0])->scp_role, ==, 1);
  g_assert_cmpuint (info->extended_negotiations->len, ==, 0);
}

static void
test_build_rq_context_limit (void)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  g_autoptr (GError) error = NULL;
  g_autoptr (DimsePdu) full = NULL;
  g_autoptr (DimsePdu) over = NULL;
  const DimsePresentationContext *last;

  for (guint i = 0; i < DIMSE_NEGOTIATION_MAX_PRESENTATION_CONTEXTS; i++)
    dimse_association_params_add_context (params, CT, NULL, DIMSE_ROLE_DEFAULT);
  full = build_rq_on_wire (params);
  g_assert_cmpuint (full->associate->presentation_contexts->len, ==, 128);
  last = full->associate->presentation_contexts->pdata[127];
  g_assert_cmpuint (last->id, ==, 255);

  dimse_association_params_add_context (params, CT, NULL, DIMSE_ROLE_DEFAULT);
  over = dimse_negotiation_build_rq (params, &error);
  g_assert_null (over);
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "129"));
}

static void
test_build_rq_invalid (void)
{
  struct {
    const char *calling, *called;
    gboolean add_context, empty_ts;
  } cases[] = {
    { "A", "B", FALSE, FALSE },
    { "", "B", TRUE, FALSE },
    { "A", NULL, TRUE, FALSE },
    { "A", "B", TRUE, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (DimseAssociationParams) params =
        dimse_association_params_new (cases[i].calling, cases[i].called);
      g_autoptr (GError) error = NULL;
      g_autoptr (DimsePdu) rq = NULL;

      if (cases[i].add_context)
        dimse_association_params_add_context (params, ECHO,
                                              cases[i].empty_ts ? (const char *const[]) { NULL }
                                                                : NULL,
                                              DIMSE_ROLE_DEFAULT);
      rq = dimse_negotiation_build_rq (params, &error);
      g_assert_null (rq);
      g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
    }
}

/* ---- accepting presentation contexts: one table ---- */

typedef struct {
  const char *abstract_syntax;
  const char *transfer_syntaxes[4];
  DimseRole   roles;
} Proposal;

typedef struct {
  guint8      result;
  const char *transfer_syntax;
  DimseRole   requestor_roles;
} Expected;

typedef struct {
  const char *name;
  void      (*setup) (DimseAcceptorPolicy *policy);
  Proposal    proposals[4];
  Expected    expected[4];
  /* the -AC's role selection answer for the first proposal, -1: none */
  int         answered_scu, answered_scp;
} ContextCase;

static void
setup_echo_ct (DimseAcceptorPolicy *policy)
{
  dimse_acceptor_policy_add_sop_class (policy, ECHO, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, CT, DIMSE_ROLE_DEFAULT);
}

static void
setup_prefer_implicit (DimseAcceptorPolicy *policy)
{
  setup_echo_ct (policy);
  dimse_acceptor_policy_set_transfer_syntaxes (policy, CT, (const char *const[]) {
                                                 IMPLICIT_LE, EXPLICIT_LE, NULL });
}

static void
setup_deflate_allowed (DimseAcceptorPolicy *policy)
{
  setup_echo_ct (policy);
  dimse_acceptor_policy_set_transfer_syntaxes (policy, NULL, (const char *const[]) {
                                                 EXPLICIT_LE, DEFLATED, NULL });
}

static void
setup_get_scp (DimseAcceptorPolicy *policy)
{
  dimse_acceptor_policy_add_sop_class (policy, GET, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, CT, DIMSE_ROLE_BOTH);
}

static void
setup_scu_only (DimseAcceptorPolicy *policy)
{
  dimse_acceptor_policy_add_sop_class (policy, CT, DIMSE_ROLE_SCU);
}

static void
setup_two_contexts_max (DimseAcceptorPolicy *policy)
{
  setup_echo_ct (policy);
  dimse_acceptor_policy_set_max_presentation_contexts (policy, 2);
}

#define ACC DIMSE_PRESENTATION_CONTEXT_ACCEPTANCE
#define USER_REJ DIMSE_PRESENTATION_CONTEXT_USER_REJECTION
#define AS_REJ DIMSE_PRESENTATION_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED
#define TS_REJ DIMSE_PRESENTATION_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED

static const ContextCase context_cases[] = {
  { "all accepted, explicit LE preferred", setup_echo_ct,
    { { ECHO, { IMPLICIT_LE, NULL } }, { CT, { IMPLICIT_LE, EXPLICIT_BE, EXPLICIT_LE } } },
    { { ACC, IMPLICIT_LE, DIMSE_ROLE_SCU }, { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU } }, -1, -1 },
  { "policy prefers implicit LE", setup_prefer_implicit,
    { { CT, { EXPLICIT_LE, IMPLICIT_LE } }, { ECHO, { EXPLICIT_LE, IMPLICIT_LE } } },
    { { ACC, IMPLICIT_LE, DIMSE_ROLE_SCU }, { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU } }, -1, -1 },
  { "abstract syntax not supported", setup_echo_ct,
    { { MR, { EXPLICIT_LE } }, { ECHO, { IMPLICIT_LE } } },
    { { AS_REJ, NULL, 0 }, { ACC, IMPLICIT_LE, DIMSE_ROLE_SCU } }, -1, -1 },
  { "transfer syntaxes not supported", setup_echo_ct,
    { { CT, { JPEG } }, { CT, { DEFLATED } } },
    { { TS_REJ, NULL, 0 }, { TS_REJ, NULL, 0 } }, -1, -1 },
  { "deflate when the policy lists it", setup_deflate_allowed,
    { { CT, { DEFLATED, IMPLICIT_LE } }, { ECHO, { IMPLICIT_LE } } },
    { { ACC, DEFLATED, DIMSE_ROLE_SCU }, { TS_REJ, NULL, 0 } }, -1, -1 },
  { "SCU only proposed", setup_echo_ct,
    { { CT, { EXPLICIT_LE }, DIMSE_ROLE_SCU } },
    { { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU } }, 1, 0 },
  { "both proposed, we are SCP only", setup_echo_ct,
    { { CT, { EXPLICIT_LE }, DIMSE_ROLE_BOTH } },
    { { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU } }, 1, 0 },
  { "C-GET storage context, SCP role granted", setup_get_scp,
    { { CT, { EXPLICIT_LE }, DIMSE_ROLE_SCP }, { GET, { EXPLICIT_LE } } },
    { { ACC, EXPLICIT_LE, DIMSE_ROLE_SCP }, { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU } }, 0, 1 },
  { "C-GET storage context, both granted", setup_get_scp,
    { { CT, { EXPLICIT_LE }, DIMSE_ROLE_BOTH } },
    { { ACC, EXPLICIT_LE, DIMSE_ROLE_BOTH } }, 1, 1 },
  { "SCP role requested of a plain store SCP", setup_echo_ct,
    { { CT, { EXPLICIT_LE }, DIMSE_ROLE_SCP } },
    { { USER_REJ, NULL, 0 } }, -1, -1 },
  { "we only invoke, default roles proposed", setup_scu_only,
    { { CT, { EXPLICIT_LE } } },
    { { USER_REJ, NULL, 0 } }, -1, -1 },
  { "contexts beyond the policy's maximum", setup_two_contexts_max,
    { { ECHO, { EXPLICIT_LE } }, { CT, { EXPLICIT_LE } }, { ECHO, { EXPLICIT_LE } } },
    { { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU }, { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU },
      { USER_REJ, NULL, 0 } }, -1, -1 },
};

static DimseAssociationParams *
params_for (const Proposal *proposals)
{
  DimseAssociationParams *params = dimse_association_params_new ("MODALITY", "ARCHIVE");

  for (guint i = 0; i < 4 && proposals[i].abstract_syntax != NULL; i++)
    dimse_association_params_add_context (params, proposals[i].abstract_syntax,
                                          proposals[i].transfer_syntaxes, proposals[i].roles);
  return params;
}

static void
check_answered_roles (const ContextCase *c, const DimsePdu *ac)
{
  const DimseRoleSelection *rs = NULL;
  const DimseUserInfo *info = ac->associate->user_info;

  for (guint i = 0; i < info->role_selections->len; i++)
    if (g_strcmp0 (((DimseRoleSelection *) info->role_selections->pdata[i])->sop_class_uid,
                   c->proposals[0].abstract_syntax) == 0)
      rs = info->role_selections->pdata[i];
  if (c->answered_scu < 0)
    {
      g_assert_null (rs);
      return;
    }
  g_assert_nonnull (rs);
  g_assert_cmpint (rs->scu_role, ==, c->answered_scu);
  g_assert_cmpint (rs->scp_role, ==, c->answered_scp);
}

static void
check_context_case (const ContextCase *c, const DimseNegotiationResult *result,
                    gboolean local_is_requestor)
{
  g_assert_cmpint (result->local_is_requestor, ==, local_is_requestor);
  for (guint i = 0; i < 4 && c->proposals[i].abstract_syntax != NULL; i++)
    {
      const DimseNegotiatedContext *nc = result->contexts->pdata[i];
      const Expected *e = &c->expected[i];

      g_test_message ("case \"%s\", context %u", c->name, i);
      g_assert_cmpuint (nc->id, ==, 2 * i + 1);
      g_assert_cmpstr (nc->abstract_syntax, ==, c->proposals[i].abstract_syntax);
      g_assert_cmpuint (nc->result, ==, e->result);
      g_assert_cmpstr (nc->transfer_syntax, ==, e->transfer_syntax);
      g_assert_cmpint (nc->requestor_roles, ==, e->requestor_roles);
      g_assert_cmpint (nc->acceptor_roles, ==,
                       (e->requestor_roles & DIMSE_ROLE_SCU ? DIMSE_ROLE_SCP : 0)
                       | (e->requestor_roles & DIMSE_ROLE_SCP ? DIMSE_ROLE_SCU : 0));
    }
}

static void
test_accept_contexts (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (context_cases); i++)
    {
      const ContextCase *c = &context_cases[i];
      g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new ("ARCHIVE");
      g_autoptr (DimseAssociationParams) params = params_for (c->proposals);
      g_autoptr (DimsePdu) rq = build_rq_on_wire (params);
      g_autoptr (DimseNegotiationResult) accepted = NULL;
      g_autoptr (DimseNegotiationResult) parsed = NULL;
      g_autoptr (DimsePdu) ac = NULL;

      c->setup (policy);
      ac = accept_on_wire (policy, rq, &accepted);
      g_assert_cmpint (ac->type, ==, DIMSE_PDU_ASSOCIATE_AC);
      g_assert_true (accepted->accepted);
      check_context_case (c, accepted, FALSE);
      check_answered_roles (c, ac);
      parsed = parse_ac_ok (rq, ac);
      check_context_case (c, parsed, TRUE);
    }
}

/* ---- the asynchronous operations window ---- */

static void
test_accept_async_window (void)
{
  struct {
    gboolean proposed;
    guint16 rq_invoked, rq_performed, our_invoked, our_performed;
    guint16 ac_invoked, ac_performed;
  } cases[] = {
    { TRUE, 5, 3, 2, 10, 2, 5 },
    { TRUE, 5, 3, 1, 1, 1, 1 },
    { TRUE, 0, 0, 4, 0, 4, 0 },
    { TRUE, 0, 7, 0, 0, 7, 0 },
    { FALSE, 1, 1, 8, 8, 1, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
      g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new (NULL);
      g_autoptr (DimseNegotiationResult) accepted = NULL;
      g_autoptr (DimseNegotiationResult) parsed = NULL;
      g_autoptr (DimsePdu) rq = NULL;
      g_autoptr (DimsePdu) ac = NULL;
      const DimseUserInfo *info;

      g_test_message ("window case %u", i);
      dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
      params->max_operations_invoked = cases[i].rq_invoked;
      params->max_operations_performed = cases[i].rq_performed;
      dimse_acceptor_policy_add_sop_class (policy, ECHO, DIMSE_ROLE_SCP);
      dimse_acceptor_policy_set_async_window (policy, cases[i].our_invoked,
                                              cases[i].our_performed);
      rq = build_rq_on_wire (params);
      g_assert_cmpint (rq->associate->user_info->has_async_ops_window, ==, cases[i].proposed);
      ac = accept_on_wire (policy, rq, &accepted);
      info = ac->associate->user_info;
      g_assert_cmpint (info->has_async_ops_window, ==, cases[i].proposed);
      if (cases[i].proposed)
        {
          g_assert_cmpuint (info->max_operations_invoked, ==, cases[i].ac_invoked);
          g_assert_cmpuint (info->max_operations_performed, ==, cases[i].ac_performed);
        }
      g_assert_cmpuint (accepted->max_operations_invoked, ==, cases[i].ac_invoked);
      g_assert_cmpuint (accepted->max_operations_performed, ==, cases[i].ac_performed);
      parsed = parse_ac_ok (rq, ac);
      /* The requestor's view mirrors the acceptor's. */
      g_assert_cmpuint (parsed->max_operations_invoked, ==, cases[i].ac_performed);
      g_assert_cmpuint (parsed->max_operations_performed, ==, cases[i].ac_invoked);
    }
}

/* ---- SOP class extended negotiation ---- */

static GBytes *
echo_extended (const char *sop_class_uid, GBytes *proposed, gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
  g_assert_cmpstr (sop_class_uid, ==, CT);
  return g_bytes_ref (proposed);
}

static DimsePdu *
rq_with_extended (void)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  DimseProposedContext *pc;

  pc = dimse_association_params_add_context (params, CT, NULL, DIMSE_ROLE_DEFAULT);
  pc->extended_negotiation = test_util_hex_bytes ("01 01 00");
  pc = dimse_association_params_add_context (params, MR, NULL, DIMSE_ROLE_DEFAULT);
  pc->extended_negotiation = test_util_hex_bytes ("01");
  return build_rq_on_wire (params);
}

static void
test_accept_extended_echo (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new (NULL);
  g_autoptr (DimsePdu) rq = rq_with_extended ();
  g_autoptr (DimseNegotiationResult) accepted = NULL;
  g_autoptr (DimseNegotiationResult) parsed = NULL;
  g_autoptr (DimsePdu) ac = NULL;
  guint calls = 0;
  const DimseUserInfo *info;

  /* MR is not accepted, so its proposal gets no answer. */
  dimse_acceptor_policy_add_sop_class (policy, CT, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_set_extended_negotiation_func (policy, echo_extended, &calls, NULL);
  ac = accept_on_wire (policy, rq, &accepted);
  g_assert_cmpuint (calls, ==, 1);
  info = ac->associate->user_info;
  g_assert_cmpuint (info->extended_negotiations->len, ==, 1);
  g_assert_cmpstr (((DimseExtendedNegotiation *) info->extended_negotiations->pdata[0])
                   ->sop_class_uid, ==, CT);
  test_util_assert_bytes (dimse_negotiation_result_get_extended_negotiation (accepted, CT),
                          "\x01\x01\x00", 3);
  parsed = parse_ac_ok (rq, ac);
  test_util_assert_bytes (dimse_negotiation_result_get_extended_negotiation (parsed, CT),
                          "\x01\x01\x00", 3);
  g_assert_null (dimse_negotiation_result_get_extended_negotiation (parsed, MR));
}

static void
test_accept_extended_fixed (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new (NULL);
  g_autoptr (DimsePdu) rq = rq_with_extended ();
  g_autoptr (GBytes) answer = test_util_hex_bytes ("00 00 00");
  g_autoptr (DimseNegotiationResult) accepted = NULL;
  g_autoptr (DimsePdu) ac = NULL;

  dimse_acceptor_policy_add_sop_class (policy, CT, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, MR, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_set_extended_negotiation (policy, MR, answer);
  ac = accept_on_wire (policy, rq, &accepted);
  g_assert_cmpuint (ac->associate->user_info->extended_negotiations->len, ==, 1);
  g_assert_null (dimse_negotiation_result_get_extended_negotiation (accepted, CT));
  test_util_assert_bytes (dimse_negotiation_result_get_extended_negotiation (accepted, MR),
                          "\x00\x00\x00", 3);
}

/* ---- user identity ---- */

static gboolean
check_alice (const DimseUserIdentity *identity, GBytes **server_response, gpointer user_data)
{
  guint *calls = user_data;
  gsize len = 0;
  const char *pass;

  (*calls)++;
  if (identity == NULL || identity->user_identity_type != DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE)
    return FALSE;
  pass = g_bytes_get_data (identity->secondary_field, &len);
  if (len != 6 || memcmp (pass, "secret", 6) != 0)
    return FALSE;
  *server_response = text_bytes ("ticket-42");
  return TRUE;
}

static DimsePdu *
rq_with_identity (const char *passcode, gboolean positive)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  g_autoptr (GBytes) user = text_bytes ("alice");
  g_autoptr (GBytes) pass = passcode != NULL ? text_bytes (passcode) : NULL;

  dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
  if (passcode != NULL)
    dimse_association_params_set_user_identity (params, DIMSE_USER_IDENTITY_USERNAME_AND_PASSCODE,
                                                user, pass, positive);
  return build_rq_on_wire (params);
}

static void
test_user_identity_accepted (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default (NULL);
  g_autoptr (DimsePdu) rq = rq_with_identity ("secret", TRUE);
  g_autoptr (DimsePdu) rq_quiet = rq_with_identity ("secret", FALSE);
  g_autoptr (DimseNegotiationResult) accepted = NULL;
  g_autoptr (DimseNegotiationResult) quiet = NULL;
  g_autoptr (DimseNegotiationResult) parsed = NULL;
  g_autoptr (DimsePdu) ac = NULL;
  g_autoptr (DimsePdu) ac_quiet = NULL;
  guint calls = 0;

  dimse_acceptor_policy_set_user_identity_func (policy, check_alice, &calls, NULL);
  ac = accept_on_wire (policy, rq, &accepted);
  g_assert_cmpint (ac->type, ==, DIMSE_PDU_ASSOCIATE_AC);
  assert_bytes_text (ac->associate->user_info->user_identity_server_response, "ticket-42");
  g_assert_nonnull (accepted->user_identity);
  assert_bytes_text (accepted->user_identity->primary_field, "alice");
  parsed = parse_ac_ok (rq, ac);
  assert_bytes_text (parsed->user_identity_server_response, "ticket-42");

  /* PS3.7 §D.3.3.7.2: no response item unless one was asked for. */
  ac_quiet = accept_on_wire (policy, rq_quiet, &quiet);
  g_assert_cmpint (ac_quiet->type, ==, DIMSE_PDU_ASSOCIATE_AC);
  g_assert_null (ac_quiet->associate->user_info->user_identity_server_response);
  g_assert_null (quiet->user_identity_server_response);
  g_assert_cmpuint (calls, ==, 2);
}

static void
test_user_identity_rejected (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default (NULL);
  const char *passcodes[] = { "wrong", NULL };
  guint calls = 0;

  dimse_acceptor_policy_set_user_identity_func (policy, check_alice, &calls, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (passcodes); i++)
    {
      g_autoptr (DimsePdu) rq = rq_with_identity (passcodes[i], TRUE);
      g_autoptr (DimseNegotiationResult) result = NULL;
      g_autoptr (DimsePdu) rj = accept_on_wire (policy, rq, &result);
      g_autofree char *words = NULL;

      g_assert_cmpint (rj->type, ==, DIMSE_PDU_ASSOCIATE_RJ);
      g_assert_cmpuint (rj->associate_rj.result, ==, DIMSE_RJ_RESULT_PERMANENT);
      g_assert_cmpuint (rj->associate_rj.source, ==, DIMSE_RJ_SOURCE_SERVICE_PROVIDER_ACSE);
      g_assert_cmpuint (rj->associate_rj.reason, ==, DIMSE_RJ_REASON_NO_REASON_GIVEN);
      words = dimse_associate_rj_describe (&rj->associate_rj);
      g_assert_cmpstr (words, ==, "Rejected Permanent, Service Provider (ACSE Related), No Reason");
      g_assert_false (result->accepted);
      g_assert_cmpuint (result->rejection.reason, ==, DIMSE_RJ_REASON_NO_REASON_GIVEN);
    }
  g_assert_cmpuint (calls, ==, 2);
}

/* ---- A-ASSOCIATE-RJ: PS3.8 Table 9-21 ---- */

typedef struct {
  const char *name;
  const char *called, *calling;
  const char *application_context_name;
  guint16     protocol_version;
  DimseRefusal refusal;
  guint8      result, source, reason;
  const char *words;
} RejectCase;

static const RejectCase reject_cases[] = {
  { "called AE not recognized", "OTHER", "MODALITY", NULL, 1, DIMSE_REFUSAL_NONE,
    1, 1, 7, "Rejected Permanent, Service User, Called AE Title Not Recognized" },
  { "calling AE not recognized", "ARCHIVE", "STRANGER", NULL, 1, DIMSE_REFUSAL_NONE,
    1, 1, 3, "Rejected Permanent, Service User, Calling AE Title Not Recognized" },
  { "application context name", "ARCHIVE", "MODALITY", "1.2.3.4", 1, DIMSE_REFUSAL_NONE,
    1, 1, 2, "Rejected Permanent, Service User, App Context Name Not Supported" },
  { "protocol version", "ARCHIVE", "MODALITY", NULL, 2, DIMSE_REFUSAL_NONE,
    1, 2, 2,
    "Rejected Permanent, Service Provider (ACSE Related), Protocol Version Not Supported" },
  { "temporary congestion", "ARCHIVE", "MODALITY", NULL, 1, DIMSE_REFUSAL_TEMPORARY_CONGESTION,
    2, 3, 1, "Rejected Transient, Service Provider (Presentation Related), Temporary Congestion" },
  { "local limit exceeded", "OTHER", "MODALITY", NULL, 1, DIMSE_REFUSAL_LOCAL_LIMIT_EXCEEDED,
    2, 3, 2, "Rejected Transient, Service Provider (Presentation Related), Local Limit Exceeded" },
  { "second called AE title accepted", "ALIAS", "WORKSTATION", NULL, 1, DIMSE_REFUSAL_NONE,
    0, 0, 0, NULL },
};

static DimsePdu *
rq_for_reject_case (const RejectCase *c)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new (c->calling, c->called);
  g_autoptr (GError) error = NULL;
  g_autoptr (DimsePdu) rq = NULL;

  dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  rq->associate->protocol_version = c->protocol_version;
  if (c->application_context_name != NULL)
    {
      g_free (rq->associate->application_context_name);
      rq->associate->application_context_name = g_strdup (c->application_context_name);
    }
  return wire (rq);
}

static void
test_accept_rejections (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (reject_cases); i++)
    {
      const RejectCase *c = &reject_cases[i];
      g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default ("ARCHIVE");
      g_autoptr (DimsePdu) rq = rq_for_reject_case (c);
      g_autoptr (DimseNegotiationResult) result = NULL;
      g_autoptr (DimseNegotiationResult) parsed = NULL;
      g_autoptr (DimsePdu) reply = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *words = NULL;
      g_autofree char *text = NULL;

      g_test_message ("reject case \"%s\"", c->name);
      dimse_acceptor_policy_add_called_ae_title (policy, "ALIAS");
      dimse_acceptor_policy_add_calling_ae_title (policy, "MODALITY");
      dimse_acceptor_policy_add_calling_ae_title (policy, "WORKSTATION");
      dimse_acceptor_policy_set_refusal (policy, c->refusal);
      reply = accept_on_wire (policy, rq, &result);
      if (c->words == NULL)
        {
          g_assert_cmpint (reply->type, ==, DIMSE_PDU_ASSOCIATE_AC);
          g_assert_true (result->accepted);
          g_assert_cmpstr (reply->associate->called_ae_title, ==, c->called);
          g_assert_cmpstr (reply->associate->calling_ae_title, ==, c->calling);
          continue;
        }
      g_assert_cmpint (reply->type, ==, DIMSE_PDU_ASSOCIATE_RJ);
      g_assert_cmpuint (reply->associate_rj.result, ==, c->result);
      g_assert_cmpuint (reply->associate_rj.source, ==, c->source);
      g_assert_cmpuint (reply->associate_rj.reason, ==, c->reason);
      words = dimse_associate_rj_describe (&reply->associate_rj);
      g_assert_cmpstr (words, ==, c->words);
      g_assert_false (result->accepted);
      g_assert_cmpuint (result->rejection.reason, ==, c->reason);
      text = dimse_negotiation_result_describe (result);
      g_assert_nonnull (strstr (text, c->words));

      g_assert_false (dimse_negotiation_parse_ac (rq, reply, &parsed, &error));
      g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_ASSOCIATION_REJECTED);
      g_assert_nonnull (strstr (error->message, c->words));
      g_assert_null (parsed);
    }
}

static void
test_accept_not_rq (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new (NULL);
  g_autoptr (DimsePdu) release = dimse_pdu_new (DIMSE_PDU_RELEASE_RQ);
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autoptr (DimsePdu) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (dimse_negotiation_accept (policy, release, &result, &reply, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED);
  g_assert_null (result);
  g_assert_null (reply);
}

static void
test_default_policy (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default ("ARCHIVE");
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "ARCHIVE");
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autoptr (DimsePdu) rq = NULL;
  g_autoptr (DimsePdu) ac = NULL;
  const char *classes[] = { ECHO, CT, MR, DCM_UID_SECONDARY_CAPTURE_IMAGE_STORAGE, GET };
  const guint8 expected[] = { ACC, ACC, ACC, ACC, AS_REJ };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    dimse_association_params_add_context (params, classes[i], NULL, DIMSE_ROLE_DEFAULT);
  rq = build_rq_on_wire (params);
  ac = accept_on_wire (policy, rq, &result);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    g_assert_cmpuint (((DimseNegotiatedContext *) result->contexts->pdata[i])->result, ==,
                      expected[i]);
}

/* PS3.8 makes the User Information item mandatory; an -RQ without it still
 * gets the defaults rather than a crash. */
static void
test_accept_without_user_info (void)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default (NULL);
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (DimsePdu) rq = NULL;
  g_autoptr (DimsePdu) ac = NULL;

  dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
  rq = dimse_negotiation_build_rq (params, &error);
  g_assert_no_error (error);
  g_clear_pointer (&rq->associate->user_info, dimse_user_info_free);
  ac = accept_on_wire (policy, rq, &result);
  g_assert_cmpint (ac->type, ==, DIMSE_PDU_ASSOCIATE_AC);
  g_assert_cmpuint (dimse_negotiation_result_find_context (result, ECHO, NULL, DIMSE_ROLE_SCP),
                    ==, 1);
  g_assert_cmpuint (result->peer_max_pdu_length, ==, 0);
  g_assert_null (result->peer_implementation_class_uid);
  g_assert_cmpuint (result->max_operations_invoked, ==, 1);
  g_assert_nonnull (ac->associate->user_info);
  g_assert_false (ac->associate->user_info->has_async_ops_window);
}

/* ---- reading a broken -AC ---- */

typedef enum {
  BREAK_UNKNOWN_ID,
  BREAK_ANSWERED_TWICE,
  BREAK_TS_NOT_PROPOSED,
  BREAK_ROLE_NOT_PROPOSED,
  BREAK_WINDOW_TOO_LARGE,
} AcBreakage;

static void
break_ac (DimsePdu *ac, AcBreakage how)
{
  DimseAssociate *a = ac->associate;
  DimsePresentationContext *first = a->presentation_contexts->pdata[0];

  switch (how)
    {
    case BREAK_UNKNOWN_ID:
      first->id = 7;
      break;
    case BREAK_ANSWERED_TWICE:
      ((DimsePresentationContext *) a->presentation_contexts->pdata[1])->id = first->id;
      break;
    case BREAK_TS_NOT_PROPOSED:
      g_free (first->transfer_syntaxes->pdata[0]);
      first->transfer_syntaxes->pdata[0] = g_strdup (JPEG);
      break;
    case BREAK_ROLE_NOT_PROPOSED:
      g_ptr_array_add (a->user_info->role_selections, dimse_role_selection_new (ECHO, TRUE, TRUE));
      break;
    case BREAK_WINDOW_TOO_LARGE:
      a->user_info->has_async_ops_window = TRUE;
      a->user_info->max_operations_invoked = 1;
      a->user_info->max_operations_performed = 0;
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_parse_ac_malformed (void)
{
  const struct {
    AcBreakage how;
    const char *words;
  } cases[] = {
    { BREAK_UNKNOWN_ID, "presentation context 7, which was not proposed" },
    { BREAK_ANSWERED_TWICE, "answers presentation context 1 twice" },
    { BREAK_TS_NOT_PROPOSED, "which was not proposed for it" },
    { BREAK_ROLE_NOT_PROPOSED, "did not propose" },
    { BREAK_WINDOW_TOO_LARGE, "exceeds the proposed one" },
  };
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default (NULL);
  g_autoptr (DimsePdu) rq = NULL;

  dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, CT, NULL, DIMSE_ROLE_DEFAULT);
  rq = build_rq_on_wire (params);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (DimseNegotiationResult) accepted = NULL;
      g_autoptr (DimseNegotiationResult) parsed = NULL;
      g_autoptr (DimsePdu) ac = accept_on_wire (policy, rq, &accepted);
      g_autoptr (DimsePdu) broken = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("broken -AC case %u", i);
      break_ac (ac, cases[i].how);
      broken = wire (ac);
      g_assert_false (dimse_negotiation_parse_ac (rq, broken, &parsed, &error));
      g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].words));
      g_assert_null (parsed);
    }
}

static void
test_parse_ac_wrong_pdu (void)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("A", "B");
  g_autoptr (DimsePdu) rq = NULL;
  g_autoptr (DimsePdu) release = dimse_pdu_new (DIMSE_PDU_RELEASE_RP);
  g_autoptr (DimseNegotiationResult) parsed = NULL;
  g_autoptr (GError) error = NULL;

  dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
  rq = build_rq_on_wire (params);
  g_assert_false (dimse_negotiation_parse_ac (rq, release, &parsed, &error));
  g_assert_error (error, DIMSE_ERROR, DIMSE_ERROR_PDU_UNEXPECTED);
}

/* ---- the result, read by the requestor ---- */

static void
test_parse_ac_result (void)
{
  g_autoptr (DimseAssociationParams) params = dimse_association_params_new ("GETSCU", "ARCHIVE");
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new ("ARCHIVE");
  g_autoptr (DimseNegotiationResult) accepted = NULL;
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autoptr (DimsePdu) rq = NULL;
  g_autoptr (DimsePdu) ac = NULL;
  g_autofree char *text = NULL;
  const DimseNegotiatedContext *nc;
  const struct {
    gboolean requestor;
    const char *abstract_syntax, *transfer_syntax;
    DimseRole role;
    guint8 id;
  } finds[] = {
    { TRUE, GET, NULL, DIMSE_ROLE_SCU, 1 },
    { TRUE, GET, NULL, DIMSE_ROLE_SCP, 0 },
    { TRUE, CT, NULL, DIMSE_ROLE_SCP, 3 },
    { TRUE, CT, EXPLICIT_LE, DIMSE_ROLE_SCP, 5 },
    { TRUE, CT, NULL, DIMSE_ROLE_SCU, 0 },
    { TRUE, CT, NULL, DIMSE_ROLE_DEFAULT, 3 },
    { TRUE, MR, NULL, DIMSE_ROLE_DEFAULT, 0 },
    { TRUE, ECHO, NULL, DIMSE_ROLE_DEFAULT, 0 },
    /* The acceptor, a C-GET SCP, sends C-STORE as SCU on the storage context. */
    { FALSE, CT, NULL, DIMSE_ROLE_SCU, 3 },
    { FALSE, CT, IMPLICIT_LE, DIMSE_ROLE_BOTH, 0 },
    { FALSE, GET, NULL, DIMSE_ROLE_SCP, 1 },
  };

  dimse_association_params_add_context (params, GET, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, CT, (const char *const[]) { IMPLICIT_LE, NULL },
                                        DIMSE_ROLE_SCP);
  dimse_association_params_add_context (params, CT, (const char *const[]) { EXPLICIT_LE, NULL },
                                        DIMSE_ROLE_SCP);
  dimse_association_params_add_context (params, MR, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, ECHO, (const char *const[]) { JPEG, NULL },
                                        DIMSE_ROLE_DEFAULT);
  params->max_pdu_length = 0;
  setup_get_scp (policy);
  dimse_acceptor_policy_add_sop_class (policy, ECHO, DIMSE_ROLE_SCP);
  dimse_acceptor_policy_set_max_pdu_length (policy, 16384);
  dimse_acceptor_policy_set_implementation (policy, "1.2.3.4.5", "PEER_1");
  rq = build_rq_on_wire (params);
  ac = accept_on_wire (policy, rq, &accepted);
  result = parse_ac_ok (rq, ac);

  g_assert_cmpuint (result->peer_max_pdu_length, ==, 16384);
  g_assert_cmpuint (result->local_max_pdu_length, ==, 0);
  g_assert_cmpuint (accepted->peer_max_pdu_length, ==, 0);
  g_assert_cmpuint (accepted->local_max_pdu_length, ==, 16384);
  g_assert_cmpstr (result->peer_implementation_class_uid, ==, "1.2.3.4.5");
  g_assert_cmpstr (result->peer_implementation_version_name, ==, "PEER_1");
  g_assert_cmpstr (accepted->peer_implementation_class_uid, ==, DCM_IMPLEMENTATION_CLASS_UID);
  g_assert_cmpstr (result->calling_ae_title, ==, "GETSCU");

  for (guint i = 0; i < G_N_ELEMENTS (finds); i++)
    {
      const DimseNegotiationResult *side = finds[i].requestor ? result : accepted;
      g_test_message ("find case %u", i);
      g_assert_cmpuint (dimse_negotiation_result_find_context (side, finds[i].abstract_syntax,
                                                               finds[i].transfer_syntax,
                                                               finds[i].role),
                        ==, finds[i].id);
    }

  nc = dimse_negotiation_result_get_context (result, 7);
  g_assert_nonnull (nc);
  g_assert_cmpuint (nc->result, ==, AS_REJ);
  g_assert_null (nc->transfer_syntax);
  g_assert_null (dimse_negotiation_result_get_context (result, 11));

  text = dimse_negotiation_result_describe (result);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Association GETSCU -> ARCHIVE accepted by the peer\n"));
  g_assert_nonnull (strstr (text, "Context 3 CT Image Storage: accepted with Implicit VR Little "
                                  "Endian (requestor SCP, acceptor SCU)\n"));
  g_assert_nonnull (strstr (text, "Context 7 MR Image Storage: rejected: abstract syntax not "
                                  "supported\n"));
  g_assert_nonnull (strstr (text, "Context 9 Verification SOP Class: rejected: transfer syntaxes "
                                  "not supported\n"));
  g_assert_nonnull (strstr (text, "Peer implementation: 1.2.3.4.5 (PEER_1)\n"));
  g_assert_nonnull (strstr (text, "Max PDU length: ours no maximum, peer's 16384 bytes\n"));
  g_assert_nonnull (strstr (text, "Asynchronous operations window: invoked 1, performed 1\n"));
}

/* ---- real peers: PDUs captured from DCMTK 3.6.7 on loopback ---- */

/* echoscu -aet ECHOSCU -aec ARCHIVE */
static const char dcmtk_echoscu_rq[] =
  "0100000000cd00010000415243484956452020202020202020204543484f534355202020"
  "202020202020000000000000000000000000000000000000000000000000000000000000"
  "000010000015312e322e3834302e31303030382e332e312e312e312000002e0100ff0030"
  "000011312e322e3834302e31303030382e312e3140000011312e322e3834302e31303030"
  "382e312e325000003a51000004000040005200001b312e322e3237362e302e3732333030"
  "31302e332e302e332e362e375500000f4f464649535f44434d544b5f333637";

/* storescp -aet STORESCP answering the -RQ of dcmtk_storescp_params () */
static const char dcmtk_storescp_ac[] =
  "0200000001320001000053544f5245534350202020202020202044494d534542454e4348"
  "202020202020000000000000000000000000000000000000000000000000000000000000"
  "000010000015312e322e3834302e31303030382e332e312e312e312100001b0100000040"
  "000013312e322e3834302e31303030382e312e322e312100001b0300000040000013312e"
  "322e3834302e31303030382e312e322e31210000190500040040000011312e322e383430"
  "2e31303030382e312e32210000190700030040000011312e322e3834302e31303030382e"
  "312e322100001b0900000040000013312e322e3834302e31303030382e312e322e315000"
  "003a51000004000040005200001b312e322e3237362e302e373233303031302e332e302e"
  "332e362e375500000f4f464649535f44434d544b5f333637";

#define DCMTK_IMPLEMENTATION_CLASS_UID "1.2.276.0.7230010.3.0.3.6.7"

static DimsePdu *
decode_hex (const char *hex)
{
  g_autoptr (GBytes) bytes = test_util_hex_bytes (hex);
  g_autoptr (GError) error = NULL;
  DimsePdu *pdu = NULL;

  g_assert_true (dimse_pdu_decode (bytes, NULL, &pdu, &error));
  g_assert_no_error (error);
  return pdu;
}

static void
test_dcmtk_echoscu_rq (void)
{
  g_autoptr (DimseAcceptorPolicy) policy = dimse_acceptor_policy_new_default ("ARCHIVE");
  g_autoptr (DimsePdu) rq = decode_hex (dcmtk_echoscu_rq);
  g_autoptr (DimseNegotiationResult) result = NULL;
  g_autoptr (DimsePdu) ac = accept_on_wire (policy, rq, &result);
  g_autoptr (DimseNegotiationResult) parsed = parse_ac_ok (rq, ac);

  g_assert_cmpint (ac->type, ==, DIMSE_PDU_ASSOCIATE_AC);
  g_assert_cmpstr (ac->associate->calling_ae_title, ==, "ECHOSCU");
  /* echoscu proposes Implicit VR Little Endian only. */
  g_assert_cmpuint (dimse_negotiation_result_find_context (result, ECHO, IMPLICIT_LE,
                                                           DIMSE_ROLE_SCP), ==, 1);
  g_assert_cmpuint (result->peer_max_pdu_length, ==, 16384);
  g_assert_cmpstr (result->peer_implementation_class_uid, ==, DCMTK_IMPLEMENTATION_CLASS_UID);
  g_assert_cmpstr (result->peer_implementation_version_name, ==, "OFFIS_DCMTK_367");
  g_assert_cmpuint (dimse_negotiation_result_find_context (parsed, ECHO, NULL, DIMSE_ROLE_SCU),
                    ==, 1);
}

static DimseAssociationParams *
dcmtk_storescp_params (void)
{
  DimseAssociationParams *params = dimse_association_params_new ("DIMSEBENCH", "STORESCP");

  dimse_association_params_add_context (params, ECHO, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, CT, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, CT, (const char *const[]) { JPEG, NULL },
                                        DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, GET, NULL, DIMSE_ROLE_DEFAULT);
  dimse_association_params_add_context (params, MR, NULL, DIMSE_ROLE_SCP);
  params->max_pdu_length = 65536;
  return params;
}

static void
test_dcmtk_storescp_ac (void)
{
  g_autoptr (DimseAssociationParams) params = dcmtk_storescp_params ();
  g_autoptr (DimsePdu) rq = build_rq_on_wire (params);
  g_autoptr (DimsePdu) ac = decode_hex (dcmtk_storescp_ac);
  g_autoptr (DimseNegotiationResult) result = parse_ac_ok (rq, ac);
  const Expected expected[] = {
    { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU },
    { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU },
    { TS_REJ, NULL, 0 },
    { AS_REJ, NULL, 0 },
    /* storescp ignores role selection, so the default roles hold. */
    { ACC, EXPLICIT_LE, DIMSE_ROLE_SCU },
  };

  g_assert_cmpuint (result->contexts->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const DimseNegotiatedContext *nc = result->contexts->pdata[i];
      g_assert_cmpuint (nc->result, ==, expected[i].result);
      g_assert_cmpstr (nc->transfer_syntax, ==, expected[i].transfer_syntax);
      g_assert_cmpint (nc->requestor_roles, ==, expected[i].requestor_roles);
    }
  g_assert_cmpuint (dimse_negotiation_result_find_context (result, MR, NULL, DIMSE_ROLE_SCP), ==, 0);
  g_assert_cmpuint (result->peer_max_pdu_length, ==, 16384);
  g_assert_cmpuint (result->local_max_pdu_length, ==, 65536);
  g_assert_cmpstr (result->peer_implementation_class_uid, ==, DCMTK_IMPLEMENTATION_CLASS_UID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/negotiation/build-rq/round-trip", test_build_rq_round_trip);
  g_test_add_func ("/negotiation/build-rq/defaults", test_build_rq_defaults);
  g_test_add_func ("/negotiation/build-rq/context-limit", test_build_rq_context_limit);
  g_test_add_func ("/negotiation/build-rq/invalid", test_build_rq_invalid);
  g_test_add_func ("/negotiation/accept/contexts", test_accept_contexts);
  g_test_add_func ("/negotiation/accept/async-window", test_accept_async_window);
  g_test_add_func ("/negotiation/accept/extended-negotiation/echo", test_accept_extended_echo);
  g_test_add_func ("/negotiation/accept/extended-negotiation/fixed", test_accept_extended_fixed);
  g_test_add_func ("/negotiation/accept/user-identity/accepted", test_user_identity_accepted);
  g_test_add_func ("/negotiation/accept/user-identity/rejected", test_user_identity_rejected);
  g_test_add_func ("/negotiation/accept/rejections", test_accept_rejections);
  g_test_add_func ("/negotiation/accept/not-rq", test_accept_not_rq);
  g_test_add_func ("/negotiation/accept/default-policy", test_default_policy);
  g_test_add_func ("/negotiation/accept/no-user-information", test_accept_without_user_info);
  g_test_add_func ("/negotiation/parse-ac/malformed", test_parse_ac_malformed);
  g_test_add_func ("/negotiation/parse-ac/wrong-pdu", test_parse_ac_wrong_pdu);
  g_test_add_func ("/negotiation/parse-ac/result", test_parse_ac_result);
  g_test_add_func ("/negotiation/dcmtk/echoscu-rq", test_dcmtk_echoscu_rq);
  g_test_add_func ("/negotiation/dcmtk/storescp-ac", test_dcmtk_storescp_ac);
  return g_test_run ();
}
