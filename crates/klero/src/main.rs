//! `klero`: the one binary of Kleroterion.
//! It parses the command line and hands each subcommand to its module; no logic lives here.

mod opinion;
mod platform;
mod select;
mod verify;

use clap::{Parser, Subcommand};

/// Kleroterion: citizens' assemblies from the first invitation letter to the last implemented recommendation.
#[derive(Parser)]
#[command(name = "klero", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web platform.
    Serve(platform::ServeArgs),
    /// Manage platform administrators.
    Admin(platform::AdminArgs),
    /// Check the hash-chained audit log.
    Audit(platform::AuditArgs),
    /// Select a panel from a pool of respondents (stratified, fair, verifiable).
    Select(select::SelectArgs),
    /// Re-run a selection from its published inputs and seed and confirm the panel.
    Verify(verify::VerifyArgs),
    /// Map a public conversation's opinion groups and common ground from Pol.is-format votes.
    Opinion(opinion::OpinionArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => platform::serve(args),
        Command::Admin(args) => platform::admin(args),
        Command::Audit(args) => platform::audit(args),
        Command::Select(args) => select::select(args),
        Command::Verify(args) => verify::verify(args),
        Command::Opinion(args) => opinion::opinion(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
