//! Address-list parsing: typed rows grouped by area, errors with line and column, duplicates.

use crate::{FIXTURE, fixture, fixture_config, synthetic_config};
use recruitment::addresses::{AddressColumns, DroppedDuplicate, Duplicates, parse_addresses};

/// Parses `input` with the fixture's configuration (and `duplicates`) and compares either the
/// error message or a one-line summary (areas with sizes, then the dropped rows).
#[track_caller]
fn check(input: &str, duplicates: Duplicates, expect: &str) {
    let config = recruitment::addresses::AddressConfig {
        duplicates,
        ..fixture_config()
    };
    let got = match parse_addresses(input.as_bytes(), &config) {
        Ok(list) => {
            let sizes: Vec<String> = list
                .areas()
                .iter()
                .enumerate()
                .map(|(index, area)| {
                    format!(
                        "{area}:{}",
                        list.addresses()
                            .iter()
                            .filter(|address| address.area() == index)
                            .count()
                    )
                })
                .collect();
            let dropped: Vec<String> = list
                .dropped()
                .iter()
                .map(|drop| format!("{}<-{}", drop.line, drop.first_line))
                .collect();
            format!("areas {} dropped [{}]", sizes.join(" "), dropped.join(" "))
        }
        Err(error) => error.to_string(),
    };
    assert_eq!(got, expect, "input:\n{input}");
}

#[test]
fn the_fixture_parses_into_sorted_areas_with_trimmed_fields() {
    let list = fixture();
    assert_eq!(list.areas(), ["East", "North", "South"]);
    assert_eq!(list.address_columns(), ["street", "town"]);
    assert_eq!(list.addresses().len(), 13);
    let first = &list.addresses()[0];
    assert_eq!(
        (first.id(), first.line(), first.fields(), first.area()),
        (
            "a1",
            2,
            &["1 Mill Lane".to_string(), "Northby".to_string()][..],
            1
        )
    );
    check(
        FIXTURE,
        Duplicates::Reject,
        "areas East:4 North:6 South:3 dropped []",
    );
}

#[test]
fn errors_name_the_file_line_and_column() {
    let header = "id,street,town,area\n";
    let cases = [
        (
            "a1,1 Mill Lane,Northby,North\na2,2 Mill Lane,Northby,  \n",
            "addresses.csv line 3 column 4: empty area",
        ),
        (
            "a1,,,North\n",
            "addresses.csv line 2 column 2: empty address",
        ),
        (
            ",1 Mill Lane,Northby,North\n",
            "addresses.csv line 2 column 1: empty id",
        ),
        (
            "a1,1 Mill Lane,Northby\n",
            "addresses.csv line 2 column 4: 3 fields, the header has 4",
        ),
        (
            "a1,1 Mill Lane,Northby,North\na1,2 Mill Lane,Northby,North\n",
            "addresses.csv line 3 column 1: duplicate id `a1` (first seen at line 2)",
        ),
        // A quoted field spanning two lines moves the following line numbers on.
        (
            "a1,\"Flat 1\n1 Mill Lane\",Northby,North\na2,2 Mill Lane,Northby,\n",
            "addresses.csv line 4 column 4: empty area",
        ),
        // Blank lines and CRLF line ends still count as lines.
        (
            "a1,1 Mill Lane,Northby,North\r\n\r\n\na2,2 Mill Lane,Northby,\r\n",
            "addresses.csv line 5 column 4: empty area",
        ),
        (
            "a1,\"1 Mill Lane,Northby,North\n",
            "addresses.csv line 2 column 3: 2 fields, the header has 4",
        ),
    ];
    for (rows, expect) in cases {
        check(&format!("{header}{rows}"), Duplicates::Reject, expect);
    }
    check(
        "id,street,town\n",
        Duplicates::Reject,
        "addresses.csv: missing column `area`",
    );
    check(header, Duplicates::Reject, "addresses.csv: no addresses");
    let bad_utf8 = [header.as_bytes(), b"a1,1 Mill Lane,North\xffby,North\n"].concat();
    let error = parse_addresses(&bad_utf8, &fixture_config()).expect_err("bad UTF-8 is refused");
    assert_eq!(error.to_string(), "addresses.csv line 2: not valid UTF-8");
}

#[test]
fn an_error_deep_in_a_large_file_names_its_line() {
    let mut text = recruitment::synthetic::address_csv(6000, 12, "large");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let broken = lines[5022]
        .rsplit_once(',')
        .expect("five columns")
        .0
        .to_string();
    lines[5022] = format!("{broken},");
    text = lines.join("\n");
    let error =
        parse_addresses(text.as_bytes(), &synthetic_config()).expect_err("line 5023 has no area");
    assert_eq!(
        error.to_string(),
        "addresses.csv line 5023 column 5: empty area"
    );
}

#[test]
fn duplicate_addresses_are_found_after_normalisation_and_rejected_or_dropped() {
    let input = "id,street,town,area\n\
                 a1,1 Mill Lane,Northby,North\n\
                 a2,2 Mill Lane,Northby,North\n\
                 a3,  1   MILL lane ,northby,North\n\
                 a4,1 Mill Lane Northby,,South\n\
                 a5,1 Mill Lane,Northby West,North\n";
    check(
        input,
        Duplicates::Reject,
        "addresses.csv line 4: duplicate address (same as line 2)",
    );
    check(
        input,
        Duplicates::KeepFirst,
        "areas North:3 dropped [4<-2 5<-2]",
    );
    let config = recruitment::addresses::AddressConfig {
        duplicates: Duplicates::KeepFirst,
        ..fixture_config()
    };
    let list = parse_addresses(input.as_bytes(), &config).expect("duplicates are dropped");
    assert_eq!(
        list.dropped(),
        [
            DroppedDuplicate {
                line: 4,
                first_line: 2
            },
            DroppedDuplicate {
                line: 5,
                first_line: 2
            }
        ]
    );
    let ids: Vec<&str> = list
        .addresses()
        .iter()
        .map(|address| address.id())
        .collect();
    assert_eq!(ids, ["a1", "a2", "a5"]);
}

#[test]
fn without_an_id_column_rows_are_numbered_and_column_names_ignore_case() {
    let config = recruitment::addresses::AddressConfig {
        columns: AddressColumns {
            id: None,
            address: vec!["Street".to_string()],
            area: "WARD".to_string(),
        },
        ..fixture_config()
    };
    let input = "\u{feff}street , ward\n1 Mill Lane,North\n\n2 Mill Lane,South\n";
    let list = parse_addresses(input.as_bytes(), &config).expect("parses");
    let ids: Vec<(&str, u64)> = list
        .addresses()
        .iter()
        .map(|address| (address.id(), address.line()))
        .collect();
    assert_eq!(ids, [("1", 2), ("2", 4)]);
    assert_eq!(list.address_columns(), ["street"]);
}

#[test]
fn the_digest_commits_to_ids_areas_and_addresses() {
    let list = fixture();
    // Computed with Python's hashlib from the byte string described in docs/invitations.md.
    assert_eq!(
        list.digest(),
        "b96eaafa8c023c55f0d7222003ee2c3629e8ec38a19aff094d038ccfc6b7bcd4"
    );
    let changed = FIXTURE.replace("c4,4 Hill Road,Easton,East", "c4,4 Hill Road,Easton,North");
    let other = parse_addresses(changed.as_bytes(), &fixture_config()).expect("parses");
    assert_ne!(list.digest(), other.digest());
    let debug = format!("{:?}", list.addresses()[0]);
    assert!(
        !debug.contains("Mill"),
        "Debug must not show the address: {debug}"
    );
}
