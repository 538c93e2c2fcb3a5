//! The outsider's check of a draw: `tests/verifier/verify_draw.py` (Python, standard library only, written from
//! `docs/selection.md` and printed there in full) recomputes the version 2 commitment from the published files made
//! by `klero select` and replays the draw, for a transparent lottery (also with a number drawn in public, `number:N`)
//! and for the plain distribution; a distribution swapped after the commitment fails it and fails `klero verify`.
//! The script is printed verbatim in `docs/selection.md`, and a test keeps the two identical.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// A fresh working directory per test.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path =
            std::env::temp_dir().join(format!("klero-outsider-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Dir(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn run(&self, program: &str, args: &[String]) -> Output {
        Command::new(program)
            .current_dir(&self.0)
            .args(args)
            .output()
            .unwrap_or_else(|error| {
                panic!("cannot run {program} ({error}): this test needs it on the PATH")
            })
    }

    fn klero(&self, args: &[String]) -> Output {
        self.run(env!("CARGO_BIN_EXE_klero"), args)
    }

    fn python(&self, args: &[String]) -> Output {
        let script = Path::new(ROOT).join("tests/verifier/verify_draw.py");
        let mut all = vec![script.to_string_lossy().into_owned()];
        all.extend_from_slice(args);
        self.run("python3", &all)
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

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn with(base: &[String], extra: &[&str]) -> Vec<String> {
    base.iter().cloned().chain(strings(extra)).collect()
}

/// `klero <subcommand> <base> <extra>`.
fn command(subcommand: &str, base: &[String], extra: &[&str]) -> Vec<String> {
    std::iter::once(subcommand.to_string())
        .chain(with(base, extra))
        .collect()
}

/// Quotas written the way people write them: the rows of a feature apart, names and values in another case and
/// with spaces, so the verifier must follow the documented grouping, matching and spelling rules.
const FEATURES: &str = "feature,value,min,max\n\
Gender , Female,3,3\n\
Age,young,2,4\n\
gender,MALE,3,3\n\
AGE,Old,2,4\n";

/// 24 people, values in other cases than the quotas', a column that is no input, and a household column whose
/// contents count untrimmed (`12 Rue A` and ` 12 Rue A` are two households; `r01` and `r02` share one).
fn people() -> String {
    let mut out = String::from("id, GENDER ,age,note,home\n");
    for i in 1..=24 {
        let gender = if i % 2 == 0 { " female" } else { "Male " };
        let age = if i % 3 == 0 { "OLD" } else { "Young" };
        let home = match i {
            1 | 2 => "12 Rue A",
            3 => " 12 Rue A",
            _ => "",
        };
        out.push_str(&format!("r{i:02},{gender},{age},note {i},{home}\n"));
    }
    out
}

fn base(lottery: Option<&str>) -> Vec<String> {
    let mut args = strings(&[
        "--people",
        "people.csv",
        "--features",
        "features.csv",
        "--panel-size",
        "6",
        "--household-columns",
        "home",
    ]);
    if let Some(m) = lottery {
        args.extend(strings(&["--lottery-panels", m]));
    }
    args
}

fn commitment(output: &Output) -> String {
    let stdout = text(&output.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("commitment: "))
        .unwrap_or_else(|| panic!("no commitment in {stdout}"))
        .to_string()
}

/// Writes the quotas and the pool into `dir`, computes the distribution before the seed (`distribution.csv`) and
/// returns the commitment that covers it.
fn commit_before_the_seed(dir: &Dir, base: &[String]) -> String {
    dir.write("features.csv", FEATURES);
    dir.write("people.csv", &people());
    let committed = dir.klero(&command(
        "select",
        base,
        &["--commitment-only", "--distribution", "distribution.csv"],
    ));
    assert!(committed.status.success(), "{}", text(&committed.stderr));
    commitment(&committed)
}

/// Commits, draws, and checks the draw as an outsider and with `klero verify`; then a distribution swapped for
/// `tamper(distribution)` (quota-valid, so only the commitment can tell) fails both.
fn outsider_checks_the_draw(name: &str, lottery: Option<&str>, tamper: fn(&str) -> String) {
    let dir = Dir::new(name);
    let base = base(lottery);
    let seed = "beacon round 4711";

    // Before the seed: the distribution and the commitment that covers it.
    let published = commit_before_the_seed(&dir, &base);

    // The draw.
    let drawn = dir.klero(&command(
        "select",
        &base,
        &["--seed", seed, "--selected", "selected.csv"],
    ));
    assert!(drawn.status.success(), "{}", text(&drawn.stderr));
    assert_eq!(commitment(&drawn), published);

    // The outsider: the commitment recomputed, the distribution checked against the quotas, the draw replayed.
    let outsider_args = |distribution: &str| {
        with(
            &base,
            &[
                "--distribution",
                distribution,
                "--commitment",
                &published,
                "--seed",
                seed,
                "--selected",
                "selected.csv",
            ],
        )
    };
    let outsider = dir.python(&outsider_args("distribution.csv"));
    let stdout = text(&outsider.stdout);
    assert!(
        outsider.status.success(),
        "{stdout}{}",
        text(&outsider.stderr)
    );
    assert!(
        stdout.contains(&format!("commitment: {published}")),
        "{stdout}"
    );
    assert!(stdout.contains("OK: "), "{stdout}");
    assert_eq!(
        stdout.contains("lottery: the seed draws numbered panel"),
        lottery.is_some(),
        "{stdout}"
    );
    let verify_args = |distribution: &str| command("verify", &outsider_args(distribution), &[]);
    let verified = dir.klero(&verify_args("distribution.csv"));
    assert!(
        verified.status.success(),
        "{}{}",
        text(&verified.stdout),
        text(&verified.stderr)
    );

    // Another quota-valid distribution put in its place after the seed: the commitment no longer matches.
    let tampered = tamper(&dir.read("distribution.csv"));
    assert_ne!(tampered, dir.read("distribution.csv"));
    dir.write("tampered.csv", &tampered);
    let outsider = dir.python(&outsider_args("tampered.csv"));
    let stdout = text(&outsider.stdout);
    assert_eq!(
        outsider.status.code(),
        Some(1),
        "{stdout}{}",
        text(&outsider.stderr)
    );
    assert!(
        stdout.contains("MISMATCH: the published commitment is not the one"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("the distribution is not one the quotas allow"),
        "the tampered distribution should be quota-valid: {stdout}"
    );
    let verified = dir.klero(&verify_args("tampered.csv"));
    let stdout = text(&verified.stdout);
    assert!(!verified.status.success(), "{stdout}");
    assert!(
        stdout.contains("MISMATCH: the published commitment"),
        "{stdout}"
    );
}

/// Keeps the first panel only, with probability 1: a quota-valid distribution that fixes the panel in advance.
fn keep_first_panel(distribution: &str) -> String {
    let mut out = String::new();
    for line in distribution.lines() {
        let fields: Vec<&str> = line.splitn(5, ',').collect();
        match fields[0] {
            "panel" if fields[1] == "0" => {
                out.push_str(&format!("panel,0,1,{},{}\n", fields[3], fields[4]));
            }
            "panel" => {}
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

/// Makes every numbered panel a copy of the first: still quota-valid, but the seed can no longer change the panel.
fn copy_first_numbered_panel(distribution: &str) -> String {
    let first = distribution
        .lines()
        .find(|l| l.starts_with("lottery,0,"))
        .expect("a numbered panel")
        .splitn(5, ',')
        .nth(4)
        .unwrap()
        .to_string();
    let mut out = String::new();
    for line in distribution.lines() {
        let fields: Vec<&str> = line.splitn(5, ',').collect();
        if fields[0] == "lottery" {
            out.push_str(&format!("lottery,{},,{},{first}\n", fields[1], fields[3]));
        } else {
            out.push_str(&format!("{line}\n"));
        }
    }
    out
}

#[test]
fn an_outsider_recomputes_the_commitment_and_replays_a_transparent_lottery() {
    outsider_checks_the_draw("lottery", Some("50"), copy_first_numbered_panel);
}

#[test]
fn an_outsider_recomputes_the_commitment_and_replays_the_plain_distribution() {
    outsider_checks_the_draw("plain", None, keep_first_panel);
}

/// The pool and quotas of these tests as the engine reads them (as `klero verify` does).
fn instance() -> selection::model::Instance {
    let features = selection::model::parse_features("features.csv", FEATURES, 6).unwrap();
    let table = selection::model::parse_people(
        "people.csv",
        &people(),
        &features,
        "id",
        &["home".to_string()],
    )
    .unwrap();
    selection::model::Instance::new(features, table.people, 6, Vec::new()).unwrap()
}

/// The ids on the `panel: ` line of the outsider's output, and the numbered panel it names on its `lottery:` line.
fn replayed(stdout: &str) -> (BTreeSet<String>, u64) {
    let panel = stdout
        .lines()
        .find_map(|line| line.strip_prefix("panel: "))
        .unwrap_or_else(|| panic!("no panel in {stdout}"))
        .split(' ')
        .map(str::to_owned)
        .collect();
    let number = stdout
        .lines()
        .find_map(|line| line.strip_prefix("lottery: the seed draws numbered panel "))
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no lottery line in {stdout}"))
        .parse()
        .unwrap();
    (panel, number)
}

/// A number drawn physically in public (`number:N`, docs/selection.md, step 3): the outsider's script replays it as
/// `klero verify` does. With N below the number of numbered panels it names panel N of the distribution published
/// before the seed, and no stream is read; `number:017` (a leading zero) and `number:50` (no such panel) are
/// ordinary seeds, which both replay through the stream to the panel the engine draws.
#[test]
fn an_outsider_replays_a_number_drawn_in_public_as_klero_verify_does() {
    let dir = Dir::new("number");
    let base = base(Some("50"));
    let published = commit_before_the_seed(&dir, &base);
    let distribution_csv = dir.read("distribution.csv");
    let instance = instance();
    let distribution =
        selection::published::parse_distribution("distribution.csv", &distribution_csv, &instance)
            .unwrap();
    let numbered: Vec<BTreeSet<String>> = distribution_csv
        .lines()
        .filter(|line| line.starts_with("lottery,"))
        .map(|line| {
            let ids = line.rsplit(',').next().unwrap();
            ids.split(' ').map(str::to_owned).collect()
        })
        .collect();
    assert_eq!(numbered.len(), 50);

    for seed in ["number:17", "number:017", "number:50"] {
        let selected = format!("selected-{}.csv", seed.replace(':', "-"));
        let drawn = dir.klero(&command(
            "select",
            &base,
            &["--seed", seed, "--selected", &selected],
        ));
        assert!(drawn.status.success(), "{seed}: {}", text(&drawn.stderr));
        assert_eq!(commitment(&drawn), published);
        let checked = with(
            &base,
            &[
                "--distribution",
                "distribution.csv",
                "--commitment",
                &published,
                "--seed",
                seed,
                "--selected",
                &selected,
            ],
        );
        let outsider = dir.python(&checked);
        let stdout = text(&outsider.stdout);
        assert!(
            outsider.status.success() && stdout.contains("and the seed draws the published panel"),
            "{seed}: {stdout}{}",
            text(&outsider.stderr)
        );
        let (panel, number) = replayed(&stdout);
        let (engine_panel, engine_number) = selection::draw(&instance, &distribution, seed);
        assert_eq!(Some(number), engine_number, "{seed}: {stdout}");
        let engine_ids: BTreeSet<String> = engine_panel
            .iter()
            .map(|&person| instance.people[person].id.clone())
            .collect();
        assert_eq!(panel, engine_ids, "{seed}");
        assert_eq!(panel, numbered[number as usize], "{seed}: a numbered panel");
        if seed == "number:17" {
            assert_eq!(number, 17, "the number drawn in public names its panel");
        }
        let verified = dir.klero(&command("verify", &checked, &[]));
        assert!(
            verified.status.success(),
            "{seed}: {}{}",
            text(&verified.stdout),
            text(&verified.stderr)
        );
    }
    // The rule the script and the engine share: a leading zero makes an ordinary seed.
    assert_eq!(
        selection::public_number("number:017"),
        None,
        "a leading zero makes an ordinary seed"
    );
}

#[test]
fn a_run_committed_with_version_1_still_verifies() {
    let dir = Dir::new("v1");
    dir.write("features.csv", FEATURES);
    dir.write("people.csv", &people());
    let base = base(None);
    let drawn = dir.klero(&command(
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
    ));
    assert!(drawn.status.success(), "{}", text(&drawn.stderr));
    let instance = instance();
    let settings = selection::Settings {
        algorithm: selection::Algorithm::Leximin,
        lottery_panels: None,
    };
    let v1 = selection::sample::commitment(&instance, &settings);
    assert_ne!(v1, commitment(&drawn));
    let verify = |published: &str| {
        dir.klero(&command(
            "verify",
            &base,
            &[
                "--seed",
                "s",
                "--selected",
                "selected.csv",
                "--distribution",
                "d.csv",
                "--commitment",
                published,
            ],
        ))
    };
    let old = verify(&v1);
    let stdout = text(&old.stdout);
    assert!(old.status.success(), "{stdout}");
    assert!(stdout.contains("version 1"), "{stdout}");
    let wrong = verify(&"0".repeat(64));
    assert!(!wrong.status.success());
}

#[test]
fn the_reference_implementation_in_the_docs_is_the_tested_script() {
    let script =
        std::fs::read_to_string(Path::new(ROOT).join("tests/verifier/verify_draw.py")).unwrap();
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/selection.md")).unwrap();
    let block = doc
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```\n").next())
        .expect("a python block in docs/selection.md");
    assert_eq!(
        block, script,
        "docs/selection.md's reference implementation must be tests/verifier/verify_draw.py verbatim"
    );
}
