// Double-entry ledger with holds, in memory, inside the deterministic core.
//
// Every owner has one account per asset. An account's balance is credits minus debits, so user
// accounts are non-negative and the External account goes negative by what was deposited: the sum
// of all balances of one asset is always zero. A hold reserves part of a user's balance for an open
// order (held <= balance); it moves no money, so it is not a posting. Settlement debits held funds.

import { assert } from '@parite/kernel';
import type { LedgerLeg } from './types.ts';

export interface LedgerAccount {
  ownerId: number;
  assetId: number;
  balanceUnits: bigint;
  heldUnits: bigint;
}

/**
 * No balance may leave +/- (2^63 - 1) units: read models store amounts as int8, and a bound makes
 * every sum in the ledger finite and checkable.
 */
export const balanceUnitsMax = 2n ** 63n - 1n;

export type PostingCheck = 'ok' | 'insufficient' | 'limit';

/** Asset ids are small; keys combine owner and asset into one number for a fast Map lookup. */
export const assetIdMax = 1023;

function accountKey(ownerId: number, assetId: number): number {
  return ownerId * (assetIdMax + 1) + assetId;
}

/** System accounts (External, Fees, Liquidity) have ids <= 0 and may go negative. */
function mayGoNegative(ownerId: number): boolean {
  return ownerId <= 0;
}

export interface LegApplication {
  leg: LedgerLeg;
  /** Take the debit from the debit account's held funds (order settlement) instead of available. */
  fromHeld: boolean;
}

/** Touched accounts kept in a plain array before a Set indexes them (see Ledger.touched). */
const touchedScanMax = 16;

export class Ledger {
  private readonly accounts = new Map<number, LedgerAccount>();
  private readonly accountsByOwner = new Map<number, LedgerAccount[]>();
  /**
   * Accounts touched since the last drain, for balance.changed events, in first-touch order. A
   * command touches a handful of accounts, where a scan of a short array beats a Set (whose clear()
   * allocates a fresh table on every command); a sweep through many makers switches to the Set.
   */
  private touched: LedgerAccount[] = [];
  private touchedIndex: Set<LedgerAccount> | undefined;

  account(ownerId: number, assetId: number): LedgerAccount {
    assert(Number.isSafeInteger(ownerId), 'owner id must be a safe integer');
    assert(assetId >= 0 && assetId <= assetIdMax, 'asset id out of range');
    const key = accountKey(ownerId, assetId);
    let account = this.accounts.get(key);
    if (account === undefined) {
      account = { ownerId, assetId, balanceUnits: 0n, heldUnits: 0n };
      this.insert(key, account);
    }
    return account;
  }

  peek(ownerId: number, assetId: number): LedgerAccount | undefined {
    return this.accounts.get(accountKey(ownerId, assetId));
  }

  availableUnits(ownerId: number, assetId: number): bigint {
    const account = this.peek(ownerId, assetId);
    return account === undefined ? 0n : account.balanceUnits - account.heldUnits;
  }

  /** Reserves funds; false (and nothing changes) when the available balance is short. */
  hold(ownerId: number, assetId: number, amountUnits: bigint): boolean {
    assert(amountUnits >= 0n, 'hold must not be negative');
    if (amountUnits === 0n) return true;
    const account = this.peek(ownerId, assetId);
    if (account === undefined || account.balanceUnits - account.heldUnits < amountUnits) return false;
    account.heldUnits += amountUnits;
    this.touch(account);
    return true;
  }

  release(ownerId: number, assetId: number, amountUnits: bigint): void {
    assert(amountUnits >= 0n, 'release must not be negative');
    if (amountUnits === 0n) return;
    const account = this.account(ownerId, assetId);
    assert(account.heldUnits >= amountUnits, 'release exceeds held funds');
    account.heldUnits -= amountUnits;
    this.touch(account);
  }

  /**
   * Checks that every leg can be applied (funds available or held), then applies them all; a
   * posting is all or nothing. Legs are balanced by construction: each moves one amount from a
   * debit account to a credit account of the same asset.
   */
  canPost(applications: readonly LegApplication[]): boolean {
    return this.checkPosting(applications) === 'ok';
  }

