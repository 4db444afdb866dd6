// Every word the console says, Vietnamese first and English second, in one place.
import type { ClientRole } from '../../common/contract/roles.ts';

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
    vi: 'Đăng nhập bằng tên và mật khẩu, hoặc mở liên kết mà máy chủ in ra khi khởi động (…/console#login=…; mỗi liên kết dùng một lần, trong 10 phút)',
    en: 'Sign in with your user name and password, or open the link the server prints at start-up (…/console#login=…; each link works once, for 10 minutes)',
  },
  loginFailed: {
    vi: 'Mã đăng nhập sai, đã dùng hoặc hết hạn — đăng nhập bằng tên và mật khẩu, hoặc khởi động lại máy chủ để có liên kết mới',
    en: 'Login code wrong, used or expired — sign in with your user name and password, or restart the server for a new link',
  },
  sessionEnded: { vi: 'Phiên đăng nhập đã hết, hãy đăng nhập lại', en: 'The session has ended: sign in again' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  userName: { vi: 'Tên đăng nhập', en: 'User name' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  wrongCredentials: { vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong user name or password' },
  role: { vi: 'Vai trò', en: 'Role' },
  needs: { vi: 'cần', en: 'needs' },
  or: { vi: 'hoặc', en: 'or' },
  forbidden: { vi: 'Không đủ quyền: lệnh không được thực hiện', en: 'Not allowed: the command was not carried out' },
  csrfRefused: {
    vi: 'Phiên đăng nhập vừa đổi (đăng nhập ở thẻ khác?): lệnh không được thực hiện, hãy bấm lại',
    en: 'The session just changed (signed in in another tab?): the command was not carried out, press again',
  },
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
  technicianTools: { vi: 'Công cụ kỹ thuật viên', en: 'Technician tools' },
  wallPreview: { vi: 'Toàn tường màn hình', en: 'The whole wall' },
  identify: { vi: 'Nhận diện màn hình', en: 'Identify screens' },
  identifyHint: {
    vi: 'Mỗi màn hình hiện mã, tên và độ phân giải của nó trên mẫu kiểm tra toàn tường trong 10 giây; cảnh đang chiếu không đổi',
    en: 'Each screen shows its id, label and resolution over the wall-wide test pattern for 10 s; the scene on air is not changed',
  },
  identifySending: { vi: 'Đang gửi lệnh nhận diện…', en: 'Sending identify…' },
  identifying: { vi: 'Đang nhận diện', en: 'Identifying' },
  identified: { vi: 'Đã nhận diện xong', en: 'Identified' },
  until: { vi: 'đến', en: 'until' },
  noScreenConnected: { vi: 'Không có màn hình nào đang kết nối', en: 'No screen is connected' },
  identifyFailed: { vi: 'Không nhận diện được', en: 'Identify failed' },
  telemetry: { vi: 'Dữ liệu đo xa', en: 'Telemetry' },
  brokers: { vi: 'Máy chủ MQTT', en: 'MQTT brokers' },
  noBrokers: { vi: 'Không có máy chủ MQTT nào', en: 'No MQTT broker' },
  reconnecting: { vi: 'đang kết nối lại', en: 'reconnecting' },
  brokerClosed: { vi: 'đã đóng', en: 'closed' },
  embedded: { vi: 'tích hợp sẵn', en: 'embedded' },
  messages: { vi: 'Tin nhắn', en: 'Messages' },
  messagesAccepted: { vi: 'đã nhận', en: 'accepted' },
  messagesDropped: { vi: 'bị loại', en: 'dropped' },
  staleData: { vi: 'Dữ liệu cũ', en: 'Stale data' },
  noDataYet: { vi: 'Chưa có dữ liệu', en: 'No data yet' },
  noSeries: { vi: 'Bố cục không có chuỗi số liệu nào', en: 'The layout has no series' },
  field: { vi: 'Lĩnh vực', en: 'Field' },
  series: { vi: 'Chuỗi số liệu', en: 'Series' },
  lastValue: { vi: 'Giá trị cuối', en: 'Last value' },
  age: { vi: 'Cập nhật', en: 'Updated' },
  telemetryUnavailable: { vi: 'Máy chủ này chưa cung cấp dữ liệu đo xa', en: 'Telemetry is not available on this server' },
  telemetrySignIn: { vi: 'Đăng nhập để xem dữ liệu đo xa', en: 'Sign in to see telemetry' },
  cameras: { vi: 'Camera', en: 'Cameras' },
  camera: { vi: 'Camera', en: 'Camera' },
  cameraLive: { vi: 'Trực tiếp', en: 'Live' },
  cameraConnecting: { vi: 'Đang kết nối', en: 'Connecting' },
  cameraLost: { vi: 'Mất tín hiệu', en: 'Lost' },
  cameraUnavailable: { vi: 'Không khả dụng', en: 'Unavailable' },
  cameraState: { vi: 'Trạng thái', en: 'State' },
  lastFrame: { vi: 'Khung hình cuối', en: 'Last frame' },
  noFrameYet: { vi: 'Chưa có khung hình', en: 'No frame yet' },
  restarts: { vi: 'Khởi động lại', en: 'Restarts' },
  cameraDetail: { vi: 'Chi tiết', en: 'Detail' },
  liveCameras: { vi: 'Đang trực tiếp', en: 'Live feeds' },
  allCamerasDown: { vi: 'Không camera nào đang trực tiếp', en: 'No camera is live' },
  gatewayRunning: { vi: 'Cổng video đang chạy', en: 'Media gateway running' },
  gatewayStopped: { vi: 'Cổng video không chạy', en: 'Media gateway not running' },
  simulated: { vi: 'mô phỏng', en: 'simulated' },
  noCameras: { vi: 'Bố cục không có camera nào', en: 'The layout has no cameras' },
  camerasUnavailable: { vi: 'Máy chủ này chưa cung cấp tình trạng camera', en: 'Camera health is not available on this server' },
  camerasSignIn: { vi: 'Đăng nhập để xem tình trạng camera', en: 'Sign in to see camera health' },
} satisfies Record<string, Localised>;

/** Each role by its name in the duty room. */
export const ROLE_NAMES = {
  viewer: { vi: 'Người xem', en: 'Viewer' },
  operator: { vi: 'Điều hành viên', en: 'Operator' },
  technician: { vi: 'Kỹ thuật viên', en: 'Technician' },
  'duty-officer': { vi: 'Trực ban', en: 'Duty officer' },
  admin: { vi: 'Quản trị', en: 'Admin' },
  display: { vi: 'Màn hình', en: 'Display' },
} as const satisfies Record<ClientRole, Localised>;

/** "vi / en" on one line, for titles and plain text. */
export const bilingualText = (text: Localised): string => `${text.vi} / ${text.en}`;

/** "Tạm khóa …: thử lại sau 12 phút / Locked …: try again in 12 min", after repeated failed sign-ins (without a figure when the server gave none). */
export function signInLocked(minutes: number | undefined): Localised {
  return {
    vi: `Tạm khóa vì đăng nhập sai nhiều lần: thử lại sau ${minutes === undefined ? 'ít phút' : `${minutes} phút`}`,
    en: `Locked after repeated failed sign-ins: try again in ${minutes === undefined ? 'a few minutes' : `${minutes} min`}`,
  };
}

/** "cần Trực ban / needs Duty officer", "cần Điều hành viên, Kỹ thuật viên hoặc Trực ban / needs Operator, Technician or Duty officer". */
export function needsRoles(roles: readonly Localised[]): Localised {
  const list = (language: keyof Localised): string => {
    const names = roles.map((role) => role[language]);
    return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${STRINGS.or[language]} ${names.at(-1)}`;
  };
  return { vi: `${STRINGS.needs.vi} ${list('vi')}`, en: `${STRINGS.needs.en} ${list('en')}` };
}
