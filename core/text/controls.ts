/**
 * Control characters (C0 but tab, line feed and carriage return; DEL) have no place in a title or
 * a description: nobody types them, they come from file metadata or pasted binary, and XML 1.0
 * cannot carry them at all (one in a title made every RSS reader reject the whole feed).
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function stripControls(text: string): string {
  return text.replace(CONTROLS, '');
}

/** Everything XML 1.0 cannot hold: the controls above, lone surrogates, U+FFFE and U+FFFF. */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text an XML document can carry: what XML 1.0 forbids is dropped. */
export function xmlSafe(text: string): string {
  return text.replace(NOT_XML, '');
}
