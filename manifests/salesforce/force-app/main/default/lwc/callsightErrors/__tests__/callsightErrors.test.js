import { reduceErrors } from 'c/callsightErrors';

describe('reduceErrors', () => {
    it.each([
        ['a string', 'Plain failure', ['Plain failure']],
        ['a JS Error', new Error('Script error'), ['Script error']],
        ['an Apex AuraHandledException', { body: { message: 'Insufficient access', exceptionType: 'System.NoAccessException' }, status: 500 }, ['Insufficient access']],
        ['a UI API error list', { body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }], status: 404 }, ['The requested resource does not exist']],
        [
            'DML page and field errors',
            { body: { pageErrors: [{ message: 'Page problem' }], fieldErrors: { Phone: [{ message: 'Bad phone' }] } } },
            ['Page problem', 'Bad phone']
        ],
        ['a network failure', { statusText: 'Service Unavailable', status: 503 }, ['Service Unavailable']],
        ['several errors at once', [new Error('one'), 'two', null], ['one', 'two']],
        ['nothing readable', [{}, undefined], []]
    ])('reads %s', (what, input, expected) => {
        expect(reduceErrors(input)).toEqual(expected);
    });
});
