// Splits a live fragmented-MP4 byte stream (ffmpeg's stdout) into its init segment and its fragments, at box boundaries, whatever the chunking.
import { Emitter, type Disposable, type Event } from '../../common/contract/events.ts';

/** ftyp + moov: what a MediaSource needs before any fragment, with what the renderer needs to create it. */
export interface InitSegment {
  readonly kind: 'init';
  readonly data: Uint8Array;
  /** e.g. video/mp4; codecs="avc1.42c01e" */
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
}

/** moof + mdat (and any styp, sidx or prft in front of them): one frame with ffmpeg's frag_every_frame. */
export interface MediaFragment {
  readonly kind: 'fragment';
  readonly data: Uint8Array;
  /** The fragment's first sample is a sync sample: a decoder can start here. */
  readonly keyframe: boolean;
  /** tfdt of the video track, in its timescale. */
  readonly baseMediaDecodeTime: number;
}

export interface SplitError {
  readonly kind: 'error';
  readonly message: string;
}

export type SplitOutput = InitSegment | MediaFragment | SplitError;

/** No box of a live camera stream comes near this; a larger size means the stream is out of step, and buffering it would only eat memory. */
export const MAXIMUM_BOX_BYTES = 64 * 1024 * 1024;

/** ISO/IEC 14496-12 §8.8.3.1: sample_is_non_sync_sample, in the sample flags of trex, tfhd and trun. */
const SAMPLE_IS_NON_SYNC = 0x0001_0000;

/** Boxes that may precede a moof and belong to its fragment. */
const FRAGMENT_PREFIX_TYPES = new Set(['styp', 'sidx', 'prft', 'emsg']);

interface VideoTrack {
  readonly trackId: number;
  readonly codec: string;
  readonly width: number;
  readonly height: number;
}

interface InitDescription {
  readonly track: VideoTrack;
  /** trex default_sample_flags by track id. */
  readonly defaultSampleFlags: ReadonlyMap<number, number>;
}

class BoxError extends Error {}

/**
 * Incremental splitter: `push` any chunking of the stream, get `init` once per ftyp+moov and one `fragment` per
 * moof+mdat. Bad data becomes one `error` output and the splitter stops until `reset()` (a stream that lost its box
 * boundaries cannot find them again); `push` itself never throws.
 */
export class Fmp4Splitter implements Disposable {
  private readonly outputEmitter = new Emitter<SplitOutput>();
  readonly onDidSplit: Event<SplitOutput> = this.outputEmitter.event;

  private chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  private failed = false;
  private expectedBox: { readonly type: string; readonly size: number; readonly headerBytes: number } | undefined;
  private fileType: Uint8Array | undefined;
  private init: InitDescription | undefined;
  private fragmentPrefix: Uint8Array[] = [];
  private pendingMovieFragment: { readonly data: Uint8Array; readonly keyframe: boolean; readonly baseMediaDecodeTime: number } | undefined;

  /** Feeds bytes; outputs are fired synchronously, in stream order. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.byteLength;
    try {
      for (let box = this.nextBox(); box !== undefined; box = this.nextBox()) this.handleTopLevelBox(box.type, box.data, box.headerBytes);
    } catch (error) {
      this.fail(error instanceof BoxError ? error.message : `unreadable MP4 stream: ${String(error)}`);
    }
  }

  /** Forgets everything buffered: the next bytes must start a new stream (ftyp, moov, ...). */
  reset(): void {
    this.chunks = [];
    this.bufferedBytes = 0;
    this.expectedBox = undefined;
    this.failed = false;
    this.fileType = undefined;
    this.init = undefined;
    this.fragmentPrefix = [];
    this.pendingMovieFragment = undefined;
  }

  /** Bytes held while waiting for the rest of a box. */
  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  dispose(): void {
    this.reset();
    this.outputEmitter.dispose();
  }

  private fail(message: string): void {
    this.failed = true;
    this.chunks = [];
    this.bufferedBytes = 0;
    this.emit({ kind: 'error', message });
  }

  private emit(output: SplitOutput): void {
    try {
      this.outputEmitter.fire(output);
    } catch {
      // A subscriber's failure is the subscriber's: the stream must keep its place.
    }
  }

