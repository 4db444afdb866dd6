// The fMP4 splitter on real ffmpeg output: same init and fragments whatever the chunking, keyframes where x264 put them, codec string from avcC, bad data reported.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegOutput, requireFfmpeg } from './ffmpeg.ts';
import { Fmp4Splitter, MAXIMUM_BOX_BYTES, type InitSegment, type MediaFragment, type SplitOutput } from './fmp4.ts';

const ffmpegIt = requireFfmpeg() ? it : it.skip;

const FRAMES = 30;
const GOP = 15;

/** Two seconds of 320x180 at 15 fps, a keyframe every 15 frames, one fragment per frame: what a feed's ffmpeg writes. */
function recordTestPattern(profile: 'baseline' | 'high'): Promise<Buffer> {
  return ffmpegOutput([
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=15',
    '-frames:v',
    String(FRAMES),
    '-c:v',
    'libx264',
    '-preset',
    // ultrafast leaves out every High profile tool, and x264 then signals Constrained Baseline whatever -profile says.
    profile === 'high' ? 'veryfast' : 'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    profile,
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(GOP),
    '-keyint_min',
    String(GOP),
    '-sc_threshold',
    '0',
    '-f',
    'mp4',
    '-movflags',
    'empty_moov+default_base_moof+frag_every_frame',
    'pipe:1',
  ]);
}

/** Outputs with their bytes replaced by a digest: deep equality over typed arrays byte by byte is slow in expect. */
function summarised(outputs: readonly SplitOutput[]): unknown[] {
  return outputs.map((output) => (output.kind === 'error' ? output : { ...output, data: createHash('sha256').update(output.data).digest('hex') }));
}

function split(chunks: Iterable<Uint8Array>): SplitOutput[] {
  const splitter = new Fmp4Splitter();
  const outputs: SplitOutput[] = [];
  splitter.onDidSplit((output) => outputs.push(output));
  for (const chunk of chunks) splitter.push(chunk);
  return outputs;
}

function* chunked(data: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  let offset = 0;
  let index = 0;
  while (offset < data.byteLength) {
    const size = sizes.length === 0 ? data.byteLength : sizes[index++ % sizes.length]!;
    yield data.subarray(offset, offset + size);
    offset += size;
  }
}

function concatenated(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)));
}

