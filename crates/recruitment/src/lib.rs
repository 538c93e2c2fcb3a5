//! `recruitment`: the pure engine of the invitation lottery and of the quota proposal.
//!
//! An assembly recruits in two stages.
//! First, households are invited by lottery from an address list ([`addresses::parse_addresses`]),
//! stratified by area ([`draw::draw`]): proportional to the number of addresses per area, or with
//! organiser-chosen weights to over-sample areas that usually respond less.
//! Each invitation gets a short, typable code with a check character ([`codes`]), and the letters
//! carry a QR code of the registration address ([`qr`]) and go to the print shop as a mail-merge CSV
//! ([`merge`]).
//! Second, once people have registered, the panel is selected with quotas; [`quotas`] proposes
//! those quotas from population shares.
//!
//! Everything is pure: no IO, no async, no serde. CSV comes in as text and goes out as text.
//! The draw is deterministic for a published seed: the random stream is ChaCha20 keyed by SHA-256
//! of the seed, read as raw `next_u64()` values through the documented steps of [`random`], so that
//! `docs/invitations.md` is enough to re-run a draw in another language.

#![deny(missing_docs)]

pub mod addresses;
pub mod codes;
pub mod draw;
pub mod merge;
pub mod print;
pub mod qr;
pub mod quotas;
pub mod random;
pub mod synthetic;

/// Errors of the recruitment engine.
///
/// Messages name files, lines, columns, areas, features and values, but never the content of an
/// address, because addresses are personal data and error text may end up in logs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RecruitmentError {
    /// The CSV text is malformed (bad UTF-8, unbalanced quotes).
    #[error("{file} line {line}: {message}")]
    CsvSyntax {
        /// The file name shown to the user.
        file: String,
        /// The 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A required column is not in the header row.
    #[error("{file}: missing column `{column}`")]
    MissingColumn {
        /// The file name shown to the user.
        file: String,
        /// The configured column name.
        column: String,
    },
    /// A field is empty or invalid.
    #[error("{file} line {line} column {column}: {message}")]
    BadField {
        /// The file name shown to the user.
        file: String,
        /// The 1-based line number.
        line: u64,
        /// The 1-based column number.
        column: usize,
        /// What is wrong (never the field's content when it may be personal data).
        message: String,
    },
    /// Two rows have the same address after normalisation, and duplicates are rejected.
    #[error("{file} line {line}: duplicate address (same as line {first_line})")]
    DuplicateAddress {
        /// The file name shown to the user.
        file: String,
        /// The line of the duplicate.
        line: u64,
        /// The line where the address first appears.
        first_line: u64,
    },
    /// Two rows have the same id.
    #[error(
        "{file} line {line} column {column}: duplicate id `{id}` (first seen at line {first_line})"
    )]
    DuplicateId {
        /// The file name shown to the user.
        file: String,
        /// The line of the duplicate.
        line: u64,
        /// The 1-based column of the id.
        column: usize,
        /// The id.
        id: String,
        /// The line where the id first appears.
        first_line: u64,
    },
    /// The address list has no data rows.
    #[error("{file}: no addresses")]
    NoAddresses {
        /// The file name shown to the user.
        file: String,
    },
    /// More invitations are asked for than there are addresses in areas with a positive weight.
    #[error(
        "cannot draw {requested} invitations from {available} addresses (areas with weight 0 do not count)"
    )]
    TooManyInvitations {
        /// The number of invitations asked for.
        requested: usize,
        /// The number of addresses that can be drawn.
        available: usize,
    },
    /// An area weight names an area that is not in the address list.
    #[error("weight given for area `{area}`, which is not in the address list")]
    UnknownArea {
        /// The area name as given.
        area: String,
    },
    /// An area has two weights.
    #[error("two weights given for area `{area}`")]
    DuplicateWeight {
        /// The area name.
        area: String,
    },
    /// A weight is not a non-negative decimal number with at most three decimals, at most 1000.
    #[error("weight `{text}` is not a number from 0 to 1000 with at most three decimals")]
    BadWeight {
        /// The text given.
        text: String,
    },
    /// An invitation code has the wrong number of characters.
    #[error("an invitation code has 10 characters, this one has {found}")]
    CodeLength {
        /// The number of characters found (ignoring spaces and hyphens).
        found: usize,
    },
    /// An invitation code has a character outside the alphabet.
    #[error(
        "character {position} of the invitation code, `{character}`, is not a letter or digit of the code alphabet"
    )]
    CodeCharacter {
        /// The character found.
        character: char,
        /// Its 1-based position among the code's characters (spaces and hyphens not counted).
        position: usize,
    },
    /// An invitation code's check character does not match: one character is probably mistyped.
    #[error("the invitation code is not valid: please check each character")]
    CodeCheck,
    /// The text for a QR code is too long for the supported versions (1 to 10, level M).
    #[error("the QR code text has {bytes} bytes; at most {max} fit")]
    QrTooLong {
        /// The UTF-8 length of the text.
        bytes: usize,
        /// The maximum that fits.
        max: usize,
    },
    /// The registration base URL is empty or not http(s).
    #[error("the registration base URL must start with https:// or http://")]
    BadBaseUrl,
    /// The panel size for a quota proposal is zero.
    #[error("the panel size must be at least 1")]
    PanelSize,
    /// The tolerance of a quota proposal is out of range.
    #[error("the relative tolerance must be between 0 and 1")]
    BadTolerance,
    /// No features were given for a quota proposal.
    #[error("no features")]
    NoFeatures,
    /// A feature has no values.
    #[error("feature `{feature}` has no values")]
    NoValues {
        /// The feature name.
        feature: String,
    },
    /// A feature or value name is empty.
    #[error("feature `{feature}` has a value with an empty name")]
    EmptyName {
        /// The feature name (may be empty itself).
        feature: String,
    },
    /// A feature lists the same value twice.
    #[error("feature `{feature}` lists value `{value}` twice")]
    DuplicateValue {
        /// The feature name.
        feature: String,
        /// The value name.
        value: String,
    },
    /// Two features have the same name.
    #[error("feature `{feature}` is listed twice")]
    DuplicateFeature {
        /// The feature name.
        feature: String,
    },
    /// A population share is not a number in [0, 1].
    #[error("share of `{feature}` = `{value}` is {share}, not between 0 and 1")]
    ShareOutOfRange {
        /// The feature name.
        feature: String,
        /// The value name.
        value: String,
        /// The share given.
        share: f64,
    },
    /// The shares of a feature do not sum to 1 (within 0.5%).
    #[error("shares of feature `{feature}` sum to {sum:.4}, not 1 (within 0.005)")]
    SharesDoNotSumToOne {
        /// The feature name.
        feature: String,
        /// The sum of its shares.
        sum: f64,
    },
}
