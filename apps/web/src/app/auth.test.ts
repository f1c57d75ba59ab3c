// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { getToken, setToken, takeTokenFromUrl, TOKEN_STORAGE_KEY } from './auth';

afterEach(() => {
  setToken(null);
  history.replaceState(null, '', '/');
});

describe('takeTokenFromUrl', () => {
  it('saves the token of a login link and removes it from the address bar', () => {
    history.replaceState(null, '', '/#token=pb_secret');
    expect(takeTokenFromUrl()).toBe('pb_secret');
    expect(getToken()).toBe('pb_secret');
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('pb_secret');
    expect(location.hash).toBe('#/');
  });

  it('keeps the route and other parameters of a deep link', () => {
    history.replaceState(null, '', '/#/d/ops?edit&token=abc');
    expect(takeTokenFromUrl()).toBe('abc');
    expect(location.hash).toBe('#/d/ops?edit');
    history.replaceState(null, '', '/#/d/ops?token=abc');
    takeTokenFromUrl();
    expect(location.hash).toBe('#/d/ops');
  });

  it('leaves a URL without a token alone', () => {
    history.replaceState(null, '', '/#/d/ops');
    expect(takeTokenFromUrl()).toBeNull();
    expect(location.hash).toBe('#/d/ops');
  });
});

describe('setToken', () => {
  it('forgets the token when given null', () => {
    setToken('t');
    setToken(null);
    expect(getToken()).toBeNull();
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });
});
