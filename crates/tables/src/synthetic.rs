//! Synthetic assemblies with realistic selection features, for tests, benchmarks and demos.
//!
//! Members are drawn independently from shares close to those of a national assembly
//! (gender, age band, region, education, attitude to the topic), so the mix is uneven the way
//! real ones are: small groups such as non-binary members or one region are hard to spread.
//! No real person is described; ids are `m1`, `m2`, ...

use rand_core::Rng;

use crate::Member;

/// One feature: its name and its values with their shares in thousandths.
const FEATURES: [(&str, &[(&str, u32)]); 5] = [
    (
        "gender",
        &[("female", 505), ("male", 485), ("non-binary", 10)],
    ),
    (
        "age band",
        &[
            ("16-24", 130),
            ("25-34", 170),
            ("35-44", 160),
            ("45-54", 170),
            ("55-64", 150),
            ("65+", 220),
        ],
    ),
    (
        "region",
        &[
            ("north", 230),
            ("midlands", 170),
            ("london", 130),
            ("south east", 230),
            ("south west", 90),
            ("scotland", 80),
            ("wales", 70),
        ],
    ),
    (
        "education",
        &[
            ("none", 180),
            ("school", 350),
            ("vocational", 170),
            ("degree", 300),
        ],
    ),
    (
        "attitude",
        &[
            ("very concerned", 400),
            ("fairly concerned", 400),
            ("not very concerned", 120),
            ("not at all concerned", 80),
        ],
    ),
];

/// The feature names and `members` members, drawn with a ChaCha20 generator seeded by `seed`.
pub fn assembly(members: usize, seed: u64) -> (Vec<String>, Vec<Member>) {
    let mut rng = crate::search::rng(seed);
    let names = FEATURES
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let people = (1..=members)
        .map(|number| Member {
            id: format!("m{number}"),
            values: FEATURES
                .iter()
                .map(|(_, values)| {
                    let total: u32 = values.iter().map(|(_, share)| share).sum();
                    let mut draw = ((u64::from(rng.next_u32()) * u64::from(total)) >> 32) as u32;
                    let mut chosen = values[values.len() - 1].0;
                    for (value, share) in values.iter() {
                        if draw < *share {
                            chosen = value;
                            break;
                        }
                        draw -= share;
                    }
                    chosen.to_owned()
                })
                .collect(),
        })
        .collect();
    (names, people)
}
