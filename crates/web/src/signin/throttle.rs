//! The sign-in throttle: each attempt counts against three keys (the account from this address, the account,
//! the address) before its password or code is checked, so that guessing is slow from one address and from many.

use crate::AppState;
use crate::error::AppError;

/// The throttle's three counters for one sign-in attempt (see [`store::auth::ThrottlePolicy`]), as keys derived
/// from the server secret (`ServerSecret::private_key`), so the throttle table holds neither an address nor an
/// email, nor a plain hash of one that hashing every address or a list of emails would reverse.
pub struct Attempt {
    keys: [String; 3],
}

/// How an attempt stands before its secret is checked.
pub enum Allowance {
    /// Over a limit: refused without checking anything.
    Refused,
    /// Within the limits; `last` when this is the last attempt of the account from this address in the window.
    Allowed {
        /// Whether a failure now locks the account for this address.
        last: bool,
    },
}

impl Attempt {
    /// An attempt of `kind` (`login`, `code`) to sign in as `email` from `client`.
    pub fn new(
        state: &AppState,
        kind: &str,
        email: &str,
        client: Option<std::net::IpAddr>,
    ) -> Attempt {
        let email = email.trim().to_lowercase();
        let client = client.map_or_else(|| "unknown".to_owned(), |address| address.to_string());
        let key = |value: String| state.config.secret.private_key(&value);
        Attempt {
            keys: [
                key(format!("{kind}:{email}|{client}")),
                key(format!("{kind}:{email}")),
                key(format!("{kind}-client:{client}")),
            ],
        }
    }

    /// Counts this attempt against all three keys, atomically, before any secret is checked.
    pub async fn count(&self, state: &AppState, now: i64) -> Result<Allowance, AppError> {
        let policy = state.config.throttle;
        let mut tx = state.store.begin().await?;
        let mut counts = [0; 3];
        for (count, key) in counts.iter_mut().zip(&self.keys) {
            *count = store::auth::count_attempt(&mut tx, key, now, policy.window_seconds).await?;
        }
        tx.commit().await?;
        let [pair, account, client] = counts;
        Ok(
            if pair > policy.per_client_account
                || account > policy.per_account
                || client > policy.per_client
            {
                Allowance::Refused
            } else {
                Allowance::Allowed {
                    last: pair == policy.per_client_account,
                }
            },
        )
    }

    /// Takes the attempt back after a success.
    pub async fn forgive(&self, conn: &mut store::AnyConnection) -> Result<(), AppError> {
        for key in &self.keys {
            store::auth::forgive_attempt(conn, key).await?;
        }
        Ok(())
    }
}
