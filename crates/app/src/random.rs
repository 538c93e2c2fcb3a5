//! Random bytes from the operating system, for codes and tokens.

use crate::{Error, Result};

/// `N` random bytes.
pub fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buffer = [0u8; N];
    getrandom::fill(&mut buffer)
        .map_err(|error| Error::internal(format!("random source: {error}")))?;
    Ok(buffer)
}
