import { adoptStyles } from '../../core/adopt-styles';
import sldsTheme from './salesforce-theme.css?inline';

/** Looks a Salesforce host may give the widgets: `slds` restyles them after the Lightning Design System. */
export const SALESFORCE_THEMES = ['slds'] as const;
export type SalesforceTheme = (typeof SALESFORCE_THEMES)[number];

/** Attribute on the mount container naming its theme; the theme sheet's rules are scoped by it. */
export const THEME_ATTRIBUTE = 'data-callsight-theme';

/** True for a theme this bundle ships. */
export function isSalesforceTheme(value: unknown): value is SalesforceTheme {
  return (SALESFORCE_THEMES as readonly unknown[]).includes(value);
}

/**
 * Gives `element` the theme: marks it with THEME_ATTRIBUTE and adds the theme's sheet once to the root it
 * renders in (its shadow root or the document). Styles only what is inside `element`.
 */
export function applySalesforceTheme(element: Element, theme: SalesforceTheme): void {
  element.setAttribute(THEME_ATTRIBUTE, theme);
  adoptStyles(element, `salesforce-theme-${theme}`, sldsTheme);
}

/** Removes the theme mark from `element` (the sheet stays in the root for other widgets). */
export function clearSalesforceTheme(element: Element): void {
  element.removeAttribute(THEME_ATTRIBUTE);
}
