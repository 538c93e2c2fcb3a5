//! Rate limits on the writes an anonymous visitor can make: design comments (the public page's form and the API
//! share one count) and public survey answers. Registration has its own limit (`app::recruitment`), and signing in
//! its throttle (`crate::signin::throttle`); `/logout` writes nothing of the visitor's, and `/setup` works once.
//!
//! Each write counts one hit against two fixed windows of its client address (an hour and a day), in the
//! database's `rate_limits` table, so every server instance shares the counts. The address is the one
//! `--trusted-proxy` resolves ([`crate::security::client_address`]), stored only as a key derived from the server
//! secret ([`client_key`]), never as itself or as a plain hash. The hit is counted in the write's own transaction:
//! over a limit, the transaction is dropped, so nothing is written, not even an audit entry, and the counter does
//! not grow either (the client stays refused until its window ends).
//!
//! Why these numbers ([`PublicLimits::DEFAULT`]): one person writes a few comments and answers a survey once, but
//! many people can share one address (a library, a school, an event's Wi-Fi, a mobile carrier's NAT), so the
//! limits leave room for a room full of people and stop a script early: 10 comments an hour and 50 a day (each
//! waits for a moderator and adds a permanent audit entry), 30 survey answers an hour and 200 a day (answers are
//! anonymous counts, so a script's could only be told apart by their number).

use crate::AppState;
use crate::error::AppError;

/// One limit: the most writes from one client address per hour and per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Writes per hour.
    pub per_hour: i64,
    /// Writes per day.
    pub per_day: i64,
}

/// The limits of each kind of anonymous write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLimits {
    /// Design comments, from the page or the API.
    pub comments: Limit,
    /// Public survey answer sheets.
    pub survey_answers: Limit,
}

impl PublicLimits {
    /// The limits `klero serve` uses (the module documentation says why).
    pub const DEFAULT: PublicLimits = PublicLimits {
        comments: Limit {
            per_hour: 10,
            per_day: 50,
        },
        survey_answers: Limit {
            per_hour: 30,
            per_day: 200,
        },
    };
}

/// A kind of anonymous write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicWrite {
    /// A comment on the design of the process.
    Comment,
    /// An answer sheet of a public survey.
    SurveyAnswer,
}

impl PublicWrite {
    fn label(self) -> &'static str {
        match self {
            PublicWrite::Comment => "comment",
            PublicWrite::SurveyAnswer => "survey",
        }
    }

    fn limit(self, limits: &PublicLimits) -> Limit {
        match self {
            PublicWrite::Comment => limits.comments,
            PublicWrite::SurveyAnswer => limits.survey_answers,
        }
    }
}

/// The key under which a counter of `purpose` for `client` is stored: HMAC under a key derived from the server
/// secret (`ServerSecret::private_key`), so the table cannot be reversed into addresses by hashing every one.
pub fn client_key(state: &AppState, purpose: &str, client: Option<std::net::IpAddr>) -> String {
    let client = client.map_or_else(|| "unknown".to_owned(), |address| address.to_string());
    state
        .config
        .secret
        .private_key(&format!("{purpose}:{client}"))
}

/// Counts one `write` from `client` in `tx`, the transaction of the write itself; over a limit it is
/// [`AppError::RateLimited`] with the seconds until the window ends, and the caller drops `tx`.
pub async fn count(
    state: &AppState,
    tx: &mut store::Tx,
    write: PublicWrite,
    client: Option<std::net::IpAddr>,
    now: i64,
) -> Result<(), AppError> {
    let limit = write.limit(&state.config.public_limits);
    for (window, window_seconds, max_hits) in [
        ("hour", 3600, limit.per_hour),
        ("day", 24 * 3600, limit.per_day),
    ] {
        let key = client_key(state, &format!("{}-{window}", write.label()), client);
        let count = store::recruitment::count_hit(tx, &key, now, window_seconds).await?;
        if count.hits > max_hits {
            tracing::info!(
                write = write.label(),
                window,
                "public write rate limit reached"
            );
            return Err(AppError::RateLimited {
                retry_after_seconds: count.window_started_at + window_seconds - now,
            });
        }
    }
    Ok(())
}
