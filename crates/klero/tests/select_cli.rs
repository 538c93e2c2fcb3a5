//! CLI tests of `klero select` and `klero verify`: the real binary, run in a fresh directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../selection/tests/data");

/// A fresh working directory per test.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path =
            std::env::temp_dir().join(format!("klero-select-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Dir(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        std::fs::write(self.path(name), text).unwrap();
        self.path(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn klero(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_klero"))
            .current_dir(&self.0)
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn data(path: &str) -> String {
    Path::new(DATA).join(path).to_string_lossy().into_owned()
}

fn small_args() -> Vec<String> {
    [
        "--people",
        &data("example_small_20/people.csv"),
        "--features",
        &data("example_small_20/features.csv"),
        "--panel-size",
        "20",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run(dir: &Dir, command: &str, base: &[String], extra: &[&str]) -> Output {
    let mut args: Vec<&str> = vec![command];
    args.extend(base.iter().map(String::as_str));
    args.extend_from_slice(extra);
    dir.klero(&args)
}

#[test]
fn select_writes_every_output_and_verify_confirms_the_panel() {
    let dir = Dir::new("outputs");
    let base = small_args();
    let output = run(
        &dir,
        "select",
        &base,
        &[
            "--seed",
            "2026-11-21 lottery: 4 8 15 16 23 42",
            "--selected",
            "selected.csv",
            "--remaining",
            "remaining.csv",
            "--probabilities",
            "probabilities.csv",
            "--report",
            "report.md",
            "--distribution",
            "distribution.csv",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let commitment = stdout
        .lines()
        .find_map(|l| l.strip_prefix("commitment: "))
        .unwrap()
        .to_string();
    assert_eq!(commitment.len(), 64);

    let selected = dir.read("selected.csv");
    assert_eq!(selected.lines().next(), Some("id,gender,leaning"));
    assert_eq!(selected.lines().count(), 21);
    assert_eq!(dir.read("remaining.csv").lines().count(), 181);
    let probabilities = dir.read("probabilities.csv");
    assert_eq!(probabilities.lines().next(), Some("id,probability"));
    assert_eq!(probabilities.lines().count(), 201);
    for line in probabilities.lines().skip(1) {
        let p: f64 = line.split(',').nth(1).unwrap().parse().unwrap();
        assert!((p - 0.1).abs() < 1e-6, "{line}");
    }
    let report = dir.read("report.md");
    assert!(
        report.contains("## Quotas") && report.contains("## Selection probabilities"),
        "{report}"
    );
    assert!(report.contains(&commitment));
    assert!(
        report.contains("| gender | female | 100 | 9 | 20 |"),
        "{report}"
    );
    // Two features without households: the relaxation's LEXIMIN is reached by panels, and the
    // report says so.
    assert!(
        report.contains(
            "- **LEXIMIN computed**: in one step: panels reach the LEXIMIN of the LP relaxation"
        ),
        "{report}"
    );

    let verify = run(
        &dir,
        "verify",
        &base,
        &[
            "--seed",
            "2026-11-21 lottery: 4 8 15 16 23 42",
            "--selected",
            "selected.csv",
        ],
    );
    assert!(
        verify.status.success(),
        "{}{}",
        text(&verify.stdout),
        text(&verify.stderr)
    );
    assert!(text(&verify.stdout).contains("OK"));
    let replay = run(
        &dir,
        "verify",
        &base,
        &[
            "--seed",
            "2026-11-21 lottery: 4 8 15 16 23 42",
            "--selected",
            "selected.csv",
            "--distribution",
            "distribution.csv",
        ],
    );
    assert!(
        replay.status.success(),
        "{}{}",
        text(&replay.stdout),
        text(&replay.stderr)
    );
}

#[test]
fn verify_names_the_difference_on_a_tampered_panel() {
    let dir = Dir::new("tampered");
    let base = small_args();
    let output = run(
        &dir,
        "select",
        &base,
        &["--seed", "s", "--selected", "selected.csv"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let selected = dir.read("selected.csv");
    let ids: Vec<&str> = selected
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let outsider = (0..200)
        .map(|i| format!("p{i}"))
        .find(|id| !ids.contains(&id.as_str()))
        .unwrap();
    let removed = ids[3].to_string();
    let tampered = selected.replacen(&format!("\n{removed},"), &format!("\n{outsider},"), 1);
    dir.write("tampered.csv", &tampered);
    let verify = run(
        &dir,
        "verify",
        &base,
        &["--seed", "s", "--selected", "tampered.csv"],
    );
    assert!(!verify.status.success());
    let stdout = text(&verify.stdout);
    assert!(stdout.contains("MISMATCH"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "missing from the file (selected by the draw): {removed}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "extra in the file (not selected by the draw): {outsider}"
        )),
        "{stdout}"
    );
    // A different seed does not reproduce the published panel either.
    let other_seed = run(
        &dir,
        "verify",
        &base,
        &["--seed", "t", "--selected", "selected.csv"],
    );
    assert!(!other_seed.status.success());
}

#[test]
fn csv_errors_name_the_file_line_and_column() {
    let dir = Dir::new("csv-errors");
    dir.write(
        "features.csv",
        "feature,value,min,max\ngender,f,1,2\ngender,m,1,2\n",
    );
    dir.write("people.csv", "id,gender\na,f\nb,x\nc,m\n");
    let output = dir.klero(&[
        "select",
        "--people",
        "people.csv",
        "--features",
        "features.csv",
        "--panel-size",
        "2",
        "--selected",
        "out.csv",
    ]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("unknown value `x` for feature `gender` at people.csv line 3 column 2"),
        "{stderr}"
    );
    assert!(!dir.path("out.csv").exists(), "no partial output");

    dir.write("bad.csv", "feature,value,min,max\ngender,f,3,1\n");
    let output = dir.klero(&[
        "select",
        "--people",
        "people.csv",
        "--features",
        "bad.csv",
        "--panel-size",
        "2",
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("bad.csv line 2"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn infeasible_quotas_report_the_smallest_relaxation() {
    let dir = Dir::new("infeasible");
    dir.write(
        "features.csv",
        "feature,value,min,max\ngender,f,1,1\ngender,m,3,3\nage,young,4,4\nage,old,0,4\n",
    );
    dir.write(
        "people.csv",
        "id,gender,age\na,f,old\nb,f,old\nc,m,young\nd,m,young\ne,m,young\nf,m,young\n",
    );
    let output = dir.klero(&[
        "select",
        "--people",
        "people.csv",
        "--features",
        "features.csv",
        "--panel-size",
        "4",
        "--seed",
        "x",
    ]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("age=young: minimum 4 -> 3"), "{stderr}");
}

#[test]
fn transparent_lottery_and_replacements_round_trip_through_verify() {
    let dir = Dir::new("lottery");
    let base: Vec<String> = [
        "--people",
        &data("sf_fixture_22/candidates.csv"),
        "--features",
        &data("sf_fixture_22/features.csv"),
        "--panel-size",
        "22",
        "--id-column",
        "nationbuilder_id",
        "--household-columns",
        "primary_address1,primary_zip",
        "--lottery-panels",
        "200",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = run(
        &dir,
        "select",
        &base,
        &[
            "--seed",
            "draw",
            "--selected",
            "selected.csv",
            "--report",
            "report.html",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("lottery: 200 numbered panels, drew number"),
        "{stdout}"
    );
    assert!(dir.read("report.html").contains("<h2>Quotas</h2>"));
    let verify = run(
        &dir,
        "verify",
        &base,
        &["--seed", "draw", "--selected", "selected.csv"],
    );
    assert!(verify.status.success(), "{}", text(&verify.stdout));

    // Two people drop out: keep the other 20 and select 2 replacements.
    let selected = dir.read("selected.csv");
    let kept: Vec<&str> = selected
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .take(20)
        .collect();
    dir.write(
        "kept.csv",
        &format!("nationbuilder_id\n{}\n", kept.join("\n")),
    );
    let replacement_base: Vec<String> = base[..base.len() - 2]
        .iter()
        .cloned()
        .chain(["--already-selected".to_string(), "kept.csv".to_string()])
        .collect();
    let output = run(
        &dir,
        "select",
        &replacement_base,
        &[
            "--seed",
            "again",
            "--selected",
            "new.csv",
            "--probabilities",
            "p.csv",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let new = dir.read("new.csv");
    assert_eq!(new.lines().count(), 23);
    for id in &kept {
        assert!(
            new.lines().any(|l| l.starts_with(&format!("{id},"))),
            "{id} kept"
        );
    }
    let probabilities = dir.read("p.csv");
    for id in &kept {
        assert!(
            probabilities.contains(&format!("\n{id},1.0\n")),
            "{id} has probability 1"
        );
    }
}

#[test]
fn commitment_only_writes_the_distribution_that_its_commitment_covers_and_draws_nothing() {
    let dir = Dir::new("commitment");
    let base = small_args();
    let first = run(
        &dir,
        "select",
        &base,
        &[
            "--commitment-only",
            "--distribution",
            "committed.csv",
            "--selected",
            "selected.csv",
        ],
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(!dir.path("selected.csv").exists());
    let committed = dir.read("committed.csv");
    assert!(committed.starts_with("kind,panel,probability,seats,members\n"));
    // The draw later computes the same distribution, so the commitment printed before the seed is the draw's.
    let second = run(
        &dir,
        "select",
        &base,
        &["--seed", "x", "--distribution", "drawn.csv"],
    );
    assert!(second.status.success(), "{}", text(&second.stderr));
    let line = |o: &Output| {
        text(&o.stdout)
            .lines()
            .find(|l| l.starts_with("commitment: "))
            .unwrap()
            .to_string()
    };
    assert_eq!(line(&first), line(&second));
    assert_eq!(committed, dir.read("drawn.csv"));
    let digest = text(&first.stdout);
    assert!(digest.contains("distribution: "), "{digest}");
    let other = run(
        &dir,
        "select",
        &base,
        &[
            "--commitment-only",
            "--algorithm",
            "maximin",
            "--distribution",
            "maximin.csv",
        ],
    );
    assert!(other.status.success(), "{}", text(&other.stderr));
    assert_ne!(line(&first), line(&other));
    // Without a file to publish the distribution in, there is nothing to commit to.
    let without = run(&dir, "select", &base, &["--commitment-only"]);
    assert!(!without.status.success());
    assert!(text(&without.stderr).contains("--distribution"));
}

#[test]
fn the_legacy_method_cannot_be_committed_but_still_runs_for_tests() {
    let dir = Dir::new("legacy-commit");
    let base = small_args();
    let refused = run(
        &dir,
        "select",
        &base,
        &[
            "--commitment-only",
            "--algorithm",
            "legacy",
            "--distribution",
            "d.csv",
        ],
    );
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("legacy algorithm cannot be committed"),
        "{stderr}"
    );
    assert!(!dir.path("d.csv").exists());
    let test_run = run(
        &dir,
        "select",
        &base,
        &["--algorithm", "legacy", "--seed", "t"],
    );
    assert!(test_run.status.success(), "{}", text(&test_run.stderr));
}

#[test]
fn a_broken_distribution_file_is_an_error_not_a_crash() {
    let dir = Dir::new("broken-distribution");
    let base = small_args();
    let output = run(
        &dir,
        "select",
        &base,
        &[
            "--seed",
            "s",
            "--selected",
            "selected.csv",
            "--distribution",
            "d.csv",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    dir.write("empty.csv", "kind,panel,probability,seats,members\n");
    let verify = run(
        &dir,
        "verify",
        &base,
        &[
            "--seed",
            "s",
            "--selected",
            "selected.csv",
            "--distribution",
            "empty.csv",
        ],
    );
    assert!(!verify.status.success());
    assert!(
        text(&verify.stderr).contains("empty.csv: no panels"),
        "{}",
        text(&verify.stderr)
    );
    dir.write(
        "seats.csv",
        "kind,panel,probability,seats,members\npanel,0,1,5,p0 p1\n",
    );
    let verify = run(
        &dir,
        "verify",
        &base,
        &[
            "--seed",
            "s",
            "--selected",
            "selected.csv",
            "--distribution",
            "seats.csv",
        ],
    );
    assert!(!verify.status.success());
    assert!(
        text(&verify.stderr).contains("seats.csv line 2"),
        "{}",
        text(&verify.stderr)
    );
}
