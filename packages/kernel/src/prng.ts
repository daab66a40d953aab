// Seeded PRNG (sfc32) for workloads, simulations and property tests: same seed, same run.
// Domain code never calls Math.random; randomness is an input.

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let round = 0; round < 15; round++) this.nextUint32();
  }

  nextUint32(): number {
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1); for workload shaping only, never for money. */
  nextUnit(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [minimum, maximum] inclusive. */
  nextIntegerInclusive(minimum: number, maximum: number): number {
    return minimum + Math.floor(this.nextUnit() * (maximum - minimum + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.nextUnit() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}
