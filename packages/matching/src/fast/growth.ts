// Typed-array growth for the struct-of-arrays stores. Growth allocates, so it is rare by design:
// capacity doubles up to a named maximum, and a book sized for its market never grows in steady
// state (the benchmark prefills past its working set before measuring).

/** Next capacity: doubled, but never past capacityMax. */
export function nextCapacity(capacity: number, capacityMax: number): number {
  return Math.min(capacity * 2, capacityMax);
}

export function growFloat64(array: Float64Array, capacity: number): Float64Array {
  const grown = new Float64Array(capacity);
  grown.set(array);
  return grown;
}

export function growInt32(array: Int32Array, capacity: number): Int32Array {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

/** A larger buffer holding a copy of the records of `buffer` (the rest zeroed). */
export function growRecords(buffer: ArrayBufferLike, byteLength: number): ArrayBuffer {
  const grown = new ArrayBuffer(byteLength);
  new Uint8Array(grown).set(new Uint8Array(buffer));
  return grown;
}
