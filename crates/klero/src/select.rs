//! `klero select` and `klero verify`: file handling around the pure `selection` engine.

use std::process::ExitCode;

/// Arguments of `klero select`.
#[derive(clap::Args)]
pub struct SelectArgs {}

/// Arguments of `klero verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {}

pub fn select(_args: SelectArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("klero select is not built yet")
}

pub fn verify(_args: VerifyArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("klero verify is not built yet")
}
