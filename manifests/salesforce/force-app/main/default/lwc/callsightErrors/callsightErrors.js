/**
 * Turns any error shape an LWC meets (Apex AuraHandledException, UI API / LDS errors with body arrays, page or
 * field errors of a DML failure, a JS Error, a plain string) into a flat list of messages, in the order found.
 * Empty messages are dropped, so the list is empty only when the input carries no text at all.
 * Pattern of lwc-recipes' ldsUtils.reduceErrors.
 */
export function reduceErrors(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    return list
        .filter((error) => error !== undefined && error !== null)
        .map((error) => {
            if (typeof error === 'string') {
                return error;
            }
            if (Array.isArray(error.body)) {
                return error.body.map((entry) => entry.message);
            }
            if (error.body && typeof error.body === 'object') {
                const { pageErrors, fieldErrors, message } = error.body;
                const collected = [];
                if (Array.isArray(pageErrors)) {
                    collected.push(...pageErrors.map((entry) => entry.message));
                }
                if (fieldErrors && typeof fieldErrors === 'object') {
                    Object.values(fieldErrors).forEach((entries) => collected.push(...entries.map((entry) => entry.message)));
                }
                if (collected.length > 0) {
                    return collected;
                }
                if (typeof message === 'string') {
                    return message;
                }
            }
            if (typeof error.message === 'string') {
                return error.message;
            }
            if (typeof error.statusText === 'string') {
                return error.statusText;
            }
            return undefined;
        })
        .flat()
        .filter((message) => typeof message === 'string' && message.trim() !== '');
}
