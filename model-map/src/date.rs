//! The one calendar: a civil day (proleptic Gregorian, UTC), written `YYYY-MM-DD`.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A calendar day, as days since 1970-01-01; orders like the days it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// `YYYY-MM-DD` with four, two and two digits, refusing days that do not exist (`2027-02-30`).
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |r: std::ops::Range<usize>| {
            let digits = text.get(r)?;
            digits
                .bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| digits.parse::<u32>().ok())?
        };
        Self::from_ymd(i64::from(number(0..4)?), number(5..7)?, number(8..10)?)
    }

    /// The day `year-month-day`, if it exists.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then(|| Self::from_civil(year, month, day))
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self(i64::try_from(secs / 86_400).unwrap_or(i64::MAX))
    }

    /// The day `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        Self(days)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.0 - self.0
    }

    /// Days from 1970-01-01 (Howard Hinnant's `days_from_civil`).
    fn from_civil(year: i64, month: u32, day: u32) -> Self {
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = i64::from((month + 9) % 12);
        let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Self(era * 146_097 + doe - 719_468)
    }

    /// `(year, month, day)` (Howard Hinnant's `civil_from_days`).
    fn civil(self) -> (i64, i64, i64) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        (yoe + era * 400 + i64::from(month <= 2), month, day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.civil();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a date: write YYYY-MM-DD (a day that exists)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a valid date")
    }

    #[test]
    fn days_count_across_months_leap_years_and_the_epoch() {
        assert_eq!(date("1970-01-01"), Date(0));
        assert_eq!(Date::from_days(20_789), date("2026-12-02"));
        assert_eq!(Date::from_days(11_016), date("2000-02-29"));
        assert_eq!(date("2000-03-01").days_until(date("2000-02-28")), -2);
        assert_eq!(date("2026-12-02").days_until(date("2027-01-22")), 51);
        assert_eq!(date("2028-02-28").days_until(date("2028-03-01")), 2);
    }

    #[test]
    fn only_days_that_exist_written_with_digits_parse() {
        for bad in [
            "2027-02-29",
            "2027-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-2-1",
            "27-01-01",
            "+202-01-01",
            "2026-01-1a",
            "soon",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("1900-02-29").is_none());
    }

    #[test]
    fn every_day_of_four_centuries_round_trips_through_its_text() {
        // 1900-01-01 to 2299-12-31: every leap rule (4, 100, 400) and month length.
        let first = date("1900-01-01");
        let last = date("2299-12-31");
        let mut day = first;
        let mut previous: Option<Date> = None;
        while day <= last {
            let text = day.to_string();
            assert_eq!(Date::parse(&text), Some(day), "{text}");
            if let Some(p) = previous {
                assert_eq!(p.days_until(day), 1);
            }
            previous = Some(day);
            day = Date(day.0 + 1);
        }
        assert_eq!(first.days_until(last), 146_097 - 1);
    }
}
