//! The demo's climate convention at work: members with their features, facilitators, sessions with attendance,
//! evidence and speakers, and a table allocation.

use app::Actor;
use app::audit::{Entry, audited};
use domain::account::{DisplayName, Email, SignInMethod};
use domain::permission::Role;
use store::Store;

use super::DEMO_LOGINS;
use crate::error::AppError;
use crate::now;

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

/// A demo account without a password (found by email, or created), with `role` in the assembly.
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
    let Some(climate_id) = super::climate_id(store).await? else {
        return Ok(());
    };
    let mut connection = store.connection().await?;
    let assembly_id = climate_id;
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
        let question = store::evidence::ask_question(
            &mut tx,
            assembly_id,
            speaker_ids[0],
            *first_member,
            "Who pays for the renovation when the owner cannot?",
            now,
        )
        .await?;
        // Already moderated: the demo's question is public, as it would be by this point of an assembly.
        store::evidence::moderate_question(
            &mut tx,
            assembly_id,
            question,
            store::evidence::QuestionStatus::Accepted,
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
    crate::assembly::drain(store).await?;
    Ok(())
}
