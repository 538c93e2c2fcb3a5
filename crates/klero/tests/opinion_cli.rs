//! CLI tests of `klero opinion`: the real binary on a small generated conversation, in a fresh
//! directory.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A fresh working directory per test.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path =
            std::env::temp_dir().join(format!("klero-opinion-cli-{}-{name}", std::process::id()));
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

/// Two planted groups of 30 participants on 12 statements: group 0 agrees with statements 0-5
/// and disagrees with 6-10, group 1 the opposite; everyone agrees with statement 11; statement 12
/// is moderated out. A deterministic pattern of passes and gaps keeps it from being trivial.
fn fixture(dir: &Dir) {
    let mut votes = String::from("timestamp,datetime,comment-id,voter-id,vote\n");
    let mut time = 1_000_000u64;
    for participant in 0..60u64 {
        let group = participant / 30;
        for statement in 0..13u64 {
            if (participant + statement) % 7 == 0 {
                continue; // not seen
            }
            let vote = if statement == 11 {
                1
            } else if (participant * 3 + statement) % 11 == 0 {
                0
            } else if (statement < 6) == (group == 0) {
                1
            } else {
                -1
            };
            time += 1;
            writeln!(votes, "{time},x,{statement},{participant},{vote}").unwrap();
        }
    }
    dir.write("votes.csv", &votes);
    let mut comments = String::from(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n",
    );
    for statement in 0..13u64 {
        let moderated = if statement == 12 { -1 } else { 1 };
        writeln!(
            comments,
            "1,x,{statement},0,0,0,{moderated},\"Statement number {statement} <b>&</b>\""
        )
        .unwrap();
    }
    dir.write("comments.csv", &comments);
}

#[test]
fn opinion_writes_the_json_result_with_groups_consensus_and_timing() {
    let dir = Dir::new("json");
    fixture(&dir);
    let output = dir.klero(&[
        "opinion",
        "--votes",
        "votes.csv",
        "--comments",
        "comments.csv",
        "--format",
        "json",
        "--output",
        "result.json",
    ]);
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_str(&dir.read("result.json")).unwrap();
    let participants = result["participants"].as_array().unwrap();
    assert_eq!(participants.len(), 60);
    let groups = result["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["size"], 30);
    assert_eq!(groups[1]["size"], 30);
    // Everyone in one planted group shares a found group.
    let group_of = |p: u64| participants[p as usize]["group"].as_u64().unwrap();
    assert!((0..30).all(|p| group_of(p) == group_of(0)));
    assert!((30..60).all(|p| group_of(p) == group_of(30)));
    assert_ne!(group_of(0), group_of(30));
    assert!(participants[0]["x"].is_f64() && participants[0]["y"].is_f64());
    let representative = groups[0]["representative"].as_array().unwrap();
    assert!(!representative.is_empty());
    assert!(["agree", "disagree"].contains(&representative[0]["direction"].as_str().unwrap()));
    assert!(representative[0]["probability"].as_f64().unwrap() > 0.5);
    // Statement 11 is agreed by all: consensus and top of the group-informed consensus.
    assert_eq!(result["consensus"]["agree"][0], 11);
    assert_eq!(result["group_informed_consensus"][0]["statement"], 11);
    // The moderated-out statement is in no list.
    let text = result.to_string();
    assert!(
        !result["consensus"]["agree"]
            .as_array()
            .unwrap()
            .contains(&12.into())
    );
    assert!(result["timing_ms"].as_f64().unwrap() >= 0.0);
    assert!(text.contains("\"moderated-out\""));
}

#[test]
fn opinion_writes_an_accessible_self_contained_html_report() {
    let dir = Dir::new("html");
    fixture(&dir);
    let output = dir.klero(&[
        "opinion",
        "--votes",
        "votes.csv",
        "--comments",
        "comments.csv",
        "--format",
        "html",
        "--output",
        "report.html",
        "--progress",
    ]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("principal components"));
    let html = dir.read("report.html");
    assert!(html.contains("<svg") && html.contains("role=\"img\""));
    assert!(html.contains("<title id=\"map-title\">Opinion map: 2 groups</title>"));
    assert!(html.contains("<desc id=\"map-desc\">Opinion map of 60 participants"));
    assert!(html.contains("drawn as circles") && html.contains("drawn as squares"));
    assert!(html.contains("Group A · 30") && html.contains("Group B · 30"));
    // Statement text is shown, escaped.
    assert!(html.contains("Statement number 11 &lt;b&gt;&amp;&lt;/b&gt;"));
    assert!(!html.contains("<b>&</b>"));
    // Self-contained: nothing is loaded from elsewhere.
    assert!(!html.contains("src=") && !html.contains("<link"));
}

#[test]
fn opinion_refuses_a_malformed_votes_file_with_line_and_column() {
    let dir = Dir::new("malformed");
    dir.write(
        "votes.csv",
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,2,yes\n",
    );
    let output = dir.klero(&["opinion", "--votes", "votes.csv", "--output", "out.json"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("votes.csv: line 3 column 5: vote `yes` is not 1, -1 or 0"),
        "{stderr}"
    );
    assert!(!dir.path("out.json").exists());
}
