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
  /* The N- data sets are small and go uncompressed. */
  static const char *const syntaxes[] = {
    DCM_UID_EXPLICIT_VR_LITTLE_ENDIAN, DCM_UID_IMPLICIT_VR_LITTLE_ENDIAN,
    DCM_UID_EXPLICIT_VR_BIG_ENDIAN, NULL
  };
  static const char *const sop_classes[] = {
    DCM_UID_STORAGE_COMMITMENT_PUSH_MODEL, DCM_UID_MODALITY_PERFORMED_PROCEDURE_STEP,
  };

  g_return_if_fail (policy != NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (sop_classes); i++)
    {
      dimse_acceptor_policy_add_sop_class (policy, sop_classes[i], DIMSE_ROLE_SCP);
      dimse_acceptor_policy_set_transfer_syntaxes (policy, sop_classes[i], syntaxes);
    }
}
