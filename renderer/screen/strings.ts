// The few words the renderer itself says on the wall, in both languages.
import type { Localised } from './format.ts';

export const STRINGS = {
  waiting: { vi: 'Đang chờ tường màn hình…', en: 'Waiting for the wall' },
  connecting: { vi: 'đang kết nối', en: 'connecting' },
  connected: { vi: 'đã kết nối', en: 'connected' },
  disconnected: { vi: 'mất kết nối', en: 'disconnected' },
  knownScreens: { vi: 'Các màn hình trong bố cục', en: 'Screens in the layout' },
  noScreenId: { vi: 'Địa chỉ không nêu màn hình nào', en: 'The address names no screen' },
  noScreenIdHint: { vi: 'Mở /screen/<mã màn hình>, ví dụ /screen/S01', en: 'Open /screen/<screen id>, for example /screen/S01' },
  noData: { vi: 'chưa có dữ liệu', en: 'no data' },
  simulated: { vi: 'mô phỏng', en: 'simulated' },
  stale: { vi: 'dữ liệu cũ', en: 'stale' },
  updated: { vi: 'cập nhật', en: 'updated' },
  loadingImage: { vi: 'đang tải ảnh…', en: 'loading image…' },
  panelFailed: { vi: 'Không vẽ được bảng', en: 'Panel failed to draw' },
  placeholder: { vi: 'Sắp có', en: 'Coming soon' },
  now: { vi: 'bây giờ', en: 'now' },
  cameraConnecting: { vi: 'Đang kết nối', en: 'Connecting' },
  cameraLost: { vi: 'Mất tín hiệu', en: 'Signal lost' },
  cameraRecovering: { vi: 'Đang khôi phục', en: 'Recovering' },
  cameraUnavailable: { vi: 'Không khả dụng', en: 'Unavailable' },
  noMediaGateway: { vi: 'Cổng video chưa chạy', en: 'The media gateway is not running' },
  unknownCamera: { vi: 'Cổng video không biết camera này', en: 'The media gateway does not know this camera' },
  refusedByGateway: { vi: 'Cổng video từ chối trang này', en: 'The media gateway refused this page' },
  livePictureOnScreens: { vi: 'Hình trực tiếp chỉ có trên màn hình', en: 'Live picture on the screens only' },
} satisfies Record<string, Localised>;

/** The stream's codec is one this browser cannot decode. */
export function unsupportedCodec(mimeType: string): Localised {
  return { vi: `Trình duyệt không giải mã được ${mimeType}`, en: `The browser cannot decode ${mimeType}` };
}

export const DISPLAY_TOKEN_TITLES = {
  'token-invalid': { vi: 'Mã hiển thị không hợp lệ', en: 'Invalid display token' },
  'token-needed': { vi: 'Cần mã hiển thị', en: 'Display token needed' },
} as const satisfies Record<string, Localised>;

/** What to do about a refused or missing display token: the command that prints this screen's URL, run on the server. */
export function displayTokenHint(kind: keyof typeof DISPLAY_TOKEN_TITLES): Localised {
  return kind === 'token-invalid'
    ? {
        vi: 'Mã trong địa chỉ đã bị thu hồi, hết hạn hoặc dành cho màn hình khác. Trên máy chủ, chạy lệnh dưới đây rồi mở địa chỉ mới nó in ra:',
        en: 'The token in the address was revoked, has expired or is for another screen. On the server, run the command below and open the new URL it prints:',
      }
    : {
        vi: 'Máy chủ chỉ nhận màn hình có mã hiển thị. Trên máy chủ, chạy lệnh dưới đây rồi mở địa chỉ nó in ra:',
        en: 'The server admits only screens with a display token. On the server, run the command below and open the URL it prints:',
      };
}

export function unknownScreen(id: string): Localised {
  return { vi: `Màn hình ${id} không có trong bố cục`, en: `Screen ${id} is not in the layout` };
}
