// Every word the console says, Vietnamese first and English second, in one place.

/** A text in the console's two languages. */
export interface Localised {
  readonly vi: string;
  readonly en: string;
}

export const STRINGS = {
  title: { vi: 'Bảng điều khiển tường màn hình', en: 'Wall operator console' },
  loading: { vi: 'đang tải…', en: 'loading…' },
  live: { vi: 'trực tuyến', en: 'live' },
  connecting: { vi: 'đang kết nối', en: 'connecting' },
  disconnected: { vi: 'mất kết nối', en: 'disconnected' },
  signedInAs: { vi: 'Đã đăng nhập', en: 'Signed in' },
  signingIn: { vi: 'đang đăng nhập…', en: 'signing in…' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  notSignedIn: { vi: 'Chưa đăng nhập', en: 'Not signed in' },
  signInHint: {
    vi: 'Chỉ xem: mở liên kết đăng nhập mà máy chủ in ra khi khởi động (…/console#login=…); mỗi liên kết dùng một lần, trong 10 phút',
    en: 'Read only: open the sign-in link the server prints at start-up (…/console#login=…); each link works once, for 10 minutes',
  },
  loginFailed: {
    vi: 'Mã đăng nhập sai, đã dùng hoặc hết hạn — khởi động lại máy chủ để có liên kết mới',
    en: 'Login code wrong, used or expired — restart the server for a new link',
  },
  sessionEnded: { vi: 'Phiên đăng nhập đã hết', en: 'The session has ended' },
  activeScene: { vi: 'Cảnh đang hiển thị', en: 'Active scene' },
  version: { vi: 'phiên bản', en: 'version' },
  committedAt: { vi: 'lúc', en: 'at' },
  neverSwitched: { vi: 'chưa chuyển cảnh lần nào', en: 'never switched yet' },
  pendingSwitch: { vi: 'Đang chuẩn bị', en: 'Preparing' },
  scenes: { vi: 'Chuyển cảnh', en: 'Switch scene' },
  onAir: { vi: 'đang chiếu', en: 'on air' },
  previousScene: { vi: '← Cảnh trước', en: 'Previous scene' },
  emergency: { vi: 'khẩn cấp', en: 'emergency' },
  commandResult: { vi: 'Kết quả lệnh', en: 'Command result' },
  noCommandYet: { vi: 'Chưa có lệnh nào từ bảng này', en: 'No command from this console yet' },
  switching: { vi: 'Đang chuyển sang', en: 'Switching to' },
  switched: { vi: 'Đã chuyển sang', en: 'Switched to' },
  flipped: { vi: 'đúng lúc', en: 'flipped' },
  late: { vi: 'trễ', en: 'late' },
  failed: { vi: 'lỗi', en: 'failed' },
  superseded: { vi: 'Bị thay thế bởi lệnh mới', en: 'Superseded by a newer command' },
  unauthorised: { vi: 'Chưa đăng nhập: lệnh không được thực hiện', en: 'Not signed in: the command was not carried out' },
  commandFailed: { vi: 'Lệnh thất bại', en: 'Command failed' },
  serverUnreachable: { vi: 'Không tới được máy chủ', en: 'The server cannot be reached' },
  serverError: { vi: 'Máy chủ trả lời lỗi', en: 'The server answered with an error' },
  unreadableHotkeys: { vi: 'Phím tắt không đọc được', en: 'Hotkeys that cannot be read' },
  screens: { vi: 'Màn hình', en: 'Screens' },
  connected: { vi: 'đã kết nối', en: 'connected' },
  notConnected: { vi: 'không kết nối', en: 'not connected' },
  framesPerSecond: { vi: 'khung/giây', en: 'fps' },
  frameMilliseconds: { vi: 'ms JS/khung', en: 'JS ms/frame' },
  dropped: { vi: 'rớt khung', en: 'dropped' },
  contextLosses: { vi: 'mất WebGL', en: 'context losses' },
  panelErrors: { vi: 'lỗi bảng', en: 'panel errors' },
  lastSwitch: { vi: 'lần chuyển cuối', en: 'last switch' },
  layoutProblem: { vi: 'Tệp bố cục lỗi, tường giữ bố cục cũ', en: 'The layout file is broken; the wall keeps its last good layout' },
  audit: { vi: 'Nhật ký thao tác', en: 'Audit trail' },
  auditSignIn: { vi: 'Đăng nhập để xem nhật ký', en: 'Sign in to see the audit trail' },
  auditEmpty: { vi: 'Chưa có mục nào', en: 'No entries yet' },
  time: { vi: 'Thời gian', en: 'Time' },
  actor: { vi: 'Người thực hiện', en: 'Actor' },
  origin: { vi: 'Từ', en: 'Origin' },
  action: { vi: 'Thao tác', en: 'Action' },
  target: { vi: 'Đối tượng', en: 'Target' },
  result: { vi: 'Kết quả', en: 'Result' },
  signInFirst: { vi: 'Hãy đăng nhập trước', en: 'Sign in first' },
} satisfies Record<string, Localised>;

/** "vi / en" on one line, for titles and plain text. */
export const bilingualText = (text: Localised): string => `${text.vi} / ${text.en}`;
