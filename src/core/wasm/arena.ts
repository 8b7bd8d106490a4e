/**
 * The WebAssembly memory of the wasm backend and its allocator.
 *
 * Memory design: views handed out by `alloc` must stay valid for the life of the backend, yet
 * growing an unshared WebAssembly.Memory detaches every earlier view of its buffer. So:
 * - Shared memory (the default wherever SharedArrayBuffer exists: Node, and browsers that are
 *   cross-origin isolated): growing never detaches a SharedArrayBuffer view, so the arena starts
 *   small and grows on demand up to `maxMemoryMiB`. It is also what worker threads need.
 * - Unshared memory (the fallback): the whole reservation (`reserveMiB`) is the memory's initial
 *   size and the arena never grows it (untouched pages cost no physical memory); running out
 *   throws an error that names the option to raise.
 * The allocator is a bump pointer aligned to 64 bytes with a free list: layers allocate their
 * buffers once, at construction (STYLE.md: no allocation per step), and a model or trainer that is
 * disposed returns them with `free` (first fit, neighbours merged, the top lowered when the freed
 * block ends there), so a page that builds model after model on one backend reuses the same
 * memory. `dispose` ends the arena: views are no longer recognised and every later call throws.
 *
 * Arrays that are not views of this memory (a plain Float32Array, say) are still accepted: the
 * kernels copy them into a staging area above the allocations and copy outputs back after the
 * call. That is correct but slow; allocate with `backend.alloc` to run in place.
 *
 * The native backend (src/core/native/) uses the same arena over a fixed ArrayBuffer that its
 * addon maps once (`FixedMemory`): like unshared memory, it never grows.
 */

import { requireWasm, type WasmMemory } from "./api.js";

const PAGE = 65536;
const ALIGN = 64;
const MIB = 1 << 20;

export interface ArenaOptions {
  /** Use shared memory (default: whenever SharedArrayBuffer and shared WebAssembly memory work). */
  shared?: boolean;
  /** Shared memory: the most the memory may grow to, in MiB (default 1024, at most 4096). */
  maxMemoryMiB?: number;
  /** Unshared memory: the whole reservation, in MiB (default 256). */
  reserveMiB?: number;
}

/** True when this runtime can create a shared WebAssembly.Memory. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  try {
    new (requireWasm().Memory)({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** A memory of fixed size made elsewhere (the native addon's arena), and the backend's name for errors. */
export interface FixedMemory {
  buffer: ArrayBuffer;
  label: string;
}

/** An input or output of one kernel call that lives outside the arena, copied through staging. */
interface Staged {
  array: Float32Array;
  offset: number;
  length: number;
  address: number;
}

export class Arena {
  readonly memory: WasmMemory;
  readonly shared: boolean;
  /** Every buffer object this memory has had (a shared memory gives a new one after each grow). */
  private buffers = new WeakSet<ArrayBufferLike>();
  private top: number;
  private readonly limitBytes: number;
  private staged: Staged[] = [];
  /** How many float arguments were copied through staging so far (0 when every array came from alloc; ids are always copied). */
  foreignCopies = 0;
  private stageTop = 0;
  private readonly label: string;
  /** Bytes of each live `alloc` block, by address. */
  private readonly blocks = new Map<number, number>();
  /** Free blocks below `top` as [start, end) byte ranges, ascending, never adjacent. */
  private freeList: [number, number][] = [];
  private disposed = false;

  constructor(heapBase: number, options: ArenaOptions = {}, fixed?: FixedMemory) {
    this.label = fixed?.label ?? "wasm";
    this.shared = fixed ? false : (options.shared ?? sharedMemoryAvailable());
    if (fixed) {
      this.limitBytes = fixed.buffer.byteLength;
      this.memory = {
        buffer: fixed.buffer,
        grow: () => {
          throw new Error(`${this.label} arena: a fixed memory cannot grow`);
        },
      };
    } else if (this.shared) {
      const maxMiB = options.maxMemoryMiB ?? 1024;
      if (!(maxMiB >= 1 && maxMiB <= 4096))
        throw new Error(`wasm arena: maxMemoryMiB must be in [1, 4096], got ${maxMiB}`);
      this.limitBytes = Math.floor((maxMiB * MIB) / PAGE) * PAGE;
      this.memory = new (requireWasm().Memory)({
        initial: 16,
        maximum: this.limitBytes / PAGE,
        shared: true,
      });
    } else {
      const reserveMiB = options.reserveMiB ?? 256;
      if (!(reserveMiB >= 1 && reserveMiB <= 4096))
        throw new Error(`wasm arena: reserveMiB must be in [1, 4096], got ${reserveMiB}`);
      this.limitBytes = Math.floor((reserveMiB * MIB) / PAGE) * PAGE;
      this.memory = new (requireWasm().Memory)({ initial: this.limitBytes / PAGE });
    }
    this.buffers.add(this.memory.buffer);
    this.top = align(Math.max(heapBase, ALIGN));
  }

