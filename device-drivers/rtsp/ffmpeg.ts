// What ffmpeg runs for a camera (RTSP remux or a lavfi test pattern, both to live fMP4 on stdout), credentials in and out of its URLs, and finding it.
import { requireTool } from '../test-support.ts';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export const FFMPEG_INSTALL_HINT = 'apt-get install -y --no-install-recommends ffmpeg';

/** What one ffmpeg pulls. An RTSP url already carries its credentials (see withCredentials); `secrets` are the values to keep out of every log. */
export type FeedSource =
  | { readonly kind: 'rtsp'; readonly url: string; readonly secrets: readonly string[] }
  | { readonly kind: 'test-pattern'; readonly pattern: string; readonly size: string; readonly fps: number };

/**
 * One fragment per frame (frag_every_frame), never one per GOP (frag_keyframe adds a GOP of latency); empty_moov puts
 * the init segment first; default_base_moof makes every fragment self-contained for MSE.
 */
const LIVE_FMP4_OUTPUT = ['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'];

/** Socket I/O timeout for RTSP (µs): ffmpeg 5.x calls it `-timeout` (the older `-stimeout` is gone). A silent camera ends the run after 5 s. */
const RTSP_SOCKET_TIMEOUT_MICROSECONDS = 5_000_000;

/** ffmpeg lavfi sources the test-pattern kind may name; anything else would be spliced into a filter graph. */
const PATTERN_NAME = /^[a-z][a-z0-9_]*$/;
const PICTURE_SIZE = /^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$/;

/** The ffmpeg command line for a source; throws RangeError for a test pattern that is not a plain source name, size and rate. */
export function ffmpegArguments(source: FeedSource): string[] {
  const common = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  if (source.kind === 'rtsp') {
    return [
      ...common,
      '-rtsp_transport',
      'tcp',
      '-timeout',
      String(RTSP_SOCKET_TIMEOUT_MICROSECONDS),
      // Measured: probing the frame rate (which a remux never uses) holds the first frame back ~2.3 s; without it ~0.95 s.
      '-fpsprobesize',
      '0',
      '-i',
      source.url,
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-an',
      ...LIVE_FMP4_OUTPUT,
    ];
  }
  if (!PATTERN_NAME.test(source.pattern)) throw new RangeError(`test pattern '${source.pattern}' is not an ffmpeg source name`);
  if (!PICTURE_SIZE.test(source.size)) throw new RangeError(`test pattern size '${source.size}' is not WIDTHxHEIGHT`);
  if (!Number.isInteger(source.fps) || source.fps < 1 || source.fps > 60) throw new RangeError(`test pattern rate ${source.fps} is not a whole number of frames per second from 1 to 60`);
  const rate = String(source.fps);
  return [
    ...common,
    // -re paces the synthetic source at its frame rate, as a camera would be.
    '-re',
    '-f',
    'lavfi',
    '-i',
    `${source.pattern}=size=${source.size}:rate=${rate}`,
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    // A keyframe every second, and only then, so a new viewer waits at most a second and the GOP cache stays small.
    '-g',
    rate,
    '-keyint_min',
    rate,
    '-sc_threshold',
    '0',
    ...LIVE_FMP4_OUTPUT,
  ];
}

/**
 * Puts percent-encoded credentials into an RTSP URL (replacing any already there). ffmpeg decodes them before basic and
 * digest authentication, so `@`, `:` and `/` in a password are safe.
 */
export function withCredentials(url: string, username: string | undefined, password: string | undefined): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/?#]*@)?(.*)$/is.exec(url);
  if (!match || username === undefined || username === '') return url;
  const userInformation = encodeURIComponent(username) + (password === undefined ? '' : `:${encodeURIComponent(password)}`);
  return `${match[1]}${userInformation}@${match[2]}`;
}

/** Removes the credentials of a URL (for logs and for telling cameras apart in messages). */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/is, '$1');
}

const REDACTED = '***';

/**
 * Makes ffmpeg's output fit for a log: `user:password@` goes from every URL in the text, then every known secret value
 * (as written, percent-encoded either case, or URI-encoded) is replaced by ***. ffmpeg prints its input URL with the
 * credentials in errors, and a camera may echo a user name back.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#'"<>]*@/gi, '$1');
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    const component = encodeURIComponent(secret);
    forms.add(secret);
    forms.add(component);
    forms.add(component.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
    forms.add(encodeURI(secret));
  }
  // Longest first, so a secret that contains another is replaced whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) result = result.split(form).join(REDACTED);
  return result;
}

/** The ffmpeg on the PATH (or Debian's), or undefined when none is installed. */
export function findFfmpeg(searchPath: string = process.env.PATH ?? ''): string | undefined {
  const directories = [...searchPath.split(path.delimiter).filter((directory) => directory !== ''), '/usr/bin'];
  for (const directory of directories) {
    const candidate = path.join(directory, 'ffmpeg');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; try the next.
    }
  }
  return undefined;
}

export function ffmpegAvailable(): boolean {
  return findFfmpeg() !== undefined;
}

/**
 * The project's rule for system tools the tests need: missing in CI is an error with the install command; missing on
 * a developer's machine is a loud warning and the tests skip (e.g. `const ffmpegIt = requireFfmpeg() ? it : it.skip;`).
 */
export function requireFfmpeg(): boolean {
  return requireTool(ffmpegAvailable(), `ffmpeg is missing: ${FFMPEG_INSTALL_HINT}`, 'the tests that run ffmpeg are');
}

export type FfmpegProcess = ChildProcessByStdio<null, Readable, Readable>;

/** Starts ffmpeg with no stdin (it would otherwise read keys from it), stdout for the stream, stderr for its errors. */
export function spawnFfmpeg(executable: string, commandArguments: readonly string[]): FfmpegProcess {
  return spawn(executable, commandArguments, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs ffmpeg to the end and returns its stdout, e.g. a short fMP4 recording for tests; rejects with its (redacted) stderr on failure. */
export function ffmpegOutput(commandArguments: readonly string[], secrets: readonly string[] = []): Promise<Buffer> {
  const executable = findFfmpeg();
  if (executable === undefined) return Promise.reject(new Error(`ffmpeg is not installed: ${FFMPEG_INSTALL_HINT}`));
  return new Promise((resolve, reject) => {
    const child = spawnFfmpeg(executable, commandArguments);
    const output: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      errors += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(output));
      else reject(new Error(`ffmpeg failed (${code ?? signal}): ${redact(errors.trim(), secrets)}`));
    });
  });
}
