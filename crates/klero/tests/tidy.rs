//! Tidy checks over the whole source tree, run as part of `cargo test`:
//! every Rust file starts with a `//!` doc comment saying its role, and no test is switched off.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == "node_modules" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    assert!(
        files.len() > 5,
        "tidy found only {} Rust files: wrong root?",
        files.len()
    );
    files
}

#[test]
fn every_rust_file_starts_with_a_module_doc_comment() {
    let mut missing = Vec::new();
    for file in all_rust_files() {
        let text = std::fs::read_to_string(&file).expect("readable source");
        let first = text
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("");
        if !first.starts_with("//!") {
            missing.push(file.display().to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "these files do not start with a `//!` comment saying their role:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_test_is_ignored_and_no_stub_is_left() {
    let ignore = ["#[", "ignore"].concat();
    let todo = ["todo", "!("].concat();
    let unimplemented = ["unimplemented", "!("].concat();
    let mut found = Vec::new();
    for file in all_rust_files() {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            if line.contains(&ignore) || line.contains(&todo) || line.contains(&unimplemented) {
                found.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "switched-off tests or stubs:\n{}",
        found.join("\n")
    );
}
