//! The message catalogue of the email outcomes page (issue 18, item 8), English and French. Reached with
//! `lang.t::<EmailMessages>()`.

use crate::i18n::Lang;

/// The strings of the email outcomes page.
#[allow(missing_docs)]
#[derive(serde::Serialize)]
pub struct EmailMessages {
    pub title: &'static str,
    pub intro: &'static str,
    pub link: &'static str,
    pub show_label: &'static str,
    pub show_all: &'static str,
    pub show_failed: &'static str,
    pub apply: &'static str,
    pub summary: &'static str,
    pub none: &'static str,
    pub person_col: &'static str,
    pub kind_col: &'static str,
    pub status_col: &'static str,
    pub when_col: &'static str,
    pub error_col: &'static str,
    pub kind_registration: &'static str,
    pub kind_sign_in_code: &'static str,
    pub status_sent: &'static str,
    pub status_failed: &'static str,
    pub status_not_configured: &'static str,
    pub pages_label: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
}

impl crate::i18n::Catalogue for EmailMessages {
    fn of(lang: Lang) -> &'static EmailMessages {
        match lang {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

static EN: EmailMessages = EmailMessages {
    title: "Emails to respondents",
    intro: "Each email sent to a respondent (the confirmation of a registration, a new member's sign-in code) and what became of it: taken by the mail relay, refused or not reached (with the step and the relay's reply code), or not sent because no relay is configured. Times are UTC.",
    link: "Emails sent and failed",
    show_label: "Show",
    show_all: "All emails",
    show_failed: "Failed emails only",
    apply: "Show",
    summary: "Emails {first} to {last} of {total}, newest first.",
    none: "No emails.",
    person_col: "Respondent",
    kind_col: "Email",
    status_col: "Outcome",
    when_col: "When (UTC)",
    error_col: "Relay's reply",
    kind_registration: "Registration confirmation",
    kind_sign_in_code: "Sign-in code",
    status_sent: "Sent",
    status_failed: "Failed",
    status_not_configured: "Not sent (no mail relay)",
    pages_label: "Pages of emails",
    previous: "Newer emails",
    next: "Older emails",
};

static FR: EmailMessages = EmailMessages {
    title: "Courriels aux répondant·es",
    intro: "Chaque courriel envoyé à un·e répondant·e (la confirmation d'une inscription, le code de connexion d'un nouveau membre) et ce qu'il est devenu : pris en charge par le relais de messagerie, refusé ou non parvenu (avec l'étape et le code de réponse du relais), ou non envoyé faute de relais configuré. Heures en UTC.",
    link: "Courriels envoyés et en échec",
    show_label: "Afficher",
    show_all: "Tous les courriels",
    show_failed: "Les courriels en échec seulement",
    apply: "Afficher",
    summary: "Courriels {first} à {last} sur {total}, du plus récent au plus ancien.",
    none: "Aucun courriel.",
    person_col: "Répondant·e",
    kind_col: "Courriel",
    status_col: "Résultat",
    when_col: "Quand (UTC)",
    error_col: "Réponse du relais",
    kind_registration: "Confirmation d'inscription",
    kind_sign_in_code: "Code de connexion",
    status_sent: "Envoyé",
    status_failed: "En échec",
    status_not_configured: "Non envoyé (pas de relais)",
    pages_label: "Pages de courriels",
    previous: "Courriels plus récents",
    next: "Courriels plus anciens",
};
