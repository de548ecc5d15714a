import type { ChatClient } from '@chat-backend/client';
import { byTestId, el, errorText } from './dom.js';

/** The sign-in form, and the sign-up form `register-link` switches to. Resolves once signed in. */
export function showAuth(root: HTMLElement, client: ChatClient, onSignedIn: () => void): void {
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const fail = (reason: unknown) => {
    error.textContent = errorText(reason);
    error.hidden = false;
  };

  const signIn = el(
    'form',
    { class: 'card', 'aria-label': 'Sign in' },
    el('h1', {}, 'Sign in'),
    el('input', { 'data-testid': 'login-username', name: 'login', placeholder: 'Username or email', required: true }),
    el('input', {
      'data-testid': 'login-password',
      name: 'password',
      type: 'password',
      placeholder: 'Password',
      required: true,
    }),
    el('button', { 'data-testid': 'login-submit', type: 'submit' }, 'Sign in'),
    el('button', { 'data-testid': 'register-link', type: 'button', class: 'link' }, 'Create an account'),
  );
  const signUp = el(
    'form',
    { class: 'card', 'aria-label': 'Sign up', hidden: true },
    el('h1', {}, 'Create an account'),
    el('input', {
      'data-testid': 'register-email',
      name: 'email',
      type: 'email',
      placeholder: 'Email',
      required: true,
    }),
    el('input', { 'data-testid': 'register-username', name: 'username', placeholder: 'Username', required: true }),
    el('input', {
      'data-testid': 'register-password',
      name: 'password',
      type: 'password',
      placeholder: 'Password (8 characters or more)',
      required: true,
    }),
    el('button', { 'data-testid': 'register-submit', type: 'submit' }, 'Sign up'),
    el('button', { type: 'button', class: 'link', 'data-action': 'to-login' }, 'I have an account'),
  );
  const value = (form: HTMLElement, testId: string) => byTestId<HTMLInputElement>(form, testId).value;

  signIn.addEventListener('submit', (event) => {
    event.preventDefault();
    client.login(value(signIn, 'login-username').trim(), value(signIn, 'login-password')).then(onSignedIn, fail);
  });
  signUp.addEventListener('submit', (event) => {
    event.preventDefault();
    client
      .register({
        email: value(signUp, 'register-email').trim(),
        username: value(signUp, 'register-username').trim(),
        password: value(signUp, 'register-password'),
      })
      .then(onSignedIn, fail);
  });
  const toggle = (showSignUp: boolean) => {
    signIn.hidden = showSignUp;
    signUp.hidden = !showSignUp;
    error.hidden = true;
  };
  byTestId(signIn, 'register-link').addEventListener('click', () => toggle(true));
  signUp.querySelector('[data-action="to-login"]')?.addEventListener('click', () => toggle(false));

  root.replaceChildren(el('main', { class: 'auth' }, signIn, signUp, error));
}
