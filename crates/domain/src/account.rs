//! Accounts: staff who sign in with a password, and assembly members who will sign in with a one-time code.

use crate::error::{Problem, ValidationError, bounded_text};

/// An email address, lower-cased; checked for shape only (one `@`, a dot in the domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses an email address from the `email` field.
    pub fn parse(raw: &str) -> Result<Email, ValidationError> {
        let email = bounded_text("email", raw, 254)?.to_lowercase();
        let malformed = || ValidationError::new("email", Problem::Malformed);
        let (local, domain) = email.split_once('@').ok_or_else(malformed)?;
        let well_formed = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        if !well_formed {
            return Err(malformed());
        }
        Ok(Email(email))
    }

    /// The address, lower-cased.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password for a staff account: 12 to 1000 characters (length beats composition rules).
/// The type has no `Display` so that it cannot end up in a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// The minimum number of characters.
    pub const MIN_CHARS: usize = 12;

    /// Parses a password from the `password` field.
    pub fn parse(raw: &str) -> Result<NewPassword, ValidationError> {
        let count = raw.chars().count();
        if count == 0 {
            return Err(ValidationError::new("password", Problem::Required));
        }
        if count < NewPassword::MIN_CHARS {
            return Err(ValidationError::new(
                "password",
                Problem::TooShort {
                    min: NewPassword::MIN_CHARS,
                },
            ));
        }
        if count > 1000 {
            return Err(ValidationError::new(
                "password",
                Problem::TooLong { max: 1000 },
            ));
        }
        Ok(NewPassword(raw.to_owned()))
    }

    /// The password, to be hashed and then dropped.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// The name shown for an account to other staff (1 to 100 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a name from the `display_name` field.
    pub fn parse(raw: &str) -> Result<DisplayName, ValidationError> {
        crate::error::single_line("display_name", raw, 100).map(DisplayName)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The label its owner gives an API token (1 to 100 characters), so that they know which script holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    /// Parses a label from the `name` field.
    pub fn parse(raw: &str) -> Result<TokenName, ValidationError> {
        bounded_text("name", raw, 100).map(TokenName)
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How an account signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    /// Staff: email and password (argon2id hash stored).
    Password,
    /// Assembly members: a one-time code sent to them, no password at all.
    OneTimeCode,
}

impl SignInMethod {
    /// The stable identifier used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            SignInMethod::Password => "password",
            SignInMethod::OneTimeCode => "one_time_code",
        }
    }
}

/// Whether an account may sign in with a one-time code (and so may be issued one).
///
/// Only an account created as a code-only member may: it signs in by code, is not a platform administrator,
/// and holds no role but [`Role::Member`] in any assembly. Every other account (staff with a password, an
/// administrator, a code-only account later given a staff role) signs in only the way staff do, so a code
/// issued or shown for it by someone else can never open it.
pub fn may_sign_in_with_code(
    method: SignInMethod,
    is_admin: bool,
    roles: impl IntoIterator<Item = crate::permission::Role>,
) -> bool {
    method == SignInMethod::OneTimeCode
        && !is_admin
        && roles
            .into_iter()
            .all(|role| role == crate::permission::Role::Member)
}

