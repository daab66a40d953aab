export * from './event-bus.ts';
export * from './subject.ts';
export * from './memory-event-bus.ts';
export * from './nats-event-bus.ts';
