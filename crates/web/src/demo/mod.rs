//! Demo data for `klero serve --demo`: one account per role with known passwords, and two realistic assemblies.
//! Seeding is idempotent: accounts that already exist (by email) are left alone, and so are the demo's assemblies,
//! found by a marker row (`demo_assemblies`) rather than by title, so that renaming one does not make the next
//! start create it again (whose invitation codes would then clash with the renamed one's).
//!
//! This file seeds the accounts and the assemblies; the climate convention then gets its invitation lottery
//! ([`invitations`]), its deliberation ([`deliberation`]) and its members at work ([`assembly_at_work`]), and
//! `crate::impact_demo` its follow-up. The demo's own audit entries go through `app::audit`, as the system.
//! `klero serve --demo` also seeds the water assembly's public conversation ([`conversation`]), apart from [`seed`]
//! so that the integration tests, which share [`seed`], start without one.

pub mod assembly_at_work;
pub mod conversation;
pub mod deliberation;
pub mod invitations;

pub use assembly_at_work::{DEMO_FACILITATORS, DEMO_MEMBERS, seed_assembly_at_work};
pub use invitations::{DEMO_ADDRESSES, DEMO_SEED};

use app::Actor;
use app::audit::{Entry, audited_creation};
use domain::account::{DisplayName, Email, SignInMethod};
use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::permission::Role;
use domain::phase::Phase;
use store::Store;

use crate::error::AppError;
use crate::now;
use crate::security::hash_password;

/// One demo login.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// What the account is for.
    pub role: &'static str,
    /// Its email.
    pub email: &'static str,
    /// Its password.
    pub password: &'static str,
}

/// The demo logins (they are printed by `klero serve --demo`).
pub const DEMO_LOGINS: [DemoLogin; 6] = [
    DemoLogin {
        role: "admin",
        email: "admin@demo.kleroterion.org",
        password: "demo-admin-password",
    },
    DemoLogin {
        role: "organiser",
        email: "organiser@demo.kleroterion.org",
        password: "demo-organiser-password",
    },
    DemoLogin {
        role: "facilitator",
        email: "facilitator@demo.kleroterion.org",
        password: "demo-facilitator-password",
    },
    DemoLogin {
        role: "member",
        email: "member@demo.kleroterion.org",
        password: "demo-member-password",
    },
    DemoLogin {
        role: "observer",
        email: "observer@demo.kleroterion.org",
        password: "demo-observer-password",
    },
    DemoLogin {
        role: "authority",
        email: "authority@demo.kleroterion.org",
        password: "demo-authority-password",
    },
];

const NAMES: [&str; 6] = [
    "Alex Admin",
    "Olivia Organiser",
    "Farid Facilitator",
    "Maya Member",
    "Oscar Observer",
    "Aurélie Authority",
];

/// The demo's climate convention (the other seeders find it by this title).
pub(super) fn climate_convention() -> AssemblyDraft {
    let dates = |phase: Phase| -> (Option<String>, Option<String>) {
        let (start, end) = match phase {
            Phase::Design => ("2019-04-25", "2019-07-31"),
            Phase::Recruitment => ("2019-08-01", "2019-08-31"),
            Phase::Selection => ("2019-09-01", "2019-09-30"),
            Phase::Learning => ("2019-10-04", "2019-11-17"),
            Phase::Deliberation => ("2019-11-22", "2020-05-31"),
            Phase::Decision => ("2020-06-19", "2020-06-21"),
            Phase::Response => ("2020-06-29", "2020-12-31"),
            Phase::FollowUp => ("2021-01-01", "2021-08-24"),
        };
        (Some(start.to_owned()), Some(end.to_owned()))
    };
    AssemblyDraft {
        title: Title::parse("Citizens' Convention for Climate").expect("demo title"),
        question: Question::parse(
            "How can France reduce its greenhouse gas emissions by at least 40% by 2030, compared with 1990, in a spirit of social justice?",
        )
        .expect("demo question"),
        authority: Authority::parse("Prime Minister of France").expect("demo authority"),
        commitments: Commitment::parse_lines(
            "Submit the legislative and regulatory proposals 'without filter' to referendum, to Parliament or to direct regulation\n\
             Give a public, reasoned response to every recommendation within 12 weeks\n\
             Publish the selection quotas and the lottery method before the draw",
        )
        .expect("demo commitments"),
        timeline: Timeline::parse(Phase::Deliberation, dates).expect("demo timeline"),
    }
}

fn water_assembly() -> AssemblyDraft {
    AssemblyDraft {
        title: Title::parse("Lakeside Citizens' Assembly on Water").expect("demo title"),
        question: Question::parse("How should our region share water between homes, farms and nature during droughts?")
            .expect("demo question"),
        authority: Authority::parse("Lakeside Regional Council").expect("demo authority"),
        commitments: Commitment::parse_lines(
            "Debate every recommendation in a public council session\nPublish a yearly implementation report",
        )
        .expect("demo commitments"),
        timeline: Timeline::parse(Phase::Design, |phase| match phase {
            Phase::Design => (Some("2027-01-10".to_owned()), Some("2027-03-31".to_owned())),
            Phase::Recruitment => (Some("2027-04-01".to_owned()), None),
            _ => (None, None),
        })
        .expect("demo timeline"),
    }
}

