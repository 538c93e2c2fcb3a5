//! The ballot notation: the short identifiers of a ballot's method, status, pass rule and sequencing, and how a
//! choice is written as text and read back.
//!
//! A choice is text in three places: sealed while its ballot is open, opened into the votes table when it
//! closes, and typed on paper sheets by clerks (one `sheet: choice` line per sheet). The same notation serves all
//! three: `yes`/`no`/`abstain` (a clerk may type `oui`/`non`/`abstention`), a level `1` to `5`, the rank of each
//! option in ballot order (`2,-,1`, a dash for an option left unranked), or the numbers of the approved options
//! (`1,3`, empty for a blank approval vote).
//! Like the rest of the crate this module is pure and knows no serde: the store keeps these strings, the web forms
//! post them, and this is the one place that knows their shape.

use crate::{
    AgreementAnswer, Comparison, HeldWhen, PaperVote, Ratio, Threshold, Vote, YesNoChoice,
};

/// The kind of a ballot's method, as stored and posted: `yes_no`, `agreement`, `ranking` or `approval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodKind {
    /// Yes, no or abstain against a pass threshold.
    YesNo,
    /// The five-level agreement scale.
    Agreement,
    /// A ranking of options (Schulze).
    Ranking,
    /// Approval of options.
    Approval,
}

impl MethodKind {
    /// Every kind, in the order forms offer them.
    pub const ALL: [MethodKind; 4] = [
        MethodKind::YesNo,
        MethodKind::Agreement,
        MethodKind::Ranking,
        MethodKind::Approval,
    ];

    /// The written identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::YesNo => "yes_no",
            MethodKind::Agreement => "agreement",
            MethodKind::Ranking => "ranking",
            MethodKind::Approval => "approval",
        }
    }

    /// Reads a written identifier.
    pub fn parse(raw: &str) -> Option<MethodKind> {
        MethodKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
    }
}

/// Where a ballot stands on the platform: a draft until opened, open while members vote, then closed with its
/// result, or skipped when an earlier ballot's result ruled it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotStatus {
    /// Defined, not open yet.
    Draft,
    /// Members vote.
    Open,
    /// Counted; the result is public.
    Closed,
    /// Not held, because of the result of the ballot it follows.
    Skipped,
}

impl BallotStatus {
    /// Every status, in the order of a ballot's life.
    pub const ALL: [BallotStatus; 4] = [
        BallotStatus::Draft,
        BallotStatus::Open,
        BallotStatus::Closed,
        BallotStatus::Skipped,
    ];

    /// The written identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            BallotStatus::Draft => "draft",
            BallotStatus::Open => "open",
            BallotStatus::Closed => "closed",
            BallotStatus::Skipped => "skipped",
        }
    }

    /// Reads a written identifier.
    pub fn parse(raw: &str) -> Option<BallotStatus> {
        BallotStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
    }
}

impl HeldWhen {
    /// Every case, in the order forms offer them.
    pub const ALL: [HeldWhen; 3] = [HeldWhen::Always, HeldWhen::Passed, HeldWhen::Failed];

    /// The written identifier: `always`, `passed` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            HeldWhen::Always => "always",
            HeldWhen::Passed => "passed",
            HeldWhen::Failed => "failed",
        }
    }

    /// Reads a written identifier.
    pub fn parse(raw: &str) -> Option<HeldWhen> {
        HeldWhen::ALL.into_iter().find(|held| held.as_str() == raw)
    }
}

/// Reads a pass rule written as `more_than 1/2` or `at_least 2/3`.
pub fn read_threshold(raw: &str) -> Option<Threshold> {
    let (comparison, ratio) = raw.split_once(' ')?;
    let (numerator, denominator) = ratio.split_once('/')?;
    let ratio = Ratio::new(numerator.parse().ok()?, denominator.parse().ok()?).ok()?;
    match comparison {
        "more_than" => Threshold::more_than(ratio).ok(),
        "at_least" => Threshold::at_least(ratio).ok(),
        _ => None,
    }
}

/// Writes a pass rule as [`read_threshold`] reads it.
pub fn write_threshold(threshold: Threshold) -> String {
    let comparison = match threshold.comparison() {
        Comparison::MoreThan => "more_than",
        Comparison::AtLeast => "at_least",
    };
    let ratio = threshold.ratio();
    format!("{comparison} {}/{}", ratio.numerator(), ratio.denominator())
}

