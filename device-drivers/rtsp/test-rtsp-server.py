# Test support: a live H.264 RTSP camera on a loopback port (GStreamer's RTSP server), optionally behind basic/digest authentication.
# Usage: /usr/bin/python3 test-rtsp-server.py PORT MOUNT [WIDTHxHEIGHT] [FPS]
# Credentials come from the environment (RTSP_USERNAME, RTSP_PASSWORD, RTSP_AUTH=digest|basic, default digest), not
# argv, so they stay out of the process list.
# Prints "listening rtsp://127.0.0.1:PORT/MOUNT" once the port is bound.
import os
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main() -> int:
    if len(sys.argv) < 3:
        print('usage: test-rtsp-server.py PORT MOUNT [WIDTHxHEIGHT] [FPS]', file=sys.stderr)
        return 2
    port = int(sys.argv[1])
    mount = sys.argv[2] if sys.argv[2].startswith('/') else '/' + sys.argv[2]
    width, height = (sys.argv[3] if len(sys.argv) > 3 else '320x240').split('x')
    fps = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    username = os.environ.get('RTSP_USERNAME', '')
    password = os.environ.get('RTSP_PASSWORD', '')
    method = os.environ.get('RTSP_AUTH', 'digest')

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(str(port))

    factory = GstRtspServer.RTSPMediaFactory()
    # is-live paces the source like a camera; key-int-max gives a keyframe every second at 15 fps; sliced-threads=false
    # because ffmpeg decodes sliced-thread x264 output from this pipeline with corrupt frames; config-interval=-1 repeats
    # SPS/PPS before every keyframe, as cameras do.
    factory.set_launch(
        f'( videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},framerate={fps}/1 '
        f'! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} sliced-threads=false bitrate=400 '
        '! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=-1 )'
    )
    # One pipeline for all clients, kept between them: a reconnecting client finds the camera already running.
    factory.set_shared(True)

    if username:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, 'viewer')
        # One method at a time: PyGObject sees GstRTSPAuthMethod as an enum, so BASIC | DIGEST cannot be passed.
        if method == 'basic':
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(username, password), token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        else:
            auth.add_digest(username, password, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role('viewer', GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        permissions.add_permission_for_role('viewer', GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(permissions)

    server.get_mount_points().add_factory(mount, factory)
    if server.attach(None) == 0:
        print(f'cannot listen on 127.0.0.1:{port}', file=sys.stderr, flush=True)
        return 1
    print(f'listening rtsp://127.0.0.1:{port}{mount}', flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
