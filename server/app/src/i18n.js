// Vietnamese by default, English available. Keys are short English phrases.
const VI = {
  title: "Biên bản chi bộ", login: "Đăng nhập", username: "Tên đăng nhập", password: "Mật khẩu",
  loginFailed: "Đăng nhập không thành công", loginOnline: "Lần đầu cần có mạng để đăng nhập",
  months: "Các kỳ sinh hoạt", start: "Bắt đầu họp", open: "Mở", notStarted: "Chưa bắt đầu",
  savedLocal: "Đã lưu trên máy này", sending: "Đang gửi…", allSent: "Đã gửi hết", lastSync: "Lần đồng bộ cuối",
  offline: "Không có mạng", online: "Có mạng", offlineReady: "Sẵn sàng dùng khi không có mạng",
  settings: "Cài đặt", language: "Ngôn ngữ", fontSize: "Cỡ chữ", logout: "Đăng xuất", back: "← Quay lại",
  header: "Thông tin chung", date: "Ngày dự kiến", startedAt: "Giờ bắt đầu", endedAt: "Giờ kết thúc",
  location: "Địa điểm", attendance: "Điểm danh", present: "Có mặt", excused: "Vắng có lý do",
  unexcused: "Vắng không lý do", exempt: "Miễn", reason: "Lý do", guests: "Đại biểu, khách mời",
  guestName: "Họ tên", position: "Chức vụ", superior: "Đại biểu cấp trên", add: "Thêm",
  agenda: "Chương trình", contributions: "Ý kiến phát biểu", speaker: "Người phát biểu",
  summary: "Nội dung", criticism: "Phê bình, biểu dương", kind: "Hình thức", note: "Ghi chú",
  resolution: "Kết luận / Nghị quyết", tasks: "Nhiệm vụ", assignee: "Người thực hiện", due: "Hạn",
  votes: "Biểu quyết", subject: "Nội dung biểu quyết", for: "Tán thành", against: "Không tán thành",
  abstain: "Không biểu quyết", followUps: "Theo dõi nghị quyết tháng trước", rubric: "Chấm điểm",
  points: "Điểm", lost: "Điểm bị trừ", level: "Xếp loại", submit: "Gửi cấp ủy xác nhận",
  submitted: "Đã gửi, chờ xác nhận", returned: "Bị trả lại", returnReason: "Lý do trả lại",
  conflicts: "Xung đột cần chọn", choose: "Chọn", problems: "Cần bổ sung", status: "Trạng thái",
  bieu_duong: "Biểu dương", nhac_nho: "Nhắc nhở", phe_binh: "Phê bình", tu_phe_binh: "Tự phê bình",
  nhap: "Nháp", da_gui: "Đã gửi", tra_lai: "Trả lại", da_xac_nhan: "Đã xác nhận", khoa: "Đã khóa",
  ideology: "Tình hình tư tưởng", carried: "Mang sang từ tháng trước",
  thisPhone: "Máy này", otherDevice: "Thiết bị khác", fixReturned: "Sửa và gửi lại",
  fixing: "Hãy sửa biên bản theo lý do trả lại, rồi bấm Gửi lại.", fixedReady: "Đã sửa. Bấm Gửi lại để gửi cấp ủy.",
  resubmit: "Gửi lại",
  mergedText: "Hai máy đã sửa đoạn này cùng lúc và các chữ đã được ghép lại. Hãy đọc lại, sửa nếu cần.",
  readAgain: "Đã đọc lại",
  co_mat: "Có mặt", vang_co_ly_do: "Vắng có lý do", vang_khong_ly_do: "Vắng không lý do", mien: "Miễn sinh hoạt",
};
const EN = {
  title: "Cell minutes", login: "Log in", username: "Username", password: "Password",
  loginFailed: "Login failed", loginOnline: "The first login needs a network",
  months: "Meetings by month", start: "Start meeting", open: "Open", notStarted: "Not started",
  savedLocal: "Saved on this phone", sending: "Sending…", allSent: "Everything sent", lastSync: "Last synced",
  offline: "Offline", online: "Online", offlineReady: "Ready to work offline",
  settings: "Settings", language: "Language", fontSize: "Font size", logout: "Log out", back: "← Back",
  header: "General", date: "Planned date", startedAt: "Started at", endedAt: "Ended at",
  location: "Place", attendance: "Attendance", present: "Present", excused: "Excused",
  unexcused: "Absent", exempt: "Exempt", reason: "Reason", guests: "Guests", guestName: "Name",
  position: "Position", superior: "Superior delegate", add: "Add", agenda: "Agenda",
  contributions: "Contributions", speaker: "Speaker", summary: "Summary", criticism: "Criticism and commendation",
  kind: "Kind", note: "Note", resolution: "Resolution", tasks: "Tasks", assignee: "Assignee", due: "Due",
  votes: "Votes", subject: "Subject", for: "For", against: "Against", abstain: "Abstain",
  followUps: "Last month's follow-ups", rubric: "Rubric", points: "Points", lost: "Points lost",
  level: "Level", submit: "Submit for confirmation", submitted: "Submitted, awaiting confirmation",
  returned: "Returned", returnReason: "Reason for return", conflicts: "Conflicts to resolve",
  choose: "Choose", problems: "To complete", status: "Status",
  bieu_duong: "Commendation", nhac_nho: "Reminder", phe_binh: "Criticism", tu_phe_binh: "Self-criticism",
  nhap: "Draft", da_gui: "Submitted", tra_lai: "Returned", da_xac_nhan: "Confirmed", khoa: "Locked",
  ideology: "Ideological situation", carried: "Carried over from last month",
  thisPhone: "This phone", otherDevice: "Another device", fixReturned: "Edit and resubmit",
  fixing: "Edit the minutes as the reason asks, then press Resubmit.", fixedReady: "Edited. Press Resubmit to send it to the committee.",
  resubmit: "Resubmit",
  mergedText: "Two phones edited this text at the same time and their words were merged. Read it again and correct it if needed.",
  readAgain: "Read it",
  co_mat: "Present", vang_co_ly_do: "Excused", vang_khong_ly_do: "Absent", mien: "Exempt",
};
const DICTS = { vi: VI, en: EN };
let lang = localStorage.getItem("lang") || "vi";
/** The current language code. */
export const getLang = () => lang;
/** Switches language (persisted). */
export function setLang(code) { lang = DICTS[code] ? code : "vi"; localStorage.setItem("lang", lang); document.documentElement.lang = lang; }
/** Translates a key. */
export const t = (key) => DICTS[lang][key] ?? VI[key] ?? key;
