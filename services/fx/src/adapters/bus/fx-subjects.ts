// Subjects of the FX service on the event bus. A NATS JetStream stream must store `parite.fx.>`
// (fxStreamSubjects) for these to publish.

export const fxSubjectPrefix = 'parite.fx';
export const fxCycleSubject = `${fxSubjectPrefix}.rates.cycle`;
export const fxAlertSubject = `${fxSubjectPrefix}.alerts`;
export const fxStreamSubjects: readonly string[] = [`${fxSubjectPrefix}.>`];
/** The durable consumer that writes the rate history. */
export const fxHistoryDurableName = 'fx-rate-history';
