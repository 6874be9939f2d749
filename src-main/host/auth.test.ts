import { describe, expect, it } from 'vitest';
import { allowedHosts, hostAllowed, isLoopbackAddress, newToken, originAllowed, tokensEqual } from './auth';

describe('tokens', () => {
  it('are long, random and compared exactly', () => {
    const a = newToken();
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(newToken()).not.toBe(a);
    expect(tokensEqual(a, a)).toBe(true);
    expect(tokensEqual(a.slice(0, -1), a)).toBe(false);
    expect(tokensEqual(`${a}x`, a)).toBe(false);
    expect(tokensEqual('', a)).toBe(false);
    expect(tokensEqual(null, a)).toBe(false);
  });
});

describe('host and origin checks', () => {
  const loopback = allowedHosts('127.0.0.1');

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackAddress(h)).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.2', '::', 'example.com']) expect(isLoopbackAddress(h)).toBe(false);
  });

  it('accepts loopback host names on any port (an SSH tunnel may forward another one), and no foreign name', () => {
    expect(hostAllowed('127.0.0.1:5780', loopback)).toBe(true);
    expect(hostAllowed('localhost:5780', loopback)).toBe(true);
    expect(hostAllowed('LOCALHOST:5780', loopback)).toBe(true);
    expect(hostAllowed('localhost:8080', loopback)).toBe(true); // ssh -L 8080:127.0.0.1:5780
    expect(hostAllowed('[::1]:8080', loopback)).toBe(true);
    expect(hostAllowed('localhost', loopback)).toBe(true);
    expect(hostAllowed('evil.example:5780', loopback)).toBe(false); // DNS rebinding
    expect(hostAllowed('localhost.evil.example:5780', loopback)).toBe(false);
    expect(hostAllowed('127.0.0.1.nip.io:5780', loopback)).toBe(false);
    expect(hostAllowed('[::1].evil:5780', loopback)).toBe(false);
    expect(hostAllowed(undefined, loopback)).toBe(false);
  });

  it('adds the bound address (loopback or not), and any host for a wildcard bind', () => {
    expect(hostAllowed('10.0.0.5:80', allowedHosts('10.0.0.5'))).toBe(true);
    expect(hostAllowed('127.0.0.5:5780', allowedHosts('127.0.0.5'))).toBe(true);
    expect(hostAllowed('127.0.0.5:5780', loopback)).toBe(false);
    expect(hostAllowed('anything:1', allowedHosts('0.0.0.0'))).toBe(true);
  });

  it('accepts only same-origin browser pages, or no Origin at all', () => {
    expect(originAllowed('http://127.0.0.1:5780', '127.0.0.1:5780')).toBe(true);
    expect(originAllowed(undefined, '127.0.0.1:5780')).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:5780')).toBe(false);
    expect(originAllowed('http://127.0.0.1:9999', '127.0.0.1:5780')).toBe(false);
    expect(originAllowed('https://127.0.0.1:5780', '127.0.0.1:5780')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:5780')).toBe(false);
    expect(originAllowed('http://127.0.0.1:5780', undefined)).toBe(false);
  });
});