impl SignInMethod {
    /// Reads the stored identifier back (`None` for anything else).
    pub fn from_stored(raw: &str) -> Option<SignInMethod> {
        match raw {
            "password" => Some(SignInMethod::Password),
            "one_time_code" => Some(SignInMethod::OneTimeCode),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_code_only_members_may_sign_in_with_a_code() {
        use crate::permission::Role;
        assert!(may_sign_in_with_code(SignInMethod::OneTimeCode, false, []));
        assert!(may_sign_in_with_code(
            SignInMethod::OneTimeCode,
            false,
            [Role::Member, Role::Member]
        ));
        assert!(!may_sign_in_with_code(SignInMethod::Password, false, []));
        assert!(!may_sign_in_with_code(SignInMethod::OneTimeCode, true, []));
        for staff in [
            Role::Organiser,
            Role::Facilitator,
            Role::Observer,
            Role::Authority,
        ] {
            assert!(!may_sign_in_with_code(
                SignInMethod::OneTimeCode,
                false,
                [Role::Member, staff]
            ));
        }
        assert_eq!(
            SignInMethod::from_stored("one_time_code"),
            Some(SignInMethod::OneTimeCode)
        );
        assert_eq!(SignInMethod::from_stored("Password"), None);
    }

    #[test]
    fn emails_are_lower_cased_and_shape_checked() {
        assert_eq!(
            Email::parse(" Ana@Example.ORG ").unwrap().as_str(),
            "ana@example.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
            "ana@@example.org",
            "ana@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_never_print() {
        assert_eq!(
            NewPassword::parse("short").unwrap_err(),
            ValidationError::new("password", Problem::TooShort { min: 12 })
        );
        let password = NewPassword::parse("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "NewPassword(..)");
    }
}

/// A one-time sign-in code for an assembly member, as printed on an invitation letter or handed over:
/// 12 characters of Crockford base32 (60 bits), shown in groups of four.
/// Input is forgiving: case, spaces and dashes are ignored, and `O`, `I`, `L` read as `0`, `1`, `1`.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    /// The alphabet (Crockford base32, no I, L, O, U).
    pub const ALPHABET: &'static [u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    /// The number of characters.
    pub const LEN: usize = 12;

    /// Builds a code from 12 random bytes (each byte picks one character, uniformly since 256 = 8 x 32).
    pub fn from_random(bytes: [u8; OneTimeCode::LEN]) -> OneTimeCode {
        OneTimeCode(
            bytes
                .iter()
                .map(|byte| OneTimeCode::ALPHABET[(byte & 31) as usize] as char)
                .collect(),
        )
    }

    /// Parses what a member typed in the `code` field.
    pub fn parse(raw: &str) -> Result<OneTimeCode, ValidationError> {
        let mut code = String::with_capacity(OneTimeCode::LEN);
        for c in raw.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !OneTimeCode::ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return Err(ValidationError::new("code", Problem::Malformed));
            }
            code.push(c);
        }
        match code.len() {
            0 => Err(ValidationError::new("code", Problem::Required)),
            OneTimeCode::LEN => Ok(OneTimeCode(code)),
            _ => Err(ValidationError::new("code", Problem::Malformed)),
        }
    }

    /// The canonical form (12 characters, no dashes), which is what gets hashed.
    pub fn canonical(&self) -> &str {
        &self.0
    }

    /// The form to show: `XXXX-XXXX-XXXX`.
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[0..4], &self.0[4..8], &self.0[8..12])
    }
}

impl std::fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneTimeCode(..)")
    }
}

#[cfg(test)]
mod code_tests {
    use super::*;

    #[test]
    fn codes_read_back_forgivingly_and_never_print() {
        let code = OneTimeCode::from_random([0, 1, 31, 32, 200, 17, 18, 19, 20, 21, 22, 255]);
        assert_eq!(code.display(), "01Z0-8HJK-MNPZ");
        assert_eq!(OneTimeCode::parse(" 01z0 8hjk-mnpz ").unwrap(), code);
        assert_eq!(
            OneTimeCode::parse("O1ZO-8HJK-MNPZ").unwrap(),
            code,
            "O reads as 0"
        );
        assert_eq!(
            OneTimeCode::parse("01Z0-8HJK-MNP").unwrap_err().problem,
            Problem::Malformed
        );
        assert_eq!(
            OneTimeCode::parse("01Z0-8HJK-MNPU").unwrap_err().problem,
            Problem::Malformed
        );
        assert_eq!(
            OneTimeCode::parse("  ").unwrap_err().problem,
            Problem::Required
        );
        assert_eq!(format!("{code:?}"), "OneTimeCode(..)");
    }
}
