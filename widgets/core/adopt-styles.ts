/** Attribute naming the style elements adoptStyles adds, so each sheet is added once per root. */
export const STYLE_ATTRIBUTE = 'data-callsight-styles';

/**
 * Adds `css` as a `<style data-callsight-styles="{key}">` to the root `node` renders in: its shadow root
 * when it is inside one (a Salesforce LWC container), else the document head. A root that already has a
 * sheet with this key keeps it, so mounting many widgets adds each sheet once.
 */
export function adoptStyles(node: Node, key: string, css: string): void {
  const root = node.getRootNode();
  const shadow = typeof ShadowRoot !== 'undefined' && root instanceof ShadowRoot ? root : null;
  const document = node.ownerDocument ?? (root as Document);
  const parent: ParentNode = shadow ?? document.head;
  const existing = [...parent.querySelectorAll(`style[${STYLE_ATTRIBUTE}]`)].find((element) => element.getAttribute(STYLE_ATTRIBUTE) === key);
  if (existing !== undefined) return;
  const style = document.createElement('style');
  style.setAttribute(STYLE_ATTRIBUTE, key);
  style.textContent = css;
  parent.appendChild(style);
}
