//! The mail-merge CSV for the print shop: one row per invitation with the address, the code and
//! the registration URL, with every cell made safe against formula injection in spreadsheets.

use crate::RecruitmentError;
use crate::addresses::AddressList;
use crate::codes::InvitationCode;
use crate::draw::Draw;
use std::borrow::Cow;

/// Makes a cell safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return is prefixed with `'`, so that it is shown as text instead of run as a
/// formula. Other cells are unchanged.
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The registration URL of an invitation: `{base}/r/{code}` with the compact code
/// (`https://example.org/a/42/r/K7QM3XPD9A`); trailing slashes of `base` are dropped.
pub fn registration_url(base: &str, code: &InvitationCode) -> Result<String, RecruitmentError> {
    let base = base.trim().trim_end_matches('/');
    let scheme_ok = base.starts_with("https://") || base.starts_with("http://");
    if !scheme_ok
        || base.len() <= "https://".len()
        || base
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
    {
        return Err(RecruitmentError::BadBaseUrl);
    }
    Ok(format!("{base}/r/{}", code.compact()))
}

/// The mail-merge CSV: the header `id`, the address columns (as named in the list), `area`,
/// `code` (printed form, `K7QM-3XPD-9A`) and `url`; then one row per invitation in draw order.
pub fn mail_merge_csv(
    list: &AddressList,
    draw: &Draw,
    base_url: &str,
) -> Result<String, RecruitmentError> {
    let io = "writing CSV to memory cannot fail";
    let mut writer =
        csv::WriterBuilder::new().from_writer(Vec::with_capacity(draw.invitations().len() * 96));
    let mut header: Vec<String> = vec!["id".to_string()];
    header.extend(list.address_columns().iter().cloned());
    header.push("area".to_string());
    header.push("code".to_string());
    header.push("url".to_string());
    writer
        .write_record(header.iter().map(|cell| escape_cell(cell).into_owned()))
        .expect(io);
    for invitation in draw.invitations() {
        let address = &list.addresses()[invitation.address];
        let url = registration_url(base_url, &invitation.code)?;
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        row.push(escape_cell(address.id()).into_owned());
        row.extend(
            address
                .fields()
                .iter()
                .map(|field| escape_cell(field).into_owned()),
        );
        row.push(escape_cell(&list.areas()[address.area()]).into_owned());
        row.push(invitation.code.to_string());
        row.push(escape_cell(&url).into_owned());
        writer.write_record(&row).expect(io);
    }
    Ok(String::from_utf8(writer.into_inner().expect(io)).expect("CSV of UTF-8 fields is UTF-8"))
}
