//! The server secret: 32 random bytes kept in a file outside the database, from which the keys that the database
//! must not hold are derived (the key that seals ballot choices until their ballot closes, and the key that signs
//! the audit chain's head, [`AuditSigner`]).
//!
//! Why a file and not a table: whoever holds a copy of the database files (a backup, a WAL archive, a stolen disk)
//! must not be able to open sealed choices or forge a signed audit head; so the secret lives where backups of the
//! database do not go.
//! The file holds 64 hexadecimal digits; it is created with mode 0600 when missing (SQLite's default), and every
//! server instance of one PostgreSQL database must be given the same file.
//! Losing it makes the sealed choices of the ballots that are still open unreadable, so it is backed up on its own.

use std::path::Path;

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

use crate::StoreError;

/// The server secret. Its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct ServerSecret {
    bytes: [u8; 32],
}

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret(..)")
    }
}

/// Fills `bytes` from the operating system's CSPRNG.
pub fn random_fill(bytes: &mut [u8]) -> Result<(), StoreError> {
    SystemRandom::new()
        .fill(bytes)
        .map_err(|_| StoreError::Corrupt("the operating system gave no random bytes".to_owned()))
}

impl ServerSecret {
    /// A fresh random secret, held in memory only: for tests and throwaway servers (a restart loses it, and with it
    /// the sealed choices of open ballots). `klero serve` always reads one from a file.
    pub fn random() -> Result<ServerSecret, StoreError> {
        let mut bytes = [0u8; 32];
        random_fill(&mut bytes)?;
        Ok(ServerSecret { bytes })
    }

    /// The secret with these bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> ServerSecret {
        ServerSecret { bytes }
    }

    /// Parses the file's text: 64 hexadecimal digits, surrounding whitespace ignored.
    pub fn parse(text: &str) -> Result<ServerSecret, StoreError> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(StoreError::BadSecret);
        }
        let mut bytes = [0u8; 32];
        for (index, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[index * 2..index * 2 + 2], 16)
                .map_err(|_| StoreError::BadSecret)?;
        }
        Ok(ServerSecret { bytes })
    }

    /// Reads the secret file at `path`; it must exist.
    pub fn load(path: &Path) -> Result<ServerSecret, StoreError> {
        let text = std::fs::read_to_string(path).map_err(StoreError::SecretFile)?;
        ServerSecret::parse(&text)
    }

    /// Reads the secret file at `path`, or creates it (mode 0600, never overwriting a file that appears meanwhile)
    /// with a fresh random secret. Returns the secret and whether the file was created.
    pub fn load_or_create(path: &Path) -> Result<(ServerSecret, bool), StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => return Ok((ServerSecret::parse(&text)?, false)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(StoreError::SecretFile(error)),
        }
        let secret = ServerSecret::random()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = match options.open(path) {
            Ok(file) => file,
            // Another process created it first: use that one.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                return Ok((ServerSecret::load(path)?, false));
            }
            Err(error) => return Err(StoreError::SecretFile(error)),
        };
        use std::io::Write;
        writeln!(file, "{}", hex::encode(secret.bytes)).map_err(StoreError::SecretFile)?;
        file.sync_all().map_err(StoreError::SecretFile)?;
        Ok((secret, true))
    }

    /// The secret as the file holds it (64 hexadecimal digits), to write it elsewhere.
    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    /// A key for one purpose: HMAC-SHA-256 of the purpose's label under the secret, so keys of different purposes
    /// are independent and none reveals the secret.
    fn derive(&self, label: &str) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.bytes);
        let tag = ring::hmac::sign(&key, label.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// The key under which a counter's name is stored when it is made of personal data (an email, an IP address:
    /// the sign-in throttle, the registration rate limit): HMAC-SHA-256 under a key of its own, in hex. Unlike a
    /// plain SHA-256, it cannot be reversed by hashing every IPv4 address or a list of emails without the secret.
    pub fn private_key(&self, value: &str) -> String {
        let key = ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            &self.derive("klero private keys v1"),
        );
        hex::encode(ring::hmac::sign(&key, value.as_bytes()).as_ref())
    }

    /// The tag that binds an anonymous visitor's CSRF token to this server: the first 16 bytes of HMAC-SHA-256 of
    /// `nonce` under a key of its own, in hex. A token whose tag does not check was not issued here (a value
    /// planted in the visitor's cookie from a sibling subdomain, say) and is refused.
    pub fn csrf_tag(&self, nonce: &str) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.derive("klero csrf v1"));
        hex::encode(&ring::hmac::sign(&key, nonce.as_bytes()).as_ref()[..16])
    }

    /// The key that seals ballot choices until their ballot closes.
    pub fn ballot_seal(&self) -> BallotSeal {
        BallotSeal {
            key: self.derive("klero ballot seal v1"),
        }
    }

    /// The Ed25519 key that signs the audit chain's head (the published anchor).
    pub fn audit_signer(&self) -> AuditSigner {
        let seed = self.derive("klero audit anchor v1");
        AuditSigner {
            // Any 32 bytes are a valid Ed25519 seed.
            pair: ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
                .expect("a 32-byte seed"),
        }
    }
}

/// The Ed25519 key pair that signs the audit chain's head; the database never holds it.
pub struct AuditSigner {
    pair: ring::signature::Ed25519KeyPair,
}

