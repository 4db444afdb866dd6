// The page's camera feeds, one per camera id, shared by every tile that shows the camera and counted, so a scene switch that keeps a camera never reconnects it.
import { Emitter, type Disposable, type Scheduler } from '../../../common/contract/events.ts';

export interface FeedLease<Feed> {
  readonly feed: Feed;
  /** Gives the feed back (once; later calls do nothing). The last tile to give it back closes it, a moment later. */
  release(): void;
}

/** What a panel asks the page for: the feed of one camera, for as long as it holds the lease. */
export interface FeedSource<Feed> {
  acquire(cameraId: string): FeedLease<Feed>;
}

interface Entry<Feed> {
  readonly feed: Feed;
  users: number;
  /** Set while nobody uses the feed: it is disposed when this fires, unless a tile takes it first. */
  disposal: Disposable | undefined;
}

/**
 * A feed nobody uses is disposed on the next task, not at once: a full assignment drops the scene waiting
 * off-screen before it builds the new one, and a camera in both must not reconnect in between. A two-phase
 * switch needs no delay: the prepared scene acquires long before the old one releases.
 */
export class CameraFeeds<Feed extends Disposable> implements FeedSource<Feed>, Disposable {
  private readonly entries = new Map<string, Entry<Feed>>();
  private readonly changed = new Emitter<void>();
  /** A feed was made or disposed, or a tile took or gave one back. */
  readonly onDidChange = this.changed.event;
  private disposed = false;

  constructor(
    private readonly create: (cameraId: string) => Feed,
    private readonly scheduler: Pick<Scheduler, 'setTimeout'>,
  ) {}

  acquire(cameraId: string): FeedLease<Feed> {
    if (this.disposed) throw new Error('the camera feeds are disposed');
    let entry = this.entries.get(cameraId);
    if (!entry) {
      entry = { feed: this.create(cameraId), users: 0, disposal: undefined };
      this.entries.set(cameraId, entry);
    }
    entry.disposal?.dispose();
    entry.disposal = undefined;
    entry.users++;
    const held = entry;
    let released = false;
    this.changed.fire();
    return {
      feed: held.feed,
      release: () => {
        if (released) return;
        released = true;
        this.release(cameraId, held);
      },
    };
  }

  /** Feeds alive now (each holds one <video>), unused ones waiting for their disposal included. */
  get size(): number {
    return this.entries.size;
  }

  /** How many leases of a camera are held (tiles on screen plus tiles of a scene built off-screen). */
  users(cameraId: string): number {
    return this.entries.get(cameraId)?.users ?? 0;
  }

  /** Every live feed with its camera id and lease count. */
  *feeds(): IterableIterator<{ readonly cameraId: string; readonly feed: Feed; readonly users: number }> {
    for (const [cameraId, entry] of this.entries) yield { cameraId, feed: entry.feed, users: entry.users };
  }

  /** Disposes every feed at once, used or not (the page goes away). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [cameraId, entry] of [...this.entries]) this.disposeEntry(cameraId, entry);
    this.changed.dispose();
  }

  private release(cameraId: string, entry: Entry<Feed>): void {
    if (this.disposed || this.entries.get(cameraId) !== entry) return;
    entry.users--;
    if (entry.users === 0) entry.disposal = this.scheduler.setTimeout(() => this.disposeEntry(cameraId, entry), 0);
    this.changed.fire();
  }

  private disposeEntry(cameraId: string, entry: Entry<Feed>): void {
    if (this.entries.get(cameraId) !== entry) return;
    entry.disposal?.dispose();
    entry.disposal = undefined;
    this.entries.delete(cameraId);
    try {
      entry.feed.dispose();
    } catch (error) {
      console.error(`closing camera ${cameraId} failed:`, error);
    }
    if (!this.disposed) this.changed.fire();
  }
}
