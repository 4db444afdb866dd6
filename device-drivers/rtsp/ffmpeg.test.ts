// ffmpeg command lines for RTSP and test patterns, credentials put into URLs, and every form of a credential taken out of ffmpeg's output.
import * as fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { FFMPEG_INSTALL_HINT, ffmpegArguments, findFfmpeg, redact, withCredentials, withoutCredentials } from './ffmpeg.ts';

describe('ffmpegArguments', () => {
  it('pulls RTSP over TCP and remuxes the first video stream, without transcoding or audio, to one fMP4 fragment per frame', () => {
    expect(ffmpegArguments({ kind: 'rtsp', url: 'rtsp://user:pa%40ss@10.1.2.3:554/Streaming/101', secrets: ['pa@ss'] })).toEqual([
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-rtsp_transport', 'tcp', '-timeout', '5000000', '-fpsprobesize', '0'],
      ...['-i', 'rtsp://user:pa%40ss@10.1.2.3:554/Streaming/101'],
      ...['-map', '0:v:0', '-c', 'copy', '-an'],
      ...['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'],
    ]);
  });

  it('paces a lavfi test pattern and encodes it with x264 for low latency, a keyframe every second', () => {
    const commandArguments = ffmpegArguments({ kind: 'test-pattern', pattern: 'smptehdbars', size: '640x360', fps: 15 });
    expect(commandArguments).toEqual([
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-re', '-f', 'lavfi', '-i', 'smptehdbars=size=640x360:rate=15', '-an'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p'],
      ...['-g', '15', '-keyint_min', '15', '-sc_threshold', '0'],
      ...['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'],
    ]);
    expect(commandArguments.join(' ')).not.toContain('frag_keyframe');
  });

  it('refuses test patterns that are not a plain source, size and rate', () => {
    expect(() => ffmpegArguments({ kind: 'test-pattern', pattern: 'testsrc2,drawtext=text=x', size: '640x360', fps: 15 })).toThrow(RangeError);
    expect(() => ffmpegArguments({ kind: 'test-pattern', pattern: 'testsrc2', size: '640x360:rate=1', fps: 15 })).toThrow(RangeError);
    expect(() => ffmpegArguments({ kind: 'test-pattern', pattern: 'testsrc2', size: '640x360', fps: 0 })).toThrow(RangeError);
    expect(() => ffmpegArguments({ kind: 'test-pattern', pattern: 'testsrc2', size: '640x360', fps: 12.5 })).toThrow(RangeError);
  });
});

describe('withCredentials', () => {
  it('percent-encodes the user name and password into the URL', () => {
    expect(withCredentials('rtsp://10.1.2.3:554/live', 'admin', 'p@ss:w/rd%')).toBe('rtsp://admin:p%40ss%3Aw%2Frd%25@10.1.2.3:554/live');
    expect(withCredentials('rtsp://10.1.2.3/live', 'nguyễn văn', 'mật khẩu')).toBe(
      `rtsp://${encodeURIComponent('nguyễn văn')}:${encodeURIComponent('mật khẩu')}@10.1.2.3/live`,
    );
  });

  it('replaces credentials already in the URL, allows a user without password, and leaves a URL alone without a user', () => {
    expect(withCredentials('rtsp://old:secret@10.1.2.3/live', 'admin', 'new')).toBe('rtsp://admin:new@10.1.2.3/live');
    expect(withCredentials('rtsp://10.1.2.3/live', 'viewer', undefined)).toBe('rtsp://viewer@10.1.2.3/live');
    expect(withCredentials('rtsp://10.1.2.3/live', undefined, 'ignored')).toBe('rtsp://10.1.2.3/live');
  });

  it('is undone by withoutCredentials', () => {
    expect(withoutCredentials(withCredentials('rtsp://10.1.2.3:554/a/b?channel=1', 'admin', 'p@ss'))).toBe('rtsp://10.1.2.3:554/a/b?channel=1');
  });
});

describe('redact', () => {
  it('removes user:password@ from every URL in ffmpeg output', () => {
    const output = [
      "Input #0, rtsp, from 'rtsp://admin:hunter2@10.1.2.3:554/Streaming/101':",
      'rtsp://admin:p%40ss%3Aw%2Frd%25@127.0.0.1:18554/camera: Server returned 401 Unauthorized (authorization failed)',
      'http://viewer@camera.local/snapshot.jpg and rtsps://a:b@[::1]:322/x',
    ].join('\n');
    expect(redact(output, [])).toBe(
      [
        "Input #0, rtsp, from 'rtsp://10.1.2.3:554/Streaming/101':",
        'rtsp://127.0.0.1:18554/camera: Server returned 401 Unauthorized (authorization failed)',
        'http://camera.local/snapshot.jpg and rtsps://[::1]:322/x',
      ].join('\n'),
    );
  });

  it('removes a password that is not inside a URL, as written and percent-encoded in either case', () => {
    const password = 'p@ss:w/rd%';
    const lines = [
      `[rtsp @ 0x55d0] auth failed for password ${password}`,
      `echo ${encodeURIComponent(password)}`,
      `lower ${encodeURIComponent(password).toLowerCase()}`,
      'user admin tried again',
    ].join('\n');
    const redacted = redact(lines, ['admin', password]);
    expect(redacted).toBe(['[rtsp @ 0x55d0] auth failed for password ***', 'echo ***', 'lower ***', 'user *** tried again'].join('\n'));
  });

  it('replaces a secret containing another secret whole, and ignores empty secrets', () => {
    expect(redact('token abc123 and abc', ['abc', 'abc123', ''])).toBe('token *** and ***');
  });

  it('leaves text without credentials alone', () => {
    const line = '[tcp @ 0x556212415980] Connection to tcp://127.0.0.1:18554?timeout=5000000 failed: Connection refused';
    expect(redact(line, ['hunter2'])).toBe(line);
  });
});

describe('findFfmpeg', () => {
  it('finds an executable ffmpeg on the search path, else in /usr/bin, else says there is none', () => {
    const found = findFfmpeg();
    if (found !== undefined) expect(found).toMatch(/\/ffmpeg$/);
    const debian = fs.existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : undefined;
    expect(findFfmpeg('/nonexistent')).toBe(debian);
  });

  it('fails in CI when ffmpeg is missing, instead of skipping', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (importOriginal) => ({
      ...(await importOriginal<typeof fs>()),
      accessSync: () => {
        throw new Error('ENOENT');
      },
    }));
    vi.stubEnv('CI', 'true');
    try {
      const { requireFfmpeg: requireMissing } = await import('./ffmpeg.ts');
      expect(() => requireMissing()).toThrow(`ffmpeg is missing: ${FFMPEG_INSTALL_HINT} (required in CI)`);
      vi.stubEnv('CI', '');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      expect(requireMissing()).toBe(false);
      expect(warn.mock.calls[0]?.[0]).toContain('SKIPPED');
    } finally {
      vi.doUnmock('node:fs');
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    }
  });
});
