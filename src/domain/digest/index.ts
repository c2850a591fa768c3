/** The Monday digest: the model (pure), and its text and HTML forms. */
export * from './model';
export { renderDigestText, renderFullDigestText, renderCompactDigestText } from './text';
export { renderDigestHtml, renderFullDigestHtml, renderCompactDigestHtml } from './html';
export { COMPACT_LIST_LIMIT, compactSections } from './compact';
export { escapeHtml } from '../mail-body';