/// Reads a choice on a ballot of `kind` with `options` (ranking and approval), as a [`Vote`] naming the options by
/// their labels; `None` if it does not fit the ballot (a rank for every option or a dash, ranks and numbers within
/// the options, no option approved twice).
pub fn read_choice(kind: MethodKind, options: &[String], raw: &str) -> Option<Vote> {
    let raw = raw.trim();
    match kind {
        MethodKind::YesNo => match raw.to_ascii_lowercase().as_str() {
            "yes" | "oui" => Some(Vote::YesNo(YesNoChoice::Yes)),
            "no" | "non" => Some(Vote::YesNo(YesNoChoice::No)),
            "abstain" | "abstention" => Some(Vote::YesNo(YesNoChoice::Abstain)),
            _ => None,
        },
        MethodKind::Agreement => raw
            .parse::<u8>()
            .ok()
            .filter(|level| (1..=5).contains(level))
            .map(|level| Vote::Agreement(AgreementAnswer::Level(level))),
        MethodKind::Ranking => {
            let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
            if parts.len() != options.len() {
                return None;
            }
            let mut ranks = Vec::new();
            for (label, part) in options.iter().zip(&parts) {
                if *part == "-" || part.is_empty() {
                    continue;
                }
                let rank: u32 = part
                    .parse()
                    .ok()
                    .filter(|rank| *rank >= 1 && (*rank as usize) <= options.len())?;
                ranks.push((label.clone(), rank));
            }
            Some(Vote::Ranking(ranks))
        }
        MethodKind::Approval => {
            let mut approved = Vec::new();
            for part in raw
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
            {
                let number: usize = part
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1 && *n <= options.len())?;
                if approved.contains(&number) {
                    return None;
                }
                approved.push(number);
            }
            approved.sort_unstable();
            Some(Vote::Approval(
                approved
                    .into_iter()
                    .map(|number| options[number - 1].clone())
                    .collect(),
            ))
        }
    }
}

/// Writes a vote on a ballot of `kind` with `options` in the notation [`read_choice`] reads (approvals in option
/// order); `None` if the vote does not belong to such a ballot (another method, an option it does not list).
pub fn write_choice(kind: MethodKind, options: &[String], vote: &Vote) -> Option<String> {
    let number = |label: &String| options.iter().position(|option| option == label);
    match (kind, vote) {
        (MethodKind::YesNo, Vote::YesNo(choice)) => Some(
            match choice {
                YesNoChoice::Yes => "yes",
                YesNoChoice::No => "no",
                YesNoChoice::Abstain => "abstain",
            }
            .to_owned(),
        ),
        (MethodKind::Agreement, Vote::Agreement(AgreementAnswer::Level(level))) => {
            Some(level.to_string())
        }
        (MethodKind::Ranking, Vote::Ranking(ranks)) => {
            let mut cells = vec!["-".to_owned(); options.len()];
            for (label, rank) in ranks {
                cells[number(label)?] = rank.to_string();
            }
            Some(cells.join(","))
        }
        (MethodKind::Approval, Vote::Approval(approved)) => {
            let mut numbers = approved
                .iter()
                .map(|label| number(label).map(|index| index + 1))
                .collect::<Option<Vec<usize>>>()?;
            numbers.sort_unstable();
            Some(
                numbers
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            )
        }
        _ => None,
    }
}

/// A line of a paper entry that does not read as `sheet: choice` for its ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadableLine {
    /// The line number, from 1.
    pub line: usize,
}

/// Reads a paper entry: one `sheet: choice` line per sheet (blank lines ignored), each choice as [`read_choice`]
/// reads it; the first line that does not read is the error.
pub fn read_sheets(
    kind: MethodKind,
    options: &[String],
    text: &str,
) -> Result<Vec<PaperVote>, UnreadableLine> {
    let mut sheets = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let unreadable = UnreadableLine { line: index + 1 };
        let (sheet, choice) = line.split_once(':').ok_or(unreadable)?;
        let sheet: u32 = sheet.trim().parse().map_err(|_| unreadable)?;
        let vote = read_choice(kind, options, choice).ok_or(unreadable)?;
        sheets.push(PaperVote { sheet, vote });
    }
    Ok(sheets)
}