  checkPosting(applications: readonly LegApplication[]): PostingCheck {
    // Legs apply in order and a later leg may spend what an earlier one credited (a seller pays its
    // fee out of the proceeds), so the check replays every leg on scratch balances. It creates no
    // accounts: a refused posting must leave the ledger exactly as it was.
    const pending = new Map<number, { balance: bigint; held: bigint }>();
    const stateOf = (ownerId: number, assetId: number) => {
      const key = accountKey(ownerId, assetId);
      let state = pending.get(key);
      if (state === undefined) {
        const account = this.accounts.get(key);
        state = { balance: account?.balanceUnits ?? 0n, held: account?.heldUnits ?? 0n };
        pending.set(key, state);
      }
      return state;
    };
    for (const { leg, fromHeld } of applications) {
      if (leg.amountUnits <= 0n || leg.debitOwnerId === leg.creditOwnerId) return 'insufficient';
      const debitState = stateOf(leg.debitOwnerId, leg.assetId);
      debitState.balance -= leg.amountUnits;
      if (fromHeld) debitState.held -= leg.amountUnits;
      const creditState = stateOf(leg.creditOwnerId, leg.assetId);
      creditState.balance += leg.amountUnits;
      if (creditState.balance > balanceUnitsMax || debitState.balance < -balanceUnitsMax) return 'limit';
      if (mayGoNegative(leg.debitOwnerId)) continue;
      if (debitState.held < 0n || debitState.balance < debitState.held) return 'insufficient';
    }
    return 'ok';
  }

  post(applications: readonly LegApplication[]): void {
    assert(this.canPost(applications), 'posting would overdraw an account');
    for (const { leg, fromHeld } of applications) {
      const debit = this.account(leg.debitOwnerId, leg.assetId);
      const credit = this.account(leg.creditOwnerId, leg.assetId);
      debit.balanceUnits -= leg.amountUnits;
      if (fromHeld) debit.heldUnits -= leg.amountUnits;
      credit.balanceUnits += leg.amountUnits;
      this.touch(debit);
      this.touch(credit);
    }
  }

  /** Accounts changed since the previous call, in first-touch order. */
  drainTouched(): LedgerAccount[] {
    const changed = this.touched;
    if (changed.length === 0) return changed;
    this.touched = [];
    this.touchedIndex = undefined;
    return changed;
  }

  private touch(account: LedgerAccount): void {
    const index = this.touchedIndex;
    if (index !== undefined) {
      if (index.has(account)) return;
      index.add(account);
    } else if (this.touched.includes(account)) {
      return;
    } else if (this.touched.length >= touchedScanMax) {
      this.touchedIndex = new Set(this.touched).add(account);
    }
    this.touched.push(account);
  }

  /** Sum of balances per asset; the invariant is that every sum is zero. */
  sumByAsset(): Map<number, bigint> {
    const sums = new Map<number, bigint>();
    for (const account of this.accounts.values()) {
      sums.set(account.assetId, (sums.get(account.assetId) ?? 0n) + account.balanceUnits);
    }
    return sums;
  }

  assertInvariants(): void {
    for (const [assetId, sum] of this.sumByAsset()) assert(sum === 0n, `asset ${assetId} sums to ${sum}, not zero`);
    for (const account of this.accounts.values()) {
      assert(account.heldUnits >= 0n, 'held must not be negative');
      if (mayGoNegative(account.ownerId)) continue;
      assert(account.balanceUnits >= account.heldUnits, `owner ${account.ownerId} holds more than its balance`);
    }
  }

  /** Accounts sorted by owner then asset: the canonical order for snapshots and state hashes. */
  sortedAccounts(): LedgerAccount[] {
    return [...this.accounts.values()].sort((left, right) =>
      left.ownerId - right.ownerId || left.assetId - right.assetId);
  }

  restoreAccount(account: LedgerAccount): void {
    const key = accountKey(account.ownerId, account.assetId);
    assert(!this.accounts.has(key), 'account restored twice');
    this.insert(key, { ...account });
  }

  accountsOf(ownerId: number): readonly LedgerAccount[] {
    return this.accountsByOwner.get(ownerId) ?? [];
  }

  private insert(key: number, account: LedgerAccount): void {
    this.accounts.set(key, account);
    const owned = this.accountsByOwner.get(account.ownerId);
    if (owned === undefined) this.accountsByOwner.set(account.ownerId, [account]);
    else owned.push(account);
  }
}
