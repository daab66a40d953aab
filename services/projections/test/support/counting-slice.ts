// A time slice with no budget (it yields at every clock reading) that counts its pauses: tests use it
// to prove that a long loop gives the event loop back.
import { TimeSlice } from '../../src/storage/time-slice.ts';

export class CountingSlice extends TimeSlice {
  pauses = 0;
  constructor() {
    super(0);
  }
  override async pause(): Promise<void> {
    this.pauses++;
    await super.pause();
  }
}
