//! Tidy checks over the whole source tree, run as part of `cargo test`: every Rust file starts with a `//!` doc
//! comment saying its role, no test is switched off, no import circle among the modules of `web` and `app`, no
//! source file over 800 lines (but the message catalogues, tests, and files ARCHITECTURE.md names with a reason),
//! and only `app::audit` appends to the audit log.

use std::collections::{BTreeMap, BTreeSet};
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

/// The top-level module of `file` within the crate source folder `src` (`lib.rs`/`main.rs` are the root, "").
fn top_module(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("file under src");
    let first = relative
        .components()
        .next()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_owned();
    if name == "lib" || name == "main" {
        String::new()
    } else {
        name
    }
}

/// The text of a source file without its unit tests (a `#[cfg(test)] mod tests` may import anything).
fn without_unit_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// The top-level modules that `text` refers to through `crate::name` paths or `use crate::{name, ..}` groups.
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let identifier = |rest: &str| -> String {
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name = identifier(item.trim());
                if !name.is_empty() {
                    names.insert(name);
                }
            }
        } else {
            let name = identifier(rest);
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

/// Import edges between the top-level modules of a crate's `src`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = top_module(src, file);
        if !module.is_empty() {
            graph.entry(module).or_default();
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for file in &files {
        let module = top_module(src, file);
        if module.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable source");
        let used: Vec<String> = crate_references(without_unit_tests(&text))
            .into_iter()
            .filter(|name| *name != module && modules.contains(name))
            .collect();
        graph.entry(module).or_default().extend(used);
    }
    graph
}

/// The circles of a graph: its strongly connected components of more than one module (Tarjan's algorithm).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a str) {
        let next = walk.index.len();
        walk.index.insert(node, next);
        walk.low.insert(node, next);
        walk.stack.push(node);
        walk.on_stack.insert(node);
        let graph = walk.graph;
        for target in graph.get(node).into_iter().flatten() {
            let target = target.as_str();
            if !walk.index.contains_key(target) {
                visit(walk, target);
                let low = walk.low[node].min(walk.low[target]);
                walk.low.insert(node, low);
            } else if walk.on_stack.contains(target) {
                let low = walk.low[node].min(walk.index[target]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let mut component = Vec::new();
            while let Some(member) = walk.stack.pop() {
                walk.on_stack.remove(member);
                component.push(member.to_owned());
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                walk.found.push(component);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            visit(&mut walk, node);
        }
    }
    walk.found
}

#[test]
fn the_circle_finder_finds_planted_circles_and_nothing_else() {
    let graph = |edges: &[(&str, &str)]| {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            graph
                .entry((*from).into())
                .or_default()
                .insert((*to).into());
            graph.entry((*to).into()).or_default();
        }
        graph
    };
    assert!(circles(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
    assert_eq!(
        circles(&graph(&[
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("c", "d"),
            ("d", "e"),
            ("e", "d")
        ])),
        vec![
            vec!["d".to_owned(), "e".to_owned()],
            vec!["a".into(), "b".into(), "c".into()]
        ]
    );
    let text =
        "use crate::error::AppError;\nuse crate::{auth::Viewer, views};\nlet x = crate::now();";
    assert_eq!(
        crate_references(text).into_iter().collect::<Vec<_>>(),
        ["auth", "error", "now", "views"]
    );
}

#[test]
fn no_import_circle_among_the_modules_of_web_and_app() {
    let root = workspace_root();
    let mut found = Vec::new();
    for krate in ["web", "app"] {
        let src = root.join("crates").join(krate).join("src");
        let graph = module_graph(&src);
        assert!(
            graph.len() > 2,
            "{krate} has only {} modules: wrong folder?",
            graph.len()
        );
        for circle in circles(&graph) {
            found.push(format!(
                "{krate}: circle of {}: {}",
                circle.len(),
                circle.join(" ")
            ));
        }
    }
    assert!(
        found.is_empty(),
        "modules that import each other in a circle (a layer calls back up; move the shared piece down):\n{}",
        found.join("\n")
    );
}

#[test]
fn only_app_audit_appends_to_the_audit_log() {
    let root = workspace_root();
    let allowed = [
        root.join("crates/store/src/audit.rs"),
        root.join("crates/app/src/audit.rs"),
    ];
    let needle = ["audit::", "append("].concat();
    let mut found = Vec::new();
    for file in all_rust_files() {
        let in_tests = file.components().any(|part| part.as_os_str() == "tests");
        if in_tests || allowed.contains(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in without_unit_tests(&text).lines().enumerate() {
            if line.contains(&needle) {
                found.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "every write is audited through app::audit::audited (or app::audit::viewed for a read of personal data), \
         never by appending to the log directly:\n{}",
        found.join("\n")
    );
}

/// The files ARCHITECTURE.md allows over 800 lines: the backquoted paths in the bullet list under its
/// "Long files" heading, each with its reason.
fn allowed_long_files(root: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let Some(section) = text.split("\n## Long files").nth(1) else {
        return Vec::new();
    };
    let section = section.split("\n## ").next().unwrap_or("");
    section
        .lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|rest| rest.split('`').next())
        .map(|path| root.join(path))
        .collect()
}

#[test]
fn no_source_file_is_over_800_lines_unless_architecture_says_why() {
    let root = workspace_root();
    let allowed = allowed_long_files(&root);
    let mut found = Vec::new();
    for file in all_rust_files() {
        let relative = file.strip_prefix(&root).expect("under the root");
        let catalogue = relative.starts_with("crates/web/src/i18n");
        let test = relative
            .components()
            .any(|part| part.as_os_str() == "tests");
        if catalogue || test || allowed.contains(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let lines = without_unit_tests(&text).lines().count();
        if lines > 800 {
            found.push(format!("{}: {lines} lines", relative.display()));
        }
    }
    assert!(
        found.is_empty(),
        "source files over 800 lines (without their unit tests): split them, or list them with a reason under \
         \"Long files\" in ARCHITECTURE.md:\n{}",
        found.join("\n")
    );
}
