//! Calendar dates of unix times, as stored facts show them.

/// `YYYY-MM-DD` of a unix time, in UTC (empty if out of range).
pub fn utc_date(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .map(|at| format!("{:04}-{:02}-{:02}", at.year(), at.month() as u8, at.day()))
        .unwrap_or_default()
}