impl std::fmt::Debug for AuditSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditSigner")
            .field("public_key", &self.public_key_hex())
            .finish()
    }
}

impl AuditSigner {
    /// The public key, in hexadecimal (to publish and to give `klero audit verify --public-key`).
    pub fn public_key_hex(&self) -> String {
        use ring::signature::KeyPair;
        hex::encode(self.pair.public_key().as_ref())
    }

    /// The signature of `message`, in hexadecimal.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.pair.sign(message).as_ref())
    }
}

/// Whether `signature_hex` is a valid Ed25519 signature of `message` under `public_key_hex`.
pub fn signature_is_valid(public_key_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    let (Some(public_key), Some(signature)) = (
        hex::decode(public_key_hex).ok(),
        hex::decode(signature_hex).ok(),
    ) else {
        return false;
    };
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, public_key)
        .verify(message, &signature)
        .is_ok()
}

/// The ChaCha20-Poly1305 key that seals a ballot's choices while it is open. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct BallotSeal {
    key: [u8; 32],
}

impl std::fmt::Debug for BallotSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BallotSeal(..)")
    }
}

/// The length of a nonce.
const NONCE_LEN: usize = 12;

impl BallotSeal {
    fn aead(&self) -> LessSafeKey {
        // A 32-byte key is always valid for ChaCha20-Poly1305.
        LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &self.key).expect("a 32-byte key"))
    }

    /// Seals `plain` for `ballot_id` (the ballot is authenticated, so a sealed choice moved to another ballot does
    /// not open): a random nonce followed by the ciphertext and its tag.
    pub(crate) fn seal(&self, ballot_id: i64, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        random_fill(&mut nonce)?;
        let mut in_out = plain.to_vec();
        self.aead()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(ballot_id)),
                &mut in_out,
            )
            .map_err(|_| StoreError::Corrupt("a choice could not be sealed".to_owned()))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&in_out);
        Ok(sealed)
    }

    /// Opens what [`BallotSeal::seal`] sealed for `ballot_id`; `None` if it was sealed under another secret, for
    /// another ballot, or altered.
    pub(crate) fn open(&self, ballot_id: i64, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut in_out = body.to_vec();
        let plain = self
            .aead()
            .open_in_place(nonce, Aad::from(aad(ballot_id)), &mut in_out)
            .ok()?;
        Some(plain.to_vec())
    }
}

fn aad(ballot_id: i64) -> [u8; 24] {
    let mut aad = [0u8; 24];
    aad[..16].copy_from_slice(b"klero-ballot-v1:");
    aad[16..].copy_from_slice(&ballot_id.to_be_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_keys_depend_on_the_secret_and_are_not_a_plain_hash() {
        let secret = ServerSecret::from_bytes([7; 32]);
        let key = secret.private_key("register:203.0.113.9");
        assert_eq!(key.len(), 64);
        assert_eq!(key, secret.private_key("register:203.0.113.9"));
        assert_ne!(key, secret.private_key("register:203.0.113.10"));
        assert_ne!(
            key,
            ServerSecret::from_bytes([8; 32]).private_key("register:203.0.113.9")
        );
        assert_ne!(key, crate::sha256_hex(b"register:203.0.113.9"));
    }

    #[test]
    fn a_sealed_choice_opens_only_with_its_secret_and_ballot() {
        let secret = ServerSecret::from_bytes([7; 32]);
        let seal = secret.ballot_seal();
        let sealed = seal.seal(3, b"yes").unwrap();
        assert_eq!(seal.open(3, &sealed).unwrap(), b"yes");
        assert_eq!(seal.open(4, &sealed), None);
        let other = ServerSecret::from_bytes([8; 32]).ballot_seal();
        assert_eq!(other.open(3, &sealed), None);
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(seal.open(3, &altered), None);
        // Two seals of one choice differ (random nonce).
        assert_ne!(seal.seal(3, b"yes").unwrap(), sealed);
    }

    #[test]
    fn the_secret_file_is_64_hex_digits() {
        let secret = ServerSecret::from_bytes([0xab; 32]);
        let parsed = ServerSecret::parse(&format!("  {}\n", secret.to_hex())).unwrap();
        assert_eq!(parsed.to_hex(), secret.to_hex());
        assert!(matches!(
            ServerSecret::parse("abc"),
            Err(StoreError::BadSecret)
        ));
        assert_eq!(format!("{secret:?}"), "ServerSecret(..)");
    }

    #[test]
    fn the_audit_anchor_is_signed_with_a_key_derived_from_the_secret() {
        let signer = ServerSecret::from_bytes([7; 32]).audit_signer();
        let signature = signer.sign_hex(b"anchor");
        assert!(signature_is_valid(
            &signer.public_key_hex(),
            b"anchor",
            &signature
        ));
        assert!(!signature_is_valid(
            &signer.public_key_hex(),
            b"anchor2",
            &signature
        ));
        let other = ServerSecret::from_bytes([8; 32]).audit_signer();
        assert!(!signature_is_valid(
            &other.public_key_hex(),
            b"anchor",
            &signature
        ));
        assert!(!signature_is_valid("zz", b"anchor", &signature));
    }
}