  /** The next complete top-level box, removed from the buffer, or undefined while it is still incomplete. */
  private nextBox(): { type: string; data: Uint8Array; headerBytes: number } | undefined {
    // The header is read once per box: a large box arriving in many small chunks is then linear, not quadratic.
    this.expectedBox ??= this.readHeader();
    const expected = this.expectedBox;
    if (expected === undefined || this.bufferedBytes < expected.size) return undefined;
    this.expectedBox = undefined;
    return { type: expected.type, data: this.take(expected.size), headerBytes: expected.headerBytes };
  }

  private readHeader(): { type: string; size: number; headerBytes: number } | undefined {
    if (this.bufferedBytes < 8) return undefined;
    const header = this.peek(Math.min(16, this.bufferedBytes));
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const type = boxType(header, 4);
    // Top-level box types are four letters or digits; anything else means the stream lost its box boundaries.
    if (!/^[A-Za-z0-9]{4}$/.test(type)) throw new BoxError(`not an MP4 box at this point (type bytes '${printable(type)}'): the stream is out of step`);
    let size = view.getUint32(0);
    let headerBytes = 8;
    if (size === 1) {
      if (header.byteLength < 16) return undefined;
      const large = view.getBigUint64(8);
      if (large > BigInt(MAXIMUM_BOX_BYTES)) throw new BoxError(`box '${type}' of ${large} bytes is larger than ${MAXIMUM_BOX_BYTES}: the stream is out of step`);
      size = Number(large);
      headerBytes = 16;
    } else if (size === 0) {
      throw new BoxError(`box '${type}' runs to the end of the file, which a live stream never has`);
    }
    if (size < headerBytes) throw new BoxError(`box '${type}' claims ${size} bytes, less than its own header`);
    if (size > MAXIMUM_BOX_BYTES) throw new BoxError(`box '${type}' of ${size} bytes is larger than ${MAXIMUM_BOX_BYTES}: the stream is out of step`);
    return { type, size, headerBytes };
  }

  /** The first `count` buffered bytes (count ≤ bufferedBytes), copied only when they span chunks. */
  private peek(count: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.byteLength >= count) return first.subarray(0, count);
    const result = new Uint8Array(count);
    let offset = 0;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(0, count - offset);
      result.set(part, offset);
      offset += part.byteLength;
      if (offset === count) break;
    }
    return result;
  }

  /** Removes and returns the first `count` bytes, copied into one array of their own (a subscriber may keep it long after). */
  private take(count: number): Uint8Array {
    const result = new Uint8Array(count);
    let offset = 0;
    let used = 0;
    while (offset < count) {
      const chunk = this.chunks[used]!;
      const wanted = count - offset;
      if (chunk.byteLength <= wanted) {
        result.set(chunk, offset);
        offset += chunk.byteLength;
        used += 1;
      } else {
        result.set(chunk.subarray(0, wanted), offset);
        this.chunks[used] = chunk.subarray(wanted);
        offset = count;
      }
    }
    this.chunks.splice(0, used);
    this.bufferedBytes -= count;
    return result;
  }

  private handleTopLevelBox(type: string, data: Uint8Array, headerBytes: number): void {
    switch (type) {
      case 'ftyp':
        this.fileType = data;
        return;
      case 'moov': {
        const description = describeMovie(data.subarray(headerBytes));
        this.init = description;
        this.fragmentPrefix = [];
        this.pendingMovieFragment = undefined;
        const { track } = description;
        this.emit({
          kind: 'init',
          data: this.fileType === undefined ? data : concatenate([this.fileType, data]),
          mimeType: `video/mp4; codecs="${track.codec}"`,
          width: track.width,
          height: track.height,
        });
        return;
      }
      case 'moof': {
        if (this.init === undefined) throw new BoxError('a movie fragment (moof) came before the init segment (moov)');
        if (this.pendingMovieFragment !== undefined) throw new BoxError('two movie fragments (moof) without media data (mdat) between them');
        const summary = describeMovieFragment(data.subarray(headerBytes), this.init);
        this.pendingMovieFragment = { data, ...summary };
        return;
      }
      case 'mdat': {
        const movieFragment = this.pendingMovieFragment;
        if (movieFragment === undefined) throw new BoxError('media data (mdat) without a movie fragment (moof) before it');
        this.pendingMovieFragment = undefined;
        const parts = [...this.fragmentPrefix, movieFragment.data, data];
        this.fragmentPrefix = [];
        this.emit({ kind: 'fragment', data: concatenate(parts), keyframe: movieFragment.keyframe, baseMediaDecodeTime: movieFragment.baseMediaDecodeTime });
        return;
      }
      default:
        // Anything else (free, skip, uuid, mfra, boxes of a newer muxer) is skipped rather than fatal: a viewer needs none of it.
        if (FRAGMENT_PREFIX_TYPES.has(type)) this.fragmentPrefix.push(data);
    }
  }
}

