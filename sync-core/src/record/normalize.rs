//! Text normalisation of a whole record: every string (prose, names, ids, dates, map keys) goes
//! through `crate::text::normalize` (NFC + Đ homoglyph folding).
//!
//! Every struct is destructured exhaustively, without `..`, so adding a field to the record model
//! breaks compilation here until the new field is handled.

use super::{
    AgendaItem, Attendance, BriefedDocument, Contribution, Criticism, Dues, FollowUp, Guest,
    MeetingRecord, MembershipAction, OrgPathEntry, Preparation, RosterCounts, RosterEntry,
    ScoreSheet, Task, Vote,
};
use crate::text::{is_normalized, normalize};
use std::collections::BTreeMap;

/// Every string of a value, implemented once per type by destructuring.
trait Strings {
    /// Normalises every string field, list item and map key of `self`; maps are rebuilt since
    /// their keys cannot be changed in place.
    fn normalize_strings(&mut self);
    /// The path (e.g. `attendance.m7.reason`) of the first string that is not normalised.
    fn first_unnormalized(&self, path: &str) -> Option<String>;
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

fn fix(s: &mut String) {
    if !is_normalized(s) {
        *s = normalize(s);
    }
}

impl<T: Strings> Strings for Vec<T> {
    fn normalize_strings(&mut self) {
        self.iter_mut().for_each(Strings::normalize_strings);
    }
    fn first_unnormalized(&self, path: &str) -> Option<String> {
        self.iter()
            .enumerate()
            .find_map(|(i, item)| item.first_unnormalized(&join(path, &i.to_string())))
    }
}

impl<T: Strings> Strings for Option<T> {
    fn normalize_strings(&mut self) {
        if let Some(value) = self {
            value.normalize_strings();
        }
    }
    fn first_unnormalized(&self, path: &str) -> Option<String> {
        self.as_ref()
            .and_then(|value| value.first_unnormalized(path))
    }
}

impl<V: Strings> Strings for BTreeMap<String, V> {
    fn normalize_strings(&mut self) {
        let old = std::mem::take(self);
        for (mut key, mut value) in old {
            fix(&mut key);
            value.normalize_strings();
            // Two keys that differ only in normal form collapse into one; the later (in the
            // original key order) wins, as it would in a JSON object with a repeated key.
            self.insert(key, value);
        }
    }
    fn first_unnormalized(&self, path: &str) -> Option<String> {
        self.iter().find_map(|(key, value)| {
            let here = join(path, key);
            if is_normalized(key) {
                value.first_unnormalized(&here)
            } else {
                Some(here)
            }
        })
    }
}

/// Map values without strings (`awarded` points).
impl Strings for f64 {
    fn normalize_strings(&mut self) {}
    fn first_unnormalized(&self, _path: &str) -> Option<String> {
        None
    }
}

/// Implements `Strings` for a struct by listing all its fields in declaration order, each
/// marked `s` (a string), `n` (nested: implements `Strings`) or `p` (plain: holds no text). The
/// pattern has no `..`, so a field missing from the list is a compile error.
macro_rules! strings_impl {
    ($ty:ident { $($kind:ident $field:ident),* $(,)? }) => {
        impl Strings for $ty {
            fn normalize_strings(&mut self) {
                let $ty { $($field),* } = self;
                $(normalize_field!($kind $field);)*
            }
            fn first_unnormalized(&self, path: &str) -> Option<String> {
                let $ty { $($field),* } = self;
                let _ = path; // unused by structs without text
                $(first_in_field!($kind $field path);)*
                None
            }
        }
    };
}

macro_rules! normalize_field {
    (s $f:ident) => {
        fix($f)
    };
    (n $f:ident) => {
        $f.normalize_strings()
    };
    (p $f:ident) => {
        let _ = $f;
    };
}

macro_rules! first_in_field {
    (s $f:ident $path:ident) => {
        if !is_normalized($f) {
            return Some(join($path, &camel(stringify!($f))));
        }
    };
    (n $f:ident $path:ident) => {
        if let Some(found) = $f.first_unnormalized(&join($path, &camel(stringify!($f)))) {
            return Some(found);
        }
    };
    (p $f:ident $path:ident) => {
        let _ = $f;
    };
}

/// The document (camelCase) name of a snake_case field, for problem paths.
fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

strings_impl!(MeetingRecord {
    p schema_version, s meeting_id, s cell_id, s cell_name, n org_path_snapshot, s period,
    p meeting_type, s topic, s scheduled_date, s started_at, s ended_at, s location,
    s chair_member_id, p chair_role, s recorder_member_id, n guests, n roster, n roster_counts,
    n attendance, n preparation, n agenda, n documents_briefed, s last_month_review, n follow_ups,
    s ideology_situation, s difficulties, n contributions, n criticism, s resolution, n tasks,
    n votes, n membership_actions, n dues, n self_score, n superior_score,
    p minutes_adopted_in_meeting, p status, s return_reason,
});
strings_impl!(OrgPathEntry { s unit_id, s name });
strings_impl!(Guest { s id, s name, s position, s org, p is_superior_delegate });
strings_impl!(RosterEntry { s full_name, p category });
strings_impl!(RosterCounts {
    p tong, p chinh_thuc, p du_bi, p sinh_hoat_tam_thoi, p mien_sinh_hoat, p dang_vien_dac_biet,
});
strings_impl!(Attendance { p status, s reason, p late_min });
strings_impl!(Preparation {
    s prepared_by_member_id, s chi_uy_meeting_date, p draft_resolution, s notice_sent_at,
    s materials_posted_at, p posted_on_stdvdt,
});
strings_impl!(AgendaItem { s id, s title, p part, p done });
strings_impl!(BriefedDocument { s id, s number, s type_code, s issuer, s date, s summary });
strings_impl!(FollowUp { s id, s item, s source_meeting_id, s source_task_id, p status, s note });
strings_impl!(Contribution { s id, s member_id, s item_ref, s summary });
strings_impl!(Criticism { s id, s member_id, p kind, s note });
strings_impl!(Task { s id, s assignee_member_id, s task, s due });
strings_impl!(Vote { s id, s subject, p in_favour, p against, p abstain, p method });
strings_impl!(MembershipAction { s id, s kind, s member_id, s person_name, s note });
strings_impl!(Dues { p collected_count, p amount_vnd });
strings_impl!(ScoreSheet {
    s rubric_id, n awarded, s scored_by, p voted_by_members, s confirmed_at, s comment,
});

impl MeetingRecord {
    /// Normalises every string of the record and its children (prose, names, ids, dates and the
    /// member-id keys of `roster`, `attendance` and the score sheets' `awarded`) with
    /// `crate::text::normalize`. Map keys that become equal collapse into one entry.
    pub fn normalize_text(&mut self) {
        self.normalize_strings();
    }

    /// True when every string of the record is already normalised.
    pub fn is_text_normalized(&self) -> bool {
        self.first_unnormalized_text().is_none()
    }

    /// The path of the first string that is not normalised, in declaration order, e.g.
    /// `attendance.m7.reason`, `contributions.2.summary` or `roster.<key>` for a key.
    pub fn first_unnormalized_text(&self) -> Option<String> {
        self.first_unnormalized("")
    }
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn field_names_become_document_names() {
        assert_eq!(camel("recorder_member_id"), "recorderMemberId");
        assert_eq!(camel("id"), "id");
    }
}
