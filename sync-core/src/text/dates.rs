//! Dates and local times as the minutes write them. Times are local to Asia/Ho_Chi_Minh (UTC+7,
//! no daylight saving), stored as `YYYY-MM-DDTHH:MM`; dates as `YYYY-MM-DD` and printed
//! `dd/MM/yyyy`.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD` into (year, month, day), checking the calendar.
pub fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (number(y)?, number(m)?, number(d)?);
    ((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d)).then_some((y, m, d))
}

/// Parses a local time `YYYY-MM-DDTHH:MM` into minutes since 1970-01-01T00:00 local time.
/// Only differences of these values are meaningful.
pub fn parse_local_datetime(s: &str) -> Option<i64> {
    let (date, time) = s.split_once('T')?;
    let (y, m, d) = parse_date(date)?;
    let (h, min) = time.split_once(':')?;
    if h.len() != 2 || min.len() != 2 {
        return None;
    }
    let (h, min): (i64, i64) = (number(h)?, number(min)?);
    if h > 23 || min > 59 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 1440 + h * 60 + min)
}

/// Formats `YYYY-MM-DD` as `dd/MM/yyyy`; `None` if the input is not a valid date.
pub fn format_date_vi(iso: &str) -> Option<String> {
    let (y, m, d) = parse_date(iso)?;
    Some(format!("{d:02}/{m:02}/{y:04}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_from_eight_to_half_past_nine_lasts_ninety_minutes() {
        let start = parse_local_datetime("2025-11-03T08:00").unwrap();
        let end = parse_local_datetime("2025-11-03T09:30").unwrap();
        assert_eq!(end - start, 90);
    }

    #[test]
    fn durations_cross_midnight_and_month_ends() {
        let start = parse_local_datetime("2024-02-29T23:30").unwrap();
        let end = parse_local_datetime("2024-03-01T01:00").unwrap();
        assert_eq!(end - start, 90);
    }

    #[test]
    fn impossible_dates_and_times_are_rejected() {
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-1-03",
            "25-11-03",
            "2025-11-3x",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        for bad in [
            "2025-11-03T24:00",
            "2025-11-03T08:60",
            "2025-11-03 08:00",
            "2025-11-03T8:00",
        ] {
            assert_eq!(parse_local_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_print_day_first_with_slashes() {
        assert_eq!(format_date_vi("2025-11-03").as_deref(), Some("03/11/2025"));
        assert_eq!(format_date_vi("not a date"), None);
    }
}
