//! The message catalogue of proposals linked to sessions and tables, and of their paged, filtered list (issue 18,
//! items 5 and 8), English and French. Reached with `lang.t::<ProposalMessages>()`.

use crate::i18n::Lang;

/// The strings of a proposal's session and table and of the proposals list's filters.
#[allow(missing_docs)]
#[derive(serde::Serialize)]
pub struct ProposalMessages {
    pub no_session: &'static str,
    pub no_table: &'static str,
    pub table_n: &'static str,
    pub table_hint: &'static str,
    pub legacy: &'static str,
    pub err_unknown_session: &'static str,
    pub err_unknown_table: &'static str,
    pub filter_heading: &'static str,
    pub search_label: &'static str,
    pub stage_label: &'static str,
    pub any_stage: &'static str,
    pub any_session: &'static str,
    pub stages: [&'static str; 5],
    pub filter_submit: &'static str,
    pub no_match: &'static str,
    pub list_caption: &'static str,
    pub import_heading: &'static str,
    pub import_label: &'static str,
    pub import_hint: &'static str,
    pub err_cell: &'static str,
}

impl crate::i18n::Catalogue for ProposalMessages {
    fn of(lang: Lang) -> &'static ProposalMessages {
        match lang {
            Lang::En => &EN_PROPOSALS,
            Lang::Fr => &FR_PROPOSALS,
        }
    }
}

/// English.
pub static EN_PROPOSALS: ProposalMessages = ProposalMessages {
    no_session: "No session",
    no_table: "No table",
    table_n: "Table {n}",
    table_hint: "The tables of the current allocation, by session. A table belongs to one session: choosing it also names its session.",
    legacy: "label typed before proposals were linked to sessions and tables",
    err_unknown_session: "not a session of this assembly",
    err_unknown_table: "not a table of this session in the assembly's allocation",
    filter_heading: "Find proposals",
    search_label: "Title contains",
    stage_label: "Stage",
    any_stage: "Any stage",
    any_session: "Any session",
    stages: [
        "being drafted",
        "being voted on",
        "passed",
        "not passed",
        "made a recommendation",
    ],
    filter_submit: "Show",
    no_match: "No proposal matches.",
    list_caption: "Proposals",
    import_heading: "Import proposals",
    import_label: "Proposals (CSV)",
    import_hint: "A header row with the columns title, text, session (optional: the session's title, or its title and date as the lists show it) and table (optional: its number in that session, as 3 or Table 3), then one proposal per line, drafted in your name. If any line is wrong, nothing is imported.",
    err_cell: "Line {line}, column {column}: {error}",
};

/// French.
pub static FR_PROPOSALS: ProposalMessages = ProposalMessages {
    no_session: "Aucune séance",
    no_table: "Aucune table",
    table_n: "Table {n}",
    table_hint: "Les tables de la répartition en cours, par séance. Une table appartient à une séance : la choisir désigne aussi sa séance.",
    legacy: "libellé saisi avant que les propositions soient liées aux séances et aux tables",
    err_unknown_session: "n'est pas une séance de cette assemblée",
    err_unknown_table: "n'est pas une table de cette séance dans la répartition de l'assemblée",
    filter_heading: "Trouver des propositions",
    search_label: "Le titre contient",
    stage_label: "Étape",
    any_stage: "Toute étape",
    any_session: "Toute séance",
    stages: [
        "en rédaction",
        "en cours de vote",
        "adoptée",
        "non adoptée",
        "devenue une recommandation",
    ],
    filter_submit: "Afficher",
    no_match: "Aucune proposition ne correspond.",
    list_caption: "Propositions",
    import_heading: "Importer des propositions",
    import_label: "Propositions (CSV)",
    import_hint: "Une ligne d'en-tête avec les colonnes title, text, session (facultative : le titre de la séance, ou son titre et sa date comme les listes les montrent) et table (facultative : son numéro dans cette séance, 3 ou Table 3), puis une proposition par ligne, rédigée en votre nom. Si une ligne est fausse, rien n'est importé.",
    err_cell: "Ligne {line}, colonne {column} : {error}",
};
