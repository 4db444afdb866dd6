// Which physical screen this page draws: the id in the page address (/screen/S03 → S03).

/** Screen ids the bridge accepts (the contract's hello schema). */
const SCREEN_ID = /^[A-Za-z0-9_]{1,32}$/;

/** The screen id of a `/screen/<id>` path, or undefined when the path names none (or a malformed one). */
export function screenIdFromPath(pathname: string): string | undefined {
  const match = /^\/screen\/([^/]+)\/?$/.exec(pathname);
  if (!match) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  return SCREEN_ID.test(id) ? id : undefined;
}
