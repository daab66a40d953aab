// The exchange core: (state, command, timestamp) -> (result code, events). Synchronous, no I/O, no
// clock, no randomness: replaying the same journal always rebuilds the same state, which the state
// hash proves. Invariants are asserted after every command in checked mode (tests, replay audits).

import { assert } from '@parite/kernel';
import { createAsset, createMarket, setReferencePrice, setUser, transfer, updateMarket } from './admin-commands.ts';
import { convertCurrency } from './fx-conversion.ts';
import { amendOrder, cancelAllOrders, cancelOrder } from './order-cancel-amend.ts';
import { placeOrder } from './order-place.ts';
import { configureShard, settleShardTransfer, transferFromShard, transferToShard } from './shards.ts';
import { SettlementSink } from './settlement.ts';
import { ExchangeState } from './state.ts';
import type { CommandResult, ExchangeCommand } from './types.ts';

export interface ExchangeCoreOptions {
  bookKind?: 'fast' | 'naive';
  /** Re-check the ledger invariants after every command (slow; tests and audits). */
  checkInvariants?: boolean;
}

export class ExchangeCore {
  readonly state: ExchangeState;
  private readonly sink: SettlementSink;
  private readonly checkInvariants: boolean;

  constructor(options: ExchangeCoreOptions = {}, state?: ExchangeState) {
    this.state = state ?? new ExchangeState(options.bookKind ?? 'fast');
    this.sink = new SettlementSink(this.state);
    this.checkInvariants = options.checkInvariants ?? false;
  }

  execute(command: ExchangeCommand, timestampMs: number): CommandResult {
    assert(Number.isSafeInteger(timestampMs), 'timestamp must be an integer');
    // The sequencer stamps commands in order; time never runs backwards inside the core. A refused
    // or unchanged command leaves even the clock alone: it changes nothing, so it is not journalled.
    const timestamp = Math.max(timestampMs, this.state.lastTimestampMs);
    const result = this.dispatch(command, timestamp);
    if (result.code === 'OK' && result.unchanged === true) {
      assert(result.events.length === 0, 'an unchanged command must not emit events');
      assert(this.state.ledger.drainTouched().length === 0, 'an unchanged command must not touch the ledger');
    } else if (result.code === 'OK') {
      this.state.lastTimestampMs = timestamp;
      for (const account of this.state.ledger.drainTouched()) {
        result.events.push({
          type: 'balance.changed', ownerId: account.ownerId, assetId: account.assetId,
          balanceUnits: account.balanceUnits, heldUnits: account.heldUnits,
        });
      }
    } else {
      assert(result.events.length === 0, 'a refused command must not emit events');
      assert(this.state.ledger.drainTouched().length === 0, 'a refused command must not touch the ledger');
    }
    if (this.checkInvariants) this.state.ledger.assertInvariants();
    return result;
  }

  private dispatch(command: ExchangeCommand, timestampMs: number): CommandResult {
    const state = this.state;
    switch (command.kind) {
      case 'order.place': return placeOrder(state, this.sink, command, timestampMs);
      case 'order.cancel': return cancelOrder(state, this.sink, command);
      case 'order.amend': return amendOrder(state, this.sink, command);
      case 'order.cancel-all': return cancelAllOrders(state, this.sink, command);
      case 'ledger.transfer': return transfer(state, command);
      case 'fx.convert': return convertCurrency(state, command);
      case 'asset.create': return createAsset(state, command);
      case 'market.create': return createMarket(state, command);
      case 'market.update': return updateMarket(state, command);
      case 'market.reference-price': return setReferencePrice(state, command);
      case 'user.set': return setUser(state, command);
      case 'shard.configure': return configureShard(state, command);
      case 'ledger.shard-out': return transferToShard(state, command);
      case 'ledger.shard-in': return transferFromShard(state, command);
      case 'ledger.shard-settle': return settleShardTransfer(state, command);
    }
  }
}
