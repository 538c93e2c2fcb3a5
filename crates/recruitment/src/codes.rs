//! Invitation codes: ten characters of Crockford's base-32 alphabet, printed as `K7QM-3XPD-9A`,
//! the last of which is a check character over GF(32) that catches every single mistyped
//! character and every swap of two adjacent characters.
//!
//! The alphabet is `0123456789ABCDEFGHJKMNPQRSTVWXYZ` (no I, L, O or U, which are easily confused
//! with 1, 1, 0 and V). When a code is typed in, case, spaces and hyphens do not matter, and O is
//! read as 0, I and L as 1.
//!
//! The check character: read each character as its value 0..31 in the alphabet and as an element
//! of GF(32) = GF(2)[x] / (x^5 + x^2 + 1), with α = x (the value 2). For the nine data characters
//! `d1..d9`, the check character is `c = α^1·d1 + α^2·d2 + ... + α^9·d9` (addition is XOR).
//! A typing error `e ≠ 0` at position i changes the sum by `α^i·e ≠ 0`; swapping two adjacent
//! different characters changes it by `(α^i + α^(i+1))·(d_i + d_(i+1)) ≠ 0`, and swapping `d9` with
//! the check character by `(α^9 + 1)·(d9 + c) ≠ 0`, since α has order 31.

use crate::RecruitmentError;
use crate::random::Stream;

/// The 32 characters of the code alphabet, value 0 first.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The number of characters of a code, check character included.
pub const CODE_LENGTH: usize = 10;

/// A valid invitation code (the check character matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvitationCode {
    characters: [u8; CODE_LENGTH],
}

impl InvitationCode {
    /// The code from nine data values (each 0..31), with its check character appended.
    fn from_values(values: [u8; CODE_LENGTH - 1]) -> InvitationCode {
        let mut characters = [0u8; CODE_LENGTH];
        for (position, &value) in values.iter().enumerate() {
            characters[position] = ALPHABET[value as usize];
        }
        characters[CODE_LENGTH - 1] = ALPHABET[check_value(&values) as usize];
        InvitationCode { characters }
    }

    /// The code from the 45 low bits of `bits`: nine 5-bit values, most significant first.
    pub fn from_bits(bits: u64) -> InvitationCode {
        let mut values = [0u8; CODE_LENGTH - 1];
        for (position, value) in values.iter_mut().enumerate() {
            *value = ((bits >> (5 * (CODE_LENGTH - 2 - position))) & 31) as u8;
        }
        InvitationCode::from_values(values)
    }

    /// The ten characters without separators, as used in registration URLs (`K7QM3XPD9A`).
    pub fn compact(&self) -> &str {
        std::str::from_utf8(&self.characters).expect("the alphabet is ASCII")
    }
}

impl std::fmt::Display for InvitationCode {
    /// The printed form, in groups of 4, 4 and 2: `K7QM-3XPD-9A`.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.compact();
        write!(
            formatter,
            "{}-{}-{}",
            &text[0..4],
            &text[4..8],
            &text[8..10]
        )
    }
}

/// Multiplies two elements of GF(32) (polynomial x^5 + x^2 + 1).
fn gf32_multiply(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 32 != 0 {
            a ^= 0b100101;
        }
    }
    product
}

/// The check value of nine data values: the XOR over i = 1..9 of α^i · d_i in GF(32).
fn check_value(values: &[u8]) -> u8 {
    let mut sum = 0u8;
    let mut power = 1u8;
    for &value in values {
        power = gf32_multiply(power, 2);
        sum ^= gf32_multiply(power, value);
    }
    sum
}

/// The value (0..31) of a normalised character, after reading O as 0 and I, L as 1.
fn value_of(character: char) -> Option<u8> {
    let character = match character.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&letter| letter as char == character)
        .map(|value| value as u8)
}

/// Parses a code as typed by a person: ignores case, spaces and hyphens, reads O as 0 and I, L
/// as 1, then checks the length, the alphabet and the check character.
pub fn parse_code(input: &str) -> Result<InvitationCode, RecruitmentError> {
    let characters: Vec<char> = input
        .chars()
        .filter(|character| !character.is_whitespace() && *character != '-')
        .collect();
    if characters.len() != CODE_LENGTH {
        return Err(RecruitmentError::CodeLength {
            found: characters.len(),
        });
    }
    let mut values = [0u8; CODE_LENGTH];
    for (position, &character) in characters.iter().enumerate() {
        values[position] = value_of(character).ok_or(RecruitmentError::CodeCharacter {
            character,
            position: position + 1,
        })?;
    }
    if check_value(&values[..CODE_LENGTH - 1]) != values[CODE_LENGTH - 1] {
        return Err(RecruitmentError::CodeCheck);
    }
    let mut data = [0u8; CODE_LENGTH - 1];
    data.copy_from_slice(&values[..CODE_LENGTH - 1]);
    Ok(InvitationCode::from_values(data))
}

/// Draws `count` distinct codes from the stream: each candidate is the top 45 bits of one
/// `next_u64()` value (`value >> 19`), turned into a code by [`InvitationCode::from_bits`]; a
/// candidate equal to an earlier code of the same draw is skipped and the next value is drawn.
pub fn draw_codes(stream: &mut Stream, count: usize) -> Vec<InvitationCode> {
    let mut seen = std::collections::HashSet::with_capacity(count);
    let mut codes = Vec::with_capacity(count);
    while codes.len() < count {
        let bits = stream.next_u64() >> 19;
        if seen.insert(bits) {
            codes.push(InvitationCode::from_bits(bits));
        }
    }
    codes
}
