import { NaiveOrderBook } from '../src/index.ts';
import { runBookSuite } from './book-suite.ts';

runBookSuite('NaiveOrderBook', {
  create: (options) => new NaiveOrderBook(options),
  restore: (snapshot, options) => NaiveOrderBook.restore(snapshot, options),
  validate: () => {},
});
