//! The demo's public conversation (issue 16), seeded by `klero serve --demo` only: the water assembly, in its design
//! phase, asks the region how to share water in droughts. Its organisers' seed statements, then a few hundred
//! synthetic participants in four camps (farms, nature, households, the undecided) who voted over two weeks, a third
//! of them confirmed by invitation code; the map is analysed at once, so the results page shows it at the first
//! visit.
//!
//! Everything is deterministic (a fixed SplitMix64 stream, fixed ids), written in one transaction through the
//! openData import's bulk path, and seeded once: a water assembly that already has a conversation is left alone.
//! It is not part of [`super::seed`], which the integration tests share: they count the conversation tables.

use app::Actor;
use app::conversation::{NewSettings, Seeds};
use domain::conversation::{ModerationMode, Prompt, Stance, VerificationMode};
use store::Store;
use store::conversation::VoteRow;

use crate::error::AppError;
use crate::now;

/// The synthetic participants.
pub const DEMO_PARTICIPANTS: usize = 300;

/// The first of the synthetic participants' ids (real participants get random 63-bit ids).
const FIRST_PARTICIPANT: i64 = 4_200_000_000;

const PROMPT: &str = "How should our region share water between homes, farms and nature during droughts? \
     Vote on the statements below, or write your own.";

/// The organisers' statements; the camps lean on them by position (see [`leaning`]).
const STATEMENTS: [&str; 16] = [
    "Drinking water for homes must always come first in a drought",
    "Farms should pay for water by the cubic metre, like households",
    "Rivers and wetlands need a guaranteed minimum flow, even in droughts",
    "Farmers who change to drought-resistant crops should be paid to do it",
    "Filling private swimming pools should be banned during droughts",
    "New reservoirs should be built to store winter rain for farms",
    "Golf courses should get no water at all during droughts",
    "Water prices should rise steeply above a basic daily amount",
    "Treated wastewater should be reused to irrigate fields",
    "Water restrictions should be decided by a local assembly, not by the prefect",
    "Industry should cut its water use before households are restricted",
    "Lawn watering should be allowed only at night",
    "Leaking pipes should be repaired before any new reservoir is built",
    "Small family farms should get water before large agribusinesses",
    "Every new building should collect rainwater",
    "Meters should show each household its use in real time",
];

/// SplitMix64: a small deterministic stream for the synthetic votes (nothing secret depends on it).
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How a camp leans on a statement: 1 agree, -1 disagree, 0 no leaning (the undecided camp and statements a camp
/// does not care about).
fn leaning(camp: usize, statement: usize) -> i8 {
    // Farms, nature, households; the fourth camp leans nowhere.
    const LEANINGS: [[i8; 16]; 3] = [
        [1, -1, -1, 1, 1, 1, 0, -1, 1, 1, 1, 0, -1, 1, 0, 0],
        [1, 1, 1, 1, 1, -1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1],
        [1, 1, 0, 0, -1, 0, 1, -1, 1, 0, 1, -1, 1, 0, -1, 1],
    ];
    LEANINGS
        .get(camp)
        .and_then(|row| row.get(statement).copied())
        .unwrap_or(0)
}

/// Seeds the water assembly's conversation (once) and analyses it; safe to call at every start.
pub async fn seed_conversation(store: &Store) -> Result<(), AppError> {
    let mut connection = store.connection().await?;
    let Some(assembly_id) =
        store::assemblies::demo_assembly(&mut connection, super::WATER_KEY).await?
    else {
        return Ok(());
    };
    if store::conversation::get(&mut connection, assembly_id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    drop(connection);
    let now = now();
    let actor = Actor::SYSTEM;
    let mut tx = store.begin().await?;
    let settings = NewSettings {
        prompt: Prompt::parse(PROMPT)?,
        moderation: ModerationMode::AcceptedOnly,
        is_open: true,
    };
    app::conversation::configure(&mut tx, &actor, assembly_id, &settings, now).await?;
    let seeds = Seeds::parse(&STATEMENTS.join("\n"))?;
    app::conversation::seed(&mut tx, &actor, assembly_id, &seeds, now).await?;
    app::conversation::verify::set_mode(
        &mut tx,
        &actor,
        assembly_id,
        VerificationMode::Invitation,
        false,
        now,
    )
    .await?;
    let statement_ids: Vec<i64> = store::conversation::all_statements(&mut tx, assembly_id)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let mut stream = Stream(2026);
    let mut votes = Vec::new();
    // Participants joined over the last 14 days, a few more each day; each voted on the day they joined.
    for day in 0..14_i64 {
        let joined_at = now - (13 - day) * 86_400;
        let people: Vec<(i64, String)> = (0..DEMO_PARTICIPANTS)
            .filter(|n| (*n as i64) * 14 / DEMO_PARTICIPANTS as i64 == day)
            .map(|n| {
                let hash =
                    store::sha256_hex(format!("demo-conversation:{assembly_id}:{n}").as_bytes());
                (FIRST_PARTICIPANT + n as i64, hash)
            })
            .collect();
        store::conversation_bulk::import_participants(&mut tx, assembly_id, &people, joined_at)
            .await?;
        for (id, _) in &people {
            let camp = (id - FIRST_PARTICIPANT) as usize % 4;
            if (id - FIRST_PARTICIPANT) % 3 == 0 {
                store::conversation_verify::mark_verified(&mut tx, assembly_id, *id).await?;
            }
            for (position, &statement_id) in statement_ids.iter().enumerate() {
                // Each participant sees about three statements in four.
                if stream.below(4) == 0 {
                    continue;
                }
                let noise = stream.below(10);
                let stance = match leaning(camp, position) {
                    _ if noise == 0 => Stance::Pass,
                    1 if noise < 9 => Stance::Agree,
                    -1 if noise < 9 => Stance::Disagree,
                    1 => Stance::Disagree,
                    -1 => Stance::Agree,
                    _ if noise < 5 => Stance::Agree,
                    _ => Stance::Disagree,
                };
                votes.push(VoteRow {
                    participant_id: *id,
                    statement_id,
                    stance,
                    voted_at: joined_at + 60 * position as i64,
                });
            }
        }
    }
    store::conversation_bulk::import_votes(&mut tx, assembly_id, &votes, now).await?;
    tx.commit().await?;
    tracing::info!(assembly_id, votes = votes.len(), "demo conversation seeded");
    crate::conversation::job::drain(store, 0).await?;
    Ok(())
}
