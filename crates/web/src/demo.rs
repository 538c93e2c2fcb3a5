//! Demo data for `klero serve --demo`: one account per role with known passwords, and two realistic assemblies.
//! Seeding is idempotent: accounts and assemblies that already exist (by email, by title) are left alone.

use app::Actor;
use app::audit::{Entry, audited, audited_creation};
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

fn climate_convention() -> AssemblyDraft {
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

    for draft in [climate_convention(), water_assembly()] {
        let mut connection = store.connection().await?;
        let exists = store::assemblies::list_assemblies(&mut connection)
            .await?
            .iter()
            .any(|summary| summary.title == draft.title.as_str());
        drop(connection);
        if exists {
            continue;
        }
        let mut tx = store.begin().await?;
        let record = app::assemblies::create_assembly(&mut tx, &Actor::SYSTEM, &draft, now).await?;
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
    seed_invitations(store, account_ids[1]).await?;
    seed_deliberation(store, &account_ids).await?;
    seed_assembly_at_work(store).await?;
    crate::impact_demo::seed(store, account_ids[5]).await
}

/// The fictitious address list of the demo's invitation lottery (made-up streets, no real household).
pub const DEMO_ADDRESSES: &str = "id,address,area
1,1 Rue des Tilleuls,Centre
2,2 Rue des Tilleuls,Centre
3,5 Place du Marché,Centre
4,7 Place du Marché,Centre
5,3 Chemin des Vignes,Nord
6,8 Chemin des Vignes,Nord
7,12 Allée des Cerisiers,Nord
8,4 Route du Lac,Sud
9,9 Route du Lac,Sud
10,15 Impasse des Moulins,Sud
";

/// The published seed of the demo's draw.
pub const DEMO_SEED: &str = "demo lottery 2026-01-15";

/// Draws six invitations for the climate assembly (two people per household), once.
async fn seed_invitations(store: &Store, organiser_id: i64) -> Result<(), AppError> {
    let mut connection = store.connection().await?;
    let climate = store::assemblies::list_assemblies(&mut connection)
        .await?
        .into_iter()
        .find(|summary| summary.title == climate_convention().title.as_str());
    let Some(climate) = climate else {
        return Ok(());
    };
    if !store::recruitment::draws(&mut connection, climate.id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    drop(connection);
    let list = recruitment::addresses::parse_addresses(
        DEMO_ADDRESSES.as_bytes(),
        &recruitment::addresses::AddressConfig::default(),
    )
    .map_err(AppError::internal)?;
    let config = recruitment::draw::DrawConfig {
        seed: DEMO_SEED.to_owned(),
        invitations: 6,
        weights: Vec::new(),
    };
    let outcome = recruitment::draw::draw(&list, &config).map_err(AppError::internal)?;
    crate::recruitment::save_draw(
        store,
        Some(organiser_id),
        climate.id,
        &list,
        &outcome,
        &config,
        2,
    )
    .await?;
    Ok(())
}

/// Two demo clerks' identical entries of `counts` paper sheets: `(choice, how many)` in sheet order.
fn demo_sheets(counts: &[(&str, usize)]) -> String {
    let mut lines = Vec::new();
    for (choice, how_many) in counts {
        for _ in 0..*how_many {
            lines.push(format!("{}: {choice}", lines.len() + 1));
        }
    }
    lines.join("\n")
}

/// Seeds the climate convention's deliberation once: three proposals (one amended), a closed secret yes/no ballot
/// followed by a closed agreement ballot whose question depended on it (both counted from reconciled paper
/// entries typed by the facilitator and the organiser), a draft ranking ballot, and the recommendation made from
/// the passed proposal with its support distribution and a minority report.
async fn seed_deliberation(store: &Store, account_ids: &[i64]) -> Result<(), AppError> {
    use store::ballot_box::{self, NewBallot};
    use store::proposals::{self, NewProposal};
    let (organiser, facilitator, member) = (account_ids[1], account_ids[2], account_ids[3]);
    let mut connection = store.connection().await?;
    let climate = store::assemblies::list_assemblies(&mut connection)
        .await?
        .into_iter()
        .find(|summary| summary.title == climate_convention().title.as_str());
    let Some(climate) = climate else {
        return Ok(());
    };
    if !proposals::list(&mut connection, climate.id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    drop(connection);
    let now = now();
    let m = crate::i18n::Lang::En.messages();
    let mut tx = store.begin().await?;
    let draft = |title: &str, body: &str, session: &str, table: &str| NewProposal {
        title: title.to_owned(),
        body: body.to_owned(),
        session_label: session.to_owned(),
        table_label: table.to_owned(),
    };
    let renovation = proposals::create(
        &mut tx,
        climate.id,
        member,
        &draft(
            "Make the energy renovation of buildings compulsory",
            "Make the complete energy renovation of buildings compulsory by 2040, with public support for the poorest households.",
            "Session 3 (Housing)",
            "Table 4",
        ),
        now,
    )
    .await?;
    let amendment = proposals::propose_amendment(
        &mut tx,
        climate.id,
        renovation,
        facilitator,
        "Make the complete energy renovation of buildings compulsory by 2040, with public support for the poorest households and a one-stop advice service in every département.",
        "People need advice in one place, not only money.",
        now,
    )
    .await?;
    proposals::decide_amendment(
        &mut tx, climate.id, renovation, amendment, true, member, now,
    )
    .await?
    .map_err(|refusal| AppError::Internal(format!("demo amendment: {refusal:?}").into()))?;
    proposals::set_minority_report(
        &mut tx,
        climate.id,
        renovation,
        "A minority of members think 2040 is too early for rural owners with low incomes, and asked for 2045 outside towns.",
        now,
    )
    .await?;
    proposals::create(
        &mut tx,
        climate.id,
        member,
        &draft(
            "Limit speed on motorways to 110 km/h",
            "Lower the speed limit on motorways from 130 km/h to 110 km/h.",
            "Session 4 (Travel)",
            "Table 2",
        ),
        now,
    )
    .await?;
    proposals::create(
        &mut tx,
        climate.id,
        member,
        &draft(
            "Add a crime of ecocide to the law",
            "Create a crime of ecocide for serious harm to ecosystems.",
            "Session 5 (Production)",
            "Table 1",
        ),
        now,
    )
    .await?;
    let yes_no = ballot_box::create(
        &mut tx,
        climate.id,
        &NewBallot {
            proposal_id: Some(renovation),
            method: "yes_no".to_owned(),
            wording: "Do you adopt proposal 1: compulsory energy renovation of buildings?"
                .to_owned(),
            wording_otherwise: String::new(),
            options: String::new(),
            pass_rule: "more_than 1/2".to_owned(),
            max_approvals: None,
            eligible_members: 150,
            opens_after: None,
            held_when: "always".to_owned(),
        },
        now,
    )
    .await?;
    let agreement = ballot_box::create(
        &mut tx,
        climate.id,
        &NewBallot {
            proposal_id: Some(renovation),
            method: "agreement".to_owned(),
            wording: "How far do you agree that compulsory renovation should be submitted to Parliament as adopted?".to_owned(),
            wording_otherwise: "How far do you agree that compulsory renovation should be redrafted?".to_owned(),
            options: String::new(),
            pass_rule: String::new(),
            max_approvals: None,
            eligible_members: 150,
            opens_after: Some(yes_no),
            held_when: "always".to_owned(),
        },
        now,
    )
    .await?;
    let stages: [(i64, &str, String); 2] = [
        (
            yes_no,
            "Do you adopt proposal 1: compulsory energy renovation of buildings?",
            demo_sheets(&[("yes", 112), ("no", 27), ("abstain", 6)]),
        ),
        (
            agreement,
            "How far do you agree that compulsory renovation should be submitted to Parliament as adopted?",
            demo_sheets(&[("5", 70), ("4", 52), ("3", 11), ("2", 9), ("1", 3)]),
        ),
    ];
    for (ballot_id, wording, sheets) in stages {
        ballot_box::open(&mut tx, climate.id, ballot_id, wording, now).await?;
        for (entry, clerk) in [(1, facilitator), (2, organiser)] {
            ballot_box::save_paper_entry(&mut tx, ballot_id, entry, clerk, &sheets, now)
                .await?
                .map_err(|refusal| {
                    AppError::Internal(format!("demo paper entry: {refusal:?}").into())
                })?;
        }
        let row = ballot_box::get(&mut tx, climate.id, ballot_id).await?;
        let outcome = crate::deliberation::count(&mut tx, &row, m)
            .await?
            .map_err(|error| AppError::Internal(format!("demo count: {error}").into()))?;
        let result = ballot_box::ClosingResult {
            text: outcome.to_string(),
            passed: outcome.passed(),
            support_bp: crate::deliberation::support_bp(&outcome),
        };
        ballot_box::close(&mut tx, climate.id, ballot_id, &result, now).await?;
    }
    ballot_box::create(
        &mut tx,
        climate.id,
        &NewBallot {
            proposal_id: None,
            method: "ranking".to_owned(),
            wording: "Rank the three travel measures in order of priority".to_owned(),
            wording_otherwise: String::new(),
            options: "Speed limit of 110 km/h\nBan on short domestic flights\nCheaper rail fares"
                .to_owned(),
            pass_rule: String::new(),
            max_approvals: None,
            eligible_members: 150,
            opens_after: None,
            held_when: "always".to_owned(),
        },
        now,
    )
    .await?;
    let support = ballot_box::get(&mut tx, climate.id, agreement).await?;
    let adopted = proposals::get(&mut tx, climate.id, renovation).await?;
    let recommendation = store::recommendations::create(
        &mut tx,
        climate.id,
        &store::recommendations::NewRecommendation {
            reference: "SL1.1".to_owned(),
            title: "Make the energy renovation of buildings compulsory".to_owned(),
            body: adopted.fields.body,
            theme: "Housing".to_owned(),
            route: store::recommendations::Route::Law,
            support_bp: support.support_bp.and_then(|bp| u16::try_from(bp).ok()),
            support_text: support.result_text.clone(),
            minority_report: adopted.minority_report,
            proposal_id: Some(renovation),
        },
        now,
    )
    .await?;
    let after = serde_json::json!({ "assembly_id": climate.id, "proposals": 3, "ballots": [yes_no, agreement], "recommendation": recommendation, "demo": true });
    let entity = format!("assembly:{}", climate.id);
    // The demo's own writes above are recorded as one entry, as the system.
    audited(
        &mut tx,
        &Actor::SYSTEM,
        "deliberation.demo_seed",
        &entity,
        now,
        async |_| Ok(((), Entry::after(after))),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The fictitious members added to the demo climate assembly (names made up), with their selection features:
/// (name, gender, age band, region).
pub const DEMO_MEMBERS: [(&str, &str, &str, &str); 18] = [
    ("Amélie Roche", "Woman", "16-29", "Île-de-France"),
    ("Bastien Morel", "Man", "30-44", "Occitanie"),
    ("Chloé Garnier", "Woman", "45-59", "Bretagne"),
    ("Daniel Faure", "Man", "60+", "Grand Est"),
    ("Élodie Perrin", "Woman", "30-44", "Île-de-France"),
    ("Fabien Leclerc", "Man", "16-29", "Bretagne"),
    ("Gaëlle Moulin", "Woman", "60+", "Occitanie"),
    ("Hugo Lambert", "Man", "45-59", "Île-de-France"),
    ("Inès Chevalier", "Woman", "16-29", "Grand Est"),
    ("Julien Robin", "Man", "30-44", "Bretagne"),
    ("Karima Haddad", "Woman", "45-59", "Occitanie"),
    ("Louis Marchand", "Man", "60+", "Île-de-France"),
    ("Manon Dupuis", "Woman", "30-44", "Grand Est"),
    ("Nathan Giraud", "Man", "16-29", "Occitanie"),
    ("Océane Renaud", "Woman", "60+", "Bretagne"),
    ("Paul Arnaud", "Man", "45-59", "Grand Est"),
    ("Rose Aubert", "Woman", "16-29", "Bretagne"),
    ("Samuel Brun", "Man", "30-44", "Occitanie"),
];

/// Extra demo facilitators (without passwords), so that every table of the demo allocation has one.
pub const DEMO_FACILITATORS: [&str; 3] = [
    "Fanny Facilitatrice",
    "Félix Facilitateur",
    "Flora Facilitatrice",
];

async fn demo_account(
    store: &Store,
    email: &str,
    name: &str,
    assembly_id: i64,
    role: Role,
    now: i64,
) -> Result<i64, AppError> {
    let email = Email::parse(email)?;
    let mut tx = store.begin().await?;
    let id = match store::accounts::account_by_email(&mut tx, email.as_str()).await? {
        Some(account) => account.id,
        None => {
            store::accounts::create_account(
                &mut tx,
                &store::accounts::NewAccount {
                    email: &email,
                    display_name: &DisplayName::parse(name)?,
                    sign_in_method: SignInMethod::OneTimeCode,
                    password_hash: None,
                    is_admin: false,
                },
                now,
            )
            .await?
        }
    };
    let entity = format!("assembly:{assembly_id}/account:{id}");
    audited(
        &mut tx,
        &Actor::SYSTEM,
        "role.assign",
        &entity,
        now,
        async |tx| {
            store::accounts::set_role(tx, assembly_id, id, role).await?;
            let after = serde_json::json!({ "role": role.as_str(), "demo": true });
            Ok(((), Entry::after(after)))
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Seeds the climate assembly at work: members with their features, facilitators, three sessions with their agenda,
/// attendance at the first, evidence, speakers with a question and an oversight comment, and a table allocation.
/// Skipped when the assembly already has sessions.
pub async fn seed_assembly_at_work(store: &Store) -> Result<(), AppError> {
    let now = now();
    let mut connection = store.connection().await?;
    let climate = store::assemblies::list_assemblies(&mut connection)
        .await?
        .into_iter()
        .find(|summary| summary.title == climate_convention().title.as_str());
    let Some(climate) = climate else {
        return Ok(());
    };
    let assembly_id = climate.id;
    if !store::sessions::list_sessions(&mut connection, assembly_id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let maya = store::accounts::account_by_email(&mut connection, DEMO_LOGINS[3].email)
        .await?
        .map(|account| account.id);
    drop(connection);

    let mut members = Vec::new();
    for (index, (name, gender, age, region)) in DEMO_MEMBERS.iter().enumerate() {
        let email = format!("member{:02}@demo.kleroterion.org", index + 1);
        let id = demo_account(store, &email, name, assembly_id, Role::Member, now).await?;
        members.push((id, *gender, *age, *region));
    }
    if let Some(maya) = maya {
        members.push((maya, "Woman", "30-44", "Grand Est"));
    }
    for (index, name) in DEMO_FACILITATORS.iter().enumerate() {
        let email = format!("facilitator{:02}@demo.kleroterion.org", index + 1);
        demo_account(store, &email, name, assembly_id, Role::Facilitator, now).await?;
    }

    let mut tx = store.begin().await?;
    for (id, gender, age, region) in &members {
        let features = std::collections::BTreeMap::from([
            ("gender".to_owned(), (*gender).to_owned()),
            ("age band".to_owned(), (*age).to_owned()),
            ("region".to_owned(), (*region).to_owned()),
        ]);
        store::seating::set_member_features(&mut tx, assembly_id, *id, &features, now).await?;
    }
    let sessions = [
        ("Weekend 1: the climate emergency", "2019-10-04", "Housing"),
        ("Weekend 2: getting around", "2019-10-25", "Transport"),
        ("Weekend 3: what we eat", "2019-11-15", "Food"),
    ];
    let mut session_ids = Vec::new();
    for (title, day, topic) in sessions {
        let session = store::sessions::NewSession {
            title: title.to_owned(),
            held_on: day.to_owned(),
            starts_at: "09:30".to_owned(),
            ends_at: "17:30".to_owned(),
            place: "Palais d'Iéna, Paris".to_owned(),
        };
        let id = store::sessions::create_session(&mut tx, assembly_id, &session, now).await?;
        for (starts_at, minutes, item) in [
            ("09:30", 60, "Evidence from the speakers"),
            ("10:45", 120, "Table discussions"),
            ("14:00", 90, "Questions to the speakers"),
        ] {
            let agenda_item = store::sessions::NewAgendaItem {
                starts_at: starts_at.to_owned(),
                minutes,
                title: item.to_owned(),
                topic: topic.to_owned(),
            };
            store::sessions::add_agenda_item(&mut tx, assembly_id, id, &agenda_item).await?;
        }
        session_ids.push(id);
    }
    let register: Vec<(i64, store::sessions::Attendance)> = members
        .iter()
        .enumerate()
        .map(|(index, (id, ..))| {
            let status = match index % 9 {
                4 => store::sessions::Attendance::Late,
                8 => store::sessions::Attendance::Absent,
                _ => store::sessions::Attendance::Present,
            };
            (*id, status)
        })
        .collect();
    store::sessions::record_attendance(&mut tx, assembly_id, session_ids[0], &register, None, now)
        .await?;
    for (topic, title, url, summary) in [
        (
            "Housing",
            "Renovating homes: where France stands",
            "https://www.hautconseilclimat.fr/",
            "Buildings give about a fifth of France's emissions, mostly from heating. Insulating a home and replacing an oil or gas boiler can cut its emissions by more than half, but few full renovations are done each year.",
        ),
        (
            "Transport",
            "How the French travel to work",
            "https://www.insee.fr/",
            "Seven in ten people drive to work, even for short trips. Where there is no good public transport, people have few other choices, and fuel costs weigh most on rural households.",
        ),
    ] {
        let evidence = store::evidence::NewEvidence {
            topic: topic.to_owned(),
            title: title.to_owned(),
            url: url.to_owned(),
            summary: summary.to_owned(),
        };
        store::evidence::add_evidence(&mut tx, assembly_id, &evidence, now).await?;
    }
    let mut speaker_ids = Vec::new();
    for (name, topic, perspective, interests, session) in [
        (
            "Claire Dubois, building federation",
            "Housing",
            "Industry",
            "Employed by a federation of building firms",
            0,
        ),
        (
            "Marc Petit, tenants' association",
            "Housing",
            "Civil society",
            "None declared",
            0,
        ),
        (
            "Dr Sophie Martin, university of Lyon",
            "Transport",
            "Academic",
            "Research funded by the national research agency",
            1,
        ),
        (
            "Thomas Bernard, road hauliers' union",
            "Transport",
            "Industry",
            "Employed by a hauliers' union",
            1,
        ),
    ] {
        let speaker = store::evidence::NewSpeaker {
            name: name.to_owned(),
            topic: topic.to_owned(),
            perspective: perspective.to_owned(),
            interests: interests.to_owned(),
            session_id: Some(session_ids[session]),
        };
        speaker_ids.push(store::evidence::add_speaker(&mut tx, assembly_id, &speaker, now).await?);
    }
    if let Some((first_member, ..)) = members.first() {
        store::evidence::ask_question(
            &mut tx,
            assembly_id,
            speaker_ids[0],
            *first_member,
            "Who pays for the renovation when the owner cannot?",
            now,
        )
        .await?;
    }
    let entity = format!("assembly:{assembly_id}");
    let after =
        serde_json::json!({ "sessions": session_ids, "members": members.len(), "demo": true });
    // The demo's own writes above are recorded as one entry, as the system.
    audited(
        &mut tx,
        &Actor::SYSTEM,
        "demo.assembly_at_work",
        &entity,
        now,
        async |_| Ok(((), Entry::after(after))),
    )
    .await?;
    let run = store::seating::NewRun {
        session_ids,
        seats_per_table: 5,
        with_facilitators: true,
        seed: 2019,
    };
    store::seating::queue_run(&mut tx, assembly_id, &run, None, now).await?;
    tx.commit().await?;
    crate::tables::drain(store).await?;
    Ok(())
}
