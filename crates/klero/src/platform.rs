//! `klero serve`, `klero admin` and `klero audit`: the platform's commands.

use std::process::ExitCode;

/// Arguments of `klero serve`.
#[derive(clap::Args)]
pub struct ServeArgs {}

/// Arguments of `klero admin`.
#[derive(clap::Args)]
pub struct AdminArgs {}

/// Arguments of `klero audit`.
#[derive(clap::Args)]
pub struct AuditArgs {}

pub fn serve(_args: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("klero serve is not built yet")
}

pub fn admin(_args: AdminArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("klero admin is not built yet")
}

pub fn audit(_args: AuditArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("klero audit is not built yet")
}
