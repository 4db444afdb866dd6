// The gateway's TLS private key as log redaction sees it: the strings of a PEM key that must never reach a log, whole or a line at a time.
/** Shorter lines (the tail of the last base64 line) carry too little of the key to matter, and would blank out ordinary words. */
const MINIMUM_SECRET_LINE_CHARACTERS = 16;

/**
 * What to redact for a PEM private key: the key itself, its base64 body in one piece, and each line of it (output read
 * line by line, like a child's stderr, would show a key only a line at a time). The BEGIN/END labels are not secret.
 */
export function privateKeySecrets(pem: string): string[] {
  const lines = pem
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('-----') && !/^[A-Za-z-]+:/.test(line));
  const secrets = new Set<string>([pem, pem.trim(), lines.join(''), lines.join('\n')]);
  for (const line of lines) if (line.length >= MINIMUM_SECRET_LINE_CHARACTERS) secrets.add(line);
  secrets.delete('');
  return [...secrets];
}
