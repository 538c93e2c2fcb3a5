//! The message catalogue of bulk actions and CSV imports with a preview (issue 18, item 1), English and French.
//! Reached with `lang.t::<BulkMessages>()`.

use crate::i18n::Lang;

/// The strings of bulk actions and import previews.
#[allow(missing_docs)]
#[derive(serde::Serialize)]
pub struct BulkMessages {
    pub select_col: &'static str,
    pub select_person: &'static str,
    pub panel_heading: &'static str,
    pub panel_intro: &'static str,
    pub panel_status_label: &'static str,
    pub panel_submit: &'static str,
    pub panel_done_one: &'static str,
    pub panel_done_other: &'static str,
    pub err_item: &'static str,
    pub err_none_selected: &'static str,
    pub preview_title: &'static str,
    pub preview_intro_one: &'static str,
    pub preview_intro_other: &'static str,
    pub preview_caption: &'static str,
    pub line_col: &'static str,
    pub confirm_one: &'static str,
    pub confirm_other: &'static str,
    pub edit_heading: &'static str,
    pub preview_submit: &'static str,
    pub template_link: &'static str,
    pub imported_one: &'static str,
    pub imported_other: &'static str,
    pub comments_heading: &'static str,
    pub comments_intro: &'static str,
    pub select_comment: &'static str,
    pub approve_selected: &'static str,
    pub reject_selected: &'static str,
    pub ballots_heading: &'static str,
    pub ballots_intro: &'static str,
    pub select_ballot: &'static str,
    pub open_selected: &'static str,
    pub close_selected: &'static str,
}

impl crate::i18n::Catalogue for BulkMessages {
    fn of(lang: Lang) -> &'static BulkMessages {
        match lang {
            Lang::En => &EN_BULK,
            Lang::Fr => &FR_BULK,
        }
    }
}

/// English.
pub static EN_BULK: BulkMessages = BulkMessages {
    select_col: "Select",
    select_person: "Select {name} ({id})",
    panel_heading: "Record for many people at once",
    panel_intro: "Tick the people below, choose the new status and the reason, then record. Each person gets the same change as with their own form, with one audit entry each. If any one of them cannot be changed, no one is changed and the page says who and why.",
    panel_status_label: "New status for the people ticked",
    panel_submit: "Record for the people ticked",
    panel_done_one: "{n} person recorded.",
    panel_done_other: "{n} people recorded.",
    err_item: "{item}: {error}",
    err_none_selected: "Tick at least one person.",
    preview_title: "Check the import before it is saved",
    preview_intro_one: "{n} line will be created. Nothing is saved until you confirm.",
    preview_intro_other: "{n} lines will be created. Nothing is saved until you confirm.",
    preview_caption: "What the import will create",
    line_col: "Line",
    confirm_one: "Import this line",
    confirm_other: "Import these {n} lines",
    edit_heading: "Change the file",
    preview_submit: "Preview the import",
    template_link: "Download a template (CSV with the header and one example line)",
    imported_one: "{n} line imported.",
    imported_other: "{n} lines imported.",
    comments_heading: "Moderate many comments at once",
    comments_intro: "Tick the comments below, then approve or reject them all. If one was moderated meanwhile, none is changed.",
    select_comment: "Select comment",
    approve_selected: "Approve the comments ticked",
    reject_selected: "Reject the comments ticked",
    ballots_heading: "Open or close many ballots at once",
    ballots_intro: "Tick ballots in the table, then open the drafts or close and count the open ones. If one of them cannot be, none is changed and the page says which and why.",
    select_ballot: "Select ballot",
    open_selected: "Open the ballots ticked",
    close_selected: "Close and count the ballots ticked",
};

/// French.
pub static FR_BULK: BulkMessages = BulkMessages {
    select_col: "Choisir",
    select_person: "Choisir {name} ({id})",
    panel_heading: "Enregistrer pour plusieurs personnes à la fois",
    panel_intro: "Cochez les personnes ci-dessous, choisissez le nouveau statut et le motif, puis enregistrez. Chaque personne reçoit le même changement qu'avec son propre formulaire, avec une entrée du journal d'audit chacune. Si une seule ne peut pas être changée, personne ne l'est et la page dit qui et pourquoi.",
    panel_status_label: "Nouveau statut des personnes cochées",
    panel_submit: "Enregistrer pour les personnes cochées",
    panel_done_one: "{n} personne enregistrée.",
    panel_done_other: "{n} personnes enregistrées.",
    err_item: "{item} : {error}",
    err_none_selected: "Cochez au moins une personne.",
    preview_title: "Vérifiez l'import avant qu'il soit enregistré",
    preview_intro_one: "{n} ligne sera créée. Rien n'est enregistré avant votre confirmation.",
    preview_intro_other: "{n} lignes seront créées. Rien n'est enregistré avant votre confirmation.",
    preview_caption: "Ce que l'import va créer",
    line_col: "Ligne",
    confirm_one: "Importer cette ligne",
    confirm_other: "Importer ces {n} lignes",
    edit_heading: "Modifier le fichier",
    preview_submit: "Prévisualiser l'import",
    template_link: "Télécharger un modèle (CSV avec l'en-tête et une ligne d'exemple)",
    imported_one: "{n} ligne importée.",
    imported_other: "{n} lignes importées.",
    comments_heading: "Modérer plusieurs commentaires à la fois",
    comments_intro: "Cochez les commentaires ci-dessous, puis approuvez-les ou rejetez-les tous. Si l'un a été modéré entre-temps, aucun n'est changé.",
    select_comment: "Choisir le commentaire",
    approve_selected: "Approuver les commentaires cochés",
    reject_selected: "Rejeter les commentaires cochés",
    ballots_heading: "Ouvrir ou clore plusieurs scrutins à la fois",
    ballots_intro: "Cochez des scrutins dans le tableau, puis ouvrez les brouillons ou closez et dépouillez les scrutins ouverts. Si l'un d'eux ne peut pas l'être, aucun n'est changé et la page dit lequel et pourquoi.",
    select_ballot: "Choisir le scrutin",
    open_selected: "Ouvrir les scrutins cochés",
    close_selected: "Clore et dépouiller les scrutins cochés",
};
