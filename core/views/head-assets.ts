/** A stylesheet or script a plugin links from the head of every page (`ctx.views.stylesheet/script`). */
export interface HeadAsset {
  kind: 'stylesheet' | 'script';
  /** Site path of the file (`/plugins/<id>/assets/<file>`). */
  href: string;
}

export interface HeadAssets {
  /** Adds a link to every page's head; returns the undo. */
  add(owner: string, asset: HeadAsset): () => void;
  list(): readonly HeadAsset[];
  /** Bumped on every change: the page cache keys on it. */
  readonly version: number;
}

export function createHeadAssets(): HeadAssets {
  let entries: Array<{ owner: string; asset: HeadAsset }> = [];
  let listed: HeadAsset[] = [];
  let version = 0;
  const changed = () => {
    listed = entries.map((e) => e.asset);
    version++;
  };
  return {
    add(owner, asset) {
      const entry = { owner, asset: { ...asset } };
      entries = [...entries, entry];
      changed();
      return () => {
        entries = entries.filter((e) => e !== entry);
        changed();
      };
    },
    list: () => listed,
    get version() {
      return version;
    },
  };
}
