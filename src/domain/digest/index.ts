/** The Monday digest: the model (pure), and its text and HTML forms. */
export * from './model';
export { renderDigestText } from './text';
export { renderDigestHtml } from './html';
export { escapeHtml } from '../mail-body';