  /** Bytes up to the highest block in use (free blocks below it included). */
  get usedBytes(): number {
    return this.top;
  }

  /** Bytes of the `alloc` blocks not freed. */
  get liveBytes(): number {
    let sum = 0;
    for (const bytes of this.blocks.values()) sum += bytes;
    return sum;
  }

  /** A zeroed, 64-byte-aligned Float32Array view of `length` elements, valid until freed. */
  alloc(length: number): Float32Array {
    this.checkLive("alloc");
    if (!Number.isInteger(length) || length < 0)
      throw new Error(`${this.label} alloc: expected a length ≥ 0, got ${length}`);
    // every block has at least ALIGN bytes, so addresses are distinct (free finds a block by it)
    const bytes = Math.max(ALIGN, align(length * 4));
    let address = this.takeFree(bytes);
    if (address < 0) {
      address = align(this.top);
      this.ensure(address + bytes, "alloc");
      this.top = address + bytes;
    }
    this.blocks.set(address, bytes);
    // Read memory.buffer once and remember that very object: V8 may replace a shared memory's
    // buffer object at any interrupt (it refreshes them when memories grow, other isolates
    // included), and a view is recognised by the identity of its buffer.
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    const view = new Float32Array(buffer, address, length);
    view.fill(0); // staging, or the block's last owner, may have used these bytes
    return view;
  }

  /**
   * Returns a view from `alloc` to the arena for reuse; using it afterwards reads and writes
   * memory that may belong to a later allocation.
   */
  free(view: Float32Array | Float64Array): void {
    this.checkLive("free");
    const address = view.byteOffset;
    const bytes = this.owns(view) ? this.blocks.get(address) : undefined;
    if (bytes === undefined)
      throw new Error(
        `${this.label} free: the array (${view.length} elements at byte ${address}) is not a live allocation of this arena (freed twice, a subarray, or from elsewhere)`,
      );
    this.blocks.delete(address);
    let start = address;
    let end = address + bytes;
    // merge with the free neighbours, then lower the top if the block ends there
    const list = this.freeList;
    let i = 0;
    while (i < list.length && (list[i] as [number, number])[1] < start) i++;
    if (i < list.length && (list[i] as [number, number])[1] === start) {
      start = (list[i] as [number, number])[0];
      list.splice(i, 1);
    }
    if (i < list.length && (list[i] as [number, number])[0] === end) {
      end = (list[i] as [number, number])[1];
      list.splice(i, 1);
    }
    if (end >= this.top) this.top = start;
    else list.splice(i, 0, [start, end]);
  }

  /** Ends the arena: its views are no longer recognised and every later call throws. */
  dispose(): void {
    this.disposed = true;
    this.buffers = new WeakSet();
    this.blocks.clear();
    this.freeList = [];
    this.staged = [];
  }

  /** The start of the first free block of at least `bytes` (split off its front), or −1. */
  private takeFree(bytes: number): number {
    const list = this.freeList;
    for (let i = 0; i < list.length; i++) {
      const block = list[i] as [number, number];
      if (block[1] - block[0] < bytes) continue;
      const start = block[0];
      if (block[1] - start === bytes) list.splice(i, 1);
      else block[0] = start + bytes;
      return start;
    }
    return -1;
  }

  private checkLive(what: string): void {
    if (this.disposed) throw new Error(`${this.label} backend: ${what} after dispose()`);
  }

