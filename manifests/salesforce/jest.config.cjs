const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    moduleNameMapper: {
        '^lightning/navigation$': '<rootDir>/test/jest-mocks/lightning/navigation',
        '^callsight-test/(.*)$': '<rootDir>/test/lwc/$1'
    },
    testPathIgnorePatterns: ['<rootDir>/node_modules/', '<rootDir>/.sfdx/', '<rootDir>/.sf/']
};
