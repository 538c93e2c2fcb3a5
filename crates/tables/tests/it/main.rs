//! Integration tests of the `tables` crate: one test binary with one module per concern.
//!
//! `fixtures` runs small text fixtures through [`tables::allocate`] and compares a rendering of the
//! outcome; `properties` checks invariants on random instances; `quality` compares against
//! random seating and known optima.

mod fixtures;
mod properties;
mod quality;

use tables::{KeptApart, Member, Pin, Request, Rotation, TableLayout};

/// Parses a compact text fixture into a request.
///
/// One directive per line: `features NAME...`, `sessions N`, `seats N` or `tables N`,
/// `member ID VALUE...`, `members N` (ids `p1`..`pN` with no feature values),
/// `pin ID SESSION|* TABLE`, `apart ID ID`, `facilitators fixed|rotate ID...`,
/// `weights MEETINGS FEATURE...`, `effort N`.
pub fn parse_fixture(text: &str) -> Request {
    let mut request = Request::new(Vec::new(), Vec::new(), 1, TableLayout::Tables(1));
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let rest = || {
            words[1..]
                .iter()
                .map(|word| (*word).to_owned())
                .collect::<Vec<String>>()
        };
        let number = |index: usize| -> usize {
            words[index]
                .parse()
                .unwrap_or_else(|_| panic!("bad number in {line:?}"))
        };
        match words[0] {
            "features" => request.features = rest(),
            "sessions" => request.sessions = number(1),
            "seats" => request.layout = TableLayout::SeatsPerTable(number(1)),
            "tables" => request.layout = TableLayout::Tables(number(1)),
            "member" => request.members.push(Member {
                id: words[1].to_owned(),
                values: rest()[1..].to_vec(),
            }),
            "members" => {
                for index in 1..=number(1) {
                    request.members.push(Member {
                        id: format!("p{index}"),
                        values: Vec::new(),
                    });
                }
            }
            "pin" => request.pins.push(Pin {
                member: words[1].to_owned(),
                session: if words[2] == "*" {
                    None
                } else {
                    Some(number(2))
                },
                table: number(3),
            }),
            "apart" => request.kept_apart.push(KeptApart {
                first: words[1].to_owned(),
                second: words[2].to_owned(),
            }),
            "facilitators" => {
                request.rotation = if words[1] == "rotate" {
                    Rotation::Rotate
                } else {
                    Rotation::Fixed
                };
                request.facilitators = rest()[1..].to_vec();
            }
            "weights" => {
                request.weights.meetings = number(1) as u32;
                request.weights.features =
                    (2..words.len()).map(|index| number(index) as u32).collect();
            }
            "effort" => request.effort = number(1) as u32,
            other => panic!("unknown fixture directive {other:?}"),
        }
    }
    request
}

/// Renders an allocation as text: one line per session listing the tables (members in input
/// order, the facilitator in brackets), then the headline measures.
pub fn render(allocation: &tables::Allocation) -> String {
    let mut out = String::new();
    for session in 0..allocation.sessions() {
        let tables: Vec<String> = (0..allocation.tables())
            .map(|table| {
                let members = allocation.members_at(session, table).join(" ");
                match allocation.facilitator_at(session, table) {
                    Some(facilitator) => format!("[{facilitator}] {members}"),
                    None => members,
                }
            })
            .collect();
        out.push_str(&format!("session {session}: {}\n", tables.join(" | ")));
    }
    out.push_str(&summary(&allocation.measures()));
    out
}

/// The headline measures on one line.
pub fn summary(measures: &tables::Measures) -> String {
    format!(
        "pairs {} of {}, repeated {}, diversity min {:.3} mean {:.3}, apart violations {}, facilitator repeats {}\n",
        measures.distinct_pairs,
        measures.max_distinct_pairs,
        measures.repeated_meetings,
        measures.diversity_min,
        measures.diversity_mean,
        measures.kept_apart_violations,
        measures.facilitator_repeats,
    )
}
