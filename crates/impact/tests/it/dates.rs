//! The `Date` type: parsing, formatting, leap years and day arithmetic, checked against a naive
//! day-by-day calendar walk.

use impact::{Date, ImpactError, is_leap_year};

#[track_caller]
fn date(text: &str) -> Date {
    Date::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

#[test]
fn dates_read_and_write_as_yyyy_mm_dd_and_count_days_from_1970() {
    assert_eq!(date("1970-01-01").days_since_epoch(), 0);
    assert_eq!(date("1969-12-31").days_since_epoch(), -1);
    assert_eq!(date("2000-03-01").days_since_epoch(), 11_017);
    assert_eq!(date("2020-06-21").days_since_epoch(), 18_434);
    assert_eq!(date("0001-01-01").days_since_epoch(), -719_162);
    assert_eq!(date("9999-12-31").days_since_epoch(), 2_932_896);
    assert_eq!(date("2020-06-21").to_string(), "2020-06-21");
    assert_eq!(
        "0042-07-04".parse::<Date>().unwrap().to_string(),
        "0042-07-04"
    );
    assert_eq!(date("2020-06-21").ymd(), (2020, 6, 21));
}

#[test]
fn leap_days_exist_only_in_leap_years() {
    for (year, leap) in [
        (2000, true),
        (1900, false),
        (2024, true),
        (2023, false),
        (2100, false),
        (2400, true),
        (1600, true),
    ] {
        assert_eq!(is_leap_year(year), leap, "{year}");
        assert_eq!(
            Date::parse(&format!("{year}-02-29")).is_ok(),
            leap,
            "{year}-02-29"
        );
    }
    assert_eq!(date("2024-02-28").add_days(1).unwrap(), date("2024-02-29"));
    assert_eq!(date("2024-02-28").add_days(2).unwrap(), date("2024-03-01"));
    assert_eq!(date("2023-02-28").add_days(1).unwrap(), date("2023-03-01"));
    assert_eq!(date("2020-01-01").days_until(date("2021-01-01")), 366);
    assert_eq!(date("2021-01-01").days_until(date("2022-01-01")), 365);
    assert_eq!(date("1900-01-01").days_until(date("2000-01-01")), 36_524);
    assert_eq!(date("2000-01-01").days_until(date("2100-01-01")), 36_525);
}

#[test]
fn malformed_or_impossible_dates_are_refused_with_the_text() {
    for text in [
        "2020-6-1",
        "20200601",
        "2020-13-01",
        "2020-00-10",
        "2020-04-31",
        "2020-01-00",
        "+020-01-01",
        " 2020-01-01",
        "2020-01-01 ",
        "0000-01-01",
        "2020/01/01",
        "２０２０-01-01",
        "",
    ] {
        assert_eq!(
            Date::parse(text),
            Err(ImpactError::InvalidDate {
                text: text.to_owned()
            }),
            "{text:?}"
        );
    }
    assert_eq!(
        date("9999-12-31").add_days(1),
        Err(ImpactError::DateOutOfRange)
    );
    assert_eq!(
        date("0001-01-01").add_days(-1),
        Err(ImpactError::DateOutOfRange)
    );
    assert_eq!(
        date("2000-01-01").add_days(i32::MAX),
        Err(ImpactError::DateOutOfRange)
    );
}

#[test]
fn every_day_from_1600_to_2400_follows_the_previous_one_on_the_calendar() {
    // An independent reference: walk the calendar one day at a time with the month lengths.
    let month_length = |year: i32, month: u32| match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let (mut year, mut month, mut day) = (1600, 1, 1);
    let mut current = date("1600-01-01");
    while year <= 2400 {
        assert_eq!(current.ymd(), (year, month, day));
        assert_eq!(Date::from_ymd(year, month, day).unwrap(), current);
        assert_eq!(Date::parse(&current.to_string()).unwrap(), current);
        let next = current.add_days(1).unwrap();
        assert_eq!(next.days_since_epoch(), current.days_since_epoch() + 1);
        day += 1;
        if day > month_length(year, month) {
            day = 1;
            month += 1;
            if month > 12 {
                month = 1;
                year += 1;
            }
        }
        current = next;
    }
}