describe('Fmp4Splitter', () => {
  let baseline: Buffer;
  let high: Buffer;
  beforeAll(async () => {
    if (!requireFfmpeg()) return;
    [baseline, high] = await Promise.all([recordTestPattern('baseline'), recordTestPattern('high')]);
  });

  ffmpegIt('finds the init segment, the codec string, the picture size and one fragment per frame with a keyframe every GOP', () => {
    const outputs = split([baseline]);
    const [init, ...fragments] = outputs as [InitSegment, ...MediaFragment[]];
    expect(init.kind).toBe('init');
    // x264's constrained baseline: profile 66 (0x42), constraint flags 0xc0; level 1.2 for 320x180 at 15 fps.
    expect(init.mimeType).toMatch(/^video\/mp4; codecs="avc1\.42c0[0-9a-f]{2}"$/);
    expect(init).toMatchObject({ width: 320, height: 180 });
    expect(Buffer.from(init.data.subarray(4, 8)).toString('latin1')).toBe('ftyp');
    expect(fragments).toHaveLength(FRAMES);
    expect(fragments.every((fragment) => fragment.kind === 'fragment')).toBe(true);
    expect(fragments.map((fragment, index) => (fragment.keyframe ? index : -1)).filter((index) => index >= 0)).toEqual([0, 15]);
    // Decode times grow by one frame (the track timescale is a multiple of 15).
    const times = fragments.map((fragment) => fragment.baseMediaDecodeTime);
    const step = times[1]! - times[0]!;
    expect(step).toBeGreaterThan(0);
    expect(times).toEqual(times.map((_, index) => times[0]! + index * step));
    // Nothing lost, nothing added: init and fragments are the stream, but for the random-access index (mfra) ffmpeg
    // appends when it ends, which a live viewer never needs.
    const joined = concatenated([init.data, ...fragments.map((fragment) => fragment.data)]);
    expect(joined.equals(baseline.subarray(0, joined.byteLength))).toBe(true);
    expect(baseline.subarray(joined.byteLength + 4, joined.byteLength + 8).toString('latin1')).toBe('mfra');
    expect(baseline.readUInt32BE(joined.byteLength)).toBe(baseline.byteLength - joined.byteLength);
  });

  ffmpegIt('reads the high profile codec string', () => {
    const [init] = split([high]);
    expect(init).toMatchObject({ kind: 'init', width: 320, height: 180 });
    expect((init as InitSegment).mimeType).toMatch(/^video\/mp4; codecs="avc1\.6400[0-9a-f]{2}"$/);
  });

  ffmpegIt('gives the same outputs whatever the chunk sizes', () => {
    const whole = summarised(split([baseline]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        expect(summarised(split(chunked(baseline, sizes)))).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  ffmpegIt('works byte by byte', () => {
    expect(summarised(split(chunked(baseline, [1])))).toEqual(summarised(split([baseline])));
  });

  ffmpegIt('puts styp and prft boxes in front of their fragment', () => {
    const styp = box('styp', Buffer.from('msdh\0\0\0\0msdhmsix', 'latin1'));
    const prft = box('prft', Buffer.alloc(20));
    const outputs = split([baseline]);
    const init = outputs[0] as InitSegment;
    const [first, second] = outputs.slice(1) as MediaFragment[];
    const stream = concatenated([init.data, styp, first!.data, prft, second!.data]);
    const again = split(chunked(stream, [7, 300, 11]));
    expect(again).toHaveLength(3);
    expect(concatenated([(again[1] as MediaFragment).data]).equals(concatenated([styp, first!.data]))).toBe(true);
    expect(concatenated([(again[2] as MediaFragment).data]).equals(concatenated([prft, second!.data]))).toBe(true);
  });

  ffmpegIt('reads 64-bit box sizes', () => {
    const outputs = split([baseline]);
    const init = outputs[0] as InitSegment;
    const fragment = outputs[1] as MediaFragment;
    // The same fragment with its mdat written with a 64-bit size (size field 1, then the large size).
    const moofSize = Buffer.from(fragment.data).readUInt32BE(0);
    const moof = fragment.data.subarray(0, moofSize);
    const mdatPayload = fragment.data.subarray(moofSize + 8);
    const largeMdat = Buffer.alloc(16 + mdatPayload.byteLength);
    largeMdat.writeUInt32BE(1, 0);
    largeMdat.write('mdat', 4, 'latin1');
    largeMdat.writeBigUInt64BE(BigInt(largeMdat.byteLength), 8);
    largeMdat.set(mdatPayload, 16);
    const again = split(chunked(concatenated([init.data, moof, largeMdat]), [5, 9, 13]));
    expect(again.map((output) => output.kind)).toEqual(['init', 'fragment']);
    expect(again[1]).toMatchObject({ keyframe: true, baseMediaDecodeTime: fragment.baseMediaDecodeTime });
  });

  ffmpegIt('reports bad data once, never throws, and stops until reset', () => {
    const splitter = new Fmp4Splitter();
    const outputs: SplitOutput[] = [];
    splitter.onDidSplit((output) => outputs.push(output));
    expect(() => splitter.push(Buffer.from('this is no mp4 at all, just text', 'latin1'))).not.toThrow();
    expect(() => splitter.push(baseline)).not.toThrow();
    expect(outputs).toEqual([{ kind: 'error', message: expect.stringContaining('not an MP4 box') }]);
    splitter.reset();
    splitter.push(baseline);
    expect(outputs.slice(1).map((output) => output.kind)).toEqual(['init', ...Array<string>(FRAMES).fill('fragment')]);
    splitter.dispose();
  });

  ffmpegIt('reports a fragment before any init segment, a huge box and a truncated moov', () => {
    const outputs = split([baseline]);
    const fragment = outputs[1] as MediaFragment;
    expect(split([fragment.data])).toEqual([{ kind: 'error', message: expect.stringContaining('before the init segment') }]);

    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(MAXIMUM_BOX_BYTES + 1, 0);
    huge.write('mdat', 4, 'latin1');
    expect(split([huge])).toEqual([{ kind: 'error', message: expect.stringContaining('larger than') }]);

    const init = (outputs[0] as InitSegment).data;
    const ftypSize = Buffer.from(init).readUInt32BE(0);
    const moov = Buffer.from(init.subarray(ftypSize));
    // Claims its full size but the avc1 entry inside is cut: size fields of inner boxes now overrun their parents.
    const broken = Buffer.concat([moov.subarray(0, 8), moov.subarray(8, moov.byteLength - 200), Buffer.alloc(200, 0xff)]);
    const result = split([init.subarray(0, ftypSize), broken]);
    expect(result).toHaveLength(1);
    expect(result[0]?.kind).toBe('error');
  });

  ffmpegIt('keeps going when a subscriber throws', () => {
    const splitter = new Fmp4Splitter();
    let fragments = 0;
    splitter.onDidSplit(() => {
      throw new Error('subscriber bug');
    });
    splitter.onDidSplit((output) => {
      if (output.kind === 'fragment') fragments += 1;
    });
    expect(() => splitter.push(baseline)).not.toThrow();
    expect(fragments).toBe(FRAMES);
  });
});

function box(type: string, payload: Uint8Array): Buffer {
  const result = Buffer.alloc(8 + payload.byteLength);
  result.writeUInt32BE(result.byteLength, 0);
  result.write(type, 4, 'latin1');
  result.set(payload, 8);
  return result;
}