/// Seeds the demo data; safe to call at every start.
pub async fn seed(store: &Store) -> Result<(), AppError> {
    let now = now();
    let mut account_ids = Vec::new();
    for (login, name) in DEMO_LOGINS.iter().zip(NAMES) {
        let email = Email::parse(login.email)?;
        let mut connection = store.connection().await?;
        let existing = store::accounts::account_by_email(&mut connection, email.as_str()).await?;
        drop(connection);
        let id = match existing {
            Some(account) => account.id,
            None => {
                let hash = hash_password(login.password.to_owned()).await?;
                let is_admin = login.role == "admin";
                let display_name = DisplayName::parse(name)?;
                let mut tx = store.begin().await?;
                let id =
                    audited_creation(&mut tx, &Actor::SYSTEM, "account.create", now, async |tx| {
                        let id = store::accounts::create_account(
                            tx,
                            &store::accounts::NewAccount {
                                email: &email,
                                display_name: &display_name,
                                sign_in_method: SignInMethod::Password,
                                password_hash: Some(&hash),
                                is_admin,
                            },
                            now,
                        )
                        .await?;
                        let after =
                            serde_json::json!({ "id": id, "is_admin": is_admin, "demo": true });
                        Ok((id, format!("account:{id}"), Entry::after(after)))
                    })
                    .await?;
                tx.commit().await?;
                id
            }
        };
        account_ids.push(id);
    }

    for (demo_key, draft) in [
        (CLIMATE_KEY, climate_convention()),
        (WATER_KEY, water_assembly()),
    ] {
        if demo_assembly_id(store, demo_key, &draft).await?.is_some() {
            continue;
        }
        let mut tx = store.begin().await?;
        let record = app::assemblies::create_assembly(&mut tx, &Actor::SYSTEM, &draft, now).await?;
        store::assemblies::mark_demo_assembly(&mut tx, demo_key, record.id).await?;
        let roles = [
            Role::Organiser,
            Role::Facilitator,
            Role::Member,
            Role::Observer,
        ];
        for (account_id, role) in account_ids[1..].iter().zip(roles) {
            store::accounts::set_role(&mut tx, record.id, *account_id, role).await?;
        }
        tx.commit().await?;
    }
    invitations::seed_invitations(store, account_ids[1]).await?;
    deliberation::seed_deliberation(store, &account_ids).await?;
    seed_assembly_at_work(store).await?;
    let climate = climate_id(store).await?;
    crate::impact_demo::seed(store, account_ids[5], climate).await
}

/// The marker of the demo's climate convention.
const CLIMATE_KEY: &str = "climate";
/// The marker of the demo's water assembly.
const WATER_KEY: &str = "water";

/// The demo's climate convention, if it was seeded (found by its marker, whatever its title now).
pub(crate) async fn climate_id(store: &Store) -> Result<Option<i64>, AppError> {
    let mut connection = store.connection().await?;
    Ok(store::assemblies::demo_assembly(&mut connection, CLIMATE_KEY).await?)
}

/// The assembly marked as the demo's `demo_key`. A database seeded before the markers existed has none: the
/// assembly with the draft's title is then adopted (marked), and, for the climate convention, the one whose
/// invitation draw used the demo's seed (the draw's codes are unique, so there is at most one), so that a demo
/// assembly renamed before the markers existed is not seeded a second time either.
async fn demo_assembly_id(
    store: &Store,
    demo_key: &str,
    draft: &AssemblyDraft,
) -> Result<Option<i64>, AppError> {
    let mut connection = store.connection().await?;
    if let Some(id) = store::assemblies::demo_assembly(&mut connection, demo_key).await? {
        return Ok(Some(id));
    }
    let mut found = store::assemblies::list_assemblies(&mut connection)
        .await?
        .into_iter()
        .find(|summary| summary.title == draft.title.as_str())
        .map(|summary| summary.id);
    if found.is_none() && demo_key == CLIMATE_KEY {
        for summary in store::assemblies::list_assemblies(&mut connection).await? {
            let draws = store::recruitment::draws(&mut connection, summary.id).await?;
            if draws.iter().any(|draw| draw.seed == DEMO_SEED) {
                found = Some(summary.id);
                break;
            }
        }
    }
    drop(connection);
    let Some(id) = found else {
        return Ok(None);
    };
    let mut tx = store.begin().await?;
    store::assemblies::mark_demo_assembly(&mut tx, demo_key, id).await?;
    tx.commit().await?;
    Ok(Some(id))
}
