//! The message catalogue of a lottery number drawn physically in public (issue 18, item 8): the form on a
//! committed run's page and the lines of the run's page and the public verification page, English and French.
//! Reached with `lang.t::<DrawMessages>()`.

use crate::i18n::Lang;

/// The strings of the number drawn in public.
#[allow(missing_docs)]
#[derive(serde::Serialize)]
pub struct DrawMessages {
    pub heading: &'static str,
    pub intro: &'static str,
    pub number_label: &'static str,
    pub number_hint: &'static str,
    pub submit: &'static str,
    pub drawn_col: &'static str,
    pub drawn_staff: &'static str,
    pub drawn_public: &'static str,
    pub err_out_of_range: &'static str,
    pub err_no_lottery: &'static str,
    pub err_both: &'static str,
    pub err_number: &'static str,
}

impl crate::i18n::Catalogue for DrawMessages {
    fn of(lang: Lang) -> &'static DrawMessages {
        match lang {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

static EN: DrawMessages = DrawMessages {
    heading: "Or enter the number drawn in public",
    intro: "If the number was drawn physically at a public event (three ten-sided dice for 1,000 panels, numbered balls), enter it here instead of a seed: it names the numbered panel itself, as the published distribution lists it. It is recorded with your name and the time, and shown on the public verification page.",
    number_label: "Number drawn",
    number_hint: "From 0 to {max}.",
    submit: "Draw the panel with this number",
    drawn_col: "Number drawn in public",
    drawn_staff: "{number}, entered by {name} on {when} UTC",
    drawn_public: "{number}, entered by an organiser on {when} UTC",
    err_out_of_range: "Number drawn: the numbered panels go from 0 to {max}",
    err_no_lottery: "Number drawn: this run has no numbered panels; enter a seed",
    err_both: "Enter either a seed or the number drawn in public, not both",
    err_number: "Number drawn: a whole number without sign or spaces",
};

static FR: DrawMessages = DrawMessages {
    heading: "Ou saisissez le numéro tiré en public",
    intro: "Si le numéro a été tiré physiquement lors d'un événement public (trois dés à dix faces pour 1 000 panels, des boules numérotées), saisissez-le ici au lieu d'une graine : il désigne lui-même le panel numéroté, tel que la distribution publiée le liste. Il est enregistré avec votre nom et l'heure, et affiché sur la page publique de vérification.",
    number_label: "Numéro tiré",
    number_hint: "De 0 à {max}.",
    submit: "Tirer le panel avec ce numéro",
    drawn_col: "Numéro tiré en public",
    drawn_staff: "{number}, saisi par {name} le {when} UTC",
    drawn_public: "{number}, saisi par un·e organisateur·rice le {when} UTC",
    err_out_of_range: "Numéro tiré : les panels numérotés vont de 0 à {max}",
    err_no_lottery: "Numéro tiré : ce tirage n'a pas de panels numérotés ; saisissez une graine",
    err_both: "Saisissez soit une graine, soit le numéro tiré en public, pas les deux",
    err_number: "Numéro tiré : un nombre entier, sans signe ni espace",
};
