//! Facts derived from a record (never stored): head counts, attendance rate, duration, speakers.

use super::{AttendanceStatus, MeetingRecord};

/// Attendance figures over the right denominator (HD 12-HD/BTCTW): exempt members and members on
/// special duty are not expected.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AttendanceSummary {
    /// Members expected to attend.
    pub expected: u32,
    pub present: u32,
    pub absent_excused: u32,
    pub absent_unexcused: u32,
}

impl AttendanceSummary {
    /// Present over expected, 0.0 ..= 1.0; 0.0 when nobody was expected.
    pub fn rate(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            f64::from(self.present) / f64::from(self.expected)
        }
    }
}

impl MeetingRecord {
    /// Attendance over the roster snapshot. A member expected to attend with no attendance entry
    /// counts as absent without reason: the minutes must account for everyone.
    pub fn attendance_summary(&self) -> AttendanceSummary {
        let mut s = AttendanceSummary::default();
        for (member_id, entry) in &self.roster {
            if !entry.category.expected_to_attend() {
                continue;
            }
            let status = self.attendance.get(member_id).map(|a| a.status);
            if status == Some(AttendanceStatus::Mien) {
                continue;
            }
            s.expected += 1;
            match status {
                Some(AttendanceStatus::CoMat) => s.present += 1,
                Some(AttendanceStatus::VangCoLyDo) => s.absent_excused += 1,
                Some(AttendanceStatus::VangKhongLyDo) | None => s.absent_unexcused += 1,
                Some(AttendanceStatus::Mien) => {}
            }
        }
        s
    }

    /// Duration in minutes from `started_at` to `ended_at`, when both parse and end ≥ start.
    pub fn duration_minutes(&self) -> Option<u32> {
        let start = crate::text::parse_local_datetime(&self.started_at)?;
        let end = crate::text::parse_local_datetime(&self.ended_at)?;
        end.checked_sub(start).and_then(|m| u32::try_from(m).ok())
    }

    /// Distinct roster members present who spoke (contributions by guests do not count).
    pub fn speaker_count(&self) -> u32 {
        let mut speakers: Vec<&str> = self
            .contributions
            .iter()
            .map(|c| c.member_id.as_str())
            .filter(|id| {
                self.attendance
                    .get(*id)
                    .is_some_and(|a| a.status == AttendanceStatus::CoMat)
            })
            .collect();
        speakers.sort_unstable();
        speakers.dedup();
        u32::try_from(speakers.len()).unwrap_or(u32::MAX)
    }

    /// The date part `YYYY-MM-DD` of `started_at`, if any.
    pub fn held_on(&self) -> Option<&str> {
        self.started_at.get(..10).filter(|d| d.len() == 10)
    }
}
