// Stand-in for the 'electron' package in tests: its binary cannot be downloaded here, so any use fails loudly.
const refuse = (): never => {
  throw new Error("the 'electron' package is stubbed in tests; mock the part you need with vi.mock('electron')");
};

export default new Proxy({}, { get: refuse });
export const app = new Proxy({}, { get: refuse });
export const BrowserWindow = refuse;
export const ipcMain = new Proxy({}, { get: refuse });
export const contextBridge = new Proxy({}, { get: refuse });
export const ipcRenderer = new Proxy({}, { get: refuse });
