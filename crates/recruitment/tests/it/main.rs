//! Integration tests of the `recruitment` crate: one test binary with one module per feature.
//!
//! `addresses` (CSV parsing and its errors), `draw` (allocation and the seeded draw, with golden
//! values computed by an independent Python re-implementation of `docs/invitations.md`), `codes`,
//! `qr` (known data from the standard and a round trip through an independent reader in
//! `qr_reader`), `merge` (the mail-merge CSV) and `quotas`.

mod addresses;
mod codes;
mod draw;
mod merge;
mod print;
mod qr;
mod qr_reader;
mod quotas;

use recruitment::addresses::{
    AddressColumns, AddressConfig, AddressList, Duplicates, parse_addresses,
};

/// The small address list used by several tests: three areas of 6, 3 and 4 addresses.
pub const FIXTURE: &str = "\
id,street,town,area
a1,1 Mill Lane,Northby,North
a2,2 Mill Lane,Northby,North
a3,3 Mill Lane,Northby,North
a4,4 Mill Lane,Northby,North
a5,5 Mill Lane,Northby,North
a6,6 Mill Lane,Northby,North
b1,1 Quay Street,Southport,South
b2,2 Quay Street,Southport,South
b3,3 Quay Street,Southport,South
c1,1 Hill Road,Easton,East
c2,2 Hill Road,Easton,East
c3,3 Hill Road,Easton,East
c4,4 Hill Road,Easton,East
";

/// The configuration for [`FIXTURE`]: columns `id`, `street` + `town`, `area`.
pub fn fixture_config() -> AddressConfig {
    AddressConfig {
        file: "addresses.csv".to_string(),
        columns: AddressColumns {
            id: Some("id".to_string()),
            address: vec!["street".to_string(), "town".to_string()],
            area: "area".to_string(),
        },
        duplicates: Duplicates::Reject,
    }
}

/// The configuration for `recruitment::synthetic::address_csv`.
pub fn synthetic_config() -> AddressConfig {
    AddressConfig {
        columns: AddressColumns {
            id: Some("id".to_string()),
            address: vec![
                "street".to_string(),
                "town".to_string(),
                "postcode".to_string(),
            ],
            area: "area".to_string(),
        },
        ..fixture_config()
    }
}

/// Parses [`FIXTURE`].
pub fn fixture() -> AddressList {
    parse_addresses(FIXTURE.as_bytes(), &fixture_config()).expect("the fixture parses")
}
