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
    if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") }
}

fn fix(s: &mut String) {
    if !is_normalized(s) {
        *s = normalize(s);
    }
}

/// Checks `(name, value)` pairs of string fields in order.
fn first_bad(path: &str, fields: &[(&str, &String)]) -> Option<String> {
    fields.iter().find(|(_, v)| !is_normalized(v)).map(|(name, _)| join(path, name))
}

impl<T: Strings> Strings for Vec<T> {
    fn normalize_strings(&mut self) {
        self.iter_mut().for_each(Strings::normalize_strings);
    }
    fn first_unnormalized(&self, path: &str) -> Option<String> {
        self.iter().enumerate().find_map(|(i, item)| item.first_unnormalized(&join(path, &i.to_string())))
    }
}

impl<T: Strings> Strings for Option<T> {
    fn normalize_strings(&mut self) {
        if let Some(value) = self {
            value.normalize_strings();
        }
    }
    fn first_unnormalized(&self, path: &str) -> Option<String> {
        self.as_ref().and_then(|value| value.first_unnormalized(path))
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
            if is_normalized(key) { value.first_unnormalized(&here) } else { Some(here) }
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

/// Implements `Strings` for a struct by listing all its fields: `str` fields are strings,
/// `nested` fields implement `Strings`, `plain` fields hold no text. The pattern has no `..`, so
/// a field missing from the lists is a compile error.
macro_rules! strings_impl {
    ($ty:ident { str: [$($s:ident),*], nested: [$($n:ident),*], plain: [$($p:ident),*] }) => {
        impl Strings for $ty {
            fn normalize_strings(&mut self) {
                let $ty { $($s,)* $($n,)* $($p: _,)* } = self;
                $(fix($s);)*
                $($n.normalize_strings();)*
            }
            fn first_unnormalized(&self, path: &str) -> Option<String> {
                let $ty { $($s,)* $($n,)* $($p: _,)* } = self;
                first_bad(path, &[$((camel(stringify!($s)).as_str(), $s)),*])
                    $(.or_else(|| $n.first_unnormalized(&join(path, &camel(stringify!($n))))))*
            }
        }
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
    str: [meeting_id, cell_id, cell_name, period, topic, scheduled_date, started_at, ended_at,
        location, chair_member_id, recorder_member_id, last_month_review, ideology_situation,
        difficulties, resolution, return_reason],
    nested: [org_path_snapshot, guests, roster, roster_counts, attendance, preparation, agenda,
        documents_briefed, follow_ups, contributions, criticism, tasks, votes, membership_actions,
        dues, self_score, superior_score],
    plain: [schema_version, meeting_type, chair_role, minutes_adopted_in_meeting, status]
});
strings_impl!(OrgPathEntry { str: [unit_id, name], nested: [], plain: [] });
strings_impl!(Guest { str: [id, name, position, org], nested: [], plain: [is_superior_delegate] });
strings_impl!(RosterEntry { str: [full_name], nested: [], plain: [category] });
strings_impl!(RosterCounts {
    str: [],
    nested: [],
    plain: [tong, chinh_thuc, du_bi, sinh_hoat_tam_thoi, mien_sinh_hoat, dang_vien_dac_biet]
});
strings_impl!(Attendance { str: [reason], nested: [], plain: [status, late_min] });
strings_impl!(Preparation {
    str: [prepared_by_member_id, chi_uy_meeting_date, notice_sent_at, materials_posted_at],
    nested: [],
    plain: [draft_resolution, posted_on_stdvdt]
});
strings_impl!(AgendaItem { str: [id, title], nested: [], plain: [part, done] });
strings_impl!(BriefedDocument {
    str: [id, number, type_code, issuer, date, summary],
    nested: [],
    plain: []
});
strings_impl!(FollowUp {
    str: [id, item, source_meeting_id, source_task_id, note],
    nested: [],
    plain: [status]
});
strings_impl!(Contribution { str: [id, member_id, item_ref, summary], nested: [], plain: [] });
strings_impl!(Criticism { str: [id, member_id, note], nested: [], plain: [kind] });
strings_impl!(Task { str: [id, assignee_member_id, task, due], nested: [], plain: [] });
strings_impl!(Vote { str: [id, subject], nested: [], plain: [in_favour, against, abstain, method] });
strings_impl!(MembershipAction {
    str: [id, kind, member_id, person_name, note],
    nested: [],
    plain: []
});
strings_impl!(Dues { str: [], nested: [], plain: [collected_count, amount_vnd] });
strings_impl!(ScoreSheet {
    str: [rubric_id, scored_by, confirmed_at, comment],
    nested: [awarded],
    plain: [voted_by_members]
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

    /// The path of the first string that is not normalised, in field order, e.g.
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
