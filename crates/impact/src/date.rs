//! A calendar date without a time zone: a count of days since 1970-01-01, read and written as
//! `YYYY-MM-DD` (proleptic Gregorian calendar, years 1 to 9999).
//!
//! Deadlines and responses are whole days, so this is all the scorecard needs and keeps the crate
//! free of a date-time dependency.

use crate::ImpactError;

/// A calendar date (years 1 to 9999), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days_since_epoch: i32,
}

/// Days from 0001-01-01 to 1970-01-01 and from 1970-01-01 to 9999-12-31: the valid range.
const MIN_DAYS: i32 = -719_162;
const MAX_DAYS: i32 = 2_932_896;

impl Date {
    /// The date with the given year, month (1–12) and day (1–28/29/30/31).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, ImpactError> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(ImpactError::InvalidDate {
                text: format!("{year:04}-{month:02}-{day:02}"),
            });
        }
        Ok(Date {
            days_since_epoch: days_from_civil(year, month, day),
        })
    }

    /// Reads a date written exactly as `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, ImpactError> {
        let invalid = || ImpactError::InvalidDate {
            text: text.to_owned(),
        };
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(invalid());
        }
        let digits = |range: std::ops::Range<usize>| -> Result<u32, ImpactError> {
            let part = &text[range];
            if part.bytes().all(|byte| byte.is_ascii_digit()) {
                part.parse().map_err(|_| invalid())
            } else {
                Err(invalid())
            }
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        Date::from_ymd(year as i32, month, day).map_err(|_| invalid())
    }

    /// The date that many days after 1970-01-01 (negative: before).
    pub fn from_days_since_epoch(days: i32) -> Result<Date, ImpactError> {
        if (MIN_DAYS..=MAX_DAYS).contains(&days) {
            Ok(Date {
                days_since_epoch: days,
            })
        } else {
            Err(ImpactError::DateOutOfRange)
        }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i32 {
        self.days_since_epoch
    }

    /// The year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days_since_epoch)
    }

    /// The date `days` later (earlier if negative), or an error outside years 1 to 9999.
    pub fn add_days(self, days: i32) -> Result<Date, ImpactError> {
        Date::from_days_since_epoch(
            self.days_since_epoch
                .checked_add(days)
                .ok_or(ImpactError::DateOutOfRange)?,
        )
    }

    /// The number of days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i32 {
        later.days_since_epoch - self.days_since_epoch
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (year, month, day) = self.ymd();
        write!(formatter, "{year:04}-{month:02}-{day:02}")
    }
}

impl std::str::FromStr for Date {
    type Err = ImpactError;

    fn from_str(text: &str) -> Result<Date, ImpactError> {
        Date::parse(text)
    }
}

/// Whether `year` is a leap year of the Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// The two conversions below count in 400-year eras of 146 097 days starting on 1 March, so that
// the leap day falls at the end of the counted year (the well-known "civil" algorithm).

fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year as i32;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i32::from(month <= 2);
    (year, month, day)
}
