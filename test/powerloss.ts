// A model of what a power loss leaves on disk, built from the operations crash.ts records. POSIX
// promises only what was flushed: a file's bytes after fsync on it, a directory's entries (a new
// file, a rename, a link, a removal, a new folder) after fsync on that directory. So the model
// keeps, per directory, the entries as the process sees them (volatile) and as last flushed
// (durable), and per file the bytes of its last fsync (none: empty). After a power loss each entry
// that changed since its directory's last flush may hold either value, independently (file systems
// reorder unflushed metadata); `view` materialises one such outcome into a folder:
//
//   policy 'durable'   every unflushed change lost
//   policy 'volatile'  every entry change kept, but file bytes only as flushed
//   a number           a seeded random mix of the two, entry by entry
//
// Only paths under `root` are modelled; `root` itself is taken as durable.

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { FsOp } from './crash.js';

type Entry = { kind: 'dir' } | { kind: 'file'; inode: number };
type Dir = Map<string, Entry>;

/** The disk under `root`: volatile and durable directory entries and each file's flushed bytes. */
export class DiskModel {
  private readonly volatile = new Map<string, Dir>();
  private readonly durable = new Map<string, Dir>();
  private readonly flushed = new Map<number, Uint8Array | null>();
  private nextInode = 0;

  /** Starts from `root` as it is now, all of it durable. */
  constructor(readonly root: string) {
    this.scan(root);
  }

  private scan(dir: string): void {
    const entries: Dir = new Map();
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        entries.set(name, { kind: 'dir' });
        this.scan(p);
      } else {
        const inode = this.nextInode++;
        this.flushed.set(inode, new Uint8Array(readFileSync(p)));
        entries.set(name, { kind: 'file', inode });
      }
    }
    this.volatile.set(dir, entries);
    this.durable.set(dir, new Map(entries));
  }

  private inside(p: string): boolean {
    const rel = relative(this.root, p);
    return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
  }

  private get(p: string): Entry | undefined {
    return this.volatile.get(dirname(p))?.get(p.slice(dirname(p).length + 1));
  }

  private set(p: string, entry: Entry | undefined): void {
    const dir = this.volatile.get(dirname(p));
    if (dir === undefined) throw new Error(`powerloss model: ${dirname(p)} is not a known folder (for ${p})`);
    const name = p.slice(dirname(p).length + 1);
    if (entry === undefined) dir.delete(name);
    else dir.set(name, entry);
  }

  /** Applies the recorded operations, in order. */
  apply(ops: readonly FsOp[]): this {
    for (const op of ops) this.step(op);
    return this;
  }

  private step(op: FsOp): void {
    const p = op.path;
    switch (op.kind) {
      case 'open':
      case 'writeFile':
        if (this.inside(p) && this.get(p) === undefined) {
          const inode = this.nextInode++;
          this.flushed.set(inode, null);
          this.set(p, { kind: 'file', inode });
        }
        return;
      case 'sync': {
        if (op.isDir) {
          if (p === this.root || this.inside(p)) this.durable.set(p, new Map(this.volatile.get(p) ?? []));
          return;
        }
        const e = this.inside(p) ? this.get(p) : undefined;
        if (e?.kind === 'file') this.flushed.set(e.inode, op.data ?? null);
        return;
      }
      case 'rename':
      case 'link': {
        if (!this.inside(p) && !this.inside(op.to as string)) return;
        const e = this.get(p);
        if (e === undefined) throw new Error(`powerloss model: ${op.call} of ${p}, which the model does not know`);
        if (e.kind === 'dir') throw new Error(`powerloss model: renaming folders is not modelled (${p})`);
        if (op.kind === 'rename') this.set(p, undefined);
        this.set(op.to as string, e);
        return;
      }
      case 'unlink':
      case 'rm':
        if (this.inside(p) && this.get(p) !== undefined) {
          this.set(p, undefined);
          for (const d of [...this.volatile.keys()]) if (d === p || d.startsWith(p + sep)) this.volatile.delete(d);
        }
        return;
      case 'mkdir': {
        if (op.created === undefined) return;
        const chain: string[] = [];
        for (let d = p; ; d = dirname(d)) {
          chain.unshift(d);
          if (d === op.created || dirname(d) === d) break;
        }
        for (const d of chain) {
          if (!this.inside(d)) continue;
          this.set(d, { kind: 'dir' });
          this.volatile.set(d, new Map());
          this.durable.set(d, new Map());
        }
        return;
      }
      default:
        return; // writes and truncations change bytes only: they count once flushed
    }
  }

  /** Writes the disk after a power loss under `policy` into folder `out` (created); returns it. */
  view(out: string, policy: 'durable' | 'volatile' | number): string {
    let seed = typeof policy === 'number' ? policy * 2654435761 + 1 : 0;
    const coin = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 < 0.5;
    };
    const keepNew = () => (policy === 'durable' ? false : policy === 'volatile' ? true : coin());
    const write = (from: string, to: string): void => {
      mkdirSync(to, { recursive: true });
      const durable = this.durable.get(from) ?? new Map();
      const volatile = this.volatile.get(from) ?? new Map();
      for (const name of new Set([...durable.keys(), ...volatile.keys()])) {
        const d = durable.get(name);
        const v = volatile.get(name);
        const e = sameEntry(d, v) ? d : keepNew() ? v : d;
        if (e === undefined) continue;
        if (e.kind === 'dir') write(join(from, name), join(to, name));
        else writeFileSync(join(to, name), this.flushed.get(e.inode) ?? new Uint8Array(0));
      }
    };
    write(this.root, out);
    return out;
  }
}

function sameEntry(a: Entry | undefined, b: Entry | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.kind === b.kind && (a.kind === 'dir' || a.inode === (b as { inode: number }).inode);
}