  /** Reserves `bytes` of raw memory (kernel scratch) and returns its address. */
  allocBytes(bytes: number): number {
    this.checkLive("alloc");
    const address = align(this.top);
    this.ensure(address + bytes, "alloc");
    this.top = address + bytes;
    return address;
  }

  /** True when `array` is a view of this memory. */
  owns(array: ArrayBufferView): boolean {
    return this.buffers.has(array.buffer);
  }

  /**
   * The byte address of element `offset` of `array` for a kernel that touches `length` elements
   * from there, after checking the range; arrays outside the arena are copied into staging
   * (`output` ones are copied back by `finishCall`).
   */
  address(
    what: string,
    array: Float32Array | Float64Array,
    offset: number,
    length: number,
    output: boolean,
  ): number {
    if (!(array instanceof Float32Array)) {
      this.abortCall();
      throw new Error(
        `${this.label} backend (float32): ${what} must be a Float32Array, got ${array.constructor.name}`,
      );
    }
    if (length > 0 && (offset < 0 || offset + length > array.length)) {
      this.abortCall();
      throw new Error(
        `${this.label} backend: ${what} needs elements [${offset}, ${offset + length}), array has ${array.length}`,
      );
    }
    if (this.buffers.has(array.buffer)) return array.byteOffset + offset * 4;
    if (this.disposed) {
      this.abortCall();
      throw new Error(`${this.label} backend: ${what} used after dispose()`);
    }
    if (array.buffer === this.memory.buffer) {
      // a view the caller made of memory.buffer itself
      this.buffers.add(array.buffer);
      return array.byteOffset + offset * 4;
    }
    this.foreignCopies++;
    return this.stage(array, offset, length, output);
  }

  /**
   * The byte address of a copy of `ids[offset …]` (`length` int32 symbol ids a kernel reads), in
   * staging like a foreign input: ids are few (one per row) next to the values a kernel reads.
   */
  stageIds(what: string, ids: Int32Array, offset: number, length: number): number {
    if (length > 0 && (offset < 0 || offset + length > ids.length)) {
      this.abortCall();
      throw new Error(
        `${this.label} backend: ${what} needs elements [${offset}, ${offset + length}), array has ${ids.length}`,
      );
    }
    return this.stage(ids, offset, length, false);
  }

  /** Copies staged outputs back to their arrays and frees the staging area. */
  finishCall(): void {
    if (this.staged.length === 0) return;
    const heap = new Float32Array(this.memory.buffer);
    for (const s of this.staged) {
      s.array.set(heap.subarray(s.address >> 2, (s.address >> 2) + s.length), s.offset);
    }
    this.staged = [];
    this.stageTop = 0;
  }

  /** Drops staged copies without writing them back (a call that failed its checks). */
  private abortCall(): void {
    this.staged = [];
    this.stageTop = 0;
  }

  /** Copies a foreign array (float32 values, or int32 ids: 4 bytes each) into staging. */
  private stage(array: Float32Array | Int32Array, offset: number, length: number, output: boolean): number {
    const address = align(Math.max(this.top, this.stageTop));
    if (address + length * 4 > this.limitBytes) this.abortCall();
    this.ensure(address + length * 4, "staging a copy of a foreign array");
    this.stageTop = address + length * 4;
    if (array instanceof Int32Array)
      new Int32Array(this.memory.buffer, address, length).set(array.subarray(offset, offset + length));
    else new Float32Array(this.memory.buffer, address, length).set(array.subarray(offset, offset + length));
    if (output && array instanceof Float32Array) this.staged.push({ array, offset, length, address });
    return address;
  }

  private ensure(endBytes: number, why: string): void {
    const size = this.memory.buffer.byteLength;
    if (endBytes <= size) return;
    if (endBytes > this.limitBytes) {
      const option = this.shared ? "maxMemoryMiB" : "reserveMiB";
      throw new Error(
        `${this.label} backend: out of memory while ${why}: need ${endBytes} bytes, limit ${this.limitBytes} (raise ${option})`,
      );
    }
    // shared memory only: growing an unshared one would detach the views handed out
    this.memory.grow(Math.ceil((endBytes - size) / PAGE));
    this.buffers.add(this.memory.buffer);
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}
