//! The words of the scorecard's headline, its cherry-picking sentence and its image, so that a caller can give
//! them in the reader's language (issue 18, item 8); [`Words::ENGLISH`] is the default.
//!
//! Templates hold `{placeholders}` that [`fill`] replaces; the engine stays free of any message catalogue.

/// Every text of the scorecard's headline, cherry-picking sentence and image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// The headline: `{part}`, `{whole}`, `{percent}`.
    pub headline: &'static str,
    /// The headline when there is exactly one recommendation: `{part}`, `{whole}`, `{percent}`.
    pub headline_one: &'static str,
    /// The headline when there is no recommendation: `{part}`, `{whole}`.
    pub headline_none: &'static str,
    /// The image's description: `{headline}`, `{date}`, `{summary}`.
    pub description: &'static str,
    /// The charts' common summary: `{date}`.
    pub as_of: &'static str,
    /// The responses chart's title.
    pub responses_title: &'static str,
    /// The fidelity chart's title.
    pub fidelity_title: &'static str,
    /// The fidelity chart's summary, after [`Words::as_of`].
    pub fidelity_summary: &'static str,
    /// The timeliness chart's title.
    pub timeliness_title: &'static str,
    /// The support chart's title.
    pub support_title: &'static str,
    /// The support chart's two series: accepted in full, fully taken up.
    pub support_series: [&'static str; 2],
    /// A support group's label: `{label}`, `{n}`.
    pub support_group: &'static str,
    /// The themes chart's title.
    pub themes_title: &'static str,
    /// The themes chart's summary.
    pub themes_summary: &'static str,
    /// A theme's note: `{part}`, `{whole}`.
    pub theme_note: &'static str,
    /// The highly supported group: `{threshold}`.
    pub high_support: &'static str,
    /// The other group: `{threshold}`.
    pub low_support: &'static str,
    /// A share: `{part}`, `{whole}`, `{percent}`.
    pub share: &'static str,
    /// A share of nothing: `{part}`, `{whole}`.
    pub share_none: &'static str,
    /// The cherry-picking sentence: `{high}`, `{high_label}`, `{other}`, `{other_label}`.
    pub summary: &'static str,
    /// Its warning when the less supported did better: `{gap}`.
    pub warning: &'static str,
    /// Its list of themes left behind: `{points}`, `{themes}`.
    pub left_behind: &'static str,
    /// What the image says when its charts cannot be drawn: `{error}`.
    pub not_drawn: &'static str,
    /// The response kinds, in the order of [`crate::ResponseKind::ALL`].
    pub responses: [&'static str; 5],
    /// The fidelities, in the order of [`crate::Fidelity::ALL`].
    pub fidelities: [&'static str; 5],
    /// The timeliness states, in the order of [`crate::Timeliness::ALL`].
    pub timeliness: [&'static str; 4],
}

impl Words {
    /// The English words (the image, headline and sentence of the JSON and CSV exports).
    pub const ENGLISH: Words = Words {
        headline: "{part} of {whole} recommendations fully taken up ({percent}%)",
        headline_one: "{part} of {whole} recommendation fully taken up ({percent}%)",
        headline_none: "{part} of {whole} recommendations fully taken up",
        description: "{headline}, as of {date}. {summary}",
        as_of: "As of {date}.",
        responses_title: "Responses by type",
        fidelity_title: "Implementation by fidelity",
        fidelity_summary: "Number of recommendations by how faithfully they were implemented.",
        timeliness_title: "Responses on time and overdue",
        support_title: "Taken up, by support in the assembly",
        support_series: ["Accepted in full", "Fully taken up"],
        support_group: "{label} ({n} recommendations)",
        themes_title: "Accepted in full, by theme",
        themes_summary: "Share of each theme's recommendations accepted in full.",
        theme_note: "{part} of {whole}",
        high_support: "support of {threshold} or more",
        low_support: "support under {threshold}",
        share: "{part} of {whole} ({percent}%)",
        share_none: "{part} of {whole}",
        summary: "Accepted in full: {high} among recommendations with {high_label}, {other} among those with {other_label}.",
        warning: " Warning: the less supported recommendations were accepted in full more often, by {gap} percentage points.",
        left_behind: " Themes accepted in full at least {points} percentage points less often than the rest: {themes}.",
        not_drawn: "The charts could not be drawn: {error}",
        responses: [
            "Accepted in full",
            "Accepted with modifications",
            "Accepted in part",
            "Rejected",
            "No response yet",
        ],
        fidelities: ["Full", "Diluted", "Different", "None", "Not yet judged"],
        timeliness: ["On time", "Late", "Overdue", "Not yet due"],
    };

    /// A share in these words.
    pub fn share(&self, share: crate::Share) -> String {
        let (part, whole) = (share.part.to_string(), share.whole.to_string());
        match share.percent() {
            Some(percent) => fill(
                self.share,
                &[
                    ("part", &part),
                    ("whole", &whole),
                    ("percent", &percent.to_string()),
                ],
            ),
            None => fill(self.share_none, &[("part", &part), ("whole", &whole)]),
        }
    }
}

/// Replaces each `{name}` of `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_are_the_engine_labels_capitalised() {
        for (kind, word) in crate::ResponseKind::ALL
            .iter()
            .zip(Words::ENGLISH.responses)
        {
            assert_eq!(word.to_lowercase(), kind.label());
        }
        for (fidelity, word) in crate::Fidelity::ALL.iter().zip(Words::ENGLISH.fidelities) {
            assert_eq!(word.to_lowercase(), fidelity.label());
        }
        for (status, word) in crate::Timeliness::ALL.iter().zip(Words::ENGLISH.timeliness) {
            assert_eq!(word.to_lowercase(), status.label());
        }
        assert_eq!(
            fill("{a} and {b} and {a}", &[("a", "1"), ("b", "2")]),
            "1 and 2 and 1"
        );
    }
}
