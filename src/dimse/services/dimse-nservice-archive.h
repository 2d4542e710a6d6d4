/* dimse-nservice-archive.h — the DIMSE-N services of the embedded
 * archive: Storage Commitment Push Model (PS3.4 Annex J) answered from
 * the instances its index holds, and Modality Performed Procedure Steps
 * (PS3.4 Annex F.7) kept with their state rules, on one DimseNProvider */
#pragma once

#include "dimse-archive-index.h"
#include "dimse-commitment.h"
#include "dimse-mpps.h"
#include "dimse-nservice-provider.h"

G_BEGIN_DECLS

/* A provider managing the Storage Commitment Push Model SOP class (its
 * well-known instance; results on the N-ACTION's association while it is
 * open, else on a new one to the nodes of *out_commitment) and MPPS (N-CREATE,
 * N-SET, N-GET of the steps). *out_commitment (may be NULL) is the
 * commitment SCP, a new reference, for its nodes and "report-sent". */
DimseNProvider *dimse_n_archive_provider_new (DimseArchiveIndex *index,
                                              DimseCommitmentScp **out_commitment);
/* Accepts those two SOP classes as SCP, in the uncompressed transfer
 * syntaxes. */
void            dimse_n_archive_add_to_policy (DimseAcceptorPolicy *policy);

G_END_DECLS
