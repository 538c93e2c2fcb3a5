//! The mail-merge CSV: one row per invitation, registration URLs, and cells that a spreadsheet
//! would run as formulas made inert.

use crate::fixture_config;
use recruitment::addresses::parse_addresses;
use recruitment::codes::InvitationCode;
use recruitment::draw::{DrawConfig, draw};
use recruitment::merge::{escape_cell, mail_merge_csv, registration_url};

#[test]
fn cells_that_start_a_formula_are_prefixed() {
    for (cell, expect) in [
        (
            "=HYPERLINK(\"http://evil\")",
            "'=HYPERLINK(\"http://evil\")",
        ),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1 Rear Cottage", "'-1 Rear Cottage"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("12 High Street", "12 High Street"),
        ("", ""),
        ("a=b", "a=b"),
    ] {
        assert_eq!(escape_cell(cell), expect);
    }
}

#[test]
fn registration_urls_use_the_compact_code() {
    let code = InvitationCode::from_bits(1);
    assert_eq!(
        registration_url("https://klero.example/a/7/", &code).expect("url"),
        "https://klero.example/a/7/r/000000001T"
    );
    assert_eq!(
        registration_url("http://127.0.0.1:8080", &code).expect("url"),
        "http://127.0.0.1:8080/r/000000001T"
    );
    for bad in [
        "",
        "klero.example",
        "https://",
        "javascript:alert(1)",
        "https://bad host",
    ] {
        assert!(registration_url(bad, &code).is_err(), "{bad:?}");
    }
}

#[test]
fn the_mail_merge_has_one_safe_row_per_invitation() {
    let input = "id,street,town,area\n\
                 a1,=cmd|' /C calc'!A0,Northby,North\n\
                 a2,\"2 Mill Lane, Flat \"\"B\"\"\",Northby,North\n\
                 a3,@3 Mill Lane,+Town,-Area\n";
    let list = parse_addresses(input.as_bytes(), &fixture_config()).expect("parses");
    let result = draw(
        &list,
        &DrawConfig {
            seed: "merge".to_string(),
            invitations: 3,
            weights: Vec::new(),
        },
    )
    .expect("draws");
    let text = mail_merge_csv(&list, &result, "https://klero.example/a/7").expect("merges");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["id", "street", "town", "area", "code", "url"]
    );
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|record| record.expect("row").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    for (row, invitation) in rows.iter().zip(result.invitations()) {
        assert_eq!(row[4], invitation.code.to_string());
        assert_eq!(
            row[5],
            format!("https://klero.example/a/7/r/{}", invitation.code.compact())
        );
        assert_eq!(row[0], list.addresses()[invitation.address].id());
    }
    rows.sort();
    let addresses: Vec<&[String]> = rows.iter().map(|row| &row[..4]).collect();
    assert_eq!(
        addresses,
        [
            ["a1", "'=cmd|' /C calc'!A0", "Northby", "North"],
            ["a2", "2 Mill Lane, Flat \"B\"", "Northby", "North"],
            ["a3", "'@3 Mill Lane", "'+Town", "'-Area"],
        ]
    );
    for line in text.lines() {
        for cell in line.split(',') {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "unsafe cell {cell:?} in {line:?}"
            );
        }
    }
}
