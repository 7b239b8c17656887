import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';
import { SALESFORCE_ASSERTION_LIFETIME_S, SALESFORCE_PERMISSION_SET_ROLES, SALESFORCE_SESSION_PATH } from '../../../core/api/salesforce-session.api';
import { namesIn, SOURCE_DIR } from './salesforce-source';

class CollectingListener extends ApexErrorListener {
  readonly errors: string[] = [];
  apexSyntaxError(line: number, column: number, message: string): void {
    this.errors.push(`${line}:${column} ${message}`);
  }
}

const classes = namesIn('classes', '.cls');
const sourceOf = (name: string) => readFileSync(join(SOURCE_DIR, `classes/${name}.cls`), 'utf8');
const isTestClass = (name: string) => /^\s*@IsTest\b/im.test(sourceOf(name));

describe('Apex classes', () => {
  it.each(classes)('%s parses with the Apex grammar and declares the class its file names', (name) => {
    const listener = new CollectingListener();
    const { parser } = ApexParserFactory.createLexerAndParser(sourceOf(name), listener);
    const unit = parser.compilationUnit();
    expect(listener.errors).toEqual([]);
    expect(unit.typeDeclaration().classDeclaration()?.id().getText()).toBe(name);
  });

  it('gives every class a test class that uses HttpCalloutMock where the class makes callouts', () => {
    const production = classes.filter((name) => !isTestClass(name));
    expect(production).toEqual(['CallsightSessionController']);
    for (const name of production) {
      expect(classes, name).toContain(`${name}Test`);
      const test = sourceOf(`${name}Test`);
      expect(test).toMatch(/@IsTest/);
      if (/new Http\(\)\.send/.test(sourceOf(name))) expect(test).toMatch(/implements HttpCalloutMock/);
    }
  });

  it('keeps the session controller thin: with sharing, user-mode queries, the Named Credential and the shared contract', () => {
    const source = sourceOf('CallsightSessionController');
    expect(source).toMatch(/public with sharing class CallsightSessionController/);
    const queries = [...source.matchAll(/\[\s*SELECT[\s\S]*?\]/gi)].map((m) => m[0]);
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) expect(query).toMatch(/WITH USER_MODE/);
    expect(source).toContain(`SESSION_PATH = '${SALESFORCE_SESSION_PATH}'`);
    expect(source).toContain(`ASSERTION_LIFETIME_S = ${SALESFORCE_ASSERTION_LIFETIME_S}`);
    expect(source).toMatch(/'callout:' \+ namespace \+ 'Callsight_Hub' \+ SESSION_PATH/);
    expect(source).toMatch(/new Auth\.JWS\(jwt, certificateName\)/);
    for (const claim of ['jti', 'permission_sets', 'agent_id']) expect(source).toContain(`'${claim}'`);
    const order = [...source.matchAll(/'(Callsight_(?:Admin|Manager|QA|Agent))'/g)].map((m) => m[1]).slice(0, 4);
    expect(order).toEqual(Object.keys(SALESFORCE_PERMISSION_SET_ROLES));
    expect(source).not.toMatch(/System\.debug/);
  });
});
