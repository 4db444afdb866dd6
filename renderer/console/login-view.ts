// The sign-in form (user name and password, Vietnamese and English labels), why the last try failed, and the console link as the other way in.
import { bilingual, element } from './dom.ts';
import { canSubmit } from './login-form.ts';
import { STRINGS, type Localised } from './strings.ts';

export interface LoginViewModel {
  /** A sign-in is on its way. */
  readonly busy: boolean;
  /** A lock is on: the button stays disabled until it ends. */
  readonly locked: boolean;
  /** Why the last try failed. */
  readonly failure: { readonly text: Localised; readonly detail?: string } | undefined;
  /** Why the form is back (the session ended), when it is not the first sign-in. */
  readonly notice: Localised | undefined;
}

export class LoginView {
  readonly element: HTMLElement;
  private readonly form = element('form', 'login-form');
  private readonly user = element('input', 'login-input');
  private readonly password = element('input', 'login-input');
  private readonly submit = element('button', 'login-submit', bilingual(STRINGS.signIn));
  private readonly failure = element('div', 'login-failure');
  private readonly notice = element('div', 'login-notice');
  private model: LoginViewModel = { busy: false, locked: false, failure: undefined, notice: undefined };

  constructor(onSubmit: (user: string, password: string) => void) {
    const field = (input: HTMLInputElement, label: Localised, name: string, type: string, autocomplete: string) => {
      // One form per page: fixed ids are unique.
      input.id = `login-${name}`;
      input.name = name;
      input.type = type;
      // Password managers fill the form for the officers who use one.
      input.setAttribute('autocomplete', autocomplete);
      input.required = true;
      input.spellcheck = false;
      input.setAttribute('autocapitalize', 'off');
      const caption = element('label', 'login-label', bilingual(label));
      caption.htmlFor = input.id;
      return element('div', 'login-field', caption, input);
    };
    this.submit.type = 'submit';
    this.failure.setAttribute('role', 'alert');
    this.failure.hidden = true;
    this.notice.setAttribute('role', 'status');
    this.notice.hidden = true;
    this.form.method = 'post';
    // The page's own checks say what is missing; the browser's bubbles would say it in one language only.
    this.form.noValidate = true;
    this.form.append(
      field(this.user, STRINGS.userName, 'user', 'text', 'username'),
      field(this.password, STRINGS.password, 'password', 'password', 'current-password'),
      this.failure,
      this.submit,
    );
    this.form.addEventListener('submit', (event) => {
      // The page speaks to the API itself: the form must never navigate (nor put the password in an address).
      event.preventDefault();
      if (!this.sendable()) return;
      onSubmit(this.user.value.trim(), this.password.value);
    });
    this.form.addEventListener('input', () => this.updateButton());
    this.element = element(
      'div',
      'login-layer',
      element(
        'section',
        'card login-card',
        element('h2', undefined, bilingual(STRINGS.signIn)),
        this.notice,
        this.form,
        element('p', 'login-hint muted', `${STRINGS.signInHint.vi} / ${STRINGS.signInHint.en}`),
      ),
    );
    this.element.hidden = true;
  }

  update(model: LoginViewModel): void {
    this.model = model;
    this.failure.hidden = model.failure === undefined;
    this.failure.replaceChildren(...(model.failure ? [bilingual(model.failure.text), model.failure.detail ? element('span', 'detail', model.failure.detail) : ''] : []));
    this.notice.hidden = model.notice === undefined;
    this.notice.replaceChildren(model.notice ? bilingual(model.notice) : '');
    this.submit.classList.toggle('pending', model.busy);
    this.updateButton();
  }

  /** After a refusal: the password goes (it was wrong, or must not linger), the name stays. */
  clearPassword(): void {
    this.password.value = '';
    this.updateButton();
  }

  /** Where the officer types next: the name, or the password when the name is there already. */
  focus(): void {
    (this.user.value.trim() === '' ? this.user : this.password).focus();
  }

  private sendable(): boolean {
    return canSubmit({ user: this.user.value, password: this.password.value, busy: this.model.busy, locked: this.model.locked });
  }

  private updateButton(): void {
    this.submit.disabled = !this.sendable();
  }
}
