# Benchmark support: an RTSP camera (GStreamer's RTSP server, H.264) whose every frame carries the moment it was made, as black/white blocks along its top, for glass-to-glass latency.
# Usage: /usr/bin/python3 timestamp-camera.py PORT MOUNT [WIDTHxHEIGHT] [FPS]
# Prints "listening rtsp://127.0.0.1:PORT/MOUNT" once the port is bound.
#
# The strip: 4 rows of 16 blocks, each block (WIDTH/16) x STRIP_ROW_HEIGHT pixels, white = 1, most significant first.
# Rows 0-2 hold the capture time (epoch milliseconds, 48 bits, 16 a row); row 3 a check word,
# (row0 + row1 + row2) mod 2^16 XOR 0xA5A5, so a reader can tell a clean frame from a half-decoded one.
# bench/cameras.ts decodes the same layout (keep STRIP_* in step).
import sys
import threading
import time

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

STRIP_COLUMNS = 16
STRIP_ROWS = 4
STRIP_ROW_HEIGHT = 20
CHECK_MASK = 0xA5A5
# Video range luma: what a decoder turns into black and white.
BLACK = 16
WHITE = 235


def words_of(milliseconds: int) -> list:
    words = [(milliseconds >> 32) & 0xFFFF, (milliseconds >> 16) & 0xFFFF, milliseconds & 0xFFFF]
    words.append(((words[0] + words[1] + words[2]) & 0xFFFF) ^ CHECK_MASK)
    return words


class Frames:
    """I420 frames: the time strip on top, a white bar moving across a black picture below it (some motion to encode)."""

    def __init__(self, width: int, height: int):
        self.width = width
        self.height = height
        self.block = width // STRIP_COLUMNS
        self.strip_height = STRIP_ROWS * STRIP_ROW_HEIGHT
        self.chroma = bytes([128]) * ((width // 2) * (height // 2) * 2)
        self.count = 0

    def make(self, milliseconds: int) -> bytes:
        width, block = self.width, self.block
        rows = []
        for word in words_of(milliseconds):
            line = b''.join(bytes([WHITE if (word >> (15 - bit)) & 1 else BLACK]) * block for bit in range(STRIP_COLUMNS))
            line += bytes([BLACK]) * (width - len(line))
            rows.append(line * STRIP_ROW_HEIGHT)
        bar = 24
        x = (self.count * 8) % (width - bar)
        self.count += 1
        line = bytes([BLACK]) * x + bytes([WHITE]) * bar + bytes([BLACK]) * (width - x - bar)
        rows.append(line * (self.height - self.strip_height))
        return b''.join(rows) + self.chroma


def main() -> int:
    if len(sys.argv) < 3:
        print('usage: timestamp-camera.py PORT MOUNT [WIDTHxHEIGHT] [FPS]', file=sys.stderr)
        return 2
    port = int(sys.argv[1])
    mount = sys.argv[2] if sys.argv[2].startswith('/') else '/' + sys.argv[2]
    width, height = (int(value) for value in (sys.argv[3] if len(sys.argv) > 3 else '640x360').split('x'))
    fps = int(sys.argv[4]) if len(sys.argv) > 4 else 25

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(str(port))
    factory = GstRtspServer.RTSPMediaFactory()
    # do-timestamp: each buffer is stamped when it is pushed, as a camera's sensor would. threads=1 with
    # sliced-threads=false: no frame-threading delay in the encoder (and no sliced output, which ffmpeg decodes corrupt).
    factory.set_launch(
        f'( appsrc name=source is-live=true do-timestamp=true format=time '
        f'caps=video/x-raw,format=I420,width={width},height={height},framerate={fps}/1 '
        f'! x264enc tune=zerolatency speed-preset=ultrafast sliced-threads=false threads=1 key-int-max={fps} bitrate=1500 '
        '! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=-1 )'
    )
    # One pipeline for every client: the native decoder and the wall see the same frames.
    factory.set_shared(True)

    frames = Frames(width, height)
    current = {'source': None}
    lock = threading.Lock()

    def configured(_factory, media):
        with lock:
            current['source'] = media.get_element().get_by_name('source')

    factory.connect('media-configure', configured)

    def pump():
        interval = 1.0 / fps
        due = time.monotonic()
        while True:
            due += interval
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                # Fell behind (a busy machine): start counting again from now rather than bursting.
                due = time.monotonic()
            with lock:
                source = current['source']
            if source is None:
                continue
            data = frames.make(int(time.time() * 1000))
            result = source.emit('push-buffer', Gst.Buffer.new_wrapped(data))
            if result != Gst.FlowReturn.OK:
                # The media was torn down (no client any more): wait for the next one to configure it.
                with lock:
                    if current['source'] is source:
                        current['source'] = None

    threading.Thread(target=pump, daemon=True).start()
    server.get_mount_points().add_factory(mount, factory)
    if server.attach(None) == 0:
        print(f'cannot listen on 127.0.0.1:{port}', file=sys.stderr, flush=True)
        return 1
    print(f'listening rtsp://127.0.0.1:{port}{mount}', flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