/** The children of a box's payload, in order. */
function childBoxes(payload: Uint8Array): { type: string; payload: Uint8Array }[] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const children: { type: string; payload: Uint8Array }[] = [];
  let offset = 0;
  while (offset + 8 <= payload.byteLength) {
    let size = view.getUint32(offset);
    const type = boxType(payload, offset + 4);
    let headerBytes = 8;
    if (size === 1) {
      if (offset + 16 > payload.byteLength) throw new BoxError(`box '${printable(type)}' is cut short`);
      size = Number(view.getBigUint64(offset + 8));
      headerBytes = 16;
    } else if (size === 0) {
      size = payload.byteLength - offset;
    }
    if (size < headerBytes || offset + size > payload.byteLength) throw new BoxError(`box '${printable(type)}' overruns its parent`);
    children.push({ type, payload: payload.subarray(offset + headerBytes, offset + size) });
    offset += size;
  }
  return children;
}

function child(payload: Uint8Array, type: string): Uint8Array | undefined {
  return childBoxes(payload).find((box) => box.type === type)?.payload;
}

function requireChild(payload: Uint8Array, type: string, where: string): Uint8Array {
  const found = child(payload, type);
  if (found === undefined) throw new BoxError(`the ${where} has no '${type}' box`);
  return found;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function need(bytes: Uint8Array, count: number, what: string): void {
  if (bytes.byteLength < count) throw new BoxError(`the '${what}' box is cut short`);
}

/** moov → the first video track (its codec string and size) and the trex defaults of every track. */
function describeMovie(movie: Uint8Array): InitDescription {
  let track: VideoTrack | undefined;
  for (const box of childBoxes(movie)) {
    if (box.type !== 'trak' || track !== undefined) continue;
    track = describeVideoTrack(box.payload);
  }
  if (track === undefined) throw new BoxError('the init segment has no video track');
  const defaultSampleFlags = new Map<number, number>();
  const movieExtends = child(movie, 'mvex');
  if (movieExtends !== undefined) {
    for (const box of childBoxes(movieExtends)) {
      if (box.type !== 'trex') continue;
      need(box.payload, 24, 'trex');
      const view = viewOf(box.payload);
      defaultSampleFlags.set(view.getUint32(4), view.getUint32(20));
    }
  }
  return { track, defaultSampleFlags };
}

function describeVideoTrack(trackBox: Uint8Array): VideoTrack | undefined {
  const media = requireChild(trackBox, 'mdia', 'track');
  const handler = requireChild(media, 'hdlr', 'track media');
  need(handler, 12, 'hdlr');
  if (boxType(handler, 8) !== 'vide') return undefined;
  const header = requireChild(trackBox, 'tkhd', 'track');
  need(header, 1, 'tkhd');
  const version = header[0];
  need(header, version === 1 ? 24 : 16, 'tkhd');
  const trackId = viewOf(header).getUint32(version === 1 ? 20 : 12);
  const sampleTable = requireChild(requireChild(requireChild(media, 'minf', 'track media'), 'stbl', 'media information'), 'stsd', 'sample table');
  need(sampleTable, 8, 'stsd');
  const [entry] = childBoxes(sampleTable.subarray(8));
  if (entry === undefined) throw new BoxError('the video track describes no sample entry');
  // VisualSampleEntry (§12.1.3): width and height after 24 bytes of reserved and predefined fields, child boxes after 78.
  need(entry.payload, 78, entry.type);
  const entryView = viewOf(entry.payload);
  const width = entryView.getUint16(24);
  const height = entryView.getUint16(26);
  if (entry.type !== 'avc1' && entry.type !== 'avc3') {
    throw new BoxError(`the video is '${printable(entry.type)}', not H.264 (avc1): the wall plays H.264 only; set the camera or its sub-stream to H.264`);
  }
  const configuration = requireChild(entry.payload.subarray(78), 'avcC', `${entry.type} sample entry`);
  need(configuration, 4, 'avcC');
  const hex = (value: number): string => value.toString(16).padStart(2, '0');
  const codec = `${entry.type}.${hex(configuration[1]!)}${hex(configuration[2]!)}${hex(configuration[3]!)}`;
  if (width === 0 || height === 0) throw new BoxError('the video track has no picture size');
  return { trackId, codec, width, height };
}

/** moof → whether the video track's first sample is a sync sample, and its decode time. */
function describeMovieFragment(movieFragment: Uint8Array, init: InitDescription): { keyframe: boolean; baseMediaDecodeTime: number } {
  for (const box of childBoxes(movieFragment)) {
    if (box.type !== 'traf') continue;
    const trackFragment = box.payload;
    const header = requireChild(trackFragment, 'tfhd', 'track fragment');
    need(header, 8, 'tfhd');
    const headerView = viewOf(header);
    const headerFlags = headerView.getUint32(0) & 0xff_ffff;
    const trackId = headerView.getUint32(4);
    if (trackId !== init.track.trackId) continue;
    // tfhd optional fields in order: base_data_offset (8), sample_description_index, default duration, size, flags (4 each).
    let offset = 8;
    if (headerFlags & 0x01) offset += 8;
    if (headerFlags & 0x02) offset += 4;
    if (headerFlags & 0x08) offset += 4;
    if (headerFlags & 0x10) offset += 4;
    let defaultFlags = init.defaultSampleFlags.get(trackId);
    if (headerFlags & 0x20) {
      need(header, offset + 4, 'tfhd');
      defaultFlags = headerView.getUint32(offset);
    }

    const decodeTimeBox = child(trackFragment, 'tfdt');
    let baseMediaDecodeTime = 0;
    if (decodeTimeBox !== undefined) {
      need(decodeTimeBox, 8, 'tfdt');
      const view = viewOf(decodeTimeBox);
      if (decodeTimeBox[0] === 1) {
        need(decodeTimeBox, 12, 'tfdt');
        baseMediaDecodeTime = Number(view.getBigUint64(4));
      } else baseMediaDecodeTime = view.getUint32(4);
    }

    const run = child(trackFragment, 'trun');
    let firstSampleFlags: number | undefined;
    if (run !== undefined) {
      need(run, 8, 'trun');
      const view = viewOf(run);
      const runFlags = view.getUint32(0) & 0xff_ffff;
      const sampleCount = view.getUint32(4);
      let position = 8;
      if (runFlags & 0x01) position += 4;
      if (runFlags & 0x04) {
        need(run, position + 4, 'trun');
        firstSampleFlags = view.getUint32(position);
      } else if (runFlags & 0x400 && sampleCount > 0) {
        // First sample's record: optional duration and size come before its flags.
        if (runFlags & 0x100) position += 4;
        if (runFlags & 0x200) position += 4;
        need(run, position + 4, 'trun');
        firstSampleFlags = view.getUint32(position);
      }
    }
    const flags = firstSampleFlags ?? defaultFlags;
    // Without any flags the stream says nothing about sync samples: by the format's default every sample is one.
    return { keyframe: flags === undefined || (flags & SAMPLE_IS_NON_SYNC) === 0, baseMediaDecodeTime };
  }
  throw new BoxError(`a movie fragment has no data for the video track (track ${init.track.trackId})`);
}

function boxType(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset] ?? 0, bytes[offset + 1] ?? 0, bytes[offset + 2] ?? 0, bytes[offset + 3] ?? 0);
}

function printable(type: string): string {
  return [...type].map((character) => (/[\x20-\x7e]/.test(character) ? character : `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('');
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const result = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.byteLength;
  }
  return result;
}
