/* dimse-nservice-archive.c — the embedded archive's DIMSE-N services:
 * storage commitment from its index, MPPS */
#include "config.h"

#include "dimse-nservice-archive.h"

#include "dcm-uids.h"

DimseNProvider *
dimse_n_archive_provider_new (DimseArchiveIndex *index, DimseCommitmentScp **out_commitment)
{
  g_autoptr(DimseNProvider) provider = dimse_n_provider_new ();
  g_autoptr(DimseCommitmentScp) commitment = NULL;

  g_return_val_if_fail (DIMSE_IS_ARCHIVE_INDEX (index), NULL);

  commitment = dimse_commitment_scp_new_for_index (index);
  dimse_commitment_scp_register (commitment, provider);
  dimse_mpps_scp_register (provider);
  if (out_commitment != NULL)
    *out_commitment = g_steal_pointer (&commitment);
  return g_steal_pointer (&provider);
}

void
dimse_n_archive_add_to_policy (DimseAcceptorPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL,
                                       DIMSE_ROLE_SCP);
  dimse_acceptor_policy_add_sop_class (policy, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
                                       DIMSE_ROLE_SCP);
}
