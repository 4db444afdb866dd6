// Panel images through pixi's Assets, counted by user so a scene switch that keeps an image never unloads and reloads it.
import { Assets, type Texture } from 'pixi.js';

export interface ImageRequest {
  /** The URL the server serves the image at. */
  readonly url: string;
  /** An SVG: the browser rasterises it, at `resolution` times its own size. */
  readonly vector: boolean;
  /** Rasterisation density for vector images (1 = the SVG's own pixel size). */
  readonly resolution?: number;
}

export interface ImageLease {
  readonly texture: Promise<Texture>;
  /** Gives the image back; the last user to give it back unloads it. */
  release(): void;
}

interface Entry {
  users: number;
  readonly loading: Promise<Texture>;
}

/** Rasterisation densities are rounded to this step, so nearby window sizes share a texture. */
const RESOLUTION_STEP = 0.25;

export class ImageCache {
  private readonly entries = new Map<string, Entry>();

  acquire(request: ImageRequest): ImageLease {
    const resolution = request.vector ? Math.max(RESOLUTION_STEP, Math.ceil((request.resolution ?? 1) / RESOLUTION_STEP) * RESOLUTION_STEP) : 1;
    // pixi's loader caches by URL: a fragment gives each density its own entry while the browser fetches the same file.
    const key = request.vector ? `${request.url}#resolution=${resolution}` : request.url;
    let entry = this.entries.get(key);
    if (!entry) {
      const loading = Assets.load<Texture>({
        alias: key,
        src: key,
        parser: request.vector ? 'svg' : 'texture',
        data: request.vector ? { resolution, autoGenerateMipmaps: true } : { autoGenerateMipmaps: true },
      });
      const created: Entry = { users: 0, loading };
      entry = created;
      this.entries.set(key, created);
      // A failed load is forgotten, so the next scene that shows the image tries again.
      loading.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      texture: held.loading,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        // Unloads once the load settled, unless someone took the image again meanwhile (the next scene).
        const unloadIfUnused = () => {
          if (held.users > 0 || this.entries.get(key) !== held) return;
          this.entries.delete(key);
          void Assets.unload(key).catch(() => undefined);
        };
        held.loading.then(unloadIfUnused, () => undefined);
      },
    };
  }

  /** Images currently held (for leak checks). */
  get size(): number {
    return this.entries.size;
  }
}
