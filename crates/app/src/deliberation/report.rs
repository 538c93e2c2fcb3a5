//! What deliberation publishes and lists: the assembly's proposals, ballots and recommendations for the staff
//! page, and the public final report with the audit log's signed anchor at the time it was produced.

use store::assemblies::AssemblyRecord;
use store::ballot_box::BallotRow;
use store::proposals::ProposalRow;
use store::recommendations::RecommendationRow;
use store::secret::AuditSigner;

/// An assembly's deliberation at a glance.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The assembly.
    pub assembly: AssemblyRecord,
    /// Its proposals, oldest first.
    pub proposals: Vec<ProposalRow>,
    /// Its ballots, oldest first.
    pub ballots: Vec<BallotRow>,
    /// Its recommendations, in the assembly's order.
    pub recommendations: Vec<RecommendationRow>,
}

impl Overview {
    /// The proposals that a closed ballot passed and that are no recommendation yet, oldest first: the ones
    /// [`super::recommendations::adopt_recommendation`] takes (the page's form adopts many of them at once).
    pub fn adoptable(&self) -> Vec<&ProposalRow> {
        use ballots::BallotStatus;
        self.proposals
            .iter()
            .filter(|proposal| {
                self.ballots.iter().any(|ballot| {
                    ballot.fields.proposal_id == Some(proposal.id)
                        && ballot.status == BallotStatus::Closed
                        && ballot.passed == Some(true)
                })
            })
            .filter(|proposal| {
                !self
                    .recommendations
                    .iter()
                    .any(|row| row.fields.proposal_id == Some(proposal.id))
            })
            .collect()
    }
}

/// The audit log's head, signed with the server's key: printed on the final report, so that a later rewrite or
/// cut of the log no longer holds it (`klero audit verify --anchor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The number of entries.
    pub entries: i64,
    /// The hash of the last entry.
    pub head: String,
    /// The message signed.
    pub signed: String,
    /// The Ed25519 signature of `signed`, in hexadecimal.
    pub signature: String,
    /// The public key that checks it, in hexadecimal.
    pub public_key: String,
}

/// The public final report: every recommendation with its support and minority report, and the anchor.
#[derive(Debug, Clone)]
pub struct FinalReport {
    /// The assembly.
    pub assembly: AssemblyRecord,
    /// Whether the reader sees the report, and whether it is published (issue 18, item 7).
    pub visibility: crate::publication::Visibility,
    /// Its recommendations, in the assembly's order; empty for a reader who may not see an unpublished report.
    pub recommendations: Vec<RecommendationRow>,
    /// The audit log's anchor now.
    pub anchor: Anchor,
}

/// The proposals, ballots and recommendations of an assembly.
pub async fn overview(tx: &mut store::Tx, assembly_id: i64) -> crate::Result<Overview> {
    Ok(Overview {
        assembly: store::assemblies::get_assembly(tx, assembly_id).await?,
        proposals: store::proposals::list(tx, assembly_id).await?,
        ballots: store::ballot_box::list(tx, assembly_id).await?,
        recommendations: store::recommendations::list(tx, assembly_id).await?,
    })
}

/// The audit log's head now, signed by `signer`.
pub async fn audit_anchor(tx: &mut store::Tx, signer: &AuditSigner) -> crate::Result<Anchor> {
    let (entries, head) = store::audit::head(tx).await?;
    let signed = store::audit::anchor_message(entries, &head);
    Ok(Anchor {
        entries,
        signature: signer.sign_hex(signed.as_bytes()),
        public_key: signer.public_key_hex(),
        signed,
        head,
    })
}

/// The final report of an assembly as `actor` may read it, with the audit log's anchor signed by `signer`: the
/// recommendations once the report is published, or before for members and staff (a preview).
pub async fn final_report(
    tx: &mut store::Tx,
    actor: &crate::Actor,
    assembly_id: i64,
    signer: &AuditSigner,
) -> crate::Result<FinalReport> {
    let assembly = store::assemblies::get_assembly(tx, assembly_id).await?;
    let visibility = crate::publication::visibility(tx, actor, assembly_id).await?;
    let recommendations = if visibility.shown() {
        store::recommendations::list(tx, assembly_id).await?
    } else {
        Vec::new()
    };
    Ok(FinalReport {
        assembly,
        visibility,
        recommendations,
        anchor: audit_anchor(tx, signer).await?,
    })
}
