//! Secrets: random tokens, their hashes, argon2id password hashing, and cookie helpers.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::AppError;

/// A random token of `bytes` bytes, as hexadecimal.
pub fn random_token(bytes: usize) -> Result<String, AppError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|error| AppError::Internal(format!("random source: {error}").into()))?;
    Ok(hex::encode(buffer))
}

/// A new CSRF token for a visitor without a session: a random nonce (16 bytes, hex) followed by its tag under the
/// server secret ([`store::secret::ServerSecret::csrf_tag`]), 64 hexadecimal digits in all.
pub fn anonymous_csrf_token(secret: &store::secret::ServerSecret) -> Result<String, AppError> {
    let nonce = random_token(16)?;
    let tag = secret.csrf_tag(&nonce);
    Ok(format!("{nonce}{tag}"))
}

/// Whether `token` is an anonymous CSRF token that this server issued (its tag checks under the secret).
pub fn is_anonymous_csrf_token(secret: &store::secret::ServerSecret, token: &str) -> bool {
    if token.len() != 64 || !token.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return false;
    }
    let (nonce, tag) = token.split_at(32);
    constant_time_eq(tag, &secret.csrf_tag(nonce))
}

/// `N` random bytes.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut buffer = [0u8; N];
    getrandom::fill(&mut buffer)
        .map_err(|error| AppError::Internal(format!("random source: {error}").into()))?;
    Ok(buffer)
}

/// The SHA-256 (hex) under which a session token, API token or one-time code is stored.
pub fn token_hash(token: &str) -> String {
    store::sha256_hex(token.as_bytes())
}

/// The client's address as the rate limits and the sign-in throttle see it: the socket's peer, unless the peer
/// is one of the configured trusted reverse proxies (`--trusted-proxy`); then the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy (the left part of the header is whatever the client sent,
/// so it is never believed). A malformed entry stops the walk at the proxy's own address.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded_for: &[&str],
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let mut closest = peer;
    for entry in forwarded_for
        .iter()
        .rev()
        .flat_map(|header| header.rsplit(','))
    {
        match entry.trim().parse::<std::net::IpAddr>() {
            Ok(address) if trusted.contains(&address) => closest = address,
            Ok(address) => return Some(address),
            Err(_) => return Some(closest),
        }
    }
    Some(closest)
}

/// Hashes a password with argon2id (default parameters), on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| AppError::Internal(format!("argon2: {error}").into()))
    })
    .await
    .map_err(AppError::internal)?
}

/// A valid argon2id hash of a random string, verified against when the account does not exist,
/// so that a wrong email takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1Fh3vJyPpyqKm2Q1nX0m5mY1b2t2y2H1mUuC8x3pXyE";

/// Checks a password against a stored PHC string (or the dummy one), on a blocking thread.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let real = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && real
    })
    .await
    .map_err(AppError::internal)
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site; `max_age` in seconds (0 deletes it).
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_address_is_the_peer_unless_a_trusted_proxy_forwards_it() {
        let ip = |text: &str| text.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("10.0.0.1")];
        // Not behind a trusted proxy: the header is the client's own word and is ignored.
        assert_eq!(
            client_address(Some(ip("192.0.2.7")), &["198.51.100.1"], &proxy),
            Some(ip("192.0.2.7"))
        );
        // Behind the proxy: the right-most entry the proxy appended, never what the client put on the left.
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), &["203.0.113.9, 198.51.100.4"], &proxy),
            Some(ip("198.51.100.4"))
        );
        assert_eq!(
            client_address(
                Some(ip("10.0.0.1")),
                &["203.0.113.9", "198.51.100.4"],
                &proxy
            ),
            Some(ip("198.51.100.4"))
        );
        // Trusted hops are skipped; a malformed entry stops at the last trusted hop.
        let two = [ip("10.0.0.1"), ip("10.0.0.2")];
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), &["198.51.100.4, 10.0.0.2"], &two),
            Some(ip("198.51.100.4"))
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), &["nonsense, 10.0.0.2"], &two),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.1")), &[], &proxy),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(client_address(None, &[], &proxy), None);
    }

    use super::*;

    #[test]
    fn only_anonymous_csrf_tokens_issued_under_this_secret_are_accepted() {
        let secret = store::secret::ServerSecret::random().unwrap();
        let token = anonymous_csrf_token(&secret).unwrap();
        assert_eq!(token.len(), 64);
        assert!(is_anonymous_csrf_token(&secret, &token));
        let other = store::secret::ServerSecret::random().unwrap();
        assert!(!is_anonymous_csrf_token(&other, &token));
        assert!(!is_anonymous_csrf_token(&secret, &"0".repeat(64)));
        let mut tampered = token.clone().into_bytes();
        tampered[0] = if tampered[0] == b'a' { b'b' } else { b'a' };
        assert!(!is_anonymous_csrf_token(
            &secret,
            &String::from_utf8(tampered).unwrap()
        ));
        assert!(!is_anonymous_csrf_token(&secret, &token[..63]));
    }

    #[tokio::test]
    async fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse battery".to_owned())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".to_owned(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery".to_owned(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!verify_password("anything".to_owned(), None).await.unwrap());
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        assert_eq!(
            cookie("a=1; klero_session=abc; b=2", "klero_session"),
            Some("abc")
        );
        assert_eq!(cookie("xklero_session=abc", "klero_session"), None);
    }
}
