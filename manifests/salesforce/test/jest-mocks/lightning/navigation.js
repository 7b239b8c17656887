/**
 * lightning/navigation for Jest that records what a component navigated to (the stub shipped with
 * sfdx-lwc-jest does nothing), as lwc-recipes does. Reset with resetNavigation() between tests.
 */
import { createTestWireAdapter } from '@salesforce/wire-service-jest-util';

export const CurrentPageReference = createTestWireAdapter(jest.fn());

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');
const calls = [];

export const NavigationMixin = (Base) =>
    class extends Base {
        [Navigate](pageReference, replace) {
            calls.push({ pageReference, replace });
        }
        [GenerateUrl](pageReference) {
            return Promise.resolve(`/lightning/${pageReference.type}`);
        }
    };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

/** Every navigation since the last reset, oldest first. */
export const navigationCalls = () => calls.slice();
export const resetNavigation = () => {
    calls.length = 0;
};
