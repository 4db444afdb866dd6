// The RTSP test camera itself: a GStreamer server on a free loopback port that ffmpeg can pull (with and without credentials), killed and restarted on the same port; and the CI rule when GStreamer is missing.
import type * as fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ffmpegOutput, requireFfmpeg, withCredentials } from './ffmpeg.ts';
import { commandLine, descendants, isRunning } from './process-tree.ts';
import { GSTREAMER_RTSP_INSTALL_HINT, requireGstreamerRtsp, startRtspServer, type RtspServer } from './test-rtsp-server.ts';

const rtspIt = requireFfmpeg() && requireGstreamerRtsp() ? it : it.skip;

let running: RtspServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  expect(descendants().filter((entry) => /python|ffmpeg/.test(entry.name))).toEqual([]);
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One second of the camera, remuxed the way a feed does it. */
function pull(url: string): Promise<Buffer> {
  return ffmpegOutput(['-hide_banner', '-loglevel', 'error', '-nostdin', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', url, '-t', '1', '-c', 'copy', '-an', '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1']);
}

describe('startRtspServer', () => {
  rtspIt('serves H.264 over RTSP behind digest authentication, and restarts on the same port after a kill', async () => {
    running = await startRtspServer({ username: 'viewer', password: 'p@ss:word' });
    expect(running.url).toBe(`rtsp://127.0.0.1:${running.port}/camera`);
    const pid = running.processId()!;
    // Not in the process list: the credentials went through the environment.
    expect(commandLine(pid)?.join(' ')).toContain('test-rtsp-server.py');
    expect(commandLine(pid)?.join(' ')).not.toContain('p@ss');

    const recording = await pull(withCredentials(running.url, 'viewer', 'p@ss:word'));
    expect(recording.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(recording.byteLength).toBeGreaterThan(5_000);
    await expect(pull(withCredentials(running.url, 'viewer', 'wrong'))).rejects.toThrow(/401 Unauthorized/);

    await running.kill();
    expect(isRunning(pid)).toBe(false);
    expect(await accepts(running.port)).toBe(false);
    await running.restart();
    expect(await accepts(running.port)).toBe(true);
    expect((await pull(withCredentials(running.url, 'viewer', 'p@ss:word'))).byteLength).toBeGreaterThan(5_000);
  }, 60_000);

  rtspIt('serves without credentials when none are given', async () => {
    running = await startRtspServer({ mount: '/street', size: '160x120', fps: 10 });
    expect(running.url).toMatch(/\/street$/);
    expect((await pull(running.url)).subarray(4, 8).toString('latin1')).toBe('ftyp');
  }, 60_000);

  rtspIt('says why it cannot start on a taken port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startRtspServer({ port })).rejects.toThrow(/exited \(1\) before accepting[\s\S]*cannot listen/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);

  it('fails in CI when GStreamer is missing, instead of skipping', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (importOriginal) => ({ ...(await importOriginal<typeof fs>()), existsSync: () => false }));
    vi.stubEnv('CI', 'true');
    try {
      const { requireGstreamerRtsp: requireMissing } = await import('./test-rtsp-server.ts');
      expect(() => requireMissing()).toThrow(`${GSTREAMER_RTSP_INSTALL_HINT} (required in CI)`);
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
