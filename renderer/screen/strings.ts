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
} satisfies Record<string, Localised>;

export function unknownScreen(id: string): Localised {
  return { vi: `Màn hình ${id} không có trong bố cục`, en: `Screen ${id} is not in the layout` };
}
