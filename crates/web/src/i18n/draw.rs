//! The message catalogue of a lottery number drawn physically in public (issue 18, item 8): the form on a
//! committed run's page and the lines of the run's page and the public verification page, and the same for the
//! invitation lottery (its form's field, its draws on the public verification page), English and French.
//! Reached with `lang.t::<DrawMessages>()`.

use domain::error::ValidationError;

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
    pub lottery_number_label: &'static str,
    pub lottery_number_hint: &'static str,
    pub invitations_heading: &'static str,
    pub invitations_intro: &'static str,
    pub invitations_draw: &'static str,
    pub invitations_commitment: &'static str,
    pub invitations_count: &'static str,
    pub invitations_rerun: &'static str,
}

impl crate::i18n::Catalogue for DrawMessages {
    fn of(lang: Lang) -> &'static DrawMessages {
        match lang {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

impl DrawMessages {
    /// A draw form's error in words: the number drawn in public (`number_field`) or a number given with a seed
    /// (`draw`) in this catalogue's words, any other field the common way.
    pub fn describe(&self, lang: Lang, error: &ValidationError, number_field: &str) -> String {
        match error.field.as_str() {
            field if field == number_field => self.err_number.to_owned(),
            "draw" => self.err_both.to_owned(),
            _ => lang.messages().describe(error),
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
    lottery_number_label: "Or the number drawn in public",
    lottery_number_hint: "If the seed is drawn physically at the draw (dice, numbered balls), leave the seed empty and type the number here. The seed is then number:N, N without leading zeros (the dice 0 4 8 2 1 give number:4821); it is recorded with your name and the time and shown on the public selection page.",
    invitations_heading: "The invitation lottery",
    invitations_intro: "The households invited to register were drawn from an address list with the seed below. The list is personal data and is not published: the commitment is its SHA-256 digest, so anyone who is given the list, or holds the same official extract, can check it and re-run the draw with the reference implementation at the end of docs/invitations.md.",
    invitations_draw: "Draw #{id}, {when} UTC",
    invitations_commitment: "Commitment to the address list (SHA-256)",
    invitations_count: "{invited} households invited from {addresses} addresses",
    invitations_rerun: "To re-run this draw with the address list saved as addresses.csv:",
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
    lottery_number_label: "Ou le numéro tiré en public",
    lottery_number_hint: "Si la graine est tirée physiquement au moment du tirage (dés, boules numérotées), laissez la graine vide et saisissez le numéro ici. La graine est alors number:N, N sans zéro en tête (les dés 0 4 8 2 1 donnent number:4821) ; elle est enregistrée avec votre nom et l'heure et affichée sur la page publique de la sélection.",
    invitations_heading: "Le tirage des invitations",
    invitations_intro: "Les foyers invités à s'inscrire ont été tirés d'une liste d'adresses avec la graine ci-dessous. La liste est une donnée personnelle et n'est pas publiée : l'engagement est son empreinte SHA-256, de sorte que toute personne à qui la liste est remise, ou qui détient le même extrait officiel, peut la vérifier et refaire le tirage avec l'implémentation de référence à la fin de docs/invitations.md.",
    invitations_draw: "Tirage n° {id}, {when} UTC",
    invitations_commitment: "Engagement sur la liste d'adresses (SHA-256)",
    invitations_count: "{invited} foyers invités parmi {addresses} adresses",
    invitations_rerun: "Pour refaire ce tirage avec la liste d'adresses enregistrée sous addresses.csv :",
};
