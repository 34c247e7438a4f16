import { describe, expect, it } from 'vitest';
import { BodyError, parseJsonBody } from '../../hooks/json-body.js';

describe('parseJsonBody', () => {
  it('parses JSON and keeps prototype-named keys that cannot pollute (constructor as a value, prototype, toString)', () => {
    const text = '{"a":[{"constructor":"x","prototype":1,"toString":{"b":2}}],"constructor":{"name":"y"}}';
    expect(parseJsonBody(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['top level', '{"__proto__":{"polluted":true}}'],
    ['inside an array', '{"a":[1,{"b":{"__proto__":{}}}]}'],
    ['escaped in the text', '{"a":{"\\u005f_proto__":{}}}'],
    ['constructor.prototype', '{"a":[{"constructor":{"prototype":{"polluted":true}}}]}'],
  ])('refuses __proto__ / constructor.prototype (%s) with a 400 BodyError', (_where, text) => {
    expect(() => parseJsonBody(text)).toThrow(BodyError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses an empty body and invalid JSON with a 400 BodyError', () => {
    for (const text of ['', '{', 'nul', '{"a":1}x']) {
      expect(() => parseJsonBody(text), text).toThrow(BodyError);
      try {
        parseJsonBody(text);
      } catch (error) {
        expect((error as BodyError).statusCode).toBe(400);
      }
    }
  });

  it('walks 10,000 levels (Go\'s limit) without overflowing the stack, and still finds a key at the bottom', () => {
    const deep = (inner: string) => '{"a":['.repeat(10_000) + inner + ']}'.repeat(10_000);
    expect(() => parseJsonBody(deep('1'))).not.toThrow();
    expect(() => parseJsonBody(deep('{"__proto__":{}}'))).toThrow(BodyError);
  });
});