/// The options of a ranking or approval ballot as stored, one per line (blank lines ignored, labels trimmed).
pub fn option_lines(options: &str) -> Vec<String> {
    options
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn choices_read_as_typed_on_paper_and_refuse_what_does_not_fit() {
        let none: Vec<String> = Vec::new();
        let abc = labels(&["A", "B", "C"]);
        assert_eq!(
            read_choice(MethodKind::YesNo, &none, " Yes "),
            Some(Vote::YesNo(YesNoChoice::Yes))
        );
        assert_eq!(read_choice(MethodKind::YesNo, &none, "maybe"), None);
        assert_eq!(
            read_choice(MethodKind::Agreement, &none, "4"),
            Some(Vote::Agreement(AgreementAnswer::Level(4)))
        );
        assert_eq!(read_choice(MethodKind::Agreement, &none, "6"), None);
        assert_eq!(
            read_choice(MethodKind::Ranking, &abc, "2, -, 1"),
            Some(Vote::Ranking(vec![
                ("A".to_owned(), 2),
                ("C".to_owned(), 1)
            ]))
        );
        assert_eq!(
            read_choice(MethodKind::Ranking, &abc, "1,2"),
            None,
            "a rank for every option, or a dash"
        );
        assert_eq!(read_choice(MethodKind::Ranking, &abc, "1,2,4"), None);
        assert_eq!(
            read_choice(MethodKind::Approval, &abc, "3,1"),
            Some(Vote::Approval(vec!["A".to_owned(), "C".to_owned()]))
        );
        assert_eq!(
            read_choice(MethodKind::Approval, &abc, ""),
            Some(Vote::Approval(Vec::new()))
        );
        assert_eq!(read_choice(MethodKind::Approval, &abc, "1,1"), None);
        assert_eq!(read_choice(MethodKind::Approval, &abc, "4"), None);
    }

    #[test]
    fn a_written_choice_reads_back_as_the_same_vote() {
        let abc = labels(&["A", "B", "C"]);
        for (kind, raw) in [
            (MethodKind::YesNo, "abstain"),
            (MethodKind::Agreement, "5"),
            (MethodKind::Ranking, "2,-,1"),
            (MethodKind::Approval, "1,3"),
            (MethodKind::Approval, ""),
        ] {
            let vote = read_choice(kind, &abc, raw).unwrap();
            assert_eq!(write_choice(kind, &abc, &vote).as_deref(), Some(raw));
        }
        assert_eq!(
            write_choice(MethodKind::YesNo, &abc, &Vote::approval(&["A"])),
            None,
            "a vote of another method"
        );
        assert_eq!(
            write_choice(MethodKind::Approval, &abc, &Vote::approval(&["D"])),
            None
        );
    }

    #[test]
    fn pass_rules_are_exact_thresholds() {
        assert_eq!(
            read_threshold("more_than 1/2"),
            Some(Threshold::simple_majority())
        );
        assert_eq!(
            read_threshold("at_least 2/3").map(|t| t.to_string()),
            Some("at least 2/3".to_owned())
        );
        assert_eq!(read_threshold(""), None);
        assert_eq!(read_threshold("about 1/2"), None);
        for rule in ["more_than 1/2", "at_least 3/5", "at_least 3/4"] {
            assert_eq!(write_threshold(read_threshold(rule).unwrap()), rule);
        }
    }

    #[test]
    fn identifiers_read_back_and_unknown_ones_are_refused() {
        for kind in MethodKind::ALL {
            assert_eq!(MethodKind::parse(kind.as_str()), Some(kind));
        }
        for status in BallotStatus::ALL {
            assert_eq!(BallotStatus::parse(status.as_str()), Some(status));
        }
        for held in HeldWhen::ALL {
            assert_eq!(HeldWhen::parse(held.as_str()), Some(held));
        }
        assert_eq!(MethodKind::parse("Yes_No"), None);
        assert_eq!(BallotStatus::parse(""), None);
        assert_eq!(HeldWhen::parse("sometimes"), None);
    }

    #[test]
    fn paper_sheets_name_the_first_line_that_does_not_read() {
        let none: Vec<String> = Vec::new();
        let sheets = read_sheets(MethodKind::YesNo, &none, "1: yes\n\n2: Non\n").unwrap();
        assert_eq!(
            sheets,
            [
                PaperVote {
                    sheet: 1,
                    vote: Vote::YesNo(YesNoChoice::Yes)
                },
                PaperVote {
                    sheet: 2,
                    vote: Vote::YesNo(YesNoChoice::No)
                }
            ]
        );
        assert_eq!(
            read_sheets(MethodKind::YesNo, &none, "1: yes\n2: maybe"),
            Err(UnreadableLine { line: 2 })
        );
        assert_eq!(
            read_sheets(MethodKind::YesNo, &none, "one: yes"),
            Err(UnreadableLine { line: 1 })
        );
    }
}
