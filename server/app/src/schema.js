// Field kinds of the meeting document, mirroring sync-core/src/doc/schema.rs (see SCHEMA.md).
// "t" = Text (prose, merges per character), "s" = scalar string (ids, codes, dates: concurrent
// writes conflict), "b" = boolean, "n" = whole number, "p" = points (keyed map criterion → number).

export const ITEM_FIELDS = {
  guests: { id: "s", name: "t", position: "t", org: "t", isSuperiorDelegate: "b" },
  agenda: { id: "s", title: "t", part: "s", done: "b" },
  documentsBriefed: { id: "s", number: "s", typeCode: "s", issuer: "s", date: "s", summary: "t" },
  followUps: { id: "s", item: "t", sourceMeetingId: "s", sourceTaskId: "s", status: "s", note: "t" },
  contributions: { id: "s", memberId: "s", itemRef: "s", summary: "t" },
  criticism: { id: "s", memberId: "s", kind: "s", note: "t" },
  tasks: { id: "s", assigneeMemberId: "s", task: "t", due: "s" },
  votes: { id: "s", subject: "t", for: "n", against: "n", abstain: "n", method: "s" },
  membershipActions: { id: "s", kind: "s", memberId: "s", personName: "t", note: "t" },
};

/** The `add<Item>` op name of each list. */
export const ADD_OPS = {
  addGuest: "guests",
  addAgendaItem: "agenda",
  addDocumentBriefed: "documentsBriefed",
  addFollowUp: "followUps",
  addContribution: "contributions",
  addCriticism: "criticism",
  addTask: "tasks",
  addVote: "votes",
  addMembershipAction: "membershipActions",
};

const SHEET = { rubricId: "s", scoredBy: "s", votedByMembers: "b", confirmedAt: "s", comment: "t" };

/** Kinds of root and nested (dotted) fields. */
export const FIELDS = {
  schemaVersion: "fixed", meetingId: "fixed", cellId: "fixed", period: "fixed",
  cellName: "t", meetingType: "s", topic: "t", scheduledDate: "s", startedAt: "s", endedAt: "s",
  location: "t", chairMemberId: "s", chairRole: "s", recorderMemberId: "s",
  lastMonthReview: "t", ideologySituation: "t", difficulties: "t", resolution: "t",
  minutesAdoptedInMeeting: "b", status: "s", returnReason: "t",
  "preparation.preparedByMemberId": "s", "preparation.chiUyMeetingDate": "s",
  "preparation.draftResolution": "b", "preparation.noticeSentAt": "s",
  "preparation.materialsPostedAt": "s", "preparation.postedOnStdvdt": "b",
  "rosterCounts.tong": "n", "rosterCounts.chinhThuc": "n", "rosterCounts.duBi": "n",
  "rosterCounts.sinhHoatTamThoi": "n", "rosterCounts.mienSinhHoat": "n",
  "rosterCounts.dangVienDacBiet": "n", "dues.collectedCount": "n", "dues.amountVnd": "n",
};
for (const sheet of ["selfScore", "superiorScore"]) {
  for (const [k, v] of Object.entries(SHEET)) FIELDS[`${sheet}.${k}`] = v;
}

export const SHEETS = { self: "selfScore", superior: "superiorScore" };
