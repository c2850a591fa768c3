/**
 * The reminders: planned from the week reads and sent through the outbox (./send.ts), each
 * composed with the unit's pre-filled template when its stage attaches one (./compose-mail.ts,
 * ./previous-answers.ts).
 */
export * from './send';
export { composeReminderMail } from './compose-mail';
export { loadPreviousAnswers } from './previous-answers';
