/**
 * Open-addressing hash map from a pair of int32 keys to int32 values, for hot loops where a
 * JavaScript Map of large integer keys would box them. Grows by doubling; never shrinks.
 */
export class IntHashMap {
  private keys: Int32Array;
  private keys2: Int32Array;
  private values: Int32Array;
  private used: Uint8Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 16) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.keys = new Int32Array(size);
    this.keys2 = new Int32Array(size);
    this.values = new Int32Array(size);
    this.used = new Uint8Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Value stored for (`key`, `key2`), or -1 when absent. */
  get(key: number, key2 = 0): number {
    let i = IntHashMap.slot(key, key2) & this.mask;
    const keys = this.keys;
    const keys2 = this.keys2;
    const used = this.used;
    while (used[i] === 1) {
      if (keys[i] === key && keys2[i] === key2) return this.values[i] as number;
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  set(key: number, value: number, key2 = 0): void {
    if ((this.count + 1) * 2 > this.keys.length) this.resize();
    let i = IntHashMap.slot(key, key2) & this.mask;
    while (this.used[i] === 1) {
      if (this.keys[i] === key && this.keys2[i] === key2) {
        this.values[i] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.used[i] = 1;
    this.keys[i] = key;
    this.keys2[i] = key2;
    this.values[i] = value;
    this.count++;
  }

  private static slot(key: number, key2: number): number {
    const h = Math.imul(key ^ (key >>> 16), 0x45d9f3b) ^ Math.imul(key2, 0x27d4eb2d);
    return h ^ (h >>> 15);
  }

  private resize(): void {
    const { keys, keys2, values, used } = this;
    const size = keys.length * 2;
    this.keys = new Int32Array(size);
    this.keys2 = new Int32Array(size);
    this.values = new Int32Array(size);
    this.used = new Uint8Array(size);
    this.mask = size - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (used[i] === 1) this.set(keys[i] as number, values[i] as number, keys2[i] as number);
  }
}
