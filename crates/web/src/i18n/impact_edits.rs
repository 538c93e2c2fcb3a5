//! The message catalogue of editing and removing impact records and of their history (issue 18, item 8), English
//! and French. Reached with `lang.t::<ImpactEditMessages>()`.

use crate::i18n::Lang;

/// The strings of the edit and removal forms of a recommendation's page and of its history.
#[allow(missing_docs)]
#[derive(serde::Serialize)]
pub struct ImpactEditMessages {
    pub edit_summary: &'static str,
    pub remove_summary: &'static str,
    pub edit_submit: &'static str,
    pub remove_submit: &'static str,
    pub reason_label: &'static str,
    pub reason_hint: &'static str,
    pub err_reason_required: &'static str,
    pub err_reason_too_long: &'static str,
    pub err_stale: &'static str,
    pub history_heading: &'static str,
    pub history_intro: &'static str,
    pub no_history: &'static str,
    /// By [`domain::impact::RecordKind`] index.
    pub records: [&'static str; 4],
    /// By [`domain::impact::Change`] index; `{who}` and `{date}`.
    pub changes: [&'static str; 3],
    pub reason_shown: &'static str,
    pub version_shown: &'static str,
    pub nobody: &'static str,
}

impl crate::i18n::Catalogue for ImpactEditMessages {
    fn of(lang: Lang) -> &'static ImpactEditMessages {
        match lang {
            Lang::En => &EN_IMPACT_EDITS,
            Lang::Fr => &FR_IMPACT_EDITS,
        }
    }
}

/// English.
pub static EN_IMPACT_EDITS: ImpactEditMessages = ImpactEditMessages {
    edit_summary: "Edit",
    remove_summary: "Remove",
    edit_submit: "Save the changes",
    remove_submit: "Remove it",
    reason_label: "Why it is removed",
    reason_hint: "Kept in the history of this recommendation, on this page.",
    err_reason_required: "Why it is removed: say why it is removed",
    err_reason_too_long: "Why it is removed: at most 500 characters",
    err_stale: "Someone changed this record since this page was shown. The page now shows the current version: make your change again.",
    history_heading: "History",
    history_intro: "Every addition, change and removal of the follow-up of this recommendation, newest first.",
    no_history: "No change recorded yet.",
    records: [
        "The authority's response",
        "A milestone",
        "The fidelity judgement",
        "A tactic",
    ],
    changes: [
        "added by {who} on {date}",
        "changed by {who} on {date}",
        "removed by {who} on {date}",
    ],
    reason_shown: "Reason: {reason}",
    version_shown: "version {n}",
    nobody: "the platform",
};

/// French.
pub static FR_IMPACT_EDITS: ImpactEditMessages = ImpactEditMessages {
    edit_summary: "Modifier",
    remove_summary: "Supprimer",
    edit_submit: "Enregistrer les modifications",
    remove_submit: "Le supprimer",
    reason_label: "Motif de la suppression",
    reason_hint: "Conservé dans l'historique de cette recommandation, sur cette page.",
    err_reason_required: "Motif de la suppression : indiquez pourquoi il est supprimé",
    err_reason_too_long: "Motif de la suppression : au plus 500 caractères",
    err_stale: "Quelqu'un a modifié cet élément depuis l'affichage de cette page. La page montre maintenant la version actuelle : refaites votre modification.",
    history_heading: "Historique",
    history_intro: "Chaque ajout, modification et suppression du suivi de cette recommandation, du plus récent au plus ancien.",
    no_history: "Aucune modification enregistrée pour l'instant.",
    records: [
        "La réponse de l'autorité",
        "Une étape",
        "Le jugement de fidélité",
        "Une tactique",
    ],
    changes: [
        "ajouté par {who} le {date}",
        "modifié par {who} le {date}",
        "supprimé par {who} le {date}",
    ],
    reason_shown: "Motif : {reason}",
    version_shown: "version {n}",
    nobody: "la plateforme",
};
